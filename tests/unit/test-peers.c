/*
 * test-peers.c - a device's communication map (device/peers.c) and its
 * place in the state database (schema version 4, a row a device from
 * version 6): insert, counters
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
#include "state-files.h"

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

/* Lines of every device's peer row: its entries. */
#define LINES	"SELECT coalesce(sum(length(peers) - " \
	"length(replace(peers, char(10), ''))), 0) FROM device_peers"

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
	/* One row for the device (version 6), a line an entry. */
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 1);
	assert_int_equal(rows(path, LINES), 2);

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

	/* Nothing changed: the row is not written again (a mark put
	 * behind the sensor's back stays). */
	sql(path, "UPDATE device_peers SET peers = replace(peers, 'tls', "
	    "'tlz')");
	assert_non_null(st = state_open(path, stderr));
	sp.tab = &l.t;
	sp.zone_stored = "medical";
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	state_close(st);
	assert_int_equal(rows(path, "SELECT instr(peers, 'tlz') > 0 "
	    "FROM device_peers"), 1);
	/* The next run adds to what it loaded: the device with an entry
	 * changed has its whole row written, with the totals. */
	e = ent("mac:02:00:00:00:00:02", PEERS_INITIATED, 6, 2575, "hl7",
	    500, T0 + 10);
	peers_add(&l.t, 64, &e);
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
	assert_int_equal(rows(path, "SELECT instr(peers, 'tlz') FROM "
	    "device_peers"), 0);
	assert_int_equal(rows(path, LINES), 2);
	peers_clear(&l.t);
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, 64, load_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.t.n, 2);
	assert_string_equal(l.t.v[0].app, "hl7");
	assert_int_equal(l.t.v[0].bytes, 1500);
	assert_int_equal(l.t.v[0].flows, 2);
	assert_int_equal(l.t.v[0].last_us, T0 + 10);
	assert_string_equal(l.t.v[1].app, "tls");
	assert_int_equal(l.t.v[1].bytes, 10);

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
	assert_int_equal(rows(path, "PRAGMA user_version"),
	    STATE_SCHEMA_VERSION);
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
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 1);
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

/* ---- version 6: a device's entries in one row ---- */

/* A fresh state in dir with n devices saved (ids 1..n). */
static struct state *
new_state(char *dir, char *path, size_t plen, size_t n)
{
	struct device d, *dp = &d;
	struct state *st;
	size_t i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, plen, "%s/state.db", dir);
	assert_non_null(st = state_open(path, stderr));
	for (i = 0; i < n; i++) {
		memset(&d, 0, sizeof(d));
		d.mac[0] = 0x02;
		d.mac[5] = (uint8_t)(i + 1);
		d.vlan = 20;
		d.first_us = d.last_us = T0;
		assert_int_equal(state_save_devices(st, &dp, 1, stderr), 0);
		assert_int_equal(d.id, i + 1);
		dev_free(&d);
	}
	return st;
}

/* Every device's table, by id (up to 8). */
struct loads {
	size_t		 n;
	uint64_t	 id[8];
	char		 zone[8][PEERS_ZONE_MAX];
	struct peer_tab	 t[8];
};

static int
loads_cb(void *arg, uint64_t id, const char *zone, struct peer_tab *t)
{
	struct loads *l = arg;

	assert_true(l->n < 8);
	l->id[l->n] = id;
	snprintf(l->zone[l->n], sizeof(l->zone[0]), "%s", zone);
	l->t[l->n++] = *t;
	memset(t, 0, sizeof(*t));
	return 0;
}

static void
loads_free(struct loads *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		peers_clear(&l->t[i]);
	memset(l, 0, sizeof(*l));
}

static void
assert_ent_equal(const struct peer_ent *a, const struct peer_ent *b)
{
	assert_memory_equal(a->peer, b->peer, strlen(a->peer) + 1);
	assert_memory_equal(a->app, b->app, strlen(a->app) + 1);
	assert_memory_equal(a->zone, b->zone, strlen(a->zone) + 1);
	assert_int_equal(a->vlan, b->vlan);
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->port, b->port);
	assert_true(a->flows == b->flows && a->packets == b->packets &&
	    a->bytes == b->bytes && a->first_us == b->first_us &&
	    a->last_us == b->last_us);
}

