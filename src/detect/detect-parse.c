/*
 * detect/detect-parse.c - one Suricata 7 rule's text into a struct
 * drule: header (action, protocol, addresses, ports, direction) and
 * options, keyword by keyword (wardwatch-rules(7) lists them).
 *
 * Errors name the column of the option they are about; a keyword the
 * engine does not implement is "unsupported keyword 'x'", so the load
 * report tells a feed's maintainer exactly what was left out.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/packet.h"
#include "detect/detect-int.h"
#include "device/fpdb.h"
#include "util/util.h"
#include "util/word.h"

/* Names of the buffers of app/buffers.def, then the header buffers. */
static const struct {
	const char	*name;
	const char	*legacy;
	uint16_t	 proto;
	uint8_t		 dir;		/* 1 toserver, 2 toclient, 3 both */
} dl_table[DL_MAX] = {
#define TS 1
#define TC 2
#define BOTH 3
#define APP_BUF(id, nm, pr, d, lg)					\
	[APP_BUF_##id] = { nm, lg, APP_##pr, d },
#include "app/buffers.def"
#undef APP_BUF
#undef TS
#undef TC
#undef BOTH
	[DL_PAYLOAD] = { "pkt_data", NULL, 0, 3 },
	[DL_IPV4_HDR] = { "ipv4.hdr", NULL, 0, 3 },
	[DL_IPV6_HDR] = { "ipv6.hdr", NULL, 0, 3 },
	[DL_TCP_HDR] = { "tcp.hdr", NULL, 0, 3 },
	[DL_UDP_HDR] = { "udp.hdr", NULL, 0, 3 },
	[DL_ICMPV4_HDR] = { "icmpv4.hdr", NULL, 0, 3 },
	[DL_ICMPV6_HDR] = { "icmpv6.hdr", NULL, 0, 3 },
};

static const char *const app_names[APP_MAX] = {
	[APP_UNKNOWN] = NULL,
#define APP_PROTO(id, nm, def, parser, probe)	[APP_##id] = nm,
#define APP_PARSER(id, parser, probe)
#include "app/protocols.def"
#undef APP_PROTO
#undef APP_PARSER
};

const char *
detect_dl_name(unsigned dl)
{
	return dl < DL_MAX ? dl_table[dl].name : "?";
}

/*
 * Buffer names, their Suricata 7 aliases and legacy modifier names,
 * found by hash: rule sets of ten thousand rules ask for every option.
 */
struct dl_name {
	const char	*name;
	int16_t		 dl;		/* as a sticky buffer, or -1 */
	int16_t		 legacy;	/* as a legacy name, or -1 */
};

#define DL_NAME_SLOTS	1024	/* a power of 2, over 2 * 2 * DL_MAX */
static struct dl_name dl_names[DL_NAME_SLOTS];
static pthread_once_t dl_names_once = PTHREAD_ONCE_INIT;

static uint32_t
dl_name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct dl_name *
dl_name_slot(const char *name)
{
	uint32_t i = dl_name_hash(name) & (DL_NAME_SLOTS - 1);

	while (dl_names[i].name != NULL && strcmp(dl_names[i].name, name) != 0)
		i = (i + 1) & (DL_NAME_SLOTS - 1);
	return &dl_names[i];
}

static void
dl_name_add(const char *name, int dl, int legacy)
{
	struct dl_name *n = dl_name_slot(name);

	if (n->name == NULL) {
		n->name = name;
		n->dl = n->legacy = -1;
	}
	/* the first of a name wins, as the table's order did */
	if (dl >= 0 && n->dl < 0)
		n->dl = (int16_t)dl;
	if (legacy >= 0 && n->legacy < 0)
		n->legacy = (int16_t)legacy;
}

static void
dl_names_init(void)
{
	int i;

	_Static_assert(4 * DL_MAX < DL_NAME_SLOTS, "DL_NAME_SLOTS");
	for (i = 0; i < DL_MAX; i++)
		if (dl_table[i].name != NULL)
			dl_name_add(dl_table[i].name, i, -1);
	/* Suricata 7 aliases */
	dl_name_add("file_data", APP_BUF_FILE_DATA, -1);
	dl_name_add("http.request_header", APP_BUF_HTTP_HEADER, -1);
	for (i = 0; i < APP_BUF_MAX; i++)
		if (dl_table[i].legacy != NULL)
			dl_name_add(dl_table[i].legacy, -1, i);
}

static const struct dl_name *
dl_name_find(const char *name)
{
	const struct dl_name *n;

	(void)pthread_once(&dl_names_once, dl_names_init);
	n = dl_name_slot(name);
	return n->name != NULL ? n : NULL;
}

int
detect_dl_lookup(const char *name)
{
	const struct dl_name *n = dl_name_find(name);

	return n != NULL ? n->dl : -1;
}

/* The buffer's app protocol and directions (bit 0 toserver). */
static unsigned
dl_proto(unsigned dl)
{
	return dl < DL_MAX ? dl_table[dl].proto : 0;
}

static unsigned
dl_dirs(unsigned dl)
{
	return dl < DL_MAX ? dl_table[dl].dir : 3;
}

int
detect_app_lookup(const char *name)
{
	int i;

	for (i = 1; i < APP_MAX; i++)
		if (app_names[i] != NULL && strcmp(app_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- keywords with a value on a text buffer ---- */

static const char *const vk_mqtt_types[] = {
	"UNASSIGNED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
	"PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK",
	"PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};
static const char *const vk_mqtt_flags[] = { "dup", "retain" };
static const char *const vk_mqtt_cflags[] = {
	"username", "password", "will", "will_retain", "clean_session",
};

#define VK_N(a)	(uint8_t)(sizeof(a) / sizeof(a[0]))

const struct detect_vkw detect_vkws[] = {
	{ "mqtt.type", APP_BUF_MQTT_TYPE, VK_ENUM, vk_mqtt_types,
	    VK_N(vk_mqtt_types), 15 },
	{ "mqtt.flags", APP_BUF_MQTT_FLAGS, VK_FLAGS, vk_mqtt_flags,
	    VK_N(vk_mqtt_flags), 0 },
	{ "mqtt.qos", APP_BUF_MQTT_QOS, VK_UINT, NULL, 0, 3 },
	{ "mqtt.protocol_version", APP_BUF_MQTT_PROTOCOL_VERSION, VK_UINT,
	    NULL, 0, 255 },
	{ "mqtt.connect.flags", APP_BUF_MQTT_CONNECT_FLAGS, VK_FLAGS,
	    vk_mqtt_cflags, VK_N(vk_mqtt_cflags), 0 },
	{ "smb.version", APP_BUF_SMB_VERSION, VK_UINT, NULL, 0, 3 },
};
const size_t detect_nvkws = sizeof(detect_vkws) / sizeof(detect_vkws[0]);

/* ---- the parse context ---- */

struct opt {
	char		*name;
	char		*val;		/* NULL: no ':' */
	unsigned	 col;
};

struct pctx {
	struct detect_engine *e;
	struct drule	*r;
	const struct rule_src *src;
	FILE		*err;
	char		*reason;
	size_t		 reasonlen;
	unsigned	 col;
	uint32_t	 sid;
	bool		 have_sid;
	int		 sticky;	/* current list key or -1 (payload) */
	int		 lm_list, lm_idx;	/* last content / pcre */
	bool		 b64data;
	char		*bvars[DETECT_MAX_BYTEVARS];
	uint8_t		 nbvars;
	uint8_t		 pending_xf[DETECT_MAX_TRANSFORMS];
	uint8_t		 npending_xf;
	bool		 sticky_set;
};

static int pfail(struct pctx *, unsigned, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/*
 * Fail the rule: reason is what the summary counts, the message adds
 * detail.  col 0 means the problem is the rule's, not an option's.
 */
static int
pfail(struct pctx *pc, unsigned col, const char *reason, const char *fmt,
    ...)
{
	char detail[512];
	va_list ap;

	detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	(void)snprintf(pc->reason, pc->reasonlen, "%s", reason);
	if (pc->err == NULL)
		return -1;
	if (col > 0)
		(void)fprintf(pc->err, "%s:%u:%u: ", pc->src->file,
		    pc->src->line, col);
	else
		(void)fprintf(pc->err, "%s:%u: ", pc->src->file,
		    pc->src->line);
	if (pc->have_sid)
		(void)fprintf(pc->err, "sid %u: ", pc->sid);
	(void)fprintf(pc->err, "%s%s\n", reason, detail);
	return -1;
}

static int
unsupported(struct pctx *pc, const char *kw)
{
	char reason[128];

	(void)snprintf(reason, sizeof(reason), "unsupported keyword '%s'", kw);
	(void)snprintf(pc->reason, pc->reasonlen, "%s", reason);
	if (pc->err != NULL) {
		(void)fprintf(pc->err, "%s:%u: ", pc->src->file, pc->src->line);
		if (pc->have_sid)
			(void)fprintf(pc->err, "sid %u: ", pc->sid);
		(void)fprintf(pc->err, "%s\n", reason);
	}
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Strip one pair of quotes; unescape \" \; \\ (msg, metadata, ...). */
static char *
unquote(char *s)
{
	char *r, *w;
	size_t n;

	s = trim(s);
	n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = '\0';
		s++;
	}
	for (r = w = s; *r != '\0'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == ';' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

static int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		v = strtoll(s, &end, 16);
	else
		v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

bool
detect_uop(const struct uop *u, uint64_t x)
{
	switch (u->op) {
	case UOP_EQ: return x == u->a;
	case UOP_NE: return x != u->a;
	case UOP_LT: return x < u->a;
	case UOP_LE: return x <= u->a;
	case UOP_GT: return x > u->a;
	case UOP_GE: return x >= u->a;
	case UOP_RANGE: return x > u->a && x < u->b;
	}
	return false;
}

/* "N", "=N", "!N", "<N", "<=N", ">N", ">=N", "N<>M", "N-M". */
int
detect_parse_uop(const char *in, uint64_t max, struct uop *u)
{
	char buf[64], *s, *p;
	int64_t a, b;

	if (strlen(in) >= sizeof(buf))
		return -1;
	(void)strlcpy(buf, in, sizeof(buf));
	s = trim(buf);
	memset(u, 0, sizeof(*u));
	if ((p = strstr(s, "<>")) != NULL || ((p = strchr(s + 1, '-')) !=
	    NULL && isdigit((unsigned char)s[0]))) {
		int skip = p[0] == '<' ? 2 : 1;

		*p = '\0';
		if (parse_int(s, 0, (int64_t)max, &a) != 0 ||
		    parse_int(p + skip, 0, (int64_t)max, &b) != 0 || a >= b)
			return -1;
		u->op = UOP_RANGE;
		u->a = (uint64_t)a;
		u->b = (uint64_t)b;
		return 0;
	}
	if (s[0] == '!' && s[1] == '=') {
		u->op = UOP_NE;
		s += 2;
	} else if (s[0] == '=' && s[1] == '=') {
		u->op = UOP_EQ;
		s += 2;
	} else if (s[0] == '<' && s[1] == '=') {
		u->op = UOP_LE;
		s += 2;
	} else if (s[0] == '>' && s[1] == '=') {
		u->op = UOP_GE;
		s += 2;
	} else if (s[0] == '<') {
		u->op = UOP_LT;
		s++;
	} else if (s[0] == '>') {
		u->op = UOP_GT;
		s++;
	} else if (s[0] == '!') {
		u->op = UOP_NE;
		s++;
	} else if (s[0] == '=') {
		u->op = UOP_EQ;
		s++;
	} else
		u->op = UOP_EQ;
	if (parse_int(s, 0, (int64_t)max, &a) != 0)
		return -1;
	u->a = (uint64_t)a;
	return 0;
}

/* ---- addresses and ports ---- */

static void
anode_free_kids(struct anode *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		anode_free_kids(&n->kids[i]);
	free(n->kids);
	n->kids = NULL;
	n->nkids = 0;
}

void
detect_anode_free(struct anode *n)
{
	if (n == NULL)
		return;
	anode_free_kids(n);
	free(n->set);
	free(n);
}

struct aparse {
	struct detect_engine *e;
	bool		 ports;
	const char	*s;
	size_t		 pos;
	int		 depth;
	char		*why;
	size_t		 whylen;
};

static int aparse_expr(struct aparse *, struct anode *);

static const char *
var_value(struct detect_engine *e, bool ports, const char *name)
{
	char **n = ports ? e->pvnames : e->vnames;
	char **v = ports ? e->pvvalues : e->vvalues;
	size_t cnt = ports ? e->npvars : e->nvars, i;

	for (i = 0; i < cnt; i++)
		if (strcmp(n[i], name) == 0)
			return v[i];
	return NULL;
}

static int afail(struct aparse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
afail(struct aparse *ap, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	(void)vsnprintf(ap->why, ap->whylen, fmt, va);
	va_end(va);
	return -1;
}

static int
parse_one_addr(struct aparse *ap, const char *tok, struct anode *n)
{
	char buf[128], *slash, *dash;
	uint8_t a[16];
	int bits, fam, i;

	if (strlen(tok) >= sizeof(buf))
		return afail(ap, "invalid address '%s'", tok);
	(void)strlcpy(buf, tok, sizeof(buf));
	n->kind = AN_RANGE;
	if ((dash = strchr(buf, '-')) != NULL) {
		uint8_t b[16];

		*dash = '\0';
		if (inet_pton(AF_INET, buf, a) == 1 &&
		    inet_pton(AF_INET, dash + 1, b) == 1)
			fam = 4;
		else if (inet_pton(AF_INET6, buf, a) == 1 &&
		    inet_pton(AF_INET6, dash + 1, b) == 1)
			fam = 6;
		else
			return afail(ap, "invalid address '%s'", tok);
		n->fam = (uint8_t)fam;
		memcpy(n->lo, a, 16);
		memcpy(n->hi, b, 16);
		if (memcmp(a, b, fam == 4 ? 4 : 16) > 0)
			return afail(ap, "invalid address range '%s'", tok);
		return 0;
	}
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, buf, a) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		fam = 6;
	else
		return afail(ap, "invalid address '%s'", tok);
	bits = fam == 4 ? 32 : 128;
	if (slash != NULL) {
		int64_t v;
		uint8_t m[4];

		if (fam == 4 && strchr(slash, '.') != NULL &&
		    inet_pton(AF_INET, slash, m) == 1) {
			uint32_t mm = (uint32_t)m[0] << 24 | (uint32_t)m[1] <<
			    16 | (uint32_t)m[2] << 8 | m[3];

			for (bits = 0; bits < 32 && (mm & (1u << (31 - bits)));
			    bits++)
				;
		} else if (parse_int(slash, 0, bits, &v) == 0)
			bits = (int)v;
		else
			return afail(ap, "invalid netmask in '%s'", tok);
	}
	n->fam = (uint8_t)fam;
	for (i = 0; i < (fam == 4 ? 4 : 16); i++) {
		int b = bits - 8 * i;
		uint8_t mask = b >= 8 ? 0xff : b <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - b));

		n->lo[i] = a[i] & mask;
		n->hi[i] = (uint8_t)(a[i] | (uint8_t)~mask);
	}
	return 0;
}

static int
parse_one_port(struct aparse *ap, const char *tok, struct anode *n)
{
	char buf[32], *colon;
	int64_t lo = 0, hi = 65535;

	if (strlen(tok) >= sizeof(buf))
		return afail(ap, "invalid port '%s'", tok);
	(void)strlcpy(buf, tok, sizeof(buf));
	n->kind = AN_RANGE;
	if ((colon = strchr(buf, ':')) != NULL) {
		*colon = '\0';
		if ((buf[0] != '\0' && parse_int(buf, 0, 65535, &lo) != 0) ||
		    (colon[1] != '\0' && parse_int(colon + 1, 0, 65535,
		    &hi) != 0) || lo > hi)
			return afail(ap, "invalid port range '%s'", tok);
	} else {
		if (parse_int(buf, 0, 65535, &lo) != 0)
			return afail(ap, "invalid port '%s'", tok);
		hi = lo;
	}
	n->lo[0] = (uint8_t)(lo >> 8);
	n->lo[1] = (uint8_t)lo;
	n->hi[0] = (uint8_t)(hi >> 8);
	n->hi[1] = (uint8_t)hi;
	return 0;
}

static void
askip(struct aparse *ap)
{
	while (isspace((unsigned char)ap->s[ap->pos]))
		ap->pos++;
}

static int
aparse_parse_string(struct aparse *ap, const char *s, struct anode *n)
{
	struct aparse sub = *ap;

	if (ap->depth >= DETECT_MAX_VARS_DEPTH)
		return afail(ap, "variables nested too deep at '%s'", s);
	sub.s = s;
	sub.pos = 0;
	sub.depth = ap->depth + 1;
	if (aparse_expr(&sub, n) != 0)
		return -1;
	askip(&sub);
	if (sub.s[sub.pos] != '\0')
		return afail(ap, "trailing characters in '%s'", s);
	return 0;
}

static int
aparse_expr(struct aparse *ap, struct anode *n)
{
	char tok[256];
	size_t len = 0;
	bool neg = false;

	memset(n, 0, sizeof(*n));
	askip(ap);
	while (ap->s[ap->pos] == '!') {
		neg = !neg;
		ap->pos++;
		askip(ap);
	}
	if (ap->s[ap->pos] == '[') {
		ap->pos++;
		n->kind = AN_LIST;
		for (;;) {
			struct anode k;

			if (aparse_expr(ap, &k) != 0) {
				anode_free_kids(n);
				return -1;
			}
			n->kids = xreallocarray(n->kids, n->nkids + 1,
			    sizeof(*n->kids));
			n->kids[n->nkids++] = k;
			askip(ap);
			if (ap->s[ap->pos] == ',') {
				ap->pos++;
				continue;
			}
			if (ap->s[ap->pos] == ']') {
				ap->pos++;
				break;
			}
			anode_free_kids(n);
			return afail(ap, "unterminated list in '%s'", ap->s);
		}
		n->neg = neg;
		return 0;
	}
	while (ap->s[ap->pos] != '\0' && ap->s[ap->pos] != ',' &&
	    ap->s[ap->pos] != ']' && ap->s[ap->pos] != '[' &&
	    !isspace((unsigned char)ap->s[ap->pos])) {
		if (len + 1 >= sizeof(tok))
			return afail(ap, "address too long in '%s'", ap->s);
		tok[len++] = ap->s[ap->pos++];
	}
	tok[len] = '\0';
	if (len == 0)
		return afail(ap, "empty address or port in '%s'", ap->s);
	if (tok[0] == '$') {
		const char *v = var_value(ap->e, ap->ports, tok + 1);

		if (v == NULL)
			return afail(ap, "undefined variable '%s'", tok);
		if (aparse_parse_string(ap, v, n) != 0)
			return -1;
		n->neg ^= neg;
		return 0;
	}
	if (strcmp(tok, "any") == 0)
		n->kind = AN_ANY;
	else if (ap->ports ? parse_one_port(ap, tok, n) != 0 :
	    parse_one_addr(ap, tok, n) != 0)
		return -1;
	n->neg = neg;
	return 0;
}

/*
 * ---- compiled sets ----
 * Ranges of 128-bit keys: an IPv4 address or a port is the low word.
 */
struct ikey {
	uint64_t	 h, l;
};
struct ivl {
	struct ikey	 lo, hi;
};
struct ivls {
	struct ivl	*v;
	size_t		 n;
	size_t		 cap;
};

static int
ik_cmp(struct ikey a, struct ikey b)
{
	if (a.h != b.h)
		return a.h < b.h ? -1 : 1;
	if (a.l != b.l)
		return a.l < b.l ? -1 : 1;
	return 0;
}

/* a + 1 and a - 1 (callers keep within the domain) */
static struct ikey
ik_inc(struct ikey a)
{
	if (++a.l == 0)
		a.h++;
	return a;
}

static struct ikey
ik_dec(struct ikey a)
{
	if (a.l-- == 0)
		a.h--;
	return a;
}

static struct ikey
ik_max(int fam)
{
	struct ikey k = { 0, 0 };

	if (fam == 0)
		k.l = 65535;
	else if (fam == 4)
		k.l = UINT32_MAX;
	else
		k.h = k.l = UINT64_MAX;
	return k;
}

static struct ikey
ik_of(const uint8_t *b, int fam)
{
	struct ikey k = { 0, 0 };

	if (fam == 0)
		k.l = (uint64_t)(b[0] << 8 | b[1]);
	else if (fam == 4)
		k.l = word_be32(b);
	else {
		k.h = word_be64(b);
		k.l = word_be64(b + 8);
	}
	return k;
}

static void
ivls_add(struct ivls *s, struct ikey lo, struct ikey hi)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].lo = lo;
	s->v[s->n++].hi = hi;
}

static int
ivl_cmp(const void *a, const void *b)
{
	return ik_cmp(((const struct ivl *)a)->lo, ((const struct ivl *)b)->lo);
}

/* Sorted, with overlapping or touching ranges joined. */
static void
ivls_norm(struct ivls *s)
{
	size_t i, k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), ivl_cmp);
	for (i = 1; i < s->n; i++) {
		struct ivl *last = &s->v[k];

		if (ik_cmp(s->v[i].lo, last->hi) <= 0 ||
		    ik_cmp(s->v[i].lo, ik_inc(last->hi)) == 0) {
			if (ik_cmp(s->v[i].hi, last->hi) > 0)
				last->hi = s->v[i].hi;
		} else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

/* The domain less s (s normalised). */
static struct ivls
ivls_not(const struct ivls *s, int fam)
{
	struct ivls r = { NULL, 0, 0 };
	struct ikey at = { 0, 0 }, max = ik_max(fam);
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (ik_cmp(s->v[i].lo, at) > 0)
			ivls_add(&r, at, ik_dec(s->v[i].lo));
		if (ik_cmp(s->v[i].hi, max) >= 0)
			return r;
		at = ik_inc(s->v[i].hi);
	}
	ivls_add(&r, at, max);
	return r;
}

/* a and b (both normalised) */
static struct ivls
ivls_and(const struct ivls *a, const struct ivls *b)
{
	struct ivls r = { NULL, 0, 0 };
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		struct ikey lo = ik_cmp(a->v[i].lo, b->v[j].lo) > 0 ?
		    a->v[i].lo : b->v[j].lo;
		struct ikey hi = ik_cmp(a->v[i].hi, b->v[j].hi) < 0 ?
		    a->v[i].hi : b->v[j].hi;

		if (ik_cmp(lo, hi) <= 0)
			ivls_add(&r, lo, hi);
		if (ik_cmp(a->v[i].hi, b->v[j].hi) < 0)
			i++;
		else
			j++;
	}
	return r;
}

/* What the tree under n matches of family fam (0: ports), without
 * n's own negation: as addr_raw() and port_raw() answer. */
static struct ivls
ivls_of(const struct anode *n, int fam)
{
	struct ivls r = { NULL, 0, 0 }, pos = { NULL, 0, 0 };
	struct ivls neg = { NULL, 0, 0 };
	struct ivls k, nn;
	bool anypos = false;
	size_t i, j;

	switch (n->kind) {
	case AN_ANY:
		ivls_add(&r, (struct ikey){ 0, 0 }, ik_max(fam));
		return r;
	case AN_RANGE:
		if (fam == 0 || n->fam == fam)
			ivls_add(&r, ik_of(n->lo, fam), ik_of(n->hi, fam));
		return r;
	default:
		break;
	}
	for (i = 0; i < n->nkids; i++) {
		struct ivls *to = n->kids[i].neg ? &neg : &pos;

		if (!n->kids[i].neg)
			anypos = true;
		k = ivls_of(&n->kids[i], fam);
		for (j = 0; j < k.n; j++)
			ivls_add(to, k.v[j].lo, k.v[j].hi);
		free(k.v);
	}
	if (!anypos)
		ivls_add(&pos, (struct ikey){ 0, 0 }, ik_max(fam));
	ivls_norm(&pos);
	ivls_norm(&neg);
	nn = ivls_not(&neg, fam);
	r = ivls_and(&pos, &nn);
	free(pos.v);
	free(neg.v);
	free(nn.v);
	return r;
}

/* What n matches (its negation too), per family: of one family. */
static struct ivls
ivls_top(const struct anode *n, int fam)
{
	struct ivls s = ivls_of(n, fam), r;

	ivls_norm(&s);
	if (!n->neg)
		return s;
	r = ivls_not(&s, fam);
	free(s.v);
	return r;
}

static struct aset *
aset_compile(const struct anode *n, bool ports)
{
	struct ivls s4 = ivls_top(n, ports ? 0 : 4);
	struct ivls s6 = { NULL, 0, 0 };
	struct aset *a;
	size_t i;

	if (!ports)
		s6 = ivls_top(n, 6);
	/* one block: the header, then the IPv6 words, then the IPv4 ones */
	a = xcalloc(1, sizeof(*a) + s6.n * 4 * sizeof(uint64_t) +
	    s4.n * 2 * sizeof(uint32_t));
	a->n4 = s4.n;
	a->n6 = s6.n;
	a->r6 = (uint64_t *)(void *)(a + 1);
	a->r4 = (uint32_t *)(void *)(a->r6 + s6.n * 4);
	for (i = 0; i < s4.n; i++) {
		a->r4[2 * i] = (uint32_t)s4.v[i].lo.l;
		a->r4[2 * i + 1] = (uint32_t)s4.v[i].hi.l;
	}
	for (i = 0; i < s6.n; i++) {
		a->r6[4 * i] = s6.v[i].lo.h;
		a->r6[4 * i + 1] = s6.v[i].lo.l;
		a->r6[4 * i + 2] = s6.v[i].hi.h;
		a->r6[4 * i + 3] = s6.v[i].hi.l;
	}
	free(s4.v);
	free(s6.v);
	return a;
}

/* Is v in one of the n ranges of r (lo, hi pairs)? */
static inline bool
aset_has4(const uint32_t *r, size_t n, uint32_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[2 * mid + 1] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[2 * lo] <= v;
}

static inline bool
aset_has6(const uint64_t *r, size_t n, uint64_t h, uint64_t l)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint64_t *x = &r[4 * mid + 2];

		if (x[0] < h || (x[0] == h && x[1] < l))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return false;
	return r[4 * lo] < h || (r[4 * lo] == h && r[4 * lo + 1] <= l);
}

static struct anode *
aparse_top(struct detect_engine *e, bool ports, const char *s, char *why,
    size_t whylen)
{
	struct aparse ap = { e, ports, s, 0, 0, why, whylen };
	struct anode *n = xcalloc(1, sizeof(*n));

	if (aparse_expr(&ap, n) != 0) {
		detect_anode_free(n);
		return NULL;
	}
	askip(&ap);
	if (ap.s[ap.pos] != '\0') {
		(void)afail(&ap, "trailing characters in '%s'", s);
		detect_anode_free(n);
		return NULL;
	}
	if (n->kind == AN_ANY && n->neg) {
		(void)afail(&ap, "'%s' matches nothing", s);
		detect_anode_free(n);
		return NULL;
	}
	if (n->kind != AN_ANY)
		n->set = aset_compile(n, ports);
	return n;
}

struct anode *
detect_parse_addr(struct detect_engine *e, const char *s, char *why,
    size_t whylen)
{
	return aparse_top(e, false, s, why, whylen);
}

struct anode *
detect_parse_ports(struct detect_engine *e, const char *s, char *why,
    size_t whylen)
{
	return aparse_top(e, true, s, why, whylen);
}

/* lo <= a <= hi, compared as memcmp() would, without its call (every
 * flow's header cache asks this of each rule's addresses). */
static bool
addr_in_range(const struct anode *n, int ipver, const uint8_t *a)
{
	uint64_t a0, a1, l0, l1, h0, h1;

	if (ipver == 4) {
		uint32_t v = word_be32(a);

		return v >= word_be32(n->lo) && v <= word_be32(n->hi);
	}
	a0 = word_be64(a);
	a1 = word_be64(a + 8);
	l0 = word_be64(n->lo);
	l1 = word_be64(n->lo + 8);
	h0 = word_be64(n->hi);
	h1 = word_be64(n->hi + 8);
	return (a0 > l0 || (a0 == l0 && a1 >= l1)) &&
	    (a0 < h0 || (a0 == h0 && a1 <= h1));
}

static bool
addr_raw(const struct anode *n, int ipver, const uint8_t *a)
{
	size_t i;
	bool pos = false, anypos = false;

	switch (n->kind) {
	case AN_ANY:
		return true;
	case AN_RANGE:
		if (n->fam != ipver)
			return false;
		return addr_in_range(n, ipver, a);
	default:
		for (i = 0; i < n->nkids; i++) {
			const struct anode *k = &n->kids[i];

			if (k->neg) {
				if (addr_raw(k, ipver, a))
					return false;
			} else {
				anypos = true;
				if (!pos && addr_raw(k, ipver, a))
					pos = true;
			}
		}
		return pos || !anypos;
	}
}

bool
detect_addr_match_tree(const struct anode *n, int ipver, const uint8_t *a)
{
	if (n == NULL || n->kind == AN_ANY)
		return true;
	return addr_raw(n, ipver, a) != n->neg;
}

bool
detect_addr_match(const struct anode *n, int ipver, const uint8_t *a)
{
	if (n == NULL || n->kind == AN_ANY)
		return true;
	if (n->set == NULL || (ipver != 4 && ipver != 6))
		return addr_raw(n, ipver, a) != n->neg;
	if (ipver == 4)
		return aset_has4(n->set->r4, n->set->n4, word_be32(a));
	return aset_has6(n->set->r6, n->set->n6, word_be64(a),
	    word_be64(a + 8));
}

static bool
port_raw(const struct anode *n, uint16_t p)
{
	size_t i;
	bool pos = false, anypos = false;
	uint16_t lo, hi;

	switch (n->kind) {
	case AN_ANY:
		return true;
	case AN_RANGE:
		lo = (uint16_t)(n->lo[0] << 8 | n->lo[1]);
		hi = (uint16_t)(n->hi[0] << 8 | n->hi[1]);
		return p >= lo && p <= hi;
	default:
		for (i = 0; i < n->nkids; i++) {
			const struct anode *k = &n->kids[i];

			if (k->neg) {
				if (port_raw(k, p))
					return false;
			} else {
				anypos = true;
				if (!pos && port_raw(k, p))
					pos = true;
			}
		}
		return pos || !anypos;
	}
}

bool
detect_port_match_tree(const struct anode *n, uint16_t p)
{
	if (n == NULL || n->kind == AN_ANY)
		return true;
	return port_raw(n, p) != n->neg;
}

bool
detect_port_match(const struct anode *n, uint16_t p)
{
	if (n == NULL || n->kind == AN_ANY)
		return true;
	if (n->set == NULL)
		return port_raw(n, p) != n->neg;
	return aset_has4(n->set->r4, n->set->n4, p);
}

/* ---- lists of matches ---- */

static struct dlist *
get_list(struct drule *r, uint32_t key, int *ix)
{
	uint16_t i;

	for (i = 0; i < r->nlists; i++)
		if (r->lists[i].key == key) {
			*ix = i;
			return &r->lists[i];
		}
	r->lists = xreallocarray(r->lists, r->nlists + 1, sizeof(*r->lists));
	memset(&r->lists[r->nlists], 0, sizeof(r->lists[0]));
	r->lists[r->nlists].key = key;
	*ix = r->nlists;
	return &r->lists[r->nlists++];
}

static uint32_t
cur_key(struct pctx *pc)
{
	return pc->sticky < 0 ? DL_PAYLOAD : (uint32_t)pc->sticky;
}

static struct dm *
add_dm(struct pctx *pc, uint32_t key, uint8_t type)
{
	struct dlist *l;
	struct dm *m;
	int ix;

	l = get_list(pc->r, key, &ix);
	l->m = xreallocarray(l->m, l->n + 1, sizeof(*l->m));
	m = &l->m[l->n];
	memset(m, 0, sizeof(*m));
	m->type = type;
	if (pc->b64data && key == cur_key(pc))
		m->flags |= DMF_B64;
	if (type == DM_CONTENT || type == DM_PCRE) {
		pc->lm_list = ix;
		pc->lm_idx = l->n;
	}
	l->n++;
	return m;
}

static struct dm *
last_content(struct pctx *pc, const char *kw)
{
	struct dm *m;

	if (pc->lm_list < 0) {
		(void)pfail(pc, pc->col, "keyword needs a preceding content",
		    " (%s)", kw);
		return NULL;
	}
	m = &pc->r->lists[pc->lm_list].m[pc->lm_idx];
	if (m->type != DM_CONTENT) {
		(void)pfail(pc, pc->col, "keyword needs a preceding content",
		    " (%s)", kw);
		return NULL;
	}
	return m;
}

/* content:"a|41 42|b" (with optional '!') into bytes. */
static int
parse_content(struct pctx *pc, char *v, struct dm *m)
{
	char *s = trim(v), *end;
	uint8_t *out;
	size_t n = 0;
	bool hex = false;
	int nib = -1;

	if (*s == '!') {
		m->flags |= DMF_NEGATED;
		s = trim(s + 1);
	}
	end = s + strlen(s);
	if (*s != '"' || end - s < 2 || end[-1] != '"')
		return pfail(pc, pc->col, "content must be quoted", NULL);
	s++;
	end--;
	out = xcalloc((size_t)(end - s) + 1, 1);
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '|') {
			if (hex && nib >= 0)
				goto bad_hex;
			hex = !hex;
			continue;
		}
		if (hex) {
			int d;

			if (isspace(c))
				continue;
			if (!isxdigit(c))
				goto bad_hex;
			d = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
			if (nib < 0)
				nib = d;
			else {
				out[n++] = (uint8_t)(nib << 4 | d);
				nib = -1;
			}
			continue;
		}
		if (c == '\\') {
			if (s + 1 < end && (s[1] == '\\' || s[1] == '"' ||
			    s[1] == ';' || s[1] == ':')) {
				out[n++] = (uint8_t)*++s;
				continue;
			}
			free(out);
			return pfail(pc, pc->col, "invalid escape in content",
			    NULL);
		}
		if (c == '"') {
			free(out);
			return pfail(pc, pc->col, "unescaped '\"' in content",
			    NULL);
		}
		out[n++] = c;
	}
	if (hex) {
		free(out);
		return pfail(pc, pc->col, "unterminated hex in content", NULL);
	}
	if (n == 0) {
		free(out);
		return pfail(pc, pc->col, "empty content", NULL);
	}
	m->pat = out;
	m->plen = (uint32_t)n;
	return 0;
