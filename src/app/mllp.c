/*
 * app/mllp.c - MLLP framing (HL7 v2.5.1 Appendix C, "Minimal Lower
 * Layer Protocol", release 2).
 *
 *	+------+---------------------------+------+------+
 *	| 0x0B | HL7 message (any length)  | 0x1C | 0x0D |
 *	+------+---------------------------+------+------+
 *	  SB                                 EB     CR
 *
 * MLLP has no length field, so we cannot know how much is still to
 * come.  Cap the frame (max_msg, default 1 MiB, framing bytes
 * included) and resync on the next start block if a sender never
 * closes it: the caller is never asked to hold more than the cap
 * (Suricata #5023/#5024: a line parser that buffered until a newline).
 *
 * The caller keeps the unconsumed tail and presents it again with new
 * bytes appended, so a partial frame always starts the buffer.  The
 * state remembers how many of its message bytes were already searched
 * for block bytes; a frame that arrives one byte at a time is still
 * scanned once, in linear time.
 *
 * Tolerated, each with an anomaly: bytes before a start block (skipped
 * and counted), a start block inside a frame (the frame restarts
 * there), an end block without its CR (the frame ends there; common
 * sloppy senders put the next start block straight after it).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "app/mllp.h"
#include "util/bytes.h"
#include "util/events.h"

/* Start block, end block and CR. */
#define MLLP_OVERHEAD	3

void
mllp_init(struct mllp_state *st, size_t max_msg)
{
	st->max_msg = max_msg < MLLP_OVERHEAD + 1 ? MLLP_OVERHEAD + 1 :
	    max_msg;
	st->phase = MLLP_HUNT;
	st->scanned = 0;
	st->in_junk = false;
	st->junk_bytes = 0;
	st->dropped_bytes = 0;
	st->frames = 0;
}

void
mllp_gap(struct mllp_state *st, struct app_ctx *ctx)
{
	if (st->phase == MLLP_FRAME)
		app_anomaly(ctx, EV_MLLP_GAP);
	/* What follows a gap is most likely the middle of a message. */
	st->phase = MLLP_DISCARD;
	st->scanned = 0;
	st->in_junk = false;
}

static struct mllp_result
mllp_more(size_t consumed, size_t needed)
{
	struct mllp_result r = { MLLP_MORE, consumed, needed, NULL, 0 };

	return r;
}

/*
 * Skip to the next start block.  Returns false if there is none (all
 * bytes are then consumed).
 */
static bool
mllp_hunt(struct mllp_state *st, struct app_ctx *ctx, struct breader *br)
{
	ptrdiff_t pos = br_find(br, MLLP_SB);
	size_t skip = pos < 0 ? br_left(br) : (size_t)pos;

	if (skip > 0) {
		if (st->phase == MLLP_DISCARD)
			st->dropped_bytes += skip;
		else {
			if (!st->in_junk)
				app_anomaly(ctx, EV_MLLP_MISSING_START_BLOCK);
			st->in_junk = true;
			st->junk_bytes += skip;
		}
		br_skip(br, skip);
	}
	if (pos < 0)
		return false;
	st->in_junk = false;
	st->phase = MLLP_FRAME;
	st->scanned = 0;
	return true;
}

struct mllp_result
mllp_next(struct mllp_state *st, struct app_ctx *ctx, const uint8_t *buf,
    size_t len)
{
	size_t max_body = st->max_msg - MLLP_OVERHEAD;
	struct breader br, frame, view, before;
	struct mllp_result r;
	ptrdiff_t eb, sb;
	size_t n, body_len, drop;
	uint8_t c;

	br_init(&br, buf, len);
	for (;;) {
		if (st->phase != MLLP_FRAME) {
			if (!mllp_hunt(st, ctx, &br))
				return mllp_more(br_off(&br), 0);
			continue;
		}

		/* A frame: br is at its start block. */
		frame = br;
		c = br_u8(&frame);
		if (!br_ok(&frame))
			return mllp_more(br_off(&br), 0);
		if (c != MLLP_SB) {
			/* The caller did not present the frame again. */
			st->phase = MLLP_HUNT;
			continue;
		}
		if (st->scanned > br_left(&frame))
			st->scanned = 0;
		br_skip(&frame, st->scanned);

		/* Search the new bytes, never past where the cap puts EB. */
		n = br_left(&frame);
		if (n > max_body + 1 - st->scanned)
			n = max_body + 1 - st->scanned;
		view = br_sub(&frame, n);
		eb = br_find(&view, MLLP_EB);
		before = view;
		if (eb >= 0)
			before = br_sub(&before, (size_t)eb);
		sb = br_find(&before, MLLP_SB);

		if (sb >= 0) {
			/* A new frame starts inside this one: take it. */
			app_anomaly(ctx, EV_MLLP_NESTED_START);
			drop = 1 + st->scanned + (size_t)sb;
			st->dropped_bytes += drop;
			br_skip(&br, drop);
			st->scanned = 0;
			continue;
		}
		if (eb < 0) {
			st->scanned += n;
			if (st->scanned <= max_body)
				return mllp_more(br_off(&br), 0);
			app_anomaly(ctx, EV_MLLP_FRAME_TOO_LONG);
			drop = 1 + st->scanned;
			st->dropped_bytes += drop;
			br_skip(&br, drop);
			st->phase = MLLP_DISCARD;
			st->scanned = 0;
			continue;
		}

		body_len = st->scanned + (size_t)eb;
		frame = br;
		br_skip(&frame, 1 + body_len + 1);
		c = br_u8(&frame);
		if (!br_ok(&frame)) {
			/* EB is the last byte so far: wait for its CR. */
			st->scanned = body_len;
			return mllp_more(br_off(&br), 1);
		}
		if (c != MLLP_CR) {
			/* The byte after EB is not ours: leave it. */
			app_anomaly(ctx, EV_MLLP_MISSING_END_CR);
			n = 1 + body_len + 1;
		} else
			n = 1 + body_len + 2;
		r.status = MLLP_MSG;
		r.msg = br_cur(&br) + 1;
		r.msg_len = body_len;
		br_skip(&br, n);
		r.consumed = br_off(&br);
		r.needed = 0;
		st->phase = MLLP_HUNT;
		st->scanned = 0;
		st->frames++;
		return r;
	}
}
