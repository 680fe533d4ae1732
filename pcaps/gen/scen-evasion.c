/*
 * scen-evasion.c - captures that try to show the sensor a stream other
 * than the one the receiving host takes (Ptacek and Newsham 1998), and
 * one taken on a host that offloads its checksums.
 *
 *	evasion-hl7-insertion	a forged HL7 message that the engine drops
 *				(bad TCP checksum, then bad IPv4 header
 *				checksum), each followed by the real one
 *				at the same sequence number
 *	evasion-overlap		the same forgery sent as overlapping data
 *				with good checksums: a retransmission of
 *				delivered bytes, and a copy overlapping
 *				queued out-of-order bytes (which copy the
 *				engine keeps is its OS policy)
 *	checksum-offload	the HL7 engine's own capture: every TCP and
 *				UDP checksum it sends is the pseudo-header
 *				sum its card would complete
 *
 * The monitor (10.20.0.21, Philips) sends vital signs to the interface
 * engine (10.20.0.5:2575, VMware).  The forgery has the length of the
 * real message, so it lines up with the rest of the stream: another
 * sending application (ROGUE_APP01), an ADT^A08 instead of the ORU^R01,
 * and processing ID T, which rules/iomt.rules sid 9200400 alerts on.
 * Patient fields are fake (DOE^JANE, MRN 000000).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "gen.h"

#define EV_MLLP_SB	0x0b
#define EV_MLLP_EB	0x1c
#define EV_HL7_PORT	2575
#define EV_SYSLOG_PORT	514

/*
 * Where the forgery of the queued overlap starts, and where the copy
 * sent first starts (evasion-overlap, second flow): both after the
 * sending application (offset 10 to 21) and before the message type
 * (72) and the processing ID (98).
 */
#define EV_SPLIT_NEW	40
#define EV_SPLIT_OLD	60

enum {
	EV_ENGINE, EV_LOGHOST, EV_MON1, EV_MON2, EV_MON3, EV_MON4, EV_NHOSTS
};

/* 00:50:56 VMware, 00:14:22 Dell, 00:09:5c Philips Medical Systems. */
static const struct host ev_hosts[EV_NHOSTS] = {
	{ { 0x00, 0x50, 0x56, 0x20, 0x00, 0x05 }, IP4(10, 20, 0, 5), { 0 } },
	{ { 0x00, 0x14, 0x22, 0x20, 0x00, 0x02 }, IP4(10, 20, 0, 2), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x21 }, IP4(10, 20, 0, 21), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x22 }, IP4(10, 20, 0, 22), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x23 }, IP4(10, 20, 0, 23), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x24 }, IP4(10, 20, 0, 24), { 0 } },
};

static const struct pkt_link ev_link = { .type = PKT_LINK_ETH };

