/*
 * policy.c - zero-trust profiles: loading, finding, judging, writing.
 *
 * A file is one profile (a mapping with class, device or fingerprint)
 * or a mapping with "profiles", a list of them; wardwatch-policy(5) is
 * the schema.  cfgyaml.c parses the text into a tree with a line and a
 * column on every node, and every problem is reported there; loading
 * goes on, so that -T shows every error at once.  Profiles keep the
 * line of every key, so an alert can say which rule was broken.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy.h"
#include "util/cfgyaml.h"
#include "util/fmt.h"
#include "util/util.h"

#define POL_MAX_DEPTH		8
#define POL_MAX_NODES		100000

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct policy {
	struct pol_profile **v;
	size_t		 n, cap;
	char		**files;	/* names profiles point to */
	size_t		 nfiles;
	enum pol_set_mode mode;
	const char *const *classes;
	size_t		 nclasses;
	const char *const *apps;
	size_t		 napps;
	struct pol_profile deny, observe;	/* the defaults */
	/*
	 * Fingerprint and class profiles by target and name, for
	 * policy_find() (asked for both ends of every event): open
	 * addressing, a power of two at least twice as large as what it
	 * holds; NULL slots are empty.  Device profiles are few: walked.
	 */
	struct pol_profile **idx;
	size_t		 idx_size, idx_n, ndevice;
};

/* Medical classes: denied all that no profile allows. */
static const char *const pol_medical[] = {
	"infusion-pump", "patient-monitor", "ventilator", "dialysis",
	"imaging-modality",
	"imaging-workstation", "ultrasound", "lab-analyzer",
	"medical-gateway", "interface-engine", "pacs", "nurse-call",
};

/* DIMSE commands (PS3.7 9 and 10), as the DICOM parser names them. */
static const char *const pol_dimse[] = {
	"C-STORE", "C-GET", "C-FIND", "C-MOVE", "C-ECHO", "C-CANCEL",
	"N-EVENT-REPORT", "N-GET", "N-SET", "N-ACTION", "N-CREATE",
	"N-DELETE",
};

static const struct {
	const char	*name, *signature, *category;
} pol_sids[POL_SID_MAX] = {
	[POL_OK] = { "ok", "", "" },
	[POL_SID_CONNECTION] = { "connection",
	    "WARDWATCH policy: connection not allowed for the device class",
	    "Policy Violation" },
	[POL_SID_INTERNET] = { "internet",
	    "WARDWATCH policy: device talks to the internet",
	    "Policy Violation: Internet" },
	[POL_SID_CLEARTEXT] = { "cleartext-login",
	    "WARDWATCH policy: cleartext login",
	    "Policy Violation: Cleartext Login" },
	[POL_SID_HL7] = { "hl7",
	    "WARDWATCH policy: HL7 message type not allowed",
	    "Policy Violation: HL7" },
	[POL_SID_DICOM] = { "dicom",
	    "WARDWATCH policy: DICOM command or AE title not allowed",
	    "Policy Violation: DICOM" },
	[POL_SID_FANOUT] = { "fan-out",
	    "WARDWATCH policy: device reaches more peers than allowed",
	    "Policy Violation: Fan-out" },
};

const char *
policy_sid_signature(enum pol_sid s)
{
	return (unsigned)s < POL_SID_MAX ? pol_sids[s].signature : "";
}

const char *
policy_sid_category(enum pol_sid s)
{
	return (unsigned)s < POL_SID_MAX ? pol_sids[s].category : "";
}

const char *
policy_sid_name(enum pol_sid s)
{
	return (unsigned)s < POL_SID_MAX ? pol_sids[s].name : "";
}

bool
policy_class_medical(const char *class)
{
	size_t i;

	for (i = 0; class != NULL && i < nitems(pol_medical); i++)
		if (strcmp(pol_medical[i], class) == 0)
			return true;
	return false;
}

void
policy_profile_init(struct pol_profile *p, enum pol_target t,
    const char *name)
{
	memset(p, 0, sizeof(*p));
	p->target = (uint8_t)t;
	if (name != NULL)
		strlcpy(p->name, name, sizeof(p->name));
	p->file = POL_DEFAULT_FILE;
	p->fanout_window = POL_DEFAULT_FANOUT_WINDOW;
}

static void
names_free(struct pol_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->h);
	memset(l, 0, sizeof(*l));
}

void
policy_profile_clear(struct pol_profile *p)
{
	free(p->initiate.v);
	free(p->accept.v);
	names_free(&p->hl7_send);
	names_free(&p->hl7_receive);
	names_free(&p->dicom_scu);
	names_free(&p->dicom_scp);
	names_free(&p->dicom_ae);
	names_free(&p->countries);
	policy_profile_init(p, (enum pol_target)p->target, p->name);
}

struct policy *
policy_new(void)
{
	struct policy *pol = xcalloc(1, sizeof(*pol));

	policy_profile_init(&pol->deny, POL_T_CLASS, "medical-default");
	policy_profile_init(&pol->observe, POL_T_CLASS, "default");
	pol->observe.mode = POL_MODE_OBSERVE;
	pol->observe.internet = true;
	pol->observe.cleartext_logins = true;
	return pol;
}

void
policy_free(struct policy *pol)
{
	size_t i;

	if (pol == NULL)
		return;
	for (i = 0; i < pol->n; i++) {
		policy_profile_clear(pol->v[i]);
		free(pol->v[i]);
	}
	for (i = 0; i < pol->nfiles; i++)
		free(pol->files[i]);
	free(pol->files);
	free(pol->v);
	free(pol->idx);
	free(pol);
}

void
policy_clear(struct policy *pol)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		policy_profile_clear(pol->v[i]);
		free(pol->v[i]);
	}
	pol->n = 0;
	for (i = 0; i < pol->nfiles; i++)
		free(pol->files[i]);
	pol->nfiles = 0;
	if (pol->idx != NULL)
		memset(pol->idx, 0, pol->idx_size * sizeof(*pol->idx));
	pol->idx_n = 0;
	pol->ndevice = 0;
}

void
policy_set_mode(struct policy *pol, enum pol_set_mode m)
{
	pol->mode = m;
}

enum pol_set_mode
policy_mode(const struct policy *pol)
{
	return pol->mode;
}

void
policy_set_classes(struct policy *pol, const char *const *v, size_t n)
{
	pol->classes = v;
	pol->nclasses = n;
}

void
policy_set_apps(struct policy *pol, const char *const *v, size_t n)
{
	pol->apps = v;
	pol->napps = n;
}

size_t
policy_count(const struct policy *pol)
{
	return pol->n;
}

const struct pol_profile *
policy_at(const struct policy *pol, size_t i)
{
	return i < pol->n ? pol->v[i] : NULL;
}

static const char *
policy_intern(struct policy *pol, const char *name)
{
	size_t i;

	for (i = 0; i < pol->nfiles; i++)
		if (strcmp(pol->files[i], name) == 0)
			return pol->files[i];
	pol->files = xreallocarray(pol->files, pol->nfiles + 1,
	    sizeof(*pol->files));
	pol->files[pol->nfiles] = xstrdup(name);
	return pol->files[pol->nfiles++];
}

static size_t
pol_idx_slot(const struct policy *pol, unsigned target, const char *name)
{
	size_t mask = pol->idx_size - 1, i;

	i = (policy_name_hash(name) + target * 0x9e3779b9u) & mask;
	while (pol->idx[i] != NULL && (pol->idx[i]->target != target ||
	    strcmp(pol->idx[i]->name, name) != 0))
		i = (i + 1) & mask;
	return i;
}

static const struct pol_profile *
pol_idx_get(const struct policy *pol, unsigned target, const char *name)
{
	if (pol->idx_n == 0)
		return NULL;
	return pol->idx[pol_idx_slot(pol, target, name)];
}

/* Index p, or put it in the place of the profile of its name. */
static void
pol_idx_put(struct policy *pol, struct pol_profile *p)
{
	struct pol_profile **old = pol->idx;
	size_t i, n = pol->idx_size;

	if (p->target == POL_T_DEVICE) {
		pol->ndevice++;
		return;
	}
	if ((pol->idx_n + 1) * 2 > pol->idx_size) {
		pol->idx_size = n != 0 ? n * 2 : 64;
		pol->idx = xcalloc(pol->idx_size, sizeof(*pol->idx));
		for (i = 0; i < n; i++)
			if (old[i] != NULL)
				pol->idx[pol_idx_slot(pol, old[i]->target,
				    old[i]->name)] = old[i];
		free(old);
	}
	i = pol_idx_slot(pol, p->target, p->name);
	if (pol->idx[i] == NULL)
		pol->idx_n++;
	pol->idx[i] = p;
}

/* A later profile for the same target replaces the earlier one. */
static void
policy_add(struct policy *pol, struct pol_profile *p)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		struct pol_profile *o = pol->v[i];

		if (o->target != p->target)
			continue;
		if (p->target == POL_T_DEVICE ? memcmp(o->mac, p->mac, 6) == 0 :
		    strcmp(o->name, p->name) == 0) {
			if (p->target != POL_T_DEVICE)
				pol_idx_put(pol, p);
			policy_profile_clear(o);
			free(o);
			pol->v[i] = p;
			return;
		}
	}
	if (pol->n == pol->cap) {
		pol->cap = pol->cap ? pol->cap * 2 : 32;
		pol->v = xreallocarray(pol->v, pol->cap, sizeof(*pol->v));
	}
	pol->v[pol->n++] = p;
	pol_idx_put(pol, p);
}

