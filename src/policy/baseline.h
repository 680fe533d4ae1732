/*
 * baseline.h - what one device normally does, learned from traffic.
 *
 * Per device: the peers it starts conversations with (by device
 * identity when known, else address, else zone), the services it uses
 * and offers (transport, port, application), the HL7 message types it
 * sends and receives, its DICOM AE pairs and commands, its external
 * destinations, the hours of the day it is active, its fan-out (most
 * distinct peers and ports in one window) and its volume per hour of
 * the day (packets, bytes, flows), kept as samples so that the bound
 * is a median and a median absolute deviation, never a mean that one
 * busy hour drags up.
 *
 * A device is learning for a period of traffic time, then enforcing:
 * from then on what is not in its tables is a deviation.  Every table
 * has a cap; what does not fit is counted (dropped), never grown.
 * Deviations are remembered per (reason, key) so that one is reported
 * once per window with the number of times it was seen meanwhile.
 *
 * Pure C on plain types: no brain, no database, no output.  Times are
 * microseconds since 1970; hours of the day are UTC.
 */
#ifndef WW_BASELINE_H
#define WW_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/behave.h"

#define BL_KEY_MAX		48	/* an item's key, with its NUL */
#define BL_VOL_SAMPLES		8	/* hourly samples kept per hour of day */
#define BL_DEDUP_MAX		32	/* deviations remembered per device */
#define BL_LEARN_UNTIL_RUN	UINT64_MAX	/* --learn: to the end of the run */

#define BL_DEFAULT_LEARNING	(7u * 86400u)	/* seconds */
#define BL_DEFAULT_MAX_PEERS	64
#define BL_DEFAULT_MAX_SERVICES	32
#define BL_DEFAULT_MAX_ITEMS	16
#define BL_DEFAULT_MAX_EXTERNAL	32
#define BL_DEFAULT_VOL_MAD	5	/* robust sigmas above the median */
#define BL_DEFAULT_VOL_RATIO	4	/* times the median, at least */
#define BL_DEFAULT_VOL_FLOWS	50	/* and at least this much more */
#define BL_DEFAULT_VOL_PACKETS	5000
#define BL_DEFAULT_VOL_BYTES	(8u << 20)
#define BL_DEFAULT_FAN_RATIO	3	/* fan-out: times the learned max */
#define BL_DEFAULT_FAN_SLACK	10	/* and at least this many more */

enum bl_kind {
	BL_PEER,		/* "mac:..", "ip:..", "zone:.." */
	BL_SERVICE,		/* "tcp/104 dicom client" */
	BL_HL7_SENT,		/* "ORU^R01" */
	BL_HL7_RECV,
	BL_DICOM_AE,		/* "CALLING\tCALLED" */
	BL_DICOM_CMD,		/* "C-FIND" */
	BL_EXTERNAL,		/* public address */
	BL_KIND_MAX
};

enum bl_mode {
	BL_LEARNING,
	BL_ENFORCING,
};

enum bl_metric {
	BL_M_PACKETS,
	BL_M_BYTES,		/* KiB in samples */
	BL_M_FLOWS,
	BL_M_MAX
};

struct bl_config {
	bool		 enabled;	/* false: no baselines, no behaviours */
	uint32_t	 learning_period;	/* seconds of traffic time */
	uint32_t	 max[BL_KIND_MAX];	/* items kept per table */
	uint32_t	 vol_mad;	/* upper bound: median + k * MAD ... */
	uint32_t	 vol_ratio;	/* ... at least ratio * median ... */
	uint32_t	 vol_min[BL_M_MAX];	/* ... and median + this */
	uint32_t	 fan_ratio, fan_slack;
	uint32_t	 window;	/* seconds: one deviation per window */
	bool		 learn_run;	/* --learn: this run is the period */
	struct bh_config detect;	/* the attack behaviours */
};

struct bl_item {
	uint64_t	 hash;
	uint64_t	 first_us, last_us;
	uint32_t	 count;
	uint32_t	 hours;		/* bit h: used in hour h while learning */
	uint32_t	 asn;		/* BL_EXTERNAL: 0 unknown */
	char		 cc[3];		/* BL_EXTERNAL: country, "" unknown */
	char		 key[BL_KEY_MAX];
	uint64_t	 saved;		/* sum of its stored row (state.c);
					 * 0: not stored */
};

