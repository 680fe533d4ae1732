#!/bin/sh
# brain-parts.sh - a fast capture's device events reach the brain in
# parts of a tick, not as a whole second's worth (TAP).
#
# A tick is a second of packet time; a hospital capture read from a
# file holds a few hundred thousand packets a second, and their events
# all waited, in the worker's queue and then the brain's, until the
# tick (90 MB of the default run's 295 MB on a 188 MB capture).  Every
# MONITOR_PART_PKTS packets (WARDWATCH_TEST_PART_PKTS in tests) the
# producers now hand over what they have, and the brain applies it; it
# settles and writes device records only at ticks.
#  - the largest handover and the most events waiting stay within a
#    part's events, against the whole second without parts;
#  - the records and the state database do not depend on the number
#    of workers with parts;
#  - the ward's records are those of a run without parts, also with a
#    snapshot every second (taken once a tick is settled: never of a
#    device before its "new" record);
#  - a capture whose packets all have time 0 is read whole;
#  - at the end, when every flow ends at once, their events go over in
#    parts too (WORKER_END_PART, 4096), with the records and state of
#    one or two workers the same.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
WARD="$top_srcdir/pcaps/ward.pcap"

if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no generator at $GEN"
	exit 0
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP sqlite3 not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
echo "1..9"

"$GEN" hospital "$tmp/h.pcap" --size-mb 12 --flows 1500 --devices 400 \
    >/dev/null 2>&1 || { nok "pcapgen hospital"; exit 0; }

# run NAME PCAP PART-PKTS WORKERS
run() {
	mkdir "$tmp/$1"
	printf 'stats:\n  interval: 0\n' >"$tmp/$1.yaml"
	WARDWATCH_TEST_PART_PKTS=$3 "$WW" --test-mode -r "$2" -l "$tmp/$1" \
	    --state "$tmp/$1.db" -c "$tmp/$1.yaml" --workers "$4" -v \
	    >"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
}
peak() {
	sed -n 's/^  queue      at most \([0-9]*\) .*/\1/p' "$tmp/$1.out"
}
largest() {
	sed -n 's/^  queue .*the largest handover \([0-9]*\))$/\1/p' \
	    "$tmp/$1.out"
}
recs() {
	grep -v '"event_type":"stats"' "$tmp/$1/eve.json"
}
dump() {
	sqlite3 "$tmp/$1.db" .dump | grep -v "^INSERT INTO meta VALUES('created'"
}
same() {
	recs "$1" >"$tmp/$1.r" && recs "$2" >"$tmp/$2.r" &&
	    cmp -s "$tmp/$1.r" "$tmp/$2.r" && dump "$1" >"$tmp/$1.sql" &&
	    dump "$2" >"$tmp/$2.sql" && cmp -s "$tmp/$1.sql" "$tmp/$2.sql"
}

run whole "$tmp/h.pcap" 100000000 1
run part "$tmp/h.pcap" 2000 1
run part2 "$tmp/h.pcap" 500 2
run part1 "$tmp/h.pcap" 500 1
run part3 "$tmp/h.pcap" 500 3
run ward "$WARD" 100000000 2
run ward3 "$WARD" 3 2
for r in whole part part2 part1 part3 ward ward3; do
	[ "$(cat "$tmp/$r.rc")" = 0 ] || {
		nok "run $r exited $(cat "$tmp/$r.rc")"
		sed 's/^/# /' "$tmp/$r.err" | tail -5
		exit 0
	}
done

whole=$(largest whole)
if [ "${whole:-0}" -gt 20000 ]; then
	ok "without parts, a tick's $whole events are handed over at once"
else
	nok "without parts the largest handover was '$whole': the test cannot tell"
fi
# A packet makes a few events at most (activity, evidence, a flow's end).
big=$(largest part)
if [ -n "$big" ] && [ "$big" -le 6000 ]; then
	ok "parts of 2000 packets: the largest handover $big events"
else
	nok "parts of 2000 packets: the largest handover '$big' events"
fi
w=$(peak part)
if [ -n "$w" ] && [ "$w" -le $((2 * big + 2)) ] && [ "$w" -lt $((whole / 3)) ]
then
	ok "parts of 2000 packets: at most $w events waited ($(peak whole) without)"
else
	nok "parts of 2000 packets: '$w' events waited ($(peak whole) without)"
fi
if same part1 part2 && same part1 part3; then
	ok "parts of 500 packets: the same records and state with 1, 2 and 3 workers ($(wc -l <"$tmp/part1.r") records)"
else
	nok "parts of 500 packets: the records or the state depend on the workers"
	diff "$tmp/part1.r" "$tmp/part2.r" | head -4 | cut -c1-200 | sed 's/^/# /'
