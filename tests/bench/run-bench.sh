#!/bin/sh
# run-bench.sh - time wardwatch -r against a bare libpcap read loop on
# the same capture, in the same run, and report the ratios (make bench).
#
# A report, not a test: it exits 0 when a target is missed and non-zero
# only when a run fails (or wardwatch counts a different number of
# packets than the bare loop, which makes its figures meaningless).
#
# Environment (make bench passes the first four):
#   top_srcdir, top_builddir   source and build trees
#   BENCH_SIZE_MB   size of the generated capture in MB (300)
#   BENCH_FLOWS     flows in the generated capture (50000)
#   BENCH_REPEAT    runs of each command; the best is kept (1)
#   BENCH_PCAP      use this capture instead of generating one
#   BENCH_WW_ARGS   extra wardwatch arguments, e.g. "-c my.yaml"
#   WARDWATCH, BARECOUNT, RUNSTAT, PCAPGEN   override the binaries
# See tests/bench/README.md for how to read the output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
BARE="${BARECOUNT:-$top_builddir/tests/bench/barecount}"
RUNSTAT="${RUNSTAT:-$top_builddir/tests/bench/runstat}"
PCAPGEN="${PCAPGEN:-$top_builddir/pcaps/gen/pcapgen}"
size_mb="${BENCH_SIZE_MB:-300}"
flows="${BENCH_FLOWS:-50000}"
repeat="${BENCH_REPEAT:-1}"

die() {
	echo "bench: $*" >&2
	exit 1
}

for v in "BENCH_SIZE_MB=$size_mb" "BENCH_FLOWS=$flows" \
    "BENCH_REPEAT=$repeat"; do
	case ${v#*=} in
	'' | *[!0-9]* | 0 | 0*) die "${v%%=*} must be a positive integer," \
	    "not '${v#*=}'" ;;
	esac
done
for b in "$WW" "$BARE" "$RUNSTAT"; do
	[ -x "$b" ] || die "$b: not built (run make bench, or make it first)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wwbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# kv FILE KEY: a value from runstat's "runstat: key=value ..." line.
kv() {
	sed -n "s/^runstat:.* $2=\\([^ ]*\\).*/\\1/p" "$1" | tail -n 1
}

# --- The capture -------------------------------------------------------

if [ -n "$BENCH_PCAP" ]; then
	pcap=$BENCH_PCAP
	[ -r "$pcap" ] || die "BENCH_PCAP=$pcap: cannot read it"
	origin="given (BENCH_PCAP)"
else
	data="$top_builddir/tests/bench/data"
	pcap="$data/bench-$size_mb-$flows.pcap"
	if [ -s "$pcap" ]; then
		origin="reused from an earlier run"
	else
		[ -x "$PCAPGEN" ] || die "$PCAPGEN: not built; make" \
		    "pcaps/gen/pcapgen, or give BENCH_PCAP=file"
		mkdir -p "$data" || exit 1
		# Generate under a temporary name: a capture cut short by an
		# error or ^C must not be reused by the next run.
		part="$data/.part-$$-bench-$size_mb-$flows.pcap"
		echo "bench: generating $pcap ($size_mb MB, $flows flows)..."
		if ! "$RUNSTAT" -o "$tmp/gen.stat" "$PCAPGEN" bench "$part" \
		    --size-mb "$size_mb" --flows "$flows" >"$tmp/gen.out" \
		    2>&1 || [ ! -s "$part" ]; then
			sed 's/^/  | /' "$tmp/gen.out" >&2
			rm -f "$part"
			die "pcapgen failed; no capture"
		fi
		mv -f "$part" "$pcap" || exit 1
		origin="generated in $(kv "$tmp/gen.stat" wall | \
		    awk '{ printf "%.1f", $1 }') s"
	fi
fi
pcap_bytes=$(wc -c <"$pcap" | tr -d ' ')

# Read it once untimed so that every timed run finds it in the page
# cache: the first run must not pay for the disk.
cat "$pcap" >/dev/null || die "$pcap: cannot read it"

# --- The runs ----------------------------------------------------------
#
# The repetitions are interleaved (bare, 1, 2, bare, 1, 2, ...) so that
# a slow spell of the machine is shared out rather than landing on one
# run.

# problem MESSAGE: a failure or a wrong count; repeated under the table.
problem() {
	echo "bench: *** $*" >&2
	echo "bench: *** $*" >>"$tmp/problems"
}

