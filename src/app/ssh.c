/*
 * app/ssh.c - SSH identification and key-exchange parser (RFC 4253).
 *
 * Reads each side's identification line ("SSH-2.0-OpenSSH_9.2p1
 * Debian-2\r\n"), then the binary packets that follow it up to that
 * side's SSH_MSG_KEXINIT, whose algorithm lists give the HASSH
 * fingerprints (Salesforce, github.com/salesforce/hassh).  Everything
 * after a side's KEXINIT is consumed unread: the key exchange itself
 * tells nothing we report, and after NEWKEYS the stream is encrypted.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "app/app.h"
#include "app/ssh.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/digest.h"
#include "util/events.h"
#include "util/util.h"

/* packet_length (4), padding_length (1) */
#define SSH_PKT_HDR_LEN		5
#define SSH_MSG_KEXINIT		20
#define SSH_KEXINIT_COOKIE	16
#define SSH_KEXINIT_LISTS	10	/* name-lists in a KEXINIT */

/* Name-lists of a KEXINIT (RFC 4253 7.1), by position. */
#define SSH_NL_KEX		0
#define SSH_NL_ENC_C2S		2
#define SSH_NL_ENC_S2C		3
#define SSH_NL_MAC_C2S		4
#define SSH_NL_MAC_S2C		5
#define SSH_NL_COMP_C2S		6
#define SSH_NL_COMP_S2C		7

enum ssh_mode {
	SSH_MODE_BANNER,	/* looking for the identification line */
	SSH_MODE_PACKETS,	/* binary packets up to the KEXINIT */
	SSH_MODE_OPAQUE,	/* done: consume everything */
	SSH_MODE_DEAD,		/* PARSE_ERROR returned */
};

struct ssh_dir {
	enum ssh_mode	 mode;
	size_t		 pre_banner;	/* bytes of lines before it */
};

struct ssh_state {
	struct ssh_side	 side[2];	/* [APP_DIR_TOSERVER]: client */
	bool		 emitted;
	struct ssh_dir	 dir[2];
};

static void
ssh_copy_text(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < dstsz; i++)
		dst[o++] = p[i] < 0x20 || p[i] == 0x7f ? '?' : (char)p[i];
	dst[o] = '\0';
}

static void
ssh_emit(struct ssh_state *st, struct app_ctx *ctx, int dir)
{
	struct ssh_fact f;

	if (st->emitted || (!st->side[0].banner && !st->side[1].banner))
		return;
	st->emitted = true;
	f.client = &st->side[APP_DIR_TOSERVER];
	f.server = &st->side[APP_DIR_TOCLIENT];
	app_emit(ctx, APP_SSH, dir, &f);
}

static void
ssh_buf(struct app_buf *b, size_t *n, enum app_buf_id id, const char *s)
{
	b[*n].id = id;
	b[*n].data = (const uint8_t *)s;
	b[(*n)++].len = strlen(s);
}

/*
 * Detection: a side's identification line is one transaction
 * (ssh.proto, ssh.software), inspected as soon as it is read so that a
 * scanner that closes before the key exchange is seen; its KEXINIT is
 * another (ssh.hassh and ssh.hassh.string from the client,
 * ssh.hassh.server and ssh.hassh.server.string from the server).
 */
static void
ssh_inspect_banner(struct ssh_state *st, struct app_ctx *ctx, int dir)
{
	struct app_buf b[2];
	struct ssh_fact f;
	size_t n = 0;

	f.client = &st->side[APP_DIR_TOSERVER];
	f.server = &st->side[APP_DIR_TOCLIENT];
	ssh_buf(b, &n, APP_BUF_SSH_PROTO, st->side[dir].proto_version);
	ssh_buf(b, &n, APP_BUF_SSH_SOFTWARE, st->side[dir].software_version);
	app_inspect(ctx, APP_SSH, dir, b, n, &f);
}

