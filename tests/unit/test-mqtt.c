/*
 * test-mqtt.c - the MQTT parser (src/app/mqtt.c).
 *
 * An infusion pump's MQTT 3.1.1 session (CONNECT with user name and
 * password, CONNACK, two PUBLISHes to one topic, DISCONNECT), an MQTT
 * 5.0 CONNECT with properties, fed through mqtt_parser and mock_feed():
 * the facts, every truncation of each packet, every two-way split,
 * overlong and lying lengths, long packets skipped, privacy of the
 * credentials and payloads, the probe and the EVE object.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app-mock.h"
#include "output/jsonw.h"
#include "app/mqtt.h"

#define MAX_FACTS	16

struct capture {
	unsigned	 n;
	struct mqtt_facts f[MAX_FACTS];
};

static void
on_fact(struct app_ctx *ctx, enum app_proto proto, int dir, const void *f)
{
	struct capture *c = ctx->user;

	(void)dir;
	assert_int_equal(proto, APP_MQTT);
	if (c->n < MAX_FACTS)
		c->f[c->n++] = *(const struct mqtt_facts *)f;
}

/*
 * CONNECT, remaining length 41: "MQTT" level 4, flags 0xc2 (user name,
 * password, clean session), keep alive 60, client id "pump-17", user
 * name "nurse.jane", password "s3cretpw".
 */
static const uint8_t connect311[] = {
	0x10, 0x29,
	0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xc2, 0x00, 0x3c,
	0x00, 0x07, 'p', 'u', 'm', 'p', '-', '1', '7',
	0x00, 0x0a, 'n', 'u', 'r', 's', 'e', '.', 'j', 'a', 'n', 'e',
	0x00, 0x08, 's', '3', 'c', 'r', 'e', 't', 'p', 'w',
};

/* CONNACK: no session present, return code 0 (accepted). */
static const uint8_t connack[] = { 0x20, 0x02, 0x00, 0x00 };

/*
 * PUBLISH QoS 1, topic "ward3/pump17/rate", packet id 1, payload
 * "SECRETPAYLOAD"; PUBLISH QoS 0 to the same topic, payload "DATA";
 * DISCONNECT.
 */
static const uint8_t rest311[] = {
	0x32, 0x22,
	0x00, 0x11, 'w', 'a', 'r', 'd', '3', '/', 'p', 'u', 'm', 'p',
	'1', '7', '/', 'r', 'a', 't', 'e', 0x00, 0x01,
	'S', 'E', 'C', 'R', 'E', 'T', 'P', 'A', 'Y', 'L', 'O', 'A', 'D',
	0x30, 0x17,
	0x00, 0x11, 'w', 'a', 'r', 'd', '3', '/', 'p', 'u', 'm', 'p',
	'1', '7', '/', 'r', 'a', 't', 'e', 'D', 'A', 'T', 'A',
	0xe0, 0x00,
};

/*
 * MQTT 5.0 CONNECT: level 5, flags 0x02, keep alive 60, properties
 * (22 bytes: receive maximum 20, authentication method "foo",
 * authentication data "SECRETAUTH"), an empty client id.
 */
static const uint8_t connect5[] = {
	0x10, 0x23,
	0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3c,
	0x16, 0x21, 0x00, 0x14, 0x15, 0x00, 0x03, 'f', 'o', 'o',
	0x16, 0x00, 0x0a, 'S', 'E', 'C', 'R', 'E', 'T', 'A', 'U', 'T', 'H',
	0x00, 0x00,
};

/* MQTT 5.0 CONNACK: accepted, properties: topic alias maximum 10. */
static const uint8_t connack5[] = {
	0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0a,
};

/*
 * MQTT 5.0 DISCONNECT: reason 0, properties (12 bytes): session expiry
 * interval 122, user property "k" = "v".
 */
static const uint8_t disconnect5[] = {
	0xe0, 0x0e, 0x00, 0x0c, 0x11, 0x00, 0x00, 0x00, 0x7a,
	0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',
};

/*
 * MQTT 5.0 CONNECT with a will, remaining length 78: flags 0xc6 (user
 * name, password, will QoS 0, clean start), keep alive 60, no
 * properties, client id "pump-18", will properties (9 bytes: will
 * delay interval 200, content type "t"), will topic "ward3/pump18/lwt",
 * will message "OFFLINE-SECRET", user name "u", password "pw-SECRET".
 */
