/*
 * device.h - one device's identity: attributes fused from evidence.
 *
 * A device is one MAC on one VLAN, or, for hosts behind a router that
 * the sensor sees only by address, one IP.  Each attribute (class,
 * vendor, model, ...) is a small set of competing values; each value
 * carries the sources that claimed it, with a confidence each.  The
 * value's confidence is the claims combined as independent evidence
 * (1 - product of (1 - c)), so two weak sources that agree beat one of
 * them alone; the best value wins and the others stay in the record
 * as alternatives.  Ties go to the value seen first, then by name, so
 * the result depends only on the order of events, never on memory.
 *
 * Raw evidence (key, value) is kept as well, for the fingerprint
 * matcher and for the record's "evidence" list, with a cap per device.
 * Nothing here reads the network or the database: brain.c feeds it,
 * state.c stores it.
 *
 * The values and the evidence live in heap arrays that grow on demand
 * (doubling, up to the caps below): an inventory holds tens of
 * thousands of devices and most never get evidence, so the record
 * itself stays a few hundred bytes.  A device owns those arrays: copy
 * it with dev_copy(), never by assignment, and release it with
 * dev_free().  All-zero memory (calloc) is a valid empty device.
 */
#ifndef WW_DEVICE_H
#define WW_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum dev_attr {
	DEV_A_CLASS,
	DEV_A_VENDOR,
	DEV_A_MODEL,
	DEV_A_SOFTWARE,
	DEV_A_SERIAL,
	DEV_A_HOSTNAME,
	DEV_A_MAX
};

#define DEV_VALUE_MAX	64	/* attribute and evidence values, with NUL */
#define DEV_KEY_MAX	24	/* evidence key ("dicom.impl_class_uid") */
#define DEV_SOURCE_MAX	40	/* provenance ("behaviour.dicom_scp") */
#define DEV_RULE_MAX	64	/* fingerprint name */
#define DEV_MAX_VALUES	4	/* competing values kept per attribute */
#define DEV_MAX_CLAIMS	3	/* sources kept per value */
#define DEV_MAX_EVIDENCE 64	/* distinct (key, value) pairs per device */
#define DEV_MAX_PER_KEY	12	/* of those, with the same key */
#define DEV_MAX_IPS	4	/* addresses remembered per device */

struct dev_claim {
	char		 source[DEV_SOURCE_MAX];
	char		 rule[DEV_RULE_MAX];	/* "" for direct evidence */
	uint8_t		 confidence;		/* 1..100 */
};

struct dev_value {
	char		 value[DEV_VALUE_MAX];
	uint8_t		 confidence;		/* combined, 1..99 (100 if any 100) */
	uint8_t		 n_claims;
	struct dev_claim claims[DEV_MAX_CLAIMS];	/* strongest first */
	uint64_t	 first_us, last_us;
};

struct dev_attrset {
	struct dev_value *v;		/* n of cap; v[0] is the answer */
	uint8_t		 n;
	uint8_t		 cap;		/* <= DEV_MAX_VALUES */
};

struct dev_evidence {
	char		 key[DEV_KEY_MAX];
	char		 value[DEV_VALUE_MAX];
	uint64_t	 first_us;
};

/* An IPv4 address is stored v4-mapped (::ffff:a.b.c.d). */
struct dev_ip {
	uint8_t		 a[16];
};

#define DEV_F_ROUTED	0x01	/* known only by IP (behind a router) */
#define DEV_F_ROUTER	0x02	/* this MAC forwards for many addresses */
#define DEV_F_PRIVMAC	0x04	/* locally administered (random) MAC */
#define DEV_F_RELAYED	0x08	/* known from relayed DHCP: VLAN unknown */

/* Parts of a device's child rows a save writes on their own. */
#define DEV_SAVED_PARTS	4

struct device {
	uint64_t	 id;		/* inventory row, 0 until stored */
	uint8_t		 mac[6];	/* zero when DEV_F_ROUTED */
	uint16_t	 vlan;		/* innermost tag; 0 untagged */
	uint8_t		 flags;		/* DEV_F_* */
	bool		 has_ip;
	struct dev_ip	 ip;		/* current address */
	uint8_t		 n_ips;		/* earlier addresses, newest first */
	struct dev_ip	 ips[DEV_MAX_IPS];
	uint64_t	 first_us, last_us;

	struct dev_attrset attr[DEV_A_MAX];
	struct dev_evidence *evidence;	/* n_evidence of evidence_cap */
	size_t		 n_evidence;
	size_t		 evidence_cap;	/* <= DEV_MAX_EVIDENCE */
	uint32_t	 evidence_dropped;	/* over DEV_MAX_EVIDENCE */