static void
ssh_inspect_kexinit(struct ssh_state *st, struct app_ctx *ctx, int dir)
{
	const struct ssh_side *sd = &st->side[dir];
	struct app_buf b[2];
	struct ssh_fact f;
	size_t n = 0;

	if (!sd->kexinit || sd->hassh_str == NULL)
		return;
	f.client = &st->side[APP_DIR_TOSERVER];
	f.server = &st->side[APP_DIR_TOCLIENT];
	if (dir == APP_DIR_TOSERVER) {
		ssh_buf(b, &n, APP_BUF_SSH_HASSH, sd->hassh);
		ssh_buf(b, &n, APP_BUF_SSH_HASSH_STRING, sd->hassh_str);
	} else {
		ssh_buf(b, &n, APP_BUF_SSH_HASSH_SERVER, sd->hassh);
		ssh_buf(b, &n, APP_BUF_SSH_HASSH_SERVER_STRING, sd->hassh_str);
	}
	app_inspect(ctx, APP_SSH, dir, b, n, &f);
}

/*
 * Identification string (RFC 4253 4.2):
 *	SSH-protoversion-softwareversion SP comments CR LF
 * proto_version and software_version are what Suricata reports; the
 * comments are left out, as Suricata does.
 */
static bool
ssh_parse_banner(struct ssh_side *sd, const uint8_t *p, size_t n)
{
	const uint8_t *dash, *sp;
	size_t plen, slen;

	p += 4;				/* "SSH-" */
	n -= 4;
	if ((dash = memchr(p, '-', n)) == NULL)
		return false;
	plen = (size_t)(dash - p);
	p = dash + 1;
	n -= plen + 1;
	sp = memchr(p, ' ', n);
	slen = sp == NULL ? n : (size_t)(sp - p);
	if (plen == 0 || slen == 0)
		return false;
	ssh_copy_text(sd->proto_version, sizeof(sd->proto_version),
	    dash - plen, plen);
	ssh_copy_text(sd->software_version, sizeof(sd->software_version), p,
	    slen);
	sd->banner = true;
	return true;
}

/*
 * SSH_MSG_KEXINIT (RFC 4253 7.1):
 *	byte 20 | cookie (16) | 10 name-lists (uint32 length | text) |
 *	boolean first_kex_packet_follows | uint32 reserved
 * HASSH is the MD5 of "kex;enc;mac;comp" built from the client-to-server
 * lists for the client and the server-to-client lists for the server.
 */
