/*
 * app/dicom.c - DICOM Upper Layer (PS3.8 section 9) PDU parser.
 *
 * Turns a reassembled TCP stream into association facts (AE titles,
 * presentation contexts, max PDU length, implementation class UID),
 * DIMSE command facts (PS3.7 section 9) and, for C-STORE, the equipment
 * elements at the start of the data set.  It never copies other
 * data-set bytes: they may carry PHI.
 *
 * Association PDUs (at most DICOM_MAX_PDU) are parsed whole: until one
 * is complete the parser returns INCOMPLETE with the exact number of
 * bytes missing.  P-DATA-TF PDUs are parsed as they stream past: the
 * parser consumes the PDU header, then each PDV header and as much of
 * each PDV value as it is given, so the framework never holds more
 * than a header's worth of a P-DATA PDU.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "app/app.h"
#include "app/dicom.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/util.h"

#define DICOM_PDU_HDR_LEN	6
#define DICOM_PDV_HDR_LEN	6
/* Protocol version .. reserved: the fixed part of an RQ or AC. */
#define DICOM_ASSOC_FIXED_LEN	68
/* Enough bytes to judge a PDU header (type .. 4 bytes of the body). */
#define DICOM_PROBE_LEN		10
#define DICOM_FACTS_MAX_SOP	8	/* SOP classes per association, as
					   device evidence */

#define DICOM_ITEM_APP_CONTEXT		0x10
#define DICOM_ITEM_PCTX_RQ		0x20
#define DICOM_ITEM_PCTX_AC		0x21
#define DICOM_ITEM_ABSTRACT_SYNTAX	0x30
#define DICOM_ITEM_TRANSFER_SYNTAX	0x40
#define DICOM_ITEM_USER_INFO		0x50
#define DICOM_ITEM_MAX_LENGTH		0x51
#define DICOM_ITEM_IMPL_CLASS_UID	0x52
#define DICOM_ITEM_ASYNC_OPS		0x53
#define DICOM_ITEM_ROLE_SELECTION	0x54
#define DICOM_ITEM_IMPL_VERSION		0x55
#define DICOM_ITEM_EXT_NEGOTIATION	0x56
#define DICOM_ITEM_USER_IDENTITY_RQ	0x58
#define DICOM_ITEM_USER_IDENTITY_AC	0x59

/* Message control header of a PDV (PS3.8 E.2). */
#define DICOM_MCH_COMMAND	0x01
#define DICOM_MCH_LAST		0x02

#define DICOM_TAG(g, e)		((uint32_t)(g) << 16 | (uint32_t)(e))
#define DICOM_TAG_AFFECTED_SOP	DICOM_TAG(0x0000, 0x0002)
#define DICOM_TAG_COMMAND_FIELD	DICOM_TAG(0x0000, 0x0100)
#define DICOM_TAG_MESSAGE_ID	DICOM_TAG(0x0000, 0x0110)
#define DICOM_TAG_RESPONDED_TO	DICOM_TAG(0x0000, 0x0120)
#define DICOM_TAG_MOVE_DEST	DICOM_TAG(0x0000, 0x0600)
#define DICOM_TAG_DS_TYPE	DICOM_TAG(0x0000, 0x0800)
#define DICOM_TAG_STATUS	DICOM_TAG(0x0000, 0x0900)
#define DICOM_TAG_SOP_CLASS	DICOM_TAG(0x0008, 0x0016)
#define DICOM_TAG_MODALITY	DICOM_TAG(0x0008, 0x0060)
#define DICOM_TAG_MANUFACTURER	DICOM_TAG(0x0008, 0x0070)
#define DICOM_TAG_STATION	DICOM_TAG(0x0008, 0x1010)
#define DICOM_TAG_MODEL		DICOM_TAG(0x0008, 0x1090)
#define DICOM_TAG_SERIAL	DICOM_TAG(0x0018, 0x1000)
#define DICOM_TAG_SOFTWARE	DICOM_TAG(0x0018, 0x1020)
#define DICOM_TAG_PATIENT_ID	DICOM_TAG(0x0010, 0x0020)
#define DICOM_TAG_STUDY_UID	DICOM_TAG(0x0020, 0x000D)
/* The last element the data-set scan looks for: the equipment's, or,
 * for pseudonyms, the study's. */
#define DICOM_TAG_SCAN_END	DICOM_TAG_SOFTWARE

#define DICOM_CMD_C_GET_RQ	0x0010
#define DICOM_CMD_C_FIND_RQ	0x0020
#define DICOM_CMD_C_MOVE_RQ	0x0021

#define DICOM_CMD_C_STORE_RQ	0x0001
#define DICOM_CMD_C_GET_RQ	0x0010
#define DICOM_CMD_C_MOVE_RQ	0x0021

#define DICOM_TS_IMPLICIT_LE	"1.2.840.10008.1.2"
#define DICOM_TS_EXPLICIT_LE	"1.2.840.10008.1.2.1"
#define DICOM_TS_EXPLICIT_BE	"1.2.840.10008.1.2.2"
#define DICOM_TS_DEFLATED	"1.2.840.10008.1.2.1.99"

/* How a data set is encoded, as far as the scan cares. */
enum ds_enc {
	DS_ENC_SNIFF,		/* transfer syntax unknown: sniff the VR */
	DS_ENC_IMPLICIT,
	DS_ENC_EXPLICIT,
	DS_ENC_UNREADABLE,	/* big endian, deflated: do not scan */
};

enum ds_state {
	DS_OFF,			/* no scan wanted */
	DS_HDR,			/* collecting an element header */
	DS_VALUE,		/* copying an equipment value */
	DS_SKIP,		/* skipping a value we do not read */
	DS_DONE,		/* past the equipment tags, or gave up */
};

/*
 * Incremental scan of the start of a data set.  Only the values of the
 * equipment elements are ever copied (into val); everything else is
 * skipped by its length without being looked at.
 */
struct dicom_ds_scan {
	enum ds_state	 state;
	enum ds_enc	 enc;
	uint8_t		 hdr[12];
	uint8_t		 hdr_have;
	uint8_t		 hdr_need;
	uint32_t	 tag;
	uint32_t	 last_tag;
	uint32_t	 end_tag;	/* stop past this one */
	bool		 equipment;	/* read the equipment (C-STORE) */
	bool		 ids;		/* read the ids for pseudonyms */
	uint32_t	 left;		/* value bytes to copy or skip */
	uint8_t		 val[DICOM_DS_VAL_MAX];
	uint32_t	 val_have;
	size_t		 scanned;
};

/* One direction of the association's byte stream. */
struct dicom_dir {
	bool		 dead;		/* PARSE_ERROR returned */
	bool		 resync;	/* after a gap: look for a header */
	size_t		 resync_scanned;
	uint32_t	 pdu_left;	/* P-DATA-TF body bytes to come */
	uint32_t	 pdv_left;	/* PDV value bytes to come */
	bool		 in_pdv;
	uint8_t		 pdv_pcid;
	uint8_t		 pdv_mch;
	/* Command set reassembly. */
	uint8_t		*cmd;
	size_t		 cmd_len;
	size_t		 cmd_size;
	/* A C-STORE-RQ waiting for the scan of its data set (or, for
	 * pseudonyms, a C-FIND, C-MOVE or C-GET for its identifier). */
	bool		 pending;
	struct dicom_command pending_cmd;
	struct dicom_ds_scan scan;
};

struct dicom_state {
	struct dicom_assoc assoc;
	bool		 assoc_emitted;
	int		 rq_dir;
	struct dicom_dir dir[2];
};

/*
 * Helpers for text fields.
 */

