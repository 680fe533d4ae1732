/*
 * output/netconn.h - what a network output (netsink.c) shares with a
 * transport that does its own delivery (relp.c): the records on their
 * way, and the output's connection, counters and spool.
 *
 * All of it belongs to the output's delivery thread, except
 * 'connected', which the output thread reads too.
 */
#ifndef WW_NETCONN_H
#define WW_NETCONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "output/outspec.h"
#include "output/sink.h"

#define NS_TIMEOUT_MS	5000		/* connect, send */
#define NS_RETRY_MIN_MS	200
#define NS_RETRY_MAX_MS	5000

/* A record, formatted for its collector. */
struct msg {
	struct msg	*next;
	uint64_t	 seq;
	uint64_t	 epoch;		/* of seq (output.c); 0: unknown */
	uint64_t	 after;		/* RELP: spool position after it */
	bool		 spooled;	/* RELP: read from the spool */
	bool		 refused;	/* RELP: answered with an error */
	uint64_t	 txnr;		/* RELP: its number in the session */
	size_t		 len;
	char		 data[];
};

struct netconn {
	const char	*name;		/* the output's */
	const struct output_spec *spec;
	struct sink_counters *c;
	struct spool	*spool;		/* NULL: none */
	_Atomic bool	 connected;
	bool		 ever;		/* connected once */
	uint64_t	 next_try;	/* ms, monotonic */
	uint64_t	 delay;		/* before the next try, ms */
	time_t		 last_err;	/* of the last message */
};

struct msg	*msg_new(uint64_t seq, const char *, size_t);
/* Milliseconds, monotonic. */
uint64_t	 netconn_ms(void);
/* "output NAME: what: why" (at most one a minute). */
void		 netconn_err(struct netconn *, const char *what,
		    const char *why);

#endif /* WW_NETCONN_H */
