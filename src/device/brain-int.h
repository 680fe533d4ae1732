/*
 * brain-int.h - the brain's own structures, for the files of the brain
 * (brain.c, its judgments brain-policy.c and brain-baseline.c, and
 * brain-net.c).
 * Nothing outside src/device/brain*.c includes it.
 */
#ifndef WW_BRAIN_INT_H
#define WW_BRAIN_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device/brain.h"
#include "device/claims.h"
#include "device/device.h"
#include "output/record.h"
#include "state/state.h"
#include "util/util.h"

struct bh_dev;
struct bl_dev;
struct brain_bl;
struct detect_engine;
struct detect_filter;
struct fpdb;
struct geo;
struct jsonw;
struct oui_db;
struct state;
struct zones;

#define CH_NEW		0x01
#define CH_IP		0x02
#define CH_IDENTITY	0x04

#define BRAIN_EVICT_BATCH	64	/* victims one walk of the table keeps */
#define BRAIN_MEMO		4096	/* lookups kept, a power of 2 */
#define BRAIN_ZONE_MEMO		1024	/* addresses' zones kept, 2^n */

/* An address's zone as brain_end_zone() last found it (gen 0: none). */
struct brain_zmemo {
	struct dev_ip	 ip;
	int32_t		 vlan;
	int32_t		 zone;
	uint32_t	 gen;		/* b->zones_gen then */
};

struct brain_dev {
	struct device	 d;
	struct brain_dev *mac_next;	/* (mac, vlan) chain */
	uint8_t		 n_seen;	/* flow source addresses */
	struct dev_ip	 seen[BRAIN_ROUTER_IPS];
	uint8_t		 changes;	/* CH_*, since the last record */
	bool		 touched;	/* in brain->touched */
	char		 shown[DEV_A_MAX][DEV_VALUE_MAX]; /* last record's */
	struct dev_ip	 shown_ip;
	bool		 shown_has_ip;
	uint64_t	 ts_us;		/* of the event that last changed it */
	uint64_t	 lease_us;	/* its address came from DHCP then */
	bool		 merged;	/* folded into another device */
	bool		 evicted;	/* made room for another */
	struct bl_dev	*bl;		/* baseline (brain-baseline.c) */
	struct bh_dev	*bh;		/* behaviour windows */
	struct pol_dev	*pol;		/* brain-policy.c; NULL: nothing yet */
	struct pe_dev	*pe;		/* brain-peers.c; NULL: no peers yet */
	/* Alerts naming it since the last save, per signature (added to
	 * the state's counts at the save; wardwatch report). */
	struct state_alert *alerts;
	uint8_t		 nalerts;
	/* Address entries whose dev, and whose want, is this device: a
	 * merge, an eviction or a router's disowning walks the address
	 * list only while some are left (brain_ipent_dev/want()). */
	uint32_t	 ip_dev_refs, ip_want_refs;
	/* The address of the entry that last took it as dev, and as want:
	 * where an eviction looks before it walks the list. */
	struct dev_ip	 ip_dev_last, ip_want_last;
	bool		 bl_run;	/* its baseline was used this run */
	/* brain_dev_zone()'s last answer and what it was asked of: the
	 * zones (by b->zones_gen), its VLAN, address or none. */
	uint32_t	 zone_gen;	/* 0: none yet */
	int		 zone, zone_vlan;
	bool		 zone_has_ip;
	struct dev_ip	 zone_ip;
};
#define BRAIN_ALERTS_PER_DEV	32	/* signatures counted per save */
/*
 * A rule alert whose end was no device yet (its flow had not ended):
 * counted for it at the next save, when the inventory has it.
 */
struct brain_alert_pend {
	struct brain_end end;
	uint16_t	 vlan;
	bool		 as_src;
	struct state_alert a;
};
#define BRAIN_ALERTS_PENDING	4096

/*
 * An address the inventory knows.  Traffic makes them (every source
 * address a MAC sends from), so the table is bounded: past
 * BRAIN_ADDR_PER_DEVICE per device slot the least recently used entry
 * that is not a device's current address goes.  Scans walk the LRU
 * list, never the buckets, so that nothing depends on the hash key.
 */
