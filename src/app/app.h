/*
 * app.h - the application layer's contract with protocol parsers.
 *
 * A parser turns the reassembled bytes of one direction of a flow (TCP)
 * or one datagram (UDP) into facts: small structs it defines in its own
 * header (struct hl7_facts, struct dicom_assoc_facts, ...).  It hands
 * each fact to app_emit(), which writes the EVE record and gives the
 * fact to the device brain; the parser never formats output itself
 * except through its 'eve' hook, which writes the members of its own
 * protocol object.  Parsers never copy patient data into facts.
 *
 * A fact also tells something about the devices at the ends of the
 * flow; the parser's 'facts' op says what, as evidence (evidence.def)
 * handed to a sink that the device code provides, so parsers never see
 * the inventory and the device code never sees a parser's structs.
 *
 * Stream parsing follows Suricata's AppLayerResult: parse() gets all
 * bytes not yet consumed (the framework keeps the unconsumed tail and
 * appends new bytes to it, up to a cap), and returns how much it
 * consumed and, when it needs more, how much more if known.
 */
#ifndef WW_APP_H
#define WW_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "app/activity.h"
#include "app/evidence.h"
#include "util/events.h"

enum parse_result {
	PARSE_OK,		/* consumed what it could; call again with more */
	PARSE_INCOMPLETE,	/* needs more bytes to go on */
	PARSE_ERROR,		/* not this protocol, or hostile: stop this direction */
};

struct app_result {
	enum parse_result status;
	size_t		  consumed;	/* <= input length, always */
	size_t		  needed;	/* if INCOMPLETE: bytes still wanted, 0 = unknown */
};

static inline struct app_result
app_ok(size_t consumed)
{
	struct app_result r = { PARSE_OK, consumed, 0 };

	return r;
}

static inline struct app_result
app_incomplete(size_t consumed, size_t needed)
{
	struct app_result r = { PARSE_INCOMPLETE, consumed, needed };

	return r;
}

static inline struct app_result
app_error(size_t consumed)
{
	struct app_result r = { PARSE_ERROR, consumed, 0 };

	return r;
}

/* The protocols of app/protocols.def, in its order. */
enum app_proto {
	APP_UNKNOWN = 0,
#define APP_PROTO(id, name, def, parser, probe)	APP_##id,
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
	APP_MAX
};

enum app_probe {
	APP_PROBE_NO,		/* these bytes are not this protocol */
	APP_PROBE_MAYBE,	/* too few bytes to tell */
	APP_PROBE_YES,
};

/* Direction of the bytes, as in flow.h. */
#define APP_DIR_TOSERVER	0
#define APP_DIR_TOCLIENT	1

/*
 * What a parser gets to report with.  Opaque to parsers; the unit tests
 * provide their own (tests/unit/app-mock.h) to capture facts.
 */
struct app_ctx;

/* Hand over one fact of this parser's protocol (copied or consumed
 * during the call; the parser may reuse its memory afterwards). */
void	app_emit(struct app_ctx *, enum app_proto, int dir, const void *fact);
/* A malformed or hostile input: counted, reported once per flow. */
void	app_anomaly(struct app_ctx *, enum ww_counter);

/* The detection buffers of app/buffers.def. */
enum app_buf_id {
#define APP_BUF(id, name, proto, dir, legacy)	APP_BUF_##id,
#include "app/buffers.def"
#undef APP_BUF
	APP_BUF_MAX
};

/* One instance of a detection buffer: bytes as on the wire (or
 * normalised as the buffer's definition says), not NUL-terminated,
 * valid only during the app_inspect() call. */
struct app_buf {
	enum app_buf_id	 id;
	const uint8_t	*data;
	size_t		 len;
};

/*
 * A transaction (or one direction's part of it) is complete enough to
 * match rules against: bufs are its detection buffers, fact (may be
 * NULL) the fact whose EVE object an alert on it carries.  Parsers call
 * it once per transaction and direction, before or after emitting the
 * fact; it costs nothing when no rule looks at the protocol.
 */
void	app_inspect(struct app_ctx *, enum app_proto, int dir,
	    const struct app_buf *bufs, size_t nbufs, const void *fact);
/* Does any rule look at protocol p?  Parsers build buffers (and keep
 * bodies) only when it says so. */
bool	app_inspect_wanted(struct app_ctx *, enum app_proto);
/* Whether facts (app_emit()) go anywhere: the device inventory takes
 * them.  Work done only for the facts' sink can be skipped without. */
bool	app_facts_wanted(const struct app_ctx *);

/*
 * The ends of a flow, as evidence is about them: the client (TCP: who
 * connected; UDP: who sent first) and the server.  A frame without a
 * flow (LLDP, CDP) has one subject, its sender, whatever end is named.
 */
#define APP_END_CLIENT	0
#define APP_END_SERVER	1

/* The end that sent the bytes of direction dir. */
#define APP_END_SENDER(dir)						\
	((dir) == APP_DIR_TOSERVER ? APP_END_CLIENT : APP_END_SERVER)

/* Evidence values a device keeps, with their NUL: longer ones are cut. */
#define APP_VALUE_MAX	64

/*
 * Where a parser's facts op puts what a fact says about devices.  The
 * device code implements it; it copies what it keeps (so values may
 * point into the fact), cuts each value to APP_VALUE_MAX - 1 bytes,
 * replaces control characters and drops empty values.
 */
