/*
 * brain-baseline.c - baselines and attack behaviour, on the brain's
 * events.
 *
 * Each flow teaches its client (the peer, the service, internet
 * destinations, active hours, fan-out) and both ends (volume per hour,
 * the service a server offers), or, once they enforce, is compared
 * with what they learned.  Only answered flows teach or deviate: a
 * flow nobody answered is a scan's, and the scan detection speaks for
 * it.  The client is the one judged for its peers: a server that gets
 * a new client did nothing new.  A peer that is itself a new device,
 * still learning, is no deviation (a new monitor of a known class
 * joins the ward), and peers are known by MAC, so an address change
 * is none either.
 *
 * Activity events (HL7 messages, DICOM commands, logins, SMB writes)
 * teach the types and AE pairs and feed the behaviours.  Every alert
 * goes through brain_explain(), which writes it once per window with
 * the count of those held back.
 */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/activity.h"
#include "app/app.h"
#include "app/layer.h"
#include "device/brain-baseline.h"
#include "device/brain-int.h"
#include "output/jsonw.h"
#include "policy/baseline.h"
#include "policy/behave.h"
#include "policy/geo.h"
#include "policy/zone.h"
#include "state/state.h"
#include "util/log.h"

#define BL_AE_SLOTS		16384u	/* AE titles remembered (a set) */
#define BL_AE_FRESH		256	/* AE titles new to the site, lately */
#define BL_AE_FRESH_US		(3600ull * 1000000u)
#define BL_SIDS			32
#define BL_LEARNED_SHOWN	8	/* learned items an alert lists */

/*
 * A service's key as bl_service_key() wrote it, by what it is made of
 * (transport, port or ephemeral, application, role): every flow names
 * two, of a few services.  key[0] '\0': a free slot.
 */
#define BL_SVC_MEMO		256	/* a power of 2 */
#define BL_SVC_KEY_MAX		48	/* longer keys are not kept */
struct bl_svc_memo {
	uint16_t	 port;
	uint8_t		 proto, app;
	bool		 server;
	char		 key[BL_SVC_KEY_MAX];
};

struct brain_bl {
	struct bl_svc_memo svc[BL_SVC_MEMO];
	uint64_t	*ae;		/* hashes of AE titles seen; 0 free */
	size_t		 nae;
	uint64_t	 ae_dropped;
	struct {
		uint64_t h, ts_us;
	}		 fresh[BL_AE_FRESH];	/* calling AEs first seen */
	unsigned	 fresh_next;
	uint64_t	 alerts[BL_SIDS];
	uint64_t	 run_start_us;	/* the run's first event */
	bool		 final;		/* the last save: everything */
};

#define BL_SAVE_EVERY		(3600ull * 1000000u)	/* us */

struct bl_sig {
	uint8_t		 severity;
	const char	*signature;
	const char	*category;
	const char	*reason;	/* the baseline object's "reason" */
};

#define BL_CAT_DEV	"Baseline Deviation"
#define BL_CAT_BEH	"Attack Behaviour"

static const struct bl_sig bl_sigs[BL_SIDS] = {
	[BL_SID_NEW_PEER] = { 3, "WARDWATCH baseline: talks to a peer it "
	    "never talked to", BL_CAT_DEV, "new-peer" },
	[BL_SID_NEW_SERVICE] = { 3, "WARDWATCH baseline: uses a service it "
	    "never used", BL_CAT_DEV, "new-service" },
	[BL_SID_NEW_SERVICE_OFFERED] = { 2, "WARDWATCH baseline: offers a "
	    "service it never offered", BL_CAT_DEV, "new-service-offered" },
	[BL_SID_NEW_HL7_SENT] = { 3, "WARDWATCH baseline: sends an HL7 "
	    "message type it never sent", BL_CAT_DEV, "new-hl7-sent" },
	[BL_SID_NEW_HL7_RECV] = { 3, "WARDWATCH baseline: receives an HL7 "
	    "message type it never received", BL_CAT_DEV,
	    "new-hl7-received" },
	[BL_SID_NEW_DICOM_AE] = { 2, "WARDWATCH baseline: new DICOM AE "
	    "title pair", BL_CAT_DEV, "new-dicom-ae-pair" },
	[BL_SID_NEW_DICOM_CMD] = { 2, "WARDWATCH baseline: DICOM command it "
	    "never issued", BL_CAT_DEV, "new-dicom-command" },
	[BL_SID_VOLUME] = { 3, "WARDWATCH baseline: traffic above its usual "
	    "volume for this hour", BL_CAT_DEV, "volume" },
	[BL_SID_FANOUT] = { 2, "WARDWATCH baseline: talks to more peers "
	    "than it ever did", BL_CAT_DEV, "fan-out" },
	[BL_SID_NEW_EXTERNAL] = { 2, "WARDWATCH baseline: new internet "
	    "destination", BL_CAT_DEV, "new-external" },
	[BL_SID_OFF_HOURS] = { 2, "WARDWATCH baseline: active at an hour it "
	    "never is", BL_CAT_DEV, "off-hours" },
	[BL_SID_SCAN_PEERS] = { 2, "WARDWATCH behaviour: network scan "
	    "(many peers)", BL_CAT_BEH, "scan-peers" },
	[BL_SID_SCAN_PORTS] = { 2, "WARDWATCH behaviour: port scan (many "
	    "ports)", BL_CAT_BEH, "scan-ports" },
	[BL_SID_LOGINS] = { 1, "WARDWATCH behaviour: cleartext logins to "
	    "many hosts (lateral movement)", BL_CAT_BEH, "cleartext-logins" },
	[BL_SID_SMB_FILES] = { 1, "WARDWATCH behaviour: SMB writes across "
	    "many files (ransomware)", BL_CAT_BEH, "smb-files" },
	[BL_SID_SMB_HOSTS] = { 1, "WARDWATCH behaviour: SMB writes across "
	    "many hosts (ransomware)", BL_CAT_BEH, "smb-hosts" },
	[BL_SID_DICOM_FIND] = { 2, "WARDWATCH behaviour: DICOM C-FIND "
	    "sweep", BL_CAT_BEH, "dicom-find" },
	[BL_SID_DICOM_NEW_AE] = { 1, "WARDWATCH behaviour: DICOM retrieval "
	    "to an AE title never seen", BL_CAT_BEH, "dicom-new-ae" },
	[BL_SID_DICOM_RETRIEVE] = { 2, "WARDWATCH behaviour: DICOM mass "
	    "retrieval", BL_CAT_BEH, "dicom-retrieve" },
	[BL_SID_PHI_INTERNET] = { 1, "WARDWATCH behaviour: clinical data "
	    "(HL7/DICOM) sent to the internet", BL_CAT_BEH,
	    "phi-to-internet" },
	[BL_SID_FLOOD_FLOWS] = { 2, "WARDWATCH behaviour: flood of flows "
	    "against one peer", BL_CAT_BEH, "flood-flows" },
	[BL_SID_FLOOD_PACKETS] = { 2, "WARDWATCH behaviour: flood of "
	    "packets against one peer", BL_CAT_BEH, "flood-packets" },
};

