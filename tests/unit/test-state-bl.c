/*
 * test-state-bl.c - baseline items in the state database a row a
 * device (schema version 7, state/state.c): odd keys kept, lines that
 * do not parse skipped and counted, caps on load, a fuzz loop over a
 * saved row, the order a load gives, and the upgrade of version 6 and
 * 4 files (orphans, too many rows, a failed upgrade).
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
#include "state/state.h"
#include "state-files.h"

#define SEC	1000000ull
#define T0	(1767571200ull * SEC)

/* The largest baseline.max-* (engine/config.c), lines a row keeps. */
#define KIND_CAP	4096
#define ROW_LINES	(BL_KIND_MAX * KIND_CAP)

struct fix {
	char		 dir[64];
	char		 path[128];
	struct device	 d;
	struct device	*dp;
	struct bl_config c;
	struct bl_dev	*bl;
};

static int
setup(void **state)
{
	struct fix *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-state-bl-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/state.db", f->dir);
	bl_config_defaults(&f->c);
	f->d.mac[0] = 0x02;
	f->d.mac[5] = 0x01;
	f->d.first_us = f->d.last_us = T0;
	f->dp = &f->d;
	f->bl = bl_dev_new(&f->c, T0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	bl_dev_free(f->bl);
	dev_free(&f->d);
	state_files_remove(f->dir);
	free(f);
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

static int64_t
num(const char *path, const char *q)
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

/* Device id's item row set to text, len bytes (a NUL may be one). */
static void
set_row(const char *path, uint64_t id, const char *text, int len)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "REPLACE INTO baseline_items "
	    "(device_id, items) VALUES (?1, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_text(st, 2, text, len, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Device id's item row, malloc'd ("" if none). */
static char *
get_row(const char *path, uint64_t id, int *len)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *t;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT items FROM "
	    "baseline_items WHERE device_id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	*len = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*len = sqlite3_column_bytes(st, 0);
	assert_non_null(t = malloc((size_t)*len + 1));
	if (*len > 0)
		memcpy(t, sqlite3_column_text(st, 0), (size_t)*len);
	t[*len] = '\0';
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t;
}

#define ROW_LINES_SQL	"SELECT coalesce(sum(length(items) - " \
	"length(replace(items, char(10), ''))), 0) FROM baseline_items"

static int
keep_cb(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct bl_dev **out = arg;

	(void)id;
	if (*out != NULL)
		bl_dev_free(*out);
	*out = bl;
	return 0;
}

/* The one baseline of the file, loaded (writable unless ro). */
static struct bl_dev *
load(struct fix *f, bool ro)
{
	struct bl_dev *bl = NULL;
	struct state *st;

	assert_non_null(st = ro ? state_open_readonly(f->path, stderr) :
	    state_open(f->path, stderr));
	assert_int_equal(state_load_baselines(st, &f->c, keep_cb, &bl), 0);
	state_close(st);
	assert_non_null(bl);
	return bl;
}

static void
save(struct fix *f, struct bl_dev *bl)
{
	struct state *st;

	assert_non_null(st = state_open(f->path, stderr));
	assert_int_equal(state_save_devices_bl(st, &f->dp, &bl, 1, stderr), 0);
	state_close(st);
}

static void
add(struct bl_dev *bl, const struct bl_config *c, enum bl_kind k,
    const char *key, uint64_t ts)
{
	struct bl_item *it;

	assert_non_null(it = bl_add(bl, c, k, key));
	it->count = 3;
	it->first_us = ts;
	it->last_us = ts + 5;
	it->hours = 0x800001;
	it->asn = 64512;
	memcpy(it->cc, "DE", 3);
}

/* Every item of a alike in b, in the same order. */
static void
same_items(const struct bl_dev *a, const struct bl_dev *b)
{
	uint32_t i;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++) {
		assert_int_equal(a->set[k].n, b->set[k].n);
		for (i = 0; i < a->set[k].n; i++) {
			const struct bl_item *x = &a->set[k].v[i];
			const struct bl_item *y = &b->set[k].v[i];

			assert_string_equal(x->key, y->key);
			assert_int_equal(x->count, y->count);
			assert_int_equal(x->first_us, y->first_us);
			assert_int_equal(x->last_us, y->last_us);
			assert_int_equal(x->hours, y->hours);
			assert_int_equal(x->asn, y->asn);
			assert_string_equal(x->cc, y->cc);
		}
	}
}

