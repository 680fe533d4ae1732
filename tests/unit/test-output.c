/*
 * test-output.c - the output stage and the EVE file (src/output/).
 *
 * The file is written through the real path (records committed by a
 * writer, the output stage, the file sink, write(2)) into failing
 * targets: /dev/full, a file size limit, a write(2) that returns short
 * counts and EINTR, a failure inside a line where the file cannot be
 * cut.  Whatever fails, every line in the file is a whole record, and
 * the records in the file plus those counted as lost are all the
 * records committed.  This program is linked with --wrap=write and
 * --wrap=ftruncate so a test can make those calls misbehave.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/eve.h"
#include "output/file.h"
#include "output/output.h"
#include "output/record.h"
#include "output/sink.h"
#include "util/events.h"

/* write(2) and ftruncate(2) as the test wants them to behave. */
ssize_t	__real_write(int, const void *, size_t);
int	__real_ftruncate(int, off_t);
ssize_t	__wrap_write(int, const void *, size_t);
int	__wrap_ftruncate(int, off_t);
int	__real_pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int	__wrap_pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);

/*
 * The queue's bound (test_output_queue_bound): while gate is on, every
 * write(2) of the output thread waits until the producer (the thread
 * 'producer') waits for room or is done.
 */
static struct {
	_Atomic bool	 on;
	pthread_t	 producer;
	_Atomic bool	 waiting;	/* the producer waits for room */
	_Atomic bool	 done;
	_Atomic unsigned gated;		/* writes that waited */
} gate;

int
__wrap_pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
{
	bool mine = atomic_load(&gate.on) &&
	    pthread_equal(pthread_self(), gate.producer);
	int rc;

	if (mine)
		atomic_store(&gate.waiting, true);
	rc = __real_pthread_cond_wait(cv, m);
	if (mine)
		atomic_store(&gate.waiting, false);
	return rc;
}

static struct {
	bool	 on;
	int	 target;	/* fd to misbehave on, -1: all but 0..2 */
	size_t	 max_chunk;	/* return at most this many bytes */
	bool	 eintr;		/* every other call fails with EINTR */
	size_t	 fail_after;	/* bytes written, then ENOSPC once */
	size_t	 written;
	bool	 failed;
	unsigned calls;
	bool	 no_truncate;	/* ftruncate fails with EINVAL */
} fake;

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	if (atomic_load(&gate.on) && fd > 2 &&
	    !pthread_equal(pthread_self(), gate.producer)) {
		atomic_fetch_add(&gate.gated, 1);
		while (!atomic_load(&gate.waiting) && !atomic_load(&gate.done))
			sched_yield();
	}
	if (!fake.on || fd <= 2 || (fake.target != -1 && fd != fake.target))
		return __real_write(fd, buf, n);
	fake.calls++;
	if (fake.eintr && fake.calls % 2 == 0) {
		errno = EINTR;
		return -1;
	}
	if (fake.fail_after != 0 && !fake.failed) {
		if (fake.written >= fake.fail_after) {
			fake.failed = true;
			errno = ENOSPC;
			return -1;
		}
		if (n > fake.fail_after - fake.written)
			n = fake.fail_after - fake.written;
	}
	if (fake.max_chunk != 0 && n > fake.max_chunk)
		n = fake.max_chunk;
	{
		ssize_t r = __real_write(fd, buf, n);

		if (r > 0)
			fake.written += (size_t)r;
		return r;
	}
}

int
__wrap_ftruncate(int fd, off_t len)
{
	if (fake.no_truncate) {
		errno = EINVAL;
		return -1;
	}
	return __real_ftruncate(fd, len);
}

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.target = -1;
	strcpy(tmpdir, "/tmp/ww-output-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	memset(&fake, 0, sizeof(fake));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static const struct record_types all_types = { ~(uint64_t)0 };

/* A stage with the EVE file sink at path (relative to tmpdir). */
static struct output *
stage_new(const char *name, bool start, bool block, uint32_t queue)
{
	struct output_config oc;
	struct output *o;
	struct sink *s;

	memset(&oc, 0, sizeof(oc));
	oc.block = block;
	oc.queue_batches = queue;
	o = output_new(&oc);
	s = output_file_open(tmpdir, name, false, &all_types);
	assert_non_null(s);
	output_add_sink(o, s);
	if (start)
		assert_int_equal(output_start(o), 0);
	return o;
}

/* Commit n flow-shaped records of about 'pad' bytes each. */
static void
commit_n(struct record_writer *w, unsigned n, size_t pad, unsigned from)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	char filler[4096];
	struct jsonw *jw;
	unsigned i;

	assert_true(pad < sizeof(filler));
	memset(filler, 'x', pad);
	filler[pad] = '\0';
	for (i = 0; i < n; i++) {
		jw = record_begin(w, RECORD_FLOW, "flow", 1000000ull * (i + 1));
		assert_non_null(jw);
		record_set_tuple(record_head(w), 4, a, b, 1000, 80, 6);
		jsonw_kv_uint(jw, "n", from + i);
		jsonw_kv_str(jw, "pad", filler);
		assert_int_equal(record_commit(w), 0);
	}
}