static bool
dicom_printable(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

/*
 * Copy a DICOM string value: leading spaces and trailing spaces and
 * NULs are padding (PS3.5 6.2), anything not printable becomes '?',
 * and the result is truncated to fit.
 */
static void
dicom_copy_text(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	while (n > 0 && p[0] == ' ') {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	for (i = 0; i < n && o + 1 < dstsz; i++)
		dst[o++] = dicom_printable(p[i]) ? (char)p[i] : '?';
	dst[o] = '\0';
}

/* A UID from an item: too long is an anomaly, kept truncated. */
static void
dicom_copy_uid(struct app_ctx *ctx, char *dst, const uint8_t *p, size_t n)
{
	size_t t = n;

	while (t > 0 && (p[t - 1] == ' ' || p[t - 1] == '\0'))
		t--;
	if (t > DICOM_UID_MAX)
		app_anomaly(ctx, EV_DICOM_UID_TOO_LONG);
	dicom_copy_text(dst, DICOM_UID_MAX + 1, p, n);
}

static void
dicom_item_uid(struct app_ctx *ctx, char *dst, struct breader *item)
{
	size_t n = br_left(item);

	dicom_copy_uid(ctx, dst, br_bytes(item, n), n);
}

/*
 * A-ASSOCIATE-RQ and -AC items (PS3.8 9.3.2-9.3.3, annex D).
 *
 * Every item and sub-item is
 *	type (1) | reserved (1) | length (2, big endian) | value (length)
 * and is read through br_sub(), so a length running past its parent is
 * caught by the parent reader going bad.
 */

static struct dicom_pctx *
dicom_pctx_find(struct dicom_assoc *a, uint8_t id)
{
	size_t i;

	for (i = 0; i < a->n_pctx; i++)
		if (a->pctx[i].id == id)
			return &a->pctx[i];
	return NULL;
}

static struct dicom_pctx *
dicom_pctx_add(struct dicom_assoc *a, struct app_ctx *ctx, uint8_t id)
{
	struct dicom_pctx *pc, *n;
	size_t size;

	if ((pc = dicom_pctx_find(a, id)) != NULL)
		return pc;
	if (a->n_pctx >= DICOM_MAX_PCTX) {
		if (!a->pctx_truncated)
			app_anomaly(ctx, EV_DICOM_TOO_MANY_PCTX);
		a->pctx_truncated = true;
		return NULL;
	}
	/* Grow by powers of two: most associations propose a handful. */
	if ((a->n_pctx & (a->n_pctx - 1)) == 0) {
		size = a->n_pctx == 0 ? 1 : a->n_pctx * 2;
		n = reallocarray(a->pctx, size, sizeof(*a->pctx));
		if (n == NULL)
			return NULL;
		a->pctx = n;
	}
	pc = &a->pctx[a->n_pctx++];
	memset(pc, 0, sizeof(*pc));
	pc->id = id;
	pc->result = DICOM_PCTX_NO_RESULT;
	return pc;
}

/*
 * Walk the items of a PDU or the sub-items of an item, calling fn for
 * each.  Returns false (after the anomaly) if an item's length runs
 * past its parent, or if fn returns false.
 */
static bool
dicom_walk_items(struct dicom_state *st, struct app_ctx *ctx,
    struct breader *br, bool (*fn)(struct dicom_state *, struct app_ctx *,
    void *, uint8_t, struct breader *), void *arg)
{
	struct breader item;
	uint8_t type;
	uint16_t len;

	while (br_left(br) > 0) {
		type = br_u8(br);
		br_skip(br, 1);			/* reserved */
		len = br_be16(br);
		item = br_sub(br, len);
		if (!br_ok(br)) {
			app_anomaly(ctx, EV_DICOM_ITEM_LEN_EXCEEDS_PDU);
			return false;
		}
		if (!fn(st, ctx, arg, type, &item))
			return false;
	}
	return true;
}

/*
 * Presentation context item, RQ (0x20) and AC (0x21):
 *	id (1) | reserved (1) | result/reason (1, AC) | reserved (1) |
 *	sub-items: 0x30 abstract syntax (RQ), 0x40 transfer syntax
 */
static bool
dicom_pctx_subitem(struct dicom_state *st, struct app_ctx *ctx, void *arg,
    uint8_t type, struct breader *item)
{
	struct dicom_pctx *pc = arg;
	bool ac = st->assoc.have_ac;

	switch (type) {
	case DICOM_ITEM_ABSTRACT_SYNTAX:
		dicom_item_uid(ctx, pc->abstract_syntax, item);
		break;
	case DICOM_ITEM_TRANSFER_SYNTAX:
		if (ac) {
			dicom_item_uid(ctx, pc->accepted_ts, item);
		} else if (pc->n_ts < DICOM_MAX_TS) {
			dicom_item_uid(ctx, pc->ts[pc->n_ts], item);
			pc->n_ts++;
		} else
			pc->ts_truncated = true;
		break;
	default:
		break;
	}
	return true;
}

/* The sub-items of User Information (0x50), PS3.8 D.1, PS3.7 D.3.3. */
static bool
dicom_user_subitem(struct dicom_state *st, struct app_ctx *ctx, void *arg,
    uint8_t type, struct breader *item)
{
	struct dicom_user_info *ui = arg;
	uint32_t v;
	uint16_t a, b;
	uint8_t t;
	size_t n;

	switch (type) {
	case DICOM_ITEM_MAX_LENGTH:
		v = br_be32(item);
		if (br_ok(item)) {
			ui->has_max_pdu = true;
			ui->max_pdu = v;
		}
		break;
	case DICOM_ITEM_IMPL_CLASS_UID:
		dicom_item_uid(ctx, ui->impl_class_uid, item);
		break;
	case DICOM_ITEM_IMPL_VERSION:
		n = br_left(item);
		dicom_copy_text(ui->impl_version, sizeof(ui->impl_version),
		    br_bytes(item, n), n);
		break;
	case DICOM_ITEM_ASYNC_OPS:
		a = br_be16(item);
		b = br_be16(item);
		if (br_ok(item)) {
			ui->has_async = true;
			ui->async_invoked = a;
			ui->async_performed = b;
		}
		break;
	case DICOM_ITEM_ROLE_SELECTION:
		if (ui->n_role_selection < UINT16_MAX)
			ui->n_role_selection++;
		break;
	case DICOM_ITEM_EXT_NEGOTIATION:
		if (ui->n_ext_negotiation < UINT16_MAX)
			ui->n_ext_negotiation++;
		break;
	case DICOM_ITEM_USER_IDENTITY_RQ:
		/*
		 * type (1) | positive response requested (1) | primary
		 * field (username) | secondary field (passcode): only the
		 * type is read; the credentials are never touched.
		 */
		t = br_u8(item);
		if (br_ok(item))
			st->assoc.user_identity_type = t;
		break;
	case DICOM_ITEM_USER_IDENTITY_AC:
		/* The server response (a Kerberos or SAML token): skipped. */
		st->assoc.user_identity_response = true;
		break;
	default:
		/* PS3.8 9.3.2: unknown items are skipped, not fatal. */
		break;
	}
	return true;
}

static bool
dicom_assoc_item(struct dicom_state *st, struct app_ctx *ctx, void *arg,
    uint8_t type, struct breader *item)
{
	struct dicom_assoc *a = &st->assoc;
	struct dicom_user_info *ui = arg;
	struct dicom_pctx *pc;
	uint8_t id, result;

	switch (type) {
	case DICOM_ITEM_APP_CONTEXT:
		dicom_item_uid(ctx, a->app_context, item);
		break;
	case DICOM_ITEM_PCTX_RQ:
	case DICOM_ITEM_PCTX_AC:
		id = br_u8(item);
		br_skip(item, 1);
		result = br_u8(item);
		br_skip(item, 1);
		if (!br_ok(item))
			break;
		if ((pc = dicom_pctx_add(a, ctx, id)) == NULL)
			break;
		if (type == DICOM_ITEM_PCTX_AC)
			pc->result = result;
		return dicom_walk_items(st, ctx, item, dicom_pctx_subitem, pc);
	case DICOM_ITEM_USER_INFO:
		ui->seen = true;
		return dicom_walk_items(st, ctx, item, dicom_user_subitem, ui);
	default:
		/* PS3.8 9.3.2: unknown items are skipped, not fatal. */
		break;
	}
	return true;
}

static void
dicom_buf(struct app_buf *b, size_t *n, enum app_buf_id id, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	b[*n].id = id;
	b[*n].data = (const uint8_t *)v;
	b[*n].len = strlen(v);
	(*n)++;
}

/* An association's buffers: the AE titles and the requestor's
 * implementation version to the server, the acceptor's to the client. */
static void
dicom_inspect_assoc(struct app_ctx *ctx, const struct dicom_assoc *a,
    const struct dicom_fact *f)
{
	struct app_buf b[4];
	size_t n = 0;

	if (a->have_rq) {
		dicom_buf(b, &n, APP_BUF_DICOM_CALLING_AE, a->calling_ae);
		dicom_buf(b, &n, APP_BUF_DICOM_CALLED_AE, a->called_ae);
		dicom_buf(b, &n, APP_BUF_DICOM_IMPL_VERSION,
		    a->rq.impl_version);
		app_inspect(ctx, APP_DICOM, APP_DIR_TOSERVER, b, n, f);
	}
	n = 0;
	if (a->have_ac) {
		dicom_buf(b, &n, APP_BUF_DICOM_IMPL_VERSION,
		    a->ac.impl_version);
		app_inspect(ctx, APP_DICOM, APP_DIR_TOCLIENT, b, n, f);
	}
}

/*
 * Emit the association fact once.
 */
static void
dicom_emit_assoc(struct dicom_state *st, struct app_ctx *ctx, int dir)
{
	struct dicom_fact f;

	if (st->assoc_emitted)
		return;
	st->assoc_emitted = true;
	f.type = DICOM_FACT_ASSOC;
	f.u.assoc = &st->assoc;
	app_emit(ctx, APP_DICOM, dir, &f);
	if (app_inspect_wanted(ctx, APP_DICOM))
		dicom_inspect_assoc(ctx, &st->assoc, &f);
}

static void
dicom_assoc_reset(struct dicom_state *st)
{
	free(st->assoc.pctx);
	memset(&st->assoc, 0, sizeof(st->assoc));
	st->assoc_emitted = false;
}

/*
 * A-ASSOCIATE-RQ / -AC (PS3.8 9.3.2, 9.3.3), after the 6-byte header:
 *	protocol version (2) | reserved (2) |
 *	called AE title (16) | calling AE title (16) | reserved (32) |
 *	items: 0x10 application context, 0x20/0x21 presentation
 *	context, 0x50 user information
 * AE titles are space padded.  In the AC they echo the RQ's and are
 * used only if the RQ was not seen.
 */
static bool
dicom_parse_assoc(struct dicom_state *st, struct app_ctx *ctx, int dir,
    uint8_t type, struct breader *pdu)
{
	struct dicom_assoc *a = &st->assoc;
	const uint8_t *called, *calling;
	uint16_t version;
	bool ac = type == DICOM_PDU_ASSOC_AC;

	version = br_be16(pdu);
	br_skip(pdu, 2);		/* reserved */
	called = br_bytes(pdu, DICOM_AE_MAX);
	calling = br_bytes(pdu, DICOM_AE_MAX);
	br_skip(pdu, 32);		/* reserved */
	if (!br_ok(pdu)) {
		app_anomaly(ctx, EV_DICOM_PDU_INVALID_LEN);
		return false;
	}
	if ((version & 0x0001) == 0)
		app_anomaly(ctx, EV_DICOM_BAD_PROTOCOL_VERSION);
	if (!ac) {
		/* A new association on the same connection. */
		if (a->have_rq || a->have_ac)
			dicom_assoc_reset(st);
		a->have_rq = true;
		st->rq_dir = dir;
	} else {
		if (a->have_ac || st->assoc_emitted) {
			/* A second answer: report it as its own fact. */
			dicom_assoc_reset(st);
		}
		a->have_ac = true;
		a->result = DICOM_ASSOC_ACCEPTED;
	}
	if (!ac || !a->have_rq) {
		a->protocol_version = version;
		dicom_copy_text(a->called_ae, sizeof(a->called_ae), called,
		    DICOM_AE_MAX);
		dicom_copy_text(a->calling_ae, sizeof(a->calling_ae), calling,
		    DICOM_AE_MAX);
	}
	if (!dicom_walk_items(st, ctx, pdu, dicom_assoc_item,
	    ac ? &a->ac : &a->rq))
		return false;
	if (ac)
		dicom_emit_assoc(st, ctx, dir);
	return true;
}

/*
 * A-ASSOCIATE-RJ (PS3.8 9.3.4): reserved (1) | result (1) | source (1) |
 * reason/diag (1).
 */
static bool
dicom_parse_rj(struct dicom_state *st, struct app_ctx *ctx, int dir,
    struct breader *pdu)
{
	struct dicom_assoc *a = &st->assoc;
	uint8_t result, source, reason;

	br_skip(pdu, 1);
	result = br_u8(pdu);
	source = br_u8(pdu);
	reason = br_u8(pdu);
	if (!br_ok(pdu) || br_left(pdu) != 0) {
		app_anomaly(ctx, EV_DICOM_PDU_INVALID_LEN);
		return false;
	}
	if (a->have_ac || st->assoc_emitted)
		dicom_assoc_reset(st);
	a->result = DICOM_ASSOC_REJECTED;
	a->rj_result = result;
	a->rj_source = source;
	a->rj_reason = reason;
	dicom_emit_assoc(st, ctx, dir);
	return true;
}

/* Release RQ/RP (9.3.6, 9.3.7): 4 reserved bytes. */
static bool
dicom_parse_release(struct app_ctx *ctx, int dir, uint8_t type,
    struct breader *pdu)
{
	struct dicom_fact f;

	if (br_left(pdu) != 4) {
		app_anomaly(ctx, EV_DICOM_PDU_INVALID_LEN);
		return false;
	}
	f.type = DICOM_FACT_RELEASE;
	f.u.release_response = type == DICOM_PDU_RELEASE_RP;
	app_emit(ctx, APP_DICOM, dir, &f);
	return true;
}

static void	dicom_flush(struct dicom_state *, struct app_ctx *, int);
static void	dicom_pending_done(struct dicom_dir *, struct app_ctx *,
		    int);

/* A-ABORT (9.3.8): reserved (2) | source (1) | reason/diag (1). */
static bool
dicom_parse_abort(struct dicom_state *st, struct app_ctx *ctx, int dir,
    struct breader *pdu)
{
	struct dicom_assoc *a = &st->assoc;
	struct dicom_fact f;
	uint8_t source, reason;

	br_skip(pdu, 2);
	source = br_u8(pdu);
	reason = br_u8(pdu);
	if (!br_ok(pdu) || br_left(pdu) != 0) {
		app_anomaly(ctx, EV_DICOM_PDU_INVALID_LEN);
		return false;
	}
	/*
	 * The association ends here: report the C-STORE waiting in either
	 * direction.  The other direction may be inside a P-DATA-TF; its
	 * framing is left alone.
	 */
	dicom_flush(st, ctx, dir);
	dicom_pending_done(&st->dir[!dir], ctx, !dir);
	if (a->have_rq && !st->assoc_emitted) {
		a->result = DICOM_ASSOC_ABORTED;
		a->aborted = true;
		a->abort_source = source;
		a->abort_reason = reason;
		dicom_emit_assoc(st, ctx, dir);
		return true;
	}
	f.type = DICOM_FACT_ABORT;
	f.u.abort.source = source;
	f.u.abort.reason = reason;
	app_emit(ctx, APP_DICOM, dir, &f);
	return true;
}

/*
 * DIMSE command sets (PS3.7 6.3, 9.3, 10.3): always implicit VR little
 * endian, group 0000 only:
 *	group (2) | element (2) | length (4) | value (length)
 */
static void
dicom_emit_command(struct app_ctx *ctx, int dir, const struct dicom_command *c)
{
	struct dicom_fact f;

	f.type = DICOM_FACT_COMMAND;
	f.u.command = c;
	app_emit(ctx, APP_DICOM, dir, &f);
	if (app_inspect_wanted(ctx, APP_DICOM)) {
		/* dicom.command ("C-MOVE-RQ"), sop_class, move_destination:
		 * the command set only, never a data set. */
		struct app_buf b[3];
		size_t n = 0;

		if (c->flags & DICOM_CMD_HAS_FIELD)
			dicom_buf(b, &n, APP_BUF_DICOM_COMMAND,
			    dicom_command_name(c->command_field));
		dicom_buf(b, &n, APP_BUF_DICOM_SOP_CLASS,
		    c->affected_sop_class);
		dicom_buf(b, &n, APP_BUF_DICOM_MOVE_DEST, c->move_destination);
		app_inspect(ctx, APP_DICOM, dir, b, n, &f);
	}
}

static bool
dicom_parse_command(struct app_ctx *ctx, const uint8_t *p, size_t n,
    struct dicom_command *c)
{
	struct breader br, val;
	uint16_t group, elem;
	uint32_t len, tag;
	size_t vn;

	br_init(&br, p, n);
	while (br_left(&br) > 0) {
		group = br_le16(&br);
		elem = br_le16(&br);
		len = br_le32(&br);
		val = br_sub(&br, len);
		if (!br_ok(&br)) {
			app_anomaly(ctx, EV_DICOM_DIMSE_INVALID);
			return false;
		}
		if (group != 0x0000)
			break;		/* not a command element: stop */
		tag = DICOM_TAG(group, elem);
		vn = br_left(&val);
		switch (tag) {
		case DICOM_TAG_AFFECTED_SOP:
			dicom_copy_uid(ctx, c->affected_sop_class,
			    br_bytes(&val, vn), vn);
			break;
		case DICOM_TAG_COMMAND_FIELD:
			c->command_field = br_le16(&val);
			if (br_ok(&val))
				c->flags |= DICOM_CMD_HAS_FIELD;
			break;
		case DICOM_TAG_MESSAGE_ID:
			c->message_id = br_le16(&val);
			if (br_ok(&val))
				c->flags |= DICOM_CMD_HAS_MSG_ID;
			break;
		case DICOM_TAG_RESPONDED_TO:
			c->message_id_responded = br_le16(&val);
			if (br_ok(&val))
				c->flags |= DICOM_CMD_HAS_RESPONDED;
			break;
		case DICOM_TAG_MOVE_DEST:
			dicom_copy_text(c->move_destination,
			    sizeof(c->move_destination), br_bytes(&val, vn),
			    vn);
			break;
		case DICOM_TAG_DS_TYPE:
			c->data_set_type = br_le16(&val);
			if (br_ok(&val))
				c->flags |= DICOM_CMD_HAS_DS_TYPE;
			break;
		case DICOM_TAG_STATUS:
			c->status = br_le16(&val);
			if (br_ok(&val))
				c->flags |= DICOM_CMD_HAS_STATUS;
			break;
		default:
			break;
		}
	}
	if ((c->flags & DICOM_CMD_HAS_FIELD) == 0) {
		app_anomaly(ctx, EV_DICOM_DIMSE_INVALID);
		return false;
	}
	return true;
}

/*
 * The data-set scan (PS3.5 7.1).  Element headers:
 *	implicit VR:	group (2) | element (2) | length (4)
 *	explicit VR:	group (2) | element (2) | VR (2) | length (2)
 *	  OB OD OF OL OV OW SQ SV UC UN UR UT UV:
 *			group (2) | element (2) | VR (2) | 0 (2) | length (4)
 * all little endian.  Elements come in ascending tag order, so the scan
 * stops after (0018,1020); it also stops at an undefined length
 * (0xFFFFFFFF), a tag out of order, an unknown VR, or after
 * DICOM_MAX_DS_SCAN bytes.
 */
static const char dicom_vrs[] =
    "AEASATCSDADSDTFDFLISLOLTOBODOFOLOVOWPNSHSLSQSSSTSVTMUCUIULUNURUSUTUV";
static const char dicom_long_vrs[] = "OBODOFOLOVOWSQSVUCUNURUTUV";

static bool
dicom_vr_in(const char *list, uint8_t a, uint8_t b)
{
	size_t i;

	for (i = 0; list[i] != '\0'; i += 2)
		if ((uint8_t)list[i] == a && (uint8_t)list[i + 1] == b)
			return true;
	return false;
}

static bool
dicom_ds_wanted(const struct dicom_ds_scan *s, uint32_t tag)
{
	switch (tag) {
	case DICOM_TAG_SOP_CLASS:
	case DICOM_TAG_MODALITY:
	case DICOM_TAG_MANUFACTURER:
	case DICOM_TAG_STATION:
	case DICOM_TAG_MODEL:
	case DICOM_TAG_SERIAL:
	case DICOM_TAG_SOFTWARE:
		/* A query's Modality is what it asks for, not its own. */
		return s->equipment;
	case DICOM_TAG_PATIENT_ID:
	case DICOM_TAG_STUDY_UID:
		return s->ids;
	default:
		return false;
	}
}

/*
 * An id becomes its pseudonym at once and is wiped.  A query pattern
 * (wildcards) or a list of values names no single patient or study.
 */
static void
dicom_ds_pseudonym(struct dicom_ds_scan *s, const char *kind, char *out)
{
	if (memchr(s->val, '*', s->val_have) == NULL &&
	    memchr(s->val, '?', s->val_have) == NULL &&
	    memchr(s->val, '\\', s->val_have) == NULL)
		(void)pseudo_make(kind, s->val, s->val_have, out);
	explicit_bzero(s->val, sizeof(s->val));
	s->val_have = 0;
}

static void
dicom_ds_store(struct dicom_ds_scan *s, struct dicom_command *c)
{
	struct dicom_equipment *eq = &c->equipment;
	char *dst;
	size_t dstsz;

	switch (s->tag) {
	case DICOM_TAG_PATIENT_ID:
		dicom_ds_pseudonym(s, "patient", c->ps_patient);
		return;
	case DICOM_TAG_STUDY_UID:
		dicom_ds_pseudonym(s, "study", c->ps_study);
		return;
	case DICOM_TAG_SOP_CLASS:
		dst = eq->sop_class_uid;
		dstsz = sizeof(eq->sop_class_uid);
		break;
	case DICOM_TAG_MODALITY:
		dst = eq->modality;
		dstsz = sizeof(eq->modality);
		break;
	case DICOM_TAG_MANUFACTURER:
		dst = eq->manufacturer;
		dstsz = sizeof(eq->manufacturer);
		break;
	case DICOM_TAG_STATION:
		dst = eq->station_name;
		dstsz = sizeof(eq->station_name);
		break;
	case DICOM_TAG_MODEL:
		dst = eq->model;
		dstsz = sizeof(eq->model);
		break;
	case DICOM_TAG_SERIAL:
		dst = eq->serial_number;
		dstsz = sizeof(eq->serial_number);
		break;
	case DICOM_TAG_SOFTWARE:
		dst = eq->software_versions;
		dstsz = sizeof(eq->software_versions);
		break;
	default:
		return;
	}
	dicom_copy_text(dst, dstsz, s->val, s->val_have);
}

/* A whole element header is in s->hdr: decide what to do with it. */
static void
dicom_ds_header(struct dicom_ds_scan *s)
{
	struct breader br;
	uint16_t group, elem;
	uint32_t len;
	uint8_t v0, v1;

	br_init(&br, s->hdr, s->hdr_have);
	group = br_le16(&br);
	elem = br_le16(&br);
	s->tag = DICOM_TAG(group, elem);
	if (s->tag > s->end_tag || s->tag < s->last_tag) {
		s->state = DS_DONE;
		return;
	}
	if (s->enc == DS_ENC_SNIFF)
		s->enc = dicom_vr_in(dicom_vrs, s->hdr[4], s->hdr[5]) ?
		    DS_ENC_EXPLICIT : DS_ENC_IMPLICIT;
	if (s->enc == DS_ENC_IMPLICIT) {
		len = br_le32(&br);
	} else {
		v0 = br_u8(&br);
		v1 = br_u8(&br);
		if (!dicom_vr_in(dicom_vrs, v0, v1)) {
			s->state = DS_DONE;
			return;
		}
		if (dicom_vr_in(dicom_long_vrs, v0, v1)) {
			if (s->hdr_need < 12) {
				/* Two reserved bytes and a 4-byte length. */
				s->hdr_need = 12;
				return;
			}
			br_skip(&br, 2);
			len = br_le32(&br);
		} else
			len = br_le16(&br);
	}
	if (!br_ok(&br) || len == 0xffffffffu) {
		/* Undefined length: cannot skip it safely. */
		s->state = DS_DONE;
		return;
	}
	s->last_tag = s->tag;
	s->hdr_have = 0;
	s->hdr_need = 8;
	s->left = len;
	s->val_have = 0;
	if (dicom_ds_wanted(s, s->tag) && len <= DICOM_DS_VAL_MAX)
		s->state = DS_VALUE;
	else
		s->state = DS_SKIP;
	if (len == 0)
		s->state = DS_HDR;	/* empty: nothing to keep or skip */
}

/* Feed the next bytes of the data set (any split) to the scan. */
static void
dicom_ds_feed(struct dicom_ds_scan *s, struct dicom_command *c,
    struct breader *br)
{
	size_t n, room;

	while (br_left(br) > 0 && s->state != DS_DONE && s->state != DS_OFF) {
		if (s->scanned >= DICOM_MAX_DS_SCAN) {
			s->state = DS_DONE;
			break;
		}
		room = DICOM_MAX_DS_SCAN - s->scanned;
		n = br_left(br) < room ? br_left(br) : room;
		switch (s->state) {
		case DS_HDR:
			if (n > (size_t)(s->hdr_need - s->hdr_have))
				n = s->hdr_need - s->hdr_have;
			br_copy(br, s->hdr + s->hdr_have, n);
			s->hdr_have += (uint8_t)n;
			if (s->hdr_have == s->hdr_need)
				dicom_ds_header(s);
			break;
		case DS_VALUE:
			if (n > s->left)
				n = s->left;
			br_copy(br, s->val + s->val_have, n);
			s->val_have += (uint32_t)n;
			s->left -= (uint32_t)n;
			if (s->left == 0) {
				dicom_ds_store(s, c);
				s->state = DS_HDR;
			}
			break;
		case DS_SKIP:
			if (n > s->left)
				n = s->left;
			br_skip(br, n);
			s->left -= (uint32_t)n;
			if (s->left == 0)
				s->state = DS_HDR;
			break;
		default:
			n = 0;
			break;
		}
		s->scanned += n;
	}
}

static enum ds_enc
dicom_ds_encoding(const struct dicom_assoc *a, uint8_t pcid)
{
	const char *ts = NULL;
	size_t i;

	for (i = 0; i < a->n_pctx; i++)
		if (a->pctx[i].id == pcid && a->pctx[i].result == 0 &&
		    a->pctx[i].accepted_ts[0] != '\0')
			ts = a->pctx[i].accepted_ts;
	if (ts == NULL)
		return DS_ENC_SNIFF;
	if (strcmp(ts, DICOM_TS_IMPLICIT_LE) == 0)
		return DS_ENC_IMPLICIT;
	if (strcmp(ts, DICOM_TS_EXPLICIT_BE) == 0 ||
	    strcmp(ts, DICOM_TS_DEFLATED) == 0)
		return DS_ENC_UNREADABLE;
	/* Explicit VR LE, and every encapsulated (compressed) syntax. */
	return DS_ENC_EXPLICIT;
}

/* Emit the pending C-STORE-RQ, if any, with what the scan found. */
static void
dicom_pending_done(struct dicom_dir *d, struct app_ctx *ctx, int dir)
{
	const struct dicom_equipment *eq = &d->pending_cmd.equipment;

	if (!d->pending)
		return;
	if (eq->modality[0] != '\0' || eq->manufacturer[0] != '\0' ||
	    eq->station_name[0] != '\0' || eq->model[0] != '\0' ||
	    eq->serial_number[0] != '\0' ||
	    eq->software_versions[0] != '\0' || eq->sop_class_uid[0] != '\0')
		d->pending_cmd.flags |= DICOM_CMD_HAS_EQUIPMENT;
	dicom_emit_command(ctx, dir, &d->pending_cmd);
	d->pending = false;
	d->scan.state = DS_OFF;
}

/* End of a direction's P-DATA in flight: emit what is pending. */
static void
dicom_flush(struct dicom_state *st, struct app_ctx *ctx, int dir)
{
	struct dicom_dir *d = &st->dir[dir];

	dicom_pending_done(d, ctx, dir);
	d->cmd_len = 0;
}

/* A complete command set has arrived. */
static void
dicom_command_done(struct dicom_state *st, struct app_ctx *ctx, int dir)
{
	struct dicom_dir *d = &st->dir[dir];
	struct dicom_command c;
	bool store, ids;

	memset(&c, 0, sizeof(c));
	c.pcid = d->pdv_pcid;
	if (!dicom_parse_command(ctx, d->cmd, d->cmd_len, &c)) {
		d->cmd_len = 0;
		return;
	}
	d->cmd_len = 0;
	/* A C-GET's data comes back on its own association, to the AE
	 * title its sender used there. */
	if (c.command_field == DICOM_CMD_C_GET_RQ && st->assoc.have_rq)
		strlcpy(c.get_destination, dir == st->rq_dir ?
		    st->assoc.calling_ae : st->assoc.called_ae,
		    sizeof(c.get_destination));
	store = c.command_field == DICOM_CMD_C_STORE_RQ;
	ids = pseudo_on() && (store || c.command_field == DICOM_CMD_C_FIND_RQ ||
	    c.command_field == DICOM_CMD_C_MOVE_RQ ||
	    c.command_field == DICOM_CMD_C_GET_RQ);
	if ((store || ids) && (c.flags & DICOM_CMD_HAS_DS_TYPE) &&
	    c.data_set_type != DICOM_DS_TYPE_NONE) {
		memset(&d->scan, 0, sizeof(d->scan));
		d->pending_cmd = c;
		d->pending = true;
		d->scan.equipment = store;
		d->scan.ids = ids;
		d->scan.end_tag = ids ? DICOM_TAG_STUDY_UID :
		    DICOM_TAG_SCAN_END;
		d->scan.enc = dicom_ds_encoding(&st->assoc, c.pcid);
		d->scan.state = d->scan.enc == DS_ENC_UNREADABLE ?
		    DS_DONE : DS_HDR;
		d->scan.hdr_need = 8;
		return;
	}
	dicom_emit_command(ctx, dir, &c);
}

/*
 * The next n bytes of the current PDV value.  Returns false if the
 * command set cap was hit (the direction stops).
 */
static bool
dicom_pdv_data(struct dicom_state *st, struct app_ctx *ctx, int dir,
    struct breader *br)
{
	struct dicom_dir *d = &st->dir[dir];
	size_t n = br_left(br), size;
	uint8_t *p;

	if ((d->pdv_mch & DICOM_MCH_COMMAND) == 0) {
		/* Data set bytes: only a pending C-STORE-RQ looks. */
		if (d->pending && d->pdv_pcid == d->pending_cmd.pcid)
			dicom_ds_feed(&d->scan, &d->pending_cmd, br);
		br_skip(br, br_left(br));
		if (d->pending && d->scan.state == DS_DONE)
			dicom_pending_done(d, ctx, dir);
		return true;
	}
	/* A new command ends the previous message's data set. */
	dicom_pending_done(d, ctx, dir);
	if (n > DICOM_MAX_CMD_SET - d->cmd_len) {
		app_anomaly(ctx, EV_DICOM_COMMAND_TOO_LONG);
		return false;
	}
	if (d->cmd_len + n > d->cmd_size) {
		size = d->cmd_size == 0 ? 256 : d->cmd_size;
		while (size < d->cmd_len + n)
			size *= 2;
		if (size > DICOM_MAX_CMD_SET)
			size = DICOM_MAX_CMD_SET;
		if ((p = realloc(d->cmd, size)) == NULL)
			return false;
		d->cmd = p;
		d->cmd_size = size;
	}
	br_copy(br, d->cmd + d->cmd_len, n);
	d->cmd_len += n;
	return true;
}

/* The current PDV has been read to its end. */
static void
dicom_pdv_end(struct dicom_state *st, struct app_ctx *ctx, int dir)
{
	struct dicom_dir *d = &st->dir[dir];

	d->in_pdv = false;
	if ((d->pdv_mch & DICOM_MCH_LAST) == 0)
		return;
	if (d->pdv_mch & DICOM_MCH_COMMAND)
		dicom_command_done(st, ctx, dir);
	else
		dicom_pending_done(d, ctx, dir);
}

/*
 * The most a P-DATA-TF PDU from this direction may hold: what the
 * receiver announced in its Maximum Length sub-item (PS3.8 D.1, 0 =
 * unlimited), plus slack for sloppy senders, capped.
 */
static uint32_t
dicom_pdata_cap(const struct dicom_state *st, int dir)
{
	const struct dicom_assoc *a = &st->assoc;
	const struct dicom_user_info *rcv;
	bool from_rq = a->have_rq ? dir == st->rq_dir : dir == APP_DIR_TOSERVER;

	rcv = from_rq ? &a->ac : &a->rq;
	if (!rcv->has_max_pdu || rcv->max_pdu == 0 ||
	    rcv->max_pdu > DICOM_MAX_PDATA_PDU - DICOM_PDATA_SLACK)
		return DICOM_MAX_PDATA_PDU;
	return rcv->max_pdu + DICOM_PDATA_SLACK;
}

/*
 * Is there a plausible PDU header at p (DICOM_PROBE_LEN bytes)?  Used
 * by the probe and to resynchronise after a gap.
 */
static bool
dicom_plausible(const uint8_t *p, size_t n, uint32_t pdata_cap)
{
	struct breader br;
	uint8_t type, b6, b7, b8, b9;
	uint32_t len;

	br_init(&br, p, n);
	type = br_u8(&br);
	br_skip(&br, 1);
	len = br_be32(&br);
	b6 = br_u8(&br);
	b7 = br_u8(&br);
	b8 = br_u8(&br);
	b9 = br_u8(&br);
	if (!br_ok(&br) || p[1] != 0)
		return false;
	switch (type) {
	case DICOM_PDU_ASSOC_RQ:
	case DICOM_PDU_ASSOC_AC:
		return len >= DICOM_ASSOC_FIXED_LEN && len <= DICOM_MAX_PDU &&
		    b6 == 0x00 && b7 == 0x01 && b8 == 0 && b9 == 0;
	case DICOM_PDU_ASSOC_RJ:
		return len == 4 && b6 == 0 && b7 >= 1 && b7 <= 2 &&
		    b8 >= 1 && b8 <= 3;
	case DICOM_PDU_P_DATA:
		/* The first PDV's length, big endian, within the PDU. */
		return len >= DICOM_PDV_HDR_LEN && len <= pdata_cap &&
		    b6 == 0 && ((uint32_t)b7 << 16 | (uint32_t)b8 << 8 | b9) >=
		    2 && ((uint32_t)b7 << 16 | (uint32_t)b8 << 8 | b9) <=
		    len - 4;
	case DICOM_PDU_RELEASE_RQ:
	case DICOM_PDU_RELEASE_RP:
		return len == 4 && b6 == 0 && b7 == 0 && b8 == 0 && b9 == 0;
	case DICOM_PDU_ABORT:
		return len == 4 && b6 == 0 && b7 == 0 &&
		    (b8 == 0 || b8 == 2) && b9 <= 6;
	default:
		return false;
	}
}

/* Parse one whole association PDU (header included). */
static bool
dicom_parse_pdu(struct dicom_state *st, struct app_ctx *ctx, int dir,
    uint8_t type, struct breader *pdu)
{
	switch (type) {
	case DICOM_PDU_ASSOC_RQ:
	case DICOM_PDU_ASSOC_AC:
		return dicom_parse_assoc(st, ctx, dir, type, pdu);
	case DICOM_PDU_ASSOC_RJ:
		return dicom_parse_rj(st, ctx, dir, pdu);
	case DICOM_PDU_RELEASE_RQ:
	case DICOM_PDU_RELEASE_RP:
		dicom_flush(st, ctx, dir);
		return dicom_parse_release(ctx, dir, type, pdu);
	case DICOM_PDU_ABORT:
		return dicom_parse_abort(st, ctx, dir, pdu);
	default:
		return false;
	}
}

/*
 * After a gap: skip to the first plausible PDU header, looking no
 * further than DICOM_RESYNC_WINDOW bytes.  Returns the bytes to skip,
 * sets *found, or returns SIZE_MAX to give up.
 */
static size_t
dicom_resync(struct dicom_state *st, int dir, const uint8_t *buf, size_t len,
    bool *found)
{
	struct dicom_dir *d = &st->dir[dir];
	uint32_t cap = dicom_pdata_cap(st, dir);
	size_t i, skip;

	*found = false;
	for (i = 0; len >= DICOM_PROBE_LEN && i <= len - DICOM_PROBE_LEN;
	    i++) {
		if (d->resync_scanned + i > DICOM_RESYNC_WINDOW)
			return SIZE_MAX;
		if (dicom_plausible(buf + i, DICOM_PROBE_LEN, cap)) {
			*found = true;
			return i;
		}
	}
	/* Keep the last bytes: a header may start there. */
	skip = len >= DICOM_PROBE_LEN ? len - (DICOM_PROBE_LEN - 1) : 0;
	if (d->resync_scanned + skip > DICOM_RESYNC_WINDOW)
		return SIZE_MAX;
	return skip;
}

/*
 * PDU framing (PS3.8 9.3.1):
 *	type (1) | reserved (1) | length (4, big endian) | body (length)
 * P-DATA-TF body: PDV items (9.3.5, annex E.2)
 *	length (4) | presentation context id (1) | message control (1) |
 *	fragment (length - 2)
 */
static struct app_result
dicom_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct dicom_state *st = state;
	struct dicom_dir *d;
	struct breader br, pdu, part;
	size_t n;
	uint32_t plen, cap;
	uint8_t type;
	bool found;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	if (d->dead)
		return app_error(0);
	if (len == 0)
		return app_incomplete(0, d->in_pdv || d->pdu_left > 0 ||
		    d->resync ? 0 : DICOM_PDU_HDR_LEN);
	br_init(&br, buf, len);
	while (br_left(&br) > 0) {
		if (d->resync) {
			n = dicom_resync(st, dir, br_cur(&br), br_left(&br),
			    &found);
			if (n == SIZE_MAX) {
				app_anomaly(ctx, EV_DICOM_RESYNC_FAILED);
				goto out_dead;
			}
			br_skip(&br, n);
			d->resync_scanned += n;
			if (!found)
				return app_incomplete(br_off(&br),
				    DICOM_PROBE_LEN - br_left(&br));
			d->resync = false;
			d->resync_scanned = 0;
		}
		if (d->in_pdv) {
			n = br_left(&br) < d->pdv_left ? br_left(&br) :
			    d->pdv_left;
			part = br_sub(&br, n);
			if (!dicom_pdv_data(st, ctx, dir, &part))
				goto out_dead;
			d->pdv_left -= (uint32_t)n;
			d->pdu_left -= (uint32_t)n;
			if (d->pdv_left == 0)
				dicom_pdv_end(st, ctx, dir);
			continue;
		}
		if (d->pdu_left > 0) {
			/* The next PDV item header of a P-DATA-TF. */
			if (d->pdu_left < DICOM_PDV_HDR_LEN) {
				app_anomaly(ctx, EV_DICOM_PDV_LEN_EXCEEDS_PDU);
				goto out_dead;
			}
			if (br_left(&br) < DICOM_PDV_HDR_LEN)
				return app_incomplete(br_off(&br),
				    DICOM_PDV_HDR_LEN - br_left(&br));
			plen = br_be32(&br);
			d->pdv_pcid = br_u8(&br);
			d->pdv_mch = br_u8(&br);
			if (plen < 2) {
				app_anomaly(ctx, EV_DICOM_PDV_INVALID_LEN);
				goto out_dead;
			}
			if (plen > d->pdu_left - 4) {
				app_anomaly(ctx, EV_DICOM_PDV_LEN_EXCEEDS_PDU);
				goto out_dead;
			}
			d->pdu_left -= DICOM_PDV_HDR_LEN;
			d->pdv_left = plen - 2;
			d->in_pdv = true;
			if (d->pdv_left == 0)
				dicom_pdv_end(st, ctx, dir);
			continue;
		}
		/* A PDU header. */
		if (br_left(&br) < DICOM_PDU_HDR_LEN)
			return app_incomplete(br_off(&br),
			    DICOM_PDU_HDR_LEN - br_left(&br));
		part = br;
		type = br_u8(&part);
		br_skip(&part, 1);		/* reserved */
		plen = br_be32(&part);
		if (type < DICOM_PDU_ASSOC_RQ || type > DICOM_PDU_ABORT) {
			app_anomaly(ctx, EV_DICOM_UNKNOWN_PDU_TYPE);
			goto out_dead;
		}
		if (type == DICOM_PDU_P_DATA) {
			cap = dicom_pdata_cap(st, dir);
			if (plen > cap) {
				app_anomaly(ctx, EV_DICOM_PDU_TOO_LONG);
				goto out_dead;
			}
			br_skip(&br, DICOM_PDU_HDR_LEN);
			d->pdu_left = plen;
			continue;
		}
		if (plen > DICOM_MAX_PDU) {
			app_anomaly(ctx, EV_DICOM_PDU_TOO_LONG);
			goto out_dead;
		}
		if (br_left(&br) - DICOM_PDU_HDR_LEN < plen)
			return app_incomplete(br_off(&br),
			    DICOM_PDU_HDR_LEN + plen - br_left(&br));
		br_skip(&br, DICOM_PDU_HDR_LEN);
		pdu = br_sub(&br, plen);
		if (!dicom_parse_pdu(st, ctx, dir, type, &pdu))
			goto out_dead;
	}
	return app_ok(br_off(&br));

 out_dead:
	d->dead = true;
	dicom_flush(st, ctx, dir);
	return app_error(br_off(&br));
}

static void
dicom_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct dicom_state *st = state;
	struct dicom_dir *d;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	d = &st->dir[dir];
	dicom_flush(st, ctx, dir);
	d->pdu_left = 0;
	d->pdv_left = 0;
	d->in_pdv = false;
	d->resync = !d->dead;
	d->resync_scanned = 0;
	/* The answer would have come this way: report what we have. */
	if (st->assoc.have_rq && !st->assoc_emitted && dir != st->rq_dir) {
		st->assoc.result = DICOM_ASSOC_INCOMPLETE;
		dicom_emit_assoc(st, ctx, dir);
	}
}

