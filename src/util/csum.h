/*
 * csum.h - the Internet checksum (RFC 1071) for the decoder.
 *
 * csum_add() sums a buffer in the host's byte order, eight bytes at a
 * time, each carry added back in; the ones-complement sum does not care
 * in which order the bytes of a 16-bit word are added as long as every
 * part starts at an even offset of the checksummed data (RFC 1071 2(B)),
 * so callers sum the pseudo-header and the segment as separate parts.
 * csum_fold() folds to 16 bits and returns the sum in network order: a
 * packet is valid when the sum over it, checksum field included, folds
 * to 0xffff.
 */
#ifndef WW_CSUM_H
#define WW_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add n bytes at p (p at an even offset of the checksummed data). */
uint64_t	csum_add(uint64_t sum, const void *p, size_t n);
/*
 * The 16-bit ones-complement sum, not complemented, in network order.
 * Inline: every packet folds two sums.
 */
static inline uint16_t
csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	/*
	 * The sum of native-order words is the byte-swapped sum of
	 * network-order words (RFC 1071 2(B)): swap back on little-endian.
	 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	sum = ((sum & 0xff) << 8) | (sum >> 8);
#endif
	return (uint16_t)sum;
}

/*
 * Does a sum over data and its checksum field check out, that is, does
 * it fold to 0xffff?  Folding keeps the value modulo 0xffff (2^16 is 1
 * modulo 2^16 - 1, as is 2^32) and never makes 0 of a sum that is not
 * 0, and 0xffff is the one nonzero value of the fold that is 0 modulo
 * 0xffff, in either byte order: so a nonzero multiple of 0xffff is the
 * test, one multiply for the division by a constant instead of five
 * folding steps and a swap, for every packet's two checksums.
 */
static inline bool
csum_valid(uint64_t sum)
{
	return sum != 0 && sum % 0xffff == 0;
}

/*
 * Add n bytes at p, n a multiple of 4 and at most 64: an IPv4 header or
 * a pseudo-header, summed for every packet.  Inline, a 32-bit word a
 * step (the same sum modulo 0xffff as csum_add()'s): the call and the
 * set-up of csum_add() cost more than these few words.
 */
static inline uint64_t
csum_add_words(uint64_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t w;
	size_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		memcpy(&w, b + i, 4);
		sum += w;
	}
	return sum;
}

#endif /* WW_CSUM_H */
