/*
 * test-dhcp.c - DHCP message parser.
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
#include "app/dhcp.h"

/*
 * DHCPREQUEST from 00:11:32:17:49:f0 (a NAS), xid 0xef6493c4:
 * op 1, htype 1, hlen 6, ciaddr 10.16.1.4, cookie, then options
 * 53 = 3 (request), 61 = 01 00:11:32:17:49:f0, 12 = "nas1",
 * 60 = "PUMP-OS 9.02", 55 = 1 3 15 6 42, 255.
 */
static size_t
build_request(uint8_t *b)
{
	static const uint8_t opts[] = {
		53, 1, 3,
		61, 7, 1, 0x00, 0x11, 0x32, 0x17, 0x49, 0xf0,
		12, 4, 'n', 'a', 's', '1',
		60, 12, 'P', 'U', 'M', 'P', '-', 'O', 'S', ' ', '9', '.',
		    '0', '2',
		55, 5, 1, 3, 15, 6, 42,
		255,
	};

	memset(b, 0, 300);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[4] = 0xef; b[5] = 0x64; b[6] = 0x93; b[7] = 0xc4;
	b[12] = 10; b[13] = 16; b[14] = 1; b[15] = 4;
	memcpy(b + 28, "\x00\x11\x32\x17\x49\xf0", 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	memcpy(b + 240, opts, sizeof(opts));
	return 240 + sizeof(opts);
}

static void
test_dhcp_request_facts(void **state)
{
	uint8_t b[300];
	size_t n = build_request(b);
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };

	(void)state;
	assert_int_equal(dhcp_parse_message(b, n, &d, &ctx), 0);
	assert_int_equal(d.op, 1);
	assert_int_equal(d.xid, 0xef6493c4u);
	assert_true(d.has_mac);
	assert_memory_equal(d.chaddr, "\x00\x11\x32\x17\x49\xf0", 6);
	assert_int_equal(d.msg_type, 3);
	assert_int_equal(d.hostname_len, 4);
	assert_memory_equal(d.hostname, "nas1", 4);
	assert_int_equal(d.vendor_class_len, 12);
	assert_memory_equal(d.vendor_class, "PUMP-OS 9.02", 12);
	assert_int_equal(d.n_params, 5);
	assert_memory_equal(d.params, "\x01\x03\x0f\x06\x2a", 5);
	assert_int_equal(d.client_id_len, 7);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(dhcp_parser.probe(b, n, 0), APP_PROBE_YES);
}

static void
test_dhcp_every_truncation(void **state)
{
	uint8_t b[300], *cut;
	size_t n = build_request(b), len;
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };

	(void)state;
	for (len = 0; len < n; len++) {
		cut = malloc(len ? len : 1);
		memcpy(cut, b, len);
		/* Short of the cookie: not DHCP; past it: a truncated
		 * option or a clean stop, never a read past 'len'. */
		if (len < 240)
			assert_int_equal(dhcp_parse_message(cut, len, &d,
			    &ctx), -1);
		else
			assert_int_equal(dhcp_parse_message(cut, len, &d,
			    &ctx), 0);
		free(cut);
	}
	assert_true(mock_has_anomaly(&ctx, EV_DHCP_OPT_TRUNCATED));
}

static void
test_dhcp_lying_option_length(void **state)
{
	uint8_t b[300];
	size_t n = build_request(b);
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };

	(void)state;
	b[240 + 3 + 9 + 1] = 200;	/* hostname claims 200 bytes */
	assert_int_equal(dhcp_parse_message(b, n, &d, &ctx), 0);
	assert_false(d.has_hostname);
	assert_false(d.has_vendor_class);
	assert_true(mock_has_anomaly(&ctx, EV_DHCP_OPT_TRUNCATED));
}

