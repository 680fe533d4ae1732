/*
 * fuzz-dicom.c - libFuzzer target for the DICOM upper-layer parser.
 *
 * Input: a conversation.  The bytes are split at the separator
 * "\xff\xfe\xfd\xfc" into chunks; the first chunk goes to the client
 * direction (to server), the next to the server direction, and so on
 * alternately.  An empty chunk (two separators in a row) is a gap in
 * that direction.  Each direction is fed the way the framework feeds
 * it: the unconsumed tail is kept and re-presented with the next
 * chunk, in a buffer of exactly its length so ASan sees any over-read.
 * The contract is checked after every call: consumed never exceeds the
 * input, and the parser never asks the framework to hold more than the
 * association PDU cap.  Every fact is written through the EVE hook and
 * must give complete JSON.
 *
 * Build and run, no script needed (from the build directory):
 *	../configure --enable-fuzz --enable-sanitizers CC=clang
 *	make tests/fuzz/fuzz-dicom
 *	mkdir -p fuzz-dicom.corpus
 *	./tests/fuzz/fuzz-dicom -max_total_time=600 -max_len=8192 \
 *	    fuzz-dicom.corpus ../tests/fuzz/corpus/dicom
 * A crash is written to crash-<sha1>; run the target with that file as
 * its only argument to reproduce it.  The seeds in corpus/dicom/ are
 * whole associations in this input format (see the unit tests for the
 * PDUs they contain).
 */
#include <config.h>

#include "app/dicom.h"

#define FUZZ_PARSER			dicom_parser
#define FUZZ_PROTO			APP_DICOM
#define FUZZ_NEEDED_OK(have, needed)	((needed) <= DICOM_MAX_PDU + 6 && (have) + (needed) <= DICOM_MAX_PDU + 6)
#define FUZZ_HELD_OK(dead, have)	((have) <= DICOM_MAX_PDU + 6)

#include "fuzz-app.h"
