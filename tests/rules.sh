#!/bin/sh
# rules.sh - threat rules end to end (TAP): -S with a small rule file on
# pcaps/services.pcap fires exactly the expected alerts, the same with 1
# and 3 workers and with devices off; -T prints the summary and exits 1
# on a missing rule file; alerts validate against the EVE schema when
# it is there; decode-event rules fire on malformed packets, which join
# no flow (pcaps/malformed.pcap).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
echo "1..8"
cat > "$tmp/t.rules" <<'R'
alert http any any -> any any (msg:"TEST config uri"; flow:to_server; http.uri; content:"/config"; sid:9000001; rev:1;)
alert http any any -> any any (msg:"TEST never"; http.uri; content:"/no-such-path"; sid:9000002; rev:1;)
R
pcap="$top_srcdir/pcaps/services.pcap"
# Rule alerts (gid 1): the inventory, policy and baselines raise theirs.
sids() { jq -r 'select(.event_type=="alert" and .alert.gid==1) |
    .alert.signature_id' "$1" |
    sort | uniq -c | tr -s ' ' | sed 's/^ //'; }

"$WW" --test-mode -r "$pcap" -l "$tmp/a" -S "$tmp/t.rules" >"$tmp/out" 2>&1
if grep -qx 'rules: 2 loaded, 0 skipped' "$tmp/out"; then
	ok "summary line"
else
	notok "summary line: $(grep '^rules:' "$tmp/out")"
fi
got=$(sids "$tmp/a/eve.json")
[ "$got" = "1 9000001" ] && ok "one alert, sid 9000001" ||
    notok "alerts: $got"
jq -s -e '[.[] | select(.event_type=="alert" and .alert.gid==1)] |
    length > 0 and
    all(.http.url and .flow.pkts_toserver and .app_proto=="http" and
    .alert.action=="allowed" and .wardwatch.src_device.class)' \
    "$tmp/a/eve.json" >/dev/null && ok "alert carries http and flow" ||
    notok "alert members"

"$WW" --test-mode -r "$pcap" -l "$tmp/b" -S "$tmp/t.rules" --workers 3 \
    >/dev/null 2>&1
a=$(jq -c 'select(.event_type=="alert")' "$tmp/a/eve.json")
b=$(jq -c 'select(.event_type=="alert")' "$tmp/b/eve.json")
[ "$a" = "$b" ] && ok "same alerts with 3 workers" || notok "workers differ"

printf 'devices:\n  enabled: false\n' > "$tmp/nodev.yaml"
"$WW" --test-mode -c "$tmp/nodev.yaml" -r "$pcap" -l "$tmp/c" \
    -S "$tmp/t.rules" >/dev/null 2>&1
got=$(sids "$tmp/c/eve.json")
[ "$got" = "1 9000001" ] && ok "alerts with devices off" ||
    notok "devices off: $got"

"$WW" -T -S "$tmp/t.rules" >"$tmp/t" 2>&1 && grep -qx \
    'rules: 2 loaded, 0 skipped' "$tmp/t" && ok "-T summary" ||
    notok "-T summary"
if "$WW" -T -S "$tmp/none.rules" >/dev/null 2>&1; then
	notok "-T with a missing rule file exits 1"
else
	ok "-T with a missing rule file exits 1"
fi

# A malformed packet is matched for its decode events, once each.
echo 'alert tcp any any -> any any (msg:"TEST tcp too small"; decode-event:tcp.pkt_too_small; sid:9000003; rev:1;)' >"$tmp/d.rules"
printf 'decode:\n  checksum-checks: no\n' >"$tmp/k.yaml"
"$WW" --test-mode -r "$top_srcdir/pcaps/malformed.pcap" -l "$tmp/d" \
    -c "$tmp/k.yaml" -S "$tmp/d.rules" >/dev/null 2>&1
want=$(jq -r 'select(.event_type=="anomaly" and
    .anomaly.event=="decode.tcp.pkt_too_small") | .pcap_cnt' \
    "$tmp/d/eve.json" | sort -n | paste -sd, -)
got=$(jq -r 'select(.event_type=="alert" and
    .alert.signature_id==9000003) | .pcap_cnt' "$tmp/d/eve.json" |
    sort -n | paste -sd, -)
[ -n "$want" ] && [ "$got" = "$want" ] &&
    ok "decode-event rule on malformed packets ($got)" ||
    notok "decode-event: alerts on packets '$got', anomalies on '$want'"
