#!/bin/sh
# run-bench.sh - time wardwatch -r against a bare libpcap read loop on
# the same captures, in the same run, and report the ratios (make bench).
#
# A report, not a test: it exits 0 when a target is missed and non-zero
# only when a run fails (or wardwatch counts a different number of
# packets than the bare loop, which makes its figures meaningless).
#
# Environment (make bench passes the first ones):
#   top_srcdir, top_builddir   source and build trees
#   BENCH_SIZE_MB   size of the mixed capture in MB (300)
#   BENCH_FLOWS     flows in the mixed capture (50000)
#   BENCH_HOSP_SIZE_MB, BENCH_HOSP_FLOWS, BENCH_DEVICES
#                   size, sessions and devices of the hospital capture
#                   (300, 20000, 5000)
#   BENCH_SCENARIOS the captures to run, in order ("bench hospital")
#   BENCH_REPEAT    runs of each command; the best is kept (1)
#   BENCH_PCAP      use this capture instead of generating any
#   BENCH_WW_ARGS   extra wardwatch arguments, e.g. "-c my.yaml"
#   BENCH_COMPARE   another wardwatch binary (an older build) to run
#                   beside this one, interleaved, in the same table
#   BENCH_PEERS     1: also run Suricata and ndpiReader when installed
#   BENCH_RULES     a large rule feed (an ET Open download, say): a run
#                   with it (-S FILE, cached databases) beside the run
#                   without rules, and its compile and cached start-up
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
hsize_mb="${BENCH_HOSP_SIZE_MB:-300}"
hflows="${BENCH_HOSP_FLOWS:-20000}"
devices="${BENCH_DEVICES:-5000}"
repeat="${BENCH_REPEAT:-1}"
scenarios="${BENCH_SCENARIOS:-bench hospital}"

die() {
	echo "bench: $*" >&2
	exit 1
}

for v in "BENCH_SIZE_MB=$size_mb" "BENCH_FLOWS=$flows" \
    "BENCH_HOSP_SIZE_MB=$hsize_mb" "BENCH_HOSP_FLOWS=$hflows" \
    "BENCH_DEVICES=$devices" "BENCH_REPEAT=$repeat"; do
	case ${v#*=} in
	'' | *[!0-9]* | 0 | 0*) die "${v%%=*} must be a positive integer," \
	    "not '${v#*=}'" ;;
	esac
done
for sc in $scenarios; do
	case $sc in
	bench | hospital) ;;
	*) die "BENCH_SCENARIOS: unknown scenario '$sc' (bench, hospital)" ;;
	esac
done
[ -n "$BENCH_PCAP" ] && scenarios=given
[ -n "$scenarios" ] || die "BENCH_SCENARIOS is empty"
for b in "$WW" "$BARE" "$RUNSTAT"; do
	[ -x "$b" ] || die "$b: not built (run make bench, or make it first)"
done
if [ -n "$BENCH_RULES" ] && [ ! -r "$BENCH_RULES" ]; then
	die "BENCH_RULES=$BENCH_RULES: cannot read it"
fi
if [ -n "$BENCH_COMPARE" ] && [ ! -x "$BENCH_COMPARE" ]; then
	die "BENCH_COMPARE=$BENCH_COMPARE: not an executable"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wwbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# kv FILE KEY: a value from runstat's "runstat: key=value ..." line.
kv() {
	sed -n "s/^runstat:.* $2=\\([^ ]*\\).*/\\1/p" "$1" | tail -n 1
}

# problem MESSAGE: a failure or a wrong count; repeated at the end.
problem() {
	echo "bench: *** $*" >&2
	echo "bench: *** $*" >>"$tmp/problems"
}

# The peers, when asked for and installed.
peers=
if [ "${BENCH_PEERS:-0}" = 1 ]; then
	if command -v suricata >/dev/null 2>&1; then
		peers="$peers suricata"
	else
		echo "bench: suricata not installed; no Suricata row"
	fi
	if command -v ndpiReader >/dev/null 2>&1; then
		peers="$peers ndpi"
	else
		echo "bench: ndpiReader not installed; no nDPI row"
	fi
