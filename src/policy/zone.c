/*
 * zone.c - zones of VLANs and subnets, and where an address falls.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "policy/zone.h"
#include "util/util.h"

static const char *const zone_builtin[ZONE_BUILTIN_N] = {
	[ZONE_LOCAL] = "local",
	[ZONE_INTERNET] = "internet",
	[ZONE_MULTICAST] = "multicast",
	[ZONE_LINK_LOCAL] = "link-local",
};

struct zone_subnet {
	uint8_t		 a[16];
	unsigned	 plen;
	int		 id;
};

struct zones {
	char		*names[ZONE_MAX];
	unsigned	 n;
	int16_t		 vlan[4096];	/* zone id + 1; 0: none */
	struct zone_subnet *sub;
	size_t		 nsub;
};

struct zones *
zones_new(void)
{
	struct zones *z = xcalloc(1, sizeof(*z));
	int i;

	for (i = 0; i < ZONE_BUILTIN_N; i++)
		z->names[i] = xstrdup(zone_builtin[i]);
	z->n = ZONE_BUILTIN_N;
	return z;
}

void
zones_free(struct zones *z)
{
	unsigned i;

	if (z == NULL)
		return;
	for (i = 0; i < z->n; i++)
		free(z->names[i]);
	free(z->sub);
	free(z);
}

int
zones_lookup(const struct zones *z, const char *name)
{
	unsigned i;

	if (z == NULL) {
		for (i = 0; i < ZONE_BUILTIN_N; i++)
			if (strcmp(zone_builtin[i], name) == 0)
				return (int)i;
		return -1;
	}
	for (i = 0; i < z->n; i++)
		if (strcmp(z->names[i], name) == 0)
			return (int)i;
	return -1;
}

int
zones_add(struct zones *z, const char *name)
{
	int id = zones_lookup(z, name);

	if (id >= 0)
		return id;
	if (z->n == ZONE_MAX || strlen(name) >= ZONE_NAME_MAX)
		return -1;
	z->names[z->n] = xstrdup(name);
	return (int)z->n++;
}

int
zones_add_vlan(struct zones *z, int id, uint16_t vlan)
{
	if (vlan >= 4096 || id < 0 || (unsigned)id >= z->n)
		return -1;
	if (z->vlan[vlan] != 0 && z->vlan[vlan] != id + 1)
		return -1;
	z->vlan[vlan] = (int16_t)(id + 1);
	return 0;
}

int
zones_add_subnet(struct zones *z, int id, const uint8_t a[16],
    unsigned plen128)
{
	struct zone_subnet *s;
	unsigned i;

	if (id < 0 || (unsigned)id >= z->n || plen128 > 128 ||
	    z->nsub >= ZONE_MAX_SUBNETS)
		return -1;
	z->sub = xreallocarray(z->sub, z->nsub + 1, sizeof(*z->sub));
	s = &z->sub[z->nsub++];
	memset(s, 0, sizeof(*s));
	for (i = 0; i < 16; i++) {
		unsigned bits = plen128 > i * 8 ? plen128 - i * 8 : 0;

		s->a[i] = bits >= 8 ? a[i] : (uint8_t)(a[i] &
		    (0xff00u >> bits));
	}
	s->plen = plen128;
	s->id = id;
	return 0;
}

const char *
zones_name(const struct zones *z, int id)
{
	if (z == NULL)
		return id >= 0 && id < ZONE_BUILTIN_N ? zone_builtin[id] :
		    NULL;
	return id >= 0 && (unsigned)id < z->n ? z->names[id] : NULL;
}

unsigned
zones_count(const struct zones *z)
{
	return z == NULL ? ZONE_BUILTIN_N : z->n;
}

int
zones_vlan(const struct zones *z, uint16_t vlan)
{
	if (z == NULL || vlan >= 4096 || z->vlan[vlan] == 0)
		return -1;
	return z->vlan[vlan] - 1;
}

static bool
zone_in(const struct zone_subnet *s, const uint8_t ip[16])
{
	unsigned i, bits;

	for (i = 0; i < 16; i++) {
		bits = s->plen > i * 8 ? s->plen - i * 8 : 0;
		if (bits == 0)
			return true;
		if (bits >= 8) {
			if (ip[i] != s->a[i])
				return false;
		} else if ((ip[i] & (0xff00u >> bits)) != s->a[i])
			return false;
	}
	return true;
}

static bool
zone_is4(const uint8_t ip[16])
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return memcmp(ip, pre, 12) == 0;
}

bool
zones_ip_public(const uint8_t ip[16])
{
	const uint8_t *a = ip + 12;

	if (zone_is4(ip)) {
		if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)
			return false;
		if (a[0] == 172 && (a[1] & 0xf0) == 16)
			return false;
		if (a[0] == 192 && a[1] == 168)
			return false;
		if (a[0] == 169 && a[1] == 254)
			return false;
		if (a[0] == 100 && (a[1] & 0xc0) == 64)	/* CGN, RFC 6598 */
			return false;
		if (a[0] == 192 && a[1] == 0 && a[2] == 2)	/* RFC 5737 */
			return false;
		if (a[0] == 198 && (a[1] & 0xfe) == 18)	/* benchmarking */
			return false;
		if (a[0] == 198 && a[1] == 51 && a[2] == 100)
			return false;
		if (a[0] == 203 && a[1] == 0 && a[2] == 113)
			return false;
		return true;
	}
	/* IPv6: only global unicast 2000::/3 is public, less the
	 * documentation prefix 2001:db8::/32. */
	if ((ip[0] & 0xe0) != 0x20)
		return false;
	return !(ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x0d &&
	    ip[3] == 0xb8);
}

int
zones_place(const struct zones *z, int vlan, const uint8_t ip[16])
{
	const struct zone_subnet *best = NULL;
	const uint8_t *a;
	size_t i;

	if (ip != NULL && z != NULL)
		for (i = 0; i < z->nsub; i++)
			if (zone_in(&z->sub[i], ip) &&
			    (best == NULL || z->sub[i].plen > best->plen))
				best = &z->sub[i];
	if (best != NULL)
		return best->id;
	if (ip != NULL) {
		a = ip + 12;
		if (zone_is4(ip)) {
			if (a[0] >= 224 || (a[0] == 255 && a[3] == 255))
				return ZONE_MULTICAST;
			if (a[0] == 169 && a[1] == 254)
				return ZONE_LINK_LOCAL;
		} else {
			if (ip[0] == 0xff)
				return ZONE_MULTICAST;
			if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80)
				return ZONE_LINK_LOCAL;
		}
		if (zones_ip_public(ip))
			return ZONE_INTERNET;
	}
	if (vlan >= 0 && vlan < 4096 && z != NULL && z->vlan[vlan] != 0)
		return z->vlan[vlan] - 1;
	return ZONE_LOCAL;
}
