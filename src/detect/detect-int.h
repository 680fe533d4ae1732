/*
 * detect/detect-int.h - the rule engine's insides, shared by its files
 * (parse, load, match, filter) and its unit tests and fuzzers; nothing
 * outside detect/ and the tests includes it.
 *
 * A rule is a header (protocol, addresses, ports, direction), a few
 * conditions on the packet or flow (flow, flowbits, ttl, flags, ...)
 * and lists of payload matches, one per buffer it inspects: the packet
 * or stream payload, a sticky buffer of app/buffers.def, or a header
 * buffer, each possibly transformed (dotprefix, to_lowercase, ...).
 */
#ifndef WW_DETECT_INT_H
#define WW_DETECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detect/detect.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <hs.h>

#define DETECT_MAX_OPTS		256	/* options in one rule */
#define DETECT_MAX_RULE_LEN	(64u << 10)	/* bytes of one rule's text */
#define DETECT_MAX_FILE_SIZE	(256u << 20)
#define DETECT_MAX_VARS_DEPTH	8	/* $VAR inside $VAR */
#define DETECT_MAX_BYTEVARS	8	/* byte_extract names per rule */
#define DETECT_MAX_TRANSFORMS	4	/* per sticky buffer */
#define DETECT_PCRE_MATCH_LIMIT	3500	/* Suricata's pcre.match-limit */
#define DETECT_PCRE_DEPTH_LIMIT	1500	/* ... match-limit-recursion */
#define DETECT_RECURSION_LIMIT	3000	/* backtracking steps, as Suricata */
#define DETECT_STREAM_CHUNK	(64u << 10)	/* stream bytes per scan */
/* Words of a flow's remembered transaction headers (two bits a rule
 * and direction): 256 rules of one protocol and none. */
#define DETECT_TXCACHE_WORDS	4
#define DETECT_STREAM_TAIL_MAX	2048	/* bytes kept per direction */
#define DETECT_TRANSFORM_MAX	(64u << 10)	/* transformed buffer */
#define DETECT_B64_MAX		(64u << 10)	/* base64_decode output */

/* What a list of matches inspects (low byte of a list key). */
enum {
	DL_PAYLOAD = APP_BUF_MAX,	/* packet payload, or TCP stream */
	DL_IPV4_HDR,
	DL_IPV6_HDR,
	DL_TCP_HDR,
	DL_UDP_HDR,
	DL_ICMPV4_HDR,
	DL_ICMPV6_HDR,
	DL_MAX
};
_Static_assert(DL_MAX < 256, "list ids fit a byte");

/* Transforms (4 bits each above the list id in a key, in rule order). */
enum {
	DT_NONE,
	DT_DOTPREFIX,
	DT_TO_LOWERCASE,
	DT_TO_UPPERCASE,
	DT_STRIP_WHITESPACE,
	DT_COMPRESS_WHITESPACE,
	DT_URL_DECODE,
	DT_MAX
};
#define DL_KEY_BUF(k)		((k) & 0xff)
#define DL_KEY_XFORM(k, i)	(((k) >> (8 + 4 * (i))) & 0xf)

/* One payload match. */
enum dm_type {
	DM_CONTENT,
	DM_PCRE,
	DM_ISDATAAT,
	DM_BYTE_TEST,
	DM_BYTE_JUMP,
	DM_BYTE_EXTRACT,
	DM_BSIZE,		/* bsize, and urilen on http.uri */
	DM_B64_DECODE,
	DM_B64_DATA,		/* the rest of the list looks at the decoded bytes */
	DM_VALUE,		/* mqtt.type:CONNECT, smb.version:1, ... */
	DM_DATASET,		/* dataset:isset,NAME (op: enum ds_cmd) */
};

/* Datasets (detect-dataset.c). */
enum ds_type { DS_STRING, DS_MD5, DS_SHA256, DS_IPV4, DS_IP, DS_TYPE_MAX };
enum ds_cmd { DS_SET, DS_UNSET, DS_ISSET, DS_ISNOTSET };

/*
 * Keywords with a value on a buffer that parsers write as text
 * (app/buffers.def): an integer compared as dsize is (smb.version:1,
 * mqtt.qos:>0), a name that stands for its index in names
 * (mqtt.type:CONNECT or mqtt.type:1), or flags, the buffer listing the
 * names of those set separated by commas (mqtt.connect.flags:
 * !username,!password).  A DM_VALUE's vk indexes detect_vkws; its u is
 * the comparison, or for flags u.a the names that must be set and u.b
 * those that must not.
 */
