/*
 * fuzz-http.c - libFuzzer target for the HTTP/1.x, MQTT, FTP and telnet
 * parsers (their parse, gap, eve and eve_extra ops, and the probes).
 *
 * Input: byte 0 chooses the run; the rest is a stream cut into chunks
 * at the separator "\xff\xfe\xfd\xfc", the chunks alternating between
 * the client and the server direction (client first).
 *	bits 0-1  the parser: http, mqtt, ftp, telnet
 *	bit 2     an empty chunk (two separators in a row) is a gap
 * Each chunk is appended to its direction's unconsumed tail and parsed
 * the way the framework does (app/layer.c), from a buffer of exactly
 * that length so ASan sees any over-read.  After every call: consumed
 * <= length, the tail kept stays under the framework's cap, every
 * fact's strings are NUL-terminated in their arrays, and the EVE
 * objects are complete.
 *
 * Build and run (from a build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-http
 *	mkdir -p fuzz-http.corpus
 *	./tests/fuzz/fuzz-http -max_total_time=600 -max_len=8192 \
 *	    fuzz-http.corpus ../tests/fuzz/corpus/http
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/jsonw.h"
#include "app/http.h"
#include "app/login.h"
#include "app/mqtt.h"

#define FUZZ_SEP	"\xff\xfe\xfd\xfc"
#define FUZZ_SEP_LEN	4
#define FUZZ_MAX_CHUNKS	256
/* Far above what any of these parsers may ask the framework to hold. */
#define FUZZ_CAP	(HTTP_MAX_HEADER + MQTT_MAX_PACKET + 16)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct app_ctx {
	const struct app_parser *ap;
	struct jsonw	 jw;
	unsigned	 facts;
	unsigned	 anomalies;
};

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void
check_str(const char *s, size_t size)
{
	check(memchr(s, '\0', size) != NULL);
}

static void
check_facts(enum app_proto proto, const void *fact)
{
	const struct http_facts *h = fact;
	const struct mqtt_facts *m = fact;
	const struct login_facts *l = fact;
	size_t i;

	switch (proto) {
	case APP_HTTP:
		check(h->has_request || h->has_response);
		check_str(h->method, sizeof(h->method));
		check_str(h->uri, sizeof(h->uri));
		check_str(h->protocol, sizeof(h->protocol));
		check_str(h->host, sizeof(h->host));
		check_str(h->user_agent, sizeof(h->user_agent));
		check_str(h->resp_protocol, sizeof(h->resp_protocol));
		check_str(h->server, sizeof(h->server));
		check_str(h->content_type, sizeof(h->content_type));
		break;
	case APP_MQTT:
		check_str(m->protocol_string, sizeof(m->protocol_string));
		check_str(m->client_id, sizeof(m->client_id));
		check_str(m->topic, sizeof(m->topic));
		check_str(m->will_topic, sizeof(m->will_topic));
		check(m->n_filters <= MQTT_MAX_FILTERS);
		for (i = 0; i < MQTT_MAX_FILTERS; i++)
			check_str(m->filter[i], sizeof(m->filter[i]));
		break;
	case APP_FTP:
	case APP_TELNET:
		check(l->protocol == proto);
		check_str(l->user, sizeof(l->user));
		check(l->n_codes <= LOGIN_MAX_CODES);
		check(l->outcome <= LOGIN_FAILURE);
		break;
	default:
		check(false);
	}
}

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	size_t len;

	check(proto == ctx->ap->proto);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	check_facts(proto, fact);
	jsonw_reset(&ctx->jw);
	jsonw_obj_open(&ctx->jw);
	jsonw_key(&ctx->jw, "record");	/* the name does not matter here */
	jsonw_obj_open(&ctx->jw);
	ctx->ap->eve(&ctx->jw, fact);
	jsonw_obj_close(&ctx->jw);
	if (ctx->ap->eve_extra != NULL) {
		jsonw_key(&ctx->jw, "wardwatch");
		jsonw_obj_open(&ctx->jw);
		ctx->ap->eve_extra(&ctx->jw, fact);
		jsonw_obj_close(&ctx->jw);
	}
	jsonw_obj_close(&ctx->jw);
	check(jsonw_ok(&ctx->jw));
	(void)jsonw_text(&ctx->jw, &len);
	ctx->facts++;
}

