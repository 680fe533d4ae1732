/*
 * test-detect-group.c - how the rule engine groups rules (src/detect/
 * detect-load.c): split by server port as Suricata does, with the
 * number of groups bounded, and never a rule missing from the group of
 * a port it can match; stream positions when a flow's first bytes had
 * no rule to look at them.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect-helpers.h"
#include "util/util.h"

#define CLI	IP4(192, 168, 1, 10)
#define SRV	IP4(10, 0, 0, 5)

static bool
group_has(const struct dgroup *g, const struct detect_engine *e,
    uint32_t sid)
{
	size_t i, j;
	uint32_t k;

	if (g == NULL)
		return false;
	for (i = 0; i < g->nplain; i++)
		if (e->rules[g->plain[i]].info.sid == sid)
			return true;
	for (i = 0; i < g->ndbs; i++)
		for (j = 0; j < g->dbs[i].npat; j++)
			for (k = 0; k < g->dbs[i].pat_nrules[j]; k++)
				if (e->rules[g->dbs[i].rule_ix[
				    g->dbs[i].pat_rules[j] + k]].info.sid == sid)
					return true;
	return false;
}

/* A stream of "xATTACKx" to the server's port: the sids that alert. */
static void
stream_to(struct detect_engine *e, uint16_t port)
{
	struct detect_thread *t = detect_thread_new(e, th_alert, NULL);
	struct flow f;

	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, port);
	th_nalerts = 0;
	detect_stream(t, &f, FLOW_DIR_TOSERVER, (const uint8_t *)"xATTACKx", 8);
	detect_flow_free(&f);
	detect_thread_free(t);
}

static void
test_port_groups(void **state)
{
	char *text, *p;
	size_t i, n = 64 << 10;
	struct detect_engine *e;
	const struct dsel *s;

	(void)state;
	text = xcalloc(n, 1);
	p = text;
	p += snprintf(p, n - (size_t)(p - text),
	    "alert tcp any any -> any 445 (msg:\"smb\"; content:\"ATTACK\"; "
	    "sid:1;)\n"
	    "alert tcp any any -> any any (msg:\"any\"; content:\"ATTACK\"; "
	    "sid:2;)\n"
	    "alert tcp any any -> any !445 (msg:\"not\"; content:\"ATTACK\"; "
	    "sid:3;)\n"
	    "alert tcp any 80 <> any any (msg:\"bi\"; content:\"ATTACK\"; "
	    "sid:4;)\n"
	    "alert tcp any any -> any [8000:8100,!8050] (msg:\"rng\"; "
	    "content:\"ATTACK\"; sid:5;)\n");
	/* more distinct ports than groups: some must share */
	for (i = 0; i < 3 * DETECT_MAX_PORT_GROUPS; i++)
		p += snprintf(p, n - (size_t)(p - text),
		    "alert tcp any any -> any %zu (msg:\"p\"; "
		    "content:\"ATTACK\"; sid:%zu;)\n", 1000 + i, 100 + i);
	e = th_load(text);
	free(text);
	assert_non_null(e);
	s = &e->stream[APP_UNKNOWN][FLOW_DIR_TOSERVER];
	assert_true(s->nsg <= DETECT_MAX_PORT_GROUPS);
	assert_true(s->nsg > 1);
	/* a port no rule names gets only the rules for any port */
	assert_true(group_has(detect_sel(s, 2575), e, 2));
	assert_true(group_has(detect_sel(s, 2575), e, 3));
	assert_false(group_has(detect_sel(s, 2575), e, 1));
	assert_false(group_has(detect_sel(s, 2575), e, 100));
	/* (445's group may be a merged one, holding sid 3 as well) */
	assert_true(group_has(detect_sel(s, 445), e, 1));
	assert_true(group_has(detect_sel(s, 80), e, 4));
	assert_false(group_has(detect_sel(s, 8050), e, 5));
	assert_true(group_has(detect_sel(s, 8100), e, 5));
	/* <>: its source ports count for the server port too */
	assert_true(group_has(detect_sel(s, 80), e, 4));

	/* what alerts is what the ports allow, merged groups or not */
	stream_to(e, 445);
	assert_true(th_alerted(1));
	assert_true(th_alerted(2));
	assert_false(th_alerted(3));
	stream_to(e, 2575);
	assert_int_equal(th_nalerts, 2);
	assert_true(th_alerted(2));
	assert_true(th_alerted(3));
	stream_to(e, 8050);
	assert_false(th_alerted(5));
	stream_to(e, 8000);
	assert_true(th_alerted(5));
	for (i = 0; i < 3 * DETECT_MAX_PORT_GROUPS; i++) {
		stream_to(e, (uint16_t)(1000 + i));
		assert_int_equal(th_nalerts, 3);
		assert_true(th_alerted((uint32_t)(100 + i)));
	}
	detect_free(e);
}