static const enum bl_sid bl_bh_sid[BH_WHAT_MAX] = {
	[BH_SCAN_PEERS] = BL_SID_SCAN_PEERS,
	[BH_SCAN_PORTS] = BL_SID_SCAN_PORTS,
	[BH_LOGINS] = BL_SID_LOGINS,
	[BH_SMB_FILES] = BL_SID_SMB_FILES,
	[BH_SMB_HOSTS] = BL_SID_SMB_HOSTS,
	[BH_FINDS] = BL_SID_DICOM_FIND,
	[BH_MOVES] = BL_SID_DICOM_RETRIEVE,
	[BH_FLOOD_FLOWS] = BL_SID_FLOOD_FLOWS,
	[BH_FLOOD_PACKETS] = BL_SID_FLOOD_PACKETS,
};

/* What an alert's "baseline" object says. */
struct blx {
	enum bl_sid	 sid;
	const struct bl_dev *bl;
	int		 kind;		/* learned items listed; -1 none */
	const char	*seen;
	const char	*expected;
	const struct bh_hit *hit;
	/* volume */
	bool		 vol;
	unsigned	 hour;
	const char	*metric;
	uint32_t	 median, mad;
	uint64_t	 bound, observed;
	uint32_t	 occurrences;	/* behaviours: since the last one */
	/* privacy.pseudonyms: the patient of the retrieval that raised
	 * it (util/pseudo.h), NULL or "" for none */
	const char	*patient;
};

static void
bl_obj(struct jsonw *jw, const void *arg)
{
	const struct blx *x = arg;
	const struct bl_dev *bl = x->bl;
	char ts[UTIL_TSBUF];
	uint32_t i;

	jsonw_kv_str(jw, "reason", bl_sigs[x->sid].reason);
	if (bl != NULL) {
		jsonw_kv_str(jw, "state", bl_mode_name(bl->mode));
		util_format_ts(bl->learn_start_us, false, ts);
		jsonw_kv_str(jw, "learned_from", ts);
		if (bl->mode == BL_ENFORCING) {
			util_format_ts(bl->learn_until_us, false, ts);
			jsonw_kv_str(jw, "learned_until", ts);
		}
	}
	if (x->expected != NULL)
		jsonw_kv_str(jw, "expected", x->expected);
	if (x->seen != NULL)
		jsonw_kv_str(jw, "seen", x->seen);
	if (x->kind >= 0 && bl != NULL) {
		const struct bl_set *s = &bl->set[x->kind];

		jsonw_kv_uint(jw, "learned_total", s->n);
		jsonw_key(jw, "learned");
		jsonw_arr_open(jw);
		for (i = 0; i < s->n && i < BL_LEARNED_SHOWN; i++)
			jsonw_str(jw, s->v[i].key);
		jsonw_arr_close(jw);
	}
	if (x->vol) {
		jsonw_kv_str(jw, "metric", x->metric);
		jsonw_kv_uint(jw, "hour", x->hour);
		jsonw_kv_uint(jw, "median", x->median);
		jsonw_kv_uint(jw, "mad", x->mad);
		jsonw_kv_uint(jw, "upper_bound", x->bound);
		jsonw_kv_uint(jw, "observed", x->observed);
	}
	if (x->hit != NULL) {
		jsonw_kv_str(jw, "behaviour", bh_what_name(x->hit->what));
		jsonw_kv_uint(jw, "observed", x->hit->seen);
		jsonw_kv_uint(jw, "threshold", x->hit->threshold);
		jsonw_kv_uint(jw, "window", x->hit->window);
		if (x->hit->studies)
			jsonw_kv_uint(jw, "studies", x->hit->seen);
		if (x->hit->patients > 0)
			jsonw_kv_uint(jw, "patients", x->hit->patients);
	}
	if (x->patient != NULL && x->patient[0] != '\0')
		jsonw_kv_str(jw, "patient_pseudonym", x->patient);
	if (x->occurrences > 0)
		jsonw_kv_uint(jw, "occurrences", x->occurrences);
}

/* Write the alert; the reason (with device, sid, peer) is its key. */
static void
bl_alert(struct brain *b, const struct brain_ev *ev, struct brain_dev *dev,
    struct brain_dev *peer, const struct brain_end *peer_end,
    bool dev_is_src, const char *reason, const struct blx *x)
{
	const struct bl_sig *sg = &bl_sigs[x->sid];
	struct brain_explain e;

	memset(&e, 0, sizeof(e));
	e.gid = BL_ALERT_GID;
	e.sid = x->sid;
	e.rev = 1;
	e.severity = sg->severity;
	e.signature = sg->signature;
	e.category = sg->category;
	e.dev = dev;
	e.peer = peer;
	e.peer_end = peer_end;
	e.dev_is_src = dev_is_src;
	e.ev = ev;
	e.ts_us = ev->ts_us;
	e.reason = reason;
	e.obj_key = "baseline";
	e.obj = bl_obj;
	e.arg = x;
	if (brain_explain(b, &e) && b->bl != NULL)
		b->bl->alerts[x->sid]++;
}

/* The baseline of the same MAC on another VLAN (a moved device). */
static struct bl_dev *
bl_find_moved(struct brain *b, const struct brain_dev *n)
{
	const struct brain_dev *o;

	if (n->d.flags & DEV_F_ROUTED)
		return NULL;
	for (o = brain_mac_chain(b, n->d.mac); o != NULL; o = o->mac_next)
		if (o != n && o->bl != NULL && !o->merged && !o->evicted &&
		    memcmp(o->d.mac, n->d.mac, 6) == 0)
			return o->bl;
	return NULL;
}

/*
 * The device's baseline at ts, made on its first activity: a device
 * seen on another VLAN before (moved) keeps what it learned there.  In
 * a --learn run every device learns, whatever it did before.
 */
static struct bl_dev *
bl_get(struct brain *b, struct brain_dev *n, uint64_t ts)
{
	const struct bl_config *c = &b->cfg.baseline;
	struct bl_dev *moved;

	if (n->bl == NULL) {
		if ((moved = bl_find_moved(b, n)) != NULL)
			n->bl = bl_dev_clone(moved);
		else
			n->bl = bl_dev_new(c, ts);
	}
	n->bl_run = true;
	if (c->learn_run && n->bl->learn_until_us != BL_LEARN_UNTIL_RUN)
		bl_relearn(n->bl, ts);
	if (bl_tick(n->bl, c, ts))
		n->d.unsaved = true;
	return n->bl;
}

