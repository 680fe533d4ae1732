/*
 * scen-smb.c - a CT console on Windows 7 exports a study to the imaging
 * file server over SMB1 ([MS-CIFS], [MS-SMB], NTLMSSP per [MS-NLMP]).
 *
 *	smb-win7	CT-CONSOLE-01 (10.30.0.31, GE Healthcare) offers
 *			NT LM 0.12 and SMB 2.002; PACS-FS01 (10.30.0.40,
 *			Windows Server 2003, which speaks SMB1 only) picks
 *			NT LM 0.12.  NTLMSSP in three legs: NEGOTIATE and
 *			AUTHENTICATE carry Windows 6.1 build 7601, the
 *			CHALLENGE the server's 5.2 build 3790 and its
 *			NetBIOS name.  Tree connect to \\PACS-FS01\IMAGES
 *			and to IPC$ (the srvsvc pipe opened and closed),
 *			then the study created, written and closed.
 *
 * The messages are built as tests/unit/test-smb.c builds them.  The
 * user name is made up (ctuser); the file holds a DICOM preamble and no
 * patient data.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "gen.h"

#define SMB_PORT	445
#define SMB_HDR		4	/* the SMB header follows the NBSS one */
#define SMB_PID		0xfeff
#define SMB_UID		0x0800
#define SMB_TID_IMAGES	0x0801
#define SMB_TID_IPC	0x0802
#define SMB_FID_STUDY	0x4000
#define SMB_FID_PIPE	0x4001
#define SMB_STUDY_LEN	640
#define STATUS_MORE_PROCESSING	0xc0000016u
/* NTLMSSP flags: UNICODE, REQUEST_TARGET, SIGN, NTLM, ALWAYS_SIGN,
 * EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56. */
#define NTLM_FLAGS	0xe2088215u
#define NTLM_F_TARGET_INFO 0x00800000u

enum { SMB_CT, SMB_FS };

/* 44:4b:5d GE Healthcare, 3c:ec:ef Super Micro. */
static const struct host smb_hosts[2] = {
	{ { 0x44, 0x4b, 0x5d, 0x31, 0x00, 0x31 }, IP4(10, 30, 0, 31), { 0 } },
	{ { 0x3c, 0xec, 0xef, 0x40, 0x00, 0x40 }, IP4(10, 30, 0, 40), { 0 } },
};

static const struct pkt_link smb_link = { .type = PKT_LINK_ETH };

static struct pkt smb_pdu;	/* one message at a time */

/* Who logs on (NTLMSSP AUTHENTICATE); scen_smb1_session() sets them. */
static const char *smb_user = "ctuser", *smb_host = "CT-CONSOLE-01";

static void
set16le(struct pkt *b, size_t at, uint32_t v)
{
	b->buf[at] = (uint8_t)v;
	b->buf[at + 1] = (uint8_t)(v >> 8);
}

/* UTF-16LE, with its NUL or without. */
static void
uni(struct pkt *b, const char *s, int nul)
{
	for (; *s != '\0'; s++)
		pkt_le16(b, (uint8_t)*s);
	if (nul)
		pkt_le16(b, 0);
}

static void
ascii(struct pkt *b, const char *s)
{
	pkt_bytes(b, s, strlen(s) + 1);
}

/* Strings in the byte area of a Unicode message start on an even
 * offset from the SMB header. */
static void
align2(struct pkt *b)
{
	if ((b->len - SMB_HDR) & 1)
		pkt_u8(b, 0);
}

static void
hdr(struct pkt *b, uint8_t cmd, uint32_t status, int reply, uint16_t tid,
    uint16_t uid, uint16_t mid)
{
	pkt_reset(b);
	pkt_zero(b, 4);			/* NBSS session message */
	pkt_bytes(b, "\xffSMB", 4);
	pkt_u8(b, cmd);
	pkt_le32(b, status);
	pkt_u8(b, reply ? 0x98 : 0x18);
	pkt_le16(b, 0xc807);		/* Unicode, NT status, ext security */
	pkt_zero(b, 12);
	pkt_le16(b, tid);
	pkt_le16(b, SMB_PID);
	pkt_le16(b, uid);
	pkt_le16(b, mid);
}