/* detect_sel() by its definition: the last segment starting at or
 * below p, NULL for a group without rules. */
static const struct dgroup *
sel_ref(const struct dsel *s, uint16_t p)
{
	uint32_t k = 0;

	if (s->nseg == 0)
		return NULL;
	while (k + 1 < s->nseg && s->seg_lo[k + 1] <= p)
		k++;
	return s->sg[s->seg_ix[k]].nrules > 0 ? &s->sg[s->seg_ix[k]] : NULL;
}

/* Many segments: the lookup by the port's high byte finds what the
 * definition does, for every port, at and across 256-port edges. */
static void
test_sel_by_hi(void **state)
{
	char *text, *p;
	size_t i, n = 64 << 10;
	struct detect_engine *e;
	const struct dsel *s;
	uint32_t port;
	int d;

	(void)state;
	text = xcalloc(n, 1);
	p = text;
	for (i = 0; i < 40; i++)
		p += snprintf(p, n - (size_t)(p - text),
		    "alert tcp any any -> any %zu (msg:\"p\"; "
		    "content:\"A%zu\"; sid:%zu;)\n", (i * 1637) % 65536,
		    i, 100 + i);
	p += snprintf(p, n - (size_t)(p - text),
	    "alert tcp any any -> any [255:257,511,512,65535] (msg:\"e\"; "
	    "content:\"E\"; sid:1;)\n"
	    "alert tcp any [0,1,256] -> any any (msg:\"c\"; "
	    "content:\"C\"; sid:2;)\n");
	e = th_load(text);
	free(text);
	assert_non_null(e);
	for (d = 0; d < 2; d++) {
		s = &e->stream[APP_UNKNOWN][d];
		/* toserver, split by the destination ports: many */
		if (d == FLOW_DIR_TOSERVER) {
			assert_true(s->nseg > DETECT_SEL_DIRECT);
			assert_non_null(s->by_hi);
		}
		for (port = 0; port <= 65535; port++)
			assert_ptr_equal(detect_sel(s, (uint16_t)port),
			    sel_ref(s, (uint16_t)port));
	}
	detect_free(e);
}

/*
 * Every selector of the engine (packet, stream and transaction ones),
 * for every port, against the reference search: rules whose ports cut
 * the range into exactly DETECT_SEL_DIRECT + 1 segments (the fewest
 * that get the index) at the high-byte edges 255/256 and 65535, and a
 * few more.
 */
static void
test_sel_by_hi_few(void **state)
{
	static const char *const sets[] = {
	    "alert udp any any -> any 256 (msg:\"a\"; content:\"A\"; "
	    "sid:1;)\n"
	    "alert tcp any any -> any 256 (msg:\"b\"; content:\"B\"; "
	    "sid:2;)\n",
	    "alert udp any any -> any 255 (msg:\"a\"; content:\"A\"; "
	    "sid:1;)\n"
	    "alert tcp any 255 -> any any (msg:\"b\"; content:\"B\"; "
	    "sid:2;)\n",
	    "alert udp any any -> any [255:256,65535] (msg:\"a\"; "
	    "content:\"A\"; sid:1;)\n"
	    "alert tcp any any -> any [255:256,65535] (msg:\"b\"; "
	    "content:\"B\"; sid:2;)\n"
	    "alert udp any 65535 -> any any (msg:\"c\"; content:\"C\"; "
	    "sid:3;)\n",
	    "alert udp any any -> any 0 (msg:\"a\"; content:\"A\"; "
	    "sid:1;)\n"
	    "alert udp any any -> any 65534 (msg:\"b\"; content:\"B\"; "
	    "sid:2;)\n",
	};
	const struct dsel *sel[(GT_MAX + 2 * APP_MAX) * 2];
	struct detect_engine *e;
	size_t i, k, n;
	uint32_t port;
	bool indexed;

	(void)state;
	indexed = false;
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		e = th_load(sets[i]);
		assert_non_null(e);
		n = 0;
		for (k = 0; k < GT_MAX; k++) {
			sel[n++] = &e->pkt[k][0];
			sel[n++] = &e->pkt[k][1];
		}
		for (k = 0; k < APP_MAX; k++) {
			sel[n++] = &e->stream[k][0];
			sel[n++] = &e->stream[k][1];
			sel[n++] = &e->tx[k][0];
			sel[n++] = &e->tx[k][1];
		}
		for (k = 0; k < n; k++) {
			if (sel[k]->nseg == DETECT_SEL_DIRECT + 1 &&
			    sel[k]->by_hi != NULL)
				indexed = true;
			for (port = 0; port <= 65535; port++)
				assert_ptr_equal(detect_sel(sel[k],
				    (uint16_t)port),
				    sel_ref(sel[k], (uint16_t)port));
		}
		detect_free(e);
	}
	/* The fewest segments that get the index were there. */
	assert_true(indexed);
}

