/*
 * test-tls.c - the TLS parser: a ClientHello with GREASE, SNI and ALPN
 * (JA3, JA4), a TLS 1.2 server flight with a small self-made
 * certificate (JA3S, subject, issuer, serial, validity), every
 * truncation, every split point, a hello split across records, lying
 * record, handshake, extension and DER lengths, the end of parsing at
 * ChangeCipherSpec, one fact (one EVE record) per session, told when
 * the server's answer is over or its direction ends, the EVE object and
 * the probe.
 *
 * The byte vectors were written with a small script and their comments
 * spell out every field.  The expected JA3 values were computed by hand
 * from the comments, then hashed outside Wardwatch:
 *
 *   JA3 string: legacy version 771; ciphers without GREASE 0x0a0a;
 *   extensions in wire order without 0x1a1a and 0x4a4a; groups without
 *   0x2a2a; point formats
 *	771,4865-4866-4867-49195-49199-49196-49200-52393-52392-156-157-
 *	47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43,29-23-24,0
 *   printf '%s' "$ja3" | md5sum  ->  1e5c66725fa062beffa88014b54f4ffe
 *   JA3S: 771,49199,65281-0-16-11  ->  673d9e3a3d636167965beda377536bd7
 *
 * JA4 (best effort, see app/tls.c) was computed the same way with
 * Python's hashlib from the sorted hex lists: t13d1313h2_f4ad024020fe_
 * 1eb89897b454.  The certificate's fingerprint is Python's
 * hashlib.sha1() of its 332 DER bytes below, as Suricata writes it.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/tls.h"
#include "util/util.h"

#define JA3_STR	"771,4865-4866-4867-49195-49199-49196-49200-52393-" \
	"52392-156-157-47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43," \
	"29-23-24,0"
#define JA3_MD5	"1e5c66725fa062beffa88014b54f4ffe"
#define JA3S_STR "771,49199,65281-0-16-11"
#define JA3S_MD5 "673d9e3a3d636167965beda377536bd7"
#define JA4	"t13d1313h2_f4ad024020fe_1eb89897b454"
#define CERT_SHA1 "49:be:3e:9c:ac:5d:70:0d:24:fe:39:e3:33:20:90:0b:57:ee:" \
	"51:57"

static const uint8_t client_hello[] = {
	/* record: handshake (22), TLS 1.0 (0x0301), length 294 */
	0x16, 0x03, 0x01, 0x01, 0x26,
	/*   handshake: ClientHello (1), length 290 */
	0x01, 0x00, 0x01, 0x22,
	/*     legacy_version TLS 1.2 (0x0303) */
	0x03, 0x03,
	/*     random */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	/*     session_id, length 32 */
	0x20, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
	0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
	0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
	/*     cipher_suites, length 28: GREASE 0x0a0a, 1301 1302 1303 c02b c02f
	 *     c02c c030 cca9 cca8 009c 009d 002f 0035 */
	0x00, 0x1c, 0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b,
	0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8, 0x00, 0x9c,
	0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35,
	/*     compression_methods, length 1: null */
	0x01, 0x00,
	/*     extensions, length 189 */
	0x00, 0xbd,
	/*       extension 0x1a1a GREASE, length 0 */
	0x1a, 0x1a, 0x00, 0x00,
	/*       extension 0 server_name, length 26 */
	0x00, 0x00, 0x00, 0x1a,
	/*         list length 24, host_name (0), length 21,
	 *         "pacs.hospital.example" */
	0x00, 0x18, 0x00, 0x00, 0x15, 0x70, 0x61, 0x63, 0x73, 0x2e, 0x68, 0x6f,
	0x73, 0x70, 0x69, 0x74, 0x61, 0x6c, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65,
	/*       extension 23 extended_master_secret, length 0 */
	0x00, 0x17, 0x00, 0x00,
	/*       extension 65281 renegotiation_info, length 1 */
	0xff, 0x01, 0x00, 0x01,
	/*         empty renegotiated_connection */
	0x00,
	/*       extension 10 supported_groups, length 10 */
	0x00, 0x0a, 0x00, 0x0a,
	/*         list length 8: GREASE 0x2a2a, x25519 (29), secp256r1 (23),
	 *         secp384r1 (24) */
	0x00, 0x08, 0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
	/*       extension 11 ec_point_formats, length 2 */
	0x00, 0x0b, 0x00, 0x02,
	/*         list length 1: uncompressed (0) */
	0x01, 0x00,
	/*       extension 35 session_ticket, length 0 */
	0x00, 0x23, 0x00, 0x00,
	/*       extension 16 ALPN, length 14 */
	0x00, 0x10, 0x00, 0x0e,
	/*         list length 12: "h2", "http/1.1" */
	0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31,
	0x2e, 0x31,
	/*       extension 5 status_request, length 5 */
	0x00, 0x05, 0x00, 0x05,
	/*         ocsp (1), no responder ids, no extensions */
	0x01, 0x00, 0x00, 0x00, 0x00,
	/*       extension 13 signature_algorithms, length 18 */
	0x00, 0x0d, 0x00, 0x12,
	/*         list length 16: 0403 0804 0401 0503 0805 0501 0806 0601 */
	0x00, 0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05,
	0x05, 0x01, 0x08, 0x06, 0x06, 0x01,
	/*       extension 18 signed_certificate_timestamp, length 0 */
	0x00, 0x12, 0x00, 0x00,
	/*       extension 51 key_share, length 43 */
	0x00, 0x33, 0x00, 0x2b,
	/*         list length 41: GREASE 0x2a2a (1 byte), x25519 (32 bytes) */
	0x00, 0x29, 0x2a, 0x2a, 0x00, 0x01, 0x00, 0x00, 0x1d, 0x00, 0x20, 0x40,
	0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
	0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
	0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	/*       extension 45 psk_key_exchange_modes, length 2 */
	0x00, 0x2d, 0x00, 0x02,
	/*         psk_dhe_ke (1) */
	0x01, 0x01,
	/*       extension 43 supported_versions, length 7 */
	0x00, 0x2b, 0x00, 0x07,
	/*         list length 6: GREASE 0x3a3a, TLS 1.3, TLS 1.2 */
	0x06, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03,
	/*       extension 0x4a4a GREASE, length 1 */
	0x4a, 0x4a, 0x00, 0x01,
	/*         one zero byte */
	0x00,
};

