/*
 * test-dpi.c - the nDPI adapter: classification of hand-built packets,
 * the packet limit, config errors, flow lifecycle, hostile IP lengths
 * and every truncation of a packet (run under ASan, whose leak checker
 * also covers the many-flows test).
 *
 * Addresses are private so nDPI's IP lists cannot label a flow: only
 * payload decides.
 */
#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/dpi.h"

#define PKT_MAX		1600
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_PSH		0x08
#define TH_ACK		0x10

#define CLIENT_IP	0x0a000001u	/* 10.0.0.1 */
#define SERVER_IP	0x0a000002u	/* 10.0.0.2 */

struct pkt {
	uint8_t	 b[PKT_MAX];
	size_t	 len;
};

/* One TCP or UDP conversation between the client and a server port. */
struct conv {
	uint8_t		 proto;
	bool		 v6;		/* IPv6 (fd00::ip) instead of IPv4 */
	uint32_t	 ip[2];		/* [dir]: source address */
	uint16_t	 port[2];	/* [dir]: source port */
	uint32_t	 seq[2];	/* [dir]: next sequence number */
	uint64_t	 ts_us;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
ip_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * IPv4 header (RFC 791, 20 bytes, no options, DF set, TTL 64), then a
 * UDP header (RFC 768) or a TCP header (RFC 9293, 20 bytes, window
 * 65535), then the payload.  Checksums of UDP and TCP are left 0: nDPI
 * does not verify them.
 */
static size_t
build_ip_buf(uint8_t *b, size_t cap, bool v6, uint8_t proto, uint32_t src,
    uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
    uint8_t flags, const void *payload, size_t plen)
{
	size_t iphdr = v6 ? 40 : 20;
	uint8_t *ip = b, *l4 = b + iphdr;
	size_t l4hdr = proto == IPPROTO_TCP_ ? 20 : 8;
	size_t len = iphdr + l4hdr + plen;

	assert_true(len <= cap && len <= 65535);
	memset(b, 0, iphdr + l4hdr);
	if (v6) {
		/* RFC 8200: fd00::src -> fd00::dst, no extension headers. */
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(l4hdr + plen));
		ip[6] = proto;
		ip[7] = 64;
		ip[8] = 0xfd;
		put32(ip + 20, src);
		ip[24] = 0xfd;
		put32(ip + 36, dst);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)len);
		put16(ip + 4, 0x1234);			/* id */
		put16(ip + 6, 0x4000);			/* DF */
		ip[8] = 64;
		ip[9] = proto;
		put32(ip + 12, src);
		put32(ip + 16, dst);
		put16(ip + 10, ip_cksum(ip, 20));
	}
	put16(l4, sport);
	put16(l4 + 2, dport);
	if (proto == IPPROTO_TCP_) {
		put32(l4 + 4, seq);
		put32(l4 + 8, ack);
		l4[12] = 5 << 4;		/* data offset */
		l4[13] = flags;
		put16(l4 + 14, 65535);
	} else
		put16(l4 + 4, (uint16_t)(8 + plen));
	if (plen > 0 && payload != NULL)
		memcpy(l4 + l4hdr, payload, plen);
	return len;
}

static void
build_ipv4(struct pkt *pk, uint8_t proto, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
    uint8_t flags, const void *payload, size_t plen)
{
	pk->len = build_ip_buf(pk->b, sizeof(pk->b), false, proto, src, dst,
	    sport, dport, seq, ack, flags, payload, plen);
}

static void
conv_init(struct conv *c, uint8_t proto, uint16_t cport, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->proto = proto;
	c->ip[0] = CLIENT_IP;
	c->ip[1] = SERVER_IP;
	c->port[0] = cport;
	c->port[1] = sport;
	c->seq[0] = 1000;
	c->seq[1] = 5000;
	c->ts_us = 1700000000000000ull;
}

/* Builds the next packet of the conversation in direction dir. */
static void
conv_pkt(struct conv *c, struct pkt *pk, int dir, uint8_t flags,
    const void *payload, size_t plen)
{
	pk->len = build_ip_buf(pk->b, sizeof(pk->b), c->v6, c->proto,
	    c->ip[dir], c->ip[!dir], c->port[dir], c->port[!dir], c->seq[dir],
	    c->seq[!dir], flags, payload, plen);
	c->seq[dir] += (uint32_t)plen + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	c->ts_us += 1000;
}

/* Feeds one packet; returns what dpi_packet() said. */
static enum dpi_status
conv_send(struct dpi_engine *eng, struct dpi_flow *f, struct conv *c,
    int dir, uint8_t flags, const void *payload, size_t plen)
{
	struct pkt pk;

	conv_pkt(c, &pk, dir, flags, payload, plen);
	return dpi_packet(eng, f, pk.b, pk.len, c->ts_us, dir);
}

/* An engine for the protocol names of list (n of them). */
static struct dpi_engine *
engine_for(const char *const *list, size_t n)
{
	struct dpi_config cfg;
	struct dpi_engine *eng;
	char err[128] = "";

	dpi_config_defaults(&cfg);
	cfg.protocols = list;
	cfg.n_protocols = n;
	eng = dpi_engine_new(&cfg, err, sizeof(err));
	assert_non_null(eng);
	return eng;
}

static void
tcp_handshake(struct dpi_engine *eng, struct dpi_flow *f, struct conv *c)
{
	assert_int_equal(conv_send(eng, f, c, 0, TH_SYN, NULL, 0), DPI_MORE);
	assert_int_equal(conv_send(eng, f, c, 1, TH_SYN | TH_ACK, NULL, 0),
	    DPI_MORE);
	assert_int_equal(conv_send(eng, f, c, 0, TH_ACK, NULL, 0), DPI_MORE);
}

/*
 * DNS query (RFC 1035 4.1): id 0x1a2b, flags 0x0100 (RD), 1 question,
 * no answers; QNAME www.example.com, QTYPE A, QCLASS IN.
 */