static const uint8_t connect5_will[] = {
	0x10, 0x4e,
	0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0xc6, 0x00, 0x3c, 0x00,
	0x00, 0x07, 'p', 'u', 'm', 'p', '-', '1', '8',
	0x09, 0x18, 0x00, 0x00, 0x00, 0xc8, 0x03, 0x00, 0x01, 't',
	0x00, 0x10, 'w', 'a', 'r', 'd', '3', '/', 'p', 'u', 'm', 'p',
	'1', '8', '/', 'l', 'w', 't',
	0x00, 0x0e, 'O', 'F', 'F', 'L', 'I', 'N', 'E', '-', 'S', 'E', 'C',
	'R', 'E', 'T',
	0x00, 0x01, 'u',
	0x00, 0x09, 'p', 'w', '-', 'S', 'E', 'C', 'R', 'E', 'T',
};

/*
 * After connect311/connack (MQTT 3.1.1), client side: SUBSCRIBE id 2
 * to "ward3/+/rate" QoS 1 and "ward3/alarms/#" QoS 2; PUBACK id 1
 * (success: no fact); UNSUBSCRIBE id 3 from "ward3/+/rate".
 */
static const uint8_t subs311[] = {
	0x82, 0x22, 0x00, 0x02,
	0x00, 0x0c, 'w', 'a', 'r', 'd', '3', '/', '+', '/', 'r', 'a', 't',
	'e', 0x01,
	0x00, 0x0e, 'w', 'a', 'r', 'd', '3', '/', 'a', 'l', 'a', 'r', 'm',
	's', '/', '#', 0x02,
	0x40, 0x02, 0x00, 0x01,
	0xa2, 0x10, 0x00, 0x03,
	0x00, 0x0c, 'w', 'a', 'r', 'd', '3', '/', '+', '/', 'r', 'a', 't',
	'e',
};

/* Server side: SUBACK id 2 granting QoS 1 and refusing (0x80) the
 * second; UNSUBACK id 3 (3.1.1: no codes). */
static const uint8_t subacks311[] = {
	0x90, 0x04, 0x00, 0x02, 0x01, 0x80,
	0xb0, 0x02, 0x00, 0x03,
};

/*
 * After connect5/connack5, server side: PUBACK id 5 reason 0x87 (not
 * authorized: a fact), PUBACK id 6 with no reason (success), PUBACK id
 * 7 reason 0 with empty properties (success), PUBREC id 8 reason 0x10
 * (no matching subscribers: not an error, no fact).
 */
static const uint8_t acks5[] = {
	0x40, 0x03, 0x00, 0x05, 0x87,
	0x40, 0x02, 0x00, 0x06,
	0x40, 0x04, 0x00, 0x07, 0x00, 0x00,
	0x50, 0x03, 0x00, 0x08, 0x10,
};

static void	eve_text(const struct mqtt_facts *, char *, size_t);

static void
setup(struct app_ctx *ctx, struct capture *c)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(c, 0, sizeof(*c));
	ctx->on_fact = on_fact;
	ctx->user = c;
}

/* CONNECT (split at s1), CONNACK, the rest (split at s2); 0: none. */
static void *
session(struct app_ctx *ctx, struct capture *c, size_t s1, size_t s2)
{
	void *st = mqtt_parser.state_new();
	size_t left;

	setup(ctx, c);
	assert_int_not_equal(mock_feed(&mqtt_parser, st, ctx,
	    APP_DIR_TOSERVER, connect311, sizeof(connect311), &s1,
	    s1 > 0, &left), PARSE_ERROR);
	assert_int_equal(left, 0);
	(void)mock_feed(&mqtt_parser, st, ctx, APP_DIR_TOCLIENT, connack,
	    sizeof(connack), NULL, 0, NULL);
	assert_int_not_equal(mock_feed(&mqtt_parser, st, ctx,
	    APP_DIR_TOSERVER, rest311, sizeof(rest311), &s2, s2 > 0, &left),
	    PARSE_ERROR);
	assert_int_equal(left, 0);
	return st;
}

