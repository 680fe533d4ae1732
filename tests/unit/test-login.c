/*
 * test-login.c - FTP and telnet logins (src/app/login.c).
 *
 * An FTP session with a failed and a successful login, a telnet session
 * with option negotiation, a corrected typo, a failed and a successful
 * login, fed through ftp_parser, telnet_parser and mock_feed(): the
 * facts, every truncation, every two-way split of every message, line
 * and subnegotiation caps, privacy of the passwords, the probes and
 * the EVE objects.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/login.h"

#define MAX_FACTS	8

struct capture {
	unsigned	 n;
	struct login_facts f[MAX_FACTS];
};

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *f)
{
	struct capture *c = ctx->user;

	(void)dir;
	assert_true(proto == APP_FTP || proto == APP_TELNET);
	if (c->n < MAX_FACTS)
		c->f[c->n++] = *(const struct login_facts *)f;
}

struct step {
	int		 dir;
	const char	*bytes;
	size_t		 len;
};

#define C(s)	{ APP_DIR_TOSERVER, s, sizeof(s) - 1 }
#define S(s)	{ APP_DIR_TOCLIENT, s, sizeof(s) - 1 }

/*
 * FTP: a multi-line greeting; USER alice, 331, PASS (s3cretpw), 530;
 * USER bob, 331, PASS (pw2bob), 230.
 */
static const struct step ftp_session[] = {
	S("220-Welcome to the pump FTP service\r\n220 ready\r\n"),
	C("USER alice\r\n"),
	S("331 Password required for alice\r\n"),
	C("PASS s3cretpw\r\n"),
	S("530 Login incorrect.\r\n"),
	C("USER bob\r\n"),
	S("331 Password required for bob\r\n"),
	C("PASS pw2bob\r\n"),
	S("230 User bob logged in\r\n"),
};

/*
 * Telnet: IAC DO TTYPE, IAC WILL ECHO; IAC WILL TTYPE, IAC SB TTYPE IS
 * "xterm" IAC SE; a "login:" prompt; "admim", DEL, "n" (admin); the
 * echo and "Password:"; hunter2; "Login incorrect" and a new prompt;
 * root typed a key at a time; "Password:"; toor; "Last login".
 */
static const struct step telnet_session[] = {
	S("\xff\xfd\x18\xff\xfb\x01"),
	C("\xff\xfb\x18\xff\xfa\x18\x00xterm\xff\xf0"),
	S("Ubuntu 22.04 LTS\r\nmonitor-3 login: "),
	C("admim\x7fn\r\n"),
	S("admin\r\nPassword: "),
	C("hunter2\r\n"),
	S("\r\nLogin incorrect\r\nmonitor-3 login: "),
	C("r"), C("o"), C("o"), C("t"), C("\r\0"),
	S("Password: "),
	C("toor\r\n"),
	S("\r\nLast login: Mon Nov  2 08:00:00 2026\r\n$ "),
};

#define NSTEPS(a)	(sizeof(a) / sizeof(a[0]))

static bool run_inspect;	/* have the parsers build buffers */

/* Run a session; step 'split_step' is cut at 'split' (0: not cut). */
static void
run(const struct app_parser *ap, const struct step *steps, size_t n,
    size_t split_step, size_t split, struct app_ctx *ctx,
    struct capture *c)
{
	void *st = ap->state_new();
	size_t i, left;

	memset(ctx, 0, sizeof(*ctx));
	memset(c, 0, sizeof(*c));
	ctx->inspect = run_inspect;
	ctx->on_fact = on_fact;
	ctx->user = c;
	for (i = 0; i < n; i++) {
		assert_int_not_equal(mock_feed(ap, st, ctx, steps[i].dir,
		    (const uint8_t *)steps[i].bytes, steps[i].len, &split,
		    i == split_step && split > 0, &left), PARSE_ERROR);
		assert_int_equal(left, 0);
	}
	ap->state_free(st);
}

