/*
 * devfacts.h - flows and application facts as device events (workers).
 */
#ifndef WW_DEVFACTS_H
#define WW_DEVFACTS_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct brain_queue;
struct flow;
struct packet;

/* A fact of an application parser; p may be NULL (end of stream). */
void	devfacts_app(struct brain_queue *, struct flow *,
	    const struct packet *, enum app_proto, int dir, const void *fact);
/*
 * The same with the facts op given, for the unit tests: they speak to
 * the sink as a parser would.
 */
void	devfacts_facts(struct brain_queue *, struct flow *,
	    const struct packet *, enum app_proto, int dir, const void *fact,
	    void (*facts)(const void *, int, const struct app_sink *));
/* The 32-bit hash a TCP flow tells a repeated value by (of the value as
 * it is sent, cleaned): two values with the same one under one key and
 * end of a flow are one to it.  For the unit tests. */
uint32_t devfacts_value_hash(const char *value, size_t len);
struct lldp_facts;
/* An LLDP or CDP frame (capture thread): about its source MAC. */
void	devfacts_lldp(struct brain_queue *, const struct packet *,
	    const struct lldp_facts *);
/*
 * A rule matched: rule index, the direction that matched (FLOW_DIR_*),
 * oriented as Suricata orients the alert (to_client: server to
 * client); f may be NULL (a packet without a flow).  json (heap, its
 * ownership passes to the event) holds the record members rendered on
 * the worker.
 */
void	devfacts_alert(struct brain_queue *, struct flow *,
	    const struct packet *, int dir, uint32_t rule, uint8_t app,
	    char *json, size_t json_len);
/* A flow ends: its ends, counters and whether the server answered;
 * then what nDPI saw wrong with it (weak may be NULL) as evidence:
 * "ndpi.risk" about the ends each risk is about, "snmp.version" of a
 * v1 or v2c message about both. */
struct app_flow_weak;
void	devfacts_flow_end(struct brain_queue *, struct flow *,
	    const struct app_flow_weak *weak);
/* What a flow holds in evidence sent lately (freed at its end), as
 * mem_cost() counts it; the queue's sent_mem is the sum over its
 * flows. */
uint64_t devfacts_flow_memuse(const struct flow *);

#endif /* WW_DEVFACTS_H */
