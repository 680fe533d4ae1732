/*
 * test-util.c - SipHash against the reference vectors, bounded number
 * parsing, strlcpy/strlcat truncation, time and address formatting.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/util.h"
#include "util/word.h"

/*
 * SipHash-2-4 reference vectors (Aumasson and Bernstein, vectors.h of
 * the reference implementation): key 00 01 .. 0f, message 00 01 ..
 * (n-1), output as the little-endian bytes of the 64-bit result.
 */
static const uint8_t sip_vectors[16][8] = {
	{ 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 },
	{ 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 },
	{ 0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d },
	{ 0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85 },
	{ 0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf },
	{ 0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18 },
	{ 0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb },
	{ 0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab },
	{ 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 },
	{ 0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e },
	{ 0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a },
	{ 0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4 },
	{ 0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75 },
	{ 0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14 },
	{ 0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7 },
	{ 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 },
};

static void
test_util_siphash_reference_vectors(void **state)
{
	struct sipkey key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	struct sipkey det;
	uint8_t msg[16];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (n = 0; n < 16; n++) {
		uint64_t want = 0, got = siphash24(&key, msg, n);

		for (i = 0; i < 8; i++)
			want |= (uint64_t)sip_vectors[n][i] << (8 * i);
		if (got != want)
			fail_msg("length %zu: got %016llx, want %016llx", n,
			    (unsigned long long)got, (unsigned long long)want);
	}
	/* The paper's worked example: 15 bytes, a129ca6149be45e5. */
	assert_true(siphash24(&key, msg, 15) == 0xa129ca6149be45e5ULL);

	/* The deterministic key is the reference key. */
	sipkey_init(&det, true);
	assert_true(det.k0 == key.k0 && det.k1 == key.k1);
	/* Random keys differ (2^-128 chance of a false failure). */
	sipkey_init(&key, false);
	sipkey_init(&det, false);
	assert_false(det.k0 == key.k0 && det.k1 == key.k1);
}

/* siphash13_words() is siphash13() of the words' little-endian bytes. */
static void
test_util_siphash13_words(void **state)
{
	struct sipkey key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint64_t w[8], x = 0x9e3779b97f4a7c15ULL;
	uint8_t b[64];
	size_t n, i, j;

	(void)state;
	for (n = 0; n <= 8; n++) {
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[i] = x;
			for (j = 0; j < 8; j++)
				b[8 * i + j] = (uint8_t)(x >> (8 * j));
		}
		assert_true(siphash13_words(&key, w, n) ==
		    siphash13(&key, b, 8 * n));
	}
	/* Another key, another value. */
	assert_true(siphash13_words(&key, w, 3) !=
	    siphash13_words(&(struct sipkey){ 1, 2 }, w, 3));
}

static void
test_util_parse_uint(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 min, max;
		int		 ok;
		uint64_t	 v;
		const char	*err;
	} t[] = {
		{ "0", 0, 10, 0, 0, NULL },
		{ "10", 0, 10, 0, 10, NULL },
		{ "11", 0, 10, -1, 0, "too large" },
		{ "4", 5, 10, -1, 0, "too small" },
		{ "5", 5, 10, 0, 5, NULL },
		{ "007", 0, 10, 0, 7, NULL },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
		{ "18446744073709551616", 0, UINT64_MAX, -1, 0, "too large" },
		{ "99999999999999999999", 0, UINT64_MAX, -1, 0, "too large" },
		{ "", 0, 10, -1, 0, "invalid" },
		{ "-1", 0, 10, -1, 0, "invalid" },
		{ "+1", 0, 10, -1, 0, "invalid" },
		{ " 1", 0, 10, -1, 0, "invalid" },
		{ "1 ", 0, 10, -1, 0, "invalid" },
		{ "12a", 0, 100, -1, 0, "invalid" },
		{ "0x10", 0, 100, -1, 0, "invalid" },
		{ "1.5", 0, 100, -1, 0, "invalid" },
		{ "1e3", 0, 10000, -1, 0, "invalid" },
	};
	uint64_t v;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		if (parse_uint(t[i].s, t[i].min, t[i].max, &v, &err) !=
		    t[i].ok)
			fail_msg("\"%s\": wrong result", t[i].s);
		if (t[i].ok == 0) {
			assert_null(err);
			assert_true(v == t[i].v);
		} else {
			assert_non_null(err);
			assert_string_equal(err, t[i].err);
			assert_true(v == 12345);	/* untouched */
		}
	}
	assert_int_equal(parse_uint(NULL, 0, 1, &v, &err), -1);
	assert_string_equal(err, "invalid");
}

