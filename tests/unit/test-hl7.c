/*
 * test-hl7.c - the HL7 v2 tokenizer and the HL7-over-MLLP parser ops
 * (src/app/hl7.c).
 *
 * Byte vectors of a patient monitor's ORU^R01, an infusion pump order
 * RGV^O15 with a PRT device segment, an ADT^A01, an ACK and a NAK (all
 * fake data), fed through hl7_parser and the framework-like driver
 * mock_feed(): the facts, custom delimiters, escapes, every truncation,
 * every two-way split and (on a smaller stream) every three-way split,
 * junk, the frame cap, sloppy terminators, hostile delimiters, the
 * segment limit, linear time, privacy, the probe and the EVE object.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/hl7.h"

/*
 * ORU^R01 from a patient monitor (IHE PCD-01).  MSH-3 carries the
 * monitor's EUI-64 (IHE PCD DEC), OBX-3 MDC codes, OBX-18 the
 * equipment instance identifier; the PID, the NTE and OBX-5 values are
 * patient data (canaries: DOE^JANE, ZZ12345, 19700101, ZZNOTE,
 * ZZOBXVALUE).
 *
 * MSH|^~\&|MX800^0123456789ABCDEF^EUI-64|ICU_WEST|GATEWAY^1.2.3.4^ISO|
 *     HOSP|20261124101500+0000||ORU^R01^ORU_R01|MSG00001|P|2.6|||AL|NE||
 *     UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO
 * PID|1||ZZ12345^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F
 * PV1|1|I|ICU^BED01
 * OBR|1|PLACER1|FILLER1|182777000^monitoring of patient^SNOMED-CT|||
 *     20261124101500
 * OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|98|
 *     262688^MDC_DIM_PERCENT^MDC|||||R|||20261124101500||||
 *     0123456789ABCDEF^Philips^0123456789ABCDEF^EUI-64
 * OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.2|72|
 *     264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||20261124101500||||
 *     0123456789ABCDEF^Philips^0123456789ABCDEF^EUI-64
 * OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.3|97
 * OBX|4|ST|184326^MDC_ECG_STAT_RHY^MDC|1.1.1.4|ZZOBXVALUE
 * NTE|1||ZZNOTE resting
 */
#define ORU_MSH	"MSH|^~\\&|MX800^0123456789ABCDEF^EUI-64|ICU_WEST|" \
	"GATEWAY^1.2.3.4^ISO|HOSP|20261124101500+0000||ORU^R01^ORU_R01|" \
	"MSG00001|P|2.6|||AL|NE||UNICODE UTF-8|||" \
	"IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
#define ORU_BODY "PID|1||ZZ12345^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r" \
	"PV1|1|I|ICU^BED01\r" \
	"OBR|1|PLACER1|FILLER1|182777000^monitoring of patient^SNOMED-CT|||" \
	"20261124101500\r" \
	"OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|98|" \
	"262688^MDC_DIM_PERCENT^MDC|||||R|||20261124101500||||" \
	"0123456789ABCDEF^Philips^0123456789ABCDEF^EUI-64\r" \
	"OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.2|72|" \
	"264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||20261124101500||||" \
	"0123456789ABCDEF^Philips^0123456789ABCDEF^EUI-64\r" \
	"OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.3|97\r" \
	"OBX|4|ST|184326^MDC_ECG_STAT_RHY^MDC|1.1.1.4|ZZOBXVALUE\r" \
	"NTE|1||ZZNOTE resting\r"
#define ORU	ORU_MSH ORU_BODY

/*
 * RGV^O15 (IHE PCD-03) from pharmacy to an infusion pump gateway; PRT
 * describes the pump: PRT-10 the device (EI with EUI-64), PRT-16 the
 * UDI device identifier, PRT-17/18 manufacture and expiry dates, PRT-19
 * lot, PRT-20 serial number, PRT-22 device type.
 *
 * MSH|^~\&|PHARMACY^1.2.3.4.5^ISO|HOSP|PUMP_GW|HOSP|20261124110000||
 *     RGV^O15^RGV_O15|RGV0001|P|2.6
 * PID|1||ZZ12345^^^HOSP^MR||DOE^JANE
 * ORC|RE|ORD1
 * RXG|1||20261124110000|0409-4888^Heparin^NDC|1000
 * PRT|1|UC||AP^Administering Provider^participation||||||
 *     PUMP01^ACME^AAAA0000BBBB1111^EUI-64||||||(01)00643169007222|
 *     20250101|20281231|LOT123|SN998877||PUMP^Infusion pump
 */
#define RGV	"MSH|^~\\&|PHARMACY^1.2.3.4.5^ISO|HOSP|PUMP_GW|HOSP|" \
	"20261124110000||RGV^O15^RGV_O15|RGV0001|P|2.6\r" \
	"PID|1||ZZ12345^^^HOSP^MR||DOE^JANE\r" \
	"ORC|RE|ORD1\r" \
	"RXG|1||20261124110000|0409-4888^Heparin^NDC|1000\r" \
	"PRT|1|UC||AP^Administering Provider^participation||||||" \
	"PUMP01^ACME^AAAA0000BBBB1111^EUI-64||||||(01)00643169007222|" \
	"20250101|20281231|LOT123|SN998877||PUMP^Infusion pump\r"

/*
 * ADT^A01 (admission) to the monitoring gateway.
 *
 * MSH|^~\&|ADT_SYS|HOSP|MONITOR_GW|ICU|20261124120000||ADT^A01^ADT_A01|
 *     ADT0001|P|2.5
 * EVN|A01|20261124120000
 * PID|1||ZZ12345^^^HOSP^MR||DOE^JANE||19700101|F
 * PV1|1|I|ICU^BED01
 */
#define ADT	"MSH|^~\\&|ADT_SYS|HOSP|MONITOR_GW|ICU|20261124120000||" \
	"ADT^A01^ADT_A01|ADT0001|P|2.5\r" \
	"EVN|A01|20261124120000\r" \
	"PID|1||ZZ12345^^^HOSP^MR||DOE^JANE||19700101|F\r" \
	"PV1|1|I|ICU^BED01\r"

/*
 * ACK and NAK from the pump gateway.
 *
 * MSH|^~\&|PUMP_GW|HOSP|PHARMACY|HOSP|20261124110001||ACK^O15^ACK|
 *     ACK0001|P|2.6
 * MSA|AA|RGV0001
 *
 * MSH|^~\&|PUMP_GW|HOSP|PHARMACY|HOSP|20261124110002||ACK^O15^ACK|
 *     ACK0002|P|2.6
 * MSA|AE|RGV0002
 * ERR|||207^Application internal error^HL70357|E
 */
#define ACK	"MSH|^~\\&|PUMP_GW|HOSP|PHARMACY|HOSP|20261124110001||" \
	"ACK^O15^ACK|ACK0001|P|2.6\r" \
	"MSA|AA|RGV0001\r"
#define NAK	"MSH|^~\\&|PUMP_GW|HOSP|PHARMACY|HOSP|20261124110002||" \
	"ACK^O15^ACK|ACK0002|P|2.6\r" \
	"MSA|AE|RGV0002\r" \
	"ERR|||207^Application internal error^HL70357|E\r"

/* A message framed: 0x0B message 0x1C 0x0D. */
#define FRAMED(m)	"\x0b" m "\x1c\x0d"
#define SLEN(s)		(sizeof(s) - 1)

#define CAP_MAX	10

struct cap {
	unsigned	 n;
	int		 dir[CAP_MAX];
	uint64_t	 ids[CAP_MAX];	/* f[].ids, cleared there */
	struct hl7_facts f[CAP_MAX];
};

struct fixture {
	void		*st;
	struct app_ctx	 ctx;
	struct cap	*cap;
};

/* A copy of facts to compare whole: the table entries past their counts,
 * which the parser leaves as they were, are cleared, and so is the
 * number of the evidence fields (one parser state's, never another's). */
static void
facts_copy(struct hl7_facts *dst, const struct hl7_facts *src)
{
	memcpy(dst, src, sizeof(*dst));
	memset(dst->devices + dst->n_devices, 0, (HL7_MAX_DEVICES -
	    dst->n_devices) * sizeof(dst->devices[0]));
	memset(dst->obs + dst->n_obs, 0, (HL7_MAX_OBS - dst->n_obs) *
	    sizeof(dst->obs[0]));
	memset(dst->segs + dst->n_segtypes, 0, (HL7_MAX_SEGTYPES -
	    dst->n_segtypes) * sizeof(dst->segs[0]));
	dst->ids = 0;
	dst->evec = NULL;
}

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	struct cap *cap = ctx->user;

	assert_int_equal(proto, APP_HL7);
	if (cap->n < CAP_MAX) {
		cap->dir[cap->n] = dir;
		cap->ids[cap->n] = ((const struct hl7_facts *)fact)->ids;
		facts_copy(&cap->f[cap->n], fact);
	}
	cap->n++;
}

static void
fx_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->st = hl7_parser.state_new();
	assert_non_null(fx->st);
	fx->cap = calloc(1, sizeof(*fx->cap));
	assert_non_null(fx->cap);
	fx->ctx.on_fact = on_fact;
	fx->ctx.user = fx->cap;
}

static void
fx_free(struct fixture *fx)
{
	hl7_parser.state_free(fx->st);
	free(fx->cap);
}

static enum parse_result
fx_feed(struct fixture *fx, const void *p, size_t n, const size_t *sp,
    size_t nsp, size_t *left)
{
	return mock_feed(&hl7_parser, fx->st, &fx->ctx, APP_DIR_TOSERVER, p,
	    n, sp, nsp, left);
}

/* Parse one stream in one chunk; expects exactly 'want' facts. */
static void
fx_run(struct fixture *fx, const void *p, size_t n, unsigned want)
{
	size_t left;

	fx_init(fx);
	assert_int_equal(fx_feed(fx, p, n, NULL, 0, &left), PARSE_OK);
	assert_int_equal(left, 0);
	assert_int_equal(fx->cap->n, want);
}

static void
assert_hd(const struct hl7_hd *hd, const char *ns, const char *uid,
    const char *type)
{
	assert_string_equal(hd->namespace_id, ns);
	assert_string_equal(hd->universal_id, uid);
	assert_string_equal(hd->universal_id_type, type);
}

static const struct hl7_segcount *
seg(const struct hl7_facts *f, const char *id)
{
	unsigned i;

	for (i = 0; i < f->n_segtypes; i++)
		if (strcmp(f->segs[i].id, id) == 0)
			return &f->segs[i];
	return NULL;
}

static void
assert_oru(const struct hl7_facts *f)
{
	assert_string_equal(f->message_type, "ORU");
	assert_string_equal(f->trigger_event, "R01");
	assert_string_equal(f->message_structure, "ORU_R01");
	assert_string_equal(f->type_name, "ORU^R01");
	assert_string_equal(f->control_id, "MSG00001");
	assert_string_equal(f->processing_id, "P");
	assert_string_equal(f->version, "2.6");
	assert_hd(&f->sending_app, "MX800", "0123456789ABCDEF", "EUI-64");
	assert_hd(&f->sending_fac, "ICU_WEST", "", "");
	assert_hd(&f->receiving_app, "GATEWAY", "1.2.3.4", "ISO");
	assert_hd(&f->receiving_fac, "HOSP", "", "");
	assert_string_equal(f->profile, "IHE_PCD_001");
	assert_string_equal(f->profile_oid, "1.3.6.1.4.1.19376.1.6.1.1.1");
	assert_false(f->has_ack);

	/* OBX-18 once (the same on two OBX), then MSH-3's EUI-64. */
	assert_int_equal(f->n_devices, 2);
	assert_int_equal(f->devices[0].source, HL7_DEV_OBX18);
	assert_int_equal(f->devices[0].field, 18);
	assert_string_equal(f->devices[0].id, "0123456789ABCDEF");
	assert_hd(&f->devices[0].hd, "Philips", "0123456789ABCDEF", "EUI-64");
	assert_true(f->devices[0].eui64);
	assert_int_equal(f->devices[1].source, HL7_DEV_MSH3);
	assert_string_equal(f->devices[1].id, "0123456789ABCDEF");
	assert_true(f->devices[1].eui64);

	/* Distinct OBX-3 codes: code and system, never the text. */
	assert_int_equal(f->n_obs, 3);
	assert_string_equal(f->obs[0].code, "150456");
	assert_string_equal(f->obs[0].system, "MDC");
	assert_string_equal(f->obs[1].code, "147842");
	assert_string_equal(f->obs[2].code, "184326");

	assert_int_equal(f->n_segments, 9);
	assert_int_equal(f->n_segtypes, 6);
	assert_int_equal(seg(f, "MSH")->n, 1);
	assert_int_equal(seg(f, "PID")->n, 1);
	assert_int_equal(seg(f, "OBX")->n, 4);
	assert_int_equal(seg(f, "NTE")->n, 1);
	assert_int_equal(f->segs_other, 0);
	assert_false(f->truncated);
	assert_int_equal(f->length, SLEN(ORU));
}

static void
test_hl7_oru(void **state)
{
	static const char b[] = FRAMED(ORU);
	struct fixture fx;

	(void)state;
	fx_run(&fx, b, SLEN(b), 1);
	assert_oru(&fx.cap->f[0]);
	assert_string_equal(fx.cap->f[0].delimiters, "|^~\\&");
	assert_int_equal(fx.ctx.n_anom, 0);
	fx_free(&fx);
}

static void
test_hl7_rgv_prt(void **state)
{
	static const char b[] = FRAMED(RGV);
	const struct hl7_facts *f;
	struct fixture fx;
	static const struct {
		unsigned field;
		const char *id;
	} prt[] = {
		{ 16, "(01)00643169007222" }, { 17, "20250101" },
		{ 18, "20281231" }, { 19, "LOT123" }, { 20, "SN998877" },
		{ 22, "PUMP^Infusion pump" },
	};
	unsigned i;

	(void)state;
	fx_run(&fx, b, SLEN(b), 1);
	f = &fx.cap->f[0];
	assert_string_equal(f->message_type, "RGV");
	assert_string_equal(f->trigger_event, "O15");
	assert_string_equal(f->message_structure, "RGV_O15");
	assert_hd(&f->sending_app, "PHARMACY", "1.2.3.4.5", "ISO");
	assert_hd(&f->receiving_app, "PUMP_GW", "", "");
	assert_int_equal(f->n_devices, 1 + 6);
	assert_int_equal(f->devices[0].source, HL7_DEV_PRT);
	assert_int_equal(f->devices[0].field, 10);
	assert_string_equal(f->devices[0].id, "PUMP01");
	assert_hd(&f->devices[0].hd, "ACME", "AAAA0000BBBB1111", "EUI-64");
	assert_true(f->devices[0].eui64);
	for (i = 0; i < 6; i++) {
		assert_int_equal(f->devices[1 + i].source, HL7_DEV_PRT);
		assert_int_equal(f->devices[1 + i].field, prt[i].field);
		assert_string_equal(f->devices[1 + i].id, prt[i].id);
		assert_false(f->devices[1 + i].eui64);
	}
	assert_int_equal(f->n_obs, 0);
	assert_int_equal(seg(f, "PRT")->n, 1);
	assert_int_equal(fx.ctx.n_anom, 0);
	fx_free(&fx);
}

static void
test_hl7_adt(void **state)
{
	static const char b[] = FRAMED(ADT);
	const struct hl7_facts *f;
	struct fixture fx;

	(void)state;
	fx_run(&fx, b, SLEN(b), 1);
	f = &fx.cap->f[0];
	assert_string_equal(f->message_type, "ADT");
	assert_string_equal(f->trigger_event, "A01");
	assert_string_equal(f->control_id, "ADT0001");
	assert_string_equal(f->version, "2.5");
	assert_hd(&f->sending_app, "ADT_SYS", "", "");
	assert_hd(&f->receiving_fac, "ICU", "", "");
	assert_int_equal(f->n_devices, 0);
	assert_int_equal(f->n_segments, 4);
	assert_int_equal(seg(f, "EVN")->n, 1);
	assert_int_equal(seg(f, "PV1")->n, 1);
	fx_free(&fx);
}

