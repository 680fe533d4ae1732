/*
 * brain.h - the device brain: the one owner of device state.
 *
 * Workers turn flows and application facts into small events
 * (struct brain_ev) in a queue of their own, without locks.  At each
 * clock tick a worker hands its queue over to the brain's own thread,
 * which fingerprints, writes records and saves the state: none of that
 * runs on a packet thread, and no packet thread waits for it (offline,
 * a worker far ahead of the brain is held back, so that nothing is
 * dropped).  Once every worker has
 * handed over a tick, the brain sorts that tick's events by packet
 * time (and a per-flow sequence) and applies them.  So the inventory,
 * and every record it writes, is the same whatever the number of
 * workers.  Applying an event updates the device it is about (found
 * by MAC and VLAN, or by IP behind a router), its evidence and its
 * fused identity (fingerprints from fpdb, vendors from the IEEE
 * registry), then writes "device" records for what changed and an
 * alert for a new device on a medical VLAN.  The inventory is loaded
 * from and saved to the state database (state.h).
 */
#ifndef WW_BRAIN_H
#define WW_BRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "device/device.h"
#include "policy/baseline.h"
#include "util/events.h"

struct fpdb;
struct state;

/* A device's risk score and its reasons (nreasons lines, each ending
 * in a newline; heap), by device id. */
struct brain_risk {
	uint64_t	 id;
	int		 risk;
	size_t		 nreasons;
	char		*reasons;
};

#define BRAIN_DEFAULT_MAX_DEVICES	10000
#define BRAIN_DEFAULT_SAVE_INTERVAL	60	/* seconds of packet time */
#define BRAIN_DEFAULT_SNAPSHOT_INTERVAL	86400	/* a day: any SIEM keeps one */
#define BRAIN_DEFAULT_ALERT_WINDOW	3600	/* seconds of packet time */
#define BRAIN_MAX_MEDICAL_VLANS		64
#define BRAIN_ROUTER_IPS		4	/* source IPs that make a router */
#define BRAIN_MAX_GATEWAYS		64	/* DHCP option 3 addresses kept */
#define BRAIN_MAX_SUBNETS		256	/* DHCP option 1 subnets kept */
#define BRAIN_MAX_BROADCASTS		256	/* to ff:ff:ff:ff:ff:ff, kept */
/* Addresses the inventory remembers, per device of max_devices (and
 * at least BRAIN_ADDR_MIN): the least recently used go first. */
#define BRAIN_ADDR_PER_DEVICE		4
#define BRAIN_ADDR_MIN			1024
#define BRAIN_VLAN_RELAYED		UINT16_MAX	/* brain_ev.vlan */
#define BRAIN_FP_BUILTIN		"builtin"	/* devices.fingerprints */
#define BRAIN_STATE_AUTO		"auto"		/* devices.state-file */

/* The alert a new device raises (wardwatch-events(7)). */
#define BRAIN_ALERT_GID			9100
#define BRAIN_SID_NEW_DEVICE		1
#define BRAIN_SID_NEW_DEVICE_CLASS	2
#define BRAIN_SIG_NEW_DEVICE	"WARDWATCH new device on a medical VLAN"
#define BRAIN_SID_TABLE_FULL		3
#define BRAIN_SIG_TABLE_FULL	"WARDWATCH device table full: devices not recorded"