struct content {
	size_t	 lines;		/* newline-terminated lines */
	size_t	 whole;		/* lines that are one whole record */
	bool	 tail;		/* bytes after the last newline */
	unsigned last_n;	/* "n" of the last whole record */
	bool	 in_order;
};

static void
read_back(const char *name, struct content *c)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	long prev = -1;

	memset(c, 0, sizeof(*c));
	c->in_order = true;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "r"));
	while ((len = getline(&line, &cap, f)) > 0) {
		const char *p;

		if (line[len - 1] != '\n') {
			c->tail = true;
			break;
		}
		c->lines++;
		if (strncmp(line, "{\"timestamp\":", 13) == 0 && len >= 3 &&
		    line[len - 2] == '}' && (p = strstr(line, "\"n\":")) !=
		    NULL) {
			long n = strtol(p + 4, NULL, 10);

			c->whole++;
			if (n <= prev)
				c->in_order = false;
			prev = n;
			c->last_n = (unsigned)n;
		}
	}
	free(line);
	fclose(f);
}

static uint64_t
stage_lost(struct output *o)
{
	struct counters c;

	memset(&c, 0, sizeof(c));
	output_counters(o, &c);
	return ctr_get(&c, CTR_EVE_DROPPED);
}

static uint64_t
stage_committed(struct output *o)
{
	struct counters c;

	memset(&c, 0, sizeof(c));
	output_counters(o, &c);
	return ctr_get(&c, CTR_EVE_RECORDS);
}

/* The whole path, nothing failing: every record, in order. */
static void
test_output_file_whole(void **state)
{
	struct record_writer w;
	struct output *o;
	struct content c;

	(void)state;
	o = stage_new("eve.json", true, true, 2);
	record_writer_init(&w, o);
	commit_n(&w, 3000, 200, 0);	/* many batches through a queue of 2 */
	record_flush(&w);
	assert_int_equal(output_close(o), 0);
	record_writer_free(&w);
	read_back("eve.json", &c);
	assert_int_equal(c.lines, 3000);
	assert_int_equal(c.whole, 3000);
	assert_true(c.in_order);
	assert_false(c.tail);
	assert_int_equal(stage_committed(o), 3000);
	assert_int_equal(stage_lost(o), 0);
	output_free(o);
}

/*
 * The queue's bound holds while the output thread writes: a queue of
 * 4 batches and one producer never have more than 5 batches at once,
 * however far behind the thread is.  Every write(2) of the thread waits
 * until the producer waits for room, so the producer fills all it can
 * while the thread holds what it took (which the bound once forgot:
 * the thread took every queued batch at once and the producer queued
 * as many again, twice the bound).  Nothing is lost: offline, the
 * producer waits.
 */
static void
test_output_queue_bound(void **state)
{
	struct record_writer w;
	struct output *o;
	struct content c;
	uint64_t most;

	(void)state;
	memset(&gate, 0, sizeof(gate));
	gate.producer = pthread_self();
	atomic_store(&gate.on, true);
	o = stage_new("eve.json", true, true, 4);
	record_writer_init(&w, o);
	commit_n(&w, 10000, 1000, 0);	/* 10 MB: 160 batches */
	record_flush(&w);
	atomic_store(&gate.done, true);
	assert_int_equal(output_close(o), 0);
	atomic_store(&gate.on, false);
	record_writer_free(&w);
	most = output_queue_memuse_peak(o);
	print_message("# %u writes waited; batches at most %" PRIu64
	    " bytes\n", atomic_load(&gate.gated), most);
	assert_true(atomic_load(&gate.gated) > 10);
	assert_true(most >= 4 * (OUTPUT_BATCH_SIZE +
	    sizeof(struct record_batch)));
	assert_true(most <= 5 * (OUTPUT_BATCH_SIZE +
	    sizeof(struct record_batch)));
	read_back("eve.json", &c);
	assert_int_equal(c.lines, 10000);
	assert_int_equal(c.whole, 10000);
	assert_true(c.in_order);
	assert_int_equal(stage_lost(o), 0);
	output_free(o);
}

