/*
 * device.c - evidence fusion for one device's attributes.
 *
 * See device.h for the rules: values compete per attribute, claims
 * for the same value combine as independent evidence, the strongest
 * value is the answer and the others stay as alternatives.
 */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/evidence.h"
#include "device/device.h"
#include "output/jsonw.h"
#include "util/util.h"

/*
 * First allocations.  Most attributes that get a value get just one;
 * a device with any evidence usually has a few pieces (OUI vendor, a
 * host name, a role).  Both double from there up to their caps.
 */
#define DEV_FIRST_VALUES	1
#define DEV_FIRST_EVIDENCE	4

static const char *const dev_attr_names[DEV_A_MAX] = {
	[DEV_A_CLASS] = "class",
	[DEV_A_VENDOR] = "vendor",
	[DEV_A_MODEL] = "model",
	[DEV_A_SOFTWARE] = "software",
	[DEV_A_SERIAL] = "serial",
	[DEV_A_HOSTNAME] = "hostname",
};

const char *
dev_attr_name(enum dev_attr a)
{
	return (unsigned)a < DEV_A_MAX ? dev_attr_names[a] : "?";
}

int
dev_attr_lookup(const char *s)
{
	int i;

	for (i = 0; i < DEV_A_MAX; i++)
		if (strcmp(dev_attr_names[i], s) == 0)
			return i;
	return -1;
}

void
dev_init(struct device *d)
{
	memset(d, 0, sizeof(*d));
}

void
dev_free(struct device *d)
{
	int a;

	if (d == NULL)
		return;
	for (a = 0; a < DEV_A_MAX; a++)
		free(d->attr[a].v);
	free(d->evidence);
	dev_init(d);
}

void
dev_copy(struct device *dst, const struct device *src)
{
	const struct dev_attrset *s;
	struct dev_attrset *t;
	int a;

	*dst = *src;
	for (a = 0; a < DEV_A_MAX; a++) {
		s = &src->attr[a];
		t = &dst->attr[a];
		t->v = NULL;
		t->cap = 0;
		if (s->n == 0)
			continue;
		t->v = xreallocarray(NULL, s->n, sizeof(*t->v));
		memcpy(t->v, s->v, s->n * sizeof(*t->v));
		t->cap = s->n;
	}
	dst->evidence = NULL;
	dst->evidence_cap = 0;
	if (src->n_evidence > 0) {
		dst->evidence = xreallocarray(NULL, src->n_evidence,
		    sizeof(*dst->evidence));
		memcpy(dst->evidence, src->evidence,
		    src->n_evidence * sizeof(*dst->evidence));
		dst->evidence_cap = src->n_evidence;
	}
}

/* The next capacity: doubled from first, never beyond max. */
static size_t
dev_grow(size_t cap, size_t first, size_t max)
{
	cap = cap == 0 ? first : cap * 2;
	return cap < max ? cap : max;
}

