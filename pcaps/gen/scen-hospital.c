/*
 * scen-hospital.c - the hospital-scale benchmark capture: thousands of
 * devices on about twenty VLANs, seen from a SPAN of the access layer.
 *
 *	VLAN 10		10.10.0.0/24	servers: HL7 interface engines,
 *					PACS, DNS/DHCP, EHR and pump servers
 *	VLANs 101-119	10.101.0.0/16 .. 10.119.0.0/16	clinical devices
 *
 * --devices (default HOSP_DEVICES) devices are spread over the clinical
 * VLANs: patient monitors, infusion pumps, lab analyzers, imaging
 * modalities, workstations, printers and phones.  Their MACs carry the
 * makers' IEEE OUIs (the ones scen-ward.c uses) where the makers put
 * their own NICs in, and generic PC and network OUIs elsewhere.  Traffic
 * to the servers is routed, so it is seen once, on the device's VLAN,
 * between the device and its VLAN's router MAC.
 *
 * --flows sessions (default HOSP_FLOWS) are run HOSP_ACTIVE at a time,
 * one packet of a randomly chosen session per step, as in
 * scen-bench.c, so sessions overlap as on a busy core link:
 *
 *	HL7	MLLP sessions to an interface engine carrying many messages
 *		each: ORU^R01 from monitors, pumps and lab analyzers, ADT
 *		(A01, A03, A08) from registration workstations, each
 *		answered with an ACK
 *	DICOM	associations to a PACS: C-STORE of a series by modalities,
 *		C-FIND (Study Root) by workstations and modalities
 *	DHCP	full leases (DISCOVER, OFFER, REQUEST, ACK), renewals
 *		(REQUEST, ACK) and address changes (a NAK, then a new lease
 *		with another address, used by the device's later sessions)
 *	DNS	queries and answers
 *	TLS	a TLS 1.2 handshake (SNI), then application data records
 *	HTTP	GETs with responses of known length
 *
 * Bulk bytes (DICOM pixel data, TLS records, HTTP bodies) are slices of
 * one pattern with precomputed checksums, as in scen-bench.c; their
 * sizes are log-normal around a mean that spends what is left of
 * --size-mb over the sessions still to come.  Patient data is
 * synthetic: every patient is TEST^PATIENT with an MRN T000000 and
 * up, born 19700101.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define HOSP_SIZE_MB	300
#define HOSP_FLOWS	20000
#define HOSP_DEVICES	5000
#define HOSP_MAX_DEVICES 1000000	/* 20 bits of each MAC */
#define HOSP_ACTIVE	1500		/* concurrent sessions */
#define HOSP_VLANS	19		/* clinical; the servers' is 10 */
#define HOSP_VLAN0	101
#define HOSP_SRV_VLAN	10
#define HOSP_PAT	65536		/* bulk pattern, bytes */
#define HOSP_MSS	1460
#define HOSP_MSG_MAX	1536		/* inline bytes of one message */
#define HOSP_PDU_MAX	16384		/* DICOM max PDU, TLS record */
#define HOSP_SIGMA	1.5
#define HOSP_MIN_BULK	2000
#define HOSP_MAX_BULK	(64u << 20)
#define HOSP_DOMAIN	"hospital.example"

#define MLLP_SB		0x0b
#define MLLP_EB		0x1c
#define PORT_HL7	2575
#define PORT_DICOM	104
#define PORT_TLS	443
#define PORT_HTTP	80
#define PORT_DNS	53
#define PORT_DHCP_S	67
#define PORT_DHCP_C	68
#define DHCP_MAGIC	0x63825363
#define DHCP_MIN_LEN	300		/* BOOTP (RFC 951) minimum */

#define UID_APP_CTX	"1.2.840.10008.3.1.1.1"
#define UID_VERIFY	"1.2.840.10008.1.1"
#define UID_IMPLICIT	"1.2.840.10008.1.2"
#define UID_EXPLICIT	"1.2.840.10008.1.2.1"
#define UID_FIND_STUDY	"1.2.840.10008.5.1.4.1.2.2.1"
#define DIMSE_C_STORE	0x0001
#define DIMSE_C_FIND	0x0020
#define DIMSE_RSP	0x8000
#define DIMSE_NO_DATA	0x0101
#define DIMSE_DATA	0x0000
#define DIMSE_PENDING	0xff00
#define PDV_DATA	0x00
#define PDV_DATA_LAST	0x02
#define PDV_CMD_LAST	0x03

enum hosp_role {
	HR_MONITOR, HR_PUMP, HR_LAB, HR_MODALITY, HR_WORKSTATION,
	HR_PRINTER, HR_PHONE, HR_NROLES
};

enum hosp_server {
	HS_ENGINE1, HS_ENGINE2, HS_ENGINE3, HS_PACS1, HS_PACS2, HS_DNS,
	HS_EHR, HS_PUMPSRV, HS_NSERVERS
};

/* Session kinds, in the order of hosp_mix[]. */
enum hosp_kind {
	HK_HL7, HK_DNS, HK_DHCP, HK_STORE, HK_FIND, HK_TLS, HK_HTTP,
	HK_NKINDS
};

/* TCP states run in this order; tcp_step() steps with ++. */
enum hosp_state {
	HT_SYN, HT_SYNACK, HT_ACK, HT_DATA, HT_DATA_ACK, HT_FIN1, HT_FIN2,
	HT_FIN3, HT_DONE
};

enum hosp_dhcp { HD_LEASE, HD_RENEW, HD_CHANGE };

/* A device maker as the devices of one kind show it. */
struct hosp_vendor {
	uint32_t	 oui;
	const char	*hl7_app;	/* MSH-3, NULL: speaks no HL7 */
	const char	*vclass;	/* DHCP option 60, NULL: none */
	const char	*host;		/* DHCP option 12 prefix */
	const char	*ae;		/* DICOM AE title prefix */
	const char	*sop;		/* DICOM storage SOP class */
	int		 windows;	/* Windows DHCP client */
};

/*
 * IEEE OUIs (Debian ieee-data, 2022-08-27, as scen-ward.c): 00:09:fb
 * Philips Patient Monitoring, 08:00:19 General Electric, 00:0f:14
 * Mindray, f0:e5:c3 Draegerwerk, f0:b2:b9 Intel, 00:12:21 B.Braun
 * Melsungen, 00:03:b1 ICU Medical, b8:78:79 Roche Diagnostics, 98:e7:43
 * and 54:bf:64 and 6c:2b:59 Dell, 88:4b:39 Siemens Healthcare, 44:4b:5d
 * GE Healthcare, 88:b4:36 FUJIFILM, c8:5a:cf and b0:5c:da HP Inc.,
 * 00:1b:54 Cisco, 00:90:5e Rauland-Borg.
 */
