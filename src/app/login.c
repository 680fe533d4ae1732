/*
 * app/login.c - cleartext logins: FTP control connections (RFC 959)
 * and telnet (RFC 854).
 *
 * FTP is a line protocol.  The client's USER names the user and PASS
 * carries the password, of which we keep only the fact that it was
 * sent.  The server answers with three-digit replies (RFC 959 4.2),
 * multi-line as "ddd-" ... "ddd ": 331 asks for the password, 230
 * means logged in and 530 not.  Lines are capped at FTP_MAX_LINE; a
 * longer line is skipped with ftp.line_too_long.
 *
 * Telnet carries keystrokes and screen text with option negotiation
 * mixed in (RFC 854): IAC (255) then a command, WILL/WONT/DO/DONT take
 * an option byte, SB ... IAC SE a subnegotiation (capped, then
 * dropped), IAC IAC a literal 255.  With the negotiation stripped, the
 * server's text is watched for "login:" and "Password:" prompts; the
 * line the client types after "login:" is the user name, and what it
 * types after "Password:" is dropped unread.  The outcome comes from
 * the server's next words ("Login incorrect", "Last login") or a new
 * prompt.  Both parsers consume every byte they are given: nothing is
 * buffered beyond one FTP line.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/login.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/util.h"

#define TELNET_IAC	255
#define TELNET_DONT	254
#define TELNET_WILL	251
#define TELNET_SB	250
#define TELNET_SE	240

#define TELNET_WINDOW	16	/* server text kept to match prompts */

static const uint16_t ftp_ports[] = { 21, 0 };
static const uint16_t telnet_ports[] = { 23, 0 };

