/*
 * scen-days.c - two days of a ward, for the behavioural baselines and
 * the zero-trust policy (issue 12), and the baseline memory benchmark.
 *
 *	ward-day1	2026-11-02, 00:00 to 24:00 UTC: a learning day.
 *	ward-day2	2026-11-03: the same ward, its benign changes and
 *			one incident of every kind the policy and the
 *			behaviour detections look for.
 *	ward-day2-quiet	2026-11-03 with the benign changes only.
 *	ward-days.truth	the incidents and the benign changes, written
 *			from the tables below (beside ward-day2.pcap).
 *
 *	VLAN 10 medical		10.10.0.0/24	monitors, pumps, ventilators,
 *						nurse call
 *	VLAN 20 imaging		10.20.0.0/24	CT, MR, DX, ultrasound,
 *						reading workstations
 *	VLAN 25 pacs		10.25.0.0/24	the PACS
 *	VLAN 30 infrastructure	10.30.0.0/24	DHCP/DNS/syslog, NTP
 *	VLAN 35 interface-eng.	10.35.0.0/24	HL7 engine, pump server
 *	VLAN 40 clinical	10.40.0.0/24	workstations, printer, file
 *						servers, lab analyzers
 *
 * Traffic between VLANs is routed as in scen-ward.c: seen once on the
 * sender's VLAN to its router MAC, once on the receiver's from the
 * receiver's router MAC, TTL one less.  The internet is behind the
 * routers: a packet to or from it is seen once, on the inside VLAN.
 *
 * The day runs in ten-minute slots: every slot the devices due do what
 * they do (HL7 reports, DICOM stores and queries, TLS to the pump
 * server, DNS, NTP, printing, SMB saves, DHCP renewals at noon), less
 * at night (20:00 to 07:00) and in the second day's first six hours
 * less still.  Events of the second day (benign changes, incidents)
 * start five minutes into their slot.  An incident runs with a copy of
 * the generator's state and puts it back after, so ward-day2 and
 * ward-day2-quiet carry the same normal traffic byte for byte.
 *
 * hospital-baseline (not committed): --devices devices (default
 * 10,000) on VLANs of 256, each exchanging UDP with many peers (other
 * devices, some on the internet) over one day; hospital-baseline-day2
 * is the next day with a quarter of the peers changed.  The memory
 * benchmark tests/bench/baseline-mem.sh learns on one, enforces on
 * the other.
 *
 * MACs carry the makers' OUIs as in scen-ward.c; names, serials and AE
 * titles are illustrative; the patient is the placeholder DOE^JANE.
 * The public addresses are in MaxMind's test databases (CN, SE, US).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"

#define DAY1_START	(GEN_BASE_TIME - 8 * 3600)	/* 2026-11-02 00:00 */
#define DAY_S		86400
#define SLOT_S		600
#define NSLOTS		(DAY_S / SLOT_S)
#define EVENT_OFF_S	300		/* events start 5 min into a slot */
#define DAYS_DOMAIN	"hospital.example"
#define DAYS_MSS	1460
#define DAYS_GAP_NS	(31 * GEN_US)
#define DAYS_RTT_NS	(350 * GEN_US)
#define DAYS_HOP_NS	(40 * GEN_US)
#define ETH_HLEN_VLAN	18

#define HL7_PORT	2575
#define DICOM_PORT	104
#define DNS_PORT	53
#define NTP_PORT	123
#define SYSLOG_PORT	514
#define DHCP_SERVER	67
#define DHCP_CLIENT	68
#define DHCP_MAGIC	0x63825363
#define DHCP_MIN_LEN	300
#define TLS_PORT	443
#define RAW_PRINT_PORT	9100
#define SMB_PORT	445
#define MLLP_SB		0x0b
#define MLLP_EB		0x1c

enum {
	D_R10, D_R20, D_R25, D_R30, D_R35, D_R40,
	D_DHCPDNS, D_NTP, D_ENGINE, D_MEDNET, D_PACS,
	D_MON0, D_MON1, D_MON2, D_MON3, D_MON4, D_MON5, D_MON6, D_MON7,
	D_BBR0, D_BBR1, D_BBR2, D_BBR3,
	D_PLUM0, D_PLUM1, D_PLUM2, D_PLUM3,
	D_VENT0, D_VENT1, D_NURSECALL,
	D_CT, D_MR, D_DX, D_US0, D_US1, D_RADWS0, D_RADWS1,
	D_WS0, D_WS1, D_WS2, D_WS3, D_WS4, D_WS5,
	D_PRINTER, D_FS0, D_FS1, D_FS2, D_COBAS, D_SYSMEX,
	D_NEWMON,			/* the second day's new monitor */
	D_EXT_CDN, D_EXT_PUMP, D_EXT_HL7, D_EXT_DICOM,	/* the internet */
	D_NHOSTS
};
#define D_BCAST		(-1)

/* Host flags. */
#define H_DHCP		0x01		/* leases its address */
#define H_ROUTER	0x02
#define H_EXT		0x04		/* on the internet */
#define H_DAY2		0x08		/* exists from the second day */
#define H_MON_PHILIPS	0x10
#define H_MON_GE	0x20
#define H_MON_MINDRAY	0x40

struct dhost {
	uint8_t		 mac[6];
	uint16_t	 vlan;		/* 0: the internet */
	uint32_t	 ip;
	uint8_t		 ttl;
	uint16_t	 eport;
	unsigned	 flags;
	const char	*name;		/* DHCP host name, DNS name */
};

#define M(a, b, c, d, e, f)	{ 0x##a, 0x##b, 0x##c, 0x##d, 0x##e, 0x##f }
#define NOMAC			{ 0, 0, 0, 0, 0, 0 }

