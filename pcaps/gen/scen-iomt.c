/*
 * scen-iomt.c - captures for rules/iomt.rules: per rule (or small group
 * of rules) one capture that must fire it ("iomt-NAME-pos") and a near
 * miss that must not ("iomt-NAME-neg").  tests/iomt-rules.tsv names the
 * pair of each sid; tests/iomt-rules.sh generates them and runs
 * wardwatch with the rules and the variables below.
 *
 * Addresses, as tests/iomt-rules.sh configures the rule variables:
 *	10.10.0.0/16	IT (not $MEDICAL_NET)
 *	10.20.0.0/16	clinical ward ($MEDICAL_NET); 10.20.0.5 the HL7
 *			engine ($HL7_SERVERS)
 *	10.30.0.0/16	imaging ($MEDICAL_NET, $DICOM_CLIENTS);
 *			10.30.0.40 the PACS ($PACS_SERVERS)
 *	203.0.113.0/24, 198.51.100.0/24	the internet ($EXTERNAL_NET)
 *
 * Rules on a device class (device.src_class, device.dest_class) get
 * captures that first let the inventory learn the class (a monitor's
 * vital-sign results, a CT's storage association) and only then do
 * what the rule is about.  Patient fields are fake (DOE^JANE, MRN
 * 000000); credentials are public defaults or obviously made up.
 * Not committed: every run writes the same bytes, so the test makes
 * them when it runs.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MLLP_SB		0x0b
#define MLLP_EB		0x1c

enum {
	H_ITWS,		/* IT workstation, Dell */
	H_SWITCH,	/* IT switch */
	H_INTRUDER,	/* unknown laptop on the IT net */
	H_ENGINE,	/* HL7 interface engine, VMware */
	H_MONITOR,	/* Philips patient monitor */
	H_GATEWAY,	/* pump gateway (embedded Linux) */
	H_CT,		/* GE CT scanner */
	H_RADWS,	/* radiology reading workstation */
	H_PACS,		/* the PACS */
	H_EXT,		/* a host on the internet */
	H_EXT2,
	H_NHOSTS
};

static const struct host hosts[H_NHOSTS] = {
	{ { 0x00, 0x14, 0x22, 0x10, 0x00, 0x50 }, IP4(10, 10, 0, 50), { 0 } },
	{ { 0x00, 0x1b, 0x54, 0x10, 0x00, 0x09 }, IP4(10, 10, 0, 9), { 0 } },
	{ { 0x02, 0x42, 0x13, 0x37, 0x00, 0x77 }, IP4(10, 10, 0, 77), { 0 } },
	{ { 0x00, 0x50, 0x56, 0x20, 0x00, 0x05 }, IP4(10, 20, 0, 5), { 0 } },
	{ { 0x00, 0x09, 0x5c, 0x4a, 0x07, 0x21 }, IP4(10, 20, 0, 21), { 0 } },
	{ { 0xb8, 0x27, 0xeb, 0x20, 0x00, 0x60 }, IP4(10, 20, 0, 60), { 0 } },
	{ { 0x44, 0x4b, 0x5d, 0x31, 0x00, 0x31 }, IP4(10, 30, 0, 31), { 0 } },
	{ { 0x00, 0x14, 0x22, 0x30, 0x00, 0x35 }, IP4(10, 30, 0, 35), { 0 } },
	{ { 0x3c, 0xec, 0xef, 0x40, 0x00, 0x40 }, IP4(10, 30, 0, 40), { 0 } },
	{ { 0x00, 0x1b, 0x54, 0x10, 0x00, 0x01 }, IP4(203, 0, 113, 10), { 0 } },
	{ { 0x00, 0x1b, 0x54, 0x10, 0x00, 0x01 }, IP4(198, 51, 100, 20), { 0 } },
};

static const struct pkt_link eth = { .type = PKT_LINK_ETH };

/* A made-up host on a subnet: its own locally administered MAC. */
static struct host
mkhost(uint32_t ip)
{
	struct host h;

	memset(&h, 0, sizeof(h));
	pkt_mac(h.mac, 0x02aa00, ip & 0xffffff);
	h.ip4 = ip;
	return h;
}

static void
open_h(struct conv *c, struct gen *g, const struct host *cli,
    uint16_t cport, const struct host *srv, uint16_t sport)
{
	scen_conv(c, g, &eth, cli, cport, srv, sport);
	conv_open(c);
}

static void
say(struct conv *c, int dir, const char *s)
{
	conv_data(c, dir, (const uint8_t *)s, strlen(s));
}

static uint16_t
eport(struct gen *g)
{
	return (uint16_t)(49152 + gen_rand(g) % 16000);
}

/* ------------------------------------------------------------------ */
/* Cleartext logins: telnet in line mode, FTP, HTTP Basic */

static void
telnet_login(struct gen *g, const struct host *cli, const struct host *srv,
    uint16_t port, const char *user, const char *pass, int ok)
{
	/* IAC WILL ECHO, IAC WILL SGA; the client agrees (RFC 857, 858). */
	static const uint8_t srv_opt[] = { 255, 251, 1, 255, 251, 3 };
	static const uint8_t cli_opt[] = { 255, 253, 1, 255, 253, 3 };
	char line[128];
	struct conv c;

	open_h(&c, g, cli, eport(g), srv, port);
	conv_data(&c, 1, srv_opt, sizeof(srv_opt));
	conv_data(&c, 0, cli_opt, sizeof(cli_opt));
	say(&c, 1, "\r\nlogin: ");
	(void)snprintf(line, sizeof(line), "%s\r\n", user);
	say(&c, 0, line);
	say(&c, 1, "Password: ");
	(void)snprintf(line, sizeof(line), "%s\r\n", pass);
	say(&c, 0, line);
	gen_wait(g, 1 * GEN_NS);
	say(&c, 1, ok ? "\r\nLast login: Sun Nov  1 16:42:09 2026\r\n$ " :
	    "\r\nLogin incorrect\r\n");
	if (ok)
		say(&c, 0, "exit\r\n");
	conv_close(&c, 1);
	gen_wait(g, 500 * GEN_MS);
}

static void
ftp_login(struct conv *c, const char *user, const char *pass, int ok)
{
	char line[128];

	(void)snprintf(line, sizeof(line), "USER %s\r\n", user);
	say(c, 0, line);
	say(c, 1, "331 Please specify the password.\r\n");
	(void)snprintf(line, sizeof(line), "PASS %s\r\n", pass);
	say(c, 0, line);
	say(c, 1, ok ? "230 Login successful.\r\n" :
	    "530 Login incorrect.\r\n");
}

static void
ftp_session(struct gen *g, const struct host *cli, const struct host *srv,
    const char *user, const char *pass, int ok, const char *stor)
{
	char line[128];
	struct conv c;

	open_h(&c, g, cli, eport(g), srv, 21);
	say(&c, 1, "220 (vsFTPd 3.0.3)\r\n");
	ftp_login(&c, user, pass, ok);
	if (ok && stor != NULL) {
		say(&c, 0, "TYPE I\r\n");
		say(&c, 1, "200 Switching to Binary mode.\r\n");
		(void)snprintf(line, sizeof(line), "STOR %s\r\n", stor);
		say(&c, 0, line);
		say(&c, 1, "150 Ok to send data.\r\n");
		gen_wait(g, 2 * GEN_NS);
		say(&c, 1, "226 Transfer complete.\r\n");
	}
	say(&c, 0, "QUIT\r\n");
	say(&c, 1, "221 Goodbye.\r\n");
	conv_close(&c, 1);
	gen_wait(g, 500 * GEN_MS);
}

