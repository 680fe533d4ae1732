/*
 * scen-baseline.c - days of a small ward for baselines and attack
 * behaviour (tests/baseline.sh): a learning day, its morning and
 * afternoon apart (learn, stop, resume), a day of incidents and a
 * quiet day of benign changes.
 *
 * One VLAN (20), no router: a patient monitor that reports HL7 ORU^R01
 * to the interface engine around the clock, an infusion pump that
 * talks to its server every hour, and a radiology workstation that
 * queries and retrieves from the PACS (DICOM C-FIND, C-MOVE to its own
 * AE title) and resolves names between 08:00 and 17:59.
 *
 * The day of incidents (the day after learning) adds, one each:
 *	03:10 the workstation starts conversations at night (off hours)
 *	09:10 it scans 80 addresses on port 445
 *	09:20 it logs into three lab analyzers over FTP (cleartext)
 *	09:30 it writes 60 files on a file server over SMB (ransomware)
 *	10:00 it sweeps the PACS with 40 C-FINDs in one association
 *	10:10 it asks for a C-MOVE to an AE title never seen
 *	10:20 it retrieves 30 studies in five minutes
 *	11:00 the monitor sends HL7 to an internet address
 *	11:30 the pump floods its server with 1200 flows in 40 s
 *	12:00 the monitor sends 200 HL7 messages in an hour (volume)
 *	13:00 the pump opens SSH to the workstation (new peer, service)
 * The quiet day (three days after learning) has only benign change: no
 * pump traffic at night, the monitor's address changes at noon, a new
 * monitor of the same kind joins at 10:00, the pump moves to VLAN 21.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "gen.h"

#define BL_DAY_NS	(86400ull * GEN_NS)
#define BL_HOUR_NS	(3600ull * GEN_NS)
#define BL_MIN_NS	(60ull * GEN_NS)
/* Midnight before the generator's base time (08:00 UTC). */
#define BL_MIDNIGHT	((GEN_BASE_TIME - 8 * 3600) * GEN_NS)

#define HL7_PORT	2575
#define DICOM_PORT	104
#define TLS_PORT	443

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

enum {
	H_MON, H_MON2, H_PUMP, H_ENGINE, H_WS, H_PACS, H_PUMPSRV, H_DNS,
	H_FS, H_LAB1, H_LAB2, H_LAB3, H_NET, H_NHOSTS
};

static const struct host bl_hosts[H_NHOSTS] = {
	[H_MON] = { { 0x00, 0x09, 0xfb, 0x20, 0x00, 0x31 },
	    IP4(10, 20, 0, 31), { 0 } },
	[H_MON2] = { { 0x00, 0x09, 0xfb, 0x20, 0x00, 0x32 },
	    IP4(10, 20, 0, 32), { 0 } },
	[H_PUMP] = { { 0x00, 0x12, 0x21, 0x20, 0x00, 0x41 },
	    IP4(10, 20, 0, 41), { 0 } },
	[H_ENGINE] = { { 0x00, 0x50, 0x56, 0x20, 0x00, 0x05 },
	    IP4(10, 20, 0, 5), { 0 } },
	[H_WS] = { { 0x54, 0xbf, 0x64, 0x20, 0x01, 0x01 },
	    IP4(10, 20, 0, 101), { 0 } },
	[H_PACS] = { { 0x4c, 0xae, 0xa3, 0x20, 0x00, 0x40 },
	    IP4(10, 20, 0, 40), { 0 } },
	[H_PUMPSRV] = { { 0x00, 0x50, 0x56, 0x20, 0x00, 0x07 },
	    IP4(10, 20, 0, 7), { 0 } },
	[H_DNS] = { { 0x00, 0x50, 0x56, 0x20, 0x00, 0x02 },
	    IP4(10, 20, 0, 2), { 0 } },
	[H_FS] = { { 0x00, 0x50, 0x56, 0x20, 0x00, 0x0f },
	    IP4(10, 20, 0, 15), { 0 } },
	[H_LAB1] = { { 0xb8, 0x78, 0x79, 0x20, 0x00, 0x61 },
	    IP4(10, 20, 0, 61), { 0 } },
	[H_LAB2] = { { 0xb8, 0x78, 0x79, 0x20, 0x00, 0x62 },
	    IP4(10, 20, 0, 62), { 0 } },
	[H_LAB3] = { { 0xb8, 0x78, 0x79, 0x20, 0x00, 0x63 },
	    IP4(10, 20, 0, 63), { 0 } },
	/* The internet, behind the gateway's MAC. */
	[H_NET] = { { 0x00, 0x1b, 0x54, 0x20, 0x00, 0x01 },
	    IP4(203, 0, 113, 50), { 0 } },
};