/* Parameter words: the count, then n zeroed words; returns their offset. */
static size_t
words(struct pkt *b, unsigned n)
{
	size_t w;

	pkt_u8(b, n);
	w = b->len;
	pkt_zero(b, 2 * n);
	return w;
}

/* Open the byte area: its count is patched by bytes_end(). */
static size_t
bytes_begin(struct pkt *b)
{
	size_t at = b->len;

	pkt_le16(b, 0);
	return at;
}

static void
bytes_end(struct pkt *b, size_t at)
{
	set16le(b, at, (uint32_t)(b->len - at - 2));
}

static void
send_pdu(struct conv *c, int dir, struct pkt *b)
{
	uint32_t n = (uint32_t)(b->len - 4);

	b->buf[0] = 0;
	b->buf[1] = (uint8_t)(n >> 16);
	b->buf[2] = (uint8_t)(n >> 8);
	b->buf[3] = (uint8_t)n;
	conv_data(c, dir, b->buf, b->len);
}

/* Windows 6.1 build 7601, NTLM revision 15. */
static void
ntlm_version(struct pkt *b, uint8_t major, uint8_t minor, uint16_t build)
{
	pkt_u8(b, major);
	pkt_u8(b, minor);
	pkt_le16(b, build);
	pkt_zero(b, 3);
	pkt_u8(b, 15);
}

/* A security buffer: length, maximum length, offset. */
static void
ntlm_field(struct pkt *b, size_t len, size_t off)
{
	pkt_le16(b, (uint32_t)len);
	pkt_le16(b, (uint32_t)len);
	pkt_le32(b, (uint32_t)off);
}

static void
ntlm_negotiate(struct pkt *b)
{
	pkt_bytes(b, "NTLMSSP", 8);
	pkt_le32(b, 1);
	pkt_le32(b, NTLM_FLAGS);
	ntlm_field(b, 0, 0);			/* domain */
	ntlm_field(b, 0, 0);			/* workstation */
	ntlm_version(b, 6, 1, 7601);
}

static void
ntlm_challenge(struct pkt *b)
{
	static const uint8_t challenge[8] = { 0x5a, 0x1e, 0x73, 0x09, 0xc4,
	    0x28, 0xb1, 0x6f };
	static const char *domain = "HOSPITAL", *host = "PACS-FS01";
	size_t base = b->len, tn = 2 * strlen(domain);
	size_t ti = 4 + 2 * strlen(domain) + 4 + 2 * strlen(host) + 4;

	pkt_bytes(b, "NTLMSSP", 8);
	pkt_le32(b, 2);
	ntlm_field(b, tn, 56);			/* target name */
	pkt_le32(b, NTLM_FLAGS | NTLM_F_TARGET_INFO);
	pkt_bytes(b, challenge, sizeof(challenge));
	pkt_zero(b, 8);
	ntlm_field(b, ti, 56 + tn);		/* target info */
	ntlm_version(b, 5, 2, 3790);
	if (b->len - base != 56)
		return;
	uni(b, domain, 0);
	pkt_le16(b, 2);				/* MsvAvNbDomainName */
	pkt_le16(b, (uint32_t)(2 * strlen(domain)));
	uni(b, domain, 0);
	pkt_le16(b, 1);				/* MsvAvNbComputerName */
	pkt_le16(b, (uint32_t)(2 * strlen(host)));
	uni(b, host, 0);
	pkt_le32(b, 0);				/* MsvAvEOL */
}

static void
ntlm_authenticate(struct pkt *b)
{
	static const char *domain = "HOSPITAL";
	const char *user = smb_user, *host = smb_host;
	size_t off = 72, dl = 2 * strlen(domain), ul = 2 * strlen(user),
	    hl = 2 * strlen(host);

	pkt_bytes(b, "NTLMSSP", 8);
	pkt_le32(b, 3);
	ntlm_field(b, 0, off);			/* LM response */
	ntlm_field(b, 0, off);			/* NT response */
	ntlm_field(b, dl, off);
	ntlm_field(b, ul, off + dl);
	ntlm_field(b, hl, off + dl + ul);
	ntlm_field(b, 0, off + dl + ul + hl);	/* session key */
	pkt_le32(b, NTLM_FLAGS);
	ntlm_version(b, 6, 1, 7601);
	uni(b, domain, 0);
	uni(b, user, 0);
	uni(b, host, 0);
}

