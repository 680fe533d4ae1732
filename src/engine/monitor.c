/*
 * monitor.c - the capture thread's pipeline: read, decode, report
 * decode anomalies, dispatch to a worker by flow hash, keep the packet
 * clock, and write the periodic and final stats.
 */
#include <config.h>

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "app/lldp.h"
#include "decode/decode.h"
#include "decode/packet.h"
#include "detect/detect.h"
#include "device/brain.h"
#include "device/devfacts.h"
#include "engine/config.h"
#include "engine/health.h"
#include "engine/monitor.h"
#include "engine/notify.h"
#include "engine/worker.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/file.h"
#include "output/output.h"
#include "output/record.h"
#include "output/sinks.h"
#include "util/log.h"

#define MONITOR_TICK_US		1000000ULL	/* flow expiry granularity */
/*
 * Device events wait for the brain at most this many packets, though a
 * tick is a second: a fast capture holds a few hundred thousand packets
 * a second, and their events (about 170 bytes each) waited whole, in
 * the workers' queues and the brain's, before it could apply any.
 */
#define MONITOR_PART_PKTS	16384
#define MONITOR_POLL_MS		100		/* live: longest wait */
#define MONITOR_RELEASE_STEP	(1u << 20)	/* mapped file bytes */
#define MONITOR_FANOUT_BURST	1024		/* packets per dispatch */

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

static void
anomaly_budget_reset(struct monitor *mon)
{
	int i;

	for (i = 0; i < EV_MAX; i++)
		mon->anom_budget[i] = mon->cfg->anomaly_rate;
}

/*
 * Layer-2 discovery frames (LLDP; CDP in 802.3 LLC/SNAP) are rare and
 * flowless: the capture thread parses them itself, writes an "lldp" or
 * "cdp" record and hands the facts to the device brain.
 */
static void	monitor_anomalies(struct monitor_reader *,
		    const struct packet *);
static void	monitor_barrier_reached(void *, uint64_t);
static void	monitor_push_all(struct monitor *);

static void
monitor_l2(struct monitor_reader *rd, struct packet *p)
{
	struct monitor *mon = rd->mon;
	static const uint8_t snap_cdp[8] = {
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00
	};
	const uint8_t *d = p->data + p->l3_off;
	size_t n = p->l3_len;
	struct lldp_facts f;
	enum ww_counter anom = EV_MAX;
	struct jsonw *jw;
	const char *name;
	unsigned type;
	int rc;

	memset(&f, 0, sizeof(f));
	if (p->ethertype == LLDP_ETHERTYPE)
		rc = lldp_parse(d, n, &f, &anom);
	else if (p->ethertype < 0x0600 && n >= sizeof(snap_cdp) &&
	    memcmp(d, snap_cdp, sizeof(snap_cdp)) == 0) {
		/* The 802.3 length covers LLC, SNAP and the PDU only. */
		if (p->ethertype >= sizeof(snap_cdp) && p->ethertype < n)
			n = p->ethertype;
		rc = cdp_parse(d + sizeof(snap_cdp), n - sizeof(snap_cdp), &f,
		    &anom);
	} else
		return;
	if (anom != EV_MAX) {
		/* Counted and written (rate-limited) as decode anomalies. */
		p->anom_cnt = 0;
		decode_anomaly(rd->ctr, p, anom);
		monitor_anomalies(rd, p);
	}
	if (rc != 0 && f.n_tlvs == 0)
		return;
	type = f.proto == LLDP_PROTO_CDP ? RECORD_CDP : RECORD_LLDP;
	name = f.proto == LLDP_PROTO_CDP ? "cdp" : "lldp";
	if ((jw = eve_l2_begin(rd->rw, type, p, name, &mon->eve)) == NULL)
		goto facts;
	ctr_inc(rd->ctr, f.proto == LLDP_PROTO_CDP ? CTR_APP_CDP :
	    CTR_APP_LLDP);
	jsonw_key(jw, name);
	jsonw_obj_open(jw);
	lldp_eve(jw, &f);
	jsonw_obj_close(jw);
	record_commit(rd->rw);
 facts:
	if (mon->brain != NULL && mon->cfg->devices.enabled)
		devfacts_lldp(rd->bq, p, &f);
}

static void	monitor_packet(struct monitor_reader *,
		    const struct pcap_pkthdr *, const uint8_t *);

static void
fanout_cb(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct monitor_reader *rd = (struct monitor_reader *)arg;

	rd->cur->pkts++;
	monitor_packet(rd, h, bytes);
}

