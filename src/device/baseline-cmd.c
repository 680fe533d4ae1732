/*
 * baseline-cmd.c - "wardwatch baseline show | reset": what each device
 * learned, and forgetting it.
 *
 * show opens the database read-only, as "wardwatch inventory" does, and
 * is safe beside a running sensor.  reset opens it for writing and
 * deletes the baselines of the devices named (or of all): they learn
 * again from their next traffic, for a whole learning period.  A
 * running sensor keeps the baselines it holds in memory and writes
 * them back at its next save, so reset a stopped sensor's database.
 *
 * Keys come from the wire (HL7 message types, AE titles): control
 * bytes are shown escaped.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/baseline-cmd.h"
#include "device/brain.h"
#include "device/device.h"
#include "policy/baseline.h"
#include "state/state.h"
#include "util/util.h"

#define BLC_EXIT_USAGE		1
#define BLC_EXIT_RUNTIME	2

struct blc_dev {
	struct device	 d;
	struct bl_dev	*bl;
};

struct blc {
	struct blc_dev	*v;
	size_t		 n, cap;
	bool		 has_mac, has_ip;
	uint8_t		 mac[6];
	struct dev_ip	 ip;
	struct bl_config cfg;
};

static void
baseline_usage(FILE *fp)
{
	fprintf(fp, "usage: wardwatch baseline show --state db "
	    "[--device mac|ip]\n"
	    "       wardwatch baseline reset --state db [--device mac|ip]\n");
}

/* A device the command is about: by MAC (any VLAN), or by address. */
static bool
blc_wanted(const struct blc *c, const struct device *d)
{
	if (c->has_mac)
		return !(d->flags & DEV_F_ROUTED) &&
		    memcmp(d->mac, c->mac, 6) == 0;
	if (c->has_ip)
		return d->has_ip && memcmp(&d->ip, &c->ip, sizeof(c->ip)) == 0;
	return true;
}

static int
blc_device(void *arg, const struct device *d)
{
	struct blc *c = arg;

	if (!blc_wanted(c, d))
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	dev_copy(&c->v[c->n].d, d);
	c->n++;
	return 0;
}

static int
blc_baseline(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct blc *c = arg;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].d.id == id && c->v[i].bl == NULL) {
			c->v[i].bl = bl;
			return 0;
		}
	bl_dev_free(bl);
	return 0;
}

static void
blc_free(struct blc *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		dev_free(&c->v[i].d);
		bl_dev_free(c->v[i].bl);
	}
	free(c->v);
}

static const char *
blc_name(const struct device *d, char *buf, size_t len)
{
	if (d->flags & DEV_F_ROUTED)
		return d->has_ip ? dev_ip_format(&d->ip, buf, len) : "-";
	return dev_mac_format(d->mac, buf, len);
}

static const char *
blc_attr(const struct device *d, enum dev_attr a, char *buf, size_t len)
{
	const struct dev_value *v = dev_best(d, a);

	util_escape_ctl(v != NULL ? v->value : "unknown", buf, len);
	return buf;
}

static uint64_t
blc_dropped(const struct bl_dev *bl)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < BL_KIND_MAX; k++)
		n += bl->set[k].dropped;
	return n;
}

static void
blc_table(const struct blc *c, FILE *fp)
{
	char name[48], cls[DEV_VALUE_MAX * 4 + 1], vlan[8], until[UTIL_TSBUF];
	const struct bl_dev *bl;
	size_t i;

	fprintf(fp, "%-17s %4s %-22s %-9s %-10s %5s %5s %4s %5s %4s %7s\n",
	    "DEVICE", "VLAN", "CLASS", "STATE", "SINCE", "PEERS", "SERV",
	    "HL7", "DICOM", "EXT", "DROPPED");
	for (i = 0; i < c->n; i++) {
		const struct device *d = &c->v[i].d;

		bl = c->v[i].bl;
		if (d->vlan != 0)
			snprintf(vlan, sizeof(vlan), "%u", d->vlan);
		else
			strlcpy(vlan, "-", sizeof(vlan));
		blc_attr(d, DEV_A_CLASS, cls, sizeof(cls));
		if (strlen(cls) > 22)
			cls[22] = '\0';
		if (bl == NULL) {
			fprintf(fp, "%-17s %4s %-22s %-9s\n", blc_name(d, name,
			    sizeof(name)), vlan, cls, "none");
			continue;
		}
		util_format_ts(bl->mode == BL_ENFORCING ? bl->learn_until_us :
		    bl->learn_start_us, false, until);
		until[10] = '\0';	/* the date */
		fprintf(fp, "%-17s %4s %-22s %-9s %-10s %5u %5u %4u %5u %4u "
		    "%7" PRIu64 "\n", blc_name(d, name, sizeof(name)), vlan,
		    cls, bl_mode_name(bl->mode), until, bl->set[BL_PEER].n,
		    bl->set[BL_SERVICE].n, bl->set[BL_HL7_SENT].n +
		    bl->set[BL_HL7_RECV].n, bl->set[BL_DICOM_AE].n +
		    bl->set[BL_DICOM_CMD].n, bl->set[BL_EXTERNAL].n,
		    blc_dropped(bl));
	}
}

