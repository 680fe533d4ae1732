/*
 * test-eve.c - the EVE heads (src/output/eve.c), built in one run of
 * bytes each rather than member by member.
 *
 * eve_app_begin()'s members after the tuple and eve_format()'s head
 * are checked as text, and each line against the one a fresh writer
 * or output stage (nothing left from earlier records) makes: both
 * directions of a flow, MACs, VLANs, addresses and protocols that
 * change under the same flow id, another flow, a device record (src
 * only) and a record with no flow at all.  Flow start and end times
 * through one writer's second cache against util_format_ts().
 */
#include <config.h>

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "decode/packet.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/record.h"
#include "sink-mock.h"
#include "util/util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct eve_opts opts = { .cid_seed = 0 };

/* One app record of f through writer w; its line, malloc'ed. */
static char *
app_line(struct out *o, struct record_writer *w, struct flow *f, int dir,
    const struct packet *p)
{
	struct jsonw *jw;
	char *line;

	o->len = 0;
	if (o->buf != NULL)
		o->buf[0] = '\0';
	jw = eve_app_begin(w, RECORD_APP + 1, f, "hl7", dir, p, &opts);
	assert_non_null(jw);
	JSONW_KEY(jw, "hl7");
	jsonw_obj_open(jw);
	JSONW_KV_UINT(jw, "length", 1);
	jsonw_obj_close(jw);
	assert_int_equal(record_commit(w), 0);
	record_flush(w);
	out_sync(o);
	assert_non_null(o->buf);
	line = strdup(o->buf);
	assert_non_null(line);
	return line;
}

/*
 * The line through the long-lived writer w equals a fresh writer's;
 * returns it for the test's own checks.
 */
static char *
check(struct out *o, struct record_writer *w, struct flow *f, int dir,
    const struct packet *p)
{
	struct record_writer fresh;
	char *a, *b;

	/* The flow keeps its Community ID: cleared, so
	 * that both compute it anew from the tuple. */
	f->has_cid = false;
	a = app_line(o, w, f, dir, p);
	record_writer_init(&fresh, o->stage);
	f->has_cid = false;
	b = app_line(o, &fresh, f, dir, p);
	record_writer_free(&fresh);
	assert_string_equal(a, b);
	free(b);
	return a;
}

