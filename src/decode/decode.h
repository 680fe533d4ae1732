/*
 * decode.h - link layer to layer 4, tunnels and IP defragmentation.
 *
 * decode_packet() runs the validation ladder over p->data, filling the
 * layer fields of struct packet.  It never reads past p->caplen (and
 * never uses p->wirelen to index).  Every malformed header is a named
 * anomaly: its counter is bumped and its id stored in p->anom[].
 * The decoder is iterative (no recursion): VLAN tags, extension headers
 * and tunnels are bounded by the configured layer limits.
 */
#ifndef WW_DECODE_H
#define WW_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/packet.h"
#include "util/events.h"

#define DECODE_DEFAULT_MAX_VLAN		3	/* Suricata VLAN_MAX_LAYERS */
#define DECODE_DEFAULT_MAX_LAYERS	16	/* Suricata's default */
#define DECODE_DEFAULT_MAX_TUNNEL	4	/* Zeek's default */
#define DECODE_VXLAN_PORT		4789	/* RFC 7348 */
#define DECODE_MAX_VXLAN_PORTS		8

enum defrag_policy {
	DEFRAG_POLICY_FIRST,	/* keep the first copy of every byte */
	DEFRAG_POLICY_LAST,	/* keep the last */
	DEFRAG_POLICY_BSD,
	DEFRAG_POLICY_LINUX,	/* default, as Suricata */
	DEFRAG_POLICY_WINDOWS,
};

struct defrag_config {
	uint64_t		memcap;		/* bytes held, default 32 MiB */
	uint32_t		timeout_s;	/* default 60 */
	uint32_t		max_trackers;	/* default 65535 */
	uint32_t		max_frags;	/* per datagram, default 256 */
	enum defrag_policy	policy;
};

/*
 * decode.checksum-checks, as Suricata's checksum-checks: validate the
 * IPv4 header, TCP and UDP checksums (yes), never (no), or validate
 * until the first DECODE_CSUM_SAMPLE checksummed packets show that the
 * capture host offloads checksums (auto).
 */
enum decode_csum_mode {
	DECODE_CSUM_AUTO,
	DECODE_CSUM_YES,
	DECODE_CSUM_NO,
};

/*
 * auto: more than a tenth of the first 1000 packets checked with a bad
 * checksum means offload (Suricata's util-checksum.c figures); one
 * direction of a host-local capture alone is half.  The decision is
 * taken as soon as it is certain.
 */
#define DECODE_CSUM_SAMPLE	1000
/* Longer IP datagrams (not from fragments) were captured before the
 * sender's card segmented them: their checksums are not judged. */
#define DECODE_CSUM_MTU		1500
#define DECODE_CSUM_MAX_BAD	(DECODE_CSUM_SAMPLE / 10)
/* Or more than half of at least this many. */
#define DECODE_CSUM_EARLY	4

struct decode_config {
	uint32_t		max_vlan_layers;
	uint32_t		max_layers;
	uint32_t		max_tunnel_depth;
	bool			gre;		/* decapsulate GRE (+ERSPAN) */
	bool			vxlan;
	bool			ipip;		/* IP-in-IP, 4in6, 6in4 */
	uint16_t		vxlan_ports[DECODE_MAX_VXLAN_PORTS];
	uint32_t		n_vxlan_ports;
	enum decode_csum_mode	checksum;	/* default auto */
	struct defrag_config	defrag;
};

enum decode_result {
	DECODE_OK,		/* IP packet ready for the flow table */
	DECODE_NOT_IP,		/* valid but not IP (ARP, LLDP...) */
	DECODE_HELD,		/* a fragment kept for reassembly */
	DECODE_INVALID,		/* malformed: anomaly counted, no flow */
};

struct decoder;

void			 decode_config_defaults(struct decode_config *);
/* Is this DLT one we decode?  (EN10MB, LINUX_SLL, LINUX_SLL2, NULL,
 * LOOP, RAW, IPV4, IPV6.) */
bool			 decode_datalink_supported(int dlt);
struct decoder		*decoder_new(const struct decode_config *,
			    struct counters *);
void			 decoder_free(struct decoder *);

/*
 * Decode one packet.  When a fragment completes a datagram, the packet
 * is rewritten to describe the reassembled datagram (flag
 * PKT_REASSEMBLED, 'data' owned by the decoder and valid until the next
 * call) and decoding goes on into layer 4.
 */
enum decode_result	 decode_packet(struct decoder *, struct packet *);

/* Expire stale fragment trackers; 'now' is packet time. */
void			 decoder_tick(struct decoder *, uint64_t now_us);

/* Are checksums still being validated (auto may have stopped)? */
bool			 decoder_checksums_on(const struct decoder *);

/* Bytes held by the defragmenter now. */
uint64_t		 decoder_memuse(const struct decoder *);

/* Record an anomaly on a packet (counter + p->anom[]). */
void			 decode_anomaly(struct counters *, struct packet *,
			    enum ww_counter);

#endif /* WW_DECODE_H */
