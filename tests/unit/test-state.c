/*
 * test-state.c - the inventory database: exact round trips, updates,
 * a thousand devices, damaged files moved aside (random bytes, a
 * garbled page, a truncated file, a broken schema), a newer schema,
 * unwritable places, a full disk rolled back, metadata.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "device/device.h"
#include "policy/baseline.h"
#include "state/state.h"
#include "state-files.h"

/* The communication map as versions 4 and 5 kept it, a row an entry
 * (empty): a version 6 file made older. */
#define PEERS_V5_SQL \
	"DROP TABLE device_peers; " \
	"CREATE TABLE device_peers (" \
	"  device_id INTEGER NOT NULL" \
	"            REFERENCES devices (id) ON DELETE CASCADE," \
	"  peer TEXT NOT NULL, direction TEXT NOT NULL," \
	"  proto INTEGER NOT NULL, port INTEGER NOT NULL," \
	"  app TEXT NOT NULL DEFAULT '', peer_zone TEXT NOT NULL DEFAULT ''," \
	"  peer_vlan INTEGER NOT NULL DEFAULT -1," \
	"  flows INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL " \
	"  DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0," \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL," \
	"  PRIMARY KEY (device_id, peer, direction, proto, port, app)" \
	") WITHOUT ROWID; "

struct fixture {
	char	 dir[64];
	char	 db[128];
};

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture *f;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/ww-state-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/state.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	chmod(f->dir, 0700);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A string of exactly len characters (len < size). */
static void
fill_str(char *buf, size_t size, size_t len, const char *tag, unsigned n)
{
	size_t i;
	int k;

	assert_true(len < size);
	k = snprintf(buf, size, "%s-%u-", tag, n);
	for (i = (size_t)k; i < len; i++)
		buf[i] = (char)('a' + (i + n) % 26);
	buf[len] = '\0';
}

/*
 * Every stored field set, at its cap where there is one: four values
 * per attribute, three claims each (one without a rule), 64 pieces of
 * evidence, a full address history, 64-bit counters past INT64_MAX.
 */
static void
fill_device(struct device *d, unsigned seed)
{
	struct dev_value *v;
	struct dev_evidence *e;
	struct dev_claim *c;
	uint8_t a6[16];
	size_t a, i, j;

	dev_init(d);
	for (i = 0; i < 6; i++)
		d->mac[i] = (uint8_t)(seed * 7 + i + 1);
	d->mac[0] &= 0xfc;
	d->vlan = (uint16_t)(seed % 4095 + 1);
	d->flags = DEV_F_ROUTER | DEV_F_PRIVMAC;
	d->has_ip = true;
	for (i = 0; i < 16; i++)
		a6[i] = (uint8_t)(0xfd + i * seed);
	a6[0] = 0xfd;
	dev_ip_from6(&d->ip, a6);
	d->n_ips = DEV_MAX_IPS;
	for (i = 0; i < DEV_MAX_IPS; i++) {
		uint8_t a4[4] = { 10, (uint8_t)seed, (uint8_t)(seed >> 8),
		    (uint8_t)(i + 1) };

		if (i == 2) {
			dev_ip_from6(&d->ips[i], a6);
			d->ips[i].a[15] ^= 0x55;
		} else
			dev_ip_from4(&d->ips[i], a4);
	}
	d->first_us = 1700000000000000ull + seed;
	d->last_us = d->first_us + 86400000000ull;
	for (a = 0; a < DEV_A_MAX; a++) {
		for (i = 0; i < DEV_MAX_VALUES; i++) {
			v = dev_value_push(d, (enum dev_attr)a);
			assert_non_null(v);
			fill_str(v->value, sizeof(v->value),
			    i == 0 ? DEV_VALUE_MAX - 1 : 5 + i, "val",
			    (unsigned)(seed * 100 + a * 10 + i));
			v->confidence = (uint8_t)(99 - i * 10);
			v->n_claims = DEV_MAX_CLAIMS;
			v->first_us = d->first_us + i;
			v->last_us = d->last_us - i;
			for (j = 0; j < DEV_MAX_CLAIMS; j++) {
				c = &v->claims[j];
				fill_str(c->source, sizeof(c->source),
				    j == 0 ? DEV_SOURCE_MAX - 1 : 8, "src",
				    (unsigned)j);
				if (j != 1)
					fill_str(c->rule, sizeof(c->rule),
					    j == 0 ? DEV_RULE_MAX - 1 : 9,
					    "rule", (unsigned)(seed + j));
				c->confidence = (uint8_t)(100 - j * 30);
			}
		}
	}
	/* Wire bytes: quotes, a comma, not UTF-8. */
	strcpy(d->attr[DEV_A_HOSTNAME].v[1].value, "a\"b,c\xff\xfe'd");
	for (i = 0; i < DEV_MAX_EVIDENCE; i++) {
		e = dev_evidence_push(d);
		assert_non_null(e);
		fill_str(e->key, sizeof(e->key),
		    i == 0 ? DEV_KEY_MAX - 1 : 7, "key", (unsigned)i);
		fill_str(e->value, sizeof(e->value),
		    i == 0 ? DEV_VALUE_MAX - 1 : 11, "ev",
		    (unsigned)(seed + i));
		e->first_us = d->first_us + i * 1000;
	}
	/* The caps hold for loaders too. */
	assert_null(dev_value_push(d, DEV_A_CLASS));
	assert_null(dev_evidence_push(d));
	assert_int_equal(d->evidence_dropped, 0);
	d->evidence_dropped = 4000000000u;
	d->flows = 123456789ull + seed;
	d->packets = (uint64_t)INT64_MAX + 2;
	d->bytes = UINT64_MAX - seed;
	d->unsaved = d->announced = d->evidence_new = true;
}

/* A routed IPv4 device: no MAC, few values, no history. */
static void
fill_routed(struct device *d, unsigned seed)
{
	uint8_t a4[4] = { 192, 0, 2, (uint8_t)seed };

	dev_init(d);
	d->flags = DEV_F_ROUTED;
	dev_ip_from4(&d->ip, a4);
	d->has_ip = true;
	d->first_us = 5;
	d->last_us = 6;
	dev_claim(d, DEV_A_CLASS, "pacs", 70, "behaviour.dicom_scp", NULL, 5);
	dev_claim(d, DEV_A_CLASS, "modality", 40, "dicom.calling_ae", "ae",
	    6);
	dev_add_evidence(d, "behaviour", "dicom_scp", 5);
}

static void
assert_value_equal(const struct dev_value *a, const struct dev_value *b)
{
	size_t j;

	assert_string_equal(a->value, b->value);
	assert_int_equal(a->confidence, b->confidence);
	assert_int_equal(a->first_us, b->first_us);
	assert_int_equal(a->last_us, b->last_us);
	assert_int_equal(a->n_claims, b->n_claims);
	for (j = 0; j < a->n_claims; j++) {
		assert_string_equal(a->claims[j].source, b->claims[j].source);
		assert_string_equal(a->claims[j].rule, b->claims[j].rule);
		assert_int_equal(a->claims[j].confidence,
		    b->claims[j].confidence);
	}
}

/* Every stored field; the loaded one carries known and nothing else. */
static void
assert_device_equal(const struct device *want, const struct device *got)
{
	size_t a, i;

	assert_int_equal(want->id, got->id);
	assert_memory_equal(want->mac, got->mac, 6);
	assert_int_equal(want->vlan, got->vlan);
	assert_int_equal(want->flags, got->flags);
	assert_int_equal(want->has_ip, got->has_ip);
	if (want->has_ip)
		assert_memory_equal(want->ip.a, got->ip.a, 16);
	assert_int_equal(want->n_ips, got->n_ips);
	for (i = 0; i < want->n_ips; i++)
		assert_memory_equal(want->ips[i].a, got->ips[i].a, 16);
	assert_int_equal(want->first_us, got->first_us);
	assert_int_equal(want->last_us, got->last_us);
	for (a = 0; a < DEV_A_MAX; a++) {
		assert_int_equal(want->attr[a].n, got->attr[a].n);
		for (i = 0; i < want->attr[a].n; i++)
			assert_value_equal(&want->attr[a].v[i],
			    &got->attr[a].v[i]);
	}
	assert_int_equal(want->n_evidence, got->n_evidence);
	for (i = 0; i < want->n_evidence; i++) {
		assert_string_equal(want->evidence[i].key,
		    got->evidence[i].key);
		assert_string_equal(want->evidence[i].value,
		    got->evidence[i].value);
		assert_int_equal(want->evidence[i].first_us,
		    got->evidence[i].first_us);
	}
	assert_int_equal(want->evidence_dropped, got->evidence_dropped);
	assert_true(want->flows == got->flows);
	assert_true(want->packets == got->packets);
	assert_true(want->bytes == got->bytes);
	assert_true(got->known);
	assert_false(got->announced);
	assert_false(got->unsaved);
	assert_false(got->evidence_new);
}

/* Loaded devices, copied (dev_copy: the loader reuses its record). */
struct loaded {
	struct device	*d;
	size_t		 n, cap;
	size_t		 stop_after;	/* 0: never stop */
};

static int
collect(void *arg, const struct device *d)
{
	struct loaded *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->d = realloc(l->d, l->cap * sizeof(*l->d));
		assert_non_null(l->d);
	}
	dev_init(&l->d[l->n]);
	dev_copy(&l->d[l->n++], d);
	if (l->stop_after != 0 && l->n == l->stop_after)
		return 7;
	return 0;
}

static void
load_all(struct state *s, struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(state_load_devices(s, collect, l), 0);
}

static void
loaded_free(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		dev_free(&l->d[i]);
	free(l->d);
	memset(l, 0, sizeof(*l));
}