static bool
ssh_parse_kexinit(struct ssh_side *sd, int dir, struct breader *msg)
{
	struct breader nl[SSH_KEXINIT_LISTS];
	const int *pick;
	static const int c2s[] = { SSH_NL_KEX, SSH_NL_ENC_C2S, SSH_NL_MAC_C2S,
	    SSH_NL_COMP_C2S };
	static const int s2c[] = { SSH_NL_KEX, SSH_NL_ENC_S2C, SSH_NL_MAC_S2C,
	    SSH_NL_COMP_S2C };
	uint8_t md[UTIL_MD_SIZE];
	static const char hx[] = "0123456789abcdef";
	unsigned int mdlen = 0;
	size_t i, total = 0, o = 0;
	char *s;

	br_skip(msg, SSH_KEXINIT_COOKIE);
	for (i = 0; i < SSH_KEXINIT_LISTS; i++)
		nl[i] = br_sub(msg, br_be32(msg));
	if (!br_ok(msg))
		return false;
	pick = dir == APP_DIR_TOSERVER ? c2s : s2c;
	for (i = 0; i < 4; i++)
		total += nl[pick[i]].len + 1;
	if ((s = calloc(1, total + 1)) == NULL)
		return false;
	for (i = 0; i < 4; i++) {
		if (i > 0)
			s[o++] = ';';
		memcpy(s + o, nl[pick[i]].base, nl[pick[i]].len);
		o += nl[pick[i]].len;
	}
	if ((mdlen = util_digest(UTIL_MD5, s, o, md)) != 16) {
		free(s);
		return false;
	}
	for (i = 0; i < mdlen; i++) {
		sd->hassh[2 * i] = hx[md[i] >> 4];
		sd->hassh[2 * i + 1] = hx[md[i] & 0xf];
	}
	sd->hassh[32] = '\0';
	/* The text is shown, so no NUL or control bytes in it. */
	for (i = 0; i < o; i++)
		if ((uint8_t)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	free(sd->hassh_str);
	sd->hassh_str = s;
	sd->kexinit = true;
	return true;
}

/*
 * Binary packet (RFC 4253 6), before any key is in use (no MAC):
 *	packet_length (4) | padding_length (1) | payload | padding
 */
static struct app_result
ssh_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct ssh_state *st = state;
	struct ssh_dir *d;
	struct ssh_side *sd;
	struct breader br, peek, pkt, payload;
	const uint8_t *line;
	ptrdiff_t nl;
	size_t n, llen;
	uint32_t plen;
	uint8_t padlen;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	sd = &st->side[dir];
	if (d->mode == SSH_MODE_DEAD)
		return app_error(0);
	if (d->mode == SSH_MODE_OPAQUE)
		return app_ok(len);
	br_init(&br, buf, len);
	while (d->mode == SSH_MODE_BANNER) {
		if (br_left(&br) == 0)
			return app_incomplete(br_off(&br), 0);
		nl = br_find(&br, '\n');
		if (nl < 0 || (size_t)nl >= SSH_MAX_LINE) {
			if (nl < 0 && br_left(&br) < SSH_MAX_LINE)
				return app_incomplete(br_off(&br), 0);
			app_anomaly(ctx, EV_SSH_BANNER_TOO_LONG);
			goto out_dead;
		}
		n = (size_t)nl + 1;
		line = br_bytes(&br, n);
		llen = (size_t)nl;
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (llen >= 4 && memcmp(line, "SSH-", 4) == 0) {
			if (!ssh_parse_banner(sd, line, llen)) {
				app_anomaly(ctx, EV_SSH_INVALID_BANNER);
				goto out_dead;
			}
			d->mode = SSH_MODE_PACKETS;
			if (app_inspect_wanted(ctx, APP_SSH))
				ssh_inspect_banner(st, ctx, dir);
			/* SSH 1 (1.x but 1.99) frames packets differently:
			 * the banner is all we read of it. */
			if (sd->proto_version[0] == '1' &&
			    strcmp(sd->proto_version, "1.99") != 0) {
				d->mode = SSH_MODE_OPAQUE;
				if (st->dir[!dir].mode >= SSH_MODE_OPAQUE)
					ssh_emit(st, ctx, dir);
				return app_ok(len);
			}
			break;
		}
		d->pre_banner += n;
		if (d->pre_banner > SSH_MAX_PRE_BANNER) {
			app_anomaly(ctx, EV_SSH_INVALID_BANNER);
			goto out_dead;
		}
	}
	for (;;) {
		if (br_left(&br) < SSH_PKT_HDR_LEN)
			return app_incomplete(br_off(&br),
			    SSH_PKT_HDR_LEN - br_left(&br));
		peek = br;
		plen = br_be32(&peek);
		padlen = br_u8(&peek);
		if (plen > SSH_MAX_PACKET) {
			app_anomaly(ctx, EV_SSH_PACKET_TOO_LONG);
			goto out_dead;
		}
		if (plen < (uint32_t)padlen + 2) {
			/* No room for the message type byte. */
			app_anomaly(ctx, EV_SSH_INVALID_PACKET);
			goto out_dead;
		}
		if (br_left(&br) - 4 < plen)
			return app_incomplete(br_off(&br),
			    4 + plen - br_left(&br));
		br_skip(&br, 4);
		pkt = br_sub(&br, plen);
		br_skip(&pkt, 1);			/* padding_length */
		payload = br_sub(&pkt, plen - 1 - padlen);
		if (br_u8(&payload) != SSH_MSG_KEXINIT)
			continue;
		if (!ssh_parse_kexinit(sd, dir, &payload))
			app_anomaly(ctx, EV_SSH_INVALID_KEXINIT);
		else if (app_inspect_wanted(ctx, APP_SSH))
			ssh_inspect_kexinit(st, ctx, dir);
		d->mode = SSH_MODE_OPAQUE;
		if (st->dir[!dir].mode >= SSH_MODE_OPAQUE)
			ssh_emit(st, ctx, dir);
		return app_ok(len);
	}

 out_dead:
	d->mode = SSH_MODE_DEAD;
	ssh_emit(st, ctx, dir);
	return app_error(br_off(&br));
}

