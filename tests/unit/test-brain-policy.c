/*
 * test-brain-policy.c - the brain's zero-trust judgments: a flow its
 * profile allows raises nothing, one it does not is a gid 9200 alert
 * that names the rule (file:line), what it allowed and what was seen,
 * once per window; observing profiles count only; a router is never
 * judged; what a device did while learning is allowed afterwards and
 * reported once as findings (not in strict mode); device records carry
 * zone and policy state; what devices did survives in the state and
 * "policy suggest" turns it into profiles that load and allow it.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/activity.h"
#include "app/app.h"
#include "app/evidence.h"
#include "device/brain.h"
#include "device/brain-int.h"
#include "output/eve.h"
#include "policy/policy.h"
#include "policy/zone.h"
#include "sink-mock.h"
#include "state/state.h"
#include "util/events.h"
#include "util/util.h"

#define SEC	1000000ull

/* Line numbers matter: alerts cite them. */
static const char site_yaml[] =
    "profiles:\n"					/* 1 */
    "  - class: infusion-pump\n"			/* 2 */
    "    initiate:\n"					/* 3 */
    "      - { class: interface-engine, proto: tcp, port: 2575 }\n"
    "    accept: []\n"					/* 5 */
    "    internet: deny\n"				/* 6 */
    "  - class: patient-monitor\n"			/* 7 */
    "    mode: observe\n";				/* 8 */

struct fix {
	struct brain_config cfg;
	struct counters ctr;
	struct out out;
	struct brain *b;
	char file[64];
	char db[64];
};

static const char *reuse_db;	/* fix_new(): this database, kept */
static const char *policy_text = site_yaml;	/* fix_new()'s policy */
/* Devices' baselines learn this long (seconds; 0: they enforce at
 * once), and policy learns with them. */
static uint32_t learning_period;