enum vk_kind { VK_UINT, VK_ENUM, VK_FLAGS };
struct detect_vkw {
	const char	*name;		/* keyword, the buffer's name */
	uint8_t		 dl;		/* APP_BUF_* */
	uint8_t		 kind;		/* enum vk_kind */
	const char *const *names;	/* ENUM: by value; FLAGS: bit i */
	uint8_t		 nnames;
	uint64_t	 max;		/* UINT, ENUM */
};
extern const struct detect_vkw	detect_vkws[];
extern const size_t		detect_nvkws;

#define DMF_NEGATED	0x0001
#define DMF_NOCASE	0x0002
#define DMF_OFFSET	0x0004
#define DMF_DEPTH	0x0008
#define DMF_DISTANCE	0x0010
#define DMF_WITHIN	0x0020
#define DMF_RELATIVE	0x0040	/* isdataat, pcre /R, byte_* relative */
#define DMF_STARTSWITH	0x0080
#define DMF_ENDSWITH	0x0100
#define DMF_FAST	0x0200	/* fast_pattern */
#define DMF_FAST_CHOP	0x0400	/* fast_pattern:off,len */
#define DMF_RAWBYTES	0x0800
#define DMF_B64		0x1000	/* after base64_data: never a fast pattern */

/* Which of offset/depth/distance/within name a byte_extract variable. */
#define DMV_OFFSET	0x01
#define DMV_DEPTH	0x02
#define DMV_DISTANCE	0x04
#define DMV_WITHIN	0x08
#define DMV_VALUE	0x10	/* byte_test value */
#define DMV_BOFFSET	0x20	/* byte_test/byte_jump/isdataat offset */

/* Integer comparisons: dsize, bsize, urilen, ttl, itype, ... */
enum uop_kind { UOP_EQ, UOP_NE, UOP_LT, UOP_LE, UOP_GT, UOP_GE, UOP_RANGE };
struct uop {
	uint8_t		 op;
	uint64_t	 a, b;		/* RANGE: a < x < b (exclusive) */
};

/* byte_* flags */
#define DBF_LITTLE	0x0001
#define DBF_STRING	0x0002
#define DBF_HEX		0x0004
#define DBF_OCT		0x0008
#define DBF_ALIGN	0x0010
#define DBF_BEGIN	0x0020	/* from_beginning */
#define DBF_END		0x0040	/* from_end */
#define DBF_DCE		0x0080
#define DBF_NOT		0x0100	/* byte_test: ! before the operator */

enum bt_op { BT_LT, BT_GT, BT_EQ, BT_LE, BT_GE, BT_AND, BT_XOR };

struct dm {
	uint8_t		 type;
	uint8_t		 vars;		/* DMV_*: fields holding a var index */
	uint16_t	 flags;
	int32_t		 offset, depth, distance, within;
	/* content */
	uint8_t		*pat;
	uint32_t	 plen;
	uint16_t	 fp_off, fp_len;	/* fast_pattern chop */
	/* pcre */
	pcre2_code	*re;
	/* isdataat, byte ops, bsize */
	uint8_t		 nbytes;
	uint8_t		 op;		/* enum bt_op */
	uint16_t	 bflags;	/* DBF_* */
	uint8_t		 var;		/* byte_extract: where it stores */
	int32_t		 boffset;	/* isdataat N, byte_* offset */
	int32_t		 post_offset;
	uint32_t	 multiplier;
	uint64_t	 value;		/* byte_test value */
	uint64_t	 bitmask;	/* 0: none */
	struct uop	 u;		/* bsize */
	uint32_t	 b64_bytes;	/* base64_decode bytes (0: all) */
	int32_t		 b64_offset;
	uint8_t		 vk;		/* DM_VALUE: detect_vkws index */
	uint16_t	 ds;		/* DM_DATASET: the engine's ds index */
};

struct dlist {
	uint32_t	 key;		/* DL_* | transforms << 8 */
	struct dm	*m;
	uint16_t	 n;
};

