#!/bin/sh
# baseline-mem.sh - the memory of the baselines at hospital scale (make
# bench-baseline): learn on pcapgen's hospital-baseline capture (10,000
# devices with many peers each, one day), then enforce on the next day
# (hospital-baseline-day2, a quarter of the peers changed), and report
# each run's wall time, CPU time and peak RSS and the baseline and
# policy counters of its last stats record; the learning day is also
# read with the baselines off (baseline.enabled: false, a state of its
# own), and the figures of the two are compared, in the same run.
#
# Without --test-mode: that mode keeps every EVE line in memory to
# sort them at the end (1.5 GB of the figure at 10,000 devices), which
# is not what the sensor holds.
#
# A report, not a test: it exits 0 when wardwatch has no --learn yet
# (saying so), non-zero only when a run fails.
#
# Environment (make bench-baseline passes the first ones):
#   top_srcdir, top_builddir   source and build trees
#   BENCH_BASELINE_DEVICES     devices (10000)
#   BENCH_BASELINE_PEERS       peers per device (40)
#   BENCH_DATA                 where the captures are kept and reused
#                              (tests/bench/data in the build tree)
#   BENCH_WW_ARGS              extra wardwatch arguments ("-c my.yaml")
#   WARDWATCH, RUNSTAT, PCAPGEN   override the binaries

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
RUNSTAT="${RUNSTAT:-$top_builddir/tests/bench/runstat}"
PCAPGEN="${PCAPGEN:-$top_builddir/pcaps/gen/pcapgen}"
devices="${BENCH_BASELINE_DEVICES:-10000}"
peers="${BENCH_BASELINE_PEERS:-40}"
data="${BENCH_DATA:-$top_builddir/tests/bench/data}"

die() {
	echo "bench-baseline: $*" >&2
	exit 1
}

for v in "BENCH_BASELINE_DEVICES=$devices" "BENCH_BASELINE_PEERS=$peers"; do
	case ${v#*=} in
	'' | *[!0-9]* | 0 | 0*) die "${v%%=*} must be a positive integer," \
	    "not '${v#*=}'" ;;
	esac
done
[ -x "$WW" ] || die "no wardwatch at $WW"
if ! "$WW" --help 2>&1 | grep -q -e '--learn'; then
	echo "bench-baseline: skipped: wardwatch has no --learn (no baselines)"
	exit 0
fi
[ -x "$RUNSTAT" ] || die "no runstat at $RUNSTAT"
mkdir -p "$data" || die "cannot create $data"

flows=$((devices * peers))
for sc in hospital-baseline hospital-baseline-day2; do
	f="$data/$sc-$devices-$peers.pcap"
	[ -s "$f" ] && continue
	[ -x "$PCAPGEN" ] || die "no pcapgen at $PCAPGEN"
	echo "bench-baseline: generating $f"
	"$PCAPGEN" "$sc" "$f.tmp" --devices "$devices" --flows "$flows" &&
	    mv "$f.tmp" "$f" || die "pcapgen $sc failed"
done

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# kv FILE KEY: a value from runstat's "runstat: key=value ..." line.
kv() {
	sed -n "s/^runstat:.* $2=\\([^ ]*\\).*/\\1/p" "$1" | tail -n 1
}

# run NAME PCAP DB [ARGS]: wardwatch with the state in $tmp/DB.
run() {
	name=$1 pcap=$2 db=$3
	shift 3
	mkdir "$tmp/$name"
	# shellcheck disable=SC2086 # BENCH_WW_ARGS is a word list
	"$RUNSTAT" -o "$tmp/$name.stat" "$WW" $BENCH_WW_ARGS \
	    -r "$pcap" --state "$tmp/$db" -l "$tmp/$name" "$@" \
	    >"$tmp/$name.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 20 "$tmp/$name.out" >&2
		die "wardwatch ($name) exited with status $rc"
	fi
	printf '%-8s %10s s wall %10s s CPU %6s MiB  (%s)\n' "$name" \
	    "$(kv "$tmp/$name.stat" wall)" "$(kv "$tmp/$name.stat" cpu)" \
	    "$(($(kv "$tmp/$name.stat" maxrss_kib) / 1024))" \
	    "$(basename "$pcap")"
	# The baseline and policy counters of the last stats record.
	/usr/bin/python3 - "$tmp/$name/eve.json" <<'EOF'
import json
import sys

last = None
with open(sys.argv[1], encoding="utf-8") as fp:
    for line in fp:
        if '"event_type":"stats"' in line.replace(" ", ""):
            last = line
if last is None:
    print("         (no stats record)")
    sys.exit(0)
ww = json.loads(last).get("wardwatch", {})
shown = 0
for group in ("counters", "anomalies"):
    for k, v in sorted((ww.get(group) or {}).items()):
        if any(w in k for w in ("baseline", "policy", "zone", "device")):
            print(f"         {k} = {v}")
            shown += 1
if not shown:
    print("         (no baseline counters in the stats record)")
EOF
}

echo "bench-baseline: $devices devices, $peers peers each"
printf 'baseline:\n  enabled: false\n' >"$tmp/off.yaml"
run learn "$data/hospital-baseline-$devices-$peers.pcap" state.db --learn
run off "$data/hospital-baseline-$devices-$peers.pcap" off.db --learn \
    -c "$tmp/off.yaml"
run enforce "$data/hospital-baseline-day2-$devices-$peers.pcap" state.db
ls -l "$tmp/state.db" | awk '{ printf "state    %10.1f MiB\n", $5 / 1048576 }'
# The baselines' cost: the learning day with them against without.
awk -v c1="$(kv "$tmp/learn.stat" cpu)" -v c0="$(kv "$tmp/off.stat" cpu)" \
    -v r1="$(kv "$tmp/learn.stat" maxrss_kib)" \
    -v r0="$(kv "$tmp/off.stat" maxrss_kib)" 'BEGIN {
	if (c0 > 0 && r0 > 0)
		printf "baselines on/off: CPU x%.2f, peak RSS x%.2f\n",
		    c1 / c0, r1 / r0
}'
