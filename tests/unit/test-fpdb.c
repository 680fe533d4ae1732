/*
 * test-fpdb.c - the fingerprint database: every kind of error with its
 * exact "file:line:col: message", all of them in one pass, the caps,
 * glob semantics and cost, matching, vendor names, directory loading,
 * and the built-in copy of profiles/fingerprints/.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/evidence.h"
#include "util/cfgyaml.h"
#include "device/fpdb.h"
#include "util/util.h"

#define NAME	"t.yaml"

/* A valid entry, to which a case adds or changes lines. */
#define ENTRY_A								\
	"  - name: a\n"							\
	"    class: server\n"						\
	"    match:\n"							\
	"      hostname: h\n"

/*
 * What the first bad class or match key of a file is told: every class
 * ("unknown" last) and every evidence key fingerprints match.
 */
static const char *
classes_note(void)
{
	static char buf[2048];
	int i;

	strlcpy(buf, " (classes: ", sizeof(buf));
	for (i = 1; i < FP_CLASS_MAX; i++) {
		strlcat(buf, fp_class_name((enum fp_class)i), sizeof(buf));
		strlcat(buf, ", ", sizeof(buf));
	}
	strlcat(buf, "unknown)", sizeof(buf));
	return buf;
}

static const char *
keys_note(void)
{
	static char buf[2048];
	const char *k;
	unsigned i;

	strlcpy(buf, " (keys: ", sizeof(buf));
	for (i = 0; (k = evidence_key_name(i)) != NULL; i++)
		if (fp_key_valid(k)) {
			if (buf[strlen(buf) - 1] != ' ')
				strlcat(buf, ", ", sizeof(buf));
			strlcat(buf, k, sizeof(buf));
		}
	strlcat(buf, ")", sizeof(buf));
	return buf;
}

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL ? s : WW_SRCDIR;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load yaml as file 'name' into db; the messages go to *msgs. */
static int
load_as(struct fpdb *db, const char *name, const char *yaml, char **msgs)
{
	size_t mlen;
	FILE *f;
	int n;

	assert_non_null(f = open_memstream(msgs, &mlen));
	n = fpdb_load_buffer(db, name, yaml, strlen(yaml), f);
	fclose(f);
	return n;
}

static struct fpdb *
db_from(const char *yaml)
{
	struct fpdb *db;
	char *msgs;

	assert_non_null(db = fpdb_new());
	if (load_as(db, NAME, yaml, &msgs) != 0)
		fail_msg("%s\n%s", yaml, msgs);
	free(msgs);
	return db;
}

/* yaml, loaded into a new database, gives exactly these messages. */
static void
expect(const char *yaml, int nerr, const char *want)
{
	struct fpdb *db;
	char *msgs;
	int n;

	assert_non_null(db = fpdb_new());
	n = load_as(db, NAME, yaml, &msgs);
	if (strcmp(msgs, want) != 0 || n != nerr)
		fail_msg("for:\n%s\ngot %d error(s):\n%s\nwant %d:\n%s", yaml,
		    n, msgs, nerr, want);
	free(msgs);
	fpdb_free(db);
}

static void
test_fpdb_classes(void **state)
{
	static const char *const names[] = {
		"infusion-pump", "patient-monitor", "ventilator", "dialysis",
		"imaging-modality", "imaging-workstation", "ultrasound",
		"lab-analyzer", "medical-gateway", "interface-engine", "pacs",
		"nurse-call", "clinical-workstation", "server", "printer",
		"network-infrastructure", "iot", "unknown",
	};
	size_t i;
	int c;

	(void)state;
	/* Every class of profiles/README.md, and no other. */
	assert_int_equal(sizeof(names) / sizeof(names[0]), FP_CLASS_MAX);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		c = fp_class_lookup(names[i]);
		assert_true(c >= 0 && c < FP_CLASS_MAX);
		assert_string_equal(fp_class_name((enum fp_class)c), names[i]);
	}
	assert_int_equal(fp_class_lookup("unknown"), FP_CLASS_UNKNOWN);
	assert_int_equal(fp_class_lookup("infusion-pump"),
	    FP_CLASS_INFUSION_PUMP);
	assert_int_equal(fp_class_lookup("iot"), FP_CLASS_IOT);
	assert_int_equal(fp_class_lookup("Infusion-Pump"), -1);
	assert_int_equal(fp_class_lookup("pump"), -1);
	assert_int_equal(fp_class_lookup(""), -1);
	assert_int_equal(fp_class_lookup(NULL), -1);
	assert_null(fp_class_name(FP_CLASS_MAX));
	assert_null(fp_class_name((enum fp_class)-1));
}

static void
test_fpdb_keys(void **state)
{
	static const char *const keys[] = {
		"oui.vendor", "eui64.vendor", "hostname", "dhcp.vendor_class",
		"dhcp.params", "hl7.sending_app", "hl7.sending_facility",
		"hl7.receiving_app", "hl7.message_type", "hl7.version",
		"hl7.profile", "hl7.observation", "hl7.equipment",
		"dicom.calling_ae", "dicom.called_ae", "dicom.impl_class_uid",
		"dicom.impl_version", "dicom.sop_class", "dicom.modality",
		"dicom.manufacturer", "dicom.model", "dicom.software",
		"http.user_agent", "http.server", "tls.sni", "tls.ja3",
		"tls.ja4", "ssh.software", "ssh.hassh", "mdns.name",
		"mdns.service", "ssdp.server", "mqtt.client_id", "dns.query",
		"lldp.description", "lldp.platform", "lldp.capability",
		"lldp.manufacturer", "lldp.model", "lldp.software",
		"port.server", "behaviour",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!fp_key_valid(keys[i]))
			fail_msg("%s: not a key", keys[i]);
	assert_false(fp_key_valid("oui"));
	assert_false(fp_key_valid("Hostname"));
	assert_false(fp_key_valid("dicom.calling_ae "));
	assert_false(fp_key_valid("behavior"));
	assert_false(fp_key_valid(""));
	assert_false(fp_key_valid(NULL));
}

/* Everything the format allows, and what it loads as. */
static void
test_fpdb_load_valid(void **state)
{
	static const char yaml[] =
	    "# comment\n"
	    "vendors:\n"
	    "  - name: Baxter\n"
	    "    match: [\"Baxter*\"]\n"
	    "  - name: \"B. Braun\"\n"
	    "    match: \"B?Braun*\"\n"
	    "fingerprints:\n"
	    "  - name: baxter-spectrum-iq\n"
	    "    class: infusion-pump\n"
	    "    vendor: Baxter\n"
	    "    model: Spectrum IQ\n"
	    "    confidence: 85\n"
	    "    match:\n"
	    "      dhcp.vendor_class: \"Baxter*\"\n"
	    "      hostname: [\"SIQ-*\", \"SPECTRUM*\"]\n"
	    "  - {name: only.model-1, model: X, match: {behaviour: router}}\n"
	    "  - name: c\n"
	    "    class: unknown\n"
	    "    confidence: 100\n"
	    "    match: {tls.ja4: \"t13d*\"}\n"
	    "  - name: d\n"
	    "    vendor: V\n"
	    "    confidence: 1\n"
	    "    match: {port.server: tcp/104}\n";
	struct fp_evidence ev[] = {
		{ "dhcp.vendor_class", "Baxter.SIQ.1" },
		{ "hostname", "siq-0042" },
		{ "behaviour", "router" },
		{ "tls.ja4", "t13d1516h2_8daaf6152771_e5627efa2ab1" },
		{ "port.server", "tcp/104" },
	};
	struct fp_match m[8];
	struct fpdb *db;

	(void)state;
	db = db_from(yaml);
	assert_int_equal(fpdb_count(db), 4);
	assert_int_equal(fpdb_vendor_count(db), 2);
	assert_int_equal(fpdb_match(db, ev, 5, m, 8), 4);
	assert_string_equal(m[0].name, "baxter-spectrum-iq");
	assert_int_equal(m[0].class, FP_CLASS_INFUSION_PUMP);
	assert_string_equal(m[0].vendor, "Baxter");
	assert_string_equal(m[0].model, "Spectrum IQ");
	assert_int_equal(m[0].confidence, 85);
	assert_string_equal(m[0].source, "dhcp.vendor_class");
	assert_ptr_equal(m[0].value, ev[0].value);
	assert_string_equal(m[1].name, "only.model-1");
	assert_int_equal(m[1].class, -1);
	assert_null(m[1].vendor);
	assert_string_equal(m[1].model, "X");
	assert_int_equal(m[1].confidence, FPDB_DEFAULT_CONFIDENCE);
	assert_string_equal(m[1].source, "behaviour");
	assert_string_equal(m[2].name, "c");
	assert_int_equal(m[2].class, FP_CLASS_UNKNOWN);
	assert_null(m[2].vendor);
	assert_null(m[2].model);
	assert_int_equal(m[2].confidence, 100);
	assert_string_equal(m[3].name, "d");
	assert_int_equal(m[3].confidence, 1);
	assert_string_equal(fpdb_vendor(db, "B-Braun Melsungen AG"),
	    "B. Braun");
	fpdb_free(db);

	/* Empty documents and sections load nothing, without error. */
	expect("", 0, "");
	expect("# only a comment\n", 0, "");
	expect("---\n", 0, "");
	expect("vendors:\nfingerprints:\n", 0, "");
	expect("vendors: []\nfingerprints: []\n", 0, "");
	fpdb_free(NULL);
}