/* Keys with a tab, a newline, a backslash, bytes not UTF-8, the
 * longest an item keeps, and escapes' look-alikes: back alike; an
 * empty key (a file edited by hand) is skipped and the row written
 * again without it. */
static void
test_odd_keys(void **state)
{
	struct fix *f = *state;
	char longkey[BL_KEY_MAX], *row;
	struct bl_dev *l;
	int len;

	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	add(f->bl, &f->c, BL_DICOM_AE, "CALLING\tCALLED", T0);
	add(f->bl, &f->c, BL_DICOM_AE, "A\nB", T0 + 1);
	add(f->bl, &f->c, BL_DICOM_AE, "back\\slash\\t\\n\\", T0 + 2);
	add(f->bl, &f->c, BL_HL7_SENT, "\xff\xfe\x80 not utf-8", T0);
	add(f->bl, &f->c, BL_HL7_SENT, longkey, T0 + 1);
	add(f->bl, &f->c, BL_PEER, "ip:10.0.0.1", T0);
	save(f, f->bl);
	assert_int_equal(num(f->path, "SELECT count(*) FROM baseline_items"),
	    1);
	assert_int_equal(num(f->path, ROW_LINES_SQL), 6);
	l = load(f, true);
	same_items(f->bl, l);
	bl_dev_free(l);
	l = load(f, false);
	same_items(f->bl, l);
	bl_dev_free(l);

	/* An empty key: skipped, and the first save drops its line. */
	row = get_row(f->path, f->d.id, &len);
	row = realloc(row, (size_t)len + 64);
	strcat(row, "peer\t\t1\t1\t1\t0\t\t0\n");
	set_row(f->path, f->d.id, row, -1);
	free(row);
	assert_int_equal(num(f->path, ROW_LINES_SQL), 7);
	l = load(f, false);
	same_items(f->bl, l);
	save(f, l);
	bl_dev_free(l);
	assert_int_equal(num(f->path, ROW_LINES_SQL), 6);
}

/* Lines that do not parse are skipped, counted with the items of their
 * kind that did not fit, and the first save writes the row without
 * them; the good lines around them load. */
static void
test_bad_lines(void **state)
{
	static const char good[] =
	    "peer\tip:10.0.0.1\t1\t10\t11\t0\t\t1\n"
	    "service\ttcp/104 dicom server\t2\t20\t21\t0\t\t2\n";
	static const char *const bad[] = {
	    "peer\tip:1\t4294967296\t1\t1\t0\t\t0",	/* count too big */
	    "peer\tip:2\t1\t18446744073709551616\t1\t0\t\t0",
	    "peer\tip:3\t1\t1\t1\t4294967296\t\t0",	/* asn */
	    "peer\tip:4\t1\t1\t1\t0\t\t4294967296",	/* hours */
	    "peer\tip:5\t1\t1\t1\t0\t",		/* hours missing */
	    "peer\tip:6\t1\t1\t1\t0\t\t0\t9",		/* a field more */
	    "peer\tip:7\t1\tzz\t1\t0\t\t0",		/* not a number */
	    "peer\tip:8\t-1\t1\t1\t0\t\t0",		/* a sign */
	    "peer\tip:\\x9\t1\t1\t1\t0\t\t0",		/* unknown escape */
	    "peer\tip:10\t1\t1\t1\t0\tDEU\t0",		/* country too long */
	    "peer\tip:11\t1\t1\t1\t0\t\t0\\",		/* escape at the end */
	    "peer\tip:12",
	    "peer",
	};
	struct fix *f = *state;
	struct bl_dev *l;
	char row[2048];
	size_t i;
	int len;

	save(f, f->bl);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(row, sizeof(row), "%s%s\n", good, bad[i]);
		set_row(f->path, f->d.id, row, -1);
		l = load(f, false);
		assert_int_equal(l->set[BL_PEER].n, 1);
		assert_int_equal(l->set[BL_SERVICE].n, 1);
		assert_int_equal(l->set[BL_PEER].dropped, 1);
		assert_int_equal(l->set[BL_PEER].v[0].hours, 1);
		assert_int_equal(l->set[BL_SERVICE].v[0].first_us, 20);
		bl_dev_free(l);
	}
	/* An unknown kind (a later build's), a NUL, an empty line: skipped,
	 * counted nowhere; the save writes the row again. */
	{
		static const char tail[] = "nosuch\tx\t1\t1\t1\t0\t\t0\n\n"
		    "peer\tip:\0z\t1\t1\t1\t0\t\t0\n";

		len = (int)strlen(good);
		memcpy(row, good, (size_t)len);
		memcpy(row + len, tail, sizeof(tail) - 1);
		len += (int)sizeof(tail) - 1;
	}
	set_row(f->path, f->d.id, row, len);
	l = load(f, false);
	assert_int_equal(l->set[BL_PEER].n, 1);
	assert_int_equal(l->set[BL_PEER].dropped, 1);	/* the NUL's */
	save(f, l);
	bl_dev_free(l);
	assert_int_equal(num(f->path, ROW_LINES_SQL), 2);
}

