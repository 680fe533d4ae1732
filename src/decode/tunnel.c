/*
 * decode-tunnel.c - decapsulation: IP-in-IP (RFC 2003), 6in4 (RFC
 * 4213), 4in6 and 6in6 (RFC 2473), GRE (RFC 2784/2890) with
 * transparent Ethernet bridging, ERSPAN types I, II and III, and VXLAN
 * (RFC 7348) on the configured UDP ports.
 *
 * The packet comes to describe the innermost packet: its addresses,
 * ports and payload.  For layer-2 tunnels (ERSPAN, VXLAN, GRE-TEB) the
 * MACs and VLAN stack become the inner frame's too, because the outer
 * ones describe the mirror or overlay transport, not the device.
 * Nesting is bounded by max_tunnel_depth, so a packet wrapped a hundred
 * times costs a few steps, and only the tunnel types enabled in the
 * configuration are opened.
 */
#include <config.h>

#include <string.h>

#include "decode/decode-int.h"
#include "decode/decode.h"
#include "util/bytes.h"

#define GRE_F_CSUM		0x8000	/* checksum and offset */
#define GRE_F_SEQ		0x1000	/* sequence number present */
#define GRE_F_KEY		0x2000	/* key present */
/* Routing, strict route, recursion and flags: zero in RFC 2784. */
#define GRE_F_RESERVED0		0x4ff8
#define GRE_VERSION_MASK	0x0007
#define GRE_VERSION_PPTP	1	/* RFC 2637 enhanced GRE: not opened */

#define ERSPAN_II_HLEN		8
#define ERSPAN_III_HLEN		12
#define ERSPAN_III_PLATFORM	8	/* optional subheader, O bit */
#define ERSPAN_VER_II		1
#define ERSPAN_VER_III		2
#define ERSPAN_FT_ETHERNET	0
#define ERSPAN_FT_IP		2

#define VXLAN_HLEN		8
#define VXLAN_F_VNI		0x08	/* the I flag */

/*
 * Go one tunnel deeper, or count decode.tunnel.too_deep.  The inner
 * packet brings its own layer 4; for a layer-2 tunnel, its own layer 2
 * and 3 as well.
 */
static bool
tunnel_enter(struct decoder *dec, struct packet *p, struct decode_state *st,
    bool l2)
{
	if (p->tunnel_depth >= dec->cfg.max_tunnel_depth) {
		(void)decode_invalid(dec, p, EV_TUNNEL_TOO_DEEP);
		return false;
	}
	p->tunnel_depth++;
	p->flags |= PKT_TUNNELED;
	p->l4_off = 0;
	p->sport = 0;
	p->dport = 0;
	p->payload_off = 0;
	p->payload_len = 0;
	if (l2) {
		p->vlan_cnt = 0;
		memset(p->vlan, 0, sizeof(p->vlan));
		st->nvlan = 0;
		st->erspan_vlan = 0;
		p->ipver = 0;
		p->proto = 0;
		p->ttl = 0;
		p->ip_id = 0;
		memset(p->src, 0, sizeof(p->src));
		memset(p->dst, 0, sizeof(p->dst));
		p->l3_off = 0;
		p->l3_len = 0;
	}
	return true;
}

bool
decode_vxlan_port(const struct decoder *dec, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < dec->cfg.n_vxlan_ports; i++)
		if (dec->cfg.vxlan_ports[i] == port)
			return true;
	return false;
}

/* Protocol 4 (IPv4) or 41 (IPv6) inside IPv4 or IPv6. */
enum decode_step
decode_ipip(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	bool inner4 = st->proto == IPPROTO_IPIP;

	if (!tunnel_enter(dec, p, st, false))
		return STEP_INVALID;
	if (p->ipver == 4)
		ctr_inc(dec->ctr, inner4 ? CTR_DEC_IPV4_IN_IPV4 :
		    CTR_DEC_IPV6_IN_IPV4);
	else
		ctr_inc(dec->ctr, inner4 ? CTR_DEC_IPV4_IN_IPV6 :
		    CTR_DEC_IPV6_IN_IPV6);
	return inner4 ? STEP_IPV4 : STEP_IPV6;
}

/* A GRE payload we do not open: the GRE packet is the flow. */
static enum decode_step
gre_keep(struct packet *p, struct decode_state *st, uint32_t gre_off)
{
	st->off = gre_off;
	return decode_l4_other(p, st);
}

/*
 * ERSPAN type II (draft-foschiano-erspan-03 4.1):
 *	ver (4) | VLAN (12) | COS (3) En (2) T (1) session (10)
 *	| reserved (12) | index (20)
 * ERSPAN type III (4.2):
 *	ver (4) | VLAN (12) | COS (3) BSO (2) T (1) session (10)
 *	| timestamp (32)
 *	| SGT (16) | P (1) FT (5) HW ID (6) D (1) Gra (2) O (1)
 *	[ platform-specific subheader (8) if O ]
 */
