/*
 * app/http.c - HTTP/1.x (RFC 9112) request and response parser.
 *
 * Turns each direction of a TCP stream into messages and pairs them
 * into transactions: a request with the headers of its response.  It
 * reads only the start line and the header block, which is capped
 * (HTTP_MAX_HEADER, 16 KiB as in common servers): past the cap the
 * direction is given up with http.header_block_too_long rather than
 * buffered further.  Bodies are framed and skipped, never held:
 *
 *	request-line / status-line CRLF
 *	*( field-name ":" OWS field-value OWS CRLF )
 *	CRLF
 *	[ body: Content-Length bytes, or chunked (RFC 9112 7.1):
 *	  *( chunk-size [ ext ] CRLF data CRLF ) "0" CRLF trailers CRLF,
 *	  or, in a response without either, everything to the close ]
 *
 * Requests wait in a small queue (HTTP_MAX_PENDING, for pipelining);
 * a response takes the oldest.  When the queue is full, or bytes are
 * lost, waiting requests are reported alone.  Authorization and
 * Cookie values are never copied into facts: they are credentials.
 *
 * When a rule looks at HTTP (app_inspect_wanted), each message's header
 * block and the first HTTP_BODY_LIMIT bytes of its body (dechunked) are
 * kept in the state until the body is complete, the limit is reached
 * or bytes are lost; then the detection buffers of app/buffers.def are
 * built from them in a scratch buffer of the state and handed to
 * app_inspect(), once per message.  They are never logged.
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

#include "app/http.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/util.h"

/* Chunk sizes and lengths above this are hostile, not real bodies. */
#define HTTP_MAX_BODY_LEN	(UINT64_C(1) << 60)

enum http_phase {
	HTTP_HEAD,		/* start line and header block */
	HTTP_BODY_LEN,		/* Content-Length body bytes */
	HTTP_CHUNK_SIZE,	/* chunk-size line */
	HTTP_CHUNK_DATA,	/* chunk data bytes */
	HTTP_CHUNK_END,		/* the CRLF after chunk data */
	HTTP_TRAILER,		/* trailer fields after the last chunk */
	HTTP_BODY_EOF,		/* everything to the close, or a tunnel */
	HTTP_STOP,		/* lost: ignore this direction */
};

struct http_dir {
	enum http_phase	 phase;
	size_t		 scanned;	/* HEAD/TRAILER: bytes of whole lines */
	uint64_t	 remain;	/* BODY_LEN/CHUNK_DATA: bytes to skip */
	uint64_t	 body_bytes;	/* skipped, all messages */
};

/* A message kept for the rules until its body is complete. */
struct http_insp {
	bool		 pending;
	uint8_t		*head;		/* header block, as on the wire */
	size_t		 head_len, head_size;
	uint8_t		*body;		/* dechunked, up to HTTP_BODY_LIMIT */
	size_t		 body_len, body_size;
	struct http_facts fact;		/* what an alert on it carries */
};

struct http_state {
	struct http_dir	 dir[2];
	struct http_insp insp[2];
	uint8_t		*sc;		/* built buffers (scratch) */
	size_t		 sc_len, sc_size;
	/* A ring that grows to HTTP_MAX_PENDING as pipelining needs
	 * (a request's facts are about 1 KB; most flows wait for one). */
	struct http_facts *pending;
	unsigned	 cap;
	unsigned	 head;		/* oldest pending request */
	unsigned	 count;
	uint64_t	 transactions;	/* emitted */
};

static const uint16_t http_ports[] = { 80, 8080, 0 };

static void	http_insp_begin(struct http_state *, struct app_ctx *, int,
		    const uint8_t *, size_t, const struct http_facts *);
static void	http_insp_body(struct http_state *, struct app_ctx *, int,
		    const uint8_t *, size_t);
static void	http_insp_run(struct http_state *, struct app_ctx *, int);

/*
 * A buffer of wire bytes moved to a bigger one: what it held may be
 * a patient's, so the old block is wiped whole before it is freed
 * (realloc would free it as it was), past what is in use too: a
 * buffer cut back in place keeps bytes there (a login decoded, then
 * dropped).
 */
static void *
http_grow(void *old, size_t used, size_t oldsize, size_t nsize)
{
	void *p = xreallocarray(NULL, nsize, 1);

	if (old != NULL) {
		memcpy(p, old, used);
		explicit_bzero(old, oldsize);
		free(old);
	}
	return p;
}

/* Copy n wire bytes as a printable string cut to size. */
static void
http_copy(char *dst, size_t size, const uint8_t *p, size_t n, bool *cut)
{
	size_t i;

	if (n >= size) {
		n = size - 1;
		if (cut != NULL)
			*cut = true;
	}
	for (i = 0; i < n; i++)
		dst[i] = (p[i] < 0x20 || p[i] >= 0x7f) ? '?' : (char)p[i];
	dst[n] = '\0';
}

static bool
http_name_is(const uint8_t *p, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp((const char *)p, name, n) == 0;
}

/* Strip spaces and tabs (OWS) from both ends of [*p, *p + *n). */
static void
http_trim(const uint8_t **p, size_t *n)
{
	while (*n > 0 && ((*p)[0] == ' ' || (*p)[0] == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' ||
	    (*p)[*n - 1] == '\r'))
		(*n)--;
}

/* A decimal Content-Length; false when it is not one. */
static bool
http_parse_length(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > HTTP_MAX_BODY_LEN)
			return false;
	}
	*out = v;
	return true;
}

/* Does a Transfer-Encoding value name chunked (any case, any place)? */
static bool
http_is_chunked(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (strncasecmp((const char *)p + i, "chunked", 7) == 0)
			return true;
	return false;
}

/*
 * Find the end of a header block (an empty line) from dir->scanned on.
 * Returns its length, 0 if not there yet.
 */
static size_t
http_block_end(struct http_dir *d, const uint8_t *buf, size_t len)
{
	struct breader br;
	ptrdiff_t nl;
	size_t start;

	if (d->scanned > len)
		d->scanned = 0;
	br_init(&br, buf, len);
	br_skip(&br, d->scanned);
	while ((nl = br_find(&br, '\n')) >= 0) {
		start = br_off(&br);
		br_skip(&br, (size_t)nl + 1);
		/* An empty line ("\n" or "\r\n") that is not the first. */
		if (start > 0 && (nl == 0 || (nl == 1 && buf[start] == '\r')))
			return br_off(&br);
		d->scanned = br_off(&br);
	}
	return 0;
}

struct http_head {
	bool		 chunked;
	bool		 has_length;
	uint64_t	 length;
	bool		 bad_length;
};

/* Read the fields after the start line into f and h. */
static void
http_parse_fields(struct breader *blk, int dir, struct http_facts *f,
    struct http_head *h)
{
	const uint8_t *line, *name, *val;
	size_t n, nlen, vlen, colon;
	ptrdiff_t nl;
	uint64_t v;

