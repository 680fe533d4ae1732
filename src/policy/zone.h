/*
 * zone.h - zones: named sets of VLANs and subnets (wardwatch.yaml
 * "zones"), and the built-in ones every address falls into otherwise.
 *
 * Placement of an address seen on a VLAN: the longest configured subnet
 * that holds it; then multicast and broadcast, link-local; a public
 * address is "internet"; then the zone of the VLAN (vlan >= 0); else
 * "local" (private addresses no zone names).
 */
#ifndef WW_ZONE_H
#define WW_ZONE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	ZONE_LOCAL,
	ZONE_INTERNET,
	ZONE_MULTICAST,
	ZONE_LINK_LOCAL,
	ZONE_BUILTIN_N
};

#define ZONE_NAME_MAX	64
#define ZONE_MAX	256
#define ZONE_MAX_SUBNETS 4096

struct zones;

struct zones	*zones_new(void);
void		 zones_free(struct zones *);
/* The id of a zone (the same for the same name), or -1: too many. */
int		 zones_add(struct zones *, const char *name);
/* -1: the VLAN is in another zone already. */
int		 zones_add_vlan(struct zones *, int id, uint16_t vlan);
/* a: v4-mapped for IPv4 (::ffff:a.b.c.d), plen128 counted on 128 bits.
 * -1: too many subnets. */
int		 zones_add_subnet(struct zones *, int id, const uint8_t a[16],
		    unsigned plen128);
int		 zones_lookup(const struct zones *, const char *name);
const char	*zones_name(const struct zones *, int id);
unsigned	 zones_count(const struct zones *);
/* zones may be NULL: the built-ins only. */
int		 zones_place(const struct zones *, int vlan, const uint8_t ip[16]);
bool		 zones_ip_public(const uint8_t ip[16]);
/* The zone of a VLAN alone, or -1. */
int		 zones_vlan(const struct zones *, uint16_t vlan);

#endif /* WW_ZONE_H */
