/*
 * churngen.c - the churn bench's traffic (issue 14 item 8), written as
 * a classic pcap stream to standard output, so that ten million flows
 * need no disk: wardwatch -r - reads it from a pipe.
 *
 *	churngen FLOWS [HOSTS [SERVERS]]
 *
 * FLOWS short flows, one after the other, 20 microseconds of packet
 * time between packets: half are a DNS query and its answer, a quarter
 * an HTTP request and response, a quarter an HL7 message over MLLP and
 * its acknowledgement (both TCP, with handshake and FIN), so that flow,
 * stream, application-layer, inventory and baseline state is made all
 * the time.  Clients are HOSTS hosts (default 8000), each with its own
 * MAC address, talking to SERVERS servers (default 1999, prime to
 * HOSTS, so each client meets every server in turn: far more peers
 * than a baseline keeps); 9999 devices in all, just under the
 * inventory's default cap of 10000 (past the cap newcomers are turned
 * away, counted in devices.table_full; HOSTS 20000 shows it, and
 * devices.evict_walks that the table is walked for a victim at most
 * once a second, not once per newcomer).  Client ports cycle, so
 * a tuple comes back only after HOSTS * 60000 flows.  Checksums are
 * correct.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0	1793516400u	/* 2026-11-01 */
#define STEP_US	20

static uint64_t now_us;
static uint8_t frame[2048];

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Ethernet, IPv4, then the L4 header and payload already at frame+34. */
static void
emit(uint32_t src, uint32_t dst, uint8_t proto, size_t l4len)
{
	uint8_t rec[16], *ip = frame + 14, *l4 = frame + 34;
	size_t len = 34 + l4len;
	uint32_t s;
	uint8_t ph[12];

	/* MACs 02:00 and the IPv4 address: one MAC per host. */
	frame[0] = 0x02;
	frame[1] = 0;
	put32(frame + 2, dst);
	frame[6] = 0x02;
	frame[7] = 0;
	put32(frame + 8, src);
	put16(frame + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint16_t)l4len);
	if (proto == 17)
		put16(l4 + 6, 0);
	else
		put16(l4 + 16, 0);
	s = fold(sum16(l4, l4len, sum16(ph, sizeof(ph), 0)));
	if (proto == 17)
		put16(l4 + 6, s ? s : 0xffff);
	else
		put16(l4 + 16, s);
	now_us += STEP_US;
	le32(rec, T0 + (uint32_t)(now_us / 1000000));
	le32(rec + 4, (uint32_t)(now_us % 1000000));
	le32(rec + 8, (uint32_t)len);
	le32(rec + 12, (uint32_t)len);
	fwrite(rec, 1, sizeof(rec), stdout);
	fwrite(frame, 1, len, stdout);
}

static void
udp(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, const uint8_t *d,
    size_t n)
{
	uint8_t *l4 = frame + 34;

	put16(l4, sp);
	put16(l4 + 2, dp);
	put16(l4 + 4, (uint16_t)(8 + n));
	memcpy(l4 + 8, d, n);
	emit(src, dst, 17, 8 + n);
}

static void
tcp(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint32_t seq,
    uint32_t ack, uint8_t flags, const char *d, size_t n)
{
	uint8_t *l4 = frame + 34;

	put16(l4, sp);
	put16(l4 + 2, dp);
	put32(l4 + 4, seq);
	put32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = flags;
	put16(l4 + 14, 65535);
	put16(l4 + 18, 0);
	if (n > 0)
		memcpy(l4 + 20, d, n);
	emit(src, dst, 6, 20 + n);
}

/* A whole TCP session: handshake, request, response, FINs. */
static void
session(uint32_t c, uint32_t s, uint16_t sp, uint16_t dp, const char *rq,
    size_t nrq, const char *rs, size_t nrs)
{
	uint32_t cs = 1000, ss = 5000;

	tcp(c, s, sp, dp, cs, 0, 0x02, NULL, 0);
	tcp(s, c, dp, sp, ss, cs + 1, 0x12, NULL, 0);
	cs++;
	ss++;
	tcp(c, s, sp, dp, cs, ss, 0x10, NULL, 0);
	tcp(c, s, sp, dp, cs, ss, 0x18, rq, nrq);
	cs += (uint32_t)nrq;
	tcp(s, c, dp, sp, ss, cs, 0x18, rs, nrs);
	ss += (uint32_t)nrs;
	tcp(c, s, sp, dp, cs, ss, 0x11, NULL, 0);
	tcp(s, c, dp, sp, ss, cs + 1, 0x11, NULL, 0);
	tcp(c, s, sp, dp, cs + 1, ss + 1, 0x10, NULL, 0);
}

