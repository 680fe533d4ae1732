/*
 * devfacts.c - turn flows and application facts into device events.
 *
 * Runs in the workers.  What a fact says about devices is its parser's
 * business: its facts op (app/app.h) names the end of the flow each
 * piece of evidence is about and its key (app/evidence.def).  This file
 * is the sink those calls go to: it fills in the flow's ends, time and
 * order, and copies short strings only, cut to DEV_VALUE_MAX and with
 * control characters replaced; facts never carry patient data, and
 * nothing here adds any.  It knows no protocol.
 */
#include <config.h>

#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/evidence.h"
#include "app/layer.h"
#include "app/lldp.h"
#include "decode/packet.h"
#include "device/brain.h"
#include "device/devfacts.h"
#include "flow/flow.h"
#include "util/util.h"
#include "util/word.h"

_Static_assert(APP_VALUE_MAX == DEV_VALUE_MAX,
    "parsers cut evidence values where devices do");
_Static_assert(APP_END_CLIENT == 0 && APP_END_SERVER == 1,
    "brain_ev.end[] is indexed by the end");

/* What the sink of one fact writes to. */
struct devfacts_ctx {
	struct brain_queue	*q;
	struct flow		*f;	/* NULL: a layer-2 frame */
	const struct packet	*p;	/* NULL: the end of a flow */
	const struct lldp_facts	*l2;	/* the frame's facts */
	uint32_t		 seq;	/* layer 2: per frame */
	uint8_t			 app;	/* enum app_proto of the fact */
	bool			 has_fkey;
	bool			 has_ends;
	/* The fact's time in seconds (a flow's fact: its packet's, or at
	 * the end of the flow the flow's last). */
	uint32_t		 now;
	uint64_t		 fkey;	/* devfacts_fkey(f), once made */
	/* The flow's client and server as events name them
	 * (devfacts_end()), made once for all the events of the fact, in
	 * the caller's array (outside, so that the rest is zeroed cheaply
	 * by an initializer). */
	struct brain_end	*ends;
	/* A run of evidence the parser numbered (app_sink.again): its
	 * number and direction, the earliest start of the minute of any
	 * slot it looked at, and whether it left a value unremembered. */
	uint64_t		 ids;
	int			 ids_dir;
	uint32_t		 min_since;
	bool			 lost;
};

static uint64_t
devfacts_fkey(const struct flow *f)
{
	uint64_t h = 14695981039346656037ull;
	const uint8_t *parts[2] = { f->cli_ip, f->srv_ip };
	size_t i, j;

	for (j = 0; j < 2; j++)
		for (i = 0; i < 16; i++)
			h = (h ^ parts[j][i]) * 1099511628211ull;
	h = (h ^ f->cli_port) * 1099511628211ull;
	h = (h ^ f->srv_port) * 1099511628211ull;
	h = (h ^ f->proto) * 1099511628211ull;
	for (i = 0; i < f->vlan_cnt; i++)
		h = (h ^ f->vlan[i]) * 1099511628211ull;
	return h ^ f->ts_first;
}

static void
devfacts_end(const struct flow *f, int side, struct brain_end *e)
{
	const uint8_t *ip = side == APP_END_CLIENT ? f->cli_ip : f->srv_ip;

	if (f->has_mac) {
		memcpy(e->mac, side == APP_END_CLIENT ? f->cli_mac :
		    f->srv_mac, 6);
		e->has_mac = true;
	}
	e->ttl = f->ttl[side == APP_END_CLIENT ? FLOW_DIR_TOSERVER :
	    FLOW_DIR_TOCLIENT];
	if (f->ipver == 4) {
		dev_ip_from4(&e->ip, ip);
		e->has_ip = true;
	} else if (f->ipver == 6) {
		dev_ip_from6(&e->ip, ip);
		e->has_ip = true;
	}
}

/* An event of the flow, but for its ends. */
static struct brain_ev *
devfacts_add(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum brain_ev_kind kind, uint64_t fkey)
{
	struct brain_ev *ev;

	if ((ev = brain_queue_add(q)) == NULL)
		return NULL;
	ev->kind = (uint8_t)kind;
	ev->ts_us = p != NULL ? p->ts_us : f->ts_last;
	ev->pcap_cnt = p != NULL ? p->pcap_cnt : 0;
	ev->fkey = fkey;
	ev->seq = f->dev_seq++;
	ev->proto = f->proto;
	ev->vlan = f->vlan_cnt > 0 ? f->vlan[f->vlan_cnt - 1] : 0;
	ev->sport = f->cli_port;
	ev->dport = f->srv_port;
	return ev;
}

static struct brain_ev *
devfacts_new_key(struct brain_queue *q, struct flow *f,
    const struct packet *p, enum brain_ev_kind kind, int side, uint64_t fkey)
{
	struct brain_ev *ev;

	if ((ev = devfacts_add(q, f, p, kind, fkey)) == NULL)
		return NULL;
	devfacts_end(f, side, &ev->end[0]);
	devfacts_end(f, !side, &ev->end[1]);
	return ev;
}

