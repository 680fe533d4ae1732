/*
 * scen-ward.c - a labelled hospital ward: 25 devices on three VLANs,
 * each VLAN behind its own router interface, seen from a SPAN port that
 * carries all three, and the ground truth of what every device is.
 *
 *	VLAN 20 bedside	 10.20.0.0/24  monitors, pumps, a ventilator,
 *					nurse call
 *	VLAN 30 imaging	 10.30.0.0/24  CT, MR, DX, ultrasound, a reading
 *					workstation, PACS
 *	VLAN 40 clinical 10.40.0.0/24  DHCP/DNS server, interface engine,
 *					pump server, lab analyzers,
 *					workstations, a printer
 *
 * Traffic between VLANs is routed: a packet appears once on the
 * sender's VLAN, addressed to that VLAN's router MAC, and once on the
 * receiver's VLAN, from that VLAN's router MAC with the TTL one less.
 * DHCP is relayed by the routers to the server on VLAN 40 (giaddr set).
 *
 * Each device shows the evidence its kind shows in a hospital: DHCP
 * options as its family sends them, HL7 v2 over MLLP (IHE PCD-01
 * ORU^R01 with MDC codes and EUI-64s, lab results with EQU), DICOM
 * associations (C-ECHO, C-STORE with an equipment data set, C-FIND), TLS
 * from the pumps to their server, raw printing and mDNS from the
 * printer.  The MACs are the makers' IEEE assignments (Debian ieee-data,
 * 2022-08-27); where a maker builds on a PC, the MAC is the PC's (an
 * Intel NIC in the ultrasound cart, a Dell PC beside the haematology
 * analyzer) and the maker shows only in the protocols, as in life.
 *
 * Values taken from public examples are named where they are used;
 * every other name, serial, UID suffix and version string is
 * illustrative.  Patient data is the synthetic placeholder of
 * scen-medical.c (DOE^JANE, MRN 000000).
 *
 * scen_ward_truth() writes the ground truth from the same table, as
 * tab-separated mac, vlan, ip (after the last lease), class, vendor
 * and model ("-" when nothing on the wire claims one), and the
 * hypervisor of a virtual machine's NIC ("-": none).  Vendor names are
 * the canonical names of profiles/fingerprints/10-vendors.yaml.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define WARD_DOMAIN	"hospital.example"
#define WARD_MTU_MSS	1460
#define WARD_GAP_NS	(31 * GEN_US)
#define WARD_RTT_NS	(350 * GEN_US)
#define WARD_HOP_NS	(40 * GEN_US)	/* router forwarding delay */
#define WARD_ROUNDS	3		/* HL7 reporting rounds */
#define WARD_ROUND_NS	(60 * GEN_NS)

#define MLLP_SB		0x0b
#define MLLP_EB		0x1c
#define HL7_PORT	2575
#define DICOM_PORT	104
#define DNS_PORT	53
#define MDNS_PORT	5353
#define DHCP_SERVER	67
#define DHCP_CLIENT	68
#define DHCP_MAGIC	0x63825363
#define DHCP_MIN_LEN	300		/* BOOTP (RFC 951) minimum */
#define TLS_PORT	443
#define RAW_PRINT_PORT	9100

#define ETH_HLEN_VLAN	18		/* MACs, 802.1Q tag, EtherType */

enum {
	W_R20, W_R30, W_R40,
	W_DHCPDNS, W_ENGINE, W_MEDNET,
	W_MON_PHILIPS, W_MON_GE, W_MON_MINDRAY,
	W_PUMP_BBRAUN, W_PLUM1, W_PLUM2, W_VENT, W_NURSECALL,
	W_CT, W_MR, W_DX, W_US, W_RADWS, W_PACS,
	W_COBAS, W_SYSMEX, W_WS_HP, W_WS_DELL, W_PRINTER,
	W_NHOSTS
};
#define W_BCAST		(-1)		/* ff:ff:ff:ff:ff:ff */
#define W_MDNS		(-2)		/* 01:00:5e:00:00:fb */

/* How a DHCP client of one device family fills its messages. */
struct ward_dhcp {
	const char	*hostname;	/* option 12 */
	const char	*fqdn;		/* option 81 (Windows) */
	const char	*vclass;	/* option 60 */
	const uint8_t	*prl;		/* option 55 */
	size_t		 nprl;
	uint16_t	 maxsize;	/* option 57, 0: not sent */
	int		 bcast;		/* BOOTP broadcast flag */
};

struct ward_host {
	uint8_t		 mac[6];
	uint16_t	 vlan;
	uint32_t	 ip;		/* static, or the first lease */
	uint32_t	 final_ip;	/* after the last lease */
	uint8_t		 ttl;
	uint16_t	 eport;		/* first ephemeral port */
	const struct ward_dhcp *dhcp;	/* NULL: static address */
	const char	*class;
	const char	*vendor;	/* NULL: not claimed */
	const char	*model;		/* NULL: not claimed */
	const char	*vm;		/* hypervisor of a virtual NIC */
};

/*
 * Parameter request lists.  Windows 10/11: the list Microsoft's client
 * sends (fingerbank.org, Satori).  The embedded ones are typical of
 * VxWorks and Linux stacks (BusyBox udhcpc asks for 1,3,6,12,15,28,42).
 */
static const uint8_t prl_win10[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46, 47,
    119, 121, 249, 252 };
static const uint8_t prl_monitor[] = { 1, 3, 6, 15, 42 };
static const uint8_t prl_udhcpc[] = { 1, 3, 6, 12, 15, 28, 42 };
static const uint8_t prl_pump[] = { 1, 3, 6, 15, 28, 51, 58, 59 };
static const uint8_t prl_spacecom[] = { 1, 3, 6, 15 };
static const uint8_t prl_printer[] = { 1, 3, 6, 12, 15, 28, 42, 44, 81,
    119 };

#define PRL(a)	(a), sizeof(a)

static const struct ward_dhcp dhcp_monitor = { NULL, NULL, NULL,
    PRL(prl_monitor), 1500, 1 };
static const struct ward_dhcp dhcp_mindray = { NULL, NULL, "udhcp 1.24.2",
    PRL(prl_udhcpc), 576, 0 };
static const struct ward_dhcp dhcp_pump = { NULL, NULL, NULL,
    PRL(prl_pump), 1024, 1 };
static const struct ward_dhcp dhcp_spacecom = { NULL, NULL, NULL,
    PRL(prl_spacecom), 0, 1 };
static const struct ward_dhcp dhcp_vent = { NULL, NULL, NULL,
    PRL(prl_udhcpc), 576, 1 };
static const struct ward_dhcp dhcp_epiq = { "EPIQ7-US3",
    "EPIQ7-US3." WARD_DOMAIN, "MSFT 5.0", PRL(prl_win10), 0, 0 };
static const struct ward_dhcp dhcp_ws_hp = { "WARD4-WS01",
    "WARD4-WS01." WARD_DOMAIN, "MSFT 5.0", PRL(prl_win10), 0, 0 };
static const struct ward_dhcp dhcp_ws_dell = { "WARD4-WOW02",
    "WARD4-WOW02." WARD_DOMAIN, "MSFT 5.0", PRL(prl_win10), 0, 0 };
/* HP JetDirect names itself NPI and the last six hex digits of its MAC. */
static const struct ward_dhcp dhcp_printer = { "NPI5A3C2B", NULL, NULL,
    PRL(prl_printer), 1500, 0 };

#define M(a, b, c, d, e, f)	{ 0x##a, 0x##b, 0x##c, 0x##d, 0x##e, 0x##f }

