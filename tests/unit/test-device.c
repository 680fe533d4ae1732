/*
 * test-device.c - evidence fusion: conflicts, agreement, provenance,
 * caps, address changes, the JSON object.
 */
#include <config.h>

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "device/device.h"
#include "output/jsonw.h"

static void
test_single_claim(void **state)
{
	struct device d;
	const struct dev_value *v;

	(void)state;
	dev_init(&d);
	assert_null(dev_best(&d, DEV_A_VENDOR));
	assert_true(dev_claim(&d, DEV_A_VENDOR, "Baxter", 40, "oui", NULL,
	    100));
	v = dev_best(&d, DEV_A_VENDOR);
	assert_non_null(v);
	assert_string_equal(v->value, "Baxter");
	assert_int_equal(v->confidence, 40);
	assert_string_equal(v->claims[0].source, "oui");
	assert_string_equal(v->claims[0].rule, "");
	/* Empty values and unknown attributes are ignored. */
	assert_false(dev_claim(&d, DEV_A_VENDOR, "", 90, "x", NULL, 1));
	assert_false(dev_claim(&d, DEV_A_MAX, "a", 90, "x", NULL, 1));
	dev_free(&d);
}

/* Two sources that agree combine: 1 - (0.6 * 0.5) = 70. */
static void
test_agreement_combines(void **state)
{
	struct device d;
	const struct dev_value *v;

	(void)state;
	dev_init(&d);
	dev_claim(&d, DEV_A_VENDOR, "Philips", 40, "oui", NULL, 1);
	assert_false(dev_claim(&d, DEV_A_VENDOR, "PHILIPS", 50,
	    "dicom.impl_class_uid", "philips-dicom", 2));
	v = dev_best(&d, DEV_A_VENDOR);
	assert_string_equal(v->value, "Philips");	/* first spelling kept */
	assert_int_equal(v->confidence, 70);
	assert_int_equal(v->n_claims, 2);
	assert_string_equal(v->claims[0].source, "dicom.impl_class_uid");
	assert_string_equal(v->claims[0].rule, "philips-dicom");
	/* The same source again does not count twice; a higher confidence
	 * from it replaces its old one. */
	dev_claim(&d, DEV_A_VENDOR, "Philips", 60, "oui", NULL, 3);
	v = dev_best(&d, DEV_A_VENDOR);
	assert_int_equal(v->n_claims, 2);
	assert_int_equal(v->confidence, 80);	/* 1 - 0.4 * 0.5 */
	/* Certain evidence is certain. */
	dev_claim(&d, DEV_A_VENDOR, "Philips", 100, "config", NULL, 4);
	assert_int_equal(dev_best(&d, DEV_A_VENDOR)->confidence, 100);
	dev_free(&d);
}

/* The strongest source wins a conflict; the loser stays. */
static void
test_conflict(void **state)
{
	struct device d;

	(void)state;
	dev_init(&d);
	assert_true(dev_claim(&d, DEV_A_CLASS, "clinical-workstation", 30,
	    "dhcp.vendor_class", "windows", 1));
	assert_true(dev_claim(&d, DEV_A_CLASS, "imaging-workstation", 60,
	    "dicom.impl_class_uid", "dcmtk", 2));
	assert_string_equal(dev_best(&d, DEV_A_CLASS)->value,
	    "imaging-workstation");
	assert_int_equal(d.attr[DEV_A_CLASS].n, 2);
	assert_string_equal(d.attr[DEV_A_CLASS].v[1].value,
	    "clinical-workstation");
	/* More agreeing evidence can turn it back: 1-(.7*.5) = 65 > 60. */
	assert_true(dev_claim(&d, DEV_A_CLASS, "clinical-workstation", 50,
	    "hostname", "ws-name", 3));
	assert_string_equal(dev_best(&d, DEV_A_CLASS)->value,
	    "clinical-workstation");
	assert_int_equal(dev_best(&d, DEV_A_CLASS)->confidence, 65);
	dev_free(&d);
}

