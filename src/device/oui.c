/*
 * oui.c - MAC and EUI-64 vendor lookup in the IEEE registry.
 *
 * Each registry file is streamed through one fixed buffer and parsed
 * as RFC 4180 CSV: records end in CRLF (the IEEE files) or LF, and a
 * quoted field may hold commas, doubled quotes and line breaks
 * (addresses do).  Only the organisation name is kept, in an arena;
 * each prefix length has a sorted array of (prefix, name) searched by
 * bisection.
 *
 * The sensor loads the 46k records at every start, so the load is
 * built to be quick: no copy of the 4 MB of files (faulting in a
 * buffer that size costs more than parsing it), fields found by
 * memchr(3) and kept as views of the buffer until the name is copied
 * into the arena, and 8-byte entries.  It takes a few milliseconds.
 *
 * The files are not traffic, but they are still checked: a malformed
 * record is reported with its line and skipped, and every field, record
 * and file has a cap.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/oui.h"
#include "util/util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The prefix lengths, longest first: the order of the search. */
enum oui_len {
	OUI_LEN_36,		/* MA-S and IAB */
	OUI_LEN_28,		/* MA-M */
	OUI_LEN_24,		/* MA-L */
	OUI_NLEN
};

static const unsigned oui_bits[OUI_NLEN] = { 36, 28, 24 };

/* In the order add_record() matches them. */
static const struct {
	const char	*name;
	enum oui_len	 len;
	size_t		 digits;	/* hex digits of an assignment */
} oui_registries[] = {
	{ "MA-L", OUI_LEN_24, 6 },
	{ "MA-M", OUI_LEN_28, 7 },
	{ "MA-S", OUI_LEN_36, 9 },
	{ "IAB", OUI_LEN_36, 9 },
};

static const char *const oui_files[] = {
	"oui.csv", "mam.csv", "oui36.csv", "iab.csv",
};

/*
 * An entry is one 64-bit word: the prefix above NAME_BITS bits of name
 * offset.  Sorting the words sorts by prefix, then by the order read
 * (offsets only grow), which makes the first of two records for one
 * assignment win.  The names of four files of OUI_MAX_FILE fit.
 */
#define NAME_BITS	28
#define NAME_MASK	((UINT64_C(1) << NAME_BITS) - 1)
/* Bytes read at a time. */
#define READ_BUF	(64 * 1024)
/* Bytes a record may need in the buffer: the cap, then CR LF. */
#define WINDOW		(OUI_MAX_RECORD + 2)
/* Longest piece of a field quoted back in a message. */
#define SHOW_MAX	24
/* Fields kept from a record: registry, assignment, organisation. */
#define NKEPT		3

struct oui_table {
	uint64_t	*e;
	size_t		 n, cap;
};

struct oui_db {
	struct oui_table	 tab[OUI_NLEN];
	char			*names;		/* NUL-terminated names */
	size_t			 nlen, ncap;
};

/* The file being parsed, and the window of it in the buffer. */
struct oui_file {
	const char	*path;
	FILE		*err;
	int		 fd;
	size_t		 left;		/* bytes not read yet */
	char		*buf;		/* READ_BUF bytes */
	const char	*p, *end;	/* unparsed bytes in buf */
	bool		 eof;		/* nothing after end */
	bool		 skipping;	/* dropping bytes up to a LF */
	size_t		 line;		/* line of p, 1-based */
	size_t		 nbad;		/* malformed records */
};

/*
 * A kept field is a view of the buffer, valid until the next refill: a
 * copy is made only of a quoted field with a doubled quote in it.
 */
struct oui_field {
	const char	*s;
	size_t		 n;
	bool		 copied;	/* s is esc[k], being built */
};

struct oui_record {
	size_t		 line;		/* where the record starts */
	size_t		 nfields;
	struct oui_field f[NKEPT];
	bool		 toolong;	/* a kept field is over the cap */
	char		 esc[NKEPT][OUI_MAX_NAME];
};

enum rec_result { REC_OK, REC_BAD };
enum open_result { OPEN_OK, OPEN_ABSENT, OPEN_FAILED };

static void __attribute__((format(printf, 2, 3)))
report(FILE *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}

