/*
 * inventory.c - "wardwatch inventory": the stored devices as a table,
 * JSON lines or CSV.
 *
 * The database is opened read-only: the command is safe beside a
 * running sensor (WAL gives it a consistent snapshot) and never
 * repairs or moves a damaged file; that is the sensor's job.  It needs
 * no write access to the database's directory (state_open_readonly()).
 *
 * Attribute values come from the wire (DHCP host names, HL7 fields),
 * so an attacker chooses them.  Before they reach a terminal or a
 * spreadsheet, control characters, bidirectional overrides and bytes
 * that are not UTF-8 are shown as \xNN, and CSV text that a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe (OWASP "CSV injection").  JSON output needs neither: the
 * writer escapes everything.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "device/device.h"
#include "device/fpdb.h"
#include "device/inventory.h"
#include "device/peers.h"
#include "output/jsonw.h"
#include "report/report.h"
#include "state/state.h"
#include "util/util.h"

#define INV_EXIT_USAGE		1
#define INV_EXIT_RUNTIME	2

/* A cleaned value: every input byte may become "\xNN". */
#define INV_CLEAN_MAX	(DEV_VALUE_MAX * 4 + 1)

enum inv_format {
	INV_TABLE,
	INV_JSON,
	INV_CSV
};

enum inv_col {
	INV_C_MAC,
	INV_C_VLAN,
	INV_C_IP,
	INV_C_CLASS,
	INV_C_VENDOR,
	INV_C_MODEL,
	INV_C_SOFTWARE,
	INV_C_CONF,
	INV_C_RISK,
	INV_C_LAST,
	INV_NCOLS
};

static const char *const inv_heads[INV_NCOLS] = {
	[INV_C_MAC] = "MAC",
	[INV_C_VLAN] = "VLAN",
	[INV_C_IP] = "IP",
	[INV_C_CLASS] = "CLASS",
	[INV_C_VENDOR] = "VENDOR",
	[INV_C_MODEL] = "MODEL",
	[INV_C_SOFTWARE] = "SOFTWARE",
	[INV_C_CONF] = "CONF",
	[INV_C_RISK] = "RISK",
	[INV_C_LAST] = "LAST SEEN",
};

/* One table line: the cells and what it sorts by, not the device. */
struct inv_row {
	uint16_t	 vlan;
	bool		 has_ip;
	uint8_t		 ip[16];
	uint8_t		 mac[6];
	uint64_t	 id;
	char		*col[INV_NCOLS];
};

struct inv_class {
	char		*name;		/* cleaned for display */
	size_t		 n;
};

struct inventory {
	enum inv_format	 fmt;
	const char	*class;		/* --class, or NULL */
	FILE		*out;
	struct jsonw	 jw;
	size_t		 ndev;

	struct inv_row	*rows;		/* table only */
	size_t		 nrows, caprows;
	struct inv_class *classes;
	size_t		 nclasses;

	/* Risk scores (wardwatch-report's), by device id. */
	uint64_t	*risk_ids;
	int		*risks;
	size_t		 nrisks;
};

