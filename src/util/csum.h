/*
 * csum.h - the Internet checksum (RFC 1071) for the decoder.
 *
 * csum_add() sums a buffer in the host's byte order, eight bytes at a
 * time into 64-bit accumulators; the ones-complement sum does not care
 * in which order the bytes of a 16-bit word are added as long as every
 * part starts at an even offset of the checksummed data (RFC 1071 2(B)),
 * so callers sum the pseudo-header and the segment as separate parts.
 * csum_fold() folds to 16 bits and returns the sum in network order: a
 * packet is valid when the sum over it, checksum field included, folds
 * to 0xffff.
 */
#ifndef WW_CSUM_H
#define WW_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add n bytes at p (p at an even offset of the checksummed data). */
uint64_t	csum_add(uint64_t sum, const void *p, size_t n);
/* The 16-bit ones-complement sum, not complemented, in network order. */
uint16_t	csum_fold(uint64_t sum);

#endif /* WW_CSUM_H */
