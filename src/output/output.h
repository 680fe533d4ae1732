/*
 * output/output.h - the output stage: a bounded queue of record
 * batches, one thread that formats and writes them, and the sinks it
 * writes to (today the EVE file or stdout; syslog, CEF, Redis and
 * sockets are further sinks behind the same interface, output/sink.h).
 *
 * Every record the stage loses is counted here, wherever it is lost:
 * a body too large for its writer, a full queue (live capture does not
 * wait for the outputs), a sink that failed.  Offline, producers wait
 * for room instead, so a capture file always gives all its records.
 */
#ifndef WW_OUTPUT_H
#define WW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/record.h"
#include "util/events.h"

#define OUTPUT_BATCH_SIZE	(64u << 10)	/* bytes a producer fills */
#define OUTPUT_DEFAULT_QUEUE	256		/* batches in flight: 16 MiB */
/* Offline, producers wait instead of dropping: a quarter is enough to
 * keep the output thread busy. */
#define OUTPUT_OFFLINE_QUEUE	64		/* 4 MiB */

/*
 * Alert hygiene (alert-hygiene in wardwatch.yaml): alerts of one
 * signature from one source device (its address) pass at most
 * rate_count times per rate_seconds of packet time; the rest are
 * suppressed and counted, and the next alert of that pair that passes
 * says how many ("hygiene": {"suppressed": n}).  A pair with alerts
 * held back and no alert after them by the end of the next window
 * (found when a later record is past it, and at output_close()) gets
 * a summary alert instead: its signature and source, no destination,
 * "hygiene": {"suppressed": n, "summary": true}, timed as the last one
 * held.  So every alert held back is reported once.  Suppress entries
 * drop a signature (gid 0: any gid) for a source (ipver 0: any)
 * outright, uncounted per pair.
 */
#define OUTPUT_MAX_SUPPRESS	64
struct output_suppress {
	uint32_t	 gid, sid;
	uint8_t		 ipver;		/* 0: any source */
	uint8_t		 prefix;
	uint8_t		 addr[16];
};
struct output_hygiene {
	uint32_t	 rate_count;	/* 0: no rate limit */
	uint32_t	 rate_seconds;
	uint32_t	 nsuppress;
	struct output_suppress suppress[OUTPUT_MAX_SUPPRESS];
};

struct output_config {
	bool		 test_mode;	/* keep records, write them sorted */
	bool		 block;		/* producers wait when the queue is full */
	/* Batches queued or being written (0: OUTPUT_DEFAULT_QUEUE);
	 * spares are kept for reuse up to it, less what is queued. */
	uint32_t	 queue_batches;
	bool		 localtime;	/* timestamps in local time */
	const char	*host;		/* "host" of every record, or NULL */
	/*
	 * The file that keeps the sensor's record numbers ("seq") across
	 * runs, or NULL: no "seq".  Numbers are taken from it in blocks,
	 * so a crash shows as a gap, never as a number used twice.
	 */
	const char	*seq_path;
	struct output_hygiene hygiene;
};

struct output;
struct sink;

/* Alerts written under one signature (the summary's alerts line). */
struct output_alert {
	uint32_t	 gid, sid;
	uint8_t		 severity;
	uint64_t	 count;
	char		 signature[128];
};

struct output	*output_new(const struct output_config *);
/* The epoch of the seq numbers (a random number kept with them in
 * seq_path; a new file starts a new one), or 0 without seq_path. */
uint64_t	 output_seq_epoch(const struct output *);
/* Add a sink (before output_start); the stage owns it from then on. */
void		 output_add_sink(struct output *, struct sink *);
/* Start the output thread.  Returns 0, or -1 (errno set). */
int		 output_start(struct output *);
/* The live interface written as "in_iface" (before records flow). */
void		 output_set_iface(struct output *, const char *);
/* Types some sink wants. */
bool		 output_wants(const struct output *, unsigned type);

/*
 * Ask the thread to write out what it buffers (live capture calls it
 * when a read returns, so records are not held back on a quiet
 * segment) or to reopen files (SIGHUP, after logrotate).  Neither
 * waits.
 */
void		 output_flush(struct output *);
void		 output_reopen(struct output *);

/*
 * A stage whose thread was not started writes what is queued now, on
 * the caller's thread (unit tests).  Does nothing once started.
 */
void		 output_drain(struct output *);
/* Counters of the stage (output.eve.*), summed into 'to'. */
void		 output_counters(struct output *, struct counters *to);
/* The most the record batches took at once, in bytes. */
uint64_t	 output_queue_memuse_peak(struct output *);
/*
 * Write what is queued, stop the thread and close the sinks.  Every
 * producer must have flushed its writer before.  Returns 0, or -1 when
 * any record was lost during the run.
 */
int		 output_close(struct output *);
/* Each output's counters as "outputs" (a stats record's "wardwatch"
 * object), and as lines of the end-of-run summary. */
struct jsonw;
void		 output_stats_json(struct output *, struct jsonw *);
void		 output_print_summary(struct output *, FILE *);

/*
 * After output_close(): the alerts written, by signature, most frequent
 * first; *other counts those past the table's size.
 */
size_t		 output_alerts(struct output *, const struct output_alert **,
		    uint64_t *other);
void		 output_free(struct output *);

/*
 * For record.c.  A batch holds records back to back, each a struct
 * record and its body, padded to 8 bytes.
 */
struct record_batch {
	struct record_batch *next;
	uint8_t		*buf;
	size_t		 size;
	size_t		 used;
	uint32_t	 nrec;
};
#define RECORD_SIZE(bodylen) \
	((sizeof(struct record) + (size_t)(bodylen) + 7) & ~(size_t)7)

/* An empty batch with room for at least 'need' bytes. */
struct record_batch *output_batch_get(struct output *, size_t need);
/* Give back a batch that is not to be queued. */
void		 output_batch_put(struct output *, struct record_batch *);
/* Queue a batch (waits, or drops and counts, when the queue is full). */
void		 output_batch_submit(struct output *, struct record_batch *);
/* Records lost before they reached the queue; records committed. */
void		 output_count_lost(struct output *, uint64_t n);
void		 output_count_committed(struct output *, uint64_t n);

#endif /* WW_OUTPUT_H */
