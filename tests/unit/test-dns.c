/*
 * test-dns.c - DNS and mDNS message parser.
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
#include "app/dns.h"

/*
 * Query id 0x1234, flags 0x0100 (RD), QDCOUNT 1:
 * "www.example.com" A IN.
 */
static const uint8_t query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

/*
 * Response id 0x1234, flags 0x8180 (QR RD RA, NOERROR), 1 question,
 * 4 answers, 0 authority, 1 additional:
 *  12  "www.example.com" A IN
 *  33  c00c CNAME IN ttl 300 -> "web" + c010 ("web.example.com")
 *  ..  c021 (web.example.com) A IN ttl 60 93.184.216.34
 *  ..  c021 MX IN ttl 60 pref 10 -> "mx" + c010
 *  ..  c010 TXT IN ttl 60 "v=spf1" "-all"
 *  ..  root OPT (additional, not logged)
 */
static const uint8_t response[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x01,
	/* 12 */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	/* 33: CNAME */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x06, 3, 'w', 'e', 'b', 0xc0, 0x10,
	/* 51: A for web.example.com at offset 45 */
	0xc0, 45, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x04, 93, 184, 216, 34,
	/* 67: MX */
	0xc0, 45, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x07, 0x00, 0x0a, 2, 'm', 'x', 0xc0, 0x10,
	/* 86: TXT */
	0xc0, 0x10, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x0c, 6, 'v', '=', 's', 'p', 'f', '1', 4, '-', 'a', 'l', 'l',
	/* OPT */
	0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * mDNS response (id 0, flags 0x8400: QR AA), 0 questions, 2 answers,
 * 0 authority, 2 additional:
 *  12  "_ipp._tcp.local" PTR ttl 4500 -> "Lab Printer" + c00c
 *  53  "Lab Printer._ipp._tcp.local" (c027) TXT "ty=ACME 9000" "md=9000"
 *  86  c027 SRV 0 0 631 -> "prn1" + c016 ("local"), at 104
 * 111  c068 ("prn1.local") A 10.1.2.3
 */
static size_t
build_mdns(uint8_t *b)
{
	static const uint8_t head[] = {
		0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x02,
		/* 12 */
		4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p',
		5, 'l', 'o', 'c', 'a', 'l', 0,
		0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x11, 0x94,
		0x00, 0x0e,
		/* 39 */
		11, 'L', 'a', 'b', ' ', 'P', 'r', 'i', 'n', 't', 'e', 'r',
		0xc0, 0x0c,
		/* 53: TXT */
		0xc0, 39, 0x00, 0x10, 0x80, 0x01, 0x00, 0x00, 0x11, 0x94,
		0x00, 0x15, 12, 't', 'y', '=', 'A', 'C', 'M', 'E', ' ', '9',
		'0', '0', '0', 7, 'm', 'd', '=', '9', '0', '0', '0',
		/* 86: SRV */
		0xc0, 39, 0x00, 0x21, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78,
		0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x02, 0x77,
		4, 'p', 'r', 'n', '1', 0xc0, 0x16,
		/* 111: A for prn1.local at 104 */
		0xc0, 104, 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78,
		0x00, 0x04, 10, 1, 2, 3,
	};

	memcpy(b, head, sizeof(head));
	return sizeof(head);
}

static struct dns_facts *
facts(void)
{
	return calloc(1, sizeof(struct dns_facts));
}

static char *
eve(const struct app_parser *ap, const struct dns_facts *f, bool extra)
{
	struct jsonw jw;
	const char *t;
	size_t len;
	char *s;

	jsonw_init(&jw, 1 << 16);
	jsonw_obj_open(&jw);
	if (extra)
		ap->eve_extra(&jw, f);
	else
		ap->eve(&jw, f);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	s = malloc(len + 1);
	memcpy(s, t, len + 1);
	jsonw_free(&jw);
	return s;
}

static void
test_dns_query(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(query, sizeof(query), f, &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(f->id, 0x1234);
	assert_int_equal(f->n_queries, 1);
	assert_string_equal(f->queries[0].name.text, "www.example.com");
	assert_int_equal(f->queries[0].type, DNS_TYPE_A);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(dns_parser.probe(query, sizeof(query), 0),
	    APP_PROBE_YES);
	t = eve(&dns_parser, f, false);
	assert_non_null(strstr(t, "\"version\":3,\"type\":\"request\","
	    "\"id\":4660,\"flags\":\"100\",\"rd\":true,\"opcode\":0,"
	    "\"queries\":[{\"rrname\":\"www.example.com\","
	    "\"rrtype\":\"A\"}]"));
	assert_null(strstr(t, "rcode"));
	free(t);
	free(f);
}

/*
 * The header's members, written as one run of bytes without printf,
 * read as snprintf() and the writer's calls wrote them: every value of
 * the flags word (the flags' own text in hex, each bit's member, the
 * opcode, an rcode without a name as its number), ids of every width.
 */
static void
test_dns_header_every_flags(void **state)
{
	static const uint16_t ids[] = { 0, 9, 10, 99, 100, 4660, 65535 };
	static const struct {
		uint16_t	 bit;
		const char	*name;
	} bits[] = {
		{ DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" },
		{ DNS_FLAG_RD, "rd" }, { DNS_FLAG_RA, "ra" },
		{ DNS_FLAG_Z, "z" },
	};
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	char want[256];
	unsigned v, i;
	size_t o;
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(query, sizeof(query), f, &ctx), 0);
	for (v = 0; v <= 0xffff; v++) {
		f->flags = (uint16_t)v;
		f->id = ids[v % (sizeof(ids) / sizeof(ids[0]))];
		o = (size_t)snprintf(want, sizeof(want), "{\"version\":3,"
		    "\"type\":\"%s\",\"id\":%u,\"flags\":\"%x\"",
		    v & DNS_FLAG_QR ? "response" : "request", f->id, v);
		if (v & DNS_FLAG_QR)
			o += (size_t)snprintf(want + o, sizeof(want) - o,
			    ",\"qr\":true");
		for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (v & bits[i].bit)
				o += (size_t)snprintf(want + o,
				    sizeof(want) - o, ",\"%s\":true",
				    bits[i].name);
		(void)snprintf(want + o, sizeof(want) - o,
		    ",\"opcode\":%u,\"queries\":", DNS_OPCODE(v));
		t = eve(&dns_parser, f, false);
		assert_memory_equal(t, want, strlen(want));
		if ((v & DNS_FLAG_QR) && DNS_RCODE(v) > 10) {
			(void)snprintf(want, sizeof(want),
			    "\"rcode\":\"%u\"", DNS_RCODE(v));
			assert_non_null(strstr(t, want));
		}
		free(t);
	}
	free(f);
}

static void
test_dns_response(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(response, sizeof(response), f,
	    &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(f->n_rrs, 5);
	assert_string_equal((char *)f->rrs[0].rdata, "web.example.com");
	assert_string_equal(f->rrs[1].name.text, "web.example.com");
	assert_string_equal((char *)f->rrs[1].rdata, "93.184.216.34");
	assert_string_equal((char *)f->rrs[2].rdata, "mx.example.com");
	assert_int_equal(f->rrs[4].type, DNS_TYPE_OPT);
	assert_int_equal(f->rrs[4].section, DNS_SEC_ADDITIONAL);
	assert_int_equal(dns_parser.probe(response, sizeof(response), 1),
	    APP_PROBE_YES);
	t = eve(&dns_parser, f, false);
	assert_non_null(strstr(t, "\"type\":\"response\""));
	assert_non_null(strstr(t, "\"qr\":true"));
	assert_non_null(strstr(t, "\"rcode\":\"NOERROR\""));
	assert_non_null(strstr(t, "{\"rrname\":\"www.example.com\","
	    "\"rrtype\":\"CNAME\",\"ttl\":300,"
	    "\"rdata\":\"web.example.com\"}"));
	assert_non_null(strstr(t, "\"rrtype\":\"A\",\"ttl\":60,"
	    "\"rdata\":\"93.184.216.34\""));
	assert_non_null(strstr(t, "\"rdata\":\"v=spf1 -all\""));
	assert_null(strstr(t, "additionals"));	/* OPT only */
	assert_null(strstr(t, "OPT"));
	free(t);
	free(f);
}

/*
 * Response (QR AA, NXDOMAIN) to "x" A: an SOA in the authority
 * section (mname "ns" + c00c, rname c00c, five counters) and an SRV
 * in the additional section (0 1 8080 "sv" + c00c).  The schema
 * allows "soa" in authorities but "srv" only in answers.
 */
static void
test_dns_sections(void **state)
{
	static const uint8_t b[] = {
		0xab, 0xcd, 0x84, 0x03, 0, 1, 0, 0, 0, 1, 0, 1,
		1, 'x', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 6, 0, 1, 0, 0, 0, 60, 0, 27,
		2, 'n', 's', 0xc0, 0x0c, 0xc0, 0x0c,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5,
		0xc0, 0x0c, 0, 33, 0, 1, 0, 0, 0, 60, 0, 11,
		0, 0, 0, 1, 0x1f, 0x90, 2, 's', 'v', 0xc0, 0x0c,
	};
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(b, sizeof(b), f, &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(f->n_rrs, 2);
	assert_int_equal(f->rrs[1].srv_port, 8080);
	t = eve(&dns_parser, f, false);
	assert_non_null(strstr(t, "\"aa\":true"));
	assert_non_null(strstr(t, "\"rcode\":\"NXDOMAIN\""));
	assert_null(strstr(t, "\"answers\""));
	assert_non_null(strstr(t, "\"authorities\":[{\"rrname\":\"x\","
	    "\"rrtype\":\"SOA\",\"ttl\":60,\"soa\":{\"mname\":\"ns.x\"}}]"));
	assert_non_null(strstr(t, "\"additionals\":[{\"rrname\":\"x\","
	    "\"rrtype\":\"SRV\",\"ttl\":60,\"rdata\":\"sv.x\"}]"));
	free(t);
	free(f);
}

/* Every cut of every vector: no crash, no read past the cut (ASan). */
static void
cut_all(const uint8_t *b, size_t n)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t *cut;
	size_t len;
	int rc;

	for (len = 0; len < n; len++) {
		cut = malloc(len ? len : 1);
		memcpy(cut, b, len);
		rc = dns_parse_message(cut, len, f, &ctx);
		if (len < DNS_HDR_LEN)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_true(f->malformed);
		}
		(void)dns_parser.probe(cut, len, 0);
		(void)mdns_parser.probe(cut, len, 0);
		free(eve(&dns_parser, f, false));
		free(eve(&mdns_parser, f, false));
		free(eve(&mdns_parser, f, true));
		free(cut);
	}
	assert_true(mock_has_anomaly(&ctx, EV_DNS_RECORD_TRUNCATED));
	free(f);
}

static void
test_dns_every_truncation(void **state)
{
	uint8_t b[512];
	size_t n;

	(void)state;
	cut_all(query, sizeof(query));
	cut_all(response, sizeof(response));
	n = build_mdns(b);
	cut_all(b, n);
}

/* QDCOUNT 3 and ANCOUNT 9 with one question present. */
static void
test_dns_lying_counts(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t b[sizeof(query)];

	(void)state;
	memcpy(b, query, sizeof(b));
	b[5] = 3;
	b[7] = 9;
	assert_int_equal(dns_parse_message(b, sizeof(b), f, &ctx), 0);
	assert_true(f->malformed);
	assert_int_equal(f->n_queries, 1);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_RECORD_TRUNCATED));
	/* The counts do not fit the datagram: not DNS. */
	assert_int_equal(dns_parser.probe(b, sizeof(b), 0), APP_PROBE_NO);
	free(f);
}

