/*
 * brain-peers.c - the brain's communication map: per device, whom it
 * talks to, over what and how much (device/peers.h).
 *
 * Every flow the brain sees counts, for both ends that are devices,
 * whether they learn or enforce: the map says what happened, the
 * baselines what is normal.  A peer is a device ("mac:..", or "ip:.."
 * for one known by its address behind a router) or, for a host that
 * is none, its zone: an internet host is "zone:internet", by zone and
 * not by address, so that a device browsing the web keeps one entry
 * per service, not one per site.  A router is no peer (what it
 * forwards is its hosts') and has no map of its own.
 *
 * Tables are loaded with the inventory and saved after it (only what
 * changed, in one transaction), so counts accumulate across runs; an
 * evicted or merged device's rows go with its device row.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/layer.h"
#include "device/brain-int.h"
#include "device/brain-peers.h"
#include "device/peers.h"
#include "output/jsonw.h"
#include "policy/zone.h"
#include "state/state.h"
#include "util/util.h"

_Static_assert(PEERS_KEY_MAX - 3 >= INET6_ADDRSTRLEN,
    "\"ip:\" and any address");
_Static_assert(PEERS_KEY_MAX - 4 >= 18, "\"mac:\" and a MAC");

struct pe_dev {
	struct peer_tab	 t;
	char		 zone_saved[PEERS_ZONE_MAX];
};

static struct pe_dev *
pe_get(struct brain_dev *n)
{
	if (n->pe == NULL)
		n->pe = xcalloc(1, sizeof(*n->pe));
	return n->pe;
}

static const char *
pe_zone_name(const struct brain *b, int zone)
{
	return b->zones != NULL ? zones_name(b->zones, zone) : "?";
}

/*
 * The key, zone and VLAN of the other end p (a device or NULL) at e,
 * into x (zeroed).  Written in place: every flow names two.
 */
static void
pe_peer(struct brain *b, const struct brain_dev *p,
    const struct brain_end *e, struct peer_ent *x)
{
	int zone = 0;

	if (p != NULL && (p->d.flags & DEV_F_ROUTER))
		p = NULL;
	/* An internet host is reached through a router: its zone. */
	if (e->has_ip && (zone = brain_end_zone(b, e, -1)) == ZONE_INTERNET)
		p = NULL;
	if (p == NULL) {
		if (!e->has_ip)
			zone = brain_end_zone(b, e, -1);
		memcpy(x->peer, "zone:", 5);
		strlcpy(x->peer + 5, pe_zone_name(b, zone),
		    sizeof(x->peer) - 5);
		x->vlan = -1;
	} else {
		zone = brain_dev_zone(b, p);
		if (p->d.flags & DEV_F_ROUTED) {
			memcpy(x->peer, "ip:", 3);
			dev_ip_format(&p->d.ip, x->peer + 3,
			    sizeof(x->peer) - 3);
		} else {
			memcpy(x->peer, "mac:", 4);
			util_format_mac(p->d.mac, x->peer + 4);
		}
		x->vlan = (p->d.flags & (DEV_F_ROUTED | DEV_F_RELAYED)) ? -1 :
		    p->d.vlan;
	}
	strlcpy(x->zone, pe_zone_name(b, zone), sizeof(x->zone));
}

static void
pe_count(struct brain *b, const struct brain_ev *ev, struct brain_dev *n,
    const struct brain_dev *p, const struct brain_end *pe, uint8_t dir)
{
	struct peer_ent x;
	const char *app;

	if (n == NULL || (n->d.flags & DEV_F_ROUTER) || n->merged ||
	    n->evicted)
		return;
	memset(&x, 0, sizeof(x));
	pe_peer(b, p, pe, &x);
	x.dir = dir;
	x.proto = ev->proto;
	x.port = peers_port(ev->proto, ev->dport);
	app = ev->app != 0 ? app_proto_name(ev->app) : NULL;
	strlcpy(x.app, app != NULL ? app : "", sizeof(x.app));
	x.flows = 1;
	x.packets = ev->pkts[0] + ev->pkts[1];
	x.bytes = ev->bytes[0] + ev->bytes[1];
	x.first_us = x.last_us = ev->ts_us;
	if (peers_add(&pe_get(n)->t, b->cfg.max_peers, &x) == 0)
		ctr_inc(b->ctr, CTR_DEV_PEERS_DROPPED);
}

