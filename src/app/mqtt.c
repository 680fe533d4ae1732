/*
 * app/mqtt.c - MQTT control packet parser (MQTT 3.1, OASIS MQTT
 * 3.1.1 and 5.0).
 *
 * Every packet starts with a fixed header (5.0 section 2.1.1):
 *
 *	byte 0     type (high nibble), flags (low nibble: DUP, QoS, RETAIN)
 *	byte 1..4  Remaining Length, a varint of 7 bits a byte, low
 *	           group first, at most four bytes (2.1.4)
 *
 * Packets other than PUBLISH are read whole, up to MQTT_MAX_PACKET;
 * longer ones are skipped unread.  Of a PUBLISH only the topic name
 * and packet identifier are read: the payload is skipped in whatever
 * pieces it arrives, never buffered, as it may carry patient data.
 * Of a CONNECT the user name, password and will message are never
 * read: only the flags that say they were sent.  Acknowledgements of
 * PUBLISH are logged only when they report an error (MQTT 5 reason
 * code 0x80 or above): a healthy session sends one per message.
 *
 * When a rule looks at MQTT, every control packet read is handed to
 * the rule engine (app_inspect(), the mqtt.* rows of buffers.def): its
 * type, flags, QoS, the protocol level, a CONNECT's client id, flags
 * and user name (read for this only, never kept), a PUBLISH's topic
 * and a SUBSCRIBE's or UNSUBSCRIBE's filters.
 */
#include <config.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mqtt.h"
#include "output/jsonw.h"
#include "util/bytes.h"
#include "util/events.h"
#include "util/util.h"

#define MQTT_HDR_MAX	5	/* type byte and a four-byte varint */

struct mqtt_dir {
	uint64_t	 skip;		/* bytes of a packet still to skip */
	bool		 stop;
};

struct mqtt_state {
	struct mqtt_dir	 dir[2];
	uint8_t		 version;	/* from CONNECT; 0 until seen */
	bool		 connect_pending;
	struct mqtt_facts connect;	/* waiting for its CONNACK */
	unsigned	 n_topics;
	char		 topics[MQTT_MAX_TOPICS][MQTT_TOPIC_LEN];
	uint64_t	 packets;
};

static const uint16_t mqtt_ports[] = { 1883, 0 };

enum varint_result { VARINT_OK, VARINT_SHORT, VARINT_BAD };

/* A Variable Byte Integer (5.0 section 1.5.5): at most four bytes. */
static enum varint_result
mqtt_varint(struct breader *br, uint32_t *out)
{
	uint32_t v = 0;
	uint8_t b;
	int i;

	for (i = 0; i < 4; i++) {
		b = br_u8(br);
		if (!br_ok(br))
			return VARINT_SHORT;
		v |= (uint32_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			*out = v;
			return VARINT_OK;
		}
	}
	return VARINT_BAD;
}

static void
mqtt_copy(char *dst, size_t size, const uint8_t *p, size_t n, bool *cut)
{
	size_t i;

	if (n >= size) {
		n = size - 1;
		if (cut != NULL)
			*cut = true;
	}
	for (i = 0; i < n; i++)
		dst[i] = (p[i] < 0x20 || p[i] >= 0x7f) ? '?' : (char)p[i];
	dst[n] = '\0';
}

/* A UTF-8 string field: two-byte length, then its bytes. */
static const uint8_t *
mqtt_string(struct breader *br, size_t *n)
{
	*n = br_be16(br);
	return br_bytes(br, *n);
}

/* Suricata's names of the packet types (mqtt.type), by type. */
static const char *const mqtt_type_names[16] = {
	"UNASSIGNED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
	"PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK",
	"PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};

/* What one control packet adds to the packet-level buffers. */
struct mqtt_insp {
	const char	*client_id;
	const uint8_t	*user;		/* CONNECT user name, never kept */
	size_t		 user_len;
	bool		 connect;
	uint8_t		 connect_flags;
	const struct mqtt_facts *filters;	/* SUBSCRIBE, UNSUBSCRIBE */
	const char	*topic;			/* PUBLISH */
};

/* "a,b" of the names whose bits are set, in table order. */
static void
mqtt_flag_text(char *out, size_t size, uint8_t v, const uint8_t *bits,
    const char *const *names, size_t n)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((v & bits[i]) == 0)
			continue;
		if (out[0] != '\0')
			(void)strlcat(out, ",", size);
		(void)strlcat(out, names[i], size);
	}
}

#define MQTT_INSP_BUFS	(6 + MQTT_MAX_FILTERS)

