/*
 * test-defrag.c - IPv4 and IPv6 fragment reassembly through
 * decode_packet(): orders, overlaps per policy, limits, timeouts,
 * boundaries, and a randomised comparison against a byte-by-byte model
 * that checks no datagram is ever handed out with a hole.
 *
 * Fragments are built on the fly: raw IPv4 (DLT_RAW) with a 20-byte
 * header, or raw IPv6 with a Fragment header right after the fixed
 * header.  Unless a test says otherwise the datagram is protocol 253
 * (RFC 3692 experimental), which the decoder treats as "no ports, the
 * payload is everything": the reassembled bytes can be compared whole.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "util/events.h"
#include "decode/packet.h"

#define PROTO_EXP	253
#define SEC		1000000ULL
#define MAX_PKT		(48 + 65535)

struct fx {
	struct counters		*ctr;
	struct decode_config	 cfg;
	struct decoder		*dec;
	uint8_t			*copy;
	uint8_t			*b;	/* scratch for building */
	uint64_t		 now;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->ctr = calloc(1, sizeof(*fx->ctr));
	fx->b = malloc(MAX_PKT);
	assert_non_null(fx->ctr);
	assert_non_null(fx->b);
	decode_config_defaults(&fx->cfg);
	/* Hand-built packets carry no checksums; test_decode_csum_* and
	 * test_defrag_csum turn validation on. */
	fx->cfg.checksum = DECODE_CSUM_NO;
	fx->dec = decoder_new(&fx->cfg, fx->ctr);
	assert_non_null(fx->dec);
	fx->now = 1000 * SEC;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	decoder_free(fx->dec);
	free(fx->copy);
	free(fx->b);
	free(fx->ctr);
	free(fx);
	return 0;
}

static void
reconfigure(struct fx *fx)
{
	decoder_free(fx->dec);
	fx->dec = decoder_new(&fx->cfg, fx->ctr);
	assert_non_null(fx->dec);
}

static enum decode_result
decode_snap(struct fx *fx, struct packet *p, int dlt, const uint8_t *b,
    size_t caplen, size_t wirelen)
{
	free(fx->copy);
	fx->copy = malloc(caplen);
	assert_non_null(fx->copy);
	memcpy(fx->copy, b, caplen);
	memset(p, 0, sizeof(*p));
	p->ts_us = fx->now;
	p->data = fx->copy;
	p->caplen = (uint32_t)caplen;
	p->wirelen = (uint32_t)wirelen;
	p->datalink = dlt;
	p->tcp_wscale = 0xff;
	return decode_packet(fx->dec, p);
}

static enum decode_result
decode(struct fx *fx, struct packet *p, const uint8_t *b, size_t len)
{
	return decode_snap(fx, p, DLT_RAW, b, len, len);
}

static bool
has_anom(const struct packet *p, enum ww_counter ev)
{
	uint8_t i;

	for (i = 0; i < p->anom_cnt; i++)
		if (p->anom[i] == ev)
			return true;
	return false;
}

#define CTR(fx, id)	ctr_get((fx)->ctr, (id))

static void
put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

static const uint8_t A4_1[4] = { 10, 0, 0, 1 };
static const uint8_t A4_2[4] = { 10, 0, 0, 2 };
static const uint8_t A4_9[4] = { 10, 0, 0, 9 };
static const uint8_t A6_1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t A6_2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t A6_9[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };

/* One fragment's description. */
struct frag {
	int		 ipver;
	const uint8_t	*src;
	const uint8_t	*dst;
	uint32_t	 id;
	uint8_t		 proto;
	uint32_t	 off;
	bool		 more;
	const uint8_t	*data;
	size_t		 len;
};

/*
 * IPv4: ver 4 IHL 5 | tos | total length | id | MF, offset / 8 | TTL 64
 *   | proto | checksum 0 | src | dst | data
 * IPv6: ver 6 | payload length | next header 44 | hop limit 64 | src |
 *   dst | Fragment: next header, 0, offset | M, id | data
 */
static size_t
build_frag(uint8_t *b, const struct frag *f)
{
	if (f->ipver == 4) {
		b[0] = 0x45;
		b[1] = 0;
		put16(b + 2, (uint32_t)(20 + f->len));
		put16(b + 4, f->id & 0xffff);
		put16(b + 6, (f->more ? 0x2000 : 0) | (f->off / 8));
		b[8] = 64;
		b[9] = f->proto;
		b[10] = b[11] = 0;
		memcpy(b + 12, f->src, 4);
		memcpy(b + 16, f->dst, 4);
		memcpy(b + 20, f->data, f->len);
		return 20 + f->len;
	}
	put32(b, 0x60000000);
	put16(b + 4, (uint32_t)(8 + f->len));
	b[6] = 44;
	b[7] = 64;
	memcpy(b + 8, f->src, 16);
	memcpy(b + 24, f->dst, 16);
	b[40] = f->proto;
	b[41] = 0;
	put16(b + 42, f->off | (f->more ? 1 : 0));
	put32(b + 44, f->id);
	memcpy(b + 48, f->data, f->len);
	return 48 + f->len;
}

static enum decode_result
send_frag(struct fx *fx, struct packet *p, const struct frag *f)
{
	size_t n = build_frag(fx->b, f);

	return decode(fx, p, fx->b, n);
}

/* Fragment 'data' of 'total' bytes at offset 'off'. */
static enum decode_result
send_piece(struct fx *fx, struct packet *p, int ipver, uint32_t id,
    const uint8_t *data, size_t total, uint32_t off, size_t len)
{
	struct frag f = {
		.ipver = ipver,
		.src = ipver == 4 ? A4_1 : A6_1,
		.dst = ipver == 4 ? A4_2 : A6_2,
		.id = id,
		.proto = PROTO_EXP,
		.off = off,
		.more = off + len < total,
		.data = data + off,
		.len = len,
	};

	return send_frag(fx, p, &f);
}