static void
login_copy(char *dst, size_t size, const uint8_t *p, size_t n, bool *cut)
{
	size_t i;

	if (n >= size) {
		n = size - 1;
		*cut = true;
	}
	for (i = 0; i < n; i++)
		dst[i] = (p[i] < 0x20 || p[i] >= 0x7f) ? '?' : (char)p[i];
	dst[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* FTP */

struct ftp_state {
	bool		 skipping[2];	/* inside an over-long line */
	uint16_t	 multiline;	/* code of an open "ddd-" reply */
	bool		 pending;	/* an attempt awaits its outcome */
	struct login_facts cur;
	uint64_t	 attempts;
};

static void
ftp_emit(struct ftp_state *st, struct app_ctx *ctx, uint8_t outcome)
{
	if (!st->pending)
		return;
	st->cur.outcome = outcome;
	st->attempts++;
	app_emit(ctx, APP_FTP, APP_DIR_TOSERVER, &st->cur);
	st->pending = false;
}

/*
 * A command line for the rules: ftp.command and ftp.command_data, and
 * at PASS login.user (as kept) with login.password, which exists only
 * in that buffer during the call.
 */
static void
ftp_inspect(struct ftp_state *st, struct app_ctx *ctx, const uint8_t *p,
    size_t n, size_t cmd, bool pass)
{
	struct app_buf b[4];
	size_t nb = 0, arg = cmd < n ? cmd + 1 : n;

	b[nb].id = APP_BUF_FTP_COMMAND;
	b[nb].data = p;
	b[nb++].len = cmd;
	if (cmd < n) {
		b[nb].id = APP_BUF_FTP_COMMAND_DATA;
		b[nb].data = p + arg;
		b[nb++].len = n - arg;
	}
	if (pass) {
		b[nb].id = APP_BUF_LOGIN_USER;
		b[nb].data = (const uint8_t *)st->cur.user;
		b[nb++].len = strlen(st->cur.user);
		b[nb].id = APP_BUF_LOGIN_PASSWORD;
		b[nb].data = p + arg;
		b[nb++].len = n - arg;
	} else if (cmd == 4 && strncasecmp((const char *)p, "USER", 4) == 0) {
		b[nb].id = APP_BUF_LOGIN_USER;
		b[nb].data = p + arg;
		b[nb++].len = n - arg;
	}
	app_inspect(ctx, APP_FTP, APP_DIR_TOSERVER, b, nb, &st->cur);
}

static void
ftp_command(struct ftp_state *st, struct app_ctx *ctx, const uint8_t *p,
    size_t n)
{
	size_t cmd;

	for (cmd = 0; cmd < n && p[cmd] != ' '; cmd++)
		;
	if (app_inspect_wanted(ctx, APP_FTP))
		ftp_inspect(st, ctx, p, n, cmd, cmd == 4 &&
		    strncasecmp((const char *)p, "PASS", 4) == 0 &&
		    st->pending);
	if (cmd == 4 && strncasecmp((const char *)p, "USER", 4) == 0) {
		ftp_emit(st, ctx, LOGIN_UNKNOWN);
		memset(&st->cur, 0, sizeof(st->cur));
		st->cur.protocol = APP_FTP;
		if (cmd < n)
			login_copy(st->cur.user, sizeof(st->cur.user),
			    p + cmd + 1, n - cmd - 1, &st->cur.user_truncated);
		st->pending = true;
	} else if (cmd == 4 && strncasecmp((const char *)p, "PASS", 4) == 0) {
		/* Only the fact: the argument is never looked at. */
		if (!st->pending) {
			memset(&st->cur, 0, sizeof(st->cur));
			st->cur.protocol = APP_FTP;
			st->pending = true;
		}
		st->cur.password_sent = true;
	}
}

static void
ftp_reply(struct ftp_state *st, struct app_ctx *ctx, const uint8_t *p,
    size_t n)
{
	uint16_t code;

	if (n < 3 || p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return;		/* text inside a multi-line reply */
	code = (uint16_t)((p[0] - '0') * 100 + (p[1] - '0') * 10 +
	    (p[2] - '0'));
	if (n > 3 && p[3] == '-') {
		if (st->multiline == 0)
			st->multiline = code;
		return;
	}
	if (st->multiline != 0 && code != st->multiline)
		return;
	st->multiline = 0;
	if (!st->pending)
		return;
	if (st->cur.n_codes < LOGIN_MAX_CODES)
		st->cur.codes[st->cur.n_codes++] = code;
	if (code == 230)
		ftp_emit(st, ctx, LOGIN_SUCCESS);
	else if (code == 530 || (st->cur.password_sent && code >= 400))
		ftp_emit(st, ctx, LOGIN_FAILURE);
}

static struct app_result
ftp_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct ftp_state *st = state;
	struct breader br;
	ptrdiff_t nl;
	size_t n;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	br_init(&br, buf, len);
	nl = br_find(&br, '\n');
	if (nl < 0) {
		if (len < FTP_MAX_LINE && !st->skipping[dir])
			return app_incomplete(0, 0);
		if (!st->skipping[dir])
			app_anomaly(ctx, EV_FTP_LINE_TOO_LONG);
		st->skipping[dir] = true;
		return app_ok(len);
	}
	n = (size_t)nl;
	if (st->skipping[dir]) {
		st->skipping[dir] = false;
		return app_ok(n + 1);
	}
	if (n >= FTP_MAX_LINE) {
		app_anomaly(ctx, EV_FTP_LINE_TOO_LONG);
		return app_ok(n + 1);
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (dir == APP_DIR_TOSERVER)
		ftp_command(st, ctx, buf, n);
	else
		ftp_reply(st, ctx, buf, n);
	return app_ok((size_t)nl + 1);
}

static void
ftp_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct ftp_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* The server's verdict can no longer be seen. */
	if (dir == APP_DIR_TOCLIENT)
		ftp_emit(st, ctx, LOGIN_UNKNOWN);
	st->skipping[dir] = true;	/* mid-line: wait for the next */
	st->multiline = 0;
}

/*
 * Server: "220" then a space or '-', and not a mail server's greeting
 * (SMTP also says 220).  Client: "USER ".
 */
static enum app_probe
ftp_probe(const uint8_t *buf, size_t len, int dir)
{
	static const char *const mail[] = { "SMTP", "smtp", "Postfix",
	    "Exim", "Sendmail", NULL };
	const uint8_t *nl;
	size_t i, n;

	if (buf == NULL || len == 0)
		return APP_PROBE_MAYBE;
	if (dir == APP_DIR_TOSERVER) {
		n = len < 5 ? len : 5;
		if (strncasecmp((const char *)buf, "USER ", n) != 0)
			return APP_PROBE_NO;
		return len < 5 ? APP_PROBE_MAYBE : APP_PROBE_YES;
	}
	n = len < 3 ? len : 3;
	if (memcmp(buf, "220", n) != 0)
		return APP_PROBE_NO;
	if (len < 4)
		return APP_PROBE_MAYBE;
	if (buf[3] != ' ' && buf[3] != '-')
		return APP_PROBE_NO;
	if ((nl = memchr(buf, '\n', len)) == NULL)
		return len < FTP_MAX_LINE ? APP_PROBE_MAYBE : APP_PROBE_NO;
	n = (size_t)(nl - buf);
	for (i = 0; mail[i] != NULL; i++)
		if (memmem(buf, n, mail[i], strlen(mail[i])) != NULL)
			return APP_PROBE_NO;
	return APP_PROBE_YES;
}

static void *
ftp_state_new(void)
{
	return xcalloc(1, sizeof(struct ftp_state));
}

static void
login_state_free(void *state)
{
	free(state);
}

static void
login_eve_outcome(struct jsonw *jw, uint8_t outcome)
{
	jsonw_key(jw, "success");
	if (outcome == LOGIN_UNKNOWN)
		jsonw_null(jw);
	else
		jsonw_bool(jw, outcome == LOGIN_SUCCESS);
}

/* Suricata's ftp object for the USER command of the attempt. */
static void
ftp_eve(struct jsonw *jw, const void *fact)
{
	const struct login_facts *f = fact;
	char code[8];
	unsigned i;

	jsonw_kv_str(jw, "command", "USER");
	jsonw_kv_str(jw, "command_data", f->user);
	/* Suricata's flag for a command it cut: the user name was. */
	if (f->user_truncated)
		jsonw_kv_bool(jw, "command_truncated", true);
	if (f->n_codes > 0) {
		jsonw_key(jw, "completion_code");
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_codes; i++) {
			(void)snprintf(code, sizeof(code), "%u", f->codes[i]);
			jsonw_str(jw, code);
		}
		jsonw_arr_close(jw);
	}
	jsonw_kv_str(jw, "reply_received", f->n_codes > 0 ? "yes" : "no");
}

/*
 * What a login attempt tells beyond who tried: whether a password was
 * sent (never its value) and the outcome (null: not known).
 */
static void
login_eve_outcome_members(struct jsonw *jw, const struct login_facts *f)
{
	jsonw_kv_bool(jw, "password_sent", f->password_sent);
	login_eve_outcome(jw, f->outcome);
}

/*
 * FTP: Suricata's ftp object names the user (command_data) and the
 * replies; "wardwatch.ftp" adds only what it has no field for.
 */
static void
ftp_eve_extra(struct jsonw *jw, const void *fact)
{
	jsonw_key(jw, "ftp");
	jsonw_obj_open(jw);
	login_eve_outcome_members(jw, fact);
	jsonw_obj_close(jw);
}

/*
 * A login attempt is the client's act: the protocol and the outcome,
 * never the user name (device evidence does not need it) or password.
 */
static void
login_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct login_facts *f = fact;
	char buf[32];

	(void)dir;
	snprintf(buf, sizeof(buf), "%s\t%s",
	    f->protocol == APP_TELNET ? "telnet" : "ftp",
	    f->outcome == LOGIN_SUCCESS ? "ok" :
	    f->outcome == LOGIN_FAILURE ? "fail" : "unknown");
	app_activity(sink, APP_END_CLIENT, ACT_LOGIN, buf);
}

