/*
 * scen-basic.c - TCP scenarios: a clean conversation and the stream
 * reassembly cases (mid-stream pickup, reordering, retransmission,
 * overlap, a lost segment, resets).
 *
 * All run on a single Ethernet segment between 10.20.0.11 and
 * 10.20.0.50 with an HTTP-looking exchange on port 8080.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "gen.h"

#define BASIC_CLI	IP4(10, 20, 0, 11)
#define BASIC_SRV	IP4(10, 20, 0, 50)
#define BASIC_PORT	8080
#define BASIC_RESP_LEN	5000		/* > 3 MSS: four segments */
#define BASIC_BUF	16384

static const struct pkt_link eth_plain = { .type = PKT_LINK_ETH };

/*
 * Printable, deterministic filler: lines of a fake log so that the
 * payload is easy to recognise in a hex dump.
 */
void
scen_fill(uint8_t *buf, size_t n, uint32_t seed)
{
	static const char words[] = "Wardwatch pcapgen deterministic test payload, line no.  ";
	size_t i, w = sizeof(words) - 1;
	char num[16];
	uint32_t line = seed;

	for (i = 0; i < n; i++) {
		if (i % 64 == 0)
			(void)snprintf(num, sizeof(num), "%07u",
			    (unsigned)(line++ % 10000000));
		if (i % 64 == 63) {
			buf[i] = '\n';
		} else if (i % 64 >= 56) {
			buf[i] = (uint8_t)num[i % 64 - 56];
		} else {
			buf[i] = (uint8_t)words[i % 64 % w];
		}
	}
}

/* An HTTP/1.1 response of exactly total bytes, header included. */
static size_t
http_response(uint8_t *buf, size_t total)
{
	char hdr[128];
	int n;

	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %05zu\r\n\r\n",
	    (size_t)0);
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %05zu\r\n\r\n",
	    total - (size_t)n);
	memcpy(buf, hdr, (size_t)n);
	scen_fill(buf + n, total - (size_t)n, 0);
	return total;
}

static size_t
http_request(uint8_t *buf, size_t cap, const char *path, uint32_t srv,
    uint16_t port)
{
	int n;

	n = snprintf((char *)buf, cap, "GET %s HTTP/1.1\r\n"
	    "Host: %u.%u.%u.%u:%u\r\nUser-Agent: wardwatch-pcapgen\r\n"
	    "Accept: */*\r\n\r\n", path, srv >> 24, srv >> 16 & 0xff,
	    srv >> 8 & 0xff, srv & 0xff, port);
	return (size_t)n;
}

/* Handshake, a request, a response of resp_len bytes, FIN close. */
void
scen_small_conv(struct conv *c, const char *req, size_t resp_len)
{
	uint8_t buf[BASIC_BUF];

	conv_open(c);
	conv_data(c, 0, (const uint8_t *)req, strlen(req));
	scen_fill(buf, resp_len, c->port[0]);
	conv_data(c, 1, buf, resp_len);
	conv_close(c, 0);
}

static void
basic_conv(struct conv *c, struct gen *g, uint16_t cport)
{
	conv_init(c, g, &eth_plain);
	conv_v4(c, BASIC_CLI, cport, BASIC_SRV, BASIC_PORT);
}

int
scen_tcp_basic(struct gen *g)
{
	struct conv c;
	uint8_t buf[BASIC_BUF];
	size_t n;

	basic_conv(&c, g, 49152);
	conv_open(&c);
	n = http_request(buf, sizeof(buf), "/status", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, buf, n);
	n = http_response(buf, BASIC_RESP_LEN);
	conv_data(&c, 1, buf, n);
	conv_close(&c, 0);
	return 0;
}

/* The capture starts after the handshake and the first exchange. */
int
scen_tcp_midstream(struct gen *g)
{
	struct conv c;
	uint8_t buf[BASIC_BUF];
	size_t n;

	basic_conv(&c, g, 49153);
	n = http_request(buf, sizeof(buf), "/metrics", BASIC_SRV,
	    BASIC_PORT);
	conv_data(&c, 0, buf, n);
	n = http_response(buf, 3000);
	conv_data(&c, 1, buf, n);
	n = http_request(buf, sizeof(buf), "/health", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, buf, n);
	n = http_response(buf, 400);
	conv_data(&c, 1, buf, n);
	conv_close(&c, 0);
	return 0;
}

