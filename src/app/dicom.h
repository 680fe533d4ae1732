/*
 * app/dicom.h - DICOM Upper Layer (PS3.8 section 9) and DIMSE command
 * (PS3.7) facts.
 *
 * The parser emits one struct dicom_fact per thing it learns, tagged by
 * its type:
 *
 *  DICOM_FACT_ASSOC    the association: what the requestor proposed
 *                      (A-ASSOCIATE-RQ) and what the acceptor answered.
 *                      Emitted once, when the A-ASSOCIATE-AC or -RJ is
 *                      seen; if no answer comes, when an A-ABORT arrives
 *                      (result "aborted") or when bytes are lost in the
 *                      acceptor's direction (result "incomplete").  An
 *                      AC or RJ seen without its RQ (picked up midstream)
 *                      still gives an association fact.
 *  DICOM_FACT_COMMAND  one DIMSE command (request or response).  For a
 *                      C-STORE-RQ it is emitted once the start of the
 *                      data set has been scanned for equipment tags.
 *  DICOM_FACT_RELEASE  A-RELEASE-RQ or -RP.
 *  DICOM_FACT_ABORT    an A-ABORT after the association was answered
 *                      (before that, the abort is folded into the
 *                      association fact).
 *
 * Strings are NUL-terminated, trimmed of DICOM padding, and bytes that
 * are not printable ASCII are replaced by '?'.  Nothing from the data
 * set is kept except the equipment elements below: patient, study and
 * every other data-set element is skipped by length, never copied;
 * with privacy.pseudonyms on, the Patient ID and Study Instance UID of
 * a request's data set or identifier are read only to be replaced by
 * their keyed pseudonyms (struct dicom_command).  Of
 * a user identity only the type is kept, never the username or
 * passcode.
 */
#ifndef WW_PROTO_DICOM_H
#define WW_PROTO_DICOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "util/pseudo.h"

/*
 * Largest association PDU (RQ, AC, RJ, release, abort) we buffer, as
 * its length field: with its 6-byte header a whole PDU fits the
 * framework's 1 MiB per-direction buffer (APP_DEFAULT_MAX_BUFFER).
 */
#define DICOM_MAX_PDU		((1u << 20) - 6)
/*
 * P-DATA-TF PDUs are parsed as they stream past, never buffered, but a
 * length far above what was negotiated is still hostile: allow the
 * negotiated maximum plus slack, and never more than 16 MiB.
 */
#define DICOM_MAX_PDATA_PDU	(16u << 20)
#define DICOM_PDATA_SLACK	(64u << 10)
/* Presentation contexts kept per association (PS3.8 allows 128 ids). */
#define DICOM_MAX_PCTX		128
/* Transfer syntaxes kept per proposed presentation context. */
#define DICOM_MAX_TS		8
/* UIDs are at most 64 characters (PS3.5 9.1). */
#define DICOM_UID_MAX		64
#define DICOM_AE_MAX		16
/* A DIMSE command set is a few hundred bytes; cap the reassembly. */
#define DICOM_MAX_CMD_SET	(64u << 10)
/* Equipment tags are near the start of a data set: look no further. */
#define DICOM_MAX_DS_SCAN	(64u << 10)
/* After a gap, how far to look for a plausible PDU header. */
#define DICOM_RESYNC_WINDOW	(64u << 10)
/* Equipment values longer than this are not read (LO is 64 chars). */
#define DICOM_DS_VAL_MAX	256
#define DICOM_LO_MAX		64

enum dicom_pdu_type {
	DICOM_PDU_ASSOC_RQ = 0x01,
	DICOM_PDU_ASSOC_AC = 0x02,
	DICOM_PDU_ASSOC_RJ = 0x03,
	DICOM_PDU_P_DATA = 0x04,
	DICOM_PDU_RELEASE_RQ = 0x05,
	DICOM_PDU_RELEASE_RP = 0x06,
	DICOM_PDU_ABORT = 0x07,
};

enum dicom_fact_type {
	DICOM_FACT_ASSOC = 1,
	DICOM_FACT_COMMAND,
	DICOM_FACT_RELEASE,
	DICOM_FACT_ABORT,
};

enum dicom_assoc_result {
	DICOM_ASSOC_PENDING = 0,	/* no answer seen yet */
	DICOM_ASSOC_ACCEPTED,
	DICOM_ASSOC_REJECTED,
	DICOM_ASSOC_ABORTED,		/* A-ABORT before any answer */
	DICOM_ASSOC_INCOMPLETE,		/* bytes lost, no answer seen */
};

#define DICOM_PCTX_NO_RESULT	0xff

