/*
 * state.h - the device inventory on disk (SQLite).
 *
 * One database file (--state) holds every device the sensor has seen,
 * with all its competing attribute values, their claims, the raw
 * evidence and the address history, so that a restart, a reload or an
 * offline run on the next pcap continues where the last one stopped.
 *
 * Opening checks the file.  A file that is not a database, fails
 * PRAGMA quick_check or has a broken schema is never silently reused:
 * it is renamed to "<path>.damaged-<UTC yyyymmddThhmmssZ>" (with its
 * -wal and -shm files), reported, and a fresh database takes its
 * place.  A schema newer than this build understands is an error, so a
 * downgrade never destroys a newer inventory.
 *
 * Saving writes a batch of devices in one transaction: a failure (disk
 * full, I/O error, read-only file) rolls all of it back and leaves the
 * caller's records as they were, so the caller simply tries again.
 *
 * A state is used by one thread at a time (its connection has no mutex
 * of its own): a caller that hands it to another thread orders the two
 * with a lock of its own, as the brain does.
 */
#ifndef WW_STATE_H
#define WW_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STATE_SCHEMA_VERSION	8	/* PRAGMA user_version we write */
#define STATE_ERRMSG_MAX	512	/* state_errmsg() with its NUL */
#define STATE_BUSY_MS		5000	/* wait for another writer (ms) */

struct bl_config;
struct bl_dev;
struct device;
struct peer_tab;
struct state;

/*
 * Open or create the database at path for reading and writing: WAL
 * journal, synchronous=NORMAL, foreign keys, a busy timeout.  A damaged
 * file is moved aside (see above) and reported on err as
 * "path: damaged (reason); moved aside to NEWPATH".  Returns NULL with
 * "path: reason" on err when the file cannot be created or written, or
 * its schema version is newer than STATE_SCHEMA_VERSION.  err may be
 * NULL.
 */
struct state	*state_open(const char *path, FILE *err);
/*
 * Open an existing database read-only (for "wardwatch inventory"):
 * nothing is created, repaired or moved.  A damaged file gives NULL and
 * "path: damaged (reason)" on err.  An empty file is an empty inventory.
 * Works for a user who cannot write the file's directory, as long as no
 * -wal holds changes not yet in the file (see state.c).
 */
struct state	*state_open_readonly(const char *path, FILE *err);
void		 state_close(struct state *);

/*
 * Every stored device, in id order.  cb gets a filled struct device
 * (known set, the other bookkeeping flags clear) that is reused for
 * the next one: it copies what it keeps.  cb must not call back into
 * the state.  A non-zero return from cb stops the walk and is returned;
 * otherwise 0, or -1 on a database error (see state_errmsg()).
 */
int		 state_load_devices(struct state *,
		    int (*cb)(void *arg, const struct device *), void *arg);
/*
 * Save n devices in one transaction.  A device with id 0 is inserted
 * and gets its id (set only once the transaction has committed); an
 * existing one has its row updated and its values, claims, evidence
 * and addresses replaced.  Returns 0, or -1 with "path: reason" on err
 * and everything rolled back: the devices are unchanged and the next
 * call may try again.  The bookkeeping flags are the caller's.
 */
int		 state_save_devices(struct state *, struct device *const *,
		    size_t n, FILE *err);
/* The same with each device's baseline (bls may be NULL, and entries
 * NULL: that device's stored baseline is left as it is). */
int		 state_save_devices_bl(struct state *,
		    struct device *const *, struct bl_dev *const *bls,
		    size_t n, FILE *err);
/*
 * The saves that follow are the run's last: nothing compares their
 * sums again.  A device new to the file (written whole) keeps none of
 * its parts (saved_sum 0), nor a saved baseline any of its items'; a
 * save after it all the same writes those parts and rows again.
 */
void		 state_last_save(struct state *);
/*
 * Every stored baseline, in device id order: cb gets the device's row
 * id and a baseline it owns (bl_dev_free() it if not kept).  Items past
 * the caps of cfg, and stored item lines that do not parse, are
 * counted as dropped.  0, or as state_load_devices().  A read-only
 * version 1 file has none.
 */
int		 state_load_baselines(struct state *, const struct bl_config *,
		    int (*cb)(void *arg, uint64_t id, struct bl_dev *),
		    void *arg);
/* Forget the baselines of these devices (ids NULL: of every device),
 * in one transaction: they learn again from their next traffic. */
int		 state_reset_baselines(struct state *, const uint64_t *ids,
		    size_t n, FILE *err);

