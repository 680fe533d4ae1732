/*
 * fpdb.c - the fingerprint database: loading profiles/fingerprints/
 * files, matching evidence against them, canonical vendor names.
 *
 * profiles/README.md is the contract, with the data files and with the
 * device code that feeds evidence in.  A file is a mapping of two lists:
 *
 *	vendors:      - { name: Baxter, match: ["Baxter*"] }
 *	fingerprints: - { name: x, class: c, vendor: v, model: m,
 *	                  confidence: 1..100, match: { key: glob(s) } }
 *
 * cfgyaml.c parses the text into a tree with a line and column on every
 * node; the tree is walked here because cfgyaml_apply()'s key table
 * describes fixed keys, not lists of entries.  Every problem is reported
 * at its node and the walk goes on, so one run shows every mistake; an
 * entry with an error is left out of the database.  Names are unique
 * over every file loaded into one database, so a duplicate says where
 * the first one was, file included.
 *
 * Strings live in an arena freed with the database.  Rules, their match
 * clauses and the globs are three arrays indexed by position, so even
 * FPDB_MAX_FINGERPRINTS rules are a handful of allocations and matching
 * walks memory in order.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/evidence.h"
#include "device/fpdb.h"
#include "util/cfgyaml.h"
#include "util/util.h"

#define FPDB_NAME_BUCKETS	(2 * FPDB_MAX_FINGERPRINTS)	/* pow2 */
#define FPDB_CHUNK		(64u << 10)	/* arena block */
#define FPDB_MATCH_STACK	256	/* evidence items keyed on the stack */
#define SHOW_MAX		64	/* bytes of a string quoted back */

/*
 * The evidence keys are those of app/evidence.def that fingerprints
 * match (EVIDENCE_F_MATCH); a clause keeps one as a uint8_t and the
 * matcher its signed char index, or -1.
 */
_Static_assert(EVIDENCE_MAX <= 127, "evidence ids fit a signed char");

static const char *const fpdb_classes[FP_CLASS_MAX] = {
	[FP_CLASS_UNKNOWN] = "unknown",
	[FP_CLASS_INFUSION_PUMP] = "infusion-pump",
	[FP_CLASS_PATIENT_MONITOR] = "patient-monitor",
	[FP_CLASS_VENTILATOR] = "ventilator",
	[FP_CLASS_DIALYSIS] = "dialysis",
	[FP_CLASS_IMAGING_MODALITY] = "imaging-modality",
	[FP_CLASS_IMAGING_WORKSTATION] = "imaging-workstation",
	[FP_CLASS_ULTRASOUND] = "ultrasound",
	[FP_CLASS_LAB_ANALYZER] = "lab-analyzer",
	[FP_CLASS_MEDICAL_GATEWAY] = "medical-gateway",
	[FP_CLASS_INTERFACE_ENGINE] = "interface-engine",
	[FP_CLASS_PACS] = "pacs",
	[FP_CLASS_NURSE_CALL] = "nurse-call",
	[FP_CLASS_CLINICAL_WORKSTATION] = "clinical-workstation",
	[FP_CLASS_SERVER] = "server",
	[FP_CLASS_PRINTER] = "printer",
	[FP_CLASS_NETWORK_INFRASTRUCTURE] = "network-infrastructure",
	[FP_CLASS_IOT] = "iot",
};

/* The keys of the mappings in a file, each list in its schema order. */
static const char *const fpdb_top_keys[] = { "vendors", "fingerprints" };
enum { TOP_VENDORS, TOP_FINGERPRINTS, TOP_MAX };

static const char *const fpdb_fp_keys[] = {
	"name", "class", "vendor", "model", "confidence", "match"
};
enum { FP_NAME, FP_CLASS, FP_VENDOR, FP_MODEL, FP_CONFIDENCE, FP_MATCH,
	FP_MAX };

static const char *const fpdb_vendor_keys[] = { "name", "match" };
enum { VN_NAME, VN_MATCH, VN_MAX };

/* A rule's match keys: one clause each, in file order. */
struct fpdb_clause {
	uint32_t	 glob;		/* first, in db->globs */
	uint8_t		 nglobs;	/* 1..FPDB_MAX_GLOBS */
	uint8_t		 key;		/* enum evidence_key */
};

struct fpdb_rule {
	const char	*name;
	const char	*vendor;	/* NULL: not set */
	const char	*model;		/* NULL: not set */
	int		 class;		/* -1: not set */
	unsigned	 confidence;
	uint32_t	 clause;	/* first, in db->clauses */
	uint32_t	 nclauses;	/* >= 1 */
	uint64_t	 keys[2];	/* a bit per clause's key (< 128) */
};

struct fpdb_vendor {
	const char	*name;
	uint32_t	 glob;
	uint32_t	 nglobs;
};

/*
 * Every fingerprint name seen, with where it was, including those of
 * entries left out for other errors: a duplicate is reported even
 * before the first one is fixed.
 */
struct fpdb_name {
	const char	*name;
	const char	*file;
	size_t		 line, col;
	bool		 builtin;	/* from the compiled-in set */
};

struct fpdb_chunk {
	struct fpdb_chunk	*next;
	size_t			 used, size;
	char			 data[];
};

struct fpdb {
	struct fpdb_rule	*rules;
	size_t			 nrules, rules_cap;
	struct fpdb_clause	*clauses;
	size_t			 nclauses, clauses_cap;
	const char		**globs;
	size_t			 nglobs, globs_cap;
	struct fpdb_vendor	*vendors;
	size_t			 nvendors, vendors_cap;
	struct fpdb_name	*names;
	size_t			 nnames, names_cap;
	uint32_t		*buckets;	/* names index + 1; 0: free */
	struct fpdb_chunk	*arena;
	size_t			 nreplaced;	/* built-ins a local file has */
	struct fpdb_index	*index;		/* NULL: scan */
};

static void	index_free(struct fpdb_index *);

/* One file being loaded. */
struct fpdb_load {
	struct fpdb	*db;
	struct cfgyaml	 y;
	const char	*file;		/* in the arena */
	bool		 fp_full;	/* the cap was reported */
	bool		 vendor_full;
	bool		 classes_listed;	/* with the first bad class */
	bool		 keys_listed;	/* with the first bad match key */
	bool		 builtin;	/* loading the compiled-in set */
	bool		 replaced;	/* this entry's name is a local one's */
};

/* Room for every class or every matched evidence key, comma-separated. */
#define FPDB_LIST_MAX		2048

const char *
fp_class_name(enum fp_class c)
{
	if ((int)c < 0 || c >= FP_CLASS_MAX)
		return NULL;
	return fpdb_classes[c];
}

int
fp_class_lookup(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < FP_CLASS_MAX; i++)
		if (strcmp(fpdb_classes[i], s) == 0)
			return i;
	return -1;
}

/* The id of an evidence key fingerprints match, or -1. */
static int
key_lookup(const char *s)
{
	int k = evidence_key_lookup(s);

	if (k == -1 || !(evidence_key_flags((unsigned)k) & EVIDENCE_F_MATCH))
		return -1;
	return k;
}