/* Address and port expressions, after $VAR substitution. */
struct anode {
	uint8_t		 neg;
	uint8_t		 kind;		/* AN_ANY, AN_RANGE, AN_LIST */
	uint8_t		 fam;		/* 4 or 6 (AN_RANGE) */
	uint8_t		 lo[16], hi[16];	/* ports: lo[0..1], hi[0..1] */
	struct anode	*kids;
	size_t		 nkids;
	struct aset	*set;		/* compiled: a top node's only
					   (NULL: any, or not the top) */
};
enum { AN_ANY, AN_RANGE, AN_LIST };

/*
 * What a top anode matches, compiled when it is parsed: sorted,
 * disjoint, inclusive ranges, IPv4 (or ports) as lo, hi pairs in r4,
 * IPv6 as lo, hi of two big-endian words each in r6.  A lookup is a
 * binary search instead of a walk of the tree (every flow's header
 * cache asks it of each rule).
 */
struct aset {
	size_t		 n4, n6;
	uint32_t	*r4;
	uint64_t	*r6;
};

/* Conditions on the packet or flow headers. */
enum hc_type {
	HC_TTL, HC_ITYPE, HC_ICODE, HC_ICMP_ID, HC_ICMP_SEQ, HC_IP_PROTO,
	HC_IP_ID, HC_WINDOW, HC_ACK, HC_SEQ, HC_TCP_MSS, HC_DSIZE,
	HC_FLAGS, HC_STREAM_SIZE, HC_MAX
};
struct hcond {
	uint8_t		 type;
	uint8_t		 mod;		/* flags: '+', '*', '!' or 0;
					 * stream_size: 0 server 1 client
					 * 2 both 3 either */
	uint8_t		 mask;		/* flags: bits to ignore */
	struct uop	 u;		/* flags: a = the bits */
};

/* flow: */
#define DFL_ESTABLISHED		0x0001
#define DFL_NOT_ESTABLISHED	0x0002
#define DFL_STATELESS		0x0004
#define DFL_TOSERVER		0x0008
#define DFL_TOCLIENT		0x0010
#define DFL_ONLY_STREAM		0x0020
#define DFL_NO_STREAM		0x0040
#define DFL_ONLY_FRAG		0x0080
#define DFL_NO_FRAG		0x0100

enum fb_cmd { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET };
struct fbop {
	uint8_t		 cmd;
	bool		 any;		/* '|': one of them is enough */
	uint16_t	 n;
	uint32_t	*ids;
};

enum th_type { TH_NONE, TH_LIMIT, TH_THRESHOLD, TH_BOTH, TH_DETECTION };
enum th_track { TR_SRC, TR_DST, TR_RULE, TR_BOTH, TR_EITHER, TR_FLOW };
struct thresh {
	uint8_t		 type;		/* enum th_type */
	uint8_t		 track;
	uint32_t	 count;
	uint32_t	 seconds;
};

/* How a rule is run (set at load). */
enum rule_kind {
	RK_PACKET,		/* per packet: header/payload/header buffers */
	RK_STREAM,		/* per TCP direction, reassembled */
	RK_TX,			/* per transaction: sticky buffers */
};

struct drule {
	struct detect_rule_info info;
	char		*msg_buf, *classtype_buf;
	char		**meta_k, **meta_v;
	uint8_t		 ipproto;	/* 0: any IP */
	bool		 pkt_only;	/* tcp-pkt, pkthdr */
	bool		 stream_only;	/* tcp-stream */
	bool		 bidir;		/* <> */
	bool		 target_dst;	/* target:dest_ip */
	bool		 target_set;
	uint16_t	 app;		/* enum app_proto; APP_UNKNOWN: none */
	uint8_t		 kind;		/* enum rule_kind */
	uint8_t		 dirs;		/* bit 0 toserver, bit 1 toclient */
	struct anode	*src, *dst, *sp, *dp;
	uint16_t	 flow;		/* DFL_* */
	struct dlist	*lists;
	uint16_t	 nlists;
	int16_t		 fp_list, fp_m;	/* fast pattern, -1 none */
	struct hcond	*hc;
	uint16_t	 nhc;
	struct fbop	*fb;
	uint16_t	 nfb;
	bool		 fb_sets, fb_checks;
	uint16_t	*events;	/* enum ww_counter: *-event keywords */
	uint16_t	 nevents;
	uint8_t		 event_kind;	/* 1 decode, 2 stream, 3 app */
	struct thresh	 th, df;	/* threshold, detection_filter */
	uint8_t		 nbytevars;
	uint32_t	 span;		/* stream bytes its payload list needs */
	uint64_t	 hash;		/* of its text, for the cache key */
	uint32_t	 order;		/* in the files, to break ties */
	uint32_t	 tx_slot;	/* RK_TX: its index among its app's */
};

