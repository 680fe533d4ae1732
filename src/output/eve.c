/*
 * eve.c - EVE record builders.
 *
 * Key order is fixed (as Suricata writes it), so records are byte-for-
 * byte reproducible for golden tests.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "app/layer.h"
#include "decode/packet.h"
#include "device/device.h"
#include "flow/communityid.h"
#include "flow/flow.h"
#include "output/eve.h"
#include "output/jsonw.h"
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

static void
kv_ts(struct jsonw *jw, const char *key, uint64_t ts_us,
    const struct eve_opts *o)
{
	char ts[UTIL_TSBUF];

	util_format_ts(ts_us, o->localtime, ts);
	jsonw_kv_str(jw, key, ts);
}

static void
kv_vlan(struct jsonw *jw, const uint16_t *vlan, uint8_t cnt)
{
	uint8_t i;

	if (cnt == 0)
		return;
	jsonw_key(jw, "vlan");
	jsonw_arr_open(jw);
	for (i = 0; i < cnt; i++)
		jsonw_uint(jw, vlan[i]);
	jsonw_arr_close(jw);
}

/*
 * The common head: timestamp, flow_id, in_iface, event_type, vlan and
 * the tuple.  'sp'/'dp' are ports, or ICMP type/code.
 */
static void
head(struct jsonw *jw, uint64_t ts_us, uint64_t flow_id,
    const char *event_type, const uint16_t *vlan, uint8_t vlan_cnt,
    int ipver, const uint8_t *sip, const uint8_t *dip, uint16_t sp,
    uint16_t dp, uint8_t proto, const struct eve_opts *o)
{
	char a[UTIL_ADDRBUF], pbuf[8];

	jsonw_obj_open(jw);
	kv_ts(jw, "timestamp", ts_us, o);
	if (flow_id != 0)
		jsonw_kv_uint(jw, "flow_id", flow_id);
	if (o->in_iface != NULL)
		jsonw_kv_str(jw, "in_iface", o->in_iface);
	jsonw_kv_str(jw, "event_type", event_type);
	kv_vlan(jw, vlan, vlan_cnt);
	if (ipver != 4 && ipver != 6)
		return;
	util_format_ip(ipver, sip, a);
	jsonw_kv_str(jw, "src_ip", a);
	if (proto_has_ports(proto))
		jsonw_kv_uint(jw, "src_port", sp);
	util_format_ip(ipver, dip, a);
	jsonw_kv_str(jw, "dest_ip", a);
	if (proto_has_ports(proto))
		jsonw_kv_uint(jw, "dest_port", dp);
	jsonw_kv_str(jw, "proto", eve_proto_name(proto, pbuf));
	if (proto_is_icmp(proto)) {
		jsonw_kv_uint(jw, "icmp_type", sp);
		jsonw_kv_uint(jw, "icmp_code", dp);
	}
}

static void
tcp_flags_hex(struct jsonw *jw, const char *key, uint8_t flags)
{
	static const char hex[] = "0123456789abcdef";
	char buf[3];

	buf[0] = hex[flags >> 4];
	buf[1] = hex[flags & 0xf];
	buf[2] = '\0';
	jsonw_kv_str(jw, key, buf);
}

