/*
 * detect/detect-dataset.c - Suricata's datasets: named sets of strings,
 * MD5 or SHA-256 hashes or addresses that rules test a sticky buffer
 * against (dataset:isset,NAME,...) or add it to (dataset:set,NAME).
 *
 * A set comes from the configuration (datasets: NAME: {type, load},
 * and dicom.known-ae-titles, which fills "dicom-known-ae") or from the
 * first rule that names it with a type.  Entries are kept in a chained
 * hash table in their binary form (hashes decoded from hex, addresses
 * as 4 or 16 bytes); a buffer is turned into that form the same way,
 * so a hash written as hex or as bytes, and an address as text or as
 * bytes, find the same entry.  set and unset change a table the
 * workers share: each set has a mutex, and what is added stays within
 * its memcap.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-int.h"
#include "util/util.h"

#define DS_DEFAULT_MEMCAP	(16u << 20)
#define DS_DEFAULT_HASHSIZE	4096
#define DS_MAX_HASHSIZE		(1u << 24)
#define DS_KEY_MAX		32	/* longest binary key (SHA-256) */

struct ds_entry {
	struct ds_entry	*next;
	uint32_t	 len;
	uint8_t		 data[];
};

struct dataset {
	char		*name;
	uint8_t		 type;		/* enum ds_type */
	struct ds_entry	**b;
	uint32_t	 nb;
	uint64_t	 memcap, memuse;
	size_t		 n;
	pthread_mutex_t	 mu;
};

static const char *const ds_type_names[DS_TYPE_MAX] = {
	[DS_STRING] = "string", [DS_MD5] = "md5", [DS_SHA256] = "sha256",
	[DS_IPV4] = "ipv4", [DS_IP] = "ip",
};

int
detect_dataset_type(const char *s)
{
	int i;

	for (i = 0; i < DS_TYPE_MAX; i++)
		if (strcmp(ds_type_names[i], s) == 0)
			return i;
	return -1;
}

