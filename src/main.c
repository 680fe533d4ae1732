/*
 * main.c - command line, signals and exit status.
 *
 * Exit status: 0 success, 1 usage or configuration error, 2 runtime
 * failure (an input that could not be read, an output that failed), 3
 * live: the watchdog found the sensor stuck (for a restart).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "detect/detect.h"
#include "device/brain.h"
#include "device/baseline-cmd.h"
#include "device/fpdb.h"
#include "device/inventory.h"
#include "report/report.h"
#include "engine/config.h"
#include "engine/monitor.h"
#include "engine/notify.h"
#include "engine/sandbox.h"
#include "engine/verify.h"
#include "output/netsink.h"
#include "util/events.h"
#include "util/log.h"
#include "util/pseudo.h"
#include "util/util.h"

#define WW_LIVE_STATE	"/var/lib/wardwatch/wardwatch.db"
#define WW_PIDFILE	"/run/wardwatch.pid"

#define EXIT_USAGE	1
#define EXIT_RUNTIME	2

static volatile sig_atomic_t	quit;
static volatile sig_atomic_t	reopen;
static volatile sig_atomic_t	stats_now;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen = 1;
	else if (sig == SIGUSR1)
		stats_now = 1;
	else
		quit = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: wardwatch -r file|dir [-r ...] [-Tv] [-c config] [-l logdir]\n"
"                 [-S rules [-S ...]] [--strict-rules]\n"
"                 [--state db [--fresh]] [--learn] [--test-mode]\n"
"                 [--report file] [--workers n] [expression]\n"
"       wardwatch -i interface [-vD] [-c config] [-l logdir]\n"
"                 [-S rules [-S ...]] [--strict-rules]\n"
"                 [--state db] [--workers n] [--fanout]\n"
"                 [--buffer-size size]\n"
"                 [--user user | --allow-root]\n"
"                 [--pidfile file] [--sandbox-test] [expression]\n"
"       wardwatch -T [-c config] [-S rules ...] [--strict-rules]\n"
"       wardwatch inventory --state db [--json | --csv] [--class name]\n"
"                           [--peers]\n"
"       wardwatch baseline show | reset --state db [--device mac]\n"
"       wardwatch policy suggest --state db [--device mac | --class name]\n"
"       wardwatch verify --key-file key | -c config file ...\n"
"       wardwatch report --state db [-o file] [--format html|md|csv]\n"
"       wardwatch -V | --help\n"
"\n"
"  -r file|dir      read a pcap or pcapng file, or every file in a\n"
"                   directory in name order (repeatable)\n"
"  -i interface     capture live on interface (repeatable: up to 8,\n"
"                   read as one, e.g. both directions of a port)\n"
"  -c config        configuration file (default: built-in settings)\n"
"  -D               -i: run in the background (logging to syslog)\n"
"                   with a pid file, restarted when stuck or crashed\n"
"  -l logdir        directory for eve.json (default: .)\n"
"  -S rules         load this rule file instead of rule-files and the\n"
"                   shipped rules (repeatable)\n"
"  --strict-rules   a rule that cannot be loaded is an error\n"
"  -T               check the configuration and rules, report every\n"
"                   error, exit\n"
"  -v               more diagnostics (repeat for debug)\n"
"  -V               print the version and exit\n"
"  --state db       device inventory database (default: logdir/\n"
"                   wardwatch.db offline, " WW_LIVE_STATE " live)\n"
"  --fresh          start a new inventory (the old one is kept as db.old)\n"
"  --learn          every device learns its baseline during this run and\n"
"                   enforces from the next run on\n"
"  --report file    at the end of the run, write the assessment there\n"
"                   (HTML; Markdown for .md, CSV for .csv)\n"
"  --test-mode      deterministic output: fixed hash keys, records\n"
"                   sorted, timestamps from packets only\n"
"  --workers n      flow worker threads (default: config, else cores)\n"
"  --fanout         -i: each worker reads its share of the interface\n"
"                   (PACKET_FANOUT by flow hash; capture.mode: fanout)\n"
"  --user user      -i: once the capture and files are open, run as\n"
"                   this user (default: " SANDBOX_USER ", else " SANDBOX_FALLBACK ")\n"
"  --allow-root     -i: keep running as root (still no capability)\n"
"  --buffer-size size  -i: kernel capture ring (1mb to 1gb; default:\n"
"                   capture.buffer-size, 64mb)\n"
"  --pidfile file   -D: the pid file (default: " WW_PIDFILE ")\n"
"  --sandbox-test   -i: open everything, enter the sandbox, try what it\n"
"                   must refuse, report each check, exit\n"
"  --help           print this help and exit\n"
"  expression       a pcap-filter(7) expression applied to all input\n");
}

/*
 * -D: nothing like systemd's Restart= watches a daemon, so the daemon
 * forks a supervisor that keeps nothing open and waits: a sensor its
 * watchdog found stuck (exit status 3) or that crashed is started
 * again, the way it was first started (the supervisor stays root to
 * open the capture again), at most SUPERVISE_MAX times in
 * SUPERVISE_WINDOW seconds.  Any other end is the supervisor's too.
 * Returns in the sensor, which writes the pid file (signals go to it).
 */
#define SUPERVISE_MAX		5
#define SUPERVISE_WINDOW	300
#define SUPERVISE_ENV		"WARDWATCH_SUPERVISED"

static volatile sig_atomic_t	sup_sig;
static char			**argv_start;	/* as given */

static void
on_sup_signal(int sig)
{
	sup_sig = sig;
}