/* A device from calloc, filled by the tests: its arrays, then it. */
static void
device_free(struct device *d)
{
	dev_free(d);
	free(d);
}

static struct state *
open_quiet(const char *path)
{
	struct state *s = state_open(path, NULL);

	assert_non_null(s);
	return s;
}

static void
test_state_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct device *d[4], *p[4];
	struct state *s;
	struct loaded l;
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	size_t i;

	for (i = 0; i < 4; i++)
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
	fill_device(d[0], 1);
	fill_device(d[1], 2);
	fill_routed(d[2], 9);
	dev_init(d[3]);				/* IPv6, nothing else */
	dev_ip_from6(&d[3]->ip, a6);
	d[3]->has_ip = true;

	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 4, stderr), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(d[i]->id, i + 1);
	state_close(s);

	s = open_quiet(f->db);
	assert_int_equal(state_count_devices(s), 4);
	load_all(s, &l);
	assert_int_equal(l.n, 4);
	for (i = 0; i < 4; i++)
		assert_device_equal(d[i], &l.d[i]);
	loaded_free(&l);

	/* A callback's non-zero return stops the walk and is returned. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	assert_int_equal(state_load_devices(s, collect, &l), 7);
	assert_int_equal(l.n, 2);
	loaded_free(&l);

	/* Saving the loaded records again changes nothing. */
	load_all(s, &l);
	for (i = 0; i < 4; i++)
		p[i] = &l.d[i];
	assert_int_equal(state_save_devices(s, p, 4, stderr), 0);
	loaded_free(&l);
	load_all(s, &l);
	for (i = 0; i < 4; i++)
		assert_device_equal(d[i], &l.d[i]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 4; i++)
		device_free(d[i]);
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t
count_rows(const char *path, const char *sql, int64_t id)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Lines of device ?1's values row (version 8). */
#define VALUE_LINES	"SELECT length(attrs) - length(replace(attrs, " \
	"char(10), '')) FROM device_values WHERE device_id = ?1"

static void
test_state_update(void **state)
{
	struct fixture *f = *state;
	struct device *d, *other;
	struct state *s;
	struct loaded l;
	struct dev_ip ip;
	size_t a;

	assert_non_null(d = calloc(1, sizeof(*d)));
	assert_non_null(other = calloc(1, sizeof(*other)));
	fill_device(d, 3);
	fill_routed(other, 4);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(state_save_devices(s, &other, 1, stderr), 0);
	assert_int_equal(d->id, 1);
	assert_int_equal(other->id, 2);

	/* Fewer values, claims, evidence and addresses than before. */
	for (a = 0; a < DEV_A_MAX; a++)
		d->attr[a].n = a == DEV_A_CLASS ? 1 : 0;
	d->attr[DEV_A_CLASS].v[0].n_claims = 1;
	d->n_evidence = 2;
	d->n_ips = 1;
	dev_ip_parse("10.1.2.3", &ip);
	d->ip = ip;
	d->flags = 0;
	d->vlan = 7;
	d->bytes = 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(d->id, 1);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	assert_device_equal(d, &l.d[0]);
	assert_device_equal(other, &l.d[1]);
	loaded_free(&l);

	/* The old lines are gone, not just hidden: one value, its five
	 * fields and its one claim's three. */
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_values WHERE device_id = ?1", 1), 1);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 1), 1);
	assert_int_equal(count_rows(f->db, "SELECT length(attrs) - "
	    "length(replace(attrs, char(9), '')) FROM device_values "
	    "WHERE device_id = ?1", 1), 7);
	assert_int_equal(count_rows(f->db, "SELECT length(evidence) - "
	    "length(replace(evidence, char(10), '')) FROM "
	    "device_evidence WHERE device_id = ?1", 1), 2);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_ips WHERE device_id = ?1", 1), 1);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_evidence WHERE device_id = ?1", 2), 1);
	assert_int_equal(count_rows(f->db, "SELECT length(evidence) - "
	    "length(replace(evidence, char(10), '')) FROM "
	    "device_evidence WHERE device_id = ?1", 2), 1);

	/* A device whose row is gone is written back under its id. */
	exec_sql(f->db, "PRAGMA foreign_keys = ON; "
	    "DELETE FROM devices WHERE id = 2");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_values WHERE device_id = ?1", 2), 0);
	assert_int_equal(state_save_devices(s, &other, 1, stderr), 0);
	assert_int_equal(other->id, 2);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	assert_device_equal(other, &l.d[1]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
	device_free(other);
}

/*
 * A device's values are one row (schema version 8), a line a value in
 * attribute order, the answer first, its claims on its line: a claim
 * fewer is a line shorter, every claim gone leaves the value, and a
 * device with no value left has no row.
 */
static void
test_state_values_row(void **state)
{
	struct fixture *f = *state;
	struct device *d, *other;
	struct state *s;
	struct loaded l;
	int nv = DEV_A_MAX * DEV_MAX_VALUES;
	int nc = nv * DEV_MAX_CLAIMS;
	size_t a;

	assert_non_null(d = calloc(1, sizeof(*d)));
	assert_non_null(other = calloc(1, sizeof(*other)));
	fill_device(d, 5);
	fill_device(other, 6);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(state_save_devices(s, &other, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_values WHERE ?1", 1), 2);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 1), nv);
	/* Five fields a value, three a claim. */
	assert_int_equal(count_rows(f->db, "SELECT length(attrs) - "
	    "length(replace(attrs, char(9), '')) FROM device_values "
	    "WHERE device_id = ?1", 1), nv * 4 + nc * 3);
	assert_int_equal(count_rows(f->db, "SELECT instr(attrs, 'class' || "
	    "char(9)) FROM device_values WHERE device_id = ?1", 1), 1);

	/* d again, with one claim less, then two. */
	d->attr[DEV_A_CLASS].v[0].n_claims = 2;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT length(attrs) - "
	    "length(replace(attrs, char(9), '')) FROM device_values "
	    "WHERE device_id = ?1", 1), nv * 4 + nc * 3 - 3);
	d->attr[DEV_A_CLASS].v[0].n_claims = 0;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 1), nv);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	assert_device_equal(d, &l.d[0]);
	assert_device_equal(other, &l.d[1]);
	loaded_free(&l);

	/* No value left: no row; other's as it was. */
	for (a = 0; a < DEV_A_MAX; a++)
		d->attr[a].n = 0;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_values WHERE device_id = ?1", 1), 0);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 2), nv);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	assert_device_equal(other, &l.d[1]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
	device_free(other);
}

/*
 * A save gives its new devices the ids AUTOINCREMENT would: after the
 * largest ever given, also when that device's row was deleted, and
 * around a device written back under its own id in the same save; the
 * child rows of each (written before their device's row, in larger
 * statements) name it.
 */
static void
test_state_new_ids(void **state)
{
	struct fixture *f = *state;
	struct device *d[5], *two[3];
	struct state *s;
	struct loaded l;
	size_t i;

	for (i = 0; i < 5; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_device(d[i], (unsigned)(20 + i));
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	assert_int_equal(d[0]->id, 1);
	assert_int_equal(d[1]->id, 2);
	/* The largest id, gone: never given again. */
	exec_sql(f->db, "PRAGMA foreign_keys = ON; "
	    "DELETE FROM devices WHERE id = 2");
	assert_int_equal(state_save_devices(s, &d[2], 1, stderr), 0);
	assert_int_equal(d[2]->id, 3);
	/* A new one, the one whose row is gone, a new one. */
	two[0] = d[3];
	two[1] = d[1];
	two[2] = d[4];
	assert_int_equal(state_save_devices(s, two, 3, stderr), 0);
	assert_int_equal(d[3]->id, 4);
	assert_int_equal(d[1]->id, 2);
	assert_int_equal(d[4]->id, 5);
	assert_int_equal(count_rows(f->db, "SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'devices' AND ?1", 1), 5);
	load_all(s, &l);
	assert_int_equal(l.n, 5);
	assert_device_equal(d[0], &l.d[0]);
	assert_device_equal(d[1], &l.d[1]);
	assert_device_equal(d[2], &l.d[2]);
	assert_device_equal(d[3], &l.d[3]);
	assert_device_equal(d[4], &l.d[4]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 5; i++)
		device_free(d[i]);
}

/*
 * Evidence is a row a device (version 5): tabs, newlines and
 * backslashes in keys and values come back as saved.  A version 4 file
 * (a row a piece) is read as it is when opened read-only; opened for
 * writing it becomes version 6, every piece kept in order (one past
 * what this build keeps of a device too), and loads the same.
 */
static void
test_state_upgrade_v5(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 9);
	strcpy(d->evidence[0].value, "tab\there\tand\\t");
	strcpy(d->evidence[1].value, "line\nbreak\\n\\");
	strcpy(d->evidence[2].key, "k\\\t\n");
	strcpy(d->evidence[3].value, "");
	d->evidence[4].first_us = UINT64_MAX;
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_evidence WHERE ?1", 1), 1);

	/* Back to version 4, with a piece past the cap. */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    PEERS_V5_SQL
	    "ALTER TABLE device_evidence RENAME TO ev5; "
	    "CREATE TABLE device_evidence ("
	    "  device_id INTEGER NOT NULL"
	    "            REFERENCES devices (id) ON DELETE CASCADE,"
	    "  pos       INTEGER NOT NULL,"
	    "  key       TEXT NOT NULL,"
	    "  value     TEXT NOT NULL,"
	    "  first_us  INTEGER NOT NULL,"
	    "  PRIMARY KEY (device_id, pos)"
	    ") WITHOUT ROWID; DROP TABLE ev5; PRAGMA user_version = 4",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO device_evidence "
	    "VALUES (1, ?1, ?2, ?3, ?4)", -1, &st, NULL), SQLITE_OK);
	/* Out of order: pos tells the order. */
	for (i = DEV_MAX_EVIDENCE + 1; i-- > 0;) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_text(st, 2, i < DEV_MAX_EVIDENCE ?
		    d->evidence[i].key : "extra", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, i < DEV_MAX_EVIDENCE ?
		    d->evidence[i].value : "past the cap", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, i < DEV_MAX_EVIDENCE ?
		    (sqlite3_int64)d->evidence[i].first_us : 7);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0), 4);

	s = open_quiet(f->db);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0),
	    STATE_SCHEMA_VERSION);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_evidence WHERE device_id = ?1", 1), 1);
	assert_int_equal(count_rows(f->db, "SELECT length(evidence) - "
	    "length(replace(evidence, char(10), '')) FROM "
	    "device_evidence WHERE device_id = ?1", 1), DEV_MAX_EVIDENCE + 1);
	assert_int_equal(count_rows(f->db, "SELECT evidence LIKE "
	    "'%' || char(10) || 'extra' || char(9) || 'past the cap' || "
	    "char(9) || '7' || char(10) FROM device_evidence "
	    "WHERE device_id = ?1", 1), 1);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "sqlite_master WHERE name = 'device_evidence_v4' AND ?1", 1), 0);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	/* And it saves as any. */
	d->evidence[5].value[0] ^= 1;
	d->id = 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/*
 * A version 6 file made version 4 again: its evidence a row a piece
 * (as the devices saved hold it), its peers a row an entry (none),
 * foreign keys off as the sqlite3 shell has them.
 */