static const struct ward_host ward_hosts[W_NHOSTS] = {
	/* 00:1b:54 Cisco Systems: one router interface per VLAN. */
	[W_R20] = { M(00, 1b, 54, 14, 20, 01), 20, IP4(10, 20, 0, 1),
	    IP4(10, 20, 0, 1), 255, 0, NULL,
	    "network-infrastructure", "Cisco", NULL },
	[W_R30] = { M(00, 1b, 54, 14, 30, 01), 30, IP4(10, 30, 0, 1),
	    IP4(10, 30, 0, 1), 255, 0, NULL,
	    "network-infrastructure", "Cisco", NULL },
	[W_R40] = { M(00, 1b, 54, 14, 40, 01), 40, IP4(10, 40, 0, 1),
	    IP4(10, 40, 0, 1), 255, 0, NULL,
	    "network-infrastructure", "Cisco", NULL },
	/*
	 * 00:50:56 VMware: three virtual servers.  VMware made the
	 * virtual NIC, not the software: the DNS server and the engine
	 * name no maker on the wire.
	 */
	[W_DHCPDNS] = { M(00, 50, 56, 9a, 40, 0a), 40, IP4(10, 40, 0, 10),
	    IP4(10, 40, 0, 10), 128, 50000, NULL,
	    "server", NULL, NULL, "VMware" },
	[W_ENGINE] = { M(00, 50, 56, 9a, 40, 05), 40, IP4(10, 40, 0, 5),
	    IP4(10, 40, 0, 5), 64, 41000, NULL,
	    "interface-engine", NULL, NULL, "VMware" },
	/* ICU Medical MedNet: speaks for the Plum 360 pumps. */
	[W_MEDNET] = { M(00, 50, 56, 9a, 40, 07), 40, IP4(10, 40, 0, 7),
	    IP4(10, 40, 0, 7), 128, 51000, NULL,
	    "medical-gateway", "ICU Medical", NULL, "VMware" },
	/* 00:09:fb Philips Patient Monitoring (IntelliVue). */
	[W_MON_PHILIPS] = { M(00, 09, fb, 4a, 07, 21), 20, IP4(10, 20, 0, 21),
	    IP4(10, 20, 0, 21), 64, 1025, &dhcp_monitor,
	    "patient-monitor", "Philips", "IntelliVue MX800" },
	/* 08:00:19 GENERAL ELECTRIC CORPORATION, as GE monitors' EUI-64s. */
	[W_MON_GE] = { M(08, 00, 19, 0b, 40, 21), 20, IP4(10, 20, 0, 22),
	    IP4(10, 20, 0, 22), 64, 1030, &dhcp_monitor,
	    "patient-monitor", "GE HealthCare", "B40" },
	/* 00:0f:14 Mindray Co., Ltd. */
	[W_MON_MINDRAY] = { M(00, 0f, 14, 2a, 1c, 33), 20, IP4(10, 20, 0, 23),
	    IP4(10, 20, 0, 23), 64, 40100, &dhcp_mindray,
	    "patient-monitor", "Mindray", NULL },
	/* 00:12:21 B.Braun Melsungen AG: a SpaceStation with SpaceCom. */
	[W_PUMP_BBRAUN] = { M(00, 12, 21, 39, 00, 31), 20, IP4(10, 20, 0, 31),
	    IP4(10, 20, 0, 31), 64, 1040, &dhcp_spacecom,
	    "infusion-pump", "B. Braun", NULL },
	/* 00:03:b1 ICU Medical, Inc.: two Plum 360 pumps. */
	[W_PLUM1] = { M(00, 03, b1, 21, 66, 48), 20, IP4(10, 20, 0, 41),
	    IP4(10, 20, 0, 41), 64, 49200, &dhcp_pump,
	    "infusion-pump", "ICU Medical", NULL },
	[W_PLUM2] = { M(00, 03, b1, 21, 66, 49), 20, IP4(10, 20, 0, 42),
	    IP4(10, 20, 0, 57), 64, 49300, &dhcp_pump,
	    "infusion-pump", "ICU Medical", NULL },
	/* f0:e5:c3 Draegerwerk AG & Co. KG aA: an ICU ventilator. */
	[W_VENT] = { M(f0, e5, c3, 0a, 80, 01), 20, IP4(10, 20, 0, 51),
	    IP4(10, 20, 0, 51), 64, 33000, &dhcp_vent,
	    "ventilator", "Draeger", NULL },
	/* 00:90:5e RAULAND-BORG CORPORATION: the nurse call server. */
	[W_NURSECALL] = { M(00, 90, 5e, 20, 00, f0), 20, IP4(10, 20, 0, 240),
	    IP4(10, 20, 0, 240), 64, 36000, NULL,
	    "nurse-call", "Rauland", NULL },
	/* 88:4b:39 Siemens AG, Healthcare Sector. */
	[W_CT] = { M(88, 4b, 39, 1c, 70, 11), 30, IP4(10, 30, 0, 11),
	    IP4(10, 30, 0, 11), 128, 50100, NULL,
	    "imaging-modality", "Siemens Healthineers", "SOMATOM go.Up" },
	/* 44:4b:5d GE Healthcare. */
	[W_MR] = { M(44, 4b, 5d, 1c, 70, 12), 30, IP4(10, 30, 0, 12),
	    IP4(10, 30, 0, 12), 64, 38000, NULL,
	    "imaging-modality", "GE HealthCare", "SIGNA Artist" },
	/* 88:b4:36 FUJIFILM Corporation. */
	[W_DX] = { M(88, b4, 36, 1c, 70, 13), 30, IP4(10, 30, 0, 13),
	    IP4(10, 30, 0, 13), 128, 50200, NULL,
	    "imaging-modality", "Fujifilm", "FDR D-EVO II" },
	/* f0:b2:b9 Intel Corporate: the NIC of a Philips ultrasound cart. */
	[W_US] = { M(f0, b2, b9, 3e, 55, 51), 30, IP4(10, 30, 0, 51),
	    IP4(10, 30, 0, 51), 128, 50300, &dhcp_epiq,
	    "ultrasound", "Philips", "EPIQ 7G" },
	/* 6c:2b:59 Dell Inc.: a reading workstation, DCMTK-based viewer. */
	[W_RADWS] = { M(6c, 2b, 59, 3e, 30, 61), 30, IP4(10, 30, 0, 61),
	    IP4(10, 30, 0, 61), 128, 50400, NULL,
	    "imaging-workstation", "Dell", NULL },
	/* 4c:ae:a3 Hewlett Packard Enterprise: the server of Sectra PACS. */
	[W_PACS] = { M(4c, ae, a3, 1c, 70, 40), 30, IP4(10, 30, 0, 40),
	    IP4(10, 30, 0, 40), 128, 50500, NULL,
	    "pacs", "Sectra", NULL },
	/* b8:78:79 Roche Diagnostics GmbH: a cobas 8000 line. */
	[W_COBAS] = { M(b8, 78, 79, 40, 00, 61), 40, IP4(10, 40, 0, 61),
	    IP4(10, 40, 0, 61), 128, 50600, NULL,
	    "lab-analyzer", "Roche", "cobas 8000" },
	/* 98:e7:43 Dell Inc.: the PC (IPU) of a Sysmex XN-1000. */
	[W_SYSMEX] = { M(98, e7, 43, 40, 00, 62), 40, IP4(10, 40, 0, 62),
	    IP4(10, 40, 0, 62), 128, 50700, NULL,
	    "lab-analyzer", "Sysmex", "XN-1000" },
	/* c8:5a:cf HP Inc. and 54:bf:64 Dell Inc.: clinical PCs. */
	[W_WS_HP] = { M(c8, 5a, cf, 40, 01, 01), 40, IP4(10, 40, 0, 101),
	    IP4(10, 40, 0, 101), 128, 52000, &dhcp_ws_hp,
	    "clinical-workstation", "HP", NULL },
	[W_WS_DELL] = { M(54, bf, 64, 40, 01, 02), 40, IP4(10, 40, 0, 102),
	    IP4(10, 40, 0, 102), 128, 53000, &dhcp_ws_dell,
	    "clinical-workstation", "Dell", NULL },
	/* b0:5c:da HP Inc.: a LaserJet on the ward. */
	[W_PRINTER] = { M(b0, 5c, da, 5a, 3c, 2b), 40, IP4(10, 40, 0, 120),
	    IP4(10, 40, 0, 120), 64, 40000, &dhcp_printer,
	    "printer", "HP", "HP LaserJet Pro M404dn" },	/* mDNS "ty" */
};

/* The scenario's state: addresses can change, counters advance. */
struct ward {
	struct gen	*g;
	struct pkt	*b;		/* payload scratch (DHCP, DICOM) */
	uint32_t	 ip[W_NHOSTS];	/* current address, 0: none yet */
	uint16_t	 ipid[W_NHOSTS];
	uint16_t	 eport[W_NHOSTS];
	unsigned	 ctl;		/* HL7 control ids */
	unsigned	 uid;		/* DICOM instance numbers */
};

/* The router interface of a VLAN. */
static int
ward_router(uint16_t vlan)
{
	return vlan == 20 ? W_R20 : vlan == 30 ? W_R30 : W_R40;
}

static int
ward_is_router(int h)
{
	return h == W_R20 || h == W_R30 || h == W_R40;
}

static uint16_t
ward_port(struct ward *w, int h)
{
	return w->eport[h]++;
}

/*
 * Ethernet and 802.1Q header for a packet from host s to host d (or a
 * broadcast) on s's VLAN: to d itself on the same VLAN, else to the
 * VLAN's router (also when d is another interface of that router).
 */
static void
ward_l2(struct pkt *p, int s, int d)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff };
	static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	struct pkt_link l = { .type = PKT_LINK_ETH, .nvlan = 1,
	    .tpid = { ETYPE_VLAN } };
	const uint8_t *dst;

	l.vlan[0] = ward_hosts[s].vlan;
	if (d == W_BCAST)
		dst = bcast;
	else if (d == W_MDNS)
		dst = mdns;
	else if (ward_hosts[d].vlan == ward_hosts[s].vlan)
		dst = ward_hosts[d].mac;
	else
		dst = ward_hosts[ward_router(ward_hosts[s].vlan)].mac;
	pkt_l2(p, &l, dst, ward_hosts[s].mac, 0, 1);
}

/*
 * Emit a finished packet built with ward_l2(); if it crosses VLANs,
 * emit the routed copy on d's VLAN too: from the router's MAC to d,
 * tagged with d's VLAN, TTL one less (IPv4 header checksum updated;
 * the TCP and UDP checksums do not cover the TTL).
 */
static void
ward_emit(struct ward *w, struct pkt *p, int s, int d)
{
	uint8_t *ip = p->buf + ETH_HLEN_VLAN;
	uint16_t vlan;

	gen_emit(w->g, p);
	if (d < 0 || ward_is_router(d) ||
	    ward_hosts[d].vlan == ward_hosts[s].vlan)
		return;
	vlan = ward_hosts[d].vlan;
	memcpy(p->buf, ward_hosts[d].mac, 6);
	memcpy(p->buf + 6, ward_hosts[ward_router(vlan)].mac, 6);
	pkt_set16(p->buf + 14, vlan);
	ip[8]--;
	pkt_set16(ip + 10, 0);
	pkt_set16(ip + 10, pkt_ipv4_csum(ip));
	gen_wait(w->g, WARD_HOP_NS);
	gen_emit(w->g, p);
}

static void
ward_udp(struct ward *w, int s, uint32_t sip, uint16_t sport, int d,
    uint32_t dip, uint16_t dport, const uint8_t *data, size_t n)
{
	struct pkt *p = &w->g->pkt;
	uint8_t *ip;

	pkt_reset(p);
	ward_l2(p, s, d);
	ip = pkt_ipv4(p, sip, dip, IPPROTO_UDP_, w->ipid[s]++);
	ip[8] = d == W_MDNS ? 255 : ward_hosts[s].ttl;	/* RFC 6762 11 */
	(void)pkt_udp(p, sport, dport);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	ward_emit(w, p, s, d);
}

/* ------------------------------------------------------------------ */
/* TCP conversations across the routers.                              */

struct wconv {
	struct ward	*w;
	int		 h[2];		/* client, server */
	uint16_t	 port[2];
	uint32_t	 seq[2];
	uint16_t	 win[2];
};

static void
wc_init(struct wconv *c, struct ward *w, int cli, int srv, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->h[0] = cli;
	c->h[1] = srv;
	c->port[0] = ward_port(w, cli);
	c->port[1] = sport;
	c->seq[0] = (uint32_t)gen_rand(w->g);
	c->seq[1] = (uint32_t)gen_rand(w->g);
	c->win[0] = ward_hosts[cli].ttl == 128 ? 64240 : 29200;
	c->win[1] = ward_hosts[srv].ttl == 128 ? 65535 : 28960;
}

static uint64_t
wc_rtt(const struct wconv *c)
{
	return ward_hosts[c->h[0]].vlan == ward_hosts[c->h[1]].vlan ?
	    WARD_RTT_NS : 2 * WARD_RTT_NS;
}

static void
wc_seg(struct wconv *c, int dir, uint8_t flags, const uint8_t *data,
    size_t n)
{
	/* MSS, NOP, window scale 8, NOP, NOP, SACK permitted. */
	static const uint8_t opts[12] = { 2, 4, WARD_MTU_MSS >> 8,
	    WARD_MTU_MSS & 0xff, 1, 3, 3, 8, 1, 1, 4, 2 };
	struct ward *w = c->w;
	struct pkt *p = &w->g->pkt;
	int s = c->h[dir], d = c->h[!dir];
	uint8_t *ip;

	pkt_reset(p);
	ward_l2(p, s, d);
	ip = pkt_ipv4(p, w->ip[s], w->ip[d], IPPROTO_TCP_, w->ipid[s]++);
	ip[6] = 0x40;				/* DF */
	ip[8] = ward_hosts[s].ttl;
	(void)pkt_tcp(p, c->port[dir], c->port[!dir], c->seq[dir],
	    (flags & TCP_ACK) ? c->seq[!dir] : 0, flags, c->win[dir], opts,
	    (flags & TCP_SYN) ? sizeof(opts) : 0);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	ward_emit(w, p, s, d);
	c->seq[dir] += (uint32_t)n;
	if (flags & (TCP_SYN | TCP_FIN))
		c->seq[dir]++;
}

