/*
 * log.c - diagnostics to stderr or syslog(3).
 *
 * These are messages about the sensor itself, never about traffic:
 * malformed packets are counted anomalies, not log lines.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/log.h"
#include "util/util.h"

static int	log_verbose;	/* set once at start; read-only afterwards */
static bool	log_syslog;

void
log_init(int verbose, bool use_syslog)
{
	log_verbose = verbose;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("wardwatch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void vlog(int, const char *, va_list, int)
    __attribute__((format(printf, 2, 0)));

static void
vlog(int pri, const char *fmt, va_list ap, int err)
{
	char raw[1024], msg[4096];

	/* Messages name files, interfaces and devices: nothing in them
	 * may reach the terminal as a control sequence. */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	util_escape_ctl(raw, msg, sizeof(msg));
	if (log_syslog) {
		if (err)
			syslog(pri, "%s: %s", msg, strerror(err));
		else
			syslog(pri, "%s", msg);
		return;
	}
	if (err)
		fprintf(stderr, "wardwatch: %s: %s\n", msg, strerror(err));
	else
		fprintf(stderr, "wardwatch: %s\n", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, err);
	va_end(ap);
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(2);
}

bool
log_ratelimit(time_t *last, int interval, const char *fmt, ...)
{
	va_list ap;
	time_t now = time(NULL);

	if (*last != 0 && now - *last < interval)
		return false;
	*last = now;
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
	return true;
}
