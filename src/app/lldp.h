/*
 * app/lldp.h - LLDP (IEEE 802.1AB) and CDP (Cisco Discovery Protocol
 * v1/v2) facts for the device inventory.
 *
 * Switches, phones and many medical devices announce themselves once a
 * minute on layer 2: a chassis and port identifier, a name, a software
 * description, capabilities and management addresses and, with
 * LLDP-MED (ANSI/TIA-1057), an inventory (manufacturer, model, serial,
 * hardware, firmware and software revisions, asset id).  These are
 * pure functions over one PDU; the decoder finds the frames.
 */
#ifndef WW_PROTO_LLDP_H
#define WW_PROTO_LLDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/events.h"

struct jsonw;

#define LLDP_PROTO_LLDP	1
#define LLDP_PROTO_CDP	2

#define LLDP_ETHERTYPE	0x88cc
/* CDP rides in 802.3 LLC/SNAP: AA AA 03, OUI 00-00-0C, PID 0x2000. */
#define CDP_SNAP_PID	0x2000

#define LLDP_MAX_MGMT	4	/* management addresses kept */

/* LLDP chassis ID subtypes (802.1AB-2016 Table 8-2). */
#define LLDP_CHASSIS_MAC	4
#define LLDP_CHASSIS_NETADDR	5
/* LLDP port ID subtypes (Table 8-3). */
#define LLDP_PORT_MAC		3
#define LLDP_PORT_NETADDR	4

struct lldp_facts {
	uint8_t		 proto;			/* LLDP_PROTO_* */
	uint8_t		 chassis_subtype;	/* LLDP: TLV 1 subtype */
	/* MAC subtype as aa:bb:.., network address as text, else
	 * printable text. */
	char		 chassis_id[64];
	uint8_t		 port_subtype;
	char		 port_id[64];		/* LLDP port id, CDP Port-ID */
	uint32_t	 ttl;			/* seconds */
	char		 port_desc[128];	/* LLDP 4 */
	char		 system_name[128];	/* LLDP 5, CDP Device-ID */
	/* LLDP 6, CDP Software version: cut at the buffer, line ends
	 * as '?'. */
	char		 system_desc[256];
	char		 platform[64];		/* CDP Platform (0x0006) */
	/* LLDP 7 (system, enabled); CDP 0x0004 in both, its own bits. */
	uint16_t	 caps, caps_enabled;
	uint8_t		 n_mgmt;		/* LLDP 8, CDP 0x0002/0x0016 */
	struct {
		uint8_t	 ipver;			/* 4 or 6 */
		uint8_t	 a[16];
	}		 mgmt[LLDP_MAX_MGMT];
	/* CDP 0x000a; LLDP 802.1 PVID (org 00-80-c2 subtype 1). */
	uint16_t	 native_vlan;
	/* LLDP-MED (TIA-1057, org 00-12-bb). */
	uint8_t		 med_class;		/* capabilities: device type */
	char		 hw_rev[64], fw_rev[64], sw_rev[64], serial[64],
			 manufacturer[64], model[64], asset_id[64];
	uint32_t	 n_tlvs;		/* TLVs walked, End included */
	bool		 truncated;		/* a TLV overran the frame */
};

/*
 * p, n: the LLDPDU (after the ethertype).  Returns 0, or -1 when it is
 * not a valid LLDPDU (the mandatory Chassis ID, Port ID and TTL TLVs
 * missing, out of order or malformed, a TLV longer than the frame).
 * *anomaly (may be NULL) is the first anomaly seen, also when 0 is
 * returned for a malformed optional TLV that was skipped, or EV_MAX
 * when there was none.  Facts parsed before an error are kept.
 */
int	lldp_parse(const uint8_t *p, size_t n, struct lldp_facts *,
	    enum ww_counter *anomaly);
/*
 * p, n: the CDP PDU (after the SNAP header: version, ttl, checksum,
 * TLVs).  n should come from the 802.3 length field; trailing zero
 * bytes (Ethernet padding) are ignored.  Same contract as lldp_parse.
 */
int	cdp_parse(const uint8_t *p, size_t n, struct lldp_facts *,
	    enum ww_counter *anomaly);
/* The name of a capability bit (LLDP: 802.1AB Table 8-4; CDP: its
 * own), as the EVE object writes it, or NULL. */
const char *lldp_cap_name(uint8_t proto, unsigned bit);
/* The members of the EVE "lldp" or "cdp" object (by proto). */
void	lldp_eve(struct jsonw *, const struct lldp_facts *);
struct app_sink;
/* Device evidence of a frame, about its sender (any end). */
void	lldp_facts(const struct lldp_facts *, const struct app_sink *);

#endif /* WW_PROTO_LLDP_H */
