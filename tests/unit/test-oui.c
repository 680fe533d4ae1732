/*
 * test-oui.c - IEEE registry loading and MAC/EUI-64 vendor lookup:
 * the fixture registry in tests/unit/oui (quoting, line ends, malformed
 * records and their messages, longest prefix, "Private"), the error
 * cap, missing and unreadable files, every truncation of a file, hex
 * parsing, and the real registry of Debian's ieee-data when installed.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "device/oui.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* snprintf that fails the test rather than cut the text. */
static void __attribute__((format(printf, 3, 4)))
format_into(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL ? s : WW_SRCDIR;
}

/* Load dir; the messages go to *msgs (always set, free it). */
static struct oui_db *
load(const char *dir, char **msgs)
{
	struct oui_db *db;
	size_t mlen;
	FILE *f;

	*msgs = NULL;
	assert_non_null(f = open_memstream(msgs, &mlen));
	db = oui_load(dir, f);
	fclose(f);
	return db;
}

static void
fixture_dir(char *buf, size_t size, const char *sub)
{
	format_into(buf, size, "%s/tests/unit/oui%s", srcdir(), sub);
}

/* The name of the MAC (or EUI-64) written in hex, or NULL. */
static const char *
name_of(const struct oui_db *db, const char *hex)
{
	uint8_t a[8];

	if (oui_parse_hex(hex, a, 6) == 0)
		return oui_lookup(db, a);
	if (oui_parse_hex(hex, a, 8) == 0)
		return oui_lookup_eui64(db, a);
	fail_msg("bad test address %s", hex);
	return NULL;
}

static void
expect_name(const struct oui_db *db, const char *hex, const char *want)
{
	const char *got = name_of(db, hex);

	if (want == NULL && got != NULL)
		fail_msg("%s: got \"%s\", want NULL", hex, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s: got %s%s%s, want \"%s\"", hex,
		    got != NULL ? "\"" : "", got != NULL ? got : "NULL",
		    got != NULL ? "\"" : "", want);
}

/* A scratch directory, and files in it. */
static void
tmp_dir(char *buf, size_t size)
{
	const char *t = getenv("TMPDIR");

	format_into(buf, size, "%s/test-oui.XXXXXX", t != NULL ? t : "/tmp");
	assert_non_null(mkdtemp(buf));
}

