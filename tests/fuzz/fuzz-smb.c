/*
 * fuzz-smb.c - libFuzzer target for the SMB parser (its parse, gap,
 * probe, eve, eve_extra and facts ops).
 *
 * Input: byte 0 is flags; the rest is a stream cut into chunks at the
 * separator "\xff\xfe\xfd\xfc", the chunks alternating between the
 * client and the server direction (client first).
 *	bit 0	an empty chunk (two separators in a row) is a gap
 * Each chunk is appended to its direction's unconsumed tail and parsed
 * as the framework does, from a buffer of exactly that length so ASan
 * sees any over-read.  After every call: consumed <= length, the tail
 * kept stays under SMB_MAX_HOLD plus the framing, every fact's strings
 * are NUL-terminated in their arrays, the EVE objects are complete,
 * every detection buffer lies in memory ASan can read and file data is
 * at most SMB_MAX_HOLD bytes.
 *
 * Build and run (from a build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-smb
 *	mkdir -p fuzz-smb.corpus
 *	./tests/fuzz/fuzz-smb -max_total_time=600 -max_len=16384 \
 *	    fuzz-smb.corpus ../tests/fuzz/corpus/smb
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/smb.h"
#include "output/jsonw.h"

#define FUZZ_SEP	"\xff\xfe\xfd\xfc"
#define FUZZ_SEP_LEN	4
#define FUZZ_MAX_CHUNKS	256
#define FUZZ_CAP	(SMB_MAX_HOLD + 8)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct app_ctx {
	struct jsonw	 jw;
	unsigned	 facts;
	unsigned	 anomalies;
	volatile uint8_t sink;
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
check_facts(const struct smb_facts *f)
{
	unsigned i;

	check(f->version == 1 || f->version == 2);
	check(f->has_request || f->has_response);
	check(f->n_client_dialects <= SMB_MAX_DIALECTS);
	check_str(f->dialect, sizeof(f->dialect));
	for (i = 0; i < SMB_MAX_DIALECTS; i++)
		check_str(f->client_dialects[i], sizeof(f->client_dialects[i]));
	check_str(f->filename, sizeof(f->filename));
	check_str(f->rename_to, sizeof(f->rename_to));
	check_str(f->share, sizeof(f->share));
	check_str(f->ntlmssp.user, sizeof(f->ntlmssp.user));
	check_str(f->ntlmssp.domain, sizeof(f->ntlmssp.domain));
	check_str(f->ntlmssp.host, sizeof(f->ntlmssp.host));
	check_str(f->server_host, sizeof(f->server_host));
	check_str(f->req_native_os, sizeof(f->req_native_os));
	check_str(f->req_native_lm, sizeof(f->req_native_lm));
	check_str(f->resp_native_os, sizeof(f->resp_native_os));
	check_str(f->resp_native_lm, sizeof(f->resp_native_lm));
}

static void
sink_evidence(const struct app_sink *s, int end, enum evidence_key key,
    const char *value, size_t len)
{
	struct app_ctx *ctx = s->arg;
	size_t i;

	check(end == APP_END_CLIENT || end == APP_END_SERVER);
	check((unsigned)key < EVIDENCE_MAX);
	for (i = 0; i < len; i++)
		ctx->sink ^= (uint8_t)value[i];
}

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	struct app_sink sink;
	size_t len;

	check(proto == APP_SMB);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	check_facts(fact);
	jsonw_reset(&ctx->jw);
	jsonw_obj_open(&ctx->jw);
	jsonw_key(&ctx->jw, "smb");
	jsonw_obj_open(&ctx->jw);
	smb_parser.eve(&ctx->jw, fact);
	jsonw_obj_close(&ctx->jw);
	if (smb_parser.has_extra(fact)) {
		jsonw_key(&ctx->jw, "wardwatch");
		jsonw_obj_open(&ctx->jw);
		smb_parser.eve_extra(&ctx->jw, fact);
		jsonw_obj_close(&ctx->jw);
	}
	jsonw_obj_close(&ctx->jw);
	check(jsonw_ok(&ctx->jw));
	(void)jsonw_text(&ctx->jw, &len);
	memset(&sink, 0, sizeof(sink));
	sink.evidence = sink_evidence;
	sink.arg = ctx;
	smb_parser.facts(fact, dir, &sink);
	ctx->facts++;
}

void
app_anomaly(struct app_ctx *ctx, enum ww_counter ev)
{
	check(ev >= smb_parser.anom_first && ev <= smb_parser.anom_last);
	ctx->anomalies++;
}

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
	size_t i, k;

	check(proto == APP_SMB);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	check(fact != NULL);
	for (i = 0; i < nbufs; i++) {
		check(bufs[i].id < APP_BUF_MAX);
		check(bufs[i].id != APP_BUF_FILE_DATA ||
		    bufs[i].len <= SMB_MAX_HOLD);
		for (k = 0; k < bufs[i].len; k++)	/* ASan reads it */
			ctx->sink ^= bufs[i].data[k];
	}
}

struct fuzz_dir {
	uint8_t		*buf;
	size_t		 len;
	bool		 done;
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
		/* A copy of exactly the bytes left, for ASan. */
		uint8_t *view = malloc(have - off);

		check(view != NULL);
		memcpy(view, buf + off, have - off);
		r = smb_parser.parse(st, ctx, dir, view, have - off);
		free(view);
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
	struct fuzz_dir dirs[2] = { { NULL, 0, false }, { NULL, 0, false } };
	struct app_ctx ctx;
	const uint8_t *cur, *end, *sep;
	size_t len;
	unsigned n = 0;
	bool gaps;
	void *st;
	int dir = APP_DIR_TOSERVER;

	if (size < 1)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	gaps = (data[0] & 0x01) != 0;
	(void)smb_parser.probe(data + 1, size - 1, APP_DIR_TOSERVER);
	(void)smb_parser.probe(data + 1, size - 1, APP_DIR_TOCLIENT);
	st = smb_parser.state_new();
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
			free(dirs[dir].buf);
			dirs[dir].buf = NULL;
			dirs[dir].len = 0;
			if (!dirs[dir].done)
				smb_parser.gap(st, &ctx, dir);
		} else
			feed(st, &ctx, &dirs[dir], dir, cur, len);
		if (sep == NULL)
			break;
		cur = sep + FUZZ_SEP_LEN;
		dir = !dir;
	}
	smb_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	free(dirs[0].buf);
	free(dirs[1].buf);
	jsonw_free(&ctx.jw);
	smb_parser.state_free(st);
	return 0;
}