bad_hex:
	free(out);
	return pfail(pc, pc->col, "invalid hex in content", NULL);
}

static int
bytevar_lookup(struct pctx *pc, const char *name)
{
	uint8_t i;

	for (i = 0; i < pc->nbvars; i++)
		if (strcmp(pc->bvars[i], name) == 0)
			return i;
	return -1;
}

/* An integer or a byte_extract variable; *isvar set. */
static int
int_or_var(struct pctx *pc, const char *s, int64_t min, int64_t max,
    int32_t *out, bool *isvar)
{
	int64_t v;
	int ix;
	char buf[64];

	(void)strlcpy(buf, s, sizeof(buf));
	s = trim(buf);
	*isvar = false;
	if (parse_int(s, min, max, &v) == 0) {
		*out = (int32_t)v;
		return 0;
	}
	if ((ix = bytevar_lookup(pc, s)) >= 0) {
		*out = ix;
		*isvar = true;
		return 0;
	}
	return -1;
}

static int
content_mod(struct pctx *pc, const char *kw, const char *val)
{
	struct dm *m = last_content(pc, kw);
	int32_t v;
	bool isvar;

	if (m == NULL)
		return -1;
	if (strcmp(kw, "nocase") == 0) {
		m->flags |= DMF_NOCASE;
		return 0;
	}
	if (strcmp(kw, "rawbytes") == 0) {
		m->flags |= DMF_RAWBYTES;
		return 0;
	}
	if (strcmp(kw, "startswith") == 0) {
		if (m->flags & (DMF_DEPTH | DMF_OFFSET | DMF_DISTANCE |
		    DMF_WITHIN))
			return pfail(pc, pc->col, "startswith cannot be mixed "
			    "with depth, offset, distance or within", NULL);
		m->flags |= DMF_STARTSWITH | DMF_DEPTH;
		m->offset = 0;
		m->depth = (int32_t)m->plen;
		return 0;
	}
	if (strcmp(kw, "endswith") == 0) {
		m->flags |= DMF_ENDSWITH;
		return 0;
	}
	if (strcmp(kw, "fast_pattern") == 0) {
		if (m->flags & DMF_NEGATED && val != NULL)
			return pfail(pc, pc->col, "fast_pattern chop on a "
			    "negated content", NULL);
		m->flags |= DMF_FAST;
		if (val != NULL && strcmp(trim((char *)val), "only") != 0) {
			int64_t o, l;
			char buf[64], *c;

			(void)strlcpy(buf, val, sizeof(buf));
			if ((c = strchr(buf, ',')) == NULL)
				return pfail(pc, pc->col, "invalid fast_pattern",
				    " '%s'", val);
			*c++ = '\0';
			if (parse_int(buf, 0, 65535, &o) != 0 ||
			    parse_int(c, 1, 65535, &l) != 0 ||
			    (uint64_t)(o + l) > m->plen)
				return pfail(pc, pc->col, "invalid fast_pattern",
				    " '%s'", val);
			m->flags |= DMF_FAST_CHOP;
			m->fp_off = (uint16_t)o;
			m->fp_len = (uint16_t)l;
		}
		return 0;
	}
	if (val == NULL)
		return pfail(pc, pc->col, "keyword needs a value", " (%s)", kw);
	if (int_or_var(pc, val, strcmp(kw, "distance") == 0 ? -65535 : 0,
	    65535, &v, &isvar) != 0)
		return pfail(pc, pc->col, "invalid value", " for %s: '%s'", kw,
		    val);
	if (strcmp(kw, "depth") == 0 || strcmp(kw, "offset") == 0) {
		if (m->flags & (DMF_DISTANCE | DMF_WITHIN))
			return pfail(pc, pc->col, "relative and absolute "
			    "modifiers on one content", NULL);
		if (m->flags & DMF_STARTSWITH)
			return pfail(pc, pc->col, "startswith cannot be mixed "
			    "with depth, offset, distance or within", NULL);
		if (kw[0] == 'd') {
			if (!isvar && v < (int32_t)m->plen)
				return pfail(pc, pc->col, "depth smaller than "
				    "content", NULL);
			m->depth = v;
			m->flags |= DMF_DEPTH;
			m->vars |= isvar ? DMV_DEPTH : 0;
		} else {
			m->offset = v;
			m->flags |= DMF_OFFSET;
			m->vars |= isvar ? DMV_OFFSET : 0;
		}
		return 0;
	}
	if (m->flags & (DMF_DEPTH | DMF_OFFSET))
		return pfail(pc, pc->col, "relative and absolute modifiers on "
		    "one content", NULL);
	if (strcmp(kw, "distance") == 0) {
		m->distance = v;
		m->flags |= DMF_DISTANCE;
		m->vars |= isvar ? DMV_DISTANCE : 0;
	} else {
		if (!isvar && v < (int32_t)m->plen)
			return pfail(pc, pc->col, "within smaller than content",
			    NULL);
		m->within = v;
		m->flags |= DMF_WITHIN;
		m->vars |= isvar ? DMV_WITHIN : 0;
	}
	return 0;
}

