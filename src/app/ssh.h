/*
 * app/ssh.h - SSH identification strings and key-exchange
 * fingerprints (RFC 4253 sections 4.2, 6 and 7.1; Salesforce HASSH).
 *
 * The parser emits one struct ssh_fact per connection, once both
 * sides' SSH_MSG_KEXINIT have been seen (or earlier, when a direction
 * loses bytes or stops parsing after its banner): the protocol and
 * software versions of each side and, for each side whose KEXINIT was
 * read, its HASSH (client) or HASSH-server.  After both KEXINITs every
 * byte is consumed unread: the rest is encrypted.
 */
#ifndef WW_PROTO_SSH_H
#define WW_PROTO_SSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* RFC 4253 4.2: the identification line is at most 255 bytes, CR LF
 * included; so is each line a server may send before it. */
#define SSH_MAX_LINE		255
/* Bytes of other lines before the identification line. */
#define SSH_MAX_PRE_BANNER	8192
/* RFC 4253 6.1: implementations must handle packets of 35000 bytes. */
#define SSH_MAX_PACKET		35000
#define SSH_PROTO_MAX		32
#define SSH_SOFTWARE_MAX	255

struct ssh_side {
	bool		 banner;	/* identification line seen */
	bool		 kexinit;	/* KEXINIT seen (hassh set) */
	char		 proto_version[SSH_PROTO_MAX + 1];
	char		 software_version[SSH_SOFTWARE_MAX + 1];
	char		*hassh_str;	/* heap */
	char		 hassh[33];
};

struct ssh_fact {
	const struct ssh_side *client;
	const struct ssh_side *server;
};

extern const struct app_parser ssh_parser;

#endif /* WW_PROTO_SSH_H */