const struct pol_profile *
policy_find(const struct policy *pol, const uint8_t mac[6], const char *rule,
    const char *class)
{
	const struct pol_profile *byrule = NULL, *byclass = NULL;
	size_t i;

	/* A name has one profile per target (policy_add()): the index
	 * finds it; devices come first and are walked. */
	for (i = 0; mac != NULL && pol->ndevice > 0 && i < pol->n; i++) {
		const struct pol_profile *p = pol->v[i];

		if (p->target == POL_T_DEVICE && memcmp(p->mac, mac, 6) == 0)
			return p;
	}
	if (rule != NULL)
		byrule = pol_idx_get(pol, POL_T_FINGERPRINT, rule);
	if (class != NULL && byrule == NULL)
		byclass = pol_idx_get(pol, POL_T_CLASS, class);
	if (byrule != NULL)
		return byrule;
	if (byclass != NULL)
		return byclass;
	return policy_class_medical(class) ? &pol->deny : &pol->observe;
}

/* A verdict says nothing yet: its fields, not the bytes of expected
 * (every judgment of every event starts here). */
static void
pol_verdict_clear(struct pol_verdict *v)
{
	v->sid = POL_OK;
	v->p = NULL;
	v->line = 0;
	v->expected[0] = '\0';
	v->x_what = NULL;
	v->x_a = v->x_b = NULL;
	v->x_na = v->x_nb = NULL;
}

/* ---- loading ---- */

struct pol_load {
	struct policy	*pol;
	struct cfgyaml	*y;
	const char	*file;
};

static bool
pol_key_is(const struct cfgyaml_node *k, const char *s)
{
	return k->kind == CFGYAML_SCALAR && strlen(k->str) == k->len &&
	    strcmp(k->str, s) == 0;
}

/* A plain name of at most POL_NAME_MAX - 1 bytes, or NULL (reported). */
static const char *
pol_name(struct pol_load *l, const struct cfgyaml_node *v, const char *what)
{
	char show[CFGYAML_SHOWBUF];
	size_t i;

	if (v->kind == CFGYAML_BAD)
		return NULL;
	if (v->kind != CFGYAML_SCALAR || cfgyaml_is_null(v) || v->len == 0 ||
	    strlen(v->str) != v->len) {
		cfgyaml_error(l->y, v, "%s: expected a name, got %s", what,
		    cfgyaml_describe(v, show, sizeof(show)));
		return NULL;
	}
	if (v->len >= POL_NAME_MAX) {
		cfgyaml_error(l->y, v, "%s: name longer than %d bytes", what,
		    POL_NAME_MAX - 1);
		return NULL;
	}
	for (i = 0; i < v->len; i++)
		if (!isprint((unsigned char)v->str[i]) || v->str[i] == '\\') {
			cfgyaml_error(l->y, v, "%s: bad character in %s", what,
			    cfgyaml_describe(v, show, sizeof(show)));
			return NULL;
		}
	return v->str;
}

