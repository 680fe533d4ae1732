/*
 * notify.h - the service manager's side of the live sensor: systemd's
 * notification protocol (Type=notify: READY, RELOADING, STOPPING, a
 * STATUS line, WATCHDOG pings) through libsystemd's sd_notify(), and
 * the pid file of -D.  Without libsystemd, or outside a unit
 * (NOTIFY_SOCKET unset), the notifications do nothing.
 */
#ifndef WW_NOTIFY_H
#define WW_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Read the unit's watchdog period (before the sandbox). */
void	notify_init(void);
void	notify_ready(const char *status);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_status(const char *status);
/* EXTEND_TIMEOUT_USEC: a long reload asks for more time. */
void	notify_extend(uint64_t usec);
/* A watchdog ping when one is due (call often). */
void	notify_watchdog(uint64_t now_us);
bool	notify_watchdog_enabled(void);

/*
 * -D: the pid file, opened without following a link, locked for the
 * life of the process (a second daemon is refused), then written.
 * Returns 0 or -1 with a message on stderr.
 */
int	notify_pidfile(const char *path);

#endif /* WW_NOTIFY_H */