static struct fix *
fix_new(bool strict, bool with_db)
{
	struct fix *x = calloc(1, sizeof(*x));
	FILE *f;
	int fd;

	brain_config_defaults(&x->cfg);
	free(x->cfg.fingerprints);
	free(x->cfg.oui_dir);
	x->cfg.fingerprints = strdup(WW_SRCDIR "/tests/unit/brain/fp");
	x->cfg.builtin_fingerprints = false;
	x->cfg.oui_dir = strdup(WW_SRCDIR "/tests/unit/brain/oui");
	strlcpy(x->file, "/tmp/test-brain-policy.XXXXXX", sizeof(x->file));
	assert_true((fd = mkstemp(x->file)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(policy_text, f);
	fclose(f);
	x->cfg.policy_files = calloc(1, sizeof(char *));
	x->cfg.policy_files[0] = strdup(x->file);
	x->cfg.n_policy_files = 1;
	x->cfg.policy_mode = strict ? POL_SET_STRICT : POL_SET_LEARNED;
	x->cfg.baseline.learning_period = learning_period;
	x->cfg.zones = zones_new();
	assert_int_equal(zones_add_vlan(x->cfg.zones,
	    zones_add(x->cfg.zones, "medical"), 20), 0);
	if (with_db && reuse_db != NULL)
		strlcpy(x->db, reuse_db, sizeof(x->db));
	else if (with_db) {
		strlcpy(x->db, "/tmp/test-brain-policy-db.XXXXXX",
		    sizeof(x->db));
		assert_true((fd = mkstemp(x->db)) >= 0);
		close(fd);
		unlink(x->db);
	}
	x->b = brain_new(&x->cfg, 1, with_db ? x->db : NULL,
	    out_open(&x->out), &x->ctr, stderr);
	assert_non_null(x->b);
	return x;
}

static void
fix_free(struct fix *x)
{
	brain_free(x->b);
	unlink(x->file);
	brain_config_free(&x->cfg);
	out_close(&x->out);
	free(x);
}

static const uint8_t MAC_PUMP[6] = { 0x00, 0x40, 0xc1, 0x00, 0x00, 0x01 };
static const uint8_t MAC_MON[6] = { 0x00, 0x09, 0x5c, 0x00, 0x00, 0x02 };
static const uint8_t MAC_ENG[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0x03 };
static const uint8_t MAC_RTR[6] = { 0x00, 0x11, 0x22, 0x00, 0x00, 0xfe };

static uint32_t seqno;

static void
end_set(struct brain_end *e, const uint8_t *mac, const char *ip)
{
	memset(e, 0, sizeof(*e));
	if (mac != NULL) {
		memcpy(e->mac, mac, 6);
		e->has_mac = true;
	}
	if (ip != NULL) {
		assert_int_equal(dev_ip_parse(ip, &e->ip), 0);
		e->has_ip = true;
	}
}

static void
evidence(struct brain_queue *q, uint64_t ts, const uint8_t *mac,
    const char *ip, const char *key, const char *value)
{
	struct brain_ev *ev = brain_queue_add(q);
	int k = evidence_key_lookup(key);

	assert_true(k >= 0);
	ev->kind = BRAIN_EV_EVIDENCE;
	ev->ts_us = ts;
	ev->pcap_cnt = ts;
	ev->fkey = 1;
	ev->seq = seqno++;
	ev->vlan = 20;
	end_set(&ev->end[0], mac, ip);
	ev->key = (uint8_t)k;
	strlcpy(ev->value, value, sizeof(ev->value));
}

static void
flow(struct brain_queue *q, uint64_t ts, const uint8_t *cmac,
    const char *cip, const uint8_t *smac, const char *sip, uint16_t dport,
    uint8_t app)
{
	struct brain_ev *ev = brain_queue_add(q);

	ev->kind = BRAIN_EV_FLOW;
	ev->ts_us = ts;
	ev->fkey = 2 + ts;
	ev->seq = seqno++;
	ev->vlan = 20;
	ev->proto = 6;
	ev->sport = 40000;
	ev->dport = dport;
	ev->app = app;
	ev->answered = true;
	ev->pkts[0] = ev->pkts[1] = 3;
	ev->bytes[0] = ev->bytes[1] = 300;
	end_set(&ev->end[0], cmac, cip);
	end_set(&ev->end[1], smac, sip);
}

/* A pump, a monitor and an interface engine, identified. */
static void
ward(struct fix *x, struct brain_queue *q)
{
	evidence(q, 1 * SEC, MAC_PUMP, "10.20.0.50", "dhcp.vendor_class",
	    "Baxter SIGMA Spectrum");
	evidence(q, 1 * SEC, MAC_MON, "10.20.0.51", "hl7.observation",
	    "MDC_ECG_HEART_RATE");
	evidence(q, 1 * SEC, MAC_ENG, "10.20.0.5", "behaviour", "hl7_hub");
	brain_sync(x->b, 0, 2 * SEC, q);
}

static size_t
count(const struct out *o, const char *needle)
{
	const char *p;
	size_t n = 0;

	out_sync(o);
	for (p = o->buf; p != NULL && (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

/*
 * A device record's "peers" (brain-peers.c) names other devices by
 * MAC: cut it from a line, so that a search for a device's MAC finds
 * that device's record, not a record that lists it as a peer.
 */
static void
cut_peers(char *line)
{
	char *s = strstr(line, ",\"peers\":["), *e;

	if (s == NULL || (e = strchr(s, ']')) == NULL)
		return;
	memmove(s, e + 1, strlen(e + 1) + 1);
}

static char *
line_with(const struct out *o, const char *a, const char *b)
{
	static char line[65536];
	const char *p, *nl;
	size_t n;

	out_sync(o);
	for (p = o->buf; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 :
	    NULL) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		cut_peers(line);
		if (strstr(line, a) && (b == NULL || strstr(line, b)))
			return line;
	}
	return NULL;
}

static void
test_allowed_and_violation(void **state)
{
	struct fix *x = fix_new(false, false);
	struct brain_queue q = { 0 };
	char want[128];
	const char *l;
	int i;

	(void)state;
	ward(x, &q);
	assert_string_equal(dev_best(&x->b->devs[2]->d, DEV_A_CLASS)->value,
	    "interface-engine");
	/* HL7 to the interface engine: allowed. */
	flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_ENG, "10.20.0.5", 2575,
	    APP_HL7);
	brain_sync(x->b, 0, 4 * SEC, &q);
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 0);
	/* Telnet to the monitor, five times in the window: one alert. */
	for (i = 0; i < 5; i++)
		flow(&q, (uint64_t)(5 + i) * SEC, MAC_PUMP, "10.20.0.50",
		    MAC_MON, "10.20.0.51", 23, APP_TELNET);
	brain_sync(x->b, 0, 20 * SEC, &q);
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 1);
	l = line_with(&x->out, "\"gid\":9200", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"signature_id\":1,"));
	snprintf(want, sizeof(want), "\"rule\":\"%s:3\"", x->file);
	assert_non_null(strstr(l, want));
	assert_non_null(strstr(l, "\"expected\":\"initiate: class "
	    "interface-engine tcp/2575\""));
	assert_non_null(strstr(l, "\"seen\":\"initiated tcp/23 telnet to "
	    "class patient-monitor in zone medical\""));
	assert_non_null(strstr(l, "\"severity\":2"));
	assert_non_null(strstr(l, "\"src_ip\":\"10.20.0.50\""));
	assert_non_null(strstr(l, "\"dest_port\":23"));
	assert_non_null(strstr(l, "\"zone\":\"medical\""));
	/* The monitor accepted it: its profile observes, no alert. */
	assert_null(strstr(l, "\"profile\":\"patient-monitor\""));
	/* After the window: one more, counting those held back. */
	flow(&q, 4000 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 4001 * SEC, &q);
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 2);
	assert_non_null(line_with(&x->out, "\"gid\":9200", "\"count\":5"));
	brain_queue_free(&q);
	fix_free(x);
}

