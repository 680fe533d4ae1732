/*
 * test-spool.c - the disk spool of network outputs (src/output/spool.c):
 * order, bounds (drop oldest, drop newest, every drop counted), and
 * crashes: a record cut short by a crash, a crash after records were
 * taken, a crash between emptying the file and noting it.  After each,
 * no record is lost or given twice.  Each record keeps the epoch of its
 * seq, and a version 1 file (records without it) is still read.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/spool.h"

static char dir[64], path[128];

/* The epoch appended with each record (any, as long as it comes back). */
#define EPOCH(seq)	(0x9e3779b97f4a7c15ull * (seq) + 1)

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ww-spool-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.spool", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void
put(struct spool *s, uint64_t seq)
{
	char rec[64];
	int n = snprintf(rec, sizeof(rec), "record %llu",
	    (unsigned long long)seq);

	assert_int_equal(spool_append(s, seq, EPOCH(seq), rec, (size_t)n), 0);
}

/* Take every record; they must be want, want+1, ... last. */
static void
drain_expect(struct spool *s, uint64_t want, uint64_t last)
{
	const char *buf;
	char exp[64];
	uint64_t pos = 0, seq, epoch, n = 0;
	size_t len;

	while (spool_read(s, &pos, &seq, &epoch, &buf, &len) == 0) {
		snprintf(exp, sizeof(exp), "record %llu",
		    (unsigned long long)seq);
		assert_int_equal(seq, want);
		assert_int_equal(epoch, EPOCH(seq));
		assert_int_equal(len, strlen(exp));
		assert_memory_equal(buf, exp, len);
		want++;
		n++;
	}
	assert_int_equal(want, last + 1);
	assert_int_equal(spool_consume_to(s, pos, n), 0);
	assert_int_equal(spool_count(s), 0);
}

static void
test_spool_order_and_reopen(void **state)
{
	struct spool *s;
	const char *buf;
	uint64_t pos = 0, seq, i;
	size_t len;

	(void)state;
	assert_non_null(s = spool_open(path, 1 << 20, false));
	for (i = 1; i <= 100; i++)
		put(s, i);
	/* Take 40 (delivered), then the process ends. */
	for (i = 0; i < 40; i++)
		assert_int_equal(spool_read(s, &pos, &seq, NULL, &buf, &len),
		    0);
	assert_int_equal(spool_consume_to(s, pos, 40), 0);
	spool_close(s);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_recovered(s), 60);
	drain_expect(s, 41, 100);
	/* Emptied: the file is back to its header. */
	spool_close(s);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_count(s), 0);
	spool_close(s);
}

/* A crash while a record was being written: it is cut off, the
 * records before it all stay. */
static void
test_spool_torn_record(void **state)
{
	struct spool *s;
	struct stat st;
	FILE *f;
	uint64_t i;

	(void)state;
	assert_non_null(s = spool_open(path, 1 << 20, false));
	for (i = 1; i <= 5; i++)
		put(s, i);
	spool_close(s);
	assert_int_equal(stat(path, &st), 0);
	/* Half a record header and body, as a crash leaves it. */
	assert_non_null(f = fopen(path, "ab"));
	fwrite("\x40\x00\x00\x00\x11\x22\x33\x44" "\x06\0\0\0\0\0\0\0rec",
	    1, 19, f);
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_count(s), 5);
	put(s, 6);
	spool_close(s);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	drain_expect(s, 1, 6);
	spool_close(s);

	/* A whole record whose bytes went bad: cut there as well. */
	assert_non_null(s = spool_open(path, 1 << 20, false));
	for (i = 1; i <= 3; i++)
		put(s, i);
	spool_close(s);
	assert_int_equal(stat(path, &st), 0);
	assert_non_null(f = fopen(path, "r+b"));
	fseek(f, st.st_size - 2, SEEK_SET);
	fputc('X', f);
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_count(s), 2);
	drain_expect(s, 1, 2);
	spool_close(s);
}

/* Crash after the file was emptied but before the head was written:
 * the head then points past the end, which means empty, not "replay
 * from the start". */
static void
test_spool_crash_after_empty(void **state)
{
	struct spool *s;
	char hpath[160];
	uint64_t v[2];
	FILE *f;
	int i;

	(void)state;
	assert_non_null(s = spool_open(path, 1 << 20, false));
	for (i = 1; i <= 10; i++)
		put(s, (uint64_t)i);
	spool_close(s);
	/* What the head said before the truncation. */
	snprintf(hpath, sizeof(hpath), "%s.head", path);
	assert_non_null(f = fopen(hpath, "rb"));
	assert_int_equal(fread(v, sizeof(v), 1, f), 1);
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	drain_expect(s, 1, 10);
	spool_close(s);
	v[1] = 100000;	/* stale: past the (now empty) file */
	assert_non_null(f = fopen(hpath, "wb"));
	fwrite(v, sizeof(v), 1, f);
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_count(s), 0);
	spool_close(s);
}

