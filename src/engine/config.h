/*
 * config.h - the main configuration (wardwatch.yaml) and its defaults.
 *
 * Loading is strict: an unknown key, a wrong type or an out-of-range
 * value is an error reported as "file:line:col: message" (1-based, from
 * the libyaml mark).  Every error in the file is reported, not only the
 * first, so `wardwatch -T` shows them all.  Documents are limited in
 * size, nesting depth and number of nodes before they are parsed.
 * Keep man/wardwatch.yaml.5 in step with the key table in config.c.
 */
#ifndef WW_CONFIG_H
#define WW_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "device/brain.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/outspec.h"
#include "output/output.h"

#define CONFIG_MAX_FILE_SIZE	(4u << 20)	/* bytes */
#define CONFIG_MAX_DEPTH	32		/* nested collections */
#define CONFIG_MAX_NODES	100000
#define CONFIG_MAX_WORKERS	64
#define CONFIG_MAX_INTERFACES	8	/* monitor.h MONITOR_MAX_IFACES */
/* app-layer.ndpi.protocols, comma-joined: room for ~150 names. */
#define CONFIG_NDPI_PROTOCOLS_MAX 2048

/* Event types of the EVE output (EVE_T_*): see eve.h. */

/* The record types of the application protocols (app/protocols.def). */
#define EVE_T_APP(p)	RECORD_BIT(RECORD_APP + (unsigned)(p))	/* app_proto */
#define EVE_T_APPS	((RECORD_BIT(APP_MAX) - 2u) << RECORD_APP) /* not unknown */
#define EVE_T_ALL	(0x7fu | EVE_T_APPS)
_Static_assert(RECORD_APP + APP_MAX <= RECORD_TYPE_MAX,
    "every application protocol needs a record type");

#define CONFIG_SENSOR_AUTO	"auto"	/* sensor-name: the host name */

struct config {
	char		*path;		/* NULL: built-in defaults */

	uint32_t	 workers;	/* 0: number of cores */

	/* capture */
	uint32_t	 snaplen;	/* default 262144 */
	bool		 promisc;	/* default true */
	uint32_t	 buffer_size;	/* kernel ring, bytes; default 64 MiB */
	/* capture.interfaces: what a live start with no -i reads */
	char		**interfaces;
	size_t		  n_interfaces;
	/* capture health (live; engine/health.h) */
	uint32_t	 health_interval;	/* seconds; 0: no checks */
	uint32_t	 health_drop_pct;	/* of packets, per interval */
	uint32_t	 health_silence;	/* seconds without a packet */
	uint32_t	 health_oneway_pct;	/* of the TCP flows */
	uint32_t	 health_min_flows;	/* to judge one-way traffic */
	uint32_t	 health_dup_pct;	/* of packets, per interval */
	uint32_t	 dedup_window;		/* microseconds; 0: keep copies */
	bool		 fanout;	/* capture.mode: fanout (live) */
	uint32_t	 worker_stall;		/* seconds; 0: no watchdog */

	struct decode_config decode;
	struct flow_config flow;	/* includes stream */

	/* community-id */
	uint16_t	 community_id_seed;
	char		*sensor_name;	/* "host"; CONFIG_SENSOR_AUTO */

	/* outputs.eve */
	bool		 eve_enabled;
	char		*eve_filename;	/* relative to LOGDIR; "-" = stdout */
	struct record_types eve_types;	/* EVE_T_* bits */
	/* alert-hygiene: rate limits and suppressions per (signature,
	 * source device), applied by the output stage */
	struct output_hygiene hygiene;

	/* outputs: as a list of eve-log entries (none: outputs.eve) */
	struct output_spec *outputs;
	size_t		 noutputs;

	/* stats */
	uint32_t	 stats_interval;	/* seconds of packet time; 0 = end only */

	/* anomaly records per name per stats interval (decode anomalies) */
	uint32_t	 anomaly_rate;

	/* logging */
	bool		 ts_localtime;	/* timestamps in local time (else UTC) */

	/* app-layer */
	bool		 app_enabled;
	uint32_t	 app_parsers;	/* bit n: enum app_proto n */
	uint64_t	 app_max_buffer;	/* bytes per direction */
	uint32_t	 app_detect_bytes;
	bool		 ndpi_enabled;
	uint32_t	 ndpi_max_packets;
	/* nDPI names joined by commas; "": the default list */
	char		 ndpi_protocols[CONFIG_NDPI_PROTOCOLS_MAX];

	/* devices */
	struct brain_config devices;

	/* threat rules: default-rule-path, rule-files, classification-file,
	 * reference-config-file, threshold-file, vars (as suricata.yaml
	 * spells them) and detect.enabled */
	struct detect_config detect;

	/* privacy: keyed pseudonyms of patient identifiers (util/pseudo.h),
	 * set up once at start */
	bool		 privacy_pseudonyms;
	char		*privacy_key_file;	/* NULL: in the state dir */
};

void	config_defaults(struct config *);
void	config_free(struct config *);

/*
 * Load path over the defaults (cfg must have been set up by
 * config_defaults(); keys the file does not name keep their value).
 * Every error is printed to 'err' as
 * "path:line:col: message".  Returns 0 when the file is valid, else the
 * number of errors (the struct then holds defaults plus what was valid,
 * and must not be used).
 */
int	config_load(struct config *, const char *path, FILE *err);

/* Same, from a memory buffer ('name' is used in messages); for tests. */
int	config_load_buffer(struct config *, const char *name,
	    const char *buf, size_t len, FILE *err);

/* The key table, for the manual and the tests (see cfgyaml.h). */
struct cfgkey;
const struct cfgkey *config_keys(size_t *n);

#endif /* WW_CONFIG_H */