/* Entries whose texts hold what a line separates with, at their
 * longest, not UTF-8, and numbers at their bounds. */
static void
odd_entries(struct peer_tab *t)
{
	struct peer_ent e;

	memset(t, 0, sizeof(*t));
	e = ent("ip:a\tb\nc\\d\\t", PEERS_ACCEPTED, 255, 0, "h\\t7", 0, 0);
	e.port = 65535;
	e.zone[0] = '\0';
	e.vlan = -1;
	e.flows = UINT64_MAX;
	e.packets = 0;
	e.bytes = 1ull << 63;
	e.last_us = UINT64_MAX;
	peers_add(t, 64, &e);
	e = ent("", PEERS_INITIATED, 6, 104, "", 1, T0);
	memset(e.peer, '\\', PEERS_KEY_MAX - 1);
	memset(e.app, '\t', PEERS_APP_MAX - 1);
	memset(e.zone, '\n', PEERS_ZONE_MAX - 1);
	e.vlan = INT32_MIN;
	peers_add(t, 64, &e);
	e = ent("zone:\xff\xfe\xc3(", PEERS_INITIATED, 17, 53, "", 2, T0);
	snprintf(e.zone, sizeof(e.zone), "\xe2\x80\xae\x80");
	e.vlan = INT32_MAX;
	peers_add(t, 64, &e);
	e = ent("mac:02:00:00:00:00:09", PEERS_INITIATED, 6, 2575, "hl7", 3,
	    T0);
	peers_add(t, 64, &e);
}

/*
 * Tabs, newlines and backslashes in the texts, texts at their longest
 * (each byte escaped), bytes not UTF-8, numbers at their bounds: a
 * device's row gives back every entry as saved, in order.
 */
static void
test_state_odd_values(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct state_peers sp;
	struct peer_tab t;
	struct loads l;
	struct state *st;
	uint32_t k;

	(void)state;
	st = new_state(dir, path, sizeof(path), 1);
	odd_entries(&t);
	memset(&sp, 0, sizeof(sp));
	sp.device_id = 1;
	sp.zone = "a\tzone";
	sp.tab = &t;
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	state_close(st);
	assert_int_equal(rows(path, LINES), 4);
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.zone[0], "a\tzone");
	assert_int_equal(l.t[0].n, 4);
	assert_int_equal(l.t[0].dropped, 0);
	for (k = 0; k < 4; k++)
		assert_ent_equal(&t.v[k], &l.t[0].v[k]);
	loads_free(&l);
	peers_clear(&t);
	state_files_remove(dir);
}