static void
flow_setup(struct flow *f, uint64_t id, uint8_t last)
{
	static const uint8_t cm[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t sm[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

	memset(f, 0, sizeof(*f));
	f->flow_id = id;
	f->ipver = 4;
	f->proto = 6;
	f->cli_ip[0] = 10;
	f->cli_ip[3] = last;
	f->srv_ip[0] = 10;
	f->srv_ip[3] = 200;
	f->cli_port = 40000;
	f->srv_port = 2575;
	f->ts_last = 1000000;
	f->has_mac = true;
	memcpy(f->cli_mac, cm, 6);
	memcpy(f->srv_mac, sm, 6);
}

static void
test_eve_app_head(void **state)
{
	struct record_writer w;
	struct packet p;
	struct flow f, g;
	struct out o;
	char *l, *cid;

	(void)state;
	out_open(&o);
	record_writer_init(&w, o.stage);
	memset(&p, 0, sizeof(p));
	p.ts_us = 2000000;
	p.pcap_cnt = 7;
	flow_setup(&f, 1000, 1);

	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, &p);
	assert_non_null(strstr(l, "\"pcap_cnt\":7,\"ether\":{\"src_mac\":"
	    "\"00:11:22:33:44:55\",\"dest_mac\":\"66:77:88:99:aa:bb\"},"
	    "\"community_id\":\"1:"));
	assert_non_null(strstr(l, "\"app_proto\":\"hl7\","
	    "\"direction\":\"to_server\",\"hl7\":{\"length\":1}}"));
	/* "community_id":"1:...", its value's closing quote included. */
	cid = strdup(strstr(l, "\"community_id\""));
	*(strchr(cid + sizeof("\"community_id\":\"") - 1, '"') + 1) = '\0';
	free(l);

	/* The other direction: MACs swapped, the same Community ID. */
	l = check(&o, &w, &f, FLOW_DIR_TOCLIENT, &p);
	assert_non_null(strstr(l, "\"ether\":{\"src_mac\":"
	    "\"66:77:88:99:aa:bb\",\"dest_mac\":\"00:11:22:33:44:55\"}"));
	assert_non_null(strstr(l, "\"direction\":\"to_client\""));
	assert_non_null(strstr(l, cid));
	free(l);

	/* Kept: the same again, and with no packet (no pcap_cnt). */
	free(check(&o, &w, &f, FLOW_DIR_TOSERVER, &p));
	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, NULL);
	assert_null(strstr(l, "pcap_cnt"));
	free(l);

	/* A MAC that changes mid-flow, in both directions. */
	f.cli_mac[5] = 0x56;
	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, &p);
	assert_non_null(strstr(l, "\"src_mac\":\"00:11:22:33:44:56\""));
	free(l);
	l = check(&o, &w, &f, FLOW_DIR_TOCLIENT, &p);
	assert_non_null(strstr(l, "\"dest_mac\":\"00:11:22:33:44:56\""));
	free(l);
	f.srv_mac[0] = 0x02;
	l = check(&o, &w, &f, FLOW_DIR_TOCLIENT, &p);
	assert_non_null(strstr(l, "\"src_mac\":\"02:77:88:99:aa:bb\""));
	free(l);

	/* MACs no longer known: no ether object. */
	f.has_mac = false;
	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, &p);
	assert_null(strstr(l, "\"ether\""));
	free(l);
	f.has_mac = true;
	free(check(&o, &w, &f, FLOW_DIR_TOSERVER, &p));

	/* Another flow: its own Community ID, then the first flow's. */
	flow_setup(&g, 1032, 2);
	l = check(&o, &w, &g, FLOW_DIR_TOSERVER, &p);
	assert_null(strstr(l, cid));
	free(l);
	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, &p);
	assert_non_null(strstr(l, cid));
	free(l);

	/* The tuple changes under the same flow id: a new Community ID. */
	f.srv_port = 2576;
	l = check(&o, &w, &f, FLOW_DIR_TOSERVER, &p);
	assert_null(strstr(l, cid));
	free(l);

	free(cid);
	record_writer_free(&w);
	out_close(&o);
}