static struct brain_ev *
devfacts_new(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum brain_ev_kind kind, int side)
{
	return devfacts_new_key(q, f, p, kind, side, devfacts_fkey(f));
}

static struct brain_ev *devfacts_ctx_new(struct devfacts_ctx *,
	    enum brain_ev_kind, int);

/*
 * Printable, trimmed, cut: evidence values are names, not data.  Leading
 * blanks skipped, control bytes as '?', cut at DEV_VALUE_MAX - 1,
 * trailing spaces dropped; into dst (DEV_VALUE_MAX bytes).  Returns the
 * length of the result (0: nothing left).
 */
static size_t
devfacts_clean(char *dst, const char *src, size_t srclen)
{
	size_t i, n = 0, upto = 0;

	while (srclen > 0 && (*src == ' ' || *src == '\t')) {
		src++;
		srclen--;
	}
	for (i = 0; i < srclen && src[i] != '\0' && n < DEV_VALUE_MAX - 1;
	    i++) {
		unsigned char c = (unsigned char)src[i];

		if (c < 0x20 || c == 0x7f)
			c = '?';
		dst[n++] = (char)c;
		if (c != ' ')
			upto = n;
	}
	dst[upto] = '\0';
	return upto;
}

#define DEVFACTS_MIX	0xff51afd7ed558ccdull

/* For the slow paths of the evidence sink: most evidence is a repeat,
 * and needs neither a copy nor the guard of a stack array; the test for
 * a repeat goes inline into the fast path. */
#if defined(__GNUC__) || defined(__clang__)
#define DEVFACTS_NOINLINE	__attribute__((noinline))
#define DEVFACTS_INLINE		inline __attribute__((always_inline))
#else
#define DEVFACTS_NOINLINE
#define DEVFACTS_INLINE		inline
#endif

static inline uint64_t
devfacts_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * DEVFACTS_MIX;
	return h ^ h >> 32;
}

/*
 * The hash a repeat is told by: of a value as devfacts_clean() leaves
 * it, 8 bytes at a time, the last 1 to 7 as the little-endian number
 * they make; *empty when nothing is left.  Most values are names as
 * they are (nothing to skip, replace or trim): those are hashed in
 * place, checked a word at a time as they are read, and the rest are
 * cleaned first (devfacts_hash_clean()).  Either way the same bytes
 * give the same hash.
 */
/*
 * Bytes that are not printable ASCII (control bytes, DEL, 0x80 and up):
 * whether any is flagged is exact, as the lowest is (carries and
 * borrows only leave a flagged byte).  Cheaper than word_ctl(), and a
 * superset of it: the fast path takes only names that are printable
 * ASCII, which most are, and leaves the rest to the slow path.
 */
static inline uint64_t
devfacts_word_odd(uint64_t w)
{
	return ((w + WORD_ONES) | (w - WORD_ONES * 0x20) | w) & WORD_HIGHS;
}

/* Bytes that stop the hash in place: devfacts_word_odd() (ascii) or
 * word_ctl(). */
static inline uint64_t
devfacts_word_stop(uint64_t w, bool ascii)
{
	return ascii ? devfacts_word_odd(w) : word_ctl(w);
}

static DEVFACTS_INLINE bool
devfacts_hash_words(const char *s, size_t len, bool ascii, uint64_t *hp)
{
	uint64_t h = DEVFACTS_MIX ^ len, w;
	size_t i, t;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		/* A byte devfacts_clean() rewrites or stops at (NUL,
		 * another control byte, DEL). */
		if (devfacts_word_stop(w, ascii) != 0)
			return false;
		h = devfacts_mix(h, w);
	}
	if ((t = len - i) > 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint32_t lo4, hi4;
		uint16_t lo2, hi2;

		if (len >= 8) {
			/* The word that ends the value, without the bytes
			 * of it hashed already. */
			memcpy(&w, s + len - 8, 8);
			w >>= 8 * (8 - t);
		} else if (t >= 4) {
			/* A short value (i is 0): its first and last 4 bytes,
			 * which overlap where t < 8, each in its place; the
			 * bytes both hold are the same. */
			memcpy(&lo4, s, 4);
			memcpy(&hi4, s + t - 4, 4);
			w = lo4 | (uint64_t)hi4 << 8 * (t - 4);
		} else if (t >= 2) {
			memcpy(&lo2, s, 2);
			memcpy(&hi2, s + t - 2, 2);
			w = lo2 | (uint64_t)hi2 << 8 * (t - 2);
		} else
			w = (unsigned char)s[0];
#else
		for (w = 0; i < len; i++)
			w |= (uint64_t)(unsigned char)s[i] << 8 * (i + t - len);
#endif
		/* Only the t bytes: the zeros above them are no value's. */
		if ((devfacts_word_stop(w, ascii) & ((1ull << 8 * t) - 1)) !=
		    0)
			return false;
		h = devfacts_mix(h, w);
	}
	*hp = h;
	return true;
}

