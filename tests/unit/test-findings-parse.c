/*
 * test-findings-parse.c - the findings' readers of baseline keys
 * (fnd_service_parse(), fnd_mac_parse()) against the sscanf() calls
 * they replace.
 *
 * Every input, well formed or not, is read as sscanf() read it: the
 * same fields for what it accepted, a refusal for what it rejected.
 * The inputs are the keys the sensor writes, hand-made malformed ones
 * (truncated, too long, blanks, signs, "0x") and a few thousand
 * pseudo-random strings over the characters that matter.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report/findings.h"

/* What the findings read before: sscanf() alone. */
static bool
ref_service(const char *key, struct fnd_svc *s)
{
	char r[16];

	memset(s, 0, sizeof(*s));
	if (sscanf(key, "%7[a-z0-9]/%u %31s %15s", s->proto, &s->port,
	    s->app, r) != 4)
		return false;
	s->server = strcmp(r, "server") == 0;
	return true;
}

static bool
ref_mac(const char *str, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5]) != 6)
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

static void
same_service(const char *key)
{
	struct fnd_svc a, b;
	bool ra, rb;

	memset(&a, 0, sizeof(a));
	ra = fnd_service_parse(key, &a);
	rb = ref_service(key, &b);
	if (ra != rb)
		fail_msg("service \"%s\": %d, sscanf() %d", key, ra, rb);
	if (!ra)
		return;
	assert_string_equal(a.proto, b.proto);
	assert_int_equal(a.port, b.port);
	assert_string_equal(a.app, b.app);
	assert_int_equal(a.server, b.server);
}

static void
same_mac(const char *s)
{
	uint8_t a[6], b[6];
	bool ra, rb;

	ra = fnd_mac_parse(s, a);
	rb = ref_mac(s, b);
	if (ra != rb)
		fail_msg("MAC \"%s\": %d, sscanf() %d", s, ra, rb);
	if (ra)
		assert_memory_equal(a, b, 6);
}

static void
test_service_keys(void **unused)
{
	static const char *const keys[] = {
		/* As baselines write them. */
		"tcp/23 telnet server", "udp/53 dns client",
		"tcp/443 - client", "tcp/2575 hl7 client",
		"tcp/104 dicom server", "udp/161 snmp server",
		"tcp/65535 - server", "sctp/9 x server",
		/* Not services, or broken. */
		"icmp client", "icmp server", "", "/", "tcp", "tcp/",
		"tcp/ - server", "tcp/23", "tcp/23 ", "tcp/23 telnet",
		"tcp/23 telnet ", "TCP/23 telnet server",
		"tcp-x/23 telnet server", "abcdefgh/1 a server",
		"abcdefg/1 a server", "tcp/123456 big server",
		"tcp/99999999999 big server", "tcp/-1 neg server",
		"tcp/+1 pos server", "tcp/ 23 telnet server",
		"tcp/23  telnet server", "tcp/23 telnet  server",
		"tcp/23\ttelnet server", "tcp/23 telnet server extra",
		"tcp/23 telnet server ", "tcp/23 telnet\tserver",
		"tcp/23 telnet servers", "tcp/23 telnet serve",
		"tcp/23 telnet Server",
		"tcp/80 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa server",
		"tcp/80 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa server",
		"tcp/80 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa server",
		"tcp/80 http serverserverserverserver",
		"tcp/80 http serverserverserve",
		"tcp/80 http serverserverserv",
		"tcp/0x50 http server", "tcp/8o http server",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		same_service(keys[i]);
	(void)unused;
}

static void
test_mac_keys(void **unused)
{
	static const char *const macs[] = {
		/* As the sensor writes them, and other cases. */
		"00:1a:2b:3c:4d:5e", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00",
		"00:1A:2B:3C:4D:5E", "0:1:2:3:4:5", "a:b:c:d:e:f",
		"00:1a:2b:3c:4d:5e:77", "00:1a:2b:3c:4d:5e junk",
		"00:1a:2b:3c:4d:5ef", "00:1a:2b:3c:4d:5", "00:1a:2b:3c:4d:0x",
		"00:1a:2b:3c:4d:0X1", "00:1a:2b:3c:4d:0g",
		/* Broken, or read only by sscanf()'s rules. */
		"", "00", "00:", "00:1a:2b:3c:4d", "00:1a:2b:3c:4d:",
		"00-1a-2b-3c-4d-5e", "001a2b3c4d5e", "00:1a:2b:3c:4d:xx",
		"000:1a:2b:3c:4d:5e", "00::2b:3c:4d:5e", "g0:1a:2b:3c:4d:5e",
		" 00:1a:2b:3c:4d:5e", "00: 1a:2b:3c:4d:5e",
		"00:1a :2b:3c:4d:5e", "+1:1a:2b:3c:4d:5e", "-1:1a:2b:3c:4d:5e",
		"00:-f:2b:3c:4d:5e", "0x:1a:2b:3c:4d:5e", "0x1:1a:2b:3c:4d:5e",
		"00:1a:2b:3c:4d:-", "00:1a:2b:3c:4d:+", "\t0:1:2:3:4:5",
	};
	size_t i;

	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++)
		same_mac(macs[i]);
	(void)unused;
}

static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Pseudo-random strings (fixed seed) over the characters each format
 * turns on: every one read as sscanf() reads it. */
static void
test_random(void **unused)
{
	static const char svc_chars[] = "tcpu0123456789/ -+xserverclint\t";
	static const char mac_chars[] = "0aF9x:: -+g\tX";
	static const char *const svc_seed[] = {
		"tcp/23 telnet server", "udp/53 dns client", "icmp client",
	};
	char s[48];
	uint32_t x = 2463534242u;
	size_t i, k, n, c;

	for (i = 0; i < 20000; i++) {
		/* Mutations of good keys, and strings from scratch. */
		if (i % 2 == 0) {
			strcpy(s, svc_seed[next(&x) % 3]);
			n = strlen(s);
			for (k = next(&x) % 3 + 1; k > 0; k--) {
				c = next(&x) % n;
				s[c] = svc_chars[next(&x) %
				    (sizeof(svc_chars) - 1)];
			}
		} else {
			n = next(&x) % 30;
			for (k = 0; k < n; k++)
				s[k] = svc_chars[next(&x) %
				    (sizeof(svc_chars) - 1)];
			s[n] = '\0';
		}
		same_service(s);
		if (i % 2 == 0) {
			strcpy(s, "00:1a:2b:3c:4d:5e");
			for (k = next(&x) % 3 + 1; k > 0; k--) {
				c = next(&x) % 17;
				s[c] = mac_chars[next(&x) %
				    (sizeof(mac_chars) - 1)];
			}
			if (next(&x) % 4 == 0)
				s[next(&x) % 18] = '\0';
		} else {
			n = next(&x) % 24;
			for (k = 0; k < n; k++)
				s[k] = mac_chars[next(&x) %
				    (sizeof(mac_chars) - 1)];
			s[n] = '\0';
		}
		same_mac(s);
	}
	(void)unused;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_keys),
		cmocka_unit_test(test_mac_keys),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