bool
fp_key_valid(const char *key)
{
	return key_lookup(key) != -1;
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Bytes in the character at s: a byte and its UTF-8 continuation bytes. */
static size_t
charlen(const unsigned char *s)
{
	size_t n = 1;

	if (s[0] >= 0xc0)
		while (n < 4 && (s[n] & 0xc0) == 0x80)
			n++;
	return n;
}

/*
 * The last-star algorithm: '*' first matches nothing; on a mismatch the
 * last '*' takes one more character and the pattern after it starts
 * again there.  Earlier stars never need to take more, because whatever
 * they would take the last one can take instead, so there is no
 * backtracking beyond one '*' and at most |p| x |s| steps.
 */
bool
fp_glob(const char *pattern, const char *str)
{
	const unsigned char *p = (const unsigned char *)pattern;
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *star_p = NULL, *star_s = NULL, *next;
	unsigned char c;

	if (p == NULL || s == NULL)
		return false;
	while (*s != '\0') {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;	/* a trailing '*' takes all */
			star_p = p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s += charlen(s);
			continue;
		}
		c = *p;
		next = p + 1;
		if (c == '\\' && p[1] != '\0') {
			c = p[1];
			next = p + 2;
		}
		if (c != '\0' && lower(c) == lower(*s)) {
			p = next;
			s++;
			continue;
		}
		if (star_p == NULL)
			return false;
		star_s += charlen(star_s);
		s = star_s;
		p = star_p;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* Strings: copied into arena blocks that live as long as the database. */
static const char *
arena_strdup(struct fpdb *db, const char *s, size_t len)
{
	struct fpdb_chunk *ch = db->arena;
	size_t size;
	char *p;

	if (ch == NULL || ch->size - ch->used < len + 1) {
		size = len + 1 > FPDB_CHUNK ? len + 1 : FPDB_CHUNK;
		if ((ch = malloc(sizeof(*ch) + size)) == NULL)
			return NULL;
		ch->used = 0;
		ch->size = size;
		ch->next = db->arena;
		db->arena = ch;
	}
	p = ch->data + ch->used;
	memcpy(p, s, len);
	p[len] = '\0';
	ch->used += len + 1;
	return p;
}

/* Room for need elements in *p; NULL (and *p untouched) if none. */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return p;
	ncap = *cap == 0 ? 64 : *cap;
	while (ncap < need)
		ncap *= 2;
	if ((np = reallocarray(p, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return np;
}

struct fpdb *
fpdb_new(void)
{
	struct fpdb *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if ((db->buckets = calloc(FPDB_NAME_BUCKETS,
	    sizeof(*db->buckets))) == NULL)
		goto out_free_db;
	return db;

 out_free_db:
	free(db);
	return NULL;
}

void
fpdb_free(struct fpdb *db)
{
	struct fpdb_chunk *ch, *next;

	if (db == NULL)
		return;
	for (ch = db->arena; ch != NULL; ch = next) {
		next = ch->next;
		free(ch);
	}
	index_free(db->index);
	free(db->buckets);
	free(db->names);
	free(db->vendors);
	free(db->globs);
	free(db->clauses);
	free(db->rules);
	free(db);
}

size_t
fpdb_count(const struct fpdb *db)
{
	return db->nrules;
}

size_t
fpdb_vendor_count(const struct fpdb *db)
{
	return db->nvendors;
}

size_t
fpdb_replaced_count(const struct fpdb *db)
{
	return db->nreplaced;
}

/* FNV-1a: names come from our own files, not from traffic. */
static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The bucket holding name, or the free one where it would go. */
static uint32_t *
name_bucket(const struct fpdb *db, const char *name)
{
	uint32_t i = name_hash(name) & (FPDB_NAME_BUCKETS - 1);

	while (db->buckets[i] != 0 &&
	    strcmp(db->names[db->buckets[i] - 1].name, name) != 0)
		i = (i + 1) & (FPDB_NAME_BUCKETS - 1);
	return &db->buckets[i];
}

bool
fpdb_has(const struct fpdb *db, const char *name)
{
	return db->nnames > 0 && *name_bucket(db, name) != 0;
}

static bool
stopped(const struct cfgyaml *y)
{
	return y->nerrors >= CFGYAML_MAX_ERRORS;
}

static void
nomem(struct fpdb_load *ld)
{
	cfgyaml_error_file(&ld->y, "out of memory");
}

/* A string as a message quotes it: control characters replaced, cut. */
static const char *
quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[o++] = '"';
	for (i = 0; i < len && i < SHOW_MAX && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (i < len) {
		/* Never half a UTF-8 sequence. */
		while (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 1 && (unsigned char)buf[o - 1] >= 0xc0)
			o--;
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/*
 * The index in names[] of a mapping key, or -1 after reporting it:
 * not a name, unknown ('unknown' says what kind of key it should be,
 * 'expect' lists them), or a duplicate of an earlier one (seen[]).
 */
static int
key_index(struct cfgyaml *y, const struct cfgyaml_node *k,
    const char *const *names, size_t n, const char *unknown,
    const char *expect, const struct cfgyaml_node **seen)
{
	char show[CFGYAML_SHOWBUF];
	size_t i;

	if (k->kind == CFGYAML_BAD)
		return -1;
	if (k->kind != CFGYAML_SCALAR) {
		cfgyaml_error(y, k, "keys must be names, not %s",
		    cfgyaml_describe(k, show, sizeof(show)));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strlen(k->str) == k->len && strcmp(names[i], k->str) == 0)
			break;
	if (i == n) {
		if (expect != NULL)
			cfgyaml_error(y, k, "%s %s (expected %s)", unknown,
			    quote(k->str, k->len, show, sizeof(show)), expect);
		else
			cfgyaml_error(y, k, "%s %s", unknown,
			    quote(k->str, k->len, show, sizeof(show)));
		return -1;
	}
	if (seen[i] != NULL) {
		cfgyaml_error(y, k, "duplicate key \"%s\" (first at line %zu, "
		    "column %zu)", names[i], seen[i]->line, seen[i]->col);
		return -1;
	}
	seen[i] = k;
	return (int)i;
}

/*
 * A one-line string of at most max bytes: no NUL, no control character
 * (these end up in JSON records and terminals).  NULL after reporting.
 */
static const char *
get_string(struct cfgyaml *y, const char *path, const struct cfgyaml_node *v,
    size_t max)
{
	char show[CFGYAML_SHOWBUF];
	size_t i;

	if (v->kind == CFGYAML_BAD)
		return NULL;
	if (cfgyaml_is_null(v)) {
		cfgyaml_error(y, v, "%s: missing value", path);
		return NULL;
	}
	if (v->kind != CFGYAML_SCALAR) {
		cfgyaml_error(y, v, "%s: expected a string, got %s", path,
		    cfgyaml_describe(v, show, sizeof(show)));
		return NULL;
	}
	if (v->len == 0) {
		cfgyaml_error(y, v, "%s: must not be empty", path);
		return NULL;
	}
	if (v->len > max) {
		cfgyaml_error(y, v, "%s: longer than %zu bytes", path, max);
		return NULL;
	}
	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->str[i];

		if (c == '\0') {
			cfgyaml_error(y, v, "%s: contains a NUL character",
			    path);
			return NULL;
		}
		if (c < 0x20 || c == 0x7f) {
			cfgyaml_error(y, v, "%s: contains a control character",
			    path);
			return NULL;
		}
	}
	return v->str;
}

/* Append one glob to db->globs. */
static int
add_glob(struct fpdb_load *ld, const char *path, const struct cfgyaml_node *v)
{
	struct fpdb *db = ld->db;
	const char *s, **g;
	size_t i, nbs;

	if ((s = get_string(&ld->y, path, v, FPDB_MAX_GLOB)) == NULL)
		return -1;
	for (nbs = 0, i = v->len; i > 0 && s[i - 1] == '\\'; i--)
		nbs++;
	if (nbs % 2 == 1) {
		cfgyaml_error(&ld->y, v, "%s: glob ends with a lone '\\'",
		    path);
		return -1;
	}
	if ((g = grow(db->globs, &db->globs_cap, db->nglobs + 1,
	    sizeof(*g))) == NULL) {
		nomem(ld);
		return -1;
	}
	db->globs = g;
	if ((g[db->nglobs] = arena_strdup(db, s, v->len)) == NULL) {
		nomem(ld);
		return -1;
	}
	db->nglobs++;
	return 0;
}

/*
 * A glob or a list of 1..FPDB_MAX_GLOBS globs, appended to db->globs.
 * Returns how many, or 0 after an error.
 */
static size_t
load_globs(struct fpdb_load *ld, const char *path,
    const struct cfgyaml_node *v)
{
	struct cfgyaml *y = &ld->y;
	const struct cfgyaml_node *it;
	char show[CFGYAML_SHOWBUF];
	size_t i, n = 0;
	int errs = y->nerrors;

	switch (v->kind) {
	case CFGYAML_BAD:
		return 0;
	case CFGYAML_SCALAR:
		if (cfgyaml_is_null(v)) {
			cfgyaml_error(y, v, "%s: missing value", path);
			return 0;
		}
		return add_glob(ld, path, v) == 0 ? 1 : 0;
	case CFGYAML_MAP:
		cfgyaml_error(y, v, "%s: expected a glob or a list of globs, "
		    "got %s", path, cfgyaml_describe(v, show, sizeof(show)));
		return 0;
	case CFGYAML_SEQ:
		break;
	}
	if (v->nkids == 0) {
		cfgyaml_error(y, v, "%s: empty list", path);
		return 0;
	}
	for (i = 0; i < v->nkids && !stopped(y); i++) {
		it = v->kids[i];
		if (i == FPDB_MAX_GLOBS) {
			cfgyaml_error(y, it, "%s: more than %d globs", path,
			    FPDB_MAX_GLOBS);
			break;
		}
		if (it->kind == CFGYAML_BAD)
			continue;
		if (it->kind != CFGYAML_SCALAR || cfgyaml_is_null(it)) {
			cfgyaml_error(y, it, "%s: expected a glob, got %s",
			    path, cfgyaml_describe(it, show, sizeof(show)));
			continue;
		}
		if (add_glob(ld, path, it) == 0)
			n++;
	}
	return y->nerrors == errs ? n : 0;
}

/*
 * What a file may use, said once per file with the first mistake:
 * " (classes: infusion-pump, ..., unknown)" and " (keys: oui.vendor,
 * ...)", the evidence keys of app/evidence.def fingerprints match.
 */
static const char *
class_list(struct fpdb_load *ld, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	if (ld->classes_listed)
		return buf;
	ld->classes_listed = true;
	strlcpy(buf, " (classes: ", len);
	for (i = 1; i <= FP_CLASS_MAX; i++) {
		/* "unknown" last: the others first, in their order. */
		strlcat(buf, fpdb_classes[i % FP_CLASS_MAX], len);
		strlcat(buf, i < FP_CLASS_MAX ? ", " : ")", len);
	}
	return buf;
}

static const char *
key_list(struct fpdb_load *ld, char *buf, size_t len)
{
	unsigned k;
	bool first = true;

	buf[0] = '\0';
	if (ld->keys_listed)
		return buf;
	ld->keys_listed = true;
	strlcpy(buf, " (keys: ", len);
	for (k = 0; k < EVIDENCE_MAX; k++) {
		if (!(evidence_key_flags(k) & EVIDENCE_F_MATCH))
			continue;
		if (!first)
			strlcat(buf, ", ", len);
		strlcat(buf, evidence_key_name(k), len);
		first = false;
	}
	strlcat(buf, ")", len);
	return buf;
}

/*
 * The evidence key a match clause names, or -1 after reporting it: not
 * a name, not a key of app/evidence.def, one fingerprints do not match
 * ("hostname.dhcp" is stored as "hostname"), or a duplicate.
 */
static int
match_key(struct fpdb_load *ld, const struct cfgyaml_node *k,
    const struct cfgyaml_node **seen)
{
	struct cfgyaml *y = &ld->y;
	char show[CFGYAML_SHOWBUF], list[FPDB_LIST_MAX];
	int key;

	if (k->kind == CFGYAML_BAD)
		return -1;
	if (k->kind != CFGYAML_SCALAR) {
		cfgyaml_error(y, k, "keys must be names, not %s",
		    cfgyaml_describe(k, show, sizeof(show)));
		return -1;
	}
	key = strlen(k->str) == k->len ? evidence_key_lookup(k->str) : -1;
	if (key == -1) {
		cfgyaml_error(y, k, "unknown evidence key %s%s",
		    quote(k->str, k->len, show, sizeof(show)),
		    key_list(ld, list, sizeof(list)));
		return -1;
	}
	if (!(evidence_key_flags((unsigned)key) & EVIDENCE_F_MATCH)) {
		cfgyaml_error(y, k, "evidence key \"%s\" is not matched by "
		    "fingerprints%s", k->str, key_list(ld, list, sizeof(list)));
		return -1;
	}
	if (seen[key] != NULL) {
		cfgyaml_error(y, k, "duplicate key \"%s\" (first at line %zu, "
		    "column %zu)", k->str, seen[key]->line, seen[key]->col);
		return -1;
	}
	seen[key] = k;
	return key;
}

/* match: a mapping of evidence keys to globs, appended as clauses. */
static void
load_match(struct fpdb_load *ld, const struct cfgyaml_node *m,
    struct fpdb_rule *r)
{
	struct cfgyaml *y = &ld->y;
	struct fpdb *db = ld->db;
	const struct cfgyaml_node *seen[EVIDENCE_MAX] = { NULL };
	struct fpdb_clause *c;
	char show[CFGYAML_SHOWBUF];
	size_t i, first, n;
	int key;

	if (m->kind == CFGYAML_BAD)
		return;
	if (cfgyaml_is_null(m) || (m->kind == CFGYAML_MAP && m->nkids == 0)) {
		cfgyaml_error(y, m, "match: empty");
		return;
	}
	if (m->kind != CFGYAML_MAP) {
		cfgyaml_error(y, m, "match: expected a mapping of evidence "
		    "keys, got %s", cfgyaml_describe(m, show, sizeof(show)));
		return;
	}
	r->clause = (uint32_t)db->nclauses;
	for (i = 0; i + 1 < m->nkids && !stopped(y); i += 2) {
		if ((key = match_key(ld, m->kids[i], seen)) == -1)
			continue;
		first = db->nglobs;
		if ((n = load_globs(ld, evidence_key_name((unsigned)key),
		    m->kids[i + 1])) == 0)
			continue;
		if ((c = grow(db->clauses, &db->clauses_cap,
		    db->nclauses + 1, sizeof(*c))) == NULL) {
			nomem(ld);
			return;
		}
		db->clauses = c;
		c += db->nclauses++;
		c->glob = (uint32_t)first;
		c->nglobs = (uint8_t)n;
		c->key = (uint8_t)key;
	}
	r->nclauses = (uint32_t)(db->nclauses - r->clause);
}

/* [a-z0-9.-]: names go into records and onto command lines. */
static bool
name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '-'))
			return false;
	return true;
}

/* Check a fingerprint's name and remember where it was; NULL if bad. */
static const char *
add_name(struct fpdb_load *ld, const struct cfgyaml_node *v)
{
	struct cfgyaml *y = &ld->y;
	struct fpdb *db = ld->db;
	const struct fpdb_name *first;
	struct fpdb_name *nm;
	char show[CFGYAML_SHOWBUF];
	const char *s;
	uint32_t *b;

	if ((s = get_string(y, "name", v, FPDB_MAX_VALUE)) == NULL)
		return NULL;
	if (!name_ok(s)) {
		cfgyaml_error(y, v, "name: %s has characters other than a-z, "
		    "0-9, '.' and '-'", quote(s, v->len, show, sizeof(show)));
		return NULL;
	}
	b = name_bucket(db, s);
	if (*b != 0) {
		first = &db->names[*b - 1];
		/* A site's own file replaces a built-in fingerprint. */
		if (ld->builtin && !first->builtin) {
			ld->replaced = true;
			return NULL;
		}
		cfgyaml_error(y, v, "duplicate fingerprint \"%s\" (first at "
		    "%s:%zu:%zu)", s, first->file, first->line, first->col);
		return NULL;
	}
	/* The caller checked nnames < FPDB_MAX_FINGERPRINTS. */
	if ((nm = grow(db->names, &db->names_cap, db->nnames + 1,
	    sizeof(*nm))) == NULL) {
		nomem(ld);
		return NULL;
	}
	db->names = nm;
	nm += db->nnames;
	if ((nm->name = arena_strdup(db, s, v->len)) == NULL) {
		nomem(ld);
		return NULL;
	}
	nm->file = ld->file;
	nm->line = v->line;
	nm->col = v->col;
	nm->builtin = ld->builtin;
	*b = (uint32_t)++db->nnames;
	return nm->name;
}

static void
load_fingerprint(struct fpdb_load *ld, const struct cfgyaml_node *e)
{
	struct cfgyaml *y = &ld->y;
	struct fpdb *db = ld->db;
	const struct cfgyaml_node *seen[FP_MAX] = { NULL }, *v[FP_MAX] = {
	    NULL };
	const char *vendor = NULL, *model = NULL, *s;
	struct fpdb_rule r, *rp;
	char show[CFGYAML_SHOWBUF], list[FPDB_LIST_MAX];
	size_t i, nclauses = db->nclauses, nglobs = db->nglobs;
	uint64_t conf;
	int errs = y->nerrors, k;

	if (e->kind == CFGYAML_BAD)
		return;
	if (e->kind != CFGYAML_MAP) {
		cfgyaml_error(y, e, "fingerprints: expected a mapping, got %s",
		    cfgyaml_describe(e, show, sizeof(show)));
		return;
	}
	if (db->nnames >= FPDB_MAX_FINGERPRINTS) {
		if (!ld->fp_full)
			cfgyaml_error(y, e, "more than %d fingerprints",
			    FPDB_MAX_FINGERPRINTS);
		ld->fp_full = true;
		return;
	}
	for (i = 0; i + 1 < e->nkids && !stopped(y); i += 2) {
		k = key_index(y, e->kids[i], fpdb_fp_keys, FP_MAX,
		    "unknown key", "name, class, vendor, model, confidence "
		    "or match", seen);
		if (k != -1)
			v[k] = e->kids[i + 1];
	}
	memset(&r, 0, sizeof(r));
	r.class = -1;
	r.confidence = FPDB_DEFAULT_CONFIDENCE;
	if (v[FP_NAME] == NULL)
		cfgyaml_error(y, e, "missing name");
	else
		r.name = add_name(ld, v[FP_NAME]);
	if (ld->replaced) {
		ld->replaced = false;
		db->nreplaced++;
		return;
	}
	if (v[FP_CLASS] != NULL &&
	    (s = get_string(y, "class", v[FP_CLASS], FPDB_MAX_VALUE)) != NULL &&
	    (r.class = fp_class_lookup(s)) == -1)
		cfgyaml_error(y, v[FP_CLASS], "unknown class %s%s",
		    quote(s, v[FP_CLASS]->len, show, sizeof(show)),
		    class_list(ld, list, sizeof(list)));
	if (v[FP_VENDOR] != NULL)
		vendor = get_string(y, "vendor", v[FP_VENDOR], FPDB_MAX_VALUE);
	if (v[FP_MODEL] != NULL)
		model = get_string(y, "model", v[FP_MODEL], FPDB_MAX_VALUE);
	if (v[FP_CLASS] == NULL && v[FP_VENDOR] == NULL &&
	    v[FP_MODEL] == NULL)
		cfgyaml_error(y, e, "none of class, vendor and model is set");
	if (v[FP_CONFIDENCE] != NULL && cfgyaml_get_uint(y, "confidence",
	    v[FP_CONFIDENCE], 1, 100, &conf) == 0)
		r.confidence = (unsigned)conf;
	if (v[FP_MATCH] == NULL)
		cfgyaml_error(y, e, "missing match");
	else
		load_match(ld, v[FP_MATCH], &r);

	if (y->nerrors != errs)
		goto out_undo;
	if (vendor != NULL && (r.vendor = arena_strdup(db, vendor,
	    v[FP_VENDOR]->len)) == NULL)
		goto out_nomem;
	if (model != NULL && (r.model = arena_strdup(db, model,
	    v[FP_MODEL]->len)) == NULL)
		goto out_nomem;
	if ((rp = grow(db->rules, &db->rules_cap, db->nrules + 1,
	    sizeof(*rp))) == NULL)
		goto out_nomem;
	db->rules = rp;
	memset(r.keys, 0, sizeof(r.keys));
	for (i = 0; i < r.nclauses; i++) {
		k = db->clauses[r.clause + i].key;
		if (k < 128)
			r.keys[k / 64] |= 1ull << (k % 64);
	}
	rp[db->nrules++] = r;
	return;

 out_nomem:
	nomem(ld);
 out_undo:
	db->nclauses = nclauses;
	db->nglobs = nglobs;
}

static void
load_vendor(struct fpdb_load *ld, const struct cfgyaml_node *e)
{
	struct cfgyaml *y = &ld->y;
	struct fpdb *db = ld->db;
	const struct cfgyaml_node *seen[VN_MAX] = { NULL }, *v[VN_MAX] = {
	    NULL };
	struct fpdb_vendor vn, *vp;
	const char *name = NULL;
	char show[CFGYAML_SHOWBUF];
	size_t i, nglobs = db->nglobs;
	int errs = y->nerrors, k;

	if (e->kind == CFGYAML_BAD)
		return;
	if (e->kind != CFGYAML_MAP) {
		cfgyaml_error(y, e, "vendors: expected a mapping, got %s",
		    cfgyaml_describe(e, show, sizeof(show)));
		return;
	}
	if (db->nvendors >= FPDB_MAX_VENDORS) {
		if (!ld->vendor_full)
			cfgyaml_error(y, e, "more than %d vendors",
			    FPDB_MAX_VENDORS);
		ld->vendor_full = true;
		return;
	}
	for (i = 0; i + 1 < e->nkids && !stopped(y); i += 2) {
		k = key_index(y, e->kids[i], fpdb_vendor_keys, VN_MAX,
		    "unknown key", "name or match", seen);
		if (k != -1)
			v[k] = e->kids[i + 1];
	}
	memset(&vn, 0, sizeof(vn));
	if (v[VN_NAME] == NULL)
		cfgyaml_error(y, e, "missing name");
	else
		name = get_string(y, "name", v[VN_NAME], FPDB_MAX_VALUE);
	if (v[VN_MATCH] == NULL)
		cfgyaml_error(y, e, "missing match");
	else {
		vn.glob = (uint32_t)db->nglobs;
		vn.nglobs = (uint32_t)load_globs(ld, "match", v[VN_MATCH]);
	}

	if (y->nerrors != errs)
		goto out_undo;
	if ((vn.name = arena_strdup(db, name, v[VN_NAME]->len)) == NULL)
		goto out_nomem;
	if ((vp = grow(db->vendors, &db->vendors_cap, db->nvendors + 1,
	    sizeof(*vp))) == NULL)
		goto out_nomem;
	db->vendors = vp;
	vp[db->nvendors++] = vn;
	return;

 out_nomem:
	nomem(ld);
 out_undo:
	db->nglobs = nglobs;
}

/*
 * The index: every glob compiled once, and filed under its evidence key
 * and the first byte a value must have, so that a piece of evidence
 * meets only the globs it could match (issue 11).  A glob whose first
 * character is a wildcard is filed under IX_ANY of its key.  Row
 * IX_VENDORS files the vendor entries' globs.
 *
 * A glob of plain characters and '*' (ASCII only) is matched here, a
 * segment at a time: the first one anchored at the start unless the
 * glob starts with '*', the last at the end unless it ends with '*',
 * and each one between at its leftmost place after the one before.
 * That is what fp_glob() finds: a '*' there moves a character at a
 * time, and a segment starting with an ASCII byte can only start on a
 * character's first byte anyway.  A glob with '?' or other bytes keeps
 * fp_glob(), behind the same filters: the length, the first byte, and
 * the ASCII letters it needs.
 */
#define IX_ANY		256			/* slot: wildcard first */
#define IX_SLOTS	257
#define IX_VENDORS	EVIDENCE_MAX		/* row of vendor globs */
#define IX_ROWS		(EVIDENCE_MAX + 1)
#define IX_HITS		256	/* (clause, evidence) pairs on the stack */
#define IX_KEYSLOTS	256	/* pow2, > 2 x the keys fingerprints match */
_Static_assert(EVIDENCE_MAX < IX_KEYSLOTS, "the key table has a free slot");

#define PAT_START	0x01	/* the first segment is at the start */
#define PAT_END		0x02	/* the last segment is at the end */
#define PAT_GLOB	0x04	/* '?' or a non-ASCII byte: fp_glob() */

struct fpdb_pat {
	uint64_t	 need[2];	/* lowered ASCII bytes it needs */
	uint32_t	 lit;		/* lowered segments, in ix->lits */
	uint16_t	 minlen;	/* bytes a value has at least */
	uint8_t		 nseg;		/* '*'-separated segments */
	uint8_t		 flags;		/* PAT_* */
	uint8_t		 seglen[FPDB_MAX_GLOB / 2 + 1];
};

struct fpdb_ent {
	uint32_t	 id;		/* clause, or vendor for IX_VENDORS */
	uint32_t	 glob;
};

struct fpdb_index {
	struct fpdb_pat		*pats;		/* by glob */
	unsigned char		*lits;
	uint32_t		*clause_rule;	/* by clause */
	uint32_t		*off;		/* [IX_ROWS * IX_SLOTS + 1] */
	struct fpdb_ent		*ents;
	/* What was loaded when it was built: any more, and it is old. */
	size_t			 nrules, nvendors, nglobs;
	/* The keys fingerprints match, by ix_key_hash(): id + 1, 0 free. */
	uint8_t			 keys[IX_KEYSLOTS];
};

/* A key's slot from its length and three of its bytes (keys share
 * prefixes, and a device's evidence keys are looked up each time it
 * is fingerprinted). */
static size_t
ix_key_hash(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	return (len * 131 + (size_t)p[0] * 31 + (size_t)p[len - 1] * 7 +
	    p[len / 2]) & (IX_KEYSLOTS - 1);
}

/* key_lookup() through the index's table. */
static int
ix_key_lookup(const struct fpdb_index *ix, const char *s)
{
	size_t len, i;
	int k;

	if (s == NULL || (len = strlen(s)) == 0)
		return key_lookup(s);
	for (i = ix_key_hash(s, len); (k = ix->keys[i]) != 0;
	    i = (i + 1) & (IX_KEYSLOTS - 1))
		if (strcmp(evidence_key_name((unsigned)k - 1), s) == 0)
			return k - 1;
	return -1;
}

/* The index, if it covers everything loaded. */
static const struct fpdb_index *
index_of(const struct fpdb *db)
{
	const struct fpdb_index *ix = db->index;

	if (ix == NULL || ix->nrules != db->nrules ||
	    ix->nvendors != db->nvendors || ix->nglobs != db->nglobs)
		return NULL;
	return ix;
}

/* Where a glob is filed: the lowered first byte, or IX_ANY. */
static unsigned
pat_slot(const char *glob)
{
	unsigned char c = (unsigned char)glob[0];

	if (c == '*' || c == '?')
		return IX_ANY;
	if (c == '\\' && glob[1] != '\0')
		c = (unsigned char)glob[1];
	return lower(c);
}

/* Compile one glob; lits has room for its length. */
static void
pat_compile(struct fpdb_pat *pt, const char *glob, unsigned char *lits)
{
	const unsigned char *p = (const unsigned char *)glob;
	unsigned char c, *out = lits;
	size_t seg = 0;
	bool star = true;	/* the start: a new segment opens */

	memset(pt, 0, sizeof(*pt));
	if (*p != '*')
		pt->flags |= PAT_START;
	while (*p != '\0') {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (seg > 0) {
				pt->seglen[pt->nseg++] = (uint8_t)seg;
				seg = 0;
			}
			star = true;
			continue;
		}
		if (*p == '?') {
			pt->flags |= PAT_GLOB;
			pt->minlen++;
			p++;
			continue;
		}
		c = *p++;
		if (c == '\\' && *p != '\0')
			c = *p++;
		if (c >= 0x80)
			pt->flags |= PAT_GLOB;
		else {
			c = lower(c);
			pt->need[c / 64] |= 1ull << (c % 64);
		}
		*out++ = c;
		seg++;
		pt->minlen++;
		star = false;
	}
	if (seg > 0)
		pt->seglen[pt->nseg++] = (uint8_t)seg;
	if (!star || pt->nseg == 0)
		pt->flags |= PAT_END;
	if (pt->nseg == 0 && !(pt->flags & PAT_START))
		pt->flags &= (uint8_t)~PAT_END;	/* "*": anything */
}

/* Whether n bytes of s are the lowered bytes of lit. */
static bool
lit_eq(const unsigned char *s, const unsigned char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

/* A '*'-only ASCII glob against a value of len bytes. */
static bool
pat_segments(const struct fpdb_pat *pt, const unsigned char *lits,
    const unsigned char *s, size_t len)
{
	const unsigned char *lit = lits + pt->lit;
	size_t i = 0, pos = 0, end = len, n, last;

	if (pt->nseg == 0)
		return !(pt->flags & PAT_START) || len == 0;
	last = pt->nseg;
	if (pt->flags & PAT_START) {
		n = pt->seglen[0];
		if (!lit_eq(s, lit, n))
			return false;
		if (pt->nseg == 1 && (pt->flags & PAT_END))
			return len == n;
		pos = n;
		lit += n;
		i = 1;
	}
	if ((pt->flags & PAT_END) && last > i) {
		n = pt->seglen[--last];
		if (len - pos < n || !lit_eq(s + len - n,
		    lits + pt->lit + (pt->minlen - n), n))
			return false;
		end = len - n;
	}
	for (; i < last; i++) {
		n = pt->seglen[i];
		for (;;) {
			if (end - pos < n)
				return false;
			if (lower(s[pos]) == lit[0] && lit_eq(s + pos, lit, n))
				break;
			pos++;
		}
		pos += n;
		lit += n;
	}
	return true;
}

/* The lowered ASCII bytes of s, and its length. */
static size_t
value_bytes(const char *s, uint64_t have[2])
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c;

	have[0] = have[1] = 0;
	for (; *p != '\0'; p++)
		if ((c = *p) < 0x80) {
			c = lower(c);
			have[c / 64] |= 1ull << (c % 64);
		}
	return (size_t)(p - (const unsigned char *)s);
}

static bool
pat_match(const struct fpdb_index *ix, uint32_t g, const char *glob,
    const char *s, size_t len, const uint64_t have[2])
{
	const struct fpdb_pat *pt = &ix->pats[g];

	if (len < pt->minlen || (pt->need[0] & ~have[0]) != 0 ||
	    (pt->need[1] & ~have[1]) != 0)
		return false;
	if (pt->flags & PAT_GLOB)
		return fp_glob(glob, s);
	return pat_segments(pt, ix->lits, (const unsigned char *)s, len);
}

static void
index_free(struct fpdb_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->pats);
	free(ix->lits);
	free(ix->clause_rule);
	free(ix->off);
	free(ix->ents);
	free(ix);
}