	while ((nl = br_find(blk, '\n')) >= 0) {
		n = (size_t)nl;
		line = br_bytes(blk, n + 1);
		if (line == NULL)
			return;
		if (n == 0 || (n == 1 && line[0] == '\r'))
			return;
		if (line[0] == ' ' || line[0] == '\t')
			continue;	/* obs-fold: not a field of ours */
		for (colon = 0; colon < n && line[colon] != ':'; colon++)
			;
		if (colon == n)
			continue;
		name = line;
		nlen = colon;
		val = line + colon + 1;
		vlen = n - colon - 1;
		http_trim(&name, &nlen);
		http_trim(&val, &vlen);
		if (http_name_is(name, nlen, "content-length")) {
			v = 0;
			if (!http_parse_length(val, vlen, &v) ||
			    (h->has_length && v != h->length))
				h->bad_length = true;
			h->has_length = true;
			h->length = v;
		} else if (http_name_is(name, nlen, "transfer-encoding")) {
			if (http_is_chunked(val, vlen))
				h->chunked = true;
		} else if (dir == APP_DIR_TOSERVER) {
			if (http_name_is(name, nlen, "host"))
				http_copy(f->host, sizeof(f->host), val,
				    vlen, NULL);
			else if (http_name_is(name, nlen, "user-agent"))
				http_copy(f->user_agent,
				    sizeof(f->user_agent), val, vlen, NULL);
			else if (http_name_is(name, nlen, "authorization") ||
			    http_name_is(name, nlen, "proxy-authorization")) {
				f->authorization = true;
				/* The scheme only: the credentials stay on
				 * the wire (RFC 7617). */
				if (vlen >= 6 && strncasecmp((const char *)val,
				    "basic", 5) == 0 && (val[5] == ' ' ||
				    val[5] == '\t'))
					f->basic_auth = true;
			}
			else if (http_name_is(name, nlen, "cookie"))
				f->cookie = true;
		} else {
			if (http_name_is(name, nlen, "server"))
				http_copy(f->server, sizeof(f->server), val,
				    vlen, NULL);
			else if (http_name_is(name, nlen, "content-type"))
				http_copy(f->content_type,
				    sizeof(f->content_type), val, vlen, NULL);
			else if (http_name_is(name, nlen, "set-cookie"))
				f->set_cookie = true;
		}
	}
}

/* The next space-delimited token of a start line. */
static bool
http_token(struct breader *line, const uint8_t **p, size_t *n)
{
	ptrdiff_t sp = br_find(line, ' ');

	*n = sp < 0 ? br_left(line) : (size_t)sp;
	*p = br_bytes(line, *n);
	if (sp >= 0)
		br_skip(line, 1);
	return *p != NULL && *n > 0;
}

