/*
 * test-devfacts.c - application facts as device evidence: mDNS service
 * types, including names that start with the protocol label (they once
 * made devfacts_service() read the byte before the name).
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "device/devfacts.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A copy of s in a buffer of exactly its size, so ASan sees any read
 * before or after it. */
static char *
exact(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	assert_non_null(p = malloc(len));
	memcpy(p, s, len);
	return p;
}

static void
test_devfacts_service_types(void **state)
{
	static const struct {
		const char	*name;
		const char	*service;	/* NULL: none */
	} cases[] = {
		{ "_ipp._tcp.local", "_ipp._tcp" },
		{ "Printer 3._ipp._tcp.local", "_ipp._tcp" },
		{ "_sub._printer._tcp.local", "_printer._tcp" },
		{ "_hl7._udp.local", "_hl7._udp" },
		{ "_services._tcp.local", NULL },
		{ "printer._tcp.local", NULL },
		{ "pump.local", NULL },
		{ "", NULL },
	};
	char out[64], *name;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		name = exact(cases[i].name);
		if (cases[i].service == NULL) {
			if (devfacts_service(name, out, sizeof(out)))
				fail_msg("%s: service %s", cases[i].name, out);
		} else {
			if (!devfacts_service(name, out, sizeof(out)))
				fail_msg("%s: no service", cases[i].name);
			assert_string_equal(out, cases[i].service);
		}
		free(name);
	}
	/* It does not fit: refused, not cut. */
	name = exact("_ipp._tcp.local");
	assert_false(devfacts_service(name, out, 9));
	assert_true(devfacts_service(name, out, 10));
	free(name);
}

/*
 * A name that starts with "._tcp." has no label before the protocol.
 * In an exact-size buffer ASan catches a read before it; the second
 * check catches it without ASan, since the byte before that name is an
 * underscore that a read before the name would take for a service.
 */
static void
test_devfacts_service_at_start(void **state)
{
	static const char text[] = "_._tcp.local";
	char out[64], *name, *buf;

	(void)state;
	name = exact("._tcp.local");
	assert_false(devfacts_service(name, out, sizeof(out)));
	free(name);
	name = exact("._udp.local");
	assert_false(devfacts_service(name, out, sizeof(out)));
	free(name);
	buf = exact(text);
	assert_false(devfacts_service(buf + 1, out, sizeof(out)));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devfacts_service_types),
		cmocka_unit_test(test_devfacts_service_at_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
