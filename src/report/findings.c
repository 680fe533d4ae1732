/*
 * findings.c - what is wrong on a ward, from what the sensor learned.
 *
 * Each kind of finding reads what the state keeps of a device: its
 * evidence (SMB1-only fields, the JA4 of its TLS clients), its
 * baseline (services offered and used, peers it starts conversations
 * with, public destinations), the weaknesses parsers saw (HTTP Basic
 * credentials, SNMP communities, TLS certificates and ciphers), nDPI's
 * flow risks under our own numbers and the alerts counted for it.  Nothing
 * here is a guess the data cannot back: the evidence line of every hit
 * says what it rests on.  Zones are VLANs here: the state does not
 * keep the config's zones, and a VLAN is what a network engineer
 * changes ACLs on.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "device/fpdb.h"
#include "policy/baseline.h"
#include "policy/policy.h"
#include "report/findings.h"
#include "util/fmt.h"
#include "util/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct fnd_kind_info {
	const char	*id;
	enum fnd_sev	 sev;
	const char	*title;
	const char	*remediation;
};

static const struct fnd_kind_info fnd_kinds[FND_KIND_MAX] = {
	[FND_CLEARTEXT_LOGIN] = { "WW-F001", FND_HIGH,
	    "Cleartext login (telnet, FTP) seen",
	    "Disable the cleartext service or move it to SSH/SFTP; change "
	    "the exposed account's password." },
	[FND_SMB1] = { "WW-F002", FND_HIGH, "SMBv1 in use",
	    "Disable SMBv1 on both ends (vendor-approved patch or "
	    "setting); until then block TCP 139/445 between segments." },
	[FND_TELNET] = { "WW-F003", FND_HIGH, "Telnet service offered",
	    "Disable telnet; where the vendor needs it, allow TCP 23 only "
	    "from the service jump host." },
	[FND_FTP] = { "WW-F004", FND_MEDIUM, "FTP service offered",
	    "Replace FTP with SFTP/FTPS or restrict TCP 21 to the hosts "
	    "that must transfer files." },
	[FND_HTTP] = { "WW-F005", FND_LOW,
	    "Unencrypted HTTP service offered",
	    "Enable HTTPS on the device's web interface and restrict TCP 80 "
	    "to management hosts." },
	[FND_OLD_TLS] = { "WW-F006", FND_MEDIUM, "TLS below 1.2 offered",
	    "Update the device's software or TLS settings so that it "
	    "offers TLS 1.2 or newer only." },
	[FND_EXTERNAL] = { "WW-F007", FND_HIGH,
	    "Traffic leaving the private address space",
	    "Confirm each public destination with the vendor; deny the "
	    "rest at the segment's firewall." },
	[FND_CROSS_VLAN] = { "WW-F008", FND_LOW,
	    "Medical device reachable from other VLANs",
	    "Allow only the listed peers and ports to reach the device "
	    "(ACL on the VLAN's gateway)." },
	[FND_UNKNOWN_MEDICAL] = { "WW-F009", FND_MEDIUM,
	    "Unidentified device on a medical VLAN",
	    "Identify the device (owner, asset tag) or remove it from the "
	    "medical VLAN." },
	[FND_SNMP] = { "WW-F010", FND_MEDIUM, "SNMP service offered",
	    "Use SNMPv3 with authentication and privacy; disable v1/v2c "
	    "communities." },
	[FND_CLINICAL_CROSS] = { "WW-F011", FND_LOW,
	    "Cleartext clinical protocol (HL7, DICOM) crossing VLANs",
	    "Carry HL7 over TLS (MLLP/S) and DICOM over TLS between "
	    "segments, or keep the peers on one segment." },
	[FND_HTTP_BASIC] = { "WW-F012", FND_HIGH,
	    "HTTP Basic credentials sent in clear",
	    "Enable HTTPS on the server and turn plain HTTP off; change the "
	    "passwords that were sent." },
	[FND_SNMP_COMMUNITY] = { "WW-F013", FND_HIGH,
	    "SNMP v1/v2c community in use",
	    "Move the device to SNMPv3 (authPriv); until then change the "
	    "community and allow UDP 161 only from the management station." },
	[FND_TLS_CERT] = { "WW-F014", FND_MEDIUM,
	    "TLS certificate expired or self-signed",
	    "Issue the device a certificate from the hospital's CA and renew "
	    "it before it expires." },
	[FND_WEAK_CIPHER] = { "WW-F015", FND_MEDIUM,
	    "Weak TLS cipher suite chosen",
	    "Disable RC4, DES, 3DES, NULL, export and anonymous suites in the "
	    "server's TLS settings (vendor update where they are fixed)." },
	[FND_EOL_SOFTWARE] = { "WW-F016", FND_MEDIUM,
	    "End-of-life software in use",
	    "Ask the vendor for a supported software release; until then "
	    "keep the device on a segment that only its peers reach." },
	[FND_NDPI] = { "WW-R", FND_MEDIUM, "", NULL },
	[FND_ALERT] = { "WW-A", FND_MEDIUM, "",
	    NULL },
};

/* nDPI's flow risks under our numbers (app/dpirisk.def). */
static const struct {
	unsigned	 nn;
	const char	*name;
	enum fnd_sev	 sev;
	const char	*title;
	const char	*remediation;
} fnd_dpi[] = {
#define DPI_RISK(nn, name, ndpi, sev, ends, title, fix)	\
	{ nn, name, FND_##sev, title, fix },
#include "app/dpirisk.def"
#undef DPI_RISK
};

/*
 * nDPI's risks that a finding of ours tells better for the same
 * device: the device's hit for the risk goes, so that one weakness is
 * not counted twice in its score (a telnet login is WW-F001, not also
 * nDPI's cleartext credentials and unsafe protocol).
 */
#define FND_BIT(k)	(1u << (k))
static const struct {
	const char	*name;
	unsigned	 kinds;
} fnd_dpi_covered[] = {
	{ "cleartext-credentials", FND_BIT(FND_CLEARTEXT_LOGIN) |
	    FND_BIT(FND_HTTP_BASIC) },
	{ "unsafe-protocol", FND_BIT(FND_CLEARTEXT_LOGIN) | FND_BIT(FND_SMB1) |
	    FND_BIT(FND_TELNET) | FND_BIT(FND_FTP) |
	    FND_BIT(FND_SNMP_COMMUNITY) },
};
_Static_assert(FND_KIND_MAX <= 32, "kinds are bits of an unsigned");

static const char *const fnd_sev_names[FND_SEV_MAX] = {
	"critical", "high", "medium", "low", "info"
};

static const unsigned fnd_sev_weight[FND_SEV_MAX] = { 25, 15, 8, 3, 1 };

/* Clinical weight per class, in percent. */
static const struct {
	const char	*class;
	unsigned	 w;
} fnd_impact[] = {
	{ "infusion-pump",		100 },
	{ "ventilator",			100 },
	{ "dialysis",			95 },
	{ "patient-monitor",		85 },
	{ "nurse-call",			75 },
	{ "imaging-modality",		70 },
	{ "ultrasound",			70 },
	{ "medical-gateway",		65 },
	{ "interface-engine",		60 },
	{ "pacs",			60 },
	{ "lab-analyzer",		60 },
	{ "imaging-workstation",	50 },
	{ "clinical-workstation",	50 },
	{ "server",			45 },
	{ "network-infrastructure",	45 },
	{ "iot",			40 },
	{ "printer",			30 },
};
#define FND_IMPACT_UNKNOWN	50	/* could be anything: the middle */

const char *
fnd_sev_name(enum fnd_sev s)
{
	return s < FND_SEV_MAX ? fnd_sev_names[s] : "unknown";
}

const char *
fnd_kind_id(enum fnd_kind k)
{
	return k < FND_KIND_MAX ? fnd_kinds[k].id : "";
}

unsigned
findings_impact(const char *class)
{
	size_t i;

	for (i = 0; class != NULL && i < nitems(fnd_impact); i++)
		if (fnd_impact[i].class[0] == class[0] &&
		    strcmp(fnd_impact[i].class, class) == 0)
			return fnd_impact[i].w;
	return FND_IMPACT_UNKNOWN;
}

/* The risk of a device whose class weighs impact (in percent). */
static int
fnd_risk(const struct fnd_risk_in *in, unsigned impact)
{
	unsigned exposure, weakness, sum, s;
	unsigned long r;

	exposure = (in->services > 4 ? 4 : in->services) * 5;
	exposure += (in->cross_peers > 5 ? 5 : in->cross_peers) * 2;
	exposure += in->external > 0 ? 10 : 0;
	for (weakness = 0, s = 0; s < FND_SEV_MAX; s++) {
		weakness += (in->sev[s] > 60 ? 60 : in->sev[s]) *
		    fnd_sev_weight[s];
		if (weakness > 60)
			weakness = 60;
	}
	sum = exposure + weakness;
	if (sum > 100)
		sum = 100;
	/* impact% * (20 + 0.8 sum), rounded: all in integers. */
	r = (unsigned long)impact * (200 + 8 * sum);
	return (int)((r + 500) / 1000);
}

int
findings_risk(const struct fnd_risk_in *in)
{
	return fnd_risk(in, findings_impact(in->class));
}

/* ---- building the list ---- */

struct fnd_ctx {
	struct fnd_dev	*devs;
	size_t		 ndevs;
	struct finding	 fixed[FND_KIND_MAX];	/* FND_ALERT, _NDPI unused */
	struct finding	*alerts;		/* and FND_NDPI's */
	size_t		 nalerts;
	bool		*medical;	/* by device: its class is */
	bool		*clinical;	/* an HL7 or DICOM client */
};

/*
 * One hit per device: more evidence for it joins the line (up to its
 * size), so that a device's FTP and telnet logins are both told.  The
 * evidence is formatted once, in place, and the hits grow by doubling:
 * a snapshot adds thousands.
 */
static void
fnd_hit_vadd(struct finding *f, size_t dev, const char *fmt, va_list ap)
{
	struct fnd_hit *h;
	size_t n;

	if (f->nhits > 0 && f->hits[f->nhits - 1].dev == dev) {
		h = &f->hits[f->nhits - 1];
		n = strlen(h->evidence);
		if (n + 3 < sizeof(h->evidence)) {
			memcpy(h->evidence + n, "; ", 3);
			vsnprintf(h->evidence + n + 2, sizeof(h->evidence) -
			    n - 2, fmt, ap);
		}
		return;
	}
	/* A power of two hits fills the room: double it. */
	if ((f->nhits & (f->nhits - 1)) == 0)
		f->hits = xreallocarray(f->hits, f->nhits ? f->nhits * 2 : 1,
		    sizeof(*f->hits));
	h = &f->hits[f->nhits++];
	h->dev = dev;
	vsnprintf(h->evidence, sizeof(h->evidence), fmt, ap);
}

static void
fnd_hit_add(struct finding *f, size_t dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fnd_hit_vadd(f, dev, fmt, ap);
	va_end(ap);
}

static void
fnd_add(struct fnd_ctx *c, enum fnd_kind k, size_t dev, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	fnd_hit_vadd(&c->fixed[k], dev, fmt, ap);
	va_end(ap);
}

/*
 * An evidence line built without vsnprintf() (the services and public
 * destinations of every device, at every snapshot): pieces appended
 * and cut where snprintf() would cut the whole.
 */
struct fnd_line {
	char		 s[FND_EVIDENCE_MAX];
	size_t		 n;
};

static void
fnd_line_str(struct fnd_line *l, const char *s)
{
	size_t k = strnlen(s, sizeof(l->s) - 1 - l->n);

	memcpy(l->s + l->n, s, k);
	l->n += k;
	l->s[l->n] = '\0';
}

static void
fnd_line_uint(struct fnd_line *l, unsigned v)
{
	char d[FMT_UINT_MAX + 1];

	d[fmt_uint(d, v)] = '\0';
	fnd_line_str(l, d);
}

/* fnd_add(c, k, dev, "%s", l->s), with no format to read. */
static void
fnd_add_line(struct fnd_ctx *c, enum fnd_kind k, size_t dev,
    const struct fnd_line *l)
{
	struct finding *f = &c->fixed[k];
	struct fnd_hit *h;
	size_t n, m;

	if (f->nhits > 0 && f->hits[f->nhits - 1].dev == dev) {
		h = &f->hits[f->nhits - 1];
		n = strlen(h->evidence);
		if (n + 3 < sizeof(h->evidence)) {
			m = sizeof(h->evidence) - n - 3;
			if (m > l->n)
				m = l->n;
			memcpy(h->evidence + n, "; ", 2);
			memcpy(h->evidence + n + 2, l->s, m);
			h->evidence[n + 2 + m] = '\0';
		}
		return;
	}
	if ((f->nhits & (f->nhits - 1)) == 0)
		f->hits = xreallocarray(f->hits, f->nhits ? f->nhits * 2 : 1,
		    sizeof(*f->hits));
	h = &f->hits[f->nhits++];
	h->dev = dev;
	memcpy(h->evidence, l->s, l->n + 1);
}

/* "offers tcp/23 telnet server (3 flows)" */
static void
fnd_add_offers(struct fnd_ctx *c, enum fnd_kind k, size_t dev,
    const struct bl_item *it)
{
	struct fnd_line l;

	l.n = 0;
	fnd_line_str(&l, "offers ");
	fnd_line_str(&l, it->key);
	fnd_line_str(&l, " (");
	fnd_line_uint(&l, it->count);
	fnd_line_str(&l, it->count == 1 ? " flow)" : " flows)");
	fnd_add_line(c, k, dev, &l);
}

/* Blanks as isspace() sees them in the C locale (%s's delimiters). */
static bool
fnd_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * A key as baselines write it, "tcp/23 telnet server" (fields of at
 * most 7 letters or digits, 5 digits, 31 and 15 bytes, one space
 * apart), read without sscanf(): every service of every device is
 * read at every snapshot.  Anything else is read as sscanf() with
 * "%7[a-z0-9]/%u %31s %15s" always read it; a key whose transport
 * is not followed by a '/' (such as "icmp client") sscanf() rejects
 * too, so it is rejected here without asking it.
 */
bool
fnd_service_parse(const char *key, struct fnd_svc *s)
{
	const char *k = key, *t;
	char r[16];
	unsigned v = 0;

	for (t = k; (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9');
	    k++)
		;
	if (k == t || k - t > 7 || *k != '/')
		return false;
	memcpy(s->proto, t, (size_t)(k - t));
	s->proto[k - t] = '\0';
	for (t = ++k; *k >= '0' && *k <= '9' && k - t < 5; k++)
		v = v * 10 + (unsigned)(*k - '0');
	if (k == t || *k != ' ')
		goto slow;
	for (t = ++k; *k != '\0' && !fnd_blank(*k); k++)
		;
	if (k == t || k - t > 31 || *k != ' ')
		goto slow;
	memcpy(s->app, t, (size_t)(k - t));
	s->app[k - t] = '\0';
	for (t = ++k; *k != '\0' && !fnd_blank(*k); k++)
		;
	if (k == t || k - t > 15 || *k != '\0')
		goto slow;
	s->port = v;
	s->server = k - t == 6 && memcmp(t, "server", 6) == 0;
	return true;
slow:
	if (sscanf(key, "%7[a-z0-9]/%u %31s %15s", s->proto, &s->port,
	    s->app, r) != 4)
		return false;
	s->server = strcmp(r, "server") == 0;
	return true;
}

/* The TLS version a JA4 fingerprint says the client offered at most. */
static const char *
fnd_ja4_old(const char *ja4)
{
	if (strlen(ja4) < 4 || (ja4[0] != 't' && ja4[0] != 'q' &&
	    ja4[0] != 'd'))
		return NULL;
	if (strncmp(ja4 + 1, "10", 2) == 0)
		return "TLS 1.0";
	if (strncmp(ja4 + 1, "11", 2) == 0)
		return "TLS 1.1";
	if (strncmp(ja4 + 1, "s3", 2) == 0)
		return "SSL 3.0";
	if (strncmp(ja4 + 1, "s2", 2) == 0)
		return "SSL 2.0";
	return NULL;
}

/*
 * The devices by MAC: a table open-addressed by the MAC as a number
 * (a power of two slots, at least twice the devices), the first
 * device (by id) of each MAC.  dev + 1 in a slot; 0: empty.
 */
/*
 * Devices by MAC: open addressing, keyed SipHash, so MACs chosen from
 * the source cannot all land in one slot (10,000 such devices made
 * the table quadratic: 60 times slower).
 */
struct fnd_macs {
	uint64_t	*mac;
	size_t		*dev;
	size_t		 mask;
	struct sipkey	 key;
};

static uint64_t
fnd_mac_num(const uint8_t mac[6])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v;
}

/*
 * A MAC as sscanf() with "%2x:%2x:%2x:%2x:%2x:%2x" reads it, without
 * sscanf() for the MACs we write ("00:1a:2b:3c:4d:5e"): six fields of
 * one or two hex digits, ':' between, anything after.  Anything else
 * (blanks, a sign, "0x", a field too long) is left to sscanf().
 */
bool
fnd_mac_parse(const char *s, uint8_t mac[6])
{
	const char *p = s;
	unsigned v[6];
	int i, h, l;

	for (i = 0; i < 6; i++) {
		if ((h = util_hexval(p[0])) < 0)
			goto slow;
		if ((l = util_hexval(p[1])) >= 0) {
			h = h * 16 + l;
			p += 2;
		} else if (*++p == 'x' || *p == 'X')
			goto slow;	/* "0x" */
		if (i < 5 && *p++ != ':')
			goto slow;
		mac[i] = (uint8_t)h;
	}
	return true;
slow:
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5]) != 6)
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

