/*
 * stream.c - TCP session tracking and per-direction stream reassembly.
 *
 * Session tracking follows the handshake (RFC 793 section 3.4) far
 * enough to know each side's initial sequence number and window scale,
 * validates RSTs against the receive window (RFC 5961 section 3), and
 * closes a direction when its FIN is acknowledged.  States, as named by
 * tcp_state_name() in flow.c:
 *
 *	none	      not tracked (no handshake seen, midstream off)
 *	syn_sent      the client's SYN was seen
 *	syn_recv      the server's SYN/ACK was seen
 *	established   handshake done, or picked up midstream
 *	fin_wait1     one side sent FIN
 *	closing	      both sides sent FIN
 *	closed	      RST, or both FINs acknowledged
 *
 * Reassembly, per direction: bytes at next_seq are handed to the
 * stream_ops data callback straight from the packet (in-order data is
 * never copied).  Segments ahead of next_seq wait in a list sorted by
 * sequence number whose head's prev pointer is the tail, so the common
 * cases (append behind the last hole, prepend before the first) cost
 * O(1); other inserts walk back from the tail, bounded by max_segments.
 * Queued segments never overlap: a newcomer is merged with what is
 * queued, and the receiver's policy (stream.policy, host-os-policy)
 * decides which copy of each byte stands.  Delivered bytes always
 * stand; those the receiver has not acknowledged yet are kept (struct
 * stream_ret) so that a retransmission of them is compared.
 * Overlapping bytes that differ are an anomaly, the evasion case of
 * Ptacek and Newsham 1998.
 *
 * When the queue is full (segment count, stream.memcap or flow.memcap)
 * the first hole is skipped as a gap and whatever became contiguous is
 * delivered, until the newcomer fits or is itself in order.  A hole is
 * also skipped when the direction ends: its FIN acknowledged, a valid
 * RST, or the end of the flow.  Depth counts the stream offset (bytes
 * delivered plus bytes skipped): once reached, the direction is only
 * tracked, no longer reassembled.
 *
 * Data carried on SYN packets (TCP Fast Open) is not reassembled.
 */
#include <config.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "flow/flow.h"
#include "flow/stream-int.h"
#include "flow/stream.h"
#include "util/events.h"

struct stream_seg {
	struct stream_seg *next;
	struct stream_seg *prev;	/* the head's prev is the tail */
	uint32_t	 seq;
	uint32_t	 len;		/* bytes of data in use */
	uint32_t	 size;		/* bytes of data allocated */
	uint8_t		 data[];
};

/*
 * What a segment of size data bytes takes from malloc, as glibc's
 * allocator sizes a chunk (malloc/malloc.c, request2size): the request
 * plus one size word, rounded up to 16 bytes, 32 at least.  Counting
 * the request alone undercounts small segments by up to a third.
 */
#define SEG_CHUNK_OVERHEAD	sizeof(size_t)
#define SEG_CHUNK_ALIGN		16u
#define SEG_CHUNK_MIN		32u

static uint64_t
seg_cost(uint64_t size)
{
	uint64_t n = sizeof(struct stream_seg) + size + SEG_CHUNK_OVERHEAD;

	n = (n + SEG_CHUNK_ALIGN - 1) & ~(uint64_t)(SEG_CHUNK_ALIGN - 1);
	return n < SEG_CHUNK_MIN ? SEG_CHUNK_MIN : n;
}

#define SEG_COST(size)	seg_cost((uint64_t)(size))

/*
 * Delivered bytes not yet acknowledged: a ring of 'size' bytes (a power
 * of two) whose oldest byte, at 'head', has sequence number 'seq'; the
 * newest is the byte before next_seq.
 */
struct stream_ret {
	uint32_t	 seq;
	uint32_t	 len;
	uint32_t	 size;
	uint32_t	 head;
	uint8_t		 data[];
};

#define RET_MIN		2048u
#define RET_COST(size)	seg_cost((uint64_t)(size) + 8)

/*
 * Without reassembly a direction still follows next_seq (for RST checks)
 * across holes, but not to a sequence number absurdly far ahead.
 */
#define SEQ_TRACK_MAX	(1u << 30)

/* Receive window assumed before the receiver has said anything. */
#define STREAM_DEFAULT_WINDOW	65535u

void
stream_config_defaults(struct stream_config *c)
{
	memset(c, 0, sizeof(*c));
	c->depth = STREAM_DEFAULT_DEPTH;
	c->max_segments = STREAM_DEFAULT_MAX_SEGMENTS;
	c->memcap = STREAM_DEFAULT_MEMCAP;
	c->midstream = true;
	c->reassembly = true;
	c->policy = STREAM_POLICY_FIRST;
}

void
stream_ctx_init(struct stream_ctx *ctx, const struct stream_config *cfg,
    const struct flow_ops *fops, struct counters *ctr,
    const uint64_t *flow_mem, uint64_t flow_memcap)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->ctr = ctr;
	ctx->flow_mem = flow_mem;
	ctx->flow_memcap = flow_memcap;
	if (fops != NULL) {
		ctx->ops = fops->stream;
		ctx->anomaly = fops->anomaly;
		ctx->arg = fops->arg;
	}
}

