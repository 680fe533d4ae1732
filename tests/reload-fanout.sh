#!/bin/sh
# reload-fanout.sh - reload.sh with capture.mode fanout: every live
# sensor of that test reads with 2 workers, each from its own
# PACKET_FANOUT socket (issue 14 item 5).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
WW_LIVE_ARGS="--fanout --workers 2" exec sh "$top_srcdir/tests/reload.sh"
