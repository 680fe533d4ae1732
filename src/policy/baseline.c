/*
 * baseline.c - per-device learned tables and their robust statistics.
 *
 * Tables are small arrays searched by a 64-bit hash of the key (then
 * the key itself): a device talks to tens of peers, not thousands, and
 * the caps keep it so.  They grow by doubling up to their cap.
 *
 * The volume bound of an hour of the day is
 *	max(median + k * 1.4826 * MAD, ratio * median, median + minimum)
 * over the hourly samples taken while learning (the hours the device
 * was active in): one busy hour cannot raise the median, a device whose
 * hours are all alike (MAD 0) still gets room, and a quiet hour is
 * never a deviation (only more than the bound is).
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/baseline.h"
#include "util/fmt.h"
#include "util/util.h"

#define BL_HOUR_US	3600000000ull

static const char *const bl_kind_names[BL_KIND_MAX] = {
	[BL_PEER] = "peer",
	[BL_SERVICE] = "service",
	[BL_HL7_SENT] = "hl7-sent",
	[BL_HL7_RECV] = "hl7-received",
	[BL_DICOM_AE] = "dicom-ae",
	[BL_DICOM_CMD] = "dicom-command",
	[BL_EXTERNAL] = "external",
};

void
bl_config_defaults(struct bl_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->learning_period = BL_DEFAULT_LEARNING;
	c->max[BL_PEER] = BL_DEFAULT_MAX_PEERS;
	c->max[BL_SERVICE] = BL_DEFAULT_MAX_SERVICES;
	c->max[BL_HL7_SENT] = BL_DEFAULT_MAX_ITEMS;
	c->max[BL_HL7_RECV] = BL_DEFAULT_MAX_ITEMS;
	c->max[BL_DICOM_AE] = BL_DEFAULT_MAX_ITEMS;
	c->max[BL_DICOM_CMD] = BL_DEFAULT_MAX_ITEMS;
	c->max[BL_EXTERNAL] = BL_DEFAULT_MAX_EXTERNAL;
	c->vol_mad = BL_DEFAULT_VOL_MAD;
	c->vol_ratio = BL_DEFAULT_VOL_RATIO;
	c->vol_min[BL_M_PACKETS] = BL_DEFAULT_VOL_PACKETS;
	c->vol_min[BL_M_BYTES] = BL_DEFAULT_VOL_BYTES;
	c->vol_min[BL_M_FLOWS] = BL_DEFAULT_VOL_FLOWS;
	c->fan_ratio = BL_DEFAULT_FAN_RATIO;
	c->fan_slack = BL_DEFAULT_FAN_SLACK;
	c->window = 3600;
	bh_config_defaults(&c->detect);
}

const char *
bl_kind_name(enum bl_kind k)
{
	return (unsigned)k < BL_KIND_MAX ? bl_kind_names[k] : "unknown";
}

int
bl_kind_lookup(const char *s)
{
	int i;

	for (i = 0; i < BL_KIND_MAX; i++)
		if (strcmp(bl_kind_names[i], s) == 0)
			return i;
	return -1;
}

const char *
bl_mode_name(enum bl_mode m)
{
	return m == BL_ENFORCING ? "enforcing" : "learning";
}

int
bl_mode_lookup(const char *s)
{
	if (strcmp(s, "learning") == 0)
		return BL_LEARNING;
	if (strcmp(s, "enforcing") == 0)
		return BL_ENFORCING;
	return -1;
}

/* The last 1 to 7 bytes of a key as a word, in two loads that may
 * overlap (a copy of n bytes would be a loop). */
static uint64_t
bl_tail(const char *s, size_t n)
{
	uint32_t a, b;
	uint16_t c, d;

	if (n >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return (uint64_t)a | (uint64_t)b << (8 * (n - 4));
	}
	if (n >= 2) {
		memcpy(&c, s, 2);
		memcpy(&d, s + n - 2, 2);
		return (uint64_t)c | (uint64_t)d << (8 * (n - 2));
	}
	return (uint8_t)s[0];
}