/* http_uri and the other legacy modifiers: move the last content. */
static int
legacy_mod(struct pctx *pc, int dl, const char *kw)
{
	struct dm *m = last_content(pc, kw), copy;
	struct dlist *from, *to;
	int ix;

	if (m == NULL)
		return -1;
	from = &pc->r->lists[pc->lm_list];
	if ((int)DL_KEY_BUF(from->key) == dl)
		return 0;
	if (from->key != DL_PAYLOAD)
		return pfail(pc, pc->col, "content already has a buffer",
		    " (%s)", kw);
	copy = *m;
	memmove(&from->m[pc->lm_idx], &from->m[pc->lm_idx + 1],
	    (from->n - pc->lm_idx - 1) * sizeof(*m));
	from->n--;
	to = get_list(pc->r, (uint32_t)dl, &ix);
	to->m = xreallocarray(to->m, to->n + 1, sizeof(*to->m));
	to->m[to->n] = copy;
	pc->lm_list = ix;
	pc->lm_idx = to->n++;
	return 0;
}

static int
set_sticky(struct pctx *pc, int dl)
{
	uint32_t key = (uint32_t)dl;
	uint8_t i;

	pc->b64data = false;
	pc->sticky = dl == DL_PAYLOAD ? -1 : (int)key;
	pc->sticky_set = true;
	pc->npending_xf = 0;
	(void)i;
	return 0;
}

