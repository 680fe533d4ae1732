/*
 * policy.h - zero-trust policy: what each device class may ever do.
 *
 * A policy is a set of profiles loaded from YAML (the shipped ones in
 * profiles/policy/, compiled in, then a site's policy.files, then the
 * overrides in the config; wardwatch-policy(5) is the schema).  A
 * profile is for a device class, one device (by MAC) or the devices a
 * fingerprint rule named; a later profile for the same target replaces
 * the earlier one.  Judging is pure: the caller (device/brain-policy.c)
 * says who the device is, what it did and with whom, and gets back
 * which rule was broken, where it lives (file:line) and what it allowed.
 * Knows nothing of the brain: plain strings and numbers only.
 */
#ifndef WW_POLICY_H
#define WW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define POL_NAME_MAX		64	/* zone, class, app, AE, HL7 type */
#define POL_MAX_FILE_SIZE	(1u << 20)
#define POL_MAX_ENTRIES		256	/* per list of a profile */
#define POL_LEARN_MAX		64	/* per list of a learned set */
#define POL_DEFAULT_FANOUT_WINDOW 600	/* seconds */
#define POL_BUILTIN_DIR		"profiles/policy/"
#define POL_DEFAULT_FILE	"(default)"

/* Alerts (gid 9200): one signature id per kind of violation. */
#define POL_GID			9200
enum pol_sid {
	POL_OK = 0,
	POL_SID_CONNECTION = 1,	/* peer or service not allowed */
	POL_SID_INTERNET = 2,	/* internet, or a country, not allowed */
	POL_SID_CLEARTEXT = 3,	/* a cleartext login */
	POL_SID_HL7 = 4,	/* an HL7 message type */
	POL_SID_DICOM = 5,	/* a DICOM command or AE title */
	POL_SID_FANOUT = 6,	/* more peers than max-fan-out */
	POL_SID_MAX
};

enum pol_mode {
	POL_MODE_ENFORCE,	/* violations are alerts */
	POL_MODE_OBSERVE,	/* violations are counted only */
};

/* policy.mode: whether what a device did while learning is allowed. */
enum pol_set_mode {
	POL_SET_LEARNED,	/* profile + learned (default) */
	POL_SET_STRICT,		/* the profiles alone */
};

enum pol_target {
	POL_T_CLASS,
	POL_T_DEVICE,		/* a MAC */
	POL_T_FINGERPRINT,	/* a fingerprint rule's name */
	POL_T_LEARNED,		/* a device's learned set (no file) */
};

/*
 * One allow-list entry: a peer (by zone, by class, both, or any), a
 * transport, the server's ports and an application.  A file's entry
 * with lists (zone: [a, b], port: [53, 123]) becomes one entry each.
 */
struct pol_entry {
	char		 zone[POL_NAME_MAX];	/* "": any */
	char		 class[POL_NAME_MAX];	/* "": any */
	uint8_t		 proto;		/* 0: any; 1 icmp, 6 tcp, 17 udp */
	uint16_t	 port_lo, port_hi;	/* tcp, udp: the server's port */
	char		 app[POL_NAME_MAX];	/* "": any */
	uint32_t	 line;		/* 0: learned */
};

struct pol_list {
	struct pol_entry *v;
	size_t		 n;
	uint32_t	 line;		/* of the key; 0: not given */
};

/* A list of names ("ORU^R01", "ADT^*", "C-STORE", "PACS_AE", "*"). */
struct pol_names {
	char		**v;
	size_t		 n;
	uint32_t	 line;		/* of the key; 0: not given */
	uint32_t	*h;		/* policy_name_hash() of each v */
};

struct pol_profile {
	uint8_t		 target;	/* enum pol_target */
	char		 name[POL_NAME_MAX];	/* class or rule name */
	uint8_t		 mac[6];	/* POL_T_DEVICE */
	const char	*file;		/* owned by the policy */
	uint32_t	 line;		/* where the profile starts */
	uint32_t	 name_line, name_col;	/* its class/device/rule */
	uint8_t		 mode;		/* enum pol_mode */
	uint32_t	 mode_line;
	struct pol_list	 initiate, accept;
	struct pol_names hl7_send, hl7_receive;
	struct pol_names dicom_scu, dicom_scp;	/* commands */
	struct pol_names dicom_ae;	/* AE titles; none given: any */
	bool		 internet;	/* may talk to the internet zone */
	uint32_t	 internet_line;
	struct pol_names countries;	/* ISO codes; none given: any */
	bool		 cleartext_logins;	/* allowed */
	uint32_t	 cleartext_line;
	uint32_t	 max_fanout;	/* peers per window; 0: no limit */
	uint32_t	 fanout_window;	/* seconds */
	uint32_t	 fanout_line;
};

