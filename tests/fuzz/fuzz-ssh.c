/*
 * fuzz-ssh.c - libFuzzer target for the SSH parser.
 *
 * Input: a conversation.  The bytes are split at the separator
 * "\xff\xfe\xfd\xfc" into chunks; the first chunk goes to the client
 * direction (to server), the next to the server direction, and so on
 * alternately.  An empty chunk (two separators in a row) is a gap in
 * that direction.  Each direction is fed the way the framework feeds
 * it: the unconsumed tail is kept and re-presented with the next
 * chunk, in a buffer of exactly its length so ASan sees any over-read.
 * The contract is checked after every call: consumed never exceeds the
 * input, and the parser never asks the framework to hold more than a
 * banner line or a packet of the largest size it accepts.
 * Every fact is written through the EVE hook and must give complete
 * JSON.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-ssh
 *	mkdir -p fuzz-ssh.corpus
 *	./tests/fuzz/fuzz-ssh -max_total_time=600 -max_len=8192 \
 *	    fuzz-ssh.corpus ../tests/fuzz/corpus/ssh
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/ssh/ are
 * banner and KEXINIT exchanges in this input format (see the unit tests
 * for the messages they contain).
 */
#include <config.h>

#include "app/ssh.h"

#define FUZZ_PARSER			ssh_parser
#define FUZZ_PROTO			APP_SSH
#define FUZZ_NEEDED_OK(have, needed)	((have) + (needed) <= SSH_MAX_PACKET + 4)
#define FUZZ_HELD_OK(dead, have)	((have) <= SSH_MAX_PACKET + 4)

#include "fuzz-app.h"