/* Build every detection buffer, and read each byte of it (ASan). */
bool
app_inspect_wanted(struct app_ctx *ctx, enum app_proto proto)
{
	(void)ctx;
	(void)proto;
	return true;
}

void
app_inspect(struct app_ctx *ctx, enum app_proto proto, int dir,
    const struct app_buf *bufs, size_t nbufs, const void *fact)
{
	volatile uint8_t sum = 0;
	size_t i, j;

	(void)ctx;
	(void)proto;
	(void)fact;
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	for (i = 0; i < nbufs; i++) {
		check(bufs[i].id < APP_BUF_MAX);
		check(bufs[i].len == 0 || bufs[i].data != NULL);
		for (j = 0; j < bufs[i].len; j++)
			sum ^= bufs[i].data[j];
	}
	(void)sum;
}

void
app_anomaly(struct app_ctx *ctx, enum ww_counter ev)
{
	check(ev_is_anomaly(ev));
	ctx->anomalies++;
}

struct fuzz_dir {
	uint8_t		*buf;
	size_t		 len;
	bool		 done;		/* the parser said ERROR */
};

static void
feed(void *st, struct app_ctx *ctx, struct fuzz_dir *d, int dir,
    const uint8_t *p, size_t n)
{
	struct app_result r;
	uint8_t *buf;
	size_t have, off = 0;

	if (d->done)
		return;
	have = d->len + n;
	if ((buf = malloc(have > 0 ? have : 1)) == NULL)
		return;
	if (d->len > 0)
		memcpy(buf, d->buf, d->len);
	if (n > 0)
		memcpy(buf + d->len, p, n);
	while (off < have) {
		r = ctx->ap->parse(st, ctx, dir, buf + off, have - off);
		check(r.consumed <= have - off);
		off += r.consumed;
		if (r.status == PARSE_ERROR) {
			d->done = true;
			break;
		}
		if (r.status == PARSE_INCOMPLETE || r.consumed == 0)
			break;
	}
	check(d->done || have - off <= FUZZ_CAP);
	free(d->buf);
	d->buf = NULL;
	d->len = d->done ? 0 : have - off;
	if (d->len > 0) {
		d->buf = malloc(d->len);
		check(d->buf != NULL);
		memcpy(d->buf, buf + off, d->len);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct app_parser *const parsers[4] = {
		&http_parser, &mqtt_parser, &ftp_parser, &telnet_parser,
	};
	struct fuzz_dir dirs[2] = { { NULL, 0, false }, { NULL, 0, false } };
	struct app_ctx ctx;
	const uint8_t *cur, *end, *sep;
	size_t len;
	unsigned n = 0, i;
	bool gaps;
	void *st;
	int dir = APP_DIR_TOSERVER;

	if (size < 1)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.ap = parsers[data[0] & 0x03];
	gaps = (data[0] & 0x04) != 0;
	/* Every probe must answer for any prefix, either direction. */
	for (i = 0; i < 4; i++) {
		(void)parsers[i]->probe(data + 1, size - 1, APP_DIR_TOSERVER);
		(void)parsers[i]->probe(data + 1, size - 1, APP_DIR_TOCLIENT);
	}
	if ((st = ctx.ap->state_new()) == NULL)
		return 0;
	jsonw_init(&ctx.jw, JSONW_DEFAULT_CAP);

	cur = data + 1;
	end = data + size;
	while (n++ < FUZZ_MAX_CHUNKS) {
		sep = NULL;
		if ((size_t)(end - cur) >= FUZZ_SEP_LEN)
			sep = memmem(cur, (size_t)(end - cur), FUZZ_SEP,
			    FUZZ_SEP_LEN);
		len = (size_t)((sep != NULL ? sep : end) - cur);
		if (len == 0 && gaps) {
			/* The framework drops the tail, then says so. */
			free(dirs[dir].buf);
			dirs[dir].buf = NULL;
			dirs[dir].len = 0;
			if (!dirs[dir].done)
				ctx.ap->gap(st, &ctx, dir);
		} else
			feed(st, &ctx, &dirs[dir], dir, cur, len);
		if (sep == NULL)
			break;
		cur = sep + FUZZ_SEP_LEN;
		dir = !dir;
	}
	free(dirs[0].buf);
	free(dirs[1].buf);
	jsonw_free(&ctx.jw);
	ctx.ap->state_free(st);
	return 0;
}