void
stream_ctx_clear(struct stream_ctx *ctx)
{
	while (ctx->npool > 0)
		free(ctx->pool[--ctx->npool]);
}

void
stream_anomaly(struct stream_ctx *ctx, struct flow *f,
    const struct packet *p, enum ww_counter id)
{
	unsigned bit = (unsigned)id;
	uint64_t mask;

	ctr_inc(ctx->ctr, id);
	/* Stream anomalies get their own bits; anything else shares. */
	if (bit >= (unsigned)EV_STREAM_GAP && bit - EV_STREAM_GAP < 64)
		bit -= EV_STREAM_GAP;
	else
		bit %= 64;
	mask = UINT64_C(1) << bit;
	if (f->anom_seen & mask)
		return;
	f->anom_seen |= mask;
	if (ctx->anomaly != NULL)
		ctx->anomaly(ctx->arg, f, p, id);
}

/* Policies. */

static bool
prefix_match(const uint8_t *a, const uint8_t *net, unsigned bits)
{
	unsigned i;

	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != net[i])
			return false;
	return bits == 0 || ((a[i] ^ net[i]) & (0xff00u >> bits) & 0xff) == 0;
}

enum stream_policy
stream_host_policy(const struct stream_config *cfg, uint8_t ipver,
    const uint8_t *addr)
{
	const struct stream_host_policy *h, *best = NULL;
	uint32_t i;

	for (i = 0; i < cfg->n_hosts; i++) {
		h = &cfg->hosts[i];
		if (h->ipver == ipver && prefix_match(addr, h->addr, h->prefix) &&
		    (best == NULL || h->prefix > best->prefix))
			best = h;
	}
	return best != NULL ? (enum stream_policy)best->policy : cfg->policy;
}

/*
 * Does the new copy of overlapping bytes win over the old?  The new
 * segment is [ns, ne), the old one [os, oe): see stream.h.
 */
static bool
new_wins(const struct stream_ctx *ctx, const struct flow *f, int dir,
    uint32_t ns, uint32_t ne, uint32_t os, uint32_t oe)
{
	const uint8_t *rcv = dir == FLOW_DIR_TOSERVER ? f->srv_ip : f->cli_ip;
	enum stream_policy pol = ctx->cfg->policy;

	if (ctx->cfg->n_hosts > 0)
		pol = stream_host_policy(ctx->cfg, f->ipver, rcv);
	switch (pol) {
	case STREAM_POLICY_LAST:
		return true;
	case STREAM_POLICY_BSD:
	case STREAM_POLICY_OLD_LINUX:
	case STREAM_POLICY_HPUX10:
	case STREAM_POLICY_IRIX:
	case STREAM_POLICY_MACOS:
		return SEQ_LT(ns, os);
	case STREAM_POLICY_LINUX:
		return SEQ_LT(ns, os) || (ns == os && SEQ_GT(ne, oe));
	default:
		return false;
	}
}

/* Retained bytes. */

static void
ret_free(struct stream_ctx *ctx, struct tcp_stream *s)
{
	if (s->ret == NULL)
		return;
	ctx->ret_mem -= RET_COST(s->ret->size);
	/* Each ACK that covers everything frees it: malloc and free of
	 * 2 KB at every segment of a request-response session. */
	if (s->ret->size == RET_MIN && ctx->npool <
	    sizeof(ctx->pool) / sizeof(ctx->pool[0]))
		ctx->pool[ctx->npool++] = s->ret;
	else
		free(s->ret);
	s->ret = NULL;
}

/* Forget bytes the receiver acknowledged (ack is its next expected). */
static void
ret_trim(struct stream_ctx *ctx, struct tcp_stream *s, uint32_t ack)
{
	struct stream_ret *r = s->ret;
	uint32_t n;

	if (!SEQ_GT(ack, r->seq))
		return;
	n = ack - r->seq;
	if (n >= r->len) {
		ret_free(ctx, s);
		return;
	}
	r->head = (r->head + n) & (r->size - 1);
	r->seq += n;
	r->len -= n;
}

/* Make room for need bytes in total, growing up to STREAM_RETAIN_MAX. */
static void
ret_grow(struct stream_ctx *ctx, struct tcp_stream *s, uint32_t need)
{
	struct stream_ret *r = s->ret, *nr;
	uint32_t size = r != NULL ? r->size : 0, nsize, first;

	if (need <= size)
		return;
	for (nsize = size > 0 ? size : RET_MIN; nsize < need; nsize *= 2)
		;
	/* Never at the cost of queueing: a quarter of stream.memcap, and
	 * what the flow memcap leaves. */
	if (ctx->ret_mem - (size > 0 ? RET_COST(size) : 0) + RET_COST(nsize) >
	    ctx->cfg->memcap / 4 || *ctx->flow_mem + ctx->seg_mem +
	    ctx->ret_mem + RET_COST(nsize) > ctx->flow_memcap)
		return;
	if (nsize == RET_MIN && ctx->npool > 0)
		nr = ctx->pool[--ctx->npool];
	else if ((nr = malloc(sizeof(*nr) + nsize)) == NULL)
		return;
	nr->seq = r != NULL ? r->seq : 0;
	nr->len = r != NULL ? r->len : 0;
	nr->size = nsize;
	nr->head = 0;
	if (r != NULL && r->len > 0) {
		first = r->size - r->head;
		if (first > r->len)
			first = r->len;
		memcpy(nr->data, r->data + r->head, first);
		memcpy(nr->data + first, r->data, r->len - first);
	}
	ret_free(ctx, s);
	ctx->ret_mem += RET_COST(nsize);
	s->ret = nr;
}

