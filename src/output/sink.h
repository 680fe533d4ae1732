/*
 * output/sink.h - what the output stage writes to.
 *
 * A sink is called from the output thread only, so it needs no lock.
 * The stage hands it each record it wants, with the record's EVE line
 * already formatted (without the newline); a sink that writes another
 * format (syslog, CEF) formats from the typed head instead.  A sink
 * buffers as it likes, and every call returns how many records it
 * lost, so the stage counts every loss in one place.
 */
#ifndef WW_SINK_H
#define WW_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/record.h"

struct sink;

struct sink_ops {
	/* Take one record; returns the records lost (this or buffered). */
	uint64_t	 (*write)(struct sink *, const struct record *,
			    const char *line, size_t len);
	/* Write out what is buffered; returns the records lost. */
	uint64_t	 (*flush)(struct sink *);
	/* Reopen (logrotate moved the file); returns the records lost. */
	uint64_t	 (*reopen)(struct sink *);
	/* Write what is left and close; returns the records lost. */
	uint64_t	 (*close)(struct sink *);
	void		 (*free)(struct sink *);
};

struct sink {
	const struct sink_ops *ops;
	const char	*name;		/* for messages: a path, "<stdout>" */
	struct record_types types;	/* what it wants */
	uint64_t	 write_errors;	/* failed writes (output thread) */
};

#endif /* WW_SINK_H */