/* A MAC the slow way, not through util_put_mac() as eve does. */
static void
fmt_mac(const uint8_t *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/*
 * The MACs of an app record's "ether" object as "%02x:" writes them,
 * every hex digit in every place, either way round.
 */
static void
test_eve_app_macs(void **state)
{
	struct record_writer w;
	struct packet p;
	struct flow f;
	struct out o;
	char want[64], mac[18], *l;
	unsigned k, j;

	(void)state;
	out_open(&o);
	record_writer_init(&w, o.stage);
	memset(&p, 0, sizeof(p));
	p.ts_us = 2000000;
	flow_setup(&f, 1000, 1);
	for (k = 0; k < 16; k++) {
		for (j = 0; j < 6; j++) {
			f.cli_mac[j] = (uint8_t)(((k + j) & 15) << 4 |
			    ((k + 2 * j + 1) & 15));
			f.srv_mac[j] = (uint8_t)~f.cli_mac[j];
		}
		l = check(&o, &w, &f, k % 2 ? FLOW_DIR_TOCLIENT :
		    FLOW_DIR_TOSERVER, &p);
		fmt_mac(k % 2 ? f.srv_mac : f.cli_mac, mac);
		snprintf(want, sizeof(want), "\"ether\":{\"src_mac\":\"%s\",",
		    mac);
		if (strstr(l, want) == NULL)
			fail_msg("%s not in %s", want, l);
		fmt_mac(k % 2 ? f.cli_mac : f.srv_mac, mac);
		snprintf(want, sizeof(want), ",\"dest_mac\":\"%s\"},", mac);
		if (strstr(l, want) == NULL)
			fail_msg("%s not in %s", want, l);
		free(l);
	}
	record_writer_free(&w);
	out_close(&o);
}

/* A record's head as a test sets it. */
struct head {
	uint64_t	 flow_id;
	int		 ipver;		/* 0: no tuple */
	bool		 src_only;
	uint8_t		 proto;
	uint8_t		 a, b;		/* last byte of src and dest */
	uint16_t	 sp, dp;
	uint8_t		 nvlan;
	uint16_t	 vlan[PKT_MAX_VLAN];
};

static char *
head_line(struct out *o, const struct head *h)
{
	struct record_writer w;
	uint8_t src[16], dst[16];
	struct record *r;
	struct jsonw *jw;
	char *line;

	memset(src, 0, sizeof(src));
	memset(dst, 0, sizeof(dst));
	src[0] = dst[0] = h->ipver == 6 ? 0xfe : 10;
	src[h->ipver == 6 ? 15 : 3] = h->a;
	dst[h->ipver == 6 ? 15 : 3] = h->b;
	o->len = 0;
	record_writer_init(&w, o->stage);
	jw = record_begin(&w, RECORD_ANOMALY, "anomaly", 5000000);
	assert_non_null(jw);
	r = record_head(&w);
	r->flow_id = h->flow_id;
	record_set_vlan(r, h->vlan, h->nvlan);
	if (h->src_only) {
		r->flags |= RECORD_F_SRC_ONLY;
		r->ipver = (uint8_t)h->ipver;
		memcpy(r->src, src, sizeof(src));
	} else if (h->ipver != 0)
		record_set_tuple(r, h->ipver, src, dst, h->sp, h->dp,
		    h->proto);
	JSONW_KV_UINT(jw, "n", 1);
	assert_int_equal(record_commit(&w), 0);
	record_writer_free(&w);
	out_sync(o);
	assert_non_null(o->buf);
	line = strdup(o->buf);
	assert_non_null(line);
	return line;
}

/* The line of the long-lived stage o equals a fresh stage's. */
static void
head_check(struct out *o, const struct head *h, const char *want)
{
	struct out fresh;
	char *a, *b;

	a = head_line(o, h);
	out_open(&fresh);
	b = head_line(&fresh, h);
	out_close(&fresh);
	assert_string_equal(a, b);
	if (want != NULL && strstr(a, want) == NULL)
		fail_msg("%s not in %s", want, a);
	free(a);
	free(b);
}

static void
test_eve_format_head(void **state)
{
	struct head h;
	struct out o;
	unsigned i;

	(void)state;
	out_open(&o);
	memset(&h, 0, sizeof(h));
	h.flow_id = 77;
	h.ipver = 4;
	h.proto = 6;
	h.a = 1;
	h.b = 2;
	h.sp = 40000;
	h.dp = 2575;
	/* Twice each way: made, then kept. */
	for (i = 0; i < 2; i++) {
		head_check(&o, &h, "\"flow_id\":77,\"event_type\":\"anomaly\","
		    "\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		    "\"dest_ip\":\"10.0.0.2\",\"dest_port\":2575,"
		    "\"proto\":\"TCP\",\"n\":1}");
		h.a = 2, h.b = 1, h.sp = 2575, h.dp = 40000;
		head_check(&o, &h, "\"src_ip\":\"10.0.0.2\",\"src_port\":2575,"
		    "\"dest_ip\":\"10.0.0.1\",\"dest_port\":40000,");
		h.a = 1, h.b = 2, h.sp = 40000, h.dp = 2575;
	}
	/* VLANs that come and change mid-flow. */
	h.nvlan = 1;
	h.vlan[0] = 10;
	head_check(&o, &h, "\"event_type\":\"anomaly\",\"vlan\":[10],"
	    "\"src_ip\":\"10.0.0.1\"");
	h.vlan[0] = 11;
	head_check(&o, &h, "\"vlan\":[11],");
	h.nvlan = 2;
	h.vlan[1] = 12;
	head_check(&o, &h, "\"vlan\":[11,12],");
	h.nvlan = 0;
	head_check(&o, &h, "\"anomaly\",\"src_ip\"");
	/* Another address, another protocol under the same flow id. */
	h.b = 3;
	head_check(&o, &h, "\"dest_ip\":\"10.0.0.3\"");
	h.proto = 17;
	head_check(&o, &h, "\"proto\":\"UDP\"");
	h.proto = 1;
	h.sp = 8;
	h.dp = 0;
	head_check(&o, &h, "\"dest_ip\":\"10.0.0.3\",\"proto\":\"ICMP\","
	    "\"icmp_type\":8,\"icmp_code\":0");
	h.ipver = 6;
	h.proto = 58;
	head_check(&o, &h, "\"src_ip\":\"fe00::1\",\"dest_ip\":\"fe00::3\","
	    "\"proto\":\"IPv6-ICMP\"");
	/* Another flow, then the first again. */
	h.ipver = 4;
	h.proto = 6;
	h.sp = 40000;
	h.dp = 2575;
	head_check(&o, &h, "\"flow_id\":77,");
	h.flow_id = 109;
	head_check(&o, &h, "\"flow_id\":109,");
	h.flow_id = 77;
	head_check(&o, &h, "\"flow_id\":77,");
	/* A device (src only), then no flow and no tuple. */
	h.flow_id = 0;
	h.src_only = true;
	head_check(&o, &h, "\"event_type\":\"anomaly\",\"src_ip\":"
	    "\"10.0.0.1\",\"n\"");
	h.src_only = false;
	h.ipver = 0;
	head_check(&o, &h, "\"event_type\":\"anomaly\",\"n\":1}");
	out_close(&o);
}

/* One line of eve_format() for a TCP record of 10.0.0.1 to addr. */
static char *
format_line(const char *iface, const char *host, uint64_t seq,
    unsigned type, const uint8_t addr[4])
{
	struct util_tscache tsc;
	struct record r;
	struct jsonw jw;
	const char *t;
	char *line;
	size_t len;

	memset(&tsc, 0, sizeof(tsc));
	memset(&r, 0, sizeof(r));
	r.type = (uint16_t)type;
	r.event_type = "hl7";
	r.ts_us = 5000000;
	r.flow_id = 77;
	record_set_tuple(&r, 4, (const uint8_t *)"\x0a\x00\x00\x01", addr,
	    40000, 2575, 6);
	r.len = 7;
	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	eve_format(&jw, &r, "\"n\":123", iface, host, false, seq, 0, &tsc);
	t = jsonw_text(&jw, &len);
	assert_true(jsonw_ok(&jw));
	assert_non_null(line = strdup(t));
	jsonw_free(&jw);
	return line;
}

/* A member as jsonw_kv_str() writes it, alone. */
static char *
kv_text(const char *k, const char *v)
{
	struct jsonw jw;
	const char *t;
	char *s;
	size_t len;

	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&jw);
	jsonw_kv_str(&jw, k, v);
	jsonw_obj_close(&jw);
	t = jsonw_text(&jw, &len);
	assert_non_null(s = strndup(t + 1, len - 2));
	jsonw_free(&jw);
	return s;
}