/* A malformed record: counted, and reported while under the cap. */
static void __attribute__((format(printf, 3, 4)))
bad(struct oui_file *f, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (++f->nbad > OUI_MAX_ERRORS || f->err == NULL)
		return;
	fprintf(f->err, "%s:%zu: ", f->path, line);
	va_start(ap, fmt);
	vfprintf(f->err, fmt, ap);
	va_end(ap);
	fputc('\n', f->err);
}

/*
 * A field for a message: up to its first NUL (as a C string would be
 * shown), capped, anything unprintable as '?'.
 */
static const char *
show(const char *s, size_t n, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[i] = '\0';
	return buf;
}

/*
 * Bytes of the line ending at p: 2 for CRLF, 1 for LF (or for a CR
 * ending the file), 0 for none.  The caller has the whole window.
 */
static size_t
eol(const char *p, const char *end)
{
	if (p == end)
		return 0;
	if (*p == '\n')
		return 1;
	if (*p == '\r' && (end - p == 1 || p[1] == '\n'))
		return (size_t)(end - p == 1 ? 1 : 2);
	return 0;
}

/*
 * The end of the unquoted field at p: its comma, its line end (the CR
 * of a CRLF, else the LF; a lone CR is data, except as the file's last
 * byte), or lim.  memchr(3) does the scanning: the 4 MB of registry are
 * scanned at every start.  *nlp caches the first LF at or after p that
 * is before lim + 1 (a CRLF whose CR is the record's last byte counts),
 * or that bound when there is none: a record's fields share it.
 */
static const char *
field_end(const char *p, const char *lim, const char *end, const char **nlp)
{
	const char *bound = lim < end ? lim + 1 : end, *nl = *nlp, *c;

	/* Past the cap already (a quoted field closed at it, then a
	 * comma): the record is too long, and nothing is searched. */
	if (p > lim)
		return p;
	if (nl == NULL || nl < p) {
		nl = memchr(p, '\n', (size_t)(bound - p));
		*nlp = nl = nl != NULL ? nl : bound;
	}
	if ((c = memchr(p, ',', (size_t)((nl < lim ? nl : lim) - p))) != NULL)
		return c;
	if (nl < bound)		/* a LF at or before lim */
		return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if (lim == end && end > p && end[-1] == '\r')
		return end - 1;
	return lim;
}

/*
 * Add n bytes at s to kept field k (other fields are only skipped): a
 * view of the buffer while the field is one piece of it; from the
 * first escaped quote on (escaped: s is the quote standing for "") a
 * copy.
 */
static void
put(struct oui_record *r, size_t k, const char *s, size_t n, bool escaped)
{
	struct oui_field *fd;
	size_t room;

	if (k >= NKEPT)
		return;
	fd = &r->f[k];
	if (escaped && !fd->copied) {
		/* The first piece of an escaped field: start the copy. */
		if (fd->n > OUI_MAX_NAME) {
			r->toolong = true;
			fd->n = OUI_MAX_NAME;
		}
		memcpy(r->esc[k], fd->s, fd->n);
		fd->s = r->esc[k];
		fd->copied = true;
	}
	if (!fd->copied) {
		fd->s = s;
		fd->n = n;
		if (n > OUI_MAX_NAME)
			r->toolong = true;
		return;
	}
	room = OUI_MAX_NAME - fd->n;
	if (n > room) {
		r->toolong = true;
		n = room;
	}
	memcpy(r->esc[k] + fd->n, s, n);
	fd->n += n;
}

/*
 * Make sure the window holds WINDOW bytes, or the rest of the file.
 * While skipping, drop everything up to and including the next LF.
 */