static void
test_login_ftp(void **unused)
{
	struct app_ctx ctx;
	struct capture c;

	(void)unused;
	run(&ftp_parser, ftp_session, NSTEPS(ftp_session), 0, 0, &ctx, &c);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.f[0].protocol, APP_FTP);
	assert_string_equal(c.f[0].user, "alice");
	assert_true(c.f[0].password_sent);
	assert_int_equal(c.f[0].outcome, LOGIN_FAILURE);
	assert_int_equal(c.f[0].n_codes, 2);
	assert_int_equal(c.f[0].codes[0], 331);
	assert_int_equal(c.f[0].codes[1], 530);
	assert_string_equal(c.f[1].user, "bob");
	assert_int_equal(c.f[1].outcome, LOGIN_SUCCESS);
	assert_int_equal(ctx.n_anom, 0);
}

static void
test_login_telnet(void **unused)
{
	struct app_ctx ctx;
	struct capture c;

	(void)unused;
	run(&telnet_parser, telnet_session, NSTEPS(telnet_session), 0, 0,
	    &ctx, &c);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.f[0].protocol, APP_TELNET);
	assert_string_equal(c.f[0].user, "admin");
	assert_true(c.f[0].password_sent);
	assert_int_equal(c.f[0].outcome, LOGIN_FAILURE);
	assert_string_equal(c.f[1].user, "root");
	assert_true(c.f[1].password_sent);
	assert_int_equal(c.f[1].outcome, LOGIN_SUCCESS);
	assert_int_equal(ctx.n_anom, 0);
}

/*
 * After "Last login:" the client is in its shell: the command it types
 * is not a user name, and no third attempt is reported when the
 * connection ends.
 */
static void
test_login_telnet_last_login_not_prompt(void **unused)
{
	static const char cmd[] = "cat /etc/hostname\r\n";
	static const char out[] = "monitor-3\r\n$ ";
	struct app_ctx ctx;
	struct capture c;
	size_t i;
	void *st;

	(void)unused;
	st = telnet_parser.state_new();
	memset(&ctx, 0, sizeof(ctx));
	memset(&c, 0, sizeof(c));
	ctx.on_fact = on_fact;
	ctx.user = &c;
	for (i = 0; i < NSTEPS(telnet_session); i++)
		(void)mock_feed(&telnet_parser, st, &ctx,
		    telnet_session[i].dir,
		    (const uint8_t *)telnet_session[i].bytes,
		    telnet_session[i].len, NULL, 0, NULL);
	(void)mock_feed(&telnet_parser, st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)cmd, sizeof(cmd) - 1, NULL, 0, NULL);
	(void)mock_feed(&telnet_parser, st, &ctx, APP_DIR_TOCLIENT,
	    (const uint8_t *)out, sizeof(out) - 1, NULL, 0, NULL);
	telnet_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	telnet_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.f[1].user, "root");
	assert_int_equal(c.f[1].outcome, LOGIN_SUCCESS);
	telnet_parser.state_free(st);
}

/* Every split of every message gives the same facts. */
static void
test_login_every_split(void **unused)
{
	struct app_ctx ctx;
	struct capture ref, c;
	size_t k, i;

	(void)unused;
	run(&ftp_parser, ftp_session, NSTEPS(ftp_session), 0, 0, &ctx, &ref);
	for (k = 0; k < NSTEPS(ftp_session); k++)
		for (i = 1; i < ftp_session[k].len; i++) {
			run(&ftp_parser, ftp_session, NSTEPS(ftp_session), k,
			    i, &ctx, &c);
			assert_int_equal(c.n, ref.n);
			assert_memory_equal(c.f, ref.f, sizeof(c.f[0]) * c.n);
		}
	run(&telnet_parser, telnet_session, NSTEPS(telnet_session), 0, 0,
	    &ctx, &ref);
	for (k = 0; k < NSTEPS(telnet_session); k++)
		for (i = 1; i < telnet_session[k].len; i++) {
			run(&telnet_parser, telnet_session,
			    NSTEPS(telnet_session), k, i, &ctx, &c);
			assert_int_equal(c.n, ref.n);
			assert_memory_equal(c.f, ref.f, sizeof(c.f[0]) * c.n);
		}
}

