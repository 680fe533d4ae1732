/*
 * output/file.h - EVE JSON lines: one file (or stdout) shared by every
 * thread.  Records are formatted by their producer into its own jsonw
 * and handed over whole; the write is serialised here.
 */
#ifndef WW_OUTPUT_EVE_H
#define WW_OUTPUT_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct counters;
struct output_eve;

/*
 * Open LOGDIR/filename for appending ("-" is stdout).  In test mode
 * records are kept and written sorted at close, so the file does not
 * depend on thread scheduling.  Returns NULL with errno set.
 */
struct output_eve *output_eve_open(const char *logdir, const char *filename,
		    bool test_mode, struct counters *);
const char	*output_eve_path(const struct output_eve *);
/* Write one record (no trailing newline in 'line').  Thread-safe. */
void		 output_eve_write(struct output_eve *, const char *line,
		    size_t len);
/* Flush buffered records to the file (thread-safe). */
void		 output_eve_flush(struct output_eve *);
/* Reopen the file after logrotate moved it (SIGHUP). */
int		 output_eve_reopen(struct output_eve *);
/* Flush, write test-mode records, close.  Returns 0 or -1. */
int		 output_eve_close(struct output_eve *);

#endif /* WW_OUTPUT_EVE_H */
