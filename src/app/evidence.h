/*
 * evidence.h - evidence keys: what a parser's facts may say about a
 * device, one id per key of app/evidence.def.
 *
 * Parsers name evidence by id when they translate their facts (the
 * facts op of app.h); the device code stores, fuses and matches it by
 * the same ids and writes the key strings.  Which attribute a key
 * names is the device code's concern: it reads that column of the
 * table itself.
 */
#ifndef WW_EVIDENCE_H
#define WW_EVIDENCE_H

#include <stdbool.h>

/* Flags of the table (see evidence.def). */
#define EVIDENCE_F_MATCH	0x01u	/* fingerprints match on it */
#define EVIDENCE_F_NAME		0x02u	/* stored as "hostname" */
#define EVIDENCE_F_CLAIM	0x04u	/* claimed, not stored */
#define EVIDENCE_F_DATASET	0x08u	/* from a DICOM data set */
#define EVIDENCE_F_EUI64	0x10u	/* an EUI-64 */

enum evidence_key {
#define WW_EVIDENCE(id, key, attr, flags)	EVIDENCE_##id,
#include "app/evidence.def"
#undef WW_EVIDENCE
	EVIDENCE_MAX
};

/* "dicom.calling_ae"; NULL if k is not a key. */
const char	*evidence_key_name(unsigned k);
/* The id of a key string, or -1 (keys are case-sensitive). */
int		 evidence_key_lookup(const char *);
/* EVIDENCE_F_* of a key; 0 if k is not a key. */
unsigned	 evidence_key_flags(unsigned k);

#endif /* WW_EVIDENCE_H */
