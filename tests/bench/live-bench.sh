#!/bin/sh
# live-bench.sh - live capture speed (make bench-live): the sensor on
# one end of a veth pair in a network namespace this script creates,
# tcpreplay of the mixed bench capture on the other end at increasing
# rates; each rate is a run of its own, and the report is the highest
# rate at which the kernel dropped nothing, for the single reader (one
# capture thread hands packets to the workers) and for fan-out (each
# worker reads its own PACKET_FANOUT socket, --fanout), one after the
# other.
#
# A report, not a test: run by hand, as root; it exits 0 when the
# target is missed and non-zero only when it cannot run.
#
# Environment (make bench-live passes them):
#   top_srcdir, top_builddir   source and build trees
#   LIVE_SIZE_MB    size of the mixed capture in MB (100)
#   LIVE_FLOWS      flows in it (20000)
#   LIVE_RATES      Mbit/s to try, in order ("100 250 500 750 1000
#                   1500 2000 max"; max: as fast as tcpreplay can); the
#                   runs stop after the second rate with drops
#   LIVE_WORKERS    --workers (default: the configuration's, cores)
#   LIVE_MODES      "single fanout" (default), or one of them
#   LIVE_ARGS       more wardwatch arguments ("-c my.yaml")
#   LIVE_PCAP       replay this capture instead of generating one
#   WARDWATCH, PCAPGEN   override the binaries

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
WW=$(cd "$(dirname "$WW")" && pwd)/$(basename "$WW")
PCAPGEN="${PCAPGEN:-$top_builddir/pcaps/gen/pcapgen}"
size_mb="${LIVE_SIZE_MB:-100}"
flows="${LIVE_FLOWS:-20000}"
rates="${LIVE_RATES:-100 250 500 750 1000 1500 2000 max}"
modes="${LIVE_MODES:-single fanout}"

die() {
	echo "bench-live: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (a network namespace, a veth)"
for t in ip tcpreplay jq; do
	command -v $t >/dev/null 2>&1 || die "$t is not installed"
done
for m in $modes; do
	case $m in
	single | fanout) ;;
	*) die "LIVE_MODES: '$m' is not single or fanout" ;;
	esac
done
for r in $rates; do
	case $r in
	max) ;;
	'' | *[!0-9]* | 0*) die "LIVE_RATES: '$r' is not a rate in Mbit/s" ;;
	esac
done

if [ -n "$LIVE_PCAP" ]; then
	pcap=$LIVE_PCAP
	[ -r "$pcap" ] || die "$pcap: cannot read"
else
	data="$top_builddir/tests/bench/data"
	pcap="$data/live-$size_mb-$flows.pcap"
	if [ ! -s "$pcap" ]; then
		[ -x "$PCAPGEN" ] || die "$PCAPGEN: not built; make" \
		    "pcaps/gen/pcapgen, or give LIVE_PCAP=file"
		mkdir -p "$data" || exit 1
		echo "bench-live: generating $pcap ..."
		"$PCAPGEN" bench "$pcap.part" --size-mb "$size_mb" \
		    --flows "$flows" >/dev/null || die "pcapgen failed"
		mv "$pcap.part" "$pcap" || exit 1
	fi
fi