struct dev_value *
dev_value_push(struct device *d, enum dev_attr a)
{
	struct dev_attrset *s;
	struct dev_value *v;
	size_t cap;

	if ((unsigned)a >= DEV_A_MAX)
		return NULL;
	s = &d->attr[a];
	if (s->n >= DEV_MAX_VALUES)
		return NULL;
	if (s->n == s->cap) {
		cap = dev_grow(s->cap, DEV_FIRST_VALUES, DEV_MAX_VALUES);
		s->v = xreallocarray(s->v, cap, sizeof(*s->v));
		s->cap = (uint8_t)cap;
	}
	v = &s->v[s->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

struct dev_evidence *
dev_evidence_push(struct device *d)
{
	struct dev_evidence *e;
	size_t cap;

	if (d->n_evidence >= DEV_MAX_EVIDENCE)
		return NULL;
	if (d->n_evidence == d->evidence_cap) {
		cap = dev_grow(d->evidence_cap, DEV_FIRST_EVIDENCE,
		    DEV_MAX_EVIDENCE);
		d->evidence = xreallocarray(d->evidence, cap,
		    sizeof(*d->evidence));
		d->evidence_cap = cap;
	}
	e = &d->evidence[d->n_evidence++];
	memset(e, 0, sizeof(*e));
	return e;
}

void
dev_attr_clear(struct device *d, enum dev_attr a)
{
	if ((unsigned)a >= DEV_A_MAX)
		return;
	free(d->attr[a].v);
	memset(&d->attr[a], 0, sizeof(d->attr[a]));
}

/* 1 - prod(1 - c_i), in percent; one certain claim makes it 100. */
static uint8_t
dev_combine(const struct dev_value *v)
{
	double miss = 1.0;
	uint8_t i;
	unsigned c;

	for (i = 0; i < v->n_claims; i++) {
		if (v->claims[i].confidence >= 100)
			return 100;
		miss *= 1.0 - v->claims[i].confidence / 100.0;
	}
	c = (unsigned)((1.0 - miss) * 100.0 + 0.5);
	if (c > 99)
		c = 99;
	if (c < 1)
		c = 1;
	return (uint8_t)c;
}

/* Order: confidence, then first seen, then value: a total order. */
static int
dev_value_cmp(const struct dev_value *a, const struct dev_value *b)
{
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return strcmp(a->value, b->value);
}

static void
dev_claims_sort(struct dev_value *v)
{
	size_t i, j;
	struct dev_claim t;

	for (i = 1; i < v->n_claims; i++)
		for (j = i; j > 0 && v->claims[j].confidence >
		    v->claims[j - 1].confidence; j--) {
			t = v->claims[j];
			v->claims[j] = v->claims[j - 1];
			v->claims[j - 1] = t;
		}
}

static void
dev_values_sort(struct dev_attrset *s)
{
	size_t i, j;
	struct dev_value t;

	for (i = 1; i < s->n; i++)
		for (j = i; j > 0 && dev_value_cmp(&s->v[j], &s->v[j - 1]) < 0;
		    j--) {
			t = s->v[j];
			s->v[j] = s->v[j - 1];
			s->v[j - 1] = t;
		}
}

static void
dev_claim_set(struct dev_claim *c, unsigned conf, const char *source,
    const char *rule)
{
	strlcpy(c->source, source, sizeof(c->source));
	strlcpy(c->rule, rule != NULL ? rule : "", sizeof(c->rule));
	c->confidence = (uint8_t)conf;
}

bool
dev_claim(struct device *d, enum dev_attr a, const char *value,
    unsigned conf, const char *source, const char *rule, uint64_t ts_us)
{
	struct dev_attrset *s;
	struct dev_value *v = NULL;
	char before[DEV_VALUE_MAX];
	size_t i;

	if ((unsigned)a >= DEV_A_MAX || value == NULL || value[0] == '\0' ||
	    source == NULL)
		return false;
	if (conf < 1)
		conf = 1;
	if (conf > 100)
		conf = 100;
	s = &d->attr[a];
	strlcpy(before, s->n > 0 ? s->v[0].value : "", sizeof(before));

	for (i = 0; i < s->n; i++)
		if (strncasecmp(s->v[i].value, value, DEV_VALUE_MAX - 1) == 0) {
			v = &s->v[i];
			break;
		}
	if (v == NULL) {
		if (s->n == DEV_MAX_VALUES) {
			/* Full: replace the weakest if the newcomer beats it. */
			v = &s->v[s->n - 1];
			if (conf <= v->confidence)
				return false;
			memset(v, 0, sizeof(*v));
		} else
			v = dev_value_push(d, a);
		strlcpy(v->value, value, sizeof(v->value));
		v->first_us = ts_us;
	}
	v->last_us = ts_us;
	for (i = 0; i < v->n_claims; i++)
		if (strcmp(v->claims[i].source, source) == 0 &&
		    strcmp(v->claims[i].rule, rule != NULL ? rule : "") == 0)
			break;
	if (i < v->n_claims) {
		if (conf > v->claims[i].confidence)
			v->claims[i].confidence = (uint8_t)conf;
	} else if (v->n_claims < DEV_MAX_CLAIMS)
		dev_claim_set(&v->claims[v->n_claims++], conf, source, rule);
	else if (conf > v->claims[v->n_claims - 1].confidence)
		dev_claim_set(&v->claims[v->n_claims - 1], conf, source, rule);
	dev_claims_sort(v);
	v->confidence = dev_combine(v);
	dev_values_sort(s);
	return strcmp(before, s->v[0].value) != 0;
}

/*
 * Whether a stored key is key, of len bytes.  Keys share prefixes
 * ("hl7.", "dhcp.", "dicom."), so the length and the first and last
 * bytes are compared first: a call only for the key itself.  A key too
 * long to store is never equal to one stored (cut short).
 */
static bool
dev_key_is(const char *stored, const char *key, size_t len)
{
	return len < DEV_KEY_MAX && stored[len] == '\0' && (len == 0 ||
	    (stored[0] == key[0] && stored[len - 1] == key[len - 1] &&
	    memcmp(stored, key, len) == 0));
}

bool
dev_has_evidence(const struct device *d, const char *key, const char *value)
{
	size_t i, len = strlen(key);

	for (i = 0; i < d->n_evidence; i++)
		if (dev_key_is(d->evidence[i].key, key, len) &&
		    strncmp(d->evidence[i].value, value, DEV_VALUE_MAX - 1) == 0)
			return true;
	return false;
}

bool
dev_add_evidence(struct device *d, const char *key, const char *value,
    uint64_t ts_us)
{
	struct dev_evidence *e;
	size_t i, same = 0, len;

	if (key == NULL || value == NULL || value[0] == '\0')
		return false;
	/* dev_has_evidence() and the count of the key's values in one
	 * walk: the key is compared once per entry. */
	len = strlen(key);
	for (i = 0; i < d->n_evidence; i++)
		if (dev_key_is(d->evidence[i].key, key, len)) {
			if (strncmp(d->evidence[i].value, value,
			    DEV_VALUE_MAX - 1) == 0)
				return false;
			same++;
		}
	if (d->n_evidence == DEV_MAX_EVIDENCE || same >= DEV_MAX_PER_KEY) {
		d->evidence_dropped++;
		return false;
	}
	/* The slot is zeroed: the NULs are there, and the lengths known
	 * or a strnlen() away. */
	e = dev_evidence_push(d);
	memcpy(e->key, key, len < sizeof(e->key) ? len : sizeof(e->key) - 1);
	memcpy(e->value, value, strnlen(value, sizeof(e->value) - 1));
	e->first_us = ts_us;
	d->evidence_new = true;
	return true;
}

bool
dev_set_ip(struct device *d, const struct dev_ip *ip)
{
	size_t i;

	if (d->has_ip && memcmp(&d->ip, ip, sizeof(*ip)) == 0)
		return false;
	if (d->has_ip) {
		/* Drop the new address from the history if it was there,
		 * then push the old one on top. */
		for (i = 0; i < d->n_ips; i++)
			if (memcmp(&d->ips[i], ip, sizeof(*ip)) == 0) {
				memmove(&d->ips[i], &d->ips[i + 1],
				    (d->n_ips - i - 1) * sizeof(d->ips[0]));
				d->n_ips--;
				break;
			}
		if (d->n_ips == DEV_MAX_IPS)
			d->n_ips--;
		memmove(&d->ips[1], &d->ips[0], d->n_ips * sizeof(d->ips[0]));
		d->ips[0] = d->ip;
		d->n_ips++;
	}
	d->ip = *ip;
	d->has_ip = true;
	return true;
}

static const uint8_t dev_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void
dev_ip_from4(struct dev_ip *ip, const uint8_t a[4])
{
	memcpy(ip->a, dev_v4mapped, 12);
	memcpy(ip->a + 12, a, 4);
}

void
dev_ip_from6(struct dev_ip *ip, const uint8_t a[16])
{
	memcpy(ip->a, a, 16);
}

const char *
dev_ip_format(const struct dev_ip *ip, char *buf, size_t len)
{
	char b6[UTIL_ADDRBUF];
	size_t n;

	/* inet_ntop() goes through sprintf(): every device record has its
	 * addresses written. */
	if (dev_ip_is4(ip) && len >= INET_ADDRSTRLEN) {
		util_format_ip(4, ip->a + 12, buf);
		return buf;
	}
	if (dev_ip_is4(ip))
		return inet_ntop(AF_INET, ip->a + 12, buf, (socklen_t)len);
	if (len >= UTIL_ADDRBUF) {
		util_format_ip(6, ip->a, buf);
		return buf;
	}
	/* Too short a buffer maybe: as inet_ntop() answers then. */
	util_format_ip(6, ip->a, b6);
	if ((n = strlen(b6)) >= len)
		return inet_ntop(AF_INET6, ip->a, buf, (socklen_t)len);
	memcpy(buf, b6, n + 1);
	return buf;
}

int
dev_ip_parse(const char *s, struct dev_ip *ip)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, s, a) == 1) {
		dev_ip_from4(ip, a);
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		dev_ip_from6(ip, a);
		return 0;
	}
	return -1;
}

