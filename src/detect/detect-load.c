/*
 * detect/detect-load.c - loading a rule set: variables, classification,
 * reference and threshold files, rule files (comments, lines joined
 * with '\'), duplicate sids; then ordering, grouping and one Hyperscan
 * database per group and buffer, cached on disk by a hash of the rules.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect/detect-int.h"
#include "util/util.h"

/* Suricata's defaults for the variables a configuration leaves unset. */
static const struct {
	const char	*name;
	const char	*value;
} default_addr_vars[] = {
	{ "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" },
	{ "EXTERNAL_NET", "!$HOME_NET" },
	{ "HTTP_SERVERS", "$HOME_NET" },
	{ "SMTP_SERVERS", "$HOME_NET" },
	{ "SQL_SERVERS", "$HOME_NET" },
	{ "DNS_SERVERS", "$HOME_NET" },
	{ "TELNET_SERVERS", "$HOME_NET" },
	{ "AIM_SERVERS", "$EXTERNAL_NET" },
	{ "DC_SERVERS", "$HOME_NET" },
	{ "DNP3_SERVER", "$HOME_NET" },
	{ "DNP3_CLIENT", "$HOME_NET" },
	{ "MODBUS_CLIENT", "$HOME_NET" },
	{ "MODBUS_SERVER", "$HOME_NET" },
	{ "ENIP_CLIENT", "$HOME_NET" },
	{ "ENIP_SERVER", "$HOME_NET" },
	/* Wardwatch's own, for rules/iomt.rules (wardwatch-rules(7)). */
	{ "MEDICAL_NET", "$HOME_NET" },
	{ "DICOM_CLIENTS", "$MEDICAL_NET" },
	{ "PACS_SERVERS", "$HOME_NET" },
	{ "HL7_SERVERS", "$HOME_NET" },
}, default_port_vars[] = {
	{ "HTTP_PORTS", "80" },
	{ "SHELLCODE_PORTS", "!80" },
	{ "ORACLE_PORTS", "1521" },
	{ "SSH_PORTS", "22" },
	{ "DNP3_PORTS", "20000" },
	{ "MODBUS_PORTS", "502" },
	{ "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" },
	{ "FTP_PORTS", "21" },
	{ "GENEVE_PORTS", "6081" },
	{ "VXLAN_PORTS", "4789" },
	{ "TEREDO_PORTS", "3544" },
	{ "DICOM_PORTS", "[104,11112,4242]" },
	{ "HL7_PORTS", "[2575,6661]" },
	{ "TELNET_PORTS", "[23,2323]" },
	{ "MQTT_PORTS", "1883" },
};

/* Suricata's classification.config, used when none is configured. */
static const char builtin_classification[] =
    "config classification: not-suspicious,Not Suspicious Traffic,3\n"
    "config classification: unknown,Unknown Traffic,3\n"
    "config classification: bad-unknown,Potentially Bad Traffic, 2\n"
    "config classification: attempted-recon,Attempted Information Leak,2\n"
    "config classification: successful-recon-limited,Information Leak,2\n"
    "config classification: successful-recon-largescale,Large Scale "
    "Information Leak,2\n"
    "config classification: attempted-dos,Attempted Denial of Service,2\n"
    "config classification: successful-dos,Denial of Service,2\n"
    "config classification: attempted-user,Attempted User Privilege "
    "Gain,1\n"
    "config classification: unsuccessful-user,Unsuccessful User Privilege "
    "Gain,1\n"
    "config classification: successful-user,Successful User Privilege "
    "Gain,1\n"
    "config classification: attempted-admin,Attempted Administrator "
    "Privilege Gain,1\n"
    "config classification: successful-admin,Successful Administrator "
    "Privilege Gain,1\n"
    "config classification: rpc-portmap-decode,Decode of an RPC Query,2\n"
    "config classification: shellcode-detect,Executable code was "
    "detected,1\n"
    "config classification: string-detect,A suspicious string was "
    "detected,3\n"
    "config classification: suspicious-filename-detect,A suspicious "
    "filename was detected,2\n"
    "config classification: suspicious-login,An attempted login using a "
    "suspicious username was detected,2\n"
    "config classification: system-call-detect,A system call was "
    "detected,2\n"
    "config classification: tcp-connection,A TCP connection was "
    "detected,4\n"
    "config classification: trojan-activity,A Network Trojan was "
    "detected, 1\n"
    "config classification: unusual-client-port-connection,A client was "
    "using an unusual port,2\n"
    "config classification: network-scan,Detection of a Network Scan,3\n"
    "config classification: denial-of-service,Detection of a Denial of "
    "Service Attack,2\n"
    "config classification: non-standard-protocol,Detection of a "
    "non-standard protocol or event,2\n"
    "config classification: protocol-command-decode,Generic Protocol "
    "Command Decode,3\n"
    "config classification: web-application-activity,access to a "
    "potentially vulnerable web application,2\n"
    "config classification: web-application-attack,Web Application "
    "Attack,1\n"
    "config classification: misc-activity,Misc activity,3\n"
    "config classification: misc-attack,Misc Attack,2\n"
    "config classification: icmp-event,Generic ICMP event,3\n"
    "config classification: inappropriate-content,Inappropriate Content "
    "was Detected,1\n"
    "config classification: policy-violation,Potential Corporate Privacy "
    "Violation,1\n"
    "config classification: default-login-attempt,Attempt to login by a "
    "default username and password,2\n"
    "config classification: targeted-activity,Targeted Malicious Activity "
    "was Detected,1\n"
    "config classification: exploit-kit,Exploit Kit Activity Detected,1\n"
    "config classification: external-ip-check,Device Retrieving External "
    "IP Address Detected,2\n"
    "config classification: domain-c2,Domain Observed Used for C2 "
    "Detected,1\n"
    "config classification: pup-activity,Possibly Unwanted Program "
    "Detected,2\n"
    "config classification: credential-theft,Successful Credential Theft "
    "Detected,1\n"
    "config classification: social-engineering,Possible Social "
    "Engineering Attempted,2\n"
    "config classification: coin-mining,Crypto Currency Mining Activity "
    "Detected,2\n"
    "config classification: command-and-control,Malware Command and "
    "Control Activity Detected,1\n";

void
detect_config_defaults(struct detect_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
}

static void
free_vars(struct detect_var *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void
detect_config_free(struct detect_config *c)
{
	size_t i;

	for (i = 0; i < c->n_rule_files; i++)
		free(c->rule_files[i]);
	free(c->rule_files);
	free(c->default_rule_path);
	free(c->classification_file);
	free(c->reference_file);
	free(c->threshold_file);
	free_vars(c->addr_vars, c->n_addr_vars);
	free_vars(c->port_vars, c->n_port_vars);
	free(c->cache_dir);
	for (i = 0; i < c->n_known_ae; i++)
		free(c->known_ae[i]);
	free(c->known_ae);
	for (i = 0; i < c->n_datasets; i++) {
		free(c->datasets[i].name);
		free(c->datasets[i].type);
		free(c->datasets[i].load);
	}
	free(c->datasets);
	memset(c, 0, sizeof(*c));
}

static void
add_reason(struct detect_engine *e, const char *reason)
{
	size_t i;

	e->skipped++;
	for (i = 0; i < e->nreasons; i++)
		if (strcmp(e->reasons[i].text, reason) == 0) {
			e->reasons[i].count++;
			return;
		}
	e->reasons = xreallocarray(e->reasons, e->nreasons + 1,
	    sizeof(*e->reasons));
	e->reasons[e->nreasons].text = xstrdup(reason);
	e->reasons[e->nreasons].count = 1;
	e->nreasons++;
}

static void
set_var(char ***names, char ***values, size_t *n, const char *name,
    const char *value)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0) {
			free((*values)[i]);
			(*values)[i] = xstrdup(value);
			return;
		}
	*names = xreallocarray(*names, *n + 1, sizeof(char *));
	*values = xreallocarray(*values, *n + 1, sizeof(char *));
	(*names)[*n] = xstrdup(name);
	(*values)[*n] = xstrdup(value);
	(*n)++;
}