/*
 * Of n bytes, a word at a time (every key observed is hashed, most are
 * two or three words long).  Kept in memory only, beside the key it
 * was made of: a lookup compares the keys too.  A word a step is easy
 * to collide on purpose, so nothing may be decided by this hash alone
 * (bl_dedup() has its own).
 */
static uint64_t
bl_hash_n(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 32;
	}
	if (n > 0) {
		h = (h ^ bl_tail(s, n)) * 1099511628211ull;
		h ^= h >> 32;
	}
	return h;
}

/*
 * FNV-1a, a byte a step: what bl_dedup() tells deviations apart by,
 * with no key compared.  It stays as it was before bl_hash_n() took a
 * word a step: a sender of chosen keys (HL7 types, DICOM AE titles)
 * collides that in one step, and would hide a deviation behind
 * another.
 */
static uint64_t
bl_dedup_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

unsigned
bl_hour_of_day(uint64_t ts_us)
{
	return (unsigned)((ts_us / BL_HOUR_US) % 24);
}

/* The hours of the day that [from, to] spans. */
static uint32_t
bl_hours_span(uint64_t from, uint64_t to)
{
	uint64_t h, a = from / BL_HOUR_US, b = to / BL_HOUR_US;
	uint32_t m = 0;

	if (to < from)
		return 0;
	if (b - a >= 23)
		return 0xffffffu;
	for (h = a; h <= b; h++)
		m |= 1u << (h % 24);
	return m;
}

struct bl_dev *
bl_dev_new(const struct bl_config *c, uint64_t ts)
{
	struct bl_dev *d = xcalloc(1, sizeof(*d));

	d->mode = BL_LEARNING;
	d->learn_start_us = ts;
	d->learn_until_us = c->learn_run ? BL_LEARN_UNTIL_RUN :
	    ts + (uint64_t)c->learning_period * 1000000u;
	d->changed = true;
	return d;
}

void
bl_dev_free(struct bl_dev *d)
{
	int k;

	if (d == NULL)
		return;
	for (k = 0; k < BL_KIND_MAX; k++)
		free(d->set[k].v);
	free(d->vol);
	free(d);
}

size_t
bl_dev_memory(const struct bl_dev *d)
{
	size_t n;
	int k;

	if (d == NULL)
		return 0;
	n = sizeof(*d);
	for (k = 0; k < BL_KIND_MAX; k++)
		n += (size_t)d->set[k].cap * sizeof(struct bl_item);
	if (d->vol != NULL)
		n += sizeof(*d->vol);
	return n;
}

struct bl_dev *
bl_dev_clone(const struct bl_dev *s)
{
	struct bl_dev *d = xcalloc(1, sizeof(*d));
	int k;

	*d = *s;
	for (k = 0; k < BL_KIND_MAX; k++) {
		d->set[k].v = NULL;
		if (s->set[k].cap == 0)
			continue;
		d->set[k].v = xcalloc(s->set[k].cap, sizeof(struct bl_item));
		memcpy(d->set[k].v, s->set[k].v,
		    s->set[k].n * sizeof(struct bl_item));
	}
	if (s->vol != NULL) {
		d->vol = xcalloc(1, sizeof(*d->vol));
		*d->vol = *s->vol;
	}
	d->changed = true;
	d->items_stored = false;	/* its rows, if any, are another's */
	return d;
}

/* The hour being counted goes into its hour of the day's samples. */
static void
bl_sample(struct bl_dev *d)
{
	unsigned h;
	uint32_t i;

	if (d->cur_hour == 0 || (d->cur.m[BL_M_FLOWS] == 0 &&
	    d->cur.m[BL_M_PACKETS] == 0))
		return;
	if (d->vol == NULL)
		d->vol = xcalloc(1, sizeof(*d->vol));
	h = d->cur_hour % 24;
	i = d->vol->n[h] % BL_VOL_SAMPLES;
	d->vol->s[h][i] = d->cur;
	d->vol->n[h]++;
	d->bound_hour = 0;
	d->changed = true;
}

static void
bl_end_learning(struct bl_dev *d, uint64_t ts)
{
	bl_sample(d);
	d->hours_covered |= bl_hours_span(d->learn_start_us, ts);
	d->mode = BL_ENFORCING;
	d->learn_until_us = ts;
	d->changed = true;
}