/* A reassembled datagram as decode.h promises it. */
static void
check_datagram(const struct packet *p, int ipver, const uint8_t *data,
    size_t len)
{
	size_t hl = ipver == 4 ? 20 : 40;

	assert_true(p->flags & PKT_REASSEMBLED);
	assert_false(p->flags & (PKT_FRAGMENT | PKT_INVALID));
	assert_int_equal(p->l3_off, 0);
	assert_int_equal(p->ipver, ipver);
	assert_int_equal(p->caplen, hl + len);
	assert_int_equal(p->l3_len, hl + len);
	assert_int_equal(p->datalink, DLT_RAW);
	assert_int_equal(p->proto, PROTO_EXP);
	assert_int_equal(p->payload_off, hl);
	assert_int_equal(p->payload_len, len);
	assert_memory_equal(p->data + hl, data, len);
	if (ipver == 4) {
		/* Total length set, MF and offset cleared. */
		assert_int_equal(p->data[2] << 8 | p->data[3], hl + len);
		assert_int_equal(p->data[6] & 0x3f, 0);
		assert_int_equal(p->data[7], 0);
	} else {
		assert_int_equal(p->data[4] << 8 | p->data[5], len);
		assert_int_equal(p->data[6], PROTO_EXP);
	}
}

static void
fill(uint8_t *d, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (uint8_t)(seed >> 16);
	}
}

/* A small deterministic generator for the shuffles. */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/*
 * Send 'total' bytes in pieces of 'piece' bytes in the order 'order'
 * (indices of pieces); the last one must complete, none before.
 */
