/*
 * test-baseline.c - per-device baselines (policy/baseline.c) and the
 * attack behaviours (policy/behave.c): robust statistics, caps with
 * their counters, learning and enforcing, one report per window, the
 * volume text of the database, the baselines in the state database
 * (saved with their device, loaded back alike, a version 1 file
 * upgraded, reset), and the sliding windows' thresholds and bounded
 * memory.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <unistd.h>

#include "device/device.h"
#include "policy/baseline.h"
#include "policy/behave.h"
#include "state/state.h"
#include "state-files.h"

#define SEC	1000000ull
#define HOUR	(3600 * SEC)
#define DAY	(24 * HOUR)
/* 2026-01-05T00:00:00Z, a Monday. */
#define T0	(1767571200ull * SEC)

static void
test_median_mad(void **state)
{
	uint32_t v1[] = { 5 }, v2[] = { 9, 1 }, v3[] = { 10, 11, 9, 10, 500 };
	uint32_t v4[] = { 4000000000u, 4000000002u };

	(void)state;
	assert_int_equal(bl_median(v1, 0), 0);
	assert_int_equal(bl_median(v1, 1), 5);
	assert_int_equal(bl_median(v2, 2), 5);
	/* One outlier moves neither the median nor the MAD. */
	assert_int_equal(bl_median(v3, 5), 10);
	assert_int_equal(bl_mad(v3, 5, 10), 1);
	/* No overflow in the middle of two large values. */
	assert_int_equal(bl_median(v4, 2), 4000000001u);
}

/* A device that learned n days of 'flows' flows an hour at 10:00. */
static struct bl_dev *
learned_days(const struct bl_config *c, const uint32_t *flows, size_t n)
{
	struct bl_dev *d = bl_dev_new(c, T0);
	size_t i;

	for (i = 0; i < n; i++)
		bl_count(d, c, T0 + i * DAY + 10 * HOUR, flows[i] * 10,
		    flows[i] * 1000, flows[i], true);
	return d;
}

static void
test_volume_bound(void **state)
{
	static const uint32_t flows[] = { 100, 110, 90, 100, 105, 95, 2000 };
	struct bl_config c;
	struct bl_dev *d;
	uint32_t med, mad;
	uint64_t bound, seen;
	enum bl_metric m;
	unsigned h;

	(void)state;
	bl_config_defaults(&c);
	d = learned_days(&c, flows, 7);
	/* The last day's 10:00 is still being counted. */
	bl_tick(d, &c, T0 + 7 * DAY);
	assert_int_equal(d->mode, BL_ENFORCING);
	assert_non_null(d->vol);
	assert_int_equal(d->vol->n[10], 7);
	assert_true(bl_vol_bound(d, &c, 10, BL_M_FLOWS, &med, &mad, &bound));
	assert_int_equal(med, 100);
	assert_int_equal(mad, 5);
	/* ratio 4 beats median + 5 * 1.4826 * 5; the busy day did not
	 * drag the bound up as a mean would (about 370). */
	assert_int_equal(bound, 400);
	/* No sample at 03:00: no bound, never a volume deviation. */
	assert_false(bl_vol_bound(d, &c, 3, BL_M_FLOWS, &med, &mad, &bound));

	/* Enforcing, day 8 at 10:00: 300 flows is fine, 401 is over. */
	bl_count(d, &c, T0 + 8 * DAY + 10 * HOUR, 3000, 300000, 300, true);
	assert_false(bl_vol_over(d, &c, &m, &seen, &bound, &med, &mad, &h));
	bl_count(d, &c, T0 + 8 * DAY + 10 * HOUR + 60 * SEC, 100, 100, 101,
	    true);
	assert_true(bl_vol_over(d, &c, &m, &seen, &bound, &med, &mad, &h));
	assert_int_equal(m, BL_M_FLOWS);
	assert_int_equal(seen, 401);
	assert_int_equal(bound, 400);
	assert_int_equal(h, 10);
	/* A quiet hour is no deviation: only more than the bound is. */
	bl_count(d, &c, T0 + 9 * DAY + 10 * HOUR, 1, 1, 1, true);
	assert_false(bl_vol_over(d, &c, &m, &seen, &bound, &med, &mad, &h));
	bl_dev_free(d);
}

/* All samples alike (MAD 0): the minimum margin still applies. */
static void
test_volume_flat(void **state)
{
	static const uint32_t flows[] = { 2, 2, 2 };
	struct bl_config c;
	struct bl_dev *d;
	uint32_t med, mad;
	uint64_t bound;

	(void)state;
	bl_config_defaults(&c);
	d = learned_days(&c, flows, 3);
	bl_enforce(d, T0 + 3 * DAY);
	assert_true(bl_vol_bound(d, &c, 10, BL_M_FLOWS, &med, &mad, &bound));
	assert_int_equal(med, 2);
	assert_int_equal(mad, 0);
	assert_int_equal(bound, 2 + BL_DEFAULT_VOL_FLOWS);
	bl_dev_free(d);
}

static void
test_learning_transition(void **state)
{
	struct bl_config c;
	struct bl_dev *d;

	(void)state;
	bl_config_defaults(&c);
	c.learning_period = 86400;
	d = bl_dev_new(&c, T0);
	assert_int_equal(d->mode, BL_LEARNING);
	assert_int_equal(d->learn_until_us, T0 + DAY);
	assert_int_equal(bl_observe(d, &c, BL_PEER, "mac:00:00:00:00:00:01",
	    T0 + HOUR), BL_LEARNED);
	assert_int_equal(bl_observe(d, &c, BL_PEER, "mac:00:00:00:00:00:01",
	    T0 + 2 * HOUR), BL_KNOWN);
	assert_false(bl_tick(d, &c, T0 + DAY - 1));
	assert_true(bl_tick(d, &c, T0 + DAY));
	assert_int_equal(d->mode, BL_ENFORCING);
	assert_false(bl_tick(d, &c, T0 + DAY + 1));
	/* Learning spanned the whole day. */
	assert_int_equal(d->hours_covered, 0xffffff);
	assert_int_equal(bl_observe(d, &c, BL_PEER, "mac:00:00:00:00:00:01",
	    T0 + DAY + HOUR), BL_KNOWN);
	assert_int_equal(bl_observe(d, &c, BL_PEER, "mac:00:00:00:00:00:02",
	    T0 + DAY + HOUR), BL_NEW);
	/* A deviation is not learned. */
	assert_null(bl_find(d, BL_PEER, "mac:00:00:00:00:00:02"));
	assert_int_equal(bl_find(d, BL_PEER, "mac:00:00:00:00:00:01")->count,
	    3);
	bl_dev_free(d);

	/* --learn: the run is the period, whatever its length. */
	c.learn_run = true;
	d = bl_dev_new(&c, T0);
	assert_false(bl_tick(d, &c, T0 + 30 * DAY));
	assert_int_equal(d->mode, BL_LEARNING);
	bl_enforce(d, T0 + 30 * DAY);
	assert_int_equal(d->mode, BL_ENFORCING);
	assert_int_equal(d->learn_until_us, T0 + 30 * DAY);
	/* Learning again in a later --learn run keeps what it knew. */
	bl_relearn(d, T0 + 31 * DAY);
	assert_int_equal(d->mode, BL_LEARNING);
	assert_int_equal(d->hours_covered, 0xffffff);
	bl_dev_free(d);
}

