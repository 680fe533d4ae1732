/*
 * test-bytes.c - the bounds-checked byte reader (src/util/bytes.h).
 *
 * Every reader function at its exact boundary, one byte short, and
 * after the reader has gone bad: a failed read returns 0 (or NULL),
 * does not move, and poisons every later read (the sticky error).
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/bytes.h"

static const uint8_t buf[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

static void
test_bytes_init(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, sizeof(buf));
	assert_true(br_ok(&br));
	assert_int_equal(br_left(&br), sizeof(buf));
	assert_int_equal(br_off(&br), 0);
	assert_ptr_equal(br_cur(&br), buf);

	/* A NULL buffer is an empty view, whatever length is passed. */
	br_init(&br, NULL, 100);
	assert_int_equal(br_left(&br), 0);
	assert_true(br_ok(&br));
	assert_int_equal(br_u8(&br), 0);
	assert_false(br_ok(&br));
}

static void
test_bytes_u8(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, 2);
	assert_int_equal(br_u8(&br), 0x01);
	assert_int_equal(br_u8(&br), 0x02);
	assert_true(br_ok(&br));
	assert_int_equal(br_left(&br), 0);
	assert_int_equal(br_u8(&br), 0);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 2);
}

static void
test_bytes_be16_be32(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, 6);
	assert_int_equal(br_be16(&br), 0x0102);
	assert_int_equal(br_be32(&br), 0x03040506);
	assert_true(br_ok(&br));
	assert_int_equal(br_left(&br), 0);

	/* One byte short: 0, no movement, bad. */
	br_init(&br, buf, 3);
	assert_int_equal(br_be16(&br), 0x0102);
	assert_int_equal(br_be16(&br), 0);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 2);

	br_init(&br, buf, 3);
	assert_int_equal(br_be32(&br), 0);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 0);

	/* High bit set: no sign extension. */
	{
		static const uint8_t ff[] = { 0xff, 0xfe, 0xfd, 0xfc };

		br_init(&br, ff, sizeof(ff));
		assert_int_equal(br_be32(&br), 0xfffefdfcu);
		br_init(&br, ff, sizeof(ff));
		assert_int_equal(br_be16(&br), 0xfffe);
	}
}

static void
test_bytes_le16_le32(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, 6);
	assert_int_equal(br_le16(&br), 0x0201);
	assert_int_equal(br_le32(&br), 0x06050403);
	assert_true(br_ok(&br));

	br_init(&br, buf, 1);
	assert_int_equal(br_le16(&br), 0);
	assert_false(br_ok(&br));
	br_init(&br, buf, 3);
	assert_int_equal(br_le32(&br), 0);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 0);
}

static void
test_bytes_bytes(void **state)
{
	struct breader br;
	const uint8_t *p;

	(void)state;
	br_init(&br, buf, sizeof(buf));
	p = br_bytes(&br, 4);
	assert_ptr_equal(p, buf);
	p = br_bytes(&br, 12);
	assert_ptr_equal(p, buf + 4);
	assert_int_equal(br_left(&br), 0);
	/* Zero bytes at the end is fine and points at the end. */
	p = br_bytes(&br, 0);
	assert_ptr_equal(p, buf + 16);
	assert_true(br_ok(&br));
	assert_null(br_bytes(&br, 1));
	assert_false(br_ok(&br));

	/* A huge n cannot wrap around. */
	br_init(&br, buf, sizeof(buf));
	br_skip(&br, 1);
	assert_null(br_bytes(&br, SIZE_MAX));
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 1);
}

static void
test_bytes_copy(void **state)
{
	struct breader br;
	uint8_t out[4];

	(void)state;
	br_init(&br, buf, 6);
	assert_true(br_copy(&br, out, 4));
	assert_memory_equal(out, buf, 4);
	memset(out, 0xaa, sizeof(out));
	/* Short: false, and the destination is zeroed. */
	assert_false(br_copy(&br, out, 4));
	assert_int_equal(out[0], 0);
	assert_int_equal(out[3], 0);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 4);
}

static void
test_bytes_skip(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, 4);
	br_skip(&br, 4);
	assert_true(br_ok(&br));
	assert_int_equal(br_left(&br), 0);
	br_skip(&br, 1);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 4);

	br_init(&br, buf, 4);
	br_skip(&br, SIZE_MAX);
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 0);
}

static void
test_bytes_sub(void **state)
{
	struct breader br, sub;

	(void)state;
	br_init(&br, buf, sizeof(buf));
	br_skip(&br, 2);
	sub = br_sub(&br, 4);
	assert_true(br_ok(&br));
	assert_true(br_ok(&sub));
	/* The parent skipped all four bytes. */
	assert_int_equal(br_off(&br), 6);
	assert_int_equal(br_left(&sub), 4);
	assert_int_equal(br_be32(&sub), 0x03040506);
	/* The child cannot read past its item, even though the parent
	 * has more bytes. */
	assert_int_equal(br_u8(&sub), 0);
	assert_false(br_ok(&sub));
	assert_true(br_ok(&br));
	assert_int_equal(br_u8(&br), 0x07);
}

