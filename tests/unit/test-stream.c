/*
 * test-stream.c - TCP reassembly through the flow table: in-order
 * delivery, every split point, every arrival order, gaps (queue full,
 * FIN, RST, flow end), overlaps, depth, sequence wrap, floods of tiny
 * segments and retransmissions.
 *
 * Each test opens a connection with a handshake and sends payload at
 * offsets relative to the ISN + 1 of the sending side; what the stream
 * callbacks receive is recorded per direction, with an event log that
 * shows the order of data (d), gap (g), eof (e) and flow end (X).
 */
#include <config.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/events.h"
#include "flow/flow.h"
#include "decode/packet.h"
#include "flow/stream-int.h"
#include "util/util.h"

#define SEC	UINT64_C(1000000)
#define T0	(UINT64_C(1700000000) * SEC)
#define MSG_MAX	4096

struct srec {
	struct counters	 ctr;
	uint8_t		 buf[2][MSG_MAX];
	size_t		 len[2];	/* bytes delivered (kept up to MSG_MAX) */
	uint64_t	 total[2];	/* bytes delivered */
	uint64_t	 gap[2];	/* bytes skipped */
	unsigned	 ngap[2];
	unsigned	 neof[2];
	unsigned	 nend;
	char		 log[64];	/* first events: d g e X */
	size_t		 nlog;
	unsigned	 anomalies[EV_MAX];
};

static void
logc(struct srec *r, char c)
{
	/* Consecutive data callbacks log once. */
	if (r->nlog > 0 && c == 'd' && r->log[r->nlog - 1] == 'd')
		return;
	if (r->nlog < sizeof(r->log) - 1)
		r->log[r->nlog++] = c;
}

static void
on_data(void *arg, struct flow *f, int dir, const uint8_t *d, size_t n)
{
	struct srec *r = arg;
	size_t room = MSG_MAX - r->len[dir];

	assert_true(n > 0);
	memcpy(r->buf[dir] + r->len[dir], d, n < room ? n : room);
	r->len[dir] += n < room ? n : room;
	r->total[dir] += n;
	assert_int_equal(r->neof[dir], 0);
	logc(r, 'd');
}

static void
on_gap(void *arg, struct flow *f, int dir, uint64_t len)
{
	struct srec *r = arg;

	assert_true(len > 0);
	r->gap[dir] += len;
	r->ngap[dir]++;
	assert_int_equal(r->neof[dir], 0);
	logc(r, 'g');
}

static void
on_eof(void *arg, struct flow *f, int dir)
{
	struct srec *r = arg;

	r->neof[dir]++;
	logc(r, 'e');
}

static void
on_end(void *arg, struct flow *f, enum flow_end_reason why)
{
	struct srec *r = arg;

	r->nend++;
	logc(r, 'X');
}

static void
on_anomaly(void *arg, struct flow *f, const struct packet *p,
    enum ww_counter id)
{
	struct srec *r = arg;

	r->anomalies[id]++;
}

static const struct stream_ops sops = {
	.data = on_data,
	.gap = on_gap,
	.eof = on_eof,
};

struct conn {
	struct flow_table *t;
	struct flow	*f;
	uint32_t	 isn[2];
	uint64_t	 ts;
};

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static struct packet
mkpkt(const struct conn *c, int dir, uint8_t flags, uint32_t seq,
    uint32_t ack)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ipver = 4;
	p.proto = IPPROTO_TCP;
	put32(dir == 0 ? p.src : p.dst, 0x0a000001u);
	put32(dir == 0 ? p.dst : p.src, 0x0a000002u);
	p.sport = dir == 0 ? 40000 : 2575;
	p.dport = dir == 0 ? 2575 : 40000;
	p.ts_us = c->ts;
	p.wirelen = 60;
	p.tcp_flags = flags;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.tcp_win = 65535;
	p.tcp_wscale = 0xff;
	return p;
}

static struct flow *
feed(struct conn *c, struct packet *p)
{
	struct flow *f;

	c->ts++;
	f = flow_handle_packet(c->t, p);
	assert_non_null(f);
	return f;
}

static void
conn_open(struct conn *c, struct srec *r, const struct flow_config *cfg,
    uint32_t cisn, uint32_t sisn)
{
	struct flow_config def;
	struct flow_ops ops;
	struct packet p;

	memset(r, 0, sizeof(*r));
	memset(c, 0, sizeof(*c));
	if (cfg == NULL) {
		flow_config_defaults(&def);
		cfg = &def;
	}
	memset(&ops, 0, sizeof(ops));
	ops.flow_end = on_end;
	ops.anomaly = on_anomaly;
	ops.stream = &sops;
	ops.arg = r;
	c->t = flow_table_new(cfg, &ops, &r->ctr, 1);
	assert_non_null(c->t);
	c->isn[0] = cisn;
	c->isn[1] = sisn;
	c->ts = T0;
	p = mkpkt(c, 0, TH_SYN, cisn, 0);
	c->f = feed(c, &p);
	p = mkpkt(c, 1, TH_SYN | TH_ACK, sisn, cisn + 1);
	feed(c, &p);
	p = mkpkt(c, 0, TH_ACK, cisn + 1, sisn + 1);
	feed(c, &p);
	assert_int_equal(c->f->tcp_state, TCP_ESTABLISHED);
}