/* The row and slot of a clause's or vendor's glob. */
static size_t
index_cell(const struct fpdb *db, size_t row, uint32_t g)
{
	return row * IX_SLOTS + pat_slot(db->globs[g]);
}

/*
 * (Re)build the index of everything loaded so far.  Without memory
 * there is none, and fpdb_match() and fpdb_vendor() scan.
 */
static void
index_build(struct fpdb *db)
{
	struct fpdb_index *ix;
	const struct fpdb_rule *r;
	const struct fpdb_clause *c;
	const struct fpdb_vendor *v;
	size_t i, j, g, nlit = 0, cell, nents = 0;
	uint32_t *fill;
	const char *name;
	unsigned k;

	index_free(db->index);
	db->index = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return;
	for (g = 0; g < db->nglobs; g++)
		nlit += strlen(db->globs[g]);
	for (i = 0; i < db->nclauses; i++)
		nents += db->clauses[i].nglobs;
	for (i = 0; i < db->nvendors; i++)
		nents += db->vendors[i].nglobs;
	if ((ix->pats = calloc(db->nglobs + 1, sizeof(*ix->pats))) == NULL ||
	    (ix->lits = malloc(nlit + 1)) == NULL ||
	    (ix->clause_rule = calloc(db->nclauses + 1,
	    sizeof(*ix->clause_rule))) == NULL ||
	    (ix->off = calloc(IX_ROWS * IX_SLOTS + 1,
	    sizeof(*ix->off))) == NULL ||
	    (fill = calloc(IX_ROWS * IX_SLOTS, sizeof(*fill))) == NULL)
		goto out_free_ix;
	if ((ix->ents = calloc(nents + 1, sizeof(*ix->ents))) == NULL)
		goto out_free_fill;
	for (g = 0, nlit = 0; g < db->nglobs; g++) {
		pat_compile(&ix->pats[g], db->globs[g], ix->lits + nlit);
		ix->pats[g].lit = (uint32_t)nlit;
		nlit += strlen(db->globs[g]);
	}
	/* Count each cell's entries, then file them in load order. */
	for (i = 0; i < db->nclauses; i++) {
		c = &db->clauses[i];
		for (j = 0; j < c->nglobs; j++)
			ix->off[index_cell(db, c->key, c->glob + j) + 1]++;
	}
	for (i = 0; i < db->nvendors; i++) {
		v = &db->vendors[i];
		for (j = 0; j < v->nglobs; j++)
			ix->off[index_cell(db, IX_VENDORS, v->glob + j) + 1]++;
	}
	for (cell = 0; cell < IX_ROWS * IX_SLOTS; cell++) {
		ix->off[cell + 1] += ix->off[cell];
		fill[cell] = ix->off[cell];
	}
	for (i = 0; i < db->nrules; i++) {
		r = &db->rules[i];
		for (j = 0; j < r->nclauses; j++)
			ix->clause_rule[r->clause + j] = (uint32_t)i;
	}
	for (i = 0; i < db->nclauses; i++) {
		c = &db->clauses[i];
		for (j = 0; j < c->nglobs; j++) {
			cell = index_cell(db, c->key, c->glob + j);
			ix->ents[fill[cell]].id = (uint32_t)i;
			ix->ents[fill[cell]++].glob = c->glob + (uint32_t)j;
		}
	}
	for (i = 0; i < db->nvendors; i++) {
		v = &db->vendors[i];
		for (j = 0; j < v->nglobs; j++) {
			cell = index_cell(db, IX_VENDORS, v->glob + j);
			ix->ents[fill[cell]].id = (uint32_t)i;
			ix->ents[fill[cell]++].glob = v->glob + (uint32_t)j;
		}
	}
	free(fill);
	for (k = 0; k < EVIDENCE_MAX; k++) {
		if (!(evidence_key_flags(k) & EVIDENCE_F_MATCH))
			continue;
		name = evidence_key_name(k);
		for (cell = ix_key_hash(name, strlen(name));
		    ix->keys[cell] != 0; cell = (cell + 1) & (IX_KEYSLOTS - 1))
			;
		ix->keys[cell] = (uint8_t)(k + 1);
	}
	ix->nrules = db->nrules;
	ix->nvendors = db->nvendors;
	ix->nglobs = db->nglobs;
	db->index = ix;
	return;

 out_free_fill:
	free(fill);
 out_free_ix:
	index_free(ix);
}