static size_t
fnd_macs_slot(const struct fnd_macs *t, uint64_t m)
{
	size_t h = (size_t)siphash13_words(&t->key, &m, 1) & t->mask;

	while (t->dev[h] != 0 && t->mac[h] != m)
		h = (h + 1) & t->mask;
	return h;
}

static void
fnd_macs_init(struct fnd_macs *t, const struct fnd_dev *devs, size_t n)
{
	size_t i, h, size = 16;
	uint64_t m;

	while (size < 2 * n)
		size *= 2;
	t->mac = xcalloc(size, sizeof(*t->mac));
	t->dev = xcalloc(size, sizeof(*t->dev));
	t->mask = size - 1;
	sipkey_init(&t->key, false);
	/* In id order: a MAC's first device keeps its slot. */
	for (i = 0; i < n; i++) {
		if (devs[i].d->flags & DEV_F_ROUTED)
			continue;
		m = fnd_mac_num(devs[i].d->mac);
		if (t->dev[h = fnd_macs_slot(t, m)] == 0) {
			t->mac[h] = m;
			t->dev[h] = i + 1;
		}
	}
}

/* The device of a "mac:" peer item (the first by id), or -1. */
static long
fnd_peer(const struct fnd_macs *t, const char *key)
{
	uint8_t mac[6];

	if (strncmp(key, "mac:", 4) != 0 || !fnd_mac_parse(key + 4, mac))
		return -1;
	return (long)t->dev[fnd_macs_slot(t, fnd_mac_num(mac))] - 1;
}