/*
 * The interface and the sensor's name, written in the head's and the
 * tail's runs, are escaped as the writer escapes them, at every length
 * up to the run's limit and past it (where the writer takes them), and
 * stay where they were: "in_iface" after "flow_id", "host" before
 * "seq".  A stats record has no interface; seq 0 is not written.
 */
static void
test_eve_format_texts(void **state)
{
	static const char *const texts[] = {
		"vm", "eth0", "a\"b\\c\001d\te\x7f", "h\xc3\xa9te", "bad\xff",
		"", "0123456789012345678901234567890123456789012345678901234"
		"567890123",
	};
	static const uint8_t dst[4] = { 10, 0, 0, 2 };
	char v[200], want[1600], *kv, *l;
	size_t i, n;

	(void)state;
	for (i = 0; i < NELEM(texts) + 3; i++) {
		if (i < NELEM(texts))
			strcpy(v, texts[i]);
		else {
			/* 63 to 65 bytes, with quotes to escape. */
			n = 63 + (i - NELEM(texts));
			memset(v, '"', n);
			v[n] = '\0';
		}
		kv = kv_text("in_iface", v);
		l = format_line(v, NULL, 9, RECORD_APP + 1, dst);
		snprintf(want, sizeof(want), "{\"timestamp\":"
		    "\"1970-01-01T00:00:05.000000+0000\",\"flow_id\":77,%s,"
		    "\"event_type\":\"hl7\",\"src_ip\":\"10.0.0.1\",", kv);
		if (strncmp(l, want, strlen(want)) != 0)
			fail_msg("%s is not %s...", l, want);
		assert_non_null(strstr(l, ",\"n\":123,\"seq\":9}"));
		free(l);
		free(kv);
		kv = kv_text("host", v);
		l = format_line(NULL, v, 9, RECORD_APP + 1, dst);
		snprintf(want, sizeof(want), ",\"n\":123,%s,\"seq\":9}", kv);
		if (strstr(l, want) == NULL ||
		    strcmp(l + strlen(l) - strlen(want), want) != 0)
			fail_msg("%s does not end in %s", l, want);
		free(l);
		l = format_line(NULL, v, 0, RECORD_APP + 1, dst);
		snprintf(want, sizeof(want), ",\"n\":123,%s}", kv);
		if (strcmp(l + strlen(l) - strlen(want), want) != 0)
			fail_msg("%s does not end in %s", l, want);
		free(l);
		free(kv);
	}
	/* The worst case the head is sized for: both names 64 bytes, each
	 * byte escaped as \u00XX. */
	for (i = 0; i < 2; i++) {
		char *kh;

		memset(v, i == 0 ? '\001' : '\xff', 64);
		v[64] = '\0';
		kv = kv_text("in_iface", v);
		kh = kv_text("host", v);
		assert_true(strlen(kv) > 6 * 64);
		l = format_line(v, v, UINT64_MAX, RECORD_APP + 1, dst);
		assert_non_null(strstr(l, kv));
		snprintf(want, sizeof(want), ",\"n\":123,%s,\"seq\":%llu}",
		    kh, (unsigned long long)UINT64_MAX);
		if (strcmp(l + strlen(l) - strlen(want), want) != 0)
			fail_msg("%s does not end in %s", l, want);
		free(l);
		free(kh);
		free(kv);
	}
	l = format_line("eth0", NULL, 0, RECORD_STATS, dst);
	assert_null(strstr(l, "in_iface"));
	assert_non_null(strstr(l, "\"flow_id\":77,\"event_type\":\"hl7\","));
	assert_non_null(strstr(l, ",\"n\":123}"));
	free(l);
	l = format_line(NULL, NULL, 12345678901234ull, RECORD_APP + 1, dst);
	assert_non_null(strstr(l, ",\"n\":123,\"seq\":12345678901234}"));
	free(l);
}

