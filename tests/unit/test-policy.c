/*
 * test-policy.c - zero-trust profiles: the shipped ones load, every
 * mistake in a file is reported at its line and column, profiles are
 * found device first, then fingerprint, then class, then the default
 * (deny for medical classes, observe otherwise), judging follows the
 * allow-lists, a learned set widens them, and a profile written out
 * loads again to the same judgments.  (Zone placement: test-zone.c.)
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"

#define NAME	"p.yaml"

static const char *const classes[] = {
	"unknown", "infusion-pump", "patient-monitor", "ventilator",
	"dialysis", "imaging-modality", "imaging-workstation", "ultrasound",
	"lab-analyzer", "medical-gateway", "interface-engine", "pacs",
	"nurse-call", "clinical-workstation", "server", "printer",
	"network-infrastructure", "iot",
};
static const char *const apps[] = {
	"hl7", "dicom", "dhcp", "dns", "mdns", "ssdp", "http", "tls", "ssh",
	"mqtt", "ftp", "telnet", "smb",
};

static struct policy *
pol_new(void)
{
	struct policy *p = policy_new();

	policy_set_classes(p, classes, sizeof(classes) / sizeof(classes[0]));
	policy_set_apps(p, apps, sizeof(apps) / sizeof(apps[0]));
	return p;
}

static int mismatches;

/* yaml gives nerr errors, and the first message is want. */
static void
expect(const char *yaml, int nerr, const char *want)
{
	struct policy *p = pol_new();
	char *msgs;
	size_t mlen;
	FILE *f;
	int n;

	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = policy_load_buffer(p, NAME, yaml, strlen(yaml), f);
	fclose(f);
	if (n != nerr || (want != NULL && strncmp(msgs, want,
	    strlen(want)) != 0)) {
		print_error("%s\n-> %d errors (want %d):\n%s(want: %s)\n",
		    yaml, n, nerr, msgs, want != NULL ? want : "");
		mismatches++;
	}
	if (nerr == 0 && yaml[0] != '\0')
		assert_int_equal(policy_count(p), 1);
	free(msgs);
	policy_free(p);
}

static void
test_builtin(void **state)
{
	struct policy *p = pol_new();
	size_t i, j;

	(void)state;
	assert_int_equal(policy_load_builtin(p, stderr), 0);
	/* One profile per device class, named after its file. */
	assert_int_equal(policy_count(p), sizeof(classes) / sizeof(classes[0]));
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct pol_profile *pr = policy_find(p, NULL, NULL,
		    classes[i]);
		char want[128];

		assert_string_equal(pr->name, classes[i]);
		snprintf(want, sizeof(want), "profiles/policy/%s.yaml",
		    classes[i]);
		assert_string_equal(pr->file, want);
		for (j = 0; j < pr->initiate.n; j++)
			assert_true(pr->initiate.v[j].line > 0);
	}
	policy_free(p);
}

static void
test_good(void **state)
{
	(void)state;
	expect("class: infusion-pump\n", 0, NULL);
	expect("profiles:\n  - class: pacs\n    mode: observe\n", 0, NULL);
	expect("device: 00:11:22:aa:BB:cc\ninitiate:\n"
	    "  - { zone: [a, b], proto: tcp, port: [1, 2-3, any] }\n", 0,
	    NULL);
	expect("fingerprint: baxter-sigma\nhl7: { send: [ORU^R01, ADT^*, "
	    "'*', ACK] }\ndicom: { scu: [C-STORE], ae-titles: [PACS1] }\n"
	    "internet: allow\ncountries: [US, DE]\ncleartext-logins: allow\n"
	    "max-fan-out: 3\nfan-out-window: 60\ndescription: x\n", 0, NULL);
	expect("", 0, NULL);	/* empty: no profile */
}

