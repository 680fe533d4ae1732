/*
 * scen-dicom.c - a DICOM Upper Layer association (PS3.8 9.3) carrying
 * one verification: A-ASSOCIATE-RQ/AC, a C-ECHO-RQ and its C-ECHO-RSP
 * (PS3.7 9.3.5) in P-DATA-TF PDUs, A-RELEASE-RQ/RP, then TCP close;
 * and an association request whose length claims 4 GB.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define DICOM_PORT		104
#define DICOM_SCU_PORT		49600
/* The lying request: its own small conversation. */
#define DICOM_LIAR		IP4(10, 20, 0, 11)
#define DICOM_LIAR_PACS		IP4(10, 20, 0, 50)
#define DICOM_LIAR_PORT		49601
#define DICOM_CALLED		"PACS_MAIN"
#define DICOM_CALLING		"CT_SCANNER_01"
#define DICOM_AE_LEN		16
#define DICOM_MAX_PDU		16384
#define DICOM_PDU_ASSOC_RQ	0x01
#define DICOM_PDU_ASSOC_AC	0x02
#define DICOM_PDU_DATA		0x04
#define DICOM_PDU_RELEASE_RQ	0x05
#define DICOM_PDU_RELEASE_RP	0x06
#define DICOM_ITEM_APP_CTX	0x10
#define DICOM_ITEM_PC_RQ	0x20
#define DICOM_ITEM_PC_AC	0x21
#define DICOM_ITEM_ABSTRACT	0x30
#define DICOM_ITEM_TRANSFER	0x40
#define DICOM_ITEM_USER		0x50
#define DICOM_SUB_MAX_LEN	0x51
#define DICOM_SUB_IMPL_UID	0x52
#define DICOM_SUB_IMPL_VER	0x55
#define DICOM_PDV_CMD_LAST	0x03	/* command, last fragment */
#define DICOM_C_ECHO_RQ		0x0030
#define DICOM_C_ECHO_RSP	0x8030
#define DICOM_NO_DATASET	0x0101

#define UID_APP_CTX		"1.2.840.10008.3.1.1.1"
#define UID_VERIFICATION	"1.2.840.10008.1.1"
#define UID_CT_STORAGE		"1.2.840.10008.5.1.4.1.1.2"
#define UID_IMPLICIT_LE		"1.2.840.10008.1.2"
/* Implementation class UIDs under 2.25 (UUID-derived, PS3.5 B.2). */
#define UID_IMPL_SCU		"2.25.329800735698586629295641978511506172918"
#define UID_IMPL_SCP		"2.25.164218719873247195839826517392712049283"
#define VER_SCU			"CTSCAN_OS_4.2"
#define VER_SCP			"PACS_MAIN_7.1"

/* An item: type, reserved, 16-bit length, value (PS3.8 9.3.2). */
static void
item(struct pkt *b, uint8_t type, const void *val, size_t len)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, (uint32_t)len);
	pkt_bytes(b, val, len);
}

static void
item_str(struct pkt *b, uint8_t type, const char *s)
{
	item(b, type, s, strlen(s));
}

/* Start an item whose length is patched by item_end(). */
static size_t
item_begin(struct pkt *b, uint8_t type)
{
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be16(b, 0);
	return b->len;
}

static void
item_end(struct pkt *b, size_t start)
{
	pkt_set16(b->buf + start - 2, (uint32_t)(b->len - start));
}

static void
ae_title(struct pkt *b, const char *ae)
{
	uint8_t *p = pkt_put(b, DICOM_AE_LEN);

	memset(p, ' ', DICOM_AE_LEN);
	memcpy(p, ae, strlen(ae));
}

/* PDU header: type, reserved, 32-bit length patched at the end. */
static void
pdu_begin(struct pkt *b, uint8_t type)
{
	pkt_reset(b);
	pkt_u8(b, type);
	pkt_u8(b, 0);
	pkt_be32(b, 0);
}

static void
pdu_end(struct pkt *b)
{
	pkt_set32(b->buf + 2, (uint32_t)(b->len - 6));
}

static void
user_info(struct pkt *b, const char *uid, const char *ver)
{
	size_t ui = item_begin(b, DICOM_ITEM_USER);

	pkt_u8(b, DICOM_SUB_MAX_LEN);
	pkt_u8(b, 0);
	pkt_be16(b, 4);
	pkt_be32(b, DICOM_MAX_PDU);
	item_str(b, DICOM_SUB_IMPL_UID, uid);
	item_str(b, DICOM_SUB_IMPL_VER, ver);
	item_end(b, ui);
}

/*
 * A-ASSOCIATE-RQ or -AC (PS3.8 9.3.2, 9.3.3): version 1, called and
 * calling AE titles, 32 reserved bytes, then the items.  The request
 * offers Verification (context 1) and CT Image Storage (context 3),
 * both in implicit VR little endian; the acceptor takes both.
 */
