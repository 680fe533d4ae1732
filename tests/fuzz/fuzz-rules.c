/*
 * fuzz-rules.c - libFuzzer target for the rule loader (src/detect/):
 * the input is a rules file (and, after a "\n%%threshold\n" line, a
 * threshold.config text) loaded with the default variables; every
 * loaded rule is then run once against a packet made of the input, so
 * whatever the parser accepts the matcher must handle too.
 *
 * Build and run (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-rules
 *	mkdir -p fuzz-rules.corpus
 *	./tests/fuzz/fuzz-rules -max_total_time=600 -max_len=4096 \
 *	    fuzz-rules.corpus ../tests/fuzz/corpus/rules
 * The seeds in corpus/rules/ are rules covering every keyword family.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "detect/detect-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
alert(void *arg, const struct detect_match *m)
{
	(void)arg;
	(void)m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct detect_config c;
	struct detect_engine *e;
	struct detect_thread *t;
	struct packet p;
	uint8_t pkt[128 + 2048];
	char *text;

	if (len > 65536)
		return 0;
	text = malloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	detect_config_defaults(&c);
	e = detect_load_text(&c, "fuzz.rules", text, NULL, NULL);
	if (e != NULL) {
		size_t n = len > 2048 ? 2048 : len;

		t = detect_thread_new(e, alert, NULL);
		memset(&p, 0, sizeof(p));
		memset(pkt, 0, 40);
		pkt[0] = 0x45;
		memcpy(pkt + 40, data, n);
		p.data = pkt;
		p.caplen = 40 + (uint32_t)n;
		p.ipver = 4;
		p.proto = IPPROTO_UDP;
		p.l4_off = 20;
		p.payload_off = 28;
		p.payload_len = (uint32_t)n + 12;
		p.sport = 1024;
		p.dport = 53;
		detect_packet(t, NULL, &p, NULL, 0);
		p.proto = IPPROTO_TCP;
		p.payload_off = 40;
		p.payload_len = (uint32_t)n;
		detect_packet(t, NULL, &p, NULL, 0);
		detect_thread_free(t);
		detect_free(e);
	}
	free(text);
	return 0;
}
