/*
 * sandbox.c - least privilege for the live sensor.
 *
 * Order matters: the user and group change while capabilities still
 * allow it; the bounding and ambient sets go while CAP_SETPCAP is
 * still held; no_new_privs comes before Landlock and seccomp, which
 * require it of an unprivileged process; seccomp comes last, so that
 * setting the others up needs nothing on its allow-list.  Everything
 * happens before the first thread is started: capabilities, Landlock
 * and no_new_privs are per thread, and threads inherit them.
 *
 * The seccomp filter answers EPERM to a system call outside the list
 * rather than killing: a library that needs one more call on an
 * unusual path then fails that operation, which the sensor logs and
 * survives, instead of taking the capture down.  Sanitizer builds (ASan
 * and LeakSanitizer stop the world with a traced clone at exit) are
 * allowed clone, ptrace and wait4 as well: the self-test says so.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/capability.h>
#ifdef HAVE_LINUX_LANDLOCK_H
#include <linux/landlock.h>
#endif
#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "engine/sandbox.h"
#include "util/log.h"
#include "util/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED	1
#endif
#endif
#ifndef SANDBOX_SANITIZED
#define SANDBOX_SANITIZED	0
#endif

static uid_t	sb_uid;
static gid_t	sb_gid;
static char	sb_name[64];

int
sandbox_prepare(const struct sandbox_opts *o, FILE *err)
{
	const char *name = o->user != NULL ? o->user : SANDBOX_USER;
	struct passwd *pw;

	sb_uid = geteuid();
	sb_gid = getegid();
	if (geteuid() != 0 || o->allow_root)
		return 0;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL && o->user == NULL) {
		fprintf(err, "wardwatch: user %s does not exist (the Debian "
		    "package creates it); running as %s\n", name,
		    SANDBOX_FALLBACK);
		name = SANDBOX_FALLBACK;
		pw = getpwnam(name);
	}
	if (pw == NULL) {
		fprintf(err, "wardwatch: --user %s: no such user (or "
		    "--allow-root to keep running as root)\n",
		    util_safe_str(name));
		return -1;
	}
	if (pw->pw_uid == 0) {
		fprintf(err, "wardwatch: --user %s: that is root (use "
		    "--allow-root to mean it)\n", util_safe_str(name));
		return -1;
	}
	sb_uid = pw->pw_uid;
	sb_gid = pw->pw_gid;
	strlcpy(sb_name, name, sizeof(sb_name));
	return 0;
}

void
sandbox_own(struct sandbox_opts *o, const char *path, bool pattern)
{
	glob_t g;
	size_t i;

	if (!pattern) {
		o->own = xreallocarray(o->own, o->nown + 1, sizeof(*o->own));
		o->own[o->nown++] = xstrdup(path);
		return;
	}
	if (glob(path, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		sandbox_own(o, g.gl_pathv[i], false);
	globfree(&g);
}

void
sandbox_opts_free(struct sandbox_opts *o)
{
	size_t i;

	for (i = 0; i < o->nown; i++)
		free(o->own[i]);
	free(o->own);
	o->own = NULL;
	o->nown = 0;
}

/* Every capability out of the bounding and ambient sets (needs
 * CAP_SETPCAP: without it, as under systemd with a bounding set of its
 * own, the sets are left as they are), then out of this thread. */
