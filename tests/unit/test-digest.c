/*
 * test-digest.c - util_digest() (src/util/digest.c): the FIPS 180 and
 * RFC 1321 test vectors, an empty input, a bad algorithm, and the same
 * answers from several threads at once (the implementations are
 * fetched once, by whichever thread comes first).
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "util/digest.h"

static void
hex(char *out, const uint8_t *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

static const struct {
	enum util_md	 md;
	const char	*in;
	const char	*out;
} vectors[] = {
	{ UTIL_MD5, "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ UTIL_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ UTIL_MD5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ UTIL_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ UTIL_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ UTIL_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad" },
	{ UTIL_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855" },
};

static void
test_digest_vectors(void **unused)
{
	uint8_t md[UTIL_MD_SIZE];
	char h[2 * UTIL_MD_SIZE + 1];
	size_t i;
	unsigned n;

	(void)unused;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		n = util_digest(vectors[i].md, vectors[i].in,
		    strlen(vectors[i].in), md);
		assert_int_equal(n, strlen(vectors[i].out) / 2);
		hex(h, md, n);
		assert_string_equal(h, vectors[i].out);
	}
	assert_int_equal(util_digest(UTIL_MD_MAX, "abc", 3, md), 0);
	assert_int_equal(util_digest((enum util_md)-1, "abc", 3, md), 0);
}

static void *
thread_run(void *arg)
{
	uint8_t md[UTIL_MD_SIZE];
	char h[2 * UTIL_MD_SIZE + 1];
	int i, *bad = arg;

	for (i = 0; i < 2000; i++) {
		if (util_digest(UTIL_SHA256, "abc", 3, md) != 32)
			(*bad)++;
		hex(h, md, 32);
		if (strcmp(h, vectors[5].out) != 0)
			(*bad)++;
	}
	return NULL;
}

static void
test_digest_threads(void **unused)
{
	pthread_t t[4];
	int bad[4] = { 0 }, i;

	(void)unused;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_run,
		    &bad[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(bad[i], 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_threads),
		cmocka_unit_test(test_digest_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
