/*
 * output/sinks.h - make the sinks of an `outputs:` list.
 */
#ifndef WW_SINKS_H
#define WW_SINKS_H

#include <stdbool.h>
#include <stddef.h>

#include "output/outspec.h"

struct output;

struct sinks_env {
	const char	*logdir;	/* relative file names */
	const char	*statedir;	/* spools, chain values */
	const char	*host;		/* syslog HOSTNAME */
	bool		 test_mode;
	bool		 block;		/* offline: wait for room */
};

/* Add a sink per entry.  Returns 0, or -1 with every problem logged. */
int	sinks_open(struct output *, const struct output_spec *, size_t n,
	    const struct sinks_env *);

#endif /* WW_SINKS_H */
