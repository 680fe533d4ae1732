/*
 * test-ssh.c - the SSH parser: identification lines of both sides (with
 * a line before the server's), KEXINIT and HASSH / HASSH-server, every
 * truncation, every split point, lying lengths, the end of parsing
 * after both KEXINITs, the EVE object and the probe.
 *
 * The byte vectors were written with a small script and their comments
 * spell out every field.  The expected HASSH values were computed by
 * hand from the comments (kex;enc;mac;comp, client-to-server lists for
 * the client, server-to-client lists for the server), then hashed with
 * printf '%s' "$hassh" | md5sum.
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
#include "app/ssh.h"

#define HASSH_C_STR "curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,diffie-hellman-group14-sha256,ext-info-c;" \
	"chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com;" \
	"umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-256;none,zlib@openssh.com"
#define HASSH_C	"3dd00477ea72b82ec7166c901a2ee2f1"
#define HASSH_S_STR "curve25519-sha256,diffie-hellman-group14-sha256," \
	"kex-strict-s-v00@openssh.com;aes128-ctr,aes256-ctr;" \
	"hmac-sha2-256;none"
#define HASSH_S	"fba066ef25a5bc861a7a2c58027d17a3"

static const uint8_t ssh_client[] = {
	/* identification: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n' */
	0x53, 0x53, 0x48, 0x2d, 0x32, 0x2e, 0x30, 0x2d, 0x4f, 0x70, 0x65, 0x6e,
	0x53, 0x53, 0x48, 0x5f, 0x39, 0x2e, 0x32, 0x70, 0x31, 0x20, 0x44, 0x65,
	0x62, 0x69, 0x61, 0x6e, 0x2d, 0x32, 0x2b, 0x64, 0x65, 0x62, 0x31, 0x32,
	0x75, 0x33, 0x0d, 0x0a,
	/* binary packet: packet_length 516, padding_length 8 */
	0x00, 0x00, 0x02, 0x04, 0x08,
	/*   SSH_MSG_KEXINIT (20), cookie */
	0x14, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	/*   kex_algorithms, length 106:
	 *   "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-
	 *   sha2-nistp256,diffie-hellman-group14-sha256,ext-info-c" */
	0x00, 0x00, 0x00, 0x6a, 0x63, 0x75, 0x72, 0x76, 0x65, 0x32, 0x35, 0x35,
	0x31, 0x39, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x2c, 0x63, 0x75,
	0x72, 0x76, 0x65, 0x32, 0x35, 0x35, 0x31, 0x39, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x35, 0x36, 0x40, 0x6c, 0x69, 0x62, 0x73, 0x73, 0x68, 0x2e, 0x6f,
	0x72, 0x67, 0x2c, 0x65, 0x63, 0x64, 0x68, 0x2d, 0x73, 0x68, 0x61, 0x32,
	0x2d, 0x6e, 0x69, 0x73, 0x74, 0x70, 0x32, 0x35, 0x36, 0x2c, 0x64, 0x69,
	0x66, 0x66, 0x69, 0x65, 0x2d, 0x68, 0x65, 0x6c, 0x6c, 0x6d, 0x61, 0x6e,
	0x2d, 0x67, 0x72, 0x6f, 0x75, 0x70, 0x31, 0x34, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x35, 0x36, 0x2c, 0x65, 0x78, 0x74, 0x2d, 0x69, 0x6e, 0x66, 0x6f,
	0x2d, 0x63,
	/*   server_host_key_algorithms, length 37: "ssh-ed25519,rsa-
	 *   sha2-512,rsa-sha2-256" */
	0x00, 0x00, 0x00, 0x25, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32, 0x35,
	0x35, 0x31, 0x39, 0x2c, 0x72, 0x73, 0x61, 0x2d, 0x73, 0x68, 0x61, 0x32,
	0x2d, 0x35, 0x31, 0x32, 0x2c, 0x72, 0x73, 0x61, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x2d, 0x32, 0x35, 0x36,
	/*   encryption c2s, length 63:
	 *   "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com"
	 */
	0x00, 0x00, 0x00, 0x3f, 0x63, 0x68, 0x61, 0x63, 0x68, 0x61, 0x32, 0x30,
	0x2d, 0x70, 0x6f, 0x6c, 0x79, 0x31, 0x33, 0x30, 0x35, 0x40, 0x6f, 0x70,
	0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d, 0x2c, 0x61, 0x65,
	0x73, 0x31, 0x32, 0x38, 0x2d, 0x63, 0x74, 0x72, 0x2c, 0x61, 0x65, 0x73,
	0x32, 0x35, 0x36, 0x2d, 0x67, 0x63, 0x6d, 0x40, 0x6f, 0x70, 0x65, 0x6e,
	0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d,
	/*   encryption s2c, length 63:
	 *   "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com"
	 */
	0x00, 0x00, 0x00, 0x3f, 0x63, 0x68, 0x61, 0x63, 0x68, 0x61, 0x32, 0x30,
	0x2d, 0x70, 0x6f, 0x6c, 0x79, 0x31, 0x33, 0x30, 0x35, 0x40, 0x6f, 0x70,
	0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d, 0x2c, 0x61, 0x65,
	0x73, 0x31, 0x32, 0x38, 0x2d, 0x63, 0x74, 0x72, 0x2c, 0x61, 0x65, 0x73,
	0x32, 0x35, 0x36, 0x2d, 0x67, 0x63, 0x6d, 0x40, 0x6f, 0x70, 0x65, 0x6e,
	0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d,
	/*   mac c2s, length 67: "umac-64-etm@openssh.com,hmac-
	 *   sha2-256-etm@openssh.com,hmac-sha2-256" */
	0x00, 0x00, 0x00, 0x43, 0x75, 0x6d, 0x61, 0x63, 0x2d, 0x36, 0x34, 0x2d,
	0x65, 0x74, 0x6d, 0x40, 0x6f, 0x70, 0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e,
	0x63, 0x6f, 0x6d, 0x2c, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x2d, 0x32, 0x35, 0x36, 0x2d, 0x65, 0x74, 0x6d, 0x40, 0x6f, 0x70,
	0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d, 0x2c, 0x68, 0x6d,
	0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x2d, 0x32, 0x35, 0x36,
	/*   mac s2c, length 67: "umac-64-etm@openssh.com,hmac-
	 *   sha2-256-etm@openssh.com,hmac-sha2-256" */
	0x00, 0x00, 0x00, 0x43, 0x75, 0x6d, 0x61, 0x63, 0x2d, 0x36, 0x34, 0x2d,
	0x65, 0x74, 0x6d, 0x40, 0x6f, 0x70, 0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e,
	0x63, 0x6f, 0x6d, 0x2c, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x2d, 0x32, 0x35, 0x36, 0x2d, 0x65, 0x74, 0x6d, 0x40, 0x6f, 0x70,
	0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d, 0x2c, 0x68, 0x6d,
	0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x2d, 0x32, 0x35, 0x36,
	/*   compression c2s, length 21: "none,zlib@openssh.com" */
	0x00, 0x00, 0x00, 0x15, 0x6e, 0x6f, 0x6e, 0x65, 0x2c, 0x7a, 0x6c, 0x69,
	0x62, 0x40, 0x6f, 0x70, 0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f,
	0x6d,
	/*   compression s2c, length 21: "none,zlib@openssh.com" */
	0x00, 0x00, 0x00, 0x15, 0x6e, 0x6f, 0x6e, 0x65, 0x2c, 0x7a, 0x6c, 0x69,
	0x62, 0x40, 0x6f, 0x70, 0x65, 0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f,
	0x6d,
	/*   languages c2s, length 0: "" */
	0x00, 0x00, 0x00, 0x00,
	/*   languages s2c, length 0: "" */
	0x00, 0x00, 0x00, 0x00,
	/*   first_kex_packet_follows false, reserved 0 */
	0x00, 0x00, 0x00, 0x00, 0x00,
	/* padding */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ssh_server[] = {
	/* a line before the banner: 'Welcome to the PACS gateway\r\n' */
	0x57, 0x65, 0x6c, 0x63, 0x6f, 0x6d, 0x65, 0x20, 0x74, 0x6f, 0x20, 0x74,
	0x68, 0x65, 0x20, 0x50, 0x41, 0x43, 0x53, 0x20, 0x67, 0x61, 0x74, 0x65,
	0x77, 0x61, 0x79, 0x0d, 0x0a,
	/* identification: 'SSH-2.0-dropbear_2022.83\r\n' */
	0x53, 0x53, 0x48, 0x2d, 0x32, 0x2e, 0x30, 0x2d, 0x64, 0x72, 0x6f, 0x70,
	0x62, 0x65, 0x61, 0x72, 0x5f, 0x32, 0x30, 0x32, 0x32, 0x2e, 0x38, 0x33,
	0x0d, 0x0a,
	/* binary packet: packet_length 220, padding_length 5 */
	0x00, 0x00, 0x00, 0xdc, 0x05,
	/*   SSH_MSG_KEXINIT (20), cookie */
	0x14, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
	0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	/*   kex_algorithms, length 76: "curve25519-sha256,diffie-hellman-
	 *   group14-sha256,kex-strict-s-v00@openssh.com" */
	0x00, 0x00, 0x00, 0x4c, 0x63, 0x75, 0x72, 0x76, 0x65, 0x32, 0x35, 0x35,
	0x31, 0x39, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x2c, 0x64, 0x69,
	0x66, 0x66, 0x69, 0x65, 0x2d, 0x68, 0x65, 0x6c, 0x6c, 0x6d, 0x61, 0x6e,
	0x2d, 0x67, 0x72, 0x6f, 0x75, 0x70, 0x31, 0x34, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x35, 0x36, 0x2c, 0x6b, 0x65, 0x78, 0x2d, 0x73, 0x74, 0x72, 0x69,
	0x63, 0x74, 0x2d, 0x73, 0x2d, 0x76, 0x30, 0x30, 0x40, 0x6f, 0x70, 0x65,
	0x6e, 0x73, 0x73, 0x68, 0x2e, 0x63, 0x6f, 0x6d,
	/*   server_host_key_algorithms, length 11: "ssh-ed25519" */
	0x00, 0x00, 0x00, 0x0b, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32, 0x35,
	0x35, 0x31, 0x39,
	/*   encryption c2s, length 10: "aes256-ctr" */
	0x00, 0x00, 0x00, 0x0a, 0x61, 0x65, 0x73, 0x32, 0x35, 0x36, 0x2d, 0x63,
	0x74, 0x72,
	/*   encryption s2c, length 21: "aes128-ctr,aes256-ctr" */
	0x00, 0x00, 0x00, 0x15, 0x61, 0x65, 0x73, 0x31, 0x32, 0x38, 0x2d, 0x63,
	0x74, 0x72, 0x2c, 0x61, 0x65, 0x73, 0x32, 0x35, 0x36, 0x2d, 0x63, 0x74,
	0x72,
	/*   mac c2s, length 13: "hmac-sha2-512" */
	0x00, 0x00, 0x00, 0x0d, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x2d, 0x35, 0x31, 0x32,
	/*   mac s2c, length 13: "hmac-sha2-256" */
	0x00, 0x00, 0x00, 0x0d, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61,
	0x32, 0x2d, 0x32, 0x35, 0x36,
	/*   compression c2s, length 4: "none" */
	0x00, 0x00, 0x00, 0x04, 0x6e, 0x6f, 0x6e, 0x65,
	/*   compression s2c, length 4: "none" */
	0x00, 0x00, 0x00, 0x04, 0x6e, 0x6f, 0x6e, 0x65,
	/*   languages c2s, length 0: "" */
	0x00, 0x00, 0x00, 0x00,
	/*   languages s2c, length 0: "" */
	0x00, 0x00, 0x00, 0x00,
	/*   first_kex_packet_follows false, reserved 0 */
	0x00, 0x00, 0x00, 0x00, 0x00,
	/* padding */
	0x00, 0x00, 0x00, 0x00, 0x00,
};