/* Compression pointers that would loop are rejected. */
static void
test_dns_pointer_loops(void **state)
{
	/* A question whose name is a pointer to itself (offset 12). */
	static const uint8_t self[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 0x0c, 0, 1, 0, 1,
	};
	/* A pointer forward, to offset 16 ("a" + root). */
	static const uint8_t fwd[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 0x10, 0, 1, 1, 'a', 0, 0, 1, 0, 1,
	};
	/* Two labels pointing at each other: 12 -> 16 -> 12. */
	static const uint8_t pair[] = {
		0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0, 0x10, 1, 'b', 0xc0, 0x0c, 0, 1, 0, 1,
	};
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };

	(void)state;
	assert_int_equal(dns_parse_message(self, sizeof(self), f, &ctx), 0);
	assert_true(f->malformed);
	assert_int_equal(f->n_queries, 0);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(dns_parse_message(fwd, sizeof(fwd), f, &ctx), 0);
	assert_true(f->malformed);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(dns_parse_message(pair, sizeof(pair), f, &ctx), 0);
	assert_true(f->malformed);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));

	free(f);
}

/*
 * A compression loop in the first name of a message (RFC 1035 4.1.4)
 * is hostile DNS, not another protocol: detection must hand it to the
 * parser, which names the anomaly.  Before, the probe read the name,
 * failed and said NO, so such a query left no trace but nDPI's label.
 * Over UDP and over TCP, for a pointer to itself and for two pointers
 * that point at each other.
 */
