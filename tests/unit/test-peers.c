/*
 * test-peers.c - a device's communication map (device/peers.c) and its
 * place in the state database (schema version 4): insert, counters
 * merged, the cap with its dropped count and bounded memory, the order
 * of a record's top entries, the table saved (only what changed),
 * loaded back, accumulated, a version 3 file upgraded, reset, and
 * gone with its device.
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
#include "device/peers.h"
#include "state/state.h"

#define T0	1700000000000000ull

static struct peer_ent
ent(const char *peer, uint8_t dir, uint8_t proto, uint16_t port,
    const char *app, uint64_t bytes, uint64_t ts)
{
	struct peer_ent e;

	memset(&e, 0, sizeof(e));
	snprintf(e.peer, sizeof(e.peer), "%s", peer);
	snprintf(e.app, sizeof(e.app), "%s", app);
	snprintf(e.zone, sizeof(e.zone), "medical");
	e.vlan = 20;
	e.dir = dir;
	e.proto = proto;
	e.port = peers_port(proto, port);
	e.flows = 1;
	e.packets = 4;
	e.bytes = bytes;
	e.first_us = e.last_us = ts;
	return e;
}

static void
test_insert_merge(void **state)
{
	struct peer_tab t;
	struct peer_ent e;

	(void)state;
	memset(&t, 0, sizeof(t));
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2575, "hl7",
	    1000, T0 + 5);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e.first_us = e.last_us = T0 + 1;	/* older, merged */
	e.bytes = 500;
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e.first_us = e.last_us = T0 + 9;
	snprintf(e.zone, sizeof(e.zone), "pacs");
	assert_int_equal(peers_add(&t, 8, &e), 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].flows, 3);
	assert_int_equal(t.v[0].packets, 12);
	assert_int_equal(t.v[0].bytes, 2000);
	assert_int_equal(t.v[0].first_us, T0 + 1);
	assert_int_equal(t.v[0].last_us, T0 + 9);
	assert_string_equal(t.v[0].zone, "pacs");	/* the newest */
	/* Each key field makes another entry. */
	e = ent("mac:02:00:00:00:00:02", PEERS_ACCEPTED, 6, 2575, "hl7", 1,
	    T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 17, 2575, "hl7", 1,
	    T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2576, "hl7", 1,
	    T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2575, "", 1, T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e = ent("zone:internet", PEERS_INITIATED, 6, 2575, "hl7", 1, T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	assert_int_equal(t.n, 6);
	assert_int_equal(t.dropped, 0);
	/* Ephemeral server ports are one entry. */
	e = ent("zone:internet", PEERS_INITIATED, 6, 50000, "", 1, T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	e = ent("zone:internet", PEERS_INITIATED, 6, 61000, "", 1, T0);
	assert_int_equal(peers_add(&t, 8, &e), 1);
	assert_int_equal(t.n, 7);
	peers_clear(&t);
}

static void
test_cap_dropped(void **state)
{
	struct peer_tab t;
	struct peer_ent e;
	char key[64];
	uint32_t i, added = 0;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "ip:10.%u.%u.%u", i >> 16,
		    (i >> 8) & 0xff, i & 0xff);
		e = ent(key, PEERS_INITIATED, 6, 443, "tls", 100, T0 + i);
		added += (uint32_t)peers_add(&t, 16, &e);
	}
	assert_int_equal(added, 16);
	assert_int_equal(t.n, 16);
	assert_true(t.cap <= 16);
	assert_int_equal(t.dropped, 100000 - 16);
	assert_true(peers_memuse(&t) <= 16 * sizeof(struct peer_ent));
	/* A kept peer still counts once the table is full. */
	e = ent("ip:10.0.0.3", PEERS_INITIATED, 6, 443, "tls", 100, T0);
	assert_int_equal(peers_add(&t, 16, &e), 1);
	assert_int_equal(t.dropped, 100000 - 16);
	peers_clear(&t);
}

