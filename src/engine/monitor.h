/*
 * monitor.h - the sensor: owns the configuration, the capture sources,
 * the decoder, the workers and the outputs, and runs the per-packet
 * pipeline of the capture thread.
 */
#ifndef WW_MONITOR_H
#define WW_MONITOR_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/layer.h"
#include "capture/capture.h"
#include "device/brain.h"
#include "engine/config.h"
#include "output/eve.h"
#include "output/output.h"
#include "output/record.h"
#include "util/events.h"
#include "util/util.h"

struct brain;
struct config;
struct detect_engine;
struct decoder;
struct worker;

struct monitor_opts {
	const char	*logdir;
	const char	*bpf;		/* or NULL */
	bool		 test_mode;	/* deterministic output */
	bool		 live;		/* -i: outputs never hold up capture */
	bool		 fanout;	/* -i: each worker reads its share */
	uint32_t	 workers;	/* 0: from the config */
	const char	*state_path;	/* inventory database, or NULL */
	const struct detect_engine *detect;	/* threat rules, or NULL */
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM */
	volatile sig_atomic_t *reopen;	/* set by SIGHUP */
	volatile sig_atomic_t *stats_now;	/* SIGUSR1, or NULL */
};

/*
 * A part of the sensor that reloads on SIGHUP (rules, fingerprints;
 * the policy engine later).  prepare() builds the new set beside the
 * running one, reporting problems on err as file:line:col, and returns
 * 0 or -1.  Only when every part prepared is each commit() called, with
 * every worker and the device brain idle; otherwise abort() drops what
 * was prepared and the running sets stay.
 */
struct monitor;
struct monitor_reload {
	const char	*name;
	int		(*prepare)(void *arg, FILE *err);
	void		(*commit)(void *arg, struct monitor *);
	void		(*abort)(void *arg);
	void		*arg;
};
#define MONITOR_MAX_RELOAD	8
/* Exit status of a sensor its watchdog found stuck: for a restart. */
#define MONITOR_EXIT_STALL	3
#define MONITOR_MAX_IFACES	8

struct health;

/*
 * Who reads and decodes packets: the capture thread (one reader, which
 * hands each packet to a worker by flow hash), or with fan-out each
 * worker from sockets of its own that the kernel shares the interface
 * out to by flow hash (capture.mode: fanout).  A reader has its own
 * decoder (and defragmenter), counters and anomaly budget.
 */
struct monitor_reader {
	struct monitor		*mon;
	struct worker		*w;		/* fan-out: its worker */
	struct capture		*cur;		/* being read */
	struct health		*health;	/* cur's */
	struct decoder		*dec;
	struct counters		*ctr;
	struct record_writer	*rw;
	struct brain_queue	*bq;
	uint32_t		*anom_budget;	/* [EV_MAX] */

	/* Fan-out only: */
	struct capture		 caps[MONITOR_MAX_IFACES];
	uint64_t		 now_us;	/* packet clock */
	uint64_t		 max_pkt_size;
	uint64_t		 next_budget_us;
	uint32_t		 budget[EV_MAX];
	/* Kernel counters per interface, for the capture thread. */
	_Atomic uint64_t	 k_recv[MONITOR_MAX_IFACES];
	_Atomic uint64_t	 k_drop[MONITOR_MAX_IFACES];
	_Atomic uint64_t	 k_ifdrop[MONITOR_MAX_IFACES];
};

struct monitor_summary {
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 flows;
	uint64_t	 flows_tcp, flows_udp, flows_icmp, flows_other;
	uint64_t	 midstream;
	uint64_t	 anomalies;
	uint64_t	 kernel_drops;
	uint64_t	 records;
	uint64_t	 records_lost;
	uint32_t	 files_read;
	uint32_t	 files_failed;
	bool		 interrupted;	/* SIGINT/SIGTERM before the end */
	double		 elapsed_s;
	struct counters	 total;		/* every counter, summed */
};

struct monitor {
	const struct config	*cfg;
	struct monitor_opts	 opts;
	struct sipkey		 key;
	struct eve_opts		 eve;		/* capture thread's */
	struct app_engine_config app_cfg;

	struct output		*out;		/* the output stage */
	struct record_writer	 rw;		/* capture thread's records */
	struct counters		 ctr;		/* capture thread */
	struct counters		 brain_ctr;	/* device brain (its lock) */
	struct brain		*brain;		/* NULL: devices and rules off */
	bool			 detect_protos[APP_MAX];	/* rules look */
	struct brain_queue	 bq;		/* capture thread's (LLDP) */
	struct decoder		*dec;