failed=
run() {		# run NAME REP CMD...: one timed run; 0 if it succeeded
	name=$1 rep=$2
	shift 2
	"$RUNSTAT" -o "$tmp/$name.$rep.stat" "$@" >"$tmp/$name.$rep.out" \
	    2>"$tmp/$name.$rep.err"
	rc=$?
	if [ $rc -eq 0 ]; then
		return 0
	fi
	if [ $rc -gt 128 ] && [ $rc -lt 160 ]; then
		why="killed by signal $((rc - 128))"
	else
		why="exit status $rc"
	fi
	problem "RUN FAILED: $name ($why): $*"
	sed -n '1,20s/^/  | /p' "$tmp/$name.$rep.err" >&2
	rm -f "$tmp/$name.$rep.stat"
	failed="$failed $name"
	return 1
}

# wardwatch's own packet count, from "wardwatch: N packets, M bytes ...".
ww_count() {
	sed -n 's/^wardwatch: \([0-9]*\) packets, \([0-9]*\) bytes .*/\1 \2/p' \
	    "$1" | head -n 1
}

# The device inventory is fed by the application layer: off with it.
printf 'app-layer:\n  enabled: false\ndevices:\n  enabled: false\n' \
    >"$tmp/noapp.yaml"
printf 'devices:\n  enabled: false\n' >"$tmp/nodev.yaml"
mismatch=
rep=1
while [ $rep -le "$repeat" ]; do
	if ! run bare $rep "$BARE" "$pcap"; then
		die "the bare loop failed on $pcap; no baseline, nothing to" \
		    "compare against"
	fi
	counts=$(sed -n \
	    's/^barecount: \([0-9]*\) packets, \([0-9]*\) wire.*/\1 \2/p' \
	    "$tmp/bare.$rep.out")
	[ -n "$counts" ] || die "no count in barecount's output"
	packets=${counts% *} wire=${counts#* }
	[ "$packets" -gt 0 ] || die "$pcap holds no packets"

	for w in 1 2 app all; do
		case " $failed " in *" ww$w "*) continue ;; esac
		rm -rf "$tmp/log"
		mkdir "$tmp/log" || exit 1
		# ww1, ww2: decode, flows, streams and EVE flow records, the
		# application layer off; wwapp: one worker, the application
		# layer and nDPI on; wwall: also the device inventory.
		case $w in
		app) conf="$tmp/nodev.yaml" nw=1 ;;
		all) conf=/dev/null nw=1 ;;
		*) conf="$tmp/noapp.yaml" nw=$w ;;
		esac
		# shellcheck disable=SC2086 # BENCH_WW_ARGS is a word list
		run "ww$w" $rep "$WW" -r "$pcap" -l "$tmp/log" --workers $nw \
		    -c "$conf" $BENCH_WW_ARGS || continue
		counts=$(ww_count "$tmp/ww$w.$rep.out")
		n=${counts% *} bytes=${counts#* }
		if [ -z "$counts" ]; then
			problem "wardwatch --workers $w printed no" \
			    "'wardwatch: N packets, M bytes' summary"
			mismatch="$mismatch ww$w"
		elif [ "$n" != "$packets" ]; then
			problem "PACKET COUNT MISMATCH: wardwatch" \
			    "--workers $w counted $n packets, the bare loop" \
			    "$packets"
			mismatch="$mismatch ww$w"
		elif [ "$bytes" != "$wire" ]; then
			problem "BYTE COUNT MISMATCH: wardwatch" \
			    "--workers $w counted $bytes bytes, the bare loop" \
			    "$wire wire bytes"
			mismatch="$mismatch ww$w"
		fi
		# Keep the summary's flows line for the report.
		[ -s "$tmp/ww.flows" ] ||
		    sed -n 's/^  flows *//p' "$tmp/ww$w.$rep.out" | head -n 1 \
		    >"$tmp/ww.flows"
	done
	rep=$((rep + 1))
done

# best NAME: "wall cpu maxrss_kib" over the repetitions that succeeded:
# the lowest times (noise only ever adds time), the highest peak RSS.
best() {
	for f in "$tmp/$1".*.stat; do
		[ -f "$f" ] || continue
		echo "$(kv "$f" wall) $(kv "$f" cpu) $(kv "$f" maxrss_kib)"
	done | awk 'NR == 1 || $1 < w { w = $1 }
	    NR == 1 || $2 < c { c = $2 }
	    $3 > r { r = $3 }
	    END { if (NR) print w, c, r }'
}

# --- The report --------------------------------------------------------

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
wwver=$("$WW" -V 2>/dev/null | head -n 1)
echo
echo "wardwatch bench: $pcap"
awk -v b="$pcap_bytes" -v p="$packets" -v w="$wire" -v o="$origin" 'BEGIN {
	printf "  capture   %.1f MiB on disk, %s; %d packets, %.1f MiB" \
	    " on the wire, %.0f bytes/packet\n", b / 1048576, o, p,
	    w / 1048576, w / p
}'
seen=$(cat "$tmp/ww.flows" 2>/dev/null)
seen="wardwatch saw ${seen:-(no summary)}"
if [ -n "$BENCH_PCAP" ]; then
	echo "  flows     (given capture); $seen"
