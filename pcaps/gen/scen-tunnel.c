/*
 * scen-tunnel.c - one small TCP conversation inside each tunnel the
 * decoder opens, and the same conversation on each non-Ethernet link
 * type.
 *
 * Outer headers are written by conv's encap hook before the inner IP
 * header; pkt_finish() then fixes every length and checksum from the
 * inside out.
 */
#include <config.h>

#include <string.h>

#include "gen.h"

#define TUN_CLI		IP4(10, 20, 0, 11)
#define TUN_SRV		IP4(10, 20, 0, 50)
#define TUN_PORT	8080
#define TUN_NET6	0x00200000
#define VXLAN_PORT	4789
#define VXLAN_VNI	5001
#define VXLAN_F_VNI	0x08
#define ERSPAN_VLAN	30
#define ERSPAN_VER_II	1
#define ERSPAN_VER_III	2
#define TUN_REQ		"GET /tunnel HTTP/1.1\r\nHost: 10.20.0.50\r\n\r\n"
#define TUN_RESP_LEN	1800

enum tun_kind {
	TUN_GRE,		/* IPv4 in GRE, protocol 0x0800 */
	TUN_GRE_TEB,		/* Ethernet in GRE, protocol 0x6558 */
	TUN_ERSPAN2,		/* GRE 0x88be with sequence, ERSPAN II */
	TUN_ERSPAN3,		/* GRE 0x22eb with sequence, ERSPAN III */
	TUN_VXLAN,		/* UDP 4789, VNI 5001 */
	TUN_IPIP,		/* IPv4 protocol 4 */
};

struct tun {
	enum tun_kind	 kind;
	uint32_t	 outer[2];	/* tunnel endpoint of each side */
	uint8_t		 omac[2][6];
	uint32_t	 seq;		/* GRE sequence number */
	uint16_t	 session;	/* ERSPAN session id */
};

static const struct pkt_link eth_plain = { .type = PKT_LINK_ETH };

/*
 * ERSPAN type II (draft-foschiano-erspan-03 4.1):
 *	ver 1 (4) | VLAN (12) | COS (3) En (2) T (1) session (10)
 *	| reserved (12) | index (20)
 */
static void
erspan2(struct pkt *p, uint16_t session)
{
	pkt_be16(p, (uint32_t)ERSPAN_VER_II << 12 | ERSPAN_VLAN);
	pkt_be16(p, session & 0x3ff);
	pkt_be32(p, 0);
}

/*
 * ERSPAN type III (4.2):
 *	ver 2 (4) | VLAN (12) | COS (3) BSO (2) T (1) session (10)
 *	| timestamp (32), granularity 00 = 100 microseconds
 *	| SGT (16) | P (1) FT (5) HW ID (6) D (1) Gra (2) O (1)
 */
static void
erspan3(struct pkt *p, uint16_t session, uint64_t now)
{
	pkt_be16(p, (uint32_t)ERSPAN_VER_III << 12 | ERSPAN_VLAN);
	pkt_be16(p, session & 0x3ff);
	pkt_be32(p, (uint32_t)(now / (100 * GEN_US)));
	pkt_be16(p, 0);
	pkt_be16(p, 0);			/* FT 0: Ethernet frame, no O */
}

static void
tun_encap(struct conv *c, struct pkt *p, int dir)
{
	struct tun *t = c->encap_arg;
	/* A mirror only ever sends from the switch to the collector. */
	int odir = (t->kind == TUN_ERSPAN2 || t->kind == TUN_ERSPAN3) ?
	    0 : dir;
	uint8_t proto = IPPROTO_GRE_;

	if (t->kind == TUN_IPIP)
		proto = IPPROTO_IPIP_;
	else if (t->kind == TUN_VXLAN)
		proto = IPPROTO_UDP_;
	pkt_eth(p, t->omac[!odir], t->omac[odir], ETYPE_IPV4);
	(void)pkt_ipv4(p, t->outer[odir], t->outer[!odir], proto,
	    (uint16_t)gen_rand(c->g));
	switch (t->kind) {
	case TUN_GRE:
		pkt_gre(p, 0, ETYPE_IPV4, 0);
		return;
	case TUN_IPIP:
		return;
	case TUN_GRE_TEB:
		pkt_gre(p, 0, ETYPE_TEB, 0);
		break;
	case TUN_ERSPAN2:
		pkt_gre(p, GRE_F_SEQ, ETYPE_ERSPAN2, t->seq++);
		erspan2(p, t->session);
		break;
	case TUN_ERSPAN3:
		pkt_gre(p, GRE_F_SEQ, ETYPE_ERSPAN3, t->seq++);
		erspan3(p, t->session, c->g->now);
		break;
	case TUN_VXLAN:
		/* RFC 7348 5: source port from a hash of the inner flow. */
		(void)pkt_udp(p, (uint16_t)(54000 + 321 * dir), VXLAN_PORT);
		pkt_u8(p, VXLAN_F_VNI);
		pkt_zero(p, 3);
		pkt_be32(p, (uint32_t)VXLAN_VNI << 8);
		break;
	}
	/* The layer-2 tunnels carry the inner Ethernet frame. */
	pkt_eth(p, c->mac[!dir], c->mac[dir], ETYPE_IPV4);
}

