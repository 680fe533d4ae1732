/*
 * test-detect-match.c - the rule engine's matcher (src/detect/): content
 * positions and backtracking, nocase, negation, startswith/endswith,
 * sizes, byte ops, pcre flags, header conditions, flowbits across
 * packets, TCP streams split at every byte, transactions, and the alert
 * filter (threshold, detection_filter, suppress, device classes).
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect-helpers.h"
#include "device/fpdb.h"

#define CLI	IP4(192, 168, 1, 10)
#define SRV	IP4(10, 0, 0, 5)
#define EXT	IP4(8, 8, 8, 8)

/* Run e on one UDP packet CLI:1234 -> SRV:53 carrying s. */
static void
udp(struct detect_engine *e, const char *s, size_t len)
{
	struct detect_thread *t = detect_thread_new(e, th_alert, NULL);
	struct packet p;

	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, s, len);
	detect_packet(t, NULL, &p, NULL, 0);
	detect_thread_free(t);
}

#define UDP(e, s)	udp((e), (s), sizeof(s) - 1)

static void
test_content_positions(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"abs\"; content:\"abc\"; "
	    "offset:2; depth:5; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"rel\"; content:\"abc\"; "
	    "content:\"xyz\"; distance:2; within:5; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"neg-dist\"; content:\"xyz\"; "
	    "content:\"abc\"; distance:-8; within:3; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"start\"; content:\"GET \"; "
	    "startswith; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"end\"; content:\".exe\"; "
	    "endswith; sid:5;)\n"
	    "alert udp any any -> any any (msg:\"hex\"; content:\"|41 42|C\"; "
	    "sid:6;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "..abc..xyz");		/* abc at 2, xyz 2 after */
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(4));
	assert_false(th_alerted(5));
	UDP(e, "....abc");		/* abc ends at 7 = offset 2 + depth 5 */
	assert_true(th_alerted(1));
	UDP(e, ".....abc");		/* one byte too far */
	assert_false(th_alerted(1));
	UDP(e, "abc.....xyz");		/* xyz beyond within */
	assert_false(th_alerted(2));
	UDP(e, "GET /a.exe");
	assert_true(th_alerted(4));
	assert_true(th_alerted(5));
	UDP(e, " GET /a.exe ");
	assert_false(th_alerted(4));
	assert_false(th_alerted(5));
	UDP(e, "xxABCxx");
	assert_true(th_alerted(6));
	detect_free(e);
}

/* A relative content that fails after the first match of the one
 * before it retries from that content's next match (Suricata). */
static void
test_backtracking(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"bt\"; content:\"a=\"; "
	    "content:\"1\"; distance:0; within:1; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"bt3\"; content:\"k\"; "
	    "content:\"v\"; distance:0; within:1; content:\"!\"; distance:0; "
	    "within:1; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"neg\"; content:\"user\"; "
	    "content:!\"root\"; distance:1; within:4; sid:3;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "a=0&a=2&a=1");
	assert_true(th_alerted(1));
	UDP(e, "a=0&a=2&a=3");
	assert_false(th_alerted(1));
	UDP(e, "kv.kx!kv!");
	assert_true(th_alerted(2));
	UDP(e, "user root");
	assert_false(th_alerted(3));
	UDP(e, "user root user bob");
	assert_true(th_alerted(3));
	detect_free(e);
}

static void
test_nocase_negation(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"nc\"; content:\"EvIl\"; "
	    "nocase; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"cs\"; content:\"EvIl\"; "
	    "sid:2;)\n"
	    "alert udp any any -> any any (msg:\"neg\"; content:\"evil\"; "
	    "nocase; content:!\"good\"; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"chop\"; content:\"xxLONGPATxx\"; "
	    "fast_pattern:2,7; sid:4;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "very EVIL thing");
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	assert_true(th_alerted(3));
	UDP(e, "EvIl but good");
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	assert_false(th_alerted(3));
	UDP(e, "..xxLONGPATxx");
	assert_true(th_alerted(4));
	UDP(e, "..xxLONGPATx.");	/* prefilter hits, verify fails */
	assert_false(th_alerted(4));
	detect_free(e);
}

static void
test_sizes_and_isdataat(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"dsize\"; dsize:<5; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"range\"; dsize:2<>6; "
	    "content:\"ab\"; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"isdataat\"; content:\"ab\"; "
	    "isdataat:2,relative; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"not\"; content:\"ab\"; "
	    "isdataat:!1,relative; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"abs\"; content:\"ab\"; "
	    "isdataat:5; sid:5;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "ab");
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));	/* 2 is not > 2 */
	assert_false(th_alerted(3));
	assert_true(th_alerted(4));
	assert_false(th_alerted(5));
	UDP(e, "abcd");
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(4));
	UDP(e, "abcdef");
	assert_false(th_alerted(1));
	assert_true(th_alerted(5));
	detect_free(e);
}

static void
test_byte_ops(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"bt\"; content:\"HDR\"; "
	    "byte_test:2,>,0x100,0,relative; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"bt-le\"; content:\"HDR\"; "
	    "byte_test:2,=,0x0201,0,relative,little; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"bt-str\"; content:\"LEN=\"; "
	    "byte_test:3,>=,100,0,relative,string,dec; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"jump\"; content:\"HDR\"; "
	    "byte_jump:1,0,relative; content:\"Z\"; within:1; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"extract\"; content:\"HDR\"; "
	    "byte_extract:1,0,n,relative; content:\"Z\"; distance:n; "
	    "within:1; sid:5;)\n"
	    "alert udp any any -> any any (msg:\"extract-test\"; "
	    "content:\"HDR\"; byte_extract:1,0,n,relative; "
	    "byte_test:1,=,n,0,relative; sid:6;)\n"
	    "alert udp any any -> any any (msg:\"mask\"; content:\"HDR\"; "
	    "byte_test:1,=,3,0,relative,bitmask 0xf0; sid:7;)\n"
	    "alert udp any any -> any any (msg:\"not\"; content:\"HDR\"; "
	    "byte_test:1,!&,0x80,0,relative; sid:8;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "HDR\x01\x02");
	assert_true(th_alerted(1));	/* 0x0102 > 0x100 */
	assert_true(th_alerted(2));
	assert_false(th_alerted(7));
	assert_true(th_alerted(8));
	UDP(e, "LEN=123");
	assert_true(th_alerted(3));
	UDP(e, "LEN=099");
	assert_false(th_alerted(3));
	/* jump 2 bytes after the length byte: lands on Z */
	UDP(e, "HDR\x02..Z");
	assert_true(th_alerted(4));
	assert_true(th_alerted(5));
	UDP(e, "HDR\x02.Z.");
	assert_false(th_alerted(4));
	assert_false(th_alerted(5));
	UDP(e, "HDR\x05\x05");
	assert_true(th_alerted(6));
	UDP(e, "HDR\x35");
	assert_true(th_alerted(7));
	assert_true(th_alerted(8));
	UDP(e, "HDR\xb5");
	assert_false(th_alerted(8));
	detect_free(e);
}