bool
dev_ip_is_private(const struct dev_ip *ip)
{
	const uint8_t *a;

	if (dev_ip_is4(ip)) {
		a = ip->a + 12;
		return a[0] == 10 ||
		    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64) ||
		    (a[0] == 169 && a[1] == 254);
	}
	a = ip->a;
	return (a[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);	/* fe80::/10 */
}

/* "00:40:c1:00:00:01", as snprintf's %02x would write it (and cut as
 * it would), without its cost: every record and key names a MAC. */
const char *
dev_mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char s[18];
	int i;

	/* Room for all of it (every caller's): straight into buf. */
	if (len >= sizeof(s)) {
		*util_put_mac(buf, mac) = '\0';
		return buf;
	}
	for (i = 0; i < 6; i++) {
		s[i * 3] = hex[mac[i] >> 4];
		s[i * 3 + 1] = hex[mac[i] & 0xf];
		s[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	if (len > 0)
		strlcpy(buf, s, len);
	return buf;
}

/*
 * A device record is written as one run (output/jsonw.h): room for the
 * most its members can take is made once, from the counts of values,
 * claims and evidence, and the members go straight into the buffer.
 * The bounds below are worst cases (every byte escaped as \u00XX, every
 * number at its largest); tests/unit/test-device.c writes such a record.
 */
#define DEV_JSON_STR(size)	JSONW_RUN_STR_MAX(size)
#define DEV_JSON_NUM		21	/* a number with its comma */
#define DEV_JSON_KEY		24	/* a literal key, its comma, '{' or '[' */
/* mac, ip, vlan, flags, virtual_machine, an answer per attribute,
 * confidence, times, previous addresses, the lists' and objects' keys
 * and brackets, the counters. */
#define DEV_JSON_FIXED	(40 * DEV_JSON_KEY + 8 * DEV_JSON_NUM +		\
	(DEV_A_MAX + 1) * DEV_JSON_STR(DEV_VALUE_MAX) +			\
	(DEV_MAX_IPS + 1) * (INET6_ADDRSTRLEN + 3) + 2 * (40 + 3))
