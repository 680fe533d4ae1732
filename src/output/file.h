/*
 * output/file.h - the EVE JSON lines file (or standard output) as a
 * sink of the output stage.
 */
#ifndef WW_OUTPUT_FILE_H
#define WW_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/record.h"

struct sink;

/*
 * Open LOGDIR/filename for appending ("-" is standard output; an
 * absolute name ignores logdir).  In test mode records are kept and
 * written sorted at close, so the file does not depend on thread
 * scheduling.  Returns NULL with errno set.
 */
struct sink	*output_file_open(const char *logdir, const char *filename,
		    bool test_mode, const struct record_types *);

/* Rotate: past max_size bytes the file is renamed path.N (the next
 * free N) and a new one started. */
void		 output_file_rotate(struct sink *, uint64_t max_size);
/*
 * Chain the file's records with the key in keyfile (output/chain.h);
 * the chain continues from the file's last line, or for an empty file
 * from the value kept in statedir at the last close or rotation.
 * Returns 0, or -1 with a message in err.
 */
int		 output_file_chain(struct sink *, const char *keyfile,
		    const char *statedir, char *err, size_t errlen);

#endif /* WW_OUTPUT_FILE_H */