bool
bl_tick(struct bl_dev *d, const struct bl_config *c, uint64_t ts)
{
	uint32_t hour = (uint32_t)(ts / BL_HOUR_US);
	bool started = false;

	(void)c;
	if (d->mode == BL_LEARNING && d->learn_until_us !=
	    BL_LEARN_UNTIL_RUN && ts >= d->learn_until_us) {
		/* The hour in progress belongs to learning up to its end. */
		bl_end_learning(d, d->learn_until_us);
		started = true;
	}
	if (hour != d->cur_hour) {
		if (d->mode == BL_LEARNING)
			bl_sample(d);
		d->cur_hour = hour;
		memset(&d->cur, 0, sizeof(d->cur));
		d->cur_initiated = 0;
	}
	return started;
}

void
bl_cover(struct bl_dev *d, uint64_t from, uint64_t to)
{
	if (from != 0 && from <= to)
		d->hours_covered |= bl_hours_span(from, to);
}

void
bl_enforce(struct bl_dev *d, uint64_t ts)
{
	if (d->mode == BL_LEARNING)
		bl_end_learning(d, ts);
}

void
bl_relearn(struct bl_dev *d, uint64_t ts)
{
	d->mode = BL_LEARNING;
	d->learn_start_us = ts;
	d->learn_until_us = BL_LEARN_UNTIL_RUN;
	d->cur_hour = 0;
	memset(&d->cur, 0, sizeof(d->cur));
	d->changed = true;
}

static struct bl_item *
bl_lookup(const struct bl_set *s, const char *key, uint64_t h)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].hash == h && strcmp(s->v[i].key, key) == 0)
			return &s->v[i];
	return NULL;
}

/* Keys are kept cut to BL_KEY_MAX - 1 bytes: hash and compare the
 * cut key, so that two long keys alike up to there are one item.
 * Returns the key to keep, its hash in *h. */
static const char *
bl_cut(const char *key, char *buf, uint64_t *h)
{
	size_t n = strnlen(key, BL_KEY_MAX);

	if (n == BL_KEY_MAX) {
		n = BL_KEY_MAX - 1;
		memcpy(buf, key, n);
		buf[n] = '\0';
		key = buf;
	}
	*h = bl_hash_n(key, n);
	return key;
}

const struct bl_item *
bl_find(const struct bl_dev *d, enum bl_kind k, const char *key)
{
	char buf[BL_KEY_MAX];
	uint64_t h;

	key = bl_cut(key, buf, &h);
	return bl_lookup(&d->set[k], key, h);
}

void
bl_key_set(struct bl_key *bk, const char *key)
{
	bk->s = bl_cut(key, bk->buf, &bk->hash);
}

const struct bl_item *
bl_find_key(const struct bl_dev *d, enum bl_kind k, const struct bl_key *bk)
{
	return bl_lookup(&d->set[k], bk->s, bk->hash);
}

/* A new item of a cut key with hash h (not in the table). */
static struct bl_item *
bl_insert(struct bl_dev *d, const struct bl_config *c, enum bl_kind k,
    const char *key, uint64_t h)
{
	struct bl_set *s = &d->set[k];
	struct bl_item *it;
	uint32_t ncap;

	if (s->n >= c->max[k]) {
		s->dropped++;
		return NULL;
	}
	if (s->n == s->cap) {
		ncap = s->cap == 0 ? 4 : s->cap * 2;
		if (ncap > c->max[k])
			ncap = c->max[k];
		s->v = xreallocarray(s->v, ncap, sizeof(*s->v));
		s->cap = ncap;
	}
	it = &s->v[s->n++];
	memset(it, 0, sizeof(*it));
	it->hash = h;
	strlcpy(it->key, key, sizeof(it->key));
	d->changed = true;
	return it;
}

struct bl_item *
bl_add(struct bl_dev *d, const struct bl_config *c, enum bl_kind k,
    const char *key)
{
	struct bl_item *it;
	char buf[BL_KEY_MAX];
	uint64_t h;

	key = bl_cut(key, buf, &h);
	if ((it = bl_lookup(&d->set[k], key, h)) != NULL)
		return it;
	return bl_insert(d, c, k, key, h);
}

