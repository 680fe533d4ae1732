/*
 * test-dpi-lines.c - app/dpi.c's ndpi_parse_packet_line_info() and
 * NDPI_BITMASK_COMPARE() against nDPI 4.2's own.  From the same packet
 * and flow state, on crafted and random payloads (with and without CR
 * LF, short, absent, already parsed), both parsers must leave the
 * packet structure and the flow structure byte for byte the same; both
 * compares must give the same answer for every pair of masks tried;
 * both dissector dispatches (ndpi_check_flow_func()) must call the same
 * dissectors in the same order and leave the same flow.
 *
 * This test includes nDPI's headers with its module layout, as dpi.c
 * does (app/dpi-ndpi.h), to set up the packet the parser reads.  nDPI's
 * own functions are found past the test's with dlsym(RTLD_NEXT); that
 * the dissectors reach dpi.c's copies is test-dpi's test_dpi_lines_fast.
 */
#include <config.h>

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/dpi-ndpi.h"
#include "app/dpi.h"

#if NDPI_MAJOR == 4 && NDPI_MINOR == 2

#define LINES_PAY_MAX	1600
#define LINES_TRIALS	20000

typedef void (*lines_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *);

static uint32_t
rng(uint32_t *x)
{
	/* xorshift32 (Marsaglia 2003): repeatable, never 0. */
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Two UDP packets through a dpi engine, so dpi.c has seen nDPI's
 * packet where the headers put it and takes the fast path from then
 * on.  IPv4 (RFC 791) 10.0.0.1:40000 -> 10.0.0.2:9, payload "xyz".
 */
static void
lines_enable(void)
{
	static const uint8_t pkt[] = {
		0x45, 0, 0, 31, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0, 9, 0, 11, 0, 0, 'x', 'y', 'z',
	};
	struct dpi_engine *eng;
	struct dpi_flow *f;
	char err[128] = "";

	eng = dpi_engine_new(NULL, err, sizeof(err));
	assert_non_null(eng);
	assert_non_null(f = dpi_flow_new(eng));
	(void)dpi_packet(eng, f, pkt, sizeof(pkt), 1700000000000000ull, 0);
	(void)dpi_packet(eng, f, pkt, sizeof(pkt), 1700000000001000ull, 0);
	dpi_flow_free(f);
	dpi_engine_free(eng);
}

/* payload: bytes drawn mostly from CR, LF and a letter. */
static size_t
lines_payload(uint8_t *pay, uint32_t *x)
{
	static const uint8_t alpha[] = { '\r', '\n', 'a', ' ', ':' };
	size_t len, i;
	uint32_t r = rng(x);

	if (r % 8 == 0)
		len = LINES_PAY_MAX;
	else if (r % 8 == 1)
		len = 200 + rng(x) % 1000;
	else
		len = rng(x) % 40;
	/* Sparse CRs in some payloads, dense in others, none in a few. */
	r = rng(x) % 4;
	for (i = 0; i < len; i++) {
		uint32_t v = rng(x);

		if (r == 0)
			pay[i] = alpha[v % sizeof(alpha)];
		else if (r == 1 && v % 97 == 0)
			pay[i] = v % 2 ? '\r' : '\n';
		else
			pay[i] = (uint8_t)(v >> 8);
		if (r == 3 && pay[i] == '\r')
			pay[i] = 'r';
	}
	return len;
}

/*
 * Same state in, same state out, on LINES_TRIALS payloads: the packet
 * structure starts as random bytes (line fields, counters, the parsed
 * flag), the flow as zeros.
 */
static void
test_lines_same_state(void **state)
{
	struct ndpi_detection_module_struct *m;
	struct ndpi_packet_struct pk0, pk_real;
	struct ndpi_flow_struct *fl, *fl_real;
	size_t flsz = ndpi_detection_get_sizeof_ndpi_flow_struct();
	static uint8_t pay[LINES_PAY_MAX + 1];
	uint32_t x = 0x2545f491u;
	lines_fn real;
	void *sym;
	size_t len, k;
	uint64_t fast0;
	int n, eligible = 0;

	(void)state;
	lines_enable();
	fast0 = dpi_lines_fast_pending();
	sym = dlsym(RTLD_NEXT, "ndpi_parse_packet_line_info");
	assert_non_null(sym);
	memcpy(&real, &sym, sizeof(real));
	/* nDPI's own, not dpi.c's copy again. */
	assert_true(real != ndpi_parse_packet_line_info);

	assert_non_null(m = ndpi_init_detection_module(ndpi_no_prefs));
	assert_non_null(fl = calloc(1, flsz));
	assert_non_null(fl_real = calloc(1, flsz));
	for (n = 0; n < LINES_TRIALS; n++) {
		len = lines_payload(pay, &x);
		for (k = 0; k < sizeof(pk0); k++)
			((uint8_t *)&pk0)[k] = (uint8_t)rng(&x);
		pk0.payload = rng(&x) % 50 == 0 ? NULL : pay;
		pk0.payload_packet_len = (uint16_t)len;
		pk0.packet_lines_parsed_complete = rng(&x) % 4 == 0;
		if (pk0.payload != NULL && len >= 3 &&
		    !pk0.packet_lines_parsed_complete &&
		    memmem(pay, len, "\r\n", 2) == NULL)
			eligible++;

		memcpy(&m->packet, &pk0, sizeof(pk0));
		memset(fl_real, 0, flsz);
		real(m, fl_real);
		memcpy(&pk_real, &m->packet, sizeof(pk_real));

		memcpy(&m->packet, &pk0, sizeof(pk0));
		memset(fl, 0, flsz);
		ndpi_parse_packet_line_info(m, fl);
		if (memcmp(&m->packet, &pk_real, sizeof(pk_real)) != 0 ||
		    memcmp(fl, fl_real, flsz) != 0)
			fail_msg("trial %d: len %zu differs", n, len);
	}
	/* The copy's own answer was compared, on every payload it takes,
	 * not nDPI's against itself. */
	assert_true(eligible > 1000);
	assert_int_equal(dpi_lines_fast_pending() - fast0, eligible);
	free(fl_real);
	free(fl);
	ndpi_exit_detection_module(m);
}

typedef int (*cmp_fn)(NDPI_PROTOCOL_BITMASK, NDPI_PROTOCOL_BITMASK);

/* A mask of none, all, or a few set bits (nDPI ids) at random. */
static void
mask_random(NDPI_PROTOCOL_BITMASK *m, uint32_t *x)
{
	uint32_t r = rng(x) % 8, n;

	NDPI_BITMASK_RESET(*m);
	if (r == 0)
		return;
	if (r == 1) {
		NDPI_BITMASK_SET_ALL(*m);
		return;
	}
	for (n = rng(x) % 6 + 1; n > 0; n--)
		NDPI_ADD_PROTOCOL_TO_BITMASK(*m, rng(x) % NDPI_NUM_BITS);
}

/* dpi.c's NDPI_BITMASK_COMPARE() answers as nDPI's: 1 iff they meet. */
static void
test_bitmask_compare_same(void **state)
{
	NDPI_PROTOCOL_BITMASK a, b;
	uint32_t x = 0x9e3779b9u;
	cmp_fn real;
	void *sym;
	int n, i, want;

	(void)state;
	sym = dlsym(RTLD_NEXT, "NDPI_BITMASK_COMPARE");
	assert_non_null(sym);
	memcpy(&real, &sym, sizeof(real));
	assert_true(real != NDPI_BITMASK_COMPARE);

	/* Every single bit against itself and its neighbour. */
	for (i = 0; i < NDPI_NUM_BITS; i++) {
		NDPI_BITMASK_RESET(a);
		NDPI_BITMASK_RESET(b);
		NDPI_ADD_PROTOCOL_TO_BITMASK(a, i);
		NDPI_ADD_PROTOCOL_TO_BITMASK(b, i);
		assert_int_equal(NDPI_BITMASK_COMPARE(a, b), 1);
		NDPI_BITMASK_RESET(b);
		NDPI_ADD_PROTOCOL_TO_BITMASK(b, (i + 1) % NDPI_NUM_BITS);
		assert_int_equal(NDPI_BITMASK_COMPARE(a, b), 0);
		assert_int_equal(real(a, b), 0);
	}
	for (n = 0; n < LINES_TRIALS; n++) {
		mask_random(&a, &x);
		mask_random(&b, &x);
		if (rng(&x) % 4 == 0)
			b = a;
		want = real(a, b);
		if (NDPI_BITMASK_COMPARE(a, b) != want)
			fail_msg("trial %d: %d wanted", n, want);
	}
}

/*
 * The dispatch test: every dissector of a real module is replaced by
 * one of DISP_NSTUBS stubs (chosen by the dissector's address, so some
 * dissectors share one, as 4.2's TLS and DTLS share a function), which
 * logs its call and then does what a script says: nothing, label the
 * flow (first or second slot of the stack) or exclude a protocol.
 */
#define DISP_NSTUBS	16
#define DISP_LOG_MAX	4096
#define DISP_TRIALS	20000

typedef void (*disp_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *);
typedef u_int32_t (*flowfunc_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *, NDPI_SELECTION_BITMASK_PROTOCOL_SIZE *);

static struct {
	uint32_t	 script;	/* seed of the stubs' actions */
	size_t		 n;
	uint16_t	 log[DISP_LOG_MAX];
} disp;

static void
disp_call(unsigned stub, struct ndpi_flow_struct *fl)
{
	uint32_t x = disp.script + (uint32_t)disp.n * 2654435761u;
	uint32_t r;

	if (x == 0)
		x = 1;
	r = rng(&x);
	if (disp.n < DISP_LOG_MAX)
		disp.log[disp.n] = (uint16_t)stub;
	disp.n++;
	switch (r % 10) {
	case 0:
		fl->detected_protocol_stack[0] = (uint16_t)(rng(&x) %
		    NDPI_MAX_SUPPORTED_PROTOCOLS);
		break;
	case 1:
		fl->detected_protocol_stack[1] = (uint16_t)(rng(&x) %
		    NDPI_MAX_SUPPORTED_PROTOCOLS);
		break;
	case 2:
	case 3:
		NDPI_ADD_PROTOCOL_TO_BITMASK(fl->excluded_protocol_bitmask,
		    rng(&x) % NDPI_MAX_SUPPORTED_PROTOCOLS);
		break;
	case 4:
		/* As IMAP and POP do; HTTP, SSH and STUN set others. */
		fl->guessed_protocol_id = rng(&x) % 2 ? 0 :
		    (uint16_t)(rng(&x) % NDPI_MAX_SUPPORTED_PROTOCOLS);
		break;
	default:
		break;
	}
}

#define DISP_STUB(n)							\
static void								\
disp_stub##n(struct ndpi_detection_module_struct *m,			\
    struct ndpi_flow_struct *fl)					\
{									\
	(void)m;							\
	disp_call(n, fl);						\
}
DISP_STUB(0) DISP_STUB(1) DISP_STUB(2) DISP_STUB(3)
DISP_STUB(4) DISP_STUB(5) DISP_STUB(6) DISP_STUB(7)
DISP_STUB(8) DISP_STUB(9) DISP_STUB(10) DISP_STUB(11)
DISP_STUB(12) DISP_STUB(13) DISP_STUB(14) DISP_STUB(15)