static uint32_t
devfacts_hash_end(uint64_t h)
{
	h *= DEVFACTS_MIX;
	return (uint32_t)(h ^ h >> 29);
}

/* devfacts_hash() of a value that needs cleaning: apart, as it needs
 * a copy. */
static DEVFACTS_NOINLINE uint32_t
devfacts_hash_clean(const char *src, size_t srclen, bool *empty)
{
	char v[DEV_VALUE_MAX];
	size_t len = devfacts_clean(v, src, srclen);
	uint64_t h = 0;

	(void)devfacts_hash_words(v, len, false, &h);	/* nothing stops it */
	*empty = len == 0;
	return devfacts_hash_end(h);
}

static inline uint32_t
devfacts_hash(const char *src, size_t srclen, bool *empty)
{
	size_t n = srclen < DEV_VALUE_MAX - 1 ? srclen : DEV_VALUE_MAX - 1;
	uint64_t h;

	if (n == 0 || src[0] == ' ' || src[0] == '\t' || src[n - 1] == ' ' ||
	    !devfacts_hash_words(src, n, false, &h))
		return devfacts_hash_clean(src, srclen, empty);
	*empty = false;
	return devfacts_hash_end(h);
}

/*
 * Evidence a flow sent lately, per end and key: the hashes of the
 * values sent in the last minute, at most DEV_MAX_PER_KEY of them (a
 * device keeps no more values of one key).  An HL7 session repeats its
 * MSH-3 to MSH-6 in every message, a DICOM association its AE titles
 * in every command: a value already sent this minute, or a new one
 * when the device already got all it keeps from this flow, tells the
 * inventory nothing (the flow's end brings its last time), and the
 * brain is not fed the same value a hundred thousand times.  What is
 * skipped depends on the flow alone, so the inventory is the same for
 * any number of workers.  Only TCP sessions are thinned: a UDP "flow"
 * (DNS, DHCP relays, mDNS) carries few messages, often for several
 * hosts, and what a router's end means can change while it lasts.
 */
#define DEVFACTS_RESEND_S	60
#define DEVFACTS_MAX_SLOTS	48

struct devfacts_slot {
	uint16_t	 tag;		/* key * 2 + end */
	uint8_t		 n;
	uint32_t	 since;		/* seconds of packet time */
	uint32_t	 h[DEV_MAX_PER_KEY];
};

/*
 * A run of evidence from one direction that left every value in its
 * slot (or its slot full): said again with no slot begun anew since
 * (resets) and before any of its slots' minute is up, it would all be
 * dropped, and change nothing.
 */
struct devfacts_quiet {
	uint64_t	 ids;		/* the run's number; 0: none */
	uint32_t	 from, until;	/* [from, until) packet seconds */
	uint32_t	 resets;	/* devfacts_sent.resets after it */
};

struct devfacts_sent {
	size_t		 n, cap;
	size_t		 last;		/* the slot found last */
	bool		 has_fkey;
	uint32_t	 resets;	/* slots begun anew, ever */
	uint64_t	 fkey;		/* devfacts_fkey() of the flow */
	struct devfacts_quiet quiet[2];	/* per direction */
	struct devfacts_slot s[];
};

static size_t
devfacts_sent_size(size_t cap)
{
	return mem_cost(sizeof(struct devfacts_sent) +
	    cap * sizeof(struct devfacts_slot));
}

uint64_t
devfacts_flow_memuse(const struct flow *f)
{
	const struct devfacts_sent *ds = f->dev_sent;

	return ds != NULL ? devfacts_sent_size(ds->cap) : 0;
}

static DEVFACTS_INLINE bool
devfacts_repeated(struct devfacts_ctx *c, int end, enum evidence_key key,
    uint32_t h)
{
	struct brain_queue *q = c->q;
	struct flow *f = c->f;
	uint32_t now = c->now;
	struct devfacts_sent *ds = f->dev_sent;
	struct devfacts_slot *sl = NULL;
	uint16_t tag = (uint16_t)((unsigned)key * 2 + (end != 0));
	size_t i, k;

	/* A parser says the same keys in the same order every message,
	 * and a key often several times running (an HL7 message's OBX-3
	 * codes): look at the slot found last, then at the next one, and
	 * only then at all (a tag has one slot at most). */
	if (ds != NULL && ds->n > 0) {
		i = ds->last;
		if (ds->s[i].tag != tag && ++i < ds->n &&
		    ds->s[i].tag != tag)
			i = ds->n;
		for (k = 0; i >= ds->n && k < ds->n; k++)
			if (ds->s[k].tag == tag)
				i = k;
		if (i < ds->n) {
			sl = &ds->s[i];
			ds->last = i;
		}
	}
	if (sl == NULL) {
		if (ds != NULL && ds->n == DEVFACTS_MAX_SLOTS) {
			c->lost = true;
			return false;		/* not remembered */
		}
		if (ds == NULL || ds->n == ds->cap) {
			size_t cap = ds == NULL ? 8 : ds->cap * 2;

			if (ds != NULL)
				q->sent_mem -= devfacts_sent_size(ds->cap);
			ds = xreallocarray(ds, 1, sizeof(*ds) +
			    cap * sizeof(ds->s[0]));
			if (f->dev_sent == NULL) {
				ds->n = ds->last = 0;
				ds->has_fkey = false;
				ds->resets = 0;
				memset(ds->quiet, 0, sizeof(ds->quiet));
			}
			ds->cap = cap;
			q->sent_mem += devfacts_sent_size(cap);
			f->dev_sent = ds;
		}
		ds->last = ds->n;
		sl = &ds->s[ds->n++];
		memset(sl, 0, sizeof(*sl));
		sl->tag = tag;
		sl->since = now;
	}
	if (now < sl->since || now - sl->since >= DEVFACTS_RESEND_S) {
		sl->n = 0;		/* a minute on: say it again */
		sl->since = now;
		ds->resets++;
	}
	if (sl->since < c->min_since)
		c->min_since = sl->since;
	for (i = 0; i < sl->n; i++)
		if (sl->h[i] == h)
			return true;
	if (sl->n == DEV_MAX_PER_KEY)
		return true;
	sl->h[sl->n++] = h;
	return false;
}