static const uint8_t server_flight[] = {
	/* record: handshake (22), TLS 1.2, length 100 */
	0x16, 0x03, 0x03, 0x00, 0x64,
	/*   handshake: ServerHello (2), length 96 */
	0x02, 0x00, 0x00, 0x60,
	/*     legacy_version TLS 1.2 */
	0x03, 0x03,
	/*     random */
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b,
	0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
	0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	/*     session_id, length 32 */
	0x20, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
	0xeb, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
	0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
	/*     cipher_suite TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f =
	 *     49199) */
	0xc0, 0x2f,
	/*     compression_method null */
	0x00,
	/*     extensions, length 24 */
	0x00, 0x18,
	/*       extension 65281 renegotiation_info, length 1: empty */
	0xff, 0x01, 0x00, 0x01, 0x00,
	/*       extension 0 server_name, length 0 (acknowledged) */
	0x00, 0x00, 0x00, 0x00,
	/*       extension 16 ALPN, length 5: list length 3, "h2" */
	0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32,
	/*       extension 11 ec_point_formats, length 2: uncompressed */
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	/* record: handshake (22), TLS 1.2, length 346 */
	0x16, 0x03, 0x03, 0x01, 0x5a,
	/*   handshake: Certificate (11), length 338 */
	0x0b, 0x00, 0x01, 0x52,
	/*     certificate_list length 335, certificate length 332 */
	0x00, 0x01, 0x4f, 0x00, 0x01, 0x4c,
	/*       DER Certificate (332 bytes): SEQUENCE { tbsCertificate SEQUENCE
	 *       { [0] version v3 (2), serialNumber 00:C3:A1:5E:42:77:10:9B,
	 *       signature sha256WithRSAEncryption, issuer C=US, O=Example
	 *       Hospital, CN=Example Hospital Root CA, validity UTCTime
	 *       250101000000Z .. GeneralizedTime 20351231235959Z, subject
	 *       O=Example Hospital, CN=pacs.hospital.example,
	 *       subjectPublicKeyInfo ecPublicKey prime256v1 },
	 *       signatureAlgorithm ecdsa-with-SHA256, signature (16 bytes) } */
	0x30, 0x82, 0x01, 0x48, 0x30, 0x82, 0x01, 0x25, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x08, 0x00, 0xc3, 0xa1, 0x5e, 0x42, 0x77, 0x10, 0x9b, 0x30,
	0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
	0x05, 0x00, 0x30, 0x4b, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
	0x06, 0x13, 0x02, 0x55, 0x53, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55,
	0x04, 0x0a, 0x0c, 0x10, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x20,
	0x48, 0x6f, 0x73, 0x70, 0x69, 0x74, 0x61, 0x6c, 0x31, 0x21, 0x30, 0x1f,
	0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x18, 0x45, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x20, 0x48, 0x6f, 0x73, 0x70, 0x69, 0x74, 0x61, 0x6c, 0x20,
	0x52, 0x6f, 0x6f, 0x74, 0x20, 0x43, 0x41, 0x30, 0x20, 0x17, 0x0d, 0x32,
	0x35, 0x30, 0x31, 0x30, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a,
	0x18, 0x0f, 0x32, 0x30, 0x33, 0x35, 0x31, 0x32, 0x33, 0x31, 0x32, 0x33,
	0x35, 0x39, 0x35, 0x39, 0x5a, 0x30, 0x3b, 0x31, 0x19, 0x30, 0x17, 0x06,
	0x03, 0x55, 0x04, 0x0a, 0x0c, 0x10, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c,
	0x65, 0x20, 0x48, 0x6f, 0x73, 0x70, 0x69, 0x74, 0x61, 0x6c, 0x31, 0x1e,
	0x30, 0x1c, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x15, 0x70, 0x61, 0x63,
	0x73, 0x2e, 0x68, 0x6f, 0x73, 0x70, 0x69, 0x74, 0x61, 0x6c, 0x2e, 0x65,
	0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0x00, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
	0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
	0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32,
	0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
	0x3f, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03,
	0x02, 0x03, 0x11, 0x00, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	/*   handshake: ServerHelloDone (14), length 0 */
	0x0e, 0x00, 0x00, 0x00,
};