static const uint8_t dns_query[] = {
	0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

/*
 * The answer: flags 0x8180 (QR, RD, RA), 1 question, 1 answer: a
 * pointer to the QNAME (0xc00c), type A, class IN, TTL 300, 4 bytes:
 * 10.0.0.80.
 */
static const uint8_t dns_answer[] = {
	0x1a, 0x2b, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x04, 10, 0, 0, 80,
};

static const char http_get[] =
    "GET /api/v1/status HTTP/1.1\r\n"
    "Host: pump-gw.example.org\r\n"
    "User-Agent: InfusionLink/2.1\r\n"
    "Accept: */*\r\n"
    "\r\n";

static const char http_200[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 2\r\n"
    "\r\n"
    "{}";

/*
 * TLS 1.2 ClientHello (RFC 5246 7.4.1.2, RFC 6066 3) with SNI
 * "pacs.example.org":
 *   record: type 22 (handshake), version 3.1, length 0x0054 (84)
 *   handshake: type 1 (ClientHello), length 0x000050 (80)
 *     client_version 3.3, random (32 bytes), session id length 0,
 *     cipher suites length 4: 0xc02f (ECDHE-RSA-AES128-GCM-SHA256),
 *       0x009c (AES128-GCM-SHA256),
 *     compression methods length 1: null,
 *     extensions length 0x0023 (35):
 *       server_name (0), length 0x0015 (21): list length 0x0013,
 *         type 0 (host_name), name length 0x0010, "pacs.example.org"
 *       signature_algorithms (13), length 0x0006: list length 0x0004,
 *         ecdsa_secp256r1_sha256 (0x0403), rsa_pkcs1_sha256 (0x0401)
 * test_dpi_tls_clienthello_lengths checks the three lengths.
 */
static const uint8_t tls_client_hello[] = {
	/* record header */
	0x16, 0x03, 0x01, 0x00, 0x54,
	/* handshake header: ClientHello, 80 bytes */
	0x01, 0x00, 0x00, 0x50,
	0x03, 0x03,
	/* random */
	0x5c, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	/* session id */
	0x00,
	/* cipher suites */
	0x00, 0x04, 0xc0, 0x2f, 0x00, 0x9c,
	/* compression methods */
	0x01, 0x00,
	/* extensions, 35 bytes */
	0x00, 0x23,
	/* server_name, 21 bytes */
	0x00, 0x00, 0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10,
	'p', 'a', 'c', 's', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	'.', 'o', 'r', 'g',
	/* signature_algorithms, 6 bytes */
	0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x04, 0x01,
};

static const char ssh_client[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
static const char ssh_server[] = "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1\r\n";

/* SSDP discovery (UPnP Device Architecture 1.1, 1.3.2). */
static const char ssdp_msearch[] =
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 2\r\n"
    "ST: ssdp:all\r\n"
    "\r\n";

static struct dpi_engine *
engine_default(void)
{
	struct dpi_config cfg;
	struct dpi_engine *eng;
	char err[128] = "";

	dpi_config_defaults(&cfg);
	eng = dpi_engine_new(&cfg, err, sizeof(err));
	if (eng == NULL)
		fail_msg("dpi_engine_new: %s", err);
	return eng;
}

static int
group_setup(void **state)
{
	*state = engine_default();
	return *state == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	dpi_engine_free(*state);
	return 0;
}

static void
test_dpi_tls_clienthello_lengths(void **state)
{
	(void)state;
	/* Record length, handshake length, extensions length. */
	assert_int_equal(sizeof(tls_client_hello), 5 + 0x54);
	assert_int_equal(sizeof(tls_client_hello), 9 + 0x50);
	assert_int_equal(sizeof(tls_client_hello) - 54, 0x23);
}

static void
test_dpi_dns_query(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	enum dpi_status st;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40000, 53);
	st = conv_send(eng, f, &c, 0, 0, dns_query, sizeof(dns_query));
	assert_string_equal(dpi_app_proto(f), "dns");
	if (st == DPI_MORE)
		st = conv_send(eng, f, &c, 1, 0, dns_answer,
		    sizeof(dns_answer));
	assert_int_equal(st, DPI_DONE);
	assert_string_equal(dpi_app_proto(f), "dns");
	assert_string_equal(dpi_ndpi_name(f), "DNS");
	assert_non_null(dpi_category(f));
	dpi_flow_free(f);
}

/* The same query over IPv6 (RFC 8200 header, next header UDP). */
static void
test_dpi_dns_ipv6(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	uint8_t p[40 + 8 + sizeof(dns_query)];

	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	put16(p + 4, (uint16_t)(8 + sizeof(dns_query)));
	p[6] = IPPROTO_UDP_;
	p[7] = 64;
	p[8] = 0xfd;				/* fd00::1 -> fd00::2 */
	p[23] = 1;
	p[24] = 0xfd;
	p[39] = 2;
	put16(p + 40, 40001);
	put16(p + 42, 53);
	put16(p + 44, (uint16_t)(8 + sizeof(dns_query)));
	memcpy(p + 48, dns_query, sizeof(dns_query));
	assert_non_null(f = dpi_flow_new(eng));
	dpi_packet(eng, f, p, sizeof(p), 1000000, 0);
	assert_string_equal(dpi_app_proto(f), "dns");
	dpi_flow_free(f);
}

static void
test_dpi_http(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40002, 80);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, http_get,
	    sizeof(http_get) - 1);
	conv_send(eng, f, &c, 1, TH_PSH | TH_ACK, http_200,
	    sizeof(http_200) - 1);
	assert_string_equal(dpi_app_proto(f), "http");
	assert_non_null(dpi_ndpi_name(f));
	assert_memory_equal(dpi_ndpi_name(f), "HTTP", 4);
	dpi_flow_free(f);
}

static void
test_dpi_tls(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40003, 443);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, tls_client_hello,
	    sizeof(tls_client_hello));
	assert_string_equal(dpi_app_proto(f), "tls");
	assert_memory_equal(dpi_ndpi_name(f), "TLS", 3);
	dpi_flow_free(f);
}

static void
test_dpi_ssh(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40004, 22);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 1, TH_PSH | TH_ACK, ssh_server,
	    sizeof(ssh_server) - 1);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, ssh_client,
	    sizeof(ssh_client) - 1);
	assert_string_equal(dpi_app_proto(f), "ssh");
	assert_string_equal(dpi_ndpi_name(f), "SSH");
	dpi_flow_free(f);
}

/*
 * DHCPDISCOVER (RFC 2131 2, RFC 2132): op 1, htype 1, hlen 6, hops 0,
 * xid 0x3903f326, secs 0, flags 0x8000 (broadcast), ciaddr..giaddr 0,
 * chaddr 00:16:3e:12:34:56, sname and file empty, magic cookie
 * 99.130.83.99, options 53 (DISCOVER), 55 (subnets, router, DNS,
 * domain name), 60 ("MedDevice"), end.
 */
static size_t
build_dhcp_discover(uint8_t *p, size_t cap)
{
	static const uint8_t opts[] = {
		53, 1, 1,
		55, 4, 1, 3, 6, 15,
		60, 9, 'M', 'e', 'd', 'D', 'e', 'v', 'i', 'c', 'e',
		255,
	};
	size_t len = 240 + sizeof(opts);

	assert_true(len <= cap);
	memset(p, 0, len);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	put32(p + 4, 0x3903f326);
	put16(p + 10, 0x8000);
	p[28] = 0x00;
	p[29] = 0x16;
	p[30] = 0x3e;
	p[31] = 0x12;
	p[32] = 0x34;
	p[33] = 0x56;
	put32(p + 236, 0x63825363);
	memcpy(p + 240, opts, sizeof(opts));
	return len;
}

static void
test_dpi_dhcp(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct pkt pk;
	uint8_t bootp[300];
	size_t n = build_dhcp_discover(bootp, sizeof(bootp));

	build_ipv4(&pk, IPPROTO_UDP_, 0, 0xffffffffu, 68, 67, 0, 0, 0,
	    bootp, n);
	assert_non_null(f = dpi_flow_new(eng));
	dpi_packet(eng, f, pk.b, pk.len, 1000000, 0);
	assert_string_equal(dpi_app_proto(f), "dhcp");
	assert_string_equal(dpi_ndpi_name(f), "DHCP");
	dpi_flow_free(f);
}

/* No table entry: nDPI's name in lower case. */
static void
test_dpi_ssdp_lowercased(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct pkt pk;

	build_ipv4(&pk, IPPROTO_UDP_, CLIENT_IP, 0xeffffffau, 40005, 1900,
	    0, 0, 0, ssdp_msearch, sizeof(ssdp_msearch) - 1);
	assert_non_null(f = dpi_flow_new(eng));
	dpi_packet(eng, f, pk.b, pk.len, 1000000, 0);
	assert_string_equal(dpi_app_proto(f), "ssdp");
	assert_string_equal(dpi_ndpi_name(f), "SSDP");
	dpi_flow_free(f);
}

/*
 * The ClientHello has no ALPN, so 4.2 flags "TLS (probably) Not
 * Carrying HTTPS".  The risks outlive nDPI's flow state, which is freed
 * at DONE.
 */
static void
test_dpi_risks_kept_after_done(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	const char *names[64], *first;
	size_t n;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40015, 443);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, tls_client_hello,
	    sizeof(tls_client_hello));
	n = dpi_risks(f, names, 64);
	assert_true(n >= 1);
	assert_non_null(first = names[0]);
	assert_int_equal(dpi_risks(f, names, 0), 0);
	while (conv_send(eng, f, &c, 0, TH_ACK, NULL, 0) == DPI_MORE)
		;
	assert_string_equal(dpi_app_proto(f), "tls");
	assert_int_equal(dpi_risks(f, names, 64), n);
	assert_string_equal(names[0], first);
	dpi_flow_free(f);
}

/*
 * The version of an SNMP flow's message: v1 and v2c with a community,
 * v3, and nothing for a message that is not SNMP's.  The TLS flow
 * above had a risk: its number is ours (app/dpirisk.def: nDPI's "TLS
 * (probably) Not Carrying HTTPS" is tls-not-https, WW-R11).
 */