static void
test_caps(void **state)
{
	struct bl_config c;
	struct bl_dev *d;
	char key[32];
	int i;

	(void)state;
	bl_config_defaults(&c);
	c.max[BL_PEER] = 10;
	d = bl_dev_new(&c, T0);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "ip:10.0.%d.%d", i / 256, i % 256);
		assert_int_equal(bl_observe(d, &c, BL_PEER, key, T0 + i),
		    i < 10 ? BL_LEARNED : BL_FULL);
	}
	assert_int_equal(d->set[BL_PEER].n, 10);
	assert_true(d->set[BL_PEER].cap <= 10);
	assert_int_equal(d->set[BL_PEER].dropped, 990);
	/* A key longer than the table keeps is cut, and still found. */
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_int_equal(bl_observe(d, &c, BL_SERVICE, key, T0), BL_LEARNED);
	assert_int_equal(bl_observe(d, &c, BL_SERVICE, key, T0), BL_KNOWN);
	assert_true(bl_dev_memory(d) < sizeof(*d) + 16 * sizeof(struct
	    bl_item));
	bl_dev_free(d);
}

/*
 * Keys are hashed a word at a time, the last one to seven bytes in two
 * loads that may overlap: every length up to the cut, and a change at
 * any byte, makes a key of its own, found again by its bytes alone.
 */
static void
test_keys_words(void **state)
{
	struct bl_config c;
	struct bl_dev *d;
	char key[BL_KEY_MAX + 8], other[BL_KEY_MAX + 8];
	size_t n, i;

	(void)state;
	bl_config_defaults(&c);
	c.max[BL_SERVICE] = 4096;
	d = bl_dev_new(&c, T0);
	for (i = 0; i < sizeof(key) - 1; i++)
		key[i] = (char)('a' + i % 26);
	key[sizeof(key) - 1] = '\0';
	/* Every prefix: its own item, then known (past the cut, the cut
	 * key's). */
	for (n = 1; n < sizeof(key); n++) {
		memcpy(other, key, n);
		other[n] = '\0';
		assert_int_equal(bl_observe(d, &c, BL_SERVICE, other, T0),
		    n < BL_KEY_MAX ? BL_LEARNED : BL_KNOWN);
		assert_int_equal(bl_observe(d, &c, BL_SERVICE, other, T0),
		    BL_KNOWN);
	}
	/* One byte changed at each place of each short length. */
	for (n = 1; n <= 17; n++)
		for (i = 0; i < n; i++) {
			memcpy(other, key, n);
			other[n] = '\0';
			other[i] = 'Z';
			assert_int_equal(bl_observe(d, &c, BL_SERVICE, other,
			    T0), BL_LEARNED);
			assert_non_null(bl_find(d, BL_SERVICE, other));
		}
	assert_int_equal(d->set[BL_SERVICE].n, BL_KEY_MAX - 1 + 17 * 18 / 2);
	bl_dev_free(d);
}

/* A key cut and hashed once (bl_key_set()) observes as the key does,
 * in two devices, long keys cut alike; the full table counts it. */
static void
test_observe_key(void **state)
{
	struct bl_config c;
	struct bl_dev *d[2];
	struct bl_key bk;
	char key[BL_KEY_MAX + 8];
	size_t i;
	int k;

	(void)state;
	bl_config_defaults(&c);
	c.max[BL_HL7_SENT] = 2;
	for (k = 0; k < 2; k++)
		d[k] = bl_dev_new(&c, T0);
	for (i = 0; i < sizeof(key) - 1; i++)
		key[i] = (char)('A' + i % 26);
	key[sizeof(key) - 1] = '\0';
	bl_key_set(&bk, key);
	assert_int_equal(strlen(bk.s), BL_KEY_MAX - 1);
	for (k = 0; k < 2; k++) {
		assert_int_equal(bl_observe_key(d[k], &c, BL_HL7_SENT, &bk,
		    T0), BL_LEARNED);
		assert_int_equal(bl_observe_key(d[k], &c, BL_HL7_SENT, &bk,
		    T0 + 1), BL_KNOWN);
		/* The long key itself, and another cut alike: one item. */
		assert_int_equal(bl_observe(d[k], &c, BL_HL7_SENT, key, T0),
		    BL_KNOWN);
		key[BL_KEY_MAX + 2] = 'z';
		assert_int_equal(bl_observe(d[k], &c, BL_HL7_SENT, key, T0),
		    BL_KNOWN);
		key[BL_KEY_MAX + 2] = 'A';
		assert_int_equal(bl_find(d[k], BL_HL7_SENT, key)->count, 4);
		assert_ptr_equal(bl_find_key(d[k], BL_HL7_SENT, &bk),
		    bl_find(d[k], BL_HL7_SENT, key));
	}
	bl_key_set(&bk, "ORU^R01");
	assert_ptr_not_equal(bk.s, bk.buf);	/* short: not copied */
	assert_int_equal(bl_observe_key(d[0], &c, BL_HL7_SENT, &bk, T0),
	    BL_LEARNED);
	assert_non_null(bl_find(d[0], BL_HL7_SENT, "ORU^R01"));
	/* Full: counted, not kept; enforcing: new. */
	bl_key_set(&bk, "ADT^A01");
	assert_int_equal(bl_observe_key(d[0], &c, BL_HL7_SENT, &bk, T0),
	    BL_FULL);
	assert_int_equal(d[0]->set[BL_HL7_SENT].dropped, 1);
	bl_enforce(d[1], T0 + 2);
	assert_int_equal(bl_observe_key(d[1], &c, BL_HL7_SENT, &bk, T0 + 3),
	    BL_NEW);
	assert_null(bl_find(d[1], BL_HL7_SENT, "ADT^A01"));
	assert_null(bl_find_key(d[1], BL_HL7_SENT, &bk));
	for (k = 0; k < 2; k++)
		bl_dev_free(d[k]);
}

