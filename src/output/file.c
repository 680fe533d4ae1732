/*
 * output/file.c - the EVE JSON lines file.
 *
 * Lines are gathered in a buffer and written with write(2) when it is
 * full or the output stage flushes.  An environment failure (disk full,
 * file size limit, file removed, EIO) never stops capture: the records
 * not written are counted as lost, the error is logged at most once a
 * minute, the file is closed, and the next write opens it again.
 *
 * A write can stop inside a line (ENOSPC or EFBIG after a partial
 * write).  The file is then cut back to its last whole line, so the
 * next record never continues a broken one; where the file cannot be
 * cut (a pipe, a terminal), the next write starts with a newline that
 * ends the broken line instead.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/chain.h"
#include "output/file.h"
#include "output/sink.h"
#include "util/log.h"
#include "util/util.h"

#define FILE_BUF_SIZE	(256u << 10)	/* write(2) in chunks this big */
#define FILE_RETRY_S	1		/* reopen a failed file at most */

struct file_sink {
	struct sink	 s;
	char		 path[PATH_MAX];
	int		 fd;
	bool		 is_stdout;
	bool		 test_mode;
	bool		 broken_line;	/* the file ends inside a line */
	time_t		 last_err;	/* log_ratelimit */
	time_t		 last_open;	/* of a failed file */

	char		*buf;		/* pending lines */
	size_t		 len;
	uint64_t	 nbuf;		/* records in buf */

	/* Test mode: every line, sorted at close. */
	char		**recs;
	size_t		 nrecs;
	size_t		 cap_recs;
	uint64_t	 min_seq;	/* test mode: renumbered from it */

	uint64_t	 rotate_size;	/* 0: append forever */
	struct chain	*chain;		/* NULL: no hash chain */
	char		 chain_state[PATH_MAX];	/* "" : none */
	char		*cbuf;		/* a chained line */
	size_t		 ccap;
	/* The seq of the chain's last record, written as the next one's
	 * "prev_seq": with a types filter seqs are not consecutive. */
	bool		 has_last_seq;
	uint64_t	 last_seq;
};

static int
file_open_fd(struct file_sink *o)
{
	if (o->is_stdout) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	/* A symlink or FIFO planted in the log directory is refused. */
	o->fd = util_open_regular(o->path, O_WRONLY | O_CREAT | O_APPEND,
	    0640);
	return o->fd == -1 ? -1 : 0;
}

static void
file_close_fd(struct file_sink *o)
{
	if (o->fd != -1 && !o->is_stdout)
		close(o->fd);
	o->fd = -1;
}

/* Lines (newlines) in buf[from, to). */
static uint64_t
count_lines(const char *buf, size_t from, size_t to)
{
	uint64_t n = 0;
	const char *p = buf + from, *end = buf + to;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * The write stopped after 'done' bytes of the buffer.  If that is
 * inside a line, cut the file back to the end of the last whole line
 * (it had 'size0' bytes before this write), or remember to end the
 * broken line with the next write.
 */
static void
file_repair(struct file_sink *o, off_t size0, size_t done)
{
	size_t whole = done;

	while (whole > 0 && o->buf[whole - 1] != '\n')
		whole--;
	if (whole == done)
		return;
	if (size0 >= 0 && ftruncate(o->fd, size0 + (off_t)whole) == 0)
		return;
	o->broken_line = true;
}

/* Write out the buffer; returns the records lost. */
static uint64_t
file_drain(struct file_sink *o)
{
	struct stat st;
	size_t off = 0;
	off_t size0 = -1;
	uint64_t lost;
	time_t now;

	if (o->len == 0)
		return 0;
	if (o->fd == -1) {
		now = time(NULL);
		if (now - o->last_open < FILE_RETRY_S || file_open_fd(o) == -1) {
			if (o->fd == -1)
				log_ratelimit(&o->last_err, 60,
				    "%s: cannot open: %s", o->path,
				    util_open_strerror(errno));
			o->last_open = now;
			goto out_drop;
		}
	}
	if (o->broken_line) {
		ssize_t n;

		while ((n = write(o->fd, "\n", 1)) == -1 && errno == EINTR)
			continue;
		if (n != 1)
			goto out_fail;
		o->broken_line = false;
	}
	if (!o->is_stdout && fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode))
		size0 = st.st_size;
	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto out_fail;
		}
		if (n == 0) {
			errno = EIO;
			goto out_fail;
		}
		off += (size_t)n;
	}
	o->len = 0;
	o->nbuf = 0;
	return 0;

 out_fail:
	o->s.write_errors++;
	log_ratelimit(&o->last_err, 60, "%s: write: %s", o->path,
	    strerror(errno));
	file_repair(o, size0, off);
	/* Closed, to be opened again: the file may have been removed. */
	file_close_fd(o);
	o->last_open = time(NULL);
 out_drop:
	/* Whole lines written stand; the rest (and a cut one) are lost. */
	{
		size_t whole = off;

		while (whole > 0 && o->buf[whole - 1] != '\n')
			whole--;
		lost = count_lines(o->buf, whole, o->len);
	}
	o->len = 0;
	o->nbuf = 0;
	return lost;
}