static void
send_order(struct fx *fx, int ipver, uint32_t id, const uint8_t *data,
    size_t total, size_t piece, const unsigned int *order, unsigned int n)
{
	struct packet p;
	unsigned int i;
	enum decode_result r;

	for (i = 0; i < n; i++) {
		uint32_t off = (uint32_t)(order[i] * piece);
		size_t len = off + piece > total ? total - off : piece;

		r = send_piece(fx, &p, ipver, id, data, total, off, len);
		assert_true(p.flags & PKT_FRAGMENT || r == DECODE_OK);
		if (i + 1 < n) {
			assert_int_equal(r, DECODE_HELD);
			assert_int_equal(p.anom_cnt, 0);
		} else {
			assert_int_equal(r, DECODE_OK);
			check_datagram(&p, ipver, data, total);
		}
	}
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
run_orders(struct fx *fx, int ipver)
{
	uint8_t data[1000];
	unsigned int order[125], i, j, k, n = 125, t;
	uint32_t s = 7;

	fill(data, sizeof(data), 1);
	/* In order. */
	for (i = 0; i < n; i++)
		order[i] = i;
	send_order(fx, ipver, 1, data, sizeof(data), 8, order, n);
	/* Reverse: the last fragment arrives first. */
	for (i = 0; i < n; i++)
		order[i] = n - 1 - i;
	send_order(fx, ipver, 2, data, sizeof(data), 8, order, n);
	/* Shuffled, several times, with pieces of 8, 24 and 200 bytes. */
	for (k = 0; k < 20; k++) {
		size_t piece = k % 3 == 0 ? 8 : k % 3 == 1 ? 24 : 200;
		unsigned int m = (unsigned int)((sizeof(data) + piece - 1) /
		    piece);

		for (i = 0; i < m; i++)
			order[i] = i;
		for (i = m; i > 1; i--) {
			j = rnd(&s) % i;
			t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		send_order(fx, ipver, 100 + k, data, sizeof(data), piece,
		    order, m);
	}
}

static void
test_defrag_ipv4_orders(void **state)
{
	struct fx *fx = *state;

	run_orders(fx, 4);
	assert_int_equal(CTR(fx, CTR_DEFRAG_IPV4_REASSEMBLED), 22);
	assert_int_equal(CTR(fx, EV_DEFRAG_OVERLAP), 0);
}

static void
test_defrag_ipv6_orders(void **state)
{
	struct fx *fx = *state;

	run_orders(fx, 6);
	assert_int_equal(CTR(fx, CTR_DEFRAG_IPV6_REASSEMBLED), 22);
	/* 2 x 125, then 7 x 125, 7 x 42 and 6 x 5 shuffled. */
	assert_int_equal(CTR(fx, CTR_DEFRAG_IPV6_FRAGMENTS), 1449);
}

static void
test_defrag_every_split(void **state)
{
	struct fx *fx = *state;
	uint8_t data[256];
	struct packet p;
	uint32_t at;
	int v;

	/* Two fragments, split at every multiple of 8, both orders. */
	fill(data, sizeof(data), 3);
	for (v = 4; v <= 6; v += 2) {
		for (at = 8; at < sizeof(data); at += 8) {
			assert_int_equal(send_piece(fx, &p, v, at, data,
			    sizeof(data), 0, at), DECODE_HELD);
			assert_int_equal(send_piece(fx, &p, v, at, data,
			    sizeof(data), at, sizeof(data) - at), DECODE_OK);
			check_datagram(&p, v, data, sizeof(data));
			assert_int_equal(send_piece(fx, &p, v, at + 1000, data,
			    sizeof(data), at, sizeof(data) - at), DECODE_HELD);
			assert_int_equal(send_piece(fx, &p, v, at + 1000, data,
			    sizeof(data), 0, at), DECODE_OK);
			check_datagram(&p, v, data, sizeof(data));
		}
	}
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

/* ------------------------------------------------------------------ */
/* Overlaps                                                            */

struct ov_frag {
	uint32_t	 off;
	uint32_t	 len;
	char		 c;		/* every byte of the fragment */
	bool		 more;
};

/*
 * Send the fragments (filled with their letter) under a policy and put
 * the reassembled payload in 'out' as a string, or "" if it did not
 * complete; *diff tells whether overlap_diff_data was raised.
 */
static void
run_overlap(struct fx *fx, int ipver, enum defrag_policy pol,
    const struct ov_frag *fr, unsigned int n, char *out, bool *diff)
{
	struct packet p;
	struct frag f;
	uint8_t data[256];
	unsigned int i;
	enum decode_result r = DECODE_HELD;

	fx->cfg.defrag.policy = pol;
	reconfigure(fx);
	*diff = false;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		memset(data, fr[i].c, fr[i].len);
		memset(&f, 0, sizeof(f));
		f.ipver = ipver;
		f.src = ipver == 4 ? A4_1 : A6_1;
		f.dst = ipver == 4 ? A4_2 : A6_2;
		f.id = 77;
		f.proto = PROTO_EXP;
		f.off = fr[i].off;
		f.more = fr[i].more;
		f.data = data;
		f.len = fr[i].len;
		r = send_frag(fx, &p, &f);
		if (has_anom(&p, EV_DEFRAG_OVERLAP_DIFF_DATA)) {
			assert_true(has_anom(&p, EV_DEFRAG_OVERLAP));
			*diff = true;
		}
		if (i + 1 < n)
			assert_int_equal(r, DECODE_HELD);
	}
	if (r == DECODE_OK) {
		memcpy(out, p.data + p.payload_off, p.payload_len);
		out[p.payload_len] = '\0';
	}
	if (r == DECODE_OK)
		assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
expect_overlap(struct fx *fx, const struct ov_frag *fr, unsigned int n,
    const char *const want[5])
{
	static const enum defrag_policy pols[5] = {
		DEFRAG_POLICY_FIRST, DEFRAG_POLICY_LAST, DEFRAG_POLICY_BSD,
		DEFRAG_POLICY_LINUX, DEFRAG_POLICY_WINDOWS,
	};
	char out[300];
	bool diff;
	int i, v;

	for (v = 4; v <= 6; v += 2) {
		for (i = 0; i < 5; i++) {
			run_overlap(fx, v, pols[i], fr, n, out, &diff);
			assert_string_equal(out, want[i]);
			assert_true(diff);
		}
	}
}

/* Policy order in the expectations: first, last, bsd, linux, windows. */

static void
test_defrag_overlap_same_start(void **state)
{
	/* A [0,16), then B [0,16) with other data, then C [16,24) last. */
	static const struct ov_frag fr[] = {
		{ 0, 16, 'A', true }, { 0, 16, 'B', true },
		{ 16, 8, 'C', false },
	};
	static const char *const want[5] = {
		"AAAAAAAAAAAAAAAACCCCCCCC",	/* first */
		"BBBBBBBBBBBBBBBBCCCCCCCC",	/* last */
		"AAAAAAAAAAAAAAAACCCCCCCC",	/* bsd: older wins at = */
		"BBBBBBBBBBBBBBBBCCCCCCCC",	/* linux: newer wins at = */
		"AAAAAAAAAAAAAAAACCCCCCCC",	/* windows */
	};

	expect_overlap(*state, fr, 3, want);
}

static void
test_defrag_overlap_new_starts_before(void **state)
{
	/* A [8,24), then B [0,16), then C [24,32) last. */
	static const struct ov_frag fr[] = {
		{ 8, 16, 'A', true }, { 0, 16, 'B', true },
		{ 24, 8, 'C', false },
	};
	static const char *const want[5] = {
		"BBBBBBBBAAAAAAAAAAAAAAAACCCCCCCC",
		"BBBBBBBBBBBBBBBBAAAAAAAACCCCCCCC",
		"BBBBBBBBBBBBBBBBAAAAAAAACCCCCCCC",
		"BBBBBBBBBBBBBBBBAAAAAAAACCCCCCCC",
		"BBBBBBBBAAAAAAAAAAAAAAAACCCCCCCC",
	};

	expect_overlap(*state, fr, 3, want);
}

static void
test_defrag_overlap_new_contains_old(void **state)
{
	/* A [8,16), then B [0,24) around it, then C [24,32) last. */
	static const struct ov_frag fr[] = {
		{ 8, 8, 'A', true }, { 0, 24, 'B', true },
		{ 24, 8, 'C', false },
	};
	static const char *const want[5] = {
		"BBBBBBBBAAAAAAAABBBBBBBBCCCCCCCC",
		"BBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCC",
		"BBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCC",
		"BBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCC",
		"BBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCC",
	};

	expect_overlap(*state, fr, 3, want);
}

static void
test_defrag_overlap_new_starts_after(void **state)
{
	/* A [0,16), then B [8,24), then C [24,32) last. */
	static const struct ov_frag fr[] = {
		{ 0, 16, 'A', true }, { 8, 16, 'B', true },
		{ 24, 8, 'C', false },
	};
	static const char *const want[5] = {
		"AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
		"AAAAAAAABBBBBBBBBBBBBBBBCCCCCCCC",
		"AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
		"AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
		"AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
	};

	expect_overlap(*state, fr, 3, want);
}

static void
test_defrag_overlap_same_data(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];

	/* A retransmitted fragment: overlap, but not different data. */
	fill(data, sizeof(data), 5);
	assert_int_equal(send_piece(fx, &p, 4, 9, data, 64, 0, 32),
	    DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 4, 9, data, 64, 0, 32),
	    DECODE_HELD);
	assert_true(has_anom(&p, EV_DEFRAG_OVERLAP));
	assert_false(has_anom(&p, EV_DEFRAG_OVERLAP_DIFF_DATA));
	assert_int_equal(send_piece(fx, &p, 4, 9, data, 64, 16, 48),
	    DECODE_OK);
	assert_true(has_anom(&p, EV_DEFRAG_OVERLAP));
	assert_false(has_anom(&p, EV_DEFRAG_OVERLAP_DIFF_DATA));
	check_datagram(&p, 4, data, 64);
	assert_int_equal(CTR(fx, EV_DEFRAG_OVERLAP), 2);
	assert_int_equal(CTR(fx, EV_DEFRAG_OVERLAP_DIFF_DATA), 0);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_overlap_final_hole(void **state)
{
	struct fx *fx = *state;
	static const struct ov_frag fr[] = {
		/*
		 * CVE-2024-32867 family: the last fragment arrives first,
		 * then overlapping pieces that leave [16,24) empty.  Under
		 * every policy the datagram must not complete.
		 */
		{ 32, 8, 'Z', false }, { 0, 16, 'A', true },
		{ 8, 8, 'B', true }, { 24, 8, 'C', true },
		{ 0, 8, 'D', true }, { 24, 16, 'E', true },
	};
	static const enum defrag_policy pols[5] = {
		DEFRAG_POLICY_FIRST, DEFRAG_POLICY_LAST, DEFRAG_POLICY_BSD,
		DEFRAG_POLICY_LINUX, DEFRAG_POLICY_WINDOWS,
	};
	char out[300];
	bool diff;
	int i;

	for (i = 0; i < 5; i++) {
		run_overlap(fx, 4, pols[i], fr, 6, out, &diff);
		assert_string_equal(out, "");
		assert_true(diff);
		assert_true(decoder_memuse(fx->dec) > 0);
	}
}

/*
 * A model of reassembly, one byte at a time: owner[i] is the index of
 * the fragment whose copy of byte i stays.  It is slow and obviously
 * right, and the decoder must agree with it on every datagram.
 */
static bool
model_new_wins(enum defrag_policy pol, uint32_t ooff, uint32_t oend,
    uint32_t noff, uint32_t nend)
{
	switch (pol) {
	case DEFRAG_POLICY_FIRST:
		return false;
	case DEFRAG_POLICY_LAST:
		return true;
	case DEFRAG_POLICY_BSD:
		return noff < ooff;
	case DEFRAG_POLICY_LINUX:
		return noff <= ooff;
	case DEFRAG_POLICY_WINDOWS:
		return noff < ooff && nend > oend;
	}
	return false;
}

#define RND_LEN		256
#define RND_FRAGS	40

static void
test_defrag_random_vs_model(void **state)
{
	static const enum defrag_policy pols[5] = {
		DEFRAG_POLICY_FIRST, DEFRAG_POLICY_LAST, DEFRAG_POLICY_BSD,
		DEFRAG_POLICY_LINUX, DEFRAG_POLICY_WINDOWS,
	};
	struct fx *fx = *state;
	struct packet p;
	struct frag f;
	uint8_t fdata[RND_FRAGS][RND_LEN], want[RND_LEN];
	uint32_t foff[RND_FRAGS], fend[RND_FRAGS];
	int owner[RND_LEN];
	uint32_t s = 12345, end, a, b, i;
	unsigned int round, k, done = 0;
	enum decode_result r;
	bool last, complete;
	int pi;

	for (round = 0; round < 2000; round++) {
		pi = (int)(round % 5);
		fx->cfg.defrag.policy = pols[pi];
		reconfigure(fx);
		end = 8 * (2 + rnd(&s) % (RND_LEN / 8 - 1));
		for (i = 0; i < end; i++)
			owner[i] = -1;
		last = false;
		complete = false;
		for (k = 0; k < RND_FRAGS && !complete; k++) {
			/* Mostly random pieces; sometimes the last one. */
			if (rnd(&s) % 6 == 0) {
				/* [0, end) would be no fragment at all. */
				a = 8 * (1 + rnd(&s) % (end / 8 - 1));
				b = end;
			} else {
				a = 8 * (rnd(&s) % (end / 8));
				b = a + 8 * (1 + rnd(&s) % 4);
				/* Stop short of the end; at a == end - 8
				 * it is a last fragment after all. */
				if (b >= end)
					b = end - (end - a > 8 ? 8 : 0);
			}
			foff[k] = a;
			fend[k] = b;
			fill(fdata[k], b - a, rnd(&s));
			if (rnd(&s) % 2)	/* same data half the time */
				for (i = a; i < b; i++)
					if (owner[i] >= 0)
						fdata[k][i - a] =
						    fdata[owner[i]][i -
						    foff[owner[i]]];
			for (i = a; i < b; i++)
				if (owner[i] < 0 ||
				    model_new_wins(pols[pi], foff[owner[i]],
				    fend[owner[i]], a, b))
					owner[i] = (int)k;
			if (b == end)
				last = true;
			complete = last;
			for (i = 0; i < end && complete; i++)
				if (owner[i] < 0)
					complete = false;

			memset(&f, 0, sizeof(f));
			f.ipver = round % 2 ? 6 : 4;
			f.src = f.ipver == 4 ? A4_1 : A6_1;
			f.dst = f.ipver == 4 ? A4_2 : A6_2;
			f.id = round;
			f.proto = PROTO_EXP;
			f.off = a;
			f.more = b != end;
			f.data = fdata[k];
			f.len = b - a;
			r = send_frag(fx, &p, &f);
			if (!complete) {
				assert_int_equal(r, DECODE_HELD);
				continue;
			}
			assert_int_equal(r, DECODE_OK);
			for (i = 0; i < end; i++)
				want[i] = fdata[owner[i]][i - foff[owner[i]]];
			check_datagram(&p, f.ipver, want, end);
			done++;
		}
		if (!complete)
			decoder_tick(fx->dec, fx->now + 3600 * SEC);
		assert_int_equal(decoder_memuse(fx->dec), 0);
	}
	/* Most rounds complete; the point is that all of them agree. */
	assert_true(done > 1000);
}

/* ------------------------------------------------------------------ */
/* Completion rules and limits                                         */

static void
test_defrag_missing_first(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];
	uint32_t off;

	/* Everything but offset 0 arrives, twice over. */
	fill(data, sizeof(data), 9);
	for (off = 8; off < 64; off += 8)
		assert_int_equal(send_piece(fx, &p, 4, 5, data, 64, off, 8),
		    DECODE_HELD);
	for (off = 8; off < 64; off += 8)
		assert_int_equal(send_piece(fx, &p, 4, 5, data, 64, off, 8),
		    DECODE_HELD);
	assert_true(decoder_memuse(fx->dec) > 0);
	assert_int_equal(CTR(fx, CTR_DEFRAG_IPV4_REASSEMBLED), 0);
	/* Timeout frees it; the first fragment now starts afresh. */
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
	assert_int_equal(CTR(fx, CTR_DEFRAG_TIMEOUTS), 1);
	fx->now += 61 * SEC;
	assert_int_equal(send_piece(fx, &p, 4, 5, data, 64, 0, 8),
	    DECODE_HELD);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_timeout(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[32];

	fill(data, sizeof(data), 2);
	assert_int_equal(send_piece(fx, &p, 6, 1, data, 32, 0, 16),
	    DECODE_HELD);
	/* One microsecond short of 60 s: still there. */
	decoder_tick(fx->dec, fx->now + 60 * SEC - 1);
	assert_true(decoder_memuse(fx->dec) > 0);
	/* Time going backwards expires nothing. */
	decoder_tick(fx->dec, 5);
	assert_true(decoder_memuse(fx->dec) > 0);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
	assert_int_equal(CTR(fx, CTR_DEFRAG_TIMEOUTS), 1);

	/* Without a tick, a late fragment finds the tracker stale. */
	assert_int_equal(send_piece(fx, &p, 6, 2, data, 32, 0, 16),
	    DECODE_HELD);
	fx->now += 61 * SEC;
	assert_int_equal(send_piece(fx, &p, 6, 2, data, 32, 16, 16),
	    DECODE_HELD);
	assert_int_equal(CTR(fx, CTR_DEFRAG_TIMEOUTS), 2);
	/* Trickling fragments does not extend the deadline. */
	fx->now += 59 * SEC;
	assert_int_equal(send_piece(fx, &p, 6, 2, data, 32, 16, 16),
	    DECODE_HELD);
	decoder_tick(fx->dec, fx->now + 1 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_max_frags(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[8 * 300];
	unsigned int i, invalid = 0;
	uint64_t peak = 0;

	/* 256 fragments are held; the 257th drops the datagram. */
	fill(data, sizeof(data), 4);
	for (i = 1; i <= 256; i++)
		assert_int_equal(send_piece(fx, &p, 4, 3, data, sizeof(data),
		    8 * i, 8), DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 4, 3, data, sizeof(data),
	    8 * 257, 8), DECODE_INVALID);
	assert_true(has_anom(&p, EV_DEFRAG_MAX_FRAGS_REACHED));
	assert_true(p.flags & PKT_INVALID);
	assert_int_equal(decoder_memuse(fx->dec), 0);

	/* 8192 tiny fragments of one datagram stay bounded. */
	for (i = 0; i < 8192; i++) {
		if (send_piece(fx, &p, 4, 4, data, sizeof(data),
		    8 * (1 + i % 299), 8) == DECODE_INVALID)
			invalid++;
		if (decoder_memuse(fx->dec) > peak)
			peak = decoder_memuse(fx->dec);
	}
	assert_int_equal(invalid, 8192 / 257);
	assert_true(peak < 64 * 1024);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_max_trackers(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[16];
	uint32_t id;

	fx->cfg.defrag.max_trackers = 4;
	reconfigure(fx);
	fill(data, sizeof(data), 6);
	for (id = 1; id <= 4; id++)
		assert_int_equal(send_piece(fx, &p, 4, id, data, 16, 0, 8),
		    DECODE_HELD);
	assert_int_equal(CTR(fx, EV_DEFRAG_MAX_TRACKERS_REACHED), 0);
	/* The fifth evicts the oldest (id 1). */
	assert_int_equal(send_piece(fx, &p, 4, 5, data, 16, 0, 8),
	    DECODE_HELD);
	assert_true(has_anom(&p, EV_DEFRAG_MAX_TRACKERS_REACHED));
	assert_int_equal(CTR(fx, EV_DEFRAG_MAX_TRACKERS_REACHED), 1);
	/*
	 * id 1 lost its first half, and starting it again evicts id 2;
	 * ids 5 and 3 complete.
	 */
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 16, 8, 8),
	    DECODE_HELD);
	assert_int_equal(CTR(fx, EV_DEFRAG_MAX_TRACKERS_REACHED), 2);
	assert_int_equal(send_piece(fx, &p, 4, 5, data, 16, 8, 8),
	    DECODE_OK);
	check_datagram(&p, 4, data, 16);
	assert_int_equal(send_piece(fx, &p, 4, 3, data, 16, 8, 8),
	    DECODE_OK);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_memcap(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[1024];
	uint32_t id;

	/* Many never-completed datagrams under a 16 KiB memcap. */
	fx->cfg.defrag.memcap = 16 * 1024;
	reconfigure(fx);
	fill(data, sizeof(data), 8);
	for (id = 0; id < 1000; id++) {
		assert_int_equal(send_piece(fx, &p, id % 2 ? 6 : 4, id, data,
		    sizeof(data), 0, 512), DECODE_HELD);
		assert_true(decoder_memuse(fx->dec) <= 16 * 1024);
	}
	assert_true(CTR(fx, EV_DEFRAG_MEMCAP) > 0);
	/* The newest datagram is still there and completes. */
	assert_int_equal(send_piece(fx, &p, 6, 999, data, sizeof(data), 512,
	    512), DECODE_OK);
	check_datagram(&p, 6, data, sizeof(data));
	/* A fragment bigger than the whole memcap is dropped. */
	fx->cfg.defrag.memcap = 256;
	reconfigure(fx);
	assert_int_equal(send_piece(fx, &p, 4, 1, data, sizeof(data), 0, 512),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_DEFRAG_MEMCAP));
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_too_large(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];

	/* Offset 65528 + 8 bytes = 65536. */
	fill(data, sizeof(data), 1);
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 64, 0, 8),
	    DECODE_HELD);
	{
		struct frag f = {
			.ipver = 4, .src = A4_1, .dst = A4_2, .id = 1,
			.proto = PROTO_EXP, .off = 65528, .more = false,
			.data = data, .len = 8,
		};

		assert_int_equal(send_frag(fx, &p, &f), DECODE_INVALID);
		assert_true(has_anom(&p, EV_DEFRAG_PKT_TOO_LARGE));
		/* The tracker went with it. */
		assert_int_equal(decoder_memuse(fx->dec), 0);
		f.ipver = 6;
		f.src = A6_1;
		f.dst = A6_2;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_INVALID);
		assert_true(has_anom(&p, EV_DEFRAG_PKT_TOO_LARGE));
	}
	assert_int_equal(CTR(fx, EV_DEFRAG_PKT_TOO_LARGE), 2);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

