/*
 * decode-l4.c - TCP (with the options fingerprinting needs), UDP,
 * ICMPv4, ICMPv6 and SCTP headers; dispatch of IP-in-IP and GRE to
 * decode-tunnel.c.
 *
 * On entry st->off is the first byte after the IP headers and st->end
 * the end of the datagram as captured, so payload_off/payload_len are
 * bounded both by caplen and by the IP length.  A layer-4 header cut
 * short makes the packet invalid; a bad option does not (an anomaly:
 * the fixed part of the header still holds).
 */
#include <config.h>

#include <string.h>

#include "decode/decode-int.h"
#include "decode/decode.h"
#include "util/bytes.h"
#include "util/csum.h"

#define TCP_HLEN		20
#define UDP_HLEN		8
#define ICMP_HLEN		8	/* type, code, checksum, 4 more */
#define SCTP_HLEN		12

/* TCP option kinds (IANA "TCP Option Kind Numbers"). */
#define TCPOPT_EOL_		0
#define TCPOPT_NOP_		1
#define TCPOPT_MSS_		2	/* RFC 9293 3.2 */
#define TCPOPT_WS_		3	/* RFC 7323 2 */
#define TCPOPT_SACKOK_		4	/* RFC 2018 2 */
#define TCPOPT_SACK_		5	/* RFC 2018 3 */
#define TCPOPT_TS_		8	/* RFC 7323 3 */

