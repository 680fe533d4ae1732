/*
 * fpdb.h - the fingerprint database: rules that map evidence seen on
 * the wire (DHCP options, HL7 MSH fields, DICOM AE titles, ...) to a
 * device class, vendor and model.
 *
 * The format, the evidence keys and the class names are specified in
 * profiles/README.md (short form) and wardwatch-devices(7).  Loading
 * reports every problem as "file:line:col: message" and goes on, so one
 * run shows every mistake; the return value is the number of errors.
 * A database that had errors holds only the entries without one and is
 * meant to be thrown away.  Once loaded it is read-only: fpdb_match()
 * and fpdb_vendor() may run in several threads at once.
 */
#ifndef WW_FPDB_H
#define WW_FPDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FPDB_MAX_FINGERPRINTS	8192	/* over all files of a database */
#define FPDB_MAX_VENDORS	4096
#define FPDB_MAX_GLOBS		16	/* per evidence key, per vendor */
#define FPDB_MAX_VALUE		63	/* bytes: name, class, vendor, model */
#define FPDB_MAX_GLOB		127	/* bytes of one glob */
#define FPDB_MAX_FILES		256	/* *.yaml files in a directory */
#define FPDB_MAX_FILE_SIZE	(4u << 20)	/* bytes */
#define FPDB_MAX_DEPTH		8	/* nested collections */
#define FPDB_MAX_NODES		(1u << 19)	/* YAML nodes in a file */
#define FPDB_DEFAULT_CONFIDENCE	50

/* The classes of profiles/README.md, in its order; "unknown" is 0. */
enum fp_class {
	FP_CLASS_UNKNOWN,
	FP_CLASS_INFUSION_PUMP,
	FP_CLASS_PATIENT_MONITOR,
	FP_CLASS_VENTILATOR,
	FP_CLASS_DIALYSIS,
	FP_CLASS_IMAGING_MODALITY,
	FP_CLASS_IMAGING_WORKSTATION,
	FP_CLASS_ULTRASOUND,
	FP_CLASS_LAB_ANALYZER,
	FP_CLASS_MEDICAL_GATEWAY,
	FP_CLASS_INTERFACE_ENGINE,
	FP_CLASS_PACS,
	FP_CLASS_NURSE_CALL,
	FP_CLASS_CLINICAL_WORKSTATION,
	FP_CLASS_SERVER,
	FP_CLASS_PRINTER,
	FP_CLASS_NETWORK_INFRASTRUCTURE,
	FP_CLASS_IOT,
	FP_CLASS_MAX
};

/* "infusion-pump"; NULL if the value is not a class. */
const char	*fp_class_name(enum fp_class);
/* The class of a name, or -1 if unknown (names are case-sensitive). */
int		 fp_class_lookup(const char *);

/* An evidence key fingerprints match ("dhcp.vendor_class"): one of
 * app/evidence.def with EVIDENCE_F_MATCH. */
bool		 fp_key_valid(const char *key);

/*
 * A glob of profiles/README.md: '*' any run of characters, '?' one
 * character (a UTF-8 sequence counts as one), '\' quotes the next one
 * (a trailing '\' is itself).  ASCII letters compare case-insensitively.
 * The whole string must match.  At most |pattern| x |s| steps: a
 * mismatch goes back only to the last '*', never further.
 */
bool		 fp_glob(const char *pattern, const char *s);

struct fpdb;

struct fpdb	*fpdb_new(void);
void		 fpdb_free(struct fpdb *);

/*
 * Add the vendors and fingerprints of one file's text.  name is used
 * in messages (and copied: a later duplicate may point back to it).
 * Messages go to err unless it is NULL.  Returns the number of errors.
 */
int		 fpdb_load_buffer(struct fpdb *, const char *name,
		    const char *buf, size_t len, FILE *err);
/* The same for a file (at most FPDB_MAX_FILE_SIZE bytes). */
int		 fpdb_load_file(struct fpdb *, const char *path, FILE *err);
/*
 * Every *.yaml of dir (dot files excepted), in strcmp() order of their
 * names.  A directory without one is an error.
 */
int		 fpdb_load_dir(struct fpdb *, const char *dir, FILE *err);
/*
 * The copy of profiles/fingerprints/ compiled into the binary.  Loaded
 * after a site's own files, a built-in fingerprint whose name one of
 * them already has is left out (the local one replaces it), not an
 * error; vendor entries of the earlier files come first anyway.
 */
int		 fpdb_load_builtin(struct fpdb *, FILE *err);

size_t		 fpdb_count(const struct fpdb *);	/* fingerprints */
size_t		 fpdb_vendor_count(const struct fpdb *);
/* Built-in fingerprints left out for a local one of the same name. */
size_t		 fpdb_replaced_count(const struct fpdb *);
/* Whether a fingerprint of that name is loaded. */
bool		 fpdb_has(const struct fpdb *, const char *name);

/* One piece of evidence about a device; NULL members never match. */
struct fp_evidence {
	const char	*key;		/* "hostname" */
	const char	*value;		/* "SIQ-0042" */
};

struct fp_match {
	const char	*name;		/* the fingerprint's name */
	int		 class;		/* enum fp_class, or -1: none set */
	const char	*vendor;	/* NULL when the rule sets none */
	const char	*model;		/* NULL when the rule sets none */
	unsigned	 confidence;	/* 1..100 */
	int		 key;		/* first key of match: provenance, */
	const char	*source;	/* as enum evidence_key and string */
	const char	*value;		/* the evidence value that matched
					 * it (points into the caller's
					 * evidence) */
};

/*
 * Every fingerprint whose match keys all match the evidence, in file
 * order (files in load order).  Returns the number found, which may
 * exceed max; only the first max are stored.  Strings point into the
 * database or the evidence.  Each piece of evidence meets only the
 * globs filed under its key and first byte (or starting with a
 * wildcard), compiled when the files were loaded.
 */
size_t		 fpdb_match(const struct fpdb *, const struct fp_evidence *,
		    size_t n, struct fp_match *, size_t max);
/* The same by a scan of every rule (linear in rules x evidence): what
 * fpdb_match() falls back to, and the reference the tests hold it to. */
size_t		 fpdb_match_scan(const struct fpdb *,
		    const struct fp_evidence *, size_t n, struct fp_match *,
		    size_t max);

/*
 * The canonical vendor name for an IEEE registry organisation name
 * ("Baxter Healthcare Corporation" -> "Baxter"): the first vendor
 * entry, in load order, with a glob that matches.  NULL if none does.
 */
const char	*fpdb_vendor(const struct fpdb *, const char *org);
/* The same by a scan of every vendor entry. */
const char	*fpdb_vendor_scan(const struct fpdb *, const char *org);
/* Whether fpdb_match() and fpdb_vendor() go through the index (it
 * covers everything loaded), not the scans. */
bool		 fpdb_indexed(const struct fpdb *);

/*
 * The built-in files, written by build-aux/embed.sh into the generated
 * fpdb-builtin.c (see src/fpdb.mk).  Not in any order.
 */
struct fpdb_builtin_file {
	const char		*name;		/* "00-base.yaml" */
	const unsigned char	*data;
	size_t			 len;
};
extern const struct fpdb_builtin_file	fpdb_builtin_files[];
extern const size_t			fpdb_builtin_nfiles;

#endif /* WW_FPDB_H */