static int
inv_risk(const struct inventory *inv, uint64_t id)
{
	size_t lo = 0, hi = inv->nrisks, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (inv->risk_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < inv->nrisks && inv->risk_ids[lo] == id ? inv->risks[lo] :
	    -1;
}

static void
inventory_usage(FILE *fp)
{
	const char *c;
	size_t col = 0;
	int i;

	fprintf(fp,
"usage: wardwatch inventory --state db [--json | --csv] [--class name]\n"
"                           [--peers]\n"
"\n"
"  --state db       the state database the sensor keeps\n"
"  --json           one JSON object per device and line\n"
"  --csv            comma-separated values (RFC 4180) with a header\n"
"  --class name     only devices of this class (\"unknown\": no class)\n"
"  --peers          each device's peers instead: direction, service,\n"
"                   application, flows and bytes (the communication\n"
"                   map; --csv: one row per peer entry)\n"
"  --help           print this help and exit\n"
"\n"
"classes:");
	for (i = 0; i < FP_CLASS_MAX; i++) {
		c = fp_class_name((enum fp_class)i);
		if (col + 1 + strlen(c) > 72) {
			fputs("\n ", fp);
			col = 0;
		}
		fprintf(fp, " %s", c);
		col += 1 + strlen(c);
	}
	putc('\n', fp);
}

/*
 * --class takes the names the fingerprint database gives (fpdb.h), in
 * any case, so that a misspelt one is an error rather than an empty
 * list.
 */
static bool
inv_class_known(const char *name)
{
	int i;

	for (i = 0; i < FP_CLASS_MAX; i++)
		if (strcasecmp(fp_class_name((enum fp_class)i), name) == 0)
			return true;
	return false;
}

/* One UTF-8 sequence: its length and code point, or 0 if invalid. */
static size_t
inv_utf8(const unsigned char *p, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters a terminal acts on or that reorder the text around them. */
static bool
inv_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x2028 || c == 0x2029;
}

/* s for display into out (INV_CLEAN_MAX bytes). */
static const char *
inv_clean(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, i;
	uint32_t c;

	while (*p != '\0') {
		n = inv_utf8(p, &c);
		if (n == 0 || inv_unsafe(c)) {
			if (n == 0)
				n = 1;
			for (i = 0; i < n && o + 5 <= INV_CLEAN_MAX; i++) {
				snprintf(out + o, 5, "\\x%02x", p[i]);
				o += 4;
			}
		} else if (o + n + 1 <= INV_CLEAN_MAX) {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return out;
}

/* Terminal columns: one per code point (cells are valid UTF-8). */
static size_t
inv_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static const char *
inv_value(const struct device *d, enum dev_attr a)
{
	const struct dev_value *v = dev_best(d, a);

	return v != NULL ? v->value : NULL;
}

static bool
inv_match(const struct inventory *inv, const struct device *d)
{
	const char *c;

	if (inv->class == NULL)
		return true;
	c = inv_value(d, DEV_A_CLASS);
	return strcasecmp(c != NULL ? c : "unknown", inv->class) == 0;
}

static int
inv_json(struct inventory *inv, const struct device *d)
{
	const char *t;
	size_t len;

	jsonw_reset(&inv->jw);
	jsonw_obj_open(&inv->jw);
	dev_json(&inv->jw, d, 0);
	jsonw_obj_close(&inv->jw);
	if (!jsonw_ok(&inv->jw)) {
		fprintf(stderr, "wardwatch inventory: device %llu: record "
		    "too large\n", (unsigned long long)d->id);
		return -1;
	}
	t = jsonw_text(&inv->jw, &len);
	fwrite(t, 1, len, inv->out);
	putc('\n', inv->out);
	return 0;
}

/*
 * One CSV field (RFC 4180): quoted when it holds a comma or a quote
 * (cleaning has already turned CR and LF into text).  Text fields are
 * cleaned and kept from starting a spreadsheet formula.
 */
static void
inv_csv_field(FILE *fp, const char *s, bool text, bool last)
{
	char buf[INV_CLEAN_MAX + 1];
	const char *p = s;

	if (text) {
		p = inv_clean(s, buf + 1);
		if (p[0] != '\0' && strchr("=+-@", p[0]) != NULL) {
			buf[0] = '\'';
			p = buf;
		}
	}
	if (strpbrk(p, ",\"\r\n") == NULL)
		fputs(p, fp);
	else {
		putc('"', fp);
		for (; *p != '\0'; p++) {
			if (*p == '"')
				putc('"', fp);
			putc(*p, fp);
		}
		putc('"', fp);
	}
	fputs(last ? "\r\n" : ",", fp);
}

static const char *const inv_csv_head[] = {
	"mac", "vlan", "ip", "class", "vendor", "model", "software",
	"serial", "hostname", "confidence", "first_seen", "last_seen", "risk"
};

static int
inv_csv(struct inventory *inv, const struct device *d)
{
	const struct dev_value *cls = dev_best(d, DEV_A_CLASS);
	const char *v;
	char buf[64], ts[UTIL_TSBUF];
	int a;

	if (d->flags & DEV_F_ROUTED)
		buf[0] = '\0';
	else
		dev_mac_format(d->mac, buf, sizeof(buf));
	inv_csv_field(inv->out, buf, false, false);
	snprintf(buf, sizeof(buf), "%u", d->vlan);
	inv_csv_field(inv->out, buf, false, false);
	if (d->has_ip)
		dev_ip_format(&d->ip, buf, sizeof(buf));
	else
		buf[0] = '\0';
	inv_csv_field(inv->out, buf, false, false);
	inv_csv_field(inv->out, cls != NULL ? cls->value : "unknown", true,
	    false);
	for (a = DEV_A_VENDOR; a <= DEV_A_HOSTNAME; a++) {
		v = inv_value(d, (enum dev_attr)a);
		inv_csv_field(inv->out, v != NULL ? v : "", true, false);
	}
	snprintf(buf, sizeof(buf), "%u", cls != NULL ? cls->confidence : 0);
	inv_csv_field(inv->out, buf, false, false);
	util_format_ts(d->first_us, false, ts);
	inv_csv_field(inv->out, ts, false, false);
	util_format_ts(d->last_us, false, ts);
	inv_csv_field(inv->out, ts, false, false);
	snprintf(buf, sizeof(buf), "%d", inv_risk(inv, d->id));
	inv_csv_field(inv->out, inv_risk(inv, d->id) >= 0 ? buf : "", false,
	    true);
	return 0;
}

static void
inv_count_class(struct inventory *inv, const char *name)
{
	char buf[INV_CLEAN_MAX];
	size_t i;

	inv_clean(name, buf);
	for (i = 0; i < inv->nclasses; i++)
		if (strcasecmp(inv->classes[i].name, buf) == 0) {
			inv->classes[i].n++;
			return;
		}
	inv->classes = xreallocarray(inv->classes, inv->nclasses + 1,
	    sizeof(*inv->classes));
	inv->classes[inv->nclasses].name = xstrdup(buf);
	inv->classes[inv->nclasses].n = 1;
	inv->nclasses++;
}

static char *
inv_cell(const char *v)
{
	char buf[INV_CLEAN_MAX];

	return xstrdup(v != NULL && v[0] != '\0' ? inv_clean(v, buf) : "-");
}

static int
inv_row_add(struct inventory *inv, const struct device *d)
{
	const struct dev_value *cls = dev_best(d, DEV_A_CLASS);
	struct inv_row *r;
	char buf[64], ts[UTIL_TSBUF];

	if (inv->nrows == inv->caprows) {
		inv->caprows = inv->caprows == 0 ? 64 : inv->caprows * 2;
		inv->rows = xreallocarray(inv->rows, inv->caprows,
		    sizeof(*inv->rows));
	}
	r = &inv->rows[inv->nrows++];
	memset(r, 0, sizeof(*r));
	r->vlan = d->vlan;
	r->has_ip = d->has_ip;
	if (d->has_ip)
		memcpy(r->ip, d->ip.a, sizeof(r->ip));
	memcpy(r->mac, d->mac, sizeof(r->mac));
	r->id = d->id;

	r->col[INV_C_MAC] = xstrdup(d->flags & DEV_F_ROUTED ? "(routed)" :
	    dev_mac_format(d->mac, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%u", d->vlan);
	r->col[INV_C_VLAN] = xstrdup(d->vlan != 0 ? buf : "-");
	r->col[INV_C_IP] = xstrdup(d->has_ip ?
	    dev_ip_format(&d->ip, buf, sizeof(buf)) : "-");
	r->col[INV_C_CLASS] = inv_cell(cls != NULL ? cls->value : "unknown");
	r->col[INV_C_VENDOR] = inv_cell(inv_value(d, DEV_A_VENDOR));
	r->col[INV_C_MODEL] = inv_cell(inv_value(d, DEV_A_MODEL));
	r->col[INV_C_SOFTWARE] = inv_cell(inv_value(d, DEV_A_SOFTWARE));
	snprintf(buf, sizeof(buf), "%u", cls != NULL ? cls->confidence : 0);
	r->col[INV_C_CONF] = xstrdup(cls != NULL ? buf : "-");
	snprintf(buf, sizeof(buf), "%d", inv_risk(inv, d->id));
	r->col[INV_C_RISK] = xstrdup(inv_risk(inv, d->id) >= 0 ? buf : "-");
	if (d->last_us != 0) {
		/* Seconds are enough on a screen: "2024-01-31T13:45:01Z". */
		util_format_ts(d->last_us, false, ts);
		snprintf(buf, sizeof(buf), "%.19sZ", ts);
		r->col[INV_C_LAST] = xstrdup(buf);
	} else
		r->col[INV_C_LAST] = xstrdup("-");
	inv_count_class(inv, cls != NULL ? cls->value : "unknown");
	return 0;
}

static int
inv_device(void *arg, const struct device *d)
{
	struct inventory *inv = arg;

	if (!inv_match(inv, d))
		return 0;
	inv->ndev++;
	switch (inv->fmt) {
	case INV_JSON:
		return inv_json(inv, d);
	case INV_CSV:
		return inv_csv(inv, d);
	case INV_TABLE:
		break;
	}
	return inv_row_add(inv, d);
}

/* VLAN, then address (devices without one last), then MAC. */
static int
inv_row_cmp(const void *pa, const void *pb)
{
	const struct inv_row *a = pa, *b = pb;
	int c;

	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	if (a->has_ip != b->has_ip)
		return a->has_ip ? -1 : 1;
	if ((c = memcmp(a->ip, b->ip, sizeof(a->ip))) != 0)
		return c;
	if ((c = memcmp(a->mac, b->mac, sizeof(a->mac))) != 0)
		return c;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/* Most devices first, then by name. */
static int
inv_class_cmp(const void *pa, const void *pb)
{
	const struct inv_class *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void
inv_pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		putc(' ', fp);
}

static void
inv_table_line(FILE *fp, const char *const *cells, const size_t *width)
{
	size_t w;
	int c;

	for (c = 0; c < INV_NCOLS; c++) {
		w = inv_width(cells[c]);
		if (c == INV_C_VLAN || c == INV_C_CONF || c == INV_C_RISK) {
			inv_pad(fp, width[c] - w);
			fputs(cells[c], fp);
		} else {
			fputs(cells[c], fp);
			if (c + 1 < INV_NCOLS)
				inv_pad(fp, width[c] - w);
		}
		if (c + 1 < INV_NCOLS)
			fputs("  ", fp);
	}
	putc('\n', fp);
}

static void
inv_table(struct inventory *inv)
{
	size_t width[INV_NCOLS], i, w, cw = 0;
	int c;

	if (inv->nrows > 1)	/* qsort(NULL, 0) is undefined */
		qsort(inv->rows, inv->nrows, sizeof(*inv->rows),
		    inv_row_cmp);
	for (c = 0; c < INV_NCOLS; c++)
		width[c] = inv_width(inv_heads[c]);
	for (i = 0; i < inv->nrows; i++)
		for (c = 0; c < INV_NCOLS; c++)
			if ((w = inv_width(inv->rows[i].col[c])) > width[c])
				width[c] = w;
	if (inv->nrows > 0) {
		inv_table_line(inv->out, inv_heads, width);
		for (i = 0; i < inv->nrows; i++)
			inv_table_line(inv->out,
			    (const char *const *)inv->rows[i].col, width);
		putc('\n', inv->out);
	}

	fprintf(inv->out, "%zu device%s\n", inv->ndev,
	    inv->ndev == 1 ? "" : "s");
	if (inv->nclasses > 1)
		qsort(inv->classes, inv->nclasses, sizeof(*inv->classes),
		    inv_class_cmp);
	for (i = 0; i < inv->nclasses; i++)
		if ((w = inv_width(inv->classes[i].name)) > cw)
			cw = w;
	for (i = 0; i < inv->nclasses; i++) {
		fprintf(inv->out, "  %s", inv->classes[i].name);
		inv_pad(inv->out, cw - inv_width(inv->classes[i].name));
		fprintf(inv->out, "  %zu\n", inv->classes[i].n);
	}
}

static void
inv_free(struct inventory *inv)
{
	size_t i;
	int c;

	for (i = 0; i < inv->nrows; i++)
		for (c = 0; c < INV_NCOLS; c++)
			free(inv->rows[i].col[c]);
	free(inv->rows);
	for (i = 0; i < inv->nclasses; i++)
		free(inv->classes[i].name);
	free(inv->classes);
	free(inv->risk_ids);
	free(inv->risks);
	jsonw_free(&inv->jw);
}

/* ---- --peers: the communication map ---- */

struct inv_pdev {
	uint64_t	 id;
	uint8_t		 mac[6];
	bool		 routed, has_ip;
	uint16_t	 vlan;
	struct dev_ip	 ip;
	char		 cls[DEV_VALUE_MAX];
};

struct inv_peers {
	struct inventory *inv;
	struct inv_pdev	*v;		/* by id */
	size_t		 n, cap;
	size_t		*bymac;		/* indexes, by MAC */
	uint64_t	 entries;
};

static int
inv_pdev_cb(void *arg, const struct device *d)
{
	struct inv_peers *p = arg;
	struct inv_pdev *x;
	const char *c;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	x = &p->v[p->n++];
	memset(x, 0, sizeof(*x));
	x->id = d->id;
	memcpy(x->mac, d->mac, 6);
	x->routed = (d->flags & DEV_F_ROUTED) != 0;
	x->has_ip = d->has_ip;
	x->ip = d->ip;
	x->vlan = d->vlan;
	c = inv_value(d, DEV_A_CLASS);
	strlcpy(x->cls, c != NULL ? c : "unknown", sizeof(x->cls));
	return 0;
}

static const struct inv_peers *inv_peers_ctx;	/* qsort has none */

static int
inv_bymac_cmp(const void *a, const void *b)
{
	const struct inv_pdev *x = &inv_peers_ctx->v[*(const size_t *)a];
	const struct inv_pdev *y = &inv_peers_ctx->v[*(const size_t *)b];
	int c;

	if ((c = memcmp(x->mac, y->mac, 6)) != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The address of the device a "mac:" peer names (the first by id). */
static const char *
inv_peer_ip(const struct inv_peers *p, const char *key, char *buf,
    size_t len)
{
	unsigned v[6];
	uint8_t mac[6];
	size_t lo = 0, hi = p->n, mid;
	int k;

	buf[0] = '\0';
	if (strncmp(key, "ip:", 3) == 0) {
		strlcpy(buf, key + 3, len);
		return buf;
	}
	if (strncmp(key, "mac:", 4) != 0 || sscanf(key + 4,
	    "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return buf;
	for (k = 0; k < 6; k++)
		mac[k] = (uint8_t)v[k];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(p->v[p->bymac[mid]].mac, mac, 6) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->n && memcmp(p->v[p->bymac[lo]].mac, mac, 6) == 0 &&
	    p->v[p->bymac[lo]].has_ip)
		dev_ip_format(&p->v[p->bymac[lo]].ip, buf, len);
	return buf;
}

static const char *const inv_peers_csv_head[] = {
	"mac", "vlan", "ip", "class", "zone", "peer", "peer_ip", "peer_zone",
	"peer_vlan", "direction", "service", "app_proto", "flows", "packets",
	"bytes", "first_seen", "last_seen",
};

static int
inv_peer_cmp(const void *a, const void *b)
{
	return peers_cmp(a, b);
}

static int
inv_peers_cb(void *arg, uint64_t id, const char *zone, struct peer_tab *t)
{
	struct inv_peers *p = arg;
	struct inventory *inv = p->inv;
	const struct inv_pdev *x;
	const struct peer_ent *e;
	size_t lo = 0, hi = p->n, mid, *idx, k, n;
	char mac[24], ip[64], pip[64], svc[32], num[32], ts[UTIL_TSBUF];
	const char *t_len;
	size_t len;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->n || p->v[lo].id != id || t->n == 0)
		return 0;
	x = &p->v[lo];
	if (inv->class != NULL && strcasecmp(x->cls, inv->class) != 0)
		return 0;
	/* The table is ours: sorted in place, most bytes first. */
	qsort(t->v, t->n, sizeof(*t->v), inv_peer_cmp);
	idx = xcalloc(t->n, sizeof(*idx));
	for (n = 0; n < t->n; n++)
		idx[n] = n;
	if (x->routed)
		strlcpy(mac, "", sizeof(mac));
	else
		dev_mac_format(x->mac, mac, sizeof(mac));
	if (x->has_ip)
		dev_ip_format(&x->ip, ip, sizeof(ip));
	else
		ip[0] = '\0';
	switch (inv->fmt) {
	case INV_TABLE:
		fprintf(inv->out, "%s%s%s vlan %u %s, zone %s: %u peer "
		    "entr%s", mac, mac[0] != '\0' && ip[0] != '\0' ? " " : "",
		    ip, x->vlan, x->cls, zone[0] != '\0' ? zone : "?", t->n,
		    t->n == 1 ? "y" : "ies");
		if (t->dropped > 0)
			fprintf(inv->out, " (%llu more not kept)",
			    (unsigned long long)t->dropped);
		putc('\n', inv->out);
		for (k = 0; k < n; k++) {
			e = &t->v[idx[k]];
			inv_peer_ip(p, e->peer, pip, sizeof(pip));
			fprintf(inv->out, "  %-9s %-15s %-8s %s%s%s%s, zone "
			    "%s: %llu flow%s, %llu bytes\n",
			    peers_dir_name(e->dir), peers_service(e, svc,
			    sizeof(svc)), e->app[0] != '\0' ? e->app : "-",
			    e->peer, pip[0] != '\0' && e->peer[0] != 'i' ?
			    " (" : "", e->peer[0] != 'i' ? pip : "",
			    pip[0] != '\0' && e->peer[0] != 'i' ? ")" : "",
			    e->zone[0] != '\0' ? e->zone : "?",
			    (unsigned long long)e->flows, e->flows == 1 ? "" :
			    "s", (unsigned long long)e->bytes);
		}
		break;
	case INV_JSON:
		jsonw_reset(&inv->jw);
		jsonw_obj_open(&inv->jw);
		if (mac[0] != '\0')
			jsonw_kv_str(&inv->jw, "mac", mac);
		jsonw_kv_uint(&inv->jw, "vlan", x->vlan);
		if (ip[0] != '\0')
			jsonw_kv_str(&inv->jw, "ip", ip);
		jsonw_kv_str(&inv->jw, "class", x->cls);
		jsonw_kv_str(&inv->jw, "zone", zone);
		jsonw_kv_uint(&inv->jw, "peers_dropped", t->dropped);
		jsonw_key(&inv->jw, "peers");
		jsonw_arr_open(&inv->jw);
		for (k = 0; k < n; k++) {
			e = &t->v[idx[k]];
			jsonw_obj_open(&inv->jw);
			jsonw_kv_str(&inv->jw, "peer", e->peer);
			if (inv_peer_ip(p, e->peer, pip, sizeof(pip))[0] !=
			    '\0')
				jsonw_kv_str(&inv->jw, "peer_ip", pip);
			jsonw_kv_str(&inv->jw, "zone", e->zone);
			if (e->vlan >= 0)
				jsonw_kv_uint(&inv->jw, "vlan",
				    (uint64_t)e->vlan);
			jsonw_kv_str(&inv->jw, "direction",
			    peers_dir_name(e->dir));
			jsonw_kv_str(&inv->jw, "service", peers_service(e,
			    svc, sizeof(svc)));
			jsonw_kv_uint(&inv->jw, "proto", e->proto);
			jsonw_kv_uint(&inv->jw, "port", e->port);
			if (e->app[0] != '\0')
				jsonw_kv_str(&inv->jw, "app_proto", e->app);
			jsonw_kv_uint(&inv->jw, "flows", e->flows);
			jsonw_kv_uint(&inv->jw, "packets", e->packets);
			jsonw_kv_uint(&inv->jw, "bytes", e->bytes);
			util_format_ts(e->first_us, false, ts);
			jsonw_kv_str(&inv->jw, "first_seen", ts);
			util_format_ts(e->last_us, false, ts);
			jsonw_kv_str(&inv->jw, "last_seen", ts);
			jsonw_obj_close(&inv->jw);
		}
		jsonw_arr_close(&inv->jw);
		jsonw_obj_close(&inv->jw);
		if (!jsonw_ok(&inv->jw)) {
			fprintf(stderr, "wardwatch inventory: device %llu: "
			    "record too large\n", (unsigned long long)id);
			free(idx);
			return -1;
		}
		t_len = jsonw_text(&inv->jw, &len);
		fwrite(t_len, 1, len, inv->out);
		putc('\n', inv->out);
		break;
	case INV_CSV:
		for (k = 0; k < n; k++) {
			e = &t->v[idx[k]];
			inv_csv_field(inv->out, mac, false, false);
			snprintf(num, sizeof(num), "%u", x->vlan);
			inv_csv_field(inv->out, num, false, false);
			inv_csv_field(inv->out, ip, false, false);
			inv_csv_field(inv->out, x->cls, true, false);
			inv_csv_field(inv->out, zone, true, false);
			inv_csv_field(inv->out, e->peer, true, false);
			inv_csv_field(inv->out, inv_peer_ip(p, e->peer, pip,
			    sizeof(pip)), false, false);
			inv_csv_field(inv->out, e->zone, true, false);
			if (e->vlan >= 0)
				snprintf(num, sizeof(num), "%d", e->vlan);
			else
				num[0] = '\0';
			inv_csv_field(inv->out, num, false, false);
			inv_csv_field(inv->out, peers_dir_name(e->dir), false,
			    false);
			inv_csv_field(inv->out, peers_service(e, svc,
			    sizeof(svc)), false, false);
			inv_csv_field(inv->out, e->app, true, false);
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)e->flows);
			inv_csv_field(inv->out, num, false, false);
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)e->packets);
			inv_csv_field(inv->out, num, false, false);
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)e->bytes);
			inv_csv_field(inv->out, num, false, false);
			util_format_ts(e->first_us, false, ts);
			inv_csv_field(inv->out, ts, false, false);
			util_format_ts(e->last_us, false, ts);
			inv_csv_field(inv->out, ts, false, true);
		}
		break;
	}
	p->entries += n;
	free(idx);
	return 0;
}

static int
inv_peers(struct inventory *inv, struct state *st)
{
	struct inv_peers p;
	size_t i;
	int r;

	memset(&p, 0, sizeof(p));
	p.inv = inv;
	if ((r = state_load_devices(st, inv_pdev_cb, &p)) != 0)
		goto out;
	p.bymac = xcalloc(p.n ? p.n : 1, sizeof(*p.bymac));
	for (i = 0; i < p.n; i++)
		p.bymac[i] = i;
	inv_peers_ctx = &p;
	if (p.n > 1)
		qsort(p.bymac, p.n, sizeof(*p.bymac), inv_bymac_cmp);
	inv_peers_ctx = NULL;
	if (inv->fmt == INV_CSV)
		for (i = 0; i < sizeof(inv_peers_csv_head) /
		    sizeof(*inv_peers_csv_head); i++)
			inv_csv_field(inv->out, inv_peers_csv_head[i], false,
			    i + 1 == sizeof(inv_peers_csv_head) /
			    sizeof(*inv_peers_csv_head));
	r = state_load_peers(st, PEERS_MAX_MAX, inv_peers_cb, &p);
	if (r == 0 && inv->fmt == INV_TABLE && p.entries == 0)
		fprintf(inv->out, "no peers recorded\n");
 out:
	free(p.v);
	free(p.bymac);
	return r;
}

int
inventory_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "class",	required_argument,	NULL,	'C' },
		{ "csv",	no_argument,		NULL,	'c' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "json",	no_argument,		NULL,	'j' },
		{ "peers",	no_argument,		NULL,	'p' },
		{ "state",	required_argument,	NULL,	's' },
		{ NULL,		0,			NULL,	0 }
	};
	struct inventory inv;
	struct state *st;
	struct stat sb;
	const char *path = NULL;
	size_t i;
	int ch, r, status = 0;
	bool peers = false;

	memset(&inv, 0, sizeof(inv));
	inv.fmt = INV_TABLE;
	inv.out = stdout;
	/* glibc: 0 restarts the scan, as main() may have used getopt. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			inv.class = optarg;
			break;
		case 'c':
		case 'j':
			if (inv.fmt != INV_TABLE) {
				fprintf(stderr, "wardwatch inventory: --json "
				    "and --csv exclude each other\n");
				inventory_usage(stderr);
				return INV_EXIT_USAGE;
			}
			inv.fmt = ch == 'c' ? INV_CSV : INV_JSON;
			break;
		case 'h':
			inventory_usage(stdout);
			return 0;
		case 'p':
			peers = true;
			break;
		case 's':
			path = optarg;
			break;
		default:
			inventory_usage(stderr);
			return INV_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wardwatch inventory: unexpected argument "
		    "\"%s\"\n", argv[optind]);
		inventory_usage(stderr);
		return INV_EXIT_USAGE;
	}
	if (path == NULL) {
		fprintf(stderr, "wardwatch inventory: --state is required\n");
		inventory_usage(stderr);
		return INV_EXIT_USAGE;
	}
	if (inv.class != NULL && !inv_class_known(inv.class)) {
		fprintf(stderr, "wardwatch inventory: unknown class \"%s\"\n",
		    util_safe_str(inv.class));
		inventory_usage(stderr);
		return INV_EXIT_USAGE;
	}
	if (stat(path, &sb) == -1) {
		if (errno == ENOENT) {
			fprintf(stderr, "%s: no such inventory\n", path);
			return INV_EXIT_USAGE;
		}
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return INV_EXIT_RUNTIME;
	}
	/* Risk needs every device (who reaches whom) before the first. */
	if (inv.fmt != INV_JSON && !peers && report_risks(path, &inv.risk_ids,
	    &inv.risks, &inv.nrisks, stderr) == -1)
		return INV_EXIT_RUNTIME;
	if ((st = state_open_readonly(path, stderr)) == NULL) {
		inv_free(&inv);
		return INV_EXIT_RUNTIME;
	}

	/* A device's whole map is one line: up to PEERS_MAX_MAX entries
	 * of a few hundred bytes each. */
	if (inv.fmt == INV_JSON)
		jsonw_init(&inv.jw, peers ? 4 * JSONW_DEFAULT_CAP :
		    JSONW_DEFAULT_CAP);
	if (peers) {
		if ((r = inv_peers(&inv, st)) != 0) {
			if (state_errmsg(st)[0] != '\0')
				fprintf(stderr, "%s\n", state_errmsg(st));
			status = INV_EXIT_RUNTIME;
		}
		goto out;
	}
	if (inv.fmt == INV_CSV)
		for (i = 0; i < sizeof(inv_csv_head) / sizeof(*inv_csv_head);
		    i++)
			inv_csv_field(inv.out, inv_csv_head[i], false,
			    i + 1 == sizeof(inv_csv_head) /
			    sizeof(*inv_csv_head));
	r = state_load_devices(st, inv_device, &inv);
	if (r == -1 && state_errmsg(st)[0] != '\0')
		fprintf(stderr, "%s\n", state_errmsg(st));
	if (r != 0)
		status = INV_EXIT_RUNTIME;
	else if (inv.fmt == INV_TABLE)
		inv_table(&inv);
 out:
	if (fflush(inv.out) == EOF || ferror(inv.out)) {
		fprintf(stderr, "wardwatch inventory: standard output: %s\n",
		    strerror(errno));
		status = INV_EXIT_RUNTIME;
	}
	inv_free(&inv);
	state_close(st);
	return status;
}
