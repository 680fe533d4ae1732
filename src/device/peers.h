/*
 * peers.h - a device's communication map: whom it talks to, over what,
 * and how much.
 *
 * One entry per (peer, direction, transport, server port, application
 * protocol) with flows, packets, bytes, first and last seen.  A peer is
 * another device ("mac:aa:bb:..", or "ip:ADDR" for one known only by
 * its address behind a router) or, for a host that is no device, its
 * zone ("zone:internet").  Fed from every flow the brain sees, whether
 * the device is learning or enforcing, and kept in the state (schema
 * version 4) so that counts accumulate across runs.
 *
 * The table is bounded: past its cap a new entry is counted in dropped
 * and not kept; the table never grows past the cap.
 */
#ifndef WW_PEERS_H
#define WW_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEERS_DEFAULT_MAX	64	/* devices.max-peers */
#define PEERS_MAX_MAX		4096
#define PEERS_RECORD_TOP	8	/* "peers" in a device record */
#define PEERS_KEY_MAX		56	/* "ip:" and an IPv6 address, NUL */
#define PEERS_ZONE_MAX		32	/* policy/zone.h ZONE_NAME_MAX */
#define PEERS_APP_MAX		16

enum peers_dir {
	PEERS_INITIATED,	/* the device was the client */
	PEERS_ACCEPTED,		/* the peer was */
};

struct peer_ent {
	char		 peer[PEERS_KEY_MAX];
	char		 zone[PEERS_ZONE_MAX];	/* the peer's; "": unknown */
	int32_t		 vlan;		/* the peer's; -1: unknown */
	uint8_t		 dir;		/* enum peers_dir */
	uint8_t		 proto;		/* IP protocol */
	uint16_t	 port;		/* server port; 0: ephemeral, none */
	char		 app[PEERS_APP_MAX];	/* "hl7", ...; "": unknown */
	uint64_t	 flows, packets, bytes;
	uint64_t	 first_us, last_us;
	uint32_t	 hash;		/* of the key fields */
	bool		 dirty;		/* changed since the last save */
};

struct peer_tab {
	struct peer_ent	*v;
	uint32_t	 n, cap;	/* cap: allocated, never past max */
	uint64_t	 dropped;	/* entries that did not fit */
	bool		 dirty;		/* anything to save (dropped too) */
	/* The stored row holds lines the load did not keep (bad, or past
	 * max): written whole at the next save, without them, so that
	 * they are not counted dropped again at every load. */
	bool		 rewrite;
	/* The device's comm row as stored (loaded or saved): written
	 * again only when its zone or dropped count differ. */
	bool		 comm_stored;
	uint64_t	 dropped_stored;
};

/* Server port as kept: ports from 49152 up are "ephemeral" (0). */
uint16_t	 peers_port(uint8_t proto, uint16_t port);
/* Add e's counts to its entry (found by peer, dir, proto, port, app;
 * vlan and zone are the newest), or make one if fewer than max are
 * kept.  1: added or merged, 0: did not fit (dropped counted). */
int		 peers_add(struct peer_tab *, uint32_t max,
		    const struct peer_ent *e);
/* Every entry of from into to (a device merged into another). */
void		 peers_merge(struct peer_tab *to, uint32_t max,
		    const struct peer_tab *from);
/* Indexes of the top n entries, most bytes first (then flows, then
 * key: deterministic); returns how many (at most n). */
size_t		 peers_top(const struct peer_tab *, size_t *idx, size_t n);
/* Order for output: by bytes, flows and key, as peers_top(). */
int		 peers_cmp(const struct peer_ent *, const struct peer_ent *);
/* "tcp/2575", "udp/ephemeral", "icmp", "ip/47". */
const char	*peers_service(const struct peer_ent *, char *, size_t);
/* "tcp/104": a transport's name and a port (no snprintf(): it names
 * the service of every flow). */
const char	*peers_port_name(char *, size_t, const char *proto,
		    unsigned port);
const char	*peers_dir_name(uint8_t dir);
void		 peers_clear(struct peer_tab *);
size_t		 peers_memuse(const struct peer_tab *);

#endif /* WW_PEERS_H */
