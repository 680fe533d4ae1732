/*
 * jsonw.c - streaming JSON writer into a growable, capped buffer.
 *
 * This runs for every output record, so the string path is built for
 * speed: a 256-entry class table says which bytes need work, runs of
 * plain bytes are copied with one memcpy, and integers are formatted
 * two digits at a time without snprintf.  The buffer doubles, so
 * appending n bytes costs O(n) amortised, and never grows beyond the
 * cap: a write that would pass it marks the writer overflowed and all
 * later writes are ignored (the caller drops and counts the record).
 *
 * Strings follow RFC 8259 section 7.  Valid UTF-8 (RFC 3629 section 4,
 * which excludes overlong forms, surrogates and code points above
 * U+10FFFF) is copied as is; every byte that is not part of a valid
 * sequence is written as \u00XX of its value, so wire bytes of any kind
 * give valid JSON and the original bytes remain recoverable.
 */
#include <config.h>

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/jsonw.h"
#include "util/fmt.h"
#include "util/util.h"

#define JSONW_MIN_ALLOC	256

/* Byte classes for strings. */
#define JC_PLAIN	0	/* copy */
#define JC_ESC		1	/* short escape: \" \\ \b \f \n \r \t */
#define JC_CTRL		2	/* other control: \u00XX */
#define JC_U8		3	/* non-ASCII: validate as UTF-8 */

static const uint8_t jclass[256] = {
	/* 0x00 - 0x1f: control characters */
	2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	/* 0x20 - 0x7f: '"' (0x22) and '\\' (0x5c) need escaping; DEL not */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x80 - 0xff */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/* The letter after the backslash of a JC_ESC byte: "\b" .. "\t", or
 * the byte itself (" and \). */
static inline char
esc_letter(uint8_t c)
{
	switch (c) {
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	default: return (char)c;
	}
}

static const char hexdig[16] = "0123456789abcdef";

void
jsonw_init(struct jsonw *w, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->cap = cap == 0 ? JSONW_DEFAULT_CAP : cap;
	if (w->cap > SIZE_MAX / 4)
		w->cap = SIZE_MAX / 4;	/* cap + 1 and doubling stay in range */
}

void
jsonw_free(struct jsonw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->size = 0;
}

void
jsonw_reset(struct jsonw *w)
{
	w->len = 0;
	w->overflow = false;
	w->depth = 0;
	w->need_comma[0] = false;
}

/*
 * Make room for n more bytes plus the NUL that jsonw_text() adds.
 * Returns false (and marks the writer) if that would pass the cap or
 * memory is short.
 */
static bool
grow(struct jsonw *w, size_t n)
{
	size_t want, nsize;
	char *nbuf;

	if (w->overflow)
		return false;
	if (n > w->cap - w->len) {
		w->overflow = true;
		return false;
	}
	want = w->len + n + 1;
	nsize = w->size < JSONW_MIN_ALLOC ? JSONW_MIN_ALLOC : w->size;
	while (nsize < want)
		nsize = nsize > SIZE_MAX / 2 ? want : nsize * 2;
	if (nsize > w->cap + 1)
		nsize = w->cap + 1;
	if ((nbuf = realloc(w->buf, nsize)) == NULL) {
		w->overflow = true;
		return false;
	}
	w->buf = nbuf;
	w->size = nsize;
	return true;
}

static inline bool
reserve(struct jsonw *w, size_t n)
{
	if (!w->overflow && w->size - w->len > n)
		return true;
	return grow(w, n);
}

static inline void
put(struct jsonw *w, const void *p, size_t n)
{
	if (reserve(w, n)) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	}
}

static inline void
putc1(struct jsonw *w, char c)
{
	if (reserve(w, 1))
		w->buf[w->len++] = c;
}

/* Comma before a value or key, if one came before it at this level. */
static inline void
sep(struct jsonw *w)
{
	if (w->need_comma[w->depth])
		putc1(w, ',');
	w->need_comma[w->depth] = true;
}