/* What the tests check of the session facts, copied out of the parser. */
struct seen {
	unsigned	 n_hello;	/* facts that hold a ClientHello */
	unsigned	 n_session;	/* facts */
	int		 dir;		/* of the last fact */
	char		 sni[TLS_SNI_MAX + 1];
	char		 ja3[33];
	char		 ja3_str[512];
	char		 ja4[TLS_JA4_LEN + 1];
	char		 alpn[2][TLS_ALPN_MAX + 1];
	unsigned	 n_alpn;
	uint16_t	 max_version;
	char		 ja3s[33];
	char		 ja3s_str[128];
	uint16_t	 version;
	uint16_t	 cipher;
	char		 server_alpn[TLS_ALPN_MAX + 1];
	bool		 cert;
	char		 subject[TLS_DN_MAX + 1];
	char		 issuer[TLS_DN_MAX + 1];
	char		 serial[TLS_SERIAL_MAX * 3 + 1];
	char		 fingerprint[TLS_SHA1_LEN * 3];
	char		 notbefore[TLS_DATE_LEN + 1];
	char		 notafter[TLS_DATE_LEN + 1];
	char		 eve[4096];
};

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	struct seen *sn = ctx->user;
	const struct tls_fact *f = fact;
	const struct tls_session *s = f->s;
	struct jsonw w;
	const char *t;
	size_t len;
	unsigned i;

	assert_int_equal(proto, APP_TLS);
	assert_int_equal(f->type, TLS_FACT_SESSION);
	/* Client to server, as Suricata writes a TLS transaction. */
	assert_int_equal(dir, APP_DIR_TOSERVER);
	sn->dir = dir;
	sn->n_session++;
	if (s->client.seen) {
		sn->n_hello++;
		snprintf(sn->sni, sizeof(sn->sni), "%s", s->client.sni);
		snprintf(sn->ja3, sizeof(sn->ja3), "%s", s->client.ja3_hash);
		snprintf(sn->ja3_str, sizeof(sn->ja3_str), "%s",
		    s->client.ja3_str);
		snprintf(sn->ja4, sizeof(sn->ja4), "%s", s->client.ja4);
		sn->n_alpn = s->client.n_alpn;
		for (i = 0; i < 2 && i < s->client.n_alpn; i++)
			snprintf(sn->alpn[i], sizeof(sn->alpn[i]), "%s",
			    s->client.alpn[i]);
		sn->max_version = s->client.max_version;
	}
	if (s->server.seen) {
		snprintf(sn->ja3s, sizeof(sn->ja3s), "%s",
		    s->server.ja3s_hash);
		snprintf(sn->ja3s_str, sizeof(sn->ja3s_str), "%s",
		    s->server.ja3s_str);
		sn->version = s->server.version;
		sn->cipher = s->server.cipher;
		snprintf(sn->server_alpn, sizeof(sn->server_alpn), "%s",
		    s->server.alpn);
	}
	sn->cert = s->cert.seen;
	snprintf(sn->subject, sizeof(sn->subject), "%s", s->cert.subject);
	snprintf(sn->issuer, sizeof(sn->issuer), "%s", s->cert.issuer);
	snprintf(sn->serial, sizeof(sn->serial), "%s", s->cert.serial);
	snprintf(sn->fingerprint, sizeof(sn->fingerprint), "%s",
	    s->cert.fingerprint);
	snprintf(sn->notbefore, sizeof(sn->notbefore), "%s",
	    s->cert.notbefore);
	snprintf(sn->notafter, sizeof(sn->notafter), "%s", s->cert.notafter);
	jsonw_init(&w, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&w);
	tls_parser.eve(&w, fact);
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	t = jsonw_text(&w, &len);
	snprintf(sn->eve, sizeof(sn->eve), "%s", t);
	jsonw_free(&w);
}

static void
ctx_init(struct app_ctx *ctx, struct seen *sn)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(sn, 0, sizeof(*sn));
	ctx->on_fact = on_fact;
	ctx->user = sn;
}

/* Parse bytes from a buffer of exactly their size (ASan sees over-reads). */
static struct app_result
parse_exact(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	uint8_t *b = malloc(n == 0 ? 1 : n);
	struct app_result r;

	assert_non_null(b);
	memcpy(b, p, n);
	r = tls_parser.parse(st, ctx, dir, b, n);
	free(b);
	assert_true(r.consumed <= n);
	return r;
}

static size_t
find(const uint8_t *p, size_t n, const void *pat, size_t plen)
{
	const uint8_t *q = memmem(p, n, pat, plen);

	assert_non_null(q);
	return (size_t)(q - p);
}

static void
check_hello(const struct seen *sn)
{
	assert_int_equal(sn->n_hello, 1);
	assert_string_equal(sn->sni, "pacs.hospital.example");
	assert_string_equal(sn->ja3_str, JA3_STR);
	assert_string_equal(sn->ja3, JA3_MD5);
	assert_string_equal(sn->ja4, JA4);
	assert_int_equal(sn->n_alpn, 2);
	assert_string_equal(sn->alpn[0], "h2");
	assert_string_equal(sn->alpn[1], "http/1.1");
	assert_int_equal(sn->max_version, 0x0304);
}

static void
check_session(const struct seen *sn)
{
	assert_int_equal(sn->n_session, 1);
	assert_string_equal(sn->ja3s_str, JA3S_STR);
	assert_string_equal(sn->ja3s, JA3S_MD5);
	assert_int_equal(sn->version, 0x0303);
	assert_int_equal(sn->cipher, 0xc02f);
	assert_string_equal(sn->server_alpn, "h2");
	assert_true(sn->cert);
	assert_string_equal(sn->subject,
	    "O=Example Hospital, CN=pacs.hospital.example");
	assert_string_equal(sn->issuer,
	    "C=US, O=Example Hospital, CN=Example Hospital Root CA");
	assert_string_equal(sn->serial, "00:C3:A1:5E:42:77:10:9B");
	assert_string_equal(sn->fingerprint, CERT_SHA1);
	assert_string_equal(sn->notbefore, "2025-01-01T00:00:00");
	assert_string_equal(sn->notafter, "2035-12-31T23:59:59");
}

/*
 * A ClientHello alone tells nothing yet: the session is told when the
 * server's direction ends without an answer, with the version as
 * Suricata writes it then and the version the client offered.
 */
static void
test_tls_client_hello(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = tls_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER, client_hello,
	    sizeof(client_hello));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(client_hello));
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(ctx.n_facts, 0);
	/* What the client sends next is not parsed, only consumed. */
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)"\x99garbage", 8);
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, 8);
	assert_int_equal(ctx.n_anom, 0);
	/* The client's direction ending tells nothing either. */
	tls_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(ctx.n_facts, 0);
	/* The server's ends (the framework calls gap at its EOF). */
	tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(ctx.n_facts, 1);
	check_hello(&sn);
	assert_non_null(strstr(sn.eve, "\"sni\":\"pacs.hospital.example\""));
	assert_non_null(strstr(sn.eve, "\"version\":\"UNDETERMINED\""));
	assert_non_null(strstr(sn.eve, "\"ja3\":{\"hash\":\"" JA3_MD5
	    "\",\"string\":\"" JA3_STR "\"}"));
	assert_non_null(strstr(sn.eve, "\"ja4\":\"" JA4 "\""));
	assert_non_null(strstr(sn.eve,
	    "\"client_alpns\":[\"h2\",\"http/1.1\"]"));
	assert_non_null(strstr(sn.eve,
	    "\"client_handshake\":{\"version\":\"TLS 1.3\"}"));
	assert_null(strstr(sn.eve, "ja3s"));
	assert_null(strstr(sn.eve, "server_handshake"));
	/* Once. */
	tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(ctx.n_facts, 1);
	tls_parser.state_free(st);
}

