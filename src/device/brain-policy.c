/*
 * brain-policy.c - the brain's zero-trust judgments (gid 9200).
 *
 * On every flow and activity event both ends are judged, each against
 * the profile that governs it (policy/policy.h: by MAC, fingerprint
 * rule, class, else the default), from its own side: the initiator's
 * "initiate" list, the acceptor's "accept" list.  A violation of an
 * enforcing profile is an alert through brain_explain() (one per
 * device, kind, reason and peer per alert window), with a "policy"
 * object that says what the profile allowed, what was seen and where
 * the rule lives; an observing profile's violations are only counted.
 *
 * Learning: with policy.mode learned (the default), what a device does
 * while it is learning and its profile does not allow is added to the
 * device's own learned set instead of raising alerts, and when it stops
 * learning the differences are written once, as a device record
 * ("policy_findings"), not as alerts.  Who decides that a device is
 * learning is the baseline's business: it calls
 * brain_policy_learning().  Everything a device does is also recorded
 * (bounded) in its "seen" set, saved in the state database, from which
 * "wardwatch policy suggest" writes profiles.
 */
#include <config.h>

#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/activity.h"
#include "app/app.h"
#include "app/layer.h"
#include "device/brain-int.h"
#include "device/fpdb.h"
#include "output/jsonw.h"
#include "policy/baseline.h"
#include "policy/geo.h"
#include "policy/policy.h"
#include "policy/zone.h"
#include "state/state.h"
#include "util/fmt.h"
#include "util/log.h"

#define POL_FANOUT_TRACK	1024	/* peers remembered per window */
/*
 * Alerts of one device per alert window for violations that name a
 * peer (sids 1, 4, 5): a device that breaks its profile with many
 * peers (a sweep) says so in the first ones, and the rest are counted;
 * internet, cleartext and fan-out alerts always go out.
 */
#define POL_PEER_ALERTS_PER_WINDOW 8
#define POL_SEEN_KEY		"policy.seen."
#define POL_LEARNED_KEY		"policy.learned."
/* The keys and texts a policy save holds before it writes them. */
#define POL_SAVE_CHUNK		(4u << 20)
#define POL_SEEN_MAX		(256u << 10)	/* bytes of one saved set */

struct pol_dev {
	struct pol_profile learned;	/* enforced with the profile */
	/* Everything it did, by the class it had then (policy suggest
	 * writes each class's profile from what its devices did while
	 * they had it). */
	struct pol_profile *seen;
	size_t		 nseen;
	size_t		 seen_last;	/* pol_seen()'s last answer */
	bool		 learning;	/* as last seen */
	bool		 seen_dirty;
	bool		 in_state;	/* its keys are in the state */
	bool		 too_large;	/* a set over POL_SEEN_MAX, said */
	/* Sums of the texts last saved (pol_save_one()): the same text is
	 * not written again. */
	uint64_t	 saved_sum[2];
	/* Findings already written: the learned lists up to these. */
	uint32_t	 rep[8];
	uint32_t	 alerts;	/* written */
	uint32_t	 violations;	/* judged so, alerts or not */
	uint64_t	 aw_start_us;	/* POL_PEER_ALERTS_PER_WINDOW */
	uint32_t	 aw_n;
	/* Fan-out: distinct peers initiated to in the current window. */
	uint64_t	 fo_start_us;
	uint64_t	*fo_peers;
	uint32_t	 fo_n, fo_cap;
	/* pol_profile_pd()'s last answer (the profile, and the seen set
	 * of the class by its index), and what it was asked of: the
	 * policy (by generation), class, rule and whether it routed. */
	const struct pol_profile *pc;
	size_t		 pc_seen;
	uint32_t	 pc_gen;	/* 0: none yet */
	bool		 pc_routed;
	bool		 pc_noclass;	/* it had none: "unknown" */
	char		 pc_class[DEV_VALUE_MAX], pc_rule[DEV_VALUE_MAX];
	/* The last HL7 message type sent and received, as judged (NULL:
	 * none yet; brain_policy_act()). */
	struct pol_hl7_memo *hl7;
};

/*
 * An HL7 message type one way and how it was learned and judged: the
 * same type again, under the same profile, with the seen and learned
 * lists of its way as long as then (they only grow), is learned and
 * judged the same.  Most devices send and receive one type over and
 * over.
 */
#define POL_HL7_MEMO_TYPE	32	/* a longer type is not kept */
struct pol_hl7_memo {
	char		 type[POL_HL7_MEMO_TYPE];	/* "": none */
	const struct pol_profile *p;
	uint32_t	 gen;		/* of the policy */
	uint32_t	 seen;		/* its index in pd->seen */
	uint32_t	 nseen, nlearned;	/* of its way, after */
	bool		 strict;
	/* The verdict, but for expected (said later from these; an HL7
	 * verdict has no lists of entries, x_a and x_b). */
	uint8_t		 sid;		/* enum pol_sid */
	uint32_t	 line;
	const struct pol_profile *vp;
	const char	*x_what;
	const struct pol_names *x_na, *x_nb;
};

struct brain_pol {
	struct policy	*policy;
	uint32_t	 gen;		/* changes with policy (from 1) */
	struct geo	*geo;
	bool		 strict;
	/* POL_SEEN_MAX, which WARDWATCH_TEST_POLICY_SET_MAX lowers so that
	 * tests reach it (a real set nears it only after many classes). */
	size_t		 seen_max;
	/* POL_SAVE_CHUNK, which WARDWATCH_TEST_POLICY_SAVE_CHUNK lowers so
	 * that a test's few devices are written over several chunks. */
	size_t		 save_chunk;
	/* Keys of devices that left the inventory: deleted at the next
	 * save, so a later device at the same address starts afresh. */
#define POL_GONE_MAX	8192
	char		**gone;
	size_t		 ngone;
};

static void	pol_gone_keep(struct brain_pol *, const char *);

/* What the alert's "policy" object says. */
/* What an activity was, put in words only when an alert is written
 * (most violations are held back by the alert window). */
struct pol_act_seen {
	int		 kind, side;
	const char	*value, *dae, *ae, *oclass, *zone;
};

/* What a flow was, put in words likewise (pol_flow_words()). */
struct pol_flow_seen {
	const struct pol_flow *f;
	bool		 initiated;
};

struct pol_alert {
	const struct pol_verdict *v;
	const char	*seen;		/* NULL: flow's or act's, in words */
	const struct pol_flow_seen *flow;
	const struct pol_act_seen *act;
	const char	*peer_zone;
	const struct brain_end *peer_end;
	const struct geo_info *geo;	/* NULL: none */
};

static const char *const *
pol_class_names(size_t *n)
{
	static const char *names[FP_CLASS_MAX];
	int i;

	for (i = 0; i < FP_CLASS_MAX; i++)
		names[i] = fp_class_name((enum fp_class)i);
	*n = FP_CLASS_MAX;
	return names;
}

static const char *const *
pol_app_names(size_t *n)
{
	static const char *names[APP_MAX];
	size_t i, k = 0;

	for (i = 1; i < APP_MAX; i++)
		if (app_proto_name((unsigned)i) != NULL)
			names[k++] = app_proto_name((unsigned)i);
	*n = k;
	return names;
}

struct policy *
brain_policy_new(void)
{
	struct policy *pol = policy_new();
	const char *const *v;
	size_t n;

	v = pol_class_names(&n);
	policy_set_classes(pol, v, n);
	v = pol_app_names(&n);
	policy_set_apps(pol, v, n);
	return pol;
}

/* The shipped profiles, the site's files in order, the config's own. */
static struct policy *
pol_load(const struct brain_config *c, const struct fpdb *fp, FILE *err,
    int *nerr)
{
	struct policy *pol = brain_policy_new();
	const struct pol_profile *p;
	size_t i;

	*nerr = policy_load_builtin(pol, err);
	for (i = 0; i < c->n_policy_files; i++)
		*nerr += policy_load_file(pol, c->policy_files[i], err);
	if (c->policy_overrides != NULL)
		for (i = 0; i < policy_count(c->policy_overrides); i++)
			policy_adopt(pol, policy_at(c->policy_overrides, i));
	policy_set_mode(pol, (enum pol_set_mode)c->policy_mode);
	/* A profile for a fingerprint no device can match is a typo. */
	for (i = 0; fp != NULL && i < policy_count(pol); i++) {
		p = policy_at(pol, i);
		if (p->target != POL_T_FINGERPRINT || fpdb_has(fp, p->name))
			continue;
		if (err != NULL)
			fprintf(err, "%s:%" PRIu32 ":%" PRIu32 ": fingerprint: "
			    "no fingerprint is named \"%s\"\n", p->file,
			    p->name_line, p->name_col, util_safe_str(p->name));
		(*nerr)++;
	}
	return pol;
}

int
brain_policy_check(const struct brain_config *c, const struct fpdb *fp,
    FILE *out, FILE *err)
{
	struct policy *pol;
	struct geo *g;
	int nerr;

	pol = pol_load(c, fp, err, &nerr);
	if (out != NULL && nerr == 0)
		fprintf(out, "wardwatch: policy: %zu profiles (%s), mode %s\n",
		    policy_count(pol), c->n_policy_files > 0 ||
		    c->policy_overrides != NULL ? "shipped and the site's" :
		    "shipped", c->policy_mode == POL_SET_STRICT ? "strict" :
		    "learned");
	policy_free(pol);
	g = geo_open(c->geoip_country, c->geoip_asn, err);
	if (out != NULL && g != NULL)
		fprintf(out, "wardwatch: geoip: %s%s%s\n",
		    c->geoip_country != NULL ? c->geoip_country : "",
		    c->geoip_country != NULL && c->geoip_asn != NULL ? ", " :
		    "", c->geoip_asn != NULL ? c->geoip_asn : "");
	geo_close(g);
	return nerr == 0 ? 0 : -1;
}

