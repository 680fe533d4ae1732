/*
 * detect/detect-filter.c - what turns a candidate into an alert:
 * device-class conditions, suppressions, detection_filter and
 * threshold (limit, threshold, both), with Suricata's counting.
 *
 * One caller (the device brain's thread) in event order, so results do
 * not depend on how flows are spread over workers.  Tracked keys live
 * in a hash table with a cap; at the cap expired entries are purged
 * and, if none is, the new key is not tracked and the alert passes
 * (fail open: an IDS that goes quiet under load is worse).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"
#include "util/util.h"

#define FILTER_BUCKETS		65536	/* power of two */
#define FILTER_MAX_ENTRIES	(1u << 20)

struct fentry {
	struct fentry	*next;
	uint32_t	 rule;
	uint8_t		 kind;		/* 0 threshold, 1 detection_filter */
	uint8_t		 ipver;
	uint8_t		 a[16], b[16];
	uint64_t	 first_us;
	uint32_t	 count;
	uint32_t	 seconds;
};

struct detect_filter {
	const struct detect_engine *e;
	struct fentry	**b;
	size_t		 n;
	struct sipkey	 key;
};

struct detect_filter *
detect_filter_new(const struct detect_engine *e)
{
	struct detect_filter *f = xcalloc(1, sizeof(*f));

	f->e = e;
	f->b = xcalloc(FILTER_BUCKETS, sizeof(*f->b));
	sipkey_init(&f->key, false);
	return f;
}

void
detect_filter_free(struct detect_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < FILTER_BUCKETS; i++)
		while (f->b[i] != NULL) {
			struct fentry *x = f->b[i];

			f->b[i] = x->next;
			free(x);
		}
	free(f->b);
	free(f);
}

static void
purge(struct detect_filter *f, uint64_t now)
{
	size_t i;

	for (i = 0; i < FILTER_BUCKETS; i++) {
		struct fentry **pp = &f->b[i];

		while (*pp != NULL) {
			struct fentry *x = *pp;

			if (now >= x->first_us &&
			    now - x->first_us > (uint64_t)x->seconds * 1000000) {
				*pp = x->next;
				free(x);
				f->n--;
			} else
				pp = &x->next;
		}
	}
}

/* The tracked entry, new ones with count 0; NULL when full. */
static struct fentry *
lookup(struct detect_filter *f, uint32_t rule, uint8_t kind,
    const struct thresh *t, const uint8_t src[16], const uint8_t dst[16],
    int ipver, uint64_t now, bool *fresh)
{
	struct {
		uint32_t rule;
		uint8_t kind, ipver;
		uint8_t a[16], b[16];
	} k;
	uint64_t h;
	struct fentry *x;

	memset(&k, 0, sizeof(k));
	k.rule = rule;
	k.kind = kind;
	k.ipver = (uint8_t)ipver;
	switch (t->track) {
	case TR_SRC:
		memcpy(k.a, src, 16);
		break;
	case TR_DST:
		memcpy(k.a, dst, 16);
		break;
	case TR_BOTH:
	case TR_FLOW:
		memcpy(k.a, src, 16);
		memcpy(k.b, dst, 16);
		break;
	default:
		break;
	}
	h = siphash13(&f->key, &k, sizeof(k)) & (FILTER_BUCKETS - 1);
	for (x = f->b[h]; x != NULL; x = x->next)
		if (x->rule == rule && x->kind == kind && x->ipver == k.ipver &&
		    memcmp(x->a, k.a, 16) == 0 && memcmp(x->b, k.b, 16) == 0) {
			*fresh = false;
			return x;
		}
	if (f->n >= FILTER_MAX_ENTRIES) {
		purge(f, now);
		if (f->n >= FILTER_MAX_ENTRIES)
			return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->rule = rule;
	x->kind = kind;
	x->ipver = k.ipver;
	memcpy(x->a, k.a, 16);
	memcpy(x->b, k.b, 16);
	x->first_us = now;
	x->seconds = t->seconds;
	x->next = f->b[h];
	f->b[h] = x;
	f->n++;
	*fresh = true;
	return x;
}

static bool
in_window(const struct fentry *x, uint64_t now)
{
	return now < x->first_us ||
	    now - x->first_us <= (uint64_t)x->seconds * 1000000;
}

/* Suricata's ThresholdHandlePacket, type by type. */
static bool
apply(struct detect_filter *f, uint32_t rule, uint8_t kind,
    const struct thresh *t, const uint8_t src[16], const uint8_t dst[16],
    int ipver, uint64_t now)
{
	bool fresh;
	struct fentry *x = lookup(f, rule, kind, t, src, dst, ipver, now,
	    &fresh);

	if (x == NULL)
		return true;
	if (!fresh && !in_window(x, now)) {
		x->first_us = now;
		x->count = 0;
	}
	x->count++;
	switch (t->type) {
	case TH_LIMIT:
		return x->count <= t->count;
	case TH_THRESHOLD:
		if (x->count >= t->count) {
			x->count = 0;
			return true;
		}
		return false;
	case TH_BOTH:
		return x->count == t->count;
	case TH_DETECTION:
		return x->count > t->count;
	default:
		return true;
	}
}

static bool
suppressed(const struct detect_filter *f, const struct detect_rule_info *ri,
    const uint8_t src[16], const uint8_t dst[16], int ipver)
{
	size_t i;

	for (i = 0; i < f->e->nsupp; i++) {
		const struct suppress *s = &f->e->supp[i];

		if (s->gid != ri->gid || (s->sid != 0 && s->sid != ri->sid))
			continue;
		switch (s->track) {
		case TR_SRC:
			if (detect_addr_match(s->ip, ipver, src))
				return true;
			break;
		case TR_DST:
			if (detect_addr_match(s->ip, ipver, dst))
				return true;
			break;
		case TR_EITHER:
			if (detect_addr_match(s->ip, ipver, src) ||
			    detect_addr_match(s->ip, ipver, dst))
				return true;
			break;
		default:
			return true;
		}
	}
	return false;
}

bool
detect_alert_filter(struct detect_filter *f, uint32_t rule,
    const uint8_t src[16], const uint8_t dst[16], int ipver, uint64_t ts_us,
    int src_class, int dst_class)
{
	const struct drule *r;

	if (rule >= f->e->nrules)
		return false;
	r = &f->e->rules[rule];
	if (r->info.src_classes != 0 && (src_class < 0 || src_class >= 64 ||
	    !(r->info.src_classes & (1ull << src_class))))
		return false;
	if (r->info.dest_classes != 0 && (dst_class < 0 || dst_class >= 64 ||
	    !(r->info.dest_classes & (1ull << dst_class))))
		return false;
	if (suppressed(f, &r->info, src, dst, ipver))
		return false;
	if (r->df.type == TH_DETECTION && !apply(f, rule, 1, &r->df, src, dst,
	    ipver, ts_us))
		return false;
	if (r->th.type != TH_NONE && !apply(f, rule, 0, &r->th, src, dst,
	    ipver, ts_us))
		return false;
	return true;
}
