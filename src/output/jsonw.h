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

/* The text so far, NUL-terminated (valid until the next write). */
const char *jsonw_text(struct jsonw *, size_t *len);
bool	jsonw_ok(const struct jsonw *);	/* no overflow, all closed */

#endif /* WW_JSONW_H */
