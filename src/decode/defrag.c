/*
 * defrag.c - IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section
 * 4.5) fragment reassembly with target-based overlap policies.
 *
 * A tracker holds the datagram as a sorted list of disjoint segments,
 * each pointing into the fragment that supplied its bytes.  A new
 * fragment is merged against that list: where it overlaps a segment,
 * the policy decides, from the two fragments' offsets and ends as they
 * were sent, which copy of those bytes stays.  The pairwise rules are
 * the ones Suricata and Snort use for their target-based policies
 * (Novak, "Target-Based Fragmentation Reassembly", 2005):
 *
 *	first	the older copy always stays
 *	last	the newer copy always wins
 *	bsd	the newer wins only if it starts before the older
 *	linux	the newer wins if it starts at or before the older
 *	windows	the newer wins only if it starts before and ends after
 *
 * Because the segments never overlap and all lie inside [0, end), the
 * datagram is complete exactly when the last fragment has been seen and
 * the segments add up to 'end' bytes: a datagram with a hole is never
 * handed out, whatever the order or overlap of the fragments.
 *
 * Memory is counted per tracker, per fragment copy and per segment
 * array; decoder_memuse() returns to zero once every tracker is gone.
 */
#include <config.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "util/log.h"
#include "util/util.h"

/* 65535 / 8 and then some: more could not be distinct. */
#define DEFRAG_MAX_FRAGS_LIMIT	16384
#define DEFRAG_MIN_BUCKETS	64
#define DEFRAG_MAX_BUCKETS	65536
#define DEFRAG_LOG_INTERVAL	60	/* seconds between messages */

struct defrag_key {
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 id;
	uint16_t	 vlan[PKT_MAX_VLAN];
	uint8_t		 ipver;
	uint8_t		 proto;
};

/* A copy of one fragment's data, shared by the segments cut from it. */
struct frag {
	uint32_t	 off;		/* first byte, as sent */
	uint32_t	 end;		/* one past the last, as sent */
	uint32_t	 refs;		/* segments pointing here */
	uint32_t	 pad;
	uint8_t		 data[];
};

/* Bytes [start, end) of the datagram come from f (NULL while merging:
 * the fragment being inserted). */
struct seg {
	uint32_t	 start;
	uint32_t	 end;
	struct frag	*f;
};

struct tracker {
	struct tracker	*hnext;		/* hash chain */
	struct tracker	*older;		/* age list, by creation */
	struct tracker	*newer;
	struct defrag_key key;
	uint32_t	 bucket;
	uint64_t	 created_us;
	struct seg	*seg;
	uint32_t	 nseg;
	uint32_t	 segcap;
	uint32_t	 nfrags;	/* fragments accepted */
	uint32_t	 end;		/* datagram length, if have_last */
	uint32_t	 covered;	/* bytes held */
	bool		 have_last;
	bool		 have_first;
	uint8_t		 nh;		/* v6: true next header */
	uint8_t		 hdr_len;
	uint8_t		 hdr[60];	/* offset 0's IP header */
};

struct defrag {
	struct defrag_config cfg;
	struct counters	*ctr;
	struct sipkey	 key;
	struct tracker	**bucket;
	uint32_t	 nbucket;	/* a power of two */
	struct tracker	*oldest;
	struct tracker	*newest;
	uint32_t	 ntrackers;
	uint64_t	 memuse;
	struct seg	*scratch;	/* the merge result */
	uint32_t	 scratch_cap;
	uint8_t		*out;		/* datagram handed out */
	time_t		 log_memcap;
	time_t		 log_trackers;
};

