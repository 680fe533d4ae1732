/*
 * test-mllp.c - MLLP framing (src/app/mllp.c).
 *
 * A small parser built on mllp_next() records every message it frames;
 * the framework-like driver mock_feed() feeds it streams split at every
 * position, truncated at every length, with junk, nested and unclosed
 * frames, over the cap and across gaps.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app-mock.h"
#include "app/mllp.h"

#define REC_MAX		16
#define REC_MSG_MAX	512

struct rec {
	unsigned	 n;
	size_t		 len[REC_MAX];
	uint8_t		 msg[REC_MAX][REC_MSG_MAX];
};

static void
rec_add(struct rec *rec, const uint8_t *p, size_t n)
{
	if (rec->n < REC_MAX) {
		rec->len[rec->n] = n;
		memcpy(rec->msg[rec->n], p, n < REC_MSG_MAX ? n : REC_MSG_MAX);
	}
	rec->n++;
}

/* Frame everything given; record each message in ctx->user. */
static struct app_result
frames_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	struct mllp_state *st = state;
	struct mllp_result r;
	size_t off = 0;

	(void)dir;
	for (;;) {
		r = mllp_next(st, ctx, p + off, n - off);
		assert_true(r.consumed <= n - off);
		off += r.consumed;
		if (r.status == MLLP_MORE)
			return off == n ? app_ok(off) :
			    app_incomplete(off, r.needed);
		rec_add(ctx->user, r.msg, r.msg_len);
	}
}

static void
frames_gap(void *state, struct app_ctx *ctx, int dir)
{
	(void)dir;
	mllp_gap(state, ctx);
}

static const struct app_parser frames_parser = {
	.proto = APP_HL7,
	.parse = frames_parse,
	.gap = frames_gap,
};

/* Two small frames: "MSH|A" and "MSH|BB". */
static const uint8_t two[] = "\x0bMSH|A\x1c\x0d\x0bMSH|BB\x1c\x0d";
#define TWO_LEN	(sizeof(two) - 1)

struct fixture {
	struct mllp_state st;
	struct app_ctx	 ctx;
	struct rec	 rec;
};

static void
fx_init(struct fixture *fx, size_t max_msg)
{
	memset(fx, 0, sizeof(*fx));
	mllp_init(&fx->st, max_msg);
	fx->ctx.user = &fx->rec;
}

static enum parse_result
fx_feed(struct fixture *fx, const void *p, size_t n, const size_t *splits,
    size_t nsplits, size_t *left)
{
	return mock_feed(&frames_parser, &fx->st, &fx->ctx, APP_DIR_TOSERVER,
	    p, n, splits, nsplits, left);
}

static void
assert_two(const struct fixture *fx)
{
	assert_int_equal(fx->rec.n, 2);
	assert_int_equal(fx->rec.len[0], 5);
	assert_memory_equal(fx->rec.msg[0], "MSH|A", 5);
	assert_int_equal(fx->rec.len[1], 6);
	assert_memory_equal(fx->rec.msg[1], "MSH|BB", 6);
}

static void
test_mllp_two_frames_one_chunk(void **state)
{
	struct fixture fx;
	size_t left;

	(void)state;
	fx_init(&fx, MLLP_MAX_MSG);
	assert_int_equal(fx_feed(&fx, two, TWO_LEN, NULL, 0, &left),
	    PARSE_OK);
	assert_int_equal(left, 0);
	assert_two(&fx);
	assert_int_equal(fx.ctx.n_anom, 0);
	assert_int_equal(fx.st.frames, 2);
}

static void
test_mllp_every_split_point(void **state)
{
	struct fixture fx;
	size_t i, j, left, sp[2];

	(void)state;
	for (i = 1; i < TWO_LEN; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		sp[0] = i;
		fx_feed(&fx, two, TWO_LEN, sp, 1, &left);
		assert_int_equal(left, 0);
		assert_two(&fx);
		assert_int_equal(fx.ctx.n_anom, 0);
	}
	for (i = 1; i < TWO_LEN; i++)
		for (j = i + 1; j < TWO_LEN; j++) {
			fx_init(&fx, MLLP_MAX_MSG);
			sp[0] = i;
			sp[1] = j;
			fx_feed(&fx, two, TWO_LEN, sp, 2, &left);
			assert_int_equal(left, 0);
			assert_two(&fx);
			assert_int_equal(fx.ctx.n_anom, 0);
		}
}