static int
load_vars(struct detect_engine *e, const struct detect_config *c, FILE *err)
{
	size_t i;
	char why[256];
	struct anode *n;

	for (i = 0; i < sizeof(default_addr_vars) / sizeof(default_addr_vars[0]);
	    i++)
		set_var(&e->vnames, &e->vvalues, &e->nvars,
		    default_addr_vars[i].name, default_addr_vars[i].value);
	for (i = 0; i < sizeof(default_port_vars) / sizeof(default_port_vars[0]);
	    i++)
		set_var(&e->pvnames, &e->pvvalues, &e->npvars,
		    default_port_vars[i].name, default_port_vars[i].value);
	for (i = 0; i < c->n_addr_vars; i++)
		set_var(&e->vnames, &e->vvalues, &e->nvars,
		    c->addr_vars[i].name, c->addr_vars[i].value);
	for (i = 0; i < c->n_port_vars; i++)
		set_var(&e->pvnames, &e->pvvalues, &e->npvars,
		    c->port_vars[i].name, c->port_vars[i].value);
	/* every variable must parse, whether a rule uses it or not */
	for (i = 0; i < e->nvars; i++) {
		if ((n = detect_parse_addr(e, e->vvalues[i], why,
		    sizeof(why))) == NULL) {
			if (err != NULL)
				(void)fprintf(err, "vars.address-groups.%s: %s\n",
				    e->vnames[i], why);
			return -1;
		}
		detect_anode_free(n);
	}
	for (i = 0; i < e->npvars; i++) {
		if ((n = detect_parse_ports(e, e->pvvalues[i], why,
		    sizeof(why))) == NULL) {
			if (err != NULL)
				(void)fprintf(err, "vars.port-groups.%s: %s\n",
				    e->pvnames[i], why);
			return -1;
		}
		detect_anode_free(n);
	}
	return 0;
}

/*
 * The next line of a Suricata config file (classification, reference,
 * threshold) in buf, cut to fit, without its leading blanks; a comment
 * or blank line is "".  NULL at the end of the text.
 */
static char *
next_conf_line(const char **pp, char *buf, size_t size, unsigned *line)
{
	const char *p = *pp, *eol;
	size_t len;
	char *s;

	if (*p == '\0')
		return NULL;
	eol = strchr(p, '\n');
	len = eol != NULL ? (size_t)(eol - p) : strlen(p);
	*pp = p + len + (eol != NULL);
	(*line)++;
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	if (*s == '#')
		*s = '\0';
	return s;
}

/* "config classification: name,description,priority" */
static int
load_classification(struct detect_engine *e, const char *name,
    const char *text, FILE *err)
{
	const char *p = text;
	unsigned line = 0;
	int errors = 0;
	char buf[1024], *s;

	while ((s = next_conf_line(&p, buf, sizeof(buf), &line)) != NULL) {
		char *f[3], *end;
		int nf = 0;
		long prio;

		if (*s == '\0')
			continue;
		if (strncmp(s, "config classification:", 22) != 0) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: expected 'config "
				    "classification:'\n", name, line);
			errors++;
			continue;
		}
		s += 22;
		while (nf < 3) {
			char *c = nf < 2 ? strchr(s, ',') : NULL;

			if (c != NULL)
				*c = '\0';
			f[nf++] = s;
			if (c == NULL)
				break;
			s = c + 1;
		}
		for (int i = 0; i < nf; i++) {
			while (isspace((unsigned char)*f[i]))
				f[i]++;
			end = f[i] + strlen(f[i]);
			while (end > f[i] && isspace((unsigned char)end[-1]))
				*--end = '\0';
		}
		prio = nf == 3 ? strtol(f[2], &end, 10) : 0;
		if (nf != 3 || *end != '\0' || prio < 1 || prio > 255 ||
		    *f[0] == '\0') {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: expected "
				    "name,description,priority\n", name, line);
			errors++;
			continue;
		}
		e->cl_name = xreallocarray(e->cl_name, e->ncl + 1,
		    sizeof(char *));
		e->cl_desc = xreallocarray(e->cl_desc, e->ncl + 1,
		    sizeof(char *));
		e->cl_prio = xreallocarray(e->cl_prio, e->ncl + 1, 1);
		e->cl_name[e->ncl] = xstrdup(f[0]);
		e->cl_desc[e->ncl] = xstrdup(f[1]);
		e->cl_prio[e->ncl] = (uint8_t)prio;
		e->ncl++;
	}
	return errors > 0 ? -1 : 0;
}

/* "config reference: name url": only the names matter here. */
static int
load_reference(struct detect_engine *e, const char *name, const char *text,
    FILE *err)
{
	const char *p = text;
	unsigned line = 0;
	int errors = 0;
	char buf[1024], *s, *n;

	while ((s = next_conf_line(&p, buf, sizeof(buf), &line)) != NULL) {
		if (*s == '\0')
			continue;
		if (strncmp(s, "config reference:", 17) != 0) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: expected 'config "
				    "reference:'\n", name, line);
			errors++;
			continue;
		}
		s += 17;
		while (isspace((unsigned char)*s))
			s++;
		n = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		*s = '\0';
		if (*n == '\0') {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:18: reference without "
				    "a name\n", name, line);
			errors++;
			continue;
		}
		e->ref_name = xreallocarray(e->ref_name, e->nref + 1,
		    sizeof(char *));
		e->ref_name[e->nref++] = xstrdup(n);
	}
	return errors > 0 ? -1 : 0;
}

static int
read_text(const char *path, char **text, FILE *err)
{
	size_t len;
	int rc;

	rc = util_read_file(path, DETECT_MAX_FILE_SIZE, text, &len);
	if (rc != 0) {
		if (err != NULL)
			(void)fprintf(err, "%s: %s\n", path, strerror(rc));
		return -1;
	}
	if (len > DETECT_MAX_FILE_SIZE) {
		free(*text);
		if (err != NULL)
			(void)fprintf(err, "%s: file too large\n", path);
		return -1;
	}
	if (memchr(*text, '\0', len) != NULL) {
		free(*text);
		if (err != NULL)
			(void)fprintf(err, "%s: binary file\n", path);
		return -1;
	}
	/* util_read_file() does not terminate the text */
	*text = xreallocarray(*text, len + 1, 1);
	(*text)[len] = '\0';
	return 0;
}

static uint64_t
hash_text(uint64_t h, const void *p, size_t n)
{
	struct sipkey k;
	uint64_t v;

	sipkey_init(&k, true);
	v = siphash13(&k, p, n);
	return (h ^ v) * 0x100000001b3ull + (h >> 29);
}

