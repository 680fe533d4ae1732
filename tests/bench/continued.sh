#!/bin/sh
# continued.sh - what a continued run costs (make bench-continued): a
# hospital's inventory is built once (pcapgen hospital, DEVICES devices,
# read with --state), then a smaller capture of the same hospital is
# read three ways, interleaved, each timed under runstat:
#   bare        tests/bench/barecount on the small capture (the baseline)
#   fresh       wardwatch -r small --state NEW      (an empty inventory)
#   continued   wardwatch -r small --state COPY     (a copy of the big one)
# and, with BENCH_COMPARE=binary, the continued run of that binary too
# (on its own copy of a state it built itself, so each reads the form
# it writes).  Best of BENCH_REPEAT (3) by CPU; "vs bare" is the bare
# loop's CPU over the run's, "vs fresh" the fresh run's over the run's.
# A report, not a test: it exits non-zero only when a run fails.
#
# Environment (make bench-continued passes the first ones):
#   top_srcdir, top_builddir   source and build trees
#   BENCH_CONT_DEVICES         devices of the hospital (5000)
#   BENCH_CONT_BIG_MB          capture that builds the inventory (100)
#   BENCH_CONT_SMALL_MB        the continued run's capture (20)
#   BENCH_REPEAT               runs of each, best kept (3)
#   BENCH_COMPARE              an older wardwatch, run the same way
#   BENCH_DATA                 where captures are kept and reused
#   WARDWATCH, RUNSTAT, BARECOUNT, PCAPGEN   override the binaries

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
RUNSTAT="${RUNSTAT:-$top_builddir/tests/bench/runstat}"
BARE="${BARECOUNT:-$top_builddir/tests/bench/barecount}"
PCAPGEN="${PCAPGEN:-$top_builddir/pcaps/gen/pcapgen}"
devices="${BENCH_CONT_DEVICES:-5000}"
big_mb="${BENCH_CONT_BIG_MB:-100}"
small_mb="${BENCH_CONT_SMALL_MB:-20}"
repeat="${BENCH_REPEAT:-3}"
compare="${BENCH_COMPARE:-}"
data="${BENCH_DATA:-$top_builddir/tests/bench/data}"

die() {
	echo "bench-continued: $*" >&2
	exit 1
}

for v in "BENCH_CONT_DEVICES=$devices" "BENCH_CONT_BIG_MB=$big_mb" \
    "BENCH_CONT_SMALL_MB=$small_mb" "BENCH_REPEAT=$repeat"; do
	case ${v#*=} in
	'' | *[!0-9]* | 0 | 0*) die "${v%%=*} must be a positive integer," \
	    "not '${v#*=}'" ;;
	esac
done
for b in "$WW" "$RUNSTAT" "$BARE"; do
	[ -x "$b" ] || die "no $b"
done
[ -z "$compare" ] || [ -x "$compare" ] || die "no $compare"
mkdir -p "$data" || die "cannot create $data"
big="$data/hospital-$big_mb-$devices.pcap"
small="$data/hospital-$small_mb-$devices.pcap"
for f in "$big:$big_mb" "$small:$small_mb"; do
	[ -s "${f%:*}" ] && continue
	[ -x "$PCAPGEN" ] || die "no pcapgen at $PCAPGEN"
	echo "bench-continued: generating ${f%:*}"
	"$PCAPGEN" hospital "${f%:*}" --size-mb "${f#*:}" \
	    --flows $((${f#*:} * 150)) --devices "$devices" >/dev/null ||
	    die "pcapgen failed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-continued.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# runstat's figures of one run: "cpu rss" (seconds, KiB).
stat_of() {
	sed -n 's/^runstat: .* cpu=\([0-9.]*\) maxrss_kib=\([0-9]*\).*/\1 \2/p' \
	    "$1" | tail -n 1
}

# The inventory, once per binary.
build() {	# binary name
	mkdir -p "$tmp/l-$2"
	"$1" -r "$big" -l "$tmp/l-$2" --state "$tmp/$2.db" --workers 1 \
	    >"$tmp/build-$2.out" 2>&1 || { cat "$tmp/build-$2.out" >&2;
	    die "building the inventory with $1 failed"; }
	rm -rf "$tmp/l-$2"
}
build "$WW" new
[ -z "$compare" ] || build "$compare" old
echo "bench-continued: inventory made from $big, continued on $small"
cat "$small" >/dev/null

# One timed run: name, then the command; its "cpu rss" kept in $tmp/name.
run() {
	n=$1
	shift
	rm -rf "$tmp/l"
	mkdir -p "$tmp/l"
	"$RUNSTAT" "$@" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2;
	    die "$n failed"; }
	stat_of "$tmp/out" >>"$tmp/$n"
}

i=0
while [ "$i" -lt "$repeat" ]; do
	run bare "$BARE" "$small"
	rm -f "$tmp/f.db"*
	run fresh "$WW" -r "$small" -l "$tmp/l" --state "$tmp/f.db" \
	    --workers 1
	cp "$tmp/new.db" "$tmp/c.db" && rm -f "$tmp/c.db-"*
	run continued "$WW" -r "$small" -l "$tmp/l" --state "$tmp/c.db" \
	    --workers 1
	if [ -n "$compare" ]; then
		cp "$tmp/old.db" "$tmp/c.db" && rm -f "$tmp/c.db-"*
		run compare "$compare" -r "$small" -l "$tmp/l" \
		    --state "$tmp/c.db" --workers 1
	fi
	i=$((i + 1))
done

best() {
	sort -n "$tmp/$1" | head -n 1
}
bare_cpu=$(best bare | cut -d' ' -f1)
fresh_cpu=$(best fresh | cut -d' ' -f1)
printf '%-28s %8s %8s %9s %9s\n' run "CPU s" "RSS MiB" "vs bare" "vs fresh"
for n in bare fresh continued compare; do
	[ -s "$tmp/$n" ] || continue
	set -- $(best "$n")
	awk -v n="$n" -v c="$1" -v r="$2" -v b="$bare_cpu" -v f="$fresh_cpu" \
	    'BEGIN { v = n == "bare" ? "-" : sprintf("%.1f%%", 100 * f / c)
	    printf "%-28s %8.3f %8.1f %8.2f%% %9s\n", n, c, r / 1024,
	    100 * b / c, v }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