static void
test_dpi_snmp_version(void **state)
{
	/* GetRequest sysName.0, community "hosp-ro-7f3" (RFC 3416). */
	static const uint8_t v2c[] = {
		0x30, 0x29, 0x02, 0x01, 0x01,
		0x04, 0x0b, 'h', 'o', 's', 'p', '-', 'r', 'o', '-', '7', 'f',
		'3',
		0xa0, 0x17, 0x02, 0x04, 0x12, 0x34, 0x56, 0x78, 0x02, 0x01,
		0x00, 0x02, 0x01, 0x00, 0x30, 0x09, 0x30, 0x07, 0x06, 0x03,
		0x2b, 0x06, 0x01, 0x05, 0x00,
	};
	static const uint8_t v3[] = {
		0x30, 0x3a, 0x02, 0x01, 0x03,
		0x30, 0x0f, 0x02, 0x02, 0x4a, 0x69, 0x02, 0x03, 0x00, 0xff,
		0xe3, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03,
		0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x00, 0x02,
		0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00,
		0x30, 0x12, 0x04, 0x00, 0x04, 0x00, 0xa0, 0x0c, 0x02, 0x02,
		0x37, 0xf0, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
	};
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	const char *names[64];
	uint8_t msg[sizeof(v2c)];
	unsigned want;

	for (want = 1; want <= 3; want++) {
		memcpy(msg, v2c, sizeof(v2c));
		msg[4] = (uint8_t)(want - 1);
		assert_non_null(f = dpi_flow_new(eng));
		conv_init(&c, IPPROTO_UDP_, 40016, 161);
		if (want == 3)
			conv_send(eng, f, &c, 0, 0, v3, sizeof(v3));
		else
			conv_send(eng, f, &c, 0, 0, msg, sizeof(msg));
		if (dpi_app_proto(f) == NULL ||
		    strcmp(dpi_app_proto(f), "snmp") != 0)
			fail_msg("version %u: not labelled snmp", want);
		assert_int_equal(dpi_snmp_version(f), want);
		dpi_flow_free(f);
	}
	/* DNS: not SNMP. */
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40017, 53);
	conv_send(eng, f, &c, 0, 0, dns_query, sizeof(dns_query));
	assert_int_equal(dpi_snmp_version(f), 0);
	dpi_flow_free(f);

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40018, 443);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, tls_client_hello,
	    sizeof(tls_client_hello));
	assert_int_equal(dpi_risks(f, names, 64), 1);
	assert_string_equal(names[0], "TLS (probably) Not Carrying HTTPS");
	assert_int_equal(dpi_risk_ids(f), UINT64_C(1) << 11);
	dpi_flow_free(f);
}

/* Deterministic bytes (xorshift32) so a failure reproduces. */
static void
fill_random(uint8_t *p, size_t n, uint32_t *x)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		p[i] = (uint8_t)*x;
	}
}

static void
test_dpi_unknown_done_at_limit(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	uint8_t junk[200];
	uint32_t x = 0x9e3779b9u, i;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40006, 47000);
	for (i = 1; i < DPI_DEFAULT_MAX_PACKETS; i++) {
		fill_random(junk, sizeof(junk), &x);
		assert_int_equal(conv_send(eng, f, &c, (int)(i & 1), 0, junk,
		    sizeof(junk)), DPI_MORE);
	}
	fill_random(junk, sizeof(junk), &x);
	assert_int_equal(conv_send(eng, f, &c, 0, 0, junk, sizeof(junk)),
	    DPI_DONE);
	assert_null(dpi_app_proto(f));
	assert_null(dpi_ndpi_name(f));
	/* After DONE nothing more happens, even for a DNS query. */
	assert_int_equal(conv_send(eng, f, &c, 0, 0, dns_query,
	    sizeof(dns_query)), DPI_DONE);
	assert_null(dpi_app_proto(f));
	dpi_flow_free(f);
}

static void
test_dpi_max_packets_config(void **state)
{
	struct dpi_config cfg;
	struct dpi_engine *eng;
	struct dpi_flow *f;
	struct conv c;
	char err[128] = "";

	(void)state;
	dpi_config_defaults(&cfg);
	assert_int_equal(cfg.max_packets, DPI_DEFAULT_MAX_PACKETS);
	cfg.max_packets = 2;
	assert_non_null(eng = dpi_engine_new(&cfg, err, sizeof(err)));
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40007, 443);
	assert_int_equal(conv_send(eng, f, &c, 0, TH_SYN, NULL, 0), DPI_MORE);
	assert_int_equal(conv_send(eng, f, &c, 1, TH_SYN | TH_ACK, NULL, 0),
	    DPI_DONE);
	assert_null(dpi_app_proto(f));
	dpi_flow_free(f);
	dpi_engine_free(eng);

	cfg.max_packets = 0;
	assert_null(dpi_engine_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "max-packets"));
}

static void
test_dpi_unknown_protocol_name(void **state)
{
	static const char *const names[] = { "DNS", "HL7", "TLS" };
	struct dpi_config cfg;
	char err[128] = "";

	(void)state;
	dpi_config_defaults(&cfg);
	cfg.protocols = names;
	cfg.n_protocols = 3;
	assert_null(dpi_engine_new(&cfg, err, sizeof(err)));
	assert_string_equal(err, "unknown nDPI protocol \"HL7\"");

	/* Too long for any nDPI name, and a tiny error buffer. */
	{
		static const char *const longname[] = {
		    "ThisIsNotAProtocolNameAndIsTooLongForAnyBuffer" };
		char tiny[8];

		cfg.protocols = longname;
		cfg.n_protocols = 1;
		assert_null(dpi_engine_new(&cfg, tiny, sizeof(tiny)));
		assert_string_equal(tiny, "unknown");
	}
}

/* A short list restricts detection: with DNS only, TLS is unknown. */
static void
test_dpi_protocol_list_restricts(void **state)
{
	static const char *const names[] = { "dns" };	/* any case */
	struct dpi_engine *eng;
	struct dpi_flow *f;
	struct conv c;

	(void)state;
	eng = engine_for(names, 1);
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40008, 443);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, tls_client_hello,
	    sizeof(tls_client_hello));
	assert_null(dpi_app_proto(f));
	dpi_flow_free(f);

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40009, 53);
	conv_send(eng, f, &c, 0, 0, dns_query, sizeof(dns_query));
	assert_string_equal(dpi_app_proto(f), "dns");
	dpi_flow_free(f);
	dpi_engine_free(eng);
}

/*
 * "default" and "all" are words of ours: "all" turns on what the
 * default list leaves off (BitTorrent is not in it), "default" inside
 * a list adds the whole default set.
 */
static void
test_dpi_protocol_words(void **state)
{
	static const char *const all[] = { "ALL" };
	static const char *const more[] = { "bittorrent", "Default" };
	static const char *const bad[] = { "default", "DNP3", "DICOM" };
	struct dpi_engine *eng;
	struct dpi_flow *f;
	struct conv c;
	size_t at;

	(void)state;
	dpi_engine_free(engine_for(all, 1));
	eng = engine_for(more, 2);
	assert_non_null(f = dpi_flow_new(eng));	/* the default set is on */
	conv_init(&c, IPPROTO_UDP_, 40011, 53);
	conv_send(eng, f, &c, 0, 0, dns_query, sizeof(dns_query));
	assert_string_equal(dpi_app_proto(f), "dns");
	dpi_flow_free(f);
	dpi_engine_free(eng);

	assert_int_equal(dpi_check_protocols(more, 2, &at), 0);
	assert_int_equal(dpi_check_protocols(all, 1, &at), 0);
	assert_int_equal(dpi_check_protocols(dpi_default_protocols,
	    dpi_n_default_protocols, &at), 0);
	assert_int_equal(dpi_check_protocols(bad, 3, &at), -1);
	assert_int_equal(at, 2);	/* nDPI 4.2 has no DICOM */
}

/* A flow costs dpi_flow_size() until nDPI is done, then much less. */
static void
test_dpi_flow_memuse(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	uint32_t i;

	assert_int_equal(dpi_flow_memuse(NULL), 0);
	assert_non_null(f = dpi_flow_new(eng));
	assert_int_equal(dpi_flow_memuse(f), dpi_flow_size());
	assert_true(dpi_flow_size() > 500);
	conv_init(&c, IPPROTO_UDP_, 40012, 47002);
	for (i = 0; i < DPI_DEFAULT_MAX_PACKETS; i++) {
		assert_int_equal(dpi_flow_memuse(f), dpi_flow_size());
		if (conv_send(eng, f, &c, 0, 0, "x", 1) == DPI_DONE)
			break;
	}
	assert_int_equal(i, DPI_DEFAULT_MAX_PACKETS - 1);
	assert_true(dpi_flow_memuse(f) < 200);
	dpi_flow_free(f);
}

/*
 * dpi_stop() ends a flow at once: nDPI's state is released, later
 * packets are not fed, the stop is counted, and stopping again or a
 * finished flow changes nothing.
 */