static void
test_dedup_window(void **state)
{
	struct bl_config c;
	struct bl_dev *d;
	uint32_t n = 0;
	char key[16];
	int i;

	(void)state;
	bl_config_defaults(&c);
	d = bl_dev_new(&c, T0);
	assert_true(bl_dedup(d, "new-peer", "ip:10.0.0.1", T0, 3600, &n));
	assert_int_equal(n, 1);
	for (i = 1; i <= 9; i++)
		assert_false(bl_dedup(d, "new-peer", "ip:10.0.0.1",
		    T0 + i * 60 * SEC, 3600, &n));
	/* Another key or another reason is reported on its own. */
	assert_true(bl_dedup(d, "new-peer", "ip:10.0.0.2", T0, 3600, &n));
	assert_true(bl_dedup(d, "new-service", "ip:10.0.0.1", T0, 3600, &n));
	/* Two keys a sender can choose (an HL7 type, a DICOM AE pair)
	 * that a hash of a word a step takes for one: each on its own. */
	assert_true(bl_dedup(d, "new-hl7-sent", "ADT^A01_XXXXXXXX", T0,
	    3600, &n));
	assert_true(bl_dedup(d, "new-hl7-sent", "AE_Y6HQZr%/Qrz44", T0,
	    3600, &n));
	/* After the window: reported again, with the count meanwhile. */
	assert_true(bl_dedup(d, "new-peer", "ip:10.0.0.1", T0 + HOUR, 3600,
	    &n));
	assert_int_equal(n, 10);
	assert_false(bl_dedup(d, "new-peer", "ip:10.0.0.1", T0 + HOUR + 1,
	    3600, &n));
	/* The table is bounded: the oldest report is forgotten. */
	for (i = 0; i < 2 * BL_DEDUP_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_true(bl_dedup(d, "x", key, T0 + 2 * HOUR + i, 3600, &n));
	}
	assert_int_equal(d->ndedup, BL_DEDUP_MAX);
	assert_true(d->dedup_dropped > 0);
	bl_dev_free(d);
}

static void
test_off_hours(void **state)
{
	struct bl_config c;
	struct bl_dev *d;
	unsigned h;
	int i;

	(void)state;
	bl_config_defaults(&c);
	c.learn_run = true;
	c.detect.off_hours_flows = 5;
	d = bl_dev_new(&c, T0);
	/* Learned: active 08:00-17:00 over a whole day. */
	for (i = 8; i < 18; i++)
		bl_count(d, &c, T0 + i * HOUR, 10, 1000, 2, true);
	bl_count(d, &c, T0 + 23 * HOUR + 59 * 60 * SEC, 1, 1, 1, false);
	bl_enforce(d, T0 + DAY);
	assert_int_equal(d->hours_covered, 0xffffff);
	/* Answering at night is not talking. */
	for (i = 0; i < 10; i++)
		bl_count(d, &c, T0 + DAY + 3 * HOUR + i, 1, 1, 1, false);
	assert_false(bl_off_hours(d, &c, &h));
	/* Starting conversations at 03:00: below the minimum, then over. */
	for (i = 0; i < 4; i++)
		bl_count(d, &c, T0 + DAY + 3 * HOUR + 100 + i, 1, 1, 1, true);
	assert_false(bl_off_hours(d, &c, &h));
	bl_count(d, &c, T0 + DAY + 3 * HOUR + 200, 1, 1, 1, true);
	assert_true(bl_off_hours(d, &c, &h));
	assert_int_equal(h, 3);
	/* At 09:00 it is at home. */
	for (i = 0; i < 10; i++)
		bl_count(d, &c, T0 + DAY + 9 * HOUR + i, 1, 1, 1, true);
	assert_false(bl_off_hours(d, &c, &h));
	bl_dev_free(d);

	/* A lunch break is no night: an hour between busy ones is not
	 * judged, nor a lookup every four hours (no silent stretch). */
	c.learn_run = true;
	d = bl_dev_new(&c, T0);
	for (i = 8; i < 18; i++)
		if (i != 12)
			bl_count(d, &c, T0 + i * HOUR, 1, 1, 1, true);
	bl_enforce(d, T0 + DAY);
	bl_cover(d, T0, T0 + DAY);
	c.detect.off_hours_flows = 1;
	bl_count(d, &c, T0 + DAY + 12 * HOUR, 1, 1, 1, true);
	assert_false(bl_off_hours(d, &c, &h));
	bl_count(d, &c, T0 + DAY + 22 * HOUR, 1, 1, 1, true);
	assert_true(bl_off_hours(d, &c, &h));
	bl_dev_free(d);
	d = bl_dev_new(&c, T0);
	for (i = 2; i < 24; i += 4)
		assert_int_equal(bl_observe(d, &c, BL_SERVICE, "udp/53 dns "
		    "client", T0 + i * HOUR), i == 2 ? BL_LEARNED : BL_KNOWN);
	bl_enforce(d, T0 + DAY);
	bl_cover(d, T0, T0 + DAY);
	assert_false(bl_item_off_hours(d, bl_find(d, BL_SERVICE,
	    "udp/53 dns client"), T0 + DAY + 7 * HOUR));
	bl_dev_free(d);
	/* A service of the day, used at night, is. */
	d = bl_dev_new(&c, T0);
	for (i = 7; i < 18; i++)
		bl_observe(d, &c, BL_SERVICE, "tcp/104 dicom client",
		    T0 + i * HOUR);
	bl_enforce(d, T0 + DAY);
	bl_cover(d, T0, T0 + DAY);
	assert_true(bl_item_off_hours(d, bl_find(d, BL_SERVICE,
	    "tcp/104 dicom client"), T0 + DAY + 3 * HOUR));
	assert_false(bl_item_off_hours(d, bl_find(d, BL_SERVICE,
	    "tcp/104 dicom client"), T0 + DAY + 9 * HOUR));
	bl_dev_free(d);

	/* Learning that never covered 03:00 cannot judge it. */
	c.learn_run = true;
	d = bl_dev_new(&c, T0 + 8 * HOUR);
	bl_count(d, &c, T0 + 9 * HOUR, 1, 1, 1, true);
	bl_enforce(d, T0 + 12 * HOUR);
	for (i = 0; i < 10; i++)
		bl_count(d, &c, T0 + DAY + 3 * HOUR + i, 1, 1, 1, true);
	assert_false(bl_off_hours(d, &c, &h));
	bl_dev_free(d);
}

static void
test_vol_text(void **state)
{
	static const uint32_t flows[] = { 7, 8, 9 };
	struct bl_config c;
	struct bl_dev *d, *e;
	char *t, *u;

	(void)state;
	bl_config_defaults(&c);
	d = learned_days(&c, flows, 3);
	bl_enforce(d, T0 + 3 * DAY);
	t = bl_vol_format(d);
	assert_string_equal(t, "10:3 70,7,7 80,8,8 90,9,9");
	e = bl_dev_new(&c, T0);
	assert_int_equal(bl_vol_parse(e, t), 0);
	u = bl_vol_format(e);
	assert_string_equal(t, u);
	free(u);
	/* Hours apart, the largest numbers: written as read. */
	assert_int_equal(bl_vol_parse(e, "0:2 4294967295,0,1 2,3,4;"
	    "23:1 10,20,30"), 0);
	u = bl_vol_format(e);
	assert_string_equal(u, "0:2 4294967295,0,1 2,3,4;23:1 10,20,30");
	free(u);
	assert_int_equal(bl_vol_parse(e, ""), 0);
	assert_int_equal(bl_vol_parse(e, "24:1 1,1,1"), -1);
	assert_int_equal(bl_vol_parse(e, "1:2 1,1,1"), -1);
	assert_int_equal(bl_vol_parse(e, "1:1 1,1"), -1);
	assert_int_equal(bl_vol_parse(e, "1:1 1,1,1;x"), -1);
	assert_int_equal(bl_vol_parse(e, "1:0"), -1);
	/* A failed parse left the last good samples. */
	u = bl_vol_format(e);
	assert_string_equal(u, "");
	free(u);
	free(t);
	bl_dev_free(e);
	bl_dev_free(d);
}

