/*
 * bytes.h - bounds-checked, zero-copy reader over untrusted bytes.
 *
 * Every byte read from the wire goes through a struct breader.  A read
 * past the end returns 0, never advances past the end and makes the
 * reader "bad" (a sticky error), so a parser reads a group of fields and
 * checks br_ok() once.  Lengths are compared as 'left < n', which cannot
 * overflow.
 */
#ifndef WW_BYTES_H
#define WW_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct breader {
	const uint8_t	*base;	/* first byte of the view */
	size_t		 len;	/* bytes in the view */
	size_t		 off;	/* next byte to read, 0 <= off <= len */
	bool		 bad;	/* a read went past the end */
};

static inline void
br_init(struct breader *br, const uint8_t *p, size_t len)
{
	br->base = p;
	br->len = p == NULL ? 0 : len;
	br->off = 0;
	br->bad = false;
}

static inline size_t
br_left(const struct breader *br)
{
	return br->len - br->off;
}

static inline bool
br_ok(const struct breader *br)
{
	return !br->bad;
}

static inline size_t
br_off(const struct breader *br)
{
	return br->off;
}

/* The bytes from the current position on (valid while the buffer is). */
static inline const uint8_t *
br_cur(const struct breader *br)
{
	return br->base + br->off;
}

static inline bool
br_need(struct breader *br, size_t n)
{
	if (br->bad || br_left(br) < n) {
		br->bad = true;
		return false;
	}
	return true;
}

static inline uint8_t
br_u8(struct breader *br)
{
	if (!br_need(br, 1))
		return 0;
	return br->base[br->off++];
}

static inline uint16_t
br_be16(struct breader *br)
{
	const uint8_t *p;

	if (!br_need(br, 2))
		return 0;
	p = br->base + br->off;
	br->off += 2;
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
br_be32(struct breader *br)
{
	const uint8_t *p;

	if (!br_need(br, 4))
		return 0;
	p = br->base + br->off;
	br->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint16_t
br_le16(struct breader *br)
{
	const uint8_t *p;

	if (!br_need(br, 2))
		return 0;
	p = br->base + br->off;
	br->off += 2;
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
br_le32(struct breader *br)
{
	const uint8_t *p;

	if (!br_need(br, 4))
		return 0;
	p = br->base + br->off;
	br->off += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* A pointer to the next n bytes, or NULL (and the reader goes bad). */
static inline const uint8_t *
br_bytes(struct breader *br, size_t n)
{
	const uint8_t *p;

	if (!br_need(br, n))
		return NULL;
	p = br->base + br->off;
	br->off += n;
	return p;
}

/* Copy n bytes out; on a short read dst is zeroed. */
static inline bool
br_copy(struct breader *br, void *dst, size_t n)
{
	const uint8_t *p = br_bytes(br, n);

	if (p == NULL) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

static inline void
br_skip(struct breader *br, size_t n)
{
	if (br_need(br, n))
		br->off += n;
}

/*
 * A child reader over the next n bytes; the parent skips all of them.
 * If fewer than n bytes are left the parent goes bad and the child is
 * empty and bad.
 */
static inline struct breader
br_sub(struct breader *br, size_t n)
{
	struct breader child;

	if (!br_need(br, n)) {
		br_init(&child, NULL, 0);
		child.bad = true;
		return child;
	}
	br_init(&child, br->base + br->off, n);
	br->off += n;
	return child;
}

/* Offset from the current position of the next byte c, or -1. */
static inline ptrdiff_t
br_find(const struct breader *br, uint8_t c)
{
	const uint8_t *p;

	if (br->bad || br_left(br) == 0)
		return -1;
	p = memchr(br->base + br->off, c, br_left(br));
	return p == NULL ? -1 : p - (br->base + br->off);
}

#endif /* WW_BYTES_H */
