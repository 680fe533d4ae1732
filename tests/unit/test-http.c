/*
 * test-http.c - the HTTP/1.x parser (src/app/http.c).
 *
 * A device's GET and its 200 response, a pipelined pair, a chunked
 * upload, fed through http_parser and the framework-like driver
 * mock_feed(): the transaction facts, every truncation, every two-way
 * split, bodies skipped by length and by chunks, lying chunk sizes,
 * the header block cap, privacy of credentials, the probe and the EVE
 * objects.
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
#include <malloc.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/http.h"
#include "util/util.h"

#define MAX_TX	16

struct capture {
	unsigned	 n;
	struct http_facts tx[MAX_TX];
};

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *f)
{
	struct capture *c = ctx->user;

	(void)dir;
	assert_int_equal(proto, APP_HTTP);
	if (c->n < MAX_TX)
		c->tx[c->n++] = *(const struct http_facts *)f;
}

/*
 * GET /api/v1/status HTTP/1.1
 * Host: Pump-17.ward3.example:8080
 * User-Agent: InfusionAgent/2.1
 * Authorization: Basic c2VjcmV0OnBhc3N3b3Jk
 * Cookie: session=TOPSECRETCOOKIE
 */
static const char req_get[] =
    "GET /api/v1/status HTTP/1.1\r\n"
    "Host: Pump-17.ward3.example:8080\r\n"
    "User-Agent: InfusionAgent/2.1\r\n"
    "Authorization: Basic c2VjcmV0OnBhc3N3b3Jk\r\n"
    "Cookie: session=TOPSECRETCOOKIE\r\n"
    "\r\n";

/*
 * HTTP/1.1 200 OK, Server: lighttpd/1.4.59, a 13-byte JSON body
 * and a Set-Cookie that must not be kept.
 */
static const char resp_200[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: lighttpd/1.4.59\r\n"
    "Content-Type: application/json\r\n"
    "Set-Cookie: sid=SETCOOKIESECRET\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "{\"rate\":12.5}";

/* Two requests in one segment: a POST with a 5-byte body, then HEAD. */
static const char req_pipe[] =
    "POST /log HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
    "HEAD /x HTTP/1.0\r\nhost: B\r\n\r\n";

/* Their responses: 201 with a chunked body (5 + 3 bytes), 200 to HEAD. */
static const char resp_pipe[] =
    "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nabcde\r\n3;x=y\r\nfgh\r\n0\r\nTrailer: 1\r\n\r\n"
    "HTTP/1.0 200 OK\r\nContent-Length: 999\r\n\r\n";

/* A chunked upload, then a second request. */
static const char req_chunked[] =
    "PUT /fw HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4\r\nabcd\r\n0\r\n\r\n"
    "GET /done HTTP/1.1\r\n\r\n";

static void *
feed2(struct app_ctx *ctx, struct capture *c, const char *req,
    size_t reqlen, const size_t *rs, size_t nrs, const char *resp,
    size_t resplen, const size_t *ps, size_t nps)
{
	void *st = http_parser.state_new();

	memset(ctx, 0, sizeof(*ctx));
	memset(c, 0, sizeof(*c));
	ctx->on_fact = on_fact;
	ctx->user = c;
	if (req != NULL)
		(void)mock_feed(&http_parser, st, ctx, APP_DIR_TOSERVER,
		    (const uint8_t *)req, reqlen, rs, nrs, NULL);
	if (resp != NULL)
		(void)mock_feed(&http_parser, st, ctx, APP_DIR_TOCLIENT,
		    (const uint8_t *)resp, resplen, ps, nps, NULL);
	return st;
}

static void
test_http_transaction(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, req_get, sizeof(req_get) - 1, NULL, 0,
	    resp_200, sizeof(resp_200) - 1, NULL, 0);
	assert_int_equal(c.n, 1);
	assert_true(c.tx[0].has_request);
	assert_true(c.tx[0].has_response);
	assert_string_equal(c.tx[0].method, "GET");
	assert_string_equal(c.tx[0].uri, "/api/v1/status");
	assert_string_equal(c.tx[0].protocol, "HTTP/1.1");
	assert_string_equal(c.tx[0].host, "Pump-17.ward3.example:8080");
	assert_string_equal(c.tx[0].user_agent, "InfusionAgent/2.1");
	assert_true(c.tx[0].authorization);
	assert_true(c.tx[0].basic_auth);
	assert_true(c.tx[0].cookie);
	assert_int_equal(c.tx[0].status, 200);
	assert_string_equal(c.tx[0].server, "lighttpd/1.4.59");
	assert_string_equal(c.tx[0].content_type, "application/json");
	assert_true(c.tx[0].resp_has_length);
	assert_int_equal(c.tx[0].resp_length, 13);
	assert_int_equal(ctx.n_anom, 0);
	http_parser.state_free(st);
}

/* Only the Basic scheme (any case) is Basic; the credentials are never
 * kept, whatever the scheme. */
static void
test_http_auth_scheme(void **unused)
{
	static const struct {
		const char	*field;
		bool		 basic;
	} cases[] = {
		{ "Authorization: basic dXNlcjpwdw==", true },
		{ "Proxy-Authorization: BASIC\tdXNlcjpwdw==", true },
		{ "Authorization: Bearer dXNlcjpwdw==", false },
		{ "Authorization: Basically dXNlcjpwdw==", false },
		{ "Authorization: Basic", false },
		{ "X-Authorization: Basic dXNlcjpwdw==", false },
	};
	struct app_ctx ctx;
	struct capture c;
	char req[256];
	size_t i;
	int n;
	void *st;

	(void)unused;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: a\r\n"
		    "%s\r\n\r\n", cases[i].field);
		st = feed2(&ctx, &c, req, (size_t)n, NULL, 0, resp_200,
		    sizeof(resp_200) - 1, NULL, 0);
		assert_int_equal(c.n, 1);
		if (c.tx[0].basic_auth != cases[i].basic)
			fail_msg("%s: basic_auth %d", cases[i].field,
			    c.tx[0].basic_auth);
		assert_null(memmem(&c.tx[0], sizeof(c.tx[0]), "dXNlcjpwdw",
		    10));
		http_parser.state_free(st);
	}
}