/*
 * An event of the fact being sunk.  Its flow's key is made once for all
 * the events of the fact (an HL7 message makes several), and kept with
 * the flow's evidence, when it has any, for its later facts; so are the
 * flow's ends, for the fact only.
 */
static struct brain_ev *
devfacts_ctx_new(struct devfacts_ctx *c, enum brain_ev_kind kind, int side)
{
	struct devfacts_sent *ds = c->f->dev_sent;
	struct brain_ev *ev;

	if (!c->has_fkey) {
		if (ds != NULL && ds->has_fkey)
			c->fkey = ds->fkey;
		else {
			c->fkey = devfacts_fkey(c->f);
			if (ds != NULL) {
				ds->fkey = c->fkey;
				ds->has_fkey = true;
			}
		}
		c->has_fkey = true;
	}
	if (!c->has_ends) {
		memset(c->ends, 0, 2 * sizeof(*c->ends));
		devfacts_end(c->f, APP_END_CLIENT, &c->ends[APP_END_CLIENT]);
		devfacts_end(c->f, APP_END_SERVER, &c->ends[APP_END_SERVER]);
		c->has_ends = true;
	}
	if ((ev = devfacts_add(c->q, c->f, c->p, kind, c->fkey)) == NULL)
		return NULL;
	/* As devfacts_new_key(): the side first, then the other end. */
	memcpy(&ev->end[0], &c->ends[side == APP_END_CLIENT ?
	    APP_END_CLIENT : APP_END_SERVER], sizeof(ev->end[0]));
	memcpy(&ev->end[1], &c->ends[side == APP_END_CLIENT ?
	    APP_END_SERVER : APP_END_CLIENT], sizeof(ev->end[1]));
	return ev;
}

/* Evidence to send, value[0..n) as devfacts_clean() would leave it (n
 * above 0); NULL if no room. */
static DEVFACTS_NOINLINE struct brain_ev *
devfacts_evidence_put(struct devfacts_ctx *c, int end, enum evidence_key key,
    const char *value, size_t n)
{
	struct brain_ev *ev;

	if ((ev = devfacts_ctx_new(c, BRAIN_EV_EVIDENCE,
	    end == APP_END_SERVER ? APP_END_SERVER : APP_END_CLIENT)) == NULL)
		return NULL;
	ev->key = (uint8_t)key;
	_Static_assert(sizeof(ev->value) >= DEV_VALUE_MAX,
	    "a cleaned value fits an event's");
	memcpy(ev->value, value, n);
	ev->value[n] = '\0';
	return ev;
}

/* Evidence to send: cleaned into an event; NULL if empty or no room. */
static DEVFACTS_NOINLINE struct brain_ev *
devfacts_evidence_new(struct devfacts_ctx *c, int end, enum evidence_key key,
    const char *value, size_t len)
{
	char v[DEV_VALUE_MAX];
	size_t n;

	if ((n = devfacts_clean(v, value, len)) == 0)
		return NULL;
	return devfacts_evidence_put(c, end, key, v, n);
}

/* Evidence about an end of the flow; NULL if empty, repeated or no
 * room. */
static DEVFACTS_NOINLINE struct brain_ev *
devfacts_flow_evidence(struct devfacts_ctx *c, int end, const uint8_t *mac,
    enum evidence_key key, const char *value, size_t len)
{
	bool empty;
	uint32_t h;

	if (c->f != NULL && mac == NULL && c->f->proto == IPPROTO_TCP) {
		h = devfacts_hash(value, len, &empty);
		if (empty || devfacts_repeated(c, end, key, h))
			return NULL;
	}
	return devfacts_evidence_new(c, end, key, value, len);
}

