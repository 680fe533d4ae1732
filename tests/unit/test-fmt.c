/*
 * test-fmt.c - util/fmt.h against snprintf(): every power of 10 and
 * of 16 and its neighbours, 0, UINT32_MAX and UINT64_MAX, random
 * values of every length, every hex width, and the truncation of a
 * bounded copy at every buffer size.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/fmt.h"

/* 0, 1, every power of 10 and of 16 with its neighbours, the maxima. */
static size_t
edge_values(uint64_t *v, size_t max)
{
	uint64_t p;
	size_t n = 0;
	int i;

	v[n++] = 0;
	v[n++] = UINT16_MAX;
	v[n++] = UINT32_MAX - 1;
	v[n++] = UINT32_MAX;
	v[n++] = (uint64_t)UINT32_MAX + 1;
	v[n++] = UINT64_MAX;
	v[n++] = UINT64_MAX - 1;
	for (p = 1, i = 0; i < 20; i++, p *= 10) {
		v[n++] = p - 1;
		v[n++] = p;
		v[n++] = p + 1;
	}
	/* Every bit length's edges (the digit count comes from it). */
	for (i = 0; i < 64; i++) {
		p = (uint64_t)1 << i;
		v[n++] = p - 1;
		v[n++] = p;
		v[n++] = p + 1;
	}
	assert_true(n <= max);
	return n;
}

static void
test_fmt_uint_as_snprintf(void **state)
{
	uint64_t v[320];
	size_t n = edge_values(v, 320), i, k;
	char want[32], got[32];

	(void)state;
	for (i = 0; i < n; i++) {
		int w = snprintf(want, sizeof(want), "%llu",
		    (unsigned long long)v[i]);

		memset(got, 'x', sizeof(got));
		k = fmt_uint(got, v[i]);
		assert_int_equal(k, (size_t)w);
		assert_true(k <= FMT_UINT_MAX);
		assert_memory_equal(got, want, k);
		assert_int_equal(got[k], 'x');		/* no byte past */
	}
	for (i = 0; i <= 100000; i++) {			/* every u16 and more */
		int w = snprintf(want, sizeof(want), "%zu", i);

		k = fmt_uint(got, i);
		assert_int_equal(k, (size_t)w);
		assert_memory_equal(got, want, k);
	}
}

/* xorshift64: the same values every run. */
static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * The one decimal writer's parts (fmt_uint_len(), fmt_uint_back(),
 * the right-aligned form jsonw_fmt_u64() takes) agree with snprintf()
 * at every edge and for random values of every length: a chunk of 8
 * digits with zeros inside ("100000000", "10000000000000000") is where
 * a writer that skips leading zeros per chunk goes wrong.
 */
static void
test_fmt_uint_back_and_len(void **state)
{
	uint64_t v[320], x = 0x9e3779b97f4a7c15ull, r;
	size_t n = edge_values(v, 320), i, k;
	char want[32], got[32], *p;

	(void)state;
	for (i = 0; i < n + 200000; i++) {
		int w;

		if (i < n)
			r = v[i];
		else	/* every bit length alike, not mostly 20 digits */
			r = next_rand(&x) >> (next_rand(&x) % 64);
		w = snprintf(want, sizeof(want), "%llu",
		    (unsigned long long)r);
		assert_int_equal(fmt_uint_len(r), (size_t)w);
		memset(got, 'x', sizeof(got));
		p = fmt_uint_back(got + 1 + FMT_UINT_MAX, r);
		assert_ptr_equal(p, got + 1 + FMT_UINT_MAX - w);
		assert_memory_equal(p, want, (size_t)w);
		assert_int_equal(p[-1], 'x');	/* no byte before */
		assert_int_equal(got[1 + FMT_UINT_MAX], 'x');
		memset(got, 'x', sizeof(got));
		k = fmt_uint(got, r);
		assert_int_equal(k, (size_t)w);
		assert_memory_equal(got, want, k);
		assert_int_equal(got[k], 'x');
	}
}

/* fmt_d2(): both digits, leading zero kept, for every value below 100. */
static void
test_fmt_d2_every_value(void **state)
{
	char want[8], got[4];
	unsigned i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(want, sizeof(want), "%02u", i);
		memset(got, 'x', sizeof(got));
		assert_ptr_equal(fmt_d2(got, i), got + 2);
		assert_memory_equal(got, want, 2);
		assert_int_equal(got[2], 'x');
	}
}

static void
test_fmt_hex_as_snprintf(void **state)
{
	uint64_t v[320];
	size_t n = edge_values(v, 320), i, k;
	unsigned width;
	char want[32], got[32];

	(void)state;
	for (width = 0; width <= FMT_HEX_MAX; width++)
		for (i = 0; i < n; i++) {
			int w = snprintf(want, sizeof(want), "%0*llx",
			    (int)width, (unsigned long long)v[i]);

			memset(got, 'x', sizeof(got));
			k = fmt_hex(got, v[i], width);
			assert_int_equal(k, (size_t)w);
			assert_true(k <= FMT_HEX_MAX);
			assert_memory_equal(got, want, k);
			assert_int_equal(got[k], 'x');
		}
	for (i = 0; i <= 0x10000; i++) {
		snprintf(want, sizeof(want), "%04zx", i);
		k = fmt_hex(got, i, 4);
		assert_int_equal(k, strlen(want));
		assert_memory_equal(got, want, k);
		snprintf(want, sizeof(want), "%zx", i);
		k = fmt_hex(got, i, 0);
		assert_int_equal(k, strlen(want));
		assert_memory_equal(got, want, k);
	}
}

/* The whole buffer, canaries included, as snprintf() leaves it. */
static void
test_fmt_put_truncates_as_snprintf(void **state)
{
	static const char *const s[] = {
		"", "7", "65535", "18446744073709551615", "4865-4866-4867",
	};
	char want[40], got[40];
	size_t i, size, n;

	(void)state;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		n = strlen(s[i]);
		for (size = 0; size <= n + 2; size++) {
			int w;

			memset(want, 'x', sizeof(want));
			memset(got, 'x', sizeof(got));
			w = snprintf(want + 1, size, "%s", s[i]);
			assert_int_equal(fmt_put(got + 1, size, s[i], n),
			    (size_t)w);
			assert_memory_equal(got, want, sizeof(want));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_uint_as_snprintf),
		cmocka_unit_test(test_fmt_uint_back_and_len),
		cmocka_unit_test(test_fmt_d2_every_value),
		cmocka_unit_test(test_fmt_hex_as_snprintf),
		cmocka_unit_test(test_fmt_put_truncates_as_snprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
