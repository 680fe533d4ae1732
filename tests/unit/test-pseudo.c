/*
 * test-pseudo.c - keyed pseudonyms of patient identifiers
 * (util/pseudo.h): the HMAC, the padding, on and off, the key file.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/pseudo.h"

static const char key1[] = "0123456789abcdef";

/* Known answers: HMAC-SHA-256 as Python's hmac computes it. */
static void
test_pseudo_vectors(void **state)
{
	char out[PSEUDO_HEX + 1];

	(void)state;
	pseudo_set_key(key1, 16);
	assert_true(pseudo_on());
	assert_true(pseudo_make("patient", "PAT-4711", 8, out));
	assert_string_equal(out, "dd2ee40b2064c7a6");
	assert_true(pseudo_make("study", "1.2.3.4", 7, out));
	assert_string_equal(out, "19b725d23158fcc2");
	/* The kind keeps equal identifiers of two kinds apart. */
	assert_true(pseudo_make("study", "PAT-4711", 8, out));
	assert_string_not_equal(out, "dd2ee40b2064c7a6");
	/* Another key, another pseudonym. */
	pseudo_set_key("fedcba9876543210", 16);
	assert_true(pseudo_make("patient", "PAT-4711", 8, out));
	assert_string_equal(out, "b81411b68bf23937");
	pseudo_set_key(NULL, 0);
}

/* DICOM pads with a space (or a NUL for UIDs): the same id. */
static void
test_pseudo_padding(void **state)
{
	char out[PSEUDO_HEX + 1];

	(void)state;
	pseudo_set_key(key1, 16);
	assert_true(pseudo_make("patient", " PAT-4711 ", 10, out));
	assert_string_equal(out, "dd2ee40b2064c7a6");
	assert_true(pseudo_make("study", "1.2.3.4\0", 8, out));
	assert_string_equal(out, "19b725d23158fcc2");
	assert_false(pseudo_make("patient", "    ", 4, out));
	assert_string_equal(out, "");
	assert_false(pseudo_make("patient", "", 0, out));
	pseudo_set_key(NULL, 0);
}

/* Off: nothing at all. */
static void
test_pseudo_off(void **state)
{
	char out[PSEUDO_HEX + 1] = "x";

	(void)state;
	pseudo_set_key(NULL, 0);
	assert_false(pseudo_on());
	assert_false(pseudo_make("patient", "PAT-4711", 8, out));
	assert_string_equal(out, "");
}

/* No key file: one is made in the state directory, 0600, and read
 * again by the next run; a short key file is refused. */
static void
test_pseudo_setup(void **state)
{
	char dir[] = "/tmp/test-pseudo.XXXXXX", path[256], err[256];
	char a[PSEUDO_HEX + 1], b[PSEUDO_HEX + 1];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pseudo_setup(NULL, dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, PSEUDO_KEY_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_true(pseudo_make("patient", "PAT-4711", 8, a));
	assert_string_not_equal(a, "dd2ee40b2064c7a6");
	assert_int_equal(pseudo_setup(NULL, dir, err, sizeof(err)), 0);
	assert_true(pseudo_make("patient", "PAT-4711", 8, b));
	assert_string_equal(a, b);
	/* A given key file, with its final newline. */
	snprintf(path, sizeof(path), "%s/given.key", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%s\n", key1);
	fclose(f);
	assert_int_equal(pseudo_setup(path, dir, err, sizeof(err)), 0);
	assert_true(pseudo_make("patient", "PAT-4711", 8, a));
	assert_string_equal(a, "dd2ee40b2064c7a6");
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "short\n");
	fclose(f);
	assert_int_equal(pseudo_setup(path, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shorter than 16"));
	assert_false(pseudo_on());
	unlink(path);
	assert_int_equal(pseudo_setup(path, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "given.key"));
	snprintf(path, sizeof(path), "%s/%s", dir, PSEUDO_KEY_FILE);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pseudo_vectors),
		cmocka_unit_test(test_pseudo_padding),
		cmocka_unit_test(test_pseudo_off),
		cmocka_unit_test(test_pseudo_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
