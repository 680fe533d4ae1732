/*
 * worker.c - flow workers and the batches that feed them.
 */
#include <config.h>

#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/layer.h"
#include "decode/packet.h"
#include "detect/detect.h"
#include "device/brain.h"
#include "device/devfacts.h"
#include "engine/worker.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/jsonw.h"
#include "util/log.h"
#include "util/util.h"

enum rec_kind {
	REC_PACKET,
	REC_TICK,
	REC_PART,
	REC_BARRIER,
	REC_FLUSH,
};

struct rec_hdr {
	uint32_t	kind;
	uint32_t	len;		/* bytes after the header, padded */
	uint64_t	arg;
};

struct batch {
	struct batch	*next;
	size_t		 used;
	uint8_t		*buf;
	uint64_t	 seq;		/* push order */
	uint64_t	 ref_lo;	/* first reference's pos, or none */
};

#define REF_NONE	UINT64_MAX
#define REC_BY_REF	1		/* REC_PACKET arg: data not copied */

#define REC_ALIGN(n)	(((n) + 7) & ~(size_t)7)
#define WORKER_END_PART	4096	/* the end's events handed over at once */

/*
 * A flow ends, perhaps while a packet of another flow is being handled:
 * until worker_flow_end returns, the app layer has no packet, so the
 * ending flow's records and device events carry its own last time and
 * no pcap_cnt.
 */
static void
worker_flow_ending(void *arg, struct flow *f)
{
	struct worker *w = arg;

	(void)f;
	app_engine_set_packet(w->app, NULL);
}

static void
worker_flow_end(void *arg, struct flow *f, enum flow_end_reason reason)
{
	struct worker *w = arg;
	struct app_flow_weak weak;

	eve_flow(&w->rw, f, flow_end_reason_name(reason), app_flow_proto(f),
	    app_flow_eve, &w->eve);
	if (w->setup.devices) {
		app_flow_weak(f, &weak);
		devfacts_flow_end(&w->bq, f, &weak);
		/* The end's events in parts (worker_end_flows()). */
		if (w->ending && w->bq.n >= WORKER_END_PART)
			brain_sync_part(w->setup.brain, w->id, UINT64_MAX,
			    &w->bq);
	}
	if (w->dt != NULL)
		detect_flow_free(f);
	app_flow_end(w->app, f);
	app_engine_set_packet(w->app, w->pkt);
}

/*
 * The end: every flow ends at once.  Their events go to the brain in
 * parts, marked as the end's (the brain applies them only once every
 * producer has come to the end, in the same order as one handover):
 * handed over whole, 50,000 flows' events were held three times at
 * the run's peak (the worker's queue, the handover's copy and the
 * brain's): the bench capture's peak RSS was 146 MiB, 137 in parts.
 */
static void
worker_end_flows(struct worker *w)
{
	w->ending = true;
	flow_table_flush(w->ft, FLOW_END_SHUTDOWN);
	w->ending = false;
	record_flush(&w->rw);
	brain_sync(w->setup.brain, w->id, UINT64_MAX, &w->bq);
}

static void
worker_app_fact(void *arg, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const void *fact)
{
	struct worker *w = arg;

	devfacts_app(&w->bq, f, p, proto, dir, fact);
}

/* The flow object's bytes at most: a comma, "flow":{, four members
 * (a comma, a key of 17 bytes with its quotes and colon, 20 digits),
 * a comma, "start": and a quoted timestamp, }. */
#define WORKER_ALERT_FLOW_MAX	(1 + 8 + 4 * (1 + 17 + 20) + 1 + 8 + \
				    UTIL_TSBUF + 1 + 1)

/*
 * A candidate alert: the record's members that only the worker knows
 * (the flow's counters, the transaction's protocol object, rendered
 * with its parser's eve hook) go with it to the brain, which decides
 * in event order (thresholds, device classes) and writes it.  No
 * payload, ever.
 */