static const struct pkt_link bl_v20 = { .type = PKT_LINK_ETH,
    .tpid = { 0x8100 }, .vlan = { 20 }, .nvlan = 1 };
static const struct pkt_link bl_v21 = { .type = PKT_LINK_ETH,
    .tpid = { 0x8100 }, .vlan = { 21 }, .nvlan = 1 };

struct bl_day {
	struct gen	*g;
	uint64_t	 start;		/* midnight, ns */
	uint16_t	 port;		/* next client port */
	uint32_t	 msg;		/* next HL7 control id */
	struct host	 mon;		/* the monitor as it is now */
	const struct pkt_link *pump_link;
	struct pkt	 b;
};

static uint16_t
bl_port(struct bl_day *d)
{
	if (d->port < 49152 || d->port >= 65000)
		d->port = 49152;
	return d->port++;
}

/* Go to hh:mm:ss of the day (never back). */
static void
bl_at(struct bl_day *d, unsigned h, unsigned m, unsigned s)
{
	uint64_t t = d->start + h * BL_HOUR_NS + m * BL_MIN_NS + s * GEN_NS;

	if (t > d->g->now)
		d->g->now = t;
}

static void
bl_conv(struct bl_day *d, struct conv *c, const struct pkt_link *link,
    const struct host *cli, const struct host *srv, uint16_t sport)
{
	scen_conv(c, d->g, link, cli, bl_port(d), srv, sport);
	c->rtt_ns = 300 * GEN_US;
	c->gap_ns = 30 * GEN_US;
}

static void
bl_mllp(struct bl_day *d, struct conv *c, int dir, const char *msg)
{
	struct pkt *b = &d->b;

	pkt_reset(b);
	pkt_u8(b, 0x0b);
	pkt_str(b, msg);
	pkt_u8(b, 0x1c);
	pkt_u8(b, 0x0d);
	conv_data(c, dir, b->buf, b->len);
}

/* One ORU^R01 from the monitor, acknowledged, on its own connection. */
static void
bl_hl7(struct bl_day *d, const struct host *mon, const struct host *to)
{
	char msg[512], ack[256];
	struct conv c;
	unsigned id = d->msg++;

	snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|MONITOR^00091FFFFE200031^EUI-64|WARD20|ENGINE|HOSP|"
	    "20261102080000||ORU^R01^ORU_R01|M%u|P|2.6\r"
	    "PID|||000000^^^HOSP^MR||DOE^JANE\r"
	    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688^MDC_DIM_"
	    "PERCENT^MDC|||||F\r", id);
	snprintf(ack, sizeof(ack),
	    "MSH|^~\\&|ENGINE|HOSP|MONITOR|WARD20|20261102080000||ACK^R01|"
	    "A%u|P|2.6\rMSA|AA|M%u\r", id, id);
	bl_conv(d, &c, &bl_v20, mon, to, HL7_PORT);
	conv_open(&c);
	bl_mllp(d, &c, 0, msg);
	bl_mllp(d, &c, 1, ack);
	conv_close(&c, 0);
	gen_wait(d->g, GEN_NS);
}

/* The pump's hourly check-in with its server (opaque, as TLS is). */
static void
bl_pump(struct bl_day *d)
{
	uint8_t buf[600];
	struct conv c;

	bl_conv(d, &c, d->pump_link, &bl_hosts[H_PUMP], &bl_hosts[H_PUMPSRV],
	    TLS_PORT);
	scen_fill(buf, sizeof(buf), d->port);
	conv_open(&c);
	conv_data(&c, 0, buf, 300);
	conv_data(&c, 1, buf, sizeof(buf));
	conv_close(&c, 0);
	gen_wait(d->g, GEN_NS);
}