/* The HL7 activity a message gives the device brain (activity.def). */
static char act_value[128];

static void
act_evidence(const struct app_sink *s, int end, enum evidence_key k,
    const char *v, size_t n)
{
	(void)s; (void)end; (void)k; (void)v; (void)n;
}

static void
act_record(const struct app_sink *s, int end, enum activity a,
    const char *v, size_t n)
{
	(void)s; (void)end;
	if (a == ACT_HL7_MESSAGE)
		snprintf(act_value, sizeof(act_value), "%.*s", (int)n, v);
}

static bool
act_address(const struct app_sink *s, int end, char *buf)
{
	(void)s; (void)end; (void)buf;
	return false;
}

static const char *
message_activity(const struct hl7_facts *f)
{
	const struct app_sink sink = { .evidence = act_evidence,
	    .activity = act_record, .address = act_address };

	act_value[0] = '\0';
	hl7_parser.facts(f, APP_DIR_TOSERVER, &sink);
	return act_value;
}

/*
 * privacy.pseudonyms: PID-3's first identifier becomes its keyed
 * pseudonym (HMAC-SHA-256 under the key, as Python's hmac computes it)
 * in the facts and the activity; off, the facts hold nothing of PID.
 */
static void
test_hl7_pseudonym(void **state)
{
	static const char b[] = FRAMED(ADT);
	struct fixture fx;

	(void)state;
	pseudo_set_key("0123456789abcdef", 16);
	fx_run(&fx, b, SLEN(b), 1);
	assert_string_equal(fx.cap->f[0].ps_patient, "10311705626cf9c4");
	assert_int_equal(seg(&fx.cap->f[0], "PID")->n, 1);
	assert_string_equal(message_activity(&fx.cap->f[0]),
	    "ADT^A01\t10311705626cf9c4");
	assert_null(memmem(&fx.cap->f[0], sizeof(fx.cap->f[0]), "ZZ12345",
	    7));
	fx_free(&fx);
	pseudo_set_key(NULL, 0);
	fx_run(&fx, b, SLEN(b), 1);
	assert_string_equal(fx.cap->f[0].ps_patient, "");
	assert_string_equal(message_activity(&fx.cap->f[0]), "ADT^A01");
	fx_free(&fx);
}

static void
test_hl7_ack_nak(void **state)
{
	static const char b[] = FRAMED(ACK) FRAMED(NAK);
	struct fixture fx;

	(void)state;
	fx_run(&fx, b, SLEN(b), 2);
	assert_true(fx.cap->f[0].has_ack);
	assert_string_equal(fx.cap->f[0].ack_code, "AA");
	assert_string_equal(fx.cap->f[0].ack_control_id, "RGV0001");
	assert_string_equal(fx.cap->f[0].message_type, "ACK");
	assert_string_equal(fx.cap->f[0].type_name, "ACK^O15");
	assert_true(fx.cap->f[1].has_ack);
	assert_string_equal(fx.cap->f[1].ack_code, "AE");
	assert_string_equal(fx.cap->f[1].ack_control_id, "RGV0002");
	assert_int_equal(seg(&fx.cap->f[1], "ERR")->n, 1);
	assert_int_equal(fx.ctx.n_anom, 0);
	fx_free(&fx);
}

/* EQU-1 (lab automation): the analyzer's equipment instance id. */
static void
test_hl7_equ(void **state)
{
	static const char b[] = FRAMED(
	    "MSH|^~\\&|LAB|HOSP|LIS|HOSP|||EAU^U01^EAU_U01|EQ1|P|2.5\r"
	    "EQU|ANALYZER01^ROCHE^1.2.3^ISO|20261124\r");
	const struct hl7_device *d;
	struct fixture fx;

	(void)state;
	fx_run(&fx, b, SLEN(b), 1);
	assert_int_equal(fx.cap->f[0].n_devices, 1);
	d = &fx.cap->f[0].devices[0];
	assert_int_equal(d->source, HL7_DEV_EQU1);
	assert_string_equal(d->id, "ANALYZER01");
	assert_hd(&d->hd, "ROCHE", "1.2.3", "ISO");
	fx_free(&fx);
}

/* The ORU with | ^ ~ \ & replaced by # $ % ! @ gives the same facts. */
static void
test_hl7_custom_delimiters(void **state)
{
	static const char from[] = "|^~\\&", to[] = "#$%!@";
	char b[] = FRAMED(ORU);
	struct fixture fx;
	char *p, *q;

	(void)state;
	for (p = b; *p != '\0'; p++)
		if ((q = strchr(from, *p)) != NULL)
			*p = to[q - from];
	assert_non_null(strstr(b, "MSH#$%!@#MX800$0123"));
	fx_run(&fx, b, SLEN(b), 1);
	assert_oru(&fx.cap->f[0]);
	assert_string_equal(fx.cap->f[0].delimiters, "#$%!@");
	assert_int_equal(fx.ctx.n_anom, 0);
	fx_free(&fx);
}

/*
 * Escapes in kept fields are decoded (chapter 2.7): \F\ \S\ \T\ \R\
 * \E\ and, with a v2.7 truncation character, \P\; other escapes and a
 * lone escape are kept, control bytes become '?'.
 */
static void
test_hl7_escapes(void **state)
{
	static const char b[] = FRAMED(
	    "MSH|^~\\&#|A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\X41\\Z^u\\P\\id|"
	    "F\x01" "AC\\|R|RF|||ORU^R01|1|P|2.7\r");
	static const char c[] = FRAMED(
	    "MSH|^~\\&|X\\P\\Y|F|R|RF|||ORU^R01|1|P|2.5\r");
	struct fixture fx;

	(void)state;
	fx_run(&fx, b, SLEN(b), 1);
	assert_string_equal(fx.cap->f[0].delimiters, "|^~\\&#");
	assert_string_equal(fx.cap->f[0].sending_app.namespace_id,
	    "A|B^C&D~E\\X41\\Z");
	assert_string_equal(fx.cap->f[0].sending_app.universal_id, "u#id");
	assert_string_equal(fx.cap->f[0].sending_fac.namespace_id,
	    "F?AC\\");
	assert_string_equal(fx.cap->f[0].version, "2.7");
	fx_free(&fx);

	/* Without a truncation character \P\ means nothing. */
	fx_run(&fx, c, SLEN(c), 1);
	assert_string_equal(fx.cap->f[0].sending_app.namespace_id,
	    "X\\P\\Y");
	fx_free(&fx);
}

/* Long values are cut to their array and stay NUL-terminated. */
static void
test_hl7_long_values(void **state)
{
	char msg[1024];
	struct fixture fx;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(msg + n, sizeof(msg) - n, "\x0bMSH|^~\\&|");
	memset(msg + n, 'A', 300);
	n += 300;
	n += (size_t)snprintf(msg + n, sizeof(msg) - n,
	    "|F|R|RF|||ORU^R01|1|P|2.6\r\x1c\x0d");
	fx_run(&fx, msg, n, 1);
	assert_int_equal(strlen(fx.cap->f[0].sending_app.namespace_id),
	    HL7_STR - 1);
	fx_free(&fx);
}

/*
 * The fields a segment's walk does not read are passed over a word at
 * a time: OBX-18 and MSH-21 are found behind fields of every length
 * (separators at every place in a word, components among them), and
 * not found when the segment ends before them, right at the field
 * before or in the middle of one.  Each message is parsed from a heap
 * block of its own length.
 */
static void
test_hl7_fields_passed_over(void **state)
{
	char msg[2048], fill[32];
	struct hl7_facts *f;
	struct app_ctx ctx;
	size_t len, n, nf, k;
	uint8_t *buf;

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	for (len = 0; len < 24; len++)
		for (nf = 15; nf <= 21; nf++) {
			for (k = 0; k < len; k++)
				/* '}' right after '|' is '|' ^ 1 next
				 * to a '|', which a word test that is
				 * not exact takes for another '|'. */
				fill[k] = k % 5 == 3 ? '^' : k % 4 == 0 ?
				    '}' : (char)('a' + k);
			fill[len] = '\0';
			n = 0;
			n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			    "MSH|^~\\&|APP|FAC|RCV|RFAC|%s|%s|ORU^R01|C1|P|"
			    "2.6", fill, fill);
			/* MSH-13 to MSH-20, then MSH-21 if nf says so. */
			for (k = 13; k <= 20 && k <= nf; k++)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|%s", fill);
			if (nf >= 21)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|PROF^^1.2.3");
			n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			    "\rOBX|1|NM|CODE%zu^^LN", len);
			for (k = 4; k <= nf && k <= 17; k++)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|%s", fill);
			if (nf >= 18)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|DEV%zu^NS^00:11^EUI-64", len);
			if (nf >= 19)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|%s", fill);
			assert_true(n < sizeof(msg));
			buf = malloc(n);
			assert_non_null(buf);
			memcpy(buf, msg, n);
			memset(&ctx, 0, sizeof(ctx));
			assert_int_equal(hl7_parse_message(buf, n,
			    HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
			assert_string_equal(f->message_type, "ORU");
			assert_string_equal(f->control_id, "C1");
			assert_string_equal(f->version, "2.6");
			assert_string_equal(f->profile, nf >= 21 ? "PROF" : "");
			assert_string_equal(f->profile_oid,
			    nf >= 21 ? "1.2.3" : "");
			assert_int_equal(f->n_obs, 1);
			snprintf(fill, sizeof(fill), "CODE%zu", len);
			assert_string_equal(f->obs[0].code, fill);
			if (nf >= 18) {
				assert_int_equal(f->n_devices, 1);
				snprintf(fill, sizeof(fill), "DEV%zu", len);
				assert_string_equal(f->devices[0].id, fill);
				assert_true(f->devices[0].eui64);
			} else
				assert_int_equal(f->n_devices, 0);
			free(buf);
		}
	free(f);
}

/* Every truncation of a framed message: INCOMPLETE, no facts. */
static void
test_hl7_every_truncation(void **state)
{
	static const char b[] = FRAMED(ORU);
	struct fixture fx;
	enum parse_result r;
	size_t i, left;

	(void)state;
	for (i = 1; i < SLEN(b); i++) {
		fx_init(&fx);
		r = fx_feed(&fx, b, i, NULL, 0, &left);
		assert_int_equal(r, PARSE_INCOMPLETE);
		assert_int_equal(left, i);
		assert_int_equal(fx.cap->n, 0);
		assert_int_equal(fx.ctx.n_anom, 0);
		fx_free(&fx);
	}
}