static void
worker_alert(void *arg, const struct detect_match *m)
{
	struct worker *w = arg;
	const struct app_parser *ap;
	const char *name, *txt;
	struct jsonw *jw = w->ajw;
	char ts[UTIL_TSBUF + 2], *json = NULL;
	size_t len = 0;

	if (w->setup.brain == NULL)
		return;
	jsonw_reset(jw);
	jsonw_obj_open(jw);
	if (m->flow != NULL) {
		const struct flow *f = m->flow;
		struct jsonw_run run, *r = &run;
		size_t n;

		if ((name = app_flow_proto(f)) != NULL)
			jsonw_kv_str(jw, "app_proto", name);
		/* One run, no check per member: the flow object is
		 * written for every match, most of which the brain drops.
		 * The timestamp is digits and punctuation, quoted as is. */
		ts[0] = '"';
		util_format_ts(f->ts_first, w->eve.localtime, ts + 1);
		n = strlen(ts);
		ts[n++] = '"';
		jsonw_run_begin(jw, r, WORKER_ALERT_FLOW_MAX);
		JSONW_RUN_KEY(r, "flow");
		jsonw_run_open(r, '{');
		JSONW_RUN_KV_UINT(r, "pkts_toserver",
		    f->pkts[FLOW_DIR_TOSERVER]);
		JSONW_RUN_KV_UINT(r, "pkts_toclient",
		    f->pkts[FLOW_DIR_TOCLIENT]);
		JSONW_RUN_KV_UINT(r, "bytes_toserver",
		    f->bytes[FLOW_DIR_TOSERVER]);
		JSONW_RUN_KV_UINT(r, "bytes_toclient",
		    f->bytes[FLOW_DIR_TOCLIENT]);
		JSONW_RUN_KEY(r, "start");
		jsonw_run_lit(r, ts, n, true);
		jsonw_run_close(r, '}');
		jsonw_run_end(jw, r);
	}
	if (m->fact != NULL && (ap = app_parser_get(m->proto)) != NULL &&
	    ap->eve != NULL && (name = app_proto_name(m->proto)) != NULL) {
		jsonw_key(jw, name);
		jsonw_obj_open(jw);
		ap->eve(jw, m->fact);
		jsonw_obj_close(jw);
	}
	jsonw_obj_close(jw);
	/* The members without the braces: the brain adds them to its
	 * record. */
	if (jsonw_ok(jw) && (txt = jsonw_text(jw, &len)) != NULL && len > 2) {
		json = xcalloc(1, len - 2 + 1);
		memcpy(json, txt + 1, len - 2);
		len -= 2;
	} else
		len = 0;
	devfacts_alert(&w->bq, m->flow, m->pkt != NULL ? m->pkt : w->pkt,
	    m->dir, m->rule, (uint8_t)m->proto, json, len);
}

static void
worker_inspect(void *arg, struct flow *f, const struct packet *p,
    enum app_proto proto, int dir, const struct app_buf *bufs, size_t n,
    const void *fact, const enum ww_counter *ev, size_t nev)
{
	struct worker *w = arg;

	detect_tx(w->dt, f, p, proto, dir, bufs, n, fact, ev, nev);
}

static void
worker_stream_data(void *arg, struct flow *f, int dir, const uint8_t *p,
    size_t n)
{
	struct worker *w = arg;

	if (w->dt != NULL)
		detect_stream(w->dt, f, dir, p, n);
	app_stream_data(w->app, f, dir, p, n);
}

static void
worker_stream_gap(void *arg, struct flow *f, int dir, uint64_t len)
{
	struct worker *w = arg;

	if (w->dt != NULL)
		detect_stream_gap(w->dt, f, dir, len);
	app_stream_gap(w->app, f, dir);
}

static void
worker_stream_eof(void *arg, struct flow *f, int dir)
{
	struct worker *w = arg;

	app_stream_eof(w->app, f, dir);
}

static const struct stream_ops worker_stream_ops = {
	.data = worker_stream_data,
	.gap = worker_stream_gap,
	.eof = worker_stream_eof,
};

static void
worker_flow_anomaly(void *arg, struct flow *f, const struct packet *p,
    enum ww_counter ev)
{
	struct worker *w = arg;

	eve_anomaly_flow(&w->rw, f, p, ev, &w->eve);
}

static uint64_t
worker_flow_memuse1(void *arg, const struct flow *f)
{
	(void)arg;
	return app_flow_memuse(f) + detect_flow_memuse(f) +
	    devfacts_flow_memuse(f);
}