fi

# --- The captures ------------------------------------------------------

# capture SCENARIO: set pcap and origin, generating the file if needed.
capture() {
	if [ "$1" = given ]; then
		pcap=$BENCH_PCAP
		[ -r "$pcap" ] || die "BENCH_PCAP=$pcap: cannot read it"
		origin="given (BENCH_PCAP)"
		return
	fi
	if [ "$1" = hospital ]; then
		name="hospital-$hsize_mb-$hflows-$devices"
		set -- hospital --size-mb "$hsize_mb" --flows "$hflows" \
		    --devices "$devices"
	else
		name="bench-$size_mb-$flows"
		set -- bench --size-mb "$size_mb" --flows "$flows"
	fi
	data="$top_builddir/tests/bench/data"
	pcap="$data/$name.pcap"
	if [ -s "$pcap" ]; then
		origin="reused from an earlier run"
		return
	fi
	[ -x "$PCAPGEN" ] || die "$PCAPGEN: not built; make" \
	    "pcaps/gen/pcapgen, or give BENCH_PCAP=file"
	mkdir -p "$data" || exit 1
	# Generate under a temporary name: a capture cut short by an
	# error or ^C must not be reused by the next run.
	part="$data/.part-$$-$name.pcap"
	echo "bench: generating $pcap ($*)..."
	gsc=$1
	shift
	if ! "$RUNSTAT" -o "$tmp/gen.stat" "$PCAPGEN" "$gsc" "$part" "$@" \
	    >"$tmp/gen.out" 2>&1 || [ ! -s "$part" ]; then
		sed 's/^/  | /' "$tmp/gen.out" >&2
		rm -f "$part"
		die "pcapgen failed; no capture"
	fi
	mv -f "$part" "$pcap" || exit 1
	origin="generated in $(kv "$tmp/gen.stat" wall | \
	    awk '{ printf "%.1f", $1 }') s"
}

# --- The runs ----------------------------------------------------------
#
# The repetitions are interleaved (bare, 1, 2, app, all, bare, 1, ...)
# so that a slow spell of the machine is shared out rather than landing
# on one run.  Files are $tmp/SCENARIO-RUN.REP.{stat,out,err,rec}.

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

# Records written: the summary's "output FILE: N records", else the
# lines of eve.json.
ww_records() {
	n=$(sed -n 's/^  output .*: \([0-9]*\) records.*/\1/p' "$1" |
	    head -n 1)
	if [ -z "$n" ] && [ -f "$2/eve.json" ]; then
		n=$(wc -l <"$2/eve.json" | tr -d ' ')
	fi
	echo "$n"
}

# The device inventory is fed by the application layer: off with it.
printf 'app-layer:\n  enabled: false\ndevices:\n  enabled: false\n' \
    >"$tmp/noapp.yaml"
printf 'devices:\n  enabled: false\n' >"$tmp/nodev.yaml"
# The rule engine's cost: the app layer run (shipped rules) against the
# same without rules, and with a large feed when BENCH_RULES names one.
printf 'devices:\n  enabled: false\ndetect:\n  enabled: false\n' \
    >"$tmp/norules.yaml"
# The same configuration for both binaries: only the code differs.
wwruns="ww1 ww2 wwapp wwall wwnorule"
[ -n "$BENCH_RULES" ] && wwruns="$wwruns wwfeed"
[ -n "$BENCH_COMPARE" ] && wwruns="$wwruns cmp1 cmp2 cmpapp cmpall"

