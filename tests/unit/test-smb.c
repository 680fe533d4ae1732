/*
 * test-smb.c - the SMB parser (src/app/smb.c).
 *
 * Hand-built PDUs: a CT console's SMB1 session (negotiate, NTLMSSP
 * session setup from Windows 7, tree connect, create, write, read,
 * close, rename, delete), an SMB2 session on IPC$ (negotiate, session
 * setup, tree connect to a pipe, create, write, read, rename and
 * delete through SET_INFO, close), the MS17-010 tells (EternalBlue's
 * oversized NT_TRANSACT and TRANS2_SECONDARY, DoublePulsar's
 * SESSION_SETUP and its mid + 16 reply, EternalRomance's write into an
 * open transaction), every truncation, every split, hostile lengths, a
 * PDU longer than the parser holds, a gap, the probe, the buffers
 * handed to the rule engine and the EVE object.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MOCK_OWN_INSPECT	/* app_inspect() below */
#include "app-mock.h"
#include "output/jsonw.h"
#include "app/smb.h"

#define MAX_FACTS	32
#define MAX_INSPECT	32

struct capture {
	unsigned	 n;
	struct smb_facts f[MAX_FACTS];
	unsigned	 ninspect;
	unsigned	 bufmask[MAX_INSPECT];	/* 1 << (id - SMB_SHARE), SMB's */
	size_t		 file_data[MAX_INSPECT];
	char		 share[MAX_INSPECT][64];
	char		 pipe[MAX_INSPECT][64];
	char		 version[MAX_INSPECT];
};

static struct capture *cur;

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *f)
{
	struct capture *c = ctx->user;

	(void)dir;
	assert_int_equal(proto, APP_SMB);
	if (c->n < MAX_FACTS)
		c->f[c->n++] = *(const struct smb_facts *)f;
}

bool
app_inspect_wanted(struct app_ctx *ctx, enum app_proto proto)
{
	(void)ctx;
	(void)proto;
	return true;
}

/* The rule engine's entry point, capturing the buffers. */
void
app_inspect(struct app_ctx *ctx, enum app_proto proto, int dir,
    const struct app_buf *bufs, size_t nbufs, const void *fact)
{
	struct capture *c = ctx->user;
	size_t i, k;

	(void)dir;
	(void)fact;
	assert_int_equal(proto, APP_SMB);
	if (c == NULL || c->ninspect >= MAX_INSPECT)
		return;
	k = c->ninspect++;
	for (i = 0; i < nbufs; i++) {
		assert_non_null(bufs[i].data);
		switch (bufs[i].id) {
		case APP_BUF_SMB_VERSION:
			assert_int_equal(bufs[i].len, 1);
			c->version[k] = (char)bufs[i].data[0];
			break;
		case APP_BUF_SMB_SHARE:
			(void)snprintf(c->share[k], sizeof(c->share[k]), "%.*s",
			    (int)bufs[i].len, bufs[i].data);
			break;
		case APP_BUF_SMB_NAMED_PIPE:
			(void)snprintf(c->pipe[k], sizeof(c->pipe[k]), "%.*s",
			    (int)bufs[i].len, bufs[i].data);
			break;
		case APP_BUF_FILE_DATA:
			c->file_data[k] = bufs[i].len;
			assert_true(bufs[i].len <= SMB_MAX_HOLD);
			break;
		case APP_BUF_SMB_NTLMSSP_USER:
		case APP_BUF_SMB_NTLMSSP_DOMAIN:
			break;
		default:
			fail_msg("unexpected buffer %d", bufs[i].id);
		}
		if (bufs[i].id >= APP_BUF_SMB_SHARE)	/* not file.data */
			c->bufmask[k] |= 1u << (bufs[i].id - APP_BUF_SMB_SHARE);
	}
}

/* ---- a PDU builder ---- */

struct pdu {
	uint8_t		 b[80000];
	size_t		 n;
	size_t		 start;		/* the SMB header */
};

static void
put(struct pdu *p, const void *v, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	memcpy(p->b + p->n, v, n);
	p->n += n;
}

static void
u8(struct pdu *p, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(p, &b, 1);
}

static void
u16(struct pdu *p, unsigned v)
{
	u8(p, v & 0xff);
	u8(p, v >> 8);
}

static void
u32(struct pdu *p, uint32_t v)
{
	u16(p, v & 0xffff);
	u16(p, v >> 16);
}

static void
u64(struct pdu *p, uint64_t v)
{
	u32(p, (uint32_t)v);
	u32(p, (uint32_t)(v >> 32));
}

static void
zeros(struct pdu *p, size_t n)
{
	while (n-- > 0)
		u8(p, 0);
}

static void
ascii(struct pdu *p, const char *s)
{
	put(p, s, strlen(s) + 1);
}

/* UTF-16LE with its NUL (nul) or without. */
static void
uni(struct pdu *p, const char *s, int nul)
{
	for (; *s != '\0'; s++)
		u16(p, (uint8_t)*s);
	if (nul)
		u16(p, 0);
}

static void
set16(struct pdu *p, size_t at, unsigned v)
{
	p->b[at] = (uint8_t)v;
	p->b[at + 1] = (uint8_t)(v >> 8);
}

static void
set32(struct pdu *p, size_t at, uint32_t v)
{
	set16(p, at, v & 0xffff);
	set16(p, at + 2, v >> 16);
}

/* Start a PDU: NBSS header, filled in by end(). */
static void
begin(struct pdu *p)
{
	p->start = p->n;
	zeros(p, 4);
}

static void
end(struct pdu *p)
{
	size_t len = p->n - p->start - 4;

	p->b[p->start] = 0;
	p->b[p->start + 1] = (uint8_t)(len >> 16);
	p->b[p->start + 2] = (uint8_t)(len >> 8);
	p->b[p->start + 3] = (uint8_t)len;
}

#define S1(p)	((p)->start + 4)	/* offset of the SMB header */