static void
test_mqtt_session(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	void *st;

	(void)unused;
	st = session(&ctx, &c, 0, 0);
	assert_int_equal(c.n, 3);
	assert_true(c.f[0].has_connect);
	assert_true(c.f[0].has_connack);
	assert_string_equal(c.f[0].protocol_string, "MQTT");
	assert_int_equal(c.f[0].protocol_version, 4);
	assert_string_equal(c.f[0].client_id, "pump-17");
	assert_int_equal(c.f[0].connect_flags, 0xc2);
	assert_int_equal(c.f[0].keep_alive, 60);
	assert_int_equal(c.f[0].return_code, 0);
	assert_true(c.f[1].has_publish);
	assert_string_equal(c.f[1].topic, "ward3/pump17/rate");
	assert_true(c.f[1].has_message_id);
	assert_int_equal(c.f[1].message_id, 1);
	assert_int_equal((c.f[1].publish_hdr >> 1) & 3, 1);
	/* The second PUBLISH to the same topic is not reported again. */
	assert_true(c.f[2].has_disconnect);
	assert_false(c.f[2].has_reason);
	assert_int_equal(ctx.n_anom, 0);
	mqtt_parser.state_free(st);
}

static void
test_mqtt_v5(void **unused)
{
	static const uint8_t disc[] = { 0xe0, 0x00 };
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	void *st = mqtt_parser.state_new();

	(void)unused;
	setup(&ctx, &c);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, connect5,
	    sizeof(connect5), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, disc,
	    sizeof(disc), NULL, 0, NULL);
	/* No CONNACK came: the CONNECT is reported alone. */
	assert_int_equal(c.n, 2);
	assert_true(c.f[0].has_connect);
	assert_false(c.f[0].has_connack);
	assert_int_equal(c.f[0].protocol_version, 5);
	assert_string_equal(c.f[0].client_id, "");
	/* Binary authentication data is not kept. */
	assert_int_equal(c.f[0].connect_props.n, 2);
	assert_true(c.f[1].has_reason);
	assert_int_equal(c.f[1].reason_code, 0);
	assert_int_equal(ctx.n_anom, 0);
	mqtt_parser.state_free(st);

	st = mqtt_parser.state_new();
	setup(&ctx, &c);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, connect5,
	    sizeof(connect5), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOCLIENT, connack5,
	    sizeof(connack5), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
	    disconnect5, sizeof(disconnect5), NULL, 0, NULL);
	assert_int_equal(c.n, 2);
	assert_int_equal(ctx.n_anom, 0);
	eve_text(&c.f[0], text, sizeof(text));
	assert_null(strstr(text, "SECRETAUTH"));
	assert_null(memmem(&c.f[0], sizeof(c.f[0]), "SECRETAUTH", 10));
	assert_non_null(strstr(text, "\"properties\":{\"receive_maximum\":20,"
	    "\"authentication_method\":\"foo\"}"));
	assert_non_null(strstr(text, "\"return_code\":0,\"properties\":"
	    "{\"topic_alias_maximum\":10}"));
	eve_text(&c.f[1], text, sizeof(text));
	assert_non_null(strstr(text, "\"disconnect\":{\"qos\":0,"
	    "\"retain\":false,\"dup\":false,\"reason_code\":0,"
	    "\"properties\":{\"session_expiry_interval\":122,\"k\":\"v\"}}"));
	mqtt_parser.state_free(st);
}

/* The will topic and properties are kept; the will message never. */
static void
test_mqtt_will(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	size_t i, left;
	void *st;

	(void)unused;
	assert_int_equal(sizeof(connect5_will), 2 + 0x4e);
	for (i = 0; i < sizeof(connect5_will); i++) {
		st = mqtt_parser.state_new();
		setup(&ctx, &c);
		assert_int_not_equal(mock_feed(&mqtt_parser, st, &ctx,
		    APP_DIR_TOSERVER, connect5_will, sizeof(connect5_will), &i,
		    i > 0, &left), PARSE_ERROR);
		assert_int_equal(left, 0);
		mqtt_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		assert_int_equal(c.n, 1);
		assert_int_equal(ctx.n_anom, 0);
		assert_string_equal(c.f[0].client_id, "pump-18");
		assert_string_equal(c.f[0].will_topic, "ward3/pump18/lwt");
		assert_int_equal(c.f[0].will_props.n, 2);
		assert_null(memmem(&c.f[0], sizeof(c.f[0]), "OFFLINE", 7));
		assert_null(memmem(&c.f[0], sizeof(c.f[0]), "pw-SECRET", 9));
		mqtt_parser.state_free(st);
	}
	assert_true(mqtt_parser.has_extra(&c.f[0]));	/* keep_alive */
	eve_text(&c.f[0], text, sizeof(text));
	assert_non_null(strstr(text, "\"client_id\":\"pump-18\",\"will\":{"
	    "\"topic\":\"ward3/pump18/lwt\",\"properties\":{"
	    "\"will_delay_interval\":200,\"content_type\":\"t\"}}}"));
	assert_null(strstr(text, "SECRET"));

	/* A will topic running past the packet: malformed, no fact. */
	{
		uint8_t bad[sizeof(connect5_will)];

		memcpy(bad, connect5_will, sizeof(bad));
		bad[33] = 0x7f;		/* will topic length 127 */
		st = mqtt_parser.state_new();
		setup(&ctx, &c);
		(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, bad,
		    sizeof(bad), NULL, 0, NULL);
		mqtt_parser.gap(st, &ctx, APP_DIR_TOCLIENT);
		assert_int_equal(c.n, 0);
		assert_true(mock_has_anomaly(&ctx, EV_MQTT_MALFORMED));
		mqtt_parser.state_free(st);
	}
}