static void
test_dns_pointer_loop_detected(void **state)
{
	/* Query, QDCOUNT 1: a name that is a pointer to itself, A IN. */
	static const uint8_t self[] = {
		0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		/* 12 */ 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	/*
	 * Query, QDCOUNT 2: "a" + pointer to 20, A IN; at 20 "b" +
	 * pointer to 12, A IN.  Each name leads to the other.
	 */
	static const uint8_t cycle[] = {
		0x00, 0x02, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		/* 12 */ 1, 'a', 0xc0, 0x14, 0x00, 0x01, 0x00, 0x01,
		/* 20 */ 1, 'b', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	const struct {
		const uint8_t	*p;
		size_t		 n;
	} v[] = {
		{ self, sizeof(self) },
		{ cycle, sizeof(cycle) },
	};
	struct app_ctx ctx;
	struct app_result r;
	uint8_t b[64];
	size_t i, left;
	void *st;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* UDP, DNS and mDNS. */
		assert_int_equal(dns_parser.probe(v[i].p, v[i].n, 0),
		    APP_PROBE_YES);
		assert_int_equal(mdns_parser.probe(v[i].p, v[i].n, 0),
		    APP_PROBE_YES);
		memset(&ctx, 0, sizeof(ctx));
		st = app_state_new(&dns_parser);
		r = dns_parser.parse(st, &ctx, 0, v[i].p, v[i].n);
		assert_int_equal(r.status, PARSE_OK);
		assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));
		app_state_free(&dns_parser, st);

		/* TCP: the same message after its two-octet length. */
		b[0] = 0;
		b[1] = (uint8_t)v[i].n;
		memcpy(b + 2, v[i].p, v[i].n);
		assert_int_equal(dns_tcp_parser.probe(b, v[i].n + 2, 0),
		    APP_PROBE_YES);
		memset(&ctx, 0, sizeof(ctx));
		st = app_state_new(&dns_tcp_parser);
		assert_int_equal(mock_feed(&dns_tcp_parser, st, &ctx, 0, b,
		    v[i].n + 2, NULL, 0, &left), PARSE_OK);
		assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));
		app_state_free(&dns_tcp_parser, st);
	}

	/* Without a known class after it, a looping name is not DNS. */
	memcpy(b, self, sizeof(self));
	b[16] = 0x12;				/* class 0x1201 */
	assert_int_equal(dns_parser.probe(b, sizeof(self), 0), APP_PROBE_NO);
	/* Nor is a reserved label type (01), loop or not. */
	memcpy(b, self, sizeof(self));
	b[12] = 0x4c;
	assert_int_equal(dns_parser.probe(b, sizeof(self), 0), APP_PROBE_NO);
}