static int
supervise(void)
{
	struct sigaction sa;
	const char *env;
	char buf[64];
	long first = 0, n = 0;
	pid_t child, w;
	int st, sig;

	if ((env = getenv(SUPERVISE_ENV)) != NULL &&
	    sscanf(env, "%ld:%ld", &n, &first) != 2)
		n = first = 0;
	if ((child = fork()) == -1)
		return -1;
	if (child == 0)
		return 0;
	(void)close_range(3, ~0U, 0);
	log_init(log_getverbose(), true);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sup_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	for (;;) {
		w = waitpid(child, &st, 0);
		if (w == -1 && errno == EINTR) {
			if ((sig = sup_sig) != 0) {
				sup_sig = 0;
				(void)kill(child, sig);
			}
			continue;
		}
		if (w == -1)
			_exit(EXIT_RUNTIME);
		break;
	}
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == MONITOR_EXIT_STALL) &&
	    !(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV ||
	    WTERMSIG(st) == SIGBUS || WTERMSIG(st) == SIGABRT ||
	    WTERMSIG(st) == SIGILL || WTERMSIG(st) == SIGFPE ||
	    WTERMSIG(st) == SIGSYS)))
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_RUNTIME);
	if (first == 0 || time(NULL) - first > SUPERVISE_WINDOW) {
		first = (long)time(NULL);
		n = 0;
	}
	if (++n > SUPERVISE_MAX) {
		log_warnx("-D: the sensor ended %ld times in %d s: not "
		    "restarting it again", n, SUPERVISE_WINDOW);
		_exit(EXIT_RUNTIME);
	}
	if (WIFEXITED(st))
		log_warnx("-D: the sensor exited with status %d (stuck): "
		    "restarting it", WEXITSTATUS(st));
	else
		log_warnx("-D: the sensor was killed by signal %d: "
		    "restarting it", WTERMSIG(st));
	snprintf(buf, sizeof(buf), "%ld:%ld", n, first);
	setenv(SUPERVISE_ENV, buf, 1);
	sleep(2);
	/* Told to stop while it waited: no new sensor. */
	if (sup_sig == SIGTERM || sup_sig == SIGINT)
		_exit(EXIT_RUNTIME);
	execv("/proc/self/exe", argv_start);
	log_warn("-D: cannot start the sensor again");
	_exit(EXIT_RUNTIME);
}

static char *
join_args(int argc, char *const *argv)
{
	size_t len = 0, off = 0;
	char *s;
	int i;

	if (argc == 0)
		return NULL;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(s + off, argv[i], n);
		off += n;
		s[off++] = i + 1 < argc ? ' ' : '\0';
	}
	return s;
}

/*
 * A filter that does not compile is the user's mistake, found before
 * any file is opened (it would otherwise be blamed on the first file).
 * It is compiled for Ethernet; a filter that only some link types
 * accept is still checked per file.
 */
static int
check_filter(const char *bpf)
{
	struct bpf_program prog;
	pcap_t *p;

	if ((p = pcap_open_dead(DLT_EN10MB, 65535)) == NULL)
		return 0;
	if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		fprintf(stderr, "wardwatch: filter \"%s\": %s\n",
		    util_safe_str(bpf), pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_freecode(&prog);
	pcap_close(p);
	return 0;
}

/* Remove what a run that never started made (the database's journal
 * files with it, and the rule engine's compiled databases cached next
 * to it). */
static void
remove_made(const char *eve, const char *db)
{
	char path[4200], *slash;
	glob_t g;
	size_t i;

	if (eve != NULL)
		unlink(eve);
	if (db != NULL) {
		unlink(db);
		snprintf(path, sizeof(path), "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", db);
		unlink(path);
		strlcpy(path, db, sizeof(path));
		if ((slash = strrchr(path, '/')) != NULL)
			slash[1] = '\0';
		else
			path[0] = '\0';
		strlcat(path, "detect-*.hsdb", sizeof(path));
		if (glob(path, GLOB_NOSORT, NULL, &g) == 0) {
			for (i = 0; i < g.gl_pathc; i++)
				unlink(g.gl_pathv[i]);
			globfree(&g);
		}
	}
}

/*
 * --fresh: the inventory is kept as DB.old (with its journal files,
 * which belong to it), and the run starts a new one.
 */
/* A run that could not start gives the set-aside inventory back. */
static void
restore_aside(const char *db)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	char from[4200], to[4200];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(from, sizeof(from), "%s.old%s", db, ext[i]);
		snprintf(to, sizeof(to), "%s%s", db, ext[i]);
		if (access(from, F_OK) == 0 && rename(from, to) == -1)
			fprintf(stderr, "wardwatch: %s: %s\n",
			    util_safe_str(from), strerror(errno));
	}
}

static int
set_aside(const char *db)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	char from[4200], to[4200];
	size_t i;

	if (access(db, F_OK) == -1)
		return 0;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", db, ext[i]);
		snprintf(to, sizeof(to), "%s.old%s", db, ext[i]);
		if (access(from, F_OK) == -1) {
			unlink(to);	/* no stale journal for the copy */
			continue;
		}
		if (rename(from, to) == -1) {
			fprintf(stderr, "wardwatch: --fresh: %s: %s\n",
			    util_safe_str(from), strerror(errno));
			return -1;
		}
	}
	fprintf(stderr, "wardwatch: --fresh: the earlier inventory is kept "
	    "as %s.old\n", util_safe_str(db));
	return 0;
}

/* The directory part of path ("." for a bare name), in buf. */
static const char *
dir_of(const char *path, char *buf, size_t len)
{
	char *slash;

	strlcpy(buf, path, len);
	if ((slash = strrchr(buf, '/')) == NULL)
		strlcpy(buf, ".", len);
	else if (slash == buf)
		buf[1] = '\0';
	else
		*slash = '\0';
	return buf;
}

/* -l: made (with its parents) when missing, as mkdir -p would; live,
 * each directory made is handed to the user the sensor becomes. */