static void *
dicom_state_new(void)
{
	struct dicom_state *st;

	st = xcalloc(1, sizeof(*st));
	st->rq_dir = APP_DIR_TOSERVER;
	return st;
}

/*
 * The command sets being reassembled (DICOM_MAX_CMD_SET a direction)
 * and the presentation contexts proposed (capacity a power of two).
 */
static size_t
dicom_memuse(const void *state)
{
	const struct dicom_state *st = state;
	size_t cap = 1, n;

	n = mem_cost(st->dir[0].cmd_size) + mem_cost(st->dir[1].cmd_size);
	if (st->assoc.pctx != NULL) {
		while (cap < st->assoc.n_pctx)
			cap *= 2;
		n += mem_cost(cap * sizeof(*st->assoc.pctx));
	}
	return n;
}

static void
dicom_state_free(void *state)
{
	struct dicom_state *st = state;

	if (st == NULL)
		return;
	free(st->assoc.pctx);
	free(st->dir[0].cmd);
	free(st->dir[1].cmd);
	free(st);
}

/*
 * An A-ASSOCIATE-RQ or -AC whose length is over DICOM_MAX_PDU (one
 * that claims 4 GB, say) is no real association: a few kilobytes carry
 * every presentation context PS3.8 allows.  It is still DICOM, a peer
 * that lies to make a toolkit allocate or overflow, and must reach the
 * parser, which reports dicom.pdu_too_long as for an oversized
 * P-DATA-TF.  The length no longer vouches for the header, so the rest
 * of the fixed part must (PS3.8 9.3.2, 9.3.3):
 *	type | 00 | length | 00 01 (version) | 00 00 |
 *	called AE (16) | calling AE (16)
 * each AE title printable ASCII without a backslash and not all spaces
 * (the AE value representation, PS3.5 6.2).  Fewer bytes that agree
 * so far are MAYBE.
 */
