/*
 * fuzz-dns.c - libFuzzer target for the UDP parsers: DNS/mDNS, SSDP and
 * DHCP (and DNS over TCP).
 *
 * Input: one UDP datagram.  It goes through the probes and the parsers
 * (each ignores what is not its protocol), and the same bytes go to the
 * DNS-over-TCP parser as a stream cut in two where the first byte says,
 * the way the framework keeps an unconsumed tail.  Every fact is
 * written through the EVE hooks, which must give complete JSON.
 * Anomalies must be APP-kind events.  libFuzzer hands over a buffer of
 * exactly the input's size, so ASan sees any over-read.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-dns
 *	mkdir -p fuzz-dns.corpus
 *	./tests/fuzz/fuzz-dns -max_total_time=600 -max_len=2048 \
 *	    fuzz-dns.corpus ../tests/fuzz/corpus/dns
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/dns/ are the
 * unit tests' messages (a query, a response with compression, an mDNS
 * announcement, SSDP NOTIFY and M-SEARCH), the query and response as a
 * TCP stream, and a DHCP REQUEST and OFFER.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/jsonw.h"
#include "app/dhcp.h"
#include "app/dns.h"
#include "app/ssdp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct app_ctx {
	struct jsonw	 w;
	unsigned	 n_facts;
	unsigned	 n_anom;
};

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void
write_fact(struct app_ctx *ctx, const struct app_parser *ap,
    const void *fact)
{
	jsonw_reset(&ctx->w);
	jsonw_obj_open(&ctx->w);
	ap->eve(&ctx->w, fact);
	if (ap->eve_extra != NULL) {
		jsonw_key(&ctx->w, "wardwatch");
		jsonw_obj_open(&ctx->w);
		ap->eve_extra(&ctx->w, fact);
		jsonw_obj_close(&ctx->w);
	}
	jsonw_obj_close(&ctx->w);
	check(jsonw_ok(&ctx->w));
}

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	switch (proto) {
	case APP_DNS:
		write_fact(ctx, &dns_parser, fact);
		break;
	case APP_MDNS:
		write_fact(ctx, &mdns_parser, fact);
		break;
	case APP_SSDP:
		write_fact(ctx, &ssdp_parser, fact);
		break;
	case APP_DHCP:
		write_fact(ctx, &dhcp_parser, fact);
		break;
	default:
		abort();
	}
	ctx->n_facts++;
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
	ctx->n_anom++;
}

static void
run(const struct app_parser *ap, struct app_ctx *ctx, const uint8_t *p,
    size_t n)
{
	struct app_result r;
	void *st;

	(void)ap->probe(p, n, APP_DIR_TOSERVER);
	st = app_state_new(ap);
	r = ap->parse(st, ctx, APP_DIR_TOSERVER, p, n);
	check(r.status != PARSE_INCOMPLETE && r.consumed <= n);
	app_state_free(ap, st);
}

/* A stream in two pieces, fed as app/layer.c does (tail kept). */
static void
run_stream(const struct app_parser *ap, struct app_ctx *ctx,
    const uint8_t *p, size_t n)
{
	struct app_result r;
	uint8_t *buf;
	size_t cut, have = 0, off = 0, end;
	void *st;
	int piece;

	if (n == 0)
		return;
	(void)ap->probe(p, n, APP_DIR_TOSERVER);
	cut = p[0] % n;
	if ((buf = malloc(n)) == NULL)
		abort();
	st = app_state_new(ap);
	for (piece = 0; piece < 2; piece++) {
		end = piece == 0 ? cut : n;
		memcpy(buf + have, p + off, end - off);
		have += end - off;
		off = end;
		while (have > 0) {
			r = ap->parse(st, ctx, APP_DIR_TOSERVER, buf, have);
			check(r.consumed <= have);
			memmove(buf, buf + r.consumed, have - r.consumed);
			have -= r.consumed;
			if (r.status != PARSE_OK || r.consumed == 0)
				break;
		}
	}
	if (ap->gap != NULL)
		ap->gap(st, ctx, APP_DIR_TOSERVER);
	app_state_free(ap, st);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct app_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	jsonw_init(&ctx.w, JSONW_DEFAULT_CAP);
	run(&dns_parser, &ctx, data, size);
	run(&mdns_parser, &ctx, data, size);
	run(&ssdp_parser, &ctx, data, size);
	run(&dhcp_parser, &ctx, data, size);
	run_stream(&dns_tcp_parser, &ctx, data, size);
	jsonw_free(&ctx.w);
	return 0;
}
