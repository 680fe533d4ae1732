/*
 * dpi.c - the adapter to nDPI: version shim, per-flow lifecycle and the
 * mapping of nDPI's protocol names to ours.
 *
 * This is the only file that includes nDPI's headers.  It is written for
 * nDPI 4.2, the version Debian 12 ships, and keeps the calls that
 * changed in 4.8 (global context, packet input info, giveup without the
 * guess flag) behind DPI_NDPI_GLOBAL_CONTEXT (nDPI >= 4.8, from nDPI's
 * version macros).
 *
 * Debian's 4.2 package has had no security update since 2022, while
 * upstream has since fixed out-of-bounds reads, overflows and endless
 * loops in its dissectors, mostly without CVEs.  So this file limits
 * what nDPI sees:
 * - only the configured protocols are enabled (bitmask), so the
 *   dissectors with known post-4.2 fixes we do not need stay off;
 * - at most max_packets packets of a flow reach nDPI, then we give up
 *   and free nDPI's per-flow state (688 bytes plus what the dissectors
 *   allocated), keeping only the answer; TCP segments without payload
 *   of a flow nDPI has not labelled count but are not handed over
 *   (shim_bare_counted());
 * - nDPI is never handed more bytes than were captured: the length we
 *   pass is the smaller of the caller's length and the IP header's;
 * - nDPI reads a copy of the packet, in an aligned buffer followed by
 *   DPI_SCRATCH_SLACK zero bytes, so a small over-read in an unpatched
 *   dissector reads zeros instead of faulting or reading the next
 *   packet in the capture buffer;
 * - a flow feeds nDPI at most DPI_MAX_FLOW_BYTES bytes in all, which
 *   keeps every 16-bit length or offset inside a dissector (the DNS
 *   loop of nDPI commit 388d01a34, the TLS server-names wrap of
 *   6e0cd1622) far from wrapping.
 *
 * We never let nDPI guess from ports (giveup without guessing): the
 * answer describes content, and port-based labels are the app layer's
 * business.
 *
 * Five of 4.2's exported functions are defined here as well, and take
 * the library's own calls to them (through its PLT): its line parser,
 * which on payload without CR LF answers without walking the bytes,
 * NDPI_BITMASK_COMPARE(), without a branch per word, the dissector
 * dispatch ndpi_check_flow_func(), without copying bitmasks, and two
 * look-ups whose answers the engine keeps (the address tree's and the
 * DGA check's).  Each leaves exactly what 4.2's leaves (test-dpi-lines,
 * test-dpi); see their comments.  So the sensor links nDPI as a shared
 * library only (libndpi.a defines them again), and a libndpi linked
 * -Bsymbolic-functions (Ubuntu's default) keeps its own calls: slower,
 * never wrong.
 */
#include <config.h>

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/dpi-ndpi.h"

#include "app/dpi.h"
#include "util/bytes.h"
#include "util/util.h"

/*
 * configure's HAVE_NDPI_GLOBAL_CONTEXT probe also passes on 4.2 (gcc 12
 * only warns about the pointer-to-integer argument), so the headers'
 * own version decides which API we call.
 */
#if defined(NDPI_MAJOR) && (NDPI_MAJOR > 4 || \
    (NDPI_MAJOR == 4 && NDPI_MINOR >= 8))
#define DPI_NDPI_GLOBAL_CONTEXT	1
#endif

/* Exactly 4.2: our ndpi_parse_packet_line_info() copies 4.2's. */
#if defined(NDPI_MAJOR) && NDPI_MAJOR == 4 && NDPI_MINOR == 2
#define DPI_NDPI_LINES_4_2	1
_Static_assert(sizeof(((NDPI_PROTOCOL_BITMASK *)0)->fds_bits) % 8 == 0,
    "nDPI's protocol bitmask is whole 64-bit words");
#endif

/* One nDPI protocol name; 4.2's longest is 20 bytes. */
#define DPI_NAME_MAX		32
#define DPI_NDPI_NAME_MAX	(2 * DPI_NAME_MAX)	/* "master.app" */
#define DPI_IPV4_HDR_MIN	20
#define DPI_IPV6_HDR_LEN	40
#define DPI_MAX_IP_LEN		65535	/* nDPI's length is a u_short */
#define DPI_IPPROTO_TCP		6
#define DPI_TCP_HDR_MIN		20
#define DPI_TH_SYN		0x02
#define DPI_TH_RST		0x04
#define DPI_TH_ACK		0x10

/*
 * Zero bytes after each packet copy.  nDPI 4.2's DHCP dissector overlays
 * a 548-byte struct on the payload (commit 3161c8a3d fixed a read past
 * it); 2 KiB covers that and other fixed-size overlays.
 */
#define DPI_SCRATCH_SLACK	2048

/*
 * Bytes of IP packets one flow may feed nDPI.  Classification needs the
 * first exchanges only (a TLS ClientHello and the server's certificate
 * chain fit easily), and 32 KiB is half of what any 16-bit counter in a
 * dissector can hold.
 */
#define DPI_MAX_FLOW_BYTES	(32u << 10)

/*
 * Protocols for a medical-device segment: infrastructure (DNS, DHCP, NTP,
 * directory and file services), clear-text and remote-access protocols a
 * policy must see (Telnet, FTP, VNC, RDP, TeamViewer, AnyDesk), IoT and
 * building or plant protocols found next to devices (MQTT, CoAP, Modbus,
 * DNP3, IEC 104, EtherNet/IP), voice and video (SIP, RTP, RTSP) and
 * tunnels that hide traffic from us (OpenVPN, WireGuard, Tor, IPsec).
 * BACnet is not in nDPI 4.2.  IRC, PPStream and BitTorrent are left out
 * on purpose: nothing here needs them, and 4.2 still has the code that
 * upstream later fixed for heap overflows in them (nDPI commits
 * 6149c0f88, 5a5e01a9e, f95bdaf62).
 */
const char *const dpi_default_protocols[] = {
	"DNS", "MDNS", "LLMNR", "NetBIOS", "DHCP", "DHCPV6", "NTP",
	"HTTP", "TLS", "DTLS", "QUIC", "WebSocket",
	"SSH", "Telnet", "FTP_CONTROL", "TFTP",
	"SMBv1", "SMBv23", "DCE_RPC", "NFS",
	"RDP", "VNC", "TeamViewer", "AnyDesk",
	"SNMP", "Syslog", "SSDP",
	"LDAP", "Kerberos", "Radius",
	"SMTP", "IMAP", "POP3",
	"PostgreSQL", "MySQL", "MsSQL-TDS",
	"MQTT", "COAP", "Modbus", "DNP3", "IEC60870", "EthernetIP",
	"SIP", "RTP", "RTSP", "STUN",
	"OpenVPN", "WireGuard", "IPsec", "Tor",
};
const size_t dpi_n_default_protocols =
    sizeof(dpi_default_protocols) / sizeof(dpi_default_protocols[0]);

/*
 * nDPI name to Suricata's app_proto name, for the protocols Suricata
 * parses (its app-layer-protos.c), so EVE records from both agree.
 * Names not listed are reported as nDPI's name in lower case.  The TLS
 * flavours of mail protocols are "tls" on the wire, as in Suricata.
 */
static const struct {
	const char	*ndpi;
	const char	*ours;
} dpi_name_map[] = {
	{ "HTTP",		"http" },
	{ "HTTP_Connect",	"http" },
	{ "HTTP_Proxy",		"http" },
	{ "TLS",		"tls" },
	{ "SMTPS",		"tls" },
	{ "IMAPS",		"tls" },
	{ "POPS",		"tls" },
	{ "DNS",		"dns" },
	{ "DHCP",		"dhcp" },
	{ "SSH",		"ssh" },
	{ "FTP_CONTROL",	"ftp" },
	{ "FTP_DATA",		"ftp-data" },
	{ "SMBv1",		"smb" },
	{ "SMBv23",		"smb" },
	{ "DCE_RPC",		"dcerpc" },
	{ "Kerberos",		"krb5" },
	{ "LDAP",		"ldap" },
	{ "NTP",		"ntp" },
	{ "SNMP",		"snmp" },
	{ "SIP",		"sip" },
	{ "RDP",		"rdp" },
	{ "VNC",		"rfb" },
	{ "MQTT",		"mqtt" },
	{ "Modbus",		"modbus" },
	{ "DNP3",		"dnp3" },
	{ "EthernetIP",		"enip" },
	{ "Telnet",		"telnet" },
	{ "QUIC",		"quic" },
	{ "IPsec",		"ike" },
	{ "TFTP",		"tftp" },
	{ "NFS",		"nfs" },
	{ "PostgreSQL",		"pgsql" },
	{ "MDNS",		"mdns" },
	{ "LLMNR",		"llmnr" },
	{ "WebSocket",		"websocket" },
	{ "SMTP",		"smtp" },
	{ "IMAP",		"imap" },
	{ "POP3",		"pop3" },
};