static void
bl_dns(struct bl_day *d, const char *name)
{
	static const uint8_t addr[4] = { 10, 20, 0, 40 };
	uint8_t buf[256];
	uint16_t port = bl_port(d);
	size_t n;

	n = scen_dns(buf, sizeof(buf), port, name, NULL);
	scen_udp(d->g, &bl_v20, &bl_hosts[H_WS], port, &bl_hosts[H_DNS], 53,
	    0, buf, n);
	gen_wait(d->g, 200 * GEN_US);
	n = scen_dns(buf, sizeof(buf), port, name, addr);
	scen_udp(d->g, &bl_v20, &bl_hosts[H_DNS], 53, &bl_hosts[H_WS], port,
	    0, buf, n);
	gen_wait(d->g, GEN_NS);
}

/* DICOM (PS3.8 9.3): items, AE titles, PDUs. */
static void
dcm_item(struct pkt *b, uint8_t type, const char *s)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)strlen(s));
	pkt_str(b, s);
}

static void
dcm_ae(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, 16);

	memset(p, ' ', 16);
	memcpy(p, ae, strlen(ae));
}

/* A-ASSOCIATE-RQ (ac 0) or -AC: Study Root FIND (1) and MOVE (3). */
static void
dcm_assoc(struct pkt *b, int ac)
{
	static const char *const as[2] = { "1.2.840.10008.5.1.4.1.2.2.1",
	    "1.2.840.10008.5.1.4.1.2.2.2" };
	size_t at, i;

	pkt_reset(b);
	pkt_u8(b, ac ? 0x02 : 0x01);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be16(b, 1);
	pkt_zero(b, 2);
	dcm_ae(b, "PACS01");
	dcm_ae(b, "RADWS1");
	pkt_zero(b, 32);
	dcm_item(b, 0x10, "1.2.840.10008.3.1.1.1");
	for (i = 0; i < 2; i++) {
		pkt_u8(b, ac ? 0x21 : 0x20);
		pkt_u8(b, 0);
		pkt_be16(b, 0);
		at = b->len;
		pkt_u8(b, (uint32_t)(1 + 2 * i));
		pkt_zero(b, 3);
		if (!ac)
			dcm_item(b, 0x30, as[i]);
		dcm_item(b, 0x40, "1.2.840.10008.1.2");
		pkt_set16(b->buf + at - 2, (uint32_t)(b->len - at));
	}
	pkt_u8(b, 0x50);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	at = b->len;
	pkt_u8(b, 0x51);
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, 16384);
	dcm_item(b, 0x52, "2.25.1234567890123");
	pkt_set16(b->buf + at - 2, (uint32_t)(b->len - at));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
dcm_elem(struct pkt *b, uint16_t el, const void *v, size_t n)
{
	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)n);
	pkt_bytes(b, v, n);
}

static void
dcm_us(struct pkt *b, uint16_t el, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	dcm_elem(b, el, le, 2);
}

/* A C-FIND-RQ (0x0020) or C-MOVE-RQ (0x0021) command set in a P-DATA;
 * ds: an identifier follows (scen_baseline_phi). */
