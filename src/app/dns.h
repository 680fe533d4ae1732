/*
 * app/dns.h - DNS (RFC 1035) and mDNS (RFC 6762) message facts.
 *
 * Both protocols share one message format and one parser.  DNS gives
 * who asks for what (and what the answer was); mDNS is where devices
 * announce themselves: service instance names (PTR), SRV targets and
 * TXT key=value records (md=, ty=, usb_MFG=) name printers, pumps and
 * monitors.  Every name and string is capped; records past the caps
 * are counted, not kept.
 */
#ifndef WW_PROTO_DNS_H
#define WW_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define DNS_HDR_LEN	12
#define DNS_MAX_WIRE_NAME 255	/* RFC 1035 2.3.4 */
#define DNS_NAME_BUF	256	/* text of a name of at most 255 octets */
#define DNS_MAX_JUMPS	16	/* compression pointers followed per name */
#define DNS_MAX_QUERIES	16	/* questions kept per message */
#define DNS_MAX_RRS	24	/* resource records kept, all sections */
#define DNS_MAX_RDATA	256	/* rdata text (or raw TXT) kept per record */

#define DNS_TYPE_A	1
#define DNS_TYPE_NS	2
#define DNS_TYPE_CNAME	5
#define DNS_TYPE_SOA	6
#define DNS_TYPE_PTR	12
#define DNS_TYPE_MX	15
#define DNS_TYPE_TXT	16
#define DNS_TYPE_AAAA	28
#define DNS_TYPE_SRV	33
#define DNS_TYPE_OPT	41

enum dns_section {
	DNS_SEC_ANSWER,
	DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL,
};

struct dns_name {
	char		 text[DNS_NAME_BUF];	/* labels joined by '.' */
	size_t		 len;
	bool		 truncated;		/* longer than 255 octets */
};

struct dns_query {
	struct dns_name	 name;
	uint16_t	 type;
	uint16_t	 qclass;
};

struct dns_rr {
	struct dns_name	 name;
	uint8_t		 section;	/* enum dns_section */
	uint16_t	 type;
	uint16_t	 rclass;
	uint32_t	 ttl;
	/*
	 * A, AAAA: the address as text.  CNAME, PTR, NS, MX, SRV (target),
	 * SOA (mname): the name as text.  TXT: the raw rdata (length-
	 * prefixed strings), cut at DNS_MAX_RDATA.  Others: nothing.
	 */
	bool		 has_rdata;
	bool		 rdata_truncated;
	size_t		 rdata_len;
	uint8_t		 rdata[DNS_MAX_RDATA];
	uint16_t	 srv_priority, srv_weight, srv_port;
};

struct dns_facts {
	uint16_t	 id;
	uint16_t	 flags;		/* the whole second header word */
	uint16_t	 qdcount, ancount, nscount, arcount;
	size_t		 n_queries;
	struct dns_query queries[DNS_MAX_QUERIES];
	size_t		 n_rrs;
	struct dns_rr	 rrs[DNS_MAX_RRS];
	bool		 malformed;	/* parsing stopped early */
	bool		 pointer_loop;	/* ... at a compression loop */
};

#define DNS_FLAG_QR	0x8000
#define DNS_FLAG_AA	0x0400
#define DNS_FLAG_TC	0x0200
#define DNS_FLAG_RD	0x0100
#define DNS_FLAG_RA	0x0080
#define DNS_FLAG_Z	0x0040
#define DNS_FLAG_AD	0x0020
#define DNS_FLAG_CD	0x0010
#define DNS_OPCODE(f)	(((f) >> 11) & 0xf)
#define DNS_RCODE(f)	((f) & 0xf)

/*
 * Parse one DNS message.  0 if the header was read (facts may be
 * partial: f->malformed says parsing stopped early), -1 if it is not
 * a DNS message at all.  ctx may be NULL (no anomalies reported).
 */
int	dns_parse_message(const uint8_t *, size_t, struct dns_facts *,
	    struct app_ctx *);
/* "A", "AAAA", ... or NULL if we have no name for the type. */
const char *dns_type_name(uint16_t);
/*
 * The service type of an mDNS name ("_ipp._tcp.local" gives
 * "_ipp._tcp" in out); false if the name holds none or it does not fit.
 */
bool	dns_service_type(const char *name, char *out, size_t len);

extern const struct app_parser dns_parser;
extern const struct app_parser dns_tcp_parser;	/* RFC 7766 framing */
extern const struct app_parser mdns_parser;

#endif /* WW_PROTO_DNS_H */
