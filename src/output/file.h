/*
 * output/file.h - the EVE JSON lines file (or standard output) as a
 * sink of the output stage.
 */
#ifndef WW_OUTPUT_FILE_H
#define WW_OUTPUT_FILE_H

#include <stdbool.h>

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

#endif /* WW_OUTPUT_FILE_H */