static void
test_fpdb_unknown_keys(void **state)
{
	char want[4096];

	(void)state;
	expect("fingerprint:\n" ENTRY_A, 1,
	    NAME ":1:1: unknown key \"fingerprint\" (expected vendors or "
	    "fingerprints)\n");
	expect("fingerprints:\n" ENTRY_A "    colour: red\n", 1,
	    NAME ":6:5: unknown key \"colour\" (expected name, class, "
	    "vendor, model, confidence or match)\n");
	/* The first bad key of a file lists the good ones. */
	snprintf(want, sizeof(want),
	    NAME ":6:7: unknown evidence key \"Hostname\"%s\n"
	    NAME ":7:7: unknown evidence key \"dhcp.option60\"\n",
	    keys_note());
	expect("fingerprints:\n" ENTRY_A "      Hostname: x\n"
	    "      dhcp.option60: y\n", 2, want);
	/* Keys of app/evidence.def that fingerprints do not match. */
	snprintf(want, sizeof(want),
	    NAME ":6:7: evidence key \"hostname.dhcp\" is not matched by "
	    "fingerprints%s\n"
	    NAME ":7:7: evidence key \"hl7.from\" is not matched by "
	    "fingerprints\n", keys_note());
	expect("fingerprints:\n" ENTRY_A "      hostname.dhcp: x\n"
	    "      hl7.from: y\n", 2, want);
	assert_non_null(strstr(keys_note(), ", hostname, "));
	assert_null(strstr(keys_note(), "hostname.dhcp"));
	expect("vendors:\n  - name: X\n    match: x\n    matches: y\n", 1,
	    NAME ":4:5: unknown key \"matches\" (expected name or match)\n");
	expect("? [a]\n: b\n", 1, NAME ":1:3: keys must be names, not a "
	    "list\n");
	expect("\"\": 1\n", 1, NAME ":1:1: unknown key \"\" (expected vendors "
	    "or fingerprints)\n");
	expect("\"a\\0b\": 1\n", 1, NAME ":1:1: unknown key \"a?b\" (expected "
	    "vendors or fingerprints)\n");
	/* Duplicate keys, at every level. */
	expect("fingerprints: []\nfingerprints: []\n", 1,
	    NAME ":2:1: duplicate key \"fingerprints\" (first at line 1, "
	    "column 1)\n");
	expect("fingerprints:\n" ENTRY_A "    class: iot\n", 1,
	    NAME ":6:5: duplicate key \"class\" (first at line 3, column "
	    "5)\n");
	expect("fingerprints:\n" ENTRY_A "      hostname: i\n", 1,
	    NAME ":6:7: duplicate key \"hostname\" (first at line 5, column "
	    "7)\n");
}

static void
test_fpdb_structure(void **state)
{
	(void)state;
	expect("- a\n", 1, NAME ":1:1: expected a mapping at the top level, "
	    "got a list\n");
	expect("fingerprints: x\n", 1,
	    NAME ":1:15: fingerprints: expected a list, got \"x\"\n");
	expect("vendors: {a: b}\n", 1,
	    NAME ":1:10: vendors: expected a list, got a mapping\n");
	expect("fingerprints:\n  - foo\n", 1,
	    NAME ":2:5: fingerprints: expected a mapping, got \"foo\"\n");
	expect("vendors:\n  - [a]\n", 1,
	    NAME ":2:5: vendors: expected a mapping, got a list\n");
	/* The parser's own errors come through with their position. */
	expect("fingerprints:\n  - name: a\n   bad\n", 1,
	    NAME ":3:4: did not find expected '-' indicator (while parsing "
	    "a block collection)\n");
	expect("fingerprints:\n  - &x {name: a}\n", 1,
	    NAME ":2:5: anchors are not allowed (&x)\n");
}

static void
test_fpdb_names(void **state)
{
	(void)state;
	expect("fingerprints:\n  - class: server\n    match: {hostname: h}\n",
	    1, NAME ":2:5: missing name\n");
	expect("fingerprints:\n  - name:\n    class: server\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:10: name: missing value\n");
	expect("fingerprints:\n  - name: Foo_1\n    class: server\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:11: name: \"Foo_1\" has characters other than a-z, 0-9, "
	    "'.' and '-'\n");
	expect("fingerprints:\n  - name: \"a b\"\n    class: server\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:11: name: \"a b\" has characters other than a-z, 0-9, "
	    "'.' and '-'\n");
	expect("fingerprints:\n  - name: [a]\n    class: server\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:11: name: expected a string, got a list\n");
	expect("fingerprints:\n  - name: \"\"\n    class: server\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:11: name: must not be empty\n");
	expect("fingerprints:\n" ENTRY_A ENTRY_A, 1,
	    NAME ":6:11: duplicate fingerprint \"a\" (first at " NAME
	    ":2:11)\n");
	/* Vendor names are free text; duplicates of them are allowed. */
	expect("vendors:\n  - match: x\n  - name: Y\n", 2,
	    NAME ":2:5: missing name\n" NAME ":3:5: missing match\n");
	expect("vendors:\n  - {name: X, match: x}\n  - {name: X, match: y}\n",
	    0, "");
}

/* A name taken in one file is reported in the next, with where it was. */
static void
test_fpdb_duplicate_across_files(void **state)
{
	struct fpdb *db;
	char *msgs, want[4096];

	(void)state;
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_as(db, "one.yaml", "fingerprints:\n" ENTRY_A,
	    &msgs), 0);
	free(msgs);
	assert_int_equal(load_as(db, "two.yaml", "\n\nfingerprints:\n"
	    "  - {name: b, class: iot, match: {hostname: x}}\n"
	    "  - {name: a, class: iot, match: {hostname: x}}\n", &msgs), 1);
	assert_string_equal(msgs, "two.yaml:5:12: duplicate fingerprint "
	    "\"a\" (first at one.yaml:2:11)\n");
	free(msgs);
	assert_int_equal(fpdb_count(db), 2);
	fpdb_free(db);

	/* An entry left out for another error still holds its name. */
	snprintf(want, sizeof(want), NAME ":2:22: unknown class \"pump\"%s\n"
	    NAME ":3:12: duplicate fingerprint \"a\" (first at " NAME
	    ":2:12)\n", classes_note());
	expect("fingerprints:\n"
	    "  - {name: a, class: pump, match: {hostname: x}}\n"
	    "  - {name: a, class: iot, match: {hostname: x}}\n", 2, want);
}

