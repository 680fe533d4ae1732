/*
 * app/tls.c - TLS record and handshake parser (RFC 8446, RFC 5246).
 *
 * Turns the cleartext start of a TLS connection into one fact per
 * session: the ClientHello's server name, ALPN list, JA3 and JA4
 * fingerprints; the ServerHello's version, cipher and JA3S; and, for
 * TLS <= 1.2, the subject, issuer, serial number, SHA-1 fingerprint and
 * validity of the server's first certificate.  The fact is told once
 * the server's cleartext handshake is over, or when the server's
 * direction ends without it.  Nothing after the handshake turns
 * encrypted is read:
 * from a ChangeCipherSpec or an application-data record on, that
 * direction's bytes are consumed unread.
 *
 * Records are consumed as they stream past (only the 5-byte header is
 * ever left to the framework); handshake record bodies are appended to
 * a per-direction buffer capped at TLS_MAX_HANDSHAKE, from which whole
 * handshake messages are parsed, so a message split across records and
 * TCP segments in any way gives the same facts.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "app/app.h"
#include "app/tls.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/digest.h"
#include "util/events.h"
#include "util/fmt.h"
#include "util/util.h"

#define TLS_CT_CCS		20
#define TLS_CT_ALERT		21
#define TLS_CT_HANDSHAKE	22
#define TLS_CT_APPDATA		23
#define TLS_CT_HEARTBEAT	24

#define TLS_HS_CLIENT_HELLO	1
#define TLS_HS_SERVER_HELLO	2
#define TLS_HS_CERTIFICATE	11
#define TLS_HS_SERVER_HELLO_DONE 14

#define TLS_EXT_SERVER_NAME	0
#define TLS_EXT_GROUPS		10
#define TLS_EXT_POINT_FORMATS	11
#define TLS_EXT_SIG_ALGS	13
#define TLS_EXT_ALPN		16
#define TLS_EXT_VERSIONS	43

#define TLS_V_SSL3		0x0300
#define TLS_V_TLS13		0x0304

/* An ASN.1 certificate walk never goes deeper than Certificate >
 * tbsCertificate > Name > RDN > AttributeTypeAndValue; a DER length is
 * at most 4 bytes (a certificate is at most TLS_MAX_HANDSHAKE). */
#define DER_MAX_LEN_BYTES	4
#define DER_SEQUENCE		0x30
#define DER_SET			0x31
#define DER_INTEGER		0x02
#define DER_OID			0x06
#define DER_UTCTIME		0x17
#define DER_GENTIME		0x18
#define DER_CTX0		0xa0
#define DER_CTX3		0xa3	/* tbsCertificate's extensions */
#define DER_BOOLEAN		0x01
#define DER_OCTETS		0x04
#define DER_SAN_DNS		0x82	/* GeneralName dNSName [2] */

enum tls_dir_mode {
	TLS_MODE_RECORDS,	/* parsing records */
	TLS_MODE_OPAQUE,	/* encrypted or done: consume everything */
	TLS_MODE_DEAD,		/* PARSE_ERROR returned */
};

struct tls_dir {
	enum tls_dir_mode mode;
	uint8_t		 rec_type;	/* of the record being read */
	size_t		 rec_left;	/* its body bytes to come */
	uint8_t		*hs;		/* handshake reassembly */
	size_t		 hs_len;
	size_t		 hs_size;
};

struct tls_state {
	struct tls_session s;
	bool		 session_emitted;
	struct tls_dir	 dir[2];
	/* The server's certificate_list (at most TLS_MAX_HANDSHAKE bytes),
	 * kept only while a rule looks at TLS, for tls.certs and
	 * tls.subjectaltname, and freed once the session is inspected. */
	uint8_t		*certs;
	size_t		 certs_len;
};

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
static bool
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0200:
		return "SSLv2";
	case TLS_V_SSL3:
		return "SSLv3";
	case 0x0301:
		return "TLSv1";		/* sic: Suricata's SSLVersionToString */
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case TLS_V_TLS13:
		return "TLS 1.3";
	default:
		return "UNDETERMINED";
	}
}

/* Copy wire text, control bytes as '?', truncated to fit. */
static void
tls_copy_text(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < dstsz; i++)
		dst[o++] = p[i] < 0x20 || p[i] == 0x7f ? '?' : (char)p[i];
	dst[o] = '\0';
}

static void
tls_hex(char *dst, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = hx[p[i] >> 4];
		dst[2 * i + 1] = hx[p[i] & 0xf];
	}
	dst[2 * n] = '\0';
}

static void
tls_md5_hex(char out[33], const char *s)
{
	uint8_t md[UTIL_MD_SIZE];
	unsigned int n;

	if ((n = util_digest(UTIL_MD5, s, strlen(s), md)) != 16) {
		out[0] = '\0';
		return;
	}
	tls_hex(out, md, n);
}

/* Suricata's certificate fingerprint: the SHA-1 of its DER bytes as
 * lowercase hex pairs joined by ':'. */
static void
tls_sha1_colons(char out[TLS_SHA1_LEN * 3], const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	uint8_t md[UTIL_MD_SIZE];
	unsigned int i;

	out[0] = '\0';
	if (util_digest(UTIL_SHA1, p, n, md) != TLS_SHA1_LEN)
		return;
	for (i = 0; i < TLS_SHA1_LEN; i++) {
		out[3 * i] = hx[md[i] >> 4];
		out[3 * i + 1] = hx[md[i] & 0xf];
		out[3 * i + 2] = i + 1 < TLS_SHA1_LEN ? ':' : '\0';
	}
}

/*
 * A growable string for fingerprints.  Its size is fixed up front from
 * the number of values it will hold, so appends never fail.
 */
struct tls_sbuf {
	char		*p;
	size_t		 len;
	size_t		 size;
};

static bool
tls_sbuf_init(struct tls_sbuf *sb, size_t size)
{
	sb->len = 0;
	sb->size = size;
	if ((sb->p = calloc(1, size)) == NULL)
		return false;
	return true;
}

/* Append v in decimal, or as 4 lowercase hex digits ("%u", "%04x"). */
static void
tls_sbuf_add(struct tls_sbuf *sb, bool hex, unsigned v)
{
	char d[FMT_UINT_MAX];
	size_t n = hex ? fmt_hex(d, v, 4) : fmt_uint(d, v);

	if (n < sb->size - sb->len) {
		memcpy(sb->p + sb->len, d, n);
		sb->len += n;
		sb->p[sb->len] = '\0';
	} else
		(void)fmt_put(sb->p + sb->len, sb->size - sb->len, d, n);
}

static void
tls_sbuf_ch(struct tls_sbuf *sb, char c)
{
	if (sb->len + 1 < sb->size) {
		sb->p[sb->len++] = c;
		sb->p[sb->len] = '\0';
	}
}

/* Append the non-GREASE big-endian 16-bit values of br as "a-b-c". */
static void
tls_sbuf_u16_list(struct tls_sbuf *sb, struct breader br)
{
	bool first = true;
	uint16_t v;

	while (br_left(&br) >= 2) {
		v = br_be16(&br);
		if (tls_is_grease(v))
			continue;
		if (!first)
			tls_sbuf_ch(sb, '-');
		tls_sbuf_add(sb, false, v);
		first = false;
	}
}

