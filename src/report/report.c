/*
 * report.c - "wardwatch report": what a hospital's CISO and clinical
 * engineering need from a capture, in one file.
 *
 * The state database (opened read-only) holds the devices, what each
 * learned, the alerts counted for it and its communication map (its
 * peers, with protocols, ports and volumes, and its zone); findings.c
 * turns those into findings and risk scores.  The HTML is one self-contained file: the
 * CSS, the inventory filter's few lines of script and the map (SVG,
 * drawn here) are inline, nothing is fetched, and it prints.  Output
 * depends only on the database: no clock, no path but the file's
 * name, so reports can be golden files.
 *
 * Values from the wire (host names, HL7 application names) are chosen
 * by whoever sent them: control characters, bidirectional overrides
 * and invalid UTF-8 are shown as \xNN, then escaped for HTML, Markdown
 * or CSV (with a leading apostrophe against spreadsheet formulas).
 * Nothing of a patient is in the state, so nothing is in the report.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/brain.h"
#include "device/device.h"
#include "device/peers.h"
#include "policy/baseline.h"
#include "policy/policy.h"
#include "report/findings.h"
#include "report/report.h"
#include "state/state.h"
#include "util/fmt.h"
#include "util/util.h"

#define RP_EXIT_USAGE		1
#define RP_EXIT_RUNTIME		2
#define RP_CLEAN_MAX		(DEV_VALUE_MAX * 4 + 1)
#define RP_TOP_RISKS		10	/* in the summary */
#define RP_PEERS_SHOWN		20	/* per device section */
/* Past this many devices the map draws zones and the edges between
 * them only: a browser draws 10,000 dots, nobody reads them. */
#define RP_MAP_DEVICES		300
#define RP_MAP_COLS		5	/* devices per row in a zone box */

/* MACs to devices, sorted, for peers named "mac:...". */
struct rp_macidx {
	uint8_t		 mac[6];
	uint32_t	 dev;
};

struct rp {
	const char	*path;
	struct state	*st;		/* open already (not closed), or NULL */
	struct rp_macidx *ix;
	size_t		 nix;
	struct device	**devs;		/* by id */
	struct bl_dev	**bls;
	struct peer_tab	*pt;		/* by device, as devs */
	char		(*zone)[PEERS_ZONE_MAX];	/* "": not stored */
	size_t		*grp;		/* map group of each device */
	struct rp_group	*groups;	/* rp_groups() */
	size_t		 ngroups;
	struct fnd_dev	*fd;
	size_t		 n, cap;
	struct state_alert *alerts;	/* by device id */
	size_t		 nalerts, capalerts;
	struct fnd_list	 fl;
	size_t		*order;		/* VLAN, address, MAC */
	char		*policy;	/* policy suggest's YAML */
	size_t		 policy_len;
	uint64_t	 first_us, last_us;
};

/* ---- cleaning and escaping ---- */

/* s with unsafe characters as \xNN, into out (RP_CLEAN_MAX bytes). */
static const char *
rp_clean(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, i;
	uint32_t c;

	while (*p != '\0' && o + 5 < len) {
		c = p[0];
		/* Printable ASCII, most of it: as it is. */
		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
			p++;
			continue;
		}
		n = 1;
		if (c >= 0xc2 && c <= 0xf4) {
			n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			for (i = 1; i < n; i++)
				if ((p[i] & 0xc0) != 0x80)
					break;
			if (i < n)
				n = 1;
			else {
				c &= n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07;
				for (i = 1; i < n; i++)
					c = c << 6 | (p[i] & 0x3f);
			}
		}
		if ((n == 1 && (c < 0x20 || c >= 0x7f)) ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x2028 ||
		    c == 0x2029 || (c >= 0xd800 && c <= 0xdfff)) {
			for (i = 0; i < n && o + 5 < len; i++) {
				snprintf(out + o, 5, "\\x%02x", p[i]);
				o += 4;
			}
		} else if (o + n < len) {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return out;
}

static void
rp_html(FILE *fp, const char *s)
{
	char buf[1024];
	size_t n;

	for (s = rp_clean(s, buf, sizeof(buf)); *s != '\0'; s++) {
		/* What needs no entity, in one write. */
		if ((n = strcspn(s, "&<>\"'")) > 0) {
			fwrite(s, 1, n, fp);
			if (s[n] == '\0')
				break;
			s += n;
		}
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
}

/* Markdown table cells: no pipes, no markup, no HTML. */
static void
rp_md(FILE *fp, const char *s)
{
	char buf[1024];
	size_t n;

	for (s = rp_clean(s, buf, sizeof(buf)); *s != '\0'; s++) {
		/* What needs no backslash, in one write. */
		if ((n = strcspn(s, "|\\`*_[]<>#")) > 0) {
			fwrite(s, 1, n, fp);
			if (s[n] == '\0')
				break;
			s += n;
		}
		putc('\\', fp);
		putc(*s, fp);
	}
}

static void
rp_csv(FILE *fp, const char *s, bool last)
{
	char buf[2048];
	const char *p = rp_clean(s, buf + 1, sizeof(buf) - 1);

	if (p[0] != '\0' && strchr("=+-@", p[0]) != NULL) {
		buf[0] = '\'';
		p = buf;
	}
	if (strpbrk(p, ",\"") == NULL)
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

/* ---- the data ---- */

static const char *
rp_val(const struct device *d, enum dev_attr a)
{
	const struct dev_value *v = dev_best(d, a);

	return v != NULL ? v->value : "";
}

static const char *
rp_mac(const struct device *d, char *buf, size_t len)
{
	if (d->flags & DEV_F_ROUTED)
		return "(routed)";
	return dev_mac_format(d->mac, buf, len);
}

static const char *
rp_ip(const struct device *d, char *buf, size_t len)
{
	return d->has_ip ? dev_ip_format(&d->ip, buf, len) : "";
}

/* "ab:cd:..:ef" or the address: what names a device in a line. */
static const char *
rp_name(const struct device *d, char *buf, size_t len)
{
	char mac[24], ip[64];

	/* snprintf("%s %s") without a format to read: a report names
	 * each device many times. */
	if (d->flags & DEV_F_ROUTED)
		strlcpy(buf, rp_ip(d, ip, sizeof(ip)), len);
	else if (d->has_ip) {
		strlcpy(buf, rp_mac(d, mac, sizeof(mac)), len);
		strlcat(buf, " ", len);
		strlcat(buf, rp_ip(d, ip, sizeof(ip)), len);
	} else
		strlcpy(buf, rp_mac(d, mac, sizeof(mac)), len);
	return buf;
}

/* Evidence values of a key, joined by "; ". */
static const char *
rp_join(const struct device *d, const char *key, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < d->n_evidence; i++) {
		if (strcmp(d->evidence[i].key, key) != 0)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, "; ", len);
		strlcat(buf, d->evidence[i].value, len);
	}
	return buf;
}

static int
rp_dev_cb(void *arg, const struct device *d)
{
	struct rp *r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->devs = xreallocarray(r->devs, r->cap, sizeof(*r->devs));
		r->bls = xreallocarray(r->bls, r->cap, sizeof(*r->bls));
		r->pt = xreallocarray(r->pt, r->cap, sizeof(*r->pt));
		r->zone = xreallocarray(r->zone, r->cap, sizeof(*r->zone));
	}
	memset(&r->pt[r->n], 0, sizeof(*r->pt));
	r->zone[r->n][0] = '\0';
	r->devs[r->n] = xcalloc(1, sizeof(struct device));
	dev_copy(r->devs[r->n], d);
	r->bls[r->n] = NULL;
	if (d->first_us != 0 && (r->first_us == 0 || d->first_us <
	    r->first_us))
		r->first_us = d->first_us;
	if (d->last_us > r->last_us)
		r->last_us = d->last_us;
	r->n++;
	return 0;
}

static long
rp_find(const struct rp *r, uint64_t id)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->devs[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->devs[lo]->id == id ? (long)lo : -1;
}

static int
rp_bl_cb(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct rp *r = arg;
	long i = rp_find(r, id);

	if (i < 0 || r->bls[i] != NULL) {
		bl_dev_free(bl);
		return 0;
	}
	r->bls[i] = bl;
	return 0;
}