/*
 * Most evidence is a repeat of a value that needs no cleaning (a name
 * as it is, in printable ASCII): such a value is hashed in place and
 * looked up, with no call and no copy, and sent, when new, as it is.
 * Anything else takes devfacts_flow_evidence(), which tells the same
 * repeats the same way.
 */
static void
sink_evidence(const struct app_sink *s, int end, enum evidence_key key,
    const char *value, size_t len)
{
	struct devfacts_ctx *c = s->arg;
	size_t n = len < DEV_VALUE_MAX - 1 ? len : DEV_VALUE_MAX - 1;
	uint64_t h;

	if (c->f != NULL && c->f->proto != IPPROTO_TCP) {
		(void)devfacts_evidence_new(c, end, key, value, len);
		return;
	}
	if (c->f == NULL || n == 0 ||
	    value[0] == ' ' || value[0] == '\t' || value[n - 1] == ' ' ||
	    !devfacts_hash_words(value, n, true, &h)) {
		(void)devfacts_flow_evidence(c, end, NULL, key, value, len);
		return;
	}
	if (!devfacts_repeated(c, end, key, devfacts_hash_end(h)))
		(void)devfacts_evidence_put(c, end, key, value, n);
}

/*
 * A run of evidence the parser numbered ids, from direction dir: true
 * when the flow's last run from there had the same number and every
 * value of it would still be dropped (devfacts_quiet); else the run is
 * to be said, and remembered by devfacts_facts() when it leaves every
 * value in its slot.
 */
static bool
sink_again(const struct app_sink *s, int dir, uint64_t ids)
{
	struct devfacts_ctx *c = s->arg;
	const struct devfacts_sent *ds;
	const struct devfacts_quiet *qu;

	if (c->f == NULL || c->f->proto != IPPROTO_TCP || ids == 0)
		return false;
	dir = dir != 0;
	if ((ds = c->f->dev_sent) != NULL) {
		qu = &ds->quiet[dir];
		if (qu->ids == ids && qu->resets == ds->resets &&
		    c->now >= qu->from && c->now < qu->until)
			return true;
	}
	c->ids = ids;
	c->ids_dir = dir;
	c->min_since = UINT32_MAX;
	c->lost = false;
	return false;
}

/* The run of evidence sink_again() let through, as it left the slots. */
static void
devfacts_quiet_set(struct devfacts_ctx *c)
{
	struct devfacts_sent *ds = c->f->dev_sent;
	struct devfacts_quiet *qu;

	if (ds == NULL)
		return;
	qu = &ds->quiet[c->ids_dir];
	if (c->lost) {
		qu->ids = 0;
		return;
	}
	qu->ids = c->ids;
	qu->from = c->now;
	qu->until = c->min_since >= UINT32_MAX - DEVFACTS_RESEND_S ?
	    UINT32_MAX : c->min_since + DEVFACTS_RESEND_S;
	qu->resets = ds->resets;
}

/* The host a DHCP request names by hardware address, wherever it is. */
static void
sink_evidence_mac(const struct app_sink *s, const uint8_t mac[6],
    bool relayed, enum evidence_key key, const char *value, size_t len)
{
	struct brain_ev *ev;

	ev = devfacts_flow_evidence(s->arg, APP_END_CLIENT, mac, key, value,
	    len);
	if (ev == NULL)
		return;
	memset(&ev->end[0], 0, sizeof(ev->end[0]));
	memcpy(ev->end[0].mac, mac, 6);
	ev->end[0].has_mac = true;
	if (relayed)
		ev->vlan = BRAIN_VLAN_RELAYED;
}

static void
sink_lease(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t ip[4], bool relayed)
{
	struct devfacts_ctx *c = s->arg;
	struct brain_ev *ev;

	if ((ev = devfacts_ctx_new(c, BRAIN_EV_LEASE, 0)) == NULL)
		return;
	memset(ev->end, 0, sizeof(ev->end));
	memcpy(ev->end[0].mac, mac, 6);
	ev->end[0].has_mac = true;
	dev_ip_from4(&ev->end[0].ip, ip);
	ev->end[0].has_ip = true;
	if (relayed)
		ev->vlan = BRAIN_VLAN_RELAYED;
}

static bool
sink_router(const struct app_sink *s, const uint8_t ip[4], bool relayed)
{
	struct devfacts_ctx *c = s->arg;
	struct brain_ev *ev;

	if ((ev = devfacts_ctx_new(c, BRAIN_EV_ROUTER_IP, 0)) == NULL)
		return false;
	memset(ev->end, 0, sizeof(ev->end));
	dev_ip_from4(&ev->end[0].ip, ip);
	ev->end[0].has_ip = true;
	if (relayed)
		ev->vlan = BRAIN_VLAN_RELAYED;
	return true;
}