static const struct hosp_vendor v_monitor[] = {
	{ 0x0009fb, "PHILIPS_PIC", NULL, "PIC", NULL, NULL, 0 },
	{ 0x080019, "GE_CARESCAPE", NULL, "CIC", NULL, NULL, 0 },
	{ 0x000f14, "MINDRAY_EGW", "udhcp 1.24.2", "MR", NULL, NULL, 0 },
	{ 0xf0e5c3, "DRAEGER_ICS", NULL, "VNT", NULL, NULL, 0 },
	{ 0xf0b2b9, "PHILIPS_PIC", NULL, "PIIC", NULL, NULL, 0 },
};
static const struct hosp_vendor v_pump[] = {
	{ 0x001221, "BBRAUN_SPACECOM", NULL, "SPC", NULL, NULL, 0 },
	{ 0x0003b1, "ICU_MEDNET", NULL, "PLUM", NULL, NULL, 0 },
	{ 0x0003b1, "ICU_MEDNET", NULL, "SAPH", NULL, NULL, 0 },
};
static const struct hosp_vendor v_lab[] = {
	{ 0xb87879, "COBAS_8000", NULL, "COBAS", NULL, NULL, 0 },
	{ 0x98e743, "SYSMEX_XN", "MSFT 5.0", "XN-IPU", NULL, NULL, 1 },
};
static const struct hosp_vendor v_modality[] = {
	{ 0x884b39, NULL, NULL, "CT", "CT_", "1.2.840.10008.5.1.4.1.1.2",
	    0 },
	{ 0x444b5d, NULL, NULL, "MR", "MR_", "1.2.840.10008.5.1.4.1.1.4",
	    0 },
	{ 0x88b436, NULL, NULL, "DX", "DX_",
	    "1.2.840.10008.5.1.4.1.1.1.1", 0 },
	{ 0xf0b2b9, NULL, "MSFT 5.0", "US", "US_",
	    "1.2.840.10008.5.1.4.1.1.6.1", 1 },
};
static const struct hosp_vendor v_workstation[] = {
	{ 0xc85acf, "EPIC_ADT", "MSFT 5.0", "WS", "RAD_", NULL, 1 },
	{ 0x54bf64, "EPIC_ADT", "MSFT 5.0", "WOW", "RAD_", NULL, 1 },
	{ 0x6c2b59, "EPIC_ADT", "MSFT 5.0", "WS", "RAD_", NULL, 1 },
};
static const struct hosp_vendor v_printer[] = {
	{ 0xb05cda, NULL, NULL, "NPI", NULL, NULL, 0 },
};
static const struct hosp_vendor v_phone[] = {
	{ 0x001b54, NULL, "Cisco Systems, Inc. IP Phone", "SEP", NULL, NULL,
	    0 },
	{ 0x00905e, NULL, NULL, "NC", NULL, NULL, 0 },
	{ 0xf0b2b9, NULL, NULL, "IOT", NULL, NULL, 0 },
};

#define NV(a)	(a), sizeof(a) / sizeof((a)[0])

static const struct {
	const struct hosp_vendor *v;
	size_t		 nv;
	unsigned	 share;		/* percent of the devices */
} hosp_roles[HR_NROLES] = {
	[HR_MONITOR] = { NV(v_monitor), 24 },
	[HR_PUMP] = { NV(v_pump), 30 },
	[HR_LAB] = { NV(v_lab), 3 },
	[HR_MODALITY] = { NV(v_modality), 3 },
	[HR_WORKSTATION] = { NV(v_workstation), 22 },
	[HR_PRINTER] = { NV(v_printer), 3 },
	[HR_PHONE] = { NV(v_phone), 15 },
};

/* Percent of the sessions, and whether a kind carries bulk bytes. */
static const struct {
	unsigned	 share;
	unsigned	 weight;	/* bulk bytes relative to the others */
	unsigned	 est;		/* wire bytes without bulk, roughly */
} hosp_mix[HK_NKINDS] = {
	[HK_HL7] = { 35, 0, 23000 },
	[HK_DNS] = { 25, 0, 300 },
	[HK_DHCP] = { 10, 0, 2000 },
	[HK_STORE] = { 5, 12, 3000 },
	[HK_FIND] = { 3, 0, 5000 },
	[HK_TLS] = { 14, 1, 3000 },
	[HK_HTTP] = { 8, 1, 1500 },
};

struct hosp_dev {
	uint8_t		 mac[6];
	uint8_t		 role;
	uint8_t		 vendor;
	uint16_t	 vlan;
	uint16_t	 eport;		/* next ephemeral port */
	uint32_t	 ip;
	uint32_t	 msgs;		/* HL7 control ids so far */
};

struct hosp_sess {
	uint8_t		 kind;
	uint8_t		 state;
	uint8_t		 mdir;		/* sender of the current message */
	uint8_t		 unacked;
	uint8_t		 sub;		/* DHCP kind, HL7 message type */
	uint8_t		 dns;		/* DNS: datagrams still to send */
	uint16_t	 port[2];
	uint16_t	 mlen, moff;	/* inline bytes of the message */
	uint16_t	 id;
	uint32_t	 dev, srv;	/* device index, enum hosp_server */
	uint32_t	 ip[2];
	uint32_t	 seq[2];
	uint32_t	 step;		/* messages so far */
	uint32_t	 left;		/* messages, images, rounds to go */
	uint32_t	 part;		/* bytes of the image/response to go */
	uint32_t	 unit;		/* bytes per image/response */
	uint32_t	 bulk;		/* pattern bytes of the message to go */
	uint32_t	 newip;		/* DHCP: the address being leased */
	uint8_t		 msg[HOSP_MSG_MAX];
};

struct hosp {
	struct gen	*g;
	struct pkt	*b;		/* message builder */
	uint8_t		*pat;
	uint64_t	*psum;		/* psum[i]: sum of words 0..i-1 */
	struct hosp_dev	*dev;
	uint32_t	 ndev;
	uint32_t	*byrole[HR_NROLES];
	uint32_t	 nrole[HR_NROLES];
	uint32_t	 cursor[HR_NROLES + 1];	/* last: any device */
	struct hosp_sess *pool;
	size_t		 active;
	uint64_t	 flows, started;
	uint64_t	 target, committed;
	uint8_t		 srv_mac[HS_NSERVERS][6];
	uint32_t	 srv_ip[HS_NSERVERS];
	unsigned	 small_avg;	/* hosp_mix est over non-bulk kinds */
	unsigned	 bulk_weight;	/* sum of share * weight */
};

static const char *const hosp_names[HS_NSERVERS] = {
	"hl7-engine1", "hl7-engine2", "hl7-engine3", "pacs1", "pacs2",
	"ns1", "ehr", "pumps",
};

static uint32_t
vlan_net(uint16_t vlan)
{
	return IP4(10, vlan, 0, 0);
}

static void
router_mac(uint8_t *mac, uint16_t vlan)
{
	pkt_mac(mac, 0x001b54, 0xfe0000 | vlan);
}

static const struct hosp_vendor *
dev_vendor(const struct hosp_dev *d)
{
	return &hosp_roles[d->role].v[d->vendor];
}