static void
dcm_command_ds(struct pkt *b, uint16_t field, uint16_t id, const char *dest,
    int ds)
{
	/* Even lengths: UIDs padded with NUL, AE titles with a space. */
	static const char find[] = "1.2.840.10008.5.1.4.1.2.2.1";
	static const char move[] = "1.2.840.10008.5.1.4.1.2.2.2";
	char ae[18];
	size_t pdv, grp, n;
	uint8_t gl[4];

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, field == 0x0020 ? 1 : 3);
	pkt_u8(b, 0x03);			/* command, last fragment */
	dcm_elem(b, 0x0000, "\0\0\0\0", 4);
	grp = b->len;
	/* 27 characters and the NUL that pads them to 28. */
	if (field == 0x0020)
		dcm_elem(b, 0x0002, find, sizeof(find));
	else
		dcm_elem(b, 0x0002, move, sizeof(move));
	dcm_us(b, 0x0100, field);
	dcm_us(b, 0x0110, id);
	if (dest != NULL) {
		n = strlen(dest);
		memcpy(ae, dest, n);
		if (n % 2 == 1)
			ae[n++] = ' ';
		dcm_elem(b, 0x0600, ae, n);
	}
	dcm_us(b, 0x0700, 0);
	dcm_us(b, 0x0800, ds ? 0x0000 : 0x0101);
	gl[0] = (uint8_t)(b->len - grp);
	gl[1] = (uint8_t)((b->len - grp) >> 8);
	gl[2] = gl[3] = 0;
	memcpy(b->buf + grp - 4, gl, 4);
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
dcm_command(struct pkt *b, uint16_t field, uint16_t id, const char *dest)
{
	dcm_command_ds(b, field, id, dest, 0);
}

/* An element of an implicit VR little endian data set, padded even. */
static void
dcm_ds_el(struct pkt *b, uint16_t group, uint16_t el, const char *v,
    char pad)
{
	size_t n = strlen(v);

	pkt_le16(b, group);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)(n + n % 2));
	pkt_bytes(b, v, n);
	if (n % 2 == 1)
		pkt_u8(b, (uint8_t)pad);
}

/*
 * A Study Root identifier (PS3.4 C.4) in its own P-DATA: level, the
 * patient's name and id, the study; any of them NULL is left out.
 */
static void
dcm_identifier(struct pkt *b, uint16_t field, const char *level,
    const char *name, const char *patient, const char *study)
{
	size_t pdv;

	pkt_reset(b);
	pkt_u8(b, 0x04);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, field == 0x0020 ? 1 : 3);
	pkt_u8(b, 0x02);			/* data set, last fragment */
	dcm_ds_el(b, 0x0008, 0x0052, level, ' ');
	if (name != NULL)
		dcm_ds_el(b, 0x0010, 0x0010, name, ' ');
	if (patient != NULL)
		dcm_ds_el(b, 0x0010, 0x0020, patient, ' ');
	if (study != NULL)
		dcm_ds_el(b, 0x0020, 0x000D, study, '\0');
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/*
 * An association of the workstation with the PACS: finds C-FINDs and
 * moves C-MOVEs to dest, gap_ns apart.
 */
static void
bl_dicom(struct bl_day *d, unsigned finds, unsigned moves, const char *dest,
    uint64_t gap_ns)
{
	struct pkt *b = &d->b;
	struct conv c;
	uint16_t id = 1;
	unsigned i;

	bl_conv(d, &c, &bl_v20, &bl_hosts[H_WS], &bl_hosts[H_PACS],
	    DICOM_PORT);
	conv_open(&c);
	dcm_assoc(b, 0);
	conv_data(&c, 0, b->buf, b->len);
	dcm_assoc(b, 1);
	conv_data(&c, 1, b->buf, b->len);
	for (i = 0; i < finds; i++) {
		dcm_command(b, 0x0020, id++, NULL);
		conv_data(&c, 0, b->buf, b->len);
		gen_wait(d->g, gap_ns);
	}
	for (i = 0; i < moves; i++) {
		dcm_command(b, 0x0021, id++, dest);
		conv_data(&c, 0, b->buf, b->len);
		gen_wait(d->g, gap_ns);
	}
	pkt_reset(b);
	pkt_u8(b, 0x05);
	pkt_u8(b, 0);
	pkt_be32(b, 4);
	pkt_zero(b, 4);
	conv_data(&c, 0, b->buf, b->len);
	b->buf[0] = 0x06;
	conv_data(&c, 1, b->buf, b->len);
	conv_close(&c, 0);
	gen_wait(d->g, GEN_NS);
}

