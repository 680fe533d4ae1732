/*
 * output/syslogfmt.h - records as syslog messages (RFC 5424, RFC 3164)
 * and as CEF, and the framing of RFC 6587 (octet counting).
 *
 * Everything here is a pure function of its arguments, so the unit
 * tests can check each escape.  Text that is not valid UTF-8 where the
 * formats want UTF-8 (SD parameter values, CEF) has each bad byte
 * replaced with U+FFFD; fields that must be printable US-ASCII
 * (HOSTNAME, APP-NAME, MSGID) have every other byte replaced with '_'.
 */
#ifndef WW_SYSLOGFMT_H
#define WW_SYSLOGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "output/record.h"

/* A growable byte buffer. */
struct fmtbuf {
	char		*p;
	size_t		 len, cap;
};

void	fmtbuf_reset(struct fmtbuf *);
void	fmtbuf_free(struct fmtbuf *);
void	fmtbuf_add(struct fmtbuf *, const void *, size_t);
void	fmtbuf_str(struct fmtbuf *, const char *);
void	fmtbuf_printf(struct fmtbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#define SYSLOG_SD_ID	"wardwatch@32473"	/* RFC 5612's example PEN */

struct syslog_ctx {
	const char	*host;		/* HOSTNAME (NULL: "-") */
	const char	*sensor;	/* SD sensor= (NULL: host) */
	unsigned	 facility;	/* 0..23 */
	unsigned	 pid;
};

/* The syslog severity of a record (alerts by their severity). */
unsigned	syslog_severity(const struct record *);
/* CEF severity 0..10. */
unsigned	cef_severity(const struct record *);

/* Whole messages (no framing), appended to b. */
void	syslog_rfc5424(struct fmtbuf *, const struct syslog_ctx *,
	    const struct record *, uint64_t seq, const char *msg, size_t);
void	syslog_rfc3164(struct fmtbuf *, const struct syslog_ctx *,
	    const struct record *, const char *msg, size_t);
/*
 * The CEF line of a record; 'line' is its EVE JSON, from which MACs,
 * category and community id are taken.
 */
void	cef_format(struct fmtbuf *, const struct syslog_ctx *,
	    const struct record *, uint64_t seq, const char *line, size_t);

/* The escapes, for the unit tests. */
void	sd_escape(struct fmtbuf *, const char *, size_t);
void	cef_escape_header(struct fmtbuf *, const char *, size_t);
void	cef_escape_ext(struct fmtbuf *, const char *, size_t);
void	ascii_field(struct fmtbuf *, const char *, size_t max);

/* RFC 6587 octet counting: "LEN SP MSG" into b. */
void	octet_frame(struct fmtbuf *, const char *, size_t);
/*
 * Read one octet-counted frame from buf[0..len): returns the bytes the
 * frame took (and the message in *msg, *mlen), 0 when more bytes are
 * needed, -1 when the framing is broken.
 */
long	octet_unframe(const char *buf, size_t len, const char **msg,
	    size_t *mlen);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if none. */
size_t	utf8_seq(const unsigned char *p, size_t len);

#endif /* WW_SYSLOGFMT_H */