bool
decode_l4_csum(struct decoder *dec, struct packet *p, struct decode_state *st,
    uint32_t off, uint32_t len, enum ww_counter ev)
{
	uint64_t sum;

	/*
	 * RFC 9293 3.1, RFC 768, RFC 8200 8.1: the pseudo-header, summed
	 * in place but for its last word.
	 */
	if (p->ipver == 4) {
		const uint8_t ph[4] = { 0, p->proto, (uint8_t)(len >> 8),
		    (uint8_t)len };

		sum = csum_add_words(0, p->src, 4);
		sum = csum_add_words(sum, p->dst, 4);
		sum = csum_add_words(sum, ph, sizeof(ph));
	} else {
		const uint8_t ph[8] = { (uint8_t)(len >> 24),
		    (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
		    0, 0, 0, p->proto };

		sum = csum_add_words(0, p->src, 16);
		sum = csum_add_words(sum, p->dst, 16);
		sum = csum_add_words(sum, ph, sizeof(ph));
	}
	st->csum_checked = true;
	if (csum_valid(csum_add(sum, p->data + off, len)))
		return true;
	decode_csum_bad(dec, p, st, ev);
	return false;
}

/*
 * Can the L4 checksum be validated?  Not when checks are off, when the
 * segment was cut by the snaplen, or behind an IPv6 routing header;
 * nor for a datagram longer than an Ethernet MTU that was not put
 * together from fragments: the capture host saw it before its network
 * card segmented it (TSO/GSO), and the card fills in the checksums.
 */
static bool
l4_csum_wanted(const struct decoder *dec, const struct packet *p,
    const struct decode_state *st)
{
	return dec->csum_on && st->end == st->claim_end && !st->v6_routing &&
	    !(p->flags & PKT_TRUNCATED) && (p->l3_len <= DECODE_CSUM_MTU ||
	    (p->flags & PKT_REASSEMBLED));
}

static void
set_payload(struct packet *p, uint32_t off, uint32_t end)
{
	p->payload_off = off;
	p->payload_len = end > off ? end - off : 0;
}

/*
 * TCP options: EOL and NOP are one byte, the rest kind | length |
 * data with the length counting kind and length.  The walk always
 * advances; a length that does not fit ends it.  The first MSS, window
 * scale and SACK-permitted are kept; repeats are anomalies, as are
 * known options of the wrong size.
 */
static void
tcp_options(struct decoder *dec, struct packet *p, struct breader *opts)
{
	struct breader body;
	uint8_t kind, len;
	bool mss = false, ws = false, sackok = false, ts = false, dup = false;
	bool bad = false;

	while (br_left(opts) > 0) {
		kind = br_u8(opts);
		if (kind == TCPOPT_EOL_)
			break;
		if (kind == TCPOPT_NOP_)
			continue;
		len = br_u8(opts);
		if (!br_ok(opts) || len < 2 ||
		    br_left(opts) < (size_t)len - 2) {
			bad = true;
			break;
		}
		body = br_sub(opts, (size_t)len - 2);
		switch (kind) {
		case TCPOPT_MSS_:
			if (len != 4)
				bad = true;
			else if (mss)
				dup = true;
			else {
				mss = true;
				p->tcp_mss = br_be16(&body);
			}
			break;
		case TCPOPT_WS_:
			/* A shift over 14: the stream clamps (RFC 7323 2.3). */
			if (len != 3)
				bad = true;
			else if (ws)
				dup = true;
			else {
				ws = true;
				p->tcp_wscale = br_u8(&body);
			}
			break;
		case TCPOPT_SACKOK_:
			if (len != 2)
				bad = true;
			else if (sackok)
				dup = true;
			else {
				sackok = true;
				p->tcp_sackok = true;
			}
			break;
		case TCPOPT_SACK_:
			if (len < 10 || (len - 2) % 8 != 0)
				bad = true;
			break;
		case TCPOPT_TS_:
			if (len != 10)
				bad = true;
			else if (ts)
				dup = true;
			ts = true;
			break;
		}
	}
	if (bad)
		decode_anomaly(dec->ctr, p, EV_TCP_OPT_INVALID_LEN);
	if (dup)
		decode_anomaly(dec->ctr, p, EV_TCP_OPT_DUPLICATE);
}

/*
 * A TCP header shorter than its fixed part: the fields it has whole,
 * the others 0, as a packet's rules and alerts see them.
 */
static void
tcp_short(struct packet *p, const uint8_t *h, size_t avail)
{
	struct breader br;

	br_init(&br, h, avail);
	p->sport = br_be16(&br);
	p->dport = br_be16(&br);
	p->tcp_seq = br_be32(&br);
	p->tcp_ack = br_be32(&br);
	(void)br_u8(&br);		/* data offset */
	p->tcp_flags = br_u8(&br);
	p->tcp_win = br_be16(&br);
}

/*
 * TCP header (RFC 9293 3.1):
 *	source port (2) | destination port (2) | sequence (4) | ack (4)
 *	| data offset (4) reserved (4) | flags (1) | window (2)
 *	| checksum (2) | urgent pointer (2) | options
 */
static enum decode_step
decode_tcp(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	const uint8_t *h = p->data + st->off;
	struct breader opts;
	size_t avail = st->end - st->off, hlen;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_TCP);
	p->l4_off = st->off;
	if (avail < TCP_HLEN) {
		/* What a short header has: the packet's rules may ask. */
		tcp_short(p, h, avail);
		return decode_invalid(dec, p, EV_TCP_PKT_TOO_SMALL);
	}
	p->sport = decode_be16(h);
	p->dport = decode_be16(h + 2);
	p->tcp_seq = decode_be32(h + 4);
	p->tcp_ack = decode_be32(h + 8);
	p->tcp_flags = h[13];
	p->tcp_win = decode_be16(h + 14);
	/* h[16..19]: checksum, urgent pointer. */
	hlen = (size_t)(h[12] >> 4) * 4;
	if (hlen < TCP_HLEN)
		return decode_invalid(dec, p, EV_TCP_HLEN_TOO_SMALL);
	if (avail < hlen)
		return decode_invalid(dec, p, EV_TCP_TRUNCATED);
	p->tcp_wscale = 0xff;
	p->tcp_mss = 0;
	p->tcp_sackok = false;
	if (hlen > TCP_HLEN) {
		br_init(&opts, h + TCP_HLEN, hlen - TCP_HLEN);
		tcp_options(dec, p, &opts);
	}
	if (l4_csum_wanted(dec, p, st))
		(void)decode_l4_csum(dec, p, st, st->off, st->end - st->off,
		    EV_TCP_INVALID_CSUM);
	set_payload(p, st->off + (uint32_t)hlen, st->end);
	return STEP_DONE;
}

/*
 * UDP header (RFC 768): source port | destination port | length |
 * checksum, 2 bytes each.  A length below 8 or beyond the IP payload is
 * an anomaly and the smaller of the two bounds the payload.
 */