/* Add a parsed rule (or count it as skipped). */
/*
 * Rules by (gid, sid), for the duplicate check: open addressing over
 * rule index + 1, twice the rules at least.
 */
static uint64_t
sid_hash(uint32_t gid, uint32_t sid)
{
	uint64_t h = ((uint64_t)gid << 32 | sid) * 0x9e3779b97f4a7c15ull;

	return h ^ (h >> 29);
}

static size_t
sid_find(const struct detect_engine *e, uint32_t gid, uint32_t sid)
{
	size_t i, mask = e->sid_cap - 1;

	if (e->sid_cap == 0)
		return e->nrules;
	for (i = sid_hash(gid, sid) & mask; e->sid_tab[i] != 0;
	    i = (i + 1) & mask) {
		const struct drule *r = &e->rules[e->sid_tab[i] - 1];

		if (r->info.sid == sid && r->info.gid == gid)
			return e->sid_tab[i] - 1;
	}
	return e->nrules;
}

static void
sid_add(struct detect_engine *e, size_t ix)
{
	size_t i, mask;

	if (2 * e->nrules > e->sid_cap) {
		size_t k;

		free(e->sid_tab);
		e->sid_cap = e->sid_cap == 0 ? 1024 : 2 * e->sid_cap;
		e->sid_tab = xcalloc(e->sid_cap, sizeof(*e->sid_tab));
		mask = e->sid_cap - 1;
		for (k = 0; k < e->nrules; k++) {
			for (i = sid_hash(e->rules[k].info.gid,
			    e->rules[k].info.sid) & mask; e->sid_tab[i] != 0;
			    i = (i + 1) & mask)
				;
			e->sid_tab[i] = (uint32_t)k + 1;
		}
		return;
	}
	mask = e->sid_cap - 1;
	for (i = sid_hash(e->rules[ix].info.gid, e->rules[ix].info.sid) & mask;
	    e->sid_tab[i] != 0; i = (i + 1) & mask)
		;
	e->sid_tab[i] = (uint32_t)ix + 1;
}

static void
add_rule_text(struct detect_engine *e, const char *text, const char *file,
    unsigned line, FILE *err)
{
	struct drule r;
	char reason[256];
	struct rule_src src = { file, line };
	size_t i;

	if (detect_parse_rule(e, text, &src, &r, err, reason,
	    sizeof(reason)) != 0) {
		add_reason(e, reason);
		return;
	}
	if ((i = sid_find(e, r.info.gid, r.info.sid)) < e->nrules) {
		if (err != NULL)
			(void)fprintf(err, "%s:%u: sid %u: duplicate sid "
			    "(first at %s:%u)\n", file, line, r.info.sid,
			    e->rules[i].info.file, e->rules[i].info.line);
		add_reason(e, "duplicate sid");
		detect_rule_free(&r);
		return;
	}
	r.info.file = xstrdup(file);
	r.info.line = line;
	r.hash = hash_text(0, text, strlen(text));
	e->set_hash = hash_text(e->set_hash, text, strlen(text));
	if (e->nrules == e->caprules) {
		e->caprules = e->caprules ? 2 * e->caprules : 64;
		e->rules = xreallocarray(e->rules, e->caprules,
		    sizeof(*e->rules));
	}
	e->rules[e->nrules++] = r;
	sid_add(e, e->nrules - 1);
}

/* Split a file into rules: comments, blank lines, '\' continuations. */
static void
load_rules_text(struct detect_engine *e, const char *name, const char *text,
    FILE *err)
{
	const char *p = text;
	unsigned line = 0, first = 0;
	char *acc = NULL;
	size_t acclen = 0;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		bool cont;

		line++;
		p += len + (eol != NULL);
		while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
		    s[len - 1] == '\t'))
			len--;
		if (acc == NULL) {
			while (len > 0 && isspace((unsigned char)*s)) {
				s++;
				len--;
			}
			if (len == 0 || *s == '#')
				continue;
			first = line;
		}
		cont = len > 0 && s[len - 1] == '\\';
		if (cont)
			len--;
		if (acclen + len + 1 > DETECT_MAX_RULE_LEN) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: rule longer than %u "
				    "bytes\n", name, first, DETECT_MAX_RULE_LEN);
			add_reason(e, "rule too long");
			free(acc);
			acc = NULL;
			acclen = 0;
			continue;
		}
		acc = realloc(acc, acclen + len + 1);
		if (acc == NULL)
			abort();
		memcpy(acc + acclen, s, len);
		acclen += len;
		acc[acclen] = '\0';
		if (cont && *p != '\0')
			continue;
		add_rule_text(e, acc, name, first, err);
		free(acc);
		acc = NULL;
		acclen = 0;
	}
	free(acc);
}

static int
track_of(const char *s, uint8_t *t)
{
	if (strcmp(s, "by_src") == 0) *t = TR_SRC;
	else if (strcmp(s, "by_dst") == 0) *t = TR_DST;
	else if (strcmp(s, "by_either") == 0) *t = TR_EITHER;
	else if (strcmp(s, "by_rule") == 0) *t = TR_RULE;
	else if (strcmp(s, "by_both") == 0) *t = TR_BOTH;
	else
		return -1;
	return 0;
}

/*
 * threshold.config: suppress, threshold, event_filter (rate_filter is
 * reported and skipped).  Overrides the rules' own threshold.
 */