struct policy;
struct cfgyaml;
struct cfgyaml_node;

struct policy	*policy_new(void);
void		 policy_free(struct policy *);
/* Forget every profile: the policy is as policy_new() made it, with
 * its mode and its class and application names (a policy that reads
 * one saved set after another). */
void		 policy_clear(struct policy *);
void		 policy_set_mode(struct policy *, enum pol_set_mode);
enum pol_set_mode policy_mode(const struct policy *);

/*
 * Add the profiles of a file (name is used in messages and in alerts).
 * Every problem is printed as "name:line:col: message"; returns the
 * number of errors (0: every profile of the file was added).
 */
int		 policy_load_buffer(struct policy *, const char *name,
		    const char *buf, size_t len, FILE *err);
int		 policy_load_file(struct policy *, const char *path,
		    FILE *err);
/* The shipped profiles, named POL_BUILTIN_DIR "class.yaml". */
int		 policy_load_builtin(struct policy *, FILE *err);
/* Profiles inside another YAML document (policy.overrides in the
 * config): node is a list of profiles.  Returns the errors added. */
int		 policy_load_node(struct policy *, struct cfgyaml *,
		    const struct cfgyaml_node *);
size_t		 policy_count(const struct policy *);
/*
 * The class and application names a file may use (device classes of
 * the fingerprints, app/protocols.def); unset, any name is taken.
 * The arrays must outlive the policy.
 */
void		 policy_set_classes(struct policy *, const char *const *,
		    size_t);
void		 policy_set_apps(struct policy *, const char *const *, size_t);
const struct pol_profile *policy_at(const struct policy *, size_t);

/*
 * The profile that governs a device: its MAC's, else its fingerprint
 * rule's (rule may be NULL), else its class's, else the default: deny
 * everything (enforce, empty lists) for a medical class, observe for
 * any other.  Never NULL.
 */
const struct pol_profile *policy_find(const struct policy *,
		    const uint8_t mac[6], const char *rule,
		    const char *class);
bool		 policy_class_medical(const char *class);

/* What a device did in a flow, from its own side. */
struct pol_flow {
	bool		 initiated;	/* else it accepted */
	const char	*peer_zone;	/* never NULL */
	const char	*peer_class;	/* NULL: not a device we know */
	uint8_t		 proto;
	uint16_t	 port;		/* the server's */
	const char	*app;		/* NULL: unknown */
	const char	*country;	/* NULL: unknown */
};

/* Why something was not allowed. */
struct pol_verdict {
	enum pol_sid	 sid;
	const struct pol_profile *p;	/* the profile broken */
	uint32_t	 line;		/* of the rule broken */
	char		 expected[512];	/* what it allowed, in words */
	/* A connection's lists, said in expected by
	 * policy_verdict_explain() (only an alert needs the words). */
	const char	*x_what;
	const struct pol_list *x_a, *x_b;
	/* Or the names of an HL7 or DICOM verdict (x_na not NULL). */
	const struct pol_names *x_na, *x_nb;
};

/* Fill v->expected of a connection, HL7 or DICOM verdict from the
 * lists it was judged against, as they are now: before learning changes
 * them.  Other verdicts have theirs from the judgment. */
void		 policy_verdict_explain(struct pol_verdict *);

/*
 * Judge a device under profile p plus what it learned (NULL: nothing).
 * Each returns POL_OK or the violation, with v filled.
 */
enum pol_sid	 policy_judge_flow(const struct pol_profile *p,
		    const struct pol_profile *learned, const struct pol_flow *,
		    struct pol_verdict *v);
/* An HL7 message of type "ORU^R01" the device sent (else received). */
enum pol_sid	 policy_judge_hl7(const struct pol_profile *,
		    const struct pol_profile *, bool sent, const char *type,
		    struct pol_verdict *);
/* A DICOM command it issued as SCU (else accepted as SCP); ae: the
 * other AE title involved (the peer's, or C-MOVE's destination), or
 * NULL. */
enum pol_sid	 policy_judge_dicom(const struct pol_profile *,
		    const struct pol_profile *, bool scu, const char *cmd,
		    const char *ae, struct pol_verdict *);
