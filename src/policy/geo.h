/*
 * geo.h - country and autonomous system of public addresses, from
 * MaxMind databases (wardwatch.yaml "geoip"; libmaxminddb).
 *
 * Either database may be missing: no database means no geo, never an
 * error (a database named but unreadable is a warning).  Lookups of
 * private, multicast or unlisted addresses find nothing.
 */
#ifndef WW_GEO_H
#define WW_GEO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GEO_ORG_MAX	96

struct geo;

struct geo_info {
	char		 country[3];	/* ISO 3166-1 alpha-2; "" unknown */
	uint32_t	 asn;		/* 0: unknown */
	char		 as_org[GEO_ORG_MAX];
};

/* Open the databases (either path may be NULL or ""); warnings on err.
 * Returns NULL when neither opens: lookups on NULL find nothing. */
struct geo	*geo_open(const char *country_db, const char *asn_db,
		    FILE *err);
void		 geo_close(struct geo *);
bool		 geo_available(void);	/* built with libmaxminddb */
/* ip: 16 bytes, IPv4 as ::ffff:a.b.c.d.  true when anything was found. */
bool		 geo_lookup(const struct geo *, const uint8_t ip[16],
		    struct geo_info *);

#endif /* WW_GEO_H */