static void
http_get(struct gen *g, const struct host *cli, const struct host *srv,
    const char *auth)
{
	char req[512];
	struct conv c;
	char addr[16];
	uint32_t a = srv->ip4;

	(void)snprintf(addr, sizeof(addr), "%u.%u.%u.%u", a >> 24,
	    (a >> 16) & 255, (a >> 8) & 255, a & 255);
	(void)snprintf(req, sizeof(req), "GET /config/network.html HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; "
	    "x64)\r\nAccept: text/html\r\n%s%s%sConnection: close\r\n\r\n",
	    addr, auth != NULL ? "Authorization: " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "");
	open_h(&c, g, cli, eport(g), srv, 80);
	say(&c, 0, req);
	say(&c, 1, "HTTP/1.1 200 OK\r\nServer: GoAhead-Webs\r\n"
	    "Content-Type: text/html\r\nContent-Length: 25\r\n"
	    "Connection: close\r\n\r\n<html>Network</html>\r\n\r\n");
	conv_close(&c, 1);
	gen_wait(g, 500 * GEN_MS);
}

static int
c_telnet_login(struct gen *g, int pos)
{
	telnet_login(g, &hosts[H_ITWS], &hosts[pos ? H_MONITOR : H_SWITCH],
	    23, "biomed", "Wd3-Mon!x7", 1);
	return 0;
}

static int
c_ftp_login(struct gen *g, int pos)
{
	ftp_session(g, &hosts[H_ITWS], &hosts[pos ? H_CT : H_SWITCH],
	    "service", "Ct-Svc-2026x", 1, NULL);
	return 0;
}

static int
c_http_basic(struct gen *g, int pos)
{
	/* "biomed:Wd3-Mon!x7"; the near miss carries a bearer token. */
	http_get(g, &hosts[H_ITWS], &hosts[H_MONITOR], pos ?
	    "Basic YmlvbWVkOldkMy1Nb24heDc=" :
	    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZmFrZQ");
	return 0;
}

static int
c_cred_admin(struct gen *g, int pos)
{
	telnet_login(g, &hosts[H_ITWS], &hosts[H_GATEWAY], 23, "admin",
	    pos ? "admin" : "admin2", 1);
	return 0;
}

static int
c_cred_root(struct gen *g, int pos)
{
	ftp_session(g, &hosts[H_ITWS], &hosts[H_GATEWAY], "root",
	    pos ? "root" : "rootroot", 1, NULL);
	return 0;
}

static int
c_cred_mirai(struct gen *g, int pos)
{
	telnet_login(g, &hosts[H_INTRUDER], &hosts[H_GATEWAY], 23, "root",
	    pos ? "xc3511" : "xc3512", 0);
	return 0;
}

static int
c_http_blank(struct gen *g, int pos)
{
	/* "admin:" and the near miss "admin:admin". */
	http_get(g, &hosts[H_ITWS], &hosts[H_MONITOR], pos ?
	    "Basic YWRtaW46" : "Basic YWRtaW46YWRtaW4=");
	return 0;
}

static int
c_insite(struct gen *g, int pos)
{
	ftp_session(g, &hosts[H_ITWS], &hosts[H_CT], pos ? "insite" :
	    "insite2", "not-the-real-one", 0, NULL);
	return 0;
}

static int
c_ftp_anon(struct gen *g, int pos)
{
	ftp_session(g, &hosts[H_ITWS], &hosts[H_CT], pos ? "anonymous" :
	    "biomed", "guest@", 1, NULL);
	return 0;
}

static void	monitor_classify(struct gen *);

/* ------------------------------------------------------------------ */
/* SMB (NetBIOS session service framing, [MS-CIFS], [MS-SMB2]) */

#define SMB1_HDR	32
#define SMB1_FLAGS_REPLY 0x98
#define SMB1_FLAGS2	0xc807

/* A NetBIOS session message header whose length smb_end() patches. */
static void
nbss_begin(struct pkt *b)
{
	pkt_reset(b);
	pkt_be32(b, 0);
}

static void
nbss_end(struct pkt *b)
{
	pkt_set32(b->buf, (uint32_t)(b->len - 4));
}

static void
smb1_hdr(struct pkt *b, uint8_t cmd, uint32_t status, int reply,
    uint16_t tid, uint16_t uid, uint16_t mid)
{
	pkt_u8(b, 0xff);
	pkt_str(b, "SMB");
	pkt_u8(b, cmd);
	pkt_le32(b, status);
	pkt_u8(b, reply ? SMB1_FLAGS_REPLY : 0x18);
	pkt_le16(b, SMB1_FLAGS2);
	pkt_le16(b, 0);			/* PID high */
	pkt_zero(b, 8);			/* signature */
	pkt_le16(b, 0);
	pkt_le16(b, tid);
	pkt_le16(b, 0xfeff);		/* PID low */
	pkt_le16(b, uid);
	pkt_le16(b, mid);
}

static void
smb_send(struct conv *c, int dir, struct pkt *b)
{
	nbss_end(b);
	conv_data(c, dir, b->buf, b->len);
}

static void
smb1_negotiate(struct conv *c, struct pkt *b)
{
	static const char dialects[] = "\x02PC NETWORK PROGRAM 1.0\0"
	    "\x02LANMAN1.0\0\x02NT LM 0.12";

	nbss_begin(b);
	smb1_hdr(b, 0x72, 0, 0, 0, 0, 0);
	pkt_u8(b, 0);
	pkt_le16(b, sizeof(dialects));
	pkt_bytes(b, dialects, sizeof(dialects));
	smb_send(c, 0, b);
	nbss_begin(b);
	smb1_hdr(b, 0x72, 0, 1, 0, 0, 0);
	pkt_u8(b, 17);
	pkt_le16(b, 2);			/* NT LM 0.12 */
	pkt_u8(b, 0x03);		/* security mode */
	pkt_le16(b, 50);		/* max mpx */
	pkt_le16(b, 1);
	pkt_le32(b, 16644);
	pkt_le32(b, 65536);
	pkt_le32(b, 0);
	pkt_le32(b, 0x8000e3fd);	/* capabilities */
	pkt_zero(b, 8);			/* system time */
	pkt_le16(b, 0);
	pkt_u8(b, 0);			/* challenge length */
	pkt_le16(b, 0);
	smb_send(c, 1, b);
}

static void
smb2_hdr(struct pkt *b, uint16_t cmd, uint32_t status, int reply,
    uint64_t mid, uint32_t tid, uint64_t sid)
{
	pkt_u8(b, 0xfe);
	pkt_str(b, "SMB");
	pkt_le16(b, 64);
	pkt_le16(b, 1);			/* credit charge */
	pkt_le32(b, status);
	pkt_le16(b, cmd);
	pkt_le16(b, 1);
	pkt_le32(b, reply ? 1 : 0);
	pkt_le32(b, 0);
	pkt_le32(b, (uint32_t)mid);
	pkt_le32(b, (uint32_t)(mid >> 32));
	pkt_le32(b, 0xfeff);
	pkt_le32(b, tid);
	pkt_le32(b, (uint32_t)sid);
	pkt_le32(b, (uint32_t)(sid >> 32));
	pkt_zero(b, 16);
}

static void
smb2_negotiate(struct conv *c, struct pkt *b)
{
	nbss_begin(b);
	smb2_hdr(b, 0, 0, 0, 0, 0, 0);
	pkt_le16(b, 36);
	pkt_le16(b, 2);			/* dialect count */
	pkt_le16(b, 1);			/* signing enabled */
	pkt_le16(b, 0);
	pkt_le32(b, 0x7f);
	pkt_zero(b, 16);		/* client guid */
	pkt_zero(b, 8);
	pkt_le16(b, 0x0202);
	pkt_le16(b, 0x0210);
	smb_send(c, 0, b);
	nbss_begin(b);
	smb2_hdr(b, 0, 0, 1, 0, 0, 0);
	pkt_le16(b, 65);
	pkt_le16(b, 1);
	pkt_le16(b, 0x0210);
	pkt_le16(b, 0);
	pkt_zero(b, 16);		/* server guid */
	pkt_le32(b, 0x07);
	pkt_le32(b, 65536);
	pkt_le32(b, 65536);
	pkt_le32(b, 65536);
	pkt_zero(b, 16);		/* times */
	pkt_le16(b, 128);
	pkt_le16(b, 0);			/* no security blob */
	pkt_le32(b, 0);
	smb_send(c, 1, b);
}

/* An ASCII string as UTF-16LE. */
static void
utf16(struct pkt *b, const char *s)
{
	for (; *s != '\0'; s++)
		pkt_le16(b, (uint8_t)*s);
}

static void
smb2_tree(struct conv *c, struct pkt *b, const char *path, uint64_t mid,
    uint32_t tid, int pipe)
{
	nbss_begin(b);
	smb2_hdr(b, 3, 0, 0, mid, 0, 0x1d);
	pkt_le16(b, 9);
	pkt_le16(b, 0);
	pkt_le16(b, 64 + 8);
	pkt_le16(b, (uint32_t)(2 * strlen(path)));
	utf16(b, path);
	smb_send(c, 0, b);
	nbss_begin(b);
	smb2_hdr(b, 3, 0, 1, mid, tid, 0x1d);
	pkt_le16(b, 16);
	pkt_u8(b, pipe ? 2 : 1);
	pkt_u8(b, 0);
	pkt_le32(b, 0);
	pkt_le32(b, 0);
	pkt_le32(b, 0x001f01ff);
	smb_send(c, 1, b);
}

static void
smb2_create(struct conv *c, struct pkt *b, const char *name, uint64_t mid,
    uint32_t tid)
{
	nbss_begin(b);
	smb2_hdr(b, 5, 0, 0, mid, tid, 0x1d);
	pkt_le16(b, 57);
	pkt_u8(b, 0);
	pkt_u8(b, 0);
	pkt_le32(b, 2);			/* impersonation */
	pkt_zero(b, 16);
	pkt_le32(b, 0x0012019f);	/* desired access */
	pkt_le32(b, 0);
	pkt_le32(b, 7);			/* share access */
	pkt_le32(b, 1);			/* FILE_OPEN */
	pkt_le32(b, 0);
	pkt_le16(b, 64 + 56);
	pkt_le16(b, (uint32_t)(2 * strlen(name)));
	pkt_le32(b, 0);
	pkt_le32(b, 0);
	utf16(b, name);
	smb_send(c, 0, b);
	nbss_begin(b);
	smb2_hdr(b, 5, 0, 1, mid, tid, 0x1d);
	pkt_le16(b, 89);
	pkt_u8(b, 0);
	pkt_u8(b, 0);
	pkt_le32(b, 1);			/* FILE_OPENED */
	pkt_zero(b, 32);		/* times */
	pkt_zero(b, 16);		/* sizes */
	pkt_le32(b, 0x80);
	pkt_le32(b, 0);
	pkt_le32(b, 0x11);		/* file id */
	pkt_le32(b, 0);
	pkt_le32(b, 0x22);
	pkt_le32(b, 0);
	pkt_le32(b, 0);
	pkt_le32(b, 0);
	smb_send(c, 1, b);
}

static int
with_buf(struct gen *g, int pos, void (*fn)(struct gen *, struct pkt *,
    int))
{
	struct pkt *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	fn(g, b, pos);
	free(b);
	return 0;
}

static void
smb1_neg_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_ITWS], eport(g), &hosts[H_CT], 445);
	if (pos)
		smb1_negotiate(&c, b);
	else
		smb2_negotiate(&c, b);
	conv_close(&c, 0);
}