static int
refill(struct oui_file *f)
{
	const char *nl;
	size_t keep, want;
	ssize_t got;

	for (;;) {
		if (f->skipping) {
			nl = memchr(f->p, '\n', (size_t)(f->end - f->p));
			f->p = nl != NULL ? nl + 1 : f->end;
			f->skipping = nl == NULL;
		}
		if (f->eof || (!f->skipping && f->end - f->p >= WINDOW))
			return 0;
		keep = (size_t)(f->end - f->p);
		memmove(f->buf, f->p, keep);
		f->p = f->buf;
		f->end = f->buf + keep;
		want = READ_BUF - keep < f->left ? READ_BUF - keep : f->left;
		if ((got = read(f->fd, f->buf + keep, want)) == -1) {
			if (errno == EINTR)
				continue;
			report(f->err, "%s: %s", f->path, strerror(errno));
			return -1;
		}
		/* A file that grows meanwhile is read up to its size. */
		f->left -= (size_t)got;
		f->end += got;
		f->eof = got == 0 || f->left == 0;
	}
}

/* Go on at the line after the one holding from. */
static void
resync(struct oui_file *f, const char *from, size_t line)
{
	const char *nl = memchr(from, '\n', (size_t)(f->end - from));

	f->p = nl != NULL ? nl + 1 : f->end;
	f->skipping = nl == NULL && !f->eof;
	f->line = line + 1;
}

/*
 * Read the record at f->p, which is not a line end (RFC 4180 section
 * 2, with LF accepted for CRLF).  The window holds WINDOW bytes or the
 * rest of the file, so reaching f->end below means the end of the file.
 * A syntax error is reported and costs the rest of its line, except a
 * quote left open, which would swallow the records after it: then only
 * the record's first line is lost.
 */
static enum rec_result
read_record(struct oui_file *f, struct oui_record *r)
{
	const char *p = f->p, *end = f->end, *start = p, *lim, *q, *s;
	const char *nl = NULL;
	size_t k, n;

	/* Scanning stops one byte past the cap. */
	lim = end - start > OUI_MAX_RECORD ? start + OUI_MAX_RECORD + 1 : end;
	r->line = f->line;
	r->nfields = 0;
	r->toolong = false;
	memset(r->f, 0, sizeof(r->f));
	for (;;) {
		k = r->nfields++;
		if (p < end && *p == '"') {
			for (p++;; p = q + 2) {
				if (p >= lim || (q = memchr(p, '"',
				    (size_t)(lim - p))) == NULL) {
					bad(f, r->line, lim == end ?
					    "unterminated quoted field" :
					    "quoted field not closed within "
					    "%d bytes", OUI_MAX_RECORD);
					resync(f, start, r->line);
					return REC_BAD;
				}
				for (s = p; (s = memchr(s, '\n',
				    (size_t)(q - s))) != NULL; s++)
					f->line++;
				put(r, k, p, (size_t)(q - p), false);
				if (end - q == 1 || q[1] != '"')
					break;
				/* "" stands for " */
				put(r, k, q, 1, true);
			}
			p = q + 1;
		} else {
			q = field_end(p, lim, end, &nl);
			if (k < NKEPT) {
				r->f[k].s = p;
				r->f[k].n = (size_t)(q - p);
				if (r->f[k].n > OUI_MAX_NAME)
					r->toolong = true;
			}
			p = q;
			if (p - start > OUI_MAX_RECORD) {
				bad(f, r->line, "record longer than %d bytes",
				    OUI_MAX_RECORD);
				resync(f, p, f->line);
				return REC_BAD;
			}
		}
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p == end)
			break;
		if ((n = eol(p, end)) > 0) {
			p += n;
			f->line++;
			break;
		}
		bad(f, f->line, "text after a closing quote");
		resync(f, p, f->line);
		return REC_BAD;
	}
	f->p = p;
	return REC_OK;
}

/*
 * Trim spaces (and, in names, control characters, which the 2022 files
 * have as stray tabs) from both ends.  Control characters inside a name
 * become spaces: names end up in log lines and EVE records.
 */
#define ONES	UINT64_C(0x0101010101010101)
#define HIGHS	UINT64_C(0x8080808080808080)

/* Whether a byte of w is below 0x20 or is 0x7f (exact, as a whole). */
static bool
word_has_ctl(uint64_t w)
{
	uint64_t d = w ^ (0x7f * ONES);

	return (((w - 0x20 * ONES) & ~w) | ((d - ONES) & ~d)) & HIGHS;
}