/*
 * SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK are facts, a successful
 * PUBACK is not; the same at every two-way split of each side.
 */
static void
test_mqtt_subscriptions(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	size_t i, j, left;
	void *st;

	(void)unused;
	for (i = 0; i < sizeof(subs311); i++) {
		j = i % sizeof(subacks311);
		st = session(&ctx, &c, 0, 0);
		c.n = 0;
		assert_int_equal(mock_feed(&mqtt_parser, st, &ctx,
		    APP_DIR_TOSERVER, subs311, sizeof(subs311), &i, i > 0,
		    &left), PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(mock_feed(&mqtt_parser, st, &ctx,
		    APP_DIR_TOCLIENT, subacks311, sizeof(subacks311), &j,
		    j > 0, &left), PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(ctx.n_anom, 0);
		assert_int_equal(c.n, 4);
		assert_int_equal(c.f[0].msg_type, MQTT_SUBSCRIBE);
		assert_int_equal(c.f[0].msg_id, 2);
		assert_int_equal(c.f[0].n_filters, 2);
		assert_string_equal(c.f[0].filter[1], "ward3/alarms/#");
		assert_int_equal(c.f[0].code[1], 2);
		assert_int_equal(c.f[1].msg_type, MQTT_UNSUBSCRIBE);
		assert_int_equal(c.f[2].msg_type, MQTT_SUBACK);
		assert_int_equal(c.f[3].msg_type, MQTT_UNSUBACK);
		assert_int_equal(c.f[3].n_filters, 0);
		mqtt_parser.state_free(st);
	}
	/* Nothing for the "wardwatch" object: none is written. */
	assert_false(mqtt_parser.has_extra(&c.f[0]));
	eve_text(&c.f[0], text, sizeof(text));
	assert_non_null(strstr(text, "\"subscribe\":{\"qos\":1,"
	    "\"retain\":false,\"dup\":false,\"message_id\":2,\"topics\":["
	    "{\"topic\":\"ward3/+/rate\",\"qos\":1},"
	    "{\"topic\":\"ward3/alarms/#\",\"qos\":2}]}"));
	eve_text(&c.f[1], text, sizeof(text));
	assert_non_null(strstr(text, "\"unsubscribe\":{\"qos\":1,"
	    "\"retain\":false,\"dup\":false,\"message_id\":3,"
	    "\"topics\":[\"ward3/+/rate\"]}"));
	eve_text(&c.f[2], text, sizeof(text));
	assert_non_null(strstr(text, "\"suback\":{\"qos\":0,"
	    "\"retain\":false,\"dup\":false,\"message_id\":2,"
	    "\"qos_granted\":[1,128]}"));
	eve_text(&c.f[3], text, sizeof(text));
	assert_non_null(strstr(text, "\"unsuback\":{\"qos\":0,"
	    "\"retain\":false,\"dup\":false,\"message_id\":3}"));

	/* SUBSCRIBE without a filter, or with one cut short: malformed. */
	{
		static const uint8_t empty[] = { 0x82, 0x02, 0x00, 0x09 };
		static const uint8_t cut[] = { 0x82, 0x05, 0x00, 0x09, 0x00,
		    0x05, 'a' };

		st = session(&ctx, &c, 0, 0);
		c.n = 0;
		(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
		    empty, sizeof(empty), NULL, 0, NULL);
		(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
		    cut, sizeof(cut), NULL, 0, NULL);
		assert_int_equal(c.n, 0);
		assert_int_equal(ctx.n_anom, 2);
		mqtt_parser.state_free(st);
	}
}

/* MQTT 5: an acknowledgement with an error reason code is a fact. */
static void
test_mqtt_ack_errors(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	size_t i, left;
	void *st;

	(void)unused;
	for (i = 0; i < sizeof(acks5); i++) {
		st = mqtt_parser.state_new();
		setup(&ctx, &c);
		(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
		    connect5, sizeof(connect5), NULL, 0, NULL);
		(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOCLIENT,
		    connack5, sizeof(connack5), NULL, 0, NULL);
		c.n = 0;
		assert_int_equal(mock_feed(&mqtt_parser, st, &ctx,
		    APP_DIR_TOCLIENT, acks5, sizeof(acks5), &i, i > 0, &left),
		    PARSE_OK);
		assert_int_equal(left, 0);
		assert_int_equal(ctx.n_anom, 0);
		assert_int_equal(c.n, 1);
		assert_int_equal(c.f[0].msg_type, MQTT_PUBACK);
		assert_int_equal(c.f[0].msg_id, 5);
		assert_true(c.f[0].has_msg_reason);
		assert_int_equal(c.f[0].msg_reason, 0x87);
		mqtt_parser.state_free(st);
	}
	eve_text(&c.f[0], text, sizeof(text));
	assert_non_null(strstr(text, "\"puback\":{\"qos\":0,"
	    "\"retain\":false,\"dup\":false,\"message_id\":5,"
	    "\"reason_code\":135}"));
}

/* Each packet cut anywhere before its end: INCOMPLETE, nothing read. */
static void
test_mqtt_truncations(void **unused)
{
	static const struct {
		const uint8_t	*p;
		size_t		 len;
	} v[] = {
		{ connect311, sizeof(connect311) },
		{ connect5, sizeof(connect5) },
		{ connack, sizeof(connack) },
		{ rest311, 2 + 2 + 17 + 2 },	/* PUBLISH up to its id */
	};
	struct app_ctx ctx;
	struct capture c;
	struct app_result r;
	size_t i, len;
	uint8_t *buf;
	void *st;

	(void)unused;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (len = 0; len < v[i].len; len++) {
			st = mqtt_parser.state_new();
			setup(&ctx, &c);
			buf = malloc(len > 0 ? len : 1);
			memcpy(buf, v[i].p, len);
			r = mqtt_parser.parse(st, &ctx, i == 2 ?
			    APP_DIR_TOCLIENT : APP_DIR_TOSERVER, buf, len);
			assert_int_equal(r.status, PARSE_INCOMPLETE);
			assert_int_equal(r.consumed, 0);
			assert_true(r.needed > 0);
			assert_true(r.needed <= v[i].len - len);
			assert_int_equal(c.n, 0);
			assert_int_equal(ctx.n_anom, 0);
			free(buf);
			mqtt_parser.state_free(st);
		}
}

static void
test_mqtt_every_split(void **unused)
{
	struct app_ctx ctx;
	struct capture ref, c;
	size_t i;
	void *st;

	(void)unused;
	st = session(&ctx, &ref, 0, 0);
	mqtt_parser.state_free(st);
	for (i = 1; i < sizeof(connect311); i++) {
		st = session(&ctx, &c, i, 0);
		assert_int_equal(c.n, ref.n);
		assert_memory_equal(c.f, ref.f, sizeof(c.f[0]) * c.n);
		mqtt_parser.state_free(st);
	}
	for (i = 1; i < sizeof(rest311); i++) {
		st = session(&ctx, &c, 0, i);
		assert_int_equal(c.n, ref.n);
		assert_memory_equal(c.f, ref.f, sizeof(c.f[0]) * c.n);
		assert_int_equal(ctx.n_anom, 0);
		mqtt_parser.state_free(st);
	}
}

/* A fifth varint byte: an anomaly, and the direction stops. */
static void
test_mqtt_overlong_varint(void **unused)
{
	static const uint8_t bad[] = { 0x10, 0xff, 0xff, 0xff, 0xff, 0x01 };
	struct app_ctx ctx;
	struct capture c;
	void *st = mqtt_parser.state_new();

	(void)unused;
	setup(&ctx, &c);
	assert_int_equal(mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
	    bad, sizeof(bad), NULL, 0, NULL), PARSE_ERROR);
	assert_true(mock_has_anomaly(&ctx, EV_MQTT_BAD_REMAINING_LENGTH));
	assert_int_equal(c.n, 0);
	mqtt_parser.state_free(st);
}

/* Lying lengths: skipped with an anomaly, the next packet still read. */
static void
test_mqtt_lying_lengths(void **unused)
{
	/* A PUBLISH whose topic length (0x0100) exceeds the packet (4). */
	static const uint8_t lie[] = {
		0x30, 0x04, 0x01, 0x00, 'a', 'b', 0xe0, 0x00,
	};
	/* A CONNECT whose client id length runs past the packet. */
	static const uint8_t lie2[] = {
		0x10, 0x0e, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02,
		0x00, 0x3c, 0x00, 0x09, 'a', 'b', 0xe0, 0x00,
	};
	/* fuzz-http crash-478f48be: a PUBLISH too short for a topic
	 * length, cut after its header. */
	static const uint8_t short_pub[] = { 0x38, 0x01 };
	struct app_ctx ctx;
	struct capture c;
	struct app_result r;
	void *st;

	(void)unused;
	st = mqtt_parser.state_new();
	setup(&ctx, &c);
	r = mqtt_parser.parse(st, &ctx, APP_DIR_TOSERVER, short_pub,
	    sizeof(short_pub));
	assert_true(r.consumed <= sizeof(short_pub));
	assert_true(mock_has_anomaly(&ctx, EV_MQTT_MALFORMED));
	mqtt_parser.state_free(st);

	st = mqtt_parser.state_new();
	setup(&ctx, &c);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, lie,
	    sizeof(lie), NULL, 0, NULL);
	assert_true(mock_has_anomaly(&ctx, EV_MQTT_MALFORMED));
	assert_int_equal(c.n, 1);
	assert_true(c.f[0].has_disconnect);
	mqtt_parser.state_free(st);

	st = mqtt_parser.state_new();
	setup(&ctx, &c);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, lie2,
	    sizeof(lie2), NULL, 0, NULL);
	assert_true(mock_has_anomaly(&ctx, EV_MQTT_MALFORMED));
	assert_int_equal(c.n, 1);
	assert_true(c.f[0].has_disconnect);
	mqtt_parser.state_free(st);
}

