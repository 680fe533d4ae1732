/*
 * decode.c - the decoder's entry point: datalink dispatch, Ethernet,
 * 802.1Q/802.1ad tag stacks, ARP, and the step loop that drives the
 * layer decoders in decode-ip.c, decode-l4.c and decode-tunnel.c.
 *
 * Bounds: every read goes through a struct breader over
 * [st->off, st->end) of p->data, or, for a header of fixed size, reads
 * at fixed offsets after one check that [st->off, st->end) holds it;
 * st->end never exceeds p->caplen.
 * p->wirelen is only compared, never used to index: libpcap passes a
 * record whose caplen exceeds its len through unchanged.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode/decode-int.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "util/bytes.h"
#include "util/log.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2		276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4		228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6		229
#endif

#define DEFRAG_DEFAULT_MEMCAP	(32ull << 20)	/* as Suricata */
#define DEFRAG_DEFAULT_TIMEOUT	60		/* seconds, idem */
#define DEFRAG_DEFAULT_TRACKERS	65535
/* Fragments kept per datagram (64 KiB in 8-byte pieces is 8192). */
#define DEFRAG_DEFAULT_FRAGS	256

#define SLL_HLEN		16
#define SLL2_HLEN		20
#define NULL_HLEN		4
#define VLAN_HLEN		4
#define ARP_HLEN		8
#define ARPHRD_ETHER_		1
#define ARPHRD_NETLINK_		824
#define SLL_P_802_3		0x0001	/* Novell raw 802.3 */
#define SLL_P_802_2		0x0004	/* 802.2 LLC frames */

void
decode_config_defaults(struct decode_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_vlan_layers = DECODE_DEFAULT_MAX_VLAN;
	cfg->max_layers = DECODE_DEFAULT_MAX_LAYERS;
	cfg->max_tunnel_depth = DECODE_DEFAULT_MAX_TUNNEL;
	cfg->gre = true;
	cfg->vxlan = true;
	cfg->ipip = true;
	cfg->vxlan_ports[0] = DECODE_VXLAN_PORT;
	cfg->n_vxlan_ports = 1;
	cfg->checksum = DECODE_CSUM_AUTO;
	cfg->defrag.memcap = DEFRAG_DEFAULT_MEMCAP;
	cfg->defrag.timeout_s = DEFRAG_DEFAULT_TIMEOUT;
	cfg->defrag.max_trackers = DEFRAG_DEFAULT_TRACKERS;
	cfg->defrag.max_frags = DEFRAG_DEFAULT_FRAGS;
	cfg->defrag.policy = DEFRAG_POLICY_LINUX;
}

bool
decode_datalink_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

struct decoder *
decoder_new(const struct decode_config *cfg, struct counters *ctr)
{
	struct decoder *dec;

	if ((dec = calloc(1, sizeof(*dec))) == NULL)
		return NULL;
	dec->cfg = *cfg;
	dec->ctr = ctr;
	/* p->vlan holds PKT_MAX_VLAN ids: a deeper stack is not kept. */
	if (dec->cfg.max_vlan_layers > PKT_MAX_VLAN)
		dec->cfg.max_vlan_layers = PKT_MAX_VLAN;
	if (dec->cfg.max_tunnel_depth > UINT8_MAX)
		dec->cfg.max_tunnel_depth = UINT8_MAX;
	if (dec->cfg.n_vxlan_ports > DECODE_MAX_VXLAN_PORTS)
		dec->cfg.n_vxlan_ports = DECODE_MAX_VXLAN_PORTS;
	dec->csum_on = dec->cfg.checksum != DECODE_CSUM_NO;
	dec->csum_sampling = dec->cfg.checksum == DECODE_CSUM_AUTO;
	if ((dec->defrag = defrag_new(&dec->cfg.defrag, ctr)) == NULL) {
		free(dec);
		return NULL;
	}
	return dec;
}

void
decoder_free(struct decoder *dec)
{
	if (dec == NULL)
		return;
	defrag_free(dec->defrag);
	free(dec);
}

void
decoder_tick(struct decoder *dec, uint64_t now_us)
{
	defrag_tick(dec->defrag, now_us);
}

bool
decoder_checksums_on(const struct decoder *dec)
{
	return dec->csum_on;
}

uint64_t
decoder_memuse(const struct decoder *dec)
{
	return defrag_memuse(dec->defrag);
}

void
decode_anomaly(struct counters *ctr, struct packet *p, enum ww_counter ev)
{
	uint8_t i;

	ctr_inc(ctr, ev);
	for (i = 0; i < p->anom_cnt; i++)
		if (p->anom[i] == ev)
			return;
	if (p->anom_cnt < PKT_MAX_ANOM)
		p->anom[p->anom_cnt++] = (uint16_t)ev;
}