static const struct dhost days_hosts[D_NHOSTS] = {
	/* 00:1b:54 Cisco Systems: one router interface per VLAN. */
	[D_R10] = { M(00, 1b, 54, 14, 10, 01), 10, IP4(10, 10, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl10" },
	[D_R20] = { M(00, 1b, 54, 14, 20, 01), 20, IP4(10, 20, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl20" },
	[D_R25] = { M(00, 1b, 54, 14, 25, 01), 25, IP4(10, 25, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl25" },
	[D_R30] = { M(00, 1b, 54, 14, 30, 01), 30, IP4(10, 30, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl30" },
	[D_R35] = { M(00, 1b, 54, 14, 35, 01), 35, IP4(10, 35, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl35" },
	[D_R40] = { M(00, 1b, 54, 14, 40, 01), 40, IP4(10, 40, 0, 1), 255, 0,
	    H_ROUTER, "rtr-vl40" },
	/* 00:50:56 VMware: the virtual servers. */
	[D_DHCPDNS] = { M(00, 50, 56, 9a, 30, 0a), 30, IP4(10, 30, 0, 10),
	    128, 50000, 0, "ns1" },
	[D_NTP] = { M(00, 50, 56, 9a, 30, 0b), 30, IP4(10, 30, 0, 11), 64,
	    40000, 0, "ntp" },
	[D_ENGINE] = { M(00, 50, 56, 9a, 35, 05), 35, IP4(10, 35, 0, 5), 64,
	    41000, 0, "hl7" },
	[D_MEDNET] = { M(00, 50, 56, 9a, 35, 07), 35, IP4(10, 35, 0, 7), 128,
	    51000, 0, "mednet" },
	/* 4c:ae:a3 Hewlett Packard Enterprise: the PACS server. */
	[D_PACS] = { M(4c, ae, a3, 1c, 25, 40), 25, IP4(10, 25, 0, 40), 128,
	    50500, 0, "pacs" },
	/* Patient monitors: Philips, GE, Mindray. */
	[D_MON0] = { M(00, 09, fb, 4a, 10, 21), 10, IP4(10, 10, 0, 21), 64,
	    1025, H_DHCP | H_MON_PHILIPS, NULL },
	[D_MON1] = { M(00, 09, fb, 4a, 10, 22), 10, IP4(10, 10, 0, 22), 64,
	    1025, H_DHCP | H_MON_PHILIPS, NULL },
	[D_MON2] = { M(00, 09, fb, 4a, 10, 23), 10, IP4(10, 10, 0, 23), 64,
	    1025, H_DHCP | H_MON_PHILIPS, NULL },
	[D_MON3] = { M(00, 09, fb, 4a, 10, 24), 10, IP4(10, 10, 0, 24), 64,
	    1025, H_DHCP | H_MON_PHILIPS, NULL },
	[D_MON4] = { M(08, 00, 19, 0b, 10, 25), 10, IP4(10, 10, 0, 25), 64,
	    1030, H_DHCP | H_MON_GE, NULL },
	[D_MON5] = { M(08, 00, 19, 0b, 10, 26), 10, IP4(10, 10, 0, 26), 64,
	    1030, H_DHCP | H_MON_GE, NULL },
	[D_MON6] = { M(00, 0f, 14, 2a, 10, 27), 10, IP4(10, 10, 0, 27), 64,
	    40100, H_DHCP | H_MON_MINDRAY, NULL },
	[D_MON7] = { M(00, 0f, 14, 2a, 10, 28), 10, IP4(10, 10, 0, 28), 64,
	    40100, H_DHCP | H_MON_MINDRAY, NULL },
	/* 00:12:21 B. Braun: SpaceStations reporting HL7 themselves. */
	[D_BBR0] = { M(00, 12, 21, 39, 10, 31), 10, IP4(10, 10, 0, 31), 64,
	    1040, H_DHCP, NULL },
	[D_BBR1] = { M(00, 12, 21, 39, 10, 32), 10, IP4(10, 10, 0, 32), 64,
	    1040, H_DHCP, NULL },
	[D_BBR2] = { M(00, 12, 21, 39, 10, 33), 10, IP4(10, 10, 0, 33), 64,
	    1040, H_DHCP, NULL },
	[D_BBR3] = { M(00, 12, 21, 39, 10, 34), 10, IP4(10, 10, 0, 34), 64,
	    1040, H_DHCP, NULL },
	/* 00:03:b1 ICU Medical: Plum 360 pumps talking TLS to MedNet. */
	[D_PLUM0] = { M(00, 03, b1, 21, 10, 41), 10, IP4(10, 10, 0, 41), 64,
	    49200, H_DHCP, NULL },
	[D_PLUM1] = { M(00, 03, b1, 21, 10, 42), 10, IP4(10, 10, 0, 42), 64,
	    49200, H_DHCP, NULL },
	[D_PLUM2] = { M(00, 03, b1, 21, 10, 43), 10, IP4(10, 10, 0, 43), 64,
	    49200, H_DHCP, NULL },
	[D_PLUM3] = { M(00, 03, b1, 21, 10, 44), 10, IP4(10, 10, 0, 44), 64,
	    49200, H_DHCP, NULL },
	/* f0:e5:c3 Draeger ventilators. */
	[D_VENT0] = { M(f0, e5, c3, 0a, 10, 51), 10, IP4(10, 10, 0, 51), 64,
	    33000, H_DHCP, NULL },
	[D_VENT1] = { M(f0, e5, c3, 0a, 10, 52), 10, IP4(10, 10, 0, 52), 64,
	    33000, H_DHCP, NULL },
	/* 00:90:5e Rauland-Borg: the nurse call server. */
	[D_NURSECALL] = { M(00, 90, 5e, 20, 10, f0), 10, IP4(10, 10, 0, 240),
	    64, 36000, 0, "nursecall" },
	/* Imaging: Siemens CT, GE MR, Fujifilm DX, Philips ultrasound on
	 * Intel NICs, Dell reading workstations. */
	[D_CT] = { M(88, 4b, 39, 1c, 20, 11), 20, IP4(10, 20, 0, 11), 128,
	    50100, 0, "ct01" },
	[D_MR] = { M(44, 4b, 5d, 1c, 20, 12), 20, IP4(10, 20, 0, 12), 64,
	    38000, 0, "mr01" },
	[D_DX] = { M(88, b4, 36, 1c, 20, 13), 20, IP4(10, 20, 0, 13), 128,
	    50200, 0, "dxroom2" },
	[D_US0] = { M(f0, b2, b9, 3e, 20, 51), 20, IP4(10, 20, 0, 51), 128,
	    50300, H_DHCP, "EPIQ7-US1" },
	[D_US1] = { M(f0, b2, b9, 3e, 20, 52), 20, IP4(10, 20, 0, 52), 128,
	    50300, H_DHCP, "EPIQ7-US2" },
	[D_RADWS0] = { M(6c, 2b, 59, 3e, 20, 61), 20, IP4(10, 20, 0, 61), 128,
	    50400, 0, "radws01" },
	[D_RADWS1] = { M(6c, 2b, 59, 3e, 20, 62), 20, IP4(10, 20, 0, 62), 128,
	    50400, 0, "radws02" },
	/* c8:5a:cf HP Inc.: clinical PCs. */
	[D_WS0] = { M(c8, 5a, cf, 40, 01, 01), 40, IP4(10, 40, 0, 101), 128,
	    52000, H_DHCP, "WARD4-WS01" },
	[D_WS1] = { M(c8, 5a, cf, 40, 01, 02), 40, IP4(10, 40, 0, 102), 128,
	    52000, H_DHCP, "WARD4-WS02" },
	[D_WS2] = { M(c8, 5a, cf, 40, 01, 03), 40, IP4(10, 40, 0, 103), 128,
	    52000, H_DHCP, "WARD4-WS03" },
	[D_WS3] = { M(c8, 5a, cf, 40, 01, 04), 40, IP4(10, 40, 0, 104), 128,
	    52000, H_DHCP, "WARD4-WS04" },
	[D_WS4] = { M(c8, 5a, cf, 40, 01, 05), 40, IP4(10, 40, 0, 105), 128,
	    52000, H_DHCP, "WARD4-WS05" },
	[D_WS5] = { M(c8, 5a, cf, 40, 01, 06), 40, IP4(10, 40, 0, 106), 128,
	    52000, H_DHCP, "WARD4-WS06" },
	/* b0:5c:da HP Inc.: the ward's LaserJet. */
	[D_PRINTER] = { M(b0, 5c, da, 5a, 40, 20), 40, IP4(10, 40, 0, 120),
	    64, 40000, H_DHCP, "NPI5A4020" },
	/* 3c:ec:ef Super Micro: the departmental file servers. */
	[D_FS0] = { M(3c, ec, ef, 40, 00, 50), 40, IP4(10, 40, 0, 50), 128,
	    50800, 0, "fs01" },
	[D_FS1] = { M(3c, ec, ef, 40, 00, 51), 40, IP4(10, 40, 0, 51), 128,
	    50800, 0, "fs02" },
	[D_FS2] = { M(3c, ec, ef, 40, 00, 52), 40, IP4(10, 40, 0, 52), 128,
	    50800, 0, "fs03" },
	/* Roche cobas 8000, a Sysmex XN-1000 on its Dell PC. */
	[D_COBAS] = { M(b8, 78, 79, 40, 00, 61), 40, IP4(10, 40, 0, 61), 128,
	    50600, 0, "cobas8000" },
	[D_SYSMEX] = { M(98, e7, 43, 40, 00, 62), 40, IP4(10, 40, 0, 62), 128,
	    50700, 0, "xn1000" },
	[D_NEWMON] = { M(00, 09, fb, 4a, 10, 29), 10, IP4(10, 10, 0, 29), 64,
	    1025, H_DHCP | H_DAY2 | H_MON_PHILIPS, NULL },
	/* The internet: MaxMind test-database addresses. */
	[D_EXT_CDN] = { NOMAC, 0, IP4(23, 32, 1, 10), 52, 0, H_EXT, NULL },
	[D_EXT_PUMP] = { NOMAC, 0, IP4(216, 160, 83, 60), 50, 0, H_EXT,
	    NULL },
	[D_EXT_HL7] = { NOMAC, 0, IP4(175, 16, 199, 10), 47, 0, H_EXT, NULL },
	[D_EXT_DICOM] = { NOMAC, 0, IP4(89, 160, 20, 115), 55, 0, H_EXT,
	    NULL },
};

/* What an incident may change and must put back. */
struct days_state {
	uint64_t	 rng;		/* the generator's, kept here */
	uint16_t	 ipid[D_NHOSTS];
	uint16_t	 eport[D_NHOSTS];
	unsigned	 ctl;		/* HL7 control ids */
	unsigned	 uid;		/* DICOM UIDs */
};

struct days {
	struct gen	*g;
	struct pkt	*b;		/* payload scratch */
	int		 day;		/* 1 or 2 */
	int		 incidents;	/* run the incidents */
	uint64_t	 start;		/* the day's midnight, seconds */
	uint16_t	 vlan[D_NHOSTS];
	uint32_t	 ip[D_NHOSTS];	/* 0: no address yet */
	int		 present[D_NHOSTS];
	struct days_state s;
};

/* ------------------------------------------------------------------ */
/* Layer 2 and routing.                                               */

static int
router_of(uint16_t vlan)
{
	switch (vlan) {
	case 10: return D_R10;
	case 20: return D_R20;
	case 25: return D_R25;
	case 30: return D_R30;
	case 35: return D_R35;
	default: return D_R40;
	}
}

static int
is_router(int h)
{
	return h >= 0 && (days_hosts[h].flags & H_ROUTER) != 0;
}

static int
is_ext(int h)
{
	return h >= 0 && (days_hosts[h].flags & H_EXT) != 0;
}

static uint16_t
next_port(struct days *d, int h)
{
	uint16_t p = d->s.eport[h]++;

	if (d->s.eport[h] < 1024)
		d->s.eport[h] = 49152;
	return p;
}

/*
 * Ethernet and 802.1Q header of a packet from s to t.  A device sends
 * on its VLAN to t itself, or to its router when t is elsewhere; the
 * internet and a router talking for itself to another VLAN are seen on
 * t's VLAN, from t's router.
 */
static void
days_l2(struct days *d, struct pkt *p, int s, int t)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff };
	struct pkt_link l = { .type = PKT_LINK_ETH, .nvlan = 1,
	    .tpid = { ETYPE_VLAN } };
	const uint8_t *src, *dst;

	if (is_ext(s) || (is_router(s) && t >= 0 && d->vlan[t] != d->vlan[s]
	    && !is_ext(t))) {
		l.vlan[0] = d->vlan[t];
		src = days_hosts[router_of(d->vlan[t])].mac;
		dst = days_hosts[t].mac;
	} else {
		l.vlan[0] = d->vlan[s];
		src = days_hosts[s].mac;
		if (t == D_BCAST)
			dst = bcast;
		else if (is_ext(t) || d->vlan[t] != d->vlan[s])
			dst = days_hosts[router_of(d->vlan[s])].mac;
		else
			dst = days_hosts[t].mac;
	}
	pkt_l2(p, &l, dst, src, 0, 1);
}

/* Emit, and the routed copy on t's VLAN when the packet crosses. */
static void
days_emit(struct days *d, struct pkt *p, int s, int t)
{
	uint8_t *ip = p->buf + ETH_HLEN_VLAN;
	uint16_t vlan;

	gen_emit(d->g, p);
	if (t < 0 || is_router(t) || is_router(s) || is_ext(s) || is_ext(t) ||
	    d->vlan[t] == d->vlan[s])
		return;
	vlan = d->vlan[t];
	memcpy(p->buf, days_hosts[t].mac, 6);
	memcpy(p->buf + 6, days_hosts[router_of(vlan)].mac, 6);
	pkt_set16(p->buf + 14, vlan);
	ip[8]--;
	pkt_set16(ip + 10, 0);
	pkt_set16(ip + 10, pkt_ipv4_csum(ip));
	gen_wait(d->g, DAYS_HOP_NS);
	gen_emit(d->g, p);
}

static void
days_udp(struct days *d, int s, uint32_t sip, uint16_t sport, int t,
    uint32_t dip, uint16_t dport, const uint8_t *data, size_t n)
{
	struct pkt *p = &d->g->pkt;
	uint8_t *ip;

	pkt_reset(p);
	days_l2(d, p, s, t);
	ip = pkt_ipv4(p, sip, dip, IPPROTO_UDP_, d->s.ipid[s]++);
	ip[8] = days_hosts[s].ttl;
	(void)pkt_udp(p, sport, dport);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	pkt_pad(p, PKT_ETH_MIN);
	days_emit(d, p, s, t);
}

/* ------------------------------------------------------------------ */
/* TCP.                                                               */

struct dconv {
	struct days	*d;
	int		 h[2];
	uint16_t	 port[2];
	uint32_t	 seq[2];
	uint16_t	 win[2];
};

static void
dc_init(struct dconv *c, struct days *d, int cli, int srv, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->h[0] = cli;
	c->h[1] = srv;
	c->port[0] = next_port(d, cli);
	c->port[1] = sport;
	c->seq[0] = (uint32_t)gen_rand(d->g);
	c->seq[1] = (uint32_t)gen_rand(d->g);
	c->win[0] = days_hosts[cli].ttl == 128 ? 64240 : 29200;
	c->win[1] = days_hosts[srv].ttl == 128 ? 65535 : 28960;
}

static uint64_t
dc_rtt(const struct dconv *c)
{
	if (is_ext(c->h[0]) || is_ext(c->h[1]))
		return 40 * GEN_MS;
	return c->d->vlan[c->h[0]] == c->d->vlan[c->h[1]] ? DAYS_RTT_NS :
	    2 * DAYS_RTT_NS;
}

static void
dc_seg(struct dconv *c, int dir, uint8_t flags, const uint8_t *data,
    size_t n)
{
	static const uint8_t opts[12] = { 2, 4, DAYS_MSS >> 8,
	    DAYS_MSS & 0xff, 1, 3, 3, 8, 1, 1, 4, 2 };
	struct days *d = c->d;
	struct pkt *p = &d->g->pkt;
	int s = c->h[dir], t = c->h[!dir];
	uint8_t *ip;

	pkt_reset(p);
	days_l2(d, p, s, t);
	ip = pkt_ipv4(p, d->ip[s], d->ip[t], IPPROTO_TCP_, d->s.ipid[s]++);
	ip[6] = 0x40;				/* DF */
	ip[8] = days_hosts[s].ttl;
	(void)pkt_tcp(p, c->port[dir], c->port[!dir], c->seq[dir],
	    (flags & TCP_ACK) ? c->seq[!dir] : 0, flags, c->win[dir], opts,
	    (flags & TCP_SYN) ? sizeof(opts) : 0);
	pkt_bytes(p, data, n);
	pkt_finish(p);
	pkt_pad(p, PKT_ETH_MIN);
	days_emit(d, p, s, t);
	c->seq[dir] += (uint32_t)n;
	if (flags & (TCP_SYN | TCP_FIN))
		c->seq[dir]++;
}

static void
dc_open(struct dconv *c)
{
	dc_seg(c, 0, TCP_SYN, NULL, 0);
	gen_wait(c->d->g, dc_rtt(c));
	dc_seg(c, 1, TCP_SYN | TCP_ACK, NULL, 0);
	gen_wait(c->d->g, DAYS_GAP_NS);
	dc_seg(c, 0, TCP_ACK, NULL, 0);
	gen_wait(c->d->g, DAYS_GAP_NS);
}

static void
dc_data(struct dconv *c, int dir, const void *buf, size_t n)
{
	const uint8_t *data = buf;
	size_t off = 0, seg, unacked = 0;

	while (off < n) {
		seg = n - off < DAYS_MSS ? n - off : DAYS_MSS;
		dc_seg(c, dir, (uint8_t)(TCP_ACK |
		    (off + seg == n ? TCP_PSH : 0)), data + off, seg);
		off += seg;
		gen_wait(c->d->g, DAYS_GAP_NS);
		if (++unacked == 2 || off == n) {
			gen_wait(c->d->g, dc_rtt(c) / 2);
			dc_seg(c, !dir, TCP_ACK, NULL, 0);
			unacked = 0;
		}
	}
	gen_wait(c->d->g, dc_rtt(c));
}

static void
dc_text(struct dconv *c, int dir, const char *s)
{
	dc_data(c, dir, s, strlen(s));
}

static void
dc_close(struct dconv *c, int dir)
{
	dc_seg(c, dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->d->g, dc_rtt(c));
	dc_seg(c, !dir, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(c->d->g, DAYS_GAP_NS);
	dc_seg(c, dir, TCP_ACK, NULL, 0);
	gen_wait(c->d->g, DAYS_GAP_NS);
}

/* ------------------------------------------------------------------ */
/* DHCP, relayed by the routers to the server on VLAN 30.             */

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

static const uint8_t prl_embedded[] = { 1, 3, 6, 15, 28, 42 };
static const uint8_t prl_win10[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46, 47,
    119, 121, 249, 252 };

/*
 * A BOOTP message of client h: DISCOVER 1, REQUEST 3 (ciaddr set when
 * it renews), OFFER 2, ACK 5.
 */
static void
dhcp_msg(struct days *d, int h, uint8_t type, uint32_t xid, uint32_t yiaddr,
    uint32_t ciaddr, uint32_t giaddr)
{
	const struct dhost *c = &days_hosts[h];
	struct pkt *b = d->b;
	int server = type == 2 || type == 5;
	int win = c->ttl == 128;
	uint8_t cid[7];

	pkt_reset(b);
	pkt_u8(b, server ? 2 : 1);
	pkt_u8(b, 1);
	pkt_u8(b, 6);
	pkt_u8(b, giaddr != 0 ? 1 : 0);
	pkt_be32(b, xid);
	pkt_be16(b, 0);
	pkt_be16(b, win || ciaddr != 0 ? 0 : 0x8000);
	pkt_be32(b, ciaddr);
	pkt_be32(b, server ? yiaddr : 0);
	pkt_be32(b, 0);
	pkt_be32(b, giaddr);
	pkt_bytes(b, c->mac, 6);
	pkt_zero(b, 10 + 64 + 128);
	pkt_be32(b, DHCP_MAGIC);
	dhcp_opt(b, 53, &type, 1);
	if (server) {
		dhcp_opt32(b, 54, days_hosts[D_DHCPDNS].ip);
		dhcp_opt32(b, 51, 86400);
		dhcp_opt32(b, 58, 43200);
		dhcp_opt32(b, 59, 75600);
		dhcp_opt32(b, 1, 0xffffff00);
		dhcp_opt32(b, 3, days_hosts[router_of(d->vlan[h])].ip);
		dhcp_opt32(b, 6, days_hosts[D_DHCPDNS].ip);
		dhcp_opt(b, 15, DAYS_DOMAIN, strlen(DAYS_DOMAIN));
		dhcp_opt32(b, 42, days_hosts[D_NTP].ip);
		pkt_u8(b, 255);
		pkt_pad(b, DHCP_MIN_LEN);
		return;
	}
	cid[0] = 1;
	memcpy(cid + 1, c->mac, 6);
	dhcp_opt(b, 61, cid, sizeof(cid));
	if (type == 3 && ciaddr == 0) {
		dhcp_opt32(b, 50, yiaddr);
		dhcp_opt32(b, 54, days_hosts[D_DHCPDNS].ip);
	}
	if (c->name != NULL)
		dhcp_opt(b, 12, c->name, strlen(c->name));
	if (win) {
		dhcp_opt(b, 60, "MSFT 5.0", 8);
		dhcp_opt(b, 55, prl_win10, sizeof(prl_win10));
	} else
		dhcp_opt(b, 55, prl_embedded, sizeof(prl_embedded));
	pkt_u8(b, 255);
	pkt_pad(b, DHCP_MIN_LEN);
}

/* A broadcast client message, relayed unless the client is on 30. */
static void
dhcp_client(struct days *d, int h, uint8_t type, uint32_t xid,
    uint32_t yiaddr)
{
	int r = router_of(d->vlan[h]);

	dhcp_msg(d, h, type, xid, yiaddr, 0, 0);
	days_udp(d, h, 0, DHCP_CLIENT, D_BCAST, 0xffffffff, DHCP_SERVER,
	    d->b->buf, d->b->len);
	if (d->vlan[h] == 30)
		return;
	gen_wait(d->g, 120 * GEN_US);
	dhcp_msg(d, h, type, xid, yiaddr, 0, days_hosts[r].ip);
	days_udp(d, D_R30, days_hosts[D_R30].ip, DHCP_SERVER, D_DHCPDNS,
	    days_hosts[D_DHCPDNS].ip, DHCP_SERVER, d->b->buf, d->b->len);
}

/* The server's answer, through the relay. */
static void
dhcp_server(struct days *d, int h, uint8_t type, uint32_t xid,
    uint32_t yiaddr)
{
	int r = router_of(d->vlan[h]);

	dhcp_msg(d, h, type, xid, yiaddr, 0, days_hosts[r].ip);
	days_udp(d, D_DHCPDNS, days_hosts[D_DHCPDNS].ip, DHCP_SERVER, r,
	    days_hosts[r].ip, DHCP_SERVER, d->b->buf, d->b->len);
	gen_wait(d->g, 150 * GEN_US);
	days_udp(d, r, days_hosts[r].ip, DHCP_SERVER, D_BCAST, 0xffffffff,
	    DHCP_CLIENT, d->b->buf, d->b->len);
}

/* DISCOVER, OFFER, REQUEST, ACK: h holds ip after. */
static void
days_dhcp(struct days *d, int h, uint32_t ip)
{
	uint32_t xid = (uint32_t)gen_rand(d->g);

	dhcp_client(d, h, 1, xid, ip);
	gen_wait(d->g, 3 * GEN_MS);
	dhcp_server(d, h, 2, xid, ip);
	gen_wait(d->g, 20 * GEN_MS);
	dhcp_client(d, h, 3, xid, ip);
	gen_wait(d->g, 3 * GEN_MS);
	dhcp_server(d, h, 5, xid, ip);
	d->ip[h] = ip;
	gen_wait(d->g, 400 * GEN_MS);
}

/* A renewal at T1: REQUEST unicast to the server, ACK back. */
static void
days_renew(struct days *d, int h)
{
	uint32_t xid = (uint32_t)gen_rand(d->g);

	dhcp_msg(d, h, 3, xid, d->ip[h], d->ip[h], 0);
	days_udp(d, h, d->ip[h], DHCP_CLIENT, D_DHCPDNS,
	    days_hosts[D_DHCPDNS].ip, DHCP_SERVER, d->b->buf, d->b->len);
	gen_wait(d->g, 2 * GEN_MS);
	dhcp_msg(d, h, 5, xid, d->ip[h], d->ip[h], 0);
	days_udp(d, D_DHCPDNS, days_hosts[D_DHCPDNS].ip, DHCP_SERVER, h,
	    d->ip[h], DHCP_CLIENT, d->b->buf, d->b->len);
	gen_wait(d->g, 100 * GEN_MS);
}

/* ------------------------------------------------------------------ */
/* DNS, NTP, syslog.                                                  */

static void
days_dns(struct days *d, int h, int answer)
{
	char name[64];
	uint8_t buf[512], addr[4];
	uint16_t id = (uint16_t)gen_rand(d->g), port = next_port(d, h);
	size_t n;

	(void)snprintf(name, sizeof(name), "%s." DAYS_DOMAIN,
	    days_hosts[answer].name != NULL ? days_hosts[answer].name : "x");
	pkt_set32(addr, d->ip[answer]);
	n = scen_dns(buf, sizeof(buf), id, name, NULL);
	days_udp(d, h, d->ip[h], port, D_DHCPDNS, d->ip[D_DHCPDNS], DNS_PORT,
	    buf, n);
	gen_wait(d->g, 700 * GEN_US);
	n = scen_dns(buf, sizeof(buf), id, name, addr);
	days_udp(d, D_DHCPDNS, d->ip[D_DHCPDNS], DNS_PORT, h, d->ip[h], port,
	    buf, n);
	gen_wait(d->g, 5 * GEN_MS);
}

static void
ntp_ts(uint8_t *p, uint64_t ns)
{
	pkt_set32(p, (uint32_t)(ns / GEN_NS + 2208988800ull));
	pkt_set32(p + 4, (uint32_t)((ns % GEN_NS << 32) / GEN_NS));
}

/* NTPv4 client request and server reply (RFC 5905). */
static void
days_ntp(struct days *d, int h)
{
	uint8_t m[48];
	uint32_t sip = d->ip[h];

	memset(m, 0, sizeof(m));
	m[0] = 0x23;				/* v4, client */
	ntp_ts(m + 40, d->g->now);
	days_udp(d, h, sip, NTP_PORT, D_NTP, d->ip[D_NTP], NTP_PORT, m,
	    sizeof(m));
	gen_wait(d->g, 900 * GEN_US);
	m[0] = 0x24;				/* v4, server */
	m[1] = 2;
	m[2] = 6;
	m[3] = 0xe9;
	memcpy(m + 12, "\xc0\x00\x02\x01", 4);	/* reference id */
	memcpy(m + 24, m + 40, 8);
	ntp_ts(m + 32, d->g->now);
	ntp_ts(m + 40, d->g->now);
	days_udp(d, D_NTP, d->ip[D_NTP], NTP_PORT, h, sip, NTP_PORT, m,
	    sizeof(m));
	gen_wait(d->g, 3 * GEN_MS);
}

/* A router logs to the syslog server from its own address. */
static void
days_syslog(struct days *d, int r, const char *msg)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "<189>%u: %s", ++d->s.ctl, msg);
	if (n > 0)
		days_udp(d, r, days_hosts[r].ip, next_port(d, r), D_DHCPDNS,
		    d->ip[D_DHCPDNS], SYSLOG_PORT, (const uint8_t *)buf,
		    (size_t)n);
	gen_wait(d->g, 2 * GEN_MS);
}

/*
 * The router's IP SLA probe: an echo from the address of one of its
 * interfaces (r) to t on another VLAN, seen there from t's router MAC.
 */
static void
days_ping(struct days *d, int r, int t)
{
	struct pkt *p = &d->g->pkt;
	uint16_t id = 0x5a17, seq = (uint16_t)(d->g->now / GEN_NS / 3600);
	int dir, s, u;
	uint8_t *ip;

	for (dir = 0; dir < 2; dir++) {
		s = dir ? t : r;
		u = dir ? r : t;
		pkt_reset(p);
		days_l2(d, p, s, u);
		ip = pkt_ipv4(p, d->ip[s], d->ip[u], IPPROTO_ICMP_,
		    d->s.ipid[s]++);
		ip[8] = days_hosts[s].ttl;
		(void)pkt_icmp4(p, dir ? 0 : 8, 0, (uint32_t)id << 16 | seq);
		pkt_zero(p, 28);
		pkt_finish(p);
		pkt_pad(p, PKT_ETH_MIN);
		days_emit(d, p, s, u);
		gen_wait(d->g, 600 * GEN_US);
	}
}

/* ------------------------------------------------------------------ */
/* HL7 v2 over MLLP: a connection per message, as many devices do.    */

static void
hl7_time(struct days *d, char *buf, size_t len)
{
	time_t t = (time_t)(d->g->now / GEN_NS);
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, len, "%Y%m%d%H%M%S+0000", &tm);
}

/* The EUI-64 of a MAC: FFFE in the middle, as the device sends it. */
static void
eui64(const uint8_t *m, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%02X%02X%02XFFFE%02X%02X%02X", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
}

#define HL7_PID	"PID|1||000000^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r"
#define HL7_PV1	"PV1|1|I|W4^07^1\r"

/*
 * Send msg (segments ended by CR) from cli to srv:port in its own
 * connection; srv answers an ACK naming ctl.  A peer on the internet
 * that never answers at the application layer still ACKs TCP.
 */
static void
hl7_send(struct days *d, int cli, int srv, const char *msg, const char *ctl,
    const char *app, const char *fac)
{
	char frame[4096], ack[512], ts[32];
	struct dconv c;
	int n;

	dc_init(&c, d, cli, srv, HL7_PORT);
	dc_open(&c);
	n = snprintf(frame, sizeof(frame), "%c%s%c\r", MLLP_SB, msg,
	    MLLP_EB);
	if (n > 0 && (size_t)n < sizeof(frame))
		dc_data(&c, 0, frame, (size_t)n);
	gen_wait(d->g, 2 * GEN_MS);
	hl7_time(d, ts, sizeof(ts));
	(void)snprintf(ack, sizeof(ack), "MSH|^~\\&|HL7_ENGINE|HOSPITAL|%s|%s|"
	    "%s||ACK^R01^ACK|A%s|P|2.6\rMSA|AA|%s\r", app, fac, ts, ctl, ctl);
	n = snprintf(frame, sizeof(frame), "%c%s%c\r", MLLP_SB, ack, MLLP_EB);
	if (n > 0 && (size_t)n < sizeof(frame))
		dc_data(&c, 1, frame, (size_t)n);
	dc_close(&c, 0);
}

/* A bedside device's ORU^R01 (IHE PCD-01) with its maker's MSH-3. */
static void
hl7_bedside(struct days *d, int h, int to)
{
	const struct dhost *x = &days_hosts[h];
	char msg[2048], ctl[32], ts[32], eui[20], app[64];
	const char *fac, *mds, *obx;
	unsigned v = (unsigned)gen_range(d->g, 0, 9);

	eui64(x->mac, eui, sizeof(eui));
	(void)snprintf(ctl, sizeof(ctl), "D%07u", ++d->s.ctl);
	hl7_time(d, ts, sizeof(ts));
	if (x->flags & H_MON_PHILIPS) {
		(void)snprintf(app, sizeof(app), "INTELLIVUE^%s^EUI-64", eui);
		fac = "ICU_WEST";
	} else if (x->flags & H_MON_GE) {
		(void)snprintf(app, sizeof(app), "VSP^%s^EUI-64", eui);
		fac = "GE Healthcare";
	} else if (x->flags & H_MON_MINDRAY) {
		(void)snprintf(app, sizeof(app), "BENEVISION^%s^EUI-64", eui);
		fac = "ICU_WEST";
	} else if (h >= D_BBR0 && h <= D_BBR3) {
		(void)snprintf(app, sizeof(app), "PAT_DEVICE_BBRAUN^%s^EUI-64",
		    eui);
		fac = "BBRAUN";
	} else {
		(void)snprintf(app, sizeof(app), "EVITA^%s^EUI-64", eui);
		fac = "ICU_WEST";
	}
	if (h >= D_BBR0 && h <= D_BBR3) {
		mds = "70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC";
		obx = "158014^MDC_FLOW_FLUID_PUMP_CURRENT^MDC";
	} else if (h == D_VENT0 || h == D_VENT1) {
		mds = "70609^MDC_DEV_SYS_VENT_MDS^MDC";
		obx = "151868^MDC_VOL_AWAY_TIDAL^MDC";
	} else {
		mds = "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC";
		obx = "147842^MDC_ECG_HEART_RATE^MDC";
	}
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|%s|%s|HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6|"
	    "||NE|AL|||||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
	    HL7_PID HL7_PV1
	    "OBR|1|%s|%s|182777000^monitoring of patient^SCT|||%s\r"
	    "OBX|1||%s|1.0.0.0|||||||X|||%s||||%s^^%s^EUI-64\r"
	    "OBX|2|NM|%s|1.1.1.1|7%u||||||R|||%s||||%s^^%s^EUI-64\r",
	    app, fac, ts, ctl, ctl, ctl, ts, mds, ts, eui, eui, obx, v, ts,
	    eui, eui);
	hl7_send(d, h, to, msg, ctl, app, fac);
}

/* MedNet reports a Plum's infusion to the engine. */
static void
hl7_mednet(struct days *d, int pump)
{
	char msg[2048], ctl[32], ts[32], eui[20];

	eui64(days_hosts[pump].mac, eui, sizeof(eui));
	(void)snprintf(ctl, sizeof(ctl), "MN%07u", ++d->s.ctl);
	hl7_time(d, ts, sizeof(ts));
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|PAT_DEVICE_ICU_MEDICAL^0003B10000000001^EUI-64|"
	    "ICU_MEDICAL|HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|2.6\r"
	    HL7_PID HL7_PV1
	    "OBR|1|%s|%s|999999^Unknown medication|||%s\r"
	    "OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||%s"
	    "||||%s^^%s^EUI-64\r", ts, ctl, ctl, ctl, ts, ts, eui, eui);
	hl7_send(d, D_MEDNET, D_ENGINE, msg, ctl,
	    "PAT_DEVICE_ICU_MEDICAL^0003B10000000001^EUI-64", "ICU_MEDICAL");
}

/* A lab result with its analyzer in EQU. */
static void
hl7_lab(struct days *d, int h, int to)
{
	char msg[2048], ctl[32], ts[32];
	int cobas = h == D_COBAS;

	(void)snprintf(ctl, sizeof(ctl), "L%07u", ++d->s.ctl);
	hl7_time(d, ts, sizeof(ts));
	(void)snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|%s|%s|HL7_ENGINE|HOSPITAL|%s||ORU^R01^ORU_R01|%s|P|"
	    "2.5.1|||AL|NE\r" HL7_PID
	    "OBR|1|ORD%s|ACC%s|%s|||%s\r"
	    "OBX|1|NM|%s||0.9|mg/dL^mg/dL^UCUM|0.6-1.2|N|||F|||%s||||%s\r"
	    "EQU|%s|%s\r",
	    cobas ? "cobas 8000" : "SYSMEX", cobas ? "LAB01" : "XN1000", ts,
	    ctl, ctl, ctl, cobas ? "2160-0^Creatinine^LN" :
	    "58410-2^CBC panel^LN", ts, cobas ? "2160-0^Creatinine^LN" :
	    "6690-2^WBC^LN", ts, cobas ? "c702^Roche" : "XN-1000^SYSMEX",
	    cobas ? "c702^Roche" : "XN-1000^SYSMEX", ts);
	hl7_send(d, h, to, msg, ctl, cobas ? "cobas 8000" : "SYSMEX",
	    cobas ? "LAB01" : "XN1000");
}

/* The engine: ADT^A02 to the nurse call, ORM^O01 to the PACS. */
static void
hl7_engine(struct days *d, int to)
{
	char msg[2048], ctl[32], ts[32];

	(void)snprintf(ctl, sizeof(ctl), "E%07u", ++d->s.ctl);
	hl7_time(d, ts, sizeof(ts));
	if (to == D_NURSECALL)
		(void)snprintf(msg, sizeof(msg),
		    "MSH|^~\\&|EHR|HOSPITAL|RESPONDER|NURSECALL|%s||"
		    "ADT^A02^ADT_A02|%s|P|2.5.1\rEVN|A02|%s\r" HL7_PID HL7_PV1,
		    ts, ctl, ts);
	else
		(void)snprintf(msg, sizeof(msg),
		    "MSH|^~\\&|EHR|HOSPITAL|PACS|RADIOLOGY|%s||ORM^O01^ORM_O01|"
		    "%s|P|2.5.1\r" HL7_PID HL7_PV1 "ORC|NW|ORD%s\r"
		    "OBR|1|ORD%s||CTHEAD^CT head without contrast^L|||%s\r",
		    ts, ctl, ctl, ctl, ts);
	hl7_send(d, D_ENGINE, to, msg, ctl, "EHR", "HOSPITAL");
}

/* ------------------------------------------------------------------ */
/* TLS 1.2: the Plums to MedNet, the PCs to the web.                  */

static void
tls_rand(struct days *d, struct pkt *b, size_t n)
{
	size_t i;
	uint64_t r = 0;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = gen_rand(d->g);
		pkt_u8(b, (uint32_t)(r >> (i % 8 * 8)) & 0xff);
	}
}

static void
tls_client_hello(struct days *d, const char *sni)
{
	static const uint16_t suites[] = { 0xc02b, 0xc02f, 0xc02c, 0xc030,
	    0x009c, 0x009d, 0x002f, 0x0035, 0x00ff };
	struct pkt *b = d->b;
	size_t hs, ext, i, n = strlen(sni);

	pkt_reset(b);
	pkt_u8(b, 0x16);
	pkt_be16(b, 0x0301);
	pkt_be16(b, 0);
	pkt_u8(b, 1);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	hs = b->len;
	pkt_be16(b, 0x0303);
	tls_rand(d, b, 32);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)(2 * (sizeof(suites) / sizeof(suites[0]))));
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		pkt_be16(b, suites[i]);
	pkt_u8(b, 1);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	ext = b->len;
	pkt_be16(b, 0x0000);			/* server_name */
	pkt_be16(b, (uint32_t)(n + 5));
	pkt_be16(b, (uint32_t)(n + 3));
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)n);
	pkt_bytes(b, sni, n);
	pkt_be16(b, 0x000a);			/* supported_groups */
	pkt_be16(b, 6);
	pkt_be16(b, 4);
	pkt_be16(b, 0x0017);
	pkt_be16(b, 0x001d);
	pkt_be16(b, 0x000b);			/* ec_point_formats */
	pkt_be16(b, 2);
	pkt_u8(b, 1);
	pkt_u8(b, 0);
	pkt_set16(b->buf + ext - 2, (uint32_t)(b->len - ext));
	pkt_set16(b->buf + hs - 2, (uint32_t)(b->len - hs));
	pkt_set16(b->buf + 3, (uint32_t)(b->len - 5));
}