/* Control characters to spaces, eight bytes a step: they are rare. */
static void
ctl_to_space(char *s, size_t n)
{
	size_t i, j;
	uint64_t w;

	for (i = 0; i < n; i += 8) {
		if (n - i >= 8) {
			memcpy(&w, s + i, sizeof(w));
			if (!word_has_ctl(w))
				continue;
		}
		for (j = i; j < n && j < i + 8; j++)
			if ((unsigned char)s[j] < 0x20 || s[j] == 0x7f)
				s[j] = ' ';
	}
}

static inline bool
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Trim a field's view: spaces, and in a name control characters too. */
static inline void
trim(struct oui_field *fd, bool name)
{
	const char *s = fd->s;
	size_t n = fd->n;

	while (n > 0 && (s[n - 1] == ' ' ||
	    (name && is_ctl((unsigned char)s[n - 1]))))
		n--;
	while (n > 0 && (*s == ' ' || (name && is_ctl((unsigned char)*s)))) {
		s++;
		n--;
	}
	fd->s = s;
	fd->n = n;
}

static int
add_entry(struct oui_db *db, enum oui_len len, uint64_t prefix,
    const struct oui_field *name)
{
	struct oui_table *t = &db->tab[len];
	uint64_t *e;
	size_t ncap, nlen = name->n;
	char *nn;

	if (t->n == t->cap) {
		ncap = t->cap == 0 ? 1024 : t->cap * 2;
		if ((e = reallocarray(t->e, ncap, sizeof(*e))) == NULL)
			return -1;
		t->e = e;
		t->cap = ncap;
	}
	if (db->ncap - db->nlen <= nlen) {
		ncap = db->ncap == 0 ? 256 * 1024 : db->ncap * 2;
		if (ncap > NAME_MASK + 1)
			ncap = NAME_MASK + 1;
		if (ncap - db->nlen <= nlen) {
			errno = ENOMEM;
			return -1;
		}
		if ((nn = realloc(db->names, ncap)) == NULL)
			return -1;
		db->names = nn;
		db->ncap = ncap;
	}
	t->e[t->n++] = prefix << NAME_BITS | db->nlen;
	nn = db->names + db->nlen;
	memcpy(nn, name->s, nlen);
	nn[nlen] = '\0';
	ctl_to_space(nn, nlen);
	db->nlen += nlen + 1;
	return 0;
}

/* Hex digits' values plus one; 0 for anything else. */
static const uint8_t oui_hexval1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
	['E'] = 15, ['F'] = 16,
};

/* Whether field fd, read as a C string, is the n bytes of w. */
static inline bool
field_is(const struct oui_field *fd, const char *w, size_t n)
{
	return fd->n >= n && (fd->n == n || fd->s[n] == '\0') &&
	    memcmp(fd->s, w, n) == 0;
}

/* Check a record and add its assignment.  -1 only when out of memory. */
static int
add_record(struct oui_db *db, struct oui_file *f, struct oui_record *r)
{
	char sbuf[SHOW_MAX];
	struct oui_field *reg = &r->f[0], *hex = &r->f[1], *name = &r->f[2];
	uint64_t prefix = 0;
	size_t i, d;
	int v;

	if (r->nfields != 4) {
		bad(f, r->line, "%zu field%s, expected 4", r->nfields,
		    r->nfields == 1 ? "" : "s");
		return 0;
	}
	if (r->toolong) {
		bad(f, r->line, "field longer than %d bytes", OUI_MAX_NAME);
		return 0;
	}
	trim(reg, false);
	trim(hex, false);
	trim(name, true);
	/* Each compared with a constant length: no memcmp() call. */
	if (field_is(reg, "MA-L", 4))
		i = 0;
	else if (field_is(reg, "MA-M", 4))
		i = 1;
	else if (field_is(reg, "MA-S", 4))
		i = 2;
	else if (field_is(reg, "IAB", 3))
		i = 3;
	else
		i = NELEM(oui_registries);
	if (i == NELEM(oui_registries)) {
		bad(f, r->line, "unknown registry \"%s\"",
		    show(reg->s, reg->n, sbuf, sizeof(sbuf)));
		return 0;
	}
	if (hex->n != oui_registries[i].digits) {
		bad(f, r->line, "%s assignment \"%s\" has %zu hex digits, "
		    "not %zu", oui_registries[i].name,
		    show(hex->s, hex->n, sbuf, sizeof(sbuf)), hex->n,
		    oui_registries[i].digits);
		return 0;
	}
	for (d = 0; d < hex->n; d++) {
		if ((v = oui_hexval1[(unsigned char)hex->s[d]] - 1) == -1) {
			bad(f, r->line, "assignment \"%s\" is not hexadecimal",
			    show(hex->s, hex->n, sbuf, sizeof(sbuf)));
			return 0;
		}
		prefix = prefix << 4 | (uint64_t)v;
	}
	if (name->n == 0) {
		bad(f, r->line, "empty organization name");
		return 0;
	}
	return add_entry(db, oui_registries[i].len, prefix, name);
}

