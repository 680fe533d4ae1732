#!/bin/sh
# capture-health.sh - the SPAN port's own failures (issue 14 item 4), on
# a veth pair in a network namespace: a normal two-way replay raises no
# health alert; a one-way replay (only client to server), a duplicated
# replay (every frame again from another VLAN, TTL one less), a replay
# that stops, and a flood while the sensor is stopped (kernel drops)
# each raise their alert (gid 9101); copies are dropped and counted in
# stats.  A worker that hangs (WARDWATCH_TEST_STALL) makes the sensor
# alert and exit 3 for its service manager to restart it, and under -D
# (its queue full, capture blocked behind it) -D's supervisor does.  Two interfaces
# (capture.interfaces) carrying the two directions of the conversations
# are read as one: two-way flows, no one-way alert.
# Skipped without root, namespaces, iproute2, tcpreplay,
# python3 or jq (TAP).

# WW_LIVE_ARGS: more arguments for every live sensor (the -fanout.sh
# wrapper runs the same with --fanout --workers 2).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
WW=$(cd "$(dirname "$WW")" && pwd)/$(basename "$WW")

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
for t in ip tcpreplay python3 jq; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
. "$top_srcdir/tests/netns.sh"
netns_setup wwhl wwa:wwb wxa:wxb ||
    { netns_cleanup; skip "cannot create a network namespace or veth"; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	# -D's supervisor and its sensor, whatever the pid file said (a
	# failed stall case left both running).
	pkill -TERM -f -- "--pidfile $tmp/stall.pid" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

# The captures (tests/spangen.py).
python3 "$top_srcdir/tests/spangen.py" "$tmp" || exit 1

cat >"$tmp/health.yaml" <<'EOF'
capture:
  health:
    interval: 1
    silence: 3
    min-flows: 10
EOF
chmod 644 "$tmp/health.yaml"
d="$tmp/run"
mkdir -p "$d"
chown nobody "$d"
echo "1..13"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }
health() {	# SID: health alerts with that sid so far
	jq -r "select(.event_type == \"alert\" and .alert.gid == 9101 and
	    .alert.signature_id == $1) | .alert.signature_id" "$d/eve.json" |
	    wc -l
}
# until_health SID: wait (8 s at most) for a health alert of SID.
until_health() {
	n=0
	while [ "$(health "$1")" -lt 1 ] && [ $n -lt 80 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}
replay() {
	nsx tcpreplay -q -i wwa --pps 1000 "$tmp/$1" >/dev/null 2>&1
}
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/health.yaml" \
    --buffer-size 1mb --user nobody --workers 1 -v $WW_LIVE_ARGS \
    >"$d/out" 2>&1 &
pid=$!
n=0
while ! grep -q 'listening on' "$d/out" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done

replay two-way.pcap
sleep 1.5
kill -USR1 "$pid"
sleep 0.5
if [ "$(health 1)$(health 2)$(health 3)$(health 4)" = 0000 ]; then
	ok "a two-way replay raises no capture health alert"
else
	nok "two-way: alerts $(health 1) $(health 2) $(health 3) $(health 4)"
fi

replay one-way.pcap
until_health 3
if [ "$(health 3)" -ge 1 ]; then
	ok "a one-way replay raises the one-way traffic alert"
else
	nok "one-way replay: no alert"
	grep -i 'health\|one-way' "$d/out" | sed 's/^/# /'
fi

# At full speed, as a switch sends both copies: microseconds apart.
nsx tcpreplay -q -i wwa --topspeed "$tmp/dup.pcap" >/dev/null 2>&1
until_health 4
kill -USR1 "$pid"
sleep 0.5
dups=$(jq -r 'select(.event_type == "stats") | .stats.capture.duplicates' \
    "$d/eve.json" | tail -1)
# All 150 copies, give or take a few that a busy machine delayed past
# the 2 ms window.
if [ "$(health 4)" -ge 1 ] && [ "$dups" -ge 140 ] && [ "$dups" -le 150 ]
then
	ok "a duplicated replay raises its alert; $dups of 150 copies dropped and counted"
else
	nok "duplicates: alert $(health 4), stats.capture.duplicates '$dups'"
fi

sleep 3
until_health 2
if [ "$(health 2)" -ge 1 ]; then
	ok "traffic that stops raises the traffic-stopped alert"
else
	nok "silence: no alert"
fi

# The consumer stopped while a flood fills the 1 MiB ring.
kill -STOP "$pid"
nsx tcpreplay -q -i wwa --topspeed -l 100 "$tmp/two-way.pcap" >/dev/null 2>&1
kill -CONT "$pid"
until_health 1
kill -USR1 "$pid"
sleep 0.5
kd=$(jq -r 'select(.event_type == "stats") | .stats.capture.kernel_drops' \
    "$d/eve.json" | tail -1)
if [ "$(health 1)" -ge 1 ] && [ "$kd" -gt 0 ]; then
	ok "kernel drops ($kd) are reported and raise the drops alert"
else
	nok "drops: alert $(health 1), kernel_drops '$kd'"
fi

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] && ok "SIGTERM: exit 0" || nok "exit $rc"
al=$(jq -r 'select(.event_type == "alert" and .alert.gid == 9101) |
    [.alert.category, .capture.iface] | @tsv' "$d/eve.json" | sort -u)
if [ "$al" = "$(printf 'Sensor Capture Health\twwb')" ]; then
	ok "health alerts name the interface (category Sensor Capture Health)"
else
	nok "health alerts: $al"
fi

# Two interfaces, one direction each (a tap's two ports), named by
# capture.interfaces (as by -i wwb -i wxb) with no -i.
d="$tmp/two"
mkdir -p "$d"
chown nobody "$d"
sed 's/^capture:$/capture:\n  interfaces: [wwb, wxb]/' "$tmp/health.yaml" \
    >"$tmp/two.yaml"
chmod 644 "$tmp/two.yaml"
ip netns exec "$ns" "$WW" -l "$d" -c "$tmp/two.yaml" \
    --user nobody -v $WW_LIVE_ARGS >"$d/out" 2>&1 &
pid=$!
n=0
while [ "$(grep -c 'listening on' "$d/out" 2>/dev/null)" != 2 ] &&
    [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
nsx tcpreplay -q -i wwa --pps 1000 "$tmp/to-server.pcap" >/dev/null 2>&1 &
r1=$!
nsx tcpreplay -q -i wxa --pps 1000 "$tmp/to-client.pcap" >/dev/null 2>&1
wait $r1
sleep 1.5
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
two=$(jq -r 'select(.event_type == "flow" and .flow.pkts_toserver == 3 and
    .flow.pkts_toclient == 2) | .in_iface' "$d/eve.json" | sort | uniq -c |
    awk '{ print $1, $2 }')
if [ $rc -eq 0 ] && [ "$two" = "30 wwb,wxb" ]; then
	ok "capture.interfaces [wwb, wxb]: 30 two-way flows from the two directions, in_iface wwb,wxb"
else
	nok "two interfaces: exit $rc, flows '$two'"
	sed 's/^/# /' "$d/out" | head -5
fi
if [ "$(health 3)" -eq 0 ]; then
	ok "two interfaces of one port: no one-way alert"
else
	nok "two interfaces: one-way alert"
fi
if [ "$(grep -c 'listening on' "$d/out")" -eq 2 ] &&
    grep -q '"event_type":"stats"' "$d/eve.json"; then
	ok "both interfaces listened on; stats written"
else
	nok "listening lines: $(grep -c 'listening on' "$d/out")"
fi

# The worker watchdog: worker 0 hangs on its first packet.
d="$tmp/stall"
mkdir -p "$d"
chown nobody "$d"
printf 'capture:\n  health:\n    worker-stall: 2\n' >"$tmp/stall.yaml"
chmod 644 "$tmp/stall.yaml"
WARDWATCH_TEST_STALL=1 ip netns exec "$ns" "$WW" -i wwb -l "$d" \
    -c "$tmp/stall.yaml" --user nobody --workers 2 $WW_LIVE_ARGS \
    >"$d/out" 2>&1 &
pid=$!
n=0
while ! grep -q 'rules:' "$d/out" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
sleep 0.5
replay two-way.pcap
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
wait "$pid"
rc=$?
pid=
if [ $rc -eq 3 ] &&
    grep -q "worker 0 made no progress for 2 s with [0-9]* batches waiting.*: exiting" \
    "$d/out"; then
	ok "a hung worker: reported, exit 3 for a restart"
else
	nok "hung worker: exit $rc"
	sed 's/^/# /' "$d/out" | tail -3
fi
if [ "$(health 5)" -eq 1 ] && jq -e 'select(.event_type == "alert" and
    .alert.signature_id == 5) | .capture.stalled == "worker 0"' \
    "$d/eve.json" >/dev/null; then
	ok "a hung worker: a sensor stalled alert before the exit"
