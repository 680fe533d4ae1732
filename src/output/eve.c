/*
 * eve.c - EVE record builders.
 *
 * Key order is fixed (as Suricata writes it), so records are byte-for-
 * byte reproducible for golden tests.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "decode/packet.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/output.h"
#include "output/jsonw.h"
#include "output/record.h"
#include "util/fmt.h"
#include "util/util.h"

const char *
eve_proto_name(uint8_t proto, char buf[8])
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 58:
		return "IPv6-ICMP";
	case 132:
		return "SCTP";
	default:
		snprintf(buf, 8, "%03u", proto);
		return buf;
	}
}

static bool
proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static bool
proto_is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/*
 * The heads of records (eve_format(), eve_app_begin()) are runs of
 * members whose keys are literals and whose values our own formatters
 * make: they are built in a buffer of the caller's, sized for the
 * longest run, and handed to the writer in one copy.  These write at
 * o and return the end.
 */
#define PUT_LIT(o, s)	put_bytes((o), (s), sizeof(s) - 1)

static inline char *
put_bytes(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

/* A string that needs no escaping (jsonw_str_plain()), quoted. */
static inline char *
put_plain(char *o, const char *s, size_t n)
{
	*o++ = '"';
	memcpy(o, s, n);
	o[n] = '"';
	return o + n + 1;
}

/* v in decimal straight at o (fmt_uint()): a flow id has 16 digits, a
 * port 5. */
static inline char *
put_u64(char *o, uint64_t v)
{
	return o + fmt_uint(o, v);
}

/* A MAC, quoted (util_put_mac()). */
static inline char *
put_mac(char *o, const uint8_t *m)
{
	*o++ = '"';
	o = util_put_mac(o, m);
	*o++ = '"';
	return o;
}

/*
 * The decimal digits of every byte value and their count, for IPv4
 * addresses: an address is four table reads, not four rounds of
 * division.  Each entry is 4 bytes, written whole (the bytes past the
 * digits are overwritten by what follows).
 */
struct eve_octet {
	char		 d[3];
	uint8_t		 n;
};

#define EVE_OCT(v)	{ {						\
	(char)('0' + ((v) >= 100 ? (v) / 100 : (v) >= 10 ? (v) / 10 : (v))), \
	(char)((v) >= 100 ? '0' + (v) / 10 % 10 : (v) >= 10 ?		\
	    '0' + (v) % 10 : 0),					\
	(char)((v) >= 100 ? '0' + (v) % 10 : 0) },			\
	(uint8_t)(1 + ((v) >= 10) + ((v) >= 100)) }
#define EVE_OCT4(v)	EVE_OCT(v), EVE_OCT((v) + 1), EVE_OCT((v) + 2), \
	EVE_OCT((v) + 3)
#define EVE_OCT16(v)	EVE_OCT4(v), EVE_OCT4((v) + 4), EVE_OCT4((v) + 8), \
	EVE_OCT4((v) + 12)
#define EVE_OCT64(v)	EVE_OCT16(v), EVE_OCT16((v) + 16), \
	EVE_OCT16((v) + 32), EVE_OCT16((v) + 48)

static const struct eve_octet eve_octets[256] = {
	EVE_OCT64(0), EVE_OCT64(64), EVE_OCT64(128), EVE_OCT64(192)
};

_Static_assert(sizeof(struct eve_octet) == 4, "an octet is one word");

#if defined(__GNUC__) || defined(__clang__)
#define EVE_NOINLINE	__attribute__((noinline))
#else
#define EVE_NOINLINE
#endif

/* put_ip() of an address that is not IPv4: apart, as it needs a copy. */
static EVE_NOINLINE char *
put_ip_other(char *o, uint8_t ipver, const uint8_t *addr)
{
	char a[UTIL_ADDRBUF];

	util_format_ip(ipver, addr, a);
	return put_plain(o, a, strlen(a));
}

/* An address as util_format_ip() writes it, quoted; an IPv4 address
 * needs 2 bytes of room past its closing quote. */
static inline char *
put_ip(char *o, uint8_t ipver, const uint8_t *addr)
{
	int i;

	if (ipver != 4)
		return put_ip_other(o, ipver, addr);
	*o++ = '"';
	for (i = 0; i < 4; i++) {
		memcpy(o, &eve_octets[addr[i]], 4);
		o += eve_octets[addr[i]].n;
		*o++ = i < 3 ? '.' : '"';
	}
	return o;
}

/*
 * Suricata's "ether" object: the MAC addresses oriented as the record's
 * tuple (src_mac is src_ip's), each written when known (non-NULL).
 */
