/*
 * sha1.h - SHA-1 (FIPS 180-4, RFC 3174) for Community ID.
 *
 * Self-contained and stateless between calls, so any thread may hash
 * at any time: no library lookup per call, nothing shared.  SHA-1 is
 * here because Community ID v1 is defined with it, not for security.
 */
#ifndef WW_SHA1_H
#define WW_SHA1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN	20
#define SHA1_BLOCK_LEN	64

struct sha1_ctx {
	uint32_t	 h[5];
	uint64_t	 len;		/* bytes hashed so far */
	uint8_t		 buf[SHA1_BLOCK_LEN];
	size_t		 nbuf;		/* bytes waiting in buf */
};

void	sha1_init(struct sha1_ctx *);
void	sha1_update(struct sha1_ctx *, const void *, size_t);
void	sha1_final(struct sha1_ctx *, uint8_t digest[SHA1_DIGEST_LEN]);
/* The three at once. */
void	sha1(const void *, size_t, uint8_t digest[SHA1_DIGEST_LEN]);
/*
 * Four messages of at most SHA1_X4_MAX bytes each (one block with its
 * padding), hashed side by side: digest[i] is sha1(msg[i], len[i]).
 */
#define SHA1_X4_MAX	(SHA1_BLOCK_LEN - 9)
void	sha1_x4(const uint8_t *const msg[4], const size_t len[4],
	    uint8_t digest[4][SHA1_DIGEST_LEN]);
/* Eight the same way: with AVX2 (asked at run time) in one pass. */
void	sha1_x8(const uint8_t *const msg[8], const size_t len[8],
	    uint8_t digest[8][SHA1_DIGEST_LEN]);
/* For tests: let sha1_x8() use AVX2 (the default) or make it two
 * sha1_x4() calls; whether it will use AVX2 now. */
bool	sha1_x8_allow_avx2(bool);

#endif /* WW_SHA1_H */
