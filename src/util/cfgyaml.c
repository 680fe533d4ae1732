/*
 * cfgyaml.c - strict, bounded YAML loading for configuration files.
 *
 * libyaml's document loader cannot be stopped part way, and its parser
 * is superlinear in nesting depth (libyaml 0.2.5, Debian 12: 40 000
 * '[' take about 3 s, 200 000 more than a minute), so we drive the
 * event parser ourselves and stop at the first event past a limit.
 * Aliases are never expanded: the first one is an error, which is what
 * defeats "billion laughs".
 *
 * The tree is then checked against a key table: one row per leaf key
 * with its type, range and field offset.  Sections are implied by the
 * dotted paths.  Errors do not stop the walk, so one run reports every
 * mistake in the file (up to CFGYAML_MAX_ERRORS).
 */
#include <config.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/cfgyaml.h"
#include "util/util.h"

/* Longest piece of a value quoted back in a message. */
#define SHOW_MAX	64	/* fits CFGYAML_SHOWBUF */

static void __attribute__((format(printf, 4, 0)))
verror_at(struct cfgyaml *y, size_t line, size_t col, const char *fmt,
    va_list ap)
{
	if (y->nerrors >= CFGYAML_MAX_ERRORS)
		return;
	y->nerrors++;
	if (y->err != NULL) {
		if (line > 0)
			fprintf(y->err, "%s:%zu:%zu: ", y->name, line, col);
		else
			fprintf(y->err, "%s: ", y->name);
		vfprintf(y->err, fmt, ap);
		fputc('\n', y->err);
		if (y->nerrors == CFGYAML_MAX_ERRORS)
			fprintf(y->err, "%s: too many errors, stopping\n",
			    y->name);
	}
}

static void __attribute__((format(printf, 4, 5)))
error_at(struct cfgyaml *y, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(y, line, col, fmt, ap);
	va_end(ap);
}

void
cfgyaml_error(struct cfgyaml *y, const struct cfgyaml_node *n,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(y, n != NULL ? n->line : 1, n != NULL ? n->col : 1, fmt,
	    ap);
	va_end(ap);
}

void
cfgyaml_error_file(struct cfgyaml *y, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(y, 0, 0, fmt, ap);
	va_end(ap);
}

static bool
stopped(const struct cfgyaml *y)
{
	return y->nerrors >= CFGYAML_MAX_ERRORS;
}