static enum app_probe
dicom_probe_oversized(const uint8_t *buf, size_t len)
{
	static const uint8_t fixed[] = { 0x00, 0x01, 0x00, 0x00 };
	struct breader br;
	const uint8_t *p;
	size_t have, i, j;
	bool blank;

	/* The caller has read the type, the reserved byte and the length. */
	br_init(&br, buf, len);
	br_skip(&br, DICOM_PDU_HDR_LEN);
	have = br_left(&br) < sizeof(fixed) ? br_left(&br) : sizeof(fixed);
	p = br_bytes(&br, have);
	if (p == NULL || memcmp(p, fixed, have) != 0)
		return APP_PROBE_NO;
	if (have < sizeof(fixed))
		return APP_PROBE_MAYBE;
	for (i = 0; i < 2; i++) {
		have = br_left(&br) < DICOM_AE_MAX ? br_left(&br) :
		    DICOM_AE_MAX;
		if ((p = br_bytes(&br, have)) == NULL)
			return APP_PROBE_NO;
		blank = true;
		for (j = 0; j < have; j++) {
			if (p[j] < 0x20 || p[j] > 0x7e || p[j] == '\\')
				return APP_PROBE_NO;
			if (p[j] != ' ')
				blank = false;
		}
		if (have < DICOM_AE_MAX)
			return APP_PROBE_MAYBE;
		if (blank)
			return APP_PROBE_NO;
	}
	return APP_PROBE_YES;
}