static void
kv_ether(struct jsonw *jw, const uint8_t *src, const uint8_t *dst)
{
	char mac[18];

	JSONW_KEY(jw, "ether");
	jsonw_obj_open(jw);
	if (src != NULL) {
		util_format_mac(src, mac);
		JSONW_KV_PLAIN(jw, "src_mac", mac);
	}
	if (dst != NULL) {
		util_format_mac(dst, mac);
		JSONW_KV_PLAIN(jw, "dest_mac", mac);
	}
	jsonw_obj_close(jw);
}

static void
kv_vlan(struct jsonw *jw, const uint16_t *vlan, uint8_t cnt)
{
	uint8_t i;

	if (cnt == 0)
		return;
	JSONW_KEY(jw, "vlan");
	jsonw_arr_open(jw);
	for (i = 0; i < cnt; i++)
		jsonw_uint(jw, vlan[i]);
	jsonw_arr_close(jw);
}

/* Names and types are short literals; a longer one takes the writer. */
#define EVE_NAME_MAX	64
/* The sensor's and the interface's names, escaped into a run when no
 * longer than this (6 bytes a byte at most); a longer one takes the
 * writer. */
#define EVE_TEXT_MAX	64
#define EVE_TEXT_RUN	(14 + 6 * EVE_TEXT_MAX + 1)
/* Longest head run: the timestamp and flow id, the interface, then
 * event_type, the VLANs, two IPv6 addresses, ports, protocol, ICMP type
 * and code (eve_format()). */
#define EVE_HEAD_MAX	(16 + UTIL_TSBUF + 12 + 20 + EVE_TEXT_RUN + \
	    64 + 8 + 3 * 21 + 2 * (14 + UTIL_ADDRBUF) + 2 * 14 + 20 + \
	    2 * 14 + 64)

/* A string escaped as jsonw_str() escapes it, quoted, at o (room for
 * 6 * n + 2 bytes): jsonw_put_text(). */
static inline char *
put_text(char *o, const char *s, size_t n)
{
	return jsonw_put_text(o, s, n);
}

/* ,"proto":NAME as eve_proto_name() names it, the common ones as
 * literals. */
static inline char *
put_proto(char *o, uint8_t proto)
{
	char pbuf[8];
	const char *pn;

	switch (proto) {
	case 6:
		return PUT_LIT(o, ",\"proto\":\"TCP\"");
	case 17:
		return PUT_LIT(o, ",\"proto\":\"UDP\"");
	default:
		pn = eve_proto_name(proto, pbuf);
		o = PUT_LIT(o, ",\"proto\":");
		return put_plain(o, pn, strlen(pn));
	}
}

/* The head from "event_type" to the tuple, at o. */
static char *
head_run(char *o, const struct record *r, size_t etlen)
{
	uint8_t i;

	o = PUT_LIT(o, "\"event_type\":");
	o = put_plain(o, r->event_type, etlen);
	if (r->vlan_cnt > 0) {
		o = PUT_LIT(o, ",\"vlan\":[");
		for (i = 0; i < r->vlan_cnt; i++) {
			if (i > 0)
				*o++ = ',';
			o = put_u64(o, r->vlan[i]);
		}
		*o++ = ']';
	}
	if (r->flags & RECORD_F_SRC_ONLY) {
		o = PUT_LIT(o, ",\"src_ip\":");
		o = put_ip(o, r->ipver, r->src);
	} else if (r->flags & RECORD_F_TUPLE) {
		o = PUT_LIT(o, ",\"src_ip\":");
		o = put_ip(o, r->ipver, r->src);
		if (proto_has_ports(r->proto)) {
			o = PUT_LIT(o, ",\"src_port\":");
			o = put_u64(o, r->sport);
		}
		o = PUT_LIT(o, ",\"dest_ip\":");
		o = put_ip(o, r->ipver, r->dst);
		if (proto_has_ports(r->proto)) {
			o = PUT_LIT(o, ",\"dest_port\":");
			o = put_u64(o, r->dport);
		}
		o = put_proto(o, r->proto);
		if (proto_is_icmp(r->proto)) {
			o = PUT_LIT(o, ",\"icmp_type\":");
			o = put_u64(o, r->sport);
			o = PUT_LIT(o, ",\"icmp_code\":");
			o = put_u64(o, r->dport);
		}
	}
	return o;
}

/* "host" and "seq" after a head, each with its comma. */
#define EVE_TAIL_MAX	(8 + EVE_TEXT_RUN + 7 + FMT_UINT_MAX)

