/*
 * scen-services.c - a biomedical device network speaking the protocols
 * the other captures leave out: SSH up to both KEXINITs, HTTP, MQTT
 * 3.1.1 and 5, SSDP, FTP and telnet logins, DNS over TCP, LLDP with an
 * LLDP-MED inventory, and CDP.  It gives each of those parsers a golden
 * regression and tests/services.sh the facts it checks.
 *
 * The credentials are invented; they are here so that the tests can
 * show that none reaches eve.json.  MACs carry the OUI (IEEE registry)
 * of the kind of device they imitate; devices that claim no maker have
 * locally administered ones.  Versions, serials and UUIDs are
 * illustrative.
 */
#include <config.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define SVC_DATE	"Mon, 02 Nov 2026"	/* the day of GEN_BASE_TIME */

#define PORT_FTP	21
#define PORT_SSH	22
#define PORT_TELNET	23
#define PORT_DNS	53
#define PORT_HTTP	80
#define PORT_MQTT	1883
#define PORT_SSDP	1900

enum {
	SVC_DNS, SVC_CFG, SVC_BROKER, SVC_WS, SVC_PUMPGW, SVC_LABGW,
	SVC_MONITOR, SVC_VENT, SVC_BED, SVC_CAMERA, SVC_SWITCH, SVC_SSDP_GROUP,
	SVC_NHOSTS
};

static const struct host svc_hosts[SVC_NHOSTS] = {
	/* 00:50:56 VMware: DNS resolver, device configuration server,
	 * MQTT broker. */
	{ { 0x00, 0x50, 0x56, 0x50, 0x00, 0x02 }, IP4(10, 50, 0, 2), { 0 } },
	{ { 0x00, 0x50, 0x56, 0x50, 0x00, 0x05 }, IP4(10, 50, 0, 5), { 0 } },
	{ { 0x00, 0x50, 0x56, 0x50, 0x00, 0x06 }, IP4(10, 50, 0, 6), { 0 } },
	/* 6c:2b:59 Dell: the biomedical engineering workstation. */
	{ { 0x6c, 0x2b, 0x59, 0x50, 0x00, 0x10 }, IP4(10, 50, 0, 10), { 0 } },
	/* The infusion-pump gateway (dropbear, vsftpd). */
	{ { 0x02, 0x00, 0x00, 0x50, 0x00, 0x20 }, IP4(10, 50, 0, 20), { 0 } },
	/* b8:27:eb Raspberry Pi: a lab analyzer's serial-to-network bridge. */
	{ { 0xb8, 0x27, 0xeb, 0x50, 0x00, 0x22 }, IP4(10, 50, 0, 22), { 0 } },
	/* 00:09:fb Philips Patient Monitoring: HTTP client, LLDP-MED. */
	{ { 0x00, 0x09, 0xfb, 0x50, 0x00, 0x31 }, IP4(10, 50, 0, 31), { 0 } },
	/* f0:e5:c3 Draegerwerk: ventilator telemetry over MQTT 3.1.1. */
	{ { 0xf0, 0xe5, 0xc3, 0x50, 0x00, 0x33 }, IP4(10, 50, 0, 33), { 0 } },
	/* A smart bed speaking MQTT 5. */
	{ { 0x02, 0x00, 0x00, 0x50, 0x00, 0x34 }, IP4(10, 50, 0, 34), { 0 } },
	/* ac:cc:8e Axis: a patient observation camera (SSDP). */
	{ { 0xac, 0xcc, 0x8e, 0x4a, 0x2b, 0x11 }, IP4(10, 50, 0, 40), { 0 } },
	/* 00:1b:54 Cisco: the access switch (CDP). */
	{ { 0x00, 0x1b, 0x54, 0x50, 0x00, 0xfe }, IP4(10, 50, 0, 254), { 0 } },
	/* SSDP's group and its MAC (RFC 1112 6.4). */
	{ { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa }, IP4(239, 255, 255, 250),
	    { 0 } },
};

/* A SPAN of the biomedical access VLAN, untagged. */
static const struct pkt_link svc_link = { .type = PKT_LINK_ETH };

struct svc {
	struct gen	*g;
	struct pkt	*b;	/* the message being built */
};

static void
svc_conv(struct svc *s, struct conv *c, int cli, uint16_t cport, int srv,
    uint16_t sport)
{
	scen_conv(c, s->g, &svc_link, &svc_hosts[cli], cport, &svc_hosts[srv],
	    sport);
}

static void
svc_text(struct conv *c, int dir, const char *text)
{
	conv_data(c, dir, (const uint8_t *)text, strlen(text));
}

static void
svc_random(struct svc *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pkt_u8(s->b, (uint32_t)gen_rand(s->g) & 0xff);
}

/* The time of day of the capture clock, "HH:MM:SS". */
static void
svc_clock(char *buf, size_t len, uint64_t now)
{
	uint64_t t = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(t / 3600),
	    (unsigned)(t / 60 % 60), (unsigned)(t % 60));
}

/* ------------------------------------------------------------------ */
/* LLDP and CDP */

/* An LLDP TLV (802.1AB-2016 8.4): type (7 bits), length (9 bits). */
static void
lldp_tlv(struct pkt *b, unsigned type, const void *v, size_t len)
{
	pkt_be16(b, (uint32_t)(type << 9 | len));
	pkt_bytes(b, v, len);
}

static void
lldp_str(struct pkt *b, unsigned type, const char *s)
{
	lldp_tlv(b, type, s, strlen(s));
}

/* LLDP-MED inventory (ANSI/TIA-1057 10.2.6): OUI 00-12-bb, subtype. */
static void
lldp_med_str(struct pkt *b, uint8_t subtype, const char *s)
{
	pkt_be16(b, (uint32_t)(127u << 9 | (4 + strlen(s))));
	pkt_u8(b, 0x00);
	pkt_u8(b, 0x12);
	pkt_u8(b, 0xbb);
	pkt_u8(b, subtype);
	pkt_str(b, s);
}