/*
 * Probe: the client opens with an A-ASSOCIATE-RQ:
 *	01 00 | length (68 .. DICOM_MAX_PDU) | 00 01 (version) | 00 00
 * The server's first PDU is an A-ASSOCIATE-AC (02, same shape) or -RJ
 * (03 00 00 00 00 04 00 result source reason).  Fewer than 10 bytes
 * that agree so far are MAYBE.  A longer RQ or AC is judged by
 * dicom_probe_oversized().
 */
static enum app_probe
dicom_probe(const uint8_t *buf, size_t len, int dir)
{
	struct breader br;
	uint8_t type, want;
	uint32_t plen;

	br_init(&br, buf, len);
	if (len == 0)
		return APP_PROBE_MAYBE;
	type = br_u8(&br);
	want = dir == APP_DIR_TOSERVER ? DICOM_PDU_ASSOC_RQ :
	    type == DICOM_PDU_ASSOC_RJ ? DICOM_PDU_ASSOC_RJ :
	    DICOM_PDU_ASSOC_AC;
	if (type != want)
		return APP_PROBE_NO;
	if (len >= 2 && br_u8(&br) != 0)
		return APP_PROBE_NO;
	if (len < 6)
		return APP_PROBE_MAYBE;
	plen = br_be32(&br);
	if (type != DICOM_PDU_ASSOC_RJ && plen > DICOM_MAX_PDU)
		return dicom_probe_oversized(buf, len);
	if (len >= DICOM_PROBE_LEN)
		return dicom_plausible(buf, DICOM_PROBE_LEN,
		    DICOM_MAX_PDATA_PDU) ? APP_PROBE_YES : APP_PROBE_NO;
	if (type == DICOM_PDU_ASSOC_RJ ? plen != 4 :
	    plen < DICOM_ASSOC_FIXED_LEN)
		return APP_PROBE_NO;
	if (len >= 7 && br_u8(&br) != 0)
		return APP_PROBE_NO;
	if (len >= 8 && type != DICOM_PDU_ASSOC_RJ && br_u8(&br) != 0x01)
		return APP_PROBE_NO;
	return APP_PROBE_MAYBE;
}

