/*
 * scen-findings.c - captures for the assessment's findings
 * (wardwatch(8), report): per finding one capture that has what it
 * reports ("findings-NAME-pos") and a near miss that has not
 * ("findings-NAME-neg"); tests/findings.sh runs wardwatch on both and
 * looks for the finding's id in the report.
 *
 * An IT workstation (10.10.0.50) talks to a patient monitor
 * (10.20.0.21): HTTP to its web interface, SNMP to its agent, TLS to
 * its service port.  Certificates are the least DER that a TLS stack
 * (and app/tls.c) reads: version, serial, algorithm, issuer, validity,
 * subject, a key and a signature of made-up bytes.  Credentials are
 * made up.  Not committed: every run writes the same bytes.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const struct host ws = {
	{ 0x00, 0x14, 0x22, 0x10, 0x00, 0x50 }, IP4(10, 10, 0, 50), { 0 }
};
static const struct host mon = {
	{ 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x21 }, IP4(10, 20, 0, 21), { 0 }
};

static const struct pkt_link eth = { .type = PKT_LINK_ETH };

static uint16_t
eport(struct gen *g)
{
	return (uint16_t)(49152 + gen_rand(g) % 16000);
}

static void
say(struct conv *c, int dir, const char *s)
{
	conv_data(c, dir, (const uint8_t *)s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* HTTP */

static void
http_get(struct gen *g, const char *host, const char *auth)
{
	char req[512];
	struct conv c;

	(void)snprintf(req, sizeof(req), "GET /config/alarms.html HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; "
	    "x64)\r\nAccept: text/html\r\n%s%s%sConnection: close\r\n\r\n",
	    host, auth != NULL ? "Authorization: " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "");
	scen_conv(&c, g, &eth, &ws, eport(g), &mon, 80);
	conv_open(&c);
	say(&c, 0, req);
	say(&c, 1, "HTTP/1.1 200 OK\r\nServer: GoAhead-Webs\r\n"
	    "Content-Type: text/html\r\nContent-Length: 24\r\n"
	    "Connection: close\r\n\r\n<html>Alarms</html>\r\n\r\n");
	conv_close(&c, 1);
	gen_wait(g, 500 * GEN_MS);
}

