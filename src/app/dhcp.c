/*
 * app/dhcp.c - BOOTP/DHCP message parser (RFC 2131, options RFC 2132,
 * option overload RFC 2131 section 4.1 / option 52, FQDN RFC 4702).
 *
 *   0      op, htype, hlen, hops          (4)
 *   4      xid                            (4)
 *   8      secs, flags                    (4)
 *  12      ciaddr, yiaddr, siaddr, giaddr (16)
 *  28      chaddr                         (16)
 *  44      sname                          (64)
 * 108      file                           (128)
 * 236      magic cookie 99.130.83.99      (4)
 * 240      options: code, length, value...; 0 pad, 255 end
 *
 * Every value is bounded by its option length and the message; an
 * option that runs past its area is an anomaly and ends that area.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dhcp.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/fmt.h"
#include "util/util.h"

#define DHCP_FIXED_LEN		236
#define DHCP_COOKIE		0x63825363u
#define DHCP_OPT_PAD		0
#define DHCP_OPT_END		255
#define DHCP_OPT_OVERLOAD	52

static const uint16_t dhcp_ports[] = { 67, 68, 0 };

const char *
dhcp_type_name(uint8_t t)
{
	static const char *const names[] = {
		NULL, "discover", "offer", "request", "decline", "ack",
		"nak", "release", "inform",
	};

	return t < sizeof(names) / sizeof(names[0]) && names[t] != NULL ?
	    names[t] : "unknown";
}

static void
copy_addrs(uint8_t (*dst)[4], size_t *n, const uint8_t *v, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len && *n < DHCP_MAX_ADDRS; i += 4)
		memcpy(dst[(*n)++], v + i, 4);
}

static uint32_t
be32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	    (uint32_t)v[2] << 8 | v[3];
}

/* Walk one option area; returns the overload value if option 52. */
static int
dhcp_options(struct breader *br, struct dhcp_facts *d, struct app_ctx *ctx)
{
	int overload = 0;

	while (br_left(br) > 0) {
		uint8_t code = br_u8(br), len;
		const uint8_t *v;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			break;
		len = br_u8(br);
		v = br_bytes(br, len);
		if (v == NULL) {
			if (ctx != NULL)
				app_anomaly(ctx, EV_DHCP_OPT_TRUNCATED);
			break;
		}
		switch (code) {
		case 1:
			if (len == 4) {
				memcpy(d->subnet_mask, v, 4);
				d->has_subnet_mask = true;
			}
			break;
		case 3:
			copy_addrs(d->routers, &d->n_routers, v, len);
			break;
		case 6:
			copy_addrs(d->dns, &d->n_dns, v, len);
			break;
		case 12:
			memcpy(d->hostname, v, len);
			d->hostname_len = len;
			d->has_hostname = true;
			break;
		case 50:
			if (len == 4) {
				memcpy(d->requested_ip, v, 4);
				d->has_requested_ip = true;
			}
			break;
		case 51:
			if (len == 4) {
				d->lease_time = be32(v);
				d->has_lease = true;
			}
			break;
		case DHCP_OPT_OVERLOAD:
			if (len == 1)
				overload = v[0];
			break;
		case 53:
			if (len == 1)
				d->msg_type = v[0];
			break;
		case 54:
			if (len == 4) {
				memcpy(d->server_id, v, 4);
				d->has_server_id = true;
			}
			break;
		case 55:
			memcpy(d->params, v, len);
			d->n_params = len;
			d->has_params = true;
			break;
		case 58:
			if (len == 4) {
				d->renewal_time = be32(v);
				d->has_renewal = true;
			}
			break;
		case 59:
			if (len == 4) {
				d->rebinding_time = be32(v);
				d->has_rebinding = true;
			}
			break;
		case 60:
			memcpy(d->vendor_class, v, len);
			d->vendor_class_len = len;
			d->has_vendor_class = true;
			break;
		case 61:
			memcpy(d->client_id, v, len);
			d->client_id_len = len;
			break;
		case 81:
			/* Flags, RCODE1, RCODE2, then the name. */
			if (len > 3) {
				memcpy(d->fqdn, v + 3, (size_t)len - 3);
				d->fqdn_len = (size_t)len - 3;
				d->has_fqdn = true;
			}
			break;
		default:
			break;
		}
	}
	return overload;
}

int
dhcp_parse_message(const uint8_t *p, size_t n, struct dhcp_facts *d,
    struct app_ctx *ctx)
{
	struct breader br, area;
	uint8_t htype, hlen;
	int overload;