static void
test_pcre(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"i\"; content:\"id=\"; "
	    "pcre:\"/id=[a-f]+\\d/i\"; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"R\"; content:\"id=\"; "
	    "pcre:\"/^\\d{3}/R\"; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"neg\"; content:\"id=\"; "
	    "pcre:!\"/id=\\d/\"; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"s\"; content:\"a\"; "
	    "pcre:\"/a.b/s\"; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"m\"; content:\"x\"; "
	    "pcre:\"/^x$/m\"; sid:5;)\n"
	    "alert udp any any -> any any (msg:\"after\"; content:\"id=\"; "
	    "pcre:\"/\\d+/R\"; content:\"!\"; within:1; sid:6;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "q id=ABC7");
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	assert_true(th_alerted(3));
	UDP(e, "q id=123");
	assert_true(th_alerted(2));
	assert_false(th_alerted(3));
	UDP(e, "q 123 id=x");	/* R anchors at the content's end */
	assert_false(th_alerted(2));
	UDP(e, "a\nb");
	assert_true(th_alerted(4));
	UDP(e, "y\nx\nz");
	assert_true(th_alerted(5));
	UDP(e, "id=12!");
	assert_true(th_alerted(6));
	detect_free(e);
}

static void
test_header_addresses_ports(void **state)
{
	struct detect_config c;
	struct detect_var av = { (char *)"HOME_NET", (char *)"[10.0.0.0/8]" };
	struct detect_var pv = { (char *)"DNS_PORTS", (char *)"[53,5353]" };
	struct detect_engine *e;

	(void)state;
	detect_config_defaults(&c);
	c.addr_vars = &av;
	c.n_addr_vars = 1;
	c.port_vars = &pv;
	c.n_port_vars = 1;
	e = th_load_cfg(&c,
	    "alert udp $EXTERNAL_NET any -> $HOME_NET $DNS_PORTS (msg:\"v\"; "
	    "content:\"q\"; sid:1;)\n"
	    "alert udp any any -> $HOME_NET 53 (msg:\"home\"; content:\"q\"; "
	    "sid:2;)\n"
	    "alert udp any any -> ![10.0.0.0/24,!10.0.0.5] any (msg:\"nest\"; "
	    "content:\"q\"; sid:3;)\n"
	    "alert udp 10.0.0.5 53 <> any any (msg:\"bidir\"; content:\"q\"; "
	    "sid:4;)\n"
	    "alert udp any 1000:2000 -> any !54 (msg:\"range\"; content:\"q\"; "
	    "sid:5;)\n"
	    "alert tcp any any -> any any (msg:\"tcp\"; content:\"q\"; "
	    "flow:no_stream; sid:6;)\n"
	    "alert ip any any -> 10.0.0.0/255.255.255.0 any (msg:\"mask\"; "
	    "content:\"q\"; sid:7;)\n");
	assert_non_null(e);
	UDP(e, "q");		/* 192.168.1.10:1234 -> 10.0.0.5:53 */
	assert_true(th_alerted(1));	/* HOME_NET is 10/8 only here */
	assert_true(th_alerted(2));
	/* ![10.0.0.0/24 except 10.0.0.5]: 10.0.0.5 is not excluded */
	assert_true(th_alerted(3));
	assert_true(th_alerted(4));
	assert_true(th_alerted(5));
	assert_false(th_alerted(6));
	assert_true(th_alerted(7));
	detect_free(e);
}

static void
test_tcp_conditions(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (msg:\"syn\"; flags:S,12; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"syn+\"; flags:S+; sid:2;)\n"
	    "alert tcp any any -> any any (msg:\"win\"; window:1024; "
	    "ttl:<100; sid:3;)\n"
	    "alert tcp any any -> any any (msg:\"est\"; flow:established,"
	    "to_server; content:\"x\"; flow:no_stream; sid:4;)\n"
	    "alert tcp-pkt any any -> any any (msg:\"pkt\"; content:\"x\"; "
	    "sid:5;)\n"
	    "alert ip any any -> any any (msg:\"proto\"; ip_proto:tcp; "
	    "tcp.mss:>1000; sid:6;)\n");
	struct detect_thread *t;
	struct packet p;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_TCP, CLI, 40000, SRV, 80, "x", 1);
	p.tcp_flags = TH_SYN | TH_ECE;
	p.tcp_win = 1024;
	p.tcp_mss = 1460;
	detect_packet(t, NULL, &p, NULL, 0);
	assert_true(th_alerted(1));	/* ECE masked */
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(4));	/* no flow */
	assert_true(th_alerted(5));
	assert_true(th_alerted(6));
	th_nalerts = 0;
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	p.tcp_flags = TH_SYN | TH_ACK;
	detect_packet(t, &f, &p, NULL, 0);
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	assert_true(th_alerted(4));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

static void
test_icmp(void **state)
{
	struct detect_engine *e = th_load(
	    "alert icmp any any -> any any (msg:\"echo\"; itype:8; icode:0; "
	    "icmp_id:0x1234; icmp_seq:7; sid:1;)\n"
	    "alert icmp any any -> any any (msg:\"type\"; itype:>10; sid:2;)\n");
	struct detect_thread *t;
	struct packet p;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_ICMP, CLI, 0, SRV, 0, "", 0);
	p.icmp_type = 8;
	th_pktbuf[20] = 8;
	th_pktbuf[24] = 0x12;
	th_pktbuf[25] = 0x34;
	th_pktbuf[27] = 7;
	detect_packet(t, NULL, &p, NULL, 0);
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	detect_thread_free(t);
	detect_free(e);
}

static void
test_flowbits(void **state)
{
	struct detect_engine *e = th_load(
	    /* the checker comes first in the file: order is by flowbits */
	    "alert udp any any -> any any (msg:\"check\"; flowbits:isset,"
	    "login; content:\"cmd\"; sid:2;)\n"
	    "alert udp any any -> any any (msg:\"set\"; content:\"login\"; "
	    "flowbits:set,login; flowbits:noalert; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"either\"; content:\"cmd\"; "
	    "flowbits:isset,a|login; sid:3;)\n"
	    "alert udp any any -> any any (msg:\"both\"; content:\"cmd\"; "
	    "flowbits:isset,a&login; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"notset\"; content:\"cmd\"; "
	    "flowbits:isnotset,login; sid:5;)\n"
	    "alert udp any any -> any any (msg:\"unset\"; content:\"logout\"; "
	    "flowbits:unset,login; sid:6;)\n");
	struct detect_thread *t;
	struct packet p;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_UDP, CLI, 1234, SRV, 53);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "cmd", 3);
	detect_packet(t, &f, &p, NULL, 0);
	assert_false(th_alerted(2));
	assert_true(th_alerted(5));
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "login", 5);
	detect_packet(t, &f, &p, NULL, 0);
	assert_int_equal(th_nalerts, 0);	/* noalert */
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "cmd", 3);
	detect_packet(t, &f, &p, NULL, 0);
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(4));
	assert_false(th_alerted(5));
	/* set and checked in one packet: the setter runs first */
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "logout", 6);
	detect_packet(t, &f, &p, NULL, 0);
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "login cmd", 9);
	detect_packet(t, &f, &p, NULL, 0);
	assert_true(th_alerted(2));
	assert_true(detect_thread_memuse(t) > 0);
	detect_flow_free(&f);
	assert_null(f.detect);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