static void
file_keep(struct file_sink *o, const char *line, size_t len)
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

/*
 * The line with the chain value before it as its last member; the
 * chain moves on to the value after it (chain.h).
 */
static const char *
chain_line(struct file_sink *o, const char *line, size_t *len)
{
	char hex[CHAIN_HEX + 1], ps[48];
	size_t n = *len;
	uint64_t seq;
	bool has_seq;

	if (n == 0 || line[n - 1] != '}')
		return line;
	has_seq = chain_line_seq(line, n, ",\"seq\":", &seq);
	ps[0] = '\0';
	if (o->has_last_seq)
		snprintf(ps, sizeof(ps), ",\"prev_seq\":%" PRIu64, o->last_seq);
	if (o->ccap < n + CHAIN_HEX + sizeof(ps) + 16) {
		o->ccap = n + CHAIN_HEX + sizeof(ps) + 16;
		o->cbuf = xreallocarray(o->cbuf, o->ccap, 1);
	}
	chain_hex(o->chain->prev, hex);
	memcpy(o->cbuf, line, n - 1);
	n = n - 1 + (size_t)snprintf(o->cbuf + n - 1, o->ccap - n + 1,
	    "%s,\"prev\":\"%s\"}", ps, hex);
	chain_hmac(o->chain, o->cbuf, n, o->chain->prev);
	o->has_last_seq = has_seq;
	o->last_seq = seq;
	*len = n;
	return o->cbuf;
}

/* Keep the chain's last value for a file that starts empty later. */
static void
chain_save(struct file_sink *o)
{
	char hex[CHAIN_HEX + 2], tmp[PATH_MAX + 8];
	FILE *f;

	if (o->chain == NULL || o->chain_state[0] == '\0')
		return;
	chain_hex(o->chain->prev, hex);
	snprintf(tmp, sizeof(tmp), "%s.tmp", o->chain_state);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "%s\n", hex);
	if (o->has_last_seq)
		fprintf(f, "%" PRIu64 "\n", o->last_seq);
	if (fclose(f) == 0)
		rename(tmp, o->chain_state);
}

/* Move the full file aside as path.N (the next free N) and start anew. */
static void
file_rotate(struct file_sink *o)
{
	char to[PATH_MAX + 16];
	struct stat st;
	unsigned i;

	if (o->fd == -1 || fstat(o->fd, &st) == -1 ||
	    (uint64_t)st.st_size < o->rotate_size)
		return;
	for (i = 1; i < 100000; i++) {
		snprintf(to, sizeof(to), "%s.%u", o->path, i);
		if (access(to, F_OK) == -1)
			break;
	}
	if (rename(o->path, to) == -1) {
		log_ratelimit(&o->last_err, 60, "%s: rotate: %s", o->path,
		    strerror(errno));
		return;
	}
	file_close_fd(o);
	chain_save(o);
	if (file_open_fd(o) == -1)
		log_warn("%s", o->path);
}