/* Payload at stream offset 'off' of direction dir. */
static void
conn_send(struct conn *c, int dir, uint32_t off, const void *data,
    size_t len, uint8_t flags)
{
	struct packet p;

	p = mkpkt(c, dir, TH_ACK | flags, c->isn[dir] + 1 + off,
	    c->isn[dir ^ 1] + 1);
	p.data = data;
	p.payload_len = (uint32_t)len;
	assert_ptr_equal(feed(c, &p), c->f);
}

/* A pure ACK from dir acknowledging offset 'off' of the other side. */
static void
conn_ack(struct conn *c, int dir, uint32_t off)
{
	struct packet p;

	p = mkpkt(c, dir, TH_ACK, c->isn[dir] + 1, c->isn[dir ^ 1] + 1 + off);
	feed(c, &p);
}

static void
conn_close(struct conn *c)
{
	flow_table_free(c->t);
	c->t = NULL;
}

static void
fill(uint8_t *b, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 8));
}

static void
test_stream_inorder(void **state)
{
	struct srec r;
	struct conn c;
	uint64_t mem;

	conn_open(&c, &r, NULL, 1000, 5000);
	mem = flow_table_memuse(c.t);
	conn_send(&c, 0, 0, "GET / HTTP/1.0\r\n", 16, TH_PSH);
	conn_send(&c, 0, 16, "\r\n", 2, TH_PSH);
	conn_send(&c, 1, 0, "HTTP/1.0 200 OK\r\n", 17, TH_PSH);
	assert_int_equal(r.len[0], 18);
	assert_memory_equal(r.buf[0], "GET / HTTP/1.0\r\n\r\n", 18);
	assert_int_equal(r.len[1], 17);
	/* Nothing was queued; only the unacknowledged bytes are kept. */
	assert_int_equal(c.f->tcp.dir[0].n_segs + c.f->tcp.dir[1].n_segs, 0);
	assert_true(flow_table_memuse(c.t) - mem <= 2 * (2048 + 128));
	conn_ack(&c, 1, 18);
	conn_ack(&c, 0, 17);
	assert_int_equal(flow_table_memuse(c.t), mem);
	assert_int_equal(c.f->tcp.dir[0].delivered, 18);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_GAP), 0);
	conn_close(&c);
	assert_string_equal(r.log, "deeX");
}

/* A message cut in two at every point, sent in both orders. */
static void
test_stream_every_split_point(void **state)
{
	enum { N = 300 };
	uint8_t msg[N];
	struct srec r;
	struct conn c;
	uint32_t k;
	int order;

	fill(msg, N, 1);
	for (k = 1; k < N; k++) {
		for (order = 0; order < 2; order++) {
			conn_open(&c, &r, NULL, 0x7fffff00u + k, 5000);
			if (order == 0) {
				conn_send(&c, 0, 0, msg, k, 0);
				conn_send(&c, 0, k, msg + k, N - k, 0);
			} else {
				conn_send(&c, 0, k, msg + k, N - k, 0);
				assert_int_equal(r.len[0], 0);
				conn_send(&c, 0, 0, msg, k, 0);
			}
			/* A retransmission of everything changes nothing. */
			conn_send(&c, 0, 0, msg, N, 0);
			assert_int_equal(r.len[0], N);
			assert_memory_equal(r.buf[0], msg, N);
			assert_int_equal(c.f->tcp.dir[0].n_segs, 0);
			conn_close(&c);
			assert_int_equal(r.ngap[0], 0);
			assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF),
			    0);
		}
	}
}

/* Heap's algorithm: every permutation of idx[0..n-1]. */
static void
permute(unsigned *idx, unsigned n, void (*fn)(const unsigned *, void *),
    void *arg)
{
	unsigned c[8] = { 0 }, i = 1, t;

	fn(idx, arg);
	while (i < n) {
		if (c[i] < i) {
			if (i % 2 == 0) {
				t = idx[0];
				idx[0] = idx[i];
				idx[i] = t;
			} else {
				t = idx[c[i]];
				idx[c[i]] = idx[i];
				idx[i] = t;
			}
			fn(idx, arg);
			c[i]++;
			i = 1;
		} else {
			c[i] = 0;
			i++;
		}
	}
}

struct perm_case {
	const uint8_t	*msg;
	uint32_t	 len;
	const uint32_t	*off;	/* segment i covers [off[2i], off[2i+1]) */
	unsigned	 nseg;
	unsigned	 runs;
};

static void
perm_run(const unsigned *order, void *arg)
{
	struct perm_case *pc = arg;
	struct srec r;
	struct conn c;
	unsigned i, s;

	conn_open(&c, &r, NULL, 0xfffffff0u, 77);
	for (i = 0; i < pc->nseg; i++) {
		s = order[i];
		conn_send(&c, 0, pc->off[2 * s], pc->msg + pc->off[2 * s],
		    pc->off[2 * s + 1] - pc->off[2 * s], 0);
	}
	assert_int_equal(r.len[0], pc->len);
	assert_memory_equal(r.buf[0], pc->msg, pc->len);
	assert_int_equal(r.ngap[0], 0);
	assert_int_equal(c.f->tcp.dir[0].n_segs, 0);
	assert_int_equal(c.f->tcp.dir[0].seg_bytes, 0);
	conn_close(&c);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 0);
	pc->runs++;
}

