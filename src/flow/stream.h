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
 * Overlapping bytes are counted and differing ones are an anomaly; the
 * receiver's policy decides which copy of queued bytes is kept, and
 * delivered bytes always stand.  Sequence arithmetic is modulo 2^32.
 */
#ifndef WW_STREAM_H
#define WW_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_DEFAULT_DEPTH		(1u << 20)	/* per direction */
#define STREAM_DEFAULT_MAX_SEGMENTS	1024
#define STREAM_DEFAULT_MEMCAP		(64ull << 20)

/*
 * Which copy of overlapping TCP data the receiving host keeps
 * (stream.policy, host-os-policy), as Suricata names the policies.
 * Wardwatch models four behaviours: the old copy stands (first,
 * windows, windows2k3, vista, solaris, hpux11), the new one wins
 * (last), the new one wins where it starts before the old one (bsd,
 * old-linux, hpux10, irix, macos), and linux: as bsd, or when both
 * start together and the new one ends after.  Bytes already handed to
 * the parsers stand under every policy.
 */
enum stream_policy {
	STREAM_POLICY_FIRST,
	STREAM_POLICY_LAST,
	STREAM_POLICY_BSD,
	STREAM_POLICY_LINUX,
	STREAM_POLICY_OLD_LINUX,
	STREAM_POLICY_WINDOWS,
	STREAM_POLICY_WINDOWS2K3,
	STREAM_POLICY_VISTA,
	STREAM_POLICY_SOLARIS,
	STREAM_POLICY_HPUX10,
	STREAM_POLICY_HPUX11,
	STREAM_POLICY_IRIX,
	STREAM_POLICY_MACOS,
};

#define STREAM_MAX_HOST_POLICIES	256

/* host-os-policy: one address or CIDR block and its policy. */
struct stream_host_policy {
	uint8_t		addr[16];	/* IPv4 in the first 4 bytes */
	uint8_t		ipver;		/* 4 or 6 */
	uint8_t		prefix;		/* bits */
	uint8_t		policy;		/* enum stream_policy */
};

/*
 * Delivered bytes the receiver has not acknowledged are kept, up to
 * this much per direction, so a retransmission that differs from them
 * is seen; all of it at most a quarter of stream.memcap.
 */
#define STREAM_RETAIN_MAX		(64u << 10)

struct stream_config {
	uint64_t	depth;		/* bytes per direction, 0 = no limit */
	uint32_t	max_segments;	/* out-of-order segments queued */
	uint64_t	memcap;		/* all queued segment bytes */
	bool		midstream;	/* pick up flows without handshake */
	bool		reassembly;	/* false: track state only */
	enum stream_policy policy;	/* default first */
	uint32_t	n_hosts;	/* host-os-policy entries */
	struct stream_host_policy hosts[STREAM_MAX_HOST_POLICIES];
};

/* The policy for data sent to addr (longest matching prefix wins). */
enum stream_policy stream_host_policy(const struct stream_config *,
		    uint8_t ipver, const uint8_t *addr);

struct flow;
struct stream_seg;
struct stream_ret;

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
	struct stream_ret *ret;		/* delivered, not yet acknowledged */
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
