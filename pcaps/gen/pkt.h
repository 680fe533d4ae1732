/*
 * pkt.h - packet builder: link layers, VLAN, IPv4, IPv6, TCP, UDP,
 * ICMP and GRE headers appended front to back into one buffer.
 *
 * Lengths and checksums are filled in by pkt_finish(), innermost layer
 * first, so a builder never has to know its payload in advance and
 * tunnels nest without bookkeeping.  Every layer ends where the packet
 * ends; Ethernet padding is added after pkt_finish() with pkt_pad().
 */
#ifndef PKT_H
#define PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_BUF		70000	/* jumbo datagrams and hostile stacks */
#define PKT_MAX_LAYERS	48	/* GRE nested 10 deep needs 22 */
#define PKT_ETH_MIN	60	/* minimum frame without FCS */

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

#define ETYPE_IPV4	0x0800
#define ETYPE_ARP	0x0806
#define ETYPE_VLAN	0x8100
#define ETYPE_QINQ	0x88a8
#define ETYPE_IPV6	0x86dd
#define ETYPE_TEB	0x6558
#define ETYPE_ERSPAN2	0x88be
#define ETYPE_ERSPAN3	0x22eb

#define IPPROTO_HOPOPTS_	0
#define IPPROTO_ICMP_		1
#define IPPROTO_IPIP_		4
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_IPV6_		41
#define IPPROTO_FRAG_		44
#define IPPROTO_GRE_		47
#define IPPROTO_ICMPV6_		58
#define IPPROTO_NONE_		59
#define IPPROTO_DSTOPTS_	60

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10

#define GRE_F_SEQ	0x1000

enum pkt_layer_type {
	PKT_L_IPV4,
	PKT_L_IPV6,
	PKT_L_TCP,
	PKT_L_UDP,
	PKT_L_ICMP4,
	PKT_L_ICMP6,
};

/* How a packet starts on the wire: the capture's link type. */
enum pkt_linktype {
	PKT_LINK_ETH,
	PKT_LINK_SLL,
	PKT_LINK_SLL2,
	PKT_LINK_NULL,		/* family in little-endian "host" order */
	PKT_LINK_LOOP,		/* family in network order */
	PKT_LINK_RAW,
};

struct pkt_link {
	enum pkt_linktype type;
	uint16_t	 tpid[2];	/* per tag: 0x8100 or 0x88a8 */
	uint16_t	 vlan[2];	/* outermost first */
	size_t		 nvlan;
	uint32_t	 af6;		/* NULL/LOOP family for IPv6 */
};

struct pkt {
	uint8_t		 buf[PKT_BUF];
	size_t		 len;
	struct {
		enum pkt_layer_type type;
		size_t		 off;
	}		 lay[PKT_MAX_LAYERS];
	size_t		 nlay;
	/*
	 * A known ones-complement sum of bytes [psum_off, len), set by
	 * pkt_payload_summed(): the benchmark takes its payload from a
	 * pattern whose sums are precomputed.
	 */
	uint64_t	 psum;
	size_t		 psum_off;
	bool		 psum_valid;
};

uint64_t pkt_csum_add(uint64_t, const uint8_t *, size_t);
uint16_t pkt_csum_fold(uint64_t);

void	 pkt_reset(struct pkt *);
uint8_t	*pkt_put(struct pkt *, size_t);
void	 pkt_bytes(struct pkt *, const void *, size_t);
void	 pkt_str(struct pkt *, const char *);
void	 pkt_u8(struct pkt *, uint32_t);
void	 pkt_be16(struct pkt *, uint32_t);
void	 pkt_be32(struct pkt *, uint32_t);
void	 pkt_le16(struct pkt *, uint32_t);
void	 pkt_le32(struct pkt *, uint32_t);
void	 pkt_zero(struct pkt *, size_t);
void	 pkt_payload_summed(struct pkt *, const uint8_t *, size_t, uint64_t);

void	 pkt_set16(uint8_t *, uint32_t);
void	 pkt_set32(uint8_t *, uint32_t);

void	 pkt_eth(struct pkt *, const uint8_t *dst, const uint8_t *src,
	    uint16_t type);
void	 pkt_vlan(struct pkt *, uint16_t tci, uint16_t next);
void	 pkt_l2(struct pkt *, const struct pkt_link *, const uint8_t *dst,
	    const uint8_t *src, int v6, int outgoing);
uint8_t	*pkt_ipv4(struct pkt *, uint32_t src, uint32_t dst, uint8_t proto,
	    uint16_t id);
void	 pkt_ipv4_opts(struct pkt *, uint8_t *ip, const uint8_t *, size_t);
uint8_t	*pkt_ipv6(struct pkt *, const uint8_t *src, const uint8_t *dst,
	    uint8_t nh);
void	 pkt_ipv6_opthdr(struct pkt *, uint8_t nh, size_t len8);
uint8_t	*pkt_tcp(struct pkt *, uint16_t sport, uint16_t dport, uint32_t seq,
	    uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts,
	    size_t optlen);
uint8_t	*pkt_udp(struct pkt *, uint16_t sport, uint16_t dport);
uint8_t	*pkt_icmp4(struct pkt *, uint8_t type, uint8_t code, uint32_t rest);
uint8_t	*pkt_icmp6(struct pkt *, uint8_t type, uint8_t code, uint32_t rest);
void	 pkt_gre(struct pkt *, uint16_t flags, uint16_t proto, uint32_t seq);
void	 pkt_finish(struct pkt *);
void	 pkt_pad(struct pkt *, size_t);
uint16_t pkt_ipv4_csum(const uint8_t *ip);

void	 pkt_mac(uint8_t *, uint32_t oui, uint32_t nic);
void	 pkt_ip6(uint8_t *, uint32_t hi, uint32_t lo);

#endif /* PKT_H */