/* Set device id's peer row to text (len bytes, NULs and all). */
static void
put_row(sqlite3 *db, uint64_t id, const char *text, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "REPLACE INTO device_peers "
	    "(device_id, peers) VALUES (?1, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

#define GOOD(n)	"mac:02:00:00:00:00:0" #n "\tinitiated\t6\t2575\thl7\t" \
	"medical\t20\t1\t4\t1000\t5\t6"

/*
 * A row not as a save writes it (edited by hand, damaged): each line
 * that does not parse is skipped and counted as dropped; the others
 * load, the last one without its newline too.
 */
static void
test_state_bad_lines(void **state)
{
	static const char row[] =
	    GOOD(1) "\n"
	    "\n"					/* empty */
	    /* A direction, proto, port past their bounds or none. */
	    "mac:x\tsideways\t6\t1\t\t\t20\t1\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t256\t1\t\t\t20\t1\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t65536\t\t\t20\t1\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t\t\t\t20\t1\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t1 \t\t\t20\t1\t1\t1\t1\t1\n"
	    /* A VLAN and counters past theirs, negative. */
	    "mac:x\tinitiated\t6\t1\t\t\t-2147483649\t1\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t1\t\t\t20\t18446744073709551616\t1"
	    "\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t1\t\t\t20\t-1\t1\t1\t1\t1\n"
	    /* 11 fields, 13, an escape no save writes, \ before TAB. */
	    "mac:x\tinitiated\t6\t1\t\t\t20\t1\t1\t1\t1\n"
	    "mac:x\tinitiated\t6\t1\t\t\t20\t1\t1\t1\t1\t1\t\n"
	    "mac:x\tinitiated\t6\t1\th\\q\t\t20\t1\t1\t1\t1\t1\n"
	    "mac:x\\\tinitiated\t6\t1\t\t\t20\t1\t1\t1\t1\t1\n"
	    "\tinitiated\t6\t1\t\t\t20\t1\t1\t1\t1\t1\n"	/* no peer */
	    "mac:0123456789012345678901234567890123456789012345678901234"
	    "\tinitiated\t6\t1\t\t\t20\t1\t1\t1\t1\t1\n"	/* too long */
	    "mac:x\tinitiated\t6\t1\tno\0nul\t\t20\t1\t1\t1\t1\t1\n"
	    "garbage\n"
	    GOOD(2);
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct loads l;
	struct state *st;
	sqlite3 *db;

	(void)state;
	st = new_state(dir, path, sizeof(path), 1);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	put_row(db, 1, row, sizeof(row) - 1);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.t[0].n, 2);
	assert_int_equal(l.t[0].dropped, 17);
	assert_string_equal(l.t[0].v[1].peer, "mac:02:00:00:00:00:02");
	assert_int_equal(l.t[0].v[1].last_us, 6);
	loads_free(&l);
	sqlite3_close(db);
	state_close(st);
	state_files_remove(dir);
}

/*
 * Lines a load did not keep (bad, or past max) are counted dropped
 * once: the next save writes the row again without them, so a
 * restart does not count them again (1, 1, 1; not 1, 2, 3).  A row
 * of bad lines only is written back empty.
 */
static void
test_state_dropped_once(void **state)
{
	static const char row[] = GOOD(1) "\ngarbage\n" GOOD(2);
	static const char bad[] = "garbage";
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct state_peers sp[2];
	struct loads l;
	struct state *st;
	sqlite3 *db;
	int round;

	(void)state;
	st = new_state(dir, path, sizeof(path), 2);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	put_row(db, 1, row, sizeof(row) - 1);
	put_row(db, 2, bad, sizeof(bad) - 1);
	for (round = 0; round < 3; round++) {
		memset(&l, 0, sizeof(l));
		assert_int_equal(state_load_peers(st, 1, loads_cb, &l), 0);
		assert_int_equal(l.n, 2);
		/* garbage, and GOOD(2) past max 1 (the first time). */
		assert_int_equal(l.t[0].n, 1);
		assert_int_equal(l.t[0].dropped, 2);
		assert_int_equal(l.t[1].n, 0);
		assert_int_equal(l.t[1].dropped, 1);
		assert_int_equal(l.t[0].rewrite, round == 0);
		assert_int_equal(l.t[1].rewrite, round == 0);
		/* Saved as the brain saves a loaded table: no entry
		 * changed, the zone and the count as loaded. */
		memset(sp, 0, sizeof(sp));
		sp[0].device_id = l.id[0];
		sp[0].zone = sp[0].zone_stored = l.zone[0];
		sp[0].tab = &l.t[0];
		sp[1].device_id = l.id[1];
		sp[1].zone = sp[1].zone_stored = l.zone[1];
		sp[1].tab = &l.t[1];
		assert_int_equal(state_save_peers(st, sp, 2, stderr), 0);
		loads_free(&l);
	}
	sqlite3_close(db);
	state_close(st);
	assert_int_equal(rows(path, LINES), 1);
	state_files_remove(dir);
}

/*
 * A row of more lines than a table keeps: the load keeps max entries
 * (its table never grows past them) and counts the rest dropped, and
 * reads no line past PEERS_MAX_MAX (counted too).
 */