/* Keep len bytes delivered at next_seq. */
static void
ret_append(struct stream_ctx *ctx, struct tcp_stream *s, const uint8_t *data,
    uint32_t len)
{
	struct stream_ret *r;
	uint32_t drop, at, first;

	if (len > STREAM_RETAIN_MAX) {
		ret_free(ctx, s);
		return;
	}
	/* After a gap the kept bytes no longer end at next_seq. */
	if (s->ret != NULL && s->ret->seq + s->ret->len != s->next_seq)
		s->ret->len = 0;
	ret_grow(ctx, s, (s->ret != NULL ? s->ret->len : 0) + len);
	if ((r = s->ret) == NULL || r->size < len)
		return;
	if (r->len == 0) {
		r->seq = s->next_seq;
		r->head = 0;
	}
	if (r->len + len > r->size) {
		/* Full: the oldest bytes go. */
		drop = r->len + len - r->size;
		r->head = (r->head + drop) & (r->size - 1);
		r->seq += drop;
		r->len -= drop;
	}
	at = (r->head + r->len) & (r->size - 1);
	first = r->size - at;
	if (first > len)
		first = len;
	memcpy(r->data + at, data, first);
	/* Wrapped round the ring: rarely, so no call for 0 bytes. */
	if (len > first)
		memcpy(r->data, data + first, len - first);
	r->len += len;
}

/*
 * Compare bytes sent again at seq with the kept copy; counts the overlap
 * and raises the anomaly when they differ.
 */
static void
ret_compare(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    const struct stream_ret *r, uint32_t seq, const uint8_t *data,
    uint32_t len)
{
	uint32_t end = seq + len, rend = r->seq + r->len, a, b, at, first;
	bool diff;

	a = SEQ_GT(seq, r->seq) ? seq : r->seq;
	b = SEQ_LT(end, rend) ? end : rend;
	if (!SEQ_LT(a, b))
		return;
	data += a - seq;
	len = b - a;
	at = (r->head + (a - r->seq)) & (r->size - 1);
	first = r->size - at;
	if (first > len)
		first = len;
	diff = memcmp(data, r->data + at, first) != 0 ||
	    memcmp(data + first, r->data, len - first) != 0;
	ctr_inc(ctx->ctr, CTR_TCP_OVERLAP);
	if (diff) {
		ctr_inc(ctx->ctr, CTR_TCP_OVERLAP_DIFF);
		stream_anomaly(ctx, f, p, EV_STREAM_OVERLAP_DIFF);
	}
}

/* Segment list. */

static struct stream_seg *
seg_tail(const struct tcp_stream *s)
{
	return s->segs == NULL ? NULL : s->segs->prev;
}

static void
seg_unlink(struct tcp_stream *s, struct stream_seg *g)
{
	if (g == s->segs) {
		s->segs = g->next;
		if (s->segs != NULL)
			s->segs->prev = g->prev;
	} else {
		g->prev->next = g->next;
		if (g->next != NULL)
			g->next->prev = g->prev;
		else
			s->segs->prev = g->prev;
	}
	g->next = g->prev = NULL;
}

/* Link g after 'after', or at the head when 'after' is NULL. */
static void
seg_link(struct tcp_stream *s, struct stream_seg *after, struct stream_seg *g)
{
	if (after == NULL) {
		g->next = s->segs;
		if (s->segs != NULL) {
			g->prev = s->segs->prev;
			s->segs->prev = g;
		} else
			g->prev = g;
		s->segs = g;
		return;
	}
	g->next = after->next;
	g->prev = after;
	if (after->next != NULL)
		after->next->prev = g;
	else
		s->segs->prev = g;
	after->next = g;
}

static struct stream_seg *
seg_new(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    struct tcp_stream *s, uint32_t seq, uint32_t len)
{
	struct stream_seg *g;

	if ((g = malloc(sizeof(*g) + len)) == NULL) {
		ctr_inc(ctx->ctr, CTR_TCP_SEGMENT_MEMCAP);
		stream_anomaly(ctx, f, p, EV_STREAM_MEMCAP);
		return NULL;
	}
	g->next = g->prev = NULL;
	g->seq = seq;
	g->len = g->size = len;
	ctx->seg_mem += SEG_COST(len);
	s->n_segs++;
	s->seg_bytes += len;
	return g;
}

/* Free an unlinked segment. */
static void
seg_free(struct stream_ctx *ctx, struct tcp_stream *s, struct stream_seg *g)
{
	ctx->seg_mem -= SEG_COST(g->size);
	s->n_segs--;
	s->seg_bytes -= g->len;
	free(g);
}

static void
queue_free(struct stream_ctx *ctx, struct tcp_stream *s)
{
	struct stream_seg *g;

	while ((g = s->segs) != NULL) {
		seg_unlink(s, g);
		seg_free(ctx, s, g);
	}
}

