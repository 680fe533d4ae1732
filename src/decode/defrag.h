/*
 * defrag.h - IPv4 and IPv6 fragment reassembly for the decoder.
 *
 * One tracker per datagram, keyed by (IP version, source, destination,
 * protocol, identification, VLAN stack).  Trackers are capped in number
 * (max_trackers), in fragments each (max_frags) and in bytes together
 * (memcap); the oldest tracker is evicted to make room, and a tracker
 * older than the timeout is dropped.  A datagram is handed out only
 * when every byte from 0 to its end is present; a tracker retires the
 * moment it completes, so an IP ID reused later starts afresh.
 */
#ifndef WW_DEFRAG_H
#define WW_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "decode/packet.h"
#include "util/events.h"

/* Largest IP datagram: 16-bit total length (v4) or payload length (v6). */
#define DEFRAG_MAX_DATAGRAM	65535
#define DEFRAG_IPV6_HLEN	40

/* One fragment as the decoder found it. */
struct defrag_frag {
	uint8_t		 ipver;		/* 4 or 6 */
	/* v4: the protocol; v6: the Fragment header's next header. */
	uint8_t		 proto;
	uint32_t	 id;		/* v4: 16 bits; v6: 32 bits */
	const uint8_t	*src;		/* 4 or 16 bytes */
	const uint8_t	*dst;
	/*
	 * v4: the whole IP header (with options); v6: the 40-byte fixed
	 * header.  Only the offset-0 fragment's header is kept.
	 */
	const uint8_t	*hdr;
	size_t		 hdr_len;
	uint32_t	 off;		/* into the fragmentable part */
	const uint8_t	*data;
	size_t		 len;
	bool		 more;		/* MF / M flag */
	uint64_t	 ts_us;
};

enum defrag_result {
	DEFRAG_HELD,		/* kept; nothing to hand out yet */
	DEFRAG_DONE,		/* a datagram completed: see *out */
	DEFRAG_INVALID,		/* dropped (anomaly on the packet) */
};

struct defrag;

struct defrag	*defrag_new(const struct defrag_config *,
		    struct counters *);
void		 defrag_free(struct defrag *);

/*
 * Insert one fragment.  Anomalies go to the counters and to p->anom[].
 * On DEFRAG_DONE *out and *out_len describe the reassembled datagram
 * (an IP header without fragmentation, then the payload) in a buffer
 * the defragmenter owns until the next call.  f may point into that
 * buffer: it is fully consumed before the buffer is written.
 */
enum defrag_result defrag_insert(struct defrag *, const struct defrag_frag *f,
		    struct packet *p, const uint8_t **out, size_t *out_len);

/* Drop trackers older than the timeout. */
void		 defrag_tick(struct defrag *, uint64_t now_us);
uint64_t	 defrag_memuse(const struct defrag *);
uint32_t	 defrag_trackers(const struct defrag *);

#endif /* WW_DEFRAG_H */