/* Every 2-way split of ORU + RGV gives the facts of the whole. */
static void
test_hl7_every_split_point(void **state)
{
	static const char b[] = FRAMED(ORU) FRAMED(RGV);
	struct fixture ref, fx;
	size_t i, left, sp[1];

	(void)state;
	fx_run(&ref, b, SLEN(b), 2);
	for (i = 1; i < SLEN(b); i++) {
		fx_init(&fx);
		sp[0] = i;
		assert_int_equal(fx_feed(&fx, b, SLEN(b), sp, 1, &left),
		    PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(fx.cap->n, 2);
		assert_memory_equal(&fx.cap->f[0], &ref.cap->f[0],
		    sizeof(ref.cap->f[0]));
		assert_memory_equal(&fx.cap->f[1], &ref.cap->f[1],
		    sizeof(ref.cap->f[1]));
		assert_int_equal(fx.ctx.n_anom, 0);
		fx_free(&fx);
	}
	fx_free(&ref);
}

/*
 * A batch in one MLLP block (HL7 v2.5.1 2.10.3): file and batch
 * headers, the ORU and the RGV, the batch trailer (2 messages) and the
 * file trailer:
 *	FHS|^~\&|LAB_GW|HOSP|...
 *	BHS|^~\&|LAB_GW|HOSP|EMR|HOSP|20261124120000||||BATCH-0042
 *	MSH...(ORU)  MSH...(RGV)
 *	BTS|2
 *	FTS|1
 */
#define FHS	"FHS|^~\\&|LAB_GW|HOSP|EMR|HOSP|20261124120000\r"
#define BHS	"BHS|^~\\&|LAB_GW|HOSP|EMR|HOSP|20261124120000||||BATCH-0042\r"
#define BATCH(bts) FRAMED(FHS BHS ORU RGV "BTS|" bts "\r" "FTS|1\r")

static char	*eve_text(const struct hl7_facts *, struct jsonw *);

/* Each message of a batch is its own fact, with its place in the batch. */
static void
test_hl7_batch(void **state)
{
	static const char b[] = BATCH("2");
	static const char bad[] = BATCH("3");
	static const char two[] = FRAMED(ACK NAK);
	struct fixture fx, ref;
	size_t i, left;
	struct jsonw w;
	char *t;

	(void)state;
	assert_int_equal(hl7_parser.probe((const uint8_t *)b, SLEN(b), 0),
	    APP_PROBE_YES);
	fx_run(&fx, b, SLEN(b), 2);
	assert_int_equal(fx.ctx.n_anom, 0);
	assert_string_equal(fx.cap->f[0].message_type, "ORU");
	assert_string_equal(fx.cap->f[1].message_type, "RGV");
	assert_true(fx.cap->f[0].in_batch);
	assert_int_equal(fx.cap->f[0].batch_index, 1);
	assert_int_equal(fx.cap->f[1].batch_index, 2);
	assert_string_equal(fx.cap->f[1].batch_control_id, "BATCH-0042");
	/* The message's own segments only: not the batch trailers. */
	assert_int_equal(fx.cap->f[0].n_segments, 9);
	assert_null(seg(&fx.cap->f[1], "BTS"));
	assert_int_equal(fx.cap->f[0].length, SLEN(ORU));
	t = eve_text(&fx.cap->f[1], &w);
	assert_non_null(strstr(t, "\"batch\":{\"index\":2,"
	    "\"control_id\":\"BATCH-0042\"}"));
	jsonw_free(&w);

	/* Every split gives the same facts. */
	for (i = 1; i < SLEN(b); i++) {
		fx_init(&ref);
		assert_int_equal(fx_feed(&ref, b, SLEN(b), &i, 1, &left),
		    PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(ref.cap->n, 2);
		assert_memory_equal(ref.cap->f, fx.cap->f,
		    2 * sizeof(fx.cap->f[0]));
		fx_free(&ref);
	}
	fx_free(&fx);

	/* BTS-1 says 3: an anomaly, the facts are the same. */
	fx_run(&fx, bad, SLEN(bad), 2);
	assert_true(mock_has_anomaly(&fx.ctx, EV_HL7_BATCH_COUNT));
	fx_free(&fx);

	/* Two messages in one block without batch segments. */
	fx_run(&fx, two, SLEN(two), 2);
	assert_true(fx.cap->f[0].in_batch);
	assert_true(fx.cap->f[0].has_ack && fx.cap->f[1].has_ack);
	assert_string_equal(fx.cap->f[1].ack_code, "AE");
	assert_string_equal(fx.cap->f[1].batch_control_id, "");
	fx_free(&fx);

	/* A message alone is not in a batch. */
	fx_run(&fx, FRAMED(ACK), SLEN(FRAMED(ACK)), 1);
	assert_false(fx.cap->f[0].in_batch);
	fx_free(&fx);
}

/*
 * Blocks that are batches of nothing, or hold segments outside any
 * message: msh_missing, and the messages that are there still count.
 */
static void
test_hl7_batch_odd(void **state)
{
	static const char empty[] = FRAMED(FHS BHS "BTS|0\r" "FTS|1\r");
	static const char stray[] = FRAMED("PID|1||X\r" ACK);
	static const char junk[] = FRAMED(BHS "OBX|1\r" ACK "BTS|1\r");
	struct fixture fx;

	(void)state;
	fx_run(&fx, empty, SLEN(empty), 0);
	assert_true(mock_has_anomaly(&fx.ctx, EV_HL7_MSH_MISSING));
	assert_false(mock_has_anomaly(&fx.ctx, EV_HL7_BATCH_COUNT));
	fx_free(&fx);
	fx_run(&fx, stray, SLEN(stray), 1);
	assert_true(mock_has_anomaly(&fx.ctx, EV_HL7_MSH_MISSING));
	assert_false(fx.cap->f[0].in_batch);
	fx_free(&fx);
	fx_run(&fx, junk, SLEN(junk), 1);
	assert_true(mock_has_anomaly(&fx.ctx, EV_HL7_MSH_MISSING));
	assert_false(mock_has_anomaly(&fx.ctx, EV_HL7_BATCH_COUNT));
	assert_int_equal(fx.cap->f[0].batch_index, 1);
	fx_free(&fx);
}

/* Every 3-way split of ACK + NAK. */
static void
test_hl7_every_three_way_split(void **state)
{
	static const char b[] = FRAMED(ACK) FRAMED(NAK);
	struct fixture ref, fx;
	size_t i, j, left, sp[2];

	(void)state;
	fx_run(&ref, b, SLEN(b), 2);
	for (i = 1; i < SLEN(b); i++)
		for (j = i + 1; j < SLEN(b); j++) {
			fx_init(&fx);
			sp[0] = i;
			sp[1] = j;
			fx_feed(&fx, b, SLEN(b), sp, 2, &left);
			assert_int_equal(left, 0);
			assert_int_equal(fx.cap->n, 2);
			assert_memory_equal(fx.cap->f, ref.cap->f,
			    2 * sizeof(ref.cap->f[0]));
			fx_free(&fx);
		}
	fx_free(&ref);
}

/* Counts what hl7_facts() says, the sink answering again. */
static unsigned ids_evidence, ids_activity;
static int ids_dir;
static uint64_t ids_asked;

static void
ids_ev(const struct app_sink *s, int end, enum evidence_key k,
    const char *v, size_t n)
{
	(void)s; (void)end; (void)k; (void)v; (void)n;
	ids_evidence++;
}

static void
ids_act(const struct app_sink *s, int end, enum activity a, const char *v,
    size_t n)
{
	(void)s; (void)end; (void)a; (void)v; (void)n;
	ids_activity++;
}

static bool
ids_again(const struct app_sink *s, int dir, uint64_t ids)
{
	(void)s;
	ids_dir = dir;
	ids_asked = ids;
	return true;
}

/*
 * The stream parser numbers the fields a message's device evidence is
 * made of (when the facts have a sink: the device inventory): the same
 * number as the message before in the same direction when they are the
 * same (another control id, other patient values), a new one when one
 * byte of them changes, even back to what an earlier message had; the
 * other direction and another flow number their own.  A sink that
 * answers again gets the message's activity only.
 */
static void
test_hl7_ids(void **state)
{
	static const char oru[] = FRAMED(ORU), ack[] = FRAMED(ACK);
	const struct app_sink sink = { .evidence = ids_ev,
	    .activity = ids_act, .address = act_address,
	    .again = ids_again };
	char m[4][sizeof(oru)];
	struct fixture fx, fx2;
	struct app_result r;
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++)
		memcpy(m[i], oru, sizeof(oru));
	memcpy(strstr(m[1], "MSG00001"), "MSG00002", 8);
	memcpy(strstr(m[1], "|98|"), "|99|", 4);
	memcpy(strstr(m[2], "ICU_WEST"), "ICU_WESU", 8);
	fx_init(&fx);
	for (i = 0; i < 4; i++) {
		r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
		    (const uint8_t *)m[i], SLEN(oru));
		assert_int_equal(r.status, PARSE_OK);
	}
	for (i = 0; i < 2; i++) {
		r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOCLIENT,
		    (const uint8_t *)ack, SLEN(ack));
		assert_int_equal(r.status, PARSE_OK);
	}
	assert_int_equal(fx.cap->n, 6);
	assert_true(fx.cap->ids[0] != 0);
	assert_true(fx.cap->ids[1] == fx.cap->ids[0]);
	assert_true(fx.cap->ids[2] != fx.cap->ids[1]);
	assert_true(fx.cap->ids[3] != fx.cap->ids[2]);
	assert_true(fx.cap->ids[3] != fx.cap->ids[0]);
	assert_true(fx.cap->ids[4] != 0);
	assert_true(fx.cap->ids[5] == fx.cap->ids[4]);
	for (i = 0; i < 4; i++)
		assert_true(fx.cap->ids[4] != fx.cap->ids[i]);
	/* What each direction's last fields take counts against
	 * flow.memcap: more for the ORU's tables than for the ACK. */
	assert_non_null(hl7_parser.memuse);
	assert_true(hl7_parser.memuse(fx.st) > 2 * 64);
	fx_init(&fx2);
	assert_int_equal(hl7_parser.memuse(fx2.st), 0);
	r = hl7_parser.parse(fx2.st, &fx2.ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)m[0], SLEN(oru));
	assert_int_equal(r.status, PARSE_OK);
	assert_true(hl7_parser.memuse(fx2.st) > 64);
	assert_true(hl7_parser.memuse(fx2.st) < hl7_parser.memuse(fx.st));
	assert_int_equal(fx2.cap->n, 1);
	assert_true(fx2.cap->ids[0] != 0);
	for (i = 0; i < 6; i++)
		assert_true(fx2.cap->ids[0] != fx.cap->ids[i]);
	fx_free(&fx2);

	/* Asked with the number; again: the activity alone.  Not
	 * numbered (facts made otherwise): not asked. */
	fx.cap->f[0].ids = fx.cap->ids[0];
	ids_evidence = ids_activity = 0;
	ids_asked = 0;
	hl7_parser.facts(&fx.cap->f[0], APP_DIR_TOCLIENT, &sink);
	assert_int_equal(ids_asked, fx.cap->ids[0]);
	assert_int_equal(ids_dir, APP_DIR_TOCLIENT);
	assert_int_equal(ids_evidence, 0);
	assert_int_equal(ids_activity, 1);
	fx.cap->f[0].ids = 0;
	ids_asked = 0;
	hl7_parser.facts(&fx.cap->f[0], APP_DIR_TOSERVER, &sink);
	assert_int_equal(ids_asked, 0);
	assert_true(ids_evidence > 5);
	assert_int_equal(ids_activity, 2);
	fx_free(&fx);
}

/* msg (n bytes), in one MLLP frame, to the parser in direction dir:
 * parsed whole. */
static void
feed_framed(struct fixture *fx, int dir, const char *msg, size_t n)
{
	struct app_result r;
	char *buf;

	assert_non_null(buf = malloc(n + 3));
	buf[0] = 0x0b;
	memcpy(buf + 1, msg, n);
	buf[n + 1] = 0x1c;
	buf[n + 2] = 0x0d;
	r = hl7_parser.parse(fx->st, &fx->ctx, dir ? APP_DIR_TOCLIENT :
	    APP_DIR_TOSERVER, (const uint8_t *)buf, n + 3);
	assert_int_equal(r.status, PARSE_OK);
	free(buf);
}

/*
 * msg (n bytes) in an MLLP frame to fx's parser, direction dir: its
 * facts, the next captured, must be those it parses to alone (k names
 * it in a failure).
 */
static void
feed_as_alone(struct fixture *fx, int dir, const char *msg, size_t n,
    unsigned k)
{
	struct hl7_facts *want;
	struct app_ctx ref;
	unsigned at = fx->cap->n;

	want = calloc(1, sizeof(*want));
	assert_non_null(want);
	feed_framed(fx, dir, msg, n);
	assert_int_equal(fx->cap->n, at + 1);
	memset(&ref, 0, sizeof(ref));
	assert_int_equal(hl7_parse_message((const uint8_t *)msg, n,
	    HL7_MAX_SEGMENTS, want, &ref), HL7_OK);
	facts_copy(want, want);
	if (memcmp(want, &fx->cap->f[at], sizeof(*want)) != 0)
		fail_msg("message %u: facts differ from its own", k);
	free(want);
}

/*
 * A direction's messages whose MSH is the one before's but for MSH-7
 * (the time) and MSH-10 (the control id) take their MSH fields from
 * what the flow kept of it; any other byte of MSH up to MSH-21 (MSH-8,
 * MSH-11, MSH-21, a field more or less), the other direction, or an
 * MSH of fewer than 10 fields in between, and MSH is read again.
 * Either way, every message's facts are those it has parsed alone.
 */
static void
test_hl7_msh_kept(void **state)
{
	static const struct {
		int		 dir;
		const char	*time, *security, *control, *pid, *rest;
	} m[CAP_MAX] = {
		{ 0, "20261124101500", "", "MSG01", "P", "|||AL||||||P1" },
		{ 0, "20261124101501", "", "MSG02", "P", "|||AL||||||P1" },
		{ 0, "20261124101501", "", "MSG03", "T", "|||AL||||||P1" },
		{ 0, "20261124101502", "", "MSG0004", "T", "|||AL||||||P1" },
		{ 1, "20261124101502", "", "ACK01", "T", "|||AL||||||P1" },
		{ 0, "20261124101503", "SEC", "MSG05", "T", "|||AL||||||P1" },
		{ 0, "20261124101503", "SEC", "MSG06", "T", "|||AL||||||P2" },
		{ 0, "20261124101503", "SEC", "MSG07", "T", "|||AL|||||" },
		{ 0, NULL, NULL, NULL, NULL, NULL },	/* 7 fields */
		{ 0, "20261124101504", "SEC", "MSG08", "T", "|||AL|||||" },
	};
	char msg[512];
	struct fixture fx;
	size_t n;
	unsigned i;

	(void)state;
	fx_init(&fx);
	for (i = 0; i < CAP_MAX; i++) {
		if (m[i].time == NULL)
			n = (size_t)snprintf(msg, sizeof(msg),
			    "MSH|^~\\&|MX800|ICU_WEST|GATEWAY|HOSP|20261124\r"
			    "MSA|AA|MSG01\r");
		else
			n = (size_t)snprintf(msg, sizeof(msg),
			    "MSH|^~\\&|MX800^0123456789ABCDEF^EUI-64|"
			    "ICU_WEST|GATEWAY^1.2.3.4^ISO|HOSP|%s|%s|"
			    "%s^R01^ORU_R01|%s|%s|2.6%s\r"
			    "PID|1||ZZ12345^^^HOSP^MR\r"
			    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|98\r",
			    m[i].time, m[i].security, m[i].dir ? "ACK" : "ORU",
			    m[i].control, m[i].pid, m[i].rest);
		assert_true(n < sizeof(msg));
		feed_as_alone(&fx, m[i].dir, msg, n, i);
		if (m[i].time != NULL) {
			assert_string_equal(fx.cap->f[i].control_id,
			    m[i].control);
			assert_string_equal(fx.cap->f[i].processing_id,
			    m[i].pid);
		}
	}
	/* Each direction's MSH is kept, and counted. */
	assert_true(hl7_parser.memuse(fx.st) > 2 * 100);
	fx_free(&fx);
}

/*
 * What the kept MSH must not do: take the fields of an MSH whose
 * encoding characters changed (MSH-2 says how MSH-3 splits), or keep
 * an MSH over HL7_MSH_KEEP_MAX (a sender may fill one to the MLLP
 * frame's limit): every message's facts are those it parsed alone,
 * and a flow of long MSH holds none of them.
 */
static void
test_hl7_msh_kept_edges(void **state)
{
	static const char *const enc[] = { "^~\\&", "~^\\&", "^~#\\",
	    "^~\\&#", "^~\\&" };
	char *msg, *big;
	struct fixture fx;
	size_t n, i;

	(void)state;
	msg = malloc(8192);
	big = malloc(4001);
	assert_non_null(msg);
	assert_non_null(big);
	memset(big, 'A', 4000);
	big[4000] = '\0';
	fx_init(&fx);
	for (i = 0; i < CAP_MAX; i++) {
		if (i < 5)
			n = (size_t)snprintf(msg, 8192,
			    "MSH|%s|A^B~C\\F\\D#E|F|R|F|2026112410150%zu||"
			    "ORU^R01|M%zu|P|2.6\rMSA|AA|1\r", enc[i], i, i);
		else
			n = (size_t)snprintf(msg, 8192,
			    "MSH|^~\\&|%s|F|R|F|2026112410150%zu||ORU^R01|"
			    "M%zu|P|2.6\rMSA|AA|1\r", big, i, i);
		assert_true(n < 8192);
		feed_as_alone(&fx, 0, msg, n, (unsigned)i);
	}
	/* The long MSH are read whole, and none is kept. */
	assert_true(hl7_parser.memuse(fx.st) < 1024);
	fx_free(&fx);
	free(big);
	free(msg);
}

/*
 * The same, on runs of random MSH in both directions made of a few
 * values per field (components, repetitions, escapes, a value past
 * its array, empty ones), from 8 to 24 fields, each message changing
 * a field of the one before now and then, a new time and control id
 * every time: each message's facts are those it has parsed alone.
 */
static void
test_hl7_msh_kept_random(void **state)
{
	static const char *const val[] = {
		"", "A", "A^B^EUI-64", "X\\F\\Y^\\S\\", "A~B^C",
		"P", "2.6", "ORU^R01^ORU_R01",
		"LONG0123456789012345678901234567890123456789012345678901234567"
		"89012345678901234567890123456789",
	};
	char msg[2048];
	unsigned cur[2][24], nf[2], k, t, dir;
	uint32_t rnd = 12345;
	struct fixture fx;
	size_t n;

	(void)state;
	fx_init(&fx);
#define RND()	(rnd = rnd * 1103515245u + 12345u, rnd >> 16)
	for (dir = 0; dir < 2; dir++) {
		nf[dir] = 21;
		for (t = 0; t < 24; t++)
			cur[dir][t] = RND() % 3;
	}
	for (k = 0; k < 3000; k++) {
		dir = RND() % 2;
		if (RND() % 4 == 0) {
			t = RND() % 24;
			cur[dir][t] = RND() % (sizeof(val) / sizeof(val[0]));
		}
		if (RND() % 8 == 0)
			nf[dir] = 8 + RND() % 17;
		n = (size_t)snprintf(msg, sizeof(msg), "MSH|^~\\&");
		for (t = 2; t < nf[dir]; t++) {
			if (t == 6)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|2026112410%04u", k);
			else if (t == 9)
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|C%u", k * 7919 % 100003);
			else
				n += (size_t)snprintf(msg + n, sizeof(msg) - n,
				    "|%s", val[cur[dir][t]]);
		}
		n += (size_t)snprintf(msg + n, sizeof(msg) - n,
		    "\rMSA|AA|C1\r");
		assert_true(n < sizeof(msg));
		fx.cap->n = 0;
		feed_as_alone(&fx, dir, msg, n, k);
	}
#undef RND
	fx_free(&fx);
}

/*
 * With the device inventory off (the facts have no sink), nothing asks
 * whether a message repeats the one before: the parser neither numbers
 * the messages nor keeps their fields, and flow.memcap is charged
 * nothing for them.  With a sink, the messages are numbered as in
 * test_hl7_ids.
 */
static void
test_hl7_ids_not_asked(void **state)
{
	static const char oru[] = FRAMED(ORU), ack[] = FRAMED(ACK);
	struct fixture fx;
	struct app_result r;
	unsigned i;

	(void)state;
	fx_init(&fx);
	fx.ctx.no_facts = true;
	for (i = 0; i < 3; i++) {
		r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
		    (const uint8_t *)oru, SLEN(oru));
		assert_int_equal(r.status, PARSE_OK);
		r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOCLIENT,
		    (const uint8_t *)ack, SLEN(ack));
		assert_int_equal(r.status, PARSE_OK);
	}
	assert_int_equal(fx.cap->n, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(fx.cap->ids[i], 0);
	assert_int_equal(hl7_parser.memuse(fx.st), 0);

	/* The inventory is on from here. */
	fx.ctx.no_facts = false;
	r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)oru, SLEN(oru));
	assert_int_equal(r.status, PARSE_OK);
	r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)oru, SLEN(oru));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(fx.cap->n, 8);
	assert_true(fx.cap->ids[6] != 0);
	assert_int_equal(fx.cap->ids[7], fx.cap->ids[6]);
	assert_true(hl7_parser.memuse(fx.st) > 64);
	fx_free(&fx);
}