static void
tls_server_hello(struct days *d)
{
	struct pkt *b = d->b;
	size_t hs;

	pkt_reset(b);
	pkt_u8(b, 0x16);
	pkt_be16(b, 0x0303);
	pkt_be16(b, 0);
	pkt_u8(b, 2);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	hs = b->len;
	pkt_be16(b, 0x0303);
	tls_rand(d, b, 32);
	pkt_u8(b, 0);
	pkt_be16(b, 0xc02f);
	pkt_u8(b, 0);
	pkt_be16(b, 5);
	pkt_be16(b, 0xff01);
	pkt_be16(b, 1);
	pkt_u8(b, 0);
	pkt_set16(b->buf + hs - 2, (uint32_t)(b->len - hs));
	pkt_set16(b->buf + 3, (uint32_t)(b->len - 5));
}

static void
tls_record(struct days *d, uint8_t type, size_t n)
{
	struct pkt *b = d->b;

	pkt_reset(b);
	pkt_u8(b, type);
	pkt_be16(b, 0x0303);
	pkt_be16(b, (uint32_t)n);
	tls_rand(d, b, n);
}

static void
days_tls(struct days *d, int cli, int srv, const char *sni, size_t up,
    size_t down)
{
	static const uint8_t ccs[6] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct dconv c;

	dc_init(&c, d, cli, srv, TLS_PORT);
	dc_open(&c);
	tls_client_hello(d, sni);
	dc_data(&c, 0, d->b->buf, d->b->len);
	tls_server_hello(d);
	dc_data(&c, 1, d->b->buf, d->b->len);
	dc_data(&c, 0, ccs, sizeof(ccs));
	dc_data(&c, 1, ccs, sizeof(ccs));
	tls_record(d, 0x17, up);
	dc_data(&c, 0, d->b->buf, d->b->len);
	tls_record(d, 0x17, down);
	dc_data(&c, 1, d->b->buf, d->b->len);
	dc_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* DICOM (PS3.8 associations, PS3.7 DIMSE).                           */

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
#define UID_GET_STUDY	"1.2.840.10008.5.1.4.1.2.2.3"

#define DIMSE_C_STORE	0x0001
#define DIMSE_C_GET	0x0010
#define DIMSE_C_FIND	0x0020
#define DIMSE_C_MOVE	0x0021
#define DIMSE_C_ECHO	0x0030
#define DIMSE_RSP	0x8000
#define DIMSE_NO_DATA	0x0101
#define DIMSE_DATA	0x0000
#define DIMSE_PENDING	0xff00
#define DIMSE_MOVE_UNKNOWN_DEST	0xa801

struct dcm_equip {
	const char	*ae;
	const char	*modality;
	const char	*sop;
	const char	*manufacturer;
	const char	*model;
	const char	*uid_root;
};

static const struct dcm_equip eq_ct = { "SOMATOM_CT1", "CT", UID_CT,
    "SIEMENS", "SOMATOM go.Up", "1.3.12.2.1107.5.1.4.95123" };
static const struct dcm_equip eq_mr = { "SIGNA_MR1", "MR", UID_MR,
    "GE MEDICAL SYSTEMS", "SIGNA Artist", "1.2.840.113619.2.408.5554020" };
static const struct dcm_equip eq_dx = { "FDR_DX1", "DX", UID_DX,
    "FUJIFILM Corporation", "FDR D-EVO II", "1.2.392.200036.9125.2.2613" };
static const struct dcm_equip eq_us0 = { "EPIQ7_US1", "US", UID_US,
    "Philips Medical Systems", "EPIQ 7G", "1.3.46.670589.14.1.20" };
static const struct dcm_equip eq_us1 = { "EPIQ7_US2", "US", UID_US,
    "Philips Medical Systems", "EPIQ 7G", "1.3.46.670589.14.1.21" };

#define AE_PACS		"SECTRA_PACS"
#define AE_CLOUD	"CLOUD_ARCHIVE"
#define AE_EXFIL	"EXFIL_SCP"
#define AE_GETSCU	"GETSCU"	/* a DICOM toolkit's default title */

static void
dcm_item(struct pkt *b, uint8_t type, const char *s)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)strlen(s));
	pkt_bytes(b, s, strlen(s));
}

