/*
 * packet.h - one captured packet and what the decoder found in it.
 *
 * Layer-2 facts are copied out as values; everything from layer 3 on is
 * an offset into 'data', so a packet can be copied to a worker's queue
 * by copying the struct and the bytes and setting 'data' again.  For a
 * reassembled IP datagram, 'data' points at the reassembled buffer and
 * l3_off is 0.
 */
#ifndef WW_PACKET_H
#define WW_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX_VLAN		3	/* kept in the flow key and output */
#define PKT_MAX_ANOM		4	/* anomaly ids remembered per packet */

/* Packet flags. */
#define PKT_TRUNCATED		0x0001	/* caplen < what the headers claim */
#define PKT_INVALID		0x0002	/* a decode anomaly made it unusable */
#define PKT_REASSEMBLED		0x0004	/* built from IP fragments */
#define PKT_FRAGMENT		0x0008	/* an IP fragment (held by defrag) */
#define PKT_TUNNELED		0x0010	/* inner packet of a tunnel */
#define PKT_HAS_ETH		0x0020	/* src_mac/dst_mac are valid */
#define PKT_ARP			0x0040
#define PKT_CAPLEN_GT_LEN	0x0080
/*
 * An IPv4 header, TCP or UDP checksum is wrong: the receiving host
 * drops the packet, so its flow counts it but neither the stream nor
 * the parsers see it (an insertion, Ptacek and Newsham 1998).
 */
#define PKT_BAD_CSUM		0x0100

/* TCP flags as on the wire. */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

struct packet {
	/* From capture. */
	uint64_t	 ts_us;		/* packet time, microseconds */
	uint64_t	 pcap_cnt;	/* 1-based index in the input */
	const uint8_t	*data;		/* captured bytes */
	uint32_t	 caplen;	/* bytes in 'data' */
	uint32_t	 wirelen;	/* length on the wire */
	int		 datalink;	/* DLT_* of 'data' */
	uint32_t	 flags;

	/* Layer 2 (values). */
	uint8_t		 src_mac[6];
	uint8_t		 dst_mac[6];
	uint16_t	 vlan[PKT_MAX_VLAN];
	uint8_t		 vlan_cnt;
	uint8_t		 tunnel_depth;
	uint16_t	 ethertype;	/* innermost */

	/* Layer 3. */
	uint8_t		 ipver;		/* 0 (not IP), 4 or 6 */
	uint8_t		 proto;		/* IPPROTO_* of layer 4 */
	uint8_t		 ttl;		/* TTL or hop limit */
	uint16_t	 ip_id;
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	uint32_t	 l3_off;	/* start of the IP header */
	uint32_t	 l3_len;	/* IP header + payload, trimmed */

	/* Layer 4. */
	uint32_t	 l4_off;	/* start of the L4 header */
	uint16_t	 sport;		/* or ICMP type/code for ICMP */
	uint16_t	 dport;
	uint8_t		 icmp_type;
	uint8_t		 icmp_code;
	uint8_t		 tcp_flags;
	uint8_t		 tcp_wscale;	/* 0xff: option absent */
	uint16_t	 tcp_mss;	/* 0: option absent */
	uint16_t	 tcp_win;
	uint32_t	 tcp_seq;
	uint32_t	 tcp_ack;
	bool		 tcp_sackok;
	uint32_t	 payload_off;	/* L4 payload in 'data' */
	uint32_t	 payload_len;	/* bounded by caplen and IP length */

	/* Filled by dispatch. */
	uint64_t	 flow_hash;	/* symmetric, keyed */

	/* Decode anomalies seen in this packet (counted already). */
	uint16_t	 anom[PKT_MAX_ANOM];
	uint8_t		 anom_cnt;
};

static inline const uint8_t *
pkt_payload(const struct packet *p)
{
	return p->data + p->payload_off;
}

static inline bool
pkt_is_ip(const struct packet *p)
{
	return p->ipver == 4 || p->ipver == 6;
}

static inline uint8_t
pkt_addrlen(const struct packet *p)
{
	return p->ipver == 6 ? 16 : 4;
}

#endif /* WW_PACKET_H */
