/*
 * brain-baseline.h - the brain's baselines and attack behaviours
 * (brain-baseline.c): the hooks brain.c calls.  Only brain*.c include
 * it; the judgments themselves are policy/baseline.h and
 * policy/behave.h.
 */
#ifndef WW_BRAIN_BASELINE_H
#define WW_BRAIN_BASELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct brain;
struct brain_dev;
struct brain_ev;
struct bl_dev;
struct jsonw;

/* The alerts (wardwatch-events(7)): gid 9300. */
#define BL_ALERT_GID		9300

enum bl_sid {
	BL_SID_NEW_PEER = 1,
	BL_SID_NEW_SERVICE = 2,
	BL_SID_NEW_SERVICE_OFFERED = 3,
	BL_SID_NEW_HL7_SENT = 4,
	BL_SID_NEW_HL7_RECV = 5,
	BL_SID_NEW_DICOM_AE = 6,
	BL_SID_NEW_DICOM_CMD = 7,
	BL_SID_VOLUME = 8,
	BL_SID_FANOUT = 9,
	BL_SID_NEW_EXTERNAL = 10,
	BL_SID_OFF_HOURS = 11,
	BL_SID_SCAN_PEERS = 20,
	BL_SID_SCAN_PORTS = 21,
	BL_SID_LOGINS = 22,
	BL_SID_SMB_FILES = 23,
	BL_SID_SMB_HOSTS = 24,
	BL_SID_DICOM_FIND = 25,
	BL_SID_DICOM_NEW_AE = 26,
	BL_SID_DICOM_RETRIEVE = 27,
	BL_SID_PHI_INTERNET = 28,
	BL_SID_FLOOD_FLOWS = 29,
	BL_SID_FLOOD_PACKETS = 30,
};

/* After the inventory is loaded: the baselines of the database. */
int	brain_bl_load(struct brain *);
void	brain_bl_free(struct brain *);
/* A device leaves memory. */
void	brain_bl_dev_free(struct brain_dev *);
/* A flow ended: c its client, s its server (either may be NULL). */
void	brain_bl_flow(struct brain *, const struct brain_ev *,
	    struct brain_dev *c, struct brain_dev *s);
/* An application activity (HL7 message, DICOM command, login, SMB):
 * a the actor (NULL: not a device), p its peer (NULL: none known). */
void	brain_bl_activity(struct brain *, const struct brain_ev *,
	    struct brain_dev *a, struct brain_dev *p);
/* The baseline of n to save with it (NULL: none, or unchanged), and
 * after a save that worked: they are stored. */
struct bl_dev *brain_bl_to_save(struct brain_dev *);
void	brain_bl_saved(struct brain_dev *);
/* End of the run: a --learn run's devices enforce from the next. */
void	brain_bl_finish(struct brain *, uint64_t ts_us);
/* The "baseline" member of a device record. */
void	brain_bl_record(struct jsonw *, const struct brain_dev *);
/* The summary's line: devices learning and enforcing, alerts. */
void	brain_bl_summary(struct brain *, FILE *);

#endif /* WW_BRAIN_BASELINE_H */
