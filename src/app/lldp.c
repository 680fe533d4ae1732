/*
 * app/lldp.c - LLDP (IEEE 802.1AB-2016) and CDP (Cisco Discovery
 * Protocol v1/v2) parsers.
 *
 * Turns one discovery PDU into the facts a device inventory uses: who
 * the sender is (chassis id, name, description, platform, LLDP-MED
 * inventory), where it is plugged in (port id and description, native
 * VLAN) and how to reach it (management addresses).
 *
 * LLDPDU (802.1AB-2016 clause 8), after ethertype 0x88cc:
 *
 *   TLV   := type (7 bits) | length (9 bits) | value (length octets)
 *   LLDPDU:= Chassis ID (1) | Port ID (2) | TTL (3) | optional TLVs...
 *            [| End Of LLDPDU (0, length 0): optional since 2016]
 *
 *   1 Chassis ID  subtype (1) + id (1..255)     4 Port Description
 *   2 Port ID     subtype (1) + id (1..255)     5 System Name
 *   3 TTL         seconds (2)                   6 System Description
 *   7 System Capabilities: system (2), enabled (2)
 *   8 Management Address: addr len (1, 2..32) | family (1) | address |
 *     if subtype (1) | if number (4) | OID len (1, 0..128) | OID
 * 127 Organizationally specific: OUI (3) | subtype (1) | info (0..507)
 *     00-80-c2/1  Port VLAN ID (2)                  (802.1Q Annex D)
 *     00-12-bb/1  LLDP-MED capabilities (2) + device type (1)
 *     00-12-bb/5..11  hardware, firmware, software revision, serial,
 *                 manufacturer, model, asset id (0..32 octets each)
 *                                                   (ANSI/TIA-1057)
 *
 * 8.4 / 9.2.7.7: the first three TLVs must be Chassis ID, Port ID and
 * TTL, in that order, and a TLV past the end of the frame discards the
 * LLDPDU; a malformed optional TLV is discarded alone.
 *
 * CDP PDU, after LLC/SNAP AA AA 03 00-00-0C 0x2000:
 *
 *   version (1: 1 or 2) | ttl (1) | checksum (2) | TLVs...
 *   TLV := type (2) | length (2, the 4-byte header included) | value
 *
 *   0x0001 Device-ID        0x0005 Software version
 *   0x0002 Addresses        0x0006 Platform
 *   0x0003 Port-ID          0x000a Native VLAN (2)
 *   0x0004 Capabilities (4) 0x0016 Management addresses
 *   Addresses: count (4) | { protocol type (1) | protocol length (1) |
 *     protocol | address length (2) | address }...
 *   IPv4: type 1 (NLPID), protocol CC; IPv6: type 2 (802.2), protocol
 *   AA AA 03 00 00 00 86 DD.
 *
 * Strings are copied printable (bytes outside 0x20..0x7e as '?'), cut
 * at their buffers; trailing NULs, which some senders include, are
 * dropped.  The checksum is not verified (as tcpdump and Wireshark).
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "app/app.h"
#include "app/lldp.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/util.h"

#define LLDP_TLV_END		0
#define LLDP_TLV_CHASSIS_ID	1
#define LLDP_TLV_PORT_ID	2
#define LLDP_TLV_TTL		3
#define LLDP_TLV_PORT_DESC	4
#define LLDP_TLV_SYSTEM_NAME	5
#define LLDP_TLV_SYSTEM_DESC	6
#define LLDP_TLV_SYSTEM_CAPS	7
#define LLDP_TLV_MGMT_ADDR	8
#define LLDP_TLV_ORG		127

#define LLDP_MAX_ID		255	/* chassis and port id octets */
#define LLDP_MAX_STRING		255	/* TLVs 4, 5 and 6 */
#define LLDP_MGMT_ADDR_MIN	2	/* family + 1 octet */
#define LLDP_MGMT_ADDR_MAX	32
#define LLDP_MGMT_OID_MAX	128

