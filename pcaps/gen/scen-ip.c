/*
 * scen-ip.c - UDP, ICMP, IPv6, VLAN and fragmentation scenarios, and
 * the UDP and DNS helpers the other scenario files share.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define IP_CLI		IP4(10, 20, 0, 11)
#define IP_SRV		IP4(10, 20, 0, 50)
#define IP_DNS		IP4(10, 20, 0, 2)
#define IP_GW		IP4(10, 20, 0, 1)
#define IP_SYSLOG	IP4(10, 20, 0, 3)
#define IP_DEVICE	IP4(10, 20, 0, 60)
#define IP_NET6		0x00200000	/* 2001:db8:20::/64 */
#define FRAG_DGRAM	3000		/* UDP payload of each datagram */
#define FRAG4_CHUNK	1480		/* 1500 - 20, a multiple of 8 */
#define FRAG6_CHUNK	1448		/* 1500 - 40 - 8, a multiple of 8 */
#define DNS_PORT	53
#define DNS_TTL		300
#define ICMP_ECHO_REPLY	0
#define ICMP_UNREACH	3
#define ICMP_UNREACH_PORT 3
#define ICMP_ECHO	8
#define ICMP6_ECHO	128
#define ICMP6_ECHO_REPLY 129
#define PING_ID		0x2b1f
#define PING_LEN	56

static const struct pkt_link eth_plain = { .type = PKT_LINK_ETH };

static void
host_init(struct host *h, uint32_t nic, uint32_t ip4, uint32_t host6)
{
	pkt_mac(h->mac, 0x020000, nic);
	h->ip4 = ip4;
	pkt_ip6(h->ip6, IP_NET6, host6);
}

/* Link layer and IP header from src to dst; the caller adds layer 4. */
void
scen_l3(struct gen *g, struct pkt *p, const struct pkt_link *l,
    const struct host *src, const struct host *dst, int v6, uint8_t proto)
{
	pkt_reset(p);
	pkt_l2(p, l, dst->mac, src->mac, v6, 1);
	if (v6)
		(void)pkt_ipv6(p, src->ip6, dst->ip6, proto);
	else
		(void)pkt_ipv4(p, src->ip4, dst->ip4, proto,
		    (uint16_t)gen_rand(g));
}

void
scen_udp(struct gen *g, const struct pkt_link *l, const struct host *src,
    uint16_t sport, const struct host *dst, uint16_t dport, int v6,
    const uint8_t *data, size_t n)
{
	struct pkt *p = &g->pkt;

	scen_l3(g, p, l, src, dst, v6, IPPROTO_UDP_);
	(void)pkt_udp(p, sport, dport);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	gen_emit(g, p);
}

/*
 * A DNS message (RFC 1035 4.1): a standard query for the A record of
 * name, or with answer4 set, the response carrying that address.
 */
size_t
scen_dns(uint8_t *buf, size_t cap, uint16_t id, const char *name,
    const uint8_t *answer4)
{
	size_t n = 12, qlen = strlen(name) + 2, lab;
	const char *s, *dot;

	if (cap < 12 + qlen + 4 + 16)
		return 0;
	memset(buf, 0, 12);
	pkt_set16(buf, id);
	pkt_set16(buf + 2, answer4 != NULL ? 0x8180 : 0x0100);
	pkt_set16(buf + 4, 1);
	pkt_set16(buf + 6, answer4 != NULL ? 1 : 0);
	for (s = name; *s != '\0'; s = *dot != '\0' ? dot + 1 : dot) {
		if ((dot = strchr(s, '.')) == NULL)
			dot = s + strlen(s);
		lab = (size_t)(dot - s);
		buf[n++] = (uint8_t)lab;
		memcpy(buf + n, s, lab);
		n += lab;
	}
	buf[n++] = 0;
	pkt_set16(buf + n, 1);			/* QTYPE A */
	pkt_set16(buf + n + 2, 1);		/* QCLASS IN */
	n += 4;
	if (answer4 == NULL)
		return n;
	pkt_set16(buf + n, 0xc00c);		/* pointer to the QNAME */
	pkt_set16(buf + n + 2, 1);
	pkt_set16(buf + n + 4, 1);
	pkt_set32(buf + n + 6, DNS_TTL);
	pkt_set16(buf + n + 10, 4);
	memcpy(buf + n + 12, answer4, 4);
	return n + 16;
}