/*
 * A chain of pointers longer than DNS_MAX_JUMPS.  The question comes
 * first ("a", root); then an answer record whose owner is "x" + ptr,
 * and each later answer's owner points at the previous owner: a
 * backwards chain, legal hop by hop, too long in total.
 */
static void
test_dns_pointer_chain_cap(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t b[2048];
	size_t n = 0, i, prev;

	(void)state;
	memset(b, 0, 12);
	b[2] = 0x81;
	b[5] = 1;			/* QDCOUNT 1 */
	b[7] = 30;			/* ANCOUNT 30 */
	n = 12;
	memcpy(b + n, "\x01" "a" "\x00" "\x00\x01\x00\x01", 7);
	n += 7;
	prev = 12;
	for (i = 0; i < 30; i++) {
		size_t owner = n;

		b[n++] = 1;
		b[n++] = 'x';
		b[n++] = (uint8_t)(0xc0 | prev >> 8);
		b[n++] = (uint8_t)prev;
		/* type 99, class IN, ttl 0, rdlength 0 */
		memcpy(b + n, "\x00\x63\x00\x01\x00\x00\x00\x00\x00\x00", 10);
		n += 10;
		prev = owner;
	}
	assert_int_equal(dns_parse_message(b, n, f, &ctx), 0);
	assert_true(f->malformed);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_POINTER_LOOP));
	/* The first DNS_MAX_JUMPS records were fine. */
	assert_int_equal(f->n_rrs, DNS_MAX_JUMPS);
	free(f);
}