static int
add_transform(struct pctx *pc, int xf, const char *kw)
{
	uint32_t key = cur_key(pc);
	int i;

	if (pc->sticky < 0)
		return pfail(pc, pc->col, "transform needs a sticky buffer",
		    " (%s)", kw);
	for (i = 0; i < DETECT_MAX_TRANSFORMS; i++)
		if (DL_KEY_XFORM(key, i) == 0)
			break;
	if (i == DETECT_MAX_TRANSFORMS)
		return pfail(pc, pc->col, "too many transforms", NULL);
	key |= (uint32_t)xf << (8 + 4 * i);
	pc->sticky = (int)key;
	return 0;
}

static const struct {
	char	 flag;
	int	 dl;
} pcre_bufs[] = {
	{ 'U', APP_BUF_HTTP_URI }, { 'I', APP_BUF_HTTP_URI_RAW },
	{ 'H', APP_BUF_HTTP_HEADER }, { 'D', APP_BUF_HTTP_HEADER_RAW },
	{ 'M', APP_BUF_HTTP_METHOD }, { 'C', APP_BUF_HTTP_COOKIE },
	{ 'P', APP_BUF_HTTP_REQUEST_BODY }, { 'Q', APP_BUF_FILE_DATA },
	{ 'S', APP_BUF_HTTP_STAT_CODE }, { 'Y', APP_BUF_HTTP_STAT_MSG },
	{ 'V', APP_BUF_HTTP_USER_AGENT }, { 'W', APP_BUF_HTTP_HOST },
	{ 'Z', APP_BUF_HTTP_HOST_RAW },
};

static int
parse_pcre(struct pctx *pc, char *v)
{
	char *s = trim(v), *end, *last;
	uint32_t opts = 0;
	int dl = -1, errcode;
	PCRE2_SIZE erroff;
	bool neg = false, rel = false;
	struct dm *m;
	pcre2_code *re;
	size_t i;

	if (*s == '!') {
		neg = true;
		s = trim(s + 1);
	}
	end = s + strlen(s);
	if (*s != '"' || end - s < 2 || end[-1] != '"')
		return pfail(pc, pc->col, "pcre must be quoted", NULL);
	*--end = '\0';
	s++;
	if (*s != '/' || (last = strrchr(s, '/')) == NULL || last == s)
		return pfail(pc, pc->col, "invalid pcre", " '%s'", s);
	*last = '\0';
	for (end = last + 1; *end != '\0'; end++) {
		switch (*end) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 'A': opts |= PCRE2_ANCHORED; break;
		case 'E': opts |= PCRE2_DOLLAR_ENDONLY; break;
		case 'G': opts |= PCRE2_UNGREEDY; break;
		case 'R': rel = true; break;
		case 'B': case 'O': break;	/* rawbytes, match limit */
		default:
			for (i = 0; i < sizeof(pcre_bufs) / sizeof(pcre_bufs[0]);
			    i++)
				if (pcre_bufs[i].flag == *end)
					break;
			if (i == sizeof(pcre_bufs) / sizeof(pcre_bufs[0]))
				return pfail(pc, pc->col, "unknown pcre flag",
				    " '%c'", *end);
			/* Suricata: a flag naming another buffer than the
			 * sticky one is an error, the same one is fine */
			if (pc->sticky >= 0 && (int)DL_KEY_BUF(pc->sticky) !=
			    pcre_bufs[i].dl)
				return pfail(pc, pc->col, "pcre buffer flag "
				    "with another sticky buffer", " '%c'", *end);
			if (pc->sticky < 0)
				dl = pcre_bufs[i].dl;
		}
	}
	re = pcre2_compile((PCRE2_SPTR)(s + 1), PCRE2_ZERO_TERMINATED, opts,
	    &errcode, &erroff, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		(void)pcre2_get_error_message(errcode, msg, sizeof(msg));
		return pfail(pc, pc->col, "invalid pcre", ": %s at offset %zu",
		    (char *)msg, (size_t)erroff);
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	m = add_dm(pc, dl >= 0 ? (uint32_t)dl : cur_key(pc), DM_PCRE);
	m->re = re;
	if (neg)
		m->flags |= DMF_NEGATED;
	if (rel)
		m->flags |= DMF_RELATIVE;
	return 0;
}

/* Split "a, b, c" into at most max trimmed fields; returns the count. */
static int
split(char *s, char **f, int max)
{
	int n = 0;
	char *c;

	for (;;) {
		if (n == max)
			return -1;
		c = strchr(s, ',');
		if (c != NULL)
			*c = '\0';
		f[n++] = trim(s);
		if (c == NULL)
			return n;
		s = c + 1;
	}
}

static int
byte_common(struct pctx *pc, char **f, int nf, int first, struct dm *m,
    bool jump)
{
	int i;
	int64_t v;

	for (i = first; i < nf; i++) {
		if (strcmp(f[i], "relative") == 0)
			m->flags |= DMF_RELATIVE;
		else if (strcmp(f[i], "little") == 0)
			m->bflags |= DBF_LITTLE;
		else if (strcmp(f[i], "big") == 0)
			m->bflags &= (uint16_t)~DBF_LITTLE;
		else if (strcmp(f[i], "string") == 0)
			m->bflags |= DBF_STRING;
		else if (strcmp(f[i], "hex") == 0)
			m->bflags |= DBF_HEX;
		else if (strcmp(f[i], "oct") == 0)
			m->bflags |= DBF_OCT;
		else if (strcmp(f[i], "dec") == 0)
			;
		else if (strcmp(f[i], "align") == 0)
			m->bflags |= DBF_ALIGN;
		else if (strcmp(f[i], "dce") == 0)
			m->bflags |= DBF_DCE | DBF_LITTLE;
		else if (jump && strcmp(f[i], "from_beginning") == 0)
			m->bflags |= DBF_BEGIN;
		else if (jump && strcmp(f[i], "from_end") == 0)
			m->bflags |= DBF_END;
		else if (strncmp(f[i], "multiplier", 10) == 0 &&
		    parse_int(f[i] + 10, 1, 65535, &v) == 0)
			m->multiplier = (uint32_t)v;
		else if (jump && strncmp(f[i], "post_offset", 11) == 0 &&
		    parse_int(f[i] + 11, -65535, 65535, &v) == 0)
			m->post_offset = (int32_t)v;
		else if (strncmp(f[i], "bitmask", 7) == 0 &&
		    parse_int(f[i] + 7, 1, UINT32_MAX, &v) == 0)
			m->bitmask = (uint64_t)v;
		else
			return pfail(pc, pc->col, "invalid byte option",
			    " '%s'", f[i]);
	}
	if (m->bflags & DBF_STRING) {
		/* 0: the digits up to the end of the buffer (Suricata 7) */
		if (m->nbytes > 20)
			return pfail(pc, pc->col, "too many bytes for a string",
			    NULL);
	} else if (m->nbytes != 1 && m->nbytes != 2 && m->nbytes != 3 &&
	    m->nbytes != 4 && m->nbytes != 8)
		return pfail(pc, pc->col, "invalid number of bytes", NULL);
	return 0;
}

static int
parse_byte_test(struct pctx *pc, char *v)
{
	char *f[16], *op;
	int nf = split(v, f, 16);
	int64_t n;
	int32_t x;
	bool isvar;
	struct dm *m;

	if (nf < 4)
		return pfail(pc, pc->col, "invalid byte_test", NULL);
	m = add_dm(pc, cur_key(pc), DM_BYTE_TEST);
	if (parse_int(f[0], 0, 23, &n) != 0)
		return pfail(pc, pc->col, "invalid number of bytes", NULL);
	m->nbytes = (uint8_t)n;
	op = f[1];
	if (*op == '!') {
		m->bflags |= DBF_NOT;
		op++;
	}
	if (strcmp(op, "<") == 0) m->op = BT_LT;
	else if (strcmp(op, ">") == 0) m->op = BT_GT;
	else if (strcmp(op, "=") == 0) m->op = BT_EQ;
	else if (strcmp(op, "<=") == 0) m->op = BT_LE;
	else if (strcmp(op, ">=") == 0) m->op = BT_GE;
	else if (strcmp(op, "&") == 0) m->op = BT_AND;
	else if (strcmp(op, "^") == 0) m->op = BT_XOR;
	else
		return pfail(pc, pc->col, "invalid byte_test operator",
		    " '%s'", f[1]);
	{
		char *end;
		unsigned long long u;

		errno = 0;
		u = strtoull(f[2], &end, 0);
		if (errno == 0 && *end == '\0' && f[2][0] != '-' &&
		    f[2][0] != '\0')
			m->value = u;
		else if ((x = bytevar_lookup(pc, f[2])) >= 0) {
			m->value = (uint64_t)x;
			m->vars |= DMV_VALUE;
		} else
			return pfail(pc, pc->col, "invalid byte_test value",
			    " '%s'", f[2]);
	}
	if (int_or_var(pc, f[3], -65535, 65535, &m->boffset, &isvar) != 0)
		return pfail(pc, pc->col, "invalid byte_test offset", " '%s'",
		    f[3]);
	m->vars |= isvar ? DMV_BOFFSET : 0;
	return byte_common(pc, f, nf, 4, m, false);
}

static int
parse_byte_jump(struct pctx *pc, char *v)
{
	char *f[16];
	int nf = split(v, f, 16);
	int64_t n;
	bool isvar;
	struct dm *m;

	if (nf < 2)
		return pfail(pc, pc->col, "invalid byte_jump", NULL);
	m = add_dm(pc, cur_key(pc), DM_BYTE_JUMP);
	if (parse_int(f[0], 0, 23, &n) != 0)
		return pfail(pc, pc->col, "invalid number of bytes", NULL);
	m->nbytes = (uint8_t)n;
	if (int_or_var(pc, f[1], -65535, 65535, &m->boffset, &isvar) != 0)
		return pfail(pc, pc->col, "invalid byte_jump offset", " '%s'",
		    f[1]);
	m->vars |= isvar ? DMV_BOFFSET : 0;
	if (n == 0) {
		/* byte_jump:0 only makes sense with from_end / post_offset */
		m->nbytes = 0;
		for (int i = 2; i < nf; i++)
			if (strcmp(f[i], "relative") == 0)
				m->flags |= DMF_RELATIVE;
			else if (strcmp(f[i], "from_end") == 0)
				m->bflags |= DBF_END;
			else if (strcmp(f[i], "from_beginning") == 0)
				m->bflags |= DBF_BEGIN;
			else if (strncmp(f[i], "post_offset", 11) == 0 &&
			    parse_int(f[i] + 11, -65535, 65535, &n) == 0)
				m->post_offset = (int32_t)n;
			else
				return pfail(pc, pc->col, "invalid byte option",
				    " '%s'", f[i]);
		return 0;
	}
	return byte_common(pc, f, nf, 2, m, true);
}

