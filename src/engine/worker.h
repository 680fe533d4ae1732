/*
 * worker.h - flow workers.
 *
 * The capture thread decodes each packet and hands it, by its symmetric
 * flow hash, to one worker, so every flow lives in exactly one worker
 * and the flow table needs no locks.  Packets travel in batches (a
 * buffer of copied packets) through a bounded queue per worker; when a
 * queue is full the capture thread waits (offline) or the kernel ring
 * fills and pcap_stats counts the drops (live).  With one worker the
 * capture thread runs the worker code itself and nothing is copied.
 * A packet of a mapped capture file is passed by reference: the batch
 * carries its decoded header and the worker reads its bytes where they
 * lie; worker_ref_floor() tells the reader which bytes are still to be
 * read.
 *
 * With fan-out (capture.mode: fanout), the kernel shares the packets
 * out instead, by its own symmetric flow hash: each worker reads a
 * socket of its own (struct worker_source) and its queue carries only
 * control records.
 *
 * Besides packets, a batch carries control records: a clock tick (so
 * every worker expires flows at the same packet times whatever the
 * number of workers), a barrier (the stats reporter waits until every
 * worker has processed everything before it), and the final flush.
 */
#ifndef WW_WORKER_H
#define WW_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "device/brain.h"
#include "output/eve.h"
#include "output/record.h"
#include "util/events.h"

#define WORKER_BATCH_SIZE	(512u << 10)	/* bytes per batch */
/* Batches in flight: 4 would save about 10 MB of the capture file's
 * pages when reading files, but halve what a live capture thread can
 * hand a slow worker before it waits (review of mem14, M1). */
#define WORKER_QUEUE_LEN	8
/* Batches that may hold references: queued, being run, spare. */
#define WORKER_REF_RING		16

struct app_engine_config;
struct brain;
struct flow_config;
struct output;
struct packet;
struct sipkey;
struct flow_table;
struct app_engine;
struct batch;
struct detect_engine;
struct detect_thread;

/* What a worker is made of; the pointers outlive it. */
struct worker_setup {
	const struct flow_config *flow;		/* whole-sensor caps */
	const struct app_engine_config *app;
	const struct sipkey	*key;		/* the flow hash key */
	const struct eve_opts	*eve;
	struct output		*out;
	struct brain		*brain;		/* NULL: devices and rules off */
	bool			 devices;	/* device events to the brain */
	const struct detect_engine *detect;	/* NULL: no rules */
	const bool		*detect_protos;	/* [APP_MAX]: rules look */
	uint32_t		 nworkers;	/* caps are shared out */
	/* A barrier record was reached (any worker's thread). */
	void			(*barrier)(void *, uint64_t seq);
	void			*arg;
};

/*
 * Fan-out (capture.mode: fanout): the worker reads packets itself, from
 * a capture of its own, between the control records of its queue.
 */
struct worker;
struct worker_source {
	/* Wait up to timeout_ms for packets, handle those ready (each
	 * through worker_handle_packet()); -1: the capture failed. */
	int		(*run)(void *arg, struct worker *, int timeout_ms);
	/* A tick (now_us) or a barrier or the flush (0): the source's
	 * housekeeping on the worker's thread. */
	void		(*tick)(void *arg, uint64_t now_us);
	void		*arg;
};
#define WORKER_SOURCE_POLL_MS	10	/* control records wait at most */

