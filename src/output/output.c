/*
 * output/output.c - the output stage: batch queue, output thread,
 * sinks.
 *
 * Producers fill batches of records (record.c) and hand each whole
 * batch over here.  The queue holds at most queue_batches batches,
 * counted until the thread has written them and taken them back, and
 * keeps up to OUTPUT_SPARES for reuse while the queue has room; so the
 * batches never take more than queue_batches and one a producer.  When
 * the queue is full a producer either waits (offline: every record of a
 * file must come out, and the reader can simply go slower) or drops the
 * batch and its records are counted as lost (live: the capture must
 * never wait for a disk or a collector).  The thread takes every queued
 * batch at once, formats each record's EVE line once and hands it to
 * each sink that wants the type, and writes out the sinks' buffers when
 * the queue is empty, so records never wait long on a quiet network.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "output/eve.h"
#include "output/output.h"
#include "output/sink.h"
#include "util/log.h"
#include "util/util.h"

#define OUTPUT_MAX_SINKS	8
#define OUTPUT_HEAD_MAX		4096	/* the EVE head and "host" */
#define OUTPUT_MAX_SIGS		256	/* signatures counted by name */
#define OUTPUT_SPARES		16	/* batches kept for reuse, at most */

struct output {
	struct output_config cfg;
	struct sink	*sinks[OUTPUT_MAX_SINKS];
	size_t		 nsinks;
	struct record_types wanted;	/* union of the sinks' types */
	char		*iface;

	pthread_mutex_t	 lock;
	pthread_cond_t	 cv_work;	/* a batch or a request is queued */
	pthread_cond_t	 cv_space;	/* the queue has room */
	struct record_batch *head, *tail;	/* queued */
	uint32_t	 nqueued;	/* queued or being written */
	struct record_batch *spare;
	uint32_t	 nspare;
	bool		 stop;
	bool		 flush_req;
	bool		 reopen_req;
	bool		 started;
	bool		 closed;
	pthread_t	 thread;

	/* Bytes of record batches allocated (queued, being filled or
	 * spare), and the most they reached. */
	_Atomic uint64_t batch_bytes, batch_peak;

	/* Counters: committed by producers, the rest by the thread. */
	_Atomic uint64_t committed;
	_Atomic uint64_t lost;
	_Atomic uint64_t write_errors;

	struct jsonw	 jw;		/* the thread's line */
	struct util_tscache tsc;	/* the thread's last timestamp */

	/* Alert hygiene: (signature, source) pairs, open addressing. */
	struct hyg_slot	*hyg;
	uint64_t	 hyg_suppressed;	/* alerts held back */
	uint64_t	 hyg_full;		/* pairs not tracked */
	uint64_t	 hyg_due;	/* first window end with alerts held
					   back (us); 0: none */
	uint64_t	 hyg_summaries;	/* summary alerts written */

	/* Record numbers: next to give, and the end of the block taken
	 * from seq_path (the output thread). */
	uint64_t	 seq_next;
	uint64_t	 seq_reserved;
	uint64_t	 seq_first;	/* as loaded */
	uint64_t	 seq_epoch;	/* the file's; 0: no seq */
	char		*seq_path;

	/* Alerts written, by signature (the output thread; read after
	 * output_close()). */
	struct output_alert sigs[OUTPUT_MAX_SIGS];
	size_t		 nsigs;
	uint64_t	 sig_other;	/* beyond OUTPUT_MAX_SIGS */
};

static uint64_t	output_lost(struct output *);

#define HYG_SLOTS	16384		/* (signature, source) pairs */

struct hyg_slot {
	bool		 used;
	uint8_t		 ipver;
	uint32_t	 gid, sid;
	uint8_t		 src[16];
	uint64_t	 window_us;	/* start of the current window */
	uint32_t	 passed;	/* in the window */
	uint64_t	 held;		/* suppressed since the last pass */
	uint64_t	 last_held_us;	/* the last of them */
	uint32_t	 rev;
	uint8_t		 severity;
};