static void
mqtt_inspect(struct mqtt_state *st, struct app_ctx *ctx, int dir,
    uint8_t b0, const struct mqtt_insp *in, const void *fact)
{
	static const uint8_t hbits[] = { 0x08, 0x01 };
	static const char *const hnames[] = { "dup", "retain" };
	static const uint8_t cbits[] = { MQTT_CF_USERNAME, MQTT_CF_PASSWORD,
	    MQTT_CF_WILL, MQTT_CF_WILL_RETAIN, MQTT_CF_CLEAN };
	static const char *const cnames[] = { "username", "password", "will",
	    "will_retain", "clean_session" };
	struct app_buf b[MQTT_INSP_BUFS];
	char flags[16], qos[4], ver[4], cflags[64];
	const char *type = mqtt_type_names[b0 >> 4];
	size_t n = 0;
	uint8_t i;

	if (!app_inspect_wanted(ctx, APP_MQTT))
		return;
	b[n++] = (struct app_buf){ APP_BUF_MQTT_TYPE, (const uint8_t *)type,
	    strlen(type) };
	mqtt_flag_text(flags, sizeof(flags), b0 & 0x0f, hbits, hnames, 2);
	b[n++] = (struct app_buf){ APP_BUF_MQTT_FLAGS,
	    (const uint8_t *)flags, strlen(flags) };
	(void)snprintf(qos, sizeof(qos), "%u", (unsigned)(b0 >> 1) & 3);
	b[n++] = (struct app_buf){ APP_BUF_MQTT_QOS, (const uint8_t *)qos,
	    strlen(qos) };
	if (st->version != 0) {
		(void)snprintf(ver, sizeof(ver), "%u", st->version);
		b[n++] = (struct app_buf){ APP_BUF_MQTT_PROTOCOL_VERSION,
		    (const uint8_t *)ver, strlen(ver) };
	}
	if (in != NULL && in->connect) {
		mqtt_flag_text(cflags, sizeof(cflags), in->connect_flags,
		    cbits, cnames, 5);
		b[n++] = (struct app_buf){ APP_BUF_MQTT_CONNECT_FLAGS,
		    (const uint8_t *)cflags, strlen(cflags) };
		b[n++] = (struct app_buf){ APP_BUF_MQTT_CLIENT_ID,
		    (const uint8_t *)in->client_id, strlen(in->client_id) };
		if (in->user != NULL)
			b[n++] = (struct app_buf){ APP_BUF_MQTT_USERNAME,
			    in->user, in->user_len };
	}
	if (in != NULL && in->topic != NULL)
		b[n++] = (struct app_buf){ APP_BUF_MQTT_TOPIC,
		    (const uint8_t *)in->topic, strlen(in->topic) };
	if (in != NULL && in->filters != NULL)
		for (i = 0; i < in->filters->n_filters &&
		    n < MQTT_INSP_BUFS; i++)
			b[n++] = (struct app_buf){ APP_BUF_MQTT_TOPIC,
			    (const uint8_t *)in->filters->filter[i],
			    strlen(in->filters->filter[i]) };
	app_inspect(ctx, APP_MQTT, dir, b, n, fact);
}

/* Property identifiers (5.0 section 2.2.2.2) and their types. */
enum mqtt_ptype {
	MQTT_PT_BYTE,
	MQTT_PT_U16,
	MQTT_PT_U32,
	MQTT_PT_VARINT,
	MQTT_PT_STR,
	MQTT_PT_BIN,		/* never kept */
	MQTT_PT_PAIR,		/* user property: name and value */
};

#define MQTT_PROP_USER	38

static const struct {
	uint8_t		 id;
	uint8_t		 type;		/* enum mqtt_ptype */
	const char	*name;
} mqtt_ptab[] = {
	{ 1, MQTT_PT_BYTE, "payload_format_indicator" },
	{ 2, MQTT_PT_U32, "message_expiry_interval" },
	{ 3, MQTT_PT_STR, "content_type" },
	{ 8, MQTT_PT_STR, "response_topic" },
	{ 9, MQTT_PT_BIN, "correlation_data" },
	{ 11, MQTT_PT_VARINT, "subscription_identifier" },
	{ 17, MQTT_PT_U32, "session_expiry_interval" },
	{ 18, MQTT_PT_STR, "assigned_client_identifier" },
	{ 19, MQTT_PT_U16, "server_keep_alive" },
	{ 21, MQTT_PT_STR, "authentication_method" },
	{ 22, MQTT_PT_BIN, "authentication_data" },
	{ 23, MQTT_PT_BYTE, "request_problem_information" },
	{ 24, MQTT_PT_U32, "will_delay_interval" },
	{ 25, MQTT_PT_BYTE, "request_response_information" },
	{ 26, MQTT_PT_STR, "response_information" },
	{ 28, MQTT_PT_STR, "server_reference" },
	{ 31, MQTT_PT_STR, "reason_string" },
	{ 33, MQTT_PT_U16, "receive_maximum" },
	{ 34, MQTT_PT_U16, "topic_alias_maximum" },
	{ 35, MQTT_PT_U16, "topic_alias" },
	{ 36, MQTT_PT_BYTE, "maximum_qos" },
	{ 37, MQTT_PT_BYTE, "retain_available" },
	{ MQTT_PROP_USER, MQTT_PT_PAIR, NULL },
	{ 39, MQTT_PT_U32, "maximum_packet_size" },
	{ 40, MQTT_PT_BYTE, "wildcard_subscription_available" },
	{ 41, MQTT_PT_BYTE, "subscription_identifier_available" },
	{ 42, MQTT_PT_BYTE, "shared_subscription_available" },
};

