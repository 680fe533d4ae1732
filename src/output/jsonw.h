/*
 * jsonw.h - a streaming JSON writer into a growable, capped buffer.
 *
 * Keys are written in the order the caller writes them (deterministic
 * output makes golden files possible).  Strings are escaped per RFC
 * 8259; bytes that are not valid UTF-8 are written as \u00XX of the
 * byte value so arbitrary wire bytes always give valid JSON.  The
 * writer tracks nesting and commas itself.  If the cap is exceeded the
 * writer is marked overflowed and further writes are ignored.
 */
#ifndef WW_JSONW_H
#define WW_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/word.h"

/* For the run's writers, which are worth inlining only whole: each
 * call site's size is a constant. */
#if defined(__GNUC__) || defined(__clang__)
#define JSONW_INLINE	static inline __attribute__((always_inline))
#else
#define JSONW_INLINE	static inline
#endif

#define JSONW_MAX_DEPTH		32
#define JSONW_DEFAULT_CAP	(1u << 20)

struct jsonw {
	char		*buf;
	size_t		 len;
	size_t		 size;
	size_t		 cap;		/* max len */
	bool		 overflow;
	int		 depth;
	bool		 need_comma[JSONW_MAX_DEPTH + 1];
};

void	jsonw_init(struct jsonw *, size_t cap);
void	jsonw_free(struct jsonw *);
void	jsonw_reset(struct jsonw *);	/* empty, keep the buffer */

void	jsonw_obj_open(struct jsonw *);
void	jsonw_obj_close(struct jsonw *);
void	jsonw_arr_open(struct jsonw *);
void	jsonw_arr_close(struct jsonw *);
/* A key inside an object; follow it with exactly one value. */
void	jsonw_key(struct jsonw *, const char *);
/*
 * A key known when compiling: k is a string literal that needs no
 * escaping (tests/jsonw-keys.sh checks), written with its quotes and
 * colon in one copy.  For the keys of every record; jsonw_key() for
 * the rest.
 */
#define JSONW_KEY(w, k)	jsonw_key_quoted((w), "\"" k "\":", sizeof(k) + 2)
void	jsonw_key_quoted_slow(struct jsonw *, const char *, size_t);

/* Inline, so that the copy of a literal of known length is a few moves;
 * jsonw.c has the rest (growth, the cap). */
static inline void
jsonw_key_quoted(struct jsonw *w, const char *q, size_t n)
{
	char *o;

	/* Room for a comma, the key and the NUL jsonw_text() adds. */
	if (w->overflow || w->size - w->len <= n + 1) {
		jsonw_key_quoted_slow(w, q, n);
		return;
	}
	o = w->buf + w->len;
	if (w->need_comma[w->depth])
		*o++ = ',';
	memcpy(o, q, n);
	w->len = (size_t)(o + n - w->buf);
	/* The value that follows takes no comma. */
	w->need_comma[w->depth] = false;
}

void	jsonw_str(struct jsonw *, const char *);
void	jsonw_strn(struct jsonw *, const char *, size_t);	/* any bytes */
/*
 * A string our own formatters made, that needs no escaping: a time,
 * an address, a MAC, a Community ID, a name from a table.  Copied with
 * its quotes, not scanned; never for bytes from the wire or a config.
 */
void	jsonw_str_plain(struct jsonw *, const char *);
void	jsonw_uint(struct jsonw *, uint64_t);
void	jsonw_int(struct jsonw *, int64_t);
void	jsonw_bool(struct jsonw *, bool);
void	jsonw_null(struct jsonw *);
void	jsonw_double(struct jsonw *, double);	/* finite, else null */
/* Decimal digits of v, right-aligned in out[20]; returns how many (for
 * callers that build a run of members in a buffer of their own). */
size_t	jsonw_fmt_u64(uint64_t v, char out[20]);
/* Insert already-valid JSON text as a value. */
void	jsonw_raw(struct jsonw *, const char *, size_t);

