/*
 * barecount.c - the benchmark baseline: the cheapest possible libpcap
 * read loop over a capture file.
 *
 * It opens the file with pcap_open_offline(), calls pcap_next_ex()
 * until the end and only counts packets and bytes.  Whatever wardwatch
 * costs on top of this loop is the cost of decoding, flow tracking and
 * output; make bench reports wardwatch as a ratio to this figure, so
 * the loop must stay as bare as it is.
 *
 * Output, one line on stdout:
 *   barecount: N packets, W wire bytes, C captured bytes
 * Exit status: 0 ok, 1 usage, 2 the file could not be read to the end.
 */
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

int
main(int argc, char *argv[])
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, wire = 0, captured = 0;
	pcap_t *p;
	int rv;

	if (argc != 2) {
		fprintf(stderr, "usage: barecount file\n");
		return 1;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "barecount: %s\n", errbuf);
		return 2;
	}
	while ((rv = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		wire += h->len;
		captured += h->caplen;
	}
	if (rv == PCAP_ERROR) {
		/* A truncated or damaged file: say so, keep the counts. */
		fprintf(stderr, "barecount: %s: %s\n", argv[1],
		    pcap_geterr(p));
	}
	pcap_close(p);
	printf("barecount: %" PRIu64 " packets, %" PRIu64 " wire bytes, %"
	    PRIu64 " captured bytes\n", packets, wire, captured);
	return rv == PCAP_ERROR ? 2 : 0;
}