static void
make_v4(const char *path)
{
	exec_sql(path,
	    PEERS_V5_SQL
	    "ALTER TABLE device_evidence RENAME TO ev5; "
	    "CREATE TABLE device_evidence ("
	    "  device_id INTEGER NOT NULL"
	    "            REFERENCES devices (id) ON DELETE CASCADE,"
	    "  pos       INTEGER NOT NULL,"
	    "  key       TEXT NOT NULL,"
	    "  value     TEXT NOT NULL,"
	    "  first_us  INTEGER NOT NULL,"
	    "  PRIMARY KEY (device_id, pos)"
	    ") WITHOUT ROWID; DROP TABLE ev5; PRAGMA user_version = 4");
}

/* A device's evidence as version 4 rows, from pos on. */
static void
put_v4(const char *path, const struct device *d, int64_t id, size_t pos)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO device_evidence "
	    "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < d->n_evidence; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(pos + i));
		sqlite3_bind_text(st, 3, d->evidence[i].key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 4, d->evidence[i].value, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 5,
		    (sqlite3_int64)d->evidence[i].first_us);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * A version 4 file with evidence of a device no longer there (deleted
 * by hand with foreign keys off) upgrades: those rows are dropped, and
 * said so; the other devices' evidence is all there.
 */
static void
test_state_upgrade_orphans(void **state)
{
	struct fixture *f = *state;
	struct device *d[2];
	struct state *s;
	struct loaded l;
	char *msg, want[300];
	size_t i;

	for (i = 0; i < 2; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_device(d[i], (unsigned)(30 + i));
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	state_close(s);
	make_v4(f->db);
	put_v4(f->db, d[0], 1, 0);
	put_v4(f->db, d[0], 7, 0);	/* no device 7 */
	put_v4(f->db, d[1], 2, 0);

	s = state_files_open_said(f->db, &msg);
	assert_non_null(s);
	snprintf(want, sizeof(want), "%s: schema upgraded; %zu evidence rows "
	    "of devices no longer there dropped\n", f->db, d[0]->n_evidence);
	assert_string_equal(msg, want);
	free(msg);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0),
	    STATE_SCHEMA_VERSION);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	for (i = 0; i < 2; i++)
		assert_device_equal(d[i], &l.d[i]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 2; i++)
		device_free(d[i]);
}

/*
 * A version 4 file with more evidence rows of a device than later
 * builds could keep (4 times this one's) upgrades to a row of that
 * many lines, and says how many it left out; the load is as before.
 */
static void
test_state_upgrade_many_rows(void **state)
{
	struct fixture *f = *state;
	struct device *d[2];
	struct state *s;
	struct loaded l;
	char *msg, want[300];
	size_t i;

	for (i = 0; i < 2; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_device(d[i], (unsigned)(40 + i));
	}
	assert_int_equal(d[0]->n_evidence, DEV_MAX_EVIDENCE);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	state_close(s);
	make_v4(f->db);
	for (i = 0; i < 5; i++)
		put_v4(f->db, d[0], 1, i * DEV_MAX_EVIDENCE);
	put_v4(f->db, d[1], 2, 0);

	s = state_files_open_said(f->db, &msg);
	assert_non_null(s);
	snprintf(want, sizeof(want), "%s: schema upgraded; %d evidence rows "
	    "past %d of a device left out\n", f->db, DEV_MAX_EVIDENCE,
	    4 * DEV_MAX_EVIDENCE);
	assert_string_equal(msg, want);
	free(msg);
	assert_int_equal(count_rows(f->db, "SELECT length(evidence) - "
	    "length(replace(evidence, char(10), '')) FROM "
	    "device_evidence WHERE device_id = ?1", 1), 4 * DEV_MAX_EVIDENCE);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	for (i = 0; i < 2; i++)
		assert_device_equal(d[i], &l.d[i]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 2; i++)
		device_free(d[i]);
}

/*
 * An upgrade that fails at its first step (a table by the name it
 * moves the old one to is there) says what failed, and leaves the
 * version 4 file as it was: read-only it loads as before, and once
 * the stray table is gone the upgrade goes through.
 */
static void
test_state_upgrade_fails(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	char *msg, want[300];

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 50);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	make_v4(f->db);
	put_v4(f->db, d, 1, 0);
	exec_sql(f->db, "CREATE TABLE device_evidence_v4 (x)");

	assert_null(s = state_files_open_said(f->db, &msg));
	snprintf(want, sizeof(want), "%s: cannot upgrade the schema: ",
	    f->db);
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	assert_non_null(strstr(msg, "device_evidence_v4"));
	free(msg);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0), 4);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_evidence WHERE device_id = ?1", 1),
	    (int64_t)d->n_evidence);
	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);

	exec_sql(f->db, "DROP TABLE device_evidence_v4");
	s = open_quiet(f->db);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0),
	    STATE_SCHEMA_VERSION);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/*
 * An evidence row that is not as a save writes it (edited by hand, or
 * damaged) loads what it can and no more: a short line, a line with
 * no fields or no key (skipped), a backslash at its end, a NUL inside
 * it.
 */
static void
test_state_evidence_odd(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 11);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	exec_sql(f->db, "UPDATE device_evidence SET evidence = "
	    "'k' || char(9) || 'v\\' || char(9) || '12' || char(9) || 'more' "
	    "|| char(10) || 'short' || char(10) || char(10) || char(9) || "
	    "'keyless' || char(9) || '3' || char(10) || 'x\\' || "
	    "char(10) || 'n' || char(0) || 'ul' || char(9) || 'v' || char(9) "
	    "|| '7' || char(10) || 'last' || char(9) || 'no end'");
	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.d[0].n_evidence, 5);
	assert_string_equal(l.d[0].evidence[0].key, "k");
	assert_string_equal(l.d[0].evidence[0].value, "v");
	assert_int_equal(l.d[0].evidence[0].first_us, 12);
	assert_string_equal(l.d[0].evidence[1].key, "short");
	assert_string_equal(l.d[0].evidence[1].value, "");
	/* The empty line and the keyless one: no evidence. */
	assert_string_equal(l.d[0].evidence[2].key, "x");
	assert_string_equal(l.d[0].evidence[3].key, "n");
	assert_int_equal(l.d[0].evidence[3].first_us, 0);
	assert_string_equal(l.d[0].evidence[4].key, "last");
	assert_string_equal(l.d[0].evidence[4].value, "no end");
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/*
 * A device's values, evidence and addresses are read beside the
 * devices, a table a pass: a device without any sits between two with
 * them, and rows of no device (before the first, after the last, in
 * between, a device_id not an integer) are not read, as no device's
 * query found them.
 */
static void
test_state_child_rows_apart(void **state)
{
	struct fixture *f = *state;
	struct device *d[3];
	struct state *s;
	struct loaded l;
	size_t i, a;

	for (i = 0; i < 3; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_device(d[i], (unsigned)i + 1);
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 3, stderr), 0);
	state_close(s);
	assert_int_equal(d[1]->id, 2);
	exec_sql(f->db, "DELETE FROM device_ips WHERE device_id = 2; "
	    "DELETE FROM device_evidence WHERE device_id = 2; "
	    "DELETE FROM device_values WHERE device_id = 2; "
	    "INSERT INTO device_ips VALUES (0, 0, '10.9.9.1'), "
	    "('junk', 0, '10.9.9.2'), (2.5, 0, '10.9.9.3'), "
	    "(99, 0, '10.9.9.4'), (-5, 0, '10.9.9.5'); "
	    "INSERT INTO device_evidence VALUES "
	    "(0, 'k' || char(9) || 'v' || char(9) || '1'), "
	    "(99, 'k' || char(9) || 'v' || char(9) || '1'), "
	    "(-5, 'k' || char(9) || 'v' || char(9) || '1'); "
	    "INSERT INTO device_values SELECT o.id, v.attrs "
	    "FROM device_values v, (SELECT 0 AS id UNION ALL SELECT 99 "
	    "UNION ALL SELECT -5) o WHERE v.device_id = 1");
	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, 3);
	assert_device_equal(d[0], &l.d[0]);
	assert_device_equal(d[2], &l.d[2]);
	assert_int_equal(l.d[1].id, 2);
	assert_int_equal(l.d[1].n_ips, 0);
	assert_int_equal(l.d[1].n_evidence, 0);
	for (a = 0; a < DEV_A_MAX; a++)
		assert_int_equal(l.d[1].attr[a].n, 0);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 3; i++)
		device_free(d[i]);
}

