/*
 * sha1.c - SHA-1 (FIPS 180-4 section 6.1, RFC 3174).
 *
 * Community ID hashes one short input (at most 40 bytes, one block)
 * per flow.  OpenSSL 3's SHA1() fetches the algorithm from its
 * provider registry on every call (EVP_Q_digest), which costs more
 * than hashing the block; this file does only the hashing.  Words are
 * read and written byte by byte, big-endian, so alignment and host
 * byte order never matter.
 */
#include <config.h>

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "util/sha1.h"

#define ROL(x, n)	((uint32_t)((x) << (n) | (x) >> (32 - (n))))

#if defined(__GNUC__) || defined(__clang__)
#define SHA1_INLINE	static inline __attribute__((always_inline))
#else
#define SHA1_INLINE	static inline
#endif

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * One 512-bit block (FIPS 180-4 6.1.2).  The 80 rounds are written
 * out, the five working variables trading names instead of values
 * (R(a, b, c, d, e), then R(e, a, b, c, d), ...): a flow record hashes
 * one block, and the loop's per-round branches and moves cost three
 * times the hashing.  Each round adds its word of the schedule with
 * its constant already added (wk), made before the rounds.
 */
#define F1(b, c, d)	((d) ^ ((b) & ((c) ^ (d))))		/* Ch */
#define F2(b, c, d)	((b) ^ (c) ^ (d))			/* Parity */
#define F3(b, c, d)	(((b) & (c)) | ((d) & ((b) | (c))))	/* Maj */
#define K1		0x5a827999u
#define K2		0x6ed9eba1u
#define K3		0x8f1bbcdcu
#define K4		0xca62c1d6u
#define R(a, b, c, d, e, f, i) do {					\
	(e) += ROL(a, 5) + f(b, c, d) + wk[i];				\
	(b) = ROL(b, 30);						\
} while (0)
#define R5(f, i) do {							\
	R(a, b, c, d, e, f, (i));					\
	R(e, a, b, c, d, f, (i) + 1);					\
	R(d, e, a, b, c, f, (i) + 2);					\
	R(c, d, e, a, b, f, (i) + 3);					\
	R(b, c, d, e, a, f, (i) + 4);					\
} while (0)

#if (defined(__GNUC__) || defined(__clang__)) && !defined(SHA1_SCALAR)
/*
 * The schedule four words at a time in the compiler's generic vectors
 * (SSE2 on x86-64, which valgrind runs; no SHA extensions): word by
 * word it was two fifths of a block's instructions.  Words 16 to 31
 * follow w[i] = ROL(w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16], 1), so the
 * fourth of each four needs the first: it is made with 0 in that
 * word's place, then given ROL(w[i], 1), what the 0 stood for.  From
 * 32 on the recurrence taken twice, w[i] = ROL(w[i-6] ^ w[i-16] ^
 * w[i-28] ^ w[i-32], 2), needs no word of its own four.
 */
typedef uint32_t sha1_v4 __attribute__((vector_size(16)));

static inline sha1_v4
sha1_v4_at(const uint32_t *p)
{
	sha1_v4 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#define S4_16(i, k) do {						\
	w[i] = 0;							\
	v = sha1_v4_at(w + (i) - 3) ^ sha1_v4_at(w + (i) - 8) ^		\
	    sha1_v4_at(w + (i) - 14) ^ sha1_v4_at(w + (i) - 16);	\
	v = v << 1 | v >> 31;						\
	memcpy(w + (i), &v, sizeof(v));					\
	w[(i) + 3] ^= ROL(w[i], 1);					\
	v = sha1_v4_at(w + (i)) + (k);					\
	memcpy(wk + (i), &v, sizeof(v));				\
} while (0)
#define S4_32(i, k) do {						\
	v = sha1_v4_at(w + (i) - 6) ^ sha1_v4_at(w + (i) - 16) ^	\
	    sha1_v4_at(w + (i) - 28) ^ sha1_v4_at(w + (i) - 32);	\
	v = v << 2 | v >> 30;						\
	memcpy(w + (i), &v, sizeof(v));					\
	v += (k);							\
	memcpy(wk + (i), &v, sizeof(v));				\
} while (0)

