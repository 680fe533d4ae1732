/*
 * detect/detect.h - the rule engine: Suricata 7's rule language (the
 * part real feeds use, wardwatch-rules(7)) plus Wardwatch's medical
 * sticky buffers, matched with Hyperscan.
 *
 * Loading (detect_load) parses rule files, variables, classification,
 * reference and threshold files into an engine that is built once and
 * shared read-only by every worker: rules grouped by protocol, ports
 * and direction, per group and buffer one Hyperscan database of fast
 * patterns, then full verification of each candidate rule.  A rule that
 * cannot be loaded never stops the others: it is reported
 * ("file:line: sid N: unsupported keyword 'xbits'") and counted by
 * reason.
 *
 * Matching runs on the worker that owns a flow (struct detect_thread,
 * one per worker: Hyperscan scratch, PCRE2 match data): per packet
 * (header and payload rules), per reassembled TCP direction (stream
 * rules), and per application transaction (sticky buffers,
 * app_inspect()).  Per-flow state (flowbits, stream positions, what
 * already alerted) hangs off the flow and is freed by
 * detect_flow_free().  A match is handed to the caller's callback as a
 * struct detect_match; thresholds, suppressions, detection_filter and
 * device-class conditions are applied after that, in one place, by
 * detect_alert_filter(), so that the result does not depend on how
 * flows are spread over workers (the device brain's thread calls it in
 * event order).
 *
 * detect/ depends on decode/, flow/, app/app.h (protocol and buffer
 * ids) and util/; nothing there depends on detect/.
 */
#ifndef WW_DETECT_H
#define WW_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "util/events.h"

struct flow;
struct packet;

#define DETECT_GID			1	/* rules' default gid */
#define DETECT_MAX_VARS			256

/* Actions: drop and reject are accepted and reported as "allowed" (the
 * sensor is passive). */
enum detect_action {
	DETECT_ALERT,
	DETECT_PASS,
	DETECT_DROP,
	DETECT_REJECT,
};

struct detect_var {
	char		*name;		/* "HOME_NET" (no '$') */
	char		*value;		/* "[10.0.0.0/8,192.168.0.0/16]" */
};

struct detect_config {
	bool		  enabled;
	/* Rule files: NULL/0 means the shipped set compiled in. */
	char		**rule_files;
	size_t		  n_rule_files;
	char		 *default_rule_path;	/* relative files are under it */
	char		 *classification_file;	/* NULL: built-in */
	char		 *reference_file;	/* NULL: none */
	char		 *threshold_file;	/* NULL: none */
	/* vars.address-groups and vars.port-groups; unset ones get
	 * Suricata's defaults (HOME_NET private ranges, HTTP_PORTS 80, ...) */
	struct detect_var *addr_vars;
	size_t		  n_addr_vars;
	struct detect_var *port_vars;
	size_t		  n_port_vars;
	/* Where compiled Hyperscan databases are cached (keyed by a hash
	 * of the rule set); NULL: no cache. */
	char		 *cache_dir;
	bool		  strict;	/* --strict-rules: a skipped rule fails */
	/* Known AE titles (dicom.known-ae-titles) for the IoMT rules'
	 * dicom.move_destination checks; may be empty. */
	char		**known_ae;
	size_t		  n_known_ae;
	/* datasets: NAME: {type, load, memcap, hashsize}, as suricata.yaml
	 * declares them for dataset:isset,NAME rules */
	struct detect_dataset_config *datasets;
	size_t		  n_datasets;
};

struct detect_dataset_config {
	char		*name;
	char		*type;		/* string, md5, sha256, ipv4, ip */
	char		*load;		/* a file of entries, or NULL */
	uint64_t	 memcap;	/* bytes; 0: 16 MiB */
	uint32_t	 hashsize;	/* buckets; 0: 4096 */
};

/* The shipped rules (rules/NAME.rules), built in (rules-builtin.c, by
 * build-aux/embed.sh): what a run without rule files loads. */
struct rules_builtin_file {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};
extern const struct rules_builtin_file	rules_builtin_files[];
extern const size_t			rules_builtin_nfiles;

void		 detect_config_defaults(struct detect_config *);
void		 detect_config_free(struct detect_config *);

/* What a rule says about itself, for the alert record. */
struct detect_rule_info {
	uint32_t	 gid, sid, rev;
	enum detect_action action;
	uint8_t		 severity;	/* priority, else classtype's, else 3 */
	bool		 noalert;
	const char	*msg;
	const char	*classtype;	/* NULL when none */
	const char	*category;	/* classtype's description, or "" */
	/* metadata as key -> list of values, for the alert's "metadata"
	 * object: n_meta pairs, keys may repeat */
	const char *const *meta_keys;
	const char *const *meta_values;
	size_t		 n_meta;
	const char	*file;		/* where it was loaded from */
	unsigned	 line;
	/* device.src_class / device.dest_class: bit per enum dev_class;
	 * 0 means no condition */
	uint64_t	 src_classes, dest_classes;
};