void
brain_peers_flow(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, struct brain_dev *s)
{
	if (c != NULL && c == s)
		return;
	pe_count(b, ev, c, s, &ev->end[1], PEERS_INITIATED);
	pe_count(b, ev, s, c, &ev->end[0], PEERS_ACCEPTED);
}

void
brain_peers_merge(struct brain *b, struct brain_dev *to,
    struct brain_dev *from)
{
	if (from->pe == NULL || (to->d.flags & DEV_F_ROUTER))
		return;
	peers_merge(&pe_get(to)->t, b->cfg.max_peers, &from->pe->t);
}

void
brain_peers_dev_free(struct brain_dev *n)
{
	if (n->pe == NULL)
		return;
	peers_clear(&n->pe->t);
	free(n->pe);
	n->pe = NULL;
}

struct pe_load {
	struct brain_dev **byid;	/* sorted by d.id */
	size_t		 n;
};

static int
pe_id_cmp(const void *x, const void *y)
{
	uint64_t a = (*(struct brain_dev *const *)x)->d.id;
	uint64_t b = (*(struct brain_dev *const *)y)->d.id;

	return a < b ? -1 : a > b;
}

static int
pe_load_cb(void *arg, uint64_t id, const char *zone, struct peer_tab *t)
{
	struct pe_load *l = arg;
	struct pe_dev *p;
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (l->byid[mid]->d.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == l->n || l->byid[lo]->d.id != id)
		return 0;		/* a device not kept: freed */
	p = pe_get(l->byid[lo]);
	peers_clear(&p->t);
	p->t = *t;
	memset(t, 0, sizeof(*t));
	strlcpy(p->zone_saved, zone, sizeof(p->zone_saved));
	return 0;
}

int
brain_peers_load(struct brain *b)
{
	struct pe_load l;
	int rc;

	if (b->state == NULL || b->ndevs == 0)
		return 0;
	l.n = b->ndevs;
	l.byid = xreallocarray(NULL, b->ndevs, sizeof(*l.byid));
	memcpy(l.byid, b->devs, b->ndevs * sizeof(*l.byid));
	qsort(l.byid, l.n, sizeof(*l.byid), pe_id_cmp);
	rc = state_load_peers(b->state, b->cfg.max_peers, pe_load_cb, &l);
	free(l.byid);
	return rc;
}

void
brain_peers_save(struct brain *b)
{
	struct state_peers *v;
	struct brain_dev **nv;
	struct brain_dev *n;
	const char *zone;
	size_t i, k = 0;
	uint32_t j;

	if (b->state == NULL || b->ndevs == 0)
		return;
	v = xreallocarray(NULL, b->ndevs, sizeof(*v));
	nv = xreallocarray(NULL, b->ndevs, sizeof(*nv));
	for (i = 0; i < b->ndevs; i++) {
		n = b->devs[i];
		/* Saved devices only: a new one has its row next time. */
		if (n->merged || n->evicted || n->d.id == 0 ||
		    (n->d.flags & DEV_F_ROUTER))
			continue;
		zone = pe_zone_name(b, brain_dev_zone(b, n));
		if ((n->pe == NULL || !n->pe->t.dirty) && (n->pe != NULL ?
		    strcmp(n->pe->zone_saved, zone) == 0 : false))
			continue;
		v[k].device_id = n->d.id;
		v[k].zone = zone;
		v[k].tab = &pe_get(n)->t;
		v[k].zone_stored = n->pe->zone_saved;
		nv[k++] = n;
	}
	if (k > 0 && state_save_peers(b->state, v, k,
	    b->save_failed ? NULL : b->err) == 0)
		for (i = 0; i < k; i++) {
			n = nv[i];
			strlcpy(n->pe->zone_saved, v[i].zone,
			    sizeof(n->pe->zone_saved));
			for (j = 0; j < n->pe->t.n; j++)
				n->pe->t.v[j].dirty = false;
			n->pe->t.dirty = false;
			n->pe->t.rewrite = false;
			n->pe->t.comm_stored = true;
			n->pe->t.dropped_stored = n->pe->t.dropped;
		}
	else if (k > 0)
		ctr_inc(b->ctr, CTR_DEV_SAVE_ERRORS);
	free(v);
	free(nv);
}