static void
tmp_write(const char *dir, const char *name, const char *data, size_t len)
{
	char path[1024];
	FILE *f;

	format_into(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
tmp_remove(const char *dir, const char *name)
{
	char path[1024];

	format_into(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
	(void)rmdir(path);
}

/* Names lose their trailing spaces ("Vendor 0 " is "Vendor 0"). */
static void
trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static char *
slurp(const char *path, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	for (;;) {
		assert_non_null(buf = realloc(buf, len + 4096));
		if ((n = fread(buf + len, 1, 4096, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	*lenp = len;
	return buf;
}

/*
 * The fixture's malformed records, in file order, one message each, and
 * every assignment that must have been kept.
 */
static const char *const fixture_msgs[] = {
	"oui.csv:11: assignment \"00112G\" is not hexadecimal",
	"oui.csv:12: MA-L assignment \"00112\" has 5 hex digits, not 6",
	"oui.csv:13: MA-L assignment \"0011223\" has 7 hex digits, not 6",
	"oui.csv:14: 2 fields, expected 4",
	"oui.csv:15: 3 fields, expected 4",
	"oui.csv:17: empty organization name",
	"oui.csv:18: unknown registry \"XX-L\"",
	"oui.csv:19: text after a closing quote",
	"mam.csv:6: MA-M assignment \"8411C2\" has 6 hex digits, not 7",
	"mam.csv:7: field longer than 255 bytes",
	"oui36.csv:8: 6 fields, expected 4",
	"iab.csv:3: IAB assignment \"0050C2\" has 6 hex digits, not 9",
	"iab.csv:4: unterminated quoted field",
	"iab.csv:6: assignment \"0050C27DG\" is not hexadecimal",
};
#define FIXTURE_COUNT	27	/* 15 MA-L, 5 in mam.csv, 5 MA-S, 2 IAB */

static void
test_oui_fixture_messages(void **state)
{
	struct oui_db *db;
	char dir[1024], want[4096], *msgs;
	size_t i, off = 0;

	(void)state;
	fixture_dir(dir, sizeof(dir), "");
	assert_non_null(db = load(dir, &msgs));
	for (i = 0; i < NELEM(fixture_msgs); i++) {
		format_into(want + off, sizeof(want) - off,
		    "%s/%s\n", dir, fixture_msgs[i]);
		off += strlen(want + off);
	}
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), FIXTURE_COUNT);
	free(msgs);
	oui_free(db);
}

static void
test_oui_fixture_lookup(void **state)
{
	static const struct {
		const char	*mac;
		const char	*name;	/* NULL: no vendor */
	} cases[] = {
		/* Quoted names: a comma, doubled quotes, a line break. */
		{ "00:00:0c:12:34:56", "Cisco Systems, Inc" },
		/* Xerox's 00-00-00 is made-up addresses today. */
		{ "00:00:00:12:34:56", NULL },
		{ "00:00:00:00:00:00", NULL },
		{ "00-1E-FC-00-00-01", "JSC \"MASSA-K\"" },
		{ "3cb07e000001", "Arounds Intelligent Equipment Co., Ltd." },
		/* MA-S inside MA-M inside MA-L: the longest prefix wins. */
		{ "70:b3:d5:71:90:00", "2M Technology" },
		{ "70:b3:d5:71:9f:ff", "2M Technology" },
		{ "70:b3:d5:71:8f:ff", "Seven Block Ltd" },
		{ "70:b3:d5:71:a0:00", "Seven Block Ltd" },
		{ "70:b3:d5:7f:ff:ff", "Seven Block Ltd" },
		{ "70:b3:d5:80:00:00", "IEEE Registration Authority" },
		{ "70:b3:d5:f2:f1:23", "TELEPLATFORMS" },
		{ "70:b3:d5:f3:00:00", "IEEE Registration Authority" },
		/* "Private" hides the owner and the shorter prefix. */
		{ "70:b3:d5:a0:00:01", NULL },
		{ "70:b3:d5:a0:1f:ff", "Tabbed Name, \"Quoted\" Corp" },
		{ "70:b3:d5:a0:20:00", "IEEE Registration Authority" },
		{ "74:1a:e0:90:00:00", NULL },
		{ "74:1a:e0:80:00:00", "Shadowed Vendor" },
		{ "00:11:22:33:44:55", NULL },
		/* Names are trimmed of spaces and tabs. */
		{ "00:11:26:00:00:00", "Padded Name Ltd" },
		{ "84:11:c2:3f:ff:ff", "FUJIFILM Healthcare Corporation" },
		{ "84:11:c2:2f:ff:ff", NULL },
		/* Malformed records were skipped. */
		{ "00:11:24:00:00:00", NULL },
		{ "00:11:25:00:00:00", NULL },
		{ "00:11:27:00:00:00", NULL },
		{ "00:11:28:00:00:00", NULL },
		{ "00:11:29:00:00:00", NULL },
		{ "70:b3:d5:a0:2f:ff", "IEEE Registration Authority" },
		{ "00:50:c2:7d:60:00", NULL },
		/* Reading went on after the unterminated quote. */
		{ "00:50:c2:7d:5f:ff", "DEUTA-WERKE GmbH" },
		{ "00:50:c2:7d:70:00", "After Unterminated GmbH" },
		/* The first of two records for one assignment wins. */
		{ "08:00:30:00:00:00", "NETWORK RESEARCH CORPORATION" },
		{ "00:aa:bb:cc:dd:ee", "Lower Case Hex Ltd" },
		/* The last record of oui.csv has no line end. */
		{ "00:d0:ef:00:00:00", "IGT" },
		/* The registry column decides, not the file. */
		{ "ac:de:48:00:11:22", "MA-L In The MA-M File" },
		{ "20:85:93:b0:00:00", "IOG Products LLC" },
		{ "20:85:93:a0:00:00", NULL },
		{ "8c:1f:64:c5:7a:bc", "Strategic Robotic Systems" },
		{ "8c:1f:64:c5:8a:bc", NULL },
		{ "00:00:01:00:00:00", NULL },
		/* Listed, but local and multicast addresses have no vendor. */
		{ "02:00:00:00:00:01", NULL },
		{ "01:00:5e:00:00:01", NULL },
		{ "03:00:00:00:00:01", NULL },
		{ "02:00:0c:12:34:56", NULL },
		{ "01:00:0c:cc:cc:cc", NULL },
		/* EUI-64: the same prefixes. */
		{ "080019FFFE0B4020", "GENERAL ELECTRIC CORPORATION" },
		{ "08:00:19:ff:fe:0b:40:20", "GENERAL ELECTRIC CORPORATION" },
		{ "8C-1F-64-C5-7F-FF-FE-01", "Strategic Robotic Systems" },
		{ "70b3d57190000001", "2M Technology" },
		{ "70b3d5a000000001", NULL },
		{ "0A0019FFFE0B4020", NULL },
		{ "090019FFFE0B4020", NULL },
	};
	struct oui_db *db;
	char dir[1024], *msgs;
	size_t i;

	(void)state;
	fixture_dir(dir, sizeof(dir), "");
	assert_non_null(db = load(dir, &msgs));
	free(msgs);
	for (i = 0; i < NELEM(cases); i++)
		expect_name(db, cases[i].mac, cases[i].name);
	oui_free(db);
}

/* After OUI_MAX_ERRORS messages a file's malformed records are counted. */
static void
test_oui_error_cap(void **state)
{
	struct oui_db *db;
	char dir[1024], want[4096], *msgs;
	size_t i, off = 0;

	(void)state;
	fixture_dir(dir, sizeof(dir), "/many");
	assert_non_null(db = load(dir, &msgs));
	for (i = 0; i < OUI_MAX_ERRORS; i++) {
		format_into(want + off, sizeof(want) - off,
		    "%s/oui.csv:%zu: MA-L assignment \"0000%zu\" has 5 hex "
		    "digits, not 6\n", dir, i + 2, i);
		off += strlen(want + off);
	}
	format_into(want + off, sizeof(want) - off,
	    "%s/oui.csv: 3 more malformed records (13 in all)\n", dir);
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), 1);
	expect_name(db, "00:00:0c:00:00:00", "Cisco Systems, Inc");
	free(msgs);
	oui_free(db);
}

/* A quote left open, or an endless line, costs one line, no more. */
static void
test_oui_record_cap(void **state)
{
	struct oui_db *db;
	char dir[1024], want[2048], *buf, *msgs;
	size_t len = 0, cap = 64 * 1024, i;

	(void)state;
	tmp_dir(dir, sizeof(dir));
	assert_non_null(buf = malloc(cap));
	/* Line 1 opens a quote that no later line closes. */
	format_into(buf + len, cap - len,
	    "MA-L,000001,\"Open Quote,Somewhere\r\n");
	len += strlen(buf + len);
	/* Lines 2 to 201 are good. */
	for (i = 0; i < 200; i++) {
		format_into(buf + len, cap - len,
		    "MA-L,%06zX,Vendor %zu,Somewhere\r\n", 0x100 + i, i);
		len += strlen(buf + len);
	}
	/* Line 202 never ends within the cap; line 203 is good. */
	memset(buf + len, 'x', OUI_MAX_RECORD + 1);
	len += OUI_MAX_RECORD + 1;
	format_into(buf + len, cap - len,
	    ",MA-L,000002\r\nMA-L,000003,Last,Somewhere\r\n");
	len += strlen(buf + len);
	assert_true(len < cap);
	tmp_write(dir, "oui.csv", buf, len);
	assert_non_null(db = load(dir, &msgs));
	format_into(want, sizeof(want),
	    "%s/oui.csv:1: quoted field not closed within %d bytes\n"
	    "%s/oui.csv:202: record longer than %d bytes\n",
	    dir, OUI_MAX_RECORD, dir, OUI_MAX_RECORD);
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), 201);
	expect_name(db, "00:01:00:00:00:00", "Vendor 0");
	expect_name(db, "00:01:c7:00:00:00", "Vendor 199");
	expect_name(db, "00:00:03:00:00:00", "Last");
	expect_name(db, "00:00:01:00:00:00", NULL);
	free(msgs);
	free(buf);
	oui_free(db);
	tmp_remove(dir, "oui.csv");
	tmp_remove(dir, "");
}

/*
 * A file many times the read buffer: records of every length, so that
 * line ends, doubled quotes and quoted line breaks fall on the buffer's
 * edges, and a line of 100 kB to be skipped across several reads.  The
 * line numbers of the messages must still be right.
 */
static void
test_oui_large_file(void **state)
{
	enum { N = 8000, LONG = 100 * 1024 };
	static const char xs[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	struct oui_db *db;
	char dir[1024], want[2048], name[128], hex[16], *buf, *msgs;
	size_t len = 0, cap = 1024 * 1024, line = 1, i, badhex = 0;
	size_t longline = 0, last;

	(void)state;
	tmp_dir(dir, sizeof(dir));
	assert_non_null(buf = malloc(cap));
	format_into(buf, cap, "Registry,Assignment,Organization Name,"
	    "Organization Address\r\n");
	len += strlen(buf + len);
	for (i = 0; i < N; i++) {
		if (i == 3000) {
			badhex = ++line;
			format_into(buf + len, cap - len,
			    "MA-L,ZZ%04zX,Bad Hex,Somewhere\r\n", i);
			len += strlen(buf + len);
		}
		if (i == 5000) {
			longline = ++line;
			memset(buf + len, 'y', LONG);
			len += LONG;
			format_into(buf + len, cap - len, "\r\n");
			len += strlen(buf + len);
		}
		line++;
		if (i % 7 == 0) {
			format_into(buf + len, cap - len, "MA-L,%06zX,"
			    "\"Vendor \"\"%zu\"\" %.*s\","
			    "\"Street %zu\nTown\"\r\n",
			    0x100000 + i, i, (int)(i % 37), xs, i);
			line++;
		} else
			format_into(buf + len, cap - len,
			    "MA-L,%06zX,Vendor %zu %.*s,Street%s",
			    0x100000 + i, i, (int)(i % 37), xs,
			    i % 3 == 0 ? "\n" : "\r\n");
		len += strlen(buf + len);
	}
	last = line + 1;
	format_into(buf + len, cap - len, "MA-L,00000,Short,Somewhere");
	len += strlen(buf + len);
	tmp_write(dir, "oui.csv", buf, len);

	assert_non_null(db = load(dir, &msgs));
	format_into(want, sizeof(want),
	    "%s/oui.csv:%zu: assignment \"ZZ0BB8\" is not hexadecimal\n"
	    "%s/oui.csv:%zu: record longer than %d bytes\n"
	    "%s/oui.csv:%zu: MA-L assignment \"00000\" has 5 hex digits, "
	    "not 6\n", dir, badhex, dir, longline, OUI_MAX_RECORD, dir, last);
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), N);
	for (i = 0; i < N; i++) {
		format_into(hex, sizeof(hex), "%06zX000000", 0x100000 + i);
		if (i % 7 == 0)
			format_into(name, sizeof(name), "Vendor \"%zu\" %.*s",
			    i, (int)(i % 37), xs);
		else
			format_into(name, sizeof(name), "Vendor %zu %.*s", i,
			    (int)(i % 37), xs);
		trim_right(name);
		expect_name(db, hex, name);
	}
	free(msgs);
	free(buf);
	oui_free(db);
	tmp_remove(dir, "oui.csv");
	tmp_remove(dir, "");
}

