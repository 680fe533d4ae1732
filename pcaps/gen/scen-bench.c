/*
 * scen-bench.c - the benchmark capture: many concurrent flows of mixed
 * kinds and sizes, interleaved in time, generated fast.
 *
 * A pool of BENCH_ACTIVE flows is kept full; each step picks one at
 * random and emits its next packet, so flows overlap as on a busy
 * link.  TCP payload sizes are log-normal and their mean is adjusted
 * as flows start, so that the capture ends near --size-mb after
 * exactly --flows flows.
 *
 * Speed comes from the payload: every payload is a slice of one
 * pattern whose 16-bit ones-complement prefix sums are precomputed,
 * so a segment's checksum costs two lookups, not a pass over 1460
 * bytes.  Only headers are summed per packet.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define BENCH_SIZE_MB	300
#define BENCH_FLOWS	50000
#define BENCH_ACTIVE	1000	/* concurrent flows */
#define BENCH_PAT	65536	/* payload pattern, bytes */
#define BENCH_MSS	1460
#define BENCH_MIN_TCP	100	/* response bytes, log-normal range */
#define BENCH_MAX_TCP	500000
#define BENCH_SIGMA	2.0
#define BENCH_TCP_OVH	1000	/* handshake, request, close, framing */
#define BENCH_SEG_OVH	1.072	/* (1530 + 35) / 1460: headers, ACKs */

enum bench_kind { BK_TCP, BK_DNS, BK_SYSLOG, BK_NTP, BK_ICMP };

/* TCP states run in this order; bench_tcp_step() steps with ++. */
enum bench_state {
	BS_UDP, BS_SYN, BS_SYNACK, BS_ACK, BS_REQ, BS_REQ_ACK, BS_DATA,
	BS_DATA_ACK, BS_FIN1, BS_FIN2, BS_FIN3, BS_DONE
};

struct bflow {
	uint8_t		 kind;
	uint8_t		 state;
	uint8_t		 v6;
	uint8_t		 link;		/* index into bench_links */
	uint8_t		 unacked;
	uint8_t		 dir;		/* next UDP/ICMP packet direction */
	uint16_t	 port[2];
	uint16_t	 left;		/* UDP/ICMP packets still to send */
	uint16_t	 id;
	uint32_t	 ip[2];
	uint32_t	 seq[2];
	uint32_t	 req;		/* request bytes */
	uint32_t	 resp;		/* response bytes still to send */
};

struct bench {
	struct gen	*g;
	uint8_t		*pat;
	uint64_t	*psum;		/* psum[i]: sum of words 0..i-1 */
	struct bflow	*pool;
	size_t		 active;
	uint64_t	 flows, started;
	uint64_t	 target, committed;	/* bytes */
};

static const struct pkt_link bench_links[] = {
	{ .type = PKT_LINK_ETH },
	{ .type = PKT_LINK_ETH, .nvlan = 1, .tpid = { ETYPE_VLAN },
	    .vlan = { 10 } },
	{ .type = PKT_LINK_ETH, .nvlan = 1, .tpid = { ETYPE_VLAN },
	    .vlan = { 20 } },
	{ .type = PKT_LINK_ETH, .nvlan = 1, .tpid = { ETYPE_VLAN },
	    .vlan = { 30 } },
	{ .type = PKT_LINK_ETH, .nvlan = 2,
	    .tpid = { ETYPE_QINQ, ETYPE_VLAN }, .vlan = { 100, 40 } },
};

static const uint16_t bench_ports[] = { 443, 80, 8080, 2575, 104, 22,
    3306, 8443 };

static int
bench_init(struct bench *b, struct gen *g)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->g = g;
	b->flows = g->flows != 0 ? g->flows : BENCH_FLOWS;
	b->target = (g->size_mb != 0 ? g->size_mb : BENCH_SIZE_MB) << 20;
	b->pat = malloc(BENCH_PAT);
	b->psum = calloc(BENCH_PAT / 2 + 1, sizeof(*b->psum));
	b->pool = calloc(BENCH_ACTIVE, sizeof(*b->pool));
	if (b->pat == NULL || b->psum == NULL || b->pool == NULL)
		return -1;
	scen_fill(b->pat, BENCH_PAT, 0);
	for (i = 0; i < BENCH_PAT / 2; i++)
		b->psum[i + 1] = b->psum[i] +
		    ((uint32_t)b->pat[2 * i] << 8 | b->pat[2 * i + 1]);
	return 0;
}

static void
bench_free(struct bench *b)
{
	free(b->pat);
	free(b->psum);
	free(b->pool);
}

/* Append n pattern bytes from an even offset, with their known sum. */
static void
bench_payload(struct bench *b, struct pkt *p, size_t n)
{
	size_t off = 2 * (size_t)gen_range(b->g, 0, (BENCH_PAT - n) / 2);
	uint64_t sum = b->psum[(off + n) / 2] - b->psum[off / 2];

	if (n % 2)
		sum += (uint32_t)b->pat[off + n - 1] << 8;
	pkt_payload_summed(p, b->pat + off, n, sum);
}

