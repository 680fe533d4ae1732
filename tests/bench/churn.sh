#!/bin/sh
# churn.sh - issue 14 item 8's figure: does memory stay flat under a
# long churn of short flows?  floodgen.py streams FLOWS flows (a DNS
# query and its answer from 50 hosts, each on a new port, 5000 flows a
# second of packet time) into wardwatch -r - through a FIFO; the
# sensor's RSS is sampled every 2 s beside the packets it had read (its
# stats records, every 30 s of packet time).  A report, not a test.
#
#   tests/bench/churn.sh [FLOWS] [WARDWATCH]    (default 10000000)
top=$(cd "$(dirname "$0")/../.." && pwd)
flows=${1:-10000000}
ww=${2:-./wardwatch}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"; [ -n "$gen" ] && kill "$gen" 2>/dev/null' EXIT
# Records of stats only: ten million flow records would fill the disk.
printf 'outputs:\n  eve:\n    types: [stats, alert]\nstats:\n  interval: 30\n' \
    >"$tmp/churn.yaml"
mkfifo "$tmp/in"
python3 "$top/tests/floodgen.py" churn "$tmp/in" "$flows" &
gen=$!
"$ww" -r "$tmp/in" -l "$tmp" -c "$tmp/churn.yaml" >"$tmp/out" 2>&1 &
pid=$!
start=$(date +%s)
printf '%8s %12s %10s %10s\n' seconds flows_read flows_live rss_mib
while kill -0 "$pid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' \
	    /proc/$pid/status 2>/dev/null)
	last=$(grep '"event_type":"stats"' "$tmp/eve.json" 2>/dev/null |
	    tail -1)
	pk=$(printf '%s' "$last" | sed -n 's/.*"decoder":{"pkts":\([0-9]*\).*/\1/p')
	act=$(printf '%s' "$last" | sed -n 's/.*"active":\([0-9]*\).*/\1/p')
	[ -n "$rss" ] && printf '%8d %12s %10s %10s\n' \
	    $(($(date +%s) - start)) "$(( ${pk:-0} / 2 ))" "${act:--}" "$rss"
	sleep 2
done
wait "$pid"
echo "exit $?; $(head -3 "$tmp/out" | tr '\n' ' ')"