static void
test_stream_all_permutations(void **state)
{
	uint8_t msg[64];
	/* Five segments, no overlap; the ISN makes them cross 2^32. */
	static const uint32_t plain[] = { 0, 7, 7, 20, 20, 21, 21, 41, 41, 50 };
	/* Five segments overlapping each other (same bytes). */
	static const uint32_t ovl[] = { 0, 10, 5, 25, 20, 30, 28, 45, 3, 50 };
	struct perm_case pc;
	unsigned idx[5] = { 0, 1, 2, 3, 4 };

	fill(msg, sizeof(msg), 3);
	memset(&pc, 0, sizeof(pc));
	pc.msg = msg;
	pc.len = 50;
	pc.off = plain;
	pc.nseg = 5;
	permute(idx, 5, perm_run, &pc);
	assert_int_equal(pc.runs, 120);

	pc.runs = 0;
	pc.off = ovl;
	permute(idx, 5, perm_run, &pc);
	assert_int_equal(pc.runs, 120);
}

static void
test_stream_gap_queue_full(void **state)
{
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	uint8_t msg[200];
	uint32_t o;

	fill(msg, sizeof(msg), 5);
	flow_config_defaults(&cfg);
	cfg.stream.max_segments = 4;
	conn_open(&c, &r, &cfg, 1, 2);
	/* Bytes 0..9 never come; 10..49 wait in four segments. */
	for (o = 10; o < 50; o += 10)
		conn_send(&c, 0, o, msg + o, 10, 0);
	assert_int_equal(r.len[0], 0);
	assert_int_equal(c.f->tcp.dir[0].n_segs, 4);
	/* The fifth does not fit: skip the hole, deliver 10..59. */
	conn_send(&c, 0, 50, msg + 50, 10, 0);
	assert_int_equal(r.ngap[0], 1);
	assert_int_equal(r.gap[0], 10);
	assert_int_equal(r.len[0], 50);
	assert_memory_equal(r.buf[0], msg + 10, 50);
	assert_int_equal(c.f->tcp.dir[0].n_segs, 0);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_GAP), 1);
	assert_int_equal(ctr_get(&r.ctr, EV_STREAM_GAP), 1);
	assert_int_equal(r.anomalies[EV_STREAM_GAP], 1);
	assert_int_equal(r.anomalies[EV_STREAM_SEG_LIMIT], 1);

	/* Again: counted again, reported once per flow. */
	for (o = 70; o < 120; o += 10)
		conn_send(&c, 0, o, msg + o, 10, 0);
	assert_int_equal(r.gap[0], 20);
	assert_int_equal(r.len[0], 100);
	assert_memory_equal(r.buf[0] + 50, msg + 70, 50);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_GAP), 2);
	assert_int_equal(r.anomalies[EV_STREAM_GAP], 1);
	assert_int_equal(c.f->tcp.dir[0].gap_bytes, 20);

	/* The newcomer before the queue head: the gap stops at it. */
	for (o = 140; o < 180; o += 10)
		conn_send(&c, 0, o, msg + o, 10, 0);
	conn_send(&c, 0, 125, msg + 125, 15, 0);
	assert_int_equal(r.gap[0], 25);
	assert_int_equal(r.len[0], 155);
	assert_memory_equal(r.buf[0] + 100, msg + 125, 55);
	conn_close(&c);
	assert_string_equal(r.log, "gdgdgdeeX");
}

static void
test_stream_gap_at_fin(void **state)
{
	struct srec r;
	struct conn c;
	uint8_t msg[100];

	fill(msg, sizeof(msg), 6);

	/* A hole, data, FIN: nothing until the FIN is acknowledged. */
	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 10, msg + 10, 20, 0);
	conn_send(&c, 0, 30, NULL, 0, TH_FIN);
	assert_int_equal(r.len[0], 0);
	assert_int_equal(r.neof[0], 0);
	conn_ack(&c, 1, 31);
	assert_int_equal(r.gap[0], 10);
	assert_int_equal(r.len[0], 20);
	assert_memory_equal(r.buf[0], msg + 10, 20);
	assert_int_equal(r.neof[0], 1);
	assert_string_equal(r.log, "gde");
	conn_close(&c);
	assert_string_equal(r.log, "gdeeX");

	/* The hole filled before the ACK: no gap, eof at once. */
	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 10, msg + 10, 20, 0);
	conn_send(&c, 0, 30, NULL, 0, TH_FIN);
	conn_send(&c, 0, 0, msg, 10, 0);
	assert_int_equal(r.len[0], 30);
	assert_int_equal(r.neof[0], 1);
	assert_int_equal(r.ngap[0], 0);
	conn_close(&c);

	/* A hole before the FIN itself (data lost at the end). */
	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 0, msg, 10, 0);
	conn_send(&c, 0, 40, NULL, 0, TH_FIN);
	conn_ack(&c, 1, 41);
	assert_int_equal(r.gap[0], 30);
	assert_int_equal(r.neof[0], 1);
	conn_close(&c);

	/* Flow end with a hole: gap, queued data, eof, then flow_end. */
	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 0, msg, 5, 0);
	conn_send(&c, 0, 50, msg + 50, 25, 0);
	conn_send(&c, 1, 10, msg, 5, 0);
	flow_table_flush(c.t, FLOW_END_SHUTDOWN);
	assert_int_equal(r.nend, 1);
	assert_int_equal(r.gap[0], 45);
	assert_int_equal(r.gap[1], 10);
	assert_int_equal(r.len[0], 30);
	assert_memory_equal(r.buf[0] + 5, msg + 50, 25);
	assert_string_equal(r.log, "dgdegdeX");
	conn_close(&c);
	assert_int_equal(r.nend, 1);

	/* A valid RST: the same for both directions, at once. */
	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 10, msg + 10, 10, 0);
	conn_send(&c, 0, 20, NULL, 0, TH_RST);
	assert_int_equal(c.f->tcp_state, TCP_CLOSED);
	assert_int_equal(r.gap[0], 10);
	assert_int_equal(r.len[0], 10);
	assert_int_equal(r.neof[0], 1);
	assert_int_equal(r.neof[1], 1);
	/* Data after the RST goes nowhere. */
	conn_send(&c, 1, 0, msg, 10, 0);
	assert_int_equal(r.len[1], 0);
	conn_close(&c);
	assert_string_equal(r.log, "gdeeX");
}