static const disp_fn disp_stubs[DISP_NSTUBS] = {
	disp_stub0, disp_stub1, disp_stub2, disp_stub3,
	disp_stub4, disp_stub5, disp_stub6, disp_stub7,
	disp_stub8, disp_stub9, disp_stub10, disp_stub11,
	disp_stub12, disp_stub13, disp_stub14, disp_stub15,
};

static disp_fn
disp_stub_for(disp_fn f)
{
	uintptr_t v;

	if (f == NULL)
		return NULL;
	memcpy(&v, &f, sizeof(v));
	return disp_stubs[(v >> 4) % DISP_NSTUBS];
}

static void
disp_stub_buffer(struct ndpi_call_function_struct *cb, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cb[i].func = disp_stub_for(cb[i].func);
}

/* A guessed protocol or label: unknown, one with a dissector, one with
 * sub-protocols, or any id. */
static uint16_t
disp_pick(const struct ndpi_detection_module_struct *m, uint32_t *x)
{
	uint32_t r = rng(x) % 4;
	uint16_t id;
	int tries;

	if (r == 0)
		return NDPI_PROTOCOL_UNKNOWN;
	for (tries = 0; tries < 64; tries++) {
		id = (uint16_t)(rng(x) % NDPI_MAX_SUPPORTED_PROTOCOLS);
		if (r == 3 || (r == 1 && m->proto_defaults[id].func != NULL) ||
		    (r == 2 && m->proto_defaults[id].subprotocol_count > 0))
			return id;
	}
	return id;
}