static int
make_logdir(const char *dir, struct sandbox_opts *own)
{
	char path[4096], *p;
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "wardwatch: -l %s: not a directory\n",
		    util_safe_str(dir));
		return -1;
	}
	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path)) {
		fprintf(stderr, "wardwatch: -l: name too long\n");
		return -1;
	}
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0750) == 0) {
			if (own != NULL)
				sandbox_own(own, path, false);
		} else if (errno != EEXIST)
			goto out_err;
		*p = '/';
	}
	if (mkdir(path, 0750) == 0) {
		if (own != NULL)
			sandbox_own(own, path, false);
	} else if (errno != EEXIST)
		goto out_err;
	return 0;

 out_err:
	fprintf(stderr, "wardwatch: -l %s: %s\n", util_safe_str(path),
	    strerror(errno));
	return -1;
}

/*
 * Live, started as root: what root made before the change of user is
 * the user's, so that the next start (as the unit's User=, or after a
 * rotation) can open it: the outputs, the inventory with its journals
 * and record numbers, network outputs' spools, the rule cache and the
 * hash-chain states in the state directory.
 */
static void
own_made(struct sandbox_opts *sbo, const struct config *cfg,
    const char *logdir, const char *outpath, const char *statepath)
{
	static const char *const ext[] = { "", "-wal", "-shm", ".seq" };
	char path[4200], dir[4096];
	size_t i;

	if (outpath[0] != '<')
		sandbox_own(sbo, outpath, false);
	for (i = 0; i < cfg->noutputs; i++) {
		const struct output_spec *os = &cfg->outputs[i];

		if (os->kind == OUTK_REGULAR && os->filename != NULL) {
			if (os->filename[0] == '/')
				strlcpy(path, os->filename, sizeof(path));
			else
				snprintf(path, sizeof(path), "%s/%s", logdir,
				    os->filename);
			sandbox_own(sbo, path, false);
		} else if (os->kind != OUTK_STDOUT && os->spool_max > 0 &&
		    statepath != NULL) {
			netsink_spool_path(os, dir_of(statepath, dir,
			    sizeof(dir)), path, sizeof(path) - 8);
			sandbox_own(sbo, path, false);
			strlcat(path, ".head", sizeof(path));
			sandbox_own(sbo, path, false);
		}
	}
	if (statepath == NULL)
		return;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", statepath, ext[i]);
		sandbox_own(sbo, path, false);
	}
	dir_of(statepath, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/detect-*.hsdb", dir);
	sandbox_own(sbo, path, true);
	snprintf(path, sizeof(path), "%s/wardwatch-chain-*", dir);
	sandbox_own(sbo, path, true);
	snprintf(path, sizeof(path), "%s/%s", dir, PSEUDO_KEY_FILE);
	sandbox_own(sbo, path, false);
}

static void
print_summary(FILE *fp, const struct monitor_summary *s, const char *out,
    const char *iface, bool test_mode)
{
	struct {
		enum ww_counter id;
		uint64_t n;
	} top[5];
	int i, j, k, ntop = 0;

	fprintf(fp, "wardwatch: %" PRIu64 " packets, %" PRIu64 " bytes ",
	    s->packets, s->bytes);
	if (iface != NULL)
		fprintf(fp, "captured on %s", iface);
	else
		fprintf(fp, "from %u file%s", s->files_read,
		    s->files_read == 1 ? "" : "s");
	if (s->files_failed)
		fprintf(fp, " (%u unreadable or damaged)", s->files_failed);
	if (!test_mode)
		fprintf(fp, " in %.2f s", s->elapsed_s);
	fprintf(fp, "\n");
	fprintf(fp, "  flows      %" PRIu64 " (TCP %" PRIu64 ", UDP %" PRIu64
	    ", ICMP %" PRIu64 ", other %" PRIu64 "); %" PRIu64
	    " TCP picked up mid-stream\n", s->flows, s->flows_tcp,
	    s->flows_udp, s->flows_icmp, s->flows_other, s->midstream);
	fprintf(fp, "  clinical   %" PRIu64 " HL7 messages, %" PRIu64
	    " DICOM associations and commands, %" PRIu64 " DHCP messages\n",
	    ctr_get(&s->total, CTR_APP_HL7), ctr_get(&s->total, CTR_APP_DICOM),
	    ctr_get(&s->total, CTR_APP_DHCP));
	fprintf(fp, "  anomalies  %" PRIu64, s->anomalies);
	for (i = 0; i < EV_MAX; i++) {
		uint64_t n = ctr_get(&s->total, (enum ww_counter)i);

		if (!ev_is_anomaly((enum ww_counter)i) || n == 0)
			continue;
		for (j = 0; j < ntop && top[j].n >= n; j++)
			;
		if (j >= 5)
			continue;
		for (k = ntop < 5 ? ntop : 4; k > j; k--)
			top[k] = top[k - 1];
		top[j].id = (enum ww_counter)i;
		top[j].n = n;
		if (ntop < 5)
			ntop++;
	}
	for (i = 0; i < ntop; i++)
		fprintf(fp, "%s%s %" PRIu64, i == 0 ? " (" : ", ",
		    ev_name(top[i].id), top[i].n);
	fprintf(fp, "%s\n", ntop ? (s->anomalies > 0 && ntop == 5 ?
	    ", ...)" : ")") : "");
	if (s->kernel_drops)
		fprintf(fp, "  dropped    %" PRIu64 " packets in the kernel\n",
		    s->kernel_drops);
	fprintf(fp, "  output     %s: %" PRIu64 " records", util_safe_str(out),
	    s->records);
	if (s->records_lost)
		fprintf(fp, ", %" PRIu64 " LOST", s->records_lost);
	fprintf(fp, "\n");
}

