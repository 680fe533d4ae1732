/*
 * test-zone.c - zones: names, VLANs, subnets, the built-ins, and the
 * order placement follows.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "policy/zone.h"

static const uint8_t *
ip(const char *s)
{
	static uint8_t a[4][16];
	static int k;
	uint8_t *p = a[k++ & 3];

	memset(p, 0, 16);
	if (strchr(s, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, s, p), 1);
	else {
		p[10] = p[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, s, p + 12), 1);
	}
	return p;
}

static const char *
place(const struct zones *z, int vlan, const char *a)
{
	return zones_name(z, zones_place(z, vlan, a != NULL ? ip(a) : NULL));
}

static void
test_builtins(void **state)
{
	(void)state;
	assert_string_equal(place(NULL, -1, "10.1.2.3"), "local");
	assert_string_equal(place(NULL, -1, "172.31.0.1"), "local");
	assert_string_equal(place(NULL, -1, "172.32.0.1"), "internet");
	assert_string_equal(place(NULL, -1, "100.64.0.1"), "local");
	assert_string_equal(place(NULL, -1, "8.8.8.8"), "internet");
	assert_string_equal(place(NULL, -1, "81.2.69.142"), "internet");
	assert_string_equal(place(NULL, -1, "224.0.0.251"), "multicast");
	assert_string_equal(place(NULL, -1, "255.255.255.255"), "multicast");
	assert_string_equal(place(NULL, -1, "169.254.10.1"), "link-local");
	assert_string_equal(place(NULL, -1, "127.0.0.1"), "local");
	assert_string_equal(place(NULL, -1, "0.0.0.0"), "local");
	assert_string_equal(place(NULL, -1, "fe80::1"), "link-local");
	assert_string_equal(place(NULL, -1, "ff02::fb"), "multicast");
	assert_string_equal(place(NULL, -1, "fd00::1"), "local");
	assert_string_equal(place(NULL, -1, "::1"), "local");
	assert_string_equal(place(NULL, -1, "2001:db8::1"), "internet");
	assert_string_equal(place(NULL, 20, NULL), "local");
}

static void
test_config_zones(void **state)
{
	struct zones *z = zones_new();
	int med, pacs, img;

	(void)state;
	assert_int_equal(zones_count(z), ZONE_BUILTIN_N);
	med = zones_add(z, "medical");
	pacs = zones_add(z, "pacs");
	img = zones_add(z, "imaging");
	assert_true(med >= ZONE_BUILTIN_N && pacs > med && img > pacs);
	assert_int_equal(zones_add(z, "medical"), med);
	assert_int_equal(zones_add(z, ""), -1);
	assert_int_equal(zones_add(z, "bad name"), -1);
	assert_int_equal(zones_add(z,
	    "a-name-far-too-long-for-a-zone-table"), -1);
	assert_int_equal(zones_lookup(z, "pacs"), pacs);
	assert_int_equal(zones_lookup(z, "nowhere"), -1);
	assert_int_equal(zones_lookup(z, "internet"), ZONE_INTERNET);
	assert_int_equal(zones_add_vlan(z, med, 10), 0);
	assert_int_equal(zones_add_vlan(z, med, 10), 0);
	assert_int_equal(zones_add_vlan(z, img, 10), -1);	/* taken */
	assert_int_equal(zones_add_vlan(z, ZONE_INTERNET, 11), -1);
	assert_int_equal(zones_add_vlan(z, img, 4096), -1);
	assert_int_equal(zones_add_vlan(z, img, 20), 0);
	assert_int_equal(zones_add_subnet(z, pacs, ip("10.20.5.9"), 96 + 24),
	    0);
	assert_int_equal(zones_add_subnet(z, med, ip("10.20.0.0"), 96 + 16),
	    0);
	assert_int_equal(zones_add_subnet(z, med, ip("10.0.0.0"), 129), -1);
	/* A public range a hospital uses inside. */
	assert_int_equal(zones_add_subnet(z, img, ip("130.1.0.0"), 96 + 16),
	    0);

	/* The longest subnet first, whatever the VLAN. */
	assert_string_equal(place(z, 20, "10.20.5.1"), "pacs");
	assert_string_equal(place(z, 20, "10.20.6.1"), "medical");
	assert_string_equal(place(z, -1, "130.1.2.3"), "imaging");
	/* Then the address's own kind, then the VLAN. */
	assert_string_equal(place(z, 10, "8.8.8.8"), "internet");
	assert_string_equal(place(z, 10, "224.0.0.1"), "multicast");
	assert_string_equal(place(z, 10, "192.168.1.1"), "medical");
	assert_string_equal(place(z, 20, "192.168.1.1"), "imaging");
	assert_string_equal(place(z, 30, "192.168.1.1"), "local");
	/* A router's VLAN says nothing about the hosts behind it. */
	assert_string_equal(place(z, -1, "192.168.1.1"), "local");
	assert_string_equal(place(z, 10, NULL), "medical");
	assert_string_equal(zones_name(z, 99), "?");
	zones_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_config_zones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