enum decode_step
decode_invalid(struct decoder *dec, struct packet *p, enum ww_counter ev)
{
	decode_anomaly(dec->ctr, p, ev);
	p->flags |= PKT_INVALID;
	return STEP_INVALID;
}

void
decode_csum_bad(struct decoder *dec, struct packet *p,
    struct decode_state *st, enum ww_counter ev)
{
	decode_anomaly(dec->ctr, p, ev);
	p->flags |= PKT_BAD_CSUM;
	st->csum_bad = true;
}

/*
 * checksum-checks auto: one sample per packet that had a checksum
 * validated.  Packets keep being judged while sampling, as Suricata
 * does; once offload is certain, say so once and stop validating.
 */
static void
csum_sample(struct decoder *dec, const struct decode_state *st)
{
	if (!st->csum_checked)
		return;
	dec->csum_sampled++;
	if (st->csum_bad)
		dec->csum_nbad++;
	/*
	 * Also when most of the first few are bad: a rewritten or
	 * host-local capture shows it at once, and a short one would
	 * otherwise lose everything before the sample is complete.
	 */
	if (dec->csum_nbad > DECODE_CSUM_MAX_BAD ||
	    (dec->csum_sampled >= DECODE_CSUM_EARLY &&
	    dec->csum_nbad * 2 > dec->csum_sampled)) {
		dec->csum_on = false;
		dec->csum_sampling = false;
		ctr_set(dec->ctr, CTR_DEC_CSUM_OFFLOADED, 1);
		log_warnx("checksums: %u of the first %u packets checked have "
		    "a bad checksum: the capture host offloads checksums, "
		    "no longer validating them (decode.checksum-checks: "
		    "auto)", dec->csum_nbad, dec->csum_sampled);
	} else if (dec->csum_sampled - dec->csum_nbad >=
	    DECODE_CSUM_SAMPLE - DECODE_CSUM_MAX_BAD)
		dec->csum_sampling = false;	/* checksums are real */
}

bool
decode_layer_excess(struct decoder *dec, struct packet *p)
{
	ctr_inc(dec->ctr, CTR_DEC_TOO_MANY_LAYERS);
	(void)decode_invalid(dec, p, EV_LAYERS_TOO_MANY);
	return false;
}

/* A valid frame that carries no IP: describe its payload and stop. */
static enum decode_step
not_ip(struct packet *p, const struct decode_state *st)
{
	p->l3_off = st->off;
	p->l3_len = st->end - st->off;
	return STEP_NOT_IP;
}

/*
 * Ethernet II (IEEE 802.3 clause 3.2):
 *	destination MAC (6) | source MAC (6) | ethertype or length (2)
 * A new frame (the outermost, or one inside an L2 tunnel) brings its
 * own addresses and VLAN stack.
 */
enum decode_step
decode_ethernet(struct decoder *dec, struct packet *p,
    struct decode_state *st)
{
	const uint8_t *h = p->data + st->off;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_ETHERNET);
	if (st->end - st->off < ETH_HLEN)
		return decode_invalid(dec, p, EV_ETH_TOO_SMALL);
	memcpy(p->dst_mac, h, 6);
	memcpy(p->src_mac, h + 6, 6);
	p->flags |= PKT_HAS_ETH;
	p->vlan_cnt = 0;
	st->nvlan = 0;
	st->off += ETH_HLEN;
	st->ethertype = decode_be16(h + 12);
	return STEP_ETHERTYPE;
}

/*
 * 802.1Q / 802.1ad tag: TCI (PCP 3, DEI 1, VID 12) | ethertype (2).
 * One tag per step, so a stack of 100 tags costs iterations, and the
 * stack stops at max_vlan_layers.
 */
static enum decode_step
decode_vlan(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	const uint8_t *h = p->data + st->off;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_VLAN);
	if (st->nvlan == 1)
		ctr_inc(dec->ctr, CTR_DEC_VLAN_QINQ);
	if (st->nvlan >= dec->cfg.max_vlan_layers)
		return decode_invalid(dec, p, EV_VLAN_TOO_MANY_LAYERS);
	if (st->end - st->off < VLAN_HLEN)
		return decode_invalid(dec, p, EV_VLAN_TOO_SMALL);
	p->vlan[st->nvlan++] = decode_be16(h) & 0x0fff;
	p->vlan_cnt = st->nvlan;
	st->off += VLAN_HLEN;
	st->ethertype = decode_be16(h + 2);
	return STEP_ETHERTYPE;
}

/*
 * ARP (RFC 826): htype (2) | ptype (2) | hlen (1) | plen (1) | op (2)
 * | sender hw | sender proto | target hw | target proto.
 * Not IP, but the inventory may want it: l3_off/l3_len describe it.
 */