static int
load_buffer(struct fpdb *db, const char *name, const char *buf, size_t len,
    bool builtin, FILE *err)
{
	static const struct cfgyaml_limits lim = {
		FPDB_MAX_FILE_SIZE, FPDB_MAX_DEPTH, FPDB_MAX_NODES
	};
	const struct cfgyaml_node *seen[TOP_MAX] = { NULL }, *root, *v;
	struct fpdb_load ld;
	char show[CFGYAML_SHOWBUF];
	size_t i, j;
	int k, nerr;

	memset(&ld, 0, sizeof(ld));
	ld.db = db;
	ld.builtin = builtin;
	cfgyaml_parse(&ld.y, name, buf, len, &lim, err);
	if ((ld.file = arena_strdup(db, name, strlen(name))) == NULL)
		nomem(&ld);
	root = ld.y.root;
	if (ld.y.aborted || ld.file == NULL || root == NULL ||
	    root->kind == CFGYAML_BAD || cfgyaml_is_null(root))
		goto out;
	if (root->kind != CFGYAML_MAP) {
		cfgyaml_error(&ld.y, root, "expected a mapping at the top "
		    "level, got %s", cfgyaml_describe(root, show,
		    sizeof(show)));
		goto out;
	}
	for (i = 0; i + 1 < root->nkids && !stopped(&ld.y); i += 2) {
		k = key_index(&ld.y, root->kids[i], fpdb_top_keys, TOP_MAX,
		    "unknown key", "vendors or fingerprints", seen);
		v = root->kids[i + 1];
		if (k == -1 || v->kind == CFGYAML_BAD || cfgyaml_is_null(v))
			continue;
		if (v->kind != CFGYAML_SEQ) {
			cfgyaml_error(&ld.y, v, "%s: expected a list, got %s",
			    fpdb_top_keys[k], cfgyaml_describe(v, show,
			    sizeof(show)));
			continue;
		}
		for (j = 0; j < v->nkids && !stopped(&ld.y); j++) {
			if (k == TOP_VENDORS)
				load_vendor(&ld, v->kids[j]);
			else
				load_fingerprint(&ld, v->kids[j]);
		}
	}
 out:
	nerr = ld.y.nerrors;
	cfgyaml_free(&ld.y);
	return nerr;
}

