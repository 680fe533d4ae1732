/*
 * decode-int.h - what decode.c, decode-ip.c, decode-l4.c and
 * decode-tunnel.c share, and nobody else needs.
 *
 * decode_packet() is a loop over "steps" (no recursion): each step
 * decodes one header at st->off, bounded by st->end, fills the packet
 * and says which step comes next.  Tunnels and VLAN stacks therefore
 * cost iterations, never stack depth, and every header decoded counts
 * against decode_config.max_layers.
 */
#ifndef WW_DECODE_INT_H
#define WW_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "decode/packet.h"
#include "util/events.h"

/* Ethertypes (IEEE registry) and IP protocol numbers (IANA). */
#define ETH_HLEN		14
#define ETYPE_IPV4		0x0800
#define ETYPE_ARP		0x0806
#define ETYPE_TEB		0x6558	/* transparent Eth. bridging */
#define ETYPE_RARP		0x8035
#define ETYPE_VLAN		0x8100	/* 802.1Q */
#define ETYPE_IPV6		0x86dd
#define ETYPE_SLOW		0x8809	/* LACP, marker */
#define ETYPE_MPLS		0x8847
#define ETYPE_MPLS_MC		0x8848
#define ETYPE_PPPOE_DISC	0x8863
#define ETYPE_PPPOE_SESS	0x8864
#define ETYPE_EAPOL		0x888e
#define ETYPE_QINQ		0x88a8	/* 802.1ad */
#define ETYPE_ERSPAN_II		0x88be	/* type I: no GRE seq */
#define ETYPE_LLDP		0x88cc
#define ETYPE_MACSEC		0x88e5
#define ETYPE_PTP		0x88f7
#define ETYPE_LOOPBACK		0x9000
#define ETYPE_VLAN_9100		0x9100	/* pre-standard QinQ */
#define ETYPE_ERSPAN_III	0x22eb
#define ETYPE_MIN		0x0600	/* below: 802.3 length field */

/* <netinet/in.h> has the others. */
#define DECODE_IPPROTO_HIP	139
#define DECODE_IPPROTO_SHIM6	140

/*
 * The IPv6 extension header chain is walked at most this far.  RFC 8200
 * 4.1 allows each header once (Destination Options twice), so a real
 * chain is short; a crafted one can be a thousand headers long.
 */
#define DECODE_MAX_IPV6_EXTHDRS	16

/* What comes next in the loop of decode_packet(). */
enum decode_step {
	STEP_ETHERNET,		/* Ethernet header at off */
	STEP_ETHERTYPE,		/* payload of st->ethertype at off */
	STEP_IP,		/* IPv4 or IPv6, chosen by the version nibble */
	STEP_IPV4,
	STEP_IPV6,
	STEP_L4,		/* st->proto at off */
	STEP_GRE,
	STEP_VXLAN,
	STEP_DONE,		/* terminal: DECODE_OK */
	STEP_NOT_IP,		/* terminal: DECODE_NOT_IP */
	STEP_HELD,		/* terminal: DECODE_HELD */
	STEP_INVALID,		/* terminal: DECODE_INVALID */
};

struct decode_state {
	uint32_t	 off;		/* first byte of the next header */
	uint32_t	 end;		/* this layer's bytes end here */
	uint64_t	 claim_end;	/* end of the IP datagram as claimed,
					 * may lie past 'end' when truncated */
	uint32_t	 layers;	/* headers decoded so far */
	uint16_t	 ethertype;	/* for STEP_ETHERTYPE */
	uint16_t	 erspan_vlan;	/* ERSPAN header VLAN, 0: none */
	uint8_t		 proto;		/* for STEP_L4 */
	uint8_t		 nvlan;		/* tags in this frame */
	bool		 snapped;	/* caplen < wirelen */
	bool		 ip_csum_done;	/* defrag built this IPv4 header */
	bool		 v6_routing;	/* pseudo-header dst unknown */
	bool		 csum_checked;	/* a checksum was validated */
	bool		 csum_bad;	/* and one was wrong */
};

struct decoder {
	struct decode_config	 cfg;
	struct counters		*ctr;
	struct defrag		*defrag;
	bool			 csum_on;	/* validating now */
	bool			 csum_sampling;	/* auto, not decided yet */
	uint32_t		 csum_sampled;	/* packets checked while sampling */
	uint32_t		 csum_nbad;	/* of which bad */
};

/* The anomaly of one header too many (decode_layer()). */
bool			decode_layer_excess(struct decoder *, struct packet *);

/*
 * Count one header against max_layers; false (with the anomaly set
 * and the packet invalid) when there are too many.  Inline: every
 * packet counts three or four.
 */
static inline bool
decode_layer(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	if (++st->layers <= dec->cfg.max_layers)
		return true;
	return decode_layer_excess(dec, p);
}

/*
 * Fixed-offset reads for a header whose fixed part the caller has
 * checked is there (a breader per field costs a bounds check each).
 */
static inline uint16_t
decode_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
decode_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}
/* Record an anomaly that makes the packet unusable. */
enum decode_step	decode_invalid(struct decoder *, struct packet *,
			    enum ww_counter);

/*
 * Validate the checksum over the L4 segment [off, off + len) of p with
 * the pseudo-header of p's innermost IP header; a bad one is anomaly
 * 'ev' and PKT_BAD_CSUM.  Returns false when it was bad.
 */
bool			decode_l4_csum(struct decoder *, struct packet *,
			    struct decode_state *, uint32_t off, uint32_t len,
			    enum ww_counter ev);
/* Record a bad checksum: anomaly, packet flag, sample. */
void			decode_csum_bad(struct decoder *, struct packet *,
			    struct decode_state *, enum ww_counter);

/* decode.c */
enum decode_step	decode_ethernet(struct decoder *, struct packet *,
			    struct decode_state *);
enum decode_step	decode_ethertype(struct decoder *, struct packet *,
			    struct decode_state *);

/* decode-ip.c */
enum decode_step	decode_ip(struct decoder *, struct packet *,
			    struct decode_state *);
enum decode_step	decode_ipv4(struct decoder *, struct packet *,
			    struct decode_state *);
enum decode_step	decode_ipv6(struct decoder *, struct packet *,
			    struct decode_state *);

/* decode-l4.c */
enum decode_step	decode_l4(struct decoder *, struct packet *,
			    struct decode_state *);
/* A protocol without ports: the payload is everything after 'off'. */
enum decode_step	decode_l4_other(struct packet *,
			    const struct decode_state *);

/* decode-tunnel.c */
enum decode_step	decode_gre(struct decoder *, struct packet *,
			    struct decode_state *);
enum decode_step	decode_vxlan(struct decoder *, struct packet *,
			    struct decode_state *);
/* IP protocol 4 or 41 inside IPv4 or IPv6. */
enum decode_step	decode_ipip(struct decoder *, struct packet *,
			    struct decode_state *);
bool			decode_vxlan_port(const struct decoder *, uint16_t);

#endif /* WW_DECODE_INT_H */