static int
c_smb1(struct gen *g, int pos)
{
	return with_buf(g, pos, smb1_neg_run);
}

/*
 * EternalBlue's first large transaction: an NT Trans whose total data
 * count is far above what fits one message, to be completed by
 * secondaries; the near miss is an ordinary NT Trans (query security
 * descriptor) with a small total.
 */
static void
eternal_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;
	uint32_t tdc = pos ? 0x103d0 : 0x200;
	size_t i;

	open_h(&c, g, &hosts[H_INTRUDER], eport(g), &hosts[H_RADWS], 445);
	smb1_negotiate(&c, b);
	nbss_begin(b);
	smb1_hdr(b, 0xa0, 0, 0, 0x0800, 0x0800, 0x40);
	pkt_u8(b, 20);			/* word count: 19 + setup 1 */
	pkt_u8(b, 1);			/* max setup count */
	pkt_le16(b, 0);
	pkt_le32(b, 0x1e);		/* total parameter count */
	pkt_le32(b, tdc);		/* total data count */
	pkt_le32(b, 0x1e);
	pkt_le32(b, 0);
	pkt_le32(b, 0x1e);		/* parameter count */
	pkt_le32(b, 0x4b);
	pkt_le32(b, 0x3d0);		/* data count */
	pkt_le32(b, 0x6c);
	pkt_u8(b, 1);
	pkt_le16(b, pos ? 0 : 6);	/* function */
	pkt_le16(b, 0);			/* setup word */
	pkt_le16(b, 0x3d0 + 0x1e + 1);
	pkt_zero(b, 1 + 0x1e);
	for (i = 0; i < 0x3d0; i++)
		pkt_u8(b, pos ? 0x00 : (uint32_t)(i & 0x7f));
	smb_send(&c, 0, b);
	conv_close(&c, 0);
}

static int
c_eternalblue(struct gen *g, int pos)
{
	return with_buf(g, pos, eternal_run);
}