static void
smb1_hdr(struct pdu *p, uint8_t cmd, uint32_t status, int reply,
    uint16_t tid, uint16_t uid, uint16_t mid)
{
	begin(p);
	put(p, "\xffSMB", 4);
	u8(p, cmd);
	u32(p, status);
	u8(p, reply ? 0x98 : 0x18);
	u16(p, 0xc807);		/* unicode, NT status, ext security */
	zeros(p, 12);
	u16(p, tid);
	u16(p, 0xfeff);		/* pid */
	u16(p, uid);
	u16(p, mid);
}

/* An NTLMSSP AUTHENTICATE from CT-CONSOLE-01, Windows 6.1 build 7601. */
static void
ntlm_auth(struct pdu *p, const char *domain, const char *user,
    const char *host, uint32_t flags)
{
	size_t base = p->n, off = 72;
	size_t dl = strlen(domain) * 2, ul = strlen(user) * 2,
	    hl = strlen(host) * 2;

	put(p, "NTLMSSP", 8);
	u32(p, 3);
	u16(p, 0); u16(p, 0); u32(p, (uint32_t)off);	/* LM */
	u16(p, 0); u16(p, 0); u32(p, (uint32_t)off);	/* NT */
	u16(p, dl); u16(p, dl); u32(p, (uint32_t)off);
	u16(p, ul); u16(p, ul); u32(p, (uint32_t)(off + dl));
	u16(p, hl); u16(p, hl); u32(p, (uint32_t)(off + dl + ul));
	u16(p, 0); u16(p, 0); u32(p, (uint32_t)(off + dl + ul + hl));
	u32(p, flags);
	u8(p, 6); u8(p, 1); u16(p, 7601); zeros(p, 3); u8(p, 15);
	assert_int_equal(p->n - base, 72);
	uni(p, domain, 0);
	uni(p, user, 0);
	uni(p, host, 0);
}

/* ---- SMB1: a CT console on Windows 7 writes a study to the PACS ---- */

struct smb1_sess {
	struct pdu	 req[9];
	struct pdu	 resp[9];
	unsigned	 n;
};

static void
smb1_session(struct smb1_sess *s)
{
	struct pdu *q, *r;
	size_t w, b;

	memset(s, 0, sizeof(*s));
	/* 0: NEGOTIATE */
	q = &s->req[0];
	smb1_hdr(q, 0x72, 0, 0, 0, 0, 1);
	u8(q, 0);
	b = q->n;
	u16(q, 0);
	u8(q, 2); ascii(q, "NT LM 0.12");
	u8(q, 2); ascii(q, "SMB 2.002");
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[0];
	smb1_hdr(r, 0x72, 0, 1, 0, 0, 1);
	u8(r, 17);
	w = r->n;
	zeros(r, 34);
	set16(r, w, 0);		/* dialect index 0 */
	u16(r, 16);
	put(r, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	    "\x10", 16);
	end(r);

	/* 1: SESSION_SETUP_ANDX, extended security */
	q = &s->req[1];
	smb1_hdr(q, 0x73, 0, 0, 0, 0, 2);
	u8(q, 12);
	w = q->n;
	zeros(q, 24);
	q->b[w] = 0xff;		/* no AndX */
	b = q->n;
	u16(q, 0);
	ntlm_auth(q, "HOSPITAL", "ctuser", "CT-CONSOLE-01", 0x02088205);
	set16(q, w + 14, (unsigned)(q->n - b - 2));
	if ((q->n - S1(q)) & 1)
		u8(q, 0);
	uni(q, "Windows 7 Professional 7601 Service Pack 1", 1);
	uni(q, "Windows 7 Professional 6.1", 1);
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[1];
	smb1_hdr(r, 0x73, 0, 1, 0, 0x0800, 2);
	u8(r, 4);
	w = r->n;
	zeros(r, 8);
	r->b[w] = 0xff;
	b = r->n;
	u16(r, 0);
	if ((r->n - S1(r)) & 1)
		u8(r, 0);
	uni(r, "Windows Server 2008 R2 Standard 7601 Service Pack 1", 1);
	uni(r, "Windows Server 2008 R2 Standard 6.1", 1);
	set16(r, b, (unsigned)(r->n - b - 2));
	end(r);

	/* 2: TREE_CONNECT_ANDX \\PACS\IMAGES */
	q = &s->req[2];
	smb1_hdr(q, 0x75, 0, 0, 0, 0x0800, 3);
	u8(q, 4);
	w = q->n;
	zeros(q, 8);
	q->b[w] = 0xff;
	set16(q, w + 6, 1);	/* password length */
	b = q->n;
	u16(q, 0);
	u8(q, 0);		/* password */
	if ((q->n - S1(q)) & 1)
		u8(q, 0);
	uni(q, "\\\\PACS\\IMAGES", 1);
	ascii(q, "?????");
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[2];
	smb1_hdr(r, 0x75, 0, 1, 0x0801, 0x0800, 3);
	u8(r, 3);
	w = r->n;
	zeros(r, 6);
	r->b[w] = 0xff;
	b = r->n;
	u16(r, 0);
	ascii(r, "A:");
	uni(r, "NTFS", 1);
	set16(r, b, (unsigned)(r->n - b - 2));
	end(r);

	/* 3: NT_CREATE_ANDX study.dcm */
	q = &s->req[3];
	smb1_hdr(q, 0xa2, 0, 0, 0x0801, 0x0800, 4);
	u8(q, 24);
	w = q->n;
	zeros(q, 48);
	q->b[w] = 0xff;
	b = q->n;
	u16(q, 0);
	if ((q->n - S1(q)) & 1)
		u8(q, 0);
	uni(q, "study.dcm", 1);
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[3];
	smb1_hdr(r, 0xa2, 0, 1, 0x0801, 0x0800, 4);
	u8(r, 34);
	w = r->n;
	zeros(r, 68);
	r->b[w] = 0xff;
	set16(r, w + 5, 0x4000);	/* FID */
	u16(r, 0);
	end(r);

	/* 4: WRITE_ANDX 12 bytes to FID 0x4000 */
	q = &s->req[4];
	smb1_hdr(q, 0x2f, 0, 0, 0x0801, 0x0800, 5);
	u8(q, 14);
	w = q->n;
	zeros(q, 28);
	q->b[w] = 0xff;
	set16(q, w + 4, 0x4000);
	set16(q, w + 20, 12);	/* data length */
	b = q->n;
	u16(q, 13);
	u8(q, 0);		/* pad */
	set16(q, w + 22, (unsigned)(q->n - S1(q)));	/* data offset */
	put(q, "DICM-payload", 12);
	end(q);
	r = &s->resp[4];
	smb1_hdr(r, 0x2f, 0, 1, 0x0801, 0x0800, 5);
	u8(r, 6);
	w = r->n;
	zeros(r, 12);
	r->b[w] = 0xff;
	u16(r, 0);
	end(r);

	/* 5: READ_ANDX from FID 0x4000, 4 bytes back */
	q = &s->req[5];
	smb1_hdr(q, 0x2e, 0, 0, 0x0801, 0x0800, 6);
	u8(q, 12);
	w = q->n;
	zeros(q, 24);
	q->b[w] = 0xff;
	set16(q, w + 4, 0x4000);
	u16(q, 0);
	end(q);
	r = &s->resp[5];
	smb1_hdr(r, 0x2e, 0, 1, 0x0801, 0x0800, 6);
	u8(r, 12);
	w = r->n;
	zeros(r, 24);
	r->b[w] = 0xff;
	set16(r, w + 10, 4);
	u16(r, 5);
	u8(r, 0);
	set16(r, w + 12, (unsigned)(r->n - S1(r)));
	put(r, "DICM", 4);
	end(r);

	/* 6: CLOSE FID 0x4000 */
	q = &s->req[6];
	smb1_hdr(q, 0x04, 0, 0, 0x0801, 0x0800, 7);
	u8(q, 3);
	u16(q, 0x4000);
	u32(q, 0);
	u16(q, 0);
	end(q);
	r = &s->resp[6];
	smb1_hdr(r, 0x04, 0, 1, 0x0801, 0x0800, 7);
	u8(r, 0);
	u16(r, 0);
	end(r);

	/* 7: RENAME study.dcm -> study.old */
	q = &s->req[7];
	smb1_hdr(q, 0x07, 0, 0, 0x0801, 0x0800, 8);
	u8(q, 1);
	u16(q, 0x16);
	b = q->n;
	u16(q, 0);
	u8(q, 4);
	uni(q, "study.dcm", 1);
	u8(q, 4);
	u8(q, 0);		/* pad to 2 */
	uni(q, "study.old", 1);
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[7];
	smb1_hdr(r, 0x07, 0, 1, 0x0801, 0x0800, 8);
	u8(r, 0);
	u16(r, 0);
	end(r);

	/* 8: DELETE study.old, denied */
	q = &s->req[8];
	smb1_hdr(q, 0x06, 0, 0, 0x0801, 0x0800, 9);
	u8(q, 1);
	u16(q, 0x16);
	b = q->n;
	u16(q, 0);
	u8(q, 4);
	uni(q, "study.old", 1);
	set16(q, b, (unsigned)(q->n - b - 2));
	end(q);
	r = &s->resp[8];
	smb1_hdr(r, 0x06, 0xc0000022, 1, 0x0801, 0x0800, 9);
	u8(r, 0);
	u16(r, 0);
	end(r);
	s->n = 9;
}

