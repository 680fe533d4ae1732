/*
 * claims.c - the confidences of direct claims: profiles/claims.yaml.
 *
 * The file is one mapping:
 *
 *	claims:
 *	  dicom.manufacturer: 85	# an evidence key: 1..100
 *
 * A key must be one of app/evidence.def that names a device attribute;
 * each such key must have its confidence, so a key added to the table
 * without one is an error, not a claim that silently never happens.
 * cfgyaml.c parses the text into a tree with a line and column on every
 * node, and every problem is reported at its node.
 */
#include <config.h>

#include <string.h>

#include "device/claims.h"
#include "device/device.h"
#include "util/cfgyaml.h"

#define CLAIMS_MAX_DEPTH	4	/* nested collections */
#define CLAIMS_MAX_NODES	1024	/* YAML nodes */

#define CLAIMS_A_NONE		(-1)
#define CLAIMS_A_VENDOR		DEV_A_VENDOR
#define CLAIMS_A_MODEL		DEV_A_MODEL
#define CLAIMS_A_SOFTWARE	DEV_A_SOFTWARE
#define CLAIMS_A_SERIAL		DEV_A_SERIAL
#define CLAIMS_A_HOSTNAME	DEV_A_HOSTNAME

/* The attribute column of app/evidence.def. */
static const int claims_attrs[EVIDENCE_MAX] = {
#define WW_EVIDENCE(id, key, attr, flags)				\
	[EVIDENCE_##id] = CLAIMS_A_##attr,
#include "app/evidence.def"
#undef WW_EVIDENCE
};

int
claims_attr(unsigned key)
{
	return key < EVIDENCE_MAX ? claims_attrs[key] : CLAIMS_A_NONE;
}

unsigned
claims_confidence(const struct claims *c, enum evidence_key key)
{
	return (unsigned)key < EVIDENCE_MAX ? c->confidence[key] : 0;
}

/* One "key: confidence" pair of the claims mapping. */
static void
claims_load_pair(struct cfgyaml *y, struct claims *c,
    const struct cfgyaml_node *k, const struct cfgyaml_node *v,
    const struct cfgyaml_node **seen)
{
	char show[CFGYAML_SHOWBUF];
	uint64_t conf;
	int key;

	if (k->kind == CFGYAML_BAD)
		return;
	if (k->kind != CFGYAML_SCALAR) {
		cfgyaml_error(y, k, "keys must be names, not %s",
		    cfgyaml_describe(k, show, sizeof(show)));
		return;
	}
	key = strlen(k->str) == k->len ? evidence_key_lookup(k->str) : -1;
	if (key == -1) {
		cfgyaml_error(y, k, "unknown evidence key %s",
		    cfgyaml_describe(k, show, sizeof(show)));
		return;
	}
	if (claims_attr((unsigned)key) == CLAIMS_A_NONE) {
		cfgyaml_error(y, k, "evidence key \"%s\" names no device "
		    "attribute", k->str);
		return;
	}
	if (seen[key] != NULL) {
		cfgyaml_error(y, k, "duplicate key \"%s\" (first at line %zu, "
		    "column %zu)", k->str, seen[key]->line, seen[key]->col);
		return;
	}
	seen[key] = k;
	if (v->kind != CFGYAML_BAD &&
	    cfgyaml_get_uint(y, k->str, v, 1, 100, &conf) == 0)
		c->confidence[key] = (uint8_t)conf;
}

int
claims_load_buffer(struct claims *c, const char *name, const char *buf,
    size_t len, FILE *err)
{
	static const struct cfgyaml_limits lim = {
		CLAIMS_MAX_FILE_SIZE, CLAIMS_MAX_DEPTH, CLAIMS_MAX_NODES
	};
	const struct cfgyaml_node *seen[EVIDENCE_MAX] = { NULL };
	const struct cfgyaml_node *root, *k, *v, *top = NULL;
	char show[CFGYAML_SHOWBUF];
	struct cfgyaml y;
	size_t i, j;
	int nerr;

	memset(c, 0, sizeof(*c));
	cfgyaml_parse(&y, name, buf, len, &lim, err);
	root = y.root;
	if (y.aborted || (root != NULL && root->kind == CFGYAML_BAD))
		goto out;
	if (root != NULL && !cfgyaml_is_null(root) &&
	    root->kind != CFGYAML_MAP) {
		cfgyaml_error(&y, root, "expected a mapping at the top level, "
		    "got %s", cfgyaml_describe(root, show, sizeof(show)));
		goto out;
	}
	for (i = 0; root != NULL && root->kind == CFGYAML_MAP &&
	    i + 1 < root->nkids; i += 2) {
		k = root->kids[i];
		if (k->kind == CFGYAML_BAD)
			continue;
		if (k->kind != CFGYAML_SCALAR || strlen(k->str) != k->len ||
		    strcmp(k->str, "claims") != 0) {
			cfgyaml_error(&y, k, "unknown key %s (expected claims)",
			    cfgyaml_describe(k, show, sizeof(show)));
			continue;
		}
		if (top != NULL) {
			cfgyaml_error(&y, k, "duplicate key \"claims\" (first "
			    "at line %zu, column %zu)", top->line, top->col);
			continue;
		}
		top = k;
		v = root->kids[i + 1];
		if (v->kind == CFGYAML_BAD)
			continue;
		if (v->kind != CFGYAML_MAP) {
			cfgyaml_error(&y, v, "claims: expected a mapping of "
			    "evidence keys to confidences, got %s",
			    cfgyaml_describe(v, show, sizeof(show)));
			continue;
		}
		for (j = 0; j + 1 < v->nkids &&
		    y.nerrors < CFGYAML_MAX_ERRORS; j += 2)
			claims_load_pair(&y, c, v->kids[j], v->kids[j + 1],
			    seen);
	}
	if (top == NULL) {
		cfgyaml_error_file(&y, "missing claims");
		goto out;
	}
	for (i = 0; i < EVIDENCE_MAX; i++)
		if (claims_attr((unsigned)i) != CLAIMS_A_NONE &&
		    seen[i] == NULL)
			cfgyaml_error_file(&y, "claims: no confidence for "
			    "\"%s\"", evidence_key_name((unsigned)i));
 out:
	nerr = y.nerrors;
	cfgyaml_free(&y);
	return nerr;
}

int
claims_load_builtin(struct claims *c, FILE *err)
{
	const struct claims_builtin_file *f = &claims_builtin_files[0];
	char name[256];

	if (claims_builtin_nfiles != 1) {
		if (err != NULL)
			fprintf(err, "no built-in profiles/claims.yaml\n");
		return 1;
	}
	snprintf(name, sizeof(name), "profiles/%s", f->name);
	return claims_load_buffer(c, name, (const char *)f->data, f->len,
	    err);
}