/* Equal confidence: the value seen first wins, whatever the order in
 * which later claims arrive. */
static void
test_tie_first_seen(void **state)
{
	struct device d;

	(void)state;
	dev_init(&d);
	dev_claim(&d, DEV_A_MODEL, "B40", 50, "hl7.equipment", NULL, 10);
	assert_false(dev_claim(&d, DEV_A_MODEL, "B450", 50, "hostname",
	    NULL, 20));
	assert_string_equal(dev_best(&d, DEV_A_MODEL)->value, "B40");
	/* Same first-seen time: by value. */
	dev_free(&d);
	dev_init(&d);
	dev_claim(&d, DEV_A_MODEL, "b", 50, "s1", NULL, 10);
	dev_claim(&d, DEV_A_MODEL, "a", 50, "s2", NULL, 10);
	assert_string_equal(dev_best(&d, DEV_A_MODEL)->value, "a");
	dev_free(&d);
}

/* At the cap, a weak newcomer is refused and a strong one replaces the
 * weakest value; claims per value are capped too. */
static void
test_caps(void **state)
{
	struct device d;
	char name[16];
	int i;

	(void)state;
	dev_init(&d);
	for (i = 0; i < DEV_MAX_VALUES; i++) {
		snprintf(name, sizeof(name), "v%d", i % 100);
		dev_claim(&d, DEV_A_MODEL, name, 20 + i, "s", NULL, 1);
	}
	assert_int_equal(d.attr[DEV_A_MODEL].n, DEV_MAX_VALUES);
	assert_false(dev_claim(&d, DEV_A_MODEL, "weak", 10, "s", NULL, 2));
	assert_int_equal(d.attr[DEV_A_MODEL].n, DEV_MAX_VALUES);
	assert_true(dev_claim(&d, DEV_A_MODEL, "strong", 90, "s", NULL, 2));
	assert_string_equal(dev_best(&d, DEV_A_MODEL)->value, "strong");
	for (i = 0; i < d.attr[DEV_A_MODEL].n; i++)
		assert_string_not_equal(d.attr[DEV_A_MODEL].v[i].value, "v0");

	dev_free(&d);
	dev_init(&d);
	for (i = 0; i < DEV_MAX_CLAIMS + 3; i++) {
		snprintf(name, sizeof(name), "src%d", i % 100);
		dev_claim(&d, DEV_A_VENDOR, "GE", 10 + i, name, NULL, 1);
	}
	assert_int_equal(d.attr[DEV_A_VENDOR].v[0].n_claims, DEV_MAX_CLAIMS);
	/* The strongest claims are the ones kept. */
	assert_int_equal(d.attr[DEV_A_VENDOR].v[0].claims[0].confidence,
	    10 + DEV_MAX_CLAIMS + 2);
	/* Over-long values are cut, not refused. */
	memset(name, 'x', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	assert_true(dev_claim(&d, DEV_A_SERIAL, name, 50, "s", NULL, 1));
	dev_free(&d);
}

static void
test_evidence(void **state)
{
	struct device d;
	char v[8];
	int i;

	(void)state;
	dev_init(&d);
	assert_true(dev_add_evidence(&d, "hostname", "PUMP-01", 5));
	assert_true(d.evidence_new);
	assert_false(dev_add_evidence(&d, "hostname", "PUMP-01", 6));
	assert_true(dev_add_evidence(&d, "dhcp.vendor_class", "PUMP-01", 6));
	assert_true(dev_has_evidence(&d, "hostname", "PUMP-01"));
	assert_false(dev_has_evidence(&d, "hostname", "PUMP-02"));
	assert_false(dev_add_evidence(&d, "hostname", "", 6));
	/* One key cannot crowd out the others... */
	for (i = 0; i < DEV_MAX_PER_KEY + 5; i++) {
		snprintf(v, sizeof(v), "%d", i % 1000);
		dev_add_evidence(&d, "dns.query", v, 7);
	}
	assert_int_equal(d.n_evidence, 2 + DEV_MAX_PER_KEY);
	assert_int_equal(d.evidence_dropped, 5);
	/* ... and all keys together are capped. */
	for (i = 0; i < DEV_MAX_EVIDENCE; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%d", i % 1000);
		dev_add_evidence(&d, k, "x", 8);
	}
	assert_int_equal(d.n_evidence, DEV_MAX_EVIDENCE);
	assert_int_equal(d.evidence_dropped, 5 + 2 + DEV_MAX_PER_KEY);
	dev_free(&d);
}

/*
 * Keys are compared by length and their first and last bytes before
 * the rest: keys alike in all three stay apart, a prefix is not the
 * key, and a key too long to store never equals the one stored.  The
 * "evidence" object lists each key once, at its first value.
 */
static void
test_evidence_keys_alike(void **state)
{
	struct device d;
	struct jsonw jw;
	const char *t;
	size_t len;

	(void)state;
	dev_init(&d);
	assert_true(dev_add_evidence(&d, "hl7.abc", "v", 1));
	assert_true(dev_add_evidence(&d, "hl7.axc", "v", 1));
	assert_true(dev_add_evidence(&d, "hl7.ab", "v", 1));
	assert_true(dev_add_evidence(&d, "hl7.abcc", "v", 1));
	assert_true(dev_add_evidence(&d, "hl7.abc", "w", 1));
	assert_false(dev_add_evidence(&d, "hl7.axc", "v", 1));
	assert_true(dev_has_evidence(&d, "hl7.ab", "v"));
	assert_false(dev_has_evidence(&d, "hl7.a", "v"));
	assert_false(dev_has_evidence(&d, "hl7.abx", "v"));
	assert_false(dev_has_evidence(&d, "", "v"));
	/* 24 bytes: stored cut to 23, then never found again. */
	assert_true(dev_add_evidence(&d, "abcdefghijklmnopqrstuvwx", "v", 1));
	assert_true(dev_add_evidence(&d, "abcdefghijklmnopqrstuvwx", "v", 1));
	assert_false(dev_has_evidence(&d, "abcdefghijklmnopqrstuvwx", "v"));
	assert_true(dev_has_evidence(&d, "abcdefghijklmnopqrstuvw", "v"));
	assert_int_equal(d.n_evidence, 7);
	jsonw_init(&jw, 8192);
	jsonw_obj_open(&jw);
	dev_json(&jw, &d, 0);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	assert_non_null(strstr(t, "\"evidence\":{\"hl7.abc\":[\"v\",\"w\"],"
	    "\"hl7.axc\":[\"v\"],\"hl7.ab\":[\"v\"],\"hl7.abcc\":[\"v\"],"
	    "\"abcdefghijklmnopqrstuvw\":[\"v\",\"v\"]}"));
	jsonw_free(&jw);
	dev_free(&d);
}

/* A MAC as snprintf("%02x:...") writes it, and cut as it cuts, at
 * every buffer length. */
static void
test_mac_format(void **state)
{
	uint8_t mac[6];
	char want[32], got[32];
	uint32_t seed = 11;
	size_t len;
	int i, run;

	(void)state;
	for (run = 0; run < 64; run++) {
		for (i = 0; i < 6; i++) {
			seed = seed * 1103515245u + 12345u;
			mac[i] = run < 2 ? (uint8_t)(0xff * run) :
			    (uint8_t)(seed >> 16);
		}
		for (len = 0; len <= 24; len++) {
			memset(want, 'x', sizeof(want));
			memset(got, 'x', sizeof(got));
			snprintf(want, len, "%02x:%02x:%02x:%02x:%02x:%02x",
			    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			assert_ptr_equal(dev_mac_format(mac, got, len), got);
			assert_memory_equal(got, want, sizeof(got));
		}
	}
}

/* IPv6 addresses come out as inet_ntop() writes them: every pattern of
 * zero groups (runs, ties, ends), with groups of each width, and the
 * IPv4-compatible form. */
static void
test_ip6_format(void **state)
{
	static const unsigned vals[] = { 0x1, 0xab, 0xf00, 0x1234, 0xffff };
	struct dev_ip ip;
	char want[INET6_ADDRSTRLEN], got[64], small[8];
	unsigned mask, v, i;

	(void)state;
	for (mask = 0; mask < 256; mask++)
		for (v = 0; v < 5; v++) {
			for (i = 0; i < 8; i++) {
				unsigned w = mask & (1u << i) ? 0 :
				    vals[(v + i) % 5];

				ip.a[2 * i] = (uint8_t)(w >> 8);
				ip.a[2 * i + 1] = (uint8_t)w;
			}
			if (dev_ip_is4(&ip))
				continue;
			assert_non_null(inet_ntop(AF_INET6, ip.a, want,
			    sizeof(want)));
			assert_string_equal(dev_ip_format(&ip, got,
			    sizeof(got)), want);
		}
	assert_int_equal(dev_ip_parse("::", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)), "::");
	assert_int_equal(dev_ip_parse("::1", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)), "::1");
	/* The forms pinned, not only as this libc's inet_ntop() writes
	 * them (musl writes ::a01:203): the records must not change. */
	assert_int_equal(dev_ip_parse("::10.1.2.3", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "::10.1.2.3");
	assert_int_equal(dev_ip_parse("::0.0.1.2", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)), "::102");
	assert_int_equal(dev_ip_parse("::ffff:0:a01:203", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "::ffff:0:a01:203");
	assert_int_equal(dev_ip_parse("64:ff9b::a01:203", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "64:ff9b::a01:203");
	assert_int_equal(dev_ip_parse("1:0:1:0:1:0:1:0", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "1:0:1:0:1:0:1:0");
	assert_int_equal(dev_ip_parse("1::1:0:0:1", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "1::1:0:0:1");
	assert_int_equal(dev_ip_parse("fe80::1:0:0:0:2", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "fe80:0:0:1::2");
	assert_int_equal(dev_ip_parse(
	    "2001:db8:85a3:1234:5678:8a2e:370:7334", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, got, sizeof(got)),
	    "2001:db8:85a3:1234:5678:8a2e:370:7334");
	/* A buffer too short: as inet_ntop() answers. */
	assert_null(dev_ip_format(&ip, small, sizeof(small)));
	assert_int_equal(dev_ip_parse("fd00::1", &ip), 0);
	assert_string_equal(dev_ip_format(&ip, small, sizeof(small)),
	    "fd00::1");
}

static void
test_ip_change(void **state)
{
	struct device d;
	struct dev_ip a, b, c;
	char buf[64];

	(void)state;
	dev_init(&d);
	assert_int_equal(dev_ip_parse("10.20.0.5", &a), 0);
	assert_int_equal(dev_ip_parse("10.20.0.9", &b), 0);
	assert_int_equal(dev_ip_parse("fd00::1", &c), 0);
	assert_int_equal(dev_ip_parse("10.20.0", &c), -1);
	assert_int_equal(dev_ip_parse("fd00::1", &c), 0);
	assert_true(dev_set_ip(&d, &a));
	assert_int_equal(d.n_ips, 0);
	assert_false(dev_set_ip(&d, &a));
	assert_true(dev_set_ip(&d, &b));
	assert_int_equal(d.n_ips, 1);
	assert_string_equal(dev_ip_format(&d.ips[0], buf, sizeof(buf)),
	    "10.20.0.5");
	/* Back to an old address: it leaves the history. */
	assert_true(dev_set_ip(&d, &a));
	assert_int_equal(d.n_ips, 1);
	assert_string_equal(dev_ip_format(&d.ips[0], buf, sizeof(buf)),
	    "10.20.0.9");
	assert_true(dev_set_ip(&d, &c));
	assert_string_equal(dev_ip_format(&d.ip, buf, sizeof(buf)),
	    "fd00::1");
	assert_true(dev_ip_is_private(&d.ip));
	assert_true(dev_ip_is_private(&a));
	dev_ip_parse("8.8.8.8", &a);
	assert_false(dev_ip_is_private(&a));
	dev_ip_parse("172.32.0.1", &a);
	assert_false(dev_ip_is_private(&a));
	dev_ip_parse("172.31.0.1", &a);
	assert_true(dev_ip_is_private(&a));
	dev_ip_parse("2001:db8::1", &a);
	assert_false(dev_ip_is_private(&a));
	dev_free(&d);
}

static void
test_json(void **state)
{
	struct device d;
	struct jsonw jw;
	const char *t;
	size_t len;

	(void)state;
	dev_init(&d);
	memcpy(d.mac, "\x00\x09\xfb\x01\x02\x03", 6);
	d.vlan = 20;
	dev_ip_parse("10.20.0.5", &d.ip);
	d.has_ip = true;
	d.first_us = 1000000;
	d.last_us = 2000000;
	dev_claim(&d, DEV_A_VENDOR, "Philips", 40, "oui", NULL, 1);
	dev_claim(&d, DEV_A_VENDOR, "GE", 30, "hostname", "ge-host", 1);
	dev_add_evidence(&d, "behaviour", "hl7_sender", 1);
	jsonw_init(&jw, 8192);
	jsonw_obj_open(&jw);
	dev_json(&jw, &d, 0);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	assert_non_null(strstr(t, "\"mac\":\"00:09:fb:01:02:03\""));
	assert_non_null(strstr(t, "\"ip\":\"10.20.0.5\""));
	assert_non_null(strstr(t, "\"vlan\":20"));
	assert_non_null(strstr(t, "\"vendor\":\"Philips\""));
	assert_non_null(strstr(t, "\"class\":\"unknown\""));
	assert_non_null(strstr(t, "\"roles\":[\"hl7_sender\"]"));
	assert_non_null(strstr(t, "\"alternatives\":{\"vendor\":[{\"value\":"
	    "\"GE\",\"confidence\":30,\"sources\":[{\"source\":\"hostname\","
	    "\"rule\":\"ge-host\",\"confidence\":30}]}]}"));
	jsonw_free(&jw);
	dev_free(&d);
}

/*
 * The worst device record dev_json_bound() allows for: every string
 * array full with no NUL, each byte escaped as \u0001, every table
 * full, every number at its largest.  Written in one run, it must take
 * no more than the bound (jsonw_run_end() asserts it too); the same
 * text near the cap, where the run goes to scratch memory; and under a
 * cap too small, an overflow with nothing written past it.
 */
static void
dev_worst(struct device *d, bool named)
{
	static const char *const keys[] = {
		"behaviour", "hl7.sending_app", "dicom.calling_ae",
		"port.server", "vm.hypervisor",
	};
	struct dev_value *v;
	struct dev_evidence *e;
	size_t i, k;
	int a;

	dev_init(d);
	memset(d->mac, 0xff, sizeof(d->mac));
	d->vlan = UINT16_MAX;
	d->flags = DEV_F_ROUTER | DEV_F_PRIVMAC | DEV_F_RELAYED;
	d->has_ip = true;
	memset(d->ip.a, 0xff, sizeof(d->ip.a));
	for (i = 0; i < DEV_MAX_IPS; i++)
		memset(d->ips[i].a, 0xfe, sizeof(d->ips[i].a));
	d->n_ips = DEV_MAX_IPS;
	d->first_us = d->last_us = 253402300799999999ull;
	for (a = 0; a < DEV_A_MAX; a++)
		for (i = 0; i < DEV_MAX_VALUES; i++) {
			assert_non_null(v = dev_value_push(d,
			    (enum dev_attr)a));
			memset(v->value, 0x01, sizeof(v->value));
			v->confidence = UINT8_MAX;
			v->n_claims = DEV_MAX_CLAIMS;
			for (k = 0; k < DEV_MAX_CLAIMS; k++) {
				memset(v->claims[k].source, 0x01,
				    sizeof(v->claims[k].source));
				memset(v->claims[k].rule, 0x01,
				    sizeof(v->claims[k].rule));
				v->claims[k].confidence = UINT8_MAX;
			}
		}
	for (i = 0; i < DEV_MAX_EVIDENCE; i++) {
		assert_non_null(e = dev_evidence_push(d));
		/* Named: the lists' keys, DEV_MAX_PER_KEY values each,
		 * each value written twice. */
		k = i / DEV_MAX_PER_KEY;
		if (named && k < sizeof(keys) / sizeof(keys[0]))
			memcpy(e->key, keys[k], strlen(keys[k]) + 1);
		else
			memset(e->key, 0x01, sizeof(e->key));
		memset(e->value, 0x01, sizeof(e->value));
	}
	d->evidence_dropped = UINT32_MAX;
	d->flows = d->packets = d->bytes = UINT64_MAX;
}

static void
test_json_worst(void **state)
{
	struct device d;
	struct jsonw jw;
	const char *t;
	char *full;
	size_t i, n, len;
	int named;

	(void)state;
	for (named = 0; named < 2; named++) {
		dev_worst(&d, named);
		jsonw_init(&jw, JSONW_DEFAULT_CAP);
		jsonw_obj_open(&jw);
		dev_json(&jw, &d, 0);
		jsonw_obj_close(&jw);
		assert_true(jsonw_ok(&jw));
		t = jsonw_text(&jw, &len);
		assert_true(len - 2 <= dev_json_bound(&d));
		for (i = n = 0; i + 6 <= len; i++)
			if (memcmp(t + i, "\\u0001", 6) == 0)
				n++;
		if (!named)
			/* Each array's bytes all went out, escaped: the
			 * answers, their values with claims, the
			 * evidence's keys and values. */
			assert_int_equal(n, DEV_A_MAX * DEV_VALUE_MAX +
			    DEV_A_MAX * DEV_MAX_VALUES * (DEV_VALUE_MAX +
			    DEV_MAX_CLAIMS * (DEV_SOURCE_MAX + DEV_RULE_MAX)) +
			    DEV_MAX_EVIDENCE * (DEV_KEY_MAX + DEV_VALUE_MAX));
		assert_non_null(strstr(t, "\"evidence_dropped\":4294967295,"
		    "\"flows\":18446744073709551615,"
		    "\"packets\":18446744073709551615,"
		    "\"bytes\":18446744073709551615}"));
		assert_non_null(full = strdup(t));
		jsonw_free(&jw);
		/* Just room for it: the run in scratch memory, the same
		 * text. */
		jsonw_init(&jw, len + 1);
		jsonw_obj_open(&jw);
		dev_json(&jw, &d, 0);
		jsonw_obj_close(&jw);
		assert_true(jsonw_ok(&jw));
		assert_string_equal(jsonw_text(&jw, &i), full);
		jsonw_free(&jw);
		/* A cap the record cannot fit in: dropped. */
		for (n = 64; n < len; n *= 2) {
			jsonw_init(&jw, n);
			jsonw_obj_open(&jw);
			dev_json(&jw, &d, 0);
			jsonw_obj_close(&jw);
			assert_false(jsonw_ok(&jw));
			jsonw_free(&jw);
		}
		free(full);
		dev_free(&d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_claim),
		cmocka_unit_test(test_agreement_combines),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_tie_first_seen),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_evidence_keys_alike),
		cmocka_unit_test(test_mac_format),
		cmocka_unit_test(test_ip_change),
		cmocka_unit_test(test_ip6_format),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_worst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