void
eve_flow(struct jsonw *jw, const struct flow *f, const char *reason,
    const struct eve_opts *o)
{
	char cid[COMMUNITYID_LEN], mac[18];
	uint8_t all;

	head(jw, f->ts_last, f->flow_id, "flow", f->vlan, f->vlan_cnt,
	    f->ipver, f->cli_ip, f->srv_ip, f->cli_port, f->srv_port,
	    f->proto, o);

	if (app_flow_proto(f) != NULL)
		jsonw_kv_str(jw, "app_proto", app_flow_proto(f));
	jsonw_key(jw, "flow");
	jsonw_obj_open(jw);
	jsonw_kv_uint(jw, "pkts_toserver", f->pkts[FLOW_DIR_TOSERVER]);
	jsonw_kv_uint(jw, "pkts_toclient", f->pkts[FLOW_DIR_TOCLIENT]);
	jsonw_kv_uint(jw, "bytes_toserver", f->bytes[FLOW_DIR_TOSERVER]);
	jsonw_kv_uint(jw, "bytes_toclient", f->bytes[FLOW_DIR_TOCLIENT]);
	kv_ts(jw, "start", f->ts_first, o);
	kv_ts(jw, "end", f->ts_last, o);
	jsonw_kv_uint(jw, "age", (f->ts_last - f->ts_first) / 1000000);
	jsonw_kv_str(jw, "state", flow_state_name(f->state));
	jsonw_kv_str(jw, "reason", reason);
	/* Suricata's key; no rule raises alerts yet, so no flow has one. */
	jsonw_kv_bool(jw, "alerted", false);
	if (f->flags & FLOW_F_EMERGENCY)
		jsonw_kv_bool(jw, "emergency", true);
	jsonw_obj_close(jw);

	if (f->has_mac) {
		jsonw_key(jw, "ether");
		jsonw_obj_open(jw);
		util_format_mac(f->cli_mac, mac);
		jsonw_kv_str(jw, "src_mac", mac);
		util_format_mac(f->srv_mac, mac);
		jsonw_kv_str(jw, "dest_mac", mac);
		jsonw_obj_close(jw);
	}

	if (f->ipver == 4 || f->ipver == 6) {
		if (communityid_v1(o->cid_seed, f->ipver, f->cli_ip,
		    f->srv_ip, f->proto, f->cli_port, f->srv_port, cid) == 0)
			jsonw_kv_str(jw, "community_id", cid);
	}

	if (f->proto == 6) {
		all = f->tcp_flags[0] | f->tcp_flags[1];
		jsonw_key(jw, "tcp");
		jsonw_obj_open(jw);
		tcp_flags_hex(jw, "tcp_flags", all);
		tcp_flags_hex(jw, "tcp_flags_ts", f->tcp_flags[0]);
		tcp_flags_hex(jw, "tcp_flags_tc", f->tcp_flags[1]);
		if (all & TH_SYN)
			jsonw_kv_bool(jw, "syn", true);
		if (all & TH_FIN)
			jsonw_kv_bool(jw, "fin", true);
		if (all & TH_RST)
			jsonw_kv_bool(jw, "rst", true);
		if (all & TH_PSH)
			jsonw_kv_bool(jw, "psh", true);
		if (all & TH_ACK)
			jsonw_kv_bool(jw, "ack", true);
		if (all & TH_URG)
			jsonw_kv_bool(jw, "urg", true);
		if (all & TH_ECE)
			jsonw_kv_bool(jw, "ecn", true);
		if (all & TH_CWR)
			jsonw_kv_bool(jw, "cwr", true);
		if (f->tcp.dir[FLOW_DIR_TOSERVER].gap_bytes > 0)
			jsonw_kv_bool(jw, "ts_gap", true);
		if (f->tcp.dir[FLOW_DIR_TOCLIENT].gap_bytes > 0)
			jsonw_kv_bool(jw, "tc_gap", true);
		jsonw_kv_str(jw, "state", tcp_state_name(f->tcp_state));
		jsonw_obj_close(jw);
	}

	app_flow_eve(jw, f);

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
	jsonw_obj_close(jw);
}