/*
 * dpi.c's ndpi_check_flow_func() against 4.2's own, from the same flow
 * and packet: the same stubs called in the same order, the same count,
 * the same flow after.
 */
static void
test_dispatch_same_calls(void **state)
{
	NDPI_PROTOCOL_BITMASK all;
	struct ndpi_detection_module_struct *m;
	struct ndpi_flow_struct *fl0, *fl, *fl_real;
	size_t flsz = ndpi_detection_get_sizeof_ndpi_flow_struct();
	static uint16_t log_real[DISP_LOG_MAX];
	struct ndpi_tcphdr tcp;
	struct ndpi_udphdr udp;
	NDPI_SELECTION_BITMASK_PROTOCOL_SIZE sel, sel_real, sel_copy;
	uint32_t x = 0x7f4a7c15u, kind;
	u_int32_t n, n_real;
	int one;
	size_t i, nlog_real, called = 0, stopped = 0;
	flowfunc_fn real;
	void *sym;
	int t;

	(void)state;
	lines_enable();
	assert_true(dpi_lines_live());
	sym = dlsym(RTLD_NEXT, "ndpi_check_flow_func");
	assert_non_null(sym);
	memcpy(&real, &sym, sizeof(real));
	assert_true(real != ndpi_check_flow_func);

	assert_non_null(m = ndpi_init_detection_module(ndpi_no_prefs));
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(m, &all);
	ndpi_finalize_initialization(m);
	disp_stub_buffer(m->callback_buffer, NDPI_MAX_SUPPORTED_PROTOCOLS + 1);
	disp_stub_buffer(m->callback_buffer_tcp_payload,
	    m->callback_buffer_size_tcp_payload);
	disp_stub_buffer(m->callback_buffer_tcp_no_payload,
	    m->callback_buffer_size_tcp_no_payload);
	disp_stub_buffer(m->callback_buffer_udp, m->callback_buffer_size_udp);
	disp_stub_buffer(m->callback_buffer_non_tcp_udp,
	    m->callback_buffer_size_non_tcp_udp);
	for (i = 0; i < NDPI_MAX_SUPPORTED_PROTOCOLS; i++)
		m->proto_defaults[i].func =
		    disp_stub_for(m->proto_defaults[i].func);

	memset(&tcp, 0, sizeof(tcp));
	memset(&udp, 0, sizeof(udp));
	assert_non_null(fl0 = calloc(1, flsz));
	assert_non_null(fl = calloc(1, flsz));
	assert_non_null(fl_real = calloc(1, flsz));
	for (t = 0; t < DISP_TRIALS; t++) {
		memset(fl0, 0, flsz);
		fl0->guessed_protocol_id = disp_pick(m, &x);
		if (rng(&x) % 3 == 0)
			fl0->detected_protocol_stack[0] = disp_pick(m, &x);
		if (rng(&x) % 4 == 0)
			fl0->detected_protocol_stack[1] = disp_pick(m, &x);
		mask_random(&fl0->excluded_protocol_bitmask, &x);
		if (rng(&x) % 2)
			NDPI_BITMASK_RESET(fl0->excluded_protocol_bitmask);

		/* The packet's kind, and its selection bits as 4.2's
		 * ndpi_detection_process_packet() builds them. */
		kind = rng(&x) % 5;
		m->packet.tcp = kind <= 1 ? &tcp : NULL;
		m->packet.udp = kind == 2 ? &udp : NULL;
		m->packet.payload_packet_len = kind == 1 ? 0 :
		    (uint16_t)(1 + rng(&x) % 1400);
		sel = NDPI_SELECTION_BITMASK_PROTOCOL_COMPLETE_TRAFFIC |
		    NDPI_SELECTION_BITMASK_PROTOCOL_IPV4_OR_IPV6;
		sel |= rng(&x) % 4 == 0 ? NDPI_SELECTION_BITMASK_PROTOCOL_IPV6 :
		    NDPI_SELECTION_BITMASK_PROTOCOL_IP;
		if (kind <= 1)
			sel |= NDPI_SELECTION_BITMASK_PROTOCOL_INT_TCP |
			    NDPI_SELECTION_BITMASK_PROTOCOL_INT_TCP_OR_UDP;
		if (kind == 2)
			sel |= NDPI_SELECTION_BITMASK_PROTOCOL_INT_UDP |
			    NDPI_SELECTION_BITMASK_PROTOCOL_INT_TCP_OR_UDP;
		if (m->packet.payload_packet_len != 0)
			sel |= NDPI_SELECTION_BITMASK_PROTOCOL_HAS_PAYLOAD;
		if (rng(&x) % 8 != 0)
			sel |= NDPI_SELECTION_BITMASK_PROTOCOL_NO_TCP_RETRANSMISSION;
		if (kind == 4)
			sel = rng(&x);
		disp.script = rng(&x);

		memcpy(fl_real, fl0, flsz);
		disp.n = 0;
		sel_real = sel;
		n_real = real(m, fl_real, &sel_real);
		nlog_real = disp.n;
		memcpy(log_real, disp.log, sizeof(log_real));

		/* The copy both ways: all 512 exclusion bits, and one
		 * bit a dissector as an engine's module that passed the
		 * check is dispatched. */
		for (one = 0; one < 2; one++) {
			(void)dpi_dispatch_single_test(one != 0);
			memcpy(fl, fl0, flsz);
			sel_copy = sel;
			disp.n = 0;
			n = ndpi_check_flow_func(m, fl, &sel_copy);
			if (n != n_real || disp.n != nlog_real ||
			    memcmp(disp.log, log_real,
			    (nlog_real < DISP_LOG_MAX ? nlog_real :
			    DISP_LOG_MAX) * sizeof(log_real[0])) != 0 ||
			    memcmp(fl, fl_real, flsz) != 0 ||
			    sel_copy != sel_real)
				fail_msg("trial %d (%s): %u calls, %zu logged;"
				    " 4.2: %u, %zu", t, one ? "one bit" :
				    "all bits", n, disp.n, n_real, nlog_real);
		}
		(void)dpi_dispatch_single_test(false);
		called += nlog_real > 0;
		stopped += fl_real->detected_protocol_stack[0] !=
		    fl0->detected_protocol_stack[0];
	}
	/* The trials reached the dissectors and their early stops, and
	 * the one-bit way was taken. */
	assert_true(dpi_dispatch_single_test(false) >= DISP_TRIALS);
	assert_true(called > DISP_TRIALS / 4);
	assert_true(stopped > DISP_TRIALS / 20);
	free(fl_real);
	free(fl);
	free(fl0);
	ndpi_exit_detection_module(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_same_state),
		cmocka_unit_test(test_bitmask_compare_same),
		cmocka_unit_test(test_dispatch_same_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int
main(void)
{
	/* Only 4.2 has dpi.c's copies. */
	printf("1..0 # SKIP only nDPI 4.2\n");
	return 0;
}

#endif
