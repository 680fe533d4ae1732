/*
 * app/tls.h - TLS handshake facts (RFC 8446, RFC 5246): ClientHello
 * (SNI, ALPN, JA3, JA4), ServerHello (version, cipher, JA3S) and the
 * subject, issuer, serial, fingerprint and validity of the server's
 * first certificate (TLS <= 1.2, where it travels in clear).
 *
 * The parser emits one struct tls_fact per session, TLS_FACT_SESSION,
 * oriented client to server as Suricata logs a TLS transaction: all
 * that is known of both sides, once the server's cleartext handshake is
 * over (a ServerHelloDone, a ChangeCipherSpec, an encrypted record, a
 * TLS 1.3 ServerHello) or the server's direction ends without it (a
 * gap, an error, the end of the stream).
 *
 * Each direction stops being parsed once its handshake turns opaque;
 * its bytes are then consumed unread.  Strings are NUL-terminated;
 * control bytes are replaced by '?'.
 */
#ifndef WW_PROTO_TLS_H
#define WW_PROTO_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* RFC 8446 5.1/5.2: a record is at most 2^14 bytes plus 2048 of
 * expansion (TLSCiphertext in TLS 1.2 allows the same). */
#define TLS_MAX_RECORD		((1u << 14) + 2048)
#define TLS_RECORD_HDR_LEN	5
#define TLS_HS_HDR_LEN		4
/* Handshake messages are reassembled up to this size; a certificate
 * chain longer than this is not parsed (the session is still told). */
#define TLS_MAX_HANDSHAKE	(64u << 10)
#define TLS_SNI_MAX		255
/* tls.certs and tls.subjectaltname buffers handed to rules, together */
#define TLS_MAX_CERT_BUFS	64
#define TLS_MAX_ALPN		8	/* protocol names kept per side */
#define TLS_ALPN_MAX		32
#define TLS_DN_MAX		512	/* "CN=..., O=..." */
#define TLS_SERIAL_MAX		64	/* serial number bytes shown */
#define TLS_SHA1_LEN		20
#define TLS_DATE_LEN		19	/* "YYYY-MM-DDTHH:MM:SS" */
/* t13d1516h2_8daaf6152771_b186095e22b6 */
#define TLS_JA4_LEN		36

enum tls_fact_type {
	TLS_FACT_SESSION = 1,	/* the only one */
};

struct tls_client_info {
	bool		 seen;
	uint16_t	 legacy_version;
	uint16_t	 max_version;	/* supported_versions or legacy */
	char		 sni[TLS_SNI_MAX + 1];
	uint8_t		 n_alpn;
	char		 alpn[TLS_MAX_ALPN][TLS_ALPN_MAX + 1];
	char		*ja3_str;	/* heap */
	char		 ja3_hash[33];
	char		 ja4[TLS_JA4_LEN + 1];
};

struct tls_server_info {
	bool		 seen;
	uint16_t	 legacy_version;
	uint16_t	 version;	/* supported_versions, else legacy */
	uint16_t	 cipher;
	char		 alpn[TLS_ALPN_MAX + 1];
	char		*ja3s_str;	/* heap */
	char		 ja3s_hash[33];
};

struct tls_cert_info {
	bool		 seen;
	char		 subject[TLS_DN_MAX + 1];
	char		 issuer[TLS_DN_MAX + 1];
	char		 serial[TLS_SERIAL_MAX * 3 + 1]; /* "0A:1B:..." */
	/* SHA-1 of the certificate's DER bytes, "4a:a3:66:...". */
	char		 fingerprint[TLS_SHA1_LEN * 3];
	char		 notbefore[TLS_DATE_LEN + 1];
	char		 notafter[TLS_DATE_LEN + 1];
};

struct tls_session {
	struct tls_client_info client;
	struct tls_server_info server;
	struct tls_cert_info cert;
};

struct tls_fact {
	enum tls_fact_type type;
	const struct tls_session *s;
};

extern const struct app_parser tls_parser;

/* "TLS 1.2", "TLSv1", "SSLv3", ... or "UNDETERMINED" (Suricata's
 * names, which spell TLS 1.0 "TLSv1"). */
const char	*tls_version_name(uint16_t);
/* "RC4", "3DES", "DES", "NULL", "EXPORT", "anon" for a weak cipher
 * suite, else NULL. */
const char	*tls_cipher_weakness(uint16_t);

#endif /* WW_PROTO_TLS_H */