/* Names: 255 octets is the limit; reserved label types are bad. */
static void
test_dns_name_limits(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t b[1024];
	size_t n, i;
	char *t;

	(void)state;
	/* 5 labels of 63: 5 * 64 + 1 = 321 octets. */
	memset(b, 0, 12);
	b[5] = 1;
	n = 12;
	for (i = 0; i < 5; i++) {
		b[n++] = 63;
		memset(b + n, 'a' + (int)i, 63);
		n += 63;
	}
	b[n++] = 0;
	memcpy(b + n, "\x00\x01\x00\x01", 4);
	n += 4;
	assert_int_equal(dns_parse_message(b, n, f, &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(f->n_queries, 1);
	assert_true(f->queries[0].name.truncated);
	assert_int_equal(f->queries[0].name.len, 3 * 63 + 2);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_NAME_TOO_LONG));
	t = eve(&dns_parser, f, false);
	assert_non_null(strstr(t, "\"rrname_truncated\":true"));
	free(t);

	/* 4 labels of 63 = 257 octets: too long; 3 of 63 + 61 fits. */
	memset(&ctx, 0, sizeof(ctx));
	b[12 + 3 * 64] = 61;
	b[12 + 3 * 64 + 1 + 61] = 0;
	n = 12 + 3 * 64 + 1 + 61 + 1;
	memcpy(b + n, "\x00\x01\x00\x01", 4);
	n += 4;
	assert_int_equal(dns_parse_message(b, n, f, &ctx), 0);
	assert_false(f->queries[0].name.truncated);
	assert_int_equal(f->queries[0].name.len, 3 * 63 + 61 + 3);
	assert_int_equal(ctx.n_anom, 0);

	/* Label length byte 0x40: a reserved (extended) label type. */
	memset(&ctx, 0, sizeof(ctx));
	memcpy(b, query, sizeof(query));
	b[12] = 0x43;
	assert_int_equal(dns_parse_message(b, sizeof(query), f, &ctx), 0);
	assert_true(f->malformed);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_BAD_LABEL));
	free(f);
}

