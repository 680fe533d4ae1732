/*
 * test-decode.c - the packet decoder: link types, VLAN stacks, IPv4
 * and IPv6 ladders, layer 4, tunnels, capture oddities, and every
 * truncation of a set of valid packets.
 *
 * Each packet is copied into a heap buffer of exactly its captured
 * length before decoding, so under ASan a read one byte too far is a
 * crash, not a silent pass.  Fixed vectors are spelled out in comments;
 * packets that are mostly repetition (100 VLAN tags, 1000 extension
 * headers, nested tunnels) are built with the small pb_* builder.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "decode/decode.h"
#include "util/events.h"
#include "decode/packet.h"
#include "util/csum.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

/* ------------------------------------------------------------------ */
/* Fixture and helpers                                                 */

struct fx {
	struct counters		*ctr;
	struct decode_config	 cfg;
	struct decoder		*dec;
	uint8_t			*copy;	/* last packet's bytes */
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->ctr = calloc(1, sizeof(*fx->ctr));
	assert_non_null(fx->ctr);
	decode_config_defaults(&fx->cfg);
	/* Hand-built packets carry no checksums; test_decode_csum_* and
	 * test_defrag_csum turn validation on. */
	fx->cfg.checksum = DECODE_CSUM_NO;
	fx->dec = decoder_new(&fx->cfg, fx->ctr);
	assert_non_null(fx->dec);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	decoder_free(fx->dec);
	free(fx->copy);
	free(fx->ctr);
	free(fx);
	return 0;
}

/* Rebuild the decoder after changing fx->cfg. */
static void
reconfigure(struct fx *fx)
{
	decoder_free(fx->dec);
	fx->dec = decoder_new(&fx->cfg, fx->ctr);
	assert_non_null(fx->dec);
}

/* Decode caplen bytes of a packet that was wirelen long on the wire. */
static enum decode_result
decode_snap(struct fx *fx, struct packet *p, int dlt, const uint8_t *b,
    size_t caplen, size_t wirelen)
{
	free(fx->copy);
	fx->copy = malloc(caplen > 0 ? caplen : 1);
	assert_non_null(fx->copy);
	if (caplen > 0)
		memcpy(fx->copy, b, caplen);
	memset(p, 0, sizeof(*p));
	p->ts_us = 1000000;
	p->data = fx->copy;
	p->caplen = (uint32_t)caplen;
	p->wirelen = (uint32_t)wirelen;
	p->datalink = dlt;
	p->tcp_wscale = 0xff;
	return decode_packet(fx->dec, p);
}

static enum decode_result
decode(struct fx *fx, struct packet *p, int dlt, const uint8_t *b, size_t len)
{
	return decode_snap(fx, p, dlt, b, len, len);
}

static bool
has_anom(const struct packet *p, enum ww_counter ev)
{
	uint8_t i;

	for (i = 0; i < p->anom_cnt; i++)
		if (p->anom[i] == ev)
			return true;
	return false;
}

#define CTR(fx, id)	ctr_get((fx)->ctr, (id))
#define ETH_HLEN_T	14

/* Invariants every decoded packet keeps, whatever the result. */
static void
check_bounds(const struct packet *p, enum decode_result r)
{
	if (r == DECODE_INVALID) {
		assert_true(p->flags & PKT_INVALID);
		return;
	}
	assert_false(p->flags & PKT_INVALID);
	if (r == DECODE_OK) {
		assert_true(pkt_is_ip(p));
		assert_true(p->l3_off <= p->caplen);
		assert_true(p->l3_len <= p->caplen - p->l3_off);
		assert_true(p->l4_off >= p->l3_off);
		assert_true(p->payload_off <= p->caplen);
		assert_true(p->payload_len <= p->caplen - p->payload_off);
		assert_true(p->payload_off + p->payload_len <=
		    p->l3_off + p->l3_len);
	}
}

/* A packet builder for the repetitive cases. */
#define PB_MAX	16384

struct pb {
	uint8_t	 b[PB_MAX];
	size_t	 n;
};

static void
pb_bytes(struct pb *pb, const void *b, size_t n)
{
	assert_true(pb->n + n <= PB_MAX);
	memcpy(pb->b + pb->n, b, n);
	pb->n += n;
}

static void
pb_u8(struct pb *pb, uint8_t v)
{
	pb_bytes(pb, &v, 1);
}

static void
pb_be16(struct pb *pb, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	pb_bytes(pb, b, 2);
}

static void
pb_be32(struct pb *pb, uint32_t v)
{
	pb_be16(pb, (uint16_t)(v >> 16));
	pb_be16(pb, (uint16_t)v);
}

static void
pb_zero(struct pb *pb, size_t n)
{
	while (n-- > 0)
		pb_u8(pb, 0);
}

static void
pb_put16(struct pb *pb, size_t at, uint16_t v)
{
	pb->b[at] = (uint8_t)(v >> 8);
	pb->b[at + 1] = (uint8_t)v;
}

static const uint8_t MAC_A[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_B[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t MAC_C[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t MAC_D[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
static const uint8_t A4_1[4] = { 10, 0, 0, 1 };
static const uint8_t A4_2[4] = { 10, 0, 0, 2 };
static const uint8_t A4_3[4] = { 192, 168, 7, 3 };
static const uint8_t A4_4[4] = { 192, 168, 7, 4 };
static const uint8_t A6_1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t A6_2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static void
pb_eth(struct pb *pb, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	pb_bytes(pb, dst, 6);
	pb_bytes(pb, src, 6);
	pb_be16(pb, type);
}

/* A VLAN tag: TCI then the next ethertype. */
static void
pb_tag(struct pb *pb, uint16_t vid, uint16_t next)
{
	pb_be16(pb, vid);
	pb_be16(pb, next);
}

/* IPv4 header with options; total length fixed by pb_ipv4_fix(). */
static size_t
pb_ipv4_opts(struct pb *pb, uint8_t proto, const uint8_t *src,
    const uint8_t *dst, const uint8_t *opts, size_t optlen)
{
	size_t at = pb->n;

	assert_true(optlen % 4 == 0 && optlen <= 40);
	pb_u8(pb, (uint8_t)(0x40 | (5 + optlen / 4)));
	pb_u8(pb, 0);
	pb_be16(pb, 0);			/* total length */
	pb_be16(pb, 0x4242);		/* id */
	pb_be16(pb, 0x4000);		/* DF */
	pb_u8(pb, 64);
	pb_u8(pb, proto);
	pb_be16(pb, 0);
	pb_bytes(pb, src, 4);
	pb_bytes(pb, dst, 4);
	if (optlen > 0)
		pb_bytes(pb, opts, optlen);
	return at;
}

static size_t
pb_ipv4(struct pb *pb, uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	return pb_ipv4_opts(pb, proto, src, dst, NULL, 0);
}

static void
pb_ipv4_fix(struct pb *pb, size_t at)
{
	pb_put16(pb, at + 2, (uint16_t)(pb->n - at));
}

static size_t
pb_ipv6(struct pb *pb, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t at = pb->n;

	pb_be32(pb, 0x60000000);
	pb_be16(pb, 0);			/* payload length */
	pb_u8(pb, nh);
	pb_u8(pb, 64);
	pb_bytes(pb, src, 16);
	pb_bytes(pb, dst, 16);
	return at;
}

static void
pb_ipv6_fix(struct pb *pb, size_t at)
{
	pb_put16(pb, at + 4, (uint16_t)(pb->n - at - 40));
}

static size_t
pb_udp(struct pb *pb, uint16_t sport, uint16_t dport)
{
	size_t at = pb->n;

	pb_be16(pb, sport);
	pb_be16(pb, dport);
	pb_be16(pb, 0);			/* length */
	pb_be16(pb, 0);
	return at;
}

static void
pb_udp_fix(struct pb *pb, size_t at)
{
	pb_put16(pb, at + 4, (uint16_t)(pb->n - at));
}

static void
pb_tcp_opts(struct pb *pb, uint16_t sport, uint16_t dport, uint8_t flags,
    const uint8_t *opts, size_t optlen)
{
	assert_true(optlen % 4 == 0 && optlen <= 40);
	pb_be16(pb, sport);
	pb_be16(pb, dport);
	pb_be32(pb, 1000);
	pb_be32(pb, 0);
	pb_u8(pb, (uint8_t)((5 + optlen / 4) << 4));
	pb_u8(pb, flags);
	pb_be16(pb, 8192);
	pb_be32(pb, 0);
	if (optlen > 0)
		pb_bytes(pb, opts, optlen);
}

static void
pb_tcp(struct pb *pb, uint16_t sport, uint16_t dport, uint8_t flags)
{
	pb_tcp_opts(pb, sport, dport, flags, NULL, 0);
}

/* Ethernet / IPv4 / UDP 1000 -> 2000 with 'n' payload bytes. */
static void
pb_eth_ipv4_udp(struct pb *pb, size_t n)
{
	size_t ip, udp;

	pb_eth(pb, MAC_A, MAC_B, 0x0800);
	ip = pb_ipv4(pb, 17, A4_1, A4_2);
	udp = pb_udp(pb, 1000, 2000);
	while (n-- > 0)
		pb_u8(pb, 'x');
	pb_udp_fix(pb, udp);
	pb_ipv4_fix(pb, ip);
}

/* ------------------------------------------------------------------ */
/* Fixed vectors                                                       */

/*
 * Ethernet 66:77:88:99:aa:bb -> 00:11:22:33:44:55, type IPv4
 * IPv4 192.168.1.10 -> 192.168.1.20, IHL 5, total 60, id 0x1234, DF,
 *   TTL 64, TCP
 * TCP 51000 -> 2575 (MLLP), seq 0x01020304, ack 0, data offset 10, SYN,
 *   window 64240, options: MSS 1460, SACK permitted, timestamps 1/0,
 *   NOP, window scale 7 (the Linux SYN)
 */
static const uint8_t eth_ipv4_tcp_syn[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x0a,
	0xc0, 0xa8, 0x01, 0x14,
	0xc7, 0x38, 0x0a, 0x0f, 0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
	0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x07,
};

/*
 * Linux cooked v1: packet type 0 (to us), ARPHRD_ETHER, address length
 *   6, address 66:77:88:99:aa:bb, protocol IPv4
 * IPv4 10.0.0.1 -> 10.0.0.2, total 33, UDP
 * UDP 1234 -> 53, length 13, payload "hello"
 */
static const uint8_t sll_ipv4_udp[] = {
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

/*
 * Linux cooked v2: protocol IPv6, reserved, ifindex 2, ARPHRD_ETHER,
 *   packet type 0, address length 6, address 66:77:88:99:aa:bb
 * IPv6 2001:db8::1 -> 2001:db8::2, payload length 12, UDP, hop limit 64
 * UDP 5060 -> 5060, length 12, payload 01 02 03 04
 */
static const uint8_t sll2_ipv6_udp[] = {
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x01, 0x00, 0x06, 0x66, 0x77, 0x88, 0x99,
	0xaa, 0xbb, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x13, 0xc4, 0x13, 0xc4, 0x00, 0x0c, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04,
};

/*
 * BSD loopback, AF_INET (2) in little-endian host order
 * IPv4 127.0.0.1 -> 127.0.0.1, total 32, ICMP
 * ICMP echo request (type 8, code 0), id 1, seq 1, payload de ad be ef
 */
static const uint8_t null_ipv4_icmp[] = {
	0x02, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01,
	0x7f, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
	0xde, 0xad, 0xbe, 0xef,
};

/*
 * OpenBSD loopback (DLT_LOOP), AF_INET6 = 24 in network order
 * IPv6 ::1 -> ::1, payload length 12, ICMPv6, hop limit 255
 * ICMPv6 echo request (type 128, code 0), id 1, seq 1, payload "abcd"
 */
static const uint8_t loop_ipv6_icmpv6[] = {
	0x00, 0x00, 0x00, 0x18,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x3a, 0xff,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
	'a', 'b', 'c', 'd',
};

/*
 * Ethernet 00:11:22:33:44:55 -> broadcast, type ARP
 * ARP request: Ethernet/IPv4, hlen 6, plen 4, op 1,
 *   who has 192.168.1.1, tell 192.168.1.10 (00:11:22:33:44:55)
 * 18 bytes of padding to the 60-byte minimum
 */
static const uint8_t eth_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11,
	0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc0, 0xa8,
	0x01, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x01,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * Ethernet, 802.1ad S-tag VID 100, 802.1Q C-tag VID 200, type IPv4
 * IPv4 10.0.0.1 -> 10.0.0.2, IHL 6 (option: NOP NOP NOP EOL), UDP
 * UDP 1000 -> 2000, payload "ab"
 */
static const uint8_t qinq_ipv4opt_udp[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0x88, 0xa8,
	0x00, 0x64, 0x81, 0x00,
	0x00, 0xc8, 0x08, 0x00,
	0x46, 0x00, 0x00, 0x22, 0x00, 0x07, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02, 0x01, 0x01, 0x01, 0x00,
	0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0a, 0x00, 0x00,
	'a', 'b',
};

/*
 * Raw IPv6 2001:db8::1 -> 2001:db8::2, payload length 36:
 *   Hop-by-Hop (next Destination Options, PadN 4)
 *   Destination Options (next TCP, PadN 4)
 *   TCP 443 -> 50000, data offset 5, ACK, payload "ok"
 */
static const uint8_t raw_ipv6_ext_tcp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x26, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x01, 0xbb, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x50, 0x10, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 'o', 'k',
};

/*
 * Raw IPv4 10.0.0.1 -> 10.0.0.2, SCTP
 * SCTP common header 2905 -> 2905 (M3UA), verification tag 0,
 *   checksum 0, then an INIT chunk header (type 1, flags 0, length 4)
 */
static const uint8_t raw_ipv4_sctp[] = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x03, 0x00, 0x00,
	0x40, 0x84, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
	0x0b, 0x59, 0x0b, 0x59, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x04,
};

/*
 * Ethernet, IPv4 192.168.7.3 -> 192.168.7.4, GRE
 * GRE: S bit, protocol 0x88be (ERSPAN type II), sequence 7
 * ERSPAN II: version 1, VLAN 0x123, session 1, index 0
 * Inner Ethernet 02:..:0d -> 02:..:0c, untagged, IPv4 10.0.0.1 ->
 *   10.0.0.2, UDP 1000 -> 2000, payload "x"
 */
static const uint8_t erspan2_udp[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x4f, 0x00, 0x09, 0x00, 0x00,
	0x40, 0x2f, 0x00, 0x00, 0xc0, 0xa8, 0x07, 0x03,
	0xc0, 0xa8, 0x07, 0x04,
	0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0x07,
	0x11, 0x23, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x0d, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x1d, 0x00, 0x01, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
	0x03, 0xe8, 0x07, 0xd0, 0x00, 0x09, 0x00, 0x00,
	'x',
};

struct vector {
	const char	*name;
	int		 dlt;
	const uint8_t	*b;
	size_t		 len;
};

#define VEC(name, dlt)	{ #name, dlt, name, sizeof(name) }

static const struct vector vectors[] = {
	VEC(eth_ipv4_tcp_syn, DLT_EN10MB),
	VEC(sll_ipv4_udp, DLT_LINUX_SLL),
	VEC(sll2_ipv6_udp, DLT_LINUX_SLL2),
	VEC(null_ipv4_icmp, DLT_NULL),
	VEC(loop_ipv6_icmpv6, DLT_LOOP),
	VEC(eth_arp, DLT_EN10MB),
	VEC(qinq_ipv4opt_udp, DLT_EN10MB),
	VEC(raw_ipv6_ext_tcp, DLT_RAW),
	VEC(raw_ipv4_sctp, DLT_RAW),
	VEC(erspan2_udp, DLT_EN10MB),
};

/* ------------------------------------------------------------------ */
/* Configuration and link types                                        */

static void
test_decode_config_defaults(void **state)
{
	struct decode_config c;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	decode_config_defaults(&c);
	assert_int_equal(c.max_vlan_layers, 3);
	assert_int_equal(c.max_layers, 16);
	assert_int_equal(c.max_tunnel_depth, 4);
	assert_true(c.gre && c.vxlan && c.ipip);
	assert_int_equal(c.n_vxlan_ports, 1);
	assert_int_equal(c.vxlan_ports[0], 4789);
	assert_int_equal(c.checksum, DECODE_CSUM_AUTO);
	assert_int_equal(c.defrag.memcap, 32u << 20);
	assert_int_equal(c.defrag.timeout_s, 60);
	assert_int_equal(c.defrag.max_trackers, 65535);
	assert_int_equal(c.defrag.max_frags, 256);
	assert_int_equal(c.defrag.policy, DEFRAG_POLICY_LINUX);
}

static void
test_decode_datalink_supported(void **state)
{
	(void)state;
	assert_true(decode_datalink_supported(DLT_EN10MB));
	assert_true(decode_datalink_supported(DLT_LINUX_SLL));
	assert_true(decode_datalink_supported(DLT_LINUX_SLL2));
	assert_true(decode_datalink_supported(DLT_NULL));
	assert_true(decode_datalink_supported(DLT_LOOP));
	assert_true(decode_datalink_supported(DLT_RAW));
	assert_true(decode_datalink_supported(DLT_IPV4));
	assert_true(decode_datalink_supported(DLT_IPV6));
	assert_false(decode_datalink_supported(65000));
	assert_false(decode_datalink_supported(DLT_IEEE802_11));
}

static void
test_decode_eth_ipv4_tcp_syn(void **state)
{
	static const uint8_t src[4] = { 192, 168, 1, 10 };
	static const uint8_t dst[4] = { 192, 168, 1, 20 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn,
	    sizeof(eth_ipv4_tcp_syn)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_true(p.flags & PKT_HAS_ETH);
	assert_memory_equal(p.dst_mac, MAC_A, 6);
	assert_memory_equal(p.src_mac, MAC_B, 6);
	assert_int_equal(p.vlan_cnt, 0);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.ipver, 4);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.ip_id, 0x1234);
	assert_memory_equal(p.src, src, 4);
	assert_memory_equal(p.dst, dst, 4);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l3_len, 60);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.sport, 51000);
	assert_int_equal(p.dport, 2575);
	assert_int_equal(p.tcp_seq, 0x01020304);
	assert_int_equal(p.tcp_ack, 0);
	assert_int_equal(p.tcp_flags, TH_SYN);
	assert_int_equal(p.tcp_win, 64240);
	assert_int_equal(p.tcp_mss, 1460);
	assert_int_equal(p.tcp_wscale, 7);
	assert_true(p.tcp_sackok);
	assert_int_equal(p.payload_off, 74);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(p.flags & (PKT_TRUNCATED | PKT_INVALID |
	    PKT_TUNNELED), 0);
	assert_int_equal(CTR(fx, CTR_DEC_ETHERNET), 1);
	assert_int_equal(CTR(fx, CTR_DEC_IPV4), 1);
	assert_int_equal(CTR(fx, CTR_DEC_TCP), 1);
	assert_int_equal(CTR(fx, CTR_DEC_INVALID), 0);
}