/*
 * The patient monitor's LLDPDU as its link comes up: chassis and port
 * id (its MAC), TTL, port description, system name and description,
 * capabilities (station), management address, LLDP-MED capabilities
 * (class I endpoint with inventory) and the seven inventory TLVs.
 */
static void
svc_lldp(struct svc *s)
{
	static const uint8_t nearest_bridge[6] = { 0x01, 0x80, 0xc2, 0x00,
	    0x00, 0x0e };
	static const uint8_t med_caps[7] = { 0x00, 0x12, 0xbb, 1,
	    0x00, 0x21,		/* capabilities, inventory */
	    1 };		/* endpoint class I */
	const struct host *m = &svc_hosts[SVC_MONITOR];
	struct pkt *p = &s->g->pkt;
	uint8_t id[7];

	pkt_reset(p);
	pkt_eth(p, nearest_bridge, m->mac, 0x88cc);
	id[0] = 4;				/* chassis id: MAC address */
	memcpy(id + 1, m->mac, 6);
	lldp_tlv(p, 1, id, sizeof(id));
	id[0] = 3;				/* port id: MAC address */
	lldp_tlv(p, 2, id, sizeof(id));
	pkt_be16(p, 3u << 9 | 2);
	pkt_be16(p, 120);			/* TTL */
	lldp_str(p, 4, "LAN");
	lldp_str(p, 5, "PM-ICU-09");
	lldp_str(p, 6, "Philips IntelliVue MX750 M.00.03");
	pkt_be16(p, 7u << 9 | 4);
	pkt_be16(p, 0x0080);			/* station only */
	pkt_be16(p, 0x0080);
	pkt_be16(p, 8u << 9 | 12);		/* management address */
	pkt_u8(p, 5);				/* family and address */
	pkt_u8(p, 1);				/* IPv4 */
	pkt_be32(p, m->ip4);
	pkt_u8(p, 2);				/* ifIndex */
	pkt_be32(p, 1);
	pkt_u8(p, 0);				/* no OID */
	lldp_tlv(p, 127, med_caps, sizeof(med_caps));
	lldp_med_str(p, 5, "A.01");		/* hardware revision */
	lldp_med_str(p, 6, "B.02.17");		/* firmware revision */
	lldp_med_str(p, 7, "M.00.03");		/* software revision */
	lldp_med_str(p, 8, "DE72109341");	/* serial number */
	lldp_med_str(p, 9, "Philips Medical Systems");
	lldp_med_str(p, 10, "IntelliVue MX750");
	lldp_med_str(p, 11, "BME-004127");	/* asset id */
	pkt_be16(p, 0);				/* End of LLDPDU */
	pkt_pad(p, PKT_ETH_MIN);
	gen_emit(s->g, p);
}

/* A CDP TLV: type (2), length with this 4-byte header (2), value. */
static void
cdp_tlv(struct pkt *b, uint16_t type, const void *v, size_t len)
{
	pkt_be16(b, type);
	pkt_be16(b, (uint32_t)(4 + len));
	pkt_bytes(b, v, len);
}

static void
cdp_str(struct pkt *b, uint16_t type, const char *s)
{
	cdp_tlv(b, type, s, strlen(s));
}

/* Addresses (0x0002) or management addresses (0x0016): one IPv4. */
static void
cdp_addr(struct pkt *b, uint16_t type, uint32_t ip)
{
	pkt_be16(b, type);
	pkt_be16(b, 4 + 4 + 9);
	pkt_be32(b, 1);			/* number of addresses */
	pkt_u8(b, 1);			/* protocol type: NLPID */
	pkt_u8(b, 1);
	pkt_u8(b, 0xcc);		/* IP */
	pkt_be16(b, 4);
	pkt_be32(b, ip);
}

/*
 * The access switch's CDP v2 advertisement, in 802.3 with LLC/SNAP
 * (AA AA 03, OUI 00-00-0C, PID 0x2000) to 01:00:0c:cc:cc:cc.
 */
static void
svc_cdp(struct svc *s)
{
	static const uint8_t cdp_mac[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc,
	    0xcc };
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c,
	    0x20, 0x00 };
	static const uint8_t caps[4] = { 0, 0, 0, 0x28 };  /* switch, IGMP */
	static const uint8_t vlan[2] = { 0, 50 };
	static const uint8_t full_duplex = 1;
	const struct host *sw = &svc_hosts[SVC_SWITCH];
	struct pkt *p = &s->g->pkt;
	size_t lenf, pdu;

	pkt_reset(p);
	pkt_eth(p, cdp_mac, sw->mac, 0);
	lenf = p->len - 2;
	pkt_bytes(p, snap, sizeof(snap));
	pdu = p->len;
	pkt_u8(p, 2);			/* version */
	pkt_u8(p, 180);			/* TTL */
	pkt_be16(p, 0);			/* checksum, below */
	cdp_str(p, 0x0001, "W4-ACC-SW1.hospital.example");
	cdp_addr(p, 0x0002, sw->ip4);
	cdp_str(p, 0x0003, "GigabitEthernet1/0/48");
	cdp_tlv(p, 0x0004, caps, sizeof(caps));
	cdp_str(p, 0x0005, "Cisco IOS Software, C2960X Software "
	    "(C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE "
	    "(fc2)\nTechnical Support: http://www.cisco.com/techsupport\n"
	    "Copyright (c) 1986-2023 by Cisco Systems, Inc.\n"
	    "Compiled Fri 14-Jul-23 11:45 by mcpre");
	cdp_str(p, 0x0006, "cisco WS-C2960X-48FPD-L");
	cdp_str(p, 0x0009, "HOSPITAL");		/* VTP domain */
	cdp_tlv(p, 0x000a, vlan, sizeof(vlan));	/* native VLAN */
	cdp_tlv(p, 0x000b, &full_duplex, 1);
	cdp_addr(p, 0x0016, sw->ip4);
	/* Even length: the plain Internet checksum, without Cisco's
	 * variant for an odd last byte. */
	assert((p->len - pdu) % 2 == 0);
	pkt_set16(p->buf + pdu + 2, pkt_csum_fold(pkt_csum_add(0,
	    p->buf + pdu, p->len - pdu)));
	pkt_set16(p->buf + lenf, (uint32_t)(p->len - lenf - 2));
	pkt_pad(p, PKT_ETH_MIN);
	gen_emit(s->g, p);
}

