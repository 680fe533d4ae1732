/*
 * pkt.c - packet builder with deferred lengths and checksums.
 *
 * Checksums are the Internet checksum (RFC 1071).  pkt_csum_add() sums
 * 32-bit big-endian words into a 64-bit accumulator, which folds to
 * the same 16-bit ones-complement sum and runs several times faster
 * than summing 16-bit words; callers only join sums at even offsets.
 */
#include <config.h>

#include <assert.h>
#include <string.h>

#include "pkt.h"

#define IPV4_HLEN	20
#define IPV6_HLEN	40
#define TCP_HLEN	20
#define UDP_HLEN	8
#define ICMP_HLEN	8
#define IPV6_OPT_PADN	1

uint64_t
pkt_csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		sum += (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
	}
	if (n == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t
pkt_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
pkt_set16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
pkt_set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
pkt_reset(struct pkt *p)
{
	p->len = 0;
	p->nlay = 0;
	p->psum_valid = false;
}

uint8_t *
pkt_put(struct pkt *p, size_t n)
{
	uint8_t *q;

	/* Scenarios are ours: overflowing the buffer is our bug. */
	assert(n <= PKT_BUF - p->len);
	q = p->buf + p->len;
	p->len += n;
	return q;
}

void
pkt_bytes(struct pkt *p, const void *data, size_t n)
{
	if (n > 0)
		memcpy(pkt_put(p, n), data, n);
}

void
pkt_str(struct pkt *p, const char *s)
{
	pkt_bytes(p, s, strlen(s));
}

void
pkt_zero(struct pkt *p, size_t n)
{
	memset(pkt_put(p, n), 0, n);
}

void
pkt_u8(struct pkt *p, uint32_t v)
{
	*pkt_put(p, 1) = (uint8_t)v;
}

void
pkt_be16(struct pkt *p, uint32_t v)
{
	pkt_set16(pkt_put(p, 2), v);
}

void
pkt_be32(struct pkt *p, uint32_t v)
{
	pkt_set32(pkt_put(p, 4), v);
}

void
pkt_le16(struct pkt *p, uint32_t v)
{
	uint8_t *q = pkt_put(p, 2);

	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
}

void
pkt_le32(struct pkt *p, uint32_t v)
{
	uint8_t *q = pkt_put(p, 4);

	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
	q[2] = (uint8_t)(v >> 16);
	q[3] = (uint8_t)(v >> 24);
}

/* Append payload whose ones-complement sum the caller already knows. */
void
pkt_payload_summed(struct pkt *p, const uint8_t *data, size_t n,
    uint64_t sum)
{
	p->psum_off = p->len;
	p->psum = sum;
	p->psum_valid = true;
	pkt_bytes(p, data, n);
}

static void
push_layer(struct pkt *p, enum pkt_layer_type type, size_t off)
{
	assert(p->nlay < PKT_MAX_LAYERS);
	p->lay[p->nlay].type = type;
	p->lay[p->nlay].off = off;
	p->nlay++;
}

void
pkt_eth(struct pkt *p, const uint8_t *dst, const uint8_t *src,
    uint16_t type)
{
	pkt_bytes(p, dst, 6);
	pkt_bytes(p, src, 6);
	pkt_be16(p, type);
}

/* One 802.1Q/802.1ad tag body: the TPID was the previous type field. */
void
pkt_vlan(struct pkt *p, uint16_t tci, uint16_t next)
{
	pkt_be16(p, tci);
	pkt_be16(p, next);
}

/*
 * The link-layer header of one packet.  For the cooked and loopback
 * link types the capture is taken on the sender of "outgoing" packets.
 *
 * SLL (16):  packet type (2) | ARPHRD (2) | addr len (2) | addr (8)
 *            | protocol (2)
 * SLL2 (20): protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2)
 *            | packet type (1) | addr len (1) | addr (8)
 */
void
pkt_l2(struct pkt *p, const struct pkt_link *l, const uint8_t *dst,
    const uint8_t *src, int v6, int outgoing)
{
	uint16_t etype = v6 ? ETYPE_IPV6 : ETYPE_IPV4;
	uint32_t af = v6 ? l->af6 : 2;
	uint8_t *q;
	size_t i;

	switch (l->type) {
	case PKT_LINK_ETH:
		if (l->nvlan == 0) {
			pkt_eth(p, dst, src, etype);
			break;
		}
		pkt_eth(p, dst, src, l->tpid[0]);
		for (i = 0; i < l->nvlan; i++)
			pkt_vlan(p, l->vlan[i],
			    i + 1 < l->nvlan ? l->tpid[i + 1] : etype);
		break;
	case PKT_LINK_SLL:
		pkt_be16(p, outgoing ? 4 : 0);
		pkt_be16(p, 1);			/* ARPHRD_ETHER */
		pkt_be16(p, 6);
		pkt_bytes(p, src, 6);
		pkt_zero(p, 2);
		pkt_be16(p, etype);
		break;
	case PKT_LINK_SLL2:
		pkt_be16(p, etype);
		pkt_zero(p, 2);
		pkt_be32(p, 2);			/* ifindex of eth0 */
		pkt_be16(p, 1);
		pkt_u8(p, outgoing ? 4 : 0);
		pkt_u8(p, 6);
		pkt_bytes(p, src, 6);
		pkt_zero(p, 2);
		break;
	case PKT_LINK_NULL:
		q = pkt_put(p, 4);
		q[0] = (uint8_t)af;
		q[1] = (uint8_t)(af >> 8);
		q[2] = (uint8_t)(af >> 16);
		q[3] = (uint8_t)(af >> 24);
		break;
	case PKT_LINK_LOOP:
		pkt_be32(p, af);
		break;
	case PKT_LINK_RAW:
		break;
	}
}

/* IPv4 (RFC 791) without options, TTL 64; length and checksum later. */
uint8_t *
pkt_ipv4(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id)
{
	uint8_t *ip;

	push_layer(p, PKT_L_IPV4, p->len);
	ip = pkt_put(p, IPV4_HLEN);
	memset(ip, 0, IPV4_HLEN);
	ip[0] = 0x45;
	pkt_set16(ip + 4, id);
	ip[8] = 64;
	ip[9] = proto;
	pkt_set32(ip + 12, src);
	pkt_set32(ip + 16, dst);
	return ip;
}

/* Options right after the header: the caller pads them to 32 bits. */
void
pkt_ipv4_opts(struct pkt *p, uint8_t *ip, const uint8_t *opts, size_t n)
{
	assert(n % 4 == 0 && ip + IPV4_HLEN == p->buf + p->len);
	pkt_bytes(p, opts, n);
	ip[0] = (uint8_t)(0x40 | (IPV4_HLEN + n) / 4);
}

uint16_t
pkt_ipv4_csum(const uint8_t *ip)
{
	uint8_t h[60];
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	memcpy(h, ip, hl);
	h[10] = h[11] = 0;
	return pkt_csum_fold(pkt_csum_add(0, h, hl));
}

/* IPv6 (RFC 8200), hop limit 64; payload length later. */
uint8_t *
pkt_ipv6(struct pkt *p, const uint8_t *src, const uint8_t *dst, uint8_t nh)
{
	uint8_t *ip;

	push_layer(p, PKT_L_IPV6, p->len);
	ip = pkt_put(p, IPV6_HLEN);
	memset(ip, 0, IPV6_HLEN);
	ip[0] = 0x60;
	ip[6] = nh;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return ip;
}

/*
 * A hop-by-hop or destination options header (RFC 8200 4.3, 4.6) of
 * len8 * 8 bytes, filled with one PadN option.
 */
void
pkt_ipv6_opthdr(struct pkt *p, uint8_t nh, size_t len8)
{
	uint8_t *h;
	size_t n = len8 * 8;

	assert(len8 >= 1 && len8 <= 256);
	h = pkt_put(p, n);
	memset(h, 0, n);
	h[0] = nh;
	h[1] = (uint8_t)(len8 - 1);
	h[2] = IPV6_OPT_PADN;
	h[3] = (uint8_t)(n - 4);
}

uint8_t *
pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts,
    size_t optlen)
{
	uint8_t *t;

	assert(optlen % 4 == 0 && optlen <= 40);
	push_layer(p, PKT_L_TCP, p->len);
	t = pkt_put(p, TCP_HLEN);
	memset(t, 0, TCP_HLEN);
	pkt_set16(t, sport);
	pkt_set16(t + 2, dport);
	pkt_set32(t + 4, seq);
	pkt_set32(t + 8, ack);
	t[12] = (uint8_t)((TCP_HLEN + optlen) / 4 << 4);
	t[13] = flags;
	pkt_set16(t + 14, win);
	pkt_bytes(p, opts, optlen);
	return t;
}