/* IANA address family numbers (chassis/port subtype 5/4, TLV 8). */
#define IANA_AF_IPV4		1
#define IANA_AF_IPV6		2

#define OUI_IEEE_8021		0x0080c2u
#define OUI_TIA			0x0012bbu
#define IEEE_8021_PVID		1
#define MED_CAPABILITIES	1
#define MED_HW_REV		5
#define MED_ASSET_ID		11

#define CDP_HDR_LEN		4
#define CDP_TLV_HDR_LEN		4
#define CDP_DEVICE_ID		0x0001
#define CDP_ADDRESSES		0x0002
#define CDP_PORT_ID		0x0003
#define CDP_CAPABILITIES	0x0004
#define CDP_SOFTWARE		0x0005
#define CDP_PLATFORM		0x0006
#define CDP_NATIVE_VLAN		0x000a
#define CDP_MGMT_ADDRESSES	0x0016
#define CDP_PT_NLPID		1
#define CDP_PT_8022		2
#define CDP_NLPID_IP		0xcc

static const uint8_t cdp_snap_ipv6[8] = {
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd
};

/* The first anomaly of a PDU is the one reported. */
static void
note(enum ww_counter *anomaly, enum ww_counter ev)
{
	if (anomaly != NULL && *anomaly == EV_MAX)
		*anomaly = ev;
}

static int
fail(enum ww_counter *anomaly, enum ww_counter ev)
{
	note(anomaly, ev);
	return -1;
}

/* The rest of the view, possibly empty (never NULL for a good view). */
static const uint8_t *
rest(struct breader *br, size_t *len)
{
	*len = br_left(br);
	return br_bytes(br, *len);
}

/* True if what is left of br is zero bytes only (Ethernet padding). */
static bool
rest_is_zero(const struct breader *br)
{
	struct breader z = *br;

	while (br_left(&z) > 0)
		if (br_u8(&z) != 0)
			return false;
	return true;
}

static void
copy_text(char *dst, size_t size, const uint8_t *v, size_t len)
{
	size_t i;

	while (len > 0 && v[len - 1] == '\0')
		len--;
	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = v[i] >= 0x20 && v[i] <= 0x7e ? (char)v[i] : '?';
	dst[len] = '\0';
}

/* "aa:bb:cc", whole octets only, cut at the buffer. */
static void
copy_hex(char *dst, size_t size, const uint8_t *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len && o + (i > 0) + 2 < size; i++) {
		if (i > 0)
			dst[o++] = ':';
		dst[o++] = hex[v[i] >> 4];
		dst[o++] = hex[v[i] & 0xf];
	}
	dst[o] = '\0';
}

/* An IANA family octet and an address: IPv4/IPv6 as text, else hex. */
static void
copy_netaddr(char *dst, size_t size, const uint8_t *v, size_t len)
{
	char buf[UTIL_ADDRBUF];

	if (len == 5 && v[0] == IANA_AF_IPV4)
		util_format_ip(4, v + 1, buf);
	else if (len == 17 && v[0] == IANA_AF_IPV6)
		util_format_ip(6, v + 1, buf);
	else {
		copy_hex(dst, size, v, len);
		return;
	}
	strlcpy(dst, buf, size);
}

static void
text_tlv(char *dst, size_t size, struct breader *tlv)
{
	const uint8_t *v;
	size_t len;

	v = rest(tlv, &len);
	copy_text(dst, size, v, len);
}

static void
add_mgmt(struct lldp_facts *f, uint8_t ipver, const uint8_t *a)
{
	size_t len = ipver == 4 ? 4 : 16, i;

	for (i = 0; i < f->n_mgmt; i++)
		if (f->mgmt[i].ipver == ipver &&
		    memcmp(f->mgmt[i].a, a, len) == 0)
			return;		/* CDP repeats it in 0x0016 */
	if (f->n_mgmt >= LLDP_MAX_MGMT)
		return;
	f->mgmt[f->n_mgmt].ipver = ipver;
	memcpy(f->mgmt[f->n_mgmt].a, a, len);
	f->n_mgmt++;
}

