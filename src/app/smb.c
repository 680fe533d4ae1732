/*
 * app/smb.c - SMB1 (MS-CIFS, MS-SMB) and SMB2/3 (MS-SMB2) over TCP.
 *
 * Framing is NetBIOS session service (RFC 1002 4.3) on both ports 139
 * and 445: a type byte, then a 24-bit big-endian length (port 445
 * uses all 24 bits, NBSS 17; both fit), then the PDU:
 *
 *	0x00 len[3] "\xffSMB" SMB1 header (32) wc words[wc] bc bytes[bc]
 *	0x00 len[3] "\xfeSMB" SMB2 header (64) body [next command ...]
 *	0x00 len[3] "\xfdSMB" SMB3 transform header: encrypted, counted
 *	0x81..0x85  session request, responses, keep-alive: skipped
 *
 * A PDU is held whole up to SMB_MAX_HOLD; a longer one (a large read
 * or write) is parsed from its first SMB_MAX_HOLD bytes and the rest
 * skipped.  Every offset and length read from the wire is checked
 * against the PDU it sits in; one that points outside raises
 * smb.length_exceeds_pdu and the field is ignored, never read.
 *
 * Requests wait for their responses in a small queue (SMB_MAX_PENDING)
 * keyed by SMB1 multiplex id or SMB2 message id; a full queue or a gap
 * reports the oldest alone.  A few tables remember what later commands
 * refer to: tree ids to shares, file ids to names, open SMB1
 * transactions to their kind, each a few entries that recycle.
 *
 * The SMB1 transactions that MS17-010 exploits abuse are watched as
 * Zeek's EternalSafety watches them: an NT_TRANSACT of more data than
 * a TRANS2 can carry, a secondary of another kind than its primary
 * (EternalBlue), NT_TRANSACT NT_RENAME (EternalBlue, EternalChampion),
 * TRANS2 SESSION_SETUP (DoublePulsar's channel) and the implant's
 * reply to it, whose multiplex id is the request's plus 16, and a
 * WRITE_ANDX into an open transaction (EternalRomance, EternalSynergy).
 */
#include <config.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/smb.h"
#include "output/jsonw.h"
#include "util/events.h"
#include "util/util.h"

#define SMB1_HDR_LEN		32
#define SMB2_HDR_LEN		64
#define SMB3_TRANSFORM_LEN	52
#define SMB_MID_BITMAP		(65536 / 8)

/* SMB1 header fields. */
#define SMB1_FLAGS_REPLY	0x80
#define SMB1_FLAGS2_UNICODE	0x8000
#define SMB1_FLAGS2_EXT_SEC	0x0800

/* SMB1 commands. */
#define SMB1_CLOSE		0x04
#define SMB1_DELETE		0x06
#define SMB1_RENAME		0x07
#define SMB1_TRANS		0x25
#define SMB1_TRANS_SEC		0x26
#define SMB1_READ_ANDX		0x2e
#define SMB1_WRITE_ANDX		0x2f
#define SMB1_TRANS2		0x32
#define SMB1_TRANS2_SEC		0x33
#define SMB1_NEGOTIATE		0x72
#define SMB1_SESSION_SETUP	0x73
#define SMB1_TREE_CONNECT	0x75
#define SMB1_NT_TRANS		0xa0
#define SMB1_NT_TRANS_SEC	0xa1
#define SMB1_NT_CREATE		0xa2
#define SMB1_NT_CANCEL		0xa4

#define SMB1_TRANS2_SESSION_SETUP	0x000e
#define SMB1_NT_TRANS_RENAME		0x0005

/* SMB2 commands. */
#define SMB2_NEGOTIATE		0
#define SMB2_SESSION_SETUP	1
#define SMB2_TREE_CONNECT	3
#define SMB2_CREATE		5
#define SMB2_CLOSE		6
#define SMB2_READ		8
#define SMB2_WRITE		9
#define SMB2_CANCEL		12
#define SMB2_SET_INFO		17
#define SMB2_OPLOCK_BREAK	18

#define SMB2_FLAGS_RESPONSE	0x00000001
#define SMB2_FLAGS_ASYNC	0x00000002

#define STATUS_PENDING		0x00000103

#define NTLMSSP_NEGOTIATE_UNICODE	0x00000001
#define NTLMSSP_NEGOTIATE_VERSION	0x02000000

enum smb_trans_kind { SMB_TK_NONE, SMB_TK_TRANS, SMB_TK_TRANS2, SMB_TK_NT };

struct smb_dir {
	uint32_t	 skip;		/* bytes of a long PDU still to skip */
	bool		 lost;		/* after a gap: find a PDU start */
};

struct smb_tree {
	uint32_t	 tid;
	bool		 used;
	bool		 pipe;
	char		 share[SMB_NAME_LEN];
};

struct smb_file {
	uint8_t		 fid[16];	/* SMB1: 2 bytes, rest zero */
	bool		 used;
	bool		 pipe;
	char		 name[SMB_NAME_LEN];
};

struct smb_trans {
	uint16_t	 mid;
	enum smb_trans_kind kind;
	uint32_t	 total_data;
	uint32_t	 seen_data;
	uint64_t	 seq;		/* when it opened */
};

struct smb_state {
	struct smb_dir	 dir[2];
	uint8_t		 version;
	bool		 unicode_default;
	bool		 encrypted_seen;
	char		 dialect[SMB_DIALECT_LEN];
	unsigned	 n_client_dialects;
	char		 client_dialects[SMB_MAX_DIALECTS][SMB_DIALECT_LEN];
	struct smb_facts pending[SMB_MAX_PENDING];
	unsigned	 npending;
	struct smb_tree	 trees[SMB_MAX_TREES];
	unsigned	 tree_next;
	struct smb_file	 files[SMB_MAX_FILES];
	unsigned	 file_next;
	struct smb_trans trans[SMB_MAX_TRANS];
	uint64_t	 trans_seq;
	/* SMB1 multiplex ids of transactions still open (a primary that
	 * announced more data, no final response yet): 8 KiB, allocated
	 * with the first such transaction. */
	uint8_t		*open_mids;
	uint64_t	 transactions;
};

/* One PDU as the handlers see it: view bytes of a PDU of len bytes. */
struct smb_pdu {
	const uint8_t	*p;
	size_t		 view;		/* bytes present */
	size_t		 len;		/* the PDU's length on the wire */
};

/* The bytes a command handler hands to the rule engine. */
struct smb_data {
	const uint8_t	*p;
	size_t		 len;
};

static const uint16_t smb_ports[] = { 445, 139, 0 };

/* ---- names ---- */

const char *
smb1_command_name(uint8_t c)
{
	switch (c) {
	case 0x00: return "SMB1_COMMAND_CREATE_DIRECTORY";
	case 0x01: return "SMB1_COMMAND_DELETE_DIRECTORY";
	case 0x02: return "SMB1_COMMAND_OPEN";
	case 0x03: return "SMB1_COMMAND_CREATE";
	case 0x04: return "SMB1_COMMAND_CLOSE";
	case 0x05: return "SMB1_COMMAND_FLUSH";
	case 0x06: return "SMB1_COMMAND_DELETE";
	case 0x07: return "SMB1_COMMAND_RENAME";
	case 0x08: return "SMB1_COMMAND_QUERY_INFORMATION";
	case 0x09: return "SMB1_COMMAND_SET_INFORMATION";
	case 0x0a: return "SMB1_COMMAND_READ";
	case 0x0b: return "SMB1_COMMAND_WRITE";
	case 0x10: return "SMB1_COMMAND_CHECK_DIRECTORY";
	case 0x24: return "SMB1_COMMAND_LOCKING_ANDX";
	case 0x25: return "SMB1_COMMAND_TRANS";
	case 0x26: return "SMB1_COMMAND_TRANS_SECONDARY";
	case 0x2b: return "SMB1_COMMAND_ECHO";
	case 0x2d: return "SMB1_COMMAND_OPEN_ANDX";
	case 0x2e: return "SMB1_COMMAND_READ_ANDX";
	case 0x2f: return "SMB1_COMMAND_WRITE_ANDX";
	case 0x32: return "SMB1_COMMAND_TRANS2";
	case 0x33: return "SMB1_COMMAND_TRANS2_SECONDARY";
	case 0x34: return "SMB1_COMMAND_FIND_CLOSE2";
	case 0x71: return "SMB1_COMMAND_TREE_DISCONNECT";
	case 0x72: return "SMB1_COMMAND_NEGOTIATE_PROTOCOL";
	case 0x73: return "SMB1_COMMAND_SESSION_SETUP_ANDX";
	case 0x74: return "SMB1_COMMAND_LOGOFF_ANDX";
	case 0x75: return "SMB1_COMMAND_TREE_CONNECT_ANDX";
	case 0x80: return "SMB1_COMMAND_QUERY_INFO_DISK";
	case 0x81: return "SMB1_COMMAND_SEARCH";
	case 0xa0: return "SMB1_COMMAND_NT_TRANS";
	case 0xa1: return "SMB1_COMMAND_NT_TRANS_SECONDARY";
	case 0xa2: return "SMB1_COMMAND_NT_CREATE_ANDX";
	case 0xa4: return "SMB1_COMMAND_NT_CANCEL";
	case 0xa5: return "SMB1_COMMAND_NT_RENAME";
	default:   return NULL;
	}
}

