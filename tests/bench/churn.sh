#!/bin/sh
# churn.sh - issue 14 item 8's figure: does memory stay flat under a
# long churn of short flows?  churngen (tests/bench/churngen.c) streams
# FLOWS flows (DNS, HTTP and HL7 over MLLP from 8000 hosts to 1999
# servers, each flow on a new port, 10000 flows a second of packet
# time) into wardwatch -r - through a FIFO, with the default
# configuration (rules, inventory, baselines, policy on) writing only
# stats and alert records; the sensor's RSS is sampled every 5 s beside
# what its last stats record (every 30 s of packet time) says: flows
# read, flows alive, flow memory in use, devices.  A report, not a
# test: RSS flat after warm-up means the flow, stream, app-layer,
# inventory and baseline caps hold.
#
#   tests/bench/churn.sh [FLOWS [WARDWATCH [CHURNGEN]]]   (10000000)
top=$(cd "$(dirname "$0")/../.." && pwd)
flows=${1:-10000000}
ww=${2:-./wardwatch}
gen=${3:-./tests/bench/churngen}
tmp=$(mktemp -d) || exit 1
gpid=
trap 'rm -rf "$tmp"; [ -n "$gpid" ] && kill "$gpid" 2>/dev/null' EXIT
[ -x "$gen" ] || { echo "churn: $gen: not built" >&2; exit 1; }
# Records of stats and alerts only: ten million flow records would
# fill the disk.
printf 'outputs:\n  eve:\n    types: [stats, alert]\nstats:\n  interval: 30\n' \
    >"$tmp/churn.yaml"
mkfifo "$tmp/in"
"$gen" "$flows" >"$tmp/in" &
gpid=$!
"$ww" -r "$tmp/in" -l "$tmp" --state "$tmp/w.db" -c "$tmp/churn.yaml" \
    >"$tmp/out" 2>&1 &
pid=$!
start=$(date +%s)
echo "churn: $flows flows; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %12s %10s %12s %8s %10s %8s\n' seconds flows_read flows_live \
    flow_mem_mib devices rss_mib hwm_mib
while kill -0 "$pid" 2>/dev/null; do
	st=$(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 }
	    END { if (r) printf "%.1f %.1f", r / 1024, h / 1024 }' \
	    /proc/$pid/status 2>/dev/null)
	last=$(grep '"event_type":"stats"' "$tmp/eve.json" 2>/dev/null |
	    tail -1)
	if [ -n "$st" ]; then
		if [ -n "$last" ]; then
			set -- $(printf '%s\n' "$last" | jq -r '
			    .wardwatch.counters as $c | .stats.flow |
			    "\(.total) \(.active) \(.memuse / 1048576 | floor)
			    \($c["devices.new"] - $c["devices.evicted"])"')
		else
			set -- - - - -
		fi
		printf '%8d %12s %10s %12s %8s %10s %8s\n' \
		    $(($(date +%s) - start)) "$1" "$2" "$3" "$4" $st
	fi
	sleep 5
done
wait "$pid"
echo "exit $?; $(head -2 "$tmp/out" | tr '\n' ' ')"
echo "churn: load average $(cut -d' ' -f1-3 /proc/loadavg)"