static const char *
fnd_class(const struct device *d)
{
	const struct dev_value *v = dev_best(d, DEV_A_CLASS);

	return v != NULL ? v->value : "unknown";
}

static bool
fnd_has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return true;
	return false;
}

static enum fnd_sev
fnd_alert_sev(uint8_t severity)
{
	switch (severity) {
	case 1:
		return FND_HIGH;
	case 2:
		return FND_MEDIUM;
	case 3:
		return FND_LOW;
	default:
		return FND_INFO;
	}
}

static void
fnd_alerts(struct fnd_ctx *c, size_t i)
{
	const struct fnd_dev *fd = &c->devs[i];
	const struct state_alert *a;
	struct finding *f;
	char ts1[UTIL_TSBUF], ts2[UTIL_TSBUF];
	size_t k, j;

	for (k = 0; k < fd->nalerts; k++) {
		a = &fd->alerts[k];
		util_format_ts(a->first_us, false, ts1);
		util_format_ts(a->last_us, false, ts2);
		for (j = 0; j < c->nalerts; j++)
			if (c->alerts[j].kind == FND_ALERT &&
			    c->alerts[j].gid == a->gid &&
			    c->alerts[j].sid == a->sid)
				break;
		if (j == c->nalerts) {
			c->alerts = xreallocarray(c->alerts, c->nalerts + 1,
			    sizeof(*c->alerts));
			f = &c->alerts[c->nalerts++];
			memset(f, 0, sizeof(*f));
			f->kind = FND_ALERT;
			f->gid = a->gid;
			f->sid = a->sid;
			f->sev = fnd_alert_sev(a->severity);
			snprintf(f->id, sizeof(f->id), "WW-A%u-%u", a->gid,
			    a->sid);
			strlcpy(f->title, a->signature, sizeof(f->title));
			f->remediation = a->gid == 9200 ?
			    "Check the flow against the device's zero-trust "
			    "profile: fix the device or the network, or add "
			    "the flow to the profile (policy suggest)." :
			    a->gid == 9300 ?
			    "Ask the device's owner whether the change is "
			    "expected; if not, isolate the device and "
			    "investigate." :
			    "Investigate the flows named in the alerts and "
			    "fix or block what the rule describes.";
		}
		fnd_hit_add(&c->alerts[j], i, "%llu as source, %llu as "
		    "destination, %.19sZ to %.19sZ",
		    (unsigned long long)a->as_src,
		    (unsigned long long)a->as_dst, ts1, ts2);
		if (fnd_has_word(a->signature, "cleartext") &&
		    fnd_has_word(a->signature, "login"))
			fnd_add(c, FND_CLEARTEXT_LOGIN, i, "%llu alert%s \"%s\" "
			    "(%s)", (unsigned long long)(a->as_src +
			    a->as_dst), a->as_src + a->as_dst == 1 ? "" : "s",
			    a->signature, a->as_src > 0 ? "as client" :
			    "as server");
		if (fnd_has_word(a->signature, "SMBv1"))
			fnd_add(c, FND_SMB1, i, "alert \"%s\"", a->signature);
	}
}

