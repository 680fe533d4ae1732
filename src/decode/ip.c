/*
 * decode-ip.c - IPv4 (RFC 791) and IPv6 (RFC 8200) validation ladders,
 * IPv4 options, the IPv6 extension header chain, and the hand-off of
 * fragments to defrag.c.
 *
 * After an IP header, st->end is the end of the datagram as captured:
 * the smaller of the total length and the captured bytes, so Ethernet
 * padding never reaches layer 4, where it would pass for payload.  When
 * the datagram is longer than what was captured the packet is marked
 * PKT_TRUNCATED and decoded as far as it goes; that is normal with a
 * short snaplen and only an anomaly when the frame itself was complete.
 */
#include <config.h>

#include <string.h>

#include <pcap/dlt.h>

#include "decode/decode-int.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "util/bytes.h"
#include "util/csum.h"

#define IPV4_HLEN		20
#define IPV6_HLEN		40
#define IPV6_FRAG_HLEN		8

/* IPv4 option types (IANA "IP Option Numbers"). */
#define IPOPT_EOL_		0
#define IPOPT_NOP_		1
#define IPOPT_RR_		7
#define IPOPT_TS_		68
#define IPOPT_LSRR_		131
#define IPOPT_SID_		136
#define IPOPT_SSRR_		137
#define IPOPT_RA_		148

/* IPv6 options (RFC 8200 4.2, RFC 2675). */
#define IP6OPT_PAD1		0
#define IP6OPT_JUMBO		0xc2
#define IP6_JUMBO_MIN		65536

/* Set the datagram's extent from the length its header claims. */
static void
ip_set_len(struct decoder *dec, struct packet *p, struct decode_state *st,
    uint64_t claim, enum ww_counter ev)
{
	uint32_t avail = st->end - p->l3_off;

	st->claim_end = p->l3_off + claim;
	if (claim > avail) {
		p->flags |= PKT_TRUNCATED;
		/* With caplen == wirelen the frame itself is short. */
		if (!st->snapped)
			decode_anomaly(dec->ctr, p, ev);
		p->l3_len = avail;
	} else {
		p->l3_len = (uint32_t)claim;
	}
	st->end = p->l3_off + p->l3_len;
}

/* Hand a fragment to defrag.c; continue with the datagram if done. */
static enum decode_step
ip_defrag(struct decoder *dec, struct packet *p, struct decode_state *st,
    const struct defrag_frag *f)
{
	const uint8_t *buf;
	size_t len;

	switch (defrag_insert(dec->defrag, f, p, &buf, &len)) {
	case DEFRAG_HELD:
		return STEP_HELD;
	case DEFRAG_INVALID:
		p->flags |= PKT_INVALID;
		return STEP_INVALID;
	case DEFRAG_DONE:
		break;
	}
	/*
	 * decode.h: the packet now describes the datagram, which starts
	 * with its IP header at offset 0 of a buffer the decoder owns.
	 * Layer-2 values (MACs, VLANs, tunnel depth) stay as they were.
	 */
	p->data = buf;
	p->caplen = (uint32_t)len;
	p->wirelen = (uint32_t)len;
	p->datalink = DLT_RAW;
	p->flags &= ~(uint32_t)(PKT_FRAGMENT | PKT_TRUNCATED);
	p->flags |= PKT_REASSEMBLED;
	st->off = 0;
	st->end = (uint32_t)len;
	st->claim_end = len;
	st->snapped = false;
	/* Every fragment's header was checked; defrag wrote this one. */
	st->ip_csum_done = true;
	return f->ipver == 4 ? STEP_IPV4 : STEP_IPV6;
}

/* The version nibble decides (DLT_RAW, ERSPAN III IP frames). */
enum decode_step
decode_ip(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint8_t v;

	br_init(&br, p->data + st->off, st->end - st->off);
	v = br_u8(&br) >> 4;
	if (br_ok(&br) && v == 4) {
		p->ethertype = ETYPE_IPV4;
		return STEP_IPV4;
	}
	if (br_ok(&br) && v == 6) {
		p->ethertype = ETYPE_IPV6;
		return STEP_IPV6;
	}
	return decode_invalid(dec, p, EV_RAW_INVALID_VERSION);
}

/*
 * A known option with a length its definition forbids (RFC 791 3.1,
 * RFC 2113 router alert).  Its length still fits the options area, so
 * the walk goes on.
 */