	memset(d, 0, sizeof(*d));
	br_init(&br, p, n);
	d->op = br_u8(&br);
	htype = br_u8(&br);
	hlen = br_u8(&br);
	br_skip(&br, 1);		/* hops */
	d->xid = br_be32(&br);
	br_skip(&br, 4);		/* secs, flags */
	br_copy(&br, d->ciaddr, 4);
	br_copy(&br, d->yiaddr, 4);
	br_copy(&br, d->siaddr, 4);
	br_copy(&br, d->giaddr, 4);
	if (!br_ok(&br) || br_left(&br) < 16 + 64 + 128 + 4 ||
	    (d->op != 1 && d->op != 2))
		return -1;
	if (htype == 1 && hlen == 6) {
		br_copy(&br, d->chaddr, 6);
		d->has_mac = true;
		br_skip(&br, 10);
	} else
		br_skip(&br, 16);
	br_skip(&br, 64 + 128);		/* sname, file: options if overloaded */
	if (br_be32(&br) != DHCP_COOKIE)
		return -1;		/* plain BOOTP: nothing to learn */
	overload = dhcp_options(&br, d, ctx);
	/* Option 52: file (1), sname (2) or both (3) carry options. */
	if (overload & 1) {
		br_init(&area, p + 108, 128);
		(void)dhcp_options(&area, d, ctx);
	}
	if (overload & 2) {
		br_init(&area, p + 44, 64);
		(void)dhcp_options(&area, d, ctx);
	}
	return 0;
}

static enum app_probe
dhcp_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	if (n < DHCP_FIXED_LEN + 4)
		return APP_PROBE_NO;	/* a datagram is whole */
	if ((p[0] != 1 && p[0] != 2) || be32(p + DHCP_FIXED_LEN) !=
	    DHCP_COOKIE)
		return APP_PROBE_NO;
	return APP_PROBE_YES;
}

/* Each datagram is parsed into this thread's scratch: no flow state. */
static _Thread_local struct dhcp_facts dhcp_scratch;

/* Each message is a transaction: its hostname and vendor class (as
 * on the wire, options 12 and 60) for dhcp.hostname and
 * dhcp.vendor_class. */
static void
dhcp_inspect(struct app_ctx *ctx, int dir, const struct dhcp_facts *d)
{
	struct app_buf b[2];
	size_t n = 0;

	if (d->has_hostname) {
		b[n].id = APP_BUF_DHCP_HOSTNAME;
		b[n].data = d->hostname;
		b[n++].len = d->hostname_len;
	}
	if (d->has_vendor_class) {
		b[n].id = APP_BUF_DHCP_VENDOR_CLASS;
		b[n].data = d->vendor_class;
		b[n++].len = d->vendor_class_len;
	}
	app_inspect(ctx, APP_DHCP, dir, b, n, d);
}

static struct app_result
dhcp_parse(void *st, struct app_ctx *ctx, int dir, const uint8_t *p,
    size_t n)
{
	struct dhcp_facts *d = &dhcp_scratch;

	(void)st;
	if (dhcp_parse_message(p, n, d, ctx) == -1) {
		app_anomaly(ctx, EV_DHCP_MALFORMED);
		return app_ok(n);	/* one bad datagram; the next may do */
	}
	app_emit(ctx, APP_DHCP, dir, d);
	if (app_inspect_wanted(ctx, APP_DHCP))
		dhcp_inspect(ctx, dir, d);
	return app_ok(n);
}

/* An address or bytes in hex as a value: our own text, plain. */
static void
ip4_value(struct jsonw *jw, const uint8_t a[4])
{
	char buf[UTIL_ADDRBUF];

	util_format_ip(4, a, buf);
	jsonw_str_plain(jw, buf);
}

static void
hex_value(struct jsonw *jw, const uint8_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[DHCP_MAX_STR * 3 + 1];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf[o++] = ':';
		buf[o++] = hex[v[i] >> 4];
		buf[o++] = hex[v[i] & 0xf];
	}
	buf[o] = '\0';
	jsonw_str_plain(jw, buf);
}

/*
 * Suricata's names for the parameters it logs ("params"); it leaves
 * the others out.  The whole ordered list is the record's
 * wardwatch.dhcp.fingerprint, once.
 */
static const char *
param_name(uint8_t code)
{
	switch (code) {
	case 1:
		return "subnet_mask";
	case 3:
		return "router";
	case 6:
		return "dns_server";
	case 15:
		return "domain";
	case 35:
		return "arp_timeout";
	case 42:
		return "ntp_server";
	case 66:
		return "tftp_server_name";
	case 150:
		return "tftp_server_ip";
	default:
		return NULL;
	}
}