static void
test_mllp_every_truncation(void **state)
{
	struct fixture fx;
	size_t i, left, first = 8;	/* bytes of the first frame */

	(void)state;
	for (i = 0; i < TWO_LEN; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		fx_feed(&fx, two, i, NULL, 0, &left);
		assert_int_equal(fx.rec.n, i < first ? 0 : 1);
		/* Only the partial frame is held. */
		assert_int_equal(left, i < first ? i : i - first);
		assert_int_equal(fx.ctx.n_anom, 0);
	}
}

/* An end block as the last byte asks for exactly one more. */
static void
test_mllp_eb_last_byte(void **state)
{
	static const uint8_t b[] = "\x0bMSH|A\x1c";
	struct fixture fx;
	struct mllp_result r;

	(void)state;
	fx_init(&fx, MLLP_MAX_MSG);
	r = mllp_next(&fx.st, &fx.ctx, b, sizeof(b) - 1);
	assert_int_equal(r.status, MLLP_MORE);
	assert_int_equal(r.consumed, 0);
	assert_int_equal(r.needed, 1);
	r = mllp_next(&fx.st, &fx.ctx, (const uint8_t *)"\x0bMSH|A\x1c\x0d",
	    8);
	assert_int_equal(r.status, MLLP_MSG);
	assert_int_equal(r.consumed, 8);
	assert_int_equal(r.msg_len, 5);
}

/* "garbage\n" 0x0B MSH|A 0x1C 0x0D "xx" 0x0B MSH|BB 0x1C 0x0D */
static void
test_mllp_junk_before_start(void **state)
{
	static const uint8_t b[] =
	    "garbage\n\x0bMSH|A\x1c\x0dxx\x0bMSH|BB\x1c\x0d";
	struct fixture fx;
	size_t left, i, sp[1];

	(void)state;
	for (i = 0; i < sizeof(b) - 1; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		sp[0] = i;
		fx_feed(&fx, b, sizeof(b) - 1, sp, i == 0 ? 0 : 1, &left);
		assert_int_equal(left, 0);
		assert_two(&fx);
		assert_true(mock_has_anomaly(&fx.ctx,
		    EV_MLLP_MISSING_START_BLOCK));
		/* Once per run of junk, however it was split. */
		assert_int_equal(fx.ctx.n_anom, 2);
		assert_int_equal(fx.st.junk_bytes, 10);
	}
}

/* A sender that never frames: nothing held, one anomaly. */
static void
test_mllp_no_framing(void **state)
{
	static const uint8_t b[] = "MSH|^~\\&|A|B\rPID|1\r";
	struct fixture fx;
	size_t left;

	(void)state;
	fx_init(&fx, MLLP_MAX_MSG);
	assert_int_equal(fx_feed(&fx, b, sizeof(b) - 1, NULL, 0, &left),
	    PARSE_OK);
	assert_int_equal(left, 0);
	assert_int_equal(fx.rec.n, 0);
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_MLLP_MISSING_START_BLOCK);
}

/* 0x0B MSH|X 0x0B MSH|A 0x1C 0x0D: the first start is abandoned. */
static void
test_mllp_nested_start(void **state)
{
	static const uint8_t b[] = "\x0bMSH|X\x0bMSH|A\x1c\x0d";
	struct fixture fx;
	size_t left, i, sp[1];

	(void)state;
	for (i = 0; i < sizeof(b) - 1; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		sp[0] = i;
		fx_feed(&fx, b, sizeof(b) - 1, sp, i == 0 ? 0 : 1, &left);
		assert_int_equal(left, 0);
		assert_int_equal(fx.rec.n, 1);
		assert_int_equal(fx.rec.len[0], 5);
		assert_memory_equal(fx.rec.msg[0], "MSH|A", 5);
		assert_int_equal(fx.ctx.n_anom, 1);
		assert_int_equal(fx.ctx.anom[0], EV_MLLP_NESTED_START);
		assert_int_equal(fx.st.dropped_bytes, 6);
	}
}