/*
 * The parts of a ClientHello the fingerprints need, as views into the
 * handshake buffer (valid while the message is being parsed).
 */
struct tls_hello {
	uint16_t	 legacy_version;
	struct breader	 ciphers;	/* u16 list */
	struct breader	 exts;		/* the extensions block */
	struct breader	 groups;	/* u16 list */
	struct breader	 point_formats;	/* u8 list */
	struct breader	 sig_algs;	/* u16 list */
	struct breader	 versions;	/* u16 list */
	bool		 has_sni;
	const uint8_t	*alpn0;		/* first ALPN name */
	size_t		 alpn0_len;
};

/*
 * JA3 (Salesforce, github.com/salesforce/ja3): the decimal fields
 *	SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
 * with values in each list joined by '-', in wire order, GREASE values
 * (RFC 8701) left out of every list; the hash is the MD5 of that text.
 */
static bool
tls_ja3(struct tls_client_info *ci, const struct tls_hello *h)
{
	struct tls_sbuf sb;
	struct breader br = h->exts, pf = h->point_formats;
	size_t n;
	uint16_t type, elen;
	bool first = true;

	/* At most 6 characters per value, and commas. */
	n = 16 + 3 * (br_left(&h->ciphers) + br_left(&h->exts) +
	    br_left(&h->groups)) + 4 * br_left(&h->point_formats);
	if (!tls_sbuf_init(&sb, n))
		return false;
	tls_sbuf_add(&sb, false, h->legacy_version);
	tls_sbuf_ch(&sb, ',');
	tls_sbuf_u16_list(&sb, h->ciphers);
	tls_sbuf_ch(&sb, ',');
	while (br_left(&br) >= 4) {
		type = br_be16(&br);
		elen = br_be16(&br);
		br_skip(&br, elen);
		if (!br_ok(&br))
			break;
		if (tls_is_grease(type))
			continue;
		if (!first)
			tls_sbuf_ch(&sb, '-');
		tls_sbuf_add(&sb, false, type);
		first = false;
	}
	tls_sbuf_ch(&sb, ',');
	tls_sbuf_u16_list(&sb, h->groups);
	tls_sbuf_ch(&sb, ',');
	first = true;
	while (br_left(&pf) > 0) {
		if (!first)
			tls_sbuf_ch(&sb, '-');
		tls_sbuf_add(&sb, false, br_u8(&pf));
		first = false;
	}
	free(ci->ja3_str);
	ci->ja3_str = sb.p;
	tls_md5_hex(ci->ja3_hash, sb.p);
	return true;
}