/* A line of eve_format() with flow id and seq v. */
static char *
number_line(uint64_t v)
{
	struct util_tscache tsc;
	struct record r;
	struct jsonw jw;
	const char *t;
	char *line;
	size_t len;

	memset(&tsc, 0, sizeof(tsc));
	memset(&r, 0, sizeof(r));
	r.type = RECORD_ANOMALY;
	r.event_type = "anomaly";
	r.ts_us = 5000000;
	r.flow_id = v;
	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	eve_format(&jw, &r, "", NULL, NULL, false, v, 0, &tsc);
	t = jsonw_text(&jw, &len);
	assert_non_null(line = strdup(t));
	jsonw_free(&jw);
	return line;
}

/*
 * Numbers as jsonw_fmt_u64() writes them: every count of digits, each
 * power of ten and its neighbours, chunks of 8 digits with zeros in
 * them, the largest, and a spread of others.
 */
static void
test_eve_format_numbers(void **state)
{
	char want[160], d[20], *l;
	uint64_t v, p = 1, x = 88172645463325252ull;
	unsigned k, j;
	size_t n;

	(void)state;
	for (k = 0; k < 20; k++, p *= 10)
		for (j = 0; j < 9; j++) {
			switch (j) {
			case 0: v = p; break;
			case 1: v = p - 1; break;
			case 2: v = p + 1; break;
			case 3: v = p * 9 + p - 1; break;
			case 4: v = p * 5 + 7; break;
			case 5: v = k < 19 ? p * 10 - 1 : UINT64_MAX; break;
			case 6: v = p + 100000000ull; break;
			case 7: v = p * 3 + 1000000000000ull; break;
			default:
				/* xorshift64 */
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				v = x >> (k * 3);
				break;
			}
			if (v == 0)
				continue;
			n = jsonw_fmt_u64(v, d);
			snprintf(want, sizeof(want), "\"flow_id\":%" PRIu64
			    ",", v);
			assert_int_equal(n, strlen(want) - 11);
			assert_memory_equal(want + 10, d + 20 - n, n);
			l = number_line(v);
			if (strstr(l, want) == NULL)
				fail_msg("%s not in %s", want, l);
			snprintf(want, sizeof(want), ",\"seq\":%" PRIu64 "}",
			    v);
			if (strstr(l, want) == NULL)
				fail_msg("%s not in %s", want, l);
			free(l);
		}
}