struct defrag *
defrag_new(const struct defrag_config *cfg, struct counters *ctr)
{
	struct defrag *d;
	uint32_t n;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->cfg = *cfg;
	d->ctr = ctr;
	if (d->cfg.max_frags == 0)
		d->cfg.max_frags = 1;
	if (d->cfg.max_frags > DEFRAG_MAX_FRAGS_LIMIT)
		d->cfg.max_frags = DEFRAG_MAX_FRAGS_LIMIT;
	if (d->cfg.max_trackers == 0)
		d->cfg.max_trackers = 1;
	if (d->cfg.timeout_s == 0)
		d->cfg.timeout_s = 1;
	sipkey_init(&d->key, false);
	for (n = DEFRAG_MIN_BUCKETS; n < d->cfg.max_trackers / 4 &&
	    n < DEFRAG_MAX_BUCKETS; n <<= 1)
		;
	d->nbucket = n;
	if ((d->bucket = calloc(n, sizeof(*d->bucket))) == NULL)
		goto out_free_d;
	/* Segment boundaries are fragment ends: at most 2 per fragment. */
	d->scratch_cap = 2 * d->cfg.max_frags + 2;
	if ((d->scratch = calloc(d->scratch_cap, sizeof(*d->scratch))) == NULL)
		goto out_free_bucket;
	if ((d->out = malloc(DEFRAG_IPV6_HLEN + DEFRAG_MAX_DATAGRAM)) == NULL)
		goto out_free_scratch;
	return d;

 out_free_scratch:
	free(d->scratch);
 out_free_bucket:
	free(d->bucket);
 out_free_d:
	free(d);
	return NULL;
}

static void
frag_unref(struct defrag *d, struct frag *f)
{
	assert(f->refs > 0);
	if (--f->refs == 0) {
		d->memuse -= sizeof(*f) + (f->end - f->off);
		free(f);
	}
}

static void
tracker_free(struct defrag *d, struct tracker *t)
{
	struct tracker **pp;
	uint32_t i;

	for (pp = &d->bucket[t->bucket]; *pp != t; pp = &(*pp)->hnext)
		assert(*pp != NULL);
	*pp = t->hnext;
	if (t->older != NULL)
		t->older->newer = t->newer;
	else
		d->oldest = t->newer;
	if (t->newer != NULL)
		t->newer->older = t->older;
	else
		d->newest = t->older;
	for (i = 0; i < t->nseg; i++)
		frag_unref(d, t->seg[i].f);
	d->memuse -= (uint64_t)t->segcap * sizeof(*t->seg) + sizeof(*t);
	free(t->seg);
	free(t);
	d->ntrackers--;
}

void
defrag_free(struct defrag *d)
{
	if (d == NULL)
		return;
	while (d->oldest != NULL)
		tracker_free(d, d->oldest);
	free(d->out);
	free(d->scratch);
	free(d->bucket);
	free(d);
}

static bool
tracker_expired(const struct defrag *d, const struct tracker *t,
    uint64_t now_us)
{
	/* Packet time may go backwards: then nothing is expired. */
	return now_us > t->created_us &&
	    now_us - t->created_us >= (uint64_t)d->cfg.timeout_s * 1000000;
}

void
defrag_tick(struct defrag *d, uint64_t now_us)
{
	/*
	 * The age list is in creation order and a tracker's deadline is
	 * fixed when it is created (as Linux's ipfrag_time), so trickling
	 * fragments cannot keep a datagram alive: stop at the first one
	 * that has time left.
	 */
	while (d->oldest != NULL && tracker_expired(d, d->oldest, now_us)) {
		tracker_free(d, d->oldest);
		ctr_inc(d->ctr, CTR_DEFRAG_TIMEOUTS);
	}
}

uint64_t
defrag_memuse(const struct defrag *d)
{
	return d->memuse;
}

uint32_t
defrag_trackers(const struct defrag *d)
{
	return d->ntrackers;
}

/*
 * Evict the oldest trackers other than 'keep' until 'need' more bytes
 * fit under the memcap.  False when they cannot.
 */
static bool
defrag_make_room(struct defrag *d, const struct tracker *keep, uint64_t need,
    struct packet *p)
{
	struct tracker *victim;
	bool hit = false;

	while (d->memuse + need > d->cfg.memcap) {
		victim = d->oldest;
		if (victim != NULL && victim == keep)
			victim = keep->newer;
		if (victim == NULL)
			break;
		if (!hit) {
			decode_anomaly(d->ctr, p, EV_DEFRAG_MEMCAP);
			(void)log_ratelimit(&d->log_memcap, DEFRAG_LOG_INTERVAL,
			    "defrag: memcap %llu reached, evicting the oldest "
			    "datagrams", (unsigned long long)d->cfg.memcap);
			hit = true;
		}
		tracker_free(d, victim);
	}
	if (d->memuse + need > d->cfg.memcap) {
		if (!hit)
			decode_anomaly(d->ctr, p, EV_DEFRAG_MEMCAP);
		return false;
	}
	return true;
}