static void
container_open(struct jsonw *w, char c)
{
	if (w->overflow)
		return;
	if (w->depth >= JSONW_MAX_DEPTH) {
		w->overflow = true;
		return;
	}
	sep(w);
	putc1(w, c);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void
container_close(struct jsonw *w, char c)
{
	if (w->overflow)
		return;
	if (w->depth == 0) {
		/* Unbalanced: the text can no longer be valid. */
		w->overflow = true;
		return;
	}
	w->depth--;
	putc1(w, c);
}

void
jsonw_obj_open(struct jsonw *w)
{
	container_open(w, '{');
}

void
jsonw_obj_close(struct jsonw *w)
{
	container_close(w, '}');
}

void
jsonw_arr_open(struct jsonw *w)
{
	container_open(w, '[');
}

void
jsonw_arr_close(struct jsonw *w)
{
	container_close(w, ']');
}

/*
 * Length of the valid UTF-8 sequence at p (at most left bytes), or 0 if
 * the byte at p does not start one.  RFC 3629 section 4.
 */
static size_t
utf8_len(const uint8_t *p, size_t left)
{
	uint8_t c = p[0];
	uint8_t lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;		/* 80-c1 and f5-ff never start one */
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void
put_string(struct jsonw *w, const uint8_t *s, size_t n)
{
	size_t i = 0, run, u;
	char *o;

	putc1(w, '"');
	while (i < n && !w->overflow) {
		/* Copy the longest run of bytes that need no work. */
		for (run = i; run < n && jclass[s[run]] == JC_PLAIN; run++)
			;
		if (run > i) {
			put(w, s + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		switch (jclass[s[i]]) {
		case JC_ESC:
			if (!reserve(w, 2))
				return;
			o = w->buf + w->len;
			o[0] = '\\';
			o[1] = esc_letter(s[i]);
			w->len += 2;
			i++;
			break;
		case JC_U8:
			if ((u = utf8_len(s + i, n - i)) != 0) {
				put(w, s + i, u);
				i += u;
				break;
			}
			/* Not valid UTF-8: escape the byte. */
			/* FALLTHROUGH */
		default:
			if (!reserve(w, 6))
				return;
			o = w->buf + w->len;
			memcpy(o, "\\u00", 4);
			o[4] = hexdig[s[i] >> 4];
			o[5] = hexdig[s[i] & 0xf];
			w->len += 6;
			i++;
			break;
		}
	}
	putc1(w, '"');
}

/*
 * Bytes of the NUL-terminated s before the first that needs work: NUL
 * is a control byte, so one pass both measures a plain string and
 * checks it (no strlen first).
 */
static inline size_t
plain_prefix(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	while (jclass[*p] == JC_PLAIN)
		p++;
	return (size_t)(p - (const uint8_t *)s);
}

/* put_cstring() when the string is long, needs escaping or the buffer
 * is short of room. */
static void
put_cstring_slow(struct jsonw *w, const char *s, const char *tail,
    size_t tlen)
{
	size_t n = plain_prefix(s);
	char *o;

	if (s[n] != '\0') {
		put_string(w, (const uint8_t *)s, n + strlen(s + n));
		put(w, tail, tlen);
		return;
	}
	/* Plain: one copy. */
	if (!reserve(w, n + 2 + tlen))
		return;
	o = w->buf + w->len;
	o[0] = '"';
	memcpy(o + 1, s, n);
	o[n + 1] = '"';
	memcpy(o + n + 2, tail, tlen);
	w->len += n + 2 + tlen;
}

/* Strings up to this long are copied as they are checked. */
#define JSONW_SHORT	64

/*
 * A NUL-terminated string, quoted, then tail (a key's colon, or "").
 * Most are short and plain (names, codes, every key): with room in the
 * buffer for the longest short one, each byte is checked and copied in
 * the one pass, with no call; the rest start again on the slow path.
 */
static inline void
put_cstring(struct jsonw *w, const char *s, const char *tail, size_t tlen)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n;
	char *o;

	if (w->size - w->len > JSONW_SHORT + 2 + tlen) {
		o = w->buf + w->len + 1;
		for (n = 0; n < JSONW_SHORT && jclass[p[n]] == JC_PLAIN; n++)
			o[n] = (char)p[n];
		if (p[n] == '\0') {
			o[-1] = '"';
			o[n] = '"';
			if (tlen > 0)
				memcpy(o + n + 1, tail, tlen);
			w->len += n + 2 + tlen;
			return;
		}
	}
	put_cstring_slow(w, s, tail, tlen);
}

void
jsonw_key(struct jsonw *w, const char *k)
{
	if (w->overflow)
		return;
	sep(w);
	put_cstring(w, k, ":", 1);
	/* The value that follows takes no comma. */
	w->need_comma[w->depth] = false;
}

/*
 * jsonw_key_quoted() (jsonw.h) when the buffer must grow or has
 * overflowed.  q is a key as JSONW_KEY() makes it, "key": with nothing
 * to escape between the quotes.  Not checked, which would cost what the
 * literal saves: the keys are literals, and tests/jsonw-keys.sh checks
 * every one in the source.
 */
void
jsonw_key_quoted_slow(struct jsonw *w, const char *q, size_t n)
{
	if (w->overflow)
		return;
	sep(w);
	put(w, q, n);
	/* The value that follows takes no comma. */
	w->need_comma[w->depth] = false;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	if (w->overflow)
		return;
	sep(w);
	put_cstring(w, s, "", 0);
}

void
jsonw_str_plain(struct jsonw *w, const char *s)
{
	size_t n = strlen(s);
	char *o;

	if (w->overflow)
		return;
	sep(w);
	if (!reserve(w, n + 2))
		return;
	o = w->buf + w->len;
	o[0] = '"';
	memcpy(o + 1, s, n);
	o[n + 1] = '"';
	w->len += n + 2;
}

void
jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	if (w->overflow)
		return;
	sep(w);
	put_string(w, (const uint8_t *)s, n);
}

/*
 * Runs (jsonw.h).  A run is written with no check per write: the
 * caller's bound n must hold, and is asserted at the end.
 */
void
jsonw_run_begin(struct jsonw *w, struct jsonw_run *r, size_t n)
{
	r->comma = w->need_comma[w->depth];
	r->n = n;
	r->scratch = NULL;
	/* In the buffer when it has room, or can grow to it within the
	 * cap; near the cap, in scratch memory, appended with one exact
	 * put() at the end, which passes the cap where the calls would. */
	if (!w->overflow && (w->size - w->len > n ||
	    (n < w->cap - w->len && grow(w, n)))) {
		r->start = r->o = w->buf + w->len;
		return;
	}
	r->scratch = xcalloc(1, n + 1);
	r->start = r->o = r->scratch;
}

void
jsonw_run_end(struct jsonw *w, struct jsonw_run *r)
{
	size_t len = (size_t)(r->o - r->start);

	assert(len <= r->n);
	if (r->scratch == NULL)
		w->len += len;
	else {
		if (!w->overflow && len > 0)
			put(w, r->scratch, len);
		/* It may hold values of a message: wiped, as the parsers'
		 * buffers are. */
		explicit_bzero(r->scratch, r->n + 1);
		free(r->scratch);
		r->scratch = NULL;
	}
	if (!w->overflow)
		w->need_comma[w->depth] = r->comma;
}

/*
 * s[0..n) escaped as put_string() escapes it, and the closing quote, at
 * o, which has room for 6 * n + 1 bytes.  Returns the end.
 */
static char *
esc_raw(char *o, const uint8_t *s, size_t n)
{
	size_t i = 0, u;

	while (i < n) {
		switch (jclass[s[i]]) {
		case JC_PLAIN:
			*o++ = (char)s[i++];
			continue;
		case JC_ESC:
			o[0] = '\\';
			o[1] = esc_letter(s[i]);
			o += 2;
			i++;
			continue;
		case JC_U8:
			if ((u = utf8_len(s + i, n - i)) != 0) {
				memcpy(o, s + i, u);
				o += u;
				i += u;
				continue;
			}
			/* Not valid UTF-8: escape the byte. */
			/* FALLTHROUGH */
		default:
			memcpy(o, "\\u00", 4);
			o[4] = hexdig[s[i] >> 4];
			o[5] = hexdig[s[i] & 0xf];
			o += 6;
			i++;
			continue;
		}
	}
	*o++ = '"';
	return o;
}

char *
jsonw_run_str_rest(char *o, const char *s, size_t i, size_t size)
{
	return esc_raw(o + i, (const uint8_t *)s + i, strnlen(s + i,
	    size - i));
}

char *
jsonw_put_text(char *o, const char *s, size_t n)
{
	const uint8_t *u = (const uint8_t *)s;
	unsigned any = 0;
	size_t i;

	/* Copied and classed with no branch per byte: the names written
	 * this way (states, reasons, protocols) are short and plain. */
	*o++ = '"';
	for (i = 0; i < n; i++) {
		o[i] = (char)u[i];
		any |= jclass[u[i]];
	}
	if (any == 0) {
		o[n] = '"';
		return o + n + 1;
	}
	for (i = 0; jclass[u[i]] == JC_PLAIN; i++)
		;
	return jsonw_run_str_rest(o, s, i, n);
}

void
jsonw_run_uint_slow(struct jsonw_run *r, uint64_t v)
{
	if (r->comma)
		*r->o++ = ',';
	r->comma = true;
	r->o += fmt_uint(r->o, v);
}

/* Decimal digits of v, right-aligned in out[20]; returns the count. */
size_t
jsonw_fmt_u64(uint64_t v, char out[20])
{
	return (size_t)(out + 20 - fmt_uint_back(out + 20, v));
}

void
jsonw_uint(struct jsonw *w, uint64_t v)
{
	char tmp[FMT_UINT_MAX];

	if (w->overflow)
		return;
	sep(w);
	put(w, tmp, fmt_uint(tmp, v));
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char tmp[21];
	size_t n;

	if (w->overflow)
		return;
	sep(w);
	/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
	n = jsonw_fmt_u64(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, tmp + 1);
	if (v < 0) {
		tmp[21 - n - 1] = '-';
		n++;
	}
	put(w, tmp + 21 - n, n);
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	if (w->overflow)
		return;
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	if (w->overflow)
		return;
	sep(w);
	put(w, "null", 4);
}

/*
 * The shortest of %.15g and %.17g that reads back as the same double.
 * Not on the per-packet path.  A locale with a decimal comma would give
 * invalid JSON, so the separator is forced to '.'.
 */
void
jsonw_double(struct jsonw *w, double v)
{
	char tmp[40], *p;
	int n;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	if (w->overflow)
		return;
	n = snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		jsonw_null(w);
		return;
	}
	if ((p = strchr(tmp, ',')) != NULL)
		*p = '.';
	sep(w);
	put(w, tmp, (size_t)n);
}

void
jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	if (w->overflow)
		return;
	sep(w);
	put(w, s, n);
}

void
jsonw_kv_str(struct jsonw *w, const char *k, const char *v)
{
	jsonw_key(w, k);
	jsonw_str(w, v);
}

void
jsonw_kv_uint(struct jsonw *w, const char *k, uint64_t v)
{
	jsonw_key(w, k);
	jsonw_uint(w, v);
}

void
jsonw_kv_int(struct jsonw *w, const char *k, int64_t v)
{
	jsonw_key(w, k);
	jsonw_int(w, v);
}

void
jsonw_kv_bool(struct jsonw *w, const char *k, bool v)
{
	jsonw_key(w, k);
	jsonw_bool(w, v);
}

const char *
jsonw_text(struct jsonw *w, size_t *len)
{
	if (w->buf == NULL) {
		/* Nothing written yet (or allocation failed): "" */
		if (len != NULL)
			*len = 0;
		return "";
	}
	w->buf[w->len] = '\0';
	if (len != NULL)
		*len = w->len;
	return w->buf;
}

bool
jsonw_ok(const struct jsonw *w)
{
	return !w->overflow && w->depth == 0;
}