struct seen {
	unsigned	 n;
	struct ssh_side	 c, s;
	char		 c_hassh_str[512], s_hassh_str[512];
	char		 eve[4096];
};

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *fact)
{
	struct seen *sn = ctx->user;
	const struct ssh_fact *f = fact;
	struct jsonw w;
	size_t len;

	(void)dir;
	assert_int_equal(proto, APP_SSH);
	sn->n++;
	sn->c = *f->client;
	sn->s = *f->server;
	sn->c.hassh_str = sn->s.hassh_str = NULL;
	snprintf(sn->c_hassh_str, sizeof(sn->c_hassh_str), "%s",
	    f->client->hassh_str != NULL ? f->client->hassh_str : "");
	snprintf(sn->s_hassh_str, sizeof(sn->s_hassh_str), "%s",
	    f->server->hassh_str != NULL ? f->server->hassh_str : "");
	jsonw_init(&w, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&w);
	ssh_parser.eve(&w, fact);
	jsonw_obj_close(&w);
	assert_true(jsonw_ok(&w));
	snprintf(sn->eve, sizeof(sn->eve), "%s", jsonw_text(&w, &len));
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

static struct app_result
parse_exact(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	uint8_t *b = malloc(n == 0 ? 1 : n);
	struct app_result r;

	assert_non_null(b);
	memcpy(b, p, n);
	r = ssh_parser.parse(st, ctx, dir, b, n);
	free(b);
	assert_true(r.consumed <= n);
	return r;
}

static void
check_both(const struct seen *sn)
{
	assert_int_equal(sn->n, 1);
	assert_string_equal(sn->c.proto_version, "2.0");
	assert_string_equal(sn->c.software_version, "OpenSSH_9.2p1");
	assert_string_equal(sn->s.proto_version, "2.0");
	assert_string_equal(sn->s.software_version, "dropbear_2022.83");
	assert_true(sn->c.kexinit);
	assert_true(sn->s.kexinit);
	assert_string_equal(sn->c.hassh, HASSH_C);
	assert_string_equal(sn->s.hassh, HASSH_S);
	assert_string_equal(sn->c_hassh_str, HASSH_C_STR);
	assert_string_equal(sn->s_hassh_str, HASSH_S_STR);
}

static void
test_ssh_both_sides(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = ssh_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER, ssh_client,
	    sizeof(ssh_client));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(ssh_client));
	assert_int_equal(sn.n, 0);
	r = parse_exact(st, &ctx, APP_DIR_TOCLIENT, ssh_server,
	    sizeof(ssh_server));
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, sizeof(ssh_server));
	assert_int_equal(ctx.n_anom, 0);
	check_both(&sn);
	assert_non_null(strstr(sn.eve, "\"client\":{\"proto_version\":\"2.0\","
	    "\"software_version\":\"OpenSSH_9.2p1\",\"hassh\":{\"hash\":\""
	    HASSH_C "\",\"string\":\"" HASSH_C_STR "\"}}"));
	assert_non_null(strstr(sn.eve, "\"server\":{\"proto_version\":\"2.0\","
	    "\"software_version\":\"dropbear_2022.83\",\"hassh\":{\"hash\":\""
	    HASSH_S "\""));
	/* After both KEXINITs everything is consumed unread. */
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)"\xff\xff\xff\xff\x00", 5);
	assert_int_equal(r.status, PARSE_OK);
	assert_int_equal(r.consumed, 5);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(sn.n, 1);
	ssh_parser.state_free(st);
}

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
		st = ssh_parser.state_new();
		r = parse_exact(st, &ctx, dir, v, len);
		assert_int_equal(r.status, PARSE_INCOMPLETE);
		assert_int_equal(ctx.n_facts, 0);
		assert_int_equal(ctx.n_anom, 0);
		ssh_parser.state_free(st);
	}
}

