/*
 * test-detect-cache.c - a flow's cached header results (detect-match.c,
 * struct detect_hcache): rules without a fast pattern have their
 * protocol, addresses and ports matched once per flow direction; what
 * changes from packet to packet (flags, dsize, established) is still
 * checked each time; the cache is per direction, per flow, per tuple
 * and per engine, and its memory is counted.  Transaction rules
 * (struct detect_txcache) have theirs remembered per flow direction,
 * protocol, tuple and engine, from the second transaction on.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect-helpers.h"
#include "util/util.h"

#define CLI	IP4(192, 168, 1, 10)
#define CLI2	IP4(192, 168, 1, 11)
#define SRV	IP4(10, 0, 0, 5)

/*
 * A packet of f (or of no flow), twice: the first makes the cache, the
 * second uses it, and both must alert alike.  The sids are in th_sids.
 */
static void
pkt(struct detect_thread *t, struct flow *f, uint32_t src, uint16_t sp,
    uint32_t dst, uint16_t dp, uint8_t flags, const char *payload)
{
	struct packet p;
	uint32_t first[TH_MAX_ALERTS];
	size_t n;

	th_nalerts = 0;
	th_packet(&p, IPPROTO_TCP, src, sp, dst, dp, payload,
	    strlen(payload));
	p.tcp_flags = flags;
	detect_packet(t, f, &p, NULL, 0);
	n = th_nalerts;
	memcpy(first, th_sids, n * sizeof(first[0]));
	th_nalerts = 0;
	detect_packet(t, f, &p, NULL, 0);
	assert_int_equal(th_nalerts, n);
	assert_memory_equal(th_sids, first, n * sizeof(first[0]));
}

/* The header of a rule depends on the packet's direction: each
 * direction of a flow has its own results. */
static void
test_cache_direction(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp 192.168.1.10 any -> 10.0.0.5 80 (msg:\"up\"; sid:1;)\n"
	    "alert tcp 10.0.0.5 80 -> 192.168.1.10 any (msg:\"down\"; "
	    "sid:2;)\n"
	    "alert tcp 10.0.0.5 any <> 192.168.1.10 any (msg:\"both\"; "
	    "sid:3;)\n"
	    "alert tcp any any -> any any (msg:\"toclient\"; "
	    "flow:to_client; sid:4;)\n");
	struct detect_thread *t;
	struct flow f;
	int i;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	for (i = 0; i < 3; i++) {
		pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "");
		assert_true(th_alerted(1));
		assert_false(th_alerted(2));
		assert_true(th_alerted(3));
		assert_false(th_alerted(4));
		pkt(t, &f, SRV, 80, CLI, 40000, TH_ACK, "");
		assert_false(th_alerted(1));
		assert_true(th_alerted(2));
		assert_true(th_alerted(3));
		assert_true(th_alerted(4));
	}
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* Flags, dsize and the flow's state are the packet's: a header that
 * passed does not make them pass. */
static void
test_cache_per_packet_conditions(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp any any -> any 80 (msg:\"syn\"; flags:S; sid:1;)\n"
	    "alert tcp any any -> any 80 (msg:\"big\"; dsize:>3; sid:2;)\n"
	    "alert tcp any any -> any 80 (msg:\"est\"; flow:established; "
	    "sid:3;)\n");
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	f.state = FLOW_STATE_NEW;
	f.tcp_state = TCP_SYN_SENT;
	pkt(t, &f, CLI, 40000, SRV, 80, TH_SYN, "");
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	assert_false(th_alerted(3));
	f.state = FLOW_STATE_ESTABLISHED;
	f.tcp_state = TCP_ESTABLISHED;
	pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "abcd");
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "ab");
	assert_false(th_alerted(2));
	assert_true(th_alerted(3));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* Two flows of one port group with different addresses, on one
 * thread: each has its own results. */
static void
test_cache_two_flows(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp 192.168.1.10 any -> any 80 (msg:\"ten\"; sid:1;)\n"
	    "alert tcp 192.168.1.11 any -> any 80 (msg:\"eleven\"; "
	    "sid:2;)\n");
	struct detect_thread *t;
	struct flow f, g;
	int i;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_flow(&g, IPPROTO_TCP, CLI2, 40000, SRV, 80);
	for (i = 0; i < 2; i++) {
		pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "");
		assert_true(th_alerted(1));
		assert_false(th_alerted(2));
		pkt(t, &g, CLI2, 40000, SRV, 80, TH_ACK, "");
		assert_false(th_alerted(1));
		assert_true(th_alerted(2));
	}
	/* and a packet without a flow matches as it always did */
	pkt(t, NULL, CLI2, 40000, SRV, 80, TH_ACK, "");
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	detect_flow_free(&f);
	detect_flow_free(&g);
	detect_thread_free(t);
	detect_free(e);
}