static void
test_state_line_cap(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128], *text;
	size_t len = 0, i, nl = PEERS_MAX_MAX + 5;
	struct loads l;
	struct state *st;
	sqlite3 *db;

	(void)state;
	st = new_state(dir, path, sizeof(path), 1);
	assert_non_null(text = malloc(nl * 80));
	for (i = 0; i < nl; i++)
		len += (size_t)sprintf(text + len, "ip:10.0.%zu.%zu\taccepted"
		    "\t17\t53\tdns\t\t-1\t1\t1\t100\t1\t2\n", i / 256,
		    i % 256);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	put_row(db, 1, text, len);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_peers(st, PEERS_MAX_MAX, loads_cb, &l), 0);
	assert_int_equal(l.t[0].n, PEERS_MAX_MAX);
	assert_int_equal(l.t[0].dropped, 5);
	loads_free(&l);
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	assert_int_equal(l.t[0].n, 64);
	assert_true(l.t[0].cap <= 64);
	assert_int_equal(l.t[0].dropped, nl - 64);
	loads_free(&l);
	sqlite3_close(db);
	free(text);
	state_close(st);
	state_files_remove(dir);
}

/* state.c's STATE_PE_PEND_MAX: the peer rows' text a save holds before
 * it writes them. */
#define PEND_MAX	(1024 * 1024)
#define BIG_DEVS	7

/* Entries of device d: PEERS_MAX_MAX (a row over a megabyte), or a
 * hundred for every other device and the last (rows that join the
 * next big one's write, and the rest written at the end). */
static uint32_t
big_n(size_t d)
{
	return d % 2 == 0 && d != BIG_DEVS - 1 ? PEERS_MAX_MAX : 100;
}

static int
ent_peer_cmp(const void *x, const void *y)
{
	const struct peer_ent *a = x, *b = y;

	return memcmp(a->peer, b->peer, sizeof(a->peer));
}

/*
 * One save of devices whose rows pass the pending text's cap (1 MB)
 * three times: rows written mid-save, of one device and of two, and
 * the rest at the end.  Entries have texts at their longest (and
 * backslashes, which the row doubles) and numbers at their longest;
 * every entry of every device loads back as saved.
 */