#define MQTT_NPTAB	(sizeof(mqtt_ptab) / sizeof(mqtt_ptab[0]))

static const char *
mqtt_prop_name(uint8_t id)
{
	size_t i;

	for (i = 0; i < MQTT_NPTAB; i++)
		if (mqtt_ptab[i].id == id)
			return mqtt_ptab[i].name;
	return NULL;
}

/*
 * Properties: a varint length, then identifier (varint) and value
 * pairs.  False on an unknown identifier or a value past the end.
 */
static bool
mqtt_props(struct breader *pkt, struct mqtt_props *out)
{
	struct breader pr;
	struct mqtt_prop p;
	const uint8_t *s;
	uint32_t len, id;
	size_t i, n;
	bool cut = false;

	if (mqtt_varint(pkt, &len) != VARINT_OK)
		return false;
	pr = br_sub(pkt, len);
	while (br_ok(&pr) && br_left(&pr) > 0) {
		if (mqtt_varint(&pr, &id) != VARINT_OK)
			return false;
		for (i = 0; i < MQTT_NPTAB && mqtt_ptab[i].id != id; i++)
			;
		if (i == MQTT_NPTAB)
			return false;
		memset(&p, 0, sizeof(p));
		p.id = (uint8_t)id;
		switch (mqtt_ptab[i].type) {
		case MQTT_PT_BYTE:
			p.num = br_u8(&pr);
			break;
		case MQTT_PT_U16:
			p.num = br_be16(&pr);
			break;
		case MQTT_PT_U32:
			p.num = br_be32(&pr);
			break;
		case MQTT_PT_VARINT:
			if (mqtt_varint(&pr, &p.num) != VARINT_OK)
				return false;
			break;
		case MQTT_PT_STR:
			p.is_str = true;
			s = mqtt_string(&pr, &n);
			if (s != NULL)
				mqtt_copy(p.str, sizeof(p.str), s, n, &cut);
			break;
		case MQTT_PT_PAIR:
			p.is_str = true;
			s = mqtt_string(&pr, &n);
			if (s != NULL)
				mqtt_copy(p.name, sizeof(p.name), s, n, &cut);
			s = mqtt_string(&pr, &n);
			if (s != NULL)
				mqtt_copy(p.str, sizeof(p.str), s, n, &cut);
			break;
		default:
			/* Binary data is skipped: it may be a credential. */
			(void)mqtt_string(&pr, &n);
			continue;
		}
		if (!br_ok(&pr))
			break;
		if (out->n < MQTT_MAX_PROPS)
			out->p[out->n++] = p;
		else
			out->dropped = true;
	}
	return br_ok(&pr) && br_ok(pkt);
}

static void
mqtt_emit_connect(struct mqtt_state *st, struct app_ctx *ctx)
{
	if (st->connect_pending) {
		app_emit(ctx, APP_MQTT, APP_DIR_TOSERVER, &st->connect);
		st->connect_pending = false;
	}
}

/*
 * CONNECT variable header and payload (3.1.2, 3.1.3):
 *	protocol name (string), level (1), flags (1), keep alive (2),
 *	[5.0: properties (varint length + bytes)], client id (string),
 *	[will properties, topic, message], [user name], [password].
 */
static bool
mqtt_connect(struct mqtt_state *st, struct app_ctx *ctx, uint8_t hdr,
    struct breader *pkt)
{
	struct mqtt_facts f;
	struct mqtt_insp in;
	const uint8_t *p;
	size_t n;