static enum decode_step
decode_arp(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint16_t htype, ptype;
	uint8_t hlen, plen;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_ARP);
	br_init(&br, p->data + st->off, st->end - st->off);
	htype = br_be16(&br);
	ptype = br_be16(&br);
	hlen = br_u8(&br);
	plen = br_u8(&br);
	br_skip(&br, 2);		/* operation */
	br_skip(&br, 2 * ((size_t)hlen + plen));
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_ARP_TOO_SMALL);
	if (htype == ARPHRD_ETHER_ && ptype == ETYPE_IPV4 &&
	    (hlen != 6 || plen != 4))
		return decode_invalid(dec, p, EV_ARP_INVALID);
	p->flags |= PKT_ARP;
	p->l3_off = st->off;
	p->l3_len = (uint32_t)br_off(&br);	/* without the padding */
	return STEP_NOT_IP;
}

enum decode_step
decode_ethertype(struct decoder *dec, struct packet *p,
    struct decode_state *st)
{
	switch (st->ethertype) {
	case ETYPE_VLAN:
	case ETYPE_QINQ:
	case ETYPE_VLAN_9100:
		return decode_vlan(dec, p, st);
	}
	/*
	 * The tag stack has ended.  A mirrored frame whose tag the switch
	 * stripped still has its VLAN in the ERSPAN header.
	 */
	if (st->erspan_vlan != 0) {
		if (p->vlan_cnt == 0) {
			p->vlan[0] = st->erspan_vlan;
			p->vlan_cnt = 1;
		}
		st->erspan_vlan = 0;
	}
	p->ethertype = st->ethertype;
	switch (st->ethertype) {
	case ETYPE_IPV4:
		return STEP_IPV4;
	case ETYPE_IPV6:
		return STEP_IPV6;
	case ETYPE_ARP:
		return decode_arp(dec, p, st);
	case ETYPE_RARP:
	case ETYPE_SLOW:
	case ETYPE_MPLS:
	case ETYPE_MPLS_MC:
	case ETYPE_PPPOE_DISC:
	case ETYPE_PPPOE_SESS:
	case ETYPE_EAPOL:
	case ETYPE_LLDP:
	case ETYPE_MACSEC:
	case ETYPE_PTP:
	case ETYPE_LOOPBACK:
		/* Known, not decoded, not worth an "unknown" count. */
		return not_ip(p, st);
	}
	/* Below 0x0600 the field is an 802.3 length: LLC, STP, CDP... */
	if (st->ethertype >= ETYPE_MIN)
		ctr_inc(dec->ctr, CTR_DEC_UNKNOWN_ETHERTYPE);
	return not_ip(p, st);
}

/*
 * Linux cooked capture v1 (LINKTYPE_LINUX_SLL):
 *	packet type (2) | ARPHRD type (2) | address length (2)
 *	| address (8) | protocol (2)
 */
static enum decode_step
decode_sll(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint16_t hatype, proto;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_SLL);
	br_init(&br, p->data + st->off, st->end - st->off);
	br_skip(&br, 2);		/* packet type */
	hatype = br_be16(&br);
	br_skip(&br, 2 + 8);		/* address length, address */
	proto = br_be16(&br);
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_SLL_TOO_SMALL);
	st->off += SLL_HLEN;
	/* Netlink captures carry a netlink family, not an ethertype. */
	if (hatype == ARPHRD_NETLINK_)
		return not_ip(p, st);
	st->ethertype = proto;
	return STEP_ETHERTYPE;
}

/*
 * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2):
 *	protocol (2) | reserved (2) | interface index (4) | ARPHRD type (2)
 *	| packet type (1) | address length (1) | address (8)
 */
static enum decode_step
decode_sll2(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint16_t hatype, proto;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_SLL2);
	br_init(&br, p->data + st->off, st->end - st->off);
	proto = br_be16(&br);
	br_skip(&br, 2 + 4);		/* reserved, interface index */
	hatype = br_be16(&br);
	br_skip(&br, 1 + 1 + 8);	/* packet type, address len, address */
	if (!br_ok(&br))
		return decode_invalid(dec, p, EV_SLL2_TOO_SMALL);
	st->off += SLL2_HLEN;
	if (hatype == ARPHRD_NETLINK_)
		return not_ip(p, st);
	st->ethertype = proto;
	return STEP_ETHERTYPE;
}

/*
 * BSD loopback: a 4-byte address family, in the capturing host's byte
 * order (DLT_NULL) or in network order (DLT_LOOP).  AF_INET is 2
 * everywhere; AF_INET6 is 10 (Linux), 24 (Net/OpenBSD), 28 (FreeBSD)
 * or 30 (Darwin).  Both byte orders are accepted for both DLTs.
 */
static bool
null_is_inet6(uint32_t af)
{
	return af == 10 || af == 24 || af == 28 || af == 30;
}