/* The MS17-010 check: Trans PeekNamedPipe on FID 0, and the answer. */
static void
ms17_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_INTRUDER], eport(g), &hosts[H_RADWS], 445);
	smb1_negotiate(&c, b);
	nbss_begin(b);
	smb1_hdr(b, 0x25, 0, 0, 0x0800, 0x0800, 0x40);
	pkt_u8(b, 16);
	pkt_zero(b, 2 * 14);
	pkt_u8(b, 2);			/* setup count */
	pkt_u8(b, 0);
	pkt_le16(b, 0x23);		/* PeekNamedPipe */
	pkt_le16(b, 0);			/* FID 0 */
	pkt_le16(b, 7);
	pkt_str(b, "\\PIPE\\");
	pkt_u8(b, 0);
	smb_send(&c, 0, b);
	nbss_begin(b);
	smb1_hdr(b, 0x25, pos ? 0xc0000205 : 0xc0000022, 1, 0x0800, 0x0800,
	    0x40);
	pkt_u8(b, 0);
	pkt_le16(b, 0);
	smb_send(&c, 1, b);
	conv_close(&c, 0);
}

static int
c_ms17probe(struct gen *g, int pos)
{
	return with_buf(g, pos, ms17_run);
}

/* A Trans2 request with one setup word (the subcommand). */
static void
trans2_req(struct conv *c, struct pkt *b, uint16_t sub, uint16_t mid)
{
	size_t i;

	nbss_begin(b);
	smb1_hdr(b, 0x32, 0, 0, 0x0800, 0x0800, mid);
	pkt_u8(b, 15);
	pkt_le16(b, 12);		/* total parameter count */
	pkt_le16(b, 0);
	pkt_le16(b, 1);
	pkt_le16(b, 0);
	pkt_u8(b, 0);
	pkt_u8(b, 0);
	pkt_le16(b, 0);
	pkt_le32(b, sub == 0x0e ? 0x0025891a : 0);	/* timeout */
	pkt_le16(b, 0);
	pkt_le16(b, 12);
	pkt_le16(b, 66);
	pkt_le16(b, 0);
	pkt_le16(b, 78);
	pkt_u8(b, 1);
	pkt_u8(b, 0);
	pkt_le16(b, sub);
	pkt_le16(b, 13);
	pkt_u8(b, 0);
	for (i = 0; i < 12; i++)
		pkt_u8(b, 0);
	smb_send(c, 0, b);
}

static void
dp_req_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_INTRUDER], eport(g), &hosts[H_RADWS], 445);
	smb1_negotiate(&c, b);
	trans2_req(&c, b, pos ? 0x0e : 0x01, 0x41);
	conv_close(&c, 0);
}

static int
c_dp_req(struct gen *g, int pos)
{
	return with_buf(g, pos, dp_req_run);
}

/* The answer to DoublePulsar's ping: MID 0x51 when the implant is in. */
static void
dp_resp_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_INTRUDER], eport(g), &hosts[H_RADWS], 445);
	smb1_negotiate(&c, b);
	trans2_req(&c, b, 0x0e, 0x41);
	nbss_begin(b);
	smb1_hdr(b, 0x32, 0xc0000002, 1, 0x0800, 0x0800,
	    (uint16_t)(pos ? 0x51 : 0x41));
	pkt_u8(b, 0);
	pkt_le16(b, 0);
	smb_send(&c, 1, b);
	conv_close(&c, 0);
}

static int
c_dp_resp(struct gen *g, int pos)
{
	return with_buf(g, pos, dp_resp_run);
}

static void
smb_share_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_ITWS], eport(g), &hosts[H_CT], 445);
	smb2_negotiate(&c, b);
	smb2_tree(&c, b, pos ? "\\\\10.30.0.31\\ADMIN$" :
	    "\\\\10.30.0.31\\IPC$", 2, 5, !pos);
	conv_close(&c, 0);
}

static int
c_smb_admin(struct gen *g, int pos)
{
	return with_buf(g, pos, smb_share_run);
}

static void
smb_pipe_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_ITWS], eport(g), &hosts[H_CT], 445);
	smb2_negotiate(&c, b);
	smb2_tree(&c, b, "\\\\10.30.0.31\\IPC$", 2, 1, 1);
	smb2_create(&c, b, pos ? "svcctl" : "srvsvc", 3, 1);
	conv_close(&c, 0);
}

static int
c_smb_svcctl(struct gen *g, int pos)
{
	return with_buf(g, pos, smb_pipe_run);
}

static void
smb_sweep_run(struct gen *g, struct pkt *b, int pos)
{
	struct conv c;
	struct host dst;
	int i, n = pos ? 25 : 5;

	(void)b;
	for (i = 0; i < n; i++) {
		dst = mkhost(IP4(10, 30, 1, 10 + i));
		scen_conv(&c, g, &eth, &hosts[H_CT], eport(g), &dst, 445);
		conv_seg(&c, 0, TCP_SYN, NULL, 0);
		gen_wait(g, 200 * GEN_MS);
	}
}

static int
c_smb_sweep(struct gen *g, int pos)
{
	return with_buf(g, pos, smb_sweep_run);
}

/* ------------------------------------------------------------------ */
/* DICOM (PS3.8 9.3, PS3.7 9.3) */

#define DCM_AE_LEN	16
#define UID_APP_CTX	"1.2.840.10008.3.1.1.1"
#define UID_VERIFY	"1.2.840.10008.1.1"
#define UID_CT_STORE	"1.2.840.10008.5.1.4.1.1.2"
#define UID_FIND	"1.2.840.10008.5.1.4.1.2.2.1"
#define UID_MOVE	"1.2.840.10008.5.1.4.1.2.2.2"
#define UID_GET		"1.2.840.10008.5.1.4.1.2.2.3"
#define UID_ILE		"1.2.840.10008.1.2"
#define UID_DCMTK	"1.2.276.0.7230010.3.0.3.6.7"
#define DCM_ECHO	0x0030
#define DCM_FIND	0x0020
#define DCM_MOVE	0x0021
#define DCM_GET		0x0010
#define DCM_STORE	0x0001

static void
ditem(struct pkt *b, uint8_t type, const char *s)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)strlen(s));
	pkt_str(b, s);
}

static void
dae(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, DCM_AE_LEN);

	memset(p, ' ', DCM_AE_LEN);
	memcpy(p, ae, strlen(ae));
}

static void
dpdu_begin(struct pkt *b, uint8_t type)
{
	pkt_reset(b);
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
}

static void
dpdu_end(struct pkt *b)
{
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

/* A-ASSOCIATE-RQ (ac 0) or -AC with one presentation context. */
static void
dassoc(struct pkt *b, int ac, const char *called, const char *calling,
    const char *as, const char *impl_ver)
{
	size_t pc, ui;

	dpdu_begin(b, ac ? 0x02 : 0x01);
	pkt_be16(b, 1);
	pkt_zero(b, 2);
	dae(b, called);
	dae(b, calling);
	pkt_zero(b, 32);
	ditem(b, 0x10, UID_APP_CTX);
	pkt_u8(b, ac ? 0x21 : 0x20);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	pc = b->len;
	pkt_u8(b, 1);
	pkt_zero(b, 3);
	if (!ac)
		ditem(b, 0x30, as);
	ditem(b, 0x40, UID_ILE);
	pkt_set16(b->buf + pc - 2, (uint32_t)(b->len - pc));
	pkt_u8(b, 0x50);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	ui = b->len;
	pkt_u8(b, 0x51);
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, 16384);
	ditem(b, 0x52, UID_DCMTK);
	ditem(b, 0x55, impl_ver);
	pkt_set16(b->buf + ui - 2, (uint32_t)(b->len - ui));
	dpdu_end(b);
}

