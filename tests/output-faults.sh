#!/bin/sh
# output-faults.sh - the real output path (not --test-mode) into
# failing targets (TAP): a file size limit that stops a write inside a
# line, and /dev/full.  The run goes on, exits 2, says how many records
# it lost; eve.json holds only whole lines, and those lines plus the
# lost records are every record of the run.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
PCAP="$top_srcdir/pcaps/ward.pcap"

echo "1..5"

# The records of a run that loses nothing, for comparison.
"$WW" -r "$PCAP" -l "$tmp" --workers 2 >"$tmp/full.out" 2>&1
total=$(sed -n 's/.*output .*: \([0-9]*\) records.*/\1/p' "$tmp/full.out")
rm -f "$tmp/eve.json" "$tmp/wardwatch.db"

# A file size limit of 40 KiB (ulimit -f counts 512-byte blocks in
# dash, 1024 in bash: both well below the run's output).
(ulimit -f 80 && exec "$WW" -r "$PCAP" -l "$tmp" --workers 2) \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ]; then
	echo "ok 1 - a file size limit: exit 2"
else
	echo "not ok 1 - a file size limit: exit $rc, want 2"
	sed 's/^/# /' "$tmp/err" | head -5
fi
lost=$(sed -n 's/.*records, \([0-9]*\) LOST.*/\1/p' "$tmp/out")
lines=$(wc -l <"$tmp/eve.json")
whole=$(grep -c '^{"timestamp":.*}$' "$tmp/eve.json")
if [ -n "$lost" ] && [ "$lost" -gt 0 ] &&
    [ "$(tail -c 1 "$tmp/eve.json" | od -An -c | tr -d ' ')" = '\n' ] &&
    [ "$lines" -eq "$whole" ]; then
	echo "ok 2 - only whole lines in the file ($whole), $lost lost"
else
	echo "not ok 2 - lines $lines, whole $whole, lost '$lost'"
fi
if [ -n "$total" ] && [ -n "$lost" ] &&
    [ $((whole + lost)) -eq "$total" ]; then
	echo "ok 3 - written plus lost is every record ($total)"
else
	echo "not ok 3 - $whole written + '$lost' lost != '$total'"
fi

# /dev/full: every record lost and counted.
cat >"$tmp/full.yaml" <<CONF
outputs:
  eve:
    filename: /dev/full
CONF
rm -f "$tmp/eve.json" "$tmp/wardwatch.db"
"$WW" -r "$PCAP" -l "$tmp" -c "$tmp/full.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "No space left" "$tmp/err"; then
	echo "ok 4 - /dev/full: exit 2 and the error named"
else
	echo "not ok 4 - /dev/full: exit $rc"
	sed 's/^/# /' "$tmp/err" | head -5
fi
if grep -q "records, $total LOST" "$tmp/out"; then
	echo "ok 5 - /dev/full: all $total records counted as lost"
else
	echo "not ok 5 - /dev/full: $(grep output "$tmp/out")"
fi