static int
f_http_basic(struct gen *g, int pos)
{
	/* "biomed:Mon-Cfg-2026" / an opaque token. */
	http_get(g, "monitor-21.ward.example", pos ?
	    "Basic YmlvbWVkOk1vbi1DZmctMjAyNg==" :
	    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl");
	return 0;
}

static int
f_ndpi_numeric_host(struct gen *g, int pos)
{
	http_get(g, pos ? "10.20.0.21" : "monitor-21.ward.example", NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* SNMP */

/* A get of sysName.0 and its answer: v2c with a community (RFC 3416),
 * or v3 (RFC 3412) without security: an engine discovery. */
static int
f_snmp(struct gen *g, int pos)
{
	static const uint8_t v2c_get[] = {
		0x30, 0x29, 0x02, 0x01, 0x01,
		0x04, 0x0b, 'h', 'o', 's', 'p', '-', 'r', 'o', '-', '7', 'f',
		'3',
		0xa0, 0x17, 0x02, 0x04, 0x12, 0x34, 0x56, 0x78, 0x02, 0x01,
		0x00, 0x02, 0x01, 0x00, 0x30, 0x09, 0x30, 0x07, 0x06, 0x03,
		0x2b, 0x06, 0x01, 0x05, 0x00,
	};
	static const uint8_t v3_get[] = {
		0x30, 0x3a, 0x02, 0x01, 0x03,
		/* msgGlobalData: id, max size, flags (reportable), USM */
		0x30, 0x0f, 0x02, 0x02, 0x4a, 0x69, 0x02, 0x03, 0x00, 0xff,
		0xe3, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03,
		/* msgSecurityParameters: an empty USM sequence */
		0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x00, 0x02,
		0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00,
		/* scopedPDU: engine id, context, an empty get */
		0x30, 0x12, 0x04, 0x00, 0x04, 0x00, 0xa0, 0x0c, 0x02, 0x02,
		0x37, 0xf0, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
	};
	uint16_t port = eport(g);

	if (pos)
		scen_udp(g, &eth, &ws, port, &mon, 161, 0, v2c_get,
		    sizeof(v2c_get));
	else
		scen_udp(g, &eth, &ws, port, &mon, 161, 0, v3_get,
		    sizeof(v3_get));
	gen_wait(g, 500 * GEN_MS);
	return 0;
}

/* ------------------------------------------------------------------ */
/* TLS */

struct der {
	uint8_t		 b[1024];
	size_t		 n;
};

static void
der_raw(struct der *d, const void *p, size_t n)
{
	if (d->n + n > sizeof(d->b))
		abort();
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* A TLV whose value is v (n bytes): lengths up to 65535. */
static void
der_tlv(struct der *d, uint8_t tag, const void *v, size_t n)
{
	uint8_t h[4];
	size_t hl = 0;

	h[hl++] = tag;
	if (n < 0x80)
		h[hl++] = (uint8_t)n;
	else if (n < 0x100) {
		h[hl++] = 0x81;
		h[hl++] = (uint8_t)n;
	} else {
		h[hl++] = 0x82;
		h[hl++] = (uint8_t)(n >> 8);
		h[hl++] = (uint8_t)n;
	}
	der_raw(d, h, hl);
	der_raw(d, v, n);
}

static void
der_wrap(struct der *out, uint8_t tag, const struct der *in)
{
	der_tlv(out, tag, in->b, in->n);
}

/* Name: one RDN, CN=cn (RFC 5280 4.1.2.4). */
static void
der_name(struct der *out, const char *cn)
{
	static const uint8_t oid_cn[] = { 0x06, 0x03, 0x55, 0x04, 0x03 };
	struct der atv = { .n = 0 }, set = { .n = 0 }, seq = { .n = 0 };

	der_raw(&atv, oid_cn, sizeof(oid_cn));
	der_tlv(&atv, 0x0c, cn, strlen(cn));		/* UTF8String */
	der_wrap(&set, 0x30, &atv);
	der_wrap(&seq, 0x31, &set);
	der_wrap(out, 0x30, &seq);
}

/* The certificate of subject cn issued by issuer, valid from/to
 * (UTCTime "YYMMDDHHMMSSZ"). */
static void
cert_make(struct der *out, const char *cn, const char *issuer,
    const char *from, const char *to)
{
	static const uint8_t ver[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	static const uint8_t serial[] = { 0x02, 0x04, 0x5e, 0x21, 0x07, 0x15 };
	/* sha256WithRSAEncryption, NULL parameters */
	static const uint8_t alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
	    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
	/* rsaEncryption with a made-up 64-bit key */
	static const uint8_t spki[] = { 0x30, 0x24, 0x30, 0x0d, 0x06, 0x09,
	    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
	    0x03, 0x13, 0x00, 0x30, 0x10, 0x02, 0x09, 0x00, 0xc3, 0x5a, 0x11,
	    0x7e, 0x42, 0x9d, 0x08, 0x6b, 0x02, 0x03, 0x01, 0x00, 0x01 };
	static const uint8_t sig[] = { 0x03, 0x09, 0x00, 0x5a, 0x17, 0x3c,
	    0x88, 0x41, 0x0e, 0x9b, 0x27 };
	struct der tbs = { .n = 0 }, val = { .n = 0 }, cert = { .n = 0 };

	der_raw(&tbs, ver, sizeof(ver));
	der_raw(&tbs, serial, sizeof(serial));
	der_raw(&tbs, alg, sizeof(alg));
	der_name(&tbs, issuer);
	der_tlv(&val, 0x17, from, strlen(from));
	der_tlv(&val, 0x17, to, strlen(to));
	der_wrap(&tbs, 0x30, &val);
	der_name(&tbs, cn);
	der_raw(&tbs, spki, sizeof(spki));
	der_wrap(&cert, 0x30, &tbs);
	der_raw(&cert, alg, sizeof(alg));
	der_raw(&cert, sig, sizeof(sig));
	der_wrap(out, 0x30, &cert);
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* A handshake record of one message (RFC 5246 6.2.1, 7.4). */
static size_t
tls_hs(uint8_t *out, uint16_t rver, uint8_t type, const uint8_t *body,
    size_t n)
{
	out[0] = 0x16;
	put16(out + 1, rver);
	put16(out + 3, n + 4);
	out[5] = type;
	put24(out + 6, n);
	memcpy(out + 9, body, n);
	return 9 + n;
}

/*
 * A TLS session up to the ServerHelloDone: the server chooses version
 * ver and cipher, and presents the certificate of cn issued by issuer,
 * valid from/to.
 */
static void
tls_session(struct gen *g, uint16_t ver, uint16_t cipher, const char *cn,
    const char *issuer, const char *from, const char *to)
{
	static const char sni[] = "monitor-21.ward.example";
	uint8_t body[1400], rec[1500];
	struct der cert = { .n = 0 };
	struct conv c;
	size_t n, k;

	scen_conv(&c, g, &eth, &ws, eport(g), &mon, 443);
	conv_open(&c);
	/* ClientHello: TLS 1.2, four suites, SNI. */
	n = 0;
	put16(body + n, 0x0303);
	n += 2;
	for (k = 0; k < 32; k++)
		body[n++] = (uint8_t)(0x41 + k);
	body[n++] = 0;					/* session id */
	put16(body + n, 8);
	n += 2;
	put16(body + n, 0xc02f);
	put16(body + n + 2, 0xc030);
	put16(body + n + 4, 0x000a);
	put16(body + n + 6, 0x0005);
	n += 8;
	body[n++] = 1;
	body[n++] = 0;					/* null compression */
	put16(body + n, 4 + 5 + sizeof(sni) - 1);	/* extensions */
	n += 2;
	put16(body + n, 0);				/* server_name */
	put16(body + n + 2, 5 + sizeof(sni) - 1);
	put16(body + n + 4, 3 + sizeof(sni) - 1);
	body[n + 6] = 0;				/* host_name */
	put16(body + n + 7, sizeof(sni) - 1);
	n += 9;
	memcpy(body + n, sni, sizeof(sni) - 1);
	n += sizeof(sni) - 1;
	conv_data(&c, 0, rec, tls_hs(rec, 0x0301, 1, body, n));

	/* ServerHello, Certificate, ServerHelloDone in one flight. */
	n = 0;
	put16(body + n, ver);
	n += 2;
	for (k = 0; k < 32; k++)
		body[n++] = (uint8_t)(0x61 + k);
	body[n++] = 0;
	put16(body + n, cipher);
	n += 2;
	body[n++] = 0;
	k = tls_hs(rec, ver, 2, body, n);
	cert_make(&cert, cn, issuer, from, to);
	put24(body, cert.n + 3);
	put24(body + 3, cert.n);
	memcpy(body + 6, cert.b, cert.n);
	k += tls_hs(rec + k, ver, 11, body, cert.n + 6);
	k += tls_hs(rec + k, ver, 14, body, 0);
	gen_wait(g, c.rtt_ns);
	conv_data(&c, 1, rec, k);
	conv_close(&c, 0);
	gen_wait(g, 500 * GEN_MS);
}

#define CN	"monitor-21.ward.example"
#define CA	"Hospital Issuing CA 2"
#define FROM	"250101000000Z"
#define TO	"351231235959Z"

static int
f_tls_self_signed(struct gen *g, int pos)
{
	tls_session(g, 0x0303, 0xc02f, CN, pos ? CN : CA, FROM, TO);
	return 0;
}

static int
f_tls_expired(struct gen *g, int pos)
{
	tls_session(g, 0x0303, 0xc02f, CN, CA, pos ? "170101000000Z" : FROM,
	    pos ? "190101000000Z" : TO);
	return 0;
}

static int
f_tls_cipher(struct gen *g, int pos)
{
	tls_session(g, 0x0303, pos ? 0x0005 : 0xc02f, CN, CA, FROM, TO);
	return 0;
}

static int
f_tls_version(struct gen *g, int pos)
{
	tls_session(g, pos ? 0x0301 : 0x0303, 0xc02f, CN, CA, FROM, TO);
	return 0;
}

/* ------------------------------------------------------------------ */

#define CASE(name, fn, descr)						\
	static int fn##_pos(struct gen *g) { return fn(g, 1); }		\
	static int fn##_neg(struct gen *g) { return fn(g, 0); }
#include "scen-findings.def"
#undef CASE

static const struct scenario findings_scenarios[] = {
#define CASE(name, fn, descr)						\
	{ "findings-" name "-pos", NULL, PCAPW_PCAP_US,			\
	    PCAPW_LINKTYPE_ETHERNET, fn##_pos, descr },			\
	{ "findings-" name "-neg", NULL, PCAPW_PCAP_US,			\
	    PCAPW_LINKTYPE_ETHERNET, fn##_neg, "near miss: " descr },
#include "scen-findings.def"
#undef CASE
};

#define NFINDINGS	(sizeof(findings_scenarios) / sizeof(findings_scenarios[0]))

const struct scenario *
scen_findings_find(const char *name)
{
	size_t i;

	for (i = 0; i < NFINDINGS; i++)
		if (strcmp(findings_scenarios[i].name, name) == 0)
			return &findings_scenarios[i];
	return NULL;
}

const struct scenario *
scen_findings_get(size_t i)
{
	return i < NFINDINGS ? &findings_scenarios[i] : NULL;
}
