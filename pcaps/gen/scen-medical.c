/*
 * scen-medical.c - a small hospital ward segment on VLAN 20: a patient
 * monitor getting its address by DHCP, resolving names and setting its
 * clock, sending HL7 v2 results over MLLP to an interface engine, and a
 * CT scanner verifying its PACS with a DICOM C-ECHO.
 *
 * All patient data is fake (DOE^JANE, MRN 000000).  The MACs use the
 * OUIs of the vendors the devices imitate, from the IEEE registry.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MED_VLAN	20
#define MED_DOMAIN	"hospital.example"
#define MED_MONITOR	"PM-ICU-07"
#define MED_VENDOR_CLASS "Philips IntelliVue MX800"
#define MLLP_SB		0x0b	/* start block */
#define MLLP_EB		0x1c	/* end block, then carriage return */
#define HL7_PORT	2575
#define DHCP_SERVER	67
#define DHCP_CLIENT	68
#define DHCP_MAGIC	0x63825363
#define DHCP_MIN_LEN	300	/* BOOTP (RFC 951) minimum message */
#define NTP_PORT	123
#define NTP_UNIX_OFFSET	2208988800u	/* 1900 to 1970 in seconds */

enum {
	MED_GW, MED_NTPDNS, MED_ENGINE, MED_MONITOR_H, MED_CT, MED_PACS,
	MED_NHOSTS
};

/*
 * 00:1b:54 Cisco, 00:14:22 Dell, 00:50:56 VMware, 00:09:5c Philips
 * Medical Systems (Cardiac and Monitoring), 44:4b:5d GE Healthcare,
 * 3c:ec:ef Super Micro.
 */
static const struct host med_hosts[MED_NHOSTS] = {
	{ { 0x00, 0x1b, 0x54, 0x20, 0x00, 0x01 }, IP4(10, 20, 0, 1), { 0 } },
	{ { 0x00, 0x14, 0x22, 0x20, 0x00, 0x02 }, IP4(10, 20, 0, 2), { 0 } },
	{ { 0x00, 0x50, 0x56, 0x20, 0x00, 0x05 }, IP4(10, 20, 0, 5), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x21 }, IP4(10, 20, 0, 21), { 0 } },
	{ { 0x44, 0x4b, 0x5d, 0x31, 0x00, 0x31 }, IP4(10, 20, 0, 31), { 0 } },
	{ { 0x3c, 0xec, 0xef, 0x40, 0x00, 0x40 }, IP4(10, 20, 0, 40), { 0 } },
};

static const struct pkt_link med_link = { .type = PKT_LINK_ETH,
    .nvlan = 1, .tpid = { ETYPE_VLAN }, .vlan = { MED_VLAN } };

/* Option code, length, value (RFC 2132). */
static void
dhcp_opt(struct pkt *b, uint8_t code, const void *val, size_t len)
{
	pkt_u8(b, code);
	pkt_u8(b, (uint32_t)len);
	pkt_bytes(b, val, len);
}

static void
dhcp_opt32(struct pkt *b, uint8_t code, uint32_t v)
{
	pkt_u8(b, code);
	pkt_u8(b, 4);
	pkt_be32(b, v);
}

/*
 * One DHCP message (RFC 2131 2): the client's own options on
 * DISCOVER (1) and REQUEST (3), the server's on OFFER (2) and ACK (5).
 */
