/*
 * activity.h - what a device does (app/activity.def): parsers report
 * acts through their sink (app.h), the brain judges them.
 */
#ifndef WW_ACTIVITY_H
#define WW_ACTIVITY_H

#define ACTIVITY_F_HASHED	0x01u	/* only a keyed hash leaves */

enum activity {
#define WW_ACTIVITY(id, name, flags)	ACT_##id,
#include "app/activity.def"
#undef WW_ACTIVITY
	ACT_MAX
};

/* "hl7.message"; NULL if a is not an activity. */
const char	*activity_name(unsigned a);
/* -1 if unknown. */
int		 activity_lookup(const char *);
unsigned	 activity_flags(unsigned a);

#endif /* WW_ACTIVITY_H */
