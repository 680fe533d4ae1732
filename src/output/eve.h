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

#include "app/app.h"
#include "util/events.h"

/*
 * Event types of the EVE output, as a bit set (outputs.eve.types):
 * one bit per record type, one per application protocol.
 */
#define EVE_T_FLOW	0x01
#define EVE_T_ANOMALY	0x02
#define EVE_T_STATS	0x04
#define EVE_T_DEVICE	0x08
#define EVE_T_ALERT	0x10
#define EVE_T_LLDP	0x20
#define EVE_T_CDP	0x40
#define EVE_T_APP(p)	(1u << (8 + (unsigned)(p)))	/* enum app_proto */
#define EVE_T_APPS	(((1u << APP_MAX) - 2u) << 8)	/* all but unknown */
#define EVE_T_ALL	(0x7fu | EVE_T_APPS)
_Static_assert(8 + APP_MAX <= 32, "EVE_T_APP(): a uint32_t bit per protocol");

struct flow;
struct jsonw;
struct packet;

struct eve_opts {
	uint32_t	 types;		/* EVE_T_*: records written */
	bool		 localtime;	/* timestamps in local time */
	uint16_t	 cid_seed;	/* Community ID seed */
	const char	*in_iface;	/* live interface, or NULL */
	const char	*pcap_filename;	/* current input file, or NULL */
};

/* Values for the stats record that are not counters. */
struct eve_stats_extra {
	uint64_t	 uptime_s;
	uint64_t	 flow_active;
	uint64_t	 flow_memuse;
	uint64_t	 defrag_memuse;
	uint64_t	 max_pkt_size;
	uint32_t	 workers;
	uint32_t	 files_read;
	uint32_t	 files_failed;
};

/* Protocol name as Suricata writes it ("TCP", "UDP", "ICMP", "IPv6-ICMP",
 * "SCTP", ... or the number as three digits). */
const char	*eve_proto_name(uint8_t proto, char buf[8]);

void	eve_flow(struct jsonw *, const struct flow *, const char *reason,
	    const struct eve_opts *);
void	eve_anomaly_packet(struct jsonw *, const struct packet *,
	    enum ww_counter, const struct eve_opts *);
void	eve_anomaly_flow(struct jsonw *, const struct flow *,
	    const struct packet *, enum ww_counter, const struct eve_opts *);
/* Head of an application-layer record: the flow's fields oriented as
 * the packet went (src is the sender, as Suricata writes transactions),
 * "pcap_cnt" when a packet is given, then "community_id", "app_proto"
 * and "direction".  The caller adds its object and closes. */
struct dev_ip;
/* Head of a device record or a device alert: timestamp, event_type,
 * vlan, src_ip (the device's address, when it has one); left open. */
void	eve_device_head(struct jsonw *, uint64_t ts_us, const char *event_type,
	    uint16_t vlan, const struct dev_ip *, const struct eve_opts *);
/* Head of a layer-2 record (lldp, cdp): timestamp, event_type, vlan,
 * pcap_cnt and Suricata's "ether" object; left open. */
void	eve_l2_head(struct jsonw *, const struct packet *,
	    const char *event_type, const struct eve_opts *);
void	eve_app_head(struct jsonw *, const struct flow *, const char *name,
	    int dir, const struct packet *, const struct eve_opts *);
void	eve_stats(struct jsonw *, uint64_t ts_us, const struct counters *,
	    const struct eve_stats_extra *, const struct eve_opts *);

#endif /* WW_EVE_H */