/*
 * A bad line is counted once: the first save after the load writes the
 * row without it, so later loads do not count it again (a peer row had
 * that bug: 1, 3, 5).  A field cut by a bad escape leaves no kind
 * behind to count it under ("pe\\q" after a peer line is no peer's).
 */
static void
test_bad_line_once(void **state)
{
	static const char row[] =
	    "peer\tip:10.0.0.1\t1\t10\t11\t0\t\t1\n"
	    "peer\tip:10.0.0.2\t1\t12\t13\t0\t\t1\n"
	    "peer\tip:10.0.0.3\tnope\t12\t13\t0\t\t1\n"
	    "pe\\q\tip:10.0.0.4\t1\t12\t13\t0\t\t1\n";
	struct fix *f = *state;
	struct bl_dev *l;
	int round;

	save(f, f->bl);
	set_row(f->path, f->d.id, row, -1);
	for (round = 0; round < 3; round++) {
		l = load(f, false);
		assert_int_equal(l->set[BL_PEER].n, 2);
		assert_int_equal(l->set[BL_PEER].dropped, 1);
		save(f, l);
		bl_dev_free(l);
		assert_int_equal(num(f->path, ROW_LINES_SQL), 2);
	}
}

/*
 * A key twice in a row (edited by hand) takes the later line's values
 * and the kind's order stays (first_us, key); lines past what a row can
 * hold are counted with their kind's, not lost unsaid.
 */
static void
test_duplicates_and_excess(void **state)
{
	static const char dup[] =
	    "peer\tip:a\t1\t1\t1\t0\t\t1\n"
	    "peer\tip:b\t1\t2\t2\t0\t\t1\n"
	    "peer\tip:a\t1\t3\t3\t0\t\t1\n";
	static const char other[] = "nosuch\tx\t1\t1\t1\t0\t\t0\n";
	static const char tail[] = "peer\tip:z\t1\t1\t1\t0\t\t0\n";
	struct fix *f = *state;
	struct bl_dev *l;
	char *row, *o;
	size_t i;

	save(f, f->bl);
	set_row(f->path, f->d.id, dup, -1);
	l = load(f, false);
	assert_int_equal(l->set[BL_PEER].n, 2);
	assert_string_equal(l->set[BL_PEER].v[0].key, "ip:b");
	assert_string_equal(l->set[BL_PEER].v[1].key, "ip:a");
	assert_int_equal(l->set[BL_PEER].v[1].first_us, 3);
	bl_dev_free(l);

	/* A row full of a kind this build does not know, then three
	 * peer lines past the row's lines. */
	assert_non_null(row = malloc(ROW_LINES * (sizeof(other) - 1) +
	    3 * (sizeof(tail) - 1) + 1));
	for (o = row, i = 0; i < ROW_LINES; i++, o += sizeof(other) - 1)
		memcpy(o, other, sizeof(other) - 1);
	for (i = 0; i < 3; i++, o += sizeof(tail) - 1)
		memcpy(o, tail, sizeof(tail) - 1);
	*o = '\0';
	set_row(f->path, f->d.id, row, -1);
	free(row);
	l = load(f, false);
	assert_int_equal(l->set[BL_PEER].n, 0);
	assert_int_equal(l->set[BL_PEER].dropped, 3);
	bl_dev_free(l);
}

/* A kind's cap on load keeps the earliest items, as when each was a
 * row; the rest are counted, and the first save writes what was kept. */