static int
tls_cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* The first 12 hex digits of the SHA-256 of s, or twelve zeros. */
static void
tls_sha256_12(char out[13], const char *s)
{
	uint8_t md[UTIL_MD_SIZE];
	char hex[2 * UTIL_MD_SIZE + 1];
	unsigned int n = 0;

	if (s[0] == '\0' ||
	    (n = util_digest(UTIL_SHA256, s, strlen(s), md)) < 6) {
		memcpy(out, "000000000000", 13);
		return;
	}
	tls_hex(hex, md, n);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

/* Non-GREASE u16 values of br but skip1 and skip2 (-1: none) into a
 * fresh array, for sorting. */
static uint16_t *
tls_u16_array(struct breader br, size_t *n, int skip1, int skip2,
    bool is_ext_block)
{
	uint16_t *a, v;
	size_t cap = br_left(&br) / 2 + 1;

	*n = 0;
	if ((a = calloc(cap, sizeof(*a))) == NULL)
		return NULL;
	while (br_left(&br) >= (is_ext_block ? 4u : 2u)) {
		v = br_be16(&br);
		if (is_ext_block)
			br_skip(&br, br_be16(&br));
		if (!br_ok(&br))
			break;
		if (tls_is_grease(v) || (int)v == skip1 || (int)v == skip2)
			continue;
		a[(*n)++] = v;
	}
	return a;
}

static int
tls_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Two decimal digits of n, at most 99 ("%02zu" of the JA4 counts). */
static void
tls_ja4_count(char *o, size_t n)
{
	if (n > 99)
		n = 99;
	o[0] = (char)('0' + n / 10);
	o[1] = (char)('0' + n % 10);
}

/* "t%s%c%02zu%02zu%s_%s_%s": the parts are all of fixed length. */
static void
tls_ja4_name(char out[TLS_JA4_LEN + 1], const char vs[3], bool sni,
    size_t nc, size_t ne, const char alpn[3], const char hb[13],
    const char hc[13])
{
	out[0] = 't';
	memcpy(out + 1, vs, 2);
	out[3] = sni ? 'd' : 'i';
	tls_ja4_count(out + 4, nc);
	tls_ja4_count(out + 6, ne);
	memcpy(out + 8, alpn, 2);
	out[10] = '_';
	memcpy(out + 11, hb, 12);
	out[23] = '_';
	memcpy(out + 24, hc, 12);
	out[36] = '\0';
}

/*
 * JA4 (FoxIO, github.com/FoxIO-LLC/ja4, technical details), a best
 * effort written from our reading of the specification, not checked
 * against the reference implementation.  It equals nDPI's JA4 for the
 * 11 corpus captures where nDPI reads the description the same way
 * (tests/tls-ja3.sh); nDPI differs where it takes the first two ALPN
 * characters ("ht" for http/1.1, FoxIO: first and last, "h1") and in
 * some d/i choices:
 *
 *	JA4_a: 't' (TCP); version: the highest non-GREASE supported_versions
 *	       value, else the legacy version ("13", "12", "11", "10",
 *	       "s3", else "00"); 'd' if there is a server_name extension,
 *	       else 'i'; the number of ciphers and of extensions (GREASE
 *	       left out, capped at 99) as two digits each; the first and
 *	       last characters of the first ALPN value ("00" if none; the
 *	       first and last hex digits of it if either is not
 *	       alphanumeric).
 *	JA4_b: the first 12 hex digits of the SHA-256 of the ciphers, as
 *	       4-digit lowercase hex sorted and joined by ','.
 *	JA4_c: the same of the extensions, sorted, without server_name
 *	       and ALPN, then '_' and the signature algorithms in wire
 *	       order (the '_' part only if there are any).
 *	An empty list hashes as "000000000000".
 */
static bool
tls_ja4(struct tls_client_info *ci, const struct tls_hello *h)
{
	struct tls_sbuf sb;
	struct breader br;
	uint16_t *ciphers, *exts, v, ver = h->legacy_version;
	size_t nc, ne, ne_all, i;
	char vs[3], alpn[3], hb[13], hc[13];
	char hx[2 * 255 + 1];

	br = h->versions;
	v = 0;
	while (br_left(&br) >= 2) {
		uint16_t x = br_be16(&br);

		if (!tls_is_grease(x) && x > v)
			v = x;
	}
	if (v != 0)
		ver = v;
	switch (ver) {
	case TLS_V_TLS13: memcpy(vs, "13", 3); break;
	case 0x0303: memcpy(vs, "12", 3); break;
	case 0x0302: memcpy(vs, "11", 3); break;
	case 0x0301: memcpy(vs, "10", 3); break;
	case TLS_V_SSL3: memcpy(vs, "s3", 3); break;
	default: memcpy(vs, "00", 3); break;
	}
	if (h->alpn0 == NULL || h->alpn0_len == 0) {
		memcpy(alpn, "00", 3);
	} else if (tls_alnum(h->alpn0[0]) &&
	    tls_alnum(h->alpn0[h->alpn0_len - 1])) {
		alpn[0] = (char)h->alpn0[0];
		alpn[1] = (char)h->alpn0[h->alpn0_len - 1];
		alpn[2] = '\0';
	} else {
		tls_hex(hx, h->alpn0, h->alpn0_len > 255 ? 255 :
		    h->alpn0_len);
		alpn[0] = hx[0];
		alpn[1] = hx[strlen(hx) - 1];
		alpn[2] = '\0';
	}
	ciphers = tls_u16_array(h->ciphers, &nc, -1, -1, false);
	exts = tls_u16_array(h->exts, &ne_all, -1, -1, true);
	free(exts);
	exts = tls_u16_array(h->exts, &ne, TLS_EXT_SERVER_NAME, TLS_EXT_ALPN,
	    true);
	if (ciphers == NULL || exts == NULL)
		goto out_free;
	qsort(ciphers, nc, sizeof(*ciphers), tls_cmp_u16);
	qsort(exts, ne, sizeof(*exts), tls_cmp_u16);

	if (!tls_sbuf_init(&sb, 8 + 5 * nc))
		goto out_free;
	for (i = 0; i < nc; i++) {
		if (i > 0)
			tls_sbuf_ch(&sb, ',');
		tls_sbuf_add(&sb, true, ciphers[i]);
	}
	tls_sha256_12(hb, sb.p);
	free(sb.p);

	if (!tls_sbuf_init(&sb, 8 + 5 * ne + 5 * br_left(&h->sig_algs)))
		goto out_free;
	for (i = 0; i < ne; i++) {
		if (i > 0)
			tls_sbuf_ch(&sb, ',');
		tls_sbuf_add(&sb, true, exts[i]);
	}
	br = h->sig_algs;
	if (br_left(&br) >= 2) {
		tls_sbuf_ch(&sb, '_');
		for (i = 0; br_left(&br) >= 2; i++) {
			if (i > 0)
				tls_sbuf_ch(&sb, ',');
			tls_sbuf_add(&sb, true, br_be16(&br));
		}
	}
	tls_sha256_12(hc, sb.p);
	free(sb.p);

	tls_ja4_name(ci->ja4, vs, h->has_sni, nc, ne_all, alpn, hb, hc);
	free(ciphers);
	free(exts);
	return true;

 out_free:
	free(ciphers);
	free(exts);
	return false;
}

/*
 * ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2):
 *	legacy_version (2) | random (32) | session_id <0..32> (1-byte len) |
 *	cipher_suites <2..2^16-2> (2-byte len) |
 *	compression_methods <1..2^8-1> (1-byte len) |
 *	extensions <8..2^16-1> (2-byte len, optional before TLS 1.3)
 * Extension: type (2) | length (2) | data (length).
 */
static bool
tls_parse_ext_ch(struct tls_state *st, struct tls_hello *h, uint16_t type,
    struct breader *e)
{
	struct tls_client_info *ci = &st->s.client;
	struct breader list, name;
	uint8_t nt;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		/* RFC 6066 3: list (2) of type (1) | name (2-byte len). */
		h->has_sni = true;
		list = br_sub(e, br_be16(e));
		while (br_left(&list) > 0) {
			nt = br_u8(&list);
			name = br_sub(&list, br_be16(&list));
			if (!br_ok(&list))
				return false;
			if (nt == 0 && ci->sni[0] == '\0')
				tls_copy_text(ci->sni, sizeof(ci->sni),
				    name.base, name.len);
		}
		break;
	case TLS_EXT_ALPN:
		/* RFC 7301 3.1: list (2) of name (1-byte len). */
		list = br_sub(e, br_be16(e));
		while (br_left(&list) > 0) {
			name = br_sub(&list, br_u8(&list));
			if (!br_ok(&list))
				return false;
			if (h->alpn0 == NULL) {
				h->alpn0 = name.base;
				h->alpn0_len = name.len;
			}
			if (ci->n_alpn < TLS_MAX_ALPN) {
				tls_copy_text(ci->alpn[ci->n_alpn],
				    sizeof(ci->alpn[0]), name.base, name.len);
				ci->n_alpn++;
			}
		}
		break;
	case TLS_EXT_GROUPS:
		h->groups = br_sub(e, br_be16(e));
		break;
	case TLS_EXT_POINT_FORMATS:
		h->point_formats = br_sub(e, br_u8(e));
		break;
	case TLS_EXT_SIG_ALGS:
		h->sig_algs = br_sub(e, br_be16(e));
		break;
	case TLS_EXT_VERSIONS:
		h->versions = br_sub(e, br_u8(e));
		break;
	default:
		break;
	}
	return br_ok(e);
}

/* Walk an extensions block, checking every length against it. */
static bool
tls_walk_exts(struct tls_state *st, struct app_ctx *ctx, struct breader *br,
    bool (*fn)(struct tls_state *, struct tls_hello *, uint16_t,
    struct breader *), struct tls_hello *h)
{
	struct breader e;
	uint16_t type;

	while (br_left(br) > 0) {
		type = br_be16(br);
		e = br_sub(br, br_be16(br));
		if (!br_ok(br)) {
			app_anomaly(ctx, EV_TLS_EXTENSION_LEN_EXCEEDS);
			return false;
		}
		if (!fn(st, h, type, &e)) {
			app_anomaly(ctx, EV_TLS_EXTENSION_LEN_EXCEEDS);
			return false;
		}
	}
	return true;
}

static bool
tls_parse_client_hello(struct tls_state *st, struct app_ctx *ctx,
    struct breader *m)
{
	struct tls_client_info *ci = &st->s.client;
	struct tls_hello h;
	struct breader br;
	uint16_t v;

	memset(&h, 0, sizeof(h));
	h.legacy_version = br_be16(m);
	br_skip(m, 32);				/* random */
	br_skip(m, br_u8(m));			/* session id */
	h.ciphers = br_sub(m, br_be16(m));
	br_skip(m, br_u8(m));			/* compression methods */
	if (br_left(m) > 0)
		h.exts = br_sub(m, br_be16(m));
	if (!br_ok(m) || br_left(&h.ciphers) % 2 != 0) {
		app_anomaly(ctx, EV_TLS_INVALID_HANDSHAKE);
		return false;
	}
	br = h.exts;
	if (!tls_walk_exts(st, ctx, &br, tls_parse_ext_ch, &h))
		return false;
	ci->legacy_version = h.legacy_version;
	ci->max_version = h.legacy_version;
	br = h.versions;
	while (br_left(&br) >= 2) {
		v = br_be16(&br);
		if (!tls_is_grease(v) && v > ci->max_version)
			ci->max_version = v;
	}
	if (!tls_ja3(ci, &h) || !tls_ja4(ci, &h))
		return false;
	/* Told with the server's answer, or when the server's direction
	 * ends without one (tls_emit_session). */
	ci->seen = true;
	return true;
}