static int
hosp_init(struct hosp *h, struct gen *g)
{
	uint32_t i, r, acc, pick, per[HR_NROLES];
	size_t k;

	memset(h, 0, sizeof(*h));
	h->g = g;
	h->flows = g->flows != 0 ? g->flows : HOSP_FLOWS;
	h->target = (g->size_mb != 0 ? g->size_mb : HOSP_SIZE_MB) << 20;
	h->ndev = g->devices != 0 ? (uint32_t)g->devices : HOSP_DEVICES;
	if (h->ndev > HOSP_MAX_DEVICES)
		h->ndev = HOSP_MAX_DEVICES;
	if (h->ndev < HR_NROLES)
		h->ndev = HR_NROLES;	/* one of each kind at least */
	h->b = calloc(1, sizeof(*h->b));
	h->pat = malloc(HOSP_PAT);
	h->psum = calloc(HOSP_PAT / 2 + 1, sizeof(*h->psum));
	h->pool = calloc(HOSP_ACTIVE, sizeof(*h->pool));
	h->dev = calloc(h->ndev, sizeof(*h->dev));
	if (h->b == NULL || h->pat == NULL || h->psum == NULL ||
	    h->pool == NULL || h->dev == NULL)
		return -1;
	scen_fill(h->pat, HOSP_PAT, 7);
	for (k = 0; k < HOSP_PAT / 2; k++)
		h->psum[k + 1] = h->psum[k] +
		    ((uint32_t)h->pat[2 * k] << 8 | h->pat[2 * k + 1]);

	/* Roles in proportion, every role at least one device. */
	memset(per, 0, sizeof(per));
	for (i = 0; i < h->ndev; i++) {
		pick = (uint32_t)gen_range(g, 0, 99);
		for (r = 0, acc = 0; r < HR_NROLES - 1; r++) {
			acc += hosp_roles[r].share;
			if (pick < acc)
				break;
		}
		if (i < HR_NROLES)
			r = i;
		h->dev[i].role = (uint8_t)r;
		per[r]++;
	}
	for (r = 0; r < HR_NROLES; r++)
		if ((h->byrole[r] = calloc(per[r] + 1, sizeof(uint32_t))) ==
		    NULL)
			return -1;
	for (i = 0; i < h->ndev; i++) {
		struct hosp_dev *d = &h->dev[i];
		uint32_t host = i / HOSP_VLANS;

		r = d->role;
		h->byrole[r][h->nrole[r]++] = i;
		d->vendor = (uint8_t)gen_range(g, 0, hosp_roles[r].nv - 1);
		d->vlan = (uint16_t)(HOSP_VLAN0 + i % HOSP_VLANS);
		/* 10.VLAN.x.y, y from 10: .1 is the router. */
		d->ip = vlan_net(d->vlan) | (host / 240) << 8 |
		    (host % 240 + 10);
		pkt_mac(d->mac, dev_vendor(d)->oui, 0x100000 | i);
		d->eport = (uint16_t)(49152 + gen_range(g, 0, 8000));
	}
	for (k = 0; k < HS_NSERVERS; k++) {
		/* 00:50:56 VMware for the virtual servers, 4c:ae:a3 HPE. */
		pkt_mac(h->srv_mac[k], k == HS_PACS1 || k == HS_PACS2 ?
		    0x4caea3 : 0x005056, 0x0a0000 | (uint32_t)k);
		h->srv_ip[k] = IP4(10, HOSP_SRV_VLAN, 0, 5 + k);
	}
	for (k = 0, acc = 0; k < HK_NKINDS; k++) {
		if (hosp_mix[k].weight == 0) {
			h->small_avg += hosp_mix[k].share * hosp_mix[k].est;
			acc += hosp_mix[k].share;
		}
		h->bulk_weight += hosp_mix[k].share * hosp_mix[k].weight;
	}
	h->small_avg /= acc;
	return 0;
}

static void
hosp_free(struct hosp *h)
{
	size_t r;

	for (r = 0; r < HR_NROLES; r++)
		free(h->byrole[r]);
	free(h->b);
	free(h->pat);
	free(h->psum);
	free(h->pool);
	free(h->dev);
}

