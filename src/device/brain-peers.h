/*
 * brain-peers.h - the brain's communication map (brain-peers.c): the
 * hooks brain.c calls.  Only brain*.c include it; the table itself is
 * device/peers.h.
 */
#ifndef WW_BRAIN_PEERS_H
#define WW_BRAIN_PEERS_H

struct brain;
struct brain_dev;
struct brain_ev;
struct jsonw;

/* After the inventory is loaded: the peers of the database. */
int	brain_peers_load(struct brain *);
/* A flow ended: c its client, s its server (either may be NULL). */
void	brain_peers_flow(struct brain *, const struct brain_ev *,
	    struct brain_dev *c, struct brain_dev *s);
/* from is folded into to: its counts too. */
void	brain_peers_merge(struct brain *, struct brain_dev *to,
	    struct brain_dev *from);
/* After the devices are saved: changed tables and zones. */
void	brain_peers_save(struct brain *);
/* The "peers" member of a device record: the top entries by bytes. */
void	brain_peers_record(struct brain *, struct jsonw *,
	    const struct brain_dev *);
/* A device leaves memory. */
void	brain_peers_dev_free(struct brain_dev *);

#endif /* WW_BRAIN_PEERS_H */