/* Packets: toserver by destination port, toclient by source port. */
static void
test_port_groups_packets(void **state)
{
	struct detect_engine *e = th_load(
	    "alert udp any any -> any 53 (msg:\"q\"; content:\"Q\"; sid:1;)\n"
	    "alert udp any 53 -> any any (msg:\"r\"; content:\"Q\"; sid:2;)\n"
	    "alert udp any any -> any 5353 (msg:\"m\"; content:\"Q\"; "
	    "sid:3;)\n");
	struct detect_thread *t;
	struct packet p;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_UDP, CLI, 1234, SRV, 53);
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 53, "Q", 1);
	detect_packet(t, &f, &p, NULL, 0);
	assert_int_equal(th_nalerts, 1);
	assert_true(th_alerted(1));
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, SRV, 53, CLI, 1234, "Q", 1);
	detect_packet(t, &f, &p, NULL, 0);
	assert_int_equal(th_nalerts, 1);
	assert_true(th_alerted(2));
	/* no flow: the packet's own ports */
	th_nalerts = 0;
	th_packet(&p, IPPROTO_UDP, CLI, 1234, SRV, 5353, "Q", 1);
	detect_packet(t, NULL, &p, NULL, 0);
	assert_int_equal(th_nalerts, 1);
	assert_true(th_alerted(3));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/*
 * Bytes no rule looked at (the protocol was not known yet) still count
 * for positions: depth:4 must not match 10 bytes into the stream.
 */
static void
test_stream_offset_after_skip(void **state)
{
	struct detect_engine *e = th_load(
	    "alert http any any -> any any (msg:\"d\"; content:\"HEAD\"; "
	    "depth:4; sid:1;)\n"
	    "alert http any any -> any any (msg:\"o\"; content:\"HEAD\"; "
	    "offset:10; depth:4; sid:2;)\n");
	struct detect_thread *t;
	struct flow f;

	(void)state;
	assert_non_null(e);
	t = detect_thread_new(e, th_alert, NULL);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 80);
	th_nalerts = 0;
	/* the stream module counts what it delivered */
	detect_stream(t, &f, 0, (const uint8_t *)"0123456789", 10);
	f.tcp.dir[0].delivered += 10;
	f.app_proto = APP_HTTP;
	detect_stream(t, &f, 0, (const uint8_t *)"HEAD / HTTP/1.0\r\n", 17);
	assert_false(th_alerted(1));
	assert_true(th_alerted(2));
	detect_flow_free(&f);
	detect_thread_free(t);
	detect_free(e);
}

/*
 * A database of a few patterns searches a short buffer itself
 * (DETECT_LIT_SCAN) instead of calling Hyperscan: the same candidates
 * as with Hyperscan, and so the same alerts, whatever the case, place
 * and length.
 */
static void
lit_tx(struct detect_thread *t, bool lit, enum app_proto proto,
    const struct app_buf *b, size_t n, uint32_t *sids, size_t *nsids,
    uint32_t *cand, size_t *ncand)
{
	struct flow f;
	const uint32_t *c;

	detect_thread_lit_scan(t, lit);
	th_flow(&f, IPPROTO_TCP, CLI, 40000, SRV, 2575);
	th_nalerts = 0;
	detect_tx(t, &f, NULL, proto, FLOW_DIR_TOSERVER, b, n, NULL, NULL,
	    0);
	*nsids = th_nalerts;
	memcpy(sids, th_sids, th_nalerts * sizeof(*sids));
	c = detect_thread_candidates(t, ncand);
	assert_true(*ncand <= TH_MAX_ALERTS);
	memcpy(cand, c, *ncand * sizeof(*cand));
	detect_flow_free(&f);
}

