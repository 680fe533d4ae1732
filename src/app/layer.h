/*
 * app/layer.h - the application-layer engine of a worker: picks a
 * parser for each flow by content (any port; port hints first), feeds
 * it the reassembled stream of each direction or each UDP datagram,
 * keeps the unconsumed tail of a direction in a capped buffer, and
 * turns the facts parsers emit into EVE records.  Parsers see only
 * struct app_ctx (app.h).
 */
#ifndef WW_APP_LAYER_H
#define WW_APP_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "util/events.h"

#define APP_DEFAULT_MAX_BUFFER	(2u << 20)	/* per direction: above the
						   parsers' 1 MiB message caps */
#define APP_DEFAULT_DETECT_BYTES 4096		/* give up detecting after */

struct eve_opts;
struct flow;
struct jsonw;
struct record_writer;
struct packet;

struct app_engine_config {
	uint32_t	 max_buffer;	/* bytes kept per direction */
	uint32_t	 detect_bytes;	/* bytes examined to detect */
	bool		 ndpi;		/* label flows with nDPI */
	uint32_t	 ndpi_max_packets;	/* 0: the adapter's default */
	const char	*ndpi_protocols;	/* comma-joined; NULL/"": default */
	bool		 enabled[APP_MAX];
};

struct app_engine;

void		 app_engine_config_defaults(struct app_engine_config *);
/* Records go through the worker's writer. */
struct app_engine *app_engine_new(const struct app_engine_config *,
		    struct counters *, const struct eve_opts *,
		    struct record_writer *);
void		 app_engine_free(struct app_engine *);
/* Every fact also goes to fact() (the device brain's events). */
void		 app_engine_set_fact_sink(struct app_engine *,
		    void (*fact)(void *, struct flow *, const struct packet *,
		    enum app_proto, int dir, const void *), void *arg);

/*
 * A transaction's detection buffers (app_inspect()) go to inspect(),
 * with the anomalies the flow raised so far; only for the protocols
 * wants[] names (the rule engine's detect_wants_proto()), so parsers
 * of other protocols build nothing.
 */
typedef void	 app_inspect_fn(void *, struct flow *, const struct packet *,
		    enum app_proto, int dir, const struct app_buf *, size_t,
		    const void *fact, const enum ww_counter *events,
		    size_t nevents);
void		 app_engine_set_inspect_sink(struct app_engine *,
		    app_inspect_fn *, const bool wants[APP_MAX], void *arg);

/* The packet whose processing may emit records (for their time,
 * direction and pcap_cnt); NULL when none, e.g. at flow end. */
void		 app_engine_set_packet(struct app_engine *, const struct packet *);
/* Stream callbacks (wired to struct stream_ops by the worker). */
void		 app_stream_data(struct app_engine *, struct flow *, int dir,
		    const uint8_t *, size_t);
void		 app_stream_gap(struct app_engine *, struct flow *, int dir);
void		 app_stream_eof(struct app_engine *, struct flow *, int dir);
/* A UDP packet of flow f (its payload is one datagram). */
void		 app_udp_packet(struct app_engine *, struct flow *,
		    const struct packet *);
/* Every packet of an IP flow, after the flow table: nDPI sees the
 * first few. */
void		 app_packet(struct app_engine *, struct flow *,
		    const struct packet *);
/* The flow's application protocol: our parser's, else nDPI's label. */
const char	*app_flow_proto(const struct flow *);
/* What nDPI saw wrong with a flow, for the device evidence: its risks
 * by our numbers (app/dpirisk.def: bit nn for WW-R<nn>) and the SNMP
 * version of its messages (dpi_snmp_version()); zeros without nDPI. */
struct app_flow_weak {
	uint64_t	 risks;
	unsigned	 snmp;
};
void		 app_flow_weak(const struct flow *, struct app_flow_weak *);
/* The "ndpi" object of a flow record (nDPI's name, category, risks). */
void		 app_flow_eve(struct jsonw *, const struct flow *);
/* The flow ends: free its application state. */
void		 app_flow_end(struct app_engine *, struct flow *);

/* What the application layer holds for all its flows now (malloc
 * chunks: state, private heaps, nDPI, direction buffers). */
uint64_t	 app_engine_memuse(const struct app_engine *);
/* The same for one flow. */
uint64_t	 app_flow_memuse(const struct flow *);

/* "hl7", "dicom", ... (app/protocols.def) or NULL for APP_UNKNOWN. */
const char	*app_proto_name(unsigned);
/* A protocol's parser (the first of its rows), or NULL. */
const struct app_parser *app_parser_get(enum app_proto);
/* The i-th parser of app/protocols.def, every transport; NULL past
 * the last. */
const struct app_parser *app_parser_at(size_t i);
/*
 * The parsers that probe a new flow of transport ipproto between these
 * ports, in the order they run (those whose hint ports match, then the
 * rest; each group in probing order), at most max of them.  Disabled
 * parsers are not among them.
 */
size_t		 app_engine_probe_order(const struct app_engine *,
		    uint8_t ipproto, uint16_t port_a, uint16_t port_b,
		    const struct app_parser **out, size_t max);

#endif /* WW_APP_LAYER_H */
