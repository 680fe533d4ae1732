/*
 * inventory.h - "wardwatch inventory": the stored devices as a table,
 * JSON lines or CSV.
 */
#ifndef WW_INVENTORY_H
#define WW_INVENTORY_H

/*
 * argv[0] is "inventory".  Returns the exit status: 0, 1 for a usage
 * error or a missing database, 2 for a damaged or unreadable one.
 */
int	inventory_main(int argc, char **argv);

#endif /* WW_INVENTORY_H */
