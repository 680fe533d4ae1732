/*
 * flow.c - the bidirectional flow table: one per worker, no locks.
 *
 * Lookup: the key (protocol, both addresses and ports, the VLAN stack)
 * is put into 64-bit words in a normalised order, the lower (address,
 * port) end first, and hashed with SipHash-1-3 under a random
 * per-table key, so an attacker cannot aim tuples at one bucket and
 * make every lookup walk a long chain.  The match also says which way
 * the packet goes.  Buckets are chains through flow->hnext.  ICMP flows
 * have ports 0 in the key (echo request and reply are one flow) and
 * keep the first packet's type and code in cli_port/srv_port.
 *
 * Expiry: every flow sits in one LRU list per (protocol kind, timeout
 * kind), most recently used at the tail.  All flows of a list share one
 * timeout, so each list is also in expiry order: flow_table_tick() takes
 * the head whose deadline is earliest, ends it, and stops at the first
 * flow not yet expired or after FLOW_TICK_BUDGET flows, so a jump in
 * time that expires millions of flows spreads their ends over many
 * ticks instead of stalling the packets behind one.  A packet for an
 * expired flow ends it and starts a new one.  The clock is the largest
 * time seen, so time never runs backwards for expiry.
 *
 * Memory: every flow and every queued stream segment count against
 * flow.memcap, each at what it takes from the allocator: a flow its
 * share of a slab (the slab's size over the nodes it holds, so the
 * slab header and the tail no node fits are counted too), a segment its
 * malloc chunk (stream.c), and what the caller holds for its flows
 * (ext_memuse: application state, parsers' heaps and buffers, nDPI's,
 * rule state).  The buckets count too, though they are allocated once
 * and never given back (the recovery mark is a share of the memcap less
 * the buckets).  A new flow that would cross the memcap, or a packet
 * after which usage is above it (bytes buffered by an old flow), switch
 * the table to emergency mode (emergency timeouts) and evict flows
 * (lru_victim) until usage is below the recovery mark, at most
 * FLOW_EVICT_BATCH per packet once usage is back under the memcap;
 * ticks carry on evicting, and the mode ends once usage is below the
 * mark.  Freed flows are kept on a spare list so churn does not hit the
 * allocator for every flow.
 *
 * Callbacks (flow_end, anomaly, stream ops) must not call back into the
 * table.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#include "decode/packet.h"
#include "flow/communityid.h"
#include "flow/flow.h"
#include "flow/stream-int.h"
#include "flow/stream.h"
#include "util/events.h"
#include "util/util.h"
#include "util/word.h"

/* ipver, proto, VLAN count, pad, 3 VLANs, then two (address, port). */
#define FLOW_KEY_MAX		(4 + 2 * PKT_MAX_VLAN + 2 * (16 + 2))

#define FLOW_EVICT_BATCH	64	/* per new flow, beyond its own room */
#define FLOW_EVICT_SCAN		8	/* oldest flows of each list weighed */
#define FLOW_EVICT_CHEAP		16384	/* bytes: added to a cheap flow */
#define FLOW_TICK_BUDGET	4096	/* flows ended per tick */
#define FLOW_SLAB_SIZE		(2u << 20)	/* a huge page */
#define FLOW_SLAB_HDR		64		/* struct flow_slab, aligned */
#define FLOW_HASH_MIN		16		/* buckets */
#define FLOW_HASH_SHARE		8	/* buckets take <= memcap / this */

struct flow_slab {
	struct flow_slab *next;
};
#define FLOW_HASH_MAX		(1u << 30)
#define FLOW_ID_MASK		((UINT64_C(1) << 53) - 1)	/* JSON-safe */
#define US_PER_SEC		UINT64_C(1000000)

struct flow_node {
	struct flow	 f;		/* first: the public part */
	uint64_t	 touched;	/* table time of the last packet */
	uint8_t		 pk;		/* enum flow_proto_kind */
	uint8_t		 tk;		/* enum flow_timeout_kind: its LRU */
};

struct flow_lru {
	struct flow	*head;		/* least recently used */
	struct flow	*tail;
};

struct flow_table {
	struct flow_config cfg;
	struct flow_ops	 ops;
	struct counters	*ctr;
	struct sipkey	 hkey;		/* bucket hash, random */
	bool		 shared_key;	/* hkey is the dispatcher's */
	struct sipkey	 idkey;		/* flow_id, from the seed */
	struct flow	**buckets;
	uint32_t	 mask;
	struct flow_lru	 lru[FLOW_PROTO_MAX][FLOW_TO_MAX];
	uint64_t	 to_us[FLOW_PROTO_MAX][FLOW_TO_MAX];
	uint64_t	 emerg_to_us[FLOW_PROTO_MAX][FLOW_TO_MAX];
	struct flow	*spare;		/* chained through hnext */
	uint32_t	 nspare;
	struct flow_slab *slabs;	/* where nodes live */
	uint8_t		*slab_next;
	size_t		 slab_left;	/* nodes left in slabs[0] */
	uint64_t	 active;
	uint64_t	 flow_mem;	/* the buckets, node_cost a flow */
	uint64_t	 node_cost;	/* a node's share of its slab */
	uint64_t	 slab_mem;	/* bytes of slabs allocated */
	uint64_t	 now;		/* largest time seen */
	uint64_t	 recovery_mark;	/* bytes: below it, emergency ends */
	uint64_t	 mem_peak;
	bool		 emergency;
	struct stream_ctx sctx;
	struct counters	 own_ctr;	/* when the caller gave none */
};

