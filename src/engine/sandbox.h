/*
 * sandbox.h - least privilege for the live sensor: once the captures,
 * outputs and the inventory are open, become an unprivileged user,
 * keep no capability, set no_new_privs, and confine the rest of the
 * run with a seccomp allow-list and Landlock.
 */
#ifndef WW_SANDBOX_H
#define WW_SANDBOX_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define SANDBOX_USER		"wardwatch"	/* the package's user */
#define SANDBOX_FALLBACK	"nobody"
#define SANDBOX_MAX_DIRS	8

struct sandbox_opts {
	const char	*user;		/* NULL: SANDBOX_USER or fallback */
	bool		 allow_root;	/* --allow-root: keep uid 0 */
	/* Directories the sensor may still create and write files in. */
	const char	*write_dirs[SANDBOX_MAX_DIRS];
	size_t		 nwrite_dirs;
	/* Files and directories root made for the run (outputs, the
	 * inventory and its journals, spools, the rule cache, a log
	 * directory made for -l): given to the user, who reopens them
	 * after rotation and on the next start.  sandbox_own() adds. */
	char		**own;
	size_t		 nown;
};

/* What was put in place, for the log and the self-test. */
struct sandbox_state {
	uid_t		 uid;
	gid_t		 gid;
	bool		 seccomp;
	int		 landlock_abi;	/* 0: not in this kernel */
};

/*
 * The user to become, looked up now (name service lookups need files
 * and sockets the sandbox forbids later).  Returns 0, or -1 with a
 * message on err (an unknown --user is the caller's usage error).
 */
int	sandbox_prepare(const struct sandbox_opts *, FILE *err);
/*
 * Hand path (a file or a directory; each of a glob(3) pattern's
 * matches when glob is set) to the user at sandbox_enter(): only a
 * regular file or directory that root owns, never a link.
 */
void	sandbox_own(struct sandbox_opts *, const char *path, bool glob);
void	sandbox_opts_free(struct sandbox_opts *);
/* Drop everything; -1 (with a message) leaves the process unfit to
 * run: the caller exits. */
int	sandbox_enter(const struct sandbox_opts *, struct sandbox_state *,
	    FILE *err);
/*
 * Try what the sandbox must refuse (become root again, exec, a raw
 * socket, ptrace, mount, a file outside the write directories) and
 * what it must allow (a file in the first write directory); one line
 * per check on out.  Returns the number of checks that failed.
 */
int	sandbox_selftest(const struct sandbox_opts *,
	    const struct sandbox_state *, FILE *out);

#endif /* WW_SANDBOX_H */