static void
test_caps_on_load(void **state)
{
	struct fix *f = *state;
	struct bl_dev *l;
	char key[32];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "ip:10.0.0.%d", i);
		add(f->bl, &f->c, BL_PEER, key, T0 + (uint64_t)(10 - i));
	}
	add(f->bl, &f->c, BL_EXTERNAL, "203.0.113.9", T0);
	save(f, f->bl);
	f->c.max[BL_PEER] = 3;
	l = load(f, false);
	assert_int_equal(l->set[BL_PEER].n, 3);
	assert_int_equal(l->set[BL_PEER].dropped, 7);
	assert_string_equal(l->set[BL_PEER].v[0].key, "ip:10.0.0.9");
	assert_string_equal(l->set[BL_PEER].v[1].key, "ip:10.0.0.8");
	assert_string_equal(l->set[BL_PEER].v[2].key, "ip:10.0.0.7");
	assert_int_equal(l->set[BL_EXTERNAL].n, 1);
	save(f, l);
	bl_dev_free(l);
	assert_int_equal(num(f->path, ROW_LINES_SQL), 4);
}

/* The order a load gives, whatever the order items were learned in:
 * a kind's by first_us, then key; a row whose lines are out of order
 * (edited by hand) loads sorted, and its first save writes it sorted. */
static void
test_order_after_load(void **state)
{
	static const char *const want[] = { "ip:a", "ip:b", "ip:c", "ip:0" };
	struct fix *f = *state;
	struct bl_dev *l;
	char *row, *p;
	int i, len;

	add(f->bl, &f->c, BL_PEER, "ip:0", T0 + 9);
	add(f->bl, &f->c, BL_PEER, "ip:c", T0);
	add(f->bl, &f->c, BL_PEER, "ip:b", T0);
	add(f->bl, &f->c, BL_PEER, "ip:a", T0);
	add(f->bl, &f->c, BL_SERVICE, "tcp/80 http server", T0 + 1);
	save(f, f->bl);
	l = load(f, false);
	for (i = 0; i < 4; i++)
		assert_string_equal(l->set[BL_PEER].v[i].key, want[i]);
	bl_dev_free(l);
	row = get_row(f->path, f->d.id, &len);
	assert_int_equal(strncmp(row, "peer\tip:a\t", 10), 0);

	/* Lines reversed by hand. */
	{
		char *rev, *lines[8];
		int n = 0;

		assert_non_null(rev = calloc(1, (size_t)len + 1));
		for (p = strtok(row, "\n"); p != NULL && n < 8;
		    p = strtok(NULL, "\n"))
			lines[n++] = p;
		assert_int_equal(n, 5);
		while (n-- > 0) {
			strcat(rev, lines[n]);
			strcat(rev, "\n");
		}
		set_row(f->path, f->d.id, rev, -1);
		free(rev);
	}
	free(row);
	l = load(f, false);
	for (i = 0; i < 4; i++)
		assert_string_equal(l->set[BL_PEER].v[i].key, want[i]);
	/* Capped too: the earliest kept, sorted. */
	f->c.max[BL_PEER] = 2;
	bl_dev_free(l);
	l = load(f, false);
	assert_int_equal(l->set[BL_PEER].n, 2);
	assert_int_equal(l->set[BL_PEER].dropped, 2);
	assert_string_equal(l->set[BL_PEER].v[0].key, "ip:a");
	assert_string_equal(l->set[BL_PEER].v[1].key, "ip:b");
	f->c.max[BL_PEER] = BL_DEFAULT_MAX_PEERS;
	bl_dev_free(l);
	l = load(f, false);
	save(f, l);
	bl_dev_free(l);
	row = get_row(f->path, f->d.id, &len);
	assert_int_equal(strncmp(row, "peer\tip:a\t", 10), 0);
	free(row);
}

/* A saved row changed at random: a load never fails, crashes or keeps
 * more than its caps, and what it keeps saves and loads again. */