/*
 * Every prefix of every fixture file loads.  Only the record cut in two
 * can change: "a,b,c,d,e" cut to "a,b,c,d" turns good, so the count may
 * grow by one, never more.
 */
static void
test_oui_every_truncation(void **state)
{
	static const char *const files[] = {
		"oui.csv", "mam.csv", "oui36.csv", "iab.csv",
	};
	struct oui_db *db;
	char dir[1024], src[1200], *buf;
	size_t i, n, len, full;

	(void)state;
	tmp_dir(dir, sizeof(dir));
	for (i = 0; i < NELEM(files); i++) {
		format_into(src, sizeof(src), "%s/tests/unit/oui/%s", srcdir(),
		    files[i]);
		buf = slurp(src, &len);
		tmp_write(dir, files[i], buf, len);
		assert_non_null(db = oui_load(dir, NULL));
		full = oui_count(db);
		oui_free(db);
		for (n = 0; n < len; n++) {
			tmp_write(dir, files[i], buf, n);
			assert_non_null(db = oui_load(dir, NULL));
			assert_true(oui_count(db) <= full + 1);
			oui_free(db);
		}
		tmp_remove(dir, files[i]);
		free(buf);
	}
	tmp_remove(dir, "");
}

/*
 * The line ends and bytes the field scanning must get right: a CRLF
 * whose CR is a record's last byte under the cap (its LF is past it),
 * a lone CR inside a field (data: a space in a name), a CR as the
 * file's last byte (a line end), a NUL in the registry column (read as
 * a C string would: the registry is what comes before it), and a LF at
 * the cap without its CR.
 */
