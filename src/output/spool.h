/*
 * output/spool.h - a bounded on-disk queue of records for a network
 * output whose collector is away.
 *
 * One file of records (length, seq, its epoch, checksum, bytes)
 * appended at the tail, and a small file holding the offset of the first
 * record not yet delivered.  Every append and every consume is written through, so a
 * crash loses neither: at the next open a record cut short by the
 * crash is cut off (it was never acknowledged), and the records before
 * the head are never given again.  When the spool would pass its size,
 * the oldest records are dropped (or the new one is refused: "newest"),
 * and the caller counts every drop.
 */
#ifndef WW_SPOOL_H
#define WW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spool;

/* Open (or create) path and path.head; NULL with errno set. */
struct spool	*spool_open(const char *path, uint64_t max_bytes,
		    bool drop_newest);
/* Close (what is in it stays for the next open). */
void		 spool_close(struct spool *);

/* Append a record; returns the records dropped to make room (or this
 * one, with drop_newest), or UINT64_MAX on an I/O error (this one is
 * lost, and counted so by the caller). */
uint64_t	 spool_append(struct spool *, uint64_t seq, uint64_t epoch,
		    const void *, size_t);
/*
 * Read the record at *pos (0: the oldest) without taking it; *pos then
 * names the next.  The pointer is valid until the next call.  Returns
 * -1 past the last record (or at one gone bad on disk).  *epoch is
 * the one appended with it (0 from a version 1 file, which had none).
 */
int		 spool_read(struct spool *, uint64_t *pos, uint64_t *seq,
		    uint64_t *epoch, const char **buf, size_t *len);
/* The n records before pos were delivered: forget them. */
int		 spool_consume_to(struct spool *, uint64_t pos, uint64_t n);
/* Forget everything (records gone bad); returns how many. */
uint64_t	 spool_forget(struct spool *);
uint64_t	 spool_count(const struct spool *);
uint64_t	 spool_bytes(const struct spool *);
/* Records found in the spool at open (left by an earlier run). */
uint64_t	 spool_recovered(const struct spool *);

#endif /* WW_SPOOL_H */
