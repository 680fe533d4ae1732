/*
 * events.c - names and kinds of counters and anomalies.
 */
#include <config.h>

#include <assert.h>

#include "util/events.h"

static const struct {
	const char	*name;
	enum ev_kind	 kind;
} ev_table[EV_MAX] = {
#define WW_EV(id, name, kind)	[id] = { name, EVK_##kind },
#include "util/events.def"
#undef WW_EV
};

const char *
ev_name(enum ww_counter id)
{
	assert(id < EV_MAX);
	return ev_table[id].name;
}

enum ev_kind
ev_kind(enum ww_counter id)
{
	assert(id < EV_MAX);
	return ev_table[id].kind;
}

bool
ev_is_anomaly(enum ww_counter id)
{
	return ev_kind(id) != EVK_CTR;
}

const char *
ev_kind_name(enum ev_kind k)
{
	switch (k) {
	case EVK_CTR:
		return "counter";
	case EVK_DECODE:
		return "decode";
	case EVK_STREAM:
		return "stream";
	case EVK_FLOW:
		return "flow";
	case EVK_APP:
		return "applayer";
	}
	return "unknown";
}

void
counters_merge(struct counters *dst, const struct counters *src)
{
	int i;

	for (i = 0; i < EV_MAX; i++)
		ctr_add(dst, (enum ww_counter)i, ctr_get(src, (enum ww_counter)i));
}