static void
test_fuzz_row(void **state)
{
	struct fix *f = *state;
	struct bl_dev *l, *m;
	char *orig, *row, key[48];
	unsigned seed = 11;
	int i, j, len, n, k;

	for (i = 0; i < 12; i++) {
		snprintf(key, sizeof(key), "ip:10.0.%d.%d\t\\", i, i * 7);
		add(f->bl, &f->c, (enum bl_kind)(i % BL_KIND_MAX), key,
		    T0 + (uint64_t)i);
	}
	save(f, f->bl);
	orig = get_row(f->path, f->d.id, &len);
	f->c.max[BL_PEER] = 2;
	assert_non_null(row = malloc((size_t)len + 1));
	for (i = 0; i < 1500; i++) {
		memcpy(row, orig, (size_t)len + 1);
		n = len;
		for (j = 0; j < 1 + i % 4; j++) {
			k = (int)(rand_r(&seed) % (unsigned)n);
			switch (rand_r(&seed) % 4) {
			case 0:
				row[k] = "\t\n\\0-9azT"[rand_r(&seed) % 10];
				break;
			case 1:
				row[k] = (char)(rand_r(&seed) % 256);
				break;
			case 2:
				n = k;	/* cut */
				break;
			default:
				row[k] = '\t';
				break;
			}
			if (n == 0)
				n = 1;
		}
		set_row(f->path, f->d.id, row, n);
		l = load(f, false);
		for (k = 0; k < BL_KIND_MAX; k++) {
			assert_true(l->set[k].n <= f->c.max[k]);
			for (j = 0; j < (int)l->set[k].n; j++)
				assert_true(strlen(l->set[k].v[j].key) <
				    BL_KEY_MAX);
		}
		save(f, l);
		m = load(f, false);
		state_files_same_bl(l, m);
		bl_dev_free(m);
		bl_dev_free(l);
	}
	free(row);
	free(orig);
}

/* The file as version 6 had it: baseline items a row an item, from
 * the row of each device; also rows of device 999 (not there) and
 * extra rows of the first device (past what a row keeps). */
static void
to_v6(const char *path, uint64_t id, int extra)
{
	char q[1024];

	sql(path, "BEGIN; "
	    "CREATE TABLE bi6 (device_id INTEGER NOT NULL "
	    "REFERENCES devices (id) ON DELETE CASCADE, kind TEXT NOT NULL, "
	    "key TEXT NOT NULL, count INTEGER NOT NULL, first_us INTEGER NOT "
	    "NULL, last_us INTEGER NOT NULL, hours INTEGER NOT NULL DEFAULT 0, "
	    "asn INTEGER NOT NULL DEFAULT 0, country TEXT NOT NULL DEFAULT '', "
	    "PRIMARY KEY (device_id, kind, key)) WITHOUT ROWID; "
	    "DROP TABLE baseline_items; "
	    "ALTER TABLE bi6 RENAME TO baseline_items; COMMIT");
	snprintf(q, sizeof(q), "INSERT INTO baseline_items (device_id, kind, "
	    "key, count, first_us, last_us, asn, country, hours) VALUES "
	    "(%llu, 'peer', 'ip:b\tx', 1, 20, 21, 0, '', 3), "
	    "(%llu, 'peer', 'ip:a', 2, 20, 22, 0, '', 1), "
	    "(%llu, 'peer', 'ip:z', 9, 5, 6, -1, 'US', 16777217), "
	    "(%llu, 'external', '198.51.100.1', 4, 1, 2, 64500, 'FR', 0), "
	    "(999, 'peer', 'ip:orphan', 1, 1, 1, 0, '', 0), "
	    "(999, 'peer', 'ip:orphan2', 1, 1, 1, 0, '', 0)",
	    (unsigned long long)id, (unsigned long long)id,
	    (unsigned long long)id, (unsigned long long)id);
	sql(path, q);
	/* Kinds later than "peer" by name: past the row's lines. */
	snprintf(q, sizeof(q), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < %d) INSERT INTO baseline_items "
	    "(device_id, kind, key, count, first_us, last_us) SELECT %llu, "
	    "'zz-kind' || (i %% 8), printf('k%%06d', i), 1, i, i FROM n",
	    extra, (unsigned long long)id);
	sql(path, q);
	sql(path, "PRAGMA user_version = 6");
}

