/*
 * test-syslogfmt.c - syslog and CEF messages (src/output/syslogfmt.c):
 * every character each format escapes, input that is not UTF-8, the
 * RFC 5424 header fields, RFC 6587 octet counting both ways.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/syslogfmt.h"

typedef void (*escape_fn)(struct fmtbuf *, const char *, size_t);

static void
check(escape_fn f, const char *in, size_t len, const char *want)
{
	struct fmtbuf b = { NULL, 0, 0 };

	f(&b, in, len);
	if (b.len != strlen(want) || memcmp(b.p, want, b.len) != 0)
		fail_msg("got \"%.*s\", want \"%s\"", (int)b.len, b.p, want);
	fmtbuf_free(&b);
}
#define CHECK(f, lit, want)	check(f, lit, sizeof(lit) - 1, want)

/* RFC 5424 6.3.3: '"', '\' and ']' in a PARAM-VALUE, nothing else. */
static void
test_sd_escape(void **state)
{
	(void)state;
	CHECK(sd_escape, "plain", "plain");
	CHECK(sd_escape, "a\"b", "a\\\"b");
	CHECK(sd_escape, "a\\b", "a\\\\b");
	CHECK(sd_escape, "a]b", "a\\]b");
	CHECK(sd_escape, "[=|", "[=|");
	CHECK(sd_escape, "\"\\]", "\\\"\\\\\\]");
	/* Line ends and controls would end the message for some
	 * collectors: spaces. */
	CHECK(sd_escape, "a\nb\rc\td\x01", "a b c d ");
	/* UTF-8 passes; every bad byte is U+FFFD. */
	CHECK(sd_escape, "caf\xc3\xa9", "caf\xc3\xa9");
	CHECK(sd_escape, "\xff", "\xef\xbf\xbd");
	CHECK(sd_escape, "a\xc3", "a\xef\xbf\xbd");		/* cut */
	CHECK(sd_escape, "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong */
	CHECK(sd_escape, "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd");					/* surrogate */
	CHECK(sd_escape, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	CHECK(sd_escape, "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");				/* > U+10FFFF */
	/* A NUL is a control too. */
	check(sd_escape, "a\0b", 3, "a b");
}

/* CEF: '\' and '|' in the header, '\' and '=' in extension values,
 * line ends written as \n and \r there. */
static void
test_cef_escape(void **state)
{
	(void)state;
	CHECK(cef_escape_header, "a|b", "a\\|b");
	CHECK(cef_escape_header, "a\\b", "a\\\\b");
	CHECK(cef_escape_header, "a=b", "a=b");
	CHECK(cef_escape_header, "a\nb", "a b");
	CHECK(cef_escape_header, "\xfe", "\xef\xbf\xbd");
	CHECK(cef_escape_ext, "a=b", "a\\=b");
	CHECK(cef_escape_ext, "a\\b", "a\\\\b");
	CHECK(cef_escape_ext, "a|b", "a|b");
	CHECK(cef_escape_ext, "a\nb\rc", "a\\nb\\rc");
	CHECK(cef_escape_ext, "\x80x", "\xef\xbf\xbdx");
	CHECK(cef_escape_ext, "\x7f", " ");
}

static void
test_ascii_field(void **state)
{
	struct fmtbuf b = { NULL, 0, 0 };

	(void)state;
	ascii_field(&b, "host name\x7f\xc3\xa9", 255);
	assert_string_equal(b.p, "host_name___");
	fmtbuf_reset(&b);
	ascii_field(&b, "", 255);
	assert_string_equal(b.p, "-");
	fmtbuf_reset(&b);
	ascii_field(&b, NULL, 255);
	assert_string_equal(b.p, "-");
	fmtbuf_reset(&b);
	ascii_field(&b, "abcdef", 3);
	assert_string_equal(b.p, "abc");
	fmtbuf_free(&b);
}

static struct record *
mkrec(uint16_t type, const char *event_type, const char *sig)
{
	struct record *r;
	size_t sl = sig != NULL ? strlen(sig) : 0;

	r = calloc(1, sizeof(*r) + sl);
	r->type = type;
	r->event_type = event_type;
	r->ts_us = 1764000000123456ull;	/* 2025-11-24T16:00:00.123456Z */
	if (sig != NULL) {
		r->flags = RECORD_F_ALERT | RECORD_F_TUPLE;
		r->gid = 1;
		r->sid = 2000001;
		r->rev = 3;
		r->severity = 1;
		r->sig_len = (uint16_t)sl;
		memcpy((char *)(r + 1), sig, sl);
		r->ipver = 4;
		r->proto = 6;
		memcpy(r->src, "\x0a\x00\x00\x01", 4);
		memcpy(r->dst, "\x0a\x00\x00\x02", 4);
		r->sport = 1234;
		r->dport = 2575;
	}
	return r;
}

static void
test_rfc5424(void **state)
{
	struct syslog_ctx c = { "sensor-1", "ward \"A\"]", 21, 42 };
	struct fmtbuf b = { NULL, 0, 0 };
	struct record *r = mkrec(RECORD_ALERT, "alert", "x");

	(void)state;
	syslog_rfc5424(&b, &c, r, 77, "{\"a\":1}", 7);
	/* local5 (21) * 8 + crit (2) = 170 */
	assert_string_equal(b.p, "<170>1 2025-11-24T16:00:00.123456Z sensor-1 "
	    "wardwatch 42 alert [wardwatch@32473 sensor=\"ward \\\"A\\\"\\]\" "
	    "seq=\"77\"] {\"a\":1}");
	fmtbuf_free(&b);
	free(r);

	r = mkrec(RECORD_FLOW, "flow", NULL);
	c.sensor = NULL;
	c.host = NULL;
	syslog_rfc5424(&b, &c, r, 1, "{}", 2);
	/* info (6); no host: NILVALUE, no sensor parameter */
	assert_string_equal(b.p, "<174>1 2025-11-24T16:00:00.123456Z - "
	    "wardwatch 42 flow [wardwatch@32473 seq=\"1\"] {}");
	fmtbuf_reset(&b);
	syslog_rfc3164(&b, &c, r, "{}", 2);
	assert_string_equal(b.p, "<174>Nov 24 16:00:00 localhost "
	    "wardwatch[42]: {}");
	fmtbuf_free(&b);
	free(r);
}

static void
test_cef(void **state)
{
	struct syslog_ctx c = { "s1", NULL, 21, 1 };
	struct fmtbuf b = { NULL, 0, 0 };
	struct record *r = mkrec(RECORD_ALERT, "alert", "HL7 a|b=c\\d");
	const char *line = "{\"ether\":{\"src_mac\":\"02:00:00:00:00:01\","
	    "\"dest_mac\":\"02:00:00:00:00:02\"},\"community_id\":\"1:x=\","
	    "\"alert\":{\"action\":\"allowed\",\"category\":\"Bad=Thing\"}}";
	char want[1024];

	(void)state;
	cef_format(&b, &c, r, 9, line, strlen(line));
	snprintf(want, sizeof(want), "CEF:0|Wardwatch|wardwatch|%s|2000001|"
	    "HL7 a\\|b=c\\\\d|10|rt=1764000000123 src=10.0.0.1 dst=10.0.0.2 "
	    "spt=1234 dpt=2575 proto=TCP smac=02:00:00:00:00:01 "
	    "dmac=02:00:00:00:00:02 cat=Bad\\=Thing act=allowed "
	    "cs2Label=gid cs2=1 cs3Label=rev cs3=3 cs1Label=event_type "
	    "cs1=alert cs4Label=community_id cs4=1:x\\= cn1Label=seq cn1=9 "
	    "dvchost=s1", PACKAGE_VERSION);
	assert_string_equal(b.p, want);
	fmtbuf_free(&b);
	free(r);
}

/* RFC 6587 3.4.1: "MSG-LEN SP SYSLOG-MSG", the length in octets. */
static void
test_octet_counting(void **state)
{
	struct fmtbuf b = { NULL, 0, 0 };
	const char *m;
	size_t ml;
	long n;

	(void)state;
	octet_frame(&b, "<1>1 - - - - - h\xc3\xa9", 17);
	assert_int_equal(b.len, 3 + 17);
	assert_memory_equal(b.p, "17 <1>1", 7);
	octet_frame(&b, "x", 1);
	n = octet_unframe(b.p, b.len, &m, &ml);
	assert_int_equal(n, 20);
	assert_int_equal(ml, 17);
	assert_memory_equal(m, "<1>1 - - - - - h\xc3\xa9", 17);
	n = octet_unframe(b.p + 20, b.len - 20, &m, &ml);
	assert_int_equal(n, 3);
	assert_int_equal(ml, 1);
	/* Incomplete: more needed; broken: refused. */
	assert_int_equal(octet_unframe(b.p, 10, &m, &ml), 0);
	assert_int_equal(octet_unframe("17", 2, &m, &ml), 0);
	assert_int_equal(octet_unframe("x 1", 3, &m, &ml), -1);
	assert_int_equal(octet_unframe("01 x", 4, &m, &ml), -1);
	assert_int_equal(octet_unframe("1234567890 x", 12, &m, &ml), -1);
	fmtbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sd_escape),
		cmocka_unit_test(test_cef_escape),
		cmocka_unit_test(test_ascii_field),
		cmocka_unit_test(test_rfc5424),
		cmocka_unit_test(test_cef),
		cmocka_unit_test(test_octet_counting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