const struct app_parser ftp_parser = {
	.proto = APP_FTP,
	.ipproto = IPPROTO_TCP,
	.ports = ftp_ports,
	.anom_first = EV_FTP_LINE_TOO_LONG,
	.anom_last = EV_FTP_LINE_TOO_LONG,
	.probe = ftp_probe,
	.state_new = ftp_state_new,
	.state_size = sizeof(struct ftp_state),
	.state_free = login_state_free,
	.parse = ftp_parse,
	.gap = ftp_gap,
	.eve = ftp_eve,
	.eve_extra = ftp_eve_extra,
	.facts = login_facts,
};

/* ------------------------------------------------------------------ */
/* telnet */

enum telnet_cmd {
	TN_DATA,	/* plain bytes */
	TN_IAC,		/* after IAC */
	TN_OPT,		/* after IAC WILL/WONT/DO/DONT: the option byte */
	TN_SB,		/* inside a subnegotiation */
	TN_SB_IAC,	/* IAC inside a subnegotiation */
};

enum telnet_phase {
	TN_IDLE,	/* no prompt seen, or the attempt awaits its outcome */
	TN_USER,	/* "login:" seen: the client types the user name */
	TN_PASS,	/* "Password:" seen: the client's line is dropped */
};

struct telnet_dir {
	uint8_t		 cmd;		/* enum telnet_cmd */
	size_t		 sb_len;
};