/*
 * EVE output.
 */

static const char *
dicom_pctx_result_name(uint8_t r)
{
	static const char *const names[] = {
		"acceptance", "user-rejection", "no-reason",
		"abstract-syntax-not-supported",
		"transfer-syntaxes-not-supported",
	};

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : NULL;
}

static const char *
dicom_rj_result_name(uint8_t r)
{
	switch (r) {
	case 1:
		return "rejected-permanent";
	case 2:
		return "rejected-transient";
	default:
		return NULL;
	}
}

static const char *
dicom_rj_source_name(uint8_t s)
{
	switch (s) {
	case 1:
		return "service-user";
	case 2:
		return "service-provider-acse";
	case 3:
		return "service-provider-presentation";
	default:
		return NULL;
	}
}

static const char *
dicom_rj_reason_name(uint8_t source, uint8_t r)
{
	switch (source << 8 | r) {
	case 1 << 8 | 1:
	case 2 << 8 | 1:
		return "no-reason-given";
	case 1 << 8 | 2:
		return "application-context-name-not-supported";
	case 1 << 8 | 3:
		return "calling-ae-title-not-recognized";
	case 1 << 8 | 7:
		return "called-ae-title-not-recognized";
	case 2 << 8 | 2:
		return "protocol-version-not-supported";
	case 3 << 8 | 1:
		return "temporary-congestion";
	case 3 << 8 | 2:
		return "local-limit-exceeded";
	default:
		return NULL;
	}
}