ns="wwbl$$"
ip netns add "$ns" || die "cannot create a network namespace"
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
nsx() {
	ip netns exec "$ns" "$@"
}
# Each thread's name and CPU ticks (the capture thread is "wardwatch").
threads() {
	for t in /proc/"$1"/task/*/stat; do
		sed 's/^[0-9]* (\(.*\)) \(.*\)/\1 \2/' "$t" 2>/dev/null |
		    awk '{ print $1, $13 + $14 }'
	done | sort
}
nsx ip link add wwa type veth peer name wwb || die "cannot create a veth"
for dev in wwa wwb; do
	nsx sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	nsx ip link set "$dev" mtu 9000 up
done

# The capture's own figures, once.
npkts=$(capinfos -c -M "$pcap" 2>/dev/null |
    awk '/Number of packets/ { print $NF }')
echo "bench-live: $pcap${npkts:+ ($npkts packets)}, $(nproc) cores," \
    "wardwatch ${LIVE_WORKERS:+--workers $LIVE_WORKERS }$LIVE_ARGS"
echo "bench-live: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
summary=
for mode in $modes; do
fo=
[ "$mode" = fanout ] && fo=--fanout
echo "bench-live: $mode reader${fo:+ ($fo)}"
printf '%8s %9s %10s %10s %9s %8s %6s\n' "target" "achieved" "sent" \
    "captured" "k.drops" "ifdrops" "cpu%"
best=0
bad=0
for r in $rates; do
	d="$tmp/$mode-r$r"
	mkdir -p "$d"
	chown nobody "$d" 2>/dev/null
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$WW" -i wwb -l "$d" --state "$d/w.db" \
	    --user nobody ${LIVE_WORKERS:+--workers $LIVE_WORKERS} $fo \
	    $LIVE_ARGS -v >"$d/out" 2>&1 &
	pid=$!
	n=0
	while ! grep -q 'listening on' "$d/out" 2>/dev/null &&
	    [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q 'listening on' "$d/out" || {
		sed 's/^/  /' "$d/out" >&2
		die "wardwatch did not start"
	}
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	threads "$pid" >"$d/th0"
	# From memory: the disk is not what is measured.
	if [ "$r" = max ]; then
		nsx tcpreplay -i wwa --preload-pcap --topspeed "$pcap" \
		    >"$d/replay" 2>&1
	else
		nsx tcpreplay -i wwa --preload-pcap --mbps "$r" "$pcap" \
		    >"$d/replay" 2>&1
	fi
	sleep 2
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	threads "$pid" >"$d/th1"
	kill -TERM "$pid"
	wait "$pid"
	pid=
	sent=$(awk '/Successful packets:/ { print $3 }' "$d/replay")
	rate=$(sed -n 's/.*Rated: .*, \([0-9.]*\) Mbps.*/\1/p' "$d/replay" |
	    head -1)
	jq -r 'select(.event_type == "stats") | .stats.capture |
	    "\(.kernel_packets) \(.kernel_drops) \(.kernel_ifdrops)"' \
	    "$d/eve.json" | tail -1 >"$d/cap"
	read -r got drops ifdrops <"$d/cap"
	secs=$(sed -n 's/.*Actual: .* packets (.* bytes) sent in \([0-9.]*\) seconds.*/\1/p' \
	    "$d/replay" | head -1)
	cpu=$(awk -v a="$t0" -v b="$t1" -v s="${secs:-0}" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { if (s + 2 > 0) printf "%.0f", 100 * (b - a) / hz / (s + 2) }')
	printf '%8s %9s %10s %10s %9s %8s %6s\n' "$r" "${rate:-?}" \
	    "${sent:-?}" "${got:-?}" "${drops:-?}" "${ifdrops:-?}" "$cpu"
	# Where the time went: which thread is the one to spread out.
	join "$d/th0" "$d/th1" 2>/dev/null | awk -v s="${secs:-0}" \
	    -v hz="$(getconf CLK_TCK)" '{ t[$1] += $3 - $2 }
	    END { printf "%9s", "threads:"; for (k in t)
	        printf " %s %.0f%%", k, 100 * t[k] / hz / (s + 2);
	        printf "\n" }'
	if [ "${drops:-1}" -eq 0 ] && [ "${ifdrops:-1}" -eq 0 ] &&
	    [ "${got:-0}" -ge "${sent:-1}" ]; then
		best=$(awk -v a="$best" -v b="${rate:-0}" \
		    'BEGIN { print (b > a ? b : a) }')
	else
		bad=$((bad + 1))
		[ $bad -ge 2 ] && break
	fi
done
summary="$summary
bench-live: $mode reader: highest rate reached with no kernel drop: ${best} Mbit/s"
done
echo "bench-live: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$summary" | sed 1d
echo "bench-live: target: 1000 Mbit/s of the mixed capture with" \
    "everything on; the achieved column is what tcpreplay managed"
exit 0
