/*
 * findings.h - the offline assessment's findings and risk scores.
 *
 * Input: the devices of a state database with what each learned (its
 * baseline: services offered and used, peers, public destinations) and
 * the alerts counted for it (state_load_alerts()).  Output: findings,
 * each of a kind with a stable id (WW-F001 ...; WW-A<gid>-<sid> for
 * alerts grouped by signature), a severity, a one-line remediation,
 * the devices affected and the evidence per device; and per device a
 * risk score (0..100) with its reasons.
 *
 * Pure computation on plain types: no database, no output.  Results
 * depend only on the input's order (devices by id), so reports are
 * deterministic.
 */
#ifndef WW_FINDINGS_H
#define WW_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"
#include "state/state.h"

struct bl_dev;

enum fnd_sev {
	FND_CRITICAL,
	FND_HIGH,
	FND_MEDIUM,
	FND_LOW,
	FND_INFO,
	FND_SEV_MAX
};

enum fnd_kind {
	FND_CLEARTEXT_LOGIN,	/* WW-F001 */
	FND_SMB1,		/* WW-F002 */
	FND_TELNET,		/* WW-F003 */
	FND_FTP,		/* WW-F004 */
	FND_HTTP,		/* WW-F005 */
	FND_OLD_TLS,		/* WW-F006 */
	FND_EXTERNAL,		/* WW-F007 */
	FND_CROSS_VLAN,		/* WW-F008 */
	FND_UNKNOWN_MEDICAL,	/* WW-F009 */
	FND_SNMP,		/* WW-F010 */
	FND_CLINICAL_CROSS,	/* WW-F011 */
	FND_HTTP_BASIC,		/* WW-F012 */
	FND_SNMP_COMMUNITY,	/* WW-F013 */
	FND_TLS_CERT,		/* WW-F014 */
	FND_WEAK_CIPHER,	/* WW-F015 */
	FND_EOL_SOFTWARE,	/* WW-F016 */
	FND_NDPI,		/* WW-R<nn>: app/dpirisk.def */
	FND_ALERT,		/* WW-A<gid>-<sid> */
	FND_KIND_MAX
};

#define FND_EVIDENCE_MAX	320	/* one device's evidence line */
#define FND_REASON_MAX		192
#define FND_REASONS_MAX		12

/* One device as the assessment sees it (owned by the caller). */
struct fnd_dev {
	const struct device *d;
	const struct bl_dev *bl;	/* NULL: no baseline */
	const struct state_alert *alerts;
	size_t		 nalerts;
	/* Filled by findings_compute(). */
	const char	*class;		/* "unknown" when none */
	int		 risk;		/* 0..100 */
	/* At most FND_REASONS_MAX, in the list's storage (gone with
	 * findings_free()): a device has a few, and a fixed array was
	 * 2.3 KB of each (12 MB at the end of a 5,000-device run). */
	char		(*reasons)[FND_REASON_MAX];
	size_t		 nreasons;
	size_t		 nfindings;	/* findings naming it */
	unsigned	 services_offered, peers_in, peers_out;
	unsigned	 external;	/* public destinations */
};

struct fnd_hit {
	size_t		 dev;		/* index into the devices */
	char		 evidence[FND_EVIDENCE_MAX];
};

struct finding {
	enum fnd_kind	 kind;
	enum fnd_sev	 sev;
	char		 id[24];	/* "WW-F001", "WW-A1-9200101" */
	char		 title[STATE_SIG_MAX + 16];
	const char	*remediation;
	struct fnd_hit	*hits;
	size_t		 nhits;
	uint32_t	 gid, sid;	/* FND_ALERT; FND_NDPI: sid nn */
};

struct fnd_list {
	struct finding	*v;		/* severity, then id */
	size_t		 n;
	char		(*reasons)[FND_REASON_MAX];	/* the devices' */
};

/*
 * Compute the findings over devs (in id order) and each device's risk.
 * Devices' peers are matched to the others by MAC ("mac:" items).
 */
void		 findings_compute(struct fnd_dev *devs, size_t n,
		    struct fnd_list *out);
void		 findings_free(struct fnd_list *);

const char	*fnd_sev_name(enum fnd_sev);	/* "critical", ... */
/* "WW-F001" for a kind (FND_ALERT: "WW-A", FND_NDPI: "WW-R"). */
const char	*fnd_kind_id(enum fnd_kind);

/*
 * The risk score (documented in wardwatch-report(8)):
 *
 *   risk = round(impact * (20 + 0.8 * min(100, exposure + weakness)))
 *
 * impact (0.3 .. 1.0) is the device class's clinical weight; exposure
 * (0 .. 40) is services offered (5 each, at most 20), peers that reach
 * it from other VLANs (2 each, at most 10) and public destinations
 * (10 if any); weakness (0 .. 60) sums its findings' severities
 * (critical 25, high 15, medium 8, low 3, info 1).  Every term only
 * grows with its input, so the score is monotonic in each.
 */
struct fnd_risk_in {
	const char	*class;
	unsigned	 services;	/* offered */
	unsigned	 cross_peers;	/* reaching it from other VLANs */
	unsigned	 external;	/* public destinations */
	unsigned	 sev[FND_SEV_MAX];	/* findings naming it */
};
int		 findings_risk(const struct fnd_risk_in *);

/* A baseline's service key, "tcp/23 telnet server". */
struct fnd_svc {
	char		 proto[8];	/* "tcp" */
	unsigned	 port;
	char		 app[32];	/* "telnet", "-" */
	bool		 server;	/* else a client */
};
/* Its fields, or false: the key is not one.  (Read as sscanf() with
 * "%7[a-z0-9]/%u %31s %15s" would read it.) */
bool		 fnd_service_parse(const char *key, struct fnd_svc *);
/* A MAC as sscanf() with "%2x:%2x:%2x:%2x:%2x:%2x" reads it, or false. */
bool		 fnd_mac_parse(const char *, uint8_t mac[6]);
/* A class's clinical weight, in percent (30 .. 100). */
unsigned	 findings_impact(const char *class);

#endif /* WW_FINDINGS_H */