/*
 * The common line, every part of it in its short form (no "hygiene",
 * names no longer than a run takes): one run of the writer's, the head
 * made in place, then the body and the tail, with the commas
 * jsonw_raw() would have put between them.
 */
static void
line_run(struct jsonw *jw, const struct record *r, const char *body,
    const char *in_iface, size_t ilen, const char *host, size_t hlen,
    bool localtime, uint64_t seq, struct util_tscache *tsc, size_t etlen)
{
	struct jsonw_run jr;
	char *o;

	jsonw_run_begin(jw, &jr, EVE_HEAD_MAX + 1 + r->len + EVE_TAIL_MAX);
	o = PUT_LIT(jr.o, "\"timestamp\":\"");
	o += util_format_ts_cached(tsc, r->ts_us, localtime, o);
	*o++ = '"';
	if (r->flow_id != 0) {
		o = PUT_LIT(o, ",\"flow_id\":");
		o = put_u64(o, r->flow_id);
	}
	if (in_iface != NULL) {
		o = PUT_LIT(o, ",\"in_iface\":");
		o = put_text(o, in_iface, ilen);
	}
	*o++ = ',';
	o = head_run(o, r, etlen);
	if (r->len > 0) {
		*o++ = ',';
		memcpy(o, body, r->len);
		o += r->len;
	}
	if (host != NULL) {
		o = PUT_LIT(o, ",\"host\":");
		o = put_text(o, host, hlen);
	}
	if (seq != 0) {
		o = PUT_LIT(o, ",\"seq\":");
		o = put_u64(o, seq);
	}
	jr.o = o;
	jr.comma = true;
	jsonw_run_end(jw, &jr);
}

void
eve_format(struct jsonw *jw, const struct record *r, const char *body,
    const char *in_iface, const char *host, bool localtime, uint64_t seq,
    uint64_t held, struct util_tscache *tsc)
{
	char a[UTIL_ADDRBUF], pbuf[8];
	char b[EVE_HEAD_MAX], *o;
	size_t etlen, ilen = 0, hlen = 0;
	bool run;

	jsonw_obj_open(jw);
	/* Suricata's stats records have no interface. */
	if (r->type == RECORD_STATS)
		in_iface = NULL;
	if (in_iface != NULL)
		ilen = strlen(in_iface);
	if (host != NULL)
		hlen = strlen(host);
	etlen = strlen(r->event_type);
	if (held == 0 && ilen <= EVE_TEXT_MAX && hlen <= EVE_TEXT_MAX &&
	    etlen <= EVE_NAME_MAX && r->vlan_cnt <= PKT_MAX_VLAN) {
		line_run(jw, r, body, in_iface, ilen, host, hlen, localtime,
		    seq, tsc, etlen);
		jsonw_obj_close(jw);
		return;
	}
	/* The time straight into the run (room for UTIL_TSBUF). */
	o = PUT_LIT(b, "\"timestamp\":\"");
	o += util_format_ts_cached(tsc, r->ts_us, localtime, o);
	*o++ = '"';
	if (r->flow_id != 0) {
		o = PUT_LIT(o, ",\"flow_id\":");
		o = put_u64(o, r->flow_id);
	}
	if (in_iface != NULL) {
		if (ilen <= EVE_TEXT_MAX) {
			o = PUT_LIT(o, ",\"in_iface\":");
			o = put_text(o, in_iface, ilen);
		} else {
			jsonw_raw(jw, b, (size_t)(o - b));
			JSONW_KV_STR(jw, "in_iface", in_iface);
			o = b;
		}
	}
	/* The rest of the head in the same run when it can be. */
	run = etlen <= EVE_NAME_MAX && r->vlan_cnt <= PKT_MAX_VLAN;
	if (run) {
		if (o > b)
			*o++ = ',';
		o = head_run(o, r, etlen);
	}
	if (o > b)
		jsonw_raw(jw, b, (size_t)(o - b));
	if (!run) {
		JSONW_KV_PLAIN(jw, "event_type", r->event_type);
		kv_vlan(jw, r->vlan, r->vlan_cnt);
		if (r->flags & RECORD_F_SRC_ONLY) {
			util_format_ip(r->ipver, r->src, a);
			JSONW_KV_PLAIN(jw, "src_ip", a);
		} else if (r->flags & RECORD_F_TUPLE) {
			util_format_ip(r->ipver, r->src, a);
			JSONW_KV_PLAIN(jw, "src_ip", a);
			if (proto_has_ports(r->proto))
				JSONW_KV_UINT(jw, "src_port", r->sport);
			util_format_ip(r->ipver, r->dst, a);
			JSONW_KV_PLAIN(jw, "dest_ip", a);
			if (proto_has_ports(r->proto))
				JSONW_KV_UINT(jw, "dest_port", r->dport);
			JSONW_KV_PLAIN(jw, "proto",
			    eve_proto_name(r->proto, pbuf));
			if (proto_is_icmp(r->proto)) {
				JSONW_KV_UINT(jw, "icmp_type", r->sport);
				JSONW_KV_UINT(jw, "icmp_code", r->dport);
			}
		}
	}
	if (r->len > 0)
		jsonw_raw(jw, body, r->len);
	if (held > 0) {
		JSONW_KEY(jw, "hygiene");
		jsonw_obj_open(jw);
		JSONW_KV_UINT(jw, "suppressed", held);
		if (r->flags & RECORD_F_HYG_SUMMARY)
			JSONW_KV_BOOL(jw, "summary", true);
		jsonw_obj_close(jw);
	}
	/* "host" and "seq": one run too. */
	o = b;
	if (host != NULL) {
		if (hlen <= EVE_TEXT_MAX) {
			o = PUT_LIT(o, "\"host\":");
			o = put_text(o, host, hlen);
		} else
			JSONW_KV_STR(jw, "host", host);
	}
	if (seq != 0) {
		if (o > b)
			*o++ = ',';
		o = PUT_LIT(o, "\"seq\":");
		o = put_u64(o, seq);
	}
	if (o > b)
		jsonw_raw(jw, b, (size_t)(o - b));
	jsonw_obj_close(jw);
}