static void
test_dpi_stop(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_stats st0, st1;
	struct dpi_flow *f;
	struct conv c;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40014, 47004);
	assert_int_equal(conv_send(eng, f, &c, 0, 0, "x", 1), DPI_MORE);
	dpi_get_stats(eng, &st0);
	dpi_stop(eng, f);
	dpi_get_stats(eng, &st1);
	assert_int_equal(st1.flows_stopped, st0.flows_stopped + 1);
	assert_true(dpi_flow_memuse(f) < 200);
	assert_int_equal(conv_send(eng, f, &c, 0, 0, "x", 1), DPI_DONE);
	dpi_get_stats(eng, &st0);
	assert_int_equal(st0.pkts_fed, st1.pkts_fed);
	dpi_stop(eng, f);
	dpi_get_stats(eng, &st1);
	assert_int_equal(st1.flows_stopped, st0.flows_stopped);
	dpi_flow_free(f);
}

/*
 * dpi_release() (the TCP flow has closed): a TLS flow that nDPI would
 * go on reading for the server's certificate gives back nDPI's state,
 * its TLS reassembly buffer included, keeps its answer and risks, is
 * counted as closed and takes no more packets.
 */
static void
test_dpi_release(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_stats st0, st1;
	struct dpi_flow *f;
	struct conv c;
	const char *names[64], *first;
	size_t n;

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40016, 443);
	tcp_handshake(eng, f, &c);
	assert_int_equal(conv_send(eng, f, &c, 0, TH_PSH | TH_ACK,
	    tls_client_hello, sizeof(tls_client_hello)), DPI_MORE);
	assert_string_equal(dpi_app_proto(f), "tls");
	assert_true(dpi_flow_memuse(f) > dpi_flow_size());
	assert_true((n = dpi_risks(f, names, 64)) >= 1);
	first = names[0];
	dpi_get_stats(eng, &st0);
	dpi_release(eng, f);
	dpi_get_stats(eng, &st1);
	assert_int_equal(st1.flows_closed, st0.flows_closed + 1);
	assert_int_equal(st1.flows_stopped, st0.flows_stopped);
	assert_true(dpi_flow_memuse(f) < 200);
	assert_string_equal(dpi_app_proto(f), "tls");
	assert_non_null(dpi_ndpi_name(f));
	assert_int_equal(dpi_risks(f, names, 64), n);
	assert_string_equal(names[0], first);
	assert_int_equal(conv_send(eng, f, &c, 1, TH_ACK, NULL, 0), DPI_DONE);
	dpi_release(eng, f);
	dpi_get_stats(eng, &st0);
	assert_int_equal(st0.pkts_fed, st1.pkts_fed);
	assert_int_equal(st0.flows_closed, st1.flows_closed);
	dpi_flow_free(f);
}

/* wardwatch.yaml(5) spells out the default list, in its order. */
static void
test_dpi_default_list_in_manual(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[1024], *man, *p;
	size_t i;
	FILE *fp;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/man/wardwatch.yaml.5",
	    top != NULL ? top : WW_SRCDIR);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((n = ftell(fp)) > 0);
	rewind(fp);
	assert_non_null(man = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(man, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_non_null(p = strstr(man, "app-layer.ndpi.protocols"));
	assert_non_null(p = strstr(p, "which is: "));
	p += strlen("which is: ");
	for (i = 0; i < dpi_n_default_protocols; i++) {
		size_t len = strlen(dpi_default_protocols[i]);

		while (*p == ' ' || *p == '\n' || *p == ',')
			p++;
		if (strncmp(p, "and ", 4) == 0)
			p += 4;
		if (strncmp(p, dpi_default_protocols[i], len) != 0)
			fail_msg("manual: expected %s at \"%.20s\"",
			    dpi_default_protocols[i], p);
		p += len;
	}
	assert_int_equal(*p, '.');
	free(man);
}

static void
test_dpi_flow_free_null_and_done(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	uint32_t i;

	dpi_flow_free(NULL);
	dpi_engine_free(NULL);
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40010, 47001);
	for (i = 0; i < DPI_DEFAULT_MAX_PACKETS; i++)
		conv_send(eng, f, &c, 0, 0, "x", 1);
	assert_int_equal(conv_send(eng, f, &c, 0, 0, "x", 1), DPI_DONE);
	dpi_flow_free(f);
	/* A flow never fed. */
	assert_non_null(f = dpi_flow_new(eng));
	assert_null(dpi_app_proto(f));
	assert_null(dpi_ndpi_name(f));
	assert_null(dpi_category(f));
	dpi_flow_free(f);
}

/*
 * Every truncation of the DNS query packet, each in a heap buffer of
 * exactly that size so ASan sees any read past it, on a fresh flow and
 * on one flow fed all of them.  The IP header keeps claiming the full
 * length: the adapter must pass nDPI the captured length.
 */
static void
test_dpi_every_truncation(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f, *all;
	struct conv c;
	struct pkt pk;
	size_t n;

	conv_init(&c, IPPROTO_UDP_, 40011, 53);
	conv_pkt(&c, &pk, 0, 0, dns_query, sizeof(dns_query));
	assert_non_null(all = dpi_flow_new(eng));
	for (n = 0; n < pk.len; n++) {
		uint8_t *copy = malloc(n == 0 ? 1 : n);

		assert_non_null(copy);
		memcpy(copy, pk.b, n);
		assert_non_null(f = dpi_flow_new(eng));
		dpi_packet(eng, f, copy, n, 1000000, 0);
		dpi_flow_free(f);
		dpi_packet(eng, all, copy, n, 1000000 + n, 0);
		free(copy);
	}
	dpi_flow_free(all);
	/* NULL with a length is not read either. */
	assert_non_null(f = dpi_flow_new(eng));
	dpi_packet(eng, f, NULL, 100, 0, 0);
	dpi_flow_free(f);
}

/*
 * Lying IP lengths: total length 0, below the header, above the
 * captured bytes (nDPI reads the IP header itself and would trust it),
 * an IHL of 15 with a 20-byte header, version 6 with a short buffer and
 * a huge payload length, and versions other than 4 and 6.  Plus random
 * garbage behind valid and random first bytes.
 */
static void
test_dpi_hostile_ip(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	struct pkt pk;
	uint8_t *copy;
	uint32_t x = 12345;
	size_t i, n;
	static const uint16_t totlens[] = { 0, 1, 19, 20, 27, 28, 29, 1500,
	    65535 };

	conv_init(&c, IPPROTO_UDP_, 40012, 53);
	conv_pkt(&c, &pk, 0, 0, dns_query, sizeof(dns_query));
	for (i = 0; i < sizeof(totlens) / sizeof(totlens[0]); i++) {
		assert_non_null(copy = malloc(pk.len));
		memcpy(copy, pk.b, pk.len);
		put16(copy + 2, totlens[i]);
		assert_non_null(f = dpi_flow_new(eng));
		dpi_packet(eng, f, copy, pk.len, 0, 0);
		copy[0] = 0x4f;			/* IHL 60 bytes */
		dpi_packet(eng, f, copy, pk.len, 0, 0);
		dpi_flow_free(f);
		free(copy);
	}

	/* IPv6 header claiming 65535 payload bytes, 8 captured. */
	assert_non_null(copy = calloc(1, 48));
	copy[0] = 0x60;
	put16(copy + 4, 65535);
	copy[6] = IPPROTO_UDP_;
	assert_non_null(f = dpi_flow_new(eng));
	dpi_packet(eng, f, copy, 48, 0, 0);
	copy[6] = 0;			/* hop-by-hop, truncated */
	dpi_packet(eng, f, copy, 48, 0, 0);
	copy[6] = 44;			/* fragment, truncated */
	dpi_packet(eng, f, copy, 48, 0, 0);
	dpi_flow_free(f);
	free(copy);

	for (i = 0; i < 2000; i++) {
		n = 1 + i % 120;
		assert_non_null(copy = malloc(n));
		fill_random(copy, n, &x);
		if (i % 3 == 0)
			copy[0] = 0x45;
		else if (i % 3 == 1)
			copy[0] = 0x60;
		if (n >= 10 && i % 2 == 0)
			copy[9] = i % 4 == 0 ? IPPROTO_TCP_ : IPPROTO_UDP_;
		assert_non_null(f = dpi_flow_new(eng));
		dpi_packet(eng, f, copy, n, i, (int)(i & 1));
		dpi_packet(eng, f, copy, n, i + 1, (int)!(i & 1));
		dpi_flow_free(f);
		free(copy);
	}
}