static struct bh_dev *
bh_get(struct brain_dev *n)
{
	if (n->bh == NULL)
		n->bh = bh_dev_new();
	return n->bh;
}

/* How an end is known to its peer: MAC, else address, else zone. */
static void
bl_peer_key(struct brain *b, const struct brain_dev *p,
    const struct brain_end *e, char *buf, size_t len, int *zone)
{
	char a[UTIL_ADDRBUF];

	if (p != NULL) {
		*zone = brain_dev_zone(b, p);
		if (!(p->d.flags & DEV_F_ROUTED)) {
			strlcpy(buf, "mac:", len);
			if (len > 4)
				dev_mac_format(p->d.mac, buf + 4, len - 4);
			return;
		}
		strlcpy(buf, "ip:", len);
		strlcat(buf, dev_ip_format(&p->d.ip, a, sizeof(a)), len);
		return;
	}
	*zone = brain_end_zone(b, e, -1);
	strlcpy(buf, "zone:", len);
	strlcat(buf, zones_name(b->zones, *zone), len);
}

/* A peer's hash for the behaviours' windows: its address, else MAC. */
static uint32_t
bl_end_hash(const struct brain_end *e)
{
	if (e->has_ip)
		return bh_hash(e->ip.a, sizeof(e->ip.a));
	return bh_hash(e->mac, sizeof(e->mac));
}

static const char *
bl_app_name(uint8_t app)
{
	return app != APP_UNKNOWN ? app_proto_name(app) : "-";
}

/* Text appended at *p, before end (bl_service_key()). */
static char *
bl_put(char *p, const char *end, const char *s)
{
	if (s == NULL)
		s = "(null)";	/* as printf says it */
	while (*s != '\0' && p < end)
		*p++ = *s++;
	return p;
}

static char *
bl_put_uint(char *p, const char *end, unsigned u)
{
	char d[16], *q = d + sizeof(d);

	*--q = '\0';
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	return bl_put(p, end, q);
}

/* As snprintf() would write it, into tmp (256 bytes); its length. */
static size_t
bl_service_text(const struct brain_ev *ev, bool server, char *tmp)
{
	const char *role = server ? "server" : "client";
	char *p = tmp, *end = tmp + 255;

	if (ev->proto == 6 || ev->proto == 17) {
		p = bl_put(p, end, ev->proto == 6 ? "tcp/" : "udp/");
		if (ev->dport >= 49152)
			p = bl_put(p, end, "ephemeral");
		else
			p = bl_put_uint(p, end, ev->dport);
		p = bl_put(p, end, " ");
		p = bl_put(p, end, bl_app_name(ev->app));
	} else if (ev->proto == 1 || ev->proto == 58)
		p = bl_put(p, end, ev->proto == 1 ? "icmp" : "icmp6");
	else {
		p = bl_put(p, end, "ip/");
		p = bl_put_uint(p, end, ev->proto);
	}
	p = bl_put(p, end, " ");
	p = bl_put(p, end, role);
	*p = '\0';
	return (size_t)(p - tmp);
}

/*
 * The key of the service a flow uses (server false) or offers, into buf
 * as strlcpy() cuts it: from g's memo when it holds it.  The text
 * depends only on the transport, the port (its number, or ephemeral),
 * the application (TCP and UDP) and the role.
 */
static void
bl_service_key(struct brain_bl *g, const struct brain_ev *ev, bool server,
    char *buf, size_t len)
{
	struct bl_svc_memo *m;
	char tmp[256];
	uint16_t port = 0;
	uint8_t app = 0;
	size_t n;

	if (ev->proto == 6 || ev->proto == 17) {
		port = ev->dport >= 49152 ? UINT16_MAX : ev->dport;
		app = ev->app;
	}
	m = &g->svc[(ev->proto * 31u ^ port * 131u ^ app * 7u ^
	    (server ? 0x80u : 0)) & (BL_SVC_MEMO - 1)];
	if (m->key[0] != '\0' && m->proto == ev->proto && m->port == port &&
	    m->app == app && m->server == server) {
		strlcpy(buf, m->key, len);
		return;
	}
	n = bl_service_text(ev, server, tmp);
	if (n < sizeof(m->key)) {
		m->proto = ev->proto;
		m->port = port;
		m->app = app;
		m->server = server;
		memcpy(m->key, tmp, n + 1);
	}
	strlcpy(buf, tmp, len);
}

/* A peer still learning is a newcomer: meeting it is no deviation. */
static bool
bl_peer_settled(const struct brain_dev *p)
{
	return p == NULL || p->bl == NULL || p->bl->mode == BL_ENFORCING;
}

/* An item seen by an enforcing device that it never learned. */
static void
bl_deviate(struct brain *b, const struct brain_ev *ev, struct brain_dev *n,
    struct brain_dev *peer, const struct brain_end *pe, bool is_src,
    enum bl_kind kind, enum bl_sid sid, const char *key,
    const char *expected)
{
	char reason[BL_KEY_MAX + 32];
	struct blx x;
	uint32_t count;

	ctr_inc(b->ctr, CTR_BL_DEVIATIONS);
	/* Once per item and window, whoever the peer (a scan meets a new
	 * service on a hundred hosts: one alert). */
	if (!bl_dedup(n->bl, bl_sigs[sid].reason, key, ev->ts_us,
	    b->cfg.alert_window, &count))
		return;
	memset(&x, 0, sizeof(x));
	x.sid = sid;
	x.bl = n->bl;
	x.kind = (int)kind;
	x.seen = key;
	x.expected = expected;
	x.occurrences = count;
	snprintf(reason, sizeof(reason), "%s %s", bl_sigs[sid].reason, key);
	bl_alert(b, ev, n, peer, pe, is_src, reason, &x);
}

/* bk: key cut and hashed already (bl_key_set()), or NULL. */
static void
bl_observe_dev(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *n, struct brain_dev *peer, const struct brain_end *pe,
    bool is_src, enum bl_kind kind, enum bl_sid sid, const char *key,
    const struct bl_key *bk, const char *expected)
{
	struct bl_key own;

	if (bk == NULL) {
		bl_key_set(&own, key);
		bk = &own;
	}
	switch (bl_observe_key(n->bl, &b->cfg.baseline, kind, bk,
	    ev->ts_us)) {
	case BL_NEW:
		bl_deviate(b, ev, n, peer, pe, is_src, kind, sid, key,
		    expected);
		break;
	case BL_FULL:
		ctr_inc(b->ctr, CTR_BL_DROPPED);
		/* FALLTHROUGH */
	case BL_LEARNED:
	case BL_KNOWN:
		n->d.unsaved = true;
		break;
	}
}