static bool
pol_known(const char *const *v, size_t n, const char *s)
{
	size_t i;

	if (v == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static const char *
pol_class(struct pol_load *l, const struct cfgyaml_node *v, const char *what)
{
	const char *s = pol_name(l, v, what);

	if (s != NULL && !pol_known(l->pol->classes, l->pol->nclasses, s)) {
		cfgyaml_error(l->y, v, "%s: unknown device class \"%s\"", what,
		    s);
		return NULL;
	}
	return s;
}

/* A scalar or a list of scalars: the nodes, in v (at most max). */
static size_t
pol_items(struct pol_load *l, const struct cfgyaml_node *v, const char *what,
    const struct cfgyaml_node **out, size_t max)
{
	size_t i;

	if (v->kind == CFGYAML_SCALAR) {
		out[0] = v;
		return 1;
	}
	if (v->kind != CFGYAML_SEQ) {
		if (v->kind != CFGYAML_BAD)
			cfgyaml_error(l->y, v, "%s: expected a name or a list, "
			    "got a mapping", what);
		return 0;
	}
	if (v->nkids == 0) {
		cfgyaml_error(l->y, v, "%s: empty list", what);
		return 0;
	}
	if (v->nkids > max) {
		cfgyaml_error(l->y, v, "%s: more than %zu items", what, max);
		return 0;
	}
	for (i = 0; i < v->nkids; i++)
		out[i] = v->kids[i];
	return v->nkids;
}

/* "53", "1024-65535", "any": a port range (0-65535 for any). */
static int
pol_port(struct pol_load *l, const struct cfgyaml_node *v, uint16_t *lo,
    uint16_t *hi)
{
	char show[CFGYAML_SHOWBUF], *end;
	unsigned long a, b;
	const char *s;

	if (v->kind != CFGYAML_SCALAR || strlen(v->str) != v->len ||
	    v->len == 0)
		goto bad;
	s = v->str;
	if (strcmp(s, "any") == 0) {
		*lo = 0;
		*hi = 65535;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			goto bad;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0')
		goto bad;
	if (a == 0 || a > 65535 || b > 65535 || b < a) {
		cfgyaml_error(l->y, v, "port: %s is not a port or range in "
		    "1-65535", cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
 bad:
	if (v->kind != CFGYAML_BAD)
		cfgyaml_error(l->y, v, "port: expected a port, a range "
		    "(1024-65535) or any, got %s", cfgyaml_describe(v, show,
		    sizeof(show)));
	return -1;
}

/* Room for n entries: the next power of two, so that learning a list
 * entry by entry copies it log(n) times, not n. */
static size_t
pol_list_room(size_t n)
{
	size_t r = 1;

	while (r < n)
		r <<= 1;
	return n == 0 ? 0 : r;
}

static void
pol_list_add(struct pol_list *l, const struct pol_entry *e)
{
	if (pol_list_room(l->n + 1) != pol_list_room(l->n))
		l->v = xreallocarray(l->v, pol_list_room(l->n + 1),
		    sizeof(*l->v));
	l->v[l->n++] = *e;
}

#define POL_ENTRY_ITEMS	32

/* One allow-list entry: { zone, class, proto, port, app }. */
static void
pol_load_entry(struct pol_load *l, const char *what,
    const struct cfgyaml_node *m, struct pol_list *list)
{
	const struct cfgyaml_node *zones[POL_ENTRY_ITEMS];
	const struct cfgyaml_node *classes[POL_ENTRY_ITEMS];
	const struct cfgyaml_node *ports[POL_ENTRY_ITEMS];
	const struct cfgyaml_node *k, *v, *seen[5] = { NULL };
	static const char *const keys[] = {
		"zone", "class", "proto", "port", "app"
	};
	char show[CFGYAML_SHOWBUF];
	struct pol_entry e;
	size_t nz = 0, nc = 0, np = 0, i, j, a, b, c;
	uint16_t lo[POL_ENTRY_ITEMS], hi[POL_ENTRY_ITEMS];
	int errs = l->y->nerrors;
	bool bad = false;	/* a node already reported (alias, tag) */
	const char *s;

	if (m->kind == CFGYAML_BAD)
		return;
	if (m->kind != CFGYAML_MAP) {
		cfgyaml_error(l->y, m, "%s: expected an entry ({ zone, class, "
		    "proto, port, app }), got %s", what,
		    cfgyaml_describe(m, show, sizeof(show)));
		return;
	}
	memset(&e, 0, sizeof(e));
	e.line = (uint32_t)m->line;
	e.port_hi = 65535;
	for (i = 0; i + 1 < m->nkids; i += 2) {
		k = m->kids[i];
		v = m->kids[i + 1];
		for (j = 0; j < nitems(keys); j++)
			if (pol_key_is(k, keys[j]))
				break;
		if (j == nitems(keys)) {
			if (k->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, k, "%s: unknown key %s "
				    "(expected zone, class, proto, port or "
				    "app)", what, cfgyaml_describe(k, show,
				    sizeof(show)));
			continue;
		}
		if (seen[j] != NULL) {
			cfgyaml_error(l->y, k, "%s: duplicate key \"%s\"",
			    what, keys[j]);
			continue;
		}
		seen[j] = k;
		switch (j) {
		case 0:
			nz = pol_items(l, v, "zone", zones, POL_ENTRY_ITEMS);
			bad |= nz == 0;
			for (a = 0; a < nz; a++)
				bad |= pol_name(l, zones[a], "zone") == NULL;
			break;
		case 1:
			nc = pol_items(l, v, "class", classes,
			    POL_ENTRY_ITEMS);
			bad |= nc == 0;
			for (a = 0; a < nc; a++)
				bad |= pol_class(l, classes[a], "class") ==
				    NULL;
			break;
		case 2:
			if (pol_key_is(v, "tcp"))
				e.proto = 6;
			else if (pol_key_is(v, "udp"))
				e.proto = 17;
			else if (pol_key_is(v, "icmp"))
				e.proto = 1;
			else if (pol_key_is(v, "any"))
				e.proto = 0;
			else if (v->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, v, "proto: expected tcp, "
				    "udp, icmp or any, got %s",
				    cfgyaml_describe(v, show, sizeof(show)));
			break;
		case 3:
			np = pol_items(l, v, "port", ports, POL_ENTRY_ITEMS);
			bad |= np == 0;
			for (a = 0; a < np; a++)
				bad |= pol_port(l, ports[a], &lo[a], &hi[a]) ==
				    -1;
			break;
		case 4:
			if ((s = pol_name(l, v, "app")) == NULL) {
				bad = true;
				break;
			}
			if (!pol_known(l->pol->apps, l->pol->napps, s)) {
				cfgyaml_error(l->y, v, "app: unknown "
				    "application protocol \"%s\"", s);
				break;
			}
			strlcpy(e.app, s, sizeof(e.app));
			break;
		}
	}
	if (np > 0 && e.proto != 6 && e.proto != 17)
		cfgyaml_error(l->y, seen[3], "%s: a port needs proto tcp or "
		    "udp", what);
	if (bad || l->y->nerrors != errs)
		return;
	/* Every combination of the lists: one entry each. */
	for (a = 0; a < (nz ? nz : 1); a++)
		for (b = 0; b < (nc ? nc : 1); b++)
			for (c = 0; c < (np ? np : 1); c++) {
				if (list->n >= POL_MAX_ENTRIES) {
					cfgyaml_error(l->y, m, "%s: more than "
					    "%d entries", what,
					    POL_MAX_ENTRIES);
					return;
				}
				e.zone[0] = e.class[0] = '\0';
				if (nz)
					strlcpy(e.zone, zones[a]->str,
					    sizeof(e.zone));
				if (nc)
					strlcpy(e.class, classes[b]->str,
					    sizeof(e.class));
				if (np) {
					e.port_lo = lo[c];
					e.port_hi = hi[c];
				} else {
					e.port_lo = 0;
					e.port_hi = 65535;
				}
				pol_list_add(list, &e);
			}
}

static void
pol_load_list(struct pol_load *l, const char *what,
    const struct cfgyaml_node *k, const struct cfgyaml_node *v,
    struct pol_list *list)
{
	char show[CFGYAML_SHOWBUF];
	size_t i;

	list->line = (uint32_t)k->line;
	if (v->kind == CFGYAML_BAD || (v->kind == CFGYAML_SCALAR &&
	    cfgyaml_is_null(v)))
		return;
	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(l->y, v, "%s: expected a list of entries, got %s",
		    what, cfgyaml_describe(v, show, sizeof(show)));
		return;
	}
	for (i = 0; i < v->nkids && l->y->nerrors < CFGYAML_MAX_ERRORS; i++)
		pol_load_entry(l, what, v->kids[i], list);
}

/* FNV-1a: the lists are short and capped, so a collision costs one
 * strcmp() more, never a long chain. */
uint32_t
policy_name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Learning asks this of every HL7 message: hashes first, strings only
 * for the one that matches. */
static bool
pol_names_has_hash(const struct pol_names *l, const char *s, uint32_t h)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->h[i] == h && strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static bool
pol_names_has(const struct pol_names *l, const char *s)
{
	return pol_names_has_hash(l, s, policy_name_hash(s));
}

static void
pol_names_add_hash(struct pol_names *l, const char *s, uint32_t h)
{
	/* Room as pol_list_room() gives it (every name list grows here
	 * only): learning adds a name a message, once per new name. */
	if (pol_list_room(l->n + 1) != pol_list_room(l->n)) {
		l->v = xreallocarray(l->v, pol_list_room(l->n + 1),
		    sizeof(*l->v));
		l->h = xreallocarray(l->h, pol_list_room(l->n + 1),
		    sizeof(*l->h));
	}
	l->h[l->n] = h;
	l->v[l->n++] = xstrdup(s);
}

static void
pol_names_add(struct pol_names *l, const char *s)
{
	pol_names_add_hash(l, s, policy_name_hash(s));
}

enum pol_namekind { NK_HL7, NK_DIMSE, NK_AE, NK_COUNTRY };

/* An HL7 type: "ORU^R01", "ADT^*", "ACK" or "*". */
static bool
pol_hl7_ok(const char *s)
{
	size_t i, carets = 0;

	if (s[0] == '*' && s[1] == '\0')
		return true;
	/* isupper() and isdigit() of the C locale (the program sets none),
	 * without their table lookups: learning asks of every message. */
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '^') {
			if (++carets > 1 || i == 0)
				return false;
		} else if (s[i] == '*') {
			if (s[i + 1] != '\0' || carets == 0 || s[i - 1] != '^')
				return false;
		} else if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return false;
	}
	return s[i - 1] != '^';
}

static void
pol_load_names(struct pol_load *l, const char *what, enum pol_namekind nk,
    const struct cfgyaml_node *k, const struct cfgyaml_node *v,
    struct pol_names *out)
{
	char show[CFGYAML_SHOWBUF];
	const struct cfgyaml_node *e;
	const char *s;
	size_t i, j;

	out->line = (uint32_t)k->line;
	if (v->kind == CFGYAML_BAD || (v->kind == CFGYAML_SCALAR &&
	    cfgyaml_is_null(v)))
		return;
	if (v->kind != CFGYAML_SEQ) {
		cfgyaml_error(l->y, v, "%s: expected a list, got %s", what,
		    cfgyaml_describe(v, show, sizeof(show)));
		return;
	}
	if (v->nkids > POL_MAX_ENTRIES) {
		cfgyaml_error(l->y, v, "%s: more than %d items", what,
		    POL_MAX_ENTRIES);
		return;
	}
	for (i = 0; i < v->nkids; i++) {
		e = v->kids[i];
		if ((s = pol_name(l, e, what)) == NULL)
			continue;
		switch (nk) {
		case NK_HL7:
			if (!pol_hl7_ok(s)) {
				cfgyaml_error(l->y, e, "%s: expected an HL7 "
				    "message type (ORU^R01, ADT^*, ACK or *), "
				    "got %s", what, cfgyaml_describe(e, show,
				    sizeof(show)));
				continue;
			}
			break;
		case NK_DIMSE:
			for (j = 0; j < nitems(pol_dimse); j++)
				if (strcmp(pol_dimse[j], s) == 0)
					break;
			if (j == nitems(pol_dimse) && strcmp(s, "*") != 0) {
				cfgyaml_error(l->y, e, "%s: unknown DICOM "
				    "command \"%s\" (C-STORE, C-FIND, C-MOVE, "
				    "C-GET, C-ECHO, N-...)", what, s);
				continue;
			}
			break;
		case NK_AE:
			if (strlen(s) > 16) {
				cfgyaml_error(l->y, e, "%s: AE title \"%s\" is "
				    "longer than 16 characters", what, s);
				continue;
			}
			break;
		case NK_COUNTRY:
			if (strlen(s) != 2 || !isupper((unsigned char)s[0]) ||
			    !isupper((unsigned char)s[1])) {
				cfgyaml_error(l->y, e, "%s: expected an ISO "
				    "3166 country code (US, DE), got %s", what,
				    cfgyaml_describe(e, show, sizeof(show)));
				continue;
			}
			break;
		}
		if (pol_names_has(out, s)) {
			cfgyaml_error(l->y, e, "%s: duplicate \"%s\"", what, s);
			continue;
		}
		pol_names_add(out, s);
	}
}

/* A mapping of sub-keys, each a list of names. */
static void
pol_load_group(struct pol_load *l, const char *what,
    const struct cfgyaml_node *v, const char *const *keys,
    const enum pol_namekind *kinds, struct pol_names **outs, size_t nkeys)
{
	char show[CFGYAML_SHOWBUF], path[64];
	const struct cfgyaml_node *k, *seen[4] = { NULL };
	size_t i, j;

	if (v->kind == CFGYAML_BAD)
		return;
	if (v->kind != CFGYAML_MAP) {
		cfgyaml_error(l->y, v, "%s: expected a mapping, got %s", what,
		    cfgyaml_describe(v, show, sizeof(show)));
		return;
	}
	for (i = 0; i + 1 < v->nkids; i += 2) {
		k = v->kids[i];
		for (j = 0; j < nkeys; j++)
			if (pol_key_is(k, keys[j]))
				break;
		if (j == nkeys) {
			if (k->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, k, "%s: unknown key %s",
				    what, cfgyaml_describe(k, show,
				    sizeof(show)));
			continue;
		}
		if (seen[j] != NULL) {
			cfgyaml_error(l->y, k, "%s: duplicate key \"%s\"", what,
			    keys[j]);
			continue;
		}
		seen[j] = k;
		snprintf(path, sizeof(path), "%s.%s", what, keys[j]);
		pol_load_names(l, path, kinds[j], k, v->kids[i + 1], outs[j]);
	}
}

static int
pol_bool(struct pol_load *l, const struct cfgyaml_node *v, const char *what,
    const char *yes, const char *no, bool *out)
{
	char show[CFGYAML_SHOWBUF];

	if (pol_key_is(v, yes) || pol_key_is(v, "true")) {
		*out = true;
		return 0;
	}
	if (pol_key_is(v, no) || pol_key_is(v, "false")) {
		*out = false;
		return 0;
	}
	if (v->kind != CFGYAML_BAD)
		cfgyaml_error(l->y, v, "%s: expected %s or %s, got %s", what,
		    yes, no, cfgyaml_describe(v, show, sizeof(show)));
	return -1;
}

/* "aa:bb:cc:dd:ee:ff" */
static int
pol_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0, i;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 || n != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) ||
		    !isxdigit((unsigned char)s[i * 3 + 1]))
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