static int
drop_caps(FILE *err)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	int c;

	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 &&
		    errno != EPERM)
			break;		/* EINVAL: past the last one */
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capset, &hdr, data) == -1) {
		fprintf(err, "wardwatch: capset: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int
become_user(const struct sandbox_opts *o, FILE *err)
{
	struct stat st;
	size_t i;
	int fd;

	if (geteuid() != 0 || sb_uid == 0)
		return 0;
	/*
	 * Only what root owns: never a symbolic link, never another
	 * user's, never a file with a second name (a hard link planted
	 * in the user's directory to a file of root's).  Checked and
	 * changed through one descriptor, so nothing can swap it between.
	 */
	for (i = 0; i < o->nown; i++) {
		if ((fd = open(o->own[i], O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
		    -1)
			continue;
		if (fstat(fd, &st) == -1 || st.st_uid != 0)
			;	/* not root's: not ours to hand over */
		else if (S_ISREG(st.st_mode) && st.st_nlink > 1)
			fprintf(err, "wardwatch: %s has another name (a hard "
			    "link): left to root\n", util_safe_str(o->own[i]));
		else if ((S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
		    fchownat(fd, "", sb_uid, sb_gid, AT_EMPTY_PATH) == -1)
			fprintf(err, "wardwatch: chown %s: %s\n",
			    util_safe_str(o->own[i]), strerror(errno));
		close(fd);
	}
	if (setgroups(1, &sb_gid) == -1 ||
	    setresgid(sb_gid, sb_gid, sb_gid) == -1 ||
	    setresuid(sb_uid, sb_uid, sb_uid) == -1) {
		fprintf(err, "wardwatch: cannot become %s: %s\n",
		    util_safe_str(sb_name), strerror(errno));
		return -1;
	}
	/* Only a complete change of every id makes this fail. */
	if (setuid(0) != -1 || geteuid() == 0) {
		fprintf(err, "wardwatch: still able to become root after "
		    "changing to %s\n", util_safe_str(sb_name));
		return -1;
	}
	return 0;
}

#ifdef HAVE_LINUX_LANDLOCK_H
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif

/*
 * Landlock: writing, creating, removing and executing are handled (so
 * refused) everywhere but in the write directories, where everything
 * but executing stays allowed.  Reading is left to file permissions:
 * rules, fingerprints and the configuration are read again on reload.
 * The rules are made while the process can still open every directory
 * (as root, before the change of user).  Returns the ruleset's
 * descriptor, -2 where the kernel has none, -1 on error.
 */
static int
landlock_rules(const struct sandbox_opts *o, int *abip, FILE *err)
{
	struct landlock_ruleset_attr ra;
	struct landlock_path_beneath_attr pb;
	uint64_t handled;
	long abi;
	size_t i;
	int fd, pfd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi <= 0) {
		log_info("Landlock: not available in this kernel (%s)",
		    strerror(errno));
		*abip = 0;
		return -2;
	}
	*abip = (int)abi;
	handled = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		handled |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = handled;
	fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd == -1) {
		fprintf(err, "wardwatch: Landlock: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < o->nwrite_dirs; i++) {
		if ((pfd = open(o->write_dirs[i], O_PATH | O_CLOEXEC)) == -1) {
			fprintf(err, "wardwatch: Landlock: %s: %s\n",
			    util_safe_str(o->write_dirs[i]), strerror(errno));
			close(fd);
			return -1;
		}
		memset(&pb, 0, sizeof(pb));
		pb.allowed_access = handled & ~LANDLOCK_ACCESS_FS_EXECUTE;
		pb.parent_fd = pfd;
		if (syscall(SYS_landlock_add_rule, fd,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1) {
			fprintf(err, "wardwatch: Landlock: %s: %s\n",
			    util_safe_str(o->write_dirs[i]), strerror(errno));
			close(pfd);
			close(fd);
			return -1;
		}
		close(pfd);
	}
	return fd;
}

/* After no_new_privs. */
static int
landlock_apply(int fd, FILE *err)
{
	int rc = 0;

	if (fd < 0)
		return 0;
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1) {
		fprintf(err, "wardwatch: Landlock: %s\n", strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}
#else
static int
landlock_rules(const struct sandbox_opts *o, int *abip, FILE *err)
{
	(void)o;
	(void)err;
	log_info("Landlock: not built in (no linux/landlock.h)");
	*abip = 0;
	return -2;
}

static int
landlock_apply(int fd, FILE *err)
{
	(void)fd;
	(void)err;
	return 0;
}
#endif

#ifdef HAVE_SECCOMP
/*
 * What the running sensor calls: the capture thread (poll, the
 * TPACKET ring, pcap_stats), workers, the device brain (SQLite: files,
 * locks, journals in the state directory), the output thread (writes,
 * reopening after rotation, sockets for remote collectors), reloads
 * (reading rules and the configuration, caching compiled rules) and
 * glibc underneath (threads, futexes, signals, time, memory).
 */
static const char *const allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
	"pwritev", "preadv2", "pwritev2", "close", "close_range", "fstat",
	"newfstatat", "stat", "lstat", "statx", "fstatfs", "statfs",
	"lseek", "mmap", "munmap", "mprotect", "mremap", "madvise",
	"mincore", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"rt_sigtimedwait", "sigaltstack", "poll", "ppoll", "select",
	"pselect6", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "futex", "set_robust_list", "get_robust_list",
	"exit", "exit_group", "gettid", "getpid", "getppid", "tgkill",
	"tkill", "nanosleep", "clock_nanosleep", "clock_gettime",
	"clock_getres", "gettimeofday", "time", "getrandom", "open",
	"openat", "fcntl", "flock", "fsync", "fdatasync", "ftruncate",
	"fallocate", "fadvise64", "unlink", "unlinkat", "rename",
	"renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "access",
	"faccessat", "faccessat2", "getcwd", "readlink", "readlinkat",
	"getdents", "getdents64", "geteuid", "getuid", "getegid", "getgid",
	"getresuid", "getresgid", "getgroups", "uname", "sysinfo",
	"prlimit64", "getrlimit", "sched_yield", "sched_getaffinity",
	"rseq", "set_tid_address", "connect", "sendto", "sendmsg",
	"sendmmsg", "recvfrom", "recvmsg", "getsockopt", "setsockopt",
	"getsockname", "getpeername", "shutdown", "dup", "dup2", "dup3",
	"pipe", "pipe2", "eventfd2", "fchmod", "fchown", "umask",
	"restart_syscall", "membarrier", "getpriority", "sched_getparam",
	"sched_getscheduler", "capget",
};

/* More for ASan and LeakSanitizer (above). */
static const char *const allowed_sanitized[] = {
	"clone", "ptrace", "wait4", "waitid", "prctl", "kill",
};

static int
seccomp_add(scmp_filter_ctx ctx, const char *name, uint32_t action,
    unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;		/* not on this architecture */
	return seccomp_rule_add_array(ctx, action, nr, n, cmp);
}

static int
seccomp_on(FILE *err)
{
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	static const int prctls[] = { PR_SET_NAME, PR_GET_NAME,
	    PR_GET_DUMPABLE, PR_GET_NO_NEW_PRIVS, PR_GET_SECCOMP };
	struct scmp_arg_cmp cmp;
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		fprintf(err, "wardwatch: seccomp_init failed\n");
		return -1;
	}
	for (i = 0; rc == 0 && i < sizeof(allowed) / sizeof(allowed[0]);
	    i++)
		rc = seccomp_add(ctx, allowed[i], SCMP_ACT_ALLOW, 0, NULL);
	if (SANDBOX_SANITIZED)
		for (i = 0; rc == 0 && i < sizeof(allowed_sanitized) /
		    sizeof(allowed_sanitized[0]); i++)
			rc = seccomp_add(ctx, allowed_sanitized[i],
			    SCMP_ACT_ALLOW, 0, NULL);
	/* Threads only: no fork, no new process. */
	cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	if (rc == 0 && !SANDBOX_SANITIZED)
		rc = seccomp_add(ctx, "clone", SCMP_ACT_ALLOW, 1, &cmp);
	/* clone3's flags are in memory, out of the filter's sight: glibc
	 * falls back to clone on ENOSYS. */
	if (rc == 0)
		rc = seccomp_add(ctx, "clone3", SCMP_ACT_ERRNO(ENOSYS), 0,
		    NULL);
	/* Remote collectors and syslog; no packet or netlink socket. */
	for (i = 0; rc == 0 && i < sizeof(families) / sizeof(families[0]);
	    i++) {
		cmp = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]);
		rc = seccomp_add(ctx, "socket", SCMP_ACT_ALLOW, 1, &cmp);
	}
	for (i = 0; rc == 0 && !SANDBOX_SANITIZED &&
	    i < sizeof(prctls) / sizeof(prctls[0]); i++) {
		cmp = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctls[i]);
		rc = seccomp_add(ctx, "prctl", SCMP_ACT_ALLOW, 1, &cmp);
	}
	/* Terminal input injection (TIOCSTI) is the one ioctl refused. */
	cmp = SCMP_A1(SCMP_CMP_NE, (scmp_datum_t)TIOCSTI);
	if (rc == 0)
		rc = seccomp_add(ctx, "ioctl", SCMP_ACT_ALLOW, 1, &cmp);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		fprintf(err, "wardwatch: seccomp: %s\n", strerror(-rc));
		return -1;
	}
	return 0;
}
#else
static int
seccomp_on(FILE *err)
{
	(void)err;
	log_info("seccomp: not built in (configure found no libseccomp)");
	return 1;
}
#endif