/* Append a line to the buffer, draining first when it would not fit. */
static uint64_t
file_put(struct file_sink *o, const char *line, size_t len)
{
	uint64_t lost = 0;

	if (o->chain != NULL)
		line = chain_line(o, line, &len);

	if (o->len + len + 1 > FILE_BUF_SIZE) {
		lost += file_drain(o);
		if (o->rotate_size > 0)
			file_rotate(o);
	}
	if (len + 1 > FILE_BUF_SIZE) {
		/* A line bigger than the buffer goes out on its own. */
		char *saved = o->buf;
		char *big = xcalloc(1, len + 1);

		memcpy(big, line, len);
		big[len] = '\n';
		o->buf = big;
		o->len = len + 1;
		lost += file_drain(o);
		o->buf = saved;
		free(big);
		return lost;
	}
	memcpy(o->buf + o->len, line, len);
	o->buf[o->len + len] = '\n';
	o->len += len + 1;
	o->nbuf++;
	return lost;
}

static uint64_t
file_write(struct sink *s, const struct record *r, const char *line,
    size_t len)
{
	struct file_sink *o = (struct file_sink *)s;

	(void)r;
	if (o->test_mode) {
		if (s->seq != 0 && (o->min_seq == 0 || s->seq < o->min_seq))
			o->min_seq = s->seq;
		file_keep(o, line, len);
		return 0;
	}
	return file_put(o, line, len);
}

static uint64_t
file_flush(struct sink *s)
{
	struct file_sink *o = (struct file_sink *)s;
	uint64_t lost;

	if (o->test_mode)
		return 0;
	lost = file_drain(o);
	if (o->rotate_size > 0)
		file_rotate(o);
	return lost;
}

/*
 * Test mode: the lines are sorted, so their "seq" (the last member
 * but "prev") is given again in file order, from the smallest.
 */
static char *
renumber(char *line, uint64_t seq)
{
	char *p, *q, *end, *n;
	size_t len = strlen(line);

	for (p = NULL, q = line; (q = strstr(q, ",\"seq\":")) != NULL; q++)
		p = q;
	if (p == NULL)
		return line;
	p += 7;
	for (end = p; *end >= '0' && *end <= '9'; end++)
		;
	n = xcalloc(1, len + 24);
	memcpy(n, line, (size_t)(p - line));
	snprintf(n + (p - line), len + 24 - (size_t)(p - line), "%" PRIu64
	    "%s", seq, end);
	free(line);
	return n;
}

static uint64_t
file_reopen(struct sink *s)
{
	struct file_sink *o = (struct file_sink *)s;
	uint64_t lost;

	if (o->is_stdout || o->test_mode)
		return 0;
	lost = file_drain(o);
	file_close_fd(o);
	chain_save(o);
	if (file_open_fd(o) == -1) {
		log_warnx("%s: %s", o->path, util_open_strerror(errno));
		o->last_open = time(NULL);
	}
	o->broken_line = false;
	return lost;
}