static void
test_stream_overlap(void **state)
{
	struct srec r;
	struct conn c;
	uint8_t msg[60], bad[60];

	fill(msg, sizeof(msg), 9);
	memcpy(bad, msg, sizeof(bad));
	memset(bad + 10, 'X', 30);

	/* In-order bytes over a queued segment, same data. */
	conn_open(&c, &r, NULL, 1, 2);
	conn_send(&c, 0, 10, msg + 10, 10, 0);
	conn_send(&c, 0, 0, msg, 15, 0);
	assert_int_equal(r.len[0], 20);
	assert_memory_equal(r.buf[0], msg, 20);
	assert_true(ctr_get(&r.ctr, CTR_TCP_OVERLAP) >= 1);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 0);
	conn_close(&c);

	/* Different data: the queued (first) copy wins, anomaly. */
	conn_open(&c, &r, NULL, 1, 2);
	conn_send(&c, 0, 10, msg + 10, 10, 0);
	conn_send(&c, 0, 0, bad, 15, 0);
	assert_int_equal(r.len[0], 20);
	assert_memory_equal(r.buf[0], msg, 20);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 1);
	assert_int_equal(ctr_get(&r.ctr, EV_STREAM_OVERLAP_DIFF), 1);
	assert_int_equal(r.anomalies[EV_STREAM_OVERLAP_DIFF], 1);
	conn_close(&c);

	/* Out-of-order newcomer spanning queued segments. */
	conn_open(&c, &r, NULL, 1, 2);
	conn_send(&c, 0, 20, msg + 20, 5, 0);
	conn_send(&c, 0, 30, msg + 30, 5, 0);
	conn_send(&c, 0, 15, bad + 15, 25, 0);	/* covers both */
	assert_int_equal(c.f->tcp.dir[0].n_segs, 1);
	assert_int_equal(c.f->tcp.dir[0].seg_bytes, 25);
	conn_send(&c, 0, 12, bad + 12, 5, 0);	/* overlaps the front */
	conn_send(&c, 0, 0, msg, 12, 0);
	assert_int_equal(r.len[0], 40);
	assert_memory_equal(r.buf[0], msg, 12);
	assert_memory_equal(r.buf[0] + 12, bad + 12, 8);
	assert_memory_equal(r.buf[0] + 20, msg + 20, 5);
	assert_memory_equal(r.buf[0] + 25, bad + 25, 5);
	assert_memory_equal(r.buf[0] + 30, msg + 30, 5);
	assert_memory_equal(r.buf[0] + 35, bad + 35, 5);
	assert_true(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF) >= 2);
	assert_int_equal(r.anomalies[EV_STREAM_OVERLAP_DIFF], 1);
	/* Delivered bytes sent again, different: silently dropped. */
	conn_send(&c, 0, 0, bad, 40, 0);
	assert_int_equal(r.len[0], 40);
	assert_memory_equal(r.buf[0], msg, 12);
	/* Partly new: only the new tail counts. */
	conn_send(&c, 0, 30, bad + 30, 20, 0);
	assert_int_equal(r.len[0], 50);
	assert_memory_equal(r.buf[0] + 40, bad + 40, 10);
	conn_close(&c);
}

static void
test_stream_retransmissions(void **state)
{
	struct srec r;
	struct conn c;
	uint8_t msg[300];

	fill(msg, sizeof(msg), 11);
	conn_open(&c, &r, NULL, 4000000000u, 2);
	conn_send(&c, 0, 0, msg, 100, 0);
	conn_send(&c, 0, 0, msg, 100, 0);
	conn_send(&c, 0, 200, msg + 200, 100, 0);
	conn_send(&c, 0, 200, msg + 200, 100, 0);
	conn_send(&c, 0, 250, msg + 250, 50, 0);
	conn_send(&c, 0, 50, msg + 50, 200, 0);
	conn_send(&c, 0, 0, msg, 300, 0);
	assert_int_equal(r.total[0], 300);
	assert_memory_equal(r.buf[0], msg, 300);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 0);
	assert_int_equal(r.ngap[0], 0);
	conn_close(&c);
}