static void
ctx_init(struct app_ctx *ctx, struct capture *c)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(c, 0, sizeof(*c));
	ctx->on_fact = on_fact;
	ctx->user = c;
	cur = c;
}

static void
feed(void *st, struct app_ctx *ctx, int dir, const struct pdu *p)
{
	size_t left = 1;

	assert_int_equal(mock_feed(&smb_parser, st, ctx, dir, p->b, p->n,
	    NULL, 0, &left), PARSE_OK);
	assert_int_equal(left, 0);
}

static void
test_smb1_session(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	void *st;
	unsigned i;

	(void)state;
	assert_non_null(s);
	assert_non_null(c);
	smb1_session(s);
	ctx_init(&ctx, c);
	st = smb_parser.state_new();
	for (i = 0; i < s->n; i++) {
		feed(st, &ctx, APP_DIR_TOSERVER, &s->req[i]);
		feed(st, &ctx, APP_DIR_TOCLIENT, &s->resp[i]);
	}
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(c->n, 9);

	/* Negotiate: offered and chosen dialects, the server GUID. */
	assert_int_equal(c->f[0].version, 1);
	assert_true(c->f[0].has_request && c->f[0].has_response);
	assert_int_equal(c->f[0].n_client_dialects, 2);
	assert_string_equal(c->f[0].client_dialects[1], "SMB 2.002");
	assert_string_equal(c->f[0].dialect, "NT LM 0.12");
	assert_true(c->f[0].has_server_guid);
	assert_int_equal(c->f[0].server_guid[15], 0x10);

	/* Session setup: NTLMSSP and the native strings of both ends. */
	assert_true(c->f[1].has_ntlmssp);
	assert_string_equal(c->f[1].ntlmssp.user, "ctuser");
	assert_string_equal(c->f[1].ntlmssp.domain, "HOSPITAL");
	assert_string_equal(c->f[1].ntlmssp.host, "CT-CONSOLE-01");
	assert_true(c->f[1].ntlmssp.has_version);
	assert_int_equal(c->f[1].ntlmssp.major, 6);
	assert_int_equal(c->f[1].ntlmssp.minor, 1);
	assert_int_equal(c->f[1].ntlmssp.build, 7601);
	assert_string_equal(c->f[1].req_native_os,
	    "Windows 7 Professional 7601 Service Pack 1");
	assert_string_equal(c->f[1].req_native_lm,
	    "Windows 7 Professional 6.1");
	assert_string_equal(c->f[1].resp_native_os,
	    "Windows Server 2008 R2 Standard 7601 Service Pack 1");
	assert_int_equal(c->f[1].session_id, 0x0800);
	assert_string_equal(c->f[1].dialect, "NT LM 0.12");

	/* Tree connect: the share, a disk. */
	assert_string_equal(c->f[2].share, "\\\\PACS\\IMAGES");
	assert_string_equal(c->f[2].share_type, "FILE");
	assert_int_equal(c->f[2].tree_id, 0x0801);

	/* Create, write, read and close name the file and the share. */
	assert_string_equal(c->f[3].filename, "study.dcm");
	assert_false(c->f[3].named_pipe);
	assert_string_equal(c->f[4].filename, "study.dcm");
	assert_true(c->f[4].has_size);
	assert_int_equal(c->f[4].size, 12);
	assert_string_equal(c->f[4].share, "\\\\PACS\\IMAGES");
	assert_string_equal(c->f[5].filename, "study.dcm");
	assert_int_equal(c->f[5].size, 4);
	assert_string_equal(c->f[6].filename, "study.dcm");
	assert_int_equal(c->f[6].command, 0x04);

	/* Rename and delete. */
	assert_true(c->f[7].rename);
	assert_string_equal(c->f[7].filename, "study.dcm");
	assert_string_equal(c->f[7].rename_to, "study.old");
	assert_true(c->f[8].delete);
	assert_string_equal(c->f[8].filename, "study.old");
	assert_int_equal(c->f[8].status, 0xc0000022);

	/* The rule engine saw every direction of every transaction, the
	 * write's and the read's data among them. */
	assert_int_equal(c->ninspect, 18);
	for (i = 0; i < c->ninspect; i++)
		assert_int_equal(c->version[i], '1');
	assert_int_equal(c->file_data[8], 12);	/* write request */
	assert_int_equal(c->file_data[11], 4);	/* read response */
	assert_string_equal(c->share[8], "\\\\PACS\\IMAGES");
	assert_true(c->bufmask[2] & (1u << (APP_BUF_SMB_NTLMSSP_USER -
	    APP_BUF_SMB_SHARE)));
	smb_parser.state_free(st);
	free(s);
	free(c);
}