/* Start a record with a flow's head, oriented client to server or
 * (rev) the other way. */
static struct jsonw *
flow_begin(struct record_writer *rw, unsigned type, const char *event_type,
    uint64_t ts_us, const struct flow *f, bool rev)
{
	struct jsonw *jw;
	struct record *r;

	if ((jw = record_begin(rw, type, event_type, ts_us)) == NULL)
		return NULL;
	r = record_head(rw);
	r->flow_id = f->flow_id;
	record_set_vlan(r, f->vlan, f->vlan_cnt);
	record_set_tuple(r, f->ipver, rev ? f->srv_ip : f->cli_ip,
	    rev ? f->cli_ip : f->srv_ip, rev ? f->srv_port : f->cli_port,
	    rev ? f->cli_port : f->srv_port, f->proto);
	return jw;
}

/* Members of a run (jsonw.h): a literal member, a key and a string
 * escaped as jsonw_str() escapes it, a key and a number. */
#define RUN_LIT(r, s)	jsonw_run_lit((r), (s), sizeof(s) - 1, true)

static inline void
run_text(struct jsonw_run *r, const char *s, size_t n)
{
	r->o = put_text(r->o, s, n);
	r->comma = true;
}

/* Our own formatters' text (a time, a Community ID): never escaped,
 * as jsonw_str_plain(). */
static inline void
run_plain(struct jsonw_run *r, const char *s, size_t n)
{
	r->o = put_plain(r->o, s, n);
	r->comma = true;
}

static inline void
run_ts(struct jsonw_run *r, struct util_tscache *c, uint64_t ts_us,
    bool localtime)
{
	*r->o++ = '"';
	r->o += util_format_ts_cached(c, ts_us, localtime, r->o);
	*r->o++ = '"';
	r->comma = true;
}

static inline void
run_u64(struct jsonw_run *r, uint64_t v)
{
	r->o = put_u64(r->o, v);
	r->comma = true;
}

static inline void
run_hex8(struct jsonw_run *r, uint8_t v)
{
	static const char hex[] = "0123456789abcdef";

	r->o[0] = '"';
	r->o[1] = hex[v >> 4];
	r->o[2] = hex[v & 0xf];
	r->o[3] = '"';
	r->o += 4;
	r->comma = true;
}

/* The fixed part of a flow record, "app_proto" to "tcp", at most
 * (strings apart, 6 bytes each at worst, escaped). */
#define EVE_FLOW_RUN	(640 + 2 * UTIL_TSBUF + COMMUNITYID_LEN)

/*
 * A flow record: one run from "app_proto" to "tcp", the members as
 * jsonw_kv_*() wrote them one by one, with no check of room or state
 * per member; a flow ends once, and its record was a fifth of the
 * worker's output work.
 */