static void
test_stream_depth(void **state)
{
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	uint8_t msg[300];
	uint32_t o;
	uint64_t mem;

	fill(msg, sizeof(msg), 12);
	flow_config_defaults(&cfg);
	cfg.stream.depth = 100;
	conn_open(&c, &r, &cfg, 1, 2);
	mem = flow_table_memuse(c.t);
	conn_send(&c, 0, 275, msg + 275, 25, 0);	/* queued */
	for (o = 0; o < 250; o += 25)
		conn_send(&c, 0, o, msg + o, 25, 0);
	assert_int_equal(r.total[0], 100);
	assert_memory_equal(r.buf[0], msg, 100);
	assert_true(c.f->tcp.dir[0].depth_reached);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_DEPTH_REACHED), 1);
	assert_int_equal(c.f->pkts[0], 2 + 11);
	/* The queue was released; nothing more is queued. */
	assert_int_equal(flow_table_memuse(c.t), mem);
	conn_send(&c, 0, 400, msg, 25, 0);
	assert_int_equal(flow_table_memuse(c.t), mem);
	/* The other direction is not affected. */
	conn_send(&c, 1, 0, msg, 150, 0);
	assert_int_equal(r.total[1], 100);
	conn_close(&c);
	assert_int_equal(r.neof[0], 1);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_DEPTH_REACHED), 2);

	/* Depth 0: no limit. */
	cfg.stream.depth = 0;
	conn_open(&c, &r, &cfg, 1, 2);
	for (o = 0; o < 3000; o++)
		conn_send(&c, 0, o * 300, msg, 300, 0);
	assert_int_equal(r.total[0], 900000);
	conn_close(&c);
}

/* Sequence numbers wrap past 2^32 in the middle of the stream. */
static void
test_stream_seq_wrap(void **state)
{
	static const unsigned order[] = { 0, 2, 1, 4, 3, 6, 5, 9, 8, 7 };
	struct srec r;
	struct conn c;
	uint8_t msg[1000];
	unsigned i;

	fill(msg, sizeof(msg), 13);
	conn_open(&c, &r, NULL, 0xfffffe00u, 0xffffffffu);
	for (i = 0; i < 10; i++)
		conn_send(&c, 0, order[i] * 100, msg + order[i] * 100, 100, 0);
	/* The server's data starts at 0 after its ISN 0xffffffff. */
	conn_send(&c, 1, 0, msg, 1000, 0);
	conn_send(&c, 0, 1000, NULL, 0, TH_FIN);
	conn_ack(&c, 1, 1001);
	assert_int_equal(r.len[0], 1000);
	assert_memory_equal(r.buf[0], msg, 1000);
	assert_int_equal(r.len[1], 1000);
	assert_int_equal(r.ngap[0], 0);
	assert_int_equal(r.neof[0], 1);
	assert_true(c.f->tcp.dir[0].next_seq < 0x1000u);
	conn_close(&c);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One flow, a million one-byte segments out of order with holes.  The
 * queue stays within max-segments, memory within the caps, and the
 * time stays linear.
 */
static void
test_stream_flood_one_byte_segments(void **state)
{
	enum { N = 1000000 };
	struct srec r;
	struct conn c;
	uint8_t b = 'x';
	uint64_t mem, maxmem = 0, s = 99;
	uint32_t i, o, maxsegs = 0;
	double t0 = now_s();

	/* Every other byte: appended at the tail, a hole each time. */
	conn_open(&c, &r, NULL, 1, 2);
	mem = flow_table_memuse(c.t);
	for (i = 0; i < N; i++) {
		conn_send(&c, 0, 1 + 2 * i, &b, 1, 0);
		if (c.f->tcp.dir[0].n_segs > maxsegs)
			maxsegs = c.f->tcp.dir[0].n_segs;
		if (flow_table_memuse(c.t) > maxmem)
			maxmem = flow_table_memuse(c.t);
	}
	assert_true(maxsegs <= STREAM_DEFAULT_MAX_SEGMENTS);
	assert_true(maxmem - mem < 1024 * 128);
	assert_true(ctr_get(&r.ctr, CTR_TCP_GAP) > N / 2);
	assert_int_equal(r.anomalies[EV_STREAM_GAP], 1);
	conn_close(&c);
	/* Every byte was either delivered or skipped, up to the depth. */
	assert_true(r.total[0] + r.gap[0] <= STREAM_DEFAULT_DEPTH);
	assert_true(r.total[0] > 0);

	/* Descending: each lands before the queue head. */
	conn_open(&c, &r, NULL, 1, 2);
	for (i = 0; i < N; i++) {
		conn_send(&c, 0, 2 * (N - i), &b, 1, 0);
		assert_true(c.f->tcp.dir[0].n_segs <=
		    STREAM_DEFAULT_MAX_SEGMENTS);
	}
	conn_close(&c);

	/* Random offsets in a 64 KiB window: walks are capped. */
	conn_open(&c, &r, NULL, 1, 2);
	for (i = 0; i < N / 4; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		o = (uint32_t)(c.f->tcp.dir[0].next_seq - c.isn[0] - 1) +
		    1 + (uint32_t)(s % 65536);
		conn_send(&c, 0, o, &b, 1, 0);
		assert_true(c.f->tcp.dir[0].n_segs <=
		    STREAM_DEFAULT_MAX_SEGMENTS);
	}
	conn_close(&c);
	/* Generous: sanitizer builds are slow, quadratic would be worse. */
	assert_true(now_s() - t0 < 60.0);
}

/* memuse of an empty table: its buckets. */
static uint64_t
empty_memuse(const struct flow_config *cfg)
{
	struct flow_table *t;
	uint64_t n;

	assert_non_null(t = flow_table_new(cfg, NULL, NULL, 1));
	n = flow_table_memuse(t);
	flow_table_free(t);
	return n;
}

static void
test_stream_memcap(void **state)
{
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	uint8_t msg[1000];
	uint32_t o;
	uint64_t mem, base, b;

	fill(msg, sizeof(msg), 14);
	flow_config_defaults(&cfg);
	cfg.stream.memcap = 350;	/* two 100-byte segments and headers */
	conn_open(&c, &r, &cfg, 1, 2);
	mem = flow_table_memuse(c.t);
	/* Bytes 0..99 are missing; 100..999 arrive in order. */
	for (o = 100; o < 1000; o += 100) {
		conn_send(&c, 0, o, msg + o, 100, 0);
		assert_true(flow_table_memuse(c.t) - mem <= 350);
		assert_true(c.f->tcp.dir[0].n_segs <= 2);
	}
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_SEGMENT_MEMCAP), 1);
	assert_int_equal(r.anomalies[EV_STREAM_MEMCAP], 1);
	assert_int_equal(r.gap[0], 100);
	assert_int_equal(r.len[0], 900);
	assert_memory_equal(r.buf[0], msg + 100, 900);
	assert_int_equal(flow_table_memuse(c.t), mem);
	conn_close(&c);

	/*
	 * The flow memcap bounds queued bytes too: room for the flow and
	 * 200 bytes beside the buckets, whose number depends on the memcap
	 * (go round until the two agree).
	 */
	flow_config_defaults(&cfg);
	conn_open(&c, &r, &cfg, 1, 2);
	mem = flow_table_memuse(c.t) - empty_memuse(&cfg);
	conn_close(&c);
	base = 0;
	do {
		b = base;
		cfg.memcap = b + mem + 200;
		base = empty_memuse(&cfg);
	} while (base != b);
	conn_open(&c, &r, &cfg, 1, 2);
	conn_send(&c, 0, 100, msg + 100, 100, 0);
	assert_int_equal(c.f->tcp.dir[0].n_segs, 1);
	conn_send(&c, 0, 300, msg + 300, 100, 0);
	assert_int_equal(r.gap[0], 100);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_SEGMENT_MEMCAP), 1);
	assert_true(flow_table_memuse(c.t) <= cfg.memcap);
	conn_close(&c);
}

