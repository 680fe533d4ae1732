/*
 * app/hl7.h - HL7 v2 message facts and the HL7-over-MLLP parser.
 *
 * struct hl7_facts holds what identifies the devices and the route of
 * one message: MSH routing fields, device identifiers (PRT, OBX-18,
 * EQU-1, an EUI-64 in MSH-3), the kinds of observation (OBX-3 codes,
 * never OBX-5 values), the acknowledgment and per-type segment counts.
 * No patient field (PID, NK1, PV1, NTE, OBX-5, ...) is ever copied.
 * Every string is NUL-terminated, cut to its array, HL7 escapes
 * decoded and control bytes replaced by '?'.
 */
#ifndef WW_PROTO_HL7_H
#define WW_PROTO_HL7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/mllp.h"
#include "util/pseudo.h"

#define HL7_MAX_SEGMENTS	10000	/* per message */
#define HL7_MAX_DEVICES		16	/* distinct device identifiers */
#define HL7_MAX_OBS		16	/* distinct OBX-3 codes */
#define HL7_MAX_SEGTYPES	24	/* distinct segment ids counted */

#define HL7_SHORT		16	/* type, trigger, version, codes */
#define HL7_STR			64	/* routing and identifier strings */

struct hl7_evec;

/* HD (hierarchic designator) or the tail of an EI (entity identifier). */
struct hl7_hd {
	char		 namespace_id[HL7_STR];
	char		 universal_id[HL7_STR];
	char		 universal_id_type[HL7_SHORT];
};

enum hl7_dev_source {
	HL7_DEV_MSH3,	/* MSH-3 universal id of type EUI-64 */
	HL7_DEV_PRT,	/* PRT-10 (EI), PRT-16..22 (raw) */
	HL7_DEV_OBX18,	/* OBX-18 equipment instance identifier (EI) */
	HL7_DEV_EQU1,	/* EQU-1 equipment instance identifier (EI) */
};

struct hl7_device {
	uint8_t		 source;	/* enum hl7_dev_source */
	uint8_t		 field;		/* field number in its segment */
	bool		 eui64;		/* universal id type is EUI-64 */
	char		 id[HL7_STR];	/* EI entity id, or the raw field */
	struct hl7_hd	 hd;		/* EI namespace, universal id, type */
};

struct hl7_obs {
	char		 code[HL7_SHORT + 8];
	char		 system[HL7_SHORT];
	char		 name[HL7_STR];	/* MDC reference id, MDC codes only */
};

struct hl7_segcount {
	char		 id[4];
	uint32_t	 n;
};

struct hl7_facts {
	/* hl7_ids_same() (hl7.c) compares message_type to type_name,
	 * and version to profile_oid, whole: no patient data in them or
	 * between them. */
	/* MSH-1 and MSH-2 as sent, e.g. "|^~\&". */
	char		 delimiters[8];
	/* MSH-9: message code, trigger event, message structure. */
	char		 message_type[HL7_SHORT];
	char		 trigger_event[HL7_SHORT];
	char		 message_structure[HL7_SHORT];
	/* "type^trigger" (the type alone without a trigger), as the rules
	 * and the device facts name the message: made once, by the
	 * parser. */
	char		 type_name[2 * HL7_SHORT];
	char		 control_id[HL7_STR];		/* MSH-10 */
	char		 processing_id[HL7_SHORT];	/* MSH-11.1 */
	char		 version[HL7_SHORT];		/* MSH-12.1 */
	struct hl7_hd	 sending_app;			/* MSH-3 */
	struct hl7_hd	 sending_fac;			/* MSH-4 */
	struct hl7_hd	 receiving_app;			/* MSH-5 */
	struct hl7_hd	 receiving_fac;			/* MSH-6 */
	char		 profile[HL7_STR];		/* MSH-21.1, first */
	char		 profile_oid[HL7_STR];		/* MSH-21.3, first */
	bool		 has_ack;			/* an MSA segment */
	char		 ack_code[HL7_SHORT];		/* MSA-1 */
	char		 ack_control_id[HL7_STR];	/* MSA-2 */