static void
test_decode_sll_ipv4_udp(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL, sll_ipv4_udp,
	    sizeof(sll_ipv4_udp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_false(p.flags & PKT_HAS_ETH);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.l3_off, 16);
	assert_memory_equal(p.src, A4_1, 4);
	assert_memory_equal(p.dst, A4_2, 4);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload_len, 5);
	assert_memory_equal(pkt_payload(&p), "hello", 5);
	assert_int_equal(CTR(fx, CTR_DEC_SLL), 1);
	assert_int_equal(CTR(fx, CTR_DEC_UDP), 1);
}

static void
test_decode_sll2_ipv6_udp(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL2, sll2_ipv6_udp,
	    sizeof(sll2_ipv6_udp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(pkt_addrlen(&p), 16);
	assert_memory_equal(p.src, A6_1, 16);
	assert_memory_equal(p.dst, A6_2, 16);
	assert_int_equal(p.l3_off, 20);
	assert_int_equal(p.l3_len, 52);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.sport, 5060);
	assert_int_equal(p.dport, 5060);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(CTR(fx, CTR_DEC_SLL2), 1);
	assert_int_equal(CTR(fx, CTR_DEC_IPV6), 1);
}

static void
test_decode_null_ipv4_icmp(void **state)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_NULL, null_ipv4_icmp,
	    sizeof(null_ipv4_icmp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_memory_equal(p.src, lo, 4);
	assert_int_equal(p.proto, 1);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.sport, 8);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(CTR(fx, CTR_DEC_NULL), 1);
	assert_int_equal(CTR(fx, CTR_DEC_ICMPV4), 1);

	/* The same with AF_INET in big-endian order. */
	{
		uint8_t b[sizeof(null_ipv4_icmp)];

		memcpy(b, null_ipv4_icmp, sizeof(b));
		b[0] = 0;
		b[3] = 2;
		assert_int_equal(decode(fx, &p, DLT_NULL, b, sizeof(b)),
		    DECODE_OK);
	}
}

static void
test_decode_loop_ipv6_icmpv6(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(loop_ipv6_icmpv6)];
	static const uint32_t afs[] = { 10, 24, 28, 30 };
	size_t i;

	assert_int_equal(decode(fx, &p, DLT_LOOP, loop_ipv6_icmpv6,
	    sizeof(loop_ipv6_icmpv6)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(p.proto, 58);
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(p.sport, 128);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(CTR(fx, CTR_DEC_ICMPV6), 1);

	/* Every AF_INET6 value, in both byte orders. */
	memcpy(b, loop_ipv6_icmpv6, sizeof(b));
	for (i = 0; i < sizeof(afs) / sizeof(afs[0]); i++) {
		memset(b, 0, 4);
		b[3] = (uint8_t)afs[i];
		assert_int_equal(decode(fx, &p, DLT_NULL, b, sizeof(b)),
		    DECODE_OK);
		memset(b, 0, 4);
		b[0] = (uint8_t)afs[i];
		assert_int_equal(decode(fx, &p, DLT_LOOP, b, sizeof(b)),
		    DECODE_OK);
	}
}

static void
test_decode_null_unknown_family(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(null_ipv4_icmp)];

	memcpy(b, null_ipv4_icmp, sizeof(b));
	b[0] = 7;			/* AF_APPLETALK-ish */
	assert_int_equal(decode(fx, &p, DLT_NULL, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_NULL_UNKNOWN_FAMILY));
	assert_int_equal(decode(fx, &p, DLT_NULL, b, 3), DECODE_INVALID);
	assert_true(has_anom(&p, EV_NULL_TOO_SMALL));
}

static void
test_decode_raw_and_ipv4_ipv6_dlts(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	const uint8_t *ip4 = sll_ipv4_udp + 16;
	size_t ip4len = sizeof(sll_ipv4_udp) - 16;
	const uint8_t *ip6 = sll2_ipv6_udp + 20;
	size_t ip6len = sizeof(sll2_ipv6_udp) - 20;
	uint8_t bad[20];

	assert_int_equal(decode(fx, &p, DLT_RAW, ip4, ip4len), DECODE_OK);
	assert_int_equal(p.ipver, 4);
	assert_int_equal(p.l3_off, 0);
	assert_int_equal(decode(fx, &p, DLT_RAW, ip6, ip6len), DECODE_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(decode(fx, &p, DLT_IPV4, ip4, ip4len), DECODE_OK);
	assert_int_equal(decode(fx, &p, DLT_IPV6, ip6, ip6len), DECODE_OK);
	assert_int_equal(CTR(fx, CTR_DEC_RAW), 4);

	/* DLT_IPV4 carrying IPv6 is the wrong version. */
	assert_int_equal(decode(fx, &p, DLT_IPV4, ip6, ip6len),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_WRONG_VERSION));
	assert_int_equal(decode(fx, &p, DLT_IPV6, ip4, ip4len),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_WRONG_VERSION));

	/* DLT_RAW with version 5. */
	memcpy(bad, ip4, sizeof(bad));
	bad[0] = 0x55;
	assert_int_equal(decode(fx, &p, DLT_RAW, bad, sizeof(bad)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_RAW_INVALID_VERSION));
}