/* A content split across two stream chunks at every byte is found,
 * exactly once, and not again when later bytes arrive. */
static void
test_stream_every_split(void **state)
{
	static const char msg[] = "GET /x HTTP/1.0\r\nX-Evil: ATTACKPATTERN-42"
	    "\r\n\r\n";
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any 80 (msg:\"split\"; flow:established,"
	    "to_server; content:\"ATTACKPATTERN\"; content:\"-42\"; "
	    "distance:0; within:3; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"start\"; content:\"GET\"; "
	    "depth:3; sid:2;)\n");
	size_t len = sizeof(msg) - 1, cut;

	(void)state;
	assert_non_null(e);
	for (cut = 0; cut <= len; cut++) {
		struct detect_thread *t = detect_thread_new(e, th_alert, NULL);
		struct flow f;

		th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
		th_nalerts = 0;
		detect_stream(t, &f, FLOW_DIR_TOSERVER, (const uint8_t *)msg,
		    cut);
		detect_stream(t, &f, FLOW_DIR_TOSERVER,
		    (const uint8_t *)msg + cut, len - cut);
		detect_stream(t, &f, FLOW_DIR_TOSERVER,
		    (const uint8_t *)"more bytes", 10);
		assert_int_equal(th_count(1), 1);
		assert_int_equal(th_count(2), 1);
		/* the other direction has none of it */
		th_nalerts = 0;
		detect_stream(t, &f, FLOW_DIR_TOCLIENT, (const uint8_t *)msg,
		    len);
		assert_int_equal(th_count(1), 0);
		detect_flow_free(&f);
		detect_thread_free(t);
	}
	/* every split of three pieces too */
	for (cut = 1; cut < len; cut++) {
		size_t cut2;

		for (cut2 = cut; cut2 < len; cut2 += 7) {
			struct detect_thread *t = detect_thread_new(e, th_alert,
			    NULL);
			struct flow f;

			th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
			th_nalerts = 0;
			detect_stream(t, &f, 0, (const uint8_t *)msg, cut);
			detect_stream(t, &f, 0, (const uint8_t *)msg + cut,
			    cut2 - cut);
			detect_stream(t, &f, 0, (const uint8_t *)msg + cut2,
			    len - cut2);
			assert_int_equal(th_count(1), 1);
			detect_flow_free(&f);
			detect_thread_free(t);
		}
	}
	detect_free(e);
}

/*
 * A stream is scanned once: a rule whose fast pattern came in an
 * earlier delivery is carried until the rest arrives, also when more
 * rules than a flow carries wait at once (the next delivery scans
 * everything again).  Delivered byte by byte, in 7-byte pieces or
 * whole, the same alerts.
 */
static void
test_stream_carry(void **state)
{
	char rules[8192], msg[2048];
	size_t rl = 0, ml = 0, len, step, i;
	static const size_t steps[] = { 0, 1, 7, 64 };
	unsigned want[32];
	struct detect_engine *e;

	(void)state;
	/* 24 rules: a fast pattern early, the rest 200 bytes later or
	 * more */
	for (i = 0; i < 24; i++)
		rl += (size_t)snprintf(rules + rl, sizeof(rules) - rl,
		    "alert tcp any any -> any 80 (msg:\"c%zu\"; "
		    "content:\"FASTPATTERN-%02zu\"; content:\"END%02zu\"; "
		    "distance:200; sid:%zu;)\n", i, i, i, i + 1);
	rl += (size_t)snprintf(rules + rl, sizeof(rules) - rl,
	    "alert tcp any any -> any 80 (msg:\"far\"; content:\"HEAD\"; "
	    "content:\"TAIL\"; distance:900; within:20; sid:100;)\n");
	assert_non_null(e = th_load(rules));
	for (i = 0; i < 24; i++)
		ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml,
		    "FASTPATTERN-%02zu", i);
	ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "HEAD");
	assert_int_equal(ml, 340);
	memset(msg + ml, '.', 600 - ml);
	ml = 600;
	for (i = 0; i < 24; i += 2)	/* only the even ones complete */
		ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "END%02zu",
		    i);
	memset(msg + ml, '.', 1240 - ml);
	ml = 1240;			/* TAIL 900 to 920 after HEAD */
	ml += (size_t)snprintf(msg + ml, sizeof(msg) - ml, "xxTAIL..");
	len = ml;
	for (step = 0; step < sizeof(steps) / sizeof(steps[0]); step++) {
		struct detect_thread *t = detect_thread_new(e, th_alert, NULL);
		struct flow f;
		size_t off, n = steps[step] == 0 ? len : steps[step];

		th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
		th_nalerts = 0;
		for (off = 0; off < len; off += n)
			detect_stream(t, &f, FLOW_DIR_TOSERVER,
			    (const uint8_t *)msg + off,
			    len - off < n ? len - off : n);
		for (i = 0; i < 24; i++) {
			if (step == 0)
				want[i] = th_count((uint32_t)i + 1);
			assert_int_equal(want[i], i % 2 == 0 ? 1 : 0);
			assert_int_equal(th_count((uint32_t)i + 1), want[i]);
		}
		assert_int_equal(th_count(100), 1);
		detect_flow_free(&f);
		detect_thread_free(t);
	}
	detect_free(e);
}

/*
 * A direction keeps as much of its stream as its port's rules need,
 * not what the longest rule of all needs: an HL7 session under a set
 * with a 2 KiB rule elsewhere holds a few bytes, and a flow that meets
 * the long rule grows its tail to it (and still matches across
 * deliveries).  Memory use counts what is allocated, and none after.
 */