static void
test_clone(void **state)
{
	struct bl_config c;
	struct bl_dev *d, *e;

	(void)state;
	bl_config_defaults(&c);
	d = bl_dev_new(&c, T0);
	bl_observe(d, &c, BL_HL7_SENT, "ORU^R01", T0);
	bl_count(d, &c, T0, 1, 1, 1, true);
	bl_tick(d, &c, T0 + 2 * HOUR);
	e = bl_dev_clone(d);
	bl_dev_free(d);
	assert_non_null(bl_find(e, BL_HL7_SENT, "ORU^R01"));
	assert_non_null(e->vol);
	assert_int_equal(e->vol->n[0], 1);
	bl_dev_free(e);
}

/* Behaviours: thresholds within the window, not across it. */
static void
test_behave_scan(void **state)
{
	struct bh_config c;
	struct bh_dev *d;
	struct bh_hit hit[4];
	uint32_t i;
	size_t n;

	(void)state;
	bh_config_defaults(&c);
	c.threshold[BH_SCAN_PEERS] = 10;
	c.window[BH_SCAN_PEERS] = 60;
	d = bh_dev_new();
	/* Nine peers a minute apart, forever: never a scan. */
	for (i = 0; i < 100; i++)
		assert_int_equal(bh_flow(d, &c, T0 + i * 61 * SEC, i, 443, 3,
		    hit), 0);
	/* Ten distinct peers in ten seconds: a scan, said once each. */
	for (i = 0; i < 10; i++) {
		n = bh_flow(d, &c, T0 + DAY + i * SEC, 1000 + i, 22, 1, hit);
		if (i < 9)
			assert_int_equal(n, 0);
	}
	assert_int_equal(n, 1);
	assert_int_equal(hit[0].what, BH_SCAN_PEERS);
	assert_int_equal(hit[0].seen, 10);
	assert_int_equal(hit[0].threshold, 10);
	/* The same peer again is not a new one. */
	assert_int_equal(bh_win_count(d, BH_SCAN_PEERS), 10);
	/* Memory: the window never holds more than its threshold. */
	for (i = 0; i < 100000; i++)
		(void)bh_flow(d, &c, T0 + 2 * DAY + i, i, (uint16_t)i, 1, hit);
	assert_true(d->win[BH_SCAN_PEERS].cap <= 10);
	assert_true(d->win[BH_SCAN_PORTS].cap <= c.threshold[BH_SCAN_PORTS]);
	bh_dev_free(d);
}

static void
test_behave_counted(void **state)
{
	struct bh_config c;
	struct bh_dev *d;
	struct bh_hit hit[2];
	int i;

	(void)state;
	bh_config_defaults(&c);
	c.threshold[BH_FINDS] = 5;
	c.window[BH_FINDS] = 60;
	d = bh_dev_new();
	for (i = 0; i < 20; i++)
		assert_int_equal(bh_dicom_find(d, &c, T0 + i * 20 * SEC, hit),
		    0);
	for (i = 0; i < 4; i++)
		assert_int_equal(bh_dicom_find(d, &c, T0 + DAY + i * SEC,
		    hit), 0);
	assert_int_equal(bh_dicom_find(d, &c, T0 + DAY + 5 * SEC, hit), 1);
	assert_int_equal(hit[0].what, BH_FINDS);
	assert_int_equal(hit[0].seen, 5);

	/* SMB: files and hosts. */
	c.threshold[BH_SMB_FILES] = 20;
	c.threshold[BH_SMB_HOSTS] = 3;
	for (i = 0; i < 19; i++)
		assert_int_equal(bh_smb_write(d, &c, T0 + i * SEC, 7, i, hit),
		    0);
	assert_int_equal(bh_smb_write(d, &c, T0 + 19 * SEC, 7, 19, hit), 1);
	assert_int_equal(hit[0].what, BH_SMB_FILES);
	assert_int_equal(bh_smb_write(d, &c, T0 + 20 * SEC, 8, 1, hit), 1);
	assert_int_equal(bh_smb_write(d, &c, T0 + 21 * SEC, 9, 1, hit), 2);
	assert_int_equal(hit[1].what, BH_SMB_HOSTS);

	/* Logins in clear to three hosts in ten minutes. */
	c.threshold[BH_LOGINS] = 3;
	assert_int_equal(bh_login(d, &c, T0, 1, hit), 0);
	assert_int_equal(bh_login(d, &c, T0 + 60 * SEC, 1, hit), 0);
	assert_int_equal(bh_login(d, &c, T0 + 120 * SEC, 2, hit), 0);
	assert_int_equal(bh_login(d, &c, T0 + 180 * SEC, 3, hit), 1);
	assert_int_equal(hit[0].what, BH_LOGINS);
	/* Disabled: nothing. */
	c.enabled = false;
	assert_int_equal(bh_login(d, &c, T0 + 181 * SEC, 4, hit), 0);
	bh_dev_free(d);
}

/*
 * Mass retrieval: without pseudonyms every request counts; with them a
 * study retrieved again counts once, and the hit says how many
 * patients the studies in the window belong to.
 */
static void
test_behave_retrieval(void **state)
{
	struct bh_config c;
	struct bh_dev *d;
	struct bh_hit hit[1];
	uint32_t study, patient;
	int i;

	(void)state;
	bh_config_defaults(&c);
	c.threshold[BH_MOVES] = 10;
	c.window[BH_MOVES] = 600;
	d = bh_dev_new();
	for (i = 0; i < 9; i++)
		assert_int_equal(bh_dicom_move(d, &c, T0 + i * SEC, NULL, NULL,
		    hit), 0);
	assert_int_equal(bh_dicom_move(d, &c, T0 + 9 * SEC, NULL, NULL, hit),
	    1);
	assert_int_equal(hit[0].seen, 10);
	assert_false(hit[0].studies);
	assert_int_equal(hit[0].patients, 0);
	bh_dev_free(d);

	d = bh_dev_new();
	study = 1;
	patient = 100;
	for (i = 0; i < 20; i++)
		assert_int_equal(bh_dicom_move(d, &c, T0 + i * SEC, &study,
		    &patient, hit), 0);
	for (i = 2; i <= 9; i++) {
		study = (uint32_t)i;
		patient = 100 + (uint32_t)i % 4;
		assert_int_equal(bh_dicom_move(d, &c, T0 + (20 + i) * SEC,
		    &study, &patient, hit), 0);
	}
	study = 10;
	patient = 200;
	assert_int_equal(bh_dicom_move(d, &c, T0 + 40 * SEC, &study, &patient,
	    hit), 1);
	assert_int_equal(hit[0].what, BH_MOVES);
	assert_int_equal(hit[0].seen, 10);
	assert_true(hit[0].studies);
	/* 100 (studies 1, 4, 8), 101, 102, 103 and 200. */
	assert_int_equal(hit[0].patients, 5);
	/* Out of the window, patients are forgotten with their studies. */
	study = 11;
	assert_int_equal(bh_dicom_move(d, &c, T0 + DAY, &study, NULL, hit), 0);
	assert_true(bh_dev_memory(d) > sizeof(*d));
	bh_dev_free(d);
}