/*
 * Sloppy end blocks: 0x1C straight followed by the next 0x0B, and
 * 0x1C followed by a line feed (junk).  Both frames are taken.
 */
static void
test_mllp_missing_cr(void **state)
{
	static const uint8_t b1[] = "\x0bMSH|A\x1c\x0bMSH|BB\x1c\x0d";
	static const uint8_t b2[] = "\x0bMSH|A\x1c\n\x0bMSH|BB\x1c\x0d";
	struct fixture fx;
	size_t left, i, sp[1];

	(void)state;
	for (i = 0; i < sizeof(b1) - 1; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		sp[0] = i;
		fx_feed(&fx, b1, sizeof(b1) - 1, sp, i == 0 ? 0 : 1, &left);
		assert_int_equal(left, 0);
		assert_two(&fx);
		assert_int_equal(fx.ctx.n_anom, 1);
		assert_int_equal(fx.ctx.anom[0], EV_MLLP_MISSING_END_CR);
	}
	fx_init(&fx, MLLP_MAX_MSG);
	fx_feed(&fx, b2, sizeof(b2) - 1, NULL, 0, &left);
	assert_int_equal(left, 0);
	assert_two(&fx);
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_MISSING_END_CR));
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_MISSING_START_BLOCK));
}

/* Lying framing: block bytes only, empty frames, end before start. */
static void
test_mllp_lying_framing(void **state)
{
	static const uint8_t b[] =
	    "\x1c\x0d\x0b\x1c\x0d\x0b\x0b\x1c\x1c\x0d\x0bMSH|A\x1c\x0d";
	struct fixture fx;
	size_t left, i, sp[1];

	(void)state;
	for (i = 0; i < sizeof(b) - 1; i++) {
		fx_init(&fx, MLLP_MAX_MSG);
		sp[0] = i;
		fx_feed(&fx, b, sizeof(b) - 1, sp, i == 0 ? 0 : 1, &left);
		assert_int_equal(left, 0);
		/* "", "", "MSH|A": two empty messages, then ours. */
		assert_int_equal(fx.rec.n, 3);
		assert_int_equal(fx.rec.len[0], 0);
		assert_int_equal(fx.rec.len[1], 0);
		assert_int_equal(fx.rec.len[2], 5);
		assert_memory_equal(fx.rec.msg[2], "MSH|A", 5);
		assert_true(mock_has_anomaly(&fx.ctx,
		    EV_MLLP_MISSING_START_BLOCK));
		assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_NESTED_START));
		assert_true(mock_has_anomaly(&fx.ctx,
		    EV_MLLP_MISSING_END_CR));
	}
}

/*
 * A frame over the cap (64 bytes here) that never ends, in chunks of 7
 * bytes: mllp.frame_too_long, never more than the cap held, and the
 * next frame parses.
 */