struct dpi_engine {
	struct ndpi_detection_module_struct *ndpi;
	uint32_t	 max_packets;
	size_t		 nprotos;	/* nDPI ids 0..nprotos-1 */
	char		(*lower)[DPI_NAME_MAX]; /* names lower-cased, by id */
	uint8_t		*scratch;	/* packet copy plus zero slack */
	size_t		 scratch_used;	/* bytes past it are all zero */
	bool		 bare_skip;	/* shim_bare_skip(), every_packet off */
	struct dpi_stats stats;
	struct dpi_ipslot *ipcache;	/* DPI_IPCACHE_SLOTS, or NULL */
	uint8_t		 excl_single;	/* DPI_EXCL_*: see dpi_dispatch() */
	struct dpi_dgaslot *dgacache;	/* DPI_DGACACHE_SLOTS, or NULL */
};

/*
 * Answers of nDPI 4.2's pure look-ups, kept per engine (its module's
 * tables never change once set up); see ndpi_network_port_ptree_match()
 * and ndpi_check_dga_name() below.  Direct-mapped: a clash only costs
 * the look-up again.  About 46 KiB an engine (one a worker), fixed,
 * allocated with the engine and outside nDPI's heap figure (dpi_heap),
 * like its scratch buffer.
 */
#define DPI_IPCACHE_SLOTS	1024
#define DPI_DGACACHE_SLOTS	512
#define DPI_DGA_NAME_MAX	64	/* longer names are not kept */

/* What dpi_excl_single() found of the engine's module. */
#define DPI_EXCL_UNCHECKED	0	/* not yet looked at */
#define DPI_EXCL_SINGLE		1	/* one bit per dissector */
#define DPI_EXCL_ANY		2	/* test all (or no_memo) */

struct dpi_ipslot {
	uint32_t	 addr;		/* network order, as nDPI passes it */
	uint16_t	 port;		/* network order */
	uint16_t	 proto;		/* nDPI's answer */
	bool		 used;
};

struct dpi_dgaslot {
	char		 name[DPI_DGA_NAME_MAX];
	uint8_t		 len;		/* 0: empty */
	uint8_t		 hostname;	/* is_hostname as passed */
	uint8_t		 rc;		/* nDPI's answer */
};

/* The engine whose dpi_packet() or dpi_stop() is running on this
 * thread, for the look-ups nDPI makes through it. */
static _Thread_local struct dpi_engine *dpi_cur;
/* dpi_dispatch_single_test() */
static _Thread_local bool dpi_single_forced;
static _Thread_local uint64_t dpi_single_forced_n;

struct dpi_flow {
	struct ndpi_flow_struct *nf;	/* NULL once done */
	uint32_t	 npkts;
	uint32_t	 bytes;		/* fed to nDPI */
	bool		 done;
	uint16_t	 master;	/* nDPI ids of the answer */
	uint16_t	 app;
	uint64_t	 risk;		/* bit n set: ndpi_risk_enum n */
	uint8_t		 snmp;		/* 1 v1, 2 v2c, 3 v3; 0 unknown */
	const char	*app_proto;	/* dpi_name_map or engine->lower */
	const char	*category;	/* owned by nDPI or its module */
	char		 name[DPI_NDPI_NAME_MAX];	/* "" if unknown */
	int64_t		 heap;		/* nDPI's allocations for it, net */
};

/*
 * nDPI allocates through hooks we set: each thread counts what nDPI
 * holds on its heap (malloc chunks), so the calls for one flow can be
 * charged to it: its flow structure and whatever the dissectors
 * allocate into it (host names, certificates, reassembly).  What a
 * call leaves in the module (its caches) is charged to the flow too
 * until the flow ends; those are bounded and shared.
 */
static _Thread_local int64_t dpi_heap;

static void *
dpi_malloc(size_t n)
{
	void *p;

	if ((p = malloc(n)) != NULL)
		dpi_heap += (int64_t)mem_cost(malloc_usable_size(p));
	return p;
}

static void
dpi_free(void *p)
{
	if (p != NULL)
		dpi_heap -= (int64_t)mem_cost(malloc_usable_size(p));
	free(p);
}

/*
 * ndpi_init_detection_module() calls must not run in parallel
 * (ndpi_api.h), yet each worker may build its engine in its own thread.
 * This lock is the one piece of state the adapter keeps outside the
 * engine; it guards only the set-up and the destruction of modules.
 */
static pthread_mutex_t dpi_module_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The version shim: every call whose signature changed after 4.2.  Only
 * the 4.2 branch is built and tested (Debian 12); the other follows the
 * 4.8 headers and must be checked when a newer nDPI is packaged, in
 * particular that giveup does not guess from ports (later versions make
 * that a configuration setting).
 */

static struct ndpi_detection_module_struct *
shim_module_new(void)
{
#ifdef DPI_NDPI_GLOBAL_CONTEXT
	return ndpi_init_detection_module(NULL);
#else
	return ndpi_init_detection_module(ndpi_no_prefs);
#endif
}

static ndpi_protocol
shim_process(struct dpi_engine *eng, struct dpi_flow *f, const uint8_t *l3,
    uint16_t len, uint64_t ts_ms, int dir)
{
#ifdef DPI_NDPI_GLOBAL_CONTEXT
	struct ndpi_flow_input_info in;

	memset(&in, 0, sizeof(in));
	in.in_pkt_dir = dir == 0 ? NDPI_IN_PKT_DIR_C_TO_S :
	    NDPI_IN_PKT_DIR_S_TO_C;
	in.seen_flow_beginning = NDPI_FLOW_BEGINNING_UNKNOWN;
	return ndpi_detection_process_packet(eng->ndpi, f->nf, l3, len,
	    ts_ms, &in);
#else
	/* 4.2 derives the direction from the addresses itself. */
	(void)dir;
	return ndpi_detection_process_packet(eng->ndpi, f->nf, l3, len,
	    ts_ms);
#endif
}

static ndpi_protocol
shim_giveup(struct dpi_engine *eng, struct dpi_flow *f)
{
	uint8_t guessed = 0;

#ifdef DPI_NDPI_GLOBAL_CONTEXT
	return ndpi_detection_giveup(eng->ndpi, f->nf, &guessed);
#else
	return ndpi_detection_giveup(eng->ndpi, f->nf, 0, &guessed);
#endif
}

/*
 * A TCP segment without payload tells nDPI 4.2 nothing once the
 * handshake is behind it, while the flow is still unlabelled: it sets
 * the flow's TCP state only from SYN, RST, the handshake's last ACK and
 * the first segments that carry each side's sequence number, and runs
 * only the dissectors that take TCP without payload; otherwise it only
 * counts itself (num_processed_pkts, which 4.2 caps at 32 and a few
 * dissectors read).  Yet each costs a packet's set-up and a pass over
 * the dissector table.  So such packets are counted here as nDPI would
 * have counted them, and not handed over.  Checked against 4.2's
 * ndpi_main.c: ndpi_detection_process_packet(), ndpi_init_packet(),
 * ndpi_connection_tracking(), check_ndpi_detection_func().
 *
 * Of the dissectors that take TCP without payload, TeamViewer's is the
 * one in the default list: without payload it only tests the flow's
 * addresses, which the flow's first packet already did.  The others
 * below are not vetted; with one of them enabled, every packet goes to
 * nDPI.  Later versions change this path: there every packet goes too.
 */
static const uint16_t dpi_bare_dissectors[] = {
	NDPI_PROTOCOL_EDONKEY, NDPI_PROTOCOL_JABBER, NDPI_PROTOCOL_STEAM,
	NDPI_PROTOCOL_TINC, NDPI_PROTOCOL_HANGOUT_DUO,
	NDPI_PROTOCOL_TARGUS_GETDATA, NDPI_PROTOCOL_TELEGRAM,
};