void
flow_config_defaults(struct flow_config *c)
{
	/* Suricata's defaults (flow-timeouts in suricata.yaml). */
	static const uint32_t to[FLOW_PROTO_MAX][FLOW_TO_MAX] = {
		[FLOW_PROTO_TCP] = { 60, 3600, 10 },
		[FLOW_PROTO_UDP] = { 30, 300, 0 },
		[FLOW_PROTO_ICMP] = { 30, 300, 0 },
		[FLOW_PROTO_OTHER] = { 30, 300, 0 },
	};
	static const uint32_t emerg[FLOW_PROTO_MAX][FLOW_TO_MAX] = {
		[FLOW_PROTO_TCP] = { 10, 300, 0 },
		[FLOW_PROTO_UDP] = { 10, 100, 0 },
		[FLOW_PROTO_ICMP] = { 10, 100, 0 },
		[FLOW_PROTO_OTHER] = { 10, 100, 0 },
	};

	memset(c, 0, sizeof(*c));
	c->memcap = FLOW_DEFAULT_MEMCAP;
	c->hash_size = FLOW_DEFAULT_HASH_SIZE;
	c->emergency_recovery = FLOW_DEFAULT_EMERG_RECOVERY;
	memcpy(c->timeout, to, sizeof(c->timeout));
	memcpy(c->emerg_timeout, emerg, sizeof(c->emerg_timeout));
	c->vlan_in_key = true;
	stream_config_defaults(&c->stream);
}

const char *
flow_end_reason_name(enum flow_end_reason r)
{
	switch (r) {
	case FLOW_END_TIMEOUT:
		return "timeout";
	case FLOW_END_FORCED:
		return "forced";
	case FLOW_END_SHUTDOWN:
		return "shutdown";
	case FLOW_END_REUSE:
		return "tcp_reuse";
	}
	return "unknown";
}

const char *
flow_state_name(enum flow_state s)
{
	switch (s) {
	case FLOW_STATE_NEW:
		return "new";
	case FLOW_STATE_ESTABLISHED:
		return "established";
	case FLOW_STATE_CLOSED:
		return "closed";
	}
	return "unknown";
}

/*
 * Suricata's names where the states match: our FIN_WAIT (one side sent
 * FIN) is its fin_wait1, CLOSING (both sent FIN) its closing.
 */
const char *
tcp_state_name(enum tcp_state s)
{
	switch (s) {
	case TCP_NONE:
		return "none";
	case TCP_SYN_SENT:
		return "syn_sent";
	case TCP_SYN_RECV:
		return "syn_recv";
	case TCP_ESTABLISHED:
		return "established";
	case TCP_FIN_WAIT:
		return "fin_wait1";
	case TCP_CLOSING:
		return "closing";
	case TCP_CLOSED:
		return "closed";
	}
	return "unknown";
}

static bool
cid_wanted(const struct flow *f, uint16_t seed)
{
	return !(f->has_cid && f->cid_seed == seed) &&
	    (f->ipver == 4 || f->ipver == 6);
}

/*
 * The flows after f in its LRU list usually end after it, most of them
 * soon (a flush or a tick ends whole runs of a list; an emergency
 * eviction picks among the first few), and every flow record
 * asks for its ID: theirs are made with f's, up to eight SHA-1s side by
 * side (communityid_v1_batch()).  An ID made early stays right:
 * it depends on the tuple and the seed, and flow_swap() forgets it.
 */
const char *
flow_community_id(struct flow *f, uint16_t seed)
{
	struct communityid_tuple tu[COMMUNITYID_BATCH];
	char out[COMMUNITYID_BATCH][COMMUNITYID_LEN];
	struct flow *b[COMMUNITYID_BATCH], *g;
	size_t n = 0, i;
	unsigned look = 0;

	if (f->has_cid && f->cid_seed == seed)
		return f->cid;
	if (f->ipver != 4 && f->ipver != 6)
		return NULL;
	b[n++] = f;
	for (g = f->lru_next; g != NULL && n < COMMUNITYID_BATCH &&
	    look < 2 * COMMUNITYID_BATCH; g = g->lru_next, look++)
		if (cid_wanted(g, seed))
			b[n++] = g;
	for (i = 0; i < n; i++) {
		tu[i].ipver = b[i]->ipver;
		tu[i].saddr = b[i]->cli_ip;
		tu[i].daddr = b[i]->srv_ip;
		tu[i].proto = b[i]->proto;
		tu[i].sport = b[i]->cli_port;
		tu[i].dport = b[i]->srv_port;
	}
	(void)communityid_v1_batch(seed, tu, n, out);
	for (i = 0; i < n; i++) {
		if (out[i][0] == '\0')
			continue;
		memcpy(b[i]->cid, out[i], sizeof(b[i]->cid));
		b[i]->cid_seed = seed;
		b[i]->has_cid = true;
	}
	return f->has_cid && f->cid_seed == seed ? f->cid : NULL;
}

static bool
is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static unsigned
proto_kind(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return FLOW_PROTO_TCP;
	case IPPROTO_UDP:
		return FLOW_PROTO_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return FLOW_PROTO_ICMP;
	default:
		return FLOW_PROTO_OTHER;
	}
}