/* Chassis ID or Port ID: subtype, then 1..255 octets. */
static int
lldp_id(struct breader *tlv, uint8_t *subtype, char *dst, size_t size,
    uint8_t mac_subtype, uint8_t netaddr_subtype)
{
	const uint8_t *v;
	size_t len;

	if (br_left(tlv) < 2 || br_left(tlv) > 1 + LLDP_MAX_ID)
		return -1;
	*subtype = br_u8(tlv);
	v = rest(tlv, &len);
	if (*subtype == mac_subtype)
		copy_hex(dst, size, v, len);
	else if (*subtype == netaddr_subtype)
		copy_netaddr(dst, size, v, len);
	else
		copy_text(dst, size, v, len);
	return 0;
}

static int
lldp_mandatory(struct lldp_facts *f, unsigned type, struct breader *tlv)
{
	switch (type) {
	case LLDP_TLV_CHASSIS_ID:
		return lldp_id(tlv, &f->chassis_subtype, f->chassis_id,
		    sizeof(f->chassis_id), LLDP_CHASSIS_MAC,
		    LLDP_CHASSIS_NETADDR);
	case LLDP_TLV_PORT_ID:
		return lldp_id(tlv, &f->port_subtype, f->port_id,
		    sizeof(f->port_id), LLDP_PORT_MAC, LLDP_PORT_NETADDR);
	default:
		/* 802.1AB-2009 said exactly 2; 2016 lets it grow. */
		if (br_left(tlv) < 2)
			return -1;
		f->ttl = br_be16(tlv);
		return 0;
	}
}

/*
 * Management Address (8.5.9).  The address is kept only if the whole
 * TLV is well formed; other families (802 MAC, ...) are skipped.
 */
static int
lldp_mgmt(struct lldp_facts *f, struct breader *tlv)
{
	struct breader addr;
	uint8_t alen, olen, family;
	const uint8_t *a;

	alen = br_u8(tlv);
	addr = br_sub(tlv, alen);
	br_skip(tlv, 1 + 4);		/* interface subtype, number */
	olen = br_u8(tlv);
	br_skip(tlv, olen);
	if (!br_ok(tlv) || alen < LLDP_MGMT_ADDR_MIN ||
	    alen > LLDP_MGMT_ADDR_MAX || olen > LLDP_MGMT_OID_MAX)
		return -1;
	family = br_u8(&addr);
	if (family == IANA_AF_IPV4 && br_left(&addr) == 4 &&
	    (a = br_bytes(&addr, 4)) != NULL)
		add_mgmt(f, 4, a);
	else if (family == IANA_AF_IPV6 && br_left(&addr) == 16 &&
	    (a = br_bytes(&addr, 16)) != NULL)
		add_mgmt(f, 6, a);
	return 0;
}

/* LLDP-MED inventory (TIA-1057 10.2.6): the string for a subtype. */
static char *
med_string(struct lldp_facts *f, uint8_t subtype)
{
	switch (subtype) {
	case 5:
		return f->hw_rev;
	case 6:
		return f->fw_rev;
	case 7:
		return f->sw_rev;
	case 8:
		return f->serial;
	case 9:
		return f->manufacturer;
	case 10:
		return f->model;
	default:
		return f->asset_id;
	}
}