/* The finding of nDPI's risk nn, made on first use. */
static struct finding *
fnd_dpi_finding(struct fnd_ctx *c, size_t r)
{
	struct finding *f;
	size_t j;

	for (j = 0; j < c->nalerts; j++)
		if (c->alerts[j].kind == FND_NDPI &&
		    c->alerts[j].sid == fnd_dpi[r].nn)
			return &c->alerts[j];
	c->alerts = xreallocarray(c->alerts, c->nalerts + 1,
	    sizeof(*c->alerts));
	f = &c->alerts[c->nalerts++];
	memset(f, 0, sizeof(*f));
	f->kind = FND_NDPI;
	f->sid = fnd_dpi[r].nn;
	f->sev = fnd_dpi[r].sev;
	snprintf(f->id, sizeof(f->id), "WW-R%02u", fnd_dpi[r].nn);
	snprintf(f->title, sizeof(f->title), "nDPI: %s", fnd_dpi[r].title);
	f->remediation = fnd_dpi[r].remediation;
	return f;
}

/*
 * Software past its vendor's end of support, from the versions a
 * device tells: Windows by its NTLMSSP version or SMB1 native OS
 * (2000, XP, Server 2003, Vista, 7, Server 2008, 8, 8.1, Server 2012),
 * OpenSSH before 7.0 (2015), Dropbear before 2016.  Names without a
 * version say nothing.
 */
