/*
 * app/ssdp.c - SSDP message parser (UPnP Device Architecture 2.0,
 * section 1; HTTPU/HTTPMU), one UDP datagram per message.
 *
 *   NOTIFY * HTTP/1.1 CRLF          an announcement (ssdp:alive/byebye)
 *   M-SEARCH * HTTP/1.1 CRLF        a search
 *   HTTP/1.1 200 OK CRLF            a search response
 *   NAME: value CRLF ...            headers, names case-insensitive
 *   CRLF
 *
 * Lines are read through a struct breader and bounded (SSDP_MAX_LINE,
 * SSDP_MAX_LINES); values are kept up to SSDP_MAX_VALUE bytes.  Bare LF
 * line ends are accepted: embedded stacks send them.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/ssdp.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/util.h"

static const uint16_t ssdp_ports[] = { 1900, 0 };

/* The next line without its CR LF; NULL at the end of the message. */
static const char *
next_line(struct breader *br, size_t *len, bool *too_long)
{
	ptrdiff_t nl = br_find(br, '\n');
	size_t n, take;
	const char *s;

	*too_long = false;
	if (br_left(br) == 0)
		return NULL;
	n = nl < 0 ? br_left(br) : (size_t)nl;
	take = nl < 0 ? n : n + 1;
	if (take > SSDP_MAX_LINE) {
		*too_long = true;
		return NULL;
	}
	s = (const char *)br_bytes(br, take);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	*len = n;
	return s;
}

static bool
has_prefix(const char *s, size_t n, const char *pfx)
{
	size_t l = strlen(pfx);

	return n >= l && memcmp(s, pfx, l) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static void
set_value(struct ssdp_value *v, const char *s, size_t n)
{
	v->present = true;
	v->truncated = n > sizeof(v->s);
	v->len = n > sizeof(v->s) ? sizeof(v->s) : n;
	memcpy(v->s, s, v->len);
}

static struct ssdp_value *
header_slot(struct ssdp_facts *f, const char *name, size_t n)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} known[] = {
		{ "SERVER", offsetof(struct ssdp_facts, server) },
		{ "USER-AGENT", offsetof(struct ssdp_facts, user_agent) },
		{ "NT", offsetof(struct ssdp_facts, nt) },
		{ "ST", offsetof(struct ssdp_facts, st) },
		{ "USN", offsetof(struct ssdp_facts, usn) },
		{ "LOCATION", offsetof(struct ssdp_facts, location) },
		{ "NTS", offsetof(struct ssdp_facts, nts) },
		{ "MAN", offsetof(struct ssdp_facts, man) },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n &&
		    strncasecmp(known[i].name, name, n) == 0)
			return (struct ssdp_value *)((char *)f + known[i].off);
	return NULL;
}

static int
start_line(struct ssdp_facts *f, const char *s, size_t n)
{
	if (has_prefix(s, n, "NOTIFY * HTTP/1.")) {
		f->kind = SSDP_NOTIFY;
		return 0;
	}
	if (has_prefix(s, n, "M-SEARCH * HTTP/1.")) {
		f->kind = SSDP_MSEARCH;
		return 0;
	}
	/* HTTP/1.x NNN */
	if (n >= 12 && has_prefix(s, n, "HTTP/1.") &&
	    (s[7] == '0' || s[7] == '1') && s[8] == ' ' &&
	    s[9] >= '1' && s[9] <= '5' && s[10] >= '0' && s[10] <= '9' &&
	    s[11] >= '0' && s[11] <= '9' && (n == 12 || s[12] == ' ')) {
		f->kind = SSDP_RESPONSE;
		f->status = (uint16_t)((s[9] - '0') * 100 + (s[10] - '0') * 10 +
		    (s[11] - '0'));
		return 0;
	}
	return -1;
}

int
ssdp_parse_message(const uint8_t *p, size_t n, struct ssdp_facts *f,
    struct app_ctx *ctx)
{
	struct breader br;
	const char *line, *colon;
	struct ssdp_value *v;
	size_t len, nlines, nlen, vs, ve;
	bool too_long;