static uint32_t
fuzz_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* n bytes of what trips the evidence decoder: tabs, newlines,
 * backslashes, escape letters, digits, NULs, runs past a field's
 * size; nul: NUL among them. */
static void
fuzz_bytes(char *p, size_t n, uint32_t *x, bool nul)
{
	static const char alpha[] = "\t\n\\\\\\tnab09";
	size_t i = 0, run;

	while (i < n) {
		if (fuzz_next(x) % 16 == 0) {
			run = fuzz_next(x) % 200;
			while (run-- > 0 && i < n)
				p[i++] = 'x';
			continue;
		}
		p[i] = alpha[fuzz_next(x) % (sizeof(alpha) - 1)];
		if (nul && fuzz_next(x) % 64 == 0)
			p[i] = '\0';
		i++;
	}
}

/*
 * The evidence row, fuzzed: random keys and values of tabs, newlines
 * and backslashes come back as saved; random and hostile rows (long
 * lines, escapes, a lone backslash at the end, NULs, empty lines)
 * load no more than a device keeps, every piece with a key, and
 * nothing past a field's size.
 */
static void
test_state_evidence_fuzz(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	sqlite3 *db;
	sqlite3_stmt *st;
	const struct dev_evidence *e;
	uint32_t x = 2463534242u;
	char buf[8192];
	size_t i, j, len;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 60);
	s = open_quiet(f->db);
	for (i = 0; i < 40; i++) {
		for (j = 0; j < d->n_evidence; j++) {
			len = 1 + fuzz_next(&x) % (DEV_KEY_MAX - 1);
			fuzz_bytes(d->evidence[j].key, len, &x, false);
			d->evidence[j].key[len] = '\0';
			len = fuzz_next(&x) % DEV_VALUE_MAX;
			fuzz_bytes(d->evidence[j].value, len, &x, false);
			d->evidence[j].value[len] = '\0';
			d->evidence[j].first_us = fuzz_next(&x);
		}
		assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
		load_all(s, &l);
		assert_int_equal(l.n, 1);
		assert_device_equal(d, &l.d[0]);
		loaded_free(&l);
	}

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE device_evidence "
	    "SET evidence = ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < 400; i++) {
		len = fuzz_next(&x) % sizeof(buf);
		if (i % 4 == 0)
			len %= 64;
		fuzz_bytes(buf, len, &x, true);
		if (i % 5 == 0 && len > 0)
			buf[len - 1] = '\\';	/* a lone one at the end */
		sqlite3_bind_text(st, 1, buf, (int)len, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
		load_all(s, &l);
		assert_int_equal(l.n, 1);
		assert_true(l.d[0].n_evidence <= DEV_MAX_EVIDENCE);
		for (j = 0; j < l.d[0].n_evidence; j++) {
			e = &l.d[0].evidence[j];
			assert_true(e->key[0] != '\0');
			assert_true(memchr(e->key, '\0', sizeof(e->key)) !=
			    NULL);
			assert_true(memchr(e->value, '\0',
			    sizeof(e->value)) != NULL);
		}
		loaded_free(&l);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	state_close(s);
	device_free(d);
}

/*
 * A save whose device only moved counters and times rewrites its row
 * alone: the child rows keep their row ids.  A changed value, claim,
 * piece of evidence or address rewrites them, and what is loaded is
 * what was saved either way.
 */
static void
test_state_update_rows_only(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	int64_t nev;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 5);
	d->n_evidence -= 4;		/* room to grow */
	nev = (int64_t)d->n_evidence;
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(d->id, 1);
	/* Child rows written from now on are counted, by table. */
	exec_sql(f->db, "CREATE TABLE w (t TEXT); "
	    "CREATE TRIGGER wv AFTER INSERT ON device_values "
	    "BEGIN INSERT INTO w VALUES ('v'); END; "
	    "CREATE TRIGGER wu AFTER UPDATE ON device_values "
	    "BEGIN INSERT INTO w VALUES ('u'); END; "
	    "CREATE TRIGGER we AFTER INSERT ON device_evidence "
	    "BEGIN INSERT INTO w VALUES ('e'); END; "
	    "CREATE TRIGGER wi AFTER INSERT ON device_ips "
	    "BEGIN INSERT INTO w VALUES ('i'); END;");
#define WROTE(c) count_rows(f->db, "SELECT count(*) FROM w WHERE t = '" \
	c "' AND ?1", 1)