struct brain_ipent {
	struct dev_ip	 ip;
	struct brain_dev *dev;
	/* A MAC that used the address while another MAC held it: when
	 * the holder turns out to be a router, the address is this one's. */
	struct brain_dev *want;
	struct brain_ipent *next;	/* bucket chain */
	struct brain_ipent *lru_prev, *lru_next;	/* head: newest */
};

/*
 * A router's address on a client's segment (DHCP option 3).  Its VLAN
 * is the reply's, unless a relay forwarded the reply from another
 * segment: then it is the VLAN of the subnet the address is in.
 */
struct brain_gw {
	struct dev_ip	 ip;
	uint16_t	 vlan;
	bool		 vlan_known;
};

/* A client's subnet (DHCP option 1), and the VLAN its clients are on. */
struct brain_subnet {
	uint32_t	 net;		/* host byte order */
	uint8_t		 plen;
	uint16_t	 vlan;
	bool		 vlan_known;
};

/* A queue handed over by a worker at a tick (threaded brain). */
struct brain_handover {
	struct brain_handover *next;
	unsigned	 worker;
	uint64_t	 gen;
	bool		 tick;		/* false: brain_sync_part() */
	struct brain_ev	*ev;
	size_t		 n;
	uint64_t	 dropped;
};

struct brain {
	struct brain_config cfg;
	pthread_mutex_t	 lock;		/* the inventory (not threaded) */
	unsigned	 nworkers;

	/*
	 * The brain's thread.  Workers push their queues onto the inbox
	 * (a lock-free stack) and post the semaphore; the thread takes the
	 * whole stack at once.  Only the flow control below has a lock,
	 * and a worker takes it only when the brain is far behind.
	 */
	bool		 threaded;
	bool		 block;		/* offline: wait rather than drop */
	pthread_t	 thread;
	sem_t		 wake;
	_Atomic(struct brain_handover *) inbox;
	/* Events handed over and not yet applied (in the inbox or
	 * pending), the most there were, and the largest handover. */
	_Atomic uint64_t inflight;
	uint64_t	 inflight_peak, handover_peak;	/* brain's thread */
	/* WARDWATCH_TEST_BRAIN_DELAY: microseconds the thread sleeps per
	 * event, so that tests can make the brain the slow stage. */
	unsigned long	 test_delay_us;
	_Atomic uint64_t handed;	/* handovers pushed */
	_Atomic bool	 stop;
	pthread_mutex_t	 flow_lock;
	pthread_cond_t	 flow_cv;	/* inflight fell, or done rose */
	uint64_t	 done;		/* handovers applied (flow_lock) */
	uint32_t	 wait_max;	/* offline: workers wait past it */

	uint64_t	*wgen;		/* last tick handed over, per worker */
	uint64_t	*ticks;		/* tick gens handed over, not reached */
	size_t		 nticks, tickcap;
	bool		 unsettled;	/* events applied since the last tick */
	struct brain_ev	*pend;		/* handed over, not yet applied */
	size_t		 npend, pcap;
	struct brain_ev	**order;	/* brain_run(): pend in order */
	size_t		 ocap;

	struct fpdb	*fp;
	struct claims	 claims;	/* profiles/claims.yaml */
	struct oui_db	*oui;
	struct state	*state;
	bool		 continuing;	/* the database held devices */
	size_t		 nloaded;	/* devices it held */