/* A 70000-byte SUBSCRIBE is skipped in pieces, never buffered. */
static void
test_mqtt_long_packet(void **unused)
{
	size_t body = 70000, len = 4 + body + 2, splits[3] = { 3, 1000, 60000 };
	struct app_ctx ctx;
	struct capture c;
	uint8_t *buf;
	size_t left;
	void *st;

	(void)unused;
	buf = calloc(1, len);
	buf[0] = 0x82;
	buf[1] = 0xf0;		/* 70000 = 0x70 + 0x44 << 7 + 0x04 << 14 */
	buf[2] = 0xa2;
	buf[3] = 0x04;
	buf[len - 2] = 0xe0;
	st = mqtt_parser.state_new();
	setup(&ctx, &c);
	assert_int_equal(mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER,
	    buf, len, splits, 3, &left), PARSE_OK);
	assert_int_equal(left, 0);
	assert_true(mock_has_anomaly(&ctx, EV_MQTT_PACKET_TOO_LONG));
	assert_int_equal(c.n, 1);
	assert_true(c.f[0].has_disconnect);
	mqtt_parser.state_free(st);
	free(buf);
}

static void
eve_text(const struct mqtt_facts *f, char *out, size_t size)
{
	struct jsonw jw;
	const char *t;
	size_t len;

	jsonw_init(&jw, JSONW_DEFAULT_CAP);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "mqtt");
	jsonw_obj_open(&jw);
	mqtt_parser.eve(&jw, f);
	jsonw_obj_close(&jw);
	jsonw_key(&jw, "wardwatch");
	jsonw_obj_open(&jw);
	mqtt_parser.eve_extra(&jw, f);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	assert_true(jsonw_ok(&jw));
	t = jsonw_text(&jw, &len);
	assert_true(len < size);
	memcpy(out, t, len);
	out[len] = '\0';
	jsonw_free(&jw);
}