static bool
ipv4_opt_malformed(uint8_t type, uint8_t len, struct breader *body)
{
	uint8_t ptr = br_u8(body);

	switch (type) {
	case IPOPT_RR_:
	case IPOPT_LSRR_:
	case IPOPT_SSRR_:
		return len < 3 || (len - 3) % 4 != 0 || ptr < 4;
	case IPOPT_TS_:
		return len < 4 || ptr < 5;
	case IPOPT_SID_:
	case IPOPT_RA_:
		return len != 4;
	default:
		return false;
	}
}

/*
 * Options (RFC 791 3.1): EOL and NOP are one byte; every other option
 * is type | length | data, the length counting type and length.  Each
 * pass consumes at least one byte, so a length of 0 or 1 (the classic
 * endless loop of option parsers) cannot stall it; the IHL already
 * fixed where layer 4 starts, so a bad option is an anomaly, not a
 * reason to drop the packet.
 */
static void
ipv4_options(struct decoder *dec, struct packet *p, struct breader *opts)
{
	uint8_t type, len;
	struct breader body;

	while (br_left(opts) > 0) {
		type = br_u8(opts);
		if (type == IPOPT_EOL_)
			break;
		if (type == IPOPT_NOP_)
			continue;
		len = br_u8(opts);
		if (!br_ok(opts) || len < 2 ||
		    br_left(opts) < (size_t)len - 2) {
			decode_anomaly(dec->ctr, p, EV_IPV4_OPT_INVALID_LEN);
			return;
		}
		body = br_sub(opts, (size_t)len - 2);
		if (ipv4_opt_malformed(type, len, &body))
			decode_anomaly(dec->ctr, p, EV_IPV4_OPT_MALFORMED);
	}
}

/*
 * The sum over an IPv4 header of hlen bytes.  Most have no options:
 * their five words are added with no loop.
 */
static inline uint64_t
ipv4_hdr_sum(const uint8_t *h, size_t hlen)
{
	uint32_t w[5];

	if (hlen != IPV4_HLEN)
		return csum_add_words(0, h, hlen);
	memcpy(w, h, sizeof(w));
	return (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
}

/*
 * IPv4 header (RFC 791 3.1):
 *	ver|ihl (1) | tos (1) | total length (2) | id (2) | flags|offset (2)
 *	| ttl (1) | protocol (1) | checksum (2) | source (4) | dest (4)
 *	| options (ihl * 4 - 20)
 */
enum decode_step
decode_ipv4(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader opts;
	struct defrag_frag f;
	const uint8_t *h = p->data + st->off, *src, *dst;
	uint16_t totlen, id, fo;
	uint8_t vihl, ttl, proto;
	size_t avail, hlen;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_IPV4);
	avail = st->end - st->off;
	/* The version is the most telling, when there is a byte of it. */
	if (avail > 0 && h[0] >> 4 != 4)
		return decode_invalid(dec, p, EV_IPV4_WRONG_VERSION);
	if (avail < IPV4_HLEN)
		return decode_invalid(dec, p, EV_IPV4_PKT_TOO_SMALL);
	vihl = h[0];
	/* h[1]: DSCP, ECN; h[10]: the checksum, below. */
	totlen = decode_be16(h + 2);
	id = decode_be16(h + 4);
	fo = decode_be16(h + 6);
	ttl = h[8];
	proto = h[9];
	src = h + 12;
	dst = h + 16;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_HLEN)
		return decode_invalid(dec, p, EV_IPV4_HLEN_TOO_SMALL);
	if (hlen > avail)
		return decode_invalid(dec, p, EV_IPV4_TRUNCATED);
	if (totlen < hlen)
		return decode_invalid(dec, p,
		    EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
	/*
	 * RFC 791 3.1: the sum over the header, checksum included.  A
	 * fragment with a bad one is never reassembled (the host drops
	 * it); a whole datagram goes on to be counted in its flow.
	 */
	if (dec->csum_on && !st->ip_csum_done) {
		st->csum_checked = true;
		if (!csum_valid(ipv4_hdr_sum(p->data + st->off, hlen))) {
			decode_csum_bad(dec, p, st, EV_IPV4_INVALID_CSUM);
			if ((fo & 0x3fff) != 0) {
				p->flags |= PKT_INVALID;	/* counted */
				return STEP_INVALID;
			}
		}
	}
	st->ip_csum_done = false;

	if (p->ipver == 6) {
		/* An IPv4 packet inside IPv6: clear the longer addresses. */
		memset(p->src + 4, 0, sizeof(p->src) - 4);
		memset(p->dst + 4, 0, sizeof(p->dst) - 4);
	}
	p->ipver = 4;
	p->proto = proto;
	p->ttl = ttl;
	p->ip_id = id;
	memcpy(p->src, src, 4);
	memcpy(p->dst, dst, 4);
	p->l3_off = st->off;
	ip_set_len(dec, p, st, totlen, EV_IPV4_TRUNC_PKT);
	if (hlen > IPV4_HLEN) {
		/* hlen <= avail: checked above. */
		br_init(&opts, h + IPV4_HLEN, hlen - IPV4_HLEN);
		ipv4_options(dec, p, &opts);
	}

	if ((fo & 0x3fff) != 0) {	/* MF set or offset non-zero */
		p->flags |= PKT_FRAGMENT;
		ctr_inc(dec->ctr, CTR_DEFRAG_IPV4_FRAGMENTS);
		/* A fragment cut by the snaplen cannot be reassembled. */
		if (st->end < st->claim_end)
			return decode_invalid(dec, p, EV_DEFRAG_TRUNCATED);
		memset(&f, 0, sizeof(f));
		f.ipver = 4;
		f.proto = proto;
		f.id = id;
		f.src = src;
		f.dst = dst;
		f.hdr = p->data + p->l3_off;
		f.hdr_len = hlen;
		f.off = (uint32_t)(fo & 0x1fff) * 8;
		f.data = p->data + p->l3_off + hlen;
		f.len = totlen - hlen;
		f.more = (fo & 0x2000) != 0;
		f.ts_us = p->ts_us;
		/* RFC 791: all but the last carry multiples of 8 bytes. */
		if (f.more && f.len % 8 != 0)
			return decode_invalid(dec, p,
			    EV_IPV4_FRAG_INVALID_LENGTH);
		return ip_defrag(dec, p, st, &f);
	}
	st->off += (uint32_t)hlen;
	st->proto = proto;
	return STEP_L4;
}