static void
test_fpdb_values(void **state)
{
	char want[4096];

	(void)state;
	snprintf(want, sizeof(want), NAME ":3:12: unknown class \"pump\"%s\n",
	    classes_note());
	expect("fingerprints:\n  - name: a\n    class: pump\n"
	    "    match: {hostname: h}\n", 1, want);
	snprintf(want, sizeof(want), NAME ":3:12: unknown class "
	    "\"Server\"%s\n", classes_note());
	expect("fingerprints:\n  - name: a\n    class: Server\n"
	    "    match: {hostname: h}\n", 1, want);
	assert_non_null(strstr(classes_note(), " (classes: infusion-pump, "
	    "patient-monitor, "));
	assert_non_null(strstr(classes_note(), ", iot, unknown)"));
	expect("fingerprints:\n  - name: a\n    class:\n    vendor: V\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":3:11: class: missing value\n");
	expect("fingerprints:\n  - name: a\n    vendor: {x: y}\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":3:13: vendor: expected a string, got a mapping\n");
	expect("fingerprints:\n  - name: a\n    model: \"a\\tb\"\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":3:12: model: contains a control character\n");
	expect("fingerprints:\n  - name: a\n    model: \"a\\0b\"\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":3:12: model: contains a NUL character\n");
	expect("fingerprints:\n  - name: a\n    confidence: 90\n"
	    "    match: {hostname: h}\n", 1,
	    NAME ":2:5: none of class, vendor and model is set\n");
}

static void
test_fpdb_confidence(void **state)
{
	static const struct {
		const char	*value, *msg;
	} cases[] = {
		{ "0", "confidence: 0 is out of range (1 to 100)" },
		{ "101", "confidence: 101 is out of range (1 to 100)" },
		{ "-5", "confidence: -5 is out of range (1 to 100)" },
		{ "99999999999999999999",
		  "confidence: 99999999999999999999 is out of range (1 to "
		  "100)" },
		{ "high", "confidence: expected an integer, got \"high\"" },
		{ "85.5", "confidence: expected an integer, got \"85.5\"" },
		{ "\"85\"", "confidence: expected an integer, got a quoted "
		  "string" },
		{ "[85]", "confidence: expected an integer, got a list" },
		{ "", "confidence: missing value" },
	};
	char yaml[256], want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "fingerprints:\n  - name: a\n"
		    "    class: iot\n    confidence: %s\n"
		    "    match: {hostname: h}\n", cases[i].value);
		snprintf(want, sizeof(want), NAME ":4:%d: %s\n",
		    *cases[i].value == '\0' ? 16 : 17, cases[i].msg);
		expect(yaml, 1, want);
	}
}

static void
test_fpdb_match_values(void **state)
{
	(void)state;
	expect("fingerprints:\n  - {name: a, class: iot}\n", 1,
	    NAME ":2:5: missing match\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n", 1,
	    NAME ":4:11: match: empty\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match: {}\n",
	    1, NAME ":4:12: match: empty\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match: [a]\n",
	    1, NAME ":4:12: match: expected a mapping of evidence keys, got "
	    "a list\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: {a: b}\n", 1,
	    NAME ":5:17: hostname: expected a glob or a list of globs, got a "
	    "mapping\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: [a, {b: c}, [d], ~]\n", 3,
	    NAME ":5:21: hostname: expected a glob, got a mapping\n"
	    NAME ":5:29: hostname: expected a glob, got a list\n"
	    NAME ":5:34: hostname: expected a glob, got nothing\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname:\n", 1, NAME ":5:16: hostname: missing value\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: []\n", 1, NAME ":5:17: hostname: empty list\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: [\"\"]\n", 1,
	    NAME ":5:18: hostname: must not be empty\n");
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: 'ab\\'\n", 1,
	    NAME ":5:17: hostname: glob ends with a lone '\\'\n");
	/* An escaped backslash at the end is a literal one. */
	expect("fingerprints:\n  - name: a\n    class: iot\n    match:\n"
	    "      hostname: 'ab\\\\'\n", 0, "");
	expect("vendors:\n  - name: X\n    match: {a: b}\n", 1,
	    NAME ":3:12: match: expected a glob or a list of globs, got a "
	    "mapping\n");
}

/* Strings: 63 bytes for values, 127 for globs, 16 globs per key. */
static void
test_fpdb_lengths(void **state)
{
	char yaml[1024], want[256], v63[64], v64[65], g127[128], g128[129];
	char list[256];
	size_t i;

	(void)state;
	memset(v63, 'x', 63);
	v63[63] = '\0';
	memset(v64, 'x', 64);
	v64[64] = '\0';
	memset(g127, 'g', 127);
	g127[127] = '\0';
	memset(g128, 'g', 128);
	g128[128] = '\0';

	snprintf(yaml, sizeof(yaml), "vendors:\n  - name: %s\n"
	    "    match: %s\nfingerprints:\n  - name: %s\n"
	    "    vendor: %s\n    model: %s\n    match: {hostname: %s}\n",
	    v63, g127, v63, v63, v63, g127);
	expect(yaml, 0, "");

	snprintf(yaml, sizeof(yaml), "vendors:\n  - name: %s\n"
	    "    match: %s\nfingerprints:\n  - name: %s\n"
	    "    vendor: %s\n    model: %s\n    match: {hostname: %s}\n",
	    v64, g128, v64, v64, v64, g128);
	snprintf(want, sizeof(want), "%s",
	    NAME ":2:11: name: longer than 63 bytes\n"
	    NAME ":3:12: match: longer than 127 bytes\n"
	    NAME ":5:11: name: longer than 63 bytes\n"
	    NAME ":6:13: vendor: longer than 63 bytes\n"
	    NAME ":7:12: model: longer than 63 bytes\n"
	    NAME ":8:23: hostname: longer than 127 bytes\n");
	expect(yaml, 6, want);

	/* 16 globs are fine; the 17th is reported where it is. */
	strlcpy(list, "[", sizeof(list));
	for (i = 0; i < 16; i++)
		strlcat(list, i == 0 ? "g" : ", g", sizeof(list));
	snprintf(yaml, sizeof(yaml), "fingerprints:\n  - name: a\n"
	    "    class: iot\n    match: {hostname: %s]}\n", list);
	expect(yaml, 0, "");
	snprintf(yaml, sizeof(yaml), "fingerprints:\n  - name: a\n"
	    "    class: iot\n    match: {hostname: %s, h]}\n", list);
	/* "    match: {hostname: [" is 23 columns, then 16 globs of 3. */
	expect(yaml, 1, NAME ":4:72: hostname: more than 16 globs\n");
	snprintf(yaml, sizeof(yaml), "vendors:\n  - name: V\n"
	    "    match: %s, h]\n", list);
	expect(yaml, 1, NAME ":3:61: match: more than 16 globs\n");
}

/* One pass reports every error of a file, and of every file. */
static void
test_fpdb_all_errors_one_pass(void **state)
{
	static const char yaml[] =
	    "vendors:\n"				/* 1 */
	    "  - name: Good\n"				/* 2 */
	    "    match: good*\n"			/* 3 */
	    "  - name: NoMatch\n"			/* 4 */
	    "fingerprints:\n"				/* 5 */
	    "  - name: ok\n"				/* 6 */
	    "    class: iot\n"				/* 7 */
	    "    match: {hostname: h}\n"		/* 8 */
	    "  - name: Bad!\n"				/* 9 */
	    "    class: toaster\n"			/* 10 */
	    "    confidence: 0\n"			/* 11 */
	    "    colour: red\n"				/* 12 */
	    "    match:\n"				/* 13 */
	    "      hostname: []\n"			/* 14 */
	    "      ip: 10.0.0.1\n"			/* 15 */
	    "  - name: ok\n"				/* 16 */
	    "    match: {}\n"				/* 17 */
	    "extra: 1\n";				/* 18 */
	struct fpdb *db;
	char *msgs, want[8192];

	(void)state;
	snprintf(want, sizeof(want),
	    NAME ":4:5: missing match\n"
	    NAME ":12:5: unknown key \"colour\" (expected name, class, vendor, "
	    "model, confidence or match)\n"
	    NAME ":9:11: name: \"Bad!\" has characters other than a-z, 0-9, "
	    "'.' and '-'\n"
	    NAME ":10:12: unknown class \"toaster\"%s\n"
	    NAME ":11:17: confidence: 0 is out of range (1 to 100)\n"
	    NAME ":14:17: hostname: empty list\n"
	    NAME ":15:7: unknown evidence key \"ip\"%s\n"
	    NAME ":16:11: duplicate fingerprint \"ok\" (first at " NAME
	    ":6:11)\n"
	    NAME ":16:5: none of class, vendor and model is set\n"
	    NAME ":17:12: match: empty\n"
	    NAME ":18:1: unknown key \"extra\" (expected vendors or "
	    "fingerprints)\n", classes_note(), keys_note());
	expect(yaml, 11, want);

	/* The good entries are kept; the load as a whole has failed. */
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_as(db, NAME, yaml, &msgs), 11);
	free(msgs);
	assert_int_equal(fpdb_count(db), 1);
	assert_int_equal(fpdb_vendor_count(db), 1);
	fpdb_free(db);
}

/* The per-file error cap of cfgyaml holds here too. */
static void
test_fpdb_error_cap(void **state)
{
	struct fpdb *db;
	char *doc, *msgs, *p;
	size_t i, lines = 0;

	(void)state;
	assert_non_null(doc = calloc(1, 200 * 64));
	strlcpy(doc, "fingerprints:\n", 200 * 64);
	for (i = 0; i < 200; i++)
		snprintf(doc + strlen(doc), 64, "  - {name: X%zu, class: iot, "
		    "match: {hostname: h}}\n", i);
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_as(db, NAME, doc, &msgs), CFGYAML_MAX_ERRORS);
	for (p = msgs; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, CFGYAML_MAX_ERRORS + 1);
	assert_non_null(strstr(msgs, NAME ": too many errors, stopping\n"));
	free(msgs);
	fpdb_free(db);
	free(doc);
}

/* n fingerprints (or vendors) numbered from 'from', one a line. */
static char *
many(bool vendors, size_t from, size_t n)
{
	char *doc;
	size_t i, o, size = n * 80 + 32;

	assert_non_null(doc = malloc(size));
	o = (size_t)snprintf(doc, size, "%s:\n", vendors ? "vendors" :
	    "fingerprints");
	for (i = from; i < from + n; i++) {
		if (vendors)
			o += (size_t)snprintf(doc + o, size - o,
			    "  - {name: v%zu, match: x}\n", i);
		else
			o += (size_t)snprintf(doc + o, size - o,
			    "  - {name: f%zu, class: iot, match: "
			    "{hostname: x}}\n", i);
	}
	return doc;
}

static void
test_fpdb_caps(void **state)
{
	struct fpdb *db;
	char *doc, *msgs, want[128];

	(void)state;
	/* One file: the first entry over the cap is reported, once. */
	assert_non_null(db = fpdb_new());
	doc = many(false, 0, FPDB_MAX_FINGERPRINTS + 2);
	assert_int_equal(load_as(db, NAME, doc, &msgs), 1);
	snprintf(want, sizeof(want), NAME ":%d:5: more than %d fingerprints\n",
	    FPDB_MAX_FINGERPRINTS + 2, FPDB_MAX_FINGERPRINTS);
	assert_string_equal(msgs, want);
	assert_int_equal(fpdb_count(db), FPDB_MAX_FINGERPRINTS);
	free(msgs);
	free(doc);
	fpdb_free(db);

	/* The cap is over all files of a database. */
	assert_non_null(db = fpdb_new());
	doc = many(false, 0, FPDB_MAX_FINGERPRINTS);
	assert_int_equal(load_as(db, "a.yaml", doc, &msgs), 0);
	free(msgs);
	free(doc);
	doc = many(false, FPDB_MAX_FINGERPRINTS, 1);
	assert_int_equal(load_as(db, "b.yaml", doc, &msgs), 1);
	snprintf(want, sizeof(want), "b.yaml:2:5: more than %d fingerprints\n",
	    FPDB_MAX_FINGERPRINTS);
	assert_string_equal(msgs, want);
	free(msgs);
	free(doc);
	fpdb_free(db);

	assert_non_null(db = fpdb_new());
	doc = many(true, 0, FPDB_MAX_VENDORS + 1);
	assert_int_equal(load_as(db, NAME, doc, &msgs), 1);
	snprintf(want, sizeof(want), NAME ":%d:5: more than %d vendors\n",
	    FPDB_MAX_VENDORS + 2, FPDB_MAX_VENDORS);
	assert_string_equal(msgs, want);
	assert_int_equal(fpdb_vendor_count(db), FPDB_MAX_VENDORS);
	free(msgs);
	free(doc);
	fpdb_free(db);
}