struct app_sink {
	/* key=value about one end (APP_END_*); len bytes, no NUL needed. */
	void	 (*evidence)(const struct app_sink *, int end,
		    enum evidence_key, const char *value, size_t len);
	/* The same about the host with hardware address mac (a DHCP
	 * client), which a relay may have forwarded from another
	 * segment (relayed). */
	void	 (*evidence_mac)(const struct app_sink *,
		    const uint8_t mac[6], bool relayed, enum evidence_key,
		    const char *value, size_t len);
	/* A DHCP lease: the host with hardware address mac has ip. */
	void	 (*lease)(const struct app_sink *, const uint8_t mac[6],
		    const uint8_t ip[4], bool relayed);
	/* ip is a router's own address (DHCP option 3) on the segment of
	 * the client a reply is for, which a relay may have forwarded
	 * from another segment (relayed); false when there is no room for
	 * it, and so for none after it. */
	bool	 (*router)(const struct app_sink *, const uint8_t ip[4],
		    bool relayed);
	/* The subnet of the client with hardware address mac: addr is an
	 * address in it (the client's, or its relay's), mask its mask
	 * (DHCP option 1). */
	void	 (*subnet)(const struct app_sink *, const uint8_t mac[6],
		    const uint8_t addr[4], const uint8_t mask[4], bool relayed);
	/* An end's IP address as text (UTIL_ADDRBUF bytes); false if the
	 * flow is not IP. */
	bool	 (*address)(const struct app_sink *, int end, char *buf);
	/* Optional: the end did something (app/activity.def), len bytes
	 * of value, every time it does (not thinned like evidence). */
	void	 (*activity)(const struct app_sink *, int end,
		    enum activity, const char *value, size_t len);
	/* Optional: true when the evidence of the fact would all be
	 * dropped as said lately, the parser having numbered its fields
	 * ids, as the last fact's from direction dir of the flow when they
	 * are the same; false to have it said, and the run remembered. */
	bool	 (*again)(const struct app_sink *, int dir, uint64_t ids);
	void	*arg;
};

/* Evidence whose value is a C string. */
static inline void
app_evidence(const struct app_sink *sink, int end, enum evidence_key key,
    const char *value)
{
	sink->evidence(sink, end, key, value, strlen(value));
}

/* An activity whose value is a C string. */
static inline void
app_activity(const struct app_sink *sink, int end, enum activity act,
    const char *value)
{
	if (sink->activity != NULL)
		sink->activity(sink, end, act, value, strlen(value));
}

struct jsonw;

/*
 * A parser.  Its file defines one (or one per transport) and
 * app/protocols.def registers it: the table, not the parser, gives the
 * protocol's name, default and place in the probing order.
 */
struct app_parser {
	enum app_proto	 proto;		/* its row of app/protocols.def */
	uint8_t		 ipproto;	/* IPPROTO_TCP or IPPROTO_UDP */
	const uint16_t	*ports;		/* hint ports, 0-terminated, or NULL */
	/* The anomalies it raises: events.def ids anom_first..anom_last. */
	enum ww_counter	 anom_first, anom_last;

	/* Decide from the first bytes of a direction (any port). */
	enum app_probe	 (*probe)(const uint8_t *, size_t, int dir);
	/* NULL for a parser that keeps nothing between datagrams (its
	 * state is NULL; parse into a thread's scratch), else never fails:
	 * xcalloc.  Per-flow state is what the next packet needs, no more:
	 * it counts against flow.memcap for every flow. */
	void		*(*state_new)(void);
	void		 (*state_free)(void *);
	size_t		 state_size;	/* what state_new() allocates */
	/* TCP: stream bytes of one direction.  UDP: one whole datagram. */
	struct app_result (*parse)(void *state, struct app_ctx *, int dir,
			    const uint8_t *, size_t);
	/* Bytes were lost in this direction: resynchronise. */
	void		 (*gap)(void *state, struct app_ctx *, int dir);
	/* Write the members of this protocol's EVE object for a fact.
	 * It may update the flow's parser state the fact points to (HL7
	 * keeps what it wrote): call it on the flow's worker only. */
	void		 (*eve)(struct jsonw *, const void *fact);
	/* Optional: members of the record's "wardwatch" object, for what
	 * Suricata's object for the protocol has no field for. */
	void		 (*eve_extra)(struct jsonw *, const void *fact);
	/* Optional: false when eve_extra has nothing to say for a fact. */
	bool		 (*has_extra)(const void *fact);
	/* Optional: the device evidence in a fact of direction dir. */
	void		 (*facts)(const void *fact, int dir,
			    const struct app_sink *);
	/* Optional: bytes the state holds beyond state_size now
	 * (detection scratch, bodies kept for rules, reassembly buffers),
	 * each block counted at mem_cost() of its size. */
	size_t		 (*memuse)(const void *state);
};

/* A flow's state for ap: NULL for a parser without one. */
static inline void *
app_state_new(const struct app_parser *ap)
{
	return ap->state_new != NULL ? ap->state_new() : NULL;
}

static inline void
app_state_free(const struct app_parser *ap, void *state)
{
	if (ap->state_free != NULL)
		ap->state_free(state);
}

#endif /* WW_APP_H */