static void
test_tls_server_flight(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = tls_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER, client_hello,
	    sizeof(client_hello));
	assert_int_equal(r.status, PARSE_OK);
	r = parse_exact(st, &ctx, APP_DIR_TOCLIENT, server_flight,
	    sizeof(server_flight));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(server_flight));
	assert_int_equal(ctx.n_anom, 0);
	/* One fact for the session, client to server, both sides in it. */
	assert_int_equal(ctx.n_facts, 1);
	check_hello(&sn);
	check_session(&sn);
	/* The whole object, in Suricata's order: nothing twice. */
	assert_string_equal(sn.eve, "{"
	    "\"subject\":\"O=Example Hospital, CN=pacs.hospital.example\","
	    "\"issuerdn\":\"C=US, O=Example Hospital, CN=Example Hospital "
	    "Root CA\","
	    "\"serial\":\"00:C3:A1:5E:42:77:10:9B\","
	    "\"fingerprint\":\"" CERT_SHA1 "\","
	    "\"sni\":\"pacs.hospital.example\","
	    "\"version\":\"TLS 1.2\","
	    "\"notbefore\":\"2025-01-01T00:00:00\","
	    "\"notafter\":\"2035-12-31T23:59:59\","
	    "\"ja3\":{\"hash\":\"" JA3_MD5 "\",\"string\":\"" JA3_STR "\"},"
	    "\"ja3s\":{\"hash\":\"" JA3S_MD5 "\",\"string\":\"" JA3S_STR
	    "\"},"
	    "\"ja4\":\"" JA4 "\","
	    "\"client_alpns\":[\"h2\",\"http/1.1\"],"
	    "\"server_alpns\":[\"h2\"],"
	    "\"client_handshake\":{\"version\":\"TLS 1.3\"},"
	    "\"server_handshake\":{\"version\":\"TLS 1.2\",\"cipher\":49199}"
	    "}");
	/* The end of either direction does not tell it again. */
	tls_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(ctx.n_facts, 1);
	tls_parser.state_free(st);
}

/* Every prefix is INCOMPLETE (or, never, ERROR) and gives no fact. */
static void
truncations(int dir, const uint8_t *v, size_t n)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	size_t len;
	void *st;

	for (len = 0; len < n; len++) {
		ctx_init(&ctx, &sn);
		st = tls_parser.state_new();
		r = parse_exact(st, &ctx, dir, v, len);
		assert_int_equal(r.status, PARSE_INCOMPLETE);
		assert_true(r.needed > 0);
		assert_int_equal(ctx.n_facts, 0);
		assert_int_equal(ctx.n_anom, 0);
		tls_parser.state_free(st);
	}
}

static void
test_tls_every_truncation(void **unused)
{
	(void)unused;
	truncations(APP_DIR_TOSERVER, client_hello, sizeof(client_hello));
	truncations(APP_DIR_TOCLIENT, server_flight, sizeof(server_flight));
}

static void
test_tls_every_split(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	size_t i, left;
	void *st;

	(void)unused;
	for (i = 1; i < sizeof(client_hello); i++) {
		ctx_init(&ctx, &sn);
		st = tls_parser.state_new();
		assert_int_equal(mock_feed(&tls_parser, st, &ctx,
		    APP_DIR_TOSERVER, client_hello, sizeof(client_hello), &i, 1,
		    &left), PARSE_OK);
		assert_int_equal(left, 0);
		tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		check_hello(&sn);
		tls_parser.state_free(st);
	}
	for (i = 1; i < sizeof(server_flight); i++) {
		ctx_init(&ctx, &sn);
		st = tls_parser.state_new();
		mock_feed(&tls_parser, st, &ctx, APP_DIR_TOSERVER, client_hello,
		    sizeof(client_hello), NULL, 0, NULL);
		assert_int_equal(mock_feed(&tls_parser, st, &ctx,
		    APP_DIR_TOCLIENT, server_flight, sizeof(server_flight), &i,
		    1, &left), PARSE_OK);
		assert_int_equal(left, 0);
		check_hello(&sn);
		check_session(&sn);
		tls_parser.state_free(st);
	}
}

/*
 * The same ClientHello message carried in two records, cut at every
 * point of the message, each record then fed byte by byte.
 */
static void
test_tls_hello_across_records(void **unused)
{
	const uint8_t *hs = client_hello + 5;
	size_t hlen = sizeof(client_hello) - 5, cut, n, i, splits[1024];
	uint8_t *two;
	struct app_ctx ctx;
	struct seen sn;
	void *st;

	(void)unused;
	assert_true(hlen + 10 < sizeof(splits) / sizeof(splits[0]));
	two = malloc(hlen + 10);
	assert_non_null(two);
	for (cut = 1; cut < hlen; cut++) {
		n = 0;
		memcpy(two + n, "\x16\x03\x01", 3);
		two[n + 3] = (uint8_t)(cut >> 8);
		two[n + 4] = (uint8_t)cut;
		memcpy(two + n + 5, hs, cut);
		n += 5 + cut;
		memcpy(two + n, "\x16\x03\x03", 3);
		two[n + 3] = (uint8_t)((hlen - cut) >> 8);
		two[n + 4] = (uint8_t)(hlen - cut);
		memcpy(two + n + 5, hs + cut, hlen - cut);
		n += 5 + hlen - cut;
		ctx_init(&ctx, &sn);
		st = tls_parser.state_new();
		for (i = 1; i < n; i++)
			splits[i - 1] = i;
		assert_int_equal(mock_feed(&tls_parser, st, &ctx,
		    APP_DIR_TOSERVER, two, n, splits, cut % 7 == 0 ? n - 1 : 0,
		    NULL), PARSE_OK);
		tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		check_hello(&sn);
		assert_int_equal(ctx.n_anom, 0);
		tls_parser.state_free(st);
	}
	free(two);
}

/* Feed a modified copy; expect ERROR, no facts of that direction and
 * the anomaly. */
static void
expect_anomaly(int dir, const uint8_t *v, size_t n, enum ww_counter ev,
    bool error)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = tls_parser.state_new();

	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, dir, v, n);
	if (error)
		assert_int_equal(r.status, PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, ev));
	if (dir == APP_DIR_TOSERVER)
		assert_int_equal(sn.n_hello, 0);
	/* A dead direction stays dead. */
	if (error)
		assert_int_equal(parse_exact(st, &ctx, dir, v, n).status,
		    PARSE_ERROR);
	tls_parser.state_free(st);
}

