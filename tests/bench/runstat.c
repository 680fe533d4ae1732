/*
 * runstat.c - run a command and report what it cost: wall time, CPU
 * time and peak resident set size.
 *
 *   runstat [-o statfile] command [arg ...]
 *
 * The command is fork()ed and exec()ed with our stdin, stdout and
 * stderr; runstat then waits for it with wait4(), whose rusage is the
 * child's own (and that of any children it waited for), so nothing has
 * to be parsed out of /usr/bin/time, whose format differs between
 * versions and which is not always installed.  Wall time is measured
 * on CLOCK_MONOTONIC from just before fork() to wait4()'s return.
 *
 * One line goes to statfile (default: stderr), made to be read by a
 * shell script:
 *   runstat: wall=1.234567 user=1.000000 sys=0.200000 cpu=1.200000
 *       maxrss_kib=12345 status=0
 * ru_maxrss is in KiB on Linux (it is in bytes on macOS).  status is the
 * command's exit status, 128 + N if signal N killed it, 127 if it could
 * not be executed.  runstat exits with that status too.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNSTAT_EXEC_FAILED	127

static double
tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double
ts_seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: runstat [-o statfile] command [arg ...]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	const char *statpath = NULL;
	FILE *out = stderr;
	double user, sys;
	pid_t pid;
	int ws, status, argi = 1;

	/*
	 * Options are parsed by hand: everything from the first word that
	 * is not ours belongs to the command, including its own options.
	 */
	if (argi < argc && strcmp(argv[argi], "-o") == 0) {
		if (argi + 1 >= argc)
			usage();
		statpath = argv[argi + 1];
		argi += 2;
	}
	if (argi < argc && strcmp(argv[argi], "--") == 0)
		argi++;
	if (argi >= argc)
		usage();

	/* Open it now, so a bad path fails before a long run, not after. */
	if (statpath != NULL && (out = fopen(statpath, "we")) == NULL) {
		fprintf(stderr, "runstat: %s: %s\n", statpath,
		    strerror(errno));
		return 1;
	}

	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "runstat: %s: %s\n", argv[argi],
		    strerror(errno));
		_exit(RUNSTAT_EXEC_FAILED);
	}
	while (wait4(pid, &ws, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n",
			    strerror(errno));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (WIFEXITED(ws))
		status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		status = 128 + WTERMSIG(ws);
	else
		status = 1;
	user = tv_seconds(&ru.ru_utime);
	sys = tv_seconds(&ru.ru_stime);
	fprintf(out, "runstat: wall=%.6f user=%.6f sys=%.6f cpu=%.6f "
	    "maxrss_kib=%ld status=%d\n", ts_seconds(&t1) - ts_seconds(&t0),
	    user, sys, user + sys, ru.ru_maxrss, status);
	if (out != stderr && fclose(out) == EOF) {
		fprintf(stderr, "runstat: %s: %s\n", statpath,
		    strerror(errno));
		return 1;
	}
	return status;
}