/* An attribute's value: its object, each claim's. */
#define DEV_JSON_VALUE	(4 * DEV_JSON_KEY + DEV_JSON_NUM +		\
	DEV_JSON_STR(DEV_VALUE_MAX) + DEV_MAX_CLAIMS * (4 * DEV_JSON_KEY +	\
	DEV_JSON_NUM + DEV_JSON_STR(DEV_SOURCE_MAX) +			\
	DEV_JSON_STR(DEV_RULE_MAX)))
/* A piece of evidence: its key as a member name with its brackets, its
 * value there and in a list. */
#define DEV_JSON_EVIDENCE	(DEV_JSON_STR(DEV_KEY_MAX) + 4 +		\
	2 * DEV_JSON_STR(DEV_VALUE_MAX))

size_t
dev_json_bound(const struct device *d)
{
	size_t n = 0;
	int a;

	for (a = 0; a < DEV_A_MAX; a++)
		n += d->attr[a].n;
	return DEV_JSON_FIXED + n * DEV_JSON_VALUE +
	    d->n_evidence * DEV_JSON_EVIDENCE;
}

/* The attributes' names as run keys, quoted, with their colons. */
static const struct {
	const char	*q;
	size_t		 n;
} dev_attr_keys[DEV_A_MAX] = {
#define K(a, s)	[a] = { "\"" s "\":", sizeof(s) + 2 }
	K(DEV_A_CLASS, "class"),
	K(DEV_A_VENDOR, "vendor"),
	K(DEV_A_MODEL, "model"),
	K(DEV_A_SOFTWARE, "software"),
	K(DEV_A_SERIAL, "serial"),
	K(DEV_A_HOSTNAME, "hostname"),
#undef K
};