/* ENOSPC on every write: all counted, the run goes on. */
static void
test_output_dev_full(void **state)
{
	struct record_writer w;
	struct output *o;
	struct counters c;

	(void)state;
	o = stage_new("/dev/full", true, true, 0);
	record_writer_init(&w, o);
	commit_n(&w, 500, 300, 0);
	record_flush(&w);
	assert_int_equal(output_close(o), -1);
	record_writer_free(&w);
	memset(&c, 0, sizeof(c));
	output_counters(o, &c);
	assert_int_equal(ctr_get(&c, CTR_EVE_RECORDS), 500);
	assert_int_equal(ctr_get(&c, CTR_EVE_DROPPED), 500);
	assert_true(ctr_get(&c, CTR_EVE_WRITE_ERRORS) >= 1);
	output_free(o);
}

/*
 * A file size limit stops a write in the middle of a line (EFBIG after
 * a partial write): the file is cut back to its last whole line, and
 * whole lines plus lost records are all the records.
 */
static void
test_output_file_size_limit(void **state)
{
	struct record_writer w;
	struct rlimit old, lim;
	struct output *o;
	struct content c;
	uint64_t lost;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 100000;		/* not a multiple of any line */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	o = stage_new("eve.json", true, true, 0);
	record_writer_init(&w, o);
	commit_n(&w, 2000, 333, 0);
	record_flush(&w);
	assert_int_equal(output_close(o), -1);
	record_writer_free(&w);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	read_back("eve.json", &c);
	lost = stage_lost(o);
	assert_false(c.tail);
	assert_int_equal(c.lines, c.whole);
	assert_true(c.whole > 0 && c.whole < 2000);
	assert_true(c.in_order);
	assert_int_equal(c.whole + lost, 2000);
	output_free(o);
}

/* write(2) returning 7 bytes at a time, and EINTR: nothing lost. */
static void
test_output_short_writes(void **state)
{
	struct record_writer w;
	struct output *o;
	struct content c;

	(void)state;
	fake.max_chunk = 7;
	fake.eintr = true;
	fake.on = true;
	o = stage_new("eve.json", true, true, 0);
	record_writer_init(&w, o);
	commit_n(&w, 300, 100, 0);
	record_flush(&w);
	assert_int_equal(output_close(o), 0);
	record_writer_free(&w);
	fake.on = false;
	read_back("eve.json", &c);
	assert_int_equal(c.whole, 300);
	assert_int_equal(c.lines, 300);
	assert_int_equal(stage_lost(o), 0);
	output_free(o);
}

/*
 * A failure inside a line where the file cannot be cut (a pipe or a
 * terminal behaves so): the next write ends the broken line first, so
 * no record is glued to it.
 */
static void
test_output_broken_line_not_glued(void **state)
{
	struct record_writer w;
	struct output *o;
	struct content c;
	uint64_t lost;

	(void)state;
	fake.fail_after = 5000;		/* inside a line */
	fake.no_truncate = true;
	fake.on = true;
	o = stage_new("eve.json", false, true, 0);
	record_writer_init(&w, o);
	commit_n(&w, 100, 200, 0);
	record_flush(&w);
	output_drain(o);		/* fails at 5000 bytes */
	sleep(1);			/* the file may be opened again */
	commit_n(&w, 50, 200, 100);
	record_flush(&w);
	assert_int_equal(output_close(o), -1);
	record_writer_free(&w);
	fake.on = false;
	read_back("eve.json", &c);
	lost = stage_lost(o);
	assert_false(c.tail);
	/* One broken line, ended by a newline; the rest whole. */
	assert_int_equal(c.lines, c.whole + 1);
	assert_int_equal(c.whole + lost, 150);
	assert_int_equal(c.last_n, 149);
	output_free(o);
}

/* A sink too slow for a live capture: whole batches dropped, counted. */
static uint64_t
slow_write(struct sink *s, const struct record *r, const char *line,
    size_t len)
{
	(void)r;
	(void)line;
	(void)len;
	s->write_errors += 0;
	usleep(200);
	return 0;
}

static uint64_t
slow_nop(struct sink *s)
{
	(void)s;
	return 0;
}