static enum decode_step
decode_null(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	struct breader br;
	uint32_t be, le;
	const uint8_t *b;

	if (!decode_layer(dec, p, st))
		return STEP_INVALID;
	ctr_inc(dec->ctr, CTR_DEC_NULL);
	br_init(&br, p->data + st->off, st->end - st->off);
	if ((b = br_bytes(&br, NULL_HLEN)) == NULL)
		return decode_invalid(dec, p, EV_NULL_TOO_SMALL);
	be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0];
	st->off += NULL_HLEN;
	if (be == 2 || le == 2) {
		p->ethertype = ETYPE_IPV4;
		return STEP_IPV4;
	}
	if (null_is_inet6(be) || null_is_inet6(le)) {
		p->ethertype = ETYPE_IPV6;
		return STEP_IPV6;
	}
	return decode_invalid(dec, p, EV_NULL_UNKNOWN_FAMILY);
}

static enum decode_step
decode_link(struct decoder *dec, struct packet *p, struct decode_state *st)
{
	switch (p->datalink) {
	case DLT_EN10MB:
		return STEP_ETHERNET;
	case DLT_LINUX_SLL:
		return decode_sll(dec, p, st);
	case DLT_LINUX_SLL2:
		return decode_sll2(dec, p, st);
	case DLT_NULL:
	case DLT_LOOP:
		return decode_null(dec, p, st);
	case DLT_RAW:
		ctr_inc(dec->ctr, CTR_DEC_RAW);
		return STEP_IP;
	case DLT_IPV4:
		ctr_inc(dec->ctr, CTR_DEC_RAW);
		p->ethertype = ETYPE_IPV4;
		return STEP_IPV4;
	case DLT_IPV6:
		ctr_inc(dec->ctr, CTR_DEC_RAW);
		p->ethertype = ETYPE_IPV6;
		return STEP_IPV6;
	}
	/* capture.c refuses other DLTs; nothing to count as hostile. */
	p->flags |= PKT_INVALID;
	return STEP_INVALID;
}

enum decode_result
decode_packet(struct decoder *dec, struct packet *p)
{
	struct decode_state st;
	enum decode_step step;

	if (p->caplen == 0 || p->data == NULL) {
		/* libpcap lets caplen 0 through: count, never read byte 0. */
		(void)decode_invalid(dec, p, EV_PCAP_ZERO_LEN);
		ctr_inc(dec->ctr, CTR_DEC_INVALID);
		return DECODE_INVALID;
	}
	if (p->caplen > p->wirelen) {
		/* libpcap lets caplen > len through: caplen is what we have. */
		decode_anomaly(dec->ctr, p, EV_PCAP_CAPLEN_GT_LEN);
		p->flags |= PKT_CAPLEN_GT_LEN;
	}
	memset(&st, 0, sizeof(st));
	st.end = p->caplen;
	st.claim_end = p->caplen;
	st.snapped = p->caplen < p->wirelen;

	step = decode_link(dec, p, &st);
	/*
	 * The common ladder, Ethernet (tags) IPv4 then layer 4, called
	 * straight; whatever else comes next goes through the loop.
	 */
	if (step == STEP_ETHERNET) {
		step = decode_ethernet(dec, p, &st);
		while (step == STEP_ETHERTYPE)
			step = decode_ethertype(dec, p, &st);
		if (step == STEP_IPV4)
			step = decode_ipv4(dec, p, &st);
		if (step == STEP_L4)
			step = decode_l4(dec, p, &st);
	}
	for (;;) {
		switch (step) {
		case STEP_ETHERNET:
			step = decode_ethernet(dec, p, &st);
			break;
		case STEP_ETHERTYPE:
			step = decode_ethertype(dec, p, &st);
			break;
		case STEP_IP:
			step = decode_ip(dec, p, &st);
			break;
		case STEP_IPV4:
			step = decode_ipv4(dec, p, &st);
			break;
		case STEP_IPV6:
			step = decode_ipv6(dec, p, &st);
			break;
		case STEP_L4:
			step = decode_l4(dec, p, &st);
			break;
		case STEP_GRE:
			step = decode_gre(dec, p, &st);
			break;
		case STEP_VXLAN:
			step = decode_vxlan(dec, p, &st);
			break;
		case STEP_DONE:
			if (dec->csum_sampling)
				csum_sample(dec, &st);
			return DECODE_OK;
		case STEP_NOT_IP:
			return DECODE_NOT_IP;
		case STEP_HELD:
			return DECODE_HELD;
		case STEP_INVALID:
			if (dec->csum_sampling)
				csum_sample(dec, &st);
			p->flags |= PKT_INVALID;
			ctr_inc(dec->ctr, CTR_DEC_INVALID);
			return DECODE_INVALID;
		}
	}
}