static void
test_stream_tail_size(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any 9999 (msg:\"long\"; content:\"BEGIN\"; "
	    "content:\"END\"; distance:0; within:2000; sid:1;)\n"
	    "alert tcp any any -> any 2575 (msg:\"short\"; "
	    "content:\"EVILHL7\"; sid:2;)\n");
	struct detect_thread *t;
	struct flow f, g;
	char msg[1600];
	size_t off;
	uint64_t small;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	memset(msg, 'x', sizeof(msg));
	memcpy(msg + 1000, "EVILHL7", 7);
	for (off = 0; off < sizeof(msg); off += 100)
		detect_stream(t, &f, FLOW_DIR_TOSERVER, (const uint8_t *)msg +
		    off, 100);
	assert_int_equal(th_count(2), 1);
	small = detect_thread_memuse(t);
	/* The flow's block, with its 64-byte first tails, as allocated:
	 * far from the long rule's 2 KiB. */
	assert_true(small > 0);
	assert_true(small < 1024);
	th_flow(&g, IPPROTO_TCP, CLI, 40001, SRV, 9999);
	memset(msg, '.', sizeof(msg));
	memcpy(msg, "BEGIN", 5);
	memcpy(msg + 1500, "END", 3);
	for (off = 0; off < sizeof(msg); off += 50)
		detect_stream(t, &g, FLOW_DIR_TOSERVER, (const uint8_t *)msg +
		    off, 50);
	assert_int_equal(th_count(1), 1);
	assert_true(detect_thread_memuse(t) > small + 1500);
	detect_flow_free(&f);
	detect_flow_free(&g);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

/*
 * A packet its flow's header results say nothing about is an empty
 * round: with only a plain rule that fails the header (another server)
 * and a payload rule, an empty ACK makes nothing and a payload packet
 * on the same flow still alerts; a plain rule that passes the header
 * (dsize:0) keeps empty packets looked at; with no payload rule at
 * all, payload packets are skipped too, and still alert nothing.
 */
static void
test_header_quiet(void **state)
{
	static const char *const sets[] = {
	    "alert tcp any any -> 10.9.9.9 any (msg:\"other\"; flags:A; "
	    "sid:1;)\n"
	    "alert tcp any any -> any 80 (msg:\"pay\"; content:\"EVILPAY\"; "
	    "flow:no_stream; sid:2;)\n",
	    "alert tcp any any -> 10.9.9.9 any (msg:\"other\"; flags:A; "
	    "sid:1;)\n"
	    "alert tcp any any -> any 80 (msg:\"pay\"; content:\"EVILPAY\"; "
	    "flow:no_stream; sid:2;)\n"
	    "alert tcp any any -> any 80 (msg:\"empty\"; dsize:0; sid:3;)\n",
	    "alert tcp any any -> 10.9.9.9 any (msg:\"other\"; flags:A; "
	    "sid:1;)\n",
	};
	struct detect_engine *e;
	struct detect_thread *t;
	struct packet p;
	struct flow f;
	size_t k;
	int i;

	(void)state;
	for (k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		assert_non_null(e = th_load(sets[k]));
		t = detect_thread_new(e, th_alert, NULL);
		th_nalerts = 0;
		th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
		for (i = 0; i < 3; i++) {
			th_packet(&p, IPPROTO_TCP, CLI, 40000, SRV, 80, "", 0);
			p.tcp_flags = TH_ACK;
			detect_packet(t, &f, &p, NULL, 0);
		}
		assert_int_equal(th_count(1), 0);
		assert_int_equal(th_count(3), k == 1 ? 3 : 0);
		th_packet(&p, IPPROTO_TCP, CLI, 40000, SRV, 80, "xEVILPAYx",
		    9);
		p.tcp_flags = TH_ACK | TH_PSH;
		detect_packet(t, &f, &p, NULL, 0);
		assert_int_equal(th_count(2), k < 2 ? 1 : 0);
		assert_int_equal(th_count(1), 0);
		detect_flow_free(&f);
		assert_int_equal(detect_thread_memuse(t), 0);
		detect_thread_free(t);
		detect_free(e);
	}
}

/* A second occurrence later in the stream alerts again; depth counts
 * from the stream's start, and, as Suricata looks at each packet's
 * payload when the stream does not match, from the start of each
 * delivery too, unless the rule is for the stream only. */
static void
test_stream_realert(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (msg:\"x\"; content:\"EVIL\"; "
	    "sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"d\"; content:\"HEAD\"; "
	    "depth:4; sid:2;)\n"
	    "alert tcp any any -> any any (msg:\"s\"; flow:only_stream; "
	    "content:\"HEAD\"; depth:4; sid:3;)\n"
	    "alert tcp any any -> any any (msg:\"o\"; content:\"EVIL\"; "
	    "offset:5; depth:4; sid:4;)\n");
	struct detect_thread *t;
	struct flow f;
	char junk[5000];

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_nalerts = 0;
	detect_stream(t, &f, 0, (const uint8_t *)"HEAD EVIL", 9);
	memset(junk, '.', sizeof(junk));
	detect_stream(t, &f, 0, (const uint8_t *)junk, sizeof(junk));
	detect_stream(t, &f, 0, (const uint8_t *)"HEAD EVIL", 9);
	assert_int_equal(th_count(1), 2);
	assert_int_equal(th_count(2), 2);
	assert_int_equal(th_count(3), 1);
	assert_int_equal(th_count(4), 2);
	/* Not where the delivery does not put it. */
	th_nalerts = 0;
	detect_stream(t, &f, 0, (const uint8_t *)"xHEAD EVIL", 10);
	assert_int_equal(th_count(2), 0);
	assert_int_equal(th_count(4), 0);
	assert_int_equal(th_count(1), 1);
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* The sids alerted, sorted, into out (at most max); how many alerted. */
static size_t
bound_sids(uint32_t *out, size_t max)
{
	size_t i, j;
	uint32_t x;

	for (i = 0; i < th_nalerts && i < max; i++)
		out[i] = th_sids[i];
	for (i = 1; i < th_nalerts && i < max; i++)
		for (j = i; j > 0 && out[j - 1] > out[j]; j--) {
			x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return th_nalerts;
}

/* The alerts of one stream cut into deliveries at a and b (sorted sids). */
static size_t
bound_run(struct detect_thread *t, const char *s, size_t a, size_t b,
    uint32_t *out, size_t max)
{
	struct flow f;
	size_t n = strlen(s);

	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_nalerts = 0;
	detect_stream(t, &f, 0, (const uint8_t *)s, a);
	detect_stream(t, &f, 0, (const uint8_t *)s + a, b - a);
	detect_stream(t, &f, 0, (const uint8_t *)s + b, n - b);
	detect_flow_free(&f);
	return bound_sids(out, max);
}

/* The same, the stream delivered k bytes at a time. */
static size_t
bound_run_k(struct detect_thread *t, const char *s, size_t k, uint32_t *out,
    size_t max)
{
	struct flow f;
	size_t n = strlen(s), off;

	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_nalerts = 0;
	for (off = 0; off < n; off += k)
		detect_stream(t, &f, 0, (const uint8_t *)s + off,
		    n - off < k ? n - off : k);
	detect_flow_free(&f);
	return bound_sids(out, max);
}

/*
 * A stream database whose fast patterns have an offset and depth is
 * scanned only where they can be (the stream's first bytes, each
 * delivery's first bytes): the same alerts as scanning the whole
 * window, for every cut of streams holding the patterns at, before
 * and past their bounds, and with rules of another kind in the group.
 */
static void
test_stream_bounds(void **state)
{
	static const char *const rules[] = {
	    "alert tcp any any -> any any (msg:\"a\"; content:\"ABCD\"; "
	    "offset:2; depth:6; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"b\"; content:\"RFB 0\"; "
	    "depth:5; sid:2;)\n"
	    "alert tcp any any -> any any (msg:\"c\"; content:\"QQAB\"; "
	    "startswith; content:\"D\"; distance:0; sid:3;)\n"
	    "alert tcp any any -> any any (msg:\"d\"; flow:only_stream; "
	    "content:\"WXYZ\"; offset:1; depth:12; sid:4;)\n"
	    "alert tcp any any -> any any (msg:\"e\"; content:\"abcd\"; "
	    "nocase; depth:7; content:\"Z\"; distance:1; within:3; sid:5;)\n"
	    "alert tcp any any -> any 81 (msg:\"f\"; content:\"WXYZ\"; "
	    "sid:6;)\n",
	    /* one rule without a bound: the database has none */
	    "alert tcp any any -> any any (msg:\"a\"; content:\"ABCD\"; "
	    "offset:2; depth:6; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"c\"; content:\"QQ\"; "
	    "startswith; content:\"ABCD\"; distance:0; sid:3;)\n",
	};
	static const char *const streams[] = {
		"..ABCD......RFB 0...ABCD..QQABCD",
		"RFB 0WXYZ..ABCD.ABCD.abCDxZ.....",
		"QQABCD.xWXYZ.......RFB 0ABCDaB",
		"....ABCD.....ABCDx..WXYZ...abcd.Z",
		"...ABCD....ABCD.....ABCD....ABCD",
		"WXYZWXYZWXYZWXYZRFB 0RFB 0..abcdxZ",
		".QQABxD..QQABCD....QQABD.RFB 0",
		/* the database's bound is WXYZ's 13: at it and past it */
		"123456789WXYZ.123456789WXYZ",
		"1234567890WXYZ..WXYZ.1234567890WXYZ",
	};
	struct detect_engine *e;
	struct detect_thread *t, *w;
	uint32_t x[64], y[64];
	size_t r, s, a, b, n, m, total;

	(void)state;
	for (r = 0; r < 2; r++) {
		assert_non_null(e = th_load(rules[r]));
		t = detect_thread_new(e, th_alert, NULL);
		w = detect_thread_new(e, th_alert, NULL);
		detect_thread_stream_bounds(w, false);
		total = 0;
		for (s = 0; s < sizeof(streams) / sizeof(streams[0]); s++) {
			size_t len = strlen(streams[s]);

			for (a = 0; a <= len; a++)
				for (b = a; b <= len; b++) {
					n = bound_run(t, streams[s], a, b, x,
					    64);
					m = bound_run(w, streams[s], a, b, y,
					    64);
					assert_int_equal(n, m);
					assert_memory_equal(x, y, (n < 64 ? n :
					    64) * sizeof(x[0]));
					total += n;
				}
		}
		assert_true(total > 0);
		/* long streams, past the bound: deliveries of k bytes, some
		 * starting with a pattern (the payload look) */
		for (s = 0; s < sizeof(streams) / sizeof(streams[0]); s++) {
			char big[400];
			size_t len = strlen(streams[s]), o;

			for (o = 0; o + len < sizeof(big); o += len)
				memcpy(big + o, streams[s], len);
			big[o] = '\0';
			for (a = 1; a <= 40; a++) {
				n = bound_run_k(t, big, a, x, 64);
				m = bound_run_k(w, big, a, y, 64);
				assert_int_equal(n, m);
				assert_memory_equal(x, y, (n < 64 ? n : 64) *
				    sizeof(x[0]));
			}
		}
		detect_thread_free(t);
		detect_thread_free(w);
		detect_free(e);
	}
}

/*
 * A gap: what was kept before it does not join what follows (a
 * content split by the hole is not found), and stream positions count
 * the lost bytes.
 */
static void
test_stream_gap(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (msg:\"x\"; flow:only_stream; "
	    "content:\"EVIL\"; sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"o\"; flow:only_stream; "
	    "content:\"MARK\"; offset:20; depth:4; sid:2;)\n");
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_nalerts = 0;
	detect_stream(t, &f, 0, (const uint8_t *)"0123456EV", 9);
	detect_stream_gap(t, &f, 0, 11);
	detect_stream(t, &f, 0, (const uint8_t *)"MARKIL", 6);
	assert_int_equal(th_count(1), 0);	/* "EV" + hole + "IL" */
	assert_int_equal(th_count(2), 1);	/* at 9 + 11 = 20 */
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

static void
test_tx_buffers(void **state)
{
	struct detect_engine *e = th_load(
	    "alert http any any -> any any (msg:\"uri\"; flow:to_server; "
	    "http.method; content:\"POST\"; http.uri; content:\"/login\"; "
	    "startswith; bsize:<20; sid:1;)\n"
	    "alert http any any -> any any (msg:\"legacy\"; content:\"POST\"; "
	    "http_method; content:\"admin\"; http_uri; nocase; sid:2;)\n"
	    "alert tcp any any -> any any (msg:\"pcreU\"; content:\"/login\"; "
	    "http_uri; pcre:\"/user=\\w+$/U\"; sid:3;)\n"
	    "alert dns any any -> any any (msg:\"dns\"; dns.query; dotprefix; "
	    "content:\".evil.com\"; endswith; sid:4;)\n"
	    "alert http any any -> any any (msg:\"code\"; http.stat_code; "
	    "content:\"200\"; sid:5;)\n"
	    "alert http any any -> any any (msg:\"urilen\"; urilen:>10; "
	    "sid:6;)\n"
	    "alert http any any -> any any (msg:\"lower\"; http.user_agent; "
	    "to_lowercase; content:\"curl\"; sid:7;)\n");
	struct detect_thread *t;
	struct flow f;
	struct app_buf req[3] = {
		{ APP_BUF_HTTP_METHOD, (const uint8_t *)"POST", 4 },
		{ APP_BUF_HTTP_URI, (const uint8_t *)"/login?user=ADMIN", 17 },
		{ APP_BUF_HTTP_USER_AGENT, (const uint8_t *)"CURL/8", 6 },
	};
	struct app_buf resp = { APP_BUF_HTTP_STAT_CODE,
	    (const uint8_t *)"200", 3 };
	struct app_buf dq[2] = {
		{ APP_BUF_DNS_QUERY, (const uint8_t *)"notevil.com", 11 },
		{ APP_BUF_DNS_QUERY, (const uint8_t *)"www.evil.com", 12 },
	};
	int fact = 7;

	(void)state;
	assert_non_null(e);
	assert_true(detect_wants_proto(e, APP_HTTP));
	assert_true(detect_wants_proto(e, APP_DNS));
	assert_false(detect_wants_proto(e, APP_HL7));
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	f.app_proto = APP_HTTP;
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_HTTP, FLOW_DIR_TOSERVER, req, 3, &fact,
	    NULL, 0);
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(5));
	assert_true(th_alerted(6));
	assert_true(th_alerted(7));
	assert_int_equal(th_count(1), 1);
	assert_ptr_equal(th_matches[0].fact, &fact);
	assert_int_equal(th_matches[0].tx_id, 0);
	assert_int_equal(th_matches[0].proto, APP_HTTP);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_HTTP, FLOW_DIR_TOCLIENT, &resp, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(5));
	assert_int_equal(th_nalerts, 1);
	/* the same buffers as DNS: nothing of HTTP's */
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_DNS, FLOW_DIR_TOSERVER, req, 3, NULL,
	    NULL, 0);
	assert_int_equal(th_nalerts, 0);
	/* any instance of a buffer may match */
	detect_flow_free(&f);
	th_flow(&f, IPPROTO_UDP, CLI, 1234, SRV, 53);
	detect_tx(t, &f, NULL, APP_DNS, FLOW_DIR_TOSERVER, dq, 2, NULL, NULL,
	    0);
	assert_int_equal(th_count(4), 1);
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/*
 * A buffer as large as a transform holds, with every transform adding
 * its byte (four dotprefix): the result still fits (ASan watches).
 */
static void
test_transform_full(void **state)
{
	struct detect_engine *e = th_load(
	    "alert http any any -> any any (msg:\"dots\"; "
	    "http.request_body; dotprefix; dotprefix; dotprefix; dotprefix; "
	    "content:\"....AAAA\"; startswith; sid:1;)\n");
	struct detect_thread *t;
	struct app_buf body;
	uint8_t *big;
	struct flow f;

	(void)state;
	assert_non_null(e);
	assert_non_null(big = malloc(100 << 10));
	memset(big, 'A', 100 << 10);
	body = (struct app_buf){ APP_BUF_HTTP_REQUEST_BODY, big, 100 << 10 };
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	f.app_proto = APP_HTTP;
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_HTTP, FLOW_DIR_TOSERVER, &body, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(1));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
	free(big);
}