/* IPv4 addresses as util_format_ip() writes them: every byte value,
 * in every place. */
static void
test_eve_format_ipv4(void **state)
{
	char a[UTIL_ADDRBUF], want[80], *l;
	uint8_t dst[4];
	unsigned v, k;

	(void)state;
	for (v = 0; v < 256; v++)
		for (k = 0; k < 4; k++) {
			dst[k] = (uint8_t)v;
			dst[(k + 1) % 4] = (uint8_t)(255 - v);
			dst[(k + 2) % 4] = (uint8_t)(v / 10);
			dst[(k + 3) % 4] = (uint8_t)(v * 7);
			util_format_ip(4, dst, a);
			snprintf(want, sizeof(want), ",\"dest_ip\":\"%s\","
			    "\"dest_port\":2575,", a);
			l = format_line(NULL, NULL, 0, RECORD_APP + 1, dst);
			if (strstr(l, want) == NULL)
				fail_msg("%s not in %s", want, l);
			free(l);
		}
}

static void
flow_extra(struct jsonw *jw, const struct flow *f)
{
	(void)f;
	JSONW_KV_UINT(jw, "x", 1);
}

/* One flow record of f; its line, malloc'ed. */
static char *
flow_line(struct out *o, const char *reason, const char *app_proto,
    struct flow *f, bool extra)
{
	struct record_writer w;
	char *line;

	o->len = 0;
	if (o->buf != NULL)
		o->buf[0] = '\0';
	record_writer_init(&w, o->stage);
	f->has_cid = false;
	eve_flow(&w, f, reason, app_proto, extra ? flow_extra : NULL, &opts);
	record_flush(&w);
	record_writer_free(&w);
	out_sync(o);
	assert_non_null(o->buf);
	line = strdup(o->buf);
	assert_non_null(line);
	return line;
}

/*
 * eve_flow() writes its members in one run: the same bytes, in the same
 * order, as the member-by-member writes it had (jsonw_kv_*()), escaping
 * included.
 */
