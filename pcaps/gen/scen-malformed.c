/*
 * scen-malformed.c - one hostile packet per decoder anomaly, in the
 * order of the table in pcaps/README.md.
 *
 * Each case breaks exactly one rule and keeps everything else valid
 * (checksums included, where the broken field allows), so a decoder
 * that reports a different anomaly is wrong about this case and not
 * confused by a neighbouring one.  Each uses its own client port,
 * 50001 + the case number, so flows stay apart.
 */
#include <config.h>

#include <string.h>

#include "gen.h"

#define MAL_CLI		IP4(10, 20, 0, 11)
#define MAL_SRV		IP4(10, 20, 0, 50)
#define MAL_NET6	0x00200000
#define MAL_PORT	50000
#define MAL_DPORT	9000
#define MAL_DEEP_VLAN	100
#define MAL_DEEP_IPV6	100
#define MAL_DEEP_GRE	10
#define IPOPT_RR	7	/* record route (RFC 791) */
#define TCPOPT_MSS	2

struct mal {
	struct gen	*g;
	struct pkt	*p;
	uint8_t		 cmac[6], smac[6];
	uint16_t	 port;		/* this case's client port */
};

struct mal_case {
	const char	*anomaly;	/* what the decoder should count */
	void		(*build)(struct mal *);
};

static void
eth4(struct mal *m)
{
	pkt_reset(m->p);
	pkt_eth(m->p, m->smac, m->cmac, ETYPE_IPV4);
}

static uint8_t *
ip4(struct mal *m, uint8_t proto)
{
	return pkt_ipv4(m->p, MAL_CLI, MAL_SRV, proto,
	    (uint16_t)(0x3000 + m->port));
}

static void
udp_payload(struct mal *m)
{
	(void)pkt_udp(m->p, m->port, MAL_DPORT);
	pkt_str(m->p, "wardwatch malformed case");
}

/* A SYN with MSS, window scale and SACK-permitted, as conv sends. */
static uint8_t *
tcp_syn(struct mal *m, const uint8_t *opts, size_t optlen)
{
	return pkt_tcp(m->p, m->port, 80, 0x1000000u * m->port, 0, TCP_SYN,
	    64240, opts, optlen);
}

static void
emit(struct mal *m)
{
	gen_emit(m->g, m->p);
}

/* 1: shorter than an Ethernet header. */
static void
eth_too_small(struct mal *m)
{
	eth4(m);
	m->p->len = 10;
	emit(m);
}

/* 2: IHL 4, i.e. a 16-byte IPv4 header. */
static void
ipv4_ihl4(struct mal *m)
{
	uint8_t *ip;

	eth4(m);
	ip = ip4(m, IPPROTO_UDP_);
	udp_payload(m);
	pkt_finish(m->p);
	ip[0] = 0x44;
	pkt_set16(ip + 10, 0);
	pkt_set16(ip + 10, pkt_ipv4_csum(ip));
	emit(m);
}

/* 3: total length 10, less than the 20-byte header. */
static void
ipv4_iplen_small(struct mal *m)
{
	uint8_t *ip;

	eth4(m);
	ip = ip4(m, IPPROTO_UDP_);
	udp_payload(m);
	pkt_finish(m->p);
	pkt_set16(ip + 2, 10);
	pkt_set16(ip + 10, 0);
	pkt_set16(ip + 10, pkt_ipv4_csum(ip));
	emit(m);
}

/* 4 and 5: a record-route option claiming 0 or 1 bytes (RFC 791). */
static void
ipv4_opt_len(struct mal *m, uint8_t len)
{
	uint8_t opts[4] = { IPOPT_RR, len, 0, 0 };
	uint8_t *ip;

	eth4(m);
	ip = ip4(m, IPPROTO_UDP_);
	pkt_ipv4_opts(m->p, ip, opts, sizeof(opts));
	udp_payload(m);
	pkt_finish(m->p);
	emit(m);
}