static void
test_errors(void **state)
{
	(void)state;
	expect("- a\n", 1, NAME ":1:1: expected a profile or a mapping "
	    "with profiles, got a list");
	expect("mode: enforce\n", 1, NAME ":1:1: profile names no class, "
	    "device or fingerprint");
	expect("class: pacs\ndevice: 00:11:22:33:44:55\n", 1, NAME ":1:1: "
	    "profile names more than one");
	expect("class: toaster\n", 1, NAME ":1:8: class: unknown device "
	    "class \"toaster\"");
	expect("class: pacs\nfoo: 1\n", 1, NAME ":2:1: unknown key \"foo\"");
	expect("class: pacs\nmode: enforce\nmode: observe\n", 1, NAME ":3:1: "
	    "duplicate key \"mode\" (first at line 2, column 1)");
	expect("class: pacs\nmode: strict\n", 1, NAME ":2:7: mode: expected "
	    "enforce or observe");
	expect("device: 00:11:22\n", 1, NAME ":1:9: device: expected a MAC");
	expect("class: pacs\ninitiate: 3\n", 1, NAME ":2:11: initiate: "
	    "expected a list of entries");
	expect("class: pacs\ninitiate: [3]\n", 1, NAME ":2:12: initiate: "
	    "expected an entry");
	expect("class: pacs\naccept:\n  - { host: x }\n", 1, NAME ":3:7: "
	    "accept: unknown key \"host\"");
	expect("class: pacs\naccept:\n  - { proto: sctp }\n", 1, NAME
	    ":3:14: proto: expected tcp, udp, icmp or any");
	expect("class: pacs\naccept:\n  - { proto: tcp, port: 70000 }\n", 1,
	    NAME ":3:25: port: \"70000\" is not a port");
	expect("class: pacs\naccept:\n  - { proto: tcp, port: 9-3 }\n", 1,
	    NAME ":3:25: port: \"9-3\" is not a port");
	expect("class: pacs\naccept:\n  - { proto: tcp, port: x }\n", 1,
	    NAME ":3:25: port: expected a port, a range");
	expect("class: pacs\naccept:\n  - { port: 80 }\n", 1, NAME ":3:7: "
	    "accept: a port needs proto tcp or udp");
	expect("class: pacs\naccept:\n  - { class: toaster }\n", 1, NAME
	    ":3:14: class: unknown device class \"toaster\"");
	expect("class: pacs\naccept:\n  - { app: gopher }\n", 1, NAME
	    ":3:12: app: unknown application protocol \"gopher\"");
	expect("class: pacs\naccept:\n  - { zone: [] }\n", 1, NAME ":3:13: "
	    "zone: empty list");
	expect("class: pacs\naccept:\n  - { zone: {a: b} }\n", 1, NAME
	    ":3:13: zone: expected a name or a list");
	expect("class: pacs\naccept:\n  - { zone: a, zone: b }\n", 1, NAME
	    ":3:16: accept: duplicate key \"zone\"");
	expect("class: pacs\nhl7: [ORU]\n", 1, NAME ":2:6: hl7: expected a "
	    "mapping");
	expect("class: pacs\nhl7: { sent: [] }\n", 1, NAME ":2:8: hl7: "
	    "unknown key \"sent\"");
	expect("class: pacs\nhl7: { send: [oru^r01] }\n", 1, NAME ":2:15: "
	    "hl7.send: expected an HL7 message type");
	expect("class: pacs\nhl7: { send: [ORU^R01, ORU^R01] }\n", 1, NAME
	    ":2:24: hl7.send: duplicate \"ORU^R01\"");
	expect("class: pacs\nhl7: { send: ORU }\n", 1, NAME ":2:14: hl7.send: "
	    "expected a list");
	expect("class: pacs\ndicom: { scu: [C-STOR] }\n", 1, NAME ":2:16: "
	    "dicom.scu: unknown DICOM command \"C-STOR\"");
	expect("class: pacs\ndicom: { ae-titles: [ABCDEFGHIJKLMNOPQ] }\n", 1,
	    NAME ":2:22: dicom.ae-titles: AE title \"ABCDEFGHIJKLMNOPQ\" is "
	    "longer than 16");
	expect("class: pacs\ninternet: maybe\n", 1, NAME ":2:11: internet: "
	    "expected allow or deny");
	expect("class: pacs\ninternet: allow\ncountries: [usa]\n", 1, NAME
	    ":3:13: countries: expected an ISO 3166 country code");
	expect("class: pacs\ncountries: [US]\n", 1, NAME ":2:1: countries: "
	    "needs internet: allow");
	expect("class: pacs\ncleartext-logins: sometimes\n", 1, NAME ":2:19: "
	    "cleartext-logins: expected allow or forbid");
	expect("class: pacs\nmax-fan-out: -1\n", 1, NAME ":2:14: max-fan-out");
	expect("class: pacs\nfan-out-window: 0\n", 1, NAME ":2:17: "
	    "fan-out-window");
	expect("class: pacs\ndescription: [a]\n", 1, NAME ":2:14: "
	    "description: expected a string");
	expect("profiles: 3\n", 1, NAME ":1:11: profiles: expected a list");
	expect("profiles: []\nclass: pacs\n", 1, NAME ":2:1: unknown key "
	    "\"class\" beside profiles");
	expect("profiles:\n  - 3\n", 1, NAME ":2:5: expected a profile");
	expect("class: &a pacs\n", 1, NAME ":1:8: ");
	expect("class: [pacs\n", 1, NAME ":");
	/* Every error of a file, not only the first. */
	expect("class: pacs\nmode: x\ninternet: y\n", 2, NAME ":2:7: ");
	assert_int_equal(mismatches, 0);
}

/* Found by fuzz-policy: nodes the YAML reader already refused (a tag,
 * an alias) inside a profile make no profile and no crash. */
static void
test_refused_nodes(void **state)
{
	static const char *const docs[] = {
		"class: !ot\n",
		"class: pacs\naccept:\n  - { zone: [*a] }\n",
		"class: pacs\naccept:\n  - { proto: tcp, port: *a }\n",
		"class: pacs\naccept:\n  - { class: !x pacs, app: *b }\n",
	};
	struct policy *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		p = pol_new();
		assert_true(policy_load_buffer(p, NAME, docs[i],
		    strlen(docs[i]), NULL) > 0);
		if (i == 0)
			assert_int_equal(policy_count(p), 0);
		else {
			assert_int_equal(policy_count(p), 1);
			assert_int_equal(policy_at(p, 0)->accept.n, 0);
		}
		policy_free(p);
	}
}

static void
test_load_file(void **state)
{
	struct policy *p = pol_new();
	char *msgs;
	size_t mlen;
	FILE *f;

	(void)state;
	assert_non_null(f = open_memstream(&msgs, &mlen));
	assert_int_equal(policy_load_file(p, "/nonexistent/x.yaml", f), 1);
	fclose(f);
	assert_string_equal(msgs, "/nonexistent/x.yaml: No such file or "
	    "directory\n");
	assert_int_equal(policy_count(p), 0);
	free(msgs);
	policy_free(p);
}