static unsigned
timeout_kind(const struct flow *f)
{
	switch (f->state) {
	case FLOW_STATE_NEW:
		return FLOW_TO_NEW;
	case FLOW_STATE_CLOSED:
		return FLOW_TO_CLOSED;
	default:
		return FLOW_TO_ESTABLISHED;
	}
}

static unsigned
vlan_count(const struct packet *p)
{
	return p->vlan_cnt < PKT_MAX_VLAN ? p->vlan_cnt : PKT_MAX_VLAN;
}

/*
 * The normalised key: the (address, port) end that compares lower comes
 * first, so both directions write the same bytes.  Returns its length.
 */
static size_t
key_build(const struct packet *p, bool vlan_in_key, uint8_t *b)
{
	size_t alen = pkt_addrlen(p), n = 0;
	const uint8_t *lo = p->src, *hi = p->dst;
	uint16_t lop, hip, v;
	unsigned i, vc;
	int c;

	vc = vlan_in_key ? vlan_count(p) : 0;
	b[n++] = p->ipver;
	b[n++] = p->proto;
	b[n++] = (uint8_t)vc;
	b[n++] = 0;
	for (i = 0; i < PKT_MAX_VLAN; i++) {
		v = i < vc ? p->vlan[i] : 0;
		b[n++] = (uint8_t)(v >> 8);
		b[n++] = (uint8_t)v;
	}
	lop = is_icmp(p->proto) ? 0 : p->sport;
	hip = is_icmp(p->proto) ? 0 : p->dport;
	if (alen == 4) {
		uint32_t s, d;

		/* memcmp()'s order: the addresses are in network order. */
		memcpy(&s, p->src, 4);
		memcpy(&d, p->dst, 4);
		s = ntohl(s);
		d = ntohl(d);
		c = s < d ? -1 : s > d;
	} else
		c = memcmp(p->src, p->dst, alen);
	if (c > 0 || (c == 0 && lop > hip)) {
		lo = p->dst;
		hi = p->src;
		v = lop;
		lop = hip;
		hip = v;
	}
	memcpy(b + n, lo, alen);
	n += alen;
	b[n++] = (uint8_t)(lop >> 8);
	b[n++] = (uint8_t)lop;
	memcpy(b + n, hi, alen);
	n += alen;
	b[n++] = (uint8_t)(hip >> 8);
	b[n++] = (uint8_t)hip;
	return n;
}

void
flow_table_share_key(struct flow_table *t, const struct sipkey *key)
{
	t->hkey = *key;
	t->shared_key = true;
}

/*
 * The key of key_build() as words, for the hash every packet pays:
 * protocol, VLAN count and stack, ports, then the addresses, the lower
 * (address, port) end first.  Two words for IPv4 with at most one VLAN,
 * three with more, six for IPv6.
 */
uint64_t
flow_hash_packet(const struct sipkey *key, const struct packet *p,
    bool vlan_in_key)
{
	uint64_t w[6], s0, s1, d0, d1, lo, hi;
	unsigned vc = vlan_in_key ? vlan_count(p) : 0;
	uint32_t sp = p->sport, dp = p->dport;
	bool swap;

	if (is_icmp(p->proto))
		sp = dp = 0;
	w[0] = (uint64_t)p->ipver | (uint64_t)p->proto << 8 |
	    (uint64_t)vc << 16;
	w[1] = 0;
	if (vc > 0) {
		w[0] |= (uint64_t)p->vlan[0] << 32;
		if (vc > 1)
			w[0] |= (uint64_t)p->vlan[1] << 48;
		if (vc > 2)
			w[1] = p->vlan[2];
	}
	if (p->ipver != 6) {
		s0 = word_be32(p->src);
		d0 = word_be32(p->dst);
		swap = s0 > d0 || (s0 == d0 && sp > dp);
		lo = swap ? d0 : s0;
		hi = swap ? s0 : d0;
		if (vc <= 1) {
			/*
			 * At most one VLAN: protocol, the count, the VLAN
			 * and the ports take 57 bits, so two words hold
			 * the key, one round fewer.  Their length is in
			 * the hash: they never stand for three words.
			 */
			w[0] = lo | hi << 32;
			w[1] = (uint64_t)p->proto | (uint64_t)vc << 8 |
			    (uint64_t)(vc > 0 ? p->vlan[0] : 0) << 9 |
			    (uint64_t)(swap ? dp : sp) << 25 |
			    (uint64_t)(swap ? sp : dp) << 41;
			return siphash13_words(key, w, 2);
		}
		w[1] |= (uint64_t)(swap ? dp : sp) << 16 |
		    (uint64_t)(swap ? sp : dp) << 32;
		w[2] = lo | hi << 32;
		return siphash13_words(key, w, 3);
	}
	s0 = word_be64(p->src);
	s1 = word_be64(p->src + 8);
	d0 = word_be64(p->dst);
	d1 = word_be64(p->dst + 8);
	swap = s0 > d0 || (s0 == d0 && (s1 > d1 || (s1 == d1 && sp > dp)));
	w[1] |= (uint64_t)(swap ? dp : sp) << 16 |
	    (uint64_t)(swap ? sp : dp) << 32;
	w[2] = swap ? d0 : s0;
	w[3] = swap ? d1 : s1;
	w[4] = swap ? s0 : d0;
	w[5] = swap ? s1 : d1;
	return siphash13_words(key, w, 6);
}