static void
test_stream_fin_trims_and_eof_once(void **state)
{
	struct srec r;
	struct conn c;
	uint8_t msg[100];

	fill(msg, sizeof(msg), 15);
	conn_open(&c, &r, NULL, 1, 2);
	/* Queued bytes beyond the FIN are dropped. */
	conn_send(&c, 0, 20, msg + 20, 20, 0);
	conn_send(&c, 0, 30, NULL, 0, TH_FIN);
	assert_int_equal(c.f->tcp.dir[0].seg_bytes, 10);
	conn_send(&c, 0, 0, msg, 20, 0);
	assert_int_equal(r.len[0], 30);
	assert_int_equal(r.neof[0], 1);
	/* Data after the FIN is not delivered. */
	conn_send(&c, 0, 30, msg + 30, 10, 0);
	assert_int_equal(r.len[0], 30);
	/* Nor the part of a segment that runs past it. */
	conn_send(&c, 1, 0, msg, 10, 0);
	conn_send(&c, 1, 30, NULL, 0, TH_FIN);
	conn_send(&c, 1, 10, msg + 10, 40, 0);
	assert_int_equal(r.len[1], 30);
	assert_int_equal(r.neof[1], 1);
	conn_close(&c);
	assert_int_equal(r.neof[0], 1);
	assert_int_equal(r.neof[1], 1);

	conn_open(&c, &r, NULL, 1, 2);
	conn_send(&c, 0, 0, msg, 30, TH_FIN);
	assert_int_equal(r.neof[0], 1);
	/* Close the other way too, then end the flow: eof once each. */
	conn_send(&c, 1, 0, msg, 5, TH_FIN);
	conn_ack(&c, 0, 6);
	conn_ack(&c, 1, 31);
	assert_int_equal(c.f->tcp_state, TCP_CLOSED);
	assert_int_equal(r.neof[1], 1);
	conn_close(&c);
	assert_int_equal(r.neof[0], 1);
	assert_int_equal(r.neof[1], 1);
	assert_int_equal(r.nend, 1);
}

static void
test_stream_reassembly_off(void **state)
{
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	uint8_t msg[100];

	fill(msg, sizeof(msg), 16);
	flow_config_defaults(&cfg);
	cfg.stream.reassembly = false;
	conn_open(&c, &r, &cfg, 1, 2);
	conn_send(&c, 0, 50, msg, 50, 0);
	conn_send(&c, 0, 0, msg, 50, 0);
	conn_send(&c, 0, 100, NULL, 0, TH_FIN);
	conn_send(&c, 1, 0, NULL, 0, TH_FIN);
	conn_ack(&c, 1, 101);
	conn_ack(&c, 0, 1);
	assert_int_equal(c.f->tcp_state, TCP_CLOSED);
	assert_int_equal(c.f->tcp.dir[0].n_segs, 0);
	conn_close(&c);
	assert_int_equal(r.total[0], 0);
	assert_int_equal(r.neof[0] + r.neof[1], 0);
	assert_string_equal(r.log, "X");
}

