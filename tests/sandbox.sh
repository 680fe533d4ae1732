#!/bin/sh
# sandbox.sh - least privilege of the live sensor (issue 14 item 2), in
# a network namespace on a veth pair this test creates: started as
# root, the sensor runs as --user with no capability, no_new_privs and
# a seccomp filter in every thread, reads traffic replayed onto the
# veth and exits 0 on SIGTERM; what root made before the change is
# the user's, and a start as the user opens it; --sandbox-test shows a
# forbidden system call refused and a write outside the allowed
# directories failing; a hard link planted as an output file stays root's.
# Skipped without root, namespaces, iproute2 or tcpreplay (TAP).

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
"$WW" --help | grep -q -- --sandbox-test || skip "no sandbox in this build"
. "$top_srcdir/tests/netns.sh"
netns_setup wwsb || { netns_cleanup; skip "cannot create a network namespace or veth"; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	netns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "1..14"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }

wait_listening() {
	n=0
	while ! grep -q 'listening on' "$1" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

# The daemon: root at start, nobody once the capture is open.
# With a syslog output too: its delivery thread is one of those checked
# (made with the output stage, after the sandbox, not before it).
nsx ip link set lo up
d="$tmp/run"
mkdir -p "$d"
chown nobody "$d"
cat >"$tmp/net.yaml" <<'EOF'
outputs:
  - eve-log:
      filetype: regular
      filename: eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: 5514
      transport: udp
      types: [flow]
EOF
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/net.yaml" --user nobody \
    --workers 2 -v >"$d/out" 2>&1 &
pid=$!
wait_listening "$d/out"
st=/proc/$pid/status
uid=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "$st")
nobody=$(id -u nobody)
if [ "$uid" = "$nobody$nobody$nobody$nobody" ]; then
	ok "runs as nobody (real, effective, saved, file system uid)"
else
	nok "Uid line: $(grep ^Uid: "$st")"
fi
caps=$(awk '/^Cap(Inh|Prm|Eff|Amb):/ { printf "%s ", $2 }' "$st")
if [ "$caps" = "0000000000000000 0000000000000000 0000000000000000 0000000000000000 " ]
then
	ok "no capability: CapInh, CapPrm, CapEff, CapAmb all 0"
else
	nok "capabilities: $caps"