static void
test_behave_flood(void **state)
{
	struct bh_config c;
	struct bh_dev *d;
	struct bh_hit hit[4];
	size_t n = 0;
	int i;

	(void)state;
	bh_config_defaults(&c);
	c.threshold[BH_FLOOD_FLOWS] = 100;
	c.threshold[BH_SCAN_PORTS] = 0;
	d = bh_dev_new();
	/* Other peers come and go meanwhile: the flood's slot stays. */
	for (i = 0; i < 100; i++) {
		n = bh_flow(d, &c, T0 + i * 100000, 42, 80, 2, hit);
		(void)bh_flow(d, &c, T0 + i * 100000, 1000 + i % 2, 80, 2,
		    hit);
	}
	assert_int_equal(n, 1);
	assert_int_equal(hit[0].what, BH_FLOOD_FLOWS);
	assert_int_equal(hit[0].seen, 100);
	/* A burst of one big flow is packets. */
	c.threshold[BH_FLOOD_PACKETS] = 1000;
	n = bh_flow(d, &c, T0 + DAY, 77, 80, 5000, hit);
	assert_int_equal(n, 1);
	assert_int_equal(hit[0].what, BH_FLOOD_PACKETS);
	bh_dev_free(d);
}

struct loaded {
	uint64_t	 id;
	struct bl_dev	*bl;
	int		 n;
};

static int
load_cb(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct loaded *l = arg;

	l->n++;
	if (l->bl != NULL)
		bl_dev_free(l->bl);
	l->id = id;
	l->bl = bl;
	return 0;
}

static void
sql(const char *path, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Device id's baseline item row (schema version 7) set to text. */
static void
set_items(const char *path, uint64_t id, const char *text)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "REPLACE INTO baseline_items "
	    "(device_id, items) VALUES (?1, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_state_roundtrip(void **state)
{
	static const uint32_t flows[] = { 7, 8, 9 };
	char dir[] = "/tmp/test-baseline-XXXXXX", path[128], *v1, *v2;
	uint32_t n_hl7;
	struct device d, *dp = &d;
	struct bl_config c;
	struct bl_dev *bl;
	struct loaded l;
	struct state *st;
	const struct bl_item *it;
	int k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	bl_config_defaults(&c);
	c.max[BL_PEER] = 2;
	bl = learned_days(&c, flows, 3);
	bl_observe(bl, &c, BL_PEER, "mac:00:09:fb:00:00:01", T0 + HOUR);
	bl_observe(bl, &c, BL_PEER, "ip:10.0.0.9", T0 + 2 * HOUR);
	bl_observe(bl, &c, BL_PEER, "zone:internet", T0 + 3 * HOUR);
	bl_observe(bl, &c, BL_HL7_SENT, "ORU^R01", T0 + 3 * HOUR);
	bl_observe(bl, &c, BL_DICOM_AE, "RADWS1\tPACS01", T0 + 4 * HOUR);
	bl_fanout(bl, 5, 2);
	bl_enforce(bl, T0 + 3 * DAY);

	memset(&d, 0, sizeof(d));
	d.mac[0] = 0x02;
	d.mac[5] = 0x01;
	d.vlan = 20;
	d.first_us = d.last_us = T0;
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	assert_true(d.id != 0);
	state_close(st);

	/* Read back, read-only: every field alike. */
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.id, d.id);
	assert_int_equal(l.bl->mode, BL_ENFORCING);
	assert_int_equal(l.bl->learn_start_us, bl->learn_start_us);
	assert_int_equal(l.bl->learn_until_us, T0 + 3 * DAY);
	assert_int_equal(l.bl->hours_active, bl->hours_active);
	assert_int_equal(l.bl->hours_covered, bl->hours_covered);
	assert_int_equal(l.bl->fan_peers, 5);
	for (k = 0; k < BL_KIND_MAX; k++)
		assert_int_equal(l.bl->set[k].n, bl->set[k].n);
	/* The peer that did not fit is counted, in the database too. */
	assert_int_equal(l.bl->set[BL_PEER].dropped, 1);
	assert_non_null(it = bl_find(l.bl, BL_DICOM_AE, "RADWS1\tPACS01"));
	assert_int_equal(it->hours, 1u << 4);
	assert_int_equal(it->first_us, T0 + 4 * HOUR);
	v1 = bl_vol_format(bl);
	v2 = bl_vol_format(l.bl);
	assert_string_equal(v1, v2);
	free(v1);
	free(v2);
	bl_dev_free(l.bl);

	/* A second save replaces the items: the first save of a device
	 * skips the delete (it has none), a later one must not. */
	n_hl7 = bl->set[BL_HL7_SENT].n;
	assert_true(n_hl7 > 0);
	bl->set[BL_HL7_SENT].n = 0;
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.bl->set[BL_HL7_SENT].n, 0);
	assert_int_equal(l.bl->set[BL_PEER].n, bl->set[BL_PEER].n);
	bl_dev_free(l.bl);
	bl->set[BL_HL7_SENT].n = n_hl7;

	/* A version 1 file (no baselines, evidence a row a piece) opened
	 * for writing is upgraded; read-only it simply has none. */
	sql(path, "DROP TABLE baseline_items; DROP TABLE baselines; "
	    "DROP TABLE device_evidence; CREATE TABLE device_evidence "
	    "(device_id INTEGER NOT NULL REFERENCES devices (id) "
	    "ON DELETE CASCADE, pos INTEGER NOT NULL, key TEXT NOT NULL, "
	    "value TEXT NOT NULL, first_us INTEGER NOT NULL, "
	    "PRIMARY KEY (device_id, pos)) WITHOUT ROWID; "
	    "PRAGMA user_version = 1");
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	assert_int_equal(l.n, 0);
	state_close(st);
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	assert_int_equal(l.n, 1);
	bl_dev_free(l.bl);

	/* reset: the device learns again. */
	assert_int_equal(state_reset_baselines(st, &d.id, 1, stderr), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	assert_int_equal(l.n, 0);
	state_close(st);

	bl_dev_free(bl);
	dev_free(&d);
	state_files_remove(dir);
}

struct loaded_all {
	uint64_t	 id[4];
	struct bl_dev	*bl[4];
	int		 n;
};