/* Organizationally specific TLV; unknown OUIs and subtypes are skipped. */
static int
lldp_org(struct lldp_facts *f, struct breader *tlv)
{
	uint32_t oui;
	uint8_t subtype;

	oui = (uint32_t)br_u8(tlv) << 16;
	oui |= br_be16(tlv);
	subtype = br_u8(tlv);
	if (!br_ok(tlv))
		return -1;
	if (oui == OUI_IEEE_8021 && subtype == IEEE_8021_PVID) {
		if (br_left(tlv) != 2)
			return -1;
		f->native_vlan = br_be16(tlv);
	} else if (oui == OUI_TIA && subtype == MED_CAPABILITIES) {
		if (br_left(tlv) != 3)
			return -1;
		br_skip(tlv, 2);	/* capabilities bitmap */
		f->med_class = br_u8(tlv);
	} else if (oui == OUI_TIA && subtype >= MED_HW_REV &&
	    subtype <= MED_ASSET_ID)
		text_tlv(med_string(f, subtype), sizeof(f->hw_rev), tlv);
	return 0;
}

static void
lldp_optional(struct lldp_facts *f, unsigned type, struct breader *tlv,
    enum ww_counter *anomaly)
{
	int rc = 0;

	switch (type) {
	case LLDP_TLV_CHASSIS_ID:
	case LLDP_TLV_PORT_ID:
	case LLDP_TLV_TTL:
		rc = -1;		/* exactly one of each (8.2) */
		break;
	case LLDP_TLV_PORT_DESC:
	case LLDP_TLV_SYSTEM_NAME:
	case LLDP_TLV_SYSTEM_DESC:
		if (br_left(tlv) > LLDP_MAX_STRING)
			rc = -1;	/* kept, cut at the buffer */
		if (type == LLDP_TLV_PORT_DESC)
			text_tlv(f->port_desc, sizeof(f->port_desc), tlv);
		else if (type == LLDP_TLV_SYSTEM_NAME)
			text_tlv(f->system_name, sizeof(f->system_name), tlv);
		else
			text_tlv(f->system_desc, sizeof(f->system_desc), tlv);
		break;
	case LLDP_TLV_SYSTEM_CAPS:
		if (br_left(tlv) != 4) {
			rc = -1;
			break;
		}
		f->caps = br_be16(tlv);
		f->caps_enabled = br_be16(tlv);
		break;
	case LLDP_TLV_MGMT_ADDR:
		rc = lldp_mgmt(f, tlv);
		break;
	case LLDP_TLV_ORG:
		rc = lldp_org(f, tlv);
		break;
	default:
		break;			/* 9..126 reserved: skipped */
	}
	if (rc == -1)
		note(anomaly, EV_LLDP_MALFORMED_TLV);
}

int
lldp_parse(const uint8_t *p, size_t n, struct lldp_facts *f,
    enum ww_counter *anomaly)
{
	struct breader br, tlv;
	unsigned type, len, seen = 0;	/* mandatory TLVs seen, in order */
	uint16_t hdr;

	memset(f, 0, sizeof(*f));
	f->proto = LLDP_PROTO_LLDP;
	if (anomaly != NULL)
		*anomaly = EV_MAX;
	br_init(&br, p, n);
	while (br_left(&br) > 0) {
		/* A lone trailing zero octet is padding, not a TLV. */
		if (seen == 3 && br_left(&br) == 1 && rest_is_zero(&br))
			break;
		hdr = br_be16(&br);
		type = hdr >> 9;
		len = hdr & 0x1ff;
		tlv = br_sub(&br, len);
		if (!br_ok(&br)) {
			f->truncated = true;
			return fail(anomaly, EV_LLDP_TLV_OVERRUN);
		}
		f->n_tlvs++;
		if (seen < 3) {
			if (type != seen + 1)
				return fail(anomaly,
				    EV_LLDP_MISSING_MANDATORY_TLV);
			if (lldp_mandatory(f, type, &tlv) == -1)
				return fail(anomaly, EV_LLDP_MALFORMED_TLV);
			seen++;
			continue;
		}
		if (type == LLDP_TLV_END) {
			if (len != 0)
				note(anomaly, EV_LLDP_MALFORMED_TLV);
			break;		/* what follows is padding */
		}
		lldp_optional(f, type, &tlv, anomaly);
	}
	if (seen < 3)
		return fail(anomaly, EV_LLDP_MISSING_MANDATORY_TLV);
	return 0;
}