static void
test_ssh_every_truncation(void **unused)
{
	(void)unused;
	truncations(APP_DIR_TOSERVER, ssh_client, sizeof(ssh_client));
	truncations(APP_DIR_TOCLIENT, ssh_server, sizeof(ssh_server));
}

static void
test_ssh_every_split(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	size_t i, j, left;
	void *st;

	(void)unused;
	for (i = 1; i < sizeof(ssh_client); i++) {
		j = i % (sizeof(ssh_server) - 1) + 1;
		ctx_init(&ctx, &sn);
		st = ssh_parser.state_new();
		assert_int_equal(mock_feed(&ssh_parser, st, &ctx,
		    APP_DIR_TOSERVER, ssh_client, sizeof(ssh_client), &i, 1,
		    &left), PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(mock_feed(&ssh_parser, st, &ctx,
		    APP_DIR_TOCLIENT, ssh_server, sizeof(ssh_server), &j, 1,
		    &left), PARSE_OK);
		assert_int_equal(left, 0);
		check_both(&sn);
		ssh_parser.state_free(st);
	}
	for (i = 1; i < sizeof(ssh_server); i++) {
		ctx_init(&ctx, &sn);
		st = ssh_parser.state_new();
		mock_feed(&ssh_parser, st, &ctx, APP_DIR_TOSERVER, ssh_client,
		    sizeof(ssh_client), NULL, 0, NULL);
		assert_int_equal(mock_feed(&ssh_parser, st, &ctx,
		    APP_DIR_TOCLIENT, ssh_server, sizeof(ssh_server), &i, 1,
		    &left), PARSE_OK);
		check_both(&sn);
		ssh_parser.state_free(st);
	}
}

static void
expect_anomaly(const uint8_t *v, size_t n, enum ww_counter ev, bool error)
{
	struct app_ctx ctx;
	struct seen sn;
	struct app_result r;
	void *st = ssh_parser.state_new();

	ctx_init(&ctx, &sn);
	r = parse_exact(st, &ctx, APP_DIR_TOSERVER, v, n);
	if (error) {
		assert_int_equal(r.status, PARSE_ERROR);
		assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOSERVER, v,
		    n).status, PARSE_ERROR);
	}
	assert_true(mock_has_anomaly(&ctx, ev));
	ssh_parser.state_free(st);
}

