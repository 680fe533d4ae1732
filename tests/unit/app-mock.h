/*
 * app-mock.h - a struct app_ctx for parser unit tests: records every
 * fact (through a copy callback the test supplies) and every anomaly,
 * and a driver that feeds a stream the way the framework does (keeping
 * the unconsumed tail and appending the next chunk).
 *
 * Include it in one test file only (it defines functions).
 */
#ifndef WW_APP_MOCK_H
#define WW_APP_MOCK_H

#include <stdlib.h>
#include <string.h>

#include "app/app.h"

#define MOCK_MAX_FACTS	64
#define MOCK_MAX_ANOM	64

struct app_ctx {
	/* Called for each fact: copy what the test wants to check. */
	void		(*on_fact)(struct app_ctx *, enum app_proto, int dir,
			    const void *fact);
	void		*user;
	unsigned	 n_facts;
	unsigned	 n_anom;
	enum ww_counter	 anom[MOCK_MAX_ANOM];
};

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	ctx->n_facts++;
	if (ctx->on_fact != NULL)
		ctx->on_fact(ctx, proto, dir, fact);
}

void
app_anomaly(struct app_ctx *ctx, enum ww_counter ev)
{
	if (ctx->n_anom < MOCK_MAX_ANOM)
		ctx->anom[ctx->n_anom] = ev;
	ctx->n_anom++;
}

static inline int
mock_has_anomaly(const struct app_ctx *ctx, enum ww_counter ev)
{
	unsigned i;

	for (i = 0; i < ctx->n_anom && i < MOCK_MAX_ANOM; i++)
		if (ctx->anom[i] == ev)
			return 1;
	return 0;
}

/*
 * Feed 'len' bytes in chunks split at the given offsets (sorted,
 * < len), as the framework would: unconsumed bytes are kept and
 * re-presented with the next chunk.  Stops at PARSE_ERROR.  Returns the
 * last status; *left gets the bytes never consumed.
 */
static inline enum parse_result
mock_feed(const struct app_parser *ap, void *st, struct app_ctx *ctx,
    int dir, const uint8_t *data, size_t len, const size_t *splits,
    size_t nsplits, size_t *left)
{
	uint8_t *buf = malloc(len + 1);
	size_t have = 0, off = 0, i;
	enum parse_result last = PARSE_OK;

	for (i = 0; i <= nsplits; i++) {
		size_t end = i < nsplits ? splits[i] : len;
		struct app_result r;

		memcpy(buf + have, data + off, end - off);
		have += end - off;
		off = end;
		for (;;) {
			r = ap->parse(st, ctx, dir, buf, have);
			if (r.consumed > have)
				abort();	/* contract broken */
			memmove(buf, buf + r.consumed, have - r.consumed);
			have -= r.consumed;
			last = r.status;
			if (r.status != PARSE_OK || r.consumed == 0 ||
			    have == 0)
				break;
		}
		if (last == PARSE_ERROR)
			break;
	}
	if (left != NULL)
		*left = have;
	free(buf);
	return last;
}

#endif /* WW_APP_MOCK_H */