/* Bounded: drop oldest keeps the newest, drop newest the oldest; the
 * drops returned add up to what is missing; the file does not grow
 * past twice its bound (the dead part is compacted away). */
static void
test_spool_bounds(void **state)
{
	struct spool *s;
	struct stat st;
	uint64_t i, dropped = 0, d, n;

	(void)state;
	assert_non_null(s = spool_open(path, 4096, false));
	for (i = 1; i <= 5000; i++) {
		char rec[64];
		int len = snprintf(rec, sizeof(rec), "record %llu",
		    (unsigned long long)i);

		d = spool_append(s, i, EPOCH(i), rec, (size_t)len);
		assert_true(d != UINT64_MAX);
		dropped += d;
	}
	n = spool_count(s);
	assert_true(n > 50 && n < 200);
	assert_int_equal(dropped + n, 5000);
	assert_true(spool_bytes(s) <= 4096);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 2 * 4096 + 64);
	spool_close(s);
	assert_non_null(s = spool_open(path, 4096, false));
	drain_expect(s, 5000 - n + 1, 5000);
	spool_close(s);

	assert_non_null(s = spool_open(path, 4096, true));
	for (i = 1, dropped = 0; i <= 500; i++) {
		d = spool_append(s, i, 0, "0123456789", 10);
		dropped += d;
	}
	n = spool_count(s);
	assert_int_equal(dropped + n, 500);
	/* The first ones stayed. */
	{
		const char *buf;
		uint64_t pos = 0, seq;
		size_t len;

		assert_int_equal(spool_read(s, &pos, &seq, NULL, &buf, &len),
		    0);
		assert_int_equal(seq, 1);
	}
	spool_close(s);
}

/* Not a spool (another program's file): started empty, not replayed. */
static void
test_spool_foreign_file(void **state)
{
	struct spool *s;
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(path, "wb"));
	fputs("this is not a spool file at all\n", f);
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_count(s), 0);
	put(s, 1);
	spool_close(s);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	drain_expect(s, 1, 1);
	spool_close(s);
}

/*
 * A version 1 file (an earlier release's, records without an epoch):
 * its records are read, with epoch 0; emptied, the file starts again
 * as version 2 and keeps the epochs of what comes after.
 */
static void
test_spool_version1(void **state)
{
	struct spool *s;
	const char *buf;
	char magic[8];
	uint64_t gen = 1, seq, epoch, pos = 0, i;
	uint32_t h[2];
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(path, "wb"));
	fwrite("WWSPOOL1", 1, 8, f);
	fwrite(&gen, 8, 1, f);
	for (seq = 7; seq <= 9; seq++) {
		char rec[16];
		uint32_t c = 2166136261u;

		snprintf(rec, sizeof(rec), "record %llu",
		    (unsigned long long)seq);
		for (i = 0; i < 8; i++)
			c = (c ^ (uint8_t)(seq >> (8 * i))) * 16777619u;
		for (i = 0; i < strlen(rec); i++)
			c = (c ^ (uint8_t)rec[i]) * 16777619u;
		h[0] = (uint32_t)strlen(rec);
		h[1] = c;
		fwrite(h, 4, 2, f);
		fwrite(&seq, 8, 1, f);
		fwrite(rec, 1, strlen(rec), f);
	}
	fclose(f);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	assert_int_equal(spool_recovered(s), 3);
	/* Appended to a version 1 file: written as version 1. */
	assert_int_equal(spool_append(s, 10, EPOCH(10), "record 10", 9), 0);
	for (i = 7; i <= 10; i++) {
		assert_int_equal(spool_read(s, &pos, &seq, &epoch, &buf, &len),
		    0);
		assert_int_equal(seq, i);
		assert_int_equal(epoch, 0);
		assert_int_equal(len, i < 10 ? 8 : 9);
	}
	assert_int_equal(spool_consume_to(s, pos, 4), 0);
	put(s, 11);
	spool_close(s);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(magic, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(magic, "WWSPOOL2", 8);
	assert_non_null(s = spool_open(path, 1 << 20, false));
	drain_expect(s, 11, 11);
	spool_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spool_order_and_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_torn_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_crash_after_empty,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_bounds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_foreign_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_version1,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