/*
 * The largest datagram.  IPv4: 20-byte header + payload ending at
 * 65515 is a 65535-byte datagram; one byte more does not fit the total
 * length.  IPv6: the payload length is the limit, so 65535.
 */
static void
boundary(struct fx *fx, int ipver, uint32_t end, enum decode_result want)
{
	static uint8_t data[65536];
	struct packet p;
	enum decode_result r;

	fill(data, sizeof(data), end);
	assert_int_equal(send_piece(fx, &p, ipver, end, data, end, 0, 65512),
	    DECODE_HELD);
	r = send_piece(fx, &p, ipver, end, data, end, 65512, end - 65512);
	assert_int_equal(r, want);
	if (r == DECODE_OK)
		check_datagram(&p, ipver, data, end);
	else
		assert_true(has_anom(&p, EV_DEFRAG_PKT_TOO_LARGE));
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_boundary_65535(void **state)
{
	struct fx *fx = *state;

	boundary(fx, 4, 65514, DECODE_OK);
	boundary(fx, 4, 65515, DECODE_OK);
	boundary(fx, 4, 65516, DECODE_INVALID);
	boundary(fx, 6, 65534, DECODE_OK);
	boundary(fx, 6, 65535, DECODE_OK);
	boundary(fx, 6, 65536, DECODE_INVALID);
}

static void
test_defrag_id_reuse(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t d1[32], d2[32];

	/* Id 7 completes, then id 7 is used again for new data. */
	fill(d1, sizeof(d1), 11);
	fill(d2, sizeof(d2), 12);
	assert_int_equal(send_piece(fx, &p, 4, 7, d1, 32, 0, 16),
	    DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 4, 7, d1, 32, 16, 16),
	    DECODE_OK);
	check_datagram(&p, 4, d1, 32);
	assert_int_equal(decoder_memuse(fx->dec), 0);
	/* The new datagram's second half alone completes nothing. */
	assert_int_equal(send_piece(fx, &p, 4, 7, d2, 32, 16, 16),
	    DECODE_HELD);
	assert_int_equal(p.anom_cnt, 0);
	assert_int_equal(send_piece(fx, &p, 4, 7, d2, 32, 0, 16),
	    DECODE_OK);
	check_datagram(&p, 4, d2, 32);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_interleaved_keys(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t d1[48], d2[48];
	struct frag f;
	int v;

	fill(d1, sizeof(d1), 21);
	fill(d2, sizeof(d2), 22);
	for (v = 4; v <= 6; v += 2) {
		/* Same id and destination, different sources: no mixing. */
		memset(&f, 0, sizeof(f));
		f.ipver = v;
		f.dst = v == 4 ? A4_2 : A6_2;
		f.id = 42;
		f.proto = PROTO_EXP;

		f.src = v == 4 ? A4_1 : A6_1;
		f.off = 0, f.more = true, f.data = d1, f.len = 16;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
		f.src = v == 4 ? A4_9 : A6_9;
		f.data = d2;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
		f.off = 16, f.data = d2 + 16;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
		f.src = v == 4 ? A4_1 : A6_1;
		f.off = 32, f.more = false, f.data = d1 + 32;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
		f.off = 16, f.more = true, f.data = d1 + 16;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_OK);
		check_datagram(&p, v, d1, 48);
		assert_memory_equal(p.src, f.src, v == 4 ? 4 : 16);
		f.src = v == 4 ? A4_9 : A6_9;
		f.off = 32, f.more = false, f.data = d2 + 32;
		assert_int_equal(send_frag(fx, &p, &f), DECODE_OK);
		check_datagram(&p, v, d2, 48);
		assert_int_equal(CTR(fx, EV_DEFRAG_OVERLAP), 0);
	}

	/* IPv4: the protocol is part of the key too. */
	memset(&f, 0, sizeof(f));
	f.ipver = 4, f.src = A4_1, f.dst = A4_2, f.id = 43;
	f.proto = PROTO_EXP, f.off = 0, f.more = true, f.data = d1;
	f.len = 16;
	assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
	f.proto = 17, f.off = 16, f.more = false, f.data = d1 + 16;
	assert_int_equal(send_frag(fx, &p, &f), DECODE_HELD);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

/* Ethernet + 802.1Q VID + an IPv4 fragment. */
static enum decode_result
send_vlan_frag(struct fx *fx, struct packet *p, uint16_t vid,
    const struct frag *f)
{
	static const uint8_t hdr[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0x81, 0x00, 0x00, 0x00,
	};
	uint8_t *b = fx->b;
	size_t n;

	memcpy(b, hdr, sizeof(hdr));
	put16(b + 14, vid);
	b[16] = f->ipver == 4 ? 0x08 : 0x86;
	b[17] = f->ipver == 4 ? 0x00 : 0xdd;
	n = build_frag(b + 18, f);
	return decode_snap(fx, p, DLT_EN10MB, b, 18 + n, 18 + n);
}

static void
test_defrag_vlan_key_and_l2_kept(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t tcp[40];
	struct frag f;

	/*
	 * A TCP segment 80 -> 1234 (SYN|ACK, 20 bytes of payload) in two
	 * fragments on VLAN 10; a copy of the first on VLAN 20 must not
	 * join it.  The reassembled packet keeps MACs and VLAN, and is
	 * decoded into layer 4.
	 */
	memset(tcp, 0, sizeof(tcp));
	put16(tcp, 80);
	put16(tcp + 2, 1234);
	put32(tcp + 4, 555);
	tcp[12] = 0x50;
	tcp[13] = TH_SYN | TH_ACK;
	memcpy(tcp + 20, "HL7 MSH|^~\\&|SENDING", 20);
	memset(&f, 0, sizeof(f));
	f.ipver = 4, f.src = A4_1, f.dst = A4_2, f.id = 99, f.proto = 6;
	f.off = 0, f.more = true, f.data = tcp, f.len = 24;
	assert_int_equal(send_vlan_frag(fx, &p, 10, &f), DECODE_HELD);
	assert_true(p.flags & PKT_FRAGMENT);
	assert_int_equal(p.vlan[0], 10);
	f.off = 24, f.more = false, f.data = tcp + 24, f.len = 16;
	assert_int_equal(send_vlan_frag(fx, &p, 20, &f), DECODE_HELD);
	assert_int_equal(send_vlan_frag(fx, &p, 10, &f), DECODE_OK);
	assert_true(p.flags & PKT_REASSEMBLED);
	assert_true(p.flags & PKT_HAS_ETH);
	assert_int_equal(p.vlan_cnt, 1);
	assert_int_equal(p.vlan[0], 10);
	assert_int_equal(p.src_mac[0], 0x66);
	assert_int_equal(p.l3_off, 0);
	assert_int_equal(p.caplen, 60);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.sport, 80);
	assert_int_equal(p.dport, 1234);
	assert_int_equal(p.tcp_seq, 555);
	assert_int_equal(p.tcp_flags, TH_SYN | TH_ACK);
	assert_int_equal(p.payload_off, 40);
	assert_int_equal(p.payload_len, 20);
	assert_memory_equal(pkt_payload(&p), "HL7 MSH|^~\\&|SENDING", 20);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_inner_and_outer_tunnel(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t inner[28], outer[20 + 28];
	struct frag f;
	size_t n;

	/* An IPv4 UDP 5 -> 6 datagram (8 + 20 bytes). */
	memset(inner, 0, sizeof(inner));
	put16(inner, 5);
	put16(inner + 2, 6);
	put16(inner + 4, 28);
	memset(inner + 8, 'u', 20);

	/* Fragments of the inner datagram inside IP-in-IP packets. */
	memset(&f, 0, sizeof(f));
	f.ipver = 4, f.src = A4_1, f.dst = A4_2, f.id = 5, f.proto = 17;
	f.off = 0, f.more = true, f.data = inner, f.len = 16;
	n = build_frag(outer, &f);
	{
		struct frag o = {
			.ipver = 4, .src = A4_9, .dst = A4_2, .id = 1000,
			.proto = 4, .off = 0, .more = false, .data = outer,
			.len = n,
		};

		assert_int_equal(send_frag(fx, &p, &o), DECODE_HELD);
		assert_int_equal(p.tunnel_depth, 1);
		f.off = 16, f.more = false, f.data = inner + 16, f.len = 12;
		o.len = build_frag(outer, &f);
		o.id = 1001;
		assert_int_equal(send_frag(fx, &p, &o), DECODE_OK);
	}
	assert_true(p.flags & PKT_REASSEMBLED);
	assert_true(p.flags & PKT_TUNNELED);
	assert_int_equal(p.tunnel_depth, 1);
	assert_memory_equal(p.src, A4_1, 4);
	assert_int_equal(p.sport, 5);
	assert_int_equal(p.payload_len, 20);

	/* The outer packet fragmented, carrying a whole inner datagram. */
	f.off = 0, f.more = false, f.data = inner, f.len = 28;
	n = build_frag(outer, &f);
	{
		struct frag o = {
			.ipver = 4, .src = A4_9, .dst = A4_2, .id = 2000,
			.proto = 4, .off = 0, .more = true, .data = outer,
			.len = 24,
		};

		assert_int_equal(send_frag(fx, &p, &o), DECODE_HELD);
		assert_int_equal(p.tunnel_depth, 0);
		o.off = 24, o.more = false, o.data = outer + 24;
		o.len = n - 24;
		assert_int_equal(send_frag(fx, &p, &o), DECODE_OK);
	}
	assert_true(p.flags & PKT_REASSEMBLED);
	assert_int_equal(p.tunnel_depth, 1);
	assert_memory_equal(p.src, A4_1, 4);
	assert_int_equal(p.l3_off, 20);
	assert_int_equal(p.sport, 5);
	assert_int_equal(p.payload_len, 20);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_zero_length_last(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[16];

	/* The last fragment carries no data; it only fixes the end. */
	fill(data, sizeof(data), 31);
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 32, 0, 16),
	    DECODE_HELD);
	{
		struct frag f = {
			.ipver = 4, .src = A4_1, .dst = A4_2, .id = 1,
			.proto = PROTO_EXP, .off = 16, .more = false,
			.data = data, .len = 0,
		};

		assert_int_equal(send_frag(fx, &p, &f), DECODE_OK);
	}
	check_datagram(&p, 4, data, 16);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_end_mismatch(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];

	fill(data, sizeof(data), 41);
	/* Two last fragments that disagree on the end. */
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 32, 16, 16),
	    DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 48, 32, 16),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_DEFRAG_END_MISMATCH));
	assert_int_equal(decoder_memuse(fx->dec), 0);
	/* A fragment beyond the known end. */
	assert_int_equal(send_piece(fx, &p, 6, 2, data, 32, 16, 16),
	    DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 6, 2, data, 64, 32, 16),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_DEFRAG_END_MISMATCH));
	/* A last fragment ending before data already held. */
	assert_int_equal(send_piece(fx, &p, 4, 3, data, 64, 32, 16),
	    DECODE_HELD);
	assert_int_equal(send_piece(fx, &p, 4, 3, data, 24, 16, 8),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_DEFRAG_END_MISMATCH));
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_invalid_length(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];

	/* A fragment with more to come must carry 8n bytes. */
	fill(data, sizeof(data), 51);
	assert_int_equal(send_piece(fx, &p, 4, 1, data, 64, 0, 12),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV4_FRAG_INVALID_LENGTH));
	assert_int_equal(send_piece(fx, &p, 6, 1, data, 64, 0, 12),
	    DECODE_INVALID);
	assert_true(has_anom(&p, EV_IPV6_FRAG_INVALID_LENGTH));
	/* The last one may end anywhere. */
	assert_int_equal(send_piece(fx, &p, 6, 1, data, 61, 48, 13),
	    DECODE_HELD);
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_truncated_fragment(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];
	size_t n;
	int v;

	/* A fragment cut by the snaplen cannot be reassembled. */
	fill(data, sizeof(data), 61);
	for (v = 4; v <= 6; v += 2) {
		struct frag f = {
			.ipver = v, .src = v == 4 ? A4_1 : A6_1,
			.dst = v == 4 ? A4_2 : A6_2, .id = 1,
			.proto = PROTO_EXP, .off = 0, .more = true,
			.data = data, .len = 64,
		};

		n = build_frag(fx->b, &f);
		assert_int_equal(decode_snap(fx, &p, DLT_RAW, fx->b, n - 10,
		    n), DECODE_INVALID);
		assert_true(has_anom(&p, EV_DEFRAG_TRUNCATED));
		assert_true(p.flags & PKT_FRAGMENT);
	}
	assert_int_equal(decoder_memuse(fx->dec), 0);
}

