/*
 * test-capture.c - the offline reader of capture.c: a classic pcap
 * file is mapped and read in place, records are the ones libpcap reads,
 * and a file truncated by another process while it is read ends with
 * an error, not a SIGBUS.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"

#define NREC	1000
#define RECLEN	1000		/* bytes of packet data per record */

/* A pcap 2.4 file (Ethernet) of NREC records, record i filled with i. */
static void
make_file(char *path, size_t size)
{
	uint32_t fh[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1 };
	uint8_t data[RECLEN];
	uint32_t rh[4];
	FILE *f;
	int fd;
	unsigned i;

	snprintf(path, size, "/tmp/test-capture.XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "wb"));
	assert_int_equal(fwrite(fh, sizeof(fh), 1, f), 1);
	for (i = 0; i < NREC; i++) {
		rh[0] = 1800000000u + i;
		rh[1] = i;
		rh[2] = rh[3] = RECLEN;
		memset(data, (int)(i & 0xff), sizeof(data));
		assert_int_equal(fwrite(rh, sizeof(rh), 1, f), 1);
		assert_int_equal(fwrite(data, sizeof(data), 1, f), 1);
	}
	assert_int_equal(fclose(f), 0);
}

static void
test_capture_mapped_read(void **state)
{
	struct capture c;
	struct pcap_pkthdr *h;
	const u_char *d;
	char path[64], err[CAPTURE_ERRBUF];
	unsigned n = 0;
	int rv;

	(void)state;
	make_file(path, sizeof(path));
	assert_int_equal(capture_open_offline(&c, path, NULL, err,
	    sizeof(err)), 0);
	assert_true(capture_stable(&c));
	while ((rv = capture_next(&c, &h, &d)) == 1) {
		assert_int_equal(h->caplen, RECLEN);
		assert_int_equal(h->ts.tv_usec, n);
		assert_int_equal(d[0], n & 0xff);
		assert_int_equal(d[RECLEN - 1], n & 0xff);
		n++;
	}
	assert_int_equal(rv, 0);
	assert_int_equal(n, NREC);
	capture_close(&c);

	/* A filter runs in the mapped reader too: one record in ten. */
	assert_int_equal(capture_open_offline(&c, path,
	    "ether[0] & 0xf == 3", err, sizeof(err)), 0);
	n = 0;
	while (capture_next(&c, &h, &d) == 1) {
		assert_int_equal(d[0] & 0xf, 3);
		n++;
	}
	assert_int_equal(n, NREC / 16 + (NREC % 16 > 3));
	capture_close(&c);
	unlink(path);
}

/*
 * The file is cut to half while it is read: the records before the
 * cut come out, then an error; records handed out earlier can still be
 * read (zeros past the cut), and nothing kills the process.
 */
static void
test_capture_file_shrinks(void **state)
{
	struct capture c;
	struct pcap_pkthdr *h;
	const u_char *d, *first = NULL;
	char path[64], err[CAPTURE_ERRBUF];
	long psz = sysconf(_SC_PAGESIZE);
	off_t cut;
	unsigned n = 0;
	int rv;

	(void)state;
	make_file(path, sizeof(path));
	assert_int_equal(capture_open_offline(&c, path, NULL, err,
	    sizeof(err)), 0);
	assert_true(capture_stable(&c));
	assert_int_equal(capture_next(&c, &h, &first), 1);
	n++;
	/* A page boundary, so the first record's page stays. */
	cut = (off_t)(NREC / 2 * (RECLEN + 16)) / psz * psz;
	assert_int_equal(truncate(path, cut), 0);
	while ((rv = capture_next(&c, &h, &d)) == 1) {
		/* A record the cut went through reads zeros past it. */
		if (24 + (off_t)(n + 1) * (RECLEN + 16) <= cut)
			assert_int_equal(d[RECLEN - 1], n & 0xff);
		n++;
	}
	assert_int_equal(rv, -1);
	assert_non_null(strstr(capture_error(&c), "shrank"));
	/* Every record whose header lies before the cut, no other. */
	assert_int_equal(n, (unsigned)((cut - 24 - 16) / (RECLEN + 16)) + 1);
	assert_int_equal(first[0], 0);
	capture_close(&c);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_mapped_read),
		cmocka_unit_test(test_capture_file_shrinks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