#define WROTE_RESET() exec_sql(f->db, "DELETE FROM w")

	d->last_us += 60000000;
	d->flows += 3;
	d->packets += 7;
	d->bytes += 1000;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 0);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);

	/* A claim's confidence, deep in the children, rewrites the
	 * values row (version 8), nothing else. */
	d->attr[DEV_A_VENDOR].v[1].claims[2].confidence ^= 1;
	d->bytes += 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("v"), 1);
	assert_int_equal(WROTE("e") + WROTE("i") + WROTE("u"), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	WROTE_RESET();

	/* A value seen again: the values row again, whole. */
	d->attr[DEV_A_CLASS].v[0].last_us += 1000000;
	d->attr[DEV_A_VENDOR].v[1].confidence ^= 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("v"), 1);
	assert_int_equal(WROTE("u") + WROTE("e") + WROTE("i"), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	WROTE_RESET();

	/* The address history alone. */
	d->ips[3].a[15] ^= 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("i"), d->n_ips);
	assert_int_equal(WROTE("v") + WROTE("e") + WROTE("u"), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	WROTE_RESET();

	/* Evidence changed in its middle: its row again. */
	d->evidence[10].value[0] ^= 1;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("e"), 1);
	assert_int_equal(WROTE("v") + WROTE("i") + WROTE("u"), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	WROTE_RESET();

	/* Evidence grown at its end: its row again. */
	assert_true(d->n_evidence + 2 <= DEV_MAX_EVIDENCE);
	assert_true(dev_add_evidence(d, "test.key", "new-1", 5));
	assert_true(dev_add_evidence(d, "test.key", "new-2", 6));
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("e"), 1);
	assert_int_equal(WROTE("v") + WROTE("i") + WROTE("u"), 0);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	WROTE_RESET();

	/* Shorter, though the rest is as saved: its row again. */
	d->n_evidence -= 3;
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	assert_int_equal(WROTE("e"), 1);
	assert_int_equal(count_rows(f->db, "SELECT length(evidence) - "
	    "length(replace(evidence, char(10), '')) FROM "
	    "device_evidence WHERE device_id = ?1", 1), nev - 1);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);

	/* Saves check no foreign keys, yet leave no row naming a
	 * device that is not there, and the cascade works after. */
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "pragma_foreign_key_check WHERE ?1", 1), 0);
	assert_int_equal(state_forget_devices(s, &d->id, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_values WHERE ?1", 1), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "device_evidence WHERE ?1", 1), 0);
	state_close(s);
	device_free(d);
#undef WROTE
#undef WROTE_RESET
}

/*
 * A device loaded from the state is as stored: saved again with only
 * its counters moved (the end of a run on yesterday's inventory), it
 * writes its row alone; a part changed after the load is written.
 */
static void
test_state_loaded_rows_only(void **state)
{
	struct fixture *f = *state;
	struct device *d, *ld;
	struct state *s;
	struct loaded l;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 7);
	d->n_evidence -= 4;		/* room to grow */
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	exec_sql(f->db, "CREATE TABLE w (t TEXT); "
	    "CREATE TRIGGER wv AFTER INSERT ON device_values "
	    "BEGIN INSERT INTO w VALUES ('v'); END; "
	    "CREATE TRIGGER wu AFTER UPDATE ON device_values "
	    "BEGIN INSERT INTO w VALUES ('u'); END; "
	    "CREATE TRIGGER we AFTER INSERT ON device_evidence "
	    "BEGIN INSERT INTO w VALUES ('e'); END; "
	    "CREATE TRIGGER wi AFTER INSERT ON device_ips "
	    "BEGIN INSERT INTO w VALUES ('i'); END;");

	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	ld = &l.d[0];
	ld->packets += 10;
	ld->last_us += 1000000;
	assert_int_equal(state_save_devices(s, &ld, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 0);
	assert_int_equal(count_rows(f->db, "SELECT packets FROM devices "
	    "WHERE id = ?1", 1), (int64_t)ld->packets);

	assert_true(dev_add_evidence(ld, "test.key", "later", 9));
	assert_int_equal(state_save_devices(s, &ld, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE t = 'e' AND ?1", 1), 1);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 1);
	d->packets = ld->packets;
	d->last_us = ld->last_us;
	assert_true(dev_add_evidence(d, "test.key", "later", 9));
	loaded_free(&l);
	load_all(s, &l);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/*
 * The run's last save: a device new to the file keeps no sums, and is
 * stored whole all the same; one stored before keeps them, and writes
 * its row alone.  A save after it (none, at the end of a run) writes a
 * new device's parts again, and what is loaded is what was saved.
 */
static void
test_state_last_save(void **state)
{
	static const uint64_t zero[DEV_SAVED_PARTS];
	struct fixture *f = *state;
	struct device *d[2];
	struct state *s;
	struct loaded l;
	size_t i;

	for (i = 0; i < 2; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_device(d[i], 11 + (unsigned)i);
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d[0], 1, stderr), 0);
	assert_memory_not_equal(d[0]->saved_sum, zero, sizeof(zero));
	exec_sql(f->db, "CREATE TABLE w (t TEXT); "
	    "CREATE TRIGGER wv AFTER INSERT ON device_values "
	    "BEGIN INSERT INTO w VALUES ('v'); END; "
	    "CREATE TRIGGER we AFTER INSERT ON device_evidence "
	    "BEGIN INSERT INTO w VALUES ('e'); END; "
	    "CREATE TRIGGER wi AFTER INSERT ON device_ips "
	    "BEGIN INSERT INTO w VALUES ('i'); END;");

	state_last_save(s);
	d[0]->packets += 5;
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	assert_int_equal(d[1]->id, 2);
	assert_memory_not_equal(d[0]->saved_sum, zero, sizeof(zero));
	assert_memory_equal(d[1]->saved_sum, zero, sizeof(zero));
	/* The new device's rows only. */
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 2 + d[1]->n_ips);
	load_all(s, &l);
	assert_int_equal(l.n, 2);
	assert_device_equal(d[0], &l.d[0]);
	assert_device_equal(d[1], &l.d[1]);
	loaded_free(&l);
	exec_sql(f->db, "DELETE FROM w");

	/* Saved again: the first writes its row alone, the second all
	 * its parts. */
	d[1]->packets += 5;
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 2 + d[1]->n_ips);
	load_all(s, &l);
	assert_device_equal(d[0], &l.d[0]);
	assert_device_equal(d[1], &l.d[1]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < 2; i++)
		device_free(d[i]);
}

/* The one baseline of a file, kept by state_load_baselines(). */
static int
keep_bl(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct bl_dev **out = arg;

	(void)id;
	assert_null(*out);
	*out = bl;
	return 0;
}

/*
 * The run's last save with a baseline: its items keep no sums (0), so
 * a save after it writes the baseline_items row again, unchanged or
 * not (a sum of 0 is never "unchanged"); what is loaded is what was
 * saved.
 */
static void
test_state_last_save_baseline(void **state)
{
	static const char *const keys[] = { "ip:10.0.0.1", "ip:10.0.0.2",
	    "tcp/104 dicom client" };
	static const enum bl_kind kinds[] = { BL_PEER, BL_PEER, BL_SERVICE };
	struct fixture *f = *state;
	struct bl_config c;
	struct bl_dev *bl, *got = NULL;
	struct bl_item *it;
	struct device *d;
	struct state *s;
	uint32_t i;
	int k;

	bl_config_defaults(&c);
	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 21);
	assert_non_null(bl = bl_dev_new(&c, d->first_us));
	for (i = 0; i < 3; i++) {
		assert_non_null(it = bl_add(bl, &c, kinds[i], keys[i]));
		it->count = 3 + i;
		it->first_us = d->first_us + i;
		it->last_us = d->first_us + 10 + i;
		it->hours = 0x800001;
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices_bl(s, &d, &bl, 1, stderr), 0);
	for (i = 0; i < bl->set[BL_PEER].n; i++)
		assert_int_not_equal(bl->set[BL_PEER].v[i].saved, 0);
	exec_sql(f->db, "CREATE TABLE w (t TEXT); "
	    "CREATE TRIGGER wb AFTER INSERT ON baseline_items "
	    "BEGIN INSERT INTO w VALUES ('b'); END;");

	/* The last save: the row is as it was (not written), and the
	 * items lose their sums. */
	state_last_save(s);
	assert_int_equal(state_save_devices_bl(s, &d, &bl, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 0);
	for (k = 0; k < BL_KIND_MAX; k++)
		for (i = 0; i < bl->set[k].n; i++)
			assert_int_equal(bl->set[k].v[i].saved, 0);

	/* A save after it, nothing changed: the row is written again
	 * (over one spoilt behind our back). */
	exec_sql(f->db, "UPDATE baseline_items SET items = ''");
	assert_int_equal(state_save_devices_bl(s, &d, &bl, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 1);
	assert_int_equal(state_load_baselines(s, &c, keep_bl, &got), 0);
	assert_non_null(got);
	state_files_same_bl(bl, got);
	bl_dev_free(got);
	got = NULL;

	/* And again with an item changed. */
	bl->set[BL_SERVICE].v[0].count += 7;
	assert_int_equal(state_save_devices_bl(s, &d, &bl, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 2);
	assert_int_equal(state_load_baselines(s, &c, keep_bl, &got), 0);
	assert_non_null(got);
	state_files_same_bl(bl, got);
	assert_int_equal(bl_find(got, BL_SERVICE, keys[2])->count, 12);
	bl_dev_free(got);
	state_close(s);
	bl_dev_free(bl);
	device_free(d);
}

/*
 * Evidence goes in by statements of several rows: counts below, at and
 * past a statement's rows all come back as saved, in order.
 */
static void
test_state_evidence_batches(void **state)
{
#define NCOUNTS	8
	static const size_t counts[NCOUNTS] = { 0, 1, 15, 16, 17, 33, 40,
	    DEV_MAX_EVIDENCE };
	struct fixture *f = *state;
	struct device *p[NCOUNTS];
	struct state *s;
	struct loaded l;
	size_t i;

	for (i = 0; i < NCOUNTS; i++) {
		assert_non_null(p[i] = calloc(1, sizeof(*p[i])));
		fill_device(p[i], (unsigned)i);
		p[i]->n_evidence = counts[i];
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, p, NCOUNTS, stderr), 0);
	load_all(s, &l);
	assert_int_equal(l.n, NCOUNTS);
	for (i = 0; i < NCOUNTS; i++) {
		assert_int_equal(l.d[i].n_evidence, counts[i]);
		assert_device_equal(p[i], &l.d[i]);
	}
	loaded_free(&l);
	/* Fewer on the next save: the old rows go. */
	p[7]->n_evidence = 18;
	p[7]->evidence[17].value[0] ^= 1;
	assert_int_equal(state_save_devices(s, &p[7], 1, stderr), 0);
	load_all(s, &l);
	assert_device_equal(p[7], &l.d[7]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < NCOUNTS; i++)
		device_free(p[i]);
}

#define MANY	1000

static void
save_many(const char *path, size_t n)
{
	struct device **p;
	struct state *s;
	size_t i;

	assert_non_null(p = calloc(n, sizeof(*p)));
	for (i = 0; i < n; i++) {
		assert_non_null(p[i] = calloc(1, sizeof(*p[i])));
		if (i % 10 == 9)
			fill_routed(p[i], (unsigned)i);
		else
			fill_device(p[i], (unsigned)i);
	}
	s = open_quiet(path);
	assert_int_equal(state_save_devices(s, p, n, stderr), 0);
	state_close(s);
	for (i = 0; i < n; i++)
		device_free(p[i]);
	free(p);
}

static void
test_state_many(void **state)
{
	struct fixture *f = *state;
	struct device *want;
	struct state *s;
	struct loaded l;
	size_t i;

	save_many(f->db, MANY);
	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, MANY);
	assert_non_null(want = calloc(1, sizeof(*want)));
	for (i = 0; i < MANY; i++) {
		if (i % 10 == 9)
			fill_routed(want, (unsigned)i);
		else
			fill_device(want, (unsigned)i);
		want->id = i + 1;
		assert_device_equal(want, &l.d[i]);
		dev_free(want);
	}
	free(want);
	loaded_free(&l);
	state_close(s);
}

static void
write_file(const char *path, const void *p, size_t len)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Deterministic garbage. */
static void
garbage(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* The one "<base>.damaged-*" file in dir (not -wal/-shm), or fail. */
static void
find_aside(const char *dir, const char *base, char *out, size_t len)
{
	struct dirent *e;
	DIR *dp;
	char prefix[64];
	int found = 0;

	snprintf(prefix, sizeof(prefix), "%s.damaged-", base);
	assert_non_null(dp = opendir(dir));
	while ((e = readdir(dp)) != NULL) {
		size_t n = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    (n > 4 && (strcmp(e->d_name + n - 4, "-wal") == 0 ||
		    strcmp(e->d_name + n - 4, "-shm") == 0)))
			continue;
		snprintf(out, len, "%s/%s", dir, e->d_name);
		found++;
	}
	closedir(dp);
	assert_int_equal(found, 1);
}

static size_t
count_aside(const char *dir)
{
	struct dirent *e;
	DIR *dp;
	size_t n = 0;

	assert_non_null(dp = opendir(dir));
	while ((e = readdir(dp)) != NULL)
		if (strstr(e->d_name, ".damaged-") != NULL)
			n++;
	closedir(dp);
	return n;
}

/*
 * Open a damaged file: it must be reported, moved aside byte for byte,
 * and replaced by a fresh database that works.
 */
static void
expect_moved_aside(struct fixture *f, const char *reason_part)
{
	struct stat sb;
	struct state *s;
	struct device *d;
	struct loaded l;
	char *msg = NULL, aside[600], want[800], *p;
	size_t msglen = 0, oldsize;
	FILE *err;
	int i;

	assert_int_equal(stat(f->db, &sb), 0);
	oldsize = (size_t)sb.st_size;
	assert_non_null(err = open_memstream(&msg, &msglen));
	s = state_open(f->db, err);
	fclose(err);
	assert_non_null(s);
	print_message("# %s", msg);

	find_aside(f->dir, "state.db", aside, sizeof(aside));
	assert_int_equal(stat(aside, &sb), 0);
	assert_int_equal((size_t)sb.st_size, oldsize);
	/* "PATH: damaged (REASON); moved aside to PATH.damaged-STAMP\n" */
	snprintf(want, sizeof(want), "%s: damaged (", f->db);
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	if (reason_part != NULL)
		assert_non_null(strstr(msg, reason_part));
	snprintf(want, sizeof(want), "); moved aside to %s\n", aside);
	assert_non_null(p = strstr(msg, want));
	assert_int_equal(strlen(p), strlen(want));
	p = aside + strlen(f->db) + strlen(".damaged-");
	assert_int_equal(strlen(p), 16);		/* yyyymmddThhmmssZ */
	for (i = 0; i < 16; i++)
		if (i == 8)
			assert_int_equal(p[i], 'T');
		else if (i == 15)
			assert_int_equal(p[i], 'Z');
		else
			assert_true(p[i] >= '0' && p[i] <= '9');
	free(msg);

	/* The fresh database is empty and works. */
	assert_int_equal(state_count_devices(s), 0);
	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_routed(d, 1);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	device_free(d);
	state_close(s);
}

static void
test_state_damaged_random(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[8192], wal[100], back[100];
	char aside[600], path[700];
	FILE *fp;

	garbage(buf, sizeof(buf), 1);
	write_file(f->db, buf, sizeof(buf));
	/* Its -wal goes along with it, untouched. */
	garbage(wal, sizeof(wal), 2);
	snprintf(path, sizeof(path), "%s-wal", f->db);
	write_file(path, wal, sizeof(wal));
	expect_moved_aside(f, "not a database");

	find_aside(f->dir, "state.db", aside, sizeof(aside));
	snprintf(path, sizeof(path), "%s-wal", aside);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(back, 1, sizeof(back) + 1, fp), sizeof(back));
	fclose(fp);
	assert_memory_equal(wal, back, sizeof(wal));
}