static void
wc_open(struct wconv *c)
{
	wc_seg(c, 0, TCP_SYN, NULL, 0);
	gen_wait(c->w->g, wc_rtt(c));
	wc_seg(c, 1, TCP_SYN | TCP_ACK, NULL, 0);
	gen_wait(c->w->g, WARD_GAP_NS);
	wc_seg(c, 0, TCP_ACK, NULL, 0);
	gen_wait(c->w->g, WARD_GAP_NS);
}

/* MSS-sized segments; the peer acknowledges every second one. */
static void
wc_data(struct wconv *c, int dir, const void *buf, size_t n)
{
	const uint8_t *data = buf;
	size_t off = 0, seg, unacked = 0;

	while (off < n) {
		seg = n - off < WARD_MTU_MSS ? n - off : WARD_MTU_MSS;
		wc_seg(c, dir, (uint8_t)(TCP_ACK |
		    (off + seg == n ? TCP_PSH : 0)), data + off, seg);
		off += seg;
		gen_wait(c->w->g, WARD_GAP_NS);
		if (++unacked == 2 || off == n) {
			gen_wait(c->w->g, wc_rtt(c) / 2);
			wc_seg(c, !dir, TCP_ACK, NULL, 0);
			unacked = 0;
		}
	}
	gen_wait(c->w->g, wc_rtt(c));
}

static void
wc_close(struct wconv *c, int dir)
{
	wc_seg(c, dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->w->g, wc_rtt(c));
	wc_seg(c, !dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->w->g, WARD_GAP_NS);
	wc_seg(c, dir, TCP_ACK, NULL, 0);
	gen_wait(c->w->g, WARD_GAP_NS);
}

/* ------------------------------------------------------------------ */
/* DHCP (RFC 2131, 2132), relayed by the routers (RFC 1542).          */

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

struct dhcp_tx {
	int		 h;		/* the client */
	uint32_t	 xid;
	uint32_t	 yiaddr;	/* the address offered */
	uint32_t	 prior;		/* an address asked for again, or 0 */
};

/*
 * One BOOTP message: the client's options on DISCOVER (1) and
 * REQUEST (3) in the order its family sends them, the server's on
 * OFFER (2) and ACK (5).  giaddr is the relay's address on the
 * client's VLAN, 0 on VLAN 40 where the server is.
 */
static void
dhcp_msg(struct ward *w, const struct dhcp_tx *t, uint8_t type,
    uint32_t giaddr)
{
	const struct ward_host *c = &ward_hosts[t->h];
	const struct ward_dhcp *pr = c->dhcp;
	struct pkt *b = w->b;
	int server = type == 2 || type == 5;
	uint8_t cid[7], fqdn[80];
	size_t n;

	pkt_reset(b);
	pkt_u8(b, server ? 2 : 1);		/* op */
	pkt_u8(b, 1);				/* htype Ethernet */
	pkt_u8(b, 6);				/* hlen */
	pkt_u8(b, giaddr != 0 ? 1 : 0);		/* hops */
	pkt_be32(b, t->xid);
	pkt_be16(b, server ? 0 : (type == 3 ? 2 : 0));	/* secs */
	pkt_be16(b, pr->bcast ? 0x8000 : 0);
	pkt_be32(b, 0);				/* ciaddr */
	pkt_be32(b, server ? t->yiaddr : 0);
	pkt_be32(b, 0);				/* siaddr */
	pkt_be32(b, giaddr);
	pkt_bytes(b, c->mac, 6);
	pkt_zero(b, 10 + 64 + 128);		/* chaddr pad, sname, file */
	pkt_be32(b, DHCP_MAGIC);
	dhcp_opt(b, 53, &type, 1);
	if (server) {
		dhcp_opt32(b, 54, ward_hosts[W_DHCPDNS].ip);
		dhcp_opt32(b, 51, 86400);
		dhcp_opt32(b, 58, 43200);
		dhcp_opt32(b, 59, 75600);
		dhcp_opt32(b, 1, 0xffffff00);
		dhcp_opt32(b, 3, ward_hosts[ward_router(c->vlan)].ip);
		dhcp_opt32(b, 6, ward_hosts[W_DHCPDNS].ip);
		dhcp_opt(b, 15, WARD_DOMAIN, strlen(WARD_DOMAIN));
		dhcp_opt32(b, 42, ward_hosts[W_DHCPDNS].ip);
		pkt_u8(b, 255);
		pkt_pad(b, DHCP_MIN_LEN);
		return;
	}
	cid[0] = 1;				/* hardware type Ethernet */
	memcpy(cid + 1, c->mac, 6);
	dhcp_opt(b, 61, cid, sizeof(cid));
	if (type == 3)
		dhcp_opt32(b, 50, t->yiaddr);
	else if (t->prior != 0)
		dhcp_opt32(b, 50, t->prior);
	if (type == 3)
		dhcp_opt32(b, 54, ward_hosts[W_DHCPDNS].ip);
	if (pr->maxsize != 0) {
		pkt_u8(b, 57);
		pkt_u8(b, 2);
		pkt_be16(b, pr->maxsize);
	}
	if (pr->hostname != NULL)
		dhcp_opt(b, 12, pr->hostname, strlen(pr->hostname));
	if (pr->fqdn != NULL && type == 3) {
		/* RFC 4702: flags S, rcode1, rcode2, then the name (ASCII). */
		n = strlen(pr->fqdn);
		fqdn[0] = 0x00;
		fqdn[1] = fqdn[2] = 0;
		memcpy(fqdn + 3, pr->fqdn, n);
		dhcp_opt(b, 81, fqdn, n + 3);
	}
	if (pr->vclass != NULL)
		dhcp_opt(b, 60, pr->vclass, strlen(pr->vclass));
	dhcp_opt(b, 55, pr->prl, pr->nprl);
	pkt_u8(b, 255);
	pkt_pad(b, DHCP_MIN_LEN);
}

/* A client message: broadcast on its VLAN, relayed to the server. */
static void
dhcp_from_client(struct ward *w, const struct dhcp_tx *t, uint8_t type)
{
	int relay = ward_hosts[t->h].vlan != 40;
	int r = ward_router(ward_hosts[t->h].vlan);

	dhcp_msg(w, t, type, 0);
	ward_udp(w, t->h, 0, DHCP_CLIENT, W_BCAST, 0xffffffff, DHCP_SERVER,
	    w->b->buf, w->b->len);
	if (!relay)
		return;
	gen_wait(w->g, 120 * GEN_US);
	dhcp_msg(w, t, type, ward_hosts[r].ip);
	ward_udp(w, W_R40, ward_hosts[W_R40].ip, DHCP_SERVER, W_DHCPDNS,
	    ward_hosts[W_DHCPDNS].ip, DHCP_SERVER, w->b->buf, w->b->len);
}

/* A server message: to the relay and by it to the client, or direct. */
static void
dhcp_from_server(struct ward *w, const struct dhcp_tx *t, uint8_t type)
{
	const struct ward_host *c = &ward_hosts[t->h];
	int r = ward_router(c->vlan);
	uint32_t to = c->dhcp->bcast ? 0xffffffff : t->yiaddr;
	int d = c->dhcp->bcast ? W_BCAST : t->h;

	if (c->vlan == 40) {
		dhcp_msg(w, t, type, 0);
		ward_udp(w, W_DHCPDNS, ward_hosts[W_DHCPDNS].ip, DHCP_SERVER,
		    d, to, DHCP_CLIENT, w->b->buf, w->b->len);
		return;
	}
	dhcp_msg(w, t, type, ward_hosts[r].ip);
	ward_udp(w, W_DHCPDNS, ward_hosts[W_DHCPDNS].ip, DHCP_SERVER, r,
	    ward_hosts[r].ip, DHCP_SERVER, w->b->buf, w->b->len);
	gen_wait(w->g, 150 * GEN_US);
	ward_udp(w, r, ward_hosts[r].ip, DHCP_SERVER, d, to, DHCP_CLIENT,
	    w->b->buf, w->b->len);
}

/* DISCOVER, OFFER, REQUEST, ACK; the client owns the address after. */
static void
ward_dhcp(struct ward *w, int h, uint32_t yiaddr, uint32_t prior)
{
	struct dhcp_tx t = { h, (uint32_t)gen_rand(w->g), yiaddr, prior };

	dhcp_from_client(w, &t, 1);
	gen_wait(w->g, 3 * GEN_MS);
	dhcp_from_server(w, &t, 2);
	gen_wait(w->g, 20 * GEN_MS);
	dhcp_from_client(w, &t, 3);
	gen_wait(w->g, 3 * GEN_MS);
	dhcp_from_server(w, &t, 5);
	w->ip[h] = yiaddr;
	gen_wait(w->g, 400 * GEN_MS);
}

/* ------------------------------------------------------------------ */
/* DNS lookups to the server on VLAN 40.                              */

static void
ward_dns(struct ward *w, int h, const char *name, int answer)
{
	uint8_t buf[512], addr[4];
	uint16_t id = (uint16_t)gen_rand(w->g);
	uint16_t port = ward_port(w, h);
	size_t n;

	pkt_set32(addr, w->ip[answer] != 0 ? w->ip[answer] :
	    ward_hosts[answer].ip);
	n = scen_dns(buf, sizeof(buf), id, name, NULL);
	ward_udp(w, h, w->ip[h], port, W_DHCPDNS, ward_hosts[W_DHCPDNS].ip,
	    DNS_PORT, buf, n);
	gen_wait(w->g, 700 * GEN_US);
	n = scen_dns(buf, sizeof(buf), id, name, addr);
	ward_udp(w, W_DHCPDNS, ward_hosts[W_DHCPDNS].ip, DNS_PORT, h, w->ip[h],
	    port, buf, n);
	gen_wait(w->g, 5 * GEN_MS);
}

/* ------------------------------------------------------------------ */
/* mDNS announcement of the printer (RFC 6762 8.3, DNS-SD RFC 6763).  */

#define DNS_CLASS_IN		1
#define DNS_CACHE_FLUSH		0x8000
#define PRINTER_INSTANCE	"HP LaserJet Pro M404dn [5A3C2B]"
#define PRINTER_HOST		"NPI5A3C2B"

/* Labels given as strings, then "local"; no compression. */
static void
mdns_name(struct pkt *b, const char *const *labels, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(labels[i]);
		pkt_u8(b, (uint32_t)len);
		pkt_bytes(b, labels[i], len);
	}
	pkt_u8(b, 5);
	pkt_bytes(b, "local", 5);
	pkt_u8(b, 0);
}