static bool
shim_bare_skip(const NDPI_PROTOCOL_BITMASK *mask)
{
#ifdef DPI_NDPI_GLOBAL_CONTEXT
	(void)mask;
	(void)dpi_bare_dissectors;
	return false;
#else
	size_t i;

	for (i = 0; i < sizeof(dpi_bare_dissectors) /
	    sizeof(dpi_bare_dissectors[0]); i++)
		if (NDPI_ISSET(mask, dpi_bare_dissectors[i]))
			return false;
	return true;
#endif
}

/*
 * The per-flow condition, for a TCP segment with flags th_flags and no
 * payload: not SYN or RST, nDPI has not labelled the flow, knows both
 * sides' next sequence numbers and would not take this packet for the
 * handshake's last ACK.  true when the packet was counted as nDPI
 * counts it and need not be handed over.
 */
static bool
shim_bare_counted(struct dpi_flow *f, uint8_t th_flags)
{
#ifdef DPI_NDPI_GLOBAL_CONTEXT
	(void)f;
	(void)th_flags;
	return false;
#else
	struct ndpi_flow_struct *nf = f->nf;

	if (th_flags & (DPI_TH_SYN | DPI_TH_RST))
		return false;
	if (nf->detected_protocol_stack[0] != NDPI_PROTOCOL_UNKNOWN ||
	    nf->detected_protocol_stack[1] != NDPI_PROTOCOL_UNKNOWN ||
	    nf->check_extra_packets || nf->next_tcp_seq_nr[0] == 0 ||
	    nf->next_tcp_seq_nr[1] == 0)
		return false;
	if ((th_flags & DPI_TH_ACK) && nf->l4.tcp.seen_syn &&
	    nf->l4.tcp.seen_syn_ack && !nf->l4.tcp.seen_ack)
		return false;
	/* What nDPI would have done: count it, unless it has given up. */
	if (!nf->fail_with_unknown)
		nf->num_processed_pkts++;
	return true;
#endif
}

#ifdef DPI_NDPI_LINES_4_2
/*
 * nDPI 4.2's line parser, ndpi_parse_packet_line_info(), walks the whole
 * payload for CR LF each time a packet's lines are asked for afresh:
 * RTSP asks on every TCP payload packet of an unlabelled flow, HTTP on
 * a flow's first ones (and resets the "parsed" flag first), so binary
 * payload nothing recognises is walked byte by byte once or twice a
 * packet (on benchmix, 503 M of thread 01's 3,150 M).  Without a CR LF
 * in the payload the walk finds no line and touches nothing but the
 * packet's line fields; memchr() finds that out at a fraction of the
 * cost.
 *
 * So this file defines the function itself.  The dissectors call it
 * through libndpi's PLT (all 30 calls in Debian's 4.2 build), so this
 * definition in the executable takes their calls.  Payload without
 * CR LF gets, here, exactly what 4.2's function leaves (ndpi_main.c:
 * ndpi_parse_packet_line_info(), ndpi_reset_packet_line_info()): the
 * "parsed" flag set, the header lines and counters reset, line 0 at
 * the payload with length 0, no line, and the flow untouched (only a
 * CR LF makes 4.2 write to it).  Everything else goes to 4.2's own
 * function, found past this one with dlsym(RTLD_NEXT).  The answer
 * cannot change: for every packet the parser leaves the same state.
 * test-dpi-lines compares both on crafted and random payloads.
 *
 * The module's layout comes from 4.2's headers; until
 * dpi_lines_check() has seen the running library's packet where those
 * headers put it, every call goes to 4.2's function.  That pointer and
 * the flag are set once and never change back: globals besides the
 * module lock and the heap counter, shared by all engines as libndpi
 * is.
 */
typedef void (*dpi_lines_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *);

typedef u_int32_t (*dpi_flowfunc_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *, NDPI_SELECTION_BITMASK_PROTOCOL_SIZE *);

static dpi_lines_fn dpi_lines_real;
static dpi_flowfunc_fn dpi_flowfunc_real;
typedef u_int16_t (*dpi_ptree_fn)(struct ndpi_detection_module_struct *,
    struct in_addr *, u_int16_t);
static dpi_ptree_fn dpi_ptree_real;
typedef int (*dpi_dga_fn)(struct ndpi_detection_module_struct *,
    struct ndpi_flow_struct *, char *, u_int8_t);
static dpi_dga_fn dpi_dga_real;
static pthread_once_t dpi_lines_once = PTHREAD_ONCE_INIT;
static atomic_bool dpi_lines_ok;
static _Thread_local uint64_t dpi_lines_fast;	/* dpi_packet() takes it */

/*
 * nDPI's own definition of name, past ours; ours is mine.  Our own
 * again (a second copy of this file loaded later) would call itself
 * for ever.
 */
static void *
dpi_real_sym(const char *name, const void *mine)
{
	void *sym = dlsym(RTLD_NEXT, name);

	if (sym == NULL || sym == mine) {
		fprintf(stderr, "wardwatch: nDPI's %s not found\n", name);
		abort();
	}
	return sym;
}

static void
dpi_lines_resolve(void)
{
	void *sym;

	/* Object pointer to function pointer: POSIX dlsym()'s own idiom. */
	sym = dpi_real_sym("ndpi_parse_packet_line_info",
	    (const void *)(uintptr_t)ndpi_parse_packet_line_info);
	memcpy(&dpi_lines_real, &sym, sizeof(dpi_lines_real));
	sym = dpi_real_sym("ndpi_check_flow_func",
	    (const void *)(uintptr_t)ndpi_check_flow_func);
	memcpy(&dpi_flowfunc_real, &sym, sizeof(dpi_flowfunc_real));
	sym = dpi_real_sym("ndpi_network_port_ptree_match",
	    (const void *)(uintptr_t)ndpi_network_port_ptree_match);
	memcpy(&dpi_ptree_real, &sym, sizeof(dpi_ptree_real));
	sym = dpi_real_sym("ndpi_check_dga_name",
	    (const void *)(uintptr_t)ndpi_check_dga_name);
	memcpy(&dpi_dga_real, &sym, sizeof(dpi_dga_real));
}

bool
dpi_lines_fast_built(void)
{
	return true;
}

uint64_t
dpi_lines_fast_pending(void)
{
	return dpi_lines_fast;
}

bool
dpi_lines_live(void)
{
	return atomic_load_explicit(&dpi_lines_ok, memory_order_relaxed);
}