enum bl_seen
bl_observe(struct bl_dev *d, const struct bl_config *c, enum bl_kind k,
    const char *key, uint64_t ts)
{
	struct bl_key bk;

	bl_key_set(&bk, key);
	return bl_observe_key(d, c, k, &bk, ts);
}

enum bl_seen
bl_observe_key(struct bl_dev *d, const struct bl_config *c, enum bl_kind k,
    const struct bl_key *bk, uint64_t ts)
{
	struct bl_item *it;

	if ((it = bl_lookup(&d->set[k], bk->s, bk->hash)) != NULL) {
		if (it->count < UINT32_MAX)
			it->count++;
		if (ts > it->last_us)
			it->last_us = ts;
		/* Counts alone wait for the next structural change or the
		 * end of the run (bl_touch()): saving every table at every
		 * save interval would cost more than learning them. */
		if (d->mode == BL_LEARNING &&
		    !(it->hours & (1u << bl_hour_of_day(ts)))) {
			it->hours |= 1u << bl_hour_of_day(ts);
			d->changed = true;
		}
		return BL_KNOWN;
	}
	if (d->mode == BL_ENFORCING)
		return BL_NEW;
	/* Looked up already: not there. */
	if ((it = bl_insert(d, c, k, bk->s, bk->hash)) == NULL)
		return BL_FULL;
	it->count = 1;
	it->first_us = it->last_us = ts;
	it->hours = 1u << bl_hour_of_day(ts);
	return BL_LEARNED;
}

void
bl_count(struct bl_dev *d, const struct bl_config *c, uint64_t ts,
    uint64_t pkts, uint64_t bytes, uint32_t flows, bool initiated)
{
	uint64_t kib = (bytes + 1023) / 1024;
	struct bl_sample *s = &d->cur;

	bl_tick(d, c, ts);
	s->m[BL_M_PACKETS] = pkts > UINT32_MAX - s->m[BL_M_PACKETS] ?
	    UINT32_MAX : s->m[BL_M_PACKETS] + (uint32_t)pkts;
	s->m[BL_M_BYTES] = kib > UINT32_MAX - s->m[BL_M_BYTES] ?
	    UINT32_MAX : s->m[BL_M_BYTES] + (uint32_t)kib;
	s->m[BL_M_FLOWS] = flows > UINT32_MAX - s->m[BL_M_FLOWS] ?
	    UINT32_MAX : s->m[BL_M_FLOWS] + flows;
	if (initiated) {
		d->cur_initiated += flows;
		if (d->mode == BL_LEARNING &&
		    !(d->hours_active & (1u << bl_hour_of_day(ts)))) {
			d->hours_active |= 1u << bl_hour_of_day(ts);
			d->changed = true;
		}
	}
}

void
bl_fanout(struct bl_dev *d, uint32_t peers, uint32_t ports)
{
	if (d->mode != BL_LEARNING)
		return;
	if (peers > d->fan_peers) {
		d->fan_peers = peers;
		d->changed = true;
	}
	if (ports > d->fan_ports) {
		d->fan_ports = ports;
		d->changed = true;
	}
}

static int
bl_cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

uint32_t
bl_median(uint32_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), bl_cmp_u32);
	if (n % 2 == 1)
		return v[n / 2];
	/* The mean of the middle two, without overflow. */
	return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

uint32_t
bl_mad(const uint32_t *v, size_t n, uint32_t med)
{
	uint32_t dev[BL_VOL_SAMPLES * 4];
	size_t i;

	if (n == 0)
		return 0;
	if (n > sizeof(dev) / sizeof(dev[0]))
		n = sizeof(dev) / sizeof(dev[0]);
	for (i = 0; i < n; i++)
		dev[i] = v[i] > med ? v[i] - med : med - v[i];
	return bl_median(dev, n);
}