static void
test_decode_unsupported_dlt(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, 65000, eth_ipv4_tcp_syn,
	    sizeof(eth_ipv4_tcp_syn)), DECODE_INVALID);
	assert_true(p.flags & PKT_INVALID);
}

static void
test_decode_sll_netlink_and_llc(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(sll_ipv4_udp)];

	memcpy(b, sll_ipv4_udp, sizeof(b));
	b[2] = 0x03;			/* ARPHRD_NETLINK (824) */
	b[3] = 0x38;
	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL, b, sizeof(b)),
	    DECODE_NOT_IP);
	memcpy(b, sll_ipv4_udp, sizeof(b));
	b[14] = 0x00;			/* protocol 0x0004: 802.2 LLC */
	b[15] = 0x04;
	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL, b, sizeof(b)),
	    DECODE_NOT_IP);
	assert_int_equal(p.l3_off, 16);
	assert_int_equal(CTR(fx, CTR_DEC_UNKNOWN_ETHERTYPE), 0);
	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL, b, 15),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_SLL_TOO_SMALL));
	assert_int_equal(decode(fx, &p, DLT_LINUX_SLL2, sll2_ipv6_udp, 19),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_SLL2_TOO_SMALL));
}

/* ------------------------------------------------------------------ */
/* Layer 2                                                             */

static void
test_decode_eth_too_small(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn, 13),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ETH_TOO_SMALL));
	assert_int_equal(CTR(fx, CTR_DEC_INVALID), 1);
	/* 14 bytes: a valid frame with an empty IPv4 payload. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn, 14),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_PKT_TOO_SMALL));
}

static void
test_decode_arp(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(eth_arp)];

	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_arp,
	    sizeof(eth_arp)), DECODE_NOT_IP);
	assert_true(p.flags & PKT_ARP);
	assert_false(p.flags & PKT_INVALID);
	assert_int_equal(p.ipver, 0);
	assert_int_equal(p.ethertype, 0x0806);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(p.l3_len, 28);		/* padding excluded */
	assert_int_equal(CTR(fx, CTR_DEC_ARP), 1);

	/* Ethernet/IPv4 ARP must have hlen 6 and plen 4. */
	memcpy(b, eth_arp, sizeof(b));
	b[18] = 8;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ARP_INVALID));

	/* Addresses cut short. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_arp, 41),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ARP_TOO_SMALL));
}

static void
test_decode_unknown_ethertype(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[60];

	memset(b, 0, sizeof(b));
	memcpy(b, MAC_A, 6);
	memcpy(b + 6, MAC_B, 6);
	b[12] = 0x12;			/* 0x1234: nobody's */
	b[13] = 0x34;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_NOT_IP);
	assert_int_equal(p.ethertype, 0x1234);
	assert_int_equal(CTR(fx, CTR_DEC_UNKNOWN_ETHERTYPE), 1);

	/* LLDP is known: not IP, not unknown. */
	b[12] = 0x88;
	b[13] = 0xcc;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_NOT_IP);
	assert_int_equal(CTR(fx, CTR_DEC_UNKNOWN_ETHERTYPE), 1);
}

static void
test_decode_8023_llc(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[60];

	/*
	 * 802.3 frame to the STP multicast address, length 38, LLC
	 * DSAP 0x42 SSAP 0x42 control 0x03, then BPDU bytes.
	 */
	memset(b, 0, sizeof(b));
	b[0] = 0x01;
	b[1] = 0x80;
	b[2] = 0xc2;
	memcpy(b + 6, MAC_B, 6);
	b[12] = 0x00;
	b[13] = 0x26;
	b[14] = 0x42;
	b[15] = 0x42;
	b[16] = 0x03;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_NOT_IP);
	assert_false(p.flags & PKT_INVALID);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(p.l3_off, 14);
	assert_int_equal(CTR(fx, CTR_DEC_UNKNOWN_ETHERTYPE), 0);
}

static void
test_decode_vlan_single(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip, udp;

	/* Ethernet, 802.1Q PCP 5 VID 42, IPv4, UDP. */
	pb_eth(&pb, MAC_A, MAC_B, 0x8100);
	pb_tag(&pb, 0xa000 | 42, 0x0800);
	ip = pb_ipv4(&pb, 17, A4_1, A4_2);
	udp = pb_udp(&pb, 1, 2);
	pb_udp_fix(&pb, udp);
	pb_ipv4_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.vlan_cnt, 1);
	assert_int_equal(p.vlan[0], 42);
	assert_int_equal(p.l3_off, 18);
	assert_int_equal(CTR(fx, CTR_DEC_VLAN), 1);
	assert_int_equal(CTR(fx, CTR_DEC_VLAN_QINQ), 0);
}

static void
test_decode_vlan_qinq(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_EN10MB, qinq_ipv4opt_udp,
	    sizeof(qinq_ipv4opt_udp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_int_equal(p.vlan_cnt, 2);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.vlan[1], 200);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.l3_off, 22);
	assert_int_equal(p.l4_off, 46);
	assert_int_equal(p.payload_len, 2);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(CTR(fx, CTR_DEC_VLAN), 2);
	assert_int_equal(CTR(fx, CTR_DEC_VLAN_QINQ), 1);
}

static void
test_decode_vlan_9100_triple(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip, udp;

	/* 0x9100 VID 1, 0x88a8 VID 2, 0x8100 VID 4094: three is allowed. */
	pb_eth(&pb, MAC_A, MAC_B, 0x9100);
	pb_tag(&pb, 1, 0x88a8);
	pb_tag(&pb, 2, 0x8100);
	pb_tag(&pb, 0xf000 | 4094, 0x0800);
	ip = pb_ipv4(&pb, 17, A4_1, A4_2);
	udp = pb_udp(&pb, 1, 2);
	pb_udp_fix(&pb, udp);
	pb_ipv4_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.vlan_cnt, 3);
	assert_int_equal(p.vlan[0], 1);
	assert_int_equal(p.vlan[1], 2);
	assert_int_equal(p.vlan[2], 4094);
}

static void
test_decode_vlan_100_tags(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	int i;

	/* 100 stacked 802.1Q tags, then IPv4. */
	pb_eth(&pb, MAC_A, MAC_B, 0x8100);
	for (i = 0; i < 100; i++)
		pb_tag(&pb, (uint16_t)(i + 1), i == 99 ? 0x0800 : 0x8100);
	(void)pb_ipv4(&pb, 17, A4_1, A4_2);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_VLAN_TOO_MANY_LAYERS));
	assert_true(p.flags & PKT_INVALID);
	assert_int_equal(p.vlan_cnt, 3);
	assert_int_equal(p.vlan[0], 1);
	assert_int_equal(p.vlan[2], 3);
	assert_int_equal(CTR(fx, EV_VLAN_TOO_MANY_LAYERS), 1);
	assert_int_equal(CTR(fx, CTR_DEC_INVALID), 1);
	assert_int_equal(CTR(fx, CTR_DEC_IPV4), 0);
}

static void
test_decode_vlan_too_small(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* The frame ends right after the TPID. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, qinq_ipv4opt_udp, 14),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_VLAN_TOO_SMALL));
	assert_int_equal(decode(fx, &p, DLT_EN10MB, qinq_ipv4opt_udp, 17),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_VLAN_TOO_SMALL));
}

static void
test_decode_too_many_layers(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* Ethernet + 2 tags + IPv4 + UDP is 5 headers; allow 4. */
	fx->cfg.max_layers = 4;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, qinq_ipv4opt_udp,
	    sizeof(qinq_ipv4opt_udp)), DECODE_INVALID);
	assert_true(has_anom(&p, EV_LAYERS_TOO_MANY));
	assert_int_equal(CTR(fx, CTR_DEC_TOO_MANY_LAYERS), 1);
	fx->cfg.max_layers = 5;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, qinq_ipv4opt_udp,
	    sizeof(qinq_ipv4opt_udp)), DECODE_OK);
}

/* ------------------------------------------------------------------ */
/* IPv4                                                                */

/* Ethernet / IPv4 with options / UDP 7 -> 9, payload "ab". */
static enum decode_result
decode_ipv4_opts(struct fx *fx, struct packet *p, const uint8_t *opts,
    size_t optlen)
{
	struct pb pb = { .n = 0 };
	size_t ip, udp;

	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	ip = pb_ipv4_opts(&pb, 17, A4_1, A4_2, opts, optlen);
	udp = pb_udp(&pb, 7, 9);
	pb_bytes(&pb, "ab", 2);
	pb_udp_fix(&pb, udp);
	pb_ipv4_fix(&pb, ip);
	return decode(fx, p, DLT_EN10MB, pb.b, pb.n);
}

static void
test_decode_ipv4_options_valid(void **state)
{
	/* NOP, record route (len 7, ptr 4, one slot), EOL, padding. */
	static const uint8_t rr[] = {
		0x01, 0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	/* Router alert (RFC 2113): type 148, len 4, value 0. */
	static const uint8_t ra[] = { 0x94, 0x04, 0x00, 0x00 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_ipv4_opts(fx, &p, rr, sizeof(rr)),
	    DECODE_OK);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(p.l4_off, 14 + 32);
	assert_int_equal(p.sport, 7);
	assert_int_equal(p.payload_len, 2);
	assert_int_equal(decode_ipv4_opts(fx, &p, ra, sizeof(ra)),
	    DECODE_OK);
	assert_int_equal(p.anom_cnt, 0);
}

static void
test_decode_ipv4_option_len0(void **state)
{
	/* LSRR with length 0: the classic infinite loop. */
	static const uint8_t o[] = { 0x83, 0x00, 0x00, 0x00 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_ipv4_opts(fx, &p, o, sizeof(o)), DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_INVALID_LEN));
	/* The header length still places layer 4. */
	assert_int_equal(p.sport, 7);
	assert_int_equal(p.payload_len, 2);
}

static void
test_decode_ipv4_option_len1(void **state)
{
	/* NOP, then timestamp with length 1. */
	static const uint8_t o[] = { 0x01, 0x44, 0x01, 0x00 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_ipv4_opts(fx, &p, o, sizeof(o)), DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_INVALID_LEN));
	assert_int_equal(CTR(fx, EV_IPV4_OPT_INVALID_LEN), 1);
}

static void
test_decode_ipv4_option_past_header(void **state)
{
	/* Record route claiming 15 bytes in an 8-byte option area;
	 * then a type byte alone at the very end. */
	static const uint8_t o[] = {
		0x07, 0x0f, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t last[] = { 0x01, 0x01, 0x01, 0x07 };
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_ipv4_opts(fx, &p, o, sizeof(o)), DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_INVALID_LEN));
	assert_int_equal(decode_ipv4_opts(fx, &p, last, sizeof(last)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_INVALID_LEN));
}

static void
test_decode_ipv4_option_malformed(void **state)
{
	/* Router alert with length 3; record route with length 6. */
	static const uint8_t ra[] = { 0x94, 0x03, 0x00, 0x01 };
	static const uint8_t rr[] = {
		0x07, 0x06, 0x04, 0x00, 0x00, 0x00, 0x01, 0x01,
	};
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_ipv4_opts(fx, &p, ra, sizeof(ra)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_MALFORMED));
	assert_false(has_anom(&p, EV_IPV4_OPT_INVALID_LEN));
	assert_int_equal(decode_ipv4_opts(fx, &p, rr, sizeof(rr)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_IPV4_OPT_MALFORMED));
}

static void
test_decode_ipv4_ihl_too_small(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(eth_ipv4_tcp_syn)];
	uint8_t ihl;

	/* Every IHL from 0 to 4 (the minimum is 5, RFC 791). */
	for (ihl = 0; ihl < 5; ihl++) {
		memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
		b[14] = (uint8_t)(0x40 | ihl);
		assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
		    DECODE_INVALID);
		assert_true(has_anom(&p, EV_IPV4_HLEN_TOO_SMALL));
		assert_true(p.flags & PKT_INVALID);
	}
	assert_int_equal(CTR(fx, EV_IPV4_HLEN_TOO_SMALL), 5);
	assert_int_equal(CTR(fx, CTR_DEC_INVALID), 5);
}