static void
dhcp_msg(struct pkt *b, uint8_t type, uint32_t xid, uint16_t secs)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 28, 42, 51, 54, 58,
	    59 };
	const struct host *mon = &med_hosts[MED_MONITOR_H];
	int server = type == 2 || type == 5;
	uint8_t cid[7];

	pkt_reset(b);
	pkt_u8(b, server ? 2 : 1);		/* op */
	pkt_u8(b, 1);				/* htype Ethernet */
	pkt_u8(b, 6);
	pkt_u8(b, 0);
	pkt_be32(b, xid);
	pkt_be16(b, secs);
	pkt_be16(b, 0x8000);			/* broadcast replies */
	pkt_be32(b, 0);				/* ciaddr */
	pkt_be32(b, server ? mon->ip4 : 0);	/* yiaddr */
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pkt_bytes(b, mon->mac, 6);
	pkt_zero(b, 10 + 64 + 128);		/* chaddr pad, sname, file */
	pkt_be32(b, DHCP_MAGIC);
	dhcp_opt(b, 53, &type, 1);
	if (server) {
		dhcp_opt32(b, 54, med_hosts[MED_GW].ip4);
		dhcp_opt32(b, 51, 86400);
		dhcp_opt32(b, 58, 43200);
		dhcp_opt32(b, 59, 75600);
		dhcp_opt32(b, 1, 0xffffff00);
		dhcp_opt32(b, 3, med_hosts[MED_GW].ip4);
		dhcp_opt32(b, 6, med_hosts[MED_NTPDNS].ip4);
		dhcp_opt(b, 15, MED_DOMAIN, strlen(MED_DOMAIN));
		dhcp_opt32(b, 42, med_hosts[MED_NTPDNS].ip4);
	} else {
		cid[0] = 1;
		memcpy(cid + 1, mon->mac, 6);
		dhcp_opt(b, 61, cid, sizeof(cid));
		if (type == 3) {
			dhcp_opt32(b, 50, mon->ip4);
			dhcp_opt32(b, 54, med_hosts[MED_GW].ip4);
		}
		pkt_u8(b, 57);
		pkt_u8(b, 2);
		pkt_be16(b, 1500);
		dhcp_opt(b, 12, MED_MONITOR, strlen(MED_MONITOR));
		dhcp_opt(b, 60, MED_VENDOR_CLASS, strlen(MED_VENDOR_CLASS));
		dhcp_opt(b, 55, prl, sizeof(prl));
	}
	pkt_u8(b, 255);
	pkt_pad(b, DHCP_MIN_LEN);
}

static void
med_dhcp(struct gen *g, struct pkt *b)
{
	struct host any = med_hosts[MED_MONITOR_H], bcast;
	uint32_t xid = (uint32_t)gen_rand(g);
	static const uint8_t types[4] = { 1, 2, 3, 5 };
	size_t i;

	any.ip4 = 0;
	memset(&bcast, 0xff, sizeof(bcast));
	for (i = 0; i < 4; i++) {
		dhcp_msg(b, types[i], xid, (uint16_t)(i < 2 ? 0 : 1));
		if (i % 2 == 0)
			scen_udp(g, &med_link, &any, DHCP_CLIENT, &bcast,
			    DHCP_SERVER, 0, b->buf, b->len);
		else
			scen_udp(g, &med_link, &med_hosts[MED_GW],
			    DHCP_SERVER, &bcast, DHCP_CLIENT, 0, b->buf,
			    b->len);
		gen_wait(g, i % 2 == 0 ? 2 * GEN_MS : 500 * GEN_MS);
	}
}

static void
med_dns(struct gen *g, int client, const char *name, int answer)
{
	const struct host *cli = &med_hosts[client];
	const struct host *srv = &med_hosts[MED_NTPDNS];
	uint8_t buf[256], addr[4];
	uint16_t id = (uint16_t)gen_rand(g);
	uint16_t port = (uint16_t)(32768 + gen_rand(g) % 28000);
	size_t n;

	pkt_set32(addr, med_hosts[answer].ip4);
	n = scen_dns(buf, sizeof(buf), id, name, NULL);
	scen_udp(g, &med_link, cli, port, srv, 53, 0, buf, n);
	gen_wait(g, 600 * GEN_US);
	n = scen_dns(buf, sizeof(buf), id, name, addr);
	scen_udp(g, &med_link, srv, 53, cli, port, 0, buf, n);
	gen_wait(g, 3 * GEN_MS);
}

/* An NTP timestamp (RFC 5905 6): seconds since 1900, 32-bit fraction. */
static void
ntp_ts(uint8_t *p, uint64_t ns)
{
	pkt_set32(p, (uint32_t)(ns / GEN_NS + NTP_UNIX_OFFSET));
	pkt_set32(p + 4, (uint32_t)(((ns % GEN_NS) << 32) / GEN_NS));
}