/* A learned internet destination gets its country and AS once, from
 * the geoip databases of the configuration (none: it stays unknown). */
static void
bl_external_geo(struct brain *b, struct brain_dev *n,
    const struct brain_end *pe, const struct bl_key *key)
{
	struct bl_item *it;
	struct geo_info gi;

	it = (struct bl_item *)bl_find_key(n->bl, BL_EXTERNAL, key);
	if (it == NULL || it->cc[0] != '\0' || it->asn != 0)
		return;
	if (!geo_lookup(brain_policy_geo(b), pe->ip.a, &gi))
		return;
	strlcpy(it->cc, gi.country, sizeof(it->cc));
	it->asn = gi.asn;
	n->d.unsaved = true;
}

static void
bl_behaviour_of(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *n, const struct bh_hit *hit, const char *seen,
    const char *patient)
{
	enum bl_sid sid = bl_bh_sid[hit->what];
	struct blx x;
	uint32_t count;

	/* One report per device and behaviour per window (the peers of a
	 * scan differ; brain_explain() would report each one). */
	if (!bl_dedup(n->bl, bl_sigs[sid].reason, NULL, ev->ts_us,
	    b->cfg.alert_window, &count))
		return;
	memset(&x, 0, sizeof(x));
	x.sid = sid;
	x.bl = n->bl;
	x.kind = -1;
	x.hit = hit;
	x.seen = seen;
	x.occurrences = count;
	x.patient = patient;
	ctr_inc(b->ctr, CTR_BL_BEHAVIOURS);
	bl_alert(b, ev, n, NULL, NULL, true, bl_sigs[sid].reason, &x);
}

static void
bl_behaviour(struct brain *b, const struct brain_ev *ev, struct brain_dev *n,
    const struct bh_hit *hit, const char *seen)
{
	bl_behaviour_of(b, ev, n, hit, seen, NULL);
}

/* Hours of the day as text: "08-17, 22". */
static void
bl_hours_text(uint32_t mask, char *buf, size_t len)
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
		    used ? ", " : "", h) : snprintf(buf + used, len - used,
		    "%s%02d-%02d", used ? ", " : "", h, e);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
		h = e;
	}
	if (used == 0)
		strlcpy(buf, "none", len);
}

static const char *const bl_metric_names[BL_M_MAX] = {
	"packets", "kilobytes", "flows"
};

/* Volume and hours of an enforcing device after traffic. */
static void
bl_check_hours(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *n, struct brain_dev *peer, const struct brain_end *pe,
    bool is_src)
{
	const struct bl_config *c = &b->cfg.baseline;
	struct bl_dev *bl = n->bl;
	char reason[64], seen[96], exp[160], hours[96];
	enum bl_metric m;
	uint64_t obs, bound;
	uint32_t med, mad;
	unsigned h;
	struct blx x;

	if (bl->mode != BL_ENFORCING)
		return;
	if (bl_vol_over(bl, c, &m, &obs, &bound, &med, &mad, &h)) {
		memset(&x, 0, sizeof(x));
		x.sid = BL_SID_VOLUME;
		x.bl = bl;
		x.kind = -1;
		x.vol = true;
		x.hour = h;
		x.metric = bl_metric_names[m];
		x.median = med;
		x.mad = mad;
		x.bound = bound;
		x.observed = obs;
		snprintf(exp, sizeof(exp), "at most %" PRIu64 " %s in hour "
		    "%02u (median %u)", bound, bl_metric_names[m], h, med);
		snprintf(seen, sizeof(seen), "%" PRIu64 " %s so far", obs,
		    bl_metric_names[m]);
		x.expected = exp;
		x.seen = seen;
		snprintf(reason, sizeof(reason), "volume %s %u",
		    bl_metric_names[m], bl->cur_hour);
		ctr_inc(b->ctr, CTR_BL_DEVIATIONS);
		/* Once an hour whatever the peer (every flow after the
		 * bound is over it too). */
		if (bl_dedup(bl, "volume", reason, ev->ts_us,
		    b->cfg.alert_window, &x.occurrences))
			bl_alert(b, ev, n, peer, pe, is_src, reason, &x);
	}
	if (is_src && bl_off_hours(bl, c, &h)) {
		memset(&x, 0, sizeof(x));
		x.sid = BL_SID_OFF_HOURS;
		x.bl = bl;
		x.kind = -1;
		bl_hours_text(bl->hours_active, hours, sizeof(hours));
		snprintf(exp, sizeof(exp), "starts conversations in hours "
		    "%s (UTC)", hours);
		snprintf(seen, sizeof(seen), "%u flows started in hour %02u",
		    bl->cur_initiated, h);
		x.expected = exp;
		x.seen = seen;
		snprintf(reason, sizeof(reason), "off-hours %u", bl->cur_hour);
		ctr_inc(b->ctr, CTR_BL_DEVIATIONS);
		if (bl_dedup(bl, "off-hours", reason, ev->ts_us,
		    b->cfg.alert_window, &x.occurrences))
			bl_alert(b, ev, n, peer, pe, true, reason, &x);
	}
}

/* A service it knows, used at an hour it never used it in. */
static void
bl_service_hours(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, struct brain_dev *s, const struct brain_end *pe,
    const char *key, const struct bl_key *bk)
{
	const struct bl_item *it = bl_find_key(c->bl, BL_SERVICE, bk);
	char reason[BL_KEY_MAX + 48], seen[BL_KEY_MAX + 48];
	char exp[BL_KEY_MAX + 192], hours[96];
	unsigned h = bl_hour_of_day(ev->ts_us);
	struct blx x;

	if (b->cfg.baseline.detect.off_hours_flows == 0 ||
	    !bl_item_off_hours(c->bl, it, ev->ts_us))
		return;
	ctr_inc(b->ctr, CTR_BL_DEVIATIONS);
	snprintf(reason, sizeof(reason), "off-hours %s %u", key,
	    (unsigned)(ev->ts_us / 3600000000ull));
	memset(&x, 0, sizeof(x));
	if (!bl_dedup(c->bl, "off-hours", reason, ev->ts_us,
	    b->cfg.alert_window, &x.occurrences))
		return;
	bl_hours_text(it->hours, hours, sizeof(hours));
	snprintf(exp, sizeof(exp), "uses %s in hours %s (UTC)", key, hours);
	snprintf(seen, sizeof(seen), "%s in hour %02u", key, h);
	x.sid = BL_SID_OFF_HOURS;
	x.bl = c->bl;
	x.kind = -1;
	x.expected = exp;
	x.seen = seen;
	bl_alert(b, ev, c, s, pe, true, reason, &x);
}

static bool
bl_is_clinical(uint8_t app)
{
	return app == APP_HL7 || app == APP_DICOM;
}

