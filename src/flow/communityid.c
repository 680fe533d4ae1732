/*
 * communityid.c - Community ID v1 flow hashing.
 *
 * The spec (github.com/corelight/community-id-spec) hashes, with SHA-1:
 *
 *	seed (2, network order) . saddr (4|16) . daddr (4|16) .
 *	proto (1) . 0 (1) [. sport (2) . dport (2)]
 *
 * The endpoints are ordered so that the smaller address comes first
 * (compared as network-order bytes), and the smaller port when the
 * addresses are equal; so both directions of a flow give the same ID.
 * Ports are present only for TCP, UDP, SCTP, ICMP and ICMPv6.  ICMP
 * type and code are mapped to ports as Zeek does: a request/reply type
 * becomes (type, counterpart type); any other type is one-way, keeps
 * (type, code) and is never reordered.  The result is "1:" followed by
 * the base64 of the 20-byte digest.
 *
 * The hash is util/sha1.c's: it keeps no state between calls, so the
 * workers and the output thread may all compute IDs at once, and no
 * library looks the algorithm up again for every flow.
 */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "flow/communityid.h"
#include "util/sha1.h"
#include "util/word.h"

#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMP6	58
#define PROTO_SCTP	132

/* Largest hash input: 2 + 16 + 16 + 1 + 1 + 2 + 2. */
#define CID_INPUT_MAX	40

/*
 * ICMP types that have a counterpart, from Zeek's ICMP analyzer (the
 * pycommunityid icmp.py and icmp6.py tables).  -1: one-way.
 */
static int
icmp4_counterpart(uint16_t type)
{
	switch (type) {
	case 8:  return 0;	/* echo request -> echo reply */
	case 0:  return 8;
	case 13: return 14;	/* timestamp */
	case 14: return 13;
	case 15: return 16;	/* information */
	case 16: return 15;
	case 10: return 9;	/* router solicitation -> advertisement */
	case 9:  return 10;
	case 17: return 18;	/* address mask */
	case 18: return 17;
	default: return -1;
	}
}

static int
icmp6_counterpart(uint16_t type)
{
	switch (type) {
	case 128: return 129;	/* echo request -> echo reply */
	case 129: return 128;
	case 130: return 131;	/* MLD listener query -> report */
	case 131: return 130;
	case 133: return 134;	/* router solicitation -> advertisement */
	case 134: return 133;
	case 135: return 136;	/* neighbour solicitation -> advertisement */
	case 136: return 135;
	case 139: return 140;	/* node information (who-are-you) */
	case 140: return 139;
	case 144: return 145;	/* home agent address discovery */
	case 145: return 144;
	default:  return -1;
	}
}

/* The hash input for a tuple, its length; 0 when there is none. */
static size_t
cid_input(uint16_t seed, int ipver, const uint8_t *saddr,
    const uint8_t *daddr, uint8_t proto, uint16_t sport, uint16_t dport,
    uint8_t in[CID_INPUT_MAX])
{
	uint8_t *p = in;
	const uint8_t *a1 = saddr, *a2 = daddr;
	uint16_t p1 = sport, p2 = dport;
	size_t alen;
	bool ports = false, one_way = false;
	int cmp, peer;

	if (saddr == NULL || daddr == NULL)
		return 0;
	if (ipver == 4)
		alen = 4;
	else if (ipver == 6)
		alen = 16;
	else
		return 0;

	switch (proto) {
	case PROTO_TCP:
	case PROTO_UDP:
	case PROTO_SCTP:
		ports = true;
		break;
	case PROTO_ICMP:
	case PROTO_ICMP6:
		ports = true;
		peer = proto == PROTO_ICMP ? icmp4_counterpart(sport) :
		    icmp6_counterpart(sport);
		if (peer >= 0)
			p2 = (uint16_t)peer;
		else
			one_way = true;
		break;
	default:
		break;
	}

	if (!one_way) {
		/* An IPv4 pair as two big-endian words: no call. */
		if (alen == 4)
			cmp = word_be32(saddr) < word_be32(daddr) ? -1 :
			    word_be32(saddr) > word_be32(daddr);
		else
			cmp = memcmp(saddr, daddr, alen);
		if (cmp > 0 || (cmp == 0 && ports && p1 > p2)) {
			a1 = daddr;
			a2 = saddr;
			p1 = p2;
			p2 = sport;
		}
	}

	*p++ = (uint8_t)(seed >> 8);
	*p++ = (uint8_t)seed;
	memcpy(p, a1, alen);
	p += alen;
	memcpy(p, a2, alen);
	p += alen;
	*p++ = proto;
	*p++ = 0;
	if (ports) {
		*p++ = (uint8_t)(p1 >> 8);
		*p++ = (uint8_t)p1;
		*p++ = (uint8_t)(p2 >> 8);
		*p++ = (uint8_t)p2;
	}
	return (size_t)(p - in);
}