static bool
addr_in(const uint8_t *a, const uint8_t *net, unsigned bits)
{
	unsigned i;

	for (i = 0; i + 8 <= bits; i += 8)
		if (a[i / 8] != net[i / 8])
			return false;
	if (i < bits && ((a[i / 8] ^ net[i / 8]) &
	    (uint8_t)(0xff << (8 - (bits - i)))) != 0)
		return false;
	return true;
}

/*
 * An alert: -1 to hold it back, else how many of its pair were held
 * back since the last one that passed (this one carries the count).
 */
static int64_t
hygiene(struct output *o, const struct record *r)
{
	const struct output_hygiene *h = &o->cfg.hygiene;
	const struct output_suppress *e;
	struct hyg_slot *sl;
	uint64_t k, held;
	size_t i, n;

	for (i = 0; i < h->nsuppress; i++) {
		e = &h->suppress[i];
		if (e->sid == r->sid && (e->gid == 0 || e->gid == r->gid) &&
		    (e->ipver == 0 || (e->ipver == r->ipver &&
		    addr_in(r->src, e->addr, e->prefix)))) {
			o->hyg_suppressed++;
			return -1;
		}
	}
	if (h->rate_count == 0)
		return 0;
	if (o->hyg == NULL)
		o->hyg = xcalloc(HYG_SLOTS, sizeof(*o->hyg));
	k = (uint64_t)r->gid * 0x9e3779b97f4a7c15ull ^ r->sid;
	for (i = 0; i < 16; i++)
		k = (k ^ r->src[i]) * 0x100000001b3ull;
	for (n = 0, i = k % HYG_SLOTS; n < HYG_SLOTS; n++,
	    i = (i + 1) % HYG_SLOTS) {
		sl = &o->hyg[i];
		if (!sl->used)
			break;
		if (sl->gid == r->gid && sl->sid == r->sid &&
		    sl->ipver == r->ipver && memcmp(sl->src, r->src, 16) == 0)
			break;
	}
	if (n == HYG_SLOTS) {
		o->hyg_full++;		/* not tracked: passes */
		return 0;
	}
	if (!sl->used) {
		sl->used = true;
		sl->gid = r->gid;
		sl->sid = r->sid;
		sl->ipver = r->ipver;
		memcpy(sl->src, r->src, 16);
		sl->window_us = r->ts_us;
	}
	if (r->ts_us >= sl->window_us + (uint64_t)h->rate_seconds * 1000000) {
		sl->window_us = r->ts_us;
		sl->passed = 0;
	}
	if (sl->passed >= h->rate_count) {
		/* A summary is due when the window after this one has
		 * passed too: an alert of the pair in it reports these
		 * (records of other threads may come a little out of
		 * time order). */
		uint64_t end = sl->window_us +
		    2 * (uint64_t)h->rate_seconds * 1000000;

		sl->held++;
		sl->last_held_us = r->ts_us;
		sl->rev = r->rev;
		sl->severity = r->severity;
		o->hyg_suppressed++;
		if (o->hyg_due == 0 || end < o->hyg_due)
			o->hyg_due = end;
		return -1;
	}
	sl->passed++;
	held = sl->held;
	sl->held = 0;
	return (int64_t)held;
}

#define SEQ_BLOCK	65536	/* numbers taken from the file at once */

/*
 * The next record number kept in path (1 for a new sensor) and the
 * numbers' epoch: a random number made with the file, so that a
 * consumer that remembers the last seq it took (the Redis output's
 * deduplication, netsink.c) can tell a new count from 1 (a new state)
 * from a record it had.  A file without one (an older version's) gets
 * one now, written with the next block.
 */
static uint64_t
seq_load(const char *path, uint64_t *epoch)
{
	unsigned long long v = 0, e = 0;
	FILE *f;

	*epoch = 0;
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%llu", &v) != 1 || v == 0)
			v = 1;
		else if (fscanf(f, " epoch %llx", &e) == 1)
			*epoch = e;
		fclose(f);
	} else
		v = 1;
	while (*epoch == 0)
		if (getrandom(epoch, sizeof(*epoch), 0) != sizeof(*epoch) &&
		    errno != EINTR)
			fatal("getrandom");
	return (uint64_t)v;
}