static void
test_http_pipelined(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, req_pipe, sizeof(req_pipe) - 1, NULL, 0,
	    resp_pipe, sizeof(resp_pipe) - 1, NULL, 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.tx[0].method, "POST");
	assert_string_equal(c.tx[0].host, "a");
	assert_int_equal(c.tx[0].req_length, 5);
	assert_int_equal(c.tx[0].status, 201);
	assert_true(c.tx[0].resp_chunked);
	assert_string_equal(c.tx[1].method, "HEAD");
	assert_string_equal(c.tx[1].protocol, "HTTP/1.0");
	assert_int_equal(c.tx[1].status, 200);
	/* No body after HEAD, whatever Content-Length says. */
	assert_int_equal(c.tx[1].resp_length, 999);
	assert_int_equal(ctx.n_anom, 0);
	http_parser.state_free(st);
}

/*
 * The waiting requests' ring grows as pipelining needs, in order
 * across its wrap: three requests, two answered; ten more (the oldest
 * three of the eleven waiting are reported alone past eight); eight
 * answers.  A new flow holds no room for any.
 */
static void
test_http_pipelined_ring(void **unused)
{
	static const char resp[] = "HTTP/1.1 204 No Content\r\n\r\n";
	struct app_ctx ctx;
	struct capture c;
	char req[64];
	void *st;
	int i, len;

	(void)unused;
	st = feed2(&ctx, &c, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	assert_int_equal(http_parser.memuse(st), 0);
	for (i = 1; i <= 13; i++) {
		len = snprintf(req, sizeof(req), "GET /%d HTTP/1.1\r\n\r\n",
		    i);
		(void)mock_feed(&http_parser, st, &ctx, APP_DIR_TOSERVER,
		    (const uint8_t *)req, (size_t)len, NULL, 0, NULL);
		if (i == 3)
			for (len = 0; len < 2; len++)
				(void)mock_feed(&http_parser, st, &ctx,
				    APP_DIR_TOCLIENT, (const uint8_t *)resp,
				    sizeof(resp) - 1, NULL, 0, NULL);
	}
	for (i = 0; i < 8; i++)
		(void)mock_feed(&http_parser, st, &ctx, APP_DIR_TOCLIENT,
		    (const uint8_t *)resp, sizeof(resp) - 1, NULL, 0, NULL);
	assert_int_equal(c.n, 13);
	for (i = 0; i < 13; i++) {
		(void)snprintf(req, sizeof(req), "/%d", i + 1);
		assert_string_equal(c.tx[i].uri, req);
		/* /3, /4 and /5 were pushed out unanswered */
		if (i >= 2 && i <= 4)
			assert_false(c.tx[i].has_response);
		else
			assert_int_equal(c.tx[i].status, 204);
	}
	assert_true(http_parser.memuse(st) >= 8 * sizeof(struct http_facts));
	assert_int_equal(ctx.n_anom, 0);
	http_parser.state_free(st);
}

static void
test_http_chunked_request(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, req_chunked, sizeof(req_chunked) - 1, NULL, 0,
	    NULL, 0, NULL, 0);
	/* Two requests wait for responses: nothing reported yet. */
	assert_int_equal(c.n, 0);
	http_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.tx[0].method, "PUT");
	assert_true(c.tx[0].req_chunked);
	assert_false(c.tx[0].has_response);
	assert_string_equal(c.tx[1].uri, "/done");
	assert_int_equal(ctx.n_anom, 0);
	http_parser.state_free(st);
}

