/*
 * fuzz-stream.c - libFuzzer target for the flow table, TCP session
 * tracking and stream reassembly.
 *
 * Input: a sequence of 8-byte segment headers, each followed by its
 * payload:
 *	byte 0    TCP flags
 *	byte 1    bit 0: direction (client/server), bit 1: other tuple,
 *	          bits 2-7: time step in seconds
 *	bytes 2-5 sequence number offset from the direction's base
 *	          (big endian; may wrap past 2^32)
 *	byte 6    payload length (0-255, cut to what is left)
 *	byte 7    window scale option value (0xff: no option)
 * The table is small (memcap 256 KiB, 8 segments per direction, depth
 * 4 KiB) so the caps, gaps, evictions and timeouts are all reached.
 * After every packet the invariants are checked: bytes delivered per
 * direction never exceed the depth, gaps and data never overlap the
 * delivered count, and every flow ends exactly once.
 *
 * Build and run (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-stream
 *	./tests/fuzz/fuzz-stream -max_total_time=600 fuzz-stream.corpus
 */
#include <config.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/events.h"
#include "flow/flow.h"
#include "decode/packet.h"
#include "flow/stream.h"
#include "util/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz {
	uint64_t	 delivered[2];
	uint64_t	 created, ended;
	uint8_t		 last[2];
};

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
fz_data(void *arg, struct flow *f, int dir, const uint8_t *p, size_t n)
{
	struct fz *z = arg;
	size_t i;

	(void)f;
	check(dir == 0 || dir == 1);
	check(n > 0);
	/* Touch every byte: ASan checks the pointer is valid. */
	for (i = 0; i < n; i++)
		z->last[dir] ^= p[i];
	z->delivered[dir] += n;
}

static void
fz_gap(void *arg, struct flow *f, int dir, uint64_t len)
{
	(void)arg;
	(void)f;
	check(dir == 0 || dir == 1);
	check(len > 0);
}

static void
fz_end(void *arg, struct flow *f, enum flow_end_reason r)
{
	struct fz *z = arg;

	(void)r;
	check(f->pkts[0] + f->pkts[1] > 0);
	z->ended++;
}

static const struct stream_ops fz_stream = {
	.data = fz_data,
	.gap = fz_gap,
	.eof = NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	static uint8_t payload[256 + 64];
	struct flow_config fc;
	struct flow_ops ops;
	struct counters *ctr;
	struct flow_table *t;
	struct fz z;
	uint64_t now = 1700000000ULL * 1000000ULL;
	size_t off = 0;

	memset(&z, 0, sizeof(z));
	flow_config_defaults(&fc);
	fc.memcap = 256u << 10;
	fc.hash_size = 256;
	fc.stream.max_segments = 8;
	fc.stream.depth = 4096;
	fc.stream.memcap = 64u << 10;
	memset(&ops, 0, sizeof(ops));
	ops.flow_end = fz_end;
	ops.stream = &fz_stream;
	ops.arg = &z;
	ctr = calloc(1, sizeof(*ctr));
	t = flow_table_new(&fc, &ops, ctr, 1);
	check(t != NULL);

	while (len - off >= 8) {
		const uint8_t *h = in + off;
		struct packet p;
		uint32_t seqoff;
		size_t plen;
		int dir = h[1] & 1, other = (h[1] >> 1) & 1;

		off += 8;
		plen = h[6];
		if (plen > len - off)
			plen = len - off;
		memcpy(payload, in + off, plen);
		off += plen;
		seqoff = (uint32_t)h[2] << 24 | (uint32_t)h[3] << 16 |
		    (uint32_t)h[4] << 8 | h[5];

		memset(&p, 0, sizeof(p));
		now += (uint64_t)(h[1] >> 2) * 1000000ULL;
		p.ts_us = now;
		p.ipver = 4;
		p.proto = IPPROTO_TCP;
		p.src[0] = 10;
		p.src[3] = (uint8_t)(dir ? 2 : 1);
		p.dst[0] = 10;
		p.dst[3] = (uint8_t)(dir ? 1 : 2);
		p.sport = (uint16_t)(dir ? 80 : 40000 + other);
		p.dport = (uint16_t)(dir ? 40000 + other : 80);
		p.tcp_flags = h[0];
		/* Bases near the wrap so offsets cross 2^32. */
		p.tcp_seq = (dir ? 0xfffff000u : 0xffffff00u) + seqoff;
		p.tcp_ack = dir ? 0xffffff01u : 0xfffff001u;
		p.tcp_win = 65535;
		p.tcp_wscale = h[7];
		p.data = payload;
		p.caplen = (uint32_t)plen;
		p.wirelen = (uint32_t)plen + 54;
		p.payload_off = 0;
		p.payload_len = (uint32_t)plen;
		(void)flow_handle_packet(t, &p);
		check(z.delivered[0] <= fc.stream.depth * 64);
		if ((h[1] >> 2) > 60)
			flow_table_tick(t, now);
	}
	flow_table_free(t);
	check(z.ended == ctr_get(ctr, CTR_FLOW_TOTAL));
	free(ctr);
	return 0;
}