/* ---- SMB2 on IPC$ ---- */

static void
smb2_hdr(struct pdu *p, uint16_t cmd, uint32_t status, int reply,
    uint64_t mid, uint32_t tid, uint64_t sid)
{
	put(p, "\xfeSMB", 4);
	u16(p, 64);
	u16(p, 1);
	u32(p, status);
	u16(p, cmd);
	u16(p, 1);
	u32(p, reply ? 1 : 0);
	u32(p, 0);
	u64(p, mid);
	u32(p, 0xfeff);
	u32(p, tid);
	u64(p, sid);
	zeros(p, 16);
}

#define H2(p)	((p)->start + 4)	/* SMB2 header of the PDU */

static const uint8_t fileid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	12, 13, 14, 15, 16 };

/* Build a whole SMB2 conversation: requests and responses in turn. */
static unsigned
smb2_session(struct pdu *q, struct pdu *r)
{
	size_t b;
	uint64_t sid = 0x0000100000000011ull;

	memset(q, 0, sizeof(*q) * 9);
	memset(r, 0, sizeof(*r) * 9);
	/* NEGOTIATE 2.02, 2.10, 3.00 -> 2.10 */
	begin(&q[0]);
	smb2_hdr(&q[0], 0, 0, 0, 0, 0, 0);
	u16(&q[0], 36); u16(&q[0], 3); zeros(&q[0], 32);
	u16(&q[0], 0x202); u16(&q[0], 0x210); u16(&q[0], 0x300);
	end(&q[0]);
	begin(&r[0]);
	smb2_hdr(&r[0], 0, 0, 1, 0, 0, 0);
	u16(&r[0], 65); u16(&r[0], 1); u16(&r[0], 0x210); u16(&r[0], 0);
	put(&r[0], fileid, 16);
	zeros(&r[0], 40);
	end(&r[0]);
	/* SESSION_SETUP with AUTHENTICATE */
	begin(&q[1]);
	smb2_hdr(&q[1], 1, 0, 0, 1, 0, sid);
	b = q[1].n;
	u16(&q[1], 25); zeros(&q[1], 10); u16(&q[1], 88); u16(&q[1], 0);
	zeros(&q[1], 8);
	ntlm_auth(&q[1], "HOSPITAL", "svc", "MODALITY7", 0x02088205);
	set16(&q[1], b + 14, (unsigned)(q[1].n - b - 24));
	end(&q[1]);
	begin(&r[1]);
	smb2_hdr(&r[1], 1, 0, 1, 1, 0, sid);
	u16(&r[1], 9); u16(&r[1], 0); u16(&r[1], 72); u16(&r[1], 0);
	end(&r[1]);
	/* TREE_CONNECT \\srv\IPC$ -> pipe */
	begin(&q[2]);
	smb2_hdr(&q[2], 3, 0, 0, 2, 0, sid);
	u16(&q[2], 9); u16(&q[2], 0); u16(&q[2], 72); u16(&q[2], 20);
	uni(&q[2], "\\\\srv\\IPC$", 0);
	end(&q[2]);
	begin(&r[2]);
	smb2_hdr(&r[2], 3, 0, 1, 2, 5, sid);
	u16(&r[2], 16); u8(&r[2], 2); u8(&r[2], 0); zeros(&r[2], 12);
	end(&r[2]);
	/* CREATE srvsvc */
	begin(&q[3]);
	smb2_hdr(&q[3], 5, 0, 0, 3, 5, sid);
	b = q[3].n;
	u16(&q[3], 57); zeros(&q[3], 54);
	set16(&q[3], b + 44, 120);
	set16(&q[3], b + 46, 12);
	uni(&q[3], "srvsvc", 0);
	end(&q[3]);
	begin(&r[3]);
	smb2_hdr(&r[3], 5, 0, 1, 3, 5, sid);
	b = r[3].n;
	u16(&r[3], 89); zeros(&r[3], 62);
	put(&r[3], fileid, 16);
	zeros(&r[3], 8);
	end(&r[3]);
	/* WRITE 8 bytes */
	begin(&q[4]);
	smb2_hdr(&q[4], 9, 0, 0, 4, 5, sid);
	u16(&q[4], 49); u16(&q[4], 112); u32(&q[4], 8); u64(&q[4], 0);
	put(&q[4], fileid, 16);
	zeros(&q[4], 16);
	put(&q[4], "\x05\x00\x0b\x03rpc", 8);
	end(&q[4]);
	begin(&r[4]);
	smb2_hdr(&r[4], 9, 0, 1, 4, 5, sid);
	u16(&r[4], 17); zeros(&r[4], 14);
	end(&r[4]);
	/* READ: an interim STATUS_PENDING, then 6 bytes */
	begin(&q[5]);
	smb2_hdr(&q[5], 8, 0, 0, 5, 5, sid);
	u16(&q[5], 49); u8(&q[5], 0); u8(&q[5], 0); u32(&q[5], 1024);
	u64(&q[5], 0);
	put(&q[5], fileid, 16);
	zeros(&q[5], 17);
	end(&q[5]);
	begin(&r[5]);
	smb2_hdr(&r[5], 8, 0x103, 1, 5, 5, sid);
	set32(&r[5], H2(&r[5]) + 16, 3);	/* response, async */
	u16(&r[5], 9); zeros(&r[5], 7);
	end(&r[5]);
	begin(&r[5]);
	smb2_hdr(&r[5], 8, 0, 1, 5, 5, sid);
	u16(&r[5], 17); u8(&r[5], 80); u8(&r[5], 0); u32(&r[5], 6);
	zeros(&r[5], 8);
	put(&r[5], "\x05\x00\x0c\x03ok", 6);
	end(&r[5]);
	/* SET_INFO rename to "new.txt" */
	begin(&q[6]);
	smb2_hdr(&q[6], 17, 0, 0, 6, 5, sid);
	u16(&q[6], 33); u8(&q[6], 1); u8(&q[6], 10); u32(&q[6], 34);
	u16(&q[6], 96); u16(&q[6], 0); u32(&q[6], 0);
	put(&q[6], fileid, 16);
	zeros(&q[6], 16);
	u32(&q[6], 14);
	uni(&q[6], "new.txt", 0);
	end(&q[6]);
	begin(&r[6]);
	smb2_hdr(&r[6], 17, 0, 1, 6, 5, sid);
	u16(&r[6], 2);
	end(&r[6]);
	/* SET_INFO delete */
	begin(&q[7]);
	smb2_hdr(&q[7], 17, 0, 0, 7, 5, sid);
	u16(&q[7], 33); u8(&q[7], 1); u8(&q[7], 13); u32(&q[7], 1);
	u16(&q[7], 96); u16(&q[7], 0); u32(&q[7], 0);
	put(&q[7], fileid, 16);
	u8(&q[7], 1);
	end(&q[7]);
	begin(&r[7]);
	smb2_hdr(&r[7], 17, 0, 1, 7, 5, sid);
	u16(&r[7], 2);
	end(&r[7]);
	/* CLOSE */
	begin(&q[8]);
	smb2_hdr(&q[8], 6, 0, 0, 8, 5, sid);
	u16(&q[8], 24); u16(&q[8], 0); u32(&q[8], 0);
	put(&q[8], fileid, 16);
	end(&q[8]);
	begin(&r[8]);
	smb2_hdr(&r[8], 6, 0, 1, 8, 5, sid);
	u16(&r[8], 60); zeros(&r[8], 58);
	end(&r[8]);
	return 9;
}