struct reason {
	char		*text;
	size_t		 count;
};

struct suppress {
	uint32_t	 gid, sid;	/* sid 0: every rule */
	uint8_t		 track;		/* TR_SRC, TR_DST, TR_EITHER; TR_RULE: all */
	struct anode	*ip;
};

/*
 * One Hyperscan database: the fast patterns of a group's rules for one
 * list key.  A database of a few patterns (DETECT_LIT_MAX) keeps them
 * too: a transaction's short buffer (DETECT_LIT_SCAN bytes) is
 * searched for them directly, the same rules found without Hyperscan's
 * cost per scan (an HL7 message's one-byte processing ID, its message
 * type).  Packets and streams, longer, keep Hyperscan.
 */
#define DETECT_LIT_MAX		4
#define DETECT_LIT_SCAN		64
struct pdb {
	uint32_t	 key;
	hs_database_t	*db;
	uint32_t	 npat;
	uint32_t	*pat_rules;	/* per pattern: first in rule_ix */
	uint32_t	*pat_nrules;
	uint32_t	*rule_ix;	/* rule indexes, ascending per pattern */
	uint32_t	 maxlen;	/* of its patterns */
	/*
	 * Where a match of its rules can hold a fast pattern, when every
	 * rule's fast pattern has a fixed offset and depth: ending by
	 * this position (a stream's offset, or, as Suricata looks at a
	 * packet's payload, into the bytes a delivery added).  0: anywhere.
	 */
	uint64_t	 bound;
	bool		 lit;		/* npat <= DETECT_LIT_MAX */
	bool		 lit_nocase[DETECT_LIT_MAX];
	uint32_t	 lit_len[DETECT_LIT_MAX];
	const uint8_t	*lit_pat[DETECT_LIT_MAX];	/* rules' bytes */
};

/* Rules run together: one protocol (transport or app), direction and
 * range of server ports. */
struct dgroup {
	struct pdb	*dbs;
	size_t		 ndbs;
	uint32_t	*plain;		/* rules without fast pattern */
	size_t		 nplain;
	uint32_t	 nrules;
	uint32_t	 span;		/* stream bytes its rules need */
};

/*
 * A protocol and direction's rules, split as Suricata splits them by
 * port: toserver by the rules' destination ports, toclient by their
 * source ports (both for <>), so that a packet, stream or transaction
 * only runs the rules whose ports can match its server port.  Port p
 * uses sg[seg_ix[i]] for the last i with seg_lo[i] <= p; seg_lo[0] is
 * 0.  Ranges with few rules of their own share one group, so that the
 * number of databases stays bounded (DETECT_MAX_PORT_GROUPS).
 */
#define DETECT_MAX_PORT_GROUPS	8
#define DETECT_SEL_DIRECT	2	/* segments searched without by_hi */
struct dsel {
	uint16_t	*seg_lo;
	uint16_t	*seg_ix;
	uint32_t	 nseg;
	/* many segments: [b] the last one holding port b << 8, [256]
	 * the last one; detect_sel() searches between two of them */
	uint32_t	*by_hi;
	struct dgroup	*sg;
	uint32_t	 nsg;
};

/* Groups: packet rules by transport, stream rules by app proto, tx
 * rules by app proto; [dir]. */
enum { GT_IP, GT_TCP, GT_UDP, GT_ICMP, GT_MAX };

