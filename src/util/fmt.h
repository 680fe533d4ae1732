/*
 * util/fmt.h - numbers as text without printf, for the parsers that
 * build a fingerprint or a list for every record ("771,4865-4866,0-23",
 * "1,3,6,15", DNS flags "8180"): snprintf() costs some hundreds of
 * instructions a number, these a few dozen.
 *
 * fmt_uint() and fmt_hex() write the digits at out, with no NUL, and
 * return how many: out has room for 20 and 16 bytes.  fmt_put() copies
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

/* "%llu" */
static inline size_t
fmt_uint(char *out, uint64_t v)
{
	char tmp[FMT_UINT_MAX], *p = tmp + FMT_UINT_MAX;
	size_t n;

	if (v < 10) {
		out[0] = (char)('0' + v);
		return 1;
	}
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	n = (size_t)(tmp + FMT_UINT_MAX - p);
	memcpy(out, p, n);
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