/* Emit a server segment of resp[off, off + n) at its own sequence. */
static void
resp_seg(struct conv *c, uint32_t isn, const uint8_t *resp, size_t off,
    size_t n, uint8_t flags)
{
	conv_build(c, &c->g->pkt, 1, flags, isn + (uint32_t)off, c->seq[0],
	    resp + off, n);
	gen_emit(c->g, &c->g->pkt);
	gen_wait(c->g, c->gap_ns);
}

static void
cli_ack(struct conv *c, uint32_t ack)
{
	conv_build(c, &c->g->pkt, 0, TCP_ACK, c->seq[0], ack, NULL, 0);
	gen_emit(c->g, &c->g->pkt);
	gen_wait(c->g, c->gap_ns);
}

/*
 * The response is 7300 bytes, sent as S1 S3 S2, a spurious
 * retransmission of S2, S4, then a segment that starts 500 bytes
 * inside S4 and repeats those bytes exactly, and the tail:
 *
 *	S1 [0,1460) S2 [1460,2920) S3 [2920,4380) S4 [4380,5840)
 *	S5 [5340,6800) overlaps S4 by 500	S6 [6800,7300) PSH
 */
int
scen_tcp_out_of_order(struct gen *g)
{
	struct conv c;
	uint8_t req[512], resp[7300];
	uint32_t isn;
	size_t n;

	basic_conv(&c, g, 49154);
	conv_open(&c);
	n = http_request(req, sizeof(req), "/large", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, req, n);
	(void)http_response(resp, sizeof(resp));
	isn = c.seq[1];
	resp_seg(&c, isn, resp, 0, 1460, TCP_ACK);
	cli_ack(&c, isn + 1460);
	resp_seg(&c, isn, resp, 2920, 1460, TCP_ACK);
	cli_ack(&c, isn + 1460);		/* duplicate ACK: hole */
	resp_seg(&c, isn, resp, 1460, 1460, TCP_ACK);
	cli_ack(&c, isn + 4380);
	resp_seg(&c, isn, resp, 1460, 1460, TCP_ACK);	/* retransmission */
	cli_ack(&c, isn + 4380);
	resp_seg(&c, isn, resp, 4380, 1460, TCP_ACK);
	resp_seg(&c, isn, resp, 5340, 1460, TCP_ACK);	/* overlap */
	cli_ack(&c, isn + 6800);
	resp_seg(&c, isn, resp, 6800, 500, TCP_ACK | TCP_PSH);
	c.seq[1] = isn + (uint32_t)sizeof(resp);
	cli_ack(&c, c.seq[1]);
	gen_wait(g, c.rtt_ns);
	conv_close(&c, 0);
	return 0;
}

/*
 * The third of five response segments is never seen: the client keeps
 * acknowledging the end of the second, and both sides close anyway.
 */
int
scen_tcp_gap(struct gen *g)
{
	struct conv c;
	uint8_t req[512], resp[7300];
	uint32_t isn, ack;
	size_t n;

	basic_conv(&c, g, 49155);
	conv_open(&c);
	n = http_request(req, sizeof(req), "/report", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, req, n);
	(void)http_response(resp, sizeof(resp));
	isn = c.seq[1];
	ack = isn + 2920;
	resp_seg(&c, isn, resp, 0, 1460, TCP_ACK);
	resp_seg(&c, isn, resp, 1460, 1460, TCP_ACK);
	cli_ack(&c, ack);
	/* [2920, 4380) is lost and never retransmitted. */
	resp_seg(&c, isn, resp, 4380, 1460, TCP_ACK);
	cli_ack(&c, ack);
	resp_seg(&c, isn, resp, 5840, 1460, TCP_ACK | TCP_PSH);
	cli_ack(&c, ack);
	c.seq[1] = isn + (uint32_t)sizeof(resp);
	gen_wait(g, c.rtt_ns);
	/* Server FIN, client FIN still acknowledging the hole. */
	conv_build(&c, &g->pkt, 1, TCP_FIN | TCP_ACK, c.seq[1], c.seq[0],
	    NULL, 0);
	gen_emit(g, &g->pkt);
	c.seq[1]++;
	gen_wait(g, c.rtt_ns);
	conv_build(&c, &g->pkt, 0, TCP_FIN | TCP_ACK, c.seq[0], ack, NULL,
	    0);
	gen_emit(g, &g->pkt);
	c.seq[0]++;
	gen_wait(g, c.rtt_ns);
	conv_seg(&c, 1, TCP_ACK, NULL, 0);
	return 0;
}