static void
seq_store(const char *path, uint64_t v, uint64_t epoch)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		return;
	}
	fprintf(f, "%llu\nepoch %016llx\n", (unsigned long long)v,
	    (unsigned long long)epoch);
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		log_warn("%s", tmp);
		fclose(f);
		return;
	}
	fclose(f);
	if (rename(tmp, path) == -1)
		log_warn("%s", path);
}

/* The next record number (the output thread). */
static uint64_t
seq_take(struct output *o)
{
	if (o->seq_path == NULL)
		return 0;
	if (o->seq_next >= o->seq_reserved) {
		o->seq_reserved = o->seq_next + SEQ_BLOCK;
		seq_store(o->seq_path, o->seq_reserved, o->seq_epoch);
	}
	return o->seq_next++;
}

struct output *
output_new(const struct output_config *cfg)
{
	struct output *o;

	o = xcalloc(1, sizeof(*o));
	o->cfg = *cfg;
	o->cfg.host = cfg->host != NULL ? xstrdup(cfg->host) : NULL;
	if (cfg->seq_path != NULL) {
		o->seq_path = xstrdup(cfg->seq_path);
		o->seq_next = seq_load(o->seq_path, &o->seq_epoch);
		o->seq_reserved = o->seq_first = o->seq_next;
	}
	o->cfg.seq_path = NULL;
	if (o->cfg.queue_batches == 0)
		o->cfg.queue_batches = OUTPUT_DEFAULT_QUEUE;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cv_work, NULL);
	pthread_cond_init(&o->cv_space, NULL);
	/* Room for a whole body (a producer's cap) and its head. */
	jsonw_init(&o->jw, JSONW_DEFAULT_CAP + OUTPUT_HEAD_MAX);
	return o;
}

uint64_t
output_seq_epoch(const struct output *o)
{
	return o->seq_epoch;
}

void
output_add_sink(struct output *o, struct sink *s)
{
	if (o->nsinks == OUTPUT_MAX_SINKS) {
		log_warnx("%s: too many outputs (at most %d)", s->name,
		    OUTPUT_MAX_SINKS);
		s->ops->free(s);
		return;
	}
	o->sinks[o->nsinks++] = s;
	o->wanted.bits |= s->types.bits;
}

void
output_set_iface(struct output *o, const char *iface)
{
	pthread_mutex_lock(&o->lock);
	free(o->iface);
	o->iface = iface != NULL ? xstrdup(iface) : NULL;
	pthread_mutex_unlock(&o->lock);
}

bool
output_wants(const struct output *o, unsigned type)
{
	return o != NULL && record_types_has(&o->wanted, type);
}

void
output_count_lost(struct output *o, uint64_t n)
{
	if (n > 0)
		atomic_fetch_add_explicit(&o->lost, n, memory_order_relaxed);
}

void
output_count_committed(struct output *o, uint64_t n)
{
	atomic_fetch_add_explicit(&o->committed, n, memory_order_relaxed);
}

static void
batch_bytes_add(struct output *o, uint64_t n)
{
	uint64_t now, peak;

	now = atomic_fetch_add_explicit(&o->batch_bytes, n,
	    memory_order_relaxed) + n;
	peak = atomic_load_explicit(&o->batch_peak, memory_order_relaxed);
	while (now > peak && !atomic_compare_exchange_weak_explicit(
	    &o->batch_peak, &peak, now, memory_order_relaxed,
	    memory_order_relaxed))
		;
}

uint64_t
output_queue_memuse_peak(struct output *o)
{
	return o == NULL ? 0 :
	    atomic_load_explicit(&o->batch_peak, memory_order_relaxed);
}