static int
cmp_rec(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t
file_close(struct sink *s)
{
	struct file_sink *o = (struct file_sink *)s;
	uint64_t lost = 0;
	size_t i;

	if (o->test_mode) {
		if (o->nrecs > 1)	/* qsort(NULL, 0) is undefined */
			qsort(o->recs, o->nrecs, sizeof(*o->recs), cmp_rec);
		for (i = 0; i < o->nrecs; i++) {
			if (o->min_seq != 0)
				o->recs[i] = renumber(o->recs[i],
				    o->min_seq + i);
			lost += file_put(o, o->recs[i], strlen(o->recs[i]));
			free(o->recs[i]);
		}
		free(o->recs);
		o->recs = NULL;
		o->nrecs = 0;
	}
	lost += file_drain(o);
	chain_save(o);
	if (!o->is_stdout && o->fd != -1) {
		if (fsync(o->fd) == -1 && errno != EINVAL) {
			log_warn("%s: fsync", o->path);
			o->s.write_errors++;
		}
		if (close(o->fd) == -1) {
			log_warn("%s: close", o->path);
			o->s.write_errors++;
		}
	}
	o->fd = -1;
	return lost;
}

static void
file_free(struct sink *s)
{
	struct file_sink *o = (struct file_sink *)s;
	size_t i;

	if (o->fd != -1 && !o->is_stdout)
		close(o->fd);
	for (i = 0; i < o->nrecs; i++)
		free(o->recs[i]);
	free(o->recs);
	free(o->buf);
	free(o->cbuf);
	free(o->chain);
	free(o);
}

static const struct sink_ops file_ops = {
	.write = file_write,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
	.free = file_free,
};

struct sink *
output_file_open(const char *logdir, const char *filename, bool test_mode,
    const struct record_types *types)
{
	struct file_sink *o;
	int n;

	o = xcalloc(1, sizeof(*o));
	o->s.ops = &file_ops;
	o->s.name = o->path;
	o->s.kind = strcmp(filename, "-") == 0 ? "stdout" : "regular";
	o->s.types = *types;
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
	o->buf = xcalloc(1, FILE_BUF_SIZE);
	if (file_open_fd(o) == -1) {
		int saved = errno;

		free(o->buf);
		free(o);
		errno = saved;
		return NULL;
	}
	return &o->s;
}

void
output_file_rotate(struct sink *s, uint64_t max_size)
{
	((struct file_sink *)s)->rotate_size = max_size;
}

/* The value after the last whole line of the file, if it has one. */
static int
chain_from_file(struct file_sink *o)
{
	char *buf = NULL, *last = NULL;
	size_t cap = 0, llen = 0;
	ssize_t n;
	FILE *f;

	if ((f = fopen(o->path, "r")) == NULL)
		return -1;
	while ((n = getline(&buf, &cap, f)) > 0) {
		if (buf[n - 1] != '\n')
			break;
		free(last);
		last = xcalloc(1, (size_t)n);
		memcpy(last, buf, (size_t)n - 1);
		llen = (size_t)n - 1;
	}
	fclose(f);
	free(buf);
	if (last == NULL)
		return -1;
	chain_hmac(o->chain, last, llen, o->chain->prev);
	o->has_last_seq = chain_line_seq(last, llen, ",\"seq\":",
	    &o->last_seq);
	free(last);
	return 0;
}

int
output_file_chain(struct sink *s, const char *keyfile, const char *statedir,
    char *err, size_t errlen)
{
	struct file_sink *o = (struct file_sink *)s;
	char name[256], hex[CHAIN_HEX + 8], *p;
	FILE *f;

	o->chain = xcalloc(1, sizeof(*o->chain));
	if (chain_load_key(o->chain, keyfile, err, errlen) == -1)
		return -1;
	if (statedir != NULL) {
		/* The file's name and a hash of its path: paths could be
		 * too long, and two outputs may share a name in two
		 * directories (one chain state each). */
		uint32_t h = 2166136261u;

		for (p = o->path; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		p = strrchr(o->path, '/');
		strlcpy(name, p != NULL ? p + 1 : o->path, sizeof(name));
		if (snprintf(o->chain_state, sizeof(o->chain_state),
		    "%.3800s/wardwatch-chain-%.200s-%08x", statedir, name,
		    (unsigned)h) >= (int)sizeof(o->chain_state))
			o->chain_state[0] = '\0';
	}
	if (chain_from_file(o) == 0)
		return 0;
	/* An empty file: it follows the one rotated before it. */
	if (o->chain_state[0] != '\0' &&
	    (f = fopen(o->chain_state, "r")) != NULL) {
		if (fgets(hex, sizeof(hex), f) != NULL &&
		    chain_unhex(hex, o->chain->prev) == 0 &&
		    fgets(hex, sizeof(hex), f) != NULL)
			o->has_last_seq = chain_line_seq(hex, strlen(hex), "",
			    &o->last_seq);
		fclose(f);
	}
	return 0;
}