/* Both directions at once keep separate framing. */
static void
test_hl7_directions(void **state)
{
	static const char a[] = FRAMED(RGV);
	static const char b[] = FRAMED(ACK);
	struct fixture fx;
	struct app_result r;

	(void)state;
	fx_init(&fx);
	r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)a, 40);
	assert_int_equal(r.status, PARSE_INCOMPLETE);
	assert_int_equal(r.consumed, 0);
	r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOCLIENT,
	    (const uint8_t *)b, SLEN(b));
	assert_int_equal(r.status, PARSE_OK);
	r = hl7_parser.parse(fx.st, &fx.ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)a, SLEN(a));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(fx.cap->n, 2);
	assert_int_equal(fx.cap->dir[0], APP_DIR_TOCLIENT);
	assert_string_equal(fx.cap->f[0].message_type, "ACK");
	assert_int_equal(fx.cap->dir[1], APP_DIR_TOSERVER);
	assert_string_equal(fx.cap->f[1].message_type, "RGV");
	fx_free(&fx);
}

/*
 * Junk before the start block, then a frame over a 256-byte cap that
 * never ends, then a valid frame: one fact, both anomalies, and the
 * parser never held more than the cap.
 */
static void
test_hl7_junk_and_cap(void **state)
{
	static const char junk[] = "GET / HTTP/1.0\r\n";
	static const char ack[] = FRAMED(ACK);
	uint8_t b[2048], buf[2048];
	struct fixture fx;
	struct app_result r;
	size_t n = 0, have = 0, off = 0, chunk;

	(void)state;
	memcpy(b, junk, SLEN(junk));
	n += SLEN(junk);
	b[n++] = 0x0b;
	memcpy(b + n, "MSH|^~\\&|", 9);
	n += 9;
	memset(b + n, 'Q', 1000);
	n += 1000;
	memcpy(b + n, ack, SLEN(ack));
	n += SLEN(ack);

	fx_init(&fx);
	hl7_state_set_limits(fx.st, 256, HL7_MAX_SEGMENTS);
	while (off < n) {
		chunk = n - off < 100 ? n - off : 100;
		memcpy(buf + have, b + off, chunk);
		have += chunk;
		off += chunk;
		r = hl7_parser.parse(fx.st, &fx.ctx, 0, buf, have);
		assert_int_not_equal(r.status, PARSE_ERROR);
		memmove(buf, buf + r.consumed, have - r.consumed);
		have -= r.consumed;
		assert_true(have <= 256);
	}
	assert_int_equal(have, 0);
	assert_int_equal(fx.cap->n, 1);
	assert_string_equal(fx.cap->f[0].ack_code, "AA");
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_MISSING_START_BLOCK));
	assert_true(mock_has_anomaly(&fx.ctx, EV_MLLP_FRAME_TOO_LONG));
	assert_int_equal(fx.ctx.n_anom, 2);
	fx_free(&fx);
}

/*
 * Sloppy senders: LF or CR LF between segments, an end block without
 * its CR straight before the next start block.  Same facts, with
 * anomalies.
 */
static void
test_hl7_sloppy(void **state)
{
	char lf[] = FRAMED(ORU), crlf[2 * sizeof(lf)];
	static const char nocr[] = "\x0b" ACK "\x1c" FRAMED(NAK);
	struct fixture ref, fx;
	size_t i, n = 0;

	(void)state;
	fx_run(&ref, lf, SLEN(lf), 1);
	for (i = 0; lf[i] != '\0'; i++) {
		/* Every segment's CR; not the MLLP trailer's. */
		if (lf[i] == '\r' && i + 1 < SLEN(lf)) {
			crlf[n++] = '\r';
			crlf[n++] = '\n';
			lf[i] = '\n';
		} else
			crlf[n++] = lf[i];
	}
	fx_run(&fx, lf, SLEN(lf), 1);
	assert_oru(&fx.cap->f[0]);
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_HL7_NONSTANDARD_TERMINATOR);
	fx_free(&fx);

	/* CR LF: the same facts but for the message length. */
	fx_run(&fx, crlf, n, 1);
	assert_int_equal(fx.cap->f[0].length, SLEN(ORU) + 9);
	fx.cap->f[0].length = ref.cap->f[0].length;
	assert_memory_equal(&fx.cap->f[0], &ref.cap->f[0],
	    sizeof(ref.cap->f[0]));
	assert_true(mock_has_anomaly(&fx.ctx,
	    EV_HL7_NONSTANDARD_TERMINATOR));
	fx_free(&fx);
	fx_free(&ref);

	fx_run(&fx, nocr, SLEN(nocr), 2);
	assert_string_equal(fx.cap->f[0].ack_code, "AA");
	assert_string_equal(fx.cap->f[1].ack_code, "AE");
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_MLLP_MISSING_END_CR);
	fx_free(&fx);
}

/* Messages that are not HL7 we can read: an anomaly, no facts. */
static void
test_hl7_rejected(void **state)
{
	static const struct {
		const char *msg;
		enum ww_counter ev;
	} bad[] = {
		{ "", EV_HL7_MSH_MISSING },
		{ "MSH", EV_HL7_MSH_MISSING },
		{ "PID|1||ZZ12345\rMSH|^~\\&|A\r", EV_HL7_MSH_MISSING },
		{ "FHS|^~\\&|A\rBHS|^~\\&\r", EV_HL7_MSH_MISSING },
		{ "msh|^~\\&|A|B\r", EV_HL7_MSH_MISSING },
		{ "MSH|^~\\|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~\\&#$|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^^\\&|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~\\||A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~ &|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~\x01&|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~\x80&|A|B\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH\r^~\\&\r", EV_HL7_BAD_DELIMITERS },
		{ "MSH\x00^~\\&\x00", EV_HL7_BAD_DELIMITERS },
		{ "MSH|^~\\&", EV_HL7_MSH_MISSING },	/* see below */
		{ "MSH|^~\r\\&|", EV_HL7_BAD_DELIMITERS },
		{ "MSH|", EV_HL7_BAD_DELIMITERS },
	};
	struct hl7_facts *f;
	struct app_ctx ctx;
	size_t i, len;

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = strlen(bad[i].msg);
		if (i == 13)
			len = 9;	/* the NULs are part of it */
		memset(&ctx, 0, sizeof(ctx));
		if (i == 14) {
			/* The shortest MSH is accepted. */
			assert_int_equal(hl7_parse_message(
			    (const uint8_t *)bad[i].msg, len,
			    HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
			assert_int_equal(ctx.n_anom, 0);
			continue;
		}
		assert_int_equal(hl7_parse_message(
		    (const uint8_t *)bad[i].msg, len, HL7_MAX_SEGMENTS, f,
		    &ctx), HL7_REJECT);
		assert_int_equal(ctx.n_anom, 1);
		assert_int_equal(ctx.anom[0], bad[i].ev);
	}
	free(f);
}

/* Past the segment limit: an anomaly and the facts up to it. */
static void
test_hl7_too_many_segments(void **state)
{
	static const char b[] = FRAMED(ORU);
	const struct hl7_facts *f;
	struct fixture fx;

	(void)state;
	fx_init(&fx);
	hl7_state_set_limits(fx.st, MLLP_MAX_MSG, 5);
	fx_feed(&fx, b, SLEN(b), NULL, 0, NULL);
	assert_int_equal(fx.cap->n, 1);
	f = &fx.cap->f[0];
	assert_true(f->truncated);
	assert_int_equal(f->n_segments, 5);
	assert_string_equal(f->message_type, "ORU");
	assert_int_equal(f->n_obs, 1);		/* the first OBX only */
	assert_int_equal(seg(f, "OBX")->n, 1);
	assert_null(seg(f, "NTE"));
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_HL7_TOO_MANY_SEGMENTS);
	{
		struct jsonw w;

		jsonw_init(&w, JSONW_DEFAULT_CAP);
		jsonw_obj_open(&w);
		hl7_parser.eve(&w, f);
		jsonw_obj_close(&w);
		assert_non_null(strstr(jsonw_text(&w, NULL),
		    "\"segment_count\":5,"));
		assert_non_null(strstr(jsonw_text(&w, NULL),
		    "\"truncated\":true}"));
		jsonw_free(&w);
	}
	fx_free(&fx);
}

/* Segment ends as a sloppy sender writes them (test_hl7_block_cut). */
enum ends { ENDS_CR, ENDS_LF, ENDS_CRLF, ENDS_MIXED };

static size_t
reend(char *out, const char *in, enum ends e)
{
	static const char *const mixed[] = { "\r", "\n", "\r\n", "\r\r\n",
	    "\n\r" };
	const char *t;
	size_t n = 0, k = 0;

	for (; *in != '\0'; in++) {
		if (*in != '\r') {
			out[n++] = *in;
			continue;
		}
		t = e == ENDS_CR ? "\r" : e == ENDS_LF ? "\n" :
		    e == ENDS_CRLF ? "\r\n" : mixed[k++ % 5];
		n += strlen(strcpy(out + n, t));
	}
	return n;
}

static bool
is_batch_seg(const char *p, size_t n)
{
	return n >= 3 && (p[0] == 'B' || p[0] == 'F') &&
	    (p[1] == 'H' || p[1] == 'T') && p[2] == 'S';
}

/*
 * blk[0..n) in one MLLP frame, through the stream parser, against the
 * block cut by hand at each MSH and batch segment and each piece given
 * to hl7_parse_message(): the same facts (but for the batch members)
 * and the same anomalies in the same order.  The stream parser reads
 * each message's segments in the one walk that cuts the block.
 */
static void
block_vs_messages(const char *blk, size_t n, size_t max_segments)
{
	struct fixture fx;
	struct app_ctx ref;
	struct hl7_facts *f, *g;
	enum ww_counter anom[MOCK_MAX_ANOM];
	size_t off, end, start = SIZE_MAX, len, nanom = 0, k = 0, i;
	char *framed;

	framed = malloc(n + 3);
	assert_non_null(framed);
	framed[0] = 0x0b;
	memcpy(framed + 1, blk, n);
	framed[n + 1] = 0x1c;
	framed[n + 2] = 0x0d;
	fx_init(&fx);
	hl7_state_set_limits(fx.st, MLLP_MAX_MSG, max_segments);
	assert_int_equal(fx_feed(&fx, framed, n + 3, NULL, 0, NULL),
	    PARSE_OK);

	f = calloc(2, sizeof(*f));
	assert_non_null(f);
	g = f + 1;
	for (off = 0;; off = end + 1) {
		if (off > n)
			off = n;	/* after an unended last segment */
		for (end = off; end < n && blk[end] != '\r' &&
		    blk[end] != '\n'; end++)
			;
		if (off < n && !(end - off >= 3 && (memcmp(blk + off, "MSH",
		    3) == 0 || is_batch_seg(blk + off, end - off))))
			continue;
		if (start != SIZE_MAX) {
			len = off - start;
			memset(&ref, 0, sizeof(ref));
			if (hl7_parse_message((const uint8_t *)blk + start,
			    len, max_segments, f, &ref) != HL7_REJECT) {
				assert_true(k < fx.cap->n && k < CAP_MAX);
				facts_copy(g, f);
				facts_copy(f, &fx.cap->f[k++]);
				f->in_batch = false;
				f->batch_index = 0;
				memset(f->batch_control_id, 0,
				    sizeof(f->batch_control_id));
				assert_memory_equal(f, g, sizeof(*f));
			}
			for (i = 0; i < ref.n_anom; i++)
				anom[nanom++] = ref.anom[i];
		}
		if (off == n)
			break;
		start = memcmp(blk + off, "MSH", 3) == 0 ? off : SIZE_MAX;
	}
	assert_int_equal(k, fx.cap->n);
	assert_int_equal(nanom, fx.ctx.n_anom);
	for (i = 0; i < nanom; i++)
		assert_int_equal(anom[i], fx.ctx.anom[i]);
	free(f);
	fx_free(&fx);
	free(framed);
}

/*
 * Blocks of several messages with every kind of segment end, an empty
 * segment, a message that cannot be read between two that can, and an
 * MSH with nothing after it, at every segment limit: each message's
 * facts and anomalies are those of the message parsed alone.
 */
static void
test_hl7_block_cut(void **state)
{
	static const char *const blocks[] = {
		ACK NAK,
		ORU RGV ADT,
		FHS BHS ORU RGV "BTS|2\r" "FTS|1\r",
		ACK "MSH|^^\\&|A\r" "MSA|AA|1\r" NAK,
		ACK "\r\rZZZ|1\r\r" NAK "MSA|AE|2",
		NAK "MSH",
		ACK "MSH\r" NAK,
	};
	size_t i, n, lim;
	char *buf;
	int e;

	(void)state;
	/* A cut at the segment limit sees the CR LF of the segment that
	 * is one too many, not the LF of a segment after it. */
	for (i = 0; i < 2; i++) {
		static const char *const m[] = {
			"MSH|^~\\&|A\rPID|1\r\nOBX|1\r",
			"MSH|^~\\&|A\rPID|1\rOBX|1\r\n",
		};
		struct app_ctx ctx;
		struct hl7_facts *f;
		struct fixture fx;

		f = calloc(1, sizeof(*f));
		assert_non_null(f);
		memset(&ctx, 0, sizeof(ctx));
		assert_int_equal(hl7_parse_message((const uint8_t *)m[i],
		    strlen(m[i]), 1, f, &ctx), HL7_TRUNCATED);
		assert_int_equal(ctx.n_anom, 2 - i);
		assert_int_equal(ctx.anom[0], EV_HL7_TOO_MANY_SEGMENTS);
		if (i == 0)
			assert_int_equal(ctx.anom[1],
			    EV_HL7_NONSTANDARD_TERMINATOR);
		free(f);
		block_vs_messages(m[i], strlen(m[i]), 1);
		/* And through the stream parser, the frame's own bytes. */
		fx_init(&fx);
		hl7_state_set_limits(fx.st, MLLP_MAX_MSG, 1);
		n = strlen(m[i]);
		buf = malloc(n + 3);
		assert_non_null(buf);
		buf[0] = 0x0b;
		memcpy(buf + 1, m[i], n);
		memcpy(buf + 1 + n, "\x1c\r", 2);
		fx_feed(&fx, buf, n + 3, NULL, 0, NULL);
		assert_int_equal(fx.cap->n, 1);
		assert_int_equal(fx.ctx.n_anom, 2 - i);
		free(buf);
		fx_free(&fx);
	}
	buf = malloc(16 * 1024);
	assert_non_null(buf);
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		for (e = ENDS_CR; e <= ENDS_MIXED; e++) {
			n = reend(buf, blocks[i], (enum ends)e);
			for (lim = 0; lim <= 14; lim++)
				block_vs_messages(buf, n, lim);
			block_vs_messages(buf, n, HL7_MAX_SEGMENTS);
		}
	free(buf);
}

/*
 * Odd segments: ids that are not three of [A-Z0-9] and ids past the
 * table are counted as "other"; a second MSH in the frame is counted
 * and does not overwrite the first message's facts.
 */