bool
bl_vol_bound(const struct bl_dev *d, const struct bl_config *c,
    unsigned hour, enum bl_metric m, uint32_t *median, uint32_t *mad,
    uint64_t *bound)
{
	uint32_t v[BL_VOL_SAMPLES];
	uint64_t b, r, minimum;
	size_t i, n;

	if (d->vol == NULL || hour >= 24 || d->vol->n[hour] == 0)
		return false;
	n = d->vol->n[hour] < BL_VOL_SAMPLES ? d->vol->n[hour] :
	    BL_VOL_SAMPLES;
	for (i = 0; i < n; i++)
		v[i] = d->vol->s[hour][i].m[m];
	*median = bl_median(v, n);
	*mad = bl_mad(v, n, *median);
	/* 1.4826 * MAD estimates a standard deviation (normal data). */
	b = *median + (uint64_t)c->vol_mad * (uint64_t)*mad * 14826 / 10000;
	r = (uint64_t)c->vol_ratio * *median;
	minimum = m == BL_M_BYTES ? (c->vol_min[m] + 1023) / 1024 :
	    c->vol_min[m];
	if (r > b)
		b = r;
	if (*median + minimum > b)
		b = *median + minimum;
	*bound = b;
	return true;
}

bool
bl_vol_over(struct bl_dev *d, const struct bl_config *c,
    enum bl_metric *mp, uint64_t *seen, uint64_t *bound, uint32_t *median,
    uint32_t *mad, unsigned *hour)
{
	unsigned h = d->cur_hour % 24;
	int m;

	if (d->mode != BL_ENFORCING || d->cur_hour == 0)
		return false;
	/* Sorting the samples once an hour, not at every flow. */
	if (d->bound_hour != d->cur_hour) {
		d->bound_ok = 0;
		for (m = 0; m < BL_M_MAX; m++)
			if (bl_vol_bound(d, c, h, (enum bl_metric)m,
			    &d->bound_med[m], &d->bound_mad[m], &d->bound[m]))
				d->bound_ok |= 1u << m;
		d->bound_hour = d->cur_hour;
	}
	for (m = 0; m < BL_M_MAX; m++) {
		if (!(d->bound_ok & (1u << m)) || d->cur.m[m] <= d->bound[m])
			continue;
		*mp = (enum bl_metric)m;
		*seen = d->cur.m[m];
		*bound = d->bound[m];
		*median = d->bound_med[m];
		*mad = d->bound_mad[m];
		*hour = h;
		return true;
	}
	return false;
}

/* The hours of the run of silent hours (circular) that h is in. */
static unsigned
bl_quiet_run(uint32_t mask, unsigned h)
{
	unsigned n = 0, i;

	mask &= 0xffffff;
	if (mask & (1u << h))
		return 0;
	if (mask == 0)
		return 24;
	for (i = h; !(mask & (1u << i)); i = (i + 1) % 24)
		n++;
	for (i = (h + 23) % 24; !(mask & (1u << i)); i = (i + 23) % 24)
		n++;
	return n;
}

bool
bl_off_hours(const struct bl_dev *d, const struct bl_config *c,
    unsigned *hour)
{
	unsigned h = d->cur_hour % 24;

	if (d->mode != BL_ENFORCING || d->cur_hour == 0 ||
	    c->detect.off_hours_flows == 0 ||
	    d->cur_initiated < c->detect.off_hours_flows)
		return false;
	if (!(d->hours_covered & (1u << h)) ||
	    bl_quiet_run(d->hours_active, h) < BL_QUIET_HOURS)
		return false;
	/* A device that never started a conversation while learning is
	 * a server: its hours are its clients'. */
	if (d->hours_active == 0)
		return false;
	*hour = h;
	return true;
}

bool
bl_item_off_hours(const struct bl_dev *d, const struct bl_item *it,
    uint64_t ts)
{
	uint32_t bit = 1u << bl_hour_of_day(ts);

	return d->mode == BL_ENFORCING && it != NULL &&
	    it->count >= BL_HOURS_MIN_USES && it->hours != 0 &&
	    !(it->hours & bit) && (d->hours_covered & bit) &&
	    bl_quiet_run(it->hours, bl_hour_of_day(ts)) >= BL_QUIET_HOURS;
}

