/*
 * brain.c - the device brain: inventory, evidence, fusion, records.
 *
 * See brain.h for how events arrive in a canonical order.  Devices
 * are found by (MAC, VLAN); a MAC that sends for several addresses is
 * a router, and the hosts behind it are found by address instead (one
 * index maps every address to the device that holds it).  After each
 * tick's events the fingerprints run again for devices with new
 * evidence, and every device whose identity or address changed gets a
 * "device" record.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/evidence.h"
#include "app/layer.h"
#include "detect/detect.h"
#include "device/brain.h"
#include "device/brain-baseline.h"
#include "device/brain-int.h"
#include "device/brain-peers.h"
#include "device/peers.h"
#include "device/claims.h"
#include "device/fpdb.h"
#include "device/oui.h"
#include "output/eve.h"
#include "output/jsonw.h"
#include "output/record.h"
#include "policy/policy.h"
#include "policy/zone.h"
#include "state/state.h"
#include "util/log.h"
#include "util/util.h"

#define BRAIN_HASH_SIZE		16384u	/* buckets, both indexes */
#define BRAIN_KEY(id)		evidence_key_name(EVIDENCE_##id)
#define BRAIN_HL7_HUB_PEERS	3	/* senders that make a hub */
#define BRAIN_MAX_MATCHES	64

/* What a record reports as changed. */
/* The same warning in a run and in -T (a missing registry). */
#define BRAIN_NO_OUI	"warning: no MAC vendor registry: vendors come " \
	"from other evidence only (install ieee-data)"


/* Every key fits a device's evidence. */
#define WW_EVIDENCE(id, key, attr, flags)				\
	_Static_assert(sizeof(key) <= DEV_KEY_MAX, key ": DEV_KEY_MAX");
#include "app/evidence.def"
#undef WW_EVIDENCE

void
brain_config_defaults(struct brain_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->fingerprints = xstrdup(BRAIN_FP_BUILTIN);
	c->builtin_fingerprints = true;
	c->oui_dir = xstrdup(OUI_DEFAULT_DIR);
	c->state_file = xstrdup(BRAIN_STATE_AUTO);
	c->max_devices = BRAIN_DEFAULT_MAX_DEVICES;
	c->max_peers = PEERS_DEFAULT_MAX;
	c->save_interval = BRAIN_DEFAULT_SAVE_INTERVAL;
	c->snapshot_interval = BRAIN_DEFAULT_SNAPSHOT_INTERVAL;
	c->queue_max = BRAIN_DEFAULT_QUEUE_MAX;
	c->alert_window = BRAIN_DEFAULT_ALERT_WINDOW;
	bl_config_defaults(&c->baseline);
}

void
brain_config_free(struct brain_config *c)
{
	free(c->fingerprints);
	free(c->oui_dir);
	free(c->state_file);
	zones_free(c->zones);
	c->fingerprints = c->oui_dir = c->state_file = NULL;
	c->zones = NULL;
	while (c->n_policy_files > 0)
		free(c->policy_files[--c->n_policy_files]);
	free(c->policy_files);
	c->policy_files = NULL;
	policy_free(c->policy_overrides);
	c->policy_overrides = NULL;
	c->n_policy_overrides = 0;
	free(c->geoip_country);
	free(c->geoip_asn);
	c->geoip_country = c->geoip_asn = NULL;
}

/*
 * The fingerprint set: the files of devices.fingerprints, a site's
 * own, first, then the compiled-in set unless
 * devices.builtin-fingerprints is false.  Local entries come first so
 * that a local vendor spelling wins (the first matching vendor entry
 * does) and a local fingerprint replaces the built-in one of its name
 * (fpdb_load_builtin() skips those).
 */
static struct fpdb *
brain_load_fp(const struct brain_config *c, FILE *err)
{
	struct fpdb *fp = fpdb_new();
	bool local = c->fingerprints != NULL &&
	    strcmp(c->fingerprints, BRAIN_FP_BUILTIN) != 0;
	int n = 0;

	if (!local && !c->builtin_fingerprints) {
		if (err != NULL)
			fprintf(err, "devices.builtin-fingerprints is false "
			    "and devices.fingerprints names no directory: no "
			    "fingerprints\n");
		n++;
	}
	if (local)
		n += fpdb_load_dir(fp, c->fingerprints, err);
	if (c->builtin_fingerprints)
		n += fpdb_load_builtin(fp, err);
	if (n != 0) {
		fpdb_free(fp);
		return NULL;
	}
	return fp;
}

int
brain_check(const struct brain_config *c, FILE *out, FILE *err)
{
	const char *dir = c->oui_dir != NULL ? c->oui_dir : OUI_DEFAULT_DIR;
	struct claims claims;
	struct fpdb *fp;
	struct oui_db *oui;
	int rc = 0;

	if ((fp = brain_load_fp(c, err)) == NULL)
		rc = -1;
	else if (out != NULL)
		fprintf(out, "wardwatch: fingerprints: %zu for %zu vendors "
		    "(%s)\n", fpdb_count(fp), fpdb_vendor_count(fp),
		    c->fingerprints == NULL || strcmp(c->fingerprints,
		    BRAIN_FP_BUILTIN) == 0 ? "built in" :
		    util_safe_str(c->fingerprints));
	if (claims_load_builtin(&claims, err) != 0)
		rc = -1;
	else if (out != NULL)
		fprintf(out, "wardwatch: evidence confidences: built in\n");
	if (brain_policy_check(c, fp, out, err) != 0)
		rc = -1;
	fpdb_free(fp);
	/*
	 * A missing registry is the warning a run gives (vendors then
	 * come from other evidence), never an error: the shipped unit
	 * runs -T before it starts the sensor.
	 */
	if ((oui = oui_load(dir, err)) != NULL) {
		if (out != NULL)
			fprintf(out, "wardwatch: MAC vendor registry %s: %zu "
			    "assignments\n", util_safe_str(dir),
			    oui_count(oui));
	} else
		fprintf(err, "wardwatch: %s\n", BRAIN_NO_OUI);
	oui_free(oui);
	return rc;
}

/*
 * Hashes: keyed with a random key, as the flow table's are, because
 * traffic chooses the MACs and addresses (one chain of a million
 * colliding addresses would stall the brain).  No output depends on
 * the order of a chain or of the buckets.
 */
static uint32_t
brain_hash(const struct brain *b, const void *p, size_t n)
{
	return (uint32_t)siphash13(&b->hkey, p, n);
}

/* By MAC alone: the same MAC on every VLAN shares a chain, so relayed
 * DHCP (VLAN unknown) finds it without a scan. */
static uint32_t
brain_mac_bucket(const struct brain *b, const uint8_t mac[6])
{
	return brain_hash(b, mac, 6) & (BRAIN_HASH_SIZE - 1);
}

static uint32_t
brain_ip_bucket(const struct brain *b, const struct dev_ip *ip)
{
	return brain_hash(b, ip->a, 16) & (BRAIN_HASH_SIZE - 1);
}

static size_t
brain_memo_mac(const uint8_t mac[6])
{
	return ((size_t)mac[4] << 8 | mac[5]) & (BRAIN_MEMO - 1);
}

static size_t
brain_memo_ip(const struct dev_ip *ip)
{
	return ((size_t)ip->a[14] << 8 | ip->a[15]) & (BRAIN_MEMO - 1);
}

static struct brain_dev *
brain_find_mac(struct brain *b, const uint8_t mac[6], uint16_t vlan)
{
	size_t k = brain_memo_mac(mac);
	struct brain_dev *n = b->memo_dev[k];

	if (n != NULL && n->d.vlan == vlan && memcmp(n->d.mac, mac, 6) == 0)
		return n;
	for (n = b->mac_tab[brain_mac_bucket(b, mac)]; n != NULL;
	    n = n->mac_next)
		if (n->d.vlan == vlan && memcmp(n->d.mac, mac, 6) == 0) {
			b->memo_dev[k] = n;
			return n;
		}
	return NULL;
}

/* The chain of devices whose MAC hashes as mac's (every VLAN's). */
struct brain_dev *
brain_mac_chain(const struct brain *b, const uint8_t mac[6])
{
	return b->mac_tab[brain_mac_bucket(b, mac)];
}

/* The same MAC on any VLAN (relayed DHCP does not say which). */
static struct brain_dev *
brain_find_mac_any(struct brain *b, const uint8_t mac[6])
{
	struct brain_dev *n, *first = NULL;

	/* Chains grow at the head: the last match is the oldest device. */
	for (n = b->mac_tab[brain_mac_bucket(b, mac)]; n != NULL; n = n->mac_next)
		if (memcmp(n->d.mac, mac, 6) == 0)
			first = n;
	return first;
}

/*
 * The device's MAC is already known on another VLAN: a device that
 * moved (a cart wheeled to another ward, a port patched to another
 * VLAN) or that is on several, not a new one.
 */
static bool
brain_mac_elsewhere(struct brain *b, const struct brain_dev *d)
{
	struct brain_dev *n;

	if (d->d.flags & DEV_F_ROUTED)
		return false;
	for (n = b->mac_tab[brain_mac_bucket(b, d->d.mac)]; n != NULL;
	    n = n->mac_next)
		if (n != d && !n->merged && !n->evicted &&
		    memcmp(n->d.mac, d->d.mac, 6) == 0)
			return true;
	return false;
}

/* Every store into an entry's dev and want goes through these, so
 * that a device knows how many entries name it. */
static void
brain_ipent_dev(struct brain_ipent *e, struct brain_dev *n)
{
	if (e->dev != NULL)
		e->dev->ip_dev_refs--;
	e->dev = n;
	if (n != NULL) {
		n->ip_dev_refs++;
		n->ip_dev_last = e->ip;
	}
}

static void
brain_ipent_want(struct brain_ipent *e, struct brain_dev *n)
{
	if (e->want != NULL)
		e->want->ip_want_refs--;
	e->want = n;
	if (n != NULL) {
		n->ip_want_refs++;
		n->ip_want_last = e->ip;
	}
}