static void
db_info(const char *path, const char *table, int *root, int *pagesize)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rootpage FROM "
	    "sqlite_master WHERE name = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*root = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*pagesize = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * A valid database with one b-tree page overwritten: the root page of
 * a table, so quick_check must walk into it.  Its first byte is set
 * to a value no b-tree page has, whatever the garbage says.
 */
static void
test_state_damaged_page(void **state)
{
	struct fixture *f = *state;
	uint8_t *page;
	int root, psz, fd;

	save_many(f->db, 200);
	db_info(f->db, "device_evidence", &root, &psz);
	assert_true(root > 1);
	assert_non_null(page = malloc((size_t)psz));
	garbage(page, (size_t)psz, 3);
	page[0] = 0x37;
	assert_true((fd = open(f->db, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, page, (size_t)psz,
	    (off_t)(root - 1) * psz), psz);
	close(fd);
	free(page);
	expect_moved_aside(f, "integrity check: ");
}

/* An interior page of a big table garbled: only the walk finds it. */
static void
test_state_damaged_inner_page(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	uint8_t *page;
	int root, psz, fd;
	off_t npages;

	save_many(f->db, 200);
	db_info(f->db, "device_evidence", &root, &psz);
	assert_int_equal(stat(f->db, &sb), 0);
	npages = sb.st_size / psz;
	assert_true(npages > 20);
	assert_non_null(page = malloc((size_t)psz));
	garbage(page, (size_t)psz, 4);
	page[0] = 0x37;
	assert_true((fd = open(f->db, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, page, (size_t)psz,
	    (off_t)(npages / 2) * psz), psz);
	close(fd);
	free(page);
	expect_moved_aside(f, NULL);
}

static void
test_state_damaged_truncated(void **state)
{
	struct fixture *f = *state;
	struct stat sb;

	save_many(f->db, 200);
	assert_int_equal(stat(f->db, &sb), 0);
	assert_int_equal(truncate(f->db, sb.st_size / 2), 0);
	expect_moved_aside(f, NULL);
}

static void
test_state_damaged_header_only(void **state)
{
	struct fixture *f = *state;

	save_many(f->db, 20);
	assert_int_equal(truncate(f->db, 60), 0);
	expect_moved_aside(f, NULL);
}

static void
test_state_damaged_schema(void **state)
{
	struct fixture *f = *state;

	save_many(f->db, 3);
	exec_sql(f->db, "DROP TABLE device_evidence");
	expect_moved_aside(f, "schema: no such table: device_evidence");
}

static void
test_state_damaged_column(void **state)
{
	struct fixture *f = *state;

	save_many(f->db, 3);
	exec_sql(f->db, "ALTER TABLE device_ips RENAME COLUMN ip TO addr");
	expect_moved_aside(f, "schema: table device_ips has no column");
}

/* Run a check that must fail: the message, and nothing moved. */
static void
expect_open_error(const char *path, const char *dir, bool readonly,
    const char *part)
{
	struct state *s;
	char *msg = NULL;
	size_t len = 0;
	FILE *err;

	assert_non_null(err = open_memstream(&msg, &len));
	s = readonly ? state_open_readonly(path, err) : state_open(path, err);
	fclose(err);
	assert_null(s);
	print_message("# %s", msg);
	assert_int_equal(strncmp(msg, path, strlen(path)), 0);
	assert_int_equal(msg[strlen(path)], ':');
	assert_non_null(strstr(msg, part));
	if (dir != NULL)
		assert_int_equal(count_aside(dir), 0);
	free(msg);
}

static void
test_state_future_version(void **state)
{
	struct fixture *f = *state;
	struct stat sb;

	save_many(f->db, 3);
	exec_sql(f->db, "PRAGMA user_version = 9");	/* past 8 */
	expect_open_error(f->db, f->dir, false, "newer");
	expect_open_error(f->db, f->dir, true, "newer");
	assert_int_equal(stat(f->db, &sb), 0);
}

static void
test_state_foreign_db(void **state)
{
	struct fixture *f = *state;

	exec_sql(f->db, "CREATE TABLE t (a); INSERT INTO t VALUES (1)");
	expect_open_error(f->db, f->dir, false, "not a wardwatch state");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM t WHERE ?1",
	    1), 1);
}

static void
test_state_unwritable(void **state)
{
	struct fixture *f = *state;
	char path[256], sub[200];

	snprintf(path, sizeof(path), "%s/no/such/dir/state.db", f->dir);
	expect_open_error(path, NULL, false, "No such file or directory");
	snprintf(path, sizeof(path), "%s/state.db/x.db", f->dir);
	write_file(f->db, "x", 1);
	expect_open_error(path, NULL, false, "Not a directory");
	unlink(f->db);

	/* Permissions do not stop root. */
	if (geteuid() == 0) {
		print_message("# running as root: permission case skipped\n");
		return;
	}
	snprintf(sub, sizeof(sub), "%s/ro", f->dir);
	assert_int_equal(mkdir(sub, 0555), 0);
	snprintf(path, sizeof(path), "%s/state.db", sub);
	expect_open_error(path, NULL, false, "Permission denied");
	chmod(sub, 0700);
	save_many(path, 1);
	chmod(path, 0444);
	expect_open_error(path, NULL, false, "read-only");
}

/*
 * A save that runs out of room (a cap on the file makes SQLITE_FULL)
 * leaves the database as it was and the records untouched; once there
 * is room again the same save succeeds.
 */
static void
test_state_full(void **state)
{
	struct fixture *f = *state;
	struct device **p, *before;
	struct state *s;
	struct loaded l;
	char *msg = NULL;
	size_t len = 0, i, n = 300;
	FILE *err;

	assert_non_null(p = calloc(n, sizeof(*p)));
	for (i = 0; i < n; i++) {
		assert_non_null(p[i] = calloc(1, sizeof(*p[i])));
		fill_device(p[i], (unsigned)i);
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, p, 5, stderr), 0);
	assert_non_null(before = calloc(1, sizeof(*before)));
	dev_copy(before, p[0]);

	assert_int_equal(state_set_max_size(s, 1), 0);
	p[0]->attr[DEV_A_CLASS].n = 1;		/* an update, too */
	p[0]->vlan = 99;
	assert_non_null(err = open_memstream(&msg, &len));
	assert_int_equal(state_save_devices(s, p, n, err), -1);
	fclose(err);
	print_message("# %s", msg);
	assert_non_null(strstr(msg, "full"));
	assert_int_equal(strncmp(msg, f->db, strlen(f->db)), 0);
	free(msg);
	for (i = 5; i < n; i++)
		assert_int_equal(p[i]->id, 0);

	/* Nothing half-written. */
	assert_int_equal(state_count_devices(s), 5);
	load_all(s, &l);
	assert_int_equal(l.n, 5);
	assert_device_equal(before, &l.d[0]);
	loaded_free(&l);

	/* Room again: the same records go in. */
	assert_int_equal(state_set_max_size(s, 0), 0);
	assert_int_equal(state_save_devices(s, p, n, stderr), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(p[i]->id, i + 1);
	state_close(s);
	s = open_quiet(f->db);
	load_all(s, &l);
	assert_int_equal(l.n, n);
	for (i = 0; i < n; i++)
		assert_device_equal(p[i], &l.d[i]);
	loaded_free(&l);
	state_close(s);
	for (i = 0; i < n; i++)
		device_free(p[i]);
	free(p);
	device_free(before);
}

