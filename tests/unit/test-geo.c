/*
 * test-geo.c - country and AS lookups against MaxMind's test databases
 * (../shared/corpus/geoip; skipped when absent or when built without
 * libmaxminddb): a country, an ASN with its organisation, nothing for
 * private addresses, IPv6, and no database (or a broken one) is never
 * an error.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "policy/geo.h"

static char dir[1024];

static const uint8_t *
ip(const char *s)
{
	static uint8_t a[16];

	memset(a, 0, 16);
	if (strchr(s, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	else {
		a[10] = a[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, s, a + 12), 1);
	}
	return a;
}

static const char *
db(const char *name)
{
	static char path[4][1200];
	static int k;
	char *p = path[k++ & 3];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static int
setup(void **state)
{
	const char *s = getenv("top_srcdir");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/../shared/corpus/geoip",
	    s != NULL ? s : WW_SRCDIR);
	return 0;
}

static bool
have(void)
{
	return geo_available() &&
	    access(db("GeoLite2-Country-Test.mmdb"), R_OK) == 0 &&
	    access(db("GeoLite2-ASN-Test.mmdb"), R_OK) == 0;
}

static void
test_lookups(void **state)
{
	struct geo_info gi;
	struct geo *g;

	(void)state;
	if (!have()) {
		skip();
		return;
	}
	assert_non_null(g = geo_open(db("GeoLite2-Country-Test.mmdb"),
	    db("GeoLite2-ASN-Test.mmdb"), stderr));
	assert_true(geo_lookup(g, ip("81.2.69.142"), &gi));
	assert_string_equal(gi.country, "GB");
	assert_true(geo_lookup(g, ip("1.128.0.1"), &gi));
	assert_int_equal(gi.asn, 1221);
	assert_string_equal(gi.as_org, "Telstra Pty Ltd");
	assert_true(geo_lookup(g, ip("2001:218::1"), &gi));
	assert_string_equal(gi.country, "JP");
	assert_false(geo_lookup(g, ip("10.20.0.1"), &gi));
	assert_string_equal(gi.country, "");
	assert_int_equal(gi.asn, 0);
	geo_close(g);
	/* The City database names countries too. */
	assert_non_null(g = geo_open(db("GeoIP2-City-Test.mmdb"), NULL,
	    stderr));
	assert_true(geo_lookup(g, ip("81.2.69.160"), &gi));
	assert_string_equal(gi.country, "GB");
	geo_close(g);
}

static void
test_no_database(void **state)
{
	struct geo_info gi;
	struct geo *g;
	char *msgs;
	size_t len;
	FILE *f;

	(void)state;
	assert_null(geo_open(NULL, "", stderr));
	assert_false(geo_lookup(NULL, ip("81.2.69.142"), &gi));
	assert_non_null(f = open_memstream(&msgs, &len));
	g = geo_open("/nonexistent/c.mmdb", NULL, f);
	fclose(f);
	assert_null(g);
	assert_non_null(strstr(msgs, "warning: "));
	free(msgs);
	if (!have()) {
		skip();
		return;
	}
	/* A broken database is a warning, the other one still works. */
	assert_non_null(f = open_memstream(&msgs, &len));
	g = geo_open(db("GeoIP2-City-Test-Invalid-Node-Count.mmdb"),
	    db("GeoLite2-ASN-Test.mmdb"), f);
	fclose(f);
	assert_non_null(g);
	assert_non_null(strstr(msgs, "Invalid-Node-Count.mmdb: "));
	assert_true(geo_lookup(g, ip("1.128.0.1"), &gi));
	assert_string_equal(gi.country, "");
	assert_int_equal(gi.asn, 1221);
	geo_close(g);
	free(msgs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_no_database),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