/*
 * Hop-by-Hop and Destination options (RFC 8200 4.2): Pad1 is one byte;
 * every other option is type | length | data, the length counting only
 * the data.  An option must end inside the header: 'left < len' is the
 * off + 2 + optlen <= optslen check, written so that it cannot
 * overflow.  Returns the Jumbo Payload length (RFC 2675), or 0.
 */
static uint32_t
ipv6_options(struct decoder *dec, struct packet *p, struct breader *opts)
{
	uint32_t jumbo = 0;
	uint8_t type, len;
	struct breader body;

	while (br_left(opts) > 0) {
		type = br_u8(opts);
		if (type == IP6OPT_PAD1)
			continue;
		len = br_u8(opts);
		if (!br_ok(opts) || br_left(opts) < len) {
			decode_anomaly(dec->ctr, p, EV_IPV6_OPT_INVALID_LEN);
			return jumbo;
		}
		body = br_sub(opts, len);
		if (type == IP6OPT_JUMBO && len == 4)
			jumbo = br_be32(&body);
	}
	return jumbo;
}

static bool
ipv6_is_exthdr(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_MH:
	case DECODE_IPPROTO_HIP:
	case DECODE_IPPROTO_SHIM6:
		return true;
	default:
		/* ESP is opaque and ends the walk, as does No Next Header. */
		return false;
	}
}

/*
 * Fragment header (RFC 8200 4.5):
 *	next header (1) | reserved (1) | offset (13) res (2) M (1)
 *	| identification (4)
 * 'data_off' is the first byte after it.
 */
static enum decode_step
ipv6_fragment(struct decoder *dec, struct packet *p, struct decode_state *st,
    uint32_t data_off, uint8_t nh, uint32_t id, uint16_t fo)
{
	struct defrag_frag f;

	p->flags |= PKT_FRAGMENT;
	p->proto = nh;
	ctr_inc(dec->ctr, CTR_DEFRAG_IPV6_FRAGMENTS);
	if (st->end < st->claim_end)
		return decode_invalid(dec, p, EV_DEFRAG_TRUNCATED);
	memset(&f, 0, sizeof(f));
	f.ipver = 6;
	f.proto = nh;
	f.id = id;
	f.src = p->src;
	f.dst = p->dst;
	f.hdr = p->data + p->l3_off;
	f.hdr_len = IPV6_HLEN;
	f.off = fo & 0xfff8;
	f.data = p->data + data_off;
	f.len = st->end - data_off;
	f.more = (fo & 1) != 0;
	f.ts_us = p->ts_us;
	if (f.more && f.len % 8 != 0)
		return decode_invalid(dec, p, EV_IPV6_FRAG_INVALID_LENGTH);
	return ip_defrag(dec, p, st, &f);
}