/* The ward's ordinary hour h (quiet: no pump at night). */
static void
bl_hour(struct bl_day *d, unsigned h, int quiet)
{
	unsigned i;

	bl_at(d, h, 1, 0);
	for (i = 0; i < 3; i++) {
		bl_hl7(d, &d->mon, &bl_hosts[H_ENGINE]);
		gen_wait(d->g, 5 * BL_MIN_NS);
	}
	bl_at(d, h, 20, 0);
	if (!quiet || h >= 7)
		bl_pump(d);
	if (h >= 8 && h <= 17) {
		bl_at(d, h, 30, 0);
		bl_dns(d, "pacs.hospital.example");
		bl_dicom(d, 2, 1, "RADWS1", 2 * GEN_NS);
	}
}

static void
bl_day_init(struct bl_day *d, struct gen *g, unsigned day)
{
	memset(d, 0, sizeof(*d));
	d->g = g;
	d->start = BL_MIDNIGHT + day * BL_DAY_NS;
	d->port = 49152;
	d->mon = bl_hosts[H_MON];
	d->pump_link = &bl_v20;
	/* Each scenario is one day (or part of one), from its midnight. */
	g->now = d->start;
}

static int
bl_learn(struct gen *g, unsigned from, unsigned to)
{
	struct bl_day d;
	unsigned h;

	bl_day_init(&d, g, 0);
	for (h = from; h < to; h++)
		bl_hour(&d, h, 0);
	return 0;
}

int
scen_baseline_day1(struct gen *g)
{
	return bl_learn(g, 0, 24);
}

int
scen_baseline_day1_am(struct gen *g)
{
	return bl_learn(g, 0, 12);
}

int
scen_baseline_day1_pm(struct gen *g)
{
	return bl_learn(g, 12, 24);
}

/* A SYN to each of n addresses; each answers with a reset. */
static void
bl_scan(struct bl_day *d, unsigned n)
{
	struct host t;
	struct conv c;
	unsigned i;

	for (i = 0; i < n; i++) {
		t = bl_hosts[H_FS];
		t.mac[4] = 0x10;
		t.mac[5] = (uint8_t)i;
		t.ip4 = IP4(10, 20, 1, 1 + i);
		bl_conv(d, &c, &bl_v20, &bl_hosts[H_WS], &t, 445);
		conv_seg(&c, 0, TCP_SYN, NULL, 0);
		gen_wait(d->g, 300 * GEN_US);
		conv_seg(&c, 1, TCP_RST | TCP_ACK, NULL, 0);
		gen_wait(d->g, 200 * GEN_MS);
	}
}

static void
bl_text(struct conv *c, int dir, const char *s)
{
	conv_data(c, dir, (const uint8_t *)s, strlen(s));
}

/* An FTP login to the analyzer at h (cleartext user and password). */
static void
bl_ftp(struct bl_day *d, int h)
{
	struct conv c;

	bl_conv(d, &c, &bl_v20, &bl_hosts[H_WS], &bl_hosts[h], 21);
	conv_open(&c);
	bl_text(&c, 1, "220 analyzer FTP ready\r\n");
	bl_text(&c, 0, "USER service\r\n");
	bl_text(&c, 1, "331 Password required\r\n");
	bl_text(&c, 0, "PASS service\r\n");
	bl_text(&c, 1, "230 Logged in\r\n");
	bl_text(&c, 0, "QUIT\r\n");
	bl_text(&c, 1, "221 Bye\r\n");
	conv_close(&c, 0);
	gen_wait(d->g, 20 * GEN_NS);
}

/* n UDP datagrams to the pump server, each from another port. */
static void
bl_flood(struct bl_day *d, unsigned n)
{
	uint8_t buf[64];
	unsigned i;

	scen_fill(buf, sizeof(buf), 7);
	for (i = 0; i < n; i++) {
		scen_udp(d->g, d->pump_link, &bl_hosts[H_PUMP], bl_port(d),
		    &bl_hosts[H_PUMPSRV], 5000, 0, buf, sizeof(buf));
		gen_wait(d->g, 30 * GEN_MS);
	}
}