/* Client and server trade places (flow_swap()): the next packet of the
 * same direction has another tuple, and the results are made again. */
static void
test_cache_swap(void **state)
{
	struct detect_engine *e = th_load(
	    "alert tcp 192.168.1.10 any -> 10.0.0.5 any (msg:\"c2s\"; "
	    "sid:1;)\n"
	    "alert tcp 10.0.0.5 any -> 192.168.1.10 any (msg:\"s2c\"; "
	    "sid:2;)\n");
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	pkt(t, &f, CLI, 40000, SRV, 80, TH_SYN, "");
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	/* now SRV:80 is the client: its packets are to_server */
	memcpy(f.cli_ip, (uint8_t[]){ 10, 0, 0, 5 }, 4);
	memcpy(f.srv_ip, (uint8_t[]){ 192, 168, 1, 10 }, 4);
	f.cli_port = 80;
	f.srv_port = 40000;
	pkt(t, &f, SRV, 80, CLI, 40000, TH_SYN, "");
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/*
 * Rules reloaded: the same layout (one rule, same index, same group)
 * with another address.  A flow's results under the old engine must
 * not be used with the new one.
 */
static void
test_cache_reload(void **state)
{
	struct detect_engine *e1, *e2;
	struct detect_thread *t1, *t2;
	struct flow f;

	(void)state;
	e1 = th_load("alert tcp 192.168.1.10 any -> any 80 (msg:\"old\"; "
	    "sid:1;)\n");
	assert_non_null(e1);
	t1 = detect_thread_new(e1, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	pkt(t1, &f, CLI, 40000, SRV, 80, TH_ACK, "");
	assert_true(th_alerted(1));

	e2 = th_load("alert tcp 192.168.1.99 any -> any 80 (msg:\"new\"; "
	    "sid:1;)\n");
	assert_non_null(e2);
	t2 = detect_thread_new(e2, th_alert, NULL);
	pkt(t2, &f, CLI, 40000, SRV, 80, TH_ACK, "");
	assert_false(th_alerted(1));
	/* and the other way: what failed before passes now */
	th_engine = e1;
	pkt(t1, &f, CLI, 40000, SRV, 80, TH_ACK, "");
	assert_true(th_alerted(1));
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t1) + detect_thread_memuse(t2),
	    0);
	detect_thread_free(t1);
	detect_thread_free(t2);
	detect_free(e1);
	detect_free(e2);
}

/* The results of many rules take memory: counted in the flow's and the
 * thread's memuse (flow.memcap), and given back when the flow ends. */
static void
test_cache_memuse(void **state)
{
	enum { N = 4000 };
	char *text = xcalloc(N, 80), *w = text;
	struct detect_engine *e;
	struct detect_thread *t;
	struct flow f;
	uint64_t one;
	int i;

	(void)state;
	for (i = 0; i < N; i++)
		w += sprintf(w, "alert tcp 192.168.1.%d any <> any any "
		    "(msg:\"r\"; sid:%d;)\n", i % 250, i + 1);
	e = th_load(text);
	free(text);
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "");
	assert_int_equal(th_nalerts, N / 250);	/* 10, 260, 510, ... */
	one = detect_flow_memuse(&f);
	/* a bit per rule of the direction's groups */
	assert_true(one >= N / 8);
	assert_int_equal(detect_thread_memuse(t), one);
	pkt(t, &f, SRV, 80, CLI, 40000, TH_ACK, "");
	assert_int_equal(th_nalerts, N / 250);
	assert_true(detect_flow_memuse(&f) >= one + N / 8);
	assert_int_equal(detect_thread_memuse(t), detect_flow_memuse(&f));
	/* again: nothing more */
	one = detect_flow_memuse(&f);
	pkt(t, &f, CLI, 40000, SRV, 80, TH_ACK, "");
	assert_int_equal(detect_flow_memuse(&f), one);
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

/* ---- transactions ---- */

/*
 * A transaction of f, matched first on a copy of f without detect
 * state (its first transaction: no cache), then twice on f (the first
 * may make the cache, the second uses it): all three must alert alike.
 */
static void
tx(struct detect_thread *t, struct flow *f, enum app_proto proto, int dir,
    const struct app_buf *bufs, size_t n)
{
	struct flow g = *f;
	uint32_t ref[TH_MAX_ALERTS];
	size_t nref;
	int i;

	g.detect = NULL;
	th_nalerts = 0;
	detect_tx(t, &g, NULL, proto, dir, bufs, n, NULL, NULL, 0);
	nref = th_nalerts;
	memcpy(ref, th_sids, nref * sizeof(ref[0]));
	detect_flow_free(&g);
	for (i = 0; i < 2; i++) {
		th_nalerts = 0;
		detect_tx(t, f, NULL, proto, dir, bufs, n, NULL, NULL, 0);
		assert_int_equal(th_nalerts, nref);
		assert_memory_equal(th_sids, ref, nref * sizeof(ref[0]));
	}
}