static void
test_eve_flow_body(void **state)
{
	struct flow f;
	struct out o;
	char *l;

	(void)state;
	out_open(&o);
	flow_setup(&f, 1000, 1);
	f.ts_first = 1000000;
	f.ts_last = 62500000;
	f.pkts[FLOW_DIR_TOSERVER] = 3;
	f.pkts[FLOW_DIR_TOCLIENT] = 123456789012ull;
	f.bytes[FLOW_DIR_TOSERVER] = 0;
	f.bytes[FLOW_DIR_TOCLIENT] = UINT64_MAX;
	f.tcp_flags[0] = TH_SYN | TH_ACK;
	f.tcp_flags[1] = TH_FIN | TH_RST | TH_PSH | TH_URG | TH_ECE | TH_CWR;
	f.tcp.dir[FLOW_DIR_TOCLIENT].gap_bytes = 5;
	f.flags |= FLOW_F_EMERGENCY | FLOW_F_MIDSTREAM;
	l = flow_line(&o, "time\"out", "h\\l7", &f, true);
	assert_non_null(strstr(l, "\"proto\":\"TCP\",\"app_proto\":\"h\\\\l7\","
	    "\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":123456789012,"
	    "\"bytes_toserver\":0,"
	    "\"bytes_toclient\":18446744073709551615,"
	    "\"start\":\"1970-01-01T00:00:01.000000+0000\","
	    "\"end\":\"1970-01-01T00:01:02.500000+0000\",\"age\":61,"));
	assert_non_null(strstr(l, ",\"reason\":\"time\\\"out\","
	    "\"alerted\":false,\"emergency\":true},\"ether\":{\"src_mac\":"
	    "\"00:11:22:33:44:55\",\"dest_mac\":\"66:77:88:99:aa:bb\"},"
	    "\"community_id\":\"1:"));
	assert_non_null(strstr(l, "\",\"tcp\":{\"tcp_flags\":\"ff\","
	    "\"tcp_flags_ts\":\"12\",\"tcp_flags_tc\":\"ed\",\"syn\":true,"
	    "\"fin\":true,\"rst\":true,\"psh\":true,\"ack\":true,\"urg\":true,"
	    "\"ecn\":true,\"cwr\":true,\"tc_gap\":true,\"state\":\""));
	assert_non_null(strstr(l, "\"},\"x\":1,\"wardwatch\":{"
	    "\"midstream\":true,\"gap_bytes_toclient\":5}}"));
	free(l);

	/* UDP, no app protocol, no MACs, no reason: none of those. */
	flow_setup(&f, 1001, 2);
	f.proto = 17;
	f.has_mac = false;
	l = flow_line(&o, NULL, NULL, &f, false);
	assert_non_null(strstr(l, "\"proto\":\"UDP\",\"flow\":{"
	    "\"pkts_toserver\":0,"));
	assert_non_null(strstr(l, ",\"reason\":null,\"alerted\":false},"
	    "\"community_id\":\"1:"));
	assert_null(strstr(l, "\"tcp\""));
	assert_null(strstr(l, "\"ether\""));
	assert_null(strstr(l, "\"wardwatch\""));
	free(l);

	/* The worst case the run is sized for: every count the largest,
	 * every member there, and an app protocol and a reason of 200
	 * bytes each escaped sixfold (the run's own assert checks the
	 * bound). */
	{
		char big[201], *kv;

		memset(big, '\001', 200);
		big[200] = '\0';
		flow_setup(&f, 1002, 1);
		f.ts_first = 1000000;
		f.ts_last = UINT64_MAX / 2;
		f.pkts[0] = f.pkts[1] = UINT64_MAX;
		f.bytes[0] = f.bytes[1] = UINT64_MAX;
		f.tcp_flags[0] = f.tcp_flags[1] = 0xff;
		f.tcp.dir[0].gap_bytes = f.tcp.dir[1].gap_bytes = UINT64_MAX;
		f.flags |= FLOW_F_EMERGENCY | FLOW_F_MIDSTREAM;
		l = flow_line(&o, big, big, &f, true);
		kv = kv_text("app_proto", big);
		assert_non_null(strstr(l, kv));
		free(kv);
		kv = kv_text("reason", big);
		assert_non_null(strstr(l, kv));
		free(kv);
		assert_non_null(strstr(l, "\"pkts_toclient\":"
		    "18446744073709551615,"));
		free(l);
	}
	out_close(&o);
}

