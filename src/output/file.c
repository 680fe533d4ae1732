/*
 * output/file.c - the EVE JSON lines file.
 *
 * An environment failure (disk full, file removed, EIO) never stops
 * capture: the record is counted as dropped, the error is logged at
 * most once a minute, and the next write tries again (reopening the
 * file first if it is gone).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/file.h"
#include "util/events.h"
#include "util/log.h"
#include "util/util.h"

#define EVE_BUF_SIZE	(256u << 10)	/* write(2) in chunks this big */

struct output_eve {
	pthread_mutex_t	 lock;
	char		 path[PATH_MAX];
	int		 fd;
	bool		 is_stdout;
	bool		 test_mode;
	struct counters	*ctr;
	time_t		 last_err;

	char		*buf;		/* pending bytes */
	size_t		 len;

	/* Test mode: every record, sorted at close. */
	char		**recs;
	size_t		 nrecs;
	size_t		 cap_recs;
};

static int
eve_open_fd(struct output_eve *o)
{
	if (o->is_stdout) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	o->fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0640);
	return o->fd == -1 ? -1 : 0;
}

struct output_eve *
output_eve_open(const char *logdir, const char *filename, bool test_mode,
    struct counters *ctr)
{
	struct output_eve *o;
	int n;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->ctr = ctr;
	o->test_mode = test_mode;
	o->fd = -1;
	if (strcmp(filename, "-") == 0) {
		o->is_stdout = true;
		strlcpy(o->path, "<stdout>", sizeof(o->path));
	} else {
		if (filename[0] == '/')
			n = snprintf(o->path, sizeof(o->path), "%s", filename);
		else
			n = snprintf(o->path, sizeof(o->path), "%s/%s",
			    logdir, filename);
		if (n < 0 || (size_t)n >= sizeof(o->path)) {
			free(o);
			errno = ENAMETOOLONG;
			return NULL;
		}
	}
	if ((o->buf = malloc(EVE_BUF_SIZE)) == NULL)
		goto out_free;
	if (eve_open_fd(o) == -1)
		goto out_free_buf;
	pthread_mutex_init(&o->lock, NULL);
	return o;

 out_free_buf:
	free(o->buf);
 out_free:
	free(o);
	return NULL;
}

const char *
output_eve_path(const struct output_eve *o)
{
	return o->path;
}

/* Write out the buffer; on failure the bytes are dropped and counted. */
static void
eve_drain(struct output_eve *o)
{
	size_t off = 0;

	if (o->len == 0)
		return;
	if (o->fd == -1 && eve_open_fd(o) == -1) {
		log_ratelimit(&o->last_err, 60, "%s: cannot reopen: %s",
		    o->path, strerror(errno));
		goto out_drop;
	}
	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			ctr_inc(o->ctr, CTR_EVE_WRITE_ERRORS);
			log_ratelimit(&o->last_err, 60, "%s: write: %s",
			    o->path, strerror(errno));
			goto out_drop;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return;

 out_drop:
	/* Count the whole records that were lost (one per newline). */
	{
		size_t i, lost = 0;

		for (i = off; i < o->len; i++)
			if (o->buf[i] == '\n')
				lost++;
		ctr_add(o->ctr, CTR_EVE_DROPPED, lost);
	}
	o->len = 0;
}

static void
eve_keep(struct output_eve *o, const char *line, size_t len)
{
	char *r;

	if (o->nrecs == o->cap_recs) {
		size_t ncap = o->cap_recs ? o->cap_recs * 2 : 1024;

		o->recs = xreallocarray(o->recs, ncap, sizeof(*o->recs));
		o->cap_recs = ncap;
	}
	r = xcalloc(1, len + 1);
	memcpy(r, line, len);
	o->recs[o->nrecs++] = r;
}

void
output_eve_write(struct output_eve *o, const char *line, size_t len)
{
	pthread_mutex_lock(&o->lock);
	ctr_inc(o->ctr, CTR_EVE_RECORDS);
	if (o->test_mode) {
		eve_keep(o, line, len);
		pthread_mutex_unlock(&o->lock);
		return;
	}
	if (o->len + len + 1 > EVE_BUF_SIZE)
		eve_drain(o);
	if (len + 1 > EVE_BUF_SIZE) {
		/* A record bigger than the buffer goes out on its own. */
		char *saved = o->buf;
		char *big = malloc(len + 1);

		if (big == NULL) {
			ctr_inc(o->ctr, CTR_EVE_DROPPED);
		} else {
			memcpy(big, line, len);
			big[len] = '\n';
			o->buf = big;
			o->len = len + 1;
			eve_drain(o);
			free(big);
		}
		o->buf = saved;
		pthread_mutex_unlock(&o->lock);
		return;
	}
	memcpy(o->buf + o->len, line, len);
	o->buf[o->len + len] = '\n';
	o->len += len + 1;
	pthread_mutex_unlock(&o->lock);
}

void
output_eve_flush(struct output_eve *o)
{
	pthread_mutex_lock(&o->lock);
	eve_drain(o);
	pthread_mutex_unlock(&o->lock);
}

int
output_eve_reopen(struct output_eve *o)
{
	int rv = 0;

	if (o->is_stdout)
		return 0;
	pthread_mutex_lock(&o->lock);
	eve_drain(o);
	if (o->fd != -1)
		close(o->fd);
	if (eve_open_fd(o) == -1) {
		log_warn("%s", o->path);
		rv = -1;
	}
	pthread_mutex_unlock(&o->lock);
	return rv;
}

static int
cmp_rec(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
output_eve_close(struct output_eve *o)
{
	size_t i;
	int rv = 0;

	if (o == NULL)
		return 0;
	pthread_mutex_lock(&o->lock);
	if (o->test_mode) {
		qsort(o->recs, o->nrecs, sizeof(*o->recs), cmp_rec);
		for (i = 0; i < o->nrecs; i++) {
			size_t len = strlen(o->recs[i]);

			if (o->len + len + 1 > EVE_BUF_SIZE)
				eve_drain(o);
			if (len + 1 > EVE_BUF_SIZE) {
				ctr_inc(o->ctr, CTR_EVE_DROPPED);
				free(o->recs[i]);
				continue;
			}
			memcpy(o->buf + o->len, o->recs[i], len);
			o->buf[o->len + len] = '\n';
			o->len += len + 1;
			free(o->recs[i]);
		}
		free(o->recs);
	}
	eve_drain(o);
	if (!o->is_stdout && o->fd != -1) {
		if (fsync(o->fd) == -1 && errno != EINVAL)
			rv = -1;
		if (close(o->fd) == -1)
			rv = -1;
	}
	if (ctr_get(o->ctr, CTR_EVE_DROPPED) > 0)
		rv = -1;
	pthread_mutex_unlock(&o->lock);
	pthread_mutex_destroy(&o->lock);
	free(o->buf);
	free(o);
	return rv;
}