# ww_run SC RUN REP: one wardwatch run and its counts.
ww_run() {
	sc=$1 r=$2 rep=$3
	bin=$WW
	case $r in cmp*) bin=$BENCH_COMPARE ;; esac
	set --
	case $r in
	*app) conf="$tmp/nodev.yaml" nw=1 ;;
	*all) conf=/dev/null nw=1 ;;
	*norule) conf="$tmp/norules.yaml" nw=1 ;;
	# the feed's databases come from the cache start_up() filled
	*feed) conf="$tmp/nodev.yaml" nw=1
		set -- -S "$BENCH_RULES" --state "$tmp/feedstate/wardwatch.db" ;;
	*1) conf="$tmp/noapp.yaml" nw=1 ;;
	*2) conf="$tmp/noapp.yaml" nw=2 ;;
	esac
	rm -rf "$tmp/log"
	mkdir "$tmp/log" || exit 1
	# shellcheck disable=SC2086 # BENCH_WW_ARGS is a word list
	run "$sc-$r" "$rep" "$bin" -r "$pcap" -l "$tmp/log" --workers $nw \
	    -c "$conf" "$@" $BENCH_WW_ARGS || return
	out="$tmp/$sc-$r.$rep.out"
	ww_records "$out" "$tmp/log" >"$tmp/$sc-$r.$rep.rec"
	counts=$(ww_count "$out")
	n=${counts% *} bytes=${counts#* }
	if [ -z "$counts" ]; then
		problem "$sc: $r printed no 'wardwatch: N packets, M bytes'" \
		    "summary"
		mismatch="$mismatch $sc-$r"
	elif [ "$n" != "$packets" ]; then
		problem "$sc: PACKET COUNT MISMATCH: $r counted $n packets," \
		    "the bare loop $packets"
		mismatch="$mismatch $sc-$r"
	elif [ "$bytes" != "$wire" ]; then
		problem "$sc: BYTE COUNT MISMATCH: $r counted $bytes bytes," \
		    "the bare loop $wire wire bytes"
		mismatch="$mismatch $sc-$r"
	fi
	# Keep the summary's flows line for the report.
	[ -s "$tmp/$sc.flows" ] ||
	    sed -n 's/^  flows *//p' "$out" | head -n 1 >"$tmp/$sc.flows"
}

# peer_run SC NAME REP: Suricata with EVE and no rules, or ndpiReader.
peer_run() {
	sc=$1 r=$2 rep=$3
	rm -rf "$tmp/log"
	mkdir "$tmp/log" || exit 1
	if [ "$r" = suricata ]; then
		run "$sc-$r" "$rep" suricata -r "$pcap" -k none -l "$tmp/log" \
		    -S /dev/null || return
		wc -l <"$tmp/log/eve.json" 2>/dev/null | tr -d ' ' \
		    >"$tmp/$sc-$r.$rep.rec"
	else
		run "$sc-$r" "$rep" ndpiReader -q -i "$pcap" || return
		: >"$tmp/$sc-$r.$rep.rec"
	fi
}

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

# spread NAME: how far the slowest CPU time was above the fastest, %.
spread() {
	for f in "$tmp/$1".*.stat; do
		[ -f "$f" ] && kv "$f" cpu
	done | awk 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 }
	    END { if (NR > 1 && lo > 0) printf "%.0f", 100 * (hi - lo) / lo }'
}

label() {
	case $1 in
	ww1) echo "wardwatch --workers 1" ;;
	ww2) echo "wardwatch --workers 2" ;;
	wwapp) echo "... + app layer, 1" ;;
	wwall) echo "... + devices, 1" ;;
	wwnorule) echo "... app, rules off, 1" ;;
	wwfeed) echo "... app, feed rules, 1" ;;
	cmp1) echo "compare --workers 1" ;;
	cmp2) echo "compare --workers 2" ;;
	cmpapp) echo "compare + app, 1" ;;
	cmpall) echo "compare + devices, 1" ;;
	suricata) echo "suricata -k none" ;;
	ndpi) echo "ndpiReader" ;;
	esac
}

