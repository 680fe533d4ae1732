/*
 * fuzz-hl7.c - libFuzzer target for MLLP framing and the HL7 v2 parser
 * (hl7_parser's parse, gap and eve ops).
 *
 * Input: byte 0 chooses the run; the rest is a stream cut into chunks
 * at the separator "\xff\xfe\xfd\xfc".
 *	bits 0-1  the frame cap: 64, 512, 4096 or MLLP_MAX_MSG bytes
 *	bit 2     a segment limit of 8 instead of HL7_MAX_SEGMENTS
 *	bit 3     chunks alternate between the two directions
 *	bit 4     an empty chunk (two separators in a row) is a gap
 * Each chunk is appended to its direction's unconsumed tail and parsed
 * the way the framework does (app/layer.c), from a buffer of exactly
 * that length so ASan sees any over-read.  The parser's promises are
 * checked after every call: consumed <= length, never more than the
 * frame cap left held, every fact's strings NUL-terminated inside their
 * arrays, counts within their caps and the EVE object complete.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-hl7
 *	mkdir -p fuzz-hl7.corpus
 *	./tests/fuzz/fuzz-hl7 -max_total_time=600 -max_len=8192 \
 *	    fuzz-hl7.corpus ../tests/fuzz/corpus/hl7
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/hl7/ are
 * framed messages (monitor ORU, pump RGV with PRT, ACK, NAK, ADT,
 * custom delimiters, sloppy framing) in this input format.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "output/jsonw.h"
#include "app/hl7.h"

#define FUZZ_SEP	"\xff\xfe\xfd\xfc"
#define FUZZ_SEP_LEN	4
#define FUZZ_MAX_CHUNKS	256

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct app_ctx {
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
check_hd(const struct hl7_hd *hd)
{
	check_str(hd->namespace_id, sizeof(hd->namespace_id));
	check_str(hd->universal_id, sizeof(hd->universal_id));
	check_str(hd->universal_id_type, sizeof(hd->universal_id_type));
}

/* What app/hl7.h promises about a fact, whatever the input. */
static void
check_facts(const struct hl7_facts *f)
{
	unsigned i;

	check_str(f->delimiters, sizeof(f->delimiters));
	check_str(f->message_type, sizeof(f->message_type));
	check_str(f->type_name, sizeof(f->type_name));
	check_str(f->trigger_event, sizeof(f->trigger_event));
	check_str(f->message_structure, sizeof(f->message_structure));
	check_str(f->control_id, sizeof(f->control_id));
	check_str(f->processing_id, sizeof(f->processing_id));
	check_str(f->version, sizeof(f->version));
	check_str(f->profile, sizeof(f->profile));
	check_str(f->profile_oid, sizeof(f->profile_oid));
	check_str(f->ack_code, sizeof(f->ack_code));
	check_str(f->ack_control_id, sizeof(f->ack_control_id));
	check_hd(&f->sending_app);
	check_hd(&f->sending_fac);
	check_hd(&f->receiving_app);
	check_hd(&f->receiving_fac);
	check(f->n_devices <= HL7_MAX_DEVICES);
	for (i = 0; i < f->n_devices; i++) {
		check_str(f->devices[i].id, sizeof(f->devices[i].id));
		check_hd(&f->devices[i].hd);
	}
	check(f->n_obs <= HL7_MAX_OBS);
	for (i = 0; i < f->n_obs; i++) {
		check_str(f->obs[i].code, sizeof(f->obs[i].code));
		check_str(f->obs[i].system, sizeof(f->obs[i].system));
		check(f->obs[i].code[0] != '\0');
	}
	check(f->n_segtypes <= HL7_MAX_SEGTYPES);
	check(f->n_segments >= 1);
	/* Control bytes never reach a fact. */
	for (i = 0; f->control_id[i] != '\0'; i++)
		check((unsigned char)f->control_id[i] >= 0x20);
}

void
app_emit(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	size_t len;

	check(proto == APP_HL7);
	check(dir == APP_DIR_TOSERVER || dir == APP_DIR_TOCLIENT);
	check_facts(fact);
	jsonw_reset(&ctx->jw);
	jsonw_obj_open(&ctx->jw);
	hl7_parser.eve(&ctx->jw, fact);
	jsonw_obj_close(&ctx->jw);
	check(jsonw_ok(&ctx->jw));
	(void)jsonw_text(&ctx->jw, &len);
	ctx->facts++;
}

/* Facts have a sink: the messages are numbered (hl7_ids_number()). */
bool
app_facts_wanted(const struct app_ctx *ctx)
{
	(void)ctx;
	return true;
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
};

/* Append a chunk to a direction's tail and parse, as the framework. */
static void
feed(void *st, struct app_ctx *ctx, struct fuzz_dir *d, int dir,
    const uint8_t *p, size_t n, size_t cap)
{
	struct app_result r;
	uint8_t *buf;
	size_t have, off = 0;

	have = d->len + n;
	if ((buf = malloc(have > 0 ? have : 1)) == NULL)
		return;
	if (d->len > 0)
		memcpy(buf, d->buf, d->len);
	if (n > 0)
		memcpy(buf + d->len, p, n);
	while (off < have) {
		r = hl7_parser.parse(st, ctx, dir, buf + off, have - off);
		check(r.consumed <= have - off);
		check(r.status == PARSE_OK || r.status == PARSE_INCOMPLETE);
		off += r.consumed;
		if (r.status == PARSE_INCOMPLETE || r.consumed == 0)
			break;
	}
	/* The partial frame kept is never larger than the cap. */
	check(have - off <= cap);
	free(d->buf);
	d->buf = NULL;
	d->len = have - off;
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
	static const size_t caps[4] = { 64, 512, 4096, MLLP_MAX_MSG };
	struct fuzz_dir dirs[2] = { { NULL, 0 }, { NULL, 0 } };
	struct app_ctx ctx;
	const uint8_t *cur, *end, *sep;
	size_t cap, len;
	unsigned n = 0;
	bool alternate, gaps;
	void *st;
	int dir = APP_DIR_TOSERVER;

	if (size < 1)
		return 0;
	cap = caps[data[0] & 0x03];
	alternate = (data[0] & 0x08) != 0;
	gaps = (data[0] & 0x10) != 0;
	if ((st = hl7_parser.state_new()) == NULL)
		return 0;
	hl7_state_set_limits(st, cap,
	    (data[0] & 0x04) ? 8 : HL7_MAX_SEGMENTS);
	memset(&ctx, 0, sizeof(ctx));
	jsonw_init(&ctx.jw, JSONW_DEFAULT_CAP);

	/* The probe must answer for any prefix. */
	(void)hl7_parser.probe(data + 1, size - 1, APP_DIR_TOSERVER);

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
			hl7_parser.gap(st, &ctx, dir);
		} else
			feed(st, &ctx, &dirs[dir], dir, cur, len, cap);
		if (sep == NULL)
			break;
		cur = sep + FUZZ_SEP_LEN;
		if (alternate)
			dir = !dir;
	}
	free(dirs[0].buf);
	free(dirs[1].buf);
	jsonw_free(&ctx.jw);
	hl7_parser.state_free(st);
	return 0;
}