static void
dcm_ae(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, 16);

	memset(p, ' ', 16);
	memcpy(p, ae, strlen(ae));
}

/* A-ASSOCIATE-RQ or -AC with one presentation context per SOP class. */
static void
dcm_assoc(struct pkt *b, int ac, const char *calling, const char *called,
    const char *const *as, size_t nas)
{
	size_t i, pc, ui;

	pkt_reset(b);
	pkt_u8(b, ac ? 0x02 : 0x01);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be16(b, 1);
	pkt_zero(b, 2);
	dcm_ae(b, called);
	dcm_ae(b, calling);
	pkt_zero(b, 32);
	dcm_item(b, 0x10, UID_APP_CTX);
	for (i = 0; i < nas; i++) {
		pkt_u8(b, ac ? 0x21 : 0x20);
		pkt_u8(b, 0);
		pkt_be16(b, 0);
		pc = b->len;
		pkt_u8(b, (uint32_t)(2 * i + 1));
		pkt_zero(b, 3);
		if (!ac)
			dcm_item(b, 0x30, as[i]);
		dcm_item(b, 0x40, UID_EXPLICIT);
		pkt_set16(b->buf + pc - 2, (uint32_t)(b->len - pc));
	}
	pkt_u8(b, 0x50);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	ui = b->len;
	pkt_u8(b, 0x51);
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, 16384);
	dcm_item(b, 0x52, "1.2.276.0.7230010.3.0.3.6.7");
	dcm_item(b, 0x55, "OFFIS_DCMTK_367");
	pkt_set16(b->buf + ui - 2, (uint32_t)(b->len - ui));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
