#!/bin/sh
# flow-close.sh - a closed TCP session keeps its late packets (TAP).
# With the closed timeout at 0 (the emergency timeouts' default, used
# when the flow table is full), the last ACK after both FINs found its
# session expired and began a mid-stream flow of its own: twice the TCP
# flows, every session closed gracefully counted twice.  The ward
# capture read with tcp closed: 0 must give the same TCP flows as with
# the default timeouts, and no mid-stream pickup.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "1..2"

stat() {	# stat DIR FIELD: the last stats record's stats.FIELD
	python3 -c 'import json, sys
v = None
for l in open(sys.argv[1] + "/eve.json"):
    r = json.loads(l)
    if r.get("event_type") == "stats":
        v = r["stats"]
        for k in sys.argv[2].split("."):
            v = v[k]
print(v)' "$1" "$2"
}
flows() {	# flows DIR: TCP flow records, as "src sport dst dport pkts"
	python3 -c 'import json, sys
for l in open(sys.argv[1] + "/eve.json"):
    r = json.loads(l)
    if r.get("event_type") == "flow" and r.get("proto") == "TCP":
        f = r["flow"]
        print(r["src_ip"], r["src_port"], r["dest_ip"], r["dest_port"],
              f["pkts_toserver"] + f["pkts_toclient"])' "$1" | sort
}

mkdir "$tmp/ref" "$tmp/zero"
printf 'flow:\n  timeouts:\n    tcp:\n      closed: 0\n' >"$tmp/zero.yaml"
"$WW" --test-mode -r "$PCAP" -l "$tmp/ref" >/dev/null 2>&1
"$WW" --test-mode -r "$PCAP" -l "$tmp/zero" -c "$tmp/zero.yaml" \
    >/dev/null 2>&1
ref=$(stat "$tmp/ref" flow.tcp)
zero=$(stat "$tmp/zero" flow.tcp)
mid=$(stat "$tmp/zero" tcp.midstream_pickups)
if [ "$ref" -gt 0 ] && [ "$zero" = "$ref" ] && [ "$mid" = 0 ]; then
	echo "ok 1 - closed timeout 0: $zero TCP flows as with the default, no mid-stream pickup"
else
	echo "not ok 1 - closed timeout 0: $zero TCP flows (default $ref), $mid mid-stream pickups"
fi
flows "$tmp/ref" >"$tmp/ref.flows"
flows "$tmp/zero" >"$tmp/zero.flows"
if [ -s "$tmp/ref.flows" ] && cmp -s "$tmp/ref.flows" "$tmp/zero.flows"; then
	echo "ok 2 - every TCP flow has all its packets, its last ACK included"
else
	echo "not ok 2 - TCP flows differ from the default timeouts'"
	diff "$tmp/ref.flows" "$tmp/zero.flows" | head -6 | sed 's/^/# /'
fi