static int
parse_byte_extract(struct pctx *pc, char *v)
{
	char *f[16];
	int nf = split(v, f, 16);
	int64_t n;
	struct dm *m;

	if (nf < 3)
		return pfail(pc, pc->col, "invalid byte_extract", NULL);
	if (pc->nbvars == DETECT_MAX_BYTEVARS)
		return pfail(pc, pc->col, "too many byte_extract variables",
		    NULL);
	if (bytevar_lookup(pc, f[2]) >= 0)
		return pfail(pc, pc->col, "byte_extract variable defined twice",
		    " '%s'", f[2]);
	m = add_dm(pc, cur_key(pc), DM_BYTE_EXTRACT);
	if (parse_int(f[0], 1, 23, &n) != 0)
		return pfail(pc, pc->col, "invalid number of bytes", NULL);
	m->nbytes = (uint8_t)n;
	if (parse_int(f[1], -65535, 65535, &n) != 0)
		return pfail(pc, pc->col, "invalid byte_extract offset",
		    " '%s'", f[1]);
	m->boffset = (int32_t)n;
	m->var = pc->nbvars;
	pc->bvars[pc->nbvars++] = xstrdup(f[2]);
	pc->r->nbytevars = pc->nbvars;
	return byte_common(pc, f, nf, 3, m, false);
}

static int
parse_isdataat(struct pctx *pc, char *v)
{
	char *f[4], *s;
	int nf = split(v, f, 4), i;
	bool isvar;
	struct dm *m = add_dm(pc, cur_key(pc), DM_ISDATAAT);

	if (nf < 1)
		return pfail(pc, pc->col, "invalid isdataat", NULL);
	s = f[0];
	if (*s == '!') {
		m->flags |= DMF_NEGATED;
		s++;
	}
	if (int_or_var(pc, s, 0, 65535, &m->boffset, &isvar) != 0)
		return pfail(pc, pc->col, "invalid isdataat", " '%s'", f[0]);
	m->vars |= isvar ? DMV_BOFFSET : 0;
	for (i = 1; i < nf; i++)
		if (strcmp(f[i], "relative") == 0)
			m->flags |= DMF_RELATIVE;
		else if (strcmp(f[i], "rawbytes") != 0)
			return pfail(pc, pc->col, "invalid isdataat option",
			    " '%s'", f[i]);
	return 0;
}

static int
parse_base64_decode(struct pctx *pc, char *v)
{
	struct dm *m = add_dm(pc, cur_key(pc), DM_B64_DECODE);
	char *f[4];
	int nf, i;
	int64_t n;

	m->b64_bytes = 0;
	if (v == NULL)
		return 0;
	nf = split(v, f, 4);
	for (i = 0; i < nf; i++) {
		if (strncmp(f[i], "bytes", 5) == 0 && parse_int(f[i] + 5, 1,
		    65535, &n) == 0)
			m->b64_bytes = (uint32_t)n;
		else if (strncmp(f[i], "offset", 6) == 0 &&
		    parse_int(f[i] + 6, 0, 65535, &n) == 0)
			m->b64_offset = (int32_t)n;
		else if (strcmp(f[i], "relative") == 0)
			m->flags |= DMF_RELATIVE;
		else if (f[i][0] != '\0')
			return pfail(pc, pc->col, "invalid base64_decode option",
			    " '%s'", f[i]);
	}
	return 0;
}

static int
add_hc(struct pctx *pc, uint8_t type, const char *val, uint64_t max)
{
	struct hcond *h;

	pc->r->hc = xreallocarray(pc->r->hc, pc->r->nhc + 1,
	    sizeof(*pc->r->hc));
	h = &pc->r->hc[pc->r->nhc];
	memset(h, 0, sizeof(*h));
	h->type = type;
	if (val == NULL || detect_parse_uop(val, max, &h->u) != 0)
		return pfail(pc, pc->col, "invalid number", " '%s'",
		    val == NULL ? "" : val);
	pc->r->nhc++;
	return 0;
}

static int
parse_flags(struct pctx *pc, char *v)
{
	static const char bits[] = "FSRPAUEC";
	char *f[2], *s;
	int nf = split(v, f, 2);
	struct hcond *h;
	uint8_t set = 0, mask = 0, mod = 0;

	pc->r->hc = xreallocarray(pc->r->hc, pc->r->nhc + 1,
	    sizeof(*pc->r->hc));
	h = &pc->r->hc[pc->r->nhc];
	memset(h, 0, sizeof(*h));
	h->type = HC_FLAGS;
	for (s = f[0]; *s != '\0'; s++) {
		const char *b;

		if (*s == '+' || *s == '*' || *s == '!') {
			mod = (uint8_t)*s;
			continue;
		}
		if (*s == '0')
			continue;
		if (*s == '1') { set |= TH_CWR; continue; }
		if (*s == '2') { set |= TH_ECE; continue; }
		if ((b = strchr(bits, toupper((unsigned char)*s))) == NULL)
			return pfail(pc, pc->col, "invalid flags", " '%s'", f[0]);
		set |= (uint8_t)(1u << (b - bits));
	}
	if (nf == 2)
		for (s = f[1]; *s != '\0'; s++) {
			const char *b;

			if (*s == '1') { mask |= TH_CWR; continue; }
			if (*s == '2') { mask |= TH_ECE; continue; }
			if ((b = strchr(bits, toupper((unsigned char)*s))) ==
			    NULL)
				return pfail(pc, pc->col, "invalid flags mask",
				    " '%s'", f[1]);
			mask |= (uint8_t)(1u << (b - bits));
		}
	h->u.a = set;
	h->mod = mod;
	h->mask = mask;
	pc->r->nhc++;
	return 0;
}

static int
parse_fragbits(struct pctx *pc, char *v)
{
	struct hcond *h;
	uint8_t set = 0, mod = 0;
	char *s;

	pc->r->hc = xreallocarray(pc->r->hc, pc->r->nhc + 1,
	    sizeof(*pc->r->hc));
	h = &pc->r->hc[pc->r->nhc];
	memset(h, 0, sizeof(*h));
	h->type = HC_MAX;	/* fragbits: see detect-match.c */
	for (s = trim(v); *s != '\0'; s++) {
		switch (*s) {
		case '+': case '*': case '!': mod = (uint8_t)*s; break;
		case 'M': set |= 0x20; break;
		case 'D': set |= 0x40; break;
		case 'R': set |= 0x80; break;
		default:
			return pfail(pc, pc->col, "invalid fragbits", " '%s'", v);
		}
	}
	h->u.a = set;
	h->mod = mod;
	pc->r->nhc++;
	return 0;
}

static int
parse_flow(struct pctx *pc, char *v)
{
	static const struct { const char *n; uint16_t f; } fl[] = {
		{ "established", DFL_ESTABLISHED },
		{ "not_established", DFL_NOT_ESTABLISHED },
		{ "stateless", DFL_STATELESS },
		{ "to_server", DFL_TOSERVER }, { "from_client", DFL_TOSERVER },
		{ "to_client", DFL_TOCLIENT }, { "from_server", DFL_TOCLIENT },
		{ "only_stream", DFL_ONLY_STREAM },
		{ "no_stream", DFL_NO_STREAM },
		{ "only_frag", DFL_ONLY_FRAG }, { "no_frag", DFL_NO_FRAG },
	};
	char *f[8];
	int nf = split(v, f, 8), i;
	size_t j;

	if (nf < 1)
		return pfail(pc, pc->col, "invalid flow", NULL);
	for (i = 0; i < nf; i++) {
		for (j = 0; j < sizeof(fl) / sizeof(fl[0]); j++)
			if (strcmp(f[i], fl[j].n) == 0)
				break;
		if (j == sizeof(fl) / sizeof(fl[0]))
			return pfail(pc, pc->col, "invalid flow option", " '%s'",
			    f[i]);
		pc->r->flow |= fl[j].f;
	}
	if ((pc->r->flow & DFL_TOSERVER) && (pc->r->flow & DFL_TOCLIENT))
		return pfail(pc, pc->col, "flow both to_server and to_client",
		    NULL);
	if ((pc->r->flow & DFL_ESTABLISHED) &&
	    (pc->r->flow & DFL_NOT_ESTABLISHED))
		return pfail(pc, pc->col, "flow both established and "
		    "not_established", NULL);
	return 0;
}

uint32_t
detect_flowbit_id(struct detect_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nfb; i++)
		if (strcmp(e->fb_names[i], name) == 0)
			return (uint32_t)i;
	e->fb_names = xreallocarray(e->fb_names, e->nfb + 1,
	    sizeof(*e->fb_names));
	e->fb_names[e->nfb] = xstrdup(name);
	return (uint32_t)e->nfb++;
}

static int
parse_flowbits(struct pctx *pc, char *v)
{
	char *f[2], *names, *tok, *save = NULL;
	int nf;
	struct fbop *op;

	if (v == NULL)
		return pfail(pc, pc->col, "invalid flowbits", NULL);
	nf = split(v, f, 2);
	if (nf == 1 && strcmp(f[0], "noalert") == 0) {
		pc->r->info.noalert = true;
		return 0;
	}
	if (nf != 2)
		return pfail(pc, pc->col, "invalid flowbits", " '%s'", f[0]);
	pc->r->fb = xreallocarray(pc->r->fb, pc->r->nfb + 1,
	    sizeof(*pc->r->fb));
	op = &pc->r->fb[pc->r->nfb];
	memset(op, 0, sizeof(*op));
	if (strcmp(f[0], "set") == 0) op->cmd = FB_SET;
	else if (strcmp(f[0], "unset") == 0) op->cmd = FB_UNSET;
	else if (strcmp(f[0], "toggle") == 0) op->cmd = FB_TOGGLE;
	else if (strcmp(f[0], "isset") == 0) op->cmd = FB_ISSET;
	else if (strcmp(f[0], "isnotset") == 0) op->cmd = FB_ISNOTSET;
	else
		return pfail(pc, pc->col, "invalid flowbits command", " '%s'",
		    f[0]);
	names = f[1];
	if (strchr(names, '|') != NULL)
		op->any = true;
	if (op->any && strchr(names, '&') != NULL)
		return pfail(pc, pc->col, "flowbits mixes '&' and '|'", NULL);
	for (tok = strtok_r(names, "|&", &save); tok != NULL;
	    tok = strtok_r(NULL, "|&", &save)) {
		tok = trim(tok);
		if (*tok == '\0' || strchr(tok, ' ') != NULL) {
			/* not counted in nfb yet: the rule's free misses it */
			free(op->ids);
			op->ids = NULL;
			return pfail(pc, pc->col, "invalid flowbit name", NULL);
		}
		op->ids = xreallocarray(op->ids, op->n + 1, sizeof(*op->ids));
		op->ids[op->n++] = detect_flowbit_id(pc->e, tok);
	}
	if (op->n == 0) {
		free(op->ids);
		return pfail(pc, pc->col, "invalid flowbits", NULL);
	}
	if (op->cmd <= FB_TOGGLE)
		pc->r->fb_sets = true;
	else
		pc->r->fb_checks = true;
	pc->r->nfb++;
	return 0;
}

static int
parse_threshold(struct pctx *pc, char *v, struct thresh *t, bool df)
{
	char *f[8];
	int nf = split(v, f, 8), i;
	int64_t n;
	bool have_track = false, have_count = false, have_sec = false;

	memset(t, 0, sizeof(*t));
	t->type = df ? TH_DETECTION : TH_NONE;
	for (i = 0; i < nf; i++) {
		char *k = f[i], *val = k;

		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
		if (*val != '\0')
			*val++ = '\0';
		val = trim(val);
		if (strcmp(k, "type") == 0 && !df) {
			if (strcmp(val, "limit") == 0) t->type = TH_LIMIT;
			else if (strcmp(val, "threshold") == 0)
				t->type = TH_THRESHOLD;
			else if (strcmp(val, "both") == 0) t->type = TH_BOTH;
			else
				return pfail(pc, pc->col, "invalid threshold "
				    "type", " '%s'", val);
		} else if (strcmp(k, "track") == 0) {
			if (strcmp(val, "by_src") == 0) t->track = TR_SRC;
			else if (strcmp(val, "by_dst") == 0) t->track = TR_DST;
			else if (strcmp(val, "by_rule") == 0) t->track = TR_RULE;
			else if (strcmp(val, "by_both") == 0) t->track = TR_BOTH;
			else if (strcmp(val, "by_flow") == 0) t->track = TR_FLOW;
			else
				return pfail(pc, pc->col, "invalid track",
				    " '%s'", val);
			have_track = true;
		} else if (strcmp(k, "count") == 0 && parse_int(val, 1,
		    UINT32_MAX, &n) == 0) {
			t->count = (uint32_t)n;
			have_count = true;
		} else if (strcmp(k, "seconds") == 0 && parse_int(val, 1,
		    UINT32_MAX, &n) == 0) {
			t->seconds = (uint32_t)n;
			have_sec = true;
		} else
			return pfail(pc, pc->col, df ? "invalid detection_filter"
			    : "invalid threshold", " '%s'", k);
	}
	if (t->type == TH_NONE || !have_track || !have_count || !have_sec)
		return pfail(pc, pc->col, df ? "incomplete detection_filter" :
		    "incomplete threshold", NULL);
	return 0;
}