static void
test_records_and_observe(void **state)
{
	struct fix *x = fix_new(false, false);
	struct brain_queue q = { 0 };
	const char *l;

	(void)state;
	ward(x, &q);
	/* The monitor (observe) talks to the pump: counted, no alert. */
	flow(&q, 3 * SEC, MAC_MON, "10.20.0.51", MAC_PUMP, "10.20.0.50", 80,
	    APP_HTTP);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(brain_finish(x->b, 5 * SEC), 0);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 1);	/* pump */
	assert_non_null(line_with(&x->out, "\"gid\":9200",
	    "\"seen\":\"accepted tcp/80 http from class patient-monitor"));
	l = line_with(&x->out, "\"event\":\"snapshot\"", "00:09:5c:00:00:02");
	assert_non_null(l);
	assert_non_null(strstr(l, "\"zone\":\"medical\""));
	assert_non_null(strstr(l, "\"policy\":{\"profile\":\"patient-monitor\""
	    ",\"file\":\""));
	assert_non_null(strstr(l, "\"mode\":\"observe\",\"state\":"
	    "\"enforcing\",\"alerts\":0,\"violations\":1}"));
	l = line_with(&x->out, "\"event\":\"snapshot\"", "00:40:c1:00:00:01");
	assert_non_null(strstr(l, "\"alerts\":1,\"violations\":1}"));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * The alert counts the assessment reads follow the flow's direction:
 * the pump judged for what it accepted (by its policy and its
 * baseline) counts the alerts as destination, for what it initiated
 * as source.
 */