struct dicom_pctx {
	uint8_t		 id;
	uint8_t		 result;	/* AC result, or NO_RESULT */
	uint8_t		 n_ts;
	bool		 ts_truncated;	/* > DICOM_MAX_TS offered */
	char		 abstract_syntax[DICOM_UID_MAX + 1];
	char		 ts[DICOM_MAX_TS][DICOM_UID_MAX + 1];
	char		 accepted_ts[DICOM_UID_MAX + 1];
};

/* User Information (item 0x50) of one side. */
struct dicom_user_info {
	bool		 seen;
	bool		 has_max_pdu;
	uint32_t	 max_pdu;	/* 0 = unlimited (PS3.8 D.1) */
	char		 impl_class_uid[DICOM_UID_MAX + 1];
	char		 impl_version[DICOM_AE_MAX + 1];
	bool		 has_async;
	uint16_t	 async_invoked;
	uint16_t	 async_performed;
	uint16_t	 n_role_selection;	/* items 0x54 */
	uint16_t	 n_ext_negotiation;	/* items 0x56 */
};

struct dicom_assoc {
	enum dicom_assoc_result result;
	bool		 have_rq;
	bool		 have_ac;
	uint16_t	 protocol_version;
	char		 called_ae[DICOM_AE_MAX + 1];
	char		 calling_ae[DICOM_AE_MAX + 1];
	char		 app_context[DICOM_UID_MAX + 1];
	struct dicom_pctx *pctx;	/* n_pctx, in the order proposed */
	size_t		 n_pctx;
	bool		 pctx_truncated;
	struct dicom_user_info rq;	/* requestor */
	struct dicom_user_info ac;	/* acceptor */
	uint8_t		 user_identity_type;	/* 0: none; 1..5 */
	bool		 user_identity_response; /* item 0x59 in the AC */
	uint8_t		 rj_result;
	uint8_t		 rj_source;
	uint8_t		 rj_reason;
	bool		 aborted;
	uint8_t		 abort_source;
	uint8_t		 abort_reason;
};

struct dicom_equipment {
	char		 modality[DICOM_AE_MAX + 1];
	char		 manufacturer[DICOM_LO_MAX + 1];
	char		 station_name[DICOM_AE_MAX + 1];
	char		 model[DICOM_LO_MAX + 1];
	char		 serial_number[DICOM_LO_MAX + 1];
	char		 software_versions[DICOM_LO_MAX + 1];
	char		 sop_class_uid[DICOM_UID_MAX + 1];
};

#define DICOM_CMD_HAS_FIELD	0x0001
#define DICOM_CMD_HAS_MSG_ID	0x0002
#define DICOM_CMD_HAS_RESPONDED	0x0004
#define DICOM_CMD_HAS_STATUS	0x0008
#define DICOM_CMD_HAS_DS_TYPE	0x0010
#define DICOM_CMD_HAS_EQUIPMENT	0x0020

#define DICOM_DS_TYPE_NONE	0x0101	/* (0000,0800): no data set */

struct dicom_command {
	uint16_t	 flags;		/* DICOM_CMD_HAS_* */
	uint8_t		 pcid;		/* presentation context */
	uint16_t	 command_field;
	uint16_t	 message_id;
	uint16_t	 message_id_responded;
	uint16_t	 status;
	uint16_t	 data_set_type;
	char		 affected_sop_class[DICOM_UID_MAX + 1];
	char		 move_destination[DICOM_AE_MAX + 1];
	/* C-GET-RQ: the AE title its sender had in the association, where
	 * the data goes (for the brain; not in EVE). */
	char		 get_destination[DICOM_AE_MAX + 1];
	struct dicom_equipment equipment;	/* C-STORE-RQ only */
	/* privacy.pseudonyms on: keyed pseudonyms (util/pseudo.h) of the
	 * data set's or identifier's Patient ID and Study Instance UID
	 * (C-STORE, C-FIND, C-MOVE and C-GET requests), never the ids;
	 * "" when off or absent.  Never written to a record. */
	char		 ps_patient[PSEUDO_HEX + 1];
	char		 ps_study[PSEUDO_HEX + 1];
};

struct dicom_fact {
	enum dicom_fact_type type;
	union {
		const struct dicom_assoc *assoc;	/* ASSOC */
		const struct dicom_command *command;	/* COMMAND */
		bool		 release_response;	/* RELEASE: RP */
		struct {
			uint8_t	 source;
			uint8_t	 reason;
		} abort;					/* ABORT */
	} u;
};

extern const struct app_parser dicom_parser;

/* "C-STORE-RQ", ..., or NULL for a code PS3.7 does not define. */
const char	*dicom_command_name(uint16_t);

#endif /* WW_PROTO_DICOM_H */