static void
test_oui_scan_edges(void **state)
{
	static const char pad[] = "Somewhere";
	static const char lone[] = "MA-L,000003,Lone\rCR,Here\r\n";
	static const char nul[] = "MA-L\0junk,000004,After Nul,Here\n";
	struct oui_db *db;
	char dir[1024], want[2048], *buf, *msgs;
	size_t len = 0, cap = 3 * OUI_MAX_RECORD, fill;

	(void)state;
	tmp_dir(dir, sizeof(dir));
	assert_non_null(buf = malloc(cap));
	/* Line 1: exactly OUI_MAX_RECORD bytes with its CR, then LF. */
	format_into(buf + len, cap - len, "MA-L,000001,Cap Exact,");
	fill = OUI_MAX_RECORD - strlen(buf + len) - 1;
	len += strlen(buf + len);
	memset(buf + len, 'x', fill);
	len += fill;
	memcpy(buf + len, "\r\n", 2);
	len += 2;
	/* Line 2: one byte more than the cap before its LF. */
	format_into(buf + len, cap - len, "MA-L,000002,Cap Over,");
	fill = OUI_MAX_RECORD - strlen(buf + len) + 1;
	len += strlen(buf + len);
	memset(buf + len, 'x', fill);
	len += fill;
	buf[len++] = '\n';
	/* Line 3: a lone CR in the name, and a NUL after the registry. */
	memcpy(buf + len, lone, sizeof(lone) - 1);
	len += sizeof(lone) - 1;
	memcpy(buf + len, nul, sizeof(nul) - 1);
	len += sizeof(nul) - 1;
	/* The last record ends in a CR alone. */
	format_into(buf + len, cap - len, "MA-L,000005,Last CR,%s\r", pad);
	len += strlen(buf + len);
	assert_true(len < cap);
	tmp_write(dir, "oui.csv", buf, len);
	assert_non_null(db = load(dir, &msgs));
	format_into(want, sizeof(want),
	    "%s/oui.csv:2: record longer than %d bytes\n", dir,
	    OUI_MAX_RECORD);
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), 4);
	expect_name(db, "00:00:01:00:00:00", "Cap Exact");
	expect_name(db, "00:00:02:00:00:00", NULL);
	expect_name(db, "00:00:03:00:00:00", "Lone CR");
	expect_name(db, "00:00:04:00:00:00", "After Nul");
	expect_name(db, "00:00:05:00:00:00", "Last CR");
	free(msgs);
	free(buf);
	oui_free(db);
	tmp_remove(dir, "oui.csv");
	tmp_remove(dir, "");
}