/* Whether payload[0..len) holds CR LF anywhere. */
static bool
dpi_has_crlf(const uint8_t *payload, size_t len)
{
	const uint8_t *p = payload, *end = payload + len, *cr;

	while (p < end && (cr = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (cr + 1 < end && cr[1] == '\n')
			return true;
		p = cr + 1;
	}
	return false;
}

/* 4.2's ndpi_reset_packet_line_info(), field by field. */
static void
dpi_lines_reset(struct ndpi_packet_struct *packet)
{
	packet->parsed_lines = 0;
	packet->empty_line_position_set = 0;
	packet->host_line.ptr = NULL;
	packet->host_line.len = 0;
	packet->referer_line.ptr = NULL;
	packet->referer_line.len = 0;
	packet->authorization_line.len = 0;
	packet->authorization_line.ptr = NULL;
	packet->content_line.ptr = NULL;
	packet->content_line.len = 0;
	packet->accept_line.ptr = NULL;
	packet->accept_line.len = 0;
	packet->user_agent_line.ptr = NULL;
	packet->user_agent_line.len = 0;
	packet->http_url_name.ptr = NULL;
	packet->http_url_name.len = 0;
	packet->http_encoding.ptr = NULL;
	packet->http_encoding.len = 0;
	packet->http_transfer_encoding.ptr = NULL;
	packet->http_transfer_encoding.len = 0;
	packet->http_contentlen.ptr = NULL;
	packet->http_contentlen.len = 0;
	packet->content_disposition_line.ptr = NULL;
	packet->content_disposition_line.len = 0;
	packet->http_cookie.ptr = NULL;
	packet->http_cookie.len = 0;
	packet->http_origin.len = 0;
	packet->http_origin.ptr = NULL;
	packet->http_x_session_type.ptr = NULL;
	packet->http_x_session_type.len = 0;
	packet->server_line.ptr = NULL;
	packet->server_line.len = 0;
	packet->http_method.ptr = NULL;
	packet->http_method.len = 0;
	packet->http_response.ptr = NULL;
	packet->http_response.len = 0;
	packet->http_num_headers = 0;
	packet->forwarded_line.ptr = NULL;
	packet->forwarded_line.len = 0;
}

void
ndpi_parse_packet_line_info(struct ndpi_detection_module_struct *ndpi_str,
    struct ndpi_flow_struct *flow)
{
	struct ndpi_packet_struct *packet = &ndpi_str->packet;

	if (!atomic_load_explicit(&dpi_lines_ok, memory_order_relaxed)) {
		(void)pthread_once(&dpi_lines_once, dpi_lines_resolve);
		dpi_lines_real(ndpi_str, flow);
		return;
	}
	/* 4.2's two early returns, in its order. */
	if (packet->payload_packet_len < 3 || packet->payload == NULL)
		return;
	if (packet->packet_lines_parsed_complete != 0)
		return;
	if (dpi_has_crlf(packet->payload, packet->payload_packet_len)) {
		(void)pthread_once(&dpi_lines_once, dpi_lines_resolve);
		dpi_lines_real(ndpi_str, flow);
		return;
	}
	packet->packet_lines_parsed_complete = 1;
	dpi_lines_reset(packet);
	packet->line[0].ptr = packet->payload;
	packet->line[0].len = 0;
	dpi_lines_fast++;
}

/*
 * 4.2's dispatch loop asks, for each enabled dissector and each packet,
 * whether two 512-bit protocol bitmasks meet, twice: the flow's
 * exclusions against the dissector's, the dissector's protocols against
 * the detection mask.  Its NDPI_BITMASK_COMPARE() tests sixteen 32-bit
 * words one at a time with a branch each (on benchmix 4.5 M calls,
 * 185 M instructions).  It is exported and called through libndpi's PLT
 * (all 6 calls), so this definition takes them too: the same answer,
 * 1 when some bit is set in both and 0 otherwise, from eight 64-bit
 * words and no branch (test-dpi-lines compares them).  The bitmask is
 * a public type: no layout check needed.
 */
static inline int
dpi_mask_meet(const NDPI_PROTOCOL_BITMASK *a, const NDPI_PROTOCOL_BITMASK *b)
{
	uint64_t any = 0, wa, wb;
	size_t i;

	/* Unrolled: the loop's own counting would cost as much again. */
#pragma GCC unroll 8
	for (i = 0; i + sizeof(wa) <= sizeof(a->fds_bits); i += sizeof(wa)) {
		memcpy(&wa, (const uint8_t *)a->fds_bits + i, sizeof(wa));
		memcpy(&wb, (const uint8_t *)b->fds_bits + i, sizeof(wb));
		any |= wa & wb;
	}
	return any != 0;
}

int
NDPI_BITMASK_COMPARE(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b)
{
	return dpi_mask_meet(&a, &b);
}

/*
 * 4.2's dissector dispatch, ndpi_main.c's check_ndpi_detection_func():
 * for each packet of an unlabelled flow it offers the packet to every
 * enabled dissector whose packet kind matches (selection bitmask), the
 * flow has not excluded, and that takes flows labelled as this one is.
 * Each of the last two tests passes two 64-byte bitmasks by value to
 * NDPI_BITMASK_COMPARE(), so 4.2 copies 128 bytes onto the stack per
 * dissector and packet (on benchmix about 140 M instructions besides
 * the compares' own 116 M).  This copy asks the same questions of the
 * same fields through pointers, in the same order, with the same side
 * effects: the same dissectors called in the same order, the same
 * early stops, the same count returned (test-dpi-lines runs both on
 * the same module and flow states and compares the calls).
 *
 * "Labelled as this one is" is 4.2's mask of the one protocol of
 * detected_protocol_stack[0], taken once on entry; meeting it is that
 * protocol's bit (NDPI_COMPARE_PROTOCOL_TO_BITMASK) in the dissector's
 * detection mask.  The guessed protocol's dissector goes first; 4.2
 * then reads callback_buffer[] by the protocol id rather than its
 * index in one test, and so does this copy.
 *
 * "Not excluded" is the flow's exclusions not meeting the dissector's
 * mask, and 4.2 sets that mask to its one protocol
 * (ndpi_set_bitmask_protocol_detection(): NDPI_SAVE_AS_BITMASK of
 * ndpi_protocol_id).  So with single set, which dpi_excl_single() sets
 * for an engine's module once it has found every entry of the four
 * packet-kind lists so, the loop over them tests that one bit of the
 * flow's exclusions instead of all 512 (in full for an entry without a
 * protocol).
 */
static u_int32_t
dpi_dispatch(struct ndpi_detection_module_struct *ndpi_str,
    struct ndpi_flow_struct *flow, NDPI_SELECTION_BITMASK_PROTOCOL_SIZE sel,
    const struct ndpi_call_function_struct *cb, u_int32_t ncb, bool single)
{
	const struct ndpi_call_function_struct *c;
	void (*func)(struct ndpi_detection_module_struct *,
	    struct ndpi_flow_struct *) = NULL;
	u_int8_t no_payload = (cb == ndpi_str->callback_buffer_tcp_no_payload);
	u_int32_t num_calls = no_payload ? 1 : 0, a;
	u_int16_t guessed = flow->guessed_protocol_id;
	u_int16_t proto_index = ndpi_str->proto_defaults[guessed].protoIdx;
	u_int16_t proto_id = ndpi_str->proto_defaults[guessed].protoId;
	u_int16_t labelled = flow->detected_protocol_stack[0];

#define DPI_TAKES(c)	(NDPI_COMPARE_PROTOCOL_TO_BITMASK((c)->detection_bitmask, \
			    labelled) != 0)
#define DPI_KIND(c)	(((c)->ndpi_selection_bitmask & sel) == \
			    (c)->ndpi_selection_bitmask)
	c = &ndpi_str->callback_buffer[proto_index];
	if (proto_id != NDPI_PROTOCOL_UNKNOWN &&
	    !dpi_mask_meet(&flow->excluded_protocol_bitmask,
	    &c->excluded_protocol_bitmask) && DPI_TAKES(c) && DPI_KIND(c) &&
	    guessed != NDPI_PROTOCOL_UNKNOWN &&
	    ndpi_str->proto_defaults[guessed].func != NULL &&
	    (no_payload == 0 ||
	    (ndpi_str->callback_buffer[guessed].ndpi_selection_bitmask &
	    NDPI_SELECTION_BITMASK_PROTOCOL_HAS_PAYLOAD) == 0)) {
		ndpi_str->proto_defaults[guessed].func(ndpi_str, flow);
		/* Read again, as 4.2 does: the dissector may have changed
		 * the guess (IMAP, POP, HTTP, SSH, STUN, Telnet do). */
		func = ndpi_str->proto_defaults[
		    flow->guessed_protocol_id].func;
		num_calls++;
	}

	if (flow->detected_protocol_stack[0] == NDPI_PROTOCOL_UNKNOWN) {
		for (a = 0; a < ncb; a++) {
			c = &cb[a];
			if (func != c->func && DPI_KIND(c) && !(single &&
			    c->ndpi_protocol_id != NDPI_PROTOCOL_UNKNOWN ?
			    NDPI_COMPARE_PROTOCOL_TO_BITMASK(
			    flow->excluded_protocol_bitmask,
			    c->ndpi_protocol_id) != 0 :
			    dpi_mask_meet(&flow->excluded_protocol_bitmask,
			    &c->excluded_protocol_bitmask)) && DPI_TAKES(c)) {
				c->func(ndpi_str, flow);
				num_calls++;
				if (flow->detected_protocol_stack[0] !=
				    NDPI_PROTOCOL_UNKNOWN)
					break;
			}
		}
	}

	/* Sub-protocols of what is labelled now, re-read at each turn. */
	for (a = 0; a < ndpi_str->proto_defaults[
	    flow->detected_protocol_stack[0]].subprotocol_count; a++) {
		u_int16_t sub = ndpi_str->proto_defaults[
		    flow->detected_protocol_stack[0]].subprotocols[a];

		if (sub == (uint16_t)NDPI_PROTOCOL_MATCHED_BY_CONTENT)
			continue;
		c = &ndpi_str->callback_buffer[
		    ndpi_str->proto_defaults[sub].protoIdx];
		if (func != ndpi_str->proto_defaults[sub].func &&
		    DPI_KIND(c) &&
		    !dpi_mask_meet(&flow->excluded_protocol_bitmask,
		    &c->excluded_protocol_bitmask) && DPI_TAKES(c)) {
			c->func(ndpi_str, flow);
			num_calls++;
		}
		if (flow->detected_protocol_stack[1] != NDPI_PROTOCOL_UNKNOWN)
			break;
	}
#undef DPI_TAKES
#undef DPI_KIND
	return num_calls;
}