/* Drop queued bytes at or after the FIN. */
static void
queue_trim(struct stream_ctx *ctx, struct tcp_stream *s, uint32_t fin_seq)
{
	struct stream_seg *g;

	while ((g = seg_tail(s)) != NULL) {
		if (SEQ_GEQ(g->seq, fin_seq)) {
			seg_unlink(s, g);
			seg_free(ctx, s, g);
			continue;
		}
		if (SEQ_GT(g->seq + g->len, fin_seq)) {
			s->seg_bytes -= g->len - (fin_seq - g->seq);
			g->len = fin_seq - g->seq;
		}
		break;
	}
}

/* The last queued segment starting at or before seq, or NULL. */
static struct stream_seg *
seg_find_prev(const struct tcp_stream *s, uint32_t seq)
{
	struct stream_seg *g, *tail;

	if ((tail = seg_tail(s)) == NULL || SEQ_LEQ(tail->seq, seq))
		return tail;
	if (SEQ_GT(s->segs->seq, seq))
		return NULL;
	/* The head starts at or before seq, so the walk ends there. */
	for (g = tail->prev; SEQ_GT(g->seq, seq); g = g->prev)
		;
	return g;
}

/* Callbacks. */

static void
depth_reached(struct stream_ctx *ctx, struct tcp_stream *s)
{
	s->depth_reached = true;
	ctr_inc(ctx->ctr, CTR_TCP_DEPTH_REACHED);
	queue_free(ctx, s);
	ret_free(ctx, s);
}

/* Hand len in-order bytes at next_seq to the application layer. */
static void
deliver(struct stream_ctx *ctx, struct flow *f, int dir,
    const uint8_t *data, uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	uint64_t depth = ctx->cfg->depth, off, n = len;

	if (len != 0 && !s->depth_reached)
		ret_append(ctx, s, data, len);
	s->next_seq += len;
	if (len == 0 || s->depth_reached)
		return;
	if (depth != 0) {
		off = s->delivered + s->gap_bytes;
		assert(off < depth);
		if (n > depth - off)
			n = depth - off;
	}
	if (ctx->ops != NULL && ctx->ops->data != NULL)
		ctx->ops->data(ctx->arg, f, dir, data, (size_t)n);
	s->delivered += n;
	if (depth != 0 && s->delivered + s->gap_bytes >= depth)
		depth_reached(ctx, s);
}

/* Skip len missing bytes at next_seq. */
static void
gap(struct stream_ctx *ctx, struct flow *f, int dir, const struct packet *p,
    uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	uint64_t depth = ctx->cfg->depth;

	s->next_seq += len;
	if (len == 0 || s->depth_reached)
		return;
	s->gap_bytes += len;
	ctr_inc(ctx->ctr, CTR_TCP_GAP);
	stream_anomaly(ctx, f, p, EV_STREAM_GAP);
	if (ctx->ops != NULL && ctx->ops->gap != NULL)
		ctx->ops->gap(ctx->arg, f, dir, len);
	if (depth != 0 && s->delivered + s->gap_bytes >= depth)
		depth_reached(ctx, s);
}

static void
emit_eof(struct stream_ctx *ctx, struct flow *f, int dir)
{
	struct tcp_stream *s = &f->tcp.dir[dir];

	if (s->eof)
		return;
	s->eof = true;
	queue_free(ctx, s);
	ret_free(ctx, s);
	if (ctx->cfg->reassembly && ctx->ops != NULL && ctx->ops->eof != NULL)
		ctx->ops->eof(ctx->arg, f, dir);
}

static void
check_eof(struct stream_ctx *ctx, struct flow *f, int dir)
{
	struct tcp_stream *s = &f->tcp.dir[dir];

	if (s->fin_seen && !s->eof && SEQ_GEQ(s->next_seq, s->fin_seq))
		emit_eof(ctx, f, dir);
}

static void
overlap(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    const uint8_t *a, const uint8_t *b, uint32_t n)
{
	ctr_inc(ctx->ctr, CTR_TCP_OVERLAP);
	if (memcmp(a, b, n) != 0) {
		ctr_inc(ctx->ctr, CTR_TCP_OVERLAP_DIFF);
		stream_anomaly(ctx, f, p, EV_STREAM_OVERLAP_DIFF);
	}
}

/* Reassembly. */

/* Deliver the queued segments that became contiguous. */
static void
drain(struct stream_ctx *ctx, struct flow *f, int dir)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	struct stream_seg *g;
	uint32_t skip;

	while ((g = s->segs) != NULL && SEQ_LEQ(g->seq, s->next_seq)) {
		seg_unlink(s, g);
		skip = s->next_seq - g->seq;
		if (skip < g->len)
			deliver(ctx, f, dir, g->data + skip, g->len - skip);
		seg_free(ctx, s, g);
	}
	check_eof(ctx, f, dir);
}

/*
 * Bytes starting exactly at next_seq.  Where they meet queued bytes the
 * queued copy came first and wins; the packet fills the holes between.
 */