static void
test_state_save_big(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct state_peers sp[BIG_DEVS];
	struct peer_tab t[BIG_DEVS];
	struct peer_ent e;
	struct loads l;
	struct state *st;
	sqlite3_stmt *q;
	sqlite3 *db;
	size_t d, k, sum, flushes, last, batch, widest;
	uint32_t i;
	int n;

	(void)state;
	st = new_state(dir, path, sizeof(path), BIG_DEVS);
	memset(sp, 0, sizeof(sp));
	for (d = 0; d < BIG_DEVS; d++) {
		memset(&t[d], 0, sizeof(t[d]));
		for (i = 0; i < big_n(d); i++) {
			memset(&e, 0, sizeof(e));
			memset(e.peer, '\\', sizeof(e.peer) - 1);
			memcpy(e.peer, "ip:", 3);
			n = snprintf(e.peer + 3, 12, "%02zx.%04x.", d, i);
			assert_int_equal(n, 8);
			e.peer[3 + n] = '\\';	/* snprintf's NUL */
			memset(e.zone, 'z', sizeof(e.zone) - 1);
			e.zone[0] = (char)('a' + d);
			memset(e.app, '\\', sizeof(e.app) - 1);
			e.vlan = INT32_MIN + (int32_t)i;
			e.dir = (uint8_t)(i & 1);
			e.proto = (uint8_t)(i % 256);
			e.port = (uint16_t)(65535 - i);
			e.flows = UINT64_MAX - i;
			e.packets = UINT64_MAX - d;
			e.bytes = (1ull << 63) + i;
			e.first_us = UINT64_MAX - 2 * i;
			e.last_us = UINT64_MAX - i;
			assert_int_equal(peers_add(&t[d], PEERS_MAX_MAX, &e),
			    1);
			assert_int_equal(strnlen(e.peer, sizeof(e.peer)),
			    sizeof(e.peer) - 1);
		}
		assert_int_equal(t[d].n, big_n(d));
		sp[d].device_id = d + 1;
		sp[d].zone = "medical";
		sp[d].tab = &t[d];
	}
	assert_int_equal(state_save_peers(st, sp, BIG_DEVS, stderr), 0);

	/* The rows as stored, in the save's order: their text passes the
	 * cap twice before the last device (two writes mid-save, the
	 * rest at the end). */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT length(CAST(peers "
	    "AS BLOB)) FROM device_peers ORDER BY device_id", -1, &q, NULL),
	    SQLITE_OK);
	sum = flushes = last = batch = widest = 0;
	for (d = 0; d < BIG_DEVS; d++) {
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		sum += (size_t)sqlite3_column_int64(q, 0);
		batch++;
		if (sum >= PEND_MAX) {
			flushes++;
			last = d;
			if (batch > widest)
				widest = batch;
			sum = batch = 0;
		}
	}
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_true(flushes >= 2);
	assert_true(widest >= 2);	/* a write of rows of two devices */
	assert_true(last < BIG_DEVS - 1);
	assert_true(sum > 0);

	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_peers(st, PEERS_MAX_MAX, loads_cb, &l), 0);
	assert_int_equal(l.n, BIG_DEVS);
	for (d = 0; d < BIG_DEVS; d++) {
		assert_int_equal(l.id[d], d + 1);
		assert_string_equal(l.zone[d], "medical");
		assert_int_equal(l.t[d].n, big_n(d));
		assert_int_equal(l.t[d].dropped, 0);
		qsort(t[d].v, t[d].n, sizeof(t[d].v[0]), ent_peer_cmp);
		qsort(l.t[d].v, l.t[d].n, sizeof(l.t[d].v[0]), ent_peer_cmp);
		for (k = 0; k < big_n(d); k++)
			assert_ent_equal(&l.t[d].v[k], &t[d].v[k]);
		peers_clear(&t[d]);
	}
	loads_free(&l);
	state_close(st);
	state_files_remove(dir);
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * A saved row, mutated at random (bytes set to separators, digits,
 * NUL, anything; ranges cut, repeated; the end cut): the load never
 * fails or overruns (under the sanitizers and valgrind), keeps at
 * most max entries, each with a peer, and accounts for no more lines
 * than the row has.
 */