static void
test_fpdb_glob(void **state)
{
	static const struct {
		const char	*p, *s;
		bool		 match;
	} cases[] = {
		/* Literal, whole string, case-insensitive (ASCII). */
		{ "abc", "abc", true },
		{ "abc", "ABC", true },
		{ "ABC", "abc", true },
		{ "abc", "abcd", false },
		{ "abc", "ab", false },
		{ "abc", "xabc", false },
		/* '*' at either end, in the middle, several. */
		{ "Baxter*", "Baxter Healthcare Corporation", true },
		{ "Baxter*", "Baxter", true },
		{ "Baxter*", "Baxte", false },
		{ "*Corporation", "Baxter Healthcare Corporation", true },
		{ "*Healthcare*", "Baxter Healthcare Corporation", true },
		{ "*health*", "Baxter Healthcare Corporation", true },
		{ "B*r H*e C*n", "Baxter Healthcare Corporation", true },
		{ "*", "", true },
		{ "*", "anything", true },
		{ "**", "", true },
		{ "a*b*c", "abc", true },
		{ "a*b*c", "aXbYc", true },
		{ "a*b*c", "acb", false },
		{ "*ab", "aab", true },
		{ "*ab", "abab", true },
		{ "*aab", "aaab", true },
		{ "*abc*", "ababc", true },
		/* '?' is one character: a byte, or one UTF-8 sequence. */
		{ "?", "a", true },
		{ "?", "", false },
		{ "?", "ab", false },
		{ "a?c", "abc", true },
		{ "a?c", "ac", false },
		{ "???", "abc", true },
		{ "Dr?gerwerk*", "Dr\xc3\xa4gerwerk AG & Co. KGaA", true },
		{ "Dr?ger", "Draeger", false },
		{ "?", "\xc3\xa4", true },
		{ "??", "\xc3\xa4", false },
		{ "?", "\xe2\x82\xac", true },
		{ "*?", "\xc3\xa4", true },
		{ "*??", "\xc3\xa4", false },
		{ "*r?g*", "Dr\xc3\xa4gerwerk", true },
		/* Non-ASCII letters compare exactly. */
		{ "Dr\xc3\xa4ger", "Dr\xc3\xa4ger", true },
		{ "DR\xc3\x84GER", "Dr\xc3\xa4ger", false },
		/* '\' quotes the next character; a trailing one is itself. */
		{ "a\\*b", "a*b", true },
		{ "a\\*b", "axb", false },
		{ "a\\?b", "a?b", true },
		{ "a\\?b", "axb", false },
		{ "a\\\\b", "a\\b", true },
		{ "\\a", "a", true },
		{ "\\A", "a", true },
		{ "a\\", "a\\", true },
		{ "a\\", "a", false },
		{ "*\\*", "x*", true },
		{ "*\\*", "x", false },
		/* The empty pattern and the empty string. */
		{ "", "", true },
		{ "", "a", false },
		{ "a", "", false },
		{ "a*", "", false },
		/* Real keys. */
		{ "1,3,6,15,*", "1,3,6,15,31,33,43,44,46,47,119,121,249,252",
		  true },
		{ "tcp/104", "TCP/104", true },
		{ "_ipp._tcp", "_ipp._tcp", true },
		{ "ORU^R01", "ORU^R01", true },
	};
	char *s, *p;
	double t;
	size_t i, n = 200000;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (fp_glob(cases[i].p, cases[i].s) != cases[i].match)
			fail_msg("\"%s\" vs \"%s\": want %s", cases[i].p,
			    cases[i].s, cases[i].match ? "match" : "none");
	assert_false(fp_glob(NULL, "a"));
	assert_false(fp_glob("a", NULL));

	/*
	 * Patterns that take a backtracking matcher exponential time end
	 * at once: 200000 characters against the longest glob of stars.
	 */
	assert_non_null(s = malloc(n + 2));
	memset(s, 'a', n);
	s[n] = '\0';
	assert_non_null(p = malloc(FPDB_MAX_GLOB + 1));
	for (i = 0; i + 2 < FPDB_MAX_GLOB; i += 2)
		memcpy(p + i, "*a", 2);
	p[i++] = 'b';
	p[i] = '\0';
	t = now();
	assert_false(fp_glob("*a*a*a*a*a*b", s));
	assert_false(fp_glob(p, s));
	assert_false(fp_glob("*aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", s));
	s[n] = 'b';
	s[n + 1] = '\0';
	assert_true(fp_glob("*a*a*a*a*a*b", s));
	assert_true(fp_glob(p, s));
	assert_true(fp_glob("*aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", s));
	t = now() - t;
	if (t > 2.0)
		fail_msg("pathological globs took %.2f s", t);
	free(p);
	free(s);
}

static const char match_yaml[] =
    "fingerprints:\n"
    "  - name: pump\n"
    "    class: infusion-pump\n"
    "    vendor: Baxter\n"
    "    confidence: 85\n"
    "    match:\n"
    "      dhcp.vendor_class: \"Baxter*\"\n"
    "      hostname: [\"SIQ-*\", \"SPECTRUM*\"]\n"
    "  - name: baxter-oui\n"
    "    vendor: Baxter\n"
    "    confidence: 40\n"
    "    match:\n"
    "      oui.vendor: [\"Baxter*\", \"Gambro*\"]\n"
    "  - name: printer\n"
    "    class: printer\n"
    "    match:\n"
    "      mdns.service: _ipp._tcp\n"
    "  - name: any-host\n"
    "    class: iot\n"
    "    confidence: 10\n"
    "    match:\n"
    "      hostname: \"*\"\n";

static void
test_fpdb_match(void **state)
{
	struct fp_evidence ev[8], *big;
	struct fp_match m[4];
	struct fpdb *db;
	size_t i;

	(void)state;
	db = db_from(match_yaml);
	assert_int_equal(fpdb_count(db), 4);

	/* No evidence, unknown keys, NULLs: nothing matches. */
	assert_int_equal(fpdb_match(db, NULL, 0, m, 4), 0);
	ev[0] = (struct fp_evidence){ "hostnames", "SIQ-1" };
	ev[1] = (struct fp_evidence){ NULL, "SIQ-1" };
	ev[2] = (struct fp_evidence){ "hostname", NULL };
	assert_int_equal(fpdb_match(db, ev, 3, m, 4), 0);

	/* AND: one key alone is not enough. */
	ev[0] = (struct fp_evidence){ "dhcp.vendor_class", "Baxter.1" };
	assert_int_equal(fpdb_match(db, ev, 1, m, 4), 0);

	/* Any value of a key, any glob (OR); order of evidence is free. */
	ev[0] = (struct fp_evidence){ "hostname", "other" };
	ev[1] = (struct fp_evidence){ "hostname", "spectrum-7" };
	ev[2] = (struct fp_evidence){ "dhcp.vendor_class", "Alaris" };
	ev[3] = (struct fp_evidence){ "dhcp.vendor_class", "baxter.siq" };
	assert_int_equal(fpdb_match(db, ev, 4, m, 4), 2);
	assert_string_equal(m[0].name, "pump");
	assert_int_equal(m[0].class, FP_CLASS_INFUSION_PUMP);
	assert_string_equal(m[0].vendor, "Baxter");
	assert_null(m[0].model);
	assert_int_equal(m[0].confidence, 85);
	/* Provenance: the rule's first key and the value that matched it. */
	assert_string_equal(m[0].source, "dhcp.vendor_class");
	assert_ptr_equal(m[0].value, ev[3].value);
	assert_string_equal(m[1].name, "any-host");
	assert_string_equal(m[1].source, "hostname");
	assert_ptr_equal(m[1].value, ev[0].value);

	/* Of several values that match, the first in order is the
	 * provenance, keys interleaved as they may be. */
	ev[0] = (struct fp_evidence){ "dhcp.vendor_class", "Alaris" };
	ev[1] = (struct fp_evidence){ "hostname", "SIQ-2" };
	ev[2] = (struct fp_evidence){ "dhcp.vendor_class", "Baxter.a" };
	ev[3] = (struct fp_evidence){ "dhcp.vendor_class", "Baxter.b" };
	assert_int_equal(fpdb_match(db, ev, 4, m, 4), 2);
	assert_string_equal(m[0].name, "pump");
	assert_ptr_equal(m[0].value, ev[2].value);
	assert_string_equal(m[1].name, "any-host");
	assert_ptr_equal(m[1].value, ev[1].value);

	/* A key's value matching another key's glob does not count. */
	ev[0] = (struct fp_evidence){ "hostname", "Baxter.1" };
	ev[1] = (struct fp_evidence){ "dhcp.vendor_class", "SIQ-1" };
	assert_int_equal(fpdb_match(db, ev, 2, m, 4), 1);
	assert_string_equal(m[0].name, "any-host");

	/* Every match in rule order; max smaller than the count. */
	ev[0] = (struct fp_evidence){ "mdns.service", "_IPP._tcp" };
	ev[1] = (struct fp_evidence){ "oui.vendor", "Gambro Lundia AB" };
	ev[2] = (struct fp_evidence){ "hostname", "SIQ-9" };
	ev[3] = (struct fp_evidence){ "dhcp.vendor_class", "Baxter" };
	assert_int_equal(fpdb_match(db, ev, 4, m, 4), 4);
	assert_string_equal(m[0].name, "pump");
	assert_string_equal(m[1].name, "baxter-oui");
	assert_int_equal(m[1].class, -1);
	assert_string_equal(m[1].source, "oui.vendor");
	assert_ptr_equal(m[1].value, ev[1].value);
	assert_string_equal(m[2].name, "printer");
	assert_null(m[2].vendor);
	assert_int_equal(m[2].confidence, FPDB_DEFAULT_CONFIDENCE);
	assert_string_equal(m[3].name, "any-host");
	memset(m, 0, sizeof(m));
	assert_int_equal(fpdb_match(db, ev, 4, m, 2), 4);
	assert_string_equal(m[0].name, "pump");
	assert_string_equal(m[1].name, "baxter-oui");
	assert_null(m[2].name);
	assert_int_equal(fpdb_match(db, ev, 4, NULL, 0), 4);

	/* More evidence than fits on the stack. */
	assert_non_null(big = calloc(1000, sizeof(*big)));
	for (i = 0; i < 1000; i++)
		big[i] = (struct fp_evidence){ "dns.query", "example.org" };
	big[998] = (struct fp_evidence){ "mdns.service", "_ipp._tcp" };
	assert_int_equal(fpdb_match(db, big, 1000, m, 4), 1);
	assert_string_equal(m[0].name, "printer");
	assert_ptr_equal(m[0].value, big[998].value);
	free(big);
	fpdb_free(db);

	/* An empty database matches nothing. */
	assert_non_null(db = fpdb_new());
	assert_int_equal(fpdb_count(db), 0);
	assert_int_equal(fpdb_match(db, ev, 4, m, 4), 0);
	fpdb_free(db);
}