static void
dns(uint32_t c, uint32_t s, uint16_t sp, uint64_t i)
{
	uint8_t q[128], a[160];
	char host[32];
	size_t n = 12, hl;

	memset(q, 0, 12);
	put16(q, (uint16_t)i);
	put16(q + 2, 0x0100);
	put16(q + 4, 1);
	hl = (size_t)snprintf(host, sizeof(host), "host%llu",
	    (unsigned long long)i);
	q[n++] = (uint8_t)hl;
	memcpy(q + n, host, hl);
	n += hl;
	memcpy(q + n, "\007example\003org\0\0\001\0\001", 17);
	n += 17;
	udp(c, s, sp, 53, q, n);
	memcpy(a, q, n);
	put16(a + 2, 0x8180);
	put16(a + 6, 1);
	/* One A record, its name a pointer to the question's. */
	memcpy(a + n, "\xc0\x0c\0\001\0\001\0\0\0\x3c\0\004", 12);
	put32(a + n + 12, 0x0a090000u | (uint32_t)(i & 0xffff));
	udp(s, c, 53, sp, a, n + 16);
}

int
main(int argc, char *argv[])
{
	static char iobuf[1 << 20];
	uint8_t hdr[24];
	uint64_t flows, i;
	uint32_t hosts = 8000, servers = 1999, c, s;
	uint16_t sp;
	char rq[256], rs[256];
	int nrq, nrs;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: churngen flows [hosts [servers]]\n");
		return 1;
	}
	flows = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		hosts = (uint32_t)strtoul(argv[2], NULL, 10);
	if (argc > 3)
		servers = (uint32_t)strtoul(argv[3], NULL, 10);
	if (hosts == 0 || hosts > 65536 * 16 || servers == 0 ||
	    servers > 65536) {
		fprintf(stderr, "churngen: 1 to 1048576 hosts, 1 to 65536 "
		    "servers\n");
		return 1;
	}
	setvbuf(stdout, iobuf, _IOFBF, sizeof(iobuf));
	le32(hdr, 0xa1b2c3d4u);
	hdr[4] = 2;
	hdr[5] = 0;
	hdr[6] = 4;
	hdr[7] = 0;
	memset(hdr + 8, 0, 8);
	le32(hdr + 16, 65535);
	le32(hdr + 20, 1);
	fwrite(hdr, 1, sizeof(hdr), stdout);
	for (i = 0; i < flows; i++) {
		c = 0x0a400000u + (uint32_t)(i % hosts);	/* 10.64/10 */
		s = 0x0ac80000u + (uint32_t)((i * 7919) % servers);
		sp = (uint16_t)(1024 + (i / hosts) % 60000);
		switch (i % 4) {
		case 0:
		case 1:
			dns(c, s, sp, i);
			break;
		case 2:
			nrq = snprintf(rq, sizeof(rq), "GET /item/%llu "
			    "HTTP/1.1\r\nHost: srv%u.example.org\r\n"
			    "User-Agent: churn/1.0\r\n\r\n",
			    (unsigned long long)i, s & 0xffff);
			nrs = snprintf(rs, sizeof(rs), "HTTP/1.1 200 OK\r\n"
			    "Content-Length: 2\r\n\r\nok");
			session(c, s, sp, 80, rq, (size_t)nrq, rs,
			    (size_t)nrs);
			break;
		default:
			nrq = snprintf(rq, sizeof(rq), "\013MSH|^~\\&|MONITOR|"
			    "ICU|EMR|HOSP|20261101070000||ORU^R01|%llu|P|"
			    "2.5\rOBX|1|NM|8867-4^HR^LN||72|/min|||||F\r"
			    "\034\r", (unsigned long long)i);
			nrs = snprintf(rs, sizeof(rs), "\013MSH|^~\\&|EMR|"
			    "HOSP|MONITOR|ICU|20261101070000||ACK^R01|%llu|"
			    "P|2.5\rMSA|AA|%llu\r\034\r",
			    (unsigned long long)i, (unsigned long long)i);
			session(c, s, sp, 2575, rq, (size_t)nrq, rs,
			    (size_t)nrs);
			break;
		}
		if (ferror(stdout))
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