struct bl_set {
	struct bl_item	*v;
	uint32_t	 n, cap;	/* cap: allocated, <= config max */
	uint64_t	 dropped;	/* not kept: the table was full */
	uint32_t	 stored;	/* n when last stored (state.c) */
};

/* One hour of one device: packets, KiB, flows. */
struct bl_sample {
	uint32_t	 m[BL_M_MAX];
};

/* Samples per hour of the day (a ring, newest at n % BL_VOL_SAMPLES). */
struct bl_vol {
	struct bl_sample s[24][BL_VOL_SAMPLES];
	uint32_t	 n[24];		/* samples ever taken */
};

struct bl_dedup {
	uint64_t	 hash;		/* of reason and key */
	uint64_t	 alerted_us;	/* last reported */
	uint32_t	 since;		/* seen since then */
};

struct bl_dev {
	enum bl_mode	 mode;
	uint64_t	 learn_start_us;
	uint64_t	 learn_until_us;	/* BL_LEARN_UNTIL_RUN, or when */
	uint32_t	 hours_active;	/* bit h: active in hour h (UTC) */
	uint32_t	 hours_covered;	/* bit h: learning spanned hour h */
	uint32_t	 fan_peers, fan_ports;	/* most in one window */
	struct bl_set	 set[BL_KIND_MAX];
	struct bl_vol	*vol;		/* NULL: no sample yet */
	/* The hour being counted. */
	uint32_t	 cur_hour;	/* hours since 1970; 0: none */
	struct bl_sample cur;
	uint32_t	 cur_initiated;	/* flows it started this hour */
	/* The bounds of the hour being counted, worked out once (bit m
	 * of bound_ok: metric m has samples). */
	uint64_t	 bound[BL_M_MAX];
	uint32_t	 bound_med[BL_M_MAX], bound_mad[BL_M_MAX];
	uint8_t		 bound_ok;
	uint32_t	 bound_hour;	/* cur_hour they are of; 0: none */
	bool		 changed;	/* since the last save */
	uint64_t	 saved_us;	/* traffic time of the last save */
	/* The state's item rows of this device are those of the items
	 * with a saved sum (state.c); false: unknown, rewrite all. */
	bool		 items_stored;
	struct bl_dedup	 dedup[BL_DEDUP_MAX];
	uint32_t	 ndedup;
	uint64_t	 dedup_dropped;
};

/* What an observation was. */
enum bl_seen {
	BL_KNOWN,		/* in the table (its count went up) */
	BL_LEARNED,		/* learning: added */
	BL_FULL,		/* learning: the table is full; counted */
	BL_NEW,			/* enforcing: not in the table */
};

void		 bl_config_defaults(struct bl_config *);
const char	*bl_kind_name(enum bl_kind);
int		 bl_kind_lookup(const char *);
const char	*bl_mode_name(enum bl_mode);
int		 bl_mode_lookup(const char *);

/* A device first seen at ts starts learning (cfg->learn_run: for the
 * run).  bl_dev_free() releases what it holds, and the device. */
struct bl_dev	*bl_dev_new(const struct bl_config *, uint64_t ts_us);
void		 bl_dev_free(struct bl_dev *);
/* Bytes held (for the caps' bench). */
size_t		 bl_dev_memory(const struct bl_dev *);
/* Copy (a device moved to another VLAN keeps what it learned). */
struct bl_dev	*bl_dev_clone(const struct bl_dev *);

/*
 * Advance a device's clock to ts: closes the hour being counted
 * (learning: a volume sample) and ends learning when its period is
 * over.  Returns true when the device started enforcing here.
 */
bool		 bl_tick(struct bl_dev *, const struct bl_config *,
		    uint64_t ts_us);
/* The sensor watched the device learning from..to: hours of the day
 * it was silent in then are hours it does not talk in. */
void		 bl_cover(struct bl_dev *, uint64_t from_us, uint64_t to_us);
/* A --learn run ended (or a reset): enforce from now on. */
void		 bl_enforce(struct bl_dev *, uint64_t ts_us);
/* Start learning again for the run (--learn over a known device). */
void		 bl_relearn(struct bl_dev *, uint64_t ts_us);

