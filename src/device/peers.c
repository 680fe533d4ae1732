/*
 * peers.c - a device's bounded table of peers (peers.h).
 *
 * A device talks to few peers, so the table is an array searched by a
 * hash of the key first: the cap (devices.max-peers, 64 by default)
 * bounds the search as it bounds memory.  The array doubles as it
 * fills, never past the cap; what does not fit is counted, not kept,
 * so a scan or a flood cannot grow a device's memory.
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/peers.h"
#include "output/jsonw.h"
#include "util/fmt.h"
#include "util/util.h"

uint16_t
peers_port(uint8_t proto, uint16_t port)
{
	if (proto != 6 && proto != 17)
		return 0;
	return port >= 49152 ? 0 : port;
}

static uint32_t
peers_hash(const struct peer_ent *e)
{
	uint32_t h = 2166136261u;
	const unsigned char *p;

	for (p = (const unsigned char *)e->peer; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	for (p = (const unsigned char *)e->app; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ e->dir) * 16777619u;
	h = (h ^ e->proto) * 16777619u;
	h = (h ^ (e->port & 0xff)) * 16777619u;
	h = (h ^ (e->port >> 8)) * 16777619u;
	return h;
}

/* a (in the table) and b are one entry; their hashes are equal. */
static bool
peers_same(const struct peer_ent *a, const struct peer_ent *b)
{
	return a->dir == b->dir &&
	    a->proto == b->proto && a->port == b->port &&
	    strcmp(a->peer, b->peer) == 0 && strcmp(a->app, b->app) == 0;
}

int
peers_add(struct peer_tab *t, uint32_t max, const struct peer_ent *e)
{
	struct peer_ent *x;
	uint32_t i, h;

	/* Copied only when it is new: most flows meet an entry. */
	h = peers_hash(e);
	for (i = 0; i < t->n; i++) {
		x = &t->v[i];
		if (x->hash != h || !peers_same(x, e))
			continue;
		x->flows += e->flows;
		x->packets += e->packets;
		x->bytes += e->bytes;
		if (e->first_us != 0 && (x->first_us == 0 ||
		    e->first_us < x->first_us))
			x->first_us = e->first_us;
		if (e->last_us >= x->last_us) {
			x->last_us = e->last_us;
			x->vlan = e->vlan;
			memcpy(x->zone, e->zone, sizeof(x->zone));
		}
		x->dirty = true;
		t->dirty = true;
		return 1;
	}
	if (t->n >= max) {
		t->dropped++;
		t->dirty = true;
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 4 : t->cap * 2;
		if (t->cap > max)
			t->cap = max;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	x = &t->v[t->n++];
	*x = *e;
	x->hash = h;
	x->dirty = true;
	t->dirty = true;
	return 1;
}

void
peers_merge(struct peer_tab *to, uint32_t max, const struct peer_tab *from)
{
	uint32_t i;

	for (i = 0; i < from->n; i++)
		(void)peers_add(to, max, &from->v[i]);
	if (from->dropped > 0) {
		to->dropped += from->dropped;
		to->dirty = true;
	}
}

int
peers_cmp(const struct peer_ent *a, const struct peer_ent *b)
{
	int c;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	if ((c = strcmp(a->peer, b->peer)) != 0)
		return c;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->app, b->app);
}

/* Insertion into the n best so far: n is small (a record's top). */
size_t
peers_top(const struct peer_tab *t, size_t *idx, size_t n)
{
	size_t got = 0, j;
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		if (got == n && peers_cmp(&t->v[i], &t->v[idx[n - 1]]) >= 0)
			continue;
		j = got < n ? got++ : n - 1;
		while (j > 0 && peers_cmp(&t->v[i], &t->v[idx[j - 1]]) < 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	return got;
}

const char *
peers_port_name(char *buf, size_t len, const char *proto, unsigned port)
{
	char tmp[64];
	size_t n, pl = strlen(proto);

	if (pl > sizeof(tmp) - 22)
		pl = sizeof(tmp) - 22;
	memcpy(tmp, proto, pl);
	tmp[pl] = '/';
	n = fmt_uint(tmp + pl + 1, port);
	tmp[pl + 1 + n] = '\0';
	strlcpy(buf, tmp, len);
	return buf;
}

const char *
peers_service(const struct peer_ent *e, char *buf, size_t len)
{
	if (e->proto == 6 || e->proto == 17) {
		if (e->port == 0)
			strlcpy(buf, e->proto == 6 ? "tcp/ephemeral" :
			    "udp/ephemeral", len);
		else
			peers_port_name(buf, len, e->proto == 6 ? "tcp" :
			    "udp", e->port);
	} else if (e->proto == 1)
		strlcpy(buf, "icmp", len);
	else if (e->proto == 58)
		strlcpy(buf, "icmp6", len);
	else
		peers_port_name(buf, len, "ip", e->proto);
	return buf;
}

const char *
peers_dir_name(uint8_t dir)
{
	return dir == PEERS_ACCEPTED ? "accepted" : "initiated";
}

void
peers_clear(struct peer_tab *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

size_t
peers_memuse(const struct peer_tab *t)
{
	return (size_t)t->cap * sizeof(*t->v);
}