/* Every prefix of a message gives no fact and no anomaly. */
static void
test_http_truncations(void **unused)
{
	static const char *const msgs[] = { req_get, req_pipe, req_chunked };
	struct app_ctx ctx;
	struct capture c;
	struct app_result r;
	size_t i, len, m, off;
	uint8_t *buf;
	void *st;

	(void)unused;
	for (m = 0; m < 3; m++)
		for (len = 0; len < strlen(msgs[m]); len++) {
			st = http_parser.state_new();
			memset(&ctx, 0, sizeof(ctx));
			memset(&c, 0, sizeof(c));
			ctx.on_fact = on_fact;
			ctx.user = &c;
			/* An exact-size copy: ASan sees any over-read. */
			buf = malloc(len > 0 ? len : 1);
			memcpy(buf, msgs[m], len);
			off = 0;
			for (i = 0; i < 64 && off < len; i++) {
				r = http_parser.parse(st, &ctx,
				    APP_DIR_TOSERVER, buf + off, len - off);
				assert_true(r.consumed <= len - off);
				assert_int_not_equal(r.status, PARSE_ERROR);
				off += r.consumed;
				if (r.status == PARSE_INCOMPLETE ||
				    r.consumed == 0)
					break;
			}
			assert_int_equal(c.n, 0);
			assert_int_equal(ctx.n_anom, 0);
			free(buf);
			http_parser.state_free(st);
		}
	/* A response cut anywhere before its header end: no fact. */
	for (len = 0; len < strstr(resp_200, "\r\n\r\n") - resp_200 + 3;
	    len++) {
		st = http_parser.state_new();
		memset(&ctx, 0, sizeof(ctx));
		memset(&c, 0, sizeof(c));
		ctx.on_fact = on_fact;
		ctx.user = &c;
		buf = malloc(len > 0 ? len : 1);
		memcpy(buf, resp_200, len);
		r = http_parser.parse(st, &ctx, APP_DIR_TOCLIENT, buf, len);
		assert_int_not_equal(r.status, PARSE_ERROR);
		assert_int_equal(c.n, 0);
		free(buf);
		http_parser.state_free(st);
	}
}

static int
facts_equal(const struct capture *a, const struct capture *b)
{
	unsigned i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (memcmp(&a->tx[i], &b->tx[i], sizeof(a->tx[i])) != 0)
			return 0;
	return 1;
}

/* Every two-way split of each direction gives the same facts. */
static void
test_http_every_split(void **unused)
{
	struct app_ctx ctx;
	struct capture ref, c;
	size_t i, rl = sizeof(req_pipe) - 1, pl = sizeof(resp_pipe) - 1;
	void *st;

	(void)unused;
	st = feed2(&ctx, &ref, req_pipe, rl, NULL, 0, resp_pipe, pl, NULL, 0);
	http_parser.state_free(st);
	assert_int_equal(ref.n, 2);
	for (i = 1; i < rl; i++) {
		st = feed2(&ctx, &c, req_pipe, rl, &i, 1, resp_pipe, pl,
		    NULL, 0);
		assert_true(facts_equal(&ref, &c));
		assert_int_equal(ctx.n_anom, 0);
		http_parser.state_free(st);
	}
	for (i = 1; i < pl; i++) {
		st = feed2(&ctx, &c, req_pipe, rl, NULL, 0, resp_pipe, pl,
		    &i, 1);
		assert_true(facts_equal(&ref, &c));
		assert_int_equal(ctx.n_anom, 0);
		http_parser.state_free(st);
	}
	st = feed2(&ctx, &ref, req_get, sizeof(req_get) - 1, NULL, 0,
	    resp_200, sizeof(resp_200) - 1, NULL, 0);
	http_parser.state_free(st);
	for (i = 1; i < sizeof(resp_200) - 1; i++) {
		st = feed2(&ctx, &c, req_get, sizeof(req_get) - 1, &i, 1,
		    resp_200, sizeof(resp_200) - 1, &i, 1);
		assert_true(facts_equal(&ref, &c));
		http_parser.state_free(st);
	}
}

/* A chunk size that claims more (or fewer) bytes than sent. */
static void
test_http_lying_chunks(void **unused)
{
	/* "5" but 7 data bytes: no CRLF where one must be. */
	static const char shortsz[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nabcdefg\r\n0\r\n\r\n";
	/* Not hex, and too many digits. */
	static const char nothex[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
	static const char huge[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "fffffffffffffffff\r\n";
	/* A big size swallows what follows, quietly: it is body. */
	static const char bigsz[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "ffff\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
	static const char *const v[] = { shortsz, nothex, huge };
	struct app_ctx ctx;
	struct capture c;
	size_t i;
	void *st;

	(void)unused;
	for (i = 0; i < 3; i++) {
		st = feed2(&ctx, &c, NULL, 0, NULL, 0, v[i], strlen(v[i]),
		    NULL, 0);
		assert_int_equal(c.n, 1);
		assert_true(mock_has_anomaly(&ctx, EV_HTTP_BAD_CHUNK));
		http_parser.state_free(st);
	}
	st = feed2(&ctx, &c, NULL, 0, NULL, 0, bigsz, strlen(bigsz), NULL, 0);
	assert_int_equal(c.n, 1);
	assert_false(mock_has_anomaly(&ctx, EV_HTTP_BAD_CHUNK));
	http_parser.state_free(st);
}

/* A header block over 16 KiB: an anomaly, and the direction stops. */
static void
test_http_header_cap(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	size_t len = HTTP_MAX_HEADER + 100, left;
	enum parse_result r;
	char *big;
	void *st;

	(void)unused;
	big = malloc(len);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', len - 19);
	st = http_parser.state_new();
	memset(&ctx, 0, sizeof(ctx));
	memset(&c, 0, sizeof(c));
	ctx.on_fact = on_fact;
	ctx.user = &c;
	r = mock_feed(&http_parser, st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)big, len, NULL, 0, &left);
	assert_int_equal(r, PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, EV_HTTP_HEADER_TOO_LONG));
	assert_int_equal(c.n, 0);
	http_parser.state_free(st);
	free(big);
}

static void
test_http_bad_lines(void **unused)
{
	static const char badreq[] = "GE\x01T / HTTP/1.1\r\n\r\n";
	static const char badresp[] = "HTTP/1.1 2x0 OK\r\n\r\n";
	static const char badlen[] =
	    "POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n";
	struct app_ctx ctx;
	struct capture c;
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, badreq, strlen(badreq), NULL, 0, badresp,
	    strlen(badresp), NULL, 0);
	assert_true(mock_has_anomaly(&ctx, EV_HTTP_BAD_REQUEST_LINE));
	assert_true(mock_has_anomaly(&ctx, EV_HTTP_BAD_STATUS_LINE));
	assert_int_equal(c.n, 0);
	http_parser.state_free(st);
	st = feed2(&ctx, &c, badlen, strlen(badlen), NULL, 0, NULL, 0,
	    NULL, 0);
	assert_true(mock_has_anomaly(&ctx, EV_HTTP_BAD_CONTENT_LENGTH));
	/* The client is done: the request still waits for its response. */
	http_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(c.n, 0);
	http_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 1);
	http_parser.state_free(st);
	/* A response alone (capture started mid-connection). */
	st = feed2(&ctx, &c, NULL, 0, NULL, 0, resp_200,
	    sizeof(resp_200) - 1, NULL, 0);
	assert_int_equal(c.n, 1);
	assert_false(c.tx[0].has_request);
	assert_true(mock_has_anomaly(&ctx, EV_HTTP_RESPONSE_WITHOUT_REQUEST));
	http_parser.state_free(st);
}