struct brain_config {
	bool		 enabled;
	char		*fingerprints;	/* directory, or BRAIN_FP_BUILTIN */
	bool		 builtin_fingerprints;	/* the compiled-in set too */
	char		*oui_dir;	/* registry directory */
	char		*state_file;	/* or BRAIN_STATE_AUTO: by mode */
	uint32_t	 max_devices;
	uint32_t	 max_peers;	/* per device (device/peers.h) */
	uint32_t	 save_interval;	/* seconds; 0: only at the end */
	uint32_t	 snapshot_interval;	/* seconds; 0: only at the end */
	uint32_t	 queue_max;	/* events waiting for the brain */
	bool		 slim_records;	/* devices.record: slim */
	uint16_t	 medical_vlans[BRAIN_MAX_MEDICAL_VLANS];
	uint32_t	 n_medical_vlans;
	/* Judgments: zones (policy/zone.h; owned, NULL: the built-ins
	 * only) and the window in which one alert stands for the same
	 * (device, reason, peer). */
	struct zones	*zones;
	uint32_t	 alert_window;	/* seconds */
	/* Baselines and attack behaviours (baseline: in the config);
	 * baseline.learn_run is --learn. */
	struct bl_config baseline;
	/* Zero-trust policy (policy/policy.h): site files added to the
	 * shipped profiles in order, then the config's own profiles
	 * (owned; NULL: none); enum pol_set_mode. */
	char		**policy_files;
	uint32_t	 n_policy_files;
	struct policy	*policy_overrides;
	uint32_t	 n_policy_overrides;	/* profiles in it */
	uint8_t		 policy_mode;
	/* geoip: MaxMind databases, NULL: none (policy/geo.h). */
	char		*geoip_country, *geoip_asn;
	/* The risk scores of snapshot records, as the report computes
	 * them over the saved devices (report_risks_of(), which the
	 * engine sets: the report is built on the brain); NULL: none. */
	int		(*risks)(struct state *, const struct device *const *,
			    const struct bl_dev *const *, size_t,
			    struct brain_risk **, size_t *, FILE *);
};

enum brain_ev_kind {
	BRAIN_EV_EVIDENCE,	/* key=value about end[0] */
	BRAIN_EV_FLOW,		/* a flow ended: end[0] client, end[1] server */
	BRAIN_EV_LEASE,		/* DHCP ACK: end[0] (chaddr) has this IP */
	BRAIN_EV_ROUTER_IP,	/* DHCP option 3: end[0].ip is a router */
	BRAIN_EV_SUBNET,	/* DHCP option 1: end[0].ip is in a subnet
				 * of prefix plen; end[0].mac the client */
	BRAIN_EV_ALERT,		/* a rule matched: end[0] the alert's
				 * source, end[1] its destination */
	BRAIN_EV_ACTIVITY,	/* end[0] did key (enum activity) with
				 * value to end[1]; sport is end[0]'s */
};

struct brain_end {
	uint8_t		 mac[6];
	bool		 has_mac;
	bool		 has_ip;
	struct dev_ip	 ip;
	uint8_t		 ttl;		/* of its first packet; 0: unknown */
};

struct brain_ev {
	uint64_t	 ts_us;
	uint64_t	 pcap_cnt;	/* 0: not a packet's (flow end) */
	uint64_t	 fkey;		/* flow identity, unseeded */
	uint64_t	 gen;		/* tick it was handed over at */
	uint32_t	 seq;		/* per flow */
	uint8_t		 kind;		/* enum brain_ev_kind */
	uint8_t		 proto;		/* IP protocol */
	uint16_t	 vlan;		/* or BRAIN_VLAN_RELAYED (DHCP) */
	uint16_t	 sport, dport;
	uint8_t		 app;		/* enum app_proto */
	uint8_t		 plen;		/* SUBNET: prefix length, 0..32 */
	bool		 answered;	/* FLOW: the server sent packets */
	struct brain_end end[2];
	/* What only one kind has (a queue holds a million events). */
	union {
		/* FLOW: to server, to client */
		struct {
			uint64_t pkts[2], bytes[2];
		};
		/* EVIDENCE, ACTIVITY */
		struct {
			uint8_t	 key;	/* enum evidence_key */
			char	 value[DEV_VALUE_MAX];
		};
		/* ALERT: the rule (detect_rule()), the direction that
		 * matched (FLOW_DIR_*), the flow (0: none), the alert's
		 * addresses (16 bytes, IPv4 in the first 4) and the
		 * members the worker rendered for the record
		 * ("app_proto", "flow", the protocol object): heap, owned
		 * by the event, freed by the brain (brain_ev_release()). */
		struct {
			uint32_t rule;
			uint8_t	 dir;
			uint8_t	 ipver;
			uint32_t json_len;
			uint64_t flow_id;
			uint8_t	 src[16], dst[16];
			char	*json;
		};
	};
};