static uint64_t
flow_make_id(const struct flow_table *t, const uint8_t *key, size_t klen,
    uint64_t ts_us)
{
	uint8_t b[FLOW_KEY_MAX + 8];
	uint64_t id;
	unsigned i;

	memcpy(b, key, klen);
	for (i = 0; i < 8; i++)
		b[klen + i] = (uint8_t)(ts_us >> (8 * i));
	id = siphash24(&t->idkey, b, klen + 8) & FLOW_ID_MASK;
	return id == 0 ? 1 : id;
}

/* LRU lists. */

static void
lru_unlink(struct flow_lru *l, struct flow *f)
{
	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void
lru_append(struct flow_lru *l, struct flow *f)
{
	f->lru_next = NULL;
	f->lru_prev = l->tail;
	if (l->tail != NULL)
		l->tail->lru_next = f;
	else
		l->head = f;
	l->tail = f;
}

static struct flow_node *
node(struct flow *f)
{
	return (struct flow_node *)f;
}

static uint64_t
timeout_us(const struct flow_table *t, unsigned pk, unsigned tk)
{
	return t->emergency ? t->emerg_to_us[pk][tk] : t->to_us[pk][tk];
}

static bool
flow_expired(const struct flow_table *t, const struct flow_node *n)
{
	return t->now > n->touched &&
	    t->now - n->touched > timeout_us(t, n->pk, n->tk);
}

/* The least recently used flow of all lists. */
static struct flow *
lru_oldest(const struct flow_table *t)
{
	struct flow *best = NULL, *f;
	unsigned pk, tk;

	for (pk = 0; pk < FLOW_PROTO_MAX; pk++)
		for (tk = 0; tk < FLOW_TO_MAX; tk++) {
			f = t->lru[pk][tk].head;
			if (f != NULL && (best == NULL ||
			    node(f)->touched < node(best)->touched))
				best = f;
		}
	return best;
}

/*
 * The flow to evict: of the FLOW_EVICT_SCAN least recently used flows
 * of each list, the one that holds the most, so one eviction frees
 * what a flood of buffered bytes took.  A flow that is cheap to lose
 * counts FLOW_EVICT_CHEAP more: UDP, ICMP and other datagram flows
 * (each datagram is parsed on its own) and TCP that never completed its
 * handshake (a SYN flood), so a flood of small flows evicts its own
 * kind before idle device sessions (HL7, DICOM) whose loss leaves the
 * rest of a session unparsed.  Ties go to the least recently used.
 */
static struct flow *
lru_victim(const struct flow_table *t)
{
	struct flow *best = NULL, *f;
	uint64_t w, bestw = 0;
	unsigned pk, tk, i;

	for (pk = 0; pk < FLOW_PROTO_MAX; pk++)
		for (tk = 0; tk < FLOW_TO_MAX; tk++)
			for (i = 0, f = t->lru[pk][tk].head;
			    f != NULL && i < FLOW_EVICT_SCAN;
			    i++, f = f->lru_next) {
				w = flow_memuse(t, f);
				if (pk != FLOW_PROTO_TCP || tk == FLOW_TO_NEW)
					w += FLOW_EVICT_CHEAP;
				if (best == NULL || w > bestw || (w == bestw &&
				    node(f)->touched < node(best)->touched)) {
					best = f;
					bestw = w;
				}
			}
	return best;
}

/* The expired flow with the earliest deadline, or NULL. */
static struct flow *
next_expired(const struct flow_table *t)
{
	struct flow *best = NULL, *f;
	uint64_t d, bestd = 0, to;
	unsigned pk, tk;

	for (pk = 0; pk < FLOW_PROTO_MAX; pk++)
		for (tk = 0; tk < FLOW_TO_MAX; tk++) {
			if ((f = t->lru[pk][tk].head) == NULL ||
			    !flow_expired(t, node(f)))
				continue;
			to = timeout_us(t, pk, tk);
			d = node(f)->touched;
			d = d > UINT64_MAX - to ? UINT64_MAX : d + to;
			if (best == NULL || d < bestd) {
				best = f;
				bestd = d;
			}
		}
	return best;
}

/* Memory and emergency mode. */

uint64_t
flow_table_memuse(const struct flow_table *t)
{
	return t->flow_mem + t->sctx.seg_mem + t->sctx.ret_mem +
	    (t->ops.ext_memuse != NULL ? t->ops.ext_memuse(t->ops.arg) : 0);
}

uint64_t
flow_table_memuse_peak(const struct flow_table *t)
{
	return t->mem_peak;
}

uint64_t
flow_memuse(const struct flow_table *t, const struct flow *f)
{
	uint64_t n = t->node_cost;

	if (f->proto == IPPROTO_TCP)
		n += stream_tcp_memuse(f);
	if (t->ops.flow_memuse != NULL)
		n += t->ops.flow_memuse(t->ops.arg, f);
	return n;
}

uint64_t
flow_table_active(const struct flow_table *t)
{
	return t->active;
}

static void
emergency_check(struct flow_table *t)
{
	if (t->emergency && flow_table_memuse(t) < t->recovery_mark) {
		t->emergency = false;
		ctr_inc(t->ctr, CTR_FLOW_EMERG_OVER);
	}
}

static void
flow_release(struct flow_table *t, struct flow_node *n)
{
	/* Nodes live in slabs: a freed one always waits for reuse. */
	n->f.hnext = t->spare;
	t->spare = &n->f;
	t->nspare++;
}

/*
 * Flow nodes come from 2 MiB slabs that the kernel may back with huge
 * pages (madvise): a sensor touches a random flow for every packet, and
 * with 4 KiB pages most of those touches also miss the TLB.  Slabs are
 * kept until a flush empties the table (slabs_free()); the memcap bounds
 * how many there are.
 */
static void *
flow_huge_alloc(size_t size)
{
	void *m;

	if (posix_memalign(&m, FLOW_SLAB_SIZE, size) != 0)
		return NULL;
	(void)madvise(m, size, MADV_HUGEPAGE);
	return m;
}

#define FLOW_SLAB_NODES	\
	((FLOW_SLAB_SIZE - FLOW_SLAB_HDR) / sizeof(struct flow_node))

static struct flow_node *
flow_slab_node(struct flow_table *t)
{
	struct flow_slab *sl;

	if (t->slab_left == 0) {
		if ((sl = flow_huge_alloc(FLOW_SLAB_SIZE)) == NULL)
			return NULL;
		sl->next = t->slabs;
		t->slabs = sl;
		t->slab_next = (uint8_t *)sl + FLOW_SLAB_HDR;
		t->slab_left = FLOW_SLAB_NODES;
		t->slab_mem += FLOW_SLAB_SIZE;
	}
	t->slab_left--;
	t->slab_next += sizeof(struct flow_node);
	return memset(t->slab_next - sizeof(struct flow_node), 0,
	    sizeof(struct flow_node));
}

/*
 * An empty table gives its slabs back: at the end of input the flush
 * ends every flow, and what follows (the device brain working through
 * its queue) should not run beside a whole table of unused nodes.
 */
static void
slabs_free(struct flow_table *t)
{
	struct flow_slab *sl;

	if (t->active != 0)
		return;
	while ((sl = t->slabs) != NULL) {
		t->slabs = sl->next;
		free(sl);
	}
	t->spare = NULL;
	t->nspare = 0;
	t->slab_next = NULL;
	t->slab_left = 0;
	t->slab_mem = 0;
}

static struct flow_node *
flow_alloc(struct flow_table *t)
{
	struct flow_node *n;

	if (t->spare != NULL) {
		n = node(t->spare);
		t->spare = t->spare->hnext;
		t->nspare--;
		memset(n, 0, sizeof(*n));
		return n;
	}
	return flow_slab_node(t);
}

/* End a flow: streams, the callbacks (exactly once), then free it. */
static void
flow_finish(struct flow_table *t, struct flow *f, enum flow_end_reason why)
{
	struct flow_node *n = node(f);
	struct flow **pp;

	if (t->ops.flow_ending != NULL)
		t->ops.flow_ending(t->ops.arg, f);
	if (f->proto == IPPROTO_TCP)
		stream_tcp_end(&t->sctx, f);
	if (t->ops.flow_end != NULL)
		t->ops.flow_end(t->ops.arg, f, why);
	ctr_inc(t->ctr, CTR_FLOW_END);
	if (why == FLOW_END_TIMEOUT)
		ctr_inc(t->ctr, CTR_FLOW_TIMEOUTS);

	for (pp = &t->buckets[f->hash & t->mask]; *pp != f;
	    pp = &(*pp)->hnext)
		;
	*pp = f->hnext;
	lru_unlink(&t->lru[n->pk][n->tk], f);
	t->active--;
	t->flow_mem -= t->node_cost;
	flow_release(t, n);
}

/*
 * Evict least recently used flows until usage is below the recovery
 * mark, but once there is room for 'need' bytes, no more than
 * FLOW_EVICT_BATCH: the rest is left to the ticks.
 */
static void
flow_evict(struct flow_table *t, uint64_t need, unsigned batch)
{
	struct flow *f;
	uint64_t use;
	unsigned n = 0;

	for (;;) {
		use = flow_table_memuse(t);
		if (use + need <= t->cfg.memcap &&
		    (use < t->recovery_mark || n >= batch))
			break;
		if ((f = lru_victim(t)) == NULL)
			break;
		flow_finish(t, f, FLOW_END_FORCED);
		ctr_inc(t->ctr, CTR_FLOW_EVICTED);
		n++;
	}
	emergency_check(t);
}

/* Table. */

struct flow_table *
flow_table_new(const struct flow_config *cfg, const struct flow_ops *ops,
    struct counters *ctr, uint64_t flow_id_seed)
{
	struct flow_table *t;
	uint64_t nb = FLOW_HASH_MIN, r, room;
	size_t bsize;
	unsigned pk, tk;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cfg = *cfg;
	if (ops != NULL)
		t->ops = *ops;
	t->ctr = ctr != NULL ? ctr : &t->own_ctr;

	while (nb < cfg->hash_size && nb < FLOW_HASH_MAX)
		nb <<= 1;
	/*
	 * The buckets count against the memcap, so a small memcap gets
	 * fewer of them (at most FLOW_HASH_SHARE of it) rather than no
	 * room for flows.  From a quarter of a huge page up they are
	 * padded to a whole one, so the kernel can back them with one,
	 * when that fits the same share.
	 */
	while (nb > FLOW_HASH_MIN &&
	    nb * sizeof(*t->buckets) > cfg->memcap / FLOW_HASH_SHARE)
		nb >>= 1;
	bsize = nb * sizeof(*t->buckets);
	if (bsize >= FLOW_SLAB_SIZE / 4 && bsize < FLOW_SLAB_SIZE &&
	    FLOW_SLAB_SIZE <= cfg->memcap / FLOW_HASH_SHARE)
		bsize = FLOW_SLAB_SIZE;
	if ((t->buckets = flow_huge_alloc(bsize)) == NULL) {
		free(t);
		return NULL;
	}
	memset(t->buckets, 0, bsize);
	t->mask = (uint32_t)(nb - 1);
	t->flow_mem = bsize;
	/* The slab header and the tail no node fits are shared out. */
	t->node_cost = (FLOW_SLAB_SIZE + FLOW_SLAB_NODES - 1) /
	    FLOW_SLAB_NODES;

	sipkey_init(&t->hkey, false);
	/* flow_id depends on the seed only, not on the thread layout. */
	t->idkey.k0 = flow_id_seed;
	t->idkey.k1 = flow_id_seed ^ UINT64_C(0x9e3779b97f4a7c15);

	for (pk = 0; pk < FLOW_PROTO_MAX; pk++)
		for (tk = 0; tk < FLOW_TO_MAX; tk++) {
			t->to_us[pk][tk] = cfg->timeout[pk][tk] * US_PER_SEC;
			t->emerg_to_us[pk][tk] =
			    cfg->emerg_timeout[pk][tk] * US_PER_SEC;
		}
	/*
	 * The percentage to free is of what the flows may use: the memcap
	 * less the buckets, which no eviction gives back.
	 */
	r = cfg->emergency_recovery > 100 ? 100 : cfg->emergency_recovery;
	room = cfg->memcap > bsize ? cfg->memcap - bsize : 0;
	t->recovery_mark = bsize + room / 100 * (100 - r) +
	    room % 100 * (100 - r) / 100;

	stream_ctx_init(&t->sctx, &t->cfg.stream, &t->ops, t->ctr,
	    &t->flow_mem, cfg->memcap);
	return t;
}

void
flow_table_flush(struct flow_table *t, enum flow_end_reason why)
{
	struct flow *f;

	while ((f = lru_oldest(t)) != NULL)
		flow_finish(t, f, why);
	emergency_check(t);
	slabs_free(t);
}

void
flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *, void *),
    void *arg)
{
	struct flow *f, *next;
	unsigned pk, tk;

	for (pk = 0; pk < FLOW_PROTO_MAX; pk++)
		for (tk = 0; tk < FLOW_TO_MAX; tk++)
			for (f = t->lru[pk][tk].head; f != NULL; f = next) {
				next = f->lru_next;
				fn(f, arg);
			}
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	flow_table_flush(t, FLOW_END_SHUTDOWN);	/* frees the slabs */
	stream_ctx_clear(&t->sctx);
	free(t->buckets);
	free(t);
}