	memset(&f, 0, sizeof(f));
	f.has_connect = true;
	f.connect_hdr = hdr;
	p = mqtt_string(pkt, &n);
	f.protocol_version = br_u8(pkt);
	f.connect_flags = br_u8(pkt);
	f.keep_alive = br_be16(pkt);
	if (!br_ok(pkt))
		return false;
	mqtt_copy(f.protocol_string, sizeof(f.protocol_string), p, n, NULL);
	if (f.protocol_version == 5 && !mqtt_props(pkt, &f.connect_props))
		return false;
	p = mqtt_string(pkt, &n);
	if (!br_ok(pkt))
		return false;
	mqtt_copy(f.client_id, sizeof(f.client_id), p, n,
	    &f.client_id_truncated);
	if (f.connect_flags & MQTT_CF_WILL) {
		/* 3.1.3.2-4: [5.0 will properties], topic, message. */
		if (f.protocol_version == 5 &&
		    !mqtt_props(pkt, &f.will_props))
			return false;
		p = mqtt_string(pkt, &n);
		if (!br_ok(pkt))
			return false;
		mqtt_copy(f.will_topic, sizeof(f.will_topic), p, n,
		    &f.will_topic_truncated);
		(void)mqtt_string(pkt, &n);	/* the message: not read */
		if (!br_ok(pkt))
			return false;
	}
	memset(&in, 0, sizeof(in));
	in.connect = true;
	in.connect_flags = f.connect_flags;
	in.client_id = f.client_id;
	if (f.connect_flags & MQTT_CF_USERNAME) {
		/* for the rule engine only; a short one is no error */
		p = mqtt_string(pkt, &n);
		if (br_ok(pkt)) {
			in.user = p;
			in.user_len = n;
		}
	}
	mqtt_emit_connect(st, ctx);
	st->version = f.protocol_version;
	mqtt_inspect(st, ctx, APP_DIR_TOSERVER, (uint8_t)(MQTT_CONNECT << 4 |
	    hdr), &in, &f);
	st->connect = f;
	st->connect_pending = true;
	return true;
}

/* CONNACK (3.2): acknowledge flags (1), return or reason code (1). */
static bool
mqtt_connack(struct mqtt_state *st, struct app_ctx *ctx, uint8_t hdr,
    struct breader *pkt)
{
	struct mqtt_facts f;
	uint8_t flags, rc;

	flags = br_u8(pkt);
	rc = br_u8(pkt);
	if (!br_ok(pkt))
		return false;
	if (st->connect_pending)
		f = st->connect;
	else
		memset(&f, 0, sizeof(f));
	st->connect_pending = false;
	f.has_connack = true;
	f.connack_hdr = hdr;
	f.session_present = (flags & 0x01) != 0;
	f.return_code = rc;
	if (st->version == 5 && br_left(pkt) > 0 &&
	    !mqtt_props(pkt, &f.connack_props))
		memset(&f.connack_props, 0, sizeof(f.connack_props));
	mqtt_inspect(st, ctx, APP_DIR_TOCLIENT, (uint8_t)(MQTT_CONNACK << 4 |
	    hdr), NULL, &f);
	app_emit(ctx, APP_MQTT, APP_DIR_TOCLIENT, &f);
	return true;
}

/* PUBLISH (3.3): topic name (string), packet id (2) if QoS > 0. */
static void
mqtt_publish(struct mqtt_state *st, struct app_ctx *ctx, int dir,
    uint8_t hdr, const uint8_t *topic, size_t tlen, bool has_id,
    uint16_t id)
{
	struct mqtt_facts f;
	struct mqtt_insp in;
	unsigned i;

	memset(&f, 0, sizeof(f));
	f.has_publish = true;
	f.publish_hdr = hdr;
	mqtt_copy(f.topic, sizeof(f.topic), topic, tlen, &f.topic_truncated);
	f.has_message_id = has_id;
	f.message_id = id;
	memset(&in, 0, sizeof(in));
	in.topic = f.topic;
	mqtt_inspect(st, ctx, dir, (uint8_t)(MQTT_PUBLISH << 4 | hdr), &in,
	    &f);
	for (i = 0; i < st->n_topics; i++)
		if (strcmp(st->topics[i], f.topic) == 0)
			return;
	if (st->n_topics == MQTT_MAX_TOPICS)
		return;
	strlcpy(st->topics[st->n_topics++], f.topic, MQTT_TOPIC_LEN);
	app_emit(ctx, APP_MQTT, dir, &f);
}

/*
 * PUBACK, PUBREC, PUBREL, PUBCOMP (3.4-3.7): packet id (2); 5.0 adds
 * a reason code (absent: 0, success) and properties.  Only an error
 * is a fact.
 */
static bool
mqtt_ack(struct mqtt_state *st, struct app_ctx *ctx, int dir, uint8_t type,
    uint8_t hdr, struct breader *pkt)
{
	struct mqtt_facts f;
	struct mqtt_props unused;

	memset(&f, 0, sizeof(f));
	f.msg_type = type;
	f.msg_hdr = hdr;
	f.msg_id = br_be16(pkt);
	if (!br_ok(pkt))
		return false;
	mqtt_inspect(st, ctx, dir, (uint8_t)(type << 4 | hdr), NULL, &f);
	if (st->version != 5 || br_left(pkt) == 0)
		return true;
	f.has_msg_reason = true;
	f.msg_reason = br_u8(pkt);
	memset(&unused, 0, sizeof(unused));
	if (br_left(pkt) > 0 && !mqtt_props(pkt, &unused))
		return false;
	if (f.msg_reason >= 0x80)
		app_emit(ctx, APP_MQTT, dir, &f);
	return true;
}