static void
test_dns_mdns(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t b[512];
	size_t n = build_mdns(b);
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(b, n, f, &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(f->n_rrs, 4);
	assert_string_equal((char *)f->rrs[0].rdata,
	    "Lab Printer._ipp._tcp.local");
	assert_int_equal(f->rrs[2].srv_port, 631);
	assert_string_equal((char *)f->rrs[2].rdata, "prn1.local");
	assert_int_equal(mdns_parser.probe(b, n, 0), APP_PROBE_YES);
	t = eve(&mdns_parser, f, false);
	assert_non_null(strstr(t, "\"type\":\"response\",\"id\":0,"
	    "\"flags\":[\"aa\"],\"opcode\":0,\"rcode\":0"));
	assert_non_null(strstr(t, "\"answers\":[{\"rrname\":"
	    "\"_ipp._tcp.local\",\"ptr\":\"Lab Printer._ipp._tcp.local\"},"
	    "{\"rrname\":\"Lab Printer._ipp._tcp.local\",\"txt\":"
	    "[\"ty=ACME 9000\",\"md=9000\"]}]"));
	free(t);
	t = eve(&mdns_parser, f, true);
	assert_non_null(strstr(t, "\"srv\":[{\"name\":"
	    "\"Lab Printer._ipp._tcp.local\",\"target\":\"prn1.local\","
	    "\"port\":631}]"));
	assert_non_null(strstr(t, "\"addresses\":[{\"name\":\"prn1.local\","
	    "\"addr\":\"10.1.2.3\"}]"));
	assert_non_null(strstr(t, "\"txt\":[\"ty=ACME 9000\",\"md=9000\"]"));
	free(t);
	free(f);
}

/* An mDNS query: lower-case rrtypes, QU bit in the class. */
static void
test_dns_mdns_query(void **state)
{
	static const uint8_t q[] = {
		0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p',
		5, 'l', 'o', 'c', 'a', 'l', 0, 0x00, 0x0c, 0x80, 0x01,
	};
	struct dns_facts *f = facts();
	char *t;

	(void)state;
	assert_int_equal(dns_parse_message(q, sizeof(q), f, NULL), 0);
	assert_int_equal(mdns_parser.probe(q, sizeof(q), 0), APP_PROBE_YES);
	t = eve(&mdns_parser, f, false);
	assert_non_null(strstr(t, "\"type\":\"request\""));
	assert_non_null(strstr(t, "\"queries\":[{\"rrname\":"
	    "\"_ipp._tcp.local\",\"rrtype\":\"ptr\"}]"));
	assert_null(strstr(t, "rcode"));
	assert_null(strstr(t, "flags"));
	free(t);
	free(f);
}

static void
test_dns_probe_no(void **state)
{
	static const uint8_t garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const uint8_t zeros[64];
	/*
	 * NetBIOS name query (RFC 1002 4.2.12), id 0x8001, flags 0x0110
	 * (RD, broadcast): "WORKGROUP<1d>" first-level encoded as
	 * FHEPFCELEHFCEPFFFACACACACACACABN, NB IN.  Same format, not DNS.
	 */
	static const uint8_t nbns[] = {
		0x80, 0x01, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0,
		32, 'F', 'H', 'E', 'P', 'F', 'C', 'E', 'L', 'E', 'H', 'F',
		'C', 'E', 'P', 'F', 'F', 'F', 'A', 'C', 'A', 'C', 'A', 'C',
		'A', 'C', 'A', 'C', 'A', 'C', 'A', 'B', 'N', 0,
		0x00, 0x20, 0x00, 0x01,
	};
	uint8_t b[sizeof(query)];

	(void)state;
	assert_int_equal(dns_parser.probe(garbage, sizeof(garbage) - 1, 0),
	    APP_PROBE_NO);
	assert_int_equal(dns_parser.probe(zeros, sizeof(zeros), 0),
	    APP_PROBE_NO);
	assert_int_equal(dns_parser.probe(query, 11, 0), APP_PROBE_NO);
	memcpy(b, query, sizeof(b));
	b[2] = 0x18;	/* opcode 3: unassigned */
	assert_int_equal(dns_parser.probe(b, sizeof(b), 0), APP_PROBE_NO);
	memcpy(b, query, sizeof(b));
	b[sizeof(b) - 1] = 7;	/* class 7 */
	assert_int_equal(dns_parser.probe(b, sizeof(b), 0), APP_PROBE_NO);
	memcpy(b, query, sizeof(b));
	b[5] = 0;	/* a query without a question */
	assert_int_equal(dns_parser.probe(b, sizeof(b), 0), APP_PROBE_NO);
	assert_int_equal(dns_parser.probe(nbns, sizeof(nbns), 0),
	    APP_PROBE_NO);
}

/* More records than kept: the rest are read and counted, not kept. */
static void
test_dns_record_cap(void **state)
{
	struct dns_facts *f = facts();
	struct app_ctx ctx = { 0 };
	uint8_t b[2048];
	size_t n, i;

	(void)state;
	memcpy(b, query, sizeof(query));
	n = sizeof(query);
	b[2] = 0x81;
	b[5] = 1;
	b[7] = 40;
	for (i = 0; i < 40; i++) {
		memcpy(b + n, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c"
		    "\x00\x04\x0a\x00\x00", 15);
		n += 15;
		b[n++] = (uint8_t)i;
	}
	assert_int_equal(dns_parse_message(b, n, f, &ctx), 0);
	assert_false(f->malformed);
	assert_int_equal(f->n_rrs, DNS_MAX_RRS);
	assert_int_equal(f->ancount, 40);
	assert_int_equal(ctx.n_anom, 0);
	free(f);
}

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	(void)fact;
	(void)dir;
	*(enum app_proto *)ctx->user = proto;
}

/* Through the parser ops: a fact per datagram, anomaly on junk. */
static void
test_dns_parse_op(void **state)
{
	enum app_proto got = APP_UNKNOWN;
	struct app_ctx ctx = { .on_fact = on_fact, .user = &got };
	void *st;
	struct app_result r;

	(void)state;
	st = app_state_new(&dns_parser);
	r = dns_parser.parse(st, &ctx, 0, query, sizeof(query));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(query));
	assert_int_equal(got, APP_DNS);
	r = dns_parser.parse(st, &ctx, 0, query, 5);
	assert_int_equal(r.status, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_MALFORMED));
	assert_int_equal(ctx.n_facts, 1);
	app_state_free(&dns_parser, st);
	st = app_state_new(&mdns_parser);
	r = mdns_parser.parse(st, &ctx, 0, query, sizeof(query));
	assert_int_equal(got, APP_MDNS);
	app_state_free(&mdns_parser, st);
}

