/*
 * detect-helpers.h - building rule engines, packets and flows by hand
 * for test-detect-parse.c and test-detect-match.c.
 */
#ifndef WW_TEST_DETECT_HELPERS_H
#define WW_TEST_DETECT_HELPERS_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/packet.h"
#include "detect/detect-int.h"
#include "flow/flow.h"

/* Messages of the last load. */
static char	*th_msgs;
static size_t	 th_msglen;

/* Alerts: the sids, in order. */
#define TH_MAX_ALERTS	256
static uint32_t	 th_sids[TH_MAX_ALERTS];
static struct detect_match th_matches[TH_MAX_ALERTS];
static size_t	 th_nalerts;
static const struct detect_engine *th_engine;

static void
th_alert(void *arg, const struct detect_match *m)
{
	(void)arg;
	if (th_nalerts < TH_MAX_ALERTS) {
		th_matches[th_nalerts] = *m;
		th_sids[th_nalerts++] = detect_rule(th_engine, m->rule)->sid;
	}
}

static inline bool
th_alerted(uint32_t sid)
{
	size_t i;

	for (i = 0; i < th_nalerts; i++)
		if (th_sids[i] == sid)
			return true;
	return false;
}

static inline size_t
th_count(uint32_t sid)
{
	size_t i, n = 0;

	for (i = 0; i < th_nalerts; i++)
		n += th_sids[i] == sid;
	return n;
}

static struct detect_engine *
th_load_cfg(const struct detect_config *c, const char *text)
{
	FILE *f;
	struct detect_engine *e;

	free(th_msgs);
	th_msgs = NULL;
	th_msglen = 0;
	f = open_memstream(&th_msgs, &th_msglen);
	e = detect_load_text(c, "test.rules", text, f, NULL);
	(void)fclose(f);
	th_engine = e;
	return e;
}

static struct detect_engine *
th_load(const char *text)
{
	struct detect_config c;

	detect_config_defaults(&c);
	return th_load_cfg(&c, text);
}

/* A packet: IPv4 a.b.c.d style addresses as uint32 host order. */
static uint8_t th_pktbuf[65536];

static inline void
th_packet(struct packet *p, uint8_t proto, uint32_t src, uint16_t sport,
    uint32_t dst, uint16_t dport, const void *payload, size_t len)
{
	memset(p, 0, sizeof(*p));
	memset(th_pktbuf, 0, 64);
	p->data = th_pktbuf;
	p->ipver = 4;
	p->proto = proto;
	p->ttl = 64;
	p->src[0] = (uint8_t)(src >> 24);
	p->src[1] = (uint8_t)(src >> 16);
	p->src[2] = (uint8_t)(src >> 8);
	p->src[3] = (uint8_t)src;
	p->dst[0] = (uint8_t)(dst >> 24);
	p->dst[1] = (uint8_t)(dst >> 16);
	p->dst[2] = (uint8_t)(dst >> 8);
	p->dst[3] = (uint8_t)dst;
	p->sport = sport;
	p->dport = dport;
	/* a 20-byte IPv4 header and a 20-byte TCP (or 8-byte UDP) header */
	th_pktbuf[0] = 0x45;
	th_pktbuf[8] = 64;
	th_pktbuf[9] = proto;
	memcpy(th_pktbuf + 12, p->src, 4);
	memcpy(th_pktbuf + 16, p->dst, 4);
	p->l3_off = 0;
	p->l4_off = 20;
	p->payload_off = proto == IPPROTO_TCP ? 40 : 28;
	th_pktbuf[20] = (uint8_t)(sport >> 8);
	th_pktbuf[21] = (uint8_t)sport;
	th_pktbuf[22] = (uint8_t)(dport >> 8);
	th_pktbuf[23] = (uint8_t)dport;
	if (proto == IPPROTO_TCP)
		th_pktbuf[32] = 0x50;
	memcpy(th_pktbuf + p->payload_off, payload, len);
	p->payload_len = (uint32_t)len;
	p->caplen = p->payload_off + (uint32_t)len;
	p->l3_len = p->caplen;
}

static inline void
th_flow(struct flow *f, uint8_t proto, uint32_t cli, uint16_t cport,
    uint32_t srv, uint16_t sport)
{
	memset(f, 0, sizeof(*f));
	f->ipver = 4;
	f->proto = proto;
	f->cli_ip[0] = (uint8_t)(cli >> 24);
	f->cli_ip[1] = (uint8_t)(cli >> 16);
	f->cli_ip[2] = (uint8_t)(cli >> 8);
	f->cli_ip[3] = (uint8_t)cli;
	f->srv_ip[0] = (uint8_t)(srv >> 24);
	f->srv_ip[1] = (uint8_t)(srv >> 16);
	f->srv_ip[2] = (uint8_t)(srv >> 8);
	f->srv_ip[3] = (uint8_t)srv;
	f->cli_port = cport;
	f->srv_port = sport;
	f->state = FLOW_STATE_ESTABLISHED;
	f->tcp_state = proto == IPPROTO_TCP ? TCP_ESTABLISHED : TCP_NONE;
}

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

#endif /* WW_TEST_DETECT_HELPERS_H */
