/*
 * communityid.h - Community ID v1 flow hashing.
 *
 * https://github.com/corelight/community-id-spec: SHA-1 over seed (2
 * bytes, network order), the ordered addresses, protocol, a zero pad
 * byte and the ordered ports (or ICMP type/code mapped as the spec
 * says), base64-encoded and prefixed with "1:".
 */
#ifndef WW_COMMUNITYID_H
#define WW_COMMUNITYID_H

#include <stddef.h>
#include <stdint.h>

#define COMMUNITYID_LEN	32	/* "1:" + 28 base64 chars + NUL, rounded */
/* The length of every ID communityid_v1() writes. */
#define COMMUNITYID_STRLEN	30

/*
 * saddr/daddr are 4 (ipver 4) or 16 bytes.  For ICMP/ICMPv6, sport is
 * the type and dport the code, as they appear in the packet.  Writes a
 * NUL-terminated string into out.  Returns 0 or -1.
 */
int	communityid_v1(uint16_t seed, int ipver, const uint8_t *saddr,
	    const uint8_t *daddr, uint8_t proto, uint16_t sport,
	    uint16_t dport, char out[COMMUNITYID_LEN]);

/*
 * The same, but the raw SHA-1 digest (what the spec's --no-base64 mode
 * prints in hex).  Returns 0 or -1.
 */
#define COMMUNITYID_DIGEST_LEN	20
int	communityid_v1_digest(uint16_t seed, int ipver, const uint8_t *saddr,
	    const uint8_t *daddr, uint8_t proto, uint16_t sport,
	    uint16_t dport, uint8_t digest[COMMUNITYID_DIGEST_LEN]);

/*
 * Up to COMMUNITYID_BATCH IDs at once, out[i] what communityid_v1()
 * writes for t[i] (its SHA-1s side by side, util/sha1.c sha1_x4() and
 * sha1_x8()).
 * Returns how many were made; a tuple that makes none gets "".
 */
#define COMMUNITYID_BATCH	8
struct communityid_tuple {
	int		 ipver;
	const uint8_t	*saddr;
	const uint8_t	*daddr;
	uint8_t		 proto;
	uint16_t	 sport;
	uint16_t	 dport;
};
size_t	communityid_v1_batch(uint16_t seed,
	    const struct communityid_tuple *t, size_t n,
	    char out[][COMMUNITYID_LEN]);

#endif /* WW_COMMUNITYID_H */
