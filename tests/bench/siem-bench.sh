#!/bin/sh
# siem-bench.sh - what the SIEM outputs cost: packets per CPU-second of
# wardwatch -r with the EVE file alone, then with syslog over TCP
# (rsyslog on loopback), syslog over RELP (rsyslog's imrelp; when
# wardwatch has librelp and rsyslog-relp is installed), Redis (a list on
# a local redis-server), and syslog and Redis together.  A report, like make bench (tests/bench/README.md): the
# collectors' own CPU time is not counted, the delivery threads' is.
#
#   make bench-siem [BENCH_PCAP=file] [BENCH_REPEAT=n]
#
# Without BENCH_PCAP, a hospital capture of 60 MB is generated.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
RUNSTAT="${RUNSTAT:-$top_builddir/tests/bench/runstat}"
REPEAT="${BENCH_REPEAT:-3}"
tmp=$(mktemp -d) || exit 1
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

PCAP="$BENCH_PCAP"
if [ -z "$PCAP" ]; then
	PCAP="$top_builddir/tests/bench/data/siem-hospital-60.pcap"
	mkdir -p "$(dirname "$PCAP")"
	[ -f "$PCAP" ] || "$top_builddir/pcaps/gen/pcapgen" hospital "$PCAP" \
	    --size-mb 60 --flows 4000 --devices 1000 >/dev/null || exit 1
fi
RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd 2>/dev/null)
REDIS=$(command -v redis-server)
if [ -z "$RSYSLOGD" ] || [ -z "$REDIS" ]; then
	echo "siem-bench: needs rsyslog and redis-server" >&2
	exit 1
fi
sp=$((30000 + $$ % 10000))
rp=$((sp + 1))
lp=$((sp + 2))
relp=
grep -q '^#define HAVE_LIBRELP 1' "$top_builddir/config.h" 2>/dev/null &&
    ls /usr/lib/*/rsyslog/imrelp.so >/dev/null 2>&1 && relp=relp
mkdir -p "$tmp/rs"
cat >"$tmp/rs/rs.conf" <<CONF
global(workDirectory="$tmp/rs" maxMessageSize="1m")
module(load="imtcp")
input(type="imtcp" port="$sp" ruleset="r")
ruleset(name="r") { action(type="omfile" file="/dev/null") }
CONF
[ -n "$relp" ] && cat >>"$tmp/rs/rs.conf" <<CONF
module(load="imrelp")
input(type="imrelp" port="$lp" ruleset="r")
CONF
"$RSYSLOGD" -n -f "$tmp/rs/rs.conf" -i "$tmp/rs/pid" >/dev/null 2>&1 &
pids="$pids $!"
"$REDIS" --port "$rp" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$tmp" >/dev/null 2>&1 &
pids="$pids $!"
sleep 1

conf() {
	printf 'outputs:\n  - eve-log:\n      filename: eve.json\n'
	case $1 in relp)
		printf '  - eve-log:\n      filetype: syslog\n      server: 127.0.0.1\n      port: %s\n      transport: relp\n' "$lp" ;;
	esac
	case $1 in *syslog*)
		printf '  - eve-log:\n      filetype: syslog\n      server: 127.0.0.1\n      port: %s\n' "$sp" ;;
	esac
	case $1 in *redis*)
		printf '  - eve-log:\n      filetype: redis\n      server: 127.0.0.1\n      port: %s\n      redis: { key: bench }\n' "$rp" ;;
	esac
}
for c in file syslog $relp redis syslog+redis; do
	conf "$c" >"$tmp/$c.yaml"
done
"$WW" -r "$PCAP" -l "$tmp" >/dev/null 2>&1	# the file into the cache

printf '%-22s %10s %8s %12s %9s %8s\n' run packets "CPU s" pkts/CPU-s records "vs file"
for c in file syslog $relp redis syslog+redis; do
	best=
	for r in $(seq 1 "$REPEAT"); do
		rm -rf "$tmp/out"; mkdir "$tmp/out"
		"$RUNSTAT" "$WW" -r "$PCAP" -l "$tmp/out" --workers 1 \
		    -c "$tmp/$c.yaml" >"$tmp/run.out" 2>"$tmp/run.err"
		cpu=$(sed -n 's/^runstat:.* cpu=\([^ ]*\).*/\1/p' "$tmp/run.err")
		best=$(awk -v a="$cpu" -v b="$best" \
		    'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }')
	done
	pk=$(sed -n 's/^wardwatch: \([0-9]*\) packets.*/\1/p' "$tmp/run.out")
	recs=$(sed -n 's/.*output .*: \([0-9]*\) records.*/\1/p' "$tmp/run.out")
	[ "$c" = file ] && base=$best
	awk -v c="$c" -v pk="$pk" -v cpu="$best" -v recs="$recs" \
	    -v base="$base" 'BEGIN { printf "%-22s %10s %8.2f %12.0f %9s %7.1f%%\n",
	    c, pk, cpu, pk / cpu, recs, 100 * base / cpu }'
	grep 'output  .*DROPPED' "$tmp/run.out" || :
done