/* An item seen at ts (learning adds it; enforcing compares). */
enum bl_seen	 bl_observe(struct bl_dev *, const struct bl_config *,
		    enum bl_kind, const char *key, uint64_t ts_us);
/*
 * A key cut to BL_KEY_MAX - 1 bytes and hashed once, for a key observed
 * more than once (an HL7 type, sent by one device and received by
 * another).  s may point into buf: pass it by pointer, never copy it.
 */
struct bl_key {
	const char	*s;
	uint64_t	 hash;
	char		 buf[BL_KEY_MAX];
};
void		 bl_key_set(struct bl_key *, const char *key);
enum bl_seen	 bl_observe_key(struct bl_dev *, const struct bl_config *,
		    enum bl_kind, const struct bl_key *, uint64_t ts_us);
const struct bl_item *bl_find_key(const struct bl_dev *, enum bl_kind,
		    const struct bl_key *);
const struct bl_item *bl_find(const struct bl_dev *, enum bl_kind,
		    const char *key);
/* Add an item as loaded from the database (caps apply). */
struct bl_item	*bl_add(struct bl_dev *, const struct bl_config *,
		    enum bl_kind, const char *key);

/*
 * Traffic for the hour of ts: a flow (flows 1) or just packets.
 * initiated: the device started it (active hours are when a device
 * talks, not when it answers).
 */
void		 bl_count(struct bl_dev *, const struct bl_config *,
		    uint64_t ts_us, uint64_t pkts, uint64_t bytes,
		    uint32_t flows, bool initiated);
/* Learning: the most distinct peers and ports seen in one window. */
void		 bl_fanout(struct bl_dev *, uint32_t peers, uint32_t ports);

/* Robust statistics of a set of values (sorted in place). */
uint32_t	 bl_median(uint32_t *, size_t);
uint32_t	 bl_mad(const uint32_t *, size_t, uint32_t median);

/*
 * The volume bound of an hour of the day for a metric: false when the
 * device has no sample for that hour.  Fills median, MAD and bound.
 */
bool		 bl_vol_bound(const struct bl_dev *, const struct bl_config *,
		    unsigned hour, enum bl_metric, uint32_t *median,
		    uint32_t *mad, uint64_t *bound);
/*
 * Enforcing: the hour being counted is over its bound for a metric
 * (the first one found), or the device is active in an hour of the day
 * its learning covered and it never was.  'hour' is the hour of the
 * day (0..23).
 */
bool		 bl_vol_over(struct bl_dev *, const struct bl_config *,
		    enum bl_metric *, uint64_t *seen, uint64_t *bound,
		    uint32_t *median, uint32_t *mad, unsigned *hour);
bool		 bl_off_hours(const struct bl_dev *, const struct bl_config *,
		    unsigned *hour);
/*
 * Enforcing: an item (a service it uses, a peer) used at ts, in an
 * hour of the day its learning covered and it never used the item in,
 * though it used it BL_HOURS_MIN_USES times or more.
 */
#define BL_HOURS_MIN_USES	3
/*
 * Both judge only hours inside a silent stretch of at least this many
 * hours while learning (its night): a gap between two busy hours, or
 * a lookup every four hours, is no pattern to break.
 */
#define BL_QUIET_HOURS		6
bool		 bl_item_off_hours(const struct bl_dev *, const struct bl_item *,
		    uint64_t ts_us);

/*
 * A deviation or behaviour (reason, key) seen at ts: true when it is
 * to be reported (first time, or the window since the last report is
 * over), with *count the times it was seen since the last report
 * (this one included).  A full table forgets the oldest report.
 */
bool		 bl_dedup(struct bl_dev *, const char *reason,
		    const char *key, uint64_t ts_us, uint32_t window_s,
		    uint32_t *count);

/* "hh" hour of the day of ts (UTC). */
unsigned	 bl_hour_of_day(uint64_t ts_us);

/* Volume samples as text, for the database ("h:p,k,f p,k,f;...")
 * and back; bl_vol_parse returns -1 on malformed text. */
char		*bl_vol_format(const struct bl_dev *);
int		 bl_vol_parse(struct bl_dev *, const char *);

#endif /* WW_BASELINE_H */
