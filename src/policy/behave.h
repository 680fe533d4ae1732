/*
 * behave.h - behaviour that means an attack on a hospital network.
 *
 * Named detections over sliding windows of traffic time, each with its
 * threshold in the configuration (baseline.detections), applied to
 * every device from its first packet whether it is learning or
 * enforcing: scanning (many peers or ports), lateral cleartext logins
 * (logins to many hosts), SMB writes and renames across many files or
 * hosts (ransomware), DICOM C-FIND sweeps, mass retrieval (C-MOVE and
 * C-GET), and a flood against one peer.  What needs no window (a
 * C-MOVE to an AE title never seen, HL7 or DICOM sent to the internet,
 * activity at hours a device never is) is judged by the caller.
 *
 * Memory is bounded: a window remembers at most as many distinct keys
 * as its threshold (reaching the threshold is all it has to know), and
 * the state of a device is made on its first activity only.
 */
#ifndef WW_BEHAVE_H
#define WW_BEHAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BH_MAX_THRESHOLD	4096	/* any count threshold */
#define BH_MAX_WINDOW		86400	/* seconds */
#define BH_FLOOD_PEERS		4	/* peers watched per device at once */

enum bh_what {
	BH_SCAN_PEERS,		/* distinct peers it started flows to */
	BH_SCAN_PORTS,		/* distinct ports it started flows to */
	BH_LOGINS,		/* distinct hosts it logged into in clear */
	BH_SMB_FILES,		/* distinct files written or renamed */
	BH_SMB_HOSTS,		/* distinct hosts it wrote files on */
	BH_FINDS,		/* C-FIND requests */
	BH_MOVES,		/* C-MOVE and C-GET requests, or distinct
				   studies when pseudonyms name them */
	BH_FLOOD_FLOWS,		/* flows to one peer */
	BH_FLOOD_PACKETS,	/* packets to one peer */
	BH_WHAT_MAX
};

struct bh_config {
	bool		 enabled;
	uint32_t	 threshold[BH_WHAT_MAX];
	/* Seconds; a detection's second count (scan ports, SMB hosts,
	 * flood packets) uses the window of its first. */
	uint32_t	 window[BH_WHAT_MAX];
	bool		 new_ae;	/* C-MOVE/C-GET to an AE never seen */
	bool		 phi_internet;	/* HL7/DICOM to the internet */
	uint32_t	 off_hours_flows;	/* 0: off */
};

/* Distinct keys (32-bit hashes) seen in the last window seconds. */
struct bh_win {
	uint32_t	*key;		/* one block with ts (key's to free) */
	uint32_t	*ts;		/* seconds since 1970 */
	uint32_t	 n, cap;
	uint32_t	 alloc;		/* entries of key and ts: n..cap */
};

/* Times of the last cap events (a ring). */
struct bh_ring {
	uint32_t	*ts;
	uint32_t	 n, cap;	/* n: events ever, ring at n % cap */
};

struct bh_flood {
	uint32_t	 peer;		/* hash; 0: free */
	uint32_t	 start;		/* window start, seconds */
	uint64_t	 flows, pkts;
};

struct bh_dev {
	struct bh_win	 win[BH_WHAT_MAX];	/* the distinct-key ones */
	struct bh_ring	 ring[BH_WHAT_MAX];	/* the counted ones */
	struct bh_flood	 flood[BH_FLOOD_PEERS];
	/* Distinct patients retrieved (pseudonyms), in BH_MOVES' window
	 * and at most its threshold. */
	struct bh_win	 patients;
};

/* A threshold reached: what, how many in the window, the limits. */
struct bh_hit {
	enum bh_what	 what;
	uint32_t	 seen, threshold, window;
	/* BH_MOVES: seen counts distinct studies (else requests), and
	 * patients the distinct patients in the window (0: unknown). */
	bool		 studies;
	uint32_t	 patients;
};

void		 bh_config_defaults(struct bh_config *);
const char	*bh_what_name(enum bh_what);	/* "scan-peers" ... */

struct bh_dev	*bh_dev_new(void);
void		 bh_dev_free(struct bh_dev *);
size_t		 bh_dev_memory(const struct bh_dev *);

/*
 * Each returns the number of hits written (thresholds reached, as many
 * as the array holds), 0 if none; the key arguments are hashes of what they name
 * (0 is a valid hash).
 */
size_t		 bh_flow(struct bh_dev *, const struct bh_config *,
		    uint64_t ts_us, uint32_t peer, uint16_t port,
		    uint64_t pkts, struct bh_hit hit[4]);
size_t		 bh_login(struct bh_dev *, const struct bh_config *,
		    uint64_t ts_us, uint32_t peer, struct bh_hit hit[1]);
size_t		 bh_smb_write(struct bh_dev *, const struct bh_config *,
		    uint64_t ts_us, uint32_t peer, uint32_t file,
		    struct bh_hit hit[2]);
size_t		 bh_dicom_find(struct bh_dev *, const struct bh_config *,
		    uint64_t ts_us, struct bh_hit hit[1]);
/* study, patient: hashes of the retrieval's pseudonyms (privacy.
 * pseudonyms), NULL when it has none: a retrieval with a study counts
 * distinct studies, one without counts requests. */
size_t		 bh_dicom_move(struct bh_dev *, const struct bh_config *,
		    uint64_t ts_us, const uint32_t *study,
		    const uint32_t *patient, struct bh_hit hit[1]);

/* Distinct keys in the window now (fan-out for the baseline). */
uint32_t	 bh_win_count(const struct bh_dev *, enum bh_what);

/* The window primitives, for the tests. */
uint32_t	 bh_win_add(struct bh_win *, uint32_t cap, uint32_t key,
		    uint32_t ts_s, uint32_t window_s);
uint32_t	 bh_ring_add(struct bh_ring *, uint32_t cap, uint32_t ts_s,
		    uint32_t window_s);

/* A 32-bit hash of a string or bytes, for keys (FNV-1a). */
uint32_t	 bh_hash(const void *, size_t);

#endif /* WW_BEHAVE_H */