static void
assoc(struct pkt *b, int ac)
{
	static const char *const as[2] = { UID_VERIFICATION, UID_CT_STORAGE };
	size_t pc, i;

	pdu_begin(b, ac ? DICOM_PDU_ASSOC_AC : DICOM_PDU_ASSOC_RQ);
	pkt_be16(b, 1);
	pkt_zero(b, 2);
	ae_title(b, DICOM_CALLED);
	ae_title(b, DICOM_CALLING);
	pkt_zero(b, 32);
	item_str(b, DICOM_ITEM_APP_CTX, UID_APP_CTX);
	for (i = 0; i < 2; i++) {
		pc = item_begin(b, ac ? DICOM_ITEM_PC_AC : DICOM_ITEM_PC_RQ);
		pkt_u8(b, (uint32_t)(1 + 2 * i));	/* context id, odd */
		pkt_u8(b, 0);
		pkt_u8(b, 0);				/* AC: result 0 */
		pkt_u8(b, 0);
		if (!ac)
			item_str(b, DICOM_ITEM_ABSTRACT, as[i]);
		item_str(b, DICOM_ITEM_TRANSFER, UID_IMPLICIT_LE);
		item_end(b, pc);
	}
	if (ac)
		user_info(b, UID_IMPL_SCP, VER_SCP);
	else
		user_info(b, UID_IMPL_SCU, VER_SCU);
	pdu_end(b);
}

/* An implicit VR little endian element (PS3.5 7.1.3). */
static void
elem(struct pkt *b, uint16_t el, const void *val, size_t len)
{
	pkt_le16(b, 0x0000);
	pkt_le16(b, el);
	pkt_le32(b, (uint32_t)len);
	pkt_bytes(b, val, len);
}

static void
elem_us(struct pkt *b, uint16_t el, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	elem(b, el, le, 2);
}

/*
 * P-DATA-TF with one PDV: the C-ECHO-RQ or C-ECHO-RSP command set,
 * group 0000 with its group length first.
 */
static void
echo(struct pkt *b, int rsp)
{
	/* UIDs are padded with NUL to an even length (PS3.5 9.1). */
	static const char sop[] = UID_VERIFICATION;	/* 17 + NUL */
	size_t pdv, grp;
	uint8_t gl[4];

	pdu_begin(b, DICOM_PDU_DATA);
	pkt_be32(b, 0);
	pdv = b->len;
	pkt_u8(b, 1);				/* presentation context */
	pkt_u8(b, DICOM_PDV_CMD_LAST);
	elem(b, 0x0000, "\0\0\0\0", 4);
	grp = b->len;
	elem(b, 0x0002, sop, sizeof(sop));
	elem_us(b, 0x0100, rsp ? DICOM_C_ECHO_RSP : DICOM_C_ECHO_RQ);
	elem_us(b, rsp ? 0x0120 : 0x0110, 1);	/* (responded) message id */
	elem_us(b, 0x0800, DICOM_NO_DATASET);
	if (rsp)
		elem_us(b, 0x0900, 0x0000);	/* status: success */
	gl[0] = (uint8_t)(b->len - grp);
	gl[1] = (uint8_t)((b->len - grp) >> 8);
	gl[2] = gl[3] = 0;
	memcpy(b->buf + grp - 4, gl, 4);
	pkt_set32(b->buf + pdv - 4, (uint32_t)(b->len - pdv));
	pdu_end(b);
}

static void
release(struct pkt *b, int rp)
{
	pdu_begin(b, rp ? DICOM_PDU_RELEASE_RP : DICOM_PDU_RELEASE_RQ);
	pkt_zero(b, 4);
	pdu_end(b);
}

int
scen_dicom_echo(struct gen *g, const struct pkt_link *link,
    const struct host *scu, const struct host *scp)
{
	struct conv c;
	struct pkt *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	conv_init(&c, g, link);
	conv_v4(&c, scu->ip4, DICOM_SCU_PORT, scp->ip4, DICOM_PORT);
	memcpy(c.mac[0], scu->mac, 6);
	memcpy(c.mac[1], scp->mac, 6);
	conv_open(&c);
	assoc(b, 0);
	conv_data(&c, 0, b->buf, b->len);
	assoc(b, 1);
	conv_data(&c, 1, b->buf, b->len);
	echo(b, 0);
	conv_data(&c, 0, b->buf, b->len);
	echo(b, 1);
	conv_data(&c, 1, b->buf, b->len);
	release(b, 0);
	conv_data(&c, 0, b->buf, b->len);
	release(b, 1);
	conv_data(&c, 1, b->buf, b->len);
	/* PS3.8 7.2: the requestor closes the transport after the RP. */
	conv_close(&c, 0);
	free(b);
	return 0;
}

/*
 * dicom-assoc-rq-4gb: an A-ASSOCIATE-RQ whose length field says
 * 0xffffffff ahead of an ordinary 278-byte body, as a fuzzer or an
 * exploit for a toolkit that allocates what the header claims would
 * send.  The PACS waits for the rest, and the requestor gives up and
 * closes.  Wardwatch must name it DICOM and report dicom.pdu_too_long.
 */
int
scen_dicom_assoc_4gb(struct gen *g)
{
	static const struct pkt_link eth = { .type = PKT_LINK_ETH };
	struct conv c;
	struct pkt *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	conv_init(&c, g, &eth);
	conv_v4(&c, DICOM_LIAR, DICOM_LIAR_PORT, DICOM_LIAR_PACS,
	    DICOM_PORT);
	conv_open(&c);
	assoc(b, 0);
	pkt_set32(b->buf + 2, 0xffffffffu);
	conv_data(&c, 0, b->buf, b->len);
	gen_wait(g, 2 * GEN_NS);
	conv_close(&c, 0);
	free(b);
	return 0;
}