static size_t
mdns_rr_begin(struct pkt *b, const char *const *labels, size_t n,
    uint16_t type, uint16_t class, uint32_t ttl)
{
	mdns_name(b, labels, n);
	pkt_be16(b, type);
	pkt_be16(b, class);
	pkt_be32(b, ttl);
	pkt_be16(b, 0);				/* RDLENGTH, patched */
	return b->len;
}

static void
mdns_rr_end(struct pkt *b, size_t start)
{
	pkt_set16(b->buf + start - 2, (uint32_t)(b->len - start));
}

static void
mdns_txt(struct pkt *b, const char *s)
{
	pkt_u8(b, (uint32_t)strlen(s));
	pkt_bytes(b, s, strlen(s));
}

static void
ward_mdns_announce(struct ward *w)
{
	static const char *const ipp[] = { "_ipp", "_tcp" };
	static const char *const pdl[] = { "_pdl-datastream", "_tcp" };
	static const char *const inst_ipp[] = { PRINTER_INSTANCE, "_ipp",
	    "_tcp" };
	static const char *const inst_pdl[] = { PRINTER_INSTANCE,
	    "_pdl-datastream", "_tcp" };
	static const char *const host[] = { PRINTER_HOST };
	struct pkt *b = w->b;
	size_t rr;

	pkt_reset(b);
	pkt_be16(b, 0);				/* id */
	pkt_be16(b, 0x8400);			/* response, authoritative */
	pkt_be16(b, 0);
	pkt_be16(b, 6);				/* answers */
	pkt_be16(b, 0);
	pkt_be16(b, 0);
	rr = mdns_rr_begin(b, ipp, 2, 12, DNS_CLASS_IN, 4500);	/* PTR */
	mdns_name(b, inst_ipp, 3);
	mdns_rr_end(b, rr);
	rr = mdns_rr_begin(b, pdl, 2, 12, DNS_CLASS_IN, 4500);
	mdns_name(b, inst_pdl, 3);
	mdns_rr_end(b, rr);
	rr = mdns_rr_begin(b, inst_ipp, 3, 33,		/* SRV */
	    DNS_CLASS_IN | DNS_CACHE_FLUSH, 120);
	pkt_be16(b, 0);
	pkt_be16(b, 0);
	pkt_be16(b, 631);
	mdns_name(b, host, 1);
	mdns_rr_end(b, rr);
	rr = mdns_rr_begin(b, inst_pdl, 3, 33,
	    DNS_CLASS_IN | DNS_CACHE_FLUSH, 120);
	pkt_be16(b, 0);
	pkt_be16(b, 0);
	pkt_be16(b, RAW_PRINT_PORT);
	mdns_name(b, host, 1);
	mdns_rr_end(b, rr);
	rr = mdns_rr_begin(b, inst_ipp, 3, 16,		/* TXT */
	    DNS_CLASS_IN | DNS_CACHE_FLUSH, 4500);
	mdns_txt(b, "txtvers=1");
	mdns_txt(b, "ty=HP LaserJet Pro M404dn");
	mdns_txt(b, "pdl=application/pdf,image/urf,application/PCLm");
	mdns_rr_end(b, rr);
	rr = mdns_rr_begin(b, host, 1, 1,		/* A */
	    DNS_CLASS_IN | DNS_CACHE_FLUSH, 120);
	pkt_be32(b, w->ip[W_PRINTER]);
	mdns_rr_end(b, rr);
	ward_udp(w, W_PRINTER, w->ip[W_PRINTER], MDNS_PORT, W_MDNS,
	    IP4(224, 0, 0, 251), MDNS_PORT, b->buf, b->len);
}

/* ------------------------------------------------------------------ */
/* TLS 1.2 (RFC 5246): the pumps' sessions with their server.          */

static void
tls_record_begin(struct pkt *b, uint8_t type, uint16_t version)
{
	pkt_u8(b, type);
	pkt_be16(b, version);
	pkt_be16(b, 0);				/* length, patched */
}

static void
tls_random(struct ward *w, struct pkt *b, size_t n)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = gen_rand(w->g);
		pkt_u8(b, (uint32_t)(r >> (i % 8 * 8)) & 0xff);
	}
}

/*
 * ClientHello as a small embedded TLS stack sends it: ECDHE suites,
 * SNI, groups, point formats, signature algorithms, extended master
 * secret.
 */
static void
tls_client_hello(struct ward *w, const char *sni)
{
	static const uint16_t suites[] = { 0xc02b, 0xc02f, 0xc02c, 0xc030,
	    0xc023, 0xc027, 0xc009, 0xc013, 0x009c, 0x009d, 0x002f, 0x0035,
	    0x00ff };
	static const uint16_t groups[] = { 0x0017, 0x0018, 0x001d };
	static const uint16_t sigalgs[] = { 0x0403, 0x0503, 0x0603, 0x0401,
	    0x0501, 0x0601, 0x0201 };
	struct pkt *b = w->b;
	size_t hs, ext, i, n = strlen(sni);

	pkt_reset(b);
	tls_record_begin(b, 0x16, 0x0301);
	pkt_u8(b, 1);				/* ClientHello */
	pkt_u8(b, 0);
	pkt_be16(b, 0);				/* length, patched */
	hs = b->len;
	pkt_be16(b, 0x0303);
	tls_random(w, b, 32);
	pkt_u8(b, 0);				/* session id */
	pkt_be16(b, (uint32_t)(2 * (sizeof(suites) / sizeof(suites[0]))));
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		pkt_be16(b, suites[i]);
	pkt_u8(b, 1);				/* compression: null */
	pkt_u8(b, 0);
	pkt_be16(b, 0);				/* extensions length */
	ext = b->len;
	pkt_be16(b, 0x0000);			/* server_name */
	pkt_be16(b, (uint32_t)(n + 5));
	pkt_be16(b, (uint32_t)(n + 3));
	pkt_u8(b, 0);				/* host_name */
	pkt_be16(b, (uint32_t)n);
	pkt_bytes(b, sni, n);
	pkt_be16(b, 0x000a);			/* supported_groups */
	pkt_be16(b, (uint32_t)(2 + 2 * (sizeof(groups) / sizeof(groups[0]))));
	pkt_be16(b, (uint32_t)(2 * (sizeof(groups) / sizeof(groups[0]))));
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		pkt_be16(b, groups[i]);
	pkt_be16(b, 0x000b);			/* ec_point_formats */
	pkt_be16(b, 2);
	pkt_u8(b, 1);
	pkt_u8(b, 0);
	pkt_be16(b, 0x000d);			/* signature_algorithms */
	pkt_be16(b, (uint32_t)(2 + 2 * (sizeof(sigalgs) / sizeof(sigalgs[0]))));
	pkt_be16(b, (uint32_t)(2 * (sizeof(sigalgs) / sizeof(sigalgs[0]))));
	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		pkt_be16(b, sigalgs[i]);
	pkt_be16(b, 0x0017);			/* extended_master_secret */
	pkt_be16(b, 0);
	pkt_set16(b->buf + ext - 2, (uint32_t)(b->len - ext));
	pkt_set16(b->buf + hs - 2, (uint32_t)(b->len - hs));
	pkt_set16(b->buf + 3, (uint32_t)(b->len - 5));
}

/* ServerHello choosing ECDHE-RSA-AES128-GCM-SHA256, then encrypted. */
static void
tls_server_hello(struct ward *w)
{
	struct pkt *b = w->b;
	size_t hs;

	pkt_reset(b);
	tls_record_begin(b, 0x16, 0x0303);
	pkt_u8(b, 2);				/* ServerHello */
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	hs = b->len;
	pkt_be16(b, 0x0303);
	tls_random(w, b, 32);
	pkt_u8(b, 32);				/* session id */
	tls_random(w, b, 32);
	pkt_be16(b, 0xc02f);
	pkt_u8(b, 0);
	pkt_be16(b, 9);				/* extensions */
	pkt_be16(b, 0xff01);			/* renegotiation_info */
	pkt_be16(b, 1);
	pkt_u8(b, 0);
	pkt_be16(b, 0x0017);			/* extended_master_secret */
	pkt_be16(b, 0);
	pkt_set16(b->buf + hs - 2, (uint32_t)(b->len - hs));
	pkt_set16(b->buf + 3, (uint32_t)(b->len - 5));
}

/* A record of opaque (encrypted) bytes. */
static void
tls_opaque(struct ward *w, uint8_t type, size_t n)
{
	struct pkt *b = w->b;

	pkt_reset(b);
	tls_record_begin(b, type, 0x0303);
	tls_random(w, b, n);
	pkt_set16(b->buf + 3, (uint32_t)n);
}