int
communityid_v1_digest(uint16_t seed, int ipver, const uint8_t *saddr,
    const uint8_t *daddr, uint8_t proto, uint16_t sport, uint16_t dport,
    uint8_t digest[COMMUNITYID_DIGEST_LEN])
{
	uint8_t in[CID_INPUT_MAX];
	size_t n;

	if (digest == NULL || (n = cid_input(seed, ipver, saddr, daddr,
	    proto, sport, dport, in)) == 0)
		return -1;
	sha1(in, n, digest);
	return 0;
}

_Static_assert(COMMUNITYID_STRLEN == 2 + 28 &&
    COMMUNITYID_STRLEN < COMMUNITYID_LEN, "\"1:\" and 28 base64 bytes");

static const char b64[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* "1:" and the RFC 4648 base64 of the digest. */
static void
cid_b64(const uint8_t d[COMMUNITYID_DIGEST_LEN], char out[COMMUNITYID_LEN])
{
	char *o = out;
	size_t i;

	*o++ = '1';
	*o++ = ':';
	/*
	 * RFC 4648 base64: 18 bytes as three runs of 6 (48 bits, 8
	 * characters, read as one big-endian word), then 2 bytes and '='.
	 */
	for (i = 0; i < 18; i += 6) {
		uint64_t v = word_be64(d + i) >> 16;

		o[0] = b64[v >> 42];
		o[1] = b64[(v >> 36) & 0x3f];
		o[2] = b64[(v >> 30) & 0x3f];
		o[3] = b64[(v >> 24) & 0x3f];
		o[4] = b64[(v >> 18) & 0x3f];
		o[5] = b64[(v >> 12) & 0x3f];
		o[6] = b64[(v >> 6) & 0x3f];
		o[7] = b64[v & 0x3f];
		o += 8;
	}
	{
		uint32_t v = (uint32_t)d[18] << 16 | (uint32_t)d[19] << 8;

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 0x3f];
		*o++ = b64[(v >> 6) & 0x3f];
		*o++ = '=';
	}
	*o = '\0';
}

int
communityid_v1(uint16_t seed, int ipver, const uint8_t *saddr,
    const uint8_t *daddr, uint8_t proto, uint16_t sport, uint16_t dport,
    char out[COMMUNITYID_LEN])
{
	uint8_t d[COMMUNITYID_DIGEST_LEN];

	if (out == NULL)
		return -1;
	if (communityid_v1_digest(seed, ipver, saddr, daddr, proto, sport,
	    dport, d) == -1) {
		out[0] = '\0';
		return -1;
	}
	cid_b64(d, out);
	return 0;
}

/*
 * Lanes without a tuple of their own hash the first one's input again:
 * four lanes cost the same as fewer, and eight (sha1_x8()) about as
 * much as four where the CPU has AVX2.
 */
size_t
communityid_v1_batch(uint16_t seed, const struct communityid_tuple *t,
    size_t n, char out[][COMMUNITYID_LEN])
{
	uint8_t in[COMMUNITYID_BATCH][CID_INPUT_MAX];
	uint8_t d[COMMUNITYID_BATCH][SHA1_DIGEST_LEN];
	const uint8_t *msg[COMMUNITYID_BATCH];
	size_t len[COMMUNITYID_BATCH], i, lane[COMMUNITYID_BATCH], k = 0;

	if (n > COMMUNITYID_BATCH)
		n = COMMUNITYID_BATCH;
	for (i = 0; i < n; i++) {
		out[i][0] = '\0';
		if ((len[k] = cid_input(seed, t[i].ipver, t[i].saddr,
		    t[i].daddr, t[i].proto, t[i].sport, t[i].dport,
		    in[k])) == 0)
			continue;
		msg[k] = in[k];
		lane[k++] = i;
	}
	if (k == 0)
		return 0;
	if (k == 1) {
		sha1(msg[0], len[0], d[0]);
		cid_b64(d[0], out[lane[0]]);
		return 1;
	}
	for (i = k; i < COMMUNITYID_BATCH; i++) {
		msg[i] = msg[0];
		len[i] = len[0];
	}
	if (k <= 4)
		sha1_x4(msg, len, d);
	else
		sha1_x8(msg, len, d);
	for (i = 0; i < k; i++)
		cid_b64(d[i], out[lane[i]]);
	return k;
}
