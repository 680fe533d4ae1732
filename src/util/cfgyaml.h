/*
 * cfgyaml.h - strict, bounded YAML loading for configuration files.
 *
 * cfgyaml_parse() runs libyaml's event parser over a buffer and builds
 * a small tree, enforcing limits as it goes (size before parsing, then
 * nesting depth and node count while parsing, so a hostile file costs
 * milliseconds).  Anchors, aliases (billion laughs), tags and multiple
 * documents are rejected.  cfgyaml_apply() then walks the tree with a
 * table of keys (struct cfgkey) and stores typed, range-checked values
 * into a struct.  Every problem is printed as "name:line:col: message"
 * (1-based, from the libyaml mark; key errors point at the key) and
 * counted; loading goes on so that all errors are reported at once.
 * Used by config.c; meant for policy and profile files too.
 */
#ifndef WW_CFGYAML_H
#define WW_CFGYAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* After this many errors a file is given up on: the rest is noise. */
#define CFGYAML_MAX_ERRORS	100
/* Longest dotted key path ("flow.emergency-timeouts.other.closed"). */
#define CFGYAML_MAX_PATH	128
/* Longest string value (a file name). */
#define CFGYAML_MAX_STRING	4096

enum cfgyaml_kind {
	CFGYAML_SCALAR,
	CFGYAML_MAP,		/* kids: key, value, key, value... */
	CFGYAML_SEQ,		/* kids: items */
	CFGYAML_BAD,		/* already reported (alias, anchor, tag) */
};

struct cfgyaml_node {
	enum cfgyaml_kind	 kind;
	size_t			 line, col;	/* 1-based */
	char			*str;		/* scalar, NUL-terminated */
	size_t			 len;		/* may hold NULs */
	bool			 plain;		/* unquoted scalar */
	struct cfgyaml_node	**kids;
	size_t			 nkids, kcap;
};

struct cfgyaml_limits {
	size_t		max_size;	/* bytes */
	size_t		max_depth;	/* nested collections */
	size_t		max_nodes;
};

struct cfgyaml {
	const char		*name;		/* for messages */
	FILE			*err;
	int			 nerrors;
	bool			 aborted;	/* parse stopped early */
	size_t			 nnodes;
	struct cfgyaml_node	*root;		/* NULL: empty document */
};

/*
 * Parse buf into y->root.  Returns the number of errors (0: the tree is
 * complete and free of aliases, anchors and tags).  Call cfgyaml_free()
 * in every case.
 */
int	cfgyaml_parse(struct cfgyaml *, const char *name, const char *buf,
	    size_t len, const struct cfgyaml_limits *, FILE *err);
void	cfgyaml_free(struct cfgyaml *);

/* Report "name:line:col: message" at a node (or at 1:1 if NULL). */
void	cfgyaml_error(struct cfgyaml *, const struct cfgyaml_node *,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
/* Report "name: message" for the file as a whole. */
void	cfgyaml_error_file(struct cfgyaml *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A plain "", "~" or "null": no value. */
bool	cfgyaml_is_null(const struct cfgyaml_node *);

/*
 * A node as messages show it: a plain scalar as a short quoted excerpt,
 * anything else by its kind ("a mapping", "a list", "a quoted string").
 */
#define CFGYAML_SHOWBUF		80
const char *cfgyaml_describe(const struct cfgyaml_node *, char *, size_t);

/* The schema: one row per leaf key. */
enum cfgkey_type {
	CFGK_BOOL,	/* bool; true/false (yes/no, on/off) */
	CFGK_UINT,	/* unsigned field of 'size' bytes, in [min, max] */
	CFGK_SIZE,	/* "64mb": bytes, unsigned field, in [min, max] */
	CFGK_STRING,	/* char *: strdup'ed, old value freed */
	CFGK_ENUM,	/* one name of 'enums', value stored as UINT */
	CFGK_FLAGS,	/* a list of names of 'enums', values OR'ed */
	CFGK_CUSTOM,	/* set() does it */
};

#define CFGK_POW2	0x01	/* UINT/SIZE: must be a power of two */

struct cfgenum {
	const char	*name;
	uint64_t	 value;
};

struct cfgkey {
	const char		*path;	/* dotted: "flow.timeouts.tcp.new" */
	enum cfgkey_type	 type;
	size_t			 off;	/* field offset in the target */
	size_t			 size;	/* field size: 1, 2, 4 or 8 */
	uint64_t		 min, max;
	unsigned		 flags;	/* CFGK_POW2 */
	const struct cfgenum	*enums;	/* ENUM, FLAGS: NULL-terminated */
	int			(*set)(struct cfgyaml *, const struct cfgkey *,
				    const struct cfgyaml_node *, void *base);
	const char		*def;	/* default, as the manual shows it */
	const char		*desc;	/* one line, for the manual */
};

/*
 * Walk y->root with the key table and store into base.  Sections are
 * the prefixes of the paths ("flow", "flow.timeouts"); anything else is
 * an unknown key.  Returns the number of errors so far (y->nerrors).
 */
int	cfgyaml_apply(struct cfgyaml *, const struct cfgkey *, size_t,
	    void *base);

/*
 * For custom setters: read an unsigned integer scalar in [min, max],
 * reporting errors under 'path'.  Returns 0 or -1.
 */
int	cfgyaml_get_uint(struct cfgyaml *, const char *path,
	    const struct cfgyaml_node *, uint64_t min, uint64_t max,
	    uint64_t *);

/* Format a byte count as the manual writes it: "64mb", "1gb", "100". */
void	cfgyaml_format_size(uint64_t, char *, size_t);

#endif /* WW_CFGYAML_H */