static int
load_threshold(struct detect_engine *e, const char *name, const char *text,
    FILE *err)
{
	const char *p = text;
	unsigned line = 0;
	int errors = 0;
	char buf[2048], *s;

	while ((s = next_conf_line(&p, buf, sizeof(buf), &line)) != NULL) {
		char *kw, *tok, *next;
		uint64_t gid = 1, sid = 0;
		struct thresh th;
		char *ip = NULL;
		uint8_t track = TR_RULE;
		bool have_gid = false, have_sid = false, bad = false;
		bool is_supp;

		if (*s == '\0')
			continue;
		kw = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
		if (strcmp(kw, "rate_filter") == 0) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: rate_filter is not "
				    "supported (the sensor is passive): line "
				    "skipped\n", name, line);
			continue;
		}
		is_supp = strcmp(kw, "suppress") == 0;
		if (!is_supp && strcmp(kw, "threshold") != 0 &&
		    strcmp(kw, "event_filter") != 0) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: unknown keyword "
				    "'%s'\n", name, line, kw);
			errors++;
			continue;
		}
		memset(&th, 0, sizeof(th));
		for (tok = s; tok != NULL; tok = next) {
			char *k, *v, *end;
			int depth = 0;

			/* fields split at commas outside brackets (ip lists) */
			for (next = tok; *next != '\0'; next++) {
				if (*next == '[')
					depth++;
				else if (*next == ']')
					depth--;
				else if (*next == ',' && depth <= 0)
					break;
			}
			if (*next == ',')
				*next++ = '\0';
			else
				next = NULL;

			while (isspace((unsigned char)*tok))
				tok++;
			k = tok;
			while (*tok != '\0' && !isspace((unsigned char)*tok))
				tok++;
			if (*tok != '\0')
				*tok++ = '\0';
			while (isspace((unsigned char)*tok))
				tok++;
			v = tok;
			end = v + strlen(v);
			while (end > v && isspace((unsigned char)end[-1]))
				*--end = '\0';
			errno = 0;
			if (strcmp(k, "gen_id") == 0) {
				gid = strtoull(v, &end, 10);
				bad |= *end != '\0' || *v == '\0';
				have_gid = true;
			} else if (strcmp(k, "sig_id") == 0) {
				sid = strtoull(v, &end, 10);
				bad |= *end != '\0' || *v == '\0' ||
				    sid > UINT32_MAX;
				have_sid = true;
			} else if (strcmp(k, "track") == 0)
				bad |= track_of(v, &track) != 0;
			else if (strcmp(k, "ip") == 0 && is_supp)
				ip = v;
			else if (strcmp(k, "type") == 0 && !is_supp) {
				if (strcmp(v, "limit") == 0) th.type = TH_LIMIT;
				else if (strcmp(v, "threshold") == 0)
					th.type = TH_THRESHOLD;
				else if (strcmp(v, "both") == 0) th.type = TH_BOTH;
				else bad = true;
			} else if (strcmp(k, "count") == 0 && !is_supp) {
				th.count = (uint32_t)strtoul(v, &end, 10);
				bad |= *end != '\0' || th.count == 0;
			} else if (strcmp(k, "seconds") == 0 && !is_supp) {
				th.seconds = (uint32_t)strtoul(v, &end, 10);
				bad |= *end != '\0' || th.seconds == 0;
			} else
				bad = true;
		}
		if (bad || !have_gid || !have_sid || (!is_supp &&
		    (th.type == TH_NONE || th.count == 0 || th.seconds == 0)) ||
		    (is_supp && track != TR_RULE && ip == NULL)) {
			if (err != NULL)
				(void)fprintf(err, "%s:%u:1: invalid %s line\n",
				    name, line, kw);
			errors++;
			continue;
		}
		if (is_supp) {
			struct suppress *sp;
			char why[256];

			e->supp = xreallocarray(e->supp, e->nsupp + 1,
			    sizeof(*e->supp));
			sp = &e->supp[e->nsupp];
			memset(sp, 0, sizeof(*sp));
			sp->gid = (uint32_t)gid;
			sp->sid = (uint32_t)sid;
			sp->track = track;
			if (ip != NULL && (sp->ip = detect_parse_addr(e, ip, why,
			    sizeof(why))) == NULL) {
				if (err != NULL)
					(void)fprintf(err, "%s:%u:1: %s\n", name,
					    line, why);
				errors++;
				continue;
			}
			e->nsupp++;
			continue;
		}
		th.track = track == TR_RULE ? TR_RULE : track;
		for (size_t i = 0; i < e->nrules; i++)
			if (e->rules[i].info.gid == gid && (sid == 0 ||
			    e->rules[i].info.sid == sid))
				e->rules[i].th = th;
	}
	return errors > 0 ? -1 : 0;
}

/*
 * Suricata's order: pass before the rest, rules that set flowbits
 * before those that only read them, then priority, then file order.
 */