/* ------------------------------------------------------------------ */
/* SSDP */

/*
 * One SSDP datagram.  To the group it goes with TTL 2 (UPnP Device
 * Architecture 2.0 1.1.2); answers are unicast.
 */
static void
ssdp_send(struct svc *s, int src, uint16_t sport, int dst, uint16_t dport,
    const char *msg)
{
	struct gen *g = s->g;
	struct pkt *p = &g->pkt;

	if (dst != SVC_SSDP_GROUP) {
		scen_udp(g, &svc_link, &svc_hosts[src], sport, &svc_hosts[dst],
		    dport, 0, (const uint8_t *)msg, strlen(msg));
		return;
	}
	scen_l3(g, p, &svc_link, &svc_hosts[src], &svc_hosts[dst], 0,
	    IPPROTO_UDP_);
	p->buf[p->lay[p->nlay - 1].off + 8] = 2;	/* IPv4 TTL */
	(void)pkt_udp(p, sport, dport);
	pkt_str(p, msg);
	pkt_finish(p);
	gen_emit(g, p);
}

#define CAM_LOCATION	"http://10.50.0.40:49152/rootdesc1.xml"
#define CAM_SERVER	"Linux/4.14.173-axis8, UPnP/1.0, " \
			    "Portable SDK for UPnP devices/1.8.4"
#define CAM_UUID	"uuid:Upnp-BasicDevice-1_0-ACCC8E4A2B11"

/* The camera announces its root device (libupnp's header set). */
static void
svc_ssdp_notify(struct svc *s)
{
	ssdp_send(s, SVC_CAMERA, PORT_SSDP, SVC_SSDP_GROUP, PORT_SSDP,
	    "NOTIFY * HTTP/1.1\r\n"
	    "HOST: 239.255.255.250:1900\r\n"
	    "CACHE-CONTROL: max-age=1800\r\n"
	    "LOCATION: " CAM_LOCATION "\r\n"
	    "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
	    "01-NLS: 5e2a0c6e-1dd2-11b2-a3f4-c5e1d2b7a941\r\n"
	    "NT: upnp:rootdevice\r\n"
	    "NTS: ssdp:alive\r\n"
	    "SERVER: " CAM_SERVER "\r\n"
	    "X-User-Agent: redsonic\r\n"
	    "USN: " CAM_UUID "::upnp:rootdevice\r\n"
	    "\r\n");
}

/*
 * The workstation searches for root devices as Windows' SSDP service
 * does (mixed-case header names), and the camera answers it directly
 * within MX seconds.
 */
static void
svc_ssdp_search(struct svc *s)
{
	char msg[1024], date[16];

	ssdp_send(s, SVC_WS, 50123, SVC_SSDP_GROUP, PORT_SSDP,
	    "M-SEARCH * HTTP/1.1\r\n"
	    "Host:239.255.255.250:1900\r\n"
	    "ST:upnp:rootdevice\r\n"
	    "Man:\"ssdp:discover\"\r\n"
	    "MX:3\r\n"
	    "\r\n");
	gen_wait(s->g, gen_range(s->g, 200, 2800) * GEN_MS);
	svc_clock(date, sizeof(date), s->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "HTTP/1.1 200 OK\r\n"
	    "CACHE-CONTROL: max-age=1800\r\n"
	    "DATE: " SVC_DATE " %s GMT\r\n"
	    "EXT:\r\n"
	    "LOCATION: " CAM_LOCATION "\r\n"
	    "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
	    "01-NLS: 5e2a0c6e-1dd2-11b2-a3f4-c5e1d2b7a941\r\n"
	    "SERVER: " CAM_SERVER "\r\n"
	    "X-User-Agent: redsonic\r\n"
	    "ST: upnp:rootdevice\r\n"
	    "USN: " CAM_UUID "::upnp:rootdevice\r\n"
	    "\r\n", date);
	ssdp_send(s, SVC_CAMERA, PORT_SSDP, SVC_WS, 50123, msg);
	gen_wait(s->g, 100 * GEN_MS);
}

/* ------------------------------------------------------------------ */
/* DNS over TCP */

/* A message with its two-byte length (RFC 1035 4.2.2). */
static size_t
dns_tcp_msg(uint8_t *buf, size_t cap, uint16_t id, const char *name,
    int answer)
{
	uint8_t addr[4];
	size_t n;

	pkt_set32(addr, answer >= 0 ? svc_hosts[answer].ip4 : 0);
	n = scen_dns(buf + 2, cap - 2, id, name, answer >= 0 ? addr : NULL);
	pkt_set16(buf, (uint32_t)n);
	return n + 2;
}

/*
 * The workstation's resolver over TCP (RFC 7766): one query and its
 * answer, the answer split across two segments inside the message;
 * then two pipelined queries in one segment, answered in one segment.
 */
