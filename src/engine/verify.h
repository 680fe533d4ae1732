/*
 * engine/verify.h - `wardwatch verify`: check hash-chained output files
 * (output/chain.h) with the key from --key-file or from the
 * configuration's regular output with a hash-chain.
 */
#ifndef WW_VERIFY_H
#define WW_VERIFY_H

/* Exit status: 0 intact, 2 broken, 1 usage error or unreadable key. */
int	verify_main(int argc, char **argv);

#endif /* WW_VERIFY_H */