static void
delem(struct pkt *b, uint16_t grp, uint16_t el, const void *v, size_t n)
{
	pkt_le16(b, grp);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)n);
	pkt_bytes(b, v, n);
}

static void
delem_us(struct pkt *b, uint16_t el, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	delem(b, 0x0000, el, le, 2);
}

/* An even-length, padded string value (UIDs with NUL, others space). */
static void
delem_str(struct pkt *b, uint16_t grp, uint16_t el, const char *s, char pad)
{
	char v[80];
	size_t n = strlen(s);

	memcpy(v, s, n);
	if (n % 2 != 0)
		v[n++] = pad;
	delem(b, grp, el, v, n);
}

/* P-DATA-TF with one command PDV; rsp: the response with status 0. */
static void
dcmd(struct pkt *b, uint16_t cmd, int rsp, uint16_t id, const char *sop,
    const char *dest, int dataset)
{
	size_t pdv, grp;

	dpdu_begin(b, 0x04);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, 1);
	pkt_u8(b, 0x03);
	delem(b, 0x0000, 0x0000, "\0\0\0\0", 4);
	grp = b->len;
	delem_str(b, 0x0000, 0x0002, sop, '\0');
	delem_us(b, 0x0100, (uint16_t)(rsp ? cmd | 0x8000 : cmd));
	delem_us(b, rsp ? 0x0120 : 0x0110, id);
	if (!rsp && dest != NULL)
		delem_str(b, 0x0000, 0x0600, dest, ' ');
	if (!rsp && cmd != DCM_ECHO)
		delem_us(b, 0x0700, 0);		/* priority medium */
	delem_us(b, 0x0800, dataset && !rsp ? 0x0000 : 0x0101);
	if (rsp)
		delem_us(b, 0x0900, 0x0000);
	if (!rsp && cmd == DCM_STORE)
		delem_str(b, 0x0000, 0x1000, "1.2.826.0.1.3680043.9.7133.1."
		    "1", '\0');
	/* the group length is little endian like every element */
	b->buf[grp - 4] = (uint8_t)(b->len - grp);
	b->buf[grp - 3] = (uint8_t)((b->len - grp) >> 8);
	b->buf[grp - 2] = 0;
	b->buf[grp - 1] = 0;
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	dpdu_end(b);
}

/* The identifier or image data set that follows a command. */
static void
dds(struct pkt *b, uint16_t cmd)
{
	size_t pdv;

	dpdu_begin(b, 0x04);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, 1);
	pkt_u8(b, 0x02);			/* data set, last */
	if (cmd == DCM_STORE) {
		delem_str(b, 0x0008, 0x0016, UID_CT_STORE, '\0');
		delem_str(b, 0x0008, 0x0060, "CT", ' ');
		delem_str(b, 0x0008, 0x0070, "GE MEDICAL SYSTEMS", ' ');
		delem_str(b, 0x0010, 0x0010, "DOE^JANE", ' ');
		delem_str(b, 0x0010, 0x0020, "000000", ' ');
	} else {
		delem_str(b, 0x0008, 0x0052, "STUDY", ' ');
		delem_str(b, 0x0020, 0x000d, "1.2.826.0.1.3680043.9.7133.2",
		    '\0');
	}
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	dpdu_end(b);
}

struct dsess {
	const struct host *cli, *srv;
	uint16_t	 port;
	const char	*called, *calling;
	uint16_t	 cmd;		/* DCM_* */
	const char	*dest;		/* C-MOVE destination */
	int		 count;		/* commands */
	int		 reject;	/* A-ASSOCIATE-RJ, reason 7 */
};

static const char *
dsop(uint16_t cmd)
{
	switch (cmd) {
	case DCM_FIND:	return UID_FIND;
	case DCM_MOVE:	return UID_MOVE;
	case DCM_GET:	return UID_GET;
	case DCM_STORE:	return UID_CT_STORE;
	default:	return UID_VERIFY;
	}
}

static int
dsession(struct gen *g, const struct dsess *d)
{
	struct conv c;
	struct pkt *b;
	const char *sop = dsop(d->cmd);
	int i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	open_h(&c, g, d->cli, eport(g), d->srv, d->port);
	dassoc(b, 0, d->called, d->calling, sop, "OFFIS_DCMTK_367");
	conv_data(&c, 0, b->buf, b->len);
	if (d->reject) {
		dpdu_begin(b, 0x03);
		pkt_u8(b, 0);
		pkt_u8(b, 1);		/* rejected-permanent */
		pkt_u8(b, 1);		/* service-user */
		pkt_u8(b, 7);		/* called AE not recognised */
		dpdu_end(b);
		conv_data(&c, 1, b->buf, b->len);
		conv_close(&c, 0);
		free(b);
		return 0;
	}
	dassoc(b, 1, d->called, d->calling, sop, "OFFIS_DCMTK_367");
	conv_data(&c, 1, b->buf, b->len);
	for (i = 0; i < d->count; i++) {
		dcmd(b, d->cmd, 0, (uint16_t)(i + 1), sop, d->dest,
		    d->cmd != DCM_ECHO);
		conv_data(&c, 0, b->buf, b->len);
		if (d->cmd != DCM_ECHO) {
			dds(b, d->cmd);
			conv_data(&c, 0, b->buf, b->len);
		}
		dcmd(b, d->cmd, 1, (uint16_t)(i + 1), sop, NULL, 0);
		conv_data(&c, 1, b->buf, b->len);
		gen_wait(g, 300 * GEN_MS);
	}
	dpdu_begin(b, 0x05);
	pkt_zero(b, 4);
	dpdu_end(b);
	conv_data(&c, 0, b->buf, b->len);
	dpdu_begin(b, 0x06);
	pkt_zero(b, 4);
	dpdu_end(b);
	conv_data(&c, 1, b->buf, b->len);
	conv_close(&c, 0);
	free(b);
	gen_wait(g, 1 * GEN_NS);
	return 0;
}

/* The CT stores an image on the PACS: both get their classes. */
static int
ct_classify(struct gen *g)
{
	struct dsess d = { &hosts[H_CT], &hosts[H_PACS], 104, "PACS_MAIN",
	    "CT_SCANNER_01", DCM_STORE, NULL, 1, 0 };

	return dsession(g, &d);
}

static int
c_dicom_zone(struct gen *g, int pos)
{
	struct dsess d = { &hosts[pos ? H_INTRUDER : H_RADWS], &hosts[H_PACS],
	    104, "PACS_MAIN", "WS_READ_01", DCM_ECHO, NULL, 1, 0 };

	return dsession(g, &d);
}

static int
c_dicom_move_unknown(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_RADWS], &hosts[H_PACS], 104, "PACS_MAIN",
	    "WS_READ_01", DCM_MOVE, pos ? "EXPORT_NODE_9" : "WS_READ_01", 1,
	    0 };

	return dsession(g, &d);
}

static int
c_dicom_move_tool(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_RADWS], &hosts[H_PACS], 104, "PACS_MAIN",
	    "WS_READ_01", DCM_MOVE, pos ? "STORESCP" : "PACS_STORESCP", 1,
	    0 };

	return dsession(g, &d);
}

