/*
 * app/dhcp.h - DHCP (RFC 2131/2132) facts for device identity.
 *
 * What a device says about itself when it asks for an address: its MAC
 * (chaddr), hostname (option 12), vendor class (60), client identifier
 * (61), FQDN (81) and the ordered parameter request list (55), which
 * fingerprints its DHCP client; and what the server answers.
 */
#ifndef WW_PROTO_DHCP_H
#define WW_PROTO_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define DHCP_MAX_STR	255	/* option payloads are at most 255 bytes */
#define DHCP_MAX_ADDRS	8	/* routers, DNS servers kept */
#define DHCP_MAX_PARAMS	255

struct dhcp_facts {
	uint8_t		 op;		/* 1 request, 2 reply */
	uint32_t	 xid;
	bool		 has_mac;	/* htype 1, hlen 6 */
	uint8_t		 chaddr[6];
	uint8_t		 ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t		 msg_type;	/* option 53; 0 = plain BOOTP */

	size_t		 hostname_len;	/* option 12, raw bytes */
	uint8_t		 hostname[DHCP_MAX_STR];
	bool		 has_hostname;
	size_t		 vendor_class_len;	/* option 60 */
	uint8_t		 vendor_class[DHCP_MAX_STR];
	bool		 has_vendor_class;
	size_t		 client_id_len;	/* option 61, with its type byte */
	uint8_t		 client_id[DHCP_MAX_STR];
	size_t		 fqdn_len;	/* option 81, the name part */
	uint8_t		 fqdn[DHCP_MAX_STR];
	bool		 has_fqdn;
	size_t		 n_params;	/* option 55, in order */
	uint8_t		 params[DHCP_MAX_PARAMS];
	bool		 has_params;

	bool		 has_requested_ip;	/* 50 */
	uint8_t		 requested_ip[4];
	bool		 has_server_id;		/* 54 */
	uint8_t		 server_id[4];
	bool		 has_subnet_mask;	/* 1 */
	uint8_t		 subnet_mask[4];
	bool		 has_lease, has_renewal, has_rebinding;
	uint32_t	 lease_time, renewal_time, rebinding_time;
	size_t		 n_routers;		/* 3 */
	uint8_t		 routers[DHCP_MAX_ADDRS][4];
	size_t		 n_dns;			/* 6 */
	uint8_t		 dns[DHCP_MAX_ADDRS][4];
};

/* Parse one BOOTP/DHCP message; 0, or -1 if it is not one. */
int	dhcp_parse_message(const uint8_t *, size_t, struct dhcp_facts *,
	    struct app_ctx *);
/* "discover", "offer", ... for option 53 values. */
const char *dhcp_type_name(uint8_t);

extern const struct app_parser dhcp_parser;

#endif /* WW_PROTO_DHCP_H */
