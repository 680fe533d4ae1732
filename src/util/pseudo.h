/*
 * util/pseudo.h - keyed pseudonyms of patient identifiers
 * (privacy.pseudonyms).
 *
 * Wardwatch never writes a patient field.  Where a detection must tell
 * patients or studies apart (mass retrieval counts distinct studies of
 * distinct patients), a parser hands on the first PSEUDO_HEX hex digits
 * of HMAC-SHA-256(key, KIND ":" ID) instead of the identifier, and only
 * while pseudonyms are on: off, nothing derived from a patient leaves
 * the parser.  KIND keeps a patient id and a study UID that happen to
 * be equal apart; the same id gives the same pseudonym in DICOM and
 * HL7.  Without the key, a pseudonym cannot be turned back into its
 * identifier, even by trying every medical record number.
 *
 * The key is set once before the workers start (pseudo_setup()) and
 * never changes during a run.
 */
#ifndef WW_PSEUDO_H
#define WW_PSEUDO_H

#include <stdbool.h>
#include <stddef.h>

#define PSEUDO_HEX	16	/* digits of a pseudonym */
#define PSEUDO_KEY_MIN	16	/* bytes */
#define PSEUDO_KEY_MAX	4096
#define PSEUDO_ID_MAX	1024	/* longer identifiers get none */
#define PSEUDO_KEY_FILE	"pseudonym.key"	/* made in the state directory */

/*
 * Turn pseudonyms on with the key in keyfile, or, when keyfile is
 * NULL, with the key in statedir/PSEUDO_KEY_FILE, made (32 random
 * bytes, mode 0600) when it is not there.  Returns 0, or -1 with a
 * message in err; pseudonyms stay off then.
 */
int	pseudo_setup(const char *keyfile, const char *statedir, char *err,
	    size_t errlen);
/* Turn them on with this key (tests), or off (key NULL). */
void	pseudo_set_key(const void *key, size_t len);
bool	pseudo_on(void);

/*
 * out = the pseudonym of id (len bytes, DICOM and HL7 padding spaces
 * and NULs at either end left out) as kind ("patient", "study").
 * Returns false, out empty, when pseudonyms are off or id is empty.
 */
bool	pseudo_make(const char *kind, const void *id, size_t len,
	    char out[PSEUDO_HEX + 1]);

#endif /* WW_PSEUDO_H */