int
fpdb_load_buffer(struct fpdb *db, const char *name, const char *buf,
    size_t len, FILE *err)
{
	int nerr = load_buffer(db, name, buf, len, false, err);

	index_build(db);
	return nerr;
}

static void __attribute__((format(printf, 2, 3)))
file_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}

/*
 * Read at most FPDB_MAX_FILE_SIZE + 1 bytes, so that an oversized or
 * endless file is refused (by cfgyaml_parse()) without reading it all.
 */
static int
load_file(struct fpdb *db, const char *path, FILE *err)
{
	char *buf;
	size_t len;
	int e, nerr;

	if ((e = util_read_file(path, FPDB_MAX_FILE_SIZE, &buf, &len)) != 0) {
		file_error(err, "%s: %s", path,
		    e == ENOMEM ? "out of memory" : strerror(e));
		return 1;
	}
	nerr = load_buffer(db, path, buf, len, false, err);
	free(buf);
	return nerr;
}

int
fpdb_load_file(struct fpdb *db, const char *path, FILE *err)
{
	int nerr = load_file(db, path, err);

	index_build(db);
	return nerr;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_yaml(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".yaml") == 0;
}

int
fpdb_load_dir(struct fpdb *db, const char *dir, FILE *err)
{
	char **names = NULL, **nn, path[PATH_MAX];
	size_t i, n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int nerr = 0;

	if ((d = opendir(dir)) == NULL) {
		file_error(err, "%s: %s", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_yaml(de->d_name))
			continue;
		if (n == FPDB_MAX_FILES) {
			file_error(err, "%s: more than %d *.yaml files", dir,
			    FPDB_MAX_FILES);
			nerr++;
			break;
		}
		if ((nn = grow(names, &cap, n + 1, sizeof(*nn))) == NULL)
			goto out_nomem;
		names = nn;
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto out_nomem;
		n++;
	}
	closedir(d);
	if (n == 0 && nerr == 0) {
		file_error(err, "%s: no *.yaml file", dir);
		nerr++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path)) {
			file_error(err, "%s/%s: name too long", dir, names[i]);
			nerr++;
			continue;
		}
		nerr += load_file(db, path, err);
	}
	goto out_free_names;

 out_nomem:
	closedir(d);
	file_error(err, "%s: out of memory", dir);
	nerr++;
 out_free_names:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	index_build(db);
	return nerr;
}