dcm_cmd_str(struct pkt *b, uint16_t el, const char *s)
{
	size_t n = strlen(s);

	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, s, n);
	if (n & 1)
		pkt_u8(b, el == 0x0600 ? ' ' : 0);
}

static void
dcm_cmd_us(struct pkt *b, uint16_t el, uint16_t v)
{
	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, 2);
	pkt_le16(b, v);
}

/* A P-DATA-TF with one command PDV, elements in tag order. */
static void
dcm_command(struct pkt *b, uint8_t pcid, const char *sop, uint16_t field,
    uint16_t id, uint16_t ds, uint16_t status, const char *inst,
    const char *move_dest)
{
	int rsp = (field & DIMSE_RSP) != 0;
	size_t pdv, grp;

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, pcid);
	pkt_u8(b, 0x03);			/* command, last */
	pkt_le16(b, 0x0000);
	pkt_le16(b, 0x0000);
	pkt_le32(b, 4);
	pkt_le32(b, 0);
	grp = b->len;
	dcm_cmd_str(b, 0x0002, sop);
	dcm_cmd_us(b, 0x0100, field);
	dcm_cmd_us(b, rsp ? 0x0120 : 0x0110, id);
	if (move_dest != NULL)
		dcm_cmd_str(b, 0x0600, move_dest);
	if (!rsp && field != DIMSE_C_ECHO)
		dcm_cmd_us(b, 0x0700, 0);
	dcm_cmd_us(b, 0x0800, ds);
	if (rsp)
		dcm_cmd_us(b, 0x0900, status);
	if (inst != NULL)
		dcm_cmd_str(b, 0x1000, inst);
	pkt_set32(b->buf + grp - 4, 0);
	b->buf[grp - 4] = (uint8_t)(b->len - grp);
	b->buf[grp - 3] = (uint8_t)((b->len - grp) >> 8);
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
dcm_el(struct pkt *b, uint16_t grp, uint16_t el, const char *vr,
    const char *s)
{
	size_t n = strlen(s);

	pkt_le16(b, grp);
	pkt_le16(b, el);
	pkt_bytes(b, vr, 2);
	pkt_le16(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, s, n);
	if (n & 1)
		pkt_u8(b, strcmp(vr, "UI") == 0 ? 0 : ' ');
}

static size_t
dcm_data_begin(struct pkt *b, uint8_t pcid)
{
	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pkt_u8(b, pcid);
	pkt_u8(b, 0x02);			/* data, last */
	return 10;
}