static void
test_decode_ipv4_ihl_past_capture(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* IHL 15 (60 bytes) with 40 bytes of IPv4 captured. */
	uint8_t b[14 + 40];

	memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
	b[14] = 0x4f;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_TRUNCATED));
}

static void
test_decode_ipv4_totlen_lt_ihl(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(eth_ipv4_tcp_syn)];

	/* Total length 19 with a 20-byte header; and 0. */
	memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
	b[16] = 0;
	b[17] = 19;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_IPLEN_SMALLER_THAN_HLEN));
	b[17] = 0;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_IPLEN_SMALLER_THAN_HLEN));
	/* Exactly the header: valid, with an empty TCP (too small). */
	b[17] = 20;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TCP_PKT_TOO_SMALL));
	assert_int_equal(p.l3_len, 20);
}

static void
test_decode_ipv4_wrong_version(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(eth_ipv4_tcp_syn)];

	/* C1: version 6 under ethertype 0x0800. */
	memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
	b[14] = 0x65;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_WRONG_VERSION));
}

static void
test_decode_eth_padding_trimmed(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };

	/* 44 bytes of frame padded with 0xee to the 60-byte minimum. */
	pb_eth_ipv4_udp(&pb, 2);
	while (pb.n < 60)
		pb_u8(&pb, 0xee);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.l3_len, 30);
	assert_int_equal(p.payload_len, 2);
	assert_int_equal(p.payload_off + p.payload_len, 44);
	assert_false(p.flags & PKT_TRUNCATED);
	assert_int_equal(p.anom_cnt, 0);

	/* The same with TCP: no padding in the payload either. */
	memset(&pb, 0, sizeof(pb));
	{
		size_t ip;

		pb_eth(&pb, MAC_A, MAC_B, 0x0800);
		ip = pb_ipv4(&pb, 6, A4_1, A4_2);
		pb_tcp(&pb, 80, 1024, TH_ACK);
		pb_ipv4_fix(&pb, ip);
		while (pb.n < 60)
			pb_u8(&pb, 0xee);
	}
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.payload_len, 0);
}

static void
test_decode_ipv4_truncated_by_snaplen(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };

	/* A 1000-byte UDP payload captured with a 100-byte snaplen. */
	pb_eth_ipv4_udp(&pb, 1000);
	assert_int_equal(decode_snap(fx, &p, DLT_EN10MB, pb.b, 100, pb.n),
	    DECODE_OK);
	assert_true(p.flags & PKT_TRUNCATED);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(p.l3_len, 86);
	assert_int_equal(p.payload_off, 42);
	assert_int_equal(p.payload_len, 58);
	assert_int_equal(p.sport, 1000);

	/* The same bytes as a complete frame: the frame is short. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, 100), DECODE_OK);
	assert_true(p.flags & PKT_TRUNCATED);
	assert_true(has_anom(&p, EV_IPV4_TRUNC_PKT));
	assert_int_equal(p.payload_len, 58);
}

static void
test_decode_caplen_zero(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* Caplen 0, with len 0 and len 60; byte 0 is never read. */
	assert_int_equal(decode_snap(fx, &p, DLT_EN10MB, eth_arp, 0, 0),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_PCAP_ZERO_LEN));
	assert_true(p.flags & PKT_INVALID);
	assert_int_equal(decode_snap(fx, &p, DLT_EN10MB, eth_arp, 0, 60),
	    DECODE_INVALID);
	assert_int_equal(CTR(fx, EV_PCAP_ZERO_LEN), 2);
	assert_int_equal(CTR(fx, CTR_DEC_INVALID), 2);
	assert_int_equal(CTR(fx, CTR_DEC_ETHERNET), 0);
}

static void
test_decode_caplen_gt_len(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* Caplen 60 > len 10: count it and use the captured bytes. */
	assert_int_equal(decode_snap(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn,
	    sizeof(eth_ipv4_tcp_syn), 10), DECODE_OK);
	assert_true(has_anom(&p, EV_PCAP_CAPLEN_GT_LEN));
	assert_true(p.flags & PKT_CAPLEN_GT_LEN);
	assert_int_equal(p.sport, 51000);
	assert_int_equal(p.tcp_mss, 1460);
	assert_int_equal(CTR(fx, EV_PCAP_CAPLEN_GT_LEN), 1);
}

/* ------------------------------------------------------------------ */
/* IPv6                                                                */

/*
 * Raw IPv6 whose chain is 'n' 8-byte extension headers of type 'ext'
 * (each PadN 4), then UDP 1 -> 2 with payload "z".
 */
static size_t
build_ipv6_chain(struct pb *pb, unsigned int n, uint8_t ext)
{
	size_t ip, udp;
	unsigned int i;

	ip = pb_ipv6(pb, n > 0 ? ext : 17, A6_1, A6_2);
	for (i = 0; i < n; i++) {
		pb_u8(pb, i + 1 < n ? ext : 17);
		pb_u8(pb, 0);
		pb_u8(pb, 0x01);	/* PadN, 4 bytes */
		pb_u8(pb, 4);
		pb_zero(pb, 4);
	}
	udp = pb_udp(pb, 1, 2);
	pb_u8(pb, 'z');
	pb_udp_fix(pb, udp);
	pb_ipv6_fix(pb, ip);
	return ip;
}

static void
test_decode_ipv6_exthdr_chain(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb *pb = calloc(1, sizeof(*pb));

	assert_non_null(pb);
	assert_int_equal(decode(fx, &p, DLT_RAW, raw_ipv6_ext_tcp,
	    sizeof(raw_ipv6_ext_tcp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.l4_off, 56);
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.dport, 50000);
	assert_int_equal(p.payload_len, 2);

	/* 16 headers is the most we walk. */
	build_ipv6_chain(pb, 16, 60);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb->b, pb->n), DECODE_OK);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.payload_len, 1);
	pb->n = 0;
	build_ipv6_chain(pb, 17, 60);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb->b, pb->n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_TOO_MANY));
	free(pb);
}

static void
test_decode_ipv6_exthdr_chain_1000(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb *pb = calloc(1, sizeof(*pb));

	/* 1000 Destination Options headers (8000 bytes). */
	assert_non_null(pb);
	build_ipv6_chain(pb, 1000, 60);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb->b, pb->n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_TOO_MANY));
	assert_int_equal(CTR(fx, EV_IPV6_EXTHDR_TOO_MANY), 1);
	/* Routing headers too. */
	pb->n = 0;
	build_ipv6_chain(pb, 1000, 43);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb->b, pb->n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_TOO_MANY));
	free(pb);
}

static void
test_decode_ipv6_hbh_not_first(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };

	/* Destination Options, then Hop-by-Hop. */
	pb.n = 0;
	{
		size_t ip = pb_ipv6(&pb, 60, A6_1, A6_2);

		pb_u8(&pb, 0);
		pb_u8(&pb, 0);
		pb_zero(&pb, 6);
		pb_u8(&pb, 59);
		pb_u8(&pb, 0);
		pb_zero(&pb, 6);
		pb_ipv6_fix(&pb, ip);
	}
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_HBH_NOT_FIRST));

	/* Hop-by-Hop twice. */
	pb.n = 0;
	{
		size_t ip = pb_ipv6(&pb, 0, A6_1, A6_2);

		pb_u8(&pb, 0);
		pb_u8(&pb, 0);
		pb_zero(&pb, 6);
		pb_u8(&pb, 59);
		pb_u8(&pb, 0);
		pb_zero(&pb, 6);
		pb_ipv6_fix(&pb, ip);
	}
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_DUPL_HBH));

	/* Hop-by-Hop first, then No Next Header: fine. */
	pb.n = 0;
	{
		size_t ip = pb_ipv6(&pb, 0, A6_1, A6_2);

		pb_u8(&pb, 59);
		pb_u8(&pb, 0);
		pb_zero(&pb, 6);
		pb_bytes(&pb, "ignored", 7);
		pb_ipv6_fix(&pb, ip);
	}
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.proto, 59);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.payload_len, 0);
}

/* IPv6 / HBH whose 6-byte option area holds PadN(optlen) + filler. */
static enum decode_result
decode_hbh_padn(struct fx *fx, struct packet *p, uint8_t optlen)
{
	struct pb pb = { .n = 0 };
	size_t ip, udp, i;

	ip = pb_ipv6(&pb, 0, A6_1, A6_2);
	pb_u8(&pb, 17);
	pb_u8(&pb, 0);
	pb_u8(&pb, 0x01);
	pb_u8(&pb, optlen);
	for (i = 0; i < 4; i++)
		pb_u8(&pb, 0);		/* PadN data, then Pad1s */
	udp = pb_udp(&pb, 1, 2);
	pb_udp_fix(&pb, udp);
	pb_ipv6_fix(&pb, ip);
	return decode(fx, p, DLT_RAW, pb.b, pb.n);
}

static void
test_decode_ipv6_hbh_option_boundary(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* An option ending 1 byte before, at, and 1 past the end. */
	assert_int_equal(decode_hbh_padn(fx, &p, 3), DECODE_OK);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(decode_hbh_padn(fx, &p, 4), DECODE_OK);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(decode_hbh_padn(fx, &p, 5), DECODE_OK);
	assert_true(has_anom(&p, EV_IPV6_OPT_INVALID_LEN));
	assert_int_equal(p.sport, 1);	/* the header length still holds */
	assert_int_equal(decode_hbh_padn(fx, &p, 255), DECODE_OK);
	assert_true(has_anom(&p, EV_IPV6_OPT_INVALID_LEN));
}

static void
test_decode_ipv6_zero_len_payload(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(sll2_ipv6_udp) - 20];
	struct pb pb = { .n = 0 };

	/* Payload length 0 without a Jumbo option, next header UDP. */
	memcpy(b, sll2_ipv6_udp + 20, sizeof(b));
	b[4] = b[5] = 0;
	assert_int_equal(decode(fx, &p, DLT_RAW, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_ZERO_LEN_PAYLOAD));

	/* Payload length 0 with a Hop-by-Hop but no Jumbo option. */
	(void)pb_ipv6(&pb, 0, A6_1, A6_2);
	pb_u8(&pb, 17);
	pb_u8(&pb, 0);
	pb_zero(&pb, 6);
	(void)pb_udp(&pb, 1, 2);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_ZERO_LEN_PAYLOAD));

	/* A jumbogram (RFC 2675) of 70000 bytes, 56 of them captured. */
	pb.n = 0;
	(void)pb_ipv6(&pb, 0, A6_1, A6_2);
	pb_u8(&pb, 17);
	pb_u8(&pb, 0);
	pb_u8(&pb, 0xc2);
	pb_u8(&pb, 4);
	pb_be32(&pb, 70000);
	(void)pb_udp(&pb, 1, 2);
	assert_int_equal(decode_snap(fx, &p, DLT_RAW, pb.b, pb.n, 70040),
	    DECODE_OK);
	assert_true(p.flags & PKT_TRUNCATED);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 1);
	assert_false(has_anom(&p, EV_IPV6_ZERO_LEN_PAYLOAD));

	/* Payload length 0 and No Next Header: nothing follows, fine. */
	pb.n = 0;
	(void)pb_ipv6(&pb, 59, A6_1, A6_2);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
}

static void
test_decode_ipv6_exthdr_truncated(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	/* The Destination Options header of the vector cut in half. */
	assert_int_equal(decode(fx, &p, DLT_RAW, raw_ipv6_ext_tcp, 52),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_TRUNCATED));
}