bool
bl_dedup(struct bl_dev *d, const char *reason, const char *key,
    uint64_t ts, uint32_t window, uint32_t *count)
{
	struct bl_dedup *e = NULL;
	uint64_t h = bl_dedup_hash(reason) * 31 +
	    bl_dedup_hash(key != NULL ? key : "");
	uint32_t i, oldest = 0;

	for (i = 0; i < d->ndedup; i++) {
		if (d->dedup[i].hash == h) {
			e = &d->dedup[i];
			break;
		}
		if (d->dedup[i].alerted_us < d->dedup[oldest].alerted_us)
			oldest = i;
	}
	if (e == NULL) {
		if (d->ndedup < BL_DEDUP_MAX)
			e = &d->dedup[d->ndedup++];
		else {
			e = &d->dedup[oldest];
			d->dedup_dropped++;
		}
		e->hash = h;
		e->since = 0;
		e->alerted_us = ts;
		*count = 1;
		return true;
	}
	if (e->since < UINT32_MAX)
		e->since++;
	if (ts >= e->alerted_us + (uint64_t)window * 1000000u) {
		*count = e->since;
		e->since = 0;
		e->alerted_us = ts;
		return true;
	}
	return false;
}

/* v in decimal at p, which has room for 10 digits; past them. */
static char *
bl_put_u32(char *p, uint32_t v)
{
	return p + fmt_uint(p, v);
}

char *
bl_vol_format(const struct bl_dev *d)
{
	char *buf, *p;
	size_t len;
	unsigned h, i, n;

	/* 24 hours, 8 samples, three 10-digit numbers each. */
	len = 24 * (8 + BL_VOL_SAMPLES * 36) + 1;
	p = buf = xreallocarray(NULL, len, 1);
	*p = '\0';
	if (d->vol == NULL)
		return buf;
	/* Numbers by hand, not by snprintf(): every baseline saved has
	 * its volume written (h40: 24 M instructions of a save). */
	for (h = 0; h < 24; h++) {
		if (d->vol->n[h] == 0)
			continue;
		n = d->vol->n[h] < BL_VOL_SAMPLES ? d->vol->n[h] :
		    BL_VOL_SAMPLES;
		if (p != buf)
			*p++ = ';';
		p = bl_put_u32(p, h);
		*p++ = ':';
		p = bl_put_u32(p, d->vol->n[h]);
		for (i = 0; i < n; i++) {
			const struct bl_sample *s = &d->vol->s[h][i];

			*p++ = ' ';
			p = bl_put_u32(p, s->m[BL_M_PACKETS]);
			*p++ = ',';
			p = bl_put_u32(p, s->m[BL_M_BYTES]);
			*p++ = ',';
			p = bl_put_u32(p, s->m[BL_M_FLOWS]);
		}
		*p = '\0';
	}
	return buf;
}

int
bl_vol_parse(struct bl_dev *d, const char *s)
{
	struct bl_vol v;
	unsigned long h, n, a, b, c, i;
	char *end;

	memset(&v, 0, sizeof(v));
	while (*s != '\0') {
		h = strtoul(s, &end, 10);
		if (end == s || *end != ':' || h >= 24)
			return -1;
		s = end + 1;
		n = strtoul(s, &end, 10);
		if (end == s || n == 0 || n > UINT32_MAX)
			return -1;
		s = end;
		for (i = 0; i < n && i < BL_VOL_SAMPLES; i++) {
			if (*s++ != ' ')
				return -1;
			a = strtoul(s, &end, 10);
			if (end == s || *end != ',')
				return -1;
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || *end != ',')
				return -1;
			s = end + 1;
			c = strtoul(s, &end, 10);
			if (end == s || a > UINT32_MAX || b > UINT32_MAX ||
			    c > UINT32_MAX)
				return -1;
			s = end;
			v.s[h][i].m[BL_M_PACKETS] = (uint32_t)a;
			v.s[h][i].m[BL_M_BYTES] = (uint32_t)b;
			v.s[h][i].m[BL_M_FLOWS] = (uint32_t)c;
		}
		v.n[h] = (uint32_t)n;
		if (*s == ';')
			s++;
		else if (*s != '\0')
			return -1;
	}
	if (d->vol == NULL)
		d->vol = xcalloc(1, sizeof(*d->vol));
	*d->vol = v;
	d->bound_hour = 0;
	return 0;
}