/*
 * A quoted field that closes at the record cap, then a comma: the next
 * field starts past the cap, and the record is too long, whether the
 * file ends there or the next line holds a comma (the field searches
 * stopped at the cap, not at the buffer's end or the next record).
 */
static void
test_oui_quote_at_cap(void **state)
{
	static const char good[] = "MA-L,000001,Good One,Addr\n";
	static const char more[] = "MA-L,000002,Good Two,Addr\r\n"
	    "MA-L,00000G,Bad,Addr\r\n";
	struct oui_db *db;
	char dir[1024], want[2048], *buf, *msgs;
	size_t len, cap = 3 * OUI_MAX_RECORD;
	int tail;

	(void)state;
	tmp_dir(dir, sizeof(dir));
	assert_non_null(buf = malloc(cap));
	for (tail = 0; tail < 2; tail++) {
		len = 0;
		memcpy(buf, good, sizeof(good) - 1);
		len += sizeof(good) - 1;
		buf[len++] = '"';
		memset(buf + len, 'x', OUI_MAX_RECORD - 1);
		len += OUI_MAX_RECORD - 1;
		buf[len++] = '"';
		buf[len++] = ',';
		if (tail) {
			memcpy(buf + len, "yyy\r\n", 5);
			len += 5;
			memcpy(buf + len, more, sizeof(more) - 1);
			len += sizeof(more) - 1;
		}
		tmp_write(dir, "oui.csv", buf, len);
		assert_non_null(db = load(dir, &msgs));
		if (tail)
			format_into(want, sizeof(want),
			    "%s/oui.csv:2: record longer than %d bytes\n"
			    "%s/oui.csv:4: assignment \"00000G\" is not "
			    "hexadecimal\n", dir, OUI_MAX_RECORD, dir);
		else
			format_into(want, sizeof(want),
			    "%s/oui.csv:2: record longer than %d bytes\n", dir,
			    OUI_MAX_RECORD);
		assert_string_equal(msgs, want);
		assert_int_equal(oui_count(db), tail ? 2 : 1);
		expect_name(db, "00:00:01:00:00:00", "Good One");
		expect_name(db, "00:00:02:00:00:00", tail ? "Good Two" : NULL);
		free(msgs);
		oui_free(db);
		tmp_remove(dir, "oui.csv");
	}
	free(buf);
	tmp_remove(dir, "");
}