/*
 * The generated table is in the order make listed the files; load them
 * in name order as fpdb_load_dir() does (a handful: a simple selection).
 */
int
fpdb_load_builtin(struct fpdb *db, FILE *err)
{
	const struct fpdb_builtin_file *f, *best;
	const char *prev = NULL;
	char name[256];
	size_t i, k;
	int nerr = 0;

	if (fpdb_builtin_nfiles == 0) {
		file_error(err, "no built-in fingerprint file");
		return 1;
	}
	for (k = 0; k < fpdb_builtin_nfiles; k++) {
		best = NULL;
		for (i = 0; i < fpdb_builtin_nfiles; i++) {
			f = &fpdb_builtin_files[i];
			if ((prev == NULL || strcmp(f->name, prev) > 0) &&
			    (best == NULL || strcmp(f->name, best->name) < 0))
				best = f;
		}
		if (best == NULL)
			break;
		prev = best->name;
		snprintf(name, sizeof(name), "profiles/fingerprints/%s",
		    best->name);
		nerr += load_buffer(db, name, (const char *)best->data,
		    best->len, true, err);
	}
	index_build(db);
	return nerr;
}

/*
 * Whether a glob cannot match str because it starts with a plain
 * character that str does not start with (most globs are a vendor's or
 * product's name and a '*': every device is matched against them all).
 */