static void
eve_text(const struct http_facts *f, char *out, size_t size)
{
	struct jsonw jw;
	const char *t;
	size_t len;

	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "http");
	jsonw_obj_open(&jw);
	http_parser.eve(&jw, f);
	jsonw_obj_close(&jw);
	jsonw_key(&jw, "wardwatch");
	jsonw_obj_open(&jw);
	http_parser.eve_extra(&jw, f);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	assert_true(len < size);
	memcpy(out, t, len);
	out[len] = '\0';
	jsonw_free(&jw);
}

/* A proxied request with user:password in its target. */
static const char proxied[] =
    "GET http://admin:PROXYSECRET@pump.example/a@b?x=1 HTTP/1.1\r\n\r\n";

/* No credential reaches a fact or the EVE text. */
static void
test_http_privacy(void **unused)
{
	static const char *const secrets[] = { "c2VjcmV0OnBhc3N3b3Jk",
	    "TOPSECRETCOOKIE", "SETCOOKIESECRET", "Basic", "session=" };
	struct app_ctx ctx;
	struct capture c;
	char text[4096];
	size_t i;
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, req_get, sizeof(req_get) - 1, NULL, 0,
	    resp_200, sizeof(resp_200) - 1, NULL, 0);
	assert_int_equal(c.n, 1);
	eve_text(&c.tx[0], text, sizeof(text));
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		assert_null(strstr(text, secrets[i]));
		assert_null(memmem(&c.tx[0], sizeof(c.tx[0]), secrets[i],
		    strlen(secrets[i])));
	}
	assert_non_null(strstr(text, "\"authorization\":true"));
	http_parser.state_free(st);

	/* A password in an absolute-form target is dropped. */
	st = feed2(&ctx, &c, proxied, sizeof(proxied) - 1, NULL, 0, NULL, 0,
	    NULL, 0);
	http_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.tx[0].uri, "http://pump.example/a@b?x=1");
	assert_null(memmem(&c.tx[0], sizeof(c.tx[0]), "PROXYSECRET", 11));
	http_parser.state_free(st);
}

static void
test_http_eve(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[4096];
	void *st;

	(void)unused;
	st = feed2(&ctx, &c, req_get, sizeof(req_get) - 1, NULL, 0,
	    resp_200, sizeof(resp_200) - 1, NULL, 0);
	eve_text(&c.tx[0], text, sizeof(text));
	assert_string_equal(text,
	    "{\"http\":{\"hostname\":\"pump-17.ward3.example\","
	    "\"http_port\":8080,\"url\":\"/api/v1/status\","
	    "\"http_user_agent\":\"InfusionAgent/2.1\","
	    "\"http_content_type\":\"application/json\","
	    "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\","
	    "\"status\":200,\"length\":13},"
	    "\"wardwatch\":{\"http\":{\"server\":\"lighttpd/1.4.59\","
	    "\"request\":true,\"response\":true,\"authorization\":true,"
	    "\"cookie\":true,\"set_cookie\":true}}}");
	http_parser.state_free(st);
}