static bool
tls_parse_ext_sh(struct tls_state *st, struct tls_hello *h, uint16_t type,
    struct breader *e)
{
	struct tls_server_info *si = &st->s.server;
	struct breader list, name;

	(void)h;
	switch (type) {
	case TLS_EXT_VERSIONS:
		/* RFC 8446 4.2.1: the selected version alone. */
		si->version = br_be16(e);
		break;
	case TLS_EXT_ALPN:
		list = br_sub(e, br_be16(e));
		name = br_sub(&list, br_u8(&list));
		if (!br_ok(&list))
			return false;
		tls_copy_text(si->alpn, sizeof(si->alpn), name.base,
		    name.len);
		break;
	default:
		break;
	}
	return br_ok(e);
}

/*
 * ServerHello (RFC 8446 4.1.3):
 *	legacy_version (2) | random (32) | session_id (1-byte len) |
 *	cipher_suite (2) | compression_method (1) | extensions (2-byte len)
 * JA3S (Salesforce): "SSLVersion,Cipher,Extensions", decimal, the
 * extensions joined by '-' in wire order; MD5 of that text.
 */
static bool
tls_parse_server_hello(struct tls_state *st, struct app_ctx *ctx,
    struct breader *m)
{
	struct tls_server_info *si = &st->s.server;
	struct breader exts, br;
	struct tls_sbuf sb;
	uint16_t type;
	bool first = true;

	br_init(&exts, NULL, 0);
	si->legacy_version = br_be16(m);
	br_skip(m, 32);
	br_skip(m, br_u8(m));
	si->cipher = br_be16(m);
	br_skip(m, 1);
	if (br_left(m) > 0)
		exts = br_sub(m, br_be16(m));
	if (!br_ok(m)) {
		app_anomaly(ctx, EV_TLS_INVALID_HANDSHAKE);
		return false;
	}
	si->version = si->legacy_version;
	br = exts;
	if (!tls_walk_exts(st, ctx, &br, tls_parse_ext_sh, NULL))
		return false;
	if (!tls_sbuf_init(&sb, 32 + 3 * br_left(&exts)))
		return false;
	tls_sbuf_add(&sb, false, si->legacy_version);
	tls_sbuf_ch(&sb, ',');
	tls_sbuf_add(&sb, false, si->cipher);
	tls_sbuf_ch(&sb, ',');
	while (br_left(&exts) >= 4) {
		type = br_be16(&exts);
		br_skip(&exts, br_be16(&exts));
		if (tls_is_grease(type))
			continue;
		if (!first)
			tls_sbuf_ch(&sb, '-');
		tls_sbuf_add(&sb, false, type);
		first = false;
	}
	free(si->ja3s_str);
	si->ja3s_str = sb.p;
	tls_md5_hex(si->ja3s_hash, sb.p);
	si->seen = true;
	return true;
}

/*
 * A minimal DER walk (X.690) over the first certificate (RFC 5280 4.1):
 *
 *	Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 *	    signatureValue }
 *	TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber
 *	    INTEGER, signature SEQUENCE, issuer Name, validity SEQUENCE {
 *	    notBefore Time, notAfter Time }, subject Name, ... }
 *	Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }
 *
 * Every element is read with der_next(), whose content reader is a
 * br_sub() of its parent: a length past the parent makes the parent
 * bad.  The walk follows this fixed shape, so its depth is bounded (5).
 */
static bool
der_next(struct breader *parent, uint8_t *tag, struct breader *content)
{
	uint8_t b, i, nb;
	size_t len = 0;

	*tag = br_u8(parent);
	b = br_u8(parent);
	if (!br_ok(parent) || (*tag & 0x1f) == 0x1f)
		return false;	/* high tag numbers: not in a cert */
	if (b < 0x80) {
		len = b;
	} else {
		nb = b & 0x7f;
		if (nb == 0 || nb > DER_MAX_LEN_BYTES)
			return false;	/* indefinite or absurd */
		for (i = 0; i < nb; i++)
			len = len << 8 | br_u8(parent);
	}
	*content = br_sub(parent, len);
	return br_ok(parent);
}

static const char *
der_attr_name(const uint8_t *oid, size_t n)
{
	static const struct {
		const char	*name;
		uint8_t		 len;
		uint8_t		 oid[10];
	} names[] = {
		{ "CN", 3, { 0x55, 0x04, 0x03 } },
		{ "SN", 3, { 0x55, 0x04, 0x04 } },
		{ "serialNumber", 3, { 0x55, 0x04, 0x05 } },
		{ "C", 3, { 0x55, 0x04, 0x06 } },
		{ "L", 3, { 0x55, 0x04, 0x07 } },
		{ "ST", 3, { 0x55, 0x04, 0x08 } },
		{ "street", 3, { 0x55, 0x04, 0x09 } },
		{ "O", 3, { 0x55, 0x04, 0x0a } },
		{ "OU", 3, { 0x55, 0x04, 0x0b } },
		{ "title", 3, { 0x55, 0x04, 0x0c } },
		{ "GN", 3, { 0x55, 0x04, 0x2a } },
		{ "emailAddress", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		    0x01, 0x09, 0x01 } },
		{ "DC", 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c,
		    0x64, 0x01, 0x19 } },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].len == n && memcmp(names[i].oid, oid, n) == 0)
			return names[i].name;
	return NULL;
}

/* Dotted form of an OID we have no name for (X.690 8.19). */
static void
der_oid_text(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i, o = 0;
	int w;

	dst[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v > (UINT64_MAX >> 7))
			return;	/* absurd component: leave it empty */
		v = v << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80)
			continue;
		if (o == 0)
			w = snprintf(dst, dstsz, "%u.%llu",
			    v < 40 ? 0 : v < 80 ? 1 : 2,
			    (unsigned long long)(v < 80 ? v % 40 : v - 80));
		else
			w = snprintf(dst + o, dstsz - o, ".%llu",
			    (unsigned long long)v);
		if (w < 0 || (size_t)w >= dstsz - o)
			return;
		o += (size_t)w;
		v = 0;
	}
}

/* Append to a bounded C string; silently truncated. */
static void
tls_append(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t o = strlen(dst), i;

	for (i = 0; i < n && o + 1 < dstsz; i++)
		dst[o++] = s[i];
	dst[o] = '\0';
}

/* An AttributeValue's text; BMPString (0x1e) is UCS-2. */
static void
der_value_text(char *dst, size_t dstsz, uint8_t tag, struct breader *v)
{
	size_t i, o = 0;

	if (tag == 0x1e) {
		for (i = 0; i + 1 < v->len && o + 1 < dstsz; i += 2) {
			uint8_t hi = v->base[i], lo = v->base[i + 1];

			dst[o++] = hi == 0 && lo >= 0x20 && lo < 0x7f ?
			    (char)lo : '?';
		}
		dst[o] = '\0';
		return;
	}
	tls_copy_text(dst, dstsz, v->base, v->len);
}