static uint64_t
worker_app_memuse(void *arg)
{
	struct worker *w = arg;

	return (w->app != NULL ? app_engine_memuse(w->app) : 0) +
	    (w->dt != NULL ? detect_thread_memuse(w->dt) : 0) +
	    w->bq.sent_mem;
}

struct worker *
worker_new(const struct worker_setup *su, unsigned id, bool threaded)
{
	struct worker *w;
	struct flow_config fc;
	struct flow_ops ops;

	w = xcalloc(1, sizeof(*w));
	w->setup = *su;
	w->id = id;
	w->threaded = threaded;
	w->stall_test = id == 0 && threaded &&
	    getenv("WARDWATCH_TEST_STALL") != NULL;
	record_writer_init(&w->rw, su->out);
	w->eve = *su->eve;
	w->eve.pcap_filename = NULL;

	/* The caps are for the whole sensor: each worker gets its share. */
	fc = *su->flow;
	fc.memcap = su->flow->memcap / su->nworkers;
	fc.stream.memcap = su->flow->stream.memcap / su->nworkers;
	memset(&ops, 0, sizeof(ops));
	ops.flow_ending = worker_flow_ending;
	ops.flow_end = worker_flow_end;
	ops.anomaly = worker_flow_anomaly;
	ops.stream = &worker_stream_ops;
	ops.ext_memuse = worker_app_memuse;
	ops.flow_memuse = worker_flow_memuse1;
	ops.arg = w;
	w->app = app_engine_new(su->app, &w->ctr, &w->eve, &w->rw);
	/* Facts go to the device inventory alone: none without it. */
	app_engine_set_fact_sink(w->app, su->devices ? worker_app_fact :
	    NULL, w);
	if (su->detect != NULL) {
		w->dt = detect_thread_new(su->detect, worker_alert, w);
		w->ajw = xcalloc(1, sizeof(*w->ajw));
		jsonw_init(w->ajw, 64u << 10);
		app_engine_set_inspect_sink(w->app, worker_inspect,
		    su->detect_protos, w);
	}
	w->ft = flow_table_new(&fc, &ops, &w->ctr, su->key->k0);
	if (w->ft == NULL) {
		app_engine_free(w->app);
		record_writer_free(&w->rw);
		free(w);
		return NULL;
	}
	flow_table_share_key(w->ft, su->key);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cv_work, NULL);
	pthread_cond_init(&w->cv_space, NULL);
	return w;
}

static void
worker_detect_invalid(struct worker *w, const struct packet *p)
{
	enum ww_counter ev[PKT_MAX_ANOM];
	uint8_t i;

	for (i = 0; i < p->anom_cnt && i < PKT_MAX_ANOM; i++)
		ev[i] = (enum ww_counter)p->anom[i];
	detect_packet(w->dt, NULL, p, ev, i);
}

static void
worker_packet(struct worker *w, const struct packet *p)
{
	struct flow *f;

	if (w->stall_test) {
		/* The watchdog's test: this worker hangs. */
		w->stall_test = false;
		sleep(3600);
	}
	if (p->ts_us > w->now_us)
		w->now_us = p->ts_us;
	/* Malformed (monitor.c): only its decode-event rules. */
	if (p->flags & PKT_INVALID) {
		if (w->dt != NULL)
			worker_detect_invalid(w, p);
		return;
	}
	w->pkt = p;
	app_engine_set_packet(w->app, p);
	f = flow_handle_packet(w->ft, p);
	/* A bad checksum: counted in its flow, never parsed nor matched
	 * (the host dropped it too: an insertion must not alert). */
	if (w->dt != NULL && !(p->flags & PKT_BAD_CSUM)) {
		enum ww_counter ev[PKT_MAX_ANOM];
		uint8_t i;

		for (i = 0; i < p->anom_cnt && i < PKT_MAX_ANOM; i++)
			ev[i] = (enum ww_counter)p->anom[i];
		detect_packet(w->dt, f, p, ev, i);
	}
	if (f != NULL && !(p->flags & PKT_BAD_CSUM)) {
		app_packet(w->app, f, p);
		if (p->proto == IPPROTO_UDP)
			app_udp_packet(w->app, f, p);
	}
	w->pkt = NULL;
	app_engine_set_packet(w->app, NULL);
	/* What the packet made the flows hold (buffers, parser heaps)
	 * counts now, not only when the next flow is created. */
	flow_table_memcheck(w->ft);
}