/* Parse the open file f.  -1 on a read error or out of memory. */
static int
parse_file(struct oui_db *db, struct oui_file *f)
{
	struct oui_record r;
	bool first = true;
	size_t n;

	if (refill(f) == -1)
		return -1;
	if (f->end - f->p >= 3 && memcmp(f->p, "\xef\xbb\xbf", 3) == 0)
		f->p += 3;	/* a UTF-8 byte order mark */
	for (;;) {
		if (refill(f) == -1)
			return -1;
		if (f->p == f->end)
			break;
		if ((n = eol(f->p, f->end)) > 0) {
			f->p += n;	/* a blank line */
			f->line++;
			continue;
		}
		if (read_record(f, &r) == REC_BAD) {
			first = false;
			continue;
		}
		if (first && field_is(&r.f[0], "Registry", 8)) {
			first = false;
			continue;	/* the header */
		}
		first = false;
		if (add_record(db, f, &r) == -1) {
			report(f->err, "%s: %s", f->path, strerror(errno));
			return -1;
		}
	}
	if (f->nbad > OUI_MAX_ERRORS)
		report(f->err, "%s: %zu more malformed records (%zu in all)",
		    f->path, f->nbad - OUI_MAX_ERRORS, f->nbad);
	return 0;
}

/* Open a registry file; a missing one is not an error. */
static enum open_result
open_file(struct oui_file *f)
{
	struct stat st;

	if ((f->fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return OPEN_ABSENT;
		report(f->err, "%s: %s", f->path, strerror(errno));
		return OPEN_FAILED;
	}
	if (fstat(f->fd, &st) == -1) {
		report(f->err, "%s: %s", f->path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		report(f->err, "%s: not a regular file", f->path);
		goto out_close;
	}
	if (st.st_size > (off_t)OUI_MAX_FILE) {
		report(f->err, "%s: larger than %u bytes", f->path,
		    OUI_MAX_FILE);
		goto out_close;
	}
	f->left = (size_t)st.st_size;
	f->eof = f->left == 0;
	return OPEN_OK;

 out_close:
	close(f->fd);
	return OPEN_FAILED;
}

static void
report_no_registry(const char *dir, FILE *err)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		report(err, "%s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		report(err, "%s: %s", dir, strerror(ENOTDIR));
	else
		report(err, "%s: no IEEE registry file (oui.csv, mam.csv, "
		    "oui36.csv, iab.csv)", dir);
}

/*
 * Heapsort of the entries: no comparison callback, no scratch memory,
 * and n log n whatever the file holds (qsort(3) took a third of the
 * load time).  What table_sort() falls back to.
 */
static void
sift_down(uint64_t *e, size_t i, size_t n)
{
	uint64_t v = e[i];
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && e[c + 1] > e[c])
			c++;
		if (v >= e[c])
			break;
		e[i] = e[c];
		i = c;
	}
	e[i] = v;
}

static void
table_heapsort(struct oui_table *t)
{
	uint64_t v;
	size_t i;

	for (i = t->n / 2; i > 0; i--)
		sift_down(t->e, i - 1, t->n);
	for (i = t->n; i > 1; i--) {
		v = t->e[0];
		t->e[0] = t->e[i - 1];
		t->e[i - 1] = v;
		sift_down(t->e, 0, i - 1);
	}
}