static void
ipv4_opt_len0(struct mal *m)
{
	ipv4_opt_len(m, 0);
}

static void
ipv4_opt_len1(struct mal *m)
{
	ipv4_opt_len(m, 1);
}

/* 6: 100 destination-options headers in a row, then UDP. */
static void
ipv6_exthdr_chain(struct mal *m)
{
	uint8_t src[16], dst[16];
	size_t i;

	pkt_ip6(src, MAL_NET6, 0x11);
	pkt_ip6(dst, MAL_NET6, 0x50);
	pkt_reset(m->p);
	pkt_eth(m->p, m->smac, m->cmac, ETYPE_IPV6);
	(void)pkt_ipv6(m->p, src, dst, IPPROTO_DSTOPTS_);
	for (i = 0; i < MAL_DEEP_IPV6; i++)
		pkt_ipv6_opthdr(m->p, i + 1 < MAL_DEEP_IPV6 ?
		    IPPROTO_DSTOPTS_ : IPPROTO_UDP_, 1);
	udp_payload(m);
	pkt_finish(m->p);
	emit(m);
}

/* 7: 100 stacked 802.1Q tags (VLAN 1..100) before IPv4. */
static void
vlan_stack(struct mal *m)
{
	size_t i;

	pkt_reset(m->p);
	pkt_eth(m->p, m->smac, m->cmac, ETYPE_VLAN);
	for (i = 1; i <= MAL_DEEP_VLAN; i++)
		pkt_vlan(m->p, (uint16_t)i,
		    i < MAL_DEEP_VLAN ? ETYPE_VLAN : ETYPE_IPV4);
	(void)ip4(m, IPPROTO_UDP_);
	udp_payload(m);
	pkt_finish(m->p);
	emit(m);
}

/* 8: TCP data offset 4, i.e. a 16-byte header. */
static void
tcp_hlen_small(struct mal *m)
{
	uint8_t *t;

	eth4(m);
	(void)ip4(m, IPPROTO_TCP_);
	t = tcp_syn(m, NULL, 0);
	t[12] = 0x40;
	pkt_finish(m->p);
	emit(m);
}

/* 9: an MSS option whose length byte says 1. */
static void
tcp_opt_len1(struct mal *m)
{
	static const uint8_t opts[4] = { TCPOPT_MSS, 1, 0x05, 0xb4 };

	eth4(m);
	(void)ip4(m, IPPROTO_TCP_);
	(void)tcp_syn(m, opts, sizeof(opts));
	pkt_finish(m->p);
	emit(m);
}

/*
 * 10 and 11: a UDP length field that lies.  The checksum is zero
 * ("none", RFC 768) since no length makes it right.
 */
static void
udp_len(struct mal *m, uint16_t len)
{
	uint8_t *u;

	eth4(m);
	(void)ip4(m, IPPROTO_UDP_);
	u = pkt_udp(m->p, m->port, MAL_DPORT);
	pkt_str(m->p, "wardwatch malformed case");
	pkt_finish(m->p);
	pkt_set16(u + 4, len);
	pkt_set16(u + 6, 0);
	emit(m);
}

static void
udp_len4(struct mal *m)
{
	udp_len(m, 4);
}

static void
udp_len_long(struct mal *m)
{
	udp_len(m, 200);
}

/* 12: the snap length cuts the TCP header after 10 bytes. */
static void
tcp_caplen_cut(struct mal *m)
{
	eth4(m);
	(void)ip4(m, IPPROTO_TCP_);
	(void)tcp_syn(m, NULL, 0);
	pkt_finish(m->p);
	gen_emit_cap(m->g, m->p, 14 + 20 + 10);
}

/* 13: a record with caplen 0 of a 60-byte packet. */
static void
pcap_zero_len(struct mal *m)
{
	(void)pcapw_write(&m->g->w, m->g->now, m->p->buf, 0, 60);
}