static void
bl_phi_internet(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, const struct brain_end *pe, const char *what,
    const char *patient)
{
	char seen[128], a[UTIL_ADDRBUF];
	struct blx x;

	if (!b->cfg.baseline.detect.enabled ||
	    !b->cfg.baseline.detect.phi_internet)
		return;
	memset(&x, 0, sizeof(x));
	x.sid = BL_SID_PHI_INTERNET;
	x.bl = c->bl;
	x.kind = -1;
	snprintf(seen, sizeof(seen), "%s to %s (internet): patient data "
	    "leaves the site", what, pe->has_ip ? dev_ip_format(&pe->ip, a,
	    sizeof(a)) : "an internet address");
	x.seen = seen;
	x.expected = "HL7 and DICOM stay inside the site";
	x.patient = patient;
	ctr_inc(b->ctr, CTR_BL_BEHAVIOURS);
	bl_alert(b, ev, c, NULL, pe, true, "phi-to-internet", &x);
}

static void
bl_flow_client(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, struct brain_dev *s)
{
	const struct bl_config *cfg = &b->cfg.baseline;
	const struct brain_end *pe = &ev->end[1];
	struct bl_dev *bl = c->bl;
	struct bh_hit hit[4];
	struct bl_key bk;
	char key[BL_KEY_MAX + 16], seen[128], a[UTIL_ADDRBUF];
	size_t i, n;
	int zone;
	uint32_t peers, ports;

	/* The behaviours see every flow it starts, answered or not. */
	if (cfg->detect.enabled) {
		n = bh_flow(bh_get(c), &cfg->detect, ev->ts_us,
		    bl_end_hash(pe), ev->dport, ev->pkts[0], hit);
		for (i = 0; i < n; i++) {
			snprintf(seen, sizeof(seen), "%u %s in %us (threshold "
			    "%u)", hit[i].seen, hit[i].what == BH_SCAN_PORTS ?
			    "ports" : hit[i].what == BH_SCAN_PEERS ? "peers" :
			    hit[i].what == BH_FLOOD_FLOWS ? "flows to one peer" :
			    "packets to one peer", hit[i].window,
			    hit[i].threshold);
			bl_behaviour(b, ev, c, &hit[i], seen);
		}
		peers = bh_win_count(c->bh, BH_SCAN_PEERS);
		ports = bh_win_count(c->bh, BH_SCAN_PORTS);
		if (bl->mode == BL_LEARNING)
			bl_fanout(bl, peers, ports);
		else if (peers > (uint64_t)bl->fan_peers * cfg->fan_ratio +
		    cfg->fan_slack) {
			struct blx x;
			char exp[96];

			memset(&x, 0, sizeof(x));
			x.sid = BL_SID_FANOUT;
			x.bl = bl;
			x.kind = -1;
			snprintf(exp, sizeof(exp), "at most %u distinct peers "
			    "in %us", bl->fan_peers,
			    cfg->detect.window[BH_SCAN_PEERS]);
			snprintf(seen, sizeof(seen), "%u distinct peers in %us",
			    peers, cfg->detect.window[BH_SCAN_PEERS]);
			x.expected = exp;
			x.seen = seen;
			ctr_inc(b->ctr, CTR_BL_DEVIATIONS);
			bl_alert(b, ev, c, NULL, NULL, true, "fan-out", &x);
		}
	}
	bl_peer_key(b, s, pe, key, sizeof(key), &zone);
	/* An internet address is reached through a router, whose MAC
	 * names no peer: the address does. */
	if (pe->has_ip && brain_end_zone(b, pe, -1) == ZONE_INTERNET)
		zone = ZONE_INTERNET;
	if (bl_is_clinical(ev->app) && zone == ZONE_INTERNET)
		bl_phi_internet(b, ev, c, pe, ev->app == APP_HL7 ? "HL7" :
		    "DICOM", NULL);
	if (!ev->answered)
		return;
	if (zone == ZONE_INTERNET) {
		/* Internet peers are their own table, by address. */
		if (pe->has_ip) {
			dev_ip_format(&pe->ip, a, sizeof(a));
			bl_key_set(&bk, a);
			bl_observe_dev(b, ev, c, NULL, pe, true, BL_EXTERNAL,
			    BL_SID_NEW_EXTERNAL, a, &bk, "only the internet "
			    "destinations it learned");
			bl_external_geo(b, c, pe, &bk);
		}
	} else if (bl_peer_settled(s))
		bl_observe_dev(b, ev, c, s, pe, true, BL_PEER,
		    BL_SID_NEW_PEER, key, NULL, "only the peers it learned");
	else
		/* Still learned: the newcomer is a peer from now on. */
		(void)bl_observe(bl, cfg, BL_PEER, key, ev->ts_us);
	/* Observed, then its hours looked at: cut and hashed once. */
	bl_service_key(b->bl, ev, false, key, sizeof(key));
	bl_key_set(&bk, key);
	bl_observe_dev(b, ev, c, s, pe, true, BL_SERVICE, BL_SID_NEW_SERVICE,
	    key, &bk, "only the services it learned to use");
	bl_service_hours(b, ev, c, s, pe, key, &bk);
}

void
brain_bl_flow(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, struct brain_dev *s)
{
	const struct bl_config *cfg = &b->cfg.baseline;
	char key[BL_KEY_MAX];

	if (b->bl == NULL)
		return;
	if (b->bl->run_start_us == 0)
		b->bl->run_start_us = ev->ts_us;
	/* A router has no baseline: what it forwards is its hosts', and
	 * what it says itself (probes, logs, routing) is the network's. */
	if (c != NULL && (c->d.flags & DEV_F_ROUTER))
		c = NULL;
	if (s != NULL && (s->d.flags & DEV_F_ROUTER))
		s = NULL;
	/* Both ends have their baseline before either is judged: a peer
	 * first seen now is learning, a newcomer. */
	if (s != NULL)
		bl_get(b, s, ev->ts_us);
	if (c != NULL) {
		bl_get(b, c, ev->ts_us);
		/* Talking is starting a conversation from a client port: a
		 * DHCP server or relay answering from port 67 is not. */
		bl_count(c->bl, cfg, ev->ts_us, ev->pkts[0] + ev->pkts[1],
		    ev->bytes[0] + ev->bytes[1], 1, (ev->proto != 6 &&
		    ev->proto != 17) || ev->sport >= 1024);
		bl_flow_client(b, ev, c, s);
		bl_check_hours(b, ev, c, s, &ev->end[1], true);
		c->d.unsaved = true;
	}
	if (s != NULL && s != c) {
		bl_get(b, s, ev->ts_us);
		bl_count(s->bl, cfg, ev->ts_us, ev->pkts[0] + ev->pkts[1],
		    ev->bytes[0] + ev->bytes[1], 1, false);
		/* A service is a port that answers: an echo reply or an
		 * ICMP error is none. */
		if (ev->answered && (ev->proto == 6 || ev->proto == 17)) {
			bl_service_key(b->bl, ev, true, key, sizeof(key));
			bl_observe_dev(b, ev, s, c, &ev->end[0], false,
			    BL_SERVICE, BL_SID_NEW_SERVICE_OFFERED, key, NULL,
			    "only the services it learned to offer");
		}
		bl_check_hours(b, ev, s, c, &ev->end[0], false);
		s->d.unsaved = true;
	}
}

