/*
 * blmem.c - the memory of the baselines with their caps (make
 * bench-blmem): N devices (10,000) each learn M peers and M services
 * (500: far over the caps), answer or start flows to all of them
 * through the attack behaviours' windows, and take a day of hourly
 * volume samples; then the bytes the tables hold, per device at most
 * and in all, and the process's peak RSS, against what the caps allow.
 * A report, not a timed test: the figures go in tests/bench/README.md.
 *
 *	blmem [devices [peers]]
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "policy/baseline.h"
#include "policy/behave.h"

#define SEC	1000000ull
#define HOUR	(3600 * SEC)
#define T0	(1767571200ull * SEC)

int
main(int argc, char **argv)
{
	unsigned long devices = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	unsigned long peers = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
	struct bl_config c;
	struct bl_dev **bl;
	struct bh_dev **bh;
	struct bh_hit hit[4];
	struct rusage ru;
	char key[64];
	size_t mem = 0, m, most = 0, items = 0, cap_items = 0;
	uint64_t dropped = 0, ts;
	unsigned long i, j;
	int k;

	if (devices == 0 || peers == 0) {
		fprintf(stderr, "usage: blmem [devices [peers]]\n");
		return 1;
	}
	bl_config_defaults(&c);
	c.learn_run = true;
	bl = calloc(devices, sizeof(*bl));
	bh = calloc(devices, sizeof(*bh));
	if (bl == NULL || bh == NULL)
		return 1;
	for (i = 0; i < devices; i++) {
		bl[i] = bl_dev_new(&c, T0);
		bh[i] = bh_dev_new();
		for (j = 0; j < peers; j++) {
			ts = T0 + (j * 24 / peers) * HOUR + j * SEC;
			snprintf(key, sizeof(key), "ip:10.%lu.%lu.%lu",
			    i % 250, j / 250, j % 250);
			(void)bl_observe(bl[i], &c, BL_PEER, key, ts);
			snprintf(key, sizeof(key), "tcp/%lu - client",
			    1024 + j);
			(void)bl_observe(bl[i], &c, BL_SERVICE, key, ts);
			snprintf(key, sizeof(key), "T%lu^X%lu", j, i % 7);
			(void)bl_observe(bl[i], &c, BL_HL7_SENT, key, ts);
			snprintf(key, sizeof(key), "203.0.%lu.%lu", j / 250,
			    j % 250);
			(void)bl_observe(bl[i], &c, BL_EXTERNAL, key, ts);
			bl_count(bl[i], &c, ts, 10, 1000, 1, true);
			(void)bh_flow(bh[i], &c.detect, ts, (uint32_t)j,
			    (uint16_t)(1024 + j), 10, hit);
			(void)bh_dicom_find(bh[i], &c.detect, ts, hit);
		}
		bl_enforce(bl[i], T0 + 24 * HOUR);
	}
	for (i = 0; i < devices; i++) {
		m = bl_dev_memory(bl[i]) + bh_dev_memory(bh[i]);
		mem += m;
		if (m > most)
			most = m;
		for (k = 0; k < BL_KIND_MAX; k++) {
			items += bl[i]->set[k].n;
			dropped += bl[i]->set[k].dropped;
		}
	}
	for (k = 0; k < BL_KIND_MAX; k++)
		cap_items += c.max[k];
	getrusage(RUSAGE_SELF, &ru);
	printf("blmem: %lu devices, %lu peers, services, HL7 types and "
	    "internet destinations each\n", devices, peers);
	printf("blmem: items kept %zu (caps allow %zu per device), %llu "
	    "over the caps counted, not kept\n", items, cap_items,
	    (unsigned long long)dropped);
	printf("blmem: tables and windows %.1f MiB, %.1f KiB per device "
	    "at most (an item is %zu bytes)\n", (double)mem / 1048576.0,
	    (double)most / 1024.0, sizeof(struct bl_item));
	printf("blmem: peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	for (i = 0; i < devices; i++) {
		bl_dev_free(bl[i]);
		bh_dev_free(bh[i]);
	}
	free(bl);
	free(bh);
	return 0;
}
