/*
 * test-sha1.c - SHA-1 (src/util/sha1.c) against the test vectors of
 * RFC 3174 section 7.3, and against OpenSSL for every length up to
 * three blocks, fed whole and split at every position.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "util/sha1.h"

static void
hex(const uint8_t *d, char *out)
{
	size_t i;

	for (i = 0; i < SHA1_DIGEST_LEN; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/*
 * RFC 3174 7.3: TEST1 to TEST4, each string hashed 'repeat' times in
 * a row, as the RFC's test driver does.
 */
static void
test_sha1_rfc3174_vectors(void **state)
{
	static const struct {
		const char	*in;
		unsigned	 repeat;
		const char	*digest;
	} v[] = {
		{ "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
		{ "0123456701234567012345670123456701234567012345670123456701"
		    "234567", 10, "dea356a2cddd90c7a7ecedc5ebb563934f460452" },
	};
	struct sha1_ctx c;
	uint8_t d[SHA1_DIGEST_LEN];
	char h[2 * SHA1_DIGEST_LEN + 1];
	size_t i;
	unsigned r;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha1_init(&c);
		for (r = 0; r < v[i].repeat; r++)
			sha1_update(&c, v[i].in, strlen(v[i].in));
		sha1_final(&c, d);
		hex(d, h);
		assert_string_equal(h, v[i].digest);
	}
	/* The empty message (FIPS 180-4 example). */
	sha1("", 0, d);
	hex(d, h);
	assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

/*
 * Padding has three cases (room for the length in the last block, no
 * room, an exact block): every length up to 3 blocks covers them all.
 * Each is also fed in two pieces split at every position.
 */
static void
test_sha1_matches_openssl_every_split(void **state)
{
	uint8_t in[3 * SHA1_BLOCK_LEN + 1], want[EVP_MAX_MD_SIZE];
	uint8_t got[SHA1_DIGEST_LEN];
	struct sha1_ctx c;
	unsigned int wlen;
	size_t n, s;

	(void)state;
	for (n = 0; n < sizeof(in); n++)
		in[n] = (uint8_t)(n * 131 + 7);
	for (n = 0; n <= sizeof(in); n++) {
		assert_int_equal(EVP_Digest(in, n, want, &wlen, EVP_sha1(),
		    NULL), 1);
		assert_int_equal(wlen, SHA1_DIGEST_LEN);
		sha1(in, n, got);
		assert_memory_equal(got, want, SHA1_DIGEST_LEN);
		for (s = 0; s <= n; s++) {
			sha1_init(&c);
			sha1_update(&c, in, s);
			sha1_update(&c, in + s, n - s);
			sha1_final(&c, got);
			assert_memory_equal(got, want, SHA1_DIGEST_LEN);
		}
	}
}

/*
 * sha1_x4() or sha1_x8(): lanes of every length a block holds, each
 * lane a different message, against sha1() of each.  A lane mixed up
 * with another, or a padding byte in the wrong lane, shows.
 */
static void
lanes_match_sha1(unsigned nl)
{
	uint8_t buf[8][SHA1_X4_MAX], d[8][SHA1_DIGEST_LEN];
	uint8_t one[SHA1_DIGEST_LEN];
	const uint8_t *msg[8];
	size_t len[8], n, l, i;

	for (l = 0; l < nl; l++)
		for (i = 0; i < SHA1_X4_MAX; i++)
			buf[l][i] = (uint8_t)(i * 31 + l * 101 + 7);
	for (n = 0; n <= SHA1_X4_MAX; n++) {
		for (l = 0; l < nl; l++) {
			msg[l] = buf[l];
			/* Lengths differ between lanes too. */
			len[l] = (n + l * 13) % (SHA1_X4_MAX + 1);
		}
		memset(d, 0, sizeof(d));
		if (nl == 4)
			sha1_x4(msg, len, d);
		else
			sha1_x8(msg, len, d);
		for (l = 0; l < nl; l++) {
			sha1(msg[l], len[l], one);
			assert_memory_equal(d[l], one, SHA1_DIGEST_LEN);
		}
	}
}

static void
test_sha1_x4_matches_sha1(void **state)
{
	(void)state;
	lanes_match_sha1(4);
}

/* sha1_x8() both ways: two sha1_x4() calls, and AVX2 where the CPU
 * has it (each machine used to test only one of them). */
static void
test_sha1_x8_matches_sha1(void **state)
{
	(void)state;
	assert_false(sha1_x8_allow_avx2(false));
	lanes_match_sha1(8);
	if (!sha1_x8_allow_avx2(true))
		print_message("sha1_x8: no AVX2 here, one way tested\n");
	lanes_match_sha1(8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_rfc3174_vectors),
		cmocka_unit_test(test_sha1_matches_openssl_every_split),
		cmocka_unit_test(test_sha1_x4_matches_sha1),
		cmocka_unit_test(test_sha1_x8_matches_sha1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