static void
inorder(struct stream_ctx *ctx, struct flow *f, int dir,
    const struct packet *p, const uint8_t *data, uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	uint32_t start = s->next_seq, end = start + len, skip, lim, n;
	uint32_t pstart = p != NULL ? p->tcp_seq : start;
	struct stream_seg *g;

	for (;;) {
		g = s->segs;
		if (g != NULL && SEQ_LEQ(g->seq, s->next_seq)) {
			seg_unlink(s, g);
			skip = s->next_seq - g->seq;
			if (skip < g->len) {
				n = 0;
				if (SEQ_LT(s->next_seq, end)) {
					n = end - s->next_seq;
					if (n > g->len - skip)
						n = g->len - skip;
					overlap(ctx, f, p,
					    data + (s->next_seq - start),
					    g->data + skip, n);
					if (!new_wins(ctx, f, dir, pstart,
					    end, g->seq, g->seq + g->len))
						n = 0;
					else
						deliver(ctx, f, dir, data +
						    (s->next_seq - start), n);
				}
				if (skip + n < g->len)
					deliver(ctx, f, dir,
					    g->data + skip + n,
					    g->len - skip - n);
			}
			seg_free(ctx, s, g);
			continue;
		}
		if (!SEQ_LT(s->next_seq, end))
			break;
		lim = end;
		if (g != NULL && SEQ_LT(g->seq, end))
			lim = g->seq;
		deliver(ctx, f, dir, data + (s->next_seq - start),
		    lim - s->next_seq);
	}
	check_eof(ctx, f, dir);
}

/* Is there room to queue len more bytes?  If not, *why says which cap. */
static bool
room(const struct stream_ctx *ctx, const struct tcp_stream *s, uint32_t len,
    enum ww_counter *why)
{
	uint64_t cost = SEG_COST(len);

	if (s->n_segs >= ctx->cfg->max_segments) {
		*why = EV_STREAM_SEG_LIMIT;
		return false;
	}
	if (ctx->seg_mem + cost > ctx->cfg->memcap ||
	    *ctx->flow_mem + ctx->seg_mem + ctx->ret_mem + cost >
	    ctx->flow_memcap) {
		*why = EV_STREAM_MEMCAP;
		return false;
	}
	return true;
}

/* Queue bytes ahead of next_seq; room has been made. */
static void
insert(struct stream_ctx *ctx, struct flow *f, int dir,
    const struct packet *p, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	struct stream_seg *prev, *next, *last, *g, *x, *xn;
	uint32_t end = seq + len, pend, mend, xo, n;
	bool is_last;

	prev = seg_find_prev(s, seq);
	if (prev != NULL) {
		pend = prev->seq + prev->len;
		if (SEQ_GT(pend, seq)) {
			n = (SEQ_LT(end, pend) ? end : pend) - seq;
			overlap(ctx, f, p, data, prev->data + (seq - prev->seq),
			    n);
			if (new_wins(ctx, f, dir, seq, end, prev->seq, pend))
				memcpy(prev->data + (seq - prev->seq), data, n);
			if (SEQ_GEQ(pend, end))
				return;
			data += pend - seq;
			len -= pend - seq;
			seq = pend;
		}
	}
	next = prev != NULL ? prev->next : s->segs;
	if (next == NULL || SEQ_LEQ(end, next->seq)) {
		if ((g = seg_new(ctx, f, p, s, seq, len)) == NULL)
			return;
		memcpy(g->data, data, len);
		seg_link(s, prev, g);
		return;
	}

	/*
	 * The newcomer covers one or more queued segments: merge them into
	 * one segment holding the new bytes with the queued ones on top, so
	 * the queue never overlaps and never grows by more than one.
	 */
	for (last = next; last->next != NULL && SEQ_LT(last->next->seq, end);
	    last = last->next)
		;
	mend = last->seq + last->len;
	if (SEQ_LT(mend, end))
		mend = end;
	if ((g = seg_new(ctx, f, p, s, seq, mend - seq)) == NULL)
		return;
	memcpy(g->data, data, len);
	for (x = next;; x = xn) {
		xn = x->next;
		is_last = x == last;
		xo = x->seq - seq;
		n = SEQ_LT(x->seq + x->len, end) ? x->len : end - x->seq;
		overlap(ctx, f, p, data + xo, x->data, n);
		if (!new_wins(ctx, f, dir, seq, end, x->seq, x->seq + x->len))
			memcpy(g->data + xo, x->data, x->len);
		else if (n < x->len)
			memcpy(g->data + xo + n, x->data + n, x->len - n);
		seg_unlink(s, x);
		seg_free(ctx, s, x);
		if (is_last)
			break;
	}
	seg_link(s, prev, g);
}

