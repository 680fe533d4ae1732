/*
 * geo.c - MaxMind lookups: country (GeoIP2/GeoLite2 Country or City)
 * and ASN (GeoLite2 ASN, GeoIP2 ISP).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#ifdef HAVE_MAXMINDDB
#include <netinet/in.h>
#include <sys/socket.h>

#include <maxminddb.h>
#endif

#include "policy/geo.h"
#include "util/util.h"

#ifdef HAVE_MAXMINDDB
struct geo {
	MMDB_s		 country, asn;
	bool		 has_country, has_asn;
};

static bool
geo_open_one(const char *path, MMDB_s *db, FILE *err)
{
	int rc;

	if (path == NULL || path[0] == '\0')
		return false;
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, db)) != MMDB_SUCCESS) {
		if (err != NULL)
			fprintf(err, "warning: %s: %s: no geo from it\n", path,
			    MMDB_strerror(rc));
		return false;
	}
	return true;
}

bool
geo_available(void)
{
	return true;
}

struct geo *
geo_open(const char *country_db, const char *asn_db, FILE *err)
{
	struct geo *g = xcalloc(1, sizeof(*g));

	g->has_country = geo_open_one(country_db, &g->country, err);
	g->has_asn = geo_open_one(asn_db, &g->asn, err);
	if (!g->has_country && !g->has_asn) {
		free(g);
		return NULL;
	}
	return g;
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	if (g->has_country)
		MMDB_close(&g->country);
	if (g->has_asn)
		MMDB_close(&g->asn);
	free(g);
}

static bool
geo_find(MMDB_s *db, const uint8_t ip[16], MMDB_lookup_result_s *res)
{
	static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	int mmerr;

	if (memcmp(ip, v4, 12) == 0) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, ip + 12, 4);
		*res = MMDB_lookup_sockaddr(db, (struct sockaddr *)&sin,
		    &mmerr);
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, ip, 16);
		*res = MMDB_lookup_sockaddr(db, (struct sockaddr *)&sin6,
		    &mmerr);
	}
	return mmerr == MMDB_SUCCESS && res->found_entry;
}

bool
geo_lookup(const struct geo *cg, const uint8_t ip[16], struct geo_info *gi)
{
	struct geo *g = (struct geo *)cg;	/* lookups do not write */
	MMDB_lookup_result_s res;
	MMDB_entry_data_s d;
	bool found = false;

	memset(gi, 0, sizeof(*gi));
	if (g == NULL)
		return false;
	if (g->has_country && geo_find(&g->country, ip, &res)) {
		if ((MMDB_get_value(&res.entry, &d, "country", "iso_code",
		    NULL) == MMDB_SUCCESS && d.has_data &&
		    d.type == MMDB_DATA_TYPE_UTF8_STRING) ||
		    (MMDB_get_value(&res.entry, &d, "registered_country",
		    "iso_code", NULL) == MMDB_SUCCESS && d.has_data &&
		    d.type == MMDB_DATA_TYPE_UTF8_STRING)) {
			if (d.data_size == 2) {
				memcpy(gi->country, d.utf8_string, 2);
				found = true;
			}
		}
	}
	if (g->has_asn && geo_find(&g->asn, ip, &res)) {
		if (MMDB_get_value(&res.entry, &d, "autonomous_system_number",
		    NULL) == MMDB_SUCCESS && d.has_data &&
		    d.type == MMDB_DATA_TYPE_UINT32) {
			gi->asn = d.uint32;
			found = true;
		}
		if (MMDB_get_value(&res.entry, &d,
		    "autonomous_system_organization", NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			size_t n = d.data_size < GEO_ORG_MAX - 1 ?
			    d.data_size : GEO_ORG_MAX - 1;

			memcpy(gi->as_org, d.utf8_string, n);
			gi->as_org[n] = '\0';
		}
	}
	return found;
}

#else /* !HAVE_MAXMINDDB */

struct geo {
	int	 unused;
};

bool
geo_available(void)
{
	return false;
}

struct geo *
geo_open(const char *country_db, const char *asn_db, FILE *err)
{
	if (err != NULL && ((country_db != NULL && country_db[0] != '\0') ||
	    (asn_db != NULL && asn_db[0] != '\0')))
		fprintf(err, "warning: built without libmaxminddb: geoip "
		    "databases not used\n");
	return NULL;
}

void
geo_close(struct geo *g)
{
	(void)g;
}

bool
geo_lookup(const struct geo *g, const uint8_t ip[16], struct geo_info *gi)
{
	(void)g;
	(void)ip;
	memset(gi, 0, sizeof(*gi));
	return false;
}
#endif
