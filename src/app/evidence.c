/*
 * evidence.c - names and flags of the evidence keys (evidence.def)
 * and of the activities (activity.def).
 */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "app/activity.h"
#include "app/evidence.h"

static const struct {
	const char	*key;
	size_t		 len;		/* strlen(key) */
	unsigned	 flags;
} evidence_table[EVIDENCE_MAX] = {
#define WW_EVIDENCE(id, key, attr, flags)	\
	[EVIDENCE_##id] = { key, sizeof(key) - 1, flags },
#include "app/evidence.def"
#undef WW_EVIDENCE
};

const char *
evidence_key_name(unsigned k)
{
	return k < EVIDENCE_MAX ? evidence_table[k].key : NULL;
}

int
evidence_key_lookup(const char *s)
{
	size_t i, n;

	if (s == NULL)
		return -1;
	/* The length and the first byte spare most comparisons (keys
	 * share prefixes): every key of a device's evidence is looked up
	 * each time it is fingerprinted. */
	n = strlen(s);
	for (i = 0; i < EVIDENCE_MAX; i++)
		if (evidence_table[i].len == n &&
		    evidence_table[i].key[0] == s[0] &&
		    memcmp(evidence_table[i].key, s, n) == 0)
			return (int)i;
	return -1;
}

unsigned
evidence_key_flags(unsigned k)
{
	return k < EVIDENCE_MAX ? evidence_table[k].flags : 0;
}

static const struct {
	const char	*name;
	unsigned	 flags;
} activity_table[ACT_MAX] = {
#define WW_ACTIVITY(id, name, flags)	[ACT_##id] = { name, flags },
#include "app/activity.def"
#undef WW_ACTIVITY
};

const char *
activity_name(unsigned a)
{
	return a < ACT_MAX ? activity_table[a].name : NULL;
}

int
activity_lookup(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ACT_MAX; i++)
		if (strcmp(activity_table[i].name, s) == 0)
			return (int)i;
	return -1;
}

unsigned
activity_flags(unsigned a)
{
	return a < ACT_MAX ? activity_table[a].flags : 0;
}
