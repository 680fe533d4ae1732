/*
 * pcapw.h - classic pcap (microsecond and nanosecond) and pcapng
 * writers for the capture generator.
 *
 * Files are always written little-endian, whatever the host, so that
 * the committed captures are byte-identical everywhere.  The writer
 * does not check caplen against len or snaplen: malformed.pcap needs
 * records that break those rules on purpose.
 */
#ifndef PCAPW_H
#define PCAPW_H

#include <stdint.h>
#include <stdio.h>

#define PCAPW_SNAPLEN		262144	/* libpcap's MAXIMUM_SNAPLEN */
#define PCAPW_BUFSZ		(4u << 20)	/* stdio buffer: big writes */

#define PCAPW_LINKTYPE_NULL	0
#define PCAPW_LINKTYPE_ETHERNET	1
#define PCAPW_LINKTYPE_RAW	101
#define PCAPW_LINKTYPE_LOOP	108
#define PCAPW_LINKTYPE_SLL	113
#define PCAPW_LINKTYPE_SLL2	276

enum pcapw_format {
	PCAPW_PCAP_US,		/* magic 0xa1b2c3d4 */
	PCAPW_PCAP_NS,		/* magic 0xa1b23c4d */
	PCAPW_PCAPNG,		/* SHB + IDB + EPBs, if_tsresol 10^-6 */
};

struct pcapw {
	FILE			*fp;
	char			*buf;	/* stdio buffer, PCAPW_BUFSZ */
	enum pcapw_format	 fmt;
	uint64_t		 bytes;	/* written so far, headers included */
	int			 err;	/* a write failed */
};

int	pcapw_open(struct pcapw *, const char *, enum pcapw_format,
	    uint32_t linktype);
int	pcapw_write(struct pcapw *, uint64_t ts_ns, const uint8_t *,
	    uint32_t caplen, uint32_t len);
int	pcapw_close(struct pcapw *);

#endif /* PCAPW_H */