static int
c_dicom_get(struct gen *g, int pos)
{
	struct dsess d = { &hosts[pos ? H_INTRUDER : H_RADWS], &hosts[H_PACS],
	    104, "PACS_MAIN", "WS_READ_01", DCM_GET, NULL, 1, 0 };

	return dsession(g, &d);
}

static int
c_dicom_find(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_RADWS], &hosts[H_PACS], 104, "PACS_MAIN",
	    "WS_READ_01", DCM_FIND, NULL, pos ? 25 : 5, 0 };

	return dsession(g, &d);
}

/* A device that never speaks DICOM (a monitor) opens an association;
 * the near miss is the CT doing the same. */
static int
c_dicom_class(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_MONITOR], &hosts[H_PACS], 104, "PACS_MAIN",
	    "PM_ICU_07", DCM_ECHO, NULL, 1, 0 };

	if (pos) {
		monitor_classify(g);
	} else {
		if (ct_classify(g) == -1)
			return -1;
		d.cli = &hosts[H_CT];
		d.calling = "CT_SCANNER_01";
	}
	gen_wait(g, 2 * GEN_NS);
	return dsession(g, &d);
}

static int
c_dicom_store_ext(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_CT], &hosts[pos ? H_EXT2 : H_PACS], 104,
	    "CLOUD_ARCHIVE", "CT_SCANNER_01", DCM_STORE, NULL, 1, 0 };

	return dsession(g, &d);
}

static int
c_dicom_port(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_RADWS], &hosts[H_PACS],
	    (uint16_t)(pos ? 11113 : 11112), "PACS_MAIN", "WS_READ_01",
	    DCM_ECHO, NULL, 1, 0 };

	return dsession(g, &d);
}

static int
c_dicom_aeguess(struct gen *g, int pos)
{
	static const char *const guesses[] = { "PACS", "ARCHIVE", "ORTHANC",
	    "DCM4CHEE", "CONQUESTSRV1", "STORESCP" };
	struct dsess d = { &hosts[H_INTRUDER], &hosts[H_PACS], 104, NULL,
	    "ECHOSCU2", DCM_ECHO, NULL, 1, 1 };
	int i, n = pos ? 6 : 2;

	for (i = 0; i < n; i++) {
		d.called = guesses[i];
		if (dsession(g, &d) == -1)
			return -1;
		gen_wait(g, 2 * GEN_NS);
	}
	return 0;
}

static int
c_dicom_tool_ae(struct gen *g, int pos)
{
	struct dsess d = { &hosts[H_RADWS], &hosts[H_PACS], 104, "PACS_MAIN",
	    pos ? "FINDSCU" : "FINDSCU_RAD2", DCM_ECHO, NULL, 1, 0 };

	return dsession(g, &d);
}

/* ------------------------------------------------------------------ */
/* HL7 v2 over MLLP */

static void
hl7_ts(char *buf, size_t len, uint64_t now)
{
	uint64_t s = now / GEN_NS % 86400;

	(void)snprintf(buf, len, "20261102%02u%02u%02u",
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/*
 * One message of type "ADT^A08^ADT_A01" (and so on) with processing
 * id pid from sending application app; an ORU carries the monitor's
 * vital signs with MDC codes (what makes it a patient monitor).
 */
static size_t
hl7_msg(char *buf, size_t len, uint64_t now, const char *app,
    const char *type, const char *pid, unsigned id)
{
	char ts[32];
	int n;

	hl7_ts(ts, sizeof(ts), now);
	n = snprintf(buf, len, "%c"
	    "MSH|^~\\&|%s|ICU_WEST|HL7_ENGINE|HOSPITAL|%s||%s|M%06u|%s|2.6\r"
	    "PID|1||000000^^^HOSP^MR||DOE^JANE^^^^^L||19700101|F\r",
	    MLLP_SB, app, ts, type, id, pid);
	if (strncmp(type, "ORU", 3) == 0)
		n += snprintf(buf + n, len - (size_t)n,
		    "OBR|1|||69837-1^Vital signs^LN|||%s\r"
		    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|"
		    "262688^MDC_DIM_PERCENT^MDC|||||F|||%s||||"
		    "PM-ICU-07^PHILIPS^00095C4A0721^EUI-64\r"
		    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC||72|"
		    "264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|||%s||||"
		    "PM-ICU-07^PHILIPS^00095C4A0721^EUI-64\r", ts, ts, ts);
	else if (strncmp(type, "ADT", 3) == 0)
		n += snprintf(buf + n, len - (size_t)n,
		    "PV1|1|I|ICU^07^1\r");
	else
		n += snprintf(buf + n, len - (size_t)n,
		    "ORC|NW|ORD%06u\rOBR|1|ORD%06u||24331-1^Lipid panel^LN\r",
		    id, id);
	n += snprintf(buf + n, len - (size_t)n, "%c\r", MLLP_EB);
	return (size_t)n;
}

static void
hl7_send(struct gen *g, const struct host *cli, const struct host *srv,
    uint16_t port, const char *app, const char *type, const char *pid,
    unsigned id)
{
	char msg[2048], ack[512], ts[32];
	struct conv c;
	size_t n;

	open_h(&c, g, cli, eport(g), srv, port);
	n = hl7_msg(msg, sizeof(msg), g->now, app, type, pid, id);
	conv_data(&c, 0, (const uint8_t *)msg, n);
	hl7_ts(ts, sizeof(ts), g->now);
	n = (size_t)snprintf(ack, sizeof(ack), "%c"
	    "MSH|^~\\&|HL7_ENGINE|HOSPITAL|%s|ICU_WEST|%s||ACK|A%06u|%s|2.6\r"
	    "MSA|AA|M%06u\r%c\r", MLLP_SB, app, ts, id, pid, id, MLLP_EB);
	conv_data(&c, 1, (const uint8_t *)ack, n);
	gen_wait(g, 1 * GEN_NS);
	conv_close(&c, 0);
	gen_wait(g, 2 * GEN_NS);
}

/* The monitor reports vital signs: the inventory makes it a monitor. */
static void
monitor_classify(struct gen *g)
{
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    "ORU^R01^ORU_R01", "P", 1);
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    "ORU^R01^ORU_R01", "P", 2);
}

static int
c_hl7_train(struct gen *g, int pos)
{
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    "ORU^R01^ORU_R01", pos ? "T" : "P", 7);
	return 0;
}

static int
c_hl7_debug(struct gen *g, int pos)
{
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    "ORU^R01^ORU_R01", pos ? "D" : "P", 7);
	return 0;
}

static int
c_hl7_adt_dev(struct gen *g, int pos)
{
	monitor_classify(g);
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    pos ? "ADT^A08^ADT_A01" : "ORU^R01^ORU_R01", "P", 3);
	return 0;
}

static int
c_hl7_orm_dev(struct gen *g, int pos)
{
	monitor_classify(g);
	hl7_send(g, &hosts[H_MONITOR], &hosts[H_ENGINE], 2575, "PHILIPS_PIC",
	    pos ? "ORM^O01^ORM_O01" : "ORU^R01^ORU_R01", "P", 3);
	return 0;
}

