/*
 * stream-int.h - the interface between the flow table (flow.c) and TCP
 * session tracking and reassembly (stream.c).  No other module uses it.
 *
 * The flow table owns one struct stream_ctx: the stream configuration,
 * the callbacks, the counters and the memory held by queued segments,
 * which counts against both stream.memcap and flow.memcap.  Callbacks
 * (stream ops, anomaly) run synchronously and must not call back into
 * the flow table.
 */
#ifndef WW_STREAM_INT_H
#define WW_STREAM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"
#include "flow/flow.h"
#include "flow/stream.h"
#include "util/events.h"

/* Sequence space arithmetic, modulo 2^32 (RFC 793 section 3.3). */
#define SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

#define STREAM_WSCALE_MAX	14	/* RFC 7323 section 2.3 */
#define STREAM_WSCALE_NONE	0xff	/* option not (yet) seen */

struct stream_ctx {
	const struct stream_config *cfg;
	const struct stream_ops *ops;	/* NULL: nothing is delivered */
	void		(*anomaly)(void *, struct flow *,
			    const struct packet *, enum ww_counter);
	void		*arg;		/* for ops and anomaly */
	struct counters	*ctr;
	uint64_t	 seg_mem;	/* queued segments' malloc chunks */
	uint64_t	 ret_mem;	/* retained delivered bytes */
	const uint64_t	*flow_mem;	/* the table's buckets and flows */
	uint64_t	 flow_memcap;
	/* Retained-bytes buffers of the first size, given back and kept
	 * for the next (a direction's are freed at every full ACK). */
	struct stream_ret *pool[32];
	unsigned	 npool;
};

void	stream_ctx_init(struct stream_ctx *, const struct stream_config *,
	    const struct flow_ops *, struct counters *,
	    const uint64_t *flow_mem, uint64_t flow_memcap);
/* What the context keeps of its own (after every flow is gone). */
void	stream_ctx_clear(struct stream_ctx *);

/*
 * Track one TCP packet of flow f sent in direction dir: state machine,
 * window, RST validation and reassembly.  The flow's counters are
 * already updated for this packet.
 */
void	stream_tcp_packet(struct stream_ctx *, struct flow *,
	    const struct packet *, int dir);

/* Does this packet start a new connection on the flow's tuple? */
bool	stream_tcp_is_reuse(const struct flow *, const struct packet *,
	    int dir);

/*
 * The flow ends: skip any hole as a gap, deliver what was queued behind
 * it, make the eof callback for both directions and free the queues.
 * Called once, before the flow_end callback.
 */
void	stream_tcp_end(struct stream_ctx *, struct flow *);
/* About what a flow's queued segments and retained bytes take. */
uint64_t stream_tcp_memuse(const struct flow *);

/*
 * Count anomaly id on f and tell the flow_ops.anomaly callback the first
 * time it happens on this flow (flow->anom_seen).  p may be NULL.
 */
void	stream_anomaly(struct stream_ctx *, struct flow *,
	    const struct packet *, enum ww_counter);

/* For unit tests: the longest hash chain of the table. */
size_t	flow_table_longest_chain(const struct flow_table *);
/* For unit tests: bytes of flow slabs the table has allocated. */
uint64_t flow_table_slab_mem(const struct flow_table *);

#endif /* WW_STREAM_INT_H */