static void
test_alert_count_direction(void **state)
{
	struct fix *x = fix_new(false, true);
	struct brain_queue q = { 0 };
	const struct brain_dev *pump;
	size_t k, n9200 = 0, before;
	char db[64];

	(void)state;
	ward(x, &q);
	pump = x->b->devs[0];
	assert_memory_equal(pump->d.mac, MAC_PUMP, 6);
	flow(&q, 3 * SEC, MAC_MON, "10.20.0.51", MAC_PUMP, "10.20.0.50", 80,
	    APP_HTTP);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_true(pump->nalerts >= 1);
	for (k = 0; k < pump->nalerts; k++) {
		n9200 += pump->alerts[k].gid == 9200;
		assert_int_equal(pump->alerts[k].as_src, 0);
		assert_int_equal(pump->alerts[k].as_dst, 1);
	}
	assert_int_equal(n9200, 1);
	/* The pump initiates telnet to the monitor: new alerts, as
	 * source. */
	before = pump->nalerts;
	flow(&q, 5 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 6 * SEC, &q);
	assert_true(pump->nalerts > before);
	for (k = before; k < pump->nalerts; k++) {
		assert_int_equal(pump->alerts[k].as_src, 1);
		assert_int_equal(pump->alerts[k].as_dst, 0);
	}
	brain_queue_free(&q);
	strlcpy(db, x->db, sizeof(db));
	fix_free(x);
	unlink(db);
}

