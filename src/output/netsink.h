/*
 * output/netsink.h - outputs that deliver over a socket: unix stream
 * and datagram sockets, syslog (local, UDP, TCP, TLS, RELP), Redis.
 *
 * The output thread formats each record (syslog, CEF, or the EVE line)
 * into the output's own bounded queue and goes on; a delivery thread
 * per output connects, sends, reconnects.  While the collector is away
 * the queue goes to the output's disk spool (when it has one) and is
 * replayed, oldest first, before anything newer once it is back; a run
 * that ends while it is away leaves the spool for the next start, which
 * replays it first.  Without a spool, records wait in the queue; what
 * does not fit is dropped and counted.
 */
#ifndef WW_NETSINK_H
#define WW_NETSINK_H

#include <stdbool.h>

#include "output/outspec.h"

struct sink;

struct netsink_env {
	const char	*host;		/* HOSTNAME, "host" */
	const char	*statedir;	/* spools; NULL: none */
	bool		 block;		/* offline: wait for room */
	uint64_t	 epoch;		/* of the records' seq; 0: no seq */
};

/* NULL with a message in err when the output cannot be set up (a bad
 * certificate file, an unreadable spool). */
struct sink	*netsink_new(const struct output_spec *,
		    const struct netsink_env *, char *err, size_t errlen);

/* The spool file of an output (for tests and messages). */
void		 netsink_spool_path(const struct output_spec *,
		    const char *statedir, char *buf, size_t len);
/* The name an output is known by ("syslog-tcp-127.0.0.1-514"). */
void		 outspec_name(const struct output_spec *, char *buf,
		    size_t len);

#endif /* WW_NETSINK_H */