static void
test_fpdb_vendor(void **state)
{
	static const char yaml[] =
	    "vendors:\n"
	    "  - name: Baxter\n"
	    "    match: [\"Baxter*\"]\n"
	    "  - name: BD\n"
	    "    match: [\"Becton*\", \"Carefusion*\", \"BD\"]\n"
	    "  - name: Draeger\n"
	    "    match: [\"Draeger*\", \"Dr?gerwerk*\"]\n"
	    "  - name: Catch-all B\n"
	    "    match: \"B*\"\n";
	struct fpdb *db;
	char *msgs;

	(void)state;
	db = db_from(yaml);
	assert_string_equal(fpdb_vendor(db, "Baxter Healthcare Corporation"),
	    "Baxter");
	assert_string_equal(fpdb_vendor(db, "BAXTER HEALTHCARE"), "Baxter");
	assert_string_equal(fpdb_vendor(db, "Becton, Dickinson and Company"),
	    "BD");
	assert_string_equal(fpdb_vendor(db, "CareFusion"), "BD");
	assert_string_equal(fpdb_vendor(db, "bd"), "BD");
	assert_string_equal(fpdb_vendor(db, "Dr\xc3\xa4gerwerk AG & Co. KGaA"),
	    "Draeger");
	/* The first entry that matches wins: "B*" comes last. */
	assert_string_equal(fpdb_vendor(db, "BDX"), "Catch-all B");
	assert_null(fpdb_vendor(db, "Philips Medical Systems"));
	assert_null(fpdb_vendor(db, ""));
	assert_null(fpdb_vendor(db, NULL));

	/* Later files come after earlier ones. */
	assert_int_equal(load_as(db, "late.yaml", "vendors:\n"
	    "  - {name: Philips, match: \"Philips*\"}\n"
	    "  - {name: Late Baxter, match: \"Baxter*\"}\n", &msgs), 0);
	free(msgs);
	assert_string_equal(fpdb_vendor(db, "Philips Medical Systems"),
	    "Philips");
	assert_string_equal(fpdb_vendor(db, "Baxter"), "Baxter");
	fpdb_free(db);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) == -1 && rmdir(path) == -1)
		fail_msg("cannot remove %s", path);
}

static int
load_dir(struct fpdb *db, const char *dir, char **msgs)
{
	size_t mlen;
	FILE *f;
	int n;

	assert_non_null(f = open_memstream(msgs, &mlen));
	n = fpdb_load_dir(db, dir, f);
	fclose(f);
	return n;
}

#define ANY_HOST(n)	"fingerprints:\n" \
	"  - {name: " n ", class: iot, match: {hostname: \"*\"}}\n"

static void
test_fpdb_load_dir(void **state)
{
	static const char *const files[] = {
		"b.yaml", "a.yaml", "B.yaml", "10.yaml", "9.yaml",
		".hidden.yaml", "c.yml", "notes.txt", "yaml",
	};
	struct fp_evidence ev = { "hostname", "h" };
	struct fp_match m[8];
	struct fpdb *db;
	char dir[512], sub[600], want[4096], *msgs;
	const char *tmp;
	size_t i;

	(void)state;
	tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof(dir), "%s/test-fpdb.XXXXXX", tmp);
	assert_non_null(mkdtemp(dir));

	/* A directory without a *.yaml is an error, as is none at all. */
	write_file(dir, "c.yml", "this: [is not read\n");
	write_file(dir, "notes.txt", "neither is this\n");
	write_file(dir, "yaml", "nor this\n");
	write_file(dir, ".hidden.yaml", "nor: this\n");
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_dir(db, dir, &msgs), 1);
	snprintf(want, sizeof(want), "%s: no *.yaml file\n", dir);
	assert_string_equal(msgs, want);
	free(msgs);
	snprintf(sub, sizeof(sub), "%s/none", dir);
	assert_int_equal(load_dir(db, sub, &msgs), 1);
	snprintf(want, sizeof(want), "%s: No such file or directory\n", sub);
	assert_string_equal(msgs, want);
	free(msgs);
	fpdb_free(db);

	/* Files in strcmp() order: "10" < "9" < "B" < "a" < "b". */
	write_file(dir, "b.yaml", ANY_HOST("b"));
	write_file(dir, "a.yaml", ANY_HOST("a"));
	write_file(dir, "B.yaml", ANY_HOST("upper-b"));
	write_file(dir, "10.yaml", ANY_HOST("ten"));
	write_file(dir, "9.yaml", "vendors:\n  - {name: V, match: v}\n"
	    ANY_HOST("nine"));
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_dir(db, dir, &msgs), 0);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_int_equal(fpdb_count(db), 5);
	assert_int_equal(fpdb_vendor_count(db), 1);
	assert_int_equal(fpdb_match(db, &ev, 1, m, 8), 5);
	assert_string_equal(m[0].name, "ten");
	assert_string_equal(m[1].name, "nine");
	assert_string_equal(m[2].name, "upper-b");
	assert_string_equal(m[3].name, "a");
	assert_string_equal(m[4].name, "b");
	fpdb_free(db);

	/*
	 * Errors name the file, a duplicate says which file had it first,
	 * and the files after a bad one are still loaded and checked.
	 */
	write_file(dir, "a.yaml", "fingerprints:\n  - {name: a, class: x, "
	    "match: {hostname: h}}\n");
	write_file(dir, "b.yaml", ANY_HOST("ten"));
	snprintf(sub, sizeof(sub), "%s/dir.yaml", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_dir(db, dir, &msgs), 3);
	snprintf(want, sizeof(want),
	    "%s/a.yaml:2:22: unknown class \"x\"%s\n"
	    "%s/b.yaml:2:12: duplicate fingerprint \"ten\" (first at "
	    "%s/10.yaml:2:12)\n"
	    "%s/dir.yaml: Is a directory\n", dir, classes_note(), dir, dir,
	    dir);
	assert_string_equal(msgs, want);
	free(msgs);
	assert_int_equal(fpdb_count(db), 3);
	fpdb_free(db);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		remove_file(dir, files[i]);
	remove_file(dir, "dir.yaml");
	assert_int_equal(rmdir(dir), 0);
}

static void
test_fpdb_load_file_errors(void **state)
{
	struct fpdb *db;
	char *msgs;
	size_t mlen;
	FILE *f;

	(void)state;
	assert_non_null(db = fpdb_new());
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(fpdb_load_file(db, "/nonexistent/x.yaml", f), 1);
	fclose(f);
	assert_string_equal(msgs, "/nonexistent/x.yaml: No such file or "
	    "directory\n");
	free(msgs);

	/* An endless file is cut at the limit, not read to the end. */
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(fpdb_load_file(db, "/dev/zero", f), 1);
	fclose(f);
	assert_string_equal(msgs, "/dev/zero: file is larger than 4194304 "
	    "bytes\n");
	free(msgs);

	/* Messages may go nowhere; the count is the same. */
	assert_int_equal(fpdb_load_file(db, "/nonexistent/x.yaml", NULL), 1);
	assert_int_equal(fpdb_load_buffer(db, NAME, "x: 1\n", 5, NULL), 1);
	assert_int_equal(fpdb_load_dir(db, "/nonexistent", NULL), 1);
	fpdb_free(db);
}

/*
 * The built-in copy loads without error whatever the data files are,
 * and is the copy of profiles/fingerprints/ as it is now (a stale
 * fpdb-builtin.c would differ).
 */
static void
test_fpdb_builtin(void **state)
{
	struct fpdb *db, *dir;
	char path[1024], *msgs;
	size_t mlen;
	FILE *f;
	int n;

	(void)state;
	assert_true(fpdb_builtin_nfiles > 0);
	assert_non_null(db = fpdb_new());
	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = fpdb_load_builtin(db, f);
	fclose(f);
	if (n != 0)
		fail_msg("%d error(s) in the built-in fingerprints:\n%s", n,
		    msgs);
	free(msgs);
	assert_true(fpdb_count(db) > 0);

	snprintf(path, sizeof(path), "%s/profiles/fingerprints", srcdir());
	assert_non_null(dir = fpdb_new());
	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = fpdb_load_dir(dir, path, f);
	fclose(f);
	if (n != 0)
		fail_msg("%s", msgs);
	free(msgs);
	assert_int_equal(fpdb_count(db), fpdb_count(dir));
	assert_int_equal(fpdb_vendor_count(db), fpdb_vendor_count(dir));
	fpdb_free(dir);

	/* Loading it twice makes every name a duplicate. */
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_true(fpdb_load_builtin(db, f) > 0);
	fclose(f);
	assert_non_null(strstr(msgs, ": duplicate fingerprint \""));
	free(msgs);
	assert_int_equal(fpdb_replaced_count(db), 0);
	fpdb_free(db);

	/* After a site's file, a built-in fingerprint of a name it has is
	 * left out: the local one replaces it. */
	assert_non_null(db = fpdb_new());
	assert_int_equal(load_as(db, "site.yaml", "fingerprints:\n"
	    "  - {name: printer-raw-9100, class: iot, match: "
	    "{port.server: tcp/9100}}\n"
	    "  - {name: site-only, class: iot, match: {hostname: x}}\n",
	    &msgs), 0);
	free(msgs);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(fpdb_load_builtin(db, f), 0);
	fclose(f);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_int_equal(fpdb_replaced_count(db), 1);
	assert_non_null(dir = fpdb_new());
	assert_int_equal(fpdb_load_builtin(dir, stderr), 0);
	assert_int_equal(fpdb_count(db), fpdb_count(dir) + 1);
	fpdb_free(dir);
	{
		struct fp_evidence ev = { "port.server", "tcp/9100" };
		struct fp_match m[4];

		assert_int_equal(fpdb_match(db, &ev, 1, m, 4), 1);
		assert_int_equal(m[0].class, FP_CLASS_IOT);
	}
	fpdb_free(db);
}

/*
 * Shipped fingerprints: each case is the evidence a device shows and
 * the rule that must match it, with what the rule claims ("" for none).
 * Every fingerprint added to profiles/fingerprints/ gets a case here.
 */
struct fp_case {
	const char	*rule;
	const char	*class, *vendor, *model;
	struct fp_evidence ev[3];
};