static void
test_util_parse_size(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 min, max;
		int		 ok;
		uint64_t	 v;
	} t[] = {
		{ "4096", 0, UINT64_MAX, 0, 4096 },
		{ "0", 0, UINT64_MAX, 0, 0 },
		{ "512kb", 0, UINT64_MAX, 0, 512 << 10 },
		{ "4k", 0, UINT64_MAX, 0, 4 << 10 },
		{ "64mb", 0, UINT64_MAX, 0, 64ULL << 20 },
		{ "64MB", 0, UINT64_MAX, 0, 64ULL << 20 },
		{ "64MiB", 0, UINT64_MAX, 0, 64ULL << 20 },
		{ "1gb", 0, UINT64_MAX, 0, 1ULL << 30 },
		{ "3g", 0, UINT64_MAX, 0, 3ULL << 30 },
		{ "100b", 0, UINT64_MAX, 0, 100 },
		{ "17179869183gb", 0, UINT64_MAX, 0, 17179869183ULL << 30 },
		{ "17179869184gb", 0, UINT64_MAX, -1, 0 },	/* 2^64 */
		{ "123456789012345678901234567890123", 0, UINT64_MAX, -1, 0 },
		{ "1mb", 2 << 20, 4 << 20, -1, 0 },
		{ "5mb", 2 << 20, 4 << 20, -1, 0 },
		{ "4mb", 2 << 20, 4 << 20, 0, 4 << 20 },
		{ "64 mb", 0, UINT64_MAX, -1, 0 },
		{ " 64mb", 0, UINT64_MAX, -1, 0 },
		{ "mb", 0, UINT64_MAX, -1, 0 },
		{ "", 0, UINT64_MAX, -1, 0 },
		{ "1tb", 0, UINT64_MAX, -1, 0 },
		{ "1.5gb", 0, UINT64_MAX, -1, 0 },
		{ "-1", 0, UINT64_MAX, -1, 0 },
		{ "64mbx", 0, UINT64_MAX, -1, 0 },
	};
	uint64_t v;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = parse_size(t[i].s, t[i].min, t[i].max, &v, &err);

		if (r != t[i].ok)
			fail_msg("\"%s\": got %d, want %d", t[i].s, r, t[i].ok);
		if (r == 0)
			assert_true(v == t[i].v);
		else
			assert_non_null(err);
	}
	assert_int_equal(parse_size("1mb", 2 << 20, 4 << 20, &v, &err), -1);
	assert_string_equal(err, "too small");
	assert_int_equal(parse_size("5mb", 2 << 20, 4 << 20, &v, &err), -1);
	assert_string_equal(err, "too large");
}