static void
test_ssh_lying_lengths(void **unused)
{
	uint8_t v[sizeof(ssh_client)], big[600];
	const uint8_t *nl = memchr(ssh_client, '\n', sizeof(ssh_client));
	size_t o = (size_t)(nl - ssh_client) + 1;	/* packet_length */
	struct app_ctx ctx;
	struct seen sn;
	void *st;

	(void)unused;
	/* packet_length 0x00010000 > 35000. */
	memcpy(v, ssh_client, sizeof(v));
	v[o + 1] = 0x01;
	expect_anomaly(v, sizeof(v), EV_SSH_PACKET_TOO_LONG, true);
	/* padding_length 255 > packet_length - 2. */
	memcpy(v, ssh_client, sizeof(v));
	v[o + 2] = 0;
	v[o + 3] = 0x20;
	v[o + 4] = 0xff;
	expect_anomaly(v, sizeof(v), EV_SSH_INVALID_PACKET, true);
	/* The kex_algorithms name-list claims 0x10000 bytes: no HASSH. */
	memcpy(v, ssh_client, sizeof(v));
	v[o + 5 + 1 + 16 + 1] = 0x01;
	ctx_init(&ctx, &sn);
	st = ssh_parser.state_new();
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOSERVER, v,
	    sizeof(v)).status, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SSH_INVALID_KEXINIT));
	parse_exact(st, &ctx, APP_DIR_TOCLIENT, ssh_server, sizeof(ssh_server));
	/* Both sides are done: reported, without the client's HASSH. */
	assert_int_equal(sn.n, 1);
	ssh_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(sn.n, 1);
	assert_false(sn.c.kexinit);
	assert_true(sn.s.kexinit);
	assert_null(strstr(sn.eve, HASSH_C));
	ssh_parser.state_free(st);
	/* A banner line without an end. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "SSH-2.0-", 8);
	expect_anomaly(big, sizeof(big), EV_SSH_BANNER_TOO_LONG, true);
	/* No dash after the protocol version. */
	expect_anomaly((const uint8_t *)"SSH-2.0\r\n", 9,
	    EV_SSH_INVALID_BANNER, true);
	/* Too many lines before the banner. */
	for (o = 0; o + 10 <= sizeof(big); o += 10)
		memcpy(big + o, "hello ...\n", 10);
	st = ssh_parser.state_new();
	ctx_init(&ctx, &sn);
	for (o = 0; o < 20; o++)
		if (parse_exact(st, &ctx, APP_DIR_TOCLIENT, big,
		    sizeof(big)).status == PARSE_ERROR)
			break;
	assert_true(o < 20);
	assert_true(mock_has_anomaly(&ctx, EV_SSH_INVALID_BANNER));
	ssh_parser.state_free(st);
}

