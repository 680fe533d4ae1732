/*
 * fuzz-detect.c - libFuzzer target for the matcher (src/detect/): a
 * fixed rule set exercising every payload keyword (contents with
 * positions, pcre, byte ops, base64, transforms, flowbits) is loaded
 * once; the input drives one flow.
 *
 * Input: records "op len16 bytes": op & 3 selects a UDP packet (0), a
 * TCP stream chunk to server (1) or to client (2), or an HTTP
 * transaction (3) whose bytes are split at '\n' into the method, uri,
 * host, user agent, header and body buffers in turn; each buffer is
 * copied to a heap block of exactly its length so ASan sees any
 * over-read.
 *
 * Build and run (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-detect
 *	mkdir -p fuzz-detect.corpus
 *	./tests/fuzz/fuzz-detect -max_total_time=600 -max_len=8192 \
 *	    fuzz-detect.corpus ../tests/fuzz/corpus/detect
 */
#include <config.h>

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "detect/detect-int.h"
#include "flow/flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char rules[] =
    "alert udp any any -> any any (msg:\"c\"; content:\"GET\"; depth:3; "
    "content:\"/a\"; distance:1; within:10; content:!\"zz\"; sid:1;)\n"
    "alert udp any any -> any any (msg:\"p\"; content:\"id=\"; nocase; "
    "pcre:\"/^[0-9]+(&|$)/R\"; isdataat:!2,relative; sid:2;)\n"
    "alert udp any any -> any any (msg:\"b\"; content:\"L\"; "
    "byte_extract:2,0,n,relative,little; byte_test:1,>,n,0,relative; "
    "byte_jump:2,0,relative,multiplier 2,post_offset -1; content:\"Z\"; "
    "distance:n; within:4; sid:3;)\n"
    "alert udp any any -> any any (msg:\"s\"; content:\"LEN\"; "
    "byte_test:4,>,100,1,relative,string,dec; byte_jump:3,0,relative,"
    "string,hex,align; isdataat:1,relative; sid:4;)\n"
    "alert udp any any -> any any (msg:\"64\"; content:\"Basic \"; "
    "base64_decode:bytes 64,relative; base64_data; content:\"adm\"; "
    "pcre:\"/:.{3}$/\"; sid:5;)\n"
    "alert tcp any any -> any any (msg:\"st\"; content:\"EVIL\"; "
    "content:\"X\"; distance:0; within:8; flowbits:set,evil; sid:6;)\n"
    "alert tcp any any -> any any (msg:\"st2\"; flowbits:isset,evil; "
    "content:\"MORE\"; endswith; sid:7;)\n"
    "alert tcp any any -> any any (msg:\"d\"; content:\"HEAD\"; depth:4; "
    "sid:8;)\n"
    "alert http any any -> any any (msg:\"h\"; http.uri; url_decode; "
    "content:\"/admin\"; startswith; bsize:<40; http.host; dotprefix; "
    "to_lowercase; content:\".example\"; sid:9;)\n"
    "alert http any any -> any any (msg:\"ua\"; http.user_agent; "
    "strip_whitespace; compress_whitespace; content:\"curl\"; nocase; "
    "sid:10;)\n"
    "alert http any any -> any any (msg:\"body\"; http.request_body; "
    "content:\"cmd=\"; pcre:\"/cmd=[a-z]+/iR\"; urilen:>2; sid:11;)\n"
    "alert http any any -> any any (msg:\"m\"; http.method; "
    "content:\"POST\"; http.header; content:\"Cookie|3a|\"; "
    "byte_test:1,=,0x41,0,relative; sid:12;)\n";

static struct detect_engine *engine;
static struct detect_thread *thr;

static void
alert(void *arg, const struct detect_match *m)
{
	(void)arg;
	(void)m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct flow f;
	struct packet p;
	uint8_t *pkt;

	if (engine == NULL) {
		struct detect_config c;

		detect_config_defaults(&c);
		engine = detect_load_text(&c, "fuzz", rules, stderr, NULL);
		if (engine == NULL || detect_rules_loaded(engine) != 12)
			abort();
		thr = detect_thread_new(engine, alert, NULL);
	}
	memset(&f, 0, sizeof(f));
	f.ipver = 4;
	f.proto = IPPROTO_TCP;
	f.cli_ip[0] = 10;
	f.srv_ip[0] = 192;
	f.cli_port = 40000;
	f.srv_port = 80;
	f.state = FLOW_STATE_ESTABLISHED;
	f.tcp_state = TCP_ESTABLISHED;
	f.app_proto = APP_HTTP;
	while (len >= 3) {
		uint8_t op = data[0];
		size_t n = (size_t)data[1] << 8 | data[2];

		data += 3;
		len -= 3;
		if (n > len)
			n = len;
		switch (op & 3) {
		case 0:
			pkt = malloc(28 + n);
			memset(pkt, 0, 28);
			pkt[0] = 0x45;
			memcpy(pkt + 28, data, n);
			memset(&p, 0, sizeof(p));
			p.data = pkt;
			p.caplen = 28 + (uint32_t)n;
			p.ipver = 4;
			p.proto = IPPROTO_UDP;
			p.src[0] = 10;
			p.dst[0] = 192;
			p.sport = 40000;
			p.dport = 80;
			p.l4_off = 20;
			p.payload_off = 28;
			p.payload_len = (uint32_t)n;
			detect_packet(thr, NULL, &p, NULL, 0);
			free(pkt);
			break;
		case 1:
		case 2:
			pkt = malloc(n + 1);
			memcpy(pkt, data, n);
			detect_stream(thr, &f, (op & 3) - 1, pkt, n);
			free(pkt);
			break;
		default: {
			static const enum app_buf_id ids[] = {
				APP_BUF_HTTP_METHOD, APP_BUF_HTTP_URI,
				APP_BUF_HTTP_HOST, APP_BUF_HTTP_USER_AGENT,
				APP_BUF_HTTP_HEADER, APP_BUF_HTTP_REQUEST_BODY,
			};
			struct app_buf b[6];
			uint8_t *blk[6];
			size_t nb = 0, off = 0;

			while (nb < 6 && off <= n) {
				const uint8_t *nl = memchr(data + off, '\n',
				    n - off);
				size_t l = nl != NULL ? (size_t)(nl - data) -
				    off : n - off;

				blk[nb] = malloc(l + 1);
				memcpy(blk[nb], data + off, l);
				b[nb].id = ids[nb];
				b[nb].data = blk[nb];
				b[nb].len = l;
				nb++;
				off += l + 1;
			}
			detect_tx(thr, &f, NULL, APP_HTTP, FLOW_DIR_TOSERVER,
			    b, nb, NULL, NULL, 0);
			while (nb > 0)
				free(blk[--nb]);
			break;
		}
		}
		data += n;
		len -= n;
	}
	detect_flow_free(&f);
	return 0;
}
