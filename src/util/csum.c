/*
 * csum.c - the Internet checksum, summed as 64-bit words.
 *
 * A ones-complement sum of 64-bit words, each carry out added back in
 * (RFC 1071 2(C)), folds to the same 16-bit sum as the 16-bit words it
 * holds, because 2^16 - 1 divides 2^64 - 1.  On x86-64 the loop is one
 * add-with-carry a word, the carry flag chained through the block, as
 * Linux's csum_partial(); C compilers do not chain it (they rebuild the
 * carry with setc, three instructions a word).  Elsewhere, and for the
 * last words, the carry is added back in C.  Loads go through memcpy,
 * so packets need no alignment.
 */
#include <config.h>

#include <string.h>

#include "util/csum.h"

/*
 * The add-with-carry loop is assembly, and AddressSanitizer does not
 * see loads made in assembly: under a sanitizer the C loop below sums
 * everything, so a caller's length bug is still caught by the fuzzers.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CSUM_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CSUM_SANITIZED 1
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(CSUM_SANITIZED)
#define CSUM_ASM 1
#else
#define CSUM_ASM 0
#endif

/* a + w with the carry out added back in (ones-complement addition). */
static inline uint64_t
add_carry(uint64_t a, uint64_t w)
{
	a += w;
	return a + (a < w);
}

uint64_t
csum_add(uint64_t sum, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint64_t a = 0, w;

#if CSUM_ASM
	if (n >= 64) {
		size_t blocks = n / 64;

		__asm__(
		    "clc\n"
		    "1:\n\t"
		    "adcq 0(%[p]), %[a]\n\t"
		    "adcq 8(%[p]), %[a]\n\t"
		    "adcq 16(%[p]), %[a]\n\t"
		    "adcq 24(%[p]), %[a]\n\t"
		    "adcq 32(%[p]), %[a]\n\t"
		    "adcq 40(%[p]), %[a]\n\t"
		    "adcq 48(%[p]), %[a]\n\t"
		    "adcq 56(%[p]), %[a]\n\t"
		    "leaq 64(%[p]), %[p]\n\t"	/* lea and dec keep CF */
		    "decq %[b]\n\t"
		    "jnz 1b\n\t"
		    "adcq $0, %[a]"
		    : [a] "+r" (a), [p] "+r" (p), [b] "+r" (blocks)
		    :
		    : "cc", "memory");
		n &= 63;
	}
#endif
	while (n >= 8) {
		memcpy(&w, p, 8);
		a = add_carry(a, w);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		/* The last bytes as a word padded with zeros. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint32_t u = 0;
		uint16_t h = 0;
		unsigned o = 0;

		w = 0;
		if (n & 4) {
			memcpy(&u, p, 4);
			w = u;
			o = 4;
		}
		if (n & 2) {
			memcpy(&h, p + o, 2);
			w |= (uint64_t)h << (8 * o);
			o += 2;
		}
		if (n & 1)
			w |= (uint64_t)p[o] << (8 * o);
#else
		uint8_t t[8] = { 0 };
		size_t i;

		for (i = 0; i < n; i++)
			t[i] = p[i];
		memcpy(&w, t, 8);
#endif
		a = add_carry(a, w);
	}
	/* Fold before adding so the caller's running sum cannot wrap. */
	return sum + (a & 0xffffffffu) + (a >> 32);
}