static int
load_all_cb(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct loaded_all *l = arg;

	assert_true(l->n < 4);
	l->id[l->n] = id;
	l->bl[l->n++] = bl;
	return 0;
}

/*
 * The items of every baseline are read in one pass: each device's come
 * in the order its own query gave when an item was a row (kind,
 * first_us, key), which decides what a cap keeps, even from a row whose
 * lines are out of order; a line whose first_us is not a number is
 * skipped and counted; rows of no baseline are not read.
 */
static void
test_state_items_order(void **state)
{
	char dir[] = "/tmp/test-baseline-XXXXXX", path[128];
	struct device d[3], *dp[3];
	struct bl_config c;
	struct bl_dev *bl[3];
	struct loaded_all l;
	struct state *st;
	const struct bl_item *it;
	int i, ro;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	bl_config_defaults(&c);
	for (i = 0; i < 3; i++) {
		memset(&d[i], 0, sizeof(d[i]));
		d[i].mac[0] = 0x02;
		d[i].mac[5] = (uint8_t)(0x10 + i);
		d[i].first_us = d[i].last_us = T0;
		dp[i] = &d[i];
		bl[i] = bl_dev_new(&c, T0);
	}
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, dp, bl, 3, stderr), 0);
	state_close(st);
	set_items(path, d[0].id, "peer\tip:10.0.0.1\t1\t300\t300\t0\t\t0\n"
	    "peer\tip:10.0.0.2\t2\t100\t100\t0\t\t0\n"
	    "peer\tip:10.0.0.3\t3\t200\t200\t0\t\t0\n");
	set_items(path, d[1].id, "peer\tip:10.0.0.4\t4\tzz\t1\t0\t\t0\n"
	    "peer\tip:10.0.0.5\t5\t50\t50\t0\t\t0\n"
	    "peer\tip:10.0.0.6\t6\t60\t60\t0\t\t0\n");
	set_items(path, d[2].id, "peer\tip:10.0.0.7\t7\t7\t7\t0\t\t0\n");
	set_items(path, 0, "peer\tip:10.0.0.8\t8\t8\t8\t0\t\t0\n");
	set_items(path, d[2].id + 5,
	    "peer\tip:10.0.0.10\t10\t10\t10\t0\t\t0\n");

	c.max[BL_PEER] = 2;
	for (ro = 0; ro < 2; ro++) {
		memset(&l, 0, sizeof(l));
		assert_non_null(st = ro ? state_open_readonly(path, stderr) :
		    state_open(path, stderr));
		assert_int_equal(state_load_baselines(st, &c, load_all_cb,
		    &l), 0);
		state_close(st);
		assert_int_equal(l.n, 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(l.id[i], d[i].id);
		/* The earliest two, not the first two by key. */
		assert_int_equal(l.bl[0]->set[BL_PEER].n, 2);
		assert_null(bl_find(l.bl[0], BL_PEER, "ip:10.0.0.1"));
		assert_non_null(it = bl_find(l.bl[0], BL_PEER,
		    "ip:10.0.0.2"));
		assert_int_equal(it->count, 2);
		assert_int_equal(it->first_us, 100);
		assert_non_null(bl_find(l.bl[0], BL_PEER, "ip:10.0.0.3"));
		assert_int_equal(l.bl[0]->set[BL_PEER].dropped, 1);
		/* A text first_us: the line is skipped, and counted. */
		assert_int_equal(l.bl[1]->set[BL_PEER].n, 2);
		assert_int_equal(l.bl[1]->set[BL_PEER].dropped, 1);
		assert_null(bl_find(l.bl[1], BL_PEER, "ip:10.0.0.4"));
		assert_non_null(bl_find(l.bl[1], BL_PEER, "ip:10.0.0.5"));
		assert_non_null(bl_find(l.bl[1], BL_PEER, "ip:10.0.0.6"));
		/* Rows of no baseline, or of no device, are not read. */
		assert_int_equal(l.bl[2]->set[BL_PEER].n, 1);
		assert_non_null(bl_find(l.bl[2], BL_PEER, "ip:10.0.0.7"));
		assert_int_equal(l.bl[2]->set[BL_PEER].dropped, 0);
		for (i = 0; i < 3; i++)
			bl_dev_free(l.bl[i]);
	}

	for (i = 0; i < 3; i++) {
		bl_dev_free(bl[i]);
		dev_free(&d[i]);
	}
	state_files_remove(dir);
}

/*
 * A row of more lines than a cap keeps, out of order (a large or
 * hostile file), keeps the earliest items, as when an item was a row;
 * a file whose text is UTF-16 reads its rows back as they were saved
 * (SQLite gives them as UTF-8).
 */
static void
test_state_items_order_apart(void **state)
{
	char dir[] = "/tmp/test-baseline-XXXXXX", path[128], q[1024];
	struct device d, *dp = &d;
	struct bl_config c;
	struct bl_dev *bl;
	struct loaded_all l;
	struct state *st;
	int utf16;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	for (utf16 = 0; utf16 < 2; utf16++) {
		bl_config_defaults(&c);
		memset(&d, 0, sizeof(d));
		d.mac[0] = 0x02;
		d.mac[5] = 0x10;
		d.first_us = d.last_us = T0;
		bl = bl_dev_new(&c, T0);
		if (utf16)
			sql(path, "PRAGMA encoding = 'UTF-16le'; "
			    "CREATE TABLE x (a); DROP TABLE x;");
		assert_non_null(st = state_open(path, stderr));
		assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1,
		    stderr), 0);
		state_close(st);
		if (utf16) {
			/* Equal first_us: the keys decide, in UTF-8 byte
			 * order ("\xc4\x80" is U+0100). */
			bl_observe(bl, &c, BL_PEER, "ip:\xc4\x80", 5);
			bl_observe(bl, &c, BL_PEER, "ip:b", 5);
			bl_observe(bl, &c, BL_PEER, "ip:a", 5);
			assert_non_null(st = state_open(path, stderr));
			assert_int_equal(state_save_devices_bl(st, &dp, &bl,
			    1, stderr), 0);
			state_close(st);
			snprintf(q, sizeof(q), "SELECT 1");
		} else
			/* Past the cap: the earliest is the last key. */
			snprintf(q, sizeof(q), "WITH RECURSIVE n(i) AS "
			    "(SELECT 1 UNION ALL SELECT i + 1 FROM n "
			    "WHERE i < 4200) REPLACE INTO baseline_items "
			    "(device_id, items) SELECT %llu, "
			    "group_concat(printf('peer' || char(9) || "
			    "'ip:k%%05d' || char(9) || '1' || char(9) || "
			    "'%%d' || char(9) || '%%d' || char(9) || '0' || "
			    "char(9) || char(9) || '0', i, 5000 - i, "
			    "5000 - i), char(10)) FROM n",
			    (unsigned long long)d.id);
		sql(path, q);
		c.max[BL_PEER] = 2;
		memset(&l, 0, sizeof(l));
		assert_non_null(st = state_open(path, stderr));
		assert_int_equal(state_load_baselines(st, &c, load_all_cb,
		    &l), 0);
		state_close(st);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.bl[0]->set[BL_PEER].n, 2);
		if (utf16) {
			assert_string_equal(l.bl[0]->set[BL_PEER].v[0].key,
			    "ip:a");
			assert_string_equal(l.bl[0]->set[BL_PEER].v[1].key,
			    "ip:b");
			assert_int_equal(l.bl[0]->set[BL_PEER].dropped, 1);
		} else {
			assert_non_null(bl_find(l.bl[0], BL_PEER,
			    "ip:k04200"));
			assert_non_null(bl_find(l.bl[0], BL_PEER,
			    "ip:k04199"));
			assert_int_equal(l.bl[0]->set[BL_PEER].dropped, 4198);
		}
		bl_dev_free(l.bl[0]);
		bl_dev_free(bl);
		dev_free(&d);
		state_files_unlink(path);
	}
	rmdir(dir);
}