int
brain_policy_init(struct brain *b, const struct brain_config *c, FILE *err)
{
	struct brain_pol *bp = xcalloc(1, sizeof(*bp));
	const char *max;
	int nerr;

	b->pol = bp;
	bp->gen = 1;
	bp->seen_max = POL_SEEN_MAX;
	if ((max = getenv("WARDWATCH_TEST_POLICY_SET_MAX")) != NULL &&
	    strtoul(max, NULL, 10) > 0 && strtoul(max, NULL, 10) < POL_SEEN_MAX)
		bp->seen_max = strtoul(max, NULL, 10);
	bp->save_chunk = POL_SAVE_CHUNK;
	if ((max = getenv("WARDWATCH_TEST_POLICY_SAVE_CHUNK")) != NULL &&
	    strtoul(max, NULL, 10) > 0 &&
	    strtoul(max, NULL, 10) < POL_SAVE_CHUNK)
		bp->save_chunk = strtoul(max, NULL, 10);
	bp->policy = pol_load(c, b->fp, err, &nerr);
	if (nerr != 0)
		return -1;
	bp->strict = c->policy_mode == POL_SET_STRICT;
	bp->geo = geo_open(c->geoip_country, c->geoip_asn, err);
	return 0;
}

struct brain_judge {
	struct policy	*policy;
	struct geo	*geo;
	bool		 strict;
	struct zones	*zones;		/* NULL: the built-ins */
	uint32_t	 alert_window;
	struct bl_config baseline;
};

struct brain_judge *
brain_judge_load(struct brain_config *c, const struct fpdb *fp, FILE *err)
{
	struct brain_judge *j = xcalloc(1, sizeof(*j));
	int nerr;

	j->policy = pol_load(c, fp, err, &nerr);
	if (nerr != 0) {
		brain_judge_free(j);
		return NULL;
	}
	j->strict = c->policy_mode == POL_SET_STRICT;
	j->geo = geo_open(c->geoip_country, c->geoip_asn, err);
	j->zones = c->zones;
	c->zones = NULL;
	j->alert_window = c->alert_window;
	j->baseline = c->baseline;
	return j;
}

void
brain_judge_free(struct brain_judge *j)
{
	if (j == NULL)
		return;
	policy_free(j->policy);
	geo_close(j->geo);
	zones_free(j->zones);
	free(j);
}

void
brain_policy_swap(struct brain *b, struct brain_judge *j)
{
	struct policy *pol;
	struct geo *geo;

	if (b->pol == NULL)
		return;
	pol = b->pol->policy;
	geo = b->pol->geo;
	b->pol->policy = j->policy;
	b->pol->gen++;		/* pol_profile_pd()'s answers are old */
	b->pol->geo = j->geo;
	b->pol->strict = j->strict;
	j->policy = pol;
	j->geo = geo;
}

/* Under the brain's lock (brain_reload_judge). */
void
brain_judge_apply(struct brain *b, struct brain_judge *j)
{
	struct bl_config bl = j->baseline;
	struct zones *z;

	brain_policy_swap(b, j);
	z = b->reload_zones;
	b->reload_zones = j->zones;
	j->zones = z;
	if (b->reload_zones != NULL)
		b->zones = b->reload_zones;
	else {
		if (b->own_zones == NULL)
			b->own_zones = zones_new();
		b->zones = b->own_zones;
	}
	/* brain_dev_zone()'s and brain_end_zone()'s answers are old */
	b->zones_gen++;
	b->cfg.alert_window = j->alert_window;
	/* What memory was sized for stays as at start. */
	bl.enabled = b->cfg.baseline.enabled;
	bl.learn_run = b->cfg.baseline.learn_run;
	memcpy(bl.max, b->cfg.baseline.max, sizeof(bl.max));
	bl.detect.enabled = b->cfg.baseline.detect.enabled;
	b->cfg.baseline = bl;
}

void
brain_policy_dev_free(struct brain_dev *n)
{
	struct pol_dev *pd = n->pol;
	size_t i;

	if (pd == NULL)
		return;

	policy_profile_clear(&pd->learned);
	for (i = 0; i < pd->nseen; i++)
		policy_profile_clear(&pd->seen[i]);
	free(pd->seen);
	free(pd->fo_peers);
	free(pd->hl7);
	free(pd);
	n->pol = NULL;
}

void
brain_policy_free(struct brain *b)
{
	if (b->pol == NULL)
		return;
	policy_free(b->pol->policy);
	geo_close(b->pol->geo);
	while (b->pol->ngone > 0)
		free(b->pol->gone[--b->pol->ngone]);
	free(b->pol->gone);
	free(b->pol);
	b->pol = NULL;
}

static struct pol_dev *
pol_dev(struct brain_dev *n)
{
	if (n->pol == NULL) {
		n->pol = xcalloc(1, sizeof(*n->pol));
		policy_profile_init(&n->pol->learned, POL_T_LEARNED, NULL);
	}
	return n->pol;
}

static void pol_findings(struct brain *, struct brain_dev *, uint64_t);
static void pol_reported(struct pol_dev *);

static bool
pol_country_in(const struct pol_profile *p, const char *c)
{
	size_t i;

	for (i = 0; i < p->countries.n; i++)
		if (strcmp(p->countries.v[i], c) == 0)
			return true;
	return false;
}

/*
 * Whether a device learns is the baselines' (policy/baseline.h): a
 * device learns while its baseline does (a newcomer for its learning
 * period, every device in a --learn run).  When it stops, what it did
 * beyond its profile is written as findings.
 */
static void
pol_learning_turn(struct brain *b, struct brain_dev *n, struct pol_dev *pd,
    uint64_t ts)
{
	pd->learning = !pd->learning;
	if (!pd->learning)
		pol_findings(b, n, ts);
}

/* (Asked of every violation: the turn apart.) */
static inline bool
pol_learning(struct brain *b, struct brain_dev *n, uint64_t ts)
{
	struct pol_dev *pd = pol_dev(n);

	if (n->bl != NULL && (n->bl->mode != BL_ENFORCING) != pd->learning)
		pol_learning_turn(b, n, pd, ts);
	return pd->learning;
}

/*
 * While learning (policy.mode learned), a violation is learned, not an
 * alert, except what is never normal practice: a medical device on
 * the internet or a cleartext login alerts from the first packet (and
 * is learned too: one alert, then a finding).
 */
static bool
pol_absorbed(enum pol_sid sid)
{
	return sid != POL_SID_INTERNET && sid != POL_SID_CLEARTEXT;
}

static const char *
pol_dev_class(const struct brain_dev *n)
{
	const struct dev_value *v = dev_best(&n->d, DEV_A_CLASS);

	return v != NULL ? v->value : "unknown";
}

/* What a device did while of this class (bounded: one per class). */
static struct pol_profile *
pol_seen(struct pol_dev *pd, const char *class)
{
	size_t i;

	/* Mostly the class of the last event. */
	if (pd->seen_last < pd->nseen &&
	    pd->seen[pd->seen_last].name[0] == class[0] &&
	    strcmp(pd->seen[pd->seen_last].name, class) == 0)
		return &pd->seen[pd->seen_last];
	for (i = 0; i < pd->nseen; i++)
		if (pd->seen[i].name[0] == class[0] &&
		    strcmp(pd->seen[i].name, class) == 0) {
			pd->seen_last = i;
			return &pd->seen[i];
		}
	pd->seen = xreallocarray(pd->seen, pd->nseen + 1, sizeof(*pd->seen));
	policy_profile_init(&pd->seen[pd->nseen], POL_T_CLASS, class);
	pd->seen_last = pd->nseen;
	return &pd->seen[pd->nseen++];
}

/* The fingerprint rule behind the device's class, if any. */
static const char *
pol_dev_rule(const struct brain_dev *n)
{
	const struct dev_value *v = dev_best(&n->d, DEV_A_CLASS);
	size_t i;

	for (i = 0; v != NULL && i < v->n_claims; i++)
		if (v->claims[i].rule[0] != '\0')
			return v->claims[i].rule;
	return NULL;
}

/* class: pol_dev_class(n), which the caller may have at hand. */
static const struct pol_profile *
pol_profile_cls(const struct brain *b, const struct brain_dev *n,
    const char *class)
{
	return policy_find(b->pol->policy, (n->d.flags & DEV_F_ROUTED) ?
	    NULL : n->d.mac, pol_dev_rule(n), class);
}

/*
 * Whether the string in a is the one in b, both arrays of
 * DEV_VALUE_MAX bytes (a device's class or rule, and the copy kept of
 * it): 8 bytes at a time, as far as the word with a's NUL.  Asked of
 * both ends of every event.
 */
static inline bool
pol_value_eq(const char *a, const char *b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t x, y, z;
	size_t i;

	for (i = 0; i < DEV_VALUE_MAX; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		/* The lowest byte flagged is a's first NUL (a byte above
		 * one may be flagged too): compare up to it. */
		z = (x - 0x0101010101010101u) & ~x & 0x8080808080808080u;
		if (z != 0) {
			z &= -z;
			return ((x ^ y) & ((z << 1) - 1)) == 0;
		}
		if (x != y)
			return false;
	}
	return false;		/* never: a holds a NUL */
#else
	return strcmp(a, b) == 0;
#endif
}

/* pol_profile_pd() asked anew: the answers, kept with what they were
 * asked of. */
static const struct pol_profile *
pol_profile_fill(const struct brain *b, const struct brain_dev *n,
    struct pol_dev *pd, const struct dev_value *cv, const char *rule,
    struct pol_profile **seenp)
{
	const char *class = cv != NULL ? cv->value : "unknown";
	bool routed = (n->d.flags & DEV_F_ROUTED) != 0;
	struct pol_profile *sp;

	pd->pc = policy_find(b->pol->policy, routed ? NULL : n->d.mac, rule,
	    class);
	*seenp = sp = pol_seen(pd, class);
	/* A class or rule too long to keep is asked again each time. */
	if (strlcpy(pd->pc_class, class, sizeof(pd->pc_class)) >=
	    sizeof(pd->pc_class) || strlcpy(pd->pc_rule, rule != NULL ?
	    rule : "", sizeof(pd->pc_rule)) >= sizeof(pd->pc_rule)) {
		pd->pc_gen = 0;
		return pd->pc;
	}
	pd->pc_seen = (size_t)(sp - pd->seen);
	pd->pc_gen = b->pol->gen;
	pd->pc_routed = routed;
	pd->pc_noclass = cv == NULL;
	return pd->pc;
}