static inline void
sha1_schedule(uint32_t w[80], uint32_t wk[80])
{
	sha1_v4 v;
	int i;

	for (i = 0; i < 16; i += 4) {
		v = sha1_v4_at(w + i) + K1;
		memcpy(wk + i, &v, sizeof(v));
	}
	S4_16(16, K1);
	S4_16(20, K2);
	S4_16(24, K2);
	S4_16(28, K2);
	S4_32(32, K2);
	S4_32(36, K2);
	S4_32(40, K3);
	S4_32(44, K3);
	S4_32(48, K3);
	S4_32(52, K3);
	S4_32(56, K3);
	S4_32(60, K4);
	S4_32(64, K4);
	S4_32(68, K4);
	S4_32(72, K4);
	S4_32(76, K4);
}
#else
static inline void
sha1_schedule(uint32_t w[80], uint32_t wk[80])
{
	int i;

	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++)
		wk[i] = w[i] + (i < 20 ? K1 : i < 40 ? K2 : i < 60 ? K3 : K4);
}
#endif

/* The block's 16 words are w[0..15]; the rest of w is the schedule's.
 * Inlined into each caller: called, it costs a tenth more. */
SHA1_INLINE void
sha1_rounds(uint32_t h[5], uint32_t w[80])
{
	uint32_t wk[80], a, b, c, d, e;

	sha1_schedule(w, wk);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	R5(F1, 0);
	R5(F1, 5);
	R5(F1, 10);
	R5(F1, 15);
	R5(F2, 20);
	R5(F2, 25);
	R5(F2, 30);
	R5(F2, 35);
	R5(F3, 40);
	R5(F3, 45);
	R5(F3, 50);
	R5(F3, 55);
	R5(F2, 60);
	R5(F2, 65);
	R5(F2, 70);
	R5(F2, 75);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void
sha1_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t w[80];
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = be32(blk + 4 * i);
	sha1_rounds(h, w);
}

void
sha1_init(struct sha1_ctx *c)
{
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->h[4] = 0xc3d2e1f0;
	c->len = 0;
	c->nbuf = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	c->len += len;
	if (c->nbuf > 0) {
		n = SHA1_BLOCK_LEN - c->nbuf;
		if (n > len)
			n = len;
		memcpy(c->buf + c->nbuf, p, n);
		c->nbuf += n;
		p += n;
		len -= n;
		if (c->nbuf < SHA1_BLOCK_LEN)
			return;
		sha1_block(c->h, c->buf);
		c->nbuf = 0;
	}
	for (; len >= SHA1_BLOCK_LEN; p += SHA1_BLOCK_LEN,
	    len -= SHA1_BLOCK_LEN)
		sha1_block(c->h, p);
	if (len > 0) {
		memcpy(c->buf, p, len);
		c->nbuf = len;
	}
}

/* Padding (FIPS 180-4 5.1.1): 0x80, zeros, the length in bits. */
void
sha1_final(struct sha1_ctx *c, uint8_t digest[SHA1_DIGEST_LEN])
{
	uint64_t bits = c->len * 8;
	unsigned i;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > SHA1_BLOCK_LEN - 8) {
		memset(c->buf + c->nbuf, 0, SHA1_BLOCK_LEN - c->nbuf);
		sha1_block(c->h, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, SHA1_BLOCK_LEN - 8 - c->nbuf);
	for (i = 0; i < 8; i++)
		c->buf[SHA1_BLOCK_LEN - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha1_block(c->h, c->buf);
	for (i = 0; i < 5; i++) {
		digest[4 * i] = (uint8_t)(c->h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)c->h[i];
	}
	memset(c, 0, sizeof(*c));
}

/* The digest from the state, big-endian: a word a store where the
 * compiler can swap bytes, else byte by byte. */
static void
sha1_put(const uint32_t h[5], uint8_t digest[SHA1_DIGEST_LEN])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
	uint32_t x;

	x = __builtin_bswap32(h[0]);
	memcpy(digest, &x, 4);
	x = __builtin_bswap32(h[1]);
	memcpy(digest + 4, &x, 4);
	x = __builtin_bswap32(h[2]);
	memcpy(digest + 8, &x, 4);
	x = __builtin_bswap32(h[3]);
	memcpy(digest + 12, &x, 4);
	x = __builtin_bswap32(h[4]);
	memcpy(digest + 16, &x, 4);
#else
	unsigned i;

	for (i = 0; i < 5; i++) {
		digest[4 * i] = (uint8_t)(h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)h[i];
	}
#endif
}

/*
 * A message of whole words, len a multiple of 4 and at most 52, known
 * at compile time: its words are read straight into the schedule, then
 * the 0x80 byte, zeros and the length in bits (FIPS 180-4 5.1.1), with
 * no block made in memory first, the loops folded away.
 */
