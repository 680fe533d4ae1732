/*
 * flow.h - the bidirectional flow table (one per worker).
 *
 * Key: protocol, both addresses and ports, and the VLAN stack, stored
 * in a normalised order so both directions find the same entry.  The
 * first packet seen decides who is the client ("toserver" direction);
 * for TCP a SYN/ACK seen first makes its receiver the client.
 *
 * Memory: the hash buckets, every flow (its share of the slab it lives
 * in), its queued stream segments (as malloc sizes them) and what the
 * caller holds for its flows (flow_ops.ext_memuse: application state,
 * parsers' heaps, buffers, rule state) count against flow.memcap.  The
 * buckets take at most an eighth of the memcap: a small memcap gets
 * fewer buckets than flow.hash-size asks for.  At the cap, whether a
 * new flow or a packet of an old one took usage there, the table enters
 * emergency mode: timeouts shrink to the emergency values and flows are
 * evicted (reason "forced") until usage falls below the recovery mark:
 * of the least recently used, the one holding the most first.
 */
#ifndef WW_FLOW_H
#define WW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/packet.h"
#include "flow/communityid.h"
#include "flow/stream.h"
#include "util/events.h"

#define FLOW_DEFAULT_MEMCAP	(256ull << 20)	/* ~1M flows with streams */
#define FLOW_DEFAULT_HASH_SIZE	65536
#define FLOW_DEFAULT_EMERG_RECOVERY 30		/* percent free to leave */

enum flow_timeout_kind {
	FLOW_TO_NEW,		/* handshake not completed */
	FLOW_TO_ESTABLISHED,
	FLOW_TO_CLOSED,		/* FIN both ways or RST */
	FLOW_TO_MAX
};

enum flow_proto_kind {
	FLOW_PROTO_TCP,
	FLOW_PROTO_UDP,
	FLOW_PROTO_ICMP,
	FLOW_PROTO_OTHER,
	FLOW_PROTO_MAX
};

struct flow_config {
	uint64_t	memcap;
	uint32_t	hash_size;		/* buckets, power of two */
	uint32_t	emergency_recovery;	/* percent */
	/* seconds, [proto kind][timeout kind] */
	uint32_t	timeout[FLOW_PROTO_MAX][FLOW_TO_MAX];
	uint32_t	emerg_timeout[FLOW_PROTO_MAX][FLOW_TO_MAX];
	bool		vlan_in_key;		/* default true */
	struct stream_config stream;
};

enum flow_end_reason {
	FLOW_END_TIMEOUT,	/* "timeout" */
	FLOW_END_FORCED,	/* "forced": evicted under memcap */
	FLOW_END_SHUTDOWN,	/* "shutdown": end of input or exit */
	FLOW_END_REUSE,		/* "tcp_reuse": new SYN on a closed tuple */
};

enum flow_state {
	FLOW_STATE_NEW,
	FLOW_STATE_ESTABLISHED,
	FLOW_STATE_CLOSED,
};

enum tcp_state {
	TCP_NONE,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT,		/* one side sent FIN */
	TCP_CLOSING,		/* both sent FIN */
	TCP_CLOSED,		/* RST, or both FINs acknowledged */
};

/* Flow flags. */
#define FLOW_F_MIDSTREAM	0x01	/* TCP picked up without handshake */
#define FLOW_F_EMERGENCY	0x02	/* created while in emergency mode */

#define FLOW_DIR_TOSERVER	0
#define FLOW_DIR_TOCLIENT	1

struct flow {
	/* Table linkage (owned by flow.c). */
	struct flow	*hnext;
	struct flow	*lru_prev, *lru_next;
	uint64_t	 hash;

	/* Endpoints in client/server order. */
	uint8_t		 ipver;
	uint8_t		 proto;
	uint8_t		 cli_ip[16];
	uint8_t		 srv_ip[16];
	uint16_t	 cli_port;	/* ICMP: type */
	uint16_t	 srv_port;	/* ICMP: code */
	uint16_t	 vlan[PKT_MAX_VLAN];
	uint8_t		 vlan_cnt;
	uint8_t		 cli_mac[6];
	uint8_t		 srv_mac[6];
	bool		 has_mac;

	uint64_t	 flow_id;	/* stable for the key and start time */
	uint64_t	 ts_first;
	uint64_t	 ts_last;
	uint64_t	 pkts[2];	/* [FLOW_DIR_*] */
	uint64_t	 bytes[2];	/* wire bytes incl. L2 */
	uint8_t		 tcp_flags[2];	/* OR of flags per direction */
	uint8_t		 ttl[2];	/* of each direction's first packet */
	enum tcp_state	 tcp_state;
	enum flow_state	 state;
	uint32_t	 flags;
	uint64_t	 anom_seen;	/* bit per stream anomaly, dedup */
	struct tcp_session tcp;		/* streams, see stream.h */
	/* Community ID, made by flow_community_id() for the first record
	 * that needs it and kept: it depends on the tuple and seed only. */
	char		 cid[COMMUNITYID_LEN];
	uint16_t	 cid_seed;
	bool		 has_cid;