# report SC: the table and the targets of one capture.
report() {
	sc=$1
	ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
	wwver=$("$WW" -V 2>/dev/null | head -n 1)
	echo
	echo "wardwatch bench: $sc: $pcap"
	awk -v b="$pcap_bytes" -v p="$packets" -v w="$wire" -v o="$origin" \
	    'BEGIN {
		printf "  capture   %.1f MiB on disk, %s; %d packets," \
		    " %.1f MiB on the wire, %.0f bytes/packet\n",
		    b / 1048576, o, p,
		    w / 1048576, w / p
	}'
	seen=$(cat "$tmp/$sc.flows" 2>/dev/null)
	seen="wardwatch saw ${seen:-(no summary)}"
	case $sc in
	given) echo "  flows     (given capture); $seen" ;;
	hospital) echo "  flows     $hflows sessions of $devices devices" \
	    "requested; $seen" ;;
	*) echo "  flows     $flows requested; $seen" ;;
	esac
	echo "  machine   $ncpu CPUs, $(uname -sm); $wwver"
	[ -n "$BENCH_COMPARE" ] && echo "  compare   $BENCH_COMPARE:" \
	    "$("$BENCH_COMPARE" -V 2>/dev/null | head -n 1)"
	echo "  runs      best of $repeat (BENCH_REPEAT)"
	echo

	bare_best=$(best "$sc-bare")
	{
		echo "bare libpcap loop|$packets|$bare_best||$(spread \
		    "$sc-bare")"
		for r in $wwruns $peers; do
			case " $failed " in
			*" $sc-$r "*) echo "$(label "$r")|FAILED|"; continue ;;
			esac
			case $r in
			suricata | ndpi) n=- ;;
			*) n=$(ww_count "$tmp/$sc-$r.1.out" | cut -d' ' -f1) ;;
			esac
			case " $mismatch " in
			*" $sc-$r "*) n="${n:-?}!" ;;
			esac
			rec=$(cat "$tmp/$sc-$r.1.rec" 2>/dev/null)
			sp=$(spread "$sc-$r")
			echo "$(label "$r")|$n|$(best "$sc-$r")|${rec:--}|$sp"
		done
	} | awk -F'|' -v truth="$packets" -v wire="$wire" \
	    -v bare="$bare_best" '
	BEGIN {
		split(bare, b, " ")
		bare_pps = b[2] > 0 ? truth / b[2] : 0
		printf "%-22s %10s %7s %7s %11s %6s %7s %7s %8s %6s %6s\n",
		    "run", "packets", "wall s", "CPU s", "pkts/CPU-s", "Gbit/s",
		    "RSS MiB", "vs bare", "records", "us/rec", "spread"
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
		usrec = $4 > 0 ? sprintf("%.2f", s[2] * 1e6 / $4) : "-"
		spr = $5 != "" ? $5 "%" : "-"
		printf "%-22s %10s %7.3f %7.3f %11.0f %6.2f %7.1f %6.1f%% %8s" \
		    " %6s %6s\n", $1, $2, s[1], s[2], pps, gbps, s[3] / 1024,
		    ratio, $4 == "" ? "-" : $4, usrec, spr
	}'

	# The inventory's share: devices on against devices.enabled: false.
	for p in ww cmp; do
		[ "$p" = cmp ] && [ -z "$BENCH_COMPARE" ] && continue
		a=$(best "$sc-${p}all")
		b=$(best "$sc-${p}app")
		if [ -z "$a" ] || [ -z "$b" ]; then
			continue
		fi
		awk -v a="$a" -v b="$b" -v who="$p" 'BEGIN {
			split(a, x, " "); split(b, y, " ")
			if (x[2] <= 0)
				exit
			printf "  inventory %s%.1f%% of the CPU time with" \
			    " devices on (%.3f s on, %.3f s with" \
			    " devices.enabled: false)\n",
			    who == "cmp" ? "(compare) " : "",
			    100 * (x[2] - y[2]) / x[2], x[2], y[2]
		}'
	done
	echo

	# The targets.  Efficiency is judged on the 1-worker run: it is
	# the one whose CPU time is not inflated by hand-over between
	# threads.  A run that counted the wrong packets passes nothing.
	w1=$(best "$sc-ww1")
	w2=$(best "$sc-ww2")
	wa=$(best "$sc-wwapp")
	t1="target packets/CPU-s >= 25% of bare loop (no app layer)"
	t3="target packets/CPU-s >= 12% of bare loop (app layer and nDPI on)"
	t2="target 2 workers faster than 1 in wall time"
	target_eff "$t1" ww1 "$w1" 25
	target_eff "$t3" wwapp "$wa" 12
	# The rules' cost: against the run without rules, not the bare loop.
	rules_ratio "rules: shipped set (app layer run) vs rules off" wwapp \
	    ""
	[ -n "$BENCH_RULES" ] && rules_ratio "target packets/CPU-s with\
 BENCH_RULES >= 60% of rules off" wwfeed 60
	case " $mismatch " in
	*" $sc-ww1 "* | *" $sc-ww2 "*)
		echo "$t2: INVALID (wrong packet count)" ;;
	*)
		if [ -z "$w1" ] || [ -z "$w2" ]; then
			echo "$t2: FAILED (a run failed)"
		else
			awk -v t="$t2" -v w1="$w1" -v w2="$w2" 'BEGIN {
				split(w1, a, " "); split(w2, b, " ")
				v = b[1] < a[1] ? "PASS" : "MISS"
				printf "%s: %s (%.2f s vs %.2f s)\n", t, v,
				    b[1], a[1]
			}'
		fi
		;;
	esac
}