/* Hours of the day as "08-17, 22" (none: "none"). */
static const char *
blc_hours_text(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;
	int h, e, w;

	buf[0] = '\0';
	for (h = 0; h < 24; h++) {
		if (!(mask & (1u << h)))
			continue;
		for (e = h; e + 1 < 24 && (mask & (1u << (e + 1))); e++)
			;
		w = e == h ? snprintf(buf + used, len - used, "%s%02d",
		    used ? "," : "", h) : snprintf(buf + used, len - used,
		    "%s%02d-%02d", used ? "," : "", h, e);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		h = e;
	}
	if (used == 0)
		strlcpy(buf, "none", len);
	return buf;
}

static void
blc_hours(uint32_t mask, FILE *fp)
{
	char buf[128];

	fprintf(fp, "%s\n", blc_hours_text(mask, buf, sizeof(buf)));
}

static void
blc_detail(const struct blc *c, const struct blc_dev *v, FILE *fp)
{
	static const char *const metric[BL_M_MAX] = { "packets", "KiB",
	    "flows" };
	const struct bl_dev *bl = v->bl;
	char name[48], buf[DEV_VALUE_MAX * 4 + 1], ts[UTIL_TSBUF];
	char key[BL_KEY_MAX * 4 + 1], ip[64], hours[128];
	uint32_t med, mad, i;
	uint64_t bound;
	unsigned h;
	int k, m;

	fprintf(fp, "device %s vlan %u", blc_name(&v->d, name, sizeof(name)),
	    v->d.vlan);
	if (v->d.has_ip)
		fprintf(fp, " ip %s", dev_ip_format(&v->d.ip, ip, sizeof(ip)));
	fprintf(fp, " class %s\n", blc_attr(&v->d, DEV_A_CLASS, buf,
	    sizeof(buf)));
	if (bl == NULL) {
		fprintf(fp, "  no baseline (learns from its next traffic)\n");
		return;
	}
	util_format_ts(bl->learn_start_us, false, ts);
	fprintf(fp, "  state      %s, learning since %s", bl_mode_name(bl->mode),
	    ts);
	if (bl->learn_until_us == BL_LEARN_UNTIL_RUN)
		fprintf(fp, " to the end of a --learn run\n");
	else {
		util_format_ts(bl->learn_until_us, false, ts);
		fprintf(fp, " %s %s\n", bl->mode == BL_ENFORCING ?
		    "to" : "until", ts);
	}
	fprintf(fp, "  hours      ");
	blc_hours(bl->hours_active, fp);
	fprintf(fp, "  learned in ");
	blc_hours(bl->hours_covered, fp);
	fprintf(fp, "  fan-out    %u peers, %u ports in a window\n",
	    bl->fan_peers, bl->fan_ports);
	for (k = 0; k < BL_KIND_MAX; k++) {
		const struct bl_set *s = &bl->set[k];

		if (s->n == 0 && s->dropped == 0)
			continue;
		fprintf(fp, "  %s (%u", bl_kind_name((enum bl_kind)k), s->n);
		if (s->dropped > 0)
			fprintf(fp, ", %" PRIu64 " more not kept: cap %u",
			    s->dropped, c->cfg.max[k]);
		fprintf(fp, ")\n");
		for (i = 0; i < s->n; i++) {
			util_escape_ctl(s->v[i].key, key, sizeof(key));
			util_format_ts(s->v[i].first_us, false, ts);
			ts[19] = '\0';
			fprintf(fp, "    %-40s %8u  since %s  hours %s",
			    key, s->v[i].count, ts, blc_hours_text(
			    s->v[i].hours, hours, sizeof(hours)));
			if (s->v[i].cc[0] != '\0')
				fprintf(fp, "  country %s", s->v[i].cc);
			if (s->v[i].asn != 0)
				fprintf(fp, "  AS%u", s->v[i].asn);
			fprintf(fp, "\n");
		}
	}
	if (bl->vol == NULL)
		return;
	fprintf(fp, "  volume per hour (UTC): median / MAD / upper bound\n");
	for (h = 0; h < 24; h++) {
		if (!bl_vol_bound(bl, &c->cfg, h, BL_M_FLOWS, &med, &mad,
		    &bound))
			continue;
		fprintf(fp, "    %02u  %u samples", h, bl->vol->n[h] <
		    BL_VOL_SAMPLES ? bl->vol->n[h] : BL_VOL_SAMPLES);
		for (m = 0; m < BL_M_MAX; m++) {
			(void)bl_vol_bound(bl, &c->cfg, h, (enum bl_metric)m,
			    &med, &mad, &bound);
			fprintf(fp, "  %s %u/%u/%" PRIu64, metric[m], med, mad,
			    bound);
		}
		fputc('\n', fp);
	}
}

