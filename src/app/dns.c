/*
 * app/dns.c - DNS (RFC 1035) and mDNS (RFC 6762) message parser, one
 * UDP datagram per message; DNS over TCP (RFC 1035 4.2.2, RFC 7766)
 * puts a two-octet length before each message.
 *
 *   0      ID                                   (2)
 *   2      QR, Opcode(4), AA, TC, RD, RA, Z, AD, CD, RCODE(4)  (2)
 *   4      QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT   (2 each)
 *  12      questions:  name, QTYPE(2), QCLASS(2)
 *          records:    name, TYPE(2), CLASS(2), TTL(4), RDLENGTH(2),
 *                      RDATA(RDLENGTH)
 *
 * Names (RFC 1035 3.1, 4.1.4) are labels of 1..63 octets ended by a
 * zero octet or a compression pointer (two octets, top bits 11, a
 * 14-bit offset into the message).  A pointer is followed only
 * backwards: it must point before where the name (or the last pointer
 * target) began, and at most DNS_MAX_JUMPS are followed, so no input
 * can make the reader loop.  Counts are claims: a message that holds
 * fewer records than its header says is an anomaly, and what was read
 * before it is still logged.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/dns.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/fmt.h"
#include "util/util.h"

#define DNS_MIN_QUESTION	5	/* root name, type, class */
#define DNS_MIN_RR		11	/* root name, type, class, ttl, rdlen */
#define DNS_MDNS_MAX_TXT	16	/* TXT strings in wardwatch.mdns */
#define DNS_FACTS_MAX_QUERIES	4	/* questions that are evidence */

#define DNS_TCP_LEN		2	/* the length prefix over TCP */

static const uint16_t dns_ports[] = { 53, 0 };
static const uint16_t mdns_ports[] = { 5353, 0 };

static void
anom(struct app_ctx *ctx, enum ww_counter ev)
{
	if (ctx != NULL)
		app_anomaly(ctx, ev);
}

/* What reading a name found; the anomaly is reported either way. */
enum dns_name_result {
	DNS_NAME_OK,
	DNS_NAME_BAD,		/* truncated, or a reserved label type */
	DNS_NAME_LOOP,		/* a pointer to itself or forward, too many */
};

/*
 * Read the name at br's position into out; br is left just after the
 * name as written there (after its first pointer, if any), also on
 * DNS_NAME_LOOP.  Pointers are followed through a reader over the
 * whole message.
 */
static enum dns_name_result
dns_read_name(const uint8_t *msg, size_t msglen, struct breader *br,
    struct dns_name *out, struct app_ctx *ctx)
{
	struct breader jr, *cur = br;
	size_t limit = br_off(br), wire = 1, here;
	unsigned jumps = 0;
	const uint8_t *label;
	uint16_t target;
	uint8_t c;

	out->len = 0;
	out->truncated = false;
	out->text[0] = '\0';
	for (;;) {
		c = br_u8(cur);
		if (!br_ok(cur))
			goto truncated;
		if ((c & 0xc0) == 0xc0) {
			here = br_off(cur) - 1;
			target = (uint16_t)((c & 0x3f) << 8 | br_u8(cur));
			if (!br_ok(cur))
				goto truncated;
			if (target >= limit || target >= here ||
			    ++jumps > DNS_MAX_JUMPS) {
				anom(ctx, EV_DNS_POINTER_LOOP);
				return DNS_NAME_LOOP;
			}
			limit = target;
			br_init(&jr, msg, msglen);
			br_skip(&jr, target);
			cur = &jr;
			continue;
		}
		if ((c & 0xc0) != 0) {
			/* 01 and 10: reserved label types (RFC 6891 6.2). */
			anom(ctx, EV_DNS_BAD_LABEL);
			return DNS_NAME_BAD;
		}
		if (c == 0)
			break;
		if ((label = br_bytes(cur, c)) == NULL)
			goto truncated;
		wire += (size_t)c + 1;
		if (wire > DNS_MAX_WIRE_NAME) {
			/* Keep walking to find the end; log what fits. */
			if (!out->truncated)
				anom(ctx, EV_DNS_NAME_TOO_LONG);
			out->truncated = true;
			continue;
		}
		/* wire <= 255 keeps the text within 253 bytes. */
		if (out->len > 0)
			out->text[out->len++] = '.';
		memcpy(out->text + out->len, label, c);
		out->len += c;
		out->text[out->len] = '\0';
	}
	return DNS_NAME_OK;

 truncated:
	anom(ctx, EV_DNS_RECORD_TRUNCATED);
	return DNS_NAME_BAD;
}

static void
rdata_text(struct dns_rr *rr, const char *s, size_t len, bool truncated)
{
	if (len > sizeof(rr->rdata))
		len = sizeof(rr->rdata);
	memcpy(rr->rdata, s, len);
	rr->rdata_len = len;
	rr->rdata_truncated = truncated;
	rr->has_rdata = true;
}

/*
 * RDATA of the types we log; rd is the rdata over the message.
 * DNS_NAME_OK, or why it stopped.
 */
static enum dns_name_result
dns_read_rdata(const uint8_t *msg, struct breader *rd, struct dns_rr *rr,
    struct app_ctx *ctx)
{
	char addr[UTIL_ADDRBUF];
	struct dns_name name;
	enum dns_name_result r;
	const uint8_t *v;
	size_t n = br_left(rd);