struct detect_engine;

/*
 * Load and compile.  Problems with single rules go to err as
 * "file:line: sid N: why" (or "file:line:col: why" for a parse error)
 * and are counted; a missing rule file, an unreadable classification,
 * reference or threshold file, or a bad variable is an error: NULL is
 * returned with the message on err.  stats may be NULL.
 */
struct detect_engine *detect_load(const struct detect_config *, FILE *err,
		    struct counters *stats);
void		 detect_free(struct detect_engine *);

/* "rules: N loaded, M skipped" and then one line per reason
 * ("  12 unsupported keyword 'xbits'"), as wardwatch and -T print it. */
void		 detect_print_summary(const struct detect_engine *, FILE *);
/* Skip reason i (first-seen order) and its count, for the stats
 * record; false past the last. */
bool		 detect_skip_reason(const struct detect_engine *, size_t i,
		    const char **reason, size_t *count);
size_t		 detect_rules_loaded(const struct detect_engine *);
size_t		 detect_rules_skipped(const struct detect_engine *);
/* Compile time and whether the databases came from the cache. */
double		 detect_compile_seconds(const struct detect_engine *);
bool		 detect_from_cache(const struct detect_engine *);

/* Rule r (0 .. detect_rules_loaded()-1). */
const struct detect_rule_info *detect_rule(const struct detect_engine *,
		    uint32_t r);

/* Does any loaded rule inspect protocol p (so parsers may skip building
 * buffers nobody reads)? */
bool		 detect_wants_proto(const struct detect_engine *,
		    enum app_proto p);

/* A candidate alert, before thresholds and device classes. */
struct detect_match {
	uint32_t	 rule;		/* detect_rule() index */
	int		 dir;		/* FLOW_DIR_* of what matched */
	struct flow	*flow;		/* NULL for a packet without a flow */
	const struct packet *pkt;	/* the packet being handled, or NULL */
	enum app_proto	 proto;		/* transaction's, or APP_UNKNOWN */
	const void	*fact;		/* transaction's fact, or NULL */
	uint64_t	 tx_id;		/* per flow, for "one alert per tx" */
};

typedef void	 detect_alert_fn(void *arg, const struct detect_match *);

struct detect_thread;

struct detect_thread *detect_thread_new(const struct detect_engine *,
		    detect_alert_fn *, void *arg);
void		 detect_thread_free(struct detect_thread *);

/*
 * A decoded packet (f may be NULL), with the decode and stream anomaly
 * ids it raised (for decode-event / stream-event).  Runs header rules
 * and packet-payload rules.
 */
void		 detect_packet(struct detect_thread *, struct flow *f,
		    const struct packet *, const enum ww_counter *events,
		    size_t nevents);
/* In-order bytes of one TCP direction, as delivered to the app layer. */
void		 detect_stream(struct detect_thread *, struct flow *, int dir,
		    const uint8_t *, size_t);
/* len bytes of one TCP direction were lost (a gap). */
void		 detect_stream_gap(struct detect_thread *, struct flow *,
		    int dir, uint64_t len);
/* A transaction's buffers (app_inspect()); p may be NULL. */
void		 detect_tx(struct detect_thread *, struct flow *,
		    const struct packet *p, enum app_proto, int dir,
		    const struct app_buf *, size_t, const void *fact,
		    const enum ww_counter *app_events, size_t nevents);
/* The flow ends: free its detection state. */
void		 detect_flow_free(struct flow *);
/* pcre evaluations given up at the backtracking limits (Suricata's
 * pcre.match-limit 3500 and match-limit-recursion 1500): no match. */
uint64_t	 detect_thread_pcre_limits(const struct detect_thread *);
/* Bytes of per-flow detection state held now (for flow.memcap). */
uint64_t	 detect_thread_memuse(const struct detect_thread *);
/* The same for one flow (0 when it has none). */
uint64_t	 detect_flow_memuse(const struct flow *);

/*
 * Thresholds, suppressions and detection_filter, applied in one place
 * and in event order.  Returns true when the candidate becomes an
 * alert.  src/dst are the alert's addresses (16 bytes, IPv4 in the
 * first 4) and ts_us its time; src_class/dst_class the inventory's
 * class of each (-1 when unknown).
 */
struct detect_filter;
struct detect_filter *detect_filter_new(const struct detect_engine *);
void		 detect_filter_free(struct detect_filter *);
bool		 detect_alert_filter(struct detect_filter *, uint32_t rule,
		    const uint8_t src[16], const uint8_t dst[16], int ipver,
		    uint64_t ts_us, int src_class, int dst_class);

#endif /* WW_DETECT_H */