SHA1_INLINE void
sha1_words(const uint8_t *p, size_t len, uint8_t digest[SHA1_DIGEST_LEN])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
	    0xc3d2e1f0 };
	uint32_t w[80];
	size_t i;

	for (i = 0; i < len / 4; i++)
		w[i] = be32(p + 4 * i);
	w[i++] = 0x80000000u;
	for (; i < 15; i++)
		w[i] = 0;
	w[15] = (uint32_t)len * 8;
	sha1_rounds(h, w);
	sha1_put(h, digest);
}

/*
 * Input of at most 55 bytes fits one block with its padding (a
 * Community ID's is at most 40): the block is made here and hashed
 * once, with no context to fill, copy through and clear.  The inputs
 * of TCP, UDP and SCTP flows' IDs, IPv4 and IPv6 (16 and 40 bytes),
 * are hashed from their words.
 */
void
sha1(const void *data, size_t len, uint8_t digest[SHA1_DIGEST_LEN])
{
	struct sha1_ctx c;
	uint8_t blk[SHA1_BLOCK_LEN];
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
	    0xc3d2e1f0 };
	uint64_t bits = (uint64_t)len * 8;

	if (len == 16) {
		sha1_words(data, 16, digest);
		return;
	}
	if (len == 40) {
		sha1_words(data, 40, digest);
		return;
	}
	if (len <= SHA1_BLOCK_LEN - 9) {
		memset(blk, 0, sizeof(blk));
		if (len > 0)
			memcpy(blk, data, len);
		blk[len] = 0x80;
		blk[SHA1_BLOCK_LEN - 2] = (uint8_t)(bits >> 8);
		blk[SHA1_BLOCK_LEN - 1] = (uint8_t)bits;
		sha1_block(h, blk);
		sha1_put(h, digest);
		return;
	}
	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, digest);
}

/*
 * Four one-block messages side by side: lane i of every vector holds
 * message i's word, so one vector instruction does a step of four
 * hashes (SSE2 on x86-64, which valgrind runs; the compiler splits the
 * vectors elsewhere).  A flow table ends its flows in runs, and their
 * Community IDs are hashed four at a time: per hash, a quarter of the
 * rounds' instructions.  The schedule is made in place, sixteen words
 * deep.
 */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(SHA1_SCALAR)
#define VROL(x, n)	((x) << (n) | (x) >> (32 - (n)))
#define VR(a, b, c, d, e, f, k, i) do {					\
	if ((i) >= 16)							\
		x[(i) & 15] = VROL(x[((i) - 3) & 15] ^ x[((i) - 8) & 15] ^ \
		    x[((i) - 14) & 15] ^ x[(i) & 15], 1);		\
	(e) += VROL(a, 5) + f(b, c, d) + x[(i) & 15] + (k);		\
	(b) = VROL(b, 30);						\
} while (0)
#define VR5(f, k, i) do {						\
	VR(a, b, c, d, e, f, k, (i));					\
	VR(e, a, b, c, d, f, k, (i) + 1);				\
	VR(d, e, a, b, c, f, k, (i) + 2);				\
	VR(c, d, e, a, b, f, k, (i) + 3);				\
	VR(b, c, d, e, a, f, k, (i) + 4);				\
} while (0)

/*
 * The body of sha1_x4() and sha1_x8(): N lanes in vectors of type VT,
 * the block's word i of every lane loaded by LOADW(i).  One body for
 * both, as a macro: the vector types differ.
 */