static void
test_bytes_sub_lying_length(void **state)
{
	struct breader br, sub;

	(void)state;
	/* A length field that claims more than is left. */
	br_init(&br, buf, sizeof(buf));
	br_skip(&br, 10);
	sub = br_sub(&br, 7);
	assert_false(br_ok(&br));
	assert_false(br_ok(&sub));
	assert_int_equal(br_left(&sub), 0);
	assert_int_equal(br_u8(&sub), 0);
	assert_int_equal(br_off(&br), 10);

	/* Exactly what is left is fine. */
	br_init(&br, buf, sizeof(buf));
	br_skip(&br, 10);
	sub = br_sub(&br, 6);
	assert_true(br_ok(&br));
	assert_true(br_ok(&sub));
	assert_int_equal(br_left(&br), 0);
	assert_int_equal(br_left(&sub), 6);

	/* SIZE_MAX cannot wrap. */
	br_init(&br, buf, sizeof(buf));
	br_skip(&br, 1);
	sub = br_sub(&br, SIZE_MAX);
	assert_false(br_ok(&br));
	assert_false(br_ok(&sub));

	/* A bad parent gives a bad child even for 0 bytes. */
	br_init(&br, buf, 1);
	(void)br_be16(&br);
	sub = br_sub(&br, 0);
	assert_false(br_ok(&sub));

	/* Nested: the grandchild is bounded by the child. */
	br_init(&br, buf, sizeof(buf));
	sub = br_sub(&br, 8);
	{
		struct breader gc = br_sub(&sub, 9);

		assert_false(br_ok(&gc));
		assert_false(br_ok(&sub));
		assert_true(br_ok(&br));
	}
}

static void
test_bytes_find(void **state)
{
	static const uint8_t mllp[] = { 0x0b, 'M', 'S', 'H', 0x1c, 0x0d };
	struct breader br;

	(void)state;
	br_init(&br, mllp, sizeof(mllp));
	assert_int_equal(br_find(&br, 0x0b), 0);
	assert_int_equal(br_find(&br, 0x1c), 4);
	assert_int_equal(br_find(&br, 0x0d), 5);
	assert_int_equal(br_find(&br, 0x00), -1);
	/* Relative to the current position, and does not move. */
	br_skip(&br, 2);
	assert_int_equal(br_find(&br, 0x1c), 2);
	assert_int_equal(br_find(&br, 0x0b), -1);
	assert_int_equal(br_off(&br), 2);
	/* Only inside the view. */
	br_init(&br, mllp, 4);
	assert_int_equal(br_find(&br, 0x1c), -1);
	/* Empty and bad readers find nothing. */
	br_init(&br, mllp, 0);
	assert_int_equal(br_find(&br, 0x0b), -1);
	br_init(&br, mllp, sizeof(mllp));
	br_skip(&br, 7);
	assert_int_equal(br_find(&br, 0x0b), -1);
}

static void
test_bytes_sticky_error(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, sizeof(buf));
	assert_int_equal(br_be32(&br), 0x01020304);
	/* One read past the end ... */
	br_skip(&br, 13);
	assert_false(br_ok(&br));
	/* ... and every later read fails, even ones that would fit. */
	assert_int_equal(br_u8(&br), 0);
	assert_int_equal(br_be16(&br), 0);
	assert_int_equal(br_be32(&br), 0);
	assert_int_equal(br_le16(&br), 0);
	assert_int_equal(br_le32(&br), 0);
	assert_null(br_bytes(&br, 1));
	assert_null(br_bytes(&br, 0));
	br_skip(&br, 0);
	assert_false(br_need(&br, 0));
	assert_false(br_ok(&br));
	assert_int_equal(br_off(&br), 4);
	assert_int_equal(br_left(&br), 12);
}

static void
test_bytes_need(void **state)
{
	struct breader br;

	(void)state;
	br_init(&br, buf, 2);
	assert_true(br_need(&br, 0));
	assert_true(br_need(&br, 2));
	assert_true(br_ok(&br));
	assert_int_equal(br_off(&br), 0);
	assert_false(br_need(&br, 3));
	assert_false(br_ok(&br));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_init),
		cmocka_unit_test(test_bytes_u8),
		cmocka_unit_test(test_bytes_be16_be32),
		cmocka_unit_test(test_bytes_le16_le32),
		cmocka_unit_test(test_bytes_bytes),
		cmocka_unit_test(test_bytes_copy),
		cmocka_unit_test(test_bytes_skip),
		cmocka_unit_test(test_bytes_sub),
		cmocka_unit_test(test_bytes_sub_lying_length),
		cmocka_unit_test(test_bytes_find),
		cmocka_unit_test(test_bytes_sticky_error),
		cmocka_unit_test(test_bytes_need),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