static int
blc_parse_device(struct blc *c, const char *s)
{
	unsigned x[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &x[0], &x[1], &x[2],
	    &x[3], &x[4], &x[5], &end) == 6 && strlen(s) == 17) {
		for (i = 0; i < 6; i++)
			c->mac[i] = (uint8_t)x[i];
		c->has_mac = true;
		return 0;
	}
	if (dev_ip_parse(s, &c->ip) == 0) {
		c->has_ip = true;
		return 0;
	}
	return -1;
}

int
baseline_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device",	required_argument,	NULL,	'd' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "state",	required_argument,	NULL,	's' },
		{ NULL,		0,			NULL,	0 }
	};
	const char *path = NULL, *device = NULL, *cmd;
	struct blc c;
	struct state *st;
	struct stat sb;
	uint64_t *ids;
	size_t i, n;
	int ch, r, status = 0;
	bool reset;

	if (argc < 2 || (strcmp(argv[1], "show") != 0 &&
	    strcmp(argv[1], "reset") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			baseline_usage(stdout);
			return 0;
		}
		fprintf(stderr, "wardwatch baseline: give show or reset\n");
		baseline_usage(stderr);
		return BLC_EXIT_USAGE;
	}
	cmd = argv[1];
	reset = strcmp(cmd, "reset") == 0;
	argc--;
	argv++;
	memset(&c, 0, sizeof(c));
	bl_config_defaults(&c.cfg);
	/* Shown as stored: no cap of this build's defaults cuts them. */
	for (i = 0; i < BL_KIND_MAX; i++)
		c.cfg.max[i] = UINT32_MAX;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			baseline_usage(stdout);
			return 0;
		case 's':
			path = optarg;
			break;
		default:
			baseline_usage(stderr);
			return BLC_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wardwatch baseline: unexpected argument "
		    "\"%s\"\n", util_safe_str(argv[optind]));
		baseline_usage(stderr);
		return BLC_EXIT_USAGE;
	}
	if (path == NULL) {
		fprintf(stderr, "wardwatch baseline: --state is required\n");
		baseline_usage(stderr);
		return BLC_EXIT_USAGE;
	}
	if (device != NULL && blc_parse_device(&c, device) == -1) {
		fprintf(stderr, "wardwatch baseline: --device %s: not a MAC "
		    "(aa:bb:cc:dd:ee:ff) or an address\n",
		    util_safe_str(device));
		return BLC_EXIT_USAGE;
	}
	if (stat(path, &sb) == -1) {
		if (errno == ENOENT) {
			fprintf(stderr, "%s: no such inventory\n", path);
			return BLC_EXIT_USAGE;
		}
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return BLC_EXIT_RUNTIME;
	}
	st = reset ? state_open(path, stderr) :
	    state_open_readonly(path, stderr);
	if (st == NULL)
		return BLC_EXIT_RUNTIME;
	r = state_load_devices(st, blc_device, &c);
	if (r == 0)
		r = state_load_baselines(st, &c.cfg, blc_baseline, &c);
	if (r != 0) {
		fprintf(stderr, "%s\n", state_errmsg(st));
		status = BLC_EXIT_RUNTIME;
		goto out;
	}
	if (device != NULL && c.n == 0) {
		fprintf(stderr, "%s: no device %s\n", path,
		    util_safe_str(device));
		status = BLC_EXIT_USAGE;
		goto out;
	}
	if (reset) {
		ids = xcalloc(c.n ? c.n : 1, sizeof(*ids));
		for (i = n = 0; i < c.n; i++)
			if (c.v[i].bl != NULL)
				ids[n++] = c.v[i].d.id;
		if (state_reset_baselines(st, device != NULL ? ids : NULL, n,
		    stderr) != 0)
			status = BLC_EXIT_RUNTIME;
		/* What the policy learned beside it goes too. */
		for (i = 0; status == 0 && i < (device != NULL ? c.n : 1);
		    i++)
			if (brain_policy_reset(st, device != NULL ? &c.v[i].d :
			    NULL) != 0) {
				fprintf(stderr, "%s: %s\n", path,
				    state_errmsg(st));
				status = BLC_EXIT_RUNTIME;
			}
		/* And what it talked to (the communication map). */
		for (i = 0; i < c.n; i++)
			ids[i] = c.v[i].d.id;
		if (status == 0 && state_reset_peers(st, device != NULL ?
		    ids : NULL, c.n, stderr) != 0)
			status = BLC_EXIT_RUNTIME;
		if (status == 0)
			printf("wardwatch baseline: %zu baseline%s reset; "
			    "%s learn%s again from %s next traffic\n", n,
			    n == 1 ? "" : "s", n == 1 ? "the device" :
			    "the devices", n == 1 ? "s" : "", n == 1 ? "its" :
			    "their");
		free(ids);
	} else if (device != NULL) {
		for (i = 0; i < c.n; i++)
			blc_detail(&c, &c.v[i], stdout);
	} else
		blc_table(&c, stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "wardwatch baseline: stdout: %s\n",
		    strerror(errno));
		status = BLC_EXIT_RUNTIME;
	}
 out:
	blc_free(&c);
	state_close(st);
	return status;
}