/*
 * SUBSCRIBE (3.8): packet id (2), [5.0 properties], then topic filters
 * (string) each with an options byte whose low two bits are the QoS.
 * UNSUBSCRIBE (3.10): the same without options bytes.  SUBACK (3.9),
 * UNSUBACK (3.11): packet id, [5.0 properties], one code per filter
 * (3.1.1 UNSUBACK has none).
 */
static bool
mqtt_sub(struct mqtt_state *st, struct app_ctx *ctx, int dir, uint8_t type,
    uint8_t hdr, struct breader *pkt)
{
	struct mqtt_facts f;
	struct mqtt_props unused;
	struct mqtt_insp in;
	const uint8_t *p;
	size_t n;
	uint8_t code;
	bool filters = type == MQTT_SUBSCRIBE || type == MQTT_UNSUBSCRIBE;

	memset(&f, 0, sizeof(f));
	f.msg_type = type;
	f.msg_hdr = hdr;
	f.msg_id = br_be16(pkt);
	memset(&unused, 0, sizeof(unused));
	if (!br_ok(pkt) || (st->version == 5 && !mqtt_props(pkt, &unused)))
		return false;
	while (br_left(pkt) > 0) {
		p = NULL;
		n = 0;
		if (filters) {
			p = mqtt_string(pkt, &n);
			code = type == MQTT_SUBSCRIBE ? br_u8(pkt) & 3 : 0;
		} else
			code = br_u8(pkt);
		if (!br_ok(pkt))
			return false;
		if (f.n_filters == MQTT_MAX_FILTERS) {
			f.filters_dropped = true;
			continue;
		}
		if (p != NULL)
			mqtt_copy(f.filter[f.n_filters], MQTT_TOPIC_LEN, p, n,
			    NULL);
		f.code[f.n_filters++] = code;
	}
	/* 3.8.3, 3.10.3: at least one filter; acks may be empty (3.1.1). */
	if (filters && f.n_filters == 0)
		return false;
	memset(&in, 0, sizeof(in));
	if (filters)
		in.filters = &f;
	mqtt_inspect(st, ctx, dir, (uint8_t)(type << 4 | hdr), &in, &f);
	app_emit(ctx, APP_MQTT, dir, &f);
	return true;
}

/* DISCONNECT (3.14): 5.0 adds a reason code (1) and properties. */
static void
mqtt_disconnect(struct mqtt_state *st, struct app_ctx *ctx, int dir,
    uint8_t hdr, struct breader *pkt)
{
	struct mqtt_facts f;

	mqtt_emit_connect(st, ctx);
	memset(&f, 0, sizeof(f));
	f.has_disconnect = true;
	f.disconnect_hdr = hdr;
	if (br_left(pkt) > 0) {
		f.has_reason = true;
		f.reason_code = br_u8(pkt);
		if (br_left(pkt) > 0 &&
		    !mqtt_props(pkt, &f.disconnect_props))
			memset(&f.disconnect_props, 0,
			    sizeof(f.disconnect_props));
	} else if (st->version == 5)
		f.has_reason = true;	/* 3.14.2.1: absent means 0 */
	mqtt_inspect(st, ctx, dir, (uint8_t)(MQTT_DISCONNECT << 4 | hdr), NULL,
	    &f);
	app_emit(ctx, APP_MQTT, dir, &f);
}

/* Skip what is there of a packet we do not read. */
static size_t
mqtt_skip(struct mqtt_dir *d, size_t len)
{
	size_t take = (uint64_t)len < d->skip ? len : (size_t)d->skip;

	d->skip -= take;
	return take;
}

static struct app_result
mqtt_stop(struct mqtt_dir *d, struct app_ctx *ctx, enum ww_counter ev)
{
	app_anomaly(ctx, ev);
	d->stop = true;
	return app_error(0);
}