static void
test_find(void **state)
{
	static const uint8_t mac[6] = { 0, 0x11, 0x22, 0xaa, 0xbb, 0xcc };
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 1 };
	const char *y1 =
	    "profiles:\n"
	    "  - class: infusion-pump\n"
	    "  - fingerprint: baxter-sigma\n"
	    "  - device: 00:11:22:aa:bb:cc\n";
	const char *y2 = "class: infusion-pump\nmode: observe\n";
	struct policy *p = pol_new();
	const struct pol_profile *r;

	(void)state;
	assert_int_equal(policy_load_buffer(p, "a.yaml", y1, strlen(y1),
	    stderr), 0);
	assert_int_equal(policy_count(p), 3);
	r = policy_find(p, mac, "baxter-sigma", "infusion-pump");
	assert_int_equal(r->target, POL_T_DEVICE);
	assert_int_equal(r->line, 4);
	r = policy_find(p, other, "baxter-sigma", "infusion-pump");
	assert_int_equal(r->target, POL_T_FINGERPRINT);
	r = policy_find(p, other, "other-rule", "infusion-pump");
	assert_int_equal(r->target, POL_T_CLASS);
	assert_string_equal(r->file, "a.yaml");
	assert_int_equal(r->mode, POL_MODE_ENFORCE);
	/* A later file replaces the earlier profile of the same class. */
	assert_int_equal(policy_load_buffer(p, "b.yaml", y2, strlen(y2),
	    stderr), 0);
	assert_int_equal(policy_count(p), 3);
	r = policy_find(p, NULL, NULL, "infusion-pump");
	assert_string_equal(r->file, "b.yaml");
	assert_int_equal(r->mode, POL_MODE_OBSERVE);
	/* Defaults: medical classes deny all, the rest observe. */
	r = policy_find(p, NULL, NULL, "ventilator");
	assert_int_equal(r->mode, POL_MODE_ENFORCE);
	assert_int_equal(r->initiate.n, 0);
	assert_false(r->internet);
	assert_string_equal(r->file, POL_DEFAULT_FILE);
	r = policy_find(p, NULL, NULL, "printer");
	assert_int_equal(r->mode, POL_MODE_OBSERVE);
	r = policy_find(p, NULL, NULL, NULL);
	assert_int_equal(r->mode, POL_MODE_OBSERVE);
	assert_true(policy_class_medical("pacs"));
	assert_false(policy_class_medical("printer"));
	policy_free(p);
}

/*
 * policy_find() through its index: many profiles (the index grows
 * several times), a class and a fingerprint of the same name, later
 * files replacing some; every answer is the one a walk of the profiles
 * in order would give.
 */
static void
test_find_many(void **state)
{
	struct policy *p = policy_new();
	const struct pol_profile *r, *q, *byrule, *byclass;
	static char names[300][16];
	static const char *cls[300];
	char *y = NULL, name[64];
	size_t len = 0, i, k;
	FILE *f;
	int n;

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "cls-%zu", i);
		cls[i] = names[i];
	}
	policy_set_classes(p, cls, 300);
	policy_set_apps(p, apps, sizeof(apps) / sizeof(apps[0]));
	for (n = 0; n < 3; n++) {
		assert_non_null(f = open_memstream(&y, &len));
		fprintf(f, "profiles:\n");
		for (i = 0; i < 300; i += (size_t)n + 1) {
			fprintf(f, "  - class: cls-%zu\n    mode: %s\n", i,
			    n == 1 ? "observe" : "enforce");
			if (i % 3 == 0)
				fprintf(f, "  - fingerprint: %s%zu\n",
				    i % 2 ? "cls-" : "fp-", i);
		}
		fclose(f);
		assert_int_equal(policy_load_buffer(p, n == 0 ? "a.yaml" :
		    n == 1 ? "b.yaml" : "c.yaml", y, len, stderr), 0);
		free(y);
		y = NULL;
	}
	assert_int_equal(policy_count(p), 400);
	for (i = 0; i < 310; i++) {
		snprintf(name, sizeof(name), "cls-%zu", i);
		byclass = byrule = NULL;
		for (k = 0; k < policy_count(p); k++) {
			q = policy_at(p, k);
			if (q->target == POL_T_CLASS &&
			    strcmp(q->name, name) == 0)
				byclass = q;
			if (q->target == POL_T_FINGERPRINT &&
			    strcmp(q->name, name) == 0)
				byrule = q;
		}
		r = policy_find(p, NULL, NULL, name);
		if (i < 300)
			assert_ptr_equal(r, byclass);
		else
			assert_string_equal(r->file, POL_DEFAULT_FILE);
		r = policy_find(p, NULL, name, "no-such-class");
		if (byrule != NULL)
			assert_ptr_equal(r, byrule);
		else
			assert_string_equal(r->file, POL_DEFAULT_FILE);
		r = policy_find(p, NULL, name, name);
		assert_ptr_equal(r, byrule != NULL ? byrule : byclass != NULL ?
		    byclass : r);
	}
	/* Replaced by the later files: b.yaml for even, then c.yaml for
	 * multiples of 3. */
	assert_string_equal(policy_find(p, NULL, NULL, "cls-1")->file,
	    "a.yaml");
	assert_string_equal(policy_find(p, NULL, NULL, "cls-4")->file,
	    "b.yaml");
	assert_string_equal(policy_find(p, NULL, NULL, "cls-6")->file,
	    "c.yaml");
	assert_int_equal(policy_find(p, NULL, NULL, "cls-4")->mode,
	    POL_MODE_OBSERVE);
	assert_int_equal(policy_find(p, NULL, NULL, "cls-6")->mode,
	    POL_MODE_ENFORCE);
	policy_free(p);
}

static const struct pol_profile *
one(struct policy *p, const char *yaml)
{
	assert_int_equal(policy_load_buffer(p, NAME, yaml, strlen(yaml),
	    stderr), 0);
	return policy_at(p, policy_count(p) - 1);
}