void
eve_flow(struct record_writer *rw, struct flow *f, const char *reason,
    const char *app_proto, void (*extra)(struct jsonw *, const struct flow *),
    const struct eve_opts *o)
{
	const char *cid, *state, *tstate = NULL;
	struct jsonw *jw;
	struct jsonw_run r;
	size_t alen, rlen, slen, tlen = 0;
	uint8_t all;

	if ((jw = flow_begin(rw, RECORD_FLOW, "flow", f->ts_last, f,
	    false)) == NULL)
		return;
	alen = app_proto != NULL ? strlen(app_proto) : 0;
	rlen = reason != NULL ? strlen(reason) : 0;
	state = flow_state_name(f->state);
	slen = state != NULL ? strlen(state) : 0;
	if (f->proto == 6) {
		tstate = tcp_state_name(f->tcp_state);
		tlen = tstate != NULL ? strlen(tstate) : 0;
	}
	cid = flow_community_id(f, o->cid_seed);
	jsonw_run_begin(jw, &r, EVE_FLOW_RUN + 6 * (alen + rlen + slen +
	    tlen));
	if (app_proto != NULL) {
		JSONW_RUN_KEY(&r, "app_proto");
		run_text(&r, app_proto, alen);
	}
	JSONW_RUN_KEY(&r, "flow");
	jsonw_run_open(&r, '{');
	JSONW_RUN_KEY(&r, "pkts_toserver");
	run_u64(&r, f->pkts[FLOW_DIR_TOSERVER]);
	JSONW_RUN_KEY(&r, "pkts_toclient");
	run_u64(&r, f->pkts[FLOW_DIR_TOCLIENT]);
	JSONW_RUN_KEY(&r, "bytes_toserver");
	run_u64(&r, f->bytes[FLOW_DIR_TOSERVER]);
	JSONW_RUN_KEY(&r, "bytes_toclient");
	run_u64(&r, f->bytes[FLOW_DIR_TOCLIENT]);
	/* Start and end are in the body: formatted here, in UTC or local
	 * time as the output's timestamps (util_format_ts), each through
	 * the writer's cache of its last second (flows end in time order,
	 * most of them within a second of the one before), straight into
	 * the run (room for UTIL_TSBUF). */
	JSONW_RUN_KEY(&r, "start");
	run_ts(&r, &rw->ts_cache[0], f->ts_first, o->localtime);
	JSONW_RUN_KEY(&r, "end");
	run_ts(&r, &rw->ts_cache[1], f->ts_last, o->localtime);
	JSONW_RUN_KEY(&r, "age");
	run_u64(&r, (f->ts_last - f->ts_first) / 1000000);
	JSONW_RUN_KEY(&r, "state");
	if (state != NULL)
		run_text(&r, state, slen);
	else
		RUN_LIT(&r, "null");
	JSONW_RUN_KEY(&r, "reason");
	if (reason != NULL)
		run_text(&r, reason, rlen);
	else
		RUN_LIT(&r, "null");
	/* Suricata's key; no rule raises alerts yet, so no flow has one. */
	RUN_LIT(&r, "\"alerted\":false");
	if (f->flags & FLOW_F_EMERGENCY)
		RUN_LIT(&r, "\"emergency\":true");
	jsonw_run_close(&r, '}');

	if (f->has_mac) {
		JSONW_RUN_KEY(&r, "ether");
		r.o = PUT_LIT(r.o, "{\"src_mac\":");
		r.o = put_mac(r.o, f->cli_mac);
		r.o = PUT_LIT(r.o, ",\"dest_mac\":");
		r.o = put_mac(r.o, f->srv_mac);
		jsonw_run_close(&r, '}');
	}

	if (cid != NULL) {
		JSONW_RUN_KEY(&r, "community_id");
		run_plain(&r, cid, COMMUNITYID_STRLEN);
	}

	if (f->proto == 6) {
		all = f->tcp_flags[0] | f->tcp_flags[1];
		JSONW_RUN_KEY(&r, "tcp");
		jsonw_run_open(&r, '{');
		JSONW_RUN_KEY(&r, "tcp_flags");
		run_hex8(&r, all);
		JSONW_RUN_KEY(&r, "tcp_flags_ts");
		run_hex8(&r, f->tcp_flags[0]);
		JSONW_RUN_KEY(&r, "tcp_flags_tc");
		run_hex8(&r, f->tcp_flags[1]);
		if (all & TH_SYN)
			RUN_LIT(&r, "\"syn\":true");
		if (all & TH_FIN)
			RUN_LIT(&r, "\"fin\":true");
		if (all & TH_RST)
			RUN_LIT(&r, "\"rst\":true");
		if (all & TH_PSH)
			RUN_LIT(&r, "\"psh\":true");
		if (all & TH_ACK)
			RUN_LIT(&r, "\"ack\":true");
		if (all & TH_URG)
			RUN_LIT(&r, "\"urg\":true");
		if (all & TH_ECE)
			RUN_LIT(&r, "\"ecn\":true");
		if (all & TH_CWR)
			RUN_LIT(&r, "\"cwr\":true");
		if (f->tcp.dir[FLOW_DIR_TOSERVER].gap_bytes > 0)
			RUN_LIT(&r, "\"ts_gap\":true");
		if (f->tcp.dir[FLOW_DIR_TOCLIENT].gap_bytes > 0)
			RUN_LIT(&r, "\"tc_gap\":true");
		JSONW_RUN_KEY(&r, "state");
		if (tstate != NULL)
			run_text(&r, tstate, tlen);
		else
			RUN_LIT(&r, "null");
		jsonw_run_close(&r, '}');
	}
	jsonw_run_end(jw, &r);

	if (extra != NULL)
		extra(jw, f);

	if (f->flags & FLOW_F_MIDSTREAM ||
	    f->tcp.dir[0].gap_bytes > 0 || f->tcp.dir[1].gap_bytes > 0) {
		jsonw_key(jw, "wardwatch");
		jsonw_obj_open(jw);
		if (f->flags & FLOW_F_MIDSTREAM)
			jsonw_kv_bool(jw, "midstream", true);
		if (f->tcp.dir[0].gap_bytes > 0)
			jsonw_kv_uint(jw, "gap_bytes_toserver",
			    f->tcp.dir[0].gap_bytes);
		if (f->tcp.dir[1].gap_bytes > 0)
			jsonw_kv_uint(jw, "gap_bytes_toclient",
			    f->tcp.dir[1].gap_bytes);
		jsonw_obj_close(jw);
	}
	record_commit(rw);
}

