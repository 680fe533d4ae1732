/*
 * behave.c - sliding-window detections of attack behaviour.
 *
 * A window of distinct keys keeps at most 'threshold' keys: the oldest
 * goes when a new one comes and it is full, and reaching the threshold
 * means that many distinct keys arrived within the window.  A counted
 * window keeps the times of the last 'threshold' events: they all fall
 * within the window exactly when the oldest of them does.  Both use
 * seconds of traffic time.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "policy/behave.h"
#include "util/util.h"

static const char *const bh_names[BH_WHAT_MAX] = {
	[BH_SCAN_PEERS] = "scan-peers",
	[BH_SCAN_PORTS] = "scan-ports",
	[BH_LOGINS] = "cleartext-logins",
	[BH_SMB_FILES] = "smb-files",
	[BH_SMB_HOSTS] = "smb-hosts",
	[BH_FINDS] = "dicom-find",
	[BH_MOVES] = "dicom-retrieve",
	[BH_FLOOD_FLOWS] = "flood-flows",
	[BH_FLOOD_PACKETS] = "flood-packets",
};

void
bh_config_defaults(struct bh_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->threshold[BH_SCAN_PEERS] = 32;
	c->window[BH_SCAN_PEERS] = 60;
	c->threshold[BH_SCAN_PORTS] = 50;
	c->window[BH_SCAN_PORTS] = 60;
	c->threshold[BH_LOGINS] = 2;
	c->window[BH_LOGINS] = 600;
	c->threshold[BH_SMB_FILES] = 30;
	c->window[BH_SMB_FILES] = 60;
	c->threshold[BH_SMB_HOSTS] = 3;
	c->window[BH_SMB_HOSTS] = 60;
	c->threshold[BH_FINDS] = 30;
	c->window[BH_FINDS] = 60;
	c->threshold[BH_MOVES] = 25;
	c->window[BH_MOVES] = 600;
	c->threshold[BH_FLOOD_FLOWS] = 1000;
	c->window[BH_FLOOD_FLOWS] = 60;
	c->threshold[BH_FLOOD_PACKETS] = 100000;
	c->window[BH_FLOOD_PACKETS] = 60;
	c->new_ae = true;
	c->phi_internet = true;
	c->off_hours_flows = 1;
}

const char *
bh_what_name(enum bh_what w)
{
	return (unsigned)w < BH_WHAT_MAX ? bh_names[w] : "unknown";
}

uint32_t
bh_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

struct bh_dev *
bh_dev_new(void)
{
	return xcalloc(1, sizeof(struct bh_dev));
}

void
bh_dev_free(struct bh_dev *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < BH_WHAT_MAX; i++) {
		free(d->win[i].key);	/* and ts: one block */
		free(d->ring[i].ts);
	}
	free(d->patients.key);
	free(d);
}

size_t
bh_dev_memory(const struct bh_dev *d)
{
	size_t n;
	int i;

	if (d == NULL)
		return 0;
	n = sizeof(*d);
	/*
	 * A window's capacity, not what it has allocated (its arrays come
	 * when entries need them): an upper bound, kept so that the
	 * baseline summary's figure did not move with that change.
	 */
	for (i = 0; i < BH_WHAT_MAX; i++)
		n += (size_t)d->win[i].cap * 8 + (size_t)d->ring[i].cap * 4;
	n += (size_t)d->patients.cap * 8;
	return n;
}

static uint32_t
bh_sec(uint64_t ts_us)
{
	return (uint32_t)(ts_us / 1000000u);
}

/* ts within the window that ends at now. */
static bool
bh_fresh(uint32_t ts, uint32_t now, uint32_t window)
{
	return ts + window > now || ts > now;
}

/*
 * Memory for entry n, in steps up to the window's cap: a window's cap
 * grows with each of its first calls, and most hold a few keys.  The
 * keys and the times are one block (keys, then times): one allocation
 * a step, not two.
 */
static void
bh_win_room(struct bh_win *w)
{
	uint32_t k, *p;

	if (w->n < w->alloc)
		return;
	k = w->alloc == 0 ? 8 : w->alloc * 2;
	if (k > w->cap)
		k = w->cap;
	if (k <= w->n)
		k = w->n + 1;
	p = xreallocarray(w->key, 2 * (size_t)k, sizeof(*p));
	/* The times move up, from behind the old keys' room. */
	if (w->n > 0)
		memmove(p + k, p + w->alloc, w->n * sizeof(*p));
	w->key = p;
	w->ts = p + k;
	w->alloc = k;
}