	switch (rr->type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		if (n != (rr->type == DNS_TYPE_A ? 4u : 16u))
			return DNS_NAME_OK;
		v = br_bytes(rd, n);
		util_format_ip(rr->type == DNS_TYPE_A ? 4 : 6, v, addr);
		rdata_text(rr, addr, strlen(addr), false);
		return DNS_NAME_OK;
	case DNS_TYPE_MX:
		br_skip(rd, 2);		/* preference */
		break;
	case DNS_TYPE_SRV:
		rr->srv_priority = br_be16(rd);
		rr->srv_weight = br_be16(rd);
		rr->srv_port = br_be16(rd);
		break;
	case DNS_TYPE_TXT:
		v = br_bytes(rd, n);
		rr->rdata_truncated = n > sizeof(rr->rdata);
		rr->rdata_len = n > sizeof(rr->rdata) ? sizeof(rr->rdata) : n;
		if (v != NULL)
			memcpy(rr->rdata, v, rr->rdata_len);
		rr->has_rdata = true;
		return DNS_NAME_OK;
	case DNS_TYPE_CNAME:
	case DNS_TYPE_PTR:
	case DNS_TYPE_NS:
	case DNS_TYPE_SOA:	/* mname first; the rest is not kept */
		break;
	default:
		return DNS_NAME_OK;
	}
	if (!br_ok(rd)) {
		anom(ctx, EV_DNS_RECORD_TRUNCATED);
		return DNS_NAME_BAD;
	}
	/* The name may point anywhere before it in the message. */
	if ((r = dns_read_name(msg, rd->len, rd, &name, ctx)) != DNS_NAME_OK)
		return r;
	rdata_text(rr, name.text, name.len, name.truncated);
	return DNS_NAME_OK;
}

static enum dns_name_result
dns_read_rr(const uint8_t *msg, size_t msglen, struct breader *br,
    struct dns_rr *rr, struct app_ctx *ctx)
{
	struct breader rd;
	size_t rdlen, start;
	enum dns_name_result r;

	memset(rr, 0, sizeof(*rr));
	if ((r = dns_read_name(msg, msglen, br, &rr->name, ctx)) !=
	    DNS_NAME_OK)
		return r;
	rr->type = br_be16(br);
	rr->rclass = br_be16(br);
	rr->ttl = br_be32(br);
	rdlen = br_be16(br);
	start = br_off(br);
	br_skip(br, rdlen);
	if (!br_ok(br)) {
		anom(ctx, EV_DNS_RECORD_TRUNCATED);
		return DNS_NAME_BAD;
	}
	/* A reader over the message that ends where the rdata ends. */
	br_init(&rd, msg, start + rdlen);
	br_skip(&rd, start);
	return dns_read_rdata(msg, &rd, rr, ctx);
}

int
dns_parse_message(const uint8_t *p, size_t n, struct dns_facts *f,
    struct app_ctx *ctx)
{
	struct breader br;
	struct dns_query qscratch, *q;
	struct dns_rr rscratch, *rr;
	enum dns_name_result r;
	size_t i, nrr;

	memset(f, 0, offsetof(struct dns_facts, queries));
	f->n_queries = 0;
	f->n_rrs = 0;
	f->malformed = false;
	f->pointer_loop = false;
	br_init(&br, p, n);
	f->id = br_be16(&br);
	f->flags = br_be16(&br);
	f->qdcount = br_be16(&br);
	f->ancount = br_be16(&br);
	f->nscount = br_be16(&br);
	f->arcount = br_be16(&br);
	if (!br_ok(&br))
		return -1;
	for (i = 0; i < f->qdcount; i++) {
		q = f->n_queries < DNS_MAX_QUERIES ?
		    &f->queries[f->n_queries] : &qscratch;
		if ((r = dns_read_name(p, n, &br, &q->name, ctx)) !=
		    DNS_NAME_OK)
			goto bad;
		q->type = br_be16(&br);
		q->qclass = br_be16(&br);
		if (!br_ok(&br)) {
			anom(ctx, EV_DNS_RECORD_TRUNCATED);
			r = DNS_NAME_BAD;
			goto bad;
		}
		if (q != &qscratch)
			f->n_queries++;
	}
	nrr = (size_t)f->ancount + f->nscount + f->arcount;
	for (i = 0; i < nrr; i++) {
		rr = f->n_rrs < DNS_MAX_RRS ? &f->rrs[f->n_rrs] : &rscratch;
		if ((r = dns_read_rr(p, n, &br, rr, ctx)) != DNS_NAME_OK)
			goto bad;
		rr->section = i < f->ancount ? DNS_SEC_ANSWER :
		    i < (size_t)f->ancount + f->nscount ? DNS_SEC_AUTHORITY :
		    DNS_SEC_ADDITIONAL;
		if (rr != &rscratch)
			f->n_rrs++;
	}
	return 0;

 bad:
	f->malformed = true;
	f->pointer_loop = r == DNS_NAME_LOOP;
	return 0;
}

