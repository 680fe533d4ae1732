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

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

#define MOCK_MAX_FACTS	64
#define MOCK_MAX_ANOM	64
#define MOCK_MAX_INSPECT 16	/* inspections kept (the latest) */
#define MOCK_MAX_BUFS	64	/* buffers kept per inspection */

/* One app_inspect() call, its buffers copied (NUL added). */
struct mock_inspect {
	enum app_proto	 proto;
	int		 dir;
	bool		 has_fact;
	size_t		 nbufs;
	enum app_buf_id	 id[MOCK_MAX_BUFS];
	char		*data[MOCK_MAX_BUFS];
	size_t		 len[MOCK_MAX_BUFS];
};

struct app_ctx {
	/* Called for each fact: copy what the test wants to check. */
	void		(*on_fact)(struct app_ctx *, enum app_proto, int dir,
			    const void *fact);
	void		*user;
	unsigned	 n_facts;
	unsigned	 n_anom;
	enum ww_counter	 anom[MOCK_MAX_ANOM];
	/* Set to have parsers build detection buffers; they are kept in
	 * insp[] (a ring: n_insp counts every call). */
	bool		 inspect;
	/* Set to say facts go nowhere (app_facts_wanted()). */
	bool		 no_facts;
	unsigned	 n_insp;
	struct mock_inspect insp[MOCK_MAX_INSPECT];
};

/* A test that checks buffers its own way defines MOCK_OWN_INSPECT and
 * both functions. */
#ifndef MOCK_OWN_INSPECT
bool
app_inspect_wanted(struct app_ctx *ctx, enum app_proto proto)
{
	(void)proto;
	return ctx->inspect;
}
#endif

bool
app_facts_wanted(const struct app_ctx *ctx)
{
	return !ctx->no_facts;
}

static inline void
mock_inspect_clear(struct mock_inspect *mi)
{
	size_t i;

	for (i = 0; i < mi->nbufs; i++)
		free(mi->data[i]);
	memset(mi, 0, sizeof(*mi));
}

/* Free what the inspections kept; the ctx can be used again. */
static inline void
mock_reset(struct app_ctx *ctx)
{
	unsigned i;

	for (i = 0; i < MOCK_MAX_INSPECT; i++)
		mock_inspect_clear(&ctx->insp[i]);
	ctx->n_insp = 0;
	ctx->n_facts = 0;
	ctx->n_anom = 0;
}

#ifndef MOCK_OWN_INSPECT
void
app_inspect(struct app_ctx *ctx, enum app_proto proto, int dir,
    const struct app_buf *bufs, size_t nbufs, const void *fact)
{
	struct mock_inspect *mi;
	size_t i;

	if (!ctx->inspect)
		return;
	mi = &ctx->insp[ctx->n_insp++ % MOCK_MAX_INSPECT];
	mock_inspect_clear(mi);
	mi->proto = proto;
	mi->dir = dir;
	mi->has_fact = fact != NULL;
	for (i = 0; i < nbufs && i < MOCK_MAX_BUFS; i++) {
		if (bufs[i].len > 0 && bufs[i].data == NULL)
			abort();	/* contract broken */
		mi->id[i] = bufs[i].id;
		mi->len[i] = bufs[i].len;
		mi->data[i] = malloc(bufs[i].len + 1);
		if (bufs[i].len > 0)
			memcpy(mi->data[i], bufs[i].data, bufs[i].len);
		mi->data[i][bufs[i].len] = '\0';
	}
	mi->nbufs = i;
}
#endif

/* The k-th latest inspection (0: the last one), or NULL. */
static inline const struct mock_inspect *
mock_insp(const struct app_ctx *ctx, unsigned k)
{
	if (k >= ctx->n_insp || k >= MOCK_MAX_INSPECT)
		return NULL;
	return &ctx->insp[(ctx->n_insp - 1 - k) % MOCK_MAX_INSPECT];
}

/* The nth instance of buffer id in an inspection (NUL-terminated
 * copy), or NULL; *len gets its length when len is not NULL. */
static inline const char *
mock_buf(const struct mock_inspect *mi, enum app_buf_id id, unsigned nth,
    size_t *len)
{
	size_t i;

	if (mi == NULL)
		return NULL;
	for (i = 0; i < mi->nbufs; i++)
		if (mi->id[i] == id && nth-- == 0) {
			if (len != NULL)
				*len = mi->len[i];
			return mi->data[i];
		}
	return NULL;
}

/* How many instances of buffer id an inspection has. */
static inline unsigned
mock_buf_count(const struct mock_inspect *mi, enum app_buf_id id)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; mi != NULL && i < mi->nbufs; i++)
		n += mi->id[i] == id;
	return n;
}

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