static void
test_tls_lying_lengths(void **unused)
{
	uint8_t v[sizeof(client_hello)], s[sizeof(server_flight)];
	struct app_ctx ctx;
	struct seen sn;
	size_t o;
	void *st;

	(void)unused;
	/* Record length 0x4801 > 2^14 + 2048. */
	memcpy(v, client_hello, sizeof(v));
	v[3] = 0x48;
	v[4] = 0x01;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v), EV_TLS_RECORD_TOO_LONG,
	    true);
	/* Record type 0x63, version 2.0. */
	memcpy(v, client_hello, sizeof(v));
	v[0] = 0x63;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_INVALID_RECORD_TYPE, true);
	memcpy(v, client_hello, sizeof(v));
	v[1] = 0x02;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_INVALID_RECORD_VERSION, true);
	/* Handshake length 0x100000 > 64 KiB. */
	memcpy(v, client_hello, sizeof(v));
	v[6] = 0x10;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_HANDSHAKE_TOO_LONG, true);
	/* Handshake length 40: the cipher suites run past the message. */
	memcpy(v, client_hello, sizeof(v));
	v[6] = 0;
	v[7] = 0;
	v[8] = 40;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_INVALID_HANDSHAKE, true);
	/* The server_name extension claims 0x101a bytes. */
	memcpy(v, client_hello, sizeof(v));
	o = find(v, sizeof(v), "\x00\x00\x00\x1a\x00\x18", 6);
	v[o + 2] = 0x10;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_EXTENSION_LEN_EXCEEDS, true);
	/* The server_name list claims more than its extension. */
	memcpy(v, client_hello, sizeof(v));
	v[o + 5] = 0x30;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_EXTENSION_LEN_EXCEEDS, true);
	/* An ALPN name runs past its list. */
	memcpy(v, client_hello, sizeof(v));
	o = find(v, sizeof(v), "\x02h2\x08http/1.1", 12);
	v[o + 3] = 0x7f;
	expect_anomaly(APP_DIR_TOSERVER, v, sizeof(v),
	    EV_TLS_EXTENSION_LEN_EXCEEDS, true);

	/* tbsCertificate claims 0xffff bytes: the session is still told,
	 * without certificate. */
	memcpy(s, server_flight, sizeof(s));
	o = find(s, sizeof(s), "\xa0\x03\x02\x01\x02", 5);
	s[o - 2] = 0xff;
	s[o - 1] = 0xff;
	ctx_init(&ctx, &sn);
	st = tls_parser.state_new();
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOCLIENT, s,
	    sizeof(s)).status, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_TLS_INVALID_CERTIFICATE));
	assert_int_equal(sn.n_session, 1);
	assert_false(sn.cert);
	assert_null(strstr(sn.eve, "subject"));
	tls_parser.state_free(st);

	/* The certificate list claims more than the message. */
	memcpy(s, server_flight, sizeof(s));
	/* The Certificate message. */
	o = 5 + (size_t)(s[3] << 8 | s[4]) + 5;
	assert_int_equal(s[o], 0x0b);
	s[o + 4] = 0x7f;
	ctx_init(&ctx, &sn);
	st = tls_parser.state_new();
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOCLIENT, s,
	    sizeof(s)).status, PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, EV_TLS_INVALID_HANDSHAKE));
	/* The ServerHello was fine: the session is told when it dies. */
	assert_int_equal(sn.n_session, 1);
	tls_parser.state_free(st);
}

/* ServerHello, then ChangeCipherSpec (resumption): the session is told
 * and the rest of the direction is consumed unread. */
static void
test_tls_stops_at_ccs(void **unused)
{
	static const uint8_t ccs[] = {
		/* record: change_cipher_spec (20), TLS 1.2, length 1 */
		0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
		/* record: handshake, length 0x4000 (encrypted Finished) */
		0x16, 0x03, 0x03, 0x40, 0x00, 0xde, 0xad,
	};
	size_t shlen = 5 + (size_t)(server_flight[3] << 8 | server_flight[4]);
	uint8_t *b = malloc(shlen + sizeof(ccs));
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = tls_parser.state_new();

	(void)unused;
	assert_non_null(b);
	memcpy(b, server_flight, shlen);
	memcpy(b + shlen, ccs, sizeof(ccs));
	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOCLIENT, b, shlen + sizeof(ccs));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, shlen + sizeof(ccs));
	assert_int_equal(sn.n_session, 1);
	assert_false(sn.cert);
	assert_string_equal(sn.ja3s, JA3S_MD5);
	r = parse_exact(st, &ctx, APP_DIR_TOCLIENT, server_flight, 7);
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, 7);
	assert_int_equal(sn.n_session, 1);
	assert_int_equal(ctx.n_anom, 0);
	free(b);
	tls_parser.state_free(st);
}

/*
 * A TLS 1.3 ServerHello: everything after it is encrypted, so the
 * session is told at once and the ChangeCipherSpec and application
 * data that follow are consumed unread.
 */