static void
test_judge_flow(void **state)
{
	struct policy *p = pol_new();
	const struct pol_profile *pr = one(p,
	    "class: infusion-pump\n"			/* 1 */
	    "initiate:\n"				/* 2 */
	    "  - { zone: infra, proto: udp, port: 53, app: dns }\n"
	    "  - { class: interface-engine, proto: tcp, port: 2575-2576 }\n"
	    "accept:\n"					/* 5 */
	    "  - { zone: biomed, class: medical-gateway, proto: tcp }\n"
	    "internet: deny\n");			/* 7 */
	struct pol_flow f = { true, "infra", NULL, 17, 53, "dns", NULL };
	struct pol_verdict v;

	(void)state;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.app = NULL;	/* not recognised: the port decides */
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.app = "mdns";
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	assert_int_equal(v.line, 2);
	assert_ptr_equal(v.p, pr);
	/* Said only when asked (an alert), and then once. */
	assert_string_equal(v.expected, "");
	policy_verdict_explain(&v);
	policy_verdict_explain(&v);
	assert_string_equal(v.expected, "initiate: zone infra udp/53 dns; "
	    "class interface-engine tcp/2575-2576");
	f = (struct pol_flow){ true, "local", "interface-engine", 6, 2576,
	    "hl7", NULL };
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.port = 2577;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	f.peer_class = NULL;	/* not a device */
	f.port = 2575;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	/* A device not identified yet: its class is given the benefit of
	 * the doubt, not its port. */
	f.peer_class = "unknown";
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.port = 23;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	/* Accept: zone and class both. */
	f = (struct pol_flow){ false, "biomed", "medical-gateway", 6, 443,
	    "tls", NULL };
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.peer_zone = "medical";
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	assert_int_equal(v.line, 5);
	policy_verdict_explain(&v);
	assert_string_equal(v.expected, "accept: zone biomed class "
	    "medical-gateway tcp");
	/* The internet is judged first, at its own line. */
	f = (struct pol_flow){ true, "internet", NULL, 6, 443, "tls", "US" };
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_INTERNET);
	assert_int_equal(v.line, 7);
	assert_string_equal(v.expected, "internet: deny");
	policy_free(p);
}

/* An application without ports is not given the benefit of the doubt. */
static void
test_judge_app_only(void **state)
{
	struct policy *p = pol_new();
	const struct pol_profile *pr = one(p,
	    "class: iot\ninitiate: [ { proto: udp, app: ssdp } ]\n");
	struct pol_flow f = { true, "local", NULL, 17, 50123, "ssdp", NULL };
	struct pol_verdict v;

	(void)state;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.app = NULL;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	f.app = "dns";
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	policy_free(p);
}

static void
test_judge_internet(void **state)
{
	struct policy *p = pol_new();
	const struct pol_profile *pr = one(p,
	    "class: iot\n"
	    "initiate: [ { zone: internet, proto: tcp, port: 443 } ]\n"
	    "internet: allow\n"
	    "countries: [DE]\n");
	struct pol_flow f = { true, "internet", NULL, 6, 443, "tls", "DE" };
	struct pol_profile ln;
	struct pol_verdict v;

	(void)state;
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.country = NULL;	/* no database: the country is not judged */
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v), POL_OK);
	f.country = "CN";
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_INTERNET);
	assert_int_equal(v.line, 4);
	assert_string_equal(v.expected, "countries: DE");
	policy_profile_init(&ln, POL_T_LEARNED, NULL);
	policy_learn_country(&ln, "CN");
	assert_int_equal(policy_judge_flow(pr, &ln, &f, &v), POL_OK);
	f.country = "DE";
	f.port = 80;
	assert_int_equal(policy_judge_flow(pr, &ln, &f, &v),
	    POL_SID_CONNECTION);
	policy_profile_clear(&ln);
	policy_free(p);
}

static void
test_judge_apps(void **state)
{
	struct policy *p = pol_new();
	const struct pol_profile *pr = one(p,
	    "class: pacs\n"
	    "hl7: { send: [ORU^R01, ADT^*], receive: [ACK] }\n"
	    "dicom: { scu: [C-STORE], scp: ['*'], ae-titles: [MOD1] }\n"
	    "max-fan-out: 2\n");
	struct pol_verdict v;

	(void)state;
	assert_int_equal(policy_judge_hl7(pr, NULL, true, "ORU^R01", &v),
	    POL_OK);
	assert_int_equal(policy_judge_hl7(pr, NULL, true, "ORU^R01^ORU_R01",
	    &v), POL_OK);
	assert_int_equal(policy_judge_hl7(pr, NULL, true, "ADT^A08", &v),
	    POL_OK);
	assert_int_equal(policy_judge_hl7(pr, NULL, true, "ORM^O01", &v),
	    POL_SID_HL7);
	assert_int_equal(v.line, 2);
	/* As a connection's: said only when asked. */
	assert_string_equal(v.expected, "");
	policy_verdict_explain(&v);
	assert_string_equal(v.expected, "hl7.send: ORU^R01, ADT^*");
	assert_int_equal(policy_judge_hl7(pr, NULL, false, "ORU^R01", &v),
	    POL_SID_HL7);
	/* A type alone: any of its trigger events. */
	assert_int_equal(policy_judge_hl7(pr, NULL, false, "ACK^R01^ACK",
	    &v), POL_OK);
	assert_int_equal(policy_judge_hl7(pr, NULL, false, "ACKX^R01", &v),
	    POL_SID_HL7);
	assert_int_equal(policy_judge_dicom(pr, NULL, true, "C-STORE", "MOD1",
	    &v), POL_OK);
	assert_int_equal(policy_judge_dicom(pr, NULL, true, "C-MOVE", NULL,
	    &v), POL_SID_DICOM);
	policy_verdict_explain(&v);
	assert_string_equal(v.expected, "dicom.scu: C-STORE");
	assert_int_equal(policy_judge_dicom(pr, NULL, false, "C-MOVE", "X",
	    &v), POL_SID_DICOM);
	policy_verdict_explain(&v);
	policy_verdict_explain(&v);
	assert_string_equal(v.expected, "dicom.ae-titles: MOD1");
	assert_int_equal(policy_judge_login(pr, "telnet", &v),
	    POL_SID_CLEARTEXT);
	assert_int_equal(policy_judge_fanout(pr, NULL, 2, &v), POL_OK);
	assert_int_equal(policy_judge_fanout(pr, NULL, 3, &v),
	    POL_SID_FANOUT);
	assert_int_equal(v.line, 4);
	policy_free(p);
}