static bool
fnd_eol(const char *key, const char *v)
{
	static const char *const windows[] = {
		"Windows 2000", "Windows 5.", "Windows XP", "Server 2003",
		"Vista", "Windows 6.", "Windows 7", "Server 2008",
		"Windows 8", "Server 2012",
	};
	unsigned major;
	size_t i;

	if (strcmp(key, "os.windows_version") == 0 ||
	    strcmp(key, "smb.native_os") == 0) {
		for (i = 0; i < nitems(windows); i++)
			if (fnd_has_word(v, windows[i]))
				return true;
		return false;
	}
	if (strcmp(key, "ssh.software") == 0) {
		if (sscanf(v, "OpenSSH_%u.", &major) == 1)
			return major < 7;
		if (sscanf(v, "dropbear_%u.", &major) == 1)
			return major < 2016;
	}
	return false;
}

/*
 * What parsers and nDPI saw of a device's own weaknesses (its
 * evidence): HTTP Basic credentials, SNMP communities, its TLS
 * certificate, cipher and version, nDPI's flow risks.  Never a secret:
 * the evidence holds none.
 */
/*
 * Whether an evidence key may be one fnd_weak() looks at (http., os.,
 * ndpi., smb., snmp., ssh., tls.): most are HL7's, the OUI's or DNS's,
 * and ten comparisons each were a tenth of a snapshot's findings.
 */
static bool
fnd_weak_key(const char *k)
{
	switch (k[0]) {
	case 'h':
		return k[1] == 't';
	case 'o':
		return k[1] == 's';
	case 'n':
		return k[1] == 'd';
	case 's':
		return k[1] == 'm' || k[1] == 'n' || k[1] == 's';
	case 't':
		return k[1] == 'l';
	default:
		return false;
	}
}