/* Name as "C=US, O=Example, CN=host": RDNs in wire order. */
static bool
der_name(char *dst, size_t dstsz, struct breader *name)
{
	struct breader rdn, atv, oid, val;
	uint8_t tag;
	const char *key;
	char buf[TLS_DN_MAX + 1], okey[64];

	dst[0] = '\0';
	while (br_left(name) > 0) {
		if (!der_next(name, &tag, &rdn) || tag != DER_SET)
			return false;
		while (br_left(&rdn) > 0) {
			if (!der_next(&rdn, &tag, &atv) || tag != DER_SEQUENCE)
				return false;
			if (!der_next(&atv, &tag, &oid) || tag != DER_OID ||
			    !der_next(&atv, &tag, &val))
				return false;
			if ((key = der_attr_name(oid.base, oid.len)) == NULL) {
				der_oid_text(okey, sizeof(okey), oid.base,
				    oid.len);
				key = okey;
			}
			der_value_text(buf, sizeof(buf), tag, &val);
			if (dst[0] != '\0')
				tls_append(dst, dstsz, ", ", 2);
			tls_append(dst, dstsz, key, strlen(key));
			tls_append(dst, dstsz, "=", 1);
			tls_append(dst, dstsz, buf, strlen(buf));
		}
	}
	return true;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280
 * 4.1.2.5) as "YYYY-MM-DDTHH:MM:SS"; anything else leaves it empty. */