/* A router, its own address included, is not a device to judge. */
static void
test_router_not_judged(void **state)
{
	struct fix *x = fix_new(false, false);
	struct brain_queue q = { 0 };
	char ip[32];
	int i;

	(void)state;
	ward(x, &q);
	for (i = 1; i <= 4; i++) {
		snprintf(ip, sizeof(ip), "10.99.0.%d", i);
		flow(&q, 3 * SEC + (uint64_t)i, MAC_RTR, ip, MAC_ENG,
		    "10.20.0.5", 2575, APP_HL7);
	}
	brain_sync(x->b, 0, 4 * SEC, &q);
	flow(&q, 5 * SEC, MAC_RTR, "10.20.0.1", MAC_PUMP, "10.20.0.50", 22,
	    APP_SSH);
	brain_sync(x->b, 0, 6 * SEC, &q);
	record_flush(&x->b->rw);
	/* Hosts behind it (by address) and the pump that accepted may be;
	 * the router itself never. */
	assert_null(line_with(&x->out, "\"gid\":9200",
	    "\"src_device\":{\"mac\":\"00:11:22:00:00:fe\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * Learning (the baselines' period): absorbed, allowed later, findings
 * once; strict alerts; a medical device on the internet alerts even
 * while it learns.
 */
static void
test_learning(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	const char *l;
	int strict;

	(void)state;
	learning_period = 3600;
	for (strict = 0; strict < 2; strict++) {
		x = fix_new(strict, false);
		ward(x, &q);
		flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON,
		    "10.20.0.51", 23, APP_TELNET);
		flow(&q, 4 * SEC, MAC_PUMP, "10.20.0.50", NULL, "81.2.69.142",
		    443, APP_TLS);
		brain_sync(x->b, 0, 5 * SEC, &q);
		assert_true(brain_policy_is_learning(x->b->devs[0]));
		/* Its baseline's period ends: it enforces. */
		flow(&q, 5000 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON,
		    "10.20.0.51", 23, APP_TELNET);
		flow(&q, 5001 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON,
		    "10.20.0.51", 22, APP_SSH);
		brain_sync(x->b, 0, 5002 * SEC, &q);
		assert_false(brain_policy_is_learning(x->b->devs[0]));
		record_flush(&x->b->rw);
		assert_non_null(line_with(&x->out, "\"signature_id\":2,",
		    "81.2.69.142"));
		l = line_with(&x->out, "\"event\":\"policy_findings\"", NULL);
		if (strict) {
			assert_null(l);
			assert_int_equal(count(&x->out, "\"gid\":9200"), 4);
		} else {
			assert_non_null(l);
			assert_non_null(strstr(l, "\"initiate\":[\"class "
			    "patient-monitor tcp/23 telnet\",\"zone internet "
			    "tcp/443 tls\"]"));
			assert_non_null(strstr(l, "\"internet\":true"));
			/* Telnet learned; SSH was not. */
			assert_int_equal(count(&x->out, "\"gid\":9200"), 2);
			assert_non_null(line_with(&x->out, "\"gid\":9200",
			    "tcp/22 ssh"));
		}
		brain_queue_free(&q);
		fix_free(x);
	}
	learning_period = 0;
}

/* A run that ends while the device still learns: its findings so far,
 * once. */
static void
test_learning_run_end(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	const char *l;

	(void)state;
	learning_period = 3600;
	x = fix_new(false, false);
	learning_period = 0;
	ward(x, &q);
	flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(brain_finish(x->b, 5 * SEC), 0);
	/* The pump's (the monitor's profile observes: nothing learned). */
	assert_int_equal(count(&x->out, "\"event\":\"policy_findings\""),
	    1);
	l = line_with(&x->out, "\"event\":\"policy_findings\"",
	    "00:40:c1:00:00:01");
	assert_non_null(l);
	assert_non_null(strstr(l, "\"state\":\"learning\""));
	assert_int_equal(count(&x->out, "\"gid\":9200"), 0);
	brain_queue_free(&q);
	fix_free(x);
}

/* What a device learned is enforced in the next run too. */
static void
test_learned_persists(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	char db[64];

	(void)state;
	learning_period = 3600;
	x = fix_new(false, true);
	learning_period = 0;
	ward(x, &q);
	flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(brain_finish(x->b, 5 * SEC), 0);
	strlcpy(db, x->db, sizeof(db));
	fix_free(x);

	reuse_db = db;
	x = fix_new(false, true);
	reuse_db = NULL;
	flow(&q, 6000 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    23, APP_TELNET);
	flow(&q, 6001 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    22, APP_SSH);
	brain_sync(x->b, 0, 6002 * SEC, &q);
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 1);
	assert_non_null(line_with(&x->out, "\"gid\":9200", "tcp/22 ssh"));
	brain_queue_free(&q);
	fix_free(x);
	unlink(db);
}

/* The state's policy rows, each turned into what older versions
 * wrote (YAML), or checked to be in the compact form. */
struct rows {
	char	 key[8][128];
	char	*yaml[8];
	size_t	 n, compact;
};

static int
rows_cb(void *arg, const char *key, const char *value, size_t len)
{
	struct rows *r = arg;
	struct policy *pol = brain_policy_new();
	size_t i, n;
	FILE *f;

	assert_true(r->n < 8);
	if (len >= strlen(POL_COMPACT_MAGIC) && memcmp(value,
	    POL_COMPACT_MAGIC, strlen(POL_COMPACT_MAGIC)) == 0)
		r->compact++;
	assert_int_equal(policy_load_saved(pol, key, value, len, stderr), 0);
	strlcpy(r->key[r->n], key, sizeof(r->key[r->n]));
	assert_non_null(f = open_memstream(&r->yaml[r->n], &n));
	fputs("profiles:\n", f);
	for (i = 0; i < policy_count(pol); i++)
		policy_write_yaml(f, policy_at(pol, i));
	fclose(f);
	r->n++;
	policy_free(pol);
	return 0;
}

/*
 * A state written before the compact form (its sets as YAML) still
 * loads: what the pump learned then is allowed now; the sets are
 * written again in the compact form.
 */
static void
test_learned_persists_yaml(void **state)
{
	struct brain_queue q = { 0 };
	struct rows r;
	struct state *st;
	struct fix *x;
	char db[64];
	size_t i;

	(void)state;
	learning_period = 3600;
	x = fix_new(false, true);
	learning_period = 0;
	ward(x, &q);
	flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(brain_finish(x->b, 5 * SEC), 0);
	strlcpy(db, x->db, sizeof(db));
	fix_free(x);

	/* The old form in place of the new. */
	memset(&r, 0, sizeof(r));
	assert_non_null(st = state_open(db, stderr));
	assert_int_equal(state_meta_each(st, "policy.", rows_cb, &r), 0);
	assert_true(r.n >= 2);
	assert_int_equal(r.compact, r.n);
	for (i = 0; i < r.n; i++) {
		assert_non_null(strstr(r.yaml[i], "  - class: "));
		assert_int_equal(state_meta_set(st, r.key[i], r.yaml[i]), 0);
		free(r.yaml[i]);
	}
	state_close(st);

	reuse_db = db;
	x = fix_new(false, true);
	reuse_db = NULL;
	flow(&q, 6000 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    23, APP_TELNET);
	flow(&q, 6001 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51",
	    22, APP_SSH);
	brain_sync(x->b, 0, 6002 * SEC, &q);
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"gid\":9200"), 1);
	assert_non_null(line_with(&x->out, "\"gid\":9200", "tcp/22 ssh"));
	assert_int_equal(brain_finish(x->b, 6003 * SEC), 0);
	brain_queue_free(&q);
	fix_free(x);

	/* Written again, in the compact form. */
	memset(&r, 0, sizeof(r));
	assert_non_null(st = state_open(db, stderr));
	assert_int_equal(state_meta_each(st, "policy.", rows_cb, &r), 0);
	assert_true(r.n >= 2);
	assert_int_equal(r.compact, r.n);
	for (i = 0; i < r.n; i++)
		free(r.yaml[i]);
	state_close(st);
	unlink(db);
}