static void
ssh_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct ssh_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* Packets cannot be found again after a loss: report, stop. */
	if (st->dir[dir].mode != SSH_MODE_DEAD)
		st->dir[dir].mode = SSH_MODE_OPAQUE;
	ssh_emit(st, ctx, dir);
}

static void *
ssh_state_new(void)
{
	return xcalloc(1, sizeof(struct ssh_state));
}

/* The HASSH strings, once the key exchanges are seen. */
static size_t
ssh_memuse(const void *state)
{
	const struct ssh_state *st = state;
	size_t i, n = 0;

	for (i = 0; i < 2; i++)
		if (st->side[i].hassh_str != NULL)
			n += mem_cost(strlen(st->side[i].hassh_str) + 1);
	return n;
}

static void
ssh_state_free(void *state)
{
	struct ssh_state *st = state;

	if (st == NULL)
		return;
	free(st->side[0].hassh_str);
	free(st->side[1].hassh_str);
	free(st);
}

/* Probe: "SSH-" (RFC 4253 4.2); a prefix of it is MAYBE.  Lines a
 * server sends before its banner are not recognised. */
static enum app_probe
ssh_probe(const uint8_t *buf, size_t len, int dir)
{
	(void)dir;
	if (memcmp(buf, "SSH-", len < 4 ? len : 4) != 0)
		return APP_PROBE_NO;
	return len < 4 ? APP_PROBE_MAYBE : APP_PROBE_YES;
}

static void
ssh_eve_side(struct jsonw *w, const char *key, const struct ssh_side *sd)
{
	if (!sd->banner && !sd->kexinit)
		return;
	jsonw_key(w, key);
	jsonw_obj_open(w);
	if (sd->banner) {
		jsonw_kv_str(w, "proto_version", sd->proto_version);
		jsonw_kv_str(w, "software_version", sd->software_version);
	}
	if (sd->kexinit && sd->hassh_str != NULL) {
		jsonw_key(w, "hassh");
		jsonw_obj_open(w);
		jsonw_kv_str(w, "hash", sd->hassh);
		jsonw_kv_str(w, "string", sd->hassh_str);
		jsonw_obj_close(w);
	}
	jsonw_obj_close(w);
}

/* EVE: Suricata's "ssh" object, client then server. */
static void
ssh_eve(struct jsonw *w, const void *fact)
{
	const struct ssh_fact *f = fact;

	ssh_eve_side(w, "client", f->client);
	ssh_eve_side(w, "server", f->server);
}

/* Device evidence: both sides' software, the client's HASSH. */
static void
ssh_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct ssh_fact *f = fact;

	(void)dir;
	if (f->client != NULL && f->client->banner)
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_SSH_SOFTWARE,
		    f->client->software_version);
	if (f->client != NULL && f->client->kexinit)
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_SSH_HASSH,
		    f->client->hassh);
	if (f->server != NULL && f->server->banner)
		app_evidence(sink, APP_END_SERVER, EVIDENCE_SSH_SOFTWARE,
		    f->server->software_version);
}

static const uint16_t ssh_ports[] = { 22, 0 };

const struct app_parser ssh_parser = {
	.proto = APP_SSH,
	.ipproto = IPPROTO_TCP,
	.ports = ssh_ports,
	.anom_first = EV_SSH_BANNER_TOO_LONG,
	.anom_last = EV_SSH_INVALID_KEXINIT,
	.probe = ssh_probe,
	.state_new = ssh_state_new,
	.state_size = sizeof(struct ssh_state),
	.state_free = ssh_state_free,
	.parse = ssh_parse,
	.gap = ssh_gap,
	.eve = ssh_eve,
	.facts = ssh_facts,
	.memuse = ssh_memuse,
};