void
flow_table_memcheck(struct flow_table *t)
{
	uint64_t use = flow_table_memuse(t);

	if (use > t->mem_peak)
		t->mem_peak = use;
	if (use <= t->cfg.memcap)
		return;
	if (!t->emergency) {
		t->emergency = true;
		ctr_inc(t->ctr, CTR_FLOW_EMERG_ENTERED);
	}
	flow_evict(t, 0, FLOW_EVICT_BATCH);
}

void
flow_table_tick(struct flow_table *t, uint64_t now_us)
{
	unsigned budget = FLOW_TICK_BUDGET;
	struct flow *f;

	if (now_us > t->now)
		t->now = now_us;
	while (budget > 0 && (f = next_expired(t)) != NULL) {
		flow_finish(t, f, FLOW_END_TIMEOUT);
		budget--;
	}
	if (t->emergency && budget > 0)
		flow_evict(t, 0, budget);
	emergency_check(t);
}

uint64_t
flow_table_slab_mem(const struct flow_table *t)
{
	return t->slab_mem;
}

size_t
flow_table_longest_chain(const struct flow_table *t)
{
	const struct flow *f;
	size_t i, n, max = 0;

	for (i = 0; i <= t->mask; i++) {
		for (n = 0, f = t->buckets[i]; f != NULL; f = f->hnext)
			n++;
		if (n > max)
			max = n;
	}
	return max;
}