static int
rp_peers_cb(void *arg, uint64_t id, const char *zone, struct peer_tab *t)
{
	struct rp *r = arg;
	long i = rp_find(r, id);

	if (i < 0)
		return 0;
	strlcpy(r->zone[i], zone, sizeof(r->zone[i]));
	peers_clear(&r->pt[i]);
	r->pt[i] = *t;
	memset(t, 0, sizeof(*t));
	return 0;
}

static int
rp_alert_cb(void *arg, const struct state_alert *a)
{
	struct rp *r = arg;

	if (r->nalerts == r->capalerts) {
		r->capalerts = r->capalerts ? r->capalerts * 2 : 64;
		r->alerts = xreallocarray(r->alerts, r->capalerts,
		    sizeof(*r->alerts));
	}
	r->alerts[r->nalerts++] = *a;
	return 0;
}

static const struct rp *rp_sort_ctx;	/* qsort has no argument */

static int
rp_order_cmp(const void *pa, const void *pb)
{
	const struct device *a = rp_sort_ctx->devs[*(const size_t *)pa];
	const struct device *b = rp_sort_ctx->devs[*(const size_t *)pb];
	int c;

	if (a->vlan != b->vlan)
		return a->vlan < b->vlan ? -1 : 1;
	if (a->has_ip != b->has_ip)
		return a->has_ip ? -1 : 1;
	if ((c = memcmp(a->ip.a, b->ip.a, 16)) != 0 && a->has_ip)
		return c;
	if ((c = memcmp(a->mac, b->mac, 6)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
rp_macidx_cmp(const void *pa, const void *pb)
{
	const struct rp_macidx *a = pa, *b = pb;
	int c;

	if ((c = memcmp(a->mac, b->mac, 6)) != 0)
		return c;
	return a->dev < b->dev ? -1 : a->dev > b->dev;
}

static struct rp_group *rp_groups(struct rp *, size_t *);

/* The findings' view of n devices with their baselines and alert
 * counts, all in ascending device id. */
static struct fnd_dev *
rp_fnd_devs(const struct device *const *devs, const struct bl_dev *const *bls,
    size_t n, const struct state_alert *alerts, size_t nalerts)
{
	struct fnd_dev *fd = xcalloc(n ? n : 1, sizeof(*fd));
	size_t i, k;

	for (i = 0, k = 0; i < n; i++) {
		fd[i].d = devs[i];
		fd[i].bl = bls[i];
		while (k < nalerts && alerts[k].device_id < devs[i]->id)
			k++;
		fd[i].alerts = alerts != NULL ? &alerts[k] : NULL;
		while (k < nalerts && alerts[k].device_id == devs[i]->id) {
			fd[i].nalerts++;
			k++;
		}
	}
	return fd;
}

static int
rp_load(struct rp *r, bool policy, FILE *err)
{
	struct bl_config cfg;
	struct state *st;
	FILE *mem;
	size_t i, len;
	char *p;
	const char *base;

	if ((st = r->st) == NULL &&
	    (st = state_open_readonly(r->path, err)) == NULL)
		return RP_EXIT_RUNTIME;
	bl_config_defaults(&cfg);
	if (state_load_devices(st, rp_dev_cb, r) != 0 ||
	    state_load_baselines(st, &cfg, rp_bl_cb, r) != 0 ||
	    state_load_alerts(st, rp_alert_cb, r) != 0 ||
	    state_load_peers(st, PEERS_MAX_MAX, rp_peers_cb, r) != 0) {
		fprintf(err, "%s\n", state_errmsg(st));
		if (r->st == NULL)
			state_close(st);
		return RP_EXIT_RUNTIME;
	}
	if (r->st == NULL)
		state_close(st);

	r->fd = rp_fnd_devs((const struct device *const *)r->devs,
	    (const struct bl_dev *const *)r->bls, r->n, r->alerts,
	    r->nalerts);
	findings_compute(r->fd, r->n, &r->fl);
	r->ix = xcalloc(r->n ? r->n : 1, sizeof(*r->ix));
	for (i = 0; i < r->n; i++)
		if (!(r->devs[i]->flags & DEV_F_ROUTED)) {
			memcpy(r->ix[r->nix].mac, r->devs[i]->mac, 6);
			r->ix[r->nix++].dev = (uint32_t)i;
		}
	if (r->nix > 1)
		qsort(r->ix, r->nix, sizeof(*r->ix), rp_macidx_cmp);
	r->order = xcalloc(r->n ? r->n : 1, sizeof(*r->order));
	for (i = 0; i < r->n; i++)
		r->order[i] = i;
	rp_sort_ctx = r;
	if (r->n > 1)
		qsort(r->order, r->n, sizeof(*r->order), rp_order_cmp);
	rp_sort_ctx = NULL;
	r->groups = rp_groups(r, &r->ngroups);

	/* The proposed policy, naming the file only (deterministic). */
	if (policy && r->n > 0 && (mem = open_memstream(&r->policy, &len)) != NULL) {
		FILE *null = fopen("/dev/null", "w");

		if (brain_policy_suggest(r->path, NULL, NULL, mem,
		    null != NULL ? null : err) != 0)
			fputs("# no policy could be suggested\n", mem);
		if (null != NULL)
			fclose(null);
		fclose(mem);
		r->policy_len = len;
		base = strrchr(r->path, '/') != NULL ?
		    strrchr(r->path, '/') + 1 : r->path;
		if (r->policy != NULL && base != r->path &&
		    (p = strstr(r->policy, r->path)) != NULL) {
			memmove(p, p + (base - r->path), strlen(p +
			    (base - r->path)) + 1);
			r->policy_len = strlen(r->policy);
		}
	}
	return 0;
}

static void
rp_free(struct rp *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		dev_free(r->devs[i]);
		free(r->devs[i]);
		bl_dev_free(r->bls[i]);
		peers_clear(&r->pt[i]);
	}
	free(r->devs);
	free(r->bls);
	free(r->pt);
	free(r->zone);
	free(r->grp);
	free(r->groups);
	free(r->fd);
	free(r->alerts);
	free(r->order);
	free(r->ix);
	free(r->policy);
	findings_free(&r->fl);
}

/* ---- what every format shows ---- */

struct rp_count {
	const char	*name;
	size_t		 n;
};

static int
rp_count_cmp(const void *pa, const void *pb)
{
	const struct rp_count *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Devices per class, most first. */
static struct rp_count *
rp_classes(const struct rp *r, size_t *np)
{
	struct rp_count *v = NULL;
	size_t i, k, n = 0;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(v[k].name, r->fd[i].class) == 0)
				break;
		if (k == n) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n].name = r->fd[i].class;
			v[n++].n = 0;
		}
		v[k].n++;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), rp_count_cmp);
	*np = n;
	return v;
}

/* Device indexes by risk, highest first, then inventory order. */
struct rp_rank {
	int		 risk;
	size_t		 pos, dev;
};