static const struct fp_case builtin_cases[] = {
	/* Virtual machines: pump data from one is the vendor's server. */
	{ "pump-data-from-vm", "medical-gateway", "", "",
	    { { "vm.hypervisor", "VMware" },
	      { "hl7.observation", "MDC_DEV_PUMP_INFUS_LVP_MDS" } } },
	{ "pump-data-from-nutanix-vm", "medical-gateway", "", "",
	    { { "oui.vendor", "Nutanix" }, { "hl7.observation", "70049" } } },
	/* Interface engines: the product is the vendor. */
	{ "rhapsody-sending-app", "", "Rhapsody Health", "Rhapsody",
	    { { "hl7.sending_app", "RHAPSODY_PROD" } } },
	{ "corepoint-sending-app", "", "Rhapsody Health", "Corepoint",
	    { { "hl7.sending_app", "Corepoint" } } },
	{ "mirth-sending-app", "", "NextGen Healthcare", "Mirth Connect",
	    { { "hl7.sending_app", "MIRTH" } } },
	{ "cloverleaf-sending-app", "", "Infor", "Cloverleaf",
	    { { "hl7.sending_app", "CLOVERLEAF" } } },
	{ "intersystems-sending-app", "", "InterSystems", "",
	    { { "hl7.sending_app", "HEALTHSHARE" } } },
	/* The maker at the head of the model a printer announces. */
	{ "mdns-model-hp", "", "HP", "",
	    { { "mdns.model", "HP LaserJet Pro M404dn" } } },
	{ "mdns-model-brother", "", "Brother", "",
	    { { "mdns.model", "Brother HL-L2350DW series" } } },
	{ "mdns-model-canon", "", "Canon", "",
	    { { "mdns.model", "Canon iR-ADV C5535" } } },
	{ "mdns-model-epson", "", "Epson", "",
	    { { "mdns.model", "EPSON WF-C5790 Series" } } },
	{ "mdns-model-xerox", "", "Xerox", "",
	    { { "mdns.model", "Xerox VersaLink C405" } } },
	{ "mdns-model-lexmark", "", "Lexmark", "",
	    { { "mdns.model", "Lexmark MS621" } } },
	{ "mdns-model-ricoh", "", "Ricoh", "",
	    { { "mdns.model", "RICOH IM C3000" } } },
	{ "mdns-model-kyocera", "", "Kyocera", "",
	    { { "mdns.model", "Kyocera ECOSYS P3155dn" } } },
	{ "mdns-model-zebra", "", "Zebra", "",
	    { { "mdns.model", "Zebra ZD421" } } },
	/* Baxter's pumps, their server, its CRRT systems. */
	{ "baxter-sigma-spectrum", "infusion-pump", "Baxter", "SIGMA Spectrum",
	    { { "hl7.equipment", "SIGMA Spectrum V8" } } },
	{ "baxter-spectrum-iq", "infusion-pump", "Baxter", "Spectrum IQ",
	    { { "hl7.equipment", "Spectrum IQ" } } },
	{ "baxter-novum-iq", "infusion-pump", "Baxter", "Novum IQ",
	    { { "hl7.equipment", "Novum IQ LVP" } } },
	{ "baxter-dose-iq", "medical-gateway", "Baxter", "Dose IQ",
	    { { "hl7.sending_app", "DOSE_IQ" } } },
	{ "baxter-prismaflex", "dialysis", "Baxter", "Prismaflex",
	    { { "hl7.equipment", "Prismaflex" } } },
	{ "baxter-prismax", "dialysis", "Baxter", "PrisMax",
	    { { "hl7.equipment", "PRISMAX" } } },
	{ "oui-baxter-pump", "infusion-pump", "", "",
	    { { "oui.vendor", "Baxter International Inc" } } },
	{ "oui-gambro-crrt", "dialysis", "", "",
	    { { "oui.vendor", "Gambro Lundia AB" } } },
	{ "oui-fresenius-medical-care", "dialysis", "", "",
	    { { "oui.vendor", "Fresenius Medical Care AG & Co. KGaA" } } },
	/* Monitors, defibrillators, ventilators, their software. */
	{ "zoll-x-series", "patient-monitor", "Zoll", "X Series",
	    { { "hl7.equipment", "ZOLL X Series" } } },
	{ "zoll-r-series", "patient-monitor", "Zoll", "R Series",
	    { { "hl7.equipment", "R Series ALS" } } },
	{ "zoll-rescuenet", "server", "Zoll", "RescueNet",
	    { { "hl7.sending_app", "RescueNet" } } },
	{ "oui-zoll-lifevest", "patient-monitor", "", "LifeVest",
	    { { "oui.vendor", "ZOLL Lifecor Corporation" } } },
	{ "masimo-radical-7", "patient-monitor", "Masimo", "Radical-7",
	    { { "hl7.equipment", "Radical-7" } } },
	{ "masimo-rad-97", "patient-monitor", "Masimo", "Rad-97",
	    { { "hl7.equipment", "Rad-97" } } },
	{ "masimo-root", "patient-monitor", "Masimo", "Root",
	    { { "hl7.equipment", "Masimo Root" } } },
	{ "masimo-patient-safetynet", "medical-gateway", "Masimo",
	    "Patient SafetyNet",
	    { { "hl7.sending_app", "PATIENT SAFETYNET" } } },
	{ "nihon-kohden-life-scope", "patient-monitor", "Nihon Kohden", "",
	    { { "hl7.equipment", "BSM-6501" } } },
	{ "welch-allyn-connex-monitor", "patient-monitor", "Welch Allyn",
	    "Connex", { { "hl7.equipment", "Connex VSM 6000" } } },
	{ "welch-allyn-connex-software", "medical-gateway", "Welch Allyn", "",
	    { { "hl7.sending_app", "CONNEX_CS" } } },
	{ "oui-welch-allyn-vitals", "patient-monitor", "", "",
	    { { "oui.vendor", "Welch Allyn, Inc." } } },
	{ "stryker-lifepak", "patient-monitor", "Stryker", "LIFEPAK",
	    { { "hl7.equipment", "LIFEPAK 15" } } },
	{ "stryker-lifenet", "server", "Stryker", "LIFENET",
	    { { "hl7.sending_app", "LIFENET" } } },
	{ "oui-physio-control-defibrillator", "patient-monitor", "Stryker",
	    "LIFEPAK", { { "oui.vendor", "Physio-Control, Inc" } } },
	{ "getinge-servo-u", "ventilator", "Getinge", "Servo-u",
	    { { "hl7.equipment", "SERVO-U" } } },
	{ "getinge-servo-i", "ventilator", "Getinge", "Servo-i",
	    { { "hl7.equipment", "Servo-i" } } },
	{ "getinge-servo-family", "ventilator", "Getinge", "",
	    { { "hl7.equipment", "SERVO-air" } } },
	{ "natus-neuroworks", "", "Natus", "NeuroWorks",
	    { { "hl7.sending_app", "NeuroWorks" } } },
	/* Imaging. */
	{ "dicom-impl-hologic", "", "Hologic", "",
	    { { "dicom.impl_class_uid", "1.2.840.113681.2.3" } } },
	{ "hologic-mammography", "imaging-modality", "Hologic", "",
	    { { "dicom.model", "Selenia Dimensions" } } },
	{ "carestream-drx", "imaging-modality", "Carestream", "",
	    { { "dicom.model", "DRX-Evolution" } } },
	{ "canon-aquilion-ct", "imaging-modality", "Canon Medical", "",
	    { { "dicom.model", "Aquilion ONE" } } },
	{ "canon-vantage-mr", "imaging-modality", "Canon Medical", "",
	    { { "dicom.model", "Vantage Orian" } } },
	{ "canon-angiography", "imaging-modality", "Canon Medical", "",
	    { { "dicom.model", "Alphenix Core+" } } },
	{ "canon-aplio-ultrasound", "ultrasound", "Canon Medical", "",
	    { { "dicom.model", "Aplio i800" } } },
	{ "agfa-dx-d", "imaging-modality", "Agfa", "",
	    { { "dicom.model", "DX-D 300" } } },
	{ "agfa-cr-digitizer", "imaging-modality", "Agfa", "",
	    { { "dicom.model", "CR 30-X" } } },
	{ "agfa-impax", "pacs", "Agfa", "",
	    { { "hl7.sending_app", "IMPAX" } } },
	{ "agfa-impax-receiver", "pacs", "Agfa", "",
	    { { "hl7.receiving_app", "IMPAX_RIS" } } },
	{ "oui-carestream-imaging", "imaging-modality", "", "",
	    { { "oui.vendor", "Carestream Health, Inc." } } },
	/* Laboratory. */
	{ "beckman-au-chemistry", "lab-analyzer", "Beckman Coulter", "",
	    { { "hl7.sending_app", "AU5800" } } },
	{ "beckman-remisol", "server", "Beckman Coulter", "REMISOL",
	    { { "hl7.sending_app", "REMISOL ADVANCE" } } },
	{ "abbott-istat", "lab-analyzer", "Abbott", "i-STAT",
	    { { "hl7.sending_app", "i-STAT" } } },
	{ "abbott-cell-dyn", "lab-analyzer", "Abbott", "",
	    { { "hl7.sending_app", "CELL-DYN Ruby" } } },
	{ "abbott-poc-data-manager", "server", "Abbott", "",
	    { { "hl7.sending_app", "RALS" } } },
	{ "siemens-lab-analyzers", "lab-analyzer", "Siemens Healthineers", "",
	    { { "hl7.sending_app", "RAPIDPoint 500" } } },
	{ "siemens-centralink", "server", "Siemens Healthineers", "CentraLink",
	    { { "hl7.sending_app", "CentraLink" } } },
	/* Nurse call, pharmacy, sterile supply. */
	{ "hillrom-navicare-hl7", "nurse-call", "Hillrom", "NaviCare",
	    { { "hl7.receiving_app", "NAVICARE" } } },
	{ "omnicell-receiver", "server", "Omnicell", "",
	    { { "hl7.receiving_app", "OMNICELL" } } },
	{ "omnicell-sender", "server", "Omnicell", "",
	    { { "hl7.sending_app", "OMNICELL" } } },
	{ "oui-getinge-sterilization", "iot", "", "",
	    { { "oui.vendor", "Getinge Sterilization AB" } } },
};