/* What a device did while learning widens its profile. */
static void
test_learned(void **state)
{
	struct policy *p = pol_new();
	const struct pol_profile *pr = one(p, "class: patient-monitor\n");
	struct pol_flow f = { true, "local", "patient-monitor", 6, 23,
	    "telnet", NULL };
	struct pol_profile ln;
	struct pol_verdict v;
	unsigned i;

	(void)state;
	policy_profile_init(&ln, POL_T_LEARNED, NULL);
	assert_int_equal(policy_judge_flow(pr, NULL, &f, &v),
	    POL_SID_CONNECTION);
	assert_true(policy_learn_flow(&ln, &f));
	assert_false(policy_learn_flow(&ln, &f));	/* known already */
	assert_int_equal(policy_judge_flow(pr, &ln, &f, &v), POL_OK);
	/* Learned by class: the same port to another class is not. */
	f.peer_class = "pacs";
	assert_int_equal(policy_judge_flow(pr, &ln, &f, &v),
	    POL_SID_CONNECTION);
	policy_verdict_explain(&v);
	assert_non_null(strstr(v.expected, "class patient-monitor tcp/23 "
	    "telnet"));
	/* Bounded. */
	for (i = 0; i < 2 * POL_LEARN_MAX; i++) {
		f.port = (uint16_t)(1000 + i);
		(void)policy_learn_flow(&ln, &f);
	}
	assert_int_equal(ln.initiate.n, POL_LEARN_MAX);
	assert_true(policy_learn_hl7(&ln, true, "ORU^R01^ORU_R01"));
	assert_false(policy_learn_hl7(&ln, true, "ORU^R01"));
	assert_int_equal(policy_judge_hl7(pr, &ln, true, "ORU^R01", &v),
	    POL_OK);
	policy_learn_fanout(&ln, 5);
	policy_learn_fanout(&ln, 3);
	assert_int_equal(ln.max_fanout, 5);
	policy_profile_clear(&ln);
	policy_free(p);
}

/* A recorded profile written out loads again and allows what it saw. */
static void
test_write_roundtrip(void **state)
{
	struct pol_flow flows[] = {
		{ true, "local", "pacs", 6, 104, "dicom", NULL },
		{ true, "multicast", NULL, 17, 67, "dhcp", NULL },
		{ false, "biomed", NULL, 1, 0, NULL, NULL },
		{ true, "internet", NULL, 6, 443, "tls", "US" },
		{ false, "local", "unknown", 6, 8080, NULL, NULL },
	};
	struct pol_profile rec;
	struct policy *p = pol_new();
	const struct pol_profile *pr;
	struct pol_verdict v;
	char *buf;
	size_t len, i;
	FILE *f;

	(void)state;
	policy_profile_init(&rec, POL_T_DEVICE, "00:11:22:33:44:55");
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		assert_true(policy_learn_flow(&rec, &flows[i]));
	policy_learn_country(&rec, "US");
	assert_true(policy_learn_hl7(&rec, false, "ADT^A01"));
	assert_true(policy_learn_dicom(&rec, true, "C-STORE", "PACS \"1\""));
	policy_learn_fanout(&rec, 4);
	assert_non_null(f = open_memstream(&buf, &len));
	fputs("profiles:\n", f);
	policy_write_yaml(f, &rec);
	fclose(f);
	if (policy_load_buffer(p, "s.yaml", buf, len, stderr) != 0)
		fail_msg("%s", buf);
	pr = policy_find(p, (const uint8_t[6]){ 0, 0x11, 0x22, 0x33, 0x44,
	    0x55 }, NULL, "pacs");
	assert_int_equal(pr->target, POL_T_DEVICE);
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		assert_int_equal(policy_judge_flow(pr, NULL, &flows[i], &v),
		    POL_OK);
	assert_int_equal(policy_judge_hl7(pr, NULL, false, "ADT^A01", &v),
	    POL_OK);
	assert_int_equal(policy_judge_dicom(pr, NULL, true, "C-STORE",
	    "PACS \"1\"", &v), POL_OK);
	assert_int_equal(policy_judge_fanout(pr, NULL, 4, &v), POL_OK);
	assert_int_equal(policy_judge_fanout(pr, NULL, 5, &v),
	    POL_SID_FANOUT);
	assert_int_equal(policy_judge_login(pr, "ftp", &v),
	    POL_SID_CLEARTEXT);
	flows[3].country = "FR";
	assert_int_equal(policy_judge_flow(pr, NULL, &flows[3], &v),
	    POL_SID_INTERNET);
	free(buf);
	policy_profile_clear(&rec);
	policy_free(p);
}