struct detect_engine {
	struct drule	*rules;
	size_t		 nrules, caprules;
	uint32_t	*sid_tab;	/* rule index + 1 by (gid, sid) */
	size_t		 sid_cap;
	struct reason	*reasons;
	size_t		 nreasons;
	size_t		 skipped;
	/* variables (name=value) */
	char		**vnames, **vvalues;
	size_t		 nvars;
	char		**pvnames, **pvvalues;
	size_t		 npvars;
	/* classification: name, description, priority */
	char		**cl_name, **cl_desc;
	uint8_t		*cl_prio;
	size_t		 ncl;
	char		**ref_name;
	size_t		 nref;
	char		**fb_names;	/* flowbit ids */
	size_t		 nfb;
	struct suppress	*supp;
	size_t		 nsupp;
	struct dsel	 pkt[GT_MAX][2];
	struct dsel	 stream[APP_MAX][2];
	struct dsel	 tx[APP_MAX][2];
	uint32_t	 ntx[APP_MAX];	/* RK_TX rules per app */
	uint32_t	 maxpat;	/* largest npat of any database */
	uint32_t	 stream_tail;
	bool		 wants[APP_MAX];
	bool		 has_stream;
	double		 compile_s;
	bool		 from_cache;
	uint64_t	 set_hash;
	/* Unique per engine loaded in this process (never 0): what a
	 * flow's cached header results were computed under. */
	uint64_t	 gen;
	/* threshold.config overrides, by rule index (TH_NONE: none) */
	size_t		 ndb_total;
	hs_database_t	**all_dbs;	/* in build order, for the cache */
	struct counters	*stats;
	/* datasets, and where a rule's relative "load FILE" is */
	struct dataset	**ds;
	size_t		 nds;
	char		*rule_path;
};

/* Parse context for one rule. */
struct rule_src {
	const char	*file;
	unsigned	 line;
};

/* detect-parse.c */
/* Parse one rule's text into r.  0 on success; else -1 with the reason
 * (for the summary) in reason and a message (with location) on err. */
int		 detect_parse_rule(struct detect_engine *, const char *text,
		    const struct rule_src *, struct drule *, FILE *err,
		    char *reason, size_t reasonlen);
void		 detect_rule_free(struct drule *);
struct anode	*detect_parse_addr(struct detect_engine *, const char *,
		    char *why, size_t);
struct anode	*detect_parse_ports(struct detect_engine *, const char *,
		    char *why, size_t);
void		 detect_anode_free(struct anode *);
bool		 detect_addr_match(const struct anode *, int ipver,
		    const uint8_t *a);
bool		 detect_port_match(const struct anode *, uint16_t);
/* For the tests: the same answers from the tree, without the set. */
bool		 detect_addr_match_tree(const struct anode *, int ipver,
		    const uint8_t *);
bool		 detect_port_match_tree(const struct anode *, uint16_t);
bool		 detect_uop(const struct uop *, uint64_t);
int		 detect_parse_uop(const char *, uint64_t max, struct uop *);
int		 detect_dl_lookup(const char *name);	/* sticky buffer */
const char	*detect_dl_name(unsigned);
int		 detect_app_lookup(const char *);	/* -1: unknown */
uint32_t	 detect_flowbit_id(struct detect_engine *, const char *);

/* detect-load.c: an engine from rule text in memory, for the tests and
 * fuzzers (name is used in messages). */
struct detect_engine *detect_load_text(const struct detect_config *,
		    const char *name, const char *text, FILE *err,
		    struct counters *stats);

/* detect-dataset.c */
int		 detect_dataset_type(const char *);	/* -1: unknown */
int		 detect_dataset_find(const struct detect_engine *,
		    const char *);
/* The set NAME, made if new (type -1: it must exist); load FILE adds
 * its entries.  Its index, or -1 with the reason in why. */
int		 detect_dataset_get(struct detect_engine *, const char *name,
		    int type, const char *load, uint64_t memcap,
		    uint32_t hashsize, char *why, size_t whylen);
int		 detect_dataset_add(struct detect_engine *, int,
		    const uint8_t *, size_t);
size_t		 detect_dataset_size(const struct detect_engine *, int);
bool		 detect_dataset_match(const struct detect_engine *,
		    unsigned ds, unsigned cmd, const uint8_t *, size_t);
void		 detect_datasets_free(struct detect_engine *);
/* detect-load.c: the group of sel for server port p (NULL: no rules). */
const struct dgroup *detect_sel(const struct dsel *, uint16_t p);

/* detect-match.c */
struct detect_flow;
/* For the tests: off, every database is scanned by Hyperscan; the
 * last round's candidates (rule indexes, ascending once run). */
void		 detect_thread_lit_scan(struct detect_thread *, bool);
/* For the tests: off, a stream's databases are scanned over the whole
 * window, as if no fast pattern had a bound (pdb.bound). */
void		 detect_thread_stream_bounds(struct detect_thread *, bool);
const uint32_t	*detect_thread_candidates(const struct detect_thread *,
		    size_t *);
int		 detect_b64_decode(const uint8_t *, size_t, uint8_t *,
		    size_t);

#endif /* WW_DETECT_INT_H */