static void
test_mqtt_privacy(void **unused)
{
	static const char *const secrets[] = { "nurse.jane", "s3cretpw",
	    "SECRETPAYLOAD", "DATA" };
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	size_t i, k;
	void *st;

	(void)unused;
	st = session(&ctx, &c, 0, 0);
	for (k = 0; k < c.n; k++) {
		eve_text(&c.f[k], text, sizeof(text));
		for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
			assert_null(strstr(text, secrets[i]));
			assert_null(memmem(&c.f[k], sizeof(c.f[k]),
			    secrets[i], strlen(secrets[i])));
		}
	}
	mqtt_parser.state_free(st);
}

/* The detection buffers of each packet (app_inspect()). */
static void
test_mqtt_inspect(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	const struct mock_inspect *mi;
	unsigned k;
	size_t i;
	void *st = mqtt_parser.state_new();

	(void)unused;
	setup(&ctx, &c);
	ctx.inspect = true;
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, connect311,
	    sizeof(connect311), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOCLIENT, connack,
	    sizeof(connack), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, rest311,
	    sizeof(rest311), NULL, 0, NULL);
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOSERVER, subs311,
	    sizeof(subs311), NULL, 0, NULL);
	/* CONNECT CONNACK PUBLISH PUBLISH DISCONNECT SUBSCRIBE PUBACK
	 * UNSUBSCRIBE */
	assert_int_equal(ctx.n_insp, 8);
	assert_int_equal(ctx.n_anom, 0);

	mi = mock_insp(&ctx, 7);
	assert_int_equal(mi->proto, APP_MQTT);
	assert_int_equal(mi->dir, APP_DIR_TOSERVER);
	assert_true(mi->has_fact);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TYPE, 0, NULL),
	    "CONNECT");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_FLAGS, 0, NULL), "");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_QOS, 0, NULL), "0");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_PROTOCOL_VERSION, 0,
	    NULL), "4");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_CONNECT_FLAGS, 0, NULL),
	    "username,password,clean_session");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_CLIENT_ID, 0, NULL),
	    "pump-17");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_USERNAME, 0, NULL),
	    "nurse.jane");
	assert_null(mock_buf(mi, APP_BUF_MQTT_TOPIC, 0, NULL));

	mi = mock_insp(&ctx, 6);
	assert_int_equal(mi->dir, APP_DIR_TOCLIENT);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TYPE, 0, NULL),
	    "CONNACK");
	assert_null(mock_buf(mi, APP_BUF_MQTT_CONNECT_FLAGS, 0, NULL));

	/* Both PUBLISHes are inspected, though one fact is reported. */
	mi = mock_insp(&ctx, 5);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TYPE, 0, NULL),
	    "PUBLISH");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_QOS, 0, NULL), "1");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TOPIC, 0, NULL),
	    "ward3/pump17/rate");
	mi = mock_insp(&ctx, 4);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_QOS, 0, NULL), "0");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TOPIC, 0, NULL),
	    "ward3/pump17/rate");
	assert_string_equal(mock_buf(mock_insp(&ctx, 3), APP_BUF_MQTT_TYPE,
	    0, NULL), "DISCONNECT");

	mi = mock_insp(&ctx, 2);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TYPE, 0, NULL),
	    "SUBSCRIBE");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_QOS, 0, NULL), "1");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TOPIC, 0, NULL),
	    "ward3/+/rate");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TOPIC, 1, NULL),
	    "ward3/alarms/#");
	assert_string_equal(mock_buf(mock_insp(&ctx, 1), APP_BUF_MQTT_TYPE,
	    0, NULL), "PUBACK");
	mi = mock_insp(&ctx, 0);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TYPE, 0, NULL),
	    "UNSUBSCRIBE");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_TOPIC, 0, NULL),
	    "ward3/+/rate");

	/* The password and payloads are never handed over. */
	for (k = 0; k < 8; k++) {
		mi = mock_insp(&ctx, k);
		for (i = 0; i < mi->nbufs; i++) {
			assert_null(strstr(mi->data[i], "s3cretpw"));
			assert_null(strstr(mi->data[i], "SECRETPAYLOAD"));
		}
	}
	mock_reset(&ctx);
	mqtt_parser.state_free(st);
}