static int
flowbits_rank(const struct drule *r)
{
	if (r->fb_sets && !r->fb_checks)
		return 0;
	if (r->fb_sets)
		return 1;
	if (r->fb_checks)
		return 2;
	return 3;
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct drule *x = a, *y = b;
	int ax = x->info.action == DETECT_PASS ? 0 : 1;
	int ay = y->info.action == DETECT_PASS ? 0 : 1;

	if (ax != ay)
		return ax - ay;
	if (flowbits_rank(x) != flowbits_rank(y))
		return flowbits_rank(x) - flowbits_rank(y);
	if (x->info.severity != y->info.severity)
		return x->info.severity - y->info.severity;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* ---- grouping and Hyperscan ---- */

struct fpent {
	uint32_t	 key;
	bool		 nocase;
	const uint8_t	*pat;
	uint32_t	 len;
	uint32_t	 rule;
};

static int
fpent_cmp(const void *a, const void *b)
{
	const struct fpent *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->nocase != y->nocase)
		return x->nocase - y->nocase;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((c = memcmp(x->pat, y->pat, x->len)) != 0)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Entries per group while building. */
struct gbuild {
	struct fpent	*ents;
	size_t		 n;
};

static void
group_add(struct dgroup *g, struct gbuild *b, const struct detect_engine *e,
    uint32_t ix)
{
	const struct drule *r = &e->rules[ix];
	const struct dm *m;
	struct fpent *f;

	if (r->fp_list < 0) {
		g->plain = xreallocarray(g->plain, g->nplain + 1,
		    sizeof(*g->plain));
		g->plain[g->nplain++] = ix;
		return;
	}
	m = &r->lists[r->fp_list].m[r->fp_m];
	b->ents = xreallocarray(b->ents, b->n + 1, sizeof(*b->ents));
	f = &b->ents[b->n++];
	f->key = r->lists[r->fp_list].key;
	f->nocase = (m->flags & DMF_NOCASE) != 0;
	if (m->flags & DMF_FAST_CHOP) {
		f->pat = m->pat + m->fp_off;
		f->len = m->fp_len;
	} else {
		f->pat = m->pat;
		f->len = m->plen;
	}
	f->rule = ix;
}

/*
 * How far from its buffer's start a match of rule ix can end its fast
 * pattern: the content's own offset + depth, when both are numbers and
 * it is positioned absolutely; 0 when it can be anywhere.
 */
static uint64_t
fp_bound(const struct detect_engine *e, uint32_t ix)
{
	const struct drule *r = &e->rules[ix];
	const struct dm *m;
	int64_t end;

	if (r->fp_list < 0)
		return 0;
	m = &r->lists[r->fp_list].m[r->fp_m];
	if (m->type != DM_CONTENT || !(m->flags & DMF_DEPTH) ||
	    (m->flags & (DMF_NEGATED | DMF_DISTANCE | DMF_WITHIN |
	    DMF_RELATIVE)) || (m->vars & (DMV_OFFSET | DMV_DEPTH)))
		return 0;
	end = (int64_t)((m->flags & DMF_OFFSET) ? m->offset : 0) +
	    (int64_t)m->depth;
	return end > 0 ? (uint64_t)end : 0;
}

/* Build a group's pattern tables; databases compiled (or loaded) later. */
static void
group_finish(struct detect_engine *e, struct dgroup *g, struct gbuild *b)
{
	size_t i, j;

	if (b->n == 0)
		return;
	qsort(b->ents, b->n, sizeof(*b->ents), fpent_cmp);
	for (i = 0; i < b->n; i = j) {
		struct pdb *d;
		size_t k;
		uint32_t np = 0;

		for (j = i; j < b->n && b->ents[j].key == b->ents[i].key; j++)
			;
		g->dbs = xreallocarray(g->dbs, g->ndbs + 1, sizeof(*g->dbs));
		d = &g->dbs[g->ndbs++];
		memset(d, 0, sizeof(*d));
		d->key = b->ents[i].key;
		d->rule_ix = xcalloc(j - i, sizeof(uint32_t));
		d->pat_rules = xcalloc(j - i, sizeof(uint32_t));
		d->pat_nrules = xcalloc(j - i, sizeof(uint32_t));
		d->bound = fp_bound(e, b->ents[i].rule);
		for (k = i; k < j; k++) {
			const struct fpent *x = &b->ents[k];

			if (k == i || x->nocase != x[-1].nocase || x->len !=
			    x[-1].len || memcmp(x->pat, x[-1].pat, x->len) != 0) {
				d->pat_rules[np] = (uint32_t)(k - i);
				np++;
			}
			d->pat_nrules[np - 1]++;
			d->rule_ix[k - i] = x->rule;
			if (d->bound != 0) {
				uint64_t bd = fp_bound(e, x->rule);

				d->bound = bd == 0 ? 0 : bd > d->bound ? bd :
				    d->bound;
			}
			if (x->len > d->maxlen)
				d->maxlen = (uint32_t)x->len;
		}
		d->npat = np;
		if (np <= DETECT_LIT_MAX) {
			d->lit = true;
			for (k = 0; k < np; k++) {
				const struct fpent *x =
				    &b->ents[i + d->pat_rules[k]];

				d->lit_pat[k] = x->pat;
				d->lit_len[k] = x->len;
				d->lit_nocase[k] = x->nocase;
			}
		}
		if (np > e->maxpat)
			e->maxpat = np;
		/* the sorted entries are needed to compile: keep the slice */
		d->db = NULL;
		e->all_dbs = xreallocarray(e->all_dbs, e->ndb_total + 1,
		    sizeof(*e->all_dbs));
		e->all_dbs[e->ndb_total++] = NULL;
	}
}

static int
compile_db(struct pdb *d, const struct fpent *ents, FILE *err)
{
	const char **exprs;
	unsigned *flags, *ids;
	size_t *lens;
	hs_compile_error_t *ce = NULL;
	uint32_t p;
	int rc = 0;

	exprs = xcalloc(d->npat, sizeof(*exprs));
	flags = xcalloc(d->npat, sizeof(*flags));
	ids = xcalloc(d->npat, sizeof(*ids));
	lens = xcalloc(d->npat, sizeof(*lens));
	for (p = 0; p < d->npat; p++) {
		const struct fpent *x = &ents[d->pat_rules[p]];

		exprs[p] = (const char *)x->pat;
		lens[p] = x->len;
		flags[p] = HS_FLAG_SINGLEMATCH | (x->nocase ?
		    HS_FLAG_CASELESS : 0);
		ids[p] = p;
	}
	if (hs_compile_lit_multi(exprs, flags, ids, lens, d->npat,
	    HS_MODE_BLOCK, NULL, &d->db, &ce) != HS_SUCCESS) {
		if (err != NULL)
			(void)fprintf(err, "detect: hyperscan: %s\n",
			    ce != NULL ? ce->message : "compile failed");
		if (ce != NULL)
			hs_free_compile_error(ce);
		rc = -1;
	}
	free(exprs);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

static int
group_of_pkt(const struct drule *r)
{
	switch (r->ipproto) {
	case 6: return GT_TCP;
	case 17: return GT_UDP;
	case 1: case 58: case 255: return GT_ICMP;
	default: return GT_IP;
	}
}

static char *
cache_path(const struct detect_engine *e, const char *dir)
{
	char *path;
	size_t n = strlen(dir) + 64;

	path = xcalloc(n, 1);
	(void)snprintf(path, n, "%s/detect-%016llx.hsdb", dir,
	    (unsigned long long)e->set_hash);
	return path;
}

static const char cache_magic[8] = "WWHSDB1\n";

static int
cache_read(struct detect_engine *e, const char *dir)
{
	char *path = cache_path(e, dir), *buf = NULL;
	size_t len, off = sizeof(cache_magic) + 8, i;
	uint64_t n;
	int rc = -1;

	if (util_read_file(path, 1u << 30, &buf, &len) != 0)
		goto out;
	if (len < off || memcmp(buf, cache_magic, sizeof(cache_magic)) != 0)
		goto out;
	memcpy(&n, buf + sizeof(cache_magic), 8);
	if (n != e->ndb_total)
		goto out;
	for (i = 0; i < e->ndb_total; i++) {
		uint64_t l;

		if (len - off < 8)
			goto bad;
		memcpy(&l, buf + off, 8);
		off += 8;
		if (len - off < l)
			goto bad;
		if (hs_deserialize_database(buf + off, l, &e->all_dbs[i]) !=
		    HS_SUCCESS)
			goto bad;
		off += l;
	}
	rc = 0;
	goto out;
bad:
	for (i = 0; i < e->ndb_total; i++)
		if (e->all_dbs[i] != NULL) {
			hs_free_database(e->all_dbs[i]);
			e->all_dbs[i] = NULL;
		}
out:
	free(buf);
	free(path);
	return rc;
}

static void
cache_write(const struct detect_engine *e, const char *dir, FILE *err)
{
	char *path = cache_path(e, dir), *tmp;
	size_t n = strlen(path) + 8, i;
	FILE *f;
	uint64_t cnt = e->ndb_total;
	bool ok;
	int fd;

	tmp = xcalloc(n, 1);
	(void)snprintf(tmp, n, "%s.tmp", path);
	(void)mkdir(dir, 0755);
	/* No symlink or FIFO planted as the temporary file is followed. */
	fd = util_open_regular(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd == -1 || (f = fdopen(fd, "wb")) == NULL) {
		if (err != NULL)
			(void)fprintf(err, "%s: %s: databases not cached\n", tmp,
			    util_open_strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	ok = fwrite(cache_magic, sizeof(cache_magic), 1, f) == 1 &&
	    fwrite(&cnt, 8, 1, f) == 1;
	for (i = 0; ok && i < e->ndb_total; i++) {
		char *bytes = NULL;
		size_t len = 0;
		uint64_t l;

		if (hs_serialize_database(e->all_dbs[i], &bytes, &len) !=
		    HS_SUCCESS) {
			ok = false;
			break;
		}
		l = len;
		ok = fwrite(&l, 8, 1, f) == 1 && fwrite(bytes, 1, len, f) == len;
		free(bytes);
	}
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		if (err != NULL)
			(void)fprintf(err, "%s: databases not cached\n", path);
		(void)unlink(tmp);
	}
out:
	free(tmp);
	free(path);
}

/* ---- port groups ---- */

/* A rule in direction d can only match server port p if: toserver,
 * its destination ports hold p; toclient, its source ports; <>, either. */
static bool
key_port_match(const struct drule *r, int d, uint16_t p)
{
	if (detect_port_match(d == 0 ? r->dp : r->sp, p))
		return true;
	return r->bidir && detect_port_match(d == 0 ? r->sp : r->dp, p);
}

/* Where membership can change: each range's first port and the one
 * after its last. */
static void
port_bounds(const struct anode *n, uint32_t **v, size_t *nv)
{
	size_t i;

	if (n == NULL)
		return;
	if (n->kind == AN_RANGE) {
		*v = xreallocarray(*v, *nv + 2, sizeof(**v));
		(*v)[(*nv)++] = (uint32_t)(n->lo[0] << 8 | n->lo[1]);
		(*v)[(*nv)++] = (uint32_t)(n->hi[0] << 8 | n->hi[1]) + 1;
	}
	for (i = 0; i < n->nkids; i++)
		port_bounds(&n->kids[i], v, nv);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A set of rules (ascending indexes) while splitting by port. */
struct rset {
	uint32_t	*v;
	size_t		 n;
};

static size_t
rset_find(struct rset *sets, size_t nsets, const uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < nsets; i++)
		if (sets[i].n == n && (n == 0 ||
		    memcmp(sets[i].v, v, n * sizeof(*v)) == 0))
			return i;
	return nsets;
}

/* a := a | b, both ascending. */
static void
rset_union(struct rset *a, const struct rset *b)
{
	uint32_t *v = xcalloc(a->n + b->n + 1, sizeof(*v));
	size_t i = 0, j = 0, n = 0;

	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->v[i] < b->v[j]))
			v[n++] = a->v[i++];
		else if (i == a->n || b->v[j] < a->v[i])
			v[n++] = b->v[j++];
		else {
			v[n++] = a->v[i++];
			j++;
		}
	}
	free(a->v);
	a->v = v;
	a->n = n;
}