uint8_t *
pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	uint8_t *u;

	push_layer(p, PKT_L_UDP, p->len);
	u = pkt_put(p, UDP_HLEN);
	memset(u, 0, UDP_HLEN);
	pkt_set16(u, sport);
	pkt_set16(u + 2, dport);
	return u;
}

static uint8_t *
icmp(struct pkt *p, enum pkt_layer_type lt, uint8_t type, uint8_t code,
    uint32_t rest)
{
	uint8_t *h;

	push_layer(p, lt, p->len);
	h = pkt_put(p, ICMP_HLEN);
	memset(h, 0, ICMP_HLEN);
	h[0] = type;
	h[1] = code;
	pkt_set32(h + 4, rest);
	return h;
}

uint8_t *
pkt_icmp4(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest)
{
	return icmp(p, PKT_L_ICMP4, type, code, rest);
}

uint8_t *
pkt_icmp6(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest)
{
	return icmp(p, PKT_L_ICMP6, type, code, rest);
}

/* GRE (RFC 2784), with the RFC 2890 sequence number if flags say so. */
void
pkt_gre(struct pkt *p, uint16_t flags, uint16_t proto, uint32_t seq)
{
	pkt_be16(p, flags);
	pkt_be16(p, proto);
	if (flags & GRE_F_SEQ)
		pkt_be32(p, seq);
}

