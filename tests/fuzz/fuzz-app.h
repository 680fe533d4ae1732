/*
 * fuzz-app.h - the body of a libFuzzer target for one TCP stream parser.
 *
 * The target defines, then includes this file:
 *	FUZZ_PARSER			the struct app_parser
 *	FUZZ_PROTO			its enum app_proto
 *	FUZZ_NEEDED_OK(have, needed)	true if an INCOMPLETE answer asks
 *					for a sane number of bytes
 *	FUZZ_HELD_OK(dead, have)	true if what a direction keeps
 *					buffered is within the parser's cap
 * Input: chunks separated by FUZZ_SEP, alternating client and server; an
 * empty chunk is a gap.  Each parse sees an exact-size copy so ASan
 * catches any over-read, and every fact is written through the parser's
 * eve op into valid JSON.  Inputs of odd length run with
 * privacy.pseudonyms on (util/pseudo.h), so the parsers' reading of
 * patient ids for pseudonyms (DICOM, HL7) is fuzzed too.
 */
#ifndef WW_FUZZ_APP_H
#define WW_FUZZ_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/jsonw.h"
#include "util/pseudo.h"

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
	check(proto == FUZZ_PROTO);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	jsonw_reset(&ctx->w);
	jsonw_obj_open(&ctx->w);
	FUZZ_PARSER.eve(&ctx->w, fact);
	jsonw_obj_close(&ctx->w);
	check(jsonw_ok(&ctx->w));
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
		enum app_probe pr = FUZZ_PARSER.probe(p, n, dir);

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
		r = FUZZ_PARSER.parse(st, ctx, dir, exact, d->have);
		free(exact);
		check(r.consumed <= d->have);
		memmove(d->buf, d->buf + r.consumed, d->have - r.consumed);
		d->have -= r.consumed;
		if (r.status == PARSE_INCOMPLETE)
			check(FUZZ_NEEDED_OK(d->have, r.needed));
		if (r.status == PARSE_ERROR) {
			d->dead = true;
			break;
		}
		if (r.status != PARSE_OK || r.consumed == 0 || d->have == 0)
			break;
	}
	/* What the framework holds for a direction stays bounded. */
	check(FUZZ_HELD_OK(d->dead, d->have));
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
	pseudo_set_key(size % 2 == 1 ? "a fuzzing key, 16+ bytes" : NULL,
	    size % 2 == 1 ? 24 : 0);
	jsonw_init(&ctx.w, JSONW_DEFAULT_CAP);
	if ((st = FUZZ_PARSER.state_new()) == NULL)
		abort();
	while (chunk < FUZZ_MAX_CHUNKS) {
		sep = memmem(p, left, FUZZ_SEP, FUZZ_SEP_LEN);
		n = sep == NULL ? left : (size_t)(sep - p);
		dir = chunk % 2 == 0 ? APP_DIR_TOSERVER : APP_DIR_TOCLIENT;
		if (n == 0 && sep != NULL) {
			FUZZ_PARSER.gap(st, &ctx, dir);
			dirs[dir].have = 0;
		} else
			fuzz_feed(st, &ctx, dir, &dirs[dir], p, n);
		chunk++;
		if (sep == NULL)
			break;
		p = sep + FUZZ_SEP_LEN;
		left -= n + FUZZ_SEP_LEN;
	}
	FUZZ_PARSER.state_free(st);
	free(dirs[0].buf);
	free(dirs[1].buf);
	jsonw_free(&ctx.w);
	return 0;
}

#endif /* WW_FUZZ_APP_H */