static void
worker_tick(struct worker *w, uint64_t now)
{
	if (now > w->now_us)
		w->now_us = now;
	flow_table_tick(w->ft, w->now_us);
	record_flush(&w->rw);
	/* Ticks come at the same packet times to every worker: the brain
	 * applies a tick's events once all have handed theirs over. */
	brain_sync(w->setup.brain, w->id, now, &w->bq);
}

/* Run one batch; true when it carried the final flush. */
static bool
worker_run_batch(struct worker *w, struct batch *b)
{
	size_t off = 0;
	bool done = false;

	while (off < b->used) {
		struct rec_hdr h;
		struct packet p;

		memcpy(&h, b->buf + off, sizeof(h));
		off += sizeof(h);
		switch (h.kind) {
		case REC_PACKET:
			memcpy(&p, b->buf + off, sizeof(p));
			if (h.arg != REC_BY_REF)
				p.data = b->buf + off + REC_ALIGN(sizeof(p));
			worker_packet(w, &p);
			break;
		case REC_TICK:
			if (w->src.tick != NULL)
				w->src.tick(w->src.arg, h.arg);
			worker_tick(w, h.arg);
			break;
		case REC_PART:
			brain_sync_part(w->setup.brain, w->id, h.arg, &w->bq);
			break;
		case REC_BARRIER:
			if (w->src.tick != NULL)
				w->src.tick(w->src.arg, 0);
			w->setup.barrier(w->setup.arg, h.arg);
			break;
		case REC_FLUSH:
			if (w->src.tick != NULL)
				w->src.tick(w->src.arg, 0);
			worker_end_flows(w);
			done = true;
			break;
		}
		off += h.len;
	}
	b->used = 0;
	return done;
}

void
worker_handle_packet(struct worker *w, const struct packet *p)
{
	worker_packet(w, p);
}

void
worker_set_source(struct worker *w, const struct worker_source *src)
{
	w->src = *src;
}

void
worker_set_brain(struct worker *w, struct brain *b)
{
	w->setup.brain = b;
}

static void	worker_release(struct worker *);

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	bool done = false;
	char name[16];

	snprintf(name, sizeof(name), "ww-worker%u", w->id);
	util_thread_name(name);
	while (!done) {
		struct batch *b;

		pthread_mutex_lock(&w->lock);
		/*
		 * Fan-out: packets come from the worker's own capture;
		 * the queue brings only ticks, barriers and the flush,
		 * looked at every WORKER_SOURCE_POLL_MS at least.
		 */
		while (w->q_count == 0 && w->src.run != NULL &&
		    !atomic_load(&w->src_failed)) {
			pthread_mutex_unlock(&w->lock);
			if (w->src.run(w->src.arg, w,
			    WORKER_SOURCE_POLL_MS) == -1)
				atomic_store(&w->src_failed, true);
			pthread_mutex_lock(&w->lock);
		}
		while (w->q_count == 0)
			pthread_cond_wait(&w->cv_work, &w->lock);
		b = w->queue[w->q_head];
		w->q_head = (w->q_head + 1) % WORKER_QUEUE_LEN;
		w->q_count--;
		pthread_mutex_unlock(&w->lock);

		done = worker_run_batch(w, b);
		/* Its references are read: the reader may let them go. */
		atomic_store_explicit(&w->done_seq, b->seq + 1,
		    memory_order_release);

		pthread_mutex_lock(&w->lock);
		b->next = w->spare;
		w->spare = b;
		pthread_cond_signal(&w->cv_space);
		pthread_mutex_unlock(&w->lock);
	}
	/* On its own thread, beside the other workers and the brain. */
	worker_release(w);
	return NULL;
}

int
worker_start(struct worker *w)
{
	int rc;

	if (!w->threaded)
		return 0;
	if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		errno = rc;
		return -1;
	}
	w->running = true;
	return 0;
}

static struct batch *
batch_get(struct worker *w)
{
	struct batch *b;

	pthread_mutex_lock(&w->lock);
	b = w->spare;
	if (b != NULL)
		w->spare = b->next;
	pthread_mutex_unlock(&w->lock);
	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		b->buf = xcalloc(1, WORKER_BATCH_SIZE);
		atomic_fetch_add_explicit(&w->nbatches, 1,
		    memory_order_relaxed);
	}
	b->used = 0;
	b->next = NULL;
	b->ref_lo = REF_NONE;
	return b;
}

