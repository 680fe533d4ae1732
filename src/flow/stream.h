/*
 * stream.h - per-direction, in-order TCP stream reassembly.
 *
 * Each direction keeps the next expected sequence number and a small,
 * capped list of out-of-order segments.  In-order bytes are handed to
 * the application layer through struct stream_ops as soon as they are
 * contiguous (there is no inspection window to wait for: the sensor is
 * passive and parsers are incremental).  Caps: stream.depth bytes per
 * direction (0 = unlimited), stream.max-segments queued out-of-order
 * segments per direction, and the flow memcap for the bytes they hold.
 * A hole that is never filled is skipped when the queue is full, the
 * connection closes or the flow ends: that is a gap, counted and
 * delivered as a gap callback so parsers can resynchronise.
 * Overlaps keep the first copy of the bytes (and are counted; differing
 * data is an anomaly).  Sequence arithmetic is modulo 2^32.
 */
#ifndef WW_STREAM_H
#define WW_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_DEFAULT_DEPTH		(1u << 20)	/* per direction */
#define STREAM_DEFAULT_MAX_SEGMENTS	1024
#define STREAM_DEFAULT_MEMCAP		(64ull << 20)

struct stream_config {
	uint64_t	depth;		/* bytes per direction, 0 = no limit */
	uint32_t	max_segments;	/* out-of-order segments queued */
	uint64_t	memcap;		/* all queued segment bytes */
	bool		midstream;	/* pick up flows without handshake */
	bool		reassembly;	/* false: track state only */
};

struct flow;
struct stream_seg;

struct tcp_stream {
	uint32_t	 isn;		/* first sequence number used */
	uint32_t	 next_seq;	/* next in-order byte expected */
	bool		 seq_known;	/* next_seq is valid */
	bool		 fin_seen;
	uint32_t	 fin_seq;
	bool		 depth_reached;
	uint64_t	 delivered;	/* bytes given to the app layer */
	uint64_t	 gap_bytes;	/* bytes skipped in gaps */
	uint32_t	 n_segs;
	uint64_t	 seg_bytes;	/* bytes held in the queue */
	struct stream_seg *segs;	/* out of order, sorted by seq */
	uint16_t	 wscale;
	/* Added for session tracking (flow.c/stream.c). */
	uint32_t	 window;	/* last advertised, scaled */
	bool		 fin_acked;	/* the peer acknowledged our FIN */
	bool		 eof;		/* the eof callback was made */
};

struct tcp_session {
	struct tcp_stream dir[2];	/* [FLOW_DIR_*]: data sent by that side */
};

/*
 * The application layer's side of the interface.  'dir' is the sender's
 * direction (FLOW_DIR_TOSERVER for client bytes).  Pointers are valid
 * only during the call.  Any member may be NULL.
 */
struct stream_ops {
	void	(*data)(void *arg, struct flow *, int dir,
		    const uint8_t *, size_t);
	void	(*gap)(void *arg, struct flow *, int dir, uint64_t len);
	/* The direction will deliver nothing more (FIN, RST, flow end). */
	void	(*eof)(void *arg, struct flow *, int dir);
};

struct stream_ctx;	/* owned by the flow table */

void	stream_config_defaults(struct stream_config *);

#endif /* WW_STREAM_H */