static void
test_tls_13_server_hello(void **unused)
{
	uint8_t v[127 + 6 + 10];
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	size_t o = 0;
	void *st = tls_parser.state_new();

	(void)unused;
	/* record: handshake, TLS 1.2, length 122 */
	memcpy(v + o, "\x16\x03\x03\x00\x7a", 5);
	o += 5;
	/*   ServerHello (2), length 118; legacy_version TLS 1.2 */
	memcpy(v + o, "\x02\x00\x00\x76\x03\x03", 6);
	o += 6;
	/*   random (32 bytes), session_id length 32 (32 bytes) */
	memset(v + o, 0x80, 32);
	o += 32;
	v[o++] = 32;
	memset(v + o, 0xe0, 32);
	o += 32;
	/*   cipher TLS_AES_128_GCM_SHA256 (4865), compression 0,
	 *   extensions length 46 */
	memcpy(v + o, "\x13\x01\x00\x00\x2e", 5);
	o += 5;
	/*     supported_versions (43), length 2: TLS 1.3 */
	memcpy(v + o, "\x00\x2b\x00\x02\x03\x04", 6);
	o += 6;
	/*     key_share (51), length 36: x25519 (29), 32 bytes */
	memcpy(v + o, "\x00\x33\x00\x24\x00\x1d\x00\x20", 8);
	o += 8;
	memset(v + o, 0x40, 32);
	o += 32;
	/* record: change_cipher_spec, length 1 */
	memcpy(v + o, "\x14\x03\x03\x00\x01\x01", 6);
	o += 6;
	/* record: application_data, length 5 */
	memcpy(v + o, "\x17\x03\x03\x00\x05\x11\x22\x33\x44\x55", 10);
	o += 10;
	assert_int_equal(o, sizeof(v));
	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOCLIENT, v, sizeof(v));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(v));
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(sn.n_session, 1);
	assert_int_equal(sn.version, 0x0304);
	assert_int_equal(sn.cipher, 0x1301);
	/* JA3S: printf '%s' 771,4865,43-51 | md5sum */
	assert_string_equal(sn.ja3s_str, "771,4865,43-51");
	assert_string_equal(sn.ja3s, "f4febc55ea12b31ae17cfb7e614afda8");
	assert_false(sn.cert);
	assert_non_null(strstr(sn.eve, "\"version\":\"TLS 1.3\""));
	tls_parser.state_free(st);
}

/* A gap after the ServerHello tells the session too. */
static void
test_tls_gap(void **unused)
{
	size_t shlen = 5 + (size_t)(server_flight[3] << 8 | server_flight[4]);
	struct app_ctx ctx;
	struct seen sn;
	void *st = tls_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOCLIENT, server_flight,
	    shlen).status, PARSE_INCOMPLETE);
	assert_int_equal(sn.n_session, 0);
	tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(sn.n_session, 1);
	tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
	assert_int_equal(sn.n_session, 1);
	tls_parser.state_free(st);
}

/* Versions as Suricata names them (its SSLVersionToString). */
/* Weak suites by what makes them weak; strong ones are not. */
static void
test_tls_cipher_weakness(void **unused)
{
	static const struct {
		uint16_t	 id;
		const char	*what;
	} cases[] = {
		{ 0x0000, "NULL" },	/* TLS_NULL_WITH_NULL_NULL */
		{ 0x0002, "NULL" },	/* RSA_WITH_NULL_SHA */
		{ 0x0003, "EXPORT" },	/* RSA_EXPORT_WITH_RC4_40_MD5 */
		{ 0x0017, "EXPORT" },	/* DH_anon_EXPORT_WITH_RC4_40_MD5 */
		{ 0x0034, "anon" },	/* DH_anon_WITH_AES_128_CBC_SHA */
		{ 0x0005, "RC4" },	/* RSA_WITH_RC4_128_SHA */
		{ 0xc011, "RC4" },	/* ECDHE_RSA_WITH_RC4_128_SHA */
		{ 0x0009, "DES" },	/* RSA_WITH_DES_CBC_SHA */
		{ 0x000a, "3DES" },	/* RSA_WITH_3DES_EDE_CBC_SHA */
		{ 0xc012, "3DES" },	/* ECDHE_RSA_WITH_3DES_EDE_CBC_SHA */
		{ 0x002f, NULL },	/* RSA_WITH_AES_128_CBC_SHA */
		{ 0xc02f, NULL },	/* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
		{ 0x1301, NULL },	/* TLS_AES_128_GCM_SHA256 */
		{ 0xcca8, NULL },	/* ECDHE_RSA_WITH_CHACHA20_POLY1305 */
	};
	size_t i;
	const char *w;

	(void)unused;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w = tls_cipher_weakness(cases[i].id);
		if (cases[i].what == NULL ? w != NULL : w == NULL ||
		    strcmp(w, cases[i].what) != 0)
			fail_msg("0x%04x: %s, want %s", cases[i].id,
			    w != NULL ? w : "none", cases[i].what != NULL ?
			    cases[i].what : "none");
	}
}

/*
 * A ClientHello of TLS 1.2, no SNI and no ALPN, with the given cipher
 * suites and as many empty extensions of types 0x2000 on.  Returns
 * its length in out.
 */
static size_t
make_hello(uint8_t *out, size_t size, const uint16_t *ciphers, size_t nc,
    size_t ne)
{
	size_t n = 0, hs, i;

	assert_true(size >= 5 + 4 + 2 + 32 + 1 + 2 + 2 * nc + 2 + 2 + 4 * ne);
	out[n++] = 0x16;
	out[n++] = 0x03;
	out[n++] = 0x01;
	n += 2;					/* record length */
	out[n++] = 0x01;
	n += 3;					/* handshake length */
	hs = n;
	out[n++] = 0x03;
	out[n++] = 0x03;
	memset(out + n, 0x5a, 32);
	n += 32;
	out[n++] = 0;				/* no session id */
	out[n++] = (uint8_t)(2 * nc >> 8);
	out[n++] = (uint8_t)(2 * nc);
	for (i = 0; i < nc; i++) {
		out[n++] = (uint8_t)(ciphers[i] >> 8);
		out[n++] = (uint8_t)ciphers[i];
	}
	out[n++] = 1;
	out[n++] = 0;				/* null compression */
	out[n++] = (uint8_t)(4 * ne >> 8);
	out[n++] = (uint8_t)(4 * ne);
	for (i = 0; i < ne; i++) {
		out[n++] = (uint8_t)((0x2000 + i) >> 8);
		out[n++] = (uint8_t)(0x2000 + i);
		out[n++] = 0;
		out[n++] = 0;
	}
	out[3] = (uint8_t)((n - 5) >> 8);
	out[4] = (uint8_t)(n - 5);
	out[6] = (uint8_t)((n - hs) >> 16);
	out[7] = (uint8_t)((n - hs) >> 8);
	out[8] = (uint8_t)(n - hs);
	return n;
}

/*
 * JA3 and JA4 built without printf read as snprintf() would write
 * them: JA3's decimal values at every width, from 0 to 65535, and
 * JA4's counts of ciphers and extensions as two digits, 0, 1, 9, 10,
 * 99, and over 99 capped at 99.
 */