#define SHA1_XN(VT, N, LOADW) do {					\
	uint8_t blk[N][SHA1_BLOCK_LEN];					\
	uint32_t out[5][N];						\
	VT x[16], a, b, c, d, e;					\
	uint64_t bits;							\
	unsigned i, l;							\
									\
	for (l = 0; l < (N); l++) {					\
		assert(len[l] <= SHA1_X4_MAX);				\
		memset(blk[l], 0, SHA1_BLOCK_LEN);			\
		if (len[l] > 0)						\
			memcpy(blk[l], msg[l], len[l]);			\
		blk[l][len[l]] = 0x80;					\
		bits = (uint64_t)len[l] * 8;				\
		blk[l][SHA1_BLOCK_LEN - 2] = (uint8_t)(bits >> 8);	\
		blk[l][SHA1_BLOCK_LEN - 1] = (uint8_t)bits;		\
	}								\
	for (i = 0; i < 16; i++)					\
		x[i] = LOADW(i);					\
	a = (VT){ 0 } + 0x67452301u;					\
	b = (VT){ 0 } + 0xefcdab89u;					\
	c = (VT){ 0 } + 0x98badcfeu;					\
	d = (VT){ 0 } + 0x10325476u;					\
	e = (VT){ 0 } + 0xc3d2e1f0u;					\
	VR5(F1, K1, 0);							\
	VR5(F1, K1, 5);							\
	VR5(F1, K1, 10);						\
	VR5(F1, K1, 15);						\
	VR5(F2, K2, 20);						\
	VR5(F2, K2, 25);						\
	VR5(F2, K2, 30);						\
	VR5(F2, K2, 35);						\
	VR5(F3, K3, 40);						\
	VR5(F3, K3, 45);						\
	VR5(F3, K3, 50);						\
	VR5(F3, K3, 55);						\
	VR5(F2, K4, 60);						\
	VR5(F2, K4, 65);						\
	VR5(F2, K4, 70);						\
	VR5(F2, K4, 75);						\
	a += 0x67452301u;						\
	b += 0xefcdab89u;						\
	c += 0x98badcfeu;						\
	d += 0x10325476u;						\
	e += 0xc3d2e1f0u;						\
	memcpy(out[0], &a, sizeof(a));					\
	memcpy(out[1], &b, sizeof(b));					\
	memcpy(out[2], &c, sizeof(c));					\
	memcpy(out[3], &d, sizeof(d));					\
	memcpy(out[4], &e, sizeof(e));					\
	for (l = 0; l < (N); l++) {					\
		uint32_t h[5];						\
									\
		for (i = 0; i < 5; i++)					\
			h[i] = out[i][l];				\
		sha1_put(h, digest[l]);					\
	}								\
} while (0)

#define LOADW4(i)	((sha1_v4){ be32(blk[0] + 4 * (i)),		\
	be32(blk[1] + 4 * (i)), be32(blk[2] + 4 * (i)),			\
	be32(blk[3] + 4 * (i)) })

void
sha1_x4(const uint8_t *const msg[4], const size_t len[4],
    uint8_t digest[4][SHA1_DIGEST_LEN])
{
	SHA1_XN(sha1_v4, 4, LOADW4);
}

#if defined(__x86_64__) && defined(__GNUC__) && \
    (__GNUC__ >= 6 || defined(__clang__))
/*
 * Eight lanes where the CPU has AVX2 (asked at run time; valgrind
 * emulates it): half the instructions of two sha1_x4() calls, and the
 * three-operand forms need no copies.
 */
typedef uint32_t sha1_v8 __attribute__((vector_size(32)));

#define LOADW8(i)	((sha1_v8){ be32(blk[0] + 4 * (i)),		\
	be32(blk[1] + 4 * (i)), be32(blk[2] + 4 * (i)),			\
	be32(blk[3] + 4 * (i)), be32(blk[4] + 4 * (i)),			\
	be32(blk[5] + 4 * (i)), be32(blk[6] + 4 * (i)),			\
	be32(blk[7] + 4 * (i)) })

__attribute__((target("avx2"))) static void
sha1_x8_avx2(const uint8_t *const msg[8], const size_t len[8],
    uint8_t digest[8][SHA1_DIGEST_LEN])
{
	SHA1_XN(sha1_v8, 8, LOADW8);
}

static bool
sha1_have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#define SHA1_X8_AVX2	1
#endif

static bool x8_avx2_allowed = true;

bool
sha1_x8_allow_avx2(bool allow)
{
	x8_avx2_allowed = allow;
#ifdef SHA1_X8_AVX2
	return allow && sha1_have_avx2();
#else
	return false;
#endif
}

void
sha1_x8(const uint8_t *const msg[8], const size_t len[8],
    uint8_t digest[8][SHA1_DIGEST_LEN])
{
#ifdef SHA1_X8_AVX2
	if (x8_avx2_allowed && sha1_have_avx2()) {
		sha1_x8_avx2(msg, len, digest);
		return;
	}
#endif
	sha1_x4(msg, len, digest);
	sha1_x4(msg + 4, len + 4, digest + 4);
}
#else
void
sha1_x4(const uint8_t *const msg[4], const size_t len[4],
    uint8_t digest[4][SHA1_DIGEST_LEN])
{
	unsigned l;

	for (l = 0; l < 4; l++)
		sha1(msg[l], len[l], digest[l]);
}

void
sha1_x8(const uint8_t *const msg[8], const size_t len[8],
    uint8_t digest[8][SHA1_DIGEST_LEN])
{
	sha1_x4(msg, len, digest);
	sha1_x4(msg + 4, len + 4, digest + 4);
}

bool
sha1_x8_allow_avx2(bool allow)
{
	(void)allow;
	return false;
}
#endif
