/*
 * zone.c - named sets of VLANs and subnets, and the built-in zones.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "policy/zone.h"
#include "util/util.h"

struct zone_subnet {
	uint8_t		 a[16];
	uint8_t		 plen;
	uint8_t		 zone;
};

struct zones {
	char		 name[ZONE_MAX][ZONE_NAME_MAX];
	unsigned	 n;
	uint8_t		 vlan_zone[4096];	/* 0: none (local is never a VLAN's) */
	struct zone_subnet subnet[ZONE_MAX_SUBNETS];
	unsigned	 nsubnet;
};

static const char *const zone_builtin[ZONE_BUILTIN_N] = {
	[ZONE_LOCAL] = "local",
	[ZONE_INTERNET] = "internet",
	[ZONE_MULTICAST] = "multicast",
	[ZONE_LINK_LOCAL] = "link-local",
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct zones *
zones_new(void)
{
	struct zones *z = xcalloc(1, sizeof(*z));
	unsigned i;

	for (i = 0; i < ZONE_BUILTIN_N; i++)
		strlcpy(z->name[i], zone_builtin[i], ZONE_NAME_MAX);
	z->n = ZONE_BUILTIN_N;
	return z;
}

void
zones_free(struct zones *z)
{
	free(z);
}

static bool
zones_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= ZONE_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int
zones_lookup(const struct zones *z, const char *name)
{
	unsigned i;

	for (i = 0; i < z->n; i++)
		if (strcmp(z->name[i], name) == 0)
			return (int)i;
	return -1;
}

int
zones_add(struct zones *z, const char *name)
{
	int id;

	if (!zones_name_ok(name))
		return -1;
	if ((id = zones_lookup(z, name)) >= 0)
		return id;
	if (z->n >= ZONE_MAX)
		return -1;
	strlcpy(z->name[z->n], name, ZONE_NAME_MAX);
	return (int)z->n++;
}

int
zones_add_vlan(struct zones *z, int id, uint16_t vlan)
{
	if (id < ZONE_BUILTIN_N || (unsigned)id >= z->n || vlan >= 4096)
		return -1;
	if (z->vlan_zone[vlan] != 0 && z->vlan_zone[vlan] != id)
		return -1;
	z->vlan_zone[vlan] = (uint8_t)id;
	return 0;
}

static bool
zones_in(const uint8_t a[16], const uint8_t net[16], unsigned plen)
{
	unsigned bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, net, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a[bytes] ^ net[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

int
zones_add_subnet(struct zones *z, int id, const uint8_t a[16],
    unsigned plen)
{
	struct zone_subnet *s;
	unsigned i;

	if (id < 0 || (unsigned)id >= z->n || plen > 128 ||
	    z->nsubnet >= ZONE_MAX_SUBNETS)
		return -1;
	s = &z->subnet[z->nsubnet++];
	memset(s, 0, sizeof(*s));
	for (i = 0; i < 16; i++) {
		unsigned keep = plen >= (i + 1) * 8 ? 8 :
		    plen > i * 8 ? plen - i * 8 : 0;

		s->a[i] = keep == 0 ? 0 : a[i] & (uint8_t)(0xff << (8 - keep));
	}
	s->plen = (uint8_t)plen;
	s->zone = (uint8_t)id;
	return 0;
}

const char *
zones_name(const struct zones *z, int id)
{
	if (z == NULL) {
		if (id >= 0 && id < ZONE_BUILTIN_N)
			return zone_builtin[id];
		return "?";
	}
	return id >= 0 && (unsigned)id < z->n ? z->name[id] : "?";
}

unsigned
zones_count(const struct zones *z)
{
	return z != NULL ? z->n : ZONE_BUILTIN_N;
}

/* IPv4 (the last 4 bytes of a v4-mapped address), by the tests of
 * zones_ip_multicast(), zones_ip_link_local() and zones_ip_public(). */
static bool
zones_v4_multicast(const uint8_t a[4])
{
	return (a[0] & 0xf0) == 0xe0 ||
	    (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

static bool
zones_v4_link_local(const uint8_t a[4])
{
	return a[0] == 169 && a[1] == 254;
}

/* Not multicast or link-local: the rest of zones_ip_public(). */
static bool
zones_v4_public(const uint8_t a[4])
{
	if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 240)
		return false;
	if (a[0] == 100 && (a[1] & 0xc0) == 64)		/* 100.64/10 */
		return false;
	if (a[0] == 172 && (a[1] & 0xf0) == 16)		/* 172.16/12 */
		return false;
	if (a[0] == 192 && a[1] == 168)
		return false;
	if (a[0] == 192 && a[1] == 0 && a[2] == 0)	/* 192.0.0/24 */
		return false;
	if (a[0] == 198 && (a[1] & 0xfe) == 18)	/* 198.18/15 */
		return false;
	return true;
}

static bool
zones_v6_multicast(const uint8_t ip[16])
{
	return ip[0] == 0xff;
}

static bool
zones_v6_link_local(const uint8_t ip[16])
{
	return ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
}

static bool
zones_v6_public(const uint8_t ip[16])
{
	static const uint8_t zero[16];

	if (memcmp(ip, zero, 15) == 0 && (ip[15] == 0 || ip[15] == 1))
		return false;				/* :: and ::1 */
	if ((ip[0] & 0xfe) == 0xfc)			/* ULA fc00::/7 */
		return false;
	return true;
}

bool
zones_ip_multicast(const uint8_t ip[16])
{
	if (memcmp(ip, v4mapped, 12) == 0)
		return zones_v4_multicast(ip + 12);
	return zones_v6_multicast(ip);
}

bool
zones_ip_link_local(const uint8_t ip[16])
{
	if (memcmp(ip, v4mapped, 12) == 0)
		return zones_v4_link_local(ip + 12);
	return zones_v6_link_local(ip);
}

bool
zones_ip_public(const uint8_t ip[16])
{
	if (memcmp(ip, v4mapped, 12) == 0)
		return !zones_v4_multicast(ip + 12) &&
		    !zones_v4_link_local(ip + 12) && zones_v4_public(ip + 12);
	return !zones_v6_multicast(ip) && !zones_v6_link_local(ip) &&
	    zones_v6_public(ip);
}

int
zones_place(const struct zones *z, int vlan, const uint8_t ip[16])
{
	unsigned i, best = 0;
	int zone = -1;

	if (z != NULL && ip != NULL)
		for (i = 0; i < z->nsubnet; i++) {
			const struct zone_subnet *s = &z->subnet[i];

			if ((zone < 0 || s->plen > best) &&
			    zones_in(ip, s->a, s->plen)) {
				zone = s->zone;
				best = s->plen;
			}
		}
	if (zone >= 0)
		return zone;
	/* The address's family once, for the three tests (asked of both
	 * ends of most events). */
	if (ip != NULL && memcmp(ip, v4mapped, 12) == 0) {
		if (zones_v4_multicast(ip + 12))
			return ZONE_MULTICAST;
		if (zones_v4_link_local(ip + 12))
			return ZONE_LINK_LOCAL;
		if (zones_v4_public(ip + 12))
			return ZONE_INTERNET;
	} else if (ip != NULL) {
		if (zones_v6_multicast(ip))
			return ZONE_MULTICAST;
		if (zones_v6_link_local(ip))
			return ZONE_LINK_LOCAL;
		if (zones_v6_public(ip))
			return ZONE_INTERNET;
	}
	if (z != NULL && vlan >= 0 && vlan < 4096 && z->vlan_zone[vlan] != 0)
		return z->vlan_zone[vlan];
	return ZONE_LOCAL;
}
