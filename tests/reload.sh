#!/bin/sh
# reload.sh - signals of the live sensor (issue 14 item 3), in a network
# namespace on a veth pair: SIGHUP with a broken rule file logs the
# error as file:line:col and keeps the running rules; SIGHUP with a good
# one swaps them while flows and the inventory stay; a site policy
# changed by SIGHUP judges the next flow; SIGUSR1 writes a
# stats record at once; SIGTERM flushes and exits 0.  The sensor runs
# sandboxed as nobody, as a daemon would.  Skipped without root,
# namespaces, iproute2, tcpreplay or jq (TAP).

# WW_LIVE_ARGS: more arguments for every live sensor (the -fanout.sh
# wrapper runs the same with --fanout --workers 2).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
WW=$(cd "$(dirname "$WW")" && pwd)/$(basename "$WW")
PCAP="$top_srcdir/pcaps/tcp-basic.pcap"

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip "not root"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not installed"
command -v tcpreplay >/dev/null 2>&1 || skip "tcpreplay not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
id nobody >/dev/null 2>&1 || skip "no user nobody"
. "$top_srcdir/tests/netns.sh"
netns_setup wwrl || { netns_cleanup; skip "cannot create a network namespace or veth"; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..12"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }

# wait_for FILE PATTERN COUNT: until PATTERN is in FILE COUNT times.
wait_for() {
	n=0
	while [ $n -lt 300 ]; do
		c=$(grep -c -- "$2" "$1" 2>/dev/null)
		[ "${c:-0}" -ge "$3" ] && break
		sleep 0.1
		n=$((n + 1))
	done
}
replay() {
	nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
	sleep 1
}
alerts() {
	jq -r "select(.event_type == \"alert\" and .alert.signature_id == $1)
	    | .alert.signature_id" "$d/eve.json" 2>/dev/null | wc -l
}
# until_alerts SID N: wait (10 s at most) for N alerts of SID; a busy
# machine delivers them late.
until_alerts() {
	n=0
	while [ "$(alerts "$1")" -lt "$2" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

d="$tmp/run"
mkdir -p "$d"
chown nobody "$d"
rules="$tmp/local.rules"
echo 'alert http any any -> any any (msg:"one"; http.uri; content:"/status"; sid:9000001;)' >"$rules"
chmod 644 "$rules"
# A site policy file, broken later: a reload must refuse it.
site="$tmp/site.yaml"
printf 'class: infusion-pump\ninitiate:\n  - { proto: tcp, port: 2575 }\n' \
    >"$site"
printf 'policy:\n  files: [%s]\n' "$site" >"$tmp/c.yaml"
chmod 644 "$site" "$tmp/c.yaml"
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/c.yaml" -S "$rules" \
    --user nobody --workers 2 -v $WW_LIVE_ARGS >"$d/out" 2>&1 &
pid=$!
wait_for "$d/out" 'listening on' 1
replay
until_alerts 9000001 1
n1=$(alerts 9000001)

# A broken rule file: the error with its place, the old rules stay.
cat >"$rules" <<'EOF'
alert http any any -> any any (msg:"two"; http.uri; content:"/status"; sid:9000002;)
alert tcp any any -> (msg:"broken"; sid:9000003;)
EOF
kill -HUP "$pid"
wait_for "$d/out" 'rules and fingerprints stay' 1
if grep -q "local.rules:2:[0-9]*: incomplete rule header" "$d/out" &&
    grep -q "reload: .*running configuration, rules and fingerprints stay" \
    "$d/out"; then
	ok "SIGHUP with a broken rule: file:line:col logged, reload refused"
else
	nok "SIGHUP with a broken rule"
	sed 's/^/# /' "$d/out" | tail -5
fi
replay
until_alerts 9000001 $((n1 + 1))
n2=$(alerts 9000001)
if [ "$n1" -ge 1 ] && [ "$n2" -gt "$n1" ] && [ "$(alerts 9000002)" -eq 0 ]
then
	ok "the running rules keep matching ($n1, then $n2 alerts)"
else
	nok "after the refused reload: sid 9000001 $n1 then $n2, 9000002 $(alerts 9000002)"
fi

# A good one: swapped, and the inventory is the same one.
echo 'alert http any any -> any any (msg:"two"; http.uri; content:"/status"; sid:9000002;)' >"$rules"
kill -HUP "$pid"
wait_for "$d/out" 'reload: done' 1
if grep -q "reload: done" "$d/out"; then
	ok "SIGHUP with a good rule file: reloaded"
else
	nok "SIGHUP with a good rule file"
	sed 's/^/# /' "$d/out" | tail -5
fi
replay
until_alerts 9000002 1
if [ "$(alerts 9000002)" -ge 1 ] && [ "$(alerts 9000001)" -eq "$n2" ]; then
	ok "the new rules match, the old ones no longer"
else
	nok "after the reload: 9000001 $(alerts 9000001), 9000002 $(alerts 9000002)"
fi

# A policy file that no longer loads: the reload is refused with its
# place, whatever else it would change.
printf 'class: infusion-pump\ninitiate:\n  - { proto: tcp, port: 99999 }\n' \
    >"$site"
kill -HUP "$pid"
wait_for "$d/out" 'reload: the zero-trust policy' 1
if grep -q "$site:3:25: port: \"99999\" is not a port" "$d/out" &&
    grep -q "reload: the zero-trust policy does not load" "$d/out"; then
	ok "SIGHUP with a broken policy file: refused, file:line:col"
else
	nok "SIGHUP with a broken policy file"
	sed 's/^/# /' "$d/out" | tail -5
fi

# SIGUSR1: a stats record now.
s1=$(grep -c '"event_type":"stats"' "$d/eve.json")
kill -USR1 "$pid"
n=0
while [ "$(grep -c '"event_type":"stats"' "$d/eve.json")" -le "$s1" ] &&
    [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
if [ "$(grep -c '"event_type":"stats"' "$d/eve.json")" -gt "$s1" ]; then
	ok "SIGUSR1 writes a stats record at once"
else
	nok "SIGUSR1: no stats record"
fi

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -eq 0 ] && tail -1 "$d/eve.json" | grep -q '"event_type":"stats"'
then
	ok "SIGTERM: exit 0, final stats written"
else
	nok "SIGTERM: exit $rc"
fi
# Three replays of one capture: the two devices were new once.
new=$(jq -r 'select(.event_type == "device" and .device.event == "new")
    | .device.mac' "$d/eve.json" | wc -l)
if [ "$new" -eq 2 ]; then
	ok "the inventory survived the reloads (2 devices new once)"
else
	nok "$new device 'new' records for 2 devices"
fi
flows=$(jq -r 'select(.event_type == "flow") | .flow_id' "$d/eve.json" |
    wc -l)
if [ "$flows" -ge 3 ]; then
	ok "every replay's flow was recorded ($flows flow records)"
else
	nok "$flows flow records for 3 replays"
fi

# The site's policy changes under a running sensor: a flow its profiles
# allowed is denied after SIGHUP, and the next one raises the policy
# alert (gid 9200) without a restart.
d="$tmp/pol"
mkdir -p "$d"
chown nobody "$d"
pol="$tmp/pol.yaml"
policy_file() {	# PORT: the client may open it, the server accept it
	cat >"$pol" <<EOF
profiles:
  - device: "02:00:00:00:00:01"
    initiate:
      - { proto: tcp, port: $1 }
  - device: "02:00:00:00:00:02"
    accept:
      - { proto: tcp, port: $1 }
EOF
	chmod 644 "$pol"
}
policy_file 8080
printf 'policy:\n  mode: strict\n  files: [%s]\n' "$pol" >"$tmp/pol-c.yaml"
chmod 644 "$tmp/pol-c.yaml"
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/pol-c.yaml" \
    --user nobody --workers 2 -v $WW_LIVE_ARGS >"$d/out" 2>&1 &
pid=$!
wait_for "$d/out" 'listening on' 1
replay
wait_for "$d/eve.json" '"event_type":"flow"' 1
p1=$(grep -c '"gid":9200' "$d/eve.json")
policy_file 8443
kill -HUP "$pid"
wait_for "$d/out" 'reload: done' 1
replay
wait_for "$d/eve.json" '"gid":9200' 1
p2=$(grep -c '"gid":9200' "$d/eve.json")
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -eq 0 ] && [ "$p1" -eq 0 ] && [ "$p2" -ge 1 ] &&
    grep '"gid":9200' "$d/eve.json" | grep -q '"dest_port":8080'; then
	ok "a site policy changed by SIGHUP: the flow it allowed raises a policy alert, no restart"
else
	nok "policy reload: exit $rc, policy alerts $p1 before, $p2 after"
	grep "reload\|policy" "$d/out" | sed 's/^/# /' | head -5
fi

# Checkpoints: kill -9 loses at most one save interval of the inventory,
# and the next start continues it.
d="$tmp/crash"
mkdir -p "$d"
chown nobody "$d"
printf 'devices:\n  save-interval: 1\n' >"$tmp/ckpt.yaml"
chmod 644 "$tmp/ckpt.yaml"
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/ckpt.yaml" --user nobody \
    -v $WW_LIVE_ARGS >"$d/out" 2>&1 &
pid=$!
wait_for "$d/out" 'listening on' 1
replay
wait_for "$d/eve.json" '"event_type":"device"' 1
sleep 2.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=
# Every device learned two intervals before the kill is saved.
want=$(jq -r 'select(.event_type == "device") | .device.mac' \
    "$d/eve.json" | sort -u)
got=$("$WW" inventory --state "$d/wardwatch.db" --csv 2>/dev/null |
    grep -o '02:00:00:00:00:0[0-9]' | sort -u)
nwant=$(echo "$want" | grep -c .)
if [ "$nwant" -ge 1 ] && [ "$want" = "$got" ]; then
	ok "kill -9 two save intervals later: all $nwant devices learned are saved"
else
	nok "kill -9: learned '$want', saved '$got'"
fi
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/ckpt.yaml" --user nobody \
    -v $WW_LIVE_ARGS >"$d/out2" 2>&1 &
pid=$!
wait_for "$d/out2" 'listening on' 1
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -eq 0 ] &&
    grep -q "continuing the inventory.*($nwant device" "$d/out2"
then
	ok "the next start continues the inventory"
else
	nok "restart after kill -9: exit $rc"
	sed 's/^/# /' "$d/out2" | head -5
fi