# rules_ratio TEXT RUN [PERCENT]: a run's packets per CPU-second against
# the run without rules of the same capture, and its alerts.
rules_ratio() {
	case " $mismatch " in
	*" $sc-$2 "* | *" $sc-wwnorule "*)
		echo "$1: INVALID (wrong packet count)"; return ;;
	esac
	a=$(best "$sc-$2")
	b=$(best "$sc-wwnorule")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "$1: FAILED (a run failed)"
		return
	fi
	al=$(sed -n 's/^  alerts *\([0-9]*\).*/\1/p' "$tmp/$sc-$2.1.out" |
	    head -n 1)
	awk -v t="$1" -v a="$a" -v b="$b" -v min="$3" -v al="${al:-?}" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		r = x[2] > 0 ? 100 * y[2] / x[2] : 0
		v = min == "" ? "" : (r >= min ? "PASS " : "MISS ")
		printf "%s: %s(%.1f%%; %.3f s vs %.3f s; %s alerts)\n", t, v,
		    r, x[2], y[2], al
	}'
}

# target_eff TEXT RUN BEST PERCENT
target_eff() {
	case " $mismatch " in
	*" $sc-$2 "*) echo "$1: INVALID (wrong packet count)"; return ;;
	esac
	if [ -z "$3" ]; then
		echo "$1: FAILED (the run failed)"
		return
	fi
	awk -v t="$1" -v bare="$bare_best" -v w="$3" -v min="$4" 'BEGIN {
		split(bare, b, " "); split(w, s, " ")
		r = s[2] > 0 ? 100 * b[2] / s[2] : 0
		v = r >= min ? "PASS" : "MISS"
		printf "%s: %s (%.1f%%)\n", t, v, r
	}'
}

