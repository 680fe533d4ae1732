/*
 * util/word.h - bytes of a 64-bit word tested at once (the "has zero
 * byte" trick): parsers scan a field 8 bytes at a time where a call to
 * memchr() and its set-up cost more than the search.
 *
 * Each returns the high bit of every byte flagged.  Whether any byte
 * is flagged is exact; so is the lowest flagged byte (borrows only
 * reach bytes above a true one), which on a little-endian load is the
 * first in memory: __builtin_ctzll(m) / 8.  Bytes above it may be
 * flagged wrongly.  And words loaded big-endian, to compare as bytes.
 */
#ifndef WW_UTIL_WORD_H
#define WW_UTIL_WORD_H

#include <stdint.h>
#include <string.h>

#define WORD_ONES	0x0101010101010101ull
#define WORD_HIGHS	0x8080808080808080ull

/* Bytes equal to c. */
static inline uint64_t
word_eq(uint64_t w, uint8_t c)
{
	uint64_t x = w ^ WORD_ONES * c;

	return (x - WORD_ONES) & ~x & WORD_HIGHS;
}

/* Bytes equal to c, each exactly (no byte flagged wrongly): for a
 * caller that goes through every byte flagged, not only the first. */
static inline uint64_t
word_eq_exact(uint64_t w, uint8_t c)
{
	uint64_t x = w ^ WORD_ONES * c;

	return ~(((x & ~WORD_HIGHS) + ~WORD_HIGHS) | x) & WORD_HIGHS;
}

/* Bytes below n, for n at most 0x80. */
static inline uint64_t
word_below(uint64_t w, uint8_t n)
{
	return (w - WORD_ONES * n) & ~w & WORD_HIGHS;
}

/* Control bytes: below 0x20, or DEL. */
static inline uint64_t
word_ctl(uint64_t w)
{
	return word_below(w, 0x20) | word_eq(w, 0x7f);
}

/* Big-endian loads: compared as numbers, they sort as memcmp() does
 * (addresses in a flow's key, a rule's address ranges). */
static inline uint32_t
word_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t
word_be64(const uint8_t *b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, b, 8);
	return __builtin_bswap64(v);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint64_t v;

	memcpy(&v, b, 8);
	return v;
#else
	/* A compiler that does not say its byte order: by shifts. */
	return (uint64_t)word_be32(b) << 32 | word_be32(b + 4);
#endif
}

#endif /* WW_UTIL_WORD_H */