static void
der_time(char *dst, uint8_t tag, const struct breader *t)
{
	const uint8_t *p = t->base;
	char y[5];
	size_t i, nd;

	dst[0] = '\0';
	nd = tag == DER_UTCTIME ? 12 : tag == DER_GENTIME ? 14 : 0;
	if (nd == 0 || t->len < nd)
		return;
	for (i = 0; i < nd; i++)
		if (p[i] < '0' || p[i] > '9')
			return;
	if (tag == DER_UTCTIME) {
		/* RFC 5280: YY >= 50 is 19YY, else 20YY. */
		y[0] = p[0] >= '5' ? '1' : '2';
		y[1] = p[0] >= '5' ? '9' : '0';
		y[2] = (char)p[0];
		y[3] = (char)p[1];
		p += 2;
	} else {
		memcpy(y, p, 4);
		p += 4;
	}
	y[4] = '\0';
	snprintf(dst, TLS_DATE_LEN + 1, "%s-%c%c-%c%cT%c%c:%c%c:%c%c", y,
	    p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
}

static bool
tls_parse_cert_der(struct tls_cert_info *c, struct breader *der)
{
	static const char hx[] = "0123456789ABCDEF";
	struct breader cert, tbs, el, t;
	uint8_t tag;
	size_t i, o;

	if (!der_next(der, &tag, &cert) || tag != DER_SEQUENCE ||
	    !der_next(&cert, &tag, &tbs) || tag != DER_SEQUENCE)
		return false;
	if (!der_next(&tbs, &tag, &el))
		return false;
	if (tag == DER_CTX0 && !der_next(&tbs, &tag, &el))
		return false;
	if (tag != DER_INTEGER)
		return false;
	for (i = 0, o = 0; i < el.len && i < TLS_SERIAL_MAX; i++) {
		if (i > 0)
			c->serial[o++] = ':';
		c->serial[o++] = hx[el.base[i] >> 4];
		c->serial[o++] = hx[el.base[i] & 0xf];
	}
	c->serial[o] = '\0';
	/* signature AlgorithmIdentifier */
	if (!der_next(&tbs, &tag, &el) || tag != DER_SEQUENCE)
		return false;
	if (!der_next(&tbs, &tag, &el) || tag != DER_SEQUENCE ||
	    !der_name(c->issuer, sizeof(c->issuer), &el))
		return false;
	/* validity */
	if (!der_next(&tbs, &tag, &el) || tag != DER_SEQUENCE)
		return false;
	if (!der_next(&el, &tag, &t))
		return false;
	der_time(c->notbefore, tag, &t);
	if (!der_next(&el, &tag, &t))
		return false;
	der_time(c->notafter, tag, &t);
	if (!der_next(&tbs, &tag, &el) || tag != DER_SEQUENCE ||
	    !der_name(c->subject, sizeof(c->subject), &el))
		return false;
	return true;
}

/*
 * Certificate (RFC 5246 7.4.2):
 *	certificate_list <0..2^24-1> (3-byte len) of
 *	    ASN.1Cert <1..2^24-1> (3-byte len)
 * Only the first (the server's own) is read.
 */
static bool
tls_be24(struct breader *br, size_t *v)
{
	uint8_t a = br_u8(br);
	uint16_t b = br_be16(br);

	*v = (size_t)a << 16 | b;
	return br_ok(br);
}

static bool
tls_parse_certificate(struct tls_state *st, struct app_ctx *ctx,
    struct breader *m)
{
	struct tls_cert_info *c = &st->s.cert;
	struct breader list, der;
	size_t n;

	if (c->seen)
		return true;
	if (!tls_be24(m, &n))
		goto out_bad;
	list = br_sub(m, n);
	if (!br_ok(m))
		goto out_bad;
	if (br_left(&list) == 0)
		return true;	/* no certificate: nothing to tell */
	if (!tls_be24(&list, &n))
		goto out_bad;
	der = br_sub(&list, n);
	if (!br_ok(&list))
		goto out_bad;
	memset(c, 0, sizeof(*c));
	if (!tls_parse_cert_der(c, &der)) {
		memset(c, 0, sizeof(*c));
		app_anomaly(ctx, EV_TLS_INVALID_CERTIFICATE);
		return true;	/* the rest of the handshake is fine */
	}
	tls_sha1_colons(c->fingerprint, der.base, der.len);
	c->seen = true;
	/* The message is at most TLS_MAX_HANDSHAKE: so is the copy. */
	if (app_inspect_wanted(ctx, APP_TLS) && st->certs == NULL &&
	    list.len > 0 && (st->certs = malloc(list.len)) != NULL) {
		memcpy(st->certs, list.base, list.len);
		st->certs_len = list.len;
	}
	return true;

 out_bad:
	app_anomaly(ctx, EV_TLS_INVALID_HANDSHAKE);
	return false;
}

/*
 * tls.certs (each certificate's DER, as Suricata) and
 * tls.subjectaltname (each dNSName of the server's certificate,
 * RFC 5280 4.2.1.6) from the kept certificate_list: at most max
 * buffers in all, pointing into the list.  A malformed certificate
 * ends the walk; what was found before it stays.
 */
static void
tls_sans(struct breader *der, struct app_buf *b, size_t *n, size_t max)
{
	static const uint8_t san_oid[] = { 0x55, 0x1d, 0x11 };
	struct breader cert, tbs, el, exts, ext, oid, val, names, gn;
	uint8_t tag = 0;

	if (!der_next(der, &tag, &cert) || tag != DER_SEQUENCE ||
	    !der_next(&cert, &tag, &tbs) || tag != DER_SEQUENCE)
		return;
	/* [0] version, serial, signature, issuer, validity, subject,
	 * subjectPublicKeyInfo; then [1], [2] and [3] extensions. */
	while (br_left(&tbs) > 0) {
		if (!der_next(&tbs, &tag, &el))
			return;
		if (tag == DER_CTX3)
			break;
	}
	if (tag != DER_CTX3 || !der_next(&el, &tag, &exts) ||
	    tag != DER_SEQUENCE)
		return;
	while (br_left(&exts) > 0) {
		if (!der_next(&exts, &tag, &ext) || tag != DER_SEQUENCE ||
		    !der_next(&ext, &tag, &oid) || tag != DER_OID ||
		    !der_next(&ext, &tag, &val))
			return;
		if (oid.len != sizeof(san_oid) ||
		    memcmp(oid.base, san_oid, sizeof(san_oid)) != 0)
			continue;
		if (tag == DER_BOOLEAN && !der_next(&ext, &tag, &val))
			return;
		if (tag != DER_OCTETS || !der_next(&val, &tag, &names) ||
		    tag != DER_SEQUENCE)
			return;
		while (br_left(&names) > 0 && *n < max) {
			if (!der_next(&names, &tag, &gn))
				return;
			if (tag != DER_SAN_DNS || gn.len == 0)
				continue;
			b[*n].id = APP_BUF_TLS_SUBJECTALTNAME;
			b[*n].data = gn.base;
			b[(*n)++].len = gn.len;
		}
		return;
	}
}

static void
tls_cert_bufs(const struct tls_state *st, struct app_buf *b, size_t *n,
    size_t max)
{
	struct breader list, der;
	size_t len;
	bool first = true;

	if (st->certs == NULL)
		return;
	br_init(&list, st->certs, st->certs_len);
	while (br_left(&list) > 0 && *n < max) {
		if (!tls_be24(&list, &len))
			return;
		der = br_sub(&list, len);
		if (!br_ok(&list) || len == 0)
			return;
		b[*n].id = APP_BUF_TLS_CERTS;
		b[*n].data = der.base;
		b[(*n)++].len = der.len;
		if (first)
			tls_sans(&der, b, n, max);
		first = false;
	}
}

static void
tls_buf(struct app_buf *b, size_t *n, enum app_buf_id id, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return;
	b[*n].id = id;
	b[*n].data = (const uint8_t *)s;
	b[*n].len = strlen(s);
	(*n)++;
}

/*
 * The session's detection buffers: the client's side (tls.sni, ja3)
 * then the server's (tls.version as Suricata names it, the first
 * certificate, every certificate of the chain for tls.certs and the
 * first one's DNS names for tls.subjectaltname, ja3s), each side once.
 */
static void
tls_inspect(const struct tls_state *st, struct app_ctx *ctx,
    const struct tls_fact *f)
{
	const struct tls_session *s = &st->s;
	struct app_buf b[12 + TLS_MAX_CERT_BUFS];
	size_t n = 0;

	if (s->client.seen) {
		tls_buf(b, &n, APP_BUF_TLS_SNI, s->client.sni);
		tls_buf(b, &n, APP_BUF_TLS_VERSION,
		    tls_version_name(s->client.max_version));
		if (s->client.ja3_str != NULL) {
			tls_buf(b, &n, APP_BUF_JA3_HASH, s->client.ja3_hash);
			tls_buf(b, &n, APP_BUF_JA3_STRING, s->client.ja3_str);
		}
		app_inspect(ctx, APP_TLS, APP_DIR_TOSERVER, b, n, f);
	}
	n = 0;
	if (s->server.seen) {
		tls_buf(b, &n, APP_BUF_TLS_VERSION,
		    tls_version_name(s->server.version));
		if (s->server.ja3s_str != NULL) {
			tls_buf(b, &n, APP_BUF_JA3S_HASH, s->server.ja3s_hash);
			tls_buf(b, &n, APP_BUF_JA3S_STRING,
			    s->server.ja3s_str);
		}
	}
	if (s->cert.seen) {
		tls_buf(b, &n, APP_BUF_TLS_CERT_SUBJECT, s->cert.subject);
		tls_buf(b, &n, APP_BUF_TLS_CERT_ISSUER, s->cert.issuer);
		tls_buf(b, &n, APP_BUF_TLS_CERT_SERIAL, s->cert.serial);
		tls_buf(b, &n, APP_BUF_TLS_CERT_FINGERPRINT,
		    s->cert.fingerprint);
		tls_cert_bufs(st, b, &n, sizeof(b) / sizeof(b[0]));
	}
	if (n > 0)
		app_inspect(ctx, APP_TLS, APP_DIR_TOCLIENT, b, n, f);
}

/*
 * The session's one fact, oriented client to server as Suricata writes
 * a TLS transaction, once either side was understood.
 */
static void
tls_emit_session(struct tls_state *st, struct app_ctx *ctx)
{
	struct tls_fact f;

	if (st->session_emitted || (!st->s.server.seen && !st->s.client.seen))
		return;
	st->session_emitted = true;
	f.type = TLS_FACT_SESSION;
	f.s = &st->s;
	app_emit(ctx, APP_TLS, APP_DIR_TOSERVER, &f);
	if (app_inspect_wanted(ctx, APP_TLS))
		tls_inspect(st, ctx, &f);
	free(st->certs);
	st->certs = NULL;
	st->certs_len = 0;
}

/*
 * This direction has nothing more in clear: stop reading it.  For the
 * server's direction (its handshake is over, or lost to a gap or the
 * end of the stream) the session is then told.
 */
static void
tls_dir_opaque(struct tls_state *st, struct app_ctx *ctx, int dir)
{
	struct tls_dir *d = &st->dir[dir];

	d->mode = TLS_MODE_OPAQUE;
	free(d->hs);
	d->hs = NULL;
	d->hs_len = d->hs_size = 0;
	if (dir == APP_DIR_TOCLIENT)
		tls_emit_session(st, ctx);
}

/*
 * Handshake message (RFC 8446 4): type (1) | length (3) | body.
 * Returns false to stop the direction (after an anomaly); sets *done
 * when the direction has nothing more of interest.
 */
static bool
tls_parse_handshake(struct tls_state *st, struct app_ctx *ctx, int dir,
    uint8_t type, struct breader *m, bool *done)
{
	*done = false;
	if (dir == APP_DIR_TOSERVER) {
		if (type != TLS_HS_CLIENT_HELLO)
			return true;
		if (!tls_parse_client_hello(st, ctx, m))
			return false;
		/* What follows from the client tells nothing we report. */
		*done = true;
		return true;
	}
	switch (type) {
	case TLS_HS_SERVER_HELLO:
		if (!tls_parse_server_hello(st, ctx, m))
			return false;
		/* TLS 1.3 encrypts everything after the ServerHello. */
		if (st->s.server.version == TLS_V_TLS13)
			*done = true;
		break;
	case TLS_HS_CERTIFICATE:
		if (!tls_parse_certificate(st, ctx, m))
			return false;
		break;
	case TLS_HS_SERVER_HELLO_DONE:
		*done = true;
		break;
	default:
		break;
	}
	return true;
}

/* Append record bytes to the handshake buffer and parse what is whole. */
static bool
tls_feed_handshake(struct tls_state *st, struct app_ctx *ctx, int dir,
    const uint8_t *p, size_t n, bool *done)
{
	struct tls_dir *d = &st->dir[dir];
	struct breader br, m;
	uint8_t type, *nb;
	size_t mlen, want;

	*done = false;
	if (n > TLS_MAX_HANDSHAKE + TLS_HS_HDR_LEN - d->hs_len) {
		app_anomaly(ctx, EV_TLS_HANDSHAKE_TOO_LONG);
		return false;
	}
	if (d->hs_len + n > d->hs_size) {
		want = d->hs_len + n;
		if ((nb = realloc(d->hs, want)) == NULL)
			return false;
		d->hs = nb;
		d->hs_size = want;
	}
	memcpy(d->hs + d->hs_len, p, n);
	d->hs_len += n;
	br_init(&br, d->hs, d->hs_len);
	while (br_left(&br) >= TLS_HS_HDR_LEN && !*done) {
		struct breader peek = br;

		type = br_u8(&peek);
		(void)tls_be24(&peek, &mlen);
		if (mlen > TLS_MAX_HANDSHAKE) {
			app_anomaly(ctx, EV_TLS_HANDSHAKE_TOO_LONG);
			return false;
		}
		if (br_left(&peek) < mlen)
			break;
		br = peek;
		m = br_sub(&br, mlen);
		if (!tls_parse_handshake(st, ctx, dir, type, &m, done))
			return false;
	}
	if (!*done) {
		memmove(d->hs, d->hs + br_off(&br), br_left(&br));
		d->hs_len = br_left(&br);
	}
	return true;
}

/*
 * Record layer (RFC 8446 5.1):
 *	type (1) | legacy_record_version (2) | length (2) | fragment
 */
static struct app_result
tls_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct tls_state *st = state;
	struct tls_dir *d;
	struct breader br, hdr;
	const uint8_t *p;
	size_t n;
	uint16_t ver, rlen;
	bool done;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	if (d->mode == TLS_MODE_DEAD)
		return app_error(0);
	if (d->mode == TLS_MODE_OPAQUE)
		return app_ok(len);
	br_init(&br, buf, len);
	for (;;) {
		if (d->rec_left > 0) {
			n = br_left(&br) < d->rec_left ? br_left(&br) :
			    d->rec_left;
			p = br_bytes(&br, n);
			d->rec_left -= n;
			if (d->rec_type == TLS_CT_HANDSHAKE && n > 0) {
				if (!tls_feed_handshake(st, ctx, dir, p, n,
				    &done))
					goto out_dead;
				if (done) {
					tls_dir_opaque(st, ctx, dir);
					return app_ok(len);
				}
			}
			if (d->rec_left > 0)
				return app_incomplete(br_off(&br),
				    d->rec_left);
		}
		/* The handshake is not over: at least a header is needed. */
		if (br_left(&br) < TLS_RECORD_HDR_LEN)
			return app_incomplete(br_off(&br),
			    TLS_RECORD_HDR_LEN - br_left(&br));
		hdr = br_sub(&br, TLS_RECORD_HDR_LEN);
		d->rec_type = br_u8(&hdr);
		ver = br_be16(&hdr);
		rlen = br_be16(&hdr);
		if (d->rec_type < TLS_CT_CCS ||
		    d->rec_type > TLS_CT_HEARTBEAT) {
			app_anomaly(ctx, EV_TLS_INVALID_RECORD_TYPE);
			goto out_dead;
		}
		if ((ver >> 8) != 3) {
			app_anomaly(ctx, EV_TLS_INVALID_RECORD_VERSION);
			goto out_dead;
		}
		if (rlen > TLS_MAX_RECORD) {
			app_anomaly(ctx, EV_TLS_RECORD_TOO_LONG);
			goto out_dead;
		}
		if (d->rec_type == TLS_CT_CCS ||
		    d->rec_type == TLS_CT_APPDATA) {
			/* From here on the direction is encrypted. */
			tls_dir_opaque(st, ctx, dir);
			return app_ok(len);
		}
		d->rec_left = rlen;
	}

 out_dead:
	d->mode = TLS_MODE_DEAD;
	free(d->hs);
	d->hs = NULL;
	d->hs_len = d->hs_size = 0;
	if (dir == APP_DIR_TOCLIENT)
		tls_emit_session(st, ctx);
	return app_error(br_off(&br));
}