/* Alerts by severity, then the signatures, most frequent first. */
static void
print_alerts(FILE *fp, struct output *out)
{
	const struct output_alert *v;
	uint64_t other, total = 0, sev[5] = { 0 };
	size_t i, n;

	if (out == NULL)
		return;
	n = output_alerts(out, &v, &other);
	for (i = 0; i < n; i++) {
		total += v[i].count;
		sev[v[i].severity < 5 ? v[i].severity : 0] += v[i].count;
	}
	total += other;
	fprintf(fp, "  alerts     %" PRIu64, total);
	if (total == 0) {
		fputc('\n', fp);
		return;
	}
	fprintf(fp, " (severity 1: %" PRIu64 ", 2: %" PRIu64 ", 3: %" PRIu64
	    ", 4: %" PRIu64 ")\n", sev[1], sev[2], sev[3], sev[4]);
	for (i = 0; i < n && i < 10; i++)
		fprintf(fp, "    %8" PRIu64 "  [%u] %u:%u %s\n", v[i].count,
		    v[i].severity, v[i].gid, v[i].sid,
		    util_safe_str(v[i].signature));
	if (n > 10 || other > 0)
		fprintf(fp, "    ... and %zu more signatures\n",
		    (n > 10 ? n - 10 : 0) + (other > 0 ? 1 : 0));
}

/*
 * The rule engine's settings from the command line: -S replaces the
 * configured rule files (and the shipped ones); compiled databases are
 * cached in the inventory's directory (whether the inventory is on or
 * not; none without a state path, as for -T).
 */
static void
rules_setup(struct config *cfg, char **rules, size_t nrules, bool strict,
    const char *statepath)
{
	struct detect_config *dc = &cfg->detect;
	char dir[4096], *slash;
	size_t i;

	if (nrules > 0) {
		for (i = 0; i < dc->n_rule_files; i++)
			free(dc->rule_files[i]);
		free(dc->rule_files);
		dc->rule_files = xcalloc(nrules, sizeof(*dc->rule_files));
		for (i = 0; i < nrules; i++)
			dc->rule_files[i] = xstrdup(rules[i]);
		dc->n_rule_files = nrules;
		/* A file named on the command line is taken as given. */
		free(dc->default_rule_path);
		dc->default_rule_path = NULL;
	}
	dc->strict = strict;
	free(dc->cache_dir);
	dc->cache_dir = NULL;
	if (statepath != NULL &&
	    strlcpy(dir, statepath, sizeof(dir)) < sizeof(dir)) {
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		else
			strlcpy(dir, ".", sizeof(dir));
		dc->cache_dir = xstrdup(dir[0] != '\0' ? dir : "/");
	}
}

/*
 * SIGHUP, live: the configuration file is read again and the rules,
 * fingerprints, zones, policy, geoip and baseline settings it names are
 * built beside the running ones (on the monitor's reload thread); they
 * are swapped in only when all of them load.  A rule set that skips
 * more rules than the running one is refused too (an edit that broke a
 * rule): a restart accepts it.  Other settings (workers, memory caps,
 * outputs) take effect at restart.
 */
struct reload_ctx {
	const char		*cfgpath;	/* NULL: built-in settings */
	char			**rules;	/* -S */
	size_t			 nrules;
	bool			 strict;
	const char		*statepath;
	bool			 pseudonyms;	/* as the run started */
	bool			 devices;	/* fingerprints to reload */
	struct detect_engine	**de;		/* main's: the running rules */
	struct config		*cur;		/* the last reloaded config */
	struct config		*next;
	struct detect_engine	*de_next;
	struct fpdb		*fp_next;
	struct brain_judge	*judge_next;
};

static void
reload_abort(void *arg)
{
	struct reload_ctx *r = arg;

	detect_free(r->de_next);
	r->de_next = NULL;
	fpdb_free(r->fp_next);
	r->fp_next = NULL;
	brain_judge_free(r->judge_next);
	r->judge_next = NULL;
	if (r->next != NULL) {
		config_free(r->next);
		free(r->next);
		r->next = NULL;
	}
}

static int
reload_prepare(void *arg, FILE *err)
{
	struct reload_ctx *r = arg;
	struct config *c;
	int nerr;

	c = r->next = xcalloc(1, sizeof(*c));
	config_defaults(c);
	if (r->cfgpath != NULL && (nerr = config_load(c, r->cfgpath,
	    err)) > 0) {
		fprintf(err, "wardwatch: %s: %d error%s\n",
		    util_safe_str(r->cfgpath), nerr, nerr == 1 ? "" : "s");
		goto fail;
	}
	if (*r->de != NULL && c->detect.enabled) {
		rules_setup(c, r->rules, r->nrules, r->strict, r->statepath);
		if ((r->de_next = detect_load(&c->detect, err, NULL)) == NULL)
			goto fail;
		if (detect_rules_skipped(r->de_next) >
		    detect_rules_skipped(*r->de) ||
		    (r->strict && detect_rules_skipped(r->de_next) > 0)) {
			fprintf(err, "wardwatch: reload: the new rules skip "
			    "%zu rule%s, the running ones %zu (reasons "
			    "above; a restart accepts them)\n",
			    detect_rules_skipped(r->de_next),
			    detect_rules_skipped(r->de_next) == 1 ? "" : "s",
			    detect_rules_skipped(*r->de));
			goto fail;
		}
	} else if (*r->de != NULL)
		fprintf(err, "wardwatch: reload: threat rules stay on until "
		    "a restart\n");
	if (r->devices && c->devices.enabled &&
	    (r->fp_next = brain_fp_load(&c->devices, err)) == NULL)
		goto fail;
	/* Zones, policy, geoip and the baselines' settings: built beside
	 * the running ones, swapped in with the rest. */
	if (r->devices && c->devices.enabled &&
	    (r->judge_next = brain_judge_load(&c->devices, r->fp_next,
	    err)) == NULL) {
		fprintf(err, "wardwatch: reload: the zero-trust policy does "
		    "not load (errors above)\n");
		goto fail;
	}
	if (c->privacy_pseudonyms != r->pseudonyms)
		fprintf(err, "wardwatch: reload: privacy.pseudonyms stays "
		    "%s until a restart\n", r->pseudonyms ? "on" : "off");
	return 0;

 fail:
	reload_abort(r);
	return -1;
}