static enum decode_step
decode_erspan(struct decoder *dec, struct packet *p, struct decode_state *st,
    bool type3, uint32_t gre_off)
{
	struct breader br;
	uint32_t w0, w2 = 0;
	uint16_t vlan;
	uint8_t ver, ft = ERSPAN_FT_ETHERNET;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_ERSPAN);
	br_init(&br, p->data + st->off, st->end - st->off);
	w0 = br_be32(&br);
	br_skip(&br, 4);		/* index, or timestamp */
	if (type3) {
		w2 = br_be32(&br);
		if (w2 & 1)
			br_skip(&br, ERSPAN_III_PLATFORM);
		ft = (uint8_t)((w2 >> 10) & 0x1f);
	}
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_ERSPAN_TOO_SMALL);
	ver = (uint8_t)(w0 >> 28);
	if (ver != (type3 ? ERSPAN_VER_III : ERSPAN_VER_II))
		return decode_invalid(dec, p, EV_ERSPAN_UNSUPPORTED_VERSION);
	vlan = (uint16_t)((w0 >> 16) & 0x0fff);
	if (ft != ERSPAN_FT_ETHERNET && ft != ERSPAN_FT_IP)
		return gre_keep(p, st, gre_off);
	if (!tunnel_enter(dec, p, st, true))
		return STEP_INVALID;
	st->off += (uint32_t)br_off(&br);
	if (ft == ERSPAN_FT_IP) {
		/* A mirrored IP packet without its frame. */
		p->flags &= ~(uint32_t)PKT_HAS_ETH;
		memset(p->src_mac, 0, sizeof(p->src_mac));
		memset(p->dst_mac, 0, sizeof(p->dst_mac));
		if (vlan != 0) {
			p->vlan[0] = vlan;
			p->vlan_cnt = 1;
		}
		return STEP_IP;
	}
	st->erspan_vlan = vlan;
	return STEP_ETHERNET;
}

/*
 * GRE (RFC 2784 2, key and sequence RFC 2890 2):
 *	C R K S s recur (3) flags (5) ver (3) | protocol type (2)
 *	[ checksum (2) | offset (2) ]  if C (or R)
 *	[ key (4) ]                    if K
 *	[ sequence number (4) ]        if S
 * The protocol type is an ethertype.  ERSPAN type I is 0x88be without
 * a sequence number and has no ERSPAN header.
 */
enum decode_step
decode_gre(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint32_t gre_off = st->off;
	uint16_t flags, proto;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_GRE);
	br_init(&br, p->data + st->off, st->end - st->off);
	flags = br_be16(&br);
	proto = br_be16(&br);
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_GRE_PKT_TOO_SMALL);
	if ((flags & GRE_VERSION_MASK) == GRE_VERSION_PPTP)
		return gre_keep(p, st, gre_off);
	if ((flags & GRE_VERSION_MASK) != 0)
		return decode_invalid(dec, p, EV_GRE_WRONG_VERSION);
	/* RFC 1701 source routing is obsolete; Linux drops it too. */
	if (flags & GRE_F_RESERVED0)
		return decode_invalid(dec, p, EV_GRE_INVALID_FLAGS);
	if (flags & GRE_F_CSUM)
		br_skip(&br, 4);
	if (flags & GRE_F_KEY)
		br_skip(&br, 4);
	if (flags & GRE_F_SEQ)
		br_skip(&br, 4);
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_GRE_PKT_TOO_SMALL);

	switch (proto) {
	case ETYPE_IPV4:
	case ETYPE_IPV6:
		if (!tunnel_enter(dec, p, st, false))
			return STEP_INVALID;
		st->off += (uint32_t)br_off(&br);
		return proto == ETYPE_IPV4 ? STEP_IPV4 : STEP_IPV6;
	case ETYPE_TEB:
		if (!tunnel_enter(dec, p, st, true))
			return STEP_INVALID;
		st->off += (uint32_t)br_off(&br);
		return STEP_ETHERNET;
	case ETYPE_ERSPAN_II:
		if (!(flags & GRE_F_SEQ)) {
			/* Type I: the mirrored frame follows directly. */
			ctr_inc(dec->ctr, CTR_DEC_ERSPAN);
			if (!tunnel_enter(dec, p, st, true))
				return STEP_INVALID;
			st->off += (uint32_t)br_off(&br);
			return STEP_ETHERNET;
		}
		st->off += (uint32_t)br_off(&br);
		return decode_erspan(dec, p, st, false, gre_off);
	case ETYPE_ERSPAN_III:
		st->off += (uint32_t)br_off(&br);
		return decode_erspan(dec, p, st, true, gre_off);
	default:
		return gre_keep(p, st, gre_off);
	}
}

/*
 * VXLAN (RFC 7348 5):
 *	R R R R I R R R | reserved (24) | VNI (24) | reserved (8)
 * A UDP packet to a VXLAN port that does not look like VXLAN stays a
 * UDP packet, with the anomaly noted; a header cut by the snaplen is a
 * truncated header like any other.
 */
enum decode_step
decode_vxlan(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint8_t flags;

	br_init(&br, p->data + st->off, st->end - st->off);
	flags = br_u8(&br);
	br_skip(&br, VXLAN_HLEN - 1);	/* reserved, VNI, reserved */
	if (!br_ok(&br)) {
		if (p->flags & PKT_TRUNCATED)
			return decode_invalid(dec, p, EV_VXLAN_TOO_SMALL);
		decode_anomaly(dec->ctr, p, EV_VXLAN_TOO_SMALL);
		return STEP_DONE;
	}
	if (!(flags & VXLAN_F_VNI)) {
		decode_anomaly(dec->ctr, p, EV_VXLAN_INVALID_FLAGS);
		return STEP_DONE;
	}
	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_VXLAN);
	if (!tunnel_enter(dec, p, st, true))
		return STEP_INVALID;
	st->off += VXLAN_HLEN;
	return STEP_ETHERNET;
}