static int
rp_rank_cmp(const void *pa, const void *pb)
{
	const struct rp_rank *a = pa, *b = pb;

	if (a->risk != b->risk)
		return a->risk > b->risk ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static size_t *
rp_by_risk(const struct rp *r)
{
	struct rp_rank *k = xcalloc(r->n ? r->n : 1, sizeof(*k));
	size_t *v = xcalloc(r->n ? r->n : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < r->n; i++) {
		k[i].risk = r->fd[r->order[i]].risk;
		k[i].pos = i;
		k[i].dev = r->order[i];
	}
	if (r->n > 1)
		qsort(k, r->n, sizeof(*k), rp_rank_cmp);
	for (i = 0; i < r->n; i++)
		v[i] = k[i].dev;
	free(k);
	return v;
}

static void
rp_sev_counts(const struct rp *r, size_t *c)
{
	size_t i;

	memset(c, 0, FND_SEV_MAX * sizeof(*c));
	for (i = 0; i < r->fl.n; i++)
		c[r->fl.v[i].sev]++;
}

static void
rp_period(const struct rp *r, char *buf, size_t len)
{
	char a[UTIL_TSBUF], b[UTIL_TSBUF];

	if (r->first_us == 0) {
		strlcpy(buf, "no traffic", len);
		return;
	}
	util_format_ts(r->first_us, false, a);
	util_format_ts(r->last_us, false, b);
	snprintf(buf, len, "%.19sZ to %.19sZ", a, b);
}

/* VLAN-to-VLAN: links (a device and a learned peer), by VLAN pair. */
struct rp_edge {
	uint32_t	 a, b;		/* device index or VLAN */
	uint32_t	 n;
};

static int
rp_edge_cmp(const void *pa, const void *pb)
{
	const struct rp_edge *x = pa, *y = pb;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/*
 * The edges of the map: device pairs (by = false) or VLAN pairs with
 * the number of links (by = true), merged and sorted.  A MAC
 * index keeps this linear in the peers for 10,000 devices.
 */
/* The device of a "mac:" peer item (the first by id), or -1. */
static long
rp_peer_dev(const struct rp *r, const char *key)
{
	uint8_t mac[6];
	size_t lo = 0, hi = r->nix, mid;

	if (strncmp(key, "mac:", 4) != 0 || !fnd_mac_parse(key + 4, mac))
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(r->ix[mid].mac, mac, 6) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nix && memcmp(r->ix[lo].mac, mac, 6) == 0 ?
	    (long)r->ix[lo].dev : -1;
}

/*
 * Device pairs that talk (one started a flow with the other), merged
 * and sorted, with the number of entries between them; by_group: the
 * map groups of the two instead.
 */
static struct rp_edge *
rp_edges(const struct rp *r, bool by_group, size_t *np)
{
	struct rp_edge *e = NULL;
	const struct peer_tab *t;
	size_t i, k, n = 0, cap = 0, o;
	uint32_t a, b, tmp;
	long p;

	for (i = 0; i < r->n; i++) {
		t = &r->pt[i];
		for (k = 0; k < t->n; k++) {
			if (t->v[k].dir != PEERS_INITIATED ||
			    (p = rp_peer_dev(r, t->v[k].peer)) < 0 ||
			    (size_t)p == i)
				continue;
			a = (uint32_t)i;
			b = (uint32_t)p;
			if (by_group) {
				a = (uint32_t)r->grp[a];
				b = (uint32_t)r->grp[b];
			}
			if (a > b) {
				tmp = a;
				a = b;
				b = tmp;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				e = xreallocarray(e, cap, sizeof(*e));
			}
			e[n].a = a;
			e[n].b = b;
			e[n++].n = 1;
		}
	}
	if (n > 1)
		qsort(e, n, sizeof(*e), rp_edge_cmp);
	for (i = 0, o = 0; i < n; i++) {
		if (o > 0 && e[o - 1].a == e[i].a && e[o - 1].b == e[i].b) {
			e[o - 1].n++;
			continue;
		}
		e[o++] = e[i];
	}
	*np = o;
	return e;
}

/*
 * The map's groups: a device's zone as the state keeps it, or its VLAN
 * for a state that has none (an older file).  Zones first, by name,
 * then VLANs by number.
 */
struct rp_group {
	const char	*zone;		/* NULL: by VLAN */
	uint16_t	 vlan;
	size_t		 n;		/* devices */
};

static int
rp_group_cmp(const void *pa, const void *pb)
{
	const struct rp_group *a = pa, *b = pb;

	if ((a->zone == NULL) != (b->zone == NULL))
		return a->zone != NULL ? -1 : 1;
	if (a->zone != NULL)
		return strcmp(a->zone, b->zone);
	return a->vlan < b->vlan ? -1 : a->vlan > b->vlan;
}

static struct rp_group *
rp_groups(struct rp *r, size_t *np)
{
	struct rp_group *g = NULL, key;
	size_t i, n = 0, o, lo, hi, mid;

	for (i = 0; i < r->n; i++) {
		g = xreallocarray(g, n + 1, sizeof(*g));
		g[n].zone = r->zone[i][0] != '\0' ? r->zone[i] : NULL;
		g[n].vlan = r->zone[i][0] != '\0' ? 0 : r->devs[i]->vlan;
		g[n++].n = 1;
	}
	if (n > 1)
		qsort(g, n, sizeof(*g), rp_group_cmp);
	for (i = 0, o = 0; i < n; i++) {
		if (o > 0 && rp_group_cmp(&g[o - 1], &g[i]) == 0) {
			g[o - 1].n++;
			continue;
		}
		g[o++] = g[i];
	}
	free(r->grp);
	r->grp = xcalloc(r->n ? r->n : 1, sizeof(*r->grp));
	for (i = 0; i < r->n; i++) {
		key.zone = r->zone[i][0] != '\0' ? r->zone[i] : NULL;
		key.vlan = r->zone[i][0] != '\0' ? 0 : r->devs[i]->vlan;
		for (lo = 0, hi = o; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (rp_group_cmp(&g[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		r->grp[i] = lo;
	}
	*np = o;
	return g;
}

/*
 * The matrices: flows and bytes from one VLAN (or zone) to another,
 * from every device's peers.  A flow between two devices is counted
 * once, by the one that started it; one that a host that is no device
 * started (an internet host, a router's own) by the device that
 * accepted it.  VLAN -1: not a watched device's ("other").
 */
struct rp_cell {
	int32_t		 va, vb;
	char		 za[PEERS_ZONE_MAX], zb[PEERS_ZONE_MAX];
	uint64_t	 flows, bytes;
	uint32_t	 links;
};

static int
rp_cell_cmp(const void *pa, const void *pb)
{
	const struct rp_cell *a = pa, *b = pb;
	int c;

	if (a->va != b->va)
		return a->va < b->va ? -1 : 1;
	if (a->vb != b->vb)
		return a->vb < b->vb ? -1 : 1;
	if ((c = strcmp(a->za, b->za)) != 0)
		return c;
	return strcmp(a->zb, b->zb);
}

static struct rp_cell *
rp_matrix(const struct rp *r, bool zones, size_t *np)
{
	struct rp_cell *c = NULL, x;
	const struct peer_tab *t;
	const struct peer_ent *e;
	const struct device *d;
	size_t i, k, n = 0, cap = 0, o;
	int32_t dv;
	const char *dz;

	for (i = 0; i < r->n; i++) {
		t = &r->pt[i];
		d = r->devs[i];
		dv = (d->flags & DEV_F_ROUTED) ? -1 : d->vlan;
		dz = r->zone[i][0] != '\0' ? r->zone[i] : "?";
		for (k = 0; k < t->n; k++) {
			e = &t->v[k];
			memset(&x, 0, sizeof(x));
			if (e->dir == PEERS_INITIATED) {
				x.va = dv;
				x.vb = e->vlan;
				strlcpy(x.za, dz, sizeof(x.za));
				strlcpy(x.zb, e->zone[0] != '\0' ? e->zone :
				    "?", sizeof(x.zb));
			} else if (strncmp(e->peer, "zone:", 5) == 0) {
				x.va = -1;
				x.vb = dv;
				strlcpy(x.za, e->zone[0] != '\0' ? e->zone :
				    "?", sizeof(x.za));
				strlcpy(x.zb, dz, sizeof(x.zb));
			} else
				continue;
			if (zones)
				x.va = x.vb = 0;
			else
				x.za[0] = x.zb[0] = '\0';
			x.flows = e->flows;
			x.bytes = e->bytes;
			x.links = 1;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				c = xreallocarray(c, cap, sizeof(*c));
			}
			c[n++] = x;
		}
	}
	if (n > 1)
		qsort(c, n, sizeof(*c), rp_cell_cmp);
	for (i = 0, o = 0; i < n; i++) {
		if (o > 0 && rp_cell_cmp(&c[o - 1], &c[i]) == 0) {
			c[o - 1].flows += c[i].flows;
			c[o - 1].bytes += c[i].bytes;
			c[o - 1].links++;
			continue;
		}
		c[o++] = c[i];
	}
	*np = o;
	return c;
}

static const char *
rp_vlan_name(int32_t v, char *buf, size_t len)
{
	if (v < 0)
		strlcpy(buf, "other", len);
	else
		snprintf(buf, len, "%d", v);
	return buf;
}

/* The peer as a line names it: its device, or its key. */
static const char *
rp_peer_name(const struct rp *r, const struct peer_ent *e, char *buf,
    size_t len)
{
	long p = rp_peer_dev(r, e->peer);

	if (p >= 0)
		return rp_name(r->devs[p], buf, len);
	strlcpy(buf, e->peer, len);
	return buf;
}

static const char *
rp_peer_what(const struct peer_ent *e, char *buf, size_t len)
{
	char svc[32];

	snprintf(buf, len, "%s %s%s%s", peers_dir_name(e->dir),
	    peers_service(e, svc, sizeof(svc)), e->app[0] != '\0' ? " " : "",
	    e->app);
	return buf;
}

/* ---- Markdown ---- */

static void
rp_md_dev_line(FILE *fp, const struct rp *r, size_t i)
{
	char buf[128];

	rp_md(fp, rp_name(r->devs[i], buf, sizeof(buf)));
	fputs(" (", fp);
	rp_md(fp, r->fd[i].class);
	fputs(")", fp);
}

static void
rp_md_matrix(FILE *fp, const struct rp *r, bool zones)
{
	struct rp_cell *c;
	size_t i, n;
	char a[32], b[32];

	c = rp_matrix(r, zones, &n);
	fprintf(fp, "\n### %s\n\n", zones ? "Zone to zone" : "VLAN to VLAN");
	if (n == 0) {
		fprintf(fp, "No peers recorded.\n");
		free(c);
		return;
	}
	fprintf(fp, "| From %s | To %s | Entries | Flows | Bytes |\n"
	    "|%s|%s|---:|---:|---:|\n", zones ? "zone" : "VLAN",
	    zones ? "zone" : "VLAN", zones ? "---" : "---:",
	    zones ? "---" : "---:");
	for (i = 0; i < n; i++) {
		fputs("| ", fp);
		rp_md(fp, zones ? c[i].za : rp_vlan_name(c[i].va, a,
		    sizeof(a)));
		fputs(" | ", fp);
		rp_md(fp, zones ? c[i].zb : rp_vlan_name(c[i].vb, b,
		    sizeof(b)));
		fprintf(fp, " | %u | %llu | %llu |\n", c[i].links,
		    (unsigned long long)c[i].flows,
		    (unsigned long long)c[i].bytes);
	}
	free(c);
}

static void
rp_md_map(FILE *fp, const struct rp *r)
{
	const struct peer_tab *t;
	const struct peer_ent *e;
	size_t i, k, n, idx[RP_PEERS_SHOWN];
	char buf[128];

	fprintf(fp, "\n## Communication map\n\nEvery flow, from the "
	    "device that started it (or, from a host that is no device, "
	    "to the device that accepted it); entries are (peer, "
	    "direction, service, application).  VLAN other: not a watched "
	    "device's.\n");
	rp_md_matrix(fp, r, false);
	rp_md_matrix(fp, r, true);
	fprintf(fp, "\n### Peers per device\n\nMost bytes first, at most "
	    "%d per device.\n", RP_PEERS_SHOWN);
	for (i = 0; i < r->n; i++) {
		t = &r->pt[r->order[i]];
		if (t->n == 0)
			continue;
		fputs("\n- ", fp);
		rp_md_dev_line(fp, r, r->order[i]);
		fprintf(fp, ": %u entr%s", t->n, t->n == 1 ? "y" : "ies");
		if (t->dropped > 0)
			fprintf(fp, ", %llu more not kept",
			    (unsigned long long)t->dropped);
		n = peers_top(t, idx, RP_PEERS_SHOWN);
		for (k = 0; k < n; k++) {
			e = &t->v[idx[k]];
			fputs("\n  - ", fp);
			rp_md(fp, rp_peer_what(e, buf, sizeof(buf)));
			fputs(" ", fp);
			rp_md(fp, rp_peer_name(r, e, buf, sizeof(buf)));
			fputs(" (zone ", fp);
			rp_md(fp, e->zone[0] != '\0' ? e->zone : "?");
			fprintf(fp, "): %llu flow%s, %llu bytes",
			    (unsigned long long)e->flows, e->flows == 1 ? "" :
			    "s", (unsigned long long)e->bytes);
		}
		putc('\n', fp);
	}
}

static void
rp_write_md(FILE *fp, const struct rp *r)
{
	struct rp_count *cls;
	const struct finding *f;
	const struct device *d;
	const struct fnd_dev *fd;
	size_t sev[FND_SEV_MAX], ncls, i, k, *top;
	char buf[256], mac[24], ip[64];
	const char *base = strrchr(r->path, '/');

	base = base != NULL ? base + 1 : r->path;
	fprintf(fp, "# Wardwatch assessment\n\n");
	fputs("State: ", fp);
	rp_md(fp, base);
	rp_period(r, buf, sizeof(buf));
	fprintf(fp, "  \nTraffic: %s  \nDevices: %zu\n\n", buf, r->n);

	fprintf(fp, "## Summary\n\n");
	cls = rp_classes(r, &ncls);
	fprintf(fp, "| Class | Devices |\n|---|---:|\n");
	for (i = 0; i < ncls; i++) {
		fputs("| ", fp);
		rp_md(fp, cls[i].name);
		fprintf(fp, " | %zu |\n", cls[i].n);
	}
	free(cls);
	rp_sev_counts(r, sev);
	fprintf(fp, "\nFindings by severity:");
	for (i = 0; i < FND_SEV_MAX; i++)
		fprintf(fp, " %s %zu%s", fnd_sev_name((enum fnd_sev)i), sev[i],
		    i + 1 < FND_SEV_MAX ? "," : "\n\n");
	fprintf(fp, "Top risks:\n\n| Risk | Device | Class | Why |\n"
	    "|---:|---|---|---|\n");
	top = rp_by_risk(r);
	for (i = 0; i < r->n && i < RP_TOP_RISKS; i++) {
		fd = &r->fd[top[i]];
		fprintf(fp, "| %d | ", fd->risk);
		rp_md(fp, rp_name(fd->d, buf, sizeof(buf)));
		fputs(" | ", fp);
		rp_md(fp, fd->class);
		fputs(" | ", fp);
		rp_md(fp, fd->nreasons > 1 ? fd->reasons[1] : fd->reasons[0]);
		fputs(" |\n", fp);
	}
	free(top);

	fprintf(fp, "\n## Findings\n");
	if (r->fl.n == 0)
		fprintf(fp, "\nNo findings.\n");
	for (i = 0; i < r->fl.n; i++) {
		f = &r->fl.v[i];
		fprintf(fp, "\n### %s ", f->id);
		rp_md(fp, f->title);
		fprintf(fp, " (%s)\n\nFix: %s\n\n", fnd_sev_name(f->sev),
		    f->remediation);
		for (k = 0; k < f->nhits; k++) {
			fputs("- ", fp);
			rp_md_dev_line(fp, r, f->hits[k].dev);
			fputs(": ", fp);
			rp_md(fp, f->hits[k].evidence);
			putc('\n', fp);
		}
	}

	fprintf(fp, "\n## Inventory\n\n| MAC | VLAN | IP | Class | Vendor | "
	    "Model | Software | Risk | Findings |\n"
	    "|---|---:|---|---|---|---|---|---:|---:|\n");
	for (i = 0; i < r->n; i++) {
		d = r->devs[r->order[i]];
		fd = &r->fd[r->order[i]];
		fputs("| ", fp);
		rp_md(fp, rp_mac(d, mac, sizeof(mac)));
		fprintf(fp, " | %u | ", d->vlan);
		rp_md(fp, rp_ip(d, ip, sizeof(ip)));
		fputs(" | ", fp);
		rp_md(fp, fd->class);
		fputs(" | ", fp);
		rp_md(fp, rp_val(d, DEV_A_VENDOR));
		fputs(" | ", fp);
		rp_md(fp, rp_val(d, DEV_A_MODEL));
		fputs(" | ", fp);
		rp_md(fp, rp_val(d, DEV_A_SOFTWARE));
		fprintf(fp, " | %d | %zu |\n", fd->risk, fd->nfindings);
	}

	fprintf(fp, "\n## Risk per device\n");
	for (i = 0; i < r->n; i++) {
		fd = &r->fd[r->order[i]];
		fprintf(fp, "\n- **%d** ", fd->risk);
		rp_md_dev_line(fp, r, r->order[i]);
		for (k = 0; k < fd->nreasons; k++) {
			fputs("\n  - ", fp);
			rp_md(fp, fd->reasons[k]);
		}
		putc('\n', fp);
	}

	rp_md_map(fp, r);

	fprintf(fp, "\n## Appendix: proposed zero-trust policy\n\n");
	if (r->policy != NULL)
		fprintf(fp, "```yaml\n%s```\n", r->policy);
	else
		fprintf(fp, "No device.\n");
}

/* ---- CSV ---- */

static const char *const rp_csv_head[] = {
	"mac", "vlan", "ip", "class", "vendor", "model", "software",
	"serial", "hostname", "confidence", "first_seen", "last_seen",
	"roles", "services", "previous_ips", "peers", "risk", "findings",
	"risk_reasons"
};

/* A device's top peers, "initiated tcp/104 dicom 10.30.0.40 (1 flows,
 * 5417 bytes); ..." (what fits). */
static const char *
rp_csv_peers(const struct rp *r, size_t i, char *buf, size_t len)
{
	const struct peer_tab *t = &r->pt[i];
	const struct peer_ent *e;
	size_t idx[RP_PEERS_SHOWN], n, k;
	char what[64], name[128], one[256];

	buf[0] = '\0';
	n = peers_top(t, idx, RP_PEERS_SHOWN);
	for (k = 0; k < n; k++) {
		e = &t->v[idx[k]];
		snprintf(one, sizeof(one), "%s%s %s (%llu flows, %llu bytes)",
		    k > 0 ? "; " : "", rp_peer_what(e, what, sizeof(what)),
		    rp_peer_name(r, e, name, sizeof(name)),
		    (unsigned long long)e->flows,
		    (unsigned long long)e->bytes);
		if (strlen(buf) + strlen(one) + 1 > len)
			break;
		strlcat(buf, one, len);
	}
	return buf;
}

static void
rp_write_csv(FILE *fp, const struct rp *r)
{
	const struct dev_value *cls;
	const struct device *d;
	const struct fnd_dev *fd;
	char buf[1024], ts[UTIL_TSBUF], ip[64];
	size_t i, k, nh = sizeof(rp_csv_head) / sizeof(*rp_csv_head);
	int a;

	for (i = 0; i < nh; i++)
		rp_csv(fp, rp_csv_head[i], i + 1 == nh);
	for (i = 0; i < r->n; i++) {
		d = r->devs[r->order[i]];
		fd = &r->fd[r->order[i]];
		cls = dev_best(d, DEV_A_CLASS);
		rp_csv(fp, d->flags & DEV_F_ROUTED ? "" :
		    dev_mac_format(d->mac, buf, sizeof(buf)), false);
		snprintf(buf, sizeof(buf), "%u", d->vlan);
		rp_csv(fp, buf, false);
		rp_csv(fp, rp_ip(d, ip, sizeof(ip)), false);
		rp_csv(fp, fd->class, false);
		for (a = DEV_A_VENDOR; a <= DEV_A_HOSTNAME; a++)
			rp_csv(fp, rp_val(d, (enum dev_attr)a), false);
		snprintf(buf, sizeof(buf), "%u", cls != NULL ?
		    cls->confidence : 0);
		rp_csv(fp, buf, false);
		util_format_ts(d->first_us, false, ts);
		rp_csv(fp, ts, false);
		util_format_ts(d->last_us, false, ts);
		rp_csv(fp, ts, false);
		rp_csv(fp, rp_join(d, "behaviour", buf, sizeof(buf)), false);
		rp_csv(fp, rp_join(d, "port.server", buf, sizeof(buf)), false);
		buf[0] = '\0';
		for (k = 0; k < d->n_ips; k++) {
			if (k > 0)
				strlcat(buf, "; ", sizeof(buf));
			strlcat(buf, dev_ip_format(&d->ips[k], ip, sizeof(ip)),
			    sizeof(buf));
		}
		rp_csv(fp, buf, false);
		rp_csv(fp, rp_csv_peers(r, r->order[i], buf, sizeof(buf)),
		    false);
		snprintf(buf, sizeof(buf), "%d", fd->risk);
		rp_csv(fp, buf, false);
		snprintf(buf, sizeof(buf), "%zu", fd->nfindings);
		rp_csv(fp, buf, false);
		buf[0] = '\0';
		for (k = 0; k < fd->nreasons; k++) {
			if (k > 0)
				strlcat(buf, "; ", sizeof(buf));
			strlcat(buf, fd->reasons[k], sizeof(buf));
		}
		rp_csv(fp, buf, true);
	}
}

/* ---- HTML ---- */

static const char rp_css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
"h1{font-size:1.6em}h2{border-bottom:2px solid #246;margin-top:2em}"
"table{border-collapse:collapse;margin:.5em 0}"
"th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;"
"vertical-align:top}th{background:#e8eef4}"
".n{text-align:right}.sev-critical{background:#b00;color:#fff}"
".sev-high{background:#e60;color:#fff}.sev-medium{background:#fc3}"
".sev-low{background:#9cf}.sev-info{background:#ddd}"
".sev{padding:0 4px;border-radius:3px;font-weight:bold}"
".risk{font-weight:bold}.dev{border:1px solid #ccc;padding:.5em 1em;"
"margin:.5em 0;break-inside:avoid}pre{background:#f4f4f4;padding:1em;"
"white-space:pre-wrap}#filter{width:30em;padding:4px}"
"svg{border:1px solid #ccc;max-width:100%;height:auto}"
"@media print{#filter{display:none}body{margin:0}"
"h2{break-before:page}}";

static const char rp_js[] =
"(function(){var f=document.getElementById('filter');"
"var rows=document.querySelectorAll('#inv tbody tr');"
"f.addEventListener('input',function(){var q=f.value.toLowerCase();"
"for(var i=0;i<rows.length;i++){rows[i].style.display="
"rows[i].textContent.toLowerCase().indexOf(q)<0?'none':'';}});})();";

static void
rp_html_sev(FILE *fp, enum fnd_sev s)
{
	fprintf(fp, "<span class=\"sev sev-%s\">%s</span>", fnd_sev_name(s),
	    fnd_sev_name(s));
}

static void
rp_html_devlink(FILE *fp, const struct rp *r, size_t i)
{
	char buf[128], id[FMT_UINT_MAX];

	/* "<a href=\"#dev-%llu\">" */
	fputs("<a href=\"#dev-", fp);
	fwrite(id, 1, fmt_uint(id, r->devs[i]->id), fp);
	fputs("\">", fp);
	rp_html(fp, rp_name(r->devs[i], buf, sizeof(buf)));
	fputs("</a> (", fp);
	rp_html(fp, r->fd[i].class);
	fputs(")", fp);
}

/* A map group's title: "zone NAME" or "VLAN n". */
static void
rp_html_group(FILE *fp, const struct rp_group *g)
{
	if (g->zone != NULL) {
		fputs("zone ", fp);
		rp_html(fp, g->zone);
	} else
		fprintf(fp, "VLAN %u", g->vlan);
	fprintf(fp, " (%zu device%s)", g->n, g->n == 1 ? "" : "s");
}

static void
rp_html_matrix(FILE *fp, const struct rp *r, bool zones)
{
	struct rp_cell *c;
	size_t i, n;
	char a[32], b[32];

	c = rp_matrix(r, zones, &n);
	fprintf(fp, "<h3>%s</h3>\n", zones ? "Zone to zone" : "VLAN to VLAN");
	if (n == 0) {
		fputs("<p>No peers recorded.</p>\n", fp);
		free(c);
		return;
	}
	fprintf(fp, "<table><tr><th>From %s</th><th>To %s</th><th>Entries"
	    "</th><th>Flows</th><th>Bytes</th></tr>\n", zones ? "zone" :
	    "VLAN", zones ? "zone" : "VLAN");
	for (i = 0; i < n; i++) {
		fputs("<tr><td>", fp);
		rp_html(fp, zones ? c[i].za : rp_vlan_name(c[i].va, a,
		    sizeof(a)));
		fputs("</td><td>", fp);
		rp_html(fp, zones ? c[i].zb : rp_vlan_name(c[i].vb, b,
		    sizeof(b)));
		fprintf(fp, "</td><td class=\"n\">%u</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td></tr>\n", c[i].links,
		    (unsigned long long)c[i].flows,
		    (unsigned long long)c[i].bytes);
	}
	fputs("</table>\n", fp);
	free(c);
}

/*
 * The map: one box per zone (or per VLAN, for devices whose zone the
 * state does not hold), in a grid, each device a dot with its address,
 * an edge per pair that talks.  Past RP_MAP_DEVICES the boxes hold
 * counts and the edges join zones, labelled with the number of links.
 * The VLAN-to-VLAN and zone-to-zone matrices follow.
 */
static void
rp_html_map(FILE *fp, const struct rp *r)
{
	struct rp_edge *e;
	const struct rp_group *g = r->groups;
	size_t *cnt, nv = r->ngroups, i, k, ne, cols, rows, col, row;
	double *zx, *zy, *zh, *dx, *dy, bw = 300, rowh, W, H, y;
	bool agg = r->n > RP_MAP_DEVICES;
	char ip[64];
	const struct device *d;

	if (nv == 0) {
		fprintf(fp, "<p>No devices.</p>\n");
		return;
	}
	cols = nv < 4 ? nv : 4;
	rows = (nv + cols - 1) / cols;
	zx = xcalloc(nv, sizeof(*zx));
	zy = xcalloc(nv, sizeof(*zy));
	zh = xcalloc(nv, sizeof(*zh));
	cnt = xcalloc(nv, sizeof(*cnt));
	for (i = 0; i < nv; i++)
		zh[i] = agg ? 80 : 62 + 40.0 * (double)((g[i].n +
		    RP_MAP_COLS - 1) / RP_MAP_COLS);
	y = 50;		/* room for the curves above the first row */
	for (row = 0; row < rows; row++) {
		rowh = 0;
		for (col = 0; col < cols && row * cols + col < nv; col++) {
			i = row * cols + col;
			zx[i] = 20 + (double)col * (bw + 60);
			zy[i] = y;
			if (zh[i] > rowh)
				rowh = zh[i];
		}
		y += rowh + 60;
	}
	W = 20 + (double)cols * (bw + 60);
	H = y + 30;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	    "role=\"img\" aria-label=\"communication map\">\n", W, H, W, H);
	fprintf(fp, "<style>.z{fill:#f4f8fc;stroke:#246}.zt{font:bold 13px "
	    "sans-serif}.d{fill:#246}.dm{fill:#c30}.dl{font:9px sans-serif}"
	    ".e{stroke:#888;stroke-opacity:.5;fill:none}.el{font:11px sans-serif;"
	    "fill:#555}</style>\n");
	for (i = 0; i < nv; i++) {
		fprintf(fp, "<rect class=\"z\" x=\"%.0f\" y=\"%.0f\" "
		    "width=\"%.0f\" height=\"%.0f\" rx=\"8\"/>\n", zx[i], zy[i],
		    bw, zh[i]);
		fprintf(fp, "<text class=\"zt\" x=\"%.0f\" y=\"%.0f\">",
		    zx[i] + 8, zy[i] + 18);
		rp_html_group(fp, &g[i]);
		fputs("</text>\n", fp);
	}
	if (agg) {
		e = rp_edges(r, true, &ne);
		for (i = 0; i < ne; i++) {
			size_t a = e[i].a, b = e[i].b;
			double w = e[i].n > 50 ? 8 : 1 + (double)e[i].n / 7;

			if (a == b)
				continue;
			fprintf(fp, "<line class=\"e\" x1=\"%.0f\" y1=\"%.0f\" "
			    "x2=\"%.0f\" y2=\"%.0f\" stroke-width=\"%.1f\"/>"
			    "<text class=\"el\" x=\"%.0f\" y=\"%.0f\">%u</text>"
			    "\n", zx[a] + bw / 2, zy[a] + zh[a] / 2,
			    zx[b] + bw / 2, zy[b] + zh[b] / 2, w,
			    (zx[a] + zx[b] + bw) / 2, (zy[a] + zy[b] + zh[a]) /
			    2, e[i].n);
		}
		free(e);
		fprintf(fp, "</svg>\n<p>%zu devices: zones and the number of "
		    "links between them (a device that starts conversations "
		    "with another; each device is in the inventory).</p>\n",
		    r->n);
		goto out;
	}
	dx = xcalloc(r->n ? r->n : 1, sizeof(*dx));
	dy = xcalloc(r->n ? r->n : 1, sizeof(*dy));
	for (k = 0; k < r->n; k++) {
		i = r->order[k];
		d = r->devs[i];
		size_t z = r->grp[i], pos = cnt[z]++;

		dx[i] = zx[z] + 25 + (double)(pos % RP_MAP_COLS) *
		    (bw - 30) / RP_MAP_COLS;
		/* Zig-zag, so that a line along a row passes no dot. */
		dy[i] = zy[z] + 45 + 40.0 * (double)(pos / RP_MAP_COLS) +
		    (pos % 2 == 1 ? 12 : 0);
	}
	e = rp_edges(r, false, &ne);
	/* Curves bowing to one side: edges along a row stay apart. */
	for (i = 0; i < ne; i++) {
		double x1 = dx[e[i].a], y1 = dy[e[i].a], x2 = dx[e[i].b],
		    y2 = dy[e[i].b], mx = (x1 + x2) / 2, my = (y1 + y2) / 2;

		fprintf(fp, "<path class=\"e\" d=\"M%.0f %.0fQ%.0f %.0f "
		    "%.0f %.0f\"/>\n", x1, y1, mx - (y2 - y1) / 10,
		    my + (x2 - x1) / 10, x2, y2);
	}
	free(e);
	for (k = 0; k < r->n; k++) {
		i = r->order[k];
		d = r->devs[i];
		fprintf(fp, "<a href=\"#dev-%llu\"><circle class=\"%s\" "
		    "cx=\"%.0f\" cy=\"%.0f\" r=\"6\"><title>",
		    (unsigned long long)d->id, policy_class_medical(
		    r->fd[i].class) ? "dm" : "d", dx[i], dy[i]);
		rp_html(fp, r->fd[i].class);
		fprintf(fp, " risk %d</title></circle><text class=\"dl\" "
		    "x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", r->fd[i].risk,
		    dx[i], dy[i] + 17);
		rp_html(fp, d->has_ip ? rp_ip(d, ip, sizeof(ip)) :
		    r->fd[i].class);
		fputs("</text></a>\n", fp);
	}
	free(dx);
	free(dy);
	fprintf(fp, "</svg>\n<p>Red: medical devices.  Lines: a device "
	    "started conversations with the other.</p>\n");
 out:
	rp_html_matrix(fp, r, false);
	rp_html_matrix(fp, r, true);
	free(zx);
	free(zy);
	free(zh);
	free(cnt);
}

static void
rp_html_device(FILE *fp, const struct rp *r, size_t i)
{
	const struct device *d = r->devs[i];
	const struct fnd_dev *fd = &r->fd[i];
	const struct dev_value *v;
	const struct bl_set *set;
	char buf[128], ts[UTIL_TSBUF];
	size_t k, c, shown;
	long p;
	int a;

	fprintf(fp, "<div class=\"dev\" id=\"dev-%llu\"><h3>",
	    (unsigned long long)d->id);
	rp_html(fp, rp_name(d, buf, sizeof(buf)));
	fputs(" &mdash; ", fp);
	rp_html(fp, fd->class);
	fprintf(fp, " <span class=\"risk\">risk %d</span></h3>\n", fd->risk);
	fprintf(fp, "<table><tr><th>Attribute</th><th>Value</th>"
	    "<th>Confidence</th><th>Evidence</th></tr>\n");
	for (a = 0; a < DEV_A_MAX; a++) {
		if ((v = dev_best(d, (enum dev_attr)a)) == NULL)
			continue;
		fputs("<tr><td>", fp);
		rp_html(fp, dev_attr_name((enum dev_attr)a));
		fputs("</td><td>", fp);
		rp_html(fp, v->value);
		fprintf(fp, "</td><td class=\"n\">%u%%</td><td>",
		    v->confidence);
		for (c = 0; c < v->n_claims; c++) {
			if (c > 0)
				fputs(", ", fp);
			rp_html(fp, v->claims[c].source);
			if (v->claims[c].rule[0] != '\0') {
				fputs(" (", fp);
				rp_html(fp, v->claims[c].rule);
				fputs(")", fp);
			}
		}
		fputs("</td></tr>\n", fp);
	}
	fprintf(fp, "<tr><td>VLAN</td><td>%u</td><td></td><td></td></tr>\n",
	    d->vlan);
	util_format_ts(d->first_us, false, ts);
	fprintf(fp, "<tr><td>seen</td><td>%.19sZ", ts);
	util_format_ts(d->last_us, false, ts);
	fprintf(fp, " to %.19sZ</td><td></td><td>%llu flows</td></tr>\n"
	    "</table>\n", ts, (unsigned long long)d->flows);
	fputs("<p>Risk reasons:</p><ul>", fp);
	for (k = 0; k < fd->nreasons; k++) {
		fputs("<li>", fp);
		rp_html(fp, fd->reasons[k]);
		fputs("</li>", fp);
	}
	fputs("</ul>\n", fp);
	if (r->pt[i].n > 0) {
		const struct peer_tab *t = &r->pt[i];
		const struct peer_ent *e;
		size_t idx[RP_PEERS_SHOWN], n;
		char svc[32];

		fprintf(fp, "<p>Peers (%u entr%s, most bytes first", t->n,
		    t->n == 1 ? "y" : "ies");
		if (t->dropped > 0)
			fprintf(fp, "; %llu more not kept",
			    (unsigned long long)t->dropped);
		fputs("):</p><table><tr><th>Peer</th><th>Zone</th><th>"
		    "Direction</th><th>Service</th><th>Application</th><th>"
		    "Flows</th><th>Bytes</th></tr>\n", fp);
		n = peers_top(t, idx, RP_PEERS_SHOWN);
		for (k = 0; k < n; k++) {
			e = &t->v[idx[k]];
			fputs("<tr><td>", fp);
			if ((p = rp_peer_dev(r, e->peer)) >= 0)
				rp_html_devlink(fp, r, (size_t)p);
			else
				rp_html(fp, e->peer);
			fputs("</td><td>", fp);
			rp_html(fp, e->zone);
			fprintf(fp, "</td><td>%s</td><td>%s</td><td>",
			    peers_dir_name(e->dir), peers_service(e, svc,
			    sizeof(svc)));
			rp_html(fp, e->app);
			fprintf(fp, "</td><td class=\"n\">%llu</td><td "
			    "class=\"n\">%llu</td></tr>\n",
			    (unsigned long long)e->flows,
			    (unsigned long long)e->bytes);
		}
		if (t->n > n)
			fprintf(fp, "<tr><td colspan=\"7\">and %zu more</td>"
			    "</tr>\n", (size_t)t->n - n);
		fputs("</table>\n", fp);
	} else if (r->bls[i] != NULL && r->bls[i]->set[BL_PEER].n > 0) {
		/* An older state: the peers its baseline learned. */
		set = &r->bls[i]->set[BL_PEER];
		fputs("<p>Peers it talks to:</p><ul>", fp);
		for (k = shown = 0; k < set->n && shown < RP_PEERS_SHOWN; k++,
		    shown++) {
			fputs("<li>", fp);
			if ((p = rp_peer_dev(r, set->v[k].key)) >= 0)
				rp_html_devlink(fp, r, (size_t)p);
			else
				rp_html(fp, set->v[k].key);
			fprintf(fp, ", %u flow%s</li>", set->v[k].count,
			    set->v[k].count == 1 ? "" : "s");
		}
		if (set->n > shown)
			fprintf(fp, "<li>and %zu more</li>", set->n - shown);
		fputs("</ul>\n", fp);
	}
	if (fd->nalerts > 0) {
		fputs("<p>Alerts:</p><table><tr><th>Signature</th><th>As "
		    "source</th><th>As destination</th></tr>\n", fp);
		for (k = 0; k < fd->nalerts; k++) {
			fprintf(fp, "<tr><td>[%u:%u] ", fd->alerts[k].gid,
			    fd->alerts[k].sid);
			rp_html(fp, fd->alerts[k].signature);
			fprintf(fp, "</td><td class=\"n\">%llu</td><td "
			    "class=\"n\">%llu</td></tr>\n",
			    (unsigned long long)fd->alerts[k].as_src,
			    (unsigned long long)fd->alerts[k].as_dst);
		}
		fputs("</table>\n", fp);
	}
	fputs("</div>\n", fp);
}

static void
rp_write_html(FILE *fp, const struct rp *r)
{
	struct rp_count *cls;
	const struct finding *f;
	const struct device *d;
	const struct fnd_dev *fd;
	size_t sev[FND_SEV_MAX], ncls, i, k, *top;
	char buf[256], mac[24], ip[64];
	const char *base = strrchr(r->path, '/');

	base = base != NULL ? base + 1 : r->path;
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta http-equiv="
	    "\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	    "img-src data:\">\n<title>Wardwatch assessment</title>\n"
	    "<style>%s</style></head><body>\n", rp_css);
	fputs("<h1>Wardwatch assessment</h1>\n<p>State: ", fp);
	rp_html(fp, base);
	rp_period(r, buf, sizeof(buf));
	fprintf(fp, "; traffic %s; %zu devices.</p>\n", buf, r->n);
	fputs("<nav><a href=\"#summary\">Summary</a> &middot; <a href="
	    "\"#findings\">Findings</a> &middot; <a href=\"#inventory\">"
	    "Inventory</a> &middot; <a href=\"#map\">Map</a> &middot; "
	    "<a href=\"#devices\">Devices</a> &middot; <a href=\"#policy\">"
	    "Policy</a></nav>\n", fp);

	fputs("<section id=\"summary\"><h2>Summary</h2>\n", fp);
	rp_sev_counts(r, sev);
	fputs("<p>Findings by severity: ", fp);
	for (i = 0; i < FND_SEV_MAX; i++) {
		rp_html_sev(fp, (enum fnd_sev)i);
		fprintf(fp, " %zu%s", sev[i], i + 1 < FND_SEV_MAX ? " " : "");
	}
	fputs("</p>\n<table><tr><th>Class</th><th>Devices</th></tr>\n", fp);
	cls = rp_classes(r, &ncls);
	for (i = 0; i < ncls; i++) {
		fputs("<tr><td>", fp);
		rp_html(fp, cls[i].name);
		fprintf(fp, "</td><td class=\"n\">%zu</td></tr>\n", cls[i].n);
	}
	free(cls);
	fputs("</table>\n<h3>Top risks</h3>\n<table><tr><th>Risk</th><th>"
	    "Device</th><th>Why</th></tr>\n", fp);
	top = rp_by_risk(r);
	for (i = 0; i < r->n && i < RP_TOP_RISKS; i++) {
		fd = &r->fd[top[i]];
		fprintf(fp, "<tr><td class=\"n risk\">%d</td><td>", fd->risk);
		rp_html_devlink(fp, r, top[i]);
		fputs("</td><td>", fp);
		rp_html(fp, fd->nreasons > 1 ? fd->reasons[1] :
		    fd->reasons[0]);
		fputs("</td></tr>\n", fp);
	}
	free(top);
	fputs("</table></section>\n", fp);

	fputs("<section id=\"findings\"><h2>Findings</h2>\n", fp);
	if (r->fl.n == 0)
		fputs("<p>No findings.</p>\n", fp);
	for (i = 0; i < r->fl.n; i++) {
		f = &r->fl.v[i];
		fprintf(fp, "<h3 id=\"%s\">", f->id);
		rp_html_sev(fp, f->sev);
		fprintf(fp, " %s ", f->id);
		rp_html(fp, f->title);
		fprintf(fp, "</h3>\n<p><b>Fix:</b> ");
		rp_html(fp, f->remediation);
		fputs("</p>\n<ul>", fp);
		for (k = 0; k < f->nhits; k++) {
			fputs("<li>", fp);
			rp_html_devlink(fp, r, f->hits[k].dev);
			fputs(": ", fp);
			rp_html(fp, f->hits[k].evidence);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	}
	fputs("</section>\n", fp);

	fputs("<section id=\"inventory\"><h2>Inventory</h2>\n<p><input "
	    "id=\"filter\" type=\"search\" placeholder=\"filter: class, "
	    "vendor, address...\" aria-label=\"filter\"></p>\n<table id="
	    "\"inv\"><thead><tr><th>MAC</th><th>VLAN</th><th>IP</th><th>"
	    "Class</th><th>Vendor</th><th>Model</th><th>Software</th><th>"
	    "Hostname</th><th>Risk</th><th>Findings</th></tr></thead><tbody>"
	    "\n", fp);
	for (i = 0; i < r->n; i++) {
		d = r->devs[r->order[i]];
		fd = &r->fd[r->order[i]];
		fprintf(fp, "<tr><td><a href=\"#dev-%llu\">",
		    (unsigned long long)d->id);
		rp_html(fp, rp_mac(d, mac, sizeof(mac)));
		fprintf(fp, "</a></td><td class=\"n\">%u</td><td>", d->vlan);
		rp_html(fp, rp_ip(d, ip, sizeof(ip)));
		fputs("</td><td>", fp);
		rp_html(fp, fd->class);
		fputs("</td><td>", fp);
		rp_html(fp, rp_val(d, DEV_A_VENDOR));
		fputs("</td><td>", fp);
		rp_html(fp, rp_val(d, DEV_A_MODEL));
		fputs("</td><td>", fp);
		rp_html(fp, rp_val(d, DEV_A_SOFTWARE));
		fputs("</td><td>", fp);
		rp_html(fp, rp_val(d, DEV_A_HOSTNAME));
		fprintf(fp, "</td><td class=\"n risk\">%d</td><td class=\"n\">"
		    "%zu</td></tr>\n", fd->risk, fd->nfindings);
	}
	fputs("</tbody></table></section>\n", fp);

	fputs("<section id=\"map\"><h2>Communication map</h2>\n", fp);
	rp_html_map(fp, r);
	fputs("</section>\n", fp);

	fputs("<section id=\"devices\"><h2>Devices</h2>\n", fp);
	for (i = 0; i < r->n; i++)
		rp_html_device(fp, r, r->order[i]);
	fputs("</section>\n", fp);

	fputs("<section id=\"policy\"><h2>Appendix: proposed zero-trust "
	    "policy</h2>\n<p>What the devices did, as profiles in the policy "
	    "file schema (<code>wardwatch policy suggest</code>): review, "
	    "then enforce.</p>\n<pre>", fp);
	if (r->policy != NULL) {
		/* Line by line: rp_html() cleans a value at a time. */
		char *s = r->policy, *nl;

		while (*s != '\0') {
			if ((nl = strchr(s, '\n')) != NULL)
				*nl = '\0';
			rp_html(fp, s);
			putc('\n', fp);
			if (nl == NULL)
				break;
			*nl = '\n';
			s = nl + 1;
		}
	}
	fprintf(fp, "</pre></section>\n<script>%s</script>\n</body></html>\n",
	    rp_js);
}

/* ---- the command ---- */

int
report_format_lookup(const char *s)
{
	if (strcmp(s, "html") == 0)
		return REPORT_HTML;
	if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
		return REPORT_MD;
	if (strcmp(s, "csv") == 0)
		return REPORT_CSV;
	return -1;
}

enum report_format
report_format_of(const char *path)
{
	size_t n = strlen(path);

	if (n >= 3 && strcmp(path + n - 3, ".md") == 0)
		return REPORT_MD;
	if (n >= 4 && strcmp(path + n - 4, ".csv") == 0)
		return REPORT_CSV;
	return REPORT_HTML;
}

int
report_write(const char *state, const char *out, enum report_format fmt,
    FILE *err)
{
	struct rp r;
	struct stat sb;
	FILE *fp;
	int rc;

	if (stat(state, &sb) == -1) {
		fprintf(err, "%s: %s\n", state, errno == ENOENT ?
		    "no such inventory" : strerror(errno));
		return errno == ENOENT ? RP_EXIT_USAGE : RP_EXIT_RUNTIME;
	}
	memset(&r, 0, sizeof(r));
	r.path = state;
	if ((rc = rp_load(&r, true, err)) != 0) {
		rp_free(&r);
		return rc;
	}
	if (strcmp(out, "-") == 0)
		fp = stdout;
	else if ((fp = fopen(out, "w")) == NULL) {
		fprintf(err, "%s: %s\n", out, strerror(errno));
		rp_free(&r);
		return RP_EXIT_RUNTIME;
	}
	switch (fmt) {
	case REPORT_HTML:
		rp_write_html(fp, &r);
		break;
	case REPORT_MD:
		rp_write_md(fp, &r);
		break;
	case REPORT_CSV:
		rp_write_csv(fp, &r);
		break;
	}
	rc = 0;
	if (fflush(fp) == EOF || ferror(fp)) {
		fprintf(err, "%s: %s\n", strcmp(out, "-") == 0 ?
		    "standard output" : out, strerror(errno));
		rc = RP_EXIT_RUNTIME;
	}
	if (fp != stdout && fclose(fp) == EOF && rc == 0) {
		fprintf(err, "%s: %s\n", out, strerror(errno));
		rc = RP_EXIT_RUNTIME;
	}
	rp_free(&r);
	return rc;
}

int
report_risks(const char *state, uint64_t **ids, int **risks, size_t *n,
    FILE *err)
{
	struct rp r;
	size_t i;
	int rc;

	*ids = NULL;
	*risks = NULL;
	*n = 0;
	memset(&r, 0, sizeof(r));
	r.path = state;
	if ((rc = rp_load(&r, false, err)) != 0) {
		rp_free(&r);
		return -1;
	}
	*ids = xcalloc(r.n ? r.n : 1, sizeof(**ids));
	*risks = xcalloc(r.n ? r.n : 1, sizeof(**risks));
	for (i = 0; i < r.n; i++) {
		(*ids)[i] = r.devs[i]->id;
		(*risks)[i] = r.fd[i].risk;
	}
	*n = r.n;
	rp_free(&r);
	return 0;
}

int
report_risks_of(struct state *st, const struct device *const *devs,
    const struct bl_dev *const *bls, size_t n, struct brain_risk **out,
    size_t *nout, FILE *err)
{
	struct brain_risk *v;
	struct fnd_dev *fd;
	struct fnd_list fl;
	struct rp r;
	size_t i, k, len, o;

	*out = NULL;
	*nout = 0;
	memset(&r, 0, sizeof(r));
	if (state_load_alerts(st, rp_alert_cb, &r) != 0) {
		fprintf(err, "%s\n", state_errmsg(st));
		free(r.alerts);
		return -1;
	}
	fd = rp_fnd_devs(devs, bls, n, r.alerts, r.nalerts);
	findings_compute(fd, n, &fl);
	v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].id = devs[i]->id;
		v[i].risk = fd[i].risk;
		v[i].nreasons = fd[i].nreasons;
		for (k = 0, len = 0; k < fd[i].nreasons; k++)
			len += strlen(fd[i].reasons[k]) + 1;
		v[i].reasons = xreallocarray(NULL, len + 1, 1);
		/* Each line where the last ended. */
		for (k = 0, len = 0; k < fd[i].nreasons; k++) {
			o = strlen(fd[i].reasons[k]);
			memcpy(v[i].reasons + len, fd[i].reasons[k], o);
			len += o;
			v[i].reasons[len++] = '\n';
		}
		v[i].reasons[len] = '\0';
	}
	*out = v;
	*nout = n;
	findings_free(&fl);
	free(fd);
	free(r.alerts);
	return 0;
}

static void
report_usage(FILE *fp)
{
	fprintf(fp,
"usage: wardwatch report --state db [-o file] [--format html|md|csv]\n"
"\n"
"  --state db       the state database a run kept (--state, or\n"
"                   LOGDIR/wardwatch.db)\n"
"  -o file          write the report there (default: standard output)\n"
"  --format f       html (one self-contained file), md (Markdown, for\n"
"                   tickets) or csv (the inventory with every column);\n"
"                   default: from the file's name (.md, .csv), else html\n"
"  --help           print this help and exit\n");
}

int
report_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format",	required_argument,	NULL,	'f' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "output",	required_argument,	NULL,	'o' },
		{ "state",	required_argument,	NULL,	's' },
		{ NULL,		0,			NULL,	0 }
	};
	const char *path = NULL, *out = "-";
	int ch, fmt = -1;

	/* glibc: 0 restarts the scan, as main() may have used getopt. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((fmt = report_format_lookup(optarg)) < 0) {
				fprintf(stderr, "wardwatch report: unknown "
				    "format \"%s\" (html, md, csv)\n",
				    util_safe_str(optarg));
				report_usage(stderr);
				return RP_EXIT_USAGE;
			}
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		case 'o':
			out = optarg;
			break;
		case 's':
			path = optarg;
			break;
		default:
			report_usage(stderr);
			return RP_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wardwatch report: unexpected argument "
		    "\"%s\"\n", util_safe_str(argv[optind]));
		report_usage(stderr);
		return RP_EXIT_USAGE;
	}
	if (path == NULL) {
		fprintf(stderr, "wardwatch report: --state is required\n");
		report_usage(stderr);
		return RP_EXIT_USAGE;
	}
	if (fmt < 0)
		fmt = (int)report_format_of(out);
	return report_write(path, out, (enum report_format)fmt, stderr);
}