	memset(f, 0, sizeof(*f));
	br_init(&br, p, n);
	line = next_line(&br, &len, &too_long);
	if (line == NULL || start_line(f, line, len) == -1)
		return -1;
	for (nlines = 0;; nlines++) {
		line = next_line(&br, &len, &too_long);
		if (too_long || (line != NULL && nlines == SSDP_MAX_LINES)) {
			if (ctx != NULL)
				app_anomaly(ctx, EV_SSDP_LINE_TOO_LONG);
			break;
		}
		if (line == NULL || len == 0)
			break;		/* end of the headers */
		if ((colon = memchr(line, ':', len)) == NULL)
			continue;	/* not a header; tolerated */
		nlen = (size_t)(colon - line);
		while (nlen > 0 && is_space(line[nlen - 1]))
			nlen--;
		if ((v = header_slot(f, line, nlen)) == NULL)
			continue;
		vs = (size_t)(colon - line) + 1;
		ve = len;
		while (vs < ve && is_space(line[vs]))
			vs++;
		while (ve > vs && is_space(line[ve - 1]))
			ve--;
		set_value(v, line + vs, ve - vs);
	}
	return 0;
}

static enum app_probe
ssdp_probe(const uint8_t *p, size_t n, int dir)
{
	struct ssdp_facts f;

	(void)dir;
	if (ssdp_parse_message(p, n, &f, NULL) == -1)
		return APP_PROBE_NO;
	/* An HTTP response over UDP is SSDP only with its headers. */
	if (f.kind == SSDP_RESPONSE && !f.usn.present && !f.st.present)
		return APP_PROBE_NO;
	return APP_PROBE_YES;
}

/* Each datagram is parsed into this thread's scratch: no flow state. */
static _Thread_local struct ssdp_facts ssdp_scratch;

static struct app_result
ssdp_parse(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	struct ssdp_facts *f = &ssdp_scratch;

	(void)st;
	if (ssdp_parse_message(p, n, f, ctx) == -1) {
		app_anomaly(ctx, EV_SSDP_MALFORMED);
		return app_ok(n);	/* one bad datagram; the next may do */
	}
	app_emit(ctx, APP_SSDP, dir, f);
	return app_ok(n);
}

static void
kv_value(struct jsonw *jw, const char *k, const struct ssdp_value *v)
{
	if (!v->present)
		return;
	jsonw_key(jw, k);
	jsonw_strn(jw, v->s, v->len);
}

/*
 * Suricata has no ssdp object: this one is ours.  Header names are
 * written in lower case with '-' as '_'.
 */
static void
ssdp_eve(struct jsonw *jw, const void *fact)
{
	const struct ssdp_facts *f = fact;

	switch (f->kind) {
	case SSDP_NOTIFY:
		jsonw_kv_str(jw, "type", "notify");
		break;
	case SSDP_MSEARCH:
		jsonw_kv_str(jw, "type", "search");
		break;
	default:
		jsonw_kv_str(jw, "type", "response");
		jsonw_kv_uint(jw, "status", f->status);
		break;
	}
	kv_value(jw, "nts", &f->nts);
	kv_value(jw, "nt", &f->nt);
	kv_value(jw, "st", &f->st);
	kv_value(jw, "man", &f->man);
	kv_value(jw, "usn", &f->usn);
	kv_value(jw, "location", &f->location);
	kv_value(jw, "server", &f->server);
	kv_value(jw, "user_agent", &f->user_agent);
}

/* Device evidence: the SERVER header of a notification or response. */
static void
ssdp_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct ssdp_facts *f = fact;

	if (f->kind != SSDP_MSEARCH && f->server.present)
		app_evidence(sink, APP_END_SENDER(dir), EVIDENCE_SSDP_SERVER,
		    f->server.s);
}

const struct app_parser ssdp_parser = {
	.proto = APP_SSDP,
	.ipproto = IPPROTO_UDP,
	.ports = ssdp_ports,
	.anom_first = EV_SSDP_MALFORMED,
	.anom_last = EV_SSDP_LINE_TOO_LONG,
	.probe = ssdp_probe,
	.state_new = NULL,		/* each datagram whole */
	.state_size = 0,
	.state_free = NULL,
	.parse = ssdp_parse,
	.gap = NULL,
	.eve = ssdp_eve,
	.eve_extra = NULL,
	.facts = ssdp_facts,
};
