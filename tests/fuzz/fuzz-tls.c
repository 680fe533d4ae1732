/*
 * fuzz-tls.c - libFuzzer target for the TLS parser.
 *
 * Input: a conversation.  The bytes are split at the separator
 * "\xff\xfe\xfd\xfc" into chunks; the first chunk goes to the client
 * direction (to server), the next to the server direction, and so on
 * alternately.  An empty chunk (two separators in a row) is a gap in
 * that direction.  Each direction is fed the way the framework feeds
 * it: the unconsumed tail is kept and re-presented with the next
 * chunk, in a buffer of exactly its length so ASan sees any over-read.
 * The contract is checked after every call: consumed never exceeds the
 * input, and the parser never leaves the framework more than a record
 * header's worth of bytes (it streams record bodies itself).
 * Every fact is written through the EVE hook and must give complete
 * JSON.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-tls
 *	mkdir -p fuzz-tls.corpus
 *	./tests/fuzz/fuzz-tls -max_total_time=600 -max_len=8192 \
 *	    fuzz-tls.corpus ../tests/fuzz/corpus/tls
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/tls/ are
 * handshakes in this input format (see the unit tests for the messages
 * they contain).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "jsonw.h"
#include "proto-tls.h"

#define FUZZ_SEP	"\xff\xfe\xfd\xfc"
#define FUZZ_SEP_LEN	4
#define FUZZ_MAX_CHUNKS	1024

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

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	check(proto == APP_TLS);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	jsonw_reset(&ctx->w);
	jsonw_obj_open(&ctx->w);
	tls_parser.eve(&ctx->w, fact);
	jsonw_obj_close(&ctx->w);
	check(jsonw_ok(&ctx->w));
	ctx->n_facts++;
}

void
app_anomaly(struct app_ctx *ctx, enum ww_counter ev)
{
	check(ev_is_anomaly(ev));
	ctx->n_anom++;
}

struct fuzz_dir {
	uint8_t		*buf;
	size_t		 have;
	bool		 dead;
	bool		 probed;
};

static void
fuzz_feed(void *st, struct app_ctx *ctx, int dir, struct fuzz_dir *d,
    const uint8_t *p, size_t n)
{
	struct app_result r;
	uint8_t *b;

	if (d->dead)
		return;
	if (!d->probed && n > 0) {
		enum app_probe pr = tls_parser.probe(p, n, dir);

		check(pr == APP_PROBE_NO || pr == APP_PROBE_MAYBE ||
		    pr == APP_PROBE_YES);
		d->probed = true;
	}
	if ((b = realloc(d->buf, d->have + n + 1)) == NULL)
		abort();
	d->buf = b;
	memcpy(d->buf + d->have, p, n);
	d->have += n;
	for (;;) {
		uint8_t *exact = malloc(d->have + 1);

		if (exact == NULL)
			abort();
		memcpy(exact, d->buf, d->have);
		r = tls_parser.parse(st, ctx, dir, exact, d->have);
		free(exact);
		check(r.consumed <= d->have);
		memmove(d->buf, d->buf + r.consumed, d->have - r.consumed);
		d->have -= r.consumed;
		if (r.status == PARSE_INCOMPLETE)
			check(r.needed <= TLS_MAX_RECORD);
		if (r.status == PARSE_ERROR) {
			d->dead = true;
			break;
		}
		if (r.status != PARSE_OK || r.consumed == 0 || d->have == 0)
			break;
	}
	/* The framework holds at most a partial record header. */
	check(d->dead || d->have < TLS_RECORD_HDR_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_dir dirs[2];
	struct app_ctx ctx;
	const uint8_t *p = data, *sep;
	size_t left = size, n;
	unsigned chunk = 0;
	void *st;
	int dir;

	memset(dirs, 0, sizeof(dirs));
	memset(&ctx, 0, sizeof(ctx));
	jsonw_init(&ctx.w, JSONW_DEFAULT_CAP);
	if ((st = tls_parser.state_new()) == NULL)
		abort();
	while (chunk < FUZZ_MAX_CHUNKS) {
		sep = memmem(p, left, FUZZ_SEP, FUZZ_SEP_LEN);
		n = sep == NULL ? left : (size_t)(sep - p);
		dir = chunk % 2 == 0 ? APP_DIR_TOSERVER : APP_DIR_TOCLIENT;
		if (n == 0 && sep != NULL) {
			tls_parser.gap(st, &ctx, dir);
			dirs[dir].have = 0;
		} else
			fuzz_feed(st, &ctx, dir, &dirs[dir], p, n);
		chunk++;
		if (sep == NULL)
			break;
		p = sep + FUZZ_SEP_LEN;
		left -= n + FUZZ_SEP_LEN;
	}
	tls_parser.state_free(st);
	free(dirs[0].buf);
	free(dirs[1].buf);
	jsonw_free(&ctx.w);
	return 0;
}