static void
test_tls_fingerprint_numbers(void **unused)
{
	static const uint16_t edge[] = {
		0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65534, 65535,
	};
	static const size_t counts[] = { 0, 1, 9, 10, 99, 100, 120 };
	uint16_t ciphers[128];
	uint8_t hello[2048];
	char want[1024], prefix[16];
	struct app_ctx ctx;
	struct seen sn;
	size_t n, i, k, o;

	(void)unused;
	/* JA3: the edge values as ciphers. */
	ctx_init(&ctx, &sn);
	n = make_hello(hello, sizeof(hello), edge, 12, 3);
	{
		void *st = tls_parser.state_new();

		(void)parse_exact(st, &ctx, APP_DIR_TOSERVER, hello, n);
		tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		tls_parser.state_free(st);
	}
	assert_int_equal(sn.n_hello, 1);
	o = (size_t)snprintf(want, sizeof(want), "%u,", 0x0303u);
	for (i = 0; i < 12; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%u",
		    i ? "-" : "", (unsigned)edge[i]);
	(void)snprintf(want + o, sizeof(want) - o, ",%u-%u-%u,,", 0x2000u,
	    0x2001u, 0x2002u);
	assert_string_equal(sn.ja3_str, want);

	/* JA4: the counts. */
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		void *st = tls_parser.state_new();

		for (i = 0; i < counts[k]; i++)
			ciphers[i] = (uint16_t)(0x0100 + i);
		ctx_init(&ctx, &sn);
		n = make_hello(hello, sizeof(hello), ciphers, counts[k],
		    counts[k]);
		(void)parse_exact(st, &ctx, APP_DIR_TOSERVER, hello, n);
		tls_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		tls_parser.state_free(st);
		assert_int_equal(sn.n_hello, 1);
		(void)snprintf(prefix, sizeof(prefix), "t12i%02zu%02zu00_",
		    counts[k] > 99 ? 99 : counts[k],
		    counts[k] > 99 ? 99 : counts[k]);
		assert_int_equal(strlen(sn.ja4), TLS_JA4_LEN);
		assert_memory_equal(sn.ja4, prefix, 11);
		assert_int_equal(sn.ja4[23], '_');
	}
}

static void
test_tls_version_names(void **unused)
{
	(void)unused;
	assert_string_equal(tls_version_name(0x0200), "SSLv2");
	assert_string_equal(tls_version_name(0x0300), "SSLv3");
	assert_string_equal(tls_version_name(0x0301), "TLSv1");
	assert_string_equal(tls_version_name(0x0302), "TLS 1.1");
	assert_string_equal(tls_version_name(0x0303), "TLS 1.2");
	assert_string_equal(tls_version_name(0x0304), "TLS 1.3");
	assert_string_equal(tls_version_name(0), "UNDETERMINED");
	assert_string_equal(tls_version_name(0x7f1c), "UNDETERMINED");
}

static void
test_tls_probe(void **unused)
{
	(void)unused;
	assert_int_equal(tls_parser.probe(client_hello, sizeof(client_hello),
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(tls_parser.probe(server_flight, 5, APP_DIR_TOCLIENT),
	    APP_PROBE_YES);
	assert_int_equal(tls_parser.probe(client_hello, 0, APP_DIR_TOSERVER),
	    APP_PROBE_MAYBE);
	assert_int_equal(tls_parser.probe(client_hello, 3, APP_DIR_TOSERVER),
	    APP_PROBE_MAYBE);
	assert_int_equal(tls_parser.probe((const uint8_t *)"\x16\x03\x05", 3,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(tls_parser.probe((const uint8_t *)"\x16\x03\x01\x48"
	    "\x01", 5, APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(tls_parser.probe((const uint8_t *)"GET / HTTP/1.1",
	    14, APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(tls_parser.probe((const uint8_t *)"SSH-2.0-x", 9,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
}

/* The session's buffers: the client's side, then the server's. */
static void
test_tls_buffers(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	const struct mock_inspect *mi;
	void *st = tls_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	ctx.inspect = true;
	(void)parse_exact(st, &ctx, APP_DIR_TOSERVER, client_hello,
	    sizeof(client_hello));
	(void)parse_exact(st, &ctx, APP_DIR_TOCLIENT, server_flight,
	    sizeof(server_flight));
	assert_int_equal(ctx.n_insp, 2);
	mi = mock_insp(&ctx, 1);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_SNI, 0, NULL),
	    "pacs.hospital.example");
	assert_string_equal(mock_buf(mi, APP_BUF_JA3_HASH, 0, NULL), JA3_MD5);
	assert_string_equal(mock_buf(mi, APP_BUF_JA3_STRING, 0, NULL),
	    JA3_STR);
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_VERSION, 0, NULL),
	    "TLS 1.3");
	mi = mock_insp(&ctx, 0);
	assert_int_equal(mi->dir, APP_DIR_TOCLIENT);
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_CERT_SUBJECT, 0, NULL),
	    "O=Example Hospital, CN=pacs.hospital.example");
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_CERT_SERIAL, 0, NULL),
	    "00:C3:A1:5E:42:77:10:9B");
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_CERT_FINGERPRINT, 0,
	    NULL), CERT_SHA1);
	assert_string_equal(mock_buf(mi, APP_BUF_JA3S_HASH, 0, NULL),
	    JA3S_MD5);
	assert_string_equal(mock_buf(mi, APP_BUF_TLS_VERSION, 0, NULL),
	    "TLS 1.2");
	assert_non_null(mock_buf(mi, APP_BUF_TLS_CERT_ISSUER, 0, NULL));
	mock_reset(&ctx);
	tls_parser.state_free(st);
}

/*
 * A Certificate message with a chain of two small certificates (made
 * with a script; no signature is checked): the first, CN=pacs.example,
 * has basicConstraints (critical) then subjectAltName { dNSName
 * "pacs.example", rfc822Name "admin@example", iPAddress 10.0.0.1,
 * dNSName "*.pacs.example" }; the second (CN=CA) has no extensions.
 * DER lengths: 211 and 119 bytes.
 */