struct telnet_state {
	struct telnet_dir dir[2];
	uint8_t		 phase;		/* enum telnet_phase */
	char		 window[TELNET_WINDOW];	/* server text, lower case */
	uint8_t		 ulen;
	uint8_t		 user[LOGIN_USER_LEN];
	bool		 user_cut;
	/* The typed password, only while a rule looks at telnet: handed
	 * to login.password at the end of the line, then wiped. */
	uint8_t		 plen;
	uint8_t		 pass[LOGIN_USER_LEN];
	bool		 pending;
	struct login_facts cur;
	uint64_t	 attempts;
};

static void
telnet_emit(struct telnet_state *st, struct app_ctx *ctx, uint8_t outcome)
{
	if (!st->pending)
		return;
	st->cur.outcome = outcome;
	st->attempts++;
	app_emit(ctx, APP_TELNET, APP_DIR_TOSERVER, &st->cur);
	st->pending = false;
}

static void
telnet_begin(struct telnet_state *st)
{
	memset(&st->cur, 0, sizeof(st->cur));
	st->cur.protocol = APP_TELNET;
	st->pending = true;
}

static bool
telnet_ends(const struct telnet_state *st, const char *word)
{
	size_t n = strlen(word);

	return memcmp(st->window + TELNET_WINDOW - n, word, n) == 0;
}

/* One byte of server text. */
static void
telnet_server(struct telnet_state *st, struct app_ctx *ctx, uint8_t c)
{
	if (c == '\0')
		return;
	if (c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	memmove(st->window, st->window + 1, TELNET_WINDOW - 1);
	st->window[TELNET_WINDOW - 1] = (char)c;
	/*
	 * "Last login: <date> from <host>" is login(1)'s greeting after a
	 * success, not a prompt: taken for one, the first command typed in
	 * the session became a user name.
	 */
	if (c == ':' && (telnet_ends(st, "login:") ||
	    telnet_ends(st, "username:")) && !telnet_ends(st, "last login:")) {
		/* A new prompt after a password: the last one failed. */
		telnet_emit(st, ctx, st->cur.password_sent ? LOGIN_FAILURE :
		    LOGIN_UNKNOWN);
		st->phase = TN_USER;
		st->ulen = 0;
		st->user_cut = false;
	} else if (c == ':' && telnet_ends(st, "password:")) {
		if (!st->pending)
			telnet_begin(st);
		st->phase = TN_PASS;
	} else if (st->pending && st->cur.password_sent) {
		if (telnet_ends(st, "incorrect") || telnet_ends(st, "failed") ||
		    telnet_ends(st, "denied") || telnet_ends(st, "invalid"))
			telnet_emit(st, ctx, LOGIN_FAILURE);
		else if (telnet_ends(st, "last login") ||
		    telnet_ends(st, "welcome"))
			telnet_emit(st, ctx, LOGIN_SUCCESS);
	}
}

/* A login typed in full: login.user and login.password for the rules. */
static void
telnet_inspect(struct telnet_state *st, struct app_ctx *ctx)
{
	struct app_buf b[2];

	b[0].id = APP_BUF_LOGIN_USER;
	b[0].data = st->user;
	b[0].len = st->ulen;
	b[1].id = APP_BUF_LOGIN_PASSWORD;
	b[1].data = st->pass;
	b[1].len = st->plen;
	app_inspect(ctx, APP_TELNET, APP_DIR_TOSERVER, b, 2, &st->cur);
	explicit_bzero(st->pass, sizeof(st->pass));
	st->plen = 0;
}

/* One byte the client typed. */
static void
telnet_client(struct telnet_state *st, struct app_ctx *ctx, uint8_t c)
{
	switch (st->phase) {
	case TN_USER:
		if (c == '\r' || c == '\n') {
			if (st->ulen == 0)
				return;
			telnet_begin(st);
			login_copy(st->cur.user, sizeof(st->cur.user), st->user,
			    st->ulen, &st->cur.user_truncated);
			st->cur.user_truncated |= st->user_cut;
			st->phase = TN_IDLE;
		} else if (c == 0x08 || c == 0x7f) {
			if (st->ulen > 0)
				st->ulen--;
		} else if (c >= 0x20) {
			if (st->ulen < LOGIN_USER_LEN - 1)
				st->user[st->ulen++] = c;
			else
				st->user_cut = true;
		}
		break;
	case TN_PASS:
		/* The password is never kept beyond the rules' look. */
		if (c == '\r' || c == '\n') {
			st->cur.password_sent = true;
			st->phase = TN_IDLE;
			if (app_inspect_wanted(ctx, APP_TELNET))
				telnet_inspect(st, ctx);
		} else if (!app_inspect_wanted(ctx, APP_TELNET))
			break;
		else if (c == 0x08 || c == 0x7f) {
			if (st->plen > 0)
				st->plen--;
		} else if (c >= 0x20 && st->plen < sizeof(st->pass))
			st->pass[st->plen++] = c;
		break;
	default:
		break;
	}
}

static struct app_result
telnet_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct telnet_state *st = state;
	struct telnet_dir *d;
	struct breader br;
	uint8_t c;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	br_init(&br, buf, len);
	while (br_left(&br) > 0) {
		c = br_u8(&br);
		switch (d->cmd) {
		case TN_DATA:
			if (c == TELNET_IAC) {
				d->cmd = TN_IAC;
				continue;
			}
			break;
		case TN_IAC:
			if (c == TELNET_IAC) {
				d->cmd = TN_DATA;
				break;		/* a literal 255 */
			}
			if (c >= TELNET_WILL && c <= TELNET_DONT)
				d->cmd = TN_OPT;
			else if (c == TELNET_SB) {
				d->cmd = TN_SB;
				d->sb_len = 0;
			} else
				d->cmd = TN_DATA;
			continue;
		case TN_OPT:
			d->cmd = TN_DATA;
			continue;
		case TN_SB:
			if (c == TELNET_IAC)
				d->cmd = TN_SB_IAC;
			else if (++d->sb_len == TELNET_MAX_SUBNEG + 1)
				app_anomaly(ctx, EV_TELNET_SUBNEG_TOO_LONG);
			continue;
		case TN_SB_IAC:
			d->cmd = c == TELNET_SE ? TN_DATA : TN_SB;
			continue;
		default:
			d->cmd = TN_DATA;
			continue;
		}
		if (dir == APP_DIR_TOCLIENT)
			telnet_server(st, ctx, c);
		else
			telnet_client(st, ctx, c);
	}
	return app_ok(len);
}