/* Midstream: the first data packet's sequence number starts the stream. */
static void
test_stream_midstream(void **state)
{
	struct flow_config cfg;
	struct flow_ops ops;
	struct srec r;
	struct conn c;
	struct packet p;
	uint8_t msg[100];

	fill(msg, sizeof(msg), 17);
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));
	flow_config_defaults(&cfg);
	memset(&ops, 0, sizeof(ops));
	ops.flow_end = on_end;
	ops.stream = &sops;
	ops.arg = &r;
	c.t = flow_table_new(&cfg, &ops, &r.ctr, 1);
	c.ts = T0;
	c.isn[0] = 999;		/* data at 1000 */
	c.isn[1] = 4999;
	p = mkpkt(&c, 0, TH_ACK, 1000, 5000);	/* pure ACK first */
	c.f = feed(&c, &p);
	assert_true(c.f->flags & FLOW_F_MIDSTREAM);
	assert_false(c.f->tcp.dir[0].seq_known);
	conn_send(&c, 0, 20, msg + 20, 10, 0);	/* the first data */
	conn_send(&c, 0, 10, msg + 10, 10, 0);	/* older: dropped */
	conn_send(&c, 0, 40, msg + 40, 10, 0);	/* a hole at 30 */
	conn_send(&c, 0, 30, msg + 30, 10, 0);
	assert_int_equal(r.len[0], 30);
	assert_memory_equal(r.buf[0], msg + 20, 30);
	assert_int_equal(c.f->tcp.dir[0].isn, 1020);
	conn_close(&c);
	assert_int_equal(r.ngap[0], 0);
}


/*
 * Every overlap shape of queued data under the policies: an old segment
 * O is queued at [20, 30), then a new one N with other bytes arrives,
 * then the hole [0, 20) is filled and what was delivered is checked
 * byte by byte against the copy the policy says wins.
 */
struct oshape {
	const char	*name;
	uint32_t	 ns, ne;	/* the new segment */
};

static const struct oshape oshapes[] = {
	{ "same start, same end", 20, 30 },
	{ "same start, longer", 20, 35 },
	{ "inside", 23, 27 },
	{ "spanning", 15, 35 },
	{ "partial head", 15, 25 },
	{ "partial tail", 25, 35 },
};

static bool
expect_new(enum stream_policy pol, uint32_t ns, uint32_t ne)
{
	switch (pol) {
	case STREAM_POLICY_LAST:
		return true;
	case STREAM_POLICY_BSD:
		return ns < 20;
	case STREAM_POLICY_LINUX:
		return ns < 20 || (ns == 20 && ne > 30);
	default:
		return false;
	}
}

static void
test_stream_overlap_policies(void **state)
{
	static const enum stream_policy pols[] = {
		STREAM_POLICY_FIRST, STREAM_POLICY_LAST, STREAM_POLICY_BSD,
		STREAM_POLICY_LINUX, STREAM_POLICY_WINDOWS,
	};
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	uint8_t old[64], nw[64], want[64];
	size_t i, k, b;
	bool nwin;

	memset(old, 'o', sizeof(old));
	memset(nw, 'n', sizeof(nw));
	for (k = 0; k < sizeof(pols) / sizeof(pols[0]); k++)
		for (i = 0; i < sizeof(oshapes) / sizeof(oshapes[0]); i++) {
			const struct oshape *o = &oshapes[i];

			flow_config_defaults(&cfg);
			cfg.stream.policy = pols[k];
			conn_open(&c, &r, &cfg, 100, 200);
			conn_send(&c, 0, 20, old, 10, 0);
			conn_send(&c, 0, o->ns, nw, o->ne - o->ns, 0);
			conn_send(&c, 0, 0, "................................"
			    "................", o->ns < 20 ? o->ns : 20, 0);
			nwin = expect_new(pols[k], o->ns, o->ne);
			for (b = 0; b < 40; b++) {
				if (b < 20)
					want[b] = b < o->ns ? '.' : 'n';
				else if (b < 30)
					want[b] = b >= o->ns && b < o->ne &&
					    nwin ? 'n' : 'o';
				else
					want[b] = b < o->ne ? 'n' : '?';
			}
			b = o->ne > 30 ? o->ne : 30;
			if (r.len[0] != b || memcmp(r.buf[0], want, b) != 0)
				fail_msg("policy %d, %s: got %.*s", (int)pols[k],
				    o->name, (int)r.len[0], r.buf[0]);
			assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF),
			    1);
			assert_int_equal(r.anomalies[EV_STREAM_OVERLAP_DIFF], 1);
			conn_close(&c);
		}
}

