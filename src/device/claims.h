/*
 * claims.h - direct claims: evidence whose value names a device
 * attribute by itself ("dicom.manufacturer" names the vendor), and how
 * far the brain believes it.
 *
 * Which attribute a key names is the attribute column of
 * app/evidence.def.  The confidences are knowledge, kept as data in
 * profiles/claims.yaml and compiled into the binary; its format is in
 * wardwatch-devices(7).  Loading reports every problem as
 * "file:line:col: message" and goes on; the return value is the number
 * of errors, and a table that had errors is meant to be thrown away.
 */
#ifndef WW_CLAIMS_H
#define WW_CLAIMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/evidence.h"

#define CLAIMS_MAX_FILE_SIZE	(64u << 10)	/* bytes */

struct claims {
	/* 1..100 for a key that names an attribute; 0 for the others. */
	uint8_t		 confidence[EVIDENCE_MAX];
};

/* The attribute (enum dev_attr) a key's value names, or -1. */
int		 claims_attr(unsigned key);
/* The confidence of a key's claims; 0 if it names no attribute. */
unsigned	 claims_confidence(const struct claims *, enum evidence_key);

/*
 * Fill the table from one file's text; name is used in messages, which
 * go to err unless it is NULL.  Returns the number of errors.
 */
int		 claims_load_buffer(struct claims *, const char *name,
		    const char *buf, size_t len, FILE *err);
/* The copy of profiles/claims.yaml compiled into the binary. */
int		 claims_load_builtin(struct claims *, FILE *err);

/* The built-in file, written by build-aux/embed.sh (Makefile.am). */
struct claims_builtin_file {
	const char		*name;		/* "claims.yaml" */
	const unsigned char	*data;
	size_t			 len;
};
extern const struct claims_builtin_file	claims_builtin_files[];
extern const size_t			claims_builtin_nfiles;

#endif /* WW_CLAIMS_H */