/*
 * NetBIOS name service (RFC 1002 4.2) borrows the DNS message format;
 * its names are one 32-octet label of the letters A to P (the "first-
 * level encoding" of a 16-byte NetBIOS name).  It is not DNS: leave
 * it to nDPI's label.
 */
static bool
is_netbios_name(const struct dns_name *nm)
{
	size_t i;

	if (nm->len < 32 || (nm->len > 32 && nm->text[32] != '.'))
		return false;
	for (i = 0; i < 32; i++)
		if (nm->text[i] < 'A' || nm->text[i] > 'P')
			return false;
	return true;
}

/*
 * The 12-byte header at p is plausible for a message of msglen bytes:
 * a known opcode (only QUERY for mDNS), counts that fit, something
 * asked or answered.
 */
static bool
header_plausible(const uint8_t *p, size_t msglen, bool mdns)
{
	struct breader br;
	uint16_t flags, qd, an, ns, ar;
	unsigned opcode;

	if (msglen < DNS_HDR_LEN)
		return false;
	br_init(&br, p, DNS_HDR_LEN);
	br_skip(&br, 2);
	flags = br_be16(&br);
	qd = br_be16(&br);
	an = br_be16(&br);
	ns = br_be16(&br);
	ar = br_be16(&br);
	opcode = DNS_OPCODE(flags);
	if (opcode == 3 || opcode > 5 || (mdns && opcode != 0))
		return false;
	if ((size_t)qd * DNS_MIN_QUESTION +
	    ((size_t)an + ns + ar) * DNS_MIN_RR > msglen - DNS_HDR_LEN)
		return false;
	if ((flags & DNS_FLAG_QR) == 0 && qd == 0)
		return false;
	return qd != 0 || an != 0;
}

/*
 * A plausible header, sane counts for the datagram's size, and a first
 * question (or record) whose name reads cleanly with a known class.
 * A first name whose compression pointers loop (one that points at
 * itself, forward, or round a cycle; RFC 1035 4.1.4) still counts as
 * DNS when a known class follows the name as written: it is a hostile
 * message, not another protocol, and the parser names it
 * (dns.pointer_loop) rather than leaving it unseen.
 */
static enum app_probe
probe_message(const uint8_t *p, size_t n, bool mdns)
{
	struct breader br;
	struct dns_name name;
	enum dns_name_result r;
	uint16_t qclass;

	if (!header_plausible(p, n, mdns))
		return APP_PROBE_NO;	/* a datagram is whole */
	br_init(&br, p, n);
	br_skip(&br, DNS_HDR_LEN);
	r = dns_read_name(p, n, &br, &name, NULL);
	if (r == DNS_NAME_BAD || (r == DNS_NAME_OK && is_netbios_name(&name)))
		return APP_PROBE_NO;
	br_skip(&br, 2);			/* type */
	qclass = br_be16(&br) & 0x7fff;		/* mDNS: top bit is QU/flush */
	if (!br_ok(&br) || (qclass != 1 && qclass != 3 && qclass != 4 &&
	    qclass != 254 && qclass != 255))
		return APP_PROBE_NO;
	return APP_PROBE_YES;
}

static enum app_probe
dns_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	return probe_message(p, n, false);
}

static enum app_probe
mdns_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	return probe_message(p, n, true);
}

/*
 * A message is parsed into this thread's scratch facts: a datagram is
 * whole, so nothing of it is needed by the next one, and a UDP flow
 * (most are one query and its answer) keeps no state at all.  Keeping
 * the facts (18 KB) per flow let a resolver's churn of short flows fill
 * flow.memcap and push out long-lived device sessions.
 */
static _Thread_local struct dns_facts dns_scratch;

static void
dns_state_free(void *st)
{
	free(st);
}

static struct app_result
parse_common(void *st, struct app_ctx *ctx, enum app_proto proto, int dir,
    const uint8_t *p, size_t n)
{
	struct dns_facts *f = &dns_scratch;

	(void)st;

	if (dns_parse_message(p, n, f, ctx) == -1) {
		app_anomaly(ctx, EV_DNS_MALFORMED);
		return app_ok(n);	/* one bad datagram; the next may do */
	}
	app_emit(ctx, proto, dir, f);
	if (proto == APP_DNS && !(f->flags & DNS_FLAG_QR) &&
	    app_inspect_wanted(ctx, APP_DNS)) {
		struct app_buf b[DNS_MAX_QUERIES];
		size_t i;

		/* dns.query: one per question, as Suricata has it. */
		for (i = 0; i < f->n_queries; i++) {
			b[i].id = APP_BUF_DNS_QUERY;
			b[i].data = (const uint8_t *)f->queries[i].name.text;
			b[i].len = f->queries[i].name.len;
		}
		app_inspect(ctx, APP_DNS, dir, b, f->n_queries, f);
	}
	return app_ok(n);
}

static struct app_result
dns_parse(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	return parse_common(st, ctx, APP_DNS, dir, p, n);
}

static struct app_result
mdns_parse(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	return parse_common(st, ctx, APP_MDNS, dir, p, n);
}

/*
 * DNS over TCP.  A stream may start mid-conversation, so detection asks
 * for a whole first message that reads cleanly (the length prefix and
 * the message's own counts must agree): a binary protocol whose first
 * two bytes happen to fit is not taken for DNS.  Messages follow one
 * another, several per segment or one across many (RFC 7766 8).  After
 * a gap the next length prefix cannot be found again: the direction is
 * not parsed further.
 */