static void
test_state_fuzz(void **state)
{
	static const char pick[] = "\t\n\\0123456789-atn\xff";
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	char *orig, *buf;
	size_t olen, len, lines, i, a, b, m;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct state_peers sp;
	struct peer_tab t;
	struct loads l;
	struct state *st;
	sqlite3_stmt *q;
	sqlite3 *db;
	uint32_t k;
	int it;

	(void)state;
	st = new_state(dir, path, sizeof(path), 1);
	odd_entries(&t);
	memset(&sp, 0, sizeof(sp));
	sp.device_id = 1;
	sp.tab = &t;
	assert_int_equal(state_save_peers(st, &sp, 1, stderr), 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT peers FROM "
	    "device_peers", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	olen = (size_t)sqlite3_column_bytes(q, 0);
	assert_non_null(orig = malloc(olen));
	memcpy(orig, sqlite3_column_text(q, 0), olen);
	sqlite3_finalize(q);
	assert_non_null(buf = malloc(2 * olen + 1));
	for (it = 0; it < 2000; it++) {
		memcpy(buf, orig, olen);
		len = olen;
		for (m = 1 + xorshift(&x) % 4; m > 0 && len > 0; m--) {
			i = xorshift(&x) % len;
			switch (xorshift(&x) % 5) {
			case 0:
				buf[i] = pick[xorshift(&x) %
				    (sizeof(pick) - 1)];
				break;
			case 1:
				buf[i] = (char)xorshift(&x);
				break;
			case 2:		/* cut a range */
				b = i + xorshift(&x) % (len - i);
				memmove(buf + i, buf + b, len - b);
				len -= b - i;
				break;
			case 3:		/* repeat a range */
				a = xorshift(&x) % (len - i + 1);
				if (len + a > 2 * olen)
					break;
				memmove(buf + i + a, buf + i, len - i);
				len += a;
				break;
			default:	/* cut the end */
				len = i;
				break;
			}
		}
		put_row(db, 1, buf, len);
		for (i = 0, lines = 1; i < len; i++)
			lines += buf[i] == '\n';
		memset(&l, 0, sizeof(l));
		assert_int_equal(state_load_peers(st, 3, loads_cb, &l), 0);
		/* An empty row too: the device, with no entries. */
		assert_int_equal(l.n, 1);
		assert_true(l.t[0].n <= 3);
		assert_true(l.t[0].n + l.t[0].dropped <= lines);
		for (k = 0; k < l.t[0].n; k++) {
			assert_true(l.t[0].v[k].peer[0] != '\0');
			assert_true(memchr(l.t[0].v[k].peer, '\0',
			    PEERS_KEY_MAX) != NULL);
			assert_true(memchr(l.t[0].v[k].app, '\0',
			    PEERS_APP_MAX) != NULL);
			assert_true(memchr(l.t[0].v[k].zone, '\0',
			    PEERS_ZONE_MAX) != NULL);
		}
		loads_free(&l);
	}
	free(buf);
	free(orig);
	sqlite3_close(db);
	peers_clear(&t);
	state_close(st);
	state_files_remove(dir);
}

/* path made version 5 (or 4: its evidence a row a piece too), its
 * peers a row an entry: entries t[0..n-1] of devices 1..n, each
 * table's rows as given, and extra rows. */
static void
make_v5(const char *path, int version, const struct peer_tab *t, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	const struct peer_ent *e;
	char q[64];
	size_t i;
	uint32_t k;

	sql(path, "DROP TABLE device_peers; "
	    "CREATE TABLE device_peers ("
	    "  device_id INTEGER NOT NULL"
	    "            REFERENCES devices (id) ON DELETE CASCADE,"
	    "  peer TEXT NOT NULL, direction TEXT NOT NULL,"
	    "  proto INTEGER NOT NULL, port INTEGER NOT NULL,"
	    "  app TEXT NOT NULL DEFAULT '', peer_zone TEXT NOT NULL "
	    "  DEFAULT '', peer_vlan INTEGER NOT NULL DEFAULT -1,"
	    "  flows INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL "
	    "  DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
	    "  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,"
	    "  PRIMARY KEY (device_id, peer, direction, proto, port, app)"
	    ") WITHOUT ROWID");
	if (version == 4)
		sql(path, "DROP TABLE device_evidence; CREATE TABLE "
		    "device_evidence (device_id INTEGER NOT NULL REFERENCES "
		    "devices (id) ON DELETE CASCADE, pos INTEGER NOT NULL, "
		    "key TEXT NOT NULL, value TEXT NOT NULL, first_us "
		    "INTEGER NOT NULL, PRIMARY KEY (device_id, pos)) "
		    "WITHOUT ROWID");
	snprintf(q, sizeof(q), "PRAGMA user_version = %d", version);
	sql(path, q);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO device_peers "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	    -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		for (k = 0; k < t[i].n; k++) {
			e = &t[i].v[k];
			sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
			sqlite3_bind_text(st, 2, e->peer, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, peers_dir_name(e->dir), -1,
			    SQLITE_STATIC);
			sqlite3_bind_int(st, 4, e->proto);
			sqlite3_bind_int(st, 5, e->port);
			sqlite3_bind_text(st, 6, e->app, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 7, e->zone, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 8, e->vlan);
			sqlite3_bind_int64(st, 9, (sqlite3_int64)e->flows);
			sqlite3_bind_int64(st, 10, (sqlite3_int64)e->packets);
			sqlite3_bind_int64(st, 11, (sqlite3_int64)e->bytes);
			sqlite3_bind_int64(st, 12, (sqlite3_int64)e->first_us);
			sqlite3_bind_int64(st, 13, (sqlite3_int64)e->last_us);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * A version 5 (or 4) file with peers, a row an entry: read-only it
 * loads as it is; opened for writing it becomes version 6, a row a
 * device, and loads the same, in the same order.  Rows of a device no
 * longer there (device 9) are dropped, rows past PEERS_MAX_MAX of a
 * device (device 3) left out, and both said.
 */
static void
upgrade_from(int version)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128], want[512];
	struct peer_tab t[4];
	struct peer_ent e;
	struct loads l5, l6;
	struct state *st;
	char *msg;
	size_t i;
	uint32_t k;

	st = new_state(dir, path, sizeof(path), 3);
	state_close(st);
	odd_entries(&t[0]);
	memset(&t[1], 0, sizeof(t[1]));
	e = ent("zone:internet", PEERS_INITIATED, 6, 443, "tls", 10, T0);
	peers_add(&t[1], 8, &e);
	e = ent("mac:02:00:00:00:00:01", PEERS_ACCEPTED, 6, 2575, "hl7", 9,
	    T0);
	peers_add(&t[1], 8, &e);
	memset(&t[2], 0, sizeof(t[2]));
	for (i = 0; i < PEERS_MAX_MAX + 3; i++) {
		e = ent("", PEERS_INITIATED, 17, 53, "dns", i, T0);
		snprintf(e.peer, sizeof(e.peer), "ip:10.1.%zu.%zu", i / 256,
		    i % 256);
		peers_add(&t[2], PEERS_MAX_MAX + 3, &e);
	}
	/* Devices 4 .. 8 are not there: the 9th's rows are orphans. */
	memset(&t[3], 0, sizeof(t[3]));
	make_v5(path, version, t, 3);
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "INSERT INTO device_peers "
		    "SELECT 9, peer, direction, proto, port, app, peer_zone, "
		    "peer_vlan, flows, packets, bytes, first_us, last_us "
		    "FROM device_peers WHERE device_id = 2", NULL, NULL,
		    NULL), SQLITE_OK);
		sqlite3_close(db);
	}

	memset(&l5, 0, sizeof(l5));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, PEERS_MAX_MAX, loads_cb, &l5),
	    0);
	state_close(st);
	assert_int_equal(rows(path, "PRAGMA user_version"), version);
	assert_int_equal(l5.n, 4);

	assert_non_null(st = state_files_open_said(path, &msg));
	snprintf(want, sizeof(want), "%s: schema upgraded; 2 peer rows of "
	    "devices no longer there dropped\n%s: schema upgraded; 3 peer "
	    "rows past %d of a device left out\n", path, path, PEERS_MAX_MAX);
	assert_string_equal(msg, want);
	free(msg);
	assert_int_equal(rows(path, "PRAGMA user_version"),
	    STATE_SCHEMA_VERSION);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 3);
	assert_int_equal(rows(path, LINES), 4 + 2 + PEERS_MAX_MAX);
	assert_int_equal(rows(path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'device_peers_v5'"), 0);
	memset(&l6, 0, sizeof(l6));
	assert_int_equal(state_load_peers(st, PEERS_MAX_MAX, loads_cb, &l6),
	    0);
	assert_int_equal(l6.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(l6.id[i], l5.id[i]);
		assert_int_equal(l6.t[i].n, l5.t[i].n);
		for (k = 0; k < l5.t[i].n; k++)
			assert_ent_equal(&l5.t[i].v[k], &l6.t[i].v[k]);
	}
	/* The three past the cap were dropped by the read-only load,
	 * and are not there to drop any more. */
	assert_int_equal(l5.t[2].dropped, 3);
	assert_int_equal(l6.t[2].dropped, 0);
	assert_int_equal(l5.t[0].n, 4);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < 4; i++)
			if (strcmp(t[0].v[i].peer, l6.t[0].v[k].peer) == 0)
				break;
		assert_true(i < 4);
		assert_ent_equal(&t[0].v[i], &l6.t[0].v[k]);
	}
	state_close(st);
	loads_free(&l5);
	loads_free(&l6);
	for (i = 0; i < 4; i++)
		peers_clear(&t[i]);
	state_files_remove(dir);
}