/*
 * DNS over TCP (RFC 7766): the query and the response above, each after
 * its two-octet length, in one stream:
 *   00 21  query (33 bytes)  00 xx  response
 * (both directions' bytes in one buffer; the parser does not care).
 */
static size_t
build_tcp_stream(uint8_t *b)
{
	size_t n = 0;

	b[n++] = 0;
	b[n++] = sizeof(query);
	memcpy(b + n, query, sizeof(query));
	n += sizeof(query);
	b[n++] = 0;
	b[n++] = sizeof(response);
	memcpy(b + n, response, sizeof(response));
	n += sizeof(response);
	return n;
}

struct tcp_seen {
	unsigned	 n;
	uint16_t	 flags[4];
	size_t		 n_rrs[4];
	char		 qname[4][64];
};

static void
tcp_fact(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	const struct dns_facts *f = fact;
	struct tcp_seen *t = ctx->user;

	(void)dir;
	assert_int_equal(proto, APP_DNS);
	if (t->n < 4) {
		t->flags[t->n] = f->flags;
		t->n_rrs[t->n] = f->n_rrs;
		snprintf(t->qname[t->n], sizeof(t->qname[0]), "%.*s",
		    (int)f->queries[0].name.len, f->queries[0].name.text);
	}
	t->n++;
}

/* Every two-way split of the stream gives the same two messages. */
static void
test_dns_tcp_splits(void **state)
{
	uint8_t b[256];
	size_t n = build_tcp_stream(b), at, left;

	(void)state;
	for (at = 0; at <= n; at++) {
		struct tcp_seen t = { 0 };
		struct app_ctx ctx = { .on_fact = tcp_fact, .user = &t };
		void *st = app_state_new(&dns_tcp_parser);

		assert_int_equal(mock_feed(&dns_tcp_parser, st, &ctx, 0, b, n,
		    &at, at < n ? 1 : 0, &left), PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(t.n, 2);
		assert_int_equal(ctx.n_anom, 0);
		assert_int_equal(t.flags[0], 0x0100);
		assert_int_equal(t.flags[1], 0x8180);
		assert_string_equal(t.qname[0], "www.example.com");
		assert_string_equal(t.qname[1], "www.example.com");
		assert_int_equal(t.n_rrs[1], 5);
		app_state_free(&dns_tcp_parser, st);
	}
}

/*
 * Detection wants a whole first message that reads cleanly: MAYBE
 * until it is there, then YES; NO for a length below a header, for a
 * length that disagrees with the message's counts, for text.
 */
static void
test_dns_tcp_probe(void **state)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	uint8_t b[256], *cut;
	size_t n = build_tcp_stream(b), len;

	(void)state;
	for (len = 0; len < 2 + sizeof(query); len++) {
		cut = malloc(len ? len : 1);
		memcpy(cut, b, len);
		assert_int_equal(dns_tcp_parser.probe(cut, len, 0),
		    APP_PROBE_MAYBE);
		free(cut);
	}
	assert_int_equal(dns_tcp_parser.probe(b, 2 + sizeof(query), 0),
	    APP_PROBE_YES);
	assert_int_equal(dns_tcp_parser.probe(b, n, 0), APP_PROBE_YES);
	assert_int_equal(dns_tcp_parser.probe(http, sizeof(http) - 1, 0),
	    APP_PROBE_NO);
	b[1] = 11;			/* shorter than a header */
	assert_int_equal(dns_tcp_parser.probe(b, n, 0), APP_PROBE_NO);
	b[1] = sizeof(query) - 4;	/* cuts the question short */
	assert_int_equal(dns_tcp_parser.probe(b, n, 0), APP_PROBE_NO);
	/* A UDP datagram is not a TCP stream, and the reverse. */
	assert_int_equal(dns_tcp_parser.probe(query, sizeof(query), 0),
	    APP_PROBE_NO);
	n = build_tcp_stream(b);
	assert_int_equal(dns_parser.probe(b, n, 0), APP_PROBE_NO);
}