static void
test_http_probe(void **unused)
{
	(void)unused;
	assert_int_equal(http_parser.probe((const uint8_t *)"GET / ", 6,
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(http_parser.probe((const uint8_t *)"OPTIONS *", 9,
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(http_parser.probe((const uint8_t *)"GE", 2,
	    APP_DIR_TOSERVER), APP_PROBE_MAYBE);
	assert_int_equal(http_parser.probe((const uint8_t *)"GETX", 4,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(http_parser.probe((const uint8_t *)"\x0bMSH|", 5,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(http_parser.probe((const uint8_t *)"HTTP/1.1 200",
	    12, APP_DIR_TOCLIENT), APP_PROBE_YES);
	assert_int_equal(http_parser.probe((const uint8_t *)"HTT", 3,
	    APP_DIR_TOCLIENT), APP_PROBE_MAYBE);
	assert_int_equal(http_parser.probe((const uint8_t *)"SSH-2.0", 7,
	    APP_DIR_TOCLIENT), APP_PROBE_NO);
}

/*
 * The probe as it was written first: each method formatted with its
 * space, then compared.  The probe compares the same strings without
 * formatting them.
 */
static enum app_probe
probe_reference(const uint8_t *buf, size_t len, int dir)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "HEAD",
	    "OPTIONS", "DELETE", "PATCH", "CONNECT", "TRACE" };
	enum app_probe best = APP_PROBE_NO;
	const char *want;
	char w[16];
	size_t i, n, k;

	if (buf == NULL || len == 0)
		return APP_PROBE_MAYBE;
	for (i = 0; i < (dir == APP_DIR_TOCLIENT ? 1 :
	    sizeof(methods) / sizeof(methods[0])); i++) {
		if (dir == APP_DIR_TOCLIENT)
			want = "HTTP/1.";
		else {
			(void)snprintf(w, sizeof(w), "%s ", methods[i]);
			want = w;
		}
		n = strlen(want);
		k = len < n ? len : n;
		if (memcmp(buf, want, k) != 0)
			continue;
		if (len >= n)
			return APP_PROBE_YES;
		best = APP_PROBE_MAYBE;
	}
	return best;
}

/* Every prefix of every method line, and each with one byte changed. */
static void
test_http_probe_vs_reference(void **unused)
{
	static const char *const lines[] = { "GET / HTTP/1.1",
	    "POST /x HTTP/1.0", "PUT /", "HEAD /", "OPTIONS *", "DELETE /",
	    "PATCH /", "CONNECT h:443", "TRACE /", "HTTP/1.1 200 OK",
	    "GETS /", "get / ", "PROPFIND /", "\x16\x03\x01" };
	uint8_t buf[32];
	size_t i, len, at;
	int dir, c;

	(void)unused;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (len = 1; len <= strlen(lines[i]); len++)
			for (at = 0; at <= len; at++)
				for (c = 0; c < 256; c += at < len ? 37 : 256) {
					memcpy(buf, lines[i], len);
					if (at < len)
						buf[at] = (uint8_t)c;
					for (dir = 0; dir < 2; dir++)
						assert_int_equal(
						    http_parser.probe(buf, len,
						    dir),
						    probe_reference(buf, len,
						    dir));
				}
	assert_int_equal(http_parser.probe(NULL, 0, APP_DIR_TOSERVER),
	    probe_reference(NULL, 0, APP_DIR_TOSERVER));
}

/* ---- detection buffers (app_inspect) ---- */

#define BUF(mi, id)	mock_buf((mi), APP_BUF_##id, 0, NULL)

static void *
insp_new(struct app_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->inspect = true;
	return http_parser.state_new();
}

static void
feed_all(void *st, struct app_ctx *ctx, int dir, const char *s, size_t n)
{
	size_t left;

	(void)mock_feed(&http_parser, st, ctx, dir, (const uint8_t *)s, n,
	    NULL, 0, &left);
}

static void
test_http_buffers_request(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	size_t len;
	void *st = insp_new(&ctx);
	static const char req[] =
	    "GET /a/./b/../c//d%41%2fe?x=%41+1&y=%zz HTTP/1.1\r\n"
	    "Host: Pump-17.Ward3.example:8080\r\n"
	    "User-Agent: InfusionAgent/2.1  \r\n"
	    "User-Agent: Second\r\n"
	    "Accept: */*\r\n"
	    "Accept-Encoding: gzip\r\n"
	    "Accept-Language: en\r\n"
	    "Referer: http://x/\r\n"
	    "Connection: keep-alive\r\n"
	    "Authorization: Basic YWRtaW46c2VjcmV0\r\n"
	    "Cookie: session=1\r\n"
	    "\r\n";

	(void)unused;
	feed_all(st, &ctx, APP_DIR_TOSERVER, req, sizeof(req) - 1);
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_int_equal(mi->proto, APP_HTTP);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_true(mi->has_fact);
	assert_string_equal(BUF(mi, HTTP_METHOD), "GET");
	assert_string_equal(BUF(mi, HTTP_URI_RAW),
	    "/a/./b/../c//d%41%2fe?x=%41+1&y=%zz");
	/* decoded, dot segments resolved, slashes compressed */
	assert_string_equal(BUF(mi, HTTP_URI), "/a/c/dA/e?x=A+1&y=%zz");
	assert_string_equal(BUF(mi, HTTP_PROTOCOL), "HTTP/1.1");
	assert_string_equal(BUF(mi, HTTP_REQUEST_LINE),
	    "GET /a/./b/../c//d%41%2fe?x=%41+1&y=%zz HTTP/1.1");
	assert_string_equal(BUF(mi, HTTP_HOST), "pump-17.ward3.example");
	assert_string_equal(BUF(mi, HTTP_HOST_RAW),
	    "Pump-17.Ward3.example:8080");
	assert_string_equal(BUF(mi, HTTP_USER_AGENT),
	    "InfusionAgent/2.1, Second");
	assert_string_equal(BUF(mi, HTTP_ACCEPT), "*/*");
	assert_string_equal(BUF(mi, HTTP_ACCEPT_ENC), "gzip");
	assert_string_equal(BUF(mi, HTTP_ACCEPT_LANG), "en");
	assert_string_equal(BUF(mi, HTTP_REFERER), "http://x/");
	assert_string_equal(BUF(mi, HTTP_CONNECTION), "keep-alive");
	assert_string_equal(BUF(mi, HTTP_COOKIE), "session=1");
	assert_string_equal(BUF(mi, LOGIN_USER), "admin");
	assert_string_equal(BUF(mi, LOGIN_PASSWORD), "secret");
	/* normalised headers: no cookie, trailing blanks gone */
	assert_string_equal(BUF(mi, HTTP_HEADER),
	    "Host: Pump-17.Ward3.example:8080\r\n"
	    "User-Agent: InfusionAgent/2.1\r\n"
	    "User-Agent: Second\r\n"
	    "Accept: */*\r\n"
	    "Accept-Encoding: gzip\r\n"
	    "Accept-Language: en\r\n"
	    "Referer: http://x/\r\n"
	    "Connection: keep-alive\r\n"
	    "Authorization: Basic YWRtaW46c2VjcmV0\r\n");
	assert_string_equal(BUF(mi, HTTP_HEADER_NAMES),
	    "\r\nHost\r\nUser-Agent\r\nUser-Agent\r\nAccept\r\n"
	    "Accept-Encoding\r\nAccept-Language\r\nReferer\r\nConnection\r\n"
	    "Authorization\r\nCookie\r\n\r\n");
	assert_non_null(strstr(BUF(mi, HTTP_START),
	    "HTTP/1.1\r\nHost: Pump-17"));
	assert_non_null(strstr(BUF(mi, HTTP_START), "Cookie: session=1\r\n"
	    "\r\n"));
	assert_string_equal(mock_buf(mi, APP_BUF_HTTP_HEADER_RAW, 0, &len),
	    strchr(req, '\n') + 1);
	assert_null(BUF(mi, HTTP_REQUEST_BODY));
	assert_null(BUF(mi, FILE_DATA));
	mock_reset(&ctx);
	http_parser.state_free(st);
}

/*
 * The fields are read once for all the buffers: a block of every size
 * around the ones read without malloc (64), with the fields a buffer
 * wants first and last, folds and lines without a colon among them.
 */
static void
test_http_buffers_many_fields(void **unused)
{
	/* A block of c fields has 5 + c + 2 * (its folds) lines and
	 * ends: 52 and 53 fill the 64 kept on the stack, 54 is past. */
	static const size_t counts[] = { 0, 1, 52, 53, 54, 60, 64, 200 };
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	char *req, *names, *p, *q;
	size_t k, i, size = 16384;
	void *st;

	(void)unused;
	req = malloc(size);
	names = malloc(size);
	assert_non_null(req);
	assert_non_null(names);
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		st = insp_new(&ctx);
		p = req + snprintf(req, size, "GET / HTTP/1.1\r\n"
		    "User-Agent: first\r\n");
		q = names + snprintf(names, size, "\r\nUser-Agent\r\n");
		for (i = 0; i < counts[k]; i++) {
			p += snprintf(p, size - (size_t)(p - req),
			    "X-%zu: %zu\r\n", i, i);
			q += snprintf(q, size - (size_t)(q - names),
			    "X-%zu\r\n", i);
			if (i % 16 == 5)
				p += snprintf(p, size - (size_t)(p - req),
				    " folded\r\nno colon\r\n");
		}
		p += snprintf(p, size - (size_t)(p - req),
		    "user-agent: last\r\n"
		    "Authorization: Basic YWRtaW46c2VjcmV0\r\n\r\n");
		(void)snprintf(q, size - (size_t)(q - names),
		    "user-agent\r\nAuthorization\r\n\r\n");
		assert_true((size_t)(p - req) < size);
		feed_all(st, &ctx, APP_DIR_TOSERVER, req, (size_t)(p - req));
		assert_int_equal(ctx.n_insp, 1);
		mi = mock_insp(&ctx, 0);
		assert_string_equal(BUF(mi, HTTP_USER_AGENT), "first, last");
		assert_string_equal(BUF(mi, LOGIN_USER), "admin");
		assert_string_equal(BUF(mi, LOGIN_PASSWORD), "secret");
		assert_string_equal(BUF(mi, HTTP_HEADER_NAMES), names);
		assert_non_null(strstr(BUF(mi, HTTP_HEADER),
		    "\r\nuser-agent: last\r\nAuthorization: Basic "));
		mock_reset(&ctx);
		http_parser.state_free(st);
	}
	free(req);
	free(names);
}

/* A proxy request: host from the target, never its userinfo. */
static void
test_http_buffers_absolute(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	void *st = insp_new(&ctx);
	static const char req[] =
	    "GET http://u:p@Example.COM:81/x/%2e%2e/y HTTP/1.0\r\n"
	    "Host: other\r\n\r\n";

	(void)unused;
	feed_all(st, &ctx, APP_DIR_TOSERVER, req, sizeof(req) - 1);
	mi = mock_insp(&ctx, 0);
	assert_non_null(mi);
	assert_string_equal(BUF(mi, HTTP_URI), "/y");
	assert_string_equal(BUF(mi, HTTP_HOST), "example.com");
	assert_string_equal(BUF(mi, HTTP_HOST_RAW), "Example.COM:81");
	mock_reset(&ctx);
	http_parser.state_free(st);
}

static void
test_http_buffers_response_chunked(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	size_t len, i, split;
	static const char req[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char resp[] =
	    "HTTP/1.1 404 Not Found\r\n"
	    "Server: lighttpd\r\n"
	    "Location: /elsewhere\r\n"
	    "Set-Cookie: a=b\r\n"
	    "Content-Type: text/html\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n3;ext=1\r\n wo\r\n0\r\n\r\n";

	(void)unused;
	/* Every split point gives the same buffers. */
	for (split = 1; split < sizeof(resp) - 1; split++) {
		void *st = insp_new(&ctx);

		feed_all(st, &ctx, APP_DIR_TOSERVER, req, sizeof(req) - 1);
		(void)mock_feed(&http_parser, st, &ctx, APP_DIR_TOCLIENT,
		    (const uint8_t *)resp, sizeof(resp) - 1, &split, 1, &i);
		assert_int_equal(ctx.n_insp, 2);
		mi = mock_insp(&ctx, 0);
		assert_int_equal(mi->dir, APP_DIR_TOCLIENT);
		assert_string_equal(BUF(mi, HTTP_RESPONSE_LINE),
		    "HTTP/1.1 404 Not Found");
		assert_string_equal(BUF(mi, HTTP_STAT_CODE), "404");
		assert_string_equal(BUF(mi, HTTP_STAT_MSG), "Not Found");
		assert_string_equal(BUF(mi, HTTP_PROTOCOL), "HTTP/1.1");
		assert_string_equal(BUF(mi, HTTP_SERVER), "lighttpd");
		assert_string_equal(BUF(mi, HTTP_LOCATION), "/elsewhere");
		assert_string_equal(BUF(mi, HTTP_COOKIE), "a=b");
		assert_string_equal(BUF(mi, HTTP_CONTENT_TYPE), "text/html");
		assert_string_equal(mock_buf(mi, APP_BUF_HTTP_RESPONSE_BODY, 0,
		    &len), "hello wo");
		assert_string_equal(BUF(mi, FILE_DATA), "hello wo");
		assert_null(strstr(BUF(mi, HTTP_HEADER), "Set-Cookie"));
		mock_reset(&ctx);
		http_parser.state_free(st);
	}
}

/* A request body by length: inspected once it is whole. */
static void
test_http_buffers_request_body(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	void *st = insp_new(&ctx);
	static const char req[] =
	    "POST /login HTTP/1.1\r\nContent-Length: 9\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
	    "user=root"
	    "GET /next HTTP/1.1\r\n\r\n";

	size_t head = strstr(req, "user=") - req;

	(void)unused;
	/* The head and part of the body: not inspected yet, kept. */
	feed_all(st, &ctx, APP_DIR_TOSERVER, req, head + 4);
	assert_int_equal(ctx.n_insp, 0);
	assert_true(http_parser.memuse(st) > mem_cost(head) +
	    mem_cost(sizeof(struct http_facts)));
	feed_all(st, &ctx, APP_DIR_TOSERVER, req + head + 4,
	    sizeof(req) - 1 - head - 4);
	assert_int_equal(ctx.n_insp, 2);
	/* Both inspected: no message kept, only the two requests that
	 * wait for their responses. */
	assert_int_equal(http_parser.memuse(st),
	    mem_cost(2 * sizeof(struct http_facts)));
	mi = mock_insp(&ctx, 1);
	assert_string_equal(BUF(mi, HTTP_REQUEST_BODY), "user=root");
	assert_string_equal(BUF(mi, HTTP_CONTENT_LEN), "9");
	assert_string_equal(BUF(mi, HTTP_CONTENT_TYPE),
	    "application/x-www-form-urlencoded");
	mi = mock_insp(&ctx, 0);
	assert_string_equal(BUF(mi, HTTP_URI), "/next");
	assert_null(BUF(mi, HTTP_REQUEST_BODY));
	mock_reset(&ctx);
	http_parser.state_free(st);
}

/* A body past the limit: inspected at the limit, with the limit. */
static void
test_http_buffers_body_limit(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	void *st = insp_new(&ctx);
	char head[128];
	uint8_t *body;
	size_t blen = HTTP_BODY_LIMIT + 5000, len = 0;
	int n;

	(void)unused;
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %zu\r\n\r\n", blen);
	feed_all(st, &ctx, APP_DIR_TOCLIENT, head, (size_t)n);
	body = malloc(blen);
	memset(body, 'A', blen);
	feed_all(st, &ctx, APP_DIR_TOCLIENT, (const char *)body, 70000);
	assert_int_equal(ctx.n_insp, 0);
	assert_true(http_parser.memuse(st) >= 70000);
	feed_all(st, &ctx, APP_DIR_TOCLIENT, (const char *)body + 70000,
	    blen - 70000);
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_non_null(mock_buf(mi, APP_BUF_HTTP_RESPONSE_BODY, 0, &len));
	assert_int_equal(len, HTTP_BODY_LIMIT);
	free(body);
	mock_reset(&ctx);
	http_parser.state_free(st);
}

/* A body cut by a gap is inspected with what came. */
static void
test_http_buffers_gap(void **unused)
{
	struct app_ctx ctx;
	const struct mock_inspect *mi;
	void *st = insp_new(&ctx);
	static const char req[] =
	    "PUT /f HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial";

	(void)unused;
	feed_all(st, &ctx, APP_DIR_TOSERVER, req, sizeof(req) - 1);
	assert_int_equal(ctx.n_insp, 0);
	http_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_string_equal(BUF(mi, HTTP_REQUEST_BODY), "partial");
	mock_reset(&ctx);
	http_parser.state_free(st);
}

/* Nobody wants HTTP: nothing is kept or built. */
static void
test_http_buffers_unwanted(void **unused)
{
	struct app_ctx ctx;
	void *st = insp_new(&ctx);
	static const char req[] =
	    "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";

	(void)unused;
	ctx.inspect = false;
	feed_all(st, &ctx, APP_DIR_TOSERVER, req, sizeof(req) - 1);
	assert_int_equal(ctx.n_insp, 0);
	/* The request waiting for its response, no kept message. */
	assert_int_equal(http_parser.memuse(st),
	    mem_cost(sizeof(struct http_facts)));
	http_parser.state_free(st);
}

/*
 * free() and realloc() are wrapped (tests/unit/local.mk): while a
 * marker is watched, every block given back or moved is searched for
 * it, so a test can tell that what a parser held was wiped before it
 * went back to the allocator.
 */
void	__real_free(void *);
void	__wrap_free(void *);
void	*__real_realloc(void *, size_t);
void	*__wrap_realloc(void *, size_t);

static const char *free_watch;
static unsigned free_seen;

static void
free_check(void *p)
{
	size_t n;

	if (p != NULL && free_watch != NULL &&
	    (n = malloc_usable_size(p)) >= strlen(free_watch) &&
	    memmem(p, n, free_watch, strlen(free_watch)) != NULL)
		free_seen++;
}

void
__wrap_free(void *p)
{
	free_check(p);
	__real_free(p);
}

void *
__wrap_realloc(void *p, size_t n)
{
	free_check(p);
	return __real_realloc(p, n);
}

/*
 * A message kept for the rules, and requests waiting for answers,
 * are wiped when the flow ends mid-message, and a body's buffer when
 * it moves to a bigger one.
 */
static void
test_http_free_wipes(void **unused)
{
	struct app_ctx ctx;
	char req[256], chunk[1024];
	void *st;
	size_t i;

	(void)unused;
	snprintf(req, sizeof(req), "POST /chart?mrn=MRN0451 HTTP/1.1\r\n"
	    "Content-Length: 20000\r\n\r\nPID|1||MRN0451^^^H|");
	memset(chunk, 'x', sizeof(chunk));
	/* Off: only the facts wait.  On: the head and body are kept. */
	for (i = 0; i < 2; i++) {
		st = i == 0 ? http_parser.state_new() : insp_new(&ctx);
		if (i == 0) {
			memset(&ctx, 0, sizeof(ctx));
			ctx.on_fact = NULL;
		}
		feed_all(st, &ctx, APP_DIR_TOSERVER, req, strlen(req));
		/* From here on, mock_feed()'s own copies hold only 'x'. */
		free_watch = "MRN0451";
		free_seen = 0;
		feed_all(st, &ctx, APP_DIR_TOSERVER, chunk, sizeof(chunk));
		feed_all(st, &ctx, APP_DIR_TOSERVER, chunk, sizeof(chunk));
		feed_all(st, &ctx, APP_DIR_TOSERVER, chunk, sizeof(chunk));
		feed_all(st, &ctx, APP_DIR_TOSERVER, chunk, sizeof(chunk));
		feed_all(st, &ctx, APP_DIR_TOSERVER, chunk, sizeof(chunk));
		assert_int_equal(ctx.n_insp, 0);	/* 20000: not yet */
		if (i == 1)
			assert_true(http_parser.memuse(st) > mem_cost(8192));
		http_parser.state_free(st);
		free_watch = NULL;
		assert_int_equal(free_seen, 0);
		mock_reset(&ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_transaction),
		cmocka_unit_test(test_http_auth_scheme),
		cmocka_unit_test(test_http_pipelined),
		cmocka_unit_test(test_http_pipelined_ring),
		cmocka_unit_test(test_http_chunked_request),
		cmocka_unit_test(test_http_truncations),
		cmocka_unit_test(test_http_every_split),
		cmocka_unit_test(test_http_lying_chunks),
		cmocka_unit_test(test_http_header_cap),
		cmocka_unit_test(test_http_bad_lines),
		cmocka_unit_test(test_http_privacy),
		cmocka_unit_test(test_http_eve),
		cmocka_unit_test(test_http_probe),
		cmocka_unit_test(test_http_probe_vs_reference),
		cmocka_unit_test(test_http_buffers_request),
		cmocka_unit_test(test_http_buffers_many_fields),
		cmocka_unit_test(test_http_buffers_absolute),
		cmocka_unit_test(test_http_buffers_response_chunked),
		cmocka_unit_test(test_http_buffers_request_body),
		cmocka_unit_test(test_http_buffers_body_limit),
		cmocka_unit_test(test_http_buffers_gap),
		cmocka_unit_test(test_http_buffers_unwanted),
		cmocka_unit_test(test_http_free_wipes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
