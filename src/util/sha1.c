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

#include <string.h>

#include "util/sha1.h"

#define ROL(x, n)	((uint32_t)((x) << (n) | (x) >> (32 - (n))))

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * One 512-bit block (FIPS 180-4 6.1.2, the 80-word schedule in 16).
 * The 80 rounds are written out, the five working variables trading
 * names instead of values (R(a, b, c, d, e), then R(e, a, b, c, d),
 * ...): a flow record hashes one block, and the loop's per-round
 * branches and moves cost three times the hashing.
 */
#define F1(b, c, d)	((d) ^ ((b) & ((c) ^ (d))))		/* Ch */
#define F2(b, c, d)	((b) ^ (c) ^ (d))			/* Parity */
#define F3(b, c, d)	(((b) & (c)) | ((d) & ((b) | (c))))	/* Maj */
#define K1		0x5a827999u
#define K2		0x6ed9eba1u
#define K3		0x8f1bbcdcu
#define K4		0xca62c1d6u
/* word i of the schedule, made in place from i = 16 on */
#define SW(i)	((i) < 16 ? w[(i) & 15] : (w[(i) & 15] =		\
		    ROL(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^	\
		    w[((i) + 2) & 15] ^ w[(i) & 15], 1)))
#define R(a, b, c, d, e, f, k, i) do {					\
	(e) += ROL(a, 5) + f(b, c, d) + (k) + SW(i);			\
	(b) = ROL(b, 30);						\
} while (0)
#define R5(f, k, i) do {						\
	R(a, b, c, d, e, f, k, (i));					\
	R(e, a, b, c, d, f, k, (i) + 1);				\
	R(d, e, a, b, c, f, k, (i) + 2);				\
	R(c, d, e, a, b, f, k, (i) + 3);				\
	R(b, c, d, e, a, f, k, (i) + 4);				\
} while (0)

#if defined(__GNUC__) || defined(__clang__)
#define SHA1_INLINE	static inline __attribute__((always_inline))
#else
#define SHA1_INLINE	static inline
#endif

/*
 * The 80 rounds on the 16 words of a block, w (overwritten by the
 * schedule), into h.  Inlined into each caller, so that sha1() below,
 * which knows most of its words (padding, zeros, the length) at
 * compile time, has the compiler fold them out of the schedule and
 * the first rounds.
 */
SHA1_INLINE void
sha1_rounds(uint32_t h[5], uint32_t w[16])
{
	uint32_t a, b, c, d, e;

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	R5(F1, K1, 0);
	R5(F1, K1, 5);
	R5(F1, K1, 10);
	R5(F1, K1, 15);
	R5(F2, K2, 20);
	R5(F2, K2, 25);
	R5(F2, K2, 30);
	R5(F2, K2, 35);
	R5(F3, K3, 40);
	R5(F3, K3, 45);
	R5(F3, K3, 50);
	R5(F3, K3, 55);
	R5(F2, K4, 60);
	R5(F2, K4, 65);
	R5(F2, K4, 70);
	R5(F2, K4, 75);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void
sha1_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t w[16];
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

/* The digest from the state, big-endian. */
static void
sha1_put(const uint32_t h[5], uint8_t digest[SHA1_DIGEST_LEN])
{
	unsigned i;

	for (i = 0; i < 5; i++) {
		digest[4 * i] = (uint8_t)(h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)h[i];
	}
}

/*
 * A message of len bytes, len a multiple of 4 and at most 52, known
 * at compile time (each caller below is one length): its words are
 * read straight into the schedule, and the rest of the block, the
 * 0x80 byte, zeros and the length in bits (FIPS 180-4 5.1.1), are
 * constants that the compiler folds out of the schedule.  Over a
 * tenth fewer instructions than hashing the block made in memory.
 */
SHA1_INLINE void
sha1_words(const uint8_t *p, size_t len, uint8_t digest[SHA1_DIGEST_LEN])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
	    0xc3d2e1f0 };
	uint32_t w[16];
	size_t i;

	for (i = 0; i < 16; i++)
		w[i] = 0;
	for (i = 0; i < len / 4; i++)
		w[i] = be32(p + 4 * i);
	w[len / 4] = 0x80000000u;
	w[15] = (uint32_t)len * 8;
	sha1_rounds(h, w);
	sha1_put(h, digest);
}

/* Community ID's inputs: IPv4 and IPv6 with ports (communityid.c). */
static void
sha1_16(const uint8_t *p, uint8_t digest[SHA1_DIGEST_LEN])
{
	sha1_words(p, 16, digest);
}

static void
sha1_40(const uint8_t *p, uint8_t digest[SHA1_DIGEST_LEN])
{
	sha1_words(p, 40, digest);
}

/*
 * Input of at most 55 bytes fits one block with its padding (a
 * Community ID's is at most 40): the block is made here and hashed
 * once, with no context to fill, copy through and clear.  The two
 * lengths of nearly every flow's Community ID go the way above.
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
		sha1_16(data, digest);
		return;
	}
	if (len == 40) {
		sha1_40(data, digest);
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