struct dns_tcp_state {
	bool		 lost[2];	/* a gap: framing unknown */
};

static enum app_probe
dns_tcp_probe(const uint8_t *p, size_t n, int dir)
{
	struct dns_facts *f;
	size_t len;
	bool ok;

	(void)dir;
	if (n < DNS_TCP_LEN + DNS_HDR_LEN)
		return APP_PROBE_MAYBE;
	len = (size_t)p[0] << 8 | p[1];
	if (!header_plausible(p + DNS_TCP_LEN, len, false))
		return APP_PROBE_NO;
	if (n - DNS_TCP_LEN < len)
		return APP_PROBE_MAYBE;
	if (probe_message(p + DNS_TCP_LEN, len, false) != APP_PROBE_YES)
		return APP_PROBE_NO;
	/* Clean, or stopped only by a compression loop (as above). */
	f = &dns_scratch;
	ok = dns_parse_message(p + DNS_TCP_LEN, len, f, NULL) == 0 &&
	    (!f->malformed || f->pointer_loop);
	return ok ? APP_PROBE_YES : APP_PROBE_NO;
}

static void *
dns_tcp_state_new(void)
{
	return xcalloc(1, sizeof(struct dns_tcp_state));
}

static struct app_result
dns_tcp_parse(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	struct dns_tcp_state *ts = st;
	size_t off = 0, len;

	if (ts->lost[dir & 1])
		return app_ok(n);
	while (n - off >= DNS_TCP_LEN) {
		len = (size_t)p[off] << 8 | p[off + 1];
		if (len < DNS_HDR_LEN) {
			/* Not a message: the framing is lost. */
			app_anomaly(ctx, EV_DNS_MALFORMED);
			ts->lost[dir & 1] = true;
			return app_ok(n);
		}
		if (n - off - DNS_TCP_LEN < len)
			return app_incomplete(off,
			    DNS_TCP_LEN + len - (n - off));
		(void)parse_common(NULL, ctx, APP_DNS, dir,
		    p + off + DNS_TCP_LEN, len);
		off += DNS_TCP_LEN + len;
	}
	return off == n ? app_ok(n) : app_incomplete(off, DNS_TCP_LEN -
	    (n - off));
}

static void
dns_tcp_gap(void *st, struct app_ctx *ctx, int dir)
{
	struct dns_tcp_state *ts = st;

	(void)ctx;
	ts->lost[dir & 1] = true;
}

const char *
dns_type_name(uint16_t t)
{
	switch (t) {
	case DNS_TYPE_A:
		return "A";
	case DNS_TYPE_NS:
		return "NS";
	case DNS_TYPE_CNAME:
		return "CNAME";
	case DNS_TYPE_SOA:
		return "SOA";
	case DNS_TYPE_PTR:
		return "PTR";
	case DNS_TYPE_MX:
		return "MX";
	case DNS_TYPE_TXT:
		return "TXT";
	case DNS_TYPE_AAAA:
		return "AAAA";
	case DNS_TYPE_SRV:
		return "SRV";
	case DNS_TYPE_OPT:
		return "OPT";
	case 13:
		return "HINFO";
	case 35:
		return "NAPTR";
	case 44:
		return "SSHFP";
	case 47:
		return "NSEC";
	case 64:
		return "SVCB";
	case 65:
		return "HTTPS";
	case 252:
		return "AXFR";
	case 255:
		return "ANY";
	default:
		return NULL;
	}
}

/* "rrtype": Suricata writes an unnamed type as its number; mDNS in
 * lower case.  Names and numbers need no escaping. */
static void
kv_rrtype(struct jsonw *jw, uint16_t t, bool lower)
{
	const char *s = dns_type_name(t);
	char buf[8];
	size_t i;

	JSONW_KEY(jw, "rrtype");
	if (s != NULL && !lower) {
		jsonw_str_plain(jw, s);
		return;
	}
	if (s == NULL) {
		buf[fmt_uint(buf, t)] = '\0';
	} else {
		strlcpy(buf, s, sizeof(buf));
		for (i = 0; buf[i] != '\0'; i++)
			if (buf[i] >= 'A' && buf[i] <= 'Z')
				buf[i] = (char)(buf[i] - 'A' + 'a');
	}
	jsonw_str_plain(jw, buf);
}

/* A name as a value ("<root>" for the root). */
static void
name_value(struct jsonw *jw, const struct dns_name *nm)
{
	if (nm->len == 0 && !nm->truncated)
		jsonw_str_plain(jw, "<root>");
	else
		jsonw_strn(jw, nm->text, nm->len);
}

/* The "queries" array of a dns or mdns object (lower: mDNS's types). */
static void
kv_queries(struct jsonw *jw, const struct dns_facts *f, bool lower)
{
	size_t i;

	if (f->n_queries == 0)
		return;
	JSONW_KEY(jw, "queries");
	jsonw_arr_open(jw);
	for (i = 0; i < f->n_queries; i++) {
		jsonw_obj_open(jw);
		JSONW_KEY(jw, "rrname");
		name_value(jw, &f->queries[i].name);
		if (f->queries[i].name.truncated)
			JSONW_KV_BOOL(jw, "rrname_truncated", true);
		kv_rrtype(jw, f->queries[i].type, lower);
		jsonw_obj_close(jw);
	}
	jsonw_arr_close(jw);
}