struct record_batch *
output_batch_get(struct output *o, size_t need)
{
	struct record_batch *b = NULL;

	if (need <= OUTPUT_BATCH_SIZE) {
		pthread_mutex_lock(&o->lock);
		if ((b = o->spare) != NULL) {
			o->spare = b->next;
			o->nspare--;
		}
		pthread_mutex_unlock(&o->lock);
		need = OUTPUT_BATCH_SIZE;
	}
	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		/* Not zeroed: only what record_commit() wrote is read. */
		b->buf = xreallocarray(NULL, 1, need);
		b->size = need;
		batch_bytes_add(o, need + sizeof(*b));
	}
	b->next = NULL;
	b->used = 0;
	b->nrec = 0;
	return b;
}

static void
batch_free(struct output *o, struct record_batch *b)
{
	atomic_fetch_sub_explicit(&o->batch_bytes, b->size + sizeof(*b),
	    memory_order_relaxed);
	free(b->buf);
	free(b);
}

/*
 * Under the lock: keep a standard batch for reuse while the spares and
 * the queue are below its bound and the spares fewer than OUTPUT_SPARES
 * (after a live burst, 256 would stay for good), free the rest.  A new
 * batch is made only when there is no spare, so the batches in the
 * queue, the spares and those the producers fill are never more than
 * the bound and one a producer.
 */
static void
batch_put_locked(struct output *o, struct record_batch *b)
{
	if (b->size == OUTPUT_BATCH_SIZE && o->nspare < OUTPUT_SPARES &&
	    o->nspare + o->nqueued < o->cfg.queue_batches) {
		b->next = o->spare;
		o->spare = b;
		o->nspare++;
	} else
		batch_free(o, b);
}

void
output_batch_put(struct output *o, struct record_batch *b)
{
	pthread_mutex_lock(&o->lock);
	batch_put_locked(o, b);
	pthread_mutex_unlock(&o->lock);
}

void
output_batch_submit(struct output *o, struct record_batch *b)
{
	pthread_mutex_lock(&o->lock);
	while (o->started && o->nqueued >= o->cfg.queue_batches) {
		if (!o->cfg.block) {
			/* Live capture never waits for an output. */
			output_count_lost(o, b->nrec);
			batch_put_locked(o, b);
			pthread_mutex_unlock(&o->lock);
			return;
		}
		pthread_cond_wait(&o->cv_space, &o->lock);
	}
	b->next = NULL;
	if (o->tail != NULL)
		o->tail->next = b;
	else
		o->head = b;
	o->tail = b;
	o->nqueued++;
	pthread_cond_signal(&o->cv_work);
	pthread_mutex_unlock(&o->lock);
}

static void
sinks_lost(struct output *o, struct sink *s, uint64_t n)
{
	output_count_lost(o, n);
	if (n > 0)
		atomic_fetch_add_explicit(&s->c.dropped, n,
		    memory_order_relaxed);
}

static void
output_tally(struct output *o, const struct record *r)
{
	const char *sig = (const char *)(r + 1) + r->len;
	struct output_alert *a;
	size_t i, n;

	for (i = 0; i < o->nsigs; i++) {
		a = &o->sigs[i];
		if (a->gid == r->gid && a->sid == r->sid) {
			a->count++;
			return;
		}
	}
	if (o->nsigs == OUTPUT_MAX_SIGS) {
		o->sig_other++;
		return;
	}
	a = &o->sigs[o->nsigs++];
	a->gid = r->gid;
	a->sid = r->sid;
	a->severity = r->severity;
	a->count = 1;
	n = r->sig_len < sizeof(a->signature) - 1 ? r->sig_len :
	    sizeof(a->signature) - 1;
	memcpy(a->signature, sig, n);
	a->signature[n] = '\0';
}