/* A retained, duplicate PUBLISH: mqtt.flags lists what is set. */
static void
test_mqtt_inspect_flags(void **unused)
{
	static const uint8_t pub[] = {
		0x3b, 0x05, 0x00, 0x01, 't', 0x00, 0x09,
	};
	struct app_ctx ctx;
	struct capture c;
	const struct mock_inspect *mi;
	void *st = mqtt_parser.state_new();

	(void)unused;
	setup(&ctx, &c);
	ctx.inspect = true;
	(void)mock_feed(&mqtt_parser, st, &ctx, APP_DIR_TOCLIENT, pub,
	    sizeof(pub), NULL, 0, NULL);
	assert_int_equal(ctx.n_insp, 1);
	mi = mock_insp(&ctx, 0);
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_FLAGS, 0, NULL),
	    "dup,retain");
	assert_string_equal(mock_buf(mi, APP_BUF_MQTT_QOS, 0, NULL), "1");
	/* no CONNECT seen: no protocol level */
	assert_null(mock_buf(mi, APP_BUF_MQTT_PROTOCOL_VERSION, 0, NULL));
	mock_reset(&ctx);
	mqtt_parser.state_free(st);
}

static void
test_mqtt_eve(void **unused)
{
	struct app_ctx ctx;
	struct capture c;
	char text[2048];
	void *st;

	(void)unused;
	st = session(&ctx, &c, 0, 0);
	eve_text(&c.f[0], text, sizeof(text));
	assert_string_equal(text, "{\"mqtt\":{\"connect\":{\"qos\":0,"
	    "\"retain\":false,\"dup\":false,\"protocol_string\":\"MQTT\","
	    "\"protocol_version\":4,\"flags\":{\"username\":true,"
	    "\"password\":true,\"will_retain\":false,\"will\":false,"
	    "\"clean_session\":true},\"client_id\":\"pump-17\"},"
	    "\"connack\":{\"qos\":0,\"retain\":false,\"dup\":false,"
	    "\"session_present\":false,\"return_code\":0}},"
	    "\"wardwatch\":{\"mqtt\":{\"keep_alive\":60}}}");
	eve_text(&c.f[1], text, sizeof(text));
	assert_string_equal(text, "{\"mqtt\":{\"publish\":{\"qos\":1,"
	    "\"retain\":false,\"dup\":false,\"topic\":\"ward3/pump17/rate\","
	    "\"message_id\":1}},\"wardwatch\":{\"mqtt\":{}}}");
	mqtt_parser.state_free(st);
}