static void
svc_dns_tcp(struct svc *s)
{
	static const struct {
		const char	*name;
		int		 host;
	} q[3] = {
		{ "pumpgw-01.biomed.hospital.example", SVC_PUMPGW },
		{ "devconfig.hospital.example", SVC_CFG },
		{ "mqtt.biomed.hospital.example", SVC_BROKER },
	};
	uint8_t buf[512];
	uint16_t id[3];
	struct conv c;
	size_t n, m, i;

	for (i = 0; i < 3; i++)
		id[i] = (uint16_t)gen_rand(s->g);
	svc_conv(s, &c, SVC_WS, 41853, SVC_DNS, PORT_DNS);
	conv_open(&c);
	n = dns_tcp_msg(buf, sizeof(buf), id[0], q[0].name, -1);
	conv_data(&c, 0, buf, n);
	n = dns_tcp_msg(buf, sizeof(buf), id[0], q[0].name, q[0].host);
	conv_data(&c, 1, buf, 22);		/* inside the question */
	conv_data(&c, 1, buf + 22, n - 22);
	gen_wait(s->g, 2 * GEN_MS);
	n = dns_tcp_msg(buf, sizeof(buf), id[1], q[1].name, -1);
	n += dns_tcp_msg(buf + n, sizeof(buf) - n, id[2], q[2].name, -1);
	conv_data(&c, 0, buf, n);
	n = dns_tcp_msg(buf, sizeof(buf), id[1], q[1].name, q[1].host);
	m = dns_tcp_msg(buf + n, sizeof(buf) - n, id[2], q[2].name,
	    q[2].host);
	conv_data(&c, 1, buf, n + m);
	conv_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* HTTP */

#define MON_NAME	"PM-ICU-09"
#define MON_UA		"IntelliVue-MX750/M.00.03 (DevCfg/2.1)"
#define CFG_HOST	"devconfig.hospital.example"
#define CFG_SERVER	"nginx/1.22.1"

/*
 * The patient monitor polls the configuration server (keep-alive): a
 * GET answered with its profile, then a status POST whose header block
 * is split across two segments, answered 204.
 */
static void
svc_http(struct svc *s)
{
	static const char profile[] = "{\"device\":\"" MON_NAME "\","
	    "\"profile\":\"ICU-ADULT\",\"alarm_volume\":6,"
	    "\"nibp_interval_min\":15,\"ntp\":\"10.50.0.2\"}";
	static const char status[] = "{\"device\":\"" MON_NAME "\","
	    "\"battery_pct\":100,\"uptime_s\":86412,\"sw\":\"M.00.03\"}";
	char msg[1024], now[16];
	struct conv c;
	int n;

	svc_conv(s, &c, SVC_MONITOR, 40216, SVC_CFG, PORT_HTTP);
	conv_open(&c);
	svc_text(&c, 0, "GET /api/v1/devices/" MON_NAME "/config HTTP/1.1\r\n"
	    "Host: " CFG_HOST "\r\n"
	    "User-Agent: " MON_UA "\r\n"
	    "Accept: application/json\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n");
	svc_clock(now, sizeof(now), s->g->now);
	n = snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n"
	    "Server: " CFG_SERVER "\r\n"
	    "Date: " SVC_DATE " %s GMT\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n%s", now, strlen(profile), profile);
	conv_data(&c, 1, (const uint8_t *)msg, (size_t)n);
	gen_wait(s->g, 1500 * GEN_MS);
	n = snprintf(msg, sizeof(msg),
	    "POST /api/v1/devices/" MON_NAME "/status HTTP/1.1\r\n"
	    "Host: " CFG_HOST "\r\n"
	    "User-Agent: " MON_UA "\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n%s", strlen(status), status);
	conv_data(&c, 0, (const uint8_t *)msg, 64);	/* in Host */
	conv_data(&c, 0, (const uint8_t *)msg + 64, (size_t)n - 64);
	svc_clock(now, sizeof(now), s->g->now);
	n = snprintf(msg, sizeof(msg), "HTTP/1.1 204 No Content\r\n"
	    "Server: " CFG_SERVER "\r\n"
	    "Date: " SVC_DATE " %s GMT\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n", now);
	conv_data(&c, 1, (const uint8_t *)msg, (size_t)n);
	gen_wait(s->g, 5 * GEN_NS);
	conv_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* MQTT */

#define MQTT_HDR_ROOM	5	/* type byte and the longest varint */

/* Start a control packet; its fixed header is written by mqtt_send. */
static void
mqtt_begin(struct svc *s)
{
	pkt_reset(s->b);
	pkt_zero(s->b, MQTT_HDR_ROOM);
}

/* A UTF-8 string or binary data: two-byte length, bytes (1.5.4). */
static void
mqtt_str(struct pkt *b, const char *str)
{
	pkt_be16(b, (uint32_t)strlen(str));
	pkt_str(b, str);
}

/*
 * MQTT 5 properties (2.2.2): a varint length, one byte here, patched
 * by mqtt_props_end.
 */
static size_t
mqtt_props_begin(struct pkt *b)
{
	pkt_u8(b, 0);
	return b->len;
}

static void
mqtt_props_end(struct pkt *b, size_t start)
{
	assert(b->len - start < 128);
	b->buf[start - 1] = (uint8_t)(b->len - start);
}

/*
 * Write the fixed header (2.1.1: type and flags, then the Remaining
 * Length as a varint) just before the packet and send it.
 */
static void
mqtt_send(struct svc *s, struct conv *c, int dir, uint8_t b0)
{
	struct pkt *b = s->b;
	uint8_t vi[4];
	size_t rl = b->len - MQTT_HDR_ROOM, nv = 0, start;

	do {
		vi[nv] = (uint8_t)(rl & 0x7f);
		rl >>= 7;
		if (rl != 0)
			vi[nv] |= 0x80;
		nv++;
	} while (rl != 0);
	start = MQTT_HDR_ROOM - 1 - nv;
	b->buf[start] = b0;
	memcpy(b->buf + start + 1, vi, nv);
	conv_data(c, dir, b->buf + start, b->len - start);
}

#define VENT_ID		"VNT-88A04127"
#define VENT_TOPIC	"hospital/ward4/vent/" VENT_ID
#define VENT_USER	"ward4-vent"
#define VENT_PASSWORD	"Vent!Telemetry2026"

/* PUBLISH with QoS 1 (3.3) and its PUBACK (3.4). */
static void
mqtt_publish(struct svc *s, struct conv *c, const char *topic, uint16_t id,
    const char *payload)
{
	mqtt_begin(s);
	mqtt_str(s->b, topic);
	pkt_be16(s->b, id);
	pkt_str(s->b, payload);
	mqtt_send(s, c, 0, 0x32);
	mqtt_begin(s);
	pkt_be16(s->b, id);
	mqtt_send(s, c, 1, 0x40);
}

/*
 * A ventilator's telemetry module, MQTT 3.1.1: CONNECT with user name
 * and password, CONNACK; SUBSCRIBE to its command topics, SUBACK; two
 * telemetry PUBLISHes and an alarm, each QoS 1 with its PUBACK; a
 * keep-alive PINGREQ/PINGRESP; DISCONNECT.
 */
static void
svc_mqtt311(struct svc *s)
{
	struct pkt *b = s->b;
	struct conv c;

	svc_conv(s, &c, SVC_VENT, 38011, SVC_BROKER, PORT_MQTT);
	conv_open(&c);
	mqtt_begin(s);
	mqtt_str(b, "MQTT");
	pkt_u8(b, 4);			/* protocol level: 3.1.1 */
	pkt_u8(b, 0xc2);		/* user name, password, clean session */
	pkt_be16(b, 30);		/* keep alive */
	mqtt_str(b, VENT_ID);
	mqtt_str(b, VENT_USER);
	mqtt_str(b, VENT_PASSWORD);
	mqtt_send(s, &c, 0, 0x10);
	mqtt_begin(s);
	pkt_u8(b, 0);			/* no session present */
	pkt_u8(b, 0);			/* accepted */
	mqtt_send(s, &c, 1, 0x20);

	mqtt_begin(s);
	pkt_be16(b, 1);
	mqtt_str(b, VENT_TOPIC "/cmd/#");
	pkt_u8(b, 1);			/* QoS 1 */
	mqtt_send(s, &c, 0, 0x82);	/* flags 0010 (3.8.1) */
	mqtt_begin(s);
	pkt_be16(b, 1);
	pkt_u8(b, 1);			/* granted QoS 1 */
	mqtt_send(s, &c, 1, 0x90);

	mqtt_publish(s, &c, VENT_TOPIC "/telemetry", 2,
	    "{\"mode\":\"PC-AC\",\"rr\":14,\"vt_ml\":420,\"peep\":5,"
	    "\"fio2\":0.35}");
	gen_wait(s->g, 5 * GEN_NS);
	mqtt_publish(s, &c, VENT_TOPIC "/telemetry", 3,
	    "{\"mode\":\"PC-AC\",\"rr\":15,\"vt_ml\":415,\"peep\":5,"
	    "\"fio2\":0.35}");
	gen_wait(s->g, 2 * GEN_NS);
	mqtt_publish(s, &c, VENT_TOPIC "/alarm", 4,
	    "{\"alarm\":\"MV_LOW\",\"priority\":\"medium\"}");
	gen_wait(s->g, 30 * GEN_NS);
	mqtt_begin(s);
	mqtt_send(s, &c, 0, 0xc0);	/* PINGREQ */
	mqtt_begin(s);
	mqtt_send(s, &c, 1, 0xd0);	/* PINGRESP */
	gen_wait(s->g, 3 * GEN_NS);
	mqtt_begin(s);
	mqtt_send(s, &c, 0, 0xe0);	/* DISCONNECT */
	conv_close(&c, 0);
}

#define BED_ID		"BED-W4-12-5C2A91"
#define BED_TOPIC	"hospital/ward4/bed/12"
#define BED_USER	"bed-w4-12"

/*
 * A smart bed, MQTT 5: CONNECT with properties (session expiry,
 * receive maximum, a user property), a will (delay, payload format,
 * content type; QoS 1, retained) and a user name; CONNACK with
 * properties; a QoS 1 PUBLISH with a property and its PUBACK;
 * DISCONNECT (normal, no reason code written).
 */
static void
svc_mqtt5(struct svc *s)
{
	struct pkt *b = s->b;
	struct conv c;
	size_t pr;

	svc_conv(s, &c, SVC_BED, 45522, SVC_BROKER, PORT_MQTT);
	conv_open(&c);
	mqtt_begin(s);
	mqtt_str(b, "MQTT");
	pkt_u8(b, 5);
	/* User name, will retain, will QoS 1, will, clean start. */
	pkt_u8(b, 0x80 | 0x20 | 0x08 | 0x04 | 0x02);
	pkt_be16(b, 30);
	pr = mqtt_props_begin(b);
	pkt_u8(b, 0x11);		/* session expiry interval */
	pkt_be32(b, 3600);
	pkt_u8(b, 0x21);		/* receive maximum */
	pkt_be16(b, 20);
	pkt_u8(b, 0x26);		/* user property */
	mqtt_str(b, "site");
	mqtt_str(b, "ward4");
	mqtt_props_end(b, pr);
	mqtt_str(b, BED_ID);
	pr = mqtt_props_begin(b);	/* will properties */
	pkt_u8(b, 0x18);		/* will delay interval */
	pkt_be32(b, 30);
	pkt_u8(b, 0x01);		/* payload format: UTF-8 */
	pkt_u8(b, 1);
	pkt_u8(b, 0x03);		/* content type */
	mqtt_str(b, "application/json");
	mqtt_props_end(b, pr);
	mqtt_str(b, BED_TOPIC "/status");
	mqtt_str(b, "{\"state\":\"offline\"}");	/* will payload */
	mqtt_str(b, BED_USER);
	mqtt_send(s, &c, 0, 0x10);
	mqtt_begin(s);
	pkt_u8(b, 0);			/* no session present */
	pkt_u8(b, 0);			/* success */
	pr = mqtt_props_begin(b);
	pkt_u8(b, 0x22);		/* topic alias maximum */
	pkt_be16(b, 10);
	pkt_u8(b, 0x24);		/* maximum QoS */
	pkt_u8(b, 1);
	mqtt_props_end(b, pr);
	mqtt_send(s, &c, 1, 0x20);

	mqtt_begin(s);
	mqtt_str(b, BED_TOPIC "/occupancy");
	pkt_be16(b, 1);
	pr = mqtt_props_begin(b);
	pkt_u8(b, 0x01);		/* payload format: UTF-8 */
	pkt_u8(b, 1);
	mqtt_props_end(b, pr);
	pkt_str(b, "{\"occupied\":true,\"siderails_up\":2,"
	    "\"brake\":true}");
	mqtt_send(s, &c, 0, 0x32);
	mqtt_begin(s);
	pkt_be16(b, 1);		/* success: no reason code */
	mqtt_send(s, &c, 1, 0x40);
	gen_wait(s->g, 4 * GEN_NS);
	mqtt_begin(s);
	mqtt_send(s, &c, 0, 0xe0);
	conv_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* SSH */

#define SSH_NLISTS	10	/* name-lists of a KEXINIT */
#define SSH_MSG_KEXINIT	20
#define SSH_MSG_NEWKEYS	21
#define SSH_MSG_KEX_ECDH_INIT	30
#define SSH_MSG_KEX_ECDH_REPLY	31

/*
 * KEXINIT name-lists (RFC 4253 7.1): kex, host key, encryption, MAC
 * and compression (client to server, then server to client), and
 * languages.  OpenSSH 8.4's client defaults and dropbear 2019.78's
 * server defaults; tests/services.sh computes HASSH from them.
 */
#define OPENSSH_ENC \
	"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," \
	"aes128-gcm@openssh.com,aes256-gcm@openssh.com"
#define OPENSSH_MAC \
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com," \
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha1-etm@openssh.com,umac-64@openssh.com," \
	"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
#define OPENSSH_COMP	"none,zlib@openssh.com,zlib"

static const char *const ssh_client_lists[SSH_NLISTS] = {
	"curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,"
	    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	    "diffie-hellman-group14-sha256,ext-info-c",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "ssh-ed25519-cert-v01@openssh.com,"
	    "rsa-sha2-512-cert-v01@openssh.com,"
	    "rsa-sha2-256-cert-v01@openssh.com,"
	    "ssh-rsa-cert-v01@openssh.com,ecdsa-sha2-nistp256,"
	    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-ed25519,"
	    "rsa-sha2-512,rsa-sha2-256,ssh-rsa",
	OPENSSH_ENC, OPENSSH_ENC, OPENSSH_MAC, OPENSSH_MAC,
	OPENSSH_COMP, OPENSSH_COMP, "", "",
};

static const char *const ssh_server_lists[SSH_NLISTS] = {
	"curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,"
	    "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
	    "kexguess2@matt.ucc.asn.au",
	"ecdsa-sha2-nistp256,ssh-rsa,ssh-dss",
	"aes128-ctr,aes256-ctr", "aes128-ctr,aes256-ctr",
	"hmac-sha1,hmac-sha2-256", "hmac-sha1,hmac-sha2-256",
	"zlib@openssh.com,none", "zlib@openssh.com,none",
	"", "",
};

/* Start a binary packet: its length fields are set by ssh_send. */
static void
ssh_begin(struct svc *s, uint8_t msg)
{
	pkt_reset(s->b);
	pkt_zero(s->b, 5);
	pkt_u8(s->b, msg);
}

/* An SSH string (RFC 4251 5) of n random bytes. */
static void
ssh_random_string(struct svc *s, size_t n)
{
	pkt_be32(s->b, (uint32_t)n);
	svc_random(s, n);
}

static void
ssh_string(struct pkt *b, const char *str)
{
	pkt_be32(b, (uint32_t)strlen(str));
	pkt_str(b, str);
}

/*
 * Binary packet (RFC 4253 6) before any key is in use: packet_length,
 * padding_length, payload, then 4 to 11 random bytes of padding so
 * that the whole is a multiple of 8.
 */
static void
ssh_send(struct svc *s, struct conv *c, int dir)
{
	struct pkt *b = s->b;
	size_t pad = 8 - b->len % 8;

	if (pad < 4)
		pad += 8;
	svc_random(s, pad);
	pkt_set32(b->buf, (uint32_t)(b->len - 4));
	b->buf[4] = (uint8_t)pad;
	conv_data(c, dir, b->buf, b->len);
}

static void
ssh_kexinit(struct svc *s, struct conv *c, int dir,
    const char *const lists[SSH_NLISTS])
{
	size_t i;

	ssh_begin(s, SSH_MSG_KEXINIT);
	svc_random(s, 16);		/* cookie */
	for (i = 0; i < SSH_NLISTS; i++)
		ssh_string(s->b, lists[i]);
	pkt_u8(s->b, 0);		/* first_kex_packet_follows */
	pkt_be32(s->b, 0);		/* reserved */
	ssh_send(s, c, dir);
}

/* Encrypted packets: random bytes, 16-byte blocks and a 32-byte MAC. */
static void
ssh_encrypted(struct svc *s, struct conv *c, int dir, size_t blocks)
{
	pkt_reset(s->b);
	svc_random(s, 16 * blocks + 32);
	conv_data(c, dir, s->b->buf, s->b->len);
}

/*
 * The biomedical workstation logs in to the infusion-pump gateway:
 * identification strings (the server's first), both KEXINITs, an ECDH
 * key exchange (curve25519-sha256, ECDSA host key) and NEWKEYS, then a
 * few encrypted packets (authentication, a short session).
 */
static void
svc_ssh(struct svc *s)
{
	struct conv c;

	svc_conv(s, &c, SVC_WS, 51214, SVC_PUMPGW, PORT_SSH);
	conv_open(&c);
	svc_text(&c, 1, "SSH-2.0-dropbear_2019.78\r\n");
	svc_text(&c, 0, "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1\r\n");
	ssh_kexinit(s, &c, 1, ssh_server_lists);
	ssh_kexinit(s, &c, 0, ssh_client_lists);
	ssh_begin(s, SSH_MSG_KEX_ECDH_INIT);
	ssh_random_string(s, 32);	/* Q_C */
	ssh_send(s, &c, 0);
	ssh_begin(s, SSH_MSG_KEX_ECDH_REPLY);
	pkt_be32(s->b, 4 + 19 + 4 + 8 + 4 + 65);	/* K_S */
	ssh_string(s->b, "ecdsa-sha2-nistp256");
	ssh_string(s->b, "nistp256");
	pkt_be32(s->b, 65);
	pkt_u8(s->b, 0x04);		/* uncompressed point */
	svc_random(s, 64);
	ssh_random_string(s, 32);	/* Q_S */
	pkt_be32(s->b, 4 + 19 + 4 + 72);	/* signature */
	ssh_string(s->b, "ecdsa-sha2-nistp256");
	ssh_random_string(s, 72);	/* r and s as mpints */
	ssh_send(s, &c, 1);
	ssh_begin(s, SSH_MSG_NEWKEYS);
	ssh_send(s, &c, 1);
	ssh_begin(s, SSH_MSG_NEWKEYS);
	ssh_send(s, &c, 0);
	ssh_encrypted(s, &c, 0, 2);	/* SERVICE_REQUEST */
	ssh_encrypted(s, &c, 1, 2);
	ssh_encrypted(s, &c, 0, 6);	/* USERAUTH_REQUEST, publickey */
	ssh_encrypted(s, &c, 1, 1);
	ssh_encrypted(s, &c, 0, 4);	/* CHANNEL_OPEN, exec */
	ssh_encrypted(s, &c, 1, 3);
	gen_wait(s->g, 800 * GEN_MS);
	ssh_encrypted(s, &c, 1, 24);	/* command output */
	ssh_encrypted(s, &c, 1, 2);	/* exit status, close */
	ssh_encrypted(s, &c, 0, 2);
	conv_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* FTP */

#define FTP_USER	"biomed"
#define FTP_BAD_PASSWORD "pumplib2025"
#define FTP_PASSWORD	"Pump#Lib2026"

/* Send a line and get the reply to it. */
static void
ftp_exchange(struct conv *c, const char *cmd, const char *reply)
{
	svc_text(c, 0, cmd);
	svc_text(c, 1, reply);
}

/*
 * The workstation fetches the pump gateway's drug-library log from
 * vsftpd: a mistyped password (530), then a login (230), SYST, PWD,
 * QUIT.
 */
static void
svc_ftp(struct svc *s)
{
	struct conv c;

	svc_conv(s, &c, SVC_WS, 51230, SVC_PUMPGW, PORT_FTP);
	conv_open(&c);
	svc_text(&c, 1, "220 (vsFTPd 3.0.3)\r\n");
	gen_wait(s->g, 1200 * GEN_MS);
	ftp_exchange(&c, "USER " FTP_USER "\r\n",
	    "331 Please specify the password.\r\n");
	gen_wait(s->g, 2 * GEN_NS);
	svc_text(&c, 0, "PASS " FTP_BAD_PASSWORD "\r\n");
	gen_wait(s->g, 3 * GEN_NS);	/* vsftpd's delay after a failure */
	svc_text(&c, 1, "530 Login incorrect.\r\n");
	gen_wait(s->g, 2 * GEN_NS);
	ftp_exchange(&c, "USER " FTP_USER "\r\n",
	    "331 Please specify the password.\r\n");
	gen_wait(s->g, 2 * GEN_NS);
	ftp_exchange(&c, "PASS " FTP_PASSWORD "\r\n",
	    "230 Login successful.\r\n");
	ftp_exchange(&c, "SYST\r\n", "215 UNIX Type: L8\r\n");
	ftp_exchange(&c, "PWD\r\n",
	    "257 \"/home/biomed\" is the current directory\r\n");
	gen_wait(s->g, 1 * GEN_NS);
	ftp_exchange(&c, "QUIT\r\n", "221 Goodbye.\r\n");
	conv_close(&c, 1);
}

/* ------------------------------------------------------------------ */
/* telnet */

#define TN_IAC		255
#define TN_DONT		254
#define TN_DO		253
#define TN_WONT		252
#define TN_WILL		251
#define TN_SB		250
#define TN_SE		240
#define TNO_ECHO	1
#define TNO_SGA		3
#define TNO_STATUS	5
#define TNO_TTYPE	24
#define TNO_NAWS	31
#define TNO_TSPEED	32
#define TNO_LFLOW	33
#define TNO_XDISPLOC	35
#define TNO_NEW_ENVIRON	39
#define TN_SEND		1
#define TN_IS		0

#define TN_USER		"biomed"
#define TN_BAD_PASSWORD	"labgw03"
#define TN_PASSWORD	"Lab!Gw03-ICU"
#define TN_HOST		"labgw-03"

/*
 * Keystrokes in character mode (RFC 854 with SGA and ECHO): each key
 * its own segment.  With echo the server sends the key back, which
 * acknowledges it; without, the server acknowledges alone.  Enter is
 * CR NUL (RFC 854 "CR NUL"); what answers it is the caller's.
 */
static void
tn_type(struct svc *s, struct conv *c, const char *keys, int echo)
{
	static const uint8_t enter[2] = { '\r', '\0' };
	struct gen *g = s->g;
	size_t i, n = strlen(keys);

	for (i = 0; i < n; i++) {
		conv_seg(c, 0, TCP_ACK | TCP_PSH, (const uint8_t *)keys + i,
		    1);
		gen_wait(g, c->rtt_ns);
		if (echo) {
			conv_seg(c, 1, TCP_ACK | TCP_PSH,
			    (const uint8_t *)keys + i, 1);
		} else {
			gen_wait(g, 40 * GEN_MS);	/* delayed ACK */
			conv_seg(c, 1, TCP_ACK, NULL, 0);
		}
		gen_wait(g, gen_range(g, 90, 260) * GEN_MS);
	}
	conv_seg(c, 0, TCP_ACK | TCP_PSH, enter, sizeof(enter));
	gen_wait(g, c->rtt_ns);
}

/*
 * The workstation logs in to the lab analyzer's bridge (a Raspberry
 * Pi running Debian's telnetd): option negotiation as netkit telnet
 * and telnetd do it, a login prompt, a wrong password ("Login
 * incorrect" after login's delay), a second prompt, the right
 * password ("Last login" and the motd), "exit".
 */
static void
svc_telnet(struct svc *s)
{
	static const uint8_t srv1[] = {
		TN_IAC, TN_DO, TNO_TTYPE, TN_IAC, TN_DO, TNO_TSPEED,
		TN_IAC, TN_DO, TNO_XDISPLOC, TN_IAC, TN_DO, TNO_NEW_ENVIRON,
	};
	static const uint8_t cli1[] = {
		TN_IAC, TN_WILL, TNO_TTYPE, TN_IAC, TN_WILL, TNO_TSPEED,
		TN_IAC, TN_WONT, TNO_XDISPLOC, TN_IAC, TN_WILL, TNO_NEW_ENVIRON,
	};
	static const uint8_t srv2[] = {
		TN_IAC, TN_SB, TNO_TSPEED, TN_SEND, TN_IAC, TN_SE,
		TN_IAC, TN_SB, TNO_NEW_ENVIRON, TN_SEND, TN_IAC, TN_SE,
		TN_IAC, TN_SB, TNO_TTYPE, TN_SEND, TN_IAC, TN_SE,
	};
	static const uint8_t cli2[] = {
		TN_IAC, TN_SB, TNO_TSPEED, TN_IS, '3', '8', '4', '0', '0', ',',
		'3', '8', '4', '0', '0', TN_IAC, TN_SE,
		TN_IAC, TN_SB, TNO_NEW_ENVIRON, TN_IS, TN_IAC, TN_SE,
		TN_IAC, TN_SB, TNO_TTYPE, TN_IS, 'X', 'T', 'E', 'R', 'M',
		TN_IAC, TN_SE,
	};
	static const uint8_t srv3[] = {
		TN_IAC, TN_WILL, TNO_SGA, TN_IAC, TN_WILL, TNO_ECHO,
		TN_IAC, TN_DO, TNO_NAWS, TN_IAC, TN_WILL, TNO_STATUS,
		TN_IAC, TN_DO, TNO_LFLOW,
	};
	static const uint8_t cli3[] = {
		TN_IAC, TN_DO, TNO_SGA, TN_IAC, TN_DO, TNO_ECHO,
		TN_IAC, TN_WILL, TNO_NAWS,
		TN_IAC, TN_SB, TNO_NAWS, 0, 80, 0, 24, TN_IAC, TN_SE,
		TN_IAC, TN_DONT, TNO_STATUS, TN_IAC, TN_WONT, TNO_LFLOW,
	};
	struct conv c;

	svc_conv(s, &c, SVC_WS, 51246, SVC_LABGW, PORT_TELNET);
	conv_open(&c);
	conv_data(&c, 1, srv1, sizeof(srv1));
	conv_data(&c, 0, cli1, sizeof(cli1));
	conv_data(&c, 1, srv2, sizeof(srv2));
	conv_data(&c, 0, cli2, sizeof(cli2));
	conv_data(&c, 1, srv3, sizeof(srv3));
	conv_data(&c, 0, cli3, sizeof(cli3));
	svc_text(&c, 1, "Raspbian GNU/Linux 11\r\n" TN_HOST " login: ");
	gen_wait(s->g, 2 * GEN_NS);
	tn_type(s, &c, TN_USER, 1);
	svc_text(&c, 1, "\r\nPassword: ");
	gen_wait(s->g, 1500 * GEN_MS);
	tn_type(s, &c, TN_BAD_PASSWORD, 0);
	svc_text(&c, 1, "\r\n");
	gen_wait(s->g, 3 * GEN_NS);	/* login's delay after a failure */
	svc_text(&c, 1, "\r\nLogin incorrect\r\n" TN_HOST " login: ");
	gen_wait(s->g, 2 * GEN_NS);
	tn_type(s, &c, TN_USER, 1);
	svc_text(&c, 1, "\r\nPassword: ");
	gen_wait(s->g, 1500 * GEN_MS);
	tn_type(s, &c, TN_PASSWORD, 0);
	svc_text(&c, 1, "\r\n");
	svc_text(&c, 1, "Last login: Sun Nov  1 16:42:09 GMT 2026 from "
	    "10.50.0.10 on pts/0\r\n"
	    "Linux " TN_HOST " 5.10.103-v7+ #1529 SMP Tue Mar 8 12:21:37 "
	    "GMT 2022 armv7l\r\n\r\n"
	    "The programs included with the Debian GNU/Linux system are "
	    "free software;\r\n"
	    "the exact distribution terms for each program are described "
	    "in the\r\n"
	    "individual files in /usr/share/doc/*/copyright.\r\n\r\n"
	    "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the "
	    "extent\r\n"
	    "permitted by applicable law.\r\n"
	    TN_USER "@" TN_HOST ":~ $ ");
	gen_wait(s->g, 3 * GEN_NS);
	tn_type(s, &c, "exit", 1);
	svc_text(&c, 1, "\r\nlogout\r\n");
	conv_close(&c, 1);
}

int
scen_services(struct gen *g)
{
	struct svc s;

	if ((s.b = calloc(1, sizeof(*s.b))) == NULL)
		return -1;
	s.g = g;
	svc_lldp(&s);
	gen_wait(g, 700 * GEN_MS);
	svc_cdp(&s);
	gen_wait(g, 1 * GEN_NS);
	svc_ssdp_notify(&s);
	gen_wait(g, 2 * GEN_NS);
	svc_dns_tcp(&s);
	gen_wait(g, 1 * GEN_NS);
	svc_http(&s);
	gen_wait(g, 1 * GEN_NS);
	svc_mqtt311(&s);
	gen_wait(g, 1 * GEN_NS);
	svc_mqtt5(&s);
	gen_wait(g, 2 * GEN_NS);
	svc_ssh(&s);
	gen_wait(g, 3 * GEN_NS);
	svc_ftp(&s);
	gen_wait(g, 2 * GEN_NS);
	svc_telnet(&s);
	gen_wait(g, 2 * GEN_NS);
	svc_ssdp_search(&s);
	free(s.b);
	return 0;
}