static bool
glob_skips(const char *pattern, const char *str)
{
	unsigned char c = (unsigned char)pattern[0];

	return c != '*' && c != '?' && c != '\\' && c != '\0' &&
	    lower(c) != lower((unsigned char)str[0]);
}

static bool
clause_matches(const struct fpdb *db, const struct fpdb_clause *c,
    const char *value)
{
	const char *g;
	size_t i;

	for (i = 0; i < c->nglobs; i++) {
		g = db->globs[c->glob + i];
		if (!glob_skips(g, value) && fp_glob(g, value))
			return true;
	}
	return false;
}

size_t
fpdb_match_scan(const struct fpdb *db, const struct fp_evidence *ev,
    size_t n, struct fp_match *out, size_t max)
{
	signed char kbuf[FPDB_MATCH_STACK], *kidx;
	/* On the stack: the evidence of each key, in order (-1 ends). */
	short head[EVIDENCE_MAX], next[FPDB_MATCH_STACK];
	bool chained = n <= FPDB_MATCH_STACK;
	const struct fpdb_rule *r;
	const struct fpdb_clause *c;
	const char *src = NULL;
	uint64_t have[2] = { ~0ull, ~0ull };
	size_t i, j, e, found = 0;
	int key, k;

	/* Resolve each evidence key once; without memory, every time. */
	kidx = n <= sizeof(kbuf) ? kbuf : malloc(n);
	if (kidx != NULL) {
		have[0] = have[1] = 0;
		for (e = 0; e < n; e++) {
			kidx[e] = (signed char)(ev[e].value != NULL ?
			    key_lookup(ev[e].key) : -1);
			if ((k = kidx[e]) >= 0)	/* a signed char */
				have[k / 64] |= 1ull << (k % 64);
		}
	}
	/*
	 * A clause looks only at the evidence of its key: most rules
	 * name keys a device has none of, and end at their first clause
	 * without a scan of its evidence.
	 */
	if (chained) {
		for (k = 0; k < EVIDENCE_MAX; k++)
			head[k] = -1;
		for (e = n; e-- > 0;)
			if ((k = kidx[e]) >= 0 && k < EVIDENCE_MAX) {
				next[e] = head[k];
				head[k] = (short)e;
			}
	}
	for (i = 0; i < db->nrules; i++) {
		r = &db->rules[i];
		/* A rule with a clause on a key the device has no evidence
		 * of cannot match (most rules, for most devices). */
		if ((r->keys[0] & ~have[0]) != 0 ||
		    (r->keys[1] & ~have[1]) != 0)
			continue;
		for (j = 0; j < r->nclauses; j++) {
			c = &db->clauses[r->clause + j];
			if (chained && c->key < EVIDENCE_MAX) {
				for (k = head[c->key]; k != -1; k = next[k])
					if (clause_matches(db, c,
					    ev[k].value))
						break;
				e = k == -1 ? n : (size_t)k;
			} else
				for (e = 0; e < n; e++) {
					key = kidx != NULL ? kidx[e] :
					    ev[e].value != NULL ?
					    key_lookup(ev[e].key) : -1;
					if (key == c->key &&
					    clause_matches(db, c,
					    ev[e].value))
						break;
				}
			if (e == n)
				break;
			if (j == 0)
				src = ev[e].value;
		}
		if (j < r->nclauses)
			continue;
		if (found < max) {
			out[found].name = r->name;
			out[found].class = r->class;
			out[found].vendor = r->vendor;
			out[found].model = r->model;
			out[found].confidence = r->confidence;
			out[found].key = db->clauses[r->clause].key;
			out[found].source = evidence_key_name(out[found].key);
			out[found].value = src;
		}
		found++;
	}
	if (kidx != kbuf)
		free(kidx);
	return found;
}