/* A set as the state kept it before the compact form (0.x: YAML). */
static const char f_yaml_state[] =
    "profiles:\n"
    "  - class: infusion-pump\n"
    "    mode: enforce\n"
    "    initiate:\n"
    "      - { class: pacs, proto: tcp, port: 443, app: tls }\n"
    "      - { zone: multicast, proto: udp, port: 67, app: dhcp }\n"
    "    accept: []\n"
    "    hl7:\n"
    "      send: []\n"
    "      receive: []\n"
    "    dicom:\n"
    "      scu: []\n"
    "      scp: []\n"
    "      ae-titles: []\n"
    "    internet: deny\n"
    "    cleartext-logins: forbid\n"
    "    max-fan-out: 2\n"
    "    fan-out-window: 600\n";

static void
names_eq(const struct pol_names *a, const struct pol_names *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

static void
list_eq(const struct pol_list *a, const struct pol_list *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].zone, b->v[i].zone);
		assert_string_equal(a->v[i].class, b->v[i].class);
		assert_string_equal(a->v[i].app, b->v[i].app);
		assert_int_equal(a->v[i].proto, b->v[i].proto);
		assert_int_equal(a->v[i].port_lo, b->v[i].port_lo);
		assert_int_equal(a->v[i].port_hi, b->v[i].port_hi);
	}
}

static char *
compact_of(const struct pol_profile *v, size_t n, size_t *len)
{
	char *buf;
	size_t i;
	FILE *f;

	assert_non_null(f = open_memstream(&buf, len));
	fputs(POL_COMPACT_MAGIC, f);
	for (i = 0; i < n; i++)
		policy_write_compact(f, &v[i]);
	fclose(f);
	return buf;
}

/*
 * The state's compact form keeps every value as it was, names with
 * spaces, '%', '-' and bytes the YAML form refused included, and
 * writing what was read gives the same text; a damaged text is an
 * error, not a partial set; the YAML of older versions still reads.
 */
static void
test_compact_roundtrip(void **state)
{
	struct pol_flow flows[] = {
		{ true, "local", "pacs", 6, 104, "dicom", NULL },
		{ true, "multicast", NULL, 17, 67, "dhcp", NULL },
		{ false, "biomed", NULL, 1, 0, NULL, NULL },
		{ true, "internet", NULL, 6, 443, "tls", "US" },
		{ false, "local", "unknown", 58, 0, NULL, NULL },
		{ true, "odd zone%", NULL, 17, 65535, "-", NULL },
	};
	static const char *const bad[] = {
		"p c pump e 0 0 0 600\n",		/* no magic */
		POL_COMPACT_MAGIC "i - - 6 1 1 -\n",	/* item first */
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600",	/* no \n */
		POL_COMPACT_MAGIC "p c pump e 0 0 0\n",
		POL_COMPACT_MAGIC "p c pump x 0 0 0 600\n",
		POL_COMPACT_MAGIC "p c pump e 2 0 0 600\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600 7\n",
		POL_COMPACT_MAGIC "p d 00:11 e 0 0 0 600\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ni - - 6 1 70000 -\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ni - - 6 1 1\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ns %4\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ns a%00b\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ns \n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\nz x\n",
		POL_COMPACT_MAGIC "p c pump e 0 0 0 600\ns "
		    "0123456789012345678901234567890123456789012345678901234567890"
		    "123\n",
	};
	struct pol_profile rec[2];
	struct policy *p = pol_new();
	const struct pol_profile *pr;
	char *buf, *again;
	size_t len, len2, i, k;

	(void)state;
	policy_profile_init(&rec[0], POL_T_CLASS, "infusion-pump");
	policy_profile_init(&rec[1], POL_T_DEVICE, "00:11:22:33:44:55");
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		assert_true(policy_learn_flow(&rec[0], &flows[i]));
	policy_learn_country(&rec[0], "US");
	assert_true(policy_learn_hl7(&rec[0], true, "ORU^R01"));
	assert_true(policy_learn_hl7(&rec[0], false, "ADT^A01"));
	assert_true(policy_learn_dicom(&rec[0], true, "C-STORE", "PACS 1%"));
	assert_true(policy_learn_dicom(&rec[0], false, "C-FIND", "\x01-"));
	assert_true(policy_learn_dicom(&rec[0], false, NULL, "-"));
	rec[0].cleartext_logins = true;
	rec[0].fanout_window = 86400;
	policy_learn_fanout(&rec[0], 4000000000u);
	rec[1].mode = POL_MODE_OBSERVE;
	assert_true(policy_learn_flow(&rec[1], &flows[0]));
	buf = compact_of(rec, 2, &len);
	/* The text itself, as the state holds it (escapes included). */
	assert_string_equal(buf, POL_COMPACT_MAGIC
	    "p c infusion-pump e 1 1 4000000000 86400\n"
	    "i - pacs 6 104 104 dicom\n"
	    "i multicast - 17 67 67 dhcp\n"
	    "i internet - 6 443 443 tls\n"
	    "i odd%20zone%25 - 17 65535 65535 %2D\n"
	    "a biomed - 1 0 65535 -\n"
	    "a local - 58 0 65535 -\n"
	    "s ORU^R01\n"
	    "r ADT^A01\n"
	    "u C-STORE\n"
	    "v C-FIND\n"
	    "t PACS%201%25\n"
	    "t %01-\n"
	    "t %2D\n"
	    "c US\n"
	    "p d 00:11:22:33:44:55 o 0 0 0 600\n"
	    "i - pacs 6 104 104 dicom\n");
	if (policy_load_compact(p, "state", buf, len, stderr) != 0)
		fail_msg("%s", buf);
	assert_int_equal(policy_count(p), 2);
	for (k = 0; k < 2; k++) {
		pr = policy_at(p, k);
		assert_int_equal(pr->target, rec[k].target);
		assert_string_equal(pr->name, rec[k].name);
		assert_int_equal(pr->mode, rec[k].mode);
		assert_int_equal(pr->internet, rec[k].internet);
		assert_int_equal(pr->cleartext_logins,
		    rec[k].cleartext_logins);
		assert_int_equal(pr->max_fanout, rec[k].max_fanout);
		assert_int_equal(pr->fanout_window, rec[k].fanout_window);
		list_eq(&pr->initiate, &rec[k].initiate);
		list_eq(&pr->accept, &rec[k].accept);
		names_eq(&pr->hl7_send, &rec[k].hl7_send);
		names_eq(&pr->hl7_receive, &rec[k].hl7_receive);
		names_eq(&pr->dicom_scu, &rec[k].dicom_scu);
		names_eq(&pr->dicom_scp, &rec[k].dicom_scp);
		names_eq(&pr->dicom_ae, &rec[k].dicom_ae);
		names_eq(&pr->countries, &rec[k].countries);
	}
	assert_memory_equal(policy_at(p, 1)->mac,
	    ((const uint8_t[6]){ 0, 0x11, 0x22, 0x33, 0x44, 0x55 }), 6);
	/* Read and written again: the same text. */
	again = compact_of(policy_at(p, 0), 1, &len2);
	assert_true(len2 < len);
	assert_memory_equal(again, buf, len2);
	free(again);
	/* Every truncation is an error or a shorter set, never a crash. */
	for (i = 0; i < len; i++) {
		struct policy *t = pol_new();

		(void)policy_load_compact(t, "state", buf, i, NULL);
		policy_free(t);
	}
	free(buf);
	policy_free(p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = pol_new();
		if (policy_load_compact(p, "state", bad[i], strlen(bad[i]),
		    NULL) != 1)
			fail_msg("read: %s", bad[i]);
		policy_free(p);
	}
	/* The YAML of older versions, through the same door. */
	p = pol_new();
	assert_int_equal(policy_load_saved(p, "state", f_yaml_state,
	    strlen(f_yaml_state), stderr), 0);
	assert_int_equal(policy_count(p), 1);
	pr = policy_at(p, 0);
	assert_string_equal(pr->name, "infusion-pump");
	assert_int_equal(pr->initiate.n, 2);
	assert_string_equal(pr->initiate.v[1].zone, "multicast");
	assert_int_equal(pr->max_fanout, 2);
	policy_free(p);
	for (k = 0; k < 2; k++)
		policy_profile_clear(&rec[k]);
}