/* A standard normal deviate (Box-Muller). */
static double
bench_normal(struct gen *g)
{
	double u1 = ((double)(gen_rand(g) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(gen_rand(g) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/*
 * Response size for a new TCP flow: log-normal around the mean that
 * spends the remaining byte budget over the remaining flows.
 */
static uint32_t
bench_tcp_size(struct bench *b)
{
	double left = (double)b->target - (double)b->committed;
	/* bench_new() has counted this flow as started already. */
	double per = left / (double)(b->flows - b->started + 1);
	double mean = (per - 0.32 * 300.0) / 0.68 / BENCH_SEG_OVH -
	    BENCH_TCP_OVH;
	double cap = BENCH_MAX_TCP, s;

	if (mean < BENCH_MIN_TCP)
		mean = BENCH_MIN_TCP;
	if (cap < 8 * mean)
		cap = 8 * mean;
	s = mean * exp(BENCH_SIGMA * bench_normal(b->g) -
	    BENCH_SIGMA * BENCH_SIGMA / 2);
	if (s < BENCH_MIN_TCP)
		s = BENCH_MIN_TCP;
	if (s > cap)
		s = cap;
	return (uint32_t)s;
}

/* Clients in four /16s, servers in two; ports unique per flow. */
static void
bench_new(struct bench *b, struct bflow *f)
{
	static const uint32_t cnets[4] = { IP4(10, 1, 0, 0),
	    IP4(10, 20, 0, 0), IP4(10, 30, 0, 0), IP4(10, 40, 0, 0) };
	struct gen *g = b->g;
	uint64_t r = gen_range(g, 0, 99), id = b->started++;
	uint32_t h = (uint32_t)gen_range(g, 1, 4000);

	memset(f, 0, sizeof(*f));
	f->ip[0] = cnets[gen_rand(g) % 4] | (h / 250) << 8 | (h % 250 + 1);
	f->ip[1] = (gen_rand(g) % 2 ? IP4(10, 100, 0, 0) :
	    IP4(10, 200, 0, 0)) | (uint32_t)gen_range(g, 1, 200);
	f->port[0] = (uint16_t)(1024 + id * 7919 % 64000);
	f->v6 = gen_range(g, 0, 9) == 0;
	f->link = gen_range(g, 0, 9) < 3 ?
	    (uint8_t)gen_range(g, 1, sizeof(bench_links) /
	    sizeof(bench_links[0]) - 1) : 0;
	f->seq[0] = (uint32_t)gen_rand(g);
	f->seq[1] = (uint32_t)gen_rand(g);
	f->id = (uint16_t)gen_rand(g);
	f->state = BS_UDP;
	if (r < 68) {
		f->kind = BK_TCP;
		f->state = BS_SYN;
		f->port[1] = bench_ports[gen_rand(g) % 8];
		f->req = (uint32_t)gen_range(g, 60, 700);
		f->resp = bench_tcp_size(b);
		b->committed += (uint64_t)(f->resp * BENCH_SEG_OVH) +
		    BENCH_TCP_OVH;
	} else if (r < 80) {
		f->kind = BK_DNS;
		f->port[1] = 53;
		f->left = 2;
		b->committed += 220;
	} else if (r < 86) {
		f->kind = BK_SYSLOG;
		f->port[1] = 514;
		f->left = (uint16_t)gen_range(g, 1, 20);
		b->committed += 250u * f->left;
	} else if (r < 92) {
		f->kind = BK_NTP;
		f->port[0] = 123;
		f->port[1] = 123;
		f->left = 2;
		b->committed += 220;
	} else {
		f->kind = BK_ICMP;
		f->left = (uint16_t)(2 * gen_range(g, 1, 4));
		b->committed += 115u * f->left;
	}
}

static void
bench_l3(struct bench *b, struct pkt *p, const struct bflow *f, int dir,
    uint8_t proto)
{
	uint8_t mac[2][6], a6[2][16];
	int o = !dir;

	pkt_reset(p);
	pkt_mac(mac[0], 0x020000 | (f->ip[dir] >> 24), f->ip[dir]);
	pkt_mac(mac[1], 0x020000 | (f->ip[o] >> 24), f->ip[o]);
	pkt_l2(p, &bench_links[f->link], mac[1], mac[0], f->v6, 1);
	if (f->v6) {
		pkt_ip6(a6[0], f->ip[dir] >> 16, f->ip[dir] & 0xffff);
		pkt_ip6(a6[1], f->ip[o] >> 16, f->ip[o] & 0xffff);
		(void)pkt_ipv6(p, a6[0], a6[1], proto);
	} else {
		(void)pkt_ipv4(p, f->ip[dir], f->ip[o], proto,
		    (uint16_t)gen_rand(b->g));
	}
}

static void
bench_tcp(struct bench *b, struct pkt *p, struct bflow *f, int dir,
    uint8_t flags, size_t n)
{
	static const uint8_t synopts[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };

	bench_l3(b, p, f, dir, IPPROTO_TCP_);
	(void)pkt_tcp(p, f->port[dir], f->port[!dir], f->seq[dir],
	    (flags & TCP_ACK) ? f->seq[!dir] : 0, flags,
	    dir ? 65160 : 64240, synopts, (flags & TCP_SYN) ? 8 : 0);
	if (n > 0)
		bench_payload(b, p, n);
	f->seq[dir] += (uint32_t)n + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
}

/* Build the next packet of a TCP flow and advance its state. */
static void
bench_tcp_step(struct bench *b, struct pkt *p, struct bflow *f)
{
	size_t n;

	switch (f->state) {
	case BS_SYN:
		bench_tcp(b, p, f, 0, TCP_SYN, 0);
		break;
	case BS_SYNACK:
		bench_tcp(b, p, f, 1, TCP_SYN | TCP_ACK, 0);
		break;
	case BS_ACK:
		bench_tcp(b, p, f, 0, TCP_ACK, 0);
		break;
	case BS_REQ:
		bench_tcp(b, p, f, 0, TCP_ACK | TCP_PSH, f->req);
		break;
	case BS_REQ_ACK:
		bench_tcp(b, p, f, 1, TCP_ACK, 0);
		break;
	case BS_DATA:
		n = f->resp < BENCH_MSS ? f->resp : BENCH_MSS;
		f->resp -= (uint32_t)n;
		bench_tcp(b, p, f, 1, (uint8_t)(TCP_ACK |
		    (f->resp == 0 ? TCP_PSH : 0)), n);
		if (++f->unacked < 2 && f->resp > 0)
			return;			/* stay in BS_DATA */
		f->unacked = 0;
		break;
	case BS_DATA_ACK:
		bench_tcp(b, p, f, 0, TCP_ACK, 0);
		if (f->resp > 0) {
			f->state = BS_DATA;
			return;
		}
		break;
	case BS_FIN1:
		bench_tcp(b, p, f, 0, TCP_FIN | TCP_ACK, 0);
		break;
	case BS_FIN2:
		bench_tcp(b, p, f, 1, TCP_FIN | TCP_ACK, 0);
		break;
	case BS_FIN3:
		bench_tcp(b, p, f, 0, TCP_ACK, 0);
		break;
	}
	f->state++;
}

/* DNS, syslog, NTP and ICMP echo: a few datagrams, then done. */
static void
bench_dgram_step(struct bench *b, struct pkt *p, struct bflow *f)
{
	uint8_t buf[256];
	size_t n;
	int dir = f->dir;

	if (f->kind == BK_ICMP) {
		bench_l3(b, p, f, dir, f->v6 ? IPPROTO_ICMPV6_ :
		    IPPROTO_ICMP_);
		if (f->v6)
			(void)pkt_icmp6(p, dir ? 129 : 128, 0,
			    (uint32_t)f->id << 16 | f->left);
		else
			(void)pkt_icmp4(p, dir ? 0 : 8, 0,
			    (uint32_t)f->id << 16 | f->left);
		bench_payload(b, p, 56);
	} else {
		bench_l3(b, p, f, dir, IPPROTO_UDP_);
		(void)pkt_udp(p, f->port[dir], f->port[!dir]);
		if (f->kind == BK_DNS) {
			(void)snprintf((char *)buf, 64, "h%u.svc.example",
			    (unsigned)(f->ip[1] & 0xffff));
			n = scen_dns(buf + 64, sizeof(buf) - 64, f->id,
			    (char *)buf, dir ? (const uint8_t *)"\x0a\x64"
			    "\x00\x07" : NULL);
			pkt_bytes(p, buf + 64, n);
		} else if (f->kind == BK_NTP) {
			memset(buf, 0, 48);
			buf[0] = dir ? 0x24 : 0x23;
			pkt_bytes(p, buf, 48);
		} else {
			pkt_str(p, "<134>Nov  2 08:00:00 dev syslogd: ");
			bench_payload(b, p, (size_t)gen_range(b->g, 60, 400));
		}
	}
	pkt_finish(p);
	if (f->kind != BK_SYSLOG)
		f->dir = !dir;
	if (--f->left == 0)
		f->state = BS_DONE;
}

int
scen_bench(struct gen *g)
{
	struct bench b;
	struct bflow *f;
	struct pkt *p = &g->pkt;
	size_t i;

	if (bench_init(&b, g) == -1) {
		bench_free(&b);
		return -1;
	}
	while (b.active < BENCH_ACTIVE && b.started < b.flows)
		bench_new(&b, &b.pool[b.active++]);
	while (b.active > 0) {
		i = (size_t)gen_range(g, 0, b.active - 1);
		f = &b.pool[i];
		if (f->kind == BK_TCP) {
			bench_tcp_step(&b, p, f);
			pkt_finish(p);
		} else {
			bench_dgram_step(&b, p, f);
		}
		gen_emit(g, p);
		/* About 1 Gbit/s on the wire, with jitter. */
		gen_wait(g, 8 * p->len + gen_range(g, 0, 2000));
		if (f->state != BS_DONE)
			continue;
		if (b.started < b.flows)
			bench_new(&b, f);
		else
			b.pool[i] = b.pool[--b.active];
	}
	bench_free(&b);
	return g->w.err ? -1 : 0;
}