/* Key + value shorthands. */
void	jsonw_kv_str(struct jsonw *, const char *, const char *);
void	jsonw_kv_uint(struct jsonw *, const char *, uint64_t);
void	jsonw_kv_int(struct jsonw *, const char *, int64_t);
void	jsonw_kv_bool(struct jsonw *, const char *, bool);
/* The same with a literal key (JSONW_KEY). */
#define JSONW_KV_STR(w, k, v)	do {					\
	JSONW_KEY(w, k);						\
	jsonw_str((w), (v));						\
} while (0)
#define JSONW_KV_PLAIN(w, k, v)	do {					\
	JSONW_KEY(w, k);						\
	jsonw_str_plain((w), (v));					\
} while (0)
#define JSONW_KV_UINT(w, k, v)	do {					\
	JSONW_KEY(w, k);						\
	jsonw_uint((w), (v));						\
} while (0)
#define JSONW_KV_BOOL(w, k, v)	do {					\
	JSONW_KEY(w, k);						\
	jsonw_bool((w), (v));						\
} while (0)

/*
 * A run: members and values written straight into the buffer by a
 * record's hot path (an HL7 message's object), with no check of room
 * or state per write.  jsonw_run_begin() makes room for the n bytes the
 * caller says the run takes at most; when the cap leaves less, the run
 * goes to scratch memory and jsonw_run_end() appends it as the calls
 * above would have, at the cap the same.  Commas are the run's own
 * business: r->comma says whether the next member or value takes one.
 * Between jsonw_run_begin() and jsonw_run_end() nothing else may write
 * to the writer: any other jsonw_ call may move its buffer, and the run
 * points into it.
 */
struct jsonw_run {
	char		*o;		/* where the next byte goes */
	bool		 comma;
	char		*scratch;	/* the run's own memory, or NULL */
	char		*start;		/* its first byte */
	size_t		 n;		/* bytes it may take */
};

void	jsonw_run_begin(struct jsonw *, struct jsonw_run *, size_t n);
void	jsonw_run_end(struct jsonw *, struct jsonw_run *);
/* jsonw_run_str_in() from the first byte at o + i that needs work. */
char	*jsonw_run_str_rest(char *o, const char *s, size_t i, size_t size);
/*
 * n bytes of s (a NUL among them ends the text) as a quoted JSON
 * string at o, escaped as jsonw_str() escapes; o has room for 6 * n +
 * 2 bytes.  Returns the end.
 */
char	*jsonw_put_text(char *o, const char *s, size_t n);
/* jsonw_run_uint() of a number from 100 up. */
void	jsonw_run_uint_slow(struct jsonw_run *, uint64_t);

/*
 * Bytes of a word that need work in a JSON string: control bytes (NUL
 * among them), '"', '\\' and non-ASCII; the lowest flagged is exact
 * (util/word.h).
 */
static inline uint64_t
jsonw_word_special(uint64_t x)
{
	return word_below(x, 0x20) | word_eq(x, '"') | word_eq(x, '\\') |
	    (x & WORD_HIGHS);
}

/*
 * A NUL-terminated string (cut at size bytes if it has no NUL) held in
 * an array of size bytes that may all be read, as a parser's fixed
 * fields are: checked and copied 8 bytes at a time, escaped as
 * jsonw_str() escapes.  At most 6 * size + 10 bytes with the comma.
 * Inline, for a size known when compiling: most such strings are
 * plain and shorter than a word or two.
 */