static void
test_mllp_frame_too_long(void **state)
{
	uint8_t b[400], buf[400];
	struct fixture fx;
	struct app_result r;
	size_t n = 0, have = 0, off = 0, chunk;

	(void)state;
	b[n++] = MLLP_SB;
	memset(b + n, 'X', 300);
	n += 300;
	memcpy(b + n, "\x1c\x0d\x0bMSH|A\x1c\x0d", 10);
	n += 10;

	fx_init(&fx, 64);
	while (off < n) {
		chunk = n - off < 7 ? n - off : 7;
		memcpy(buf + have, b + off, chunk);
		have += chunk;
		off += chunk;
		r = frames_parse(&fx.st, &fx.ctx, 0, buf, have);
		assert_int_not_equal(r.status, PARSE_ERROR);
		memmove(buf, buf + r.consumed, have - r.consumed);
		have -= r.consumed;
		assert_true(have <= 64);
	}
	assert_int_equal(have, 0);
	assert_int_equal(fx.rec.n, 1);
	assert_int_equal(fx.rec.len[0], 5);
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_MLLP_FRAME_TOO_LONG);

	/* The same in one chunk, and a frame of exactly the cap. */
	fx_init(&fx, 64);
	fx_feed(&fx, b, n, NULL, 0, NULL);
	assert_int_equal(fx.rec.n, 1);
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_FRAME_TOO_LONG));

	b[0] = MLLP_SB;
	memset(b + 1, 'Y', 61);
	b[62] = MLLP_EB;
	b[63] = MLLP_CR;
	fx_init(&fx, 64);
	fx_feed(&fx, b, 64, NULL, 0, NULL);
	assert_int_equal(fx.rec.n, 1);
	assert_int_equal(fx.rec.len[0], 61);
	assert_int_equal(fx.ctx.n_anom, 0);
	b[62] = 'Y';
	b[63] = MLLP_EB;
	b[64] = MLLP_CR;
	fx_init(&fx, 64);
	fx_feed(&fx, b, 65, NULL, 0, NULL);
	assert_int_equal(fx.rec.n, 0);
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_FRAME_TOO_LONG));
}

/* A gap inside a frame drops it; the next frame parses, no junk event. */
static void
test_mllp_gap(void **state)
{
	static const uint8_t a[] = "\x0bMSH|partial";
	static const uint8_t b[] = "tial\rOBX|1\x1c\x0d\x0bMSH|A\x1c\x0d";
	struct fixture fx;
	size_t left;

	(void)state;
	fx_init(&fx, MLLP_MAX_MSG);
	fx_feed(&fx, a, sizeof(a) - 1, NULL, 0, &left);
	assert_int_equal(left, sizeof(a) - 1);
	/* The framework drops its tail, then tells the parser. */
	frames_gap(&fx.st, &fx.ctx, 0);
	fx_feed(&fx, b, sizeof(b) - 1, NULL, 0, &left);
	assert_int_equal(left, 0);
	assert_int_equal(fx.rec.n, 1);
	assert_memory_equal(fx.rec.msg[0], "MSH|A", 5);
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_MLLP_GAP);
}

/*
 * A 256 KiB frame arriving 1 KiB at a time: each call scans only the
 * new bytes (the state's scan mark follows the data), so framing is
 * linear however the frame is split.
 */
static void
test_mllp_linear(void **state)
{
	size_t total = 256 * 1024, have = 1;
	struct fixture fx;
	struct mllp_result r;
	uint8_t *b;

	(void)state;
	b = malloc(total + 2);
	assert_non_null(b);
	b[0] = MLLP_SB;
	memset(b + 1, 'Z', total - 1);
	b[total] = MLLP_EB;
	b[total + 1] = MLLP_CR;
	fx_init(&fx, MLLP_MAX_MSG);
	while (have < total) {
		have = have + 1024 < total ? have + 1024 : total;
		r = mllp_next(&fx.st, &fx.ctx, b, have);
		assert_int_equal(r.status, MLLP_MORE);
		assert_int_equal(r.consumed, 0);
		assert_int_equal(fx.st.scanned, have - 1);
	}
	r = mllp_next(&fx.st, &fx.ctx, b, total + 2);
	assert_int_equal(r.status, MLLP_MSG);
	assert_int_equal(r.msg_len, total - 1);
	assert_int_equal(r.consumed, total + 2);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mllp_two_frames_one_chunk),
		cmocka_unit_test(test_mllp_every_split_point),
		cmocka_unit_test(test_mllp_every_truncation),
		cmocka_unit_test(test_mllp_eb_last_byte),
		cmocka_unit_test(test_mllp_junk_before_start),
		cmocka_unit_test(test_mllp_no_framing),
		cmocka_unit_test(test_mllp_nested_start),
		cmocka_unit_test(test_mllp_missing_cr),
		cmocka_unit_test(test_mllp_lying_framing),
		cmocka_unit_test(test_mllp_frame_too_long),
		cmocka_unit_test(test_mllp_gap),
		cmocka_unit_test(test_mllp_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