/* SSH 1 frames packets its own way: both banners are reported. */
static void
test_ssh_version_1(void **unused)
{
	static const char c[] = "SSH-1.5-OpenSSH_2.1\r\n\x00\x00\x01\x0c";
	static const char s[] = "SSH-1.5-Cisco-1.25\n\x00\x00\x01\x0c";
	struct app_ctx ctx;
	struct seen sn;
	void *st = ssh_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOCLIENT,
	    (const uint8_t *)s, sizeof(s) - 1).status, PARSE_OK);
	assert_int_equal(sn.n, 0);
	assert_int_equal(parse_exact(st, &ctx, APP_DIR_TOSERVER,
	    (const uint8_t *)c, sizeof(c) - 1).status, PARSE_OK);
	assert_int_equal(sn.n, 1);
	assert_int_equal(ctx.n_anom, 0);
	assert_string_equal(sn.c.proto_version, "1.5");
	assert_string_equal(sn.c.software_version, "OpenSSH_2.1");
	assert_string_equal(sn.s.software_version, "Cisco-1.25");
	assert_false(sn.c.kexinit);
	ssh_parser.state_free(st);
}

static void
test_ssh_probe(void **unused)
{
	(void)unused;
	assert_int_equal(ssh_parser.probe(ssh_client, sizeof(ssh_client),
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(ssh_parser.probe(ssh_client, 3, APP_DIR_TOSERVER),
	    APP_PROBE_MAYBE);
	assert_int_equal(ssh_parser.probe(ssh_client, 0, APP_DIR_TOSERVER),
	    APP_PROBE_MAYBE);
	assert_int_equal(ssh_parser.probe((const uint8_t *)"SSX-", 4,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(ssh_parser.probe((const uint8_t *)"\x16\x03\x01", 3,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
}

/*
 * Detection buffers: each side's banner is inspected when read
 * (ssh.proto, ssh.software), its KEXINIT after (ssh.hassh and its
 * string from the client, ssh.hassh.server and its string from the
 * server); nothing without a rule on SSH.
 */
static void
test_ssh_buffers(void **unused)
{
	struct app_ctx ctx;
	struct seen sn;
	const struct mock_inspect *mi;
	void *st = ssh_parser.state_new();

	(void)unused;
	ctx_init(&ctx, &sn);
	ctx.inspect = true;
	(void)parse_exact(st, &ctx, APP_DIR_TOSERVER, ssh_client,
	    sizeof(ssh_client));
	assert_int_equal(ctx.n_insp, 2);
	mi = mock_insp(&ctx, 1);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_int_equal(mi->proto, APP_SSH);
	assert_true(mi->has_fact);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_PROTO, 0, NULL), "2.0");
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_SOFTWARE, 0, NULL),
	    "OpenSSH_9.2p1");
	assert_int_equal(mock_buf_count(mi, APP_BUF_SSH_HASSH), 0);
	mi = mock_insp(&ctx, 0);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_HASSH, 0, NULL), HASSH_C);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_HASSH_STRING, 0, NULL),
	    HASSH_C_STR);
	assert_int_equal(mock_buf_count(mi, APP_BUF_SSH_HASSH_SERVER), 0);
	(void)parse_exact(st, &ctx, APP_DIR_TOCLIENT, ssh_server,
	    sizeof(ssh_server));
	assert_int_equal(ctx.n_insp, 4);
	mi = mock_insp(&ctx, 1);
	assert_int_equal(mi->dir, APP_DIR_TOCLIENT);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_SOFTWARE, 0, NULL),
	    "dropbear_2022.83");
	mi = mock_insp(&ctx, 0);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_HASSH_SERVER, 0, NULL),
	    HASSH_S);
	assert_string_equal(mock_buf(mi, APP_BUF_SSH_HASSH_SERVER_STRING, 0,
	    NULL), HASSH_S_STR);
	assert_int_equal(mock_buf_count(mi, APP_BUF_SSH_HASSH), 0);
	mock_reset(&ctx);
	ssh_parser.state_free(st);

	/* No rule looks at SSH: no buffers. */
	st = ssh_parser.state_new();
	ctx_init(&ctx, &sn);
	(void)parse_exact(st, &ctx, APP_DIR_TOSERVER, ssh_client,
	    sizeof(ssh_client));
	assert_int_equal(ctx.n_insp, 0);
	ssh_parser.state_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_both_sides),
		cmocka_unit_test(test_ssh_every_truncation),
		cmocka_unit_test(test_ssh_every_split),
		cmocka_unit_test(test_ssh_lying_lengths),
		cmocka_unit_test(test_ssh_version_1),
		cmocka_unit_test(test_ssh_probe),
		cmocka_unit_test(test_ssh_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