static void
test_oui_missing(void **state)
{
	struct oui_db *db;
	char dir[1024], file[1200], want[2600], *msgs;

	(void)state;
	/* No directory. */
	assert_null(db = load("/nonexistent/ieee-data", &msgs));
	assert_string_equal(msgs,
	    "/nonexistent/ieee-data: No such file or directory\n");
	free(msgs);

	/* A file where the directory should be. */
	fixture_dir(dir, sizeof(dir), "");
	format_into(file, sizeof(file), "%s/oui.csv", dir);
	assert_null(db = load(file, &msgs));
	format_into(want, sizeof(want), "%s: Not a directory\n", file);
	assert_string_equal(msgs, want);
	free(msgs);

	/* A directory without any registry file. */
	tmp_dir(dir, sizeof(dir));
	assert_null(db = load(dir, &msgs));
	format_into(want, sizeof(want), "%s: no IEEE registry file (oui.csv, "
	    "mam.csv, oui36.csv, iab.csv)\n", dir);
	assert_string_equal(msgs, want);
	free(msgs);
	assert_null(oui_load(dir, NULL));

	/* The only file cannot be read. */
	format_into(file, sizeof(file), "%s/oui.csv", dir);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_null(db = load(dir, &msgs));
	format_into(want, sizeof(want), "%s: not a regular file\n", file);
	assert_string_equal(msgs, want);
	free(msgs);

	/* One readable file is enough, even an empty one. */
	tmp_write(dir, "iab.csv", "", 0);
	assert_non_null(db = load(dir, &msgs));
	assert_string_equal(msgs, want);
	assert_int_equal(oui_count(db), 0);
	expect_name(db, "00:00:0c:00:00:00", NULL);
	free(msgs);
	oui_free(db);

	tmp_remove(dir, "oui.csv");
	tmp_remove(dir, "iab.csv");
	tmp_remove(dir, "");

	/* No db: nothing known. */
	assert_int_equal(oui_count(NULL), 0);
	expect_name(NULL, "00:00:0c:00:00:00", NULL);
	oui_free(NULL);
}

static void
test_oui_parse_hex(void **state)
{
	static const char *const good6[] = {
		"00:1b:21:ab:cd:ef", "00-1B-21-AB-CD-EF", "001b21ABcdEF",
	};
	static const char *const bad6[] = {
		"", "00:1b:21:ab:cd", "00:1b:21:ab:cd:ef:01",
		"00:1b:21:ab:cd:e", "0:1b:21:ab:cd:ef", "00:1b-21:ab:cd:ef",
		"00-1b:21:ab:cd:ef", "00:1b:21:ab:cd:eg", "001b21abcdef ",
		" 001b21abcdef", "001b21abcde", "001b21abcdef0",
		"00::1b:21:ab:cd", "00:1b:21:ab:cd:ef:", ":00:1b:21:ab:cd:ef",
		"00.1b.21.ab.cd.ef", "001b.21ab.cdef", "00:1b:21:ab:cd:\xef",
		"0x1b21abcdef",
	};
	static const uint8_t want6[6] = { 0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef };
	static const uint8_t want8[8] = {
		0x08, 0x00, 0x19, 0xff, 0xfe, 0x0b, 0x40, 0x20,
	};
	uint8_t out[8];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good6); i++) {
		memset(out, 0x55, sizeof(out));
		if (oui_parse_hex(good6[i], out, 6) != 0)
			fail_msg("\"%s\" rejected", good6[i]);
		assert_memory_equal(out, want6, 6);
		assert_int_equal(out[6], 0x55);
	}
	for (i = 0; i < NELEM(bad6); i++) {
		memset(out, 0x55, sizeof(out));
		if (oui_parse_hex(bad6[i], out, 6) != -1)
			fail_msg("\"%s\" accepted", bad6[i]);
		assert_int_equal(out[0], 0x55);
	}
	assert_int_equal(oui_parse_hex("080019FFFE0B4020", out, 8), 0);
	assert_memory_equal(out, want8, 8);
	assert_int_equal(oui_parse_hex("08:00:19:ff:fe:0b:40:20", out, 8), 0);
	assert_memory_equal(out, want8, 8);
	assert_int_equal(oui_parse_hex("08-00-19-FF-FE-0B-40-20", out, 8), 0);
	assert_memory_equal(out, want8, 8);
	assert_int_equal(oui_parse_hex("080019FFFE0B40", out, 8), -1);
	assert_int_equal(oui_parse_hex("080019FFFE0B4020", out, 6), -1);
	assert_int_equal(oui_parse_hex("00:1b:21:ab:cd:ef", out, 8), -1);
	/* An OUI alone; lengths outside 1..8 are refused. */
	assert_int_equal(oui_parse_hex("00:00:0C", out, 3), 0);
	assert_int_equal(out[2], 0x0c);
	assert_int_equal(oui_parse_hex("", out, 0), -1);
	assert_int_equal(oui_parse_hex("000102030405060708", out, 9), -1);
	assert_int_equal(oui_parse_hex(NULL, out, 6), -1);
}