static void
fnd_weak(struct fnd_ctx *c, size_t i)
{
	const struct device *d = c->devs[i].d;
	const struct dev_evidence *e;
	char ts[UTIL_TSBUF];
	size_t k, r;

	for (k = 0; k < d->n_evidence; k++) {
		e = &d->evidence[k];
		if (!fnd_weak_key(e->key))
			continue;
		if (strcmp(e->key, "http.basic_auth") == 0)
			fnd_add(c, FND_HTTP_BASIC, i, strcmp(e->value,
			    "server") == 0 ? "was sent HTTP Basic credentials "
			    "in clear (as a server)" : "sent HTTP Basic "
			    "credentials in clear (as a client)");
		else if (strcmp(e->key, "snmp.version") == 0)
			fnd_add(c, FND_SNMP_COMMUNITY, i, "SNMP%s messages with "
			    "a community string", e->value);
		else if (strcmp(e->key, "tls.cert_self_signed") == 0)
			fnd_add(c, FND_TLS_CERT, i, "self-signed certificate "
			    "\"%s\"", e->value);
		else if (strcmp(e->key, "tls.cert_not_after") == 0) {
			/* Expired when it was first seen: both UTC, both
			 * "YYYY-MM-DDTHH:MM:SS", so they compare as text. */
			util_format_ts(e->first_us, false, ts);
			if (strlen(e->value) == 19 && strncmp(e->value, ts,
			    19) < 0)
				fnd_add(c, FND_TLS_CERT, i, "certificate expired "
				    "%.10s, presented %.10s", e->value, ts);
		} else if (strcmp(e->key, "tls.weak_cipher") == 0)
			fnd_add(c, FND_WEAK_CIPHER, i, "chose %s as a TLS "
			    "server", e->value);
		else if (strcmp(e->key, "tls.server_version") == 0)
			fnd_add(c, FND_OLD_TLS, i, "TLS server choosing %s",
			    e->value);
		else if (fnd_eol(e->key, e->value))
			fnd_add(c, FND_EOL_SOFTWARE, i, "%s \"%s\"", e->key,
			    e->value);
		else if (strcmp(e->key, "ndpi.risk") == 0)
			for (r = 0; r < nitems(fnd_dpi); r++)
				if (strcmp(fnd_dpi[r].name, e->value) == 0) {
					fnd_hit_add(fnd_dpi_finding(c, r), i,
					    "nDPI flow risk %s", e->value);
					break;
				}
	}
}

static void
fnd_device(struct fnd_ctx *c, size_t i, const bool *medvlan)
{
	struct fnd_dev *fd = &c->devs[i];
	const struct device *d = fd->d;
	const struct bl_set *set;
	struct fnd_line l;
	struct fnd_svc sv;
	const char *v;
	size_t k;

	/* Native OS and LAN Manager strings exist only in SMB1. */
	/* The first letter first: most keys are HL7's, the OUI's, DNS's. */
	for (k = 0; k < d->n_evidence; k++)
		if (d->evidence[k].key[0] == 's' &&
		    (strcmp(d->evidence[k].key, "smb.native_os") == 0 ||
		    strcmp(d->evidence[k].key, "smb.native_lm") == 0)) {
			fnd_add(c, FND_SMB1, i, "SMB1 session setup: %s \"%s\"",
			    d->evidence[k].key, d->evidence[k].value);
			break;
		}
	for (k = 0; k < d->n_evidence; k++)
		if (d->evidence[k].key[0] == 't' &&
		    strcmp(d->evidence[k].key, "tls.ja4") == 0 &&
		    (v = fnd_ja4_old(d->evidence[k].value)) != NULL) {
			fnd_add(c, FND_OLD_TLS, i, "TLS client offering %s at "
			    "most (JA4 %s)", v, d->evidence[k].value);
			break;
		}
	fnd_weak(c, i);
	if (strcmp(fd->class, "unknown") == 0 && d->vlan != 0 &&
	    medvlan[d->vlan])
		fnd_add(c, FND_UNKNOWN_MEDICAL, i, "no class on VLAN %u, "
		    "where medical devices are", d->vlan);
	if (fd->bl == NULL)
		return;
	set = &fd->bl->set[BL_SERVICE];
	for (k = 0; k < set->n; k++) {
		if (!fnd_service_parse(set->v[k].key, &sv))
			continue;
		if (!sv.server) {
			/* For fnd_peers(). */
			if (strcmp(sv.app, "hl7") == 0 ||
			    strcmp(sv.app, "dicom") == 0)
				c->clinical[i] = true;
			continue;
		}
		fd->services_offered++;
		if (strcmp(sv.app, "telnet") == 0 || (strcmp(sv.proto,
		    "tcp") == 0 && sv.port == 23))
			fnd_add_offers(c, FND_TELNET, i, &set->v[k]);
		else if (strcmp(sv.app, "ftp") == 0 || (strcmp(sv.proto,
		    "tcp") == 0 && sv.port == 21))
			fnd_add_offers(c, FND_FTP, i, &set->v[k]);
		else if (strcmp(sv.app, "http") == 0)
			fnd_add_offers(c, FND_HTTP, i, &set->v[k]);
		else if (strcmp(sv.app, "snmp") == 0 || (strcmp(sv.proto,
		    "udp") == 0 && sv.port == 161))
			fnd_add_offers(c, FND_SNMP, i, &set->v[k]);
	}
	set = &fd->bl->set[BL_EXTERNAL];
	fd->external = set->n;
	if (set->n > 0) {
		/* "%u public destination%s, first %s%s%s" */
		l.n = 0;
		fnd_line_uint(&l, set->n);
		fnd_line_str(&l, set->n == 1 ? " public destination, first " :
		    " public destinations, first ");
		fnd_line_str(&l, set->v[0].key);
		if (set->v[0].cc[0] != '\0') {
			fnd_line_str(&l, " in ");
			fnd_line_str(&l, set->v[0].cc);
		}
		fnd_add_line(c, FND_EXTERNAL, i, &l);
	}
}

/* Peers across VLANs: who reaches a medical device, who carries
 * clinical protocols to another segment. */