/* Format one record once and give it to every sink that wants it. */
static void
output_write(struct output *o, const struct record *r, const char *iface,
    uint64_t held)
{
	const char *line = NULL;
	size_t len = 0, i;
	bool written = false;
	uint64_t seq = 0;

	for (i = 0; i < o->nsinks; i++) {
		struct sink *s = o->sinks[i];

		if (!record_types_has(&s->types, r->type))
			continue;
		if (line == NULL) {
			seq = seq_take(o);
			jsonw_reset(&o->jw);
			eve_format(&o->jw, r, (const char *)(r + 1), iface,
			    o->cfg.host, o->cfg.localtime, seq,
			    (uint64_t)held, &o->tsc);
			line = jsonw_text(&o->jw, &len);
			if (!jsonw_ok(&o->jw)) {
				/* Head and body cannot exceed the cap the
				 * body was written under by much; count. */
				output_count_lost(o, 1);
				return;
			}
		}
		s->seq = seq;
		atomic_fetch_add_explicit(&s->c.queued, 1,
		    memory_order_relaxed);
		sinks_lost(o, s, s->ops->write(s, r, line, len));
		written = true;
	}
	if (written && (r->flags & RECORD_F_ALERT) &&
	    !(r->flags & RECORD_F_HYG_SUMMARY))
		output_tally(o, r);
}

/* The signature text of an alert written before, or "". */
static const char *
output_sig_text(const struct output *o, uint32_t gid, uint32_t sid)
{
	size_t i;

	for (i = 0; i < o->nsigs; i++)
		if (o->sigs[i].gid == gid && o->sigs[i].sid == sid)
			return o->sigs[i].signature;
	return "";
}

/* The summary alert of a pair's held-back alerts (output.h). */
static void
hyg_summary(struct output *o, struct hyg_slot *sl, const char *iface)
{
	const char *sig = output_sig_text(o, sl->gid, sl->sid), *text;
	struct jsonw jw;
	struct record *r;
	size_t len, slen = strlen(sig);

	jsonw_init(&jw, 1024);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "alert");
	jsonw_obj_open(&jw);
	jsonw_kv_str(&jw, "action", "allowed");
	jsonw_kv_uint(&jw, "gid", sl->gid);
	jsonw_kv_uint(&jw, "signature_id", sl->sid);
	jsonw_kv_uint(&jw, "rev", sl->rev);
	jsonw_kv_str(&jw, "signature", sig);
	jsonw_kv_uint(&jw, "severity", sl->severity);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	text = jsonw_text(&jw, &len);
	if (!jsonw_ok(&jw) || len < 2) {
		output_count_lost(o, 1);
		jsonw_free(&jw);
		return;
	}
	/* As record_commit() lays it out: head, body, signature. */
	r = xcalloc(1, RECORD_SIZE(len - 2 + slen));
	r->type = RECORD_ALERT;
	r->flags = RECORD_F_ALERT | RECORD_F_HYG_SUMMARY;
	r->event_type = "alert";
	r->ts_us = sl->last_held_us;
	r->gid = sl->gid;
	r->sid = sl->sid;
	r->rev = sl->rev;
	r->severity = sl->severity;
	r->ipver = sl->ipver;
	if (sl->ipver == 4 || sl->ipver == 6) {
		r->flags |= RECORD_F_SRC_ONLY;
		memcpy(r->src, sl->src, 16);
	}
	r->len = (uint32_t)(len - 2);
	r->sig_len = (uint16_t)(slen > UINT16_MAX ? UINT16_MAX : slen);
	memcpy((char *)(r + 1), text + 1, len - 2);
	memcpy((char *)(r + 1) + r->len, sig, r->sig_len);
	jsonw_free(&jw);
	output_count_committed(o, 1);
	output_write(o, r, iface, sl->held);
	o->hyg_summaries++;
	free(r);
}

/*
 * Pairs with alerts held back that no later alert reported, whose
 * window and the one after it have ended by now (every pair: now
 * UINT64_MAX): a summary each.
 */
static void
hyg_sweep(struct output *o, uint64_t now, const char *iface)
{
	uint64_t win = 2 * (uint64_t)o->cfg.hygiene.rate_seconds * 1000000;
	uint64_t end;
	size_t i;

	o->hyg_due = 0;
	if (o->hyg == NULL)
		return;
	for (i = 0; i < HYG_SLOTS; i++) {
		struct hyg_slot *sl = &o->hyg[i];

		if (!sl->used || sl->held == 0)
			continue;
		end = sl->window_us + win;
		if (now >= end) {
			hyg_summary(o, sl, iface);
			sl->held = 0;
		} else if (o->hyg_due == 0 || end < o->hyg_due)
			o->hyg_due = end;
	}
}