static int
parse_classes(struct pctx *pc, char *v, uint64_t *bits)
{
	char *tok, *save = NULL;
	int c;

	for (tok = strtok_r(v, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if ((c = fp_class_lookup(tok)) < 0) {
			char list[512] = "";
			int i;

			for (i = 0; i < FP_CLASS_MAX; i++) {
				if (i > 0)
					(void)strlcat(list, ", ", sizeof(list));
				(void)strlcat(list, fp_class_name(i),
				    sizeof(list));
			}
			return pfail(pc, pc->col, "unknown device class",
			    " '%s' (classes: %s)", tok, list);
		}
		*bits |= 1ull << c;
	}
	if (*bits == 0)
		return pfail(pc, pc->col, "empty device class list", NULL);
	return 0;
}

/* decode-event, stream-event, app-layer-event: the events.def name. */
static const struct {
	const char	*suri;
	const char	*ww;
} event_alias[] = {
	{ "stream.reassembly_overlap_different_data", "stream.overlap_diff_data" },
	{ "stream.reassembly_seq_gap", "stream.reassembly_gap" },
	{ "stream.3whs_syn_resend_diff_seq_on_syn", "stream.syn_resend_diff_seq" },
	{ "stream.rst_invalid_ack", "stream.rst_invalid" },
	{ "stream.rst_invalid", "stream.rst_invalid" },
	{ "decode.ipv4.trunc_pkt", "decode.ipv4.trunc_pkt" },
	{ "decode.tcp.opt_invalid_len", "decode.tcp.opt_invalid_len" },
	{ "dns.malformed_data", "dns.malformed" },
	{ "tls.invalid_record_type", "tls.invalid_record_type" },
	{ "tls.invalid_handshake_message", "tls.invalid_handshake" },
	{ "tls.invalid_certificate", "tls.invalid_certificate" },
	{ "tls.invalid_record_version", "tls.invalid_record_version" },
};

static const char *const ev_names[EV_MAX] = {
#define WW_EV(id, name, kind)	[id] = name,
#include "util/events.def"
#undef WW_EV
};

static int
parse_event(struct pctx *pc, const char *kw, char *v)
{
	char name[160];
	const char *want;
	size_t i;
	int ev = -1;
	uint8_t kind;

	v = trim(v);
	if (*v == '!')
		return pfail(pc, pc->col, "negated events are not supported",
		    NULL);
	if (strcmp(kw, "decode-event") == 0) {
		kind = 1;
		(void)snprintf(name, sizeof(name), "decode.%s", v);
	} else if (strcmp(kw, "stream-event") == 0) {
		kind = 2;
		(void)snprintf(name, sizeof(name), "stream.%s", v);
	} else {
		kind = 3;
		(void)snprintf(name, sizeof(name), "%s", v);
	}
	want = name;
	for (i = 0; i < sizeof(event_alias) / sizeof(event_alias[0]); i++)
		if (strcmp(event_alias[i].suri, name) == 0)
			want = event_alias[i].ww;
	for (i = 0; i < EV_MAX; i++)
		if (ev_names[i] != NULL && strcmp(ev_names[i], want) == 0) {
			ev = (int)i;
			break;
		}
	if (ev < 0) {
		char reason[200];

		(void)snprintf(reason, sizeof(reason), "unsupported %s '%s'",
		    kw, v);
		return pfail(pc, 0, reason, NULL);
	}
	pc->r->events = xreallocarray(pc->r->events, pc->r->nevents + 1,
	    sizeof(*pc->r->events));
	pc->r->events[pc->r->nevents++] = (uint16_t)ev;
	pc->r->event_kind = kind;
	return 0;
}

static int
parse_metadata(struct pctx *pc, char *v)
{
	char *tok, *save = NULL;
	struct drule *r = pc->r;

	for (tok = strtok_r(v, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		char *k = trim(tok), *val = k;

		if (*k == '\0')
			continue;
		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
		if (*val != '\0')
			*val++ = '\0';
		val = trim(val);
		r->meta_k = xreallocarray(r->meta_k, r->info.n_meta + 1,
		    sizeof(char *));
		r->meta_v = xreallocarray(r->meta_v, r->info.n_meta + 1,
		    sizeof(char *));
		r->meta_k[r->info.n_meta] = xstrdup(k);
		r->meta_v[r->info.n_meta] = xstrdup(val);
		r->info.n_meta++;
	}
	return 0;
}

static int
parse_proto_keyword(struct pctx *pc, char *v)
{
	static const struct { const char *n; int p; } names[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "ipv6-icmp", 58 },
		{ "icmpv6", 58 }, { "igmp", 2 }, { "gre", 47 }, { "esp", 50 },
		{ "ah", 51 }, { "sctp", 132 }, { "pim", 103 }, { "ipv6", 41 },
		{ "ipip", 4 }, { "ospf", 89 }, { "vrrp", 112 },
	};
	char buf[32], *s = trim(v);
	size_t i;
	int off = 0;

	if (*s == '<' || *s == '>' || *s == '!')
		off = 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s + off, names[i].n) == 0) {
			(void)snprintf(buf, sizeof(buf), "%.*s%d", off, s,
			    names[i].p);
			return add_hc(pc, HC_IP_PROTO, buf, 255);
		}
	return add_hc(pc, HC_IP_PROTO, s, 255);
}

static int
vk_names(const struct detect_vkw *k, char *out, size_t size)
{
	uint8_t i;

	out[0] = '\0';
	for (i = 0; i < k->nnames; i++) {
		if (i > 0)
			(void)strlcat(out, ", ", size);
		(void)strlcat(out, k->names[i], size);
	}
	return 0;
}

/* mqtt.type:CONNECT and the other detect_vkws: a DM_VALUE on the
 * buffer (which does not become the sticky one, as in Suricata). */
static int
parse_value_kw(struct pctx *pc, size_t ix, char *v)
{
	const struct detect_vkw *k = &detect_vkws[ix];
	char names[256], *f[16], *s = trim(v);
	struct dm m;
	int nf, i;
	uint8_t j;

	memset(&m, 0, sizeof(m));
	m.type = DM_VALUE;
	m.vk = (uint8_t)ix;
	switch (k->kind) {
	case VK_ENUM: {
		bool neg = *s == '!';
		char *name = neg ? trim(s + 1) : s;

		for (j = 0; j < k->nnames; j++)
			if (strcasecmp(k->names[j], name) == 0)
				break;
		if (j < k->nnames) {
			m.u.op = neg ? UOP_NE : UOP_EQ;
			m.u.a = j;
			break;
		}
		if (!isdigit((unsigned char)*name) && strchr("<>=!", *s) ==
		    NULL) {
			(void)vk_names(k, names, sizeof(names));
			return pfail(pc, pc->col, "invalid value", " for %s: "
			    "'%s' (one of %s, or a number)", k->name, s, names);
		}
	}
		/* FALLTHROUGH */
	case VK_UINT:
		if (detect_parse_uop(s, k->max, &m.u) != 0)
			return pfail(pc, pc->col, "invalid value", " for %s: "
			    "'%s' (0 to %llu)", k->name, s,
			    (unsigned long long)k->max);
		break;
	case VK_FLAGS:
		if ((nf = split(s, f, 16)) < 1)
			return pfail(pc, pc->col, "invalid value", " for %s",
			    k->name);
		for (i = 0; i < nf; i++) {
			bool neg = f[i][0] == '!';
			char *name = neg ? trim(f[i] + 1) : f[i];

			for (j = 0; j < k->nnames; j++)
				if (strcmp(k->names[j], name) == 0)
					break;
			if (j == k->nnames) {
				(void)vk_names(k, names, sizeof(names));
				return pfail(pc, pc->col, "invalid value",
				    " for %s: '%s' (flags: %s, each may have "
				    "'!')", k->name, name, names);
			}
			if ((neg ? m.u.a : m.u.b) & (1ull << j))
				return pfail(pc, pc->col, "invalid value",
				    " for %s: '%s' both set and not set",
				    k->name, name);
			if (neg)
				m.u.b |= 1ull << j;
			else
				m.u.a |= 1ull << j;
		}
		break;
	}
	*add_dm(pc, k->dl, DM_VALUE) = m;
	return 0;
}

/* "16mb", "4096", "1gb": bytes. */
static int
ds_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	if (strcasecmp(end, "kb") == 0 || strcasecmp(end, "kib") == 0)
		mul = 1ull << 10;
	else if (strcasecmp(end, "mb") == 0 || strcasecmp(end, "mib") == 0)
		mul = 1ull << 20;
	else if (strcasecmp(end, "gb") == 0 || strcasecmp(end, "gib") == 0)
		mul = 1ull << 30;
	else if (*end != '\0')
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/*
 * dataset:set|unset|isset|isnotset,NAME[,type T][,load FILE]
 * [,memcap SIZE][,hashsize N]: the sticky buffer against a set.  A
 * relative FILE is under default-rule-path, else beside the rule file.
 */