/* 14: caplen 60 > len 54 (a pure ACK plus 6 bytes of nothing). */
static void
pcap_caplen_gt_len(struct mal *m)
{
	eth4(m);
	(void)ip4(m, IPPROTO_TCP_);
	(void)pkt_tcp(m->p, m->port, 80, 1, 1, TCP_ACK, 64240, NULL, 0);
	pkt_finish(m->p);
	pkt_pad(m->p, PKT_ETH_MIN);
	(void)pcapw_write(&m->g->w, m->g->now, m->p->buf, 60, 54);
}

/* 15: valid: a 54-byte ACK padded to 60; IP total length says 40. */
static void
eth_padded(struct mal *m)
{
	eth4(m);
	(void)ip4(m, IPPROTO_TCP_);
	(void)pkt_tcp(m->p, m->port, 80, 1, 1, TCP_ACK, 64240, NULL, 0);
	pkt_finish(m->p);
	pkt_pad(m->p, PKT_ETH_MIN);
	emit(m);
}

/* 16: IPv4 in GRE in IPv4 ... ten GRE layers deep, then UDP. */
static void
gre_too_deep(struct mal *m)
{
	uint32_t k;

	eth4(m);
	for (k = 0; k < MAL_DEEP_GRE; k++) {
		(void)pkt_ipv4(m->p, IP4(172, 16, k, 1), IP4(172, 16, k, 2),
		    IPPROTO_GRE_, (uint16_t)(0x4700 + k));
		pkt_gre(m->p, 0, ETYPE_IPV4, 0);
	}
	(void)ip4(m, IPPROTO_UDP_);
	udp_payload(m);
	pkt_finish(m->p);
	emit(m);
}

/* 17: a valid packet stamped one second before the previous one. */
static void
time_backwards(struct mal *m)
{
	eth4(m);
	(void)ip4(m, IPPROTO_UDP_);
	udp_payload(m);
	pkt_finish(m->p);
	m->g->now -= GEN_NS;
	emit(m);
	m->g->now += GEN_NS;
}

static const struct mal_case mal_cases[] = {
	{ "decode.eth.too_small", eth_too_small },
	{ "decode.ipv4.hlen_too_small", ipv4_ihl4 },
	{ "decode.ipv4.iplen_smaller_than_hlen", ipv4_iplen_small },
	{ "decode.ipv4.opt_invalid_len", ipv4_opt_len0 },
	{ "decode.ipv4.opt_invalid_len", ipv4_opt_len1 },
	{ "decode.ipv6.exthdr_too_many", ipv6_exthdr_chain },
	{ "decode.vlan.too_many_layers", vlan_stack },
	{ "decode.tcp.hlen_too_small", tcp_hlen_small },
	{ "decode.tcp.opt_invalid_len", tcp_opt_len1 },
	{ "decode.udp.hlen_invalid", udp_len4 },
	{ "decode.udp.hlen_invalid", udp_len_long },
	{ "decode.tcp.pkt_too_small", tcp_caplen_cut },
	{ "decode.pcap.zero_len", pcap_zero_len },
	{ "decode.pcap.caplen_gt_len", pcap_caplen_gt_len },
	{ NULL, eth_padded },
	{ "decode.tunnel.too_deep", gre_too_deep },
	{ "decode.time.backwards", time_backwards },
};

int
scen_malformed(struct gen *g)
{
	struct mal m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.g = g;
	m.p = &g->pkt;
	pkt_mac(m.cmac, 0x020000, 0x11);
	pkt_mac(m.smac, 0x020000, 0x50);
	for (i = 0; i < sizeof(mal_cases) / sizeof(mal_cases[0]); i++) {
		m.port = (uint16_t)(MAL_PORT + 1 + i);
		memset(g->pkt.buf, 0, PKT_ETH_MIN);
		mal_cases[i].build(&m);
		gen_wait(g, GEN_MS);
	}
	return 0;
}