static enum decode_step
decode_udp(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint64_t ip_pl, bound;
	uint32_t end;
	uint16_t ulen, csum;
	bool vxlan;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_UDP);
	p->l4_off = st->off;
	br_init(&br, p->data + st->off, st->end - st->off);
	p->sport = br_be16(&br);
	p->dport = br_be16(&br);
	ulen = br_be16(&br);
	csum = br_be16(&br);
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_UDP_PKT_TOO_SMALL);
	/* The IP payload as claimed: a short snaplen is no UDP fault. */
	ip_pl = st->claim_end - st->off;
	if (ulen < UDP_HLEN || ulen > ip_pl)
		decode_anomaly(dec->ctr, p, EV_UDP_HLEN_INVALID);
	bound = ulen < ip_pl ? ulen : ip_pl;
	end = st->end;
	if (st->off + bound < end)
		end = st->off + (uint32_t)bound;
	set_payload(p, st->off + UDP_HLEN, end);
	vxlan = dec->cfg.vxlan && decode_vxlan_port(dec, p->dport);
	/*
	 * A zero checksum is "none" over IPv4 (RFC 768); over IPv6 it is
	 * invalid (RFC 8200 8.1) except for tunnels (RFC 6935).
	 */
	if (l4_csum_wanted(dec, p, st) && ulen >= UDP_HLEN &&
	    ulen <= st->end - st->off) {
		if (csum != 0)
			(void)decode_l4_csum(dec, p, st, st->off, ulen,
			    EV_UDP_INVALID_CSUM);
		else if (p->ipver == 6 && !vxlan) {
			st->csum_checked = true;
			decode_csum_bad(dec, p, st, EV_UDP_INVALID_CSUM);
		}
	}
	if (vxlan) {
		st->off = p->payload_off;
		st->end = p->payload_off + p->payload_len;
		st->claim_end = st->end;
		return STEP_VXLAN;
	}
	return STEP_DONE;
}

/*
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443 2.1): type (1) | code (1) |
 * checksum (2) | 4 bytes that depend on the type.  Type and code stand
 * in for the ports, as in Suricata and Community ID.  A quoted packet
 * in an error is payload, never decoded into a flow: anyone can send
 * an error quoting any packet.
 */
static enum decode_step
decode_icmp(struct decoder *dec, struct packet *p, struct decode_state *st,
    enum ww_counter ctr, enum ww_counter too_small)
{
	struct breader br;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, ctr);
	p->l4_off = st->off;
	br_init(&br, p->data + st->off, st->end - st->off);
	p->icmp_type = br_u8(&br);
	p->icmp_code = br_u8(&br);
	br_skip(&br, 6);		/* checksum, rest of header */
	if (!br_ok(&br))
		return decode_invalid(dec, p, too_small);
	p->sport = p->icmp_type;
	p->dport = p->icmp_code;
	set_payload(p, st->off + ICMP_HLEN, st->end);
	return STEP_DONE;
}

/*
 * SCTP common header (RFC 9260 3.1): source port (2) | destination
 * port (2) | verification tag (4) | checksum (4), then chunks.
 */
static enum decode_step
decode_sctp(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_SCTP);
	p->l4_off = st->off;
	br_init(&br, p->data + st->off, st->end - st->off);
	p->sport = br_be16(&br);
	p->dport = br_be16(&br);
	br_skip(&br, 8);		/* verification tag, checksum */
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_SCTP_PKT_TOO_SMALL);
	set_payload(p, st->off + SCTP_HLEN, st->end);
	return STEP_DONE;
}

enum decode_step
decode_l4_other(struct packet *p, const struct decode_state *st)
{
	p->l4_off = st->off;
	p->sport = 0;
	p->dport = 0;
	/* RFC 8200 4.7: bytes after No Next Header are ignored. */
	if (p->ipver == 6 && st->proto == IPPROTO_NONE)
		set_payload(p, st->off, st->off);
	else
		set_payload(p, st->off, st->end);
	return STEP_DONE;
}

enum decode_step
decode_l4(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	switch (st->proto) {
	case IPPROTO_TCP:
		return decode_tcp(dec, p, st);
	case IPPROTO_UDP:
		return decode_udp(dec, p, st);
	case IPPROTO_ICMP:
		if (p->ipver == 4)
			return decode_icmp(dec, p, st, CTR_DEC_ICMPV4,
			    EV_ICMPV4_PKT_TOO_SMALL);
		break;
	case IPPROTO_ICMPV6:
		if (p->ipver == 6)
			return decode_icmp(dec, p, st, CTR_DEC_ICMPV6,
			    EV_ICMPV6_PKT_TOO_SMALL);
		break;
	case IPPROTO_SCTP:
		return decode_sctp(dec, p, st);
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		if (dec->cfg.ipip)
			return decode_ipip(dec, p, st);
		break;
	case IPPROTO_GRE:
		if (dec->cfg.gre)
			return STEP_GRE;
		break;
	}
	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	return decode_l4_other(p, st);
}