/*
 * A pattern that backtracks exponentially on a hostile payload gives
 * up at Suricata's match limit (no match, counted) instead of running
 * to PCRE2's own ten million steps on every packet; a plain one still
 * matches.
 */
static void
test_pcre_limits(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"bomb\"; content:\"aaaa\"; "
	    "pcre:\"/^(a+)+$/\"; sid:1;)\n"
	    "alert udp any any -> any any (msg:\"ok\"; content:\"aaaa\"; "
	    "pcre:\"/a{8}!/\"; sid:2;)\n");
	struct detect_thread *t;
	struct packet p;
	char buf[] = "aaaaaaaaaaaaaaaaaaaa!";	/* 20 a's: 2^20 ways */

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, buf, sizeof(buf) - 1);
	detect_packet(t, NULL, &p, NULL, 0);
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	assert_int_equal(detect_thread_pcre_limits(t), 1);
	detect_thread_free(t);
	detect_free(e);
}

static void
test_base64(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"b64\"; content:\"auth \"; "
	    "base64_decode:relative; base64_data; content:\"admin:\"; "
	    "startswith; sid:1;)\n");

	(void)state;
	assert_non_null(e);
	UDP(e, "auth YWRtaW46c2VjcmV0");	/* admin:secret */
	assert_true(th_alerted(1));
	UDP(e, "auth dXNlcjpzZWNyZXQ=");	/* user:secret */
	assert_false(th_alerted(1));
	detect_free(e);
}