static void
reload_commit(void *arg, struct monitor *mon)
{
	struct reload_ctx *r = arg;
	struct detect_engine *old = NULL;

	if (r->de_next != NULL) {
		monitor_set_detect(mon, r->de_next);
		old = *r->de;
		*r->de = r->de_next;
		r->de_next = NULL;
		detect_print_summary(*r->de, stderr);
	}
	if (r->fp_next != NULL) {
		brain_reload(mon->brain, r->fp_next, NULL);
		r->fp_next = NULL;
	}
	if (r->judge_next != NULL) {
		brain_reload_judge(mon->brain, r->judge_next);
		r->judge_next = NULL;
	}
	detect_free(old);
	if (r->cur != NULL) {
		config_free(r->cur);
		free(r->cur);
	}
	r->cur = r->next;
	r->next = NULL;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "test-mode",	no_argument,		NULL, 'M' },
		{ "state",	required_argument,	NULL, 'P' },
		{ "fresh",	no_argument,		NULL, 'F' },
		{ "learn",	no_argument,		NULL, 'L' },
		{ "workers",	required_argument,	NULL, 'w' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "strict-rules", no_argument,		NULL, 'X' },
		{ "user",	required_argument,	NULL, 'U' },
		{ "allow-root",	no_argument,		NULL, 'R' },
		{ "sandbox-test", no_argument,		NULL, 'Z' },
		{ "pidfile",	required_argument,	NULL, 'p' },
		{ "buffer-size", required_argument,	NULL, 'b' },
		{ "fanout",	no_argument,		NULL, 'f' },
		{ "report",	required_argument,	NULL, 'G' },
		{ NULL,		0,			NULL, 0 }
	};
	struct config cfg;
	struct monitor mon;
	struct monitor_opts mo;
	struct monitor_summary sum;
	struct sigaction sa;
	char **reads = NULL, **files = NULL, *bpf = NULL;
	char err[CAPTURE_ERRBUF], outpath[4096];
	const char *iface = NULL, *cfgpath = NULL, *logdir = ".";
	const char *statepath = NULL, *reportpath = NULL;
	char statebuf[4096];
	const char *errstr;
	size_t nreads = 0, nfiles = 0;
	uint64_t v;
	bool test_config = false, test_mode = false, strict_rules = false;
	char **rules = NULL;
	size_t nrules = 0;
	struct detect_engine *de = NULL;
	bool eve_made, db_made, statedir_made, started;
	bool fresh = false, learn = false;
	int ch, verbose = 0, status = 0, nerr;
	uint32_t workers = 0;
	struct sandbox_opts sbo;
	struct sandbox_state sbs;
	bool sandbox_test = false, daemonize = false;
	const char *pidfile = NULL;
	const char *ifaces[MONITOR_MAX_IFACES];
	size_t niface = 0, ii;
	uint32_t buffer_size = 0;
	bool fanout = false;
	int rc, sandbox_bad = 0;
	struct reload_ctx rctx;
	struct monitor_reload mr;
	char statedir[4096], outdir[4096], reportdir[4096], errbuf[512];
	/* SANDBOX_MAX_DIRS: the log, state, eve and report directories,
	 * and up to this many of other file outputs. */