static void
test_merge_tables(void **state)
{
	struct peer_tab a, b;
	struct peer_ent e;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	e = ent("zone:internet", PEERS_INITIATED, 6, 443, "tls", 10, T0);
	peers_add(&a, 2, &e);
	peers_add(&b, 2, &e);
	e = ent("ip:10.0.0.1", PEERS_ACCEPTED, 6, 22, "ssh", 10, T0);
	peers_add(&b, 2, &e);
	e = ent("ip:10.0.0.2", PEERS_ACCEPTED, 6, 22, "ssh", 10, T0);
	peers_add(&b, 2, &e);		/* dropped in b */
	e = ent("ip:10.0.0.3", PEERS_ACCEPTED, 6, 22, "ssh", 10, T0);
	peers_add(&a, 2, &e);
	peers_merge(&a, 2, &b);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.v[0].flows, 2);
	assert_int_equal(a.v[0].bytes, 20);
	/* b's one that did not fit in a, and the one b had dropped. */
	assert_int_equal(a.dropped, 2);
	peers_clear(&a);
	peers_clear(&b);
}

static void
test_top(void **state)
{
	struct peer_tab t;
	struct peer_ent e;
	size_t idx[3], n;
	char key[32];
	unsigned i;
	/* Bytes per entry, in insertion order. */
	static const uint64_t bytes[] = { 5, 900, 40, 900, 7, 1000, 3 };

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		snprintf(key, sizeof(key), "ip:10.0.0.%u", 9 - i);
		e = ent(key, PEERS_INITIATED, 6, 80, "http", bytes[i], T0);
		peers_add(&t, 64, &e);
	}
	n = peers_top(&t, idx, 3);
	assert_int_equal(n, 3);
	assert_int_equal(t.v[idx[0]].bytes, 1000);
	/* Equal bytes and flows: by key. */
	assert_string_equal(t.v[idx[1]].peer, "ip:10.0.0.6");
	assert_string_equal(t.v[idx[2]].peer, "ip:10.0.0.8");
	n = peers_top(&t, idx, 1);
	assert_int_equal(n, 1);
	assert_int_equal(t.v[idx[0]].bytes, 1000);
	peers_clear(&t);
	memset(&t, 0, sizeof(t));
	assert_int_equal(peers_top(&t, idx, 3), 0);
}

struct load {
	size_t		 n;
	uint64_t	 id;
	char		 zone[PEERS_ZONE_MAX];
	struct peer_tab	 t;
};

static int
load_cb(void *arg, uint64_t id, const char *zone, struct peer_tab *t)
{
	struct load *l = arg;

	l->n++;
	l->id = id;
	snprintf(l->zone, sizeof(l->zone), "%s", zone);
	peers_clear(&l->t);
	l->t = *t;			/* taken over */
	memset(t, 0, sizeof(*t));
	return 0;
}