int
sandbox_enter(const struct sandbox_opts *o, struct sandbox_state *st,
    FILE *err)
{
	int rc, ll;

	memset(st, 0, sizeof(*st));
	if (geteuid() == 0 && o->allow_root)
		fprintf(err, "wardwatch: --allow-root: staying root (with no "
		    "capability)\n");
	if ((ll = landlock_rules(o, &st->landlock_abi, err)) == -1)
		return -1;
	if (become_user(o, err) == -1 || drop_caps(err) == -1) {
		if (ll >= 0)
			close(ll);
		return -1;
	}
	if (SANDBOX_SANITIZED)
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		fprintf(err, "wardwatch: no_new_privs: %s\n", strerror(errno));
		if (ll >= 0)
			close(ll);
		return -1;
	}
	if (landlock_apply(ll, err) == -1)
		return -1;
	if ((rc = seccomp_on(err)) == -1)
		return -1;
	st->seccomp = rc == 0;
	st->uid = geteuid();
	st->gid = getegid();
	log_info("sandbox: uid %u gid %u, no capability, no_new_privs, "
	    "seccomp %s, Landlock %s", (unsigned)st->uid, (unsigned)st->gid,
	    st->seccomp ? "on" : "off", st->landlock_abi > 0 ? "on" : "off");
	return 0;
}