/*
 * A length prefix below a header loses the framing: an anomaly, and
 * nothing after it is taken for DNS; a gap does the same without one.
 * A truncated last message is left for more bytes, never a crash.
 */
static void
test_dns_tcp_lost_framing(void **state)
{
	uint8_t b[256], *cut;
	size_t n = build_tcp_stream(b), len, left;
	struct tcp_seen t = { 0 };
	struct app_ctx ctx = { .on_fact = tcp_fact, .user = &t };
	void *st;

	(void)state;
	b[2 + sizeof(query) + 1] = 3;	/* second length: 3 */
	st = app_state_new(&dns_tcp_parser);
	assert_int_equal(mock_feed(&dns_tcp_parser, st, &ctx, 0, b, n, NULL,
	    0, &left), PARSE_OK);
	assert_int_equal(t.n, 1);
	assert_true(mock_has_anomaly(&ctx, EV_DNS_MALFORMED));
	app_state_free(&dns_tcp_parser, st);

	n = build_tcp_stream(b);
	memset(&t, 0, sizeof(t));
	st = app_state_new(&dns_tcp_parser);
	dns_tcp_parser.gap(st, &ctx, 0);
	assert_int_equal(mock_feed(&dns_tcp_parser, st, &ctx, 0, b, n, NULL,
	    0, &left), PARSE_OK);
	assert_int_equal(t.n, 0);
	/* The other direction is not affected. */
	assert_int_equal(mock_feed(&dns_tcp_parser, st, &ctx, 1, b, n, NULL,
	    0, &left), PARSE_OK);
	assert_int_equal(t.n, 2);
	app_state_free(&dns_tcp_parser, st);

	for (len = 0; len < n; len++) {
		memset(&t, 0, sizeof(t));
		cut = malloc(len ? len : 1);
		memcpy(cut, b, len);
		st = app_state_new(&dns_tcp_parser);
		(void)mock_feed(&dns_tcp_parser, st, &ctx, 0, cut, len, NULL,
		    0, &left);
		assert_int_equal(t.n, len >= 2 + sizeof(query) ? 1 : 0);
		assert_int_equal(left, len - (len >= 2 + sizeof(query) ?
		    2 + sizeof(query) : 0));
		app_state_free(&dns_tcp_parser, st);
		free(cut);
	}
}

/* dns.query: one per question of a query, none for a response or mDNS. */
static void
test_dns_buffers(void **state)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	void *st;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.inspect = true;
	st = app_state_new(&dns_parser);
	(void)dns_parser.parse(st, &ctx, APP_DIR_TOSERVER, query,
	    sizeof(query));
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_int_equal(mi->proto, APP_DNS);
	assert_int_equal(mock_buf_count(mi, APP_BUF_DNS_QUERY), 1);
	assert_string_equal(mock_buf(mi, APP_BUF_DNS_QUERY, 0, NULL),
	    "www.example.com");
	(void)dns_parser.parse(st, &ctx, APP_DIR_TOCLIENT, response,
	    sizeof(response));
	assert_int_equal(ctx.n_insp, 1);
	(void)mdns_parser.parse(st, &ctx, APP_DIR_TOSERVER, query,
	    sizeof(query));
	assert_int_equal(ctx.n_insp, 1);
	mock_reset(&ctx);
	app_state_free(&dns_parser, st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_dns_header_every_flags),
		cmocka_unit_test(test_dns_response),
		cmocka_unit_test(test_dns_sections),
		cmocka_unit_test(test_dns_every_truncation),
		cmocka_unit_test(test_dns_lying_counts),
		cmocka_unit_test(test_dns_pointer_loops),
		cmocka_unit_test(test_dns_pointer_loop_detected),
		cmocka_unit_test(test_dns_pointer_chain_cap),
		cmocka_unit_test(test_dns_name_limits),
		cmocka_unit_test(test_dns_mdns),
		cmocka_unit_test(test_dns_mdns_query),
		cmocka_unit_test(test_dns_probe_no),
		cmocka_unit_test(test_dns_record_cap),
		cmocka_unit_test(test_dns_parse_op),
		cmocka_unit_test(test_dns_tcp_splits),
		cmocka_unit_test(test_dns_tcp_probe),
		cmocka_unit_test(test_dns_tcp_lost_framing),
		cmocka_unit_test(test_dns_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