/* Bytes ahead of next_seq (seq > next_seq). */
static void
out_of_order(struct stream_ctx *ctx, struct flow *f, int dir,
    const struct packet *p, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	enum ww_counter why;
	uint32_t end = seq + len, target, t;
	bool counted = false;

	while (!room(ctx, s, len, &why)) {
		/* Kept delivered bytes are the first to go. */
		if (s->ret != NULL) {
			ret_free(ctx, s);
			continue;
		}
		if (!counted) {
			if (why == EV_STREAM_MEMCAP)
				ctr_inc(ctx->ctr, CTR_TCP_SEGMENT_MEMCAP);
			stream_anomaly(ctx, f, p, why);
			counted = true;
		}
		/* Skip the first hole: up to the queue head or the newcomer. */
		target = s->segs == NULL || SEQ_LT(seq, s->segs->seq) ? seq :
		    s->segs->seq;
		gap(ctx, f, dir, p, target - s->next_seq);
		if (target == seq) {
			inorder(ctx, f, dir, p, data, len);
			return;
		}
		drain(ctx, f, dir);
		if (s->depth_reached || s->eof || SEQ_LEQ(end, s->next_seq))
			return;
		if (SEQ_LEQ(seq, s->next_seq)) {
			t = s->next_seq - seq;
			inorder(ctx, f, dir, p, data + t, len - t);
			return;
		}
	}
	insert(ctx, f, dir, p, seq, data, len);
}

/* Payload of a non-SYN segment in direction dir. */
static void
stream_data(struct stream_ctx *ctx, struct flow *f, int dir,
    const struct packet *p, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	uint32_t end, t;

	if (s->fin_seen) {
		/* Nothing counts after the FIN. */
		if (SEQ_GEQ(seq, s->fin_seq))
			return;
		if (SEQ_GT(seq + len, s->fin_seq))
			len = s->fin_seq - seq;
	}
	end = seq + len;
	if (!ctx->cfg->reassembly || s->eof || s->depth_reached) {
		if (SEQ_GT(end, s->next_seq) &&
		    end - s->next_seq <= SEQ_TRACK_MAX)
			s->next_seq = end;
		return;
	}
	/* Bytes already delivered stand; compare them if still kept. */
	if (SEQ_LT(seq, s->next_seq) && s->ret != NULL)
		ret_compare(ctx, f, p, s->ret, seq, data,
		    SEQ_LEQ(end, s->next_seq) ? len : s->next_seq - seq);
	if (SEQ_LEQ(end, s->next_seq))
		return;		/* a retransmission of delivered bytes */
	if (SEQ_LT(seq, s->next_seq)) {
		t = s->next_seq - seq;
		data += t;
		len -= t;
		seq = s->next_seq;
	}
	if (seq == s->next_seq)
		inorder(ctx, f, dir, p, data, len);
	else
		out_of_order(ctx, f, dir, p, seq, data, len);
}

/*
 * Nothing more will come in this direction: skip the holes, deliver the
 * queued bytes behind them, skip a hole before the FIN, then eof.
 */
static void
close_dir(struct stream_ctx *ctx, struct flow *f, int dir,
    const struct packet *p)
{
	struct tcp_stream *s = &f->tcp.dir[dir];
	struct stream_seg *g;

	if (s->eof)
		return;
	while ((g = s->segs) != NULL) {
		if (SEQ_GT(g->seq, s->next_seq))
			gap(ctx, f, dir, p, g->seq - s->next_seq);
		drain(ctx, f, dir);
	}
	if (s->fin_seen && s->seq_known && SEQ_LT(s->next_seq, s->fin_seq))
		gap(ctx, f, dir, p, s->fin_seq - s->next_seq);
	emit_eof(ctx, f, dir);
}

/* Session tracking. */

static unsigned
wshift(const struct tcp_stream *s)
{
	return s->wscale == STREAM_WSCALE_NONE ? 0 : s->wscale;
}

/* Window scaling applies only when both SYNs carried the option. */
static void
wscale_resolve(struct flow *f)
{
	struct tcp_stream *c = &f->tcp.dir[FLOW_DIR_TOSERVER];
	struct tcp_stream *s = &f->tcp.dir[FLOW_DIR_TOCLIENT];

	if (c->wscale == STREAM_WSCALE_NONE || s->wscale == STREAM_WSCALE_NONE)
		c->wscale = s->wscale = 0;
}

static void
session_start(struct stream_ctx *ctx)
{
	ctr_inc(ctx->ctr, CTR_TCP_SESSIONS);
}

static void
session_established(struct flow *f)
{
	f->tcp_state = TCP_ESTABLISHED;
	f->state = FLOW_STATE_ESTABLISHED;
}

static void
session_closed(struct flow *f)
{
	f->tcp_state = TCP_CLOSED;
	f->state = FLOW_STATE_CLOSED;
}

/* The sender of a SYN or SYN/ACK: its ISN, window and scale option. */
static void
syn_init(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    struct tcp_stream *s)
{
	s->isn = p->tcp_seq;
	s->next_seq = p->tcp_seq + 1;
	s->seq_known = true;
	s->window = p->tcp_win;		/* never scaled in a SYN */
	if (p->tcp_wscale == STREAM_WSCALE_NONE)
		s->wscale = STREAM_WSCALE_NONE;
	else if (p->tcp_wscale > STREAM_WSCALE_MAX) {
		/* RFC 7323 section 2.3: use 14 and carry on. */
		stream_anomaly(ctx, f, p, EV_STREAM_WSCALE_INVALID);
		s->wscale = STREAM_WSCALE_MAX;
	} else
		s->wscale = p->tcp_wscale;
}