/* SESSION_SETUP_ANDX with extended security, request and response. */
static void
session_setup(struct conv *c, struct pkt *b, uint16_t mid, int leg)
{
	size_t w, at, blob;

	hdr(b, 0x73, 0, 0, 0, leg == 1 ? 0 : SMB_UID, mid);
	w = words(b, 12);
	b->buf[w] = 0xff;			/* no AndX */
	set16le(b, w + 4, 16644);		/* max buffer */
	set16le(b, w + 6, 50);			/* max mpx */
	set16le(b, w + 8, 1);			/* VC number */
	b->buf[w + 20] = 0xd4;			/* capabilities */
	b->buf[w + 23] = 0x80;			/* CAP_EXTENDED_SECURITY */
	at = bytes_begin(b);
	blob = b->len;
	if (leg == 1)
		ntlm_negotiate(b);
	else
		ntlm_authenticate(b);
	set16le(b, w + 14, (uint32_t)(b->len - blob));
	align2(b);
	uni(b, "Windows 7 Professional 7601 Service Pack 1", 1);
	uni(b, "Windows 7 Professional 6.1", 1);
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x73, leg == 1 ? STATUS_MORE_PROCESSING : 0, 1, 0, SMB_UID,
	    mid);
	w = words(b, 4);
	b->buf[w] = 0xff;
	at = bytes_begin(b);
	blob = b->len;
	if (leg == 1)
		ntlm_challenge(b);
	set16le(b, w + 6, (uint32_t)(b->len - blob));
	align2(b);
	uni(b, "Windows Server 2003 3790 Service Pack 2", 1);
	uni(b, "Windows Server 2003 5.2", 1);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

static void
negotiate(struct conv *c, struct pkt *b)
{
	/* What Windows 7 offers over SMB1. */
	static const char *dialects[] = { "NT LM 0.12", "SMB 2.002",
	    "SMB 2.???" };
	static const uint8_t guid[16] = { 0x9b, 0x2f, 0x61, 0x0c, 0x3e,
	    0x47, 0x4d, 0x15, 0xa8, 0x70, 0x2e, 0x5c, 0x11, 0xd3, 0x40,
	    0x40 };
	size_t w, at, i;

	hdr(b, 0x72, 0, 0, 0, 0, 1);
	(void)words(b, 0);
	at = bytes_begin(b);
	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		pkt_u8(b, 2);
		ascii(b, dialects[i]);
	}
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x72, 0, 1, 0, 0, 1);
	w = words(b, 17);
	set16le(b, w, 0);			/* NT LM 0.12 */
	b->buf[w + 2] = 0x03;			/* user security, encrypt */
	set16le(b, w + 3, 50);			/* max mpx */
	set16le(b, w + 5, 1);			/* max VCs */
	set16le(b, w + 7, 16644);		/* max buffer */
	b->buf[w + 19] = 0xfd;			/* capabilities */
	b->buf[w + 20] = 0xe3;
	b->buf[w + 22] = 0x80;			/* CAP_EXTENDED_SECURITY */
	at = bytes_begin(b);
	pkt_bytes(b, guid, sizeof(guid));
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

static void
tree_connect(struct conv *c, struct pkt *b, uint16_t mid, const char *path,
    uint16_t tid, int ipc)
{
	size_t w, at;

	hdr(b, 0x75, 0, 0, 0, SMB_UID, mid);
	w = words(b, 4);
	b->buf[w] = 0xff;
	set16le(b, w + 6, 1);			/* password length */
	at = bytes_begin(b);
	pkt_u8(b, 0);				/* password */
	align2(b);
	uni(b, path, 1);
	ascii(b, "?????");
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x75, 0, 1, tid, SMB_UID, mid);
	w = words(b, 3);
	b->buf[w] = 0xff;
	b->buf[w + 4] = 0x01;			/* optional support */
	at = bytes_begin(b);
	ascii(b, ipc ? "IPC" : "A:");
	if (!ipc)
		uni(b, "NTFS", 1);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

