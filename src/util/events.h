/*
 * events.h - counters and anomaly ids (the table is events.def).
 *
 * Every thread owns a struct counters and is its only writer; the stats
 * reporter reads them with relaxed atomics, so increments compile to a
 * plain add and a concurrent read never tears.
 */
#ifndef WW_EVENTS_H
#define WW_EVENTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum ev_kind {
	EVK_CTR,
	EVK_DECODE,
	EVK_STREAM,
	EVK_FLOW,
	EVK_APP,
};

enum ww_counter {
#define WW_EV(id, name, kind)	id,
#include "util/events.def"
#undef WW_EV
	EV_MAX
};

struct counters {
	_Atomic uint64_t v[EV_MAX];
};

static inline void
ctr_add(struct counters *c, enum ww_counter id, uint64_t n)
{
	atomic_store_explicit(&c->v[id],
	    atomic_load_explicit(&c->v[id], memory_order_relaxed) + n,
	    memory_order_relaxed);
}

static inline void
ctr_inc(struct counters *c, enum ww_counter id)
{
	ctr_add(c, id, 1);
}

static inline uint64_t
ctr_get(const struct counters *c, enum ww_counter id)
{
	return atomic_load_explicit(&c->v[id], memory_order_relaxed);
}

/* Set a gauge or a copied total (single writer). */
static inline void
ctr_set(struct counters *c, enum ww_counter id, uint64_t n)
{
	atomic_store_explicit(&c->v[id], n, memory_order_relaxed);
}

const char	*ev_name(enum ww_counter);
enum ev_kind	 ev_kind(enum ww_counter);
const char	*ev_kind_name(enum ev_kind);	/* "decode", "stream", ... */
bool		 ev_is_anomaly(enum ww_counter);
/* Sum src into dst. */
void		 counters_merge(struct counters *dst, const struct counters *src);

#endif /* WW_EVENTS_H */
