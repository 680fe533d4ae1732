/*
 * test-ssdp.c - SSDP message parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/ssdp.h"

/* An infusion pump's ssdp:alive announcement (header names in mixed
 * case, as embedded stacks send them). */
static const char notify[] =
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "Cache-Control: max-age=1800\r\n"
    "Location: http://10.20.0.7:49152/desc.xml\r\n"
    "nt: urn:schemas-upnp-org:device:Basic:1\r\n"
    "NTS: ssdp:alive\r\n"
    "Server: Linux/4.9 UPnP/1.0 PumpOS/9.02\r\n"
    "USN: uuid:1b2c-77::urn:schemas-upnp-org:device:Basic:1\r\n"
    "\r\n";

/* A control point's search. */
static const char msearch[] =
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 2\r\n"
    "ST: ssdp:all\r\n"
    "USER-AGENT: Windows/10.0 UPnP/2.0 Agent/1.0\r\n"
    "\r\n";

/* A device's answer, with bare LF line ends. */
static const char reply[] =
    "HTTP/1.1 200 OK\n"
    "ST: upnp:rootdevice\n"
    "USN: uuid:9f::upnp:rootdevice\n"
    "SERVER:   Printer/1.0   \n"
    "\n";

static char *
eve(const struct ssdp_facts *f)
{
	struct jsonw jw;
	const char *t;
	size_t len;
	char *s;

	jsonw_init(&jw, 1 << 16);
	jsonw_obj_open(&jw);
	ssdp_parser.eve(&jw, f);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	s = malloc(len + 1);
	memcpy(s, t, len + 1);
	jsonw_free(&jw);
	return s;
}

static void
test_ssdp_notify(void **state)
{
	struct ssdp_facts f;
	struct app_ctx ctx = { 0 };
	char *t;

	(void)state;
	assert_int_equal(ssdp_parse_message((const uint8_t *)notify,
	    sizeof(notify) - 1, &f, &ctx), 0);
	assert_int_equal(f.kind, SSDP_NOTIFY);
	assert_true(f.nt.present);
	assert_int_equal(ctx.n_anom, 0);
	t = eve(&f);
	assert_string_equal(t, "{\"type\":\"notify\",\"nts\":\"ssdp:alive\","
	    "\"nt\":\"urn:schemas-upnp-org:device:Basic:1\","
	    "\"usn\":\"uuid:1b2c-77::urn:schemas-upnp-org:device:Basic:1\","
	    "\"location\":\"http://10.20.0.7:49152/desc.xml\","
	    "\"server\":\"Linux/4.9 UPnP/1.0 PumpOS/9.02\"}");
	free(t);
	assert_int_equal(ssdp_parser.probe((const uint8_t *)notify,
	    sizeof(notify) - 1, 0), APP_PROBE_YES);
}

static void
test_ssdp_search_and_reply(void **state)
{
	struct ssdp_facts f;
	char *t;

	(void)state;
	assert_int_equal(ssdp_parse_message((const uint8_t *)msearch,
	    sizeof(msearch) - 1, &f, NULL), 0);
	t = eve(&f);
	assert_non_null(strstr(t, "\"type\":\"search\",\"st\":\"ssdp:all\","
	    "\"man\":\"\\\"ssdp:discover\\\"\""));
	assert_non_null(strstr(t, "\"user_agent\":\"Windows/10.0 UPnP/2.0 "
	    "Agent/1.0\""));
	free(t);
	assert_int_equal(ssdp_parse_message((const uint8_t *)reply,
	    sizeof(reply) - 1, &f, NULL), 0);
	assert_int_equal(f.kind, SSDP_RESPONSE);
	assert_int_equal(f.status, 200);
	t = eve(&f);
	assert_non_null(strstr(t, "\"type\":\"response\",\"status\":200"));
	assert_non_null(strstr(t, "\"server\":\"Printer/1.0\""));
	free(t);
	assert_int_equal(ssdp_parser.probe((const uint8_t *)reply,
	    sizeof(reply) - 1, 0), APP_PROBE_YES);
}

