#!/bin/sh
# brain-queue.sh - the events waiting for the device brain stay within
# devices.queue-max, and offline nothing is lost to the bound (TAP).
#
# pcapgen's hospital-baseline capture (400 devices with 20 UDP peers
# each over a day) is read with two workers and no periodic stats (no
# quiescing), with the brain made the slow stage
# (WARDWATCH_TEST_BRAIN_DELAY, microseconds per event):
#  - without a bound worth the name, the workers run far ahead of the
#    brain (so the test can tell a bound that holds from one that does
#    not);
#  - with devices.queue-max 1024, the most that waited (wardwatch -v's
#    "queue" line) stays within a handover per thread of the bound with
#    one worker, and far below the unbounded run with two (one worker's
#    events of a tick wait for the other's);
#  - and the records and the state database are those of a run with
#    the default bound and no delay, with no event dropped;
#  - live (-i, in a network namespace, the capture replayed at top
#    speed; root, iproute2 and tcpreplay, else skipped), the workers
#    never wait: past devices.queue-max 1024 a tick's events are
#    dropped, counted in the stats record (devices.events_dropped) and
#    said in the summary, and every device the run knew is in the
#    state database.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"

if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no generator at $GEN"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1
then
	echo "1..0 # SKIP jq or sqlite3 not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
. "$top_srcdir/tests/netns.sh"
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
echo "1..8"

"$GEN" hospital-baseline "$tmp/q.pcap" --devices 400 --flows 8000 \
    >/dev/null 2>&1 || { nok "pcapgen hospital-baseline"; exit 0; }

# run NAME QUEUE-MAX DELAY-US WORKERS
run() {
	mkdir "$tmp/$1"
	printf 'stats:\n  interval: 0\ndevices:\n  queue-max: %s\n' "$2" \
	    >"$tmp/$1.yaml"
	WARDWATCH_TEST_BRAIN_DELAY=$3 "$WW" --test-mode -r "$tmp/q.pcap" \
	    -l "$tmp/$1" --state "$tmp/$1.db" -c "$tmp/$1.yaml" \
	    --workers "$4" -v >"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
}
# peak NAME: the most events that waited; largest NAME: one handover
peak() {
	sed -n 's/^  queue      at most \([0-9]*\) .*/\1/p' "$tmp/$1.out"
}
largest() {
	sed -n 's/^  queue .*the largest handover \([0-9]*\))$/\1/p' \
	    "$tmp/$1.out"
}
norm() {
	jq -c 'del(.stats.flow.memuse, .wardwatch.flow_memuse_peak,
	    .wardwatch.queue_memuse_peak,
	    .stats.defrag.memuse)' "$tmp/$1/eve.json"
}
dump() {
	sqlite3 "$tmp/$1.db" .dump | grep -v "^INSERT INTO meta VALUES('created'"
}

run ref 262144 0 2
run free 16777216 100 1
run bound 1024 100 1
run bound2 1024 100 2
for r in ref free bound bound2; do
	[ "$(cat "$tmp/$r.rc")" = 0 ] || {
		nok "run $r exited $(cat "$tmp/$r.rc")"
		sed 's/^/# /' "$tmp/$r.err" | tail -5
		exit 0
	}
done

free=$(peak free)
if [ "${free:-0}" -gt 8192 ]; then
	ok "without a bound, $free events wait for a slow brain"
else
	nok "without a bound only '${free}' events waited: the test cannot tell"
fi
# One worker: over the bound by at most a handover of each thread.
bound=$(peak bound)
big=$(largest bound)
if [ -n "$bound" ] && [ -n "$big" ] && [ "$bound" -le $((1024 + 2 * big)) ]
then
	ok "devices.queue-max 1024: at most $bound events waited (largest handover $big)"
else
	nok "devices.queue-max 1024: '$bound' events waited (largest handover $big)"
fi
# Two workers: what one hands over ahead of the other waits for it
# beyond the bound (at most its input ring), not the whole capture.
bound2=$(peak bound2)
if [ -n "$bound2" ] && [ "$bound2" -le $((free / 4)) ]; then
	ok "two workers, devices.queue-max 1024: at most $bound2 events waited"
else
	nok "two workers, devices.queue-max 1024: '$bound2' events waited ($free unbounded)"