static struct app_result
mqtt_parse(void *state, struct app_ctx *ctx, int dir, const uint8_t *buf,
    size_t len)
{
	struct mqtt_state *st = state;
	struct mqtt_dir *d;
	struct breader br, pkt;
	const uint8_t *topic;
	size_t hdr, need, tlen;
	uint32_t rl;
	uint16_t id = 0;
	uint8_t b0, type;
	bool ok = true;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return app_error(0);
	d = &st->dir[dir];
	if (d->stop)
		return app_ok(len);
	if (d->skip > 0)
		return app_ok(mqtt_skip(d, len));

	br_init(&br, buf, len);
	b0 = br_u8(&br);
	switch (mqtt_varint(&br, &rl)) {
	case VARINT_SHORT:
		return app_incomplete(0, 1);
	case VARINT_BAD:
		return mqtt_stop(d, ctx, EV_MQTT_BAD_REMAINING_LENGTH);
	case VARINT_OK:
		break;
	}
	hdr = br_off(&br);
	type = b0 >> 4;
	if (type == 0)
		return mqtt_stop(d, ctx, EV_MQTT_MALFORMED);
	st->packets++;

	if (type == MQTT_PUBLISH) {
		/* Read the topic (and packet id); skip the payload. */
		if (rl < 2) {
			app_anomaly(ctx, EV_MQTT_MALFORMED);
			d->skip = hdr + (uint64_t)rl;
			return app_ok(mqtt_skip(d, len));
		}
		if (br_left(&br) < 2)
			return app_incomplete(0, hdr + 2 - len);
		pkt = br;
		tlen = br_be16(&pkt);
		need = 2 + tlen + (((b0 >> 1) & 3) != 0 ? 2 : 0);
		if (need > rl) {
			app_anomaly(ctx, EV_MQTT_MALFORMED);
			d->skip = hdr + (uint64_t)rl;
			return app_ok(mqtt_skip(d, len));
		}
		if (br_left(&br) < need)
			return app_incomplete(0, hdr + need - len);
		topic = br_bytes(&pkt, tlen);
		if (((b0 >> 1) & 3) != 0)
			id = br_be16(&pkt);
		mqtt_publish(st, ctx, dir, b0 & 0x0f, topic, tlen,
		    ((b0 >> 1) & 3) != 0, id);
		d->skip = rl - need;
		return app_ok(hdr + need);
	}

	if (rl > MQTT_MAX_PACKET) {
		app_anomaly(ctx, EV_MQTT_PACKET_TOO_LONG);
		d->skip = hdr + (uint64_t)rl;
		return app_ok(mqtt_skip(d, len));
	}
	if (br_left(&br) < rl)
		return app_incomplete(0, hdr + rl - len);
	pkt = br_sub(&br, rl);
	switch (type) {
	case MQTT_CONNECT:
		if (dir == APP_DIR_TOSERVER)
			ok = mqtt_connect(st, ctx, b0 & 0x0f, &pkt);
		break;
	case MQTT_CONNACK:
		if (dir == APP_DIR_TOCLIENT)
			ok = mqtt_connack(st, ctx, b0 & 0x0f, &pkt);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
		ok = mqtt_ack(st, ctx, dir, type, b0 & 0x0f, &pkt);
		break;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		if (dir == APP_DIR_TOSERVER)
			ok = mqtt_sub(st, ctx, dir, type, b0 & 0x0f, &pkt);
		break;
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		if (dir == APP_DIR_TOCLIENT)
			ok = mqtt_sub(st, ctx, dir, type, b0 & 0x0f, &pkt);
		break;
	case MQTT_DISCONNECT:
		mqtt_disconnect(st, ctx, dir, b0 & 0x0f, &pkt);
		break;
	default:
		/* PINGREQ, PINGRESP, AUTH: no fact, still a packet */
		mqtt_inspect(st, ctx, dir, b0, NULL, NULL);
		break;
	}
	if (!ok)
		app_anomaly(ctx, EV_MQTT_MALFORMED);
	return app_ok(hdr + rl);
}

static void
mqtt_gap(void *state, struct app_ctx *ctx, int dir)
{
	struct mqtt_state *st = state;

	if (dir != APP_DIR_TOSERVER && dir != APP_DIR_TOCLIENT)
		return;
	/* The CONNACK can no longer come: report the CONNECT alone. */
	if (dir == APP_DIR_TOCLIENT)
		mqtt_emit_connect(st, ctx);
	/* No length field to resynchronise on: give the direction up. */
	st->dir[dir].stop = true;
}

/* A CONNECT: 0x10, a varint, then "MQTT" level 4/5 or "MQIsdp" 3. */
static enum app_probe
mqtt_probe(const uint8_t *buf, size_t len, int dir)
{
	struct breader br;
	const uint8_t *name;
	uint32_t rl;
	size_t n;
	uint8_t level;

	if (dir != APP_DIR_TOSERVER)
		return APP_PROBE_NO;
	br_init(&br, buf, len);
	if (br_left(&br) == 0)
		return APP_PROBE_MAYBE;
	if (br_u8(&br) != 0x10)
		return APP_PROBE_NO;
	switch (mqtt_varint(&br, &rl)) {
	case VARINT_SHORT:
		return APP_PROBE_MAYBE;
	case VARINT_BAD:
		return APP_PROBE_NO;
	case VARINT_OK:
		break;
	}
	n = br_be16(&br);
	if (!br_ok(&br))
		return APP_PROBE_MAYBE;
	if (n != 4 && n != 6)
		return APP_PROBE_NO;
	name = br_bytes(&br, n);
	level = br_u8(&br);
	if (!br_ok(&br))
		return APP_PROBE_MAYBE;
	if (n == 4 && memcmp(name, "MQTT", 4) == 0 && (level == 4 ||
	    level == 5))
		return APP_PROBE_YES;
	if (n == 6 && memcmp(name, "MQIsdp", 6) == 0 && level == 3)
		return APP_PROBE_YES;
	return APP_PROBE_NO;
}