/* One pump session: handshake, a status upload, the server's answer. */
static void
ward_tls(struct ward *w, int cli, int srv, const char *sni, size_t up)
{
	static const uint8_t ccs[6] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct wconv c;

	wc_init(&c, w, cli, srv, TLS_PORT);
	wc_open(&c);
	tls_client_hello(w, sni);
	wc_data(&c, 0, w->b->buf, w->b->len);
	tls_server_hello(w);
	wc_data(&c, 1, w->b->buf, w->b->len);
	wc_data(&c, 0, ccs, sizeof(ccs));
	tls_opaque(w, 0x16, 40);		/* Finished */
	wc_data(&c, 0, w->b->buf, w->b->len);
	wc_data(&c, 1, ccs, sizeof(ccs));
	tls_opaque(w, 0x16, 40);
	wc_data(&c, 1, w->b->buf, w->b->len);
	tls_opaque(w, 0x17, up);		/* application data */
	wc_data(&c, 0, w->b->buf, w->b->len);
	tls_opaque(w, 0x17, 120);
	wc_data(&c, 1, w->b->buf, w->b->len);
	tls_opaque(w, 0x15, 26);		/* close_notify */
	wc_data(&c, 0, w->b->buf, w->b->len);
	wc_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* HL7 v2 over MLLP.                                                  */

/* HL7 TS (v2.6 2A.77) of the capture clock, to the second, UTC. */
static void
hl7_time(char *buf, size_t len, uint64_t now)
{
	uint64_t s = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "20261102%02u%02u%02u+0000",
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* Frame text (segments already ended by CR) as one MLLP block. */
static size_t
mllp_frame(char *buf, size_t len, const char *msg)
{
	int n = snprintf(buf, len, "%c%s%c\r", MLLP_SB, msg, MLLP_EB);

	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

/*
 * The synthetic patient of every message: the placeholder identity of
 * scen-medical.c and a bed that is three characters long.
 */
#define HL7_PID	"PID|1||000000^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r"
#define HL7_PV1	"PV1|1|I|ICU^07^1\r"

/* An MLLP connection that stays up, as interfaces keep them. */
struct hl7_link {
	struct wconv	 c;
	const char	*app;		/* MSH-3 as the ACK's MSH-5 */
	const char	*fac;
};

static void
hl7_link_open(struct ward *w, struct hl7_link *l, int cli, int srv,
    const char *app, const char *fac)
{
	wc_init(&l->c, w, cli, srv, HL7_PORT);
	l->app = app;
	l->fac = fac;
	wc_open(&l->c);
}

/* Send one message and the receiver's ACK (MSA-1 AA, MSA-2 its id). */
static void
hl7_send(struct ward *w, struct hl7_link *l, const char *msg,
    const char *ctl, const char *rcv_app, const char *rcv_fac)
{
	char frame[4096], ack[512], ts[32];
	size_t n;

	n = mllp_frame(frame, sizeof(frame), msg);
	wc_data(&l->c, 0, frame, n);
	gen_wait(w->g, 2 * GEN_MS);
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(ack, sizeof(ack),
	    "MSH|^~\\&|%s|%s|%s|%s|%s||ACK^R01^ACK|A%s|P|2.6\r"
	    "MSA|AA|%s\r", rcv_app, rcv_fac, l->app, l->fac, ts, ctl, ctl);
	n = mllp_frame(frame, sizeof(frame), ack);
	wc_data(&l->c, 1, frame, n);
}

static void
hl7_ctl(struct ward *w, char *buf, size_t len, const char *prefix)
{
	(void)snprintf(buf, len, "%s%06u", prefix, ++w->ctl);
}

/*
 * Philips IntelliVue MX800, PCD-01.  OBX-18 carries the monitor's
 * EUI-64 (its MAC with FFFE inserted) and a model token the way GE's
 * monitors do ("080019FFFE0B4020^B1X5_GE", see 30-monitoring.yaml).
 */
static void
hl7_philips(struct ward *w, struct hl7_link *l, unsigned round)
{
	char msg[3072], ctl[32], ts[32];
	const char *eq = "0009FBFFFE4A0721^MX800^0009FBFFFE4A0721^EUI-64";

	hl7_ctl(w, ctl, sizeof(ctl), "MX");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|INTELLIVUE^0009FBFFFE4A0721^EUI-64|ICU_WEST|"
	    "HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||NE|AL||"
	    "UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1"
	    "^ISO\r" HL7_PID HL7_PV1
	    "OBR|1|%s^INTELLIVUE^0009FBFFFE4A0721^EUI-64|%s^INTELLIVUE^"
	    "0009FBFFFE4A0721^EUI-64|182777000^monitoring of patient^SCT|||"
	    "%s\r"
	    "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||"
	    "||||X|||%s||||%s\r"
	    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|%u|"
	    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||%s||||%s\r"
	    "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|%u|"
	    "262688^MDC_DIM_PERCENT^MDC|||||R|||%s||||%s\r"
	    "OBX|4|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.3.1.1|%u|"
	    "266016^MDC_DIM_MMHG^MDC|||||R|||%s||||%s\r"
	    "OBX|5|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.3.1.2|%u|"
	    "266016^MDC_DIM_MMHG^MDC|||||R|||%s||||%s\r"
	    "OBX|6|NM|150344^MDC_TEMP^MDC|1.4.1.1|37.%u|"
	    "268192^MDC_DIM_DEGC^MDC|||||R|||%s||||%s\r",
	    ts, ctl, ctl, ctl, ts, ts, eq, 72 + round, ts, eq, 97 - round % 2,
	    ts, eq, 118 + round, ts, eq, 76 + round, ts, eq, round, ts, eq);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/*
 * GE B40, PCD-01 as GE's monitors send it: MSH-3 "VSP^<EUI-64>^EUI-64",
 * MSH-4 "GE Healthcare", OBX-18 "<EUI-64>^B40_GE" (GE's B40 and B1x5
 * HL7 manuals).
 */
static void
hl7_ge(struct ward *w, struct hl7_link *l, unsigned round)
{
	char msg[3072], ctl[32], ts[32];
	const char *eq = "080019FFFE0B4021^B40_GE";

	hl7_ctl(w, ctl, sizeof(ctl), "00409");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|VSP^080019FFFE0B4021^EUI-64|GE Healthcare|HL7_ENGINE|"
	    "HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||NE|AL||UNICODE UTF-8|||"
	    "PCD_DEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
	    HL7_PID HL7_PV1
	    "OBR|1|%s^VSP^080019FFFE0B4021^EUI-64|%s^VSP^080019FFFE0B4021^"
	    "EUI-64|182777000^monitoring of patient^SCT|||%s\r"
	    "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||"
	    "||||X\r"
	    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|%u|"
	    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||%s\r"
	    "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.22.1.2|%u|"
	    "262688^MDC_DIM_PERCENT^MDC|||||R|||||||%s\r"
	    "OBX|4|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.22.1.3|%u|"
	    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||%s\r"
	    "OBX|5|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.9.1.1|%u|"
	    "266016^MDC_DIM_MMHG^MDC|||||R|||||||%s\r",
	    ts, ctl, ctl, ctl, ts, 80 + round, eq, 95 + round % 3, eq,
	    80 + round, eq, 124 - round, eq);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/* Mindray BeneVision: PCD-01 with its EUI-64 in MSH-3 and OBX-18. */
static void
hl7_mindray(struct ward *w, struct hl7_link *l, unsigned round)
{
	char msg[3072], ctl[32], ts[32];
	const char *eq = "000F14FFFE2A1C33^^000F14FFFE2A1C33^EUI-64";

	hl7_ctl(w, ctl, sizeof(ctl), "MR");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|BENEVISION^000F14FFFE2A1C33^EUI-64|ICU_WEST|"
	    "HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||NE|AL|||||"
	    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
	    HL7_PID HL7_PV1
	    "OBR|1|%s|%s|182777000^monitoring of patient^SCT|||%s\r"
	    "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|%u|"
	    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||%s||||%s\r"
	    "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|%u|"
	    "262688^MDC_DIM_PERCENT^MDC|||||R|||%s||||%s\r"
	    "OBX|3|NM|150023^MDC_PRESS_BLD_NONINV_MEAN^MDC|1.3.1.3|%u|"
	    "266016^MDC_DIM_MMHG^MDC|||||R|||%s||||%s\r",
	    ts, ctl, ctl, ctl, ts, 66 + round, ts, eq, 98, ts, eq,
	    85 + round, ts, eq);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/*
 * B. Braun SpaceStation with SpaceCom, PCD-01, laid out as the ward
 * messages in 20-infusion.yaml [BBR]: MSH-3 PAT_DEVICE_BBRAUN with the
 * station's EUI-64, MSH-4 BBRAUN, an LVP whose OBX-18 holds the pump
 * label and an EUI-64 under B. Braun's OUI.
 */
static void
hl7_bbraun(struct ward *w, struct hl7_link *l, unsigned round)
{
	char msg[3072], ctl[32], ts[32];

	hl7_ctl(w, ctl, sizeof(ctl), "639");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|PAT_DEVICE_BBRAUN^0012211839000031^EUI-64|BBRAUN|"
	    "HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||AL|NE||ASCII|"
	    "en^English^ISO639||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.1"
	    "^ISO\r" HL7_PID HL7_PV1
	    "OBR|1|0^PAT_DEVICE_BBRAUN^0012211839000031^EUI-64|"
	    "0^PAT_DEVICE_BBRAUN^0012211839000031^EUI-64|"
	    "999999^Unknown medication|||%s\r"
	    "OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||||"
	    "I51316^^0012210000000031^EUI-64\r"
	    "OBX|2||70050^MDC_DEV_PUMP_INFUS_LVP_VMD^MDC|1.1.0.0|||||||X\r"
	    "OBX|3|CWE|184519^MDC_PUMP_INFUSING_STATUS^MDC|1.1.1.1|"
	    "^pump-status-infusing||||||R\r"
	    "OBX|4|NM|158014^MDC_FLOW_FLUID_PUMP_CURRENT^MDC|1.1.1.2|%u|"
	    "265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM|||||R\r",
	    ts, ctl, ts, 25 + 5 * round);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/* The ventilator's PCD-01: tidal and minute volume (30-monitoring.yaml). */
static void
hl7_vent(struct ward *w, struct hl7_link *l, unsigned round)
{
	char msg[3072], ctl[32], ts[32];
	const char *eq = "F0E5C3FFFE0A8001^^F0E5C3FFFE0A8001^EUI-64";

	hl7_ctl(w, ctl, sizeof(ctl), "EV");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|EVITA^F0E5C3FFFE0A8001^EUI-64|ICU_WEST|HL7_ENGINE|"
	    "HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||NE|AL|||||"
	    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
	    HL7_PID HL7_PV1
	    "OBR|1|%s|%s|182777000^monitoring of patient^SCT|||%s\r"
	    "OBX|1|NM|151868^MDC_VOL_AWAY_TIDAL^MDC|1.1.1.1|%u|"
	    "mL^mL^UCUM|||||R|||%s||||%s\r"
	    "OBX|2|NM|151880^MDC_VOL_MINUTE_AWAY^MDC|1.1.1.2|7.%u|"
	    "L/min^L/min^UCUM|||||R|||%s||||%s\r",
	    ts, ctl, ctl, ctl, ts, 450 + 10 * round, ts, eq, round, ts, eq);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/*
 * ICU Medical MedNet reporting for one Plum 360 (20-infusion.yaml
 * [ICU]): MSH-3 PAT_DEVICE_ICU_MEDICAL, MSH-4 ICU_MEDICAL; OBX-18 the
 * pump's EUI-64, its MAC with FFFE inserted.
 */
static void
hl7_mednet(struct ward *w, struct hl7_link *l, int pump, unsigned rate)
{
	char msg[3072], ctl[32], ts[32], eui[20];
	const uint8_t *m = ward_hosts[pump].mac;

	hl7_ctl(w, ctl, sizeof(ctl), "MN");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(eui, sizeof(eui), "%02X%02X%02XFFFE%02X%02X%02X",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|PAT_DEVICE_ICU_MEDICAL^0003B10000000001^EUI-64|"
	    "ICU_MEDICAL|HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|||"
	    "AL|NE|USA|UNICODE UTF-8|en^English^ISO639||IHE_PCD_001^IHE PCD^"
	    "1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r" HL7_PID HL7_PV1
	    "OBR|1|%s^PAT_DEVICE_ICU_MEDICAL^0003B10000000001^EUI-64|"
	    "%s^PAT_DEVICE_ICU_MEDICAL^0003B10000000001^EUI-64|"
	    "999999^Unknown medication|||%s\r"
	    "OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||%s"
	    "||||%s^^%s^EUI-64\r"
	    "OBX|2||70050^MDC_DEV_PUMP_INFUS_LVP_VMD^MDC|1.1.0.0|||||||X|||%s"
	    "||||%s^^%s^EUI-64\r"
	    "OBX|3|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|%u|"
	    "265266^MDC_DIM_MILLI_L_PER_HR^MDC|||||R|||%s||||%s^^%s^EUI-64\r",
	    ts, ctl, ctl, ctl, ts, ts, eui, eui, ts, eui, eui, rate, ts, eui,
	    eui);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/*
 * Roche cobas 8000 result: MSH-3 as Roche's lines send it, the module
 * in OBX-18 and EQU-1 ("c5800^Roche" in 50-lab.yaml [ROC]).
 */
static void
hl7_cobas(struct ward *w, struct hl7_link *l)
{
	char msg[3072], ctl[32], ts[32];

	hl7_ctl(w, ctl, sizeof(ctl), "A8000-");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|cobas 8000|LAB01|HL7_ENGINE|HOSPITAL|%s||"
	    "ORU^R01^ORU_R01|%s|P|2.5.1|||AL|NE\r" HL7_PID
	    "OBR|1|ORD%s|ACC%s|2160-0^Creatinine^LN|||%s\r"
	    "OBX|1|NM|2160-0^Creatinine^LN||0.9|mg/dL^mg/dL^UCUM|0.6-1.2|N|||"
	    "F|||%s||||c702^Roche\r"
	    "EQU|c702^Roche|%s\r",
	    ts, ctl, ctl, ctl, ts, ts, ts);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/* Sysmex XN-1000 blood count: MSH-3 SYSMEX, MSH-4 the instrument. */
static void
hl7_sysmex(struct ward *w, struct hl7_link *l)
{
	char msg[3072], ctl[32], ts[32];

	hl7_ctl(w, ctl, sizeof(ctl), "XN");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|SYSMEX|XN1000|HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|"
	    "%s|P|2.5.1|||AL|NE\r" HL7_PID
	    "OBR|1|ORD%s|ACC%s|58410-2^CBC panel^LN|||%s\r"
	    "OBX|1|NM|6690-2^WBC^LN||7.5|10*3/uL^^UCUM|4.0-11.0|N|||F|||%s||"
	    "||XN-1000^SYSMEX\r"
	    "OBX|2|NM|718-7^Hemoglobin^LN||13.9|g/dL^^UCUM|12.0-16.0|N|||F|||"
	    "%s||||XN-1000^SYSMEX\r"
	    "EQU|XN-1000^SYSMEX|%s\r",
	    ts, ctl, ctl, ctl, ts, ts, ts, ts);
	hl7_send(w, l, msg, ctl, "HL7_ENGINE", "HOSPITAL");
}

/* The engine passes a transfer (ADT^A02) to the nurse call server. */
static void
hl7_to_nursecall(struct ward *w, struct hl7_link *l)
{
	char msg[2048], ctl[32], ts[32];

	hl7_ctl(w, ctl, sizeof(ctl), "ADT");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|EHR|HOSPITAL|RESPONDER|NURSECALL|%s||ADT^A02^ADT_A02|"
	    "%s|P|2.5.1\r"
	    "EVN|A02|%s\r" HL7_PID HL7_PV1, ts, ctl, ts);
	hl7_send(w, l, msg, ctl, "RESPONDER", "NURSECALL");
}

/* The engine passes an imaging order (ORM^O01) to the PACS. */
static void
hl7_to_pacs(struct ward *w, struct hl7_link *l)
{
	char msg[2048], ctl[32], ts[32];

	hl7_ctl(w, ctl, sizeof(ctl), "ORM");
	hl7_time(ts, sizeof(ts), w->g->now);
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|EHR|HOSPITAL|PACS|RADIOLOGY|%s||ORM^O01^ORM_O01|%s|P|"
	    "2.5.1\r" HL7_PID HL7_PV1
	    "ORC|NW|ORD%s||||||||||\r"
	    "OBR|1|ORD%s||CTHEAD^CT head without contrast^L|||%s\r",
	    ts, ctl, ctl, ctl, ts);
	hl7_send(w, l, msg, ctl, "PACS", "RADIOLOGY");
}

/* ------------------------------------------------------------------ */
/* DICOM Upper Layer (PS3.8) and DIMSE (PS3.7).                       */

#define UID_APP_CTX	"1.2.840.10008.3.1.1.1"
#define UID_VERIFY	"1.2.840.10008.1.1"
#define UID_IMPLICIT	"1.2.840.10008.1.2"
#define UID_EXPLICIT	"1.2.840.10008.1.2.1"
#define UID_CT		"1.2.840.10008.5.1.4.1.1.2"
#define UID_MR		"1.2.840.10008.5.1.4.1.1.4"
#define UID_DX		"1.2.840.10008.5.1.4.1.1.1.1"
#define UID_US		"1.2.840.10008.5.1.4.1.1.6.1"
#define UID_FIND_STUDY	"1.2.840.10008.5.1.4.1.2.2.1"
#define UID_MOVE_STUDY	"1.2.840.10008.5.1.4.1.2.2.2"

#define DIMSE_C_STORE	0x0001
#define DIMSE_C_FIND	0x0020
#define DIMSE_C_ECHO	0x0030
#define DIMSE_RSP	0x8000
#define DIMSE_NO_DATA	0x0101
#define DIMSE_DATA	0x0000
#define DIMSE_PENDING	0xff00
#define PDV_DATA_LAST	0x02
#define PDV_CMD_LAST	0x03

/* One side of an association: AE title and implementation. */
struct dicom_ae {
	const char	*ae;
	const char	*impl_uid;
	const char	*impl_ver;
};

static void
dc_item(struct pkt *b, uint8_t type, const char *s)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)strlen(s));
	pkt_bytes(b, s, strlen(s));
}