static void
test_pass_and_events(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n"
	    "pass udp 192.168.1.10 any -> any any (msg:\"p\"; content:\"x\"; "
	    "sid:2;)\n"
	    "alert udp any any -> any any (msg:\"ev\"; decode-event:"
	    "udp.hlen_invalid; sid:3;)\n");
	struct detect_thread *t;
	struct packet p;
	enum ww_counter ev = EV_UDP_HLEN_INVALID;

	(void)state;
	assert_non_null(e);
	UDP(e, "x");
	assert_int_equal(th_nalerts, 0);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, SRV, 53, CLI, 1234, "y", 1);
	detect_packet(t, NULL, &p, &ev, 1);
	assert_true(th_alerted(3));
	th_nalerts = 0;
	detect_packet(t, NULL, &p, NULL, 0);
	assert_false(th_alerted(3));
	detect_thread_free(t);
	detect_free(e);
}

static void
test_header_buffers(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any any (msg:\"tcphdr\"; tcp.hdr; "
	    "content:\"|9c 40 00 50|\"; depth:4; sid:1;)\n"
	    "alert ip any any -> any any (msg:\"iphdr\"; ipv4.hdr; "
	    "content:\"|45|\"; depth:1; sid:2;)\n");
	struct detect_thread *t;
	struct packet p;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_TCP, CLI, 40000, SRV, 80, "", 0);
	detect_packet(t, NULL, &p, NULL, 0);
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	detect_thread_free(t);
	detect_free(e);
}

static void
test_alert_filter(void **state)
{
	static const char text[] =
	    "alert udp any any -> any any (msg:\"limit\"; content:\"x\"; "
	    "threshold:type limit, track by_src, count 2, seconds 60; "
	    "sid:1;)\n"
	    "alert udp any any -> any any (msg:\"thr\"; content:\"x\"; "
	    "threshold:type threshold, track by_dst, count 3, seconds 60; "
	    "sid:2;)\n"
	    "alert udp any any -> any any (msg:\"both\"; content:\"x\"; "
	    "threshold:type both, track by_src, count 2, seconds 60; "
	    "sid:3;)\n"
	    "alert udp any any -> any any (msg:\"df\"; content:\"x\"; "
	    "detection_filter:track by_src, count 2, seconds 60; sid:4;)\n"
	    "alert udp any any -> any any (msg:\"supp\"; content:\"x\"; "
	    "sid:5;)\n"
	    "alert udp any any -> any any (msg:\"class\"; content:\"x\"; "
	    "device.dest_class:infusion-pump,patient-monitor; sid:6;)\n"
	    "alert udp any any -> any any (msg:\"supp-all\"; content:\"x\"; "
	    "sid:7;)\n";
	char path[] = "/tmp/test-detect-thXXXXXX";
	struct detect_config c;
	struct detect_engine *e;
	struct detect_filter *f;
	uint8_t a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 0, 2 };
	uint8_t other[16] = { 10, 0, 0, 3 };
	int fd, i, n[8];
	uint32_t r[8];
	FILE *fp;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	(void)fprintf(fp, "# test\nsuppress gen_id 1, sig_id 5, track by_src, "
	    "ip 10.0.0.1\nsuppress gen_id 1, sig_id 7\n"
	    "rate_filter gen_id 1, sig_id 1, track by_rule, count 1, "
	    "seconds 1, new_action drop, timeout 10\n");
	(void)fclose(fp);
	detect_config_defaults(&c);
	c.threshold_file = path;
	e = th_load_cfg(&c, text);
	(void)unlink(path);
	assert_non_null(e);
	assert_non_null(strstr(th_msgs, "rate_filter"));
	for (i = 1; i <= 7; i++) {
		uint32_t k;

		for (k = 0; k < detect_rules_loaded(e); k++)
			if (detect_rule(e, k)->sid == (uint32_t)i)
				r[i] = k;
	}
	f = detect_filter_new(e);
	memset(n, 0, sizeof(n));
	for (i = 0; i < 7; i++)
		for (int s = 1; s <= 7; s++)
			n[s] += detect_alert_filter(f, r[s], a, b, 4,
			    (uint64_t)i * 1000000, -1,
			    FP_CLASS_INFUSION_PUMP);
	assert_int_equal(n[1], 2);	/* limit 2 */
	assert_int_equal(n[2], 2);	/* every 3rd of 7 */
	assert_int_equal(n[3], 1);	/* once, at the 2nd */
	assert_int_equal(n[4], 5);	/* after the 2nd */
	assert_int_equal(n[5], 0);	/* suppressed for 10.0.0.1 */
	assert_int_equal(n[6], 7);
	assert_int_equal(n[7], 0);
	/* by_src: another source has its own count; after the window,
	 * the limit starts again */
	assert_true(detect_alert_filter(f, r[1], other, b, 4, 0, -1, -1));
	assert_false(detect_alert_filter(f, r[1], a, b, 4, 10000000, -1, -1));
	assert_true(detect_alert_filter(f, r[1], a, b, 4, 70000000, -1, -1));
	assert_true(detect_alert_filter(f, r[5], other, b, 4, 0, -1, -1));
	/* device class: unknown or another class fails the condition */
	assert_false(detect_alert_filter(f, r[6], a, b, 4, 0, -1, -1));
	assert_false(detect_alert_filter(f, r[6], a, b, 4, 0, -1,
	    FP_CLASS_PACS));
	assert_true(detect_alert_filter(f, r[6], a, b, 4, 0, -1,
	    FP_CLASS_PATIENT_MONITOR));
	detect_filter_free(f);
	detect_free(e);
}