static const uint8_t chain_certificate[] = {
	0x0b, 0x00, 0x01, 0x53, 0x00, 0x01, 0x50, 0x00, 0x00, 0xd3, 0x30, 0x81,
	0xd0, 0x30, 0x81, 0xbd, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01,
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
	0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x02, 0x43, 0x41, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x35, 0x30, 0x31, 0x30,
	0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x33, 0x35,
	0x30, 0x31, 0x30, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30,
	0x17, 0x31, 0x15, 0x30, 0x13, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0c,
	0x70, 0x61, 0x63, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x30, 0x0f, 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x03, 0x02, 0x00, 0x04, 0xa3, 0x4e, 0x30, 0x4c, 0x30, 0x0c, 0x06,
	0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00, 0x30,
	0x3c, 0x06, 0x03, 0x55, 0x1d, 0x11, 0x04, 0x35, 0x30, 0x33, 0x82, 0x0c,
	0x70, 0x61, 0x63, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x81, 0x0d, 0x61, 0x64, 0x6d, 0x69, 0x6e, 0x40, 0x65, 0x78, 0x61, 0x6d,
	0x70, 0x6c, 0x65, 0x87, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x82, 0x0e, 0x2a,
	0x2e, 0x70, 0x61, 0x63, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
	0x65, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03,
	0x02, 0x03, 0x02, 0x00, 0x01, 0x00, 0x00, 0x77, 0x30, 0x75, 0x30, 0x63,
	0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02, 0x30, 0x0a, 0x06, 0x08,
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x0d, 0x31, 0x0b,
	0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, 0x43, 0x41, 0x30,
	0x1e, 0x17, 0x0d, 0x32, 0x35, 0x30, 0x31, 0x30, 0x31, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x33, 0x35, 0x30, 0x31, 0x30, 0x31,
	0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5a, 0x30, 0x0d, 0x31, 0x0b, 0x30,
	0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, 0x43, 0x41, 0x30, 0x0f,
	0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x03,
	0x02, 0x00, 0x04, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x04, 0x03, 0x02, 0x03, 0x02, 0x00, 0x01,
};

/* tls.certs (one per certificate, raw DER) and tls.subjectaltname
 * (the first certificate's DNS names), kept only while a rule looks at
 * TLS and freed once the session is inspected. */
static void
test_tls_chain_buffers(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	const struct mock_inspect *mi;
	uint8_t flight[512];
	size_t n = 105, len, held = 0, done = 0;
	const char *der;
	int pass;
	void *st;

	(void)unused;
	/* The ServerHello record of server_flight, then one record with
	 * the chain and ServerHelloDone. */
	memcpy(flight, server_flight, n);
	flight[n++] = 0x16;
	flight[n++] = 0x03;
	flight[n++] = 0x03;
	flight[n++] = (uint8_t)((sizeof(chain_certificate) + 4) >> 8);
	flight[n++] = (uint8_t)(sizeof(chain_certificate) + 4);
	memcpy(flight + n, chain_certificate, sizeof(chain_certificate));
	n += sizeof(chain_certificate);
	memcpy(flight + n, "\x0e\x00\x00\x00", 4);
	n += 4;
	for (pass = 0; pass < 2; pass++) {
		st = tls_parser.state_new();
		ctx_init(&ctx, &sn);
		ctx.inspect = pass == 1;
		/* Up to the Certificate: the list is kept only for rules,
		 * and counted with the handshake buffer. */
		(void)parse_exact(st, &ctx, APP_DIR_TOCLIENT, flight, n - 4);
		if (pass == 0)
			held = tls_parser.memuse(st);
		else
			assert_int_equal(tls_parser.memuse(st), held +
			    mem_cost(sizeof(chain_certificate) - 7));
		(void)parse_exact(st, &ctx, APP_DIR_TOCLIENT, flight + n - 4,
		    4);
		if (pass == 0)
			done = tls_parser.memuse(st);
		else
			assert_int_equal(tls_parser.memuse(st), done);
		assert_int_equal(ctx.n_anom, 0);
		assert_true(sn.cert);
		assert_int_equal(ctx.n_insp, pass == 1 ? 1 : 0);
		if (pass == 1) {
			mi = mock_insp(&ctx, 0);
			assert_int_equal(mi->dir, APP_DIR_TOCLIENT);
			assert_string_equal(mock_buf(mi,
			    APP_BUF_TLS_CERT_SUBJECT, 0, NULL),
			    "CN=pacs.example");
			assert_int_equal(mock_buf_count(mi, APP_BUF_TLS_CERTS),
			    2);
			der = mock_buf(mi, APP_BUF_TLS_CERTS, 0, &len);
			assert_int_equal(len, 211);
			assert_memory_equal(der, chain_certificate + 10, 211);
			der = mock_buf(mi, APP_BUF_TLS_CERTS, 1, &len);
			assert_int_equal(len, 119);
			assert_memory_equal(der, chain_certificate + 10 + 211 +
			    3, 119);
			assert_int_equal(mock_buf_count(mi,
			    APP_BUF_TLS_SUBJECTALTNAME), 2);
			assert_string_equal(mock_buf(mi,
			    APP_BUF_TLS_SUBJECTALTNAME, 0, NULL),
			    "pacs.example");
			assert_string_equal(mock_buf(mi,
			    APP_BUF_TLS_SUBJECTALTNAME, 1, NULL),
			    "*.pacs.example");
		}
		mock_reset(&ctx);
		tls_parser.state_free(st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_client_hello),
		cmocka_unit_test(test_tls_cipher_weakness),
		cmocka_unit_test(test_tls_server_flight),
		cmocka_unit_test(test_tls_every_truncation),
		cmocka_unit_test(test_tls_every_split),
		cmocka_unit_test(test_tls_hello_across_records),
		cmocka_unit_test(test_tls_lying_lengths),
		cmocka_unit_test(test_tls_stops_at_ccs),
		cmocka_unit_test(test_tls_13_server_hello),
		cmocka_unit_test(test_tls_gap),
		cmocka_unit_test(test_tls_fingerprint_numbers),
		cmocka_unit_test(test_tls_version_names),
		cmocka_unit_test(test_tls_probe),
		cmocka_unit_test(test_tls_buffers),
		cmocka_unit_test(test_tls_chain_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