/*
 * IPv6 header (RFC 8200 3):
 *	ver (4) tclass (8) flow (20) | payload length (2) | next header (1)
 *	| hop limit (1) | source (16) | destination (16)
 * then extension headers, walked at most DECODE_MAX_IPV6_EXTHDRS deep.
 * Each is next header (1) | length (1) | ...: in 8-byte units not
 * counting the first 8, in 4-byte units not counting the first 8 for
 * AH, and always 8 bytes for the Fragment header.
 */
enum decode_step
decode_ipv6(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br, body;
	const uint8_t *src, *dst;
	uint32_t cur, id, jumbo;
	uint16_t plen, fo;
	uint8_t ver, nh, next, hl, hlim;
	unsigned int n;
	size_t len;
	bool jumbo_pending, seen_hbh = false, seen_fh = false;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_IPV6);
	br_init(&br, p->data + st->off, st->end - st->off);
	ver = br_u8(&br) >> 4;
	br_skip(&br, 3);		/* traffic class, flow label */
	plen = br_be16(&br);
	nh = br_u8(&br);
	hlim = br_u8(&br);
	src = br_bytes(&br, 16);
	dst = br_bytes(&br, 16);
	if (st->end > st->off && ver != 6)
		return decode_invalid(dec, p, EV_IPV6_WRONG_VERSION);
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_IPV6_PKT_TOO_SMALL);
	/*
	 * A payload length of 0 is only valid for a jumbogram, whose
	 * length is in a Hop-by-Hop option (RFC 2675), or with nothing
	 * after the header.
	 */
	jumbo_pending = plen == 0 && nh != IPPROTO_NONE;
	if (jumbo_pending && nh != IPPROTO_HOPOPTS)
		return decode_invalid(dec, p, EV_IPV6_ZERO_LEN_PAYLOAD);

	p->ipver = 6;
	p->proto = nh;
	p->ttl = hlim;
	st->v6_routing = false;
	p->ip_id = 0;
	memcpy(p->src, src, 16);
	memcpy(p->dst, dst, 16);
	p->l3_off = st->off;
	if (!jumbo_pending)
		ip_set_len(dec, p, st, (uint64_t)IPV6_HLEN + plen,
		    EV_IPV6_TRUNC_PKT);

	cur = st->off + IPV6_HLEN;
	for (n = 0; ipv6_is_exthdr(nh); n++) {
		if (n == DECODE_MAX_IPV6_EXTHDRS)
			return decode_invalid(dec, p, EV_IPV6_EXTHDR_TOO_MANY);
		br_init(&br, p->data + cur, st->end - cur);
		next = br_u8(&br);
		hl = br_u8(&br);
		if (nh == IPPROTO_FRAGMENT)
			len = IPV6_FRAG_HLEN;
		else if (nh == IPPROTO_AH)
			len = ((size_t)hl + 2) * 4;
		else
			len = ((size_t)hl + 1) * 8;
		body = br_sub(&br, len - 2);
		if (!br_ok(&br))
			return decode_invalid(dec, p, EV_IPV6_EXTHDR_TRUNCATED);

		switch (nh) {
		case IPPROTO_ROUTING:
			/* The pseudo-header has the final destination. */
			st->v6_routing = true;
			break;
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.1: only right after the IPv6 header. */
			if (seen_hbh)
				return decode_invalid(dec, p,
				    EV_IPV6_EXTHDR_DUPL_HBH);
			if (n != 0)
				return decode_invalid(dec, p,
				    EV_IPV6_HBH_NOT_FIRST);
			seen_hbh = true;
			jumbo = ipv6_options(dec, p, &body);
			if (jumbo_pending) {
				if (jumbo < IP6_JUMBO_MIN)
					return decode_invalid(dec, p,
					    EV_IPV6_ZERO_LEN_PAYLOAD);
				ip_set_len(dec, p, st,
				    (uint64_t)IPV6_HLEN + jumbo,
				    EV_IPV6_TRUNC_PKT);
				jumbo_pending = false;
			}
			break;
		case IPPROTO_DSTOPTS:
			(void)ipv6_options(dec, p, &body);
			break;
		case IPPROTO_FRAGMENT:
			/* Two Fragment headers: an evasion, not a datagram. */
			if (seen_fh)
				return decode_invalid(dec, p,
				    EV_IPV6_EXTHDR_DUPL_FH);
			seen_fh = true;
			fo = br_be16(&body);
			id = br_be32(&body);
			/* RFC 6946: an atomic fragment is a whole packet. */
			if ((fo & 0xfff9) == 0)
				break;
			return ipv6_fragment(dec, p, st,
			    cur + IPV6_FRAG_HLEN, next, id, fo);
		}
		cur += (uint32_t)len;
		nh = next;
	}
	p->proto = nh;
	st->off = cur;
	st->proto = nh;
	return STEP_L4;
}
