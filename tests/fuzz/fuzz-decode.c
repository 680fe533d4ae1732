/*
 * fuzz-decode.c - libFuzzer target for the decoder and defragmenter.
 *
 * Input: byte 0 chooses the run; the rest is one packet.
 *	bits 0-2  the datalink (see dlts[] below)
 *	bit 3     snapped: wirelen is caplen + 100, as with a short snaplen
 *	bits 4-7  the defrag overlap policy (modulo 5)
 * If the packet bytes contain the separator "WWPK" they are split there
 * into several packets of the same datalink, decoded one second apart
 * through one decoder, so fragments can meet, overlap and complete.
 * Each packet is copied into a buffer of exactly its length so ASan
 * sees any over-read, and the decoder's promises about the offsets it
 * returns are checked after every packet.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-decode
 *	mkdir -p fuzz-decode.corpus
 *	./tests/fuzz/fuzz-decode -max_total_time=300 -max_len=4096 \
 *	    fuzz-decode.corpus ../tests/fuzz/corpus/decode
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/decode/ are
 * crafted packets, one per file, in this input format.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode/decode.h"
#include "util/events.h"
#include "decode/packet.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

#define FUZZ_SEP	"WWPK"
#define FUZZ_SEP_LEN	4
#define FUZZ_MAX_PKTS	512

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int dlts[8] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
	DLT_LOOP, DLT_RAW, DLT_IPV4, DLT_IPV6,
};

static void
check(bool ok)
{
	if (!ok)
		abort();
}

/* What decode.h and packet.h promise, whatever the input. */
static void
check_packet(const struct packet *p, enum decode_result r)
{
	check(p->anom_cnt <= PKT_MAX_ANOM);
	check(p->vlan_cnt <= PKT_MAX_VLAN);
	check((r == DECODE_INVALID) == ((p->flags & PKT_INVALID) != 0));
	if (r != DECODE_OK)
		return;
	check(p->ipver == 4 || p->ipver == 6);
	check(p->l3_off <= p->caplen);
	check(p->l3_len <= p->caplen - p->l3_off);
	check(p->l4_off >= p->l3_off && p->l4_off <= p->caplen);
	check(p->payload_off <= p->caplen);
	check(p->payload_len <= p->caplen - p->payload_off);
	check(p->payload_off + p->payload_len <= p->l3_off + p->l3_len);
	if (p->flags & PKT_REASSEMBLED)
		check(p->l3_off == 0 || (p->flags & PKT_TUNNELED));
}

static void
decode_one(struct decoder *dec, int dlt, bool snapped, uint64_t ts,
    const uint8_t *b, size_t len)
{
	struct packet p;
	uint8_t *copy;
	enum decode_result r;

	/* malloc(0) may return NULL: keep a real, empty buffer. */
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return;
	if (len > 0)
		memcpy(copy, b, len);
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.data = copy;
	p.caplen = (uint32_t)len;
	p.wirelen = (uint32_t)len + (snapped ? 100 : 0);
	p.datalink = dlt;
	p.tcp_wscale = 0xff;
	r = decode_packet(dec, &p);
	check_packet(&p, r);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_config cfg;
	struct counters *ctr;
	struct decoder *dec;
	const uint8_t *cur, *end, *sep;
	uint64_t ts = 1000000000ULL;
	unsigned int n = 0;
	int dlt;
	bool snapped;

	if (size < 1)
		return 0;
	dlt = dlts[data[0] & 0x07];
	snapped = (data[0] & 0x08) != 0;
	decode_config_defaults(&cfg);
	cfg.defrag.policy = (enum defrag_policy)((data[0] >> 4) % 5);
	/* Small limits, so the fuzzer reaches them. */
	cfg.defrag.memcap = 256 * 1024;
	cfg.defrag.max_trackers = 16;
	cfg.defrag.max_frags = 64;
	cfg.defrag.timeout_s = 30;
	if ((ctr = calloc(1, sizeof(*ctr))) == NULL)
		return 0;
	if ((dec = decoder_new(&cfg, ctr)) == NULL) {
		free(ctr);
		return 0;
	}

	cur = data + 1;
	end = data + size;
	while (n++ < FUZZ_MAX_PKTS) {
		sep = NULL;
		if ((size_t)(end - cur) >= FUZZ_SEP_LEN)
			sep = memmem(cur, (size_t)(end - cur), FUZZ_SEP,
			    FUZZ_SEP_LEN);
		decode_one(dec, dlt, snapped, ts,
		    cur, (size_t)((sep != NULL ? sep : end) - cur));
		if (sep == NULL)
			break;
		cur = sep + FUZZ_SEP_LEN;
		ts += 1000000;
	}
	decoder_tick(dec, ts + 3600ULL * 1000000);
	check(decoder_memuse(dec) == 0);
	decoder_free(dec);
	free(ctr);
	return 0;
}