	struct brain_dev **devs;	/* in creation order */
	size_t		 ndevs, devcap;
	struct brain_dev **mac_tab;
	struct brain_ipent **ip_tab;
	struct brain_ipent *ip_lru, *ip_lru_tail;
	size_t		 nip, ip_cap;
	struct sipkey	 hkey;		/* both indexes: random */
	/*
	 * The devices and addresses found last, in a slot of their MAC's
	 * or the address's last two bytes: events come in time order, a
	 * few of each flow among thousands of others, and most name an
	 * end seen a moment ago.  A slot is emptied when its entry leaves
	 * its chain, or a device of that MAC joins a chain or changes
	 * VLAN: what a slot holds is what the chain would give.
	 */
	struct brain_dev *memo_dev[BRAIN_MEMO];
	struct brain_ipent *memo_ip[BRAIN_MEMO];
	struct brain_dev **touched;
	size_t		 ntouched, tcap;
	size_t		 ngone;		/* evicted, not yet dropped */
	uint64_t	*forget;	/* rows of evicted devices */
	size_t		 nforget;
	bool		 full_alerted;	/* the table-full alert, once */
	/*
	 * Eviction (brain_evict): the best victims one walk of the table
	 * found, best first, each with its last_us then (a device seen
	 * since is no longer one); emptied when devices are freed.  A walk
	 * that found none is not tried again for a second of traffic.
	 */
	struct brain_dev *evq[BRAIN_EVICT_BATCH];
	uint64_t	 evq_last[BRAIN_EVICT_BATCH];
	uint8_t		 evq_rank[BRAIN_EVICT_BATCH];	/* then */
	size_t		 nevq, evq_pos;
	uint64_t	 evict_none_until;
	struct brain_gw	 gw[BRAIN_MAX_GATEWAYS];
	size_t		 ngw;
	struct brain_subnet subnet[BRAIN_MAX_SUBNETS];
	size_t		 nsubnet;
	/* IPv4 destinations of frames to ff:ff:ff:ff:ff:ff (host order). */
	uint32_t	 bcast[BRAIN_MAX_BROADCASTS];
	size_t		 nbcast;
	bool		 net_changed;	/* gw, subnet or bcast: not saved */
	/*
	 * What brain_net_index() made of gw and subnet, so that an address
	 * of every flow's ends is seldom compared with each: a bit per
	 * gateway's last byte (mod 64), and the low bits of an address
	 * that are all 0 or all 1 in a network or broadcast address of
	 * every subnet of /30 or wider (0: there is none).
	 */
	uint64_t	 gw_bloom;
	uint32_t	 subnet_low;

	struct counters	*ctr;
	struct record_writer rw;	/* device records and alerts */
	uint64_t	 now_us;	/* newest event applied */
	uint64_t	 saved_us;	/* packet time of the last save */
	uint64_t	 saved_wall_us;	/* monotonic clock then (offline) */
	uint64_t	 snapshot_us;	/* ... of the last full snapshot */
	/* Risk scores as the report computes them from the saved state,
	 * for snapshot records: by device id, during a snapshot only. */
	struct brain_risk *risks;
	size_t		 nrisks;
	bool		 save_failed;	/* reported once until it works */
	/* Why the last device save failed (later saves of other
	 * tables clear the state's message). */
	char		 save_why[STATE_ERRMSG_MAX];
	FILE		*err;

	const struct detect_engine *detect;	/* NULL: no rules */
	struct detect_filter *filter;

	/* Judgments (policy, baselines): zones and the alert window. */
	const struct zones *zones;	/* the config's, or own_zones */
	uint32_t	 zones_gen;	/* changes with zones (from 1) */
	/* brain_end_zone()'s answers, by the address's last bytes: the
	 * ends of every flow and activity, a few addresses over and over. */
	struct brain_zmemo zmemo[BRAIN_ZONE_MEMO];
	struct zones	*own_zones;
	struct zones	*reload_zones;	/* brain_reload_judge()'s */
	struct brain_held *held;	/* BRAIN_HELD_SLOTS, open addressing */
	size_t		 nheld;
	struct brain_bl	*bl;		/* baselines (brain-baseline.c) */
	struct brain_pol *pol;		/* brain-policy.c */
	struct brain_alert_pend *apend;	/* BRAIN_ALERTS_PENDING */
	size_t		 napend;
};

/* Alerts remembered for the alert window (brain_explain()). */
#define BRAIN_HELD_SLOTS	65536u
struct brain_held {
	uint64_t	 key;		/* 0: empty */
	uint64_t	 emitted_us;	/* last written */
	uint32_t	 held;		/* occurrences since */
};

/* The devices whose MAC hashes as mac's, by mac_next (the MAC on
 * every VLAN is among them; compare d.mac). */
struct brain_dev *brain_mac_chain(const struct brain *, const uint8_t mac[6]);
/* The device an alert's end is, if the inventory has it (never made). */
struct brain_dev *brain_alert_dev(struct brain *, const struct brain_end *,
		    uint16_t vlan);
/* The order events are applied in; pointers to them put in it, ties
 * as they came (tmp: room for n). */