static void
dcm_data_end(struct pkt *b, size_t pdv)
{
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
dcm_uid(struct days *d, char *buf, size_t len, const char *root,
    const char *kind)
{
	(void)snprintf(buf, len, "%s.%s.2026110%d.%u", root, kind, d->day + 1,
	    ++d->s.uid);
}

/* A small image of the synthetic patient. */
static void
dcm_image(struct days *d, uint8_t pcid, const struct dcm_equip *e,
    const char *inst, const char *study)
{
	struct pkt *b = d->b;
	size_t pdv = dcm_data_begin(b, pcid);

	dcm_el(b, 0x0008, 0x0016, "UI", e->sop);
	dcm_el(b, 0x0008, 0x0018, "UI", inst);
	dcm_el(b, 0x0008, 0x0060, "CS", e->modality);
	dcm_el(b, 0x0008, 0x0070, "LO", e->manufacturer);
	dcm_el(b, 0x0008, 0x1090, "LO", e->model);
	dcm_el(b, 0x0010, 0x0010, "PN", "DOE^JANE");
	dcm_el(b, 0x0010, 0x0020, "LO", "000000");
	dcm_el(b, 0x0020, 0x000d, "UI", study);
	pkt_le16(b, 0x7fe0);
	pkt_le16(b, 0x0010);
	pkt_bytes(b, "OW", 2);
	pkt_le16(b, 0);
	pkt_le32(b, 32);
	pkt_zero(b, 32);
	dcm_data_end(b, pdv);
}

static void
dcm_open(struct days *d, struct dconv *c, const char *calling,
    const char *called, const char *const *as, size_t nas)
{
	dc_open(c);
	dcm_assoc(d->b, 0, calling, called, as, nas);
	dc_data(c, 0, d->b->buf, d->b->len);
	dcm_assoc(d->b, 1, calling, called, as, nas);
	dc_data(c, 1, d->b->buf, d->b->len);
}

static void
dcm_release(struct days *d, struct dconv *c)
{
	static const uint8_t rq[10] = { 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0 };
	static const uint8_t rp[10] = { 0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0 };

	dc_data(c, 0, rq, sizeof(rq));
	dc_data(c, 1, rp, sizeof(rp));
	dc_close(c, 0);
	(void)d;
}

/* C-STORE of n images of one new study from cli to srv. */
static void
dcm_store(struct days *d, int cli, int srv, const struct dcm_equip *e,
    const char *called, unsigned n, const char *study_in)
{
	const char *as[1] = { e->sop };
	char study[96], inst[96];
	struct dconv c;
	unsigned i;

	if (study_in == NULL)
		dcm_uid(d, study, sizeof(study), e->uid_root, "1");
	else
		(void)snprintf(study, sizeof(study), "%s", study_in);
	dc_init(&c, d, cli, srv, DICOM_PORT);
	dcm_open(d, &c, e->ae, called, as, 1);
	for (i = 0; i < n; i++) {
		dcm_uid(d, inst, sizeof(inst), e->uid_root, "3");
		dcm_command(d->b, 1, e->sop, DIMSE_C_STORE, (uint16_t)(i + 1),
		    DIMSE_DATA, 0, inst, NULL);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_image(d, 1, e, inst, study);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_command(d->b, 1, e->sop, DIMSE_C_STORE | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, 0, inst, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		gen_wait(d->g, 40 * GEN_MS);
	}
	dcm_release(d, &c);
}

static const char *
radws_ae(int ws)
{
	return ws == D_RADWS0 ? "RAD_RS01" : "RAD_RS02";
}

/* nq Study Root C-FIND queries, each with matches answers. */
static void
dcm_find(struct days *d, int ws, unsigned nq, unsigned matches)
{
	const char *as[1] = { UID_FIND_STUDY };
	char name[16], study[96];
	struct dconv c;
	unsigned q, m;
	size_t pdv;

	dc_init(&c, d, ws, D_PACS, DICOM_PORT);
	dcm_open(d, &c, radws_ae(ws), AE_PACS, as, 1);
	for (q = 0; q < nq; q++) {
		dcm_command(d->b, 1, UID_FIND_STUDY, DIMSE_C_FIND,
		    (uint16_t)(q + 1), DIMSE_DATA, 0, NULL, NULL);
		dc_data(&c, 0, d->b->buf, d->b->len);
		pdv = dcm_data_begin(d->b, 1);
		dcm_el(d->b, 0x0008, 0x0052, "CS", "STUDY");
		if (nq > 1)
			(void)snprintf(name, sizeof(name), "%c*",
			    'A' + (int)(q % 26));
		else
			(void)snprintf(name, sizeof(name), "DOE^JANE");
		dcm_el(d->b, 0x0010, 0x0010, "PN", name);
		dcm_el(d->b, 0x0020, 0x000d, "UI", "");
		dcm_data_end(d->b, pdv);
		dc_data(&c, 0, d->b->buf, d->b->len);
		for (m = 0; m < matches; m++) {
			dcm_command(d->b, 1, UID_FIND_STUDY,
			    DIMSE_C_FIND | DIMSE_RSP, (uint16_t)(q + 1),
			    DIMSE_DATA, DIMSE_PENDING, NULL, NULL);
			dc_data(&c, 1, d->b->buf, d->b->len);
			pdv = dcm_data_begin(d->b, 1);
			dcm_el(d->b, 0x0008, 0x0052, "CS", "STUDY");
			dcm_el(d->b, 0x0010, 0x0010, "PN", "DOE^JANE");
			dcm_uid(d, study, sizeof(study), eq_ct.uid_root, "1");
			dcm_el(d->b, 0x0020, 0x000d, "UI", study);
			dcm_data_end(d->b, pdv);
			dc_data(&c, 1, d->b->buf, d->b->len);
		}
		dcm_command(d->b, 1, UID_FIND_STUDY, DIMSE_C_FIND | DIMSE_RSP,
		    (uint16_t)(q + 1), DIMSE_NO_DATA, 0, NULL, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		gen_wait(d->g, 20 * GEN_MS);
	}
	dcm_release(d, &c);
}

/*
 * ns Study Root C-MOVEs to dest.  To the workstation's own AE the PACS
 * stores each study back to it in an association of its own; an AE it
 * does not know gets "move destination unknown" (A801).
 */
static void
dcm_move(struct days *d, int ws, const char *dest, unsigned ns)
{
	const char *as[1] = { UID_MOVE_STUDY };
	char study[64][96];
	struct dconv c;
	unsigned i, own = strcmp(dest, radws_ae(ws)) == 0;
	size_t pdv;

	if (ns > 64)
		ns = 64;
	dc_init(&c, d, ws, D_PACS, DICOM_PORT);
	dcm_open(d, &c, radws_ae(ws), AE_PACS, as, 1);
	for (i = 0; i < ns; i++) {
		dcm_uid(d, study[i], sizeof(study[i]), eq_ct.uid_root, "1");
		dcm_command(d->b, 1, UID_MOVE_STUDY, DIMSE_C_MOVE,
		    (uint16_t)(i + 1), DIMSE_DATA, 0, NULL, dest);
		dc_data(&c, 0, d->b->buf, d->b->len);
		pdv = dcm_data_begin(d->b, 1);
		dcm_el(d->b, 0x0008, 0x0052, "CS", "STUDY");
		dcm_el(d->b, 0x0020, 0x000d, "UI", study[i]);
		dcm_data_end(d->b, pdv);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_command(d->b, 1, UID_MOVE_STUDY, DIMSE_C_MOVE | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, own ? 0 :
		    DIMSE_MOVE_UNKNOWN_DEST, NULL, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		gen_wait(d->g, 20 * GEN_MS);
	}
	dcm_release(d, &c);
	if (!own)
		return;
	/* The PACS stores what was asked for: one image per study. */
	for (i = 0; i < ns; i++) {
		static const struct dcm_equip pacs_ct = { AE_PACS, "CT",
		    UID_CT, "SIEMENS", "SOMATOM go.Up",
		    "1.3.12.2.1107.5.1.4.95123" };
		const char *sop[1] = { UID_CT };
		char inst[96];

		if (i == 0) {
			dc_init(&c, d, D_PACS, ws, DICOM_PORT);
			dcm_open(d, &c, AE_PACS, dest, sop, 1);
		}
		dcm_uid(d, inst, sizeof(inst), pacs_ct.uid_root, "3");
		dcm_command(d->b, 1, UID_CT, DIMSE_C_STORE, (uint16_t)(i + 1),
		    DIMSE_DATA, 0, inst, NULL);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_image(d, 1, &pacs_ct, inst, study[i]);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_command(d->b, 1, UID_CT, DIMSE_C_STORE | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, 0, inst, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		gen_wait(d->g, 30 * GEN_MS);
	}
	dcm_release(d, &c);
}

/* ------------------------------------------------------------------ */
/* Printing, SMB, cleartext logins.                                   */

static void
days_print(struct days *d, int ws)
{
	static const char job[] =
	    "\x1b%-12345X@PJL JOB NAME=\"Ward list\"\r\n"
	    "@PJL ENTER LANGUAGE=PCL\r\n"
	    "\x1b" "E\x1b&l0O Ward 4 West - bed board\r\n\x0c\x1b" "E"
	    "\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X";
	struct dconv c;

	dc_init(&c, d, ws, D_PRINTER, RAW_PRINT_PORT);
	dc_open(&c);
	dc_data(&c, 0, job, sizeof(job) - 1);
	dc_close(&c, 0);
}

/* A workstation's SMB1 session on a file server (both on VLAN 40). */
static void
smb_begin(struct days *d, struct conv *c, int ws, int fs, const char *share)
{
	struct pkt_link l = { .type = PKT_LINK_ETH, .nvlan = 1,
	    .tpid = { ETYPE_VLAN }, .vlan = { 40 } };
	static struct pkt_link link;
	struct host cli, srv;

	link = l;
	memcpy(cli.mac, days_hosts[ws].mac, 6);
	cli.ip4 = d->ip[ws];
	memcpy(srv.mac, days_hosts[fs].mac, 6);
	srv.ip4 = d->ip[fs];
	scen_conv(c, d->g, &link, &cli, next_port(d, ws), &srv, SMB_PORT);
	c->seq[0] = (uint32_t)gen_rand(d->g);
	c->seq[1] = (uint32_t)gen_rand(d->g);
	c->ipid[0] = d->s.ipid[ws];
	c->ipid[1] = d->s.ipid[fs];
	conv_open(c);
	scen_smb1_session(c, "nurse", days_hosts[ws].name, share);
}

static void
smb_end(struct days *d, struct conv *c, int ws, int fs)
{
	conv_close(c, 0);
	d->s.ipid[ws] = c->ipid[0];
	d->s.ipid[fs] = c->ipid[1];
}

static void
days_smb_save(struct days *d, int ws, int fs, unsigned n)
{
	char name[64];
	uint8_t doc[400];
	struct conv c;

	scen_fill(doc, sizeof(doc), n);
	memcpy(doc, "PK\x03\x04", 4);
	(void)snprintf(name, sizeof(name), "WARD4\\handover_%s_%u.docx",
	    days_hosts[ws].name, n);
	smb_begin(d, &c, ws, fs, fs == D_FS0 ? "\\\\FS01\\WARD" :
	    fs == D_FS1 ? "\\\\FS02\\WARD" : "\\\\FS03\\WARD");
	scen_smb1_file(&c, 5, name, doc, sizeof(doc), NULL);
	smb_end(d, &c, ws, fs);
}

static void
days_telnet(struct days *d, int cli, int srv)
{
	static const uint8_t will[] = { 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x1f,
	    0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03 };
	static const uint8_t ok[] = { 0xff, 0xfb, 0x18, 0xff, 0xfb, 0x1f,
	    0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03 };
	struct dconv c;

	dc_init(&c, d, cli, srv, 23);
	dc_open(&c);
	dc_data(&c, 1, will, sizeof(will));
	dc_data(&c, 0, ok, sizeof(ok));
	dc_text(&c, 1, "\r\nSpaceStation login: ");
	dc_text(&c, 0, "service\r\n");
	dc_text(&c, 1, "Password: ");
	dc_text(&c, 0, "service\r\n");
	dc_text(&c, 1, "\r\nBusyBox v1.24.2 built-in shell (ash)\r\n# ");
	dc_text(&c, 0, "cat /etc/config/drug_library.cfg\r\n");
	dc_text(&c, 1, "version=2026.10\r\n# ");
	dc_text(&c, 0, "exit\r\n");
	dc_close(&c, 1);
}

static void
days_ftp(struct days *d, int cli, int srv)
{
	struct dconv c;

	dc_init(&c, d, cli, srv, 21);
	dc_open(&c);
	dc_text(&c, 1, "220 SpaceCom FTP server ready\r\n");
	dc_text(&c, 0, "USER service\r\n");
	dc_text(&c, 1, "331 Password required for service\r\n");
	dc_text(&c, 0, "PASS bbraun1839\r\n");
	dc_text(&c, 1, "230 User service logged in\r\n");
	dc_text(&c, 0, "PWD\r\n");
	dc_text(&c, 1, "257 \"/\" is the current directory\r\n");
	dc_text(&c, 0, "QUIT\r\n");
	dc_text(&c, 1, "221 Goodbye\r\n");
	dc_close(&c, 0);
}

/* ------------------------------------------------------------------ */
/* The incidents of the second day.                                   */

static void
inc_scan(struct days *d)
{
	static const uint16_t ports[] = { 22, 23, 80, 443, 445, 3389 };
	struct dconv c;
	unsigned a, i;
	int h, t;

	for (a = 2; a <= 60; a++) {
		t = -1;
		for (h = 0; h < D_NHOSTS; h++)
			if (d->present[h] && !is_ext(h) &&
			    d->ip[h] == IP4(10, 10, 0, a))
				t = h;
		for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			/* No answer from an empty address: the SYN only
			 * appears on the scanner's VLAN. */
			dc_init(&c, d, D_WS2, t >= 0 ? t : D_R10, ports[i]);
			if (t < 0) {
				struct pkt *p = &d->g->pkt;
				uint8_t *ip;

				pkt_reset(p);
				days_l2(d, p, D_WS2, D_R10);
				ip = pkt_ipv4(p, d->ip[D_WS2],
				    IP4(10, 10, 0, a), IPPROTO_TCP_,
				    d->s.ipid[D_WS2]++);
				ip[8] = days_hosts[D_WS2].ttl;
				(void)pkt_tcp(p, c.port[0], ports[i], c.seq[0],
				    0, TCP_SYN, 1024, NULL, 0);
				pkt_finish(p);
				pkt_pad(p, PKT_ETH_MIN);
				gen_emit(d->g, p);
			} else {
				dc_seg(&c, 0, TCP_SYN, NULL, 0);
				gen_wait(d->g, dc_rtt(&c));
				dc_seg(&c, 1, TCP_RST | TCP_ACK, NULL, 0);
			}
			gen_wait(d->g, 2 * GEN_MS);
		}
	}
}

static void
inc_ftp(struct days *d)
{
	days_ftp(d, D_MON6, D_BBR2);
}

static void
inc_telnet(struct days *d)
{
	days_telnet(d, D_MON1, D_BBR0);
}

#define RANSOM_FILES	12

static void
inc_ransomware(struct days *d)
{
	static const char *const shares[3] = { "\\\\FS01\\WARD",
	    "\\\\FS02\\WARD", "\\\\FS03\\WARD" };
	char name[64], locked[80];
	uint8_t blob[512];
	struct conv c;
	int fs;
	unsigned i;

	for (fs = D_FS0; fs <= D_FS2; fs++) {
		smb_begin(d, &c, D_WS3, fs, shares[fs - D_FS0]);
		for (i = 0; i < RANSOM_FILES; i++) {
			(void)snprintf(name, sizeof(name),
			    "WARD4\\handover_%02u.docx", i);
			(void)snprintf(locked, sizeof(locked),
			    "%s.locked", name);
			scen_fill(blob, sizeof(blob), 0x10c0 + i);
			scen_smb1_file(&c, (uint16_t)(5 + 4 * i), name, blob,
			    sizeof(blob), locked);
			gen_wait(d->g, 150 * GEN_MS);
		}
		smb_end(d, &c, D_WS3, fs);
		gen_wait(d->g, GEN_NS);
	}
}

static void
inc_find_sweep(struct days *d)
{
	dcm_find(d, D_RADWS1, 40, 2);
}

static void
inc_move_unknown(struct days *d)
{
	dcm_move(d, D_RADWS1, AE_EXFIL, 1);
}

/*
 * ns Study Root C-GETs by ws under the AE title ae: the PACS sends each
 * study's image back on the same association (C-STORE sub-operation on
 * the second presentation context), then the C-GET's final response.
 */
static void
dcm_get(struct days *d, int ws, const char *ae, unsigned ns)
{
	static const struct dcm_equip pacs_ct = { AE_PACS, "CT", UID_CT,
	    "SIEMENS", "SOMATOM go.Up", "1.3.12.2.1107.5.1.4.95123" };
	const char *as[2] = { UID_GET_STUDY, UID_CT };
	char study[96], inst[96];
	struct dconv c;
	unsigned i;
	size_t pdv;

	dc_init(&c, d, ws, D_PACS, DICOM_PORT);
	dcm_open(d, &c, ae, AE_PACS, as, 2);
	for (i = 0; i < ns; i++) {
		dcm_uid(d, study, sizeof(study), eq_ct.uid_root, "1");
		dcm_command(d->b, 1, UID_GET_STUDY, DIMSE_C_GET,
		    (uint16_t)(i + 1), DIMSE_DATA, 0, NULL, NULL);
		dc_data(&c, 0, d->b->buf, d->b->len);
		pdv = dcm_data_begin(d->b, 1);
		dcm_el(d->b, 0x0008, 0x0052, "CS", "STUDY");
		dcm_el(d->b, 0x0020, 0x000d, "UI", study);
		dcm_data_end(d->b, pdv);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_uid(d, inst, sizeof(inst), pacs_ct.uid_root, "3");
		dcm_command(d->b, 3, UID_CT, DIMSE_C_STORE, (uint16_t)(i + 1),
		    DIMSE_DATA, 0, inst, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		dcm_image(d, 3, &pacs_ct, inst, study);
		dc_data(&c, 1, d->b->buf, d->b->len);
		dcm_command(d->b, 3, UID_CT, DIMSE_C_STORE | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, 0, inst, NULL);
		dc_data(&c, 0, d->b->buf, d->b->len);
		dcm_command(d->b, 1, UID_GET_STUDY, DIMSE_C_GET | DIMSE_RSP,
		    (uint16_t)(i + 1), DIMSE_NO_DATA, 0, NULL, NULL);
		dc_data(&c, 1, d->b->buf, d->b->len);
		gen_wait(d->g, 30 * GEN_MS);
	}
	dcm_release(d, &c);
}

static void
inc_get_unknown(struct days *d)
{
	dcm_get(d, D_RADWS0, AE_GETSCU, 2);
}

static void
inc_mass_retrieval(struct days *d)
{
	dcm_move(d, D_RADWS0, radws_ae(D_RADWS0), 30);
}

static void
inc_hl7_internet(struct days *d)
{
	hl7_lab(d, D_COBAS, D_EXT_HL7);
}

static void
inc_dicom_internet(struct days *d)
{
	dcm_store(d, D_MR, D_EXT_DICOM, &eq_mr, AE_CLOUD, 3, NULL);
}

#define FLOOD_SYNS	2000

static void
inc_flood(struct days *d)
{
	struct dconv c;
	unsigned i;

	for (i = 0; i < FLOOD_SYNS; i++) {
		dc_init(&c, d, D_MON7, D_ENGINE, HL7_PORT);
		dc_seg(&c, 0, TCP_SYN, NULL, 0);
		gen_wait(d->g, 5 * GEN_MS);
	}
}

static void
inc_off_hours(struct days *d)
{
	dcm_store(d, D_DX, D_PACS, &eq_dx, AE_PACS, 2, NULL);
}

static void
inc_pump_internet(struct days *d)
{
	days_tls(d, D_PLUM2, D_EXT_PUMP, "pump-telemetry.example.net", 900,
	    200);
}

struct incident {
	const char	*id;
	const char	*kind;
	unsigned	 gid;
	int		 src;
	int		 dst;		/* host, or -1: dst_label */
	const char	*dst_label;
	unsigned	 start;		/* seconds after midnight */
	unsigned	 window;	/* seconds it may last */
	const char	*keyword;	/* the explanation mentions it */
	void		(*run)(struct days *);
	const char	*what;
};

#define HM(h, m)	((h) * 3600 + (m) * 60)

/* In time order; each starts EVENT_OFF_S into its slot. */
static const struct incident incidents[] = {
	{ "I10", "off-hours", 9300, D_DX, D_PACS, NULL, HM(3, 15), 60,
	    "hour", inc_off_hours,
	    "the DX room stores to the PACS at 03:15; it never works at night" },
	{ "P1", "policy-internet", 9200, D_PLUM2, D_EXT_PUMP, NULL,
	    HM(9, 45), 60, "internet", inc_pump_internet,
	    "an infusion pump opens TLS to an internet address (US)" },
	{ "I1", "scan", 9300, D_WS2, -1, "medical", HM(10, 15), 60,
	    "fan-out", inc_scan,
	    "a workstation sweeps VLAN 10 .2-.60 on six TCP ports" },
	{ "I2", "cleartext-login", 9300, D_MON6, D_BBR2, NULL, HM(11, 5), 60,
	    "FTP", inc_ftp,
	    "a monitor logs in to a pump over FTP (USER/PASS)" },
	{ "I7", "hl7-internet", 9300, D_COBAS, D_EXT_HL7, NULL, HM(12, 35),
	    60, "HL7", inc_hl7_internet,
	    "a lab analyzer sends ORU^R01 to an internet address (CN)" },
	{ "I3", "ransomware", 9300, D_WS3, -1, "clinical", HM(13, 5), 120,
	    "rename", inc_ransomware,
	    "a workstation overwrites and renames 36 files on 3 SMB servers" },
	{ "P2", "policy-cleartext", 9200, D_MON1, D_BBR0, NULL, HM(14, 25),
	    60, "telnet", inc_telnet,
	    "a monitor opens telnet to a pump and logs in" },
	{ "I4", "dicom-find-sweep", 9300, D_RADWS1, D_PACS, NULL, HM(14, 45),
	    60, "C-FIND", inc_find_sweep,
	    "a reading workstation sends 40 C-FINDs (A* to N*) in a second" },
	{ "I5", "dicom-move-unknown-ae", 9300, D_RADWS1, D_PACS, NULL,
	    HM(15, 35), 60, AE_EXFIL, inc_move_unknown,
	    "a C-MOVE to the AE title EXFIL_SCP, never seen" },
	{ "I6", "mass-retrieval", 9300, D_RADWS0, D_PACS, NULL, HM(16, 5),
	    120, "studies", inc_mass_retrieval,
	    "a reading workstation retrieves 30 studies in two minutes" },
	{ "I11", "dicom-get-unknown-ae", 9300, D_RADWS0, D_PACS, NULL,
	    HM(17, 5), 60, AE_GETSCU, inc_get_unknown,
	    "a reading workstation C-GETs 2 studies as AE GETSCU, never seen" },
	{ "I8", "dicom-internet", 9300, D_MR, D_EXT_DICOM, NULL, HM(17, 35),
	    60, "internet", inc_dicom_internet,
	    "the MR stores 3 images to an internet address (SE)" },
	{ "I9", "volume-flood", 9300, D_MON7, D_ENGINE, NULL, HM(18, 5), 60,
	    "volume", inc_flood,
	    "a monitor sends 2000 SYNs to the HL7 engine in 10 seconds" },
};
#define NINCIDENTS	(sizeof(incidents) / sizeof(incidents[0]))

/* The benign changes of the second day, in both of its captures. */
struct benign {
	const char	*id;
	const char	*kind;
	int		 host;		/* -1: none */
	uint16_t	 vlan;		/* after, 0: unchanged */
	uint32_t	 ip;		/* after, 0: unchanged */
	unsigned	 start, end;
	const char	*what;
};

static const struct benign benigns[] = {
	{ "B5", "benign-quiet-night", -1, 0, 0, HM(0, 0), HM(6, 0),
	    "fewer monitors report, every four hours, until 06:00" },
	{ "B6", "benign-router-address", D_R10, 0, 0, HM(2, 2), HM(24, 0),
	    "the VLAN 10 router logs to syslog from 10.10.0.1 (seen on VLAN "
	    "30)" },
	{ "B7", "benign-router-address", D_R30, 0, 0, HM(2, 2), HM(24, 0),
	    "the router's IP SLA probe pings the nurse call from 10.30.0.1 "
	    "(seen on VLAN 10)" },
	{ "B1", "benign-dhcp-renew", D_MON2, 0, IP4(10, 10, 0, 63), HM(7, 5),
	    HM(7, 6), "a monitor rebooted: a new lease, a new address" },
	{ "B2", "benign-dhcp-renew", D_MON5, 0, IP4(10, 10, 0, 66), HM(7, 35),
	    HM(7, 36), "a monitor rebooted: a new lease, a new address" },
	{ "B4", "benign-new-device", D_NEWMON, 0, 0, HM(9, 5), HM(24, 0),
	    "a new Philips monitor reports HL7 like the others" },
	{ "B3", "benign-moved", D_US1, 10, IP4(10, 10, 0, 150), HM(11, 15),
	    HM(24, 0), "an ultrasound cart moves from VLAN 20 to VLAN 10" },
};
#define NBENIGN		(sizeof(benigns) / sizeof(benigns[0]))

/* ------------------------------------------------------------------ */
/* A day.                                                             */

static const struct dcm_equip *
modality_equip(int h)
{
	switch (h) {
	case D_CT: return &eq_ct;
	case D_MR: return &eq_mr;
	case D_DX: return &eq_dx;
	case D_US0: return &eq_us0;
	default: return &eq_us1;
	}
}

static int
bedside(int h)
{
	return (h >= D_MON0 && h <= D_BBR3) || h == D_VENT0 || h == D_VENT1 ||
	    h == D_NEWMON;
}

/* Does something every per slots, at its phase. */
static int
due(unsigned slot, unsigned per, unsigned phase)
{
	return (slot + phase) % per == 0;
}

static void
idle(struct days *d)
{
	gen_wait(d->g, gen_range(d->g, 800, 4000) * GEN_MS);
}

static void
normal_slot(struct days *d, unsigned slot)
{
	unsigned hour = slot / 6, k;
	int daytime = hour >= 7 && hour < 20;
	int quiet = d->day == 2 && hour < 6;
	int h;

	/* Bedside devices report: hourly by day, every two hours at night;
	 * the second night, only four monitors, every four hours. */
	for (h = 0, k = 0; h < D_NHOSTS; h++) {
		if (!bedside(h) || !d->present[h])
			continue;
		k++;
		if (quiet) {
			if (h > D_MON3 || !due(slot, 24, k))
				continue;
		} else if (!due(slot, daytime ? 6 : 12, k))
			continue;
		hl7_bedside(d, h, D_ENGINE);
		idle(d);
	}
	/* The Plums talk to MedNet every two hours; it reports them. */
	for (h = D_PLUM0; h <= D_PLUM3; h++)
		if (due(slot, 12, (unsigned)(h - D_PLUM0) * 3 + 1)) {
			days_tls(d, h, D_MEDNET, "mednet." DAYS_DOMAIN, 680,
			    120);
			hl7_mednet(d, h);
			idle(d);
		}
	if (due(slot, 6, 2)) {
		hl7_engine(d, D_NURSECALL);
		idle(d);
	}
	if (daytime && due(slot, 6, 4)) {
		hl7_engine(d, D_PACS);
		idle(d);
	}
	if (daytime && due(slot, 6, 1)) {
		hl7_lab(d, D_COBAS, D_ENGINE);
		idle(d);
	}
	if (daytime && due(slot, 6, 3)) {
		hl7_lab(d, D_SYSMEX, D_ENGINE);
		idle(d);
	}

	/* Imaging: the CT around the clock, the others by day; the DX
	 * room is staffed 08:00 to 18:00. */
	if ((daytime && due(slot, 6, 5)) || slot == 15) {
		dcm_store(d, D_CT, D_PACS, &eq_ct, AE_PACS, 2, NULL);
		idle(d);
	}
	if (daytime && due(slot, 12, 3)) {
		dcm_store(d, D_MR, D_PACS, &eq_mr, AE_PACS, 2, NULL);
		idle(d);
	}
	if (hour >= 8 && hour < 18 && due(slot, 6, 4)) {
		dcm_store(d, D_DX, D_PACS, &eq_dx, AE_PACS, 1, NULL);
		idle(d);
	}
	if (daytime && due(slot, 12, 7)) {
		dcm_store(d, D_US0, D_PACS, modality_equip(D_US0), AE_PACS, 2,
		    NULL);
		idle(d);
	}
	if (daytime && due(slot, 12, 1)) {
		dcm_store(d, D_US1, D_PACS, modality_equip(D_US1), AE_PACS, 2,
		    NULL);
		idle(d);
	}
	if (daytime && due(slot, 6, 2)) {
		dcm_find(d, D_RADWS0, 1, 1);
		dcm_move(d, D_RADWS0, radws_ae(D_RADWS0), 1);
		idle(d);
	}
	if (daytime && due(slot, 6, 5)) {
		dcm_find(d, D_RADWS1, 1, 1);
		dcm_move(d, D_RADWS1, radws_ae(D_RADWS1), 1);
		/* Its viewer fetches priors with C-GET now and then. */
		if (due(slot, 12, 5))
			dcm_get(d, D_RADWS1, radws_ae(D_RADWS1), 1);
		idle(d);
	}

	/* The ward's PCs: the web, a save to a file server, printing. */
	for (h = D_WS0; h <= D_WS5 && daytime; h++) {
		k = (unsigned)(h - D_WS0);
		if (due(slot, 6, k)) {
			days_tls(d, h, D_EXT_CDN, "www.example.com", 517,
			    1200);
			idle(d);
		}
		if (due(slot, 12, 2 * k + 1)) {
			days_smb_save(d, h, D_FS0 + (int)(k % 3), slot);
			idle(d);
		}
		if (k < 2 && due(slot, 12, 6 * k + 4)) {
			days_print(d, h);
			idle(d);
		}
	}

	/* DNS every four hours, NTP every four hours, by everyone. */
	for (h = D_DHCPDNS, k = 0; h < D_EXT_CDN; h++) {
		if (!d->present[h] || h == D_DHCPDNS)
			continue;
		k++;
		if (due(slot, 24, k)) {
			days_dns(d, h, bedside(h) || h == D_MEDNET ||
			    h == D_COBAS || h == D_SYSMEX ? D_ENGINE : D_PACS);
			gen_wait(d->g, 300 * GEN_MS);
		}
		if (h != D_NTP && due(slot, 24, k + 12)) {
			days_ntp(d, h);
			gen_wait(d->g, 300 * GEN_MS);
		}
	}

	/* Leases are renewed at noon (T1 of a day's lease). */
	if (slot == 72)
		for (h = 0; h < D_EXT_CDN; h++)
			if (d->present[h] && (days_hosts[h].flags & H_DHCP)) {
				days_renew(d, h);
				gen_wait(d->g, 500 * GEN_MS);
			}
}

/* The second day's benign changes due in this slot (both captures). */
static void
benign_slot(struct days *d, unsigned slot)
{
	const struct benign *b;
	unsigned hour = slot / 6;
	size_t i;

	/* The router logs from its VLAN 10 address and probes the nurse
	 * call from its VLAN 30 one, hourly. */
	if (hour >= 2 && slot % 6 == 0) {
		if (d->g->now < (d->start + slot * SLOT_S + 120) * GEN_NS)
			d->g->now = (d->start + slot * SLOT_S + 120) * GEN_NS;
		days_syslog(d, D_R10, "%LINK-3-UPDOWN: Interface "
		    "GigabitEthernet1/0/17, changed state to up");
		days_ping(d, D_R30, D_NURSECALL);
	}
	for (i = 0; i < NBENIGN; i++) {
		b = &benigns[i];
		if (b->host < 0 || b->start / SLOT_S != slot ||
		    strcmp(b->kind, "benign-router-address") == 0)
			continue;
		if (d->g->now < (d->start + b->start) * GEN_NS)
			d->g->now = (d->start + b->start) * GEN_NS;
		if (b->vlan != 0)
			d->vlan[b->host] = b->vlan;
		d->present[b->host] = 1;
		days_dhcp(d, b->host, b->ip != 0 ? b->ip :
		    days_hosts[b->host].ip);
		days_dns(d, b->host, b->host == D_US1 ? D_PACS : D_ENGINE);
		if (b->host == D_US1)
			dcm_store(d, D_US1, D_PACS, &eq_us1, AE_PACS, 2, NULL);
		else
			hl7_bedside(d, b->host, D_ENGINE);
	}
}

static int
days_run(struct gen *g, int day, int with_incidents)
{
	struct days d;
	struct days_state saved;
	const struct incident *in;
	uint64_t t0, at;
	unsigned slot;
	size_t i;
	int h;

	memset(&d, 0, sizeof(d));
	d.g = g;
	d.day = day;
	d.incidents = with_incidents;
	d.start = DAY1_START + (uint64_t)(day - 1) * DAY_S;
	if ((d.b = calloc(1, sizeof(*d.b))) == NULL)
		return -1;
	for (h = 0; h < D_NHOSTS; h++) {
		d.vlan[h] = days_hosts[h].vlan;
		d.present[h] = !(days_hosts[h].flags & H_DAY2);
		/* The first day starts with every lease taken; the second
		 * continues it. */
		d.ip[h] = (days_hosts[h].flags & H_DHCP) != 0 && day == 1 ?
		    0 : days_hosts[h].ip;
		d.s.ipid[h] = (uint16_t)gen_rand(g);
		d.s.eport[h] = days_hosts[h].eport != 0 ?
		    days_hosts[h].eport : 49152;
	}
	if (day == 2)
		d.present[D_NEWMON] = 0;
	g->now = d.start * GEN_NS + 200 * GEN_MS;
	if (day == 1)
		for (h = 0; h < D_NHOSTS; h++)
			if (days_hosts[h].flags & H_DHCP && d.present[h])
				days_dhcp(&d, h, days_hosts[h].ip);

	for (slot = 0; slot < NSLOTS; slot++) {
		t0 = (d.start + (uint64_t)slot * SLOT_S) * GEN_NS;
		if (g->now < t0)
			g->now = t0;
		normal_slot(&d, slot);
		if (day == 2)
			benign_slot(&d, slot);
		if (!with_incidents)
			continue;
		for (i = 0; i < NINCIDENTS; i++) {
			in = &incidents[i];
			if (in->start / SLOT_S != slot)
				continue;
			at = (d.start + in->start) * GEN_NS;
			if (g->now > at) {
				fprintf(stderr, "pcapgen: %s: slot %u runs "
				    "past its start\n", in->id, slot);
				free(d.b);
				return -1;
			}
			g->now = at;
			saved = d.s;
			saved.rng = g->rng;
			in->run(&d);
			d.s = saved;
			g->rng = saved.rng;
			if (g->now > at + in->window * GEN_NS) {
				fprintf(stderr, "pcapgen: %s: longer than "
				    "its window\n", in->id);
				free(d.b);
				return -1;
			}
		}
		if (g->now >= t0 + SLOT_S * GEN_NS) {
			fprintf(stderr, "pcapgen: slot %u overruns\n", slot);
			free(d.b);
			return -1;
		}
	}
	free(d.b);
	return 0;
}

int
scen_ward_day1(struct gen *g)
{
	return days_run(g, 1, 0);
}

int
scen_ward_day2(struct gen *g)
{
	return days_run(g, 2, 1);
}

int
scen_ward_day2_quiet(struct gen *g)
{
	return days_run(g, 2, 0);
}

/* ------------------------------------------------------------------ */
/* ward-days.truth                                                    */

static void
fmt_mac(char *buf, size_t len, int h)
{
	const uint8_t *m = days_hosts[h].mac;

	if (is_ext(h))
		(void)snprintf(buf, len, "-");
	else
		(void)snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void
fmt_ip(char *buf, size_t len, uint32_t ip)
{
	(void)snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 0xff,
	    ip >> 8 & 0xff, ip & 0xff);
}

static void
fmt_time(char *buf, size_t len, unsigned s)
{
	time_t t = (time_t)(DAY1_START + DAY_S + s);
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * One line per incident and per benign change, tab-separated:
 * id, kind, captures, expected gid ("-": no alert), source MAC and IP
 * (the address it has at the time), destination (IP, MAC or zone),
 * start and end (UTC), the keyword the explanation should mention,
 * and what happens.
 */
int
scen_ward_days_truth(FILE *fp)
{
	char smac[24], sip[20], dst[40], t0[32], t1[32];
	const struct incident *in;
	const struct benign *b;
	uint32_t src_ip;
	size_t i;

	if (fprintf(fp, "id\tkind\tcaptures\tgid\tsrc_mac\tsrc_ip\tdst\t"
	    "start\tend\tkeyword\twhat\n") < 0)
		return -1;
	for (i = 0; i < NINCIDENTS; i++) {
		in = &incidents[i];
		fmt_mac(smac, sizeof(smac), in->src);
		src_ip = days_hosts[in->src].ip;
		fmt_ip(sip, sizeof(sip), src_ip);
		if (in->dst >= 0)
			fmt_ip(dst, sizeof(dst), days_hosts[in->dst].ip);
		else
			(void)snprintf(dst, sizeof(dst), "zone:%s",
			    in->dst_label);
		fmt_time(t0, sizeof(t0), in->start);
		fmt_time(t1, sizeof(t1), in->start + in->window);
		if (fprintf(fp, "%s\t%s\tward-day2\t%u\t%s\t%s\t%s\t%s\t%s\t"
		    "%s\t%s\n", in->id, in->kind, in->gid, smac, sip, dst, t0,
		    t1, in->keyword, in->what) < 0)
			return -1;
	}
	for (i = 0; i < NBENIGN; i++) {
		b = &benigns[i];
		/* The source is the address before the change; dst the
		 * one after it. */
		if (b->host >= 0) {
			fmt_mac(smac, sizeof(smac), b->host);
			fmt_ip(sip, sizeof(sip), days_hosts[b->host].ip);
		} else {
			(void)snprintf(smac, sizeof(smac), "-");
			(void)snprintf(sip, sizeof(sip), "-");
		}
		if (b->ip != 0)
			fmt_ip(dst, sizeof(dst), b->ip);
		else
			(void)snprintf(dst, sizeof(dst), "-");
		fmt_time(t0, sizeof(t0), b->start);
		fmt_time(t1, sizeof(t1), b->end);
		if (fprintf(fp, "%s\t%s\tward-day2,ward-day2-quiet\t-\t%s\t%s\t"
		    "%s\t%s\t%s\t-\t%s\n", b->id, b->kind, smac, sip, dst, t0,
		    t1, b->what) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* hospital-baseline: many devices, many peers each.                  */

#define HB_DEVICES	10000
#define HB_PEERS	40
#define HB_VLAN0	101
#define HB_NET		IP4(10, 128, 0, 0)

static void
hb_mac(uint8_t *mac, unsigned i)
{
	/* 00:09:fb Philips, 00:03:b1 ICU Medical, c8:5a:cf HP. */
	static const uint32_t ouis[3] = { 0x0009fb, 0x0003b1, 0xc85acf };

	pkt_mac(mac, ouis[i % 3], 0x100000 + i);
}

static int
hb_run(struct gen *g, int day)
{
	static const uint16_t ports[8] = { 2575, 104, 443, 53, 123, 161, 514,
	    8080 };
	struct pkt *p = &g->pkt;
	struct pkt_link l = { .type = PKT_LINK_ETH, .nvlan = 1,
	    .tpid = { ETYPE_VLAN } };
	uint8_t smac[6], dmac[6], rmac[6], payload[64];
	uint64_t n = g->devices != 0 ? g->devices : HB_DEVICES;
	uint64_t peers = g->flows != 0 ? (g->flows + n - 1) / n : HB_PEERS;
	uint64_t i, k, j, total, step;
	uint32_t sip, dip;
	uint16_t sport, dport;
	uint8_t *ip;
	int ext, dir;

	total = n * peers;
	step = (uint64_t)DAY_S * GEN_NS / (total != 0 ? total : 1);
	g->now = (DAY1_START + (uint64_t)(day - 1) * DAY_S) * GEN_NS;
	memset(payload, 0x5a, sizeof(payload));
	for (k = 0; k < peers; k++)
		for (i = 0; i < n; i++) {
			/* A quarter of the peers differ on the second day. */
			j = (i * 7919 + k * 104729 +
			    (day == 2 && k % 4 == 3 ? 31337 : 0)) % n;
			if (j == i)
				j = (j + 1) % n;
			ext = k % 10 == 9;
			sip = HB_NET + (uint32_t)i + 16;
			dip = ext ? IP4(81, 2, 69, 160) + (uint32_t)(j % 32) :
			    HB_NET + (uint32_t)j + 16;
			hb_mac(smac, (unsigned)i);
			hb_mac(dmac, (unsigned)j);
			pkt_mac(rmac, 0x001b54, HB_VLAN0 + (uint32_t)(i / 256));
			sport = (uint16_t)(49152 + (i + k) % 16000);
			dport = ports[k % 8];
			for (dir = 0; dir < 2; dir++) {
				uint32_t a = dir ? dip : sip, b = dir ? sip :
				    dip;
				uint16_t vl = (uint16_t)(HB_VLAN0 +
				    (dir && !ext ? j : i) / 256);
				int same = !ext && i / 256 == j / 256;

				pkt_reset(p);
				l.vlan[0] = vl;
				if (dir == 0)
					pkt_l2(p, &l, same ? dmac : rmac, smac,
					    0, 1);
				else if (ext)
					pkt_l2(p, &l, smac, rmac, 0, 1);
				else {
					pkt_mac(rmac, 0x001b54, vl);
					pkt_l2(p, &l, same ? smac : rmac, dmac,
					    0, 1);
				}
				ip = pkt_ipv4(p, a, b, IPPROTO_UDP_,
				    (uint16_t)(i + k));
				ip[8] = 64;
				(void)pkt_udp(p, dir ? dport : sport,
				    dir ? sport : dport);
				pkt_bytes(p, payload, 24 + (k % 5) * 8);
				pkt_finish(p);
				gen_emit(g, p);
				gen_wait(g, step / 2);
			}
		}
	return 0;
}

int
scen_hospital_baseline(struct gen *g)
{
	return hb_run(g, 1);
}

int
scen_hospital_baseline_day2(struct gen *g)
{
	return hb_run(g, 2);
}