static void
test_lit_scan(void **state)
{
	struct detect_engine *e = th_load(
	    "alert hl7 any any -> any any (msg:\"a\"; hl7.message_type; "
	    "content:\"ADT\"; sid:1;)\n"
	    "alert hl7 any any -> any any (msg:\"b\"; hl7.message_type; "
	    "content:\"adt\"; nocase; sid:2;)\n"
	    "alert hl7 any any -> any any (msg:\"c\"; hl7.message_type; "
	    "content:\"^\"; sid:3;)\n"
	    "alert hl7 any any -> any any (msg:\"d\"; hl7.message_type; "
	    "content:\"ORU^R01\"; sid:4;)\n"
	    "alert hl7 any any -> any any (msg:\"e\"; hl7.processing_id; "
	    "content:\"P\"; sid:5;)\n"
	    "alert hl7 any any -> any any (msg:\"f\"; hl7.sending_application; "
	    "content:\"AB\"; sid:6;)\n"
	    "alert hl7 any any -> any any (msg:\"g\"; hl7.sending_application; "
	    "content:\"CD\"; sid:7;)\n"
	    "alert hl7 any any -> any any (msg:\"h\"; hl7.sending_application; "
	    "content:\"EF\"; nocase; sid:8;)\n"
	    "alert hl7 any any -> any any (msg:\"i\"; hl7.sending_application; "
	    "content:\"GH\"; sid:9;)\n"
	    "alert hl7 any any -> any any (msg:\"j\"; hl7.sending_application; "
	    "content:\"IJ\"; sid:10;)\n");
	static const char *const types[] = {
		"ADT^A01", "adt^a01", "aDt", "xADT", "AD", "DT", "A", "^",
		"ORU^R01", "ORU^R0", "RU^R01", "oru^r01", "xxORU^R01",
		"ADTADT", "AD^T", "[dt", "@DT",
		/* 64 and 65 bytes, the pattern at the end */
		"................................................"
		"...........ADT^R",
		"................................................"
		"............ADT^R",
	};
	static const char *const apps[] = {
		"AB", "xxCD", "ef", "ABCDEFGHIJ", "GHI", "J", "",
	};
	struct detect_thread *t;
	const struct dgroup *g;
	uint32_t a[TH_MAX_ALERTS], b[TH_MAX_ALERTS];
	uint32_t ca[TH_MAX_ALERTS], cb[TH_MAX_ALERTS];
	size_t na, nb, nca, ncb, i, k, lit = 0, hs = 0;

	(void)state;
	assert_non_null(e);
	g = detect_sel(&e->tx[APP_HL7][FLOW_DIR_TOSERVER], 2575);
	assert_non_null(g);
	for (i = 0; i < g->ndbs; i++) {
		if (g->dbs[i].lit)
			lit++;
		else
			hs++;
	}
	assert_int_equal(lit, 2);	/* message type, processing ID */
	assert_int_equal(hs, 1);	/* five patterns */
	assert_int_equal(strlen(types[17]), DETECT_LIT_SCAN);
	t = detect_thread_new(e, th_alert, NULL);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		for (k = 0; k < sizeof(apps) / sizeof(apps[0]); k++) {
			struct app_buf buf[3] = {
				{ APP_BUF_HL7_MESSAGE_TYPE,
				    (const uint8_t *)types[i],
				    strlen(types[i]) },
				{ APP_BUF_HL7_SENDING_APP,
				    (const uint8_t *)apps[k],
				    strlen(apps[k]) },
				{ APP_BUF_HL7_PROCESSING_ID,
				    (const uint8_t *)(k % 2 ? "P" : "T"), 1 },
			};

			lit_tx(t, false, APP_HL7, buf, 3, a, &na, ca,
			    &nca);
			lit_tx(t, true, APP_HL7, buf, 3, b, &nb, cb, &ncb);
			assert_int_equal(nca, ncb);
			assert_memory_equal(ca, cb, nca * sizeof(*ca));
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na * sizeof(*a));
		}
	/* and what they found */
	{
		struct app_buf buf = { APP_BUF_HL7_MESSAGE_TYPE,
		    (const uint8_t *)"aDt^A01", 7 };

		lit_tx(t, true, APP_HL7, &buf, 1, b, &nb, cb, &ncb);
		assert_int_equal(nb, 2);
		assert_int_equal(b[0], 2);
		assert_int_equal(b[1], 3);
	}
	detect_thread_free(t);
	detect_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_groups),
		cmocka_unit_test(test_sel_by_hi),
		cmocka_unit_test(test_sel_by_hi_few),
		cmocka_unit_test(test_lit_scan),
		cmocka_unit_test(test_port_groups_packets),
		cmocka_unit_test(test_stream_offset_after_skip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