static void
test_smb2_session(void **state)
{
	struct pdu *q = malloc(9 * sizeof(*q)), *r = malloc(9 * sizeof(*r));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	unsigned i, n;
	void *st;

	(void)state;
	n = smb2_session(q, r);
	ctx_init(&ctx, c);
	st = smb_parser.state_new();
	for (i = 0; i < n; i++) {
		feed(st, &ctx, APP_DIR_TOSERVER, &q[i]);
		feed(st, &ctx, APP_DIR_TOCLIENT, &r[i]);
	}
	if (ctx.n_anom > 0)
		fail_msg("anomaly %d", ctx.anom[0] - EV_SMB_BAD_NBSS_TYPE);
	assert_int_equal(c->n, 9);
	assert_int_equal(c->f[0].version, 2);
	assert_int_equal(c->f[0].n_client_dialects, 3);
	assert_string_equal(c->f[0].client_dialects[2], "3.00");
	assert_string_equal(c->f[0].dialect, "2.10");
	assert_true(c->f[0].has_server_guid);
	assert_string_equal(c->f[1].ntlmssp.user, "svc");
	assert_string_equal(c->f[1].ntlmssp.host, "MODALITY7");
	assert_int_equal(c->f[1].ntlmssp.build, 7601);
	assert_int_equal(c->f[1].session_id, 0x0000100000000011ull);
	assert_string_equal(c->f[2].share, "\\\\srv\\IPC$");
	assert_string_equal(c->f[2].share_type, "PIPE");
	assert_int_equal(c->f[2].tree_id, 5);
	assert_string_equal(c->f[3].filename, "srvsvc");
	assert_true(c->f[3].named_pipe);
	assert_string_equal(c->f[3].share, "\\\\srv\\IPC$");
	assert_string_equal(c->f[4].filename, "srvsvc");
	assert_int_equal(c->f[4].size, 8);
	assert_true(c->f[4].named_pipe);
	/* The interim response is not a transaction of its own. */
	assert_int_equal(c->f[5].command, 8);
	assert_int_equal(c->f[5].status, 0);
	assert_int_equal(c->f[5].size, 6);
	assert_true(c->f[6].rename);
	assert_string_equal(c->f[6].rename_to, "new.txt");
	assert_string_equal(c->f[6].filename, "srvsvc");
	assert_true(c->f[7].delete);
	assert_int_equal(c->f[8].command, 6);
	assert_string_equal(c->f[8].filename, "srvsvc");
	/* Rule buffers: the pipe, the share, SMB version 2, file data. */
	assert_string_equal(c->pipe[6], "srvsvc");
	assert_string_equal(c->share[6], "\\\\srv\\IPC$");
	assert_int_equal(c->version[6], '2');
	assert_int_equal(c->file_data[8], 8);	/* write request */
	assert_int_equal(c->file_data[11], 6);	/* read response */
	smb_parser.state_free(st);
	free(q);
	free(r);
	free(c);
}