void
worker_push(struct worker *w)
{
	struct batch *b = w->cur;

	if (!w->threaded || b == NULL || b->used == 0)
		return;
	w->cur = NULL;
	b->seq = w->push_seq++;
	w->ref_lo[b->seq % WORKER_REF_RING] = b->ref_lo;
	pthread_mutex_lock(&w->lock);
	while (w->q_count == WORKER_QUEUE_LEN)
		pthread_cond_wait(&w->cv_space, &w->lock);
	w->queue[(w->q_head + w->q_count) % WORKER_QUEUE_LEN] = b;
	w->q_count++;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->lock);
}

/* Room for a record of 'len' payload bytes; returns where to write. */
static uint8_t *
rec_reserve(struct worker *w, enum rec_kind kind, uint64_t arg, size_t len)
{
	struct rec_hdr h;
	size_t need = sizeof(h) + REC_ALIGN(len);
	uint8_t *p;

	assert(need <= WORKER_BATCH_SIZE);
	if (w->cur != NULL && w->cur->used + need > WORKER_BATCH_SIZE)
		worker_push(w);
	if (w->cur == NULL)
		w->cur = batch_get(w);
	h.kind = kind;
	h.len = (uint32_t)REC_ALIGN(len);
	h.arg = arg;
	p = w->cur->buf + w->cur->used;
	memcpy(p, &h, sizeof(h));
	w->cur->used += need;
	return p + sizeof(h);
}

void
worker_enqueue_packet(struct worker *w, const struct packet *p)
{
	uint8_t *dst;

	if (!w->threaded) {
		worker_packet(w, p);
		return;
	}
	dst = rec_reserve(w, REC_PACKET, 0,
	    REC_ALIGN(sizeof(*p)) + p->caplen);
	memcpy(dst, p, sizeof(*p));
	memcpy(dst + REC_ALIGN(sizeof(*p)), p->data, p->caplen);
}

void
worker_enqueue_packet_ref(struct worker *w, const struct packet *p,
    uint64_t pos)
{
	uint8_t *dst;

	if (!w->threaded) {
		worker_packet(w, p);
		return;
	}
	dst = rec_reserve(w, REC_PACKET, REC_BY_REF, sizeof(*p));
	memcpy(dst, p, sizeof(*p));
	if (w->cur->ref_lo == REF_NONE)
		w->cur->ref_lo = pos;
}

/*
 * Batches run in push order, so those from done_seq on are the ones
 * not run yet (at most WORKER_QUEUE_LEN queued and one running, fewer
 * than WORKER_REF_RING), plus the one being filled.
 */
uint64_t
worker_ref_floor(struct worker *w, uint64_t now)
{
	uint64_t s, lo = now;

	if (!w->threaded)
		return now;
	for (s = atomic_load_explicit(&w->done_seq, memory_order_acquire);
	    s < w->push_seq; s++)
		if (w->ref_lo[s % WORKER_REF_RING] < lo)
			lo = w->ref_lo[s % WORKER_REF_RING];
	if (w->cur != NULL && w->cur->ref_lo < lo)
		lo = w->cur->ref_lo;
	return lo;
}

void
worker_enqueue_tick(struct worker *w, uint64_t now_us)
{
	if (!w->threaded) {
		worker_tick(w, now_us);
		return;
	}
	(void)rec_reserve(w, REC_TICK, now_us, 0);
}

void
worker_enqueue_part(struct worker *w, uint64_t gen)
{
	if (!w->threaded) {
		brain_sync_part(w->setup.brain, w->id, gen, &w->bq);
		return;
	}
	(void)rec_reserve(w, REC_PART, gen, 0);
}

void
worker_enqueue_barrier(struct worker *w, uint64_t seq)
{
	if (!w->threaded) {
		w->setup.barrier(w->setup.arg, seq);
		return;
	}
	(void)rec_reserve(w, REC_BARRIER, seq, 0);
	worker_push(w);
}