/* Alert hygiene, then the record. */
static void
output_record(struct output *o, const struct record *r, const char *iface)
{
	int64_t held = 0;

	if (r->flags & RECORD_F_ALERT)
		held = hygiene(o, r);
	/* Pairs whose alerts held back are due a summary: say so first. */
	if (o->hyg_due != 0 && r->ts_us >= o->hyg_due)
		hyg_sweep(o, r->ts_us, iface);
	if (held >= 0)
		output_write(o, r, iface, (uint64_t)held);
}

static void
output_run_batch(struct output *o, const struct record_batch *b,
    const char *iface)
{
	size_t off = 0;

	while (off < b->used) {
		const struct record *r = (const struct record *)(const void *)
		    (b->buf + off);

		output_record(o, r, iface);
		off += RECORD_SIZE((size_t)r->len + r->sig_len);
	}
}

static void
output_sinks_flush(struct output *o)
{
	size_t i;

	for (i = 0; i < o->nsinks; i++)
		sinks_lost(o, o->sinks[i], o->sinks[i]->ops->flush(
		    o->sinks[i]));
}

/* The sinks' write errors, for stats records made on other threads. */
static void
output_note_errors(struct output *o)
{
	uint64_t we = 0;
	size_t i;

	for (i = 0; i < o->nsinks; i++)
		we += o->sinks[i]->write_errors;
	atomic_store_explicit(&o->write_errors, we, memory_order_relaxed);
}

static void *
output_main(void *arg)
{
	struct output *o = arg;
	struct record_batch *list, *b, *next;
	bool flush, reopen, stop, idle;
	char *iface = NULL;

	util_thread_name("ww-output");

	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (o->head == NULL && !o->stop && !o->flush_req &&
		    !o->reopen_req)
			pthread_cond_wait(&o->cv_work, &o->lock);
		list = o->head;
		o->head = o->tail = NULL;
		flush = o->flush_req;
		reopen = o->reopen_req;
		stop = o->stop;
		o->flush_req = o->reopen_req = false;
		if (iface == NULL || o->iface == NULL ||
		    strcmp(iface, o->iface) != 0) {
			free(iface);
			iface = o->iface != NULL ? xstrdup(o->iface) : NULL;
		}
		pthread_mutex_unlock(&o->lock);

		/* Each batch leaves the queue once it is written. */
		for (b = list; b != NULL; b = next) {
			next = b->next;
			output_run_batch(o, b, iface);
			pthread_mutex_lock(&o->lock);
			o->nqueued--;
			batch_put_locked(o, b);
			pthread_cond_broadcast(&o->cv_space);
			pthread_mutex_unlock(&o->lock);
		}
		if (reopen) {
			size_t i;

			for (i = 0; i < o->nsinks; i++)
				sinks_lost(o, o->sinks[i],
				    o->sinks[i]->ops->reopen(o->sinks[i]));
		}
		output_note_errors(o);

		pthread_mutex_lock(&o->lock);
		idle = o->head == NULL;
		if ((idle || flush) && !(stop && idle)) {
			pthread_mutex_unlock(&o->lock);
			output_sinks_flush(o);
			output_note_errors(o);
			pthread_mutex_lock(&o->lock);
		}
		if (stop && o->head == NULL)
			break;
	}
	pthread_mutex_unlock(&o->lock);
	free(iface);
	return NULL;
}

int
output_start(struct output *o)
{
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < o->nsinks; i++) {
		struct sink *s = o->sinks[i];

		if (s->ops->start != NULL && s->ops->start(s, err,
		    sizeof(err)) != 0) {
			log_warnx("output %s: %s", s->name, err);
			errno = EAGAIN;
			return -1;
		}
	}
	if ((rc = pthread_create(&o->thread, NULL, output_main, o)) != 0) {
		errno = rc;
		return -1;
	}
	pthread_mutex_lock(&o->lock);
	o->started = true;
	pthread_mutex_unlock(&o->lock);
	return 0;
}

