#!/bin/sh
# fanout.sh - capture.mode fanout (issue 14 item 5): wardwatch -i on one
# end of a veth pair in a network namespace, each of 2 workers reading
# its own PACKET_FANOUT socket, against the single reader (the capture
# thread hands packets to the 2 workers) on the same replay.  The flow
# and application records must be the same (sorted; times, flow ids,
# record numbers left out), the kernel must drop nothing, and on a
# capture of 200 flows both workers must have read packets.  IPv4
# fragments are reassembled by the kernel before the fan-out, so a
# datagram's fragments give one flow, as with the single reader (its
# packet and byte counts are then the datagram's, not the fragments').
# Skipped without root, namespaces, iproute2, tcpreplay or jq (TAP).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
WW=$(cd "$(dirname "$WW")" && pwd)/$(basename "$WW")
GEN="$top_builddir/pcaps/gen/pcapgen"

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
for t in ip tcpreplay jq; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
[ -x "$GEN" ] || skip "pcaps/gen/pcapgen not built"
. "$top_srcdir/tests/netns.sh"
netns_setup wwfo ||
    { netns_cleanup; skip "cannot create a network namespace or veth"; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

# 200 flows of the mixed bench traffic: enough for both workers.
"$GEN" bench "$tmp/many.pcap" --size-mb 1 --flows 200 >/dev/null 2>&1 ||
    { echo "Bail out! pcapgen bench failed"; exit 1; }
PCAPS="$tmp/many.pcap $top_srcdir/pcaps/medical-mix.pcap
    $top_srcdir/pcaps/services.pcap $top_srcdir/pcaps/ipv6-tcp.pcap
    $top_srcdir/pcaps/udp-basic.pcap $top_srcdir/pcaps/icmp-echo.pcap"

i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }

# run DIR PCAP [wardwatch arguments]: the sensor on wwb, the capture
# replayed onto wwa, SIGTERM; the exit status in DIR/rc.
run() {
	_d=$1
	_f=$2
	shift 2
	mkdir -p "$_d"
	chown nobody "$_d"
	ip netns exec "$ns" "$WW" -i wwb -l "$_d" --state "$_d/w.db" \
	    --user nobody --workers 2 -v "$@" >"$_d/out" 2>&1 &
	pid=$!
	_n=0
	while ! grep -q 'listening on' "$_d/out" 2>/dev/null &&
	    [ $_n -lt 100 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	nsx tcpreplay -q -i wwa --pps 3000 "$_f" >"$_d/replay" 2>&1
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	echo $? >"$_d/rc"
	pid=
}

# Flow and application records, without what differs between two
# runs of the same replay.
project='select(.event_type != "stats" and .event_type != "device" and
    .event_type != "alert") | del(.timestamp, .flow_id, .seq, .host,
    .pcap_cnt, .flow.start, .flow.end, .flow.age, .tx_id) | tostring'

set -- $PCAPS
echo "1..$(($# * 2 + 4))"
for f in "$@"; do
	name=$(basename "$f")
	run "$tmp/$name.single" "$f"
	run "$tmp/$name.fanout" "$f" --fanout
	jq -r "$project" "$tmp/$name.single/eve.json" | sort >"$tmp/$name.a"
	jq -r "$project" "$tmp/$name.fanout/eve.json" | sort >"$tmp/$name.b"
	rc1=$(cat "$tmp/$name.single/rc")
	rc2=$(cat "$tmp/$name.fanout/rc")
	nf=$(grep -c '"event_type":"flow"' "$tmp/$name.a")
	if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$nf" -gt 0 ] &&
	    grep -q 'fan-out group' "$tmp/$name.fanout/out" &&
	    cmp -s "$tmp/$name.a" "$tmp/$name.b"; then
		ok "$name: $(wc -l <"$tmp/$name.a") flow and app records ($nf flows) the same with fan-out as with one reader"
	else
		nok "$name: exit $rc1/$rc2, $nf flows; records differ"
		diff "$tmp/$name.a" "$tmp/$name.b" | head -6 | sed 's/^/# /'
		sed 's/^/# /' "$tmp/$name.fanout/out" | head -5
	fi
	drops=$(jq -r 'select(.event_type == "stats") |
	    "\(.stats.capture.kernel_packets) \(.stats.capture.kernel_drops)"' \
	    "$tmp/$name.fanout/eve.json" | tail -1)
	sent=$(awk '/Successful packets:/ { print $3 }' \
	    "$tmp/$name.fanout/replay")
	if [ "${drops#* }" = 0 ] && [ "${drops% *}" -ge "${sent:-1}" ]; then
		ok "$name: fan-out: the sockets' kernel counters summed: $drops packets/drops, $sent sent"
	else
		nok "$name: fan-out kernel packets/drops '$drops', $sent sent"
	fi
done

# Both workers read a share of the 200 flows.
w0=$(sed -n 's/.*fan-out: worker 0 read \([0-9]*\) packets.*/\1/p' \
    "$tmp/many.pcap.fanout/out")
w1=$(sed -n 's/.*fan-out: worker 1 read \([0-9]*\) packets.*/\1/p' \
    "$tmp/many.pcap.fanout/out")
pk=$(sed -n 's/^wardwatch: \([0-9]*\) packets.*/\1/p' \
    "$tmp/many.pcap.fanout/out")
if [ "${w0:-0}" -gt 0 ] && [ "${w1:-0}" -gt 0 ] &&
    [ $((w0 + w1)) -eq "${pk:-0}" ]; then
	ok "fan-out: worker 0 read $w0 and worker 1 read $w1 of $pk packets"
else
	nok "fan-out: worker 0 read '$w0', worker 1 '$w1' of '$pk' packets"
fi

# The single reader's clock moves with the wall clock between reads: a
# packet the kernel stamped before that is not time going backwards.
nb=$(cat "$tmp"/*.single/eve.json | grep -c 'decode.time.backwards')
if [ "$nb" -eq 0 ]; then
	ok "live, one reader: no decode.time.backwards anomaly"
else
	nok "live, one reader: $nb decode.time.backwards anomalies"
fi

# IPv4 fragments: one flow per datagram, as with one reader.
f="$top_srcdir/pcaps/frag-ipv4.pcap"
run "$tmp/frag.single" "$f"
run "$tmp/frag.fanout" "$f" --fanout
fp='select(.event_type == "flow") | [.src_ip, .src_port, .dest_ip,
    .dest_port, .community_id, .flow.pkts_toserver] | @tsv'
jq -r "$fp" "$tmp/frag.single/eve.json" | sort >"$tmp/frag.a"
jq -r "$fp" "$tmp/frag.fanout/eve.json" | sort >"$tmp/frag.b"
if [ -s "$tmp/frag.a" ] && cmp -s "$tmp/frag.a" "$tmp/frag.b"; then
	ok "frag-ipv4.pcap: $(wc -l <"$tmp/frag.a") fragmented datagrams, one flow each, with fan-out too"
else
	nok "frag-ipv4.pcap: flows differ"
	diff "$tmp/frag.a" "$tmp/frag.b" | head -6 | sed 's/^/# /'
fi

# --fanout is for -i.
if "$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$tmp" --fanout \
    >/dev/null 2>"$tmp/r.err"; then
	nok "-r --fanout was accepted"
elif grep -q -- '--fanout' "$tmp/r.err"; then
	ok "-r --fanout is refused: -r keeps the single reader"
else
	nok "-r --fanout: $(head -1 "$tmp/r.err")"
fi