static void
fnd_peers(struct fnd_ctx *c, const struct fnd_macs *macs)
{
	struct fnd_dev *fd, *pd;
	const struct bl_set *set;
	unsigned *cross;
	uint16_t *first_vlan;
	size_t i, k;
	long p;
	unsigned ncross;

	cross = xcalloc(c->ndevs ? c->ndevs : 1, sizeof(*cross));
	first_vlan = xcalloc(c->ndevs ? c->ndevs : 1, sizeof(*first_vlan));
	for (i = 0; i < c->ndevs; i++) {
		fd = &c->devs[i];
		if (fd->bl == NULL)
			continue;
		set = &fd->bl->set[BL_PEER];
		ncross = 0;
		for (k = 0; k < set->n; k++) {
			if ((p = fnd_peer(macs, set->v[k].key)) < 0 ||
			    (size_t)p == i)
				continue;
			pd = &c->devs[p];
			fd->peers_out++;
			pd->peers_in++;
			if (pd->d->vlan == fd->d->vlan)
				continue;
			ncross++;
			if (cross[p]++ == 0)
				first_vlan[p] = fd->d->vlan;
		}
		if (c->clinical[i] && ncross > 0)
			fnd_add(c, FND_CLINICAL_CROSS, i, "HL7 or DICOM client "
			    "on VLAN %u talking to %u device%s on other VLANs",
			    fd->d->vlan, ncross, ncross == 1 ? "" : "s");
	}
	for (i = 0; i < c->ndevs; i++) {
		fd = &c->devs[i];
		if (cross[i] == 0 || !c->medical[i])
			continue;
		fnd_add(c, FND_CROSS_VLAN, i, "reached by %u device%s from "
		    "other VLANs (first from VLAN %u); it is on VLAN %u",
		    cross[i], cross[i] == 1 ? "" : "s", first_vlan[i],
		    fd->d->vlan);
	}
	/* The risk's exposure counts those peers. */
	for (i = 0; i < c->ndevs; i++)
		c->devs[i].peers_in = cross[i];
	free(cross);
	free(first_vlan);
}

static bool
fnd_names(const struct finding *f, size_t dev)
{
	size_t k;

	for (k = 0; k < f->nhits; k++)
		if (f->hits[k].dev == dev)
			return true;
	return false;
}

/* Drop the nDPI hits a finding of ours covers (fnd_dpi_covered), and
 * the nDPI findings left without a hit. */
static void
fnd_dpi_uncover(struct fnd_ctx *c)
{
	struct finding *f;
	unsigned kinds;
	size_t i, j, k, n, r;

	for (i = 0, n = 0; i < c->nalerts; i++) {
		f = &c->alerts[i];
		kinds = 0;
		for (r = 0; f->kind == FND_NDPI && r < nitems(fnd_dpi); r++)
			if (fnd_dpi[r].nn == f->sid)
				for (j = 0; j < nitems(fnd_dpi_covered); j++)
					if (strcmp(fnd_dpi_covered[j].name,
					    fnd_dpi[r].name) == 0)
						kinds = fnd_dpi_covered[j].kinds;
		for (j = 0, k = 0; kinds != 0 && j < f->nhits; j++) {
			for (r = 0; r < FND_KIND_MAX; r++)
				if ((kinds & FND_BIT(r)) &&
				    fnd_names(&c->fixed[r], f->hits[j].dev))
					break;
			if (r == FND_KIND_MAX)
				f->hits[k++] = f->hits[j];
		}
		if (kinds != 0)
			f->nhits = k;
		if (f->nhits == 0) {
			free(f->hits);
			continue;
		}
		c->alerts[n++] = *f;
	}
	c->nalerts = n;
}

static int
fnd_cmp(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;

	if (a->sev != b->sev)
		return a->sev < b->sev ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->gid != b->gid)
		return a->gid < b->gid ? -1 : 1;
	if (a->sid != b->sid)
		return a->sid < b->sid ? -1 : 1;
	return 0;
}

/*
 * At most max bytes of s at buf[*len] (a reason), cut where snprintf()
 * would cut it: the reasons of every device are written at every
 * snapshot, and snprintf() was a third of the findings' time.
 */
static void
fnd_put(char *buf, size_t *len, const char *s, size_t max)
{
	size_t k = strnlen(s, max);

	if (k > FND_REASON_MAX - 1 - *len)
		k = FND_REASON_MAX - 1 - *len;
	memcpy(buf + *len, s, k);
	*len += k;
	buf[*len] = '\0';
}

static void
fnd_put_uint(char *buf, size_t *len, unsigned v)
{
	char d[FMT_UINT_MAX + 1];

	d[fmt_uint(d, v)] = '\0';
	fnd_put(buf, len, d, SIZE_MAX);
}