/*
 * The shape of nDPI 4.2's DNS loop (commit 388d01a34): a response on
 * port 53 so large that 16-bit offsets wrap.  The flow's byte budget
 * stops it before nDPI sees it; the test would hang otherwise.  Then
 * a flow whose second packet overruns the budget.
 */
static void
test_dpi_byte_budget(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_stats before, after;
	struct dpi_flow *f;
	uint8_t *b, *dns;
	size_t plen = 65535 - 28, i, len;

	assert_non_null(b = malloc(65535));
	dns = b + 28;
	memset(dns, 0, 12);
	put16(dns, 0x1a2b);
	put16(dns + 2, 0x8180);			/* response */
	put16(dns + 4, 1);			/* 1 question */
	put16(dns + 6, 0xffff);			/* 65535 answers */
	for (i = 12; i + 64 <= plen; i += 64) {
		dns[i] = 63;			/* label of 63 'a' */
		memset(dns + i + 1, 'a', 63);
	}
	memset(dns + i, 0, plen - i);
	len = build_ip_buf(b, 65535, false, IPPROTO_UDP_, SERVER_IP, CLIENT_IP,
	    53, 40016, 0, 0, 0, NULL, plen);
	assert_int_equal(len, 65535);

	dpi_get_stats(eng, &before);
	assert_non_null(f = dpi_flow_new(eng));
	assert_int_equal(dpi_packet(eng, f, b, len, 0, 1), DPI_DONE);
	assert_null(dpi_app_proto(f));
	dpi_flow_free(f);

	/* 20000 bytes fit, another 20000 do not. */
	len = build_ip_buf(b, 65535, false, IPPROTO_UDP_, CLIENT_IP, SERVER_IP,
	    40017, 47002, 0, 0, 0, NULL, 20000 - 28);
	memset(b + 28, 'x', 20000 - 28);
	assert_non_null(f = dpi_flow_new(eng));
	assert_int_equal(dpi_packet(eng, f, b, len, 0, 0), DPI_MORE);
	assert_int_equal(dpi_packet(eng, f, b, len, 1, 0), DPI_DONE);
	dpi_flow_free(f);
	dpi_get_stats(eng, &after);
	assert_int_equal(after.flows_byte_limit, before.flows_byte_limit + 2);
	assert_int_equal(after.pkts_fed, before.pkts_fed + 1);
	free(b);
}

static void
test_dpi_stats(void **state)
{
	struct dpi_engine *eng;
	struct dpi_stats st;
	struct dpi_flow *f;
	struct conv c;
	uint32_t i;

	(void)state;
	assert_non_null(eng = engine_default());
	dpi_get_stats(eng, &st);
	assert_int_equal(st.pkts_fed, 0);
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40018, 53);
	conv_send(eng, f, &c, 0, 0, dns_query, sizeof(dns_query));
	conv_send(eng, f, &c, 1, 0, dns_answer, sizeof(dns_answer));
	dpi_flow_free(f);
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_UDP_, 40019, 47003);
	for (i = 0; i < DPI_DEFAULT_MAX_PACKETS - 1; i++)
		conv_send(eng, f, &c, 0, 0, "?", 1);
	dpi_packet(eng, f, (const uint8_t *)"\x45", 1, 0, 0);
	dpi_flow_free(f);
	dpi_get_stats(eng, &st);
	assert_int_equal(st.pkts_fed, 2 + DPI_DEFAULT_MAX_PACKETS - 1);
	assert_int_equal(st.pkts_not_ip, 1);
	assert_int_equal(st.flows_detected, 1);
	assert_int_equal(st.flows_packet_limit, 1);
	assert_int_equal(st.flows_byte_limit, 0);
	dpi_engine_free(eng);
}

/*
 * TCP segments without payload after the handshake, while nDPI has no
 * label: counted, not handed over.  The handshake and the payload go to
 * nDPI, the ACKs and the FIN (4.2 reads no FIN) do not; the flow still
 * ends at max_packets with them counted; and FTP, which needs five
 * payload packets, still gets its label between them.
 */
static void
test_dpi_bare_not_fed(void **state)
{
	static const char *const ftp[] = { "220 ready\r\n", "USER u\r\n",
	    "331 pass\r\n", "PASS p\r\n", "230 in\r\n" };
	struct dpi_engine *eng;
	struct dpi_stats st;
	struct dpi_flow *f;
	struct conv c;
	uint8_t junk[100];
	uint32_t x = 0x51ed2701u, i;

	(void)state;
	assert_non_null(eng = engine_default());
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40030, 7001);
	tcp_handshake(eng, f, &c);
	for (i = 3; i < DPI_DEFAULT_MAX_PACKETS - 1; i += 2) {
		fill_random(junk, sizeof(junk), &x);
		assert_int_equal(conv_send(eng, f, &c, 0, TH_PSH | TH_ACK,
		    junk, sizeof(junk)), DPI_MORE);
		assert_int_equal(conv_send(eng, f, &c, 1, TH_ACK, NULL, 0),
		    DPI_MORE);
	}
	assert_int_equal(conv_send(eng, f, &c, 0, TH_FIN | TH_ACK, NULL, 0),
	    DPI_DONE);
	dpi_get_stats(eng, &st);
	assert_int_equal(st.pkts_bare, (DPI_DEFAULT_MAX_PACKETS - 4) / 2 + 1);
	assert_int_equal(st.pkts_fed, DPI_DEFAULT_MAX_PACKETS - st.pkts_bare);
	assert_int_equal(st.flows_packet_limit, 1);
	assert_null(dpi_ndpi_name(f));
	dpi_flow_free(f);

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40031, 2121);
	tcp_handshake(eng, f, &c);
	for (i = 0; i < sizeof(ftp) / sizeof(ftp[0]); i++) {
		conv_send(eng, f, &c, (int)(~i & 1), TH_PSH | TH_ACK, ftp[i],
		    strlen(ftp[i]));
		conv_send(eng, f, &c, (int)(i & 1), TH_ACK, NULL, 0);
	}
	assert_string_equal(dpi_ndpi_name(f), "FTP_CONTROL");
	dpi_get_stats(eng, &st);
	assert_true(st.pkts_bare > (DPI_DEFAULT_MAX_PACKETS - 4) / 2 + 1);
	dpi_flow_free(f);
	dpi_engine_free(eng);
}

/*
 * dpi_exclude(DPI_EXCL_FTP): the FTP dialogue that nDPI labels
 * FTP_CONTROL gets no label once the caller has ruled FTP out, while
 * other protocols still do; after DONE it changes nothing.
 */
static void
test_dpi_exclude_ftp(void **state)
{
	static const char *const ftp[] = { "220 ready\r\n", "USER u\r\n",
	    "331 pass\r\n", "PASS p\r\n", "230 in\r\n" };
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct conv c;
	size_t i;
	int excl;

	for (excl = 0; excl < 2; excl++) {
		assert_non_null(f = dpi_flow_new(eng));
		conv_init(&c, IPPROTO_TCP_, (uint16_t)(40040 + excl), 2121);
		tcp_handshake(eng, f, &c);
		if (excl)
			dpi_exclude(f, DPI_EXCL_FTP);
		for (i = 0; i < sizeof(ftp) / sizeof(ftp[0]); i++)
			conv_send(eng, f, &c, (int)(~i & 1), TH_PSH | TH_ACK,
			    ftp[i], strlen(ftp[i]));
		if (excl)
			assert_null(dpi_ndpi_name(f));
		else
			assert_string_equal(dpi_ndpi_name(f), "FTP_CONTROL");
		dpi_flow_free(f);
	}

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40042, 22);
	tcp_handshake(eng, f, &c);
	dpi_exclude(f, DPI_EXCL_FTP);
	conv_send(eng, f, &c, 1, TH_PSH | TH_ACK, ssh_server,
	    sizeof(ssh_server) - 1);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, ssh_client,
	    sizeof(ssh_client) - 1);
	assert_string_equal(dpi_ndpi_name(f), "SSH");
	dpi_stop(eng, f);
	dpi_exclude(f, DPI_EXCL_FTP);
	assert_string_equal(dpi_ndpi_name(f), "SSH");
	dpi_flow_free(f);
}