static void
nt_create(struct conv *c, struct pkt *b, uint16_t mid, uint16_t tid,
    const char *name, uint16_t fid, uint32_t disposition)
{
	size_t w, at;

	hdr(b, 0xa2, 0, 0, tid, SMB_UID, mid);
	w = words(b, 24);
	b->buf[w] = 0xff;
	set16le(b, w + 5, (uint32_t)(2 * strlen(name)));	/* name length */
	b->buf[w + 15] = 0x9f;			/* desired access */
	b->buf[w + 16] = 0x01;
	b->buf[w + 17] = 0x12;
	b->buf[w + 27] = 0x80;			/* attributes: normal */
	b->buf[w + 31] = 0x03;			/* share read, write */
	b->buf[w + 35] = (uint8_t)disposition;
	b->buf[w + 43] = 0x02;			/* impersonation */
	at = bytes_begin(b);
	align2(b);
	uni(b, name, 1);
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0xa2, 0, 1, tid, SMB_UID, mid);
	w = words(b, 34);
	b->buf[w] = 0xff;
	set16le(b, w + 5, fid);
	b->buf[w + 7] = (uint8_t)(disposition == 2 ? 2 : 1);	/* created */
	at = bytes_begin(b);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

static void
write_andx(struct conv *c, struct pkt *b, uint16_t mid, const uint8_t *data,
    size_t n)
{
	size_t w, at;

	hdr(b, 0x2f, 0, 0, SMB_TID_IMAGES, SMB_UID, mid);
	w = words(b, 14);
	b->buf[w] = 0xff;
	set16le(b, w + 4, SMB_FID_STUDY);
	set16le(b, w + 20, (uint32_t)n);	/* data length */
	at = bytes_begin(b);
	pkt_u8(b, 0);				/* pad */
	set16le(b, w + 22, (uint32_t)(b->len - SMB_HDR));	/* offset */
	pkt_bytes(b, data, n);
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x2f, 0, 1, SMB_TID_IMAGES, SMB_UID, mid);
	w = words(b, 6);
	b->buf[w] = 0xff;
	set16le(b, w + 4, (uint32_t)n);
	at = bytes_begin(b);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

static void
close_fid(struct conv *c, struct pkt *b, uint16_t mid, uint16_t tid,
    uint16_t fid)
{
	size_t w, at;

	hdr(b, 0x04, 0, 0, tid, SMB_UID, mid);
	w = words(b, 3);
	set16le(b, w, fid);
	at = bytes_begin(b);
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x04, 0, 1, tid, SMB_UID, mid);
	(void)words(b, 0);
	at = bytes_begin(b);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

/* SMB_COM_RENAME ([MS-CIFS] 2.2.4.8): two buffer-format 0x04 names. */
static void
rename_file(struct conv *c, struct pkt *b, uint16_t mid, uint16_t tid,
    const char *from, const char *to)
{
	size_t w, at;

	hdr(b, 0x07, 0, 0, tid, SMB_UID, mid);
	w = words(b, 1);
	set16le(b, w, 0x0016);			/* hidden, system, directory */
	at = bytes_begin(b);
	pkt_u8(b, 0x04);
	align2(b);
	uni(b, from, 1);
	pkt_u8(b, 0x04);
	align2(b);
	uni(b, to, 1);
	bytes_end(b, at);
	send_pdu(c, 0, b);

	hdr(b, 0x07, 0, 1, tid, SMB_UID, mid);
	(void)words(b, 0);
	at = bytes_begin(b);
	bytes_end(b, at);
	send_pdu(c, 1, b);
}

/*
 * For other scenarios (scen-days.c): a Windows 7 client of user on
 * host negotiates, logs on and connects to share (\\SERVER\SHARE);
 * message ids from 1 to 4.
 */
void
scen_smb1_session(struct conv *c, const char *user, const char *host,
    const char *share)
{
	struct pkt *b = &smb_pdu;

	smb_user = user;
	smb_host = host;
	negotiate(c, b);
	session_setup(c, b, 2, 1);
	session_setup(c, b, 3, 2);
	tree_connect(c, b, 4, share, SMB_TID_IMAGES, 0);
	smb_user = "ctuser";
	smb_host = "CT-CONSOLE-01";
}