static void
test_util_strlcpy_strlcat(void **state)
{
	char buf[8];

	(void)state;
	/* Fits. */
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	/* Exactly size - 1. */
	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");
	/* Truncated: the return value is the length it wanted. */
	assert_int_equal(strlcpy(buf, "123456789", sizeof(buf)), 9);
	assert_string_equal(buf, "1234567");
	/* Size 1 leaves an empty string, size 0 writes nothing. */
	assert_int_equal(strlcpy(buf, "xyz", 1), 3);
	assert_string_equal(buf, "");
	buf[0] = 'Q';
	assert_int_equal(strlcpy(buf, "xyz", 0), 3);
	assert_int_equal(buf[0], 'Q');

	strlcpy(buf, "ab", sizeof(buf));
	assert_int_equal(strlcat(buf, "cd", sizeof(buf)), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(strlcat(buf, "efghij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(strlcat(buf, "x", sizeof(buf)), 8);
	assert_string_equal(buf, "abcdefg");
	/* A destination with no NUL within size: size + strlen(src). */
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(strlcat(buf, "abc", 4), 4 + 3);
	assert_int_equal(buf[3], 'z');
	assert_int_equal(strlcat(buf, "abc", 0), 3);
}

static void
test_util_format_ts(void **state)
{
	static const struct {
		uint64_t	 us;
		const char	*s;
	} t[] = {
		{ 0, "1970-01-01T00:00:00.000000+0000" },
		{ 1, "1970-01-01T00:00:00.000001+0000" },
		{ 999999, "1970-01-01T00:00:00.999999+0000" },
		{ 1706708701123456ULL, "2024-01-31T13:45:01.123456+0000" },
		{ 2147483647000000ULL, "2038-01-19T03:14:07.000000+0000" },
		{ 2147483648000001ULL, "2038-01-19T03:14:08.000001+0000" },
		{ 4294967295999999ULL, "2106-02-07T06:28:15.999999+0000" },
		{ 4294967296000000ULL, "2106-02-07T06:28:16.000000+0000" },
		{ 253402300799000000ULL, "9999-12-31T23:59:59.000000+0000" },
	};
	char buf[UTIL_TSBUF];
	char *oldtz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		util_format_ts(t[i].us, false, buf);
		assert_string_equal(buf, t[i].s);
	}
	/* Local time carries the zone's offset. */
	setenv("TZ", "EST5", 1);
	tzset();
	util_format_ts(0, true, buf);
	assert_string_equal(buf, "1969-12-31T19:00:00.000000-0500");
	util_format_ts(1706708701123456ULL, true, buf);
	assert_string_equal(buf, "2024-01-31T08:45:01.123456-0500");
	/* UTC output ignores TZ. */
	util_format_ts(1706708701123456ULL, false, buf);
	assert_string_equal(buf, "2024-01-31T13:45:01.123456+0000");
	if (oldtz != NULL) {
		setenv("TZ", oldtz, 1);
		free(oldtz);
	} else
		unsetenv("TZ");
	tzset();
}

/* The cache of the last second gives what util_format_ts() gives, in
 * the same second, the next, going back, and with local time toggled. */
static void
test_util_format_ts_cached(void **state)
{
	static const uint64_t t[] = {
		1706708701123456ULL, 1706708701123457ULL, 1706708701999999ULL,
		1706708702000000ULL, 1706708701000001ULL, 1706708701000001ULL,
		0, 1, 999999, 1000000, 253402300799000001ULL,
		253402300799999999ULL, 253402300800000000ULL,
		UINT64_MAX, UINT64_MAX - 1,
	};
	struct util_tscache c;
	char want[UTIL_TSBUF], got[UTIL_TSBUF];
	char *oldtz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t i, k;

	(void)state;
	memset(&c, 0, sizeof(c));
	setenv("TZ", "EST5", 1);
	tzset();
	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			bool lt = k == 1 || (k == 2 && i % 2 == 1);

			util_format_ts(t[i], lt, want);
			assert_int_equal(util_format_ts_cached(&c, t[i], lt,
			    got), strlen(want));
			assert_string_equal(got, want);
		}
	if (oldtz != NULL) {
		setenv("TZ", oldtz, 1);
		free(oldtz);
	} else
		unsetenv("TZ");
	tzset();
}

static void
test_util_format_ip_mac(void **state)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v4zero[4] = { 0, 0, 0, 0 };
	static const uint8_t v4bcast[4] = { 255, 255, 255, 255 };
	static const uint8_t v6doc[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t v6any[16] = { 0 };
	static const uint8_t v6mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff, 1, 2, 3, 4 };
	static const uint8_t v6full[16] = { 0xfe, 0x80, 0, 1, 0, 2, 0, 3, 0, 4,
	    0, 5, 0, 6, 0, 7 };
	static const uint8_t v6max[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef };
	char buf[UTIL_ADDRBUF];

	(void)state;
	util_format_ip(4, v4, buf);
	assert_string_equal(buf, "192.0.2.1");
	util_format_ip(4, v4zero, buf);
	assert_string_equal(buf, "0.0.0.0");
	util_format_ip(4, v4bcast, buf);
	assert_string_equal(buf, "255.255.255.255");
	util_format_ip(6, v6doc, buf);
	assert_string_equal(buf, "2001:db8::1");
	util_format_ip(6, v6any, buf);
	assert_string_equal(buf, "::");
	util_format_ip(6, v6mapped, buf);
	assert_string_equal(buf, "::ffff:1.2.3.4");
	util_format_ip(6, v6full, buf);
	assert_string_equal(buf, "fe80:1:2:3:4:5:6:7");
	util_format_ip(6, v6max, buf);
	assert_string_equal(buf,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	util_format_mac(mac, buf);
	assert_string_equal(buf, "00:1b:21:ab:cd:ef");
}

/*
 * util_format_mac() and util_put_mac() (the unrolled writer eve's
 * put_mac() shares) against the loop util_format_mac() was, for random
 * MACs and every byte value in every place: the same 17 characters,
 * the NUL only from util_format_mac(), nothing past.
 */
static void
test_util_format_mac_as_before(void **state)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t x = 0x2545f4914f6cdd1dull;
	uint8_t mac[6];
	char want[18], got[20], *e;
	unsigned k, i;

	(void)state;
	for (k = 0; k < 20000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		for (i = 0; i < 6; i++)
			mac[i] = k < 256 ? (uint8_t)(k + 37 * i) :
			    (uint8_t)(x >> (8 * i));
		for (i = 0; i < 6; i++) {	/* the old loop */
			want[i * 3] = hex[mac[i] >> 4];
			want[i * 3 + 1] = hex[mac[i] & 0xf];
			want[i * 3 + 2] = i < 5 ? ':' : '\0';
		}
		memset(got, 'x', sizeof(got));
		util_format_mac(mac, got);
		assert_memory_equal(got, want, 18);
		assert_int_equal(got[18], 'x');
		memset(got, 'x', sizeof(got));
		e = util_put_mac(got, mac);
		assert_ptr_equal(e, got + 17);
		assert_memory_equal(got, want, 17);
		assert_int_equal(got[17], 'x');
	}
}