int		 brain_ev_cmp(const void *, const void *);
void		 brain_order_events(struct brain_ev **, struct brain_ev **tmp,
		    size_t n);
/* The zone a device is in (policy/zone.h ids). */
int		 brain_dev_zone(const struct brain *, const struct brain_dev *);
/* The zone of an address seen on vlan (-1: a router's, or unknown). */
int		 brain_end_zone(const struct brain *, const struct brain_end *,
		    int vlan);

/*
 * An alert of the brain's own judgments: policy (gid 9200) and
 * baselines (gid 9300).  One per (device, sid, reason, peer) per
 * alert window: the next one after the window carries how many were
 * held back ("count" in the obj_key object).
 */
struct brain_explain {
	uint32_t	 gid, sid, rev;
	uint8_t		 severity;	/* 1 highest .. 4 */
	const char	*signature, *category;
	struct brain_dev *dev;		/* the device judged */
	struct brain_dev *peer;		/* NULL: not a device we know */
	const struct brain_end *peer_end; /* its address then, or NULL */
	bool		 dev_is_src;	/* the device initiated */
	const struct brain_ev *ev;	/* tuple, vlan, flow; or NULL */
	uint64_t	 ts_us;
	const char	*reason;	/* with dev, sid and peer: the key */
	const char	*obj_key;	/* "policy" | "baseline" */
	void		 (*obj)(struct jsonw *, const void *arg);
	const void	*arg;
};
bool		 brain_explain(struct brain *, const struct brain_explain *);
/* Start a record about a device (its address and MAC in the head). */
struct jsonw	*brain_device_record(struct brain *, const struct brain_dev *,
		    const char *event_type, uint64_t ts);

/*
 * brain-policy.c: zero-trust judgments (gid 9200).  init loads the
 * profiles (-1: errors on err); flow and act judge both ends of an
 * event; learning is set by the baseline's learning state (see there);
 * dev_json adds "zone" and "policy" to a device record; save and load
 * keep what each device did (for policy suggest) in the state.
 */
struct pol_dev;
struct brain_pol;
int		 brain_policy_init(struct brain *, const struct brain_config *,
		    FILE *err);
void		 brain_policy_free(struct brain *);
void		 brain_policy_dev_free(struct brain_dev *);
void		 brain_policy_forget(struct brain *, struct brain_dev *);
void		 brain_policy_rekey(struct brain *, struct brain_dev *);
void		 brain_policy_flow(struct brain *, const struct brain_ev *,
		    struct brain_dev *client, struct brain_dev *server);
void		 brain_policy_activity(struct brain *, const struct brain_ev *,
		    struct brain_dev *actor, struct brain_dev *peer);
void		 brain_policy_act(struct brain *, const struct brain_ev *,
		    int kind, struct brain_dev *actor, struct brain_dev *peer,
		    const char *value, const char *ae);
void		 brain_policy_learning(struct brain *, struct brain_dev *,
		    bool learning, uint64_t ts_us);
bool		 brain_policy_is_learning(const struct brain_dev *);
/* End of a run: differences of devices still learning, once. */
void		 brain_policy_finish(struct brain *, uint64_t ts_us);
void		 brain_policy_dev_json(struct brain *, struct jsonw *,
		    const struct brain_dev *);
const char	*brain_policy_cell(struct brain *, const struct brain_dev *,
		    char *, size_t);
void		 brain_policy_save(struct brain *);
/* The geoip databases (policy/geo.h), for the baselines too; NULL:
 * none (geo_lookup() then finds nothing). */
const struct geo *brain_policy_geo(const struct brain *);
/* Swap policy and geoip with the judge's (which then holds the old). */
void		 brain_policy_swap(struct brain *, struct brain_judge *);
/* All of the judge's parts; the judge then holds the replaced ones. */
void		 brain_judge_apply(struct brain *, struct brain_judge *);
void		 brain_policy_load(struct brain *);

/*
 * brain-net.c: the gateways, subnets and broadcast addresses, kept in
 * the state (load at start, save when net_changed).
 */
void		 brain_net_load(struct brain *);
/* gw_bloom and subnet_low again, after gw or subnet grew (brain.c). */
void		 brain_net_index(struct brain *);
void		 brain_net_save(struct brain *);

#endif