/* HL7 and DICOM activity, logins: judged for the actor and its peer. */
static void
test_activity(void **state)
{
	struct fix *x = fix_new(true, false);
	struct brain_queue q = { 0 };
	struct brain_ev ev;

	(void)state;
	ward(x, &q);
	memset(&ev, 0, sizeof(ev));
	ev.ts_us = 3 * SEC;
	ev.vlan = 20;
	ev.proto = 6;
	ev.dport = 2575;
	end_set(&ev.end[0], MAC_PUMP, "10.20.0.50");
	end_set(&ev.end[1], MAC_ENG, "10.20.0.5");
	/* The pump's profile names no HL7 types: sending any is not allowed;
	 * the interface engine (shipped profile) receives anything. */
	brain_policy_act(x->b, &ev, 'h', x->b->devs[0], x->b->devs[2],
	    "ORU^R01", NULL);
	brain_policy_act(x->b, &ev, 'l', x->b->devs[0], x->b->devs[2],
	    "telnet", NULL);
	ev.ts_us = 4 * SEC;
	brain_policy_act(x->b, &ev, 'd', x->b->devs[0], x->b->devs[2],
	    "C-FIND", NULL);
	/* The same through the brain's queue, as the parsers send it: a
	 * telnet login from the pump to the monitor. */
	{
		struct brain_ev *e = brain_queue_add(&q);

		e->kind = BRAIN_EV_ACTIVITY;
		e->ts_us = 5 * SEC;
		e->fkey = 99;
		e->vlan = 20;
		e->proto = 6;
		e->dport = 23;
		e->key = ACT_LOGIN;
		strlcpy(e->value, "telnet\tok", sizeof(e->value));
		end_set(&e->end[0], MAC_PUMP, "10.20.0.50");
		end_set(&e->end[1], MAC_MON, "10.20.0.51");
		brain_sync(x->b, 0, 6 * SEC, &q);
	}
	record_flush(&x->b->rw);
	assert_non_null(line_with(&x->out, "\"signature_id\":3,",
	    "\"seen\":\"telnet login to patient-monitor in zone medical\""));
	assert_int_equal(count(&x->out, "\"gid\":9200"), 4);
	assert_non_null(line_with(&x->out, "\"signature_id\":4,",
	    "\"expected\":\"hl7.send: none\""));
	assert_non_null(line_with(&x->out, "\"signature_id\":3,",
	    "\"seen\":\"telnet login to interface-engine"));
	assert_non_null(line_with(&x->out, "\"signature_id\":5,",
	    "\"expected\":\"dicom.scu: none\""));
	/* What was seen, in words (written only with the alert). */
	assert_non_null(line_with(&x->out, "\"signature_id\":4,",
	    "\"seen\":\"HL7 ORU^R01 sent to interface-engine in zone "));
	assert_non_null(line_with(&x->out, "\"signature_id\":5,",
	    "\"seen\":\"DICOM C-FIND requested of interface-engine in "
	    "zone "));
	/* The interface engine's own profile allows HL7 and C-FIND. */
	assert_null(line_with(&x->out, "\"gid\":9200",
	    "\"profile\":\"interface-engine\""));
	brain_queue_free(&q);
	fix_free(x);
}