struct jsonw *
eve_app_begin(struct record_writer *rw, unsigned type, struct flow *f,
    const char *name, int dir, const struct packet *p,
    const struct eve_opts *o)
{
	/* pcap_cnt, ether, community_id, app_proto, direction. */
	char b[32 + 72 + 20 + COMMUNITYID_LEN + 16 + EVE_NAME_MAX + 26], *e;
	const char *cid;
	bool rev = dir == FLOW_DIR_TOCLIENT;
	struct jsonw *jw;
	size_t nlen;

	if ((jw = flow_begin(rw, type, name, p != NULL ? p->ts_us :
	    f->ts_last, f, rev)) == NULL)
		return NULL;
	cid = flow_community_id(f, o->cid_seed);
	nlen = strlen(name);
	if (nlen > EVE_NAME_MAX) {
		if (p != NULL && p->pcap_cnt != 0)
			JSONW_KV_UINT(jw, "pcap_cnt", p->pcap_cnt);
		if (f->has_mac)
			kv_ether(jw, rev ? f->srv_mac : f->cli_mac,
			    rev ? f->cli_mac : f->srv_mac);
		if (cid != NULL)
			JSONW_KV_PLAIN(jw, "community_id", cid);
		JSONW_KV_PLAIN(jw, "app_proto", name);
		JSONW_KV_PLAIN(jw, "direction",
		    rev ? "to_client" : "to_server");
		return jw;
	}
	/* One run, as the members above write it. */
	e = b;
	if (p != NULL && p->pcap_cnt != 0) {
		e = PUT_LIT(e, "\"pcap_cnt\":");
		e = put_u64(e, p->pcap_cnt);
		*e++ = ',';
	}
	if (f->has_mac) {
		e = PUT_LIT(e, "\"ether\":{\"src_mac\":");
		e = put_mac(e, rev ? f->srv_mac : f->cli_mac);
		e = PUT_LIT(e, ",\"dest_mac\":");
		e = put_mac(e, rev ? f->cli_mac : f->srv_mac);
		e = PUT_LIT(e, "},");
	}
	if (cid != NULL) {
		e = PUT_LIT(e, "\"community_id\":");
		e = put_plain(e, cid, COMMUNITYID_STRLEN);
		*e++ = ',';
	}
	e = PUT_LIT(e, "\"app_proto\":");
	e = put_plain(e, name, nlen);
	if (rev)
		e = PUT_LIT(e, ",\"direction\":\"to_client\"");
	else
		e = PUT_LIT(e, ",\"direction\":\"to_server\"");
	jsonw_raw(jw, b, (size_t)(e - b));
	return jw;
}