/* A mask counts only when its bits are contiguous (RFC 950). */
static void
sink_subnet(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t addr[4], const uint8_t mask[4], bool relayed)
{
	struct devfacts_ctx *c = s->arg;
	struct brain_ev *ev;
	uint32_t m = (uint32_t)mask[0] << 24 | (uint32_t)mask[1] << 16 |
	    (uint32_t)mask[2] << 8 | mask[3];
	uint8_t plen = 0;

	while (plen < 32 && (m & (0x80000000u >> plen)))
		plen++;
	if (plen < 32 && (m << plen) != 0)
		return;
	if ((ev = devfacts_ctx_new(c, BRAIN_EV_SUBNET, 0)) == NULL)
		return;
	memset(ev->end, 0, sizeof(ev->end));
	memcpy(ev->end[0].mac, mac, 6);
	ev->end[0].has_mac = true;
	dev_ip_from4(&ev->end[0].ip, addr);
	ev->end[0].has_ip = true;
	ev->plen = plen;
	if (relayed)
		ev->vlan = BRAIN_VLAN_RELAYED;
}

static bool
sink_address(const struct app_sink *s, int end, char *buf)
{
	const struct devfacts_ctx *c = s->arg;

	if (c->f->ipver != 4 && c->f->ipver != 6)
		return false;
	util_format_ip(c->f->ipver, end == APP_END_SERVER ? c->f->srv_ip :
	    c->f->cli_ip, buf);
	return true;
}

/* The key of the hash that stands for names that may be patient data
 * (ACTIVITY_F_HASHED): random per run, never written anywhere. */
static struct sipkey devfacts_name_key;
static pthread_once_t devfacts_name_once = PTHREAD_ONCE_INIT;

static void
devfacts_name_init(void)
{
	sipkey_init(&devfacts_name_key, false);
}

/*
 * An activity's value: as evidence is copied, but its fields are
 * separated by tabs, which stay.  Most values are printable ASCII
 * (devfacts_word_odd()): 8 bytes at a time, and a last 4 to 7 as two
 * words that overlap; from any other byte, one at a time.
 */
static void
devfacts_copy_act(char *dst, const char *src, size_t srclen)
{
	size_t i = 0;
	uint64_t w;
	uint32_t lo, hi;

	/* One byte out for each in: the cut is the input's. */
	if (srclen > DEV_VALUE_MAX - 1)
		srclen = DEV_VALUE_MAX - 1;
	for (; srclen - i >= 8; i += 8) {
		memcpy(&w, src + i, 8);
		if (devfacts_word_odd(w) != 0)
			goto bytes;
		memcpy(dst + i, &w, 8);
	}
	if (srclen - i >= 4) {
		memcpy(&lo, src + i, 4);
		memcpy(&hi, src + srclen - 4, 4);
		if (devfacts_word_odd(lo | (uint64_t)hi << 32) == 0) {
			memcpy(dst + i, &lo, 4);
			memcpy(dst + srclen - 4, &hi, 4);
			dst[srclen] = '\0';
			return;
		}
	}
 bytes:
	for (; i < srclen && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c == '\t' ? '\t' : c < 0x20 || c == 0x7f ? '?' :
		    (char)c;
	}
	dst[i] = '\0';
}

/* An act of an end of the flow: every one, unthinned. */
static void
sink_activity(const struct app_sink *s, int end, enum activity act,
    const char *value, size_t len)
{
	struct devfacts_ctx *c = s->arg;
	struct brain_ev *ev;
	uint16_t port;

	if (c->f == NULL || act >= ACT_MAX)
		return;
	if ((ev = devfacts_ctx_new(c, BRAIN_EV_ACTIVITY,
	    end == APP_END_SERVER ? APP_END_SERVER : APP_END_CLIENT)) == NULL)
		return;
	/* end[0] is the actor: its port first. */
	if (end == APP_END_SERVER) {
		port = ev->sport;
		ev->sport = ev->dport;
		ev->dport = port;
	}
	ev->app = c->app;
	ev->key = (uint8_t)act;
	if (activity_flags(act) & ACTIVITY_F_HASHED) {
		pthread_once(&devfacts_name_once, devfacts_name_init);
		snprintf(ev->value, sizeof(ev->value), "%016" PRIx64,
		    siphash24(&devfacts_name_key, value, len));
	} else
		devfacts_copy_act(ev->value, value, len);
}

void
devfacts_app(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const void *fact)
{
	const struct app_parser *ap = app_parser_get(proto);

	if (ap != NULL && ap->facts != NULL)
		devfacts_facts(q, f, p, proto, dir, fact, ap->facts);
}

void
devfacts_facts(struct brain_queue *q, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const void *fact,
    void (*facts)(const void *, int, const struct app_sink *))
{
	struct brain_end ends[2];	/* made before read (has_ends) */
	struct devfacts_ctx c = {
		.q = q, .f = f, .p = p, .app = (uint8_t)proto,
		.now = (uint32_t)((p != NULL ? p->ts_us : f->ts_last) /
		    1000000u),
		.ends = ends, .min_since = UINT32_MAX,
	};
	const struct app_sink sink = {
		.evidence = sink_evidence,
		.evidence_mac = sink_evidence_mac,
		.lease = sink_lease,
		.router = sink_router,
		.subnet = sink_subnet,
		.address = sink_address,
		.activity = sink_activity,
		.again = sink_again,
		.arg = &c,
	};

	facts(fact, dir, &sink);
	if (c.ids != 0)
		devfacts_quiet_set(&c);
}

