/*
 * output/record.h - the one record path from producers to the outputs.
 *
 * A producer (a worker at a flow's end or an application transaction,
 * the capture thread for decode anomalies and LLDP, the device brain,
 * the stats reporter) builds a record: a typed head (type, time, flow
 * id, VLANs, the tuple, alert ids) and a body, the members of its own
 * objects as JSON text.  It commits the record into a batch of its own
 * (no lock, no system call) and hands the batch to the output stage
 * when it is full or at each clock tick.  The output stage's thread
 * formats each record for every sink that wants its type (the EVE
 * head, then the body) and writes it: no packet thread calls write(2).
 *
 * The head is typed so that outputs which are not EVE JSON (syslog,
 * CEF) and the output stage's own work (filters, sequence numbers,
 * hash chains) need not parse the JSON.
 */
#ifndef WW_RECORD_H
#define WW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/packet.h"
#include "output/jsonw.h"
#include "util/util.h"

/*
 * Record types.  An application-layer record is RECORD_APP plus its
 * protocol's id in the app table; the engine checks at compile time
 * that every protocol fits below RECORD_TYPE_MAX.  The numbers are
 * also the bits of struct record_types.
 */
enum record_type {
	RECORD_FLOW,
	RECORD_ANOMALY,
	RECORD_STATS,
	RECORD_DEVICE,
	RECORD_ALERT,
	RECORD_LLDP,
	RECORD_CDP,
	RECORD_APP = 8,		/* + enum app_proto */
	RECORD_TYPE_MAX = 64
};

/* A set of record types (outputs.eve.types). */
struct record_types {
	uint64_t	 bits;		/* bit t: type t */
};
#define RECORD_BIT(t)	((uint64_t)1 << (t))

static inline bool
record_types_has(const struct record_types *s, unsigned t)
{
	return t < RECORD_TYPE_MAX && (s->bits >> t & 1) != 0;
}

static inline void
record_types_add(struct record_types *s, unsigned t)
{
	if (t < RECORD_TYPE_MAX)
		s->bits |= (uint64_t)1 << t;
}

/* Which parts of the head a record has (struct record.flags). */
#define RECORD_F_TUPLE		0x01	/* src/dest addresses, proto, ports */
#define RECORD_F_SRC_ONLY	0x02	/* src_ip alone (a device) */
#define RECORD_F_ALERT		0x04	/* gid, sid, rev, severity are set */
/* With RECORD_F_ALERT: alert hygiene's summary of the alerts of a pair
 * held back and not reported by a later alert (output.h). */
#define RECORD_F_HYG_SUMMARY	0x08

struct record {
	uint16_t	 type;		/* enum record_type (+ app id) */
	uint16_t	 flags;		/* RECORD_F_* */
	uint32_t	 len;		/* body bytes */
	uint16_t	 sig_len;	/* alerts: signature bytes after it */
	const char	*event_type;	/* a static string */
	uint64_t	 ts_us;
	uint64_t	 flow_id;	/* 0: none */
	uint8_t		 ipver;		/* 4, 6, or 0 */
	uint8_t		 proto;		/* IP protocol */
	uint8_t		 vlan_cnt;
	uint8_t		 severity;	/* alerts: 1 (high) .. 4 */
	uint16_t	 sport, dport;	/* or ICMP type and code */
	uint16_t	 vlan[PKT_MAX_VLAN];
	uint32_t	 gid, sid, rev;	/* alerts */
	uint8_t		 src[16], dst[16];
	/* Then len bytes of body: JSON members, no braces, no NUL; then,
	 * for an alert, sig_len bytes of its signature (no NUL). */
};

/*
 * A producer's writer: one per thread that makes records.  Not
 * thread-safe; the batch it fills is handed over whole.
 */
struct output;
struct record_batch;

struct record_writer {
	struct output	*out;
	struct jsonw	 jw;		/* the body being written */
	struct record	 rec;		/* the head being built */
	struct record_batch *cur;	/* committed, not handed over */
	bool		 open;		/* between begin and commit */
	const char	*sig;		/* set by record_set_alert() */
	/* A flow record's start and end times (eve_flow()). */
	struct util_tscache ts_cache[2];
};

void	record_writer_init(struct record_writer *, struct output *);
/* Hands over what is committed, then frees the writer's memory. */
void	record_writer_free(struct record_writer *);

/* Does any output want records of this type?  (Cheap: ask first.) */
bool	record_wanted(const struct record_writer *, unsigned type);

/*
 * Start a record; returns the JSON writer for its body, already inside
 * the record's object: write members (keys and values) only.  Returns
 * NULL when no output wants the type.  The head is zeroed but for type,
 * event_type and time; set the rest through record_head().
 */
struct jsonw	*record_begin(struct record_writer *, unsigned type,
		    const char *event_type, uint64_t ts_us);
/* The head setters are inline: every record of a flow calls them. */
static inline struct record *
record_head(struct record_writer *w)
{
	return &w->rec;
}

static inline void
record_set_vlan(struct record *r, const uint16_t *vlan, uint8_t n)
{
	if (n > PKT_MAX_VLAN)
		n = PKT_MAX_VLAN;
	memcpy(r->vlan, vlan, n * sizeof(*vlan));
	r->vlan_cnt = n;
}

/* The tuple as it went: addresses of ipver's length (4 or 16 bytes). */
static inline void
record_set_tuple(struct record *r, int ipver, const uint8_t *src,
    const uint8_t *dst, uint16_t sp, uint16_t dp, uint8_t proto)
{
	size_t alen = ipver == 4 ? 4 : 16;

	if (ipver != 4 && ipver != 6)
		return;
	r->flags |= RECORD_F_TUPLE;
	r->ipver = (uint8_t)ipver;
	memcpy(r->src, src, alen);
	memcpy(r->dst, dst, alen);
	r->sport = sp;
	r->dport = dp;
	r->proto = proto;
}
/*
 * Make the record an alert: its ids, severity and signature text (kept
 * with the record, so the output stage can count alerts by signature
 * and a CEF or syslog output can name them).
 */
void		 record_set_alert(struct record_writer *, uint32_t gid,
		    uint32_t sid, uint32_t rev, uint8_t severity,
		    const char *signature);
/*
 * record_set_alert() and the head of Suricata's "alert" object in the
 * body (action, gid, signature_id, rev, signature, category, severity),
 * left open: metadata may follow; the caller closes it.
 */
void		 record_alert_open(struct record_writer *, uint32_t gid,
		    uint32_t sid, uint32_t rev, uint8_t severity,
		    const char *signature, const char *category);
/*
 * Finish the record and keep it in the batch.  A body that overflowed
 * its writer is not written: the record is counted as dropped by the
 * output stage.  Returns 0, or -1 when the record was dropped.
 */
int		 record_commit(struct record_writer *);
/* Hand the batch over to the output stage (at ticks, at the end). */
void		 record_flush(struct record_writer *);

#endif /* WW_RECORD_H */