/* host-os-policy: the receiver's longest matching block decides. */
static void
test_stream_host_policy(void **state)
{
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	const uint8_t srv[4] = { 10, 0, 0, 2 };

	flow_config_defaults(&cfg);
	cfg.stream.hosts[0] = (struct stream_host_policy){ { 10 }, 4, 8,
	    STREAM_POLICY_FIRST };
	cfg.stream.hosts[1] = (struct stream_host_policy){ { 10, 0, 0 }, 4,
	    24, STREAM_POLICY_LAST };
	cfg.stream.hosts[2] = (struct stream_host_policy){ { 10, 0, 0, 9 },
	    4, 32, STREAM_POLICY_FIRST };
	cfg.stream.n_hosts = 3;
	assert_int_equal(stream_host_policy(&cfg.stream, 4, srv),
	    STREAM_POLICY_LAST);
	assert_int_equal(stream_host_policy(&cfg.stream, 6, srv),
	    STREAM_POLICY_FIRST);
	/* The server 10.0.0.2 is a "last" host: the second copy wins. */
	conn_open(&c, &r, &cfg, 100, 200);
	conn_send(&c, 0, 10, "AAAA", 4, 0);
	conn_send(&c, 0, 10, "BBBB", 4, 0);
	conn_send(&c, 0, 0, "0123456789", 10, 0);
	assert_int_equal(r.len[0], 14);
	assert_memory_equal(r.buf[0] + 10, "BBBB", 4);
	conn_close(&c);
}

/*
 * A retransmission of delivered bytes is compared with the copy kept
 * until the receiver acknowledges it: differing bytes are the anomaly,
 * the first copy stands; once acknowledged nothing is kept.
 */
static void
test_stream_retransmit_differs(void **state)
{
	struct srec r;
	struct conn c;

	conn_open(&c, &r, NULL, 100, 200);
	conn_send(&c, 0, 0, "MSH|^~\\&|REAL|", 14, TH_PSH);
	conn_send(&c, 0, 0, "MSH|^~\\&|REAL|", 14, TH_PSH);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP), 1);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 0);
	conn_send(&c, 0, 0, "MSH|^~\\&|FAKE|", 14, TH_PSH);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 1);
	assert_int_equal(r.anomalies[EV_STREAM_OVERLAP_DIFF], 1);
	/* Partly new: the old part compared, the new tail delivered. */
	conn_send(&c, 0, 9, "XXXXX12345", 10, TH_PSH);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 2);
	assert_int_equal(r.len[0], 19);
	assert_memory_equal(r.buf[0], "MSH|^~\\&|REAL|12345", 19);
	/* Acknowledged: nothing kept, nothing compared. */
	conn_ack(&c, 1, 19);
	assert_null(c.f->tcp.dir[0].ret);
	conn_send(&c, 0, 0, "MSH|^~\\&|FAKE|", 14, TH_PSH);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 2);
	assert_int_equal(r.len[0], 19);
	conn_close(&c);
}

/*
 * More unacknowledged bytes than the retained ring may hold (a quarter
 * of a small stream.memcap keeps it at 4 KiB): the oldest bytes go,
 * the ring wraps, segments are copied in two parts, and retransmitted
 * ones are compared across the wrap.
 */
static void
test_stream_retained_ring_wraps(void **state)
{
	enum { SEG = 1000, NSEG = 70, KEPT = 4 };
	static uint8_t data[SEG * NSEG], seg[SEG];
	struct flow_config cfg;
	struct srec r;
	struct conn c;
	unsigned i;

	(void)state;
	flow_config_defaults(&cfg);
	cfg.stream.memcap = 20000;
	fill(data, sizeof(data), 3);
	conn_open(&c, &r, &cfg, 100, 200);
	for (i = 0; i < NSEG; i++)
		conn_send(&c, 0, i * SEG, data + i * SEG, SEG, TH_PSH);
	assert_int_equal(r.total[0], sizeof(data));
	assert_non_null(c.f->tcp.dir[0].ret);
	/* The same bytes again: no difference. */
	for (i = NSEG - KEPT; i < NSEG; i++)
		conn_send(&c, 0, i * SEG, data + i * SEG, SEG, TH_PSH);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP), KEPT);
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), 0);
	/* One byte changed at either end of a segment. */
	for (i = NSEG - KEPT; i < NSEG; i++) {
		memcpy(seg, data + i * SEG, SEG);
		seg[i % 2 ? 0 : SEG - 1] ^= 1;
		conn_send(&c, 0, i * SEG, seg, SEG, TH_PSH);
	}
	assert_int_equal(ctr_get(&r.ctr, CTR_TCP_OVERLAP_DIFF), KEPT);
	assert_int_equal(r.total[0], sizeof(data));
	conn_close(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_inorder),
		cmocka_unit_test(test_stream_retained_ring_wraps),
		cmocka_unit_test(test_stream_every_split_point),
		cmocka_unit_test(test_stream_all_permutations),
		cmocka_unit_test(test_stream_gap_queue_full),
		cmocka_unit_test(test_stream_gap_at_fin),
		cmocka_unit_test(test_stream_overlap),
		cmocka_unit_test(test_stream_overlap_policies),
		cmocka_unit_test(test_stream_host_policy),
		cmocka_unit_test(test_stream_retransmit_differs),
		cmocka_unit_test(test_stream_retransmissions),
		cmocka_unit_test(test_stream_depth),
		cmocka_unit_test(test_stream_seq_wrap),
		cmocka_unit_test(test_stream_flood_one_byte_segments),
		cmocka_unit_test(test_stream_memcap),
		cmocka_unit_test(test_stream_fin_trims_and_eof_once),
		cmocka_unit_test(test_stream_reassembly_off),
		cmocka_unit_test(test_stream_midstream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