static void
slow_free(struct sink *s)
{
	(void)s;
}

static const struct sink_ops slow_ops = {
	.write = slow_write,
	.flush = slow_nop,
	.reopen = slow_nop,
	.close = slow_nop,
	.free = slow_free,
};

struct counting_sink {
	struct sink	 s;
	uint64_t	 n;
};

static uint64_t
counting_write(struct sink *s, const struct record *r, const char *line,
    size_t len)
{
	((struct counting_sink *)s)->n++;
	return slow_write(s, r, line, len);
}

static const struct sink_ops counting_ops = {
	.write = counting_write,
	.flush = slow_nop,
	.reopen = slow_nop,
	.close = slow_nop,
	.free = slow_free,
};

static void
test_output_live_queue_full(void **state)
{
	struct output_config oc;
	struct counting_sink cs;
	struct record_writer w;
	struct output *o;
	unsigned i;

	(void)state;
	(void)slow_ops;
	memset(&oc, 0, sizeof(oc));
	oc.block = false;
	oc.queue_batches = 1;
	memset(&cs, 0, sizeof(cs));
	cs.s.ops = &counting_ops;
	cs.s.name = "slow";
	cs.s.types = all_types;
	o = output_new(&oc);
	output_add_sink(o, &cs.s);
	assert_int_equal(output_start(o), 0);
	record_writer_init(&w, o);
	for (i = 0; i < 20; i++) {
		commit_n(&w, 200, 300, i * 200);
		record_flush(&w);	/* never waits */
	}
	assert_int_equal(output_close(o), -1);
	record_writer_free(&w);
	assert_true(stage_lost(o) > 0);
	assert_int_equal(cs.n + stage_lost(o), 4000);
	output_free(o);
}

/* logrotate moves the file; SIGHUP's reopen starts a new one. */
static void
test_output_reopen(void **state)
{
	struct record_writer w;
	struct output *o;
	struct content c1, c2;
	char a[256], b[256];

	(void)state;
	o = stage_new("eve.json", false, true, 0);
	record_writer_init(&w, o);
	commit_n(&w, 10, 50, 0);
	record_flush(&w);
	output_drain(o);
	snprintf(a, sizeof(a), "%s/eve.json", tmpdir);
	snprintf(b, sizeof(b), "%s/eve.json.1", tmpdir);
	assert_int_equal(rename(a, b), 0);
	output_reopen(o);
	output_drain(o);
	commit_n(&w, 5, 50, 10);
	record_flush(&w);
	assert_int_equal(output_close(o), 0);
	record_writer_free(&w);
	read_back("eve.json.1", &c1);
	read_back("eve.json", &c2);
	assert_int_equal(c1.whole, 10);
	assert_int_equal(c2.whole, 5);
	output_free(o);
}

/* A body larger than its writer's cap is dropped and counted. */
static void
test_output_oversized_record(void **state)
{
	struct record_writer w;
	struct output *o;
	struct jsonw *jw;
	struct content c;
	char *big;

	(void)state;
	o = stage_new("eve.json", false, true, 0);
	record_writer_init(&w, o);
	big = malloc(JSONW_DEFAULT_CAP + 10);
	memset(big, 'a', JSONW_DEFAULT_CAP + 9);
	big[JSONW_DEFAULT_CAP + 9] = '\0';
	jw = record_begin(&w, RECORD_FLOW, "flow", 1);
	jsonw_kv_str(jw, "big", big);
	assert_int_equal(record_commit(&w), -1);
	free(big);
	commit_n(&w, 3, 10, 0);
	record_flush(&w);
	assert_int_equal(output_close(o), -1);
	record_writer_free(&w);
	read_back("eve.json", &c);
	assert_int_equal(c.whole, 3);
	assert_int_equal(stage_lost(o), 1);
	output_free(o);
}

/* Types no sink wants are not built at all. */
static void
test_output_type_filter(void **state)
{
	struct output_config oc;
	struct record_types t = { (uint64_t)1 << RECORD_ALERT };
	struct record_writer w;
	struct output *o;
	struct content c;
	struct jsonw *jw;

	(void)state;
	memset(&oc, 0, sizeof(oc));
	o = output_new(&oc);
	output_add_sink(o, output_file_open(tmpdir, "eve.json", false, &t));
	record_writer_init(&w, o);
	assert_false(record_wanted(&w, RECORD_FLOW));
	assert_null(record_begin(&w, RECORD_FLOW, "flow", 1));
	assert_true(record_wanted(&w, RECORD_ALERT));
	jw = record_begin(&w, RECORD_ALERT, "alert", 1);
	assert_non_null(jw);
	jsonw_kv_uint(jw, "n", 7);
	assert_int_equal(record_commit(&w), 0);
	record_flush(&w);
	assert_int_equal(output_close(o), 0);
	record_writer_free(&w);
	read_back("eve.json", &c);
	assert_int_equal(c.lines, 1);
	output_free(o);
}

