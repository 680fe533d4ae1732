/*
 * output/record.c - building records and handing them over in batches.
 *
 * A record's body is written with the producer's own JSON writer and
 * copied, with its typed head, into the producer's current batch: one
 * memcpy per record and no lock.  The batch goes to the output stage
 * when the next record would not fit, and at record_flush() (the clock
 * ticks of the pipeline), so a record waits at most one tick.
 */
#include <config.h>

#include <string.h>

#include "output/output.h"
#include "output/record.h"

void
record_writer_init(struct record_writer *w, struct output *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	jsonw_init(&w->jw, JSONW_DEFAULT_CAP);
}

void
record_writer_free(struct record_writer *w)
{
	record_flush(w);
	if (w->cur != NULL)
		output_batch_put(w->out, w->cur);
	w->cur = NULL;
	jsonw_free(&w->jw);
}

bool
record_wanted(const struct record_writer *w, unsigned type)
{
	return output_wants(w->out, type);
}

struct jsonw *
record_begin(struct record_writer *w, unsigned type, const char *event_type,
    uint64_t ts_us)
{
	if (!output_wants(w->out, type))
		return NULL;
	memset(&w->rec, 0, sizeof(w->rec));
	w->rec.type = (uint16_t)type;
	w->rec.event_type = event_type;
	w->rec.ts_us = ts_us;
	w->sig = NULL;
	jsonw_reset(&w->jw);
	jsonw_obj_open(&w->jw);
	w->open = true;
	return &w->jw;
}

void
record_set_alert(struct record_writer *w, uint32_t gid, uint32_t sid,
    uint32_t rev, uint8_t severity, const char *signature)
{
	w->rec.flags |= RECORD_F_ALERT;
	w->rec.gid = gid;
	w->rec.sid = sid;
	w->rec.rev = rev;
	w->rec.severity = severity;
	w->sig = signature;
}

void
record_alert_open(struct record_writer *w, uint32_t gid, uint32_t sid,
    uint32_t rev, uint8_t severity, const char *signature,
    const char *category)
{
	struct jsonw *jw = &w->jw;

	record_set_alert(w, gid, sid, rev, severity, signature);
	jsonw_key(jw, "alert");
	jsonw_obj_open(jw);
	/* Passive: drop and reject did nothing. */
	jsonw_kv_str(jw, "action", "allowed");
	jsonw_kv_uint(jw, "gid", gid);
	jsonw_kv_uint(jw, "signature_id", sid);
	jsonw_kv_uint(jw, "rev", rev);
	jsonw_kv_str(jw, "signature", signature);
	jsonw_kv_str(jw, "category", category != NULL ? category : "");
	jsonw_kv_uint(jw, "severity", severity);
}

int
record_commit(struct record_writer *w)
{
	const char *text;
	size_t len, need, slen = 0;
	struct record_batch *b;
	uint8_t *p;

	if (!w->open)
		return -1;
	w->open = false;
	jsonw_obj_close(&w->jw);
	text = jsonw_text(&w->jw, &len);
	if (!jsonw_ok(&w->jw) || len < 2 || len - 2 > UINT32_MAX) {
		output_count_lost(w->out, 1);
		return -1;
	}
	/* The body is what lies between the braces. */
	text++;
	len -= 2;
	w->rec.len = (uint32_t)len;
	if (w->sig != NULL && (slen = strlen(w->sig)) > UINT16_MAX)
		slen = UINT16_MAX;
	w->rec.sig_len = (uint16_t)slen;
	need = RECORD_SIZE(len + slen);
	if (w->cur != NULL && w->cur->size - w->cur->used < need)
		record_flush(w);
	if (w->cur == NULL)
		w->cur = output_batch_get(w->out, need);
	b = w->cur;
	p = b->buf + b->used;
	memcpy(p, &w->rec, sizeof(w->rec));
	memcpy(p + sizeof(w->rec), text, len);
	if (slen > 0)
		memcpy(p + sizeof(w->rec) + len, w->sig, slen);
	b->used += need;
	b->nrec++;
	output_count_committed(w->out, 1);
	return 0;
}

void
record_flush(struct record_writer *w)
{
	if (w->cur == NULL)
		return;
	if (w->cur->nrec == 0) {
		/* Nothing in it: keep it for the next record. */
		return;
	}
	output_batch_submit(w->out, w->cur);
	w->cur = NULL;
}