static int
parse_dataset(struct pctx *pc, char *v)
{
	static const char *const cmds[] = { "set", "unset", "isset",
	    "isnotset" };
	char *f[12], why[512], path[4096];
	const char *load = NULL;
	uint64_t memcap = 0, hs = 0;
	int nf, i, type = -1, cmd = -1, ix;
	struct dm *m;

	if (v == NULL || (nf = split(v, f, 12)) < 2)
		return pfail(pc, pc->col, "invalid dataset", NULL);
	if (pc->sticky < 0)
		return pfail(pc, pc->col, "dataset needs a sticky buffer", NULL);
	for (i = 0; i < 4; i++)
		if (strcmp(f[0], cmds[i]) == 0)
			cmd = i;
	if (cmd < 0)
		return pfail(pc, pc->col, "invalid dataset command", " '%s'",
		    f[0]);
	if (f[1][0] == '\0' || strspn(f[1], "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(f[1]))
		return pfail(pc, pc->col, "invalid dataset name", " '%s'",
		    f[1]);
	for (i = 2; i < nf; i++) {
		char *k = f[i], *val = k;

		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
		if (*val != '\0')
			*val++ = '\0';
		val = trim(val);
		if (strcmp(k, "type") == 0) {
			if ((type = detect_dataset_type(val)) < 0)
				return pfail(pc, pc->col, "invalid dataset type",
				    " '%s' (string, md5, sha256, ipv4 or ip)",
				    val);
		} else if (strcmp(k, "load") == 0 && *val != '\0') {
			load = val;
		} else if (strcmp(k, "memcap") == 0) {
			if (ds_parse_size(val, &memcap) != 0 || memcap == 0)
				return pfail(pc, pc->col, "invalid dataset "
				    "memcap", " '%s'", val);
		} else if (strcmp(k, "hashsize") == 0) {
			if (ds_parse_size(val, &hs) != 0 || hs == 0 ||
			    hs > UINT32_MAX)
				return pfail(pc, pc->col, "invalid dataset "
				    "hashsize", " '%s'", val);
		} else if (strcmp(k, "save") == 0 || strcmp(k, "state") == 0) {
			char reason[64];

			/* the sensor writes no rule data */
			(void)snprintf(reason, sizeof(reason),
			    "unsupported dataset option '%s'", k);
			return pfail(pc, 0, reason, NULL);
		} else
			return pfail(pc, pc->col, "invalid dataset option",
			    " '%s'", k);
	}
	if (load != NULL && load[0] != '/') {
		const char *slash = strrchr(pc->src->file, '/');

		if (pc->e->rule_path != NULL)
			(void)snprintf(path, sizeof(path), "%s/%s",
			    pc->e->rule_path, load);
		else if (slash != NULL)
			(void)snprintf(path, sizeof(path), "%.*s/%s",
			    (int)(slash - pc->src->file), pc->src->file, load);
		else
			(void)snprintf(path, sizeof(path), "%s", load);
		load = path;
	}
	if ((ix = detect_dataset_get(pc->e, f[1], type, load, memcap,
	    (uint32_t)hs, why, sizeof(why))) < 0)
		return pfail(pc, pc->col, "invalid dataset", ": %s", why);
	m = add_dm(pc, cur_key(pc), DM_DATASET);
	m->op = (uint8_t)cmd;
	m->ds = (uint16_t)ix;
	return 0;
}

/* Keywords that do nothing here, accepted so rules load. */
static const char *const noop_keywords[] = {
	"rev", "gid", "reference", "tag", "prefilter", "rawbytes_legacy",
};

static int
handle_opt(struct pctx *pc, struct opt *o)
{
	const struct dl_name *ln;
	struct drule *r = pc->r;
	const char *kw = o->name;
	char *v = o->val;
	int dl;
	int64_t n;
	size_t i;

	pc->col = o->col;
	/* sticky buffers, their legacy names, legacy modifiers */
	if ((dl = detect_dl_lookup(kw)) >= 0) {
		if (v != NULL) {
			for (i = 0; i < detect_nvkws; i++)
				if (detect_vkws[i].dl == dl)
					return parse_value_kw(pc, i, v);
			return pfail(pc, pc->col, "sticky buffer takes no value",
			    " (%s)", kw);
		}
		return set_sticky(pc, dl);
	}
	if ((ln = dl_name_find(kw)) != NULL && ln->legacy >= 0) {
		if (strncmp(kw, "http_", 5) == 0)
			return legacy_mod(pc, ln->legacy, kw);
		return set_sticky(pc, ln->legacy);
	}
	if (strcmp(kw, "ja3_hash") == 0 || strcmp(kw, "ja3s_hash") == 0)
		return set_sticky(pc, kw[3] == 's' ? APP_BUF_JA3S_HASH :
		    APP_BUF_JA3_HASH);

	if (strcmp(kw, "msg") == 0) {
		if (v == NULL)
			return pfail(pc, pc->col, "msg needs a value", NULL);
		free(r->msg_buf);
		r->msg_buf = xstrdup(unquote(v));
		return 0;
	}
	if (strcmp(kw, "sid") == 0)
		return 0;	/* read before */
	if (strcmp(kw, "rev") == 0 || strcmp(kw, "gid") == 0 ||
	    strcmp(kw, "priority") == 0) {
		if (v == NULL || parse_int(v, kw[0] == 'p' ? 1 : 0,
		    kw[0] == 'p' ? 255 : UINT32_MAX, &n) != 0)
			return pfail(pc, pc->col, "invalid number", " for %s: "
			    "'%s'", kw, v == NULL ? "" : v);
		if (kw[0] == 'r')
			r->info.rev = (uint32_t)n;
		else if (kw[0] == 'g')
			r->info.gid = (uint32_t)n;
		else
			r->info.severity = (uint8_t)n;
		return 0;
	}
	if (strcmp(kw, "classtype") == 0) {
		if (v == NULL)
			return pfail(pc, pc->col, "classtype needs a value", NULL);
		v = trim(v);
		for (i = 0; i < pc->e->ncl; i++)
			if (strcmp(pc->e->cl_name[i], v) == 0)
				break;
		if (i == pc->e->ncl) {
			char reason[160];

			(void)snprintf(reason, sizeof(reason),
			    "unknown classtype '%s'", v);
			return pfail(pc, pc->col, reason, NULL);
		}
		free(r->classtype_buf);
		r->classtype_buf = xstrdup(v);
		r->info.category = pc->e->cl_desc[i];
		if (r->info.severity == 0)
			r->info.severity = pc->e->cl_prio[i];
		return 0;
	}
	if (strcmp(kw, "metadata") == 0)
		return v == NULL ? 0 : parse_metadata(pc, v);
	if (strcmp(kw, "target") == 0) {
		if (v == NULL || (strcmp(trim(v), "src_ip") != 0 &&
		    strcmp(trim(v), "dest_ip") != 0))
			return pfail(pc, pc->col, "invalid target", NULL);
		r->target_set = true;
		r->target_dst = strcmp(trim(v), "dest_ip") == 0;
		return 0;
	}
	for (i = 0; i < sizeof(noop_keywords) / sizeof(noop_keywords[0]); i++)
		if (strcmp(kw, noop_keywords[i]) == 0)
			return 0;
	if (strcmp(kw, "content") == 0) {
		struct dm *m;

		if (v == NULL)
			return pfail(pc, pc->col, "content needs a value", NULL);
		m = add_dm(pc, cur_key(pc), DM_CONTENT);
		return parse_content(pc, v, m);
	}
	if (strcmp(kw, "nocase") == 0 || strcmp(kw, "depth") == 0 ||
	    strcmp(kw, "offset") == 0 || strcmp(kw, "distance") == 0 ||
	    strcmp(kw, "within") == 0 || strcmp(kw, "startswith") == 0 ||
	    strcmp(kw, "endswith") == 0 || strcmp(kw, "fast_pattern") == 0 ||
	    strcmp(kw, "rawbytes") == 0)
		return content_mod(pc, kw, v);
	if (strcmp(kw, "pcre") == 0)
		return v == NULL ? pfail(pc, pc->col, "pcre needs a value",
		    NULL) : parse_pcre(pc, v);
	if (strcmp(kw, "isdataat") == 0)
		return v == NULL ? pfail(pc, pc->col, "isdataat needs a value",
		    NULL) : parse_isdataat(pc, v);
	if (strcmp(kw, "byte_test") == 0)
		return v == NULL ? pfail(pc, pc->col, "byte_test needs a value",
		    NULL) : parse_byte_test(pc, v);
	if (strcmp(kw, "byte_jump") == 0)
		return v == NULL ? pfail(pc, pc->col, "byte_jump needs a value",
		    NULL) : parse_byte_jump(pc, v);
	if (strcmp(kw, "byte_extract") == 0)
		return v == NULL ? pfail(pc, pc->col,
		    "byte_extract needs a value", NULL) :
		    parse_byte_extract(pc, v);
	if (strcmp(kw, "bsize") == 0 || strcmp(kw, "urilen") == 0) {
		struct dm *m;
		uint32_t key = cur_key(pc);
		char *f[2];
		int nf;

		if (v == NULL)
			return pfail(pc, pc->col, "keyword needs a value",
			    " (%s)", kw);
		nf = split(v, f, 2);
		if (kw[0] == 'u') {
			key = APP_BUF_HTTP_URI;
			if (nf == 2 && strcmp(f[1], "raw") == 0)
				key = APP_BUF_HTTP_URI_RAW;
			else if (nf == 2 && strcmp(f[1], "norm") != 0)
				return pfail(pc, pc->col, "invalid urilen", NULL);
		} else if (pc->sticky < 0)
			return pfail(pc, pc->col, "bsize needs a sticky buffer",
			    NULL);
		m = add_dm(pc, key, DM_BSIZE);
		if (detect_parse_uop(f[0], UINT32_MAX, &m->u) != 0)
			return pfail(pc, pc->col, "invalid number", " for %s: "
			    "'%s'", kw, f[0]);
		return 0;
	}
	if (strcmp(kw, "dsize") == 0)
		return add_hc(pc, HC_DSIZE, v, 65535);
	if (strcmp(kw, "dataset") == 0)
		return parse_dataset(pc, v);
	if (strcmp(kw, "flow") == 0)
		return v == NULL ? pfail(pc, pc->col, "flow needs a value",
		    NULL) : parse_flow(pc, v);
	if (strcmp(kw, "flowbits") == 0)
		return parse_flowbits(pc, v);
	if (strcmp(kw, "noalert") == 0) {
		r->info.noalert = true;
		return 0;
	}
	if (strcmp(kw, "threshold") == 0)
		return v == NULL ? pfail(pc, pc->col, "invalid threshold",
		    NULL) : parse_threshold(pc, v, &r->th, false);
	if (strcmp(kw, "detection_filter") == 0)
		return v == NULL ? pfail(pc, pc->col,
		    "invalid detection_filter", NULL) :
		    parse_threshold(pc, v, &r->df, true);
	if (strcmp(kw, "itype") == 0)
		return add_hc(pc, HC_ITYPE, v, 255);
	if (strcmp(kw, "icode") == 0)
		return add_hc(pc, HC_ICODE, v, 255);
	if (strcmp(kw, "icmp_id") == 0)
		return add_hc(pc, HC_ICMP_ID, v, 65535);
	if (strcmp(kw, "icmp_seq") == 0)
		return add_hc(pc, HC_ICMP_SEQ, v, 65535);
	if (strcmp(kw, "ttl") == 0)
		return add_hc(pc, HC_TTL, v, 255);
	if (strcmp(kw, "ip_proto") == 0)
		return v == NULL ? pfail(pc, pc->col, "invalid ip_proto", NULL) :
		    parse_proto_keyword(pc, v);
	if (strcmp(kw, "id") == 0)
		return add_hc(pc, HC_IP_ID, v, 65535);
	if (strcmp(kw, "window") == 0)
		return add_hc(pc, HC_WINDOW, v, 65535);
	if (strcmp(kw, "ack") == 0)
		return add_hc(pc, HC_ACK, v, UINT32_MAX);
	if (strcmp(kw, "seq") == 0)
		return add_hc(pc, HC_SEQ, v, UINT32_MAX);
	if (strcmp(kw, "tcp.mss") == 0)
		return add_hc(pc, HC_TCP_MSS, v, 65535);
	if (strcmp(kw, "flags") == 0 || strcmp(kw, "tcp.flags") == 0)
		return v == NULL ? pfail(pc, pc->col, "invalid flags", NULL) :
		    parse_flags(pc, v);
	if (strcmp(kw, "fragbits") == 0)
		return v == NULL ? pfail(pc, pc->col, "invalid fragbits", NULL) :
		    parse_fragbits(pc, v);
	if (strcmp(kw, "stream_size") == 0) {
		char *f[3];
		int nf;
		char buf[48];

		if (v == NULL || (nf = split(v, f, 3)) != 3)
			return pfail(pc, pc->col, "invalid stream_size", NULL);
		(void)snprintf(buf, sizeof(buf), "%s%s", f[1], f[2]);
		if (add_hc(pc, HC_STREAM_SIZE, buf, UINT32_MAX) != 0)
			return -1;
		if (strcmp(f[0], "server") == 0) r->hc[r->nhc - 1].mod = 0;
		else if (strcmp(f[0], "client") == 0) r->hc[r->nhc - 1].mod = 1;
		else if (strcmp(f[0], "both") == 0) r->hc[r->nhc - 1].mod = 2;
		else if (strcmp(f[0], "either") == 0) r->hc[r->nhc - 1].mod = 3;
		else
			return pfail(pc, pc->col, "invalid stream_size", NULL);
		return 0;
	}
	if (strcmp(kw, "base64_decode") == 0)
		return parse_base64_decode(pc, v);
	if (strcmp(kw, "base64_data") == 0) {
		(void)add_dm(pc, cur_key(pc), DM_B64_DATA);
		pc->b64data = true;
		return 0;
	}
	if (strcmp(kw, "dotprefix") == 0)
		return add_transform(pc, DT_DOTPREFIX, kw);
	if (strcmp(kw, "to_lowercase") == 0)
		return add_transform(pc, DT_TO_LOWERCASE, kw);
	if (strcmp(kw, "to_uppercase") == 0)
		return add_transform(pc, DT_TO_UPPERCASE, kw);
	if (strcmp(kw, "strip_whitespace") == 0)
		return add_transform(pc, DT_STRIP_WHITESPACE, kw);
	if (strcmp(kw, "compress_whitespace") == 0)
		return add_transform(pc, DT_COMPRESS_WHITESPACE, kw);
	if (strcmp(kw, "url_decode") == 0)
		return add_transform(pc, DT_URL_DECODE, kw);
	if (strcmp(kw, "decode-event") == 0 || strcmp(kw, "stream-event") == 0
	    || strcmp(kw, "app-layer-event") == 0)
		return v == NULL ? pfail(pc, pc->col, "event needs a name",
		    NULL) : parse_event(pc, kw, v);
	if (strcmp(kw, "device.src_class") == 0 ||
	    strcmp(kw, "device.dest_class") == 0)
		return v == NULL ? pfail(pc, pc->col, "device class list needed",
		    NULL) : parse_classes(pc, v, kw[7] == 's' ?
		    &r->info.src_classes : &r->info.dest_classes);
	return unsupported(pc, kw);
}

/* ---- the rule ---- */

/* Options between '(' and the final ')': name[:value]; ... */
static int
split_opts(struct pctx *pc, char *s, unsigned base_col, struct opt *opts,
    int *nopts)
{
	char *p = s;
	int n = 0;

	for (;;) {
		char *name, *val = NULL, *q;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == ')') {
			char *t = p + 1;

			while (isspace((unsigned char)*t))
				t++;
			if (*t != '\0')
				return pfail(pc, base_col + (unsigned)(t - s),
				    "text after the closing ')'", NULL);
			break;
		}
		if (*p == '\0')
			return pfail(pc, base_col + (unsigned)(p - s),
			    "missing ')' at the end of the rule", NULL);
		if (n == DETECT_MAX_OPTS)
			return pfail(pc, base_col + (unsigned)(p - s),
			    "too many options", NULL);
		name = p;
		opts[n].col = base_col + (unsigned)(p - s);
		while (*p != '\0' && *p != ':' && *p != ';')
			p++;
		if (*p == '\0')
			return pfail(pc, opts[n].col, "missing ';' after option",
			    NULL);
		if (*p == ':') {
			*p++ = '\0';
			val = p;
			for (q = p; *q != '\0'; q++) {
				if (*q == '\\' && q[1] != '\0') {
					q++;
					continue;
				}
				if (*q == ';')
					break;
			}
			if (*q == '\0')
				return pfail(pc, opts[n].col,
				    "missing ';' after option", NULL);
			*q = '\0';
			p = q + 1;
		} else
			*p++ = '\0';
		name = trim(name);
		if (*name == '\0' || strchr(name, ' ') != NULL)
			return pfail(pc, opts[n].col, "invalid option name",
			    " '%s'", name);
		opts[n].name = name;
		opts[n].val = val;
		n++;
	}
	*nopts = n;
	return 0;
}

void
detect_rule_free(struct drule *r)
{
	uint16_t i, j;
	size_t k;

	for (i = 0; i < r->nlists; i++) {
		for (j = 0; j < r->lists[i].n; j++) {
			free(r->lists[i].m[j].pat);
			if (r->lists[i].m[j].re != NULL)
				pcre2_code_free(r->lists[i].m[j].re);
		}
		free(r->lists[i].m);
	}
	free(r->lists);
	for (i = 0; i < r->nfb; i++)
		free(r->fb[i].ids);
	free(r->fb);
	free(r->hc);
	free(r->events);
	for (k = 0; k < r->info.n_meta; k++) {
		free(r->meta_k[k]);
		free(r->meta_v[k]);
	}
	free(r->meta_k);
	free(r->meta_v);
	free(r->msg_buf);
	free(r->classtype_buf);
	free((char *)r->info.file);
	detect_anode_free(r->src);
	detect_anode_free(r->dst);
	detect_anode_free(r->sp);
	detect_anode_free(r->dp);
	memset(r, 0, sizeof(*r));
}

static int
parse_header_proto(struct pctx *pc, const char *p, unsigned col)
{
	struct drule *r = pc->r;
	int a;
	char reason[128];

	if (strcmp(p, "ip") == 0 || strcmp(p, "pkthdr") == 0) {
		r->ipproto = 0;
		r->pkt_only = p[0] == 'p';
	} else if (strcmp(p, "tcp") == 0)
		r->ipproto = 6;
	else if (strcmp(p, "tcp-pkt") == 0) {
		r->ipproto = 6;
		r->pkt_only = true;
	} else if (strcmp(p, "tcp-stream") == 0) {
		r->ipproto = 6;
		r->stream_only = true;
	} else if (strcmp(p, "udp") == 0)
		r->ipproto = 17;
	else if (strcmp(p, "icmp") == 0)
		r->ipproto = 255;	/* ICMPv4 and ICMPv6 */
	else if (strcmp(p, "icmpv4") == 0)
		r->ipproto = 1;
	else if (strcmp(p, "icmpv6") == 0)
		r->ipproto = 58;
	else if ((a = detect_app_lookup(p)) > 0) {
		r->app = (uint16_t)a;
		r->ipproto = (a == APP_DHCP || a == APP_MDNS || a == APP_SSDP) ?
		    17 : a == APP_DNS ? 0 : 6;
	} else {
		(void)snprintf(reason, sizeof(reason),
		    "unsupported protocol '%s'", p);
		(void)col;
		return pfail(pc, 0, reason, NULL);
	}
	return 0;
}

/* Read sid before everything so that messages can name it. */
static void
find_sid(struct pctx *pc, struct opt *o, int n)
{
	int i;
	int64_t v;

	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, "sid") == 0 && o[i].val != NULL &&
		    parse_int(o[i].val, 1, UINT32_MAX, &v) == 0) {
			pc->sid = (uint32_t)v;
			pc->have_sid = true;
		}
}