enum {
	PK_CLASS, PK_DEVICE, PK_FINGERPRINT, PK_DESCRIPTION, PK_MODE,
	PK_INITIATE, PK_ACCEPT, PK_HL7, PK_DICOM, PK_INTERNET, PK_COUNTRIES,
	PK_CLEARTEXT, PK_FANOUT, PK_FANOUT_WINDOW, PK_MAX
};
static const char *const pol_keys[PK_MAX] = {
	"class", "device", "fingerprint", "description", "mode", "initiate",
	"accept", "hl7", "dicom", "internet", "countries", "cleartext-logins",
	"max-fan-out", "fan-out-window",
};

static void
pol_load_profile(struct pol_load *l, const struct cfgyaml_node *m)
{
	static const char *const hl7k[] = { "send", "receive" };
	static const enum pol_namekind hl7n[] = { NK_HL7, NK_HL7 };
	static const char *const dicomk[] = { "scu", "scp", "ae-titles" };
	static const enum pol_namekind dicomn[] = { NK_DIMSE, NK_DIMSE,
	    NK_AE };
	const struct cfgyaml_node *k, *v, *seen[PK_MAX] = { NULL };
	char show[CFGYAML_SHOWBUF];
	struct pol_profile *p;
	struct pol_names *outs[3];
	int errs = l->y->nerrors, ntarget = 0;
	uint64_t x;
	const char *s;
	size_t i, j;

	if (m->kind == CFGYAML_BAD)
		return;
	if (m->kind != CFGYAML_MAP) {
		cfgyaml_error(l->y, m, "expected a profile (a mapping with "
		    "class, device or fingerprint), got %s",
		    cfgyaml_describe(m, show, sizeof(show)));
		return;
	}
	p = xcalloc(1, sizeof(*p));
	policy_profile_init(p, POL_T_CLASS, NULL);
	p->file = l->file;
	p->line = (uint32_t)m->line;
	for (i = 0; i + 1 < m->nkids && l->y->nerrors < CFGYAML_MAX_ERRORS;
	    i += 2) {
		k = m->kids[i];
		v = m->kids[i + 1];
		for (j = 0; j < PK_MAX; j++)
			if (pol_key_is(k, pol_keys[j]))
				break;
		if (j == PK_MAX) {
			if (k->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, k, "unknown key %s",
				    cfgyaml_describe(k, show, sizeof(show)));
			continue;
		}
		if (seen[j] != NULL) {
			cfgyaml_error(l->y, k, "duplicate key \"%s\" (first at "
			    "line %zu, column %zu)", pol_keys[j],
			    seen[j]->line, seen[j]->col);
			continue;
		}
		seen[j] = k;
		switch (j) {
		case PK_CLASS:
			ntarget++;
			if ((s = pol_class(l, v, "class")) != NULL)
				strlcpy(p->name, s, sizeof(p->name));
			p->target = POL_T_CLASS;
			break;
		case PK_DEVICE:
			ntarget++;
			p->target = POL_T_DEVICE;
			if ((s = pol_name(l, v, "device")) != NULL &&
			    pol_mac(s, p->mac) == -1)
				cfgyaml_error(l->y, v, "device: expected a MAC "
				    "address (00:11:22:33:44:55), got %s",
				    cfgyaml_describe(v, show, sizeof(show)));
			else if (s != NULL)
				strlcpy(p->name, s, sizeof(p->name));
			break;
		case PK_FINGERPRINT:
			ntarget++;
			p->target = POL_T_FINGERPRINT;
			p->name_line = (uint32_t)v->line;
			p->name_col = (uint32_t)v->col;
			if ((s = pol_name(l, v, "fingerprint")) != NULL)
				strlcpy(p->name, s, sizeof(p->name));
			break;
		case PK_DESCRIPTION:
			if (v->kind != CFGYAML_SCALAR && v->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, v, "description: expected "
				    "a string, got %s", cfgyaml_describe(v,
				    show, sizeof(show)));
			break;
		case PK_MODE:
			p->mode_line = (uint32_t)k->line;
			if (pol_key_is(v, "enforce"))
				p->mode = POL_MODE_ENFORCE;
			else if (pol_key_is(v, "observe"))
				p->mode = POL_MODE_OBSERVE;
			else if (v->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, v, "mode: expected enforce "
				    "or observe, got %s", cfgyaml_describe(v,
				    show, sizeof(show)));
			break;
		case PK_INITIATE:
			pol_load_list(l, "initiate", k, v, &p->initiate);
			break;
		case PK_ACCEPT:
			pol_load_list(l, "accept", k, v, &p->accept);
			break;
		case PK_HL7:
			outs[0] = &p->hl7_send;
			outs[1] = &p->hl7_receive;
			pol_load_group(l, "hl7", v, hl7k, hl7n, outs, 2);
			break;
		case PK_DICOM:
			outs[0] = &p->dicom_scu;
			outs[1] = &p->dicom_scp;
			outs[2] = &p->dicom_ae;
			pol_load_group(l, "dicom", v, dicomk, dicomn, outs, 3);
			break;
		case PK_INTERNET:
			p->internet_line = (uint32_t)k->line;
			(void)pol_bool(l, v, "internet", "allow", "deny",
			    &p->internet);
			break;
		case PK_COUNTRIES:
			pol_load_names(l, "countries", NK_COUNTRY, k, v,
			    &p->countries);
			break;
		case PK_CLEARTEXT:
			p->cleartext_line = (uint32_t)k->line;
			(void)pol_bool(l, v, "cleartext-logins", "allow",
			    "forbid", &p->cleartext_logins);
			break;
		case PK_FANOUT:
			p->fanout_line = (uint32_t)k->line;
			if (cfgyaml_get_uint(l->y, "max-fan-out", v, 0, 1000000,
			    &x) == 0)
				p->max_fanout = (uint32_t)x;
			break;
		case PK_FANOUT_WINDOW:
			if (cfgyaml_get_uint(l->y, "fan-out-window", v, 1,
			    86400, &x) == 0)
				p->fanout_window = (uint32_t)x;
			break;
		}
	}
	if (ntarget == 0)
		cfgyaml_error(l->y, m, "profile names no class, device or "
		    "fingerprint");
	if (p->name[0] == '\0') {
		/* Never a profile without a name: its node (a tag, an
		 * alias) was reported when the YAML was read. */
		policy_profile_clear(p);
		free(p);
		return;
	}
	else if (ntarget > 1)
		cfgyaml_error(l->y, m, "profile names more than one of class, "
		    "device and fingerprint");
	if (seen[PK_COUNTRIES] != NULL && !p->internet)
		cfgyaml_error(l->y, seen[PK_COUNTRIES], "countries: needs "
		    "internet: allow");
	if (l->y->nerrors != errs) {
		policy_profile_clear(p);
		free(p);
		return;
	}
	policy_add(l->pol, p);
}

static int
pol_load_root(struct pol_load *l, const struct cfgyaml_node *root)
{
	char show[CFGYAML_SHOWBUF];
	const struct cfgyaml_node *v;
	size_t i;

	if (root == NULL || cfgyaml_is_null(root))
		return 0;	/* an empty file: no profile */
	if (root->kind == CFGYAML_BAD)
		return 0;
	if (root->kind != CFGYAML_MAP) {
		cfgyaml_error(l->y, root, "expected a profile or a mapping "
		    "with profiles, got %s", cfgyaml_describe(root, show,
		    sizeof(show)));
		return 0;
	}
	if (root->nkids >= 2 && pol_key_is(root->kids[0], "profiles")) {
		if (root->nkids > 2) {
			cfgyaml_error(l->y, root->kids[2], "unknown key %s "
			    "beside profiles", cfgyaml_describe(root->kids[2],
			    show, sizeof(show)));
			return 0;
		}
		v = root->kids[1];
		if (cfgyaml_is_null(v))
			return 0;
		if (v->kind != CFGYAML_SEQ) {
			if (v->kind != CFGYAML_BAD)
				cfgyaml_error(l->y, v, "profiles: expected a "
				    "list of profiles, got %s",
				    cfgyaml_describe(v, show, sizeof(show)));
			return 0;
		}
		for (i = 0; i < v->nkids &&
		    l->y->nerrors < CFGYAML_MAX_ERRORS; i++)
			pol_load_profile(l, v->kids[i]);
		return 0;
	}
	pol_load_profile(l, root);
	return 0;
}

int
policy_load_buffer(struct policy *pol, const char *name, const char *buf,
    size_t len, FILE *err)
{
	static const struct cfgyaml_limits lim = {
		POL_MAX_FILE_SIZE, POL_MAX_DEPTH, POL_MAX_NODES
	};
	struct pol_load l;
	struct cfgyaml y;
	int nerr;

	cfgyaml_parse(&y, name, buf, len, &lim, err);
	l.pol = pol;
	l.y = &y;
	l.file = policy_intern(pol, name);
	if (!y.aborted)
		(void)pol_load_root(&l, y.root);
	nerr = y.nerrors;
	cfgyaml_free(&y);
	return nerr;
}

int
policy_load_file(struct policy *pol, const char *path, FILE *err)
{
	char *buf;
	size_t len;
	int n, e;

	if ((e = util_read_file(path, POL_MAX_FILE_SIZE, &buf, &len)) != 0) {
		if (err != NULL)
			fprintf(err, "%s: %s\n", path, strerror(e));
		return 1;
	}
	n = policy_load_buffer(pol, path, buf, len, err);
	free(buf);
	return n;
}