/*
 * pol_profile_cls() for a device judged on an event (both ends of every
 * flow and activity), with what it did under its class (pol_seen(),
 * *seenp): mostly the answers for the same class and rule as last
 * time, which the device keeps.
 */
static inline const struct pol_profile *
pol_profile_pd(const struct brain *b, const struct brain_dev *n,
    struct pol_dev *pd, struct pol_profile **seenp)
{
	const struct dev_value *cv = dev_best(&n->d, DEV_A_CLASS);
	const char *rule = NULL;
	bool routed = (n->d.flags & DEV_F_ROUTED) != 0;
	size_t i;

	/* pol_dev_class() and pol_dev_rule() from one dev_best(). */
	for (i = 0; cv != NULL && i < cv->n_claims; i++)
		if (cv->claims[i].rule[0] != '\0') {
			rule = cv->claims[i].rule;
			break;
		}
	_Static_assert(sizeof(pd->pc_class) == sizeof(cv->value) &&
	    sizeof(pd->pc_rule) == sizeof(cv->claims[0].rule) &&
	    sizeof(pd->pc_class) == DEV_VALUE_MAX &&
	    sizeof(pd->pc_rule) == DEV_VALUE_MAX, "pol_value_eq()");
	/* No class (most devices, "unknown") is said by pc_noclass. */
	if (pd->pc_gen == b->pol->gen && pd->pc_routed == routed &&
	    (cv != NULL ? !pd->pc_noclass && pol_value_eq(pd->pc_class,
	    cv->value) : pd->pc_noclass) && (rule != NULL ?
	    pol_value_eq(pd->pc_rule, rule) : pd->pc_rule[0] == '\0')) {
		*seenp = &pd->seen[pd->pc_seen];
		return pd->pc;	/* (a rule is never "": pol_dev_rule()) */
	}
	return pol_profile_fill(b, n, pd, cv, rule, seenp);
}

static const struct pol_profile *
pol_profile_of(const struct brain *b, const struct brain_dev *n)
{
	return pol_profile_cls(b, n, pol_dev_class(n));
}

/* A device is judged unless it routes (its own address included). */
static bool
pol_judged(const struct brain *b, const struct brain_dev *n)
{
	return b->pol != NULL && n != NULL && !n->merged && !n->evicted &&
	    !(n->d.flags & DEV_F_ROUTER);
}

/* An activity in words, as brain_policy_act() saw it. */
static void
pol_act_words(const struct pol_act_seen *a, char *seen, size_t len)
{
	if (a->kind == 'h')
		snprintf(seen, len, "HL7 %s %s %s in zone %s", a->value,
		    a->side == 0 ? "sent to" : "received from", a->oclass,
		    a->zone);
	else if (a->kind == 'd')
		snprintf(seen, len, "DICOM %s%s%s %s %s in zone %s", a->value,
		    a->dae != NULL ? " to AE " : "",
		    a->dae != NULL ? a->dae : "", a->side == 0 ?
		    "requested of" : "requested by", a->oclass, a->zone);
	else if (a->kind == 'a')
		snprintf(seen, len, "DICOM association %s AE %s",
		    a->side == 0 ? "to" : "from", a->side == 0 ? a->ae :
		    a->value);
	else
		snprintf(seen, len, "%s login to %s in zone %s", a->value,
		    a->oclass, a->zone);
}

static const char *pol_proto(uint8_t);

static void
pol_flow_words(const struct pol_flow_seen *fs, char *seen, size_t len)
{
	const struct pol_flow *f = fs->f;
	bool initiated = fs->initiated;
	char port[16];

	if (f->proto == 6 || f->proto == 17)
		snprintf(port, sizeof(port), "/%u", f->port);
	else
		port[0] = '\0';
	snprintf(seen, len, "%s %s%s%s%s %s %s%s%s in zone %s%s%s",
	    initiated ? "initiated" : "accepted", pol_proto(f->proto), port,
	    f->app != NULL ? " " : "", f->app != NULL ? f->app : "",
	    initiated ? "to" : "from", f->peer_class != NULL ? "class " : "",
	    f->peer_class != NULL ? f->peer_class : "a host",
	    f->peer_class != NULL ? "" : "", f->peer_zone,
	    f->country != NULL ? ", country " : "",
	    f->country != NULL ? f->country : "");
}

static void
pol_alert_obj(struct jsonw *jw, const void *arg)
{
	const struct pol_alert *a = arg;
	const struct pol_verdict *v = a->v;
	struct pol_verdict w;
	char rule[512], ip[64], seen[256];

	jsonw_kv_str(jw, "violation", policy_sid_name(v->sid));
	jsonw_kv_str(jw, "profile", v->p->target == POL_T_DEVICE ?
	    "device" : v->p->name);
	snprintf(rule, sizeof(rule), "%s:%" PRIu32, v->p->file, v->line);
	jsonw_kv_str(jw, "rule", rule);
	jsonw_kv_str(jw, "mode", v->p->mode == POL_MODE_OBSERVE ? "observe" :
	    "enforce");
	if (v->x_what != NULL) {
		/* Said now that an alert is written (the lists are as
		 * judged: see brain_policy_act()). */
		w = *v;
		policy_verdict_explain(&w);
		v = &w;
	}
	jsonw_kv_str(jw, "expected", v->expected);
	if (a->seen != NULL)
		jsonw_kv_str(jw, "seen", a->seen);
	else if (a->flow != NULL) {
		pol_flow_words(a->flow, seen, sizeof(seen));
		jsonw_kv_str(jw, "seen", seen);
	} else {
		pol_act_words(a->act, seen, sizeof(seen));
		jsonw_kv_str(jw, "seen", seen);
	}
	if (a->peer_zone == NULL)
		return;
	jsonw_key(jw, "peer");
	jsonw_obj_open(jw);
	if (a->peer_end != NULL && a->peer_end->has_ip)
		jsonw_kv_str(jw, "ip", dev_ip_format(&a->peer_end->ip, ip,
		    sizeof(ip)));
	jsonw_kv_str(jw, "zone", a->peer_zone);
	if (a->geo != NULL && a->geo->country[0] != '\0')
		jsonw_kv_str(jw, "country", a->geo->country);
	if (a->geo != NULL && a->geo->asn != 0)
		jsonw_kv_uint(jw, "asn", a->geo->asn);
	if (a->geo != NULL && a->geo->as_org[0] != '\0')
		jsonw_kv_str(jw, "as_org", a->geo->as_org);
	jsonw_obj_close(jw);
}

/*
 * Severity by clinical impact: patient data leaving the segment and a
 * medical device reaching the internet first; then what a medical
 * device or a login does; the rest last.
 */
static uint8_t
pol_severity(enum pol_sid sid, bool medical, const char *app)
{
	bool phi = app != NULL && (strcmp(app, "hl7") == 0 ||
	    strcmp(app, "dicom") == 0);

	switch (sid) {
	case POL_SID_INTERNET:
		return medical || phi ? 1 : 2;
	case POL_SID_CLEARTEXT:
		return medical ? 1 : 2;
	case POL_SID_HL7:
	case POL_SID_DICOM:
		return 2;
	case POL_SID_CONNECTION:
	case POL_SID_FANOUT:
	default:
		return medical ? 2 : 3;
	}
}

/* A violation of an observing profile: counted, no more (what
 * pol_violation() does with it, without its arguments). */
static void
pol_counted(struct brain *b, struct pol_dev *pd)
{
	pd->violations++;
	ctr_inc(b->ctr, CTR_POLICY_VIOLATIONS);
}

/*
 * A violation: learned away while learning, counted when observing,
 * else an alert.  Returns true when an alert was written.
 */
static bool
pol_violation(struct brain *b, struct brain_dev *n, struct brain_dev *peer,
    const struct brain_end *peer_end, const char *peer_zone,
    const struct geo_info *geo, bool initiated, const struct brain_ev *ev,
    const struct pol_verdict *v, const char *reason, const char *seen,
    const struct pol_flow_seen *flow, const struct pol_act_seen *act,
    const char *app, bool quiet)
{
	struct pol_dev *pd = pol_dev(n);
	uint64_t ts = ev != NULL ? ev->ts_us : b->now_us;
	uint64_t window = (uint64_t)b->cfg.alert_window * 1000000u;
	struct brain_explain x;
	struct pol_alert a;
	bool medical;

	pd->violations++;
	ctr_inc(b->ctr, CTR_POLICY_VIOLATIONS);
	if (v->p->mode == POL_MODE_OBSERVE || quiet)
		return false;
	if (v->sid == POL_SID_CONNECTION || v->sid == POL_SID_HL7 ||
	    v->sid == POL_SID_DICOM) {
		if (pd->aw_start_us == 0 || ts >= pd->aw_start_us + window ||
		    ts < pd->aw_start_us) {
			pd->aw_start_us = ts;
			pd->aw_n = 0;
		}
		if (window > 0 && pd->aw_n >= POL_PEER_ALERTS_PER_WINDOW) {
			ctr_inc(b->ctr, CTR_DEV_JUDGED_HELD);
			return false;
		}
	}
	medical = policy_class_medical(pol_dev_class(n)) ||
	    (peer != NULL && policy_class_medical(pol_dev_class(peer)));
	a.v = v;
	a.seen = seen;
	a.flow = flow;
	a.act = act;
	a.peer_zone = peer_zone;
	a.peer_end = peer_end;
	a.geo = geo;
	memset(&x, 0, sizeof(x));
	x.gid = POL_GID;
	x.sid = v->sid;
	x.rev = 1;
	x.severity = pol_severity(v->sid, medical, app);
	x.signature = policy_sid_signature(v->sid);
	x.category = policy_sid_category(v->sid);
	x.dev = n;
	x.peer = peer;
	x.peer_end = peer_end;
	x.dev_is_src = initiated;
	x.ev = ev;
	x.ts_us = ts;
	x.reason = reason;
	x.obj_key = "policy";
	x.obj = pol_alert_obj;
	x.arg = &a;
	if (!brain_explain(b, &x))
		return false;
	pd->alerts++;
	if (v->sid == POL_SID_CONNECTION || v->sid == POL_SID_HL7 ||
	    v->sid == POL_SID_DICOM)
		pd->aw_n++;
	return true;
}