/* A login over a cleartext protocol ("telnet", "ftp", "http-basic"). */
enum pol_sid	 policy_judge_login(const struct pol_profile *,
		    const char *proto, struct pol_verdict *);
/* A device reached npeers distinct peers within its fan-out window. */
enum pol_sid	 policy_judge_fanout(const struct pol_profile *,
		    const struct pol_profile *, uint32_t npeers,
		    struct pol_verdict *);

/*
 * A learned set (target POL_T_LEARNED), grown by what a device did;
 * bounded by POL_LEARN_MAX per list (returns false when it was full or
 * the fact was already there).  The same calls record what a device
 * did for "policy suggest".
 */
void		 policy_profile_init(struct pol_profile *, enum pol_target,
		    const char *name);
void		 policy_profile_clear(struct pol_profile *);
bool		 policy_learn_flow(struct pol_profile *,
		    const struct pol_flow *);
bool		 policy_learn_hl7(struct pol_profile *, bool sent,
		    const char *type);
/*
 * An HL7 message's name as profiles name it (type and trigger event:
 * up to a second '^', cut to POL_NAME_MAX - 1 bytes) with its
 * policy_name_hash(), made once for the learning of every profile a
 * message meets: policy_learn_hl7() is policy_hl7_name() and
 * policy_learn_hl7_name().
 */
struct pol_hl7_name {
	char		 t[POL_NAME_MAX];
	uint32_t	 h;
};
void		 policy_hl7_name(struct pol_hl7_name *, const char *type);
bool		 policy_learn_hl7_name(struct pol_profile *, bool sent,
		    const struct pol_hl7_name *);
bool		 policy_learn_dicom(struct pol_profile *, bool scu,
		    const char *cmd, const char *ae);
void		 policy_learn_fanout(struct pol_profile *, uint32_t npeers);
/* The hash of a name that struct pol_names keeps beside it (FNV-1a). */
uint32_t	 policy_name_hash(const char *);
bool		 policy_learn_country(struct pol_profile *, const char *);
/* Merge b's lists into a (policy suggest --class). */
void		 policy_profile_merge(struct pol_profile *,
		    const struct pol_profile *);

/* Add a copy of a profile (of another policy) as if loaded last. */
void		 policy_adopt(struct policy *, const struct pol_profile *);
/* An entry in words: "zone infra udp/53 dns". */
void		 policy_entry_format(const struct pol_entry *, char *, size_t);

/* Write a profile as YAML in the schema policy_load_buffer() reads. */
void		 policy_write_yaml(FILE *, const struct pol_profile *);

/*
 * The state's compact form of a set of profiles (policy.c says the
 * format): POL_COMPACT_MAGIC, then policy_write_compact() for each.
 * policy_load_compact() adds the profiles of such a text, keeping
 * every value as written; 0, or 1 with "name:line:col: ..." on err
 * (may be NULL).  policy_load_saved() reads either form: the compact
 * one, or the YAML older versions saved.
 */
#define POL_COMPACT_MAGIC	"wwpol 1\n"
void		 policy_write_compact(FILE *, const struct pol_profile *);
/*
 * The same text appended to a buffer in memory (a save of many sets
 * writes them all there): len bytes at p, no NUL; all zero is empty,
 * free(p) releases it.  policy_out_room() makes room for n more bytes,
 * policy_out_add() appends n bytes.
 */
struct pol_out {
	char		*p;
	size_t		 len, cap;
};
void		 policy_compact_put(struct pol_out *,
		    const struct pol_profile *);
void		 policy_out_room(struct pol_out *, size_t n);
void		 policy_out_add(struct pol_out *, const void *, size_t n);
int		 policy_load_compact(struct policy *, const char *name,
		    const char *buf, size_t len, FILE *err);
int		 policy_load_saved(struct policy *, const char *name,
		    const char *buf, size_t len, FILE *err);

/* Names of the violation kinds, signatures and categories (events(7)). */
const char	*policy_sid_signature(enum pol_sid);
const char	*policy_sid_category(enum pol_sid);
const char	*policy_sid_name(enum pol_sid);	/* "connection", ... */

/* The shipped profiles (policy-builtin.c, by build-aux/embed.sh). */
struct policy_builtin_file {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};
extern const struct policy_builtin_file	policy_builtin_files[];
extern const size_t			policy_builtin_nfiles;

#endif /* WW_POLICY_H */