static const char *
dicom_abort_source_name(uint8_t s)
{
	switch (s) {
	case 0:
		return "service-user";
	case 2:
		return "service-provider";
	default:
		return NULL;
	}
}

static const char *
dicom_abort_reason_name(uint8_t source, uint8_t r)
{
	static const char *const names[] = {
		"reason-not-specified", "unrecognized-pdu", "unexpected-pdu",
		NULL, "unrecognized-pdu-parameter",
		"unexpected-pdu-parameter", "invalid-pdu-parameter-value",
	};

	if (source != 2)
		return NULL;	/* not significant for the service user */
	return r < sizeof(names) / sizeof(names[0]) ? names[r] : NULL;
}

static const char *
dicom_identity_name(uint8_t t)
{
	static const char *const names[] = {
		NULL, "username", "username-passcode", "kerberos", "saml",
		"jwt",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

const char *
dicom_command_name(uint16_t c)
{
	switch (c) {
	case 0x0001: return "C-STORE-RQ";
	case 0x8001: return "C-STORE-RSP";
	case 0x0010: return "C-GET-RQ";
	case 0x8010: return "C-GET-RSP";
	case 0x0020: return "C-FIND-RQ";
	case 0x8020: return "C-FIND-RSP";
	case 0x0021: return "C-MOVE-RQ";
	case 0x8021: return "C-MOVE-RSP";
	case 0x0030: return "C-ECHO-RQ";
	case 0x8030: return "C-ECHO-RSP";
	case 0x0FFF: return "C-CANCEL-RQ";
	case 0x0100: return "N-EVENT-REPORT-RQ";
	case 0x8100: return "N-EVENT-REPORT-RSP";
	case 0x0110: return "N-GET-RQ";
	case 0x8110: return "N-GET-RSP";
	case 0x0120: return "N-SET-RQ";
	case 0x8120: return "N-SET-RSP";
	case 0x0130: return "N-ACTION-RQ";
	case 0x8130: return "N-ACTION-RSP";
	case 0x0140: return "N-CREATE-RQ";
	case 0x8140: return "N-CREATE-RSP";
	case 0x0150: return "N-DELETE-RQ";
	case 0x8150: return "N-DELETE-RSP";
	default: return NULL;
	}
}

/* A code as its name, or "unknown-N" for codes the standard lacks. */
static void
dicom_kv_code(struct jsonw *w, const char *key, const char *name, unsigned v)
{
	char buf[32];

	if (name == NULL) {
		snprintf(buf, sizeof(buf), "unknown-%u", v);
		name = buf;
	}
	jsonw_kv_str(w, key, name);
}

static void
dicom_kv_nonempty(struct jsonw *w, const char *key, const char *s)
{
	if (s[0] != '\0')
		jsonw_kv_str(w, key, s);
}

static void
dicom_eve_impl(struct jsonw *w, const char *key,
    const struct dicom_user_info *ui)
{
	jsonw_key(w, key);
	jsonw_obj_open(w);
	dicom_kv_nonempty(w, "class_uid", ui->impl_class_uid);
	dicom_kv_nonempty(w, "version_name", ui->impl_version);
	if (ui->has_async) {
		JSONW_KV_UINT(w, "async_ops_invoked", ui->async_invoked);
		JSONW_KV_UINT(w, "async_ops_performed", ui->async_performed);
	}
	if (ui->n_role_selection > 0)
		JSONW_KV_UINT(w, "role_selections", ui->n_role_selection);
	if (ui->n_ext_negotiation > 0)
		JSONW_KV_UINT(w, "extended_negotiations",
		    ui->n_ext_negotiation);
	jsonw_obj_close(w);
}

static void
dicom_eve_assoc(struct jsonw *w, const struct dicom_assoc *a)
{
	static const char *const results[] = {
		"pending", "accepted", "rejected", "aborted", "incomplete",
	};
	const struct dicom_pctx *pc;
	size_t i, j;

	JSONW_KV_STR(w, "type", "association");
	JSONW_KV_STR(w, "result", results[a->result]);
	JSONW_KV_STR(w, "called_ae", a->called_ae);
	JSONW_KV_STR(w, "calling_ae", a->calling_ae);
	JSONW_KV_UINT(w, "protocol_version", a->protocol_version);
	dicom_kv_nonempty(w, "application_context", a->app_context);
	JSONW_KEY(w, "presentation_contexts");
	jsonw_arr_open(w);
	for (i = 0; i < a->n_pctx; i++) {
		pc = &a->pctx[i];
		jsonw_obj_open(w);
		JSONW_KV_UINT(w, "id", pc->id);
		dicom_kv_nonempty(w, "abstract_syntax", pc->abstract_syntax);
		if (pc->n_ts > 0) {
			JSONW_KEY(w, "transfer_syntaxes");
			jsonw_arr_open(w);
			for (j = 0; j < pc->n_ts; j++)
				jsonw_str(w, pc->ts[j]);
			jsonw_arr_close(w);
		}
		if (pc->ts_truncated)
			JSONW_KV_BOOL(w, "transfer_syntaxes_truncated", true);
		if (pc->result != DICOM_PCTX_NO_RESULT)
			dicom_kv_code(w, "result",
			    dicom_pctx_result_name(pc->result), pc->result);
		if (pc->result == 0)
			dicom_kv_nonempty(w, "accepted_transfer_syntax",
			    pc->accepted_ts);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	if (a->pctx_truncated)
		JSONW_KV_BOOL(w, "presentation_contexts_truncated", true);
	if (a->rq.has_max_pdu || a->ac.has_max_pdu) {
		JSONW_KEY(w, "max_pdu");
		jsonw_obj_open(w);
		if (a->rq.has_max_pdu)
			JSONW_KV_UINT(w, "requestor", a->rq.max_pdu);
		if (a->ac.has_max_pdu)
			JSONW_KV_UINT(w, "acceptor", a->ac.max_pdu);
		jsonw_obj_close(w);
	}
	if (a->rq.seen || a->ac.seen) {
		JSONW_KEY(w, "implementation");
		jsonw_obj_open(w);
		if (a->rq.seen)
			dicom_eve_impl(w, "requestor", &a->rq);
		if (a->ac.seen)
			dicom_eve_impl(w, "acceptor", &a->ac);
		jsonw_obj_close(w);
	}
	if (a->user_identity_type != 0)
		dicom_kv_code(w, "user_identity_type",
		    dicom_identity_name(a->user_identity_type),
		    a->user_identity_type);
	if (a->user_identity_response)
		JSONW_KV_BOOL(w, "user_identity_response", true);
	if (a->result == DICOM_ASSOC_REJECTED) {
		JSONW_KEY(w, "reject");
		jsonw_obj_open(w);
		dicom_kv_code(w, "result", dicom_rj_result_name(a->rj_result),
		    a->rj_result);
		dicom_kv_code(w, "source", dicom_rj_source_name(a->rj_source),
		    a->rj_source);
		dicom_kv_code(w, "reason",
		    dicom_rj_reason_name(a->rj_source, a->rj_reason),
		    a->rj_reason);
		jsonw_obj_close(w);
	}
	if (a->aborted) {
		JSONW_KEY(w, "abort");
		jsonw_obj_open(w);
		dicom_kv_code(w, "source",
		    dicom_abort_source_name(a->abort_source), a->abort_source);
		if (a->abort_source == 2)
			dicom_kv_code(w, "reason", dicom_abort_reason_name(
			    a->abort_source, a->abort_reason), a->abort_reason);
		jsonw_obj_close(w);
	}
}

static void
dicom_eve_command(struct jsonw *w, const struct dicom_command *c)
{
	const struct dicom_equipment *eq = &c->equipment;

	JSONW_KV_STR(w, "type", "command");
	dicom_kv_code(w, "command", dicom_command_name(c->command_field),
	    c->command_field);
	JSONW_KV_UINT(w, "command_field", c->command_field);
	JSONW_KV_UINT(w, "presentation_context_id", c->pcid);
	if (c->flags & DICOM_CMD_HAS_MSG_ID)
		JSONW_KV_UINT(w, "message_id", c->message_id);
	if (c->flags & DICOM_CMD_HAS_RESPONDED)
		JSONW_KV_UINT(w, "message_id_responded",
		    c->message_id_responded);
	dicom_kv_nonempty(w, "affected_sop_class", c->affected_sop_class);
	if (c->flags & DICOM_CMD_HAS_STATUS)
		JSONW_KV_UINT(w, "status", c->status);
	dicom_kv_nonempty(w, "move_destination", c->move_destination);
	if (c->flags & DICOM_CMD_HAS_DS_TYPE)
		JSONW_KV_BOOL(w, "has_data_set",
		    c->data_set_type != DICOM_DS_TYPE_NONE);
	if (c->flags & DICOM_CMD_HAS_EQUIPMENT) {
		JSONW_KEY(w, "equipment");
		jsonw_obj_open(w);
		dicom_kv_nonempty(w, "modality", eq->modality);
		dicom_kv_nonempty(w, "manufacturer", eq->manufacturer);
		dicom_kv_nonempty(w, "station_name", eq->station_name);
		dicom_kv_nonempty(w, "model", eq->model);
		dicom_kv_nonempty(w, "serial_number", eq->serial_number);
		dicom_kv_nonempty(w, "software_versions",
		    eq->software_versions);
		dicom_kv_nonempty(w, "sop_class_uid", eq->sop_class_uid);
		jsonw_obj_close(w);
	}
}

static void
dicom_eve(struct jsonw *w, const void *fact)
{
	const struct dicom_fact *f = fact;

	switch (f->type) {
	case DICOM_FACT_ASSOC:
		dicom_eve_assoc(w, f->u.assoc);
		break;
	case DICOM_FACT_COMMAND:
		dicom_eve_command(w, f->u.command);
		break;
	case DICOM_FACT_RELEASE:
		JSONW_KV_STR(w, "type", "release");
		JSONW_KV_STR(w, "stage",
		    f->u.release_response ? "response" : "request");
		break;
	case DICOM_FACT_ABORT:
		JSONW_KV_STR(w, "type", "abort");
		dicom_kv_code(w, "source",
		    dicom_abort_source_name(f->u.abort.source),
		    f->u.abort.source);
		if (f->u.abort.source == 2)
			dicom_kv_code(w, "reason", dicom_abort_reason_name(
			    f->u.abort.source, f->u.abort.reason),
			    f->u.abort.reason);
		break;
	}
}

static const uint16_t dicom_ports[] = { 104, 11112, 4242, 0 };

static void
dicom_facts_user(const struct app_sink *sink, int end,
    const struct dicom_user_info *u)
{
	if (!u->seen)
		return;
	app_evidence(sink, end, EVIDENCE_DICOM_IMPL_CLASS_UID,
	    u->impl_class_uid);
	app_evidence(sink, end, EVIDENCE_DICOM_IMPL_VERSION, u->impl_version);
}

/*
 * Accepting an association makes a host a DICOM service provider
 * (a PACS, an archive, a workstation) unless all it offered is
 * Verification or Storage Commitment, which modalities accept too.
 */
static bool
dicom_facts_scp(const struct dicom_assoc *a)
{
	size_t i;

	for (i = 0; i < a->n_pctx; i++)
		if (strcmp(a->pctx[i].abstract_syntax, "1.2.840.10008.1.1") &&
		    strcmp(a->pctx[i].abstract_syntax,
		    "1.2.840.10008.1.20.1"))
			return true;
	return false;
}

/*
 * Device evidence: the AE titles, implementation and SOP classes of an
 * association (the requestor is the TCP client, PS3.8 9.1.1), the
 * roles it shows, and the equipment a C-STORE data set names.
 */
/*
 * A request, as what its sender did: "C-FIND", "C-MOVE\tDEST_AE",
 * "C-GET\tDEST_AE" (the sender's own AE title: where the data goes),
 * and with pseudonyms "C-MOVE\tDEST_AE\tSTUDY\tPATIENT" (activity.def).
 */
static void
dicom_facts_command(const struct dicom_command *c, int tx,
    const struct app_sink *sink)
{
	const char *name = dicom_command_name(c->command_field);
	char buf[32 + DICOM_AE_MAX + 2 * (PSEUDO_HEX + 1)];
	size_t n;

	if (name == NULL || (c->command_field & 0x8000) ||
	    c->command_field == 0x0FFF)
		return;
	strlcpy(buf, name, sizeof(buf));
	if ((n = strlen(buf)) > 3 && strcmp(buf + n - 3, "-RQ") == 0)
		buf[n - 3] = '\0';
	if (c->command_field == DICOM_CMD_C_MOVE_RQ ||
	    c->command_field == DICOM_CMD_C_GET_RQ ||
	    c->ps_study[0] != '\0' || c->ps_patient[0] != '\0') {
		strlcat(buf, "\t", sizeof(buf));
		strlcat(buf, c->command_field == DICOM_CMD_C_GET_RQ ?
		    c->get_destination : c->move_destination, sizeof(buf));
	}
	if (c->ps_study[0] != '\0' || c->ps_patient[0] != '\0') {
		strlcat(buf, "\t", sizeof(buf));
		strlcat(buf, c->ps_study, sizeof(buf));
		strlcat(buf, "\t", sizeof(buf));
		strlcat(buf, c->ps_patient, sizeof(buf));
	}
	app_activity(sink, tx, ACT_DICOM_COMMAND, buf);
}

static void
dicom_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct dicom_fact *df = fact;
	const struct dicom_assoc *a;
	const struct dicom_equipment *e;
	int tx = APP_END_SENDER(dir);
	char buf[2 * DICOM_AE_MAX + 2];
	size_t i;

	switch (df->type) {
	case DICOM_FACT_ASSOC:
		a = df->u.assoc;
		if (a->have_rq) {
			snprintf(buf, sizeof(buf), "%s\t%s", a->calling_ae,
			    a->called_ae);
			app_activity(sink, APP_END_CLIENT, ACT_DICOM_ASSOC,
			    buf);
			app_evidence(sink, APP_END_CLIENT,
			    EVIDENCE_DICOM_CALLING_AE, a->calling_ae);
			app_evidence(sink, APP_END_SERVER,
			    EVIDENCE_DICOM_CALLED_AE, a->called_ae);
			dicom_facts_user(sink, APP_END_CLIENT, &a->rq);
			for (i = 0; i < a->n_pctx && i < DICOM_FACTS_MAX_SOP;
			    i++)
				app_evidence(sink, APP_END_CLIENT,
				    EVIDENCE_DICOM_SOP_CLASS,
				    a->pctx[i].abstract_syntax);
		}
		if (a->have_ac)
			dicom_facts_user(sink, APP_END_SERVER, &a->ac);
		if (a->result == DICOM_ASSOC_ACCEPTED && dicom_facts_scp(a)) {
			app_evidence(sink, APP_END_SERVER, EVIDENCE_BEHAVIOUR,
			    "dicom_scp");
			app_evidence(sink, APP_END_CLIENT, EVIDENCE_BEHAVIOUR,
			    "dicom_scu");
		}
		break;
	case DICOM_FACT_COMMAND:
		dicom_facts_command(df->u.command, tx, sink);
		if (!(df->u.command->flags & DICOM_CMD_HAS_EQUIPMENT))
			break;
		e = &df->u.command->equipment;
		app_evidence(sink, tx, EVIDENCE_DICOM_MODALITY, e->modality);
		app_evidence(sink, tx, EVIDENCE_DICOM_MANUFACTURER,
		    e->manufacturer);
		app_evidence(sink, tx, EVIDENCE_DICOM_MODEL, e->model);
		app_evidence(sink, tx, EVIDENCE_DICOM_SOFTWARE,
		    e->software_versions);
		app_evidence(sink, tx, EVIDENCE_DICOM_SERIAL, e->serial_number);
		app_evidence(sink, tx, EVIDENCE_HOSTNAME_DICOM,
		    e->station_name);
		app_evidence(sink, tx, EVIDENCE_DICOM_SOP_CLASS,
		    e->sop_class_uid);
		break;
	default:
		break;
	}
}

const struct app_parser dicom_parser = {
	.proto = APP_DICOM,
	.ipproto = IPPROTO_TCP,
	.ports = dicom_ports,
	.anom_first = EV_DICOM_PDU_TOO_LONG,
	.anom_last = EV_DICOM_RESYNC_FAILED,
	.probe = dicom_probe,
	.state_new = dicom_state_new,
	.state_size = sizeof(struct dicom_state),
	.state_free = dicom_state_free,
	.parse = dicom_parse,
	.gap = dicom_gap,
	.eve = dicom_eve,
	.facts = dicom_facts,
	.memuse = dicom_memuse,
};