/* The packet batches, spare and being filled (no thread reads them). */
static void
worker_free_batches(struct worker *w)
{
	struct batch *b, *next;

	for (b = w->spare; b != NULL; b = next) {
		next = b->next;
		free(b->buf);
		free(b);
	}
	w->spare = NULL;
	if (w->cur != NULL) {
		free(w->cur->buf);
		free(w->cur);
		w->cur = NULL;
	}
}

/*
 * Every flow has ended and its events are the brain's: what only flows
 * used goes now, before the brain applies the end's events (the run's
 * peak).  The application layer (nDPI's module and its trees), the
 * flow table's buckets and the room of the device event queue, with
 * the packet batches (worker_finish()), were 29 MB of the bench
 * capture's peak with two workers.  The table's figures the last stats
 * record reads are kept.
 */
static void
worker_release(struct worker *w)
{
	if (w->bq.n == 0) {
		free(w->bq.ev);
		w->bq.ev = NULL;
		w->bq.cap = 0;
	}
	if (w->ft == NULL || flow_table_active(w->ft) != 0)
		return;
	/* No flow is left that would need them. */
	app_engine_free(w->app);
	w->app = NULL;
	/* The table's figures as they are now, for the last stats. */
	w->ft_memuse = flow_table_memuse(w->ft);
	w->ft_memuse_peak = flow_table_memuse_peak(w->ft);
	flow_table_free(w->ft);
	w->ft = NULL;
}

void
worker_finish_begin(struct worker *w)
{
	if (!w->threaded || !w->running || w->flushed)
		return;
	(void)rec_reserve(w, REC_FLUSH, 0, 0);
	worker_push(w);
	w->flushed = true;
}

void
worker_finish(struct worker *w)
{
	if (w->threaded && !w->running) {
		/* Its thread never started: end its flows here. */
		w->threaded = false;
		worker_free_batches(w);
	}
	if (w->threaded) {
		worker_finish_begin(w);
		pthread_join(w->thread, NULL);	/* released what it could */
		w->running = false;
		w->threaded = false;
	} else if (w->ft != NULL) {
		worker_end_flows(w);
		worker_release(w);
	}
	worker_free_batches(w);
}

uint64_t
worker_progress(struct worker *w)
{
	return atomic_load_explicit(&w->done_seq, memory_order_acquire);
}

uint64_t
worker_pending(struct worker *w)
{
	uint64_t done = worker_progress(w);

	return w->threaded && w->push_seq > done ? w->push_seq - done : 0;
}

static void
worker_forget_detect(struct flow *f, void *arg)
{
	(void)arg;
	detect_flow_free(f);
}

/*
 * Reload: the flows stay, their rule state (flowbits, what alerted,
 * stream positions) belonged to the old rules and goes; the next
 * packet of each flow starts it again under the new ones.
 */
void
worker_set_detect(struct worker *w, const struct detect_engine *de)
{
	if (w->dt == NULL || de == NULL)
		return;
	flow_table_foreach(w->ft, worker_forget_detect, NULL);
	detect_thread_free(w->dt);
	w->dt = detect_thread_new(de, worker_alert, w);
	w->setup.detect = de;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	flow_table_free(w->ft);		/* ends flows: uses w->app */
	app_engine_free(w->app);
	detect_thread_free(w->dt);
	if (w->ajw != NULL) {
		jsonw_free(w->ajw);
		free(w->ajw);
	}
	worker_free_batches(w);
	record_writer_free(&w->rw);
	brain_queue_free(&w->bq);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_space);
	free(w);
}

uint64_t
worker_flow_active(struct worker *w)
{
	return w->ft != NULL ? flow_table_active(w->ft) : 0;
}

uint64_t
worker_flow_memuse(struct worker *w)
{
	return w->ft != NULL ? flow_table_memuse(w->ft) : w->ft_memuse;
}

uint64_t
worker_flow_memuse_peak(struct worker *w)
{
	return w->ft != NULL ? flow_table_memuse_peak(w->ft) :
	    w->ft_memuse_peak;
}

/* Batches are never freed before the end: their number is the peak. */
uint64_t
worker_queue_memuse_peak(struct worker *w)
{
	return atomic_load_explicit(&w->nbatches, memory_order_relaxed) *
	    (sizeof(struct batch) + WORKER_BATCH_SIZE);
}