static uint32_t
ds_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static bool
unhex(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i;

	for (i = 0; i < len; i += 2) {
		int hi = isxdigit(in[i]) ? (isdigit(in[i]) ? in[i] - '0' :
		    tolower(in[i]) - 'a' + 10) : -1;
		int lo = isxdigit(in[i + 1]) ? (isdigit(in[i + 1]) ?
		    in[i + 1] - '0' : tolower(in[i + 1]) - 'a' + 10) : -1;

		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* The buffer in the set's binary form: *out points to it, *olen long. */
static bool
ds_key(uint8_t type, const uint8_t *buf, size_t len, uint8_t *tmp,
    const uint8_t **out, size_t *olen)
{
	char text[64];
	size_t hl = type == DS_MD5 ? 16 : 32;

	switch (type) {
	case DS_STRING:
		*out = buf;
		*olen = len;
		return true;
	case DS_MD5:
	case DS_SHA256:
		if (len == hl) {
			*out = buf;
			*olen = len;
			return true;
		}
		if (len != 2 * hl || !unhex(buf, len, tmp))
			return false;
		*out = tmp;
		*olen = hl;
		return true;
	default:
		if (len == 4 && type == DS_IPV4) {
			*out = buf;
			*olen = 4;
			return true;
		}
		if (len == 16 && type == DS_IP) {
			*out = buf;
			*olen = 16;
			return true;
		}
		if (len == 4) {		/* IPv4 bytes in an ip set */
			memset(tmp, 0, 10);
			tmp[10] = tmp[11] = 0xff;
			memcpy(tmp + 12, buf, 4);
			*out = tmp;
			*olen = 16;
			return true;
		}
		if (len == 0 || len >= sizeof(text))
			return false;
		memcpy(text, buf, len);
		text[len] = '\0';
		if (inet_pton(AF_INET, text, type == DS_IPV4 ? tmp : tmp + 12)
		    == 1) {
			if (type == DS_IP) {
				memset(tmp, 0, 10);
				tmp[10] = tmp[11] = 0xff;
			}
			*out = tmp;
			*olen = type == DS_IPV4 ? 4 : 16;
			return true;
		}
		if (type == DS_IP && inet_pton(AF_INET6, text, tmp) == 1) {
			*out = tmp;
			*olen = 16;
			return true;
		}
		return false;
	}
}

static struct ds_entry **
ds_find(struct dataset *d, const uint8_t *k, size_t n)
{
	struct ds_entry **pp = &d->b[ds_hash(k, n) % d->nb];

	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->len == n && memcmp((*pp)->data, k, n) == 0)
			break;
	return pp;
}

/* Add a key (binary form); 1 added, 0 already there, -1 over memcap. */
static int
ds_add(struct dataset *d, const uint8_t *k, size_t n)
{
	struct ds_entry **pp = ds_find(d, k, n), *en;
	uint64_t cost = sizeof(*en) + n;

	if (*pp != NULL)
		return 0;
	if (d->memuse + cost > d->memcap)
		return -1;
	en = xcalloc(1, sizeof(*en) + n);
	en->next = NULL;
	en->len = (uint32_t)n;
	memcpy(en->data, k, n);
	*pp = en;
	d->memuse += cost;
	d->n++;
	return 1;
}

int
detect_dataset_find(const struct detect_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nds; i++)
		if (strcmp(e->ds[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* One entry as a load file writes it: base64 for strings (Suricata's
 * format), hex for hashes, text for addresses; ",..." after it (a
 * datarep value) is ignored. */
static int
ds_add_line(struct dataset *d, char *line)
{
	uint8_t tmp[DS_KEY_MAX], *dec;
	const uint8_t *k;
	size_t n;
	char *c;
	int got, rc;

	if ((c = strchr(line, ',')) != NULL)
		*c = '\0';
	n = strlen(line);
	if (d->type == DS_STRING) {
		dec = xcalloc(1, n + 1);
		got = detect_b64_decode((const uint8_t *)line, n, dec, n + 1);
		if (got <= 0) {
			free(dec);
			return -1;
		}
		rc = ds_add(d, dec, (size_t)got);
		free(dec);
		return rc < 0 ? -2 : 0;
	}
	/* a text line is never taken as binary bytes */
	if ((d->type == DS_MD5 && n != 32) || (d->type == DS_SHA256 &&
	    n != 64) || ((d->type == DS_IPV4 || d->type == DS_IP) &&
	    (n == 4 || n == 16)) || !ds_key(d->type, (const uint8_t *)line,
	    n, tmp, &k, &n))
		return -1;
	return ds_add(d, k, n) < 0 ? -2 : 0;
}

static int
ds_load(struct dataset *d, const char *path, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *s, *end;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (f == NULL) {
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if ((rc = ds_add_line(d, s)) != 0) {
			(void)snprintf(why, whylen, rc == -2 ? "%s:%u: dataset "
			    "'%s' over its memcap" : "%s:%u: invalid %s entry "
			    "for dataset '%s'", path, lineno, rc == -2 ?
			    d->name : ds_type_names[d->type], d->name);
			rc = -1;
			break;
		}
	}
	free(line);
	(void)fclose(f);
	return rc;
}

int
detect_dataset_get(struct detect_engine *e, const char *name, int type,
    const char *load, uint64_t memcap, uint32_t hashsize, char *why,
    size_t whylen)
{
	struct dataset *d;
	int ix = detect_dataset_find(e, name);

	if (ix >= 0) {
		d = e->ds[ix];
		if (type >= 0 && type != d->type) {
			(void)snprintf(why, whylen, "dataset '%s' is of type "
			    "%s, not %s", name, ds_type_names[d->type],
			    ds_type_names[type]);
			return -1;
		}
		if (load != NULL && ds_load(d, load, why, whylen) != 0)
			return -1;
		return ix;
	}
	if (type < 0) {
		(void)snprintf(why, whylen, "dataset '%s' needs a type", name);
		return -1;
	}
	if (hashsize > DS_MAX_HASHSIZE) {
		(void)snprintf(why, whylen, "dataset '%s': hashsize over %u",
		    name, DS_MAX_HASHSIZE);
		return -1;
	}
	d = xcalloc(1, sizeof(*d));
	d->name = xstrdup(name);
	d->type = (uint8_t)type;
	d->nb = hashsize > 0 ? hashsize : DS_DEFAULT_HASHSIZE;
	d->b = xcalloc(d->nb, sizeof(*d->b));
	d->memcap = memcap > 0 ? memcap : DS_DEFAULT_MEMCAP;
	(void)pthread_mutex_init(&d->mu, NULL);
	e->ds = xreallocarray(e->ds, e->nds + 1, sizeof(*e->ds));
	e->ds[e->nds++] = d;
	if (load != NULL && ds_load(d, load, why, whylen) != 0)
		return -1;	/* freed with the engine */
	return (int)e->nds - 1;
}

int
detect_dataset_add(struct detect_engine *e, int ix, const uint8_t *buf,
    size_t len)
{
	uint8_t tmp[DS_KEY_MAX];
	const uint8_t *k;
	size_t n;
	struct dataset *d = e->ds[ix];

	if (!ds_key(d->type, buf, len, tmp, &k, &n))
		return -1;
	return ds_add(d, k, n) < 0 ? -1 : 0;
}

size_t
detect_dataset_size(const struct detect_engine *e, int ix)
{
	return e->ds[ix]->n;
}

bool
detect_dataset_match(const struct detect_engine *e, unsigned ix,
    unsigned cmd, const uint8_t *buf, size_t len)
{
	struct dataset *d = e->ds[ix];
	uint8_t tmp[DS_KEY_MAX];
	const uint8_t *k;
	struct ds_entry **pp, *gone;
	size_t n;
	bool found, ok = false;

	if (!ds_key(d->type, buf, len, tmp, &k, &n))
		return cmd == DS_ISNOTSET;
	(void)pthread_mutex_lock(&d->mu);
	pp = ds_find(d, k, n);
	found = *pp != NULL;
	switch (cmd) {
	case DS_ISSET:
		ok = found;
		break;
	case DS_ISNOTSET:
		ok = !found;
		break;
	case DS_SET:
		/* Suricata: matches when the value was new */
		ok = !found && ds_add(d, k, n) == 1;
		break;
	case DS_UNSET:
		if (found) {
			gone = *pp;
			*pp = gone->next;
			d->memuse -= sizeof(*gone) + gone->len;
			d->n--;
			free(gone);
		}
		ok = found;
		break;
	}
	(void)pthread_mutex_unlock(&d->mu);
	return ok;
}

void
detect_datasets_free(struct detect_engine *e)
{
	struct ds_entry *en, *next;
	size_t i;
	uint32_t j;

	for (i = 0; i < e->nds; i++) {
		struct dataset *d = e->ds[i];

		for (j = 0; j < d->nb; j++)
			for (en = d->b[j]; en != NULL; en = next) {
				next = en->next;
				free(en);
			}
		free(d->b);
		free(d->name);
		(void)pthread_mutex_destroy(&d->mu);
		free(d);
	}
	free(e->ds);
	e->ds = NULL;
	e->nds = 0;
}