static size_t
dc_item_begin(struct pkt *b, uint8_t type)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	return b->len;
}

static void
dc_item_end(struct pkt *b, size_t start)
{
	pkt_set16(b->buf + start - 2, (uint32_t)(b->len - start));
}

static void
dc_ae_title(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, 16);

	memset(p, ' ', 16);
	memcpy(p, ae, strlen(ae));
}

/*
 * A-ASSOCIATE-RQ (ac == 0) or -AC (PS3.8 9.3.2, 9.3.3).  Context i
 * (id 2i+1) proposes as[i] in explicit VR little endian, then implicit;
 * the acceptor takes explicit for storage and query, implicit for
 * Verification.
 */
static void
dc_assoc(struct pkt *b, int ac, const struct dicom_ae *scu,
    const struct dicom_ae *scp, const char *const *as, size_t nas)
{
	const struct dicom_ae *me = ac ? scp : scu;
	size_t pc, ui, i;
	int verify;

	pkt_reset(b);
	pkt_u8(b, ac ? 0x02 : 0x01);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be16(b, 1);				/* protocol version */
	pkt_zero(b, 2);
	dc_ae_title(b, scp->ae);		/* called */
	dc_ae_title(b, scu->ae);		/* calling */
	pkt_zero(b, 32);
	dc_item(b, 0x10, UID_APP_CTX);
	for (i = 0; i < nas; i++) {
		verify = strcmp(as[i], UID_VERIFY) == 0;
		pc = dc_item_begin(b, ac ? 0x21 : 0x20);
		pkt_u8(b, (uint32_t)(2 * i + 1));
		pkt_u8(b, 0);
		pkt_u8(b, 0);				/* AC: accepted */
		pkt_u8(b, 0);
		if (!ac) {
			dc_item(b, 0x30, as[i]);
			if (!verify)
				dc_item(b, 0x40, UID_EXPLICIT);
			dc_item(b, 0x40, UID_IMPLICIT);
		} else
			dc_item(b, 0x40, verify ? UID_IMPLICIT : UID_EXPLICIT);
		dc_item_end(b, pc);
	}
	ui = dc_item_begin(b, 0x50);
	pkt_u8(b, 0x51);			/* maximum length */
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, 16384);
	dc_item(b, 0x52, me->impl_uid);
	dc_item(b, 0x55, me->impl_ver);
	dc_item_end(b, ui);
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/* Implicit VR little endian command elements (PS3.7 E.1). */
static void
dc_cmd_str(struct pkt *b, uint16_t el, const char *s)
{
	size_t n = strlen(s);

	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, s, n);
	if (n & 1)
		pkt_u8(b, 0);			/* UI padding (PS3.5 9.1) */
}

static void
dc_cmd_us(struct pkt *b, uint16_t el, uint16_t v)
{
	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, 2);
	pkt_le16(b, v);
}

/*
 * A P-DATA-TF PDU with one command PDV: the group length first, then
 * the elements in tag order.  rsp: the response to message id, with
 * status; inst: the affected SOP instance, or NULL.
 */
static void
dc_command(struct pkt *b, uint8_t pcid, const char *sop, uint16_t field,
    uint16_t id, uint16_t ds, uint16_t status, const char *inst)
{
	int rsp = (field & DIMSE_RSP) != 0;
	size_t pdv, grp;

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);				/* PDV length */
	pdv = b->len;
	pkt_u8(b, pcid);
	pkt_u8(b, PDV_CMD_LAST);
	pkt_le16(b, 0x0000);
	pkt_le16(b, 0x0000);
	pkt_le32(b, 4);
	pkt_le32(b, 0);				/* group length, patched */
	grp = b->len;
	dc_cmd_str(b, 0x0002, sop);
	dc_cmd_us(b, 0x0100, field);
	dc_cmd_us(b, rsp ? 0x0120 : 0x0110, id);
	if (!rsp && field != DIMSE_C_ECHO)
		dc_cmd_us(b, 0x0700, 0);	/* priority medium */
	dc_cmd_us(b, 0x0800, ds);
	if (rsp)
		dc_cmd_us(b, 0x0900, status);
	if (inst != NULL)
		dc_cmd_str(b, 0x1000, inst);
	b->buf[grp - 4] = (uint8_t)(b->len - grp);
	b->buf[grp - 3] = (uint8_t)((b->len - grp) >> 8);
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/* Explicit VR little endian data elements (PS3.5 7.1.2). */
static void
dc_el(struct pkt *b, uint16_t grp, uint16_t el, const char *vr,
    const char *s)
{
	size_t n = strlen(s);
	int ui = strcmp(vr, "UI") == 0;

	pkt_le16(b, grp);
	pkt_le16(b, el);
	pkt_bytes(b, vr, 2);
	pkt_le16(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, s, n);
	if (n & 1)
		pkt_u8(b, ui ? 0 : ' ');
}

static void
dc_el_us(struct pkt *b, uint16_t grp, uint16_t el, uint16_t v)
{
	pkt_le16(b, grp);
	pkt_le16(b, el);
	pkt_bytes(b, "US", 2);
	pkt_le16(b, 2);
	pkt_le16(b, v);
}