/* Option 52 = 3: the file and sname fields carry more options. */
static void
test_dhcp_option_overload(void **state)
{
	uint8_t b[300];
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };
	size_t n;

	(void)state;
	n = build_request(b);
	b[0] = 2;
	memcpy(b + 240, "\x35\x01\x02\x34\x01\x03\xff", 7);	/* offer */
	memcpy(b + 108, "\x03\x04\x0a\x64\x00\x02\xff", 7);	/* router */
	memcpy(b + 44, "\x06\x04\x0a\x64\x00\x03\xff", 7);	/* DNS */
	assert_int_equal(dhcp_parse_message(b, n, &d, &ctx), 0);
	assert_int_equal(d.msg_type, 2);
	assert_int_equal(d.n_routers, 1);
	assert_memory_equal(d.routers[0], "\x0a\x64\x00\x02", 4);
	assert_int_equal(d.n_dns, 1);
	assert_memory_equal(d.dns[0], "\x0a\x64\x00\x03", 4);
}

static void
test_dhcp_not_dhcp(void **state)
{
	uint8_t b[300];
	size_t n = build_request(b);

	(void)state;
	b[236] = 0;	/* no cookie: plain BOOTP or something else */
	assert_int_equal(dhcp_parser.probe(b, n, 0), APP_PROBE_NO);
	assert_int_equal(dhcp_parser.probe(b, 10, 0), APP_PROBE_NO);
}

static void
test_dhcp_eve(void **state)
{
	uint8_t b[300];
	size_t n = build_request(b), len;
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };
	struct jsonw jw;
	const char *t;

	(void)state;
	assert_int_equal(dhcp_parse_message(b, n, &d, &ctx), 0);
	jsonw_init(&jw, 1 << 16);
	jsonw_obj_open(&jw);
	dhcp_parser.eve(&jw, &d);
	jsonw_obj_close(&jw);
	t = jsonw_text(&jw, &len);
	assert_non_null(strstr(t, "\"client_mac\":\"00:11:32:17:49:f0\""));
	assert_non_null(strstr(t, "\"dhcp_type\":\"request\""));
	assert_non_null(strstr(t, "\"hostname\":\"nas1\""));
	assert_non_null(strstr(t,
	    "\"params\":[\"subnet_mask\",\"router\",\"domain\","
	    "\"dns_server\",\"ntp_server\"]"));
	jsonw_reset(&jw);
	jsonw_obj_open(&jw);
	dhcp_parser.eve_extra(&jw, &d);
	jsonw_obj_close(&jw);
	t = jsonw_text(&jw, &len);
	/* The parameters once more, whole and in order, once: no array of
	 * their numbers beside the fingerprint. */
	assert_string_equal(t, "{\"dhcp\":{\"fingerprint\":\"1,3,15,6,42\"}}");
	jsonw_free(&jw);
}

static char	 params_seen[APP_VALUE_MAX + 1];

static void
params_evidence(const struct app_sink *sink, const uint8_t mac[6],
    bool relayed, enum evidence_key key, const char *value, size_t len)
{
	(void)sink;
	(void)mac;
	(void)relayed;
	if (key != EVIDENCE_DHCP_PARAMS)
		return;
	assert_true(len < sizeof(params_seen));
	memcpy(params_seen, value, len);
	params_seen[len] = '\0';
}

/*
 * The parameter list, written without printf, reads as snprintf()
 * writes it: every width of value, the longest list whole in the
 * record, and in the device evidence as many whole values as fit.
 */