int
scen_tunnels(struct gen *g)
{
	static const uint8_t omac[2][6] = { { 2, 0, 0, 0, 0xfe, 1 },
	    { 2, 0, 0, 0, 0xfe, 2 } };
	struct conv c;
	struct tun t;
	int k;

	for (k = TUN_GRE; k <= TUN_IPIP; k++) {
		memset(&t, 0, sizeof(t));
		t.kind = (enum tun_kind)k;
		t.outer[0] = IP4(172, 16, 0, 1);
		t.outer[1] = IP4(172, 16, 0, 2);
		if (k == TUN_ERSPAN2 || k == TUN_ERSPAN3)
			t.outer[1] = IP4(172, 16, 0, 100);	/* collector */
		memcpy(t.omac, omac, sizeof(t.omac));
		t.session = (uint16_t)(k + 1);
		conv_init(&c, g, &eth_plain);
		conv_v4(&c, TUN_CLI, (uint16_t)(49201 + k), TUN_SRV,
		    TUN_PORT);
		/* Leave room for the outer headers in a 1500-byte MTU. */
		c.mss = 1400;
		c.encap = tun_encap;
		c.encap_arg = &t;
		scen_small_conv(&c, TUN_REQ, TUN_RESP_LEN);
		gen_wait(g, 100 * GEN_MS);
	}
	return 0;
}

static void
link_conv(struct gen *g, const struct pkt_link *l, int v6, uint16_t port)
{
	struct conv c;
	uint8_t cli[16], srv[16];

	conv_init(&c, g, l);
	if (v6) {
		pkt_ip6(cli, TUN_NET6, 0x11);
		pkt_ip6(srv, TUN_NET6, 0x50);
		conv_v6(&c, cli, port, srv, TUN_PORT);
	} else {
		conv_v4(&c, TUN_CLI, port, TUN_SRV, TUN_PORT);
	}
	scen_small_conv(&c, "GET /link HTTP/1.1\r\nHost: server\r\n\r\n",
	    2000);
	gen_wait(g, 100 * GEN_MS);
}

int
scen_link_sll(struct gen *g)
{
	static const struct pkt_link l = { .type = PKT_LINK_SLL };

	link_conv(g, &l, 0, 49300);
	return 0;
}

int
scen_link_sll2(struct gen *g)
{
	static const struct pkt_link l = { .type = PKT_LINK_SLL2 };

	link_conv(g, &l, 0, 49300);
	return 0;
}

/*
 * DLT_NULL: the family in the capturing host's byte order (written
 * little-endian here).  AF_INET6 is 24 on NetBSD and OpenBSD, 28 on
 * FreeBSD, 30 on Darwin: one IPv6 conversation with each.
 */
int
scen_link_null(struct gen *g)
{
	static const struct pkt_link l[3] = {
		{ .type = PKT_LINK_NULL, .af6 = 24 },
		{ .type = PKT_LINK_NULL, .af6 = 28 },
		{ .type = PKT_LINK_NULL, .af6 = 30 },
	};

	link_conv(g, &l[0], 0, 49300);
	link_conv(g, &l[0], 1, 49324);
	link_conv(g, &l[1], 1, 49328);
	link_conv(g, &l[2], 1, 49330);
	return 0;
}

/* DLT_LOOP: OpenBSD loopback, the family in network byte order. */
int
scen_link_loop(struct gen *g)
{
	static const struct pkt_link l = { .type = PKT_LINK_LOOP, .af6 = 24 };

	link_conv(g, &l, 0, 49300);
	return 0;
}

int
scen_link_raw(struct gen *g)
{
	static const struct pkt_link l = { .type = PKT_LINK_RAW };

	link_conv(g, &l, 0, 49300);
	link_conv(g, &l, 1, 49301);
	return 0;
}