/* Registry and DICOM spellings and the vendor they stand for. */
static const struct {
	const char	*org;
	const char	*vendor;	/* NULL: no canonical name */
} builtin_vendors[] = {
	{ "Baxter International Inc", "Baxter" },
	{ "Gambro Lundia AB", "Baxter" },
	{ "ZOLL Lifecor Corporation", "Zoll" },
	{ "Physio-Control, Inc", "Stryker" },
	{ "Stryker Corporation", "Stryker" },
	{ "Masimo Corporation", "Masimo" },
	{ "NIHON KOHDEN AMERICA", "Nihon Kohden" },
	{ "Welch Allyn, Inc.", "Welch Allyn" },
	{ "Hill-Rom", "Hillrom" },
	{ "Getinge Sterilization AB", "Getinge" },
	{ "Getinge IT Solutions ApS", "Getinge" },
	{ "Maquet Critical Care AB", "Getinge" },
	{ "Carestream Health, Inc.", "Carestream" },
	{ "Carestream Dental LLC", "Carestream" },
	{ "TOSHIBA_MEC", "Canon Medical" },
	{ "TOSHIBA_MEC_US", "Canon Medical" },
	{ "CANON_MEC", "Canon Medical" },
	{ "Toshiba", NULL },
	{ "AGFA CORPORATION", "Agfa" },
	{ "Agfa", "Agfa" },
	{ "AGFA NDT INC.", NULL },
	{ "HOLOGIC, Inc.", "Hologic" },
	{ "Lorad, A Hologic Company", "Hologic" },
	{ "Beckman Coulter K.K.", "Beckman Coulter" },
	{ "Abbott Diagnostics Technologies AS", "Abbott" },
	{ "Abbott Point of Care", "Abbott" },
	{ "Siemens Healthcare Diagnostics, Inc", "Siemens Healthineers" },
	{ "Natus Medical Incorporated", "Natus" },
	{ "Omnicell", "Omnicell" },
	{ "HP", "HP" },
	{ "EPSON", "Epson" },
};

static void
expect_case(const struct fpdb *db, const struct fp_case *c)
{
	struct fp_match m[64];
	size_t n, i, k;

	for (k = 0; k < 3 && c->ev[k].key != NULL; k++)
		;
	n = fpdb_match(db, c->ev, k, m, 64);
	for (i = 0; i < n && i < 64; i++)
		if (strcmp(m[i].name, c->rule) == 0)
			break;
	if (i == n || i == 64)
		fail_msg("%s: no match for %s=%s", c->rule, c->ev[0].key,
		    c->ev[0].value);
	if (strcmp(c->class, m[i].class >= 0 ?
	    fp_class_name((enum fp_class)m[i].class) : "") != 0 ||
	    strcmp(c->vendor, m[i].vendor != NULL ? m[i].vendor : "") != 0 ||
	    strcmp(c->model, m[i].model != NULL ? m[i].model : "") != 0)
		fail_msg("%s: claims %s / %s / %s", c->rule,
		    m[i].class >= 0 ? fp_class_name((enum fp_class)m[i].class) :
		    "", m[i].vendor != NULL ? m[i].vendor : "",
		    m[i].model != NULL ? m[i].model : "");
}

static void
test_fpdb_builtin_cases(void **state)
{
	struct fpdb *db;
	size_t i;

	(void)state;
	assert_non_null(db = fpdb_new());
	assert_int_equal(fpdb_load_builtin(db, stderr), 0);
	for (i = 0; i < sizeof(builtin_cases) / sizeof(builtin_cases[0]); i++)
		expect_case(db, &builtin_cases[i]);
	for (i = 0; i < sizeof(builtin_vendors) / sizeof(builtin_vendors[0]);
	    i++) {
		const char *v = fpdb_vendor(db, builtin_vendors[i].org);

		if (builtin_vendors[i].vendor == NULL ? v != NULL : v == NULL ||
		    strcmp(v, builtin_vendors[i].vendor) != 0)
			fail_msg("vendor of \"%s\": %s, want %s",
			    builtin_vendors[i].org, v != NULL ? v : "none",
			    builtin_vendors[i].vendor != NULL ?
			    builtin_vendors[i].vendor : "none");
	}
	fpdb_free(db);
}

/*
 * The index against the scan it replaced: random globs (wildcards,
 * escapes, UTF-8, letter case) in random rules and vendor entries, and
 * evidence made from those globs, mutated or not.  Every answer must be
 * the scan's, to the pointer: the same rules in the same order, the
 * same provenance.
 */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static unsigned
rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* A character of a glob: valid UTF-8, for the YAML parser. */
static const char *const glob_chars[] = {
	"a", "A", "b", "B", "c", "x", "X", ".", "-", "_", " ", "1", "^",
	"\xc3\xa9", "\xc3\x89", "*", "*", "*", "?", "\\*", "\\?", "\\\\",
	"\\a"
};
/* Few characters: globs whose segments overlap in a value. */
static const char *const narrow_chars[] = { "a", "A", "b", "*", "?" };
static bool narrow;
/* What a wildcard takes: some bytes not valid UTF-8. */
static const char *const value_chars[] = {
	"a", "B", "c", "x", ".", "-", " ", "1", "z", "\xc3\xa9", "\x80",
	"\xc3", "\xe2\x82\xac", "*", "?", "\\"
};

static void
random_glob(char *buf, size_t size)
{
	size_t n = 1 + rng(8), i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		strlcat(buf, narrow ? narrow_chars[rng(sizeof(narrow_chars) /
		    sizeof(narrow_chars[0]))] : glob_chars[rng(
		    sizeof(glob_chars) / sizeof(glob_chars[0]))], size);
	/* A lone trailing '\' is refused. */
	for (i = strlen(buf), n = 0; i > 0 && buf[i - 1] == '\\'; i--)
		n++;
	if (n % 2 == 1)
		strlcat(buf, "a", size);
}

/* A value that glob matches (mostly), its letters in any case. */
static void
glob_value(const char *g, char *buf, size_t size)
{
	char c[2] = { 0, 0 };
	size_t i, n;

	buf[0] = '\0';
	for (; *g != '\0'; g++) {
		if (*g == '*' || *g == '?') {
			n = *g == '?' ? 1 : rng(4);
			for (i = 0; i < n; i++)
				strlcat(buf, value_chars[rng(
				    sizeof(value_chars) /
				    sizeof(value_chars[0]))], size);
			continue;
		}
		if (*g == '\\' && g[1] != '\0')
			g++;
		c[0] = *g;
		if (rng(2) && ((c[0] >= 'a' && c[0] <= 'z') ||
		    (c[0] >= 'A' && c[0] <= 'Z')))
			c[0] ^= 0x20;
		strlcat(buf, c, size);
	}
	n = strlen(buf);
	switch (rng(8)) {
	case 0:
		if (n > 0)
			buf[rng((unsigned)n)] = 'q';
		break;
	case 1:
		if (n > 0)
			buf[n - 1] = '\0';
		break;
	case 2:
		strlcat(buf, "a", size);
		break;
	}
}

static size_t
expect_same_matches(const struct fpdb *db, const struct fp_evidence *ev,
    size_t n)
{
	struct fp_match a[16], b[16];
	size_t na, nb, i;

	/* A match through the index, not a scan because it is missing. */
	assert_true(fpdb_indexed(db));
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	na = fpdb_match(db, ev, n, a, 16);
	nb = fpdb_match_scan(db, ev, n, b, 16);
	if (na != nb)
		fail_msg("%zu matches, the scan %zu (first value \"%s\")",
		    na, nb, n > 0 && ev[0].value != NULL ? ev[0].value : "");
	for (i = 0; i < na && i < 16; i++) {
		assert_ptr_equal(a[i].name, b[i].name);
		assert_int_equal(a[i].class, b[i].class);
		assert_ptr_equal(a[i].vendor, b[i].vendor);
		assert_ptr_equal(a[i].model, b[i].model);
		assert_int_equal(a[i].confidence, b[i].confidence);
		assert_int_equal(a[i].key, b[i].key);
		assert_ptr_equal(a[i].source, b[i].source);
		assert_ptr_equal(a[i].value, b[i].value);
	}
	return na;
}

static void
index_random(void)
{
	static const char *const keys[] = {
		"hostname", "dhcp.vendor_class", "oui.vendor", "dns.query"
	};
	enum { NRULES = 400, NVEND = 60, MAXG = NRULES * 9 + NVEND * 3,
	    NSETS = 4000 };
	char (*globs)[64], (*vals)[128], line[256], *yaml, *msgs;
	struct fp_evidence ev[300];
	size_t ng = 0, len = 0, cap = 1 << 20, i, j, k, n, nk, nglob;
	size_t nmatch = 0;
	struct fpdb *db;
	int kk[3];

	assert_non_null(globs = calloc(MAXG, sizeof(*globs)));
	assert_non_null(vals = calloc(300, sizeof(*vals)));
	assert_non_null(yaml = malloc(cap));
	yaml[0] = '\0';
	len = strlcat(yaml, "vendors:\n", cap);
	for (i = 0; i < NVEND; i++) {
		snprintf(line, sizeof(line), "  - name: v%zu\n    match: [", i);
		len = strlcat(yaml, line, cap);
		for (j = 0, nglob = 1 + rng(3); j < nglob; j++) {
			random_glob(globs[ng], sizeof(globs[ng]));
			snprintf(line, sizeof(line), "%s'%s'",
			    j > 0 ? ", " : "", globs[ng++]);
			len = strlcat(yaml, line, cap);
		}
		len = strlcat(yaml, "]\n", cap);
	}
	len = strlcat(yaml, "fingerprints:\n", cap);
	for (i = 0; i < NRULES; i++) {
		snprintf(line, sizeof(line), "  - name: r%zu\n"
		    "    class: server\n    confidence: %u\n    match:\n", i,
		    1 + rng(100));
		len = strlcat(yaml, line, cap);
		/* 1..3 distinct keys, in any order. */
		nk = 1 + rng(3);
		for (k = 0; k < nk; k++) {
			do {
				kk[k] = (int)rng(3);
				for (j = 0; j < k && kk[j] != kk[k]; j++)
					;
			} while (j < k);
			snprintf(line, sizeof(line), "      %s: [",
			    keys[kk[k]]);
			len = strlcat(yaml, line, cap);
			for (j = 0, nglob = 1 + rng(3); j < nglob; j++) {
				random_glob(globs[ng], sizeof(globs[ng]));
				snprintf(line, sizeof(line), "%s'%s'",
				    j > 0 ? ", " : "", globs[ng++]);
				len = strlcat(yaml, line, cap);
			}
			len = strlcat(yaml, "]\n", cap);
		}
	}
	assert_true(len < cap);
	assert_non_null(db = fpdb_new());
	if (load_as(db, NAME, yaml, &msgs) != 0)
		fail_msg("%s", msgs);
	free(msgs);
	assert_int_equal(fpdb_count(db), NRULES);

	for (i = 0; i < NSETS; i++) {
		n = 1 + rng(8);
		for (j = 0; j < n; j++) {
			if (rng(10) < 7)
				glob_value(globs[rng((unsigned)ng)], vals[j],
				    sizeof(vals[j]));
			else
				random_glob(vals[j], sizeof(vals[j]));
			ev[j].key = keys[rng(4)];
			ev[j].value = rng(20) == 0 ? NULL : vals[j];
		}
		nmatch += expect_same_matches(db, ev, n);
		for (j = 0; j < n; j++) {
			const char *a = fpdb_vendor(db, vals[j]);
			const char *b = fpdb_vendor_scan(db, vals[j]);

			if (a != b)
				fail_msg("vendor of \"%s\": %s, the scan %s",
				    vals[j], a != NULL ? a : "none",
				    b != NULL ? b : "none");
		}
	}
	/* Most sets match something, through every kind of glob. */
	assert_true(nmatch > NSETS);
	fpdb_free(db);

	/* More (clause, evidence) pairs than the index keeps on the
	 * stack: the scan answers. */
	db = db_from("fingerprints:\n"
	    "  - {name: any, class: server, match: {hostname: '*'}}\n"
	    "  - {name: a, class: iot, match: {hostname: 'a*',"
	    " oui.vendor: '*'}}\n");
	for (j = 0; j < 300; j++) {
		ev[j].key = j % 2 ? "hostname" : "oui.vendor";
		ev[j].value = j < 150 ? "b" : "a";
	}
	assert_int_equal(expect_same_matches(db, ev, 300), 2);
	fpdb_free(db);
	free(yaml);
	free(vals);
	free(globs);
}