const char *
smb2_command_name(uint16_t c)
{
	static const char *const names[] = {
		"SMB2_COMMAND_NEGOTIATE_PROTOCOL", "SMB2_COMMAND_SESSION_SETUP",
		"SMB2_COMMAND_SESSION_LOGOFF", "SMB2_COMMAND_TREE_CONNECT",
		"SMB2_COMMAND_TREE_DISCONNECT", "SMB2_COMMAND_CREATE",
		"SMB2_COMMAND_CLOSE", "SMB2_COMMAND_FLUSH",
		"SMB2_COMMAND_READ", "SMB2_COMMAND_WRITE",
		"SMB2_COMMAND_LOCK", "SMB2_COMMAND_IOCTL",
		"SMB2_COMMAND_CANCEL", "SMB2_COMMAND_KEEPALIVE",
		"SMB2_COMMAND_FIND", "SMB2_COMMAND_CHANGE_NOTIFY",
		"SMB2_COMMAND_GET_INFO", "SMB2_COMMAND_SET_INFO",
		"SMB2_COMMAND_OPLOCK_BREAK",
	};

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : NULL;
}

const char *
smb_status_name(uint32_t s)
{
	switch (s) {
	case 0x00000000: return "STATUS_SUCCESS";
	case 0x00000103: return "STATUS_PENDING";
	case 0x0000010c: return "STATUS_NOTIFY_ENUM_DIR";
	case 0x80000005: return "STATUS_BUFFER_OVERFLOW";
	case 0x80000006: return "STATUS_NO_MORE_FILES";
	case 0xc0000001: return "STATUS_UNSUCCESSFUL";
	case 0xc0000002: return "STATUS_NOT_IMPLEMENTED";
	case 0xc0000003: return "STATUS_INVALID_INFO_CLASS";
	case 0xc0000008: return "STATUS_INVALID_HANDLE";
	case 0xc000000d: return "STATUS_INVALID_PARAMETER";
	case 0xc000000f: return "STATUS_NO_SUCH_FILE";
	case 0xc0000010: return "STATUS_INVALID_DEVICE_REQUEST";
	case 0xc0000011: return "STATUS_END_OF_FILE";
	case 0xc0000016: return "STATUS_MORE_PROCESSING_REQUIRED";
	case 0xc0000022: return "STATUS_ACCESS_DENIED";
	case 0xc0000023: return "STATUS_BUFFER_TOO_SMALL";
	case 0xc0000034: return "STATUS_OBJECT_NAME_NOT_FOUND";
	case 0xc0000035: return "STATUS_OBJECT_NAME_COLLISION";
	case 0xc000003a: return "STATUS_OBJECT_PATH_NOT_FOUND";
	case 0xc0000043: return "STATUS_SHARING_VIOLATION";
	case 0xc000006d: return "STATUS_LOGON_FAILURE";
	case 0xc0000071: return "STATUS_PASSWORD_EXPIRED";
	case 0xc0000072: return "STATUS_ACCOUNT_DISABLED";
	case 0xc00000ba: return "STATUS_FILE_IS_A_DIRECTORY";
	case 0xc00000bb: return "STATUS_NOT_SUPPORTED";
	case 0xc00000c9: return "STATUS_NETWORK_NAME_DELETED";
	case 0xc00000cc: return "STATUS_BAD_NETWORK_NAME";
	case 0xc0000101: return "STATUS_DIRECTORY_NOT_EMPTY";
	case 0xc0000120: return "STATUS_CANCELLED";
	case 0xc0000128: return "STATUS_FILE_CLOSED";
	case 0xc000019c: return "STATUS_FS_DRIVER_REQUIRED";
	case 0xc0000203: return "STATUS_USER_SESSION_DELETED";
	case 0xc0000205: return "STATUS_INSUFF_SERVER_RESOURCES";
	case 0xc0000225: return "STATUS_NOT_FOUND";
	case 0xc000035c: return "STATUS_NETWORK_SESSION_EXPIRED";
	default:	 return NULL;
	}
}

const char *
smb_windows_name(uint8_t major, uint8_t minor, uint16_t build)
{
	switch (major << 8 | minor) {
	case 0x0500: return "Windows 2000";
	case 0x0501: return "Windows XP";
	case 0x0502: return "Windows XP x64 or Server 2003";
	case 0x0600: return "Windows Vista or Server 2008";
	case 0x0601: return "Windows 7 or Server 2008 R2";
	case 0x0602: return "Windows 8 or Server 2012";
	case 0x0603: return "Windows 8.1 or Server 2012 R2";
	case 0x0a00: return build >= 22000 ? "Windows 11 or Server 2022+" :
		    "Windows 10 or Server 2016/2019";
	default:     return NULL;
	}
}

static const char *
smb2_dialect_name(uint16_t d, char *buf, size_t size)
{
	switch (d) {
	case 0x0202: return "2.02";
	case 0x0210: return "2.10";
	case 0x0222: return "2.22";
	case 0x0224: return "2.24";
	case 0x0300: return "3.00";
	case 0x0302: return "3.02";
	case 0x0310: return "3.10";
	case 0x0311: return "3.11";
	case 0x02ff: return "2.??";
	default:
		(void)snprintf(buf, size, "0x%04x", d);
		return buf;
	}
}