/* CDP Addresses / Management addresses: IPv4 and IPv6 are kept. */
static int
cdp_addresses(struct lldp_facts *f, struct breader *tlv)
{
	uint32_t count, i;
	const uint8_t *proto, *a;
	uint8_t pt, pl;
	uint16_t al;

	count = br_be32(tlv);
	/* Each address takes 4 octets or more: the loop is bounded by
	 * the TLV, whatever the count says. */
	for (i = 0; i < count && br_ok(tlv); i++) {
		pt = br_u8(tlv);
		pl = br_u8(tlv);
		proto = br_bytes(tlv, pl);
		al = br_be16(tlv);
		a = br_bytes(tlv, al);
		if (!br_ok(tlv))
			break;
		if (pt == CDP_PT_NLPID && pl == 1 && proto[0] ==
		    CDP_NLPID_IP && al == 4)
			add_mgmt(f, 4, a);
		else if (pt == CDP_PT_8022 && pl == sizeof(cdp_snap_ipv6) &&
		    memcmp(proto, cdp_snap_ipv6, pl) == 0 && al == 16)
			add_mgmt(f, 6, a);
	}
	return br_ok(tlv) ? 0 : -1;
}

static int
cdp_tlv(struct lldp_facts *f, uint16_t type, struct breader *tlv)
{
	uint32_t caps;

	switch (type) {
	case CDP_DEVICE_ID:
		text_tlv(f->system_name, sizeof(f->system_name), tlv);
		break;
	case CDP_ADDRESSES:
	case CDP_MGMT_ADDRESSES:
		return cdp_addresses(f, tlv);
	case CDP_PORT_ID:
		text_tlv(f->port_id, sizeof(f->port_id), tlv);
		break;
	case CDP_CAPABILITIES:
		if (br_left(tlv) != 4)
			return -1;
		/* Defined bits fit in 16; CDP has no "enabled" set. */
		caps = br_be32(tlv);
		f->caps = (uint16_t)caps;
		f->caps_enabled = (uint16_t)caps;
		break;
	case CDP_SOFTWARE:
		text_tlv(f->system_desc, sizeof(f->system_desc), tlv);
		break;
	case CDP_PLATFORM:
		text_tlv(f->platform, sizeof(f->platform), tlv);
		break;
	case CDP_NATIVE_VLAN:
		if (br_left(tlv) != 2)
			return -1;
		f->native_vlan = br_be16(tlv);
		break;
	default:
		break;
	}
	return 0;
}

int
cdp_parse(const uint8_t *p, size_t n, struct lldp_facts *f,
    enum ww_counter *anomaly)
{
	struct breader br, tlv;
	uint16_t type, len;
	uint8_t version;

	memset(f, 0, sizeof(*f));
	f->proto = LLDP_PROTO_CDP;
	if (anomaly != NULL)
		*anomaly = EV_MAX;
	br_init(&br, p, n);
	version = br_u8(&br);
	f->ttl = br_u8(&br);
	br_skip(&br, 2);		/* checksum */
	if (!br_ok(&br)) {
		f->truncated = true;
		return fail(anomaly, EV_CDP_TLV_OVERRUN);
	}
	if (version != 1 && version != 2)
		return fail(anomaly, EV_CDP_BAD_VERSION);
	while (br_left(&br) > 0) {
		/* Every TLV type is non-zero: zeros are Ethernet padding. */
		if (rest_is_zero(&br))
			break;
		type = br_be16(&br);
		len = br_be16(&br);
		if (!br_ok(&br)) {
			f->truncated = true;
			return fail(anomaly, EV_CDP_TLV_OVERRUN);
		}
		if (len < CDP_TLV_HDR_LEN)
			return fail(anomaly, EV_CDP_MALFORMED_TLV);
		tlv = br_sub(&br, (size_t)len - CDP_TLV_HDR_LEN);
		if (!br_ok(&br)) {
			f->truncated = true;
			return fail(anomaly, EV_CDP_TLV_OVERRUN);
		}
		f->n_tlvs++;
		if (cdp_tlv(f, type, &tlv) == -1)
			note(anomaly, EV_CDP_MALFORMED_TLV);
	}
	return 0;
}

