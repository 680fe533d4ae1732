/*
 * conv.c - TCP conversations: three-way handshake, MSS-sized data
 * segments with the receiver acknowledging every second one, FIN close
 * and RST, with sequence and acknowledgement numbers kept right both
 * ways (RFC 9293).
 *
 * Scenarios that need reordering, gaps or overlaps call conv_build()
 * with explicit numbers and emit the packets in their own order.
 */
#include <config.h>

#include <string.h>

#include "gen.h"

#define CONV_MSS	1460
#define CONV_GAP_NS	30123	/* odd ns: tcp-nanosec keeps them */
#define CONV_RTT_NS	400357
#define CONV_WIN_CLI	64240
#define CONV_WIN_SRV	65160
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WS	3
#define TCPOPT_SACKOK	4

void
conv_init(struct conv *c, struct gen *g, const struct pkt_link *link)
{
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->link = link;
	c->mss = CONV_MSS;
	c->gap_ns = CONV_GAP_NS;
	c->rtt_ns = CONV_RTT_NS;
	c->win[0] = CONV_WIN_CLI;
	c->win[1] = CONV_WIN_SRV;
	c->seq[0] = (uint32_t)gen_rand(g);
	c->seq[1] = (uint32_t)gen_rand(g);
	c->ipid[0] = (uint16_t)gen_rand(g);
	c->ipid[1] = (uint16_t)gen_rand(g);
	/* Locally administered MACs unless the scenario sets vendor ones. */
	pkt_mac(c->mac[0], 0x020000, 0x000001);
	pkt_mac(c->mac[1], 0x020000, 0x000002);
}

void
conv_v4(struct conv *c, uint32_t cli, uint16_t cport, uint32_t srv,
    uint16_t sport)
{
	c->v6 = 0;
	c->ip4[0] = cli;
	c->ip4[1] = srv;
	c->port[0] = cport;
	c->port[1] = sport;
}

void
conv_v6(struct conv *c, const uint8_t *cli, uint16_t cport,
    const uint8_t *srv, uint16_t sport)
{
	c->v6 = 1;
	memcpy(c->ip6[0], cli, 16);
	memcpy(c->ip6[1], srv, 16);
	c->port[0] = cport;
	c->port[1] = sport;
}

/* Build one segment of direction dir into p without emitting it. */
void
conv_build(struct conv *c, struct pkt *p, int dir, uint8_t flags,
    uint32_t seq, uint32_t ack, const uint8_t *data, size_t n)
{
	/* MSS, NOP + window scale 7, NOP NOP + SACK permitted. */
	uint8_t opts[12] = { TCPOPT_MSS, 4, 0, 0, TCPOPT_NOP, TCPOPT_WS, 3,
	    7, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACKOK, 2 };
	int o = !dir;
	uint8_t *ip;

	pkt_set16(opts + 2, (uint32_t)c->mss);
	pkt_reset(p);
	if (c->encap != NULL)
		c->encap(c, p, dir);
	else
		pkt_l2(p, c->link, c->mac[o], c->mac[dir], c->v6, dir == 0);
	if (!c->v6) {
		ip = pkt_ipv4(p, c->ip4[dir], c->ip4[o], IPPROTO_TCP_,
		    c->ipid[dir]++);
		ip[6] = 0x40;		/* DF, as Linux sends TCP */
	} else if (c->cli_exthdr && dir == 0) {
		(void)pkt_ipv6(p, c->ip6[dir], c->ip6[o], IPPROTO_HOPOPTS_);
		pkt_ipv6_opthdr(p, IPPROTO_DSTOPTS_, 1);
		pkt_ipv6_opthdr(p, IPPROTO_TCP_, 1);
	} else {
		(void)pkt_ipv6(p, c->ip6[dir], c->ip6[o], IPPROTO_TCP_);
	}
	(void)pkt_tcp(p, c->port[dir], c->port[o], seq,
	    (flags & TCP_ACK) ? ack : 0, flags, c->win[dir], opts,
	    (flags & TCP_SYN) ? sizeof(opts) : 0);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	if (c->fixup != NULL)
		c->fixup(c, p, dir);
}

/* Emit a segment at the current sequence numbers and advance them. */
void
conv_seg(struct conv *c, int dir, uint8_t flags, const uint8_t *data,
    size_t n)
{
	conv_build(c, &c->g->pkt, dir, flags, c->seq[dir], c->seq[!dir],
	    data, n);
	gen_emit(c->g, &c->g->pkt);
	c->seq[dir] += (uint32_t)n;
	if (flags & (TCP_SYN | TCP_FIN))
		c->seq[dir]++;
}

void
conv_open(struct conv *c)
{
	conv_seg(c, 0, TCP_SYN, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
	conv_seg(c, 1, TCP_SYN | TCP_ACK, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
	conv_seg(c, 0, TCP_ACK, NULL, 0);
	gen_wait(c->g, c->gap_ns);
}

/*
 * Send n bytes from dir in MSS-sized segments, PSH on the last; the
 * peer acknowledges every second segment (RFC 9293 3.8.6.3) and the
 * end of the burst.
 */
void
conv_data(struct conv *c, int dir, const uint8_t *data, size_t n)
{
	size_t off = 0, seg, unacked = 0;

	while (off < n) {
		seg = n - off < c->mss ? n - off : c->mss;
		conv_seg(c, dir, (uint8_t)(TCP_ACK |
		    (off + seg == n ? TCP_PSH : 0)), data + off, seg);
		off += seg;
		gen_wait(c->g, c->gap_ns);
		if (++unacked == 2 || off == n) {
			conv_seg(c, !dir, TCP_ACK, NULL, 0);
			gen_wait(c->g, c->gap_ns);
			unacked = 0;
		}
	}
	gen_wait(c->g, c->rtt_ns);
}

void
conv_close(struct conv *c, int dir)
{
	conv_seg(c, dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
	conv_seg(c, !dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
	conv_seg(c, dir, TCP_ACK, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
}

void
conv_rst(struct conv *c, int dir)
{
	conv_seg(c, dir, TCP_RST | TCP_ACK, NULL, 0);
	gen_wait(c->g, c->rtt_ns);
}