static int
rset_size_cmp(const void *a, const void *b)
{
	const struct rset *x = *(const struct rset *const *)a;
	const struct rset *y = *(const struct rset *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Split a protocol and direction's rules (mem, ascending) by server
 * port into s: segments of the port space with the same rules share a
 * group.  Past DETECT_MAX_PORT_GROUPS groups, the smallest ones are
 * merged into one (never the group of the ports no rule names, which
 * most traffic uses), so a packet may get a few rules more to verify
 * than its ports allow, never fewer.
 */
static void
sel_split(const struct detect_engine *e, struct dsel *s, const uint32_t *mem,
    size_t nmem, int d, bool keyed, struct rset **setsp, size_t *nsetsp)
{
	uint32_t *b = NULL, *cur;
	size_t nb = 0, i, k, nsets = 0, ncur, nu;
	struct rset *sets = NULL;
	uint32_t *map;

	if (keyed) {
		b = xreallocarray(b, 1, sizeof(*b));
		b[nb++] = 0;
		for (i = 0; i < nmem; i++) {
			const struct drule *r = &e->rules[mem[i]];

			port_bounds(d == 0 || r->bidir ? r->dp : NULL, &b, &nb);
			port_bounds(d == 1 || r->bidir ? r->sp : NULL, &b, &nb);
		}
		qsort(b, nb, sizeof(*b), u32_cmp);
		for (i = k = 0; i < nb; i++)
			if (b[i] <= 0xffff && (k == 0 || b[i] != b[k - 1]))
				b[k++] = b[i];
		nb = k;
	} else {
		b = xcalloc(1, sizeof(*b));
		nb = 1;
	}
	cur = xcalloc(nmem + 1, sizeof(*cur));
	s->seg_lo = xcalloc(nb, sizeof(*s->seg_lo));
	s->seg_ix = xcalloc(nb, sizeof(*s->seg_ix));
	for (i = 0; i < nb; i++) {
		size_t ix;

		for (k = ncur = 0; k < nmem; k++)
			if (!keyed || key_port_match(&e->rules[mem[k]], d,
			    (uint16_t)b[i]))
				cur[ncur++] = mem[k];
		if ((ix = rset_find(sets, nsets, cur, ncur)) == nsets) {
			sets = xreallocarray(sets, nsets + 1, sizeof(*sets));
			sets[nsets].v = xcalloc(ncur + 1, sizeof(*cur));
			memcpy(sets[nsets].v, cur, ncur * sizeof(*cur));
			sets[nsets++].n = ncur;
		}
		if (s->nseg > 0 && s->seg_ix[s->nseg - 1] == ix)
			continue;
		s->seg_lo[s->nseg] = (uint16_t)b[i];
		s->seg_ix[s->nseg++] = (uint16_t)ix;
	}
	free(cur);
	free(b);
	/* Too many: keep the largest and the one of unnamed ports (the
	 * smallest: every set holds the rules for any port), merge the
	 * rest. */
	map = xcalloc(nsets + 1, sizeof(*map));
	for (i = 0; i < nsets; i++)
		map[i] = (uint32_t)i;
	if (nsets > DETECT_MAX_PORT_GROUPS) {
		struct rset **by = xcalloc(nsets, sizeof(*by)), *keep;
		size_t base = 0, into;
		uint32_t *newid;

		for (i = 1; i < nsets; i++)
			if (sets[i].n < sets[base].n)
				base = i;
		for (i = k = 0; i < nsets; i++)
			if (i != base)
				by[k++] = &sets[i];
		qsort(by, k, sizeof(*by), rset_size_cmp);
		/* by[0 .. MAX-3] stay, by[MAX-2 ..] merge into by[MAX-2] */
		into = (size_t)(by[DETECT_MAX_PORT_GROUPS - 2] - sets);
		for (i = DETECT_MAX_PORT_GROUPS - 1; i < k; i++) {
			rset_union(&sets[into], by[i]);
			map[by[i] - sets] = (uint32_t)into;
		}
		/* renumber what stays, in first-seen order */
		keep = xcalloc(DETECT_MAX_PORT_GROUPS, sizeof(*keep));
		newid = xcalloc(nsets, sizeof(*newid));
		nu = 0;
		for (i = 0; i < nsets; i++)
			if (map[i] == i) {
				keep[nu] = sets[i];
				newid[i] = (uint32_t)nu++;
			}
		for (i = 0; i < nsets; i++)
			if (map[i] != i) {
				free(sets[i].v);
				newid[i] = newid[map[i]];
			}
		memcpy(map, newid, nsets * sizeof(*map));
		free(newid);
		free(by);
		for (i = 0; i < s->nseg; i++)
			s->seg_ix[i] = (uint16_t)map[s->seg_ix[i]];
		free(sets);
		sets = keep;
		nsets = nu;
		for (i = k = 0; i < s->nseg; i++) {
			if (k > 0 && s->seg_ix[k - 1] == s->seg_ix[i])
				continue;
			s->seg_lo[k] = s->seg_lo[i];
			s->seg_ix[k++] = s->seg_ix[i];
		}
		s->nseg = (uint32_t)k;
	}
	free(map);
	if (s->nseg > DETECT_SEL_DIRECT) {
		s->by_hi = xcalloc(257, sizeof(*s->by_hi));
		for (i = k = 0; i < 256; i++) {
			while (k + 1 < s->nseg && s->seg_lo[k + 1] <= i << 8)
				k++;
			s->by_hi[i] = (uint32_t)k;
		}
		s->by_hi[256] = s->nseg - 1;
	}
	*setsp = sets;
	*nsetsp = nsets;
}

const struct dgroup *
detect_sel(const struct dsel *s, uint16_t p)
{
	uint32_t lo = 0, hi = s->nseg;
	const struct dgroup *g;

	if (s->nseg == 0)
		return NULL;
	if (s->by_hi != NULL) {
		lo = s->by_hi[p >> 8];
		hi = s->by_hi[(p >> 8) + 1] + 1;
	}
	/* the last segment starting at or below p */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->seg_lo[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	g = &s->sg[s->seg_ix[lo]];
	return g->nrules > 0 ? g : NULL;
}

/* One group being built: its rules' fast patterns. */
struct unit {
	struct dgroup	*g;
	struct gbuild	 b;
};

static int
build(struct detect_engine *e, const struct detect_config *c, FILE *err)
{
	struct rset *mem;
	size_t i, k, nsel, nunits = 0;
	struct timespec t0, t1;
	int d, rc = 0;
	const char *ver = hs_version();
	struct unit *units = NULL;
	struct {
		struct dsel	*s;
		int		 d;
		bool		 keyed;
	} *sels;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	/* file order breaks ties, so the sort is stable */
	for (i = 0; i < e->nrules; i++)
		e->rules[i].order = (uint32_t)i;
	if (e->nrules > 1)
		qsort(e->rules, e->nrules, sizeof(*e->rules), rule_cmp);
	/* the duplicate check's index names places the sort moved */
	free(e->sid_tab);
	e->sid_tab = NULL;
	e->sid_cap = 0;
	e->set_hash = hash_text(e->set_hash, ver, strlen(ver));
	/* how rules are grouped is part of what the cache holds, and the
	 * groups depend on the variables the rules' ports and addresses
	 * name: a database built for other values must never be read */
	e->set_hash = hash_text(e->set_hash, "port-groups/8 " PACKAGE_VERSION,
	    strlen("port-groups/8 " PACKAGE_VERSION));
	for (i = 0; i < e->nvars; i++) {
		e->set_hash = hash_text(e->set_hash, e->vnames[i],
		    strlen(e->vnames[i]) + 1);
		e->set_hash = hash_text(e->set_hash, e->vvalues[i],
		    strlen(e->vvalues[i]) + 1);
	}
	for (i = 0; i < e->npvars; i++) {
		e->set_hash = hash_text(e->set_hash, e->pvnames[i],
		    strlen(e->pvnames[i]) + 1);
		e->set_hash = hash_text(e->set_hash, e->pvvalues[i],
		    strlen(e->pvvalues[i]) + 1);
	}
	nsel = (GT_MAX + 2 * APP_MAX) * 2;
	sels = xcalloc(nsel, sizeof(*sels));
	mem = xcalloc(nsel, sizeof(*mem));
	for (k = 0; k < nsel; k++) {
		size_t x = k / 2;

		sels[k].d = (int)(k % 2);
		if (x < GT_MAX) {
			sels[k].s = &e->pkt[x][k % 2];
			sels[k].keyed = x == GT_TCP || x == GT_UDP;
		} else if (x < GT_MAX + APP_MAX) {
			sels[k].s = &e->stream[x - GT_MAX][k % 2];
			sels[k].keyed = true;
		} else {
			/* transactions are already split by protocol, and
			 * app-layer rules mostly take any port: splitting
			 * them would multiply the largest databases */
			sels[k].s = &e->tx[x - GT_MAX - APP_MAX][k % 2];
			sels[k].keyed = false;
		}
	}
	for (i = 0; i < e->nrules; i++) {
		struct drule *r = &e->rules[i];

		for (d = 0; d < 2; d++) {
			struct rset *m;

			if (!(r->dirs & (1u << d)))
				continue;
			if (r->kind == RK_PACKET)
				m = &mem[group_of_pkt(r) * 2 + d];
			else if (r->kind == RK_STREAM)
				m = &mem[(GT_MAX + r->app) * 2 + d];
			else
				m = &mem[(GT_MAX + APP_MAX + r->app) * 2 + d];
			m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
			m->v[m->n++] = (uint32_t)i;
		}
		if (r->kind == RK_TX) {
			r->tx_slot = e->ntx[r->app]++;
			if (r->app == APP_UNKNOWN)
				for (k = 0; k < APP_MAX; k++)
					e->wants[k] = true;
			else
				e->wants[r->app] = true;
		}
		if (r->kind == RK_STREAM) {
			e->has_stream = true;
			if (r->span > e->stream_tail)
				e->stream_tail = r->span;
		}
	}
	if (e->has_stream && e->stream_tail < 1)
		e->stream_tail = 1;
	for (k = 0; k < nsel; k++) {
		struct dsel *s = sels[k].s;
		struct rset *sets;
		size_t nsets, j;

		if (mem[k].n == 0)
			continue;
		sel_split(e, s, mem[k].v, mem[k].n, sels[k].d, sels[k].keyed,
		    &sets, &nsets);
		s->sg = xcalloc(nsets, sizeof(*s->sg));
		s->nsg = (uint32_t)nsets;
		units = xreallocarray(units, nunits + nsets, sizeof(*units));
		for (j = 0; j < nsets; j++) {
			struct unit *u = &units[nunits++];
			struct dgroup *g = &s->sg[j];

			memset(u, 0, sizeof(*u));
			u->g = g;
			g->nrules = (uint32_t)sets[j].n;
			for (i = 0; i < sets[j].n; i++) {
				const struct drule *r = &e->rules[sets[j].v[i]];

				group_add(g, &u->b, e, sets[j].v[i]);
				if (r->kind == RK_STREAM && r->span > g->span)
					g->span = r->span;
			}
			if (g->nrules > 0 && e->has_stream && g->span < 1)
				g->span = 1;
			free(sets[j].v);
			group_finish(e, g, &u->b);
		}
		free(sets);
	}
	for (k = 0; k < nsel; k++)
		free(mem[k].v);
	free(mem);
	free(sels);
	if (c->cache_dir != NULL && e->ndb_total > 0 &&
	    cache_read(e, c->cache_dir) == 0)
		e->from_cache = true;
	{
		size_t n = 0;

		for (k = 0; k < nunits; k++) {
			struct dgroup *g = units[k].g;
			size_t j, base = 0;

			for (j = 0; j < g->ndbs; j++) {
				struct pdb *pd = &g->dbs[j];
				size_t cnt = 0;

				for (uint32_t p = 0; p < pd->npat; p++)
					cnt += pd->pat_nrules[p];
				if (e->from_cache)
					pd->db = e->all_dbs[n];
				else if (rc == 0 && compile_db(pd,
				    units[k].b.ents + base, err) != 0)
					rc = -1;
				e->all_dbs[n++] = pd->db;
				base += cnt;
			}
		}
	}
	if (rc == 0 && !e->from_cache && c->cache_dir != NULL &&
	    e->ndb_total > 0)
		cache_write(e, c->cache_dir, err);
	for (k = 0; k < nunits; k++)
		free(units[k].b.ents);
	free(units);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	e->compile_s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

/*
 * The configuration's datasets, and "dicom-known-ae" (always there, so
 * that the shipped rule on it loads; empty, every AE title is unknown)
 * from dicom.known-ae-titles.  A bad set is a configuration error.
 */
static int
load_datasets(struct detect_engine *e, const struct detect_config *c,
    FILE *err)
{
	char why[512], path[4096];
	size_t i;
	int ix, type;

	if (c->default_rule_path != NULL)
		e->rule_path = xstrdup(c->default_rule_path);
	for (i = 0; i < c->n_datasets; i++) {
		const struct detect_dataset_config *d = &c->datasets[i];

		if ((type = detect_dataset_type(d->type)) < 0) {
			(void)fprintf(err, "datasets.%s: unknown type '%s' "
			    "(string, md5, sha256, ipv4 or ip)\n", d->name,
			    d->type);
			return -1;
		}
		if (d->load != NULL && d->load[0] != '/' &&
		    c->default_rule_path != NULL)
			(void)snprintf(path, sizeof(path), "%s/%s",
			    c->default_rule_path, d->load);
		else
			(void)snprintf(path, sizeof(path), "%s",
			    d->load != NULL ? d->load : "");
		if (detect_dataset_get(e, d->name, type, d->load != NULL ?
		    path : NULL, d->memcap, d->hashsize, why,
		    sizeof(why)) < 0) {
			(void)fprintf(err, "datasets.%s: %s\n", d->name, why);
			return -1;
		}
	}
	if ((ix = detect_dataset_get(e, "dicom-known-ae", DS_STRING, NULL, 0,
	    0, why, sizeof(why))) < 0) {
		(void)fprintf(err, "dicom.known-ae-titles: %s\n", why);
		return -1;
	}
	for (i = 0; i < c->n_known_ae; i++)
		if (detect_dataset_add(e, ix, (const uint8_t *)c->known_ae[i],
		    strlen(c->known_ae[i])) != 0) {
			(void)fprintf(err, "dicom.known-ae-titles: cannot add "
			    "'%s'\n", c->known_ae[i]);
			return -1;
		}
	return 0;
}

static struct detect_engine *
engine_new(const struct detect_config *c, FILE *err, struct counters *stats)
{
	/* A reload's engine may get a freed one's address: flows tell
	 * engines apart by this instead. */
	static _Atomic uint64_t last_gen;
	struct detect_engine *e = xcalloc(1, sizeof(*e));
	char *text;

	e->stats = stats;
	e->gen = atomic_fetch_add(&last_gen, 1) + 1;
	if (load_vars(e, c, err) != 0)
		goto fail;
	if (c->classification_file != NULL) {
		if (read_text(c->classification_file, &text, err) != 0)
			goto fail;
		if (load_classification(e, c->classification_file, text,
		    err) != 0) {
			free(text);
			goto fail;
		}
		free(text);
	} else
		(void)load_classification(e, "built-in classification",
		    builtin_classification, err);
	if (c->reference_file != NULL) {
		if (read_text(c->reference_file, &text, err) != 0)
			goto fail;
		if (load_reference(e, c->reference_file, text, err) != 0) {
			free(text);
			goto fail;
		}
		free(text);
	}
	if (load_datasets(e, c, err) != 0)
		goto fail;
	return e;
fail:
	detect_free(e);
	return NULL;
}

static struct detect_engine *
engine_finish(struct detect_engine *e, const struct detect_config *c,
    FILE *err)
{
	char *text;

	if (c->threshold_file != NULL) {
		if (read_text(c->threshold_file, &text, err) != 0)
			goto fail;
		if (load_threshold(e, c->threshold_file, text, err) != 0) {
			free(text);
			goto fail;
		}
		free(text);
	}
	if (build(e, c, err) != 0)
		goto fail;
	return e;
fail:
	detect_free(e);
	return NULL;
}

struct detect_engine *
detect_load_text(const struct detect_config *c, const char *name,
    const char *text, FILE *err, struct counters *stats)
{
	struct detect_engine *e = engine_new(c, err, stats);

	if (e == NULL)
		return NULL;
	load_rules_text(e, name, text, err);
	return engine_finish(e, c, err);
}

struct detect_engine *
detect_load(const struct detect_config *c, FILE *err, struct counters *stats)
{
	struct detect_engine *e = engine_new(c, err, stats);
	size_t i;

	if (e == NULL)
		return NULL;
	if (c->n_rule_files == 0)
		for (i = 0; i < rules_builtin_nfiles; i++) {
			char name[128];

			(void)snprintf(name, sizeof(name), "built-in %s",
			    rules_builtin_files[i].name);
			load_rules_text(e, name,
			    (const char *)rules_builtin_files[i].data, err);
		}
	for (i = 0; i < c->n_rule_files; i++) {
		const char *f = c->rule_files[i];
		char *path = NULL, *text;
		int rc;

		if (f[0] != '/' && c->default_rule_path != NULL) {
			size_t n = strlen(c->default_rule_path) + strlen(f) + 2;

			path = xcalloc(n, 1);
			(void)snprintf(path, n, "%s/%s", c->default_rule_path, f);
			f = path;
		}
		rc = read_text(f, &text, err);
		if (rc != 0) {
			free(path);
			detect_free(e);
			return NULL;
		}
		load_rules_text(e, f, text, err);
		free(text);
		free(path);
	}
	return engine_finish(e, c, err);
}

static void
free_strs(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
group_free(struct dgroup *g)
{
	size_t i;

	for (i = 0; i < g->ndbs; i++) {
		if (g->dbs[i].db != NULL)
			hs_free_database(g->dbs[i].db);
		free(g->dbs[i].rule_ix);
		free(g->dbs[i].pat_rules);
		free(g->dbs[i].pat_nrules);
	}
	free(g->dbs);
	free(g->plain);
}

static void
sel_free(struct dsel *s)
{
	uint32_t i;

	for (i = 0; i < s->nsg; i++)
		group_free(&s->sg[i]);
	free(s->sg);
	free(s->seg_lo);
	free(s->seg_ix);
	free(s->by_hi);
}

void
detect_free(struct detect_engine *e)
{
	size_t i;
	int d;

	if (e == NULL)
		return;
	detect_datasets_free(e);
	free(e->rule_path);
	for (i = 0; i < e->nrules; i++)
		detect_rule_free(&e->rules[i]);
	free(e->rules);
	free(e->sid_tab);
	for (i = 0; i < e->nreasons; i++)
		free(e->reasons[i].text);
	free(e->reasons);
	free_strs(e->vnames, e->nvars);
	free_strs(e->vvalues, e->nvars);
	free_strs(e->pvnames, e->npvars);
	free_strs(e->pvvalues, e->npvars);
	free_strs(e->cl_name, e->ncl);
	free_strs(e->cl_desc, e->ncl);
	free(e->cl_prio);
	free_strs(e->ref_name, e->nref);
	free_strs(e->fb_names, e->nfb);
	for (i = 0; i < e->nsupp; i++)
		detect_anode_free(e->supp[i].ip);
	free(e->supp);
	for (d = 0; d < 2; d++) {
		for (i = 0; i < GT_MAX; i++)
			sel_free(&e->pkt[i][d]);
		for (i = 0; i < APP_MAX; i++) {
			sel_free(&e->stream[i][d]);
			sel_free(&e->tx[i][d]);
		}
	}
	free(e->all_dbs);
	free(e);
}

void
detect_print_summary(const struct detect_engine *e, FILE *f)
{
	size_t i;

	(void)fprintf(f, "rules: %zu loaded, %zu skipped\n", e->nrules,
	    e->skipped);
	for (i = 0; i < e->nreasons; i++)
		(void)fprintf(f, "  %zu %s\n", e->reasons[i].count,
		    e->reasons[i].text);
}

bool
detect_skip_reason(const struct detect_engine *e, size_t i,
    const char **reason, size_t *count)
{
	if (i >= e->nreasons)
		return false;
	*reason = e->reasons[i].text;
	*count = e->reasons[i].count;
	return true;
}

size_t
detect_rules_loaded(const struct detect_engine *e)
{
	return e->nrules;
}

size_t
detect_rules_skipped(const struct detect_engine *e)
{
	return e->skipped;
}

double
detect_compile_seconds(const struct detect_engine *e)
{
	return e->compile_s;
}

bool
detect_from_cache(const struct detect_engine *e)
{
	return e->from_cache;
}

const struct detect_rule_info *
detect_rule(const struct detect_engine *e, uint32_t r)
{
	return r < e->nrules ? &e->rules[r].info : NULL;
}

bool
detect_wants_proto(const struct detect_engine *e, enum app_proto p)
{
	return (unsigned)p < APP_MAX && e->wants[p];
}
