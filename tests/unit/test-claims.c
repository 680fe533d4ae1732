/*
 * test-claims.c - the confidences of direct claims (profiles/claims.yaml):
 * the built-in file gives one to every evidence key that names an
 * attribute and to no other, and each mistake in a file is reported at
 * its line and column (or for the file, when something is missing);
 * the manual's table of claims is the built-in file's.
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

#include "app/evidence.h"
#include "device/claims.h"
#include "device/device.h"

#define NAME	"c.yaml"

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL ? s : WW_SRCDIR;
}

/* Every key that names an attribute, with a confidence, in YAML. */
static char *
complete(void)
{
	static char buf[4096];
	size_t i, n;

	n = (size_t)snprintf(buf, sizeof(buf), "claims:\n");
	for (i = 0; i < EVIDENCE_MAX; i++)
		if (claims_attr((unsigned)i) != -1)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "  %s: 50\n", evidence_key_name((unsigned)i));
	assert_true(n < sizeof(buf));
	return buf;
}

/* yaml gives nerr errors, and its messages start with want. */
static void
expect(const char *yaml, int nerr, const char *want)
{
	struct claims c;
	char *msgs;
	size_t mlen;
	FILE *f;
	int n;

	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = claims_load_buffer(&c, NAME, yaml, strlen(yaml), f);
	fclose(f);
	if (n != nerr || strncmp(msgs, want, strlen(want)) != 0)
		fail_msg("for:\n%s\ngot %d error(s):\n%s\nwant %d:\n%s", yaml,
		    n, msgs, nerr, want);
	free(msgs);
}

static void
test_claims_builtin(void **state)
{
	struct claims c;
	unsigned i, conf;

	(void)state;
	assert_int_equal(claims_load_builtin(&c, stderr), 0);
	for (i = 0; i < EVIDENCE_MAX; i++) {
		conf = claims_confidence(&c, (enum evidence_key)i);
		if (claims_attr(i) == -1)
			assert_int_equal(conf, 0);
		else if (conf < 1 || conf > 100)
			fail_msg("%s: confidence %u", evidence_key_name(i),
			    conf);
	}
	/* The attributes evidence.def gives, as the brain uses them. */
	assert_int_equal(claims_attr(EVIDENCE_OUI_VENDOR), DEV_A_VENDOR);
	assert_int_equal(claims_attr(EVIDENCE_HOSTNAME_DHCP), DEV_A_HOSTNAME);
	assert_int_equal(claims_attr(EVIDENCE_DICOM_SERIAL), DEV_A_SERIAL);
	assert_int_equal(claims_attr(EVIDENCE_LLDP_PLATFORM), DEV_A_MODEL);
	assert_int_equal(claims_attr(EVIDENCE_SSH_SOFTWARE), DEV_A_SOFTWARE);
	assert_int_equal(claims_attr(EVIDENCE_HOSTNAME), -1);
	assert_int_equal(claims_attr(EVIDENCE_MAX), -1);
	assert_int_equal(claims_confidence(&c, EVIDENCE_MAX), 0);
}

static void
test_claims_errors(void **state)
{
	char yaml[4200];

	(void)state;
	expect(complete(), 0, "");
	snprintf(yaml, sizeof(yaml), "%s  dicom.model: 85\n", complete());
	expect(yaml, 1, "");
	snprintf(yaml, sizeof(yaml), "%s  dns.query: 10\n  Hostname.dhcp: 1\n"
	    "  [a]: 1\n", complete());
	expect(yaml, 3, "");
	snprintf(yaml, sizeof(yaml), "%s  hostname.dhcp: 0\n", complete());
	expect(yaml, 1, "");
	expect("claims:\n  ssh.software: 101\n  dns.query: 1\n"
	    "  hl7.serial: x\n  ssh.software: 2\n", 4 + 21,
	    NAME ":2:17: ssh.software: 101 is out of range (1 to 100)\n"
	    NAME ":3:3: evidence key \"dns.query\" names no device "
	    "attribute\n"
	    NAME ":4:15: hl7.serial: expected an integer, got \"x\"\n"
	    NAME ":5:3: duplicate key \"ssh.software\" (first at line 2, "
	    "column 3)\n"
	    NAME ": claims: no confidence for \"oui.vendor\"\n");
	expect("claims:\n  oui.vendr: 40\n", 1 + 23,
	    NAME ":2:3: unknown evidence key \"oui.vendr\"\n");
	expect("", 1, NAME ": missing claims\n");
	expect("claim: {}\n", 2, NAME ":1:1: unknown key \"claim\" (expected "
	    "claims)\n" NAME ": missing claims\n");
	expect("- claims\n", 1, NAME ":1:1: expected a mapping at the top "
	    "level, got a list\n");
	expect("claims: [oui.vendor]\n", 1 + 23, NAME ":1:9: claims: expected "
	    "a mapping of evidence keys to confidences, got a list\n");
	snprintf(yaml, sizeof(yaml), "%sclaims: {}\n", complete());
	expect(yaml, 1, "");
}

/* wardwatch-devices(7) shows each claim as the built-in file has it. */
static void
test_claims_manual(void **state)
{
	char path[1024], line[160], *man;
	struct claims c;
	size_t len;
	unsigned i;
	FILE *f;

	(void)state;
	assert_int_equal(claims_load_builtin(&c, stderr), 0);
	snprintf(path, sizeof(path), "%s/man/wardwatch-devices.7", srcdir());
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(man = calloc(1, 1 << 20));
	len = fread(man, 1, (1 << 20) - 1, f);
	fclose(f);
	assert_true(len > 0);
	for (i = 0; i < EVIDENCE_MAX; i++) {
		if (claims_attr(i) == -1)
			continue;
		snprintf(line, sizeof(line), "\n.It Li %s Ta %s Ta %u\n",
		    evidence_key_name(i),
		    dev_attr_name((enum dev_attr)claims_attr(i)),
		    claims_confidence(&c, (enum evidence_key)i));
		if (strstr(man, line) == NULL)
			fail_msg("man/wardwatch-devices.7 lacks \"%s\"",
			    line + 1);
	}
	free(man);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_builtin),
		cmocka_unit_test(test_claims_errors),
		cmocka_unit_test(test_claims_manual),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