/* One stream of all the SMB1 requests, one of all the responses. */
static void
concat(const struct pdu *in, unsigned n, struct pdu *out)
{
	unsigned i;

	out->n = 0;
	for (i = 0; i < n; i++)
		put(out, in[i].b, in[i].n);
}

/* Every prefix of each direction: no crash, no error, no over-read
 * (ASan), never more facts than the whole stream gives. */
static void
test_smb_truncations(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *all = malloc(sizeof(*all));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	size_t n, left;
	int dir;
	void *st;

	(void)state;
	smb1_session(s);
	for (dir = 0; dir < 2; dir++) {
		concat(dir == 0 ? s->req : s->resp, s->n, all);
		for (n = 0; n <= all->n; n++) {
			ctx_init(&ctx, c);
			st = smb_parser.state_new();
			assert_int_not_equal(mock_feed(&smb_parser, st, &ctx,
			    dir, all->b, n, NULL, 0, &left), PARSE_ERROR);
			assert_int_equal(ctx.n_anom, 0);
			smb_parser.gap(st, &ctx, dir);
			assert_true(c->n <= s->n);
			smb_parser.state_free(st);
		}
	}
	free(s);
	free(all);
	free(c);
}

/* Every two-way split of each direction gives what the whole does. */
static void
test_smb_every_split(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *all = malloc(sizeof(*all));
	struct capture *c = malloc(sizeof(*c));
	struct capture *want = malloc(sizeof(*want));
	struct app_ctx ctx;
	size_t sp, left;
	unsigned i;
	int dir;
	void *st;

	(void)state;
	smb1_session(s);
	for (dir = 0; dir < 2; dir++) {
		concat(dir == 0 ? s->req : s->resp, s->n, all);
		ctx_init(&ctx, want);
		st = smb_parser.state_new();
		(void)mock_feed(&smb_parser, st, &ctx, dir, all->b, all->n,
		    NULL, 0, &left);
		smb_parser.gap(st, &ctx, dir);
		smb_parser.state_free(st);
		assert_int_equal(want->n, s->n);
		for (sp = 1; sp < all->n; sp++) {
			ctx_init(&ctx, c);
			st = smb_parser.state_new();
			assert_int_equal(mock_feed(&smb_parser, st, &ctx, dir,
			    all->b, all->n, &sp, 1, &left), PARSE_OK);
			assert_int_equal(left, 0);
			smb_parser.gap(st, &ctx, dir);
			assert_int_equal(c->n, want->n);
			for (i = 0; i < c->n; i++) {
				assert_int_equal(c->f[i].command,
				    want->f[i].command);
				assert_string_equal(c->f[i].filename,
				    want->f[i].filename);
				assert_string_equal(c->f[i].ntlmssp.host,
				    want->f[i].ntlmssp.host);
				assert_string_equal(c->f[i].req_native_os,
				    want->f[i].req_native_os);
			}
			smb_parser.state_free(st);
		}
	}
	free(s);
	free(all);
	free(c);
	free(want);
}

/* Run one PDU through a fresh state; return the capture. */
static void
one(const struct pdu *p, int dir, struct app_ctx *ctx, struct capture *c,
    enum parse_result want)
{
	void *st = smb_parser.state_new();
	size_t left;

	ctx_init(ctx, c);
	assert_int_equal(mock_feed(&smb_parser, st, ctx, dir, p->b, p->n,
	    NULL, 0, &left), want);
	smb_parser.gap(st, ctx, dir);
	smb_parser.state_free(st);
}

static void
test_smb_hostile_lengths(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *p = malloc(sizeof(*p));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	size_t w;

	(void)state;
	smb1_session(s);

	/* A security blob longer than the bytes. */
	*p = s->req[1];
	w = S1(p) + 33;
	set16(p, w + 14, 0xfff0);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));
	assert_int_equal(c->n, 1);
	assert_false(c->f[0].has_ntlmssp);

	/* A byte count past the PDU. */
	*p = s->req[2];
	set16(p, S1(p) + 33 + 8, 0xffff);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));

	/* A word count past the PDU. */
	*p = s->req[6];
	p->b[S1(p) + 32] = 200;
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));

	/* Write data offset and length outside the PDU. */
	*p = s->req[4];
	set16(p, S1(p) + 33 + 22, 0xfff0);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));
	assert_int_equal(c->file_data[0], 0);

	/* NTLMSSP user name pointing outside the message. */
	*p = s->req[1];
	w = S1(p) + 33 + 24 + 2;	/* the blob */
	set32(p, w + 40, 0x7ffffff0);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_NTLMSSP_MALFORMED));
	assert_string_equal(c->f[0].ntlmssp.user, "");

	/* Not a session message type: the direction stops. */
	*p = s->req[0];
	p->b[0] = 0x42;
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_BAD_NBSS_TYPE));

	/* No SMB signature. */
	*p = s->req[0];
	p->b[5] = 'X';
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_MALFORMED_HEADER));

	/* A PDU shorter than its header is skipped; the next is read. */
	p->n = 0;
	begin(p);
	put(p, "\xffSMB\x72", 5);
	end(p);
	put(p, s->req[0].b, s->req[0].n);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_PDU_TOO_SHORT));
	assert_int_equal(c->n, 1);

	/* A request sent by the server. */
	one(&s->req[0], APP_DIR_TOCLIENT, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_WRONG_DIRECTION));

	/* SMB2: next command outside the PDU, then a bad header size. */
	p->n = 0;
	begin(p);
	smb2_hdr(p, 13, 0, 0, 1, 0, 0);
	u16(p, 4); u16(p, 0);
	set32(p, H2(p) + 20, 0x1000);
	end(p);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));
	assert_int_equal(c->n, 1);
	set32(p, H2(p) + 20, 0);
	set16(p, H2(p) + 4, 63);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_MALFORMED_HEADER));

	/* SMB2 tree connect path outside the PDU. */
	p->n = 0;
	begin(p);
	smb2_hdr(p, 3, 0, 0, 1, 0, 0);
	u16(p, 9); u16(p, 0); u16(p, 72); u16(p, 0xffff);
	end(p);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_LENGTH_EXCEEDS_PDU));
	assert_string_equal(c->f[0].share, "");
	free(s);
	free(p);
	free(c);
}