static void
test_fpdb_index_random(void **state)
{
	(void)state;
	narrow = false;
	index_random();
	narrow = true;
	index_random();
	narrow = false;
}

/*
 * The same over the built-in files, with values made from every quoted
 * string in them (most are globs) under every key they match.
 */
static void
test_fpdb_index_builtin(void **state)
{
	char (*vals)[128], path[1024], *buf;
	struct fp_evidence ev[6];
	const char *p, *q, *key;
	size_t nv = 0, i, j, n, len;
	struct fpdb *db;
	unsigned k, nkeys = 0, keyids[EVIDENCE_MAX];
	static const char *const files[] = {
		"10-vendors.yaml", "20-infusion.yaml", "30-monitoring.yaml",
		"40-imaging.yaml", "50-lab.yaml", "60-it.yaml",
		"70-behaviour.yaml"
	};

	(void)state;
	for (k = 0; (key = evidence_key_name(k)) != NULL; k++)
		if (fp_key_valid(key))
			keyids[nkeys++] = k;
	assert_non_null(vals = calloc(8192, sizeof(*vals)));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/profiles/fingerprints/%s",
		    srcdir(), files[i]);
		if (util_read_file(path, 1u << 22, &buf, &len) != 0)
			fail_msg("%s", path);
		for (p = buf; (p = strchr(p, '"')) != NULL && nv < 8000;
		    p = q + 1) {
			if ((q = strchr(p + 1, '"')) == NULL)
				break;
			snprintf(path, sizeof(path), "%.*s",
			    (int)(q - p - 1), p + 1);
			for (j = 0; j < 4 && nv < 8000; j++)
				glob_value(path, vals[nv++],
				    sizeof(vals[0]));
		}
		free(buf);
	}
	assert_true(nv > 1000);
	assert_non_null(db = fpdb_new());
	assert_int_equal(fpdb_load_builtin(db, stderr), 0);
	for (i = 0; i < 20000; i++) {
		n = 1 + rng(6);
		for (j = 0; j < n; j++) {
			ev[j].key = evidence_key_name(keyids[rng(nkeys)]);
			ev[j].value = vals[rng((unsigned)nv)];
		}
		expect_same_matches(db, ev, n);
	}
	for (i = 0; i < nv; i++)
		if (fpdb_vendor(db, vals[i]) != fpdb_vendor_scan(db, vals[i]))
			fail_msg("vendor of \"%s\"", vals[i]);
	fpdb_free(db);

	/* The same files from the directory (indexed once at its end). */
	snprintf(path, sizeof(path), "%s/profiles/fingerprints", srcdir());
	assert_non_null(db = fpdb_new());
	assert_int_equal(fpdb_load_dir(db, path, stderr), 0);
	for (i = 0; i < 5000; i++) {
		n = 1 + rng(6);
		for (j = 0; j < n; j++) {
			ev[j].key = evidence_key_name(keyids[rng(nkeys)]);
			ev[j].value = vals[rng((unsigned)nv)];
		}
		expect_same_matches(db, ev, n);
	}
	fpdb_free(db);
	free(vals);
}

/* One glob at a time, compiled, against fp_glob() itself. */
static void
test_fpdb_index_globs(void **state)
{
	char glob[64], val[128], yaml[512];
	struct fp_evidence ev;
	struct fp_match m;
	struct fpdb *db;
	size_t i, j, yes = 0;
	bool want;

	(void)state;
	for (i = 0; i < 4000; i++) {
		narrow = i % 2 == 1;
		random_glob(glob, sizeof(glob));
		snprintf(yaml, sizeof(yaml), "vendors:\n"
		    "  - {name: v, match: '%s'}\n"
		    "fingerprints:\n"
		    "  - {name: f, class: iot, match: {hostname: '%s'}}\n",
		    glob, glob);
		db = db_from(yaml);
		for (j = 0; j < 40; j++) {
			if (j % 4 == 3)
				random_glob(val, sizeof(val));
			else
				glob_value(glob, val, sizeof(val));
			want = fp_glob(glob, val);
			yes += want;
			ev = (struct fp_evidence){ "hostname", val };
			if ((fpdb_match(db, &ev, 1, &m, 1) == 1) != want ||
			    (fpdb_vendor(db, val) != NULL) != want)
				fail_msg("glob \"%s\", value \"%s\": want %s",
				    glob, val, want ? "a match" : "none");
		}
		fpdb_free(db);
	}
	narrow = false;
	assert_true(yes > 4000 * 10);
}

/*
 * Every evidence key, and strings near them, resolve through the
 * index's key table as through evidence_key_lookup(): a rule on each
 * key fingerprints match, evidence under every key and near-misses.
 */
static void
test_fpdb_index_keys(void **state)
{
	char *yaml, line[128], near[6][64];
	struct fp_evidence ev[1];
	struct fpdb *db;
	const char *key;
	size_t cap = 1 << 16, i, nrules = 0;
	unsigned k;

	(void)state;
	assert_non_null(yaml = malloc(cap));
	strlcpy(yaml, "fingerprints:\n", cap);
	for (k = 0; (key = evidence_key_name(k)) != NULL; k++) {
		if (!fp_key_valid(key))
			continue;
		snprintf(line, sizeof(line), "  - {name: k%u, class: iot, "
		    "match: {%s: '*'}}\n", k, key);
		assert_true(strlcat(yaml, line, cap) < cap);
		nrules++;
	}
	db = db_from(yaml);
	assert_int_equal(fpdb_count(db), nrules);
	for (k = 0; (key = evidence_key_name(k)) != NULL; k++) {
		ev[0] = (struct fp_evidence){ key, "v" };
		assert_int_equal(expect_same_matches(db, ev, 1),
		    fp_key_valid(key) ? 1 : 0);
		snprintf(near[0], sizeof(near[0]), "%s", key);
		near[0][strlen(near[0]) - 1] = '\0';
		snprintf(near[1], sizeof(near[1]), "%sx", key);
		snprintf(near[2], sizeof(near[2]), "x%s", key + 1);
		snprintf(near[3], sizeof(near[3]), "%s", key);
		near[3][strlen(near[3]) / 2] ^= 0x20;
		snprintf(near[4], sizeof(near[4]), "%s", key);
		near[4][0] = (char)(near[4][0] == 'a' ? 'b' : 'a');
		strlcpy(near[5], "", sizeof(near[5]));
		for (i = 0; i < 6; i++) {
			ev[0] = (struct fp_evidence){ near[i], "v" };
			(void)expect_same_matches(db, ev, 1);
		}
	}
	ev[0] = (struct fp_evidence){ NULL, "v" };
	assert_int_equal(expect_same_matches(db, ev, 1), 0);
	fpdb_free(db);
	free(yaml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fpdb_classes),
		cmocka_unit_test(test_fpdb_keys),
		cmocka_unit_test(test_fpdb_load_valid),
		cmocka_unit_test(test_fpdb_unknown_keys),
		cmocka_unit_test(test_fpdb_structure),
		cmocka_unit_test(test_fpdb_names),
		cmocka_unit_test(test_fpdb_duplicate_across_files),
		cmocka_unit_test(test_fpdb_values),
		cmocka_unit_test(test_fpdb_confidence),
		cmocka_unit_test(test_fpdb_match_values),
		cmocka_unit_test(test_fpdb_lengths),
		cmocka_unit_test(test_fpdb_all_errors_one_pass),
		cmocka_unit_test(test_fpdb_error_cap),
		cmocka_unit_test(test_fpdb_caps),
		cmocka_unit_test(test_fpdb_glob),
		cmocka_unit_test(test_fpdb_match),
		cmocka_unit_test(test_fpdb_vendor),
		cmocka_unit_test(test_fpdb_load_dir),
		cmocka_unit_test(test_fpdb_load_file_errors),
		cmocka_unit_test(test_fpdb_builtin),
		cmocka_unit_test(test_fpdb_builtin_cases),
		cmocka_unit_test(test_fpdb_index_globs),
		cmocka_unit_test(test_fpdb_index_keys),
		cmocka_unit_test(test_fpdb_index_random),
		cmocka_unit_test(test_fpdb_index_builtin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
