#!/bin/sh
# live-capture.sh - wardwatch -i on one end of a veth pair inside a
# network namespace this test creates, a generated capture replayed
# onto the other end with tcpreplay.  The flow records must match the
# offline run of the same capture (tuples, counters, Community IDs) and
# the kernel must report no drops (TAP).  Skipped where namespaces
# cannot be created (no root, no CAP_SYS_ADMIN, no iproute2/tcpreplay).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
WW=$(cd "$(dirname "$WW")" && pwd)/$(basename "$WW")
PCAPS="medical-mix.pcap tcp-basic.pcap udp-basic.pcap icmp-echo.pcap"

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not installed"
command -v tcpreplay >/dev/null 2>&1 || skip "tcpreplay not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
# No addresses and no IPv6 on the veth: the kernel itself sends nothing.
. "$top_srcdir/tests/netns.sh"
netns_setup wwtest || { netns_cleanup; skip "cannot create a network namespace or veth"; }
tmp=$(mktemp -d) || exit 1
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

set -- $PCAPS
echo "1..$(($# * 2))"
i=0
project='select(.event_type == "flow") | [.proto, .src_ip,
    (.src_port // .icmp_type), .dest_ip, (.dest_port // .icmp_code),
    .flow.pkts_toserver, .flow.pkts_toclient, .flow.bytes_toserver,
    .flow.bytes_toclient, .community_id,
    ((.vlan // []) | map(tostring) | join("."))] | @tsv'
for name in "$@"; do
	f="$top_srcdir/pcaps/$name"
	mkdir -p "$tmp/$name/off" "$tmp/$name/live"
	"$WW" -r "$f" -l "$tmp/$name/off" --test-mode --workers 1 \
	    >/dev/null 2>&1
	# Not through nsx: $! must be the sensor's pid, not a subshell's.
	ip netns exec "$ns" "$WW" -i wwb -l "$tmp/$name/live" --workers 2 \
	    -v >"$tmp/$name/live.out" 2>&1 &
	pid=$!
	# Wait until the capture is open.
	n=0
	while ! grep -q 'listening on' "$tmp/$name/live.out" 2>/dev/null &&
	    [ $n -lt 50 ]
	do
		sleep 0.1
		n=$((n + 1))
	done
	nsx tcpreplay -q -i wwa --pps 2000 "$f" >"$tmp/$name/replay" 2>&1
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	jq -r "$project" "$tmp/$name/off/eve.json" | sort >"$tmp/$name/a"
	jq -r "$project" "$tmp/$name/live/eve.json" | sort >"$tmp/$name/b"
	i=$((i + 1))
	if [ $rc -eq 0 ] && [ -s "$tmp/$name/a" ] &&
	    cmp -s "$tmp/$name/a" "$tmp/$name/b"; then
		echo "ok $i - $name: $(wc -l <"$tmp/$name/a") live flow records match the offline run"
	else
		echo "not ok $i - $name: live (exit $rc) and offline flows differ"
		diff "$tmp/$name/a" "$tmp/$name/b" | head -10 | sed 's/^/# /'
		sed 's/^/# /' "$tmp/$name/live.out" | head -5
	fi
	drops=$(jq -r 'select(.event_type == "stats") |
	    .stats.capture.kernel_drops' "$tmp/$name/live/eve.json" | tail -1)
	i=$((i + 1))
	if [ "$drops" = 0 ]; then
		echo "ok $i - $name: kernel_drops 0"
	else
		echo "not ok $i - $name: kernel_drops '$drops'"
	fi
done
