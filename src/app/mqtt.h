/*
 * app/mqtt.h - MQTT (3.1, 3.1.1 and 5.0) session facts and parser.
 *
 * A fact is one of: a CONNECT with its CONNACK (or either alone), the
 * first PUBLISH to each of the first MQTT_MAX_TOPICS distinct topics,
 * a SUBSCRIBE, SUBACK, UNSUBSCRIBE or UNSUBACK, a PUBACK, PUBREC,
 * PUBREL or PUBCOMP whose MQTT 5 reason code is an error (0x80 and
 * up; success acknowledgements are not logged), or a DISCONNECT.  It
 * keeps the client identifier, the will topic and will properties, and
 * whether a user name and a password were sent (the CONNECT flags),
 * never their values, and never a PUBLISH payload or a will message.  Strings are NUL-terminated,
 * cut to their arrays, control and non-ASCII bytes replaced by '?'.
 */
#ifndef WW_PROTO_MQTT_H
#define WW_PROTO_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define MQTT_MAX_PACKET		(64u << 10)	/* packets read whole */
#define MQTT_MAX_TOPICS		16		/* distinct topics reported */

#define MQTT_MAX_PROPS		8		/* MQTT 5 properties kept */
#define MQTT_MAX_FILTERS	8	/* topic filters or codes kept */

#define MQTT_PROTO_LEN		8
#define MQTT_PROP_LEN		64
#define MQTT_CLIENT_ID_LEN	64
#define MQTT_TOPIC_LEN		128

/* Control packet types (MQTT 5.0 section 2.1.2). */
enum mqtt_type {
	MQTT_CONNECT = 1,
	MQTT_CONNACK = 2,
	MQTT_PUBLISH = 3,
	MQTT_PUBACK = 4,
	MQTT_PUBREC = 5,
	MQTT_PUBREL = 6,
	MQTT_PUBCOMP = 7,
	MQTT_SUBSCRIBE = 8,
	MQTT_SUBACK = 9,
	MQTT_UNSUBSCRIBE = 10,
	MQTT_UNSUBACK = 11,
	MQTT_DISCONNECT = 14,
	MQTT_AUTH = 15,
};

/* CONNECT flags (3.1.2.3). */
#define MQTT_CF_USERNAME	0x80
#define MQTT_CF_PASSWORD	0x40
#define MQTT_CF_WILL_RETAIN	0x20
#define MQTT_CF_WILL		0x04
#define MQTT_CF_CLEAN		0x02

/*
 * MQTT 5 properties (5.0 section 2.2.2), as Suricata logs them: a
 * number, a string, or a user property's name and value.  Binary
 * properties (correlation and authentication data) are never kept.
 */
struct mqtt_prop {
	uint8_t		 id;
	bool		 is_str;
	uint32_t	 num;
	char		 name[MQTT_PROP_LEN];	/* user property (38) */
	char		 str[MQTT_PROP_LEN];
};

struct mqtt_props {
	uint8_t		 n;
	bool		 dropped;		/* over MQTT_MAX_PROPS */
	struct mqtt_prop p[MQTT_MAX_PROPS];
};

struct mqtt_facts {
	bool		 has_connect;
	uint8_t		 connect_hdr;		/* fixed-header flag bits */
	char		 protocol_string[MQTT_PROTO_LEN];
	uint8_t		 protocol_version;
	uint8_t		 connect_flags;		/* MQTT_CF_* */
	uint16_t	 keep_alive;
	char		 client_id[MQTT_CLIENT_ID_LEN];
	bool		 client_id_truncated;
	struct mqtt_props connect_props;
	char		 will_topic[MQTT_TOPIC_LEN];	/* if MQTT_CF_WILL */
	bool		 will_topic_truncated;
	struct mqtt_props will_props;

	bool		 has_connack;
	uint8_t		 connack_hdr;
	bool		 session_present;
	uint8_t		 return_code;
	struct mqtt_props connack_props;

	bool		 has_publish;
	uint8_t		 publish_hdr;
	char		 topic[MQTT_TOPIC_LEN];
	bool		 topic_truncated;
	bool		 has_message_id;
	uint16_t	 message_id;

	/*
	 * One of PUBACK to UNSUBACK (msg_type, 0 if none): its packet id,
	 * reason code (acks) and topic filters with their requested QoS
	 * (SUBSCRIBE, UNSUBSCRIBE) or return codes (SUBACK, UNSUBACK).
	 */
	uint8_t		 msg_type;		/* enum mqtt_type */
	uint8_t		 msg_hdr;
	uint16_t	 msg_id;
	bool		 has_msg_reason;
	uint8_t		 msg_reason;
	uint8_t		 n_filters;
	bool		 filters_dropped;	/* over MQTT_MAX_FILTERS */
	char		 filter[MQTT_MAX_FILTERS][MQTT_TOPIC_LEN];
	uint8_t		 code[MQTT_MAX_FILTERS];	/* QoS or code */

	bool		 has_disconnect;
	uint8_t		 disconnect_hdr;
	bool		 has_reason;
	uint8_t		 reason_code;
	struct mqtt_props disconnect_props;
};

extern const struct app_parser mqtt_parser;

#endif /* WW_PROTO_MQTT_H */
