/*
 * dpi.h - protocol identification by nDPI, behind an opaque adapter.
 *
 * Only dpi.c includes nDPI's headers, so the rest of the sensor does not
 * depend on nDPI's version (Debian 12 ships 4.2; 4.8 and later changed
 * the init and packet calls).  One engine per worker thread: nDPI's
 * detection module is not thread-safe.  One dpi_flow per flow, fed the
 * first packets of the flow (at most max_packets of them and 32 KiB in
 * all; TCP segments without payload that would tell nDPI nothing are
 * counted, not handed over); once it returns DPI_DONE, or the caller
 * ends it (dpi_stop(), dpi_release()), it keeps only the answer (names,
 * category, risks) and nDPI's per-flow state is freed.
 *
 * nDPI's answer is raw: 4.2 labels HL7 flows Unknown and DICOM flows
 * Cassandra, so the caller prefers its own content detection and uses
 * these names as a hint and for the EVE flow record.
 *
 * Strings returned by the accessors belong to the flow or the engine and
 * stay valid until dpi_flow_free() or dpi_engine_free().
 */
#ifndef WW_DPI_H
#define WW_DPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sixteen packets classify every protocol in the default list in the
 * common case (TLS needs the ClientHello and the server's first flight)
 * and cap what a hostile flow can feed the dissectors of nDPI 4.2,
 * which lack the fixes upstream made after it.
 */
#define DPI_DEFAULT_MAX_PACKETS	16
#define DPI_MAX_PACKETS_LIMIT	1000	/* above this: config error */

/*
 * Protocols are nDPI's names in any case, plus two words of ours:
 * "default" (dpi_default_protocols) and "all" (every protocol nDPI
 * knows).
 */
struct dpi_config {
	uint32_t	 max_packets;	/* packets fed to nDPI per flow */
	const char *const *protocols;	/* see above */
	size_t		 n_protocols;	/* NULL or 0: default list */
	bool		 every_packet;	/* hand over even the TCP packets
					   nDPI would only count (dpi.c);
					   for comparisons */
	bool		 no_memo;	/* ask nDPI's address and DGA
					   look-ups every time, test all
					   of a dissector's exclusions
					   (dpi.c); for comparisons */
};

/* The protocols enabled when the config names none. */
extern const char *const dpi_default_protocols[];
extern const size_t dpi_n_default_protocols;

enum dpi_status {
	DPI_MORE,	/* feed the flow's next packet */
	DPI_DONE,	/* answer final; further packets are ignored */
};

/* Per-engine counters, for the periodic stats record. */
struct dpi_stats {
	uint64_t	 pkts_fed;		/* handed to nDPI */
	uint64_t	 pkts_not_ip;		/* short, or not IPv4/6 */
	uint64_t	 pkts_bare;		/* TCP without payload of an
						   unlabelled flow: counted,
						   not handed over */
	uint64_t	 lines_fast;		/* nDPI's line parses answered
						   without its walk (no CR LF) */
	uint64_t	 memo_ip;		/* address look-ups answered
						   from the engine's slots */
	uint64_t	 memo_dga;		/* DGA checks answered so */
	uint64_t	 dispatch_single;	/* dispatches testing one
						   exclusion bit a dissector */
	uint64_t	 flows_detected;	/* DONE: nDPI is done */
	uint64_t	 flows_packet_limit;	/* DONE: max_packets */
	uint64_t	 flows_byte_limit;	/* DONE: byte budget */
	uint64_t	 flows_stopped;		/* DONE: dpi_stop() */
	uint64_t	 flows_closed;		/* DONE: dpi_release() */
};

struct dpi_engine;
struct dpi_flow;

void	dpi_config_defaults(struct dpi_config *);

/*
 * For the config checker: 0 if every name is one nDPI knows (or
 * "default" or "all"), -1 with *bad the index of the first that is not,
 * -2 if nDPI fails to initialise.  Builds and frees a detection module
 * (a few milliseconds).
 */
int	dpi_check_protocols(const char *const *names, size_t n,
	    size_t *bad);

/*
 * Returns NULL with a message in err (for example: unknown nDPI protocol
 * "X") when the config is invalid or nDPI fails to initialise.
 */
struct dpi_engine *dpi_engine_new(const struct dpi_config *, char *err,
	    size_t errlen);
void	dpi_engine_free(struct dpi_engine *);
void	dpi_get_stats(const struct dpi_engine *, struct dpi_stats *);
/*
 * For tests: whether this build has dpi.c's copy of nDPI 4.2's line
 * parser (nDPI 4.2 only), and the line parses it answered without the
 * walk on this thread that no dpi_packet() has counted yet.
 */
bool	dpi_lines_fast_built(void);
uint64_t dpi_lines_fast_pending(void);
/* Whether dpi.c's copies of nDPI 4.2's functions answer now (the
 * module's layout seen on the running library), not nDPI's own. */
bool	dpi_lines_live(void);
/*
 * For tests, on this thread: with no engine current, dispatch to the
 * dissectors testing one exclusion bit each where the module's lists
 * allow it (on) or all 512 (off, the default); the count of dispatches
 * made the first way so far.
 */
uint64_t dpi_dispatch_single_test(bool on);

/*
 * Bytes a flow costs when it starts: our struct plus nDPI's (688 in
 * 4.2), as malloc chunks.  After DONE a flow costs sizeof its answer,
 * about 100 bytes.
 */
size_t	dpi_flow_size(void);

struct dpi_flow *dpi_flow_new(struct dpi_engine *);
/*
 * Bytes this flow holds now, as malloc chunks: our struct and all nDPI
 * allocated for it, its flow structure and what its dissectors keep on
 * the side (TLS reassembly, names), counted through nDPI's allocator
 * hooks; only our struct once DONE.
 */
size_t	dpi_flow_memuse(const struct dpi_flow *);
void	dpi_flow_free(struct dpi_flow *);

/*
 * l3 points at the IPv4 or IPv6 header and l3len is the number of bytes
 * captured from there.  ts_us is the packet time in microseconds; dir is
 * 0 for client to server, 1 for server to client (FLOW_DIR_*).
 */
enum dpi_status dpi_packet(struct dpi_engine *, struct dpi_flow *,
	    const uint8_t *l3, size_t l3len, uint64_t ts_us, int dir);
/* No more packets: its answer is what nDPI has now (its give-up guess). */
void	dpi_stop(struct dpi_engine *, struct dpi_flow *);

/*
 * The flow is over (TCP closed both ways): nDPI's state is freed now
 * rather than when the flow leaves the table, and the answer stays
 * what the packets so far gave, without dpi_stop()'s give-up.
 */
void	dpi_release(struct dpi_engine *, struct dpi_flow *);

/*
 * Protocols whose nDPI dissector a parser of ours can rule out for a
 * flow: nDPI 4.2's FTP_CONTROL dissector tries 122 command prefixes on
 * each of a flow's first eight payload packets, the dearest of all on
 * flows nothing recognises.
 */
enum dpi_excl {
	DPI_EXCL_FTP,		/* FTP_CONTROL */
};

/*
 * The flow is not that protocol: its dissector is not run on the next
 * packets, as if it had excluded itself.  Nothing if nDPI is done with
 * the flow or has labelled it, and nothing with nDPI 4.8 or later,
 * which excludes by dissector in a struct this file does not reach.
 */
void	dpi_exclude(struct dpi_flow *, enum dpi_excl);

/* Suricata's app_proto name ("tls", "krb5", "rfb") or NULL if unknown. */
const char *dpi_app_proto(const struct dpi_flow *);
/* nDPI's own "master.app" name ("TLS.Google") or NULL if unknown. */
const char *dpi_ndpi_name(const struct dpi_flow *);
/* nDPI's category name ("Web", "Network") or NULL if unknown. */
const char *dpi_category(const struct dpi_flow *);
/* Fills names with up to max flow risk names; returns how many are set. */
size_t	dpi_risks(const struct dpi_flow *, const char **names,
	    size_t max);

/* The flow's risks by our numbers (app/dpirisk.def): bit nn for
 * WW-R<nn>; risks that table leaves out are not in it. */
uint64_t dpi_risk_ids(const struct dpi_flow *);
/* The version of the SNMP message nDPI labelled the flow by: 1 (v1),
 * 2 (v2c), 3 (v3), or 0 (not SNMP, or not a message we read). */
unsigned dpi_snmp_version(const struct dpi_flow *);

/*
 * The mapping table dpi_app_proto() uses: Suricata's name for an nDPI
 * protocol name ("VNC" -> "rfb"), or NULL when the table has none and
 * dpi_app_proto() reports nDPI's name in lower case.
 */
const char *dpi_map_name(const char *ndpi_name);

#endif /* WW_DPI_H */