static const char *
pol_proto(uint8_t p)
{
	switch (p) {
	case 1:
	case 58:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	default:
		return "ip";
	}
}

/* The peer's zone and class, for judging from n's side. */
static const char *
pol_peer_zone(const struct brain *b, const struct brain_dev *peer,
    const struct brain_end *e, uint16_t vlan)
{
	int z;

	if (peer != NULL && !(peer->d.flags & DEV_F_ROUTER))
		z = brain_dev_zone(b, peer);
	else
		z = brain_end_zone(b, e, vlan == BRAIN_VLAN_RELAYED ? -1 :
		    (int)vlan);
	return zones_name(b->zones, z);
}

/* Fan-out: peers n initiated to in its profile's window. */
static void
pol_fanout(struct brain *b, struct brain_dev *n, const struct pol_profile *p,
    struct pol_profile *sp, struct brain_dev *peer,
    const struct brain_end *pe, const char *peer_zone,
    const struct brain_ev *ev)
{
	struct pol_dev *pd = pol_dev(n);
	const struct pol_profile *ln = b->pol->strict ? NULL : &pd->learned;
	uint64_t h, window = (uint64_t)p->fanout_window * 1000000u;
	struct pol_verdict v;
	char seen[128];
	uint32_t i, was;

	if (pd->fo_start_us == 0 || ev->ts_us >= pd->fo_start_us + window ||
	    ev->ts_us < pd->fo_start_us) {
		pd->fo_start_us = ev->ts_us;
		pd->fo_n = 0;
	}
	if (peer != NULL && !(peer->d.flags & DEV_F_ROUTED))
		h = siphash13(&b->hkey, peer->d.mac, 6);
	else if (pe->has_ip)
		h = siphash13(&b->hkey, pe->ip.a, 16);
	else
		return;
	for (i = 0; i < pd->fo_n; i++)
		if (pd->fo_peers[i] == h)
			return;
	if (pd->fo_n == POL_FANOUT_TRACK)
		return;
	if (pd->fo_n == pd->fo_cap) {
		pd->fo_cap = pd->fo_cap ? pd->fo_cap * 2 : 8;
		pd->fo_peers = xreallocarray(pd->fo_peers, pd->fo_cap,
		    sizeof(*pd->fo_peers));
	}
	pd->fo_peers[pd->fo_n++] = h;
	was = sp->max_fanout;
	policy_learn_fanout(sp, pd->fo_n);
	/* A wider fan-out is saved too, not only the next flow's news. */
	if (sp->max_fanout != was)
		pd->seen_dirty = true;
	if (policy_judge_fanout(p, ln, pd->fo_n, &v) == POL_OK)
		return;
	if (pol_learning(b, n, ev->ts_us) && !b->pol->strict &&
	    p->mode == POL_MODE_ENFORCE) {
		policy_learn_fanout(&pd->learned, pd->fo_n);
		pd->seen_dirty = true;
		return;
	}
	snprintf(seen, sizeof(seen), "%" PRIu32 " peers in %" PRIu32 " s, the "
	    "last in zone %s", pd->fo_n, p->fanout_window, peer_zone);
	/* One alert per window: the reason names the window. */
	(void)pol_violation(b, n, NULL, NULL, NULL, NULL, true, ev, &v,
	    "fan-out", seen, NULL, NULL, NULL, false);
}

/* "%c%u/%u" of side, protocol and port, without printf. */
static void
pol_flow_reason(char *buf, size_t len, bool initiated, unsigned proto,
    unsigned port)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	unsigned u;
	int i;

	*--p = '\0';
	for (i = 0, u = port; i == 0 || u != 0; i++, u /= 10)
		*--p = (char)('0' + u % 10);
	*--p = '/';
	for (i = 0, u = proto; i == 0 || u != 0; i++, u /= 10)
		*--p = (char)('0' + u % 10);
	*--p = initiated ? 'i' : 'a';
	strlcpy(buf, p, len);
}

/* Judge device n's side of a flow. */
static bool
pol_flow_side(struct brain *b, const struct brain_ev *ev, struct brain_dev *n,
    bool initiated, struct brain_dev *peer, const struct brain_end *pe,
    bool quiet)
{
	struct pol_dev *pd = pol_dev(n);
	struct pol_profile *sp;
	const struct pol_profile *p = pol_profile_pd(b, n, pd, &sp);
	const struct pol_profile *ln = b->pol->strict ? NULL : &pd->learned;
	struct geo_info gi, *geo = NULL;
	struct pol_verdict v;
	struct pol_flow f;
	struct pol_flow_seen fs;
	char reason[64];

	memset(&f, 0, sizeof(f));
	f.initiated = initiated;
	f.peer_zone = pol_peer_zone(b, peer, pe, ev->vlan);
	f.peer_class = peer != NULL ? pol_dev_class(peer) : NULL;
	f.proto = ev->proto;
	f.port = ev->dport;
	f.app = ev->app != APP_UNKNOWN ? app_proto_name(ev->app) : NULL;
	if (strcmp(f.peer_zone, "internet") == 0 && pe->has_ip &&
	    geo_lookup(b->pol->geo, pe->ip.a, &gi)) {
		geo = &gi;
		if (gi.country[0] != '\0') {
			f.country = gi.country;
			if (policy_learn_country(sp, gi.country))
				pd->seen_dirty = true;
		}
	}
	if (policy_learn_flow(sp, &f))
		pd->seen_dirty = true;
	if (initiated)
		pol_fanout(b, n, p, sp, peer, pe, f.peer_zone, ev);
	if (policy_judge_flow(p, ln, &f, &v) == POL_OK)
		return false;
	if (pol_learning(b, n, ev->ts_us) && !b->pol->strict &&
	    p->mode == POL_MODE_ENFORCE) {
		if (!pol_absorbed(v.sid))
			policy_verdict_explain(&v);
		(void)policy_learn_flow(&pd->learned, &f);
		if (f.country != NULL)
			(void)policy_learn_country(&pd->learned, f.country);
		pd->seen_dirty = true;
		if (pol_absorbed(v.sid))
			return false;
	}
	/* Observed, a violation is only counted: nothing to explain. */
	if (v.p->mode == POL_MODE_OBSERVE) {
		pol_counted(b, pd);
		return false;
	}
	policy_verdict_explain(&v);
	/* What was seen goes in words only into an alert that is written
	 * (pol_flow_words()); the reason is the key. */
	fs.f = &f;
	fs.initiated = initiated;
	pol_flow_reason(reason, sizeof(reason), initiated, f.proto, f.port);
	(void)pol_violation(b, n, peer, pe, f.peer_zone, geo, initiated, ev,
	    &v, reason, NULL, &fs, NULL, f.app, quiet);
	return v.p->mode == POL_MODE_ENFORCE;
}

void
brain_policy_flow(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *c, struct brain_dev *s)
{
	bool alerted = false;

	if (b->pol == NULL || c == s)
		return;
	/*
	 * A flow nobody answered is an attempt: judged all the same, for
	 * the initiator; the acceptor did nothing.  When the initiator's
	 * profile already forbids the flow, the acceptor's violation is
	 * counted but raises no alert of its own: the one alert names
	 * both devices.
	 */
	if (pol_judged(b, c))
		alerted = pol_flow_side(b, ev, c, true, s, &ev->end[1], false);
	if (pol_judged(b, s) && ev->answered)
		(void)pol_flow_side(b, ev, s, false, c, &ev->end[0], alerted);
}

/*
 * Application activity (HL7 messages, DICOM commands, logins): judged
 * for the actor and, where the other side's profile speaks of it, for
 * the peer.  kind: 'h' HL7 type sent, 'd' DICOM command, 'a' DICOM
 * association (value: the peer's AE title), 'l' login (value: the
 * protocol).
 */
/*
 * An HL7 message's type learned into what device pd did (seen) and
 * judged under p and ln, from side (0: sent), into v; true when seen
 * changed.  hl7: the type's name (policy_hl7_name()), made when first
 * needed.
 */
static bool
pol_hl7_judge(const struct brain *b, struct pol_dev *pd,
    const struct pol_profile *p, const struct pol_profile *ln,
    struct pol_profile *seen, int side, const char *type,
    struct pol_hl7_name *hl7, bool *made, enum pol_sid *sid,
    struct pol_verdict *v)
{
	const struct pol_names *sl = side == 0 ? &seen->hl7_send :
	    &seen->hl7_receive;
	const struct pol_names *ll = ln == NULL ? NULL : side == 0 ?
	    &ln->hl7_send : &ln->hl7_receive;
	struct pol_hl7_memo *m;
	bool ch;

	if (pd->hl7 == NULL)
		pd->hl7 = xcalloc(2, sizeof(*pd->hl7));
	m = &pd->hl7[side];
	if (m->type[0] != '\0' && m->gen == b->pol->gen && m->p == p &&
	    m->strict == (ln == NULL) && m->seen == (size_t)(seen -
	    pd->seen) && m->nseen == sl->n && m->nlearned == (ll != NULL ?
	    ll->n : 0) && strcmp(m->type, type) == 0) {
		/* As policy_judge_hl7() says it (nothing was learned). */
		v->sid = (enum pol_sid)m->sid;
		v->p = m->vp;
		v->line = m->line;
		v->expected[0] = '\0';
		v->x_what = m->x_what;
		v->x_a = v->x_b = NULL;
		v->x_na = m->x_na;
		v->x_nb = m->x_nb;
		*sid = v->sid;
		return false;
	}
	if (!*made) {
		policy_hl7_name(hl7, type);
		*made = true;
	}
	ch = policy_learn_hl7_name(seen, side == 0, hl7);
	*sid = policy_judge_hl7(p, ln, side == 0, type, v);
	/* Kept unless the verdict holds words of its own already, or
	 * what it is kept by does not fit. */
	if (strlcpy(m->type, type, sizeof(m->type)) >= sizeof(m->type) ||
	    v->expected[0] != '\0' || v->x_a != NULL || v->x_b != NULL ||
	    pd->nseen > UINT32_MAX || sl->n > UINT32_MAX || (ll != NULL &&
	    ll->n > UINT32_MAX)) {
		m->type[0] = '\0';
		return ch;
	}
	m->gen = b->pol->gen;
	m->p = p;
	m->strict = ln == NULL;
	m->seen = (uint32_t)(seen - pd->seen);
	m->nseen = (uint32_t)sl->n;
	m->nlearned = ll != NULL ? (uint32_t)ll->n : 0;
	m->sid = (uint8_t)v->sid;
	m->vp = v->p;
	m->line = v->line;
	m->x_what = v->x_what;
	m->x_na = v->x_na;
	m->x_nb = v->x_nb;
	return ch;
}

