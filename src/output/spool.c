/*
 * output/spool.c - the disk spool of a network output (spool.h).
 *
 * The spool file starts with a header: magic and a generation number.
 * The head file holds the generation and the offset of the first live
 * record.  Dropping the oldest records only moves the head; when the
 * dead part grows as large as the limit, the live records are copied
 * to a new file of the next generation, which replaces the old one
 * with rename(2).  A head that names another generation (a crash
 * between the rename and the head's update) means the start of the
 * file, which then holds only what was live.
 *
 * Version 2 records carry the epoch of their seq besides it (the Redis
 * output deduplicates on both, and a spool may outlive the seq file
 * that numbered its records).  A version 1 file (records without it)
 * is still read, with epoch 0, and starts again as version 2 once it
 * is empty.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/spool.h"
#include "util/log.h"
#include "util/util.h"

#define SPOOL_MAGIC	"WWSPOOL2"
#define SPOOL_MAGIC_V1	"WWSPOOL1"
#define SPOOL_HDR	16		/* magic, generation */
#define REC_HDR		24		/* len, check, seq, epoch */
#define REC_HDR_V1	16		/* len, check, seq */
#define SPOOL_MAX_REC	(64u << 20)

struct spool {
	char		 path[PATH_MAX];
	char		 hpath[PATH_MAX];
	int		 fd;
	int		 hfd;
	uint64_t	 gen;
	uint64_t	 head, tail;	/* offsets */
	uint64_t	 count;
	uint64_t	 recovered;
	uint64_t	 max;
	bool		 drop_newest;
	bool		 v1;		/* records without their epoch */
	char		*buf;		/* the record read */
	size_t		 bufsz;
};

static uint32_t
check32(bool v1, uint64_t seq, uint64_t epoch, const void *p, size_t len)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 8; i++)
		h = (h ^ (uint8_t)(seq >> (8 * i))) * 16777619u;
	for (i = 0; !v1 && i < 8; i++)
		h = (h ^ (uint8_t)(epoch >> (8 * i))) * 16777619u;
	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static int