static void
brain_lru_unlink(struct brain *b, struct brain_ipent *e)
{
	if (e->lru_prev != NULL)
		e->lru_prev->lru_next = e->lru_next;
	else
		b->ip_lru = e->lru_next;
	if (e->lru_next != NULL)
		e->lru_next->lru_prev = e->lru_prev;
	else
		b->ip_lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void
brain_lru_push(struct brain *b, struct brain_ipent *e)
{
	e->lru_prev = NULL;
	e->lru_next = b->ip_lru;
	if (b->ip_lru != NULL)
		b->ip_lru->lru_prev = e;
	else
		b->ip_lru_tail = e;
	b->ip_lru = e;
}

static struct brain_ipent *
brain_ip_entry(struct brain *b, const struct dev_ip *ip)
{
	size_t k = brain_memo_ip(ip);
	struct brain_ipent *e = b->memo_ip[k];

	if (e == NULL || memcmp(&e->ip, ip, sizeof(*ip)) != 0) {
		for (e = b->ip_tab[brain_ip_bucket(b, ip)]; e != NULL;
		    e = e->next)
			if (memcmp(&e->ip, ip, sizeof(*ip)) == 0)
				break;
		if (e == NULL)
			return NULL;
		b->memo_ip[k] = e;
	}
	if (e != b->ip_lru) {
		brain_lru_unlink(b, e);
		brain_lru_push(b, e);
	}
	return e;
}

/* The address a device goes by now: never the one evicted. */
static bool
brain_ip_current(const struct brain_ipent *e)
{
	return e->dev != NULL && e->dev->d.has_ip &&
	    memcmp(&e->dev->d.ip, &e->ip, sizeof(e->ip)) == 0;
}

/* Make room for one more address: the least recently used that is no
 * device's current address goes (what it said is forgotten, as if the
 * address had never been seen). */
static void
brain_ip_evict(struct brain *b)
{
	struct brain_ipent *e, **pp;
	size_t tries;

	for (tries = 0; tries < b->nip; tries++) {
		e = b->ip_lru_tail;
		brain_lru_unlink(b, e);
		if (brain_ip_current(e)) {
			brain_lru_push(b, e);
			continue;
		}
		for (pp = &b->ip_tab[brain_ip_bucket(b, &e->ip)]; *pp != e;
		    pp = &(*pp)->next)
			;
		*pp = e->next;
		b->memo_ip[brain_memo_ip(&e->ip)] = NULL;
		brain_ipent_dev(e, NULL);
		brain_ipent_want(e, NULL);
		free(e);
		b->nip--;
		ctr_inc(b->ctr, CTR_DEV_ADDR_EVICTED);
		return;
	}
}

/* The entry of an address, if any, as it is: the LRU order and the
 * memo are left alone. */
static struct brain_ipent *
brain_ip_peek(const struct brain *b, const struct dev_ip *ip)
{
	struct brain_ipent *e;

	for (e = b->ip_tab[brain_ip_bucket(b, ip)]; e != NULL; e = e->next)
		if (memcmp(&e->ip, ip, sizeof(*ip)) == 0)
			break;
	return e;
}

static void
brain_ip_unref_one(struct brain_ipent *e, const struct brain_dev *n)
{
	if (e->dev == n)
		brain_ipent_dev(e, NULL);
	if (e->want == n)
		brain_ipent_want(e, NULL);
}

/* The entry of ip no longer names n; whether n had any left. */
static bool
brain_ip_unref_at(struct brain *b, struct brain_dev *n,
    const struct dev_ip *ip)
{
	struct brain_ipent *e = brain_ip_peek(b, ip);

	if (e != NULL)
		brain_ip_unref_one(e, n);
	return n->ip_dev_refs + n->ip_want_refs > 0;
}

/*
 * No entry names the device any more.  The entries that do are mostly
 * the last that took it (a flood's MAC wants the one address it used)
 * and its own addresses: those are looked up, and the LRU list (every
 * address the inventory knows: a full table's eviction walked a
 * thousand entries) is walked only for what is left.  Which entries
 * are cleared does not depend on the order.
 */
static void
brain_ip_unref(struct brain *b, struct brain_dev *n)
{
	struct brain_ipent *e;
	size_t i;

	if (n->ip_dev_refs + n->ip_want_refs == 0)
		return;
	if (n->ip_want_refs > 0 && !brain_ip_unref_at(b, n, &n->ip_want_last))
		return;
	if (n->ip_dev_refs > 0 && !brain_ip_unref_at(b, n, &n->ip_dev_last))
		return;
	if (n->d.has_ip && !brain_ip_unref_at(b, n, &n->d.ip))
		return;
	for (i = 0; i < n->d.n_ips && i < DEV_MAX_IPS; i++)
		if (!brain_ip_unref_at(b, n, &n->d.ips[i]))
			return;
	for (i = 0; i < n->n_seen && i < BRAIN_ROUTER_IPS; i++)
		if (!brain_ip_unref_at(b, n, &n->seen[i]))
			return;
	for (e = b->ip_lru; e != NULL && n->ip_dev_refs + n->ip_want_refs >
	    0; e = e->lru_next)
		brain_ip_unref_one(e, n);
}

static struct brain_dev *
brain_find_ip(struct brain *b, const struct dev_ip *ip)
{
	struct brain_ipent *e = brain_ip_entry(b, ip);

	return e != NULL ? e->dev : NULL;
}

static void
brain_ip_own(struct brain *b, const struct dev_ip *ip, struct brain_dev *n)
{
	struct brain_ipent *e = brain_ip_entry(b, ip);
	uint32_t h;

	if (e == NULL) {
		if (b->nip >= b->ip_cap)
			brain_ip_evict(b);
		e = xcalloc(1, sizeof(*e));
		e->ip = *ip;
		h = brain_ip_bucket(b, ip);
		e->next = b->ip_tab[h];
		b->ip_tab[h] = e;
		b->memo_ip[brain_memo_ip(ip)] = NULL;
		brain_lru_push(b, e);
		b->nip++;
	}
	brain_ipent_dev(e, n);
}

static void brain_touch(struct brain *, struct brain_dev *, uint8_t,
    uint64_t);

/* The MAC that wanted an address gets it (its holder routes). */
static struct brain_dev *
brain_ip_give(struct brain *b, struct brain_ipent *e, uint64_t ts)
{
	struct brain_dev *w = e->want;

	brain_ipent_want(e, NULL);
	if (w == NULL || (w->d.flags & DEV_F_ROUTER))
		return NULL;
	brain_ipent_dev(e, w);
	if (!w->d.has_ip || (dev_ip_is4(&e->ip) && !dev_ip_is4(&w->d.ip))) {
		if (dev_set_ip(&w->d, &e->ip)) {
			w->d.unsaved = true;
			brain_touch(b, w, CH_IP, ts);
		}
	}
	return w;
}

static void
brain_ip_disown(struct brain *b, struct brain_dev *n, uint64_t ts)
{
	struct brain_ipent *e;

	for (e = b->ip_lru; e != NULL && n->ip_dev_refs > 0; e = e->lru_next)
		if (e->dev == n) {
			brain_ipent_dev(e, NULL);
			if (e->want != n)
				(void)brain_ip_give(b, e, ts);
		}
}

static void
brain_touch(struct brain *b, struct brain_dev *n, uint8_t changes,
    uint64_t ts)
{
	n->changes |= changes;
	if (ts > n->ts_us)
		n->ts_us = ts;
	if (n->touched)
		return;
	if (b->ntouched == b->tcap) {
		b->tcap = b->tcap ? b->tcap * 2 : 64;
		b->touched = xreallocarray(b->touched, b->tcap,
		    sizeof(*b->touched));
	}
	b->touched[b->ntouched++] = n;
	n->touched = true;
}

static bool brain_gw_local(const struct brain *, const struct brain_dev *,
    const struct dev_ip *);
static const struct brain_gw *brain_gw_find(const struct brain *,
    const struct dev_ip *);
static void brain_vendor_claim(struct brain *, struct brain_dev *,
    const char *, const char *, unsigned, const char *, uint64_t);

static void brain_alert_full(struct brain *, const uint8_t *, uint16_t,
    uint64_t);

/* A device that leaves the inventory leaves the database at the next
 * save (if it ever got there). */
static void
brain_forget(struct brain *b, const struct device *d)
{
	if (d->id == 0)
		return;
	b->forget = xreallocarray(b->forget, b->nforget + 1,
	    sizeof(*b->forget));
	b->forget[b->nforget++] = d->id;
}

/*
 * Room for a device seen with a MAC: the device least recently seen
 * (before ts, so never one the event at hand is about) among those
 * known only by an address behind a router; for one seen with an
 * address too (confirmed), also among those known by a MAC that never
 * had an address (a DHCP flood's).  A flood of spoofed sources fills
 * the table with such entries, and they must not keep a ward's real
 * devices out, in this run or, from the database, the next; a flood of
 * new MACs cannot push out a device that ever had an address.
 */
/* 2: known by address behind a router; 1: never had an address; 0. */
static int
brain_evict_rank(const struct brain_dev *n)
{
	if (n->d.flags & DEV_F_ROUTED)
		return 2;
	if (!n->d.has_ip && n->d.n_ips == 0)
		return 1;
	return 0;
}

static bool
brain_evict(struct brain *b, bool confirmed, uint64_t ts)
{
	struct brain_dev *n, *v = NULL;
	struct brain_dev **pp;
	size_t i, k;
	int rank;
	bool walked;

	/*
	 * The victim: a device known by address behind a router (rank 2)
	 * before one that never had an address (rank 1, only for a
	 * confirmed newcomer), the least recently seen first; never one
	 * seen at ts, never a router.  One walk of the table keeps the
	 * BRAIN_EVICT_BATCH best, so that a flood of new MACs on a full
	 * table costs one walk per batch, not one per newcomer; a walk
	 * that finds none waits a second of traffic (the table holds
	 * devices with addresses then: nothing to take the place of).
	 */
	for (walked = false;; walked = true) {
		while (v == NULL && b->evq_pos < b->nevq) {
			if (b->evq_rank[b->evq_pos] == 1 && !confirmed)
				return false;	/* the rest: for confirmed */
			n = b->evq[b->evq_pos];
			rank = brain_evict_rank(n);
			if (!(n->merged || n->evicted ||
			    n->d.last_us != b->evq_last[b->evq_pos] ||
			    n->d.last_us >= ts || (n->d.flags & DEV_F_ROUTER) ||
			    rank == 0 || (rank == 1 && !confirmed)))
				v = n;
			b->evq_pos++;
		}
		if (v != NULL)
			break;
		if (walked || ts < b->evict_none_until)
			return false;
		b->nevq = b->evq_pos = 0;
		ctr_inc(b->ctr, CTR_DEV_EVICT_WALKS);
		for (i = 0; i < b->ndevs; i++) {
			n = b->devs[i];
			if (n->merged || n->evicted || n->d.last_us >= ts ||
			    (n->d.flags & DEV_F_ROUTER) ||
			    (rank = brain_evict_rank(n)) == 0)
				continue;
			/* In order: rank down, last_us up, then the table's
			 * order (a tie goes to the earlier). */
			for (k = b->nevq; k > 0 && (rank > b->evq_rank[k - 1] ||
			    (rank == b->evq_rank[k - 1] &&
			    n->d.last_us < b->evq_last[k - 1])); k--)
				;
			if (k == BRAIN_EVICT_BATCH)
				continue;
			if (b->nevq < BRAIN_EVICT_BATCH)
				b->nevq++;
			memmove(&b->evq[k + 1], &b->evq[k],
			    (b->nevq - 1 - k) * sizeof(b->evq[0]));
			memmove(&b->evq_last[k + 1], &b->evq_last[k],
			    (b->nevq - 1 - k) * sizeof(b->evq_last[0]));
			memmove(&b->evq_rank[k + 1], &b->evq_rank[k],
			    (b->nevq - 1 - k) * sizeof(b->evq_rank[0]));
			b->evq[k] = n;
			b->evq_last[k] = n->d.last_us;
			b->evq_rank[k] = (uint8_t)rank;
		}
		if (b->nevq == 0)
			b->evict_none_until = ts + 1000000;
	}
	if (v == NULL)
		return false;
	if (!(v->d.flags & DEV_F_ROUTED)) {
		for (pp = &b->mac_tab[brain_mac_bucket(b, v->d.mac)];
		    *pp != NULL && *pp != v; pp = &(*pp)->mac_next)
			;
		if (*pp == v)
			*pp = v->mac_next;
		b->memo_dev[brain_memo_mac(v->d.mac)] = NULL;
	}
	brain_ip_unref(b, v);
	brain_forget(b, &v->d);
	brain_policy_forget(b, v);
	v->evicted = true;
	b->ngone++;
	ctr_inc(b->ctr, CTR_DEV_EVICTED);
	return true;
}

/*
 * A zeroed node: all-zero is an empty device (dev_init), whose value
 * and evidence arrays grow as they fill.  dev_free() releases them in
 * brain_free().  When the table is full, a device seen with a MAC and
 * an address (evict) takes the place of a weaker one; anything else
 * is counted, and the first time raises an alert.
 */
static struct brain_dev *
brain_alloc(struct brain *b, const uint8_t *mac, uint16_t vlan,
    bool confirmed, uint64_t ts)
{
	if (b->ndevs - b->ngone >= b->cfg.max_devices &&
	    !(mac != NULL && ts != 0 && brain_evict(b, confirmed, ts))) {
		ctr_inc(b->ctr, CTR_DEV_TABLE_FULL);
		if (ts != 0)
			brain_alert_full(b, mac, vlan, ts);
		return NULL;
	}
	return xcalloc(1, sizeof(struct brain_dev));
}

/* Add a filled node to the tables (from the database or new). */
static void
brain_insert(struct brain *b, struct brain_dev *n)
{
	const struct device *d = &n->d;
	uint32_t h;

	if (b->ndevs == b->devcap) {
		b->devcap = b->devcap ? b->devcap * 2 : 64;
		b->devs = xreallocarray(b->devs, b->devcap, sizeof(*b->devs));
	}
	b->devs[b->ndevs++] = n;
	if (!(d->flags & DEV_F_ROUTED)) {
		h = brain_mac_bucket(b, d->mac);
		n->mac_next = b->mac_tab[h];
		b->mac_tab[h] = n;
		b->memo_dev[brain_memo_mac(d->mac)] = NULL;
	}
	if (d->has_ip)
		brain_ip_own(b, &d->ip, n);	/* a router's: its own */
}

static void
brain_mark_shown(struct brain_dev *n)
{
	const struct dev_value *v;
	int a;

	for (a = 0; a < DEV_A_MAX; a++) {
		v = dev_best(&n->d, (enum dev_attr)a);
		strlcpy(n->shown[a], v != NULL ? v->value : "",
		    sizeof(n->shown[a]));
	}
	n->shown_ip = n->d.ip;
	n->shown_has_ip = n->d.has_ip;
}

static struct brain_dev *
brain_new_dev(struct brain *b, const uint8_t *mac, uint16_t vlan,
    const struct dev_ip *ip, bool confirmed, uint64_t ts)
{
	struct brain_dev *n;
	struct device *d;
	const char *org, *hv;

	if ((n = brain_alloc(b, mac, vlan, confirmed, ts)) == NULL)
		return NULL;
	d = &n->d;
	if (mac != NULL) {
		memcpy(d->mac, mac, 6);
		if (mac[0] & 0x02)
			d->flags |= DEV_F_PRIVMAC;
	} else
		d->flags |= DEV_F_ROUTED;
	d->vlan = vlan;
	if (ip != NULL) {
		d->ip = *ip;
		d->has_ip = true;
	}
	d->first_us = d->last_us = ts;
	d->unsaved = true;
	brain_insert(b, n);
	hv = mac != NULL ? oui_hypervisor(mac) : NULL;
	if (mac != NULL && b->oui != NULL &&
	    (org = oui_lookup(b->oui, mac)) != NULL) {
		dev_add_evidence(&n->d, BRAIN_KEY(OUI_VENDOR), org, ts);
		if (hv == NULL)
			brain_vendor_claim(b, n, org, "oui", claims_confidence(
			    &b->claims, EVIDENCE_OUI_VENDOR), NULL, ts);
	}
	/*
	 * A hypervisor's prefix names the maker of the virtual NIC, never
	 * of the interface engine or PACS inside: a fact of its own, and
	 * the vendor is left to the product's evidence (HL7 MSH-3, DICOM
	 * implementation class UID, ...).
	 */
	if (hv != NULL)
		dev_add_evidence(&n->d, BRAIN_KEY(VM_HYPERVISOR), hv, ts);
	brain_touch(b, n, CH_NEW, ts);
	return n;
}

/* A vendor name from the wire or the registry, in its canonical
 * spelling where the fingerprint file knows one. */
static void
brain_vendor_claim(struct brain *b, struct brain_dev *n, const char *name,
    const char *source, unsigned conf, const char *rule, uint64_t ts)
{
	const char *canon = b->fp != NULL ? fpdb_vendor(b->fp, name) : NULL;

	if (canon == NULL)
		conf = conf * 3 / 4;	/* an unknown spelling counts less */
	if (dev_claim(&n->d, DEV_A_VENDOR, canon != NULL ? canon : name, conf,
	    source, rule, ts))
		brain_touch(b, n, CH_IDENTITY, ts);
}

static bool
brain_ip_usable(const struct dev_ip *ip)
{
	static const uint8_t zero[16];
	const uint8_t *a = ip->a + 12;

	if (memcmp(ip->a, zero, 16) == 0)
		return false;
	if (dev_ip_is4(ip))
		return a[0] != 0 && a[0] < 224 &&
		    !(a[0] == 127) && !(a[3] == 255 && a[2] == 255);
	return ip->a[0] != 0xff && !(ip->a[0] == 0 && ip->a[15] <= 1);
}

static uint32_t
brain_ip4(const struct dev_ip *ip)
{
	const uint8_t *a = ip->a + 12;

	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
}

static uint32_t
brain_mask(uint8_t plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

/*
 * An address that names no one device: a subnet's broadcast or network
 * address (a subnet a DHCP server described, /30 or wider) or an
 * address seen as the destination of a frame to ff:ff:ff:ff:ff:ff.
 * Limited broadcast and multicast are not usable at all.
 */
/* The place of a broadcast address in b->bcast, or -1. */
static ssize_t
brain_bcast_find(const struct brain *b, uint32_t a)
{
	size_t i;

	for (i = 0; i < b->nbcast; i++)
		if (b->bcast[i] == a)
			return (ssize_t)i;
	return -1;
}

void
brain_net_index(struct brain *b)
{
	unsigned host = 32;
	size_t i;

	b->gw_bloom = 0;
	for (i = 0; i < b->ngw; i++)
		b->gw_bloom |= 1ull << (b->gw[i].ip.a[15] & 63);
	for (i = 0; i < b->nsubnet; i++)
		if (b->subnet[i].plen <= 30 &&
		    32u - b->subnet[i].plen < host)
			host = 32u - b->subnet[i].plen;
	b->subnet_low = host == 32 ? 0 : (1u << host) - 1;
}

static bool
brain_ip_group(const struct brain *b, const struct dev_ip *ip)
{
	uint32_t a, m, low = b->subnet_low;
	size_t i;

	if (!dev_ip_is4(ip))
		return false;
	a = brain_ip4(ip);
	/* The host bits of a network or broadcast address are all 0 or
	 * all 1, the lowest of them too: most addresses need no walk. */
	if (low == 0 || ((a & low) != 0 && (a & low) != low))
		return brain_bcast_find(b, a) != -1;
	for (i = 0; i < b->nsubnet; i++) {
		m = brain_mask(b->subnet[i].plen);
		if (b->subnet[i].plen > 30 || (a & m) != b->subnet[i].net)
			continue;
		if ((a & ~m) == 0 || (a & ~m) == ~m)
			return true;
	}
	return brain_bcast_find(b, a) != -1;
}

static void
brain_bcast_add(struct brain *b, const struct dev_ip *ip)
{
	uint32_t a;

	if (!dev_ip_is4(ip))
		return;
	a = brain_ip4(ip);
	if (brain_bcast_find(b, a) != -1)
		return;
	if (b->nbcast == BRAIN_MAX_BROADCASTS) {
		ctr_inc(b->ctr, CTR_DEV_ADDR_TABLE_FULL);
		return;
	}
	b->bcast[b->nbcast++] = a;
	b->net_changed = true;
}

/* A DHCP server gave the address to a client: it is no broadcast. */
static void
brain_bcast_del(struct brain *b, const struct dev_ip *ip)
{
	ssize_t i;

	if (dev_ip_is4(ip) && (i = brain_bcast_find(b, brain_ip4(ip))) != -1) {
		b->bcast[i] = b->bcast[--b->nbcast];
		b->net_changed = true;
	}
}

/* The subnet an address is in (the first described), or -1. */
static ssize_t
brain_subnet_of(const struct brain *b, const struct dev_ip *ip)
{
	uint32_t a;
	size_t i;

	if (!dev_ip_is4(ip))
		return -1;
	a = brain_ip4(ip);
	for (i = 0; i < b->nsubnet; i++)
		if ((a & brain_mask(b->subnet[i].plen)) == b->subnet[i].net)
			return (ssize_t)i;
	return -1;
}

/* A client on a known VLAN holds an address: its subnet is there. */
static void
brain_subnet_vlan(struct brain *b, const struct dev_ip *ip, uint16_t vlan)
{
	ssize_t k = brain_subnet_of(b, ip);

	if (k >= 0 && !b->subnet[k].vlan_known) {
		b->subnet[k].vlan = vlan;
		b->subnet[k].vlan_known = true;
		b->net_changed = true;
	}
}

/* The MAC sends for too many addresses, or from a gateway address of
 * its VLAN: it routes.  Its identity so far was borrowed from the hosts
 * behind it: start again.  own: its gateway address, or NULL. */
static void
brain_make_router(struct brain *b, struct brain_dev *n,
    const struct dev_ip *own, uint64_t ts)
{
	struct device *d = &n->d;
	const struct dev_ip *gw;
	size_t i, k;

	d->flags |= DEV_F_ROUTER;
	for (i = 0; i < DEV_A_MAX; i++)
		dev_attr_clear(d, (enum dev_attr)i);
	for (i = k = 0; i < d->n_evidence; i++)
		if (strcmp(d->evidence[i].key, BRAIN_KEY(OUI_VENDOR)) == 0 ||
		    strcmp(d->evidence[i].key, BRAIN_KEY(VM_HYPERVISOR)) == 0)
			d->evidence[k++] = d->evidence[i];
	d->n_evidence = k;
	for (i = 0; i < k; i++)
		if (strcmp(d->evidence[i].key, BRAIN_KEY(OUI_VENDOR)) == 0 &&
		    oui_hypervisor(d->mac) == NULL)
			brain_vendor_claim(b, n, d->evidence[i].value, "oui",
			    claims_confidence(&b->claims, EVIDENCE_OUI_VENDOR),
			    NULL, ts);
	dev_add_evidence(d, BRAIN_KEY(BEHAVIOUR), "router", ts);
	brain_ip_disown(b, n, ts);
	/* Its own address is the one DHCP names as a gateway on its VLAN,
	 * if any. */
	gw = own;
	if (gw == NULL && d->has_ip && brain_gw_local(b, n, &d->ip))
		gw = &d->ip;
	for (i = 0; gw == NULL && i < n->n_seen; i++)
		if (brain_gw_local(b, n, &n->seen[i]))
			gw = &n->seen[i];
	if (gw != NULL) {
		d->ip = *gw;
		brain_ip_own(b, gw, n);
	}
	d->has_ip = gw != NULL;
	d->n_ips = 0;
	d->unsaved = true;
	brain_touch(b, n, CH_IDENTITY | CH_IP, ts);
}

/*
 * A host known by address behind a router turns out to be a MAC on a
 * VLAN the sensor watches (the copy of a routed packet on the sender's
 * VLAN comes before the one on the receiver's): one host, one device.
 * The node stays in memory, marked, until brain_settle() drops it: a
 * caller may still hold it.  One already reported gets a last record,
 * "merged", naming the device it is now part of, and leaves the
 * database: a SIEM that saw it knows where it went.
 */
static void brain_emit_merged(struct brain *, struct brain_dev *,
    struct brain_dev *, uint64_t);

static void
brain_merge(struct brain *b, struct brain_dev *from, struct brain_dev *to,
    uint64_t ts)
{
	const struct dev_value *v;
	struct brain_ipent *e;
	bool ch = false;
	size_t i, k;
	int a;

	for (i = 0; i < from->d.n_evidence; i++)
		if (dev_add_evidence(&to->d, from->d.evidence[i].key,
		    from->d.evidence[i].value, from->d.evidence[i].first_us))
			to->d.evidence_new = true;
	for (a = 0; a < DEV_A_MAX; a++)
		for (i = 0; i < from->d.attr[a].n; i++) {
			v = &from->d.attr[a].v[i];
			for (k = 0; k < v->n_claims; k++)
				ch |= dev_claim(&to->d, (enum dev_attr)a,
				    v->value, v->claims[k].confidence,
				    v->claims[k].source, v->claims[k].rule[0] ?
				    v->claims[k].rule : NULL, v->first_us);
		}
	to->d.flows += from->d.flows;
	to->d.packets += from->d.packets;
	to->d.bytes += from->d.bytes;
	if (from->d.first_us < to->d.first_us)
		to->d.first_us = from->d.first_us;
	if (from->d.last_us > to->d.last_us)
		to->d.last_us = from->d.last_us;
	to->d.unsaved = true;
	for (e = b->ip_lru; e != NULL && from->ip_dev_refs +
	    from->ip_want_refs > 0; e = e->lru_next) {
		if (e->dev == from)
			brain_ipent_dev(e, to);
		if (e->want == from)
			brain_ipent_want(e, NULL);
	}
	brain_peers_merge(b, to, from);
	from->merged = true;
	b->ngone++;		/* dropped at the end of the tick */
	ctr_inc(b->ctr, CTR_DEV_MERGED);
	if (from->d.announced)
		brain_emit_merged(b, from, to, ts);
	brain_forget(b, &from->d);
	brain_policy_forget(b, from);
	brain_touch(b, to, ch ? CH_IDENTITY : 0, ts);
}

/* A flow says this MAC used this address. */
static void
brain_bind_ip(struct brain *b, struct brain_dev *n, const struct dev_ip *ip,
    uint64_t ts)
{
	struct brain_dev *owner;
	uint8_t i;

	/* A gateway address of its VLAN (DHCP option 3) is a router's. */
	if (brain_gw_local(b, n, ip)) {
		brain_make_router(b, n, ip, ts);
		return;
	}
	if (n->d.has_ip && memcmp(&n->d.ip, ip, sizeof(*ip)) == 0)
		return;
	for (i = 0; i < n->n_seen; i++)
		if (memcmp(&n->seen[i], ip, sizeof(*ip)) == 0)
			break;
	if (i == n->n_seen && dev_ip_is4(ip)) {
		if (n->n_seen + 1 >= BRAIN_ROUTER_IPS) {
			brain_make_router(b, n, NULL, ts);
			return;
		}
		n->seen[n->n_seen++] = *ip;
	}
	owner = brain_find_ip(b, ip);
	if (owner != NULL && owner != n && (owner->d.flags & DEV_F_ROUTED)) {
		brain_merge(b, owner, n, ts);
		owner = NULL;
	}
	if (owner != NULL && owner != n && !(owner->d.flags & DEV_F_ROUTED)) {
		/* Another MAC holds it: only DHCP moves it, or the holder
		 * turning out to be a router that forwarded for it. */
		brain_ipent_want(brain_ip_entry(b, ip), n);
		return;
	}
	brain_ip_own(b, ip, n);
	/* A host known by address behind a router: if this MAC turns out
	 * to be that router, the address goes back to it. */
	if (owner != NULL && owner != n)
		brain_ipent_want(brain_ip_entry(b, ip), owner);
	/* The current address is the IPv4 one; IPv6 ones only when the
	 * device has no other.  A flow does not move an address a DHCP
	 * server gave: it may have started before the lease. */
	if (n->d.has_ip && dev_ip_is4(&n->d.ip) && !dev_ip_is4(ip))
		return;
	if (n->d.has_ip && n->lease_us != 0)
		return;
	if (dev_set_ip(&n->d, ip)) {
		n->d.unsaved = true;
		brain_touch(b, n, CH_IP, ts);
	}
}

static ssize_t
brain_gw_index(const struct brain *b, const struct dev_ip *ip)
{
	uint32_t last, gl;
	size_t i;

	/* Every flow's ends are asked about here: most addresses are no
	 * gateway's by their last byte, the rest by their last four. */
	if (!(b->gw_bloom & (1ull << (ip->a[15] & 63))))
		return -1;
	memcpy(&last, ip->a + 12, sizeof(last));
	for (i = 0; i < b->ngw; i++) {
		memcpy(&gl, b->gw[i].ip.a + 12, sizeof(gl));
		if (gl == last &&
		    memcmp(&b->gw[i].ip, ip, sizeof(*ip)) == 0)
			return (ssize_t)i;
	}
	return -1;
}

static const struct brain_gw *
brain_gw_find(const struct brain *b, const struct dev_ip *ip)
{
	ssize_t k = brain_gw_index(b, ip);

	return k >= 0 ? &b->gw[k] : NULL;
}

/*
 * A gateway address is a router's own on the VLAN the address serves.
 * A relay puts its address on the client's segment in giaddr and the
 * server answers to it, so the router interface on the server's VLAN
 * is seen with the addresses of the other segments' gateways: those
 * are the same router's, on other VLANs, never this interface's.  A
 * gateway whose VLAN is not known yet is no one's.
 */
static bool
brain_gw_local(const struct brain *b, const struct brain_dev *n,
    const struct dev_ip *ip)
{
	const struct brain_gw *g = brain_gw_find(b, ip);
	ssize_t k;

	if (g == NULL)
		return false;
	if (g->vlan_known)
		return g->vlan == n->d.vlan;
	k = brain_subnet_of(b, ip);
	return k >= 0 && b->subnet[k].vlan_known &&
	    b->subnet[k].vlan == n->d.vlan;
}

/* The device's VLAN is known now (the index is by MAC: no move). */
static void
brain_rekey(struct brain *b, struct brain_dev *n, uint16_t vlan, uint64_t ts)
{
	brain_policy_rekey(b, n);
	n->d.vlan = vlan;
	b->memo_dev[brain_memo_mac(n->d.mac)] = NULL;
	n->d.flags &= (uint8_t)~DEV_F_RELAYED;
	n->d.unsaved = true;
	if (n->d.has_ip && n->lease_us != 0)
		brain_subnet_vlan(b, &n->d.ip, vlan);
	brain_touch(b, n, CH_IDENTITY, ts);
}

/*
 * The client of a relayed DHCP message: the device with that MAC on
 * any VLAN, else a new one whose VLAN is unknown (0, flagged) until
 * its own frames show it.  A sensor that watches only the servers'
 * VLAN learns its clients this way.
 */
static struct brain_dev *
brain_relayed_dev(struct brain *b, const uint8_t mac[6], uint64_t ts)
{
	struct brain_dev *n;

	if (mac[0] & 0x01)
		return NULL;
	if ((n = brain_find_mac_any(b, mac)) != NULL)
		return n;
	if ((n = brain_new_dev(b, mac, 0, NULL, false, ts)) != NULL)
		n->d.flags |= DEV_F_RELAYED;
	return n;
}

/*
 * The device an end of a flow is: by MAC unless the MAC is a router's
 * or a group address, else by address when the address is private.
 */
/* A TTL a sender starts with: no router has counted it down. */
static bool
brain_ttl_initial(uint8_t ttl)
{
	return ttl == 255 || ttl == 128 || ttl == 64 || ttl == 32;
}

static struct brain_dev *
brain_resolve(struct brain *b, const struct brain_end *e, uint16_t vlan,
    uint64_t ts)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct brain_dev *n = NULL;
	struct brain_ipent *ent;
	bool ipok = e->has_ip && brain_ip_usable(&e->ip);
	bool group = e->has_mac && (e->mac[0] & 0x01);

	if (group || (ipok && brain_ip_group(b, &e->ip))) {
		/*
		 * To a group MAC the address is a broadcast or multicast
		 * one, whatever it looks like; an IPv4 address sent to the
		 * broadcast MAC is one for every later frame too (a router
		 * forwarding a directed broadcast sends it to its own MAC
		 * first).
		 */
		if (ipok && group && memcmp(e->mac, bcast, 6) == 0 &&
		    brain_find_ip(b, &e->ip) == NULL)
			brain_bcast_add(b, &e->ip);
		if (e->has_ip)
			ctr_inc(b->ctr, CTR_DEV_GROUP_ADDRESS);
		return NULL;
	}
	if (e->has_mac) {
		n = brain_find_mac(b, e->mac, vlan);
		if (n == NULL && (n = brain_find_mac(b, e->mac, 0)) != NULL &&
		    !(n->d.flags & DEV_F_RELAYED))
			n = NULL;
		if (n != NULL && (n->d.flags & DEV_F_RELAYED))
			brain_rekey(b, n, vlan, ts);	/* now we know where */
		else if (n == NULL)
			n = brain_new_dev(b, e->mac, vlan, NULL, ipok, ts);
		/* Binding the address may show that the MAC routes. */
		if (n != NULL && !(n->d.flags & DEV_F_ROUTER) && ipok)
			brain_bind_ip(b, n, &e->ip, ts);
		if (n != NULL && !(n->d.flags & DEV_F_ROUTER))
			return n;
		/* A router speaking for itself, from its gateway address. */
		if (n != NULL && ipok && brain_gw_local(b, n, &e->ip)) {
			brain_ip_own(b, &e->ip, n);
			if (!n->d.has_ip) {
				n->d.ip = e->ip;
				n->d.has_ip = true;
				n->d.unsaved = true;
				brain_touch(b, n, CH_IP, ts);
			}
			return n;
		}
	}
	if (!ipok)
		return NULL;
	/*
	 * A router speaking for itself from another interface's address
	 * (a probe, a log line): nothing it forwarded, whose TTL would be
	 * one less than a sender's first.
	 */
	if (n != NULL && brain_ttl_initial(e->ttl) &&
	    brain_ip_entry(b, &e->ip) == NULL)
		return n;
	if ((ent = brain_ip_entry(b, &e->ip)) != NULL) {
		if (ent->dev != NULL)
			return ent->dev;
		if ((n = brain_ip_give(b, ent, ts)) != NULL)
			return n;
	}
	/* A router's interface (another VLAN's gateway): not a host. */
	if (brain_gw_find(b, &e->ip) != NULL)
		return NULL;
	if (!dev_ip_is_private(&e->ip))
		return NULL;
	return brain_new_dev(b, NULL, vlan, &e->ip, false, ts);
}

static bool
brain_vlan_medical(const struct brain *b, uint16_t vlan)
{
	uint32_t i;

	for (i = 0; i < b->cfg.n_medical_vlans; i++)
		if (b->cfg.medical_vlans[i] == vlan)
			return true;
	return false;
}

static void
brain_evidence(struct brain *b, struct brain_dev *n, const char *key,
    const char *value, uint64_t ts)
{
	if (dev_add_evidence(&n->d, key, value, ts)) {
		n->d.unsaved = true;
		brain_touch(b, n, 0, ts);
	}
}

static void
brain_apply_evidence(struct brain *b, const struct brain_ev *ev)
{
	struct brain_dev *n;
	const char *key, *org;
	uint8_t eui[8];
	unsigned conf, flags, hl7_from;
	size_t k;
	int attr;

	if ((key = evidence_key_name(ev->key)) == NULL)
		return;
	flags = evidence_key_flags(ev->key);

	/* A relayed DHCP request: the client's VLAN is not this one. */
	if (ev->vlan == BRAIN_VLAN_RELAYED)
		n = ev->end[0].has_mac ? brain_relayed_dev(b, ev->end[0].mac,
		    ev->ts_us) : NULL;
	else
		n = brain_resolve(b, &ev->end[0], ev->vlan, ev->ts_us);
	if (n == NULL)
		return;
	if (ev->ts_us > n->d.last_us)
		n->d.last_us = ev->ts_us;
	/*
	 * A PACS forwarding studies (C-MOVE, routing) sends data sets
	 * that describe the modality that made them, not itself.
	 */
	if ((flags & EVIDENCE_F_DATASET) &&
	    dev_has_evidence(&n->d, BRAIN_KEY(BEHAVIOUR), "dicom_scp")) {
		ctr_inc(b->ctr, CTR_DEV_FORWARDED_STORE);
		return;
	}
	/* An EUI-64 names its manufacturer by its OUI. */
	if ((flags & EVIDENCE_F_EUI64) &&
	    b->oui != NULL && oui_parse_hex(ev->value, eui, 8) == 0 &&
	    (org = oui_lookup_eui64(b->oui, eui)) != NULL) {
		brain_evidence(b, n, BRAIN_KEY(EUI64_VENDOR), org, ev->ts_us);
		brain_vendor_claim(b, n, org, key, claims_confidence(&b->claims,
		    EVIDENCE_EUI64_VENDOR), NULL, ev->ts_us);
	}
	/*
	 * A name is stored under the general key the fingerprint files
	 * know ("hostname") and claimed under its own, its provenance;
	 * a serial identifies, it does not classify.
	 */
	if (flags & EVIDENCE_F_NAME)
		brain_evidence(b, n, BRAIN_KEY(HOSTNAME), ev->value, ev->ts_us);
	else if (!(flags & EVIDENCE_F_CLAIM))
		brain_evidence(b, n, key, ev->value, ev->ts_us);
	/* Direct claims: the value names an attribute by itself. */
	conf = claims_confidence(&b->claims, (enum evidence_key)ev->key);
	if ((attr = claims_attr(ev->key)) == DEV_A_VENDOR) {
		brain_vendor_claim(b, n, ev->value, key, conf, NULL,
		    ev->ts_us);
		n->d.unsaved = true;
	} else if (attr != -1) {
		if (dev_claim(&n->d, (enum dev_attr)attr, ev->value, conf,
		    key, NULL, ev->ts_us))
			brain_touch(b, n, CH_IDENTITY, ev->ts_us);
		n->d.unsaved = true;
	}
	/* A receiver of HL7 from several senders is an interface engine. */
	if (ev->key == EVIDENCE_HL7_FROM) {
		for (k = 0, hl7_from = 0; k < n->d.n_evidence &&
		    hl7_from < BRAIN_HL7_HUB_PEERS; k++)
			if (strcmp(n->d.evidence[k].key, key) == 0)
				hl7_from++;
		if (hl7_from >= BRAIN_HL7_HUB_PEERS)
			brain_evidence(b, n, BRAIN_KEY(BEHAVIOUR), "hl7_hub",
			    ev->ts_us);
	}
}

static void
brain_apply_flow(struct brain *b, const struct brain_ev *ev)
{
	struct brain_dev *c, *s;
	char port[16];
	int i;

	c = brain_resolve(b, &ev->end[0], ev->vlan, ev->ts_us);
	s = brain_resolve(b, &ev->end[1], ev->vlan, ev->ts_us);
	for (i = 0; i < 2; i++) {
		struct brain_dev *n = i == 0 ? c : s;

		if (n == NULL || (i == 1 && s == c))
			continue;
		n->d.flows++;
		n->d.packets += ev->pkts[0] + ev->pkts[1];
		n->d.bytes += ev->bytes[0] + ev->bytes[1];
		if (ev->ts_us > n->d.last_us)
			n->d.last_us = ev->ts_us;
		n->d.unsaved = true;
	}
	/* A service is what answers on a registered port. */
	if (s != NULL && ev->answered && (ev->proto == 6 || ev->proto == 17) &&
	    ev->dport != 0 && ev->dport < 49152) {
		peers_port_name(port, sizeof(port),
		    ev->proto == 6 ? "tcp" : "udp", ev->dport);
		brain_evidence(b, s, BRAIN_KEY(PORT_SERVER), port, ev->ts_us);
	}
	brain_bl_flow(b, ev, c, s);
	brain_peers_flow(b, ev, c, s);
	/* After the baselines: whether a device learns is theirs. */
	brain_policy_flow(b, ev, c, s);
}

static void
brain_apply_lease(struct brain *b, const struct brain_ev *ev)
{
	struct brain_dev *n, *owner;
	const struct brain_end *e = &ev->end[0];

	if (!e->has_mac || !e->has_ip || !brain_ip_usable(&e->ip))
		return;
	brain_bcast_del(b, &e->ip);
	/* A relayed lease does not say where the client is. */
	if (ev->vlan == BRAIN_VLAN_RELAYED)
		n = brain_relayed_dev(b, e->mac, ev->ts_us);
	else if ((n = brain_find_mac(b, e->mac, ev->vlan)) == NULL)
		n = brain_new_dev(b, e->mac, ev->vlan, NULL, true, ev->ts_us);
	if (n == NULL || (n->d.flags & DEV_F_ROUTER))
		return;
	if (!(n->d.flags & DEV_F_RELAYED))
		brain_subnet_vlan(b, &e->ip, n->d.vlan);
	owner = brain_find_ip(b, &e->ip);
	if (owner != NULL && owner != n && (owner->d.flags & DEV_F_ROUTED)) {
		brain_merge(b, owner, n, ev->ts_us);
		owner = NULL;
	}
	if (owner != NULL && owner != n && owner->d.has_ip &&
	    memcmp(&owner->d.ip, &e->ip, sizeof(e->ip)) == 0) {
		/* The server gave the address to someone else now. */
		owner->d.has_ip = false;
		owner->d.unsaved = true;
		brain_touch(b, owner, CH_IP, ev->ts_us);
	}
	brain_ip_own(b, &e->ip, n);
	n->lease_us = ev->ts_us;
	if (dev_set_ip(&n->d, &e->ip)) {
		n->d.unsaved = true;
		brain_touch(b, n, CH_IP, ev->ts_us);
	}
}

static void
brain_apply_gateway(struct brain *b, const struct brain_ev *ev)
{
	struct brain_gw *g;
	ssize_t k;

	if (!ev->end[0].has_ip || !brain_ip_usable(&ev->end[0].ip))
		return;
	if ((k = brain_gw_index(b, &ev->end[0].ip)) >= 0)
		g = &b->gw[k];
	else {
		if (b->ngw == BRAIN_MAX_GATEWAYS) {
			ctr_inc(b->ctr, CTR_DEV_ADDR_TABLE_FULL);
			return;
		}
		g = &b->gw[b->ngw++];
		g->ip = ev->end[0].ip;
		b->net_changed = true;
		brain_net_index(b);
	}
	if (!g->vlan_known && ev->vlan != BRAIN_VLAN_RELAYED) {
		g->vlan = ev->vlan;
		g->vlan_known = true;
		b->net_changed = true;
	}
}

/*
 * A client's subnet.  Its VLAN is the reply's, or for a relayed reply
 * the client's own, once its frames have shown it (else a later lease
 * or the client's first frame tells, brain_subnet_vlan()).
 */
static void
brain_apply_subnet(struct brain *b, const struct brain_ev *ev)
{
	const struct brain_end *e = &ev->end[0];
	struct brain_subnet *sn;
	struct brain_dev *c;
	uint32_t m;
	size_t i;

	if (!e->has_ip || !dev_ip_is4(&e->ip) || ev->plen == 0 ||
	    ev->plen > 32)
		return;
	m = brain_mask(ev->plen);
	for (i = 0; i < b->nsubnet; i++)
		if (b->subnet[i].plen == ev->plen &&
		    b->subnet[i].net == (brain_ip4(&e->ip) & m))
			break;
	if (i == b->nsubnet) {
		if (b->nsubnet == BRAIN_MAX_SUBNETS) {
			ctr_inc(b->ctr, CTR_DEV_ADDR_TABLE_FULL);
			return;
		}
		sn = &b->subnet[b->nsubnet++];
		sn->net = brain_ip4(&e->ip) & m;
		sn->plen = ev->plen;
		sn->vlan_known = false;
		b->net_changed = true;
		brain_net_index(b);
	}
	sn = &b->subnet[i];
	if (sn->vlan_known)
		return;
	if (ev->vlan != BRAIN_VLAN_RELAYED) {
		sn->vlan = ev->vlan;
		sn->vlan_known = true;
		b->net_changed = true;
	} else if (e->has_mac && (c = brain_find_mac_any(b, e->mac)) != NULL &&
	    !(c->d.flags & DEV_F_RELAYED)) {
		sn->vlan = c->d.vlan;
		sn->vlan_known = true;
		b->net_changed = true;
	}
}

/* The device an alert's end is, if the inventory has it (never made). */
struct brain_dev *
brain_alert_dev(struct brain *b, const struct brain_end *e, uint16_t vlan)
{
	struct brain_dev *n = NULL, *byip;

	if (!b->cfg.enabled)
		return NULL;
	if (e->has_mac && !(e->mac[0] & 0x01))
		n = brain_find_mac(b, e->mac, vlan);
	/* Behind a router the MAC is the router's: the address says. */
	if ((n == NULL || (n->d.flags & DEV_F_ROUTER)) && e->has_ip &&
	    (byip = brain_find_ip(b, &e->ip)) != NULL)
		n = byip;
	return n != NULL && !n->merged ? n : NULL;
}

static int
brain_dev_class(const struct brain_dev *n)
{
	const struct dev_value *cls;
	int c;

	if (n == NULL || (cls = dev_best(&n->d, DEV_A_CLASS)) == NULL ||
	    (c = fp_class_lookup(cls->value)) <= 0)
		return -1;
	return c;
}

static void
brain_alert_dev_obj(const struct brain *b, struct jsonw *jw, const char *key,
    const struct brain_dev *n)
{
	int zone = n != NULL ? brain_dev_zone(b, n) : -1;

	const struct dev_value *v;
	char mac[24];

	if (n == NULL)
		return;
	jsonw_key(jw, key);
	jsonw_obj_open(jw);
	if (!(n->d.flags & DEV_F_ROUTED)) {
		dev_mac_format(n->d.mac, mac, sizeof(mac));
		jsonw_kv_str(jw, "mac", mac);
	}
	v = dev_best(&n->d, DEV_A_CLASS);
	jsonw_kv_str(jw, "class", v != NULL ? v->value : "unknown");
	if ((v = dev_best(&n->d, DEV_A_VENDOR)) != NULL)
		jsonw_kv_str(jw, "vendor", v->value);
	if ((v = dev_best(&n->d, DEV_A_MODEL)) != NULL)
		jsonw_kv_str(jw, "model", v->value);
	if (zone >= 0)
		jsonw_kv_str(jw, "zone", zones_name(b->zones, zone));
	jsonw_obj_close(jw);
}

/*
 * Asked for the ends of every flow and activity, mostly of devices whose
 * zones, VLAN and address have not changed: the last answer is kept in
 * the device (a cache, hence the cast: n is the caller's to read).
 */
int
brain_dev_zone(const struct brain *b, const struct brain_dev *n)
{
	struct brain_dev *c = (struct brain_dev *)(uintptr_t)n;
	int vlan = (n->d.flags & (DEV_F_ROUTED | DEV_F_RELAYED)) ? -1 :
	    n->d.vlan;

	if (n->zone_gen == b->zones_gen && n->zone_vlan == vlan &&
	    n->zone_has_ip == n->d.has_ip && (!n->d.has_ip ||
	    memcmp(&n->zone_ip, &n->d.ip, sizeof(n->d.ip)) == 0))
		return n->zone;
	c->zone = zones_place(b->zones, vlan, n->d.has_ip ? n->d.ip.a : NULL);
	c->zone_gen = b->zones_gen;
	c->zone_vlan = vlan;
	c->zone_has_ip = n->d.has_ip;
	if (n->d.has_ip)
		c->zone_ip = n->d.ip;
	return n->zone;
}

/*
 * The zone of an address: the zones are the same until zones_gen
 * changes, so the answer for (address, vlan) is kept in a slot (a
 * cache, hence the cast, as brain_dev_zone()'s).
 */
int
brain_end_zone(const struct brain *b, const struct brain_end *e, int vlan)
{
	struct brain_zmemo *m;
	size_t k;

	if (!e->has_ip)
		return zones_place(b->zones, vlan, NULL);
	k = ((size_t)e->ip.a[14] << 8 ^ e->ip.a[15] ^ (size_t)vlan * 37) &
	    (BRAIN_ZONE_MEMO - 1);
	m = (struct brain_zmemo *)(uintptr_t)&b->zmemo[k];
	if (m->gen == b->zones_gen && m->vlan == vlan &&
	    memcmp(&m->ip, &e->ip, sizeof(m->ip)) == 0)
		return m->zone;
	m->zone = zones_place(b->zones, vlan, e->ip.a);
	m->ip = e->ip;
	m->vlan = vlan;
	m->gen = b->zones_gen;
	return m->zone;
}

/* The alert window's key, gathered before it is hashed. */
struct brain_keybuf {
	uint8_t		 b[256];
	size_t		 n;
};

static void
brain_key_add(struct brain_keybuf *kb, const void *p, size_t n)
{
	if (n > sizeof(kb->b) - kb->n)
		n = sizeof(kb->b) - kb->n;
	memcpy(kb->b + kb->n, p, n);
	kb->n += n;
}

/* Who a device is, for the alert window's key. */
static void
brain_held_ident(struct brain_keybuf *sb, const struct brain_dev *n,
    const struct brain_end *e)
{
	static const uint8_t none[1];

	if (n != NULL) {
		if (n->d.flags & DEV_F_ROUTED)
			brain_key_add(sb, n->d.ip.a, sizeof(n->d.ip.a));
		else {
			brain_key_add(sb, n->d.mac, sizeof(n->d.mac));
			brain_key_add(sb, &n->d.vlan, sizeof(n->d.vlan));
		}
	} else if (e != NULL && e->has_ip)
		brain_key_add(sb, e->ip.a, sizeof(e->ip.a));
	else
		brain_key_add(sb, none, sizeof(none));
}

/* Keep what is still inside its window; forget the rest. */
static void
brain_held_sweep(struct brain *b, uint64_t now, uint64_t window)
{
	struct brain_held *old = b->held, *h;
	size_t i, j;

	b->held = xcalloc(BRAIN_HELD_SLOTS, sizeof(*b->held));
	b->nheld = 0;
	for (i = 0; i < BRAIN_HELD_SLOTS; i++) {
		if (old[i].key == 0 || old[i].emitted_us + window <= now)
			continue;
		for (j = old[i].key & (BRAIN_HELD_SLOTS - 1);
		    b->held[j].key != 0; j = (j + 1) & (BRAIN_HELD_SLOTS - 1))
			;
		h = &b->held[j];
		*h = old[i];
		b->nheld++;
	}
	free(old);
	/* Everything recent: forget it all rather than stop alerting. */
	if (b->nheld >= BRAIN_HELD_SLOTS / 4 * 3) {
		memset(b->held, 0, BRAIN_HELD_SLOTS * sizeof(*b->held));
		b->nheld = 0;
	}
}

static struct brain_held *
brain_held_find(struct brain *b, uint64_t key)
{
	size_t j;

	for (j = key & (BRAIN_HELD_SLOTS - 1); b->held[j].key != 0;
	    j = (j + 1) & (BRAIN_HELD_SLOTS - 1))
		if (b->held[j].key == key)
			return &b->held[j];
	return &b->held[j];
}

/* An address of a brain end as record_set_tuple() takes it. */
static int
brain_end_addr(const struct dev_ip *ip, uint8_t out[16])
{
	memset(out, 0, 16);
	if (dev_ip_is4(ip)) {
		memcpy(out, ip->a + 12, 4);
		return 4;
	}
	memcpy(out, ip->a, 16);
	return 6;
}

/*
 * Count an alert for a device, for the assessment's findings: per
 * signature until the next save adds the counts to the state.  Past
 * BRAIN_ALERTS_PER_DEV signatures in one save interval the rest are
 * counted as dropped (the alerts themselves were written).
 */
static void
brain_alert_count(struct brain *b, struct brain_dev *n, uint32_t gid,
    uint32_t sid, uint8_t severity, const char *signature, bool as_src,
    uint64_t ts_us)
{
	struct state_alert *a;
	size_t i;

	if (n == NULL || b->state == NULL)
		return;
	for (i = 0; i < n->nalerts; i++)
		if (n->alerts[i].gid == gid && n->alerts[i].sid == sid)
			break;
	if (i == n->nalerts) {
		if (n->nalerts == BRAIN_ALERTS_PER_DEV) {
			ctr_inc(b->ctr, CTR_DEV_ALERT_COUNTS_DROPPED);
			return;
		}
		n->alerts = xreallocarray(n->alerts, n->nalerts + 1,
		    sizeof(*n->alerts));
		a = &n->alerts[n->nalerts++];
		memset(a, 0, sizeof(*a));
		a->gid = gid;
		a->sid = sid;
		a->severity = severity;
		strlcpy(a->signature, signature != NULL ? signature : "",
		    sizeof(a->signature));
		a->first_us = ts_us;
	}
	a = &n->alerts[i];
	if (as_src)
		a->as_src++;
	else
		a->as_dst++;
	if (ts_us < a->first_us)
		a->first_us = ts_us;
	if (ts_us > a->last_us)
		a->last_us = ts_us;
	n->d.unsaved = true;
}

bool
brain_explain(struct brain *b, const struct brain_explain *x)
{
	struct brain_dev *src = x->dev_is_src ? x->dev : x->peer;
	struct brain_dev *dst = x->dev_is_src ? x->peer : x->dev;
	const struct dev_ip *sip = NULL, *dip = NULL;
	uint64_t window = (uint64_t)b->cfg.alert_window * 1000000, key;
	uint8_t sa[16], da[16];
	struct brain_held *h;
	struct brain_keybuf sb;
	struct jsonw *jw;
	struct record *r;
	uint32_t count;
	int v;

	sb.n = 0;
	brain_key_add(&sb, &x->gid, sizeof(x->gid));
	brain_key_add(&sb, &x->sid, sizeof(x->sid));
	brain_held_ident(&sb, x->dev, NULL);
	brain_held_ident(&sb, x->peer, x->peer_end);
	if (x->reason != NULL)
		brain_key_add(&sb, x->reason, strlen(x->reason));
	if ((key = siphash13(&b->hkey, sb.b, sb.n)) == 0)
		key = 1;
	h = brain_held_find(b, key);
	if (h->key == key && window > 0 && x->ts_us < h->emitted_us + window) {
		h->held++;
		ctr_inc(b->ctr, CTR_DEV_JUDGED_HELD);
		return false;
	}
	if (h->key != key && b->nheld + 1 >= BRAIN_HELD_SLOTS / 4 * 3) {
		brain_held_sweep(b, x->ts_us, window);
		h = brain_held_find(b, key);
	}
	count = h->key == key ? h->held + 1 : 1;
	if (h->key != key) {
		h->key = key;
		b->nheld++;
	}
	h->emitted_us = x->ts_us;
	h->held = 0;

	if ((jw = record_begin(&b->rw, RECORD_ALERT, "alert", x->ts_us)) ==
	    NULL)
		return false;
	r = record_head(&b->rw);
	if (x->ev != NULL) {
		if (x->ev->vlan != 0 && x->ev->vlan != BRAIN_VLAN_RELAYED)
			record_set_vlan(r, &x->ev->vlan, 1);
		if (x->ev->end[0].has_ip && x->ev->end[1].has_ip) {
			v = brain_end_addr(&x->ev->end[0].ip, sa);
			if (brain_end_addr(&x->ev->end[1].ip, da) == v)
				record_set_tuple(r, v, sa, da, x->ev->sport,
				    x->ev->dport, x->ev->proto);
		}
	} else {
		if (src != NULL && src->d.has_ip)
			sip = &src->d.ip;
		if (dst != NULL && dst->d.has_ip)
			dip = &dst->d.ip;
		if (x->peer == NULL && x->peer_end != NULL &&
		    x->peer_end->has_ip) {
			if (x->dev_is_src)
				dip = &x->peer_end->ip;
			else
				sip = &x->peer_end->ip;
		}
		if (sip != NULL && dip != NULL) {
			v = brain_end_addr(sip, sa);
			if (brain_end_addr(dip, da) == v)
				record_set_tuple(r, v, sa, da, 0, 0, 0);
		}
	}
	record_alert_open(&b->rw, x->gid, x->sid, x->rev, x->severity,
	    x->signature, x->category);
	jsonw_obj_close(jw);
	if (x->obj_key != NULL) {
		jsonw_key(jw, x->obj_key);
		jsonw_obj_open(jw);
		if (x->obj != NULL)
			x->obj(jw, x->arg);
		jsonw_kv_uint(jw, "count", count);
		jsonw_obj_close(jw);
	}
	jsonw_key(jw, "wardwatch");
	jsonw_obj_open(jw);
	brain_alert_dev_obj(b, jw, "src_device", src);
	brain_alert_dev_obj(b, jw, "dest_device", dst);
	jsonw_obj_close(jw);
	if (record_commit(&b->rw) != 0)
		return false;
	ctr_inc(b->ctr, CTR_DEV_JUDGED_ALERTS);
	/* By the flow's direction: a device judged for what it accepted
	 * was its destination. */
	brain_alert_count(b, x->dev, x->gid, x->sid, x->severity,
	    x->signature, x->dev_is_src, x->ts_us);
	return true;
}

/* A rule alert for one end: counted now, or when its device exists. */
static void
brain_alert_tally(struct brain *b, struct brain_dev *n,
    const struct brain_end *e, uint16_t vlan,
    const struct detect_rule_info *ri, bool as_src, uint64_t ts_us)
{
	struct brain_alert_pend *p;
	size_t i;

	if (b->state == NULL || !b->cfg.enabled)
		return;
	if (n != NULL) {
		brain_alert_count(b, n, ri->gid, ri->sid, ri->severity,
		    ri->msg, as_src, ts_us);
		return;
	}
	if (!e->has_mac && !e->has_ip)
		return;
	for (i = 0; i < b->napend; i++) {
		p = &b->apend[i];
		if (p->a.gid == ri->gid && p->a.sid == ri->sid &&
		    p->as_src == as_src && p->vlan == vlan &&
		    memcmp(&p->end, e, sizeof(*e)) == 0) {
			p->a.as_src++;
			p->a.last_us = ts_us;
			return;
		}
	}
	if (b->napend == BRAIN_ALERTS_PENDING) {
		ctr_inc(b->ctr, CTR_DEV_ALERT_COUNTS_DROPPED);
		return;
	}
	if (b->apend == NULL)
		b->apend = xcalloc(BRAIN_ALERTS_PENDING, sizeof(*b->apend));
	p = &b->apend[b->napend++];
	memset(p, 0, sizeof(*p));
	p->end = *e;
	p->vlan = vlan;
	p->as_src = as_src;
	p->a.gid = ri->gid;
	p->a.sid = ri->sid;
	p->a.severity = ri->severity;
	strlcpy(p->a.signature, ri->msg != NULL ? ri->msg : "",
	    sizeof(p->a.signature));
	p->a.as_src = 1;
	p->a.first_us = p->a.last_us = ts_us;
}

/* Pending alerts whose device the inventory now has. */
static void
brain_alert_resolve(struct brain *b)
{
	struct brain_alert_pend *p;
	struct brain_dev *n;
	struct state_alert *a;
	size_t i, k, j;

	for (i = k = 0; i < b->napend; i++) {
		p = &b->apend[i];
		if ((n = brain_alert_dev(b, &p->end, p->vlan)) == NULL) {
			b->apend[k++] = *p;
			continue;
		}
		brain_alert_count(b, n, p->a.gid, p->a.sid, p->a.severity,
		    p->a.signature, p->as_src, p->a.first_us);
		for (j = 0; j < n->nalerts; j++) {
			a = &n->alerts[j];
			if (a->gid != p->a.gid || a->sid != p->a.sid)
				continue;
			/* The first was counted above; the rest here. */
			if (p->as_src)
				a->as_src += p->a.as_src - 1;
			else
				a->as_dst += p->a.as_src - 1;
			if (p->a.last_us > a->last_us)
				a->last_us = p->a.last_us;
		}
	}
	b->napend = k;
}

/*
 * A rule matched (on a worker): thresholds, suppressions and device
 * classes decide here, in event order, whether it is an alert; then the
 * record, as Suricata writes one, with the devices at both ends.
 */
static void
brain_apply_alert(struct brain *b, const struct brain_ev *ev)
{
	const struct detect_rule_info *ri;
	struct brain_dev *src, *dst;
	struct jsonw *jw;
	struct record *r;
	size_t i, j;

	if (b->detect == NULL || ev->rule >= detect_rules_loaded(b->detect))
		goto out;
	ri = detect_rule(b->detect, ev->rule);
	src = brain_alert_dev(b, &ev->end[0], ev->vlan);
	dst = brain_alert_dev(b, &ev->end[1], ev->vlan);
	if (!detect_alert_filter(b->filter, ev->rule, ev->src, ev->dst,
	    ev->ipver, ev->ts_us, brain_dev_class(src), brain_dev_class(dst)))
		goto out;
	if (ri->noalert || ri->action == DETECT_PASS)
		goto out;
	if ((jw = record_begin(&b->rw, RECORD_ALERT, "alert", ev->ts_us)) ==
	    NULL)
		goto out;
	r = record_head(&b->rw);
	r->flow_id = ev->flow_id;
	if (ev->vlan != 0 && ev->vlan != BRAIN_VLAN_RELAYED)
		record_set_vlan(r, &ev->vlan, 1);
	if (ev->ipver == 4 || ev->ipver == 6)
		record_set_tuple(r, ev->ipver, ev->src, ev->dst, ev->sport,
		    ev->dport, ev->proto);
	if (ev->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", ev->pcap_cnt);
	jsonw_kv_str(jw, "direction", ev->dir == 1 ? "to_client" :
	    "to_server");
	record_alert_open(&b->rw, ri->gid, ri->sid, ri->rev, ri->severity,
	    ri->msg, ri->category);
	if (ri->n_meta > 0) {
		/* Suricata's object of string lists: a key's values together. */
		jsonw_key(jw, "metadata");
		jsonw_obj_open(jw);
		for (i = 0; i < ri->n_meta; i++) {
			for (j = 0; j < i; j++)
				if (strcmp(ri->meta_keys[j],
				    ri->meta_keys[i]) == 0)
					break;
			if (j < i)
				continue;
			jsonw_key(jw, ri->meta_keys[i]);
			jsonw_arr_open(jw);
			for (j = i; j < ri->n_meta; j++)
				if (strcmp(ri->meta_keys[j],
				    ri->meta_keys[i]) == 0)
					jsonw_str(jw, ri->meta_values[j]);
			jsonw_arr_close(jw);
		}
		jsonw_obj_close(jw);
	}
	jsonw_obj_close(jw);
	if (ev->json != NULL && ev->json_len > 0)
		jsonw_raw(jw, ev->json, ev->json_len);
	if (src != NULL || dst != NULL) {
		jsonw_key(jw, "wardwatch");
		jsonw_obj_open(jw);
		brain_alert_dev_obj(b, jw, "src_device", src);
		brain_alert_dev_obj(b, jw, "dest_device", dst);
		jsonw_obj_close(jw);
	}
	if (record_commit(&b->rw) == 0) {
		ctr_inc(b->ctr, CTR_DETECT_ALERTS);
		brain_alert_tally(b, src, &ev->end[0], ev->vlan, ri, true,
		    ev->ts_us);
		if (dst != src || dst == NULL)
			brain_alert_tally(b, dst, &ev->end[1], ev->vlan, ri,
			    false, ev->ts_us);
	}
 out:
	free(ev->json);
}

/*
 * A device did something (app/activity.def): the judgments (policy,
 * baselines) see it; the inventory keeps nothing of it.
 */
static void
brain_apply_activity(struct brain *b, const struct brain_ev *ev)
{
	struct brain_dev *a, *p;

	if (!b->cfg.enabled || ev->key >= ACT_MAX)
		return;
	ctr_inc(b->ctr, CTR_DEV_ACTIVITIES);
	/* The actor as its flow would make it (an activity often comes
	 * long before the flow ends); its peer only if already known. */
	a = brain_resolve(b, &ev->end[0], ev->vlan, ev->ts_us);
	p = brain_alert_dev(b, &ev->end[1], ev->vlan);
	brain_bl_activity(b, ev, a, p != a ? p : NULL);
	brain_policy_activity(b, ev, a, p != a ? p : NULL);
}

static void
brain_apply(struct brain *b, const struct brain_ev *ev)
{
	if (ev->ts_us > b->now_us)
		b->now_us = ev->ts_us;
	switch (ev->kind) {
	case BRAIN_EV_EVIDENCE:
		brain_apply_evidence(b, ev);
		break;
	case BRAIN_EV_FLOW:
		brain_apply_flow(b, ev);
		break;
	case BRAIN_EV_LEASE:
		brain_apply_lease(b, ev);
		break;
	case BRAIN_EV_ROUTER_IP:
		brain_apply_gateway(b, ev);
		break;
	case BRAIN_EV_SUBNET:
		brain_apply_subnet(b, ev);
		break;
	case BRAIN_EV_ALERT:
		brain_apply_alert(b, ev);
		break;
	case BRAIN_EV_ACTIVITY:
		brain_apply_activity(b, ev);
		break;
	}
}

/* Run the fingerprints over a device's evidence. */
static void
brain_fingerprint(struct brain *b, struct brain_dev *n)
{
	struct fp_evidence ev[DEV_MAX_EVIDENCE];
	struct fp_match m[BRAIN_MAX_MATCHES];
	char source[DEV_SOURCE_MAX];
	size_t i, k;
	uint64_t ts = n->ts_us;
	bool ch = false;

	n->d.evidence_new = false;
	if (b->fp == NULL)
		return;
	for (i = 0; i < n->d.n_evidence; i++) {
		ev[i].key = n->d.evidence[i].key;
		ev[i].value = n->d.evidence[i].value;
	}
	k = fpdb_match(b->fp, ev, n->d.n_evidence, m, BRAIN_MAX_MATCHES);
	if (k > BRAIN_MAX_MATCHES)
		k = BRAIN_MAX_MATCHES;
	for (i = 0; i < k; i++) {
		if (m[i].key == EVIDENCE_BEHAVIOUR)
			snprintf(source, sizeof(source), "behaviour.%s",
			    m[i].value);
		else
			strlcpy(source, m[i].source, sizeof(source));
		if (m[i].class >= 0)
			ch |= dev_claim(&n->d, DEV_A_CLASS,
			    fp_class_name((enum fp_class)m[i].class),
			    m[i].confidence, source, m[i].name, ts);
		if (m[i].vendor != NULL)
			ch |= dev_claim(&n->d, DEV_A_VENDOR, m[i].vendor,
			    m[i].confidence, source, m[i].name, ts);
		if (m[i].model != NULL)
			ch |= dev_claim(&n->d, DEV_A_MODEL, m[i].model,
			    m[i].confidence, source, m[i].name, ts);
	}
	if (ch)
		brain_touch(b, n, CH_IDENTITY, ts);
}

static bool
brain_identity_changed(const struct brain_dev *n)
{
	const struct dev_value *v;
	int a;

	for (a = 0; a < DEV_A_MAX; a++) {
		v = dev_best(&n->d, (enum dev_attr)a);
		if (strcmp(n->shown[a], v != NULL ? v->value : "") != 0)
			return true;
	}
	return false;
}

/*
 * Start a record about a device: its VLAN and address in the head (no
 * src_ip when it has none), and its own MAC as ether.src_mac (none for
 * a device known only by its address behind a router).
 */
static struct jsonw *
brain_record(struct brain *b, const struct brain_dev *n, unsigned type,
    const char *event_type, uint64_t ts)
{
	const struct dev_ip *ip = &n->d.ip;
	const uint8_t *mac = n->d.flags & DEV_F_ROUTED ? NULL : n->d.mac;

	if (!n->d.has_ip)
		return eve_device_begin(&b->rw, type, event_type, ts,
		    n->d.vlan, 0, NULL, mac);
	if (dev_ip_is4(ip))
		return eve_device_begin(&b->rw, type, event_type, ts,
		    n->d.vlan, 4, ip->a + 12, mac);
	return eve_device_begin(&b->rw, type, event_type, ts, n->d.vlan, 6,
	    ip->a, mac);
}

struct jsonw *
brain_device_record(struct brain *b, const struct brain_dev *n,
    const char *event_type, uint64_t ts)
{
	return brain_record(b, n, RECORD_DEVICE, event_type, ts);
}

/* The device's risk and its reasons (brain_snapshot()), if known. */
static void
brain_risk_json(struct brain *b, struct jsonw *jw, const struct brain_dev *n)
{
	const struct brain_risk *r;
	struct jsonw_run run;
	const char *p, *nl;
	size_t lo = 0, hi = b->nrisks, mid;

	if (n->d.id == 0)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->risks[mid].id < n->d.id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->nrisks || b->risks[lo].id != n->d.id)
		return;
	r = &b->risks[lo];
	if (r->risk < 0 || r->reasons == NULL) {
		jsonw_key(jw, "risk");
		jsonw_obj_open(jw);
		jsonw_kv_int(jw, "score", r->risk);
		jsonw_key(jw, "reasons");
		jsonw_arr_open(jw);
		for (p = r->reasons; p != NULL && (nl = strchr(p, '\n')) !=
		    NULL; p = nl + 1)
			jsonw_strn(jw, p, (size_t)(nl - p));
		jsonw_arr_close(jw);
		jsonw_obj_close(jw);
		return;
	}
	/* Scores are 0..100: one run, the keys, the score and each line
	 * escaped (at most 6 bytes a byte, and 10 a line, of which there
	 * are no more than bytes). */
	jsonw_run_begin(jw, &run, 64 + 16 * strlen(r->reasons));
	JSONW_RUN_KEY(&run, "risk");
	jsonw_run_open(&run, '{');
	JSONW_RUN_KV_UINT(&run, "score", (uint64_t)r->risk);
	JSONW_RUN_KEY(&run, "reasons");
	jsonw_run_open(&run, '[');
	for (p = r->reasons; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		jsonw_run_str_in(&run, p, (size_t)(nl - p));
	jsonw_run_close(&run, ']');
	jsonw_run_close(&run, '}');
	jsonw_run_end(jw, &run);
}

static void
brain_emit(struct brain *b, struct brain_dev *n, const char *event,
    uint64_t ts)
{
	struct jsonw *jw;
	const struct dev_value *v;
	char buf[64];
	int a;

	if ((jw = brain_record(b, n, RECORD_DEVICE, "device", ts)) == NULL)
		return;		/* outputs.eve.types */
	JSONW_KEY(jw, "device");
	jsonw_obj_open(jw);
	/* The MAC first: what a SIEM groups a device's records by. */
	/* Our own words, MACs and addresses: copied (plain). */
	if (!(n->d.flags & DEV_F_ROUTED))
		JSONW_KV_PLAIN(jw, "mac", dev_mac_format(n->d.mac, buf,
		    sizeof(buf)));
	JSONW_KV_PLAIN(jw, "event", event);
	if (strcmp(event, "snapshot") != 0 && strcmp(event, "new") != 0) {
		JSONW_KEY(jw, "changes");
		jsonw_arr_open(jw);
		if (n->d.has_ip != n->shown_has_ip || (n->d.has_ip &&
		    memcmp(&n->d.ip, &n->shown_ip, sizeof(n->d.ip)) != 0))
			jsonw_str_plain(jw, "ip");
		for (a = 0; a < DEV_A_MAX; a++) {
			v = dev_best(&n->d, (enum dev_attr)a);
			if (strcmp(n->shown[a], v != NULL ? v->value : "") != 0)
				jsonw_str_plain(jw,
				    dev_attr_name((enum dev_attr)a));
		}
		jsonw_arr_close(jw);
		if (n->shown_has_ip && (!n->d.has_ip || memcmp(&n->d.ip,
		    &n->shown_ip, sizeof(n->d.ip)) != 0))
			JSONW_KV_PLAIN(jw, "previous_ip",
			    dev_ip_format(&n->shown_ip, buf, sizeof(buf)));
	}
	dev_json(jw, &n->d, DEV_JSON_NO_MAC |
	    (b->cfg.slim_records ? DEV_JSON_SLIM : 0));
	brain_bl_record(jw, n);
	brain_peers_record(b, jw, n);
	brain_policy_dev_json(b, jw, n);
	if (strcmp(event, "snapshot") == 0)
		brain_risk_json(b, jw, n);
	jsonw_obj_close(jw);
	record_commit(&b->rw);
}

/*
 * A device already reported turned out to be part of another (a host
 * first seen by address behind a router, then by MAC): its last record
 * says which, by the other's MAC and VLAN.
 */
static void
brain_emit_merged(struct brain *b, struct brain_dev *n,
    struct brain_dev *into, uint64_t ts)
{
	struct jsonw *jw;
	char buf[64];

	if ((jw = brain_record(b, n, RECORD_DEVICE, "device", ts)) == NULL)
		return;		/* outputs.eve.types */
	jsonw_key(jw, "device");
	jsonw_obj_open(jw);
	jsonw_kv_str(jw, "event", "merged");
	if (n->d.has_ip)
		jsonw_kv_str(jw, "ip", dev_ip_format(&n->d.ip, buf,
		    sizeof(buf)));
	jsonw_kv_bool(jw, "routed", true);
	jsonw_key(jw, "merged_into");
	jsonw_obj_open(jw);
	if (!(into->d.flags & DEV_F_ROUTED))
		jsonw_kv_str(jw, "mac", dev_mac_format(into->d.mac, buf,
		    sizeof(buf)));
	jsonw_kv_uint(jw, "vlan", into->d.vlan);
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
	(void)record_commit(&b->rw);
}

/* One alert.metadata member: a key and its one value (Suricata's
 * metadata values are lists of strings). */
static void
brain_alert_meta(struct jsonw *jw, const char *key, const char *value)
{
	jsonw_key(jw, key);
	jsonw_arr_open(jw);
	jsonw_str(jw, value);
	jsonw_arr_close(jw);
}

/*
 * A new device on a medical VLAN (devices.medical-vlans; every VLAN
 * when none is configured and the inventory continues an earlier run).
 * The signature is one fixed text, so a SIEM can count and suppress by
 * it; what differs per device goes in alert.metadata (Suricata's
 * object of string lists), and the device is named by reference: its
 * MAC, class, vendor and model, not its whole record (the "device"
 * record written with it has the evidence).
 */
static void
brain_alert_new(struct brain *b, struct brain_dev *n, uint64_t ts)
{
	struct jsonw *jw;
	const struct dev_value *cls = dev_best(&n->d, DEV_A_CLASS);
	const struct dev_value *ven = dev_best(&n->d, DEV_A_VENDOR);
	const struct dev_value *mod = dev_best(&n->d, DEV_A_MODEL);
	const char *class = cls != NULL ? cls->value : "unknown";
	bool has_mac = !(n->d.flags & DEV_F_ROUTED);
	char mac[24];

	if ((jw = brain_record(b, n, RECORD_ALERT, "alert", ts)) == NULL)
		return;
	dev_mac_format(n->d.mac, mac, sizeof(mac));
	record_alert_open(&b->rw, BRAIN_ALERT_GID, BRAIN_SID_NEW_DEVICE, 1, 2,
	    BRAIN_SIG_NEW_DEVICE, "New Device Detected");
	jsonw_key(jw, "metadata");
	jsonw_obj_open(jw);
	if (has_mac)
		brain_alert_meta(jw, "mac", mac);
	if (ven != NULL)
		brain_alert_meta(jw, "vendor", ven->value);
	brain_alert_meta(jw, "class", class);
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
	jsonw_key(jw, "device");
	jsonw_obj_open(jw);
	if (has_mac)
		jsonw_kv_str(jw, "mac", mac);
	jsonw_kv_str(jw, "class", class);
	if (ven != NULL)
		jsonw_kv_str(jw, "vendor", ven->value);
	if (mod != NULL)
		jsonw_kv_str(jw, "model", mod->value);
	jsonw_obj_close(jw);
	if (record_commit(&b->rw) == 0)
		ctr_inc(b->ctr, CTR_DEV_ALERTS);
}

/*
 * The device table is full and a device was not recorded: once a run,
 * because a full table blinds the inventory (no record, no new-device
 * alert) and only a counter would say so.  Named by the first device
 * turned away.
 */
static void
brain_alert_full(struct brain *b, const uint8_t *mac, uint16_t vlan,
    uint64_t ts)
{
	struct jsonw *jw;
	char buf[24];

	if (b->full_alerted)
		return;
	b->full_alerted = true;
	if ((jw = eve_device_begin(&b->rw, RECORD_ALERT, "alert", ts, vlan, 0,
	    NULL, mac)) == NULL)
		return;
	record_alert_open(&b->rw, BRAIN_ALERT_GID, BRAIN_SID_TABLE_FULL, 1, 1,
	    BRAIN_SIG_TABLE_FULL, "Sensor Capacity Exceeded");
	jsonw_key(jw, "metadata");
	jsonw_obj_open(jw);
	snprintf(buf, sizeof(buf), "%u", b->cfg.max_devices);
	brain_alert_meta(jw, "max_devices", buf);
	if (mac != NULL)
		brain_alert_meta(jw, "mac", dev_mac_format(mac, buf,
		    sizeof(buf)));
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
	if (record_commit(&b->rw) == 0)
		ctr_inc(b->ctr, CTR_DEV_ALERTS);
}

/* After a tick's events: fingerprints, then records for changes. */
static void
brain_settle(struct brain *b)
{
	struct brain_dev *n;
	size_t i, k;
	bool ipch, merged = false;

	for (i = 0; i < b->ntouched; i++) {
		n = b->touched[i];
		if (n->d.evidence_new && !n->merged && !n->evicted)
			brain_fingerprint(b, n);
	}
	for (i = 0; i < b->ntouched; i++) {
		n = b->touched[i];
		n->touched = false;
		if (n->merged || n->evicted) {
			merged = true;
			continue;
		}
		ipch = n->d.has_ip != n->shown_has_ip || (n->d.has_ip &&
		    memcmp(&n->d.ip, &n->shown_ip, sizeof(n->d.ip)) != 0);
		if ((n->changes & CH_NEW) && !n->d.announced) {
			n->d.announced = true;
			ctr_inc(b->ctr, CTR_DEV_NEW);
			brain_emit(b, n, "new", n->ts_us);
			if ((brain_vlan_medical(b, n->d.vlan) ||
			    (b->cfg.n_medical_vlans == 0 && b->continuing)) &&
			    !brain_mac_elsewhere(b, n))
				brain_alert_new(b, n, n->ts_us);
		} else if (brain_identity_changed(n)) {
			ctr_inc(b->ctr, CTR_DEV_CHANGED);
			brain_emit(b, n, "changed", n->ts_us);
		} else if (ipch) {
			ctr_inc(b->ctr, CTR_DEV_IP_CHANGES);
			brain_emit(b, n, "ip_change", n->ts_us);
		}
		if (n->changes != 0 || ipch)
			brain_mark_shown(n);
		n->changes = 0;
	}
	b->ntouched = 0;
	if (!merged && b->ngone == 0)
		return;
	b->nevq = b->evq_pos = 0;	/* it may name those freed below */
	/* Folded devices were new this tick: never announced or saved.
	 * Evicted ones leave the database at the next save. */
	for (i = k = 0; i < b->ndevs; i++) {
		n = b->devs[i];
		if (!n->merged && !n->evicted) {
			b->devs[k++] = n;
			continue;
		}
		brain_bl_dev_free(n);
		brain_policy_dev_free(n);
		brain_peers_dev_free(n);
		free(n->alerts);
		dev_free(&n->d);
		free(n);
	}
	b->ndevs = k;
	b->ngone = 0;
}

/* The alert counts of saved devices, added to the state's. */
static void
brain_save_alerts(struct brain *b)
{
	struct state_alert *v = NULL;
	struct brain_dev *n;
	size_t i, j, k = 0, cap = 0;

	for (i = 0; i < b->ndevs; i++) {
		n = b->devs[i];
		if (n->nalerts == 0 || n->d.id == 0 || n->d.unsaved)
			continue;
		if (k + n->nalerts > cap) {
			cap = (k + n->nalerts) * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		for (j = 0; j < n->nalerts; j++) {
			v[k] = n->alerts[j];
			v[k++].device_id = n->d.id;
		}
	}
	if (k > 0 && state_add_alerts(b->state, v, k, b->save_failed ? NULL :
	    b->err) == 0)
		for (i = 0; i < b->ndevs; i++) {
			n = b->devs[i];
			if (n->nalerts == 0 || n->d.id == 0 || n->d.unsaved)
				continue;
			free(n->alerts);
			n->alerts = NULL;
			n->nalerts = 0;
		}
	free(v);
}

static uint64_t
brain_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static void
brain_save(struct brain *b)
{
	struct device **v;
	struct bl_dev **bls;
	struct brain_dev **nv;
	size_t i, n = 0;

	if (b->state == NULL)
		return;
	if (b->nforget > 0 && state_forget_devices(b->state, b->forget,
	    b->nforget, b->save_failed ? NULL : b->err) == 0)
		b->nforget = 0;		/* else tried again at the next save */
	brain_alert_resolve(b);
	v = xreallocarray(NULL, b->ndevs ? b->ndevs : 1, sizeof(*v));
	bls = xreallocarray(NULL, b->ndevs ? b->ndevs : 1, sizeof(*bls));
	nv = xreallocarray(NULL, b->ndevs ? b->ndevs : 1, sizeof(*nv));
	for (i = 0; i < b->ndevs; i++)
		if (b->devs[i]->d.unsaved) {
			nv[n] = b->devs[i];
			bls[n] = brain_bl_to_save(b, b->devs[i]);
			v[n++] = &b->devs[i]->d;
		}
	if (n > 0) {
		if (state_save_devices_bl(b->state, v, bls, n,
		    b->save_failed ? NULL : b->err) == 0) {
			for (i = 0; i < n; i++) {
				v[i]->unsaved = false;
				brain_bl_saved(b, nv[i], bls[i]);
			}
			if (b->save_failed)
				log_info("state: saving works again");
			b->save_failed = false;
		} else {
			/* Kept in memory; tried again at the next save. */
			ctr_inc(b->ctr, CTR_DEV_SAVE_ERRORS);
			strlcpy(b->save_why, state_errmsg(b->state),
			    sizeof(b->save_why));
			b->save_failed = true;
		}
	}
	free(v);
	free(bls);
	free(nv);
	brain_peers_save(b);
	brain_save_alerts(b);
	brain_policy_save(b);
	brain_net_save(b);
	b->saved_us = b->now_us;
	b->saved_wall_us = brain_wall_us();
}

/*
 * A checkpoint is due after devices.save-interval of packet time.
 * Offline, where a day of packets takes a minute, the same interval of
 * the run's own time must have passed too: a crash then loses at most
 * that much of the run's work, as live, instead of the run saving the
 * inventory every few milliseconds (on a day-long capture of 10,000
 * devices, 1440 saves were most of the brain's time).
 */
static bool
brain_save_due(struct brain *b)
{
	uint64_t iv = (uint64_t)b->cfg.save_interval * 1000000u;

	if (iv == 0 || b->now_us - b->saved_us < iv)
		return false;
	return !b->block || brain_wall_us() - b->saved_wall_us >= iv;
}

/* A tick handed over by a producer (the others hand over the same). */
static void
brain_ticks_add(struct brain *b, uint64_t gen)
{
	size_t i;

	/* Each producer's ticks rise: most often the gen is known, or
	 * above every one held. */
	for (i = b->nticks; i > 0 && b->ticks[i - 1] > gen; i--)
		;
	if (i > 0 && b->ticks[i - 1] == gen)
		return;
	if (b->nticks == b->tickcap) {
		b->tickcap = b->tickcap ? b->tickcap * 2 : 8;
		b->ticks = xreallocarray(b->ticks, b->tickcap,
		    sizeof(*b->ticks));
	}
	memmove(b->ticks + i + 1, b->ticks + i,
	    (b->nticks - i) * sizeof(*b->ticks));
	b->ticks[i] = gen;
	b->nticks++;
}

/* Whether every producer has come to a tick at or before gen (the
 * end is one); those ticks are then passed. */
static bool
brain_ticks_reached(struct brain *b, uint64_t gen)
{
	size_t n;

	for (n = 0; n < b->nticks && b->ticks[n] <= gen; n++)
		;
	if (n > 0) {
		memmove(b->ticks, b->ticks + n,
		    (b->nticks - n) * sizeof(*b->ticks));
		b->nticks -= n;
		return true;
	}
	return gen == UINT64_MAX;
}

/* The order events are applied in: time, packet, flow, sequence. */
int
brain_ev_cmp(const void *x, const void *y)
{
	const struct brain_ev *a = x, *b = y;

	if (a->ts_us != b->ts_us)
		return a->ts_us < b->ts_us ? -1 : 1;
	if (a->pcap_cnt != b->pcap_cnt)
		return a->pcap_cnt < b->pcap_cnt ? -1 : 1;
	if (a->fkey != b->fkey)
		return a->fkey < b->fkey ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/*
 * Pointers to events put in brain_ev_cmp() order, events alike keeping
 * the order they came in (as a stable sort would).  Each worker hands
 * its events over nearly in order, so v is a few runs in order, one
 * per part handed over: they are merged two by two, log2(runs) passes
 * over v instead of qsort()'s log2(n).  tmp has room for n.
 */
void
brain_order_events(struct brain_ev **v, struct brain_ev **tmp, size_t n)
{
	struct brain_ev **src = v, **dst = tmp, **t;
	size_t lo, mid, hi, a, b, k, runs;

	if (n < 2)
		return;
	/* The runs' ends are found again in each pass: a pass merges a
	 * run with the next, whatever their lengths. */
	for (;;) {
		runs = 0;
		for (lo = 0; lo < n; lo = hi) {
			for (mid = lo + 1; mid < n &&
			    brain_ev_cmp(src[mid - 1], src[mid]) <= 0; mid++)
				;
			if (mid == n) {
				hi = n;		/* the last run, alone */
				memcpy(dst + lo, src + lo,
				    (hi - lo) * sizeof(*src));
				runs++;
				break;
			}
			for (hi = mid + 1; hi < n &&
			    brain_ev_cmp(src[hi - 1], src[hi]) <= 0; hi++)
				;
			/* Ties go to the left run: it came first. */
			for (a = lo, b = mid, k = lo; a < mid && b < hi; k++)
				dst[k] = brain_ev_cmp(src[b], src[a]) < 0 ?
				    src[b++] : src[a++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
			runs++;
		}
		t = src;
		src = dst;
		dst = t;
		if (runs <= 1)
			break;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

static int brain_dev_order(const void *, const void *);

static int
brain_dev_id_cmp(const void *x, const void *y)
{
	const struct brain_dev *a = *(const struct brain_dev *const *)x;
	const struct brain_dev *c = *(const struct brain_dev *const *)y;

	return a->d.id < c->d.id ? -1 : a->d.id > c->d.id;
}

/*
 * The report's risk scores over the inventory (every device with a
 * row, its baseline, and the state's alert counts), for the snapshot:
 * none without a state, when the last save failed, or when the alert
 * counts cannot be read (said).  The devices and baselines are the
 * brain's own: reading them back doubled the inventory's memory at the
 * end of every run.  At the end the save came first, so they are what
 * was saved; a periodic snapshot scores them as they are, with the
 * alert counts of the last save.
 */
static void
brain_risks_load(struct brain *b)
{
	const struct device **devs;
	const struct bl_dev **bls;
	struct brain_dev **v;
	char *msg = NULL;
	size_t len = 0, i, n;
	FILE *mem;

	/* A state the last save could not write is not this run's. */
	if (b->state == NULL || b->cfg.risks == NULL || b->save_failed ||
	    (mem = open_memstream(&msg, &len)) == NULL)
		return;
	v = xreallocarray(NULL, b->ndevs ? b->ndevs : 1, sizeof(*v));
	for (i = n = 0; i < b->ndevs; i++)
		if (b->devs[i]->d.id != 0 && !b->devs[i]->merged &&
		    !b->devs[i]->evicted)
			v[n++] = b->devs[i];
	qsort(v, n, sizeof(*v), brain_dev_id_cmp);
	devs = xreallocarray(NULL, n ? n : 1, sizeof(*devs));
	bls = xreallocarray(NULL, n ? n : 1, sizeof(*bls));
	for (i = 0; i < n; i++) {
		devs[i] = &v[i]->d;
		bls[i] = v[i]->bl;
	}
	if (b->cfg.risks(b->state, devs, bls, n, &b->risks, &b->nrisks,
	    mem) != 0) {
		fclose(mem);
		log_warnx("device risk scores: %s", msg != NULL ? msg : "");
	} else
		fclose(mem);
	free(msg);
	free(bls);
	free(devs);
	free(v);
}

/*
 * A "snapshot" record of every device, in a fixed order.  At the end of
 * a run, and every devices.snapshot-interval of packet time, so that a
 * SIEM whose retention is shorter than the sensor's uptime always holds
 * the whole inventory.
 */
static void
brain_snapshot(struct brain *b, uint64_t ts_us)
{
	struct brain_dev **v;
	size_t i;

	if (b->ndevs == 0)
		return;
	v = xreallocarray(NULL, b->ndevs, sizeof(*v));
	memcpy(v, b->devs, b->ndevs * sizeof(*v));
	qsort(v, b->ndevs, sizeof(*v), brain_dev_order);
	brain_risks_load(b);
	for (i = 0; i < b->ndevs; i++)
		brain_emit(b, v[i], "snapshot", ts_us);
	for (i = 0; i < b->nrisks; i++)
		free(b->risks[i].reasons);
	free(b->risks);
	b->risks = NULL;
	b->nrisks = 0;
	free(v);
	b->snapshot_us = ts_us;
}

/*
 * Snapshots follow the ticks (packet time), events or not, once the
 * tick's events are applied and settled (with parts of a tick applied
 * before it, the inventory is only whole then); the first tick is the
 * start.
 */
static void
brain_run_snapshot(struct brain *b, uint64_t gen, bool tick)
{
	if (gen == UINT64_MAX || !tick)
		return;
	if (b->snapshot_us == 0)
		b->snapshot_us = gen;
	else if (b->cfg.snapshot_interval > 0 && gen - b->snapshot_us >=
	    (uint64_t)b->cfg.snapshot_interval * 1000000u)
		brain_snapshot(b, gen);
}

/* Apply every pending event of ticks up to gen, in canonical order. */
static void
brain_run(struct brain *b, uint64_t gen)
{
	size_t i, n;
	bool tick;

	tick = brain_ticks_reached(b, gen);
	for (i = n = 0; i < b->npend; i++) {
		if (b->pend[i].gen > gen)
			continue;
		if (i != n) {
			struct brain_ev t = b->pend[n];

			b->pend[n] = b->pend[i];
			b->pend[i] = t;
		}
		n++;
	}
	if (n == 0 && !(tick && b->unsettled)) {
		brain_run_snapshot(b, gen, tick);
		return;
	}
	/*
	 * A single worker mostly hands events over in order: checked
	 * first.  Otherwise pointers are sorted, not the events (a few
	 * hundred bytes each, which qsort() moved about).
	 */
	for (i = 1; i < n && brain_ev_cmp(&b->pend[i - 1], &b->pend[i]) <= 0;
	    i++)
		;
	if (i >= n) {
		for (i = 0; i < n; i++)
			brain_apply(b, &b->pend[i]);
	} else {
		if (n > b->ocap) {
			b->ocap = n;
			b->order = xreallocarray(b->order, 2 * n,
			    sizeof(*b->order));
		}
		for (i = 0; i < n; i++)
			b->order[i] = &b->pend[i];
		brain_order_events(b->order, b->order + b->ocap, n);
		for (i = 0; i < n; i++)
			brain_apply(b, b->order[i]);
	}
	memmove(b->pend, b->pend + n, (b->npend - n) * sizeof(b->pend[0]));
	b->npend -= n;
	if (!tick) {
		/* Between ticks: the rest of the tick's events come first. */
		b->unsettled = true;
		return;
	}
	b->unsettled = false;
	brain_settle(b);
	brain_run_snapshot(b, gen, tick);
	if (gen != UINT64_MAX && brain_save_due(b))
		brain_save(b);
}

struct brain_ev *
brain_queue_add(struct brain_queue *q)
{
	struct brain_ev *ev;

	if (q->n == q->cap) {
		if (q->cap >= BRAIN_QUEUE_MAX) {
			q->dropped++;
			return NULL;
		}
		q->cap = q->cap ? q->cap * 2 : 256;
		q->ev = xreallocarray(q->ev, q->cap, sizeof(*q->ev));
	}
	ev = &q->ev[q->n++];
	memset(ev, 0, sizeof(*ev));
	return ev;
}

void
brain_ev_release(struct brain_ev *ev)
{
	if (ev->kind == BRAIN_EV_ALERT) {
		free(ev->json);
		ev->json = NULL;
	}
}

void
brain_queue_free(struct brain_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		brain_ev_release(&q->ev[i]);
	free(q->ev);
	memset(q, 0, sizeof(*q));
}

/* Take a handed-over queue into the pending events (brain's side). */
static void
brain_take(struct brain *b, unsigned worker, uint64_t gen, bool tick,
    const struct brain_ev *ev, size_t n, uint64_t dropped)
{
	size_t i;

	if (tick && gen != UINT64_MAX)
		brain_ticks_add(b, gen);

	if (dropped > 0)
		ctr_add(b->ctr, CTR_DEV_EVENTS_DROPPED, dropped);
	if (b->npend + n > b->pcap) {
		while (b->npend + n > b->pcap)
			b->pcap = b->pcap ? b->pcap * 2 : 1024;
		b->pend = xreallocarray(b->pend, b->pcap, sizeof(*b->pend));
	}
	for (i = 0; i < n; i++) {
		b->pend[b->npend] = ev[i];
		b->pend[b->npend++].gen = gen;
	}
	if (worker < b->nworkers)
		b->wgen[worker] = gen;
}

/* Apply what every worker has handed over. */
static void
brain_advance(struct brain *b)
{
	uint64_t low;
	size_t i;

	for (low = UINT64_MAX, i = 0; i < b->nworkers; i++)
		if (b->wgen[i] < low)
			low = b->wgen[i];
	if (low != 0) {
		brain_run(b, low);
		record_flush(&b->rw);
	}
}

static void
brain_hand(struct brain *b, unsigned worker, uint64_t gen, bool tick,
    struct brain_queue *q)
{
	struct brain_handover *h;
	uint64_t ticket;

	if (b == NULL) {
		q->n = 0;
		return;
	}
	if (!b->threaded) {
		pthread_mutex_lock(&b->lock);
		brain_take(b, worker, gen, tick, q->ev, q->n, q->dropped);
		q->n = 0;
		q->dropped = 0;
		brain_advance(b);
		pthread_mutex_unlock(&b->lock);
		return;
	}
	h = xcalloc(1, sizeof(*h));
	h->worker = worker;
	h->gen = gen;
	h->tick = tick;
	h->dropped = q->dropped;
	if (q->n > 0 && !b->block && atomic_load_explicit(&b->inflight,
	    memory_order_relaxed) > b->cfg.queue_max) {
		/* Live: the brain is far behind; capture does not wait. */
		size_t i;

		for (i = 0; i < q->n; i++)
			brain_ev_release(&q->ev[i]);
		h->dropped += q->n;
		q->n = 0;
	}
	if (q->n > 0 && q->n >= q->cap / 2 && q->cap > 256) {
		/*
		 * A queue at least half full goes over as it is, and the
		 * worker starts a new one: a copy left the worker holding
		 * the burst's room beside it (5.8 MB of the hospital
		 * capture's peak with two workers).
		 */
		h->ev = q->ev;
		h->n = q->n;
		q->ev = NULL;
		q->n = 0;
		q->cap = 0;
	} else if (q->n > 0) {
		/*
		 * The events go in an array of their size, and the worker
		 * keeps its own for the next tick: handing the array itself
		 * over made every waiting handover hold at least 256 events'
		 * room (45 KB for the few events of a tick), so what waited
		 * for the brain was mostly empty room (1.8 GB at 10,000
		 * devices), and was not what the bound counted.
		 */
		h->ev = xreallocarray(NULL, q->n, sizeof(*h->ev));
		memcpy(h->ev, q->ev, q->n * sizeof(*h->ev));
		h->n = q->n;
		q->n = 0;
	}
	/* Room a burst left behind goes back. */
	if (q->cap > 65536 && h->n < q->cap / 8) {
		free(q->ev);
		q->ev = NULL;
		q->cap = 0;
	}
	/* A handover counts as an event until the brain takes it. */
	atomic_fetch_add_explicit(&b->inflight, h->n + 1,
	    memory_order_relaxed);
	q->dropped = 0;
	h->next = atomic_load_explicit(&b->inbox, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&b->inbox, &h->next, h,
	    memory_order_release, memory_order_relaxed))
		;
	ticket = atomic_fetch_add_explicit(&b->handed, 1,
	    memory_order_relaxed) + 1;
	sem_post(&b->wake);
	/*
	 * Offline: the reader slows down instead of dropping, until the
	 * brain has applied enough, or has taken every handover up to
	 * this one (what it still holds then waits for the other threads'
	 * ticks: waiting longer could only deadlock).  Not at the end,
	 * whose handover the brain applies only once all have come.
	 */
	if (b->block && gen != UINT64_MAX && atomic_load_explicit(
	    &b->inflight, memory_order_relaxed) > b->wait_max) {
		pthread_mutex_lock(&b->flow_lock);
		while (atomic_load_explicit(&b->inflight,
		    memory_order_relaxed) > b->wait_max &&
		    b->done < ticket)
			pthread_cond_wait(&b->flow_cv, &b->flow_lock);
		pthread_mutex_unlock(&b->flow_lock);
	}
}

void
brain_sync(struct brain *b, unsigned worker, uint64_t gen,
    struct brain_queue *q)
{
	brain_hand(b, worker, gen, true, q);
}

void
brain_sync_part(struct brain *b, unsigned worker, uint64_t gen,
    struct brain_queue *q)
{
	brain_hand(b, worker, gen, false, q);
}

static void *
brain_main(void *arg)
{
	struct brain *b = arg;
	struct brain_handover *list, *h, *next, *fifo;
	uint64_t n, waiting;
	size_t taken;

	util_thread_name("ww-brain");
	for (;;) {
		while (sem_wait(&b->wake) == -1 && errno == EINTR)
			;
		list = atomic_exchange_explicit(&b->inbox, NULL,
		    memory_order_acquire);
		if (list == NULL) {
			if (atomic_load_explicit(&b->stop, memory_order_acquire))
				break;
			continue;
		}
		/* The stack is newest first: each worker's in push order. */
		for (fifo = NULL, h = list; h != NULL; h = next) {
			next = h->next;
			h->next = fifo;
			fifo = h;
		}
		/*
		 * One handover at a time, as brain_sync() does without the
		 * thread: every worker hands over the same ticks, so the
		 * brain passes through each tick and settles after each,
		 * whatever order the workers' handovers arrived in.
		 */
		pthread_mutex_lock(&b->lock);
		for (n = 0, h = fifo; h != NULL; h = next, n++) {
			next = h->next;
			waiting = atomic_load_explicit(&b->inflight,
			    memory_order_relaxed);
			if (waiting > b->inflight_peak)
				b->inflight_peak = waiting;
			if (h->n > b->handover_peak)
				b->handover_peak = h->n;
			brain_take(b, h->worker, h->gen, h->tick, h->ev,
			    h->n, h->dropped);
			taken = b->npend;
			free(h->ev);
			free(h);
			brain_advance(b);
			if (b->test_delay_us > 0 && taken > b->npend)
				usleep((useconds_t)(b->test_delay_us *
				    (taken - b->npend)));
			/* What it applied no longer waits. */
			atomic_fetch_sub_explicit(&b->inflight,
			    taken - b->npend + 1, memory_order_relaxed);
		}
		pthread_mutex_unlock(&b->lock);
		pthread_mutex_lock(&b->flow_lock);
		b->done += n;
		pthread_cond_broadcast(&b->flow_cv);
		pthread_mutex_unlock(&b->flow_lock);
	}
	return NULL;
}

int
brain_start(struct brain *b, bool block)
{
	const char *delay;
	int rc;

	if (b == NULL || b->threaded)
		return 0;
	b->block = block;
	/* Reading a file gains nothing from running far ahead of the
	 * brain: what waits is memory (under load, 45 MB at the default). */
	b->wait_max = b->cfg.queue_max < BRAIN_OFFLINE_QUEUE_MAX ?
	    b->cfg.queue_max : BRAIN_OFFLINE_QUEUE_MAX;
	b->saved_wall_us = brain_wall_us();
	if ((delay = getenv("WARDWATCH_TEST_BRAIN_DELAY")) != NULL)
		b->test_delay_us = strtoul(delay, NULL, 10);
	if ((rc = pthread_create(&b->thread, NULL, brain_main, b)) != 0) {
		errno = rc;
		return -1;
	}
	b->threaded = true;
	return 0;
}

void
brain_quiesce(struct brain *b)
{
	uint64_t target;

	if (b == NULL || !b->threaded)
		return;
	target = atomic_load_explicit(&b->handed, memory_order_relaxed);
	pthread_mutex_lock(&b->flow_lock);
	while (b->done < target)
		pthread_cond_wait(&b->flow_cv, &b->flow_lock);
	pthread_mutex_unlock(&b->flow_lock);
}

/* Apply everything handed over, then end the thread. */
static void
brain_stop(struct brain *b)
{
	if (!b->threaded)
		return;
	atomic_store_explicit(&b->stop, true, memory_order_release);
	sem_post(&b->wake);
	pthread_join(b->thread, NULL);
	b->threaded = false;
}

static int
brain_load_cb(void *arg, const struct device *d)
{
	struct brain *b = arg;
	struct brain_dev *n;

	if ((n = brain_alloc(b, NULL, 0, false, 0)) == NULL)
		return 0;
	dev_copy(&n->d, d);
	brain_insert(b, n);
	n->d.known = true;
	n->d.announced = true;
	n->d.unsaved = false;
	brain_mark_shown(n);
	return 0;
}

void
brain_set_detect(struct brain *b, const struct detect_engine *de)
{
	if (b == NULL)
		return;
	detect_filter_free(b->filter);
	b->detect = de;
	b->filter = de != NULL ? detect_filter_new(de) : NULL;
}

struct fpdb *
brain_fp_load(const struct brain_config *c, FILE *err)
{
	return brain_load_fp(c, err);
}

void
brain_reload(struct brain *b, struct fpdb *fp, const struct detect_engine *de)
{
	struct fpdb *old = NULL;

	if (b == NULL) {
		fpdb_free(fp);
		return;
	}
	pthread_mutex_lock(&b->lock);
	if (fp != NULL) {
		old = b->fp;
		b->fp = fp;
	}
	if (de != NULL && de != b->detect)
		brain_set_detect(b, de);
	pthread_mutex_unlock(&b->lock);
	fpdb_free(old);
}

void
brain_reload_judge(struct brain *b, struct brain_judge *j)
{
	if (b == NULL || j == NULL) {
		brain_judge_free(j);
		return;
	}
	pthread_mutex_lock(&b->lock);
	brain_judge_apply(b, j);
	pthread_mutex_unlock(&b->lock);
	brain_judge_free(j);
}

struct brain *
brain_new(const struct brain_config *cfg, unsigned nworkers,
    const char *state_path, struct output *out, struct counters *ctr,
    FILE *err)
{
	struct brain *b;

	b = xcalloc(1, sizeof(*b));
	b->cfg = *cfg;
	b->cfg.fingerprints = b->cfg.oui_dir = b->cfg.state_file = NULL;
	/* The config's zones are borrowed: it outlives the brain. */
	b->cfg.zones = NULL;
	b->cfg.policy_files = NULL;
	b->cfg.n_policy_files = 0;
	b->cfg.policy_overrides = NULL;
	b->cfg.geoip_country = b->cfg.geoip_asn = NULL;
	if ((b->zones = cfg->zones) == NULL)
		b->zones = b->own_zones = zones_new();
	b->zones_gen = 1;
	b->held = xcalloc(BRAIN_HELD_SLOTS, sizeof(*b->held));
	if (b->cfg.max_devices == 0)
		b->cfg.max_devices = BRAIN_DEFAULT_MAX_DEVICES;
	b->nworkers = nworkers > 0 ? nworkers : 1;
	b->wgen = xcalloc(b->nworkers, sizeof(*b->wgen));
	b->mac_tab = xcalloc(BRAIN_HASH_SIZE, sizeof(*b->mac_tab));
	b->ip_tab = xcalloc(BRAIN_HASH_SIZE, sizeof(*b->ip_tab));
	b->ip_cap = (size_t)b->cfg.max_devices * BRAIN_ADDR_PER_DEVICE;
	if (b->ip_cap < BRAIN_ADDR_MIN)
		b->ip_cap = BRAIN_ADDR_MIN;
	sipkey_init(&b->hkey, false);
	b->ctr = ctr;
	b->err = err;
	record_writer_init(&b->rw, out);
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->flow_lock, NULL);
	pthread_cond_init(&b->flow_cv, NULL);
	sem_init(&b->wake, 0, 0);

	if (!cfg->enabled)
		return b;	/* alerts only: no inventory */
	if ((b->fp = brain_load_fp(cfg, err)) == NULL ||
	    claims_load_builtin(&b->claims, err) != 0) {
		brain_free(b);
		return NULL;
	}
	if (brain_policy_init(b, cfg, err) != 0) {
		brain_free(b);
		return NULL;
	}
	b->oui = oui_load(cfg->oui_dir != NULL ? cfg->oui_dir :
	    OUI_DEFAULT_DIR, err);
	if (b->oui == NULL)
		log_warnx("%s", BRAIN_NO_OUI);
	if (state_path != NULL) {
		if ((b->state = state_open(state_path, err)) == NULL) {
			brain_free(b);
			return NULL;
		}
		if (state_load_devices(b->state, brain_load_cb, b) != 0) {
			brain_free(b);
			return NULL;
		}
		b->continuing = b->ndevs > 0;
		b->nloaded = b->ndevs;
		brain_policy_load(b);
		brain_net_load(b);
	}
	if (brain_bl_load(b) != 0 || brain_peers_load(b) != 0) {
		if (err != NULL)
			fprintf(err, "%s\n", state_errmsg(b->state));
		brain_free(b);
		return NULL;
	}
	return b;
}

static int
brain_dev_order(const void *x, const void *y)
{
	const struct device *a = &(*(struct brain_dev *const *)x)->d;
	const struct device *b = &(*(struct brain_dev *const *)y)->d;
	int c;

	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	if (a->has_ip != b->has_ip)
		return a->has_ip ? -1 : 1;
	if ((c = memcmp(&a->ip, &b->ip, sizeof(a->ip))) != 0)
		return c;
	return memcmp(a->mac, b->mac, 6);
}

int
brain_finish(struct brain *b, uint64_t ts_us)
{
	char why[STATE_ERRMSG_MAX];
	FILE *err;
	size_t i, unsaved = 0, stale = 0;
	int rv = 0;

	if (b == NULL)
		return 0;
	brain_stop(b);
	pthread_mutex_lock(&b->lock);
	brain_run(b, UINT64_MAX);
	if (ts_us < b->now_us)
		ts_us = b->now_us;
	brain_bl_finish(b, ts_us);
	brain_policy_finish(b, ts_us);
	/* Said once below, with what the database kept.  Saved before
	 * the snapshot, whose risk scores are the saved state's. */
	err = b->err;
	b->err = NULL;
	if (b->state != NULL)
		state_last_save(b->state);
	brain_save(b);
	b->err = err;
	/* The device save's reason: the saves after it (peers,
	 * alerts, policy) clear the state's message. */
	strlcpy(why, b->save_why, sizeof(why));
	/* No time at all: no packet was read, so nothing to report. */
	if (ts_us != 0)
		brain_snapshot(b, ts_us);
	record_flush(&b->rw);
	if (b->state != NULL && ts_us != 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%" PRIu64, ts_us);
		state_meta_set(b->state, "last_packet_us", buf);
	}
	/*
	 * The last save is the one that counts: what it could not write
	 * is lost when the process exits.  Say what the database kept.
	 */
	if (b->state != NULL && b->save_failed) {
		for (i = 0; i < b->ndevs; i++)
			if (b->devs[i]->d.unsaved) {
				unsaved++;
				if (b->devs[i]->d.id != 0)
					stale++;
			}
		log_warnx("%s: %zu of %zu devices not saved (%zu stored as an "
		    "earlier save left them, %zu not stored at all)", why,
		    unsaved, b->ndevs, stale, unsaved - stale);
		rv = -1;
	}
	pthread_mutex_unlock(&b->lock);
	return rv;
}

size_t
brain_device_count(struct brain *b)
{
	return b != NULL ? b->ndevs : 0;
}

size_t
brain_address_count(struct brain *b)
{
	return b != NULL ? b->nip : 0;
}

size_t
brain_continuing(struct brain *b)
{
	return b != NULL && b->continuing ? b->nloaded : 0;
}

/* Classes of medical devices and clinical systems: listed first. */
static bool
brain_class_medical(const char *cls)
{
	int c = cls != NULL ? fp_class_lookup(cls) : -1;

	return c >= FP_CLASS_INFUSION_PUMP && c <= FP_CLASS_NURSE_CALL;
}

/*
 * The summary's order: medical first, then by VLAN and address.  Each
 * device's class is looked up once: the medical ones are moved ahead
 * (in the order they were), then each part is sorted.
 */
static void
brain_summary_sort(struct brain_dev **v, size_t n)
{
	const struct dev_value *c;
	struct brain_dev **rest;
	size_t i, k = 0, r = 0;

	rest = xreallocarray(NULL, n, sizeof(*rest));
	for (i = 0; i < n; i++) {
		c = dev_best(&v[i]->d, DEV_A_CLASS);
		if (brain_class_medical(c != NULL ? c->value : NULL))
			v[k++] = v[i];
		else
			rest[r++] = v[i];
	}
	memcpy(v + k, rest, r * sizeof(*v));
	free(rest);
	qsort(v, k, sizeof(*v), brain_dev_order);
	qsort(v + k, r, sizeof(*v), brain_dev_order);
}

/* A value cut to its column ('~' marks a cut), control bytes escaped. */
static const char *
brain_cell(const char *s, size_t width, char *buf, size_t len)
{
	char tmp[DEV_VALUE_MAX * 4 + 1];
	size_t n;

	util_escape_ctl(s != NULL ? s : "-", tmp, sizeof(tmp));
	n = strlen(tmp);
	if (width >= len)
		width = len - 1;
	if (n > width) {
		memcpy(buf, tmp, width - 1);
		buf[width - 1] = '~';
		buf[width] = '\0';
	} else
		strlcpy(buf, tmp, len);
	return buf;
}

void
brain_print_summary(struct brain *b, FILE *fp, bool verbose)
{
	struct brain_dev **v;
	const struct dev_value *cls, *ven, *mod;
	char ip[64], mac[24], vlan[8], c1[32], c2[32], c3[32], pol[24];
	struct {
		const char *name;
		size_t n;
	} by[FP_CLASS_MAX + 1];
	size_t nby = 0, i, j, shown, fresh = 0;
	uint64_t full;

	if (b == NULL || !b->cfg.enabled)
		return;		/* alerts only: no inventory */

	if (b == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	for (i = 0; i < b->ndevs; i++)
		if (!b->devs[i]->d.known)
			fresh++;
	fprintf(fp, "  devices    %zu", b->ndevs);
	if (b->continuing)
		fprintf(fp, ", %zu first seen in this run", fresh);
	if (b->ndevs == 0) {
		fputc('\n', fp);
		goto warnings;
	}
	v = xreallocarray(NULL, b->ndevs, sizeof(*v));
	memcpy(v, b->devs, b->ndevs * sizeof(*v));
	brain_summary_sort(v, b->ndevs);
	for (i = 0; i < b->ndevs; i++) {
		cls = dev_best(&v[i]->d, DEV_A_CLASS);
		for (j = 0; j < nby; j++)
			if (strcmp(by[j].name, cls != NULL ? cls->value :
			    "unknown") == 0)
				break;
		if (j == nby && nby < FP_CLASS_MAX + 1) {
			by[nby].name = cls != NULL ? cls->value : "unknown";
			by[nby++].n = 0;
		}
		if (j < nby)
			by[j].n++;
	}
	fputs(" (", fp);
	for (j = 0; j < nby; j++)
		fprintf(fp, "%s%s %zu", j ? ", " : "", by[j].name, by[j].n);
	fputs(")\n", fp);
	fprintf(fp, "    %-17s %4s %-15s %-22s %-20s %-18s %4s  %-*s%s\n",
	    "MAC", "VLAN", "IP", "CLASS", "VENDOR", "MODEL", "CONF",
	    b->continuing ? 11 : 0, "POLICY", b->continuing ? "  NEW" : "");
	shown = verbose ? b->ndevs : (b->ndevs < 40 ? b->ndevs : 40);
	for (i = 0; i < shown; i++) {
		const struct device *d = &v[i]->d;

		cls = dev_best(d, DEV_A_CLASS);
		ven = dev_best(d, DEV_A_VENDOR);
		mod = dev_best(d, DEV_A_MODEL);
		if (d->flags & DEV_F_ROUTED)
			strlcpy(mac, "(routed)", sizeof(mac));
		else
			dev_mac_format(d->mac, mac, sizeof(mac));
		if (d->has_ip)
			dev_ip_format(&d->ip, ip, sizeof(ip));
		else
			strlcpy(ip, "-", sizeof(ip));
		/* The inventory's notation: no VLAN is "-". */
		if (d->vlan != 0)
			snprintf(vlan, sizeof(vlan), "%u", d->vlan);
		else
			strlcpy(vlan, "-", sizeof(vlan));
		fprintf(fp, "    %-17s %4s %-15s %-22s %-20s %-18s %3u%%  "
		    "%-*s%s\n", mac, vlan, ip,
		    brain_cell(cls != NULL ? cls->value : "unknown", 22, c1,
		    sizeof(c1)),
		    brain_cell(ven != NULL ? ven->value : NULL, 20, c2,
		    sizeof(c2)),
		    brain_cell(mod != NULL ? mod->value : NULL, 18, c3,
		    sizeof(c3)),
		    cls != NULL ? cls->confidence : 0,
		    b->continuing ? 11 : 0,
		    brain_policy_cell(b, v[i], pol, sizeof(pol)),
		    b->continuing && !d->known ? "  new" : "");
	}
	if (shown < b->ndevs)
		fprintf(fp, "    ... %zu more (wardwatch inventory)\n",
		    b->ndevs - shown);
	free(v);

 warnings:
	brain_bl_summary(b, fp);
	/* What the inventory could not do, where the user reads. */
	if ((full = ctr_get(b->ctr, CTR_DEV_TABLE_FULL)) > 0)
		fprintf(fp, "  WARNING    the device table was full "
		    "(devices.max-devices %u): %" PRIu64 " devices were not "
		    "recorded\n", b->cfg.max_devices, full);
	if ((full = ctr_get(b->ctr, CTR_DEV_ADDR_TABLE_FULL)) > 0)
		fprintf(fp, "  WARNING    a device's address table was full "
		    "%" PRIu64 " times (devices.address_tables_full)\n", full);
	if ((full = ctr_get(b->ctr, CTR_DEV_EVENTS_DROPPED)) > 0)
		fprintf(fp, "  WARNING    %" PRIu64 " device events were "
		    "dropped (the inventory fell behind)\n", full);
	if (verbose && b->handover_peak > 0)
		fprintf(fp, "  queue      at most %" PRIu64 " device events "
		    "waited for the inventory (devices.queue-max %u%s, the "
		    "largest handover %" PRIu64 ")\n", b->inflight_peak,
		    b->block ? b->wait_max : b->cfg.queue_max,
		    b->block && b->wait_max < b->cfg.queue_max ?
		    " offline" : "", b->handover_peak);
	if (b->oui == NULL)
		fprintf(fp, "  WARNING    no MAC vendor registry: vendors "
		    "come from other evidence only (install ieee-data)\n");
	if (b->save_failed)
		fprintf(fp, "  WARNING    the inventory could not be saved "
		    "(devices.save_errors)\n");
	pthread_mutex_unlock(&b->lock);
}

void
brain_free(struct brain *b)
{
	struct brain_handover *h, *hnext;
	struct brain_ipent *e, *next;
	size_t i;

	if (b == NULL)
		return;
	brain_stop(b);
	for (h = atomic_exchange(&b->inbox, NULL); h != NULL; h = hnext) {
		hnext = h->next;
		for (i = 0; i < h->n; i++)
			brain_ev_release(&h->ev[i]);
		free(h->ev);
		free(h);
	}
	for (i = 0; i < b->npend; i++)
		brain_ev_release(&b->pend[i]);
	detect_filter_free(b->filter);
	for (i = 0; i < b->ndevs; i++) {
		brain_bl_dev_free(b->devs[i]);
		brain_policy_dev_free(b->devs[i]);
		brain_peers_dev_free(b->devs[i]);
		free(b->devs[i]->alerts);
		dev_free(&b->devs[i]->d);
		free(b->devs[i]);
	}
	free(b->devs);
	free(b->apend);
	brain_policy_free(b);
	for (e = b->ip_lru; e != NULL; e = next) {
		next = e->lru_next;
		free(e);
	}
	free(b->ip_tab);
	free(b->mac_tab);
	free(b->touched);
	free(b->forget);
	free(b->pend);
	free(b->order);
	free(b->wgen);
	free(b->ticks);
	free(b->held);
	brain_bl_free(b);
	zones_free(b->own_zones);
	zones_free(b->reload_zones);
	fpdb_free(b->fp);
	oui_free(b->oui);
	if (b->state != NULL)
		state_close(b->state);
	record_writer_free(&b->rw);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->flow_lock);
	pthread_cond_destroy(&b->flow_cv);
	sem_destroy(&b->wake);
	free(b);
}
