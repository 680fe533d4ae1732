/*
 * app/ssdp.h - SSDP (UPnP Device Architecture 2.0, section 1) facts.
 *
 * SSDP is HTTP over UDP multicast (239.255.255.250:1900).  Devices
 * announce themselves (NOTIFY), control points search (M-SEARCH) and
 * devices answer (HTTP/1.1 200 OK).  The SERVER header ("OS/version
 * UPnP/1.0 product/version"), the USN (uuid and device type) and the
 * LOCATION of the description document identify the device.
 */
#ifndef WW_PROTO_SSDP_H
#define WW_PROTO_SSDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define SSDP_MAX_LINE	1024	/* bytes per line, CRLF included */
#define SSDP_MAX_LINES	64	/* header lines per message */
#define SSDP_MAX_VALUE	256	/* bytes kept per header value */

enum ssdp_kind {
	SSDP_NOTIFY = 1,
	SSDP_MSEARCH,
	SSDP_RESPONSE,
};

struct ssdp_value {
	bool		 present;
	bool		 truncated;
	size_t		 len;
	char		 s[SSDP_MAX_VALUE];
};

struct ssdp_facts {
	uint8_t		 kind;		/* enum ssdp_kind */
	uint16_t	 status;	/* SSDP_RESPONSE: the status code */
	struct ssdp_value server;
	struct ssdp_value user_agent;
	struct ssdp_value nt;
	struct ssdp_value st;
	struct ssdp_value usn;
	struct ssdp_value location;
	struct ssdp_value nts;
	struct ssdp_value man;
};

/*
 * Parse one SSDP message.  0 if the start line is SSDP (headers may be
 * partial after a line-length anomaly), -1 if it is not.  ctx may be
 * NULL.
 */
int	ssdp_parse_message(const uint8_t *, size_t, struct ssdp_facts *,
	    struct app_ctx *);

extern const struct app_parser ssdp_parser;

#endif /* WW_PROTO_SSDP_H */