void
eve_app_head(struct jsonw *jw, const struct flow *f, const char *name,
    int dir, const struct packet *p, const struct eve_opts *o)
{
	char cid[COMMUNITYID_LEN];
	bool rev = dir == FLOW_DIR_TOCLIENT;

	head(jw, p != NULL ? p->ts_us : f->ts_last, f->flow_id, name,
	    f->vlan, f->vlan_cnt, f->ipver, rev ? f->srv_ip : f->cli_ip,
	    rev ? f->cli_ip : f->srv_ip, rev ? f->srv_port : f->cli_port,
	    rev ? f->cli_port : f->srv_port, f->proto, o);
	if (p != NULL && p->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", p->pcap_cnt);
	if (communityid_v1(o->cid_seed, f->ipver, f->cli_ip, f->srv_ip,
	    f->proto, f->cli_port, f->srv_port, cid) == 0)
		jsonw_kv_str(jw, "community_id", cid);
	jsonw_kv_str(jw, "app_proto", name);
	jsonw_kv_str(jw, "direction", rev ? "to_client" : "to_server");
}

void
eve_device_head(struct jsonw *jw, uint64_t ts_us, const char *event_type,
    uint16_t vlan, const struct dev_ip *ip, const struct eve_opts *o)
{
	char a[64];

	jsonw_obj_open(jw);
	kv_ts(jw, "timestamp", ts_us, o);
	if (o->in_iface != NULL)
		jsonw_kv_str(jw, "in_iface", o->in_iface);
	jsonw_kv_str(jw, "event_type", event_type);
	if (vlan != 0)
		kv_vlan(jw, &vlan, 1);
	if (ip != NULL)
		jsonw_kv_str(jw, "src_ip", dev_ip_format(ip, a, sizeof(a)));
}

void
eve_l2_head(struct jsonw *jw, const struct packet *p, const char *event_type,
    const struct eve_opts *o)
{
	char mac[18];

	jsonw_obj_open(jw);
	kv_ts(jw, "timestamp", p->ts_us, o);
	if (o->in_iface != NULL)
		jsonw_kv_str(jw, "in_iface", o->in_iface);
	jsonw_kv_str(jw, "event_type", event_type);
	kv_vlan(jw, p->vlan, p->vlan_cnt);
	if (o->pcap_filename != NULL)
		jsonw_kv_str(jw, "pcap_filename", o->pcap_filename);
	if (p->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", p->pcap_cnt);
	jsonw_key(jw, "ether");
	jsonw_obj_open(jw);
	util_format_mac(p->src_mac, mac);
	jsonw_kv_str(jw, "src_mac", mac);
	util_format_mac(p->dst_mac, mac);
	jsonw_kv_str(jw, "dest_mac", mac);
	jsonw_obj_close(jw);
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
eve_anomaly_packet(struct jsonw *jw, const struct packet *p,
    enum ww_counter ev, const struct eve_opts *o)
{
	head(jw, p->ts_us, 0, "anomaly", p->vlan, p->vlan_cnt, p->ipver,
	    p->src, p->dst, p->sport, p->dport, p->proto, o);
	if (o->pcap_filename != NULL)
		jsonw_kv_str(jw, "pcap_filename", o->pcap_filename);
	if (p->pcap_cnt != 0)
		jsonw_kv_uint(jw, "pcap_cnt", p->pcap_cnt);
	anomaly_obj(jw, ev);
	jsonw_obj_close(jw);
}

void
eve_anomaly_flow(struct jsonw *jw, const struct flow *f,
    const struct packet *p, enum ww_counter ev, const struct eve_opts *o)
{
	head(jw, p != NULL ? p->ts_us : f->ts_last, f->flow_id, "anomaly",
	    f->vlan, f->vlan_cnt, f->ipver, f->cli_ip, f->srv_ip,
	    f->cli_port, f->srv_port, f->proto, o);
	anomaly_obj(jw, ev);
	jsonw_obj_close(jw);
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
eve_stats(struct jsonw *jw, uint64_t ts_us, const struct counters *c,
    const struct eve_stats_extra *x, const struct eve_opts *o)
{
	uint64_t pkts;
	int i;

	jsonw_obj_open(jw);
	kv_ts(jw, "timestamp", ts_us, o);
	jsonw_kv_str(jw, "event_type", "stats");
	jsonw_key(jw, "stats");
	jsonw_obj_open(jw);
	jsonw_kv_uint(jw, "uptime", x->uptime_s);

	jsonw_key(jw, "capture");
	jsonw_obj_open(jw);
	stats_section(jw, c, "capture");
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
	jsonw_obj_close(jw);	/* wardwatch */
	jsonw_obj_close(jw);
}