static void
test_ssdp_every_truncation(void **state)
{
	const char *v[] = { notify, msearch, reply };
	struct ssdp_facts f;
	struct app_ctx ctx = { 0 };
	size_t i, len, n;
	uint8_t *cut;
	char *t;

	(void)state;
	for (i = 0; i < 3; i++) {
		n = strlen(v[i]);
		for (len = 0; len < n; len++) {
			cut = malloc(len ? len : 1);
			memcpy(cut, v[i], len);
			if (ssdp_parse_message(cut, len, &f, &ctx) == 0) {
				t = eve(&f);
				free(t);
			}
			(void)ssdp_parser.probe(cut, len, 0);
			free(cut);
		}
	}
	assert_int_equal(ctx.n_anom, 0);
}

static void
test_ssdp_limits(void **state)
{
	struct ssdp_facts f;
	struct app_ctx ctx = { 0 };
	char *b = malloc(8192);
	size_t n, i;

	(void)state;
	/* A 2000-byte SERVER line ends the headers. */
	n = (size_t)snprintf(b, 8192, "NOTIFY * HTTP/1.1\r\nNT: a\r\n"
	    "SERVER: ");
	memset(b + n, 'x', 2000);
	n += 2000;
	memcpy(b + n, "\r\nUSN: u\r\n\r\n", 12);
	n += 12;
	assert_int_equal(ssdp_parse_message((uint8_t *)b, n, &f, &ctx), 0);
	assert_true(f.nt.present);
	assert_false(f.server.present);
	assert_false(f.usn.present);
	assert_true(mock_has_anomaly(&ctx, EV_SSDP_LINE_TOO_LONG));

	/* A 600-byte value is kept cut at SSDP_MAX_VALUE. */
	n = (size_t)snprintf(b, 8192, "NOTIFY * HTTP/1.1\r\nLOCATION: ");
	memset(b + n, 'y', 600);
	n += 600;
	assert_int_equal(ssdp_parse_message((uint8_t *)b, n, &f, NULL), 0);
	assert_true(f.location.truncated);
	assert_int_equal(f.location.len, SSDP_MAX_VALUE);

	/* 100 header lines: stops at SSDP_MAX_LINES. */
	memset(&ctx, 0, sizeof(ctx));
	n = (size_t)snprintf(b, 8192, "NOTIFY * HTTP/1.1\r\n");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(b + n, 8192 - n, "X-%zu: 1\r\n", i);
	assert_int_equal(ssdp_parse_message((uint8_t *)b, n, &f, &ctx), 0);
	assert_true(mock_has_anomaly(&ctx, EV_SSDP_LINE_TOO_LONG));
	free(b);
}

static void
test_ssdp_probe_no(void **state)
{
	static const char *no[] = {
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		"NOTIFY /x HTTP/1.1\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\nUSN: a\r\n\r\n",
		"",
	};
	struct ssdp_facts f;
	struct app_ctx ctx = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(ssdp_parser.probe((const uint8_t *)no[i],
		    strlen(no[i]), 0), APP_PROBE_NO);
	/* Through the parse op: an anomaly, no fact. */
	{
		void *st = app_state_new(&ssdp_parser);
		struct app_result r = ssdp_parser.parse(st, &ctx, 0,
		    (const uint8_t *)no[0], strlen(no[0]));

		assert_int_equal(r.status, PARSE_OK);
		assert_int_equal(ctx.n_facts, 0);
		assert_true(mock_has_anomaly(&ctx, EV_SSDP_MALFORMED));
		r = ssdp_parser.parse(st, &ctx, 0, (const uint8_t *)notify,
		    sizeof(notify) - 1);
		assert_int_equal(ctx.n_facts, 1);
		app_state_free(&ssdp_parser, st);
	}
	(void)f;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssdp_notify),
		cmocka_unit_test(test_ssdp_search_and_reply),
		cmocka_unit_test(test_ssdp_every_truncation),
		cmocka_unit_test(test_ssdp_limits),
		cmocka_unit_test(test_ssdp_probe_no),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
