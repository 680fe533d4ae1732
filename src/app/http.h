/*
 * app/http.h - HTTP/1.x transaction facts and the HTTP parser.
 *
 * One fact is one transaction: a request and the headers of its
 * response, or either alone (no response came before a gap or the
 * pending queue filled; a response seen without its request).  Bodies
 * are counted, never copied.  Authorization and Cookie values are
 * never kept: only the fact that the header was present.  Every
 * string is NUL-terminated, cut to its array, and control or non-ASCII
 * bytes are replaced by '?'.
 */
#ifndef WW_PROTO_HTTP_H
#define WW_PROTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define HTTP_MAX_HEADER		(16u << 10)	/* start line + headers */
#define HTTP_MAX_CHUNK_LINE	1024		/* chunk-size line */
#define HTTP_MAX_PENDING	8		/* requests awaiting replies */
/* Body bytes kept for the rules (Suricata's request-body-limit and
 * response-body-limit): a body is inspected when it is complete or
 * when this much of it has come, whichever is first. */
#define HTTP_BODY_LIMIT		(100u << 10)

#define HTTP_METHOD_LEN		16
#define HTTP_URI_LEN		256
#define HTTP_VALUE_LEN		128

struct http_facts {
	bool		 has_request;
	bool		 has_response;
	char		 method[HTTP_METHOD_LEN];
	char		 uri[HTTP_URI_LEN];
	bool		 uri_truncated;
	char		 protocol[HTTP_METHOD_LEN];	/* "HTTP/1.1" */
	char		 host[HTTP_VALUE_LEN];
	char		 user_agent[HTTP_VALUE_LEN];
	bool		 authorization;		/* present; value never kept */
	bool		 basic_auth;		/* its scheme is Basic */
	bool		 cookie;		/* present; value never kept */
	bool		 req_chunked;
	bool		 req_has_length;
	uint64_t	 req_length;		/* request Content-Length */

	uint16_t	 status;
	char		 resp_protocol[HTTP_METHOD_LEN];
	char		 server[HTTP_VALUE_LEN];
	char		 content_type[HTTP_VALUE_LEN];	/* response's */
	bool		 set_cookie;		/* present; value never kept */
	bool		 resp_chunked;
	bool		 resp_has_length;
	uint64_t	 resp_length;		/* response Content-Length */
};

extern const struct app_parser http_parser;

#endif /* WW_PROTO_HTTP_H */
