/*
 * config.c - wardwatch.yaml: defaults, the key table, loading.
 *
 * Every key is one row of 'keys' below: its dotted path, type, range,
 * field, default (as the manual prints it) and a one-line description.
 * Adding a key means adding a row, a field in struct config, a default
 * in config_defaults() or the module's *_config_defaults(), a paragraph
 * in man/wardwatch.yaml.5 and a line in etc/wardwatch.yaml; the unit
 * test checks that those agree.
 */
#include <config.h>

#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/dpi.h"
#include "decode/decode.h"
#include "engine/config.h"
#include "flow/flow.h"
#include "flow/stream.h"
#include "policy/policy.h"
#include "policy/zone.h"
#include "report/report.h"
#include "util/cfgyaml.h"
#include "util/util.h"

#define CONFIG_DEFAULT_SNAPLEN		262144	/* largest libpcap takes */
#define CONFIG_DEFAULT_BUFFER_SIZE	(64u << 20)
#define CONFIG_DEFAULT_STATS_INTERVAL	30	/* seconds */
#define CONFIG_DEFAULT_ANOMALY_RATE	10	/* per name per interval */

#define KIB	(1ull << 10)
#define MIB	(1ull << 20)
#define GIB	(1ull << 30)

static int	set_vxlan_ports(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_ndpi_protocols(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_rule_string(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_rule_files(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_vars(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_interfaces(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_known_ae(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_datasets(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_medical_vlans(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_host_os_policy(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_duration(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_zones(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_policy_files(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);
static int	set_policy_overrides(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);

static const struct cfgenum policy_modes[] = {
	{ "learned", POL_SET_LEARNED },
	{ "strict", POL_SET_STRICT },
	{ NULL, 0 },
};
static int	set_suppress(struct cfgyaml *, const struct cfgkey *,
		    const struct cfgyaml_node *, void *);

/* Suricata's names (stream.h says how each behaves). */
static const struct cfgenum stream_policies[] = {
	{ "first", STREAM_POLICY_FIRST },
	{ "last", STREAM_POLICY_LAST },
	{ "bsd", STREAM_POLICY_BSD },
	{ "linux", STREAM_POLICY_LINUX },
	{ "old-linux", STREAM_POLICY_OLD_LINUX },
	{ "windows", STREAM_POLICY_WINDOWS },
	{ "windows2k3", STREAM_POLICY_WINDOWS2K3 },
	{ "vista", STREAM_POLICY_VISTA },
	{ "solaris", STREAM_POLICY_SOLARIS },
	{ "hpux10", STREAM_POLICY_HPUX10 },
	{ "hpux11", STREAM_POLICY_HPUX11 },
	{ "irix", STREAM_POLICY_IRIX },
	{ "macos", STREAM_POLICY_MACOS },
	{ NULL, 0 },
};

static const struct cfgenum checksum_modes[] = {
	{ "auto", DECODE_CSUM_AUTO },
	{ "yes", DECODE_CSUM_YES },
	{ "no", DECODE_CSUM_NO },
	{ NULL, 0 },
};

static const struct cfgenum defrag_policies[] = {
	{ "first", DEFRAG_POLICY_FIRST },
	{ "last", DEFRAG_POLICY_LAST },
	{ "bsd", DEFRAG_POLICY_BSD },
	{ "linux", DEFRAG_POLICY_LINUX },
	{ "windows", DEFRAG_POLICY_WINDOWS },
	{ NULL, 0 },
};

/*
 * The application protocols' names in outputs.eve.types and
 * app-layer.parsers, and which are on by default, come from
 * app/protocols.def.  app-layer.parsers is a bit set in which bit n is
 * enum app_proto n, as app_engine_config.enabled[] is indexed.
 */
_Static_assert(APP_MAX <= 32, "app-layer.parsers: a uint32_t bit each");

#define CONFIG_APP_ON(x)	x
#define CONFIG_APP_OFF(x)

static const struct cfgenum eve_types[] = {
	{ "flow", EVE_T_FLOW },
	{ "anomaly", EVE_T_ANOMALY },
	{ "stats", EVE_T_STATS },
	{ "device", EVE_T_DEVICE },
	{ "alert", EVE_T_ALERT },
	{ "lldp", EVE_T_LLDP },
	{ "cdp", EVE_T_CDP },
#define APP_PROTO(id, name, def, parser, probe)				\
	{ name, EVE_T_APP(APP_##id) },
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
	{ NULL, 0 },
};

static const struct cfgenum app_parsers[] = {
#define APP_PROTO(id, name, def, parser, probe)	{ name, 1u << APP_##id },
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
	{ NULL, 0 },
};

/* The protocols on by default: parsed, and their records written. */
#define APP_PARSER(id, parser, probe)
#define APP_PROTO(id, name, def, parser, probe)				\
	CONFIG_APP_##def(| 1u << APP_##id)
static const uint32_t config_parsers_default = 0u
#include "app/protocols.def"
    ;
#undef APP_PROTO
#define APP_PROTO(id, name, def, parser, probe)				\
	CONFIG_APP_##def(| EVE_T_APP(APP_##id))
static const uint64_t config_eve_default = EVE_T_FLOW | EVE_T_ANOMALY |
    EVE_T_STATS | EVE_T_DEVICE | EVE_T_ALERT | EVE_T_LLDP | EVE_T_CDP
#include "app/protocols.def"
    ;
#undef APP_PROTO
#undef APP_PARSER

/*
 * The same defaults in YAML, for the key table's 'def' column (the
 * unit test checks that loading it gives config_defaults()): "name, "
 * for each protocol on by default, so a list ends with a comma before
 * its "]", which a YAML flow sequence allows.
 */
#define APP_PROTO(id, name, def, parser, probe)				\
	CONFIG_APP_##def(name ", ")
#define APP_PARSER(id, parser, probe)
static const char app_parsers_def[] = "["
#include "app/protocols.def"
    "]";
static const char eve_types_def[] =
    "[flow, anomaly, stats, device, alert, lldp, cdp, "
#include "app/protocols.def"
    "]";
#undef APP_PROTO
#undef APP_PARSER

static const struct cfgenum device_records[] = {
	{ "full", 0 },
	{ "slim", 1 },
	{ NULL, 0 },
};

static const struct cfgenum capture_modes[] = {
	{ "single", 0 },
	{ "fanout", 1 },
	{ NULL, 0 },
};

static const struct cfgenum timestamp_zones[] = {
	{ "utc", 0 },
	{ "local", 1 },
	{ NULL, 0 },
};

#define FIELD(f)	.off = offsetof(struct config, f),		\
			.size = sizeof(((struct config *)NULL)->f)
#define K_BOOL(p, f, d, text)						\
	{ .path = p, .type = CFGK_BOOL, FIELD(f), .def = d, .desc = text }
#define K_UINT(p, f, lo, hi, d, text)					\
	{ .path = p, .type = CFGK_UINT, FIELD(f), .min = lo, .max = hi,	\
	  .def = d, .desc = text }
#define K_SIZE(p, f, lo, hi, d, text)					\
	{ .path = p, .type = CFGK_SIZE, FIELD(f), .min = lo, .max = hi,	\
	  .def = d, .desc = text }
#define K_ENUM(p, f, e, d, text)					\
	{ .path = p, .type = CFGK_ENUM, FIELD(f), .enums = e, .def = d,	\
	  .desc = text }

/* Idle timeouts: seconds, per protocol and flow state. */
#define K_TIMEOUT(grp, arr, proto, P, state, S, d)			\
	K_UINT("flow." grp "." proto "." state, flow.arr[P][S], 0, 86400, d, \
	    "idle seconds before a " proto " flow in state " state " ends")
#define K_TIMEOUTS(grp, arr, proto, P, dn, de, dc)			\
	K_TIMEOUT(grp, arr, proto, P, "new", FLOW_TO_NEW, dn),		\
	K_TIMEOUT(grp, arr, proto, P, "established", FLOW_TO_ESTABLISHED, de), \
	K_TIMEOUT(grp, arr, proto, P, "closed", FLOW_TO_CLOSED, dc)

static const struct cfgkey keys[] = {
	K_UINT("workers", workers, 0, CONFIG_MAX_WORKERS, "0",
	    "flow worker threads; 0 means one per online CPU"),

	K_UINT("capture.snaplen", snaplen, 64, 262144, "262144",
	    "bytes captured of each packet"),
	K_BOOL("capture.promisc", promisc, "true",
	    "put the interface into promiscuous mode"),
	K_SIZE("capture.buffer-size", buffer_size, 1 * MIB, 1 * GIB, "64mb",
	    "kernel capture buffer"),
	K_ENUM("capture.mode", fanout, capture_modes, "single",
	    "live: single (one reader) or fanout (each worker reads)"),
	{ .path = "capture.interfaces", .type = CFGK_CUSTOM,
	  FIELD(interfaces), .set = set_interfaces, .def = "[]",
	  .desc = "interfaces a live start without -i captures on" },
	K_UINT("capture.dedup-window", dedup_window, 0, 1000000, "2000",
	    "microseconds within which a copy of a frame is dropped (live)"),
	K_UINT("capture.health.interval", health_interval, 0, 86400, "10",
	    "seconds between capture health checks (live)"),
	K_UINT("capture.health.drop-percent", health_drop_pct, 0, 100, "1",
	    "packets dropped per interval that raise an alert"),
	K_UINT("capture.health.silence", health_silence, 0, 86400, "60",
	    "seconds without a packet that raise an alert"),
	K_UINT("capture.health.one-way-percent", health_oneway_pct, 1, 100,
	    "80", "TCP flows seen in one direction that raise an alert"),
	K_UINT("capture.health.min-flows", health_min_flows, 1, 1000000, "20",
	    "TCP flows in an interval before one-way traffic is judged"),
	K_UINT("capture.health.duplicate-percent", health_dup_pct, 0, 100,
	    "1", "duplicate frames per interval that raise an alert"),
	K_UINT("capture.health.worker-stall", worker_stall, 0, 86400, "60",
	    "seconds a worker may hold work without progress (live)"),

	K_UINT("decode.max-vlan-layers", decode.max_vlan_layers, 1, 3, "3",
	    "802.1Q tags decoded before a packet is an anomaly"),
	K_UINT("decode.max-layers", decode.max_layers, 2, 64, "16",
	    "protocol layers decoded in one packet"),
	K_UINT("decode.max-tunnel-depth", decode.max_tunnel_depth, 0, 8, "4",
	    "nested tunnels decapsulated; 0 disables decapsulation"),
	K_BOOL("decode.gre", decode.gre, "true",
	    "decapsulate GRE and ERSPAN"),
	K_BOOL("decode.vxlan", decode.vxlan, "true",
	    "decapsulate VXLAN on the vxlan-ports"),
	K_BOOL("decode.ipip", decode.ipip, "true",
	    "decapsulate IP in IP (4in4, 6in4, 4in6, 6in6)"),
	{ .path = "decode.vxlan-ports", .type = CFGK_CUSTOM,
	  FIELD(decode.n_vxlan_ports), .min = 1, .max = 65535,
	  .set = set_vxlan_ports, .def = "[4789]",
	  .desc = "UDP destination ports that carry VXLAN (at most 8)" },

	K_ENUM("decode.checksum-checks", decode.checksum, checksum_modes,
	    "auto", "validate IPv4, TCP and UDP checksums: auto, yes or no"),
	K_SIZE("defrag.memcap", decode.defrag.memcap, 1 * MIB, 64 * GIB,
	    "32mb", "memory for fragments awaiting reassembly"),
	K_UINT("defrag.timeout", decode.defrag.timeout_s, 1, 3600, "60",
	    "seconds a datagram may take to complete"),
	K_UINT("defrag.max-trackers", decode.defrag.max_trackers, 1,
	    16777216, "65535", "datagrams reassembled at the same time"),
	K_UINT("defrag.max-frags", decode.defrag.max_frags, 2, 8192, "256",
	    "fragments accepted for one datagram"),
	K_ENUM("defrag.policy", decode.defrag.policy, defrag_policies,
	    "linux", "which copy of overlapping fragment data is kept"),

	K_SIZE("flow.memcap", flow.memcap, 1 * MIB, 64 * GIB, "256mb",
	    "memory for flows, stream buffers and app-layer state"),
	{ .path = "flow.hash-size", .type = CFGK_UINT, FIELD(flow.hash_size),
	  .min = 256, .max = 16777216, .flags = CFGK_POW2, .def = "65536",
	  .desc = "flow hash buckets; a power of two" },
	K_UINT("flow.emergency-recovery", flow.emergency_recovery, 1, 100,
	    "30", "percent of the memcap to free before leaving emergency "
	    "mode"),
	K_BOOL("flow.vlan-in-key", flow.vlan_in_key, "true",
	    "VLAN IDs are part of the flow key"),
	K_TIMEOUTS("timeouts", timeout, "tcp", FLOW_PROTO_TCP,
	    "60", "3600", "10"),
	K_TIMEOUTS("timeouts", timeout, "udp", FLOW_PROTO_UDP,
	    "30", "300", "0"),
	K_TIMEOUTS("timeouts", timeout, "icmp", FLOW_PROTO_ICMP,
	    "30", "300", "0"),
	K_TIMEOUTS("timeouts", timeout, "other", FLOW_PROTO_OTHER,
	    "30", "300", "0"),
	K_TIMEOUTS("emergency-timeouts", emerg_timeout, "tcp", FLOW_PROTO_TCP,
	    "10", "300", "0"),
	K_TIMEOUTS("emergency-timeouts", emerg_timeout, "udp", FLOW_PROTO_UDP,
	    "10", "100", "0"),
	K_TIMEOUTS("emergency-timeouts", emerg_timeout, "icmp",
	    FLOW_PROTO_ICMP, "10", "100", "0"),
	K_TIMEOUTS("emergency-timeouts", emerg_timeout, "other",
	    FLOW_PROTO_OTHER, "10", "100", "0"),

	K_SIZE("stream.depth", flow.stream.depth, 0, 1 * GIB, "1mb",
	    "bytes reassembled per direction; 0 means no limit"),
	K_UINT("stream.max-segments", flow.stream.max_segments, 1, 65535,
	    "1024", "out-of-order segments queued per direction"),
	K_SIZE("stream.memcap", flow.stream.memcap, 1 * MIB, 64 * GIB, "64mb",
	    "memory for queued out-of-order segments"),
	K_BOOL("stream.midstream", flow.stream.midstream, "true",
	    "pick up TCP sessions whose handshake was not seen"),
	K_BOOL("stream.reassembly", flow.stream.reassembly, "true",
	    "reassemble TCP streams (false: track state only)"),
	K_ENUM("stream.policy", flow.stream.policy, stream_policies, "first",
	    "which copy of overlapping TCP data a host keeps, by default"),
	{ .path = "host-os-policy", .type = CFGK_CUSTOM,
	  FIELD(flow.stream.n_hosts), .set = set_host_os_policy, .def = "{}",
	  .desc = "overlap policy by receiving host: name: [addresses]" },

	K_UINT("community-id.seed", community_id_seed, 0, 65535, "0",
	    "Community ID seed; sensors that are compared must agree"),
	{ .path = "sensor-name", .type = CFGK_STRING, FIELD(sensor_name),
	  .def = "auto",
	  .desc = "written as \"host\" in every record; auto: the host name" },

	K_BOOL("outputs.eve.enabled", eve_enabled, "true",
	    "write EVE JSON records"),
	{ .path = "outputs.eve.filename", .type = CFGK_STRING,
	  FIELD(eve_filename), .def = "eve.json",
	  .desc = "EVE file, relative to the log directory; - is stdout" },
	{ .path = "outputs.eve.types", .type = CFGK_FLAGS, FIELD(eve_types),
	  .enums = eve_types, .def = eve_types_def,
	  .desc = "record types written" },

	K_UINT("alert-hygiene.rate-limit.count", hygiene.rate_count, 0,
	    1000000, "0", "alerts of one signature from one source device "
	    "per window; 0 means no limit"),
	K_UINT("alert-hygiene.rate-limit.seconds", hygiene.rate_seconds, 1,
	    86400, "60", "the rate limit's window, seconds of packet time"),
	{ .path = "alert-hygiene.suppress", .type = CFGK_CUSTOM,
	  FIELD(hygiene.nsuppress), .set = set_suppress, .def = "[]",
	  .desc = "alerts never written: {sid, gid, src} each" },

	K_UINT("stats.interval", stats_interval, 0, 86400, "30",
	    "seconds between stats records; 0 means only at the end"),

	K_UINT("anomaly.rate", anomaly_rate, 0, 1000000, "10",
	    "anomaly records per name per stats interval; 0 means no limit"),

	K_ENUM("logging.timestamps", ts_localtime, timestamp_zones, "utc",
	    "time zone of record timestamps: utc or local"),

	K_BOOL("app-layer.enabled", app_enabled, "true",
	    "parse application protocols (HL7, DICOM, DHCP, ...)"),
	{ .path = "app-layer.parsers", .type = CFGK_FLAGS,
	  FIELD(app_parsers), .enums = app_parsers, .def = app_parsers_def,
	  .desc = "application protocols parsed (facts and records)" },
	K_SIZE("app-layer.max-buffer", app_max_buffer, 128 * KIB, 64 * MIB,
	    "2mb", "bytes kept per flow direction for a parser"),
	K_UINT("app-layer.detect-bytes", app_detect_bytes, 64, 65536, "4096",
	    "bytes of each direction examined to recognise a protocol"),
	K_BOOL("app-layer.ndpi.enabled", ndpi_enabled, "true",
	    "label flows with nDPI"),
	K_UINT("app-layer.ndpi.max-packets", ndpi_max_packets, 1, 1000, "16",
	    "packets of a flow shown to nDPI"),
	{ .path = "app-layer.ndpi.protocols", .type = CFGK_CUSTOM,
	  FIELD(ndpi_protocols), .set = set_ndpi_protocols,
	  .def = "[default]",
	  .desc = "protocols nDPI looks for; default and all are lists" },

	K_BOOL("devices.enabled", devices.enabled, "true",
	    "keep the device inventory (needs app-layer for identity)"),
	{ .path = "devices.fingerprints", .type = CFGK_STRING,
	  FIELD(devices.fingerprints), .def = "builtin",
	  .desc = "local fingerprint files (*.yaml) added to the compiled-in "
	  "ones; builtin: none" },
	K_BOOL("devices.builtin-fingerprints", devices.builtin_fingerprints,
	    "true", "use the compiled-in fingerprints (false: only local)"),
	{ .path = "devices.oui-dir", .type = CFGK_STRING,
	  FIELD(devices.oui_dir), .def = "/usr/share/ieee-data",
	  .desc = "IEEE registry files (oui.csv, mam.csv, oui36.csv)" },
	{ .path = "devices.state-file", .type = CFGK_STRING,
	  FIELD(devices.state_file), .def = "auto",
	  .desc = "inventory database (auto: by mode); --state overrides it" },
	{ .path = "devices.medical-vlans", .type = CFGK_CUSTOM,
	  FIELD(devices.n_medical_vlans), .min = 1, .max = 4094,
	  .set = set_medical_vlans, .def = "[]",
	  .desc = "VLANs where a new device raises an alert" },
	K_UINT("devices.max-devices", devices.max_devices, 16, 1000000,
	    "10000", "devices kept; more are counted, not tracked"),
	K_UINT("devices.max-peers", devices.max_peers, 1, 4096, "64",
	    "peers kept per device (communication map); more are counted"),
	K_UINT("devices.save-interval", devices.save_interval, 0, 86400, "60",
	    "seconds of packet time between saves; 0: only at the end"),
	K_UINT("devices.queue-max", devices.queue_max, 1024, 16777216,
	    "262144", "device events waiting for the inventory: past it, "
	    "-r waits and -i drops"),
	K_UINT("devices.snapshot-interval", devices.snapshot_interval, 0,
	    31536000, "86400", "seconds between snapshots of every device; "
	    "0: only at the end"),
	K_ENUM("devices.record", devices.slim_records, device_records, "full",
	    "device records: full (with evidence) or slim"),
	K_UINT("devices.alert-window", devices.alert_window, 0, 31536000,
	    "3600", "seconds one policy or baseline alert stands for its "
	    "repeats; 0: none"),

	{ .path = "zones", .type = CFGK_CUSTOM, FIELD(devices.zones),
	  .set = set_zones, .def = "{}",
	  .desc = "named segments: NAME: {vlans: [...], subnets: [...]}" },
	{ .path = "policy.files", .type = CFGK_CUSTOM,
	  FIELD(devices.n_policy_files), .set = set_policy_files,
	  .def = "[]", .desc = "policy files added to the shipped profiles" },
	K_ENUM("policy.mode", devices.policy_mode, policy_modes, "learned",
	    "learned: profiles and what devices did learning; strict: "
	    "profiles"),
	{ .path = "policy.overrides", .type = CFGK_CUSTOM,
	  FIELD(devices.n_policy_overrides), .set = set_policy_overrides,
	  .def = "[]", .desc = "the site's own profiles, loaded last" },
	{ .path = "geoip.country-database", .type = CFGK_CUSTOM,
	  FIELD(devices.geoip_country), .set = set_rule_string, .def = "~",
	  .desc = "MaxMind country database (Country or City); ~: none" },
	{ .path = "geoip.asn-database", .type = CFGK_CUSTOM,
	  FIELD(devices.geoip_asn), .set = set_rule_string, .def = "~",
	  .desc = "MaxMind ASN database (GeoLite2 ASN); ~: none" },

	K_BOOL("baseline.enabled", devices.baseline.enabled, "true",
	    "learn baselines and detect attack behaviour (needs devices)"),
	{ .path = "baseline.learning-period", .type = CFGK_CUSTOM,
	  FIELD(devices.baseline.learning_period), .min = 3600,
	  .max = 31536000, .set = set_duration, .def = "7d",
	  .desc = "traffic time a new device learns before it enforces "
	  "(--learn: the whole run)" },
	K_UINT("baseline.max-peers", devices.baseline.max[BL_PEER], 1, 4096,
	    "64", "peers learned per device; more are counted"),
	K_UINT("baseline.max-services", devices.baseline.max[BL_SERVICE], 1,
	    4096, "32", "services (transport, port, application, role) "
	    "learned per device"),
	K_UINT("baseline.max-hl7-sent", devices.baseline.max[BL_HL7_SENT], 1,
	    4096, "16", "HL7 message types learned as sent, per device"),
	K_UINT("baseline.max-hl7-received", devices.baseline.max[BL_HL7_RECV],
	    1, 4096, "16", "HL7 message types learned as received"),
	K_UINT("baseline.max-dicom-ae-pairs",
	    devices.baseline.max[BL_DICOM_AE], 1, 4096, "16",
	    "DICOM (calling, called) AE title pairs learned per device"),
	K_UINT("baseline.max-dicom-commands",
	    devices.baseline.max[BL_DICOM_CMD], 1, 4096, "16",
	    "DICOM commands learned per device"),
	K_UINT("baseline.max-external", devices.baseline.max[BL_EXTERNAL], 1,
	    4096, "32", "internet destinations learned per device"),
	K_UINT("baseline.volume.mad", devices.baseline.vol_mad, 1, 100, "5",
	    "an hour is over when above median + this many robust "
	    "deviations ..."),
	K_UINT("baseline.volume.ratio", devices.baseline.vol_ratio, 1, 1000,
	    "4", "... and above this many times the median ..."),
	K_UINT("baseline.volume.min-flows",
	    devices.baseline.vol_min[BL_M_FLOWS], 0, 100000000, "50",
	    "... and above the median by this many flows (or packets, or "
	    "bytes)"),
	K_UINT("baseline.volume.min-packets",
	    devices.baseline.vol_min[BL_M_PACKETS], 0, 1000000000, "5000",
	    "margin in packets an hour"),
	K_SIZE("baseline.volume.min-bytes",
	    devices.baseline.vol_min[BL_M_BYTES], 0, 4 * GIB - 1, "8mb",
	    "margin in bytes an hour"),
	K_UINT("baseline.fan-out.ratio", devices.baseline.fan_ratio, 1, 1000,
	    "3", "more distinct peers in a window than this many times the "
	    "most learned ..."),
	K_UINT("baseline.fan-out.slack", devices.baseline.fan_slack, 0,
	    BH_MAX_THRESHOLD, "10", "... plus this many is a deviation"),
	K_BOOL("baseline.detections.enabled",
	    devices.baseline.detect.enabled, "true",
	    "detect attack behaviour (scans, ransomware, sweeps, ...) on "
	    "every device"),
	K_UINT("baseline.detections.scan.peers",
	    devices.baseline.detect.threshold[BH_SCAN_PEERS], 0,
	    BH_MAX_THRESHOLD, "32", "distinct peers a device starts flows "
	    "to in a window: a scan; 0: off"),
	K_UINT("baseline.detections.scan.ports",
	    devices.baseline.detect.threshold[BH_SCAN_PORTS], 0,
	    BH_MAX_THRESHOLD, "50", "distinct ports it tries in a window"),
	{ .path = "baseline.detections.scan.window", .type = CFGK_CUSTOM,
	  FIELD(devices.baseline.detect.window[BH_SCAN_PEERS]), .min = 1,
	  .max = BH_MAX_WINDOW, .set = set_duration, .def = "60s",
	  .desc = "the scan window" },
	K_UINT("baseline.detections.cleartext-logins.hosts",
	    devices.baseline.detect.threshold[BH_LOGINS], 0,
	    BH_MAX_THRESHOLD, "2", "distinct hosts a device logs into in "
	    "clear in a window"),
	{ .path = "baseline.detections.cleartext-logins.window",
	  .type = CFGK_CUSTOM, FIELD(devices.baseline.detect.window[BH_LOGINS]),
	  .min = 1, .max = BH_MAX_WINDOW, .set = set_duration, .def = "10m",
	  .desc = "the cleartext logins window" },
	K_UINT("baseline.detections.smb.files",
	    devices.baseline.detect.threshold[BH_SMB_FILES], 0,
	    BH_MAX_THRESHOLD, "30", "distinct files a device writes, "
	    "renames or deletes over SMB in a window"),
	K_UINT("baseline.detections.smb.hosts",
	    devices.baseline.detect.threshold[BH_SMB_HOSTS], 0,
	    BH_MAX_THRESHOLD, "3", "distinct hosts it writes files on in a "
	    "window"),
	{ .path = "baseline.detections.smb.window", .type = CFGK_CUSTOM,
	  FIELD(devices.baseline.detect.window[BH_SMB_FILES]), .min = 1,
	  .max = BH_MAX_WINDOW, .set = set_duration, .def = "60s",
	  .desc = "the SMB window" },
	K_UINT("baseline.detections.dicom-find.requests",
	    devices.baseline.detect.threshold[BH_FINDS], 0, BH_MAX_THRESHOLD,
	    "30", "C-FIND requests of a device in a window: a sweep"),
	{ .path = "baseline.detections.dicom-find.window", .type = CFGK_CUSTOM,
	  FIELD(devices.baseline.detect.window[BH_FINDS]), .min = 1,
	  .max = BH_MAX_WINDOW, .set = set_duration, .def = "60s",
	  .desc = "the C-FIND window" },
	K_UINT("baseline.detections.dicom-retrieve.requests",
	    devices.baseline.detect.threshold[BH_MOVES], 0, BH_MAX_THRESHOLD,
	    "25", "C-MOVE and C-GET requests of a device in a window: mass "
	    "retrieval"),
	{ .path = "baseline.detections.dicom-retrieve.window",
	  .type = CFGK_CUSTOM, FIELD(devices.baseline.detect.window[BH_MOVES]),
	  .min = 1, .max = BH_MAX_WINDOW, .set = set_duration, .def = "10m",
	  .desc = "the retrieval window" },
	K_BOOL("baseline.detections.dicom-new-ae",
	    devices.baseline.detect.new_ae, "true",
	    "a C-MOVE to an AE title no association ever named"),
	K_BOOL("baseline.detections.phi-to-internet",
	    devices.baseline.detect.phi_internet, "true",
	    "HL7 or DICOM sent to an internet address"),
	K_UINT("baseline.detections.flood.flows",
	    devices.baseline.detect.threshold[BH_FLOOD_FLOWS], 0,
	    1000000000, "1000", "flows from a device to one peer in a "
	    "window"),
	K_UINT("baseline.detections.flood.packets",
	    devices.baseline.detect.threshold[BH_FLOOD_PACKETS], 0,
	    4000000000u, "100000", "packets from a device to one peer in a "
	    "window"),
	{ .path = "baseline.detections.flood.window", .type = CFGK_CUSTOM,
	  FIELD(devices.baseline.detect.window[BH_FLOOD_FLOWS]), .min = 1,
	  .max = BH_MAX_WINDOW, .set = set_duration, .def = "60s",
	  .desc = "the flood window" },
	K_UINT("baseline.detections.off-hours.flows",
	    devices.baseline.detect.off_hours_flows, 0, 1000000, "1",
	    "flows started in an hour of the day never active "
	    "while learning"),

	K_BOOL("detect.enabled", detect.enabled, "true",
	    "match threat rules (needs app-layer for protocol buffers)"),
	{ .path = "default-rule-path", .type = CFGK_CUSTOM,
	  FIELD(detect.default_rule_path), .set = set_rule_string, .def = "~",
	  .desc = "directory of relative rule-files; ~: as given" },
	{ .path = "rule-files", .type = CFGK_CUSTOM,
	  FIELD(detect.rule_files), .set = set_rule_files, .def = "[]",
	  .desc = "rule files (-S replaces them); []: the shipped rules" },
	{ .path = "classification-file", .type = CFGK_CUSTOM,
	  FIELD(detect.classification_file), .set = set_rule_string,
	  .def = "~", .desc = "classification.config; ~: built-in" },
	{ .path = "reference-config-file", .type = CFGK_CUSTOM,
	  FIELD(detect.reference_file), .set = set_rule_string, .def = "~",
	  .desc = "reference.config; ~: none" },
	{ .path = "threshold-file", .type = CFGK_CUSTOM,
	  FIELD(detect.threshold_file), .set = set_rule_string, .def = "~",
	  .desc = "threshold.config (suppress, threshold, event_filter); "
	  "~: none" },
	{ .path = "vars.address-groups", .type = CFGK_CUSTOM,
	  FIELD(detect.addr_vars), .set = set_vars, .def = "{}",
	  .desc = "rule address variables (HOME_NET: ...); unset ones get "
	  "Suricata's defaults" },
	{ .path = "vars.port-groups", .type = CFGK_CUSTOM,
	  FIELD(detect.port_vars), .set = set_vars, .def = "{}",
	  .desc = "rule port variables (HTTP_PORTS: ...)" },
	{ .path = "datasets", .type = CFGK_CUSTOM,
	  FIELD(detect.datasets), .set = set_datasets, .def = "{}",
	  .desc = "sets for dataset rules: NAME: {type, load, memcap, "
	  "hashsize}" },
	{ .path = "dicom.known-ae-titles", .type = CFGK_CUSTOM,
	  FIELD(detect.known_ae), .set = set_known_ae, .def = "[]",
	  .desc = "AE titles the site knows (the dataset dicom-known-ae)" },

	K_BOOL("privacy.pseudonyms", privacy_pseudonyms, "false",
	    "keyed pseudonyms of patient and study ids, for detections"),
	{ .path = "privacy.key-file", .type = CFGK_CUSTOM,
	  FIELD(privacy_key_file), .set = set_rule_string, .def = "~",
	  .desc = "pseudonym key; ~: pseudonym.key in the state directory" },
};

const struct cfgkey *
config_keys(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->workers = 0;
	cfg->snaplen = CONFIG_DEFAULT_SNAPLEN;
	cfg->promisc = true;
	cfg->buffer_size = CONFIG_DEFAULT_BUFFER_SIZE;
	cfg->dedup_window = 2000;
	cfg->health_interval = 10;
	cfg->health_drop_pct = 1;
	cfg->health_silence = 60;
	cfg->health_oneway_pct = 80;
	cfg->health_min_flows = 20;
	cfg->health_dup_pct = 1;
	cfg->worker_stall = 60;
	decode_config_defaults(&cfg->decode);
	flow_config_defaults(&cfg->flow);
	stream_config_defaults(&cfg->flow.stream);
	cfg->community_id_seed = 0;
	cfg->eve_enabled = true;
	cfg->eve_filename = xstrdup("eve.json");
	cfg->sensor_name = xstrdup(CONFIG_SENSOR_AUTO);
	cfg->eve_types.bits = config_eve_default;
	cfg->hygiene.rate_seconds = 60;
	cfg->stats_interval = CONFIG_DEFAULT_STATS_INTERVAL;
	cfg->anomaly_rate = CONFIG_DEFAULT_ANOMALY_RATE;
	cfg->ts_localtime = false;
	cfg->app_enabled = true;
	cfg->app_parsers = config_parsers_default;
	cfg->app_max_buffer = 2 * MIB;
	cfg->app_detect_bytes = 4096;
	cfg->ndpi_enabled = true;
	cfg->ndpi_max_packets = 16;
	brain_config_defaults(&cfg->devices);
	cfg->devices.risks = report_risks_of;
	detect_config_defaults(&cfg->detect);
}

void
config_free(struct config *cfg)
{
	free(cfg->path);
	cfg->path = NULL;
	free(cfg->eve_filename);
	cfg->eve_filename = NULL;
	while (cfg->noutputs > 0)
		outspec_free(&cfg->outputs[--cfg->noutputs]);
	free(cfg->outputs);
	cfg->outputs = NULL;
	free(cfg->sensor_name);
	cfg->sensor_name = NULL;
	while (cfg->n_interfaces > 0)
		free(cfg->interfaces[--cfg->n_interfaces]);
	free(cfg->interfaces);
	cfg->interfaces = NULL;
	brain_config_free(&cfg->devices);
	detect_config_free(&cfg->detect);
	free(cfg->privacy_key_file);
	cfg->privacy_key_file = NULL;
}

/*
 * A list of at most max distinct numbers in [k->min, k->max] ('what'
 * names one in messages: "port", "VLAN").  Returns the count, or -1
 * with every problem reported; out is written only on success.
 */
static int
get_u16_list(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, uint16_t *out, size_t max,
    const char *what)
{
	uint16_t vals[64];
	char show[CFGYAML_SHOWBUF];
	size_t i, j, n = 0;
	uint64_t x;
	int errs = y->nerrors;

	if (max > sizeof(vals) / sizeof(vals[0]))
		max = sizeof(vals) / sizeof(vals[0]);
	if (v->kind != CFGYAML_SEQ) {
		if (cfgyaml_is_null(v))
			cfgyaml_error(y, v, "%s: missing value", k->path);
		else
			cfgyaml_error(y, v, "%s: expected a list of %ss, got "
			    "%s", k->path, what, cfgyaml_describe(v, show,
			    sizeof(show)));
		return -1;
	}
	for (i = 0; i < v->nkids; i++) {
		if (cfgyaml_get_uint(y, k->path, v->kids[i], k->min, k->max,
		    &x) == -1)
			continue;
		for (j = 0; j < n; j++)
			if (vals[j] == x)
				break;
		if (j < n) {
			cfgyaml_error(y, v->kids[i], "%s: duplicate %s %u",
			    k->path, what, (unsigned)x);
			continue;
		}
		if (n == max) {
			cfgyaml_error(y, v->kids[i], "%s: more than %zu %ss",
			    k->path, max, what);
			break;
		}
		vals[n++] = (uint16_t)x;
	}
	if (y->nerrors != errs)
		return -1;
	memcpy(out, vals, n * sizeof(vals[0]));
	return (int)n;
}

/*
 * A duration in seconds: a number, or one with a unit, "90s", "10m",
 * "12h", "7d" (what a clinical engineer writes for a learning period).
 */
static int
set_duration(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	static const struct {
		char		 unit;
		uint64_t	 mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char show[CFGYAML_SHOWBUF], num[32];
	const char *errstr;
	uint64_t x, mult = 1;
	size_t n, i;

	if (v->kind != CFGYAML_SCALAR || cfgyaml_is_null(v) || !v->plain ||
	    (n = strlen(v->str)) == 0 || n >= sizeof(num)) {
		cfgyaml_error(y, v, "%s: expected a duration (60s, 10m, 12h, "
		    "7d), got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	memcpy(num, v->str, n + 1);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (num[n - 1] == units[i].unit) {
			mult = units[i].mult;
			num[--n] = '\0';
			break;
		}
	if (n == 0 || (num[0] == '0' && num[1] != '\0') ||
	    parse_uint(num, 0, UINT32_MAX, &x, &errstr) == -1) {
		cfgyaml_error(y, v, "%s: expected a duration (60s, 10m, 12h, "
		    "7d), got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	x *= mult;
	if (x < k->min || x > k->max) {
		cfgyaml_error(y, v, "%s: %s is out of range (%" PRIu64 "s to "
		    "%" PRIu64 "s)", k->path, cfgyaml_describe(v, show,
		    sizeof(show)), k->min, k->max);
		return -1;
	}
	*(uint32_t *)(void *)((char *)base + k->off) = (uint32_t)x;
	return 0;
}

/* devices.medical-vlans: a list of distinct VLAN ids. */
static int
set_medical_vlans(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	int n;

	n = get_u16_list(y, k, v, cfg->devices.medical_vlans,
	    BRAIN_MAX_MEDICAL_VLANS, "VLAN");
	if (n < 0)
		return -1;
	cfg->devices.n_medical_vlans = (uint32_t)n;
	return 0;
}

/*
 * app-layer.ndpi.protocols: a list of nDPI protocol names (any case),
 * "default" (the list dpi.c enables when none is given) and "all".
 * Names are checked against nDPI itself, so a typo is an error at its
 * line and column, not a surprise at start-up.  Stored joined by
 * commas; [default] alone is stored as "".
 */
static int
set_ndpi_protocols(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	const char *names[CONFIG_NDPI_PROTOCOLS_MAX / 2];
	char show[CFGYAML_SHOWBUF], joined[CONFIG_NDPI_PROTOCOLS_MAX];
	size_t i, j, n = 0, len = 0, bad;
	int errs = y->nerrors, rc;

	if (v->kind != CFGYAML_SEQ) {
		if (cfgyaml_is_null(v))
			cfgyaml_error(y, v, "%s: missing value", k->path);
		else
			cfgyaml_error(y, v, "%s: expected a list of nDPI "
			    "protocol names, got %s", k->path,
			    cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	if (v->nkids == 0) {
		cfgyaml_error(y, v, "%s: empty list (to turn nDPI off, set "
		    "app-layer.ndpi.enabled: false)", k->path);
		return -1;
	}
	for (i = 0; i < v->nkids; i++) {
		const struct cfgyaml_node *e = v->kids[i];

		if (e->kind != CFGYAML_SCALAR || cfgyaml_is_null(e) ||
		    e->len == 0 || strlen(e->str) != e->len ||
		    strpbrk(e->str, ", \t") != NULL) {
			cfgyaml_error(y, e, "%s: expected an nDPI protocol "
			    "name, got %s", k->path,
			    cfgyaml_describe(e, show, sizeof(show)));
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcasecmp(names[j], e->str) == 0)
				break;
		if (j < n) {
			cfgyaml_error(y, e, "%s: duplicate protocol \"%s\"",
			    k->path, e->str);
			continue;
		}
		if (len + e->len + 1 >= sizeof(joined) ||
		    n == sizeof(names) / sizeof(names[0])) {
			cfgyaml_error(y, e, "%s: list longer than %zu bytes "
			    "(all names every protocol)", k->path,
			    sizeof(joined) - 1);
			return -1;
		}
		names[n++] = e->str;
		len += e->len + 1;
	}
	if (y->nerrors != errs)
		return -1;
	if ((rc = dpi_check_protocols(names, n, &bad)) == -2) {
		cfgyaml_error(y, v, "%s: nDPI failed to initialise, names "
		    "not checked", k->path);
		return -1;
	}
	if (rc == -1) {
		for (i = 0; i < v->nkids && v->kids[i]->str != names[bad];
		    i++)
			;
		cfgyaml_error(y, i < v->nkids ? v->kids[i] : v,
		    "%s: nDPI knows no protocol \"%s\"", k->path,
		    names[bad]);
		return -1;
	}
	memset(joined, 0, sizeof(joined));
	if (!(n == 1 && strcasecmp(names[0], "default") == 0))
		for (i = 0, len = 0; i < n; i++)
			len += (size_t)snprintf(joined + len,
			    sizeof(joined) - len, "%s%s", i > 0 ? "," : "",
			    names[i]);
	memcpy(cfg->ndpi_protocols, joined, sizeof(joined));
	return 0;
}

/* One address or CIDR block ("10.1.0.0/16", "2001:db8::1"). */
static int
parse_cidr(const char *str, struct stream_host_policy *h)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long bits;
	unsigned max;

	if (strlcpy(buf, str, sizeof(buf)) >= sizeof(buf))
		return -1;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(h->addr, 0, sizeof(h->addr));
	if (inet_pton(AF_INET, buf, h->addr) == 1)
		h->ipver = 4;
	else if (inet_pton(AF_INET6, buf, h->addr) == 1)
		h->ipver = 6;
	else
		return -1;
	max = h->ipver == 4 ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		bits = strtoul(slash, &end, 10);
		if (*end != '\0' || bits > max)
			return -1;
	}
	h->prefix = (uint8_t)bits;
	return 0;
}

/*
 * host-os-policy, as suricata.yaml spells it: a mapping of policy name
 * to a list of addresses and CIDR blocks of the hosts that behave so.
 */
static int
set_host_os_policy(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	struct stream_config *sc = &cfg->flow.stream;
	char show[CFGYAML_SHOWBUF];
	const struct cfgyaml_node *name, *list, *e;
	struct stream_host_policy h;
	size_t i, j, n = 0;
	int errs = y->nerrors, pol;

	if (cfgyaml_is_null(v)) {
		sc->n_hosts = 0;
		return 0;
	}
	if (v->kind != CFGYAML_MAP) {
		cfgyaml_error(y, v, "%s: expected a mapping of policy names to "
		    "address lists, got %s", k->path,
		    cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	for (i = 0; i + 1 < v->nkids; i += 2) {
		name = v->kids[i];
		list = v->kids[i + 1];
		for (pol = -1, j = 0; stream_policies[j].name != NULL; j++)
			if (name->kind == CFGYAML_SCALAR &&
			    strcmp(name->str, stream_policies[j].name) == 0)
				pol = (int)stream_policies[j].value;
		if (pol < 0) {
			cfgyaml_error(y, name, "%s: unknown policy %s", k->path,
			    cfgyaml_describe(name, show, sizeof(show)));
			continue;
		}
		if (list->kind != CFGYAML_SEQ) {
			cfgyaml_error(y, list, "%s.%s: expected a list of "
			    "addresses, got %s", k->path, name->str,
			    cfgyaml_describe(list, show, sizeof(show)));
			continue;
		}
		for (j = 0; j < list->nkids; j++) {
			e = list->kids[j];
			if (e->kind != CFGYAML_SCALAR ||
			    strlen(e->str) != e->len ||
			    parse_cidr(e->str, &h) == -1) {
				cfgyaml_error(y, e, "%s.%s: expected an address "
				    "or CIDR block, got %s", k->path,
				    name->str, cfgyaml_describe(e, show,
				    sizeof(show)));
				continue;
			}
			if (n == STREAM_MAX_HOST_POLICIES) {
				cfgyaml_error(y, e, "%s: more than %d entries",
				    k->path, STREAM_MAX_HOST_POLICIES);
				return -1;
			}
			h.policy = (uint8_t)pol;
			sc->hosts[n++] = h;
		}
	}
	if (y->nerrors != errs)
		return -1;
	sc->n_hosts = (uint32_t)n;
	return 0;
}

/*
 * alert-hygiene.suppress: a list of {sid: N, gid: N, src: ADDR[/BITS]},
 * gid and src optional (any).
 */
static int
set_suppress(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	struct output_suppress e, out[OUTPUT_MAX_SUPPRESS];
	struct stream_host_policy h;
	char show[CFGYAML_SHOWBUF];
	const struct cfgyaml_node *m, *key, *val;
	size_t i, j, n = 0;
	uint64_t x;
	bool have_sid;
	int errs = y->nerrors;

	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(y, v, "%s: expected a list of {sid, gid, src}, "
		    "got %s", k->path, cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	for (i = 0; i < v->nkids; i++) {
		m = v->kids[i];
		if (m->kind != CFGYAML_MAP) {
			cfgyaml_error(y, m, "%s: expected {sid, gid, src}, got "
			    "%s", k->path, cfgyaml_describe(m, show,
			    sizeof(show)));
			continue;
		}
		memset(&e, 0, sizeof(e));
		have_sid = false;
		for (j = 0; j + 1 < m->nkids; j += 2) {
			key = m->kids[j];
			val = m->kids[j + 1];
			if (key->kind == CFGYAML_SCALAR &&
			    strcmp(key->str, "sid") == 0) {
				if (cfgyaml_get_uint(y, k->path, val, 1,
				    UINT32_MAX, &x) == 0) {
					e.sid = (uint32_t)x;
					have_sid = true;
				}
			} else if (key->kind == CFGYAML_SCALAR &&
			    strcmp(key->str, "gid") == 0) {
				if (cfgyaml_get_uint(y, k->path, val, 1,
				    UINT32_MAX, &x) == 0)
					e.gid = (uint32_t)x;
			} else if (key->kind == CFGYAML_SCALAR &&
			    strcmp(key->str, "src") == 0) {
				if (val->kind != CFGYAML_SCALAR ||
				    strlen(val->str) != val->len ||
				    parse_cidr(val->str, &h) == -1) {
					cfgyaml_error(y, val, "%s: src: expected "
					    "an address or CIDR block, got %s",
					    k->path, cfgyaml_describe(val, show,
					    sizeof(show)));
					continue;
				}
				e.ipver = h.ipver;
				e.prefix = h.prefix;
				memcpy(e.addr, h.addr, sizeof(e.addr));
			} else
				cfgyaml_error(y, key, "%s: unknown key %s "
				    "(sid, gid, src)", k->path,
				    cfgyaml_describe(key, show, sizeof(show)));
		}
		if (!have_sid) {
			cfgyaml_error(y, m, "%s: an entry needs sid", k->path);
			continue;
		}
		if (n == OUTPUT_MAX_SUPPRESS) {
			cfgyaml_error(y, m, "%s: more than %d entries", k->path,
			    OUTPUT_MAX_SUPPRESS);
			return -1;
		}
		out[n++] = e;
	}
	if (y->nerrors != errs)
		return -1;
	memcpy(cfg->hygiene.suppress, out, n * sizeof(out[0]));
	cfg->hygiene.nsuppress = (uint32_t)n;
	return 0;
}

/* A scalar string of at most CFGYAML_MAX_STRING bytes, or NULL. */
static char *
rule_string(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v)
{
	char show[CFGYAML_SHOWBUF];

	if (v->kind != CFGYAML_SCALAR || v->len == 0 ||
	    strlen(v->str) != v->len || v->len > CFGYAML_MAX_STRING) {
		cfgyaml_error(y, v, "%s: expected a file name, got %s",
		    k->path, cfgyaml_describe(v, show, sizeof(show)));
		return NULL;
	}
	return xstrdup(v->str);
}

/*
 * default-rule-path, classification-file, reference-config-file,
 * threshold-file: a file name, or ~ for none.  (The field is set, not
 * freed first: a key is set once per file, over its default NULL.)
 */
static int
set_rule_string(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	char **field = (char **)(void *)((char *)base + k->off);
	char *s = NULL;

	if (!cfgyaml_is_null(v) && (s = rule_string(y, k, v)) == NULL)
		return -1;
	*field = s;
	return 0;
}

/* rule-files: a list of file names ([]: the shipped rules). */
static int
set_rule_files(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF], **files = NULL;
	size_t i, n = 0;
	int errs = y->nerrors;

	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(y, v, "%s: expected a list of rule files, "
		    "got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	if (v->nkids > 0)
		files = xcalloc(v->nkids, sizeof(*files));
	for (i = 0; i < v->nkids; i++)
		if ((files[n] = rule_string(y, k, v->kids[i])) != NULL)
			n++;
	if (y->nerrors != errs) {
		while (n > 0)
			free(files[--n]);
		free(files);
		return -1;
	}
	cfg->detect.rule_files = files;
	cfg->detect.n_rule_files = n;
	return 0;
}

/* capture.interfaces: a list of interface names (IFNAMSIZ). */
static int
set_interfaces(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF], **names = NULL;
	size_t i, n = 0;

	if (v->kind != CFGYAML_SEQ || v->nkids > CONFIG_MAX_INTERFACES) {
		cfgyaml_error(y, v, "%s: expected a list of at most %d "
		    "interfaces, got %s", k->path, CONFIG_MAX_INTERFACES,
		    cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	if (v->nkids > 0)
		names = xcalloc(v->nkids, sizeof(*names));
	for (i = 0; i < v->nkids; i++) {
		const struct cfgyaml_node *t = v->kids[i];

		if (t->kind != CFGYAML_SCALAR || t->len == 0 || t->len > 15 ||
		    strlen(t->str) != t->len || strpbrk(t->str, "/ \t") !=
		    NULL) {
			cfgyaml_error(y, t, "%s: expected an interface name "
			    "(1 to 15 characters), got %s", k->path,
			    cfgyaml_describe(t, show, sizeof(show)));
			continue;
		}
		names[n++] = xstrdup(t->str);
	}
	if (n != v->nkids) {
		while (n > 0)
			free(names[--n]);
		free(names);
		return -1;
	}
	cfg->interfaces = names;
	cfg->n_interfaces = n;
	return 0;
}

/* dicom.known-ae-titles: a list of AE titles, 1 to 16 characters. */
static int
set_known_ae(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF], **ae = NULL;
	size_t i, n = 0;

	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(y, v, "%s: expected a list of AE titles, got %s",
		    k->path, cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	if (v->nkids > 0)
		ae = xcalloc(v->nkids, sizeof(*ae));
	for (i = 0; i < v->nkids; i++) {
		const struct cfgyaml_node *t = v->kids[i];

		/* PS3.5 6.2: 16 characters, no backslash or control */
		if (t->kind != CFGYAML_SCALAR || t->len == 0 || t->len > 16 ||
		    strlen(t->str) != t->len || strchr(t->str, '\\') !=
		    NULL) {
			cfgyaml_error(y, t, "%s: expected an AE title (1 to 16 "
			    "characters), got %s", k->path,
			    cfgyaml_describe(t, show, sizeof(show)));
			continue;
		}
		ae[n++] = xstrdup(t->str);
	}
	if (n != v->nkids) {
		while (n > 0)
			free(ae[--n]);
		free(ae);
		return -1;
	}
	cfg->detect.known_ae = ae;
	cfg->detect.n_known_ae = n;
	return 0;
}

/*
 * datasets: NAME: {type: string|md5|sha256|ipv4|ip, load: FILE,
 * memcap: SIZE, hashsize: N}, as suricata.yaml declares them; the rule
 * engine reads the files when it loads.
 */
static int
set_datasets(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	static const char *const types[] = { "string", "md5", "sha256",
	    "ipv4", "ip" };
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF];
	struct detect_dataset_config *ds = NULL, *d;
	size_t i, j, n = 0;
	int errs = y->nerrors;

	if (v->kind != CFGYAML_MAP) {
		cfgyaml_error(y, v, "%s: expected a mapping of NAME: {type, "
		    "load}, got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	if (v->nkids > 0)
		ds = xcalloc(v->nkids / 2, sizeof(*ds));
	for (i = 0; i + 1 < v->nkids; i += 2) {
		const struct cfgyaml_node *key = v->kids[i],
		    *val = v->kids[i + 1];

		if (key->kind != CFGYAML_SCALAR || key->len == 0 ||
		    strlen(key->str) != key->len ||
		    strspn(key->str, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_.-") != key->len) {
			cfgyaml_error(y, key, "%s: bad dataset name %s",
			    k->path, cfgyaml_describe(key, show,
			    sizeof(show)));
			continue;
		}
		if (val->kind != CFGYAML_MAP) {
			cfgyaml_error(y, val, "%s.%s: expected {type, load}, "
			    "got %s", k->path, key->str, cfgyaml_describe(val,
			    show, sizeof(show)));
			continue;
		}
		d = &ds[n];
		for (j = 0; j + 1 < val->nkids; j += 2) {
			const struct cfgyaml_node *sk = val->kids[j],
			    *sv = val->kids[j + 1];
			const char *name = sk->kind == CFGYAML_SCALAR ?
			    sk->str : "";
			const char *errstr;
			uint64_t u;
			size_t t;

			if (sv->kind != CFGYAML_SCALAR || sv->len == 0 ||
			    strlen(sv->str) != sv->len) {
				cfgyaml_error(y, sv, "%s.%s.%s: expected a "
				    "value, got %s", k->path, key->str, name,
				    cfgyaml_describe(sv, show, sizeof(show)));
				continue;
			}
			if (strcmp(name, "type") == 0) {
				for (t = 0; t < 5 && strcmp(types[t],
				    sv->str) != 0; t++)
					;
				if (t == 5)
					cfgyaml_error(y, sv, "%s.%s.type: "
					    "expected string, md5, sha256, "
					    "ipv4 or ip, got %s", k->path,
					    key->str, cfgyaml_describe(sv, show,
					    sizeof(show)));
				else if (d->type == NULL)
					d->type = xstrdup(sv->str);
			} else if (strcmp(name, "load") == 0) {
				if (d->load == NULL)
					d->load = xstrdup(sv->str);
			} else if (strcmp(name, "memcap") == 0) {
				if (parse_size(sv->str, 1, UINT64_MAX, &u,
				    &errstr) != 0)
					cfgyaml_error(y, sv, "%s.%s.memcap: "
					    "invalid size %s", k->path,
					    key->str, cfgyaml_describe(sv,
					    show, sizeof(show)));
				else
					d->memcap = u;
			} else if (strcmp(name, "hashsize") == 0) {
				if (parse_uint(sv->str, 1, 1u << 24, &u,
				    &errstr) != 0)
					cfgyaml_error(y, sv, "%s.%s.hashsize: "
					    "expected 1 to 16777216, got %s",
					    k->path, key->str,
					    cfgyaml_describe(sv, show,
					    sizeof(show)));
				else
					d->hashsize = (uint32_t)u;
			} else
				cfgyaml_error(y, sk, "%s.%s: unknown key %s "
				    "(type, load, memcap, hashsize)", k->path,
				    key->str, cfgyaml_describe(sk, show,
				    sizeof(show)));
		}
		if (d->type == NULL && y->nerrors == errs)
			cfgyaml_error(y, val, "%s.%s: needs a type", k->path,
			    key->str);
		for (j = 0; j < n; j++)
			if (strcmp(ds[j].name, key->str) == 0)
				break;
		if (j < n)
			cfgyaml_error(y, key, "%s: duplicate dataset %s",
			    k->path, key->str);
		d->name = xstrdup(key->str);
		n++;
	}
	if (y->nerrors != errs) {
		for (j = 0; j < n; j++) {
			free(ds[j].name);
			free(ds[j].type);
			free(ds[j].load);
		}
		free(ds);
		return -1;
	}
	cfg->detect.datasets = ds;
	cfg->detect.n_datasets = n;
	return 0;
}

/*
 * vars.address-groups and vars.port-groups: NAME: value, where the
 * value is a scalar ("[10.0.0.0/8,!10.1.0.0/16]", "any", "$HOME_NET");
 * the rule engine checks the values when it loads.
 */
static int
set_vars(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	bool addr = strcmp(k->path, "vars.address-groups") == 0;
	char show[CFGYAML_SHOWBUF];
	struct detect_var *vars = NULL;
	size_t i, j, n = 0;
	int errs = y->nerrors;

	if (v->kind != CFGYAML_MAP) {
		cfgyaml_error(y, v, "%s: expected a mapping of NAME: value, "
		    "got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	if (v->nkids / 2 > DETECT_MAX_VARS) {
		cfgyaml_error(y, v, "%s: more than %d variables", k->path,
		    DETECT_MAX_VARS);
		return -1;
	}
	if (v->nkids > 0)
		vars = xcalloc(v->nkids / 2, sizeof(*vars));
	for (i = 0; i + 1 < v->nkids; i += 2) {
		const struct cfgyaml_node *key = v->kids[i],
		    *val = v->kids[i + 1];

		if (key->kind != CFGYAML_SCALAR || key->len == 0 ||
		    strlen(key->str) != key->len ||
		    strspn(key->str, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_") != key->len) {
			cfgyaml_error(y, key, "%s: bad variable name %s",
			    k->path, cfgyaml_describe(key, show,
			    sizeof(show)));
			continue;
		}
		if (val->kind != CFGYAML_SCALAR || val->len == 0 ||
		    strlen(val->str) != val->len) {
			cfgyaml_error(y, val, "%s.%s: expected an %s, got %s",
			    k->path, key->str, addr ? "address list" :
			    "port list", cfgyaml_describe(val, show,
			    sizeof(show)));
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(vars[j].name, key->str) == 0)
				break;
		if (j < n) {
			cfgyaml_error(y, key, "%s: duplicate variable %s",
			    k->path, key->str);
			continue;
		}
		vars[n].name = xstrdup(key->str);
		vars[n++].value = xstrdup(val->str);
	}
	if (y->nerrors != errs) {
		for (j = 0; j < n; j++) {
			free(vars[j].name);
			free(vars[j].value);
		}
		free(vars);
		return -1;
	}
	if (addr) {
		cfg->detect.addr_vars = vars;
		cfg->detect.n_addr_vars = n;
	} else {
		cfg->detect.port_vars = vars;
		cfg->detect.n_port_vars = n;
	}
	return 0;
}

/*
 * zones: a mapping of zone names to their VLANs and subnets.  A VLAN
 * belongs to one zone; built-in zones (internet, multicast, link-local,
 * local) take subnets only.  (The field is set, not freed first: a key
 * is set once per file, over its default NULL.)
 */
static int
set_zones(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF];
	const struct cfgyaml_node *name, *body, *key, *val, *e;
	struct stream_host_policy h;
	struct zones *z;
	uint8_t a[16];
	uint64_t vlan;
	size_t i, j, m;
	int errs = y->nerrors, id, other;

	cfg->devices.zones = NULL;
	if (cfgyaml_is_null(v))
		return 0;
	if (v->kind != CFGYAML_MAP) {
		cfgyaml_error(y, v, "%s: expected a mapping of zone names to "
		    "{vlans, subnets}, got %s", k->path,
		    cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	if (v->nkids == 0)
		return 0;
	z = zones_new();
	for (i = 0; i + 1 < v->nkids; i += 2) {
		name = v->kids[i];
		body = v->kids[i + 1];
		if (name->kind != CFGYAML_SCALAR ||
		    strlen(name->str) != name->len) {
			cfgyaml_error(y, name, "%s: expected a zone name, got "
			    "%s", k->path, cfgyaml_describe(name, show,
			    sizeof(show)));
			continue;
		}
		for (j = 0; j < i; j += 2)
			if (strcmp(v->kids[j]->str, name->str) == 0)
				break;
		if (j < i) {
			cfgyaml_error(y, name, "%s: duplicate zone \"%s\"",
			    k->path, name->str);
			continue;
		}
		if ((id = zones_add(z, name->str)) < 0) {
			cfgyaml_error(y, name, "%s: bad zone name %s (letters, "
			    "digits, . _ -, under %d characters; at most %d "
			    "zones)", k->path, cfgyaml_describe(name, show,
			    sizeof(show)), ZONE_NAME_MAX, ZONE_MAX);
			continue;
		}
		if (cfgyaml_is_null(body))
			continue;
		if (body->kind != CFGYAML_MAP) {
			cfgyaml_error(y, body, "%s.%s: expected a mapping with "
			    "vlans and subnets, got %s", k->path, name->str,
			    cfgyaml_describe(body, show, sizeof(show)));
			continue;
		}
		for (j = 0; j + 1 < body->nkids; j += 2) {
			key = body->kids[j];
			val = body->kids[j + 1];
			if (key->kind != CFGYAML_SCALAR ||
			    (strcmp(key->str, "vlans") != 0 &&
			    strcmp(key->str, "subnets") != 0)) {
				cfgyaml_error(y, key, "%s.%s: unknown key %s "
				    "(expected vlans or subnets)", k->path,
				    name->str, cfgyaml_describe(key, show,
				    sizeof(show)));
				continue;
			}
			if (val->kind != CFGYAML_SEQ) {
				cfgyaml_error(y, val, "%s.%s.%s: expected a "
				    "list, got %s", k->path, name->str,
				    key->str, cfgyaml_describe(val, show,
				    sizeof(show)));
				continue;
			}
			for (m = 0; m < val->nkids; m++) {
				e = val->kids[m];
				if (key->str[0] == 'v') {
					if (cfgyaml_get_uint(y, "VLAN", e, 1,
					    4094, &vlan) == -1)
						continue;
					if (id < ZONE_BUILTIN_N) {
						cfgyaml_error(y, e, "%s.%s: a "
						    "built-in zone takes no "
						    "VLANs", k->path,
						    name->str);
						continue;
					}
					if (zones_add_vlan(z, id,
					    (uint16_t)vlan) == 0)
						continue;
					for (other = ZONE_BUILTIN_N; other <
					    (int)zones_count(z); other++)
						if (other != id && zones_place(
						    z, (int)vlan, NULL) ==
						    other)
							break;
					cfgyaml_error(y, e, "%s.%s: VLAN %u is "
					    "in zone %s already", k->path,
					    name->str, (unsigned)vlan,
					    zones_name(z, other));
					continue;
				}
				if (e->kind != CFGYAML_SCALAR ||
				    strlen(e->str) != e->len ||
				    strchr(e->str, '/') == NULL ||
				    parse_cidr(e->str, &h) == -1) {
					cfgyaml_error(y, e, "%s.%s: expected a "
					    "subnet (10.20.0.0/16, fd00::/8), "
					    "got %s", k->path, name->str,
					    cfgyaml_describe(e, show,
					    sizeof(show)));
					continue;
				}
				memset(a, 0, sizeof(a));
				if (h.ipver == 4) {
					a[10] = a[11] = 0xff;
					memcpy(a + 12, h.addr, 4);
				} else
					memcpy(a, h.addr, 16);
				if (zones_add_subnet(z, id, a, h.ipver == 4 ?
				    96u + h.prefix : h.prefix) == -1)
					cfgyaml_error(y, e, "%s: more than %d "
					    "subnets", k->path,
					    ZONE_MAX_SUBNETS);
			}
		}
	}
	if (y->nerrors != errs) {
		zones_free(z);
		return -1;
	}
	cfg->devices.zones = z;
	return 0;
}

/* policy.files: a list of file names, loaded in order. */
static int
set_policy_files(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	char show[CFGYAML_SHOWBUF], **files = NULL;
	size_t i, n = 0;
	int errs = y->nerrors;

	cfg->devices.policy_files = NULL;
	cfg->devices.n_policy_files = 0;
	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(y, v, "%s: expected a list of policy files, "
		    "got %s", k->path, cfgyaml_describe(v, show,
		    sizeof(show)));
		return -1;
	}
	if (v->nkids > 0)
		files = xcalloc(v->nkids, sizeof(*files));
	for (i = 0; i < v->nkids; i++)
		if ((files[n] = rule_string(y, k, v->kids[i])) != NULL)
			n++;
	if (y->nerrors != errs) {
		while (n > 0)
			free(files[--n]);
		free(files);
		return -1;
	}
	cfg->devices.policy_files = files;
	cfg->devices.n_policy_files = (uint32_t)n;
	return 0;
}

/* policy.overrides: profiles in the schema of the policy files. */
static int
set_policy_overrides(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	struct policy *pol;

	(void)k;
	cfg->devices.policy_overrides = NULL;
	cfg->devices.n_policy_overrides = 0;
	pol = brain_policy_new();
	if (policy_load_node(pol, y, v) != 0) {
		policy_free(pol);
		return -1;
	}
	if (policy_count(pol) == 0) {
		policy_free(pol);
		return 0;
	}
	cfg->devices.policy_overrides = pol;
	cfg->devices.n_policy_overrides = (uint32_t)policy_count(pol);
	return 0;
}

/*
 * decode.vxlan-ports: a list of 1 to DECODE_MAX_VXLAN_PORTS distinct
 * ports.  An empty list turns VXLAN detection by port off.
 */
static int
set_vxlan_ports(struct cfgyaml *y, const struct cfgkey *k,
    const struct cfgyaml_node *v, void *base)
{
	struct config *cfg = base;
	int n;

	n = get_u16_list(y, k, v, cfg->decode.vxlan_ports,
	    DECODE_MAX_VXLAN_PORTS, "port");
	if (n < 0)
		return -1;
	cfg->decode.n_vxlan_ports = (uint32_t)n;
	return 0;
}

/*
 * outputs: as Suricata writes it, a list of "- eve-log:" entries, each
 * a mapping read with its own key table (paths relative to the entry).
 */
#define SFIELD(f)	.off = offsetof(struct output_spec, f),		\
			.size = sizeof(((struct output_spec *)NULL)->f)
#define S_STR(p, f)	{ .path = p, .type = CFGK_STRING, SFIELD(f) }
#define S_ENUM(p, f, e)	{ .path = p, .type = CFGK_ENUM, SFIELD(f), .enums = e }
#define S_BOOL(p, f)	{ .path = p, .type = CFGK_BOOL, SFIELD(f) }

static const struct cfgenum out_kinds[] = {
	{ "regular", OUTK_REGULAR }, { "stdout", OUTK_STDOUT },
	{ "unix_stream", OUTK_UNIX_STREAM }, { "unix_dgram", OUTK_UNIX_DGRAM },
	{ "syslog", OUTK_SYSLOG }, { "redis", OUTK_REDIS }, { NULL, 0 },
};
static const struct cfgenum out_formats[] = {
	{ "rfc5424", OUTF_RFC5424 }, { "rfc3164", OUTF_RFC3164 },
	{ "cef", OUTF_CEF }, { NULL, 0 },
};
#define OUTT_UNSET	99
static const struct cfgenum out_transports[] = {
	{ "local", OUTT_LOCAL }, { "udp", OUTT_UDP }, { "tcp", OUTT_TCP },
	{ "tls", OUTT_TLS }, { "relp", OUTT_RELP }, { NULL, 0 },
};
static const struct cfgenum out_redis_modes[] = {
	{ "list", OUTR_LIST }, { "rpush", OUTR_LIST },
	{ "channel", OUTR_CHANNEL }, { "publish", OUTR_CHANNEL },
	{ "stream", OUTR_STREAM }, { NULL, 0 },
};
static const struct cfgenum out_modes[] = {
	{ "append", 0 }, { "rotate", 1 }, { NULL, 0 },
};
static const struct cfgenum out_drops[] = {
	{ "oldest", 0 }, { "newest", 1 }, { NULL, 0 },
};
static const struct cfgenum facilities[] = {
	{ "kern", 0 }, { "user", 1 }, { "mail", 2 }, { "daemon", 3 },
	{ "auth", 4 }, { "syslog", 5 }, { "lpr", 6 }, { "news", 7 },
	{ "uucp", 8 }, { "cron", 9 }, { "authpriv", 10 }, { "ftp", 11 },
	{ "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 }, { NULL, 0 },
};

static const struct cfgkey out_keys[] = {
	S_ENUM("filetype", kind, out_kinds),
	S_STR("filename", filename),
	S_STR("name", name),
	{ .path = "types", .type = CFGK_FLAGS, SFIELD(types),
	  .enums = eve_types },
	{ .path = "queue", .type = CFGK_UINT, SFIELD(queue), .min = 16,
	  .max = 10000000 },
	S_ENUM("mode", rotate, out_modes),
	{ .path = "max-size", .type = CFGK_SIZE, SFIELD(max_size),
	  .min = 4096, .max = 1ull << 50 },
	S_STR("hash-chain.key-file", chain_key),
	S_STR("server", server),
	{ .path = "port", .type = CFGK_UINT, SFIELD(port), .min = 1,
	  .max = 65535 },
	S_ENUM("transport", transport, out_transports),
	S_ENUM("format", format, out_formats),
	S_ENUM("facility", facility, facilities),
	{ .path = "max-message", .type = CFGK_SIZE, SFIELD(max_dgram),
	  .min = 480, .max = 65507 },
	S_STR("ca-file", ca_file),
	S_STR("cert-file", cert_file),
	S_STR("key-file", key_file),
	S_STR("tls-name", tls_name),
	S_BOOL("relp.tls", relp_tls),
	{ .path = "relp.window", .type = CFGK_UINT, SFIELD(relp_window),
	  .min = 2, .max = 65535 },
	S_ENUM("redis.mode", redis_mode, out_redis_modes),
	S_STR("redis.key", redis_key),
	{ .path = "redis.maxlen", .type = CFGK_UINT, SFIELD(redis_maxlen),
	  .min = 0, .max = UINT64_MAX / 2 },
	S_BOOL("redis.dedupe", redis_dedupe),
	{ .path = "spool.max-size", .type = CFGK_SIZE, SFIELD(spool_max),
	  .min = 4096, .max = 1ull << 50 },
	S_ENUM("spool.drop", spool_drop, out_drops),
};

void
outspec_free(struct output_spec *sp)
{
	free(sp->name);
	free(sp->filename);
	free(sp->chain_key);
	free(sp->server);
	free(sp->ca_file);
	free(sp->cert_file);
	free(sp->key_file);
	free(sp->tls_name);
	free(sp->redis_key);
	memset(sp, 0, sizeof(*sp));
}

/* The root's "outputs" value slot when it is a list, else NULL. */
static struct cfgyaml_node **
outputs_list(struct cfgyaml_node *root)
{
	size_t i;

	for (i = 0; i + 1 < root->nkids; i += 2)
		if (root->kids[i]->kind == CFGYAML_SCALAR &&
		    strcmp(root->kids[i]->str, "outputs") == 0 &&
		    root->kids[i + 1]->kind == CFGYAML_SEQ)
			return &root->kids[i + 1];
	return NULL;
}

static void
load_output(struct cfgyaml *y, const struct cfgyaml_node *item,
    struct config *cfg)
{
	struct output_spec sp;
	const struct cfgyaml_node *body, *saved;
	char show[CFGYAML_SHOWBUF];
	bool net;
	int errs = y->nerrors;

	if (item->kind != CFGYAML_MAP || item->nkids != 2 ||
	    item->kids[0]->kind != CFGYAML_SCALAR ||
	    strcmp(item->kids[0]->str, "eve-log") != 0) {
		cfgyaml_error(y, item, "outputs: expected \"- eve-log:\" and "
		    "its settings, got %s", item->kind == CFGYAML_MAP &&
		    item->nkids > 0 ? cfgyaml_describe(item->kids[0], show,
		    sizeof(show)) : cfgyaml_describe(item, show,
		    sizeof(show)));
		return;
	}
	body = item->kids[1];
	memset(&sp, 0, sizeof(sp));
	sp.types.bits = config_eve_default;
	sp.transport = OUTT_UNSET;
	sp.facility = 21;		/* local5, as Suricata */
	sp.redis_dedupe = true;
	if (!cfgyaml_is_null(body)) {
		if (body->kind != CFGYAML_MAP) {
			cfgyaml_error(y, body, "outputs: eve-log: expected a "
			    "mapping, got %s", cfgyaml_describe(body, show,
			    sizeof(show)));
			return;
		}
		saved = y->root;
		y->root = (struct cfgyaml_node *)(uintptr_t)body;
		cfgyaml_apply(y, out_keys, sizeof(out_keys) /
		    sizeof(out_keys[0]), &sp);
		y->root = (struct cfgyaml_node *)(uintptr_t)saved;
	}
	if (sp.transport == OUTT_UNSET)
		sp.transport = sp.server != NULL ? OUTT_TCP : OUTT_LOCAL;
	net = sp.kind == OUTK_SYSLOG || sp.kind == OUTK_REDIS ||
	    sp.kind == OUTK_UNIX_STREAM || sp.kind == OUTK_UNIX_DGRAM;
	if (sp.kind == OUTK_REGULAR && sp.filename == NULL)
		sp.filename = xstrdup("eve.json");
	if (sp.kind == OUTK_STDOUT) {
		free(sp.filename);
		sp.filename = xstrdup("-");
	}
	if ((sp.kind == OUTK_UNIX_STREAM || sp.kind == OUTK_UNIX_DGRAM) &&
	    sp.filename == NULL)
		cfgyaml_error(y, body, "outputs: eve-log: a %s output needs "
		    "filename (the socket)", out_kinds[sp.kind].name);
	if (sp.kind == OUTK_SYSLOG && sp.transport != OUTT_LOCAL &&
	    sp.server == NULL)
		cfgyaml_error(y, body, "outputs: eve-log: syslog over %s "
		    "needs server", out_transports[sp.transport].name);
	if (sp.kind == OUTK_REDIS && sp.redis_key == NULL)
		sp.redis_key = xstrdup("wardwatch");
	if (sp.spool_max > 0 && !net)
		cfgyaml_error(y, body, "outputs: eve-log: spool is for "
		    "network outputs (syslog, redis, unix sockets)");
	if (sp.chain_key != NULL && sp.kind != OUTK_REGULAR)
		cfgyaml_error(y, body, "outputs: eve-log: hash-chain is for "
		    "regular files");
	if (sp.rotate && sp.max_size == 0)
		cfgyaml_error(y, body, "outputs: eve-log: mode: rotate needs "
		    "max-size");
	if ((sp.cert_file != NULL || sp.ca_file != NULL) &&
	    sp.transport != OUTT_TLS && !(sp.transport == OUTT_RELP &&
	    sp.relp_tls))
		cfgyaml_error(y, body, "outputs: eve-log: ca-file and "
		    "cert-file are for transport: tls (or relp with "
		    "relp: { tls: yes })");
	/* librelp takes a client without a certificate as anonymous and
	 * then checks neither the collector's name nor its chain fully. */
	if (sp.relp_tls && sp.cert_file == NULL)
		cfgyaml_error(y, body, "outputs: eve-log: relp: { tls: yes } "
		    "needs cert-file (librelp checks the collector's name "
		    "only when it has a client certificate)");
	if ((sp.relp_tls || sp.relp_window != 0) &&
	    (sp.kind != OUTK_SYSLOG || sp.transport != OUTT_RELP))
		cfgyaml_error(y, body, "outputs: eve-log: relp: is for "
		    "syslog with transport: relp");
#ifndef HAVE_LIBRELP
	if (sp.kind == OUTK_SYSLOG && sp.transport == OUTT_RELP)
		cfgyaml_error(y, body, "outputs: eve-log: transport: relp: "
		    "this wardwatch was built without librelp (Debian: "
		    "librelp-dev)");
#endif
	if (y->nerrors != errs || cfg->noutputs >= 8) {
		if (cfg->noutputs >= 8)
			cfgyaml_error(y, item, "outputs: at most 8 outputs");
		outspec_free(&sp);
		return;
	}
	cfg->outputs = xreallocarray(cfg->outputs, cfg->noutputs + 1,
	    sizeof(*cfg->outputs));
	cfg->outputs[cfg->noutputs++] = sp;
}

static void
load_outputs(struct cfgyaml *y, const struct cfgyaml_node *list,
    struct config *cfg)
{
	size_t i;

	while (cfg->noutputs > 0)
		outspec_free(&cfg->outputs[--cfg->noutputs]);
	for (i = 0; i < list->nkids && !y->aborted; i++)
		load_output(y, list->kids[i], cfg);
	/* The first file is "the" EVE file (the summary, -l). */
	cfg->eve_enabled = false;
	for (i = 0; i < cfg->noutputs; i++)
		if (cfg->outputs[i].kind == OUTK_REGULAR ||
		    cfg->outputs[i].kind == OUTK_STDOUT) {
			cfg->eve_enabled = true;
			free(cfg->eve_filename);
			cfg->eve_filename = xstrdup(cfg->outputs[i].filename);
			cfg->eve_types = cfg->outputs[i].types;
			break;
		}
	if (list->nkids == 0)
		cfgyaml_error(y, list, "outputs: empty list (to write "
		    "nothing, set outputs: eve: enabled: false)");
}

int
config_load_buffer(struct config *cfg, const char *name, const char *buf,
    size_t len, FILE *err)
{
	static const struct cfgyaml_limits lim = {
		CONFIG_MAX_FILE_SIZE, CONFIG_MAX_DEPTH, CONFIG_MAX_NODES
	};
	struct cfgyaml y;
	int nerr;

	static struct cfgyaml_node none = {
		.kind = CFGYAML_SCALAR, .str = (char *)"", .plain = true
	};
	struct cfgyaml_node **list = NULL, *saved = NULL;

	cfgyaml_parse(&y, name, buf, len, &lim, err);
	/* outputs: as a list is read on its own (load_outputs). */
	if (!y.aborted && y.root != NULL && y.root->kind == CFGYAML_MAP &&
	    (list = outputs_list(y.root)) != NULL) {
		load_outputs(&y, *list, cfg);
		saved = *list;
		*list = &none;
	}
	nerr = cfgyaml_apply(&y, keys, sizeof(keys) / sizeof(keys[0]), cfg);
	if (list != NULL)
		*list = saved;
	cfgyaml_free(&y);
	return nerr;
}

/*
 * Read at most CONFIG_MAX_FILE_SIZE + 1 bytes, so that an oversized or
 * endless file (a FIFO, /dev/zero) is refused without reading it all.
 */
int
config_load(struct config *cfg, const char *path, FILE *err)
{
	char *buf, *npath;
	size_t len;
	int e, nerr;

	if ((e = util_read_file(path, CONFIG_MAX_FILE_SIZE, &buf, &len)) != 0) {
		fprintf(err, "%s: %s\n", path,
		    e == ENOMEM ? "out of memory" : strerror(e));
		return 1;
	}
	if ((npath = strdup(path)) == NULL) {
		free(buf);
		fprintf(err, "%s: out of memory\n", path);
		return 1;
	}
	free(cfg->path);
	cfg->path = npath;
	nerr = config_load_buffer(cfg, path, buf, len, err);
	free(buf);
	return nerr;
}
