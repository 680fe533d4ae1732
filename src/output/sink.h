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
#include <stdatomic.h>
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
	/*
	 * Optional: start what delivers on a thread of its own, when the
	 * output stage starts: after the live sensor has dropped its
	 * privileges and confined itself (a thread made before would keep
	 * them) and after -D forked (a thread does not cross a fork).
	 * Returns 0, or -1 with a message in err.
	 */
	int		 (*start)(struct sink *, char *err, size_t errlen);
};

/*
 * What became of the records handed to a sink (stats records and the
 * summary).  The output stage counts 'queued' (handed over) and, for a
 * sink whose losses it is told of by return values, 'dropped'; a sink
 * that delivers on a thread of its own ('async') counts the rest
 * itself, atomically.
 */
struct sink_counters {
	_Atomic uint64_t sent;		/* delivered */
	_Atomic uint64_t queued;	/* handed to the sink */
	_Atomic uint64_t spooled;	/* went to the disk spool */
	_Atomic uint64_t replayed;	/* delivered from the spool */
	_Atomic uint64_t dropped;	/* lost, for whatever reason */
	_Atomic uint64_t reconnects;	/* connections made again */
};

struct sink {
	const struct sink_ops *ops;
	const char	*name;		/* for messages: a path, "<stdout>" */
	const char	*kind;		/* "regular", "syslog", ... */
	struct record_types types;	/* what it wants */
	uint64_t	 write_errors;	/* failed writes (output thread) */
	uint64_t	 seq;		/* of the record being written */
	bool		 async;		/* counts its own sent and dropped */
	struct sink_counters c;
};

#endif /* WW_SINK_H */