static void
test_dhcp_fingerprint_numbers(void **state)
{
	static const uint8_t edge[] = { 0, 1, 9, 10, 99, 100, 254, 255 };
	static const size_t counts[] = { 1, 8, 12, 13, 14, 15, 16, 20,
	    DHCP_MAX_PARAMS };
	uint8_t b[300];
	size_t n = build_request(b), len, k, i, o, v;
	struct dhcp_facts d;
	struct app_ctx ctx = { 0 };
	struct app_sink sink = { .evidence_mac = params_evidence };
	struct jsonw jw;
	char want[DHCP_MAX_PARAMS * 4 + 64];
	const char *t;

	(void)state;
	assert_int_equal(dhcp_parse_message(b, n, &d, &ctx), 0);
	d.has_hostname = d.has_fqdn = d.has_vendor_class = false;
	d.has_server_id = false;
	jsonw_init(&jw, 1 << 16);
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		d.n_params = counts[k];
		o = (size_t)snprintf(want, sizeof(want),
		    "{\"dhcp\":{\"fingerprint\":\"");
		for (i = 0; i < d.n_params; i++) {
			d.params[i] = edge[(i + k) % sizeof(edge)];
			o += (size_t)snprintf(want + o, sizeof(want) - o,
			    "%s%u", i ? "," : "", d.params[i]);
		}
		(void)snprintf(want + o, sizeof(want) - o, "\"}}");
		jsonw_reset(&jw);
		jsonw_obj_open(&jw);
		dhcp_parser.eve_extra(&jw, &d);
		jsonw_obj_close(&jw);
		t = jsonw_text(&jw, &len);
		assert_string_equal(t, want);

		/* The evidence: whole values while one more fits. */
		for (i = o = 0; i < d.n_params && o + 5 < APP_VALUE_MAX;
		    i++)
			o += (size_t)snprintf(want + o, sizeof(want) - o,
			    "%s%u", i ? "," : "", d.params[i]);
		params_seen[0] = 'x';
		dhcp_parser.facts(&d, APP_DIR_TOSERVER, &sink);
		assert_string_equal(params_seen, want);
	}
	/* The longest list: 255 values of 3 digits. */
	for (v = 0; v < DHCP_MAX_PARAMS; v++)
		d.params[v] = 255;
	d.n_params = DHCP_MAX_PARAMS;
	jsonw_reset(&jw);
	jsonw_obj_open(&jw);
	dhcp_parser.eve_extra(&jw, &d);
	jsonw_obj_close(&jw);
	t = jsonw_text(&jw, &len);
	assert_int_equal(len, strlen("{\"dhcp\":{\"fingerprint\":\"\"}}") +
	    3 + 4 * (DHCP_MAX_PARAMS - 1));
	jsonw_free(&jw);
}

/* dhcp.hostname and dhcp.vendor_class: one inspection per message,
 * the options as on the wire; none built unless a rule wants DHCP. */
static void
test_dhcp_buffers(void **state)
{
	uint8_t b[300];
	size_t n = build_request(b);
	const struct mock_inspect *mi;
	struct app_ctx ctx = { 0 };
	void *st;

	(void)state;
	st = app_state_new(&dhcp_parser);
	(void)dhcp_parser.parse(st, &ctx, APP_DIR_TOSERVER, b, n);
	assert_int_equal(ctx.n_insp, 0);
	ctx.inspect = true;
	(void)dhcp_parser.parse(st, &ctx, APP_DIR_TOSERVER, b, n);
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_int_equal(mi->proto, APP_DHCP);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_true(mi->has_fact);
	assert_string_equal(mock_buf(mi, APP_BUF_DHCP_HOSTNAME, 0, NULL),
	    "nas1");
	assert_string_equal(mock_buf(mi, APP_BUF_DHCP_VENDOR_CLASS, 0, NULL),
	    "PUMP-OS 9.02");
	/* Without option 12 (its code turned into a pad-less unknown
	 * option 250), only the vendor class. */
	b[240 + 3 + 9] = 250;
	(void)dhcp_parser.parse(st, &ctx, APP_DIR_TOSERVER, b, n);
	mi = mock_insp(&ctx, 0);
	assert_int_equal(mock_buf_count(mi, APP_BUF_DHCP_HOSTNAME), 0);
	assert_int_equal(mock_buf_count(mi, APP_BUF_DHCP_VENDOR_CLASS), 1);
	mock_reset(&ctx);
	app_state_free(&dhcp_parser, st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp_request_facts),
		cmocka_unit_test(test_dhcp_every_truncation),
		cmocka_unit_test(test_dhcp_lying_option_length),
		cmocka_unit_test(test_dhcp_option_overload),
		cmocka_unit_test(test_dhcp_not_dhcp),
		cmocka_unit_test(test_dhcp_eve),
		cmocka_unit_test(test_dhcp_fingerprint_numbers),
		cmocka_unit_test(test_dhcp_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