int
scen_baseline_day2(struct gen *g)
{
	struct bl_day d;
	struct conv c;
	struct host ws;
	unsigned h, i;

	bl_day_init(&d, g, 1);
	for (h = 0; h < 24; h++) {
		bl_hour(&d, h, 0);
		switch (h) {
		case 3:
			/* The workstation, never on at night, talks. */
			bl_at(&d, 3, 10, 0);
			for (i = 0; i < 6; i++)
				bl_dns(&d, "update.vendor.example");
			break;
		case 9:
			bl_at(&d, 9, 40, 0);
			bl_scan(&d, 80);
			bl_at(&d, 9, 45, 0);
			bl_ftp(&d, H_LAB1);
			bl_ftp(&d, H_LAB2);
			bl_ftp(&d, H_LAB3);
			bl_at(&d, 9, 50, 0);
			ws = bl_hosts[H_WS];
			scen_smb_write_files(g, &bl_v20, &ws, bl_port(&d),
			    &bl_hosts[H_FS], "\\\\FS01\\IMAGES", 60,
			    200 * GEN_MS);
			break;
		case 10:
			bl_at(&d, 10, 40, 0);
			bl_dicom(&d, 40, 0, NULL, 300 * GEN_MS);
			bl_at(&d, 10, 45, 0);
			bl_dicom(&d, 0, 1, "EXFIL_AE", GEN_NS);
			bl_at(&d, 10, 50, 0);
			bl_dicom(&d, 0, 30, "RADWS1", 5 * GEN_NS);
			break;
		case 11:
			bl_at(&d, 11, 40, 0);
			bl_hl7(&d, &d.mon, &bl_hosts[H_NET]);
			bl_at(&d, 11, 45, 0);
			bl_flood(&d, 1200);
			break;
		case 12:
			bl_at(&d, 12, 30, 0);
			for (i = 0; i < 200; i++)
				bl_hl7(&d, &d.mon, &bl_hosts[H_ENGINE]);
			break;
		case 13:
			bl_at(&d, 13, 40, 0);
			bl_conv(&d, &c, &bl_v20, &bl_hosts[H_PUMP],
			    &bl_hosts[H_WS], 22);
			scen_small_conv(&c, "SSH-2.0-OpenSSH_8.9\r\n", 40);
			break;
		}
	}
	return 0;
}

/*
 * Patient canaries (tests/privacy-pseudonyms.sh): names, ids and study
 * UIDs that must never reach an output.  Patient k is "ZQCANARY0k" and
 * study j "1.2.826.0.1.3680043.9.7777.j".
 */
#define PHI_PATIENTS	12
#define PHI_STUDIES	25
#define PHI_REPEATS	6

static void
phi_patient(char *buf, size_t len, unsigned k)
{
	snprintf(buf, len, "ZQCANARY%02u", k);
}

static void
phi_study(char *buf, size_t len, unsigned j)
{
	snprintf(buf, len, "1.2.826.0.1.3680043.9.7777.%u", j);
}

/* An admission of patient k to 'to', acknowledged. */
static void
phi_adt(struct bl_day *d, unsigned k, const struct host *to)
{
	char msg[512], ack[256], pid[32];
	struct conv c;
	unsigned id = d->msg++;

	phi_patient(pid, sizeof(pid), k);
	snprintf(msg, sizeof(msg),
	    "MSH|^~\\&|MONITOR^00091FFFFE200031^EUI-64|WARD20|ENGINE|HOSP|"
	    "20261102100000||ADT^A01^ADT_A01|M%u|P|2.6\r"
	    "PID|1||%s^^^HOSP^MR~XVCANARYALT%u^^^NHS^NH||CANARYSURNAME^ZELDINA"
	    "||19480229|F|||17 CANARYLANE^^QUIMBYTOWN\r"
	    "PV1|1|I|WARD20^CANARYBED%u\r", id, pid, k, k);
	snprintf(ack, sizeof(ack),
	    "MSH|^~\\&|ENGINE|HOSP|MONITOR|WARD20|20261102100000||ACK^A01|"
	    "A%u|P|2.6\rMSA|AA|M%u\r", id, id);
	bl_conv(d, &c, &bl_v20, &d->mon, to, HL7_PORT);
	conv_open(&c);
	bl_mllp(d, &c, 0, msg);
	bl_mllp(d, &c, 1, ack);
	conv_close(&c, 0);
	gen_wait(d->g, GEN_NS);
}