static void
test_hl7_odd_segments(void **state)
{
	struct hl7_facts *f;
	struct app_ctx ctx;
	struct jsonw w;
	char msg[2048];
	size_t n = 0;
	unsigned i;

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	n += (size_t)snprintf(msg + n, sizeof(msg) - n,
	    "MSH|^~\\&|FIRST|F|R|RF|||ADT^A01|1|P|2.5\r"
	    "PI|x\rOBXX|1|NM|99^X^MDC\rpid|1\r|\rZ\x01Z|y\r"
	    "MSH|^~\\&|SECOND|F|R|RF|||ORU^R01|2|P|2.6\r");
	for (i = 0; i < 30; i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "Z%02u|\r", i);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(hl7_parse_message((const uint8_t *)msg, n,
	    HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
	assert_int_equal(ctx.n_anom, 0);
	assert_string_equal(f->sending_app.namespace_id, "FIRST");
	assert_string_equal(f->message_type, "ADT");
	assert_int_equal(f->n_obs, 0);
	assert_int_equal(seg(f, "MSH")->n, 2);
	assert_int_equal(f->n_segtypes, HL7_MAX_SEGTYPES);
	/* 5 bad ids, and Z23..Z29 past the 24 types (MSH, Z00..Z22). */
	assert_int_equal(f->segs_other, 5 + 7);
	assert_int_equal(f->n_segments, 7 + 30);

	jsonw_init(&w, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&w);
	hl7_parser.eve(&w, f);
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	/* Z-segments are values of "id", never keys. */
	assert_non_null(strstr(jsonw_text(&w, NULL),
	    "{\"id\":\"Z22\",\"count\":1}],\"segments_other\":12,"
	    "\"segment_count\":37"));
	assert_null(strstr(jsonw_text(&w, NULL), "\"Z22\":"));
	jsonw_free(&w);
	free(f);
}

/* More devices and codes than kept: the extra ones are counted. */
static void
test_hl7_caps(void **state)
{
	char *msg;
	struct hl7_facts *f;
	struct app_ctx ctx;
	size_t n = 0, size = 64 * 1024;
	unsigned i;

	(void)state;
	msg = malloc(size);
	f = calloc(1, sizeof(*f));
	assert_non_null(msg);
	assert_non_null(f);
	n += (size_t)snprintf(msg + n, size - n,
	    "MSH|^~\\&|A|B|C|D|||ORU^R01|1|P|2.6\r");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(msg + n, size - n,
		    "OBX|%u|NM|%u^X^MDC|||||||||||||||DEV%u^^^\r", i, i, i);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(hl7_parse_message((const uint8_t *)msg, n,
	    HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
	assert_int_equal(f->n_obs, HL7_MAX_OBS);
	assert_int_equal(f->obs_dropped, 40 - HL7_MAX_OBS);
	assert_int_equal(f->n_devices, HL7_MAX_DEVICES);
	assert_int_equal(f->devices_dropped, 40 - HL7_MAX_DEVICES);
	assert_string_equal(f->devices[15].id, "DEV15");
	{
		struct jsonw w;
		const char *t;

		jsonw_init(&w, JSONW_DEFAULT_CAP);
		jsonw_obj_open(&w);
		hl7_parser.eve(&w, f);
		jsonw_obj_close(&w);
		assert_true(jsonw_ok(&w));
		t = jsonw_text(&w, NULL);
		assert_non_null(strstr(t, "\"devices_dropped\":24"));
		assert_non_null(strstr(t, "\"observations_dropped\":24"));
		jsonw_free(&w);
	}
	free(f);
	free(msg);
}

/*
 * Hostile shapes of N bytes, each parsed at N and 4N: the time must
 * grow linearly (a quadratic parser takes 16 times as long).
 */
enum shape {
	SH_FIELDS, SH_PID_FIELDS, SH_COMPONENTS, SH_REPS, SH_SUBS,
	SH_ESCAPES, SH_CR, SH_CRLF, SH_LF, SH_SEGMENTS, SH_MAX
};

static size_t
make_shape(uint8_t *b, enum shape s, size_t n)
{
	static const char msh[] = "MSH|^~\\&|A|B|C|D|||ORU^R01|1|P|2.6\r";
	size_t off = SLEN(msh), i;

	memcpy(b, msh, off);
	switch (s) {
	case SH_FIELDS:
		memcpy(b + off, "OBX", 3);
		memset(b + off + 3, '|', n);
		return off + 3 + n;
	case SH_PID_FIELDS:
		memcpy(b + off, "PID", 3);
		memset(b + off + 3, '|', n);
		return off + 3 + n;
	case SH_COMPONENTS:
		memcpy(b + off, "OBX|1|NM|", 9);
		memset(b + off + 9, '^', n);
		return off + 9 + n;
	case SH_REPS:
		memcpy(b + off, "OBX||||||||||||||||||", 21);
		memset(b + off + 21, '~', n);
		return off + 21 + n;
	case SH_SUBS:
		memcpy(b + off, "OBX||||||||||||||||||", 21);
		memset(b + off + 21, '&', n);
		return off + 21 + n;
	case SH_ESCAPES:
		off = 9;	/* "MSH|^~\&|" then escapes in MSH-3 */
		memset(b + off, '\\', n);
		return off + n;
	case SH_CR:
		memset(b + off, '\r', n);
		return off + n;
	case SH_CRLF:
		for (i = 0; i + 1 < n; i += 2)
			memcpy(b + off + i, "\r\n", 2);
		return off + i;
	case SH_LF:
		memset(b + off, '\n', n);
		return off + n;
	case SH_SEGMENTS:
		for (i = 0; i + 5 <= n; i += 5)
			memcpy(b + off + i, "OBX|\r", 5);
		return off + i;
	default:
		return off;
	}
}

static double
time_parse(const uint8_t *b, size_t len, struct hl7_facts *f)
{
	struct timespec t0, t1;
	struct app_ctx ctx;
	double best = 1e9, t;
	int k;

	for (k = 0; k < 3; k++) {
		memset(&ctx, 0, sizeof(ctx));
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		assert_int_not_equal(hl7_parse_message(b, len, SIZE_MAX, f,
		    &ctx), HL7_REJECT);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
		t = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (t < best)
			best = t;
	}
	return best;
}

/* CPU time to parse one MLLP block of n messages "MSH|^~\\&|A". */
static double
time_block(size_t n)
{
	static const char m[] = "MSH|^~\\&|A\r";
	struct timespec t0, t1;
	struct fixture fx;
	size_t i, len = 0, left;
	uint8_t *b;
	double t;

	assert_non_null(b = malloc(n * SLEN(m) + 3));
	b[len++] = 0x0b;
	for (i = 0; i < n; i++, len += SLEN(m))
		memcpy(b + len, m, SLEN(m));
	b[len++] = 0x1c;
	b[len++] = 0x0d;
	fx_init(&fx);
	hl7_state_set_limits(fx.st, len, HL7_MAX_SEGMENTS);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	assert_int_equal(fx_feed(&fx, b, len, NULL, 0, &left), PARSE_OK);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	assert_int_equal(fx.cap->n, n);
	fx_free(&fx);
	free(b);
	t = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return t;
}

static void
test_hl7_linear(void **state)
{
	size_t n = 64 * 1024, len;
	struct hl7_facts *f;
	double t1, t16;
	uint8_t *b;
	int s;

	/*
	 * A complexity check, not a speed test: 16 times the input must
	 * cost well under 16^2 times the CPU.  Linear code lands near 16;
	 * the bound of 64 leaves a factor of 4 for noise (CPU time, best
	 * of three) and still catches anything quadratic.
	 */
	(void)state;
	b = malloc(16 * n + 64);
	f = calloc(1, sizeof(*f));
	assert_non_null(b);
	assert_non_null(f);
	for (s = 0; s < SH_MAX; s++) {
		len = make_shape(b, (enum shape)s, n);
		t1 = time_parse(b, len, f);
		len = make_shape(b, (enum shape)s, 16 * n);
		t16 = time_parse(b, len, f);
		if (t16 > 64 * t1 + 0.005)
			fail_msg("shape %d: %.6f s at N, %.6f s at 16N", s, t1,
			    t16);
	}

	/* A message of 100k fields parses, framed, in one go. */
	len = make_shape(b, SH_FIELDS, 100000);
	memmove(b + 1, b, len);
	b[0] = 0x0b;
	b[len + 1] = 0x1c;
	b[len + 2] = 0x0d;
	{
		struct fixture fx;

		fx_run(&fx, b, len + 3, 1);
		assert_string_equal(fx.cap->f[0].message_type, "ORU");
		assert_int_equal(seg(&fx.cap->f[0], "OBX")->n, 1);
		fx_free(&fx);
	}
	free(f);
	free(b);

	/* A block of nothing but minimal messages: linear in their count. */
	t1 = time_block(4096);
	t16 = time_block(16 * 4096);
	if (t16 > 64 * t1 + 0.005)
		fail_msg("batch: %.6f s at N, %.6f s at 16N", t1, t16);
}

static bool
contains(const void *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/*
 * No PID, NTE or OBX-5 value reaches the facts or the EVE object: the
 * canaries are absent from every byte of both.
 */
static void
test_hl7_privacy(void **state)
{
	static const char b[] = FRAMED(ORU) FRAMED(RGV) FRAMED(ADT);
	static const char *const canary[] = {
		"DOE", "JANE", "ZZ12345", "19700101", "ZZNOTE", "ZZOBXVALUE",
		"BED01", "Heparin",
	};
	struct fixture fx;
	struct jsonw w;
	const char *text;
	size_t len, i;
	unsigned k;

	(void)state;
	/* The canaries are in the input... */
	for (i = 0; i < sizeof(canary) / sizeof(canary[0]); i++)
		assert_true(contains(b, SLEN(b), canary[i]));
	fx_run(&fx, b, SLEN(b), 3);
	for (k = 0; k < 3; k++) {
		jsonw_init(&w, JSONW_DEFAULT_CAP);
		jsonw_obj_open(&w);
		hl7_parser.eve(&w, &fx.cap->f[k]);
		jsonw_obj_close(&w);
		assert_true(jsonw_ok(&w));
		text = jsonw_text(&w, &len);
		/* ... and nowhere in what comes out. */
		for (i = 0; i < sizeof(canary) / sizeof(canary[0]); i++) {
			assert_false(contains(&fx.cap->f[k],
			    sizeof(fx.cap->f[k]), canary[i]));
			assert_false(contains(text, len, canary[i]));
		}
		jsonw_free(&w);
	}
	/* Nor the parser state. */
	for (i = 0; i < sizeof(canary) / sizeof(canary[0]); i++)
		assert_false(contains(fx.st, sizeof(struct hl7_state),
		    canary[i]));
	fx_free(&fx);
}

static void
test_hl7_probe(void **state)
{
	static const struct {
		const char *b;
		size_t len;
		enum app_probe want;
	} v[] = {
		{ "", 0, APP_PROBE_MAYBE },
		{ "\x0b", 1, APP_PROBE_MAYBE },
		{ "\x0bM", 2, APP_PROBE_MAYBE },
		{ "\x0bMS", 3, APP_PROBE_MAYBE },
		{ "\x0bMSH", 4, APP_PROBE_YES },
		{ "\x0bMSH|^~\\&|", 10, APP_PROBE_YES },
		{ "\x0bPID|", 5, APP_PROBE_NO },
		{ "\x0bMX", 3, APP_PROBE_NO },
		{ "\x0c", 1, APP_PROBE_NO },
		{ "MSH|^~\\&|", 9, APP_PROBE_NO },
		{ "GET / HTTP/1.1\r\n", 16, APP_PROBE_NO },
		{ "\x16\x03\x01", 3, APP_PROBE_NO },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(hl7_parser.probe((const uint8_t *)v[i].b,
		    v[i].len, APP_DIR_TOSERVER), v[i].want);
		assert_int_equal(hl7_parser.probe((const uint8_t *)v[i].b,
		    v[i].len, APP_DIR_TOCLIENT), v[i].want);
	}
	assert_int_equal(hl7_parser.proto, APP_HL7);
	assert_int_equal(hl7_parser.ports[0], 2575);
	assert_int_equal(hl7_parser.ports[1], 0);
}

static char *
eve_text(const struct hl7_facts *f, struct jsonw *w)
{
	size_t len;

	jsonw_init(w, JSONW_DEFAULT_CAP);
	jsonw_obj_open(w);
	hl7_parser.eve(w, f);
	jsonw_obj_close(w);
	assert_true(jsonw_ok(w));
	return (char *)jsonw_text(w, &len);
}

/*
 * The record's bound (hl7_eve() writes it as one run, with no check
 * per write) holds for the worst facts: every array full, with no NUL,
 * of a byte escaped as \u0001, every table full, every number at its
 * largest.  Near the cap the run goes to scratch memory and the record
 * overflows, as it did when written member by member.
 */
static void
test_hl7_eve_worst(void **state)
{
	struct hl7_facts *f;
	struct jsonw w;
	const char *t;
	size_t i, len, n;

	(void)state;
	assert_non_null(f = malloc(sizeof(*f)));
	memset(f, 0x01, sizeof(*f));
	f->n_devices = HL7_MAX_DEVICES;
	f->n_obs = HL7_MAX_OBS;
	f->n_segtypes = HL7_MAX_SEGTYPES;
	f->batch_index = f->devices_dropped = f->obs_dropped = UINT32_MAX;
	f->n_segments = f->segs_other = f->length = UINT32_MAX;
	f->evec = NULL;		/* set by the stream parser */
	for (i = 0; i < HL7_MAX_SEGTYPES; i++)
		f->segs[i].n = UINT32_MAX;
	for (i = 0; i < HL7_MAX_DEVICES; i++) {
		f->devices[i].source = HL7_DEV_PRT;	/* with "field" */
		f->devices[i].field = UINT8_MAX;
		f->devices[i].eui64 = false;	/* its type written out */
	}
	t = eve_text(f, &w);
	len = strlen(t);
	/* Each array's bytes all went out, escaped. */
	for (i = n = 0; i + 6 <= len; i++)
		if (memcmp(t + i, "\\u0001", 6) == 0)
			n++;
	assert_int_equal(n, sizeof(f->control_id) +
	    sizeof(f->message_type) + sizeof(f->trigger_event) +
	    sizeof(f->message_structure) + sizeof(f->processing_id) +
	    sizeof(f->version) + sizeof(f->delimiters) +
	    4 * sizeof(struct hl7_hd) + sizeof(f->profile) +
	    sizeof(f->profile_oid) + sizeof(f->batch_control_id) +
	    sizeof(f->ack_code) + sizeof(f->ack_control_id) +
	    HL7_MAX_DEVICES * (sizeof(f->devices[0].id) +
	    sizeof(struct hl7_hd)) + HL7_MAX_OBS *
	    (sizeof(f->obs[0].code) + sizeof(f->obs[0].system)) +
	    HL7_MAX_SEGTYPES * sizeof(f->segs[0].id));
	assert_non_null(strstr(t, "\"segments_other\":4294967295,"
	    "\"segment_count\":4294967295,\"length\":4294967295,"
	    "\"truncated\":true}"));
	jsonw_free(&w);
	/* A cap the record cannot fit in: dropped, nothing written past
	 * it. */
	for (n = 64; n <= 8192; n *= 2) {
		jsonw_init(&w, n);
		jsonw_obj_open(&w);
		hl7_parser.eve(&w, f);
		jsonw_obj_close(&w);
		assert_false(jsonw_ok(&w));
		jsonw_free(&w);
	}
	free(f);
}

static void
test_hl7_eve(void **state)
{
	static const char b[] = FRAMED(ACK) FRAMED(ORU);
	char want[2048];
	struct fixture fx;
	struct jsonw w;

	(void)state;
	fx_run(&fx, b, SLEN(b), 2);
	snprintf(want, sizeof(want), "{\"message_type\":\"ACK\","
	    "\"trigger_event\":\"O15\",\"message_structure\":\"ACK\","
	    "\"control_id\":\"ACK0001\",\"processing_id\":\"P\","
	    "\"version\":\"2.6\",\"delimiters\":\"|^~\\\\&\","
	    "\"sending_application\":{\"namespace_id\":\"PUMP_GW\"},"
	    "\"sending_facility\":{\"namespace_id\":\"HOSP\"},"
	    "\"receiving_application\":{\"namespace_id\":\"PHARMACY\"},"
	    "\"receiving_facility\":{\"namespace_id\":\"HOSP\"},"
	    "\"ack\":{\"code\":\"AA\",\"control_id\":\"RGV0001\"},"
	    "\"segments\":[{\"id\":\"MSH\",\"count\":1},"
	    "{\"id\":\"MSA\",\"count\":1}],\"segment_count\":2,"
	    "\"length\":%zu}", SLEN(ACK));
	assert_string_equal(eve_text(&fx.cap->f[0], &w), want);
	jsonw_free(&w);

	snprintf(want, sizeof(want), "{\"message_type\":\"ORU\","
	    "\"trigger_event\":\"R01\",\"message_structure\":\"ORU_R01\","
	    "\"control_id\":\"MSG00001\",\"processing_id\":\"P\","
	    "\"version\":\"2.6\",\"delimiters\":\"|^~\\\\&\","
	    "\"sending_application\":{\"namespace_id\":\"MX800\","
	    "\"universal_id\":\"0123456789ABCDEF\","
	    "\"universal_id_type\":\"EUI-64\"},"
	    "\"sending_facility\":{\"namespace_id\":\"ICU_WEST\"},"
	    "\"receiving_application\":{\"namespace_id\":\"GATEWAY\","
	    "\"universal_id\":\"1.2.3.4\",\"universal_id_type\":\"ISO\"},"
	    "\"receiving_facility\":{\"namespace_id\":\"HOSP\"},"
	    "\"profile\":\"IHE_PCD_001\","
	    "\"profile_universal_id\":\"1.3.6.1.4.1.19376.1.6.1.1.1\","
	    "\"devices\":[{\"source\":\"obx18\",\"id\":\"0123456789ABCDEF\","
	    "\"namespace\":\"Philips\",\"universal_id\":\"0123456789ABCDEF\","
	    "\"type\":\"EUI-64\"},"
	    "{\"source\":\"msh3\",\"id\":\"0123456789ABCDEF\","
	    "\"namespace\":\"MX800\",\"universal_id\":\"0123456789ABCDEF\","
	    "\"type\":\"EUI-64\"}],"
	    "\"observations\":[{\"code\":\"150456\",\"system\":\"MDC\"},"
	    "{\"code\":\"147842\",\"system\":\"MDC\"},"
	    "{\"code\":\"184326\",\"system\":\"MDC\"}],"
	    "\"segments\":[{\"id\":\"MSH\",\"count\":1},"
	    "{\"id\":\"PID\",\"count\":1},{\"id\":\"PV1\",\"count\":1},"
	    "{\"id\":\"OBR\",\"count\":1},{\"id\":\"OBX\",\"count\":4},"
	    "{\"id\":\"NTE\",\"count\":1}],\"segment_count\":9,"
	    "\"length\":%zu}",
	    SLEN(ORU));
	assert_string_equal(eve_text(&fx.cap->f[1], &w), want);
	jsonw_free(&w);
	fx_free(&fx);
}

/*
 * A record written as a flow's next (hl7_eve() copying the parts of the
 * direction's last record that are the same: struct hl7_evec) is the
 * record written from scratch, whatever changed from one message to the
 * next: the control id and patient values only, a segment id, a device,
 * the delimiters alone (the fields read the same), the observations
 * dropped alone, the direction, parts too long to keep.
 */
static unsigned kept_n;

static void
on_fact_eve(struct app_ctx *ctx, enum app_proto proto, int dir,
    const void *fact)
{
	const struct hl7_facts *f = fact;
	struct hl7_facts *alone;
	struct jsonw w1, w2;
	char *t1, *t2;

	(void)dir;
	assert_int_equal(proto, APP_HL7);
	assert_non_null(alone = malloc(sizeof(*alone)));
	memcpy(alone, f, sizeof(*alone));
	alone->evec = NULL;
	if (ctx->no_facts)
		assert_null(f->evec);
	else
		assert_non_null(f->evec);
	t1 = eve_text(f, &w1);
	t2 = eve_text(alone, &w2);
	assert_string_equal(t1, t2);
	/* Twice: the second from what the first kept. */
	jsonw_free(&w1);
	t1 = eve_text(f, &w1);
	assert_string_equal(t1, t2);
	jsonw_free(&w1);
	jsonw_free(&w2);
	free(alone);
	kept_n++;
}

/* msg, framed, to the parser in direction dir. */
static void
kept_feed(struct fixture *fx, int dir, const char *msg)
{
	feed_framed(fx, dir, msg, strlen(msg));
}

/* An ORU with nobx OBX segments of distinct codes, each with a device
 * of idlen bytes in OBX-18 (none: 0), control id k. */
static char *
kept_oru(unsigned nobx, size_t idlen, unsigned k)
{
	size_t size = 1024 + nobx * (128 + idlen), o;
	char *m, id[200];
	unsigned i;

	assert_true(idlen < sizeof(id) - 8);
	assert_non_null(m = malloc(size));
	o = (size_t)snprintf(m, size, "MSH|^~\\&|MX800|ICU_WEST|GATEWAY|"
	    "HOSP|2026112410150%u||ORU^R01^ORU_R01|MSG%05u|P|2.6\r"
	    "PID|1||ZZ12345^^^HOSP^MR\r", k % 10, k);
	for (i = 0; i < nobx; i++) {
		memset(id, 'A' + (char)(i % 26), idlen);
		snprintf(id + idlen, 8, "%u", i);
		o += (size_t)snprintf(m + o, size - o, "OBX|%u|NM|%u^X^MDC||"
		    "%u||||||R|||||||%s\r", i + 1, 1000 + i, k, idlen > 0 ?
		    id : "");
	}
	assert_true(o < size);
	return m;
}

/* An ORU with ndev OBX segments of one code, each with a device of its
 * own in OBX-18: past HL7_MAX_DEVICES only the count of those dropped
 * changes. */
static char *
kept_oru_devs(unsigned ndev, unsigned k)
{
	size_t size = 1024 + ndev * 64, o;
	char *m;
	unsigned i;

	assert_non_null(m = malloc(size));
	o = (size_t)snprintf(m, size, "MSH|^~\\&|MX800|ICU_WEST|GATEWAY|"
	    "HOSP|2026112410150%u||ORU^R01^ORU_R01|MSG%05u|P|2.6\r"
	    "PID|1||ZZ12345^^^HOSP^MR\r", k % 10, k);
	for (i = 0; i < ndev; i++)
		o += (size_t)snprintf(m + o, size - o, "OBX|%u|NM|1000^X^MDC||"
		    "%u||||||R|||||||DEV%02u\r", i + 1, k, i);
	assert_true(o < size);
	return m;
}

static void
test_hl7_eve_kept(void **state)
{
	static const char *const seq[] = {
		ORU,
		/* Another control id, another value: all parts kept. */
		ORU_MSH ORU_BODY,
		"MSH|^~\\&|MX800^0123456789ABCDEF^EUI-64|ICU_WEST|"
		    "GATEWAY^1.2.3.4^ISO|HOSP|20261124101501+0000||"
		    "ORU^R01^ORU_R01|MSG00002|P|2.6|||AL|NE||UNICODE UTF-8|||"
		    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
		    ORU_BODY,
		/* A segment id. */
		ORU_MSH "PID|1||ZZ1\rPV2|1\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_"
		    "O2^MDC|1|98|||||R|||||||0123456789ABCDEF^Philips^"
		    "0123456789ABCDEF^EUI-64\r",
		/* A device's namespace. */
		ORU_MSH "PID|1||ZZ1\rPV2|1\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_"
		    "O2^MDC|1|98|||||R|||||||0123456789ABCDEF^Philipz^"
		    "0123456789ABCDEF^EUI-64\r",
		/* The delimiters alone: the fields read the same. */
		"MSH|^~\\#|MX800^0123456789ABCDEF^EUI-64|ICU_WEST|"
		    "GATEWAY^1.2.3.4^ISO|HOSP|20261124101500+0000||"
		    "ORU^R01^ORU_R01|MSG00003|P|2.6|||AL|NE||UNICODE UTF-8|||"
		    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
		    "PID|1||ZZ1\rPV2|1\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_"
		    "O2^MDC|1|98|||||R|||||||0123456789ABCDEF^Philipz^"
		    "0123456789ABCDEF^EUI-64\r",
		ORU_MSH "PID|1||ZZ1\rPV2|1\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_"
		    "O2^MDC|1|98|||||R|||||||0123456789ABCDEF^Philipz^"
		    "0123456789ABCDEF^EUI-64\r",
		/* The processing id alone. */
		"MSH|^~\\&|MX800^0123456789ABCDEF^EUI-64|ICU_WEST|"
		    "GATEWAY^1.2.3.4^ISO|HOSP|20261124101501+0000||"
		    "ORU^R01^ORU_R01|MSG00002|T|2.6|||AL|NE||UNICODE UTF-8|||"
		    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
		    ORU_BODY,
		ORU,
	};
	struct fixture fx;
	unsigned i, want = 0, pass;
	char *m;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		fx_init(&fx);
		fx.ctx.on_fact = on_fact_eve;
		fx.ctx.no_facts = pass == 1;
		kept_n = 0;
		want = 0;
		for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			kept_feed(&fx, 0, seq[i]);
			kept_feed(&fx, 1, ACK);
			kept_feed(&fx, 1, i % 2 ? NAK : ACK);
			want += 3;
		}
		/* The observations dropped alone: 17 and 18 of them. */
		for (i = 0; i < 4; i++) {
			m = kept_oru(17 + i / 2, 0, i);
			kept_feed(&fx, 0, m);
			free(m);
			want++;
		}
		/* The devices dropped alone: 17, 18 and 19 of them. */
		for (i = 0; i < 3; i++) {
			m = kept_oru_devs(HL7_MAX_DEVICES + 1 + i, i);
			kept_feed(&fx, 0, m);
			free(m);
			want++;
		}
		/* Devices too many and too long to keep, and back. */
		for (i = 0; i < 6; i++) {
			m = kept_oru(i < 3 ? 16 : 2, i < 3 ? 60 : 4, i);
			kept_feed(&fx, 0, m);
			free(m);
			want++;
		}
		assert_int_equal(kept_n, want);
		if (pass == 0) {
			assert_non_null(((struct hl7_state *)fx.st)->evec[0]);
			assert_non_null(((struct hl7_state *)fx.st)->evec[1]);
		} else {
			assert_null(((struct hl7_state *)fx.st)->evec[0]);
			assert_null(((struct hl7_state *)fx.st)->evec[1]);
		}
		fx_free(&fx);
	}
}

/*
 * An EUI-64 is flagged one way, by its type, spelt "EUI-64" however
 * the sender wrote it (HL7 table 0301); other types are written as
 * sent.
 */
static void
test_hl7_eve_eui64_once(void **state)
{
	struct hl7_facts *f;
	struct hl7_device *d;
	struct jsonw w;
	const char *t;

	(void)state;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->n_devices = 2;
	d = &f->devices[0];
	d->source = HL7_DEV_EQU1;
	d->eui64 = true;
	snprintf(d->hd.universal_id, sizeof(d->hd.universal_id), "%s",
	    "0123456789ABCDEF");
	snprintf(d->hd.universal_id_type, sizeof(d->hd.universal_id_type),
	    "%s", "eui-64");
	d = &f->devices[1];
	d->source = HL7_DEV_OBX18;
	snprintf(d->hd.universal_id, sizeof(d->hd.universal_id), "%s",
	    "1.2.3");
	snprintf(d->hd.universal_id_type, sizeof(d->hd.universal_id_type),
	    "%s", "iso");
	t = eve_text(f, &w);
	assert_non_null(strstr(t, "\"devices\":[{\"source\":\"equ1\","
	    "\"universal_id\":\"0123456789ABCDEF\",\"type\":\"EUI-64\"},"
	    "{\"source\":\"obx18\",\"universal_id\":\"1.2.3\","
	    "\"type\":\"iso\"}]"));
	assert_null(strstr(t, "eui64"));
	jsonw_free(&w);
	free(f);
}

/*
 * A message whose MSH fields are not read (the segment cap before it,
 * a field separator that is a letter of "MSH", a rejected message) has
 * them empty, whatever the facts held before: they are not cleared
 * with the rest at the start, as most messages copy them whole.
 */
static void
test_hl7_msh_unread(void **state)
{
	static const struct {
		const char	*msg;
		size_t		 max;
		enum hl7_status	 st;
	} cases[] = {
		{ "MSH|^~\\&|A|B|C|D|||ORU^R01|1|P|2.6\rPID|1\r", 0,
		    HL7_TRUNCATED },
		{ "MSHS^~\\&SASBSCSDSSSORU^R01S1SPS2.6\r", 10, HL7_OK },
		{ "MSH|^~\r", 10, HL7_REJECT },
		{ "PID|1\r", 10, HL7_REJECT },
	};
	struct hl7_facts *f, *z;
	struct app_ctx ctx;
	unsigned i;

	(void)state;
	assert_non_null(f = malloc(sizeof(*f)));
	assert_non_null(z = calloc(1, sizeof(*z)));
	memset(&ctx, 0, sizeof(ctx));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(f, 0xa5, sizeof(*f));
		assert_int_equal(hl7_parse_message(
		    (const uint8_t *)cases[i].msg, strlen(cases[i].msg),
		    cases[i].max, f, &ctx), cases[i].st);
#define SAME(x)	assert_memory_equal(&f->x, &z->x, sizeof(f->x))
		SAME(message_type);
		SAME(trigger_event);
		SAME(message_structure);
		SAME(control_id);
		SAME(processing_id);
		SAME(version);
		SAME(sending_app);
		SAME(sending_fac);
		SAME(receiving_app);
		SAME(receiving_fac);
		SAME(profile);
		SAME(profile_oid);
		SAME(has_ack);
#undef SAME
		if (cases[i].st != HL7_REJECT)
			assert_memory_equal(f->type_name, z->type_name,
			    sizeof(f->type_name));
	}
	free(z);
	free(f);
}

/*
 * Segment ends (CR or LF) at every place of a message, short ones and
 * long, near and across every 16-byte block and the message's last
 * bytes: each segment is found where it ends, no byte after the
 * message is read (the message is copied to the end of its buffer,
 * which ASan watches).
 */
static void
test_hl7_segment_ends(void **state)
{
	static const char head[] = "MSH|^~\\&";
	struct hl7_facts *f;
	struct app_ctx ctx;
	char msg[128], *buf;
	size_t n, j, k;
	unsigned t;

	(void)state;
	assert_non_null(f = malloc(sizeof(*f)));
	memset(&ctx, 0, sizeof(ctx));
	for (t = 0; t < 4; t++)
		for (j = 0; j < 40; j++)
			for (k = 0; k < 20; k++) {
				/* MSH, a segment of j bytes after "ZZZ", one
				 * of k after "ZZY", ended by CR or LF */
				n = (size_t)snprintf(msg, sizeof(msg), "%s%c"
				    "ZZZ|%.*s%cZZY|%.*s", head,
				    t & 1 ? '\n' : '\r', (int)j,
				    "0123456789012345678901234567890123456789",
				    t & 2 ? '\n' : '\r', (int)k,
				    "01234567890123456789");
				assert_non_null(buf = malloc(n));
				memcpy(buf, msg, n);
				assert_int_equal(hl7_parse_message(
				    (const uint8_t *)buf, n, HL7_MAX_SEGMENTS,
				    f, &ctx), HL7_OK);
				free(buf);
				assert_int_equal(f->n_segments, 3);
				assert_int_equal(f->n_segtypes, 3);
				assert_string_equal(f->segs[1].id, "ZZZ");
				assert_string_equal(f->segs[2].id, "ZZY");
				assert_int_equal(f->segs_other, 0);
			}
	/* Shorter than a block: 12 to 19 bytes, two segments. */
	for (t = 0; t < 2; t++)
		for (j = 0; j < 8; j++) {
			n = (size_t)snprintf(msg, sizeof(msg), "%s%.*s%cZZZ",
			    head, (int)j, "|A|B|C|D", t ? '\n' : '\r');
			assert_non_null(buf = malloc(n));
			memcpy(buf, msg, n);
			assert_int_equal(hl7_parse_message((const uint8_t *)buf,
			    n, HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
			free(buf);
			assert_int_equal(f->n_segments, 2);
			assert_string_equal(f->segs[1].id, "ZZZ");
		}
	free(f);
}

/*
 * The parser clears the counts of its device, observation and segment
 * tables, not the tables: facts parsed over the remains of a larger
 * message (all of every table filled, then every byte 0xa5) are the
 * same facts, with the same record and evidence, as parsed into zeroed
 * memory.
 */
static void
test_hl7_stale_tables(void **state)
{
	static const char big[] = "MSH|^~\\&|A|B|C|D|||ORU^R01|1|P|2.6\r";
	static const char small[] =
	    "MSH|^~\\&|GW^0011223344556677^EUI-64|B|C|D|||ORU^R01|7|P|2.6\r"
	    "PID|1\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|||||||||||||||"
	    "MR-1^NS^0A0B0C0D0E0F1011^EUI-64\rPRT|1||||||||||||||||||||"
	    "SN42\r";
	struct hl7_facts *ref, *f, *a, *b;
	struct app_ctx ctx;
	struct jsonw w1, w2;
	char *msg;
	size_t n, size = 64 * 1024;
	unsigned i, pass;

	(void)state;
	msg = malloc(size);
	ref = calloc(1, sizeof(*ref));
	f = malloc(sizeof(*f));
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	assert_non_null(msg);
	assert_non_null(ref);
	assert_non_null(f);
	assert_non_null(a);
	assert_non_null(b);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(hl7_parse_message((const uint8_t *)small,
	    SLEN(small), HL7_MAX_SEGMENTS, ref, &ctx), HL7_OK);
	assert_int_equal(ref->n_devices, 3);
	assert_int_equal(ref->n_obs, 1);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			n = (size_t)snprintf(msg, size, "%s", big);
			for (i = 0; i < 40; i++)
				n += (size_t)snprintf(msg + n, size - n,
				    "Z%02u|\rOBX|%u|NM|%u^LONG_NAME_%u^MDC|||"
				    "||||||||||||DEVICE_%u^NS%u^%u^TYPE%u\r",
				    i, i, i, i, i, i, i, i);
			assert_int_equal(hl7_parse_message(
			    (const uint8_t *)msg, n, HL7_MAX_SEGMENTS, f,
			    &ctx), HL7_OK);
			assert_int_equal(f->n_devices, HL7_MAX_DEVICES);
			assert_int_equal(f->n_obs, HL7_MAX_OBS);
			assert_int_equal(f->n_segtypes, HL7_MAX_SEGTYPES);
		} else
			memset(f, 0xa5, sizeof(*f));
		assert_int_equal(hl7_parse_message((const uint8_t *)small,
		    SLEN(small), HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
		facts_copy(a, ref);
		facts_copy(b, f);
		assert_memory_equal(a, b, sizeof(*a));
		assert_string_equal(eve_text(ref, &w1), eve_text(f, &w2));
		jsonw_free(&w1);
		jsonw_free(&w2);
	}
	free(b);
	free(a);
	free(f);
	free(ref);
	free(msg);
}

/*
 * Values of every length from empty to past the arrays, of bytes close
 * to the separators (the separator with its top bit set, its
 * neighbours), of control bytes and DEL, end where their separator is
 * and are copied 8 bytes at a time alike; an escape or a control byte
 * at any place of a value is decoded or replaced where it is.
 */
static void
test_hl7_field_lengths(void **state)
{
	static const uint8_t fill[] = { 'a', 0xfc, 0x7d, 0x7b, 0xde, 0x01,
	    0x7f, 0x1f, 0x20, 0xa0, 0xdc, 0xfe, 0x7e ^ 0x01, 0x5e ^ 0x01,
	    0xa6 };
	struct hl7_facts *f;
	struct app_ctx ctx;
	char msg[512], id[128], trig[128], want[128];
	size_t len, k, n, i;

	(void)state;
	assert_non_null(f = calloc(1, sizeof(*f)));
	for (k = 0; k < sizeof(fill); k++)
		for (len = 0; len <= 80; len++) {
			for (i = 0; i < len; i++) {
				id[i] = (char)fill[k];
				trig[i] = (char)(fill[(k + 1) %
				    sizeof(fill)]);
			}
			id[len] = trig[len] = '\0';
			n = (size_t)snprintf(msg, sizeof(msg),
			    "MSH|^~\\&|A|B|C|D|||ORU^%s^S|%s|P|2.6\r"
			    "OBX|1|NM|%s^N^MDC\r", trig, id, id);
			memset(&ctx, 0, sizeof(ctx));
			assert_int_equal(hl7_parse_message(
			    (const uint8_t *)msg, n, HL7_MAX_SEGMENTS, f,
			    &ctx), HL7_OK);
			for (i = 0; i < len && i < HL7_STR - 1; i++)
				want[i] = fill[k] < 0x20 || fill[k] == 0x7f ?
				    '?' : id[i];
			want[i] = '\0';
			assert_string_equal(f->control_id, want);
			want[i < HL7_SHORT + 7 ? i : HL7_SHORT + 7] = '\0';
			if (len == 0)
				assert_int_equal(f->n_obs, 0);
			else
				assert_string_equal(f->obs[0].code, want);
			for (i = 0; i < len && i < HL7_SHORT - 1; i++)
				want[i] = (uint8_t)trig[i] < 0x20 ||
				    trig[i] == 0x7f ? '?' : trig[i];
			want[i] = '\0';
			assert_string_equal(f->trigger_event, want);
			assert_string_equal(f->message_structure, "S");
			assert_string_equal(f->processing_id, "P");
			assert_string_equal(f->version, "2.6");
		}
	/* An escape, and a control byte, at every place of a value. */
	for (len = 0; len <= 70; len++)
		for (k = 0; k < 2; k++) {
			memset(id, 'a', len);
			snprintf(id + len, sizeof(id) - len, "%s",
			    k == 0 ? "\\F\\bbbbbbbbbbbbbbbbbb" :
			    "\x7f" "bbbbbbbbbbbbbbbbbb");
			n = (size_t)snprintf(msg, sizeof(msg),
			    "MSH|^~\\&|A|B|C|D|||ORU^R01|%s|P|2.6\r", id);
			memset(&ctx, 0, sizeof(ctx));
			assert_int_equal(hl7_parse_message(
			    (const uint8_t *)msg, n, HL7_MAX_SEGMENTS, f,
			    &ctx), HL7_OK);
			memset(want, 'a', len);
			snprintf(want + len, sizeof(want) - len, "%s",
			    k == 0 ? "|bbbbbbbbbbbbbbbbbb" :
			    "?bbbbbbbbbbbbbbbbbb");
			want[HL7_STR - 1] = '\0';
			assert_string_equal(f->control_id, want);
		}
	free(f);
}

/*
 * The components of a field's first repetition, found in one pass: the
 * pass stops at the first repetition separator or past the components
 * wanted, and components the field does not have are empty.
 */
static void
test_hl7_first_rep_comps(void **state)
{
	static const struct {
		const char	*field, *ns, *uid, *type;
	} cases[] = {
		{ "", "", "", "" },
		{ "A", "A", "", "" },
		{ "A^B", "A", "B", "" },
		{ "A^B^C", "A", "B", "C" },
		{ "A^B^C^D^E", "A", "B", "C" },
		{ "A^B^C~X^Y^Z", "A", "B", "C" },
		{ "A~B^C^D", "A", "", "" },
		{ "A^B~C^D", "A", "B", "" },
		{ "~A^B^C", "", "", "" },
		{ "^^C", "", "", "C" },
		{ "^^", "", "", "" },
		{ "^B~", "", "B", "" },
		{ "A\\S\\B^C\\R\\D^E~F", "A^B", "C~D", "E" },
		{ "A&B^C&D^E&F", "A&B", "C&D", "E&F" },
		/* Separators past the first 8 bytes, at every place of a
		 * word. */
		{ "AAAAAAAAAAA~BBBB^C", "AAAAAAAAAAA", "", "" },
		{ "AAAAAAAA^BBBBBBBBBB~CCCC^D", "AAAAAAAA", "BBBBBBBBBB", "" },
		{ "AAAAAAAAA^BBBBBBBBBBB^CCCCCCCCCCCCC^DDDDDDDDD",
		  "AAAAAAAAA", "BBBBBBBBBBB", "CCCCCCCCCCCCC" },
		{ "AAAAAAA^^CCCCCCCCCCCCCCC~", "AAAAAAA", "",
		  "CCCCCCCCCCCCCCC" },
		{ "\xfe\xfe\xfe\xfe\xde\xde\xde\xde\xfe^x~y",
		  "\xfe\xfe\xfe\xfe\xde\xde\xde\xde\xfe", "x", "" },
	};
	struct hl7_facts *f;
	struct app_ctx ctx;
	char msg[256];
	size_t i, n;

	(void)state;
	assert_non_null(f = calloc(1, sizeof(*f)));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = (size_t)snprintf(msg, sizeof(msg),
		    "MSH|^~\\&|%s|%s||||||1|P|2.6\r", cases[i].field,
		    cases[i].field);
		memset(&ctx, 0, sizeof(ctx));
		assert_int_equal(hl7_parse_message((const uint8_t *)msg, n,
		    HL7_MAX_SEGMENTS, f, &ctx), HL7_OK);
		assert_string_equal(f->sending_app.namespace_id, cases[i].ns);
		assert_string_equal(f->sending_app.universal_id, cases[i].uid);
		assert_string_equal(f->sending_app.universal_id_type,
		    cases[i].type);
		assert_string_equal(f->sending_fac.namespace_id, cases[i].ns);
		assert_string_equal(f->sending_fac.universal_id_type,
		    cases[i].type);
	}
	free(f);
}

/*
 * The fields and components read, against a reference that splits and
 * decodes them the plain way, one step at a time (token, repetition,
 * component, then the escapes of chapter 2.7): messages drawn at
 * random from pieces that matter to a tokenizer (every delimiter, the
 * escapes, control, high and NUL-free bytes, runs that reach past a
 * word, a vector and an array), custom delimiters with and without
 * the truncation character, fields past the last one read, segments
 * cut short, and a last segment with no CR at the end of the buffer.
 * Each message is parsed from a heap copy of its exact size, so a read
 * past it is caught under ASan.
 */
struct ref_d {
	char		 fs, comp, rep, esc, sub, trunc;
	bool		 has_trunc;
};

static uint32_t ref_rng = 2463534242u;

static uint32_t
ref_rand(void)
{
	ref_rng ^= ref_rng << 13;
	ref_rng ^= ref_rng >> 17;
	ref_rng ^= ref_rng << 5;
	return ref_rng;
}

/* Part i of p[0..n) split at sep, as a view; empty when missing. */
static size_t
ref_part(const char *p, size_t n, char sep, unsigned i, const char **out)
{
	size_t s = 0, e;

	for (;;) {
		for (e = s; e < n && p[e] != sep; e++)
			;
		if (i-- == 0) {
			*out = p + s;
			return e - s;
		}
		if (e == n) {
			*out = p + n;
			return 0;
		}
		s = e + 1;
	}
}

/* Whether a segment has field (token) f. */
static bool
ref_has(const struct ref_d *d, const char *seg, size_t n, unsigned f)
{
	size_t i;

	for (i = 0; i < n && f > 0; i++)
		f -= seg[i] == d->fs;
	return f == 0;
}

/* The decoding hl7_copy() did before the cursor, a byte at a time. */
static void
ref_copy(const struct ref_d *d, const char *p, size_t n, char *dst,
    size_t size)
{
	size_t i = 0, o = 0;
	unsigned char c, e;

	while (i < n && o + 1 < size) {
		c = (unsigned char)p[i++];
		if (c == (unsigned char)d->esc && n - i >= 2 &&
		    p[i + 1] == d->esc) {
			e = (unsigned char)p[i];
			switch (e) {
			case 'F': c = (unsigned char)d->fs; break;
			case 'S': c = (unsigned char)d->comp; break;
			case 'T': c = (unsigned char)d->sub; break;
			case 'R': c = (unsigned char)d->rep; break;
			case 'E': c = (unsigned char)d->esc; break;
			case 'P':
				if (d->has_trunc)
					c = (unsigned char)d->trunc;
				break;
			default:
				break;
			}
			if (c != (unsigned char)d->esc || e == 'E')
				i += 2;
		}
		dst[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[o] = '\0';
}

/* Field f (token f) of a segment; rep 0 comp k, or -1: the whole rep,
 * -2: the whole field. */
static void
ref_value(const struct ref_d *d, const char *seg, size_t n, unsigned f,
    int comp, char *dst, size_t size)
{
	const char *fld, *r, *c;
	size_t fn, rn, cn;

	fn = ref_part(seg, n, d->fs, f, &fld);
	if (comp == -2) {
		ref_copy(d, fld, fn, dst, size);
		return;
	}
	rn = ref_part(fld, fn, d->rep, 0, &r);
	if (comp == -1) {
		ref_copy(d, r, rn, dst, size);
		return;
	}
	cn = ref_part(r, rn, d->comp, (unsigned)comp, &c);
	ref_copy(d, c, cn, dst, size);
}

static bool
ref_eui64(const char *s)
{
	return strlen(s) == 6 && (s[0] | 0x20) == 'e' &&
	    (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'i' &&
	    strcmp(s + 3, "-64") == 0;
}

static void
ref_add_dev(struct hl7_facts *f, const struct hl7_device *dev)
{
	unsigned i;

	if (dev->id[0] == '\0' && dev->hd.universal_id[0] == '\0')
		return;
	for (i = 0; i < f->n_devices; i++)
		if (f->devices[i].source == dev->source &&
		    f->devices[i].field == dev->field &&
		    strcmp(f->devices[i].id, dev->id) == 0 &&
		    strcmp(f->devices[i].hd.namespace_id,
		    dev->hd.namespace_id) == 0 &&
		    strcmp(f->devices[i].hd.universal_id,
		    dev->hd.universal_id) == 0 &&
		    strcmp(f->devices[i].hd.universal_id_type,
		    dev->hd.universal_id_type) == 0)
			return;
	if (f->n_devices < HL7_MAX_DEVICES)
		f->devices[f->n_devices++] = *dev;
}

/* The EIs of field fld of a segment: every repetition, or the first. */
static void
ref_ei(const struct ref_d *d, const char *seg, size_t n, unsigned fld,
    bool reps, uint8_t src, struct hl7_facts *f)
{
	const char *fp, *r, *c;
	size_t fn, rn, cn;
	struct hl7_device dev;
	unsigned i, nr = 1;

	fn = ref_part(seg, n, d->fs, fld, &fp);
	if (reps)
		for (i = 0; i < fn; i++)
			nr += fp[i] == d->rep;
	for (i = 0; i < nr && i < HL7_MAX_DEVICES; i++) {
		memset(&dev, 0, sizeof(dev));
		dev.source = src;
		dev.field = (uint8_t)fld;
		rn = ref_part(fp, fn, d->rep, i, &r);
		cn = ref_part(r, rn, d->comp, 0, &c);
		ref_copy(d, c, cn, dev.id, sizeof(dev.id));
		cn = ref_part(r, rn, d->comp, 1, &c);
		ref_copy(d, c, cn, dev.hd.namespace_id,
		    sizeof(dev.hd.namespace_id));
		cn = ref_part(r, rn, d->comp, 2, &c);
		ref_copy(d, c, cn, dev.hd.universal_id,
		    sizeof(dev.hd.universal_id));
		cn = ref_part(r, rn, d->comp, 3, &c);
		ref_copy(d, c, cn, dev.hd.universal_id_type,
		    sizeof(dev.hd.universal_id_type));
		dev.eui64 = ref_eui64(dev.hd.universal_id_type);
		ref_add_dev(f, &dev);
	}
}

/* A field of random pieces, up to about 150 bytes. */
static size_t
ref_field(const struct ref_d *d, char *out)
{
	static const char *const words[] = {
		"A", "bc", "DEF1", "0123456789ABCDEF", "EUI-64", "eui-64",
		"MDC", "MDC_PULS_OXIM_SAT_O2", "\x01", "\x7f", "\t",
		"\xc3\xa9", "\xff", " ",
	};
	size_t o = 0, k, n = ref_rand() % 12;
	unsigned r;

	while (n-- > 0) {
		r = ref_rand() % 24;
		if (r < 14) {
			k = strlen(words[r]);
			memcpy(out + o, words[r], k);
			o += k;
			continue;
		}
		switch (r) {
		case 14: case 15: out[o++] = d->comp; break;
		case 16: out[o++] = d->rep; break;
		case 17: out[o++] = d->sub; break;
		case 18: out[o++] = d->esc; break;	/* a lone one */
		case 19:
			/* An escape: the delimiters', another, or cut. */
			out[o++] = d->esc;
			out[o++] = "FSTREPX.H"[ref_rand() % 9];
			if (ref_rand() % 4 != 0)
				out[o++] = d->esc;
			break;
		case 20:
			/* A run across words, vectors and the arrays. */
			k = 1 + ref_rand() % 80;
			memset(out + o, 'a' + (int)(ref_rand() % 26), k);
			o += k;
			break;
		case 21: out[o++] = d->trunc; break;
		default:
			out[o++] = (char)('0' + ref_rand() % 10);
			break;
		}
	}
	return o;
}

/* A segment: id, then up to maxf fields (fewer at random). */
static size_t
ref_segment(const struct ref_d *d, const char *id, unsigned maxf, char *out)
{
	size_t o = strlen(id);
	unsigned i, nf = ref_rand() % (maxf + 1);

	memcpy(out, id, o);
	for (i = 0; i < nf; i++) {
		out[o++] = d->fs;
		o += ref_field(d, out + o);
	}
	return o;
}

static void
assert_hd_eq(const struct hl7_hd *a, const struct hl7_hd *b)
{
	assert_string_equal(a->namespace_id, b->namespace_id);
	assert_string_equal(a->universal_id, b->universal_id);
	assert_string_equal(a->universal_id_type, b->universal_id_type);
}

static void
test_hl7_fields_vs_reference(void **state)
{
	static const char *const sets[] = {
		"|^~\\&", "|^~\\&#", "#$%!@", "*,;/:?", "a!b\"c",
		/* Separators that are letters of segment ids. */
		"T^~\\&", "S^~\\&", "X^~\\&", "I^~\\&", "H^~\\&",
		"O^~\\&", "1^~\\&",
	};
	const char *seg[8], *v;
	size_t segn[8], n, i, mn;
	struct hl7_facts *f, *r;
	struct hl7_obs o;
	struct ref_d d;
	struct app_ctx ctx;
	unsigned iter, ns, k, t;
	uint8_t *exact;
	char *msg;

	(void)state;
	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_non_null(r = calloc(1, sizeof(*r)));
	assert_non_null(msg = malloc(16384));
	for (iter = 0; iter < 30000; iter++) {
		const char *set = sets[ref_rand() %
		    (sizeof(sets) / sizeof(sets[0]))];

		d.fs = set[0];
		d.comp = set[1];
		d.rep = set[2];
		d.esc = set[3];
		d.sub = set[4];
		d.has_trunc = set[5] != '\0';
		d.trunc = d.has_trunc ? set[5] : '+';
		/* MSH, then OBX, EQU, PRT and MSA at random. */
		n = (size_t)sprintf(msg, "MSH%s", set);
		seg[0] = msg;
		n += ref_segment(&d, "", 24, msg + n);
		segn[0] = n;
		ns = 1;
		while (ns < 8 && ref_rand() % 4 != 0) {
			static const char *const ids[] = {
				"OBX", "EQU", "PRT", "MSA", "PID", "OBXX",
			};
			static const unsigned maxf[] = { 22, 3, 24, 4, 5, 20 };

			k = ref_rand() % 6;
			msg[n++] = '\r';
			seg[ns] = msg + n;
			segn[ns] = ref_segment(&d, ids[k], maxf[k], msg + n);
			n += segn[ns++];
		}
		if (ref_rand() % 2 == 0)
			msg[n++] = '\r';
		assert_true(n < 16384);
		assert_non_null(exact = malloc(n));
		memcpy(exact, msg, n);
		memset(&ctx, 0, sizeof(ctx));
		assert_int_equal(hl7_parse_message(exact, n, HL7_MAX_SEGMENTS,
		    f, &ctx), HL7_OK);
		free(exact);

		/* The reference; MSH's token t is MSH-(t+1).  An id is
		 * the first token split at the separator: one that holds
		 * the separator is no id of ours, and none of its fields
		 * is read. */
		memset(r, 0, sizeof(*r));
		v = seg[0];
		mn = memchr(v, d.fs, 3) != NULL ? 3 : segn[0];
		for (k = 0; k < 4; k++) {
			struct hl7_hd *hd = k == 0 ? &r->sending_app :
			    k == 1 ? &r->sending_fac : k == 2 ?
			    &r->receiving_app : &r->receiving_fac;

			ref_value(&d, v, mn, 2 + k, 0, hd->namespace_id,
			    sizeof(hd->namespace_id));
			ref_value(&d, v, mn, 2 + k, 1, hd->universal_id,
			    sizeof(hd->universal_id));
			ref_value(&d, v, mn, 2 + k, 2,
			    hd->universal_id_type,
			    sizeof(hd->universal_id_type));
		}
		ref_value(&d, v, mn, 8, 0, r->message_type,
		    sizeof(r->message_type));
		ref_value(&d, v, mn, 8, 1, r->trigger_event,
		    sizeof(r->trigger_event));
		ref_value(&d, v, mn, 8, 2, r->message_structure,
		    sizeof(r->message_structure));
		ref_value(&d, v, mn, 9, -1, r->control_id,
		    sizeof(r->control_id));
		ref_value(&d, v, mn, 10, 0, r->processing_id,
		    sizeof(r->processing_id));
		ref_value(&d, v, mn, 11, 0, r->version,
		    sizeof(r->version));
		ref_value(&d, v, mn, 20, 0, r->profile,
		    sizeof(r->profile));
		ref_value(&d, v, mn, 20, 2, r->profile_oid,
		    sizeof(r->profile_oid));
		for (i = 1; i < ns; i++) {
			v = seg[i];
			if ((segn[i] >= 4 && v[3] != d.fs) ||
			    memchr(v, d.fs, 3) != NULL)
				continue;		/* "OBXX", "PRT" under 'T' */
			if (memcmp(v, "OBX", 3) == 0) {
				memset(&o, 0, sizeof(o));
				ref_value(&d, v, segn[i], 3, 0, o.code,
				    sizeof(o.code));
				ref_value(&d, v, segn[i], 3, 2, o.system,
				    sizeof(o.system));
				if (strcmp(o.system, "MDC") == 0)
					ref_value(&d, v, segn[i], 3, 1,
					    o.name, sizeof(o.name));
				for (k = 0; k < r->n_obs; k++)
					if (strcmp(r->obs[k].code,
					    o.code) == 0 && strcmp(
					    r->obs[k].system, o.system) == 0)
						break;
				if (o.code[0] != '\0' && k == r->n_obs &&
				    r->n_obs < HL7_MAX_OBS)
					r->obs[r->n_obs++] = o;
				ref_ei(&d, v, segn[i], 18, true,
				    HL7_DEV_OBX18, r);
			} else if (memcmp(v, "EQU", 3) == 0)
				ref_ei(&d, v, segn[i], 1, false,
				    HL7_DEV_EQU1, r);
			else if (memcmp(v, "PRT", 3) == 0) {
				struct hl7_device dev;

				if (!ref_has(&d, v, segn[i], 10))
					continue;
				ref_ei(&d, v, segn[i], 10, true,
				    HL7_DEV_PRT, r);
				for (t = 16; t <= 22; t++) {
					if (!ref_has(&d, v, segn[i], t))
						break;
					memset(&dev, 0, sizeof(dev));
					dev.source = HL7_DEV_PRT;
					dev.field = (uint8_t)t;
					ref_value(&d, v, segn[i], t, -2,
					    dev.id, sizeof(dev.id));
					ref_add_dev(r, &dev);
				}
			} else if (memcmp(v, "MSA", 3) == 0) {
				/* A field missing leaves the last MSA's. */
				r->has_ack = true;
				if (!ref_has(&d, v, segn[i], 1))
					continue;
				ref_value(&d, v, segn[i], 1, 0, r->ack_code,
				    sizeof(r->ack_code));
				if (!ref_has(&d, v, segn[i], 2))
					continue;
				ref_value(&d, v, segn[i], 2, -1,
				    r->ack_control_id,
				    sizeof(r->ack_control_id));
			}
		}
		if (ref_eui64(r->sending_app.universal_id_type)) {
			struct hl7_device dev;

			memset(&dev, 0, sizeof(dev));
			dev.source = HL7_DEV_MSH3;
			dev.field = 3;
			dev.eui64 = true;
			memcpy(dev.id, r->sending_app.universal_id,
			    sizeof(dev.id));
			dev.hd = r->sending_app;
			ref_add_dev(r, &dev);
		}

		assert_hd_eq(&f->sending_app, &r->sending_app);
		assert_hd_eq(&f->sending_fac, &r->sending_fac);
		assert_hd_eq(&f->receiving_app, &r->receiving_app);
		assert_hd_eq(&f->receiving_fac, &r->receiving_fac);
		assert_string_equal(f->message_type, r->message_type);
		assert_string_equal(f->trigger_event, r->trigger_event);
		assert_string_equal(f->message_structure,
		    r->message_structure);
		snprintf(r->type_name, sizeof(r->type_name), "%s%s%s",
		    r->message_type, r->trigger_event[0] != '\0' ? "^" : "",
		    r->trigger_event);
		assert_string_equal(f->type_name, r->type_name);
		assert_string_equal(f->control_id, r->control_id);
		assert_string_equal(f->processing_id, r->processing_id);
		assert_string_equal(f->version, r->version);
		assert_string_equal(f->profile, r->profile);
		assert_string_equal(f->profile_oid, r->profile_oid);
		assert_int_equal(f->has_ack, r->has_ack);
		if (r->has_ack) {
			assert_string_equal(f->ack_code, r->ack_code);
			assert_string_equal(f->ack_control_id,
			    r->ack_control_id);
		}
		assert_int_equal(f->n_obs, r->n_obs);
		for (k = 0; k < r->n_obs; k++) {
			assert_string_equal(f->obs[k].code, r->obs[k].code);
			assert_string_equal(f->obs[k].system,
			    r->obs[k].system);
			assert_string_equal(f->obs[k].name, r->obs[k].name);
		}
		assert_int_equal(f->n_devices, r->n_devices);
		for (k = 0; k < r->n_devices; k++) {
			assert_int_equal(f->devices[k].source,
			    r->devices[k].source);
			assert_int_equal(f->devices[k].field,
			    r->devices[k].field);
			assert_int_equal(f->devices[k].eui64,
			    r->devices[k].eui64);
			assert_string_equal(f->devices[k].id,
			    r->devices[k].id);
			assert_hd_eq(&f->devices[k].hd, &r->devices[k].hd);
		}
		assert_int_equal(f->n_segments, ns);
	}
	free(msg);
	free(r);
	free(f);
}

/* A gap inside a frame drops it; the next frame parses. */
static void
test_hl7_gap(void **state)
{
	static const char a[] = "\x0b" "MSH|^~\\&|PUMP_GW|HO";
	static const char b[] = "SP|X\rMSA|AA|1\r\x1c\x0d" FRAMED(NAK);
	struct fixture fx;
	size_t left;

	(void)state;
	fx_init(&fx);
	fx_feed(&fx, a, SLEN(a), NULL, 0, &left);
	assert_int_equal(left, SLEN(a));
	hl7_parser.gap(fx.st, &fx.ctx, APP_DIR_TOSERVER);
	fx_feed(&fx, b, SLEN(b), NULL, 0, &left);
	assert_int_equal(left, 0);
	assert_int_equal(fx.cap->n, 1);
	assert_string_equal(fx.cap->f[0].ack_code, "AE");
	assert_int_equal(fx.ctx.n_anom, 1);
	assert_int_equal(fx.ctx.anom[0], EV_MLLP_GAP);
	fx_free(&fx);
}

/* MSH only: message type, applications, processing id; no PID. */
static void
test_hl7_buffers(void **state)
{
	static const char b[] = FRAMED(ADT);
	const struct mock_inspect *mi;
	struct fixture fx;
	size_t left, i;

	(void)state;
	fx_init(&fx);
	fx.ctx.inspect = true;
	assert_int_equal(fx_feed(&fx, b, SLEN(b), NULL, 0, &left), PARSE_OK);
	assert_int_equal(fx.ctx.n_insp, 1);
	mi = mock_insp(&fx.ctx, 0);
	assert_int_equal(mi->proto, APP_HL7);
	assert_string_equal(mock_buf(mi, APP_BUF_HL7_MESSAGE_TYPE, 0, NULL),
	    "ADT^A01");
	assert_string_equal(mock_buf(mi, APP_BUF_HL7_SENDING_APP, 0, NULL),
	    "ADT_SYS");
	assert_string_equal(mock_buf(mi, APP_BUF_HL7_RECEIVING_APP, 0, NULL),
	    "MONITOR_GW");
	assert_string_equal(mock_buf(mi, APP_BUF_HL7_PROCESSING_ID, 0, NULL),
	    "P");
	assert_int_equal(mi->nbufs, 4);
	for (i = 0; i < mi->nbufs; i++)
		assert_null(strstr(mi->data[i], "PID"));
	mock_reset(&fx.ctx);
	fx_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hl7_oru),
		cmocka_unit_test(test_hl7_rgv_prt),
		cmocka_unit_test(test_hl7_adt),
		cmocka_unit_test(test_hl7_pseudonym),
		cmocka_unit_test(test_hl7_buffers),
		cmocka_unit_test(test_hl7_ack_nak),
		cmocka_unit_test(test_hl7_equ),
		cmocka_unit_test(test_hl7_custom_delimiters),
		cmocka_unit_test(test_hl7_escapes),
		cmocka_unit_test(test_hl7_long_values),
		cmocka_unit_test(test_hl7_fields_passed_over),
		cmocka_unit_test(test_hl7_every_truncation),
		cmocka_unit_test(test_hl7_every_split_point),
		cmocka_unit_test(test_hl7_every_three_way_split),
		cmocka_unit_test(test_hl7_batch),
		cmocka_unit_test(test_hl7_batch_odd),
		cmocka_unit_test(test_hl7_directions),
		cmocka_unit_test(test_hl7_ids),
		cmocka_unit_test(test_hl7_msh_kept),
		cmocka_unit_test(test_hl7_msh_kept_random),
		cmocka_unit_test(test_hl7_msh_kept_edges),
		cmocka_unit_test(test_hl7_ids_not_asked),
		cmocka_unit_test(test_hl7_junk_and_cap),
		cmocka_unit_test(test_hl7_sloppy),
		cmocka_unit_test(test_hl7_rejected),
		cmocka_unit_test(test_hl7_too_many_segments),
		cmocka_unit_test(test_hl7_block_cut),
		cmocka_unit_test(test_hl7_odd_segments),
		cmocka_unit_test(test_hl7_caps),
		cmocka_unit_test(test_hl7_linear),
		cmocka_unit_test(test_hl7_privacy),
		cmocka_unit_test(test_hl7_probe),
		cmocka_unit_test(test_hl7_eve),
		cmocka_unit_test(test_hl7_eve_worst),
		cmocka_unit_test(test_hl7_eve_kept),
		cmocka_unit_test(test_hl7_eve_eui64_once),
		cmocka_unit_test(test_hl7_gap),
		cmocka_unit_test(test_hl7_stale_tables),
		cmocka_unit_test(test_hl7_segment_ends),
		cmocka_unit_test(test_hl7_msh_unread),
		cmocka_unit_test(test_hl7_field_lengths),
		cmocka_unit_test(test_hl7_first_rep_comps),
		cmocka_unit_test(test_hl7_fields_vs_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