static void
tcp_syn(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    int dir)
{
	struct tcp_stream *s = &f->tcp.dir[dir];

	/* flow.c has made the sender of a SYN on an untracked tuple the
	 * client. */
	if (dir != FLOW_DIR_TOSERVER)
		return;
	switch (f->tcp_state) {
	case TCP_NONE:
		session_start(ctx);
		syn_init(ctx, f, p, s);
		f->tcp_state = TCP_SYN_SENT;
		break;
	case TCP_SYN_SENT:
		/*
		 * A SYN sent again with another ISN: the server can only
		 * answer one of them, and it is the last one that counts
		 * (CVE-2025-59147).
		 */
		if (p->tcp_seq != s->isn)
			stream_anomaly(ctx, f, p, EV_STREAM_SYN_RESEND_DIFF_SEQ);
		syn_init(ctx, f, p, s);
		break;
	default:
		/* A new connection on the tuple is flow.c's decision. */
		break;
	}
}

static void
tcp_synack(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    int dir)
{
	struct tcp_stream *srv = &f->tcp.dir[FLOW_DIR_TOCLIENT];
	struct tcp_stream *cli = &f->tcp.dir[FLOW_DIR_TOSERVER];

	if (dir != FLOW_DIR_TOCLIENT)
		return;
	switch (f->tcp_state) {
	case TCP_NONE:
		/* Picked up at the SYN/ACK: both ISNs are known. */
		session_start(ctx);
		syn_init(ctx, f, p, srv);
		cli->isn = p->tcp_ack - 1;
		cli->next_seq = p->tcp_ack;
		cli->seq_known = true;
		cli->window = STREAM_DEFAULT_WINDOW;
		/* The server only scales if the client offered to. */
		cli->wscale = srv->wscale == STREAM_WSCALE_NONE ?
		    STREAM_WSCALE_NONE : STREAM_WSCALE_MAX;
		wscale_resolve(f);
		f->tcp_state = TCP_SYN_RECV;
		break;
	case TCP_SYN_SENT:
		syn_init(ctx, f, p, srv);
		if (p->tcp_ack != cli->next_seq) {
			/* The server answered another SYN: follow it. */
			stream_anomaly(ctx, f, p, EV_STREAM_SYN_RESEND_DIFF_SEQ);
			cli->isn = p->tcp_ack - 1;
			cli->next_seq = p->tcp_ack;
		}
		wscale_resolve(f);
		f->tcp_state = TCP_SYN_RECV;
		break;
	case TCP_SYN_RECV:
		/* A SYN/ACK sent again: the last one counts. */
		if (p->tcp_seq != srv->isn) {
			stream_anomaly(ctx, f, p, EV_STREAM_SYN_RESEND_DIFF_SEQ);
			srv->isn = p->tcp_seq;
			srv->next_seq = p->tcp_seq + 1;
		}
		break;
	default:
		break;
	}
}

/*
 * RFC 5961 section 3.2: an RST is acceptable when its sequence number is
 * in the receiver's window.  A passive sensor cannot send challenge
 * ACKs, so anything in [next_seq, next_seq + window] is taken.  Without
 * a sequence number for the sender (an RST answering a SYN), the ACK
 * must match what the receiver sent.
 */
static bool
rst_valid(const struct flow *f, const struct packet *p, int dir)
{
	const struct tcp_stream *snd = &f->tcp.dir[dir];
	const struct tcp_stream *rcv = &f->tcp.dir[dir ^ 1];
	uint32_t win, d;

	if (snd->seq_known) {
		win = f->pkts[dir ^ 1] > 0 ? rcv->window :
		    STREAM_DEFAULT_WINDOW << wshift(rcv);
		return p->tcp_seq - snd->next_seq <= win;
	}
	if ((p->tcp_flags & TH_ACK) && rcv->seq_known) {
		d = p->tcp_ack - rcv->next_seq;
		return d <= STREAM_DEFAULT_WINDOW ||
		    rcv->next_seq - p->tcp_ack <= STREAM_DEFAULT_WINDOW;
	}
	return true;	/* nothing to check against */
}

static void
tcp_rst(struct stream_ctx *ctx, struct flow *f, const struct packet *p,
    int dir)
{
	if (f->tcp_state == TCP_NONE || f->tcp_state == TCP_CLOSED)
		return;
	if (!rst_valid(f, p, dir)) {
		stream_anomaly(ctx, f, p, EV_STREAM_RST_INVALID);
		return;
	}
	session_closed(f);
	close_dir(ctx, f, FLOW_DIR_TOSERVER, p);
	close_dir(ctx, f, FLOW_DIR_TOCLIENT, p);
}

static void
tcp_fin(struct stream_ctx *ctx, struct flow *f, int dir, uint32_t fin_seq)
{
	struct tcp_stream *s = &f->tcp.dir[dir];

	if (!s->fin_seen) {
		s->fin_seen = true;
		s->fin_seq = fin_seq;
		queue_trim(ctx, s, fin_seq);
		if (f->tcp_state < TCP_FIN_WAIT)
			f->tcp_state = TCP_FIN_WAIT;
		else if (f->tcp_state == TCP_FIN_WAIT &&
		    f->tcp.dir[dir ^ 1].fin_seen) {
			f->tcp_state = TCP_CLOSING;
			f->state = FLOW_STATE_CLOSED;
		}
	}
	check_eof(ctx, f, dir);
}