/*
 * policy_compact_put() appends to what a buffer holds, and gives room
 * for the longest line there is: names of POL_NAME_MAX - 1 bytes that
 * are all escaped (3 bytes each), the largest numbers; the text is
 * policy_write_compact()'s and reads back as written.
 */
static void
test_compact_out(void **state)
{
	struct pol_profile pr;
	struct pol_flow f;
	struct pol_out o;
	struct policy *p;
	char name[POL_NAME_MAX], want[4 * POL_NAME_MAX], *buf;
	size_t i, len, at;

	(void)state;
	memset(name, '%', POL_NAME_MAX - 1);
	name[POL_NAME_MAX - 1] = '\0';
	for (i = 0; i < POL_NAME_MAX - 1; i++)
		snprintf(want + 3 * i, 4, "%%%02X", i % 2 ? '%' : 0x7f);
	for (i = 0; i < POL_NAME_MAX - 1; i++)
		name[i] = i % 2 ? '%' : 0x7f;
	policy_profile_init(&pr, POL_T_LEARNED, name);
	pr.max_fanout = UINT32_MAX;
	pr.fanout_window = UINT32_MAX;
	pr.internet = pr.cleartext_logins = true;
	memset(&f, 0, sizeof(f));
	f.initiated = true;
	f.peer_zone = name;
	f.proto = 6;
	f.port = 65535;
	f.app = name;
	assert_true(policy_learn_flow(&pr, &f));
	memcpy(pr.initiate.v[0].class, name, POL_NAME_MAX);
	pr.initiate.v[0].proto = 255;
	assert_true(policy_learn_dicom(&pr, true, NULL, "\x01\x02\x03\x04"));
	memset(&o, 0, sizeof(o));
	policy_out_add(&o, "key", 4);
	at = o.len;
	policy_out_add(&o, POL_COMPACT_MAGIC, strlen(POL_COMPACT_MAGIC));
	policy_compact_put(&o, &pr);
	policy_compact_put(&o, &pr);
	assert_memory_equal(o.p, "key", 4);
	buf = compact_of(&pr, 1, &len);
	assert_int_equal(o.len - at, 2 * len - strlen(POL_COMPACT_MAGIC));
	assert_memory_equal(o.p + at, buf, len);
	assert_memory_equal(o.p + at + len, buf + strlen(POL_COMPACT_MAGIC),
	    len - strlen(POL_COMPACT_MAGIC));
	/* The first line, then the entry: every name escaped whole. */
	assert_memory_equal(buf + strlen(POL_COMPACT_MAGIC), "p l ", 4);
	assert_memory_equal(buf + strlen(POL_COMPACT_MAGIC) + 4, want,
	    3 * (POL_NAME_MAX - 1));
	assert_non_null(strstr(buf, " e 1 1 4294967295 4294967295\ni "));
	assert_non_null(strstr(buf, " 255 65535 65535 "));
	assert_non_null(strstr(buf, "\nt %01%02%03%04\n"));
	p = pol_new();
	assert_int_equal(policy_load_compact(p, "state", o.p + at, o.len - at,
	    stderr), 0);
	assert_int_equal(policy_count(p), 1);
	assert_string_equal(policy_at(p, 0)->name, name);
	assert_string_equal(policy_at(p, 0)->initiate.v[0].app, name);
	assert_int_equal(policy_at(p, 0)->initiate.v[0].proto, 255);
	policy_free(p);
	free(buf);
	free(o.p);
	policy_profile_clear(&pr);
}

