/*
 * pcapw.c - classic pcap and pcapng writers.
 *
 * Classic pcap (the libpcap file format, draft-ietf-opsawg-pcap):
 *	magic (4) | major 2 (2) | minor 4 (2) | thiszone (4) | sigfigs (4)
 *	| snaplen (4) | linktype (4)
 * then per record:
 *	ts_sec (4) | ts_usec or ts_nsec (4) | caplen (4) | len (4) | data
 *
 * pcapng (draft-ietf-opsawg-pcapng): a Section Header Block, one
 * Interface Description Block and an Enhanced Packet Block per packet,
 * every block padded to 32 bits and closed by its total length again.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "pcapw.h"

#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAPNG_SHB		0x0a0d0d0au
#define PCAPNG_IDB		0x00000001u
#define PCAPNG_EPB		0x00000006u
#define PCAPNG_BOM		0x1a2b3c4du
#define PCAPNG_OPT_END		0
#define PCAPNG_SHB_USERAPPL	4
#define PCAPNG_IF_TSRESOL	9
#define PCAPNG_USERAPPL		"wardwatch pcapgen"

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
out(struct pcapw *w, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, w->fp) != n)
		w->err = 1;
	w->bytes += n;
}

static size_t
pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static void
write_pcap_header(struct pcapw *w, uint32_t linktype)
{
	uint8_t h[24];

	put32(h, w->fmt == PCAPW_PCAP_NS ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);		/* thiszone: UTC */
	put32(h + 12, 0);		/* sigfigs */
	put32(h + 16, PCAPW_SNAPLEN);
	put32(h + 20, linktype);
	out(w, h, sizeof(h));
}

static void
write_pcapng_header(struct pcapw *w, uint32_t linktype)
{
	static const uint8_t zero[4];
	uint8_t h[28], opt[4];
	size_t ulen = strlen(PCAPNG_USERAPPL);
	uint32_t total;

	/* SHB: type, length, BOM, version 1.0, section length -1. */
	total = (uint32_t)(24 + 4 + ulen + pad4(ulen) + 4 + 4);
	put32(h, PCAPNG_SHB);
	put32(h + 4, total);
	put32(h + 8, PCAPNG_BOM);
	put16(h + 12, 1);
	put16(h + 14, 0);
	put32(h + 16, 0xffffffffu);
	put32(h + 20, 0xffffffffu);
	out(w, h, 24);
	put16(opt, PCAPNG_SHB_USERAPPL);
	put16(opt + 2, (uint32_t)ulen);
	out(w, opt, 4);
	out(w, PCAPNG_USERAPPL, ulen);
	out(w, zero, pad4(ulen));
	put32(opt, PCAPNG_OPT_END);
	out(w, opt, 4);
	put32(opt, total);
	out(w, opt, 4);

	/* IDB: linktype, reserved, snaplen, if_tsresol 6 (microseconds). */
	total = 16 + 8 + 4 + 4;
	put32(h, PCAPNG_IDB);
	put32(h + 4, total);
	put16(h + 8, linktype);
	put16(h + 10, 0);
	put32(h + 12, PCAPW_SNAPLEN);
	put16(h + 16, PCAPNG_IF_TSRESOL);
	put16(h + 18, 1);
	h[20] = 6;
	h[21] = h[22] = h[23] = 0;
	put32(h + 24, PCAPNG_OPT_END);
	out(w, h, 28);
	put32(opt, total);
	out(w, opt, 4);
}

int
pcapw_open(struct pcapw *w, const char *path, enum pcapw_format fmt,
    uint32_t linktype)
{
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	if ((w->fp = fopen(path, "wb")) == NULL)
		return -1;
	if ((w->buf = malloc(PCAPW_BUFSZ)) != NULL)
		(void)setvbuf(w->fp, w->buf, _IOFBF, PCAPW_BUFSZ);
	if (fmt == PCAPW_PCAPNG)
		write_pcapng_header(w, linktype);
	else
		write_pcap_header(w, linktype);
	return w->err ? -1 : 0;
}

int
pcapw_write(struct pcapw *w, uint64_t ts_ns, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	static const uint8_t zero[4];
	uint8_t h[28];
	uint64_t us;
	uint32_t total;

	switch (w->fmt) {
	case PCAPW_PCAP_US:
	case PCAPW_PCAP_NS:
		put32(h, (uint32_t)(ts_ns / 1000000000u));
		if (w->fmt == PCAPW_PCAP_NS)
			put32(h + 4, (uint32_t)(ts_ns % 1000000000u));
		else
			put32(h + 4, (uint32_t)(ts_ns % 1000000000u / 1000u));
		put32(h + 8, caplen);
		put32(h + 12, len);
		out(w, h, 16);
		out(w, data, caplen);
		break;
	case PCAPW_PCAPNG:
		us = ts_ns / 1000u;
		total = (uint32_t)(28 + caplen + pad4(caplen) + 4);
		put32(h, PCAPNG_EPB);
		put32(h + 4, total);
		put32(h + 8, 0);		/* interface id */
		put32(h + 12, (uint32_t)(us >> 32));
		put32(h + 16, (uint32_t)us);
		put32(h + 20, caplen);
		put32(h + 24, len);
		out(w, h, 28);
		out(w, data, caplen);
		out(w, zero, pad4(caplen));
		put32(h, total);
		out(w, h, 4);
		break;
	}
	return w->err ? -1 : 0;
}

int
pcapw_close(struct pcapw *w)
{
	int rc = 0;

	if (w->fp == NULL)
		return 0;
	if (fclose(w->fp) != 0 || w->err)
		rc = -1;
	free(w->buf);
	w->fp = NULL;
	w->buf = NULL;
	return rc;
}