/* EVE. */

static const char *const lldp_cap_names[] = {	/* 802.1AB Table 8-4 */
	"other", "repeater", "bridge", "wlan_ap", "router", "telephone",
	"docsis", "station", "c_vlan", "s_vlan", "tpmr",
};

static const char *const cdp_cap_names[] = {
	"router", "trans_bridge", "source_route_bridge", "switch", "host",
	"igmp", "repeater", "phone", "remotely_managed", "cvta",
	"mac_relay",
};

const char *
lldp_cap_name(uint8_t proto, unsigned bit)
{
	if (proto == LLDP_PROTO_CDP)
		return bit < sizeof(cdp_cap_names) / sizeof(cdp_cap_names[0]) ?
		    cdp_cap_names[bit] : NULL;
	return bit < sizeof(lldp_cap_names) / sizeof(lldp_cap_names[0]) ?
	    lldp_cap_names[bit] : NULL;
}

static void
kv_caps(struct jsonw *jw, const char *k, uint16_t caps,
    const char *const *names, size_t n_names)
{
	char buf[8];
	unsigned bit;

	jsonw_key(jw, k);
	jsonw_arr_open(jw);
	for (bit = 0; bit < 16; bit++) {
		if ((caps & (1u << bit)) == 0)
			continue;
		if (bit < n_names)
			jsonw_str(jw, names[bit]);
		else {
			buf[0] = 'b';
			buf[1] = 'i';
			buf[2] = 't';
			buf[3] = (char)('0' + bit / 10);
			buf[4] = (char)('0' + bit % 10);
			buf[5] = '\0';
			jsonw_str(jw, buf);
		}
	}
	jsonw_arr_close(jw);
}

static void
kv_text(struct jsonw *jw, const char *k, const char *v)
{
	if (v[0] != '\0')
		jsonw_kv_str(jw, k, v);
}

static void
kv_mgmt(struct jsonw *jw, const char *k, const struct lldp_facts *f)
{
	char buf[UTIL_ADDRBUF];
	size_t i;

	if (f->n_mgmt == 0)
		return;
	jsonw_key(jw, k);
	jsonw_arr_open(jw);
	for (i = 0; i < f->n_mgmt && i < LLDP_MAX_MGMT; i++) {
		util_format_ip(f->mgmt[i].ipver, f->mgmt[i].a, buf);
		jsonw_str(jw, buf);
	}
	jsonw_arr_close(jw);
}