/*
 * A packet without SYN or RST on an untracked tuple (a lone RST never
 * starts a session): pick the session up midstream if configured.
 */
static bool
pickup(struct stream_ctx *ctx, struct flow *f)
{
	if (!ctx->cfg->midstream)
		return false;
	f->flags |= FLOW_F_MIDSTREAM;
	ctr_inc(ctx->ctr, CTR_TCP_MIDSTREAM);
	session_start(ctx);
	/* The scale options are unknown: assume the largest. */
	f->tcp.dir[0].wscale = f->tcp.dir[1].wscale = STREAM_WSCALE_MAX;
	f->tcp.dir[0].window = f->tcp.dir[1].window =
	    STREAM_DEFAULT_WINDOW << STREAM_WSCALE_MAX;
	session_established(f);
	return true;
}

void
stream_tcp_packet(struct stream_ctx *ctx, struct flow *f,
    const struct packet *p, int dir)
{
	struct tcp_stream *snd = &f->tcp.dir[dir];
	struct tcp_stream *rcv = &f->tcp.dir[dir ^ 1];
	uint8_t fl = p->tcp_flags;

	if (fl & TH_RST) {
		ctr_inc(ctx->ctr, CTR_TCP_RST);
		tcp_rst(ctx, f, p, dir);
		return;
	}
	if (fl & TH_SYN) {
		if (fl & TH_ACK) {
			ctr_inc(ctx->ctr, CTR_TCP_SYNACK);
			tcp_synack(ctx, f, p, dir);
		} else {
			ctr_inc(ctx->ctr, CTR_TCP_SYN);
			tcp_syn(ctx, f, p, dir);
		}
		return;
	}

	switch (f->tcp_state) {
	case TCP_NONE:
		if (!pickup(ctx, f))
			return;		/* counted only */
		break;
	case TCP_SYN_SENT:
		/* The SYN/ACK was missed. */
		if (dir == FLOW_DIR_TOSERVER && (fl & TH_ACK) &&
		    !rcv->seq_known) {
			rcv->isn = p->tcp_ack - 1;
			rcv->next_seq = p->tcp_ack;
			rcv->seq_known = true;
		}
		if (rcv->wscale == STREAM_WSCALE_NONE &&
		    snd->wscale != STREAM_WSCALE_NONE)
			rcv->wscale = STREAM_WSCALE_MAX;
		wscale_resolve(f);
		session_established(f);
		break;
	case TCP_SYN_RECV:
		session_established(f);
		break;
	default:
		break;
	}

	snd->window = (uint32_t)p->tcp_win << wshift(snd);
	if ((fl & TH_ACK) && rcv->ret != NULL)
		ret_trim(ctx, rcv, p->tcp_ack);
	if (p->payload_len > 0 || (fl & TH_FIN)) {
		if (!snd->seq_known) {
			/* Midstream: the first data decides. */
			snd->isn = p->tcp_seq;
			snd->next_seq = p->tcp_seq;
			snd->seq_known = true;
		}
		if (p->payload_len > 0)
			stream_data(ctx, f, dir, p, p->tcp_seq, pkt_payload(p),
			    p->payload_len);
		if (fl & TH_FIN)
			tcp_fin(ctx, f, dir, p->tcp_seq + p->payload_len);
	}
	/* The peer's FIN acknowledged: that direction is complete. */
	if ((fl & TH_ACK) && rcv->fin_seen && !rcv->fin_acked &&
	    SEQ_GT(p->tcp_ack, rcv->fin_seq)) {
		rcv->fin_acked = true;
		close_dir(ctx, f, dir ^ 1, p);
		if (snd->fin_acked)
			session_closed(f);
	}
}

bool
stream_tcp_is_reuse(const struct flow *f, const struct packet *p, int dir)
{
	const struct tcp_stream *s = &f->tcp.dir[dir];

	if ((p->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	switch (f->tcp_state) {
	case TCP_CLOSED:
		return true;
	case TCP_FIN_WAIT:
	case TCP_CLOSING:
		/* The original SYN once more is not a new connection. */
		return !(dir == FLOW_DIR_TOSERVER && s->seq_known &&
		    p->tcp_seq == s->isn);
	default:
		return false;
	}
}

uint64_t
stream_tcp_memuse(const struct flow *f)
{
	const struct tcp_stream *s;
	uint64_t n = 0;
	int d;

	/* Segment headers and data; sizes past len are not kept. */
	for (d = 0; d < 2; d++) {
		s = &f->tcp.dir[d];
		n += s->n_segs * SEG_COST(0) + s->seg_bytes;
		if (s->ret != NULL)
			n += RET_COST(s->ret->size);
	}
	return n;
}

void
stream_tcp_end(struct stream_ctx *ctx, struct flow *f)
{
	int dir;

	for (dir = 0; dir < 2; dir++) {
		if (f->tcp_state != TCP_NONE)
			close_dir(ctx, f, dir, NULL);
		queue_free(ctx, &f->tcp.dir[dir]);
		ret_free(ctx, &f->tcp.dir[dir]);
	}
}