static void
fnd_risks(struct fnd_list *l, struct fnd_dev *devs, size_t n)
{
	struct fnd_risk_in *in;
	struct fnd_dev *fd;
	const struct finding *f;
	size_t i, k, total, len;
	unsigned w;
	char *r;

	in = xcalloc(n ? n : 1, sizeof(*in));
	for (i = 0; i < l->n; i++)
		for (k = 0; k < l->v[i].nhits; k++)
			devs[l->v[i].hits[k].dev].nfindings++;
	/* Room for each device's reasons: its findings and the first. */
	for (i = 0, total = 0; i < n; i++)
		total += devs[i].nfindings + 1 < FND_REASONS_MAX ?
		    devs[i].nfindings + 1 : FND_REASONS_MAX;
	l->reasons = xcalloc(total ? total : 1, sizeof(*l->reasons));
	for (i = 0, total = 0; i < n; i++) {
		devs[i].reasons = l->reasons + total;
		total += devs[i].nfindings + 1 < FND_REASONS_MAX ?
		    devs[i].nfindings + 1 : FND_REASONS_MAX;
	}
	for (i = 0; i < l->n; i++) {
		f = &l->v[i];
		for (k = 0; k < f->nhits; k++) {
			fd = &devs[f->hits[k].dev];
			in[f->hits[k].dev].sev[f->sev]++;
			if (fd->nreasons < FND_REASONS_MAX - 1) {
				/* "%s %s: %.60s" */
				r = fd->reasons[fd->nreasons++];
				len = 0;
				fnd_put(r, &len, fnd_sev_name(f->sev),
				    SIZE_MAX);
				fnd_put(r, &len, " ", SIZE_MAX);
				fnd_put(r, &len, f->id, SIZE_MAX);
				fnd_put(r, &len, ": ", SIZE_MAX);
				fnd_put(r, &len, f->title, 60);
			}
		}
	}
	for (i = 0; i < n; i++) {
		fd = &devs[i];
		in[i].class = fd->class;
		in[i].services = fd->services_offered;
		in[i].cross_peers = fd->peers_in;
		in[i].external = fd->external;
		/* The exposure and impact reasons first, then findings. */
		w = findings_impact(fd->class);
		fd->risk = fnd_risk(&in[i], w);
		memmove(fd->reasons[1], fd->reasons[0],
		    fd->nreasons * sizeof(fd->reasons[0]));
		fd->nreasons++;
		/* "clinical impact %u%% (%s); %u service%s offered, reached
		 * from %u device%s on other VLANs, %u public destination%s" */
		r = fd->reasons[0];
		len = 0;
		fnd_put(r, &len, "clinical impact ", SIZE_MAX);
		fnd_put_uint(r, &len, w);
		fnd_put(r, &len, "% (", SIZE_MAX);
		fnd_put(r, &len, fd->class, SIZE_MAX);
		fnd_put(r, &len, "); ", SIZE_MAX);
		fnd_put_uint(r, &len, fd->services_offered);
		fnd_put(r, &len, fd->services_offered == 1 ? " service" :
		    " services", SIZE_MAX);
		fnd_put(r, &len, " offered, reached from ", SIZE_MAX);
		fnd_put_uint(r, &len, fd->peers_in);
		fnd_put(r, &len, fd->peers_in == 1 ? " device" : " devices",
		    SIZE_MAX);
		fnd_put(r, &len, " on other VLANs, ", SIZE_MAX);
		fnd_put_uint(r, &len, fd->external);
		fnd_put(r, &len, fd->external == 1 ? " public destination" :
		    " public destinations", SIZE_MAX);
	}
	free(in);
}

void
findings_compute(struct fnd_dev *devs, size_t n, struct fnd_list *out)
{
	struct fnd_ctx c;
	struct fnd_macs macs;
	bool *medvlan;
	size_t i, k;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	c.devs = devs;
	c.ndevs = n;
	for (k = 0; k < FND_KIND_MAX; k++) {
		c.fixed[k].kind = (enum fnd_kind)k;
		c.fixed[k].sev = fnd_kinds[k].sev;
		strlcpy(c.fixed[k].id, fnd_kinds[k].id, sizeof(c.fixed[k].id));
		strlcpy(c.fixed[k].title, fnd_kinds[k].title,
		    sizeof(c.fixed[k].title));
		c.fixed[k].remediation = fnd_kinds[k].remediation;
	}
	medvlan = xcalloc(65536, sizeof(*medvlan));
	c.medical = xcalloc(n ? n : 1, sizeof(*c.medical));
	c.clinical = xcalloc(n ? n : 1, sizeof(*c.clinical));
	for (i = 0; i < n; i++) {
		devs[i].class = fnd_class(devs[i].d);
		devs[i].risk = 0;
		devs[i].nreasons = devs[i].nfindings = 0;
		devs[i].services_offered = devs[i].peers_in = 0;
		devs[i].peers_out = devs[i].external = 0;
		c.medical[i] = policy_class_medical(devs[i].class);
		if (c.medical[i] && devs[i].d->vlan != 0)
			medvlan[devs[i].d->vlan] = true;
	}
	fnd_macs_init(&macs, devs, n);
	for (i = 0; i < n; i++) {
		fnd_alerts(&c, i);
		fnd_device(&c, i, medvlan);
	}
	fnd_peers(&c, &macs);
	fnd_dpi_uncover(&c);
	free(macs.mac);
	free(macs.dev);
	free(medvlan);
	free(c.medical);
	free(c.clinical);

	out->v = xreallocarray(NULL, FND_KIND_MAX + c.nalerts + 1,
	    sizeof(*out->v));
	for (k = 0; k < FND_KIND_MAX; k++)
		if (c.fixed[k].nhits > 0)
			out->v[out->n++] = c.fixed[k];
	for (k = 0; k < c.nalerts; k++)
		out->v[out->n++] = c.alerts[k];
	free(c.alerts);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), fnd_cmp);
	fnd_risks(out, devs, n);
}

void
findings_free(struct fnd_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].hits);
	free(l->v);
	free(l->reasons);
	memset(l, 0, sizeof(*l));
}