static const char *
rcode_name(unsigned rc)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	return rc < sizeof(names) / sizeof(names[0]) ? names[rc] : NULL;
}

/*
 * Count (and, if jw, write) up to max non-empty character-strings of
 * a TXT rdata, which may have been cut at DNS_MAX_RDATA.
 */
static size_t
txt_strings(const struct dns_rr *rr, struct jsonw *jw, size_t max)
{
	struct breader br;
	const uint8_t *s;
	size_t n = 0, l;

	br_init(&br, rr->rdata, rr->rdata_len);
	while (br_left(&br) > 0 && n < max) {
		l = br_u8(&br);
		if (l > br_left(&br))
			l = br_left(&br);	/* cut at DNS_MAX_RDATA */
		s = br_bytes(&br, l);
		if (l == 0)
			continue;
		if (jw != NULL)
			jsonw_strn(jw, (const char *)s, l);
		n++;
	}
	return n;
}

/* TXT as one rdata string: the character-strings joined by spaces. */
static void
kv_txt_joined(struct jsonw *jw, const struct dns_rr *rr)
{
	char buf[DNS_MAX_RDATA];
	struct breader br;
	const uint8_t *s;
	size_t o = 0, l;

	br_init(&br, rr->rdata, rr->rdata_len);
	while (br_left(&br) > 0) {
		l = br_u8(&br);
		if (l > br_left(&br))
			l = br_left(&br);
		s = br_bytes(&br, l);
		if (o > 0 && o < sizeof(buf))
			buf[o++] = ' ';
		if (l > sizeof(buf) - o)
			l = sizeof(buf) - o;
		if (l > 0)
			memcpy(buf + o, s, l);
		o += l;
	}
	JSONW_KEY(jw, "rdata");
	jsonw_strn(jw, buf, o);
}

/*
 * One record.  Suricata's schema allows an "srv" object only in
 * answers and a "soa" object in answers and authorities; elsewhere the
 * target name is the rdata.
 */
static void
dns_eve_rr(struct jsonw *jw, const struct dns_rr *rr, unsigned sec)
{
	bool authority = sec == DNS_SEC_AUTHORITY;
	uint16_t type = rr->type;

	if ((type == DNS_TYPE_SRV && sec != DNS_SEC_ANSWER) ||
	    (type == DNS_TYPE_SOA && sec == DNS_SEC_ADDITIONAL))
		type = DNS_TYPE_CNAME;	/* written as a plain name */
	jsonw_obj_open(jw);
	JSONW_KEY(jw, "rrname");
	name_value(jw, &rr->name);
	if (authority && rr->name.truncated)
		JSONW_KV_BOOL(jw, "rrname_truncated", true);
	kv_rrtype(jw, rr->type, false);
	JSONW_KV_UINT(jw, "ttl", rr->ttl);
	if (rr->has_rdata) {
		switch (type) {
		case DNS_TYPE_SRV:
			JSONW_KEY(jw, "srv");
			jsonw_obj_open(jw);
			JSONW_KV_UINT(jw, "priority", rr->srv_priority);
			JSONW_KV_UINT(jw, "weight", rr->srv_weight);
			JSONW_KV_UINT(jw, "port", rr->srv_port);
			JSONW_KEY(jw, "name");
			jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
			jsonw_obj_close(jw);
			break;
		case DNS_TYPE_SOA:
			JSONW_KEY(jw, "soa");
			jsonw_obj_open(jw);
			JSONW_KEY(jw, "mname");
			jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
			if (rr->rdata_truncated)
				JSONW_KV_BOOL(jw, "mname_truncated", true);
			jsonw_obj_close(jw);
			break;
		case DNS_TYPE_TXT:
			kv_txt_joined(jw, rr);
			break;
		default:
			JSONW_KEY(jw, "rdata");
			jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
			if (authority && rr->rdata_truncated)
				JSONW_KV_BOOL(jw, "rdata_truncated", true);
			break;
		}
	}
	jsonw_obj_close(jw);
}

static size_t
count_section(const struct dns_facts *f, enum dns_section sec)
{
	size_t i, n = 0;

	for (i = 0; i < f->n_rrs; i++)
		if (f->rrs[i].section == sec &&
		    !(sec == DNS_SEC_ADDITIONAL &&
		    f->rrs[i].type == DNS_TYPE_OPT))
			n++;
	return n;
}

/*
 * The header's members, from "version" to "opcode", as one run of
 * bytes (output/jsonw.h): at most DNS_EVE_HEAD bytes, the flags in hex.
 */
#define DNS_EVE_HEAD	160