static void
test_state_upgrade_v5(void **state)
{
	(void)state;
	upgrade_from(5);
}

static void
test_state_upgrade_v4(void **state)
{
	(void)state;
	upgrade_from(4);
}

/*
 * An upgrade that fails (a table by the name it moves the old one to
 * is there) says so and leaves the version 5 file as it was, readable;
 * once the table is gone it goes through.
 */
static void
test_state_upgrade_fails(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128], want[300];
	struct peer_tab t;
	struct loads l;
	struct state *st;
	char *msg;

	(void)state;
	st = new_state(dir, path, sizeof(path), 1);
	state_close(st);
	odd_entries(&t);
	make_v5(path, 5, &t, 1);
	sql(path, "CREATE TABLE device_peers_v5 (x)");
	assert_null(st = state_files_open_said(path, &msg));
	snprintf(want, sizeof(want), "%s: cannot upgrade the schema: ",
	    path);
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	assert_non_null(strstr(msg, "device_peers_v5"));
	free(msg);
	assert_int_equal(rows(path, "PRAGMA user_version"), 5);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 4);
	memset(&l, 0, sizeof(l));
	assert_non_null(st = state_open_readonly(path, stderr));
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	state_close(st);
	assert_int_equal(l.t[0].n, 4);
	loads_free(&l);
	sql(path, "DROP TABLE device_peers_v5");
	assert_non_null(st = state_open(path, stderr));
	assert_int_equal(rows(path, "PRAGMA user_version"),
	    STATE_SCHEMA_VERSION);
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	assert_int_equal(l.t[0].n, 4);
	loads_free(&l);
	state_close(st);
	peers_clear(&t);
	state_files_remove(dir);
}