static void
test_decode_ipv6_atomic_fragment(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip, udp;

	/* RFC 6946: a Fragment header with offset 0 and M 0. */
	ip = pb_ipv6(&pb, 44, A6_1, A6_2);
	pb_u8(&pb, 17);
	pb_u8(&pb, 0);
	pb_be16(&pb, 0);
	pb_be32(&pb, 0xdeadbeef);
	udp = pb_udp(&pb, 53, 53);
	pb_udp_fix(&pb, udp);
	pb_ipv6_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_false(p.flags & PKT_FRAGMENT);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 53);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_decode_ipv6_dup_fragment_header(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip;

	ip = pb_ipv6(&pb, 44, A6_1, A6_2);
	pb_u8(&pb, 44);
	pb_u8(&pb, 0);
	pb_be16(&pb, 0);		/* atomic */
	pb_be32(&pb, 1);
	pb_u8(&pb, 17);
	pb_u8(&pb, 0);
	pb_be16(&pb, 0x0001);		/* offset 0, M */
	pb_be32(&pb, 1);
	pb_zero(&pb, 16);
	pb_ipv6_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_EXTHDR_DUPL_FH));
}

/* ------------------------------------------------------------------ */
/* Layer 4                                                             */

/* Ethernet / IPv4 / TCP 1111 -> 80 SYN with options. */
static enum decode_result
decode_tcp_opts(struct fx *fx, struct packet *p, const uint8_t *opts,
    size_t optlen)
{
	struct pb pb = { .n = 0 };
	size_t ip;

	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	ip = pb_ipv4(&pb, 6, A4_1, A4_2);
	pb_tcp_opts(&pb, 1111, 80, TH_SYN, opts, optlen);
	pb_ipv4_fix(&pb, ip);
	return decode(fx, p, DLT_EN10MB, pb.b, pb.n);
}

static void
test_decode_tcp_options_invalid_len(void **state)
{
	static const uint8_t len0[] = { 0x02, 0x00, 0x05, 0xb4 };
	static const uint8_t len1[] = { 0x01, 0x01, 0x08, 0x01 };
	static const uint8_t past[] = {
		0x02, 0x04, 0x05, 0xb4, 0x03, 0x09, 0x07, 0x00,
	};
	static const uint8_t mss3[] = {
		0x02, 0x03, 0x05, 0x03, 0x03, 0x07, 0x00, 0x00,
	};
	struct fx *fx = *state;
	struct packet p;

	/* MSS with length 0. */
	assert_int_equal(decode_tcp_opts(fx, &p, len0, sizeof(len0)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_TCP_OPT_INVALID_LEN));
	assert_int_equal(p.tcp_mss, 0);
	assert_int_equal(p.sport, 1111);
	/* Timestamps with length 1. */
	assert_int_equal(decode_tcp_opts(fx, &p, len1, sizeof(len1)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_TCP_OPT_INVALID_LEN));
	/* Window scale running past the header; MSS before it kept. */
	assert_int_equal(decode_tcp_opts(fx, &p, past, sizeof(past)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_TCP_OPT_INVALID_LEN));
	assert_int_equal(p.tcp_mss, 1460);
	assert_int_equal(p.tcp_wscale, 0xff);
	/* MSS of length 3 is ignored; the walk goes on to WS. */
	assert_int_equal(decode_tcp_opts(fx, &p, mss3, sizeof(mss3)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_TCP_OPT_INVALID_LEN));
	assert_int_equal(p.tcp_mss, 0);
	assert_int_equal(p.tcp_wscale, 7);
}

static void
test_decode_tcp_options_duplicate(void **state)
{
	/* MSS 1460, MSS 536, WS 2, WS 9, SACK-permitted twice, EOL. */
	static const uint8_t dup[] = {
		0x02, 0x04, 0x05, 0xb4, 0x02, 0x04, 0x02, 0x18,
		0x03, 0x03, 0x02, 0x03, 0x03, 0x09, 0x04, 0x02,
		0x04, 0x02, 0x00, 0x00,
	};
	/* WS 14 and SACK (one block). */
	static const uint8_t sack[] = {
		0x03, 0x03, 0x0e, 0x01, 0x05, 0x0a, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0x01, 0x01,
	};
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode_tcp_opts(fx, &p, dup, sizeof(dup)),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_TCP_OPT_DUPLICATE));
	assert_false(has_anom(&p, EV_TCP_OPT_INVALID_LEN));
	assert_int_equal(p.tcp_mss, 1460);
	assert_int_equal(p.tcp_wscale, 2);
	assert_true(p.tcp_sackok);
	assert_int_equal(decode_tcp_opts(fx, &p, sack, sizeof(sack)),
	    DECODE_OK);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(p.tcp_wscale, 14);
	assert_false(p.tcp_sackok);
}

static void
test_decode_tcp_hlen(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(eth_ipv4_tcp_syn)];

	/* Data offset 4, then data offset 15 with 40 bytes there. */
	memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
	b[46] = 0x40;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TCP_HLEN_TOO_SMALL));
	b[46] = 0xf0;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TCP_TRUNCATED));
	/* 19 bytes of TCP: the fields it has whole are kept. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn, 53),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TCP_PKT_TOO_SMALL));
	assert_int_equal(p.sport, 0xc738);
	assert_int_equal(p.tcp_flags, TH_SYN);
	assert_int_equal(p.tcp_win, 0xfaf0);
	/* 11 bytes: the ports and the sequence number, nothing after. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, eth_ipv4_tcp_syn, 45),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TCP_PKT_TOO_SMALL));
	assert_int_equal(p.sport, 0xc738);
	assert_int_equal(p.dport, 0x0a0f);
	assert_int_equal(p.tcp_seq, 0x01020304);
	assert_int_equal(p.tcp_ack, 0);
	assert_int_equal(p.tcp_flags, 0);
	assert_int_equal(p.tcp_win, 0);
}

static void
test_decode_udp_hlen_invalid(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t udp;

	/* Ethernet / IPv4 / UDP with a 4-byte payload (IP payload 12). */
	pb_eth_ipv4_udp(&pb, 4);
	udp = 34;

	/* UDP length 4 (< 8). */
	pb_put16(&pb, udp + 4, 4);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_true(has_anom(&p, EV_UDP_HLEN_INVALID));
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.sport, 1000);
	/* UDP length 100 (> IP payload): the IP payload bounds it. */
	pb_put16(&pb, udp + 4, 100);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_true(has_anom(&p, EV_UDP_HLEN_INVALID));
	assert_int_equal(p.payload_len, 4);
	/* UDP length 10 (< IP payload): the UDP length bounds it. */
	pb_put16(&pb, udp + 4, 10);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_false(has_anom(&p, EV_UDP_HLEN_INVALID));
	assert_int_equal(p.payload_len, 2);
	/* 7 bytes of UDP header. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, 41),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_UDP_PKT_TOO_SMALL));
	assert_int_equal(CTR(fx, EV_UDP_HLEN_INVALID), 2);
}

static void
test_decode_icmp(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip;

	/* ICMP destination unreachable, communication prohibited (3/13),
	 * quoting an IPv4 header. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	ip = pb_ipv4(&pb, 1, A4_1, A4_2);
	pb_u8(&pb, 3);
	pb_u8(&pb, 13);
	pb_zero(&pb, 6);
	(void)pb_ipv4(&pb, 6, A4_2, A4_1);
	pb_ipv4_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 13);
	assert_int_equal(p.sport, 3);
	assert_int_equal(p.dport, 13);
	assert_int_equal(p.payload_len, 20);
	/* The quoted packet is payload; addresses stay outer. */
	assert_memory_equal(p.src, A4_1, 4);
	/* 7 bytes of ICMP. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, 41),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ICMPV4_PKT_TOO_SMALL));
	/* ICMPv6 with 7 bytes. */
	assert_int_equal(decode(fx, &p, DLT_LOOP, loop_ipv6_icmpv6,
	    4 + 40 + 7), DECODE_INVALID);
	assert_true(has_anom(&p, EV_ICMPV6_PKT_TOO_SMALL));
}

static void
test_decode_sctp_ports(void **state)
{
	struct fx *fx = *state;
	struct packet p;

	assert_int_equal(decode(fx, &p, DLT_RAW, raw_ipv4_sctp,
	    sizeof(raw_ipv4_sctp)), DECODE_OK);
	assert_int_equal(p.proto, 132);
	assert_int_equal(p.sport, 2905);
	assert_int_equal(p.dport, 2905);
	assert_int_equal(p.l4_off, 20);
	assert_int_equal(p.payload_off, 32);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(CTR(fx, CTR_DEC_SCTP), 1);
	assert_int_equal(decode(fx, &p, DLT_RAW, raw_ipv4_sctp, 31),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_SCTP_PKT_TOO_SMALL));
}

static void
test_decode_other_proto(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t ip;

	/* OSPF (89): no ports, the payload is everything after IP. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	ip = pb_ipv4(&pb, 89, A4_1, A4_2);
	pb_bytes(&pb, "ospfhello", 9);
	pb_ipv4_fix(&pb, ip);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.proto, 89);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(p.payload_off, 34);
	assert_int_equal(p.payload_len, 9);
}

/* ------------------------------------------------------------------ */
/* Tunnels                                                             */

static void
test_decode_gre_ipv4(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o, i, u;

	/*
	 * Ethernet, VLAN 7, IPv4 192.168.7.3 -> .4 GRE, GRE with
	 * checksum and key, IPv4 10.0.0.1 -> 10.0.0.2 UDP 1000 -> 2000.
	 */
	pb_eth(&pb, MAC_A, MAC_B, 0x8100);
	pb_tag(&pb, 7, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0xa000);		/* C, K */
	pb_be16(&pb, 0x0800);
	pb_be32(&pb, 0);		/* checksum, offset */
	pb_be32(&pb, 0x12345678);	/* key */
	i = pb_ipv4(&pb, 17, A4_1, A4_2);
	u = pb_udp(&pb, 1000, 2000);
	pb_bytes(&pb, "abc", 3);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, i);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_true(p.flags & PKT_TUNNELED);
	assert_int_equal(p.tunnel_depth, 1);
	assert_memory_equal(p.src, A4_1, 4);
	assert_memory_equal(p.dst, A4_2, 4);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 1000);
	assert_int_equal(p.payload_len, 3);
	/* A layer-3 tunnel keeps the outer frame's MACs and VLAN. */
	assert_memory_equal(p.src_mac, MAC_B, 6);
	assert_int_equal(p.vlan_cnt, 1);
	assert_int_equal(p.vlan[0], 7);
	assert_int_equal(CTR(fx, CTR_DEC_GRE), 1);
	assert_int_equal(CTR(fx, CTR_DEC_IPV4), 2);

	/* GRE off: the packet is a GRE packet with no ports. */
	fx->cfg.gre = false;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.proto, 47);
	assert_memory_equal(p.src, A4_3, 4);
	assert_int_equal(p.sport, 0);
}

static void
test_decode_gre_malformed(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o;

	/* Version 2 GRE. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0x0002);
	pb_be16(&pb, 0x0800);
	pb_zero(&pb, 20);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_GRE_WRONG_VERSION));
	/* Routing present (RFC 1701). */
	pb_put16(&pb, 34, 0x4000);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_GRE_INVALID_FLAGS));
	/* Key and sequence flagged, 4 bytes left. */
	pb_put16(&pb, 34, 0x3000);
	pb_put16(&pb, 16, 20 + 8);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, 14 + 28),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_GRE_PKT_TOO_SMALL));
	/* PPTP (version 1) and unknown protocols stay GRE flows. */
	pb_put16(&pb, 16, (uint16_t)(pb.n - 14));
	pb_put16(&pb, 34, 0x2001);
	pb_put16(&pb, 36, 0x880b);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.proto, 47);
	assert_int_equal(p.tunnel_depth, 0);
	pb_put16(&pb, 34, 0x0000);
	pb_put16(&pb, 36, 0x8847);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.proto, 47);
	assert_int_equal(p.payload_off, 34);
}

/* Inner frame: MAC_D -> MAC_C, optional VLAN, IPv4 10.0.0.1 -> .2 TCP. */
static void
pb_inner_frame(struct pb *pb, uint16_t vid)
{
	size_t ip;

	if (vid != 0) {
		pb_eth(pb, MAC_C, MAC_D, 0x8100);
		pb_tag(pb, vid, 0x0800);
	} else {
		pb_eth(pb, MAC_C, MAC_D, 0x0800);
	}
	ip = pb_ipv4(pb, 6, A4_1, A4_2);
	pb_tcp(pb, 40000, 104, TH_ACK);	/* DICOM */
	pb_bytes(pb, "\x01\x00", 2);
	pb_ipv4_fix(pb, ip);
}