/* AE titles any association named (for C-MOVE destinations). */
static uint64_t
bl_ae_hash(const char *ae, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	/* AE titles are compared without their space padding. */
	while (n > 0 && ae[n - 1] == ' ')
		n--;
	while (n > 0 && *ae == ' ') {
		ae++;
		n--;
	}
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)ae[i];
		h *= 1099511628211ull;
	}
	return h != 0 ? h : 1;
}

static bool
bl_ae_known(const struct brain_bl *g, uint64_t h)
{
	size_t j;

	for (j = h & (BL_AE_SLOTS - 1); g->ae[j] != 0;
	    j = (j + 1) & (BL_AE_SLOTS - 1))
		if (g->ae[j] == h)
			return true;
	return false;
}

static void
bl_ae_add(struct brain_bl *g, uint64_t h)
{
	size_t j;

	if (bl_ae_known(g, h))
		return;
	if (g->nae >= BL_AE_SLOTS / 4 * 3) {
		g->ae_dropped++;
		return;
	}
	for (j = h & (BL_AE_SLOTS - 1); g->ae[j] != 0;
	    j = (j + 1) & (BL_AE_SLOTS - 1))
		;
	g->ae[j] = h;
	g->nae++;
}

/*
 * "CALLING\tCALLED": both titles into the set.  Seen in traffic
 * (ts_us not 0), a title no association named before is remembered for
 * an hour, so that a C-GET by it (its data comes back to the
 * requester's own title) is known to send studies somewhere new; the
 * last BL_AE_FRESH such titles are kept.
 */
static void
bl_ae_pair_add(struct brain_bl *g, const char *pair, uint64_t ts_us)
{
	const char *tab = strchr(pair, '\t');
	uint64_t h[2];
	size_t i, n = 0;

	h[n++] = bl_ae_hash(pair, tab != NULL ? (size_t)(tab - pair) :
	    strlen(pair));
	if (tab != NULL)
		h[n++] = bl_ae_hash(tab + 1, strlen(tab + 1));
	for (i = 0; i < n; i++) {
		if (ts_us != 0 && !bl_ae_known(g, h[i])) {
			g->fresh[g->fresh_next].h = h[i];
			g->fresh[g->fresh_next].ts_us = ts_us;
			g->fresh_next = (g->fresh_next + 1) % BL_AE_FRESH;
		}
		bl_ae_add(g, h[i]);
	}
}

/* An actor's peer for the behaviours: its address, else MAC. */
static bool
bl_end_internet(struct brain *b, const struct brain_dev *p,
    const struct brain_end *e)
{
	/* The address first: an internet peer's MAC is a router's. */
	if (e->has_ip)
		return brain_end_zone(b, e, -1) == ZONE_INTERNET;
	return p != NULL && brain_dev_zone(b, p) == ZONE_INTERNET;
}

static void
bl_hits(struct brain *b, const struct brain_ev *ev, struct brain_dev *n,
    const struct bh_hit *hit, size_t nhit, const char *unit)
{
	char seen[128];
	size_t i;

	for (i = 0; i < nhit; i++) {
		snprintf(seen, sizeof(seen), "%u %s in %us (threshold %u)",
		    hit[i].seen, hit[i].what == BH_SMB_HOSTS ? "hosts" :
		    unit, hit[i].window, hit[i].threshold);
		bl_behaviour(b, ev, n, &hit[i], seen);
	}
}