struct worker {
	struct worker_setup	 setup;
	struct worker_source	 src;		/* fan-out, or run == NULL */
	_Atomic bool		 src_failed;	/* run() returned -1 */
	unsigned		 id;
	pthread_t		 thread;
	bool			 threaded;
	bool			 running;	/* its thread was started */
	bool			 flushed;	/* it was told to end */
	struct flow_table	*ft;		/* NULL once finished */
	/* Its memuse and peak when worker_finish() freed it. */
	uint64_t		 ft_memuse, ft_memuse_peak;
	struct app_engine	*app;
	struct detect_thread	*dt;		/* NULL: no rules */
	struct jsonw		*ajw;		/* alert members being rendered */
	struct counters		 ctr;
	struct record_writer	 rw;		/* flow, anomaly, app records */
	struct eve_opts		 eve;
	struct brain_queue	 bq;		/* device events of this tick */
	uint64_t		 now_us;
	const struct packet	*pkt;		/* being handled, or NULL */
	bool			 stall_test;	/* WARDWATCH_TEST_STALL */
	bool			 ending;	/* worker_end_flows() runs */

	/* Queue from the capture thread (threaded mode). */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cv_work;	/* a batch is queued */
	pthread_cond_t		 cv_space;	/* a batch was freed */
	struct batch		*queue[WORKER_QUEUE_LEN];
	unsigned		 q_head, q_count;
	struct batch		*spare;		/* recycled batches */
	struct batch		*cur;		/* being filled */
	/* Batches allocated (kept for reuse until worker_free()). */
	_Atomic uint64_t	 nbatches;
	/* By-reference packets: batches pushed and run, and the lowest
	 * position each pushed batch refers to (by sequence number). */
	uint64_t		 push_seq;
	_Atomic uint64_t	 done_seq;
	uint64_t		 ref_lo[WORKER_REF_RING];
};

struct worker	*worker_new(const struct worker_setup *, unsigned id,
		    bool threaded);
/* The brain to hand device events to (before worker_start()). */
void		 worker_set_brain(struct worker *, struct brain *);
/* Fan-out: read from this source (before worker_start()). */
void		 worker_set_source(struct worker *,
		    const struct worker_source *);
int		 worker_start(struct worker *);
/* A packet a source read (on the worker's thread). */
void		 worker_handle_packet(struct worker *, const struct packet *);
/* Give the worker a packet (copied in threaded mode). */
void		 worker_enqueue_packet(struct worker *, const struct packet *);
/*
 * The same, by reference: p->data stays valid until the worker has run
 * it.  pos orders references (a file offset, increasing from call to
 * call).
 */
void		 worker_enqueue_packet_ref(struct worker *,
		    const struct packet *, uint64_t pos);
/* The lowest pos still to be read by the worker, or 'now' if none. */
uint64_t	 worker_ref_floor(struct worker *, uint64_t now);
void		 worker_enqueue_tick(struct worker *, uint64_t now_us);
/* Hand the device events over between ticks (brain_sync_part()). */
void		 worker_enqueue_part(struct worker *, uint64_t gen);
void		 worker_enqueue_barrier(struct worker *, uint64_t seq);
/* Send the batch being filled (latency: live mode calls it often). */
void		 worker_push(struct worker *);
/*
 * Use other rules from now on.  Only while the worker is idle (after a
 * barrier, nothing queued): the capture thread calls it on reload.
 */
void		 worker_set_detect(struct worker *,
		    const struct detect_engine *);
/*
 * Batches given to the worker and not yet run (threaded mode), and how
 * many it has run: the capture thread's watchdog compares the latter
 * over time while the former is not zero.
 */
uint64_t	 worker_pending(struct worker *);
uint64_t	 worker_progress(struct worker *);
/* End all flows, stop and join the thread; free what only flows and
 * packets used (the packet batches, the application layer, the flow
 * table). */
void		 worker_finish(struct worker *);
/* Tell a worker's thread to end its flows, and do not wait: the
 * workers end theirs at once, then worker_finish() waits. */
void		 worker_finish_begin(struct worker *);
void		 worker_free(struct worker *);

uint64_t	 worker_flow_active(struct worker *);
uint64_t	 worker_flow_memuse(struct worker *);
uint64_t	 worker_flow_memuse_peak(struct worker *);
/* The most its packet queue's batches took, in bytes. */
uint64_t	 worker_queue_memuse_peak(struct worker *);

#endif /* WW_WORKER_H */