static void
test_state_meta(void **state)
{
	struct fixture *f = *state;
	struct state *s;
	char buf[32], small[4];

	s = open_quiet(f->db);
	assert_int_equal(state_meta_get(s, "created", buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 20);	/* 2024-01-31T13:45:01Z */
	assert_int_equal(state_meta_get(s, "runs", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "");
	assert_int_equal(state_meta_set(s, "runs", "1"), 0);
	assert_int_equal(state_meta_set(s, "runs", "2"), 0);
	assert_int_equal(state_meta_set(s, "it's; DROP TABLE meta", "x'y"),
	    0);
	state_close(s);

	s = open_quiet(f->db);
	assert_int_equal(state_meta_get(s, "runs", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2");
	assert_int_equal(state_meta_get(s, "it's; DROP TABLE meta", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "x'y");
	assert_int_equal(state_meta_get(s, "created", small, sizeof(small)),
	    -1);
	assert_non_null(strstr(state_errmsg(s), "longer"));
	state_close(s);
}

/* Several writes in one transaction: all of them, or none. */
static void
test_state_meta_transaction(void **state)
{
	struct fixture *f = *state;
	struct state *s;
	char buf[32];

	s = open_quiet(f->db);
	assert_int_equal(state_begin(s), 0);
	assert_int_equal(state_meta_set(s, "a", "1"), 0);
	assert_int_equal(state_meta_set(s, "b", "2"), 0);
	assert_int_equal(state_commit(s), 0);
	assert_int_equal(state_begin(s), 0);
	assert_int_equal(state_meta_set(s, "a", "3"), 0);
	assert_int_equal(state_meta_set(s, "c", "4"), 0);
	state_rollback(s);
	state_close(s);

	s = open_quiet(f->db);
	assert_int_equal(state_meta_get(s, "a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(state_meta_get(s, "b", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2");
	assert_int_equal(state_meta_get(s, "c", buf, sizeof(buf)), 1);
	state_close(s);
}

/* The read-only path never creates, repairs or moves anything. */
static void
test_state_readonly(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	struct stat sb;
	uint8_t buf[4096], back[4096];
	FILE *fp;

	/* Missing: an error, and no file appears. */
	expect_open_error(f->db, f->dir, true, "");
	assert_int_equal(stat(f->db, &sb), -1);

	/* Damaged: reported, left where it is, byte for byte. */
	garbage(buf, sizeof(buf), 5);
	write_file(f->db, buf, sizeof(buf));
	expect_open_error(f->db, f->dir, true, "damaged (");
	assert_non_null(fp = fopen(f->db, "rb"));
	assert_int_equal(fread(back, 1, sizeof(back) + 1, fp), sizeof(back));
	fclose(fp);
	assert_memory_equal(buf, back, sizeof(buf));

	/* Empty: an empty inventory. */
	write_file(f->db, "", 0);
	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &l);
	assert_int_equal(l.n, 0);
	assert_int_equal(state_count_devices(s), 0);
	state_close(s);
	unlink(f->db);

	/* A real one reads; writing is refused. */
	save_many(f->db, 3);
	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &l);
	assert_int_equal(l.n, 3);
	d = &l.d[0];
	assert_int_equal(state_save_devices(s, &d, 1, NULL), -1);
	assert_int_equal(state_meta_set(s, "a", "b"), -1);
	loaded_free(&l);
	state_close(s);
}

/* ---- values a row a device (schema version 8) ---- */

/* Lines a values row is read to: four times what a device keeps. */
#define VALUE_ROW_LINES	(4 * DEV_A_MAX * DEV_MAX_VALUES)

/* Device id's values row set to text, len bytes (a NUL may be one). */
static void
set_attrs(const char *path, int64_t id, const char *text, int len)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "REPLACE INTO device_values "
	    "(device_id, attrs) VALUES (?1, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, len, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Device id's values row, malloc'd ("" if none). */
static char *
get_attrs(const char *path, int64_t id)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *t;
	int len = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT attrs FROM "
	    "device_values WHERE device_id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		len = sqlite3_column_bytes(st, 0);
	assert_non_null(t = malloc((size_t)len + 1));
	if (len > 0)
		memcpy(t, sqlite3_column_text(st, 0), (size_t)len);
	t[len] = '\0';
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return t;
}

/*
 * Values and claims with a tab, a newline, a backslash, escapes'
 * look-alikes, nothing at all, and the longest texts a device keeps
 * made of them come back as saved.
 */
static void
test_state_values_odd(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	struct dev_value *v;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 9);
	v = &d->attr[DEV_A_MODEL].v[0];
	strcpy(v->value, "a\tb\nc\\d\\t\\n\\\\e\t");
	strcpy(v->claims[0].source, "\\");
	strcpy(v->claims[0].rule, "\t\n");
	strcpy(v->claims[1].source, "s\\n");
	v->claims[1].rule[0] = '\0';
	v = &d->attr[DEV_A_SERIAL].v[3];
	memset(v->value, '\t', DEV_VALUE_MAX - 1);
	v->value[DEV_VALUE_MAX - 1] = '\0';
	memset(v->claims[2].rule, '\\', DEV_RULE_MAX - 1);
	v->claims[2].rule[DEV_RULE_MAX - 1] = '\0';
	memset(v->claims[1].source, '\n', DEV_SOURCE_MAX - 1);
	v->claims[1].source[DEV_SOURCE_MAX - 1] = '\0';
	d->attr[DEV_A_HOSTNAME].v[2].value[0] = '\0';
	d->attr[DEV_A_HOSTNAME].v[2].confidence = 0;
	d->attr[DEV_A_HOSTNAME].v[2].claims[0].confidence = 0;
	d->attr[DEV_A_HOSTNAME].v[2].first_us = UINT64_MAX;
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	load_all(s, &l);
	assert_int_equal(l.n, 1);
	assert_device_equal(d, &l.d[0]);
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/*
 * Lines of a values row that do not parse (a file edited by hand) are
 * skipped and the others read, as is a line of an attribute this
 * build does not know; the first save writes the row again without
 * them, so they are met once.
 */
static void
test_state_values_bad_lines(void **state)
{
	struct fixture *f = *state;
	static const char row[] =
	    "class\tpump\t80\t1\t2\tsrc\trule\t70\n"
	    "class\tpump2\t101\t1\t2\n"		/* confidence past 100 */
	    "class\tx\t80\t1\n"			/* a field short */
	    "class\tx\t80\t1\t2\t\n"		/* a tab too many */
	    "class\tx\t80\t1\t2\tsrc\trule\n"	/* a claim short */
	    "class\tx\t80\t1\t2\ts\tr\t7\t\n"	/* a tab past a claim */
	    "class\tx\\q\t80\t1\t2\n"		/* an unknown escape */
	    "class\tx\t80\t18446744073709551616\t2\n"	/* past 2^64 - 1 */
	    "class\tx\t-1\t1\t2\n"		/* a sign */
	    "class\tx\t80\t1\t2\ts\tr\t101\n"	/* a claim's past 100 */
	    "class\tx\t80\t1\t2\\\n"		/* a lone backslash */
	    "\n"				/* empty */
	    "\t\t\t\t\n"
	    "class\tx\0y\t80\t1\t2\n"		/* a NUL */
	    "colour\tblue\t80\t1\t2\n"		/* unknown: skipped */
	    "vendor\tAcme\\tCo\t90\t3\t4\ts1\t\t90\ts2\tr2\t50";
	static const char want[] =
	    "class\tpump\t80\t1\t2\tsrc\trule\t70\n"
	    "vendor\tAcme\\tCo\t90\t3\t4\ts1\t\t90\ts2\tr2\t50\n";
	struct device *d, *ld;
	struct state *s;
	struct loaded l;
	const struct dev_value *v;
	char *t;
	size_t a;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_routed(d, 1);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	set_attrs(f->db, (int64_t)d->id, row, sizeof(row) - 1);
	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &l);
	state_close(s);
	assert_int_equal(l.n, 1);
	for (a = 0; a < DEV_A_MAX; a++)
		assert_int_equal(l.d[0].attr[a].n, a == DEV_A_CLASS ||
		    a == DEV_A_VENDOR ? 1 : 0);
	v = &l.d[0].attr[DEV_A_CLASS].v[0];
	assert_string_equal(v->value, "pump");
	assert_int_equal(v->confidence, 80);
	assert_int_equal(v->n_claims, 1);
	assert_string_equal(v->claims[0].rule, "rule");
	v = &l.d[0].attr[DEV_A_VENDOR].v[0];
	assert_string_equal(v->value, "Acme\tCo");
	assert_int_equal(v->first_us, 3);
	assert_int_equal(v->last_us, 4);
	assert_int_equal(v->n_claims, 2);
	assert_string_equal(v->claims[0].rule, "");
	assert_string_equal(v->claims[1].source, "s2");
	assert_int_equal(v->claims[1].confidence, 50);
	loaded_free(&l);

	/* Loaded for writing and saved as it is: the row without them. */
	s = open_quiet(f->db);
	load_all(s, &l);
	ld = &l.d[0];
	assert_int_equal(state_save_devices(s, &ld, 1, stderr), 0);
	t = get_attrs(f->db, (int64_t)d->id);
	assert_string_equal(t, want);
	free(t);
	loaded_free(&l);
	/* Then nothing: no line left out. */
	exec_sql(f->db, "CREATE TABLE w (t TEXT); CREATE TRIGGER wv "
	    "AFTER INSERT ON device_values BEGIN INSERT INTO w VALUES ('v'); "
	    "END");
	load_all(s, &l);
	ld = &l.d[0];
	assert_int_equal(state_save_devices(s, &ld, 1, stderr), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM w "
	    "WHERE ?1", 1), 0);
	loaded_free(&l);
	state_close(s);
	device_free(d);
}

/* Lines past VALUE_ROW_LINES of a row are not read. */
static void
test_state_values_line_cap(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	char *row, *p, *end;
	size_t i, k;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_routed(d, 2);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	assert_non_null(row = malloc((VALUE_ROW_LINES + 1) * 32));
	for (k = VALUE_ROW_LINES - 1; k <= VALUE_ROW_LINES; k++) {
		p = row;
		end = row + (VALUE_ROW_LINES + 1) * 32;
		for (i = 0; i < k; i++)
			p += snprintf(p, (size_t)(end - p),
			    "colour\tc%zu\t1\t1\t1\n", i);
		p += snprintf(p, (size_t)(end - p), "vendor\tlast\t50\t1\t2\n");
		set_attrs(f->db, (int64_t)d->id, row, (int)(p - row));
		assert_non_null(s = state_open_readonly(f->db, stderr));
		load_all(s, &l);
		state_close(s);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.d[0].attr[DEV_A_VENDOR].n,
		    k < VALUE_ROW_LINES ? 1 : 0);
		loaded_free(&l);
	}
	free(row);
	device_free(d);
}