static void
check_upgraded(struct fix *f)
{
	struct bl_dev *l, *ro;
	struct state *st;
	char want[512], *msg;
	const struct bl_item *it;

	ro = load(f, true);	/* as version 6 reads */
	assert_int_equal(ro->set[BL_PEER].n, 3);
	st = state_files_open_said(f->path, &msg);
	assert_non_null(st);
	state_close(st);
	snprintf(want, sizeof(want), "%s: schema upgraded; 2 baseline item "
	    "rows of devices no longer there dropped\n", f->path);
	assert_non_null(strstr(msg, want));
	snprintf(want, sizeof(want), "%s: schema upgraded; 4 baseline item "
	    "rows past %d of a device left out\n", f->path, ROW_LINES);
	assert_non_null(strstr(msg, want));
	free(msg);
	assert_int_equal(num(f->path, "PRAGMA user_version"),
	    STATE_SCHEMA_VERSION);
	assert_int_equal(num(f->path, "SELECT count(*) FROM baseline_items"),
	    1);
	assert_int_equal(num(f->path, ROW_LINES_SQL), ROW_LINES);
	l = load(f, false);
	same_items(ro, l);
	bl_dev_free(ro);
	/* The order and values a version 6 load gave. */
	assert_string_equal(l->set[BL_PEER].v[0].key, "ip:z");
	assert_string_equal(l->set[BL_PEER].v[1].key, "ip:a");
	assert_string_equal(l->set[BL_PEER].v[2].key, "ip:b\tx");
	it = &l->set[BL_PEER].v[0];
	assert_int_equal(it->hours, 1);
	assert_int_equal(it->asn, 0);
	assert_int_equal(it->count, 9);
	assert_non_null(it = bl_find(l, BL_EXTERNAL, "198.51.100.1"));
	assert_int_equal(it->asn, 64500);
	assert_string_equal(it->cc, "FR");
	bl_dev_free(l);
}

/* A version 6 file upgraded in place: each device's items its one
 * row, in the order and with the values a load of them gave; orphans
 * and rows past ROW_LINES dropped and said. */
static void
test_upgrade_v6(void **state)
{
	struct fix *f = *state;

	save(f, f->bl);
	to_v6(f->path, f->d.id, ROW_LINES);
	check_upgraded(f);
}

/* The same from version 4 (evidence a row a piece, through 5 and 6). */
static void
test_upgrade_v4(void **state)
{
	struct fix *f = *state;

	save(f, f->bl);
	to_v6(f->path, f->d.id, ROW_LINES);
	sql(f->path, "DROP TABLE device_evidence; CREATE TABLE "
	    "device_evidence (device_id INTEGER NOT NULL REFERENCES devices "
	    "(id) ON DELETE CASCADE, pos INTEGER NOT NULL, key TEXT NOT NULL, "
	    "value TEXT NOT NULL, first_us INTEGER NOT NULL, "
	    "PRIMARY KEY (device_id, pos)) WITHOUT ROWID; "
	    "DROP TABLE device_peers; CREATE TABLE device_peers (device_id "
	    "INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE, "
	    "peer TEXT NOT NULL, direction TEXT NOT NULL, proto INTEGER NOT "
	    "NULL, port INTEGER NOT NULL, app TEXT NOT NULL DEFAULT '', "
	    "peer_zone TEXT NOT NULL DEFAULT '', peer_vlan INTEGER NOT NULL "
	    "DEFAULT -1, flows INTEGER NOT NULL DEFAULT 0, packets INTEGER "
	    "NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, first_us "
	    "INTEGER NOT NULL, last_us INTEGER NOT NULL, PRIMARY KEY "
	    "(device_id, peer, direction, proto, port, app)) WITHOUT ROWID; "
	    "PRAGMA user_version = 4");
	check_upgraded(f);
}

/* An upgrade that fails leaves the version 6 file as it was, and says
 * so; read-only, it reads as before. */
static void
test_upgrade_fails(void **state)
{
	struct fix *f = *state;
	struct bl_dev *l;
	struct state *st;
	char want[512], *msg;

	save(f, f->bl);
	to_v6(f->path, f->d.id, 10);
	sql(f->path, "CREATE TABLE baseline_items_v6 (x)");
	st = state_files_open_said(f->path, &msg);
	assert_null(st);
	snprintf(want, sizeof(want), "%s: cannot upgrade the schema: ",
	    f->path);
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	assert_non_null(strstr(msg, "baseline_items_v6"));
	free(msg);
	assert_int_equal(num(f->path, "PRAGMA user_version"), 6);
	assert_int_equal(num(f->path, "SELECT count(*) FROM baseline_items"),
	    16);
	l = load(f, true);
	assert_int_equal(l->set[BL_PEER].n, 3);
	bl_dev_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_odd_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_line_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_excess,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_on_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_order_after_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fuzz_row, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v6, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v4, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