/* A standard normal deviate (Box-Muller). */
static double
hosp_normal(struct gen *g)
{
	double u1 = ((double)(gen_rand(g) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(gen_rand(g) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/*
 * Bulk bytes for a new session of a kind with the given weight: the
 * bytes left after the small sessions' share, spread over the bulk
 * sessions to come by weight, log-normal around that.
 */
static uint32_t
hosp_bulk_size(struct hosp *h, unsigned weight)
{
	double left = (double)h->target - (double)h->committed;
	double per = left / (double)(h->flows - h->started + 1);
	double small = 0, mean, s;
	size_t k;

	for (k = 0; k < HK_NKINDS; k++)
		if (hosp_mix[k].weight == 0)
			small += hosp_mix[k].share;
	mean = (per * 100 - small * h->small_avg) / h->bulk_weight * weight;
	if (mean < HOSP_MIN_BULK)
		mean = HOSP_MIN_BULK;
	s = mean * exp(HOSP_SIGMA * hosp_normal(h->g) -
	    HOSP_SIGMA * HOSP_SIGMA / 2);
	if (s < HOSP_MIN_BULK)
		s = HOSP_MIN_BULK;
	if (s > HOSP_MAX_BULK)
		s = HOSP_MAX_BULK;
	return (uint32_t)s;
}

/* The next device of a role: each in turn once, then at random. */
static uint32_t
hosp_pick(struct hosp *h, int role)
{
	uint32_t n, c;

	if (role < 0) {
		c = h->cursor[HR_NROLES]++;
		return c < h->ndev ? c :
		    (uint32_t)gen_range(h->g, 0, h->ndev - 1);
	}
	n = h->nrole[role];
	c = h->cursor[role]++;
	return h->byrole[role][c < n ? c :
	    (uint32_t)gen_range(h->g, 0, n - 1)];
}

/* ------------------------------------------------------------------ */
/* Packets.                                                           */

/*
 * Append n pattern bytes with their known checksum.  The sum is of
 * 16-bit words from the start of the transport header, so an odd
 * offset there takes its first byte plainly.
 */
static void
hosp_bulk(struct hosp *h, struct pkt *p, size_t n)
{
	size_t l4 = p->lay[p->nlay - 1].off, off;
	uint64_t sum;

	if (n == 0)
		return;
	off = 2 * (size_t)gen_range(h->g, 0, (HOSP_PAT - n) / 2 - 1);
	if ((p->len - l4) % 2 == 1) {
		pkt_bytes(p, h->pat + off, 1);
		off += 2;	/* the pattern's words stay aligned */
		if (--n == 0)
			return;
	}
	sum = h->psum[(off + n) / 2] - h->psum[off / 2];
	if (n % 2)
		sum += (uint32_t)h->pat[off + n - 1] << 8;
	pkt_payload_summed(p, h->pat + off, n, sum);
}

static void
hosp_l3(struct hosp *h, struct pkt *p, const struct hosp_sess *s, int dir,
    uint8_t proto, int bcast)
{
	const struct hosp_dev *d = &h->dev[s->dev];
	struct pkt_link link = { .type = PKT_LINK_ETH, .nvlan = 1,
	    .tpid = { ETYPE_VLAN }, .vlan = { d->vlan } };
	uint8_t rmac[6], all[6];

	pkt_reset(p);
	router_mac(rmac, d->vlan);
	memset(all, 0xff, sizeof(all));
	if (dir == 0)
		pkt_l2(p, &link, bcast ? all : rmac, d->mac, 0, 1);
	else
		pkt_l2(p, &link, bcast ? all : d->mac, rmac, 0, 1);
	(void)pkt_ipv4(p, s->ip[dir], s->ip[!dir], proto,
	    (uint16_t)gen_rand(h->g));
}

static void
hosp_tcp(struct hosp *h, struct pkt *p, struct hosp_sess *s, int dir,
    uint8_t flags, size_t n)
{
	static const uint8_t synopts[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	size_t k;

	hosp_l3(h, p, s, dir, IPPROTO_TCP_, 0);
	(void)pkt_tcp(p, s->port[dir], s->port[!dir], s->seq[dir],
	    (flags & TCP_ACK) ? s->seq[!dir] : 0, flags,
	    dir ? 65160 : 64240, synopts, (flags & TCP_SYN) ? 8 : 0);
	if (n > 0) {
		k = (size_t)(s->mlen - s->moff);
		if (k > n)
			k = n;
		pkt_bytes(p, s->msg + s->moff, k);
		s->moff = (uint16_t)(s->moff + k);
		hosp_bulk(h, p, n - k);
		s->bulk -= (uint32_t)(n - k);
	}
	s->seq[dir] += (uint32_t)n + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	pkt_finish(p);
}

/* Take the builder's bytes as the next message, bulk bytes after them. */
static void
hosp_set_msg(struct hosp *h, struct hosp_sess *s, int dir, uint32_t bulk)
{
	size_t n = h->b->len;

	if (n > HOSP_MSG_MAX)
		n = HOSP_MSG_MAX;	/* never: the builders stay below */
	memcpy(s->msg, h->b->buf, n);
	s->mlen = (uint16_t)n;
	s->moff = 0;
	s->bulk = bulk;
	s->mdir = (uint8_t)dir;
	s->step++;
}

/* ------------------------------------------------------------------ */
/* HL7 v2 over MLLP.                                                  */

/* HL7 TS (v2.6 2A.77) of the capture clock, to the second, UTC. */
static void
hl7_ts(char *buf, size_t len, uint64_t now)
{
	uint64_t s = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "20261102%02u%02u%02u+0000",
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/*
 * One message from the device: vital signs or pump status (IHE PCD-01
 * ORU^R01, MDC codes), lab results (ORU^R01, LOINC), or registration
 * (ADT^A01, A03, A08) from a workstation.  The patient is synthetic.
 */
static void
hl7_message(struct hosp *h, struct hosp_sess *s)
{
	struct hosp_dev *d = &h->dev[s->dev];
	const struct hosp_vendor *v = dev_vendor(d);
	static const char *const adt[3] = { "A01", "A03", "A08" };
	char ts[32], *m = (char *)h->b->buf;
	unsigned mrn = (unsigned)gen_range(h->g, 0, 999999);
	unsigned id = ++d->msgs, bed = s->dev % 40 + 1;
	size_t cap = HOSP_MSG_MAX - 2;
	int n, k = 0;

	hl7_ts(ts, sizeof(ts), h->g->now);
	pkt_reset(h->b);
	switch (d->role) {
	case HR_WORKSTATION:
		n = snprintf(m, cap, "%cMSH|^~\\&|%s|REG_%u|HL7_ENGINE|"
		    "HOSPITAL|%s||ADT^%s^ADT_A01|ADT%08u|P|2.6\r"
		    "EVN|%s|%s\r"
		    "PID|1||T%06u^^^HOSP^MR||TEST^PATIENT^%c||19700101|U\r"
		    "PV1|1|I|WARD%02u^%02u^1||||TEST^DOCTOR|||MED\r",
		    MLLP_SB, v->hl7_app, d->vlan, ts, adt[s->step / 2 % 3], id,
		    adt[s->step / 2 % 3], ts, mrn, 'A' + (int)(mrn % 26),
		    d->vlan - HOSP_VLAN0, bed);
		break;
	case HR_LAB:
		n = snprintf(m, cap, "%cMSH|^~\\&|%s|LAB|HL7_ENGINE|HOSPITAL|"
		    "%s||ORU^R01^ORU_R01|LAB%08u|P|2.5.1\r"
		    "PID|1||T%06u^^^HOSP^MR||TEST^PATIENT^%c||19700101|U\r"
		    "OBR|1||S%08u|58410-2^CBC panel^LN|||%s\r"
		    "OBX|1|NM|718-7^Hemoglobin^LN||%u.%u|g/dL|12.0-16.0|N|||F\r"
		    "OBX|2|NM|6690-2^Leukocytes^LN||%u.%u|10*3/uL|4.0-11.0|N|||"
		    "F\r"
		    "OBX|3|NM|777-3^Platelets^LN||%u|10*3/uL|150-400|N|||F\r"
		    "EQU|%s-%05u|%s\r",
		    MLLP_SB, v->hl7_app, ts, id, mrn, 'A' + (int)(mrn % 26), id,
		    ts, 12 + id % 4, id % 10, 5 + id % 5, id % 10,
		    180 + id % 200, v->host, s->dev, ts);
		break;
	case HR_PUMP:
		n = snprintf(m, cap, "%cMSH|^~\\&|%s|PUMPS|HL7_ENGINE|HOSPITAL|"
		    "%s||ORU^R01^ORU_R01|PMP%08u|P|2.6|||AL|NE||UNICODE UTF-8|"
		    "||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
		    "PID|1||T%06u^^^HOSP^MR||TEST^PATIENT^%c||19700101|U\r"
		    "PV1|1|I|WARD%02u^%02u^1\r"
		    "OBR|1|||69986^MDC_EVT_STAT_DEV^MDC|||%s\r"
		    "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1|||||||X|||||||"
		    "%s%05u^%s^%06X%06X^EUI-64\r"
		    "OBX|2|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|%u.%u|"
		    "265266^MDC_DIM_MILLI_L_PER_HR^MDC|||||R|||%s\r"
		    "OBX|3|NM|157872^MDC_VOL_FLUID_DELIV^MDC|1.1.1.2|%u|"
		    "263762^MDC_DIM_MILLI_L^MDC|||||R|||%s\r",
		    MLLP_SB, v->hl7_app, ts, id, mrn, 'A' + (int)(mrn % 26),
		    d->vlan - HOSP_VLAN0, bed, ts, v->host, s->dev, v->hl7_app,
		    (unsigned)(v->oui), 0x100000 | s->dev, 20 + id % 180,
		    id % 10, ts, id % 1000, ts);
		break;
	default:
		n = snprintf(m, cap, "%cMSH|^~\\&|%s|ICU_%u|HL7_ENGINE|"
		    "HOSPITAL|%s||ORU^R01^ORU_R01|MON%08u|P|2.6|||AL|NE||"
		    "UNICODE UTF-8|||IHE_PCD_001^IHE PCD^"
		    "1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
		    "PID|1||T%06u^^^HOSP^MR||TEST^PATIENT^%c||19700101|U\r"
		    "PV1|1|I|ICU%02u^%02u^1\r"
		    "OBR|1|||69837-1^Vital signs^LN|||%s\r"
		    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|%u|"
		    "262688^MDC_DIM_PERCENT^MDC|||||R|||%s||||"
		    "%s-%05u^%s^%06X%06X^EUI-64\r"
		    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.2|%u|"
		    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||%s||||"
		    "%s-%05u^%s^%06X%06X^EUI-64\r"
		    "OBX|3|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.1.1.3|%u|"
		    "266016^MDC_DIM_MMHG^MDC|||||R|||%s\r",
		    MLLP_SB, v->hl7_app, d->vlan, ts, id, mrn,
		    'A' + (int)(mrn % 26), d->vlan - HOSP_VLAN0, bed, ts,
		    90 + id % 10, ts, v->host, s->dev, v->hl7_app,
		    (unsigned)v->oui, 0x100000 | s->dev, 60 + id % 50, ts,
		    v->host, s->dev, v->hl7_app, (unsigned)v->oui,
		    0x100000 | s->dev, 100 + id % 40, ts);
		break;
	}
	if (n < 0 || (size_t)n >= cap)
		n = (int)cap - 2;
	k = n;
	m[k++] = MLLP_EB;
	m[k++] = '\r';
	h->b->len = (size_t)k;
}

static void
hl7_ack(struct hosp *h, struct hosp_sess *s)
{
	struct hosp_dev *d = &h->dev[s->dev];
	const struct hosp_vendor *v = dev_vendor(d);
	char ts[32];
	int n;

	hl7_ts(ts, sizeof(ts), h->g->now);
	n = snprintf((char *)h->b->buf, 256, "%cMSH|^~\\&|HL7_ENGINE|HOSPITAL|"
	    "%s|FAC|%s||ACK^R01^ACK|ENG%08u|P|2.6\rMSA|AA|%08u\r%c\r",
	    MLLP_SB, v->hl7_app, ts, d->msgs, d->msgs, MLLP_EB);
	h->b->len = n > 0 && n < 256 ? (size_t)n : 0;
}

static int
hl7_next(struct hosp *h, struct hosp_sess *s)
{
	if (s->left == 0)
		return 0;
	if (s->step % 2 == 0) {
		hl7_message(h, s);
		hosp_set_msg(h, s, 0, 0);
	} else {
		hl7_ack(h, s);
		hosp_set_msg(h, s, 1, 0);
		s->left--;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* DICOM Upper Layer (PS3.8) and DIMSE (PS3.7).                       */

static void
dc_item(struct pkt *b, uint8_t type, const char *str)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)strlen(str));
	pkt_str(b, str);
}

static void
dc_ae(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, 16);

	memset(p, ' ', 16);
	memcpy(p, ae, strlen(ae) < 16 ? strlen(ae) : 16);
}

/*
 * A-ASSOCIATE-RQ or -AC (PS3.8 9.3.2, 9.3.3): one presentation context
 * (id 1) for the abstract syntax, explicit VR little endian.
 */
static void
dc_assoc(struct pkt *b, int ac, const char *calling, const char *called,
    const char *as)
{
	size_t pc, ui;

	pkt_reset(b);
	pkt_u8(b, ac ? 0x02 : 0x01);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be16(b, 1);
	pkt_zero(b, 2);
	dc_ae(b, called);
	dc_ae(b, calling);
	pkt_zero(b, 32);
	dc_item(b, 0x10, UID_APP_CTX);
	pkt_u8(b, ac ? 0x21 : 0x20);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	pc = b->len;
	pkt_u8(b, 1);
	pkt_zero(b, 3);
	if (!ac)
		dc_item(b, 0x30, as);
	dc_item(b, 0x40, UID_EXPLICIT);
	pkt_set16(b->buf + pc - 2, (uint32_t)(b->len - pc));
	pkt_u8(b, 0x50);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	ui = b->len;
	pkt_u8(b, 0x51);
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, HOSP_PDU_MAX);
	dc_item(b, 0x52, ac ? "1.2.752.24.3.7.25" :
	    "1.2.276.0.7230010.3.0.3.6.7");
	dc_item(b, 0x55, ac ? "SectraPACS_25.1" : "OFFIS_DCMTK_367");
	pkt_set16(b->buf + ui - 2, (uint32_t)(b->len - ui));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/* Implicit VR little endian command elements (PS3.7 E.1). */
static void
dc_cmd_str(struct pkt *b, uint16_t el, const char *str)
{
	size_t n = strlen(str);

	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, str, n);
	if (n & 1)
		pkt_u8(b, 0);
}

static void
dc_cmd_us(struct pkt *b, uint16_t el, uint16_t v)
{
	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, 2);
	pkt_le16(b, v);
}

/* A P-DATA-TF PDU with one command PDV, the group length first. */
static void
dc_command(struct pkt *b, const char *sop, uint16_t field, uint16_t id,
    uint16_t ds, uint16_t status, const char *inst)
{
	int rsp = (field & DIMSE_RSP) != 0;
	size_t pdv, grp;

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, 1);
	pkt_u8(b, PDV_CMD_LAST);
	pkt_le16(b, 0x0000);
	pkt_le16(b, 0x0000);
	pkt_le32(b, 4);
	pkt_le32(b, 0);
	grp = b->len;
	dc_cmd_str(b, 0x0002, sop);
	dc_cmd_us(b, 0x0100, field);
	dc_cmd_us(b, rsp ? 0x0120 : 0x0110, id);
	if (!rsp)
		dc_cmd_us(b, 0x0700, 0);
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

/* Explicit VR little endian data element (PS3.5 7.1.2). */
static void
dc_el(struct pkt *b, uint16_t grp, uint16_t el, const char *vr,
    const char *str)
{
	size_t n = strlen(str);

	pkt_le16(b, grp);
	pkt_le16(b, el);
	pkt_bytes(b, vr, 2);
	pkt_le16(b, (uint32_t)(n + (n & 1)));
	pkt_bytes(b, str, n);
	if (n & 1)
		pkt_u8(b, strcmp(vr, "UI") == 0 ? 0 : ' ');
}

/* The head of a P-DATA-TF carrying n data bytes in one PDV. */
static void
dc_data_head(struct pkt *b, size_t n, int last)
{
	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, (uint32_t)(n + 6));
	pkt_be32(b, (uint32_t)(n + 2));
	pkt_u8(b, 1);
	pkt_u8(b, last ? PDV_DATA_LAST : PDV_DATA);
}

/* A C-FIND identifier (PS3.4 C.4.1): studies of one date. */
static void
dc_identifier(struct pkt *b, const struct hosp_sess *s, int match)
{
	char uid[64];
	size_t pdv;

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, 1);
	pkt_u8(b, PDV_DATA_LAST);
	dc_el(b, 0x0008, 0x0020, "DA", "20261102");
	dc_el(b, 0x0008, 0x0052, "CS", "STUDY");
	dc_el(b, 0x0008, 0x0061, "CS", "CT");
	dc_el(b, 0x0010, 0x0010, "PN", match ? "TEST^PATIENT" : "");
	(void)snprintf(uid, sizeof(uid), "2.25.%u.%u", s->dev, s->step);
	dc_el(b, 0x0020, 0x000d, "UI", match ? uid : "");
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
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

/*
 * C-STORE: RQ, AC, then per image its command, its data set in PDUs of
 * at most HOSP_PDU_MAX and the response; release.  C-FIND: RQ, AC, the
 * query, 'left' pending matches with identifiers, success; release.
 * s->sub is the phase: 0 assoc, 1 command, 2 data, 3 response,
 * 4 release.
 */
static int
dicom_next(struct hosp *h, struct hosp_sess *s)
{
	const struct hosp_dev *d = &h->dev[s->dev];
	const struct hosp_vendor *v = dev_vendor(d);
	const char *sop = s->kind == HK_STORE && v->sop != NULL ? v->sop :
	    UID_FIND_STUDY;
	char ae[17], inst[64];
	uint32_t n;
	uint16_t mid = (uint16_t)(s->step + 1);

	(void)snprintf(ae, sizeof(ae), "%s%05u", v->ae != NULL ? v->ae :
	    "WS_", s->dev % 100000);
	(void)snprintf(inst, sizeof(inst), "2.25.%u.%u.%u", s->dev, s->id,
	    s->left);
	switch (s->sub) {
	case 0:
		dc_assoc(h->b, s->step == 1, ae, s->srv == HS_PACS1 ?
		    "PACS_MAIN" : "PACS_ARCH", sop);
		hosp_set_msg(h, s, s->step == 1, 0);
		if (s->step == 2)
			s->sub = 1;
		return 1;
	case 1:
		if (s->left == 0) {
			s->sub = 4;
			return dicom_next(h, s);
		}
		if (s->kind == HK_STORE) {
			dc_command(h->b, sop, DIMSE_C_STORE, mid, DIMSE_DATA, 0,
			    inst);
			s->part = s->unit;
			s->sub = 2;
		} else {
			dc_command(h->b, sop, DIMSE_C_FIND, 1, DIMSE_DATA, 0,
			    NULL);
			hosp_set_msg(h, s, 0, 0);
			dc_identifier(h->b, s, 0);
			/* The identifier rides in the same segment train. */
			memcpy(s->msg + s->mlen, h->b->buf, h->b->len);
			s->mlen = (uint16_t)(s->mlen + h->b->len);
			s->sub = 3;
			return 1;
		}
		hosp_set_msg(h, s, 0, 0);
		return 1;
	case 2:
		n = s->part < HOSP_PDU_MAX - 12 ? s->part : HOSP_PDU_MAX - 12;
		s->part -= n;
		dc_data_head(h->b, n, s->part == 0);
		hosp_set_msg(h, s, 0, n);
		if (s->part == 0)
			s->sub = 3;
		return 1;
	case 3:
		if (s->kind == HK_STORE) {
			dc_command(h->b, sop, DIMSE_C_STORE | DIMSE_RSP, mid,
			    DIMSE_NO_DATA, 0, inst);
			s->left--;
			s->sub = 1;
		} else if (s->left > 1) {
			dc_command(h->b, sop, DIMSE_C_FIND | DIMSE_RSP, 1,
			    DIMSE_DATA, DIMSE_PENDING, NULL);
			hosp_set_msg(h, s, 1, 0);
			dc_identifier(h->b, s, 1);
			memcpy(s->msg + s->mlen, h->b->buf, h->b->len);
			s->mlen = (uint16_t)(s->mlen + h->b->len);
			s->left--;
			return 1;
		} else {
			dc_command(h->b, sop, DIMSE_C_FIND | DIMSE_RSP, 1,
			    DIMSE_NO_DATA, 0, NULL);
			s->left = 0;
			s->sub = 4;
		}
		hosp_set_msg(h, s, 1, 0);
		return 1;
	case 4:
		dc_release(h->b, 0);
		hosp_set_msg(h, s, 0, 0);
		s->sub = 5;
		return 1;
	case 5:
		dc_release(h->b, 1);
		hosp_set_msg(h, s, 1, 0);
		s->sub = 6;
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* TLS and HTTP.                                                      */

/* A TLS 1.2 ClientHello (RFC 5246 7.4.1.2) with SNI (RFC 6066 3). */
static void
tls_client_hello(struct hosp *h, const char *sni)
{
	static const uint16_t suites[] = { 0xc02f, 0xc030, 0xc02b, 0xc02c,
	    0x009e, 0xc013, 0xc014, 0x009c, 0x002f, 0x0035 };
	static const uint8_t exts[] = {
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17,
		0x00, 0x18,			/* supported_groups */
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,	/* ec_point_formats */
		0x00, 0x0d, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x01, 0x05, 0x01,
		0x08, 0x04, 0x04, 0x03,		/* signature_algorithms */
	};
	struct pkt *b = h->b;
	size_t i, n = strlen(sni), hs, ex;

	pkt_reset(b);
	pkt_u8(b, 0x16);
	pkt_be16(b, 0x0301);
	pkt_be16(b, 0);
	pkt_u8(b, 0x01);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	hs = b->len;
	pkt_be16(b, 0x0303);
	for (i = 0; i < 4; i++)
		pkt_be32(b, (uint32_t)gen_rand(h->g));
	for (i = 0; i < 4; i++)
		pkt_be32(b, (uint32_t)gen_rand(h->g));
	pkt_u8(b, 0);				/* session id */
	pkt_be16(b, (uint32_t)(2 * (sizeof(suites) / sizeof(suites[0]))));
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		pkt_be16(b, suites[i]);
	pkt_u8(b, 1);
	pkt_u8(b, 0);				/* null compression */
	pkt_be16(b, 0);
	ex = b->len;
	pkt_be16(b, 0x0000);			/* server_name */
	pkt_be16(b, (uint32_t)(n + 5));
	pkt_be16(b, (uint32_t)(n + 3));
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)n);
	pkt_str(b, sni);
	pkt_bytes(b, exts, sizeof(exts));
	pkt_set16(b->buf + ex - 2, (uint32_t)(b->len - ex));
	pkt_set16(b->buf + hs - 2, (uint32_t)(b->len - hs));
	pkt_set16(b->buf + 3, (uint32_t)(b->len - 5));
}

/* ServerHello (RFC 5246 7.4.1.3), then ChangeCipherSpec. */
static void
tls_server_hello(struct hosp *h)
{
	struct pkt *b = h->b;
	size_t i;

	pkt_reset(b);
	pkt_u8(b, 0x16);
	pkt_be16(b, 0x0303);
	pkt_be16(b, 4 + 2 + 32 + 1 + 2 + 1 + 2);
	pkt_u8(b, 0x02);
	pkt_u8(b, 0);
	pkt_be16(b, 2 + 32 + 1 + 2 + 1 + 2);
	pkt_be16(b, 0x0303);
	for (i = 0; i < 8; i++)
		pkt_be32(b, (uint32_t)gen_rand(h->g));
	pkt_u8(b, 0);
	pkt_be16(b, 0xc02f);
	pkt_u8(b, 0);
	pkt_be16(b, 0);				/* no extensions */
	pkt_u8(b, 0x14);
	pkt_be16(b, 0x0303);
	pkt_be16(b, 1);
	pkt_u8(b, 1);
}

static const char *
web_host(const struct hosp_sess *s)
{
	return s->srv == HS_PUMPSRV ? "pumps." HOSP_DOMAIN :
	    "ehr." HOSP_DOMAIN;
}

/*
 * TLS: hello both ways, then 'left' rounds of one request record and
 * a response of s->unit bytes in records of at most HOSP_PDU_MAX.
 * HTTP: 'left' GETs each answered with a body of s->unit bytes.
 * s->sub: 0 hello, 1 request, 2 response.
 */
static int
web_next(struct hosp *h, struct hosp_sess *s)
{
	char *m = (char *)h->b->buf;
	uint32_t n;
	int k;

	if (s->kind == HK_TLS && s->step < 2) {
		if (s->step == 0)
			tls_client_hello(h, web_host(s));
		else
			tls_server_hello(h);
		hosp_set_msg(h, s, s->step == 1, 0);
		return 1;
	}
	if (s->sub == 0 || s->sub == 1) {
		if (s->left == 0)
			return 0;
		s->left--;
		s->part = s->unit;
		s->sub = 2;
		pkt_reset(h->b);
		if (s->kind == HK_TLS) {
			n = (uint32_t)gen_range(h->g, 200, 900);
			pkt_u8(h->b, 0x17);
			pkt_be16(h->b, 0x0303);
			pkt_be16(h->b, n);
			hosp_set_msg(h, s, 0, n);
			return 1;
		}
		k = snprintf(m, HOSP_MSG_MAX, "GET /api/v2/devices/%u/status?"
		    "seq=%u HTTP/1.1\r\nHost: %s\r\nUser-Agent: DeviceAgent/3.1"
		    "\r\nAccept: application/json\r\nConnection: keep-alive"
		    "\r\n\r\n", s->dev, s->step, web_host(s));
		h->b->len = k > 0 && k < HOSP_MSG_MAX ? (size_t)k : 0;
		hosp_set_msg(h, s, 0, 0);
		return 1;
	}
	pkt_reset(h->b);
	if (s->kind == HK_TLS) {
		n = s->part < HOSP_PDU_MAX ? s->part : HOSP_PDU_MAX;
		pkt_u8(h->b, 0x17);
		pkt_be16(h->b, 0x0303);
		pkt_be16(h->b, n);
	} else {
		n = s->part;
		k = snprintf(m, HOSP_MSG_MAX, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/octet-stream\r\n"
		    "Content-Length: %u\r\nCache-Control: no-store\r\n\r\n", n);
		h->b->len = k > 0 && k < HOSP_MSG_MAX ? (size_t)k : 0;
	}
	s->part -= n;
	if (s->part == 0)
		s->sub = 1;
	hosp_set_msg(h, s, 1, n);
	return 1;
}

static int
tcp_next(struct hosp *h, struct hosp_sess *s)
{
	switch (s->kind) {
	case HK_HL7:
		return hl7_next(h, s);
	case HK_STORE:
	case HK_FIND:
		return dicom_next(h, s);
	default:
		return web_next(h, s);
	}
}

/* Build the next packet of a TCP session and advance its state. */
static void
tcp_step(struct hosp *h, struct pkt *p, struct hosp_sess *s)
{
	size_t n;

	switch (s->state) {
	case HT_SYN:
		hosp_tcp(h, p, s, 0, TCP_SYN, 0);
		break;
	case HT_SYNACK:
		hosp_tcp(h, p, s, 1, TCP_SYN | TCP_ACK, 0);
		break;
	case HT_ACK:
		hosp_tcp(h, p, s, 0, TCP_ACK, 0);
		break;
	case HT_DATA:
		if (s->moff == s->mlen && s->bulk == 0 && !tcp_next(h, s)) {
			hosp_tcp(h, p, s, 0, TCP_FIN | TCP_ACK, 0);
			s->state = HT_FIN2;
			return;
		}
		n = (size_t)(s->mlen - s->moff) + s->bulk;
		if (n > HOSP_MSS)
			n = HOSP_MSS;
		hosp_tcp(h, p, s, s->mdir, (uint8_t)(TCP_ACK |
		    (n == (size_t)(s->mlen - s->moff) + s->bulk ? TCP_PSH :
		    0)), n);
		if (s->moff < s->mlen || s->bulk > 0) {
			if (++s->unacked < 2)
				return;		/* stay in HT_DATA */
		}
		s->unacked = 0;
		break;
	case HT_DATA_ACK:
		hosp_tcp(h, p, s, !s->mdir, TCP_ACK, 0);
		s->state = HT_DATA;
		return;
	case HT_FIN2:
		hosp_tcp(h, p, s, 1, TCP_FIN | TCP_ACK, 0);
		break;
	case HT_FIN3:
		hosp_tcp(h, p, s, 0, TCP_ACK, 0);
		break;
	}
	s->state++;
}

/* ------------------------------------------------------------------ */
/* DHCP and DNS.                                                      */

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
 * One DHCP message (RFC 2131 2) into the builder: type 1 DISCOVER,
 * 2 OFFER, 3 REQUEST, 5 ACK, 6 NAK.  ciaddr is set on a renewal;
 * the server's replies come through the VLAN's router (giaddr).
 */
static void
dhcp_msg(struct hosp *h, struct hosp_sess *s, uint8_t type, int renew)
{
	static const uint8_t prl_win[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46,
	    47, 119, 121, 249, 252 };
	static const uint8_t prl_dev[] = { 1, 3, 6, 12, 15, 28, 42, 51, 58,
	    59 };
	const struct hosp_dev *d = &h->dev[s->dev];
	const struct hosp_vendor *v = dev_vendor(d);
	struct pkt *b = h->b;
	int server = type == 2 || type == 5 || type == 6;
	uint32_t router = vlan_net(d->vlan) | 1;
	char name[32];
	uint8_t cid[7];

	pkt_reset(b);
	pkt_u8(b, server ? 2 : 1);
	pkt_u8(b, 1);
	pkt_u8(b, 6);
	pkt_u8(b, server && !renew ? 1 : 0);	/* hops: relayed */
	pkt_be32(b, s->id | (uint32_t)s->dev << 16);
	pkt_be16(b, 0);
	pkt_be16(b, renew ? 0 : 0x8000);
	pkt_be32(b, renew ? d->ip : 0);		/* ciaddr */
	pkt_be32(b, type == 2 || type == 5 ? s->newip : 0);
	pkt_be32(b, 0);
	pkt_be32(b, renew ? 0 : router);	/* giaddr */
	pkt_bytes(b, d->mac, 6);
	pkt_zero(b, 10 + 64 + 128);
	pkt_be32(b, DHCP_MAGIC);
	dhcp_opt(b, 53, &type, 1);
	if (server) {
		dhcp_opt32(b, 54, h->srv_ip[HS_DNS]);
		if (type != 6) {
			dhcp_opt32(b, 51, 28800);
			dhcp_opt32(b, 58, 14400);
			dhcp_opt32(b, 59, 25200);
			dhcp_opt32(b, 1, 0xffff0000);
			dhcp_opt32(b, 3, router);
			dhcp_opt32(b, 6, h->srv_ip[HS_DNS]);
			dhcp_opt(b, 15, HOSP_DOMAIN, strlen(HOSP_DOMAIN));
		}
	} else {
		cid[0] = 1;
		memcpy(cid + 1, d->mac, 6);
		dhcp_opt(b, 61, cid, sizeof(cid));
		if (type == 3 && !renew) {
			/* INIT-REBOOT asks for the address it had. */
			dhcp_opt32(b, 50, s->sub == HD_CHANGE && s->step == 0 ?
			    d->ip : s->newip);
			if (s->sub != HD_CHANGE || s->step > 0)
				dhcp_opt32(b, 54, h->srv_ip[HS_DNS]);
		}
		(void)snprintf(name, sizeof(name), "%s-%05u", v->host,
		    s->dev % 100000);
		dhcp_opt(b, 12, name, strlen(name));
		if (v->vclass != NULL)
			dhcp_opt(b, 60, v->vclass, strlen(v->vclass));
		if (v->windows)
			dhcp_opt(b, 55, prl_win, sizeof(prl_win));
		else
			dhcp_opt(b, 55, prl_dev, sizeof(prl_dev));
	}
	pkt_u8(b, 255);
	pkt_pad(b, DHCP_MIN_LEN);
}

/*
 * The exchange of each DHCP kind, as message types; a renewal is
 * unicast.  An address change asks for the old address after a reboot
 * (INIT-REBOOT), is refused, and leases a new one.
 */
static const uint8_t dhcp_seq[3][7] = {
	[HD_LEASE] = { 1, 2, 3, 5, 0 },
	[HD_RENEW] = { 3, 5, 0 },
	[HD_CHANGE] = { 3, 6, 1, 2, 3, 5, 0 },
};

static void
dgram_step(struct hosp *h, struct pkt *p, struct hosp_sess *s)
{
	struct hosp_dev *d = &h->dev[s->dev];
	uint8_t type, addr[4], buf[300];
	char name[64];
	int dir, renew, bcast;
	size_t n;

	if (s->kind == HK_DNS) {
		dir = s->step % 2;
		if (s->step / 2 % 3 == 0)
			(void)snprintf(name, sizeof(name), "%s." HOSP_DOMAIN,
			    hosp_names[s->srv]);
		else
			(void)snprintf(name, sizeof(name), "h%u.%s",
			    (unsigned)((s->id + s->step / 2) % h->ndev),
			    HOSP_DOMAIN);
		pkt_set32(addr, h->srv_ip[s->srv]);
		n = scen_dns(buf, sizeof(buf), (uint16_t)(s->id + s->step / 2),
		    name, dir ? addr : NULL);
		hosp_l3(h, p, s, dir, IPPROTO_UDP_, 0);
		(void)pkt_udp(p, s->port[dir], s->port[!dir]);
		pkt_bytes(p, buf, n);
		pkt_finish(p);
		if (++s->step >= s->left)
			s->state = HT_DONE;
		return;
	}
	type = dhcp_seq[s->sub][s->step];
	renew = s->sub == HD_RENEW;
	dir = type == 2 || type == 5 || type == 6;
	bcast = !renew;
	dhcp_msg(h, s, type, renew);
	/*
	 * A renewal is unicast between the device and the server.
	 * Otherwise the device sends from 0.0.0.0 to all, and the relay
	 * (the VLAN's router) answers to all.
	 */
	s->ip[0] = renew ? d->ip : 0;
	s->ip[1] = renew ? h->srv_ip[HS_DNS] : vlan_net(d->vlan) | 1;
	hosp_l3(h, p, s, dir, IPPROTO_UDP_, bcast);
	if (bcast)
		pkt_set32(p->buf + p->lay[p->nlay - 1].off + 16, 0xffffffff);
	(void)pkt_udp(p, dir ? PORT_DHCP_S : PORT_DHCP_C,
	    dir ? PORT_DHCP_C : PORT_DHCP_S);
	pkt_bytes(p, h->b->buf, h->b->len);
	pkt_finish(p);
	if (type == 5)
		d->ip = s->newip;
	s->step++;
	if (dhcp_seq[s->sub][s->step] == 0)
		s->state = HT_DONE;
}

/* ------------------------------------------------------------------ */
/* Sessions.                                                          */

static int
kind_role(struct hosp *h, int kind)
{
	static const int hl7[] = { HR_MONITOR, HR_MONITOR, HR_PUMP, HR_PUMP,
	    HR_PUMP, HR_LAB, HR_WORKSTATION };
	static const int web[] = { HR_PUMP, HR_WORKSTATION, HR_WORKSTATION,
	    HR_MONITOR, HR_PRINTER, HR_PHONE };

	switch (kind) {
	case HK_HL7:
		return hl7[gen_range(h->g, 0, 6)];
	case HK_STORE:
		return HR_MODALITY;
	case HK_FIND:
		return gen_range(h->g, 0, 1) ? HR_WORKSTATION : HR_MODALITY;
	case HK_TLS:
	case HK_HTTP:
		return web[gen_range(h->g, 0, 5)];
	default:
		return -1;
	}
}

static void
sess_new(struct hosp *h, struct hosp_sess *s)
{
	struct gen *g = h->g;
	struct hosp_dev *d;
	uint32_t pick = (uint32_t)gen_range(g, 0, 99), acc = 0, bulk, k;
	int kind;

	for (kind = 0; kind < HK_NKINDS - 1; kind++) {
		acc += hosp_mix[kind].share;
		if (pick < acc)
			break;
	}
	h->started++;
	memset(s, 0, sizeof(*s));
	s->kind = (uint8_t)kind;
	s->dev = hosp_pick(h, kind_role(h, kind));
	d = &h->dev[s->dev];
	s->id = (uint16_t)gen_rand(g);
	s->seq[0] = (uint32_t)gen_rand(g);
	s->seq[1] = (uint32_t)gen_rand(g);
	s->port[0] = d->eport++;
	if (d->eport < 49152)
		d->eport = 49152;
	s->ip[0] = d->ip;
	s->state = HT_SYN;
	h->committed += hosp_mix[kind].est;
	switch (kind) {
	case HK_HL7:
		s->srv = HS_ENGINE1 + s->dev % 3;
		s->port[1] = PORT_HL7;
		s->left = (uint32_t)gen_range(g, 4, 36);
		break;
	case HK_STORE:
		s->srv = HS_PACS1 + (uint32_t)gen_range(g, 0, 1);
		s->port[1] = PORT_DICOM;
		bulk = hosp_bulk_size(h, hosp_mix[kind].weight);
		s->left = (uint32_t)gen_range(g, 1, 24);
		s->unit = bulk / s->left + 1;
		h->committed += (uint64_t)s->left * s->unit / 25 * 26;
		break;
	case HK_FIND:
		s->srv = HS_PACS1;
		s->port[1] = PORT_DICOM;
		s->left = (uint32_t)gen_range(g, 1, 12);
		break;
	case HK_TLS:
	case HK_HTTP:
		s->srv = gen_range(g, 0, 1) ? HS_EHR : HS_PUMPSRV;
		if (d->role == HR_PUMP)
			s->srv = HS_PUMPSRV;
		s->port[1] = kind == HK_TLS ? PORT_TLS : PORT_HTTP;
		bulk = hosp_bulk_size(h, hosp_mix[kind].weight);
		s->left = (uint32_t)gen_range(g, 1, 6);
		s->unit = bulk / s->left + 1;
		h->committed += (uint64_t)s->left * s->unit / 25 * 26;
		break;
	case HK_DNS:
		s->state = HT_DATA;
		s->srv = (uint32_t)gen_range(g, 0, HS_NSERVERS - 1);
		s->port[1] = PORT_DNS;
		s->left = 2 * (uint32_t)gen_range(g, 1, 3);
		break;
	default:
		s->state = HT_DATA;
		k = (uint32_t)gen_range(g, 0, 9);
		s->sub = k < 4 ? HD_LEASE : k < 8 ? HD_RENEW : HD_CHANGE;
		s->newip = d->ip;
		if (s->sub == HD_CHANGE)
			s->newip = vlan_net(d->vlan) | 0x8000 |
			    (uint32_t)gen_range(g, 1, 0x7ffe);
		if ((s->newip & 0xff) == 0 || (s->newip & 0xff) == 0xff)
			s->newip ^= 0x10;
		break;
	}
	/* A DNS query goes to the name server, whoever it asks about. */
	s->ip[1] = h->srv_ip[kind == HK_DNS ? HS_DNS : s->srv];
}

int
scen_hospital(struct gen *g)
{
	struct hosp h;
	struct hosp_sess *s;
	struct pkt *p = &g->pkt;
	size_t i;

	if (hosp_init(&h, g) == -1) {
		hosp_free(&h);
		return -1;
	}
	while (h.active < HOSP_ACTIVE && h.started < h.flows)
		sess_new(&h, &h.pool[h.active++]);
	while (h.active > 0) {
		i = (size_t)gen_range(g, 0, h.active - 1);
		s = &h.pool[i];
		if (s->kind == HK_DNS || s->kind == HK_DHCP)
			dgram_step(&h, p, s);
		else
			tcp_step(&h, p, s);
		gen_emit(g, p);
		/* About 1 Gbit/s on the wire, with jitter. */
		gen_wait(g, 8 * p->len + gen_range(g, 0, 2000));
		if (s->state != HT_DONE)
			continue;
		if (h.started < h.flows)
			sess_new(&h, s);
		else
			h.pool[i] = h.pool[--h.active];
	}
	hosp_free(&h);
	return g->w.err ? -1 : 0;
}