/* The pump sends the engine an HL7 message of this type at t seconds. */
static void
hl7_send(struct fix *x, uint64_t t, const char *type)
{
	struct brain_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.vlan = 20;
	ev.proto = 6;
	ev.dport = 2575;
	ev.ts_us = t * SEC;
	end_set(&ev.end[0], MAC_PUMP, "10.20.0.50");
	end_set(&ev.end[1], MAC_ENG, "10.20.0.5");
	brain_policy_act(x->b, &ev, 'h', x->b->devs[0], x->b->devs[2], type,
	    NULL);
}

/*
 * The same HL7 type again is judged as the first one was, until what
 * it is judged against changes: a type the pump learned is allowed
 * once it enforces, though it was a violation when first seen; the
 * same type with a third component is the same; another type is not.
 */
static void
test_hl7_again(void **state)
{
	struct brain_queue q = { 0 };
	struct fix *x;
	uint64_t t;

	(void)state;
	learning_period = 3600;
	x = fix_new(false, false);
	learning_period = 0;
	ward(x, &q);
	flow(&q, 2 * SEC, MAC_PUMP, "10.20.0.50", MAC_ENG, "10.20.0.5", 2575,
	    APP_UNKNOWN);
	brain_sync(x->b, 0, 2 * SEC + 1, &q);
	assert_true(brain_policy_is_learning(x->b->devs[0]));
	/* Learning: learned, no alert, each time. */
	for (t = 3; t < 6; t++)
		hl7_send(x, t, "ORU^R01");
	/* Its learning ends. */
	flow(&q, 5000 * SEC, MAC_PUMP, "10.20.0.50", MAC_ENG, "10.20.0.5",
	    2575, APP_UNKNOWN);
	brain_sync(x->b, 0, 5001 * SEC, &q);
	assert_false(brain_policy_is_learning(x->b->devs[0]));
	for (t = 5002; t < 5005; t++)
		hl7_send(x, t, t == 5003 ? "ORU^R01^ORU_R01" : "ORU^R01");
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"signature_id\":4,"), 0);
	hl7_send(x, 5006, "ADT^A01");
	hl7_send(x, 5006, "ORU^R01");
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"signature_id\":4,"), 1);
	assert_non_null(line_with(&x->out, "\"signature_id\":4,",
	    "\"expected\":\"hl7.send: ORU^R01\""));
	brain_queue_free(&q);
	fix_free(x);
}

/*
 * The HL7 verdict kept for the same type again (brain-policy.c's memo)
 * is forgotten when the policy changes under it: a reload that no
 * longer allows the type judges it anew, at once.
 */
static const char hl7_yaml[] =
    "profiles:\n"
    "  - class: infusion-pump\n"
    "    initiate:\n"
    "      - { class: interface-engine, proto: tcp, port: 2575, app: hl7 }\n"
    "    hl7: { send: [%s] }\n";