void
brain_policy_act(struct brain *b, const struct brain_ev *ev, int kind,
    struct brain_dev *actor, struct brain_dev *peer, const char *value,
    const char *ae)
{
	struct pol_verdict v;
	struct pol_act_seen act;
	struct pol_hl7_name hl7;
	char reason[96];
	bool hl7_made = false;
	int side;

	if (b->pol == NULL)
		return;
	for (side = 0; side < 2; side++) {
		struct brain_dev *n = side == 0 ? actor : peer;
		struct brain_dev *o = side == 0 ? peer : actor;
		const struct brain_end *oe = &ev->end[side == 0 ? 1 : 0];
		const struct pol_profile *p;
		struct pol_dev *pd;
		const struct pol_profile *ln;
		struct pol_profile *seen_p;
		const char *zone, *dae = NULL;
		enum pol_sid sid = POL_OK;
		bool ch = false;

		if (!pol_judged(b, n))
			continue;
		pd = pol_dev(n);
		p = pol_profile_pd(b, n, pd, &seen_p);
		ln = b->pol->strict ? NULL : &pd->learned;
		switch (kind) {
		case 'h':
			ch = pol_hl7_judge(b, pd, p, ln, seen_p, side, value,
			    &hl7, &hl7_made, &sid, &v);
			break;
		case 'd':
			/* A C-GET's destination is its requester's own AE
			 * title: a peer's AE only for the side that sends. */
			dae = side == 0 && strcmp(value, "C-GET") == 0 ?
			    NULL : ae;
			ch = policy_learn_dicom(seen_p, side == 0, value,
			    dae);
			sid = policy_judge_dicom(p, ln, side == 0, value, dae,
			    &v);
			break;
		case 'a':
			/* The other side's AE title, seen from each side. */
			ch = policy_learn_dicom(seen_p, side == 0, NULL,
			    side == 0 ? ae : value);
			sid = policy_judge_dicom(p, ln, side == 0, NULL,
			    side == 0 ? ae : value, &v);
			break;
		case 'l':
			if (side != 0)
				continue;	/* the client chose cleartext */
			if (!seen_p->cleartext_logins)
				ch = seen_p->cleartext_logins = true;
			sid = policy_judge_login(p, value, &v);
			if (sid != POL_OK && ln != NULL && ln->cleartext_logins)
				sid = POL_OK;
			break;
		default:
			return;
		}
		if (ch)
			pd->seen_dirty = true;
		if (sid == POL_OK)
			continue;
		if (pol_learning(b, n, ev->ts_us) && !b->pol->strict &&
	    p->mode == POL_MODE_ENFORCE) {
			/* What the lists allowed before this learns. */
			if (!pol_absorbed(sid))
				policy_verdict_explain(&v);
			if (kind == 'h') {
				if (!hl7_made) {
					policy_hl7_name(&hl7, value);
					hl7_made = true;
				}
				(void)policy_learn_hl7_name(&pd->learned,
				    side == 0, &hl7);
			} else if (kind == 'd')
				(void)policy_learn_dicom(&pd->learned,
				    side == 0, value, dae);
			else if (kind == 'a')
				(void)policy_learn_dicom(&pd->learned,
				    side == 0, NULL, side == 0 ? ae : value);
			else
				pd->learned.cleartext_logins = true;
			pd->seen_dirty = true;
			if (pol_absorbed(sid))
				continue;
		}
		/* Observed, a violation is only counted: nothing to put
		 * in words (most profiles, on every message), and no
		 * zone (it is for the alert). */
		if (v.p->mode == POL_MODE_OBSERVE) {
			pol_counted(b, pd);
			continue;
		}
		zone = pol_peer_zone(b, o, oe, ev->vlan);
		/* What was seen goes in words only into an alert that is
		 * written (pol_act_words()); the reason is the key. */
		act.kind = kind;
		act.side = side;
		act.value = value;
		act.dae = dae;
		act.ae = ae;
		act.oclass = o != NULL ? pol_dev_class(o) : "a host";
		act.zone = zone;
		reason[0] = (char)kind;
		reason[1] = (char)('0' + side);
		reason[2] = ':';
		strlcpy(reason + 3, value != NULL ? value : "",
		    sizeof(reason) - 3);
		(void)pol_violation(b, n, o, oe, zone, NULL, side == 0, ev, &v,
		    reason, NULL, NULL, &act, kind == 'h' ? "hl7" : kind == 'l' ?
		    NULL : "dicom", false);
	}
}

/*
 * An activity event (app/activity.def): end[0] the actor, end[1] its
 * peer (NULL: not a device the inventory knows).  SMB writes are the
 * baselines' (ransomware), not the profiles'.
 */
void
brain_policy_activity(struct brain *b, const struct brain_ev *ev,
    struct brain_dev *a, struct brain_dev *p)
{
	char v[DEV_VALUE_MAX], *tab, *cut;

	if (b->pol == NULL)
		return;
	if (a == NULL && p == NULL)
		return;
	/* The whole array in one copy (a value is NUL-terminated in it;
	 * what follows the NUL is never read). */
	_Static_assert(sizeof(v) == sizeof(ev->value), "an event's value");
	memcpy(v, ev->value, sizeof(v));
	v[sizeof(v) - 1] = '\0';
	if ((tab = strchr(v, '\t')) != NULL)
		*tab++ = '\0';
	switch (ev->key) {
	case ACT_HL7_MESSAGE:
		brain_policy_act(b, ev, 'h', a, p, v, NULL);
		break;
	case ACT_DICOM_ASSOC:
		/* The calling AE is the actor's, the called its peer's. */
		if (tab != NULL)
			brain_policy_act(b, ev, 'a', a, p, v, tab);
		break;
	case ACT_DICOM_COMMAND:
		/* "CMD\tDEST[\tSTUDY\tPATIENT]": pseudonyms are not policy,
		 * and only a retrieval has a destination. */
		if (tab != NULL && (cut = strchr(tab, '\t')) != NULL)
			*cut = '\0';
		if (tab != NULL && strcmp(v, "C-MOVE") != 0 &&
		    strcmp(v, "C-GET") != 0)
			tab = NULL;
		brain_policy_act(b, ev, 'd', a, p, v, tab);
		break;
	case ACT_LOGIN:
		brain_policy_act(b, ev, 'l', a, p, v, NULL);
		break;
	default:
		break;
	}
}

/* A learned entry that the profile allows (as a flow it stands for). */
static bool
pol_entry_allowed(const struct pol_profile *p, bool initiated,
    const struct pol_entry *e)
{
	struct pol_verdict v;
	struct pol_flow f;

	memset(&f, 0, sizeof(f));
	f.initiated = initiated;
	f.peer_zone = e->zone[0] != '\0' ? e->zone : "local";
	f.peer_class = e->class[0] != '\0' ? e->class : NULL;
	f.proto = e->proto;
	f.port = e->port_lo;
	f.app = e->app[0] != '\0' ? e->app : NULL;
	return policy_judge_flow(p, NULL, &f, &v) == POL_OK;
}

/* A learned name (nkeys order of pol_findings()) the profile allows. */
static bool
pol_name_allowed(const struct pol_profile *p, size_t k, const char *s)
{
	struct pol_verdict v;

	switch (k) {
	case 0:
	case 1:
		return policy_judge_hl7(p, NULL, k == 0, s, &v) == POL_OK;
	case 2:
	case 3:
		return policy_judge_dicom(p, NULL, k == 2, s, NULL, &v) ==
		    POL_OK;
	case 4:
		return policy_judge_dicom(p, NULL, true, NULL, s, &v) ==
		    POL_OK;
	default:
		return p->countries.n == 0 || pol_country_in(p, s);
	}
}

/*
 * What a device learned beyond its profile and was not reported yet,
 * as one "policy_findings" device record: at the end of its learning,
 * and at the end of a run for a device still learning (each difference
 * once).
 */