static int
check(FILE *out, bool ok, const char *what, int err)
{
	if (ok)
		fprintf(out, "sandbox: ok: %s\n", what);
	else
		fprintf(out, "sandbox: FAILED: %s%s%s\n", what,
		    err ? ": " : "", err ? strerror(err) : "");
	return ok ? 0 : 1;
}

/* A directory to try a forbidden write in: not under a write dir. */
static const char *
outside_dir(const struct sandbox_opts *o)
{
	static const char *const cand[] = { "/tmp", "/var/tmp", "/dev/shm" };
	size_t i, j, n;

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		for (j = 0; j < o->nwrite_dirs; j++) {
			n = strlen(o->write_dirs[j]);
			if (strncmp(cand[i], o->write_dirs[j], n) == 0 &&
			    (cand[i][n] == '\0' || cand[i][n] == '/'))
				break;
		}
		if (j == o->nwrite_dirs && access(cand[i], F_OK) == 0)
			return cand[i];
	}
	return NULL;
}

int
sandbox_selftest(const struct sandbox_opts *o,
    const struct sandbox_state *st, FILE *out)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	char path[4200], line[256];
	const char *dir;
	int bad = 0, fd, e;
	bool sec;

	if (!o->allow_root) {
		bad += check(out, getuid() != 0 && geteuid() != 0 &&
		    setuid(0) == -1, "not root, and cannot become root again",
		    0);
	}
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	e = syscall(SYS_capget, &hdr, data) == -1 ? errno : 0;
	bad += check(out, e == 0 && data[0].effective == 0 &&
	    data[1].effective == 0 && data[0].permitted == 0 &&
	    data[1].permitted == 0, "no capability (effective, permitted)",
	    e);
	bad += check(out, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
	    "no_new_privs", 0);
	/* 2: SECCOMP_MODE_FILTER (the filter allows this prctl). */
	sec = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
	bad += check(out, sec == st->seccomp, st->seccomp ?
	    "seccomp filter mode" : "seccomp not built in", 0);
	if (st->seccomp) {
		char *const argv[] = { (char *)"true", NULL };

		/* EPERM is the filter's; an unfiltered exec of a missing
		 * file would say ENOENT. */
		execve("/nonexistent/wardwatch-selftest", argv, argv + 1);
		bad += check(out, errno == EPERM, "execve refused", errno);
		errno = 0;
		fd = socket(AF_PACKET, SOCK_RAW, 0);
		bad += check(out, fd == -1 && errno == EPERM,
		    "a new packet socket refused", errno);
		if (fd != -1)
			close(fd);
		errno = 0;
		bad += check(out, mount("none", "/mnt", "tmpfs", 0, NULL) ==
		    -1 && errno == EPERM, "mount refused", errno);
		if (!SANDBOX_SANITIZED) {
			errno = 0;
			bad += check(out, ptrace(PTRACE_TRACEME, 0, NULL,
			    NULL) == -1 && errno == EPERM, "ptrace refused",
			    errno);
			errno = 0;
			e = (int)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
			if (e == 0)
				_exit(0);
			bad += check(out, e == -1 && errno == EPERM,
			    "a new process (fork) refused", errno);
		} else
			fprintf(out, "sandbox: skipped: ptrace and fork "
			    "(allowed in sanitizer builds)\n");
	}
	if (st->landlock_abi > 0 && (dir = outside_dir(o)) != NULL) {
		snprintf(path, sizeof(path), "%s/wardwatch-sandbox-%ld", dir,
		    (long)getpid());
		errno = 0;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		e = errno;
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		snprintf(line, sizeof(line), "a file outside the write "
		    "directories (%s) refused", dir);
		bad += check(out, fd == -1 && e == EACCES, line, e);
	} else
		fprintf(out, "sandbox: skipped: Landlock (%s)\n",
		    st->landlock_abi > 0 ? "no directory to try" :
		    "not in this kernel");
	if (o->nwrite_dirs > 0) {
		snprintf(path, sizeof(path), "%s/.wardwatch-sandbox-%ld",
		    o->write_dirs[0], (long)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		e = errno;
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		snprintf(line, sizeof(line), "a new file in %s (log rotation)",
		    util_safe_str(o->write_dirs[0]));
		bad += check(out, fd != -1, line, fd == -1 ? e : 0);
	}
	return bad;
}