/* The equipment a modality writes into every image it stores. */
struct dicom_equip {
	const char	*modality;
	const char	*sop;
	const char	*manufacturer;
	const char	*station;
	const char	*model;
	const char	*serial;
	const char	*software;
	const char	*uid_root;	/* for study, series and instances */
};

static void
dc_pdata_begin(struct pkt *b, uint8_t pcid, size_t *pdv)
{
	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	*pdv = b->len;
	pkt_u8(b, pcid);
	pkt_u8(b, PDV_DATA_LAST);
}

static void
dc_pdata_end(struct pkt *b, size_t pdv)
{
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/*
 * A small image: the identifying attributes in tag order, the
 * synthetic patient, 4 x 4 pixels of 16 bits.
 */
static void
dc_image(struct pkt *b, uint8_t pcid, const struct dicom_equip *e,
    const char *inst, const char *study, const char *series)
{
	size_t pdv;

	dc_pdata_begin(b, pcid, &pdv);
	dc_el(b, 0x0008, 0x0005, "CS", "ISO_IR 100");
	dc_el(b, 0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY");
	dc_el(b, 0x0008, 0x0016, "UI", e->sop);
	dc_el(b, 0x0008, 0x0018, "UI", inst);
	dc_el(b, 0x0008, 0x0020, "DA", "20261102");
	dc_el(b, 0x0008, 0x0030, "TM", "081500");
	dc_el(b, 0x0008, 0x0050, "SH", "ACC000017");
	dc_el(b, 0x0008, 0x0060, "CS", e->modality);
	dc_el(b, 0x0008, 0x0070, "LO", e->manufacturer);
	dc_el(b, 0x0008, 0x0080, "LO", "HOSPITAL");
	dc_el(b, 0x0008, 0x1010, "SH", e->station);
	dc_el(b, 0x0008, 0x1090, "LO", e->model);
	dc_el(b, 0x0010, 0x0010, "PN", "DOE^JANE");
	dc_el(b, 0x0010, 0x0020, "LO", "000000");
	dc_el(b, 0x0010, 0x0030, "DA", "19700101");
	dc_el(b, 0x0010, 0x0040, "CS", "F");
	dc_el(b, 0x0018, 0x1000, "LO", e->serial);
	dc_el(b, 0x0018, 0x1020, "LO", e->software);
	dc_el(b, 0x0020, 0x000d, "UI", study);
	dc_el(b, 0x0020, 0x000e, "UI", series);
	dc_el(b, 0x0020, 0x0013, "IS", "1");
	dc_el_us(b, 0x0028, 0x0002, 1);
	dc_el(b, 0x0028, 0x0004, "CS", "MONOCHROME2");
	dc_el_us(b, 0x0028, 0x0010, 4);
	dc_el_us(b, 0x0028, 0x0011, 4);
	dc_el_us(b, 0x0028, 0x0100, 16);
	dc_el_us(b, 0x0028, 0x0101, 12);
	dc_el_us(b, 0x0028, 0x0102, 11);
	dc_el_us(b, 0x0028, 0x0103, 0);
	pkt_le16(b, 0x7fe0);			/* Pixel Data, OW */
	pkt_le16(b, 0x0010);
	pkt_bytes(b, "OW", 2);
	pkt_le16(b, 0);
	pkt_le32(b, 32);
	pkt_zero(b, 32);
	dc_pdata_end(b, pdv);
}

static void
dc_release(struct pkt *b, int rp)
{
	pkt_reset(b);
	pkt_u8(b, rp ? 0x06 : 0x05);
	pkt_u8(b, 0);
	pkt_be32(b, 4);
	pkt_zero(b, 4);
}

static void
dc_uid(struct ward *w, char *buf, size_t len, const char *root,
    const char *kind)
{
	(void)snprintf(buf, len, "%s.%s.20261102.%u", root, kind, ++w->uid);
}

/* Associate, run body's exchanges, release, close. */
static void
dc_associate(struct ward *w, struct wconv *c, const struct dicom_ae *scu,
    const struct dicom_ae *scp, const char *const *as, size_t nas)
{
	wc_open(c);
	dc_assoc(w->b, 0, scu, scp, as, nas);
	wc_data(c, 0, w->b->buf, w->b->len);
	dc_assoc(w->b, 1, scu, scp, as, nas);
	wc_data(c, 1, w->b->buf, w->b->len);
}

static void
dc_finish(struct ward *w, struct wconv *c)
{
	dc_release(w->b, 0);
	wc_data(c, 0, w->b->buf, w->b->len);
	dc_release(w->b, 1);
	wc_data(c, 1, w->b->buf, w->b->len);
	wc_close(c, 0);			/* PS3.8 7.2: the requestor closes */
}

static void
dc_echo(struct ward *w, struct wconv *c, uint8_t pcid, uint16_t id)
{
	dc_command(w->b, pcid, UID_VERIFY, DIMSE_C_ECHO, id, DIMSE_NO_DATA, 0,
	    NULL);
	wc_data(c, 0, w->b->buf, w->b->len);
	dc_command(w->b, pcid, UID_VERIFY, DIMSE_C_ECHO | DIMSE_RSP, id,
	    DIMSE_NO_DATA, 0, NULL);
	wc_data(c, 1, w->b->buf, w->b->len);
}

/* C-STORE of n images of one series, each answered with success. */
static void
dc_store(struct ward *w, struct wconv *c, uint8_t pcid,
    const struct dicom_equip *e, unsigned n)
{
	char study[96], series[96], inst[96];
	unsigned i;

	dc_uid(w, study, sizeof(study), e->uid_root, "1");
	dc_uid(w, series, sizeof(series), e->uid_root, "2");
	for (i = 0; i < n; i++) {
		dc_uid(w, inst, sizeof(inst), e->uid_root, "3");
		dc_command(w->b, pcid, e->sop, DIMSE_C_STORE, (uint16_t)(i + 1),
		    DIMSE_DATA, 0, inst);
		wc_data(c, 0, w->b->buf, w->b->len);
		dc_image(w->b, pcid, e, inst, study, series);
		wc_data(c, 0, w->b->buf, w->b->len);
		dc_command(w->b, pcid, e->sop, DIMSE_C_STORE | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, 0, inst);
		wc_data(c, 1, w->b->buf, w->b->len);
		gen_wait(w->g, 80 * GEN_MS);
	}
}

/* A modality sends a series to the PACS: C-ECHO first, then C-STORE. */
/* The PACS's implementation: a suffix under Sectra's root 1.2.752.24. */
static const struct dicom_ae ae_pacs = { "SECTRA_PACS", "1.2.752.24.3.7.25",
    "SectraPACS_25.1" };

static void
ward_modality(struct ward *w, int h, const struct dicom_ae *ae,
    const struct dicom_equip *e, unsigned n)
{
	const char *as[2] = { UID_VERIFY, e->sop };
	struct wconv c;

	wc_init(&c, w, h, W_PACS, DICOM_PORT);
	dc_associate(w, &c, ae, &ae_pacs, as, 2);
	dc_echo(w, &c, 1, 1);
	dc_store(w, &c, 3, e, n);
	dc_finish(w, &c);
}

/*
 * The reading workstation asks the PACS for today's CT studies (Study
 * Root C-FIND, PS3.4 C.4.1): one match, then success.
 */
static void
ward_cfind(struct ward *w)
{
	static const struct dicom_ae ws = { "RAD_RS03",
	    "1.2.276.0.7230010.3.0.3.6.7", "OFFIS_DCMTK_367" };
	const char *as[2] = { UID_FIND_STUDY, UID_MOVE_STUDY };
	struct wconv c;
	size_t pdv;

	wc_init(&c, w, W_RADWS, W_PACS, DICOM_PORT);
	dc_associate(w, &c, &ws, &ae_pacs, as, 2);
	dc_command(w->b, 1, UID_FIND_STUDY, DIMSE_C_FIND, 1, DIMSE_DATA, 0,
	    NULL);
	wc_data(&c, 0, w->b->buf, w->b->len);
	dc_pdata_begin(w->b, 1, &pdv);
	dc_el(w->b, 0x0008, 0x0020, "DA", "20261102");
	dc_el(w->b, 0x0008, 0x0052, "CS", "STUDY");
	dc_el(w->b, 0x0008, 0x0061, "CS", "CT");
	dc_el(w->b, 0x0010, 0x0010, "PN", "");
	dc_el(w->b, 0x0020, 0x000d, "UI", "");
	dc_pdata_end(w->b, pdv);
	wc_data(&c, 0, w->b->buf, w->b->len);
	gen_wait(w->g, 30 * GEN_MS);
	dc_command(w->b, 1, UID_FIND_STUDY, DIMSE_C_FIND | DIMSE_RSP, 1,
	    DIMSE_DATA, DIMSE_PENDING, NULL);
	wc_data(&c, 1, w->b->buf, w->b->len);
	dc_pdata_begin(w->b, 1, &pdv);
	dc_el(w->b, 0x0008, 0x0020, "DA", "20261102");
	dc_el(w->b, 0x0008, 0x0052, "CS", "STUDY");
	dc_el(w->b, 0x0008, 0x0061, "CS", "CT");
	dc_el(w->b, 0x0010, 0x0010, "PN", "DOE^JANE");
	dc_el(w->b, 0x0020, 0x000d, "UI", "1.3.12.2.1107.5.1.4.95123.1."
	    "20261102.1");
	dc_pdata_end(w->b, pdv);
	wc_data(&c, 1, w->b->buf, w->b->len);
	dc_command(w->b, 1, UID_FIND_STUDY, DIMSE_C_FIND | DIMSE_RSP, 1,
	    DIMSE_NO_DATA, 0, NULL);
	wc_data(&c, 1, w->b->buf, w->b->len);
	dc_finish(w, &c);
}

/* ------------------------------------------------------------------ */
/* Printing.                                                          */

/* A PJL-wrapped PCL job to the printer's raw port (HP JetDirect). */
static void
ward_print(struct ward *w, int ws)
{
	static const char job[] =
	    "\x1b%-12345X@PJL JOB NAME=\"Ward list\"\r\n"
	    "@PJL SET RESOLUTION=600\r\n"
	    "@PJL ENTER LANGUAGE=PCL\r\n"
	    "\x1b" "E\x1b&l0O\x1b&l26A\x1b(s0p12h10v0s0b3T"
	    "Ward 4 West - bed board\r\n\x0c\x1b" "E"
	    "\x1b%-12345X@PJL EOJ NAME=\"Ward list\"\r\n\x1b%-12345X";
	struct wconv c;

	wc_init(&c, w, ws, W_PRINTER, RAW_PRINT_PORT);
	wc_open(&c);
	wc_data(&c, 0, job, sizeof(job) - 1);
	wc_close(&c, 0);
}

/* ------------------------------------------------------------------ */

static const struct dicom_ae ae_ct = { "SOMATOM_CT1",
    "1.3.12.2.1107.5.1.4", "SIEMENS_VA30A" };
static const struct dicom_equip eq_ct = { "CT", UID_CT, "SIEMENS", "CT01",
    "SOMATOM go.Up", "95123", "syngo CT VA30A",
    "1.3.12.2.1107.5.1.4.95123" };
static const struct dicom_ae ae_mr = { "SIGNA_MR1",
    "1.2.840.113619.6.408", "SIGNA_MR30" };
static const struct dicom_equip eq_mr = { "MR", UID_MR,
    "GE MEDICAL SYSTEMS", "MR01", "SIGNA Artist", "000000MR7T1",
    "MR30.1_R02", "1.2.840.113619.2.408.5554020" };
static const struct dicom_ae ae_dx = { "FDR_DX1",
    "1.2.392.200036.9125.5342.1", "FDR_V9.0" };
static const struct dicom_equip eq_dx = { "DX", UID_DX,
    "FUJIFILM Corporation", "DXROOM2", "FDR D-EVO II", "26130148",
    "V9.0", "1.2.392.200036.9125.2.2613" };
static const struct dicom_ae ae_us = { "EPIQ7_US3",
    "1.3.46.670589.14.1000.210", "EPIQ_9.0.3" };
static const struct dicom_equip eq_us = { "US", UID_US,
    "Philips Medical Systems", "EPIQ7-US3", "EPIQ 7G", "US715B0212",
    "9.0.3.1022", "1.3.46.670589.14.1.20" };

/* Reporting rounds on the long-lived HL7 links. */
enum {
	L_PHILIPS, L_GE, L_MINDRAY, L_BBRAUN, L_VENT, L_MEDNET, L_COBAS,
	L_SYSMEX, L_NURSECALL, L_PACS, L_NLINKS
};

static void
ward_round(struct ward *w, struct hl7_link *l, unsigned r)
{
	hl7_philips(w, &l[L_PHILIPS], r);
	gen_wait(w->g, 700 * GEN_MS);
	hl7_ge(w, &l[L_GE], r);
	gen_wait(w->g, 900 * GEN_MS);
	hl7_mindray(w, &l[L_MINDRAY], r);
	gen_wait(w->g, 1100 * GEN_MS);
	hl7_bbraun(w, &l[L_BBRAUN], r);
	gen_wait(w->g, 600 * GEN_MS);
	hl7_vent(w, &l[L_VENT], r);
	gen_wait(w->g, 800 * GEN_MS);
}

int
scen_ward(struct gen *g)
{
	struct hl7_link links[L_NLINKS];
	struct ward w;
	size_t i;
	int h;

	memset(&w, 0, sizeof(w));
	w.g = g;
	if ((w.b = calloc(1, sizeof(*w.b))) == NULL)
		return -1;
	for (h = 0; h < W_NHOSTS; h++) {
		w.ip[h] = ward_hosts[h].dhcp == NULL ? ward_hosts[h].ip : 0;
		w.ipid[h] = (uint16_t)gen_rand(g);
		w.eport[h] = ward_hosts[h].eport;
	}

	/* Hosts with fixed addresses look up their peers. */
	ward_dns(&w, W_CT, "pacs." WARD_DOMAIN, W_PACS);
	ward_dns(&w, W_MR, "pacs." WARD_DOMAIN, W_PACS);
	ward_dns(&w, W_DX, "pacs." WARD_DOMAIN, W_PACS);
	ward_dns(&w, W_RADWS, "pacs." WARD_DOMAIN, W_PACS);
	ward_dns(&w, W_PACS, "hl7." WARD_DOMAIN, W_ENGINE);
	ward_dns(&w, W_NURSECALL, "hl7." WARD_DOMAIN, W_ENGINE);
	ward_dns(&w, W_COBAS, "hl7." WARD_DOMAIN, W_ENGINE);
	ward_dns(&w, W_SYSMEX, "hl7." WARD_DOMAIN, W_ENGINE);
	gen_wait(g, GEN_NS);

	/* Devices with DHCP get their leases, relayed from VLANs 20, 30. */
	for (h = 0; h < W_NHOSTS; h++)
		if (ward_hosts[h].dhcp != NULL)
			ward_dhcp(&w, h, ward_hosts[h].ip, 0);
	/* RFC 6762 8.3: announce twice, one second apart. */
	ward_mdns_announce(&w);
	gen_wait(g, GEN_NS);
	ward_mdns_announce(&w);
	gen_wait(g, 500 * GEN_MS);
	ward_dns(&w, W_MON_PHILIPS, "hl7." WARD_DOMAIN, W_ENGINE);
	ward_dns(&w, W_PLUM1, "mednet." WARD_DOMAIN, W_MEDNET);
	ward_dns(&w, W_PLUM2, "mednet." WARD_DOMAIN, W_MEDNET);
	ward_dns(&w, W_WS_HP, "pacs." WARD_DOMAIN, W_PACS);
	ward_dns(&w, W_WS_DELL, "pacs." WARD_DOMAIN, W_PACS);

	/* The interfaces connect to the engine and stay connected. */
	hl7_link_open(&w, &links[L_PHILIPS], W_MON_PHILIPS, W_ENGINE,
	    "INTELLIVUE", "ICU_WEST");
	hl7_link_open(&w, &links[L_GE], W_MON_GE, W_ENGINE, "VSP",
	    "GE Healthcare");
	hl7_link_open(&w, &links[L_MINDRAY], W_MON_MINDRAY, W_ENGINE,
	    "BENEVISION", "ICU_WEST");
	hl7_link_open(&w, &links[L_BBRAUN], W_PUMP_BBRAUN, W_ENGINE,
	    "PAT_DEVICE_BBRAUN", "BBRAUN");
	hl7_link_open(&w, &links[L_VENT], W_VENT, W_ENGINE, "EVITA",
	    "ICU_WEST");
	hl7_link_open(&w, &links[L_MEDNET], W_MEDNET, W_ENGINE,
	    "PAT_DEVICE_ICU_MEDICAL", "ICU_MEDICAL");
	hl7_link_open(&w, &links[L_COBAS], W_COBAS, W_ENGINE, "cobas 8000",
	    "LAB01");
	hl7_link_open(&w, &links[L_SYSMEX], W_SYSMEX, W_ENGINE, "SYSMEX",
	    "XN1000");
	hl7_link_open(&w, &links[L_NURSECALL], W_ENGINE, W_NURSECALL, "EHR",
	    "HOSPITAL");
	hl7_link_open(&w, &links[L_PACS], W_ENGINE, W_PACS, "EHR",
	    "HOSPITAL");
	gen_wait(g, GEN_NS);

	/* First round: vital signs, pumps through their server, the lab. */
	ward_round(&w, links, 0);
	ward_tls(&w, W_PLUM1, W_MEDNET, "mednet." WARD_DOMAIN, 680);
	hl7_mednet(&w, &links[L_MEDNET], W_PLUM1, 50);
	ward_tls(&w, W_PLUM2, W_MEDNET, "mednet." WARD_DOMAIN, 720);
	hl7_mednet(&w, &links[L_MEDNET], W_PLUM2, 125);
	hl7_cobas(&w, &links[L_COBAS]);
	gen_wait(g, 2 * GEN_NS);
	hl7_sysmex(&w, &links[L_SYSMEX]);
	hl7_to_nursecall(&w, &links[L_NURSECALL]);
	hl7_to_pacs(&w, &links[L_PACS]);
	gen_wait(g, 5 * GEN_NS);

	/* Imaging: the modalities store, the workstation queries. */
	ward_modality(&w, W_CT, &ae_ct, &eq_ct, 3);
	gen_wait(g, 3 * GEN_NS);
	ward_modality(&w, W_MR, &ae_mr, &eq_mr, 2);
	gen_wait(g, 3 * GEN_NS);
	ward_modality(&w, W_DX, &ae_dx, &eq_dx, 1);
	gen_wait(g, 3 * GEN_NS);
	ward_modality(&w, W_US, &ae_us, &eq_us, 2);
	gen_wait(g, 2 * GEN_NS);
	ward_cfind(&w);
	gen_wait(g, 2 * GEN_NS);

	/* The ward's PCs open the PACS web viewer and print. */
	ward_tls(&w, W_WS_HP, W_PACS, "pacs." WARD_DOMAIN, 517);
	ward_tls(&w, W_WS_DELL, W_PACS, "pacs." WARD_DOMAIN, 517);
	ward_print(&w, W_WS_HP);
	gen_wait(g, 4 * GEN_NS);
	ward_print(&w, W_WS_DELL);
	gen_wait(g, 20 * GEN_NS);

	/*
	 * The second Plum is rebooted in another room: it asks for its old
	 * address, which the server gave away, and gets a new one.
	 */
	ward_dhcp(&w, W_PLUM2, ward_hosts[W_PLUM2].final_ip,
	    ward_hosts[W_PLUM2].ip);
	ward_tls(&w, W_PLUM2, W_MEDNET, "mednet." WARD_DOMAIN, 720);
	hl7_mednet(&w, &links[L_MEDNET], W_PLUM2, 125);

	/* More rounds a minute apart, then the links close. */
	for (i = 1; i < WARD_ROUNDS; i++) {
		gen_wait(g, WARD_ROUND_NS);
		ward_round(&w, links, (unsigned)i);
		ward_tls(&w, W_PLUM1, W_MEDNET, "mednet." WARD_DOMAIN, 680);
		hl7_mednet(&w, &links[L_MEDNET], W_PLUM1, 50);
	}
	gen_wait(g, 5 * GEN_NS);
	for (i = 0; i < L_NLINKS; i++)
		wc_close(&links[i].c, 0);
	free(w.b);
	return 0;
}

/* The ground truth, one line per device, from the table above. */
int
scen_ward_truth(FILE *fp)
{
	const struct ward_host *h;
	const uint8_t *m;
	uint32_t ip;
	size_t i;

	if (fprintf(fp, "mac\tvlan\tip\tclass\tvendor\tmodel\t"
	    "virtual_machine\n") < 0)
		return -1;
	for (i = 0; i < W_NHOSTS; i++) {
		h = &ward_hosts[i];
		m = h->mac;
		ip = h->final_ip;
		if (fprintf(fp, "%02x:%02x:%02x:%02x:%02x:%02x\t%u\t"
		    "%u.%u.%u.%u\t%s\t%s\t%s\t%s\n", m[0], m[1], m[2], m[3],
		    m[4], m[5], (unsigned)h->vlan, ip >> 24, ip >> 16 & 0xff,
		    ip >> 8 & 0xff, ip & 0xff, h->class,
		    h->vendor != NULL ? h->vendor : "-",
		    h->model != NULL ? h->model : "-",
		    h->vm != NULL ? h->vm : "-") < 0)
			return -1;
	}
	return 0;
}