static void *
mqtt_state_new(void)
{
	return xcalloc(1, sizeof(struct mqtt_state));
}

static void
mqtt_state_free(void *state)
{
	free(state);
}

static void
mqtt_eve_props(struct jsonw *jw, const struct mqtt_props *ps)
{
	const struct mqtt_prop *p;
	uint8_t i;

	if (ps->n == 0)
		return;
	jsonw_key(jw, "properties");
	jsonw_obj_open(jw);
	for (i = 0; i < ps->n; i++) {
		p = &ps->p[i];
		if (p->id == MQTT_PROP_USER)
			jsonw_kv_str(jw, p->name, p->str);
		else if (mqtt_prop_name(p->id) == NULL)
			continue;
		else if (p->is_str)
			jsonw_kv_str(jw, mqtt_prop_name(p->id), p->str);
		else
			jsonw_kv_uint(jw, mqtt_prop_name(p->id), p->num);
	}
	jsonw_obj_close(jw);
}

/* The fixed header's flags, as Suricata logs them in each object. */
static void
mqtt_eve_hdr(struct jsonw *jw, uint8_t hdr)
{
	jsonw_kv_uint(jw, "qos", (hdr >> 1) & 3);
	jsonw_kv_bool(jw, "retain", (hdr & 1) != 0);
	jsonw_kv_bool(jw, "dup", (hdr & 8) != 0);
}

static const char *
mqtt_msg_name(uint8_t type)
{
	switch (type) {
	case MQTT_PUBACK:
		return "puback";
	case MQTT_PUBREC:
		return "pubrec";
	case MQTT_PUBREL:
		return "pubrel";
	case MQTT_PUBCOMP:
		return "pubcomp";
	case MQTT_SUBSCRIBE:
		return "subscribe";
	case MQTT_SUBACK:
		return "suback";
	case MQTT_UNSUBSCRIBE:
		return "unsubscribe";
	case MQTT_UNSUBACK:
		return "unsuback";
	}
	return NULL;
}

/* Suricata's objects for these (its schema: topics, qos_granted...). */
static void
mqtt_eve_msg(struct jsonw *jw, const struct mqtt_facts *f)
{
	const char *name = mqtt_msg_name(f->msg_type);
	uint8_t i;

	if (name == NULL)
		return;
	jsonw_key(jw, name);
	jsonw_obj_open(jw);
	mqtt_eve_hdr(jw, f->msg_hdr);
	jsonw_kv_uint(jw, "message_id", f->msg_id);
	if (f->has_msg_reason)
		jsonw_kv_uint(jw, "reason_code", f->msg_reason);
	if (f->n_filters > 0) {
		switch (f->msg_type) {
		case MQTT_SUBSCRIBE:
			jsonw_key(jw, "topics");
			jsonw_arr_open(jw);
			for (i = 0; i < f->n_filters; i++) {
				jsonw_obj_open(jw);
				jsonw_kv_str(jw, "topic", f->filter[i]);
				jsonw_kv_uint(jw, "qos", f->code[i]);
				jsonw_obj_close(jw);
			}
			jsonw_arr_close(jw);
			break;
		case MQTT_UNSUBSCRIBE:
			jsonw_key(jw, "topics");
			jsonw_arr_open(jw);
			for (i = 0; i < f->n_filters; i++)
				jsonw_str(jw, f->filter[i]);
			jsonw_arr_close(jw);
			break;
		default:
			jsonw_key(jw, f->msg_type == MQTT_SUBACK ?
			    "qos_granted" : "reason_codes");
			jsonw_arr_open(jw);
			for (i = 0; i < f->n_filters; i++)
				jsonw_uint(jw, f->code[i]);
			jsonw_arr_close(jw);
			break;
		}
	}
	jsonw_obj_close(jw);
}