int
scen_udp_basic(struct gen *g)
{
	static const char *names[] = { "intranet.hospital.example",
	    "pacs.hospital.example", "ntp.hospital.example",
	    "updates.vendor.example" };
	static const char *logs[] = {
	    "<134>Nov  2 08:00:01 pump-12 infusiond[311]: channel A started, "
	    "rate 25.0 mL/h",
	    "<132>Nov  2 08:00:02 pump-12 infusiond[311]: channel A occlusion "
	    "pressure high",
	    "<134>Nov  2 08:00:03 pump-12 infusiond[311]: channel A resumed",
	    "<30>Nov  2 08:00:04 pump-12 netd[88]: link up 100Mb/s full" };
	struct host cli, dns, dev, log;
	uint8_t buf[512], addr[4] = { 10, 20, 0, 0 };
	size_t i, n;

	host_init(&cli, 0x11, IP_CLI, 0x11);
	host_init(&dns, 0x02, IP_DNS, 0x02);
	host_init(&dev, 0x60, IP_DEVICE, 0x60);
	host_init(&log, 0x03, IP_SYSLOG, 0x03);
	for (i = 0; i < 4; i++) {
		uint16_t id = (uint16_t)gen_rand(g);
		uint16_t port = (uint16_t)(40000 + 1000 * i + 17);

		addr[3] = (uint8_t)(40 + i);
		n = scen_dns(buf, sizeof(buf), id, names[i], NULL);
		scen_udp(g, &eth_plain, &cli, port, &dns, DNS_PORT, 0, buf, n);
		gen_wait(g, 700 * GEN_US + i * 113);
		n = scen_dns(buf, sizeof(buf), id, names[i], addr);
		scen_udp(g, &eth_plain, &dns, DNS_PORT, &cli, port, 0, buf, n);
		gen_wait(g, 250 * GEN_MS);
	}
	for (i = 0; i < 4; i++) {
		scen_udp(g, &eth_plain, &dev, 514, &log, 514, 0,
		    (const uint8_t *)logs[i], strlen(logs[i]));
		gen_wait(g, GEN_NS + i * 7919);
	}
	return 0;
}

/*
 * dns-pointer-loop: queries whose name's compression pointers loop
 * (RFC 1035 4.1.4), as sent to hang or crash a resolver's name
 * decoder, each with the usual A IN after the name as written:
 *   UDP  12: c0 0c                 (the name points at itself)
 *   UDP  12: 01 'a' c0 14 ... 20: 01 'b' c0 0c   (two names, each
 *        pointing at the other)
 *   TCP  the first message again after its two-octet length.
 * Nobody answers; the TCP client closes.
 */