/* An FTP line cut anywhere: INCOMPLETE, nothing consumed, no fact. */
static void
test_login_truncations(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	struct app_result r;
	size_t k, len;
	uint8_t *buf;
	void *st;

	(void)unused;
	for (k = 0; k < NSTEPS(ftp_session); k++)
		for (len = 0; len < ftp_session[k].len; len++) {
			const char *p = ftp_session[k].bytes;

			/* Whole lines before the cut are fine. */
			if (memchr(p, '\n', len) != NULL)
				continue;
			st = ftp_parser.state_new();
			memset(&ctx, 0, sizeof(ctx));
			memset(&c, 0, sizeof(c));
			ctx.on_fact = on_fact;
			ctx.user = &c;
			buf = malloc(len > 0 ? len : 1);
			memcpy(buf, p, len);
			r = ftp_parser.parse(st, &ctx, ftp_session[k].dir, buf,
			    len);
			assert_int_equal(r.status, PARSE_INCOMPLETE);
			assert_int_equal(r.consumed, 0);
			assert_int_equal(c.n, 0);
			free(buf);
			ftp_parser.state_free(st);
		}
	/* Telnet keeps nothing back: a cut session is simply shorter. */
	for (k = 0; k < NSTEPS(telnet_session); k++)
		for (len = 0; len < telnet_session[k].len; len++) {
			st = telnet_parser.state_new();
			memset(&ctx, 0, sizeof(ctx));
			memset(&c, 0, sizeof(c));
			ctx.on_fact = on_fact;
			ctx.user = &c;
			buf = malloc(len > 0 ? len : 1);
			memcpy(buf, telnet_session[k].bytes, len);
			r = telnet_parser.parse(st, &ctx,
			    telnet_session[k].dir, buf, len);
			assert_int_equal(r.status, PARSE_OK);
			assert_int_equal(r.consumed, len);
			assert_int_equal(c.n, 0);
			free(buf);
			telnet_parser.state_free(st);
		}
}

static void
test_login_caps(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	size_t len = 2000 + 12, sub = 300;
	char *line;
	uint8_t *sb;
	void *st;

	(void)unused;
	/* A 2000-byte command is skipped; the USER after it is read. */
	line = malloc(len);
	memset(line, 'A', 2000);
	memcpy(line + 2000, "\r\nUSER carl\n", 12);
	st = ftp_parser.state_new();
	memset(&ctx, 0, sizeof(ctx));
	memset(&c, 0, sizeof(c));
	ctx.on_fact = on_fact;
	ctx.user = &c;
	(void)mock_feed(&ftp_parser, st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)line, len, NULL, 0, NULL);
	assert_true(mock_has_anomaly(&ctx, EV_FTP_LINE_TOO_LONG));
	ftp_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].user, "carl");
	assert_int_equal(c.f[0].outcome, LOGIN_UNKNOWN);
	ftp_parser.state_free(st);
	free(line);

	/* A 300-byte subnegotiation, then a prompt. */
	sb = malloc(2 + sub + 2 + 7);
	sb[0] = 0xff;
	sb[1] = 0xfa;
	memset(sb + 2, 'x', sub);
	memcpy(sb + 2 + sub, "\xff\xf0login: ", 9);
	st = telnet_parser.state_new();
	memset(&ctx, 0, sizeof(ctx));
	memset(&c, 0, sizeof(c));
	ctx.on_fact = on_fact;
	ctx.user = &c;
	(void)mock_feed(&telnet_parser, st, &ctx, APP_DIR_TOCLIENT, sb,
	    2 + sub + 2 + 7, NULL, 0, NULL);
	assert_true(mock_has_anomaly(&ctx, EV_TELNET_SUBNEG_TOO_LONG));
	(void)mock_feed(&telnet_parser, st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)"dave\r\n", 6, NULL, 0, NULL);
	telnet_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(c.n, 0);
	telnet_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].user, "dave");
	assert_false(c.f[0].password_sent);
	telnet_parser.state_free(st);
	free(sb);
}

static void
eve_text(const struct app_parser *ap, const struct login_facts *f,
    char *out, size_t size)
{
	struct jsonw jw;
	const char *t;
	size_t len;

	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, ap->proto == APP_FTP ? "ftp" : "telnet");
	jsonw_obj_open(&jw);
	ap->eve(&jw, f);
	jsonw_obj_close(&jw);
	/* As the framework writes it: only parsers with an extra op. */
	if (ap->eve_extra != NULL) {
		jsonw_key(&jw, "wardwatch");
		jsonw_obj_open(&jw);
		ap->eve_extra(&jw, f);
		jsonw_obj_close(&jw);
	}
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	assert_true(len < size);
	memcpy(out, t, len);
	out[len] = '\0';
	jsonw_free(&jw);
}