static void
dev_run_attr_key(struct jsonw_run *r, int a)
{
	jsonw_run_lit(r, dev_attr_keys[a].q, dev_attr_keys[a].n, false);
}

/* A string our formatters made (nothing to escape), n bytes. */
static void
dev_run_plain(struct jsonw_run *r, const char *s, size_t n)
{
	char *o = r->o;

	if (r->comma)
		*o++ = ',';
	r->comma = true;
	*o++ = '"';
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	r->o = o;
}

static void
dev_run_ip(struct jsonw_run *r, const struct dev_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	dev_ip_format(ip, buf, sizeof(buf));
	dev_run_plain(r, buf, strlen(buf));
}

static void
dev_run_ts(struct jsonw_run *r, uint64_t ts_us)
{
	char buf[40];

	util_format_ts(ts_us, false, buf);
	dev_run_plain(r, buf, strlen(buf));
}

static void
dev_run_true(struct jsonw_run *r)
{
	jsonw_run_lit(r, "true", 4, true);
}

static void
dev_run_value(struct jsonw_run *r, const struct dev_value *v)
{
	uint8_t i;

	jsonw_run_open(r, '{');
	JSONW_RUN_KV_STR(r, "value", v->value);
	JSONW_RUN_KV_UINT(r, "confidence", v->confidence);
	JSONW_RUN_KEY(r, "sources");
	jsonw_run_open(r, '[');
	for (i = 0; i < v->n_claims; i++) {
		jsonw_run_open(r, '{');
		JSONW_RUN_KV_STR(r, "source", v->claims[i].source);
		if (v->claims[i].rule[0] != '\0')
			JSONW_RUN_KV_STR(r, "rule", v->claims[i].rule);
		JSONW_RUN_KV_UINT(r, "confidence", v->claims[i].confidence);
		jsonw_run_close(r, '}');
	}
	jsonw_run_close(r, ']');
	jsonw_run_close(r, '}');
}

/*
 * The evidence grouped by key, in one walk: head[] holds the first
 * piece of each key in the order the keys came, next[] links each
 * piece to the next of the same key (0: the last; a piece is never
 * the next of one after it).
 */
_Static_assert(DEV_MAX_EVIDENCE <= 256, "evidence indices are bytes");

struct dev_groups {
	uint8_t		 head[DEV_MAX_EVIDENCE];
	uint8_t		 len[DEV_MAX_EVIDENCE];	/* of head[k]'s key */
	uint8_t		 next[DEV_MAX_EVIDENCE];
	size_t		 n;
};