static int
c_hl7_port(struct gen *g, int pos)
{
	hl7_send(g, &hosts[H_ITWS], &hosts[H_ENGINE],
	    (uint16_t)(pos ? 7777 : 2575), "REG_DESK", "ADT^A01^ADT_A01", "P",
	    11);
	return 0;
}

static int
c_hl7_ext(struct gen *g, int pos)
{
	hl7_send(g, &hosts[H_ENGINE], &hosts[pos ? H_EXT : H_ITWS], 2575,
	    "HL7_ENGINE", "ADT^A01^ADT_A01", "P", 12);
	return 0;
}

/* ------------------------------------------------------------------ */
/* MQTT 3.1.1 */

static size_t
mqtt_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	pkt_set16(p, (uint32_t)n);
	memcpy(p + 2, s, n);
	return n + 2;
}

/* A control packet with a one-byte remaining length (< 128). */
static void
mqtt_pkt(struct conv *c, int dir, uint8_t b0, const uint8_t *body,
    size_t n)
{
	uint8_t buf[160];

	buf[0] = b0;
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, body, n);
	conv_data(c, dir, buf, n + 2);
}

static void
mqtt_connect(struct conv *c, int creds, uint8_t rc)
{
	uint8_t body[128];
	size_t n = 0;

	n += mqtt_str(body + n, "MQTT");
	body[n++] = 4;
	body[n++] = creds ? 0xc2 : 0x02;
	pkt_set16(body + n, 60);
	n += 2;
	n += mqtt_str(body + n, "vent-icu-04");
	if (creds) {
		n += mqtt_str(body + n, "vent04");
		n += mqtt_str(body + n, "Vt-04!telemetry");
	}
	mqtt_pkt(c, 0, 0x10, body, n);
	body[0] = 0;
	body[1] = rc;
	mqtt_pkt(c, 1, 0x20, body, 2);
}

static void
mqtt_sub(struct conv *c, const char *topic)
{
	uint8_t body[128];
	size_t n = 0;

	pkt_set16(body, 1);
	n = 2;
	n += mqtt_str(body + n, topic);
	body[n++] = 0;
	mqtt_pkt(c, 0, 0x82, body, n);
	body[0] = 0;
	body[1] = 1;
	body[2] = 0;
	mqtt_pkt(c, 1, 0x90, body, 3);
}

static void
mqtt_session(struct gen *g, const struct host *cli, const struct host *srv,
    int creds, const char *topic)
{
	struct conv c;

	open_h(&c, g, cli, eport(g), srv, 1883);
	mqtt_connect(&c, creds, 0);
	if (topic != NULL)
		mqtt_sub(&c, topic);
	gen_wait(g, 1 * GEN_NS);
	conv_data(&c, 0, (const uint8_t *)"\xe0\x00", 2);
	conv_close(&c, 0);
}

static int
c_mqtt_hash(struct gen *g, int pos)
{
	mqtt_session(g, &hosts[H_ITWS], &hosts[H_GATEWAY], 1,
	    pos ? "hospital/#" : "ward3/bed7/spo2");
	return 0;
}

static int
c_mqtt_plus(struct gen *g, int pos)
{
	mqtt_session(g, &hosts[H_ITWS], &hosts[H_GATEWAY], 1,
	    pos ? "ward3/+/spo2" : "ward3/bed7/spo2");
	return 0;
}

static int
c_mqtt_anon(struct gen *g, int pos)
{
	mqtt_session(g, &hosts[H_ITWS], &hosts[H_GATEWAY], !pos, NULL);
	return 0;
}