static void
test_defrag_every_truncation(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t data[64];
	size_t n, len;
	enum decode_result r;
	int v;

	/* Every cut of a fragment: held or invalid, never more. */
	fill(data, sizeof(data), 71);
	for (v = 4; v <= 6; v += 2) {
		struct frag f = {
			.ipver = v, .src = v == 4 ? A4_1 : A6_1,
			.dst = v == 4 ? A4_2 : A6_2, .id = 1,
			.proto = PROTO_EXP, .off = 8, .more = true,
			.data = data, .len = 32,
		};

		n = build_frag(fx->b, &f);
		for (len = 1; len < n; len++) {
			r = decode_snap(fx, &p, DLT_RAW, fx->b, len, n);
			assert_int_equal(r, DECODE_INVALID);
			assert_true(p.flags & PKT_INVALID);
			r = decode_snap(fx, &p, DLT_RAW, fx->b, len, len);
			assert_true(r == DECODE_INVALID || r == DECODE_HELD);
		}
	}
	decoder_tick(fx->dec, fx->now + 60 * SEC);
	assert_int_equal(decoder_memuse(fx->dec), 0);
}


/* RFC 1071 over 16-bit big-endian words (a reference, not the fast one). */
static uint16_t
ref_csum(uint32_t sum, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n % 2)
		sum += (uint32_t)b[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Checksums across reassembly: each fragment's IPv4 header is checked
 * on its own (a bad one is never reassembled), the UDP checksum over
 * the whole datagram once it is complete.
 */
static void
test_defrag_csum(void **state)
{
	struct fx *fx = *state;
	struct packet p;
	uint8_t dgram[8 + 64], ph[12];
	struct frag f = {
		.ipver = 4, .src = A4_1, .dst = A4_2, .id = 77, .proto = 17,
	};
	size_t n;
	int pass;

	fx->cfg.checksum = DECODE_CSUM_YES;
	reconfigure(fx);
	for (pass = 0; pass < 3; pass++) {
		fill(dgram + 8, 64, 5);
		put16(dgram, 1000);
		put16(dgram + 2, 2000);
		put16(dgram + 4, sizeof(dgram));
		put16(dgram + 6, 0);
		memcpy(ph, A4_1, 4);
		memcpy(ph + 4, A4_2, 4);
		ph[8] = 0;
		ph[9] = 17;
		put16(ph + 10, sizeof(dgram));
		{
			uint32_t sum = 0;
			size_t i;

			for (i = 0; i < 12; i += 2)
				sum += (uint32_t)ph[i] << 8 | ph[i + 1];
			put16(dgram + 6, ref_csum(sum, dgram, sizeof(dgram)));
		}
		if (pass == 1)
			dgram[20] ^= 0x40;	/* UDP checksum now wrong */
		f.id = 77 + (uint32_t)pass;
		f.off = 0;
		f.more = true;
		f.data = dgram;
		f.len = 40;
		n = build_frag(fx->b, &f);
		put16(fx->b + 10, ref_csum(0, fx->b, 20));
		assert_int_equal(decode(fx, &p, fx->b, n), DECODE_HELD);
		f.off = 40;
		f.more = false;
		f.data = dgram + 40;
		f.len = sizeof(dgram) - 40;
		n = build_frag(fx->b, &f);
		put16(fx->b + 10, ref_csum(0, fx->b, 20));
		if (pass == 2)
			fx->b[8]--;		/* header checksum wrong */
		if (pass == 2) {
			assert_int_equal(decode(fx, &p, fx->b, n),
			    DECODE_INVALID);
			assert_true(has_anom(&p, EV_IPV4_INVALID_CSUM));
			assert_true(p.flags & PKT_BAD_CSUM);
			continue;
		}
		assert_int_equal(decode(fx, &p, fx->b, n), DECODE_OK);
		assert_true(p.flags & PKT_REASSEMBLED);
		assert_int_equal(p.payload_len, 64);
		if (pass == 0) {
			assert_false(p.flags & PKT_BAD_CSUM);
			assert_int_equal(p.anom_cnt, 0);
		} else {
			assert_true(p.flags & PKT_BAD_CSUM);
			assert_true(has_anom(&p, EV_UDP_INVALID_CSUM));
			assert_false(has_anom(&p, EV_IPV4_INVALID_CSUM));
		}
	}
	assert_int_equal(CTR(fx, EV_IPV4_INVALID_CSUM), 1);
	assert_int_equal(CTR(fx, EV_UDP_INVALID_CSUM), 1);
	assert_int_equal(CTR(fx, CTR_DEFRAG_IPV4_REASSEMBLED), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_defrag_ipv4_orders),
		T(test_defrag_csum),
		T(test_defrag_ipv6_orders),
		T(test_defrag_every_split),
		T(test_defrag_overlap_same_start),
		T(test_defrag_overlap_new_starts_before),
		T(test_defrag_overlap_new_contains_old),
		T(test_defrag_overlap_new_starts_after),
		T(test_defrag_overlap_same_data),
		T(test_defrag_overlap_final_hole),
		T(test_defrag_random_vs_model),
		T(test_defrag_missing_first),
		T(test_defrag_timeout),
		T(test_defrag_max_frags),
		T(test_defrag_max_trackers),
		T(test_defrag_memcap),
		T(test_defrag_too_large),
		T(test_defrag_boundary_65535),
		T(test_defrag_id_reuse),
		T(test_defrag_interleaved_keys),
		T(test_defrag_vlan_key_and_l2_kept),
		T(test_defrag_inner_and_outer_tunnel),
		T(test_defrag_zero_length_last),
		T(test_defrag_end_mismatch),
		T(test_defrag_invalid_length),
		T(test_defrag_truncated_fragment),
		T(test_defrag_every_truncation),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
