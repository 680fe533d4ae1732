/*
 * eve.h - EVE record builders: the Suricata-compatible header and the
 * flow, anomaly and stats records.  Field names and types follow
 * Suricata's EVE schema; Wardwatch's own data goes in its own top-level
 * objects ("wardwatch" here; "device", "hl7", "dicom", "baseline",
 * "policy" in later modules), so an EVE consumer can ignore them.
 */
#ifndef WW_EVE_H
#define WW_EVE_H

#include <stdbool.h>
#include <stdint.h>

#include "output/record.h"
#include "util/events.h"

/*
 * Record types as bits of struct record_types (outputs.eve.types): one
 * per record type; an application protocol's is RECORD_APP + its id
 * (EVE_T_APP() in engine/config.h, which knows the protocols).
 */
#define EVE_T_FLOW	RECORD_BIT(RECORD_FLOW)
#define EVE_T_ANOMALY	RECORD_BIT(RECORD_ANOMALY)
#define EVE_T_STATS	RECORD_BIT(RECORD_STATS)
#define EVE_T_DEVICE	RECORD_BIT(RECORD_DEVICE)
#define EVE_T_ALERT	RECORD_BIT(RECORD_ALERT)
#define EVE_T_LLDP	RECORD_BIT(RECORD_LLDP)
#define EVE_T_CDP	RECORD_BIT(RECORD_CDP)

struct flow;
struct jsonw;
struct output;
struct packet;
struct record;
struct record_writer;
struct util_tscache;

/* What the producers of records need to know (their thread only). */
struct eve_opts {
	uint16_t	 cid_seed;	/* Community ID seed */
	bool		 localtime;	/* flow start and end times */
	const char	*pcap_filename;	/* current input file, or NULL */
};

/* Values for the stats record that are not counters. */
struct eve_stats_extra {
	uint64_t	 uptime_s;
	uint64_t	 flow_active;
	uint64_t	 flow_memuse;
	uint64_t	 flow_memuse_peak;	/* the workers' peaks, summed */
	uint64_t	 queue_memuse_peak;	/* packet and record queues */
	uint64_t	 defrag_memuse;
	uint64_t	 max_pkt_size;
	uint32_t	 workers;
	uint32_t	 files_read;
	uint32_t	 files_failed;
	struct output	*out;		/* per-output counters, or NULL */
	/* Live only (capture health): written when live_health. */
	bool		 live_health;
	uint64_t	 iface_rx_dropped, iface_rx_missed;
	uint64_t	 duplicates, health_alerts;
};

/* Protocol name as Suricata writes it ("TCP", "UDP", "ICMP", "IPv6-ICMP",
 * "SCTP", ... or the number as three digits). */
const char	*eve_proto_name(uint8_t proto, char buf[8]);

/*
 * The output thread: a record's EVE line, the head from its typed
 * fields (timestamp, flow_id, in_iface, event_type, vlan, the tuple)
 * followed by its body, then "host" (the sensor's name, as Suricata
 * writes it last) when there is one, then "seq" (the sensor's record
 * number) unless it is 0.  An alert that alert hygiene let through
 * after holding back 'held' of its kind says so in "hygiene" (before
 * "host").
 */
void	eve_format(struct jsonw *, const struct record *, const char *body,
	    const char *in_iface, const char *host, bool localtime,
	    uint64_t seq, uint64_t held, struct util_tscache *);

/*
 * Producers.  Each writes one whole record through the writer, or
 * nothing when no output wants its type.  A flow record's members are
 * written in Suricata's order; extra() adds the application layer's
 * objects (nDPI's) after "tcp".
 */
void	eve_flow(struct record_writer *, struct flow *,
	    const char *reason, const char *app_proto,
	    void (*extra)(struct jsonw *, const struct flow *),
	    const struct eve_opts *);
/*
 * Anomaly records carry Suricata's "ether" object when the MACs are
 * known: the packet's, or the flow's oriented client to server.
 */
void	eve_anomaly_packet(struct record_writer *, const struct packet *,
	    enum ww_counter, const struct eve_opts *);
/* p: the packet of the flow that showed the anomaly, or NULL. */
void	eve_anomaly_flow(struct record_writer *, const struct flow *,
	    const struct packet *, enum ww_counter, const struct eve_opts *);
void	eve_stats(struct record_writer *, uint64_t ts_us,
	    const struct counters *, const struct eve_stats_extra *);

/*
 * Records with a body of the caller's: these start the record and
 * return its body writer (NULL: not wanted); the caller adds its
 * objects and calls record_commit().
 *
 * An application-layer record: the flow's tuple oriented as the packet
 * went (src is the sender, as Suricata writes transactions), then
 * "pcap_cnt" when a packet is given, "ether" (the flow's MACs, oriented
 * as the tuple) when the flow has them, "community_id", "app_proto"
 * and "direction".
 */
struct jsonw *eve_app_begin(struct record_writer *, unsigned type,
	    struct flow *, const char *name, int dir,
	    const struct packet *, const struct eve_opts *);
/*
 * A device record or a device alert: the device's VLAN and address
 * (ipver 0: none, and no src_ip is written; addr is 4 or 16 bytes),
 * then Suricata's "ether" object with the device's MAC as src_mac
 * (mac NULL: none known, no ether object).
 */
struct jsonw *eve_device_begin(struct record_writer *, unsigned type,
	    const char *event_type, uint64_t ts_us, uint16_t vlan, int ipver,
	    const uint8_t *addr, const uint8_t *mac);
/* A layer-2 record (lldp, cdp): VLANs, pcap_filename, pcap_cnt and
 * Suricata's "ether" object. */
struct jsonw *eve_l2_begin(struct record_writer *, unsigned type,
	    const struct packet *, const char *event_type,
	    const struct eve_opts *);

#endif /* WW_EVE_H */