static void
test_hl7_reload(void **state)
{
	struct brain_queue q = { 0 };
	struct brain_judge *j;
	struct fix *x;
	char text[512];
	FILE *f;
	uint64_t t;

	(void)state;
	snprintf(text, sizeof(text), hl7_yaml, "ORU^R01");
	policy_text = text;
	learning_period = 0;
	x = fix_new(false, false);
	policy_text = site_yaml;
	ward(x, &q);
	assert_false(brain_policy_is_learning(x->b->devs[0]));
	for (t = 3; t < 6; t++)
		hl7_send(x, t, "ORU^R01");
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"signature_id\":4,"), 0);

	/* The same file, now allowing another type only. */
	snprintf(text, sizeof(text), hl7_yaml, "ADT^A01");
	assert_non_null(f = fopen(x->file, "w"));
	fputs(text, f);
	fclose(f);
	assert_non_null(j = brain_judge_load(&x->cfg, x->b->fp, stderr));
	brain_reload_judge(x->b, j);
	hl7_send(x, 7, "ORU^R01");
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"signature_id\":4,"), 1);
	assert_non_null(line_with(&x->out, "\"signature_id\":4,",
	    "\"expected\":\"hl7.send: ADT^A01\""));
	/* And the allowed type is allowed, kept or not. */
	hl7_send(x, 8, "ADT^A01");
	hl7_send(x, 9, "ADT^A01");
	record_flush(&x->b->rw);
	assert_int_equal(count(&x->out, "\"signature_id\":4,"), 1);
	brain_queue_free(&q);
	fix_free(x);
}

/* What devices did survives in the state, and suggest allows it. */
static void
test_suggest(void **state)
{
	struct fix *x = fix_new(false, true);
	struct brain_queue q = { 0 };
	struct policy *pol;
	struct pol_verdict v;
	struct pol_flow f = { true, "medical", "patient-monitor", 6, 23,
	    "telnet", NULL };
	char db[64], *buf;
	size_t len;
	FILE *out;

	(void)state;
	ward(x, &q);
	flow(&q, 3 * SEC, MAC_PUMP, "10.20.0.50", MAC_MON, "10.20.0.51", 23,
	    APP_TELNET);
	brain_sync(x->b, 0, 4 * SEC, &q);
	assert_int_equal(brain_finish(x->b, 5 * SEC), 0);
	strlcpy(db, x->db, sizeof(db));
	fix_free(x);
	assert_non_null(out = open_memstream(&buf, &len));
	assert_int_equal(brain_policy_suggest(db, NULL, "infusion-pump", out,
	    stderr), 0);
	fclose(out);
	pol = brain_policy_new();
	if (policy_load_buffer(pol, "suggested", buf, len, stderr) != 0)
		fail_msg("%s", buf);
	assert_int_equal(policy_count(pol), 1);
	assert_int_equal(policy_judge_flow(policy_find(pol, NULL, NULL,
	    "infusion-pump"), NULL, &f, &v), POL_OK);
	f.port = 22;
	assert_int_equal(policy_judge_flow(policy_find(pol, NULL, NULL,
	    "infusion-pump"), NULL, &f, &v), POL_SID_CONNECTION);
	policy_free(pol);
	free(buf);
	/* By device, and the errors. */
	assert_non_null(out = open_memstream(&buf, &len));
	assert_int_equal(brain_policy_suggest(db, "00:40:c1:00:00:01", NULL,
	    out, stderr), 0);
	assert_int_equal(brain_policy_suggest(db, "00:40:c1:00:00:99", NULL,
	    out, out), 1);
	assert_int_equal(brain_policy_suggest(db, "zz", NULL, out, out), 1);
	assert_int_equal(brain_policy_suggest(db, NULL, "toaster", out, out),
	    1);
	fclose(out);
	assert_non_null(strstr(buf, "  - device: \"00:40:c1:00:00:01\"\n"));
	assert_non_null(strstr(buf, "--device zz: not a MAC address"));
	free(buf);
	brain_queue_free(&q);
	unlink(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_and_violation),
		cmocka_unit_test(test_records_and_observe),
		cmocka_unit_test(test_alert_count_direction),
		cmocka_unit_test(test_router_not_judged),
		cmocka_unit_test(test_learning),
		cmocka_unit_test(test_learning_run_end),
		cmocka_unit_test(test_learned_persists),
		cmocka_unit_test(test_learned_persists_yaml),
		cmocka_unit_test(test_activity),
		cmocka_unit_test(test_hl7_again),
		cmocka_unit_test(test_hl7_reload),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
