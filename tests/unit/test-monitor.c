/*
 * test-monitor.c - starting and stopping the sensor's threads
 * (src/engine/monitor.c).  Linked with --wrap=pthread_create, so a test
 * can make the creation of one thread fail.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "device/brain.h"
#include "engine/config.h"
#include "engine/monitor.h"
#include "engine/worker.h"

int	__real_pthread_create(pthread_t *, const pthread_attr_t *,
	    void *(*)(void *), void *);
int	__wrap_pthread_create(pthread_t *, const pthread_attr_t *,
	    void *(*)(void *), void *);

static int calls, fail_at;

int
__wrap_pthread_create(pthread_t *t, const pthread_attr_t *a,
    void *(*fn)(void *), void *arg)
{
	if (++calls == fail_at)
		return EAGAIN;
	return __real_pthread_create(t, a, fn, arg);
}

static volatile sig_atomic_t stop, reopen;

/*
 * With three workers, monitor_start() creates the output thread first,
 * then the workers, then the brain.  Whichever fails, monitor_start() fails and
 * monitor_free() returns: the threads already started were ended
 * before their queues and locks were destroyed (a worker left waiting
 * on a destroyed condition variable hangs or crashes here).
 */
/* The default config, three workers, test mode, logs in dir. */
static void
three_workers(struct config *cfg, struct monitor_opts *mo, char *dir)
{
	config_defaults(cfg);
	memset(mo, 0, sizeof(*mo));
	mo->logdir = dir;
	mo->workers = 3;
	mo->test_mode = true;
	mo->stop = &stop;
	mo->reopen = &reopen;
}

static void
test_monitor_thread_start_fails(void **state)
{
	char dir[] = "/tmp/ww-monitor-XXXXXX", cmd[64];
	struct monitor_opts mo;
	struct monitor mon;
	struct config cfg;
	int at;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (at = 1; at <= 5; at++) {
		three_workers(&cfg, &mo, dir);
		calls = 0;
		fail_at = 0;
		assert_int_equal(monitor_init(&mon, &cfg, &mo), 0);
		calls = 0;
		fail_at = at;
		assert_int_equal(monitor_start(&mon), -1);
		monitor_free(&mon);
		config_free(&cfg);
	}
	/* And with nothing failing, it starts and stops. */
	config_defaults(&cfg);
	calls = 0;
	fail_at = 0;
	assert_int_equal(monitor_init(&mon, &cfg, &mo), 0);
	assert_int_equal(monitor_start(&mon), 0);
	monitor_free(&mon);
	config_free(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * monitor_init() builds the workers on threads of their own (one each)
 * while it loads the brain, and monitor_free() after a finished run
 * frees them on threads of their own while it frees the brain.  When
 * such a thread cannot be made, the work is done in place: nothing is
 * lost, nothing leaks (the sanitizer build checks), and every worker
 * exists.
 */
static void
test_monitor_job_threads(void **state)
{
	char dir[] = "/tmp/ww-monitor-XXXXXX", cmd[64];
	struct monitor_summary sum;
	struct monitor_opts mo;
	struct monitor mon;
	struct config cfg;
	uint32_t i;
	int at;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (at = 0; at <= 3; at++) {
		three_workers(&cfg, &mo, dir);
		calls = 0;
		fail_at = at;
		assert_int_equal(monitor_init(&mon, &cfg, &mo), 0);
		/* One thread a worker, each joined before the return. */
		assert_int_equal(calls, 3);
		assert_int_equal(mon.nworkers, 3);
		for (i = 0; i < mon.nworkers; i++)
			assert_non_null(mon.workers[i]);
		fail_at = 0;
		assert_int_equal(monitor_start(&mon), 0);
		assert_int_equal(monitor_finish(&mon, &sum), 0);
		assert_int_equal(sum.packets, 0);
		calls = 0;
		fail_at = at;
		monitor_free(&mon);
		assert_int_equal(calls, 3);
		config_free(&cfg);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * When the brain cannot be loaded (here the state file's folder is a
 * plain file), monitor_init() fails after the workers were built on
 * their threads: every one of them was joined, and monitor_free()
 * frees them (the sanitizer build checks that nothing leaks).  The
 * same holds when their build threads could not be made.
 */
static void
test_monitor_brain_fails(void **state)
{
	char dir[] = "/tmp/ww-monitor-XXXXXX", path[64], cmd[80];
	struct monitor_opts mo;
	struct monitor mon;
	struct config cfg;
	FILE *f;
	int at;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/file/state.db", dir);
	for (at = 0; at <= 3; at++) {
		three_workers(&cfg, &mo, dir);
		assert_true(cfg.devices.enabled);
		mo.state_path = path;
		calls = 0;
		fail_at = at;
		assert_int_equal(monitor_init(&mon, &cfg, &mo), -1);
		assert_int_equal(calls, 3);
		assert_null(mon.brain);
		assert_int_equal(mon.nworkers, 3);
		/* Built, each on its thread or in place, and joined. */
		assert_non_null(mon.workers[0]);
		assert_non_null(mon.workers[1]);
		assert_non_null(mon.workers[2]);
		fail_at = 0;
		monitor_free(&mon);
		config_free(&cfg);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * Once a run has finished, every flow has ended and its device events
 * are the brain's: monitor_finish() frees what only flows and packets
 * used (the packet batches, the application layer with nDPI's module,
 * the room of the device event queue) before the brain applies the
 * end's events, the run's peak, and not in monitor_free() after it.
 * The flow table goes too; the figures the last stats record reads
 * from it stay.
 */
static void
test_monitor_finish_releases(void **state)
{
	char dir[] = "/tmp/ww-monitor-XXXXXX", cmd[64], path[1200];
	const char *top = getenv("top_srcdir");
	struct monitor_summary sum;
	struct monitor_opts mo;
	struct monitor mon;
	struct config cfg;
	char *files[1];
	uint32_t i, nw;

	(void)state;
	snprintf(path, sizeof(path), "%s/pcaps/ward.pcap",
	    top != NULL ? top : ".");
	files[0] = path;
	assert_non_null(mkdtemp(dir));
	for (nw = 1; nw <= 2; nw++) {
		three_workers(&cfg, &mo, dir);
		mo.workers = nw;
		calls = 0;
		fail_at = 0;
		assert_int_equal(monitor_init(&mon, &cfg, &mo), 0);
		assert_int_equal(monitor_start(&mon), 0);
		assert_int_equal(monitor_run_offline(&mon, files, 1), 0);
		for (i = 0; i < mon.nworkers; i++) {
			assert_non_null(mon.workers[i]->app);
			if (nw > 1)
				assert_true(atomic_load(
				    &mon.workers[i]->nbatches) > 0);
		}
		assert_int_equal(monitor_finish(&mon, &sum), 0);
		assert_true(sum.flows > 0);
		for (i = 0; i < mon.nworkers; i++) {
			struct worker *w = mon.workers[i];

			assert_int_equal(worker_flow_active(w), 0);
			assert_null(w->ft);
			assert_true(worker_flow_memuse_peak(w) > 0);
			assert_null(w->app);
			assert_null(w->spare);
			assert_null(w->cur);
			assert_null(w->bq.ev);
			assert_int_equal(w->bq.cap, 0);
		}
		monitor_free(&mon);
		config_free(&cfg);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_thread_start_fails),
		cmocka_unit_test(test_monitor_job_threads),
		cmocka_unit_test(test_monitor_brain_fails),
		cmocka_unit_test(test_monitor_finish_releases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