else
	nok "hung worker: $(health 5) stall alerts"
fi

# Under -D, worker 0 hangs while traffic goes on: its queue fills and
# the capture thread blocks behind it.  The watchdog's own thread still
# notices, an alert says so, the sensor exits 3, and -D's supervisor
# starts it again (a new pid in the pid file, running as the user).
d="$tmp/stallbg"
mkdir -p "$d"
chown nobody "$d"
WARDWATCH_TEST_STALL=1 nsx "$WW" -i wwb -l "$d" -c "$tmp/stall.yaml" \
    --user nobody --workers 2 -D --pidfile "$tmp/stall.pid" $WW_LIVE_ARGS \
    >"$tmp/stallbg.out" 2>&1
n=0
while [ ! -s "$tmp/stall.pid" ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
pid1=$(cat "$tmp/stall.pid" 2>/dev/null)
sleep 1
nsx tcpreplay -q -i wwa --pps 2000 --loop 20 "$tmp/two-way.pcap" \
    >/dev/null 2>&1
# The pid file goes from the old pid to the new one by a rename
# (daemon.sh 14); an empty read is still taken as not yet restarted.
n=0
pid2=$pid1
while { [ -z "$pid2" ] || [ "$pid2" = "$pid1" ]; } && [ $n -lt 200 ]; do
	sleep 0.1
	pid2=$(cat "$tmp/stall.pid" 2>/dev/null)
	n=$((n + 1))
done
sleep 0.5
pid=$pid2
full=$(jq -r 'select(.event_type == "alert" and .alert.gid == 9101 and
    .alert.signature_id == 5) | .capture.batches_waiting' "$d/eve.json" |
    head -1)
# With fan-out the hung worker's own socket fills instead (the kernel
# drops its share); its queue holds only the ticks since it hung.
minq=8
case $WW_LIVE_ARGS in *--fanout*) minq=1 ;; esac
if [ -n "$pid1" ] && [ -n "$pid2" ] && [ "$pid2" != "$pid1" ] &&
    kill -0 "$pid2" 2>/dev/null &&
    [ "$(awk '/^Uid:/ { print $2 }' /proc/"$pid2"/status)" = "$(id -u nobody)" ] &&
    [ "${full:-0}" -ge $minq ]; then
	ok "-D: a worker hung with its queue full: alert ($full batches waiting), exit, started again (pid $pid1, then $pid2)"
else
	nok "-D stall: pid $pid1 then '$pid2', alert batches '$full'"
	sed 's/^/# /' "$tmp/stallbg.out" | tail -3
fi
kill -TERM "$pid2" 2>/dev/null
n=0
while kill -0 "$pid2" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
pid=