/*
 * A cleared policy finds nothing it held (profiles by class, rule or
 * MAC go to the defaults) and reads the next text as a new one would.
 */
static void
test_clear(void **state)
{
	static const char t1[] = POL_COMPACT_MAGIC
	    "p c infusion-pump e 0 0 0 600\n"
	    "s ORU^R01\n"
	    "p f baxter-sigma e 0 0 0 600\n"
	    "p d 00:11:22:33:44:55 o 0 0 0 600\n";
	static const char t2[] = POL_COMPACT_MAGIC
	    "p c patient-monitor e 1 0 0 600\n"
	    "r ADT^A01\n";
	static const uint8_t mac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct policy *p = pol_new();
	const struct pol_profile *pr;
	int k;

	(void)state;
	for (k = 0; k < 3; k++) {
		assert_int_equal(policy_load_compact(p, "state", t1,
		    strlen(t1), stderr), 0);
		assert_int_equal(policy_count(p), 3);
		assert_string_equal(policy_find(p, mac, NULL, "x")->name,
		    "00:11:22:33:44:55");
		assert_string_equal(policy_find(p, NULL, "baxter-sigma",
		    "x")->name, "baxter-sigma");
		pr = policy_find(p, NULL, NULL, "infusion-pump");
		assert_string_equal(pr->file, "state");
		assert_int_equal(pr->hl7_send.n, 1);
		policy_clear(p);
		assert_int_equal(policy_count(p), 0);
		pr = policy_find(p, mac, "baxter-sigma", "infusion-pump");
		assert_string_equal(pr->name, "medical-default");
		assert_string_equal(policy_find(p, NULL, NULL,
		    "printer")->name, "default");
		assert_int_equal(policy_load_compact(p, "state2", t2,
		    strlen(t2), stderr), 0);
		assert_int_equal(policy_count(p), 1);
		pr = policy_find(p, NULL, NULL, "patient-monitor");
		assert_string_equal(pr->file, "state2");
		assert_true(pr->internet);
		assert_int_equal(pr->hl7_receive.n, 1);
		assert_string_equal(policy_find(p, NULL, NULL,
		    "infusion-pump")->name, "medical-default");
		policy_clear(p);
	}
	policy_free(p);
}

/*
 * Learned names are found by their hash first: two names of one hash
 * are both kept and both found, a list grows to POL_LEARN_MAX and no
 * further, and a copy (the write/compact round trip) keeps the hashes.
 */
static void
test_learn_names_hash(void **state)
{
	struct pol_profile ln;
	char ae[17];
	size_t i;

	(void)state;
	/* FNV-1a collides on these two. */
	assert_int_equal(policy_name_hash("AEBI64Z"),
	    policy_name_hash("AEBUIHE"));
	assert_int_not_equal(policy_name_hash("AEBI64Z"),
	    policy_name_hash("AEBI64Y"));
	policy_profile_init(&ln, POL_T_LEARNED, NULL);
	assert_true(policy_learn_dicom(&ln, true, NULL, "AEBI64Z"));
	assert_true(policy_learn_dicom(&ln, true, NULL, "AEBUIHE"));
	assert_false(policy_learn_dicom(&ln, true, NULL, "AEBI64Z"));
	assert_false(policy_learn_dicom(&ln, true, NULL, "AEBUIHE"));
	assert_int_equal(ln.dicom_ae.n, 2);
	for (i = 0; i < ln.dicom_ae.n; i++)
		assert_int_equal(ln.dicom_ae.h[i],
		    policy_name_hash(ln.dicom_ae.v[i]));
	/* Growth, one at a time, up to the cap. */
	for (i = 2; i < POL_LEARN_MAX; i++) {
		snprintf(ae, sizeof(ae), "AE%zu", i);
		assert_true(policy_learn_dicom(&ln, true, NULL, ae));
	}
	assert_int_equal(ln.dicom_ae.n, POL_LEARN_MAX);
	assert_false(policy_learn_dicom(&ln, true, NULL, "ONE-MORE"));
	for (i = 2; i < POL_LEARN_MAX; i++) {
		snprintf(ae, sizeof(ae), "AE%zu", i);
		assert_false(policy_learn_dicom(&ln, true, NULL, ae));
		assert_int_equal(ln.dicom_ae.h[i], policy_name_hash(ae));
	}
	assert_true(policy_learn_hl7(&ln, true, "ORU^R01"));
	assert_false(policy_learn_hl7(&ln, true, "ORU^R01^ORU_R01"));
	assert_true(policy_learn_hl7(&ln, true, "ADT^A01"));
	assert_int_equal(ln.hl7_send.n, 2);
	policy_profile_clear(&ln);
	assert_null(ln.dicom_ae.h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_refused_nodes),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_judge_flow),
		cmocka_unit_test(test_judge_app_only),
		cmocka_unit_test(test_judge_internet),
		cmocka_unit_test(test_judge_apps),
		cmocka_unit_test(test_learned),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_compact_roundtrip),
		cmocka_unit_test(test_compact_out),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_learn_names_hash),
		cmocka_unit_test(test_find_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