static int
rows(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
sql(const char *path, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_state(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct device d, *dp = &d;
	struct state *st;
	struct state_peers sp;
	struct peer_tab t;
	struct peer_ent e;
	struct load l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	memset(&d, 0, sizeof(d));
	d.mac[0] = 0x02;
	d.mac[5] = 0x01;
	d.vlan = 20;
	d.first_us = d.last_us = T0;
	memset(&t, 0, sizeof(t));
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2575, "hl7",
	    1000, T0);
	peers_add(&t, 2, &e);
	e = ent("zone:internet", PEERS_INITIATED, 6, 443, "tls", 10, T0);
	peers_add(&t, 2, &e);
	e = ent("zone:pacs", PEERS_INITIATED, 6, 104, "dicom", 10, T0);
	peers_add(&t, 2, &e);		/* dropped */

	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(state_save_devices(st, &dp, 1, stderr), 0);
	memset(&sp, 0, sizeof(sp));
	sp.device_id = d.id;
	sp.zone = "medical";
	sp.tab = &t;
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	state_close(st);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 2);

	/* Read back, read-only: what was saved. */
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, 64, load_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.id, d.id);
	assert_string_equal(l.zone, "medical");
	assert_int_equal(l.t.n, 2);
	assert_int_equal(l.t.dropped, 1);
	assert_false(l.t.dirty);
	assert_false(l.t.v[0].dirty);
	assert_string_equal(l.t.v[0].peer, "mac:02:00:00:00:00:02");
	assert_string_equal(l.t.v[0].app, "hl7");
	assert_int_equal(l.t.v[0].port, 2575);
	assert_int_equal(l.t.v[0].bytes, 1000);
	assert_int_equal(l.t.v[0].vlan, 20);

	/* The next run adds to what it loaded: only the changed row is
	 * written, with its total. */
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2575, "hl7",
	    500, T0 + 10);
	peers_add(&l.t, 64, &e);
	sql(path, "UPDATE device_peers SET bytes = 7 WHERE peer = "
	    "'zone:internet'");
	/* The comm row as loaded (zone, dropped) is not written again:
	 * a mark put behind the sensor's back stays. */
	assert_true(l.t.comm_stored);
	assert_int_equal(l.t.dropped_stored, 1);
	sql(path, "UPDATE device_comm SET peers_dropped = 5");
	l.t.dropped_stored = 1;
	assert_non_null(st = state_open(path, stderr));
	sp.tab = &l.t;
	sp.zone_stored = "medical";
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	assert_int_equal(rows(path, "SELECT peers_dropped FROM device_comm"),
	    5);
	/* Another zone: written. */
	sp.zone = "icu";
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	assert_int_equal(rows(path, "SELECT peers_dropped FROM device_comm"),
	    1);
	sp.zone = "medical";
	sp.zone_stored = NULL;
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	state_close(st);
	assert_int_equal(rows(path, "SELECT bytes FROM device_peers WHERE "
	    "app = 'hl7'"), 1500);
	assert_int_equal(rows(path, "SELECT flows FROM device_peers WHERE "
	    "app = 'hl7'"), 2);
	/* Not dirty: not written again. */
	assert_int_equal(rows(path, "SELECT bytes FROM device_peers WHERE "
	    "peer = 'zone:internet'"), 7);

	/* A version 3 file: none read-only; upgraded for writing. */
	sql(path, "DROP TABLE device_peers; DROP TABLE device_comm; "
	    "DROP TABLE device_evidence; CREATE TABLE device_evidence "
	    "(device_id INTEGER NOT NULL REFERENCES devices (id) "
	    "ON DELETE CASCADE, pos INTEGER NOT NULL, key TEXT NOT NULL, "
	    "value TEXT NOT NULL, first_us INTEGER NOT NULL, "
	    "PRIMARY KEY (device_id, pos)) WITHOUT ROWID; "
	    "PRAGMA user_version = 3");
	peers_clear(&l.t);
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, 64, load_cb, &l), 0);
	assert_int_equal(l.n, 0);
	state_close(st);
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(rows(path, "PRAGMA user_version"), 5);
	sp.tab = &t;
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	assert_int_equal(state_load_peers(st, 64, load_cb, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.t.n, 2);

	/* reset: no rows left for the device. */
	assert_int_equal(state_reset_peers(st, &d.id, 1, stderr), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_comm"), 0);
	/* A forgotten (evicted, merged) device takes its rows along. */
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 2);
	assert_int_equal(state_forget_devices(st, &d.id, 1, stderr), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_comm"), 0);
	state_close(st);

	peers_clear(&l.t);
	peers_clear(&t);
	dev_free(&d);
	unlink(path);
	snprintf(path, sizeof(path), "%s/state.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/state.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

/* Services are named as snprintf() named them, cut short alike. */
static void
test_service_names(void **state)
{
	static const struct { uint8_t proto; uint16_t port; } c[] = {
		{ 6, 104 }, { 17, 53 }, { 6, 0 }, { 17, 0 }, { 6, 65535 },
		{ 17, 1 }, { 1, 0 }, { 58, 0 }, { 47, 0 }, { 0, 9 },
		{ 255, 0 },
	};
	struct peer_ent e;
	char got[32], want[32];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&e, 0, sizeof(e));
		e.proto = c[i].proto;
		e.port = c[i].port;
		for (len = 1; len <= sizeof(got); len++) {
			if (e.proto == 6 || e.proto == 17)
				snprintf(want, len, "%s/%s",
				    e.proto == 6 ? "tcp" : "udp", e.port == 0 ?
				    "ephemeral" : "");
			if ((e.proto == 6 || e.proto == 17) && e.port != 0)
				snprintf(want, len, "%s/%u", e.proto == 6 ?
				    "tcp" : "udp", e.port);
			else if (e.proto == 1)
				snprintf(want, len, "icmp");
			else if (e.proto == 58)
				snprintf(want, len, "icmp6");
			else if (e.proto != 6 && e.proto != 17)
				snprintf(want, len, "ip/%u", e.proto);
			memset(got, 'x', sizeof(got));
			assert_string_equal(peers_service(&e, got, len), want);
		}
	}
	assert_string_equal(peers_port_name(got, sizeof(got), "udp", 0),
	    "udp/0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_merge),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_cap_dropped),
		cmocka_unit_test(test_merge_tables),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