static void
mqtt_eve(struct jsonw *jw, const void *fact)
{
	const struct mqtt_facts *f = fact;

	if (f->has_connect) {
		jsonw_key(jw, "connect");
		jsonw_obj_open(jw);
		mqtt_eve_hdr(jw, f->connect_hdr);
		jsonw_kv_str(jw, "protocol_string", f->protocol_string);
		jsonw_kv_uint(jw, "protocol_version", f->protocol_version);
		jsonw_key(jw, "flags");
		jsonw_obj_open(jw);
		jsonw_kv_bool(jw, "username",
		    (f->connect_flags & MQTT_CF_USERNAME) != 0);
		jsonw_kv_bool(jw, "password",
		    (f->connect_flags & MQTT_CF_PASSWORD) != 0);
		jsonw_kv_bool(jw, "will_retain",
		    (f->connect_flags & MQTT_CF_WILL_RETAIN) != 0);
		jsonw_kv_bool(jw, "will",
		    (f->connect_flags & MQTT_CF_WILL) != 0);
		jsonw_kv_bool(jw, "clean_session",
		    (f->connect_flags & MQTT_CF_CLEAN) != 0);
		jsonw_obj_close(jw);
		jsonw_kv_str(jw, "client_id", f->client_id);
		mqtt_eve_props(jw, &f->connect_props);
		if (f->connect_flags & MQTT_CF_WILL) {
			jsonw_key(jw, "will");
			jsonw_obj_open(jw);
			jsonw_kv_str(jw, "topic", f->will_topic);
			mqtt_eve_props(jw, &f->will_props);
			jsonw_obj_close(jw);
		}
		jsonw_obj_close(jw);
	}
	if (f->has_connack) {
		jsonw_key(jw, "connack");
		jsonw_obj_open(jw);
		mqtt_eve_hdr(jw, f->connack_hdr);
		jsonw_kv_bool(jw, "session_present", f->session_present);
		jsonw_kv_uint(jw, "return_code", f->return_code);
		mqtt_eve_props(jw, &f->connack_props);
		jsonw_obj_close(jw);
	}
	if (f->has_publish) {
		jsonw_key(jw, "publish");
		jsonw_obj_open(jw);
		mqtt_eve_hdr(jw, f->publish_hdr);
		jsonw_kv_str(jw, "topic", f->topic);
		if (f->has_message_id)
			jsonw_kv_uint(jw, "message_id", f->message_id);
		jsonw_obj_close(jw);
	}
	if (f->msg_type != 0)
		mqtt_eve_msg(jw, f);
	if (f->has_disconnect) {
		jsonw_key(jw, "disconnect");
		jsonw_obj_open(jw);
		mqtt_eve_hdr(jw, f->disconnect_hdr);
		if (f->has_reason)
			jsonw_kv_uint(jw, "reason_code", f->reason_code);
		mqtt_eve_props(jw, &f->disconnect_props);
		jsonw_obj_close(jw);
	}
}

static bool
mqtt_has_extra(const void *fact)
{
	const struct mqtt_facts *f = fact;

	return f->has_connect || (f->has_publish && f->topic_truncated) ||
	    f->will_topic_truncated || f->filters_dropped;
}

/* What Suricata's mqtt object has no field for. */
static void
mqtt_eve_extra(struct jsonw *jw, const void *fact)
{
	const struct mqtt_facts *f = fact;

	jsonw_key(jw, "mqtt");
	jsonw_obj_open(jw);
	if (f->has_connect) {
		jsonw_kv_uint(jw, "keep_alive", f->keep_alive);
		if (f->client_id_truncated)
			jsonw_kv_bool(jw, "client_id_truncated", true);
	}
	if (f->has_publish && f->topic_truncated)
		jsonw_kv_bool(jw, "topic_truncated", true);
	if (f->will_topic_truncated)
		jsonw_kv_bool(jw, "will_topic_truncated", true);
	if (f->filters_dropped)
		jsonw_kv_bool(jw, "topics_dropped", true);
	jsonw_obj_close(jw);
}

/* Device evidence: the client id a CONNECT gives. */
static void
mqtt_facts(const void *fact, int dir, const struct app_sink *sink)
{
	const struct mqtt_facts *m = fact;

	(void)dir;
	if (m->has_connect)
		app_evidence(sink, APP_END_CLIENT, EVIDENCE_MQTT_CLIENT_ID,
		    m->client_id);
}

const struct app_parser mqtt_parser = {
	.proto = APP_MQTT,
	.ipproto = IPPROTO_TCP,
	.ports = mqtt_ports,
	.anom_first = EV_MQTT_BAD_REMAINING_LENGTH,
	.anom_last = EV_MQTT_MALFORMED,
	.probe = mqtt_probe,
	.state_new = mqtt_state_new,
	.state_size = sizeof(struct mqtt_state),
	.state_free = mqtt_state_free,
	.parse = mqtt_parse,
	.gap = mqtt_gap,
	.eve = mqtt_eve,
	.eve_extra = mqtt_eve_extra,
	.has_extra = mqtt_has_extra,
	.facts = mqtt_facts,
};