/*
 * Payload without CR LF: nDPI's line parses are answered without its
 * walk over the bytes (lines_fast counts them), and the flow keeps what
 * nDPI would make of it: RTSP, on lines a later packet brings.
 */
static void
test_dpi_lines_fast(void **state)
{
	static const char rtsp[] =
	    "OPTIONS rtsp://10.0.0.2/s RTSP/1.0\r\nCSeq: 1\r\n\r\n";
	struct dpi_engine *eng = *state;
	struct dpi_stats st0, st1;
	struct dpi_flow *f;
	struct conv c;
	uint8_t bin[600];
	size_t i;

	if (!dpi_lines_fast_built())
		skip();		/* only nDPI 4.2 has the copy */
	/* CRs, none followed by LF; LFs, none after a CR. */
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 7 + 1);
	bin[100] = '\r';
	bin[101] = 'x';
	bin[200] = '\n';
	bin[sizeof(bin) - 1] = '\r';

	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40050, 8554);
	tcp_handshake(eng, f, &c);
	dpi_get_stats(eng, &st0);
	assert_int_equal(conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, bin,
	    sizeof(bin)), DPI_MORE);
	dpi_get_stats(eng, &st1);
	assert_true(st1.lines_fast > st0.lines_fast);
	assert_null(dpi_ndpi_name(f));
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, rtsp, sizeof(rtsp) - 1);
	assert_string_equal(dpi_ndpi_name(f), "RTSP");
	dpi_flow_free(f);
}

/* One packet of a made-up conversation, from the generator's state. */
static void
bare_conv_pkt(struct conv *c, struct pkt *pk, uint32_t *x, int *dir)
{
	static const char *const starts[] = { "220 FTP ready\r\n",
	    "USER anonymous\r\n", "331 Password\r\n", "PASS x@y\r\n",
	    "230 Logged in\r\n", "AUTH TLS\r\n", "234 go\r\n",
	    "SSH-2.0-x\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	    "HTTP/1.1 200 OK\r\n\r\n", "RFB 003.008\n", "\x17\x24xx",
	    "\x11\x30xx", "* OK IMAP4rev1\r\n", "+OK POP3\r\n" };
	static const uint8_t flagset[] = { TH_ACK, TH_ACK, TH_ACK, TH_ACK,
	    TH_PSH | TH_ACK, TH_FIN | TH_ACK, 0x04 /* RST */, TH_SYN,
	    TH_SYN | TH_ACK, 0 };
	uint8_t payload[64];
	uint32_t r;
	size_t plen = 0;
	uint8_t flags;

	fill_random((uint8_t *)&r, sizeof(r), x);
	*dir = (int)(r & 1);
	flags = flagset[(r >> 1) % sizeof(flagset)];
	switch ((r >> 8) % 4) {
	case 0:
		plen = strlen(starts[(r >> 12) % (sizeof(starts) /
		    sizeof(starts[0]))]);
		memcpy(payload, starts[(r >> 12) % (sizeof(starts) /
		    sizeof(starts[0]))], plen);
		break;
	case 1:
		plen = 1 + (r >> 12) % sizeof(payload);
		fill_random(payload, plen, x);
		break;
	default:
		break;
	}
	conv_pkt(c, pk, *dir, flags, payload, plen);
	/* Now and then a sequence number out of line, or zero. */
	if ((r >> 20) % 16 == 0)
		c->seq[*dir] += 100000;
	else if ((r >> 20) % 16 == 1)
		c->seq[*dir] = 0;
}

/*
 * Every answer the same with and without the skipped packets: 3,000
 * made-up TCP conversations (FTP, SSH, HTTP, VNC, TeamViewer, mail and
 * random bytes, with stray SYNs, RSTs, FINs, bare ACKs and sequence
 * jumps) through an engine that skips and one that hands over every
 * packet, compared packet by packet, at max_packets 16 and 40 (past
 * nDPI's own cap of 32 processed packets) over IPv4, and at 16 over
 * IPv6 (tcp_bare_flags() reads the two headers apart).
 */
static void
test_dpi_bare_same_answers(void **state)
{
	struct dpi_config cfg;
	struct dpi_engine *a, *b;
	struct dpi_flow *fa, *fb;
	struct dpi_stats st;
	const char *ra[64], *rb[64];
	struct conv c;
	struct pkt pk;
	uint32_t x = 0x2545f491u, n, i, limit;
	char err[128] = "";
	size_t na, nb, k;
	int dir, pass, handshake;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		limit = pass == 1 ? 40 : DPI_DEFAULT_MAX_PACKETS;
		dpi_config_defaults(&cfg);
		cfg.max_packets = limit;
		assert_non_null(a = dpi_engine_new(&cfg, err, sizeof(err)));
		cfg.every_packet = true;
		assert_non_null(b = dpi_engine_new(&cfg, err, sizeof(err)));
		for (n = 0; n < 1000; n++) {
			assert_non_null(fa = dpi_flow_new(a));
			assert_non_null(fb = dpi_flow_new(b));
			conv_init(&c, IPPROTO_TCP_, (uint16_t)(30000 + n),
			    (uint16_t)(n % 3 == 0 ? 21 : 5000 + n % 7));
			c.v6 = pass == 2;
			handshake = n % 5 != 0;
			for (i = 0; i < limit + 2; i++) {
				if (handshake && i < 3) {
					dir = i == 1;
					conv_pkt(&c, &pk, dir, i == 0 ? TH_SYN :
					    i == 1 ? TH_SYN | TH_ACK : TH_ACK,
					    NULL, 0);
				} else
					bare_conv_pkt(&c, &pk, &x, &dir);
				assert_int_equal(dpi_packet(a, fa, pk.b,
				    pk.len, c.ts_us, dir), dpi_packet(b, fb,
				    pk.b, pk.len, c.ts_us, dir));
				assert_true((dpi_ndpi_name(fa) == NULL) ==
				    (dpi_ndpi_name(fb) == NULL));
				if (dpi_ndpi_name(fa) != NULL)
					assert_string_equal(dpi_ndpi_name(fa),
					    dpi_ndpi_name(fb));
				assert_ptr_equal(dpi_category(fa) == NULL,
				    dpi_category(fb) == NULL);
				na = dpi_risks(fa, ra, 64);
				nb = dpi_risks(fb, rb, 64);
				assert_int_equal(na, nb);
				for (k = 0; k < na; k++)
					assert_string_equal(ra[k], rb[k]);
			}
			dpi_flow_free(fa);
			dpi_flow_free(fb);
		}
		dpi_get_stats(a, &st);
		assert_true(st.pkts_bare > 1000);
		dpi_get_stats(b, &st);
		assert_int_equal(st.pkts_bare, 0);
		dpi_engine_free(a);
		dpi_engine_free(b);
	}
}

