/*
 * test-config.c - loading wardwatch.yaml: the values, every class of
 * error with its exact "file:line:col: message", the limits that stop
 * hostile files early, and agreement between the key table, the
 * defaults, the sample configuration and the manual.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/cfgyaml.h"
#include "util/util.h"
/* By path: -I. would find autoconf's config.h under this name first. */
#include "engine/config.h"
#include "policy/policy.h"
#include "policy/zone.h"
#include "flow/stream.h"

#define NAME	"t.yaml"
/* The application protocols in the order of app/protocols.def. */
#define EVE_TYPES "flow, anomaly, stats, device, alert, lldp, cdp, hl7, " \
	"dicom, dhcp, dns, mdns, ssdp, http, tls, ssh, mqtt, ftp, telnet or smb"

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL ? s : WW_SRCDIR;
}

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	for (;;) {
		buf = realloc(buf, len + 4096 + 1);
		assert_non_null(buf);
		if ((n = fread(buf + len, 1, 4096, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* Load len bytes over the defaults; the messages go to *msgs. */
static int
load_len(struct config *cfg, const char *yaml, size_t len, char **msgs)
{
	size_t mlen;
	FILE *f;
	int n;

	config_defaults(cfg);
	assert_non_null(f = open_memstream(msgs, &mlen));
	n = config_load_buffer(cfg, NAME, yaml, len, f);
	fclose(f);
	return n;
}

static int
load(struct config *cfg, const char *yaml, char **msgs)
{
	return load_len(cfg, yaml, strlen(yaml), msgs);
}

/* yaml must give exactly these messages (one per line) and count. */
static void
expect(const char *yaml, int nerr, const char *want)
{
	struct config cfg;
	char *msgs;
	int n;

	n = load(&cfg, yaml, &msgs);
	if (strcmp(msgs, want) != 0 || n != nerr)
		fail_msg("for:\n%s\ngot %d error(s):\n%s\nwant %d:\n%s", yaml,
		    n, msgs, nerr, want);
	free(msgs);
	config_free(&cfg);
}

/* Two configs hold the same values (strings compared as strings). */
static void
assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_config_equal(const struct config *a, const struct config *b)
{
	struct config x = *a, y = *b;

	assert_str_or_null(x.eve_filename, y.eve_filename);
	assert_str_or_null(x.devices.fingerprints, y.devices.fingerprints);
	assert_str_or_null(x.devices.oui_dir, y.devices.oui_dir);
	assert_str_or_null(x.devices.state_file, y.devices.state_file);
	assert_str_or_null(x.sensor_name, y.sensor_name);
	x.sensor_name = y.sensor_name = NULL;
	x.eve_filename = y.eve_filename = NULL;
	x.devices.fingerprints = y.devices.fingerprints = NULL;
	x.devices.oui_dir = y.devices.oui_dir = NULL;
	x.devices.state_file = y.devices.state_file = NULL;
	x.path = y.path = NULL;
	assert_memory_equal(&x, &y, sizeof(x));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_config_empty_is_defaults(void **state)
{
	static const char *const docs[] = {
		"", "\n", "# nothing but a comment\n", "---\n", "--- ~\n",
		"---\n...\n", "\xef\xbb\xbf# a UTF-8 BOM is fine\n",
		"capture:\n", "capture: ~\nflow:\n  timeouts:\n",
	};
	struct config def, cfg;
	char *msgs;
	size_t i;

	(void)state;
	config_defaults(&def);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		if (load(&cfg, docs[i], &msgs) != 0)
			fail_msg("\"%s\": %s", docs[i], msgs);
		assert_string_equal(msgs, "");
		assert_config_equal(&cfg, &def);
		free(msgs);
		config_free(&cfg);
	}
	config_free(&def);
}

static void
test_config_defaults(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_null(cfg.path);
	assert_int_equal(cfg.workers, 0);
	assert_int_equal(cfg.snaplen, 262144);
	assert_true(cfg.promisc);
	assert_int_equal(cfg.buffer_size, 64u << 20);
	assert_int_equal(cfg.decode.max_vlan_layers, 3);
	assert_int_equal(cfg.decode.max_layers, 16);
	assert_int_equal(cfg.decode.max_tunnel_depth, 4);
	assert_true(cfg.decode.gre && cfg.decode.vxlan && cfg.decode.ipip);
	assert_int_equal(cfg.decode.n_vxlan_ports, 1);
	assert_int_equal(cfg.decode.vxlan_ports[0], 4789);
	assert_true(cfg.decode.defrag.memcap == 32u << 20);
	assert_int_equal(cfg.decode.defrag.timeout_s, 60);
	assert_int_equal(cfg.decode.defrag.max_trackers, 65535);
	assert_int_equal(cfg.decode.defrag.max_frags, 256);
	assert_int_equal(cfg.decode.defrag.policy, DEFRAG_POLICY_LINUX);
	assert_true(cfg.flow.memcap == 256ull << 20);
	assert_int_equal(cfg.flow.hash_size, 65536);
	assert_int_equal(cfg.flow.emergency_recovery, 30);
	assert_true(cfg.flow.vlan_in_key);
	assert_true(cfg.flow.stream.depth == 1u << 20);
	assert_int_equal(cfg.flow.stream.max_segments, 1024);
	assert_true(cfg.flow.stream.memcap == 64ull << 20);
	assert_true(cfg.flow.stream.midstream && cfg.flow.stream.reassembly);
	assert_int_equal(cfg.community_id_seed, 0);
	assert_true(cfg.eve_enabled);
	assert_string_equal(cfg.eve_filename, "eve.json");
	assert_int_equal(cfg.eve_types.bits, EVE_T_ALL);
	assert_int_equal(cfg.stats_interval, 30);
	assert_int_equal(cfg.anomaly_rate, 10);
	assert_false(cfg.ts_localtime);
	config_free(&cfg);
	assert_null(cfg.eve_filename);
	config_free(&cfg);		/* twice is harmless */
}

/* tests/unit/conf/full.yaml sets every key to a non-default value. */
static void
test_config_full_round_trip(void **state)
{
	struct config cfg;
	char path[1024], *msgs;
	size_t mlen;
	FILE *f;
	int n, p;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/unit/conf/full.yaml",
	    srcdir());
	config_defaults(&cfg);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = config_load(&cfg, path, f);
	fclose(f);
	if (n != 0)
		fail_msg("%s", msgs);
	free(msgs);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.workers, 4);
	assert_int_equal(cfg.snaplen, 1518);
	assert_false(cfg.promisc);
	assert_int_equal(cfg.buffer_size, 128u << 20);
	assert_int_equal(cfg.dedup_window, 500);
	assert_int_equal(cfg.n_interfaces, 2);
	assert_string_equal(cfg.interfaces[1], "eth2");
	assert_int_equal(cfg.health_interval, 5);
	assert_int_equal(cfg.health_drop_pct, 2);
	assert_int_equal(cfg.health_silence, 30);
	assert_int_equal(cfg.health_oneway_pct, 90);
	assert_int_equal(cfg.health_min_flows, 50);
	assert_int_equal(cfg.health_dup_pct, 5);
	assert_int_equal(cfg.worker_stall, 120);
	assert_int_equal(cfg.decode.max_vlan_layers, 2);
	assert_int_equal(cfg.decode.max_layers, 20);
	assert_int_equal(cfg.decode.max_tunnel_depth, 0);
	assert_false(cfg.decode.gre || cfg.decode.vxlan || cfg.decode.ipip);
	assert_int_equal(cfg.decode.n_vxlan_ports, 2);
	assert_int_equal(cfg.decode.vxlan_ports[0], 4789);
	assert_int_equal(cfg.decode.vxlan_ports[1], 8472);
	assert_true(cfg.decode.defrag.memcap == 16u << 20);
	assert_int_equal(cfg.decode.defrag.timeout_s, 30);
	assert_int_equal(cfg.decode.defrag.max_trackers, 1000);
	assert_int_equal(cfg.decode.defrag.max_frags, 64);
	assert_int_equal(cfg.decode.defrag.policy, DEFRAG_POLICY_BSD);
	assert_true(cfg.flow.memcap == 1ull << 30);
	assert_int_equal(cfg.flow.hash_size, 262144);
	assert_int_equal(cfg.flow.emergency_recovery, 50);
	assert_false(cfg.flow.vlan_in_key);
	for (p = 0; p < FLOW_PROTO_MAX; p++) {
		static const uint32_t to[FLOW_PROTO_MAX][FLOW_TO_MAX] = {
			{ 61, 601, 62 }, { 31, 301, 32 }, { 33, 303, 34 },
			{ 35, 305, 0 },
		};
		static const uint32_t et[FLOW_PROTO_MAX][FLOW_TO_MAX] = {
			{ 6, 106, 16 }, { 7, 107, 17 }, { 8, 108, 18 },
			{ 9, 109, 19 },
		};

		assert_memory_equal(cfg.flow.timeout[p], to[p],
		    sizeof(to[p]));
		assert_memory_equal(cfg.flow.emerg_timeout[p], et[p],
		    sizeof(et[p]));
	}
	assert_true(cfg.flow.stream.depth == 0);
	assert_int_equal(cfg.flow.stream.max_segments, 64);
	assert_true(cfg.flow.stream.memcap == 2ull << 30);
	assert_false(cfg.flow.stream.midstream || cfg.flow.stream.reassembly);
	assert_int_equal(cfg.community_id_seed, 65535);
	assert_false(cfg.eve_enabled);
	assert_string_equal(cfg.eve_filename, "alerts/eve-sensor1.json");
	assert_int_equal(cfg.eve_types.bits, EVE_T_STATS | EVE_T_FLOW);
	assert_int_equal(cfg.stats_interval, 0);
	assert_int_equal(cfg.anomaly_rate, 0);
	assert_true(cfg.ts_localtime);
	config_free(&cfg);
}

/*
 * Build the YAML that sets one dotted key to a value:
 * "a.b.c" = v -> "a:\n  b:\n    c: v\n".
 */
static void
yaml_for_key(const char *path, const char *value, char *out, size_t size)
{
	const char *p = path, *dot;
	int depth = 0;
	size_t o = 0;

	out[0] = '\0';
	while ((dot = strchr(p, '.')) != NULL) {
		o += (size_t)snprintf(out + o, size - o, "%*s%.*s:\n",
		    depth * 2, "", (int)(dot - p), p);
		p = dot + 1;
		depth++;
	}
	snprintf(out + o, size - o, "%*s%s: %s\n", depth * 2, "", p, value);
}

static size_t
field_size(const struct cfgkey *k)
{
	return k->type == CFGK_STRING ? sizeof(char *) : k->size;
}

/*
 * The default the manual prints for each key (the 'def' column of the
 * table) is the default the code sets: setting a key to its documented
 * default over a poisoned field restores the field exactly.
 */
static void
test_config_documented_defaults(void **state)
{
	struct config def, cfg;
	const struct cfgkey *keys;
	char yaml[512], *msgs;
	size_t i, n, mlen;
	FILE *f;

	(void)state;
	keys = config_keys(&n);
	config_defaults(&def);
	for (i = 0; i < n; i++) {
		const struct cfgkey *k = &keys[i];
		char *field = (char *)&cfg + k->off;

		config_defaults(&cfg);
		if (k->type == CFGK_STRING) {
			free(*(char **)(void *)field);
			*(char **)(void *)field = strdup("poison");
		} else
			memset(field, 0x5a, k->size);
		if (k->set != NULL) {		/* the lists' arrays too */
			memset(cfg.decode.vxlan_ports, 0x5a,
			    sizeof(cfg.decode.vxlan_ports));
			memset(cfg.devices.medical_vlans, 0x5a,
			    sizeof(cfg.devices.medical_vlans));
		}
		yaml_for_key(k->path, k->def, yaml, sizeof(yaml));
		assert_non_null(f = open_memstream(&msgs, &mlen));
		if (config_load_buffer(&cfg, NAME, yaml, strlen(yaml), f) !=
		    0) {
			fclose(f);
			fail_msg("%s: %s", k->path, msgs);
		}
		fclose(f);
		free(msgs);
		if (k->set != NULL && strcmp(k->path,
		    "decode.vxlan-ports") == 0) {
			memset(cfg.decode.vxlan_ports +
			    cfg.decode.n_vxlan_ports, 0,
			    sizeof(cfg.decode.vxlan_ports) -
			    cfg.decode.n_vxlan_ports * sizeof(uint16_t));
			memcpy(cfg.devices.medical_vlans,
			    def.devices.medical_vlans,
			    sizeof(cfg.devices.medical_vlans));
		} else if (k->set != NULL) {
			memset(cfg.devices.medical_vlans +
			    cfg.devices.n_medical_vlans, 0,
			    sizeof(cfg.devices.medical_vlans) -
			    cfg.devices.n_medical_vlans * sizeof(uint16_t));
			memcpy(cfg.decode.vxlan_ports, def.decode.vxlan_ports,
			    sizeof(cfg.decode.vxlan_ports));
		}
		if (k->type == CFGK_STRING) {
			assert_string_equal(*(char **)(void *)field,
			    *(char **)(void *)((char *)&def + k->off));
		} else if (memcmp(field, (char *)&def + k->off, k->size) != 0)
			fail_msg("%s: documented default %s is not the "
			    "default", k->path, k->def);
		assert_config_equal(&cfg, &def);
		config_free(&cfg);
	}
	config_free(&def);
}

/*
 * etc/wardwatch.yaml loads without error, gives exactly the defaults,
 * and names every key of the table (each field it loads into changes
 * from a poison pattern).
 */
static void
test_config_sample_file(void **state)
{
	struct config def, cfg;
	const struct cfgkey *keys;
	char path[1024], *msgs, *buf;
	size_t i, n, len, mlen;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/wardwatch.yaml", srcdir());
	config_defaults(&def);
	config_defaults(&cfg);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	if (config_load(&cfg, path, f) != 0) {
		fclose(f);
		fail_msg("%s", msgs);
	}
	fclose(f);
	free(msgs);
	assert_config_equal(&cfg, &def);
	config_free(&cfg);

	keys = config_keys(&n);
	buf = slurp(path, &len);
	memset(&cfg, 0x5a, sizeof(cfg));
	cfg.path = cfg.eve_filename = cfg.sensor_name = NULL;
	cfg.outputs = NULL;		/* the list form: not in the sample */
	cfg.noutputs = 0;
	cfg.devices.fingerprints = cfg.devices.oui_dir = NULL;
	cfg.devices.state_file = NULL;
	cfg.devices.zones = NULL;
	cfg.devices.policy_files = NULL;
	cfg.devices.policy_overrides = NULL;
	cfg.devices.geoip_country = cfg.devices.geoip_asn = NULL;
	cfg.detect.cache_dir = NULL;	/* set by main, no key */
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(config_load_buffer(&cfg, path, buf, len, f), 0);
	fclose(f);
	free(msgs);
	for (i = 0; i < n; i++) {
		const unsigned char *field = (unsigned char *)&cfg +
		    keys[i].off;
		size_t j, sz = field_size(&keys[i]);

		for (j = 0; j < sz && field[j] == 0x5a; j++)
			;
		if (j == sz || (keys[i].type == CFGK_STRING &&
		    cfg.eve_filename == NULL))
			fail_msg("etc/wardwatch.yaml does not set %s",
			    keys[i].path);
	}
	config_free(&cfg);
	config_free(&def);
	free(buf);
}

/*
 * The key table is well formed, and man/wardwatch.yaml.5 documents
 * every key.
 */
static void
test_config_key_table_and_manual(void **state)
{
	const struct cfgkey *keys;
	char path[1024], pat[CFGYAML_MAX_PATH + 8], *man;
	size_t i, j, n;

	(void)state;
	keys = config_keys(&n);
	snprintf(path, sizeof(path), "%s/man/wardwatch.yaml.5", srcdir());
	man = slurp(path, NULL);
	for (i = 0; i < n; i++) {
		const struct cfgkey *k = &keys[i];
		uint64_t lim;
		const char *c;

		for (c = k->path; *c != '\0'; c++)
			if (!((*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
				fail_msg("%s: not kebab-case", k->path);
		assert_true(strlen(k->path) < CFGYAML_MAX_PATH);
		assert_non_null(k->def);
		assert_non_null(k->desc);
		assert_true(strlen(k->desc) > 0 && strlen(k->desc) < 80);
		for (j = 0; j < i; j++)
			if (strcmp(keys[j].path, k->path) == 0)
				fail_msg("%s: listed twice", k->path);
		switch (k->type) {
		case CFGK_BOOL:
			assert_int_equal(k->size, sizeof(bool));
			break;
		case CFGK_CUSTOM:	/* a count, or a whole array */
			assert_true(k->size > 0);
			assert_true(k->min <= k->max);
			break;
		case CFGK_UINT:
		case CFGK_SIZE:
			assert_true(k->size == 1 || k->size == 2 ||
			    k->size == 4 || k->size == 8);
			lim = k->size == 8 ? UINT64_MAX :
			    (1ULL << (8 * k->size)) - 1;
			if (k->max > lim)
				fail_msg("%s: max does not fit the field",
				    k->path);
			assert_true(k->min <= k->max);
			break;
		case CFGK_ENUM:
		case CFGK_FLAGS:
			assert_non_null(k->enums);
			lim = k->size == 8 ? UINT64_MAX :
			    (1ULL << (8 * k->size)) - 1;
			for (j = 0; k->enums[j].name != NULL; j++)
				assert_true(k->enums[j].value <= lim);
			break;
		case CFGK_STRING:
			assert_int_equal(k->size, sizeof(char *));
			break;
		}
		snprintf(pat, sizeof(pat), "\n.It Cm %s", k->path);
		if (strstr(man, pat) == NULL)
			fail_msg("man/wardwatch.yaml.5 lacks \".It Cm %s\"",
			    k->path);
	}
	free(man);
}

static void
test_config_unknown_keys(void **state)
{
	(void)state;
	expect("workerz: 2\n", 1,
	    NAME ":1:1: unknown key \"workerz\"\n");
	expect("capture:\n  snaplen: 100\n  promsic: true\n", 1,
	    NAME ":3:3: unknown key \"capture.promsic\"\n");
	expect("flow:\n  timeouts:\n    sctp: {new: 1}\n", 1,
	    NAME ":3:5: unknown key \"flow.timeouts.sctp\"\n");
	/* A dotted key is not a shorthand for nesting. */
	expect("capture.snaplen: 100\n", 1,
	    NAME ":1:1: unknown key \"capture.snaplen\"\n");
	/* Keys are case-sensitive. */
	expect("Workers: 1\n", 1, NAME ":1:1: unknown key \"Workers\"\n");
	/* Quoted keys are fine; odd keys are reported, never crash. */
	expect("\"workers\": 3\n", 0, "");
	expect("? [a, b]\n: 1\n", 1,
	    NAME ":1:3: keys must be names, not a list\n");
	expect("\"\": 1\n", 1, NAME ":1:1: unknown key \"\"\n");
	expect("\"a\\0b\": 1\n", 1, NAME ":1:1: unknown key \"a?b\"\n");
}

static void
test_config_wrong_types(void **state)
{
	(void)state;
	expect("dicom:\n  known-ae-titles: [PACS, ABCDEFGHIJKLMNOPQ]\n", 1,
	    NAME ":2:27: dicom.known-ae-titles: expected an AE title (1 to 16 "
	    "characters), got \"ABCDEFGHIJKLMNOPQ\"\n");
	expect("dicom:\n  known-ae-titles: PACS\n", 1,
	    NAME ":2:20: dicom.known-ae-titles: expected a list of AE titles, "
	    "got \"PACS\"\n");
	expect("datasets:\n  bad: {type: blob}\n", 1,
	    NAME ":2:15: datasets.bad.type: expected string, md5, sha256, ipv4 "
	    "or ip, got \"blob\"\n");
	expect("datasets:\n  bad: {load: x.lst}\n", 1,
	    NAME ":2:8: datasets.bad: needs a type\n");
	expect("datasets:\n  ok: {type: md5, memcap: 1mb, hashsize: 64}\n"
	    "  ok2: {type: ip, colour: red}\n", 1,
	    NAME ":3:19: datasets.ok2: unknown key \"colour\" (type, load, "
	    "memcap, hashsize)\n");
	expect("workers: many\n", 1,
	    NAME ":1:10: workers: expected an integer, got \"many\"\n");
	expect("workers: \"4\"\n", 1,
	    NAME ":1:10: workers: expected an integer, got a quoted "
	    "string\n");
	expect("workers: 4.0\n", 1,
	    NAME ":1:10: workers: expected an integer, got \"4.0\"\n");
	expect("workers: 0x10\n", 1,
	    NAME ":1:10: workers: expected an integer, got \"0x10\"\n");
	expect("workers: 010\n", 1,
	    NAME ":1:10: workers: expected an integer, got \"010\"\n");
	expect("workers: .nan\n", 1,
	    NAME ":1:10: workers: expected an integer, got \".nan\"\n");
	expect("workers: {a: 1}\n", 1,
	    NAME ":1:10: workers: expected an integer, got a mapping\n");
	expect("workers: [1]\n", 1,
	    NAME ":1:10: workers: expected an integer, got a list\n");
	expect("workers:\n", 1, NAME ":1:9: workers: missing value\n");
	expect("capture:\n  promisc: maybe\n", 1,
	    NAME ":2:12: capture.promisc: expected true or false, got "
	    "\"maybe\"\n");
	expect("capture:\n  promisc: \"true\"\n", 1,
	    NAME ":2:12: capture.promisc: expected true or false, got a "
	    "quoted string\n");
	expect("capture:\n  promisc: 1\n", 1,
	    NAME ":2:12: capture.promisc: expected true or false, got "
	    "\"1\"\n");
	expect("capture: 1500\n", 1,
	    NAME ":1:10: capture: expected a mapping, got \"1500\"\n");
	expect("capture: [snaplen, 1500]\n", 1,
	    NAME ":1:10: capture: expected a mapping, got a list\n");
	expect("capture:\n  buffer-size: {x: 1}\n", 1,
	    NAME ":2:16: capture.buffer-size: expected a size, got a "
	    "mapping\n");
	expect("defrag:\n  policy: [linux]\n", 1,
	    NAME ":2:11: defrag.policy: expected first, last, bsd, linux or "
	    "windows, got a list\n");
	expect("defrag:\n  policy: solaris\n", 1,
	    NAME ":2:11: defrag.policy: unknown value \"solaris\" (expected "
	    "first, last, bsd, linux or windows)\n");
	expect("defrag:\n  policy: Linux\n", 1,
	    NAME ":2:11: defrag.policy: unknown value \"Linux\" (expected "
	    "first, last, bsd, linux or windows)\n");
	expect("outputs:\n  eve:\n    filename: {a: b}\n", 1,
	    NAME ":3:15: outputs.eve.filename: expected a string, got a "
	    "mapping\n");
	expect("- workers\n- 1\n", 1,
	    NAME ":1:1: expected a mapping at the top level, got a list\n");
	expect("workers\n", 1,
	    NAME ":1:1: expected a mapping at the top level, got "
	    "\"workers\"\n");
	/* Booleans in their YAML 1.1 spellings. */
	expect("capture:\n  promisc: off\ndecode:\n  gre: No\n  vxlan: "
	    "FALSE\n  ipip: yes\n", 0, "");
}

static void
test_config_out_of_range(void **state)
{
	(void)state;
	expect("capture:\n  snaplen: 262145\n", 1,
	    NAME ":2:12: capture.snaplen: 262145 is out of range (64 to "
	    "262144)\n");
	expect("capture:\n  snaplen: 63\n", 1,
	    NAME ":2:12: capture.snaplen: 63 is out of range (64 to "
	    "262144)\n");
	expect("capture:\n  snaplen: -1\n", 1,
	    NAME ":2:12: capture.snaplen: -1 is out of range (64 to "
	    "262144)\n");
	expect("workers: 65\n", 1,
	    NAME ":1:10: workers: 65 is out of range (0 to 64)\n");
	expect("community-id:\n  seed: 65536\n", 1,
	    NAME ":2:9: community-id.seed: 65536 is out of range (0 to "
	    "65535)\n");
	expect("flow:\n  memcap: 99999999999999999999\n", 1,
	    NAME ":2:11: flow.memcap: 99999999999999999999 is out of range "
	    "(1mb to 64gb)\n");
	expect("flow:\n  memcap: -1\n", 1,
	    NAME ":2:11: flow.memcap: -1 is out of range (1mb to 64gb)\n");
	expect("flow:\n  memcap: 512kb\n", 1,
	    NAME ":2:11: flow.memcap: 512kb is out of range (1mb to 64gb)\n");
	expect("flow:\n  memcap: 65gb\n", 1,
	    NAME ":2:11: flow.memcap: 65gb is out of range (1mb to 64gb)\n");
	expect("flow:\n  memcap: 64 MiB\n", 1,
	    NAME ":2:11: flow.memcap: invalid size \"64 MiB\" (a number with "
	    "an optional kb, mb or gb suffix)\n");
	expect("flow:\n  memcap: 1.5gb\n", 1,
	    NAME ":2:11: flow.memcap: invalid size \"1.5gb\" (a number with "
	    "an optional kb, mb or gb suffix)\n");
	expect("flow:\n  memcap: .nan\n", 1,
	    NAME ":2:11: flow.memcap: invalid size \".nan\" (a number with "
	    "an optional kb, mb or gb suffix)\n");
	expect("flow:\n  hash-size: 1000\n", 1,
	    NAME ":2:14: flow.hash-size: 1000 is not a power of two\n");
	expect("flow:\n  hash-size: 128\n", 1,
	    NAME ":2:14: flow.hash-size: 128 is out of range (256 to "
	    "16777216)\n");
	expect("flow:\n  emergency-recovery: 0\n", 1,
	    NAME ":2:23: flow.emergency-recovery: 0 is out of range (1 to "
	    "100)\n");
	expect("decode:\n  max-vlan-layers: 4\n", 1,
	    NAME ":2:20: decode.max-vlan-layers: 4 is out of range (1 to "
	    "3)\n");
	expect("decode:\n  max-tunnel-depth: 9\n", 1,
	    NAME ":2:21: decode.max-tunnel-depth: 9 is out of range (0 to "
	    "8)\n");
	/* Quoted sizes and the units parse_size knows are accepted. */
	expect("flow:\n  memcap: \"64MiB\"\nstream:\n  memcap: 1GB\n  depth: "
	    "0\n", 0, "");
}

/*
 * stream.policy and host-os-policy (suricata.yaml's spelling): the
 * entries kept, the longest prefix deciding, and each error at the node
 * it is about.  A bad entry is reported and the others still checked.
 */
static void
test_config_host_os_policy(void **state)
{
	static const uint8_t a4[4] = { 10, 20, 1, 7 }, b4[4] = { 10, 20, 9, 1 },
	    c4[4] = { 10, 30, 1, 5 }, d4[4] = { 192, 0, 2, 1 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 1 };
	static const char *names[] = { "first", "last", "bsd", "linux",
	    "old-linux", "windows", "windows2k3", "vista", "solaris",
	    "hpux10", "hpux11", "irix", "macos" };
	const struct stream_config *sc;
	struct config cfg;
	char *msgs, buf[128], *big;
	const size_t cap = 64 + 257 * 24;	/* "    - 10.0.1.0\n" lines */
	size_t i, n;

	(void)state;
	assert_int_equal(load(&cfg, "stream:\n  policy: last\n"
	    "host-os-policy:\n  windows: [10.20.0.0/16]\n"
	    "  linux: [10.20.1.0/24, 10.30.1.5, \"2001:db8::/32\"]\n"
	    "  vista: []\n", &msgs), 0);
	assert_string_equal(msgs, "");
	sc = &cfg.flow.stream;
	assert_int_equal(sc->policy, STREAM_POLICY_LAST);
	assert_int_equal(sc->n_hosts, 4);
	assert_int_equal(sc->hosts[0].ipver, 4);
	assert_int_equal(sc->hosts[0].prefix, 16);
	assert_int_equal(sc->hosts[0].policy, STREAM_POLICY_WINDOWS);
	assert_memory_equal(sc->hosts[0].addr, "\x0a\x14\x00\x00", 4);
	assert_int_equal(sc->hosts[2].prefix, 32);	/* a bare address */
	assert_int_equal(sc->hosts[3].ipver, 6);
	assert_int_equal(sc->hosts[3].prefix, 32);
	assert_int_equal(sc->hosts[3].policy, STREAM_POLICY_LINUX);
	/* The longest prefix wins; unnamed hosts get stream.policy. */
	assert_int_equal(stream_host_policy(sc, 4, a4), STREAM_POLICY_LINUX);
	assert_int_equal(stream_host_policy(sc, 4, b4),
	    STREAM_POLICY_WINDOWS);
	assert_int_equal(stream_host_policy(sc, 4, c4), STREAM_POLICY_LINUX);
	assert_int_equal(stream_host_policy(sc, 4, d4), STREAM_POLICY_LAST);
	assert_int_equal(stream_host_policy(sc, 6, a6), STREAM_POLICY_LINUX);
	/* An IPv4 entry never matches an IPv6 address with its bytes. */
	assert_int_equal(stream_host_policy(sc, 6, (const uint8_t *)
	    "\x0a\x14\x01\x07\0\0\0\0\0\0\0\0\0\0\0\0"), STREAM_POLICY_LAST);
	free(msgs);
	config_free(&cfg);

	/* Every Suricata name is a policy; ~ and {} name no host. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)snprintf(buf, sizeof(buf), "stream:\n  policy: %s\n"
		    "host-os-policy:\n  %s: [10.0.0.1]\n", names[i],
		    names[i]);
		assert_int_equal(load(&cfg, buf, &msgs), 0);
		assert_int_equal(cfg.flow.stream.policy, (int)i);
		assert_int_equal(cfg.flow.stream.hosts[0].policy, i);
		free(msgs);
		config_free(&cfg);
	}
	assert_int_equal(load(&cfg, "host-os-policy: ~\n", &msgs), 0);
	assert_int_equal(cfg.flow.stream.n_hosts, 0);
	free(msgs);
	config_free(&cfg);
	assert_int_equal(load(&cfg, "host-os-policy: {}\n", &msgs), 0);
	assert_int_equal(cfg.flow.stream.n_hosts, 0);
	free(msgs);
	config_free(&cfg);

	expect("stream:\n  policy: ms-dos\n", 1,
	    NAME ":2:11: stream.policy: unknown value \"ms-dos\" (expected "
	    "first, last, bsd, linux, old-linux, windows, windows2k3, vista, "
	    "solaris, hpux10, hpux11, irix or macos)\n");
	expect("host-os-policy: windows\n", 1,
	    NAME ":1:17: host-os-policy: expected a mapping of policy names "
	    "to address lists, got \"windows\"\n");
	expect("host-os-policy: [windows, 10.0.0.1]\n", 1,
	    NAME ":1:17: host-os-policy: expected a mapping of policy names "
	    "to address lists, got a list\n");
	expect("host-os-policy:\n  Windows: [10.0.0.1]\n", 1,
	    NAME ":2:3: host-os-policy: unknown policy \"Windows\"\n");
	expect("host-os-policy:\n  windows: 10.0.0.1\n", 1,
	    NAME ":2:12: host-os-policy.windows: expected a list of "
	    "addresses, got \"10.0.0.1\"\n");
	expect("host-os-policy:\n  windows: {net: 10.0.0.0/8}\n", 1,
	    NAME ":2:12: host-os-policy.windows: expected a list of "
	    "addresses, got a mapping\n");
	expect("host-os-policy:\n  linux:\n    - 10.0.0.256\n"
	    "    - 10.0.0.0/33\n    - \"2001:db8::/129\"\n    - host.example\n"
	    "    - 10.0.0.0/\n    - 10.0.0.0/x8\n    - 10.0.0.0/-1\n"
	    "    - [10.0.0.1]\n    - 10.0.0.0/24\n", 8,
	    NAME ":3:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"10.0.0.256\"\n"
	    NAME ":4:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"10.0.0.0/33\"\n"
	    NAME ":5:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got a quoted string\n"
	    NAME ":6:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"host.example\"\n"
	    NAME ":7:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"10.0.0.0/\"\n"
	    NAME ":8:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"10.0.0.0/x8\"\n"
	    NAME ":9:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got \"10.0.0.0/-1\"\n"
	    NAME ":10:7: host-os-policy.linux: expected an address or CIDR "
	    "block, got a list\n");
	/* An unknown policy does not hide a bad address after it. */
	expect("host-os-policy:\n  dos: [10.0.0.1]\n  bsd: [10.1.0.0/16, "
	    "fe80::1%eth0]\n", 2,
	    NAME ":2:3: host-os-policy: unknown policy \"dos\"\n"
	    NAME ":3:22: host-os-policy.bsd: expected an address or CIDR "
	    "block, got \"fe80::1%eth0\"\n");

	/* 256 entries fit; the 257th is one error, where it is. */
	assert_non_null(big = malloc(cap));
	i = (size_t)snprintf(big, cap, "host-os-policy:\n  windows:\n");
	for (n = 0; n < 257; n++)
		i += (size_t)snprintf(big + i, cap - i,
		    "    - 10.0.%zu.%zu\n", n / 256, n % 256);
	assert_true(i < cap);
	expect(big, 1, NAME ":259:7: host-os-policy: more than 256 "
	    "entries\n");
	big[strlen(big) - strlen("    - 10.0.1.0\n")] = '\0';
	assert_int_equal(load(&cfg, big, &msgs), 0);
	assert_int_equal(cfg.flow.stream.n_hosts, 256);
	free(msgs);
	config_free(&cfg);
	free(big);
}

/*
 * zones, policy and geoip: zones place addresses; every mistake is an
 * error at its line and column (unknown key, bad VLAN, bad subnet, a
 * VLAN in two zones, VLANs for a built-in zone); policy.overrides are
 * profiles checked as policy files are.
 */
static void
test_config_zones_policy(void **state)
{
	struct config cfg;
	uint8_t ip[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	    10, 30, 0, 40 };
	char *msgs;

	(void)state;
	assert_int_equal(load(&cfg, "zones:\n  medical: { vlans: [20, 21] }\n"
	    "  pacs: { subnets: [10.30.0.40/32, 'fd00::/8'] }\n  empty:\n"
	    "policy:\n  files: [a.yaml, b.yaml]\n  mode: strict\n"
	    "  overrides:\n    - class: pacs\n      mode: observe\n"
	    "geoip:\n  country-database: /x/c.mmdb\n"
	    "devices:\n  alert-window: 60\n", &msgs), 0);
	assert_string_equal(msgs, "");
	assert_non_null(cfg.devices.zones);
	assert_string_equal(zones_name(cfg.devices.zones,
	    zones_place(cfg.devices.zones, 21, NULL)), "medical");
	assert_string_equal(zones_name(cfg.devices.zones,
	    zones_place(cfg.devices.zones, 20, ip)), "pacs");
	assert_int_equal(zones_lookup(cfg.devices.zones, "empty"),
	    ZONE_BUILTIN_N + 2);
	assert_int_equal(cfg.devices.n_policy_files, 2);
	assert_string_equal(cfg.devices.policy_files[1], "b.yaml");
	assert_int_equal(cfg.devices.policy_mode, POL_SET_STRICT);
	assert_int_equal(cfg.devices.n_policy_overrides, 1);
	assert_int_equal(policy_at(cfg.devices.policy_overrides, 0)->mode,
	    POL_MODE_OBSERVE);
	assert_string_equal(cfg.devices.geoip_country, "/x/c.mmdb");
	assert_null(cfg.devices.geoip_asn);
	assert_int_equal(cfg.devices.alert_window, 60);
	free(msgs);
	config_free(&cfg);

	expect("zones: [a]\n", 1, NAME ":1:8: zones: expected a mapping of "
	    "zone names to {vlans, subnets}, got a list\n");
	expect("zones:\n  medical: { vlan: [20] }\n", 1, NAME ":2:14: "
	    "zones.medical: unknown key \"vlan\" (expected vlans or subnets)\n");
	expect("zones:\n  medical: [20]\n", 1, NAME ":2:12: zones.medical: "
	    "expected a mapping with vlans and subnets, got a list\n");
	expect("zones:\n  medical: { vlans: 20 }\n", 1, NAME ":2:21: "
	    "zones.medical.vlans: expected a list, got \"20\"\n");
	expect("zones:\n  medical: { vlans: [4095] }\n", 1, NAME ":2:22: "
	    "VLAN: 4095 is out of range (1 to 4094)\n");
	expect("zones:\n  medical: { subnets: [10.0.0.1] }\n", 1, NAME
	    ":2:24: zones.medical: expected a subnet (10.20.0.0/16, "
	    "fd00::/8), got \"10.0.0.1\"\n");
	expect("zones:\n  medical: { subnets: [10.0.0.0/33] }\n", 1, NAME
	    ":2:24: zones.medical: expected a subnet (10.20.0.0/16, "
	    "fd00::/8), got \"10.0.0.0/33\"\n");
	expect("zones:\n  medical: { vlans: [20] }\n  pacs: { vlans: [30, 20] "
	    "}\n", 1, NAME ":3:23: zones.pacs: VLAN 20 is in zone medical "
	    "already\n");
	expect("zones:\n  internet: { vlans: [20] }\n", 1, NAME ":2:23: "
	    "zones.internet: a built-in zone takes no VLANs\n");
	expect("zones:\n  a b: {}\n", 1, NAME ":2:3: zones: bad zone name "
	    "\"a b\" (letters, digits, . _ -, under 32 characters; at most 64 "
	    "zones)\n");
	expect("zones:\n  a: {}\n  a: {}\n", 1, NAME ":3:3: zones: duplicate "
	    "zone \"a\"\n");
	expect("policy:\n  files: x.yaml\n", 1, NAME ":2:10: policy.files: "
	    "expected a list of policy files, got \"x.yaml\"\n");
	expect("policy:\n  mode: loose\n", 1, NAME ":2:9: policy.mode: "
	    "unknown value \"loose\" (expected learned or strict)\n");
	expect("policy:\n  overrides:\n    - class: toaster\n", 1, NAME
	    ":3:14: class: unknown device class \"toaster\"\n");
	expect("policy:\n  overrides: 3\n", 1, NAME ":2:14: policy.overrides: "
	    "expected a list of profiles, got \"3\"\n");
	expect("geoip:\n  asn-database: [a]\n", 1, NAME ":2:17: "
	    "geoip.asn-database: expected a file name, got a list\n");
}

static void
test_config_lists(void **state)
{
	struct config cfg;
	char *msgs;

	(void)state;
	assert_int_equal(load(&cfg, "decode:\n  vxlan-ports: []\n"
	    "outputs:\n  eve:\n    types: []\n", &msgs), 0);
	assert_int_equal(cfg.decode.n_vxlan_ports, 0);
	assert_int_equal(cfg.eve_types.bits, 0);
	free(msgs);
	config_free(&cfg);

	assert_int_equal(load(&cfg, "decode:\n  vxlan-ports: [1, 2, 3, 4, 5, "
	    "6, 7, 65535]\n", &msgs), 0);
	assert_int_equal(cfg.decode.n_vxlan_ports, 8);
	assert_int_equal(cfg.decode.vxlan_ports[7], 65535);
	free(msgs);
	config_free(&cfg);

	expect("decode:\n  vxlan-ports: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", 1,
	    NAME ":2:41: decode.vxlan-ports: more than 8 ports\n");
	expect("decode:\n  vxlan-ports: [4789, 0, 70000, x, 4789]\n", 4,
	    NAME ":2:23: decode.vxlan-ports: 0 is out of range (1 to "
	    "65535)\n"
	    NAME ":2:26: decode.vxlan-ports: 70000 is out of range (1 to "
	    "65535)\n"
	    NAME ":2:33: decode.vxlan-ports: expected an integer, got "
	    "\"x\"\n"
	    NAME ":2:36: decode.vxlan-ports: duplicate port 4789\n");
	expect("decode:\n  vxlan-ports: 4789\n", 1,
	    NAME ":2:16: decode.vxlan-ports: expected a list of ports, got "
	    "\"4789\"\n");
	expect("decode:\n  vxlan-ports:\n", 1,
	    NAME ":2:15: decode.vxlan-ports: missing value\n");
	assert_int_equal(load(&cfg, "devices:\n  medical-vlans: [20, 4094]\n",
	    &msgs), 0);
	assert_int_equal(cfg.devices.n_medical_vlans, 2);
	assert_int_equal(cfg.devices.medical_vlans[1], 4094);
	free(msgs);
	config_free(&cfg);
	expect("devices:\n  medical-vlans: [20, 0, 4095, 20]\n", 3,
	    NAME ":2:23: devices.medical-vlans: 0 is out of range (1 to "
	    "4094)\n"
	    NAME ":2:26: devices.medical-vlans: 4095 is out of range (1 to "
	    "4094)\n"
	    NAME ":2:32: devices.medical-vlans: duplicate VLAN 20\n");
	expect("devices:\n  medical-vlans: 20\n", 1,
	    NAME ":2:18: devices.medical-vlans: expected a list of VLANs, got "
	    "\"20\"\n");
	expect("outputs:\n  eve:\n    types: [flow, alerts, flow]\n", 2,
	    NAME ":3:19: outputs.eve.types: unknown value \"alerts\" (expected "
	    EVE_TYPES ")\n"
	    NAME ":3:27: outputs.eve.types: duplicate value \"flow\"\n");
	expect("outputs:\n  eve:\n    types: flow\n", 1,
	    NAME ":3:12: outputs.eve.types: expected a list of " EVE_TYPES
	    ", got \"flow\"\n");
	expect("outputs:\n  eve:\n    types: [[flow]]\n", 1,
	    NAME ":3:13: outputs.eve.types: unknown value a list (expected "
	    EVE_TYPES ")\n");
}

/* app-layer.ndpi.protocols: names checked against nDPI itself. */
static void
test_config_ndpi_protocols(void **state)
{
	struct config cfg;
	char *msgs;

	(void)state;
	assert_int_equal(load(&cfg, "app-layer:\n  ndpi:\n    protocols: "
	    "[Default]\n", &msgs), 0);
	assert_string_equal(cfg.ndpi_protocols, "");
	free(msgs);
	config_free(&cfg);
	assert_int_equal(load(&cfg, "app-layer:\n  ndpi:\n    protocols: "
	    "[default, BitTorrent, \"tls\"]\n", &msgs), 0);
	assert_string_equal(cfg.ndpi_protocols, "default,BitTorrent,tls");
	free(msgs);
	config_free(&cfg);
	assert_int_equal(load(&cfg, "app-layer:\n  ndpi:\n    protocols: "
	    "[all]\n", &msgs), 0);
	assert_string_equal(cfg.ndpi_protocols, "all");
	free(msgs);
	config_free(&cfg);

	expect("app-layer:\n  ndpi:\n    protocols: [DNS, HL7v2, dns]\n", 1,
	    NAME ":3:29: app-layer.ndpi.protocols: duplicate protocol "
	    "\"dns\"\n");
	expect("app-layer:\n  ndpi:\n    protocols: [DNS, HL7v2]\n", 1,
	    NAME ":3:22: app-layer.ndpi.protocols: nDPI knows no protocol "
	    "\"HL7v2\"\n");
	expect("app-layer:\n  ndpi:\n    protocols: []\n", 1,
	    NAME ":3:16: app-layer.ndpi.protocols: empty list (to turn "
	    "nDPI off, set app-layer.ndpi.enabled: false)\n");
	expect("app-layer:\n  ndpi:\n    protocols: DNS\n", 1,
	    NAME ":3:16: app-layer.ndpi.protocols: expected a list of nDPI "
	    "protocol names, got \"DNS\"\n");
	expect("app-layer:\n  ndpi:\n    protocols: [\"DNS,TLS\", [x], ~]\n",
	    3,
	    NAME ":3:17: app-layer.ndpi.protocols: expected an nDPI "
	    "protocol name, got a quoted string\n"
	    NAME ":3:28: app-layer.ndpi.protocols: expected an nDPI "
	    "protocol name, got a list\n"
	    NAME ":3:33: app-layer.ndpi.protocols: expected an nDPI "
	    "protocol name, got nothing\n");
}

static void
test_config_strings(void **state)
{
	struct config cfg;
	char *msgs;

	(void)state;
	/* "-" (stdout) must be quoted: plain, it starts a list entry. */
	expect("outputs:\n  eve:\n    filename: -\n", 1,
	    NAME ":3:15: block sequence entries are not allowed in this "
	    "context\n");
	assert_int_equal(load(&cfg, "outputs:\n  eve:\n    filename: \"-\"\n",
	    &msgs), 0);
	assert_string_equal(cfg.eve_filename, "-");
	free(msgs);
	config_free(&cfg);
	assert_int_equal(load(&cfg, "outputs:\n  eve:\n    filename: 'it''s "
	    "\xc3\xa9ve.json'\n", &msgs), 0);
	assert_string_equal(cfg.eve_filename, "it's \xc3\xa9ve.json");
	free(msgs);
	config_free(&cfg);
	expect("outputs:\n  eve:\n    filename: \"\"\n", 1,
	    NAME ":3:15: outputs.eve.filename: must not be empty\n");
	expect("outputs:\n  eve:\n    filename:\n", 1,
	    NAME ":3:14: outputs.eve.filename: missing value\n");
	expect("outputs:\n  eve:\n    filename: \"a\\0b\"\n", 1,
	    NAME ":3:15: outputs.eve.filename: contains a NUL character\n");
	expect("logging:\n  timestamps: local\n", 0, "");
	expect("logging:\n  timestamps: UTC\n", 1,
	    NAME ":2:15: logging.timestamps: unknown value \"UTC\" (expected "
	    "utc or local)\n");
}

static void
test_config_duplicate_keys(void **state)
{
	(void)state;
	expect("workers: 1\nworkers: 2\n", 1,
	    NAME ":2:1: duplicate key \"workers\" (first at line 1, column "
	    "1)\n");
	expect("capture:\n  snaplen: 100\n  snaplen: 200\n", 1,
	    NAME ":3:3: duplicate key \"capture.snaplen\" (first at line 2, "
	    "column 3)\n");
	/* A repeated section is a duplicate too, not a merge. */
	expect("capture:\n  snaplen: 100\ncapture:\n  promisc: false\n", 1,
	    NAME ":3:1: duplicate key \"capture\" (first at line 1, column "
	    "1)\n");
	expect("flow: {memcap: 1gb, memcap: 2gb}\n", 1,
	    NAME ":1:21: duplicate key \"flow.memcap\" (first at line 1, "
	    "column 8)\n");
	/* The first value stands. */
	{
		struct config cfg;
		char *msgs;

		load(&cfg, "workers: 1\nworkers: 2\n", &msgs);
		assert_int_equal(cfg.workers, 1);
		free(msgs);
		config_free(&cfg);
	}
}

static void
test_config_anchors_aliases_tags(void **state)
{
	(void)state;
	expect("workers: &w 2\n", 1,
	    NAME ":1:10: anchors are not allowed (&w)\n");
	expect("capture: &c\n  snaplen: 100\nflow: *c\n", 2,
	    NAME ":1:10: anchors are not allowed (&c)\n"
	    NAME ":3:7: aliases are not allowed (*c)\n");
	expect("workers: !!int 2\n", 1,
	    NAME ":1:10: tags are not allowed (tag:yaml.org,2002:int)\n");
	expect("workers: !custom 2\n", 1,
	    NAME ":1:10: tags are not allowed (!custom)\n");
	expect("capture: !!map\n  snaplen: 100\n", 1,
	    NAME ":1:10: tags are not allowed (tag:yaml.org,2002:map)\n");
	expect("capture: !!python/object:os.system\n  snaplen: 100\n", 1,
	    NAME ":1:10: tags are not allowed "
	    "(tag:yaml.org,2002:python/object:os.system)\n");
	/* A merge key needs an alias, and << is no key of ours anyway. */
	expect("base: &b {snaplen: 100}\ncapture:\n  <<: *b\n", 4,
	    NAME ":1:7: anchors are not allowed (&b)\n"
	    NAME ":3:7: aliases are not allowed (*b)\n"
	    NAME ":1:1: unknown key \"base\"\n"
	    NAME ":3:3: unknown key \"capture.<<\"\n");
}

static void
test_config_syntax_errors(void **state)
{
	(void)state;
	expect("capture: [1, 2\nflow: 3\n", 1,
	    NAME ":2:5: did not find expected ',' or ']' (while parsing a "
	    "flow sequence)\n");
	expect("capture:\n  snaplen: 1\n bad: 2\n", 1,
	    NAME ":3:2: did not find expected key (while parsing a block "
	    "mapping)\n");
	expect("workers: 'open\n", 1,
	    NAME ":2:1: found unexpected end of stream (while scanning a "
	    "quoted scalar)\n");
	expect("workers: 1\n\tcapture: 2\n", 1,
	    NAME ":2:1: found a tab character that violates indentation "
	    "(while scanning a plain scalar)\n");
	expect("workers: 1\n---\nworkers: 2\n", 1,
	    NAME ":2:1: only one document is allowed\n");
	/* Encoding: NUL, invalid UTF-8, UTF-16. */
	{
		static const char nul[] = "workers: 1\nstats:\0\n";
		static const char bad8[] = "workers: 1\n# caf\xe9\n";
		static const char u16[] = "\xff\xfew\0o\0r\0";
		struct config cfg;
		char *msgs;

		assert_int_equal(load_len(&cfg, nul, sizeof(nul) - 1, &msgs),
		    1);
		assert_string_equal(msgs, NAME ":2:7: control characters are "
		    "not allowed (0x00)\n");
		free(msgs);
		config_free(&cfg);
		assert_int_equal(load_len(&cfg, bad8, sizeof(bad8) - 1, &msgs),
		    1);
		assert_string_equal(msgs, NAME ":2:6: incomplete UTF-8 octet "
		    "sequence\n");
		free(msgs);
		config_free(&cfg);
		assert_int_equal(load_len(&cfg, u16, sizeof(u16) - 1, &msgs),
		    1);
		assert_string_equal(msgs, NAME ":1:1: invalid leading UTF-8 "
		    "octet (0xff)\n");
		free(msgs);
		config_free(&cfg);
	}
}

/* errors.yaml: many mistakes, all reported in file order. */
static void
test_config_many_errors(void **state)
{
	static const char *const lines[] = {
		":2:10: workers: expected an integer, got \"many\"",
		":4:12: capture.snaplen: 300000 is out of range (64 to 262144)",
		":5:3: unknown key \"capture.promsic\"",
		":6:16: capture.buffer-size: invalid size \"64 MiB\" (a number "
		    "with an optional kb, mb or gb suffix)",
		":8:11: flow.memcap: 99999999999999999999 is out of range (1mb "
		    "to 64gb)",
		":9:14: flow.hash-size: 1000 is not a power of two",
		":11:10: flow.timeouts.tcp: expected a mapping, got a list",
		":12:9: stream: expected a mapping, got \"1mb\"",
		":15:19: outputs.eve.types: unknown value \"alerts\" (expected "
		    EVE_TYPES ")",
		":16:1: duplicate key \"workers\" (first at line 2, column 1)",
	};
	struct config cfg;
	char path[1024], want[8192], *msgs;
	size_t i, mlen;
	FILE *f;
	int n;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/unit/conf/errors.yaml",
	    srcdir());
	want[0] = '\0';
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		strlcat(want, path, sizeof(want));
		strlcat(want, lines[i], sizeof(want));
		strlcat(want, "\n", sizeof(want));
	}
	config_defaults(&cfg);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = config_load(&cfg, path, f);
	fclose(f);
	if (n != 10 || strcmp(msgs, want) != 0)
		fail_msg("got %d:\n%s\nwant 10:\n%s", n, msgs, want);
	free(msgs);
	/* What was valid is kept; the rest is at its default. */
	assert_int_equal(cfg.snaplen, 262144);
	assert_int_equal(cfg.eve_types.bits, EVE_T_ALL);
	config_free(&cfg);
}

/* Billion laughs: 10 levels x 9 aliases, rejected without expansion. */
static void
test_config_alias_bomb(void **state)
{
	static const char bomb[] =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
	    "\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	    "j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]\n"
	    "workers: *j\n";
	struct config cfg;
	char *msgs;
	double t0, dt;
	int n;

	(void)state;
	t0 = now();
	n = load(&cfg, bomb, &msgs);
	dt = now() - t0;
	/* 10 anchors + 82 aliases, then the 10 unknown keys. */
	assert_int_equal(n, 100);
	assert_non_null(strstr(msgs, NAME ":1:4: anchors are not allowed "
	    "(&a)\n"));
	assert_non_null(strstr(msgs, NAME ":2:8: aliases are not allowed "
	    "(*a)\n"));
	assert_non_null(strstr(msgs, NAME ": too many errors, stopping\n"));
	assert_int_equal(cfg.workers, 0);
	print_message("# alias bomb rejected in %.2f ms\n", dt * 1e3);
	assert_true(dt < 0.5);
	free(msgs);
	config_free(&cfg);
}

static void
test_config_deep_nesting(void **state)
{
	struct config cfg;
	char *doc, *msgs;
	size_t i, n = 200000;
	double t0, dt;

	(void)state;
	/* 200 000 '[': libyaml 0.2.5 alone needs over a minute. */
	doc = malloc(n + 1);
	assert_non_null(doc);
	memset(doc, '[', n);
	doc[n] = '\0';
	t0 = now();
	assert_int_equal(load(&cfg, doc, &msgs), 1);
	dt = now() - t0;
	assert_string_equal(msgs, NAME ":1:33: nesting deeper than 32 "
	    "levels\n");
	print_message("# 200k '[' rejected in %.2f ms\n", dt * 1e3);
	assert_true(dt < 0.5);
	free(msgs);
	config_free(&cfg);

	/* Block style: "a:\n  a:\n    a:..." */
	free(doc);
	doc = malloc(40 * 80 + 1);
	assert_non_null(doc);
	doc[0] = '\0';
	for (i = 0; i < 40; i++) {
		char line[128];

		snprintf(line, sizeof(line), "%*sa:\n", (int)(2 * i), "");
		strcat(doc, line);
	}
	assert_int_equal(load(&cfg, doc, &msgs), 1);
	assert_string_equal(msgs, NAME ":33:65: nesting deeper than 32 "
	    "levels\n");
	free(msgs);
	config_free(&cfg);
	free(doc);

	/* 32 levels are allowed (and then unknown): a map and 31 lists. */
	doc = malloc(3 + 31 + 31 + 2);
	assert_non_null(doc);
	memcpy(doc, "x: ", 3);
	memset(doc + 3, '[', 31);
	memset(doc + 3 + 31, ']', 31);
	memcpy(doc + 3 + 62, "\n", 2);
	assert_int_equal(load(&cfg, doc, &msgs), 1);
	free(doc);
	assert_string_equal(msgs, NAME ":1:1: unknown key \"x\"\n");
	free(msgs);
	config_free(&cfg);
}

static void
test_config_size_and_node_limits(void **state)
{
	struct config cfg;
	char *doc, *msgs;
	size_t i, n;
	double t0, dt;

	(void)state;
	/* Over CONFIG_MAX_FILE_SIZE: refused before parsing. */
	n = CONFIG_MAX_FILE_SIZE + 1;
	doc = malloc(n);
	assert_non_null(doc);
	memset(doc, '#', n);
	assert_int_equal(load_len(&cfg, doc, n, &msgs), 1);
	assert_string_equal(msgs, NAME ": file is larger than 4194304 "
	    "bytes\n");
	free(msgs);
	config_free(&cfg);
	free(doc);

	/* 100 001 scalars in one list: stopped at the node limit. */
	n = 2 + 2 * 100001;
	doc = malloc(n + 1);
	assert_non_null(doc);
	doc[0] = '[';
	for (i = 0; i < 100001; i++) {
		doc[1 + 2 * i] = '0';
		doc[2 + 2 * i] = ',';
	}
	doc[n - 1] = ']';
	doc[n - 2] = '0';
	doc[n] = '\0';
	t0 = now();
	assert_int_equal(load(&cfg, doc, &msgs), 1);
	dt = now() - t0;
	assert_string_equal(msgs, NAME ":1:200000: more than 100000 nodes\n");
	print_message("# node limit reached in %.2f ms\n", dt * 1e3);
	free(msgs);
	config_free(&cfg);
	free(doc);
}

static void
test_config_error_cap(void **state)
{
	struct config cfg;
	char *doc, *msgs, *p;
	size_t i, lines = 0;

	(void)state;
	doc = malloc(500 * 16 + 1);
	assert_non_null(doc);
	doc[0] = '\0';
	for (i = 0; i < 500; i++) {
		char line[32];

		snprintf(line, sizeof(line), "k%zu: 1\n", i);
		strcat(doc, line);
	}
	assert_int_equal(load(&cfg, doc, &msgs), CFGYAML_MAX_ERRORS);
	for (p = msgs; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, CFGYAML_MAX_ERRORS + 1);
	assert_non_null(strstr(msgs, NAME ": too many errors, stopping\n"));
	free(msgs);
	config_free(&cfg);
	free(doc);
}

static void
test_config_load_file_errors(void **state)
{
	struct config cfg;
	char path[1024], want[1200], *msgs;
	size_t mlen;
	FILE *f;

	(void)state;
	config_defaults(&cfg);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(config_load(&cfg, "/nonexistent/wardwatch.yaml", f),
	    1);
	fclose(f);
	assert_string_equal(msgs, "/nonexistent/wardwatch.yaml: No such file "
	    "or directory\n");
	assert_null(cfg.path);
	free(msgs);

	snprintf(path, sizeof(path), "%s/tests/unit/conf", srcdir());
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(config_load(&cfg, path, f), 1);
	fclose(f);
	snprintf(want, sizeof(want), "%s: Is a directory\n", path);
	assert_string_equal(msgs, want);
	free(msgs);

	/* An endless file is cut at the limit, not read to the end. */
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(config_load(&cfg, "/dev/zero", f), 1);
	fclose(f);
	assert_string_equal(msgs, "/dev/zero: file is larger than 4194304 "
	    "bytes\n");
	free(msgs);
	config_free(&cfg);
}


/*
 * outputs: as a list of eve-log entries (issue 13): each entry read
 * with its own keys; the first file is the EVE file of the summary;
 * mistakes reported at their line and column.
 */
static void
test_config_outputs_list(void **state)
{
	struct config cfg;
	char *msgs;

	(void)state;
	assert_int_equal(load(&cfg,
	    "outputs:\n"
	    "  - eve-log:\n"
	    "      filetype: regular\n"
	    "      filename: all.json\n"
	    "      mode: rotate\n"
	    "      max-size: 1mb\n"
	    "      hash-chain:\n"
	    "        key-file: /etc/k\n"
	    "  - eve-log:\n"
	    "      filetype: syslog\n"
	    "      server: 127.0.0.1\n"
	    "      port: 6514\n"
	    "      transport: tls\n"
	    "      format: cef\n"
	    "      ca-file: /etc/ca.pem\n"
	    "      spool: { max-size: 256mb, drop: newest }\n"
	    "      types: [alert, device]\n"
	    "  - eve-log:\n"
	    "      filetype: redis\n"
	    "      redis: { mode: stream, key: ww, maxlen: 1000 }\n",
	    &msgs), 0);
	free(msgs);
	assert_int_equal(cfg.noutputs, 3);
	assert_true(cfg.eve_enabled);
	assert_string_equal(cfg.eve_filename, "all.json");
	assert_int_equal(cfg.outputs[0].kind, OUTK_REGULAR);
	assert_int_equal(cfg.outputs[0].rotate, 1);
	assert_int_equal(cfg.outputs[0].max_size, 1u << 20);
	assert_string_equal(cfg.outputs[0].chain_key, "/etc/k");
	assert_int_equal(cfg.outputs[1].kind, OUTK_SYSLOG);
	assert_int_equal(cfg.outputs[1].transport, OUTT_TLS);
	assert_int_equal(cfg.outputs[1].format, OUTF_CEF);
	assert_int_equal(cfg.outputs[1].port, 6514);
	assert_int_equal(cfg.outputs[1].facility, 21);
	assert_int_equal(cfg.outputs[1].spool_max, 256u << 20);
	assert_int_equal(cfg.outputs[1].spool_drop, 1);
	assert_int_equal(cfg.outputs[1].types.bits, EVE_T_ALERT | EVE_T_DEVICE);
	assert_int_equal(cfg.outputs[2].kind, OUTK_REDIS);
	assert_int_equal(cfg.outputs[2].redis_mode, OUTR_STREAM);
	assert_string_equal(cfg.outputs[2].redis_key, "ww");
	assert_int_equal(cfg.outputs[2].redis_maxlen, 1000);
	assert_true(cfg.outputs[2].redis_dedupe);	/* the default */
	config_free(&cfg);

	/* redis.dedupe: no stores plainly (at least once). */
	assert_int_equal(load(&cfg, "outputs:\n  - eve-log:\n"
	    "      filetype: redis\n"
	    "      redis: { key: ww, dedupe: no }\n", &msgs), 0);
	free(msgs);
	assert_false(cfg.outputs[0].redis_dedupe);
	config_free(&cfg);

	/* A server means TCP unless told; no file output: no EVE file. */
	assert_int_equal(load(&cfg, "outputs:\n  - eve-log:\n"
	    "      filetype: syslog\n      server: h\n", &msgs), 0);
	free(msgs);
	assert_int_equal(cfg.outputs[0].transport, OUTT_TCP);
	assert_false(cfg.eve_enabled);
	config_free(&cfg);

	expect("outputs:\n  - fast:\n      enabled: yes\n", 1,
	    NAME ":2:5: outputs: expected \"- eve-log:\" and its settings, "
	    "got \"fast\"\n");
	expect("outputs:\n  - eve-log:\n      filetype: syslg\n", 1,
	    NAME ":3:17: filetype: unknown value \"syslg\" (expected regular, "
	    "stdout, unix_stream, unix_dgram, syslog or redis)\n");
	expect("outputs:\n  - eve-log:\n      filetype: syslog\n"
	    "      transport: udp\n", 1,
	    NAME ":3:7: outputs: eve-log: syslog over udp needs server\n");
	expect("outputs:\n  - eve-log:\n      filetype: regular\n"
	    "      spool: { max-size: 1mb }\n", 1,
	    NAME ":3:7: outputs: eve-log: spool is for network outputs "
	    "(syslog, redis, unix sockets)\n");
	expect("outputs:\n  - eve-log:\n      filetype: unix_stream\n", 1,
	    NAME ":3:7: outputs: eve-log: a unix_stream output needs "
	    "filename (the socket)\n");
	expect("outputs:\n  - eve-log:\n      servr: x\n", 1,
	    NAME ":3:7: unknown key \"servr\"\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_empty_is_defaults),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_full_round_trip),
		cmocka_unit_test(test_config_documented_defaults),
		cmocka_unit_test(test_config_sample_file),
		cmocka_unit_test(test_config_key_table_and_manual),
		cmocka_unit_test(test_config_unknown_keys),
		cmocka_unit_test(test_config_wrong_types),
		cmocka_unit_test(test_config_out_of_range),
		cmocka_unit_test(test_config_lists),
		cmocka_unit_test(test_config_host_os_policy),
		cmocka_unit_test(test_config_zones_policy),
		cmocka_unit_test(test_config_outputs_list),
		cmocka_unit_test(test_config_strings),
		cmocka_unit_test(test_config_duplicate_keys),
		cmocka_unit_test(test_config_anchors_aliases_tags),
		cmocka_unit_test(test_config_syntax_errors),
		cmocka_unit_test(test_config_many_errors),
		cmocka_unit_test(test_config_ndpi_protocols),
		cmocka_unit_test(test_config_alias_bomb),
		cmocka_unit_test(test_config_deep_nesting),
		cmocka_unit_test(test_config_size_and_node_limits),
		cmocka_unit_test(test_config_error_cap),
		cmocka_unit_test(test_config_load_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