static const struct app_buf tx_adt[2] = {
	{ APP_BUF_HL7_MESSAGE_TYPE, (const uint8_t *)"ADT^A01", 7 },
	{ APP_BUF_FILE_DATA, (const uint8_t *)"x", 1 },
};

/*
 * Each direction has its own results, and the rules of no protocol
 * (file.data) have slots of their own after the protocol's: rule 4 is
 * slot 0 of them, as rule 1 is of HL7's, and passes the other way.
 */
static void
test_txcache_direction(void **state)
{
	struct detect_engine *e = th_load(
	    "alert hl7 192.168.1.10 any -> 10.0.0.5 any (msg:\"up\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n"
	    "alert hl7 10.0.0.5 any -> 192.168.1.10 any (msg:\"down\"; "
	    "hl7.message_type; content:\"ADT\"; sid:2;)\n"
	    "alert hl7 10.0.0.5 any <> 192.168.1.10 any (msg:\"both\"; "
	    "hl7.message_type; pcre:\"/^ADT/\"; sid:3;)\n"
	    "alert tcp 10.0.0.5 any -> any any (msg:\"file\"; "
	    "file.data; content:\"x\"; sid:4;)\n");
	struct detect_thread *t;
	struct flow f;
	int i;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	f.app_proto = APP_HL7;
	for (i = 0; i < 3; i++) {
		tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
		assert_true(th_alerted(1));
		assert_false(th_alerted(2));
		assert_true(th_alerted(3));
		assert_false(th_alerted(4));
		tx(t, &f, APP_HL7, FLOW_DIR_TOCLIENT, tx_adt, 2);
		assert_false(th_alerted(1));
		assert_true(th_alerted(2));
		assert_true(th_alerted(3));
		assert_true(th_alerted(4));
	}
	assert_non_null(f.detect);
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

/* Slots are per protocol: HL7's rule 1 and DNS's rule 2 are both slot
 * 0, and the protocol-less rule 4 comes after HL7's one rule where
 * DNS's rule 2 would: a flow's results for one protocol are not the
 * other's. */
static void
test_txcache_protocols(void **state)
{
	struct detect_engine *e = th_load(
	    "alert hl7 192.168.1.10 any -> any any (msg:\"hl7\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n"
	    "alert dns 192.168.1.99 any -> any any (msg:\"dns\"; "
	    "dns.query; content:\"evil\"; sid:2;)\n"
	    "alert dns 192.168.1.10 any -> any any (msg:\"dns\"; "
	    "dns.query; content:\"evil\"; sid:3;)\n"
	    "alert tcp 192.168.1.10 any -> any any (msg:\"file\"; "
	    "file.data; content:\"x\"; sid:4;)\n");
	struct app_buf q = { APP_BUF_DNS_QUERY, (const uint8_t *)"evil.com",
	    8 };
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_true(th_alerted(1));
	assert_true(th_alerted(4));
	tx(t, &f, APP_DNS, FLOW_DIR_TOSERVER, &q, 1);
	assert_false(th_alerted(2));
	assert_true(th_alerted(3));
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_true(th_alerted(1));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* Client and server trade places (flow_swap()), or any part of the
 * tuple changes: the results are made again. */
static void
test_txcache_tuple(void **state)
{
	struct detect_engine *e = th_load(
	    "alert hl7 192.168.1.10 any -> 10.0.0.5 any (msg:\"c2s\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n"
	    "alert hl7 10.0.0.5 any -> 192.168.1.10 any (msg:\"s2c\"; "
	    "hl7.message_type; content:\"ADT\"; sid:2;)\n"
	    "alert hl7 any any -> any 2575 (msg:\"dp\"; "
	    "hl7.message_type; content:\"ADT\"; sid:3;)\n"
	    "alert hl7 any 2575 -> any any (msg:\"sp\"; "
	    "hl7.message_type; content:\"ADT\"; sid:4;)\n"
	    "alert tcp any any -> any any (msg:\"tcp\"; "
	    "file.data; content:\"x\"; sid:5;)\n");
	struct detect_thread *t;
	struct flow f;
	struct detect_flow *df;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_true(th_alerted(1));
	assert_false(th_alerted(2));
	assert_true(th_alerted(3));
	assert_false(th_alerted(4));
	/* now SRV:2575 is the client */
	df = f.detect;
	th_flow(&f, IPPROTO_TCP, SRV, 2575, CLI, 40000);
	f.detect = df;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	assert_false(th_alerted(3));
	assert_true(th_alerted(4));
	/* one part at a time, the whole tuple again between */
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	f.detect = df;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_true(th_alerted(1));
	assert_true(th_alerted(5));
	f.srv_ip[3] = 6;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_false(th_alerted(1));
	assert_true(th_alerted(3));
	f.srv_ip[3] = 5;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	f.cli_ip[3] = 11;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_false(th_alerted(1));
	f.cli_ip[3] = 10;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	f.cli_port = 2575;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_true(th_alerted(4));
	f.cli_port = 40000;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_false(th_alerted(4));
	f.srv_port = 2576;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_true(th_alerted(1));
	assert_false(th_alerted(3));
	f.srv_port = 2575;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_true(th_alerted(3));
	f.proto = IPPROTO_UDP;
	tx(t, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 2);
	assert_false(th_alerted(5));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/* Rules reloaded, the same layout with another address: a flow's
 * results under the old engine are not used with the new one. */
static void
test_txcache_reload(void **state)
{
	struct detect_engine *e1, *e2;
	struct detect_thread *t1, *t2;
	struct flow f;

	(void)state;
	e1 = th_load("alert hl7 192.168.1.10 any -> any any (msg:\"old\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n");
	assert_non_null(e1);
	t1 = detect_thread_new(e1, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	tx(t1, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_true(th_alerted(1));
	e2 = th_load("alert hl7 192.168.1.99 any -> any any (msg:\"new\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n");
	assert_non_null(e2);
	t2 = detect_thread_new(e2, th_alert, NULL);
	tx(t2, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_false(th_alerted(1));
	th_engine = e1;
	tx(t1, &f, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1);
	assert_true(th_alerted(1));
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t1) + detect_thread_memuse(t2),
	    0);
	detect_thread_free(t1);
	detect_thread_free(t2);
	detect_free(e1);
	detect_free(e2);
}

/* A flow direction with one transaction keeps no results; the second
 * makes them, counted in the flow's memuse. */
static void
test_txcache_memuse(void **state)
{
	struct detect_engine *e = th_load(
	    "alert hl7 any any -> any any (msg:\"r\"; "
	    "hl7.message_type; content:\"ADT\"; sid:1;)\n");
	struct detect_thread *t;
	struct flow f;
	uint64_t one;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	detect_tx(t, &f, NULL, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1, NULL,
	    NULL, 0);
	one = detect_flow_memuse(&f);
	assert_true(one > 0);
	detect_tx(t, &f, NULL, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1, NULL,
	    NULL, 0);
	assert_true(detect_flow_memuse(&f) > one);
	assert_int_equal(detect_thread_memuse(t), detect_flow_memuse(&f));
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

/* More transaction rules of a protocol than DETECT_TXCACHE_WORDS
 * holds (an ET feed's HTTP rules): nothing is remembered, and a flow
 * costs what it did without the cache. */
static void
test_txcache_many_rules(void **state)
{
	struct detect_engine *e;
	struct detect_thread *t;
	struct flow f;
	uint64_t one;
	char *text, *p;
	size_t i, n = 64 * DETECT_TXCACHE_WORDS + 1, size = n * 128;

	(void)state;
	assert_non_null(text = malloc(size));
	for (i = 0, p = text; i < n; i++)
		p += snprintf(p, size - (size_t)(p - text),
		    "alert hl7 any any -> any any (msg:\"r%zu\"; "
		    "hl7.message_type; content:\"ADT\"; sid:%zu;)\n",
		    i, i + 1);
	assert_true((size_t)(p - text) < size);
	assert_non_null(e = th_load(text));
	free(text);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	detect_tx(t, &f, NULL, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1, NULL,
	    NULL, 0);
	one = detect_flow_memuse(&f);
	detect_tx(t, &f, NULL, APP_HL7, FLOW_DIR_TOSERVER, tx_adt, 1, NULL,
	    NULL, 0);
	assert_int_equal(detect_flow_memuse(&f), one);
	detect_flow_free(&f);
	assert_int_equal(detect_thread_memuse(t), 0);
	detect_thread_free(t);
	detect_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_direction),
		cmocka_unit_test(test_cache_per_packet_conditions),
		cmocka_unit_test(test_cache_two_flows),
		cmocka_unit_test(test_cache_swap),
		cmocka_unit_test(test_cache_reload),
		cmocka_unit_test(test_cache_memuse),
		cmocka_unit_test(test_txcache_direction),
		cmocka_unit_test(test_txcache_protocols),
		cmocka_unit_test(test_txcache_tuple),
		cmocka_unit_test(test_txcache_reload),
		cmocka_unit_test(test_txcache_memuse),
		cmocka_unit_test(test_txcache_many_rules),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(th_msgs);
	return rc;
}