/* A write longer than the parser holds: its first 64 KiB to the rule
 * engine, the rest skipped, and the next PDU read. */
static void
test_smb_long_write(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *p = malloc(sizeof(*p));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	size_t w, dlen = 70000;

	(void)state;
	smb1_session(s);
	p->n = 0;
	smb1_hdr(p, 0x2f, 0, 0, 0x0801, 0x0800, 5);
	u8(p, 14);
	w = p->n;
	zeros(p, 28);
	p->b[w] = 0xff;
	set16(p, w + 20, dlen & 0xffff);
	set16(p, w + 18, (unsigned)(dlen >> 16));
	u16(p, 0);
	set16(p, w + 22, (unsigned)(p->n - S1(p)));
	zeros(p, dlen);
	end(p);
	put(p, s->req[6].b, s->req[6].n);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_int_equal(ctx.n_anom, 0);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->f[0].size, dlen);
	assert_true(c->file_data[0] > 60000 && c->file_data[0] <= SMB_MAX_HOLD);
	assert_int_equal(c->f[1].command, 0x04);
	free(s);
	free(p);
	free(c);
}

/* SMB1 transactions: primary, secondary, response. */
static void
trans(struct pdu *p, uint8_t cmd, uint16_t mid, uint32_t total,
    uint32_t count, uint16_t subcmd)
{
	size_t w;

	smb1_hdr(p, cmd, 0, 0, 0x0801, 0x0800, mid);
	if (cmd == 0xa0) {		/* NT_TRANS */
		u8(p, 20);
		w = p->n;
		zeros(p, 40);
		set32(p, w + 7, total);
		set32(p, w + 27, count);
		p->b[w + 35] = 1;
		set16(p, w + 36, subcmd);
	} else if (cmd == 0x32 || cmd == 0x25) {
		u8(p, 15);
		w = p->n;
		zeros(p, 30);
		set16(p, w + 2, total);
		set16(p, w + 22, count);
		p->b[w + 26] = 1;
		set16(p, w + 28, subcmd);
	} else {			/* TRANS2_SECONDARY */
		u8(p, 9);
		w = p->n;
		zeros(p, 18);
		set16(p, w + 2, total);
		set16(p, w + 10, count);	/* DataCount */
		set16(p, w + 14, subcmd);	/* DataDisplacement */
	}
	u16(p, 0);
	end(p);
}

static void
test_smb_eternalblue(void **state)
{
	struct pdu *p = malloc(sizeof(*p));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;

	(void)state;
	p->n = 0;
	/* NT_TRANS function 0, 66512 bytes announced, 1000 sent ... */
	trans(p, 0xa0, 0x41, 0x103d0, 1000, 0);
	/* ... continued with TRANS2_SECONDARY, past the total. */
	trans(p, 0x33, 0x41, 0xffff, 4000, 0xfff0);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_NT_TRANSACT_UNIMPLEMENTED));
	assert_true(mock_has_anomaly(&ctx, EV_SMB_TRANSACTION_TOO_LARGE));
	assert_true(mock_has_anomaly(&ctx, EV_SMB_TRANSACTION_MISMATCH));
	/* The secondary is reported at once, the primary at the gap. */
	assert_int_equal(c->n, 2);
	assert_int_equal(c->f[0].command, 0x33);
	assert_true(c->f[0].flags & SMB_F_TRANS_MISMATCH);
	assert_int_equal(c->f[1].command, 0xa0);
	assert_true(c->f[1].flags & SMB_F_OVERSIZED);
	assert_true(c->f[1].flags & SMB_F_NT_UNIMPLEMENTED);

	/* A well-formed NT_TRANS and its own secondary: no tell. */
	p->n = 0;
	trans(p, 0xa0, 0x42, 3000, 1000, 1);
	trans(p, 0xa1, 0x42, 0, 0, 0);
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_int_equal(ctx.n_anom, 0);
	free(p);
	free(c);
}

static void
test_smb_doublepulsar(void **state)
{
	struct pdu *q = malloc(sizeof(*q)), *r = malloc(sizeof(*r));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	void *st;

	(void)state;
	q->n = r->n = 0;
	trans(q, 0x32, 0x41, 12, 12, 0x000e);
	smb1_hdr(r, 0x32, 0xc0000002, 1, 0x0801, 0x0800, 0x51);
	u8(r, 0);
	u16(r, 0);
	end(r);
	ctx_init(&ctx, c);
	st = smb_parser.state_new();
	feed(st, &ctx, APP_DIR_TOSERVER, q);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_TRANS2_SESSION_SETUP));
	assert_false(mock_has_anomaly(&ctx, EV_SMB_DOUBLEPULSAR));
	feed(st, &ctx, APP_DIR_TOCLIENT, r);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_DOUBLEPULSAR));
	assert_int_equal(c->n, 1);
	assert_true(c->f[0].has_request && c->f[0].has_response);
	assert_true(c->f[0].flags & SMB_F_DOUBLEPULSAR);
	assert_int_equal(c->f[0].subcmd, 0x000e);
	assert_int_equal(c->f[0].status, 0xc0000002);
	smb_parser.state_free(st);

	/* An ordinary reply with the request's mid: no implant. */
	r->n = 0;
	smb1_hdr(r, 0x32, 0xc0000002, 1, 0x0801, 0x0800, 0x41);
	u8(r, 0);
	u16(r, 0);
	end(r);
	ctx_init(&ctx, c);
	st = smb_parser.state_new();
	feed(st, &ctx, APP_DIR_TOSERVER, q);
	feed(st, &ctx, APP_DIR_TOCLIENT, r);
	assert_false(mock_has_anomaly(&ctx, EV_SMB_DOUBLEPULSAR));
	smb_parser.state_free(st);
	free(q);
	free(r);
	free(c);
}