struct jsonw *
eve_device_begin(struct record_writer *rw, unsigned type,
    const char *event_type, uint64_t ts_us, uint16_t vlan, int ipver,
    const uint8_t *addr, const uint8_t *mac)
{
	struct jsonw *jw;
	struct record *r;

	if ((jw = record_begin(rw, type, event_type, ts_us)) == NULL)
		return NULL;
	r = record_head(rw);
	if (vlan != 0)
		record_set_vlan(r, &vlan, 1);
	if (ipver == 4 || ipver == 6) {
		r->flags |= RECORD_F_SRC_ONLY;
		r->ipver = (uint8_t)ipver;
		memcpy(r->src, addr, ipver == 4 ? 4 : 16);
	}
	if (mac != NULL)
		kv_ether(jw, mac, NULL);
	return jw;
}

struct jsonw *
eve_l2_begin(struct record_writer *rw, unsigned type, const struct packet *p,
    const char *event_type, const struct eve_opts *o)
{
	struct jsonw *jw;

	if ((jw = record_begin(rw, type, event_type, p->ts_us)) == NULL)
		return NULL;
	record_set_vlan(record_head(rw), p->vlan, p->vlan_cnt);
	if (o->pcap_filename != NULL)
		jsonw_kv_str(jw, "pcap_filename", o->pcap_filename);
	if (p->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", p->pcap_cnt);
	kv_ether(jw, p->src_mac, p->dst_mac);
	return jw;
}

static void
anomaly_obj(struct jsonw *jw, enum ww_counter ev)
{
	jsonw_key(jw, "anomaly");
	jsonw_obj_open(jw);
	jsonw_kv_str(jw, "type", ev_kind_name(ev_kind(ev)));
	jsonw_kv_str(jw, "event", ev_name(ev));
	jsonw_obj_close(jw);
}

void
eve_anomaly_packet(struct record_writer *rw, const struct packet *p,
    enum ww_counter ev, const struct eve_opts *o)
{
	struct jsonw *jw;
	struct record *r;

	if ((jw = record_begin(rw, RECORD_ANOMALY, "anomaly",
	    p->ts_us)) == NULL)
		return;
	r = record_head(rw);
	record_set_vlan(r, p->vlan, p->vlan_cnt);
	record_set_tuple(r, p->ipver, p->src, p->dst, p->sport, p->dport,
	    p->proto);
	if (o->pcap_filename != NULL)
		jsonw_kv_str(jw, "pcap_filename", o->pcap_filename);
	if (p->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", p->pcap_cnt);
	if (p->flags & PKT_HAS_ETH)
		kv_ether(jw, p->src_mac, p->dst_mac);
	anomaly_obj(jw, ev);
	record_commit(rw);
}

void
eve_anomaly_flow(struct record_writer *rw, const struct flow *f,
    const struct packet *p, enum ww_counter ev, const struct eve_opts *o)
{
	struct jsonw *jw;

	(void)o;
	if ((jw = flow_begin(rw, RECORD_ANOMALY, "anomaly", p != NULL ?
	    p->ts_us : f->ts_last, f, false)) == NULL)
		return;
	if (f->has_mac)
		kv_ether(jw, f->cli_mac, f->srv_mac);
	anomaly_obj(jw, ev);
	record_commit(rw);
}

/* Suricata's stats sections and which of our counters fill them. */
static const char *const suricata_flow_keys[] = {
	"total", "tcp", "udp", "icmpv4", "icmpv6", "memcap",
	"emerg_mode_entered", "emerg_mode_over", "tcp_reuse", NULL
};

static bool
in_list(const char *k, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(k, *list) == 0)
			return true;
	return false;
}

/* Is counter name "section.key" one Suricata's schema has? */
static bool
suricata_stat(const char *name, const char *section, const char **key)
{
	size_t n = strlen(section);

	if (strncmp(name, section, n) != 0 || name[n] != '.')
		return false;
	*key = name + n + 1;
	if (strcmp(section, "flow") == 0)
		return in_list(*key, suricata_flow_keys);
	if (strcmp(section, "capture") == 0)
		return strncmp(*key, "kernel_", 7) == 0 ||
		    strcmp(*key, "errors") == 0;
	return strchr(*key, '.') == NULL;
}

static void
stats_section(struct jsonw *jw, const struct counters *c,
    const char *section)
{
	const char *key;
	int i;

	for (i = 0; i < EV_MAX; i++)
		if (ev_kind((enum ww_counter)i) == EVK_CTR &&
		    suricata_stat(ev_name((enum ww_counter)i), section, &key))
			jsonw_kv_uint(jw, key, ctr_get(c, (enum ww_counter)i));
}

static void
stats_defrag(struct jsonw *jw, const struct counters *c, const char *ver)
{
	char prefix[32];
	const char *key;
	int i;

	snprintf(prefix, sizeof(prefix), "defrag.%s", ver);
	jsonw_key(jw, ver);
	jsonw_obj_open(jw);
	for (i = 0; i < EV_MAX; i++)
		if (ev_kind((enum ww_counter)i) == EVK_CTR &&
		    suricata_stat(ev_name((enum ww_counter)i), prefix, &key))
			jsonw_kv_uint(jw, key, ctr_get(c, (enum ww_counter)i));
	jsonw_obj_close(jw);
}

/* Counters that have no place in Suricata's stats object. */
static bool
wardwatch_only(const char *name)
{
	const char *key;

	return !(suricata_stat(name, "decoder", &key) ||
	    suricata_stat(name, "flow", &key) ||
	    suricata_stat(name, "tcp", &key) ||
	    suricata_stat(name, "capture", &key) ||
	    suricata_stat(name, "defrag.ipv4", &key) ||
	    suricata_stat(name, "defrag.ipv6", &key));
}

void
eve_stats(struct record_writer *rw, uint64_t ts_us, const struct counters *c,
    const struct eve_stats_extra *x)
{
	struct jsonw *jw;
	uint64_t pkts;
	int i;

	if ((jw = record_begin(rw, RECORD_STATS, "stats", ts_us)) == NULL)
		return;
	jsonw_key(jw, "stats");
	jsonw_obj_open(jw);
	jsonw_kv_uint(jw, "uptime", x->uptime_s);

	jsonw_key(jw, "capture");
	jsonw_obj_open(jw);
	stats_section(jw, c, "capture");
	if (x->live_health) {
		jsonw_kv_uint(jw, "iface_rx_dropped", x->iface_rx_dropped);
		jsonw_kv_uint(jw, "iface_rx_missed", x->iface_rx_missed);
		jsonw_kv_uint(jw, "duplicates", x->duplicates);
		jsonw_kv_uint(jw, "health_alerts", x->health_alerts);
	}
	jsonw_obj_close(jw);

	jsonw_key(jw, "decoder");
	jsonw_obj_open(jw);
	stats_section(jw, c, "decoder");
	pkts = ctr_get(c, CTR_PKTS);
	jsonw_kv_uint(jw, "avg_pkt_size",
	    pkts ? ctr_get(c, CTR_BYTES) / pkts : 0);
	jsonw_kv_uint(jw, "max_pkt_size", x->max_pkt_size);
	jsonw_obj_close(jw);

	jsonw_key(jw, "flow");
	jsonw_obj_open(jw);
	stats_section(jw, c, "flow");
	jsonw_kv_uint(jw, "active", x->flow_active);
	jsonw_kv_uint(jw, "memuse", x->flow_memuse);
	jsonw_obj_close(jw);

	jsonw_key(jw, "tcp");
	jsonw_obj_open(jw);
	stats_section(jw, c, "tcp");
	jsonw_obj_close(jw);

	jsonw_key(jw, "defrag");
	jsonw_obj_open(jw);
	stats_defrag(jw, c, "ipv4");
	stats_defrag(jw, c, "ipv6");
	jsonw_kv_uint(jw, "memuse", x->defrag_memuse);
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);	/* stats */

	jsonw_key(jw, "wardwatch");
	jsonw_obj_open(jw);
	jsonw_kv_uint(jw, "workers", x->workers);
	jsonw_kv_uint(jw, "files_read", x->files_read);
	jsonw_kv_uint(jw, "files_failed", x->files_failed);
	/* Suricata's stats.flow has no place for it. */
	jsonw_kv_uint(jw, "flow_memuse_peak", x->flow_memuse_peak);
	jsonw_kv_uint(jw, "queue_memuse_peak", x->queue_memuse_peak);
	jsonw_key(jw, "counters");
	jsonw_obj_open(jw);
	for (i = 0; i < EV_MAX; i++)
		if (ev_kind((enum ww_counter)i) == EVK_CTR &&
		    wardwatch_only(ev_name((enum ww_counter)i)))
			jsonw_kv_uint(jw, ev_name((enum ww_counter)i),
			    ctr_get(c, (enum ww_counter)i));
	jsonw_obj_close(jw);
	jsonw_key(jw, "anomalies");
	jsonw_obj_open(jw);
	for (i = 0; i < EV_MAX; i++)
		if (ev_is_anomaly((enum ww_counter)i) &&
		    ctr_get(c, (enum ww_counter)i) > 0)
			jsonw_kv_uint(jw, ev_name((enum ww_counter)i),
			    ctr_get(c, (enum ww_counter)i));
	jsonw_obj_close(jw);
	if (x->out != NULL)
		output_stats_json(x->out, jw);
	jsonw_obj_close(jw);	/* wardwatch */
	record_commit(rw);
}