static void
med_ntp(struct gen *g)
{
	const struct host *cli = &med_hosts[MED_MONITOR_H];
	const struct host *srv = &med_hosts[MED_NTPDNS];
	uint8_t req[48], resp[48];
	uint64_t t1 = g->now;

	memset(req, 0, sizeof(req));
	req[0] = 0x23;				/* LI 0, VN 4, client */
	req[2] = 6;				/* poll 64 s */
	req[3] = 0xec;				/* precision 2^-20 */
	ntp_ts(req + 40, t1);
	scen_udp(g, &med_link, cli, NTP_PORT, srv, NTP_PORT, 0, req, 48);
	gen_wait(g, 350 * GEN_US);
	memset(resp, 0, sizeof(resp));
	resp[0] = 0x24;				/* LI 0, VN 4, server */
	resp[1] = 2;				/* stratum */
	resp[2] = 6;
	resp[3] = 0xe9;
	pkt_set32(resp + 4, 0x00000210);	/* root delay */
	pkt_set32(resp + 8, 0x00000a3c);	/* root dispersion */
	pkt_set32(resp + 12, IP4(192, 0, 2, 123));	/* upstream */
	ntp_ts(resp + 16, t1 - 37 * GEN_NS);
	memcpy(resp + 24, req + 40, 8);		/* origin = client xmt */
	ntp_ts(resp + 32, t1 + 150 * GEN_US);
	ntp_ts(resp + 40, t1 + 180 * GEN_US);
	scen_udp(g, &med_link, srv, NTP_PORT, cli, NTP_PORT, 0, resp, 48);
	gen_wait(g, 40 * GEN_MS);
}

static void
med_conv(struct conv *c, struct gen *g, int cli, uint16_t cport, int srv,
    uint16_t sport)
{
	conv_init(c, g, &med_link);
	conv_v4(c, med_hosts[cli].ip4, cport, med_hosts[srv].ip4, sport);
	memcpy(c->mac[0], med_hosts[cli].mac, 6);
	memcpy(c->mac[1], med_hosts[srv].mac, 6);
}