/*
 * state_reset_peers() of one device leaves the other's row; of every
 * device, leaves none, and the zones with nothing dropped.
 */
static void
test_state_reset(void **state)
{
	char dir[] = "/tmp/test-peers.XXXXXX", path[128];
	struct state_peers sp[2];
	struct peer_tab t;
	struct loads l;
	struct state *st;
	uint64_t one = 1;

	(void)state;
	st = new_state(dir, path, sizeof(path), 2);
	odd_entries(&t);
	t.dropped = 3;
	memset(sp, 0, sizeof(sp));
	sp[0].device_id = 1;
	sp[0].zone = "icu";
	sp[0].tab = &t;
	sp[1] = sp[0];
	sp[1].device_id = 2;
	sp[1].zone = "pacs";
	assert_int_equal(state_save_peers(st, sp, 2, stderr), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 2);
	assert_int_equal(state_reset_peers(st, &one, 1, stderr), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.id[0], 2);
	assert_string_equal(l.zone[0], "pacs");
	assert_int_equal(l.t[0].n, 4);
	assert_int_equal(l.t[0].dropped, 3);
	loads_free(&l);
	assert_int_equal(state_reset_peers(st, NULL, 0, stderr), 0);
	assert_int_equal(rows(path, "SELECT count(*) FROM device_peers"), 0);
	assert_int_equal(state_load_peers(st, 64, loads_cb, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.zone[0], "pacs");
	assert_int_equal(l.t[0].n, 0);
	assert_int_equal(l.t[0].dropped, 0);
	loads_free(&l);
	state_close(st);
	peers_clear(&t);
	state_files_remove(dir);
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
		cmocka_unit_test(test_state_odd_values),
		cmocka_unit_test(test_state_bad_lines),
		cmocka_unit_test(test_state_dropped_once),
		cmocka_unit_test(test_state_line_cap),
		cmocka_unit_test(test_state_save_big),
		cmocka_unit_test(test_state_fuzz),
		cmocka_unit_test(test_state_upgrade_v5),
		cmocka_unit_test(test_state_upgrade_v4),
		cmocka_unit_test(test_state_upgrade_fails),
		cmocka_unit_test(test_state_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