static int
c_mqtt_ext(struct gen *g, int pos)
{
	mqtt_session(g, &hosts[H_GATEWAY], &hosts[pos ? H_EXT : H_ENGINE], 1,
	    NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* DNS */

static void
dns_ask(struct gen *g, const struct host *cli, const char *name,
    uint16_t qtype)
{
	static const uint8_t addr[4] = { 192, 0, 2, 53 };
	struct host srv = mkhost(IP4(10, 10, 0, 2));
	uint8_t buf[512];
	uint16_t id = (uint16_t)gen_rand(g), port = eport(g);
	size_t n;

	n = scen_dns(buf, sizeof(buf), id, name, NULL);
	pkt_set16(buf + n - 4, qtype);
	scen_udp(g, &eth, cli, port, &srv, 53, 0, buf, n);
	gen_wait(g, 2 * GEN_MS);
	if (qtype == 1) {
		n = scen_dns(buf, sizeof(buf), id, name, addr);
		scen_udp(g, &eth, &srv, 53, cli, port, 0, buf, n);
	}
	gen_wait(g, 300 * GEN_MS);
}

static int
c_dns_label(struct gen *g, int pos)
{
	dns_ask(g, &hosts[H_GATEWAY], pos ?
	    "mzxw6ytboi2dsnrzgqzdcmjtgi3tgnzwgmzdaobtgeydkmbqg4ydc.t.example.net" :
	    "mzxw6ytboi2dsnrzgqzdcmjtgi3tgnzw.t.example.net", 1);
	return 0;
}

static int
c_dns_txt(struct gen *g, int pos)
{
	char name[64];
	int i;

	for (i = 0; i < 12; i++) {
		(void)snprintf(name, sizeof(name), "c%02d.update.example.net",
		    i);
		dns_ask(g, &hosts[H_MONITOR], name, (uint16_t)(pos ? 16 : 1));
	}
	return 0;
}

static int
c_dns_rate(struct gen *g, int pos)
{
	char name[64];
	int i, n = pos ? 60 : 20;

	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "h%03d.example.org", i);
		dns_ask(g, &hosts[H_MONITOR], name, 1);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Brute force and scans */

static int
c_telnet_brute(struct gen *g, int pos)
{
	static const char *const pw[] = { "admin", "1234", "12345",
	    "password", "default", "support" };
	int i, n = pos ? 6 : 2;

	for (i = 0; i < n; i++)
		telnet_login(g, &hosts[H_INTRUDER], &hosts[H_GATEWAY], 23,
		    "admin", pw[i], 0);
	if (!pos)
		telnet_login(g, &hosts[H_INTRUDER], &hosts[H_GATEWAY], 23,
		    "biomed", "Wd3-Mon!x7", 1);
	return 0;
}

static int
c_mirai_scan(struct gen *g, int pos)
{
	struct conv c;
	struct host dst;
	int i, n = pos ? 30 : 5;

	for (i = 0; i < n; i++) {
		dst = mkhost(IP4(10, 20, 1, 10 + i));
		scen_conv(&c, g, &eth, &hosts[H_GATEWAY], eport(g), &dst,
		    (uint16_t)(i % 5 == 4 ? 2323 : 23));
		conv_seg(&c, 0, TCP_SYN, NULL, 0);
		gen_wait(g, 100 * GEN_MS);
	}
	return 0;
}

static int
c_ftp_brute(struct gen *g, int pos)
{
	static const char *const pw[] = { "admin", "1234", "12345",
	    "password", "default", "support" };
	int i, n = pos ? 6 : 2;

	for (i = 0; i < n; i++)
		ftp_session(g, &hosts[H_INTRUDER], &hosts[H_GATEWAY], "admin",
		    pw[i], 0, NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Firmware transfers, SNMP, remote access */

static void
tftp_req(struct gen *g, uint16_t op, const char *file)
{
	uint8_t buf[128];
	size_t n = 0, f = strlen(file);

	pkt_set16(buf, op);
	n = 2;
	memcpy(buf + n, file, f + 1);
	n += f + 1;
	memcpy(buf + n, "octet", 6);
	n += 6;
	scen_udp(g, &eth, &hosts[H_ITWS], eport(g), &hosts[H_GATEWAY], 69, 0,
	    buf, n);
	gen_wait(g, 500 * GEN_MS);
}

static int
c_tftp_fw(struct gen *g, int pos)
{
	(void)pos;
	tftp_req(g, 2, "pump_fw_3.2.bin");
	return 0;
}

static int
c_tftp_rrq(struct gen *g, int pos)
{
	(void)pos;
	tftp_req(g, 1, "pump_fw_3.2.bin");
	return 0;
}

static int
c_tftp_cfg(struct gen *g, int pos)
{
	(void)pos;
	tftp_req(g, 2, "network.cfg");
	return 0;
}

static int
c_ftp_fw(struct gen *g, int pos)
{
	ftp_session(g, &hosts[H_ITWS], &hosts[H_GATEWAY], "biomed",
	    "Gw-Upd-2026x", 1, pos ? "update_4.1.bin" : "export_2026.csv");
	return 0;
}

/* SNMP v1 (ver 0) or v2c (ver 1) message with one null-valued OID. */
static void
snmp_msg(struct gen *g, int ver, const char *community, uint8_t pdu)
{
	static const uint8_t oid[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
	    0x01, 0x01, 0x05, 0x00 };	/* sysName.0 */
	uint8_t buf[128], vb[32];
	size_t n, c = strlen(community), vl, pl;

	vl = 0;
	memcpy(vb, oid, sizeof(oid));
	vl = sizeof(oid);
	if (pdu == 0xa3) {
		memcpy(vb + vl, "\x04\x04test", 6);
		vl += 6;
	} else {
		memcpy(vb + vl, "\x05\x00", 2);
		vl += 2;
	}
	pl = 6 + 3 + 3 + 2 + 2 + vl;	/* reqid, err, idx, 2 seqs */
	n = 0;
	buf[n++] = 0x30;
	buf[n++] = (uint8_t)(3 + 2 + c + 2 + pl);
	buf[n++] = 0x02;
	buf[n++] = 0x01;
	buf[n++] = (uint8_t)ver;
	buf[n++] = 0x04;
	buf[n++] = (uint8_t)c;
	memcpy(buf + n, community, c);
	n += c;
	buf[n++] = pdu;
	buf[n++] = (uint8_t)pl;
	memcpy(buf + n, "\x02\x04\x12\x34\x56\x78\x02\x01\x00\x02\x01\x00",
	    12);
	n += 12;
	buf[n++] = 0x30;
	buf[n++] = (uint8_t)(2 + vl);
	buf[n++] = 0x30;
	buf[n++] = (uint8_t)vl;
	memcpy(buf + n, vb, vl);
	n += vl;
	scen_udp(g, &eth, &hosts[H_ITWS], eport(g), &hosts[H_MONITOR], 161, 0,
	    buf, n);
	gen_wait(g, 500 * GEN_MS);
}

static int
c_snmp_public(struct gen *g, int pos)
{
	snmp_msg(g, 1, pos ? "public" : "hosp-ro-7f3", 0xa0);
	return 0;
}

static int
c_snmp_set(struct gen *g, int pos)
{
	snmp_msg(g, 0, "private", (uint8_t)(pos ? 0xa3 : 0xa0));
	return 0;
}

static int
c_rdp(struct gen *g, int pos)
{
	static const char cr[] = "\x03\x00\x00\x2c\x27\xe0\x00\x00\x00\x00"
	    "\x00" "Cookie: mstshash=biomed\r\n"
	    "\x01\x00\x08\x00\x03\x00\x00\x00";
	struct conv c;

	if (ct_classify(g) == -1)
		return -1;
	gen_wait(g, 2 * GEN_NS);
	open_h(&c, g, &hosts[H_ITWS], eport(g), &hosts[pos ? H_CT : H_SWITCH],
	    3389);
	conv_data(&c, 0, (const uint8_t *)cr, sizeof(cr) - 1);
	conv_data(&c, 1, (const uint8_t *)"\x03\x00\x00\x13\x0e\xd0\x00\x00"
	    "\x12\x34\x00\x02\x00\x08\x00\x02\x00\x00\x00", 19);
	conv_close(&c, 0);
	return 0;
}

static int
c_vnc(struct gen *g, int pos)
{
	struct conv c;

	open_h(&c, g, &hosts[H_ITWS], eport(g),
	    &hosts[pos ? H_CT : H_SWITCH], 5900);
	say(&c, 1, "RFB 003.008\n");
	say(&c, 0, "RFB 003.008\n");
	conv_data(&c, 1, (const uint8_t *)"\x01\x02", 2);
	conv_close(&c, 0);
	return 0;
}

static int
c_med_internet(struct gen *g, int pos)
{
	struct conv c;

	monitor_classify(g);
	gen_wait(g, 2 * GEN_NS);
	open_h(&c, g, &hosts[H_MONITOR], eport(g),
	    &hosts[pos ? H_EXT : H_ENGINE], 443);
	conv_close(&c, 0);
	return 0;
}

static int
c_ext_remote(struct gen *g, int pos)
{
	struct conv c;

	scen_conv(&c, g, &eth, &hosts[pos ? H_EXT2 : H_ITWS], eport(g),
	    &hosts[H_MONITOR], 22);
	conv_seg(&c, 0, TCP_SYN, NULL, 0);
	gen_wait(g, c.rtt_ns);
	conv_seg(&c, 1, TCP_RST | TCP_ACK, NULL, 0);
	return 0;
}

/* ------------------------------------------------------------------ */

#define CASE(name, fn, descr)						\
	static int fn##_pos(struct gen *g) { return fn(g, 1); }		\
	static int fn##_neg(struct gen *g) { return fn(g, 0); }
#include "scen-iomt.def"
#undef CASE

static const struct scenario iomt_scenarios[] = {
#define CASE(name, fn, descr)						\
	{ "iomt-" name "-pos", NULL, PCAPW_PCAP_US,			\
	    PCAPW_LINKTYPE_ETHERNET, fn##_pos, descr },			\
	{ "iomt-" name "-neg", NULL, PCAPW_PCAP_US,			\
	    PCAPW_LINKTYPE_ETHERNET, fn##_neg, "near miss: " descr },
#include "scen-iomt.def"
#undef CASE
};

#define NIOMT	(sizeof(iomt_scenarios) / sizeof(iomt_scenarios[0]))

const struct scenario *
scen_iomt_find(const char *name)
{
	size_t i;

	for (i = 0; i < NIOMT; i++)
		if (strcmp(iomt_scenarios[i].name, name) == 0)
			return &iomt_scenarios[i];
	return NULL;
}

const struct scenario *
scen_iomt_get(size_t i)
{
	return i < NIOMT ? &iomt_scenarios[i] : NULL;
}