/* HL7 TS (v2.6 2A.77) of the capture clock, to the second, UTC. */
static void
hl7_time(char *buf, size_t len, uint64_t now)
{
	uint64_t s = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "20261102%02u%02u%02u+0000",
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/*
 * An ORU^R01 (HL7 v2.6 7.3.1) with two vital signs; OBX-18 names the
 * monitor (equipment instance identifier).  MLLP-framed unless it is
 * part of a batch.
 */
static size_t
hl7_oru_msg(char *buf, size_t len, uint64_t now, unsigned id,
    unsigned spo2, unsigned hr, int framed)
{
	char ts[32];
	int n;

	hl7_time(ts, sizeof(ts), now);
	n = snprintf(buf, len, "%s"
	    "MSH|^~\\&|PHILIPS_PIC|ICU_WEST|HL7_ENGINE|HOSPITAL|%s||"
	    "ORU^R01^ORU_R01|PIC%06u|P|2.6\r"
	    "PID|1||000000^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r"
	    "PV1|1|I|ICU^07^1\r"
	    "OBR|1|||69837-1^Vital signs^LN|||%s\r"
	    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||%u|"
	    "262688^MDC_DIM_PERCENT^MDC|||||F|||%s||||"
	    MED_MONITOR "^PHILIPS^00095C4A0721^EUI-64\r"
	    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC||%u|"
	    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|||%s||||"
	    MED_MONITOR "^PHILIPS^00095C4A0721^EUI-64\r"
	    "%s", framed ? "\x0b" : "", ts, id, ts, spo2, ts, hr, ts,
	    framed ? "\x1c\r" : "");
	return (size_t)n;
}

static size_t
hl7_oru(char *buf, size_t len, uint64_t now, unsigned id, unsigned spo2,
    unsigned hr)
{
	return hl7_oru_msg(buf, len, now, id, spo2, hr, 1);
}

/*
 * Results queued while the link was down, sent as one batch (HL7 v2.6
 * 2.10.3) in one MLLP block: FHS, BHS (BHS-11 the batch control id),
 * two ORU^R01, BTS (message count), FTS.
 */
static size_t
hl7_batch(char *buf, size_t len, uint64_t now, unsigned first)
{
	char ts[32];
	size_t n;

	hl7_time(ts, sizeof(ts), now);
	n = (size_t)snprintf(buf, len, "%c"
	    "FHS|^~\\&|PHILIPS_PIC|ICU_WEST|HL7_ENGINE|HOSPITAL|%s\r"
	    "BHS|^~\\&|PHILIPS_PIC|ICU_WEST|HL7_ENGINE|HOSPITAL|%s||||"
	    "PICB%06u\r", MLLP_SB, ts, ts, first);
	n += hl7_oru_msg(buf + n, len - n, now, first, 95, 80, 0);
	n += hl7_oru_msg(buf + n, len - n, now, first + 1, 96, 81, 0);
	n += (size_t)snprintf(buf + n, len - n, "BTS|2\rFTS|1\r%c\r",
	    MLLP_EB);
	return n;
}

static size_t
hl7_ack(char *buf, size_t len, uint64_t now, unsigned id)
{
	char ts[32];
	int n;

	hl7_time(ts, sizeof(ts), now);
	n = snprintf(buf, len, "%c"
	    "MSH|^~\\&|HL7_ENGINE|HOSPITAL|PHILIPS_PIC|ICU_WEST|%s||"
	    "ACK^R01^ACK|ENG%06u|P|2.6\r"
	    "MSA|AA|PIC%06u\r"
	    "%c\r", MLLP_SB, ts, id, id, MLLP_EB);
	return (size_t)n;
}

/*
 * Four results: the first in one segment, the second split across two
 * segments (inside PID), the third and fourth in one segment; then two
 * more in a batch.  Every message gets its own ACK.
 */
static void
med_hl7(struct gen *g)
{
	char msg[2048], ack[512];
	struct conv c;
	size_t n, m, i;

	med_conv(&c, g, MED_MONITOR_H, 49500, MED_ENGINE, HL7_PORT);
	conv_open(&c);
	for (i = 1; i <= 2; i++) {
		n = hl7_oru(msg, sizeof(msg), g->now, (unsigned)i,
		    (unsigned)(96 + i), (unsigned)(70 + i));
		if (i == 1) {
			conv_data(&c, 0, (uint8_t *)msg, n);
		} else {
			conv_data(&c, 0, (uint8_t *)msg, 120);
			conv_data(&c, 0, (uint8_t *)msg + 120, n - 120);
		}
		n = hl7_ack(ack, sizeof(ack), g->now, (unsigned)i);
		conv_data(&c, 1, (uint8_t *)ack, n);
		gen_wait(g, 5 * GEN_NS);
	}
	n = hl7_oru(msg, sizeof(msg), g->now, 3, 98, 74);
	m = hl7_oru(msg + n, sizeof(msg) - n, g->now, 4, 97, 75);
	conv_data(&c, 0, (uint8_t *)msg, n + m);
	for (i = 3; i <= 4; i++) {
		n = hl7_ack(ack, sizeof(ack), g->now, (unsigned)i);
		conv_data(&c, 1, (uint8_t *)ack, n);
	}
	gen_wait(g, 2 * GEN_NS);
	n = hl7_batch(msg, sizeof(msg), g->now, 5);
	conv_data(&c, 0, (uint8_t *)msg, n);
	for (i = 5; i <= 6; i++) {
		n = hl7_ack(ack, sizeof(ack), g->now, (unsigned)i);
		conv_data(&c, 1, (uint8_t *)ack, n);
	}
	gen_wait(g, 2 * GEN_NS);
	conv_close(&c, 0);
}

int
scen_medical_mix(struct gen *g)
{
	struct pkt *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	med_dhcp(g, b);
	free(b);
	med_dns(g, MED_MONITOR_H, "hl7-engine." MED_DOMAIN, MED_ENGINE);
	med_ntp(g);
	med_hl7(g);
	gen_wait(g, 3 * GEN_NS);
	med_dns(g, MED_CT, "pacs." MED_DOMAIN, MED_PACS);
	return scen_dicom_echo(g, &med_link, &med_hosts[MED_CT],
	    &med_hosts[MED_PACS]);
}