static void
test_login_privacy(void **unused)
{
	static const char *const secrets[] = { "s3cretpw", "pw2bob",
	    "hunter2", "toor" };
	struct app_ctx ctx;
	struct capture c;
	char text[1024];
	size_t i, k;

	(void)unused;
	run(&ftp_parser, ftp_session, NSTEPS(ftp_session), 0, 0, &ctx, &c);
	for (k = 0; k < c.n; k++) {
		eve_text(&ftp_parser, &c.f[k], text, sizeof(text));
		for (i = 0; i < 4; i++) {
			assert_null(strstr(text, secrets[i]));
			assert_null(memmem(&c.f[k], sizeof(c.f[k]),
			    secrets[i], strlen(secrets[i])));
		}
	}
	run(&telnet_parser, telnet_session, NSTEPS(telnet_session), 0, 0,
	    &ctx, &c);
	for (k = 0; k < c.n; k++) {
		eve_text(&telnet_parser, &c.f[k], text, sizeof(text));
		for (i = 0; i < 4; i++) {
			assert_null(strstr(text, secrets[i]));
			assert_null(memmem(&c.f[k], sizeof(c.f[k]),
			    secrets[i], strlen(secrets[i])));
		}
	}
}

static void
test_login_eve(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[1024];

	(void)unused;
	run(&ftp_parser, ftp_session, NSTEPS(ftp_session), 0, 0, &ctx, &c);
	eve_text(&ftp_parser, &c.f[0], text, sizeof(text));
	/* Suricata's ftp object names the user; wardwatch.ftp adds only
	 * what it has no field for, nothing twice. */
	assert_string_equal(text, "{\"ftp\":{\"command\":\"USER\","
	    "\"command_data\":\"alice\",\"completion_code\":[\"331\","
	    "\"530\"],\"reply_received\":\"yes\"},\"wardwatch\":{\"ftp\":"
	    "{\"password_sent\":true,\"success\":false}}}");
	run(&telnet_parser, telnet_session, NSTEPS(telnet_session), 0, 0,
	    &ctx, &c);
	eve_text(&telnet_parser, &c.f[1], text, sizeof(text));
	/* Telnet's own object, and no copy of it. */
	assert_string_equal(text, "{\"telnet\":{\"user\":\"root\","
	    "\"password_sent\":true,\"success\":true}}");
}

/* A user name cut to its array is flagged once, where each object
 * keeps its user name; an unknown outcome is null. */
static void
test_login_eve_truncated(void **unused)
{
	struct login_facts f;
	char text[1024], want[1024];

	(void)unused;
	memset(&f, 0, sizeof(f));
	f.protocol = APP_FTP;
	memset(f.user, 'u', sizeof(f.user) - 1);
	f.user_truncated = true;
	f.outcome = LOGIN_UNKNOWN;
	eve_text(&ftp_parser, &f, text, sizeof(text));
	snprintf(want, sizeof(want), "{\"ftp\":{\"command\":\"USER\","
	    "\"command_data\":\"%s\",\"command_truncated\":true,"
	    "\"reply_received\":\"no\"},\"wardwatch\":{\"ftp\":"
	    "{\"password_sent\":false,\"success\":null}}}", f.user);
	assert_string_equal(text, want);
	f.protocol = APP_TELNET;
	eve_text(&telnet_parser, &f, text, sizeof(text));
	snprintf(want, sizeof(want), "{\"telnet\":{\"user\":\"%s\","
	    "\"user_truncated\":true,\"password_sent\":false,"
	    "\"success\":null}}", f.user);
	assert_string_equal(text, want);
}