	uint64_t	 flows, packets, bytes;	/* as either end */
	/* Bookkeeping for the brain (not stored). */
	bool		 known;		/* loaded from the state database */
	bool		 announced;	/* a "new" record was written */
	bool		 unsaved;	/* changed since last database write */
	/* Of the child rows last saved or loaded, by part (state.c):
	 * 0 none. */
	uint64_t	 saved_sum[DEV_SAVED_PARTS];
	bool		 evidence_new;	/* fingerprints must run again */
};

const char	*dev_attr_name(enum dev_attr);	/* "class", "vendor", ... */
int		 dev_attr_lookup(const char *);	/* -1 if unknown */

void		 dev_init(struct device *);
/* Free the arrays; the device is left as dev_init() makes it. */
void		 dev_free(struct device *);
/* A deep copy.  dst is overwritten: it must own no arrays (freshly
 * initialised or freed). */
void		 dev_copy(struct device *dst, const struct device *src);
/*
 * Append a zeroed slot, for loaders that fill records field by field:
 * NULL when the attribute already holds DEV_MAX_VALUES values, or the
 * device DEV_MAX_EVIDENCE pieces of evidence (not counted as dropped).
 * The caller keeps the order the fusion rules need.
 */
struct dev_value *dev_value_push(struct device *, enum dev_attr);
struct dev_evidence *dev_evidence_push(struct device *);
/* Forget every value of an attribute. */
void		 dev_attr_clear(struct device *, enum dev_attr);
/*
 * A source claims a value for an attribute.  Values are compared
 * case-insensitively; a source already among the value's claims keeps
 * its highest confidence.  Returns true when the attribute's answer
 * (v[0]'s value) changed.
 */
bool		 dev_claim(struct device *, enum dev_attr, const char *value,
		    unsigned confidence, const char *source, const char *rule,
		    uint64_t ts_us);
/* The answer for an attribute, or NULL.  Inline: the judgments ask
 * it of both ends of every event. */
static inline const struct dev_value *
dev_best(const struct device *d, enum dev_attr a)
{
	if ((unsigned)a >= DEV_A_MAX || d->attr[a].n == 0)
		return NULL;
	return &d->attr[a].v[0];
}
/* Record evidence; returns true if the pair is new. */
bool		 dev_add_evidence(struct device *, const char *key,
		    const char *value, uint64_t ts_us);
bool		 dev_has_evidence(const struct device *, const char *key,
		    const char *value);
/* A new current address; the old one goes to the history.  Returns
 * true if the address changed. */
bool		 dev_set_ip(struct device *, const struct dev_ip *);

void		 dev_ip_from4(struct dev_ip *, const uint8_t a[4]);
void		 dev_ip_from6(struct dev_ip *, const uint8_t a[16]);
/* Inline: every end of every event is asked (twelve bytes compared). */
static inline bool
dev_ip_is4(const struct dev_ip *ip)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return memcmp(ip->a, v4mapped, sizeof(v4mapped)) == 0;
}
/* Text form; buf of at least 46 bytes. */
const char	*dev_ip_format(const struct dev_ip *, char *, size_t);
int		 dev_ip_parse(const char *, struct dev_ip *);
/* RFC 1918, 100.64/10, link-local, ULA: addresses that can be a local device. */
bool		 dev_ip_is_private(const struct dev_ip *);
/* "aa:bb:cc:dd:ee:ff"; buf of at least 18 bytes. */
const char	*dev_mac_format(const uint8_t mac[6], char *, size_t);

struct jsonw;
/*
 * The members of a device object (for EVE "device" records and for
 * "wardwatch inventory --json"): mac, ip, vlan, virtual_machine (the
 * hypervisor of a virtual NIC), class, vendor, model,
 * software, serial, hostname, confidence, first_seen, last_seen, lists
 * (roles, hl7_applications, ae_titles, services), "attributes" with
 * each answer's confidence and sources, "alternatives", "evidence",
 * counters.  DEV_JSON_SLIM leaves out attributes, alternatives and
 * evidence.
 */
#define DEV_JSON_NO_MAC	0x01	/* the caller wrote "mac" first */
#define DEV_JSON_SLIM	0x02	/* no attributes, alternatives, evidence */
void		 dev_json(struct jsonw *, const struct device *, unsigned flags);
/* The most bytes dev_json() writes for the device (a run's room). */
size_t		 dev_json_bound(const struct device *);

#endif /* WW_DEVICE_H */