int
scen_dns_pointer_loop(struct gen *g)
{
	static const uint8_t self[] = {
		0x51, 0x0f, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	static const uint8_t cycle[] = {
		0x51, 0x10, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x01, 'a', 0xc0, 0x14, 0x00, 0x01, 0x00, 0x01,
		0x01, 'b', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	struct host cli, dns;
	struct conv c;
	uint8_t buf[2 + sizeof(self)];

	host_init(&cli, 0x11, IP_CLI, 0x11);
	host_init(&dns, 0x02, IP_DNS, 0x02);
	scen_udp(g, &eth_plain, &cli, 41017, &dns, DNS_PORT, 0, self,
	    sizeof(self));
	gen_wait(g, 250 * GEN_MS);
	scen_udp(g, &eth_plain, &cli, 41018, &dns, DNS_PORT, 0, cycle,
	    sizeof(cycle));
	gen_wait(g, 250 * GEN_MS);
	scen_conv(&c, g, &eth_plain, &cli, 41019, &dns, DNS_PORT);
	conv_open(&c);
	pkt_set16(buf, sizeof(self));
	memcpy(buf + 2, self, sizeof(self));
	conv_data(&c, 0, buf, sizeof(buf));
	gen_wait(g, GEN_NS);
	conv_close(&c, 0);
	return 0;
}

/* Echo data as Linux ping sends it: 8 bytes of time, then 0x10.. */
static void
ping_data(struct pkt *p, uint64_t now)
{
	uint8_t *d = pkt_put(p, PING_LEN);
	size_t i;

	pkt_set32(d, (uint32_t)(now / GEN_NS));
	pkt_set32(d + 4, (uint32_t)(now % GEN_NS / GEN_US));
	for (i = 8; i < PING_LEN; i++)
		d[i] = (uint8_t)(0x10 + i - 8);
}

static void
ping(struct gen *g, const struct host *a, const struct host *b, int v6,
    uint16_t seq)
{
	struct pkt *p = &g->pkt;
	uint64_t sent = g->now;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		scen_l3(g, p, &eth_plain, dir ? b : a, dir ? a : b, v6,
		    v6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_);
		if (v6)
			(void)pkt_icmp6(p, dir ? ICMP6_ECHO_REPLY : ICMP6_ECHO,
			    0, (uint32_t)PING_ID << 16 | seq);
		else
			(void)pkt_icmp4(p, dir ? ICMP_ECHO_REPLY : ICMP_ECHO,
			    0, (uint32_t)PING_ID << 16 | seq);
		ping_data(p, sent);
		pkt_finish(p);
		gen_emit(g, p);
		gen_wait(g, 312 * GEN_US + seq * 17);
	}
	gen_wait(g, GEN_NS);
}

int
scen_icmp_echo(struct gen *g)
{
	struct host cli, gw, srv;
	struct pkt *p = &g->pkt;
	uint8_t quote[128], probe[32];
	size_t qlen;
	uint16_t s;

	host_init(&cli, 0x11, IP_CLI, 0x11);
	host_init(&gw, 0x01, IP_GW, 0x01);
	host_init(&srv, 0x50, IP_SRV, 0x50);
	for (s = 1; s <= 3; s++)
		ping(g, &cli, &gw, 0, s);
	for (s = 1; s <= 2; s++)
		ping(g, &cli, &gw, 1, s);

	/* A UDP probe to a closed port, and the port unreachable. */
	memcpy(probe, "wardwatch udp probe to port 9999", sizeof(probe));
	scen_udp(g, &eth_plain, &cli, 50000, &srv, 9999, 0, probe,
	    sizeof(probe));
	/* RFC 1812 4.3.2.3: quote as much of the datagram as fits. */
	qlen = p->len - 14;
	memcpy(quote, p->buf + 14, qlen);
	gen_wait(g, 180 * GEN_US);
	scen_l3(g, p, &eth_plain, &srv, &cli, 0, IPPROTO_ICMP_);
	(void)pkt_icmp4(p, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
	pkt_bytes(p, quote, qlen);
	pkt_finish(p);
	gen_emit(g, p);
	return 0;
}

int
scen_ipv6_tcp(struct gen *g)
{
	static const struct pkt_link eth = { .type = PKT_LINK_ETH };
	struct conv c;
	uint8_t cli[16], srv[16];

	pkt_ip6(cli, IP_NET6, 0x11);
	pkt_ip6(srv, IP_NET6, 0x50);
	conv_init(&c, g, &eth);
	conv_v6(&c, cli, 49160, srv, 8080);
	c.mss = 1440;
	c.cli_exthdr = 1;
	scen_small_conv(&c, "GET /v6 HTTP/1.1\r\nHost: [2001:db8:20::50]:8080"
	    "\r\n\r\n", 4000);
	return 0;
}

/*
 * The same 5-tuple twice: once on VLAN 20, once QinQ with S-tag 100
 * (802.1ad, TPID 0x88a8) over C-tag 20.  A VLAN-aware flow table keeps
 * them apart.
 */
int
scen_vlan_qinq(struct gen *g)
{
	static const struct pkt_link links[2] = {
		{ .type = PKT_LINK_ETH, .nvlan = 1, .tpid = { ETYPE_VLAN },
		    .vlan = { 20 } },
		{ .type = PKT_LINK_ETH, .nvlan = 2,
		    .tpid = { ETYPE_QINQ, ETYPE_VLAN }, .vlan = { 100, 20 } },
	};
	struct host cli, srv;
	uint8_t buf[200];
	size_t l, i;

	host_init(&cli, 0x11, IP_CLI, 0x11);
	host_init(&srv, 0x50, IP_SRV, 0x50);
	for (l = 0; l < 2; l++) {
		for (i = 0; i < 3; i++) {
			scen_fill(buf, 64 + 16 * i, (uint32_t)(l * 10 + i));
			scen_udp(g, &links[l], &cli, 5000, &srv, 5001, 0, buf,
			    64 + 16 * i);
			gen_wait(g, 150 * GEN_US);
			scen_fill(buf, 100, (uint32_t)(l * 10 + i + 5));
			scen_udp(g, &links[l], &srv, 5001, &cli, 5000, 0, buf,
			    100);
			gen_wait(g, 100 * GEN_MS);
		}
	}
	return 0;
}

/*
 * Fragment k of an unfragmented IPv4 datagram (RFC 791 3.2): the
 * header again, offset in 8-byte units, MF on all but the last.
 */
static size_t
frag4_count(size_t iplen)
{
	return (iplen - 20 + FRAG4_CHUNK - 1) / FRAG4_CHUNK;
}

static void
frag4_emit(struct gen *g, const struct host *src, const struct host *dst,
    const uint8_t *ip, size_t iplen, size_t k)
{
	struct pkt *p = &g->pkt;
	size_t off = k * FRAG4_CHUNK, n = iplen - 20 - off;
	uint8_t *h;

	if (n > FRAG4_CHUNK)
		n = FRAG4_CHUNK;
	pkt_reset(p);
	pkt_l2(p, &eth_plain, dst->mac, src->mac, 0, 1);
	h = pkt_put(p, 20);
	memcpy(h, ip, 20);
	pkt_bytes(p, ip + 20 + off, n);
	pkt_set16(h + 2, (uint32_t)(20 + n));
	pkt_set16(h + 6, (uint32_t)(off / 8 |
	    (off + n < iplen - 20 ? 0x2000 : 0)));
	pkt_set16(h + 10, pkt_ipv4_csum(h));
	gen_emit(g, p);
	gen_wait(g, 40 * GEN_US);
}

/*
 * Fragment k of an IPv6 datagram (RFC 8200 4.5): the unfragmentable
 * part is the fixed header alone, then a fragment header.
 */
static size_t
frag6_count(size_t iplen)
{
	return (iplen - 40 + FRAG6_CHUNK - 1) / FRAG6_CHUNK;
}

static void
frag6_emit(struct gen *g, const struct host *src, const struct host *dst,
    const uint8_t *ip, size_t iplen, size_t k, uint32_t id)
{
	struct pkt *p = &g->pkt;
	size_t off = k * FRAG6_CHUNK, n = iplen - 40 - off;
	uint8_t *h;

	if (n > FRAG6_CHUNK)
		n = FRAG6_CHUNK;
	pkt_reset(p);
	pkt_l2(p, &eth_plain, dst->mac, src->mac, 1, 1);
	h = pkt_put(p, 40);
	memcpy(h, ip, 40);
	h[6] = IPPROTO_FRAG_;
	pkt_set16(h + 4, (uint32_t)(8 + n));
	pkt_u8(p, ip[6]);
	pkt_u8(p, 0);
	pkt_be16(p, (uint32_t)(off | (off + n < iplen - 40 ? 1 : 0)));
	pkt_be32(p, id);
	pkt_bytes(p, ip + 40 + off, n);
	gen_emit(g, p);
	gen_wait(g, 40 * GEN_US);
}

/* Build datagram d (UDP, FRAG_DGRAM bytes of payload) into dg. */
static size_t
frag_dgram(struct pkt *dg, const struct host *src, const struct host *dst,
    int v6, size_t d)
{
	uint8_t data[FRAG_DGRAM];

	pkt_reset(dg);
	if (v6)
		(void)pkt_ipv6(dg, src->ip6, dst->ip6, IPPROTO_UDP_);
	else
		(void)pkt_ipv4(dg, src->ip4, dst->ip4, IPPROTO_UDP_,
		    (uint16_t)(0x4a00 + d));
	(void)pkt_udp(dg, (uint16_t)(33000 + d), 17000);
	scen_fill(data, sizeof(data) - 8 * d, (uint32_t)(100 * d));
	pkt_bytes(dg, data, sizeof(data) - 8 * d);
	pkt_finish(dg);
	return dg->len;
}

static void
frag_emit(struct gen *g, int v6, const struct host *src,
    const struct host *dst, const struct pkt *dg, size_t d, size_t k)
{
	if (v6)
		frag6_emit(g, src, dst, dg->buf, dg->len, k,
		    0x6a000000u + (uint32_t)d);
	else
		frag4_emit(g, src, dst, dg->buf, dg->len, k);
}

/*
 * Datagram 0 in order, 1 reversed, 2 and 3 interleaved fragment by
 * fragment.  The datagrams are held in their own buffers so the
 * scratch packet can carry the fragments.
 */
static int
frag_run(struct gen *g, int v6)
{
	struct pkt *dg;
	struct host cli, srv;
	size_t d, k, cnt[4];

	if ((dg = calloc(4, sizeof(*dg))) == NULL)
		return -1;
	host_init(&cli, 0x11, IP_CLI, 0x11);
	host_init(&srv, 0x50, IP_SRV, 0x50);
	for (d = 0; d < 4; d++) {
		(void)frag_dgram(&dg[d], &cli, &srv, v6, d);
		cnt[d] = v6 ? frag6_count(dg[d].len) : frag4_count(dg[d].len);
	}
	for (k = 0; k < cnt[0]; k++)
		frag_emit(g, v6, &cli, &srv, &dg[0], 0, k);
	gen_wait(g, 50 * GEN_MS);
	for (k = cnt[1]; k-- > 0;)
		frag_emit(g, v6, &cli, &srv, &dg[1], 1, k);
	gen_wait(g, 50 * GEN_MS);
	for (k = 0; k < cnt[2] || k < cnt[3]; k++) {
		if (k < cnt[2])
			frag_emit(g, v6, &cli, &srv, &dg[2], 2, k);
		if (k < cnt[3])
			frag_emit(g, v6, &cli, &srv, &dg[3], 3, k);
	}
	free(dg);
	return 0;
}

int
scen_frag_ipv4(struct gen *g)
{
	return frag_run(g, 0);
}

int
scen_frag_ipv6(struct gen *g)
{
	return frag_run(g, 1);
}