fi
if grep -q '"event":"new"' "$tmp/part1.r" &&
    [ "$(sqlite3 "$tmp/part1.db" 'SELECT count(*) FROM devices')" -ge 400 ]
then
	ok "parts: device records written, $(sqlite3 "$tmp/part1.db" 'SELECT count(*) FROM devices') devices saved"
else
	nok "parts: no device records or too few devices saved"
fi
if same ward ward3; then
	ok "ward.pcap: parts of 3 packets give the records and state of whole ticks"
else
	nok "ward.pcap: parts of 3 packets change the records or the state"
	diff "$tmp/ward.r" "$tmp/ward3.r" | head -4 | cut -c1-200 | sed 's/^/# /'
fi

# Snapshots every second: the same with parts of 3 packets as without,
# and none of a device before its "new" record.
printf 'devices:\n  snapshot-interval: 1\n' >"$tmp/snap.yaml"
for pp in 3 100000000; do
	mkdir "$tmp/snap$pp"
	WARDWATCH_TEST_PART_PKTS=$pp "$WW" --test-mode -r "$WARD" \
	    -l "$tmp/snap$pp" -c "$tmp/snap.yaml" --workers 2 \
	    >/dev/null 2>&1
	recs snap$pp >"$tmp/snap$pp.r"
done
early=$(python3 - "$tmp/snap3.r" <<'PY'
import json, sys
seen, early = set(), 0
for line in open(sys.argv[1]):
    d = json.loads(line).get("device")
    if d is None:
        continue
    k = (d.get("mac"), d.get("vlan"), d.get("ip") if not d.get("mac") else 0)
    if d["event"] == "new":
        seen.add(k)
    elif d["event"] == "snapshot" and k not in seen:
        early += 1
print(early)
PY
)
nsnap=$(grep -c '"event":"snapshot"' "$tmp/snap3.r")
if [ "$early" = 0 ] && [ "$nsnap" -gt 100 ] &&
    cmp -s "$tmp/snap3.r" "$tmp/snap100000000.r"; then
	ok "snapshots every second: $nsnap, the same with parts of 3 packets, none before a device's new record"
else
	nok "snapshots every second: '$nsnap', $early before a new record, or different with parts"
fi

# Time 0 (a synthetic capture): parts are handed over from time 2 on
# only, never as the end (0 - 1).
python3 - "$WARD" "$tmp/zero.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, o = [d[:24]], 24
while o < len(d):
    ts, us, cl, ln = struct.unpack("<IIII", d[o:o + 16])
    out.append(struct.pack("<IIII", 0, 0, cl, ln) + d[o + 16:o + 16 + cl])
    o += 16 + cl
open(sys.argv[2], "wb").write(b"".join(out))
PY
for w in 1 2; do
	mkdir "$tmp/zero$w"
	WARDWATCH_TEST_PART_PKTS=3 "$WW" --test-mode -r "$tmp/zero.pcap" \
	    -l "$tmp/zero$w" --state "$tmp/zero$w.db" --workers $w \
	    >"$tmp/zero$w.out" 2>&1
	echo $? >"$tmp/zero$w.rc"
done
if [ "$(cat "$tmp/zero1.rc")" = 0 ] && [ "$(cat "$tmp/zero2.rc")" = 0 ] &&
    same zero1 zero2 && grep -q '"event":"new"' "$tmp/zero1.r"; then
	ok "time 0 with parts of 3: the same records and state with 1 and 2 workers"
else
	nok "time 0 with parts of 3: exit $(cat "$tmp/zero1.rc")/$(cat "$tmp/zero2.rc"), or records differ"
fi

# The end: 12,000 flows still open end at once.  Without parts their
# events were one handover of 12,000.
"$GEN" bench "$tmp/b.pcap" --size-mb 6 --flows 12000 >/dev/null 2>&1 ||
    { nok "pcapgen bench"; exit 0; }
run end1 "$tmp/b.pcap" 500 1
run end2 "$tmp/b.pcap" 500 2
big=$(largest end1)
big2=$(largest end2)
if [ "$(cat "$tmp/end1.rc")" = 0 ] && [ "$(cat "$tmp/end2.rc")" = 0 ] &&
    [ -n "$big" ] && [ "$big" -le 4100 ] && [ -n "$big2" ] &&
    [ "$big2" -le 4100 ] && [ "$(peak end1)" -ge 12000 ] &&
    same end1 end2; then
	ok "the end of 12,000 flows in parts: the largest handover $big events (2 workers: $big2), the same records and state"
else
	nok "the end of 12,000 flows: exit $(cat "$tmp/end1.rc")/$(cat "$tmp/end2.rc"), largest handover '$big'/'$big2', $(peak end1) waited, or records differ"
fi
