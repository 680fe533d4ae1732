/*
 * output/chain.h - the keyed hash chain of an output file, and its
 * check (wardwatch verify).
 *
 * Every record written to a chained file ends with "prev": the chain
 * value before it, 64 hex digits.  The value after a record is
 * HMAC-SHA-256(key, the record's line as written, "prev" included, no
 * newline).  Before "prev", "prev_seq" is the "seq" of the record
 * before it in the chain (none for a chain's first): a file of some
 * record types only has gaps in "seq", and verify still tells a
 * removed record from a changed one.  The first record of a new chain
 * has "prev" of 64 zeros; the first record of a file that follows a
 * rotation (or a logrotate move) carries the last value of the file
 * before it, so files checked in order form one chain.  Without the key nobody can make a line that
 * fits the chain, so an edit, a removal, an insertion or a reordering
 * is found at the first record it breaks.
 */
#ifndef WW_CHAIN_H
#define WW_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CHAIN_KEY_MIN	16		/* bytes */
#define CHAIN_KEY_MAX	4096
#define CHAIN_HEX	64

struct chain {
	unsigned char	 key[CHAIN_KEY_MAX];
	size_t		 keylen;
	unsigned char	 prev[32];
};

/* Read a key file (its bytes, a final newline removed).  Returns 0, or
 * -1 with a message in err. */
int	chain_load_key(struct chain *, const char *path, char *err,
	    size_t errlen);
/* value = HMAC(key, line) */
void	chain_hmac(const struct chain *, const char *line, size_t len,
	    unsigned char out[32]);
void	chain_hex(const unsigned char v[32], char out[CHAIN_HEX + 1]);
/* The number after the last occurrence of key in line (len bytes;
 * key "" reads the number at its start); false if there is none. */
bool	chain_line_seq(const char *line, size_t len, const char *key,
	    uint64_t *out);
/* Parse 64 hex digits; -1 if they are not. */
int	chain_unhex(const char *, unsigned char out[32]);

/*
 * Check files in order as one chain; writes what it finds to out
 * ("FILE:LINE: seq N: record changed", ...).  Returns 0 intact, 2
 * broken, 1 when a file cannot be read.
 */
int	chain_verify(const struct chain *, char *const *files, int nfiles,
	    FILE *out);

#endif /* WW_CHAIN_H */