/*
 * One file on the share of scen_smb1_session(): created and written,
 * or, with rename_to, opened, overwritten and renamed, as ransomware
 * does.  Uses message ids mid to mid + 3.
 */
void
scen_smb1_file(struct conv *c, uint16_t mid, const char *name,
    const uint8_t *data, size_t n, const char *rename_to)
{
	struct pkt *b = &smb_pdu;

	nt_create(c, b, mid, SMB_TID_IMAGES, name, SMB_FID_STUDY,
	    rename_to != NULL ? 1 : 2);
	write_andx(c, b, (uint16_t)(mid + 1), data, n);
	close_fid(c, b, (uint16_t)(mid + 2), SMB_TID_IMAGES, SMB_FID_STUDY);
	if (rename_to != NULL)
		rename_file(c, b, (uint16_t)(mid + 3), SMB_TID_IMAGES, name,
		    rename_to);
}

int
scen_smb_win7(struct gen *g)
{
	struct pkt *b = &smb_pdu;
	uint8_t study[SMB_STUDY_LEN];
	struct conv c;

	/* A DICOM Part 10 file: 128-byte preamble, "DICM", then the group
	 * 2 meta header (its length element only). */
	memset(study, 0, sizeof(study));
	memcpy(study + 128, "DICM\x02\x00\x00\x00UL\x04\x00", 12);
	scen_fill(study + 144, sizeof(study) - 144, 7601);

	scen_conv(&c, g, &smb_link, &smb_hosts[SMB_CT], 49158,
	    &smb_hosts[SMB_FS], SMB_PORT);
	conv_open(&c);
	negotiate(&c, b);
	session_setup(&c, b, 2, 1);
	session_setup(&c, b, 3, 2);
	tree_connect(&c, b, 4, "\\\\PACS-FS01\\IPC$", SMB_TID_IPC, 1);
	nt_create(&c, b, 5, SMB_TID_IPC, "\\srvsvc", SMB_FID_PIPE, 1);
	close_fid(&c, b, 6, SMB_TID_IPC, SMB_FID_PIPE);
	tree_connect(&c, b, 7, "\\\\PACS-FS01\\IMAGES", SMB_TID_IMAGES, 0);
	nt_create(&c, b, 8, SMB_TID_IMAGES,
	    "EXPORT\\CT_20261102_0001.dcm", SMB_FID_STUDY, 2);
	write_andx(&c, b, 9, study, sizeof(study));
	close_fid(&c, b, 10, SMB_TID_IMAGES, SMB_FID_STUDY);
	gen_wait(g, 2 * GEN_NS);
	conv_close(&c, 0);
	return 0;
}

/*
 * A client that writes n small files on a share, one after another,
 * each under a new name, gap_ns apart: what ransomware does to a file
 * server (scen-baseline.c).
 */
int
scen_smb_write_files(struct gen *g, const struct pkt_link *link,
    const struct host *cli, uint16_t cport, const struct host *srv,
    const char *share, unsigned n, uint64_t gap_ns)
{
	struct pkt *b = &smb_pdu;
	uint8_t data[512];
	char name[64];
	struct conv c;
	uint16_t mid = 2;
	unsigned i;

	scen_fill(data, sizeof(data), n);
	scen_conv(&c, g, link, cli, cport, srv, SMB_PORT);
	conv_open(&c);
	negotiate(&c, b);
	session_setup(&c, b, mid++, 1);
	session_setup(&c, b, mid++, 2);
	tree_connect(&c, b, mid++, share, SMB_TID_IMAGES, 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "EXPORT\\IMG%05u.dcm.locked", i);
		nt_create(&c, b, mid++, SMB_TID_IMAGES, name, SMB_FID_STUDY,
		    2);
		write_andx(&c, b, mid++, data, sizeof(data));
		close_fid(&c, b, mid++, SMB_TID_IMAGES, SMB_FID_STUDY);
		gen_wait(g, gap_ns);
	}
	conv_close(&c, 0);
	return 0;
}