static void
test_login_probe(void **unused)
{
	(void)unused;
	assert_int_equal(ftp_parser.probe((const uint8_t *)
	    "220 ProFTPD Server ready\r\n", 26, APP_DIR_TOCLIENT),
	    APP_PROBE_YES);
	assert_int_equal(ftp_parser.probe((const uint8_t *)
	    "220 mail.example ESMTP Postfix\r\n", 32, APP_DIR_TOCLIENT),
	    APP_PROBE_NO);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"220 ready", 9,
	    APP_DIR_TOCLIENT), APP_PROBE_MAYBE);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"22", 2,
	    APP_DIR_TOCLIENT), APP_PROBE_MAYBE);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"HTTP/1.1", 8,
	    APP_DIR_TOCLIENT), APP_PROBE_NO);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"USER x\r\n", 8,
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"US", 2,
	    APP_DIR_TOSERVER), APP_PROBE_MAYBE);
	assert_int_equal(ftp_parser.probe((const uint8_t *)"GET ", 4,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(telnet_parser.probe((const uint8_t *)"\xff\xfd\x18",
	    3, APP_DIR_TOCLIENT), APP_PROBE_YES);
	assert_int_equal(telnet_parser.probe((const uint8_t *)"\xff", 1,
	    APP_DIR_TOCLIENT), APP_PROBE_MAYBE);
	assert_int_equal(telnet_parser.probe((const uint8_t *)"\xff\x01", 2,
	    APP_DIR_TOCLIENT), APP_PROBE_NO);
	assert_int_equal(telnet_parser.probe((const uint8_t *)"login", 5,
	    APP_DIR_TOCLIENT), APP_PROBE_NO);
}

#define LBUF(mi, id)	mock_buf((mi), APP_BUF_##id, 0, NULL)

/* ftp.command, ftp.command_data, and the login at PASS. */
static void
test_login_ftp_buffers(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	const struct mock_inspect *mi;

	(void)unused;
	run_inspect = true;
	run(&ftp_parser, ftp_session, NSTEPS(ftp_session), 0, 0, &ctx, &c);
	run_inspect = false;
	assert_int_equal(ctx.n_insp, 4);
	mi = mock_insp(&ctx, 3);
	assert_string_equal(LBUF(mi, FTP_COMMAND), "USER");
	assert_string_equal(LBUF(mi, FTP_COMMAND_DATA), "alice");
	assert_string_equal(LBUF(mi, LOGIN_USER), "alice");
	assert_null(LBUF(mi, LOGIN_PASSWORD));
	mi = mock_insp(&ctx, 2);
	assert_string_equal(LBUF(mi, FTP_COMMAND), "PASS");
	assert_string_equal(LBUF(mi, LOGIN_USER), "alice");
	assert_string_equal(LBUF(mi, LOGIN_PASSWORD), "s3cretpw");
	mi = mock_insp(&ctx, 0);
	assert_string_equal(LBUF(mi, LOGIN_USER), "bob");
	assert_string_equal(LBUF(mi, LOGIN_PASSWORD), "pw2bob");
	mock_reset(&ctx);
}

/* Telnet: the typed user and password (with their edits), per login. */
static void
test_login_telnet_buffers(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	const struct mock_inspect *mi;

	(void)unused;
	run_inspect = true;
	run(&telnet_parser, telnet_session, NSTEPS(telnet_session), 0, 0,
	    &ctx, &c);
	run_inspect = false;
	assert_int_equal(ctx.n_insp, 2);
	mi = mock_insp(&ctx, 1);
	assert_int_equal(mi->proto, APP_TELNET);
	assert_string_equal(LBUF(mi, LOGIN_USER), "admin");
	assert_string_equal(LBUF(mi, LOGIN_PASSWORD), "hunter2");
	mi = mock_insp(&ctx, 0);
	assert_string_equal(LBUF(mi, LOGIN_USER), "root");
	assert_string_equal(LBUF(mi, LOGIN_PASSWORD), "toor");
	mock_reset(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_ftp),
		cmocka_unit_test(test_login_telnet),
		cmocka_unit_test(test_login_telnet_last_login_not_prompt),
		cmocka_unit_test(test_login_every_split),
		cmocka_unit_test(test_login_truncations),
		cmocka_unit_test(test_login_caps),
		cmocka_unit_test(test_login_privacy),
		cmocka_unit_test(test_login_eve),
		cmocka_unit_test(test_login_eve_truncated),
		cmocka_unit_test(test_login_probe),
		cmocka_unit_test(test_login_ftp_buffers),
		cmocka_unit_test(test_login_telnet_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
