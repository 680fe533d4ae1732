/*
 * zone.h - zones: named sets of VLANs and subnets.
 *
 * A site names its segments (medical, imaging, pacs, interface-engines,
 * infrastructure, ...) in the config; every device and every peer is
 * placed in one zone, which policies and baselines speak in.  Four are
 * built in: "local" (a private address in no named zone), "internet"
 * (a public address), "multicast" (and broadcast) and "link-local".
 *
 * Placement: the longest configured subnet holding the address; else
 * multicast or link-local by the address; else a public address is
 * the internet; else the zone of the VLAN, when the VLAN is the
 * device's own (not a router's); else local.  So a hospital that uses
 * public addresses inside names them as a subnet of a zone.
 *
 * Addresses are 16 bytes, IPv4 v4-mapped (::ffff:a.b.c.d); IPv4
 * prefix lengths count from the mapped form (96 + plen).  Nothing here
 * knows devices: the brain asks.
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

#define ZONE_NAME_MAX	32	/* with the NUL */
#define ZONE_MAX	64	/* built-ins included */
#define ZONE_MAX_SUBNETS 1024	/* over all zones */

struct zones;

struct zones	*zones_new(void);
void		 zones_free(struct zones *);
/* The zone's id, the existing one for a name already there; -1 when
 * the name is not [A-Za-z0-9_.-]+ of under ZONE_NAME_MAX or the table is
 * full.  Built-in names may be given subnets but not VLANs. */
int		 zones_add(struct zones *, const char *name);
/* -1: the VLAN is in another zone already, or the zone is built in. */
int		 zones_add_vlan(struct zones *, int id, uint16_t vlan);
/* -1: bad prefix length, or no room.  Host bits are cleared. */
int		 zones_add_subnet(struct zones *, int id, const uint8_t a[16],
		    unsigned plen128);
int		 zones_lookup(const struct zones *, const char *name);
const char	*zones_name(const struct zones *, int id);	/* "?" */
unsigned	 zones_count(const struct zones *);
/* vlan -1: not known, or not the address's own (behind a router);
 * ip NULL: no address. */
int		 zones_place(const struct zones *, int vlan,
		    const uint8_t ip[16]);
/* Not private, loopback, link-local, multicast, broadcast, reserved,
 * shared (100.64/10) or unspecified. */
bool		 zones_ip_public(const uint8_t ip[16]);
bool		 zones_ip_multicast(const uint8_t ip[16]);
bool		 zones_ip_link_local(const uint8_t ip[16]);

#endif