fi
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "$st")
[ "$nnp" = 1 ] && ok "NoNewPrivs 1" || nok "NoNewPrivs '$nnp'"
# Every thread: the workers, the device brain and the output thread.
nt=0
bad=0
for t in /proc/$pid/task/*/status; do
	nt=$((nt + 1))
	s=$(awk '/^Seccomp:/ { print $2 }' "$t")
	e=$(awk '/^CapEff:/ { print $2 }' "$t")
	[ "$s" = 2 ] && [ "$e" = 0000000000000000 ] || bad=$((bad + 1))
done
if [ $nt -ge 5 ] && [ $bad -eq 0 ]; then
	ok "Seccomp 2 and CapEff 0 in all $nt threads"
else
	nok "$bad of $nt threads without seccomp filter or with capabilities"
fi
nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
flows=$(jq -r 'select(.event_type == "flow") | .proto' "$d/eve.json" |
    wc -l)
if [ $rc -eq 0 ] && [ "$flows" -ge 1 ]; then
	ok "reads the replayed traffic in the sandbox; SIGTERM: exit 0"
else
	nok "exit $rc, $flows flow records"
	sed 's/^/# /' "$d/out" | head -10
fi

# The self-test: what must be refused is, in a sensor like the above.
# A forwarder (no inventory, no rules) still numbers its records in the
# state directory, and writes a file output kept elsewhere, under
# Landlock.
d="$tmp/fwd"
st="$tmp/fwdstate"
ot="$tmp/fwdother"
mkdir -p "$d" "$st" "$ot"
chown nobody "$d" "$st" "$ot"
cat >"$tmp/fwd.yaml" <<EOF
devices:
  enabled: false
detect:
  enabled: false
outputs:
  - eve-log:
      filetype: regular
      filename: eve.json
  - eve-log:
      filetype: regular
      filename: $ot/flows.json
      types: [flow]
EOF
ip netns exec "$ns" "$WW" -i wwb -l "$d" -c "$tmp/fwd.yaml" \
    --state "$st/w.db" --user nobody -v >"$d/out" 2>&1 &
pid=$!
wait_listening "$d/out"
nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
sleep 1
mv "$ot/flows.json" "$ot/flows.json.1"
kill -HUP "$pid"
sleep 1
nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -eq 0 ] && [ -s "$st/w.db.seq" ] && [ -s "$ot/flows.json" ] &&
    ! grep -q "Permission denied" "$d/out"; then
	ok "a forwarder writes its seq in the state directory and reopens a file output elsewhere"
else
	nok "forwarder: exit $rc"
	sed 's/^/# /' "$d/out" | head -10
	ls -l "$st" "$ot" | sed 's/^/# /'
fi

d="$tmp/self"
mkdir -p "$d"
chown nobody "$d"
nsx "$WW" -i wwb -l "$d" --user nobody --sandbox-test >"$d/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "sandbox: ok: execve refused" "$d/out" &&
    grep -q "sandbox: ok: a new packet socket refused" "$d/out" &&
    ! grep -q "sandbox: FAILED" "$d/out"; then
	ok "--sandbox-test: a system call outside the allow-list is refused"
else
	nok "--sandbox-test: exit $rc"
	grep sandbox "$d/out" | sed 's/^/# /'
fi
if grep -q "sandbox: ok: a file outside the write directories" "$d/out"
then
	ok "--sandbox-test: a write outside the allowed directories fails"
elif grep -q "sandbox: skipped: Landlock" "$d/out"; then
	ok "# SKIP Landlock not in this kernel"
else
	nok "--sandbox-test: no Landlock check"
fi

# Started as root, what root made is the user's: a log directory made
# for -l, the state directory the rule cache made, the inventory, the
# rule cache, a second file output and a network output's spool (its
# collector away).  The same state then opens when the sensor is
# started as the user itself, as the unit's User= does (ambient
# capabilities for the capture): the spool's records are found again.
h="$tmp/hand"
ot="$tmp/handother"
mkdir -p "$h" "$ot"
chown nobody "$ot"
chmod 755 "$h"
cat >"$tmp/hand.rules" <<'EOF'
alert tcp any any -> any any (msg:"hand tcp"; sid:9100001; rev:1;)
alert tcp any any -> any any (msg:"hand cached"; content:"wardwatch-hand"; sid:9100002; rev:1;)
EOF
cat >"$tmp/hand.yaml" <<EOF
outputs:
  - eve-log:
      filetype: regular
      filename: eve.json
  - eve-log:
      filetype: regular
      filename: $ot/flows.json
      types: [flow]
  - eve-log:
      filetype: syslog
      name: away
      server: 127.0.0.1
      port: 5515
      transport: tcp
      types: [flow]
      spool: { max-size: 1mb }
EOF
ip netns exec "$ns" "$WW" -i wwb -l "$h/log/eve" -c "$tmp/hand.yaml" \
    -S "$tmp/hand.rules" --state "$h/state/w.db" --user nobody -v \
    >"$tmp/hand1.out" 2>&1 &
pid=$!
wait_listening "$tmp/hand1.out"
nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
sleep 1
kill -TERM "$pid"
wait "$pid"
rc1=$?
pid=
notmine=$(find "$h" "$ot" -mindepth 1 ! -user nobody)
made=0
for f in "$h"/log "$h"/log/eve "$h"/state "$h"/state/w.db "$h"/state/w.db.seq \
    "$h"/state/away.spool "$h"/state/away.spool.head \
    "$h"/state/detect-*.hsdb; do
	[ -e "$f" ] && made=$((made + 1))
done
if [ $rc1 -eq 0 ] && [ -z "$notmine" ] && [ "$made" -eq 8 ] &&
    [ "$(stat -c %U "$ot/flows.json")" = nobody ]; then
	ok "started as root: directories, inventory, rule cache, spool and outputs made are the user's"
else
	nok "root start: exit $rc1, $made of 8 made, not the user's: $notmine"
	sed 's/^/# /' "$tmp/hand1.out" | head -10
fi
ip netns exec "$ns" setpriv --reuid="$(id -u nobody)" \
    --regid="$(id -g nobody)" --clear-groups \
    --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin \
    "$WW" -i wwb -l "$h/log/eve" -c "$tmp/hand.yaml" -S "$tmp/hand.rules" \
    --state "$h/state/w.db" -v >"$tmp/hand2.out" 2>&1 &
pid=$!
wait_listening "$tmp/hand2.out"
nsx tcpreplay -q -i wwa --pps 2000 "$PCAP" >/dev/null 2>&1
sleep 1
kill -TERM "$pid"
wait "$pid"
rc2=$?
pid=
if [ $rc2 -eq 0 ] &&
    grep -q "output away: [1-9][0-9]* records in the spool" "$tmp/hand2.out" &&
    grep -q "continuing the inventory" "$tmp/hand2.out" &&
    ! grep -q -i "permission denied" "$tmp/hand2.out"; then
	ok "then started as the user: the same spool, inventory and outputs open"
else
	nok "user start: exit $rc2"
	sed 's/^/# /' "$tmp/hand2.out" | head -10
fi
if grep -q "hand tcp" "$h/log/eve/eve.json" &&
    [ "$(grep -c '"event_type":"flow"' "$ot/flows.json")" -ge 2 ]; then
	ok "both runs wrote the eve log and the second file output"
else
	nok "outputs: $(grep -c . "$ot/flows.json") flow records"
fi

# An unknown user is a usage error, before anything is opened.
nsx "$WW" -i wwb -l "$tmp/nouser" --user no-such-user-ww >"$tmp/nouser.out" \
    2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "no-such-user-ww: no such user" "$tmp/nouser.out" &&
    [ ! -e "$tmp/nouser/eve.json" ]; then
	ok "--user with an unknown user: exit 1, nothing opened"
else
	nok "--user unknown: exit $rc"
fi

# --allow-root: root, but still no capability.
d="$tmp/root"
mkdir -p "$d"
nsx "$WW" -i wwb -l "$d" --allow-root --sandbox-test >"$d/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "no capability" "$d/out" &&
    grep -q "allow-root: staying root" "$d/out"; then
	ok "--allow-root: stays root without capabilities, filter on"
else
	nok "--allow-root: exit $rc"
	grep sandbox "$d/out" | sed 's/^/# /'
fi

# A hard link planted in the user's log directory to a file of root's
# elsewhere: handed to the user it would give the user root's file.  It
# stays root's, and a message says so.
d="$tmp/hardlink"
mkdir -p "$d"
chown nobody "$d"
echo "root's own" >"$tmp/roots-file"
chmod 644 "$tmp/roots-file"
ln "$tmp/roots-file" "$d/eve.json"
nsx "$WW" -i wwb -l "$d" --user nobody --sandbox-test >"$d/out" 2>&1
rc=$?
owner=$(stat -c %U "$tmp/roots-file")
if [ "$owner" = root ] &&
    grep -q "eve.json has another name (a hard link): left to root" "$d/out"
then
	ok "a hard link planted as eve.json is left to root, with a message (exit $rc)"
else
	nok "hard link planted as eve.json: owner '$owner', exit $rc"
	sed 's/^/# /' "$d/out" | head -5
fi