static void
addr_list(struct jsonw *jw, const char *k, uint8_t (*a)[4], size_t n)
{
	char buf[UTIL_ADDRBUF];
	size_t i;

	if (n == 0)
		return;
	jsonw_key(jw, k);
	jsonw_arr_open(jw);
	for (i = 0; i < n; i++) {
		util_format_ip(4, a[i], buf);
		jsonw_str_plain(jw, buf);
	}
	jsonw_arr_close(jw);
}

static void
dhcp_eve(struct jsonw *jw, const void *fact)
{
	const struct dhcp_facts *d = fact;
	size_t i, named = 0;
	char mac[18];

	JSONW_KV_PLAIN(jw, "type", d->op == 1 ? "request" : "reply");
	JSONW_KV_UINT(jw, "id", d->xid);
	if (d->has_mac) {
		util_format_mac(d->chaddr, mac);
		JSONW_KV_PLAIN(jw, "client_mac", mac);
	}
	JSONW_KEY(jw, "assigned_ip");
	ip4_value(jw, d->yiaddr);
	JSONW_KEY(jw, "client_ip");
	ip4_value(jw, d->ciaddr);
	if (d->op == 2) {
		JSONW_KEY(jw, "relay_ip");
		ip4_value(jw, d->giaddr);
		JSONW_KEY(jw, "next_server_ip");
		ip4_value(jw, d->siaddr);
	}
	if (d->msg_type != 0)
		JSONW_KV_STR(jw, "dhcp_type", dhcp_type_name(d->msg_type));
	/* Option 61 is a type byte then the identifier (RFC 2132 9.14). */
	if (d->client_id_len > 1) {
		JSONW_KEY(jw, "client_id");
		hex_value(jw, d->client_id + 1, d->client_id_len - 1);
	}
	if (d->has_hostname) {
		JSONW_KEY(jw, "hostname");
		jsonw_strn(jw, (const char *)d->hostname, d->hostname_len);
	}
	if (d->has_vendor_class) {
		JSONW_KEY(jw, "vendor_class_identifier");
		jsonw_strn(jw, (const char *)d->vendor_class,
		    d->vendor_class_len);
	}
	if (d->has_requested_ip) {
		JSONW_KEY(jw, "requested_ip");
		ip4_value(jw, d->requested_ip);
	}
	if (d->has_lease)
		JSONW_KV_UINT(jw, "lease_time", d->lease_time);
	if (d->has_renewal)
		JSONW_KV_UINT(jw, "renewal_time", d->renewal_time);
	if (d->has_rebinding)
		JSONW_KV_UINT(jw, "rebinding_time", d->rebinding_time);
	if (d->has_subnet_mask) {
		JSONW_KEY(jw, "subnet_mask");
		ip4_value(jw, d->subnet_mask);
	}
	addr_list(jw, "routers", (uint8_t (*)[4])d->routers, d->n_routers);
	addr_list(jw, "dns_servers", (uint8_t (*)[4])d->dns, d->n_dns);
	for (i = 0; i < d->n_params; i++)
		if (param_name(d->params[i]) != NULL)
			named++;
	if (named > 0) {
		JSONW_KEY(jw, "params");
		jsonw_arr_open(jw);
		for (i = 0; i < d->n_params; i++)
			if (param_name(d->params[i]) != NULL)
				jsonw_str(jw, param_name(d->params[i]));
		jsonw_arr_close(jw);
	}
}

/*
 * The option-55 list in order as "1,3,6,15" ("%u" each, joined by
 * commas), as many whole values as leave room for one more and a NUL
 * in size bytes: all of them in DHCP_MAX_PARAMS * 4 + 1.  Returns the
 * length, the text NUL-terminated.
 */
static size_t
dhcp_fingerprint(const struct dhcp_facts *d, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < d->n_params && n + 5 < size; i++) {
		if (i > 0)
			buf[n++] = ',';
		n += fmt_uint(buf + n, d->params[i]);
	}
	buf[n] = '\0';
	return n;
}

/*
 * What Suricata's dhcp object has no place for goes in the record's
 * "wardwatch" object: the whole ordered option-55 list as the client's
 * DHCP fingerprint ("1,3,6,15", the form fingerprint databases use and
 * the device's dhcp.params evidence), the FQDN and the server
 * identifier.
 */