full_pwrite(int fd, const void *p, size_t len, off_t off)
{
	const char *b = p;
	ssize_t n;

	while (len > 0) {
		if ((n = pwrite(fd, b, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		b += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int
full_pread(int fd, void *p, size_t len, off_t off)
{
	char *b = p;
	ssize_t n;

	while (len > 0) {
		if ((n = pread(fd, b, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		b += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int
head_write(struct spool *s)
{
	uint64_t v[2] = { s->gen, s->head };

	return full_pwrite(s->hfd, v, sizeof(v), 0);
}

static int
header_write(int fd, uint64_t gen, bool v1)
{
	char h[SPOOL_HDR];

	memcpy(h, v1 ? SPOOL_MAGIC_V1 : SPOOL_MAGIC, 8);
	memcpy(h + 8, &gen, 8);
	return full_pwrite(fd, h, sizeof(h), 0);
}

/* The record at off: its total size, or 0 if it is not whole. */
static uint64_t
rec_at(struct spool *s, uint64_t off, uint64_t end, uint64_t *seq,
    uint64_t *epoch, size_t *len)
{
	size_t rh = s->v1 ? REC_HDR_V1 : REC_HDR;
	uint32_t h[2];
	uint64_t sq, ep = 0;

	if (end - off < rh || full_pread(s->fd, h, 8, (off_t)off) == -1 ||
	    full_pread(s->fd, &sq, 8, (off_t)off + 8) == -1 ||
	    (!s->v1 && full_pread(s->fd, &ep, 8, (off_t)off + 16) == -1))
		return 0;
	if (h[0] > SPOOL_MAX_REC || end - off - rh < h[0])
		return 0;
	if (s->bufsz < h[0] + 1) {
		s->buf = xreallocarray(s->buf, h[0] + 1, 1);
		s->bufsz = h[0] + 1;
	}
	if (full_pread(s->fd, s->buf, h[0], (off_t)(off + rh)) == -1 ||
	    check32(s->v1, sq, ep, s->buf, h[0]) != h[1])
		return 0;
	if (seq != NULL)
		*seq = sq;
	if (epoch != NULL)
		*epoch = ep;
	if (len != NULL)
		*len = h[0];
	return rh + h[0];
}

/* Empty: the file starts again (as version 2). */
static void
spool_restart(struct spool *s)
{
	if (ftruncate(s->fd, SPOOL_HDR) == -1)
		return;
	if (s->v1 && header_write(s->fd, s->gen, false) == 0)
		s->v1 = false;
	s->head = s->tail = SPOOL_HDR;
}

struct spool *
spool_open(const char *path, uint64_t max_bytes, bool drop_newest)
{
	struct spool *s;
	struct stat st;
	char magic[8];
	uint64_t v[2], off, n;
	int saved;

	s = xcalloc(1, sizeof(*s));
	s->fd = s->hfd = -1;
	s->max = max_bytes;
	s->drop_newest = drop_newest;
	if (snprintf(s->path, sizeof(s->path), "%s", path) >=
	    (int)sizeof(s->path) || snprintf(s->hpath, sizeof(s->hpath),
	    "%s.head", path) >= (int)sizeof(s->hpath)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	/* Never through a link or into a FIFO another user planted. */
	if ((s->fd = util_open_regular(path, O_RDWR | O_CREAT,
	    0600)) == -1 || (s->hfd = util_open_regular(s->hpath,
	    O_RDWR | O_CREAT, 0600)) == -1) {
		saved = errno;
		log_warnx("%s: %s", s->fd == -1 ? path : s->hpath,
		    util_open_strerror(saved));
		errno = saved == EFTYPE_WW ? EINVAL : saved;
		goto fail;
	}
	if (fstat(s->fd, &st) == -1)
		goto fail;
	if ((uint64_t)st.st_size < SPOOL_HDR ||
	    full_pread(s->fd, magic, 8, 0) == -1 ||
	    (memcmp(magic, SPOOL_MAGIC, 8) != 0 &&
	    memcmp(magic, SPOOL_MAGIC_V1, 8) != 0) ||
	    full_pread(s->fd, &s->gen, 8, 8) == -1) {
		/* New, or not ours: start empty. */
		s->gen = 1;
		if (ftruncate(s->fd, 0) == -1 ||
		    header_write(s->fd, 1, false) == -1)
			goto fail;
		st.st_size = SPOOL_HDR;
	} else
		s->v1 = memcmp(magic, SPOOL_MAGIC_V1, 8) == 0;
	s->head = SPOOL_HDR;
	if (full_pread(s->hfd, v, sizeof(v), 0) == 0 && v[0] == s->gen &&
	    v[1] >= SPOOL_HDR && v[1] <= (uint64_t)st.st_size)
		s->head = v[1];
	/* Whole records from the head on; a torn tail is cut off. */
	for (off = s->head; (n = rec_at(s, off, (uint64_t)st.st_size, NULL,
	    NULL, NULL)) > 0; off += n)
		s->count++;
	if (off != (uint64_t)st.st_size && ftruncate(s->fd, (off_t)off) == -1)
		goto fail;
	s->tail = off;
	if (s->count == 0 && s->v1)
		spool_restart(s);
	s->recovered = s->count;
	if (head_write(s) == -1)
		goto fail;
	return s;
 fail:
	saved = errno;
	spool_close(s);
	errno = saved;
	return NULL;
}

void
spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	if (s->hfd != -1)
		close(s->hfd);
	free(s->buf);
	free(s);
}

uint64_t
spool_count(const struct spool *s)
{
	return s->count;
}

uint64_t
spool_bytes(const struct spool *s)
{
	return s->tail - s->head;
}

uint64_t
spool_recovered(const struct spool *s)
{
	return s->recovered;
}

/* Copy the live records to a new generation of the file. */
static int
spool_compact(struct spool *s)
{
	char tmp[PATH_MAX + 8], *buf;
	uint64_t off, left;
	int fd;
	size_t chunk = 1u << 20;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	if ((fd = util_open_regular(tmp, O_RDWR | O_CREAT | O_TRUNC,
	    0600)) == -1)
		return -1;
	buf = xcalloc(1, chunk);
	if (header_write(fd, s->gen + 1, s->v1) == -1)
		goto fail;
	for (off = s->head; off < s->tail; off += chunk) {
		left = s->tail - off < chunk ? s->tail - off : chunk;
		if (full_pread(s->fd, buf, left, (off_t)off) == -1 ||
		    full_pwrite(fd, buf, left, (off_t)(SPOOL_HDR + off -
		    s->head)) == -1)
			goto fail;
	}
	if (fsync(fd) == -1 || rename(tmp, s->path) == -1)
		goto fail;
	free(buf);
	close(s->fd);
	s->fd = fd;
	s->gen++;
	s->tail = SPOOL_HDR + s->tail - s->head;
	s->head = SPOOL_HDR;
	head_write(s);
	return 0;
 fail:
	free(buf);
	close(fd);
	unlink(tmp);
	return -1;
}

/* Drop the oldest record (the head moves; the caller counts). */
static void
spool_drop_head(struct spool *s)
{
	uint64_t n;

	n = rec_at(s, s->head, s->tail, NULL, NULL, NULL);
	if (n == 0) {
		/* Unreadable: forget the rest. */
		s->head = s->tail;
		s->count = 0;
	} else {
		s->head += n;
		s->count--;
	}
}

uint64_t
spool_append(struct spool *s, uint64_t seq, uint64_t epoch, const void *p,
    size_t len)
{
	uint64_t need, dropped = 0;
	uint32_t h[2];

	if (s->count == 0 && s->v1)
		spool_restart(s);
	need = (s->v1 ? REC_HDR_V1 : REC_HDR) + len;
	if (len > SPOOL_MAX_REC || need > s->max)
		return 1;
	if (s->tail - s->head + need > s->max) {
		if (s->drop_newest)
			return 1;
		while (s->count > 0 && s->tail - s->head + need > s->max) {
			spool_drop_head(s);
			dropped++;
		}
		head_write(s);
	}
	if (s->count == 0 && s->head != SPOOL_HDR) {
		/* Empty: start the file again. */
		spool_restart(s);
		head_write(s);
	} else if (s->head - SPOOL_HDR >= s->max / 2 + need)
		spool_compact(s);	/* failing, it tries again later */
	need = (s->v1 ? REC_HDR_V1 : REC_HDR) + len;	/* restarted: v2 */
	h[0] = (uint32_t)len;
	h[1] = check32(s->v1, seq, epoch, p, len);
	if (full_pwrite(s->fd, h, 8, (off_t)s->tail) == -1 ||
	    full_pwrite(s->fd, &seq, 8, (off_t)s->tail + 8) == -1 ||
	    (!s->v1 && full_pwrite(s->fd, &epoch, 8, (off_t)s->tail + 16) ==
	    -1) ||
	    full_pwrite(s->fd, p, len, (off_t)(s->tail + need - len)) == -1) {
		int saved = errno;

		/* ENOSPC: no torn record is left behind. */
		if (ftruncate(s->fd, (off_t)s->tail) == -1)
			(void)0;
		errno = saved;
		return UINT64_MAX;
	}
	s->tail += need;
	s->count++;
	return dropped;
}

int
spool_read(struct spool *s, uint64_t *pos, uint64_t *seq, uint64_t *epoch,
    const char **buf, size_t *len)
{
	uint64_t off = *pos == 0 ? s->head : *pos, n;

	if (off < s->head || off >= s->tail)
		return -1;
	if ((n = rec_at(s, off, s->tail, seq, epoch, len)) == 0)
		return -1;
	*pos = off + n;
	*buf = s->buf;
	return 0;
}

int
spool_consume_to(struct spool *s, uint64_t pos, uint64_t n)
{
	if (pos < s->head || pos > s->tail || n > s->count)
		return -1;
	s->head = pos;
	s->count -= n;
	if (s->count == 0)
		spool_restart(s);
	return head_write(s);
}

uint64_t
spool_forget(struct spool *s)
{
	uint64_t n = s->count;

	s->count = 0;
	s->head = s->tail;
	spool_restart(s);
	head_write(s);
	return n;
}