/* Estimate how many stream bytes a payload list needs in one window. */
static uint32_t
list_span(const struct dlist *l)
{
	uint64_t span = 0, cur = 0;
	uint16_t i;

	for (i = 0; i < l->n; i++) {
		const struct dm *m = &l->m[i];

		switch (m->type) {
		case DM_CONTENT:
			if (m->vars)
				return DETECT_STREAM_TAIL_MAX;
			if (m->flags & DMF_DEPTH)
				cur = (uint64_t)m->depth + (m->flags & DMF_OFFSET ?
				    (uint64_t)m->offset : 0);
			else if (m->flags & DMF_WITHIN)
				cur += (uint64_t)(m->within + (m->distance > 0 ?
				    m->distance : 0));
			else if (m->flags & DMF_DISTANCE)
				return DETECT_STREAM_TAIL_MAX;
			else
				cur = m->plen;
			break;
		default:
			return DETECT_STREAM_TAIL_MAX;
		}
		if (cur > span)
			span = cur;
	}
	return span > DETECT_STREAM_TAIL_MAX ? DETECT_STREAM_TAIL_MAX :
	    (uint32_t)span;
}

/* Choose the fast pattern: the marked one, else the longest content. */
static bool
fp_eligible(const struct drule *r, uint16_t i)
{
	unsigned dl = DL_KEY_BUF(r->lists[i].key);

	if (r->kind == RK_TX)
		return dl < APP_BUF_MAX;
	if (r->kind == RK_STREAM)
		return dl == DL_PAYLOAD;
	return dl >= DL_PAYLOAD;
}

static void
choose_fast_pattern(struct drule *r)
{
	uint16_t i, j;
	uint32_t best = 0;

	r->fp_list = r->fp_m = -1;
	for (i = 0; i < r->nlists; i++)
		for (j = 0; j < r->lists[i].n && fp_eligible(r, i); j++) {
			const struct dm *m = &r->lists[i].m[j];

			if (m->type == DM_CONTENT && (m->flags & DMF_FAST) &&
			    !(m->flags & (DMF_NEGATED | DMF_B64))) {
				r->fp_list = (int16_t)i;
				r->fp_m = (int16_t)j;
				return;
			}
		}
	for (i = 0; i < r->nlists; i++)
		for (j = 0; j < r->lists[i].n && fp_eligible(r, i); j++) {
			const struct dm *m = &r->lists[i].m[j];

			if (m->type != DM_CONTENT ||
			    (m->flags & (DMF_NEGATED | DMF_B64)))
				continue;
			if (m->plen > best) {
				best = m->plen;
				r->fp_list = (int16_t)i;
				r->fp_m = (int16_t)j;
			}
		}
}

static int
finish_rule(struct pctx *pc)
{
	struct drule *r = pc->r;
	bool payload = false, appbuf = false, hdrbuf = false, pkthc = false;
	unsigned app = r->app, dirs = 3;
	uint16_t i;

	for (i = 0; i < r->nlists; i++) {
		unsigned dl = DL_KEY_BUF(r->lists[i].key);

		if (r->lists[i].n == 0)
			continue;
		if (dl == DL_PAYLOAD)
			payload = true;
		else if (dl > DL_PAYLOAD)
			hdrbuf = true;
		else if (dl < APP_BUF_MAX) {
			unsigned p = dl_proto(dl);

			appbuf = true;
			dirs &= dl_dirs(dl);
			if (p != APP_UNKNOWN) {
				if (app == APP_UNKNOWN)
					app = p;
				else if (app != p)
					return pfail(pc, 0, "buffers of another "
					    "protocol than the rule's", NULL);
			}
		}
		/* backward-looking keywords need something before them */
	}
	if (appbuf && dirs == 0)
		return pfail(pc, 0, "buffers of both directions in one rule",
		    NULL);
	if (r->flow & DFL_TOSERVER)
		dirs &= 1;
	else if (r->flow & DFL_TOCLIENT)
		dirs &= 2;
	if (dirs == 0)
		return pfail(pc, 0, "flow direction contradicts the buffers",
		    NULL);
	r->dirs = (uint8_t)dirs;
	r->app = (uint16_t)app;
	for (i = 0; i < r->nhc; i++)
		if (r->hc[i].type != HC_STREAM_SIZE)
			pkthc = true;
	if (appbuf || (r->event_kind == 3) || (r->app != APP_UNKNOWN &&
	    !payload && r->nlists == 0))
		r->kind = RK_TX;
	else if (hdrbuf || pkthc || r->event_kind == 1)
		r->kind = RK_PACKET;
	else if (payload && r->ipproto == 6 && !r->pkt_only &&
	    !(r->flow & DFL_NO_STREAM))
		r->kind = RK_STREAM;
	else if (payload && r->ipproto == 0 && r->app != APP_UNKNOWN &&
	    (r->flow & DFL_ONLY_STREAM))
		r->kind = RK_STREAM;
	else
		r->kind = RK_PACKET;
	if (r->kind == RK_PACKET && (r->flow & DFL_ONLY_STREAM) && payload &&
	    r->ipproto == 0)
		r->kind = RK_STREAM;
	choose_fast_pattern(r);
	for (i = 0; i < r->nlists; i++)
		if (r->lists[i].key == DL_PAYLOAD && r->kind == RK_STREAM)
			r->span = list_span(&r->lists[i]);
	return 0;
}

int
detect_parse_rule(struct detect_engine *e, const char *text,
    const struct rule_src *src, struct drule *r, FILE *err, char *reason,
    size_t reasonlen)
{
	struct pctx pc;
	char *buf, *p, *tok[7];
	unsigned tcol[7];
	struct opt *opts;
	int ntok = 0, nopts = 0, i, rc = -1;
	char why[256];

	memset(r, 0, sizeof(*r));
	memset(&pc, 0, sizeof(pc));
	pc.e = e;
	pc.r = r;
	pc.src = src;
	pc.err = err;
	pc.reason = reason;
	pc.reasonlen = reasonlen;
	pc.sticky = -1;
	pc.lm_list = -1;
	r->info.gid = DETECT_GID;
	r->fp_list = r->fp_m = -1;
	/* one spare byte: a header token glued to '(' gets a NUL inserted */
	buf = xcalloc(strlen(text) + 2, 1);
	memcpy(buf, text, strlen(text));
	opts = xcalloc(DETECT_MAX_OPTS, sizeof(*opts));

	/* header: seven fields, brackets may hold spaces */
	p = buf;
	while (ntok < 7) {
		int depth = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '(')
			break;
		tok[ntok] = p;
		tcol[ntok] = (unsigned)(p - buf) + 1;
		while (*p != '\0' && (depth > 0 || (!isspace((unsigned char)*p)
		    && *p != '('))) {
			if (*p == '[')
				depth++;
			else if (*p == ']')
				depth--;
			p++;
		}
		if (*p != '\0' && *p != '(')
			*p++ = '\0';
		else if (*p == '(') {
			/* "any(" : keep '(' for the options */
			memmove(p + 1, p, strlen(p) + 1);
			*p++ = '\0';
		}
		ntok++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (ntok != 7 || *p != '(') {
		(void)pfail(&pc, (unsigned)(p - buf) + 1, ntok < 7 ?
		    "incomplete rule header" : "expected '(' after the header",
		    NULL);
		goto out;
	}
	if (split_opts(&pc, p + 1, (unsigned)(p - buf) + 2, opts, &nopts) != 0)
		goto out;
	find_sid(&pc, opts, nopts);
	if (!pc.have_sid) {
		(void)pfail(&pc, 0, "rule without sid", NULL);
		goto out;
	}
	r->info.sid = pc.sid;

	if (strcmp(tok[0], "alert") == 0)
		r->info.action = DETECT_ALERT;
	else if (strcmp(tok[0], "pass") == 0)
		r->info.action = DETECT_PASS;
	else if (strcmp(tok[0], "drop") == 0)
		r->info.action = DETECT_DROP;
	else if (strcmp(tok[0], "reject") == 0 || strcmp(tok[0],
	    "rejectsrc") == 0 || strcmp(tok[0], "rejectdst") == 0 ||
	    strcmp(tok[0], "rejectboth") == 0)
		r->info.action = DETECT_REJECT;
	else {
		(void)pfail(&pc, tcol[0], "invalid action", " '%s'", tok[0]);
		goto out;
	}
	if (parse_header_proto(&pc, tok[1], tcol[1]) != 0)
		goto out;
	if (strcmp(tok[4], "->") == 0)
		r->bidir = false;
	else if (strcmp(tok[4], "<>") == 0)
		r->bidir = true;
	else {
		(void)pfail(&pc, tcol[4], "invalid direction", " '%s'", tok[4]);
		goto out;
	}
	if ((r->src = detect_parse_addr(e, tok[2], why, sizeof(why))) == NULL) {
		(void)pfail(&pc, tcol[2], "invalid source address", ": %s",
		    why);
		goto out;
	}
	if ((r->sp = detect_parse_ports(e, tok[3], why, sizeof(why))) ==
	    NULL) {
		(void)pfail(&pc, tcol[3], "invalid source port", ": %s", why);
		goto out;
	}
	if ((r->dst = detect_parse_addr(e, tok[5], why, sizeof(why))) ==
	    NULL) {
		(void)pfail(&pc, tcol[5], "invalid destination address", ": %s",
		    why);
		goto out;
	}
	if ((r->dp = detect_parse_ports(e, tok[6], why, sizeof(why))) ==
	    NULL) {
		(void)pfail(&pc, tcol[6], "invalid destination port", ": %s",
		    why);
		goto out;
	}
	for (i = 0; i < nopts; i++)
		if (handle_opt(&pc, &opts[i]) != 0)
			goto out;
	if (r->msg_buf == NULL)
		r->msg_buf = xstrdup("");
	if (finish_rule(&pc) != 0)
		goto out;
	r->info.msg = r->msg_buf;
	r->info.classtype = r->classtype_buf;
	if (r->info.category == NULL)
		r->info.category = "";
	if (r->info.severity == 0)
		r->info.severity = 3;
	r->info.meta_keys = (const char *const *)r->meta_k;
	r->info.meta_values = (const char *const *)r->meta_v;
	rc = 0;
out:
	for (i = 0; i < pc.nbvars; i++)
		free(pc.bvars[i]);
	free(opts);
	free(buf);
	if (rc != 0)
		detect_rule_free(r);
	return rc;
}
