/*
 * app/login.h - cleartext logins on FTP control connections and
 * telnet: the fact that a login was attempted, the user name and the
 * outcome.  Passwords are never kept: only that one was sent.  The
 * user name is NUL-terminated, cut to its array, control and non-ASCII
 * bytes replaced by '?'.
 */
#ifndef WW_PROTO_LOGIN_H
#define WW_PROTO_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define LOGIN_USER_LEN		64
#define LOGIN_MAX_CODES		4	/* FTP reply codes per attempt */
#define FTP_MAX_LINE		1024	/* command or reply line */
#define TELNET_MAX_SUBNEG	256	/* IAC SB ... IAC SE */

enum login_outcome {
	LOGIN_UNKNOWN,
	LOGIN_SUCCESS,
	LOGIN_FAILURE,
};

struct login_facts {
	uint8_t		 protocol;		/* APP_FTP or APP_TELNET */
	char		 user[LOGIN_USER_LEN];
	bool		 user_truncated;
	bool		 password_sent;		/* the value is never kept */
	uint8_t		 outcome;		/* enum login_outcome */
	uint8_t		 n_codes;		/* FTP replies to USER, PASS */
	uint16_t	 codes[LOGIN_MAX_CODES];
};

extern const struct app_parser ftp_parser;
extern const struct app_parser telnet_parser;

#endif /* WW_PROTO_LOGIN_H */