static void
dns_eve_head(struct jsonw *jw, const struct dns_facts *f, bool resp)
{
	struct jsonw_run run, *r = &run;
	char hex[2 + FMT_HEX_MAX];
	size_t n;

	jsonw_run_begin(jw, r, DNS_EVE_HEAD);
	JSONW_RUN_KV_UINT(r, "version", 3);
	if (resp)
		JSONW_RUN_KV_PLAIN(r, "type", "response");
	else
		JSONW_RUN_KV_PLAIN(r, "type", "request");
	JSONW_RUN_KV_UINT(r, "id", f->id);
	JSONW_RUN_KEY(r, "flags");
	n = fmt_hex(hex + 1, f->flags, 0);
	hex[0] = hex[n + 1] = '"';
	jsonw_run_lit(r, hex, n + 2, true);
	if (resp) {
		JSONW_RUN_KEY(r, "qr");
		jsonw_run_lit(r, "true", 4, true);
	}
	if (f->flags & DNS_FLAG_AA) {
		JSONW_RUN_KEY(r, "aa");
		jsonw_run_lit(r, "true", 4, true);
	}
	if (f->flags & DNS_FLAG_TC) {
		JSONW_RUN_KEY(r, "tc");
		jsonw_run_lit(r, "true", 4, true);
	}
	if (f->flags & DNS_FLAG_RD) {
		JSONW_RUN_KEY(r, "rd");
		jsonw_run_lit(r, "true", 4, true);
	}
	if (f->flags & DNS_FLAG_RA) {
		JSONW_RUN_KEY(r, "ra");
		jsonw_run_lit(r, "true", 4, true);
	}
	if (f->flags & DNS_FLAG_Z) {
		JSONW_RUN_KEY(r, "z");
		jsonw_run_lit(r, "true", 4, true);
	}
	JSONW_RUN_KV_UINT(r, "opcode", DNS_OPCODE(f->flags));
	jsonw_run_end(jw, r);
}

/*
 * Suricata's EVE dns v3 (7.0 with version 3, the default in 8.0):
 * header fields, "queries" in both directions, then for responses the
 * rcode and the answer, authority and additional records.  OPT pseudo-
 * records are not logged.  Arrays are written only when non-empty (the
 * schema asks for minItems 1).
 */
static void
dns_eve(struct jsonw *jw, const void *fact)
{
	static const char *const secname[] = {
		"answers", "authorities", "additionals",
	};
	const struct dns_facts *f = fact;
	bool resp = (f->flags & DNS_FLAG_QR) != 0;
	const char *rc;
	char buf[8];
	size_t i;
	unsigned sec;

	dns_eve_head(jw, f, resp);
	kv_queries(jw, f, false);
	if (!resp)
		return;
	if ((rc = rcode_name(DNS_RCODE(f->flags))) != NULL)
		JSONW_KV_PLAIN(jw, "rcode", rc);
	else {
		buf[fmt_uint(buf, DNS_RCODE(f->flags))] = '\0';
		JSONW_KV_PLAIN(jw, "rcode", buf);
	}
	for (sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		if (count_section(f, sec) == 0)
			continue;
		jsonw_key(jw, secname[sec]);
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_rrs; i++)
			if (f->rrs[i].section == sec &&
			    !(sec == DNS_SEC_ADDITIONAL &&
			    f->rrs[i].type == DNS_TYPE_OPT))
				dns_eve_rr(jw, &f->rrs[i], sec);
		jsonw_arr_close(jw);
	}
}

static void
mdns_eve_rr(struct jsonw *jw, const struct dns_rr *rr, bool authority)
{
	jsonw_obj_open(jw);
	JSONW_KEY(jw, "rrname");
	name_value(jw, &rr->name);
	if (rr->name.truncated)
		JSONW_KV_BOOL(jw, "rrname_truncated", true);
	if (!authority && rr->has_rdata && rr->type == DNS_TYPE_PTR) {
		JSONW_KEY(jw, "ptr");
		jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
	}
	if (!authority && rr->has_rdata && rr->type == DNS_TYPE_TXT &&
	    txt_strings(rr, NULL, SIZE_MAX) > 0) {
		JSONW_KEY(jw, "txt");
		jsonw_arr_open(jw);
		(void)txt_strings(rr, jw, SIZE_MAX);
		jsonw_arr_close(jw);
	}
	jsonw_obj_close(jw);
}

/*
 * Suricata 8's mdns object: flags as a list, lower-case rrtypes, and
 * records that carry only their name and a PTR or TXT value (its
 * schema has no place for SRV or addresses: those go in
 * wardwatch.mdns).
 */