	struct worker		**workers;
	uint32_t		 nworkers;
	bool			 threaded;
	bool			 finished;	/* monitor_finish() returned */
	struct monitor_reader	 rd;		/* the capture thread's */
	struct monitor_reader	*fanout;	/* [nworkers], or NULL */

	/* Barrier: workers report here (with fan-out, they wait there
	 * until bar_hold is cleared: they read on their own). */
	pthread_mutex_t		 bar_lock;
	pthread_cond_t		 bar_cv;
	uint64_t		 bar_seq;
	uint64_t		 bar_hold;

	/* Packet clock (max time seen) and schedules. */
	uint64_t		 now_us;
	uint64_t		 pkt_last_us;	/* latest packet time */
	uint64_t		 first_us;
	uint64_t		 next_tick_us;
	uint64_t		 brain_gen;	/* last handed to the brain */
	uint64_t		 part_pkts;	/* packets since then */
	uint64_t		 part_max;	/* hand over after that many */
	uint64_t		 next_stats_us;
	uint64_t		 max_pkt_size;
	uint64_t		 release_at;	/* mapped file offset */
	uint32_t		 anom_budget[EV_MAX];	/* records left */

	struct capture		 cap;		/* offline; first interface */
	struct capture		 xcap[MONITOR_MAX_IFACES - 1];	/* more -i */
	size_t			 ncaps;		/* live interfaces */
	char			 ifaces[256];	/* "eth1,eth2" */
	struct health		*healths[MONITOR_MAX_IFACES];
	uint32_t		 files_read;
	uint32_t		 files_failed;
	bool			 interrupted;	/* offline: stopped early */
	uint64_t		 kernel_drops;
	double			 wall_start;

	/* Watchdog (live), a thread of its own: each worker's progress
	 * seen and since when, and the capture loop's last turn (it
	 * blocks when a stuck worker's queue is full). */
	uint64_t		 wd_done[CONFIG_MAX_WORKERS];
	uint64_t		 wd_since[CONFIG_MAX_WORKERS];
	_Atomic uint64_t	 wd_beat;
	pthread_t		 wd_thr;
	bool			 wd_running;
	pthread_mutex_t		 wd_lock;
	pthread_cond_t		 wd_cv;
	bool			 wd_stop;

	struct monitor_reload	 reload[MONITOR_MAX_RELOAD];
	size_t			 nreload;
	uint64_t		 reloads, reload_failures;
	/* Live: the parts are prepared on a thread of their own while
	 * capture (and the watchdog) go on; committed by the loop. */
	pthread_t		 reload_thr;
	bool			 reload_running;
	bool			 reload_again;	/* SIGHUP meanwhile */
	_Atomic int		 reload_done;	/* the thread ended */
	size_t			 reload_ok;	/* parts prepared */
	uint64_t		 reload_extend_us;
};

/* Open the outputs and the inventory, make the workers. */
int	monitor_init(struct monitor *, const struct config *,
	    const struct monitor_opts *);
/* Live: open the capture (before giving up privileges). */
int	monitor_open_live(struct monitor *, const char *iface);
/* Start the output, worker and device brain threads. */
int	monitor_start(struct monitor *);
/* Returns 0, or 2 when an input could not be read completely. */
int	monitor_run_offline(struct monitor *, char **files, size_t nfiles);
int	monitor_run_live(struct monitor *, const char *iface);
/* Register a part that reloads on SIGHUP (above); -1 when full. */
int	monitor_add_reload(struct monitor *, const struct monitor_reload *);
/* SIGHUP: reopen the log files, then reload every registered part,
 * all or none.  Returns 0, or -1 when the running sets stay. */
int	monitor_reload(struct monitor *);
/*
 * Live: the same, with the preparing (a large rule set compiles for
 * minutes) on a thread of its own; monitor_reload_poll() commits once
 * it is done.  The capture loop calls both.
 */
void	monitor_reload_start(struct monitor *);
void	monitor_reload_poll(struct monitor *, uint64_t now_us);
/* For a commit(): the workers, the brain and the capture thread use
 * these rules from now on (the caller frees the old ones). */
void	monitor_set_detect(struct monitor *, const struct detect_engine *);
/* Flush, final stats, close outputs; fills the summary. */
int	monitor_finish(struct monitor *, struct monitor_summary *);
void	monitor_free(struct monitor *);

#endif /* WW_MONITOR_H */
