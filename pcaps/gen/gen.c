/*
 * gen.c - output, clock and random numbers for the scenarios, and a
 * TCP conversation between two hosts of a scenario.
 */
#include <config.h>

#include <string.h>

#include "gen.h"

void
gen_emit(struct gen *g, const struct pkt *p)
{
	(void)pcapw_write(&g->w, g->now, p->buf, (uint32_t)p->len,
	    (uint32_t)p->len);
}

/* A record cut by the snap length: caplen bytes of a longer packet. */
void
gen_emit_cap(struct gen *g, const struct pkt *p, size_t caplen)
{
	(void)pcapw_write(&g->w, g->now, p->buf, (uint32_t)caplen,
	    (uint32_t)p->len);
}

void
gen_wait(struct gen *g, uint64_t ns)
{
	g->now += ns;
}

/* splitmix64 (Steele, Lea and Flood 2014): fast, fixed-seed, portable. */
uint64_t
gen_rand(struct gen *g)
{
	uint64_t z;

	g->rng += 0x9e3779b97f4a7c15ull;
	z = g->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is irrelevant here. */
uint64_t
gen_range(struct gen *g, uint64_t lo, uint64_t hi)
{
	return lo + gen_rand(g) % (hi - lo + 1);
}

/* A conversation from cli to srv over IPv4, with the hosts' own MACs. */
void
scen_conv(struct conv *c, struct gen *g, const struct pkt_link *link,
    const struct host *cli, uint16_t cport, const struct host *srv,
    uint16_t sport)
{
	conv_init(c, g, link);
	conv_v4(c, cli->ip4, cport, srv->ip4, sport);
	memcpy(c->mac[0], cli->mac, 6);
	memcpy(c->mac[1], srv->mac, 6);
}