/* A worker's queue (no lock: one writer, handed over whole). */
struct brain_queue {
	struct brain_ev	*ev;
	size_t		 n, cap;
	uint64_t	 dropped;	/* over BRAIN_QUEUE_MAX */
	/* What the producer's flows hold in evidence sent lately
	 * (devfacts.c): the worker counts it against flow.memcap. */
	uint64_t	 sent_mem;
};
#define BRAIN_QUEUE_MAX		(1u << 20)
/* Events handed over and not yet applied by the brain's thread
 * (devices.queue-max): past this, offline workers wait and live ones
 * drop (and count). */
#define BRAIN_DEFAULT_QUEUE_MAX	(1u << 18)
/* Offline, workers wait past this many, if below devices.queue-max:
 * about 3 MB of events, enough to keep the brain busy. */
#define BRAIN_OFFLINE_QUEUE_MAX	(1u << 14)

struct brain;
struct detect_engine;
struct policy;
struct jsonw;
struct output;

/* What an event owns (an alert's JSON) is freed; for events that are
 * dropped rather than applied. */
void		 brain_ev_release(struct brain_ev *);

void		 brain_config_defaults(struct brain_config *);
void		 brain_config_free(struct brain_config *);

/*
 * Load fingerprints and the OUI registry, open the state database
 * (state_path may be NULL: no persistence) and load the inventory.
 * With cfg->enabled false the brain keeps no inventory and only
 * writes alerts (threat rules with devices off).
 * Records go to the output stage through the brain's own writer.
 * Returns NULL with messages on err when the fingerprints do
 * not load or the database cannot be opened.
 */
struct brain	*brain_new(const struct brain_config *, unsigned nworkers,
		    const char *state_path, struct output *,
		    struct counters *, FILE *err);
void		 brain_free(struct brain *);
/*
 * Threat rules: alerts (BRAIN_EV_ALERT) are filtered (thresholds,
 * suppressions, device classes) and written in event order.  Set
 * before brain_start(); the engine outlives the brain.
 */
void		 brain_set_detect(struct brain *, const struct detect_engine *);
/*
 * Reload (SIGHUP): fingerprints loaded beside the running ones
 * (brain_fp_load(): NULL with the errors on err) and new rules are
 * swapped in under the brain's lock.  The caller has quiesced the
 * brain, so no earlier event is judged by rules it was not found with.
 * fp NULL keeps the fingerprints, de NULL the rules; the replaced
 * fingerprints are freed (the caller frees the old rules).
 */
struct fpdb	*brain_fp_load(const struct brain_config *, FILE *err);
void		 brain_reload(struct brain *, struct fpdb *,
		    const struct detect_engine *);
/*
 * Reload of the judgments: zones, the zero-trust policy, geoip, the
 * alert window and the baselines' thresholds and behaviour settings
 * are built beside the running ones (brain_judge_load(): NULL with the
 * errors on err; it takes the config's zones) and swapped in under the
 * brain's lock by brain_reload_judge(), which frees what they replace.
 * Whether baselines and behaviours run at all, and their table sizes,
 * stay as at start (memory was sized for them).
 */
struct brain_judge;
struct brain_judge *brain_judge_load(struct brain_config *,
		    const struct fpdb *, FILE *err);