static void
telnet_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct telnet_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	st->dir[dir].cmd = TN_DATA;
	if (dir == APP_DIR_TOCLIENT) {
		/* The server's verdict can no longer be seen. */
		telnet_emit(st, ctx, LOGIN_UNKNOWN);
		memset(st->window, 0, sizeof(st->window));
	}
	/* A line cut by the gap is not a user name. */
	st->phase = TN_IDLE;
}

/* Option negotiation first: IAC WILL/WONT/DO/DONT or IAC SB. */
static enum app_probe
telnet_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (buf == NULL || len == 0)
		return APP_PROBE_MAYBE;
	if (buf[0] != TELNET_IAC)
		return APP_PROBE_NO;
	if (len < 2)
		return APP_PROBE_MAYBE;
	return (buf[1] >= TELNET_SB && buf[1] <= TELNET_DONT) ?
	    APP_PROBE_YES : APP_PROBE_NO;
}

static void
telnet_state_free(void *state)
{
	struct telnet_state *st = state;

	explicit_bzero(st->pass, sizeof(st->pass));
	free(st);
}

static void *
telnet_state_new(void)
{
	return xcalloc(1, sizeof(struct telnet_state));
}

/* Telnet's own object (Suricata has none): the user, then the outcome. */
static void
telnet_eve(struct jsonw *jw, const void *fact)
{
	const struct login_facts *f = fact;

	jsonw_kv_str(jw, "user", f->user);
	if (f->user_truncated)
		jsonw_kv_bool(jw, "user_truncated", true);
	login_eve_outcome_members(jw, f);
}

const struct app_parser telnet_parser = {
	.proto = APP_TELNET,
	.ipproto = IPPROTO_TCP,
	.ports = telnet_ports,
	.anom_first = EV_TELNET_SUBNEG_TOO_LONG,
	.anom_last = EV_TELNET_SUBNEG_TOO_LONG,
	.probe = telnet_probe,
	.state_new = telnet_state_new,
	.state_size = sizeof(struct telnet_state),
	.state_free = telnet_state_free,
	.parse = telnet_parse,
	.gap = telnet_gap,
	.eve = telnet_eve,
	.facts = login_facts,
};
