/*
 * output/relp.h - syslog over RELP (librelp) for a network output
 * (netsink.c): every record acknowledged by the collector.
 *
 * The output's delivery thread hands each round's records to
 * relp_round(), which connects when it is time, sends what the spool
 * holds first, then the list, and gives back what it could not send;
 * records sent and not yet acknowledged stay with the client until
 * they are.
 */
#ifndef WW_RELP_H
#define WW_RELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msg;
struct netconn;
struct relp;

/* NULL with a message in err (a file it cannot read, no librelp). */
struct relp	*relp_new(struct netconn *, char *err, size_t errlen);
/* One round: returns what is left of list, unsent (stop: the end). */
struct msg	*relp_round(struct relp *, struct msg *list, bool stop);
/* Spool records in flight, not to be sent again yet. */
uint64_t	 relp_spool_busy(const struct relp *);
void		 relp_free(struct relp *);

#endif /* WW_RELP_H */