void		 brain_judge_free(struct brain_judge *);
void		 brain_reload_judge(struct brain *, struct brain_judge *);
/*
 * Check configuration only (wardwatch -T): load the fingerprints, the
 * evidence confidences and the MAC registry, say on out what was
 * loaded (out may be NULL), report errors and warnings on err.
 * Returns -1 when the fingerprints or confidences do not load; a
 * missing registry is a warning, as in a run.
 */
int		 brain_check(const struct brain_config *, FILE *out,
		    FILE *err);

/*
 * Zero-trust policy (brain-policy.c).  brain_policy_new(): an empty
 * policy that knows the device classes and application names (for
 * the config's policy.overrides).  brain_policy_check(): load the
 * shipped profiles, policy.files and the overrides (fingerprint names
 * checked against the fpdb, if not NULL), report errors on
 * err and a summary on out (-T); -1 on errors.  brain_policy_suggest():
 * "wardwatch policy suggest": profiles in the policy file schema from
 * what the devices of a state database did (mac or class may be NULL);
 * 0, 1 usage (no such device), 2 the database.
 */
struct policy	*brain_policy_new(void);
int		 brain_policy_check(const struct brain_config *,
		    const struct fpdb *, FILE *out, FILE *err);
int		 brain_policy_suggest(const char *state, const char *mac,
		    const char *class, FILE *out, FILE *err);
/*
 * What the policy keeps of a device in the state (what it did, what it
 * learned): gone with "baseline reset" (d NULL: every device's); 0 or
 * -1 (state_errmsg()).
 */
int		 brain_policy_reset(struct state *, const struct device *d);
/* wardwatch policy suggest ... (argv[0] is "policy"). */
int		 policy_main(int argc, char **argv);

/*
 * Run the brain on a thread of its own: from then on brain_sync() only
 * hands the queue over and the thread sorts and applies events, writes
 * records and saves the state.  block: when the brain falls far behind,
 * make workers wait (offline) rather than drop events (live).  Without
 * it (unit tests) brain_sync() applies events on the caller's thread.
 */
int		 brain_start(struct brain *, bool block);
/* Wait until everything handed over so far is applied (test mode's
 * periodic stats, which must not depend on thread timing). */
void		 brain_quiesce(struct brain *);

/* Worker side. */
struct brain_ev	*brain_queue_add(struct brain_queue *);	/* zeroed, or NULL */
void		 brain_queue_free(struct brain_queue *);
/* Hand over everything queued up to tick 'gen' (UINT64_MAX: the end). */
void		 brain_sync(struct brain *, unsigned worker, uint64_t gen,
		    struct brain_queue *);
/*
 * The same between two ticks, so that a tick of a fast capture does
 * not wait whole in memory: the brain applies the events once every
 * producer handed over 'gen' (their policy alerts are written then),
 * but settles (fingerprints, new and changed device records),
 * checkpoints and snapshots only at ticks.  A part's events are sorted
 * among themselves, not with the rest of the tick's: an event of a
 * later part that carries an earlier time (a flow's end has its last
 * packet's) is applied after them.  Every producer must hand over the
 * same gens, strictly increasing, so the result does not depend on the
 * number of workers.
 */
void		 brain_sync_part(struct brain *, unsigned worker, uint64_t gen,
		    struct brain_queue *);

/* After every worker handed over UINT64_MAX: stop the thread, write
 * the snapshot of every device at time ts_us, save the inventory.
 * Returns -1 (said on the log: how many devices were not saved) when
 * the last save failed. */
int		 brain_finish(struct brain *, uint64_t ts_us);
/* Devices loaded from the state database, 0 for a new inventory. */
size_t		 brain_continuing(struct brain *);
/* The offline summary: devices and counts by class, warnings. */
void		 brain_print_summary(struct brain *, FILE *, bool verbose);
size_t		 brain_device_count(struct brain *);
/* Addresses remembered now (bounded: BRAIN_ADDR_PER_DEVICE). */
size_t		 brain_address_count(struct brain *);

#endif /* WW_BRAIN_H */