int
policy_load_builtin(struct policy *pol, FILE *err)
{
	char name[256];
	size_t i;
	int n = 0;

	for (i = 0; i < policy_builtin_nfiles; i++) {
		snprintf(name, sizeof(name), "%s%s", POL_BUILTIN_DIR,
		    policy_builtin_files[i].name);
		n += policy_load_buffer(pol, name,
		    (const char *)policy_builtin_files[i].data,
		    policy_builtin_files[i].len, err);
	}
	return n;
}

int
policy_load_node(struct policy *pol, struct cfgyaml *y,
    const struct cfgyaml_node *v)
{
	char show[CFGYAML_SHOWBUF];
	struct pol_load l;
	int errs = y->nerrors;
	size_t i;

	l.pol = pol;
	l.y = y;
	l.file = policy_intern(pol, y->name);
	if (cfgyaml_is_null(v))
		return 0;
	if (v->kind != CFGYAML_SEQ) {
		if (v->kind != CFGYAML_BAD)
			cfgyaml_error(y, v, "policy.overrides: expected a list "
			    "of profiles, got %s", cfgyaml_describe(v, show,
			    sizeof(show)));
		return y->nerrors - errs;
	}
	for (i = 0; i < v->nkids && y->nerrors < CFGYAML_MAX_ERRORS; i++)
		pol_load_profile(&l, v->kids[i]);
	return y->nerrors - errs;
}

/* ---- judging ---- */

/*
 * An entry matches when each term it gives does.  Two terms give the
 * benefit of the doubt, because the sensor cannot tell yet, and a flow
 * to an allowed service is no incident: a peer device not identified
 * (class unknown) matches a class on the entry's other terms, and a
 * flow whose application the parsers did not recognise (cut short, a
 * handshake alone) matches an application on the entry's ports, when
 * it names some.
 */
static bool
pol_entry_match(const struct pol_entry *e, const struct pol_flow *f)
{
	bool ports = !(e->port_lo == 0 && e->port_hi == 65535);

	/* Numbers before names: most entries differ in their port. */
	if (e->proto != 0 && e->proto != f->proto)
		return false;
	if ((f->proto == 6 || f->proto == 17) &&
	    (f->port < e->port_lo || f->port > e->port_hi))
		return false;
	if (e->zone[0] != '\0' && strcmp(e->zone, f->peer_zone) != 0)
		return false;
	if (e->class[0] != '\0' && (f->peer_class == NULL ||
	    (strcmp(e->class, f->peer_class) != 0 &&
	    strcmp(f->peer_class, "unknown") != 0)))
		return false;
	if (e->app[0] != '\0' && (f->app != NULL ? strcmp(e->app, f->app) !=
	    0 : !ports))
		return false;
	return true;
}

static bool
pol_list_match(const struct pol_list *l, const struct pol_flow *f)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (pol_entry_match(&l->v[i], f))
			return true;
	return false;
}

static const char *
pol_proto_name(uint8_t p)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	default:
		return "any";
	}
}

/* Append to buf, ending with "..." when it does not fit. */
static void
pol_cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 4 >= len)
		return;
	if (strlcpy(buf + n, s, len - n) >= len - n)
		strlcpy(buf + len - 4, "...", 4);
}

static void
pol_entry_str(const struct pol_entry *e, char *buf, size_t len)
{
	char port[16];

	if (e->port_lo == 0 && e->port_hi == 65535)
		port[0] = '\0';
	else if (e->port_lo == e->port_hi)
		snprintf(port, sizeof(port), "/%u", e->port_lo);
	else
		snprintf(port, sizeof(port), "/%u-%u", e->port_lo, e->port_hi);
	snprintf(buf, len, "%s%s%s%s%s%s%s%s%s", e->zone[0] ? "zone " : "",
	    e->zone, e->zone[0] && e->class[0] ? " " : "",
	    e->class[0] ? "class " : "", e->class,
	    e->zone[0] || e->class[0] ? " " : "any ", pol_proto_name(e->proto),
	    port, "");
	if (e->app[0] != '\0') {
		strlcat(buf, " ", len);
		strlcat(buf, e->app, len);
	}
}

/* Entries that differ in their ports alone are said together. */
static bool
pol_entry_same_but_port(const struct pol_entry *x, const struct pol_entry *y)
{
	return strcmp(x->zone, y->zone) == 0 &&
	    strcmp(x->class, y->class) == 0 && x->proto == y->proto &&
	    strcmp(x->app, y->app) == 0 && (x->proto == 6 || x->proto == 17) &&
	    !(x->port_lo == 0 && x->port_hi == 65535) &&
	    !(y->port_lo == 0 && y->port_hi == 65535);
}

static void
pol_expect_one(char *buf, size_t len, const struct pol_list *l, size_t *n)
{
	char one[200];
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++, (*n)++) {
		const struct pol_entry *e = &l->v[i];

		if (i > 0 && pol_entry_same_but_port(&l->v[i - 1], e) &&
		    e->app[0] == '\0') {
			if (e->port_lo == e->port_hi)
				snprintf(one, sizeof(one), ",%u", e->port_lo);
			else
				snprintf(one, sizeof(one), ",%u-%u",
				    e->port_lo, e->port_hi);
			pol_cat(buf, len, one);
			continue;
		}
		pol_entry_str(e, one, sizeof(one));
		if (*n > 0)
			pol_cat(buf, len, "; ");
		pol_cat(buf, len, one);
	}
}

static void
pol_expect_list(char *buf, size_t len, const char *what,
    const struct pol_list *a, const struct pol_list *b)
{
	size_t n = 0;

	snprintf(buf, len, "%s: ", what);
	pol_expect_one(buf, len, a, &n);
	pol_expect_one(buf, len, b, &n);
	if (n == 0)
		pol_cat(buf, len, "nothing");
}

static void
pol_expect_names(char *buf, size_t len, const char *what,
    const struct pol_names *a, const struct pol_names *b)
{
	size_t i, n = 0;

	snprintf(buf, len, "%s: ", what);
	for (i = 0; a != NULL && i < a->n; i++, n++) {
		if (n > 0)
			pol_cat(buf, len, ", ");
		pol_cat(buf, len, a->v[i]);
	}
	for (i = 0; b != NULL && i < b->n; i++, n++) {
		if (n > 0)
			pol_cat(buf, len, ", ");
		pol_cat(buf, len, b->v[i]);
	}
	if (n == 0)
		pol_cat(buf, len, "none");
}

static enum pol_sid
pol_fail(struct pol_verdict *v, enum pol_sid sid, const struct pol_profile *p,
    uint32_t line)
{
	v->sid = sid;
	v->p = p;
	v->line = line != 0 ? line : p->line;
	return sid;
}

static bool
pol_country_ok(const struct pol_names *a, const struct pol_names *b,
    const char *c)
{
	return pol_names_has(a, c) || (b != NULL && pol_names_has(b, c));
}

enum pol_sid
policy_judge_flow(const struct pol_profile *p, const struct pol_profile *ln,
    const struct pol_flow *f, struct pol_verdict *v)
{
	const struct pol_list *mine = f->initiated ? &p->initiate : &p->accept;
	const struct pol_list *lmine = ln == NULL ? NULL : f->initiated ?
	    &ln->initiate : &ln->accept;
	const char *what = f->initiated ? "initiate" : "accept";

	pol_verdict_clear(v);
	if (strcmp(f->peer_zone, "internet") == 0) {
		if (!p->internet && !(ln != NULL && ln->internet)) {
			snprintf(v->expected, sizeof(v->expected),
			    "internet: deny");
			return pol_fail(v, POL_SID_INTERNET, p,
			    p->internet_line);
		}
		if (f->country != NULL && p->countries.n > 0 &&
		    !pol_country_ok(&p->countries, ln != NULL ?
		    &ln->countries : NULL, f->country)) {
			pol_expect_names(v->expected, sizeof(v->expected),
			    "countries", &p->countries, ln != NULL ?
			    &ln->countries : NULL);
			return pol_fail(v, POL_SID_INTERNET, p,
			    p->countries.line);
		}
	}
	if (pol_list_match(mine, f) || pol_list_match(lmine, f))
		return POL_OK;
	/* Said on demand: formatting every list for every flow judged
	 * (most of them learned, not alerted) was most of the brain's
	 * time at 10,000 devices. */
	v->x_what = what;
	v->x_a = mine;
	v->x_b = lmine;
	return pol_fail(v, POL_SID_CONNECTION, p, mine->line);
}

void
policy_verdict_explain(struct pol_verdict *v)
{
	if (v->x_what == NULL)
		return;
	if (v->x_na != NULL)
		pol_expect_names(v->expected, sizeof(v->expected), v->x_what,
		    v->x_na, v->x_nb);
	else
		pol_expect_list(v->expected, sizeof(v->expected), v->x_what,
		    v->x_a, v->x_b);
	v->x_what = NULL;
}

/* An HL7 or DICOM verdict's names, said when asked. */
static void
pol_expect_later(struct pol_verdict *v, const char *what,
    const struct pol_names *a, const struct pol_names *b)
{
	v->x_what = what;
	v->x_na = a;
	v->x_nb = b;
}

/* "ORU^R01" against "ORU^R01", "ORU^*", "ORU" (a type alone: any of
 * its trigger events, as "ACK" for "ACK^R01") and "*"; a type's third
 * component (the message structure, "ORU^R01^ORU_R01") is not
 * compared. */
