/*
 * baseline-cmd.h - "wardwatch baseline show | reset": the learned
 * baselines of the state database.
 */
#ifndef WW_BASELINE_CMD_H
#define WW_BASELINE_CMD_H

/*
 * argv[0] is "baseline", argv[1] "show" or "reset".  Returns the exit
 * status: 0, 1 for a usage error, a missing database or an unknown
 * device, 2 for a damaged or unreadable one.
 */
int	baseline_main(int argc, char **argv);

#endif /* WW_BASELINE_CMD_H */