/*
 * Alert counts per device and signature (schema version 3): as_src
 * counts alerts with the device as source (or as the device a policy
 * or baseline alert judged), as_dst as destination.
 */
#define STATE_SIG_MAX		128	/* signature, with its NUL */
struct state_alert {
	uint64_t	 device_id;
	uint32_t	 gid, sid;
	uint8_t		 severity;	/* 1 highest .. 4 */
	char		 signature[STATE_SIG_MAX];
	uint64_t	 as_src, as_dst;
	uint64_t	 first_us, last_us;
};
/* Add these counts to the stored ones (one transaction): 0, or -1
 * with the message on err and nothing changed. */
int		 state_add_alerts(struct state *, const struct state_alert *,
		    size_t n, FILE *err);
/* Every stored count, by device id, gid and sid; as
 * state_load_devices().  Older files have none. */
int		 state_load_alerts(struct state *,
		    int (*cb)(void *arg, const struct state_alert *),
		    void *arg);

/*
 * The communication map (schema version 4, device/peers.h): one
 * device's zone (NULL: "") and peer table, written whole (a row a
 * device, version 6) if an entry is marked dirty, and its dropped
 * count.
 */
struct state_peers {
	uint64_t	 device_id;
	const char	*zone;
	const struct peer_tab *tab;	/* NULL: the zone only */
	const char	*zone_stored;	/* of tab's comm row; NULL: none */
};
/* Save these in one transaction: 0, or -1 with the message on err
 * and nothing changed (the caller keeps its dirty marks). */
int		 state_save_peers(struct state *, const struct state_peers *,
		    size_t n, FILE *err);
/*
 * Every device that has peers or a stored zone, in id order: cb gets
 * its zone ("": none) and a table it may take over (move the array
 * and zero *tab; else it is freed), entries clean, at most max of
 * them (the rest, and stored lines that do not parse, counted in
 * dropped).  As state_load_devices(); older files have none.
 */
int		 state_load_peers(struct state *, uint32_t max,
		    int (*cb)(void *arg, uint64_t id, const char *zone,
		    struct peer_tab *), void *arg);
/* Forget the peers of these devices (ids NULL: of every device) in
 * one transaction (wardwatch baseline reset). */
int		 state_reset_peers(struct state *, const uint64_t *ids,
		    size_t n, FILE *err);

/*
 * One transaction around several state_meta_set() calls (a checkpoint
 * writes many): state_begin(), then state_commit(), or
 * state_rollback() after a failed call.  0, or -1 with the reason in
 * state_errmsg() (a failed commit is rolled back).
 */
int		 state_begin(struct state *);
int		 state_commit(struct state *);
void		 state_rollback(struct state *);
/* Small key/value metadata ("created" is set when the file is made). */
int		 state_meta_set(struct state *, const char *key,
		    const char *value);
/* keys[i] set to values[i], i < n, many rows to a statement:
 * the many keys of a checkpoint, inside state_begin() and
 * state_commit().  A key given twice ends with its last value. */
int		 state_meta_set_many(struct state *, const char *const *keys,
		    const char *const *values, size_t n);
/* 0 and the value in buf, 1 if there is no such key, -1 on an error
 * (a value longer than len - 1 is an error, not truncated). */
int		 state_meta_get(struct state *, const char *key, char *buf,
		    size_t len);
/* Delete one key, or every key that starts with prefix. */
int		 state_meta_delete(struct state *, const char *key);
int		 state_meta_delete_prefix(struct state *, const char *prefix);
/* Every key that starts with prefix, in key order, with its value
 * (len bytes), in one query: cb's non-zero return stops the walk and
 * is returned; else 0, or -1 with the reason in state_errmsg(). */
int		 state_meta_each(struct state *, const char *prefix,
		    int (*cb)(void *arg, const char *key, const char *value,
		    size_t len), void *arg);

/* Cap the file at about this many bytes (0: no cap); a save that would
 * grow past it fails as a full disk does. */
/* Delete the devices of these rows (evicted from a full table), in one
 * transaction.  0, or -1 with the message on err. */
int		 state_forget_devices(struct state *, const uint64_t *ids,
		    size_t n, FILE *err);
int		 state_set_max_size(struct state *, uint64_t bytes);
/* Number of stored devices, or -1. */
int64_t		 state_count_devices(struct state *);
const char	*state_path(const struct state *);
/* The last error, "path: reason" (empty if none). */
const char	*state_errmsg(const struct state *);

#endif /* WW_STATE_H */