JSONW_INLINE void
jsonw_run_str_in(struct jsonw_run *r, const char *s, size_t size)
{
	char *o = r->o;
	size_t i = 0;

	if (r->comma)
		*o++ = ',';
	r->comma = true;
	*o++ = '"';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
	{
		uint64_t x, m = 0;

		/* Each word is stored as it is checked; the last, short
		 * one is read with zeros above it, which stop the scan
		 * as a NUL would. */
		for (; i + 8 <= size; i += 8) {
			memcpy(&x, s + i, 8);
			memcpy(o + i, &x, 8);
			if ((m = jsonw_word_special(x)) != 0)
				break;
		}
		if (m == 0 && i < size) {
			x = 0;
			memcpy(&x, s + i, size % 8);
			memcpy(o + i, &x, 8);
			m = jsonw_word_special(x);
		}
		if (m != 0)
			i += (unsigned)__builtin_ctzll(m) / 8;
		if (i > size)
			i = size;
	}
#else
	for (; i < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			break;
		o[i] = (char)c;
	}
#endif
	if (i == size || s[i] == '\0') {
		o[i] = '"';
		r->o = o + i + 1;
	} else
		r->o = jsonw_run_str_rest(o, s, i, size);
}

/* At most 21 bytes with the comma. */
static inline void
jsonw_run_uint(struct jsonw_run *r, uint64_t v)
{
	if (v >= 100) {
		jsonw_run_uint_slow(r, v);
		return;
	}
	if (r->comma)
		*r->o++ = ',';
	r->comma = true;
	if (v >= 10)
		*r->o++ = (char)('0' + v / 10);
	*r->o++ = (char)('0' + v % 10);
}

/* A literal of n bytes, written with no check (a key with its quotes
 * and colon, a plain value with its quotes). */
static inline void
jsonw_run_lit(struct jsonw_run *r, const char *q, size_t n, bool value)
{
	if (r->comma)
		*r->o++ = ',';
	memcpy(r->o, q, n);
	r->o += n;
	r->comma = value;
}

/* Bytes jsonw_run_str_in() writes at most for an array of size bytes,
 * with its comma. */
#define JSONW_RUN_STR_MAX(size)	(6 * (size) + 10)

/* A plain value known only when running (our own words, which need no
 * escaping), quoted: strlen(s) + 3 bytes at most with the comma. */
static inline void
jsonw_run_plain(struct jsonw_run *r, const char *s)
{
	size_t n = strlen(s);

	if (r->comma)
		*r->o++ = ',';
	r->comma = true;
	*r->o++ = '"';
	memcpy(r->o, s, n);
	r->o += n;
	*r->o++ = '"';
}

/* '{' or '[' (with a comma when one is due), '}' or ']'. */
static inline void
jsonw_run_open(struct jsonw_run *r, char c)
{
	if (r->comma)
		*r->o++ = ',';
	*r->o++ = c;
	r->comma = false;
}

static inline void
jsonw_run_close(struct jsonw_run *r, char c)
{
	*r->o++ = c;
	r->comma = true;
}

/* Keys and plain values that are literals, as JSONW_KEY(); v of
 * JSONW_RUN_KV_STR() is an array (jsonw_run_str_in()). */
#define JSONW_RUN_KEY(r, k)						\
	jsonw_run_lit((r), "\"" k "\":", sizeof(k) + 2, false)
#define JSONW_RUN_PLAIN(r, v)						\
	jsonw_run_lit((r), "\"" v "\"", sizeof(v) + 1, true)
#define JSONW_RUN_KV_STR(r, k, v)	do {				\
	_Static_assert(!__builtin_types_compatible_p(__typeof__(v),	\
	    __typeof__(&(v)[0])), "JSONW_RUN_KV_STR: v is an array");	\
	JSONW_RUN_KEY(r, k);						\
	jsonw_run_str_in((r), (v), sizeof(v));				\
} while (0)
#define JSONW_RUN_KV_UINT(r, k, v)	do {				\
	JSONW_RUN_KEY(r, k);						\
	jsonw_run_uint((r), (v));					\
} while (0)
#define JSONW_RUN_KV_PLAIN(r, k, v)	do {				\
	JSONW_RUN_KEY(r, k);						\
	JSONW_RUN_PLAIN(r, v);						\
} while (0)

/* The text so far, NUL-terminated (valid until the next write). */
const char *jsonw_text(struct jsonw *, size_t *len);
bool	jsonw_ok(const struct jsonw *);	/* no overflow, all closed */

#endif /* WW_JSONW_H */
