/*
 * output/outspec.h - one entry of the `outputs:` list (an `eve-log` as
 * suricata.yaml spells it): where records go, in which format, which
 * types, and how a network output keeps what its collector cannot take.
 * engine/config.c fills it; output/sinks.c makes the sink.
 */
#ifndef WW_OUTSPEC_H
#define WW_OUTSPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "output/record.h"

enum outspec_kind {
	OUTK_REGULAR,		/* a file */
	OUTK_STDOUT,
	OUTK_UNIX_STREAM,	/* JSON lines to a unix stream socket */
	OUTK_UNIX_DGRAM,	/* one record per datagram */
	OUTK_SYSLOG,
	OUTK_REDIS,
};

enum outspec_format {
	OUTF_RFC5424,
	OUTF_RFC3164,
	OUTF_CEF,
	OUTF_JSON,		/* the EVE line alone (sockets, redis) */
};

enum outspec_transport {
	OUTT_LOCAL,		/* /dev/log, or 'filename' as the socket */
	OUTT_UDP,
	OUTT_TCP,		/* RFC 6587 octet counting */
	OUTT_TLS,		/* RFC 5425: TCP framing inside TLS */
	OUTT_RELP,		/* RELP (librelp): acknowledged records */
};

enum outspec_redis {
	OUTR_LIST,		/* RPUSH */
	OUTR_CHANNEL,		/* PUBLISH */
	OUTR_STREAM,		/* XADD MAXLEN ~ n */
};

#define OUTSPEC_DEFAULT_QUEUE	8192	/* records in memory per output */

struct output_spec {
	uint32_t	 kind;		/* enum outspec_kind */
	char		*name;		/* for messages and the spool; NULL:
					 * made from the rest */
	char		*filename;	/* regular; unix sockets; local syslog */
	struct record_types types;
	uint32_t	 queue;		/* records */

	/* regular */
	uint32_t	 rotate;	/* 0: append; 1: rotate by size */
	uint64_t	 max_size;	/* rotate at this many bytes */
	char		*chain_key;	/* hash-chain.key-file, or NULL */

	/* syslog */
	char		*server;	/* NULL: local */
	uint32_t	 port;		/* 0: 514, 6514 for TLS */
	uint32_t	 transport;	/* enum outspec_transport */
	uint32_t	 format;	/* enum outspec_format */
	uint32_t	 facility;	/* 0..23 (local5: 21) */
	uint32_t	 max_dgram;	/* UDP: larger records are dropped */
	char		*ca_file;
	char		*cert_file;	/* client certificate (optional) */
	char		*key_file;
	char		*tls_name;	/* name checked in the certificate;
					 * NULL: server */
	bool		 relp_tls;	/* RELP inside TLS */
	uint32_t	 relp_window;	/* RELP records in flight; 0: 128 */

	/* redis */
	uint32_t	 redis_mode;	/* enum outspec_redis */
	char		*redis_key;
	uint64_t	 redis_maxlen;	/* streams */
	bool		 redis_dedupe;	/* store each seq once (a script) */

	/* spool (network outputs) */
	uint64_t	 spool_max;	/* bytes; 0: no spool */
	uint32_t	 spool_drop;	/* 0: oldest; 1: newest */
};

void	outspec_free(struct output_spec *);

#endif /* WW_OUTSPEC_H */