static void
node_free(struct cfgyaml_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

void
cfgyaml_free(struct cfgyaml *y)
{
	node_free(y->root);
	y->root = NULL;
}

/*
 * Line and column (1-based, in characters) of a byte offset; libyaml
 * gives only the offset for encoding errors.
 */
static void
offset_to_mark(const char *buf, size_t len, size_t off, size_t *line,
    size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

static void
syntax_error(struct cfgyaml *y, const yaml_parser_t *p, const char *buf,
    size_t len)
{
	const char *problem = p->problem != NULL ? p->problem : "parse error";
	size_t line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		cfgyaml_error_file(y, "out of memory");
		break;
	case YAML_READER_ERROR:
		offset_to_mark(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			error_at(y, line, col, "%s (0x%02x)", problem,
			    (unsigned)p->problem_value);
		else
			error_at(y, line, col, "%s", problem);
		break;
	default:
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
		if (p->context != NULL)
			error_at(y, line, col, "%s (%s)", problem, p->context);
		else
			error_at(y, line, col, "%s", problem);
		break;
	}
}

/* Create a node at mark and attach it under the open collection. */
static struct cfgyaml_node *
node_add(struct cfgyaml *y, const struct cfgyaml_limits *lim,
    struct cfgyaml_node **stack, size_t depth, enum cfgyaml_kind kind,
    const yaml_mark_t *mark)
{
	struct cfgyaml_node *n, *parent, **nk;
	size_t ncap;

	if (y->nnodes >= lim->max_nodes) {
		error_at(y, mark->line + 1, mark->column + 1,
		    "more than %zu nodes", lim->max_nodes);
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		goto out_nomem;
	y->nnodes++;
	n->kind = kind;
	n->line = mark->line + 1;
	n->col = mark->column + 1;
	if (depth == 0) {
		y->root = n;
		return n;
	}
	parent = stack[depth - 1];
	if (parent->nkids == parent->kcap) {
		ncap = parent->kcap == 0 ? 8 : parent->kcap * 2;
		if ((nk = reallocarray(parent->kids, ncap, sizeof(*nk))) ==
		    NULL)
			goto out_free_node;
		parent->kids = nk;
		parent->kcap = ncap;
	}
	parent->kids[parent->nkids++] = n;
	return n;

 out_free_node:
	free(n);
 out_nomem:
	cfgyaml_error_file(y, "out of memory");
	return NULL;
}

/*
 * Anchors and tags are refused: a configuration needs neither, anchors
 * only serve aliases, and tags (!!python/object...) are an attack
 * surface.  Returns true if the node is acceptable.
 */
static bool
check_props(struct cfgyaml *y, const yaml_event_t *ev,
    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	bool ok = true;

	if (anchor != NULL) {
		error_at(y, ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "anchors are not allowed (&%.*s)", SHOW_MAX,
		    (const char *)anchor);
		ok = false;
	}
	if (tag != NULL) {
		error_at(y, ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "tags are not allowed (%.*s)", SHOW_MAX,
		    (const char *)tag);
		ok = false;
	}
	return ok;
}

int
cfgyaml_parse(struct cfgyaml *y, const char *name, const char *buf,
    size_t len, const struct cfgyaml_limits *lim, FILE *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct cfgyaml_node **stack, *n;
	size_t depth = 0;
	int ndocs = 0;
	bool done = false, ok;

	memset(y, 0, sizeof(*y));
	y->name = name;
	y->err = err;
	if (len > lim->max_size) {
		cfgyaml_error_file(y, "file is larger than %zu bytes",
		    lim->max_size);
		y->aborted = true;
		return y->nerrors;
	}
	if ((stack = calloc(lim->max_depth + 1, sizeof(*stack))) == NULL) {
		cfgyaml_error_file(y, "out of memory");
		y->aborted = true;
		return y->nerrors;
	}
	if (!yaml_parser_initialize(&parser)) {
		free(stack);
		cfgyaml_error_file(y, "out of memory");
		y->aborted = true;
		return y->nerrors;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	/* UTF-8 only: a UTF-16 file fails as invalid UTF-8, not silently. */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done && !y->aborted) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(y, &parser, buf, len);
			y->aborted = true;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				error_at(y, ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "only one document is allowed");
				done = true;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			error_at(y, ev.start_mark.line + 1,
			    ev.start_mark.column + 1,
			    "aliases are not allowed (*%.*s)", SHOW_MAX,
			    (const char *)ev.data.alias.anchor);
			if (node_add(y, lim, stack, depth, CFGYAML_BAD,
			    &ev.start_mark) == NULL)
				y->aborted = true;
			break;
		case YAML_SCALAR_EVENT:
			ok = check_props(y, &ev, ev.data.scalar.anchor,
			    ev.data.scalar.tag);
			if ((n = node_add(y, lim, stack, depth, ok ?
			    CFGYAML_SCALAR : CFGYAML_BAD, &ev.start_mark)) ==
			    NULL) {
				y->aborted = true;
				break;
			}
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE;
			if ((n->str = malloc(n->len + 1)) == NULL) {
				cfgyaml_error_file(y, "out of memory");
				y->aborted = true;
				break;
			}
			memcpy(n->str, ev.data.scalar.value, n->len);
			n->str[n->len] = '\0';
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				ok = check_props(y, &ev,
				    ev.data.sequence_start.anchor,
				    ev.data.sequence_start.tag);
			else
				ok = check_props(y, &ev,
				    ev.data.mapping_start.anchor,
				    ev.data.mapping_start.tag);
			if (depth >= lim->max_depth) {
				error_at(y, ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "nesting deeper than %zu levels",
				    lim->max_depth);
				y->aborted = true;
				break;
			}
			if ((n = node_add(y, lim, stack, depth, !ok ?
			    CFGYAML_BAD : ev.type == YAML_SEQUENCE_START_EVENT ?
			    CFGYAML_SEQ : CFGYAML_MAP, &ev.start_mark)) ==
			    NULL) {
				y->aborted = true;
				break;
			}
			stack[depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (stopped(y))
			y->aborted = true;
	}
	yaml_parser_delete(&parser);
	free(stack);
	return y->nerrors;
}

bool
cfgyaml_is_null(const struct cfgyaml_node *n)
{
	if (n->kind != CFGYAML_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0;
}

/*
 * A string as a message quotes it: a short excerpt in double quotes,
 * control characters replaced, never half a UTF-8 sequence.
 */
static const char *
show_str(const char *s, size_t len, bool quote, char *buf, size_t size)
{
	size_t i, o = 0;

	if (quote)
		buf[o++] = '"';
	for (i = 0; i < len && o + 5 < size && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (i < len) {
		while (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 1 && (unsigned char)buf[o - 1] >= 0xc0)
			o--;
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

const char *
cfgyaml_describe(const struct cfgyaml_node *n, char *buf, size_t size)
{
	switch (n->kind) {
	case CFGYAML_MAP:
		return "a mapping";
	case CFGYAML_SEQ:
		return "a list";
	case CFGYAML_BAD:
		return "an invalid node";
	case CFGYAML_SCALAR:
		break;
	}
	if (cfgyaml_is_null(n))
		return "nothing";
	if (!n->plain)
		return "a quoted string";
	return show_str(n->str, n->len, true, buf, size);
}

void
cfgyaml_format_size(uint64_t v, char *buf, size_t size)
{
	if (v != 0 && v % (1ULL << 30) == 0)
		snprintf(buf, size, "%" PRIu64 "gb", v >> 30);
	else if (v != 0 && v % (1ULL << 20) == 0)
		snprintf(buf, size, "%" PRIu64 "mb", v >> 20);
	else if (v != 0 && v % (1ULL << 10) == 0)
		snprintf(buf, size, "%" PRIu64 "kb", v >> 10);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static void
store_uint(void *p, size_t size, uint64_t v)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	switch (size) {
	case 1:
		u8 = (uint8_t)v;
		memcpy(p, &u8, 1);
		break;
	case 2:
		u16 = (uint16_t)v;
		memcpy(p, &u16, 2);
		break;
	case 4:
		u32 = (uint32_t)v;
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static bool
is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* "-123": a number, but a negative one. */
static bool
is_negative(const char *s)
{
	if (*s++ != '-' || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Common checks for a key that wants a scalar. */
static bool
want_scalar(struct cfgyaml *y, const char *path,
    const struct cfgyaml_node *v, const char *what)
{
	char show[CFGYAML_SHOWBUF];

	if (v->kind == CFGYAML_BAD)
		return false;
	if (v->kind == CFGYAML_SCALAR && cfgyaml_is_null(v)) {
		cfgyaml_error(y, v, "%s: missing value", path);
		return false;
	}
	if (v->kind != CFGYAML_SCALAR) {
		cfgyaml_error(y, v, "%s: expected %s, got %s", path, what,
		    cfgyaml_describe(v, show, sizeof(show)));
		return false;
	}
	return true;
}

int
cfgyaml_get_uint(struct cfgyaml *y, const char *path,
    const struct cfgyaml_node *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char show[CFGYAML_SHOWBUF];
	const char *errstr;

	if (!want_scalar(y, path, v, "an integer"))
		return -1;
	if (!v->plain || (v->str[0] == '0' && v->str[1] != '\0')) {
		/* "010" is octal to some YAML readers: refuse the doubt. */
		cfgyaml_error(y, v, "%s: expected an integer, got %s", path,
		    cfgyaml_describe(v, show, sizeof(show)));
		return -1;
	}
	if (parse_uint(v->str, min, max, out, &errstr) == 0)
		return 0;
	if (strcmp(errstr, "invalid") != 0 || is_negative(v->str))
		cfgyaml_error(y, v, "%s: %s is out of range (%" PRIu64 " to %"
		    PRIu64 ")", path, show_str(v->str, v->len, false, show,
		    sizeof(show)), min, max);
	else
		cfgyaml_error(y, v, "%s: expected an integer, got %s", path,
		    cfgyaml_describe(v, show, sizeof(show)));
	return -1;
}

static int
get_size(struct cfgyaml *y, const char *path, const struct cfgyaml_node *v,
    uint64_t min, uint64_t max, uint64_t *out)
{
	char show[CFGYAML_SHOWBUF], lo[32], hi[32];
	struct cfgyaml_node tmp;
	const char *errstr;

	if (!want_scalar(y, path, v, "a size"))
		return -1;
	if (parse_size(v->str, min, max, out, &errstr) == 0 &&
	    strlen(v->str) == v->len)
		return 0;
	/* Quoted sizes are fine; show them like plain ones. */
	tmp = *v;
	tmp.plain = true;
	if (strlen(v->str) == v->len && (strcmp(errstr, "too large") == 0 ||
	    strcmp(errstr, "too small") == 0 || is_negative(v->str))) {
		cfgyaml_format_size(min, lo, sizeof(lo));
		cfgyaml_format_size(max, hi, sizeof(hi));
		cfgyaml_error(y, v, "%s: %s is out of range (%s to %s)", path,
		    show_str(v->str, v->len, false, show, sizeof(show)), lo,
		    hi);
	} else
		cfgyaml_error(y, v, "%s: invalid size %s (a number with an "
		    "optional kb, mb or gb suffix)", path,
		    cfgyaml_describe(&tmp, show, sizeof(show)));
	return -1;
}

static int
parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* "a, b or c" for messages. */
static void
enum_list(const struct cfgenum *e, char *buf, size_t size)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; e[i].name != NULL; i++) {
		if (i > 0)
			strlcat(buf, e[i + 1].name == NULL ? " or " : ", ",
			    size);
		strlcat(buf, e[i].name, size);
	}
}

static const struct cfgenum *
enum_find(const struct cfgenum *e, const struct cfgyaml_node *v)
{
	if (strlen(v->str) != v->len)
		return NULL;
	for (; e->name != NULL; e++)
		if (strcmp(e->name, v->str) == 0)
			return e;
	return NULL;
}

static void
set_flags(struct cfgyaml *y, const struct cfgkey *k, const char *path,
    const struct cfgyaml_node *v, void *field)
{
	char show[CFGYAML_SHOWBUF], names[256];
	const struct cfgenum *e;
	const struct cfgyaml_node *it;
	uint64_t bits = 0;
	size_t i;
	int errs = y->nerrors;

	enum_list(k->enums, names, sizeof(names));
	if (v->kind == CFGYAML_BAD)
		return;
	if (v->kind != CFGYAML_SEQ) {
		if (cfgyaml_is_null(v))
			cfgyaml_error(y, v, "%s: missing value", path);
		else
			cfgyaml_error(y, v, "%s: expected a list of %s, got %s",
			    path, names, cfgyaml_describe(v, show,
			    sizeof(show)));
		return;
	}
	for (i = 0; i < v->nkids && !stopped(y); i++) {
		it = v->kids[i];
		if (it->kind == CFGYAML_BAD)
			continue;
		if (it->kind != CFGYAML_SCALAR ||
		    (e = enum_find(k->enums, it)) == NULL) {
			cfgyaml_error(y, it, "%s: unknown value %s (expected "
			    "%s)", path, cfgyaml_describe(it, show,
			    sizeof(show)),
			    names);
			continue;
		}
		if (bits & e->value) {
			cfgyaml_error(y, it, "%s: duplicate value \"%s\"", path,
			    e->name);
			continue;
		}
		bits |= e->value;
	}
	if (y->nerrors == errs)
		store_uint(field, k->size, bits);
}

static void
set_value(struct cfgyaml *y, const struct cfgkey *k, const char *path,
    const struct cfgyaml_node *v, void *base)
{
	char show[CFGYAML_SHOWBUF], names[256];
	void *field = (char *)base + k->off;
	const struct cfgenum *e;
	uint64_t x;
	char **sp;
	bool b;
	int r;

	switch (k->type) {
	case CFGK_BOOL:
		if (!want_scalar(y, path, v, "true or false"))
			return;
		if (!v->plain || (r = parse_bool(v->str)) == -1) {
			cfgyaml_error(y, v, "%s: expected true or false, "
			    "got %s", path, cfgyaml_describe(v, show,
			    sizeof(show)));
			return;
		}
		b = r == 1;
		memcpy(field, &b, sizeof(b));
		return;
	case CFGK_UINT:
	case CFGK_SIZE:
		if ((k->type == CFGK_UINT ? cfgyaml_get_uint(y, path, v,
		    k->min, k->max, &x) : get_size(y, path, v, k->min, k->max,
		    &x)) == -1)
			return;
		if ((k->flags & CFGK_POW2) && !is_pow2(x)) {
			cfgyaml_error(y, v, "%s: %s is not a power of two",
			    path, show_str(v->str, v->len, false, show,
			    sizeof(show)));
			return;
		}
		store_uint(field, k->size, x);
		return;
	case CFGK_STRING:
		if (!want_scalar(y, path, v, "a string"))
			return;
		if (v->len == 0) {
			cfgyaml_error(y, v, "%s: must not be empty", path);
			return;
		}
		if (strlen(v->str) != v->len) {
			cfgyaml_error(y, v, "%s: contains a NUL character",
			    path);
			return;
		}
		if (v->len > CFGYAML_MAX_STRING) {
			cfgyaml_error(y, v, "%s: longer than %d bytes", path,
			    CFGYAML_MAX_STRING);
			return;
		}
		sp = field;
		free(*sp);
		if ((*sp = strdup(v->str)) == NULL)
			cfgyaml_error(y, v, "%s: out of memory", path);
		return;
	case CFGK_ENUM:
		enum_list(k->enums, names, sizeof(names));
		if (!want_scalar(y, path, v, names))
			return;
		if ((e = enum_find(k->enums, v)) == NULL) {
			cfgyaml_error(y, v, "%s: unknown value %s (expected "
			    "%s)", path, cfgyaml_describe(v, show,
			    sizeof(show)), names);
			return;
		}
		store_uint(field, k->size, e->value);
		return;
	case CFGK_FLAGS:
		set_flags(y, k, path, v, field);
		return;
	case CFGK_CUSTOM:
		if (v->kind != CFGYAML_BAD)
			k->set(y, k, v, base);
		return;
	}
}

struct walk {
	struct cfgyaml		*y;
	const struct cfgkey	*keys;
	size_t			 nkeys;
	void			*base;
};

static const struct cfgkey *
find_key(const struct walk *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i].path, path) == 0)
			return &w->keys[i];
	return NULL;
}

static bool
is_section(const struct walk *w, const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < w->nkeys; i++)
		if (strncmp(w->keys[i].path, path, n) == 0 &&
		    w->keys[i].path[n] == '.')
			return true;
	return false;
}

static void
walk_map(struct walk *w, const struct cfgyaml_node *map, const char *prefix)
{
	struct cfgyaml *y = w->y;
	const struct cfgyaml_node *k, *v, *prev;
	const struct cfgkey *key;
	char path[CFGYAML_MAX_PATH], show[CFGYAML_SHOWBUF];
	size_t i, j;
	int n;
	bool dup;

	for (i = 0; i + 1 < map->nkids && !stopped(y); i += 2) {
		k = map->kids[i];
		v = map->kids[i + 1];
		if (k->kind == CFGYAML_BAD)
			continue;
		if (k->kind != CFGYAML_SCALAR) {
			cfgyaml_error(y, k, "%s%skeys must be names, not %s",
			    prefix, *prefix != '\0' ? ": " : "",
			    cfgyaml_describe(k, show, sizeof(show)));
			continue;
		}
		n = snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix != '\0' ? "." : "", k->str);
		key = NULL;
		if (n < 0 || (size_t)n >= sizeof(path) || k->len == 0 ||
		    strlen(k->str) != k->len || strchr(k->str, '.') != NULL ||
		    ((key = find_key(w, path)) == NULL &&
		    !is_section(w, path))) {
			if (n > 0 && (size_t)n < sizeof(path) &&
			    strlen(k->str) == k->len)
				show_str(path, (size_t)n, true, show,
				    sizeof(show));
			else
				show_str(k->str, k->len, true, show,
				    sizeof(show));
			cfgyaml_error(y, k, "unknown key %s", show);
			continue;
		}
		for (dup = false, j = 0; j < i && !dup; j += 2) {
			prev = map->kids[j];
			if (prev->kind == CFGYAML_SCALAR &&
			    strcmp(prev->str, k->str) == 0) {
				cfgyaml_error(y, k, "duplicate key \"%s\" "
				    "(first at line %zu, column %zu)", path,
				    prev->line, prev->col);
				dup = true;
			}
		}
		if (dup || v->kind == CFGYAML_BAD)
			continue;
		if (key != NULL) {
			set_value(y, key, path, v, w->base);
			continue;
		}
		/* A section; an empty one ("capture:") is allowed. */
		if (cfgyaml_is_null(v))
			continue;
		if (v->kind != CFGYAML_MAP) {
			cfgyaml_error(y, v, "%s: expected a mapping, got %s",
			    path, cfgyaml_describe(v, show, sizeof(show)));
			continue;
		}
		walk_map(w, v, path);
	}
}

int
cfgyaml_apply(struct cfgyaml *y, const struct cfgkey *keys, size_t nkeys,
    void *base)
{
	struct walk w = { y, keys, nkeys, base };
	char show[CFGYAML_SHOWBUF];

	if (y->aborted || y->root == NULL || y->root->kind == CFGYAML_BAD ||
	    cfgyaml_is_null(y->root))
		return y->nerrors;
	if (y->root->kind != CFGYAML_MAP) {
		cfgyaml_error(y, y->root, "expected a mapping at the top "
		    "level, got %s", cfgyaml_describe(y->root, show,
		    sizeof(show)));
		return y->nerrors;
	}
	walk_map(&w, y->root, "");
	return y->nerrors;
}