#define SANDBOX_EXTRA_DIRS	4
	_Static_assert(4 + SANDBOX_EXTRA_DIRS <= SANDBOX_MAX_DIRS,
	    "write directories");
	char extradir[SANDBOX_EXTRA_DIRS][4096];
	size_t nextra = 0;

	memset(&sbo, 0, sizeof(sbo));
	memset(&rctx, 0, sizeof(rctx));
	/* -D's supervisor starts the sensor again with these (getopt
	 * reorders argv). */
	argv_start = xcalloc((size_t)argc + 1, sizeof(*argv_start));
	memcpy(argv_start, argv, (size_t)argc * sizeof(*argv));
	if (argc > 1 && strcmp(argv[1], "inventory") == 0)
		return inventory_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "baseline") == 0)
		return baseline_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "policy") == 0)
		return policy_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return verify_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return report_main(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-') {
		/* A word before any option is a command, never a filter:
		 * "wardwatch inventroy" must not read a capture. */
		fprintf(stderr, "wardwatch: unknown command \"%s\" "
		    "(commands: inventory, baseline, policy, report, verify)\n",
		    util_safe_str(argv[1]));
		usage(stderr);
		return EXIT_USAGE;
	}
	while ((ch = getopt_long(argc, argv, "c:Dhi:l:r:S:TvV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'i':
			if (niface >= MONITOR_MAX_IFACES) {
				fprintf(stderr, "wardwatch: -i: at most %d "
				    "interfaces\n", MONITOR_MAX_IFACES);
				return EXIT_USAGE;
			}
			ifaces[niface++] = optarg;
			if (iface == NULL)
				iface = optarg;
			break;
		case 'l':
			logdir = optarg;
			break;
		case 'M':
			test_mode = true;
			break;
		case 'P':
			statepath = optarg;
			break;
		case 'G':
			reportpath = optarg;
			break;
		case 'F':
			fresh = true;
			break;
		case 'L':
			learn = true;
			break;
		case 'r':
			reads = xreallocarray(reads, nreads + 1,
			    sizeof(*reads));
			reads[nreads++] = optarg;
			break;
		case 'S':
			rules = xreallocarray(rules, nrules + 1,
			    sizeof(*rules));
			rules[nrules++] = optarg;
			break;
		case 'X':
			strict_rules = true;
			break;
		case 'U':
			sbo.user = optarg;
			break;
		case 'R':
			sbo.allow_root = true;
			break;
		case 'Z':
			sandbox_test = true;
			break;
		case 'D':
			daemonize = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'f':
			fanout = true;
			break;
		case 'b':
			if (parse_size(optarg, 1u << 20, 1u << 30, &v,
			    &errstr) == -1) {
				fprintf(stderr, "wardwatch: --buffer-size %s: "
				    "%s (1mb to 1gb)\n", optarg, errstr);
				return EXIT_USAGE;
			}
			buffer_size = (uint32_t)v;
			break;
		case 'T':
			test_config = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("wardwatch %s (%s)\n", PACKAGE_VERSION,
			    pcap_lib_version());
			return 0;
		case 'w':
			if (parse_uint(optarg, 1, CONFIG_MAX_WORKERS, &v,
			    &errstr) == -1) {
				fprintf(stderr, "wardwatch: --workers %s: %s "
				    "(1 to %u)\n", optarg, errstr,
				    CONFIG_MAX_WORKERS);
				return EXIT_USAGE;
			}
			workers = (uint32_t)v;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	log_init(verbose, false);

	config_defaults(&cfg);
	if (cfgpath != NULL) {
		nerr = config_load(&cfg, cfgpath, stderr);
		if (nerr > 0) {
			fprintf(stderr, "wardwatch: %s: %d error%s\n", cfgpath,
			    nerr, nerr == 1 ? "" : "s");
			config_free(&cfg);
			free(reads);
			return EXIT_USAGE;
		}
	}
	cfg.devices.baseline.learn_run = learn;
	if (buffer_size != 0)
		cfg.buffer_size = buffer_size;
	if (fanout)
		cfg.fanout = true;
	if (test_config) {
		/* Say what was checked, so a unit's ExecStartPre log shows
		 * what the sensor will run with. */
		printf("wardwatch: configuration %s: OK\n",
		    cfgpath ? util_safe_str(cfgpath) : "(built-in)");
		if (cfg.devices.enabled &&
		    brain_check(&cfg.devices, stdout, stderr) == -1) {
			fprintf(stderr, "wardwatch: device fingerprints, "
			    "evidence confidences or policy: errors above\n");
			config_free(&cfg);
			free(reads);
			return EXIT_USAGE;
		}
		if (!cfg.devices.enabled)
			printf("wardwatch: device inventory: off\n");
		/* A given pseudonym key must load; one made in the state
		 * directory is made at start, not by a check. */
		if (cfg.privacy_pseudonyms && cfg.privacy_key_file != NULL &&
		    pseudo_setup(cfg.privacy_key_file, NULL, errbuf,
		    sizeof(errbuf)) == -1) {
			fprintf(stderr, "wardwatch: privacy.pseudonyms: %s\n",
			    util_safe_str(errbuf));
			config_free(&cfg);
			free(reads);
			return EXIT_USAGE;
		}
		if (cfg.detect.enabled) {
			rules_setup(&cfg, rules, nrules, strict_rules, NULL);
			if ((de = detect_load(&cfg.detect, stderr, NULL)) ==
			    NULL) {
				fprintf(stderr, "wardwatch: threat rules: "
				    "errors above\n");
				config_free(&cfg);
				free(reads);
				free(rules);
				return EXIT_USAGE;
			}
			detect_print_summary(de, stdout);
			nerr = strict_rules && detect_rules_skipped(de) > 0;
			detect_free(de);
			if (nerr) {
				fprintf(stderr, "wardwatch: --strict-rules: "
				    "rules were skipped\n");
				config_free(&cfg);
				free(reads);
				free(rules);
				return EXIT_USAGE;
			}
		} else
			printf("wardwatch: threat rules: off\n");
		config_free(&cfg);
		free(reads);
		free(rules);
		return 0;
	}
	if (test_mode && iface != NULL) {
		/* It keeps every record in memory until the end. */
		fprintf(stderr, "wardwatch: --test-mode is for -r, not -i\n");
		config_free(&cfg);
		free(reads);
		return EXIT_USAGE;
	}
	/* No -r and no -i: the configuration's interfaces, if any. */
	if (nreads == 0 && iface == NULL && !test_mode) {
		for (ii = 0; ii < cfg.n_interfaces; ii++)
			ifaces[niface++] = cfg.interfaces[ii];
		if (niface > 0)
			iface = ifaces[0];
	}
	if ((nreads == 0) == (iface == NULL)) {
		fprintf(stderr, "wardwatch: give either -r or -i (or "
		    "capture.interfaces in the configuration)\n");
		usage(stderr);
		config_free(&cfg);
		free(reads);
		return EXIT_USAGE;
	}
	if (iface == NULL && (sbo.user != NULL || sbo.allow_root ||
	    sandbox_test || daemonize || pidfile != NULL ||
	    buffer_size != 0 || fanout)) {
		fprintf(stderr, "wardwatch: -D, --pidfile, --buffer-size, "
		    "--fanout, --user, --allow-root and --sandbox-test are "
		    "for -i\n");
		config_free(&cfg);
		free(reads);
		return EXIT_USAGE;
	}
	if (sbo.user != NULL && sbo.allow_root) {
		fprintf(stderr, "wardwatch: give --user or --allow-root, not "
		    "both\n");
		config_free(&cfg);
		free(reads);
		return EXIT_USAGE;
	}
	if (iface != NULL && sandbox_prepare(&sbo, stderr) == -1) {
		config_free(&cfg);
		free(reads);
		return EXIT_USAGE;
	}
	bpf = join_args(argc, argv);
	if (bpf != NULL && check_filter(bpf) == -1) {
		config_free(&cfg);
		free(reads);
		free(bpf);
		return EXIT_USAGE;
	}
	if (make_logdir(logdir, iface != NULL ? &sbo : NULL) == -1) {
		config_free(&cfg);
		free(reads);
		free(bpf);
		return EXIT_USAGE;
	}

	if (nreads > 0 && capture_expand_inputs(reads, nreads, &files,
	    &nfiles, err, sizeof(err), stderr) == -1) {
		fprintf(stderr, "wardwatch: %s\n", util_safe_str(err));
		status = EXIT_RUNTIME;
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reopen request must not fail a read of -r - (a pipe) with
	 * EINTR: logrotate's SIGHUP would end the run. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit makes write(2) fail with EFBIG, which the
	 * output counts, instead of killing the sensor. */
	signal(SIGXFSZ, SIG_IGN);

	memset(&mo, 0, sizeof(mo));
	mo.logdir = logdir;
	mo.bpf = bpf;
	mo.test_mode = test_mode;
	mo.live = iface != NULL;
	mo.fanout = cfg.fanout;
	mo.workers = workers;
	/* The inventory: --state, else the config, else by mode. */
	if (statepath == NULL &&
	    strcmp(cfg.devices.state_file, BRAIN_STATE_AUTO) != 0)
		statepath = cfg.devices.state_file;
	if (statepath == NULL) {
		if (iface != NULL && access("/var/lib/wardwatch", W_OK) == 0)
			statepath = WW_LIVE_STATE;
		else {
			snprintf(statebuf, sizeof(statebuf), "%s/wardwatch.db",
			    logdir);
			statepath = statebuf;
		}
	}
	mo.state_path = statepath;
	mo.stop = &quit;
	mo.reopen = &reopen;
	mo.stats_now = &stats_now;

	if (strcmp(cfg.eve_filename, "-") == 0)
		strlcpy(outpath, "<stdout>", sizeof(outpath));
	else if (cfg.eve_filename[0] == '/')
		strlcpy(outpath, cfg.eve_filename, sizeof(outpath));
	else
		snprintf(outpath, sizeof(outpath), "%s/%s", logdir,
		    cfg.eve_filename);
	/* Patient pseudonyms: the key is read (or made) once, before any
	 * parser runs, and stays for the run. */
	if (cfg.privacy_pseudonyms && pseudo_setup(cfg.privacy_key_file,
	    dir_of(statepath, statedir, sizeof(statedir)), errbuf,
	    sizeof(errbuf)) == -1) {
		fprintf(stderr, "wardwatch: privacy.pseudonyms: %s\n",
		    util_safe_str(errbuf));
		status = EXIT_USAGE;
		goto out;
	}
	/* A sensor the -D supervisor starts again continues what it had:
	 * --fresh was for the first start. */
	if (fresh && getenv(SUPERVISE_ENV) != NULL)
		fresh = false;
	if (fresh && cfg.devices.enabled && set_aside(statepath) == -1) {
		status = EXIT_RUNTIME;
		goto out;
	}
	/* A run that fails to start takes away the files it made. */
	eve_made = cfg.eve_enabled && outpath[0] != '<' &&
	    access(outpath, F_OK) == -1;
	db_made = cfg.devices.enabled && access(statepath, F_OK) == -1;
	/* The rule cache makes the state directory when it is missing. */
	statedir_made = access(dir_of(statepath, statedir, sizeof(statedir)),
	    F_OK) == -1;
	if (cfg.detect.enabled) {
		FILE *sfp = strcmp(cfg.eve_filename, "-") == 0 ? stderr :
		    stdout;

		/* The cache goes in the state directory even with the
		 * inventory off: a restart with a large feed must not
		 * compile it again. */
		rules_setup(&cfg, rules, nrules, strict_rules, statepath);
		if ((de = detect_load(&cfg.detect, stderr, NULL)) == NULL) {
			fprintf(stderr, "wardwatch: threat rules: errors "
			    "above\n");
			status = EXIT_USAGE;
			goto out;
		}
		/* Offline, the summary says it after its first line (the
		 * packet count, or that the inventory continues). */
		if (iface != NULL) {
			detect_print_summary(de, sfp);
			fflush(sfp);
		}
		if (strict_rules && detect_rules_skipped(de) > 0) {
			fprintf(stderr, "wardwatch: --strict-rules: rules "
			    "were skipped\n");
			status = EXIT_USAGE;
			goto out;
		}
		mo.detect = de;
	}
	rc = monitor_init(&mon, &cfg, &mo);
	for (ii = 0; rc == 0 && ii < niface; ii++)
		if (monitor_open_live(&mon, ifaces[ii]) == -1)
			rc = -1;
	if (rc == 0 && iface != NULL && daemonize && (daemon(1, 0) == -1 ||
	    supervise() == -1 ||
	    notify_pidfile(pidfile != NULL ? pidfile : WW_PIDFILE) == -1)) {
		/* daemon(3) keeps the directory: -l and --state may be
		 * relative. */
		log_warn("-D");
		rc = -1;
	} else if (rc == 0 && iface != NULL) {
		if (daemonize)
			log_init(verbose, true);
		notify_init();
		/* Everything is open: keep no privilege from here on. */
		sbo.write_dirs[sbo.nwrite_dirs++] = logdir;
		/* The state directory holds more than the inventory: the
		 * record numbers (seq), spools and hash-chain state. */
		if (statepath != NULL)
			sbo.write_dirs[sbo.nwrite_dirs++] = dir_of(statepath,
			    statedir, sizeof(statedir));
		if (outpath[0] == '/')
			sbo.write_dirs[sbo.nwrite_dirs++] = dir_of(outpath,
			    outdir, sizeof(outdir));
		if (reportpath != NULL)
			sbo.write_dirs[sbo.nwrite_dirs++] = dir_of(reportpath,
			    reportdir, sizeof(reportdir));
		/* Files of outputs: elsewhere than the log directory. */
		for (ii = 0; ii < cfg.noutputs && nextra < SANDBOX_EXTRA_DIRS;
		    ii++) {
			const struct output_spec *os = &cfg.outputs[ii];

			if (os->kind != OUTK_REGULAR || os->filename == NULL ||
			    os->filename[0] != '/')
				continue;
			sbo.write_dirs[sbo.nwrite_dirs++] = dir_of(
			    os->filename, extradir[nextra],
			    sizeof(extradir[nextra]));
			nextra++;
		}
		if (statedir_made)
			sandbox_own(&sbo, dir_of(statepath, statedir,
			    sizeof(statedir)), false);
		own_made(&sbo, &cfg, logdir, outpath, statepath);
		if (sandbox_enter(&sbo, &sbs, stderr) == -1) {
			fprintf(stderr, "wardwatch: cannot give up privileges: "
			    "not starting\n");
			rc = -1;
		} else if (sandbox_test) {
			sandbox_bad = sandbox_selftest(&sbo, &sbs, stdout);
			fflush(stdout);
			quit = 1;
		}
	}
	if (rc == 0 && iface != NULL) {
		rctx.cfgpath = cfgpath;
		rctx.rules = rules;
		rctx.nrules = nrules;
		rctx.strict = strict_rules;
		rctx.statepath = statepath;
		rctx.pseudonyms = pseudo_on();
		rctx.devices = cfg.devices.enabled && mon.brain != NULL;
		rctx.de = &de;
		memset(&mr, 0, sizeof(mr));
		mr.name = "configuration, rules, fingerprints, zones and "
		    "policy";
		mr.prepare = reload_prepare;
		mr.commit = reload_commit;
		mr.abort = reload_abort;
		mr.arg = &rctx;
		(void)monitor_add_reload(&mon, &mr);
	}
	if (rc == 0)
		rc = monitor_start(&mon);
	if (rc == -1) {
		monitor_free(&mon);
		remove_made(eve_made ? outpath : NULL, db_made ? statepath :
		    NULL);
		if (fresh)
			restore_aside(statepath);
		status = EXIT_RUNTIME;
		goto out;
	}
	if (brain_continuing(mon.brain) > 0)
		fprintf(strcmp(cfg.eve_filename, "-") == 0 ? stderr : stdout,
		    "wardwatch: continuing the inventory in %s (%zu devices "
		    "from earlier runs; --fresh starts a new one)\n",
		    util_safe_str(statepath), brain_continuing(mon.brain));
	if (nfiles > 0)
		status = monitor_run_offline(&mon, files, nfiles);
	else
		status = monitor_run_live(&mon, iface);
	started = mon.files_read > 0 || mon.cap.pkts > 0 || (iface != NULL &&
	    mon.cap.live);
	if (monitor_finish(&mon, &sum) == -1)
		status = EXIT_RUNTIME;
	if (!started) {
		/* Nothing could be opened: no summary of an empty run. */
		monitor_free(&mon);
		remove_made(eve_made ? outpath : NULL, db_made ? statepath :
		    NULL);
		if (fresh)
			restore_aside(statepath);
		status = EXIT_RUNTIME;
		goto out;
	}

	if (sandbox_test && sandbox_bad > 0) {
		fprintf(stderr, "wardwatch: --sandbox-test: %d check%s "
		    "failed\n", sandbox_bad, sandbox_bad == 1 ? "" : "s");
		status = EXIT_RUNTIME;
	}
	if (!cfg.eve_enabled)
		strlcpy(outpath, "(EVE output disabled)", sizeof(outpath));
	print_summary(strcmp(cfg.eve_filename, "-") == 0 ? stderr : stdout,
	    &sum, outpath, iface != NULL ? mon.ifaces : NULL, test_mode);
	if (de != NULL && iface == NULL)
		detect_print_summary(de, strcmp(cfg.eve_filename, "-") == 0 ?
		    stderr : stdout);
	output_print_summary(mon.out, strcmp(cfg.eve_filename, "-") == 0 ?
	    stderr : stdout);
	print_alerts(strcmp(cfg.eve_filename, "-") == 0 ? stderr : stdout,
	    mon.out);
	brain_print_summary(mon.brain, strcmp(cfg.eve_filename, "-") == 0 ?
	    stderr : stdout, verbose > 0);
	if (mon.brain != NULL && cfg.devices.enabled)
		fprintf(strcmp(cfg.eve_filename, "-") == 0 ? stderr : stdout,
		    "  inventory  %s (wardwatch inventory --state %s)\n",
		    util_safe_str(statepath), util_safe_str(statepath));
	if (sum.interrupted) {
		/* Cut short: the records are true, but not of all input. */
		fprintf(stderr, "wardwatch: interrupted by a signal after "
		    "%" PRIu64 " packets; the rest of the input was not "
		    "read\n", sum.packets);
		status = EXIT_RUNTIME;
	}
	monitor_free(&mon);
	/* After the brain's last save: the report sees all of the run. */
	if (reportpath != NULL && !cfg.devices.enabled)
		fprintf(stderr, "wardwatch: --report %s: no report, the device "
		    "inventory is off (devices.enabled)\n",
		    util_safe_str(reportpath));
	else if (reportpath != NULL) {
		if (report_write(statepath, reportpath,
		    report_format_of(reportpath), stderr) != 0)
			status = EXIT_RUNTIME;
		else
			fprintf(strcmp(cfg.eve_filename, "-") == 0 ? stderr :
			    stdout, "  report     %s\n",
			    util_safe_str(reportpath));
	}

 out:
	sandbox_opts_free(&sbo);
	detect_free(de);
	if (rctx.cur != NULL) {
		config_free(rctx.cur);
		free(rctx.cur);
	}
	free(rules);
	capture_free_inputs(files, nfiles);
	free(bpf);
	free(reads);
	config_free(&cfg);
	return status;
}