/* The pseudo-header sum (RFC 793, RFC 8200 8.1) of the layer's IP. */
static uint64_t
pseudo_sum(const struct pkt *p, size_t li, uint8_t proto, size_t l4len)
{
	const uint8_t *ip;
	uint64_t sum = (uint64_t)proto + l4len;

	while (li-- > 0) {
		ip = p->buf + p->lay[li].off;
		if (p->lay[li].type == PKT_L_IPV4)
			return pkt_csum_add(sum, ip + 12, 8);
		if (p->lay[li].type == PKT_L_IPV6)
			return pkt_csum_add(sum, ip + 8, 32);
	}
	return sum;
}

static uint64_t
l4_sum(const struct pkt *p, size_t off)
{
	if (p->psum_valid && p->psum_off >= off &&
	    (p->psum_off - off) % 2 == 0)
		return pkt_csum_add(p->psum, p->buf + off, p->psum_off - off);
	return pkt_csum_add(0, p->buf + off, p->len - off);
}

void
pkt_finish(struct pkt *p)
{
	size_t i, off, n;
	uint8_t *h;
	uint16_t c;

	for (i = p->nlay; i-- > 0;) {
		off = p->lay[i].off;
		h = p->buf + off;
		n = p->len - off;
		switch (p->lay[i].type) {
		case PKT_L_IPV4:
			pkt_set16(h + 2, (uint32_t)n);
			pkt_set16(h + 10, 0);
			pkt_set16(h + 10, pkt_ipv4_csum(h));
			break;
		case PKT_L_IPV6:
			pkt_set16(h + 4, (uint32_t)(n - IPV6_HLEN));
			break;
		case PKT_L_TCP:
			pkt_set16(h + 16, 0);
			c = pkt_csum_fold(l4_sum(p, off) +
			    pseudo_sum(p, i, IPPROTO_TCP_, n));
			pkt_set16(h + 16, c);
			break;
		case PKT_L_UDP:
			pkt_set16(h + 4, (uint32_t)n);
			pkt_set16(h + 6, 0);
			c = pkt_csum_fold(l4_sum(p, off) +
			    pseudo_sum(p, i, IPPROTO_UDP_, n));
			/* RFC 768: a computed zero is sent as all ones. */
			pkt_set16(h + 6, c == 0 ? 0xffff : c);
			break;
		case PKT_L_ICMP4:
			pkt_set16(h + 2, 0);
			pkt_set16(h + 2, pkt_csum_fold(l4_sum(p, off)));
			break;
		case PKT_L_ICMP6:
			pkt_set16(h + 2, 0);
			c = pkt_csum_fold(l4_sum(p, off) +
			    pseudo_sum(p, i, IPPROTO_ICMPV6_, n));
			pkt_set16(h + 2, c);
			break;
		}
	}
	p->psum_valid = false;
}

/* Pad an Ethernet frame to the minimum, as a NIC would. */
void
pkt_pad(struct pkt *p, size_t min)
{
	if (p->len < min)
		pkt_zero(p, min - p->len);
}

void
pkt_mac(uint8_t *mac, uint32_t oui, uint32_t nic)
{
	mac[0] = (uint8_t)(oui >> 16);
	mac[1] = (uint8_t)(oui >> 8);
	mac[2] = (uint8_t)oui;
	mac[3] = (uint8_t)(nic >> 16);
	mac[4] = (uint8_t)(nic >> 8);
	mac[5] = (uint8_t)nic;
}

/* 2001:db8:NET::HOST, documentation addresses (RFC 3849). */
void
pkt_ip6(uint8_t *a, uint32_t net, uint32_t host)
{
	memset(a, 0, 16);
	pkt_set32(a, 0x20010db8);
	pkt_set32(a + 4, net);
	pkt_set32(a + 12, host);
}