const char *
fpdb_vendor_scan(const struct fpdb *db, const char *org)
{
	const struct fpdb_vendor *v;
	size_t i, j;

	if (org == NULL)
		return NULL;
	for (i = 0; i < db->nvendors; i++) {
		v = &db->vendors[i];
		for (j = 0; j < v->nglobs; j++)
			if (!glob_skips(db->globs[v->glob + j], org) &&
			    fp_glob(db->globs[v->glob + j], org))
				return v->name;
	}
	return NULL;
}

/* A glob of a clause matched a piece of evidence. */
struct fpdb_hit {
	uint32_t	 clause;
	uint32_t	 ev;
};

/* Collect the (clause, evidence) pairs that match; -1: more than max. */
static ssize_t
index_hits(const struct fpdb *db, const struct fp_evidence *ev, size_t n,
    struct fpdb_hit *hits, size_t max)
{
	const struct fpdb_index *ix = db->index;	/* index_of() */
	const struct fpdb_ent *en, *end;
	const uint32_t *off;
	uint64_t have[2];
	size_t e, len, nh = 0, s;
	int k, pass;

	for (e = 0; e < n; e++) {
		if (ev[e].value == NULL ||
		    (k = ix_key_lookup(ix, ev[e].key)) == -1)
			continue;
		off = ix->off + (size_t)k * IX_SLOTS;
		s = lower((unsigned char)ev[e].value[0]);
		if (off[s] == off[s + 1] && off[IX_ANY] == off[IX_ANY + 1])
			continue;
		len = value_bytes(ev[e].value, have);
		for (pass = 0; pass < 2; pass++, s = IX_ANY) {
			end = ix->ents + off[s + 1];
			for (en = ix->ents + off[s]; en < end; en++) {
				if (!pat_match(ix, en->glob,
				    db->globs[en->glob], ev[e].value, len,
				    have))
					continue;
				if (nh == max)
					return -1;
				hits[nh].clause = en->id;
				hits[nh++].ev = (uint32_t)e;
			}
		}
	}
	return (ssize_t)nh;
}

/* By clause, then evidence: rules in file order, the first value. */
static void
hits_sort(struct fpdb_hit *h, size_t n)
{
	struct fpdb_hit t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = h[i];
		for (j = i; j > 0 && (h[j - 1].clause > t.clause ||
		    (h[j - 1].clause == t.clause && h[j - 1].ev > t.ev)); j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
}

static void
match_out(const struct fpdb *db, const struct fpdb_rule *r, const char *src,
    struct fp_match *out)
{
	out->name = r->name;
	out->class = r->class;
	out->vendor = r->vendor;
	out->model = r->model;
	out->confidence = r->confidence;
	out->key = db->clauses[r->clause].key;
	out->source = evidence_key_name((unsigned)out->key);
	out->value = src;
}

/*
 * The evidence meets only the globs filed under its key and first byte
 * (and those starting with a wildcard); a rule matches when each of its
 * clauses has a hit.  Hits sorted by clause are rules in file order,
 * and the first hit of a rule's first clause is the first value the
 * scan would have taken.
 */
size_t
fpdb_match(const struct fpdb *db, const struct fp_evidence *ev, size_t n,
    struct fp_match *out, size_t max)
{
	struct fpdb_hit hits[IX_HITS];
	const struct fpdb_rule *r;
	const char *src;
	ssize_t nh;
	size_t i, j, found = 0;
	uint32_t want, last;

	if (index_of(db) == NULL ||
	    (nh = index_hits(db, ev, n, hits, IX_HITS)) == -1)
		return fpdb_match_scan(db, ev, n, out, max);
	hits_sort(hits, (size_t)nh);
	for (i = 0; i < (size_t)nh; i = j) {
		r = &db->rules[db->index->clause_rule[hits[i].clause]];
		last = r->clause + r->nclauses;
		src = ev[hits[i].ev].value;
		want = r->clause;
		for (j = i; j < (size_t)nh && hits[j].clause < last; j++)
			if (hits[j].clause == want)
				want++;
		/* Sorted: a clause without a hit leaves want short. */
		if (want != last || hits[i].clause != r->clause)
			continue;
		if (found < max)
			match_out(db, r, src, &out[found]);
		found++;
	}
	return found;
}

bool
fpdb_indexed(const struct fpdb *db)
{
	return index_of(db) != NULL;
}

const char *
fpdb_vendor(const struct fpdb *db, const char *org)
{
	const struct fpdb_index *ix = index_of(db);
	const struct fpdb_ent *en, *end;
	const uint32_t *off;
	uint64_t have[2];
	uint32_t best = UINT32_MAX;
	size_t s, len;
	int pass;

	if (org == NULL)
		return NULL;
	if (ix == NULL)
		return fpdb_vendor_scan(db, org);
	off = ix->off + (size_t)IX_VENDORS * IX_SLOTS;
	s = lower((unsigned char)org[0]);
	len = value_bytes(org, have);
	/* Each cell is in load order: its first match is its best. */
	for (pass = 0; pass < 2; pass++, s = IX_ANY) {
		end = ix->ents + off[s + 1];
		for (en = ix->ents + off[s]; en < end && en->id < best; en++)
			if (pat_match(ix, en->glob, db->globs[en->glob], org,
			    len, have)) {
				best = en->id;
				break;
			}
	}
	return best == UINT32_MAX ? NULL : db->vendors[best].name;
}
