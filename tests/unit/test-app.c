/*
 * test-app.c - the protocol table (app/protocols.def) and the dispatch
 * built from it: every entry is complete and its names unique, its
 * record counter is generated, parsers probe in the order the table
 * gives (hint ports first, then the probe column), a disabled parser
 * never probes, and the configuration's names map to the table's
 * protocols and back.
 */
#include <config.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/dhcp.h"
#include "app/dicom.h"
#include "app/dns.h"
#include "app/hl7.h"
#include "app/http.h"
#include "app/layer.h"
#include "app/login.h"
#include "app/mqtt.h"
#include "app/ssdp.h"
#include "app/smb.h"
#include "app/ssh.h"
#include "app/tls.h"
#include "decode/packet.h"
#include "engine/config.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/record.h"
#include "util/cfgyaml.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NAME		"t.yaml"

/* The table as the test reads it, straight from the .def. */
static const struct row {
	enum app_proto	 proto;
	const char	*name;
	bool		 on;
	enum ww_counter	 records;
} rows[] = {
#define APP_PROTO(id, name, def, parser, probe)				\
	{ APP_##id, name, TEST_##def, CTR_APP_##id },
#define APP_PARSER(id, parser, probe)
#define TEST_ON		true
#define TEST_OFF	false
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};

/* Every parser and its probe rank, in table order. */
static const struct {
	const struct app_parser	*parser;
	unsigned		 probe;
} parsers[] = {
#define APP_PROTO(id, name, def, parser, probe)	{ &parser, probe },
#define APP_PARSER(id, parser, probe)		{ &parser, probe },
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};

static unsigned
probe_rank(const struct app_parser *ap)
{
	size_t i;

	for (i = 0; i < NELEM(parsers); i++)
		if (parsers[i].parser == ap)
			return parsers[i].probe;
	fail_msg("a parser that is not in the table");
	return 0;
}

/* Records go to a writer with no output: none is wanted. */
static struct record_writer discard;

/* An engine with only the protocols in 'on' (a bit per enum app_proto). */
static struct app_engine *
engine(uint32_t on, struct counters *ctr, struct eve_opts *eve)
{
	struct app_engine_config cfg;
	int i;

	app_engine_config_defaults(&cfg);
	cfg.ndpi = false;
	for (i = 0; i < APP_MAX; i++)
		cfg.enabled[i] = (on & (1u << i)) != 0;
	memset(eve, 0, sizeof(*eve));
	record_writer_init(&discard, NULL);
	return app_engine_new(&cfg, ctr, eve, &discard);
}

#define ALL	0xffffffffu

/*
 * Every protocol has a name, a parser of its own row and the parser's
 * operations; names are unique and fit a configuration list; every
 * parser of every transport belongs to a protocol; counters are named
 * after the protocols; anomaly ranges are application anomalies.
 */
static void
test_app_table_complete(void **state)
{
	const struct app_parser *ap;
	const char *c;
	size_t i, j, n;
	unsigned ev;

	(void)state;
	assert_int_equal(NELEM(rows), APP_MAX - 1);
	assert_null(app_proto_name(APP_UNKNOWN));
	assert_null(app_proto_name(APP_MAX));
	assert_null(app_parser_get(APP_UNKNOWN));
	for (i = 0; i < NELEM(rows); i++) {
		char want[64];

		assert_int_equal(rows[i].proto, i + 1);
		assert_string_equal(app_proto_name(rows[i].proto),
		    rows[i].name);
		assert_true(strlen(rows[i].name) > 0);
		for (c = rows[i].name; *c != '\0'; c++)
			if (!((*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9')))
				fail_msg("%s: not a config name", rows[i].name);
		for (j = 0; j < i; j++)
			if (strcmp(rows[j].name, rows[i].name) == 0)
				fail_msg("%s: listed twice", rows[i].name);
		assert_non_null(ap = app_parser_get(rows[i].proto));
		assert_int_equal(ap->proto, rows[i].proto);
		snprintf(want, sizeof(want), "app.%s.records", rows[i].name);
		assert_string_equal(ev_name(rows[i].records), want);
		assert_int_equal(ev_kind(rows[i].records), EVK_CTR);
	}
	for (n = 0; (ap = app_parser_at(n)) != NULL; n++) {
		assert_ptr_equal(ap, parsers[n].parser);
		assert_true(ap->proto > APP_UNKNOWN && ap->proto < APP_MAX);
		assert_true(ap->ipproto == IPPROTO_TCP ||
		    ap->ipproto == IPPROTO_UDP);
		assert_non_null(ap->probe);
		/* No state at all (each datagram whole), or both ops. */
		if (ap->state_new == NULL) {
			assert_null(ap->state_free);
			assert_int_equal(ap->state_size, 0);
		} else {
			assert_non_null(ap->state_free);
			assert_true(ap->state_size > 0);
		}
		assert_non_null(ap->parse);
		assert_non_null(ap->eve);
		assert_true(ap->anom_first <= ap->anom_last);
		for (ev = ap->anom_first; ev <= ap->anom_last; ev++)
			if (ev_kind((enum ww_counter)ev) != EVK_APP)
				fail_msg("%s: %s is not an application "
				    "anomaly", app_proto_name(ap->proto),
				    ev_name((enum ww_counter)ev));
		/* Two parsers of a protocol serve different transports. */
		for (j = 0; j < n; j++)
			if (parsers[j].parser->proto == ap->proto &&
			    parsers[j].parser->ipproto == ap->ipproto)
				fail_msg("%s: two parsers for one transport",
				    app_proto_name(ap->proto));
	}
	assert_int_equal(n, NELEM(parsers));
	/* Every application anomaly is some parser's, or the framework's
	 * and the layer-2 parsers' (which are no flow parsers). */
	for (ev = 0; ev < EV_MAX; ev++) {
		const char *name = ev_name((enum ww_counter)ev);

		if (ev_kind((enum ww_counter)ev) != EVK_APP ||
		    strncmp(name, "app.", 4) == 0 ||
		    strncmp(name, "lldp.", 5) == 0 ||
		    strncmp(name, "cdp.", 4) == 0)
			continue;
		for (i = 0; (ap = app_parser_at(i)) != NULL; i++)
			if (ev >= (unsigned)ap->anom_first &&
			    ev <= (unsigned)ap->anom_last)
				break;
		if (ap == NULL)
			fail_msg("%s: no parser raises it", name);
	}
}

/* The order probes run in, as parser pointers. */
static void
expect_order(const struct app_engine *e, uint8_t ipproto, uint16_t a,
    uint16_t b, const struct app_parser *const *want, size_t nwant)
{
	const struct app_parser *got[NELEM(parsers)];
	size_t i, n;

	n = app_engine_probe_order(e, ipproto, a, b, got, NELEM(got));
	for (i = 0; i < n && i < nwant; i++)
		if (got[i] != want[i])
			fail_msg("ports %u/%u: probe %zu is %s, not %s",
			    a, b, i, app_proto_name(got[i]->proto),
			    app_proto_name(want[i]->proto));
	assert_int_equal(n, nwant);
}

/*
 * Hint ports first, then the probe column; the orders below are the
 * ones the registry had before the table, which decide the flows two
 * probes both claim.
 */
static void
test_app_probe_order(void **state)
{
	static const struct app_parser *const tcp[] = {
		&hl7_parser, &dicom_parser, &tls_parser, &smb_parser,
		&ssh_parser, &http_parser, &mqtt_parser, &ftp_parser,
		&telnet_parser, &dns_tcp_parser,
	};
	static const struct app_parser *const udp[] = {
		&dns_parser, &mdns_parser, &ssdp_parser, &dhcp_parser,
	};
	static const struct app_parser *const udp_67[] = {
		&dhcp_parser, &dns_parser, &mdns_parser, &ssdp_parser,
	};
	static const struct app_parser *const udp_53_5353[] = {
		&dns_parser, &mdns_parser, &ssdp_parser, &dhcp_parser,
	};
	static const struct app_parser *const udp_1900_53[] = {
		&dns_parser, &ssdp_parser, &mdns_parser, &dhcp_parser,
	};
	static const struct app_parser *const tcp_53[] = {
		&dns_tcp_parser, &hl7_parser, &dicom_parser, &tls_parser,
		&smb_parser, &ssh_parser, &http_parser, &mqtt_parser,
		&ftp_parser, &telnet_parser,
	};
	static const struct app_parser *const tcp_104_443[] = {
		&dicom_parser, &tls_parser, &hl7_parser, &smb_parser,
		&ssh_parser, &http_parser, &mqtt_parser, &ftp_parser,
		&telnet_parser, &dns_tcp_parser,
	};
	const struct app_parser *got[NELEM(parsers)];
	struct counters *ctr;
	struct eve_opts eve;
	struct app_engine *e;
	size_t i, k, n;

	(void)state;
	assert_non_null(ctr = calloc(1, sizeof(*ctr)));
	e = engine(ALL, ctr, &eve);
	expect_order(e, IPPROTO_TCP, 40000, 40001, tcp, NELEM(tcp));
	expect_order(e, IPPROTO_UDP, 40000, 40001, udp, NELEM(udp));
	expect_order(e, IPPROTO_UDP, 40000, 67, udp_67, NELEM(udp_67));
	expect_order(e, IPPROTO_UDP, 53, 5353, udp_53_5353,
	    NELEM(udp_53_5353));
	expect_order(e, IPPROTO_UDP, 1900, 53, udp_1900_53,
	    NELEM(udp_1900_53));
	expect_order(e, IPPROTO_TCP, 53, 40000, tcp_53, NELEM(tcp_53));
	expect_order(e, IPPROTO_TCP, 443, 104, tcp_104_443,
	    NELEM(tcp_104_443));
	/* Without hint ports the order is the probe column's. */
	for (i = 0; i < 2; i++) {
		n = app_engine_probe_order(e, i ? IPPROTO_UDP : IPPROTO_TCP,
		    1, 2, got, NELEM(got));
		for (k = 1; k < n; k++)
			assert_true(probe_rank(got[k - 1]) <=
			    probe_rank(got[k]));
	}
	/* The output is capped. */
	assert_int_equal(app_engine_probe_order(e, IPPROTO_TCP, 1, 2, got,
	    3), 3);
	assert_ptr_equal(got[2], &tls_parser);
	app_engine_free(e);
	free(ctr);
}

/*
 * One TCP segment of a flow from 10.0.0.1:40050 (dir 0) to
 * 10.0.0.2:2121: IPv4 (RFC 791, 20 bytes) and TCP (RFC 9293, 20 bytes)
 * headers, then the payload; as decode would describe it.
 */
static void
tcp_segment(struct packet *p, uint8_t *b, int dir, uint32_t seq,
    uint32_t ack, uint8_t flags, const char *payload)
{
	size_t plen = payload != NULL ? strlen(payload) : 0;
	uint8_t *ip = b, *tcp = b + 20;
	uint16_t port[2] = { 40050, 2121 };

	memset(p, 0, sizeof(*p));
	memset(b, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + plen) >> 8);
	ip[3] = (uint8_t)(40 + plen);
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	ip[12] = ip[16] = 10;
	ip[15] = (uint8_t)(dir == 0 ? 1 : 2);
	ip[19] = (uint8_t)(dir == 0 ? 2 : 1);
	tcp[0] = (uint8_t)(port[dir] >> 8);
	tcp[1] = (uint8_t)port[dir];
	tcp[2] = (uint8_t)(port[!dir] >> 8);
	tcp[3] = (uint8_t)port[!dir];
	tcp[4] = (uint8_t)(seq >> 24);
	tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8);
	tcp[7] = (uint8_t)seq;
	tcp[8] = (uint8_t)(ack >> 24);
	tcp[9] = (uint8_t)(ack >> 16);
	tcp[10] = (uint8_t)(ack >> 8);
	tcp[11] = (uint8_t)ack;
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	tcp[14] = tcp[15] = 0xff;
	memcpy(b + 40, payload != NULL ? payload : "", plen);
	p->ts_us = 1700000000000000ull + seq;
	p->data = b;
	p->caplen = p->wirelen = (uint32_t)(40 + plen);
	p->ipver = 4;
	p->proto = IPPROTO_TCP;
	memcpy(p->src, ip + 12, 4);
	memcpy(p->dst, ip + 16, 4);
	p->l3_len = (uint32_t)(40 + plen);
	p->l4_off = 20;
	p->sport = port[dir];
	p->dport = port[!dir];
	p->tcp_flags = flags;
	p->payload_off = 40;
	p->payload_len = (uint32_t)plen;
}

/*
 * nDPI's FTP dissector is excluded from a flow once ftp_probe has seen
 * the server start with no FTP reply and the client without USER, or
 * the client speak first without USER.  nDPI 4.2 labels FTP_CONTROL on
 * an AUTH and its "234" answer (only nDPI does: no USER, no 220), so:
 * - a server opening with another reply ("120") keeps the label;
 * - a flow opening with the "220" greeting is ours and nDPI's;
 * - a server opening with no reply, or a client speaking first, gets
 *   none: excluded;
 * - the same picked up mid-stream keeps the label (its first bytes
 *   are any of a session's).
 */
static void
test_app_ftp_ruled_out(void **state)
{
	static const char *const other_reply[] = { "120 wait\r\n",
	    "AUTH TLS\r\n", "234 go on\r\n" };
	static const char *const ruled_out[] = { "hello\r\n",
	    "AUTH TLS\r\n", "234 go on\r\n" };
	static const char *const ftp[] = { "220 ready\r\n",
	    "USER u\r\n", "331 pass\r\n", "PASS p\r\n", "230 in\r\n" };
	static const char *const client_first[] = { "AUTH TLS\r\n", "2" };
	const char *const *talk;
	struct app_engine_config cfg;
	struct counters *ctr;
	struct eve_opts eve;
	struct app_engine *e;
	struct packet p;
	struct flow f;
	uint8_t b[128];
	uint32_t seq[2];
	size_t i, n;
	int run, dir;

	(void)state;
	assert_non_null(ctr = calloc(1, sizeof(*ctr)));
	app_engine_config_defaults(&cfg);
	memset(&eve, 0, sizeof(eve));
	record_writer_init(&discard, NULL);
	e = app_engine_new(&cfg, ctr, &eve, &discard);
	for (run = 0; run < 5; run++) {
		talk = run == 0 ? other_reply : run == 1 ? ftp : run == 2 ?
		    client_first : ruled_out;
		n = run == 0 ? NELEM(other_reply) : run == 1 ? NELEM(ftp) :
		    run == 2 ? NELEM(client_first) : NELEM(ruled_out);
		memset(&f, 0, sizeof(f));
		if (run == 4)
			f.flags |= FLOW_F_MIDSTREAM;
		f.ipver = 4;
		f.proto = IPPROTO_TCP;
		f.cli_ip[0] = 10;
		f.cli_ip[3] = 1;
		f.cli_port = 40050;
		f.srv_port = 2121;
		f.state = FLOW_STATE_ESTABLISHED;
		seq[0] = 1000;
		seq[1] = 5000;
		tcp_segment(&p, b, 0, seq[0]++, 0, 0x02, NULL);
		app_packet(e, &f, &p);
		tcp_segment(&p, b, 1, seq[1]++, seq[0], 0x12, NULL);
		app_packet(e, &f, &p);
		tcp_segment(&p, b, 0, seq[0], seq[1], 0x10, NULL);
		app_packet(e, &f, &p);
		for (i = 0; i < n; i++) {
			dir = (int)((run == 2 ? i : ~i) & 1);
			tcp_segment(&p, b, dir, seq[dir], seq[!dir], 0x18,
			    talk[i]);
			seq[dir] += (uint32_t)strlen(talk[i]);
			app_engine_set_packet(e, &p);
			app_stream_data(e, &f, dir, pkt_payload(&p),
			    p.payload_len);
			app_packet(e, &f, &p);
			app_engine_set_packet(e, NULL);
		}
		if (run == 0 || run == 1 || run == 4)
			assert_string_equal(app_flow_proto(&f), "ftp");
		else
			assert_null(app_flow_proto(&f));
		app_flow_end(e, &f);
	}
	app_engine_free(e);
	free(ctr);
}

/* A standard query for pump.example, A (RFC 1035 4.1). */
static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00,		/* id, flags: RD */
	0x00, 0x01, 0x00, 0x00,		/* QDCOUNT 1, ANCOUNT 0 */
	0x00, 0x00, 0x00, 0x00,		/* NSCOUNT 0, ARCOUNT 0 */
	4, 'p', 'u', 'm', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	0x00, 0x01, 0x00, 0x01,		/* QTYPE A, QCLASS IN */
};

/* The protocol the engine finds for a UDP query from 40000 to 53. */
static uint16_t
detect_dns_query(uint32_t on)
{
	struct counters *ctr;
	struct eve_opts eve;
	struct app_engine *e;
	struct packet p;
	struct flow f;
	uint16_t proto;

	assert_non_null(ctr = calloc(1, sizeof(*ctr)));
	e = engine(on, ctr, &eve);
	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f.ipver = p.ipver = 4;
	f.proto = p.proto = IPPROTO_UDP;
	memcpy(f.cli_ip, "\x0a\x00\x00\x01", 4);
	memcpy(f.srv_ip, "\x0a\x00\x00\x02", 4);
	memcpy(p.src, f.cli_ip, 4);
	memcpy(p.dst, f.srv_ip, 4);
	f.cli_port = p.sport = 40000;
	f.srv_port = p.dport = 53;
	p.data = dns_query;
	p.payload_off = 0;
	p.payload_len = sizeof(dns_query);
	app_udp_packet(e, &f, &p);
	proto = f.app_proto;
	app_flow_end(e, &f);
	assert_int_equal(app_engine_memuse(e), 0);
	app_engine_free(e);
	free(ctr);
	return proto;
}

/* A disabled parser is not in the probing order and never probes. */
static void
test_app_parser_switches(void **state)
{
	const struct app_parser *got[NELEM(parsers)];
	struct counters *ctr;
	struct eve_opts eve;
	struct app_engine *e;
	size_t i, n;

	(void)state;
	assert_non_null(ctr = calloc(1, sizeof(*ctr)));
	e = engine(ALL & ~(1u << APP_DNS), ctr, &eve);
	for (i = 0; i < 2; i++) {
		n = app_engine_probe_order(e, i ? IPPROTO_UDP : IPPROTO_TCP,
		    53, 53, got, NELEM(got));
		while (n-- > 0)
			assert_int_not_equal(got[n]->proto, APP_DNS);
	}
	app_engine_free(e);
	e = engine(0, ctr, &eve);
	assert_int_equal(app_engine_probe_order(e, IPPROTO_TCP, 53, 53, got,
	    NELEM(got)), 0);
	assert_int_equal(app_engine_probe_order(e, IPPROTO_UDP, 53, 53, got,
	    NELEM(got)), 0);
	app_engine_free(e);
	free(ctr);

	assert_int_equal(detect_dns_query(ALL), APP_DNS);
	assert_int_equal(detect_dns_query(1u << APP_DNS), APP_DNS);
	assert_int_not_equal(detect_dns_query(ALL & ~(1u << APP_DNS)),
	    APP_DNS);
	assert_int_equal(detect_dns_query(1u << APP_DHCP), APP_UNKNOWN);
	assert_int_equal(detect_dns_query(0), APP_UNKNOWN);
}

static const struct cfgkey *
find_key(const char *path)
{
	const struct cfgkey *keys;
	size_t i, n;

	keys = config_keys(&n);
	for (i = 0; i < n; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	fail_msg("no key %s", path);
	return NULL;
}

static void
load(struct config *cfg, const char *yaml)
{
	char *msgs;
	size_t mlen;
	FILE *f;
	int n;

	config_defaults(cfg);
	assert_non_null(f = open_memstream(&msgs, &mlen));
	n = config_load_buffer(cfg, NAME, yaml, strlen(yaml), f);
	fclose(f);
	if (n != 0)
		fail_msg("%s: %s", yaml, msgs);
	free(msgs);
}

/*
 * Each protocol's name selects its own bit in app-layer.parsers and
 * outputs.eve.types, each application name of those lists is a
 * protocol's, and the defaults are the table's.
 */
static void
test_app_config_names_round_trip(void **state)
{
	const struct cfgkey *kp, *ke;
	struct config cfg;
	char yaml[256];
	uint32_t parsers_on = 0;
	uint64_t eve_on = 0;
	size_t i, napp;
	int bit;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		snprintf(yaml, sizeof(yaml), "app-layer:\n  parsers: [%s]\n",
		    rows[i].name);
		load(&cfg, yaml);
		assert_int_equal(cfg.app_parsers, 1u << rows[i].proto);
		config_free(&cfg);
		snprintf(yaml, sizeof(yaml),
		    "outputs:\n  eve:\n    types: [flow, %s]\n", rows[i].name);
		load(&cfg, yaml);
		assert_int_equal(cfg.eve_types.bits,
		    EVE_T_FLOW | EVE_T_APP(rows[i].proto));
		config_free(&cfg);
		if (rows[i].on) {
			parsers_on |= 1u << rows[i].proto;
			eve_on |= EVE_T_APP(rows[i].proto);
		}
	}
	kp = find_key("app-layer.parsers");
	for (i = 0; kp->enums[i].name != NULL; i++) {
		assert_int_equal(__builtin_popcountll(kp->enums[i].value), 1);
		bit = __builtin_ctzll(kp->enums[i].value);
		assert_non_null(app_proto_name((unsigned)bit));
		assert_string_equal(kp->enums[i].name,
		    app_proto_name((unsigned)bit));
	}
	assert_int_equal(i, APP_MAX - 1);
	ke = find_key("outputs.eve.types");
	for (i = napp = 0; ke->enums[i].name != NULL; i++) {
		if ((ke->enums[i].value & EVE_T_APPS) == 0)
			continue;
		for (bit = 1; bit < APP_MAX; bit++)
			if (ke->enums[i].value == EVE_T_APP(bit))
				break;
		assert_true(bit < APP_MAX);
		assert_string_equal(ke->enums[i].name,
		    app_proto_name((unsigned)bit));
		napp++;
	}
	assert_int_equal(napp, APP_MAX - 1);
	config_defaults(&cfg);
	assert_int_equal(cfg.app_parsers, parsers_on);
	assert_int_equal(cfg.eve_types.bits & EVE_T_APPS, eve_on);
	config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_table_complete),
		cmocka_unit_test(test_app_probe_order),
		cmocka_unit_test(test_app_ftp_ruled_out),
		cmocka_unit_test(test_app_parser_switches),
		cmocka_unit_test(test_app_config_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