else
	echo "  flows     $flows requested; $seen"
fi
echo "  machine   $ncpu CPUs, $(uname -sm); $wwver"
echo "  runs      best of $repeat (BENCH_REPEAT)"
echo

bare_best=$(best bare)
{
	echo "bare libpcap loop|$packets|$bare_best"
	for w in 1 2 app all; do
		case $w in
		app) label="... + app layer, 1" ;;
		all) label="... + devices, 1" ;;
		*) label="wardwatch --workers $w" ;;
		esac
		case " $failed " in
		*" ww$w "*) echo "$label|FAILED|"; continue ;;
		esac
		n=$(ww_count "$tmp/ww$w.1.out" | cut -d' ' -f1)
		case " $mismatch " in *" ww$w "*) n="${n:-?}!" ;; esac
		echo "$label|$n|$(best "ww$w")"
	done
} | awk -F'|' -v truth="$packets" -v wire="$wire" -v bare="$bare_best" '
BEGIN {
	split(bare, b, " ")
	bare_pps = b[2] > 0 ? truth / b[2] : 0
	printf "%-22s %10s %8s %8s %12s %7s %8s %8s\n", "run", "packets",
	    "wall s", "CPU s", "pkts/CPU-s", "Gbit/s", "RSS MiB", "vs bare"
}
{
	if ($2 == "FAILED") {
		printf "%-22s %10s\n", $1, "FAILED"
		next
	}
	split($3, s, " ")
	pps = s[2] > 0 ? truth / s[2] : 0
	gbps = s[1] > 0 ? wire * 8 / s[1] / 1e9 : 0
	ratio = bare_pps > 0 ? 100 * pps / bare_pps : 0
	printf "%-22s %10s %8.3f %8.3f %12.0f %7.2f %8.1f %7.1f%%\n", $1, $2,
	    s[1], s[2], pps, gbps, s[3] / 1024, ratio
}'
echo

# The targets.  Efficiency is judged on the 1-worker run: it is the one
# whose CPU time is not inflated by hand-over between threads.  A run
# that counted the wrong number of packets cannot pass anything.
w1=$(best ww1)
w2=$(best ww2)
wa=$(best wwapp)
t1="target packets/CPU-s >= 25% of bare loop (no app layer)"
t3="target packets/CPU-s >= 12% of bare loop (app layer and nDPI on)"
t2="target 2 workers faster than 1 in wall time"
case " $mismatch " in
*" ww1 "*) echo "$t1: INVALID (wrong packet count)" ;;
*)
	if [ -z "$w1" ]; then
		echo "$t1: FAILED (the 1-worker run failed)"
	else
		awk -v t="$t1" -v bare="$bare_best" -v w1="$w1" 'BEGIN {
			split(bare, b, " "); split(w1, s, " ")
			r = s[2] > 0 ? 100 * b[2] / s[2] : 0
			v = r >= 25 ? "PASS" : "MISS"
			printf "%s: %s (%.1f%%)\n", t, v, r
		}'
	fi
	;;
esac
case " $mismatch " in
*" wwapp "*) echo "$t3: INVALID (wrong packet count)" ;;
*)
	if [ -z "$wa" ]; then
		echo "$t3: FAILED (the run failed)"
	else
		awk -v t="$t3" -v bare="$bare_best" -v wa="$wa" 'BEGIN {
			split(bare, b, " "); split(wa, s, " ")
			r = s[2] > 0 ? 100 * b[2] / s[2] : 0
			v = r >= 12 ? "PASS" : "MISS"
			printf "%s: %s (%.1f%%)\n", t, v, r
		}'
	fi
	;;
esac
if [ -n "$mismatch" ]; then
	echo "$t2: INVALID (wrong packet count)"
elif [ -z "$w1" ] || [ -z "$w2" ]; then
	echo "$t2: FAILED (a run failed)"
else
	awk -v t="$t2" -v w1="$w1" -v w2="$w2" 'BEGIN {
		split(w1, a, " "); split(w2, b, " ")
		v = b[1] < a[1] ? "PASS" : "MISS"
		printf "%s: %s (%.2f s vs %.2f s)\n", t, v, b[1], a[1]
	}'
fi

if [ -s "$tmp/problems" ]; then
	echo
	cat "$tmp/problems"
	exit 1
fi
exit 0