/* mqtt.type:CONNECT and the other keywords with a value on a buffer
 * written as text (detect-int.h, DM_VALUE). */
static void
test_value_keywords(void **state)
{
#define B(id, s)	{ APP_BUF_##id, (const uint8_t *)(s), sizeof(s) - 1 }
	struct detect_engine *e = th_load(
	    "alert mqtt any any -> any any (mqtt.type:CONNECT; "
	    "mqtt.connect.flags:!username,!password; sid:1;)\n"
	    "alert mqtt any any -> any any (mqtt.type:1; mqtt.connect.flags:"
	    "username,clean_session; sid:2;)\n"
	    "alert mqtt any any -> any any (mqtt.type:SUBSCRIBE; mqtt.topic; "
	    "content:\"#\"; endswith; sid:3;)\n"
	    "alert mqtt any any -> any any (mqtt.type:!CONNECT; sid:4;)\n"
	    "alert mqtt any any -> any any (mqtt.type:>7; mqtt.qos:1; sid:5;)\n"
	    "alert mqtt any any -> any any (mqtt.flags:retain,!dup; sid:6;)\n"
	    "alert mqtt any any -> any any (mqtt.protocol_version:<5; sid:7;)\n"
	    "alert smb any any -> any any (smb.version:1; sid:8;)\n"
	    "alert smb any any -> any any (smb.version:2; sid:9;)\n");
	const struct app_buf anon[] = { B(MQTT_TYPE, "CONNECT"),
	    B(MQTT_FLAGS, ""), B(MQTT_QOS, "0"),
	    B(MQTT_PROTOCOL_VERSION, "4"),
	    B(MQTT_CONNECT_FLAGS, "clean_session") };
	const struct app_buf user[] = { B(MQTT_TYPE, "CONNECT"),
	    B(MQTT_FLAGS, ""), B(MQTT_QOS, "0"),
	    B(MQTT_PROTOCOL_VERSION, "5"),
	    B(MQTT_CONNECT_FLAGS, "username,password,clean_session") };
	const struct app_buf sub[] = { B(MQTT_TYPE, "SUBSCRIBE"),
	    B(MQTT_FLAGS, ""), B(MQTT_QOS, "1"), B(MQTT_TOPIC, "a/b"),
	    B(MQTT_TOPIC, "ward/#") };
	const struct app_buf pub[] = { B(MQTT_TYPE, "PUBLISH"),
	    B(MQTT_FLAGS, "retain"), B(MQTT_QOS, "1"),
	    B(MQTT_TOPIC, "ward/#") };
	const struct app_buf pubdup[] = { B(MQTT_TYPE, "PUBLISH"),
	    B(MQTT_FLAGS, "dup,retain"), B(MQTT_QOS, "0") };
	const struct app_buf smb1[] = { B(SMB_VERSION, "1") };
	const struct app_buf smb2[] = { B(SMB_VERSION, "2") };
	const struct app_buf junk[] = { B(SMB_VERSION, "1x"),
	    B(MQTT_TYPE, "CONNECTX") };
#undef B
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	assert_int_equal(detect_rules_loaded(e), 9);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 1883);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOSERVER, anon, 5, NULL,
	    NULL, 0);
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	assert_false(th_alerted(4));
	assert_true(th_alerted(7));
	assert_int_equal(th_nalerts, 2);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOSERVER, user, 5, NULL,
	    NULL, 0);
	assert_true(th_alerted(2));
	assert_int_equal(th_nalerts, 1);
	/* any instance of mqtt.topic; SUBSCRIBE is 8 */
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOSERVER, sub, 5, NULL,
	    NULL, 0);
	assert_true(th_alerted(3));
	assert_true(th_alerted(4));
	assert_true(th_alerted(5));
	assert_int_equal(th_nalerts, 3);
	/* the topic alone is not enough: the type is PUBLISH (3) */
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOCLIENT, pub, 4, NULL,
	    NULL, 0);
	assert_true(th_alerted(4));
	assert_true(th_alerted(6));
	assert_int_equal(th_nalerts, 2);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOCLIENT, pubdup, 3, NULL,
	    NULL, 0);
	assert_true(th_alerted(4));
	assert_int_equal(th_nalerts, 1);
	detect_flow_free(&f);

	th_flow(&f, IPPROTO_TCP, CLI, 40001, SRV, 445);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_SMB, FLOW_DIR_TOSERVER, smb1, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(8));
	assert_int_equal(th_nalerts, 1);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_SMB, FLOW_DIR_TOCLIENT, smb2, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(9));
	assert_int_equal(th_nalerts, 1);
	/* text that is not exactly a value matches nothing */
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_SMB, FLOW_DIR_TOSERVER, junk, 1, NULL,
	    NULL, 0);
	detect_tx(t, &f, NULL, APP_MQTT, FLOW_DIR_TOSERVER, junk + 1, 1,
	    NULL, NULL, 0);
	assert_int_equal(th_nalerts, 0);
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* dataset: config sets, dicom-known-ae, load files, set/isset. */
static void
test_datasets(void **state)
{
#define B(id, s)	{ APP_BUF_##id, (const uint8_t *)(s), sizeof(s) - 1 }
	char dir[] = "/tmp/ww-ds-XXXXXX", path[256], rules[2048];
	struct detect_config c;
	struct detect_dataset_config dc[2];
	struct detect_engine *e;
	struct detect_thread *t;
	struct flow f;
	FILE *fp;
	const struct app_buf known[] = { B(DICOM_MOVE_DEST, "PACS_MAIN") };
	const struct app_buf unknown[] = { B(DICOM_MOVE_DEST, "EVIL_AE") };
	const struct app_buf sni_bad[] = { B(TLS_SNI, "evil.example"),
	    B(JA3_HASH, "e7d705a3286e19ea42f587b344ee6865") };
	const struct app_buf sni_new[] = { B(TLS_SNI, "new.example") };
	char *ae[] = { "PACS_MAIN", "WS_READ_01" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/bad.lst", dir);
	assert_non_null(fp = fopen(path, "w"));
	/* "evil.example" in base64, a comment, an empty line */
	(void)fputs("# bad hosts\nZXZpbC5leGFtcGxl\n\n", fp);
	(void)fclose(fp);
	(void)snprintf(path, sizeof(path), "%s/ja3.lst", dir);
	assert_non_null(fp = fopen(path, "w"));
	(void)fputs("E7D705A3286E19EA42F587B344EE6865\n", fp);
	(void)fclose(fp);
	detect_config_defaults(&c);
	c.known_ae = ae;
	c.n_known_ae = 2;
	memset(dc, 0, sizeof(dc));
	dc[0].name = "bad-hosts";
	dc[0].type = "string";
	dc[0].load = "bad.lst";
	c.datasets = dc;
	c.n_datasets = 1;
	c.default_rule_path = dir;
	(void)snprintf(rules, sizeof(rules),
	    "alert dicom any any -> any any (dicom.move_destination; "
	    "dataset:isnotset,dicom-known-ae,type string; sid:1;)\n"
	    "alert dicom any any -> any any (dicom.move_destination; "
	    "dataset:isset,dicom-known-ae; sid:2;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:isset,bad-hosts; "
	    "sid:3;)\n"
	    "alert tls any any -> any any (ja3.hash; dataset:isset,ja3,type "
	    "md5,load ja3.lst,memcap 1mb,hashsize 64; sid:4;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:set,seen,type "
	    "string; sid:5;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:isset,nope; "
	    "sid:6;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:isset,bad-hosts,"
	    "type md5; sid:7;)\n"
	    "alert tls any any -> any any (dataset:isset,bad-hosts; sid:8;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:isset,x,type "
	    "string,save x.lst; sid:9;)\n"
	    "alert tls any any -> any any (tls.sni; dataset:isset,y,type "
	    "string,load missing.lst; sid:10;)\n");
	e = th_load_cfg(&c, rules);
	assert_non_null(e);
	assert_int_equal(detect_rules_loaded(e), 5);
	assert_non_null(strstr(th_msgs, "test.rules:6:40: sid 6: invalid "
	    "dataset: dataset 'nope' needs a type\n"));
	assert_non_null(strstr(th_msgs, "test.rules:7:40: sid 7: invalid "
	    "dataset: dataset 'bad-hosts' is of type string, not md5\n"));
	assert_non_null(strstr(th_msgs, "test.rules:8:31: sid 8: dataset "
	    "needs a sticky buffer\n"));
	assert_non_null(strstr(th_msgs, "test.rules:9: sid 9: unsupported "
	    "dataset option 'save'\n"));
	assert_non_null(strstr(th_msgs, "missing.lst: No such file"));
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 104);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_DICOM, FLOW_DIR_TOSERVER, known, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(2));
	assert_int_equal(th_nalerts, 1);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_DICOM, FLOW_DIR_TOSERVER, unknown, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(1));
	assert_int_equal(th_nalerts, 1);
	detect_flow_free(&f);
	th_flow(&f, IPPROTO_TCP, CLI, 40001, SRV, 443);
	th_nalerts = 0;
	/* the load file's base64 and its upper-case hex both match */
	detect_tx(t, &f, NULL, APP_TLS, FLOW_DIR_TOSERVER, sni_bad, 2, NULL,
	    NULL, 0);
	assert_true(th_alerted(3));
	assert_true(th_alerted(4));
	assert_true(th_alerted(5));
	assert_int_equal(th_nalerts, 3);
	/* set matches only when the value is new */
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_TLS, FLOW_DIR_TOSERVER, sni_bad, 1, NULL,
	    NULL, 0);
	assert_int_equal(th_nalerts, 1);
	assert_true(th_alerted(3));
	th_nalerts = 0;
	detect_tx(t, &f, NULL, APP_TLS, FLOW_DIR_TOSERVER, sni_new, 1, NULL,
	    NULL, 0);
	assert_true(th_alerted(5));
	assert_int_equal(th_nalerts, 1);
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
	(void)snprintf(path, sizeof(path), "%s/bad.lst", dir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/ja3.lst", dir);
	(void)unlink(path);
	(void)rmdir(dir);
#undef B
}