static void
test_smb_eternalromance(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *p = malloc(sizeof(*p));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	unsigned i;

	(void)state;
	smb1_session(s);
	p->n = 0;
	/* The transaction to write into, then a groom of many more. */
	trans(p, 0x25, 0x0005, 21504, 0, 0x23);
	for (i = 0; i < 40; i++)
		trans(p, 0x25, (uint16_t)(100 + i), 21504, 0, 0x23);
	put(p, s->req[4].b, s->req[4].n);	/* WRITE_ANDX, mid 5 */
	one(p, APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_true(mock_has_anomaly(&ctx, EV_SMB_WRITE_INTO_TRANSACTION));

	/* The same write with no transaction open: nothing. */
	one(&s->req[4], APP_DIR_TOSERVER, &ctx, c, PARSE_OK);
	assert_int_equal(ctx.n_anom, 0);
	free(s);
	free(p);
	free(c);
}

/* After a gap the parser finds the next PDU. */
static void
test_smb_gap(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	struct pdu *p = malloc(sizeof(*p));
	struct capture *c = malloc(sizeof(*c));
	struct app_ctx ctx;
	size_t left;
	void *st;

	(void)state;
	smb1_session(s);
	p->n = 0;
	put(p, s->req[2].b + 17, s->req[2].n - 17);	/* a tail */
	put(p, s->req[3].b, s->req[3].n);
	ctx_init(&ctx, c);
	st = smb_parser.state_new();
	smb_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(mock_feed(&smb_parser, st, &ctx, APP_DIR_TOSERVER,
	    p->b, p->n, NULL, 0, &left), PARSE_OK);
	smb_parser.gap(st, &ctx, APP_DIR_TOSERVER);
	assert_int_equal(c->n, 1);
	assert_string_equal(c->f[0].filename, "study.dcm");
	smb_parser.state_free(st);
	free(s);
	free(p);
	free(c);
}

static void
test_smb_probe(void **state)
{
	struct smb1_sess *s = malloc(sizeof(*s));
	static const uint8_t nbss_req[4] = { 0x81, 0, 0, 68 };
	size_t n;

	(void)state;
	smb1_session(s);
	for (n = 1; n < 8; n++)
		assert_int_equal(smb_parser.probe(s->req[0].b, n,
		    APP_DIR_TOSERVER), APP_PROBE_MAYBE);
	assert_int_equal(smb_parser.probe(s->req[0].b, s->req[0].n,
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(smb_parser.probe(nbss_req, 4, APP_DIR_TOSERVER),
	    APP_PROBE_YES);
	assert_int_equal(smb_parser.probe((const uint8_t *)"GET / HTTP", 10,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(smb_parser.probe((const uint8_t *)"\0\0\0\x10\xffSMX",
	    8, APP_DIR_TOSERVER), APP_PROBE_NO);
	free(s);
}

static void
test_smb_eve(void **state)
{
	struct smb_facts f;
	struct jsonw jw;
	char *s;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.version = 1;
	f.has_request = f.has_response = true;
	f.command = 0x73;
	f.status = 0xc000006d;
	f.session_id = 2048;
	(void)snprintf(f.dialect, sizeof(f.dialect), "NT LM 0.12");
	f.has_ntlmssp = true;
	(void)snprintf(f.ntlmssp.user, sizeof(f.ntlmssp.user), "ctuser");
	(void)snprintf(f.ntlmssp.host, sizeof(f.ntlmssp.host), "CT-CONSOLE");
	f.ntlmssp.has_version = true;
	f.ntlmssp.major = 6;
	f.ntlmssp.minor = 1;
	f.ntlmssp.build = 7601;
	f.has_client_version = true;
	f.client_major = 6;
	f.client_minor = 1;
	f.client_build = 7601;
	(void)snprintf(f.req_native_os, sizeof(f.req_native_os), "Win \"7\"");
	jsonw_init(&jw, 4096);
	jsonw_obj_open(&jw);
	smb_parser.eve(&jw, &f);
	assert_true(smb_parser.has_extra(&f));
	jsonw_key(&jw, "wardwatch");
	jsonw_obj_open(&jw);
	smb_parser.eve_extra(&jw, &f);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	s = strndup(jw.buf, jw.len);
	assert_non_null(strstr(s, "\"command\":\"SMB1_COMMAND_SESSION_SETUP_ANDX\""));
	assert_non_null(strstr(s, "\"status\":\"STATUS_LOGON_FAILURE\""));
	assert_non_null(strstr(s, "\"status_code\":\"0xc000006d\""));
	assert_non_null(strstr(s, "\"dialect\":\"NT LM 0.12\""));
	assert_non_null(strstr(s, "\"version\":\"6.1 build 7601\""));
	assert_non_null(strstr(s, "\"native_os\":\"Win \\\"7\\\"\""));
	assert_non_null(strstr(s,
	    "\"client_windows\":\"Windows 7 or Server 2008 R2\""));
	free(s);
	jsonw_free(&jw);
	assert_string_equal(smb_windows_name(10, 0, 22631),
	    "Windows 11 or Server 2022+");
	assert_null(smb_windows_name(4, 0, 0));
	assert_string_equal(smb2_command_name(5), "SMB2_COMMAND_CREATE");
	assert_null(smb2_command_name(19));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smb1_session),
		cmocka_unit_test(test_smb2_session),
		cmocka_unit_test(test_smb_truncations),
		cmocka_unit_test(test_smb_every_split),
		cmocka_unit_test(test_smb_hostile_lengths),
		cmocka_unit_test(test_smb_long_write),
		cmocka_unit_test(test_smb_eternalblue),
		cmocka_unit_test(test_smb_doublepulsar),
		cmocka_unit_test(test_smb_eternalromance),
		cmocka_unit_test(test_smb_gap),
		cmocka_unit_test(test_smb_probe),
		cmocka_unit_test(test_smb_eve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