static void
key_make(struct defrag_key *k, const struct defrag_frag *f,
    const struct packet *p)
{
	size_t alen = f->ipver == 6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	memcpy(k->src, f->src, alen);
	memcpy(k->dst, f->dst, alen);
	k->id = f->id;
	memcpy(k->vlan, p->vlan, sizeof(k->vlan));
	k->ipver = f->ipver;
	/*
	 * RFC 8200 4.5: IPv6 fragments are identified by source,
	 * destination and Identification; the Next Header of non-first
	 * fragments may differ.  Keying on it would let an attacker split
	 * one datagram across trackers the target joins.
	 */
	k->proto = f->ipver == 6 ? 0 : f->proto;
}

static struct tracker *
tracker_find(struct defrag *d, const struct defrag_key *k, uint32_t *bucket)
{
	struct tracker *t;

	*bucket = (uint32_t)(siphash24(&d->key, k, sizeof(*k)) &
	    (d->nbucket - 1));
	for (t = d->bucket[*bucket]; t != NULL; t = t->hnext)
		if (memcmp(&t->key, k, sizeof(*k)) == 0)
			return t;
	return NULL;
}

static struct tracker *
tracker_new(struct defrag *d, const struct defrag_key *k, uint32_t bucket,
    uint64_t now_us, struct packet *p)
{
	struct tracker *t;

	if (d->ntrackers >= d->cfg.max_trackers) {
		decode_anomaly(d->ctr, p, EV_DEFRAG_MAX_TRACKERS_REACHED);
		(void)log_ratelimit(&d->log_trackers, DEFRAG_LOG_INTERVAL,
		    "defrag: %u datagrams in reassembly, evicting the oldest",
		    d->cfg.max_trackers);
		while (d->ntrackers >= d->cfg.max_trackers)
			tracker_free(d, d->oldest);
	}
	if (!defrag_make_room(d, NULL, sizeof(*t), p))
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		decode_anomaly(d->ctr, p, EV_DEFRAG_MEMCAP);
		return NULL;
	}
	t->key = *k;
	t->bucket = bucket;
	t->created_us = now_us;
	t->hnext = d->bucket[bucket];
	d->bucket[bucket] = t;
	t->older = d->newest;
	if (d->newest != NULL)
		d->newest->newer = t;
	else
		d->oldest = t;
	d->newest = t;
	d->ntrackers++;
	d->memuse += sizeof(*t);
	return t;
}

/* The overlap policy: does the new fragment's copy replace the old? */
static bool
new_wins(enum defrag_policy pol, const struct frag *old, uint32_t noff,
    uint32_t nend)
{
	switch (pol) {
	case DEFRAG_POLICY_FIRST:
		return false;
	case DEFRAG_POLICY_LAST:
		return true;
	case DEFRAG_POLICY_BSD:
		return noff < old->off;
	case DEFRAG_POLICY_LINUX:
		return noff <= old->off;
	case DEFRAG_POLICY_WINDOWS:
		return noff < old->off && nend > old->end;
	}
	return false;
}

struct merge {
	struct seg	*out;
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	 new_pieces;	/* segments of the new fragment */
	bool		 overflow;
	bool		 overlap;
	bool		 diff;
};

static void
merge_emit(struct merge *m, uint32_t start, uint32_t end, struct frag *f)
{
	if (m->n == m->cap) {
		m->overflow = true;
		return;
	}
	m->out[m->n].start = start;
	m->out[m->n].end = end;
	m->out[m->n].f = f;
	m->n++;
	if (f == NULL)
		m->new_pieces++;
}

/*
 * Merge fragment [a, b) with data 'data' into the tracker's segments,
 * writing the result to m->out.  The tracker is not changed; new
 * pieces carry f == NULL.
 */
static void
merge_fragment(const struct defrag *d, const struct tracker *t,
    struct merge *m, uint32_t a, uint32_t b, const uint8_t *data)
{
	const struct seg *s;
	uint32_t i, lo, hi, pos = a;