/* Debian's ieee-data (2022-08-27), when installed. */
static void
test_oui_real_registry(void **state)
{
	static const struct {
		const char	*mac;
		const char	*name;
	} cases[] = {
		{ "00:00:0c:07:ac:01", "Cisco Systems, Inc" },
		{ "00:1e:fc:00:00:01", "JSC \"MASSA-K\"" },
		/* MA-M, MA-S and IAB inside the IEEE's own MA-L blocks. */
		{ "20:85:93:b1:23:45", "IOG Products LLC" },
		{ "84:11:c2:31:23:45", "FUJIFILM Healthcare Corporation" },
		{ "70:b3:d5:71:91:23", "2M Technology" },
		{ "8c:1f:64:c5:71:23", "Strategic Robotic Systems" },
		{ "00:50:c2:7d:51:23", "DEUTA-WERKE GmbH" },
		{ "74:1a:e0:91:23:45", NULL },	/* MA-M "Private" */
		{ "74:1a:e0:a1:23:45", "SAIERCOM CORPORATION" },
		{ "74:1a:e0:71:23:45", "B\xc3\x84R Bahnsicherung AG" },
		{ "080019FFFE0B4020", "GENERAL ELECTRIC CORPORATION" },
	};
	struct oui_db *db;
	char *msgs;
	const char *name;
	uint8_t mac[6];
	size_t i;

	(void)state;
	if (access(OUI_DEFAULT_DIR "/oui.csv", R_OK) != 0)
		skip();
	assert_non_null(db = load(OUI_DEFAULT_DIR, &msgs));
	assert_string_equal(msgs, "");
	free(msgs);
	assert_true(oui_count(db) > 40000);
	/* Any release: Cisco's first OUI and the IEEE's own block. */
	assert_int_equal(oui_parse_hex("00:00:0c:9f:f0:01", mac, 6), 0);
	assert_non_null(name = oui_lookup(db, mac));
	assert_int_equal(strncmp(name, "Cisco Systems", 13), 0);
	/* 00-00-00 is XEROX CORPORATION's in the registry, but only
	 * made-up addresses carry it today: no one's, as the null MAC. */
	assert_int_equal(oui_parse_hex("00:00:00:00:00:01", mac, 6), 0);
	assert_null(oui_lookup(db, mac));
	memset(mac, 0, sizeof(mac));
	assert_null(oui_lookup(db, mac));
	/* The release these names were taken from. */
	if (access(OUI_DEFAULT_DIR "/mam.csv", R_OK) == 0 &&
	    access(OUI_DEFAULT_DIR "/oui36.csv", R_OK) == 0 &&
	    access(OUI_DEFAULT_DIR "/iab.csv", R_OK) == 0)
		for (i = 0; i < NELEM(cases); i++)
			expect_name(db, cases[i].mac, cases[i].name);
	oui_free(db);
}

/*
 * Many assignments in random order, some twice (the first wins), with
 * names holding a control character (a lone CR among them) at every
 * offset of an 8-byte word, or none: every lookup finds the first
 * name read, its control characters made spaces.  MA-L assignments
 * start below 0x80, MA-S ones above, so that neither hides the other.
 */
#define MANY	20000

struct many_ent {
	uint64_t	 prefix;	/* 24 or 36 bits */
	bool		 mas;		/* MA-S (oui36.csv), else MA-L */
	char		 name[40];	/* as it must come back */
};

static uint64_t many_rng = 88172645463325252ull;

static uint64_t
many_next(void)
{
	many_rng ^= many_rng << 13;
	many_rng ^= many_rng >> 7;
	many_rng ^= many_rng << 17;
	return many_rng;
}