/* Field i (from 0) of a tab-separated activity value, into buf. */
static const char *
bl_field(const char *v, unsigned i, char *buf, size_t len)
{
	const char *e;
	size_t n;

	for (; i > 0 && v != NULL; i--)
		if ((v = strchr(v, '\t')) != NULL)
			v++;
	if (v == NULL) {
		buf[0] = '\0';
		return buf;
	}
	/* Copied, cut to the buffer: every HL7 message comes here. */
	n = (e = strchr(v, '\t')) != NULL ? (size_t)(e - v) : strlen(v);
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

static void
bl_hl7(struct brain *b, const struct brain_ev *ev, struct brain_dev *a,
    struct brain_dev *p)
{
	char type[DEV_VALUE_MAX], patient[DEV_VALUE_MAX];
	struct bl_key bk;

	/* "TYPE[\tPATIENT]" (activity.def) */
	bl_field(ev->value, 0, type, sizeof(type));
	if (type[0] == '\0')
		return;
	if (bl_end_internet(b, p, &ev->end[1]))
		bl_phi_internet(b, ev, a, &ev->end[1], "HL7",
		    bl_field(ev->value, 1, patient, sizeof(patient)));
	/* One key for both ends: cut and hashed once. */
	bl_key_set(&bk, type);
	bl_observe_dev(b, ev, a, p, &ev->end[1], true, BL_HL7_SENT,
	    BL_SID_NEW_HL7_SENT, type, &bk, "only the HL7 message types it "
	    "learned to send");
	if (p != NULL && p != a) {
		bl_get(b, p, ev->ts_us);
		bl_observe_dev(b, ev, p, a, &ev->end[0], false, BL_HL7_RECV,
		    BL_SID_NEW_HL7_RECV, type, &bk, "only the HL7 message "
		    "types it learned to receive");
	}
}

/* A title bl_ae_pair_add() found new to the site within the hour. */
static bool
bl_ae_fresh(const struct brain_bl *g, uint64_t h, uint64_t ts_us)
{
	size_t i;

	for (i = 0; i < BL_AE_FRESH; i++)
		if (g->fresh[i].h == h && ts_us >= g->fresh[i].ts_us &&
		    ts_us - g->fresh[i].ts_us <= BL_AE_FRESH_US)
			return true;
	return false;
}

static void
bl_dicom_assoc(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *a, struct brain_dev *p)
{
	if (ev->value[0] == '\0')
		return;
	bl_ae_pair_add(b->bl, ev->value, ev->ts_us);
	if (bl_end_internet(b, p, &ev->end[1]))
		bl_phi_internet(b, ev, a, &ev->end[1], "DICOM", NULL);
	bl_observe_dev(b, ev, a, p, &ev->end[1], true, BL_DICOM_AE,
	    BL_SID_NEW_DICOM_AE, ev->value, NULL, "only the AE title pairs "
	    "it learned");
}

/* "in 600s", "in 10 min" */
static void
bl_window_text(uint32_t s, char *buf, size_t len)
{
	if (s >= 60 && s % 60 == 0)
		snprintf(buf, len, "%u min", s / 60);
	else
		snprintf(buf, len, "%us", s);
}

/* A mass retrieval: studies of patients when pseudonyms name them. */
static void
bl_retrieve_hit(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *a, const struct bh_hit *hit, const char *patient)
{
	char seen[160], win[32], of[48];

	bl_window_text(hit->window, win, sizeof(win));
	of[0] = '\0';
	if (hit->patients > 0)
		snprintf(of, sizeof(of), " of %u patient%s", hit->patients,
		    hit->patients == 1 ? "" : "s");
	if (hit->studies)
		snprintf(seen, sizeof(seen), "%u studies%s retrieved in %s "
		    "(C-MOVE/C-GET; threshold %u)", hit->seen, of, win,
		    hit->threshold);
	else
		snprintf(seen, sizeof(seen), "%u studies retrieved (C-MOVE/"
		    "C-GET requests)%s in %us (threshold %u)", hit->seen, of,
		    hit->window, hit->threshold);
	bl_behaviour_of(b, ev, a, hit, seen, patient);
}

static void
bl_dicom_command(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *a, struct brain_dev *p)
{
	const struct bh_config *bc = &b->cfg.baseline.detect;
	char cmd[DEV_VALUE_MAX], dest[DEV_VALUE_MAX], study[DEV_VALUE_MAX];
	char patient[DEV_VALUE_MAX], seen[DEV_VALUE_MAX + 96], reason[96];
	uint32_t hs, hp;
	struct bh_hit hit[1];
	struct blx x;
	uint64_t h;
	size_t n;

	/* "CMD[\tDEST[\tSTUDY\tPATIENT]]" (activity.def) */
	bl_field(ev->value, 0, cmd, sizeof(cmd));
	bl_field(ev->value, 1, dest, sizeof(dest));
	bl_field(ev->value, 2, study, sizeof(study));
	bl_field(ev->value, 3, patient, sizeof(patient));
	if (cmd[0] == '\0')
		return;
	bl_observe_dev(b, ev, a, p, &ev->end[1], true, BL_DICOM_CMD,
	    BL_SID_NEW_DICOM_CMD, cmd, NULL, "only the DICOM commands it "
	    "learned");
	if (!bc->enabled)
		return;
	if (strcmp(cmd, "C-FIND") == 0) {
		n = bh_dicom_find(bh_get(a), bc, ev->ts_us, hit);
		bl_hits(b, ev, a, hit, n, "C-FIND requests");
	} else if (strcmp(cmd, "C-MOVE") == 0 || strcmp(cmd, "C-GET") == 0) {
		hs = bh_hash(study, strlen(study));
		hp = bh_hash(patient, strlen(patient));
		n = bh_dicom_move(bh_get(a), bc, ev->ts_us,
		    study[0] != '\0' ? &hs : NULL,
		    patient[0] != '\0' ? &hp : NULL, hit);
		if (n > 0)
			bl_retrieve_hit(b, ev, a, &hit[0], patient);
	} else
		return;
	/* A retrieval sent to an AE no association ever named: where do
	 * the studies go?  A C-GET's goes back to its requester's title,
	 * named by this very association: new if it was new there, once
	 * one side has a settled baseline (while a site learns, every
	 * title is new). */
	if (dest[0] == '\0' || !bc->new_ae)
		return;
	h = bl_ae_hash(dest, strlen(dest));
	if (strcmp(cmd, "C-GET") == 0 ? (bl_ae_fresh(b->bl, h, ev->ts_us) ||
	    !bl_ae_known(b->bl, h)) &&
	    ((a->bl != NULL && a->bl->mode == BL_ENFORCING) ||
	    (p != NULL && p->bl != NULL && p->bl->mode == BL_ENFORCING)) :
	    !bl_ae_known(b->bl, h)) {
		memset(&x, 0, sizeof(x));
		x.sid = BL_SID_DICOM_NEW_AE;
		x.bl = a->bl;
		x.kind = BL_DICOM_AE;
		snprintf(seen, sizeof(seen), "%s to AE title \"%s\"", cmd,
		    dest);
		x.seen = seen;
		x.expected = strcmp(cmd, "C-GET") == 0 ? "retrievals by "
		    "AE titles the site knew before" : "retrievals to AE "
		    "titles that associations use";
		x.patient = patient;
		snprintf(reason, sizeof(reason), "dicom-new-ae %s", dest);
		ctr_inc(b->ctr, CTR_BL_BEHAVIOURS);
		bl_alert(b, ev, a, p, &ev->end[1], true, reason, &x);
	}
}

void
brain_bl_activity(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *a, struct brain_dev *p)
{
	const struct bh_config *bc = &b->cfg.baseline.detect;
	struct bh_hit hit[2];
	size_t n;

	if (b->bl == NULL || a == NULL || (a->d.flags & DEV_F_ROUTER))
		return;
	if (p != NULL && (p->d.flags & DEV_F_ROUTER))
		p = NULL;
	if (b->bl->run_start_us == 0)
		b->bl->run_start_us = ev->ts_us;
	bl_get(b, a, ev->ts_us);
	a->d.unsaved = true;
	switch (ev->key) {
	case ACT_HL7_MESSAGE:
		bl_hl7(b, ev, a, p);
		break;
	case ACT_DICOM_ASSOC:
		bl_dicom_assoc(b, ev, a, p);
		break;
	case ACT_DICOM_COMMAND:
		bl_dicom_command(b, ev, a, p);
		break;
	case ACT_LOGIN:
		/* Logins inside the site: lateral movement. */
		if (!bc->enabled || bl_end_internet(b, p, &ev->end[1]))
			break;
		n = bh_login(bh_get(a), bc, ev->ts_us, bl_end_hash(&ev->end[1]),
		    hit);
		bl_hits(b, ev, a, hit, n, "hosts logged into in clear");
		break;
	case ACT_SMB_WRITE:
	case ACT_SMB_RENAME:
	case ACT_SMB_DELETE:
		if (!bc->enabled)
			break;
		n = bh_smb_write(bh_get(a), bc, ev->ts_us,
		    bl_end_hash(&ev->end[1]), bh_hash(ev->value,
		    strlen(ev->value)), hit);
		bl_hits(b, ev, a, hit, n, "files written, renamed or deleted");
		break;
	default:
		break;
	}
}

/*
 * A changed baseline is saved at most every BL_SAVE_EVERY of traffic
 * time, and at the end of the run: rewriting every learning device's
 * tables at every inventory save costs more than learning them, and a
 * crash loses at most that much learning.
 */
struct bl_dev *
brain_bl_to_save(struct brain *b, struct brain_dev *n)
{
	if (n->bl == NULL || !n->bl->changed)
		return NULL;
	if (b->bl->final || n->bl->saved_us == 0 ||
	    b->now_us >= n->bl->saved_us + BL_SAVE_EVERY)
		return n->bl;
	return NULL;
}

void
brain_bl_saved(struct brain *b, struct brain_dev *n, struct bl_dev *bl)
{
	if (bl == NULL || n->bl != bl)
		return;
	bl->changed = false;
	bl->saved_us = b->now_us != 0 ? b->now_us : 1;
}

void
brain_bl_dev_free(struct brain_dev *n)
{
	bl_dev_free(n->bl);
	bh_dev_free(n->bh);
	n->bl = NULL;
	n->bh = NULL;
}

/* Loaded baselines find their devices by row id. */
struct bl_load {
	struct brain	*b;
	struct brain_dev **byid;	/* sorted by d.id */
	size_t		 n;
};

static int
bl_id_cmp(const void *x, const void *y)
{
	uint64_t a = (*(struct brain_dev *const *)x)->d.id;
	uint64_t b = (*(struct brain_dev *const *)y)->d.id;

	return a < b ? -1 : a > b;
}

static int
bl_load_cb(void *arg, uint64_t id, struct bl_dev *bl)
{
	struct bl_load *l = arg;
	size_t lo = 0, hi = l->n, mid;
	uint32_t i;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (l->byid[mid]->d.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == l->n || l->byid[lo]->d.id != id ||
	    l->byid[lo]->bl != NULL) {
		bl_dev_free(bl);	/* a device not kept (caps) */
		return 0;
	}
	l->byid[lo]->bl = bl;
	for (i = 0; i < bl->set[BL_DICOM_AE].n; i++)
		bl_ae_pair_add(l->b->bl, bl->set[BL_DICOM_AE].v[i].key, 0);
	return 0;
}

int
brain_bl_load(struct brain *b)
{
	struct bl_load l;
	int rc;

	if (!b->cfg.baseline.enabled)
		return 0;	/* no baselines: every hook does nothing */
	if (b->bl == NULL) {
		b->bl = xcalloc(1, sizeof(*b->bl));
		b->bl->ae = xcalloc(BL_AE_SLOTS, sizeof(*b->bl->ae));
	}
	if (b->state == NULL || b->ndevs == 0)
		return 0;
	l.b = b;
	l.n = b->ndevs;
	l.byid = xreallocarray(NULL, b->ndevs, sizeof(*l.byid));
	memcpy(l.byid, b->devs, b->ndevs * sizeof(*l.byid));
	qsort(l.byid, l.n, sizeof(*l.byid), bl_id_cmp);
	rc = state_load_baselines(b->state, &b->cfg.baseline, bl_load_cb, &l);
	free(l.byid);
	return rc;
}

void
brain_bl_free(struct brain *b)
{
	if (b->bl == NULL)
		return;
	free(b->bl->ae);
	free(b->bl);
	b->bl = NULL;
}

void
brain_bl_finish(struct brain *b, uint64_t ts)
{
	size_t i;

	if (b->bl == NULL)
		return;
	b->bl->final = true;
	for (i = 0; i < b->ndevs; i++) {
		struct brain_dev *n = b->devs[i];

		/* A device the run did not meet has no counts to keep (a
		 * continued run over a hospital's inventory rewrote every
		 * device and its baseline at the end: a third of its CPU);
		 * in a --learn run every device stops learning. */
		if (n->bl == NULL || (!n->bl_run &&
		    !b->cfg.baseline.learn_run))
			continue;
		/* The last save keeps the counts of the run too. */
		n->bl->changed = true;
		n->d.unsaved = true;
		if (!b->cfg.baseline.learn_run || n->bl->mode == BL_ENFORCING)
			continue;
		/* The whole run watched it: hours it was silent in are
		 * hours it does not talk in. */
		bl_cover(n->bl, b->bl->run_start_us, ts);
		bl_enforce(n->bl, ts);
		n->d.unsaved = true;
	}
}

void
brain_bl_record(struct jsonw *jw, const struct brain_dev *n)
{
	char ts[UTIL_TSBUF];

	if (n->bl == NULL)
		return;
	JSONW_KEY(jw, "baseline");
	jsonw_obj_open(jw);
	/* A mode's name and our times: copied (plain). */
	JSONW_KV_PLAIN(jw, "state", bl_mode_name(n->bl->mode));
	util_format_ts(n->bl->learn_start_us, false, ts);
	JSONW_KV_PLAIN(jw, "learning_since", ts);
	if (n->bl->learn_until_us != BL_LEARN_UNTIL_RUN) {
		util_format_ts(n->bl->learn_until_us, false, ts);
		if (n->bl->mode == BL_ENFORCING)
			JSONW_KEY(jw, "enforcing_since");
		else
			JSONW_KEY(jw, "learning_until");
		jsonw_str_plain(jw, ts);
	}
	jsonw_obj_close(jw);
}

void
brain_bl_summary(struct brain *b, FILE *fp)
{
	size_t i, learning = 0, enforcing = 0, mem = 0;
	uint64_t dev = 0, beh = 0, dropped = 0;
	int s, k;

	if (b->bl == NULL)
		return;
	for (i = 0; i < b->ndevs; i++) {
		mem += bh_dev_memory(b->devs[i]->bh);
		if (b->devs[i]->bl == NULL)
			continue;
		mem += bl_dev_memory(b->devs[i]->bl);
		for (k = 0; k < BL_KIND_MAX; k++)
			dropped += b->devs[i]->bl->set[k].dropped;
		if (b->devs[i]->bl->mode == BL_ENFORCING)
			enforcing++;
		else
			learning++;
	}
	for (s = 0; s < BL_SIDS; s++) {
		if (bl_sigs[s].reason == NULL)
			continue;
		if (strcmp(bl_sigs[s].category, BL_CAT_DEV) == 0)
			dev += b->bl->alerts[s];
		else
			beh += b->bl->alerts[s];
	}
	fprintf(fp, "  baselines  %zu learning, %zu enforcing%s; %" PRIu64
	    " deviation alert%s, %" PRIu64 " behaviour alert%s\n", learning,
	    enforcing, b->cfg.baseline.learn_run ? " from the next run "
	    "(--learn)" : "", dev, dev == 1 ? "" : "s", beh,
	    beh == 1 ? "" : "s");
	/* What the caps hold (wardwatch.yaml(5) baseline.max-*). */
	fprintf(fp, "             %.1f MiB of tables and windows, %" PRIu64
	    " item%s over the caps not kept\n", (double)mem / 1048576.0,
	    dropped, dropped == 1 ? "" : "s");
}