uint32_t
bh_win_add(struct bh_win *w, uint32_t cap, uint32_t key, uint32_t now,
    uint32_t window)
{
	uint32_t i, k, oldest;

	if (cap == 0)
		return 0;
	if (w->cap < cap) {
		/* Grows in steps up to the threshold, never past it; the
		 * memory only when an entry needs it (bh_win_room()). */
		k = w->cap == 0 ? (cap < 8 ? cap : 8) : w->cap * 2;
		w->cap = k > cap ? cap : k;
	}
	if (w->n > cap)
		w->n = cap;	/* the threshold went down (reload) */
	for (i = k = 0; i < w->n; i++) {
		if (!bh_fresh(w->ts[i], now, window))
			continue;
		w->key[k] = w->key[i];
		w->ts[k++] = w->ts[i];
	}
	w->n = k;
	for (i = 0; i < w->n; i++)
		if (w->key[i] == key) {
			w->ts[i] = now;
			return w->n;
		}
	if (w->n == w->cap) {
		if (w->cap < cap)
			return bh_win_add(w, cap, key, now, window);
		for (oldest = 0, i = 1; i < w->n; i++)
			if (w->ts[i] < w->ts[oldest])
				oldest = i;
		w->key[oldest] = key;
		w->ts[oldest] = now;
		return w->n;
	}
	bh_win_room(w);
	w->key[w->n] = key;
	w->ts[w->n++] = now;
	return w->n;
}

uint32_t
bh_ring_add(struct bh_ring *r, uint32_t cap, uint32_t now, uint32_t window)
{
	uint32_t i, k, have;

	if (cap == 0)
		return 0;
	if (r->cap != cap) {
		/* A new threshold: start again (a reload changed it). */
		free(r->ts);
		r->ts = xcalloc(cap, sizeof(*r->ts));
		r->cap = cap;
		r->n = 0;
	}
	r->ts[r->n % cap] = now;
	r->n++;
	have = r->n < cap ? r->n : cap;
	/* The events still in the window among the last 'have'. */
	for (i = k = 0; i < have; i++)
		if (bh_fresh(r->ts[i], now, window))
			k++;
	return k;
}

uint32_t
bh_win_count(const struct bh_dev *d, enum bh_what w)
{
	return d != NULL ? d->win[w].n : 0;
}

/* A detection's second count shares the window of its first. */
static uint32_t
bh_window(const struct bh_config *c, enum bh_what w)
{
	switch (w) {
	case BH_SCAN_PORTS:
		return c->window[BH_SCAN_PEERS];
	case BH_SMB_HOSTS:
		return c->window[BH_SMB_FILES];
	case BH_FLOOD_PACKETS:
		return c->window[BH_FLOOD_FLOWS];
	default:
		return c->window[w];
	}
}

static size_t
bh_check(const struct bh_config *c, enum bh_what w, uint32_t seen,
    struct bh_hit *hit)
{
	if (c->threshold[w] == 0 || seen < c->threshold[w])
		return 0;
	memset(hit, 0, sizeof(*hit));
	hit->what = w;
	hit->seen = seen;
	hit->threshold = c->threshold[w];
	hit->window = bh_window(c, w);
	return 1;
}

static size_t
bh_distinct(struct bh_dev *d, const struct bh_config *c, enum bh_what w,
    uint32_t now, uint32_t key, struct bh_hit *hit)
{
	uint32_t n;

	if (c->threshold[w] == 0)
		return 0;
	n = bh_win_add(&d->win[w], c->threshold[w], key, now,
	    bh_window(c, w));
	return bh_check(c, w, n, hit);
}

static size_t
bh_counted(struct bh_dev *d, const struct bh_config *c, enum bh_what w,
    uint32_t now, struct bh_hit *hit)
{
	uint32_t n;

	if (c->threshold[w] == 0)
		return 0;
	n = bh_ring_add(&d->ring[w], c->threshold[w], now, bh_window(c, w));
	return bh_check(c, w, n, hit);
}