/* A worker's own sockets (worker_source.run, on its thread). */
static int
fanout_run(void *arg, struct worker *w, int timeout_ms)
{
	struct monitor_reader *rd = arg;
	struct monitor *mon = rd->mon;
	struct pollfd pfd[MONITOR_MAX_IFACES];
	size_t i;
	int n;

	(void)w;
	for (i = 0; i < mon->ncaps; i++) {
		pfd[i].fd = rd->caps[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (poll(pfd, (nfds_t)mon->ncaps, timeout_ms) == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < mon->ncaps; i++) {
		rd->cur = &rd->caps[i];
		rd->health = mon->healths[i];
		/* Bounded, so that a busy socket still lets the worker
		 * look at its queue (a barrier waits for it). */
		n = pcap_dispatch(rd->cur->pcap, MONITOR_FANOUT_BURST,
		    fanout_cb, (u_char *)rd);
		if (n < 0 && n != PCAP_ERROR_BREAK) {
			log_warnx("%s: worker %u: %s", rd->cur->name,
			    rd->w->id, pcap_geterr(rd->cur->pcap));
			ctr_inc(rd->ctr, CTR_CAPTURE_ERRORS);
			return -1;
		}
	}
	return 0;
}

/*
 * worker_source.tick, on the worker's thread: the defragmenter's
 * clock, the anomaly budget's interval, and the kernel counters the
 * capture thread sums (pcap_stats on the worker's own handle).
 */
static void
fanout_tick(void *arg, uint64_t now_us)
{
	struct monitor_reader *rd = arg;
	struct monitor *mon = rd->mon;
	size_t i;

	if (now_us != 0) {
		decoder_tick(rd->dec, now_us);
		if (now_us >= rd->next_budget_us) {
			for (i = 0; i < EV_MAX; i++)
				rd->budget[i] = mon->cfg->anomaly_rate;
			rd->next_budget_us = now_us + (uint64_t)(
			    mon->cfg->stats_interval ?
			    mon->cfg->stats_interval : 60) * 1000000ULL;
		}
	}
	for (i = 0; i < mon->ncaps; i++) {
		capture_update_stats(&rd->caps[i]);
		atomic_store(&rd->k_recv[i], rd->caps[i].recv);
		atomic_store(&rd->k_drop[i], rd->caps[i].drop);
		atomic_store(&rd->k_ifdrop[i], rd->caps[i].ifdrop);
	}
}

/* One reader per worker; their sockets open in monitor_open_live(). */
static int
monitor_fanout_init(struct monitor *mon)
{
	struct worker_source src;
	struct monitor_reader *rd;
	uint32_t i, k;

	mon->fanout = xcalloc(mon->nworkers, sizeof(*mon->fanout));
	for (i = 0; i < mon->nworkers; i++) {
		rd = &mon->fanout[i];
		rd->mon = mon;
		rd->w = mon->workers[i];
		rd->ctr = &rd->w->ctr;
		rd->rw = &rd->w->rw;
		rd->bq = &rd->w->bq;
		rd->anom_budget = rd->budget;
		for (k = 0; k < EV_MAX; k++)
			rd->budget[k] = mon->cfg->anomaly_rate;
		rd->cur = &rd->caps[0];
		if ((rd->dec = decoder_new(&mon->cfg->decode, rd->ctr)) ==
		    NULL) {
			log_warnx("worker %u: cannot create the decoder", i);
			return -1;
		}
		memset(&src, 0, sizeof(src));
		src.run = fanout_run;
		src.tick = fanout_tick;
		src.arg = rd;
		worker_set_source(rd->w, &src);
	}
	return 0;
}

/*
 * Start-up and teardown work done beside the main thread's: building a
 * worker (its nDPI module is most of the start-up's instructions) while
 * the main thread loads the brain, and freeing one while it frees the
 * brain.  Each job touches only its worker.
 */
struct monitor_job {
	pthread_t			 thr;
	bool				 started;
	const struct worker_setup	*ws;
	uint32_t			 id;
	bool				 threaded;
	struct worker			*w;
};

static void *
monitor_job_new(void *arg)
{
	struct monitor_job *j = arg;

	j->w = worker_new(j->ws, j->id, j->threaded);
	return NULL;
}

static void *
monitor_job_free(void *arg)
{
	struct monitor_job *j = arg;

	worker_free(j->w);
	return NULL;
}

/* Run fn(job) on a thread of its own, or here if none can be made. */
static void
monitor_job_start(struct monitor_job *j, void *(*fn)(void *))
{
	j->started = pthread_create(&j->thr, NULL, fn, j) == 0;
	if (!j->started)
		(void)fn(j);
}

static void
monitor_job_join(struct monitor_job *j)
{
	if (j->started)
		pthread_join(j->thr, NULL);
	j->started = false;
}

int
monitor_init(struct monitor *mon, const struct config *cfg,
    const struct monitor_opts *opts)
{
	struct output_config oc;
	struct worker_setup ws;
	struct monitor_job *jobs;
	char host[256] = "", seqpath[4096], statedir[4096], *slash;
	const char *env;
	unsigned long v;
	uint32_t i, n;
	bool brain;

	memset(mon, 0, sizeof(*mon));
	memset(&oc, 0, sizeof(oc));
	mon->cfg = cfg;
	mon->opts = *opts;
	mon->wall_start = wall_now();
	sipkey_init(&mon->key, opts->test_mode);
	mon->eve.localtime = cfg->ts_localtime;
	mon->eve.cid_seed = cfg->community_id_seed;
	app_engine_config_defaults(&mon->app_cfg);
	mon->app_cfg.max_buffer = (uint32_t)cfg->app_max_buffer;
	mon->app_cfg.detect_bytes = cfg->app_detect_bytes;
	mon->app_cfg.ndpi = cfg->app_enabled && cfg->ndpi_enabled;
	mon->app_cfg.ndpi_max_packets = cfg->ndpi_max_packets;
	mon->app_cfg.ndpi_protocols = cfg->ndpi_protocols;
	for (i = 0; i < APP_MAX; i++)
		mon->app_cfg.enabled[i] = cfg->app_enabled &&
		    (cfg->app_parsers & (1u << i)) != 0;
	pthread_mutex_init(&mon->bar_lock, NULL);
	pthread_cond_init(&mon->bar_cv, NULL);
	anomaly_budget_reset(mon);

	oc.test_mode = opts->test_mode;
	oc.block = !opts->live;
	oc.queue_batches = opts->live ? 0 : OUTPUT_OFFLINE_QUEUE;
	oc.localtime = cfg->ts_localtime;
	oc.hygiene = cfg->hygiene;
	if (strcmp(cfg->sensor_name, CONFIG_SENSOR_AUTO) != 0)
		oc.host = cfg->sensor_name;
	else if (!opts->test_mode &&
	    gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0')
		oc.host = host;		/* test mode: no host name */
	if (opts->state_path != NULL) {
		snprintf(seqpath, sizeof(seqpath), "%s.seq", opts->state_path);
		oc.seq_path = seqpath;
		snprintf(statedir, sizeof(statedir), "%s", opts->state_path);
		if ((slash = strrchr(statedir, '/')) != NULL)
			*slash = '\0';
		else
			strlcpy(statedir, ".", sizeof(statedir));
	}
	mon->out = output_new(&oc);
	if (cfg->noutputs > 0) {
		struct sinks_env se = {
			.logdir = opts->logdir,
			.statedir = opts->state_path != NULL ? statedir : NULL,
			.host = oc.host,
			.test_mode = opts->test_mode,
			.block = !opts->live,
		};

		if (sinks_open(mon->out, cfg->outputs, cfg->noutputs,
		    &se) == -1)
			return -1;
	} else if (cfg->eve_enabled) {
		struct sink *eve;

		eve = output_file_open(opts->logdir, cfg->eve_filename,
		    opts->test_mode, &cfg->eve_types);
		if (eve == NULL) {
			log_warnx("%s%s%s: %s", cfg->eve_filename[0] == '/' ?
			    "" : opts->logdir, cfg->eve_filename[0] == '/' ?
			    "" : "/", cfg->eve_filename,
			    util_open_strerror(errno));
			return -1;
		}
		output_add_sink(mon->out, eve);
	}
	record_writer_init(&mon->rw, mon->out);
	if ((mon->dec = decoder_new(&cfg->decode, &mon->ctr)) == NULL) {
		log_warnx("cannot create the decoder");
		return -1;
	}
	mon->rd.mon = mon;
	mon->rd.cur = &mon->cap;
	mon->rd.dec = mon->dec;
	mon->rd.ctr = &mon->ctr;
	mon->rd.rw = &mon->rw;
	mon->rd.bq = &mon->bq;
	mon->rd.anom_budget = mon->anom_budget;

	n = opts->workers ? opts->workers : cfg->workers;
	if (n == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		n = c > 0 ? (uint32_t)c : 1;
	}
	if (n > CONFIG_MAX_WORKERS)
		n = CONFIG_MAX_WORKERS;
#ifdef M_ARENA_MAX
	/*
	 * glibc gives threads arenas of their own, up to 8 a core, and what
	 * one frees serves only its own: the capture, brain and output
	 * threads' arenas held 15 MB of the hospital capture's 160 MB peak.
	 * One a worker, which the other threads share: with an arena of
	 * their own, what the flows freed at the end could not serve the
	 * brain catching up, and on a loaded machine the bench capture's
	 * peak with one worker was 171 to 202 MB against 157 MB.
	 * MALLOC_ARENA_MAX still wins.
	 */
	if (getenv("MALLOC_ARENA_MAX") == NULL)
		(void)mallopt(M_ARENA_MAX, (int)n);
#endif
	mon->part_max = MONITOR_PART_PKTS;
	if ((env = getenv("WARDWATCH_TEST_PART_PKTS")) != NULL &&
	    (v = strtoul(env, NULL, 10)) > 0)
		mon->part_max = v;
	if (opts->detect != NULL) {
		for (i = 0; i < APP_MAX; i++)
			mon->detect_protos[i] = detect_wants_proto(opts->detect,
			    (enum app_proto)i);
		ctr_set(&mon->ctr, CTR_DETECT_RULES_LOADED,
		    detect_rules_loaded(opts->detect));
		ctr_set(&mon->ctr, CTR_DETECT_RULES_SKIPPED,
		    detect_rules_skipped(opts->detect));
	}
	mon->nworkers = n;
	mon->threaded = n > 1;
	mon->workers = xcalloc(n, sizeof(*mon->workers));
	memset(&ws, 0, sizeof(ws));
	ws.flow = &cfg->flow;
	ws.app = &mon->app_cfg;
	ws.key = &mon->key;
	ws.eve = &mon->eve;
	ws.out = mon->out;
	ws.brain = NULL;		/* given once it exists */
	ws.devices = cfg->devices.enabled;
	ws.detect = opts->detect;
	ws.detect_protos = mon->detect_protos;
	ws.nworkers = n;
	ws.barrier = monitor_barrier_reached;
	ws.arg = mon;
	/*
	 * The workers are built on threads of their own while this one
	 * loads the brain (registry, fingerprints, state), when there is
	 * one to load or more than one worker; all are joined before
	 * monitor_init() returns, so the sensor is one thread again.
	 */
	jobs = xcalloc(n, sizeof(*jobs));
	brain = cfg->devices.enabled || opts->detect != NULL;
	for (i = 0; i < n; i++) {
		jobs[i].ws = &ws;
		jobs[i].id = i;
		jobs[i].threaded = mon->threaded;
		if (brain || n > 1)
			monitor_job_start(&jobs[i], monitor_job_new);
	}
	if (brain) {
		/* Workers and the capture thread (LLDP, CDP) feed it; with
		 * devices off it only writes the rules' alerts. */
		mon->brain = brain_new(&cfg->devices, n + 1,
		    cfg->devices.enabled ? opts->state_path : NULL,
		    mon->out, &mon->brain_ctr, stderr);
		if (mon->brain != NULL)
			brain_set_detect(mon->brain, opts->detect);
	}
	for (i = 0; i < n; i++) {
		if (brain || n > 1)
			monitor_job_join(&jobs[i]);
		else
			jobs[i].w = worker_new(&ws, i, mon->threaded);
		mon->workers[i] = jobs[i].w;
		if (jobs[i].w != NULL)
			worker_set_brain(jobs[i].w, mon->brain);
	}
	free(jobs);
	if (brain && mon->brain == NULL)
		return -1;	/* monitor_free() frees the workers */
	for (i = 0; i < n; i++)
		if (mon->workers[i] == NULL) {
			log_warnx("cannot create worker %u", i);
			return -1;
		}
	if (opts->fanout && opts->live) {
		if (n < 2)
			log_info("capture.mode fanout with one worker: one "
			    "reader");
		else if (monitor_fanout_init(mon) == -1)
			return -1;
	}
	return 0;
}

/*
 * The threads start apart from monitor_init(), so that the live sensor
 * can give up its privileges in between: with every file and capture
 * open and a single thread, which the others inherit.
 */
int
monitor_start(struct monitor *mon)
{
	uint32_t i;

	if (output_start(mon->out) == -1) {
		log_warn("output thread");
		return -1;
	}
	for (i = 0; i < mon->nworkers; i++)
		if (worker_start(mon->workers[i]) == -1) {
			log_warn("worker %u: pthread_create", i);
			return -1;	/* monitor_free() ends the others */
		}
	if (brain_start(mon->brain, !mon->opts.live) == -1) {
		log_warn("device brain: pthread_create");
		return -1;
	}
	return 0;
}

static void
monitor_barrier_reached(void *arg, uint64_t seq)
{
	struct monitor *mon = arg;

	pthread_mutex_lock(&mon->bar_lock);
	mon->bar_seq++;
	pthread_cond_broadcast(&mon->bar_cv);
	/* Fan-out: stay idle until the capture thread is done (stats
	 * summed, rules swapped): this worker would read on. */
	while (mon->bar_hold != 0 && mon->bar_hold == seq)
		pthread_cond_wait(&mon->bar_cv, &mon->bar_lock);
	pthread_mutex_unlock(&mon->bar_lock);
}

/* Fan-out: the workers a barrier holds go back to reading. */
static void
monitor_resume(struct monitor *mon)
{
	if (mon->fanout == NULL)
		return;
	pthread_mutex_lock(&mon->bar_lock);
	mon->bar_hold = 0;
	pthread_cond_broadcast(&mon->bar_cv);
	pthread_mutex_unlock(&mon->bar_lock);
}

/* Wait until every worker has processed all it was given. */
static void
monitor_barrier(struct monitor *mon)
{
	uint64_t target;
	uint32_t i;

	if (!mon->threaded)
		return;
	pthread_mutex_lock(&mon->bar_lock);
	target = mon->bar_seq + mon->nworkers;
	if (mon->fanout != NULL)
		mon->bar_hold = target;
	pthread_mutex_unlock(&mon->bar_lock);
	for (i = 0; i < mon->nworkers; i++)
		worker_enqueue_barrier(mon->workers[i], target);
	pthread_mutex_lock(&mon->bar_lock);
	while (mon->bar_seq < target)
		pthread_cond_wait(&mon->bar_cv, &mon->bar_lock);
	pthread_mutex_unlock(&mon->bar_lock);
}

static void
monitor_sum(struct monitor *mon, struct counters *sum,
    struct eve_stats_extra *x)
{
	uint32_t i;

	memset(sum, 0, sizeof(*sum));
	memset(x, 0, sizeof(*x));
	counters_merge(sum, &mon->ctr);
	output_counters(mon->out, sum);
	counters_merge(sum, &mon->brain_ctr);
	for (i = 0; i < mon->nworkers; i++) {
		counters_merge(sum, &mon->workers[i]->ctr);
		x->flow_active += worker_flow_active(mon->workers[i]);
		x->flow_memuse += worker_flow_memuse(mon->workers[i]);
		x->flow_memuse_peak +=
		    worker_flow_memuse_peak(mon->workers[i]);
		x->queue_memuse_peak +=
		    worker_queue_memuse_peak(mon->workers[i]);
	}
	/* Peaks summed: never less than what they held at once. */
	x->queue_memuse_peak += output_queue_memuse_peak(mon->out);
	x->defrag_memuse = decoder_memuse(mon->dec);
	x->max_pkt_size = mon->max_pkt_size;
	for (i = 0; mon->fanout != NULL && i < mon->nworkers; i++) {
		/* The workers are held at a barrier, or joined. */
		x->defrag_memuse += decoder_memuse(mon->fanout[i].dec);
		if (mon->fanout[i].max_pkt_size > x->max_pkt_size)
			x->max_pkt_size = mon->fanout[i].max_pkt_size;
	}
	x->workers = mon->nworkers;
	x->files_read = mon->files_read;
	x->files_failed = mon->files_failed;
	/* Per-output figures depend on timing: not in test mode. */
	x->out = mon->opts.test_mode ? NULL : mon->out;
	for (i = 0; i < mon->ncaps; i++) {
		struct health_counts hc;

		if (mon->healths[i] == NULL)
			continue;
		health_counts(mon->healths[i], &hc);
		x->live_health = true;
		x->iface_rx_dropped += hc.iface_rx_dropped;
		x->iface_rx_missed += hc.iface_rx_missed;
		x->duplicates += hc.duplicates;
		x->health_alerts += hc.alerts;
	}
	if (mon->cap.live || mon->first_us == 0)
		x->uptime_s = (uint64_t)(wall_now() - mon->wall_start);
	else
		x->uptime_s = (mon->now_us - mon->first_us) / 1000000;
}

static void	monitor_live_stats(struct monitor *);

static void
monitor_emit_stats(struct monitor *mon, uint64_t ts_us)
{
	struct counters *sum;
	struct eve_stats_extra x;

	monitor_barrier(mon);
	if (!record_wanted(&mon->rw, RECORD_STATS)) {
		monitor_resume(mon);
		return;
	}
	/* Deterministic output: the device counters as of this tick. */
	if (mon->opts.test_mode)
		brain_quiesce(mon->brain);
	sum = xcalloc(1, sizeof(*sum));
	if (mon->fanout != NULL)
		monitor_live_stats(mon);
	monitor_sum(mon, sum, &x);
	monitor_resume(mon);
	eve_stats(&mon->rw, ts_us, sum, &x);
	free(sum);
}

/* Advance the packet clock: flow expiry ticks, defrag, stats. */
static void
monitor_clock(struct monitor *mon, uint64_t now)
{
	uint32_t i;

	if (mon->first_us == 0) {
		mon->first_us = now;
		mon->next_tick_us = now + MONITOR_TICK_US;
		if (mon->cfg->stats_interval > 0)
			mon->next_stats_us = now +
			    (uint64_t)mon->cfg->stats_interval * 1000000ULL;
	}
	if (now > mon->now_us)
		mon->now_us = now;
	if (mon->now_us >= mon->next_tick_us) {
		brain_sync(mon->brain, mon->nworkers, mon->now_us, &mon->bq);
		for (i = 0; i < mon->nworkers; i++)
			worker_enqueue_tick(mon->workers[i], mon->now_us);
		decoder_tick(mon->dec, mon->now_us);
		record_flush(&mon->rw);
		mon->next_tick_us = mon->now_us + MONITOR_TICK_US;
		mon->brain_gen = mon->now_us;
		mon->part_pkts = 0;
	} else if (mon->part_pkts >= mon->part_max &&
	    mon->brain != NULL && mon->now_us > mon->brain_gen + 1) {
		/*
		 * Its gen is below any tick still to come, even one at this
		 * very time: a tick that came with the same gen could be
		 * settled before every worker had handed over its part.  Not
		 * at time 0 or 1: gen 0 is "nothing yet", and 0 - 1 the end.
		 */
		mon->brain_gen = mon->now_us - 1;
		brain_sync_part(mon->brain, mon->nworkers, mon->brain_gen,
		    &mon->bq);
		for (i = 0; i < mon->nworkers; i++)
			worker_enqueue_part(mon->workers[i], mon->brain_gen);
		mon->part_pkts = 0;
	}
	if (mon->next_stats_us != 0 && mon->now_us >= mon->next_stats_us) {
		monitor_emit_stats(mon, mon->now_us);
		anomaly_budget_reset(mon);
		mon->next_stats_us = mon->now_us +
		    (uint64_t)mon->cfg->stats_interval * 1000000ULL;
	}
}

/*
 * Every worker and the device brain idle, with everything given to
 * them applied: the workers and the capture thread hand their events
 * over as at a tick, then a barrier, then the brain catches up.
 */
static void
monitor_quiesce(struct monitor *mon)
{
	uint32_t i;

	brain_sync(mon->brain, mon->nworkers, mon->now_us, &mon->bq);
	mon->brain_gen = mon->now_us;
	for (i = 0; i < mon->nworkers; i++)
		worker_enqueue_tick(mon->workers[i], mon->now_us);
	monitor_push_all(mon);
	monitor_barrier(mon);
	brain_quiesce(mon->brain);
}

int
monitor_add_reload(struct monitor *mon, const struct monitor_reload *r)
{
	if (mon->nreload >= MONITOR_MAX_RELOAD)
		return -1;
	mon->reload[mon->nreload++] = *r;
	return 0;
}

/* Every part prepared: swap them in with the workers and brain idle;
 * otherwise drop what was prepared. */
static int
monitor_reload_end(struct monitor *mon, size_t ok)
{
	size_t i;

	if (ok < mon->nreload) {
		for (i = 0; i < ok; i++)
			if (mon->reload[i].abort != NULL)
				mon->reload[i].abort(mon->reload[i].arg);
		mon->reload_failures++;
		log_warnx("reload: %s: errors above; the running "
		    "configuration, rules and fingerprints stay",
		    mon->reload[ok].name);
		notify_ready("reload failed: the running rules stay");
		return -1;
	}
	monitor_quiesce(mon);
	for (i = 0; i < mon->nreload; i++)
		mon->reload[i].commit(mon->reload[i].arg, mon);
	monitor_resume(mon);
	mon->reloads++;
	log_warnx("reload: done (%zu part%s)", mon->nreload,
	    mon->nreload == 1 ? "" : "s");
	notify_ready("reloaded");
	return 0;
}

static size_t
monitor_reload_prepare(struct monitor *mon)
{
	size_t ok;

	for (ok = 0; ok < mon->nreload; ok++)
		if (mon->reload[ok].prepare(mon->reload[ok].arg, stderr) == -1)
			break;
	return ok;
}

int
monitor_reload(struct monitor *mon)
{
	output_reopen(mon->out);
	if (mon->nreload == 0)
		return 0;
	log_warnx("SIGHUP: reloading");
	notify_reloading();
	return monitor_reload_end(mon, monitor_reload_prepare(mon));
}

static void *
reload_main(void *arg)
{
	struct monitor *mon = arg;

	util_thread_name("ww-reload");
	mon->reload_ok = monitor_reload_prepare(mon);
	atomic_store(&mon->reload_done, 1);
	return NULL;
}

/* How long systemd is asked to wait, again and again, while a reload
 * prepares (RELOADING=1 has a timeout of its own). */
#define RELOAD_EXTEND_US	30000000ULL

void
monitor_reload_start(struct monitor *mon)
{
	output_reopen(mon->out);
	if (mon->nreload == 0)
		return;
	if (mon->reload_running) {
		/* Files are reopened now; the parts are read again once
		 * the running reload ends (they may have changed since
		 * it read them). */
		mon->reload_again = true;
		return;
	}
	log_warnx("SIGHUP: reloading");
	notify_reloading();
	notify_extend(RELOAD_EXTEND_US);
	mon->reload_extend_us = wall_us();
	atomic_store(&mon->reload_done, 0);
	if (pthread_create(&mon->reload_thr, NULL, reload_main, mon) != 0) {
		log_warn("reload: no thread; preparing on the capture thread");
		(void)monitor_reload_end(mon, monitor_reload_prepare(mon));
		return;
	}
	mon->reload_running = true;
}

void
monitor_reload_poll(struct monitor *mon, uint64_t now)
{
	if (!mon->reload_running)
		return;
	if (!atomic_load(&mon->reload_done)) {
		if (now - mon->reload_extend_us >= RELOAD_EXTEND_US / 3) {
			notify_extend(RELOAD_EXTEND_US);
			mon->reload_extend_us = now;
		}
		return;
	}
	pthread_join(mon->reload_thr, NULL);
	mon->reload_running = false;
	(void)monitor_reload_end(mon, mon->reload_ok);
	if (mon->reload_again) {
		mon->reload_again = false;
		monitor_reload_start(mon);
	}
}

void
monitor_set_detect(struct monitor *mon, const struct detect_engine *de)
{
	uint32_t i;

	if (de == NULL || mon->opts.detect == NULL)
		return;		/* rules off at start stay off */
	for (i = 0; i < mon->nworkers; i++)
		worker_set_detect(mon->workers[i], de);
	for (i = 0; i < APP_MAX; i++)
		mon->detect_protos[i] = detect_wants_proto(de,
		    (enum app_proto)i);
	brain_reload(mon->brain, NULL, de);
	mon->opts.detect = de;
	ctr_set(&mon->ctr, CTR_DETECT_RULES_LOADED, detect_rules_loaded(de));
	ctr_set(&mon->ctr, CTR_DETECT_RULES_SKIPPED,
	    detect_rules_skipped(de));
}

static void
monitor_anomalies(struct monitor_reader *rd, const struct packet *p)
{
	struct monitor *mon = rd->mon;
	uint8_t i;

	if (!record_wanted(rd->rw, RECORD_ANOMALY))
		return;
	for (i = 0; i < p->anom_cnt; i++) {
		enum ww_counter ev = (enum ww_counter)p->anom[i];

		if (mon->cfg->anomaly_rate != 0) {
			if (rd->anom_budget[ev] == 0) {
				ctr_inc(rd->ctr, CTR_ANOMALY_SUPPRESSED);
				continue;
			}
			rd->anom_budget[ev]--;
		}
		eve_anomaly_packet(rd->rw, p, ev, &mon->eve);
	}
}

static void
monitor_packet(struct monitor_reader *rd, const struct pcap_pkthdr *h,
    const uint8_t *bytes)
{
	struct monitor *mon = rd->mon;
	struct packet p;
	enum decode_result r;
	uint64_t ts, *now = rd->w != NULL ? &rd->now_us : &mon->now_us;
	uint64_t *maxsz = rd->w != NULL ? &rd->max_pkt_size :
	    &mon->max_pkt_size;
	struct worker *w;

	memset(&p, 0, sizeof(p));
	/* Times before 1970 are clamped; later ones fit in 64 bits. */
	ts = h->ts.tv_sec < 0 ? 0 : (uint64_t)h->ts.tv_sec * 1000000ULL +
	    (uint64_t)(h->ts.tv_usec < 0 ? 0 : h->ts.tv_usec % 1000000);
	p.ts_us = ts;
	p.pcap_cnt = rd->cur->pkts;
	p.data = bytes;
	p.caplen = h->caplen;
	p.wirelen = h->len;
	p.datalink = rd->cur->datalink;
	p.tcp_wscale = 0xff;

	ctr_inc(rd->ctr, CTR_PKTS);
	ctr_add(rd->ctr, CTR_BYTES, h->len);
	health_alive(rd->health, ts);
	if (h->len > *maxsz)
		*maxsz = h->len;
	if (ts < *now) {
		/*
		 * Flow timers keep using the latest time seen.  Live, the
		 * capture thread's clock also moves with the wall clock
		 * while it waits: a packet the kernel stamped before that
		 * is not a time going backwards.  A fan-out worker reads
		 * several interfaces' sockets in turn: only a time older
		 * than its own socket's last is.
		 */
		if (rd->w != NULL ? ts < rd->cur->last_us :
		    ts < mon->pkt_last_us)
			decode_anomaly(rd->ctr, &p, EV_TIME_BACKWARDS);
		p.ts_us = *now;
	}
	if (rd->w != NULL && ts > rd->cur->last_us)
		rd->cur->last_us = ts;
	if (rd->w == NULL && ts > mon->pkt_last_us)
		mon->pkt_last_us = ts;
	/* Fan-out: the capture thread keeps the clock (wall time). */
	if (rd->w == NULL) {
		mon->part_pkts++;
		monitor_clock(mon, p.ts_us);
	} else if (p.ts_us > rd->now_us)
		rd->now_us = p.ts_us;

	r = decode_packet(rd->dec, &p);
	if (p.anom_cnt > 0)
		monitor_anomalies(rd, &p);
	if (r == DECODE_NOT_IP && (p.flags & PKT_HAS_ETH) &&
	    mon->cfg->app_enabled)
		monitor_l2(rd, &p);
	/* A malformed IP packet still goes to a worker, for the rules on
	 * its decode events (decode-event:tcp.pkt_too_small), as Suricata
	 * matches them; it joins no flow. */
	if (r == DECODE_INVALID && (p.ipver == 4 || p.ipver == 6) &&
	    mon->opts.detect != NULL)
		p.flags |= PKT_INVALID;
	else if (r != DECODE_OK)
		return;
	p.flow_hash = flow_hash_packet(&mon->key, &p,
	    mon->cfg->flow.vlan_in_key);
	if (rd->health != NULL) {
		/* A second copy from another mirrored VLAN goes no further. */
		if (health_duplicate(rd->health, &p))
			return;
		/* Directions over every interface (health_oneway_scope). */
		health_packet(mon->healths[0], &p);
	}
	if (rd->w != NULL) {
		/* Fan-out: the kernel chose this worker by flow hash. */
		worker_handle_packet(rd->w, &p);
		return;
	}
	w = mon->workers[(p.flow_hash >> 32) % mon->nworkers];
	/* Reassembled datagrams live in the defragmenter: copy those. */
	if (capture_stable(&mon->cap) && p.data == bytes)
		worker_enqueue_packet_ref(w, &p, capture_offset(&mon->cap,
		    bytes));
	else
		worker_enqueue_packet(w, &p);
}

static void
monitor_push_all(struct monitor *mon)
{
	uint32_t i;

	for (i = 0; i < mon->nworkers; i++)
		worker_push(mon->workers[i]);
}

/*
 * A mapped capture file: workers read packets in place.  Every
 * MONITOR_RELEASE_STEP bytes, the pages before the oldest packet a
 * worker has yet to read are given back, so the resident set does not
 * grow with the file.
 */
static void
monitor_release(struct monitor *mon)
{
	uint64_t floor = mon->cap.map_off;
	uint32_t i;

	for (i = 0; i < mon->nworkers; i++) {
		uint64_t f = worker_ref_floor(mon->workers[i], floor);

		if (f < floor)
			floor = f;
	}
	capture_release(&mon->cap, floor);
	mon->release_at = mon->cap.map_off + MONITOR_RELEASE_STEP;
}

/* Workers may still hold packets of a mapped file: wait for them. */
static void
monitor_close_file(struct monitor *mon)
{
	if (capture_stable(&mon->cap))
		monitor_barrier(mon);
	capture_close(&mon->cap);
}

/* Read one file to its end; 0, or -1 when it stopped early. */
static int
monitor_read_file(struct monitor *mon, const char *path)
{
	char err[CAPTURE_ERRBUF];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	int rv;

	if (capture_open_offline(&mon->cap, path, mon->opts.bpf, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		mon->files_failed++;
		return -1;
	}
	mon->eve.pcap_filename = mon->cap.name;
	mon->release_at = MONITOR_RELEASE_STEP;
	log_debug("%s: %s, link type %d", path, capture_stable(&mon->cap) ?
	    "mapped" : "read through libpcap", mon->cap.datalink);
	for (;;) {
		if (*mon->opts.stop) {
			log_warnx("%s: interrupted after packet %" PRIu64,
			    path, mon->cap.pkts);
			mon->interrupted = true;
			break;
		}
		if (*mon->opts.reopen) {
			*mon->opts.reopen = 0;
			(void)monitor_reload(mon);
		}
		rv = capture_next(&mon->cap, &h, &bytes);
		if (rv == 1) {
			mon->cap.pkts++;
			monitor_packet(&mon->rd, h, bytes);
			if (capture_stable(&mon->cap) &&
			    mon->cap.map_off >= mon->release_at)
				monitor_release(mon);
			continue;
		}
		if (rv == 0)
			break;
		if (*mon->opts.stop) {
			/* A signal interrupted the read of a pipe. */
			log_warnx("%s: interrupted after packet %" PRIu64,
			    path, mon->cap.pkts);
			mon->interrupted = true;
			break;
		}
		/* A damaged record: keep what came before it. */
		log_warnx("%s: packet %" PRIu64 ": %s (partial input)", path,
		    mon->cap.pkts + 1, capture_error(&mon->cap));
		ctr_inc(&mon->ctr, CTR_CAPTURE_ERRORS);
		mon->files_failed++;
		mon->eve.pcap_filename = NULL;
		monitor_close_file(mon);
		return -1;
	}
	mon->files_read++;
	mon->eve.pcap_filename = NULL;
	monitor_close_file(mon);
	return 0;
}

int
monitor_run_offline(struct monitor *mon, char **files, size_t nfiles)
{
	size_t i;
	int status = 0;

	for (i = 0; i < nfiles && !*mon->opts.stop; i++)
		if (monitor_read_file(mon, files[i]) == -1)
			status = 2;
	if (i < nfiles && !mon->interrupted) {
		log_warnx("interrupted before %s", files[i]);
		mon->interrupted = true;
	}
	if (mon->interrupted)
		status = 2;
	monitor_push_all(mon);
	return status;
}

static void
live_cb(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct monitor *mon = (struct monitor *)arg;

	mon->rd.cur->pkts++;
	monitor_packet(&mon->rd, h, bytes);
}

static struct capture *
live_cap(struct monitor *mon, size_t i)
{
	return i == 0 ? &mon->cap : &mon->xcap[i - 1];
}

/*
 * Fan-out: a socket per worker on the interface, in one PACKET_FANOUT
 * group of its own, each with a ring of capture.buffer-size (as
 * Suricata's AF_PACKET threads have): a burst of one flow goes to one
 * socket, and a ring shared out would hold only its part of it.
 */
static int
monitor_open_fanout(struct monitor *mon, const char *iface)
{
	char err[CAPTURE_ERRBUF];
	struct capture *c;
	uint32_t i;
	int group = -1;

	for (i = 0; i < mon->nworkers; i++) {
		c = &mon->fanout[i].caps[mon->ncaps];
		if (capture_open_live(c, iface, mon->cfg->snaplen,
		    mon->cfg->promisc, mon->cfg->buffer_size, mon->opts.bpf,
		    err, sizeof(err)) == -1 ||
		    capture_fanout(c, &group, err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			return -1;
		}
	}
	log_info("%s: fan-out group %d, %u sockets (flow hash)", iface,
	    group, mon->nworkers);
	return 0;
}

int
monitor_open_live(struct monitor *mon, const char *iface)
{
	char err[CAPTURE_ERRBUF];
	struct capture *c;

	if (mon->ncaps >= MONITOR_MAX_IFACES) {
		log_warnx("%s: at most %d interfaces", iface,
		    MONITOR_MAX_IFACES);
		return -1;
	}
	c = live_cap(mon, mon->ncaps);
	if (mon->fanout != NULL) {
		if (monitor_open_fanout(mon, iface) == -1)
			return -1;
		/* The first reader's socket stands for the interface. */
		c->name = xstrdup(iface);
		c->live = true;
		c->datalink = mon->fanout[0].caps[mon->ncaps].datalink;
	} else if (capture_open_live(c, iface, mon->cfg->snaplen,
	    mon->cfg->promisc, mon->cfg->buffer_size, mon->opts.bpf, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	/* Records say where they were seen: "eth1", or "eth1,eth2" when
	 * one sensor reads both directions of a port from two. */
	if (mon->ncaps > 0)
		strlcat(mon->ifaces, ",", sizeof(mon->ifaces));
	strlcat(mon->ifaces, c->name, sizeof(mon->ifaces));
	output_set_iface(mon->out, mon->ifaces);
	mon->healths[mon->ncaps] = health_new(mon->cfg, iface);
	if (mon->fanout != NULL)
		health_share(mon->healths[mon->ncaps]);
	health_oneway_scope(mon->healths[mon->ncaps], mon->ncaps == 0,
	    mon->ifaces);
	health_oneway_scope(mon->healths[0], true, mon->ifaces);
	mon->ncaps++;
	return 0;
}

/*
 * The watchdog found the sensor stuck (a bug, a pathological input):
 * capture would back up behind it forever.  Say what, tell systemd,
 * send an alert, and exit at once (a stuck thread cannot be joined)
 * with a status of its own, for the service manager (or -D's
 * supervisor) to restart the sensor; the inventory loses at most one
 * save interval.
 */
static void
monitor_stalled(struct monitor *mon, uint64_t now, const char *what,
    uint64_t pending)
{
	struct record_writer rw;
	char buf[200];

	snprintf(buf, sizeof(buf), "%s made no progress for %u s with "
	    "%" PRIu64 " batches waiting%s: exiting for a restart", what,
	    mon->cfg->worker_stall, pending, pending >= WORKER_QUEUE_LEN ?
	    " (its queue is full: capture is blocked)" : "");
	log_warnx("%s", buf);
	notify_status(buf);
	record_writer_init(&rw, mon->out);
	health_stall_alert(&rw, now, mon->ifaces, what, mon->cfg->worker_stall,
	    pending);
	record_flush(&rw);
	output_flush(mon->out);
	/* The output thread writes it out, unless it is what is stuck. */
	sleep(1);
	_exit(MONITOR_EXIT_STALL);
}

/*
 * A worker with batches waiting that finishes none for
 * capture.health.worker-stall seconds is stuck; so is a capture loop
 * that has not come round for as long.  Checked on the watchdog's own
 * thread: a capture thread blocked on a stuck worker's full queue
 * could not check anything.
 */
static void
monitor_watch_workers(struct monitor *mon, uint64_t now)
{
	uint64_t done, beat, limit;
	char what[32];
	uint32_t i;

	limit = (uint64_t)mon->cfg->worker_stall * 1000000ULL;
	for (i = 0; i < mon->nworkers; i++) {
		done = worker_progress(mon->workers[i]);
		if (done != mon->wd_done[i] || mon->wd_since[i] == 0 ||
		    worker_pending(mon->workers[i]) == 0) {
			mon->wd_done[i] = done;
			mon->wd_since[i] = now;
			continue;
		}
		if (now - mon->wd_since[i] < limit)
			continue;
		snprintf(what, sizeof(what), "worker %u", i);
		monitor_stalled(mon, now, what,
		    worker_pending(mon->workers[i]));
	}
	beat = atomic_load(&mon->wd_beat);
	if (beat != 0 && now > beat && now - beat >= limit)
		monitor_stalled(mon, now, "the capture loop", 0);
}

static void *
watchdog_main(void *arg)
{
	struct monitor *mon = arg;
	struct timespec ts;

	util_thread_name("ww-watchdog");
	pthread_mutex_lock(&mon->wd_lock);
	while (!mon->wd_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&mon->wd_cv, &mon->wd_lock, &ts);
		if (mon->wd_stop)
			break;
		pthread_mutex_unlock(&mon->wd_lock);
		monitor_watch_workers(mon, wall_us());
		pthread_mutex_lock(&mon->wd_lock);
	}
	pthread_mutex_unlock(&mon->wd_lock);
	return NULL;
}

static void
watchdog_start(struct monitor *mon)
{
	if (mon->cfg->worker_stall == 0 || !mon->threaded)
		return;
	pthread_mutex_init(&mon->wd_lock, NULL);
	pthread_cond_init(&mon->wd_cv, NULL);
	atomic_store(&mon->wd_beat, wall_us());
	if (pthread_create(&mon->wd_thr, NULL, watchdog_main, mon) != 0) {
		log_warn("watchdog: no thread; stuck workers go unnoticed");
		return;
	}
	mon->wd_running = true;
}

static void
watchdog_stop(struct monitor *mon)
{
	if (!mon->wd_running)
		return;
	pthread_mutex_lock(&mon->wd_lock);
	mon->wd_stop = true;
	pthread_cond_signal(&mon->wd_cv);
	pthread_mutex_unlock(&mon->wd_lock);
	pthread_join(mon->wd_thr, NULL);
	mon->wd_running = false;
}

/* Fan-out: an interface's counters are its sockets' (one per worker,
 * each updated on its worker's thread), summed. */
static void
monitor_fanout_stats(struct monitor *mon, size_t i, struct capture *c)
{
	uint32_t j;

	c->recv = c->drop = c->ifdrop = 0;
	for (j = 0; j < mon->nworkers; j++) {
		c->recv += atomic_load(&mon->fanout[j].k_recv[i]);
		c->drop += atomic_load(&mon->fanout[j].k_drop[i]);
		c->ifdrop += atomic_load(&mon->fanout[j].k_ifdrop[i]);
	}
}

/* Kernel counters of every interface, summed. */
static void
monitor_live_stats(struct monitor *mon)
{
	uint64_t recv = 0, drop = 0, ifdrop = 0;
	size_t i;

	for (i = 0; i < mon->ncaps; i++) {
		struct capture *c = live_cap(mon, i);

		if (mon->fanout != NULL)
			monitor_fanout_stats(mon, i, c);
		else
			capture_update_stats(c);
		recv += c->recv;
		drop += c->drop;
		ifdrop += c->ifdrop;
	}
	ctr_set(&mon->ctr, CTR_KERNEL_PACKETS, recv);
	ctr_set(&mon->ctr, CTR_KERNEL_DROPS, drop);
	ctr_set(&mon->ctr, CTR_KERNEL_IFDROPS, ifdrop);
	mon->kernel_drops = drop;
}

/* The unit's status line: what an operator checks first. */
static void
monitor_notify_status(struct monitor *mon, bool ready)
{
	char buf[512];

	/* Fan-out: the workers count what they read; the kernel's count
	 * of the sockets stands for it here. */
	snprintf(buf, sizeof(buf), "%s: %" PRIu64 " packets, %" PRIu64
	    " dropped, %zu devices, %" PRIu64 " alerts", mon->ifaces,
	    ctr_get(&mon->ctr, mon->fanout != NULL ? CTR_KERNEL_PACKETS :
	    CTR_PKTS),
	    ctr_get(&mon->ctr, CTR_KERNEL_DROPS) +
	    ctr_get(&mon->ctr, CTR_KERNEL_IFDROPS),
	    brain_device_count(mon->brain),
	    ctr_get(&mon->brain_ctr, CTR_DETECT_ALERTS) +
	    ctr_get(&mon->brain_ctr, CTR_DEV_ALERTS));
	if (ready)
		notify_ready(buf);
	else
		notify_status(buf);
}

/*
 * With TPACKET_V3 the read timeout only runs once a packet has arrived,
 * so a quiet segment would block pcap_dispatch forever: wait in poll(2)
 * ourselves, on every interface, then read without blocking.  A signal
 * interrupts the poll.
 */
static int
monitor_wait(struct monitor *mon, int timeout_ms)
{
	struct pollfd pfd[MONITOR_MAX_IFACES];
	size_t i;

	for (i = 0; i < mon->ncaps; i++) {
		pfd[i].fd = live_cap(mon, i)->fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return poll(pfd, (nfds_t)mon->ncaps, timeout_ms);
}

int
monitor_run_live(struct monitor *mon, const char *iface)
{
	struct capture *c;
	int n, status = 0;
	uint64_t now, next_status = 0;
	size_t i;

	if (mon->ncaps == 0 && monitor_open_live(mon, iface) == -1)
		return 2;
	for (i = 0; i < mon->ncaps; i++)
		log_info("listening on %s, link type %s",
		    live_cap(mon, i)->name,
		    pcap_datalink_val_to_name(live_cap(mon, i)->datalink));
	monitor_notify_status(mon, true);
	watchdog_start(mon);
	while (!*mon->opts.stop) {
		now = wall_us();
		notify_watchdog(now);
		if (now >= next_status) {
			monitor_notify_status(mon, false);
			next_status = now + 5000000;
		}
		if (*mon->opts.reopen) {
			*mon->opts.reopen = 0;
			monitor_reload_start(mon);
		}
		monitor_reload_poll(mon, now);
		if (mon->opts.stats_now != NULL && *mon->opts.stats_now) {
			*mon->opts.stats_now = 0;
			monitor_emit_stats(mon, wall_us());
		}
		if (mon->fanout != NULL) {
			/* The workers read; this thread keeps the clock. */
			if (poll(NULL, 0, MONITOR_POLL_MS) == -1 &&
			    errno != EINTR) {
				log_warn("poll");
				status = 2;
				break;
			}
			for (i = 0; i < mon->nworkers; i++)
				if (atomic_load(&mon->workers[i]->src_failed))
					status = 2;
		} else if (monitor_wait(mon, MONITOR_POLL_MS) == -1 &&
		    errno != EINTR) {
			log_warn("%s: poll", mon->ifaces);
			status = 2;
			break;
		}
		for (i = 0; i < mon->ncaps && status == 0 &&
		    mon->fanout == NULL; i++) {
			c = mon->rd.cur = live_cap(mon, i);
			mon->rd.health = mon->healths[i];
			n = pcap_dispatch(c->pcap, -1, live_cb, (u_char *)mon);
			if (n == PCAP_ERROR_BREAK)
				break;
			if (n < 0) {
				log_warnx("%s: %s", c->name,
				    pcap_geterr(c->pcap));
				ctr_inc(&mon->ctr, CTR_CAPTURE_ERRORS);
				status = 2;
			}
		}
		if (status != 0)
			break;
		/* Quiet segments: the clock still moves, records still go. */
		monitor_clock(mon, wall_us());
		monitor_push_all(mon);
		record_flush(&mon->rw);
		output_flush(mon->out);
		monitor_live_stats(mon);
		now = wall_us();
		atomic_store(&mon->wd_beat, now);
		for (i = 0; i < mon->ncaps; i++)
			health_tick(mon->healths[i], now, live_cap(mon, i),
			    &mon->rw);
	}
	notify_stopping();
	watchdog_stop(mon);
	if (mon->reload_running) {
		/* Stopping: what was being prepared is not swapped in. */
		pthread_join(mon->reload_thr, NULL);
		mon->reload_running = false;
		mon->reload_ok = 0;
		for (i = 0; i < mon->nreload; i++)
			if (mon->reload[i].abort != NULL)
				mon->reload[i].abort(mon->reload[i].arg);
	}
	monitor_live_stats(mon);
	monitor_push_all(mon);
	return status;
}

int
monitor_finish(struct monitor *mon, struct monitor_summary *s)
{
	struct counters *sum;
	struct eve_stats_extra x;
	uint32_t i;
	int rv = 0;
	uint64_t ts;

	for (i = 0; i < mon->nworkers; i++)
		worker_finish_begin(mon->workers[i]);
	for (i = 0; i < mon->nworkers; i++)
		worker_finish(mon->workers[i]);
#ifdef __GLIBC__
	/*
	 * The flows' memory is free now, but glibc keeps it, and with a
	 * worker's arena of its own the brain's thread cannot reuse it
	 * while it applies the end's events: give it back first.
	 */
	(void)malloc_trim(0);
#endif
	for (i = 0; mon->fanout != NULL && i < mon->nworkers; i++) {
		uint64_t n = 0;
		size_t k;

		for (k = 0; k < mon->ncaps; k++)
			n += mon->fanout[i].caps[k].pkts;
		log_info("fan-out: worker %u read %" PRIu64 " packets", i, n);
	}
	if (mon->fanout != NULL)
		monitor_live_stats(mon);	/* as of their flush */
	ts = mon->now_us;
	if (mon->cap.live)
		ts = wall_us();
	/*
	 * Every worker has handed its last events over: the snapshot.  A
	 * run that read no packet has no time to give records (they would
	 * say 1970) and nothing to add: no snapshot, no stats record.
	 */
	brain_sync(mon->brain, mon->nworkers, UINT64_MAX, &mon->bq);
	if (brain_finish(mon->brain, ts) == -1)
		rv = -1;
	if (record_wanted(&mon->rw, RECORD_STATS) && ts != 0) {
		/* Workers are joined: no barrier needed. */
		sum = xcalloc(1, sizeof(*sum));
		monitor_sum(mon, sum, &x);
		eve_stats(&mon->rw, ts, sum, &x);
		free(sum);
	}
	record_flush(&mon->rw);
	if (output_close(mon->out) == -1) {
		log_warnx("outputs: some records could not be written or "
		    "delivered");
		rv = -1;
	}
	capture_close(&mon->cap);

	sum = xcalloc(1, sizeof(*sum));
	monitor_sum(mon, sum, &x);
	memset(s, 0, sizeof(*s));
	s->packets = ctr_get(sum, CTR_PKTS);
	s->bytes = ctr_get(sum, CTR_BYTES);
	s->flows = ctr_get(sum, CTR_FLOW_TOTAL);
	s->flows_tcp = ctr_get(sum, CTR_FLOW_TCP);
	s->flows_udp = ctr_get(sum, CTR_FLOW_UDP);
	s->flows_icmp = ctr_get(sum, CTR_FLOW_ICMPV4) +
	    ctr_get(sum, CTR_FLOW_ICMPV6);
	s->flows_other = s->flows - s->flows_tcp - s->flows_udp -
	    s->flows_icmp;
	if (s->flows_other > s->flows)
		s->flows_other = 0;
	s->midstream = ctr_get(sum, CTR_TCP_MIDSTREAM);
	for (i = 0; i < EV_MAX; i++)
		if (ev_is_anomaly((enum ww_counter)i))
			s->anomalies += ctr_get(sum, (enum ww_counter)i);
	s->kernel_drops = ctr_get(sum, CTR_KERNEL_DROPS);
	s->records = ctr_get(sum, CTR_EVE_RECORDS);
	s->records_lost = ctr_get(sum, CTR_EVE_DROPPED);
	s->files_read = mon->files_read;
	s->files_failed = mon->files_failed;
	s->interrupted = mon->interrupted;
	s->elapsed_s = wall_now() - mon->wall_start;
	counters_merge(&s->total, sum);
	free(sum);
	mon->finished = true;
	return rv;
}

void
monitor_free(struct monitor *mon)
{
	struct monitor_job *jobs = NULL;
	uint32_t i;

	if (mon->workers != NULL) {
		/* Threads still running (a failed start, an early exit)
		 * end before what they wait on is destroyed. */
		for (i = 0; i < mon->nworkers; i++)
			if (mon->workers[i] != NULL &&
			    mon->workers[i]->running)
				worker_finish(mon->workers[i]);
		/* Fan-out: the readers' decoders count into the workers. */
		for (i = 0; mon->fanout != NULL && i < mon->nworkers; i++) {
			size_t k;

			for (k = 0; k < MONITOR_MAX_IFACES; k++)
				capture_close(&mon->fanout[i].caps[k]);
			if (mon->fanout[i].dec != NULL)
				decoder_free(mon->fanout[i].dec);
		}
		free(mon->fanout);
		mon->fanout = NULL;
		/*
		 * After a finished run every flow has ended and its events
		 * are the brain's: a worker and the brain share nothing
		 * but the outputs (which are closed), so the workers are
		 * freed on threads of their own while this one frees the
		 * brain.  Otherwise one after the other, as they were made.
		 */
		if (mon->finished && mon->brain != NULL)
			jobs = calloc(mon->nworkers, sizeof(*jobs));
		for (i = 0; i < mon->nworkers; i++) {
			if (jobs == NULL) {
				worker_free(mon->workers[i]);
				continue;
			}
			jobs[i].w = mon->workers[i];
			monitor_job_start(&jobs[i], monitor_job_free);
		}
	}
	if (mon->dec != NULL)
		decoder_free(mon->dec);
	brain_free(mon->brain);
	mon->brain = NULL;
	if (jobs != NULL) {
		for (i = 0; i < mon->nworkers; i++)
			monitor_job_join(&jobs[i]);
		free(jobs);
	}
	free(mon->workers);
	mon->workers = NULL;
	brain_queue_free(&mon->bq);
	if (mon->out != NULL) {
		record_writer_free(&mon->rw);
		output_close(mon->out);
		output_free(mon->out);
		mon->out = NULL;
	}
	for (i = 0; i < MONITOR_MAX_IFACES; i++) {
		health_free(mon->healths[i]);
		mon->healths[i] = NULL;
	}
	for (i = 0; i + 1 < MONITOR_MAX_IFACES; i++)
		capture_close(&mon->xcap[i]);
	pthread_mutex_destroy(&mon->bar_lock);
	pthread_cond_destroy(&mon->bar_cv);
}
