/*
 * log.h - the logging vocabulary (OpenSMTPD style).
 *
 * log_warn() appends strerror(errno), log_warnx() does not; fatal() and
 * fatalx() log and exit(2) (runtime failure).  Diagnostics go to stderr,
 * or to syslog(3) once log_init() is told the process is a daemon.
 */
#ifndef WW_LOG_H
#define WW_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <time.h>

void	log_init(int verbose, bool use_syslog);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * At most one message per interval for one limit: the caller keeps the
 * time of the last message in *last.  Returns true when it logged.
 */
bool	log_ratelimit(time_t *last, int interval, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* WW_LOG_H */