/*
 * A saved values row fuzzed (bytes changed, cut, tabs, newlines,
 * backslashes and digits put in) and random rows load no more than a
 * device keeps, every text within its size, every confidence at most
 * 100, and never crash.
 */
static void
test_state_values_fuzz(void **state)
{
	struct fixture *f = *state;
	struct device *d;
	struct state *s;
	struct loaded l;
	const struct dev_value *v;
	char *orig, *buf;
	size_t olen, len, i, j, a, n;
	uint32_t x = 0x2545f491;

	assert_non_null(d = calloc(1, sizeof(*d)));
	fill_device(d, 4);
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, &d, 1, stderr), 0);
	state_close(s);
	orig = get_attrs(f->db, (int64_t)d->id);
	olen = strlen(orig);
	assert_non_null(buf = malloc(olen + 4096));
	assert_non_null(s = state_open_readonly(f->db, stderr));
	state_close(s);
	for (i = 0; i < 300; i++) {
		if (i % 3 == 2) {
			len = fuzz_next(&x) % 4096;
			fuzz_bytes(buf, len, &x, true);
		} else {
			memcpy(buf, orig, olen);
			len = olen;
			for (n = fuzz_next(&x) % 8 + 1; n > 0; n--) {
				j = fuzz_next(&x) % len;
				if (fuzz_next(&x) % 2)
					fuzz_bytes(buf + j, 1, &x, true);
				else
					buf[j] = (char)('0' +
					    fuzz_next(&x) % 10);
			}
			if (i % 5 == 0)
				len = fuzz_next(&x) % len;
		}
		set_attrs(f->db, (int64_t)d->id, buf, (int)len);
		s = open_quiet(f->db);
		load_all(s, &l);
		state_close(s);
		assert_int_equal(l.n, 1);
		for (a = 0; a < DEV_A_MAX; a++) {
			assert_true(l.d[0].attr[a].n <= DEV_MAX_VALUES);
			for (j = 0; j < l.d[0].attr[a].n; j++) {
				v = &l.d[0].attr[a].v[j];
				assert_true(memchr(v->value, '\0',
				    sizeof(v->value)) != NULL);
				assert_true(v->confidence <= 100);
				assert_true(v->n_claims <= DEV_MAX_CLAIMS);
				for (n = 0; n < v->n_claims; n++) {
					assert_true(memchr(v->claims[n].source,
					    '\0', DEV_SOURCE_MAX) != NULL);
					assert_true(memchr(v->claims[n].rule,
					    '\0', DEV_RULE_MAX) != NULL);
					assert_true(v->claims[n].confidence <=
					    100);
				}
			}
		}
		loaded_free(&l);
	}
	free(buf);
	free(orig);
	device_free(d);
}

/* The values and claims tables as version 7 had them (empty). */
#define VALUES_V7_SQL \
	"DROP TABLE device_values; " \
	"CREATE TABLE device_values (" \
	"  id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL" \
	"  REFERENCES devices (id) ON DELETE CASCADE," \
	"  attribute TEXT NOT NULL, pos INTEGER NOT NULL, value TEXT NOT NULL," \
	"  confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100)," \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL," \
	"  UNIQUE (device_id, attribute, pos)); " \
	"CREATE TABLE device_claims (" \
	"  value_id INTEGER NOT NULL" \
	"  REFERENCES device_values (id) ON DELETE CASCADE," \
	"  pos INTEGER NOT NULL, source TEXT NOT NULL," \
	"  rule TEXT NOT NULL DEFAULT ''," \
	"  confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100)," \
	"  PRIMARY KEY (value_id, pos)) WITHOUT ROWID; " \
	"PRAGMA user_version = 7"

/* A value row of version 7 and n claims of it, the k-th (source,
 * rule, confidence) from src[k], rule[k], 90 - k. */
static void
v7_value(sqlite3 *db, int64_t dev, const char *attr, int pos,
    const char *value, int conf, const char *const *src,
    const char *const *rule, int n)
{
	sqlite3_stmt *st;
	int64_t vid;
	int k;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO device_values "
	    "(device_id, attribute, pos, value, confidence, first_us, "
	    "last_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, dev);
	sqlite3_bind_text(st, 2, attr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, pos);
	sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, conf);
	sqlite3_bind_int64(st, 6, 1000 + pos);
	sqlite3_bind_int64(st, 7, -5);		/* 2^64 - 5 */
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	vid = sqlite3_last_insert_rowid(db);
	for (k = 0; k < n; k++) {
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO "
		    "device_claims (value_id, pos, source, rule, confidence) "
		    "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, vid);
		sqlite3_bind_int(st, 2, n - k);	/* out of order */
		sqlite3_bind_text(st, 3, src[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rule[k], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, 90 - k);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
}

/*
 * A version 7 file (values and claims a row each) upgraded in place:
 * each device's values its one row, loading as a load of version 7
 * read them (attribute and position order, claims by position, texts
 * cut where it cut them, unknown attributes and values and claims past
 * those a device keeps left out); rows of a device no longer there,
 * and past the lines a row is read to, dropped and said.  Read-only,
 * the version 7 file reads as it did.
 */
static void
test_state_values_upgrade_v7(void **state)
{
	struct fixture *f = *state;
	static const char *const src[] = { "s0", "s1\tx", "s2", "s3", "s4",
	    "a-source-longer-than-a-device-keeps-by-a-good-bit" };
	static const char *const rule[] = { "", "r1", "r2\\", "r3", "r4",
	    "r5" };
	char longv[200], want[256], *msg;
	struct device *d[2];
	struct state *s;
	struct loaded ro, rw;
	sqlite3 *db;
	size_t i, a, k;

	for (i = 0; i < 2; i++) {
		assert_non_null(d[i] = calloc(1, sizeof(*d[i])));
		fill_routed(d[i], (unsigned)i + 3);
	}
	s = open_quiet(f->db);
	assert_int_equal(state_save_devices(s, d, 2, stderr), 0);
	state_close(s);
	exec_sql(f->db, VALUES_V7_SQL);
	memset(longv, 'v', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	/* Device 1: every attribute, values past those kept, claims
	 * past those kept, an attribute unknown, odd and long texts. */
	for (a = 0; a < DEV_A_MAX; a++)
		for (k = 0; k < DEV_MAX_VALUES + 2; k++)
			v7_value(db, 1, dev_attr_name((enum dev_attr)a),
			    (int)(DEV_MAX_VALUES + 1 - k),
			    k == DEV_MAX_VALUES + 1 ? longv :
			    k == DEV_MAX_VALUES ? "a\tb\nc\\" : "plain",
			    100 - (int)k,
			    src + k % 2, rule + k % 2, (int)k);
	v7_value(db, 1, "colour", 0, "blue", 50, src, rule, 2);
	/* Device 2: past the lines a row is read to, by an attribute
	 * later than any this build knows, and 100 rows of one that
	 * sorts before them all: the cap leaves those out, not class. */
	for (k = 0; k < VALUE_ROW_LINES + 3; k++)
		v7_value(db, 2, k < VALUE_ROW_LINES - 2 ? "class" : "zz",
		    (int)k, "c", 60, src, rule, 1);
	for (k = 0; k < 100; k++)
		v7_value(db, 2, "asset_tag", (int)k, "t", 60, src, rule, 1);
	/* Device 9: not there. */
	v7_value(db, 9, "class", 0, "orphan", 60, src, rule, 1);
	v7_value(db, 9, "vendor", 0, "orphan", 60, src, rule, 0);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_non_null(s = state_open_readonly(f->db, stderr));
	load_all(s, &ro);
	state_close(s);
	assert_int_equal(ro.n, 2);
	assert_int_equal(ro.d[0].attr[DEV_A_CLASS].n, DEV_MAX_VALUES);
	assert_int_equal(strlen(ro.d[0].attr[DEV_A_CLASS].v[0].value),
	    DEV_VALUE_MAX - 1);

	s = state_files_open_said(f->db, &msg);
	assert_non_null(s);
	snprintf(want, sizeof(want), "%s: schema upgraded; 2 value rows of "
	    "devices no longer there dropped\n", f->db);
	assert_non_null(strstr(msg, want));
	snprintf(want, sizeof(want), "%s: schema upgraded; 103 value rows "
	    "past %d of a device left out\n", f->db, VALUE_ROW_LINES);
	assert_non_null(strstr(msg, want));
	free(msg);
	load_all(s, &rw);
	state_close(s);
	assert_int_equal(rw.n, ro.n);
	for (i = 0; i < ro.n; i++)
		assert_device_equal(&ro.d[i], &rw.d[i]);
	assert_int_equal(count_rows(f->db, "PRAGMA user_version", 0),
	    STATE_SCHEMA_VERSION);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM "
	    "sqlite_master WHERE name IN ('device_claims', "
	    "'device_values_v7') AND ?1", 1), 0);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 1),
	    DEV_A_MAX * (DEV_MAX_VALUES + 2) + 1);
	assert_int_equal(count_rows(f->db, VALUE_LINES, 2),
	    VALUE_ROW_LINES);
	loaded_free(&ro);
	loaded_free(&rw);
	for (i = 0; i < 2; i++)
		device_free(d[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_evidence_batches,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_update_rows_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_loaded_rows_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_last_save,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_last_save_baseline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_random,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_inner_page,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_truncated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_header_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_schema,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged_column,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_future_version,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_foreign_db, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_unwritable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_values_row, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_new_ids, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_upgrade_v5, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_upgrade_orphans,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_upgrade_many_rows,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_upgrade_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_child_rows_apart,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_evidence_odd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_values_odd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_values_bad_lines,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_values_line_cap,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_values_fuzz, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_values_upgrade_v7,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_evidence_fuzz,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_meta, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_meta_transaction,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_readonly, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