/*
 * A morning of the learning day with patient data in the clear: three
 * admissions over HL7, then the workstation queries the PACS for two
 * patients (C-FIND with their names and ids) and retrieves: one study
 * PHI_REPEATS times, then PHI_STUDIES - 1 more, every study a patient's
 * of PHI_PATIENTS, 5 s apart (PHI_STUDIES distinct studies in about
 * two and a half minutes: a mass retrieval), and one study of patient
 * 3 to an AE title never seen; last, the admission of patient 5 goes
 * to an internet address.
 */
int
scen_baseline_phi(struct gen *g)
{
	struct bl_day d;
	struct pkt *b;
	struct conv c;
	char pid[32], uid[64];
	uint16_t id = 1;
	unsigned i, j;

	bl_day_init(&d, g, 0);
	b = &d.b;
	bl_at(&d, 10, 0, 0);
	for (i = 1; i <= 3; i++)
		phi_adt(&d, i, &bl_hosts[H_ENGINE]);
	bl_at(&d, 10, 5, 0);
	bl_conv(&d, &c, &bl_v20, &bl_hosts[H_WS], &bl_hosts[H_PACS],
	    DICOM_PORT);
	conv_open(&c);
	dcm_assoc(b, 0);
	conv_data(&c, 0, b->buf, b->len);
	dcm_assoc(b, 1);
	conv_data(&c, 1, b->buf, b->len);
	for (i = 1; i <= 2; i++) {
		phi_patient(pid, sizeof(pid), i);
		dcm_command_ds(b, 0x0020, id++, NULL, 1);
		conv_data(&c, 0, b->buf, b->len);
		dcm_identifier(b, 0x0020, "STUDY", "CANARYSURNAME^ZELDINA",
		    pid, NULL);
		conv_data(&c, 0, b->buf, b->len);
		gen_wait(g, GEN_NS);
	}
	for (i = 0; i < PHI_REPEATS + PHI_STUDIES - 1; i++) {
		j = i < PHI_REPEATS ? 1 : i - PHI_REPEATS + 2;
		phi_patient(pid, sizeof(pid), (j - 1) % PHI_PATIENTS + 1);
		phi_study(uid, sizeof(uid), j);
		dcm_command_ds(b, 0x0021, id++, "RADWS1", 1);
		conv_data(&c, 0, b->buf, b->len);
		dcm_identifier(b, 0x0021, "STUDY", NULL, pid, uid);
		conv_data(&c, 0, b->buf, b->len);
		gen_wait(g, 5 * GEN_NS);
	}
	phi_patient(pid, sizeof(pid), 3);
	phi_study(uid, sizeof(uid), 3);
	dcm_command_ds(b, 0x0021, id++, "EXFIL_AE", 1);
	conv_data(&c, 0, b->buf, b->len);
	dcm_identifier(b, 0x0021, "STUDY", NULL, pid, uid);
	conv_data(&c, 0, b->buf, b->len);
	pkt_reset(b);
	pkt_u8(b, 0x05);
	pkt_u8(b, 0);
	pkt_be32(b, 4);
	pkt_zero(b, 4);
	conv_data(&c, 0, b->buf, b->len);
	b->buf[0] = 0x06;
	conv_data(&c, 1, b->buf, b->len);
	conv_close(&c, 0);
	/* Patient 5's admission sent to an internet address. */
	bl_at(&d, 10, 20, 0);
	phi_adt(&d, 5, &bl_hosts[H_NET]);
	return 0;
}

int
scen_baseline_quiet(struct gen *g)
{
	struct bl_day d;
	unsigned h;

	bl_day_init(&d, g, 3);
	for (h = 0; h < 24; h++) {
		if (h == 12) {
			/* A new lease: the monitor's address changes. */
			d.mon.ip4 = IP4(10, 20, 0, 51);
		}
		if (h == 15)
			d.pump_link = &bl_v21;	/* moved to another VLAN */
		bl_hour(&d, h, 1);
		if (h >= 10) {
			/* A new monitor of the same kind joins the ward. */
			bl_hl7(&d, &bl_hosts[H_MON2], &bl_hosts[H_ENGINE]);
		}
	}
	return 0;
}