static void
dev_groups(struct dev_groups *g, const struct device *d)
{
	uint8_t tail[DEV_MAX_EVIDENCE];
	size_t i, k, len, n = d->n_evidence;

	if (n > DEV_MAX_EVIDENCE)
		n = DEV_MAX_EVIDENCE;
	g->n = 0;
	for (i = 0; i < n; i++) {
		const char *key = d->evidence[i].key;

		len = strnlen(key, DEV_KEY_MAX);
		g->next[i] = 0;
		for (k = 0; k < g->n; k++)
			if (g->len[k] == len && dev_key_is(
			    d->evidence[g->head[k]].key, key, len))
				break;
		if (k < g->n) {
			g->next[tail[k]] = (uint8_t)i;
			tail[k] = (uint8_t)i;
			continue;
		}
		g->head[g->n] = (uint8_t)i;
		g->len[g->n] = (uint8_t)len;
		tail[g->n++] = (uint8_t)i;
	}
}

/* The group of key, or -1. */
static int
dev_group_of(const struct dev_groups *g, const struct device *d,
    const char *key)
{
	size_t k, len = strlen(key);

	for (k = 0; k < g->n; k++)
		if (g->len[k] == len && dev_key_is(d->evidence[g->head[k]].key,
		    key, len))
			return (int)k;
	return -1;
}

/* A group's values, as a JSON array. */
static void
dev_run_group(struct jsonw_run *r, const struct dev_groups *g,
    const struct device *d, int k)
{
	size_t i = g->head[k];

	jsonw_run_open(r, '[');
	do {
		jsonw_run_str_in(r, d->evidence[i].value,
		    sizeof(d->evidence[i].value));
	} while ((i = g->next[i]) != 0);
	jsonw_run_close(r, ']');
}