/* A refused connection, then an established one reset by the client. */
int
scen_tcp_rst(struct gen *g)
{
	struct conv c;
	uint8_t buf[BASIC_BUF];
	size_t n;

	basic_conv(&c, g, 49156);
	c.port[1] = 8081;
	conv_seg(&c, 0, TCP_SYN, NULL, 0);
	gen_wait(g, c.rtt_ns);
	/* RFC 9293 3.10.7.1: a closed port answers <SEQ=0><ACK=SEG.SEQ+1>. */
	c.seq[1] = 0;
	c.win[1] = 0;
	conv_seg(&c, 1, TCP_RST | TCP_ACK, NULL, 0);
	gen_wait(g, 200 * GEN_MS);

	basic_conv(&c, g, 49157);
	conv_open(&c);
	n = http_request(buf, sizeof(buf), "/stream", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, buf, n);
	n = http_response(buf, 2000);
	conv_data(&c, 1, buf, n);
	conv_rst(&c, 0);
	return 0;
}

/*
 * Two flows that end while a packet of another flow is being handled,
 * each with an HTTP request its server never answered (the request's
 * record is written when the flow ends):
 *
 * - port 49170: the client half-closes after its request; 2 s later a
 *   SYN with a new ISN reuses the tuple (RFC 9293 3.4.1), which ends the
 *   old flow ("tcp_reuse") and starts a new one, answered this time;
 * - port 49171: the request is acknowledged and the flow goes idle.  A
 *   SYN on port 49172 half a second before the established timeout
 *   (3600 s) makes the last expiry tick run before the deadline, so
 *   the client's FIN 0.7 s later finds the flow expired and ends it
 *   ("timeout") itself.
 *
 * Both old flows' records must carry their own last packet's time and
 * no pcap_cnt, not the time and number of the packet that ended them.
 */
int
scen_tcp_flow_end_time(struct gen *g)
{
	struct conv c, r, t;
	uint8_t buf[BASIC_BUF];
	size_t n;

	basic_conv(&c, g, 49170);
	conv_open(&c);
	n = http_request(buf, sizeof(buf), "/unanswered", BASIC_SRV,
	    BASIC_PORT);
	conv_data(&c, 0, buf, n);
	conv_seg(&c, 0, TCP_FIN | TCP_ACK, NULL, 0);
	gen_wait(g, c.rtt_ns);
	conv_seg(&c, 1, TCP_ACK, NULL, 0);
	gen_wait(g, 2 * GEN_NS);

	basic_conv(&r, g, 49170);
	conv_open(&r);
	n = http_request(buf, sizeof(buf), "/again", BASIC_SRV, BASIC_PORT);
	conv_data(&r, 0, buf, n);
	n = http_response(buf, 600);
	conv_data(&r, 1, buf, n);
	conv_close(&r, 0);
	gen_wait(g, 200 * GEN_MS);

	basic_conv(&c, g, 49171);
	conv_open(&c);
	n = http_request(buf, sizeof(buf), "/idle", BASIC_SRV, BASIC_PORT);
	conv_data(&c, 0, buf, n);
	gen_wait(g, 3600 * GEN_NS - 500 * GEN_MS);
	basic_conv(&t, g, 49172);
	conv_seg(&t, 0, TCP_SYN, NULL, 0);
	gen_wait(g, 700 * GEN_MS);
	conv_seg(&c, 0, TCP_FIN | TCP_ACK, NULL, 0);
	return 0;
}