static bool
pol_hl7_match(const char *pat, const char *type)
{
	size_t n = strlen(pat), tn;
	const char *c;

	if (strcmp(pat, "*") == 0)
		return true;
	if (n >= 1 && pat[n - 1] == '*')
		return strncmp(pat, type, n - 1) == 0;
	if (strchr(pat, '^') == NULL)
		return strncmp(pat, type, n) == 0 &&
		    (type[n] == '\0' || type[n] == '^');
	tn = strlen(type);
	if ((c = strchr(type, '^')) != NULL && (c = strchr(c + 1, '^')) != NULL)
		tn = (size_t)(c - type);
	return n == tn && strncmp(pat, type, n) == 0;
}

static bool
pol_names_match(const struct pol_names *l, const char *s, bool hl7)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (hl7 ? pol_hl7_match(l->v[i], s) :
		    (strcmp(l->v[i], "*") == 0 || strcmp(l->v[i], s) == 0))
			return true;
	return false;
}

enum pol_sid
policy_judge_hl7(const struct pol_profile *p, const struct pol_profile *ln,
    bool sent, const char *type, struct pol_verdict *v)
{
	const struct pol_names *l = sent ? &p->hl7_send : &p->hl7_receive;
	const struct pol_names *ll = ln == NULL ? NULL : sent ?
	    &ln->hl7_send : &ln->hl7_receive;

	pol_verdict_clear(v);
	if (pol_names_match(l, type, true) || pol_names_match(ll, type, true))
		return POL_OK;
	pol_expect_later(v, sent ? "hl7.send" : "hl7.receive", l, ll);
	return pol_fail(v, POL_SID_HL7, p, l->line);
}

enum pol_sid
policy_judge_dicom(const struct pol_profile *p, const struct pol_profile *ln,
    bool scu, const char *cmd, const char *ae, struct pol_verdict *v)
{
	const struct pol_names *l = scu ? &p->dicom_scu : &p->dicom_scp;
	const struct pol_names *ll = ln == NULL ? NULL : scu ?
	    &ln->dicom_scu : &ln->dicom_scp;

	pol_verdict_clear(v);
	if (cmd != NULL && !pol_names_match(l, cmd, false) &&
	    !pol_names_match(ll, cmd, false)) {
		pol_expect_later(v, scu ? "dicom.scu" : "dicom.scp", l, ll);
		return pol_fail(v, POL_SID_DICOM, p, l->line);
	}
	if (ae != NULL && p->dicom_ae.n > 0 &&
	    !pol_names_match(&p->dicom_ae, ae, false) &&
	    !(ln != NULL && pol_names_match(&ln->dicom_ae, ae, false))) {
		pol_expect_later(v, "dicom.ae-titles", &p->dicom_ae,
		    ln != NULL ? &ln->dicom_ae : NULL);
		return pol_fail(v, POL_SID_DICOM, p, p->dicom_ae.line);
	}
	return POL_OK;
}

enum pol_sid
policy_judge_login(const struct pol_profile *p, const char *proto,
    struct pol_verdict *v)
{
	pol_verdict_clear(v);
	(void)proto;
	if (p->cleartext_logins)
		return POL_OK;
	snprintf(v->expected, sizeof(v->expected), "cleartext-logins: forbid");
	return pol_fail(v, POL_SID_CLEARTEXT, p, p->cleartext_line);
}

enum pol_sid
policy_judge_fanout(const struct pol_profile *p, const struct pol_profile *ln,
    uint32_t npeers, struct pol_verdict *v)
{
	uint32_t max = p->max_fanout;

	pol_verdict_clear(v);
	if (max == 0)
		return POL_OK;
	if (ln != NULL && ln->max_fanout > max)
		max = ln->max_fanout;
	if (npeers <= max)
		return POL_OK;
	snprintf(v->expected, sizeof(v->expected), "max-fan-out: %u peers "
	    "in %u s", max, p->fanout_window);
	return pol_fail(v, POL_SID_FANOUT, p, p->fanout_line);
}

/* ---- learning (and recording for policy suggest) ---- */

bool
policy_learn_flow(struct pol_profile *ln, const struct pol_flow *f)
{
	struct pol_list *l = f->initiated ? &ln->initiate : &ln->accept;
	/* A peer device by its class, anything else by its zone. */
	bool by_class = f->peer_class != NULL &&
	    strcmp(f->peer_class, "unknown") != 0;
	const char *zone = by_class ? "" : f->peer_zone;
	const char *class = by_class ? f->peer_class : "";
	const char *app = f->app != NULL ? f->app : "";
	bool ported = f->proto == 6 || f->proto == 17;
	uint16_t lo = ported ? f->port : 0, hi = ported ? f->port : 65535;
	struct pol_entry e;
	size_t i;

	/* Compared with the names as an entry would hold them (cut to
	 * POL_NAME_MAX - 1 bytes): the entry is made only to be added
	 * (most flows are learned already). */
	for (i = 0; i < l->n; i++) {
		struct pol_entry *o = &l->v[i];

		if (o->proto == f->proto && o->port_lo == lo &&
		    o->port_hi == hi &&
		    strncmp(o->zone, zone, POL_NAME_MAX - 1) == 0 &&
		    strncmp(o->class, class, POL_NAME_MAX - 1) == 0 &&
		    (o->app[0] == '\0' || app[0] == '\0' ||
		    strncmp(o->app, app, POL_NAME_MAX - 1) == 0)) {
			if (o->app[0] == '\0' && app[0] != '\0')
				strlcpy(o->app, app, sizeof(o->app));
			return false;
		}
	}
	if (strcmp(f->peer_zone, "internet") == 0)
		ln->internet = true;
	if (l->n >= POL_LEARN_MAX)
		return false;
	memset(&e, 0, sizeof(e));
	strlcpy(e.zone, zone, sizeof(e.zone));
	strlcpy(e.class, class, sizeof(e.class));
	e.proto = f->proto;
	e.port_lo = lo;
	e.port_hi = hi;
	strlcpy(e.app, app, sizeof(e.app));
	pol_list_add(l, &e);
	return true;
}

static bool
pol_learn_name(struct pol_names *l, const char *s)
{
	uint32_t h;

	if (s == NULL || s[0] == '\0' || strlen(s) >= POL_NAME_MAX)
		return false;
	h = policy_name_hash(s);
	if (pol_names_has_hash(l, s, h) || l->n >= POL_LEARN_MAX)
		return false;
	pol_names_add_hash(l, s, h);
	return true;
}

void
policy_hl7_name(struct pol_hl7_name *nm, const char *type)
{
	size_t i, carets = 0;
	uint32_t h = 2166136261u;

	/* Message type and trigger event only, as profiles name them: up
	 * to a second '^' of what fits in t; hashed as policy_name_hash()
	 * does on the way. */
	for (i = 0; i < sizeof(nm->t) - 1 && type[i] != '\0'; i++) {
		if (type[i] == '^' && ++carets == 2)
			break;
		nm->t[i] = type[i];
		h = (h ^ (uint8_t)nm->t[i]) * 16777619u;
	}
	nm->t[i] = '\0';
	nm->h = h;
}

bool
policy_learn_hl7_name(struct pol_profile *ln, bool sent,
    const struct pol_hl7_name *nm)
{
	struct pol_names *l = sent ? &ln->hl7_send : &ln->hl7_receive;

	/* pol_learn_name() with the checks of a name already known (the
	 * usual case: nothing to learn, whatever the check would say)
	 * after the lookup. */
	if (nm->t[0] == '\0' || pol_names_has_hash(l, nm->t, nm->h))
		return false;
	if (!pol_hl7_ok(nm->t) || l->n >= POL_LEARN_MAX)
		return false;
	pol_names_add_hash(l, nm->t, nm->h);
	return true;
}

bool
policy_learn_hl7(struct pol_profile *ln, bool sent, const char *type)
{
	struct pol_hl7_name nm;

	policy_hl7_name(&nm, type);
	return policy_learn_hl7_name(ln, sent, &nm);
}

bool
policy_learn_dicom(struct pol_profile *ln, bool scu, const char *cmd,
    const char *ae)
{
	bool ch = false;
	size_t j;

	if (cmd != NULL) {
		for (j = 0; j < nitems(pol_dimse); j++)
			if (strcmp(pol_dimse[j], cmd) == 0)
				ch |= pol_learn_name(scu ? &ln->dicom_scu :
				    &ln->dicom_scp, cmd);
	}
	if (ae != NULL && ae[0] != '\0' && strlen(ae) <= 16 &&
	    strchr(ae, '\\') == NULL)
		ch |= pol_learn_name(&ln->dicom_ae, ae);
	return ch;
}

void
policy_learn_fanout(struct pol_profile *ln, uint32_t npeers)
{
	if (npeers > ln->max_fanout)
		ln->max_fanout = npeers;
}

bool
policy_learn_country(struct pol_profile *ln, const char *c)
{
	if (c != NULL && strlen(c) == 2 && isupper((unsigned char)c[0]) &&
	    isupper((unsigned char)c[1]))
		return pol_learn_name(&ln->countries, c);
	return false;
}

/* The same entry, wherever it was written. */
static bool
pol_entry_eq(const struct pol_entry *x, const struct pol_entry *y)
{
	return strcmp(x->zone, y->zone) == 0 &&
	    strcmp(x->class, y->class) == 0 && x->proto == y->proto &&
	    x->port_lo == y->port_lo && x->port_hi == y->port_hi &&
	    strcmp(x->app, y->app) == 0;
}