uint32_t
devfacts_value_hash(const char *value, size_t len)
{
	bool empty;

	return devfacts_hash(value, len, &empty);
}

_Static_assert(APP_MAX <= UINT8_MAX + 1, "brain_ev.app is a uint8_t");
_Static_assert(EVIDENCE_MAX <= UINT8_MAX + 1, "brain_ev.key is a uint8_t");
_Static_assert(ACT_MAX <= UINT8_MAX + 1, "brain_ev.key is a uint8_t");

#define DPIR_C	1u
#define DPIR_S	2u
#define DPIR_CS	3u
static const struct {
	unsigned	 nn, ends;
	const char	*name;
} devfacts_risks[] = {
#define DPI_RISK(nn, name, ndpi, sev, ends, title, fix)	\
	{ nn, DPIR_##ends, name },
#include "app/dpirisk.def"
#undef DPI_RISK
};

static void
devfacts_flow_fact(struct brain_queue *q, struct flow *f, int end,
    enum evidence_key key, const char *value)
{
	struct brain_ev *ev;

	if ((ev = devfacts_new(q, f, NULL, BRAIN_EV_EVIDENCE, end)) == NULL)
		return;
	ev->key = (uint8_t)key;
	strlcpy(ev->value, value, sizeof(ev->value));
}

void
devfacts_flow_end(struct brain_queue *q, struct flow *f,
    const struct app_flow_weak *weak)
{
	struct brain_ev *ev;
	uint64_t risks;
	size_t i;
	int end;

	q->sent_mem -= devfacts_flow_memuse(f);
	free(f->dev_sent);
	f->dev_sent = NULL;
	if (f->ipver != 4 && f->ipver != 6)
		return;
	if ((ev = devfacts_new(q, f, NULL, BRAIN_EV_FLOW, APP_END_CLIENT)) ==
	    NULL)
		return;
	ev->app = (uint8_t)f->app_proto;
	ev->pkts[0] = f->pkts[0];
	ev->pkts[1] = f->pkts[1];
	ev->bytes[0] = f->bytes[0];
	ev->bytes[1] = f->bytes[1];
	ev->answered = f->pkts[1] > 0;
	/* After the flow, so that its ends are known to the brain. */
	if (weak == NULL)
		return;
	if (weak->snmp == 1 || weak->snmp == 2)
		for (end = APP_END_CLIENT; end <= APP_END_SERVER; end++)
			devfacts_flow_fact(q, f, end, EVIDENCE_SNMP_VERSION,
			    weak->snmp == 1 ? "v1" : "v2c");
	risks = weak->risks;
	for (i = 0; risks != 0 && i < sizeof(devfacts_risks) /
	    sizeof(devfacts_risks[0]); i++) {
		if (!(risks & (UINT64_C(1) << devfacts_risks[i].nn)))
			continue;
		for (end = APP_END_CLIENT; end <= APP_END_SERVER; end++)
			if (devfacts_risks[i].ends & (end == APP_END_CLIENT ?
			    DPIR_C : DPIR_S))
				devfacts_flow_fact(q, f, end,
				    EVIDENCE_NDPI_RISK, devfacts_risks[i].name);
	}
}

/*
 * LLDP and CDP: layer 2, so the capture thread calls this and there is
 * no flow.  The subject is the frame's source MAC, with the first
 * management address when there is one.  Events are numbered by their
 * place in the frame: every piece of evidence the parser names counts,
 * empty or not.
 */
static void
sink_l2_evidence(const struct app_sink *s, int end, enum evidence_key key,
    const char *value, size_t len)
{
	struct devfacts_ctx *c = s->arg;
	const struct lldp_facts *l = c->l2;
	const struct packet *p = c->p;
	struct brain_ev *ev;
	char v[DEV_VALUE_MAX];
	uint32_t seq = c->seq++;

	(void)end;
	if (devfacts_clean(v, value, len) == 0 ||
	    (ev = brain_queue_add(c->q)) == NULL)
		return;
	ev->kind = BRAIN_EV_EVIDENCE;
	ev->ts_us = p->ts_us;
	ev->pcap_cnt = p->pcap_cnt;
	ev->fkey = 0;
	ev->seq = seq;
	ev->vlan = p->vlan_cnt > 0 ? p->vlan[p->vlan_cnt - 1] : 0;
	memcpy(ev->end[0].mac, p->src_mac, 6);
	ev->end[0].has_mac = true;
	if (l->n_mgmt > 0 && l->mgmt[0].ipver == 4) {
		dev_ip_from4(&ev->end[0].ip, l->mgmt[0].a);
		ev->end[0].has_ip = true;
	} else if (l->n_mgmt > 0 && l->mgmt[0].ipver == 6) {
		dev_ip_from6(&ev->end[0].ip, l->mgmt[0].a);
		ev->end[0].has_ip = true;
	}
	ev->key = (uint8_t)key;
	strlcpy(ev->value, v, sizeof(ev->value));
}

/* A frame has no hardware address, lease, router, subnet or flow to
 * offer. */
static void
sink_l2_evidence_mac(const struct app_sink *s, const uint8_t mac[6],
    bool relayed, enum evidence_key key, const char *value, size_t len)
{
	(void)s;
	(void)mac;
	(void)relayed;
	(void)key;
	(void)value;
	(void)len;
}

static void
sink_l2_lease(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t ip[4], bool relayed)
{
	(void)s;
	(void)mac;
	(void)ip;
	(void)relayed;
}

static bool
sink_l2_router(const struct app_sink *s, const uint8_t ip[4], bool relayed)
{
	(void)s;
	(void)ip;
	(void)relayed;
	return false;
}

static void
sink_l2_subnet(const struct app_sink *s, const uint8_t mac[6],
    const uint8_t addr[4], const uint8_t mask[4], bool relayed)
{
	(void)s;
	(void)mac;
	(void)addr;
	(void)mask;
	(void)relayed;
}

static bool
sink_l2_address(const struct app_sink *s, int end, char *buf)
{
	(void)s;
	(void)end;
	(void)buf;
	return false;
}

void
devfacts_lldp(struct brain_queue *q, const struct packet *p,
    const struct lldp_facts *l)
{
	struct devfacts_ctx c = { .q = q, .p = p, .l2 = l };
	const struct app_sink sink = {
		.evidence = sink_l2_evidence,
		.evidence_mac = sink_l2_evidence_mac,
		.lease = sink_l2_lease,
		.router = sink_l2_router,
		.subnet = sink_l2_subnet,
		.address = sink_l2_address,
		.arg = &c,
	};

	if (!(p->flags & PKT_HAS_ETH))
		return;
	lldp_facts(l, &sink);
}

void
devfacts_alert(struct brain_queue *q, struct flow *f, const struct packet *p,
    int dir, uint32_t rule, uint8_t app, char *json, size_t json_len)
{
	struct brain_ev *ev;
	size_t alen;

	if (f != NULL) {
		ev = devfacts_new(q, f, p, BRAIN_EV_ALERT,
		    dir == FLOW_DIR_TOCLIENT ? APP_END_SERVER :
		    APP_END_CLIENT);
		if (ev == NULL) {
			free(json);
			return;
		}
		alen = f->ipver == 6 ? 16 : 4;
		memcpy(ev->src, dir == FLOW_DIR_TOCLIENT ? f->srv_ip :
		    f->cli_ip, alen);
		memcpy(ev->dst, dir == FLOW_DIR_TOCLIENT ? f->cli_ip :
		    f->srv_ip, alen);
		ev->sport = dir == FLOW_DIR_TOCLIENT ? f->srv_port :
		    f->cli_port;
		ev->dport = dir == FLOW_DIR_TOCLIENT ? f->cli_port :
		    f->srv_port;
		/* An ICMP flow's "ports" are its first packet's type and
		 * code: the alert names the matched packet's own. */
		if ((f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6) &&
		    p != NULL && p->proto == f->proto) {
			ev->sport = p->icmp_type;
			ev->dport = p->icmp_code;
		}
		ev->ipver = f->ipver;
		ev->flow_id = f->flow_id;
	} else {
		/* A packet of no flow: its own addresses, its own order. */
		if (p == NULL || (ev = brain_queue_add(q)) == NULL) {
			free(json);
			return;
		}
		ev->kind = BRAIN_EV_ALERT;
		ev->ts_us = p->ts_us;
		ev->pcap_cnt = p->pcap_cnt;
		ev->seq = rule;
		ev->proto = p->proto;
		ev->vlan = p->vlan_cnt > 0 ? p->vlan[p->vlan_cnt - 1] : 0;
		ev->ipver = p->ipver;
		alen = pkt_addrlen(p);
		memcpy(ev->src, p->src, alen);
		memcpy(ev->dst, p->dst, alen);
		ev->sport = p->sport;
		ev->dport = p->dport;
		if (p->flags & PKT_HAS_ETH) {
			memcpy(ev->end[0].mac, p->src_mac, 6);
			memcpy(ev->end[1].mac, p->dst_mac, 6);
			ev->end[0].has_mac = ev->end[1].has_mac = true;
		}
		if (p->ipver == 4) {
			dev_ip_from4(&ev->end[0].ip, p->src);
			dev_ip_from4(&ev->end[1].ip, p->dst);
			ev->end[0].has_ip = ev->end[1].has_ip = true;
		} else if (p->ipver == 6) {
			dev_ip_from6(&ev->end[0].ip, p->src);
			dev_ip_from6(&ev->end[1].ip, p->dst);
			ev->end[0].has_ip = ev->end[1].has_ip = true;
		}
	}
	ev->rule = rule;
	ev->dir = (uint8_t)dir;
	ev->app = app;
	ev->json = json;
	ev->json_len = (uint32_t)json_len;
}
