/*
 * csum.c - the Internet checksum, sixteen bytes per step with SSE2,
 * else eight.
 *
 * Each 64-bit load is split into its two 32-bit halves, added to two
 * 64-bit accumulators: 2^32 loads before they could overflow, far more
 * than any packet.  Loads go through memcpy, so packets need no
 * alignment; compilers turn it into a plain load.
 */
#include <config.h>

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/csum.h"

uint64_t
csum_add(uint64_t sum, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint64_t a = 0, b = 0, w;
	uint16_t h;

#ifdef __SSE2__
	/*
	 * Sixteen bytes a step: the four 32-bit words widened to 64-bit
	 * lanes, half the instructions of the loop below (decode checks
	 * every packet's checksums).
	 */
	if (n >= 64) {
		__m128i z = _mm_setzero_si128(), s0 = z, s1 = z, v;
		uint64_t l[2];

		while (n >= 32) {
			v = _mm_loadu_si128((const void *)p);
			s0 = _mm_add_epi64(s0, _mm_unpacklo_epi32(v, z));
			s1 = _mm_add_epi64(s1, _mm_unpackhi_epi32(v, z));
			v = _mm_loadu_si128((const void *)(p + 16));
			s0 = _mm_add_epi64(s0, _mm_unpacklo_epi32(v, z));
			s1 = _mm_add_epi64(s1, _mm_unpackhi_epi32(v, z));
			p += 32;
			n -= 32;
		}
		_mm_storeu_si128((void *)l, _mm_add_epi64(s0, s1));
		a = l[0];
		b = l[1];
	}
#endif
	while (n >= 32) {
		memcpy(&w, p, 8);
		a += w & 0xffffffffu;
		b += w >> 32;
		memcpy(&w, p + 8, 8);
		a += w & 0xffffffffu;
		b += w >> 32;
		memcpy(&w, p + 16, 8);
		a += w & 0xffffffffu;
		b += w >> 32;
		memcpy(&w, p + 24, 8);
		a += w & 0xffffffffu;
		b += w >> 32;
		p += 32;
		n -= 32;
	}
	while (n >= 8) {
		memcpy(&w, p, 8);
		a += w & 0xffffffffu;
		b += w >> 32;
		p += 8;
		n -= 8;
	}
	while (n >= 2) {
		memcpy(&h, p, 2);
		a += h;
		p += 2;
		n -= 2;
	}
	if (n == 1) {
		/* The odd byte is the high byte of a word padded with 0. */
		h = 0;
		memcpy(&h, p, 1);
		a += h;
	}
	/* Fold before adding so the caller's running sum cannot wrap. */
	a = (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
	return sum + a;
}

uint16_t
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