static void
pol_findings(struct brain *b, struct brain_dev *n, uint64_t ts_us)
{
	struct pol_dev *pd = n->pol;
	const struct pol_profile *p, *ln;
	const struct pol_names *names[6];
	static const char *const nkeys[6] = { "hl7_send", "hl7_receive",
	    "dicom_scu", "dicom_scp", "dicom_ae_titles", "countries" };
	struct jsonw *jw;
	char buf[200];
	size_t i, k, total = 0;

	if (b->pol == NULL || pd == NULL || b->pol->strict)
		return;
	ln = &pd->learned;
	names[0] = &ln->hl7_send;
	names[1] = &ln->hl7_receive;
	names[2] = &ln->dicom_scu;
	names[3] = &ln->dicom_scp;
	names[4] = &ln->dicom_ae;
	names[5] = &ln->countries;
	p = pol_profile_of(b, n);
	for (k = 0; k < 2; k++) {
		const struct pol_list *l = k ? &ln->accept : &ln->initiate;

		for (i = pd->rep[k]; i < l->n; i++)
			total += !pol_entry_allowed(p, k == 0, &l->v[i]);
	}
	for (k = 0; k < 6; k++)
		for (i = pd->rep[2 + k]; i < names[k]->n; i++)
			total += !pol_name_allowed(p, k, names[k]->v[i]);
	if (total == 0) {
		pol_reported(pd);
		return;
	}
	if ((jw = brain_device_record(b, n, "device", ts_us)) == NULL)
		return;
	jsonw_key(jw, "device");
	jsonw_obj_open(jw);
	if (!(n->d.flags & DEV_F_ROUTED))
		jsonw_kv_str(jw, "mac", dev_mac_format(n->d.mac, buf,
		    sizeof(buf)));
	jsonw_kv_str(jw, "event", "policy_findings");
	jsonw_kv_str(jw, "class", pol_dev_class(n));
	jsonw_obj_close(jw);
	jsonw_key(jw, "policy");
	jsonw_obj_open(jw);
	jsonw_kv_str(jw, "profile", p->file);
	jsonw_kv_str(jw, "state", pd->learning ? "learning" : "enforcing");
	jsonw_kv_str(jw, "note", "done while learning and not allowed by "
	    "the profile: allowed for this device from now on "
	    "(policy.mode learned)");
	jsonw_key(jw, "differences");
	jsonw_obj_open(jw);
	for (k = 0; k < 2; k++) {
		const struct pol_list *l = k ? &ln->accept : &ln->initiate;

		jsonw_key(jw, k ? "accept" : "initiate");
		jsonw_arr_open(jw);
		for (i = pd->rep[k]; i < l->n; i++) {
			/* Learned under another class, and now allowed. */
			if (pol_entry_allowed(p, k == 0, &l->v[i]))
				continue;
			policy_entry_format(&l->v[i], buf, sizeof(buf));
			jsonw_str(jw, buf);
		}
		jsonw_arr_close(jw);
		pd->rep[k] = (uint32_t)l->n;
	}
	for (k = 0; k < 6; k++) {
		jsonw_key(jw, nkeys[k]);
		jsonw_arr_open(jw);
		for (i = pd->rep[2 + k]; i < names[k]->n; i++)
			if (!pol_name_allowed(p, k, names[k]->v[i]))
				jsonw_str(jw, names[k]->v[i]);
		jsonw_arr_close(jw);
		pd->rep[2 + k] = (uint32_t)names[k]->n;
	}
	if (ln->internet)
		jsonw_kv_bool(jw, "internet", true);
	if (ln->cleartext_logins)
		jsonw_kv_bool(jw, "cleartext_logins", true);
	if (ln->max_fanout > 0)
		jsonw_kv_uint(jw, "max_fan_out", ln->max_fanout);
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
	if (record_commit(&b->rw) == 0)
		ctr_inc(b->ctr, CTR_POLICY_FINDINGS);
}

/* Everything learned so far counts as reported (an earlier run did). */
static void
pol_reported(struct pol_dev *pd)
{
	const struct pol_profile *ln = &pd->learned;

	pd->rep[0] = (uint32_t)ln->initiate.n;
	pd->rep[1] = (uint32_t)ln->accept.n;
	pd->rep[2] = (uint32_t)ln->hl7_send.n;
	pd->rep[3] = (uint32_t)ln->hl7_receive.n;
	pd->rep[4] = (uint32_t)ln->dicom_scu.n;
	pd->rep[5] = (uint32_t)ln->dicom_scp.n;
	pd->rep[6] = (uint32_t)ln->dicom_ae.n;
	pd->rep[7] = (uint32_t)ln->countries.n;
}

/*
 * For a device without a baseline (baselines off, tests): the caller
 * says whether it learns.  A device with one follows it.
 */
void
brain_policy_learning(struct brain *b, struct brain_dev *n, bool learning,
    uint64_t ts_us)
{
	struct pol_dev *pd;

	if (b->pol == NULL || n == NULL)
		return;
	pd = pol_dev(n);
	if (pd->learning == learning)
		return;
	pd->learning = learning;
	if (!learning)
		pol_findings(b, n, ts_us);
}

void
brain_policy_finish(struct brain *b, uint64_t ts_us)
{
	size_t i;

	if (b->pol == NULL)
		return;
	for (i = 0; i < b->ndevs; i++) {
		struct brain_dev *n = b->devs[i];

		if (n->pol == NULL || n->merged || n->evicted)
			continue;
		(void)pol_learning(b, n, ts_us);
		pol_findings(b, n, ts_us);
	}
}

const struct geo *
brain_policy_geo(const struct brain *b)
{
	return b->pol != NULL ? b->pol->geo : NULL;
}

bool
brain_policy_is_learning(const struct brain_dev *n)
{
	if (n->bl != NULL)
		return n->bl->mode != BL_ENFORCING;
	return n->pol != NULL && n->pol->learning;
}

/* Members of a device record: its zone and its policy state. */
void
brain_policy_dev_json(struct brain *b, struct jsonw *jw,
    const struct brain_dev *n)
{
	const struct pol_profile *p;

	JSONW_KV_STR(jw, "zone", zones_name(b->zones, brain_dev_zone(b, n)));
	if (b->pol == NULL || (n->d.flags & DEV_F_ROUTER))
		return;
	p = pol_profile_of(b, n);
	JSONW_KEY(jw, "policy");
	jsonw_obj_open(jw);
	/* Our own words are copied (plain), a name from a file escaped. */
	if (p->target == POL_T_DEVICE)
		JSONW_KV_PLAIN(jw, "profile", "device");
	else
		JSONW_KV_STR(jw, "profile", p->name);
	JSONW_KV_STR(jw, "file", p->file);
	JSONW_KV_PLAIN(jw, "mode", p->mode == POL_MODE_OBSERVE ? "observe" :
	    "enforce");
	JSONW_KV_PLAIN(jw, "state", brain_policy_is_learning(n) ?
	    "learning" : "enforcing");
	JSONW_KV_UINT(jw, "alerts", n->pol != NULL ? n->pol->alerts : 0);
	JSONW_KV_UINT(jw, "violations", n->pol != NULL ?
	    n->pol->violations : 0);
	jsonw_obj_close(jw);
}

/* The summary's POLICY column: "enforce 3", "observe", "learning". */
const char *
brain_policy_cell(struct brain *b, const struct brain_dev *n, char *buf,
    size_t len)
{
	const struct pol_profile *p;

	if (b->pol == NULL || (n->d.flags & DEV_F_ROUTER)) {
		strlcpy(buf, "-", len);
		return buf;
	}
	p = pol_profile_of(b, n);
	if (brain_policy_is_learning(n) && !b->pol->strict)
		snprintf(buf, len, "learning");
	else if (p->mode == POL_MODE_OBSERVE)
		snprintf(buf, len, "observe %" PRIu32, n->pol != NULL ?
		    n->pol->violations : 0);
	else
		snprintf(buf, len, "enforce %" PRIu32, n->pol != NULL ?
		    n->pol->alerts : 0);
	return buf;
}

/* ---- persistence of what devices did (policy suggest) ---- */

/*
 * "<prefix>ip/<address>" for a routed device, else
 * "<prefix><mac>/<vlan>".  Put together by hand: snprintf() made the
 * two keys of each device a sixth of a checkpoint of the policy.
 */
#define POL_KEY_MAX	128

/* The part after the prefix, at s (room: 64 bytes); returns its
 * length. */
static size_t
pol_key_suffix(const struct device *d, char *s)
{
	char *p = s;

	if (d->flags & DEV_F_ROUTED) {
		memcpy(p, "ip/", 3);
		dev_ip_format(&d->ip, p + 3, 64 - 3);
		return 3 + strlen(p + 3);
	}
	p = util_put_mac(p, d->mac);
	*p++ = '/';
	p += fmt_uint(p, d->vlan);
	*p = '\0';
	return (size_t)(p - s);
}

static void
pol_key(const char *prefix, const struct device *d, char *buf, size_t len)
{
	char s[POL_KEY_MAX];
	size_t plen = strlen(prefix);

	/* The prefixes are this file's own (POL_SEEN_KEY,
	 * POL_LEARNED_KEY): room for them and the longest address. */
	assert(plen <= 32);
	memcpy(s, prefix, plen);
	(void)pol_key_suffix(d, s + plen);
	strlcpy(buf, s, len);
}

static void
pol_seen_key(const struct device *d, char *buf, size_t len)
{
	pol_key(POL_SEEN_KEY, d, buf, len);
}

/* Both keys of a device, from one suffix; their lengths in len. */
static void
pol_keys(const struct device *d, char seen[POL_KEY_MAX],
    char learned[POL_KEY_MAX], size_t len[2])
{
	char s[64];
	size_t n = pol_key_suffix(d, s);

	len[0] = strlen(POL_SEEN_KEY) + n;
	memcpy(seen, POL_SEEN_KEY, strlen(POL_SEEN_KEY));
	memcpy(seen + strlen(POL_SEEN_KEY), s, n + 1);
	len[1] = strlen(POL_LEARNED_KEY) + n;
	memcpy(learned, POL_LEARNED_KEY, strlen(POL_LEARNED_KEY));
	memcpy(learned + strlen(POL_LEARNED_KEY), s, n + 1);
}

/*
 * The keys and texts to write, one after the other in o, each ended by
 * a NUL; at[i] says where the i-th key and text start and the key's
 * prefix (pol_save_one()).  They are written together, many to a
 * statement (state_meta_set_many()), once all are known: one statement
 * a key was half of the save's time.
 */
struct pol_at {
	size_t		 key, text;
	const char	*prefix;	/* POL_SEEN_KEY or POL_LEARNED_KEY */
};

struct pol_text {
	struct pol_out	 o;
	struct pol_at	*at;
	size_t		 n, cap;
};

/* One profile (or a set) in the state's compact form (policy.h;
 * older versions wrote YAML, still read), to be written under prefix
 * and key (t); not when it is the text saved last (*sum).  Returns 1
 * when it is too large to write, else 0. */
static int
pol_save_one(struct brain *b, struct pol_text *t, const char *prefix,
    const char *key, size_t klen, const struct pol_profile *v, size_t n,
    uint64_t *sum, uint64_t *next)
{
	size_t start = t->o.len, text, len, i;

	policy_out_add(&t->o, key, klen + 1);
	text = t->o.len;
	policy_out_add(&t->o, POL_COMPACT_MAGIC, strlen(POL_COMPACT_MAGIC));
	for (i = 0; i < n; i++)
		policy_compact_put(&t->o, &v[i]);
	len = t->o.len - text;
	/* Its own end. */
	policy_out_add(&t->o, "", 1);
	*next = siphash13(&b->hkey, t->o.p + text, len) | 1;
	if (*next == *sum || len >= b->pol->seen_max) {
		/* Not written: the next one takes its place. */
		t->o.len = start;
		/* Too large: never written, the rest are. */
		return *next == *sum ? 0 : 1;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->at = xreallocarray(t->at, t->cap, sizeof(*t->at));
	}
	t->at[t->n].key = start;
	t->at[t->n].text = text;
	t->at[t->n].prefix = prefix;
	t->n++;
	return 0;
}