/* Flows and packets to one peer in a tumbling window. */
static size_t
bh_flood(struct bh_dev *d, const struct bh_config *c, uint32_t now,
    uint32_t peer, uint64_t pkts, struct bh_hit *hit)
{
	struct bh_flood *f = NULL;
	uint32_t win = c->window[BH_FLOOD_FLOWS];
	size_t i, n = 0;

	if (c->threshold[BH_FLOOD_FLOWS] == 0 &&
	    c->threshold[BH_FLOOD_PACKETS] == 0)
		return 0;
	peer |= 1;		/* 0 marks a free slot */
	for (i = 0; i < BH_FLOOD_PEERS; i++)
		if (d->flood[i].peer == peer) {
			f = &d->flood[i];
			break;
		}
	if (f == NULL) {
		/* A free slot, else the one whose window is oldest. */
		f = &d->flood[0];
		for (i = 0; i < BH_FLOOD_PEERS; i++) {
			if (d->flood[i].peer == 0) {
				f = &d->flood[i];
				break;
			}
			if (d->flood[i].start < f->start)
				f = &d->flood[i];
		}
		memset(f, 0, sizeof(*f));
		f->peer = peer;
		f->start = now;
	}
	if (!bh_fresh(f->start, now, win)) {
		f->start = now;
		f->flows = f->pkts = 0;
	}
	f->flows++;
	f->pkts += pkts;
	n += bh_check(c, BH_FLOOD_FLOWS, f->flows > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)f->flows, &hit[n]);
	n += bh_check(c, BH_FLOOD_PACKETS, f->pkts > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)f->pkts, &hit[n]);
	return n;
}

size_t
bh_flow(struct bh_dev *d, const struct bh_config *c, uint64_t ts_us,
    uint32_t peer, uint16_t port, uint64_t pkts, struct bh_hit hit[4])
{
	uint32_t now = bh_sec(ts_us);
	size_t n = 0;

	if (!c->enabled)
		return 0;
	n += bh_distinct(d, c, BH_SCAN_PEERS, now, peer, &hit[n]);
	n += bh_distinct(d, c, BH_SCAN_PORTS, now, port, &hit[n]);
	n += bh_flood(d, c, now, peer, pkts, &hit[n]);
	return n;
}

size_t
bh_login(struct bh_dev *d, const struct bh_config *c, uint64_t ts_us,
    uint32_t peer, struct bh_hit hit[1])
{
	if (!c->enabled)
		return 0;
	return bh_distinct(d, c, BH_LOGINS, bh_sec(ts_us), peer, hit);
}

size_t
bh_smb_write(struct bh_dev *d, const struct bh_config *c, uint64_t ts_us,
    uint32_t peer, uint32_t file, struct bh_hit hit[2])
{
	uint32_t now = bh_sec(ts_us);
	size_t n = 0;

	if (!c->enabled)
		return 0;
	n += bh_distinct(d, c, BH_SMB_FILES, now, file ^ peer, &hit[n]);
	n += bh_distinct(d, c, BH_SMB_HOSTS, now, peer, &hit[n]);
	return n;
}

size_t
bh_dicom_find(struct bh_dev *d, const struct bh_config *c, uint64_t ts_us,
    struct bh_hit hit[1])
{
	if (!c->enabled)
		return 0;
	return bh_counted(d, c, BH_FINDS, bh_sec(ts_us), hit);
}

/* Keys of a window still in it at now. */
static uint32_t
bh_win_fresh(const struct bh_win *w, uint32_t now, uint32_t window)
{
	uint32_t i, k;

	for (i = k = 0; i < w->n; i++)
		if (bh_fresh(w->ts[i], now, window))
			k++;
	return k;
}

size_t
bh_dicom_move(struct bh_dev *d, const struct bh_config *c, uint64_t ts_us,
    const uint32_t *study, const uint32_t *patient, struct bh_hit hit[1])
{
	uint32_t now = bh_sec(ts_us), win = c->window[BH_MOVES];
	size_t n;

	if (!c->enabled || c->threshold[BH_MOVES] == 0)
		return 0;
	/* Patients: as many as studies can be told, no more. */
	if (patient != NULL)
		(void)bh_win_add(&d->patients, c->threshold[BH_MOVES],
		    *patient, now, win);
	if (study != NULL)
		n = bh_distinct(d, c, BH_MOVES, now, *study, hit);
	else
		n = bh_counted(d, c, BH_MOVES, now, hit);
	if (n > 0) {
		hit->studies = study != NULL;
		hit->patients = bh_win_fresh(&d->patients, now, win);
	}
	return n;
}