/* HL7 TS of the capture clock, to the second, UTC. */
static void
ev_hl7_time(char *buf, size_t len, uint64_t now)
{
	uint64_t s = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "20261102%02u%02u%02u+0000",
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/*
 * An MLLP-framed message from monitor mon (1 to 4): the real ORU^R01
 * with processing ID P, or (forged) an ADT^A08 from ROGUE_APP01 with
 * processing ID T, byte for byte as long.
 */
static size_t
ev_hl7(char *buf, size_t len, uint64_t now, unsigned mon, unsigned id,
    int forged)
{
	char ts[32];
	int n;

	ev_hl7_time(ts, sizeof(ts), now);
	n = snprintf(buf, len, "%c"
	    "MSH|^~\\&|%s|ICU_WEST|HL7_ENGINE|HOSPITAL|%s||%s|PIC%06u|%c|2.6\r"
	    "PID|1||000000^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r"
	    "PV1|1|I|ICU^%02u^1\r"
	    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||%u|"
	    "262688^MDC_DIM_PERCENT^MDC|||||F|||%s||||PM-ICU-%02u^PHILIPS\r"
	    "%c\r", EV_MLLP_SB, forged ? "ROGUE_APP01" : "PHILIPS_PIC", ts,
	    forged ? "ADT^A08^ADT_A01" : "ORU^R01^ORU_R01", id,
	    forged ? 'T' : 'P', mon, 90 + id % 10, ts, mon, EV_MLLP_EB);
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

static size_t
ev_hl7_ack(char *buf, size_t len, uint64_t now, unsigned id)
{
	char ts[32];
	int n;

	ev_hl7_time(ts, sizeof(ts), now);
	n = snprintf(buf, len, "%c"
	    "MSH|^~\\&|HL7_ENGINE|HOSPITAL|PHILIPS_PIC|ICU_WEST|%s||"
	    "ACK^R01^ACK|ENG%06u|P|2.6\r"
	    "MSA|AA|PIC%06u\r"
	    "%c\r", EV_MLLP_SB, ts, id, id, EV_MLLP_EB);
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

static void
ev_conv(struct conv *c, struct gen *g, int cli, uint16_t cport)
{
	scen_conv(c, g, &ev_link, &ev_hosts[cli], cport,
	    &ev_hosts[EV_ENGINE], EV_HL7_PORT);
}

static size_t
ev_layer(const struct pkt *p, enum pkt_layer_type t)
{
	size_t i;

	for (i = p->nlay; i-- > 0;)
		if (p->lay[i].type == t)
			return p->lay[i].off;
	return SIZE_MAX;
}

/*
 * A checksum that is wrong whatever it was: 0x0000 and 0xffff are the
 * same ones-complement number, so flipping every bit could leave it
 * right; flipping two bits a byte apart never does.
 */
static void
ev_spoil(uint8_t *field)
{
	field[0] ^= 0x01;
	field[1] ^= 0x01;
}

/* The engine answers the monitor's message and acknowledges it. */
static void
ev_answer(struct conv *c, struct gen *g, unsigned id)
{
	char ack[512];
	size_t n;

	conv_seg(c, 1, TCP_ACK, NULL, 0);
	gen_wait(g, 2 * GEN_MS);
	n = ev_hl7_ack(ack, sizeof(ack), g->now, id);
	conv_data(c, 1, (const uint8_t *)ack, n);
	gen_wait(g, 1 * GEN_NS);
}

/*
 * evasion-hl7-insertion: message 1 is forged with a bad TCP checksum,
 * message 2 with a bad IPv4 header checksum (its TCP checksum, which
 * does not cover the IP header, is right); each time the real message
 * follows 40 us later at the same sequence number.
 */
int
scen_evasion_hl7_insertion(struct gen *g)
{
	struct pkt *p = &g->pkt;
	char real[1024], fake[1024];
	struct conv c;
	size_t n, f, off;
	unsigned id;

	ev_conv(&c, g, EV_MON1, 49610);
	conv_open(&c);
	for (id = 1; id <= 2; id++) {
		n = ev_hl7(real, sizeof(real), g->now, 1, id, 0);
		f = ev_hl7(fake, sizeof(fake), g->now, 1, id, 1);
		if (n == 0 || n != f)
			return -1;
		conv_build(&c, p, 0, TCP_ACK | TCP_PSH, c.seq[0], c.seq[1],
		    (const uint8_t *)fake, f);
		if (id == 1)
			off = ev_layer(p, PKT_L_TCP) + 16;
		else
			off = ev_layer(p, PKT_L_IPV4) + 10;
		if (off >= p->len)
			return -1;
		ev_spoil(p->buf + off);
		gen_emit(g, p);
		gen_wait(g, 40 * GEN_US);
		conv_seg(&c, 0, TCP_ACK | TCP_PSH, (const uint8_t *)real, n);
		gen_wait(g, c.rtt_ns);
		ev_answer(&c, g, id);
	}
	conv_close(&c, 0);
	return 0;
}

/*
 * evasion-overlap, two connections from the monitor, every checksum
 * right:
 * 1. the real message is delivered, then the forgery is sent again at
 *    its sequence number before the engine acknowledges it: delivered
 *    bytes stand under every policy;
 * 2. the real message's bytes from EV_SPLIT_OLD on arrive first, ahead
 *    of a hole; the forgery's bytes from EV_SPLIT_NEW on overlap them
 *    (starting earlier, as the BSD and Linux policies favour); then the
 *    real first bytes fill the hole.  Which copy the engine keeps is
 *    its OS policy: the old one under first and windows, the forgery
 *    under last, bsd and linux.
 */
int
scen_evasion_overlap(struct gen *g)
{
	struct pkt *p = &g->pkt;
	char real[1024], fake[1024];
	struct conv c;
	uint32_t s;
	size_t n, f;

	ev_conv(&c, g, EV_MON1, 49620);
	conv_open(&c);
	n = ev_hl7(real, sizeof(real), g->now, 1, 11, 0);
	f = ev_hl7(fake, sizeof(fake), g->now, 1, 11, 1);
	if (n == 0 || n != f || n <= EV_SPLIT_OLD)
		return -1;
	s = c.seq[0];
	conv_seg(&c, 0, TCP_ACK | TCP_PSH, (const uint8_t *)real, n);
	gen_wait(g, 200 * GEN_US);
	conv_build(&c, p, 0, TCP_ACK | TCP_PSH, s, c.seq[1],
	    (const uint8_t *)fake, f);
	gen_emit(g, p);
	gen_wait(g, c.rtt_ns);
	ev_answer(&c, g, 11);
	conv_close(&c, 0);
	gen_wait(g, 2 * GEN_NS);

	ev_conv(&c, g, EV_MON1, 49621);
	conv_open(&c);
	n = ev_hl7(real, sizeof(real), g->now, 1, 12, 0);
	f = ev_hl7(fake, sizeof(fake), g->now, 1, 12, 1);
	if (n == 0 || n != f)
		return -1;
	s = c.seq[0];
	conv_build(&c, p, 0, TCP_ACK | TCP_PSH, s + EV_SPLIT_OLD, c.seq[1],
	    (const uint8_t *)real + EV_SPLIT_OLD, n - EV_SPLIT_OLD);
	gen_emit(g, p);
	gen_wait(g, 60 * GEN_US);
	conv_build(&c, p, 0, TCP_ACK | TCP_PSH, s + EV_SPLIT_NEW, c.seq[1],
	    (const uint8_t *)fake + EV_SPLIT_NEW, f - EV_SPLIT_NEW);
	gen_emit(g, p);
	gen_wait(g, 60 * GEN_US);
	conv_build(&c, p, 0, TCP_ACK, s, c.seq[1], (const uint8_t *)real,
	    EV_SPLIT_NEW);
	gen_emit(g, p);
	c.seq[0] = s + (uint32_t)n;
	gen_wait(g, c.rtt_ns);
	ev_answer(&c, g, 12);
	conv_close(&c, 0);
	return 0;
}

/*
 * The card completes the checksum: the stack leaves the pseudo-header
 * sum in the field (CHECKSUM_PARTIAL), which is wrong on the wire the
 * capture host's own stack hands to libpcap.  The IPv4 header checksum
 * is the stack's and right.
 */
static void
ev_offload(struct pkt *p)
{
	size_t ip = ev_layer(p, PKT_L_IPV4), l4, sum_at;
	uint64_t sum;
	uint16_t partial;

	if (ip == SIZE_MAX)
		return;
	if ((l4 = ev_layer(p, PKT_L_TCP)) != SIZE_MAX)
		sum_at = l4 + 16;
	else if ((l4 = ev_layer(p, PKT_L_UDP)) != SIZE_MAX)
		sum_at = l4 + 6;
	else
		return;
	sum = pkt_csum_add(p->buf[ip + 9] + (uint64_t)(p->len - l4),
	    p->buf + ip + 12, 8);
	partial = (uint16_t)~pkt_csum_fold(sum);
	pkt_set16(p->buf + sum_at, partial);
}

static void
ev_offload_conv(struct conv *c, struct pkt *p, int dir)
{
	(void)c;
	if (dir == 1)		/* the engine, the capture host */
		ev_offload(p);
}

/*
 * checksum-offload: the engine logs to its syslog host, then four
 * monitors each send it ten results, every one answered.  Its first
 * three datagrams are the first packets the sensor checks, so
 * checksum-checks auto finds the offload at the fourth packet and
 * nothing the engine says later is lost.
 */
int
scen_checksum_offload(struct gen *g)
{
	static const char *logs[] = {
	    "<134>Nov  2 08:00:00 hl7-engine mirth[1204]: channel "
	    "ICU_VITALS started",
	    "<134>Nov  2 08:00:00 hl7-engine mirth[1204]: listening on "
	    "0.0.0.0:2575",
	    "<133>Nov  2 08:00:00 hl7-engine mirth[1204]: channel "
	    "LAB_RESULTS paused" };
	struct pkt *p = &g->pkt;
	struct conv c[4];
	char msg[1024];
	size_t i, k, n;
	unsigned id = 100;

	for (i = 0; i < 3; i++) {
		scen_l3(g, p, &ev_link, &ev_hosts[EV_ENGINE],
		    &ev_hosts[EV_LOGHOST], 0, IPPROTO_UDP_);
		(void)pkt_udp(p, 40514, EV_SYSLOG_PORT);
		pkt_bytes(p, logs[i], strlen(logs[i]));
		pkt_finish(p);
		ev_offload(p);
		gen_emit(g, p);
		gen_wait(g, 3 * GEN_MS);
	}
	for (k = 0; k < 4; k++) {
		ev_conv(&c[k], g, EV_MON1 + (int)k, (uint16_t)(49700 + k));
		c[k].fixup = ev_offload_conv;
		conv_open(&c[k]);
		gen_wait(g, 20 * GEN_MS);
	}
	for (i = 0; i < 10; i++) {
		for (k = 0; k < 4; k++) {
			n = ev_hl7(msg, sizeof(msg), g->now, (unsigned)k + 1,
			    ++id, 0);
			if (n == 0)
				return -1;
			conv_data(&c[k], 0, (const uint8_t *)msg, n);
			n = ev_hl7_ack(msg, sizeof(msg), g->now, id);
			conv_data(&c[k], 1, (const uint8_t *)msg, n);
			gen_wait(g, 250 * GEN_MS);
		}
	}
	for (k = 0; k < 4; k++)
		conv_close(&c[k], 0);
	return 0;
}