	if (a == b) {
		/* An empty fragment only tells where the datagram ends. */
		for (i = 0; i < t->nseg; i++)
			merge_emit(m, t->seg[i].start, t->seg[i].end,
			    t->seg[i].f);
		return;
	}
	for (i = 0; i < t->nseg; i++) {
		s = &t->seg[i];
		if (s->end <= a) {
			merge_emit(m, s->start, s->end, s->f);
			continue;
		}
		if (s->start >= b) {
			if (pos < b) {
				merge_emit(m, pos, b, NULL);
				pos = b;
			}
			merge_emit(m, s->start, s->end, s->f);
			continue;
		}
		lo = s->start > a ? s->start : a;
		hi = s->end < b ? s->end : b;
		m->overlap = true;
		if (memcmp(data + (lo - a), s->f->data + (lo - s->f->off),
		    hi - lo) != 0)
			m->diff = true;
		if (!new_wins(d->cfg.policy, s->f, a, b)) {
			if (pos < s->start)
				merge_emit(m, pos, s->start, NULL);
			merge_emit(m, s->start, s->end, s->f);
			if (hi > pos)
				pos = hi;
			continue;
		}
		/* The new copy wins [lo, hi); keep what lies outside. */
		if (s->start < a)
			merge_emit(m, s->start, a, s->f);
		if (s->end > b) {
			if (pos < b)
				merge_emit(m, pos, b, NULL);
			pos = b;
			merge_emit(m, b, s->end, s->f);
		}
	}
	if (pos < b)
		merge_emit(m, pos, b, NULL);
}

/* RFC 1071 checksum of an IPv4 header whose checksum field is zero. */
static uint16_t
ipv4_cksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Write the finished datagram to d->out; its length. */
static size_t
assemble(struct defrag *d, const struct tracker *t)
{
	uint8_t *o = d->out;
	size_t hl = t->hdr_len, total = hl + t->end;
	uint32_t i;
	uint16_t ck;

	memcpy(o, t->hdr, hl);
	if (t->key.ipver == 4) {
		o[2] = (uint8_t)(total >> 8);
		o[3] = (uint8_t)total;
		o[6] &= 0x40;		/* keep DF, clear MF and offset */
		o[7] = 0;
		o[10] = o[11] = 0;
		ck = ipv4_cksum(o, hl);
		o[10] = (uint8_t)(ck >> 8);
		o[11] = (uint8_t)ck;
	} else {
		/*
		 * The extension headers before the Fragment header were
		 * decoded on every fragment; the datagram handed on is the
		 * fixed header followed directly by the reassembled part.
		 */
		o[4] = (uint8_t)(t->end >> 8);
		o[5] = (uint8_t)t->end;
		o[6] = t->nh;
	}
	for (i = 0; i < t->nseg; i++) {
		const struct seg *s = &t->seg[i];

		memcpy(o + hl + s->start, s->f->data + (s->start - s->f->off),
		    s->end - s->start);
	}
	return total;
}

static enum defrag_result
defrag_drop(struct defrag *d, struct tracker *t, struct packet *p,
    enum ww_counter ev)
{
	if (t != NULL)
		tracker_free(d, t);
	decode_anomaly(d->ctr, p, ev);
	return DEFRAG_INVALID;
}