/*
 * Whether each of the n entries of cb with a protocol excludes exactly
 * that protocol, or takes no flow at all.  4.2's lists also hold
 * entries with protocol 0 (slots of dissectors not enabled: the TCP
 * payload list has 168 entries for our 50 protocols); dpi_dispatch()
 * tests those in full.
 */
static bool
dpi_excl_single_list(const struct ndpi_call_function_struct *cb, u_int32_t n)
{
	static const NDPI_PROTOCOL_BITMASK none;
	NDPI_PROTOCOL_BITMASK one;
	u_int32_t i;

	if (n > NDPI_MAX_SUPPORTED_PROTOCOLS + 1)
		return false;
	for (i = 0; i < n; i++) {
		if (cb[i].ndpi_protocol_id == NDPI_PROTOCOL_UNKNOWN)
			continue;
		NDPI_SAVE_AS_BITMASK(one, cb[i].ndpi_protocol_id);
		if (memcmp(&one, &cb[i].excluded_protocol_bitmask,
		    sizeof(one)) != 0 && memcmp(&none,
		    &cb[i].detection_bitmask, sizeof(none)) != 0)
			return false;
	}
	return true;
}

static bool
dpi_excl_single(const struct ndpi_detection_module_struct *m)
{
	return dpi_excl_single_list(m->callback_buffer_tcp_payload,
	    m->callback_buffer_size_tcp_payload) &&
	    dpi_excl_single_list(m->callback_buffer_tcp_no_payload,
	    m->callback_buffer_size_tcp_no_payload) &&
	    dpi_excl_single_list(m->callback_buffer_udp,
	    m->callback_buffer_size_udp) &&
	    dpi_excl_single_list(m->callback_buffer_non_tcp_udp,
	    m->callback_buffer_size_non_tcp_udp);
}

uint64_t
dpi_dispatch_single_test(bool on)
{
	dpi_single_forced = on;
	return dpi_single_forced_n;
}

/* 4.2's ndpi_check_flow_func(): the dispatch for the packet's kind. */
u_int32_t
ndpi_check_flow_func(struct ndpi_detection_module_struct *ndpi_str,
    struct ndpi_flow_struct *flow,
    NDPI_SELECTION_BITMASK_PROTOCOL_SIZE *ndpi_selection_packet)
{
	struct ndpi_packet_struct *packet;
	struct dpi_engine *eng = dpi_cur;
	bool single = false;

	if (!atomic_load_explicit(&dpi_lines_ok, memory_order_relaxed)) {
		(void)pthread_once(&dpi_lines_once, dpi_lines_resolve);
		return dpi_flowfunc_real(ndpi_str, flow,
		    ndpi_selection_packet);
	}
	if (flow == NULL)
		return 0;
	/* The lists are set up once; checked on the first packet, after
	 * the layout is. */
	if (eng != NULL && eng->ndpi == ndpi_str) {
		if (eng->excl_single == DPI_EXCL_UNCHECKED)
			eng->excl_single = dpi_excl_single(ndpi_str) ?
			    DPI_EXCL_SINGLE : DPI_EXCL_ANY;
		if ((single = eng->excl_single == DPI_EXCL_SINGLE))
			eng->stats.dispatch_single++;
	} else if (dpi_single_forced && (single = dpi_excl_single(ndpi_str)))
		dpi_single_forced_n++;
	packet = &ndpi_str->packet;
	if (packet->tcp != NULL) {
		if (packet->payload_packet_len != 0)
			return dpi_dispatch(ndpi_str, flow,
			    *ndpi_selection_packet,
			    ndpi_str->callback_buffer_tcp_payload,
			    ndpi_str->callback_buffer_size_tcp_payload,
			    single);
		return dpi_dispatch(ndpi_str, flow, *ndpi_selection_packet,
		    ndpi_str->callback_buffer_tcp_no_payload,
		    ndpi_str->callback_buffer_size_tcp_no_payload, single);
	}
	if (packet->udp != NULL)
		return dpi_dispatch(ndpi_str, flow, *ndpi_selection_packet,
		    ndpi_str->callback_buffer_udp,
		    ndpi_str->callback_buffer_size_udp, single);
	return dpi_dispatch(ndpi_str, flow, *ndpi_selection_packet,
	    ndpi_str->callback_buffer_non_tcp_udp,
	    ndpi_str->callback_buffer_size_non_tcp_udp, single);
}

/*
 * nDPI 4.2 guesses a flow's protocol from its addresses (ndpi_do_guess()
 * through ndpi_guess_host_protocol_id()): for each side, a search of its
 * built-in address tree, and it does all of that twice for the flow's
 * first packet (on benchmix 64 M instructions for 50,000 flows).  The
 * answer for an address and port depends on nothing else, and the tree
 * is filled when the module is set up (ndpi_init_detection_module();
 * we load no protocol files), so the engine keeps the answers: the
 * server's side and the second guess are then a slot each.  The call
 * goes through libndpi's PLT (both calls), so this definition takes it.
 */

u_int16_t
ndpi_network_port_ptree_match(struct ndpi_detection_module_struct *ndpi_str,
    struct in_addr *pin, u_int16_t port)
{
	struct dpi_engine *eng = dpi_cur;
	struct dpi_ipslot *sl;
	uint32_t a;
	u_int16_t proto;

	(void)pthread_once(&dpi_lines_once, dpi_lines_resolve);
	if (eng == NULL || eng->ndpi != ndpi_str || eng->ipcache == NULL)
		return dpi_ptree_real(ndpi_str, pin, port);
	a = (uint32_t)pin->s_addr;
	/* Fibonacci hashing of both (Knuth 6.4): top bits of the product. */
	sl = &eng->ipcache[(uint32_t)((a ^ ((uint32_t)port << 16)) *
	    2654435761u) >> 22];
	if (sl->used && sl->addr == a && sl->port == port) {
		eng->stats.memo_ip++;
		return sl->proto;
	}
	proto = dpi_ptree_real(ndpi_str, pin, port);
	sl->addr = a;
	sl->port = port;
	sl->proto = proto;
	sl->used = true;
	return proto;
}

/*
 * ndpi_check_dga_name() scores a host name as "made by an algorithm"
 * (risk NDPI_SUSPICIOUS_DGA_DOMAIN): with a flow whose second label is
 * set it answers 0 at once; otherwise its answer depends on the name,
 * the flag and the module's host automaton only, and it sets the risk
 * on the flow when it answers 1.  DNS asks on the query and again on
 * the response, and devices ask for the same few names all day (on h40
 * 31 M instructions).  So the engine keeps its answers for names up to
 * DPI_DGA_NAME_MAX - 1 bytes; nDPI is asked without the flow, and the
 * risk is set here as it would have set it.  A custom DGA function
 * (ndpi_dga_function) gets every call, as in 4.2.  Through the PLT, as
 * the others (all 5 calls).
 */

int
ndpi_check_dga_name(struct ndpi_detection_module_struct *ndpi_str,
    struct ndpi_flow_struct *flow, char *name, u_int8_t is_hostname)
{
	struct dpi_engine *eng = dpi_cur;
	struct dpi_dgaslot *sl;
	size_t len, i;
	uint32_t h = 2166136261u;
	int rc;

	(void)pthread_once(&dpi_lines_once, dpi_lines_resolve);
	if (eng == NULL || eng->ndpi != ndpi_str || eng->dgacache == NULL ||
	    ndpi_dga_function != NULL || name == NULL ||
	    !atomic_load_explicit(&dpi_lines_ok, memory_order_relaxed) ||
	    (len = strnlen(name, DPI_DGA_NAME_MAX)) >= DPI_DGA_NAME_MAX)
		return dpi_dga_real(ndpi_str, flow, name, is_hostname);
	/* 4.2's checks before this one only ever answer 0 as well. */
	if (flow != NULL &&
	    flow->detected_protocol_stack[1] != NDPI_PROTOCOL_UNKNOWN)
		return 0;
	for (i = 0; i < len; i++)			/* FNV-1a */
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	h ^= is_hostname;
	sl = &eng->dgacache[h % DPI_DGACACHE_SLOTS];
	if (len > 0 && sl->len == len && sl->hostname == is_hostname &&
	    memcmp(sl->name, name, len) == 0) {
		rc = sl->rc;
		eng->stats.memo_dga++;
	} else {
		rc = dpi_dga_real(ndpi_str, NULL, name, is_hostname);
		if (len > 0) {
			memcpy(sl->name, name, len);
			/* Nothing of the name it replaces stays behind. */
			memset(sl->name + len, 0, sizeof(sl->name) - len);
			sl->len = (uint8_t)len;
			sl->hostname = is_hostname;
			sl->rc = (uint8_t)(rc != 0);
		}
	}
	if (rc && flow != NULL)
		ndpi_set_risk(ndpi_str, flow, NDPI_SUSPICIOUS_DGA_DOMAIN);
	return rc;
}