static void
mdns_eve(struct jsonw *jw, const void *fact)
{
	static const char *const secname[] = {
		"answers", "authorities", "additionals",
	};
	static const struct {
		uint16_t	 bit;
		const char	*name;
	} flagname[] = {
		{ DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" },
		{ DNS_FLAG_RD, "rd" }, { DNS_FLAG_RA, "ra" },
		{ DNS_FLAG_Z, "z" }, { DNS_FLAG_AD, "ad" },
		{ DNS_FLAG_CD, "cd" },
	};
	const struct dns_facts *f = fact;
	bool resp = (f->flags & DNS_FLAG_QR) != 0;
	size_t i;
	unsigned sec;

	JSONW_KV_STR(jw, "type", resp ? "response" : "request");
	JSONW_KV_UINT(jw, "id", f->id);
	if (f->flags & 0x07f0) {
		JSONW_KEY(jw, "flags");
		jsonw_arr_open(jw);
		for (i = 0; i < sizeof(flagname) / sizeof(flagname[0]); i++)
			if (f->flags & flagname[i].bit)
				jsonw_str(jw, flagname[i].name);
		jsonw_arr_close(jw);
	}
	JSONW_KV_UINT(jw, "opcode", DNS_OPCODE(f->flags));
	if (resp)
		JSONW_KV_UINT(jw, "rcode", DNS_RCODE(f->flags));
	kv_queries(jw, f, true);
	for (sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		if (count_section(f, sec) == 0)
			continue;
		jsonw_key(jw, secname[sec]);
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_rrs; i++)
			if (f->rrs[i].section == sec &&
			    !(sec == DNS_SEC_ADDITIONAL &&
			    f->rrs[i].type == DNS_TYPE_OPT))
				mdns_eve_rr(jw, &f->rrs[i],
				    sec == DNS_SEC_AUTHORITY);
		jsonw_arr_close(jw);
	}
}

/*
 * What identifies a device in mDNS and has no field in Suricata's
 * object: SRV records (instance, target host, port), host addresses
 * (A/AAAA) and the TXT strings (md=, ty=, usb_MFG=, model=), capped.
 */
static void
mdns_eve_extra(struct jsonw *jw, const void *fact)
{
	const struct dns_facts *f = fact;
	size_t i, n_srv = 0, n_addr = 0, n_txt = 0, left;
	const struct dns_rr *rr;

	for (i = 0; i < f->n_rrs; i++) {
		rr = &f->rrs[i];
		if (!rr->has_rdata)
			continue;
		if (rr->type == DNS_TYPE_SRV)
			n_srv++;
		else if (rr->type == DNS_TYPE_A || rr->type == DNS_TYPE_AAAA)
			n_addr++;
		else if (rr->type == DNS_TYPE_TXT)
			n_txt += txt_strings(rr, NULL, SIZE_MAX);
	}
	if (n_srv + n_addr + n_txt == 0)
		return;
	JSONW_KEY(jw, "mdns");
	jsonw_obj_open(jw);
	if (n_srv > 0) {
		JSONW_KEY(jw, "srv");
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_rrs; i++) {
			rr = &f->rrs[i];
			if (!rr->has_rdata || rr->type != DNS_TYPE_SRV)
				continue;
			jsonw_obj_open(jw);
			JSONW_KEY(jw, "name");
			name_value(jw, &rr->name);
			JSONW_KEY(jw, "target");
			jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
			JSONW_KV_UINT(jw, "port", rr->srv_port);
			jsonw_obj_close(jw);
		}
		jsonw_arr_close(jw);
	}
	if (n_addr > 0) {
		JSONW_KEY(jw, "addresses");
		jsonw_arr_open(jw);
		for (i = 0; i < f->n_rrs; i++) {
			rr = &f->rrs[i];
			if (!rr->has_rdata || (rr->type != DNS_TYPE_A &&
			    rr->type != DNS_TYPE_AAAA))
				continue;
			jsonw_obj_open(jw);
			JSONW_KEY(jw, "name");
			name_value(jw, &rr->name);
			JSONW_KEY(jw, "addr");
			jsonw_strn(jw, (const char *)rr->rdata, rr->rdata_len);
			jsonw_obj_close(jw);
		}
		jsonw_arr_close(jw);
	}
	if (n_txt > 0) {
		JSONW_KEY(jw, "txt");
		jsonw_arr_open(jw);
		left = DNS_MDNS_MAX_TXT;
		for (i = 0; i < f->n_rrs && left > 0; i++) {
			rr = &f->rrs[i];
			if (rr->has_rdata && rr->type == DNS_TYPE_TXT)
				left -= txt_strings(rr, jw, left);
		}
		jsonw_arr_close(jw);
	}
	jsonw_obj_close(jw);
}