# start_up: what loading rules costs before the first packet, on a
# capture without packets: rules off, the shipped set, and the feed
# compiled (fresh state directory) and then from its cache.
start_up() {
	printf '\324\303\262\241\002\000\004\000\000\000\000\000' \
	    >"$tmp/empty.pcap"
	printf '\000\000\000\000\377\377\000\000\001\000\000\000' \
	    >>"$tmp/empty.pcap"
	suruns="st-off st-ship"
	[ -n "$BENCH_RULES" ] && suruns="$suruns st-cold st-warm"
	rep=1
	while [ $rep -le "$repeat" ]; do
		for r in $suruns; do
			# the feed's cache stays in feedstate/ for the
			# runs on the captures; the rest start afresh
			state="$tmp/log/wardwatch.db"
			set --
			conf="$tmp/nodev.yaml"
			case $r in
			st-off) conf="$tmp/norules.yaml" ;;
			st-cold) rm -rf "$tmp/feedstate"
				state="$tmp/feedstate/wardwatch.db"
				set -- -S "$BENCH_RULES" ;;
			st-warm) state="$tmp/feedstate/wardwatch.db"
				set -- -S "$BENCH_RULES" ;;
			esac
			rm -rf "$tmp/log"
			mkdir -p "$tmp/log" "$tmp/feedstate" || exit 1
			run "$r" "$rep" "$WW" -r "$tmp/empty.pcap" -l "$tmp/log" \
			    --workers 1 -c "$conf" --state "$state" "$@" ||
			    continue
		done
		rep=$((rep + 1))
	done
	echo
	echo "wardwatch bench: start-up, a capture without packets," \
	    "best of $repeat"
	printf '%-34s %7s %7s %7s\n' run "wall s" "CPU s" "RSS MiB"
	for r in $suruns; do
		case $r in
		st-off) l="rules off" ;;
		st-ship) l="shipped rules" ;;
		st-cold) l="BENCH_RULES, compiled" ;;
		st-warm) l="BENCH_RULES, from the cache" ;;
		esac
		b=$(best "$r")
		if [ -z "$b" ]; then
			printf '%-34s FAILED\n' "$l"
			continue
		fi
		echo "$l $b" | awk '{ n = NF; l = $1; for (i = 2; i <= n - 3; i++)
		    l = l " " $i; printf "%-34s %7.3f %7.3f %7.1f\n", l,
		    $(n - 2), $(n - 1), $n / 1024 }'
	done
	if [ -n "$BENCH_RULES" ]; then
		sed -n 's/^\(rules: .*\)/  BENCH_RULES: \1/p' \
		    "$tmp/st-cold.1.out" | head -n 1
		awk -v o="$(best st-off)" -v c="$(best st-cold)" \
		    -v w="$(best st-warm)" 'BEGIN {
			split(o, x, " "); split(c, y, " "); split(w, z, " ")
			printf "  rule compile %.3f s CPU (compiled - rules off);" \
			    " cached start-up %.3f s wall, %.3f s CPU\n",
			    y[2] - x[2], z[1], z[2]
		}'
	fi
}
start_up

mismatch=
for sc in $scenarios; do
	capture "$sc"
	pcap_bytes=$(wc -c <"$pcap" | tr -d ' ')
	# Read it once untimed so that every timed run finds it in the
	# page cache: the first run must not pay for the disk.
	cat "$pcap" >/dev/null || die "$pcap: cannot read it"
	rep=1
	while [ $rep -le "$repeat" ]; do
		if ! run "$sc-bare" $rep "$BARE" "$pcap"; then
			die "the bare loop failed on $pcap; no baseline," \
			    "nothing to compare against"
		fi
		counts=$(sed -n \
		    's/^barecount: \([0-9]*\) packets, \([0-9]*\) wire.*/\1 \2/p' \
		    "$tmp/$sc-bare.$rep.out")
		[ -n "$counts" ] || die "no count in barecount's output"
		packets=${counts% *} wire=${counts#* }
		[ "$packets" -gt 0 ] || die "$pcap holds no packets"
		for r in $wwruns; do
			case " $failed " in *" $sc-$r "*) continue ;; esac
			ww_run "$sc" "$r" "$rep"
		done
		for r in $peers; do
			case " $failed " in *" $sc-$r "*) continue ;; esac
			peer_run "$sc" "$r" "$rep"
		done
		rep=$((rep + 1))
	done
	report "$sc"
done

if [ -s "$tmp/problems" ]; then
	echo
	cat "$tmp/problems"
	exit 1
fi
exit 0