void
policy_profile_merge(struct pol_profile *a, const struct pol_profile *b)
{
	size_t i, j;

	for (i = 0; i < 2; i++) {
		const struct pol_list *from = i ? &b->accept : &b->initiate;
		struct pol_list *to = i ? &a->accept : &a->initiate;

		for (j = 0; j < from->n; j++) {
			size_t k;

			for (k = 0; k < to->n; k++)
				if (pol_entry_eq(&to->v[k], &from->v[j]))
					break;
			if (k == to->n && to->n < POL_MAX_ENTRIES)
				pol_list_add(to, &from->v[j]);
		}
	}
#define MERGE(f)							\
	for (j = 0; j < b->f.n; j++)					\
		if (!pol_names_has(&a->f, b->f.v[j]) &&			\
		    a->f.n < POL_MAX_ENTRIES)				\
			pol_names_add(&a->f, b->f.v[j]);
	MERGE(hl7_send)
	MERGE(hl7_receive)
	MERGE(dicom_scu)
	MERGE(dicom_scp)
	MERGE(dicom_ae)
	MERGE(countries)
#undef MERGE
	a->internet |= b->internet;
	a->cleartext_logins |= b->cleartext_logins;
	if (b->max_fanout > a->max_fanout)
		a->max_fanout = b->max_fanout;
}

static void
pol_names_copy(struct pol_names *to, const struct pol_names *from)
{
	size_t i;

	memset(to, 0, sizeof(*to));
	to->line = from->line;
	for (i = 0; i < from->n; i++)
		pol_names_add(to, from->v[i]);
}

static void
pol_list_copy(struct pol_list *to, const struct pol_list *from)
{
	memset(to, 0, sizeof(*to));
	to->line = from->line;
	if (from->n > 0) {
		to->v = xreallocarray(NULL, pol_list_room(from->n),
		    sizeof(*to->v));
		memcpy(to->v, from->v, from->n * sizeof(*to->v));
		to->n = from->n;
	}
}

void
policy_adopt(struct policy *pol, const struct pol_profile *from)
{
	struct pol_profile *p = xcalloc(1, sizeof(*p));

	*p = *from;
	p->file = policy_intern(pol, from->file);
	pol_list_copy(&p->initiate, &from->initiate);
	pol_list_copy(&p->accept, &from->accept);
	pol_names_copy(&p->hl7_send, &from->hl7_send);
	pol_names_copy(&p->hl7_receive, &from->hl7_receive);
	pol_names_copy(&p->dicom_scu, &from->dicom_scu);
	pol_names_copy(&p->dicom_scp, &from->dicom_scp);
	pol_names_copy(&p->dicom_ae, &from->dicom_ae);
	pol_names_copy(&p->countries, &from->countries);
	policy_add(pol, p);
}

void
policy_entry_format(const struct pol_entry *e, char *buf, size_t len)
{
	pol_entry_str(e, buf, len);
}

/* ---- writing ---- */

/* A name as a YAML scalar: quoted unless plainly safe. */
static void
pol_write_name(FILE *fp, const char *s)
{
	const char *c;

	for (c = s; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.')
			break;
	if (*c == '\0' && *s != '\0' && strcmp(s, "true") != 0 &&
	    strcmp(s, "false") != 0 && strcmp(s, "null") != 0 &&
	    !isdigit((unsigned char)*s)) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (c = s; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', fp);
		fputc(*c, fp);
	}
	fputc('"', fp);
}

static void
pol_write_names(FILE *fp, const char *indent, const char *key,
    const struct pol_names *l)
{
	size_t i;

	fprintf(fp, "%s%s: [", indent, key);
	for (i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", fp);
		pol_write_name(fp, l->v[i]);
	}
	fputs("]\n", fp);
}

static void
pol_write_list(FILE *fp, const char *key, const struct pol_list *l)
{
	const struct pol_entry *e;
	size_t i;

	if (l->n == 0) {
		fprintf(fp, "    %s: []\n", key);
		return;
	}
	fprintf(fp, "    %s:\n", key);
	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		fputs("      - {", fp);
		if (e->zone[0] != '\0') {
			fputs(" zone: ", fp);
			pol_write_name(fp, e->zone);
			fputs(",", fp);
		}
		if (e->class[0] != '\0') {
			fputs(" class: ", fp);
			pol_write_name(fp, e->class);
			fputs(",", fp);
		}
		fprintf(fp, " proto: %s", pol_proto_name(e->proto));
		if ((e->proto == 6 || e->proto == 17) &&
		    !(e->port_lo == 0 && e->port_hi == 65535)) {
			if (e->port_lo == e->port_hi)
				fprintf(fp, ", port: %u", e->port_lo);
			else
				fprintf(fp, ", port: \"%u-%u\"", e->port_lo,
				    e->port_hi);
		}
		if (e->app[0] != '\0') {
			fputs(", app: ", fp);
			pol_write_name(fp, e->app);
		}
		fputs(" }\n", fp);
	}
}

void
policy_write_yaml(FILE *fp, const struct pol_profile *p)
{
	switch (p->target) {
	case POL_T_DEVICE:
		fputs("  - device: ", fp);
		break;
	case POL_T_FINGERPRINT:
		fputs("  - fingerprint: ", fp);
		break;
	default:
		fputs("  - class: ", fp);
		break;
	}
	pol_write_name(fp, p->name);
	fputs("\n", fp);
	fprintf(fp, "    mode: %s\n", p->mode == POL_MODE_OBSERVE ? "observe" :
	    "enforce");
	pol_write_list(fp, "initiate", &p->initiate);
	pol_write_list(fp, "accept", &p->accept);
	fputs("    hl7:\n", fp);
	pol_write_names(fp, "      ", "send", &p->hl7_send);
	pol_write_names(fp, "      ", "receive", &p->hl7_receive);
	fputs("    dicom:\n", fp);
	pol_write_names(fp, "      ", "scu", &p->dicom_scu);
	pol_write_names(fp, "      ", "scp", &p->dicom_scp);
	pol_write_names(fp, "      ", "ae-titles", &p->dicom_ae);
	fprintf(fp, "    internet: %s\n", p->internet ? "allow" : "deny");
	if (p->internet)
		pol_write_names(fp, "    ", "countries", &p->countries);
	fprintf(fp, "    cleartext-logins: %s\n", p->cleartext_logins ?
	    "allow" : "forbid");
	fprintf(fp, "    max-fan-out: %u\n", p->max_fanout);
	fprintf(fp, "    fan-out-window: %u\n", p->fanout_window);
}

/*
 * ---- the state's compact form ----
 *
 * What devices learned and did is saved for every device at every
 * checkpoint and read again at every start; as YAML (the form above)
 * reading a hospital's inventory was most of a continued run's start.
 * The compact form is one line per item, fields split by one space:
 *
 *	wwpol 1				(POL_COMPACT_MAGIC, once)
 *	p TARGET NAME MODE INTERNET CLEARTEXT MAX-FAN-OUT WINDOW
 *	i ZONE CLASS PROTO PORT-LO PORT-HI APP	(initiate; a: accept)
 *	s NAME				(hl7 send; r: hl7 receive)
 *	u NAME				(dicom scu; v: scp; t: AE titles)
 *	c NAME				(countries)
 *
 * TARGET is c (class), d (device), f (fingerprint) or l (learned);
 * MODE e or o; INTERNET and CLEARTEXT 0 or 1.  A name is "-" when
 * empty; its bytes outside '!'..'~', '%' and a lone "-" are written
 * %XX.  Items belong to the "p" line above them.  Unlike the YAML it
 * keeps every value as it was (any protocol number, any byte of an AE
 * title), so what is read is what was written.
 */

/*
 * The text is put together in memory, not through stdio: the text of
 * every device's learned and seen sets is written at each checkpoint,
 * and the calls into stdio were most of the work.  Every line is given
 * room for its longest form first (a name of n bytes is at most 3n + 2
 * written), then filled without checks.
 */
void
policy_out_room(struct pol_out *o, size_t n)
{
	size_t cap;

	if (o->cap - o->len >= n)
		return;
	for (cap = o->cap != 0 ? o->cap : 256; cap - o->len < n; cap *= 2)
		;
	o->p = xreallocarray(o->p, cap, 1);
	o->cap = cap;
}

void
policy_out_add(struct pol_out *o, const void *b, size_t n)
{
	policy_out_room(o, n);
	memcpy(o->p + o->len, b, n);
	o->len += n;
}

/* " NAME" at p (room: 3 * strlen(s) + 2); returns the end. */
static char *
pol_compact_name(char *p, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *c;

	*p++ = ' ';
	if (s[0] == '\0') {
		*p++ = '-';
		return p;
	}
	if (s[0] == '-' && s[1] == '\0') {
		memcpy(p, "%2D", 3);
		return p + 3;
	}
	for (c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c >= '!' && *c <= '~' && *c != '%')
			*p++ = (char)*c;
		else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 0xf];
		}
	return p;
}

/* Room for " NAME" of a name of a struct pol_entry (bounded). */
#define POL_CNAME_ROOM	(3 * (POL_NAME_MAX - 1) + 2)

/* " v", v in decimal (room: 1 + FMT_UINT_MAX). */
static char *
pol_compact_uint(char *p, uint32_t v)
{
	*p++ = ' ';
	return p + fmt_uint(p, v);
}

static void
pol_compact_names(struct pol_out *o, char tag, const struct pol_names *l)
{
	size_t i, n;
	char *p;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i]);
		policy_out_room(o, 3 * n + 4);
		p = o->p + o->len;
		*p++ = tag;
		p = pol_compact_name(p, l->v[i]);
		*p++ = '\n';
		o->len = (size_t)(p - o->p);
	}
}