static void
check_inner_frame(const struct packet *p, uint16_t vid)
{
	assert_true(p->flags & PKT_TUNNELED);
	assert_true(p->flags & PKT_HAS_ETH);
	assert_memory_equal(p->dst_mac, MAC_C, 6);
	assert_memory_equal(p->src_mac, MAC_D, 6);
	if (vid != 0) {
		assert_int_equal(p->vlan_cnt, 1);
		assert_int_equal(p->vlan[0], vid);
	} else {
		assert_int_equal(p->vlan_cnt, 0);
	}
	assert_memory_equal(p->src, A4_1, 4);
	assert_memory_equal(p->dst, A4_2, 4);
	assert_int_equal(p->proto, 6);
	assert_int_equal(p->sport, 40000);
	assert_int_equal(p->dport, 104);
	assert_int_equal(p->payload_len, 2);
}

static void
test_decode_gre_teb(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o;

	/* Outer: Ethernet VLAN 7 / IPv4 / GRE 0x6558; inner frame VLAN 42. */
	pb_eth(&pb, MAC_A, MAC_B, 0x8100);
	pb_tag(&pb, 7, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0);
	pb_be16(&pb, 0x6558);
	pb_inner_frame(&pb, 42);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	check_inner_frame(&p, 42);
	assert_int_equal(p.tunnel_depth, 1);
}

static void
test_decode_erspan2(void **state)
{
	static const uint8_t in_src[4] = { 10, 0, 0, 1 };
	struct fx *fx = *state;
	struct packet p;
	uint8_t b[sizeof(erspan2_udp)];

	/* The inner frame is untagged: the ERSPAN VLAN (0x123) is used. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, erspan2_udp,
	    sizeof(erspan2_udp)), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_true(p.flags & PKT_TUNNELED);
	assert_int_equal(p.tunnel_depth, 1);
	assert_memory_equal(p.dst_mac, MAC_C, 6);
	assert_memory_equal(p.src_mac, MAC_D, 6);
	assert_int_equal(p.vlan_cnt, 1);
	assert_int_equal(p.vlan[0], 0x123);
	assert_memory_equal(p.src, in_src, 4);
	assert_int_equal(p.sport, 1000);
	assert_int_equal(p.dport, 2000);
	assert_int_equal(p.payload_len, 1);
	assert_int_equal(CTR(fx, CTR_DEC_ERSPAN), 1);

	/* ERSPAN VLAN 0: no VLAN at all. */
	memcpy(b, erspan2_udp, sizeof(b));
	b[42] = 0x10;
	b[43] = 0x00;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)), DECODE_OK);
	assert_int_equal(p.vlan_cnt, 0);

	/* Version 2 in a type II header. */
	b[42] = 0x20;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, b, sizeof(b)),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ERSPAN_UNSUPPORTED_VERSION));
	/* Header cut short. */
	assert_int_equal(decode(fx, &p, DLT_EN10MB, erspan2_udp, 14 + 28 + 7),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ERSPAN_TOO_SMALL));
}

static void
test_decode_erspan2_tagged_inner(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o;

	/* Inner frame tagged 55, ERSPAN VLAN 10: the frame's tag wins. */
	pb_eth(&pb, MAC_A, MAC_B, 0x8100);
	pb_tag(&pb, 999, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0x1000);
	pb_be16(&pb, 0x88be);
	pb_be32(&pb, 1);
	pb_be32(&pb, 0x100a0001);	/* ver 1, VLAN 10, session 1 */
	pb_be32(&pb, 0);
	pb_inner_frame(&pb, 55);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_inner_frame(&p, 55);
}

static void
test_decode_erspan1(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o;

	/* ERSPAN type I: GRE 0x88be without a sequence number. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0);
	pb_be16(&pb, 0x88be);
	pb_inner_frame(&pb, 0);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_inner_frame(&p, 0);
}

static void
test_decode_erspan3(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o, hdr;

	/*
	 * GRE S 0x22eb, ERSPAN III version 2 VLAN 100 session 1,
	 * timestamp, SGT 0 FT 0 O 1, 8-byte platform subheader, untagged
	 * inner frame.
	 */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0x1000);
	pb_be16(&pb, 0x22eb);
	pb_be32(&pb, 5);
	hdr = pb.n;
	pb_be32(&pb, 0x20640001);
	pb_be32(&pb, 0xcafef00d);
	pb_be32(&pb, 0x00000001);
	pb_be32(&pb, 0x11111111);
	pb_be32(&pb, 0x22222222);
	pb_inner_frame(&pb, 0);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	assert_memory_equal(p.dst_mac, MAC_C, 6);
	assert_int_equal(p.vlan_cnt, 1);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.sport, 40000);

	/* Wrong version. */
	pb.b[hdr] = 0x10;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ERSPAN_UNSUPPORTED_VERSION));
	/* O set but the platform subheader cut. */
	pb.b[hdr] = 0x20;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, hdr + 16),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_ERSPAN_TOO_SMALL));
}

static void
test_decode_vxlan(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o, u, vx;

	/*
	 * Ethernet / IPv4 192.168.7.3 -> .4 / UDP 54321 -> 4789 /
	 * VXLAN I flag VNI 100 / inner frame VLAN 30, TCP 40000 -> 104.
	 */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 17, A4_3, A4_4);
	u = pb_udp(&pb, 54321, 4789);
	vx = pb.n;
	pb_be32(&pb, 0x08000000);
	pb_be32(&pb, 0x00006400);
	pb_inner_frame(&pb, 30);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_bounds(&p, DECODE_OK);
	check_inner_frame(&p, 30);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(CTR(fx, CTR_DEC_VXLAN), 1);

	/* No I flag: an anomaly, and the packet stays outer UDP. */
	pb.b[vx] = 0x00;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_true(has_anom(&p, EV_VXLAN_INVALID_FLAGS));
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.dport, 4789);
	assert_memory_equal(p.src, A4_3, 4);
	pb.b[vx] = 0x08;

	/* 7 bytes of VXLAN: the same. */
	pb_put16(&pb, u + 4, 8 + 7);
	pb_put16(&pb, o + 2, 20 + 8 + 7);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, vx + 7), DECODE_OK);
	assert_true(has_anom(&p, EV_VXLAN_TOO_SMALL));
	assert_int_equal(p.dport, 4789);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, o);

	/* Another port configured: 4789 is plain UDP. */
	fx->cfg.vxlan_ports[0] = 8472;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.dport, 4789);
	/* VXLAN off. */
	fx->cfg.vxlan_ports[0] = 4789;
	fx->cfg.vxlan = false;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
}

static void
test_decode_vxlan_inner_arp(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o, u;

	/* VXLAN carrying ARP: not IP, and no outer IP fields linger. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 17, A4_3, A4_4);
	u = pb_udp(&pb, 54321, 4789);
	pb_be32(&pb, 0x08000000);
	pb_be32(&pb, 0x00006400);
	pb_bytes(&pb, eth_arp, 42);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_NOT_IP);
	assert_true(p.flags & PKT_ARP);
	assert_int_equal(p.ipver, 0);
	assert_int_equal(p.sport, 0);
	assert_memory_equal(p.src_mac, MAC_A, 6);
}

static void
test_decode_ipip(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o, i, u;

	/* IPv4-in-IPv4. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 4, A4_3, A4_4);
	i = pb_ipv4(&pb, 17, A4_1, A4_2);
	u = pb_udp(&pb, 1, 2);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, i);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 1);
	assert_memory_equal(p.src, A4_1, 4);
	assert_int_equal(p.l3_off, 34);
	assert_int_equal(p.sport, 1);
	assert_int_equal(CTR(fx, CTR_DEC_IPV4_IN_IPV4), 1);

	/* IPv6-in-IPv4 (6in4). */
	pb.n = 0;
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(&pb, 41, A4_3, A4_4);
	i = pb_ipv6(&pb, 17, A6_1, A6_2);
	u = pb_udp(&pb, 3, 4);
	pb_udp_fix(&pb, u);
	pb_ipv6_fix(&pb, i);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.ipver, 6);
	assert_memory_equal(p.src, A6_1, 16);
	assert_int_equal(p.sport, 3);
	assert_int_equal(CTR(fx, CTR_DEC_IPV6_IN_IPV4), 1);

	/* IPv4-in-IPv6 (4in6): the v6 address bytes do not linger. */
	pb.n = 0;
	o = pb_ipv6(&pb, 4, A6_1, A6_2);
	i = pb_ipv4(&pb, 6, A4_1, A4_2);
	pb_tcp(&pb, 5, 6, TH_SYN);
	pb_ipv4_fix(&pb, i);
	pb_ipv6_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.ipver, 4);
	assert_memory_equal(p.src, A4_1, 4);
	assert_int_equal(p.src[4], 0);
	assert_int_equal(p.dst[15], 0);
	assert_int_equal(p.sport, 5);
	assert_int_equal(CTR(fx, CTR_DEC_IPV4_IN_IPV6), 1);

	/* IPv6-in-IPv6. */
	pb.n = 0;
	o = pb_ipv6(&pb, 41, A6_2, A6_1);
	i = pb_ipv6(&pb, 58, A6_1, A6_2);
	pb_u8(&pb, 128);
	pb_zero(&pb, 7);
	pb_ipv6_fix(&pb, i);
	pb_ipv6_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_memory_equal(p.src, A6_1, 16);
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(CTR(fx, CTR_DEC_IPV6_IN_IPV6), 1);

	/* 4in6 with an IPv6 header inside: wrong version. */
	pb.n = 0;
	o = pb_ipv6(&pb, 4, A6_1, A6_2);
	(void)pb_ipv6(&pb, 59, A6_1, A6_2);
	pb_ipv6_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_WRONG_VERSION));

	/* IP-in-IP off: protocol 4 is just a protocol. */
	fx->cfg.ipip = false;
	reconfigure(fx);
	pb.n = 0;
	o = pb_ipv4(&pb, 4, A4_3, A4_4);
	i = pb_ipv4(&pb, 17, A4_1, A4_2);
	pb_ipv4_fix(&pb, i);
	pb_ipv4_fix(&pb, o);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.proto, 4);
	assert_int_equal(p.tunnel_depth, 0);
}

/* 'depth' IPv4-in-IPv4 headers around an IPv4 UDP packet. */
static void
build_ipip_nest(struct pb *pb, unsigned int depth)
{
	size_t at[64];
	unsigned int i;
	size_t u;

	assert_true(depth < 64);
	for (i = 0; i < depth; i++)
		at[i] = pb_ipv4(pb, 4, A4_3, A4_4);
	at[depth] = pb_ipv4(pb, 17, A4_1, A4_2);
	u = pb_udp(pb, 1, 2);
	pb_udp_fix(pb, u);
	for (i = depth + 1; i-- > 0;)
		pb_ipv4_fix(pb, at[i]);
}

static void
test_decode_tunnel_too_deep(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };

	/* Four levels is the default maximum... */
	build_ipip_nest(&pb, 4);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 4);
	assert_memory_equal(p.src, A4_1, 4);
	/* ... five is too deep. */
	pb.n = 0;
	build_ipip_nest(&pb, 5);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TUNNEL_TOO_DEEP));
	assert_int_equal(p.tunnel_depth, 4);
	/* Nesting x 40 stops the same way, long before max_layers. */
	pb.n = 0;
	build_ipip_nest(&pb, 40);
	assert_int_equal(decode(fx, &p, DLT_RAW, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TUNNEL_TOO_DEEP));
	assert_false(has_anom(&p, EV_LAYERS_TOO_MANY));
	assert_int_equal(CTR(fx, EV_TUNNEL_TOO_DEEP), 2);
}