/*
 * After nDPI has taken the len bytes at eng->scratch with time ts_ms:
 * if its module is as large as 4.2's headers say and holds that packet
 * where they put it (4.2's ndpi_init_packet() sets all three), the
 * layout is the headers' and the fast path may go.
 */
static void
dpi_lines_check(const struct dpi_engine *eng, size_t len, uint64_t ts_ms)
{
	const struct ndpi_packet_struct *packet;

	if (atomic_load_explicit(&dpi_lines_ok, memory_order_relaxed) ||
	    malloc_usable_size(eng->ndpi) <
	    sizeof(struct ndpi_detection_module_struct))
		return;
	packet = &eng->ndpi->packet;
	if ((const uint8_t *)packet->iph == eng->scratch &&
	    packet->l3_packet_len == len && packet->current_time_ms == ts_ms)
		atomic_store_explicit(&dpi_lines_ok, true,
		    memory_order_relaxed);
}
#else
bool
dpi_lines_fast_built(void)
{
	return false;
}

uint64_t
dpi_lines_fast_pending(void)
{
	return 0;
}

bool
dpi_lines_live(void)
{
	return false;
}
#endif

void
dpi_config_defaults(struct dpi_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_packets = DPI_DEFAULT_MAX_PACKETS;
	cfg->protocols = NULL;
	cfg->n_protocols = 0;
}

const char *
dpi_map_name(const char *ndpi_name)
{
	size_t i;

	if (ndpi_name == NULL)
		return NULL;
	for (i = 0; i < sizeof(dpi_name_map) / sizeof(dpi_name_map[0]); i++)
		if (strcasecmp(dpi_name_map[i].ndpi, ndpi_name) == 0)
			return dpi_name_map[i].ours;
	return NULL;
}

/* Lower-cased copies of every nDPI protocol name, indexed by id. */
static int
engine_names(struct dpi_engine *eng)
{
	size_t id, i;

	eng->nprotos = ndpi_get_num_supported_protocols(eng->ndpi);
	if (eng->nprotos > UINT16_MAX + 1u)
		eng->nprotos = UINT16_MAX + 1u;
	if ((eng->lower = calloc(eng->nprotos, sizeof(*eng->lower))) == NULL)
		return -1;
	for (id = 0; id < eng->nprotos; id++) {
		const char *n = ndpi_get_proto_name(eng->ndpi, (uint16_t)id);

		for (i = 0; n != NULL && n[i] != '\0' &&
		    i < sizeof(eng->lower[id]) - 1; i++) {
			char c = n[i];

			eng->lower[id][i] = c >= 'A' && c <= 'Z' ?
			    (char)(c - 'A' + 'a') : c;
		}
	}
	return 0;
}

/*
 * nDPI's id for a name, any case, or -1.  "default" and "all" are ours:
 * DPI_ID_DEFAULT and DPI_ID_ALL.
 */
#define DPI_ID_DEFAULT	(-2)
#define DPI_ID_ALL	(-3)

static int
protocol_id(struct ndpi_detection_module_struct *ndpi, const char *s)
{
	char name[DPI_NAME_MAX];
	int id;

	if (s == NULL)
		return -1;
	if (strcasecmp(s, "default") == 0)
		return DPI_ID_DEFAULT;
	if (strcasecmp(s, "all") == 0)
		return DPI_ID_ALL;
	/* ndpi_get_protocol_id() takes a char *: give it a copy. */
	if ((size_t)snprintf(name, sizeof(name), "%s", s) >= sizeof(name))
		return -1;
	id = ndpi_get_protocol_id(ndpi, name);
	return id <= NDPI_PROTOCOL_UNKNOWN ? -1 : id;
}

/* Add names[0..n) to mask; -1 at the first unknown one (*bad: index). */
static int
protocols_mask(struct ndpi_detection_module_struct *ndpi,
    const char *const *names, size_t n, NDPI_PROTOCOL_BITMASK *mask,
    size_t *bad)
{
	size_t i;
	int id;

	for (i = 0; i < n; i++) {
		if ((id = protocol_id(ndpi, names[i])) == -1) {
			*bad = i;
			return -1;
		}
		if (id == DPI_ID_ALL)
			NDPI_BITMASK_SET_ALL(*mask);
		else if (id == DPI_ID_DEFAULT) {
			if (protocols_mask(ndpi, dpi_default_protocols,
			    dpi_n_default_protocols, mask, bad) == -1) {
				*bad = i;
				return -1;
			}
		} else
			NDPI_BITMASK_ADD(*mask, id);
	}
	return 0;
}

static int
engine_enable(struct dpi_engine *eng, const struct dpi_config *cfg,
    char *err, size_t errlen)
{
	NDPI_PROTOCOL_BITMASK mask;
	const char *const *names = cfg->protocols;
	size_t n = cfg->n_protocols, bad = 0;

	if (names == NULL || n == 0) {
		names = dpi_default_protocols;
		n = dpi_n_default_protocols;
	}
	NDPI_BITMASK_RESET(mask);
	if (protocols_mask(eng->ndpi, names, n, &mask, &bad) == -1) {
		snprintf(err, errlen, "unknown nDPI protocol \"%s\"",
		    names[bad] == NULL ? "(null)" : names[bad]);
		return -1;
	}
	ndpi_set_protocol_detection_bitmask2(eng->ndpi, &mask);
	eng->bare_skip = !cfg->every_packet && shim_bare_skip(&mask);
	return 0;
}

int
dpi_check_protocols(const char *const *names, size_t n, size_t *bad)
{
	struct ndpi_detection_module_struct *ndpi;
	NDPI_PROTOCOL_BITMASK mask;
	int rc;

	*bad = n;
	pthread_mutex_lock(&dpi_module_lock);
	if ((ndpi = shim_module_new()) == NULL) {
		pthread_mutex_unlock(&dpi_module_lock);
		return -2;
	}
	NDPI_BITMASK_RESET(mask);
	rc = protocols_mask(ndpi, names, n, &mask, bad);
	ndpi_exit_detection_module(ndpi);
	pthread_mutex_unlock(&dpi_module_lock);
	return rc;
}