/* The text of member key ("start", "end") in line l, malloc'ed. */
static char *
member_text(const char *l, const char *key)
{
	char pat[32], *v;
	const char *b, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	b = strstr(l, pat);
	if (b == NULL)
		fail_msg("%s not in %s", pat, l);
	b += strlen(pat);
	e = strchr(b, '"');
	assert_non_null(e);
	v = strndup(b, (size_t)(e - b));
	assert_non_null(v);
	return v;
}

/*
 * Flow start and end go through the writer's cache of the last second
 * formatted (ts_cache): on one writer, each record's times equal
 * util_format_ts()'s, whether a time goes back across a second, keeps
 * the microseconds in another second, keeps the second with other
 * microseconds, or switches between UTC and local time (a zone with
 * an offset, so that the two differ).
 */
static void
test_eve_flow_times(void **state)
{
	static const struct {
		uint64_t	 first, last;
		bool		 local;
	} t[] = {
		{ 1700000005250000ull, 1700000010999999ull, false },
		/* Back across a second; the same second as the end. */
		{ 1700000004999999ull, 1700000010000001ull, false },
		/* The same microseconds as the first, other seconds. */
		{ 1700000003250000ull, 1700000011999999ull, false },
		/* The same times in local time, then back to UTC. */
		{ 1700000003250000ull, 1700000011999999ull, true },
		{ 1700000003000007ull, 1700000011500000ull, true },
		{ 1700000003000007ull, 1700000011500000ull, false },
		{ 1700000003999999ull, 1700000011000000ull, true },
		/* Forward a second, back one, then the same second. */
		{ 1700000004000000ull, 1700000012000000ull, true },
		{ 1700000003000000ull, 1700000011000000ull, true },
		{ 1700000003250000ull, 1700000011250000ull, false },
	};
	struct eve_opts eo = opts;
	struct record_writer w;
	char want[UTIL_TSBUF], other[UTIL_TSBUF], *l, *v;
	const char *tz = getenv("TZ");
	char *savetz = tz != NULL ? strdup(tz) : NULL;
	struct flow f;
	struct out o;
	size_t i;

	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	util_format_ts(t[0].first, true, want);
	util_format_ts(t[0].first, false, other);
	assert_string_not_equal(want, other);

	out_open(&o);
	record_writer_init(&w, o.stage);
	for (i = 0; i < NELEM(t); i++) {
		o.len = 0;
		if (o.buf != NULL)
			o.buf[0] = '\0';
		flow_setup(&f, 2000 + i, 1);
		f.ts_first = t[i].first;
		f.ts_last = t[i].last;
		eo.localtime = t[i].local;
		eve_flow(&w, &f, "timeout", NULL, NULL, &eo);
		record_flush(&w);
		out_sync(&o);
		assert_non_null(o.buf);
		l = o.buf;

		v = member_text(l, "start");
		util_format_ts(t[i].first, t[i].local, want);
		if (strcmp(v, want) != 0)
			fail_msg("record %zu start %s, not %s", i, v, want);
		free(v);
		v = member_text(l, "end");
		util_format_ts(t[i].last, t[i].local, want);
		if (strcmp(v, want) != 0)
			fail_msg("record %zu end %s, not %s", i, v, want);
		free(v);
	}
	record_writer_free(&w);
	out_close(&o);

	if (savetz != NULL)
		setenv("TZ", savetz, 1);
	else
		unsetenv("TZ");
	free(savetz);
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eve_app_head),
		cmocka_unit_test(test_eve_app_macs),
		cmocka_unit_test(test_eve_format_head),
		cmocka_unit_test(test_eve_format_texts),
		cmocka_unit_test(test_eve_format_ipv4),
		cmocka_unit_test(test_eve_format_numbers),
		cmocka_unit_test(test_eve_flow_body),
		cmocka_unit_test(test_eve_flow_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