static void
test_decode_tunnel_mixed_nesting(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	struct pb pb = { .n = 0 };
	size_t o1, o2, u;

	/* VXLAN inside GRE-TEB: two levels, inner frame wins. */
	pb_eth(&pb, MAC_A, MAC_B, 0x0800);
	o1 = pb_ipv4(&pb, 47, A4_3, A4_4);
	pb_be16(&pb, 0);
	pb_be16(&pb, 0x6558);
	pb_eth(&pb, MAC_B, MAC_A, 0x0800);
	o2 = pb_ipv4(&pb, 17, A4_4, A4_3);
	u = pb_udp(&pb, 999, 4789);
	pb_be32(&pb, 0x08000000);
	pb_be32(&pb, 0x00000100);
	pb_inner_frame(&pb, 0);
	pb_udp_fix(&pb, u);
	pb_ipv4_fix(&pb, o2);
	pb_ipv4_fix(&pb, o1);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n), DECODE_OK);
	check_inner_frame(&p, 0);
	assert_int_equal(p.tunnel_depth, 2);

	/* With a maximum depth of 1 the VXLAN level is too deep. */
	fx->cfg.max_tunnel_depth = 1;
	reconfigure(fx);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb.b, pb.n),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_TUNNEL_TOO_DEEP));
}

/* ------------------------------------------------------------------ */
/* Every truncation                                                    */

static void
check_truncations(struct fx *fx, const uint8_t *b, size_t n, int dlt,
    bool snapped)
{
	struct packet p;
	enum decode_result r;
	size_t len;

	for (len = 0; len < n; len++) {
		r = decode_snap(fx, &p, dlt, b, len, snapped ? n : len);
		assert_true(r == DECODE_OK || r == DECODE_INVALID ||
		    r == DECODE_NOT_IP);
		check_bounds(&p, r);
		if (len == 0) {
			assert_int_equal(r, DECODE_INVALID);
			assert_true(has_anom(&p, EV_PCAP_ZERO_LEN));
		}
		if (r == DECODE_INVALID)
			assert_true(p.anom_cnt > 0);
		if (r == DECODE_OK) {
			/* Something was cut: the IP datagram. */
			assert_true(p.flags & PKT_TRUNCATED);
			if (snapped)
				assert_int_equal(p.anom_cnt, 0);
			else
				assert_true(has_anom(&p,
				    p.ipver == 4 ? EV_IPV4_TRUNC_PKT :
				    EV_IPV6_TRUNC_PKT));
		}
	}
	/* And the whole packet is fine. */
	r = decode_snap(fx, &p, dlt, b, n, n);
	assert_true(r == DECODE_OK || r == DECODE_NOT_IP);
	assert_false(p.flags & PKT_TRUNCATED);
	assert_int_equal(p.anom_cnt, 0);
}

static void
test_decode_every_truncation(void **state)
{
	struct fx *fx = *state;
	struct pb *pb = calloc(1, sizeof(*pb));
	size_t i, o, u;

	assert_non_null(pb);
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		check_truncations(fx, vectors[i].b, vectors[i].len,
		    vectors[i].dlt, true);
		check_truncations(fx, vectors[i].b, vectors[i].len,
		    vectors[i].dlt, false);
	}

	/* Built ones: VXLAN, GRE-TEB, ERSPAN III, 4in6, IPv6 chain. */
	pb_eth(pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(pb, 17, A4_3, A4_4);
	u = pb_udp(pb, 54321, 4789);
	pb_be32(pb, 0x08000000);
	pb_be32(pb, 0x00006400);
	pb_inner_frame(pb, 30);
	pb_udp_fix(pb, u);
	pb_ipv4_fix(pb, o);
	check_truncations(fx, pb->b, pb->n, DLT_EN10MB, true);

	pb->n = 0;
	pb_eth(pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(pb, 47, A4_3, A4_4);
	pb_be16(pb, 0xb000);
	pb_be16(pb, 0x6558);
	pb_zero(pb, 12);
	pb_inner_frame(pb, 42);
	pb_ipv4_fix(pb, o);
	check_truncations(fx, pb->b, pb->n, DLT_EN10MB, true);

	pb->n = 0;
	pb_eth(pb, MAC_A, MAC_B, 0x0800);
	o = pb_ipv4(pb, 47, A4_3, A4_4);
	pb_be16(pb, 0x1000);
	pb_be16(pb, 0x22eb);
	pb_be32(pb, 5);
	pb_be32(pb, 0x20640001);
	pb_be32(pb, 0);
	pb_be32(pb, 0x00000001);
	pb_zero(pb, 8);
	pb_inner_frame(pb, 0);
	pb_ipv4_fix(pb, o);
	check_truncations(fx, pb->b, pb->n, DLT_EN10MB, false);

	pb->n = 0;
	o = pb_ipv6(pb, 4, A6_1, A6_2);
	u = pb_ipv4(pb, 6, A4_1, A4_2);
	pb_tcp(pb, 5, 6, TH_SYN);
	pb_ipv4_fix(pb, u);
	pb_ipv6_fix(pb, o);
	check_truncations(fx, pb->b, pb->n, DLT_RAW, true);

	pb->n = 0;
	build_ipv6_chain(pb, 5, 60);
	check_truncations(fx, pb->b, pb->n, DLT_IPV6, false);
	free(pb);
}


/* ------------------------------------------------------------------ */
/* Checksums                                                           */

/* RFC 1071 the slow way: 16-bit big-endian words, as a reference. */
static uint32_t
ref_sum(uint32_t sum, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n % 2)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t
ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Set the IPv4 header checksum of the header at 'ip'. */
static void
fix_ipv4_csum(struct pb *pb, size_t ip)
{
	size_t hl = (size_t)(pb->b[ip] & 0x0f) * 4;

	pb_put16(pb, ip + 10, 0);
	pb_put16(pb, ip + 10, (uint16_t)~ref_fold(ref_sum(0, pb->b + ip, hl)));
}

/* Set the TCP (coff 16) or UDP (coff 6) checksum of the segment at l4. */
static void
fix_l4_csum(struct pb *pb, size_t ip, size_t l4, uint8_t proto, size_t coff)
{
	uint8_t ph[40];
	size_t len = pb->n - l4;
	uint32_t sum;
	uint16_t c;

	memset(ph, 0, sizeof(ph));
	pb_put16(pb, l4 + coff, 0);
	if ((pb->b[ip] >> 4) == 4) {
		memcpy(ph, pb->b + ip + 12, 8);
		ph[9] = proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		sum = ref_sum(0, ph, 12);
	} else {
		memcpy(ph, pb->b + ip + 8, 32);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[39] = proto;
		sum = ref_sum(0, ph, 40);
	}
	c = (uint16_t)~ref_fold(ref_sum(sum, pb->b + l4, len));
	if (proto == 17 && c == 0)
		c = 0xffff;		/* RFC 768: 0 means none */
	pb_put16(pb, l4 + coff, c);
}

/* Ethernet / IPv4 or IPv6 / TCP with n payload bytes, checksums right. */
static void
pb_csum_tcp(struct pb *pb, int ipver, size_t n)
{
	size_t ip, l4;

	pb->n = 0;
	pb_eth(pb, MAC_A, MAC_B, ipver == 4 ? 0x0800 : 0x86dd);
	ip = ipver == 4 ? pb_ipv4(pb, 6, A4_1, A4_2) :
	    pb_ipv6(pb, 6, A6_1, A6_2);
	l4 = pb->n;
	pb_tcp(pb, 40000, 2575, TH_ACK | TH_PSH);
	while (n-- > 0)
		pb_u8(pb, (uint8_t)(n * 7 + 1));
	if (ipver == 4) {
		pb_ipv4_fix(pb, ip);
		fix_ipv4_csum(pb, ip);
	} else
		pb_ipv6_fix(pb, ip);
	fix_l4_csum(pb, ip, l4, 6, 16);
}

static void
pb_csum_udp(struct pb *pb, int ipver, size_t n, bool zero)
{
	size_t ip, l4;

	pb->n = 0;
	pb_eth(pb, MAC_A, MAC_B, ipver == 4 ? 0x0800 : 0x86dd);
	ip = ipver == 4 ? pb_ipv4(pb, 17, A4_1, A4_2) :
	    pb_ipv6(pb, 17, A6_1, A6_2);
	l4 = pb_udp(pb, 1000, 2000);
	while (n-- > 0)
		pb_u8(pb, (uint8_t)(n * 13 + 5));
	pb_udp_fix(pb, l4);
	if (ipver == 4) {
		pb_ipv4_fix(pb, ip);
		fix_ipv4_csum(pb, ip);
	} else
		pb_ipv6_fix(pb, ip);
	if (!zero)
		fix_l4_csum(pb, ip, l4, 17, 6);
}

static void
use_csum(struct fx *fx, enum decode_csum_mode m)
{
	fx->cfg.checksum = m;
	reconfigure(fx);
}

/* csum_add at every length and alignment, and in even-offset parts. */
static void
test_decode_csum_sum(void **state)
{
	uint8_t buf[300];
	size_t i, len, off, cut;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 151 + 3 + (i >> 3));
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= 260; len++)
			assert_int_equal(csum_fold(csum_add(0, buf + off, len)),
			    ref_fold(ref_sum(0, buf + off, len)));
	for (cut = 0; cut <= 200; cut += 2)
		assert_int_equal(csum_fold(csum_add(csum_add(0, buf, cut),
		    buf + cut, 201 - cut)), ref_fold(ref_sum(0, buf, 201)));
	/* All ones: the carries must wrap around. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(csum_fold(csum_add(0, buf, 299)),
	    ref_fold(ref_sum(0, buf, 299)));
	/*
	 * Long buffers: the 64-byte blocks chain their carries (x86-64),
	 * then the 8-byte words and the tail finish.  All ones, a word of
	 * ones then a 1 (a carry out of every other add), and mixed bytes,
	 * at every alignment and length to 1600, then a jumbo's and the
	 * largest IP datagram's.
	 */
	{
		static uint8_t big[65535 + 8];
		size_t k;

		for (k = 0; k < 3; k++) {
			for (i = 0; i < sizeof(big); i++)
				big[i] = k == 0 ? 0xff : k == 1 ?
				    ((i & 8) ? 0x01 : 0xff) :
				    (uint8_t)(i * 151 + 3 + (i >> 3));
			for (off = 0; off < 8; off++)
				for (len = 60; len <= 1600; len += (len < 200 ?
				    1 : 61))
					assert_int_equal(csum_fold(csum_add(0,
					    big + off, len)),
					    ref_fold(ref_sum(0, big + off,
					    len)));
			for (off = 0; off < 2; off++) {
				assert_int_equal(csum_fold(csum_add(0,
				    big + off, 9000)),
				    ref_fold(ref_sum(0, big + off, 9000)));
				assert_int_equal(csum_fold(csum_add(0,
				    big + off, 65535)),
				    ref_fold(ref_sum(0, big + off, 65535)));
			}
		}
	}
	/*
	 * csum_valid() says what a fold to 0xffff says: at 0, at the
	 * multiples of 0xffff and their neighbours, up the 64 bits, and
	 * at sums of every buffer above.
	 */
	{
		static const uint64_t edge[] = { 0, 1, 0xfffe, 0xffff,
		    0x10000, 0x1fffe, 0xffff0000u, 0xffffffffu,
		    UINT64_C(0xfffeffff0001), UINT64_C(0xffffffffffff),
		    UINT64_C(0xfffffffffffe), UINT64_MAX, UINT64_MAX - 1 };
		uint64_t x, m;

		for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
			for (m = 0; m < 3; m++) {
				x = edge[i] + m - 1;
				assert_int_equal(csum_valid(x),
				    csum_fold(x) == 0xffff);
			}
		for (x = 1, i = 0; i < 200000; i++) {
			x = x * UINT64_C(6364136223846793005) + 1442695;
			m = x >> (i % 40);
			assert_int_equal(csum_valid(m), csum_fold(m) == 0xffff);
			m = (m / 0xffff) * 0xffff;
			assert_int_equal(csum_valid(m), csum_fold(m) == 0xffff);
		}
		for (off = 0; off < 8; off++)
			for (len = 0; len + off <= 260; len++) {
				x = csum_add(0, buf + off, len);
				assert_int_equal(csum_valid(x),
				    csum_fold(x) == 0xffff);
			}
	}
	/* A header's words (4 to 64 bytes), alone and before the rest,
	 * at every alignment; all ones, then mixed bytes. */
	for (i = 0; i < 2; i++) {
		if (i == 1)
			for (len = 0; len < sizeof(buf); len++)
				buf[len] = (uint8_t)(len * 151 + 3 + (len >> 3));
		for (off = 0; off < 8; off++)
			for (len = 0; len <= 64; len += 4) {
				assert_int_equal(csum_fold(csum_add_words(0,
				    buf + off, len)),
				    ref_fold(ref_sum(0, buf + off, len)));
				assert_int_equal(csum_fold(csum_add(
				    csum_add_words(0, buf + off, len),
				    buf + off + len, 101)),
				    ref_fold(ref_sum(0, buf + off, len + 101)));
			}
	}
}