/* xorshift32 (Marsaglia 2003): repeatable, never 0. */
static uint32_t
rng(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * A DNS query (RFC 1035 4.1.1, 4.1.2): id, flags 0x0100 (RD), one
 * question for name (dotted, labels under 64 bytes), type A, class IN.
 */
static size_t
memo_dns_query(uint8_t *b, size_t cap, const char *name, uint16_t id)
{
	size_t n = 12, lab;
	const char *p = name, *dot;

	assert_true(strlen(name) + 18 <= cap);
	memset(b, 0, 12);
	put16(b, id);
	put16(b + 2, 0x0100);
	put16(b + 4, 1);
	while (*p != '\0') {
		dot = strchr(p, '.');
		lab = dot != NULL ? (size_t)(dot - p) : strlen(p);
		b[n++] = (uint8_t)lab;
		memcpy(b + n, p, lab);
		n += lab;
		p += lab + (dot != NULL);
	}
	b[n++] = 0;
	put16(b + n, 1);
	put16(b + n + 2, 1);
	return n + 4;
}

/* The two flows say the same: names, category and risks. */
static void
memo_same(struct dpi_flow *fa, struct dpi_flow *fb, size_t *dga)
{
	const char *ra[64], *rb[64];
	size_t na, nb, k;

	assert_true((dpi_ndpi_name(fa) == NULL) == (dpi_ndpi_name(fb) == NULL));
	if (dpi_ndpi_name(fa) != NULL)
		assert_string_equal(dpi_ndpi_name(fa), dpi_ndpi_name(fb));
	assert_true((dpi_category(fa) == NULL) == (dpi_category(fb) == NULL));
	if (dpi_category(fa) != NULL)
		assert_string_equal(dpi_category(fa), dpi_category(fb));
	na = dpi_risks(fa, ra, 64);
	nb = dpi_risks(fb, rb, 64);
	assert_int_equal(na, nb);
	for (k = 0; k < na; k++) {
		assert_string_equal(ra[k], rb[k]);
		if (ra[k] != NULL && strstr(ra[k], "DGA") != NULL)
			(*dga)++;
	}
}

/*
 * The engine's slots for nDPI's address guess and DGA check answer as
 * nDPI does, and so does its dispatch testing one exclusion bit per
 * dissector: flows between private and public addresses (some in nDPI's
 * lists: Google, Facebook, Microsoft, Apple), with DNS queries, HTTP
 * and TLS, names drawn from a small set so that they repeat, some of
 * them DGA-like, and random bytes, through an engine with the slots and
 * one without (no_memo); after every packet both flows say the same.
 */
static void
test_dpi_memo_same_answers(void **state)
{
	static const uint32_t addrs[] = {
		0x0a000002u, 0xc0a80105u,		/* private */
		0x08080808u, 0x08080404u,		/* Google DNS */
		0x1f0d4123u, 0x1f0d5823u,		/* Facebook */
		0x0d6b0001u, 0x286c0a01u,		/* Microsoft */
		0x11fdb0a1u, 0x5db8d822u,		/* Apple, other */
	};
	static const char *const names[] = {
		"www.example.com", "pacs.hospital.example.org",
		"bbcbedxhgjmdobdprmen.com", "qxzvkwpjrtbnmlhgfdsa.net",
		"ckaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
		"time.windows.com", "www.google.com", "update_x.example.com",
		"a.b.c.d.e.f.g.example.com", "8.8.8.8",
		"r2---sn-uxaxpu5ap5-2n5e.gvt1.com",
		"thisnameislongerthanthesixtythreebytesthatthememokeepsaaaa.example.com",
	};
	static const uint16_t ports[] = { 53, 80, 443, 8080, 5000 };
	struct dpi_config cfg;
	struct dpi_engine *a, *b;
	struct dpi_flow *fa, *fb;
	struct dpi_stats sa, sb;
	struct conv c;
	struct pkt pk;
	uint8_t pay[512];
	char http[256];
	uint32_t x = 0x6b43a9b5u;
	size_t plen, dga_a = 0, dga_b = 0;
	const char *name;
	int n, i, dir;
	char err[128] = "";

	(void)state;
	if (!dpi_lines_fast_built())
		skip();
	dpi_config_defaults(&cfg);
	assert_non_null(a = dpi_engine_new(&cfg, err, sizeof(err)));
	cfg.no_memo = true;
	assert_non_null(b = dpi_engine_new(&cfg, err, sizeof(err)));
	for (n = 0; n < 600; n++) {
		uint16_t port = ports[rng(&x) % 5];

		name = names[rng(&x) % (sizeof(names) / sizeof(names[0]))];
		assert_non_null(fa = dpi_flow_new(a));
		assert_non_null(fb = dpi_flow_new(b));
		conv_init(&c, port == 53 || rng(&x) % 4 == 0 ? IPPROTO_UDP_ :
		    IPPROTO_TCP_, (uint16_t)(30000 + rng(&x) % 2000), port);
		c.ip[0] = addrs[rng(&x) % 2];
		c.ip[1] = addrs[rng(&x) % (sizeof(addrs) / sizeof(addrs[0]))];
		if (rng(&x) % 4 == 0) {		/* the public side first */
			c.ip[0] = c.ip[1];
			c.ip[1] = addrs[0];
		}
		if (c.proto == IPPROTO_TCP_) {
			conv_pkt(&c, &pk, 0, TH_SYN, NULL, 0);
			(void)dpi_packet(a, fa, pk.b, pk.len, c.ts_us, 0);
			(void)dpi_packet(b, fb, pk.b, pk.len, c.ts_us, 0);
			memo_same(fa, fb, &dga_a);
		}
		for (i = 0; i < 4; i++) {
			dir = i % 2;
			if (n % 3 == 2) {
				/* Bytes nothing recognises: the dissectors
				 * exclude themselves one by one. */
				plen = 1 + rng(&x) % 300;
				fill_random(pay, plen, &x);
			} else if (port == 53 || c.proto == IPPROTO_UDP_) {
				plen = memo_dns_query(pay, sizeof(pay), name,
				    (uint16_t)n);
				if (dir == 1)
					pay[2] = 0x81;	/* QR: an answer */
			} else if (port == 443 && dir == 0) {
				memcpy(pay, tls_client_hello,
				    sizeof(tls_client_hello));
				plen = sizeof(tls_client_hello);
			} else {
				plen = (size_t)snprintf(http, sizeof(http),
				    dir == 0 ? "GET / HTTP/1.1\r\nHost: %s\r\n"
				    "\r\n" : "HTTP/1.1 200 OK\r\nServer: %s"
				    "\r\n\r\n", name);
				memcpy(pay, http, plen);
			}
			conv_pkt(&c, &pk, dir, c.proto == IPPROTO_TCP_ ?
			    TH_ACK | TH_PSH : 0, pay, plen);
			(void)dpi_packet(a, fa, pk.b, pk.len, c.ts_us, dir);
			(void)dpi_packet(b, fb, pk.b, pk.len, c.ts_us, dir);
			memo_same(fa, fb, &dga_b);
		}
		dpi_stop(a, fa);
		dpi_stop(b, fb);
		memo_same(fa, fb, &dga_a);
		dpi_flow_free(fa);
		dpi_flow_free(fb);
	}
	dpi_get_stats(a, &sa);
	dpi_get_stats(b, &sb);
	/* The slots answered, DGA names were found through them, and the
	 * engine without slots asked nDPI every time. */
	assert_true(sa.memo_ip > 100);
	assert_true(sa.memo_dga > 20);
	assert_true(dga_a + dga_b > 20);
	assert_int_equal(sb.memo_ip, 0);
	assert_int_equal(sb.memo_dga, 0);
	/* One engine tested one exclusion bit a dissector, the other all. */
	assert_true(sa.dispatch_single > 1000);
	assert_int_equal(sb.dispatch_single, 0);
	dpi_engine_free(a);
	dpi_engine_free(b);
}

/*
 * With a dissector enabled that takes TCP without payload and is not
 * vetted (Steam here), every packet goes to nDPI.
 */
static void
test_dpi_bare_unvetted(void **state)
{
	static const char *const names[] = { "default", "Steam" };
	struct dpi_engine *eng;
	struct dpi_stats st;
	struct dpi_flow *f;
	struct conv c;

	(void)state;
	eng = engine_for(names, 2);
	assert_non_null(f = dpi_flow_new(eng));
	conv_init(&c, IPPROTO_TCP_, 40032, 7002);
	tcp_handshake(eng, f, &c);
	conv_send(eng, f, &c, 0, TH_PSH | TH_ACK, "zz", 2);
	conv_send(eng, f, &c, 1, TH_ACK, NULL, 0);
	dpi_get_stats(eng, &st);
	assert_int_equal(st.pkts_bare, 0);
	assert_int_equal(st.pkts_fed, 5);
	dpi_flow_free(f);
	dpi_engine_free(eng);
}

/*
 * Packets that end exactly where an inaccessible page begins: if nDPI
 * read our buffer instead of its padded copy, the over-reads its 4.2
 * dissectors are known for would fault here.  DHCP with option lengths
 * running past the end, and every truncation of DNS, TLS and DHCP.
 */
static void
test_dpi_guard_page(void **state)
{
	struct dpi_engine *eng = *state;
	struct dpi_flow *f;
	struct pkt pk;
	uint8_t bootp[300], *map, *end;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n, cut, k;
	const struct {
		const uint8_t	*p;
		size_t		 n;
		uint8_t		 proto;
		uint16_t	 dport;
	} seeds[] = {
		{ dns_query, sizeof(dns_query), IPPROTO_UDP_, 53 },
		{ dns_answer, sizeof(dns_answer), IPPROTO_UDP_, 53 },
		{ tls_client_hello, sizeof(tls_client_hello), IPPROTO_TCP_,
		    443 },
		{ bootp, 0, IPPROTO_UDP_, 67 },
	};

	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + pg, pg, PROT_NONE), 0);
	end = map + pg;

	n = build_dhcp_discover(bootp, sizeof(bootp));
	for (k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		size_t sn = seeds[k].n != 0 ? seeds[k].n : n;

		for (cut = 0; cut <= sn; cut++) {
			build_ipv4(&pk, seeds[k].proto, CLIENT_IP, SERVER_IP,
			    68, seeds[k].dport, 1, 1, TH_PSH | TH_ACK,
			    seeds[k].p, cut);
			if (seeds[k].p == bootp && cut > 242)
				pk.b[28 + 241] = 0xff; /* opt 53 len */
			memcpy(end - pk.len, pk.b, pk.len);
			assert_non_null(f = dpi_flow_new(eng));
			dpi_packet(eng, f, end - pk.len, pk.len, 0, 0);
			dpi_packet(eng, f, end - pk.len, pk.len, 1, 0);
			dpi_flow_free(f);
		}
	}
	munmap(map, 2 * pg);
}