	/* Application layer (later issues). */
	uint16_t	 app_proto;
	bool		 app_dpi_done;	/* nDPI has its answer (layer.c) */
	uint32_t	 dev_seq;	/* device events so far (devfacts.c) */
	void		*dev_sent;	/* evidence sent lately (devfacts.c) */
	void		*app_state;
	void		*detect;	/* rule engine's (detect_flow_free) */
};

/*
 * Called by the table: flow_end when a flow ends (the flow is freed
 * after it returns), anomaly the first time a stream/flow anomaly
 * happens on a flow (the counter is already bumped).  Stream data is
 * delivered through struct stream_ops.
 *
 * A flow may end while a packet of another flow is being handled (it
 * timed out, its tuple is reused, or it is evicted to make room), so
 * flow_ending, if set, comes first: what the end writes until flow_end
 * returns (the streams' last bytes, gaps and eofs, then flow_end
 * itself) belongs to the ending flow, not to that packet.
 */
struct flow_ops {
	void	(*flow_ending)(void *arg, struct flow *);
	void	(*flow_end)(void *arg, struct flow *, enum flow_end_reason);
	void	(*anomaly)(void *arg, struct flow *, const struct packet *,
		    enum ww_counter);
	const struct stream_ops *stream;
	/* Optional: bytes the flows' owner holds beside the table
	 * (application state); counted against the memcap. */
	uint64_t (*ext_memuse)(void *arg);
	/* Optional: the part of that one flow holds, to choose whom to
	 * evict. */
	uint64_t (*flow_memuse)(void *arg, const struct flow *);
	void	*arg;
};

struct flow_table;

void		 flow_config_defaults(struct flow_config *);
struct flow_table *flow_table_new(const struct flow_config *,
		    const struct flow_ops *, struct counters *,
		    uint64_t flow_id_seed);
/* Ends every flow (reason "shutdown") and frees the table. */
void		 flow_table_free(struct flow_table *);

/*
 * Find or create the flow of an IP packet, update its counters and TCP
 * state, and run stream reassembly (which may call the stream ops).
 * Returns NULL when no flow could be had (memcap, counted).
 */
struct flow	*flow_handle_packet(struct flow_table *, const struct packet *);

/*
 * After a packet has been handled in full (its flow is no longer in
 * use): enter emergency mode and evict if usage is above the memcap.
 */
void		 flow_table_memcheck(struct flow_table *);

/* Expire idle flows; 'now' is packet time (offline) or wall time. */
void		 flow_table_tick(struct flow_table *, uint64_t now_us);
/* End every flow now with the given reason; the emptied table frees
 * the slabs its flows lived in. */
void		 flow_table_flush(struct flow_table *, enum flow_end_reason);
/* Call fn for every live flow (fn must not end or remove it). */
void		 flow_table_foreach(struct flow_table *,
		    void (*fn)(struct flow *, void *), void *);

uint64_t	 flow_table_active(const struct flow_table *);
uint64_t	 flow_table_memuse(const struct flow_table *);
/* The most flow_table_memuse() was after a packet or a new flow. */
uint64_t	 flow_table_memuse_peak(const struct flow_table *);
/* What the table holds for one flow (its node, streams, flow_memuse). */
uint64_t	 flow_memuse(const struct flow_table *, const struct flow *);

/* Names for output: "timeout", "forced", "shutdown", "tcp_reuse". */
const char	*flow_end_reason_name(enum flow_end_reason);
const char	*flow_state_name(enum flow_state);
const char	*tcp_state_name(enum tcp_state);

/*
 * The flow's Community ID v1 (communityid.h) with this seed, or NULL
 * when it has none (not IP).  Made once and kept with the flow: every
 * record of the flow carries it, and it is the same in both directions.
 */
const char	*flow_community_id(struct flow *, uint16_t seed);

/*
 * Symmetric keyed hash of a packet's flow key: both directions give the
 * same value.  Used to pick a worker and as the table hash.
 */
struct sipkey;
uint64_t	 flow_hash_packet(const struct sipkey *, const struct packet *,
		    bool vlan_in_key);
/*
 * Hash buckets with the dispatcher's key, so a packet's flow_hash (from
 * flow_hash_packet with the same key and vlan_in_key) is used as is and
 * not computed again.  Keep the key secret and random: whoever knows
 * it can send tuples that all fall into one bucket.
 */
void		 flow_table_share_key(struct flow_table *, const struct sipkey *);

#endif /* WW_FLOW_H */