static void
test_decode_csum_good_and_bad(void **state)
{
	struct fx *fx = *state;
	struct pb *pb = calloc(1, sizeof(*pb));
	struct packet p;
	size_t n;
	int v;

	assert_non_null(pb);
	use_csum(fx, DECODE_CSUM_YES);
	for (v = 4; v <= 6; v += 2) {
		for (n = 0; n < 40; n += 13) {
			pb_csum_tcp(pb, v, n);
			assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b,
			    pb->n), DECODE_OK);
			assert_false(p.flags & PKT_BAD_CSUM);
			assert_int_equal(p.anom_cnt, 0);
			pb_csum_udp(pb, v, n, false);
			assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b,
			    pb->n), DECODE_OK);
			assert_false(p.flags & PKT_BAD_CSUM);
			assert_int_equal(p.anom_cnt, 0);
		}
		/* One payload bit flipped. */
		pb_csum_tcp(pb, v, 20);
		pb->b[pb->n - 3] ^= 0x10;
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_true(p.flags & PKT_BAD_CSUM);
		assert_true(has_anom(&p, EV_TCP_INVALID_CSUM));
		assert_int_equal(p.payload_len, 20);
		pb_csum_udp(pb, v, 20, false);
		pb->b[pb->n - 1] ^= 0x01;
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_true(p.flags & PKT_BAD_CSUM);
		assert_true(has_anom(&p, EV_UDP_INVALID_CSUM));
	}
	assert_int_equal(CTR(fx, EV_TCP_INVALID_CSUM), 2);
	assert_int_equal(CTR(fx, EV_UDP_INVALID_CSUM), 2);

	/* The IPv4 header checksum (the TTL changed, not the sum). */
	pb_csum_tcp(pb, 4, 10);
	pb->b[ETH_HLEN_T + 8]--;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n), DECODE_OK);
	assert_true(p.flags & PKT_BAD_CSUM);
	assert_true(has_anom(&p, EV_IPV4_INVALID_CSUM));
	assert_false(has_anom(&p, EV_TCP_INVALID_CSUM));
	assert_int_equal(CTR(fx, EV_IPV4_INVALID_CSUM), 1);

	/* Zero UDP checksum: none over IPv4, invalid over IPv6. */
	pb_csum_udp(pb, 4, 12, true);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n), DECODE_OK);
	assert_false(p.flags & PKT_BAD_CSUM);
	pb_csum_udp(pb, 6, 12, true);
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n), DECODE_OK);
	assert_true(p.flags & PKT_BAD_CSUM);
	assert_true(has_anom(&p, EV_UDP_INVALID_CSUM));

	/* Cut by the snaplen: cannot be checked, so it is not judged. */
	pb_csum_tcp(pb, 4, 200);
	pb->b[pb->n - 1] ^= 0xff;
	assert_int_equal(decode_snap(fx, &p, DLT_EN10MB, pb->b, pb->n - 50,
	    pb->n), DECODE_OK);
	assert_false(p.flags & PKT_BAD_CSUM);

	/* Longer than an Ethernet MTU: captured before the sender's card
	 * segmented it (TSO), which fills in the checksum; not judged. */
	{
		pb_csum_tcp(pb, 4, 1500);
		pb->b[pb->n - 3] ^= 0x10;
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_false(p.flags & PKT_BAD_CSUM);
		pb_csum_tcp(pb, 4, 1400);
		pb->b[pb->n - 3] ^= 0x10;
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_true(p.flags & PKT_BAD_CSUM);
	}

	/* checksum-checks: no. */
	use_csum(fx, DECODE_CSUM_NO);
	pb_csum_tcp(pb, 4, 20);
	pb->b[pb->n - 3] ^= 0x10;
	assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n), DECODE_OK);
	assert_false(p.flags & PKT_BAD_CSUM);
	assert_int_equal(p.anom_cnt, 0);
	free(pb);
}

/*
 * auto: validate while sampling; more than a tenth of the first 1000
 * checked packets bad means offload, said once, then nothing is judged.
 */
static void
test_decode_csum_auto(void **state)
{
	struct fx *fx = *state;
	struct pb *pb = calloc(1, sizeof(*pb));
	struct packet p;
	unsigned i;

	assert_non_null(pb);
	assert_int_equal(fx->cfg.checksum, DECODE_CSUM_NO);
	use_csum(fx, DECODE_CSUM_AUTO);
	assert_true(decoder_checksums_on(fx->dec));
	/* A capture whose every checksum is zero (offloaded). */
	pb_csum_tcp(pb, 4, 30);
	pb_put16(pb, ETH_HLEN_T + 20 + 16, 0);
	/* Most of the first few bad: decided at once. */
	for (i = 0; i < DECODE_CSUM_EARLY; i++) {
		assert_true(decoder_checksums_on(fx->dec));
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_true(p.flags & PKT_BAD_CSUM);
	}
	assert_false(decoder_checksums_on(fx->dec));
	assert_int_equal(CTR(fx, CTR_DEC_CSUM_OFFLOADED), 1);
	assert_int_equal(CTR(fx, EV_TCP_INVALID_CSUM), DECODE_CSUM_EARLY);
	for (i = 0; i < 50; i++) {
		assert_int_equal(decode(fx, &p, DLT_EN10MB, pb->b, pb->n),
		    DECODE_OK);
		assert_false(p.flags & PKT_BAD_CSUM);
	}
	assert_int_equal(CTR(fx, EV_TCP_INVALID_CSUM), DECODE_CSUM_EARLY);

	/* One bad in ten (a host-local capture): decided at 101 bad. */
	memset(fx->ctr, 0, sizeof(*fx->ctr));
	use_csum(fx, DECODE_CSUM_AUTO);
	for (i = 0; decoder_checksums_on(fx->dec); i++) {
		assert_true(i < DECODE_CSUM_SAMPLE);
		pb_csum_tcp(pb, 4, 30);
		if (i % 9 == 8)
			pb_put16(pb, ETH_HLEN_T + 20 + 16, 0);
		(void)decode(fx, &p, DLT_EN10MB, pb->b, pb->n);
	}
	assert_int_equal(CTR(fx, EV_TCP_INVALID_CSUM), DECODE_CSUM_MAX_BAD + 1);
	assert_int_equal(CTR(fx, CTR_DEC_CSUM_OFFLOADED), 1);

	/* Real checksums: sampling ends with validation on for good. */
	memset(fx->ctr, 0, sizeof(*fx->ctr));
	use_csum(fx, DECODE_CSUM_AUTO);
	/* Packets without a checksum to check do not count. */
	for (i = 0; i < 2000; i++) {
		pb_csum_udp(pb, 4, 10, true);
		(void)decode(fx, &p, DLT_EN10MB, pb->b, pb->n);
	}
	for (i = 0; i < DECODE_CSUM_SAMPLE - DECODE_CSUM_MAX_BAD; i++) {
		pb_csum_udp(pb, 6, 10, false);
		(void)decode(fx, &p, DLT_EN10MB, pb->b, pb->n);
		assert_false(p.flags & PKT_BAD_CSUM);
	}
	assert_true(decoder_checksums_on(fx->dec));
	for (i = 0; i < 3 * DECODE_CSUM_MAX_BAD; i++) {
		pb_csum_tcp(pb, 4, 30);
		pb_put16(pb, ETH_HLEN_T + 20 + 16, 0);
		(void)decode(fx, &p, DLT_EN10MB, pb->b, pb->n);
		assert_true(p.flags & PKT_BAD_CSUM);
	}
	assert_true(decoder_checksums_on(fx->dec));
	assert_int_equal(CTR(fx, CTR_DEC_CSUM_OFFLOADED), 0);

	/* yes: never switched off. */
	use_csum(fx, DECODE_CSUM_YES);
	for (i = 0; i < DECODE_CSUM_SAMPLE; i++) {
		pb_csum_tcp(pb, 4, 30);
		pb_put16(pb, ETH_HLEN_T + 20 + 16, 0);
		(void)decode(fx, &p, DLT_EN10MB, pb->b, pb->n);
		assert_true(p.flags & PKT_BAD_CSUM);
	}
	assert_true(decoder_checksums_on(fx->dec));
	free(pb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_decode_config_defaults),
		T(test_decode_csum_sum),
		T(test_decode_csum_good_and_bad),
		T(test_decode_csum_auto),
		T(test_decode_datalink_supported),
		T(test_decode_eth_ipv4_tcp_syn),
		T(test_decode_sll_ipv4_udp),
		T(test_decode_sll2_ipv6_udp),
		T(test_decode_null_ipv4_icmp),
		T(test_decode_loop_ipv6_icmpv6),
		T(test_decode_null_unknown_family),
		T(test_decode_raw_and_ipv4_ipv6_dlts),
		T(test_decode_unsupported_dlt),
		T(test_decode_sll_netlink_and_llc),
		T(test_decode_eth_too_small),
		T(test_decode_arp),
		T(test_decode_unknown_ethertype),
		T(test_decode_8023_llc),
		T(test_decode_vlan_single),
		T(test_decode_vlan_qinq),
		T(test_decode_vlan_9100_triple),
		T(test_decode_vlan_100_tags),
		T(test_decode_vlan_too_small),
		T(test_decode_too_many_layers),
		T(test_decode_ipv4_options_valid),
		T(test_decode_ipv4_option_len0),
		T(test_decode_ipv4_option_len1),
		T(test_decode_ipv4_option_past_header),
		T(test_decode_ipv4_option_malformed),
		T(test_decode_ipv4_ihl_too_small),
		T(test_decode_ipv4_ihl_past_capture),
		T(test_decode_ipv4_totlen_lt_ihl),
		T(test_decode_ipv4_wrong_version),
		T(test_decode_eth_padding_trimmed),
		T(test_decode_ipv4_truncated_by_snaplen),
		T(test_decode_caplen_zero),
		T(test_decode_caplen_gt_len),
		T(test_decode_ipv6_exthdr_chain),
		T(test_decode_ipv6_exthdr_chain_1000),
		T(test_decode_ipv6_hbh_not_first),
		T(test_decode_ipv6_hbh_option_boundary),
		T(test_decode_ipv6_zero_len_payload),
		T(test_decode_ipv6_exthdr_truncated),
		T(test_decode_ipv6_atomic_fragment),
		T(test_decode_ipv6_dup_fragment_header),
		T(test_decode_tcp_options_invalid_len),
		T(test_decode_tcp_options_duplicate),
		T(test_decode_tcp_hlen),
		T(test_decode_udp_hlen_invalid),
		T(test_decode_icmp),
		T(test_decode_sctp_ports),
		T(test_decode_other_proto),
		T(test_decode_gre_ipv4),
		T(test_decode_gre_malformed),
		T(test_decode_gre_teb),
		T(test_decode_erspan2),
		T(test_decode_erspan2_tagged_inner),
		T(test_decode_erspan1),
		T(test_decode_erspan3),
		T(test_decode_vxlan),
		T(test_decode_vxlan_inner_arp),
		T(test_decode_ipip),
		T(test_decode_tunnel_too_deep),
		T(test_decode_tunnel_mixed_nesting),
		T(test_decode_every_truncation),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