void
output_drain(struct output *o)
{
	struct record_batch *list, *b, *next;
	bool reopen;
	size_t i;

	pthread_mutex_lock(&o->lock);
	if (o->started || o->closed) {
		pthread_mutex_unlock(&o->lock);
		return;
	}
	list = o->head;
	o->head = o->tail = NULL;
	o->nqueued = 0;
	reopen = o->reopen_req;
	o->reopen_req = o->flush_req = false;
	pthread_mutex_unlock(&o->lock);
	for (b = list; b != NULL; b = b->next)
		output_run_batch(o, b, o->iface);
	if (reopen)
		for (i = 0; i < o->nsinks; i++)
			sinks_lost(o, o->sinks[i],
			    o->sinks[i]->ops->reopen(o->sinks[i]));
	output_sinks_flush(o);
	output_note_errors(o);
	pthread_mutex_lock(&o->lock);
	for (b = list; b != NULL; b = next) {
		next = b->next;
		batch_put_locked(o, b);
	}
	pthread_mutex_unlock(&o->lock);
}

void
output_flush(struct output *o)
{
	pthread_mutex_lock(&o->lock);
	o->flush_req = true;
	pthread_cond_signal(&o->cv_work);
	pthread_mutex_unlock(&o->lock);
}

void
output_reopen(struct output *o)
{
	pthread_mutex_lock(&o->lock);
	o->reopen_req = true;
	pthread_cond_signal(&o->cv_work);
	pthread_mutex_unlock(&o->lock);
}

/* Records lost: by the stage, and by outputs that deliver on their
 * own threads. */
static uint64_t
output_lost(struct output *o)
{
	uint64_t n;
	size_t i;

	n = atomic_load_explicit(&o->lost, memory_order_relaxed);
	for (i = 0; i < o->nsinks; i++)
		if (o->sinks[i]->async)
			n += atomic_load_explicit(&o->sinks[i]->c.dropped,
			    memory_order_relaxed);
	return n;
}

struct sink_figures {
	uint64_t	 sent, queued, spooled, replayed, dropped, reconnects;
};

static void
sink_figures(struct sink *s, struct sink_figures *f)
{
	f->queued = atomic_load(&s->c.queued);
	f->dropped = atomic_load(&s->c.dropped);
	f->spooled = atomic_load(&s->c.spooled);
	f->replayed = atomic_load(&s->c.replayed);
	f->reconnects = atomic_load(&s->c.reconnects);
	if (s->async)
		f->sent = atomic_load(&s->c.sent);
	else
		f->sent = f->queued > f->dropped ? f->queued - f->dropped : 0;
}

void
output_stats_json(struct output *o, struct jsonw *jw)
{
	struct sink_figures f;
	size_t i;

	jsonw_key(jw, "outputs");
	jsonw_arr_open(jw);
	for (i = 0; i < o->nsinks; i++) {
		sink_figures(o->sinks[i], &f);
		jsonw_obj_open(jw);
		jsonw_kv_str(jw, "name", o->sinks[i]->name);
		jsonw_kv_str(jw, "filetype", o->sinks[i]->kind != NULL ?
		    o->sinks[i]->kind : "regular");
		jsonw_kv_uint(jw, "sent", f.sent);
		jsonw_kv_uint(jw, "queued", f.queued);
		jsonw_kv_uint(jw, "spooled", f.spooled);
		jsonw_kv_uint(jw, "replayed", f.replayed);
		jsonw_kv_uint(jw, "dropped", f.dropped);
		jsonw_kv_uint(jw, "reconnects", f.reconnects);
		jsonw_obj_close(jw);
	}
	jsonw_arr_close(jw);
}