/* Items go in by statements of several rows, across kinds: all come
 * back, whatever the count. */
static void
test_state_items_batches(void **state)
{
	static const uint32_t flows[] = { 7, 8, 9 };
	char dir[] = "/tmp/test-baseline-XXXXXX", path[128], key[64];
	struct device d, *dp = &d;
	struct bl_config c;
	struct bl_dev *bl;
	struct loaded l;
	struct state *st;
	const struct bl_item *it, *lt;
	uint32_t i;
	int k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	bl_config_defaults(&c);
	bl = learned_days(&c, flows, 3);
	for (i = 0; i < 37; i++) {
		snprintf(key, sizeof(key), "ip:10.0.%u.%u", i / 10, i % 10);
		bl_observe(bl, &c, BL_PEER, key, T0 + HOUR);
	}
	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "ORU^R%02u", i);
		bl_observe(bl, &c, BL_HL7_SENT, key, T0 + 2 * HOUR);
	}
	bl_observe(bl, &c, BL_HL7_RECV, "ACK", T0 + 2 * HOUR);
	memset(&d, 0, sizeof(d));
	d.mac[0] = 0x02;
	d.mac[5] = 0x02;
	d.first_us = d.last_us = T0;
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.n, 1);
	assert_true(bl->set[BL_PEER].n > 32);
	for (k = 0; k < BL_KIND_MAX; k++) {
		assert_int_equal(l.bl->set[k].n, bl->set[k].n);
		for (i = 0; i < bl->set[k].n; i++) {
			it = &bl->set[k].v[i];
			assert_non_null(lt = bl_find(l.bl, (enum bl_kind)k,
			    it->key));
			assert_int_equal(lt->count, it->count);
			assert_int_equal(lt->first_us, it->first_us);
			assert_int_equal(lt->last_us, it->last_us);
			assert_int_equal(lt->hours, it->hours);
		}
	}
	bl_dev_free(l.bl);
	bl_dev_free(bl);
	dev_free(&d);
	state_files_remove(dir);
}

static int64_t
count_sql(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#define ITEM_LINES "SELECT coalesce(sum(length(items) - " \
	"length(replace(items, char(10), ''))), 0) FROM baseline_items"

/*
 * A later save writes the item row of a device whose items changed (a
 * new one, one counted up), whole, and no row when none did; so does a
 * save of what was loaded from the state.  A set cut shorter is
 * written whole again.
 */
static void
test_state_items_changed_only(void **state)
{
	static const uint32_t flows[] = { 7, 8, 9 };
	char dir[] = "/tmp/test-baseline-XXXXXX", path[128], key[64];
	struct device d, *dp = &d;
	struct bl_config c;
	struct bl_dev *bl;
	struct loaded l;
	struct state *st;
	uint32_t i, n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	bl_config_defaults(&c);
	bl = learned_days(&c, flows, 3);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "ip:10.0.%u.%u", i / 10, i % 10);
		bl_observe(bl, &c, BL_PEER, key, T0 + HOUR);
	}
	memset(&d, 0, sizeof(d));
	d.mac[0] = 0x02;
	d.mac[5] = 0x03;
	d.first_us = d.last_us = T0;
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	n = bl->set[BL_PEER].n;
	sql(path, "CREATE TABLE w (t TEXT); "
	    "CREATE TRIGGER wi AFTER INSERT ON baseline_items "
	    "BEGIN INSERT INTO w VALUES ('i'); END; "
	    "CREATE TRIGGER wu AFTER UPDATE ON baseline_items "
	    "BEGIN INSERT INTO w VALUES ('u'); END; "
	    "CREATE TRIGGER wd AFTER DELETE ON baseline_items "
	    "BEGIN INSERT INTO w VALUES ('d'); END;");

	/* Nothing changed: no row written. */
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w"), 0);

	bl_observe(bl, &c, BL_PEER, "ip:10.0.0.3", T0 + 2 * HOUR);
	bl_observe(bl, &c, BL_PEER, "ip:10.9.9.9", T0 + 2 * HOUR);
	/* The new item and the changed one: the device's row, whole
	 * (REPLACE: an insert, the old row going without a trigger). */
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w "
	    "WHERE t = 'i'"), 1);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w "
	    "WHERE t <> 'i'"), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM "
	    "baseline_items"), 1);
	assert_int_equal(count_sql(path, ITEM_LINES), n + 1 +
	    bl->set[BL_SERVICE].n + bl->set[BL_HL7_SENT].n +
	    bl->set[BL_HL7_RECV].n + bl->set[BL_DICOM_AE].n +
	    bl->set[BL_DICOM_CMD].n + bl->set[BL_EXTERNAL].n);
	sql(path, "DELETE FROM w");

	/* Loaded, as stored: only what moves after the load. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.bl->set[BL_PEER].n, n + 1);
	assert_int_equal(bl_find(l.bl, BL_PEER, "ip:10.0.0.3")->count,
	    bl_find(bl, BL_PEER, "ip:10.0.0.3")->count);
	assert_int_equal(state_save_devices_bl(st, &dp, &l.bl, 1, stderr),
	    0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w"), 0);
	bl_observe(l.bl, &c, BL_PEER, "ip:10.0.0.4", T0 + 3 * HOUR);
	assert_int_equal(state_save_devices_bl(st, &dp, &l.bl, 1, stderr),
	    0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w"), 1);
	bl_dev_free(l.bl);
	sql(path, "DELETE FROM w");

	/* Cut shorter: all again, and no more lines than items. */
	bl->set[BL_PEER].n = 5;
	for (i = 0; i < BL_KIND_MAX; i++)
		if (i != BL_PEER)
			bl->set[i].n = 0;
	assert_int_equal(state_save_devices_bl(st, &dp, &bl, 1, stderr), 0);
	assert_int_equal(count_sql(path, "SELECT count(*) FROM w"), 1);
	assert_int_equal(count_sql(path, ITEM_LINES), 5);

	/* A line whose key is longer than an item's (another build's, or
	 * edited by hand) is loaded cut: the first save writes the row
	 * whole again, with the cut key. */
	{
		char q[512], longkey[2 * BL_KEY_MAX], cutkey[BL_KEY_MAX];
		const struct bl_item *it;

		snprintf(longkey, sizeof(longkey), "ip:10.0.0.1/%0*d",
		    BL_KEY_MAX, 7);
		memcpy(cutkey, longkey, sizeof(cutkey) - 1);
		cutkey[sizeof(cutkey) - 1] = '\0';
		snprintf(q, sizeof(q), "UPDATE baseline_items SET items = "
		    "replace(items, 'ip:10.0.0.1' || char(9), '%s' || "
		    "char(9))", longkey);
		sql(path, q);
		snprintf(q, sizeof(q), "SELECT instr(items, '%s') > 0 FROM "
		    "baseline_items", longkey);
		assert_int_equal(count_sql(path, q), 1);
		memset(&l, 0, sizeof(l));
		assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
		assert_int_equal(l.n, 1);
		assert_non_null(it = bl_find(l.bl, BL_PEER, cutkey));
		assert_int_equal(state_save_devices_bl(st, &dp, &l.bl, 1,
		    stderr), 0);
		assert_int_equal(count_sql(path, q), 0);
		bl_dev_free(l.bl);
		memset(&l, 0, sizeof(l));
		assert_int_equal(state_load_baselines(st, &c, load_cb, &l), 0);
		assert_non_null(it = bl_find(l.bl, BL_PEER, cutkey));
		assert_int_equal(l.bl->set[BL_PEER].n, 5);
		bl_dev_free(l.bl);
	}
	state_close(st);

	bl_dev_free(bl);
	dev_free(&d);
	state_files_remove(dir);
}

