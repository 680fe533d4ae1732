/*
 * notify.c - systemd notifications and the pid file (notify.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "engine/notify.h"
#include "util/util.h"

static uint64_t	wd_usec;	/* 0: no watchdog */
static uint64_t	wd_last;
static int	pid_fd = -1;

void
notify_init(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t us = 0;

	if (sd_watchdog_enabled(0, &us) > 0)
		wd_usec = us;
#endif
}

bool
notify_watchdog_enabled(void)
{
	return wd_usec != 0;
}

static void
notify(const char *msg)
{
#ifdef HAVE_LIBSYSTEMD
	(void)sd_notify(0, msg);
#else
	(void)msg;
#endif
}

void
notify_ready(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	notify(buf);
}

void
notify_reloading(void)
{
	notify("RELOADING=1");
}

void
notify_stopping(void)
{
	notify("STOPPING=1");
}

void
notify_status(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "STATUS=%s", status);
	notify(buf);
}

void
notify_extend(uint64_t usec)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "EXTEND_TIMEOUT_USEC=%llu",
	    (unsigned long long)usec);
	notify(buf);
}

/* Pinged at half the period, as sd_watchdog_enabled(3) advises. */
void
notify_watchdog(uint64_t now_us)
{
	if (wd_usec == 0 || now_us - wd_last < wd_usec / 2)
		return;
	wd_last = now_us;
	notify("WATCHDOG=1");
}

int
notify_pidfile(const char *path)
{
	char buf[32];
	int n;

	if ((pid_fd = util_open_regular(path, O_WRONLY | O_CREAT, 0644)) ==
	    -1) {
		fprintf(stderr, "wardwatch: pid file %s: %s\n",
		    util_safe_str(path), util_open_strerror(errno));
		return -1;
	}
	if (flock(pid_fd, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "wardwatch: pid file %s: %s\n",
		    util_safe_str(path), errno == EWOULDBLOCK ?
		    "locked: another wardwatch daemon is running" :
		    strerror(errno));
		close(pid_fd);
		pid_fd = -1;
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pid_fd, 0) == -1 || write(pid_fd, buf, (size_t)n) != n) {
		fprintf(stderr, "wardwatch: pid file %s: %s\n",
		    util_safe_str(path), strerror(errno));
		return -1;
	}
	return 0;
}
