/*
 * notify.c - systemd notifications and the pid file (notify.h).
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/*
 * A new file with the pid, locked, renamed over the old one: a reader
 * sees the old pid or the new one, never an empty file between a
 * truncate and a write (a supervisor's restart used to show one).
 * Returns the new file's descriptor, or -1 with errno set.
 */
static int
pid_replace(const char *path, const char *buf, size_t n)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* mkstemp(3): O_EXCL, so nothing planted there is followed. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (fchmod(fd, 0644) == -1 || flock(fd, LOCK_EX | LOCK_NB) == -1 ||
	    write(fd, buf, n) != (ssize_t)n || rename(tmp, path) == -1) {
		saved = errno;
		(void)unlink(tmp);
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * A daemon killed between pid_replace()'s mkostemp() and its rename
 * left "<path>.XXXXXX" behind.  With the pid file's lock held no other
 * daemon is making one; a file of that name that is not locked, is
 * ours, has no other link and holds nothing or a pid is such a
 * leftover.  Anything else (locked, another user's, a backup that
 * happens to have six letters) is left alone.
 */
static bool
pid_leftover(int fd, const struct stat *st)
{
	char buf[24];
	ssize_t n, i;

	if (!S_ISREG(st->st_mode) || st->st_uid != geteuid() ||
	    st->st_nlink != 1 || st->st_size > 20)
		return false;
	if ((n = pread(fd, buf, sizeof(buf), 0)) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)buf[i]) &&
		    !(buf[i] == '\n' && i == n - 1))
			return false;
	return true;
}

static void
pid_sweep(const char *path)
{
	char dirbuf[PATH_MAX], basebuf[PATH_MAX];
	const char *dir, *base;
	struct dirent *de;
	struct stat st;
	size_t blen, i;
	DIR *d;
	int fd;

	if (strlcpy(dirbuf, path, sizeof(dirbuf)) >= sizeof(dirbuf) ||
	    strlcpy(basebuf, path, sizeof(basebuf)) >= sizeof(basebuf))
		return;
	dir = dirname(dirbuf);
	base = basename(basebuf);
	blen = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != blen + 7 ||
		    strncmp(de->d_name, base, blen) != 0 ||
		    de->d_name[blen] != '.')
			continue;
		for (i = blen + 1; i < blen + 7; i++)
			if (!isalnum((unsigned char)de->d_name[i]))
				break;
		if (i < blen + 7)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == 0 && pid_leftover(fd, &st) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
		close(fd);
	}
	closedir(d);
}

int
notify_pidfile(const char *path)
{
	struct stat st, now;
	char buf[32];
	int n, fd, tries;

	for (tries = 0;; tries++) {
		if ((pid_fd = util_open_regular(path, O_WRONLY | O_CREAT,
		    0644)) == -1) {
			fprintf(stderr, "wardwatch: pid file %s: %s\n",
			    util_safe_str(path), util_open_strerror(errno));
			return -1;
		}
		/* The lock is the one a second daemon tries first. */
		if (flock(pid_fd, LOCK_EX | LOCK_NB) == -1) {
			fprintf(stderr, "wardwatch: pid file %s: %s\n",
			    util_safe_str(path), errno == EWOULDBLOCK ?
			    "locked: another wardwatch daemon is running" :
			    strerror(errno));
			close(pid_fd);
			pid_fd = -1;
			return -1;
		}
		/*
		 * Another daemon may have renamed its own file over the
		 * one we opened, and let go of this one, between our
		 * open and our lock: ours is then no longer the pid
		 * file, and its lock proves nothing.  Open it again.
		 */
		if (fstat(pid_fd, &st) == -1) {
			memset(&st, 0, sizeof(st));	/* written in place */
			break;
		}
		if (stat(path, &now) == -1 ||
		    (st.st_dev == now.st_dev && st.st_ino == now.st_ino))
			break;
		close(pid_fd);
		pid_fd = -1;
		if (tries == 8) {
			fprintf(stderr, "wardwatch: pid file %s: replaced "
			    "again and again while locking it\n",
			    util_safe_str(path));
			return -1;
		}
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	/*
	 * Replaced whole where it can be: a regular file in a directory
	 * we may write.  A character device (/dev/null) is never renamed
	 * over, and a pid file made for us in a directory we may not
	 * write is written in place, as before.
	 */
	if (S_ISREG(st.st_mode))
		pid_sweep(path);
	if (S_ISREG(st.st_mode) &&
	    (fd = pid_replace(path, buf, (size_t)n)) != -1) {
		close(pid_fd);		/* the old file, now unlinked */
		pid_fd = fd;
		return 0;
	}
	if (ftruncate(pid_fd, 0) == -1 || write(pid_fd, buf, (size_t)n) != n) {
		fprintf(stderr, "wardwatch: pid file %s: %s\n",
		    util_safe_str(path), strerror(errno));
		return -1;
	}
	return 0;
}