void
dev_json(struct jsonw *jw, const struct device *d, unsigned flags)
{
	static const struct {
		const char	*q;	/* the list's name, as a run key */
		size_t		 n;
		enum evidence_key key;
	} lists[] = {
#define L(s, k)	{ "\"" s "\":", sizeof(s) + 2, k }
		L("roles", EVIDENCE_BEHAVIOUR),
		L("hl7_applications", EVIDENCE_HL7_SENDING_APP),
		L("ae_titles", EVIDENCE_DICOM_CALLING_AE),
		L("services", EVIDENCE_PORT_SERVER),
#undef L
	};
	struct dev_groups g;
	struct jsonw_run run, *r = &run;
	char buf[18];
	const struct dev_value *v;
	size_t i, j;
	int a, k;

	dev_groups(&g, d);
	jsonw_run_begin(jw, r, dev_json_bound(d));
	/* MACs, addresses and times are our formatters' (plain). */
	if (!(d->flags & DEV_F_ROUTED) && !(flags & DEV_JSON_NO_MAC)) {
		JSONW_RUN_KEY(r, "mac");
		dev_run_plain(r, dev_mac_format(d->mac, buf, sizeof(buf)), 17);
	}
	if (d->has_ip) {
		JSONW_RUN_KEY(r, "ip");
		dev_run_ip(r, &d->ip);
	}
	if (d->vlan != 0)
		JSONW_RUN_KV_UINT(r, "vlan", d->vlan);
	if (d->flags & DEV_F_ROUTED) {
		JSONW_RUN_KEY(r, "routed");
		dev_run_true(r);
	}
	if (d->flags & DEV_F_ROUTER) {
		JSONW_RUN_KEY(r, "router");
		dev_run_true(r);
	}
	if (d->flags & DEV_F_RELAYED) {
		JSONW_RUN_KEY(r, "vlan_unknown");
		dev_run_true(r);
	}
	if (d->flags & DEV_F_PRIVMAC) {
		JSONW_RUN_KEY(r, "random_mac");
		dev_run_true(r);
	}
	k = dev_group_of(&g, d, evidence_key_name(EVIDENCE_VM_HYPERVISOR));
	if (k >= 0)
		JSONW_RUN_KV_STR(r, "virtual_machine",
		    d->evidence[g.head[k]].value);
	v = dev_best(d, DEV_A_CLASS);
	if (v != NULL)
		JSONW_RUN_KV_STR(r, "class", v->value);
	else
		JSONW_RUN_KV_PLAIN(r, "class", "unknown");
	for (a = DEV_A_CLASS + 1; a < DEV_A_MAX; a++) {
		const struct dev_value *x = dev_best(d, (enum dev_attr)a);

		if (x == NULL)
			continue;
		dev_run_attr_key(r, a);
		jsonw_run_str_in(r, x->value, sizeof(x->value));
	}
	JSONW_RUN_KV_UINT(r, "confidence", v != NULL ? v->confidence : 0);
	JSONW_RUN_KEY(r, "first_seen");
	dev_run_ts(r, d->first_us);
	JSONW_RUN_KEY(r, "last_seen");
	dev_run_ts(r, d->last_us);
	if (d->n_ips > 0) {
		JSONW_RUN_KEY(r, "previous_ips");
		jsonw_run_open(r, '[');
		for (i = 0; i < d->n_ips; i++)
			dev_run_ip(r, &d->ips[i]);
		jsonw_run_close(r, ']');
	}
	for (j = 0; j < sizeof(lists) / sizeof(lists[0]); j++) {
		if ((k = dev_group_of(&g, d, evidence_key_name(lists[j].key)))
		    < 0)
			continue;
		jsonw_run_lit(r, lists[j].q, lists[j].n, false);
		dev_run_group(r, &g, d, k);
	}

	/* The slim form: identity without the reasons behind it. */
	if (flags & DEV_JSON_SLIM)
		goto counters;
	JSONW_RUN_KEY(r, "attributes");
	jsonw_run_open(r, '{');
	for (a = 0; a < DEV_A_MAX; a++) {
		if (d->attr[a].n == 0)
			continue;
		dev_run_attr_key(r, a);
		dev_run_value(r, &d->attr[a].v[0]);
	}
	jsonw_run_close(r, '}');

	for (a = 0; a < DEV_A_MAX; a++)
		if (d->attr[a].n > 1)
			break;
	if (a < DEV_A_MAX) {
		JSONW_RUN_KEY(r, "alternatives");
		jsonw_run_open(r, '{');
		for (a = 0; a < DEV_A_MAX; a++) {
			if (d->attr[a].n < 2)
				continue;
			dev_run_attr_key(r, a);
			jsonw_run_open(r, '[');
			for (i = 1; i < d->attr[a].n; i++)
				dev_run_value(r, &d->attr[a].v[i]);
			jsonw_run_close(r, ']');
		}
		jsonw_run_close(r, '}');
	}
	/* The evidence itself, by key: what the answers were made of. */
	if (g.n > 0) {
		JSONW_RUN_KEY(r, "evidence");
		jsonw_run_open(r, '{');
		for (k = 0; k < (int)g.n; k++) {
			const struct dev_evidence *e = &d->evidence[g.head[k]];

			/* The key as a member name, escaped as a value. */
			jsonw_run_str_in(r, e->key, sizeof(e->key));
			*r->o++ = ':';
			r->comma = false;
			dev_run_group(r, &g, d, k);
		}
		jsonw_run_close(r, '}');
	}
	if (d->evidence_dropped > 0)
		JSONW_RUN_KV_UINT(r, "evidence_dropped", d->evidence_dropped);
 counters:
	JSONW_RUN_KV_UINT(r, "flows", d->flows);
	JSONW_RUN_KV_UINT(r, "packets", d->packets);
	JSONW_RUN_KV_UINT(r, "bytes", d->bytes);
	jsonw_run_end(jw, r);
}
