/*
 * fuzz-pcap.c - differential libFuzzer target for the offline reader of
 * capture.c: the input is a capture file, read once through the mapped
 * reader and once through libpcap (WARDWATCH_NO_MMAP); both must give
 * the same records (time stamp, lengths, bytes) and end the same way
 * (end of file or a damaged record).  The file lives in a memfd, so no
 * disk is touched; libFuzzer's own buffer is not what is mapped.
 *
 * Build and run (from a build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-pcap
 *	mkdir -p fuzz-pcap.corpus
 *	./tests/fuzz/fuzz-pcap -max_total_time=600 -max_len=4096 \
 *	    fuzz-pcap.corpus ../tests/fuzz/corpus/pcap
 * Seeds: small captures of pcaps/ (little- and big-endian,
 * microsecond and nanosecond, several link types).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"

#define FUZZ_MAX_RECS	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct rec {
	struct pcap_pkthdr h;
	uint8_t		*data;
};

/* Every record of path; returns the last capture_next() value, or 9
 * when the file does not open (-1 from capture_open_offline()). */
static int
read_all(const char *path, bool mapped, struct rec *v, size_t *n)
{
	struct capture c;
	struct pcap_pkthdr *h;
	const u_char *d;
	char err[CAPTURE_ERRBUF];
	int rv;

	*n = 0;
	if (!mapped)
		setenv("WARDWATCH_NO_MMAP", "1", 1);
	rv = capture_open_offline(&c, path, NULL, err, sizeof(err));
	unsetenv("WARDWATCH_NO_MMAP");
	if (rv == -1)
		return 9;
	if (mapped && !capture_stable(&c)) {
		/* Not a file the mapped reader takes: nothing to compare. */
		capture_close(&c);
		return 8;
	}
	while ((rv = capture_next(&c, &h, &d)) == 1 && *n < FUZZ_MAX_RECS) {
		v[*n].h = *h;
		if ((v[*n].data = malloc(h->caplen + 1)) == NULL)
			abort();
		memcpy(v[*n].data, d, h->caplen);
		(*n)++;
	}
	capture_close(&c);
	return rv;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec a[FUZZ_MAX_RECS], b[FUZZ_MAX_RECS];
	char path[64];
	size_t na, nb, i;
	int fd, ra, rb;

	if ((fd = memfd_create("fuzz-pcap", 0)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ra = read_all(path, true, a, &na);
	rb = ra == 8 ? 8 : read_all(path, false, b, &nb);
	if (ra != 8) {
		if (ra != rb || na != nb)
			abort();
		for (i = 0; i < na; i++)
			if (a[i].h.caplen != b[i].h.caplen ||
			    a[i].h.len != b[i].h.len ||
			    a[i].h.ts.tv_sec != b[i].h.ts.tv_sec ||
			    a[i].h.ts.tv_usec != b[i].h.ts.tv_usec ||
			    memcmp(a[i].data, b[i].data, a[i].h.caplen) != 0)
				abort();
		for (i = 0; i < nb; i++)
			free(b[i].data);
	}
	for (i = 0; i < na; i++)
		free(a[i].data);
	close(fd);
	return 0;
}