static bool
http_is_tchar(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/*
 * An absolute-form target ("http://user:pass@host/", RFC 9110 4.2.4)
 * may carry a password: drop the userinfo, as a proxy must.
 */
static void
http_strip_userinfo(char *uri)
{
	char *auth, *end, *at = NULL, *q;

	if ((auth = strstr(uri, "://")) == NULL)
		return;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		memmove(auth, at + 1, strlen(at + 1) + 1);
}

/* "GET /path HTTP/1.1": method SP request-target [SP HTTP-version]. */
static bool
http_parse_request_line(struct breader *line, struct http_facts *f)
{
	const uint8_t *p;
	size_t n, i;

	if (!http_token(line, &p, &n) || n >= HTTP_METHOD_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!http_is_tchar(p[i]))
			return false;
	http_copy(f->method, sizeof(f->method), p, n, NULL);
	if (!http_token(line, &p, &n))
		return false;
	http_copy(f->uri, sizeof(f->uri), p, n, &f->uri_truncated);
	http_strip_userinfo(f->uri);
	if (br_left(line) > 0) {
		if (!http_token(line, &p, &n) || n < 5 ||
		    memcmp(p, "HTTP/", 5) != 0)
			return false;
		http_copy(f->protocol, sizeof(f->protocol), p, n, NULL);
	}
	return true;
}

/* "HTTP/1.1 200 OK": HTTP-version SP 3DIGIT SP [reason]. */
static bool
http_parse_status_line(struct breader *line, struct http_facts *f)
{
	const uint8_t *p;
	size_t n;

	if (!http_token(line, &p, &n) || n < 5 || memcmp(p, "HTTP/", 5) != 0)
		return false;
	http_copy(f->resp_protocol, sizeof(f->resp_protocol), p, n, NULL);
	p = br_bytes(line, 3);
	if (p == NULL || p[0] < '1' || p[0] > '5' || p[1] < '0' ||
	    p[1] > '9' || p[2] < '0' || p[2] > '9')
		return false;
	if (br_left(line) > 0 && br_cur(line)[0] != ' ')
		return false;
	f->status = (uint16_t)((p[0] - '0') * 100 + (p[1] - '0') * 10 +
	    (p[2] - '0'));
	return true;
}

/*
 * Could these first bytes start a request ("token SP") or a response
 * ("HTTP/")?  True while too few bytes have come to tell.
 */
static bool
http_start_plausible(const uint8_t *buf, size_t len, int dir)
{
	size_t i;

	if (dir == APP_DIR_TOCLIENT)
		return memcmp(buf, "HTTP/", len < 5 ? len : 5) == 0;
	for (i = 0; i < len && i < HTTP_METHOD_LEN; i++) {
		if (buf[i] == ' ')
			return i > 0;
		if (!http_is_tchar(buf[i]))
			return false;
	}
	return i < HTTP_METHOD_LEN;
}

static void
http_emit(struct http_state *st, struct app_ctx *ctx,
    const struct http_facts *f)
{
	st->transactions++;
	app_emit(ctx, APP_HTTP, f->has_request ? APP_DIR_TOSERVER :
	    APP_DIR_TOCLIENT, f);
}

/* Report every waiting request alone. */
static void
http_flush(struct http_state *st, struct app_ctx *ctx)
{
	while (st->count > 0) {
		http_emit(st, ctx, &st->pending[st->head]);
		st->head = (st->head + 1) % st->cap;
		st->count--;
	}
}

static void
http_push(struct http_state *st, struct app_ctx *ctx,
    const struct http_facts *f)
{
	if (st->count == HTTP_MAX_PENDING) {
		http_emit(st, ctx, &st->pending[st->head]);
		st->head = (st->head + 1) % st->cap;
		st->count--;
	}
	if (st->count == st->cap) {
		struct http_facts *p;
		unsigned i, cap = st->cap ? st->cap * 2 : 1;

		/* In order from the start: the ring's size changes. */
		p = xreallocarray(NULL, cap, sizeof(*p));
		for (i = 0; i < st->count; i++)
			p[i] = st->pending[(st->head + i) % st->cap];
		if (st->pending != NULL)
			explicit_bzero(st->pending,
			    st->cap * sizeof(*st->pending));
		free(st->pending);
		st->pending = p;
		st->cap = cap;
		st->head = 0;
	}
	st->pending[(st->head + st->count) % st->cap] = *f;
	st->count++;
}

/* Choose how the body after a header block is framed. */
static void
http_body_phase(struct http_dir *d, const struct http_head *h, bool none,
    bool to_close)
{
	d->remain = 0;
	if (none)
		d->phase = HTTP_HEAD;
	else if (h->chunked)
		d->phase = HTTP_CHUNK_SIZE;
	else if (h->has_length) {
		d->remain = h->length;
		d->phase = h->length > 0 ? HTTP_BODY_LEN : HTTP_HEAD;
	} else
		d->phase = to_close ? HTTP_BODY_EOF : HTTP_HEAD;
}

/* A whole header block of blen bytes at buf. */
static struct app_result
http_message(struct http_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *buf, size_t blen)
{
	struct http_dir *d = &st->dir[dir];
	struct http_head h;
	struct http_facts f;
	struct breader blk, line;
	ptrdiff_t nl;
	bool none;

	memset(&h, 0, sizeof(h));
	br_init(&blk, buf, blen);
	nl = br_find(&blk, '\n');
	line = br_sub(&blk, nl < 0 ? 0 : (size_t)nl);
	br_skip(&blk, 1);
	if (br_left(&line) > 0 && line.base[line.len - 1] == '\r')
		line.len--;

	if (dir == APP_DIR_TOSERVER) {
		memset(&f, 0, sizeof(f));
		f.has_request = true;
		if (!http_parse_request_line(&line, &f)) {
			app_anomaly(ctx, EV_HTTP_BAD_REQUEST_LINE);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		http_parse_fields(&blk, dir, &f, &h);
		f.req_chunked = h.chunked;
		f.req_has_length = h.has_length && !h.chunked;
		f.req_length = f.req_has_length ? h.length : 0;
		if (h.bad_length && !h.chunked) {
			app_anomaly(ctx, EV_HTTP_BAD_CONTENT_LENGTH);
			http_push(st, ctx, &f);
			d->phase = HTTP_STOP;
			return app_error(blen);
		}
		http_push(st, ctx, &f);
		http_insp_begin(st, ctx, dir, buf, blen, &f);
		if (strcmp(f.method, "CONNECT") == 0)
			d->phase = HTTP_BODY_EOF;	/* a tunnel follows */
		else
			http_body_phase(d, &h, false, false);
		return app_ok(blen);
	}

	if (st->count > 0)
		f = st->pending[st->head];
	else
		memset(&f, 0, sizeof(f));
	if (!http_parse_status_line(&line, &f)) {
		app_anomaly(ctx, EV_HTTP_BAD_STATUS_LINE);
		/* No response will be matched to a request any more. */
		http_flush(st, ctx);
		d->phase = HTTP_STOP;
		return app_error(0);
	}
	if (f.status == 101) {
		/* Switching protocols: what follows is not HTTP/1.x. */
		http_flush(st, ctx);
		st->dir[0].phase = st->dir[1].phase = HTTP_BODY_EOF;
		return app_ok(blen);
	}
	if (f.status < 200) {
		/* Interim (100 Continue): the final response follows. */
		return app_ok(blen);
	}
	http_parse_fields(&blk, dir, &f, &h);
	f.has_response = true;
	f.resp_chunked = h.chunked;
	f.resp_has_length = h.has_length && !h.chunked;
	f.resp_length = f.resp_has_length ? h.length : 0;
	if (st->count > 0) {
		st->head = (st->head + 1) % st->cap;
		st->count--;
	} else
		app_anomaly(ctx, EV_HTTP_RESPONSE_WITHOUT_REQUEST);
	http_emit(st, ctx, &f);
	http_insp_begin(st, ctx, dir, buf, blen, &f);
	if (h.bad_length && !h.chunked) {
		app_anomaly(ctx, EV_HTTP_BAD_CONTENT_LENGTH);
		d->phase = HTTP_STOP;
		return app_error(blen);
	}
	/* RFC 9112 6.3: no body after HEAD, 204 and 304. */
	none = strcmp(f.method, "HEAD") == 0 || f.status == 204 ||
	    f.status == 304;
	if (strcmp(f.method, "CONNECT") == 0 && f.status / 100 == 2)
		d->phase = HTTP_BODY_EOF;
	else
		http_body_phase(d, &h, none, true);
	return app_ok(blen);
}

/* "1a2b;ext=1\r\n": hex digits, then anything to the line end. */
static struct app_result
http_chunk_size(struct http_dir *d, struct app_ctx *ctx, const uint8_t *buf,
    size_t len)
{
	struct breader br;
	ptrdiff_t nl;
	uint64_t v = 0;
	size_t i, digits = 0;
	uint8_t c;

	br_init(&br, buf, len);
	nl = br_find(&br, '\n');
	if (nl < 0) {
		if (len >= HTTP_MAX_CHUNK_LINE) {
			app_anomaly(ctx, EV_HTTP_BAD_CHUNK);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		return app_incomplete(0, 0);
	}
	for (i = 0; i < (size_t)nl; i++) {
		c = buf[i];
		if (c >= '0' && c <= '9')
			c = (uint8_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			c = (uint8_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			c = (uint8_t)(c - 'A' + 10);
		else
			break;
		if (++digits > 15) {
			app_anomaly(ctx, EV_HTTP_BAD_CHUNK);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		v = v << 4 | c;
	}
	if (digits == 0 || (i < (size_t)nl && buf[i] != ';' &&
	    buf[i] != '\r' && buf[i] != ' ' && buf[i] != '\t')) {
		app_anomaly(ctx, EV_HTTP_BAD_CHUNK);
		d->phase = HTTP_STOP;
		return app_error(0);
	}
	d->remain = v;
	d->phase = v == 0 ? HTTP_TRAILER : HTTP_CHUNK_DATA;
	d->scanned = 0;
	return app_ok((size_t)nl + 1);
}

static struct app_result
http_parse1(struct http_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *buf, size_t len)
{
	struct http_dir *d;
	struct breader br;
	size_t n, take;

	d = &st->dir[dir];
	br_init(&br, buf, len);
	switch (d->phase) {
	case HTTP_HEAD:
		/* Skip the empty lines some clients send between requests. */
		while (br_left(&br) > 0 &&
		    (br_cur(&br)[0] == '\r' || br_cur(&br)[0] == '\n'))
			br_skip(&br, 1);
		if (br_off(&br) > 0) {
			d->scanned = 0;
			return app_ok(br_off(&br));
		}
		if (!http_start_plausible(buf, len, dir)) {
			/* Not HTTP: say so now, not after 16 KiB. */
			app_anomaly(ctx, dir == APP_DIR_TOSERVER ?
			    EV_HTTP_BAD_REQUEST_LINE : EV_HTTP_BAD_STATUS_LINE);
			if (dir == APP_DIR_TOCLIENT)
				http_flush(st, ctx);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		if ((n = http_block_end(d, buf, len)) == 0) {
			if (len > HTTP_MAX_HEADER) {
				app_anomaly(ctx, EV_HTTP_HEADER_TOO_LONG);
				d->phase = HTTP_STOP;
				return app_error(0);
			}
			return app_incomplete(0, 0);
		}
		d->scanned = 0;
		if (n > HTTP_MAX_HEADER) {
			app_anomaly(ctx, EV_HTTP_HEADER_TOO_LONG);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		return http_message(st, ctx, dir, buf, n);
	case HTTP_BODY_LEN:
	case HTTP_CHUNK_DATA:
		take = (uint64_t)len < d->remain ? len : (size_t)d->remain;
		d->remain -= take;
		d->body_bytes += take;
		http_insp_body(st, ctx, dir, buf, take);
		if (d->remain == 0)
			d->phase = d->phase == HTTP_BODY_LEN ? HTTP_HEAD :
			    HTTP_CHUNK_END;
		return app_ok(take);
	case HTTP_CHUNK_SIZE:
		return http_chunk_size(d, ctx, buf, len);
	case HTTP_CHUNK_END:
		if (len < 1)
			return app_incomplete(0, 2);
		if (buf[0] == '\n') {
			d->phase = HTTP_CHUNK_SIZE;
			return app_ok(1);
		}
		if (buf[0] == '\r' && len < 2)
			return app_incomplete(0, 1);
		if (buf[0] != '\r' || buf[1] != '\n') {
			/* The chunk size lied. */
			app_anomaly(ctx, EV_HTTP_BAD_CHUNK);
			d->phase = HTTP_STOP;
			return app_error(0);
		}
		d->phase = HTTP_CHUNK_SIZE;
		return app_ok(2);
	case HTTP_TRAILER:
		/* No trailer fields: the empty line right away. */
		if (len >= 1 && buf[0] == '\n') {
			d->phase = HTTP_HEAD;
			return app_ok(1);
		}
		if (len >= 2 && buf[0] == '\r' && buf[1] == '\n') {
			d->phase = HTTP_HEAD;
			return app_ok(2);
		}
		if (len < 2 && (len == 0 || buf[0] == '\r'))
			return app_incomplete(0, 2 - len);
		if ((n = http_block_end(d, buf, len)) == 0) {
			if (len > HTTP_MAX_HEADER) {
				app_anomaly(ctx, EV_HTTP_HEADER_TOO_LONG);
				d->phase = HTTP_STOP;
				return app_error(0);
			}
			return app_incomplete(0, 0);
		}
		d->scanned = 0;
		d->phase = HTTP_HEAD;
		return app_ok(n);
	case HTTP_BODY_EOF:
		d->body_bytes += len;
		http_insp_body(st, ctx, dir, buf, len);
		return app_ok(len);
	case HTTP_STOP:
	default:
		return app_ok(len);
	}
}

static struct app_result
http_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct http_state *st = state;
	struct app_result r;
	enum http_phase ph;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	r = http_parse1(st, ctx, dir, buf, len);
	/* A message whose body is complete (or that has none, or ends a
	 * direction) goes to the rules; a tunnel's bytes are no body. */
	ph = st->dir[dir].phase;
	if (st->insp[dir].pending && (ph == HTTP_HEAD || ph == HTTP_STOP ||
	    strcmp(st->insp[dir].fact.method, "CONNECT") == 0 ||
	    r.status == PARSE_ERROR))
		http_insp_run(st, ctx, dir);
	return r;
}

static void
http_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct http_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* What came of a body before the loss is all the rules get. */
	if (st->insp[dir].pending)
		http_insp_run(st, ctx, dir);
	/*
	 * Responses lost, or the server is done: the waiting requests get
	 * none.  Requests lost (or the client's half-close) leave the
	 * waiting ones to their responses, which still come in order.
	 */
	if (dir == APP_DIR_TOCLIENT)
		http_flush(st, ctx);
	if (st->dir[dir].phase != HTTP_BODY_EOF)
		st->dir[dir].phase = HTTP_STOP;
	st->dir[dir].scanned = 0;
}

/* ------------------------------------------------------------------ */
/* Detection buffers (app/buffers.def) */

struct http_field {
	const uint8_t	*name, *val;
	size_t		 nlen, vlen;
};

#define HTTP_MAX_BUFS	48
#define HTTP_FIELDS_STACK 64	/* fields of a block read without malloc */
#define HTTP_SC_NONE	SIZE_MAX

/* Buffers being built: raw slices of the kept message, or runs of the
 * state's scratch (offsets until the scratch stops growing). */
struct http_bb {
	struct http_state *st;
	const struct http_field *fl;	/* the header block's fields */
	size_t		 nfl;
	struct app_buf	 b[HTTP_MAX_BUFS];
	size_t		 off[HTTP_MAX_BUFS];
	size_t		 n;
};

/* The scratch grown to hold n more bytes. */
static void
http_sc_grow(struct http_state *st, size_t n)
{
	size_t nsize;

	nsize = st->sc_size ? st->sc_size : 1024;
	while (nsize < st->sc_len + n)
		nsize *= 2;
	st->sc = http_grow(st->sc, st->sc_len, st->sc_size, nsize);
	st->sc_size = nsize;
}

/* Room for n more scratch bytes (pointers into it stay valid while
 * those are written): inline, as the builders put a few bytes at a
 * time and the scratch mostly has room. */
static inline void
http_sc_reserve(struct http_state *st, size_t n)
{
	if (st->sc_len + n > st->sc_size)
		http_sc_grow(st, n);
}

static inline void
http_sc_put(struct http_state *st, const void *p, size_t n)
{
	http_sc_reserve(st, n);
	if (n > 0)
		memcpy(st->sc + st->sc_len, p, n);
	st->sc_len += n;
}

static void
http_bb_raw(struct http_bb *bb, enum app_buf_id id, const uint8_t *p,
    size_t n)
{
	if (bb->n == HTTP_MAX_BUFS)
		return;
	bb->b[bb->n].id = id;
	bb->b[bb->n].data = p;
	bb->b[bb->n].len = n;
	bb->off[bb->n++] = HTTP_SC_NONE;
}

/* Start a buffer built in the scratch; http_bb_end() closes it. */
static bool
http_bb_begin(struct http_bb *bb, enum app_buf_id id)
{
	if (bb->n == HTTP_MAX_BUFS)
		return false;
	bb->b[bb->n].id = id;
	bb->b[bb->n].data = NULL;
	bb->off[bb->n] = bb->st->sc_len;
	return true;
}

static void
http_bb_end(struct http_bb *bb)
{
	bb->b[bb->n].len = bb->st->sc_len - bb->off[bb->n];
	bb->n++;
}

/* One header field of a kept block; false after the last. */
static bool
http_next_field(struct breader *blk, struct http_field *hf)
{
	const uint8_t *line;
	size_t n, colon;
	ptrdiff_t nl;

	while ((nl = br_find(blk, '\n')) >= 0) {
		n = (size_t)nl;
		if ((line = br_bytes(blk, n + 1)) == NULL)
			return false;
		if (n == 0 || (n == 1 && line[0] == '\r'))
			return false;
		if (line[0] == ' ' || line[0] == '\t')
			continue;	/* obs-fold */
		for (colon = 0; colon < n && line[colon] != ':'; colon++)
			;
		if (colon == n)
			continue;
		hf->name = line;
		hf->nlen = colon;
		hf->val = line + colon + 1;
		hf->vlen = n - colon - 1;
		http_trim(&hf->name, &hf->nlen);
		http_trim(&hf->val, &hf->vlen);
		return true;
	}
	return false;
}

/*
 * The fields of a header block of flen bytes, once, for every buffer
 * built from them: at most one a line, so fl has room for a '\n' more
 * than the block holds.  Returns how many.
 */
static size_t
http_fields(const uint8_t *fields, size_t flen, struct http_field *fl)
{
	struct breader blk;
	size_t n = 0;

	br_init(&blk, fields, flen);
	while (http_next_field(&blk, &fl[n]))
		n++;
	return n;
}

/* The values of every field called name, joined by ", " as Suricata
 * joins repeated headers; nothing when there is none. */
static bool
http_bb_header(struct http_bb *bb, const char *name, enum app_buf_id id)
{
	const struct http_field *hf;
	size_t nl = strlen(name), i;
	bool any = false;

	for (i = 0; i < bb->nfl; i++) {
		hf = &bb->fl[i];
		if (hf->nlen != nl ||
		    strncasecmp((const char *)hf->name, name, nl) != 0)
			continue;
		if (!any && !http_bb_begin(bb, id))
			return false;
		if (any)
			http_sc_put(bb->st, ", ", 2);
		http_sc_put(bb->st, hf->val, hf->vlen);
		any = true;
	}
	if (any)
		http_bb_end(bb);
	return any;
}

/* Append p percent-decoded (a '%' without two hex digits stays). */
static void
http_sc_unescape(struct http_state *st, const uint8_t *p, size_t n)
{
	size_t i;
	uint8_t c;
	int hi, lo;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (c == '%' && i + 2 < n &&
		    (hi = util_hexval(p[i + 1])) >= 0 &&
		    (lo = util_hexval(p[i + 2])) >= 0) {
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		http_sc_put(st, &c, 1);
	}
}

/*
 * Normalise a decoded path in place (the n bytes at p): runs of '/'
 * become one and "." and ".." segments are resolved (RFC 3986 5.2.4),
 * as libhtp does for Suricata's http.uri.  Returns the new length.
 */
static size_t
http_path_normalise(uint8_t *p, size_t n)
{
	size_t i = 0, w = 0, seg, end;

	while (i < n) {
		if (p[i] != '/') {
			/* A relative start: copy its first segment. */
			for (end = i; end < n && p[end] != '/'; end++)
				;
			memmove(p + w, p + i, end - i);
			w += end - i;
			i = end;
			continue;
		}
		while (i + 1 < n && p[i + 1] == '/')
			i++;
		seg = i + 1;
		for (end = seg; end < n && p[end] != '/'; end++)
			;
		if (end - seg == 1 && p[seg] == '.') {
			if (end == n)
				p[w++] = '/';
			i = end;
			continue;
		}
		if (end - seg == 2 && p[seg] == '.' && p[seg + 1] == '.') {
			while (w > 0 && p[w - 1] != '/')
				w--;
			if (w > 0)
				w--;	/* the '/' before the dropped segment */
			if (end == n)
				p[w++] = '/';
			i = end;
			continue;
		}
		memmove(p + w, p + i, end - i);
		w += end - i;
		i = end;
	}
	return w;
}

/* Where an absolute-form target's authority is ("http://a:b@h:80/x"),
 * or false for origin form. */
static bool
http_authority(const uint8_t *u, size_t n, size_t *start, size_t *end)
{
	size_t i, at = SIZE_MAX;

	for (i = 0; i < n && ((u[i] >= 'a' && u[i] <= 'z') ||
	    (u[i] >= 'A' && u[i] <= 'Z')); i++)
		;
	if (i == 0 || i + 3 > n || memcmp(u + i, "://", 3) != 0)
		return false;
	*start = i + 3;
	for (i = *start; i < n && u[i] != '/' && u[i] != '?' && u[i] != '#';
	    i++)
		if (u[i] == '@')
			at = i;
	if (at != SIZE_MAX)
		*start = at + 1;	/* never the userinfo */
	*end = i;
	return true;
}

/* http.uri: path and query of the target, percent-decoded, the path
 * normalised. */
static void
http_bb_uri(struct http_bb *bb, const uint8_t *u, size_t n)
{
	struct http_state *st = bb->st;
	size_t a0, a1, q, off;

	if (http_authority(u, n, &a0, &a1)) {
		u += a1;
		n -= a1;
	}
	for (q = 0; q < n && u[q] != '?'; q++)
		;
	if (!http_bb_begin(bb, APP_BUF_HTTP_URI))
		return;
	off = st->sc_len;
	http_sc_unescape(st, u, q);
	st->sc_len = off + http_path_normalise(st->sc + off, st->sc_len - off);
	if (q < n)
		http_sc_unescape(st, u + q, n - q);
	http_bb_end(bb);
}

/* http.host: lower case, without the port. */
static void
http_bb_host_norm(struct http_bb *bb, const uint8_t *h, size_t n)
{
	size_t i, end = n;

	if (n > 0 && h[0] == '[') {
		for (i = 0; i < n && h[i] != ']'; i++)
			;
		if (i < n)
			end = i + 1;
	} else {
		for (i = n; i > 0 && h[i - 1] >= '0' && h[i - 1] <= '9'; i--)
			;
		if (i > 0 && h[i - 1] == ':' &&
		    memchr(h, ':', i - 1) == NULL)
			end = i - 1;
	}
	if (!http_bb_begin(bb, APP_BUF_HTTP_HOST))
		return;
	for (i = 0; i < end; i++) {
		uint8_t c = (h[i] >= 'A' && h[i] <= 'Z') ?
		    (uint8_t)(h[i] - 'A' + 'a') : h[i];

		http_sc_put(bb->st, &c, 1);
	}
	http_bb_end(bb);
}

/* http.host.raw as sent, and http.host. */
static void
http_bb_host(struct http_bb *bb, const uint8_t *h, size_t n)
{
	http_bb_raw(bb, APP_BUF_HTTP_HOST_RAW, h, n);
	http_bb_host_norm(bb, h, n);
}

static int
http_b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * "Authorization: Basic dXNlcjpwYXNz": login.user and login.password
 * for the rules (default credentials); only ever in these buffers.
 */
static void
http_bb_basic(struct http_bb *bb)
{
	struct http_state *st = bb->st;
	const struct http_field *f = NULL;
	struct http_field hf;
	size_t off, i, colon;
	uint32_t acc = 0;
	int bits = 0, v;

	for (i = 0; i < bb->nfl && f == NULL; i++)
		if (http_name_is(bb->fl[i].name, bb->fl[i].nlen,
		    "authorization") && bb->fl[i].vlen > 6 &&
		    strncasecmp((const char *)bb->fl[i].val, "basic ", 6) == 0)
			f = &bb->fl[i];
	if (f == NULL)
		return;
	hf = *f;
	off = st->sc_len;
	for (i = 6; i < hf.vlen; i++) {
		if (hf.val[i] == ' ' && st->sc_len == off)
			continue;
		if (hf.val[i] == '=')
			break;
		if ((v = http_b64val(hf.val[i])) < 0) {
			st->sc_len = off;
			return;		/* not base64: no login */
		}
		acc = acc << 6 | (uint32_t)v;
		if ((bits += 6) >= 8) {
			uint8_t c = (uint8_t)(acc >> (bits - 8));

			bits -= 8;
			http_sc_put(st, &c, 1);
		}
	}
	for (colon = off; colon < st->sc_len && st->sc[colon] != ':'; colon++)
		;
	if (colon == st->sc_len || bb->n + 2 > HTTP_MAX_BUFS) {
		st->sc_len = off;
		return;
	}
	bb->b[bb->n].id = APP_BUF_LOGIN_USER;
	bb->off[bb->n] = off;
	bb->b[bb->n++].len = colon - off;
	bb->b[bb->n].id = APP_BUF_LOGIN_PASSWORD;
	bb->off[bb->n] = colon + 1;
	bb->b[bb->n++].len = st->sc_len - colon - 1;
}

/* Headers as Suricata's normalised buffers: http.header ("Name: value"
 * lines without the cookies), http.header_names, http.start. */
static void
http_bb_headers(struct http_bb *bb, const uint8_t *line, size_t llen,
    const uint8_t *fields, size_t flen, int dir)
{
	struct http_state *st = bb->st;
	const char *cookie = dir == APP_DIR_TOSERVER ? "cookie" :
	    "set-cookie";
	const struct http_field *hf;
	size_t i;

	if (http_bb_begin(bb, APP_BUF_HTTP_HEADER)) {
		for (i = 0, hf = bb->fl; i < bb->nfl; i++, hf++) {
			if (http_name_is(hf->name, hf->nlen, cookie))
				continue;
			http_sc_put(st, hf->name, hf->nlen);
			http_sc_put(st, ": ", 2);
			http_sc_put(st, hf->val, hf->vlen);
			http_sc_put(st, "\r\n", 2);
		}
		http_bb_end(bb);
	}
	if (http_bb_begin(bb, APP_BUF_HTTP_HEADER_NAMES)) {
		http_sc_put(st, "\r\n", 2);
		for (i = 0, hf = bb->fl; i < bb->nfl; i++, hf++) {
			http_sc_put(st, hf->name, hf->nlen);
			http_sc_put(st, "\r\n", 2);
		}
		http_sc_put(st, "\r\n", 2);
		http_bb_end(bb);
	}
	if (http_bb_begin(bb, APP_BUF_HTTP_START)) {
		http_sc_put(st, line, llen);
		http_sc_put(st, "\r\n", 2);
		for (i = 0, hf = bb->fl; i < bb->nfl; i++, hf++) {
			http_sc_put(st, hf->name, hf->nlen);
			http_sc_put(st, ": ", 2);
			http_sc_put(st, hf->val, hf->vlen);
			http_sc_put(st, "\r\n", 2);
		}
		http_sc_put(st, "\r\n", 2);
		http_bb_end(bb);
	}
	http_bb_raw(bb, APP_BUF_HTTP_HEADER_RAW, fields, flen);
}

static const struct {
	const char	*name;
	enum app_buf_id	 id;
	int		 dir;		/* -1: both */
} http_value_bufs[] = {
	{ "user-agent",		APP_BUF_HTTP_USER_AGENT,	APP_DIR_TOSERVER },
	{ "referer",		APP_BUF_HTTP_REFERER,		APP_DIR_TOSERVER },
	{ "accept",		APP_BUF_HTTP_ACCEPT,		APP_DIR_TOSERVER },
	{ "accept-encoding",	APP_BUF_HTTP_ACCEPT_ENC,	APP_DIR_TOSERVER },
	{ "accept-language",	APP_BUF_HTTP_ACCEPT_LANG,	APP_DIR_TOSERVER },
	{ "cookie",		APP_BUF_HTTP_COOKIE,		APP_DIR_TOSERVER },
	{ "set-cookie",		APP_BUF_HTTP_COOKIE,		APP_DIR_TOCLIENT },
	{ "connection",		APP_BUF_HTTP_CONNECTION,	-1 },
	{ "content-type",	APP_BUF_HTTP_CONTENT_TYPE,	-1 },
	{ "content-length",	APP_BUF_HTTP_CONTENT_LEN,	-1 },
	{ "location",		APP_BUF_HTTP_LOCATION,		APP_DIR_TOCLIENT },
	{ "server",		APP_BUF_HTTP_SERVER,		APP_DIR_TOCLIENT },
};

/* The tokens of a start line: [0] up to the first space, [1] to the
 * next, [2] the rest. */
static void
http_start_tokens(const uint8_t *line, size_t n, const uint8_t *tok[3],
    size_t len[3])
{
	size_t i, k, start = 0;

	for (k = 0; k < 3; k++) {
		tok[k] = line + start;
		len[k] = 0;
	}
	for (k = 0; k < 2 && start <= n; k++) {
		for (i = start; i < n && line[i] != ' '; i++)
			;
		tok[k] = line + start;
		len[k] = i - start;
		start = i < n ? i + 1 : n;
	}
	tok[2] = line + start;
	len[2] = n - start;
}

/* Zero a buffer, all of it (not only what is in use), and free it. */
static void
http_wipe(uint8_t **p, size_t *len, size_t *size)
{
	if (*p != NULL) {
		explicit_bzero(*p, *size);
		free(*p);
	}
	*p = NULL;
	*len = *size = 0;
}

/* Build the buffers of the kept message of dir and inspect them. */
static void
http_insp_run(struct http_state *st, struct app_ctx *ctx, int dir)
{
	struct http_insp *in = &st->insp[dir];
	struct http_bb bb;
	struct http_field fl_stack[HTTP_FIELDS_STACK], *fl = fl_stack;
	const uint8_t *line, *fields, *tok[3], *nl;
	size_t llen, flen, len[3], i, a0, a1, lines;
	bool req = dir == APP_DIR_TOSERVER;

	in->pending = false;
	memset(&bb, 0, sizeof(bb));
	bb.st = st;
	st->sc_len = 0;
	line = in->head;
	for (llen = 0; llen < in->head_len && line[llen] != '\n'; llen++)
		;
	fields = llen < in->head_len ? line + llen + 1 : line + llen;
	flen = in->head_len - (size_t)(fields - line);
	if (llen > 0 && line[llen - 1] == '\r')
		llen--;
	for (lines = 0, nl = fields; (nl = memchr(nl, '\n',
	    flen - (size_t)(nl - fields))) != NULL; nl++)
		lines++;
	if (lines + 1 > HTTP_FIELDS_STACK)
		fl = xreallocarray(NULL, lines + 1, sizeof(*fl));
	bb.fl = fl;
	bb.nfl = http_fields(fields, flen, fl);
	http_start_tokens(line, llen, tok, len);
	if (req) {
		http_bb_raw(&bb, APP_BUF_HTTP_REQUEST_LINE, line, llen);
		http_bb_raw(&bb, APP_BUF_HTTP_METHOD, tok[0], len[0]);
		http_bb_raw(&bb, APP_BUF_HTTP_URI_RAW, tok[1], len[1]);
		http_bb_uri(&bb, tok[1], len[1]);
		if (len[2] > 0)
			http_bb_raw(&bb, APP_BUF_HTTP_PROTOCOL, tok[2],
			    len[2]);
		/* The target's authority wins over Host, as in Suricata. */
		if (http_authority(tok[1], len[1], &a0, &a1))
			http_bb_host(&bb, tok[1] + a0, a1 - a0);
		else if (http_bb_header(&bb, "host", APP_BUF_HTTP_HOST_RAW)) {
			size_t off = bb.off[bb.n - 1], n = bb.b[bb.n - 1].len;

			/* Built from the scratch into the scratch. */
			http_sc_reserve(st, n);
			http_bb_host_norm(&bb, st->sc + off, n);
		}
		http_bb_basic(&bb);
	} else {
		http_bb_raw(&bb, APP_BUF_HTTP_RESPONSE_LINE, line, llen);
		http_bb_raw(&bb, APP_BUF_HTTP_PROTOCOL, tok[0], len[0]);
		http_bb_raw(&bb, APP_BUF_HTTP_STAT_CODE, tok[1], len[1]);
		http_bb_raw(&bb, APP_BUF_HTTP_STAT_MSG, tok[2], len[2]);
	}
	for (i = 0; i < sizeof(http_value_bufs) / sizeof(http_value_bufs[0]);
	    i++)
		if (http_value_bufs[i].dir == -1 ||
		    http_value_bufs[i].dir == dir)
			(void)http_bb_header(&bb, http_value_bufs[i].name,
			    http_value_bufs[i].id);
	http_bb_headers(&bb, line, llen, fields, flen, dir);
	if (in->body_len > 0) {
		http_bb_raw(&bb, req ? APP_BUF_HTTP_REQUEST_BODY :
		    APP_BUF_HTTP_RESPONSE_BODY, in->body, in->body_len);
		http_bb_raw(&bb, APP_BUF_FILE_DATA, in->body, in->body_len);
	}
	for (i = 0; i < bb.n; i++)
		if (bb.off[i] != HTTP_SC_NONE)
			bb.b[i].data = st->sc + bb.off[i];
	app_inspect(ctx, APP_HTTP, dir, bb.b, bb.n, &in->fact);
	if (fl != fl_stack)
		free(fl);
	/*
	 * Nothing outlives the call, and nothing is kept for the next
	 * message: a keep-alive session mostly waits between messages
	 * (1,700 idle sessions held 7 MB of bodies on a hospital capture),
	 * and what a message carried is wiped before it goes.
	 */
	http_wipe(&st->sc, &st->sc_len, &st->sc_size);
	http_wipe(&in->body, &in->body_len, &in->body_size);
	http_wipe(&in->head, &in->head_len, &in->head_size);
}

/* A header block of blen bytes: keep it for the rules. */
static void
http_insp_begin(struct http_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *buf, size_t blen, const struct http_facts *f)
{
	struct http_insp *in = &st->insp[dir];

	if (!app_inspect_wanted(ctx, APP_HTTP))
		return;
	if (in->pending)
		http_insp_run(st, ctx, dir);	/* never: bodies end first */
	if (blen > in->head_size) {
		free(in->head);
		in->head = xreallocarray(NULL, blen, 1);
		in->head_size = blen;
	}
	memcpy(in->head, buf, blen);
	in->head_len = blen;
	in->body_len = 0;
	in->fact = *f;
	in->pending = true;
}

/* Body bytes of the kept message, up to the limit: at the limit the
 * message is inspected with what it has. */
static void
http_insp_body(struct http_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *p, size_t n)
{
	struct http_insp *in = &st->insp[dir];
	size_t take;

	if (!in->pending || n == 0)
		return;
	take = HTTP_BODY_LIMIT - in->body_len;
	if (take > n)
		take = n;
	if (in->body_len + take > in->body_size) {
		size_t nsize = in->body_size ? in->body_size : 4096;

		while (nsize < in->body_len + take)
			nsize *= 2;
		if (nsize > HTTP_BODY_LIMIT)
			nsize = HTTP_BODY_LIMIT;
		in->body = http_grow(in->body, in->body_len, in->body_size,
		    nsize);
		in->body_size = nsize;
	}
	memcpy(in->body + in->body_len, p, take);
	in->body_len += take;
	if (in->body_len == HTTP_BODY_LIMIT)
		http_insp_run(st, ctx, dir);
}

static enum app_probe
http_probe_prefix(const uint8_t *buf, size_t len, const char *want, size_t n)
{
	if (len < n)
		return memcmp(buf, want, len) == 0 ? APP_PROBE_MAYBE :
		    APP_PROBE_NO;
	return memcmp(buf, want, n) == 0 ? APP_PROBE_YES : APP_PROBE_NO;
}

/*
 * The methods a request line may start with, each with its space: the
 * probe sees the first bytes of every new flow, and formatting these
 * for each of them cost more than the rest of detection.
 */
#define HTTP_PROBE_METHOD(m)	{ m " ", sizeof(m) }
static const struct {
	const char	*want;
	size_t		 len;
} http_probe_methods[] = {
	HTTP_PROBE_METHOD("GET"), HTTP_PROBE_METHOD("POST"),
	HTTP_PROBE_METHOD("PUT"), HTTP_PROBE_METHOD("HEAD"),
	HTTP_PROBE_METHOD("OPTIONS"), HTTP_PROBE_METHOD("DELETE"),
	HTTP_PROBE_METHOD("PATCH"), HTTP_PROBE_METHOD("CONNECT"),
	HTTP_PROBE_METHOD("TRACE"),
};
#undef HTTP_PROBE_METHOD

static enum app_probe
http_probe(const uint8_t *buf, size_t len, int dir)
{
	enum app_probe r, best = APP_PROBE_NO;
	size_t i;

	if (buf == NULL || len == 0)
		return APP_PROBE_MAYBE;
	if (dir == APP_DIR_TOCLIENT)
		return http_probe_prefix(buf, len, "HTTP/1.", 7);
	for (i = 0; i < sizeof(http_probe_methods) /
	    sizeof(http_probe_methods[0]); i++) {
		if (buf[0] != (uint8_t)http_probe_methods[i].want[0])
			continue;
		r = http_probe_prefix(buf, len, http_probe_methods[i].want,
		    http_probe_methods[i].len);
		if (r == APP_PROBE_YES)
			return r;
		if (r == APP_PROBE_MAYBE)
			best = r;
	}
	return best;
}

static void *
http_state_new(void)
{
	return xcalloc(1, sizeof(struct http_state));
}

static void
http_state_free(void *state)
{
	struct http_state *st = state;
	int i;

	/* A message kept for the rules, requests waiting for their
	 * answers: wire bytes and what was read from them. */
	for (i = 0; i < 2; i++) {
		http_wipe(&st->insp[i].head, &st->insp[i].head_len,
		    &st->insp[i].head_size);
		http_wipe(&st->insp[i].body, &st->insp[i].body_len,
		    &st->insp[i].body_size);
	}
	http_wipe(&st->sc, &st->sc_len, &st->sc_size);
	if (st->pending != NULL)
		explicit_bzero(st->pending, st->cap * sizeof(*st->pending));
	free(st->pending);
	explicit_bzero(st, sizeof(*st));
	free(state);
}

static size_t
http_memuse(const void *state)
{
	const struct http_state *st = state;

	return mem_cost(st->insp[0].head_size) +
	    mem_cost(st->insp[0].body_size) +
	    mem_cost(st->insp[1].head_size) +
	    mem_cost(st->insp[1].body_size) + mem_cost(st->sc_size) +
	    mem_cost(st->cap * sizeof(*st->pending));
}

/* The Host header without its port, lower case, as Suricata logs it. */
static void
http_eve_host(struct jsonw *jw, const char *host)
{
	char name[HTTP_VALUE_LEN];
	const char *end, *err;
	size_t i, n;
	uint64_t port;

	const char *start = host;

	/* An IPv6 literal, "[2001:db8::1]:8080", is logged bare. */
	if (host[0] == '[' && (end = strchr(host, ']')) != NULL) {
		start = host + 1;
		n = (size_t)(end - start);
		end++;
	} else {
		end = strchr(host, ':');
		n = end != NULL ? (size_t)(end - host) : strlen(host);
	}
	for (i = 0; i < n && i + 1 < sizeof(name); i++)
		name[i] = (start[i] >= 'A' && start[i] <= 'Z') ?
		    (char)(start[i] - 'A' + 'a') : start[i];
	name[i] = '\0';
	if (name[0] != '\0')
		JSONW_KV_STR(jw, "hostname", name);
	if (end != NULL && *end == ':' && end[1] != '\0' &&
	    parse_uint(end + 1, 1, 65535, &port, &err) == 0)
		JSONW_KV_UINT(jw, "http_port", port);
}

static void
http_eve(struct jsonw *jw, const void *fact)
{
	const struct http_facts *f = fact;

	if (f->has_request) {
		http_eve_host(jw, f->host);
		JSONW_KV_STR(jw, "url", f->uri);
		if (f->user_agent[0] != '\0')
			JSONW_KV_STR(jw, "http_user_agent", f->user_agent);
	}
	if (f->has_response && f->content_type[0] != '\0')
		JSONW_KV_STR(jw, "http_content_type", f->content_type);
	if (f->has_request) {
		JSONW_KV_STR(jw, "http_method", f->method);
		JSONW_KV_STR(jw, "protocol", f->protocol[0] != '\0' ?
		    f->protocol : "HTTP/0.9");
	} else if (f->resp_protocol[0] != '\0')
		JSONW_KV_STR(jw, "protocol", f->resp_protocol);
	if (f->has_response) {
		JSONW_KV_UINT(jw, "status", f->status);
		JSONW_KV_UINT(jw, "length", f->resp_length);
	}
}

/* What Suricata's http object has no field for. */
static void
http_eve_extra(struct jsonw *jw, const void *fact)
{
	const struct http_facts *f = fact;

	JSONW_KEY(jw, "http");
	jsonw_obj_open(jw);
	if (f->has_response && f->server[0] != '\0')
		JSONW_KV_STR(jw, "server", f->server);
	JSONW_KV_BOOL(jw, "request", f->has_request);
	JSONW_KV_BOOL(jw, "response", f->has_response);
	if (f->authorization)
		JSONW_KV_BOOL(jw, "authorization", true);
	if (f->cookie)
		JSONW_KV_BOOL(jw, "cookie", true);
	if (f->set_cookie)
		JSONW_KV_BOOL(jw, "set_cookie", true);
	if (f->uri_truncated)
		JSONW_KV_BOOL(jw, "url_truncated", true);
	if (f->req_chunked)
		JSONW_KV_BOOL(jw, "request_chunked", true);
	else if (f->req_has_length)
		JSONW_KV_UINT(jw, "request_length", f->req_length);
	if (f->resp_chunked)
		JSONW_KV_BOOL(jw, "response_chunked", true);
	jsonw_obj_close(jw);
}

/* Device evidence: the client's and the server's software, and the
 * ends of HTTP Basic credentials sent in clear. */
static void
http_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct http_facts *h = fact;

	(void)dir;
	if (h->has_request)
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_HTTP_USER_AGENT,
		    h->user_agent);
	if (h->has_request && h->basic_auth) {
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_HTTP_BASIC_AUTH,
		    "client");
		app_evidence(sink, APP_END_SERVER, EVIDENCE_HTTP_BASIC_AUTH,
		    "server");
	}
	if (h->has_response)
		app_evidence(sink, APP_END_SERVER, EVIDENCE_HTTP_SERVER,
		    h->server);
}

const struct app_parser http_parser = {
	.proto = APP_HTTP,
	.ipproto = IPPROTO_TCP,
	.ports = http_ports,
	.anom_first = EV_HTTP_HEADER_TOO_LONG,
	.anom_last = EV_HTTP_RESPONSE_WITHOUT_REQUEST,
	.probe = http_probe,
	.state_new = http_state_new,
	.state_size = sizeof(struct http_state),
	.state_free = http_state_free,
	.parse = http_parse,
	.gap = http_gap,
	.eve = http_eve,
	.eve_extra = http_eve_extra,
	.facts = http_facts,
	.memuse = http_memuse,
};