void
output_print_summary(struct output *o, FILE *fp)
{
	struct sink_figures f;
	size_t i;

	if (o == NULL)
		return;
	if (o->hyg_suppressed > 0)
		fprintf(fp, "  hygiene    %" PRIu64 " alerts held back by "
		    "alert-hygiene (each pair's next alert says how many, or "
		    "one of %" PRIu64 " summary alerts)\n", o->hyg_suppressed,
		    o->hyg_summaries);
	if (o->nsinks < 2 && (o->nsinks == 0 || !o->sinks[0]->async))
		return;
	for (i = 0; i < o->nsinks; i++) {
		sink_figures(o->sinks[i], &f);
		fprintf(fp, "  output     %s: %" PRIu64 " sent", o->sinks[i]->name,
		    f.sent);
		if (f.spooled || f.replayed)
			fprintf(fp, ", %" PRIu64 " spooled, %" PRIu64
			    " replayed", f.spooled, f.replayed);
		if (f.reconnects)
			fprintf(fp, ", %" PRIu64 " reconnects", f.reconnects);
		if (f.dropped)
			fprintf(fp, ", %" PRIu64 " DROPPED", f.dropped);
		fprintf(fp, "\n");
	}
}

void
output_counters(struct output *o, struct counters *to)
{
	uint64_t we;

	we = atomic_load_explicit(&o->write_errors, memory_order_relaxed);
	ctr_add(to, CTR_EVE_RECORDS,
	    atomic_load_explicit(&o->committed, memory_order_relaxed));
	ctr_add(to, CTR_EVE_DROPPED, output_lost(o));
	ctr_add(to, CTR_EVE_WRITE_ERRORS, we);
}

int
output_close(struct output *o)
{
	struct record_batch *b, *next;
	size_t i;

	pthread_mutex_lock(&o->lock);
	if (o->closed) {
		pthread_mutex_unlock(&o->lock);
		return output_lost(o) > 0 ? -1 : 0;
	}
	o->closed = true;
	if (o->started) {
		o->stop = true;
		pthread_cond_signal(&o->cv_work);
		pthread_mutex_unlock(&o->lock);
		pthread_join(o->thread, NULL);
		pthread_mutex_lock(&o->lock);
		o->started = false;
	}
	/* Never started (a failed start): write what was queued here. */
	for (b = o->head; b != NULL; b = next) {
		next = b->next;
		output_run_batch(o, b, o->iface);
		batch_free(o, b);
	}
	o->head = o->tail = NULL;
	o->nqueued = 0;
	pthread_mutex_unlock(&o->lock);
	/* Alerts held back that no later alert of their pair reported. */
	if (o->hyg_due != 0)
		hyg_sweep(o, UINT64_MAX, o->iface);
	for (i = 0; i < o->nsinks; i++)
		sinks_lost(o, o->sinks[i], o->sinks[i]->ops->close(
		    o->sinks[i]));
	output_note_errors(o);
	/* A run that numbered nothing leaves no file behind. */
	if (o->seq_path != NULL && o->seq_reserved != o->seq_first)
		seq_store(o->seq_path, o->seq_next, o->seq_epoch);
	return output_lost(o) > 0 ? -1 : 0;
}

static int
alert_order(const void *x, const void *y)
{
	const struct output_alert *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->gid != b->gid)
		return a->gid < b->gid ? -1 : 1;
	return a->sid < b->sid ? -1 : a->sid > b->sid;
}

size_t
output_alerts(struct output *o, const struct output_alert **v,
    uint64_t *other)
{
	qsort(o->sigs, o->nsigs, sizeof(o->sigs[0]), alert_order);
	*v = o->sigs;
	*other = o->sig_other;
	return o->nsigs;
}

void
output_free(struct output *o)
{
	struct record_batch *b, *next;
	size_t i;

	if (o == NULL)
		return;
	for (b = o->head; b != NULL; b = next) {
		next = b->next;
		batch_free(o, b);
	}
	for (b = o->spare; b != NULL; b = next) {
		next = b->next;
		batch_free(o, b);
	}
	for (i = 0; i < o->nsinks; i++)
		o->sinks[i]->ops->free(o->sinks[i]);
	jsonw_free(&o->jw);
	free(o->iface);
	free(o->hyg);
	free(o->seq_path);
	free((char *)(uintptr_t)o->cfg.host);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cv_work);
	pthread_cond_destroy(&o->cv_space);
	free(o);
}