/* Packets. */

/* Fixed-size loads: memcmp() with a length known only at run time is
 * a library call on every packet's lookup. */
static inline bool
addr_eq(const uint8_t *a, const uint8_t *b, size_t alen)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (alen == 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static inline bool
vlan_eq(const uint16_t *a, const uint16_t *b, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * Is p of flow f, and which way?  FLOW_DIR_TOSERVER when it goes from
 * the client's end to the server's, FLOW_DIR_TOCLIENT the other way,
 * -1 when it is not of f.  The way round is tried first, so a packet
 * whose two ends are the same goes to the server, as flow_dir() says.
 */
static int
flow_match(const struct flow_table *t, const struct flow *f,
    const struct packet *p)
{
	size_t alen = pkt_addrlen(p);
	bool icmp = is_icmp(f->proto);
	unsigned vc;

	if (f->ipver != p->ipver || f->proto != p->proto)
		return -1;
	if (t->cfg.vlan_in_key) {
		vc = vlan_count(p);
		if (f->vlan_cnt != vc || !vlan_eq(f->vlan, p->vlan, vc))
			return -1;
	}
	if ((icmp || (p->sport == f->cli_port && p->dport == f->srv_port)) &&
	    addr_eq(p->src, f->cli_ip, alen) &&
	    addr_eq(p->dst, f->srv_ip, alen))
		return FLOW_DIR_TOSERVER;
	if ((icmp || (p->sport == f->srv_port && p->dport == f->cli_port)) &&
	    addr_eq(p->src, f->srv_ip, alen) &&
	    addr_eq(p->dst, f->cli_ip, alen))
		return FLOW_DIR_TOCLIENT;
	return -1;
}

/* The flow of p, its direction in *dir; NULL when there is none. */
static struct flow *
flow_lookup(const struct flow_table *t, const struct packet *p, uint64_t h,
    int *dir)
{
	struct flow *f;

	for (f = t->buckets[h & t->mask]; f != NULL; f = f->hnext)
		if (f->hash == h && (*dir = flow_match(t, f, p)) >= 0)
			return f;
	return NULL;
}

static int
flow_dir(const struct flow *f, const struct packet *p)
{
	if (!addr_eq(p->src, f->cli_ip, pkt_addrlen(p)))
		return FLOW_DIR_TOCLIENT;
	if (!is_icmp(f->proto) && p->sport != f->cli_port)
		return FLOW_DIR_TOCLIENT;
	return FLOW_DIR_TOSERVER;
}

static struct flow *
flow_create(struct flow_table *t, const struct packet *p,
    const uint8_t *key, size_t klen, uint64_t h)
{
	struct flow_node *n;
	struct flow *f;
	size_t alen = pkt_addrlen(p);
	bool emerg = t->emergency, cli_is_src;
	unsigned vc = vlan_count(p);

	if (flow_table_memuse(t) + t->node_cost > t->cfg.memcap) {
		if (!t->emergency) {
			t->emergency = true;
			ctr_inc(t->ctr, CTR_FLOW_EMERG_ENTERED);
		}
		emerg = true;
		flow_evict(t, t->node_cost, FLOW_EVICT_BATCH);
		if (flow_table_memuse(t) + t->node_cost > t->cfg.memcap) {
			ctr_inc(t->ctr, CTR_FLOW_MEMCAP);
			return NULL;
		}
	}
	if ((n = flow_alloc(t)) == NULL) {
		ctr_inc(t->ctr, CTR_FLOW_MEMCAP);
		return NULL;
	}
	f = &n->f;

	/* A SYN/ACK seen first was sent by the server. */
	cli_is_src = !(p->proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK));
	f->ipver = p->ipver;
	f->proto = p->proto;
	memcpy(f->cli_ip, cli_is_src ? p->src : p->dst, alen);
	memcpy(f->srv_ip, cli_is_src ? p->dst : p->src, alen);
	if (is_icmp(p->proto)) {
		f->cli_port = p->icmp_type;
		f->srv_port = p->icmp_code;
	} else {
		f->cli_port = cli_is_src ? p->sport : p->dport;
		f->srv_port = cli_is_src ? p->dport : p->sport;
	}
	memcpy(f->vlan, p->vlan, vc * sizeof(f->vlan[0]));
	f->vlan_cnt = (uint8_t)vc;
	f->ts_first = f->ts_last = p->ts_us;
	f->flow_id = flow_make_id(t, key, klen, p->ts_us);
	f->state = FLOW_STATE_NEW;
	f->tcp_state = TCP_NONE;
	f->tcp.dir[0].wscale = f->tcp.dir[1].wscale = STREAM_WSCALE_NONE;
	if (emerg)
		f->flags |= FLOW_F_EMERGENCY;

	f->hash = h;
	f->hnext = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = f;
	n->pk = (uint8_t)proto_kind(p->proto);
	n->tk = FLOW_TO_NEW;
	n->touched = t->now;
	lru_append(&t->lru[n->pk][n->tk], f);
	t->active++;
	t->flow_mem += t->node_cost;
	if (flow_table_memuse(t) > t->mem_peak)
		t->mem_peak = flow_table_memuse(t);

	ctr_inc(t->ctr, CTR_FLOW_TOTAL);
	switch (p->proto) {
	case IPPROTO_TCP:
		ctr_inc(t->ctr, CTR_FLOW_TCP);
		break;
	case IPPROTO_UDP:
		ctr_inc(t->ctr, CTR_FLOW_UDP);
		break;
	case IPPROTO_ICMP:
		ctr_inc(t->ctr, CTR_FLOW_ICMPV4);
		break;
	case IPPROTO_ICMPV6:
		ctr_inc(t->ctr, CTR_FLOW_ICMPV6);
		break;
	default:
		ctr_inc(t->ctr, CTR_FLOW_OTHER);
		break;
	}
	return f;
}

/* Client and server trade places (before anything was tracked). */
static void
flow_swap(struct flow *f)
{
	uint8_t ip[16], mac[6];
	uint64_t u;
	uint16_t port;
	uint8_t fl;
	struct tcp_stream s;

	/* TCP's Community ID is the same either way round, but a one-way
	 * ICMP type's is not: should other protocols swap, make it again. */
	f->has_cid = false;
	memcpy(ip, f->cli_ip, sizeof(ip));
	memcpy(f->cli_ip, f->srv_ip, sizeof(ip));
	memcpy(f->srv_ip, ip, sizeof(ip));
	port = f->cli_port;
	f->cli_port = f->srv_port;
	f->srv_port = port;
	memcpy(mac, f->cli_mac, sizeof(mac));
	memcpy(f->cli_mac, f->srv_mac, sizeof(mac));
	memcpy(f->srv_mac, mac, sizeof(mac));
	u = f->pkts[0];
	f->pkts[0] = f->pkts[1];
	f->pkts[1] = u;
	u = f->bytes[0];
	f->bytes[0] = f->bytes[1];
	f->bytes[1] = u;
	fl = f->tcp_flags[0];
	f->tcp_flags[0] = f->tcp_flags[1];
	f->tcp_flags[1] = fl;
	fl = f->ttl[0];
	f->ttl[0] = f->ttl[1];
	f->ttl[1] = fl;
	s = f->tcp.dir[0];
	f->tcp.dir[0] = f->tcp.dir[1];
	f->tcp.dir[1] = s;
}

/*
 * On a tuple whose TCP session is not tracked, a pure SYN names the
 * client and a SYN/ACK the server, whoever sent the first packet.
 */
static bool
tcp_roles_wrong(const struct flow *f, const struct packet *p, int dir)
{
	uint8_t syn = p->tcp_flags & (TH_SYN | TH_ACK | TH_RST);

	if (f->tcp_state != TCP_NONE)
		return false;
	return (syn == TH_SYN && dir == FLOW_DIR_TOCLIENT) ||
	    (syn == (TH_SYN | TH_ACK) && dir == FLOW_DIR_TOSERVER);
}

static void
flow_touch(struct flow_table *t, struct flow_node *n)
{
	unsigned tk = timeout_kind(&n->f);

	if (tk != n->tk || t->lru[n->pk][n->tk].tail != &n->f) {
		lru_unlink(&t->lru[n->pk][n->tk], &n->f);
		n->tk = (uint8_t)tk;
		lru_append(&t->lru[n->pk][n->tk], &n->f);
	}
	n->touched = t->now;
}

struct flow *
flow_handle_packet(struct flow_table *t, const struct packet *p)
{
	uint8_t key[FLOW_KEY_MAX];
	uint64_t h, old_id = 0;
	struct flow *f;
	size_t klen;
	int dir;

	if (!pkt_is_ip(p)) {
		ctr_inc(t->ctr, CTR_FLOW_NO_FLOW);
		return NULL;
	}
	if (p->ts_us > t->now)
		t->now = p->ts_us;
	/* The dispatcher hashed this packet with our key already. */
	if (t->shared_key && p->flow_hash != 0)
		h = p->flow_hash;
	else
		h = flow_hash_packet(&t->hkey, p, t->cfg.vlan_in_key);

	/*
	 * A closed TCP session's late packets (the last ACK after both
	 * FINs, a FIN sent again) are its own, even past the closed
	 * timeout: with the emergency one at 0 each last ACK otherwise
	 * found its session expired and began a mid-stream flow of one
	 * packet (4.9 M of them for 5 M sessions in the churn bench).
	 * The next tick ends the session.  A SYN is a new session.
	 */
	if ((f = flow_lookup(t, p, h, &dir)) != NULL) {
		if (flow_expired(t, node(f)) && !(f->proto == IPPROTO_TCP &&
		    f->state == FLOW_STATE_CLOSED &&
		    !(p->tcp_flags & TH_SYN))) {
			old_id = f->flow_id;
			flow_finish(t, f, FLOW_END_TIMEOUT);
			f = NULL;
		} else if (f->proto == IPPROTO_TCP &&
		    stream_tcp_is_reuse(f, p, dir)) {
			old_id = f->flow_id;
			ctr_inc(t->ctr, CTR_FLOW_TCP_REUSE);
			flow_finish(t, f, FLOW_END_REUSE);
			f = NULL;
		}
	}
	if (f == NULL) {
		klen = key_build(p, t->cfg.vlan_in_key, key);
		if ((f = flow_create(t, p, key, klen, h)) == NULL) {
			ctr_inc(t->ctr, CTR_FLOW_NO_FLOW);
			return NULL;
		}
		/* The same tuple again within a microsecond. */
		if (f->flow_id == old_id)
			f->flow_id = f->flow_id % FLOW_ID_MASK + 1;
		dir = flow_dir(f, p);
	}

	if (f->proto == IPPROTO_TCP && !(p->flags & PKT_BAD_CSUM) &&
	    tcp_roles_wrong(f, p, dir)) {
		flow_swap(f);
		dir ^= 1;
	}
	if (f->pkts[dir]++ == 0)
		f->ttl[dir] = p->ttl;
	f->bytes[dir] += p->wirelen;
	if (p->ts_us > f->ts_last)
		f->ts_last = p->ts_us;
	if (!f->has_mac && (p->flags & PKT_HAS_ETH)) {
		memcpy(f->cli_mac, dir == FLOW_DIR_TOSERVER ? p->src_mac :
		    p->dst_mac, sizeof(f->cli_mac));
		memcpy(f->srv_mac, dir == FLOW_DIR_TOSERVER ? p->dst_mac :
		    p->src_mac, sizeof(f->srv_mac));
		f->has_mac = true;
	}

	if (p->flags & PKT_BAD_CSUM) {
		/* Counted; the host dropped it, so the session never saw it. */
	} else if (f->proto == IPPROTO_TCP) {
		f->tcp_flags[dir] |= p->tcp_flags;
		stream_tcp_packet(&t->sctx, f, p, dir);
	} else if (dir == FLOW_DIR_TOCLIENT && f->state == FLOW_STATE_NEW)
		f->state = FLOW_STATE_ESTABLISHED;
	flow_touch(t, node(f));
	return f;
}