struct dpi_engine *
dpi_engine_new(const struct dpi_config *cfg, char *err, size_t errlen)
{
	struct dpi_config def;
	struct dpi_engine *eng;

	if (cfg == NULL) {
		dpi_config_defaults(&def);
		cfg = &def;
	}
	if (cfg->max_packets == 0 || cfg->max_packets > DPI_MAX_PACKETS_LIMIT) {
		snprintf(err, errlen, "max-packets %u out of range 1..%u",
		    cfg->max_packets, DPI_MAX_PACKETS_LIMIT);
		return NULL;
	}
	if ((eng = calloc(1, sizeof(*eng))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	eng->max_packets = cfg->max_packets;
	if (cfg->no_memo)
		eng->excl_single = DPI_EXCL_ANY;

	/* The whole set-up under the lock: it builds nDPI's automata. */
	pthread_mutex_lock(&dpi_module_lock);
	set_ndpi_malloc(dpi_malloc);
	set_ndpi_free(dpi_free);
	set_ndpi_flow_malloc(dpi_malloc);
	set_ndpi_flow_free(dpi_free);
	if ((eng->ndpi = shim_module_new()) == NULL) {
		pthread_mutex_unlock(&dpi_module_lock);
		snprintf(err, errlen, "nDPI initialisation failed");
		goto out_free_eng;
	}
	if (engine_enable(eng, cfg, err, errlen) == -1) {
		pthread_mutex_unlock(&dpi_module_lock);
		goto out_exit_ndpi;
	}
	ndpi_finalize_initialization(eng->ndpi);
	pthread_mutex_unlock(&dpi_module_lock);
	if (engine_names(eng) == -1)
		goto out_nomem;
	if ((eng->scratch = calloc(1, DPI_MAX_IP_LEN + DPI_SCRATCH_SLACK)) ==
	    NULL)
		goto out_nomem;
#ifdef DPI_NDPI_LINES_4_2
	if (!cfg->no_memo && ((eng->ipcache = calloc(DPI_IPCACHE_SLOTS,
	    sizeof(*eng->ipcache))) == NULL ||
	    (eng->dgacache = calloc(DPI_DGACACHE_SLOTS,
	    sizeof(*eng->dgacache))) == NULL))
		goto out_nomem;
#endif
	return eng;

 out_nomem:
	snprintf(err, errlen, "out of memory");
	free(eng->ipcache);
	free(eng->scratch);
	free(eng->lower);
 out_exit_ndpi:
	pthread_mutex_lock(&dpi_module_lock);
	ndpi_exit_detection_module(eng->ndpi);
	pthread_mutex_unlock(&dpi_module_lock);
 out_free_eng:
	free(eng);
	return NULL;
}

void
dpi_engine_free(struct dpi_engine *eng)
{
	if (eng == NULL)
		return;
	pthread_mutex_lock(&dpi_module_lock);
	ndpi_exit_detection_module(eng->ndpi);
	pthread_mutex_unlock(&dpi_module_lock);
	free(eng->scratch);
	free(eng->lower);
	free(eng->ipcache);
	if (eng->dgacache != NULL) {
		/* Host names the flows asked for. */
		explicit_bzero(eng->dgacache,
		    DPI_DGACACHE_SLOTS * sizeof(*eng->dgacache));
		free(eng->dgacache);
	}
	free(eng);
}

void
dpi_get_stats(const struct dpi_engine *eng, struct dpi_stats *st)
{
	*st = eng->stats;
}

size_t
dpi_flow_size(void)
{
	return mem_cost(sizeof(struct dpi_flow)) +
	    mem_cost(ndpi_detection_get_sizeof_ndpi_flow_struct());
}

struct dpi_flow *
dpi_flow_new(struct dpi_engine *eng)
{
	struct dpi_flow *f;
	size_t sz = ndpi_detection_get_sizeof_ndpi_flow_struct();
	int64_t before = dpi_heap;

	(void)eng;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	/* ndpi_free_flow() releases it with nDPI's allocator: use it here. */
	if ((f->nf = ndpi_flow_malloc(sz)) == NULL) {
		free(f);
		return NULL;
	}
	memset(f->nf, 0, sz);
	f->heap = dpi_heap - before;
	return f;
}

static void
flow_release_ndpi(struct dpi_flow *f)
{
	if (f->nf != NULL) {
		ndpi_free_flow(f->nf);
		f->nf = NULL;
	}
}

size_t
dpi_flow_memuse(const struct dpi_flow *f)
{
	if (f == NULL)
		return 0;
	return mem_cost(sizeof(*f)) + (f->heap > 0 ? (size_t)f->heap : 0);
}

void
dpi_flow_free(struct dpi_flow *f)
{
	if (f == NULL)
		return;
	flow_release_ndpi(f);
	free(f);
}

/*
 * The number of bytes to hand nDPI: the caller's length, cut down to the
 * IP header's own length if that is smaller (trailing Ethernet padding),
 * and never more than nDPI's unsigned short.  0 means "not an IP packet
 * nDPI could parse": too short for its header or an unknown version.
 *
 * IPv4 (RFC 791): version/IHL, TOS, total length (header included).
 * IPv6 (RFC 8200): version/class/label (4 bytes), payload length
 * (excluding the 40-byte header).
 */
static size_t
ip_len(const uint8_t *l3, size_t l3len)
{
	struct breader br;
	size_t iplen;
	uint8_t version;

	br_init(&br, l3, l3len);
	version = br_u8(&br) >> 4;
	if (version == 4) {
		br_skip(&br, 1);			/* TOS */
		iplen = br_be16(&br);			/* total length */
		if (!br_ok(&br) || l3len < DPI_IPV4_HDR_MIN)
			return 0;
	} else if (version == 6) {
		br_skip(&br, 3);			/* class, label */
		iplen = DPI_IPV6_HDR_LEN + (size_t)br_be16(&br);
		if (!br_ok(&br) || l3len < DPI_IPV6_HDR_LEN)
			return 0;
	} else
		return 0;
	if (iplen > l3len)
		iplen = l3len;
	if (iplen > DPI_MAX_IP_LEN)
		iplen = DPI_MAX_IP_LEN;
	return iplen;
}

/*
 * The version of an SNMP message (RFC 1157, RFC 3416, RFC 3412): 1
 * (v1), 2 (v2c), 3 (v3), or 0 when the UDP payload of the IP packet
 * in l3 is not one.  The message is a SEQUENCE of an INTEGER version
 * and, in v1 and v2c, the community OCTET STRING, which is checked to
 * be there and never read.
 */
static uint8_t
snmp_version(const uint8_t *l3, size_t len)
{
	struct breader br;
	size_t hl, n;
	uint8_t b, v;

	br_init(&br, l3, len);
	b = br_u8(&br);
	if ((b >> 4) == 4) {
		hl = (size_t)(b & 0x0f) * 4;
		if (hl < DPI_IPV4_HDR_MIN || len < hl || l3[9] != 17 ||
		    (l3[6] & 0x3f) != 0 || l3[7] != 0)	/* not a first */
			return 0;				/* fragment */
	} else if ((b >> 4) == 6) {
		hl = DPI_IPV6_HDR_LEN;
		if (len < hl || l3[6] != 17)
			return 0;
	} else
		return 0;
	br_init(&br, l3, len);
	br_skip(&br, hl + 8);				/* UDP header */
	if (br_u8(&br) != 0x30)				/* SEQUENCE */
		return 0;
	b = br_u8(&br);
	if (b & 0x80) {					/* long form */
		n = b & 0x7f;
		if (n == 0 || n > 2)
			return 0;
		br_skip(&br, n);
	}
	if (br_u8(&br) != 0x02 || br_u8(&br) != 0x01)	/* INTEGER, 1 byte */
		return 0;
	v = br_u8(&br);
	if (!br_ok(&br))
		return 0;
	if (v == 3)
		return 3;
	if (v > 1 || br_u8(&br) != 0x04 || !br_ok(&br))	/* community */
		return 0;
	return (uint8_t)(v + 1);
}

/*
 * The TCP flags of the IP packet in l3 (len bytes, what nDPI would be
 * handed) when it is a whole TCP segment without payload as nDPI parses
 * it, else -1.  IPv4 (RFC 791): IHL, total length equal to len, no
 * fragment offset; IPv6 (RFC 8200): payload length, and TCP right after
 * the fixed header (nDPI walks extension headers; those packets go to
 * it).  TCP (RFC 9293): the data offset covers all of the segment.
 */
static int
tcp_bare_flags(const uint8_t *l3, size_t len)
{
	struct breader br;
	size_t hl, l4len;
	uint8_t b, proto, doff, flags;
	uint16_t frag;

	br_init(&br, l3, len);
	b = br_u8(&br);
	if ((b >> 4) == 4) {
		hl = (size_t)(b & 0x0f) * 4;
		br_skip(&br, 1);			/* TOS */
		l4len = br_be16(&br);			/* total length */
		br_skip(&br, 2);			/* id */
		frag = br_be16(&br) & 0x1fff;		/* offset */
		br_skip(&br, 1);			/* TTL */
		proto = br_u8(&br);
		if (!br_ok(&br) || hl < DPI_IPV4_HDR_MIN || l4len != len ||
		    l4len < hl || frag != 0)
			return -1;
		l4len -= hl;
	} else if ((b >> 4) == 6) {
		hl = DPI_IPV6_HDR_LEN;
		br_skip(&br, 3);			/* class, label */
		l4len = br_be16(&br);			/* payload length */
		proto = br_u8(&br);			/* next header */
		if (!br_ok(&br) || len < hl || l4len != len - hl)
			return -1;
	} else
		return -1;
	if (proto != DPI_IPPROTO_TCP || l4len < DPI_TCP_HDR_MIN)
		return -1;
	br_init(&br, l3, len);
	br_skip(&br, hl + 12);
	doff = br_u8(&br) >> 4;
	flags = br_u8(&br);
	if (!br_ok(&br) || (size_t)doff * 4 != l4len)
		return -1;
	return flags;
}

/* Keep nDPI's current answer: ids, names, category and risks. */
static void
flow_record(struct dpi_engine *eng, struct dpi_flow *f, ndpi_protocol p)
{
	uint16_t master = p.master_protocol, app = p.app_protocol;
	const char *ours = NULL;

	if (f->nf != NULL)
		f->risk = f->nf->risk;
	if (p.category != NDPI_PROTOCOL_CATEGORY_UNSPECIFIED &&
	    p.category < NDPI_PROTOCOL_NUM_CATEGORIES)
		f->category = ndpi_category_get_name(eng->ndpi, p.category);
	if (master >= eng->nprotos)
		master = NDPI_PROTOCOL_UNKNOWN;
	if (app >= eng->nprotos)
		app = NDPI_PROTOCOL_UNKNOWN;
	if (master == f->master && app == f->app)
		return;
	f->master = master;
	f->app = app;
	if (master == NDPI_PROTOCOL_UNKNOWN && app == NDPI_PROTOCOL_UNKNOWN) {
		f->name[0] = '\0';
		f->app_proto = NULL;
		return;
	}
	p.master_protocol = master;
	p.app_protocol = app;
	ndpi_protocol2name(eng->ndpi, p, f->name, sizeof(f->name));

	/*
	 * "TLS.Google" is "tls" but "HTTP.WebSocket" is "websocket": the
	 * inner protocol wins only when Suricata has a name for it.
	 */
	if (app != NDPI_PROTOCOL_UNKNOWN)
		ours = dpi_map_name(ndpi_get_proto_name(eng->ndpi, app));
	if (ours == NULL && master != NDPI_PROTOCOL_UNKNOWN) {
		ours = dpi_map_name(ndpi_get_proto_name(eng->ndpi, master));
		if (ours == NULL)
			ours = eng->lower[master];
	}
	if (ours == NULL)
		ours = eng->lower[app];
	f->app_proto = ours;
}

static enum dpi_status
flow_finish(struct dpi_engine *eng, struct dpi_flow *f, uint64_t *counter)
{
	flow_record(eng, f, shim_giveup(eng, f));
	flow_release_ndpi(f);
	f->done = true;
	(*counter)++;
	return DPI_DONE;
}

static enum dpi_status
dpi_packet1(struct dpi_engine *eng, struct dpi_flow *f, const uint8_t *l3,
    size_t l3len, uint64_t ts_us, int dir)
{
	ndpi_protocol p;
	size_t len = 0;
	int flags;

	if (f->done)
		return DPI_DONE;
	f->npkts++;
	if (l3 != NULL)
		len = ip_len(l3, l3len);
	if (len == 0)
		eng->stats.pkts_not_ip++;
	else if (len > DPI_MAX_FLOW_BYTES - f->bytes)
		return flow_finish(eng, f, &eng->stats.flows_byte_limit);
	else if (eng->bare_skip && (flags = tcp_bare_flags(l3, len)) != -1 &&
	    shim_bare_counted(f, (uint8_t)flags)) {
		/* Counted as if fed, so the limits fall where they did. */
		f->bytes += (uint32_t)len;
		eng->stats.pkts_bare++;
	} else {
		f->bytes += (uint32_t)len;
		eng->stats.pkts_fed++;
		/* Everything past scratch_used is zero already: clear only
		 * what the previous, longer packet left behind. */
		memcpy(eng->scratch, l3, len);
		if (eng->scratch_used > len)
			memset(eng->scratch + len, 0, eng->scratch_used - len);
		eng->scratch_used = len;
		p = shim_process(eng, f, eng->scratch, (uint16_t)len,
		    ts_us / 1000, dir);
#ifdef DPI_NDPI_LINES_4_2
		dpi_lines_check(eng, len, ts_us / 1000);
#endif
		flow_record(eng, f, p);
		if (f->snmp == 0 && (p.master_protocol == NDPI_PROTOCOL_SNMP ||
		    p.app_protocol == NDPI_PROTOCOL_SNMP))
			f->snmp = snmp_version(eng->scratch, len);
		if ((p.master_protocol != NDPI_PROTOCOL_UNKNOWN ||
		    p.app_protocol != NDPI_PROTOCOL_UNKNOWN) &&
		    !ndpi_extra_dissection_possible(eng->ndpi, f->nf))
			return flow_finish(eng, f, &eng->stats.flows_detected);
	}
	if (f->npkts >= eng->max_packets)
		return flow_finish(eng, f, &eng->stats.flows_packet_limit);
	return DPI_MORE;
}

enum dpi_status
dpi_packet(struct dpi_engine *eng, struct dpi_flow *f, const uint8_t *l3,
    size_t l3len, uint64_t ts_us, int dir)
{
	int64_t before = dpi_heap;
	enum dpi_status st;

	dpi_cur = eng;
	st = dpi_packet1(eng, f, l3, l3len, ts_us, dir);
	dpi_cur = NULL;
	f->heap += dpi_heap - before;
#ifdef DPI_NDPI_LINES_4_2
	eng->stats.lines_fast += dpi_lines_fast;
	dpi_lines_fast = 0;
#endif
	return st;
}

void
dpi_stop(struct dpi_engine *eng, struct dpi_flow *f)
{
	int64_t before = dpi_heap;

	if (f->done)
		return;
	dpi_cur = eng;
	(void)flow_finish(eng, f, &eng->stats.flows_stopped);
	dpi_cur = NULL;
	f->heap += dpi_heap - before;
}

void
dpi_release(struct dpi_engine *eng, struct dpi_flow *f)
{
	int64_t before = dpi_heap;

	if (f->done)
		return;
	/* No giveup: the answer stays what the last packet left, as it
	 * would have been when the flow ended. */
	flow_release_ndpi(f);
	f->done = true;
	eng->stats.flows_closed++;
	f->heap += dpi_heap - before;
}

void
dpi_exclude(struct dpi_flow *f, enum dpi_excl which)
{
#ifndef DPI_NDPI_GLOBAL_CONTEXT
	struct ndpi_flow_struct *nf = f->nf;

	if (f->done || nf == NULL ||
	    nf->detected_protocol_stack[0] != NDPI_PROTOCOL_UNKNOWN)
		return;
	switch (which) {
	case DPI_EXCL_FTP:
		NDPI_ADD_PROTOCOL_TO_BITMASK(nf->excluded_protocol_bitmask,
		    NDPI_PROTOCOL_FTP_CONTROL);
		break;
	}
#else
	/* Later nDPI excludes by dissector, in a struct of its own:
	 * nothing (every dissector keeps trying, as before). */
	(void)f;
	(void)which;
#endif
}

const char *
dpi_app_proto(const struct dpi_flow *f)
{
	return f->app_proto;
}

const char *
dpi_ndpi_name(const struct dpi_flow *f)
{
	return f->name[0] == '\0' ? NULL : f->name;
}

const char *
dpi_category(const struct dpi_flow *f)
{
	return f->category;
}

/* nDPI's risk bits to ours (app/dpirisk.def). */
static const struct {
	unsigned	 nn;
	ndpi_risk_enum	 r;
} dpi_risk_map[] = {
#define DPI_RISK(nn, name, ndpi, sev, ends, title, fix)	{ nn, ndpi },
#include "app/dpirisk.def"
#undef DPI_RISK
};

unsigned
dpi_snmp_version(const struct dpi_flow *f)
{
	return f->snmp;
}

uint64_t
dpi_risk_ids(const struct dpi_flow *f)
{
	uint64_t ids = 0;
	size_t i;

	if ((f->risk & ~UINT64_C(1)) == 0)
		return 0;
	for (i = 0; i < sizeof(dpi_risk_map) / sizeof(dpi_risk_map[0]); i++)
		if ((unsigned)dpi_risk_map[i].r < 64 &&
		    (f->risk & (UINT64_C(1) << dpi_risk_map[i].r)) &&
		    dpi_risk_map[i].nn < 64)
			ids |= UINT64_C(1) << dpi_risk_map[i].nn;
	return ids;
}

size_t
dpi_risks(const struct dpi_flow *f, const char **names, size_t max)
{
	uint64_t set = f->risk & ~UINT64_C(1);
	size_t n = 0;
	int r;

	/*
	 * Bit 0 is NDPI_NO_RISK.  Only bits below NDPI_MAX_RISK are named:
	 * for other values 4.2's ndpi_risk2str() formats into a static
	 * buffer, which two workers could overwrite at once.  The set bits
	 * only, lowest first (most flows have none).
	 */
	if (NDPI_MAX_RISK < 64)
		set &= (UINT64_C(1) << (NDPI_MAX_RISK < 64 ? NDPI_MAX_RISK :
		    63)) - 1;
	while (set != 0 && n < max) {
		r = __builtin_ctzll(set);
		set &= set - 1;
		names[n++] = ndpi_risk2str((ndpi_risk_enum)r);
	}
	return n;
}