/* An alert of signature sid from 10.0.0.src at second t. */
static void
hyg_alert(struct record_writer *w, uint32_t sid, uint8_t src, unsigned t)
{
	const uint8_t a[4] = { 10, 0, 0, src }, b[4] = { 10, 0, 0, 99 };
	struct jsonw *jw;

	jw = record_begin(w, RECORD_ALERT, "alert", 1000000ull * t);
	assert_non_null(jw);
	record_set_tuple(record_head(w), 4, a, b, 1000, 80, 6);
	record_set_alert(w, 1, sid, 1, 2, sid == 1 ? "one" : "two");
	jsonw_kv_uint(jw, "t", t);
	assert_int_equal(record_commit(w), 0);
}

/*
 * Alert hygiene, one alert per pair per 10 s: what is held back is
 * carried by the pair's next alert in the next window, else reported
 * by a summary alert once the next window has passed too, or at the
 * end; every one held back is reported once.
 */
static void
test_output_hygiene(void **state)
{
	struct output_config oc;
	struct record_writer w;
	struct output *o;
	struct jsonw *jw;
	char path[512], *line = NULL, want[6][160];
	size_t cap = 0, n = 0;
	FILE *f;

	(void)state;
	memset(&oc, 0, sizeof(oc));
	oc.hygiene.rate_count = 1;
	oc.hygiene.rate_seconds = 10;
	o = output_new(&oc);
	output_add_sink(o, output_file_open(tmpdir, "eve.json", false,
	    &all_types));
	record_writer_init(&w, o);
	hyg_alert(&w, 1, 1, 1);		/* passes */
	hyg_alert(&w, 2, 2, 1);		/* passes */
	hyg_alert(&w, 1, 1, 2);		/* held */
	hyg_alert(&w, 2, 2, 2);		/* held */
	hyg_alert(&w, 1, 1, 3);		/* held */
	hyg_alert(&w, 1, 1, 15);	/* passes, carries 2 */
	hyg_alert(&w, 1, 1, 16);	/* held: summary at the end */
	/* Past the window after pair 2's: its summary comes first. */
	jw = record_begin(&w, RECORD_FLOW, "flow", 25000000ull);
	assert_non_null(jw);
	assert_int_equal(record_commit(&w), 0);
	record_flush(&w);
	assert_int_equal(output_close(o), 0);
	record_writer_free(&w);
	output_free(o);

	snprintf(want[0], sizeof(want[0]), "\"t\":1}");
	snprintf(want[1], sizeof(want[1]), "\"t\":1}");
	snprintf(want[2], sizeof(want[2]), "\"t\":15,\"hygiene\":"
	    "{\"suppressed\":2}");
	snprintf(want[3], sizeof(want[3]), "\"src_ip\":\"10.0.0.2\","
	    "\"alert\":{\"action\":\"allowed\",\"gid\":1,"
	    "\"signature_id\":2,\"rev\":1,\"signature\":\"two\","
	    "\"severity\":2},\"hygiene\":{\"suppressed\":1,"
	    "\"summary\":true}");
	snprintf(want[4], sizeof(want[4]), "\"event_type\":\"flow\"");
	snprintf(want[5], sizeof(want[5]), "\"signature_id\":1,\"rev\":1,"
	    "\"signature\":\"one\",\"severity\":2},\"hygiene\":"
	    "{\"suppressed\":1,\"summary\":true}");
	snprintf(path, sizeof(path), "%s/eve.json", tmpdir);
	assert_non_null(f = fopen(path, "r"));
	while (getline(&line, &cap, f) > 0) {
		assert_true(n < 6);
		if (strstr(line, want[n]) == NULL)
			fail_msg("line %zu: %s, want %s", n + 1, line,
			    want[n]);
		n++;
	}
	fclose(f);
	free(line);
	assert_int_equal(n, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_output_file_whole,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_dev_full,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_file_size_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_short_writes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_output_broken_line_not_glued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_queue_bound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_live_queue_full,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_oversized_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_type_filter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_hygiene,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
