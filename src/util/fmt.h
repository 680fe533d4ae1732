/*
 * util/fmt.h - numbers as text without printf, for the parsers that
 * build a fingerprint or a list for every record ("771,4865-4866,0-23",
 * "1,3,6,15", DNS flags "8180"): snprintf() costs some hundreds of
 * instructions a number, these a few dozen.
 *
 * fmt_uint() and fmt_hex() write the digits at out, with no NUL, and
 * return how many: out has room for 20 and 16 bytes.  fmt_uint() is
 * the one decimal writer: eve records, jsonw and the timestamps
 * (fmt_d2()) use it and its table too.  fmt_put() copies
 * them into a bounded string as snprintf() would.  tests/unit/test-fmt.c
 * holds each to snprintf()'s "%llu", "%llx", "%0*llx" and to its
 * truncation at every buffer size.
 */
#ifndef WW_UTIL_FMT_H
#define WW_UTIL_FMT_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FMT_UINT_MAX	20	/* digits of UINT64_MAX */
#define FMT_HEX_MAX	16

/* "00" to "99", two bytes each (no NUL between): the table every
 * decimal writer here shares (fmt.c). */
extern const char fmt_digits2[201];
/* 10^0 to 10^19. */
extern const uint64_t fmt_pow10[20];

/* The two digits of v (below 100) at p, no NUL; returns the end. */
static inline char *
fmt_d2(char *p, unsigned v)
{
	memcpy(p, fmt_digits2 + 2 * v, 2);
	return p + 2;
}

/* How many decimal digits v has (1 to 20): the count from the bit
 * length (1233 / 4096 is just above log10(2)), one compare to settle. */
static inline size_t
fmt_uint_len(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
	unsigned t;

	if (v < 10)
		return 1;
	t = (unsigned)(64 - __builtin_clzll(v)) * 1233 >> 12;
	return t + (v >= fmt_pow10[t]);
#else
	size_t n = 1;

	while (n < FMT_UINT_MAX && v >= fmt_pow10[n])
		n++;
	return n;
#endif
}

/*
 * The decimal digits of v ending just before end, written backwards:
 * 8 at a time in 32-bit arithmetic while v has more than 8, then two
 * at a time.  Returns where they start.  For callers that right-align
 * (jsonw_fmt_u64()); fmt_uint() writes them forwards.
 */
static inline char *
fmt_uint_back(char *end, uint64_t v)
{
	char *p = end;
	uint32_t w;
	int i;

	while (v >= 100000000) {
		w = (uint32_t)(v % 100000000);
		v /= 100000000;
		/* All 8 digits of the chunk, its zeros too. */
		for (i = 0; i < 4; i++) {
			p -= 2;
			memcpy(p, fmt_digits2 + 2 * (w % 100), 2);
			w /= 100;
		}
	}
	w = (uint32_t)v;
	while (w >= 100) {
		p -= 2;
		memcpy(p, fmt_digits2 + 2 * (w % 100), 2);
		w /= 100;
	}
	if (w >= 10) {
		p -= 2;
		memcpy(p, fmt_digits2 + 2 * w, 2);
	} else
		*--p = (char)('0' + w);
	return p;
}

/* "%llu" */
static inline size_t
fmt_uint(char *out, uint64_t v)
{
	size_t n;

	if (v < 10) {
		out[0] = (char)('0' + v);
		return 1;
	}
	n = fmt_uint_len(v);
	(void)fmt_uint_back(out + n, v);
	return n;
}

/* "%0*llx" with the given width (0 and 1 make "%llx"), in lower case;
 * width at most FMT_HEX_MAX. */
static inline size_t
fmt_hex(char *out, uint64_t v, unsigned width)
{
	static const char hx[] = "0123456789abcdef";
	size_t n = 1, i;

	assert(width <= FMT_HEX_MAX);
	while (n < FMT_HEX_MAX && v >> (4 * n) != 0)
		n++;
	if (n < width)
		n = width;
	for (i = n; i > 0; i--, v >>= 4)
		out[i - 1] = hx[v & 0xf];
	return n;
}

/*
 * Put the n bytes of s (no NUL among them) at dst, which has room for
 * size bytes, as snprintf(dst, size, "%.*s", n, s) does: when they do
 * not fit, as many as do and a NUL; nothing when size is 0.  Returns n.
 */
static inline size_t
fmt_put(char *dst, size_t size, const char *s, size_t n)
{
	size_t k;

	if (size == 0)
		return n;
	k = n < size ? n : size - 1;
	memcpy(dst, s, k);
	dst[k] = '\0';
	return n;
}

#endif /* WW_UTIL_FMT_H */