/* A set the configuration names with a bad file fails the load. */
static void
test_dataset_config_errors(void **state)
{
	struct detect_config c;
	struct detect_dataset_config dc;

	(void)state;
	detect_config_defaults(&c);
	memset(&dc, 0, sizeof(dc));
	dc.name = "h";
	dc.type = "md5";
	dc.load = "/nonexistent/h.lst";
	c.datasets = &dc;
	c.n_datasets = 1;
	assert_null(th_load_cfg(&c, ""));
	assert_string_equal(th_msgs, "datasets.h: /nonexistent/h.lst: No such "
	    "file or directory\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_positions),
		cmocka_unit_test(test_backtracking),
		cmocka_unit_test(test_nocase_negation),
		cmocka_unit_test(test_sizes_and_isdataat),
		cmocka_unit_test(test_byte_ops),
		cmocka_unit_test(test_pcre),
		cmocka_unit_test(test_header_addresses_ports),
		cmocka_unit_test(test_tcp_conditions),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_flowbits),
		cmocka_unit_test(test_stream_every_split),
		cmocka_unit_test(test_stream_carry),
		cmocka_unit_test(test_stream_tail_size),
		cmocka_unit_test(test_header_quiet),
		cmocka_unit_test(test_stream_realert),
		cmocka_unit_test(test_stream_bounds),
		cmocka_unit_test(test_stream_gap),
		cmocka_unit_test(test_tx_buffers),
		cmocka_unit_test(test_transform_full),
		cmocka_unit_test(test_pcre_limits),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_pass_and_events),
		cmocka_unit_test(test_header_buffers),
		cmocka_unit_test(test_alert_filter),
		cmocka_unit_test(test_value_keywords),
		cmocka_unit_test(test_datasets),
		cmocka_unit_test(test_dataset_config_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(th_msgs);
	return rc;
}