static void
test_oui_many_shuffled(void **state)
{
	static const char ctl[] = { '\t', '\r', 0x01, 0x1f, 0x7f };
	struct many_ent *e;
	char dir[1024], raw[40], *csv[2], mac[32];
	size_t cap = (size_t)MANY * 80, len[2], i, j, f;
	struct oui_db *db;
	uint64_t p;
	char *msgs;

	(void)state;
	assert_non_null(e = calloc(MANY, sizeof(*e)));
	for (f = 0; f < 2; f++) {
		assert_non_null(csv[f] = malloc(cap));
		len[f] = (size_t)snprintf(csv[f], cap, "Registry,Assignment,"
		    "Organization Name,Organization Address\r\n");
	}
	for (i = 0; i < MANY; i++) {
		e[i].mas = i % 4 == 0;
		for (j = i; j-- > 0 && i % 10 == 0;)
			if (e[j].mas == e[i].mas)
				break;
		if (i % 10 == 0 && j < i)
			p = e[j].prefix;	/* an assignment again */
		else if (e[i].mas)	/* first octet 0x80..0xfc */
			p = (many_next() & 0x7cfffffffull) | 0x800000000ull;
		else			/* 0x04..0x7c */
			p = (many_next() & 0x7cffffull) | 0x040000ull;
		e[i].prefix = p;
		snprintf(raw, sizeof(raw), "Vendor number %05zu", i);
		if (i % 3 != 0)
			raw[i % 17] = ctl[i % sizeof(ctl)];
		snprintf(e[i].name, sizeof(e[i].name), "%s", raw);
		for (j = 0; e[i].name[j] != '\0'; j++)
			if ((unsigned char)e[i].name[j] < 0x20 ||
			    e[i].name[j] == 0x7f)
				e[i].name[j] = ' ';
		trim_right(e[i].name);
		for (j = 0; e[i].name[j] == ' '; j++)
			;
		memmove(e[i].name, e[i].name + j, strlen(e[i].name + j) + 1);
		f = e[i].mas;
		if (f)
			format_into(csv[1] + len[1], cap - len[1],
			    "MA-S,%09llX,%s,Somewhere\r\n",
			    (unsigned long long)p, raw);
		else
			format_into(csv[0] + len[0], cap - len[0],
			    "MA-L,%06llX,%s,Somewhere\r\n",
			    (unsigned long long)p, raw);
		len[f] += strlen(csv[f] + len[f]);
	}
	tmp_dir(dir, sizeof(dir));
	tmp_write(dir, "oui.csv", csv[0], len[0]);
	tmp_write(dir, "oui36.csv", csv[1], len[1]);
	db = load(dir, &msgs);
	tmp_remove(dir, "oui.csv");
	tmp_remove(dir, "oui36.csv");
	tmp_remove(dir, "");
	if (db == NULL || msgs[0] != '\0')
		fail_msg("%s", msgs);
	free(msgs);
	for (i = 0; i < MANY; i++) {
		for (j = 0; j < i && (e[j].mas != e[i].mas ||
		    e[j].prefix != e[i].prefix); j++)
			;
		p = e[i].prefix;
		if (e[i].mas)
			format_into(mac, sizeof(mac),
			    "%02x:%02x:%02x:%02x:%02x:00",
			    (unsigned)(p >> 28 & 0xff),
			    (unsigned)(p >> 20 & 0xff),
			    (unsigned)(p >> 12 & 0xff),
			    (unsigned)(p >> 4 & 0xff),
			    (unsigned)(p & 0xf) << 4 | 0x5);
		else
			format_into(mac, sizeof(mac), "%02x:%02x:%02x:9a:bc:de",
			    (unsigned)(p >> 16 & 0xff),
			    (unsigned)(p >> 8 & 0xff), (unsigned)(p & 0xff));
		expect_name(db, mac, e[j].name);
	}
	oui_free(db);
	free(csv[0]);
	free(csv[1]);
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oui_fixture_messages),
		cmocka_unit_test(test_oui_fixture_lookup),
		cmocka_unit_test(test_oui_error_cap),
		cmocka_unit_test(test_oui_record_cap),
		cmocka_unit_test(test_oui_large_file),
		cmocka_unit_test(test_oui_scan_edges),
		cmocka_unit_test(test_oui_quote_at_cap),
		cmocka_unit_test(test_oui_every_truncation),
		cmocka_unit_test(test_oui_missing),
		cmocka_unit_test(test_oui_parse_hex),
		cmocka_unit_test(test_oui_real_registry),
		cmocka_unit_test(test_oui_many_shuffled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
