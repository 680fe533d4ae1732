/*
 * app/mllp.h - MLLP (HL7 v2 Minimal Lower Layer Protocol) framing.
 *
 * A frame is 0x0B <message> 0x1C 0x0D.  struct mllp_state finds frames
 * in one direction of a byte stream that arrives in pieces; it never
 * asks its caller to hold more than max_msg bytes.
 */
#ifndef WW_PROTO_MLLP_H
#define WW_PROTO_MLLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define MLLP_SB		0x0b	/* start block */
#define MLLP_EB		0x1c	/* end block */
#define MLLP_CR		0x0d	/* carriage return after the end block */

/* The longest frame kept, start and end blocks included. */
#define MLLP_MAX_MSG	(1u << 20)

enum mllp_phase {
	MLLP_HUNT,	/* looking for a start block; other bytes are junk */
	MLLP_FRAME,	/* the caller's buffer starts with a start block */
	MLLP_DISCARD,	/* dropping bytes up to the next start block, quietly */
};

struct mllp_state {
	size_t		 max_msg;	/* frame cap, >= 4; MLLP_MAX_MSG */
	enum mllp_phase	 phase;
	size_t		 scanned;	/* MLLP_FRAME: message bytes known to
					   hold no block byte */
	bool		 in_junk;	/* inside a run of skipped bytes */
	uint64_t	 junk_bytes;	/* skipped before start blocks */
	uint64_t	 dropped_bytes;	/* dropped: too long, nested, gaps */
	uint64_t	 frames;
};

enum mllp_status {
	MLLP_MSG,	/* a whole frame: msg/msg_len are its message */
	MLLP_MORE,	/* no whole frame in the bytes given */
};

struct mllp_result {
	enum mllp_status status;
	size_t		 consumed;	/* bytes the caller may drop */
	size_t		 needed;	/* MLLP_MORE: bytes wanted, 0 unknown */
	const uint8_t	*msg;		/* MLLP_MSG: points into the input */
	size_t		 msg_len;
};

void	mllp_init(struct mllp_state *, size_t max_msg);
/*
 * Find the next frame in buf.  The caller drops 'consumed' bytes and
 * presents the rest again, with more appended, on the next call: in
 * MLLP_FRAME the buffer starts with the frame's start block and bytes
 * already scanned are not scanned again.  Anomalies go to ctx.
 */
struct mllp_result mllp_next(struct mllp_state *, struct app_ctx *,
	    const uint8_t *buf, size_t len);
/* Bytes were lost: drop any partial frame and wait for a start block. */
void	mllp_gap(struct mllp_state *, struct app_ctx *);

#endif /* WW_PROTO_MLLP_H */