bool
dns_service_type(const char *name, char *out, size_t len)
{
	const char *t = strstr(name, "._tcp.");
	const char *u = strstr(name, "._udp.");
	const char *e = t != NULL ? t : u;
	const char *s;

	/* "._tcp.local" has no service label to look back into. */
	if (e == NULL || e == name)
		return false;
	e += 5;		/* "._tcp" */
	/* The service is the two labels before the protocol's end. */
	for (s = e - 6; s > name && s[-1] != '.'; s--)
		;
	if (s[0] != '_' || strncmp(s, "_services", 9) == 0)
		return false;
	if ((size_t)(e - s) >= len)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

static void
dns_first_label(char *out, size_t len, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t n = dot != NULL ? (size_t)(dot - name) : strlen(name);

	if (n >= len)
		n = len - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

/* Device evidence: a response makes its sender a DNS server; a query
 * names what the sender looks up (the first few names). */
static void
dns_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct dns_facts *d = fact;
	int tx = APP_END_SENDER(dir);
	size_t i;

	if (d->flags & DNS_FLAG_QR) {
		app_evidence(sink, tx, EVIDENCE_BEHAVIOUR, "dns_server");
		return;
	}
	for (i = 0; i < d->n_queries && i < DNS_FACTS_MAX_QUERIES; i++)
		app_evidence(sink, tx, EVIDENCE_DNS_QUERY,
		    d->queries[i].name.text);
}

/*
 * The keys of DNS-SD TXT records that name the device's model or
 * maker: the Bonjour Printing Specification's "ty" (make and model),
 * "usb_MDL" and "usb_MFG" (the IEEE 1284 device ID's MDL and MFG),
 * and "md", the model of HomeKit accessories and Google Cast devices.
 * RFC 6763 6.4: keys compare case-insensitively.
 */
static const struct {
	const char		*key;
	enum evidence_key	 ev;
} mdns_txt_keys[] = {
	{ "ty", EVIDENCE_MDNS_MODEL },
	{ "md", EVIDENCE_MDNS_MODEL },
	{ "usb_MDL", EVIDENCE_MDNS_MODEL },
	{ "usb_MFG", EVIDENCE_MDNS_MANUFACTURER },
};

/* Evidence in the "key=value" character-strings of a TXT rdata. */
static void
mdns_txt_facts(const struct dns_rr *rr, int tx, const struct app_sink *sink)
{
	struct breader br;
	const char *s, *eq;
	size_t l, k, i;

	br_init(&br, rr->rdata, rr->rdata_len);
	while (br_left(&br) > 0) {
		l = br_u8(&br);
		if (l > br_left(&br))
			break;		/* cut at DNS_MAX_RDATA: half a name */
		s = (const char *)br_bytes(&br, l);
		if (l == 0 || (eq = memchr(s, '=', l)) == NULL)
			continue;
		k = (size_t)(eq - s);
		for (i = 0; i < sizeof(mdns_txt_keys) /
		    sizeof(mdns_txt_keys[0]); i++)
			if (strlen(mdns_txt_keys[i].key) == k &&
			    strncasecmp(s, mdns_txt_keys[i].key, k) == 0)
				sink->evidence(sink, tx, mdns_txt_keys[i].ev,
				    eq + 1, l - k - 1);
	}
}

/*
 * Device evidence of an mDNS response: what the sender is and offers
 * (RFC 6763): the service types and instance names of its PTR records,
 * its model and maker from its TXT records, and its host name from the
 * A and AAAA records under .local.
 */
static void
mdns_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct dns_facts *d = fact;
	const struct dns_rr *rr;
	int tx = APP_END_SENDER(dir);
	char buf[APP_VALUE_MAX];
	size_t i;

	if (!(d->flags & DNS_FLAG_QR))
		return;
	for (i = 0; i < d->n_rrs; i++) {
		rr = &d->rrs[i];
		if (rr->type == DNS_TYPE_PTR && rr->has_rdata &&
		    dns_service_type(rr->name.text, buf, sizeof(buf))) {
			app_evidence(sink, tx, EVIDENCE_MDNS_SERVICE, buf);
			dns_first_label(buf, sizeof(buf),
			    (const char *)rr->rdata);
			if (strchr((const char *)rr->rdata, '.') != NULL)
				app_evidence(sink, tx, EVIDENCE_MDNS_NAME, buf);
		} else if (rr->type == DNS_TYPE_TXT && rr->has_rdata) {
			mdns_txt_facts(rr, tx, sink);
		} else if ((rr->type == DNS_TYPE_A ||
		    rr->type == DNS_TYPE_AAAA) && strstr(rr->name.text,
		    ".local") != NULL) {
			dns_first_label(buf, sizeof(buf), rr->name.text);
			app_evidence(sink, tx, EVIDENCE_HOSTNAME_MDNS, buf);
		}
	}
}

const struct app_parser dns_parser = {
	.proto = APP_DNS,
	.ipproto = IPPROTO_UDP,
	.ports = dns_ports,
	.anom_first = EV_DNS_MALFORMED,
	.anom_last = EV_DNS_NAME_TOO_LONG,
	.probe = dns_probe,
	.state_new = NULL,		/* each datagram whole */
	.state_size = 0,
	.state_free = NULL,
	.parse = dns_parse,
	.gap = NULL,
	.eve = dns_eve,
	.eve_extra = NULL,
	.facts = dns_facts,
};

const struct app_parser dns_tcp_parser = {
	.proto = APP_DNS,
	.ipproto = IPPROTO_TCP,
	.ports = dns_ports,
	.anom_first = EV_DNS_MALFORMED,
	.anom_last = EV_DNS_NAME_TOO_LONG,
	.probe = dns_tcp_probe,
	.state_new = dns_tcp_state_new,
	.state_size = sizeof(struct dns_tcp_state),
	.state_free = dns_state_free,
	.parse = dns_tcp_parse,
	.gap = dns_tcp_gap,
	.eve = dns_eve,
	.eve_extra = NULL,
	.facts = dns_facts,
};

const struct app_parser mdns_parser = {
	.proto = APP_MDNS,
	.ipproto = IPPROTO_UDP,
	.ports = mdns_ports,
	.anom_first = EV_DNS_MALFORMED,
	.anom_last = EV_DNS_NAME_TOO_LONG,
	.probe = mdns_probe,
	.state_new = NULL,		/* each datagram whole */
	.state_size = 0,
	.state_free = NULL,
	.parse = mdns_parse,
	.gap = NULL,
	.eve = mdns_eve,
	.eve_extra = mdns_eve_extra,
	.facts = mdns_facts,
};