static void
tls_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct tls_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* Records cannot be found again in a lost stretch: stop here. */
	if (st->dir[dir].mode == TLS_MODE_RECORDS)
		tls_dir_opaque(st, ctx, dir);
}

static void *
tls_state_new(void)
{
	return xcalloc(1, sizeof(struct tls_state));
}

static void
tls_state_free(void *state)
{
	struct tls_state *st = state;

	if (st == NULL)
		return;
	free(st->s.client.ja3_str);
	free(st->s.server.ja3s_str);
	free(st->dir[0].hs);
	free(st->dir[1].hs);
	free(st->certs);
	free(st);
}

/* The handshake reassembly buffers, the fingerprint strings and the
 * certificate list kept for rules until the session is told. */
static size_t
tls_memuse(const void *state)
{
	const struct tls_state *st = state;
	size_t n;

	n = mem_cost(st->dir[0].hs != NULL ? st->dir[0].hs_size : 0) +
	    mem_cost(st->dir[1].hs != NULL ? st->dir[1].hs_size : 0);
	if (st->s.client.ja3_str != NULL)
		n += mem_cost(strlen(st->s.client.ja3_str) + 1);
	if (st->s.server.ja3s_str != NULL)
		n += mem_cost(strlen(st->s.server.ja3s_str) + 1);
	if (st->certs != NULL)
		n += mem_cost(st->certs_len);
	return n;
}

/*
 * Probe: both sides open with a handshake record,
 *	16 | 03 00..04 | length (1 .. TLS_MAX_RECORD)
 * Fewer than 5 bytes that agree so far are MAYBE.
 */
static enum app_probe
tls_probe(const uint8_t *buf, size_t len, int dir)
{
	struct breader br;
	uint16_t rlen;

	(void)dir;
	br_init(&br, buf, len);
	if (len >= 1 && br_u8(&br) != TLS_CT_HANDSHAKE)
		return APP_PROBE_NO;
	if (len >= 2 && br_u8(&br) != 3)
		return APP_PROBE_NO;
	if (len >= 3 && br_u8(&br) > 4)
		return APP_PROBE_NO;
	if (len < TLS_RECORD_HDR_LEN)
		return APP_PROBE_MAYBE;
	rlen = br_be16(&br);
	if (rlen < TLS_HS_HDR_LEN || rlen > TLS_MAX_RECORD)
		return APP_PROBE_NO;
	return APP_PROBE_YES;
}

/*
 * EVE: Suricata's "tls" object, in its tls logger's order: the server
 * certificate's subject, issuerdn, serial, fingerprint, then sni,
 * version (the one the server chose; "UNDETERMINED" without a
 * ServerHello, as Suricata), notbefore, notafter, ja3, ja3s, ja4,
 * client_alpns, server_alpns, and client_handshake and
 * server_handshake with the versions each hello carried.
 */
static void
tls_kv_nonempty(struct jsonw *w, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		jsonw_kv_str(w, key, s);
}

/* A JA3 or JA3S object: our own text (hex; digits, ',' and '-'). */
static void
tls_eve_hash(struct jsonw *w, const char *hash, const char *str)
{
	jsonw_obj_open(w);
	JSONW_KV_PLAIN(w, "hash", hash);
	JSONW_KV_PLAIN(w, "string", str);
	jsonw_obj_close(w);
}