static void
pol_compact_list(struct pol_out *o, char tag, const struct pol_list *l)
{
	const struct pol_entry *e;
	size_t i;
	char *p;

	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		policy_out_room(o, 2 + 3 * POL_CNAME_ROOM +
		    3 * (1 + FMT_UINT_MAX));
		p = o->p + o->len;
		*p++ = tag;
		p = pol_compact_name(p, e->zone);
		p = pol_compact_name(p, e->class);
		p = pol_compact_uint(p, e->proto);
		p = pol_compact_uint(p, e->port_lo);
		p = pol_compact_uint(p, e->port_hi);
		p = pol_compact_name(p, e->app);
		*p++ = '\n';
		o->len = (size_t)(p - o->p);
	}
}

void
policy_compact_put(struct pol_out *o, const struct pol_profile *p)
{
	static const char targets[] = "cdfl";
	char *w;

	policy_out_room(o, 4 + POL_CNAME_ROOM + 2 + 4 * (1 + FMT_UINT_MAX) +
	    1);
	w = o->p + o->len;
	*w++ = 'p';
	*w++ = ' ';
	*w++ = p->target < 4 ? targets[p->target] : 'c';
	w = pol_compact_name(w, p->name);
	*w++ = ' ';
	*w++ = p->mode == POL_MODE_OBSERVE ? 'o' : 'e';
	w = pol_compact_uint(w, p->internet);
	w = pol_compact_uint(w, p->cleartext_logins);
	w = pol_compact_uint(w, p->max_fanout);
	w = pol_compact_uint(w, p->fanout_window);
	*w++ = '\n';
	o->len = (size_t)(w - o->p);
	pol_compact_list(o, 'i', &p->initiate);
	pol_compact_list(o, 'a', &p->accept);
	pol_compact_names(o, 's', &p->hl7_send);
	pol_compact_names(o, 'r', &p->hl7_receive);
	pol_compact_names(o, 'u', &p->dicom_scu);
	pol_compact_names(o, 'v', &p->dicom_scp);
	pol_compact_names(o, 't', &p->dicom_ae);
	pol_compact_names(o, 'c', &p->countries);
}

void
policy_write_compact(FILE *fp, const struct pol_profile *p)
{
	struct pol_out o;

	memset(&o, 0, sizeof(o));
	policy_compact_put(&o, p);
	fwrite(o.p, 1, o.len, fp);
	free(o.p);
}

/* A line being read: its fields one after the other. */
struct pol_cline {
	const char	*p, *end;
	bool		 bad;
};

static int
pol_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The next field as a name (unescaped into out), or bad. */
static void
pol_cline_name(struct pol_cline *cl, char out[POL_NAME_MAX])
{
	size_t n = 0;
	int hi, lo;

	out[0] = '\0';
	if (cl->bad || cl->p >= cl->end || *cl->p != ' ') {
		cl->bad = true;
		return;
	}
	cl->p++;
	if (cl->p < cl->end && *cl->p == '-' && (cl->p + 1 == cl->end ||
	    cl->p[1] == ' ')) {
		cl->p++;
		return;
	}
	while (cl->p < cl->end && *cl->p != ' ') {
		char c = *cl->p++;

		if (c == '%') {
			if (cl->end - cl->p < 2 ||
			    (hi = pol_hexval(cl->p[0])) < 0 ||
			    (lo = pol_hexval(cl->p[1])) < 0 ||
			    hi * 16 + lo == 0) {
				cl->bad = true;
				return;
			}
			c = (char)(hi * 16 + lo);
			cl->p += 2;
		}
		if (n + 1 >= POL_NAME_MAX) {
			cl->bad = true;
			return;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n == 0)
		cl->bad = true;
}

/* The next field as a number up to max, or bad. */
static uint32_t
pol_cline_uint(struct pol_cline *cl, uint32_t max)
{
	uint64_t v = 0;
	size_t n = 0;

	if (cl->bad || cl->p >= cl->end || *cl->p != ' ') {
		cl->bad = true;
		return 0;
	}
	cl->p++;
	while (cl->p < cl->end && *cl->p >= '0' && *cl->p <= '9' && n < 10) {
		v = v * 10 + (uint64_t)(*cl->p++ - '0');
		n++;
	}
	if (n == 0 || v > max || (cl->p < cl->end && *cl->p != ' '))
		cl->bad = true;
	return (uint32_t)v;
}

/* The next field as one of the letters of set: its index, or bad. */
static int
pol_cline_letter(struct pol_cline *cl, const char *set)
{
	const char *c;

	if (cl->bad || cl->end - cl->p < 2 || cl->p[0] != ' ' ||
	    (cl->end - cl->p > 2 && cl->p[2] != ' ') || cl->p[1] == '\0' ||
	    (c = strchr(set, cl->p[1])) == NULL) {
		cl->bad = true;
		return 0;
	}
	cl->p += 2;
	return (int)(c - set);
}

static void
pol_compact_profile_free(struct pol_profile *p)
{
	if (p != NULL) {
		policy_profile_clear(p);
		free(p);
	}
}

int
policy_load_compact(struct policy *pol, const char *name, const char *buf,
    size_t len, FILE *err)
{
	const char *end = buf + len, *nl;
	char s[POL_NAME_MAX];
	struct pol_profile *p = NULL;
	struct pol_cline cl;
	struct pol_names *names;
	struct pol_list *list;
	struct pol_entry e;
	size_t line = 1, mlen = strlen(POL_COMPACT_MAGIC);
	const char *file = policy_intern(pol, name);

	if (len < mlen || memcmp(buf, POL_COMPACT_MAGIC, mlen) != 0) {
		if (err != NULL)
			fprintf(err, "%s:1:1: not the compact form\n", name);
		return 1;
	}
	for (buf += mlen; buf < end; buf = nl + 1) {
		line++;
		if ((nl = memchr(buf, '\n', (size_t)(end - buf))) == NULL)
			goto bad;	/* every line ends */
		cl.p = buf + 1;
		cl.end = nl;
		cl.bad = false;
		names = NULL;
		list = NULL;
		switch (nl > buf ? *buf : '\0') {
		case 'p':
			if (p != NULL)
				policy_add(pol, p);
			p = xcalloc(1, sizeof(*p));
			policy_profile_init(p, (enum pol_target)
			    pol_cline_letter(&cl, "cdfl"), NULL);
			pol_cline_name(&cl, p->name);
			p->file = file;
			p->line = (uint32_t)line;
			if (!cl.bad && p->target == POL_T_DEVICE &&
			    pol_mac(p->name, p->mac) == -1)
				cl.bad = true;
			p->mode = (uint8_t)pol_cline_letter(&cl, "eo");
			p->internet = pol_cline_uint(&cl, 1) != 0;
			p->cleartext_logins = pol_cline_uint(&cl, 1) != 0;
			p->max_fanout = pol_cline_uint(&cl, UINT32_MAX);
			p->fanout_window = pol_cline_uint(&cl, UINT32_MAX);
			break;
		case 'i':
			list = p != NULL ? &p->initiate : NULL;
			break;
		case 'a':
			list = p != NULL ? &p->accept : NULL;
			break;
		case 's':
			names = p != NULL ? &p->hl7_send : NULL;
			break;
		case 'r':
			names = p != NULL ? &p->hl7_receive : NULL;
			break;
		case 'u':
			names = p != NULL ? &p->dicom_scu : NULL;
			break;
		case 'v':
			names = p != NULL ? &p->dicom_scp : NULL;
			break;
		case 't':
			names = p != NULL ? &p->dicom_ae : NULL;
			break;
		case 'c':
			names = p != NULL ? &p->countries : NULL;
			break;
		default:
			goto bad;
		}
		if (*buf != 'p' && p == NULL)
			goto bad;
		if (list != NULL) {
			memset(&e, 0, sizeof(e));
			pol_cline_name(&cl, e.zone);
			pol_cline_name(&cl, e.class);
			e.proto = (uint8_t)pol_cline_uint(&cl, 255);
			e.port_lo = (uint16_t)pol_cline_uint(&cl, 65535);
			e.port_hi = (uint16_t)pol_cline_uint(&cl, 65535);
			pol_cline_name(&cl, e.app);
			e.line = (uint32_t)line;
			if (cl.bad || cl.p != cl.end ||
			    list->n >= POL_MAX_ENTRIES)
				goto bad;
			pol_list_add(list, &e);
		} else if (names != NULL) {
			pol_cline_name(&cl, s);
			if (cl.bad || cl.p != cl.end || s[0] == '\0' ||
			    names->n >= POL_MAX_ENTRIES)
				goto bad;
			pol_names_add(names, s);
		} else if (cl.bad || cl.p != cl.end || p->name[0] == '\0')
			goto bad;
	}
	if (p != NULL)
		policy_add(pol, p);
	return 0;
 bad:
	if (err != NULL)
		fprintf(err, "%s:%zu:1: bad line in the compact form\n", name,
		    line);
	pol_compact_profile_free(p);
	return 1;
}

int
policy_load_saved(struct policy *pol, const char *name, const char *buf,
    size_t len, FILE *err)
{
	size_t mlen = strlen(POL_COMPACT_MAGIC);

	if (len >= mlen && memcmp(buf, POL_COMPACT_MAGIC, mlen) == 0)
		return policy_load_compact(pol, name, buf, len, err);
	return policy_load_buffer(pol, name, buf, len, err);
}