fi
if norm ref >"$tmp/ref.jsonl" && norm bound2 >"$tmp/bound.jsonl" &&
    cmp -s "$tmp/ref.jsonl" "$tmp/bound.jsonl"; then
	ok "the records are those of an unbounded run ($(wc -l <"$tmp/ref.jsonl") lines)"
else
	nok "the records differ from an unbounded run"
	diff "$tmp/ref.jsonl" "$tmp/bound.jsonl" | head -5 | cut -c1-200 |
	    sed 's/^/# /'
fi
if dump ref >"$tmp/ref.sql" && dump bound2 >"$tmp/bound.sql" &&
    cmp -s "$tmp/ref.sql" "$tmp/bound.sql"; then
	ok "the state database is that of an unbounded run"
else
	nok "the state databases differ"
	diff "$tmp/ref.sql" "$tmp/bound.sql" | head -5 | cut -c1-200 |
	    sed 's/^/# /'
fi
drops=$(jq -s '[.[] | select(.event_type == "stats") |
    .wardwatch.counters["devices.events_dropped"] // 0] | max // 0' \
    "$tmp/bound2/eve.json")
if [ "${drops:-x}" = 0 ] && ! grep -q 'events were dropped' "$tmp/bound2.out"
then
	ok "offline, no device event was dropped"
else
	nok "offline, '$drops' device events were dropped"
fi
if grep -q '"event_type":"device"' "$tmp/bound2/eve.json"; then
	ok "the inventory wrote device records"
else
	nok "no device records"
fi

# Live: the packet threads never wait for the brain; what does not fit
# under devices.queue-max is dropped and counted, never lost silently.
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1 ||
    ! command -v tcpreplay >/dev/null 2>&1; then
	echo "ok $((n + 1)) # SKIP live: needs root, iproute2 and tcpreplay"
	exit 0
fi
if ! netns_setup wwbq; then
	echo "ok $((n + 1)) # SKIP live: cannot create a network namespace or veth"
	exit 0
fi
mkdir "$tmp/live"
printf 'devices:\n  queue-max: 1024\n' >"$tmp/live.yaml"
WARDWATCH_TEST_BRAIN_DELAY=200 ip netns exec "$ns" "$WW" -i wwb \
    -l "$tmp/live" -c "$tmp/live.yaml" --state "$tmp/live.db" --allow-root \
    >"$tmp/live.out" 2>&1 &
pid=$!
w=0
while ! grep -q 'listening on' "$tmp/live.out" && [ $w -lt 100 ]; do
	sleep 0.1
	w=$((w + 1))
done
nsx tcpreplay -q -i wwa --topspeed "$tmp/q.pcap" >/dev/null 2>&1
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
drops=$(jq -s '[.[] | select(.event_type == "stats") |
    .wardwatch.counters["devices.events_dropped"] // 0] | max // 0' \
    "$tmp/live/eve.json")
said=$(sed -n 's/^  WARNING *\([0-9]*\) device events were dropped.*/\1/p' \
    "$tmp/live.out")
known=$(sed -n 's/^  devices *\([0-9]*\).*/\1/p' "$tmp/live.out")
saved=$(sqlite3 "$tmp/live.db" "SELECT count(*) FROM devices" 2>/dev/null)
jq -r 'select(.event_type == "device") | .device.mac' "$tmp/live/eve.json" |
    sort -u >"$tmp/live.macs"
sqlite3 "$tmp/live.db" "SELECT mac FROM devices" 2>/dev/null | sort -u \
    >"$tmp/live.dbmacs"
if [ "$rc" -eq 0 ] && [ "${drops:-0}" -gt 0 ] && [ "$said" = "$drops" ] &&
    [ -n "$known" ] && [ "$known" -gt 0 ] && [ "$saved" = "$known" ] &&
    [ -s "$tmp/live.macs" ] && cmp -s "$tmp/live.macs" "$tmp/live.dbmacs"
then
	ok "live, devices.queue-max 1024: $drops device events dropped, counted and said; all $known devices known saved"
else
	nok "live: exit $rc, '$drops' dropped in stats, '$said' said, '$known' devices known, '$saved' saved, $(wc -l <"$tmp/live.macs") in device records"
	tail -5 "$tmp/live.out" | sed 's/^/# /'
fi