static void
test_mqtt_probe(void **unused)
{
	static const uint8_t mqisdp[] = {
		0x10, 0x20, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03,
	};
	size_t len;

	(void)unused;
	assert_int_equal(mqtt_parser.probe(connect311, sizeof(connect311),
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(mqtt_parser.probe(connect5, sizeof(connect5),
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	assert_int_equal(mqtt_parser.probe(mqisdp, sizeof(mqisdp),
	    APP_DIR_TOSERVER), APP_PROBE_YES);
	for (len = 0; len < 9; len++)
		assert_int_equal(mqtt_parser.probe(connect311, len,
		    APP_DIR_TOSERVER), APP_PROBE_MAYBE);
	assert_int_equal(mqtt_parser.probe((const uint8_t *)"GET / ", 6,
	    APP_DIR_TOSERVER), APP_PROBE_NO);
	assert_int_equal(mqtt_parser.probe(connack, sizeof(connack),
	    APP_DIR_TOCLIENT), APP_PROBE_NO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mqtt_session),
		cmocka_unit_test(test_mqtt_inspect),
		cmocka_unit_test(test_mqtt_inspect_flags),
		cmocka_unit_test(test_mqtt_v5),
		cmocka_unit_test(test_mqtt_truncations),
		cmocka_unit_test(test_mqtt_every_split),
		cmocka_unit_test(test_mqtt_will),
		cmocka_unit_test(test_mqtt_subscriptions),
		cmocka_unit_test(test_mqtt_ack_errors),
		cmocka_unit_test(test_mqtt_overlong_varint),
		cmocka_unit_test(test_mqtt_lying_lengths),
		cmocka_unit_test(test_mqtt_long_packet),
		cmocka_unit_test(test_mqtt_privacy),
		cmocka_unit_test(test_mqtt_eve),
		cmocka_unit_test(test_mqtt_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