/*
 * A key and its text, ordered by key, then as they came: two devices
 * with one key (two routed ones at one address) go in that order, and
 * the later one's text stays, as when each had its own upsert.  The
 * key is compared as its prefix, then the first 16 bytes after it as
 * two numbers (big-endian, 0 past its end: the order of strcmp()),
 * then the rest: the keys of a save share their prefixes, and many
 * MAC addresses their first bytes.
 */
struct pol_kv {
	uint64_t	 k[2];
	const char	*prefix, *key, *text;
	size_t		 i;
};

static void
pol_kv_make(struct pol_kv *kv, const char *prefix, const char *key)
{
	const unsigned char *s = (const unsigned char *)key + strlen(prefix);
	uint64_t k[2] = { 0, 0 };
	size_t j;

	for (j = 0; j < 16 && s[j] != '\0'; j++)
		k[j / 8] |= (uint64_t)s[j] << (8 * (7 - j % 8));
	kv->k[0] = k[0];
	kv->k[1] = k[1];
	kv->prefix = prefix;
	kv->key = key;
}

static int
pol_kv_cmp(const void *x, const void *y)
{
	const struct pol_kv *a = x, *b = y;
	int c;

	/* Prefixes that differ settle it (neither is the other's start);
	 * compared as text: C does not promise one address per literal. */
	if (a->prefix != b->prefix && (c = strcmp(a->prefix, b->prefix)) != 0)
		return c;
	if (a->k[0] != b->k[0])
		return a->k[0] < b->k[0] ? -1 : 1;
	if (a->k[1] != b->k[1])
		return a->k[1] < b->k[1] ? -1 : 1;
	if ((c = strcmp(a->key, b->key)) != 0)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Every key and text of t into the state (a transaction is open), in
 * key order: each row then goes beside the one before it in the
 * table's b-tree, a third cheaper than in the devices' order. */
static int
pol_save_texts(struct brain *b, struct pol_text *t)
{
	struct pol_kv *kv;
	const char **v;
	size_t i;
	int rc;

	if (t->n == 0)
		return 0;
	kv = xreallocarray(NULL, t->n, sizeof(*kv));
	for (i = 0; i < t->n; i++) {
		pol_kv_make(&kv[i], t->at[i].prefix, t->o.p + t->at[i].key);
		kv[i].text = t->o.p + t->at[i].text;
		kv[i].i = i;
	}
	qsort(kv, t->n, sizeof(*kv), pol_kv_cmp);
	v = xreallocarray(NULL, 2 * t->n, sizeof(*v));
	for (i = 0; i < t->n; i++) {
		v[i] = kv[i].key;
		v[t->n + i] = kv[i].text;
	}
	rc = state_meta_set_many(b->state, v, v + t->n, t->n);
	free(v);
	free(kv);
	/* Written: the buffer starts again for the next ones. */
	t->n = 0;
	t->o.len = 0;
	return rc != 0 ? -1 : 0;
}

/*
 * Every device whose learned or seen sets changed, in one transaction
 * (a commit per device made the checkpoint of a busy inventory most of
 * the brain's time).  On an error nothing is marked saved: the next
 * checkpoint tries again.
 */
void
brain_policy_save(struct brain *b)
{
	char key[POL_KEY_MAX], key2[POL_KEY_MAX];
	struct pol_profile ln;
	struct pol_text t;
	struct brain_dev **done;
	uint64_t (*sums)[2];
	size_t i, ndone = 0, klen[2];
	int rc = 0, r1, r2;

	if (b->pol == NULL || b->state == NULL)
		return;
	while (b->pol->ngone > 0) {
		if (state_meta_delete(b->state, b->pol->gone[b->pol->ngone -
		    1]) != 0)
			break;		/* tried again at the next save */
		free(b->pol->gone[--b->pol->ngone]);
	}
	for (i = 0; i < b->ndevs; i++) {
		struct pol_dev *pd = b->devs[i]->pol;

		if (pd != NULL && pd->seen_dirty && !b->devs[i]->merged &&
		    !b->devs[i]->evicted)
			break;
	}
	if (i == b->ndevs)
		return;
	memset(&t, 0, sizeof(t));
	if (state_begin(b->state) == -1)
		return;		/* tried again at the next save */
	done = xreallocarray(NULL, b->ndevs, sizeof(*done));
	sums = xreallocarray(NULL, b->ndevs, sizeof(*sums));
	for (; i < b->ndevs && rc == 0; i++) {
		struct brain_dev *n = b->devs[i];
		struct pol_dev *pd = n->pol;

		if (pd == NULL || !pd->seen_dirty || n->merged || n->evicted)
			continue;
		pol_keys(&n->d, key, key2, klen);
		/* The learned set under the device's class, to load again. */
		ln = pd->learned;
		ln.target = POL_T_CLASS;
		strlcpy(ln.name, pol_dev_class(n), sizeof(ln.name));
		r1 = pol_save_one(b, &t, POL_SEEN_KEY, key, klen[0], pd->seen,
		    pd->nseen, &pd->saved_sum[0], &sums[ndone][0]);
		r2 = pol_save_one(b, &t, POL_LEARNED_KEY, key2, klen[1], &ln,
		    1, &pd->saved_sum[1], &sums[ndone][1]);
		/* A set over POL_SEEN_MAX stays as last saved (said once);
		 * it must not keep every other device's from the state. */
		if ((r1 == 1 || r2 == 1) && !pd->too_large) {
			pd->too_large = true;
			log_warnx("policy: what %s did is over %zu bytes: "
			    "saved no further", key, b->pol->seen_max);
		}
		if (r1 == 1)
			sums[ndone][0] = pd->saved_sum[0];
		if (r2 == 1)
			sums[ndone][1] = pd->saved_sum[1];
		done[ndone++] = n;
		/* What waits is written when it passes save_chunk, so that
		 * a save of every device of a first run holds a few MiB,
		 * not every device's texts (each up to seen_max). */
		if (t.o.len >= b->pol->save_chunk)
			rc = pol_save_texts(b, &t);
	}
	if (rc == 0)
		rc = pol_save_texts(b, &t);
	if (rc == 0 && state_commit(b->state) == 0)
		for (i = 0; i < ndone; i++) {
			struct pol_dev *pd = done[i]->pol;

			/* Written: no longer to be deleted (a delete that
			 * failed above is tried again at the next save). */
			if (b->pol->ngone > 0) {
				pol_keys(&done[i]->d, key, key2, klen);
				pol_gone_keep(b->pol, key);
				pol_gone_keep(b->pol, key2);
			}
			pd->seen_dirty = false;
			pd->in_state = true;
			pd->saved_sum[0] = sums[i][0];
			pd->saved_sum[1] = sums[i][1];
		}
	else if (rc != 0)
		state_rollback(b->state);
	free(t.o.p);
	free(t.at);
	free(done);
	free(sums);
}

/*
 * A device leaves the inventory (evicted, or merged into another), or
 * its key changes (brain_policy_rekey()).  Past POL_GONE_MAX keys
 * waiting (the state refusing deletes during a flood) the rest stay.
 */
void
brain_policy_forget(struct brain *b, struct brain_dev *n)
{
	char key[POL_KEY_MAX];
	int k;

	if (b->pol == NULL || n->pol == NULL || !n->pol->in_state)
		return;
	for (k = 0; k < 2 && b->pol->ngone < POL_GONE_MAX; k++) {
		pol_key(k ? POL_LEARNED_KEY : POL_SEEN_KEY, &n->d, key,
		    sizeof(key));
		b->pol->gone = xreallocarray(b->pol->gone, b->pol->ngone + 1,
		    sizeof(*b->pol->gone));
		b->pol->gone[b->pol->ngone++] = xstrdup(key);
	}
	n->pol->in_state = false;
}

/* Before a device's VLAN changes in place: saved again under its new
 * key, the old one deleted. */
void
brain_policy_rekey(struct brain *b, struct brain_dev *n)
{
	if (b->pol == NULL || n->pol == NULL)
		return;
	brain_policy_forget(b, n);
	n->pol->seen_dirty = true;
	/* Written under the new key even where the text is the same. */
	n->pol->saved_sum[0] = n->pol->saved_sum[1] = 0;
}

/* A key written again is no longer to be deleted. */
static void
pol_gone_keep(struct brain_pol *bp, const char *key)
{
	size_t i;

	for (i = 0; i < bp->ngone; i++)
		if (strcmp(bp->gone[i], key) == 0) {
			free(bp->gone[i]);
			bp->gone[i--] = bp->gone[--bp->ngone];
		}
}

int
brain_policy_reset(struct state *st, const struct device *d)
{
	char key[128];
	int k;

	for (k = 0; k < 2; k++) {
		if (d == NULL) {
			if (state_meta_delete_prefix(st, k ? POL_LEARNED_KEY :
			    POL_SEEN_KEY) != 0)
				return -1;
			continue;
		}
		pol_key(k ? POL_LEARNED_KEY : POL_SEEN_KEY, d, key,
		    sizeof(key));
		if (state_meta_delete(st, key) != 0)
			return -1;
	}
	return 0;
}

/* A saved set: one profile per class the device had, in either form
 * (the compact one, or the YAML of older versions). */
static struct policy *
pol_seen_parse(const char *text, size_t len)
{
	struct policy *pol = brain_policy_new();

	if (policy_load_saved(pol, "state", text, len, NULL) != 0) {
		policy_free(pol);
		return NULL;
	}
	return pol;
}

/* Loading: every device's keys, sorted, to find the rows' devices. */
struct pol_load_key {
	char		 key[128];
	struct brain_dev *n;
};

struct pol_loading {
	struct brain	*b;
	struct pol_load_key *keys;
	size_t		 nkeys;
	bool		 learned;	/* these rows: learned, else seen */
	/* Each set is read into it, then it is cleared: a policy made
	 * for each was a third of reading them. */
	struct policy	*pol;
};

static int
pol_load_key_cmp(const void *x, const void *y)
{
	return strcmp(((const struct pol_load_key *)x)->key,
	    ((const struct pol_load_key *)y)->key);
}

/* One saved set into the device it belongs to. */
static void
pol_load_set(struct brain *b, struct brain_dev *n, bool learned,
    const char *text, size_t len, struct policy *pol)
{
	struct pol_dev *pd;
	bool compact;
	size_t k;

	if (len >= POL_SEEN_MAX)
		return;
	if (policy_load_saved(pol, "state", text, len, NULL) != 0) {
		policy_clear(pol);
		return;
	}
	pd = pol_dev(n);
	compact = len >= strlen(POL_COMPACT_MAGIC) && memcmp(text,
	    POL_COMPACT_MAGIC, strlen(POL_COMPACT_MAGIC)) == 0;
	if (learned) {
		if (policy_count(pol) == 1)
			policy_profile_merge(&pd->learned, policy_at(pol, 0));
		pol_reported(pd);
	} else
		for (k = 0; k < policy_count(pol); k++)
			policy_profile_merge(pol_seen(pd,
			    policy_at(pol, k)->name), policy_at(pol, k));
	/* The text as stored: not written again while it is the same;
	 * a set in the old form is written again in the new one. */
	if (compact)
		pd->saved_sum[learned] = siphash13(&b->hkey, text, len) | 1;
	else
		pd->seen_dirty = true;
	pd->in_state = true;
	policy_clear(pol);
}

static int
pol_load_row(void *arg, const char *key, const char *value, size_t len)
{
	struct pol_loading *l = arg;
	struct pol_load_key k, *hit;

	if (strlcpy(k.key, key, sizeof(k.key)) >= sizeof(k.key) ||
	    (hit = bsearch(&k, l->keys, l->nkeys, sizeof(*l->keys),
	    pol_load_key_cmp)) == NULL)
		return 0;	/* a device no longer in the inventory */
	/* Devices with the same key (there should be none) each get it. */
	while (hit > l->keys && strcmp(hit[-1].key, key) == 0)
		hit--;
	for (; hit < l->keys + l->nkeys && strcmp(hit->key, key) == 0; hit++)
		pol_load_set(l->b, hit->n, l->learned, value, len, l->pol);
	return 0;
}

/*
 * What every device learned and did, read in two queries (a query per
 * device and YAML were most of a continued run's start at hospital
 * scale).
 */
void
brain_policy_load(struct brain *b)
{
	struct pol_loading l;
	size_t i;
	int k;

	if (b->pol == NULL || b->state == NULL || b->ndevs == 0)
		return;
	l.b = b;
	l.pol = brain_policy_new();
	l.keys = xreallocarray(NULL, b->ndevs, sizeof(*l.keys));
	for (k = 0; k < 2; k++) {
		l.learned = k == 0;
		l.nkeys = 0;
		for (i = 0; i < b->ndevs; i++) {
			pol_key(l.learned ? POL_LEARNED_KEY : POL_SEEN_KEY,
			    &b->devs[i]->d, l.keys[l.nkeys].key,
			    sizeof(l.keys[l.nkeys].key));
			l.keys[l.nkeys++].n = b->devs[i];
		}
		qsort(l.keys, l.nkeys, sizeof(*l.keys), pol_load_key_cmp);
		if (state_meta_each(b->state, l.learned ? POL_LEARNED_KEY :
		    POL_SEEN_KEY, pol_load_row, &l) != 0)
			log_warnx("%s", state_errmsg(b->state));
	}
	policy_free(l.pol);
	free(l.keys);
}

/* ---- wardwatch policy suggest ---- */

struct pol_suggest {
	struct state	*st;
	const char	*class;		/* NULL: any */
	bool		 has_mac;
	uint8_t		 mac[6];
	struct pol_profile *v;		/* one per class or the device */
	size_t		 n;
	char		*buf;
	size_t		 ndevs;
};

static int
pol_suggest_cb(void *arg, const struct device *d)
{
	struct pol_suggest *s = arg;
	const struct dev_value *cv = dev_best(d, DEV_A_CLASS);
	const char *cls = cv != NULL ? cv->value : "unknown";
	const struct pol_profile *seen;
	struct pol_profile *p;
	struct policy *pol;
	char key[128], mac[24];
	const char *name;
	size_t i, k;

	if (s->has_mac && ((d->flags & DEV_F_ROUTED) ||
	    memcmp(d->mac, s->mac, 6) != 0))
		return 0;
	pol_seen_key(d, key, sizeof(key));
	if (state_meta_get(s->st, key, s->buf, POL_SEEN_MAX) != 0)
		s->buf[0] = '\0';
	if (s->has_mac || (s->class != NULL ? strcmp(s->class, cls) == 0 :
	    true))
		s->ndevs++;
	if ((pol = pol_seen_parse(s->buf, strlen(s->buf))) == NULL)
		return 0;
	if (s->has_mac)
		dev_mac_format(d->mac, mac, sizeof(mac));
	/*
	 * A device's own profile (everything it did), or one per class:
	 * what each device did while it had that class, so that reading
	 * the traffic again judges every flow by a profile that has it.
	 */
	for (k = 0; k < policy_count(pol); k++) {
		seen = policy_at(pol, k);
		name = s->has_mac ? mac : seen->name;
		if (s->class != NULL && !s->has_mac &&
		    strcmp(s->class, name) != 0)
			continue;
		for (i = 0; i < s->n; i++)
			if (strcmp(s->v[i].name, name) == 0)
				break;
		if (i == s->n) {
			s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
			p = &s->v[s->n++];
			policy_profile_init(p, s->has_mac ? POL_T_DEVICE :
			    POL_T_CLASS, name);
		}
		policy_profile_merge(&s->v[i], seen);
	}
	policy_free(pol);
	return 0;
}

int
brain_policy_suggest(const char *path, const char *mac, const char *class,
    FILE *out, FILE *err)
{
	struct pol_suggest s;
	struct pol_profile *p;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	if (mac != NULL) {
		char y[64];
		struct policy *pol = policy_new();

		/* The policy loader's MAC syntax. */
		snprintf(y, sizeof(y), "device: %s\n", mac);
		if (policy_load_buffer(pol, "--device", y, strlen(y), NULL) !=
		    0 || policy_count(pol) != 1) {
			fprintf(err, "wardwatch: --device %s: not a MAC "
			    "address\n", mac);
			policy_free(pol);
			return 1;
		}
		memcpy(s.mac, policy_at(pol, 0)->mac, 6);
		policy_free(pol);
		s.has_mac = true;
	}
	if (class != NULL && fp_class_lookup(class) < 0) {
		fprintf(err, "wardwatch: --class %s: no such device class\n",
		    class);
		return 1;
	}
	s.class = class;
	if ((s.st = state_open_readonly(path, err)) == NULL)
		return 2;
	s.buf = xcalloc(1, POL_SEEN_MAX);
	if (state_load_devices(s.st, pol_suggest_cb, &s) != 0) {
		fprintf(err, "wardwatch: %s\n", state_errmsg(s.st));
		rc = 2;
		goto out;
	}
	if (s.ndevs == 0) {
		fprintf(err, "wardwatch: %s: no device%s%s%s\n", path,
		    mac != NULL ? " " : "", mac != NULL ? mac : class != NULL ?
		    " of class " : "", mac == NULL && class != NULL ? class :
		    "");
		rc = 1;
		goto out;
	}
	fprintf(out, "# wardwatch policy suggest: what %zu device%s did "
	    "(%s).\n# Review, then add to policy.files "
	    "(wardwatch-policy(5)).\nprofiles:\n", s.ndevs, s.ndevs == 1 ?
	    "" : "s", path);
	for (i = 0; i < s.n; i++) {
		p = &s.v[i];
		/* Room above what was seen: a window is never the busiest. */
		if (p->max_fanout > 0)
			p->max_fanout += p->max_fanout / 2 + 2;
		/* Devices not identified yet stay observed, as shipped. */
		p->mode = p->target == POL_T_CLASS &&
		    strcmp(p->name, "unknown") == 0 ? POL_MODE_OBSERVE :
		    POL_MODE_ENFORCE;
		policy_write_yaml(out, p);
	}
 out:
	for (i = 0; i < s.n; i++)
		policy_profile_clear(&s.v[i]);
	free(s.v);
	free(s.buf);
	state_close(s.st);
	return rc;
}

static void
policy_usage(FILE *fp)
{
	fprintf(fp, "usage: wardwatch policy suggest --state db "
	    "[--device mac | --class name]\n");
}

/* wardwatch policy suggest --state DB [--device MAC | --class NAME] */
int
policy_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "class",	required_argument,	NULL,	'C' },
		{ "device",	required_argument,	NULL,	'd' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "state",	required_argument,	NULL,	's' },
		{ NULL,		0,			NULL,	0 }
	};
	const char *path = NULL, *mac = NULL, *class = NULL;
	struct stat sb;
	int ch;

	if (argc < 2 || strcmp(argv[1], "suggest") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			policy_usage(stdout);
			return 0;
		}
		fprintf(stderr, "wardwatch policy: %s%s%s\n", argc < 2 ?
		    "a command is required (suggest)" : "unknown command \"",
		    argc < 2 ? "" : util_safe_str(argv[1]), argc < 2 ? "" :
		    "\" (commands: suggest)");
		policy_usage(stderr);
		return 1;
	}
	argc--;
	argv++;
	/* glibc: 0 restarts the scan, as main() may have used getopt. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			class = optarg;
			break;
		case 'd':
			mac = optarg;
			break;
		case 'h':
			policy_usage(stdout);
			return 0;
		case 's':
			path = optarg;
			break;
		default:
			policy_usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wardwatch policy suggest: unexpected argument "
		    "\"%s\"\n", util_safe_str(argv[optind]));
		policy_usage(stderr);
		return 1;
	}
	if (path == NULL || (mac != NULL && class != NULL)) {
		fprintf(stderr, "wardwatch policy suggest: %s\n", path == NULL ?
		    "--state is required" : "--device and --class exclude "
		    "each other");
		policy_usage(stderr);
		return 1;
	}
	if (stat(path, &sb) == -1) {
		fprintf(stderr, "%s: %s\n", path, errno == ENOENT ?
		    "no such inventory" : strerror(errno));
		return errno == ENOENT ? 1 : 2;
	}
	return brain_policy_suggest(path, mac, class, stdout, stderr);
}