/* ---- bytes ---- */

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Append one code point as UTF-8 (control characters as '?'). */
static size_t
smb_put_cp(char *dst, size_t size, size_t o, uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		cp = '?';
	if (cp < 0x80) {
		if (o + 1 >= size)
			return o;
		dst[o++] = (char)cp;
	} else if (cp < 0x800) {
		if (o + 2 >= size)
			return o;
		dst[o++] = (char)(0xc0 | cp >> 6);
		dst[o++] = (char)(0x80 | (cp & 0x3f));
	} else {
		if (o + 3 >= size)
			return o;
		dst[o++] = (char)(0xe0 | cp >> 12);
		dst[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[o++] = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * Copy a string of n bytes at p: UTF-16LE (unicode) or 8-bit.  Stops at
 * a NUL.  Surrogates and non-ASCII 8-bit bytes become '?'.
 */
static void
smb_copy(char *dst, size_t size, const uint8_t *p, size_t n, bool unicode)
{
	size_t i, o = 0;
	uint32_t cp;

	if (unicode) {
		for (i = 0; i + 1 < n; i += 2) {
			cp = le16(p + i);
			if (cp == 0)
				break;
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = '?';
			o = smb_put_cp(dst, size, o, cp);
		}
	} else {
		for (i = 0; i < n && p[i] != 0; i++)
			o = smb_put_cp(dst, size, o, p[i] >= 0x80 ? '?' : p[i]);
	}
	dst[o] = '\0';
}

/*
 * A NUL-terminated string in [*off, end) of base: unicode strings are
 * aligned to 2 from align_base.  Copies it, moves *off past it; false
 * if nothing is left.
 */
static bool
smb_str(const uint8_t *base, size_t *off, size_t end, bool unicode,
    size_t align_base, char *dst, size_t size)
{
	size_t i = *off;

	if (unicode && ((i - align_base) & 1))
		i++;
	if (i >= end) {
		if (size > 0)
			dst[0] = '\0';
		return false;
	}
	if (unicode) {
		size_t j = i;

		while (j + 1 < end && (base[j] != 0 || base[j + 1] != 0))
			j += 2;
		smb_copy(dst, size, base + i, j - i, true);
		*off = j + 1 < end ? j + 2 : end;
	} else {
		size_t j = i;

		while (j < end && base[j] != 0)
			j++;
		smb_copy(dst, size, base + i, j - i, false);
		*off = j < end ? j + 1 : end;
	}
	return true;
}

/* Is [off, off + n) inside the PDU?  Raise the anomaly if not. */
static bool
smb_in_pdu(struct app_ctx *ctx, const struct smb_pdu *pdu, size_t off,
    size_t n)
{
	if (off > pdu->len || n > pdu->len - off) {
		app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
		return false;
	}
	return true;
}

/* The part of [off, off + n) that was read (the view). */
static size_t
smb_viewed(const struct smb_pdu *pdu, size_t off, size_t n)
{
	if (off >= pdu->view)
		return 0;
	return n < pdu->view - off ? n : pdu->view - off;
}

/* ---- NTLMSSP ---- */

static const uint8_t *
smb_memmem(const uint8_t *h, size_t hn, const char *needle, size_t nn)
{
	size_t i;

	for (i = 0; i + nn <= hn; i++)
		if (h[i] == (uint8_t)needle[0] && memcmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* An NTLMSSP security buffer (len, maxlen, offset) at p + at. */
static bool
smb_ntlm_field(struct app_ctx *ctx, const uint8_t *p, size_t n, size_t at,
    bool unicode, char *dst, size_t size, uint32_t *offset)
{
	uint16_t len;
	uint32_t off;

	dst[0] = '\0';
	if (at + 8 > n)
		return false;
	len = le16(p + at);
	off = le32(p + at + 4);
	if (offset != NULL)
		*offset = off;
	if (len == 0)
		return true;
	if (off > n || len > n - off) {
		app_anomaly(ctx, EV_SMB_NTLMSSP_MALFORMED);
		return false;
	}
	smb_copy(dst, size, p + off, len, unicode);
	return true;
}

/* The Windows version: major, minor, build, 3 reserved, revision. */
static void
smb_ntlm_version(const uint8_t *p, bool *has, uint8_t *major,
    uint8_t *minor, uint16_t *build)
{
	*has = true;
	*major = p[0];
	*minor = p[1];
	*build = le16(p + 2);
}

/* The NetBIOS computer name (AV pair 1) of a CHALLENGE's TargetInfo. */
static void
smb_ntlm_target_host(const uint8_t *p, size_t n, struct smb_facts *f)
{
	uint32_t off;
	uint16_t len, id, alen;
	size_t i, end;

	if (n < 48)
		return;
	len = le16(p + 40);
	off = le32(p + 44);
	if (off > n || len > n - off)
		return;
	end = off + len;
	for (i = off; i + 4 <= end; i += 4 + alen) {
		id = le16(p + i);
		alen = le16(p + i + 2);
		if (id == 0 || alen > end - i - 4)
			return;
		if (id == 1) {
			smb_copy(f->server_host, sizeof(f->server_host),
			    p + i + 4, alen, true);
			return;
		}
	}
}

/* Find NTLMSSP in a security blob (SPNEGO-wrapped or bare). */
static void
smb_ntlmssp(struct app_ctx *ctx, const uint8_t *blob, size_t bn,
    struct smb_facts *f)
{
	const uint8_t *p;
	uint32_t type, flags, off, first = UINT32_MAX;
	bool uni;
	size_t n;

	if ((p = smb_memmem(blob, bn, "NTLMSSP", 8)) == NULL)
		return;
	n = bn - (size_t)(p - blob);
	if (n < 12) {
		app_anomaly(ctx, EV_SMB_NTLMSSP_MALFORMED);
		return;
	}
	type = le32(p + 8);
	switch (type) {
	case 1:		/* NEGOTIATE: flags, domain, workstation, version */
		if (n < 16)
			break;
		flags = le32(p + 12);
		if ((flags & NTLMSSP_NEGOTIATE_VERSION) && n >= 40)
			smb_ntlm_version(p + 32, &f->has_client_version,
			    &f->client_major, &f->client_minor,
			    &f->client_build);
		return;
	case 2:		/* CHALLENGE: the server's version and name */
		if (n < 24)
			break;
		flags = le32(p + 20);
		if ((flags & NTLMSSP_NEGOTIATE_VERSION) && n >= 56 &&
		    (n < 48 || le32(p + 44) >= 56))
			smb_ntlm_version(p + 48, &f->has_server_version,
			    &f->server_major, &f->server_minor,
			    &f->server_build);
		smb_ntlm_target_host(p, n, f);
		return;
	case 3:		/* AUTHENTICATE: who logs on, from where */
		if (n < 64)
			break;
		flags = le32(p + 60);
		uni = (flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
		f->has_ntlmssp = true;
		if (smb_ntlm_field(ctx, p, n, 28, uni, f->ntlmssp.domain,
		    sizeof(f->ntlmssp.domain), &off) && off < first &&
		    le16(p + 28) > 0)
			first = off;
		if (smb_ntlm_field(ctx, p, n, 36, uni, f->ntlmssp.user,
		    sizeof(f->ntlmssp.user), &off) && off < first &&
		    le16(p + 36) > 0)
			first = off;
		if (smb_ntlm_field(ctx, p, n, 44, uni, f->ntlmssp.host,
		    sizeof(f->ntlmssp.host), &off) && off < first &&
		    le16(p + 44) > 0)
			first = off;
		/* The version sits before the payload, when there is room. */
		if ((flags & NTLMSSP_NEGOTIATE_VERSION) && n >= 72 &&
		    first >= 72) {
			smb_ntlm_version(p + 64, &f->ntlmssp.has_version,
			    &f->ntlmssp.major, &f->ntlmssp.minor,
			    &f->ntlmssp.build);
			f->has_client_version = true;
			f->client_major = f->ntlmssp.major;
			f->client_minor = f->ntlmssp.minor;
			f->client_build = f->ntlmssp.build;
		}
		return;
	default:
		break;
	}
	app_anomaly(ctx, EV_SMB_NTLMSSP_MALFORMED);
}

/* ---- state tables ---- */

static struct smb_tree *
smb_tree_find(struct smb_state *st, uint32_t tid)
{
	unsigned i;

	for (i = 0; i < SMB_MAX_TREES; i++)
		if (st->trees[i].used && st->trees[i].tid == tid)
			return &st->trees[i];
	return NULL;
}

static void
smb_tree_add(struct smb_state *st, uint32_t tid, const char *share,
    bool pipe)
{
	struct smb_tree *t = smb_tree_find(st, tid);

	if (t == NULL) {
		t = &st->trees[st->tree_next];
		st->tree_next = (st->tree_next + 1) % SMB_MAX_TREES;
	}
	t->used = true;
	t->tid = tid;
	t->pipe = pipe;
	strlcpy(t->share, share, sizeof(t->share));	/* cut to fit */
}

static struct smb_file *
smb_file_find(struct smb_state *st, const uint8_t fid[16])
{
	unsigned i;

	for (i = 0; i < SMB_MAX_FILES; i++)
		if (st->files[i].used && memcmp(st->files[i].fid, fid, 16) == 0)
			return &st->files[i];
	return NULL;
}

static void
smb_file_add(struct smb_state *st, const uint8_t fid[16], const char *name,
    bool pipe)
{
	struct smb_file *fl = smb_file_find(st, fid);

	if (fl == NULL) {
		fl = &st->files[st->file_next];
		st->file_next = (st->file_next + 1) % SMB_MAX_FILES;
	}
	fl->used = true;
	memcpy(fl->fid, fid, 16);
	fl->pipe = pipe;
	(void)snprintf(fl->name, sizeof(fl->name), "%s", name);
}

static void
smb_file_del(struct smb_state *st, const uint8_t fid[16])
{
	struct smb_file *fl = smb_file_find(st, fid);

	if (fl != NULL)
		fl->used = false;
}

static void
smb1_fid(uint8_t fid[16], const uint8_t *p)
{
	memset(fid, 0, 16);
	fid[0] = p[0];
	fid[1] = p[1];
}

/* Name a transaction's file and share from the tables. */
static void
smb_name_file(struct smb_state *st, struct smb_facts *f,
    const uint8_t fid[16])
{
	struct smb_file *fl = smb_file_find(st, fid);

	if (fl != NULL && f->filename[0] == '\0') {
		(void)snprintf(f->filename, sizeof(f->filename), "%s",
		    fl->name);
		f->named_pipe = fl->pipe;
	}
}

static struct smb_trans *
smb_trans_find(struct smb_state *st, uint16_t mid)
{
	unsigned i;

	for (i = 0; i < SMB_MAX_TRANS; i++)
		if (st->trans[i].kind != SMB_TK_NONE && st->trans[i].mid == mid)
			return &st->trans[i];
	return NULL;
}

/*
 * A slot for a new open transaction: a free one, else the one waiting
 * for the least data, the newest of those: a flood of transactions (a
 * heap groom) recycles one slot and does not push out the first large
 * one, which the exploit writes into.
 */
static struct smb_trans *
smb_trans_slot(struct smb_state *st)
{
	struct smb_trans *best = &st->trans[0];
	unsigned i;

	for (i = 0; i < SMB_MAX_TRANS; i++) {
		if (st->trans[i].kind == SMB_TK_NONE)
			return &st->trans[i];
		if (st->trans[i].total_data < best->total_data ||
		    (st->trans[i].total_data == best->total_data &&
		    st->trans[i].seq > best->seq))
			best = &st->trans[i];
	}
	return best;
}

/* ---- transactions ---- */

static void
smb_fill_tree(struct smb_state *st, struct smb_facts *f)
{
	struct smb_tree *t;

	if (f->share[0] != '\0' || (t = smb_tree_find(st, f->tree_id)) == NULL)
		return;
	(void)snprintf(f->share, sizeof(f->share), "%s", t->share);
	f->share_type = t->pipe ? "PIPE" : "FILE";
}

/* Hand a direction's part of a transaction to the rule engine. */
static void
smb_inspect(struct app_ctx *ctx, int dir, const struct smb_facts *f,
    const struct smb_data *data)
{
	struct app_buf b[6];
	size_t n = 0;

	b[n++] = (struct app_buf){ APP_BUF_SMB_VERSION,
	    (const uint8_t *)(f->version == 1 ? "1" : "2"), 1 };
	if (f->share[0] != '\0')
		b[n++] = (struct app_buf){ APP_BUF_SMB_SHARE,
		    (const uint8_t *)f->share, strlen(f->share) };
	if (f->named_pipe && f->filename[0] != '\0')
		b[n++] = (struct app_buf){ APP_BUF_SMB_NAMED_PIPE,
		    (const uint8_t *)f->filename, strlen(f->filename) };
	if (f->has_ntlmssp && f->ntlmssp.user[0] != '\0')
		b[n++] = (struct app_buf){ APP_BUF_SMB_NTLMSSP_USER,
		    (const uint8_t *)f->ntlmssp.user, strlen(f->ntlmssp.user) };
	if (f->has_ntlmssp && f->ntlmssp.domain[0] != '\0')
		b[n++] = (struct app_buf){ APP_BUF_SMB_NTLMSSP_DOMAIN,
		    (const uint8_t *)f->ntlmssp.domain,
		    strlen(f->ntlmssp.domain) };
	if (data != NULL && data->len > 0)
		b[n++] = (struct app_buf){ APP_BUF_FILE_DATA, data->p,
		    data->len };
	app_inspect(ctx, APP_SMB, dir, b, n, f);
}

static void
smb_emit(struct smb_state *st, struct app_ctx *ctx, struct smb_facts *f)
{
	f->id = st->transactions++;
	if (f->dialect[0] == '\0')
		(void)snprintf(f->dialect, sizeof(f->dialect), "%s",
		    st->dialect);
	app_emit(ctx, APP_SMB, f->has_request ? APP_DIR_TOSERVER :
	    APP_DIR_TOCLIENT, f);
}

static void
smb_pending_drop(struct smb_state *st, unsigned i)
{
	memmove(&st->pending[i], &st->pending[i + 1],
	    (st->npending - i - 1) * sizeof(st->pending[0]));
	st->npending--;
}

static void
smb_flush(struct smb_state *st, struct app_ctx *ctx)
{
	while (st->npending > 0) {
		smb_emit(st, ctx, &st->pending[0]);
		smb_pending_drop(st, 0);
	}
}

static void
smb_push(struct smb_state *st, struct app_ctx *ctx, const struct smb_facts *f)
{
	if (st->npending == SMB_MAX_PENDING) {
		smb_emit(st, ctx, &st->pending[0]);
		smb_pending_drop(st, 0);
	}
	st->pending[st->npending++] = *f;
}

static int
smb_pending_find(const struct smb_state *st, uint8_t version, uint64_t mid,
    uint16_t command)
{
	unsigned i;

	for (i = 0; i < st->npending; i++)
		if (st->pending[i].version == version &&
		    st->pending[i].mid == mid &&
		    st->pending[i].command == command)
			return (int)i;
	return -1;
}

/* A request is parsed: inspect it, then wait for its response or, for
 * commands that get none, report it now. */
static void
smb_request_done(struct smb_state *st, struct app_ctx *ctx,
    struct smb_facts *f, const struct smb_data *data, bool answered)
{
	smb_fill_tree(st, f);
	smb_inspect(ctx, APP_DIR_TOSERVER, f, data);
	if (answered)
		smb_push(st, ctx, f);
	else
		smb_emit(st, ctx, f);
}

/*
 * Start a response's facts from its pending request (removed from the
 * queue), or alone.
 */
static void
smb_response_start(struct smb_state *st, uint8_t version, uint64_t mid,
    uint16_t command, struct smb_facts *f)
{
	int i = smb_pending_find(st, version, mid, command);

	/* A multi-protocol SMB1 negotiate answered in SMB2. */
	if (i < 0 && version == 2 && command == SMB2_NEGOTIATE)
		i = smb_pending_find(st, 1, mid, SMB1_NEGOTIATE);
	if (i >= 0) {
		*f = st->pending[i];
		smb_pending_drop(st, (unsigned)i);
	} else {
		memset(f, 0, sizeof(*f));
		f->version = version;
		f->mid = mid;
		f->command = command;
	}
	f->has_response = true;
}

static void
smb_response_done(struct smb_state *st, struct app_ctx *ctx,
    struct smb_facts *f, const struct smb_data *data)
{
	smb_fill_tree(st, f);
	smb_inspect(ctx, APP_DIR_TOCLIENT, f, data);
	smb_emit(st, ctx, f);
}

/* ---- SMB1 ---- */

struct smb1_msg {
	uint8_t		 cmd;
	uint32_t	 status;
	uint8_t		 flags;
	uint16_t	 flags2;
	uint16_t	 tid, pid, uid, mid;
	bool		 reply;
	bool		 unicode;
	size_t		 words;		/* offset of the parameter words */
	uint8_t		 wc;
	size_t		 bytes;		/* offset of the data bytes */
	uint16_t	 bc;
	size_t		 end;		/* bytes + bc, within the view */
};

static void
smb1_negotiate(struct smb_state *st, struct app_ctx *ctx,
    const struct smb_pdu *pdu, const struct smb1_msg *m, struct smb_facts *f)
{
	const uint8_t *p = pdu->p;
	size_t off = m->bytes;
	char name[SMB_DIALECT_LEN];
	unsigned idx;

	if (!m->reply) {
		st->n_client_dialects = 0;
		while (off < m->end && p[off] == 0x02) {
			off++;
			(void)smb_str(p, &off, m->end, false, 0, name,
			    sizeof(name));
			if (f->n_client_dialects < SMB_MAX_DIALECTS) {
				memcpy(f->client_dialects[
				    f->n_client_dialects++], name,
				    sizeof(name));
			}
		}
		st->n_client_dialects = f->n_client_dialects;
		memcpy(st->client_dialects, f->client_dialects,
		    sizeof(st->client_dialects));
		return;
	}
	if (m->wc < 1)
		return;
	idx = le16(p + m->words);
	if (idx < st->n_client_dialects) {
		(void)snprintf(st->dialect, sizeof(st->dialect), "%s",
		    st->client_dialects[idx]);
		(void)snprintf(f->dialect, sizeof(f->dialect), "%s",
		    st->dialect);
	}
	/* NT LM 0.12 with extended security: the server GUID leads. */
	if (m->wc == 17 && (m->flags2 & SMB1_FLAGS2_EXT_SEC) &&
	    m->end - m->bytes >= 16) {
		f->has_server_guid = true;
		memcpy(f->server_guid, p + m->bytes, 16);
		smb_ntlmssp(ctx, p + m->bytes + 16, m->end - m->bytes - 16, f);
	}
}

static void
smb1_session_setup(struct app_ctx *ctx, const struct smb_pdu *pdu,
    const struct smb1_msg *m, struct smb_facts *f)
{
	const uint8_t *p = pdu->p;
	size_t off = m->bytes, blen = 0, plen;
	char *os, *lm;

	if (!m->reply) {
		os = f->req_native_os;
		lm = f->req_native_lm;
		if (m->wc == 12) {
			blen = le16(p + m->words + 14);
		} else if (m->wc == 13) {
			/* Passwords, then account and domain names. */
			plen = (size_t)le16(p + m->words + 14) +
			    le16(p + m->words + 16);
			if (plen > m->end - m->bytes) {
				app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
				return;
			}
			off += plen;
			f->has_ntlmssp = true;
			(void)smb_str(p, &off, m->end, m->unicode, 0,
			    f->ntlmssp.user, sizeof(f->ntlmssp.user));
			(void)smb_str(p, &off, m->end, m->unicode, 0,
			    f->ntlmssp.domain, sizeof(f->ntlmssp.domain));
		} else
			return;
	} else {
		os = f->resp_native_os;
		lm = f->resp_native_lm;
		if (m->wc == 4)
			blen = le16(p + m->words + 6);
		else if (m->wc != 3)
			return;
	}
	if (blen > m->end - m->bytes) {
		app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
		return;
	}
	if (blen > 0)
		smb_ntlmssp(ctx, p + m->bytes, blen, f);
	off += blen;
	(void)smb_str(p, &off, m->end, m->unicode, 0, os, SMB_VALUE_LEN);
	(void)smb_str(p, &off, m->end, m->unicode, 0, lm, SMB_VALUE_LEN);
}

static void
smb1_tree_connect(struct smb_state *st, struct app_ctx *ctx,
    const struct smb_pdu *pdu, const struct smb1_msg *m, struct smb_facts *f)
{
	const uint8_t *p = pdu->p;
	size_t off = m->bytes, plen;
	char service[16];
	bool pipe;

	if (!m->reply) {
		if (m->wc != 4)
			return;
		plen = le16(p + m->words + 6);
		if (plen > m->end - m->bytes) {
			app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
			return;
		}
		off += plen;
		(void)smb_str(p, &off, m->end, m->unicode, 0, f->share,
		    sizeof(f->share));
		return;
	}
	if (m->wc < 3 || m->status != 0)
		return;
	(void)smb_str(p, &off, m->end, false, 0, service, sizeof(service));
	pipe = strcmp(service, "IPC") == 0;
	f->share_type = pipe ? "PIPE" : strncmp(service, "LPT", 3) == 0 ?
	    "PRINT" : "FILE";
	f->tree_id = m->tid;
	if (f->share[0] != '\0')
		smb_tree_add(st, m->tid, f->share, pipe);
}

static void
smb1_nt_create(struct smb_state *st, struct app_ctx *ctx,
    const struct smb_pdu *pdu, const struct smb1_msg *m, struct smb_facts *f)
{
	const uint8_t *p = pdu->p;
	size_t off = m->bytes;
	uint8_t fid[16];
	struct smb_tree *t;

	(void)ctx;
	if (!m->reply) {
		if (m->wc != 24)
			return;
		/* A unicode name is aligned from the SMB header. */
		(void)smb_str(p, &off, m->end, m->unicode, 0, f->filename,
		    sizeof(f->filename));
		t = smb_tree_find(st, m->tid);
		f->named_pipe = t != NULL && t->pipe;
		return;
	}
	if (m->wc < 34 || m->status != 0)
		return;
	smb1_fid(fid, p + m->words + 5);
	if (f->filename[0] != '\0')
		smb_file_add(st, fid, f->filename, f->named_pipe);
}

/*
 * TRANS, TRANS2, NT_TRANS and their secondaries: the subcommand, the
 * open transaction table and the MS17-010 tells.
 */
static void
smb1_trans(struct smb_state *st, struct app_ctx *ctx,
    const struct smb_pdu *pdu, const struct smb1_msg *m, struct smb_facts *f)
{
	const uint8_t *p = pdu->p, *w = p + m->words;
	enum smb_trans_kind kind;
	struct smb_trans *t;
	uint32_t total, count, disp;
	uint8_t setup_count;
	size_t off;

	if (m->reply) {
		/* A final response (words, or an error) closes it. */
		if (st->open_mids != NULL && (m->wc > 0 || m->status != 0))
			st->open_mids[m->mid >> 3] &=
			    (uint8_t)~(1u << (m->mid & 7));
		/* The implant answers SESSION_SETUP with mid + 16. */
		if (m->cmd == SMB1_TRANS2 && !f->has_request) {
			int i = smb_pending_find(st, 1, (uint16_t)(m->mid - 16),
			    SMB1_TRANS2);

			if (i >= 0 && st->pending[i].has_subcmd &&
			    st->pending[i].subcmd ==
			    SMB1_TRANS2_SESSION_SETUP) {
				*f = st->pending[i];
				smb_pending_drop(st, (unsigned)i);
				f->has_response = true;
				f->status = m->status;
				f->flags |= SMB_F_DOUBLEPULSAR;
				app_anomaly(ctx, EV_SMB_DOUBLEPULSAR);
			}
		}
		return;
	}
	switch (m->cmd) {
	case SMB1_TRANS:
	case SMB1_TRANS2:
		if (m->wc < 14)
			return;
		kind = m->cmd == SMB1_TRANS ? SMB_TK_TRANS : SMB_TK_TRANS2;
		total = le16(w + 2);
		count = le16(w + 22);
		setup_count = w[26];
		if (m->wc < 14 + setup_count)
			return;
		if (setup_count > 0) {
			f->has_subcmd = true;
			f->subcmd = le16(w + 28);
		}
		if (m->cmd == SMB1_TRANS) {
			/* The name: "\PIPE\" and the like. */
			off = m->bytes;
			(void)smb_str(p, &off, m->end, m->unicode, 0,
			    f->filename, sizeof(f->filename));
		} else if (f->has_subcmd &&
		    f->subcmd == SMB1_TRANS2_SESSION_SETUP) {
			f->flags |= SMB_F_TRANS2_SETUP;
			app_anomaly(ctx, EV_SMB_TRANS2_SESSION_SETUP);
		}
		break;
	case SMB1_NT_TRANS:
		if (m->wc < 19)
			return;
		kind = SMB_TK_NT;
		total = le32(w + 7);
		count = le32(w + 27);
		setup_count = w[35];
		f->has_subcmd = true;
		f->subcmd = le16(w + 36);
		/* 0 is no function; NT_RENAME is reserved, never
		 * implemented (MS-CIFS 2.2.7.5); 8 is the last one. */
		if (f->subcmd == 0 || f->subcmd == SMB1_NT_TRANS_RENAME ||
		    f->subcmd > 8) {
			f->flags |= SMB_F_NT_UNIMPLEMENTED;
			app_anomaly(ctx, EV_SMB_NT_TRANSACT_UNIMPLEMENTED);
		}
		if (total > 0xffff) {
			f->flags |= SMB_F_OVERSIZED;
			app_anomaly(ctx, EV_SMB_TRANSACTION_TOO_LARGE);
		}
		break;
	default:	/* secondaries */
		kind = m->cmd == SMB1_TRANS_SEC ? SMB_TK_TRANS :
		    m->cmd == SMB1_TRANS2_SEC ? SMB_TK_TRANS2 : SMB_TK_NT;
		if ((t = smb_trans_find(st, m->mid)) == NULL)
			return;
		if (t->kind != kind) {
			f->flags |= SMB_F_TRANS_MISMATCH;
			app_anomaly(ctx, EV_SMB_TRANSACTION_MISMATCH);
		}
		if (kind == SMB_TK_NT && m->wc >= 18) {
			count = le32(w + 23);
			disp = le32(w + 31);
		} else if (kind != SMB_TK_NT && m->wc >= 8) {
			/* TotalParam, TotalData, ParamCount, ParamOffset,
			 * ParamDisp, DataCount, DataOffset, DataDisp
			 * (MS-CIFS 2.2.4.34.1, 2.2.4.47.1) */
			count = le16(w + 10);
			disp = le16(w + 14);
		} else
			return;
		if ((uint64_t)disp + count > t->total_data) {
			f->flags |= SMB_F_OVERSIZED;
			app_anomaly(ctx, EV_SMB_TRANSACTION_DATA_OVERFLOW);
		}
		t->seen_data += count;
		if (t->seen_data >= t->total_data)
			t->kind = SMB_TK_NONE;	/* complete */
		return;
	}
	if (count < total) {
		/* Secondaries will follow: remember the primary. */
		if ((t = smb_trans_find(st, m->mid)) == NULL)
			t = smb_trans_slot(st);
		t->mid = m->mid;
		t->kind = kind;
		t->total_data = total;
		t->seen_data = count;
		t->seq = st->trans_seq++;
		if (st->open_mids == NULL)
			st->open_mids = xcalloc(1, SMB_MID_BITMAP);
		st->open_mids[m->mid >> 3] |= (uint8_t)(1u << (m->mid & 7));
	}
}

static void
smb1_rw(struct smb_state *st, struct app_ctx *ctx, const struct smb_pdu *pdu,
    const struct smb1_msg *m, struct smb_facts *f, struct smb_data *data)
{
	const uint8_t *p = pdu->p, *w = p + m->words;
	uint8_t fid[16];
	size_t dlen, doff;

	if (m->cmd == SMB1_WRITE_ANDX && !m->reply) {
		if (m->wc != 12 && m->wc != 14)
			return;
		smb1_fid(fid, w + 4);
		smb_name_file(st, f, fid);
		dlen = (size_t)le16(w + 20) | (size_t)le16(w + 18) << 16;
		doff = le16(w + 22);
		if (st->open_mids != NULL &&
		    (st->open_mids[m->mid >> 3] & (1u << (m->mid & 7)))) {
			f->flags |= SMB_F_WRITE_INTERLEAVE;
			app_anomaly(ctx, EV_SMB_WRITE_INTO_TRANSACTION);
		}
	} else if (m->cmd == SMB1_READ_ANDX && !m->reply) {
		if (m->wc != 10 && m->wc != 12)
			return;
		smb1_fid(fid, w + 4);
		smb_name_file(st, f, fid);
		return;
	} else if (m->cmd == SMB1_READ_ANDX) {
		if (m->wc != 12 || m->status != 0)
			return;
		dlen = (size_t)le16(w + 10) | (size_t)le16(w + 14) << 16;
		doff = le16(w + 12);
	} else
		return;
	f->has_size = true;
	f->size = dlen;
	if (!smb_in_pdu(ctx, pdu, doff, dlen))
		return;
	data->p = p + doff;
	data->len = smb_viewed(pdu, doff, dlen);
}

static void
smb1_close(struct smb_state *st, const struct smb_pdu *pdu,
    const struct smb1_msg *m, struct smb_facts *f)
{
	uint8_t fid[16];

	if (m->reply || m->wc != 3)
		return;
	smb1_fid(fid, pdu->p + m->words);
	smb_name_file(st, f, fid);
	smb_file_del(st, fid);
}

/* DELETE and RENAME: buffer-format 0x04 names in the bytes. */
static void
smb1_names(const struct smb_pdu *pdu, const struct smb1_msg *m,
    struct smb_facts *f)
{
	const uint8_t *p = pdu->p;
	size_t off = m->bytes;

	if (m->reply)
		return;
	if (off < m->end && p[off] == 0x04)
		off++;
	(void)smb_str(p, &off, m->end, m->unicode, 0, f->filename,
	    sizeof(f->filename));
	if (m->cmd == SMB1_DELETE) {
		f->delete = true;
		return;
	}
	f->rename = true;
	if (off < m->end && p[off] == 0x04)
		off++;
	(void)smb_str(p, &off, m->end, m->unicode, 0, f->rename_to,
	    sizeof(f->rename_to));
}

static void
smb1_pdu(struct smb_state *st, struct app_ctx *ctx, int dir,
    const struct smb_pdu *pdu)
{
	const uint8_t *p = pdu->p;
	struct smb1_msg m;
	struct smb_facts fs, *f = &fs;
	struct smb_data data = { NULL, 0 };
	bool answered = true;

	memset(&m, 0, sizeof(m));
	m.cmd = p[4];
	m.status = le32(p + 5);
	m.flags = p[9];
	m.flags2 = le16(p + 10);
	m.tid = le16(p + 24);
	m.pid = le16(p + 26);
	m.uid = le16(p + 28);
	m.mid = le16(p + 30);
	m.reply = (m.flags & SMB1_FLAGS_REPLY) != 0;
	m.unicode = (m.flags2 & SMB1_FLAGS2_UNICODE) != 0;
	if (m.reply != (dir == APP_DIR_TOCLIENT))
		app_anomaly(ctx, EV_SMB_WRONG_DIRECTION);
	st->version = 1;

	/* Word count, words, byte count, bytes: all inside the PDU. */
	m.wc = p[SMB1_HDR_LEN];
	m.words = SMB1_HDR_LEN + 1;
	m.bytes = m.words + 2u * m.wc + 2;
	if (m.bytes > pdu->view) {
		/* An error reply may carry no words at all. */
		if (m.bytes > pdu->len)
			app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
		m.wc = 0;
		m.bc = 0;
		m.bytes = m.end = pdu->view;
	} else {
		m.bc = le16(p + m.bytes - 2);
		if (m.bc > pdu->len - m.bytes)
			app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
		m.end = m.bytes + smb_viewed(pdu, m.bytes, m.bc);
	}

	if (!m.reply) {
		memset(f, 0, sizeof(*f));
		f->has_request = true;
	} else
		smb_response_start(st, 1, m.mid, m.cmd, f);
	f->version = 1;
	f->command = m.cmd;
	f->mid = m.mid;
	if (m.reply) {
		f->status = m.status;
		if (m.uid != 0)
			f->session_id = m.uid;
		if (m.tid != 0)
			f->tree_id = m.tid;
	} else {
		f->session_id = m.uid;
		f->tree_id = m.tid;
	}

	switch (m.cmd) {
	case SMB1_NEGOTIATE:
		smb1_negotiate(st, ctx, pdu, &m, f);
		break;
	case SMB1_SESSION_SETUP:
		smb1_session_setup(ctx, pdu, &m, f);
		break;
	case SMB1_TREE_CONNECT:
		smb1_tree_connect(st, ctx, pdu, &m, f);
		break;
	case SMB1_NT_CREATE:
		smb1_nt_create(st, ctx, pdu, &m, f);
		break;
	case SMB1_CLOSE:
		smb1_close(st, pdu, &m, f);
		break;
	case SMB1_READ_ANDX:
	case SMB1_WRITE_ANDX:
		smb1_rw(st, ctx, pdu, &m, f, &data);
		break;
	case SMB1_DELETE:
	case SMB1_RENAME:
		smb1_names(pdu, &m, f);
		break;
	case SMB1_TRANS_SEC:
	case SMB1_TRANS2_SEC:
	case SMB1_NT_TRANS_SEC:
		answered = false;
		/* FALLTHROUGH */
	case SMB1_TRANS:
	case SMB1_TRANS2:
	case SMB1_NT_TRANS:
		smb1_trans(st, ctx, pdu, &m, f);
		break;
	case SMB1_NT_CANCEL:
		answered = false;
		break;
	default:
		break;
	}
	if (!m.reply)
		smb_request_done(st, ctx, f, &data, answered);
	else
		smb_response_done(st, ctx, f, &data);
}

/* ---- SMB2 ---- */

struct smb2_msg {
	uint16_t	 cmd;
	uint32_t	 status;
	uint32_t	 flags;
	uint64_t	 mid;
	uint32_t	 tid;
	uint64_t	 sid;
	bool		 reply;
	size_t		 hdr;		/* the header's offset in the PDU */
	size_t		 body;		/* the body's offset */
	size_t		 end;		/* the message's end (view) */
	size_t		 wire_end;	/* its end on the wire */
};

/* An (offset, length) from the header to a buffer of this message. */
static bool
smb2_buf(struct app_ctx *ctx, const struct smb_pdu *pdu,
    const struct smb2_msg *m, size_t off, size_t len, const uint8_t **out,
    size_t *got)
{
	if (len == 0)
		return false;
	if (off > m->wire_end - m->hdr || len > m->wire_end - m->hdr - off) {
		app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
		return false;
	}
	*out = pdu->p + m->hdr + off;
	*got = smb_viewed(pdu, m->hdr + off, len);
	if (m->hdr + off + *got > m->end)
		*got = m->end > m->hdr + off ? m->end - m->hdr - off : 0;
	return *got > 0;
}

static void
smb_guid_str(const uint8_t g[16], char out[37])
{
	(void)snprintf(out, 37,
	    "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    le32(g), le16(g + 4), le16(g + 6), g[8], g[9], g[10], g[11],
	    g[12], g[13], g[14], g[15]);
}

static void
smb2_command(struct smb_state *st, struct app_ctx *ctx,
    const struct smb_pdu *pdu, const struct smb2_msg *m)
{
	const uint8_t *b = pdu->p + m->body, *buf;
	size_t blen = m->end - m->body, got, i;
	struct smb_facts fs, *f = &fs;
	struct smb_data data = { NULL, 0 };
	struct smb_tree *t;
	char dn[SMB_DIALECT_LEN];
	const char *name;
	bool answered = true;
	uint16_t n;

	if (m->reply) {
		/* An interim response: the final one follows. */
		if (m->status == STATUS_PENDING &&
		    (m->flags & SMB2_FLAGS_ASYNC))
			return;
		smb_response_start(st, 2, m->mid, m->cmd, f);
		f->version = 2;
		f->command = m->cmd;
		f->status = m->status;
		if (m->sid != 0)
			f->session_id = m->sid;
		if (m->tid != 0 && !(m->flags & SMB2_FLAGS_ASYNC))
			f->tree_id = m->tid;
	} else {
		memset(f, 0, sizeof(*f));
		f->has_request = true;
		f->version = 2;
		f->command = m->cmd;
		f->mid = m->mid;
		f->session_id = m->sid;
		f->tree_id = m->tid;
	}

	switch (m->cmd) {
	case SMB2_NEGOTIATE:
		if (!m->reply) {
			if (blen < 36)
				break;
			n = le16(b + 2);
			if (36 + 2u * n > m->wire_end - m->body) {
				app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
				break;
			}
			for (i = 0; i < n && 36 + 2 * i + 2 <= blen; i++) {
				if (f->n_client_dialects >= SMB_MAX_DIALECTS)
					break;
				name = smb2_dialect_name(le16(b + 36 + 2 * i),
				    dn, sizeof(dn));
				(void)snprintf(f->client_dialects[
				    f->n_client_dialects++], SMB_DIALECT_LEN,
				    "%s", name);
			}
			break;
		}
		if (blen < 64)
			break;
		name = smb2_dialect_name(le16(b + 4), dn, sizeof(dn));
		(void)snprintf(st->dialect, sizeof(st->dialect), "%s", name);
		(void)snprintf(f->dialect, sizeof(f->dialect), "%s", name);
		f->has_server_guid = true;
		memcpy(f->server_guid, b + 8, 16);
		if (smb2_buf(ctx, pdu, m, le16(b + 56), le16(b + 58), &buf,
		    &got))
			smb_ntlmssp(ctx, buf, got, f);
		break;
	case SMB2_SESSION_SETUP:
		if (!m->reply && blen >= 24 &&
		    smb2_buf(ctx, pdu, m, le16(b + 12), le16(b + 14), &buf,
		    &got))
			smb_ntlmssp(ctx, buf, got, f);
		else if (m->reply && blen >= 8 &&
		    smb2_buf(ctx, pdu, m, le16(b + 4), le16(b + 6), &buf,
		    &got))
			smb_ntlmssp(ctx, buf, got, f);
		break;
	case SMB2_TREE_CONNECT:
		if (!m->reply) {
			if (blen >= 8 && smb2_buf(ctx, pdu, m, le16(b + 4),
			    le16(b + 6), &buf, &got))
				smb_copy(f->share, sizeof(f->share), buf, got,
				    true);
			break;
		}
		if (blen < 16 || m->status != 0)
			break;
		f->share_type = b[2] == 2 ? "PIPE" : b[2] == 3 ? "PRINT" :
		    "FILE";
		f->tree_id = m->tid;
		if (f->share[0] != '\0')
			smb_tree_add(st, m->tid, f->share, b[2] == 2);
		break;
	case SMB2_CREATE:
		if (!m->reply) {
			if (blen < 56)
				break;
			if (smb2_buf(ctx, pdu, m, le16(b + 44), le16(b + 46),
			    &buf, &got))
				smb_copy(f->filename, sizeof(f->filename),
				    buf, got, true);
			if (le32(b + 40) & 0x00001000)	/* DELETE_ON_CLOSE */
				f->delete = true;
			t = smb_tree_find(st, m->tid);
			f->named_pipe = t != NULL && t->pipe;
			break;
		}
		if (blen < 80 || m->status != 0)
			break;
		if (f->filename[0] != '\0')
			smb_file_add(st, b + 64, f->filename, f->named_pipe);
		break;
	case SMB2_CLOSE:
		if (!m->reply && blen >= 24) {
			smb_name_file(st, f, b + 8);
			smb_file_del(st, b + 8);
		}
		break;
	case SMB2_READ:
		if (!m->reply) {
			if (blen >= 32)
				smb_name_file(st, f, b + 16);
			break;
		}
		if (blen < 16 || m->status != 0)
			break;
		f->has_size = true;
		f->size = le32(b + 4);
		if (smb2_buf(ctx, pdu, m, b[2], le32(b + 4), &buf, &got)) {
			data.p = buf;
			data.len = got;
		}
		break;
	case SMB2_WRITE:
		if (m->reply || blen < 32)
			break;
		smb_name_file(st, f, b + 16);
		f->has_size = true;
		f->size = le32(b + 4);
		if (smb2_buf(ctx, pdu, m, le16(b + 2), le32(b + 4), &buf,
		    &got)) {
			data.p = buf;
			data.len = got;
		}
		break;
	case SMB2_SET_INFO:
		if (m->reply || blen < 32)
			break;
		smb_name_file(st, f, b + 16);
		if (b[2] != 1)		/* SMB2_0_INFO_FILE */
			break;
		if (b[3] == 13)		/* FileDispositionInformation */
			f->delete = true;
		else if (b[3] == 10 && smb2_buf(ctx, pdu, m, le16(b + 8),
		    le32(b + 4), &buf, &got) && got >= 20) {
			/* FileRenameInformation: the new name at 20. */
			uint32_t nl = le32(buf + 16);

			f->rename = true;
			if (nl > got - 20)
				app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
			else
				smb_copy(f->rename_to, sizeof(f->rename_to),
				    buf + 20, nl, true);
		}
		break;
	case SMB2_CANCEL:
		answered = false;
		break;
	default:
		break;
	}
	if (!m->reply)
		smb_request_done(st, ctx, f, &data, answered);
	else
		smb_response_done(st, ctx, f, &data);
}

static void
smb2_pdu(struct smb_state *st, struct app_ctx *ctx, int dir,
    const struct smb_pdu *pdu)
{
	struct smb2_msg m;
	size_t off = 0, next;
	unsigned count;
	const uint8_t *h;

	st->version = 2;
	for (count = 0; count < SMB_MAX_COMPOUND; count++) {
		if (off + SMB2_HDR_LEN > pdu->view ||
		    memcmp(pdu->p + off, "\xfeSMB", 4) != 0) {
			app_anomaly(ctx, EV_SMB_MALFORMED_HEADER);
			return;
		}
		h = pdu->p + off;
		if (le16(h + 4) != SMB2_HDR_LEN) {
			app_anomaly(ctx, EV_SMB_MALFORMED_HEADER);
			return;
		}
		memset(&m, 0, sizeof(m));
		m.status = le32(h + 8);
		m.cmd = le16(h + 12);
		m.flags = le32(h + 16);
		next = le32(h + 20);
		m.mid = le64(h + 24);
		m.tid = le32(h + 36);
		m.sid = le64(h + 40);
		m.reply = (m.flags & SMB2_FLAGS_RESPONSE) != 0;
		if (m.reply != (dir == APP_DIR_TOCLIENT))
			app_anomaly(ctx, EV_SMB_WRONG_DIRECTION);
		m.hdr = off;
		m.body = off + SMB2_HDR_LEN;
		if (next != 0 && (next < SMB2_HDR_LEN || next > pdu->len - off ||
		    (next & 7) != 0)) {
			app_anomaly(ctx, EV_SMB_LENGTH_EXCEEDS_PDU);
			next = 0;
		}
		m.wire_end = next != 0 ? off + next : pdu->len;
		m.end = m.wire_end < pdu->view ? m.wire_end : pdu->view;
		smb2_command(st, ctx, pdu, &m);
		if (next == 0)
			return;
		off += next;
	}
	app_anomaly(ctx, EV_SMB_MALFORMED_HEADER);
}

/* An SMB3 encrypted message: reported once per flow. */
static void
smb3_transform(struct smb_state *st, struct app_ctx *ctx, int dir,
    const struct smb_pdu *pdu)
{
	struct smb_facts f;

	if (st->encrypted_seen)
		return;
	st->encrypted_seen = true;
	memset(&f, 0, sizeof(f));
	f.version = 2;
	f.encrypted = true;
	f.has_request = dir == APP_DIR_TOSERVER;
	f.has_response = dir == APP_DIR_TOCLIENT;
	f.command = UINT16_MAX;
	if (pdu->view >= SMB3_TRANSFORM_LEN)
		f.session_id = le64(pdu->p + 44);
	smb_inspect(ctx, dir, &f, NULL);
	smb_emit(st, ctx, &f);
}

/* ---- framing ---- */

static bool
smb_magic(const uint8_t *p)
{
	return (p[0] == 0xff || p[0] == 0xfe || p[0] == 0xfd) &&
	    p[1] == 'S' && p[2] == 'M' && p[3] == 'B';
}

static size_t
smb_nbss_len(const uint8_t *p)
{
	return (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

/* After a gap: the offset of the next plausible PDU start, or where
 * to keep looking from. */
static size_t
smb_resync(const uint8_t *buf, size_t len, bool *found)
{
	size_t i;

	*found = false;
	for (i = 0; i + 8 <= len; i++)
		if (buf[i] == 0x00 && smb_magic(buf + i + 4) &&
		    smb_nbss_len(buf + i) >= SMB1_HDR_LEN) {
			*found = true;
			return i;
		}
	return len > 7 ? len - 7 : 0;
}

static struct app_result
smb_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct smb_state *st = state;
	struct smb_dir *d;
	struct smb_pdu pdu;
	size_t plen, hold, take;
	bool found;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	if (d->skip > 0) {
		take = len < d->skip ? len : d->skip;
		d->skip -= (uint32_t)take;
		return app_ok(take);
	}
	if (d->lost) {
		take = smb_resync(buf, len, &found);
		if (found)
			d->lost = false;
		if (take > 0 || found)
			return app_ok(take);
		return app_incomplete(0, 8 - len);
	}
	if (len < 4)
		return app_incomplete(0, 4 - len);
	plen = smb_nbss_len(buf);
	switch (buf[0]) {
	case 0x00:
		break;
	case 0x81: case 0x82: case 0x83: case 0x84: case 0x85:
		/* Session service control: nothing of ours. */
		if (plen > len - 4) {
			d->skip = (uint32_t)(plen - (len - 4));
			return app_ok(len);
		}
		return app_ok(4 + plen);
	default:
		app_anomaly(ctx, EV_SMB_BAD_NBSS_TYPE);
		return app_error(0);
	}
	if (plen < 4) {
		app_anomaly(ctx, EV_SMB_PDU_TOO_SHORT);
		return app_error(0);
	}
	if (len < 8)
		return app_incomplete(0, 8 - len);
	if (!smb_magic(buf + 4)) {
		app_anomaly(ctx, EV_SMB_MALFORMED_HEADER);
		return app_error(0);
	}
	if ((buf[4] == 0xff && plen < SMB1_HDR_LEN + 1) ||
	    (buf[4] == 0xfe && plen < SMB2_HDR_LEN) ||
	    (buf[4] == 0xfd && plen < SMB3_TRANSFORM_LEN)) {
		app_anomaly(ctx, EV_SMB_PDU_TOO_SHORT);
		/* Not a command of ours; the framing still holds. */
		d->skip = (uint32_t)plen;
		return app_ok(4);
	}
	hold = plen < SMB_MAX_HOLD ? plen : SMB_MAX_HOLD;
	if (len - 4 < hold)
		return app_incomplete(0, hold - (len - 4));
	pdu.p = buf + 4;
	pdu.view = hold;
	pdu.len = plen;
	if (buf[4] == 0xff)
		smb1_pdu(st, ctx, dir, &pdu);
	else if (buf[4] == 0xfe)
		smb2_pdu(st, ctx, dir, &pdu);
	else
		smb3_transform(st, ctx, dir, &pdu);
	d->skip = (uint32_t)(plen - hold);
	return app_ok(4 + hold);
}

static void
smb_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct smb_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* Whatever was waiting will not be matched reliably any more. */
	smb_flush(st, ctx);
	st->dir[dir].skip = 0;
	st->dir[dir].lost = true;
}

static enum app_probe
smb_probe(const uint8_t *buf, size_t len, int dir)
{
	static const uint8_t magic[3] = { 'S', 'M', 'B' };
	size_t i;

	(void)dir;
	if (buf == NULL || len == 0)
		return APP_PROBE_MAYBE;
	if (buf[0] == 0x81) {
		/* A NetBIOS session request: two 34-byte encoded names. */
		if (len < 4)
			return APP_PROBE_MAYBE;
		return smb_nbss_len(buf) == 68 ? APP_PROBE_YES : APP_PROBE_NO;
	}
	if (buf[0] != 0x00)
		return APP_PROBE_NO;
	if (len >= 5 && buf[4] != 0xff && buf[4] != 0xfe && buf[4] != 0xfd)
		return APP_PROBE_NO;
	for (i = 5; i < len && i < 8; i++)
		if (buf[i] != magic[i - 5])
			return APP_PROBE_NO;
	if (len < 8)
		return APP_PROBE_MAYBE;
	return smb_nbss_len(buf) >= SMB1_HDR_LEN ? APP_PROBE_YES :
	    APP_PROBE_NO;
}

static void *
smb_state_new(void)
{
	return xcalloc(1, sizeof(struct smb_state));
}

static void
smb_state_free(void *state)
{
	struct smb_state *st = state;

	if (st != NULL)
		free(st->open_mids);
	free(state);
}

/* The open-request bitmap, once SMB1 asks for it. */
static size_t
smb_memuse(const void *state)
{
	const struct smb_state *st = state;

	return st->open_mids != NULL ? mem_cost(SMB_MID_BITMAP) : 0;
}

/* ---- output ---- */

static void
smb_eve_version(struct jsonw *jw, const char *key, uint8_t major,
    uint8_t minor, uint16_t build)
{
	char v[32];

	(void)snprintf(v, sizeof(v), "%u.%u build %u", major, minor, build);
	jsonw_kv_str(jw, key, v);
}

static void
smb_eve(struct jsonw *jw, const void *fact)
{
	const struct smb_facts *f = fact;
	const char *name;
	char buf[40];
	unsigned i;

	jsonw_kv_uint(jw, "id", f->id);
	if (f->dialect[0] != '\0')
		jsonw_kv_str(jw, "dialect", f->dialect);
	else
		jsonw_kv_str(jw, "dialect", "unknown");
	if (f->encrypted)
		name = "SMB3_ENCRYPTED";
	else if (f->version == 1)
		name = smb1_command_name((uint8_t)f->command);
	else
		name = smb2_command_name(f->command);
	if (name == NULL) {
		(void)snprintf(buf, sizeof(buf), "SMB%u_COMMAND_0x%x",
		    f->version, f->command);
		name = buf;
	}
	jsonw_kv_str(jw, "command", name);
	if (f->has_response && !f->encrypted) {
		name = smb_status_name(f->status);
		(void)snprintf(buf, sizeof(buf), "0x%x", f->status);
		jsonw_kv_str(jw, "status", name != NULL ? name : buf);
		jsonw_kv_str(jw, "status_code", buf);
	}
	jsonw_kv_uint(jw, "session_id", f->session_id);
	jsonw_kv_uint(jw, "tree_id", f->tree_id);
	if (f->filename[0] != '\0') {
		jsonw_kv_str(jw, "filename", f->filename);
		if (f->named_pipe)
			jsonw_kv_str(jw, "named_pipe", f->filename);
	}
	if (f->share[0] != '\0')
		jsonw_kv_str(jw, "share", f->share);
	if (f->share_type != NULL)
		jsonw_kv_str(jw, "share_type", f->share_type);
	if (f->has_size)
		jsonw_kv_uint(jw, "size", f->size);
	if (f->rename) {
		jsonw_key(jw, "rename");
		jsonw_obj_open(jw);
		jsonw_kv_str(jw, "from", f->filename);
		jsonw_kv_str(jw, "to", f->rename_to);
		jsonw_obj_close(jw);
	}
	if (f->has_ntlmssp) {
		jsonw_key(jw, "ntlmssp");
		jsonw_obj_open(jw);
		jsonw_kv_str(jw, "domain", f->ntlmssp.domain);
		jsonw_kv_str(jw, "user", f->ntlmssp.user);
		jsonw_kv_str(jw, "host", f->ntlmssp.host);
		if (f->ntlmssp.has_version)
			smb_eve_version(jw, "version", f->ntlmssp.major,
			    f->ntlmssp.minor, f->ntlmssp.build);
		jsonw_obj_close(jw);
	}
	if (f->req_native_os[0] != '\0' || f->req_native_lm[0] != '\0') {
		jsonw_key(jw, "request");
		jsonw_obj_open(jw);
		jsonw_kv_str(jw, "native_os", f->req_native_os);
		jsonw_kv_str(jw, "native_lm", f->req_native_lm);
		jsonw_obj_close(jw);
	}
	if (f->resp_native_os[0] != '\0' || f->resp_native_lm[0] != '\0') {
		jsonw_key(jw, "response");
		jsonw_obj_open(jw);
		jsonw_kv_str(jw, "native_os", f->resp_native_os);
		jsonw_kv_str(jw, "native_lm", f->resp_native_lm);
		jsonw_obj_close(jw);
	}
	if (f->n_client_dialects > 0) {
		jsonw_key(jw, "client_dialects");
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_client_dialects && i < SMB_MAX_DIALECTS;
		    i++)
			jsonw_str(jw, f->client_dialects[i]);
		jsonw_arr_close(jw);
	}
	if (f->has_server_guid) {
		smb_guid_str(f->server_guid, buf);
		jsonw_kv_str(jw, "server_guid", buf);
	}
}

static bool
smb_has_extra(const void *fact)
{
	const struct smb_facts *f = fact;

	return f->encrypted || f->has_subcmd || f->delete || f->flags != 0 ||
	    f->has_client_version || f->has_server_version ||
	    f->server_host[0] != '\0';
}

/* What Suricata's smb object has no field for. */
static void
smb_eve_extra(struct jsonw *jw, const void *fact)
{
	const struct smb_facts *f = fact;
	const char *w;

	jsonw_key(jw, "smb");
	jsonw_obj_open(jw);
	if (f->encrypted)
		jsonw_kv_bool(jw, "encrypted", true);
	if (f->has_subcmd)
		jsonw_kv_uint(jw, "subcommand", f->subcmd);
	if (f->delete)
		jsonw_kv_bool(jw, "delete", true);
	if (f->has_client_version &&
	    (w = smb_windows_name(f->client_major, f->client_minor,
	    f->client_build)) != NULL)
		jsonw_kv_str(jw, "client_windows", w);
	if (f->has_server_version) {
		smb_eve_version(jw, "server_version", f->server_major,
		    f->server_minor, f->server_build);
		if ((w = smb_windows_name(f->server_major, f->server_minor,
		    f->server_build)) != NULL)
			jsonw_kv_str(jw, "server_windows", w);
	}
	if (f->server_host[0] != '\0')
		jsonw_kv_str(jw, "server_host", f->server_host);
	if (f->flags & SMB_F_DOUBLEPULSAR)
		jsonw_kv_bool(jw, "doublepulsar", true);
	if (f->flags & SMB_F_TRANS2_SETUP)
		jsonw_kv_bool(jw, "trans2_session_setup", true);
	if (f->flags & SMB_F_NT_UNIMPLEMENTED)
		jsonw_kv_bool(jw, "nt_transact_unimplemented", true);
	if (f->flags & SMB_F_OVERSIZED)
		jsonw_kv_bool(jw, "oversized_transaction", true);
	if (f->flags & SMB_F_TRANS_MISMATCH)
		jsonw_kv_bool(jw, "transaction_mismatch", true);
	if (f->flags & SMB_F_WRITE_INTERLEAVE)
		jsonw_kv_bool(jw, "write_into_transaction", true);
	jsonw_obj_close(jw);
}

/* "Windows 7 or Server 2008 R2 (6.1 build 7601)" */
static void
smb_evidence_version(const struct app_sink *sink, int end, uint8_t major,
    uint8_t minor, uint16_t build)
{
	const char *w = smb_windows_name(major, minor, build);
	char v[APP_VALUE_MAX];

	if (w == NULL)
		return;
	(void)snprintf(v, sizeof(v), "%s (%u.%u build %u)", w, major, minor,
	    build);
	app_evidence(sink, end, EVIDENCE_OS_WINDOWS_VERSION, v);
}

/* Device evidence: what each end says of its operating system and
 * name.  A user name identifies a person, not a device: never kept. */
/*
 * What a client did to a file: wrote, renamed or deleted it.  The
 * name goes to the sink whole and is hashed there (it may name a
 * patient); a request the server refused did nothing.
 */
static void
smb_facts_activity(const struct smb_facts *f, const struct app_sink *sink)
{
	char name[2 * SMB_NAME_LEN + 2];
	enum activity act;
	bool write;

	if (!f->has_request || (f->has_response && f->status != 0) ||
	    f->named_pipe)
		return;
	write = f->version == 1 ? f->command == SMB1_WRITE_ANDX :
	    f->command == SMB2_WRITE;
	if (f->rename)
		act = ACT_SMB_RENAME;
	else if (f->delete)
		act = ACT_SMB_DELETE;
	else if (write)
		act = ACT_SMB_WRITE;
	else
		return;
	snprintf(name, sizeof(name), "%s\\%s", f->share, f->filename);
	app_activity(sink, APP_END_CLIENT, act, name);
}

static void
smb_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct smb_facts *f = fact;

	(void)dir;
	if (f->has_client_version)
		smb_evidence_version(sink, APP_END_CLIENT, f->client_major,
		    f->client_minor, f->client_build);
	if (f->has_server_version)
		smb_evidence_version(sink, APP_END_SERVER, f->server_major,
		    f->server_minor, f->server_build);
	if (f->has_ntlmssp)
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_HOSTNAME_SMB,
		    f->ntlmssp.host);
	if (f->server_host[0] != '\0')
		app_evidence(sink, APP_END_SERVER, EVIDENCE_HOSTNAME_SMB,
		    f->server_host);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_SMB_NATIVE_OS,
	    f->req_native_os);
	app_evidence(sink, APP_END_CLIENT, EVIDENCE_SMB_NATIVE_LM,
	    f->req_native_lm);
	app_evidence(sink, APP_END_SERVER, EVIDENCE_SMB_NATIVE_OS,
	    f->resp_native_os);
	app_evidence(sink, APP_END_SERVER, EVIDENCE_SMB_NATIVE_LM,
	    f->resp_native_lm);
	smb_facts_activity(f, sink);
}

const struct app_parser smb_parser = {
	.proto = APP_SMB,
	.ipproto = IPPROTO_TCP,
	.ports = smb_ports,
	.anom_first = EV_SMB_BAD_NBSS_TYPE,
	.anom_last = EV_SMB_WRITE_INTO_TRANSACTION,
	.probe = smb_probe,
	.state_new = smb_state_new,
	.state_size = sizeof(struct smb_state),
	.state_free = smb_state_free,
	.parse = smb_parse,
	.gap = smb_gap,
	.eve = smb_eve,
	.eve_extra = smb_eve_extra,
	.has_extra = smb_has_extra,
	.facts = smb_facts,
	.memuse = smb_memuse,
};