	uint8_t		 n_devices;
	uint32_t	 devices_dropped;	/* over HL7_MAX_DEVICES */
	struct hl7_device devices[HL7_MAX_DEVICES];
	uint8_t		 n_obs;
	uint32_t	 obs_dropped;		/* over HL7_MAX_OBS */
	struct hl7_obs	 obs[HL7_MAX_OBS];

	uint32_t	 n_segments;		/* non-empty segments parsed */
	uint8_t		 n_segtypes;
	uint32_t	 segs_other;		/* over HL7_MAX_SEGTYPES or bad id */
	struct hl7_segcount segs[HL7_MAX_SEGTYPES];
	bool		 truncated;		/* stopped at max_segments */
	uint32_t	 length;		/* message bytes */

	/* Set by the stream parser for a message sent in a batch. */
	bool		 in_batch;
	uint32_t	 batch_index;		/* 1-based, in its batch */
	char		 batch_control_id[HL7_STR];	/* BHS-11 */

	/* privacy.pseudonyms on: the keyed pseudonym of the first PID-3
	 * identifier (util/pseudo.h), never the id; "" when off.  Never
	 * written to a record. */
	char		 ps_patient[PSEUDO_HEX + 1];

	/* Set by the stream parser: the number of the fields device
	 * evidence is made of (hl7_facts()), the same as the message's
	 * before in the same direction of the flow when they are the same,
	 * else one no other message of the sensor had (so none of this
	 * flow); 0 when not numbered (tests, or no facts' sink:
	 * app_facts_wanted()). */
	uint64_t	 ids;
	/* Set by the stream parser with ids: where hl7_eve() keeps the
	 * parts of the direction's last record that the next message's
	 * record most often repeats, to copy them when they are the
	 * same; NULL: none (not numbered). */
	struct hl7_evec	**evec;
};

enum hl7_status {
	HL7_OK,		/* facts filled in */
	HL7_TRUNCATED,	/* facts up to the segment limit */
	HL7_REJECT,	/* not an HL7 message we can read: no facts */
};

/*
 * Tokenize one message (the bytes inside an MLLP frame) into *f, in
 * time linear in len.  Anomalies go to ctx.  The entries of the device,
 * observation and segment tables past their counts are left as they
 * were.
 */
enum hl7_status hl7_parse_message(const uint8_t *msg, size_t len,
	    size_t max_segments, struct hl7_facts *f, struct app_ctx *ctx);

/* Per-flow parser state: framing per direction and limits. */
struct hl7_state {
	struct mllp_state mllp[2];
	size_t		 max_segments;
	uint64_t	 messages;	/* emitted */
	/* Per direction: the evidence fields of the last message, laid
	 * end to end (hl7_ids_lay()), and their number; the bytes count
	 * against flow.memcap (hl7_parser.memuse).  Made only when the
	 * facts have a sink (app_facts_wanted()): with the device
	 * inventory off, never; those made before a reload turned it off
	 * stay, counted, until the flow ends. */
	char		*ids_buf[2];
	size_t		 ids_len[2];
	uint64_t	 ids[2];
	/* Per direction, with ids_buf: the MSH of the message whose
	 * fields ids_buf holds, as sent but for MSH-7 and MSH-10
	 * (msh_len bytes), then that message's MSH-11 (HL7_SHORT bytes).
	 * A message whose MSH has the same bytes takes its MSH fields
	 * from there instead of reading them again; counted against
	 * flow.memcap with ids_buf. */
	char		*msh_buf[2];
	size_t		 msh_len[2];
	/* Per direction, with ids_buf: what hl7_eve() wrote of the last
	 * record of the direction (struct hl7_evec, hl7.c); counted
	 * against flow.memcap with ids_buf. */
	struct hl7_evec	*evec[2];
};

/* Limits for a state made by hl7_parser.state_new (tests, config). */
void	hl7_state_set_limits(void *state, size_t max_msg,
	    size_t max_segments);

extern const struct app_parser hl7_parser;

#endif /* WW_PROTO_HL7_H */