static void
dhcp_eve_extra(struct jsonw *jw, const void *fact)
{
	const struct dhcp_facts *d = fact;
	char fp[DHCP_MAX_PARAMS * 4 + 1];

	if (!d->has_params && !d->has_fqdn && !d->has_server_id)
		return;
	JSONW_KEY(jw, "dhcp");
	jsonw_obj_open(jw);
	if (d->has_params) {
		(void)dhcp_fingerprint(d, fp, sizeof(fp));
		JSONW_KEY(jw, "fingerprint");
		jsonw_str_plain(jw, fp);
	}
	if (d->has_fqdn) {
		JSONW_KEY(jw, "fqdn");
		jsonw_strn(jw, (const char *)d->fqdn, d->fqdn_len);
	}
	if (d->has_server_id) {
		JSONW_KEY(jw, "server_id");
		ip4_value(jw, d->server_id);
	}
	jsonw_obj_close(jw);
}

/*
 * Device evidence.  A reply makes its sender a DHCP server (or, when
 * it comes from the relay's address on the client's segment, giaddr, a
 * relay agent passing the server's answer on), names the
 * gateways (option 3) and the client's subnet (option 1, with the
 * address it gives, or the relay's: RFC 2131 4.3.1 picks the subnet
 * from giaddr) and, for an ACK, the client's address.  A
 * request is about the hardware address it carries, which is not the
 * packet's source when a relay (giaddr) forwarded it: its host name,
 * FQDN, vendor class and parameter list (in order, "1,3,6,15").
 */
static void
dhcp_facts(const void *fact, int dir, const struct app_sink *sink)
{
	static const uint8_t zero[4];
	const struct dhcp_facts *d = fact;
	char buf[APP_VALUE_MAX];
	size_t i, n;
	bool relayed = memcmp(d->giaddr, zero, 4) != 0;
	char from[UTIL_ADDRBUF], relay[UTIL_ADDRBUF];
	const uint8_t *in;

	if (d->op == 2) {
		util_format_ip(4, d->giaddr, relay);
		app_evidence(sink, APP_END_SENDER(dir), EVIDENCE_BEHAVIOUR,
		    relayed && sink->address(sink, APP_END_SENDER(dir), from) &&
		    strcmp(from, relay) == 0 ? "dhcp_relay" : "dhcp_server");
		for (i = 0; i < d->n_routers && i < DHCP_MAX_ADDRS; i++)
			if (!sink->router(sink, d->routers[i], relayed))
				break;
		in = memcmp(d->yiaddr, zero, 4) != 0 ? d->yiaddr :
		    memcmp(d->ciaddr, zero, 4) != 0 ? d->ciaddr : d->giaddr;
		if (d->has_subnet_mask && d->has_mac &&
		    memcmp(in, zero, 4) != 0)
			sink->subnet(sink, d->chaddr, in, d->subnet_mask,
			    relayed);
		if (d->msg_type == 5 && d->has_mac &&
		    memcmp(d->yiaddr, zero, 4) != 0)
			sink->lease(sink, d->chaddr, d->yiaddr, relayed);
		return;
	}
	if (d->op != 1 || !d->has_mac)
		return;
	if (d->has_hostname)
		sink->evidence_mac(sink, d->chaddr, relayed,
		    EVIDENCE_HOSTNAME_DHCP, (const char *)d->hostname,
		    d->hostname_len);
	if (d->has_fqdn)
		sink->evidence_mac(sink, d->chaddr, relayed,
		    EVIDENCE_HOSTNAME_FQDN, (const char *)d->fqdn, d->fqdn_len);
	if (d->has_vendor_class)
		sink->evidence_mac(sink, d->chaddr, relayed,
		    EVIDENCE_DHCP_VENDOR_CLASS, (const char *)d->vendor_class,
		    d->vendor_class_len);
	if (d->has_params) {
		n = dhcp_fingerprint(d, buf, sizeof(buf));
		sink->evidence_mac(sink, d->chaddr, relayed,
		    EVIDENCE_DHCP_PARAMS, buf, n);
	}
}

const struct app_parser dhcp_parser = {
	.proto = APP_DHCP,
	.ipproto = IPPROTO_UDP,
	.ports = dhcp_ports,
	.anom_first = EV_DHCP_MALFORMED,
	.anom_last = EV_DHCP_OPT_TRUNCATED,
	.probe = dhcp_probe,
	.state_new = NULL,		/* each datagram whole */
	.state_size = 0,
	.state_free = NULL,
	.parse = dhcp_parse,
	.gap = NULL,
	.eve = dhcp_eve,
	.eve_extra = dhcp_eve_extra,
	.facts = dhcp_facts,
};