/* A record's member at most: a key (with its comma), a number. */
#define PEERS_REC_KEY	24
#define PEERS_REC_NUM	21
/* One entry at most: '{', eight keys, peer, zone, app (escaped),
 * direction and service (our words, under 32 bytes), three counters,
 * '}'. */
#define PEERS_REC_ENT	(2 + 8 * PEERS_REC_KEY +			\
	JSONW_RUN_STR_MAX(PEERS_KEY_MAX) + JSONW_RUN_STR_MAX(PEERS_ZONE_MAX) +\
	JSONW_RUN_STR_MAX(PEERS_APP_MAX) + 2 * JSONW_RUN_STR_MAX(32) +	\
	3 * PEERS_REC_NUM + 1)

void
brain_peers_record(struct brain *b, struct jsonw *jw,
    const struct brain_dev *n)
{
	size_t idx[PEERS_RECORD_TOP], i, k;
	const struct peer_ent *e;
	struct jsonw_run run, *r = &run;
	char svc[32];

	(void)b;
	if (n->pe == NULL || n->pe->t.n == 0)
		return;
	k = peers_top(&n->pe->t, idx, PEERS_RECORD_TOP);
	/* One run for the list: written as the calls per member wrote it
	 * (a snapshot writes every device's). */
	jsonw_run_begin(jw, r, 2 * PEERS_REC_KEY + 2 + k * PEERS_REC_ENT + 2 +
	    2 * PEERS_REC_KEY + 2 * PEERS_REC_NUM + 2);
	JSONW_RUN_KEY(r, "peers");
	jsonw_run_open(r, '[');
	for (i = 0; i < k; i++) {
		e = &n->pe->t.v[idx[i]];
		jsonw_run_open(r, '{');
		/* The arrays' bytes past their NUL are not read. */
		JSONW_RUN_KEY(r, "peer");
		jsonw_run_str_in(r, e->peer, strnlen(e->peer,
		    sizeof(e->peer)));
		if (e->zone[0] != '\0') {
			JSONW_RUN_KEY(r, "zone");
			jsonw_run_str_in(r, e->zone, strnlen(e->zone,
			    sizeof(e->zone)));
		}
		/* Our own words and numbers: copied (plain). */
		JSONW_RUN_KEY(r, "direction");
		jsonw_run_plain(r, peers_dir_name(e->dir));
		JSONW_RUN_KEY(r, "service");
		jsonw_run_plain(r, peers_service(e, svc, sizeof(svc)));
		if (e->app[0] != '\0') {
			JSONW_RUN_KEY(r, "app_proto");
			jsonw_run_str_in(r, e->app, strnlen(e->app,
			    sizeof(e->app)));
		}
		JSONW_RUN_KV_UINT(r, "flows", e->flows);
		JSONW_RUN_KV_UINT(r, "packets", e->packets);
		JSONW_RUN_KV_UINT(r, "bytes", e->bytes);
		jsonw_run_close(r, '}');
	}
	jsonw_run_close(r, ']');
	if (n->pe->t.n > k || n->pe->t.dropped > 0) {
		JSONW_RUN_KEY(r, "peers_total");
		jsonw_run_open(r, '{');
		JSONW_RUN_KV_UINT(r, "kept", n->pe->t.n);
		JSONW_RUN_KV_UINT(r, "dropped", n->pe->t.dropped);
		jsonw_run_close(r, '}');
	}
	jsonw_run_end(jw, r);
}