static void
tls_eve(struct jsonw *w, const void *fact)
{
	const struct tls_fact *f = fact;
	const struct tls_session *s = f->s;
	const struct tls_client_info *ci = &s->client;
	const struct tls_server_info *si = &s->server;
	const struct tls_cert_info *c = &s->cert;
	uint8_t i;

	if (c->seen) {
		tls_kv_nonempty(w, "subject", c->subject);
		tls_kv_nonempty(w, "issuerdn", c->issuer);
		tls_kv_nonempty(w, "serial", c->serial);
		tls_kv_nonempty(w, "fingerprint", c->fingerprint);
	}
	if (ci->seen)
		tls_kv_nonempty(w, "sni", ci->sni);
	JSONW_KV_STR(w, "version", tls_version_name(si->seen ? si->version :
	    0));
	if (c->seen) {
		tls_kv_nonempty(w, "notbefore", c->notbefore);
		tls_kv_nonempty(w, "notafter", c->notafter);
	}
	if (ci->seen && ci->ja3_str != NULL) {
		JSONW_KEY(w, "ja3");
		tls_eve_hash(w, ci->ja3_hash, ci->ja3_str);
	}
	if (si->seen && si->ja3s_str != NULL) {
		JSONW_KEY(w, "ja3s");
		tls_eve_hash(w, si->ja3s_hash, si->ja3s_str);
	}
	if (ci->seen)
		tls_kv_nonempty(w, "ja4", ci->ja4);
	if (ci->seen && ci->n_alpn > 0) {
		JSONW_KEY(w, "client_alpns");
		jsonw_arr_open(w);
		for (i = 0; i < ci->n_alpn; i++)
			jsonw_str(w, ci->alpn[i]);
		jsonw_arr_close(w);
	}
	if (si->seen && si->alpn[0] != '\0') {
		JSONW_KEY(w, "server_alpns");
		jsonw_arr_open(w);
		jsonw_str(w, si->alpn);
		jsonw_arr_close(w);
	}
	if (ci->seen) {
		/* The highest version offered (supported_versions). */
		JSONW_KEY(w, "client_handshake");
		jsonw_obj_open(w);
		JSONW_KV_STR(w, "version", tls_version_name(ci->max_version));
		jsonw_obj_close(w);
	}
	if (si->seen) {
		JSONW_KEY(w, "server_handshake");
		jsonw_obj_open(w);
		JSONW_KV_STR(w, "version",
		    tls_version_name(si->legacy_version));
		JSONW_KV_UINT(w, "cipher", si->cipher);
		jsonw_obj_close(w);
	}
}

static const uint16_t tls_ports[] = { 443, 8443, 0 };

/*
 * Cipher suites that protect nothing or little (IANA's TLS Cipher
 * Suites registry): no encryption, export grade, no authentication of
 * the server, RC4 (RFC 7465), single DES and 3DES (64-bit blocks,
 * Sweet32).  Most specific first: an anonymous export RC4 suite is
 * "EXPORT".
 */
static const struct {
	const char	*what;
	uint16_t	 ids[24];	/* 0-terminated but for NULL's own 0 */
} tls_weak[] = {
	{ "NULL", { 0x0000, 0x0001, 0x0002, 0x002c, 0x002d, 0x002e, 0x003b,
	    0x00b0, 0x00b1, 0x00b4, 0x00b5, 0x00b8, 0x00b9, 0xc001, 0xc006,
	    0xc00b, 0xc010, 0xc015, 0xc039, 0xc03a, 0xc03b } },
	{ "EXPORT", { 0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011, 0x0014,
	    0x0017, 0x0019, 0x0026, 0x0027, 0x0028, 0x0029, 0x002a,
	    0x002b } },
	{ "anon", { 0x0018, 0x001a, 0x001b, 0x0034, 0x003a, 0x0046, 0x006c,
	    0x006d, 0x0089, 0x009b, 0x00a6, 0x00a7, 0xc016, 0xc017, 0xc018,
	    0xc019 } },
	{ "RC4", { 0x0004, 0x0005, 0x0020, 0x0024, 0x008a, 0x008e, 0x0092,
	    0xc002, 0xc007, 0xc00c, 0xc011, 0xc033 } },
	{ "DES", { 0x0009, 0x000c, 0x000f, 0x0012, 0x0015, 0x001e,
	    0x0022 } },
	{ "3DES", { 0x000a, 0x000d, 0x0010, 0x0013, 0x0016, 0x001f, 0x0023,
	    0x008b, 0x008f, 0x0093, 0xc003, 0xc008, 0xc00d, 0xc012, 0xc01a,
	    0xc01b, 0xc01c, 0xc034 } },
};

const char *
tls_cipher_weakness(uint16_t id)
{
	size_t i, k;

	for (i = 0; i < sizeof(tls_weak) / sizeof(tls_weak[0]); i++)
		for (k = 0; k < sizeof(tls_weak[i].ids) /
		    sizeof(tls_weak[i].ids[0]); k++) {
			if (tls_weak[i].ids[k] == id)
				return tls_weak[i].what;
			if (tls_weak[i].ids[k] == 0 && k > 0)
				break;
		}
	return NULL;
}

/*
 * Device evidence: what the client's ClientHello names and hashes;
 * and what the assessment reports of the server: a version below 1.2
 * or a weak cipher it chose, its certificate's expiry and whether it
 * signed it itself.
 */
static void
tls_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct tls_fact *t = fact;
	const struct tls_server_info *si;
	const struct tls_cert_info *c;
	const char *w;
	char buf[32];

	(void)dir;
	if (t->s == NULL)
		return;
	if (t->s->client.seen) {
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_TLS_SNI,
		    t->s->client.sni);
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_TLS_JA3,
		    t->s->client.ja3_hash);
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_TLS_JA4,
		    t->s->client.ja4);
	}
	si = &t->s->server;
	if (si->seen && si->version != 0 && si->version < 0x0303)
		app_evidence(sink, APP_END_SERVER, EVIDENCE_TLS_SERVER_VERSION,
		    tls_version_name(si->version));
	if (si->seen && (w = tls_cipher_weakness(si->cipher)) != NULL) {
		snprintf(buf, sizeof(buf), "%s 0x%04x", w, si->cipher);
		app_evidence(sink, APP_END_SERVER, EVIDENCE_TLS_WEAK_CIPHER,
		    buf);
	}
	c = &t->s->cert;
	if (!c->seen)
		return;
	app_evidence(sink, APP_END_SERVER, EVIDENCE_TLS_CERT_NOT_AFTER,
	    c->notafter);
	if (c->subject[0] != '\0' && strcmp(c->subject, c->issuer) == 0)
		app_evidence(sink, APP_END_SERVER,
		    EVIDENCE_TLS_CERT_SELF_SIGNED, c->subject);
}

const struct app_parser tls_parser = {
	.proto = APP_TLS,
	.ipproto = IPPROTO_TCP,
	.ports = tls_ports,
	.anom_first = EV_TLS_RECORD_TOO_LONG,
	.anom_last = EV_TLS_INVALID_CERTIFICATE,
	.probe = tls_probe,
	.state_new = tls_state_new,
	.state_size = sizeof(struct tls_state),
	.state_free = tls_state_free,
	.parse = tls_parse,
	.gap = tls_gap,
	.eve = tls_eve,
	.facts = tls_facts,
	.memuse = tls_memuse,
};