/*
 * word_eq_exact() flags a byte exactly when it equals c, wherever it
 * is and whatever its neighbours: every c, every byte value at every
 * position, among neighbours that are c, c ^ 1 (which word_eq()'s
 * borrow can flag: HL7's field counting would then miscount), 0, 0x80
 * and 0xff.  word_eq() must agree on whether any byte is flagged and
 * on the lowest one.
 */
static void
test_util_word_eq_exact(void **state)
{
	unsigned c, v, pos, k, i;
	uint8_t b[8], bg[5];
	uint64_t w, m, want;

	(void)state;
	/* Byte i of the load is bits 8i..8i+7: little-endian. */
	if (*(const uint8_t *)&(const uint16_t){1} != 1)
		skip();
	for (c = 0; c < 256; c++) {
		bg[0] = (uint8_t)c;
		bg[1] = (uint8_t)(c ^ 1);
		bg[2] = 0;
		bg[3] = 0x80;
		bg[4] = 0xff;
		for (k = 0; k < 5; k++)
			for (pos = 0; pos < 8; pos++)
				for (v = 0; v < 256; v++) {
					memset(b, bg[k], sizeof(b));
					b[pos] = (uint8_t)v;
					memcpy(&w, b, 8);
					want = 0;
					for (i = 0; i < 8; i++)
						if (b[i] == c)
							want |= 0x80ull <<
							    (8 * i);
					m = word_eq_exact(w, (uint8_t)c);
					if (m != want)
						fail_msg("c %#x, byte %#x at %u "
						    "among %#x: %#llx, not "
						    "%#llx", c, v, pos, bg[k],
						    (unsigned long long)m,
						    (unsigned long long)want);
					m = word_eq(w, (uint8_t)c);
					assert_int_equal(m != 0, want != 0);
					if (want != 0)
						assert_int_equal(
						    __builtin_ctzll(m),
						    __builtin_ctzll(want));
				}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_siphash_reference_vectors),
		cmocka_unit_test(test_util_siphash13_words),
		cmocka_unit_test(test_util_parse_uint),
		cmocka_unit_test(test_util_parse_size),
		cmocka_unit_test(test_util_strlcpy_strlcat),
		cmocka_unit_test(test_util_format_ts),
		cmocka_unit_test(test_util_format_ts_cached),
		cmocka_unit_test(test_util_format_ip_mac),
		cmocka_unit_test(test_util_format_mac_as_before),
		cmocka_unit_test(test_util_word_eq_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
