/*
 * fuzz-tls.c - libFuzzer target for the TLS parser.
 *
 * Input: a conversation.  The bytes are split at the separator
 * "\xff\xfe\xfd\xfc" into chunks; the first chunk goes to the client
 * direction (to server), the next to the server direction, and so on
 * alternately.  An empty chunk (two separators in a row) is a gap in
 * that direction.  Each direction is fed the way the framework feeds
 * it: the unconsumed tail is kept and re-presented with the next
 * chunk, in a buffer of exactly its length so ASan sees any over-read.
 * The contract is checked after every call: consumed never exceeds the
 * input, and the parser never leaves the framework more than a record
 * header's worth of bytes (it streams record bodies itself).
 * Every fact is written through the EVE hook and must give complete
 * JSON.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-tls
 *	mkdir -p fuzz-tls.corpus
 *	./tests/fuzz/fuzz-tls -max_total_time=600 -max_len=8192 \
 *	    fuzz-tls.corpus ../tests/fuzz/corpus/tls
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/tls/ are
 * handshakes in this input format (see the unit tests for the messages
 * they contain).
 */
#include <config.h>

#include "app/tls.h"

#define FUZZ_PARSER			tls_parser
#define FUZZ_PROTO			APP_TLS
#define FUZZ_NEEDED_OK(have, needed)	((needed) <= TLS_MAX_RECORD)
#define FUZZ_HELD_OK(dead, have)	((dead) || (have) < TLS_RECORD_HDR_LEN)

#include "fuzz-app.h"