static const char *
chassis_type_name(uint8_t t)
{
	static const char *const names[] = {
		"reserved", "chassis_component", "interface_alias",
		"port_component", "mac_address", "network_address",
		"interface_name", "local",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "reserved";
}

static const char *
port_type_name(uint8_t t)
{
	static const char *const names[] = {
		"reserved", "interface_alias", "port_component",
		"mac_address", "network_address", "interface_name",
		"agent_circuit_id", "local",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "reserved";
}

static void
lldp_eve_med(struct jsonw *jw, const struct lldp_facts *f)
{
	if (f->med_class == 0 && f->hw_rev[0] == '\0' &&
	    f->fw_rev[0] == '\0' && f->sw_rev[0] == '\0' &&
	    f->serial[0] == '\0' && f->manufacturer[0] == '\0' &&
	    f->model[0] == '\0' && f->asset_id[0] == '\0')
		return;
	jsonw_key(jw, "med");
	jsonw_obj_open(jw);
	if (f->med_class != 0)
		jsonw_kv_uint(jw, "device_class", f->med_class);
	kv_text(jw, "hardware_revision", f->hw_rev);
	kv_text(jw, "firmware_revision", f->fw_rev);
	kv_text(jw, "software_revision", f->sw_rev);
	kv_text(jw, "serial_number", f->serial);
	kv_text(jw, "manufacturer", f->manufacturer);
	kv_text(jw, "model", f->model);
	kv_text(jw, "asset_id", f->asset_id);
	jsonw_obj_close(jw);
}

void
lldp_eve(struct jsonw *jw, const struct lldp_facts *f)
{
	if (f->proto == LLDP_PROTO_CDP) {
		kv_text(jw, "device_id", f->system_name);
		kv_text(jw, "port_id", f->port_id);
		jsonw_kv_uint(jw, "ttl", f->ttl);
		kv_text(jw, "platform", f->platform);
		kv_text(jw, "software_version", f->system_desc);
		if (f->caps != 0)
			kv_caps(jw, "capabilities", f->caps, cdp_cap_names,
			    sizeof(cdp_cap_names) / sizeof(cdp_cap_names[0]));
		kv_mgmt(jw, "addresses", f);
		if (f->native_vlan != 0)
			jsonw_kv_uint(jw, "native_vlan", f->native_vlan);
	} else {
		kv_text(jw, "chassis_id", f->chassis_id);
		if (f->chassis_subtype != 0)
			jsonw_kv_str(jw, "chassis_id_type",
			    chassis_type_name(f->chassis_subtype));
		kv_text(jw, "port_id", f->port_id);
		if (f->port_subtype != 0)
			jsonw_kv_str(jw, "port_id_type",
			    port_type_name(f->port_subtype));
		jsonw_kv_uint(jw, "ttl", f->ttl);
		kv_text(jw, "port_description", f->port_desc);
		kv_text(jw, "system_name", f->system_name);
		kv_text(jw, "system_description", f->system_desc);
		if (f->caps != 0 || f->caps_enabled != 0) {
			kv_caps(jw, "system_capabilities", f->caps,
			    lldp_cap_names,
			    sizeof(lldp_cap_names) / sizeof(lldp_cap_names[0]));
			kv_caps(jw, "enabled_capabilities", f->caps_enabled,
			    lldp_cap_names,
			    sizeof(lldp_cap_names) / sizeof(lldp_cap_names[0]));
		}
		kv_mgmt(jw, "management_addresses", f);
		if (f->native_vlan != 0)
			jsonw_kv_uint(jw, "port_vlan_id", f->native_vlan);
		lldp_eve_med(jw, f);
	}
	if (f->truncated)
		jsonw_kv_bool(jw, "truncated", true);
}

/*
 * A device announcing itself to its switch (or the switch itself):
 * its name, description, platform, enabled capabilities and LLDP-MED
 * inventory.  The software revision names what runs; the firmware
 * revision stands in when it is all there is.
 */
void
lldp_facts(const struct lldp_facts *l, const struct app_sink *sink)
{
	const char *cap;
	unsigned i;

	app_evidence(sink, APP_END_CLIENT, EVIDENCE_HOSTNAME_LLDP,
	    l->system_name);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_DESCRIPTION,
	    l->system_desc);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_PLATFORM, l->platform);
	for (i = 0; i < 16; i++)
		if ((l->caps_enabled & (1u << i)) &&
		    (cap = lldp_cap_name(l->proto, i)) != NULL)
			app_evidence(sink, APP_END_CLIENT,
			    EVIDENCE_LLDP_CAPABILITY, cap);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_MANUFACTURER,
	    l->manufacturer);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_MODEL, l->model);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_SOFTWARE,
	    l->sw_rev[0] != '\0' ? l->sw_rev : l->fw_rev);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_LLDP_SERIAL, l->serial);
}