/* Many devices, many peers: each table stays within its cap. */
static void
test_many_devices_caps(void **state)
{
	struct bl_config c;
	struct bl_dev *d;
	struct bh_dev *h;
	struct bh_hit hit[4];
	char key[48];
	size_t mem = 0, dev_max = 0, m;
	int i, j;

	(void)state;
	bl_config_defaults(&c);
	for (i = 0; i < 2000; i++) {
		d = bl_dev_new(&c, T0);
		h = bh_dev_new();
		for (j = 0; j < 500; j++) {
			snprintf(key, sizeof(key), "ip:10.%d.%d.%d", i % 200,
			    j / 250, j % 250);
			(void)bl_observe(d, &c, BL_PEER, key, T0 + j * SEC);
			snprintf(key, sizeof(key), "tcp/%d - client", 1000 + j);
			(void)bl_observe(d, &c, BL_SERVICE, key, T0 + j * SEC);
			(void)bh_flow(h, &c.detect, T0 + j * SEC, (uint32_t)j,
			    (uint16_t)(1000 + j), 1, hit);
		}
		assert_int_equal(d->set[BL_PEER].n, c.max[BL_PEER]);
		assert_int_equal(d->set[BL_PEER].dropped, 500 - c.max[BL_PEER]);
		assert_true(d->set[BL_SERVICE].cap <= c.max[BL_SERVICE]);
		m = bl_dev_memory(d) + bh_dev_memory(h);
		if (m > dev_max)
			dev_max = m;
		mem += m;
		bl_dev_free(d);
		bh_dev_free(h);
	}
	/* 64 peers, 32 services, windows of 32 and 50 keys. */
	print_message("# %zu bytes per device at most, %zu in all\n",
	    dev_max, mem);
	assert_true(dev_max < 16384);
}

/*
 * bh_win_add() against the window as it was when it grew on every
 * call up to its threshold: the same counts and the same keys in the
 * same places, over random keys, times and thresholds (up and down, as
 * a reload makes them).
 */
struct ref_win {
	uint32_t	 key[64], ts[64];
	uint32_t	 n, cap;
};

static uint32_t
ref_win_add(struct ref_win *w, uint32_t cap, uint32_t key, uint32_t now,
    uint32_t window)
{
	uint32_t i, k, oldest;

	if (cap == 0)
		return 0;
	if (w->cap < cap) {
		k = w->cap == 0 ? (cap < 8 ? cap : 8) : w->cap * 2;
		w->cap = k > cap ? cap : k;
	}
	if (w->n > cap)
		w->n = cap;
	for (i = k = 0; i < w->n; i++) {
		if (!(w->ts[i] + window > now || w->ts[i] > now))
			continue;
		w->key[k] = w->key[i];
		w->ts[k++] = w->ts[i];
	}
	w->n = k;
	for (i = 0; i < w->n; i++)
		if (w->key[i] == key) {
			w->ts[i] = now;
			return w->n;
		}
	if (w->n == w->cap) {
		if (w->cap < cap)
			return ref_win_add(w, cap, key, now, window);
		for (oldest = 0, i = 1; i < w->n; i++)
			if (w->ts[i] < w->ts[oldest])
				oldest = i;
		w->key[oldest] = key;
		w->ts[oldest] = now;
		return w->n;
	}
	w->key[w->n] = key;
	w->ts[w->n++] = now;
	return w->n;
}

static void
test_behave_window_growth(void **state)
{
	struct bh_win w;
	struct ref_win r;
	uint32_t seed = 7, cap = 20, now = 1000, key, i, run, got, want;

	(void)state;
	for (run = 0; run < 200; run++) {
		memset(&w, 0, sizeof(w));
		memset(&r, 0, sizeof(r));
		for (i = 0; i < 400; i++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 8) % 50 == 0)	/* a reload */
				cap = 1 + (seed >> 16) % 64;
			key = (seed >> 12) % (run % 2 ? 8 : 90);
			now += (seed >> 20) % 4;
			want = ref_win_add(&r, cap, key, now, 30);
			got = bh_win_add(&w, cap, key, now, 30);
			assert_int_equal(got, want);
			assert_int_equal(w.n, r.n);
			assert_memory_equal(w.key, r.key, w.n * sizeof(*w.key));
			assert_memory_equal(w.ts, r.ts, w.n * sizeof(*w.ts));
			assert_true(w.cap <= 64 && w.n <= w.cap + 1);
		}
		free(w.key);	/* and w.ts: one block */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_behave_window_growth),
		cmocka_unit_test(test_state_items_batches),
		cmocka_unit_test(test_state_items_changed_only),
		cmocka_unit_test(test_median_mad),
		cmocka_unit_test(test_volume_bound),
		cmocka_unit_test(test_volume_flat),
		cmocka_unit_test(test_learning_transition),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_keys_words),
		cmocka_unit_test(test_observe_key),
		cmocka_unit_test(test_dedup_window),
		cmocka_unit_test(test_off_hours),
		cmocka_unit_test(test_vol_text),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_behave_scan),
		cmocka_unit_test(test_behave_counted),
		cmocka_unit_test(test_behave_retrieval),
		cmocka_unit_test(test_behave_flood),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_state_items_order),
		cmocka_unit_test(test_state_items_order_apart),
		cmocka_unit_test(test_many_devices_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