/*
 * The entries are appended in the order read, so their name offsets
 * already grow: a stable sort by prefix alone is the sort of the
 * words.  Least significant digit first, RADIX_BITS at a time over the
 * table's prefix bits: a few passes in all instead of n log n
 * comparisons.  Without memory for the copy, the heapsort.
 */
#define RADIX_BITS	12
#define RADIX_SIZE	(1u << RADIX_BITS)

static void
table_sort(struct oui_table *t, unsigned bits)
{
	uint64_t *tmp, *from, *to, *sw;
	uint32_t *count;
	unsigned shift;
	size_t i, c, sum;

	if (t->n < 2)
		return;
	if ((tmp = reallocarray(NULL, t->n, sizeof(*tmp))) == NULL ||
	    (count = calloc(RADIX_SIZE, sizeof(*count))) == NULL) {
		free(tmp);
		table_heapsort(t);
		return;
	}
	from = t->e;
	to = tmp;
	for (shift = NAME_BITS; shift < NAME_BITS + bits;
	    shift += RADIX_BITS) {
		memset(count, 0, RADIX_SIZE * sizeof(*count));
		for (i = 0; i < t->n; i++)
			count[from[i] >> shift & (RADIX_SIZE - 1)]++;
		for (i = 0, sum = 0; i < RADIX_SIZE; i++) {
			c = count[i];
			count[i] = (uint32_t)sum;
			sum += c;
		}
		for (i = 0; i < t->n; i++)
			to[count[from[i] >> shift & (RADIX_SIZE - 1)]++] =
			    from[i];
		sw = from;
		from = to;
		to = sw;
	}
	if (from != t->e)
		memcpy(t->e, from, t->n * sizeof(*t->e));
	free(count);
	free(tmp);
}

struct oui_db *
oui_load(const char *dir, FILE *err)
{
	struct oui_db *db;
	struct oui_file f;
	char path[4096], *buf;
	size_t i, found = 0, loaded = 0;
	int rv;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (buf = malloc(READ_BUF)) == NULL) {
		report(err, "%s: %s", dir, strerror(errno));
		goto out_free_db;
	}
	for (i = 0; i < NELEM(oui_files); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    oui_files[i]) >= sizeof(path)) {
			report(err, "%s: %s", dir, strerror(ENAMETOOLONG));
			goto out_free_buf;
		}
		memset(&f, 0, sizeof(f));
		f.path = path;
		f.err = err;
		f.buf = buf;
		f.p = f.end = buf;
		f.line = 1;
		switch (open_file(&f)) {
		case OPEN_ABSENT:
			continue;
		case OPEN_FAILED:
			found++;
			continue;
		case OPEN_OK:
			break;
		}
		found++;
		rv = parse_file(db, &f);
		close(f.fd);
		if (rv == -1)
			goto out_free_buf;
		loaded++;
	}
	free(buf);
	if (found == 0)
		report_no_registry(dir, err);
	if (loaded == 0)
		goto out_free_db;
	for (i = 0; i < OUI_NLEN; i++)
		table_sort(&db->tab[i], oui_bits[i]);
	return db;

 out_free_buf:
	free(buf);
 out_free_db:
	oui_free(db);
	return NULL;
}

void
oui_free(struct oui_db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < OUI_NLEN; i++)
		free(db->tab[i].e);
	free(db->names);
	free(db);
}

size_t
oui_count(const struct oui_db *db)
{
	size_t i, n = 0;

	if (db == NULL)
		return 0;
	for (i = 0; i < OUI_NLEN; i++)
		n += db->tab[i].n;
	return n;
}

/* The name of the first entry for prefix, or NULL. */
static const char *
table_find(const struct oui_db *db, const struct oui_table *t,
    uint64_t prefix)
{
	uint64_t key = prefix << NAME_BITS;
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->e[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n || t->e[lo] >> NAME_BITS != prefix)
		return NULL;
	return db->names + (t->e[lo] & NAME_MASK);
}