/*
 * One engine per worker thread, built at the same time in each thread:
 * nDPI's module init must not run in parallel, which the adapter's lock
 * prevents.  Each thread then classifies flows on its own engine.
 */
#define THREADS		4
#define THREAD_FLOWS	50

static void *
thread_classify(void *arg)
{
	struct dpi_engine *eng;
	struct dpi_flow *f;
	struct conv c;
	int i, *ok = arg;
	char err[128];

	*ok = 0;
	if ((eng = dpi_engine_new(NULL, err, sizeof(err))) == NULL)
		return NULL;
	for (i = 0; i < THREAD_FLOWS; i++) {
		const char *app;

		if ((f = dpi_flow_new(eng)) == NULL)
			break;
		if (i % 2 == 0) {
			conv_init(&c, IPPROTO_UDP_, (uint16_t)(30000 + i), 53);
			conv_send(eng, f, &c, 0, 0, dns_query,
			    sizeof(dns_query));
			app = "dns";
		} else {
			conv_init(&c, IPPROTO_TCP_, (uint16_t)(30000 + i),
			    443);
			conv_send(eng, f, &c, 0, TH_SYN, NULL, 0);
			conv_send(eng, f, &c, 1, TH_SYN | TH_ACK, NULL, 0);
			conv_send(eng, f, &c, 0, TH_ACK, NULL, 0);
			conv_send(eng, f, &c, 0, TH_PSH | TH_ACK,
			    tls_client_hello, sizeof(tls_client_hello));
			app = "tls";
		}
		if (dpi_app_proto(f) != NULL &&
		    strcmp(dpi_app_proto(f), app) == 0)
			(*ok)++;
		dpi_flow_free(f);
	}
	dpi_engine_free(eng);
	return NULL;
}

static void
test_dpi_engine_per_thread(void **state)
{
	pthread_t t[THREADS];
	int ok[THREADS], i;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_classify,
		    &ok[i]), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(ok[i], THREAD_FLOWS);
	}
}

/* Many flows, some classified, some mid-way, all freed: ASan checks. */
static void
test_dpi_many_flows_no_leak(void **state)
{
	struct dpi_engine *eng;
	struct dpi_flow *flows[500];
	struct conv c;
	size_t i;

	(void)state;
	assert_true(dpi_flow_size() > 688);
	assert_non_null(eng = engine_default());
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		assert_non_null(flows[i] = dpi_flow_new(eng));
		switch (i % 4) {
		case 0:
			conv_init(&c, IPPROTO_UDP_, (uint16_t)(20000 + i), 53);
			conv_send(eng, flows[i], &c, 0, 0, dns_query,
			    sizeof(dns_query));
			break;
		case 1:
			conv_init(&c, IPPROTO_TCP_, (uint16_t)(20000 + i),
			    443);
			tcp_handshake(eng, flows[i], &c);
			conv_send(eng, flows[i], &c, 0, TH_PSH | TH_ACK,
			    tls_client_hello, sizeof(tls_client_hello));
			break;
		case 2:
			conv_init(&c, IPPROTO_TCP_, (uint16_t)(20000 + i), 80);
			tcp_handshake(eng, flows[i], &c);
			conv_send(eng, flows[i], &c, 0, TH_PSH | TH_ACK,
			    http_get, sizeof(http_get) - 1);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		dpi_flow_free(flows[i]);
	dpi_engine_free(eng);
}

static void
test_dpi_map_names(void **state)
{
	(void)state;
	assert_string_equal(dpi_map_name("VNC"), "rfb");
	assert_string_equal(dpi_map_name("Kerberos"), "krb5");
	assert_string_equal(dpi_map_name("SMBv1"), "smb");
	assert_string_equal(dpi_map_name("SMBv23"), "smb");
	assert_string_equal(dpi_map_name("EthernetIP"), "enip");
	assert_string_equal(dpi_map_name("FTP_CONTROL"), "ftp");
	assert_string_equal(dpi_map_name("PostgreSQL"), "pgsql");
	assert_string_equal(dpi_map_name("IPsec"), "ike");
	assert_string_equal(dpi_map_name("tls"), "tls");
	assert_null(dpi_map_name("SSDP"));
	assert_null(dpi_map_name("Cassandra"));
	assert_null(dpi_map_name(NULL));
}

/* Every default name exists in this nDPI (the engine would refuse). */
static void
test_dpi_default_list_valid(void **state)
{
	struct dpi_config cfg;
	struct dpi_engine *eng;
	char err[128] = "";

	(void)state;
	assert_true(dpi_n_default_protocols > 20);
	dpi_config_defaults(&cfg);
	cfg.protocols = dpi_default_protocols;
	cfg.n_protocols = dpi_n_default_protocols;
	eng = dpi_engine_new(&cfg, err, sizeof(err));
	if (eng == NULL)
		fail_msg("%s", err);
	dpi_engine_free(eng);
	/* A NULL config means the defaults. */
	assert_non_null(eng = dpi_engine_new(NULL, err, sizeof(err)));
	dpi_engine_free(eng);
}

int
main(void)
{
	/* One engine (about 10 MB in nDPI 4.2) shared; some tests make more. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpi_tls_clienthello_lengths),
		cmocka_unit_test(test_dpi_map_names),
		cmocka_unit_test(test_dpi_dns_query),
		cmocka_unit_test(test_dpi_dns_ipv6),
		cmocka_unit_test(test_dpi_http),
		cmocka_unit_test(test_dpi_tls),
		cmocka_unit_test(test_dpi_ssh),
		cmocka_unit_test(test_dpi_dhcp),
		cmocka_unit_test(test_dpi_ssdp_lowercased),
		cmocka_unit_test(test_dpi_risks_kept_after_done),
		cmocka_unit_test(test_dpi_snmp_version),
		cmocka_unit_test(test_dpi_unknown_done_at_limit),
		cmocka_unit_test(test_dpi_flow_free_null_and_done),
		cmocka_unit_test(test_dpi_flow_memuse),
		cmocka_unit_test(test_dpi_stop),
		cmocka_unit_test(test_dpi_release),
		cmocka_unit_test(test_dpi_every_truncation),
		cmocka_unit_test(test_dpi_hostile_ip),
		cmocka_unit_test(test_dpi_guard_page),
		cmocka_unit_test(test_dpi_byte_budget),
		cmocka_unit_test(test_dpi_stats),
		cmocka_unit_test(test_dpi_bare_not_fed),
		cmocka_unit_test(test_dpi_bare_same_answers),
		cmocka_unit_test(test_dpi_bare_unvetted),
		cmocka_unit_test(test_dpi_memo_same_answers),
		cmocka_unit_test(test_dpi_exclude_ftp),
		cmocka_unit_test(test_dpi_lines_fast),
		cmocka_unit_test(test_dpi_unknown_protocol_name),
		cmocka_unit_test(test_dpi_max_packets_config),
		cmocka_unit_test(test_dpi_protocol_list_restricts),
		cmocka_unit_test(test_dpi_protocol_words),
		cmocka_unit_test(test_dpi_default_list_in_manual),
		cmocka_unit_test(test_dpi_default_list_valid),
		cmocka_unit_test(test_dpi_many_flows_no_leak),
		cmocka_unit_test(test_dpi_engine_per_thread),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