enum defrag_result
defrag_insert(struct defrag *d, const struct defrag_frag *f, struct packet *p,
    const uint8_t **out, size_t *out_len)
{
	struct defrag_key k;
	struct tracker *t;
	struct merge m;
	struct frag *nf = NULL;
	uint32_t bucket, a, b, i, covered;
	uint64_t need;
	size_t hl;

	*out = NULL;
	*out_len = 0;
	defrag_tick(d, f->ts_us);
	key_make(&k, f, p);
	t = tracker_find(d, &k, &bucket);
	if (t != NULL && tracker_expired(d, t, f->ts_us)) {
		tracker_free(d, t);
		ctr_inc(d->ctr, CTR_DEFRAG_TIMEOUTS);
		t = NULL;
	}

	/*
	 * The datagram may not outgrow its length field: 16 bits of total
	 * length for IPv4, of payload length for IPv6 (the "ping of
	 * death").  The whole datagram is dropped, as Linux does.
	 */
	if ((uint64_t)f->off + f->len > DEFRAG_MAX_DATAGRAM ||
	    (f->ipver == 4 && f->hdr_len + f->off + f->len >
	    DEFRAG_MAX_DATAGRAM))
		return defrag_drop(d, t, p, EV_DEFRAG_PKT_TOO_LARGE);
	a = f->off;
	b = f->off + (uint32_t)f->len;

	if (t == NULL && (t = tracker_new(d, &k, bucket, f->ts_us, p)) == NULL)
		return DEFRAG_INVALID;
	if (t->nfrags >= d->cfg.max_frags)
		return defrag_drop(d, t, p, EV_DEFRAG_MAX_FRAGS_REACHED);
	/*
	 * All fragments must agree on where the datagram ends (RFC 791;
	 * Linux discards the queue as corrupt otherwise).
	 */
	if (t->have_last ? (b > t->end || (!f->more && b != t->end)) :
	    (!f->more && t->nseg > 0 && t->seg[t->nseg - 1].end > b))
		return defrag_drop(d, t, p, EV_DEFRAG_END_MISMATCH);

	memset(&m, 0, sizeof(m));
	m.out = d->scratch;
	m.cap = d->scratch_cap;
	merge_fragment(d, t, &m, a, b, f->data);
	if (m.overlap)
		decode_anomaly(d->ctr, p, EV_DEFRAG_OVERLAP);
	if (m.diff)
		decode_anomaly(d->ctr, p, EV_DEFRAG_OVERLAP_DIFF_DATA);
	/* Cannot happen: boundaries are fragment ends (see scratch_cap). */
	assert(!m.overflow);
	if (m.overflow)
		return defrag_drop(d, t, p, EV_DEFRAG_MAX_FRAGS_REACHED);

	need = 0;
	if (m.new_pieces > 0)
		need += sizeof(*nf) + f->len;
	if (m.n > t->segcap)
		need += (uint64_t)(m.n - t->segcap) * sizeof(*t->seg);
	if (!defrag_make_room(d, t, need, p))
		goto out_drop_frag;
	if (m.n > t->segcap) {
		struct seg *ns;

		if ((ns = reallocarray(t->seg, m.n, sizeof(*ns))) == NULL)
			goto out_nomem;
		d->memuse += (uint64_t)(m.n - t->segcap) * sizeof(*ns);
		t->seg = ns;
		t->segcap = m.n;
	}
	if (m.new_pieces > 0) {
		if ((nf = malloc(sizeof(*nf) + f->len)) == NULL)
			goto out_nomem;
		nf->off = a;
		nf->end = b;
		nf->refs = 0;
		nf->pad = 0;
		memcpy(nf->data, f->data, f->len);
		d->memuse += sizeof(*nf) + f->len;
	}

	/*
	 * Commit.  References are added for the new list before the old
	 * list's are dropped, so a fragment is freed exactly when no new
	 * segment uses it.
	 */
	covered = 0;
	for (i = 0; i < m.n; i++) {
		if (m.out[i].f == NULL)
			m.out[i].f = nf;
		m.out[i].f->refs++;
		covered += m.out[i].end - m.out[i].start;
	}
	for (i = 0; i < t->nseg; i++)
		frag_unref(d, t->seg[i].f);
	if (m.n > 0)
		memcpy(t->seg, m.out, m.n * sizeof(*t->seg));
	t->nseg = m.n;
	t->covered = covered;
	t->nfrags++;
	if (!f->more) {
		t->have_last = true;
		t->end = b;
	}
	if (a == 0 && !t->have_first) {
		hl = f->hdr_len < sizeof(t->hdr) ? f->hdr_len : sizeof(t->hdr);
		memcpy(t->hdr, f->hdr, hl);
		t->hdr_len = (uint8_t)hl;
		t->nh = f->proto;
		t->have_first = true;
	}

	if (!t->have_last || !t->have_first || t->covered != t->end)
		return DEFRAG_HELD;
	if (t->hdr_len + t->end > DEFRAG_MAX_DATAGRAM && t->key.ipver == 4)
		return defrag_drop(d, t, p, EV_DEFRAG_PKT_TOO_LARGE);
	*out_len = assemble(d, t);
	*out = d->out;
	ctr_inc(d->ctr, t->key.ipver == 4 ? CTR_DEFRAG_IPV4_REASSEMBLED :
	    CTR_DEFRAG_IPV6_REASSEMBLED);
	tracker_free(d, t);
	return DEFRAG_DONE;

 out_nomem:
	decode_anomaly(d->ctr, p, EV_DEFRAG_MEMCAP);
 out_drop_frag:
	/* The tracker is unchanged; an empty new one goes again. */
	if (t->nseg == 0 && t->nfrags == 0)
		tracker_free(d, t);
	return DEFRAG_INVALID;
}