/* p holds at least the 36 bits of the longest prefix (5 octets). */
static const char *
lookup(const struct oui_db *db, const uint8_t *p)
{
	const char *name;
	uint64_t key;
	size_t i;

	/*
	 * IEEE 802 section 8.2: I/G and U/L bits; neither has a vendor,
	 * and nor has the null address.  Nor has the rest of 00-00-00:
	 * Xerox's block from the 1970s, which today's devices do not
	 * carry; addresses in it are made up (test tools, zeroed NVRAM,
	 * synthetic captures), and "Xerox" would call them printers.
	 */
	if (db == NULL || (p[0] & 0x03) != 0 ||
	    (p[0] | p[1] | p[2]) == 0)
		return NULL;
	key = (uint64_t)p[0] << 28 | (uint64_t)p[1] << 20 |
	    (uint64_t)p[2] << 12 | (uint64_t)p[3] << 4 | (uint64_t)p[4] >> 4;
	for (i = 0; i < OUI_NLEN; i++) {
		name = table_find(db, &db->tab[i], key >> (36 - oui_bits[i]));
		/* "Private" hides the owner, and the shorter prefixes too. */
		if (name != NULL)
			return strcmp(name, "Private") == 0 ? NULL : name;
	}
	return NULL;
}

const char *
oui_lookup(const struct oui_db *db, const uint8_t mac[6])
{
	return lookup(db, mac);
}

/*
 * The prefixes hypervisors give the NICs they make:
 *   VMware      00:50:56 (vCenter Server and static addresses) and
 *               00:0C:29 (generated by ESXi hosts and Workstation):
 *               vSphere Networking, "MAC Address Assignment"; 00:05:69
 *               and 00:1C:14 are VMware's other MA-L assignments;
 *   VirtualBox  08:00:27 (the VirtualBox manual, "Virtual Networking";
 *               the registry says PCS Systemtechnik GmbH, the firm
 *               Innotek, VirtualBox's first maker, used);
 *   Hyper-V     00:15:5D, the dynamic MAC address pool (Microsoft's
 *               Hyper-V documentation; a Microsoft Corporation MA-L);
 *   QEMU/KVM    52:54:00, QEMU's default NIC address 52:54:00:12:34:56
 *               and libvirt's prefix (locally administered: no entry);
 *   Xen         00:16:3E (xl-network-configuration(5); XenSource);
 *   Parallels   00:1C:42 (Parallels' MA-L).
 */
static const struct {
	uint8_t		 prefix[3];
	const char	*name;
} oui_hypervisors[] = {
	{ { 0x00, 0x50, 0x56 }, "VMware" },
	{ { 0x00, 0x0c, 0x29 }, "VMware" },
	{ { 0x00, 0x05, 0x69 }, "VMware" },
	{ { 0x00, 0x1c, 0x14 }, "VMware" },
	{ { 0x08, 0x00, 0x27 }, "VirtualBox" },
	{ { 0x00, 0x15, 0x5d }, "Hyper-V" },
	{ { 0x52, 0x54, 0x00 }, "QEMU/KVM" },
	{ { 0x00, 0x16, 0x3e }, "Xen" },
	{ { 0x00, 0x1c, 0x42 }, "Parallels" },
};

const char *
oui_hypervisor(const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i < sizeof(oui_hypervisors) /
	    sizeof(oui_hypervisors[0]); i++)
		if (memcmp(mac, oui_hypervisors[i].prefix, 3) == 0)
			return oui_hypervisors[i].name;
	return NULL;
}

const char *
oui_lookup_eui64(const struct oui_db *db, const uint8_t eui[8])
{
	return lookup(db, eui);
}

int
oui_parse_hex(const char *s, uint8_t *out, size_t len)
{
	uint8_t tmp[8];
	char sep = '\0';
	size_t i;
	int hi, lo;

	if (s == NULL || len == 0 || len > sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		if (i == 1 && (*s == ':' || *s == '-'))
			sep = *s;
		if (i > 0 && sep != '\0') {
			if (*s != sep)
				return -1;
			s++;
		}
		/* A NUL is not hex, so s never runs past the string. */
		if ((hi = util_hexval(s[0])) == -1 || (lo = util_hexval(s[1])) == -1)
			return -1;
		tmp[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (*s != '\0')
		return -1;
	memcpy(out, tmp, len);
	return 0;
}
