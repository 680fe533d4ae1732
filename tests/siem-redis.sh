#!/bin/sh
# siem-redis.sh - the Redis output stores every record exactly once
# (TAP), against a real redis-server on loopback: killed with kill -9
# and started again during a run (AOF, appendfsync always: what it
# acknowledged survives); records sent again from a spool after a crash
# (list, channel and stream); a second run of one state and a new state
# with the same sensor name (their records are stored, not taken for
# repeats); a script cache flushed during a run; two outputs to one
# key; an ACL user that may not run scripts (a clear error;
# redis.dedupe: no stores plainly); a spool left by a removed state,
# sent by a new one.
# Skipped with a message without redis-server, redis-cli or hiredis.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
TRICKLE="$top_srcdir/tests/pcap-trickle.py"
tmp=$(mktemp -d) || exit 1
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	sleep 0.2
	rm -rf "$tmp"
}
trap cleanup EXIT
i=0
ok() { i=$((i + 1)); echo "ok $i - $1"; }
notok() {
	i=$((i + 1)); echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -15 | cut -c1-300 | sed 's/^/# /'
}
skip() { i=$((i + 1)); echo "ok $i # SKIP $1"; }
N=11
echo "1..$N"

REDIS=$(command -v redis-server)
REDISCLI=$(command -v redis-cli)
have_hiredis=no
grep -q '^#define HAVE_HIREDIS 1' "$top_builddir/config.h" 2>/dev/null &&
    have_hiredis=yes
if [ -z "$REDIS" ] || [ -z "$REDISCLI" ] || [ "$have_hiredis" = no ] ||
    ! command -v jq >/dev/null 2>&1; then
	while [ $i -lt $N ]; do
		skip "redis-server, redis-cli, jq or hiredis missing (apt-get install redis-server jq libhiredis-dev)"
	done
	exit 0
fi

port=$((20000 + ($$ + 7919) % 20000))
free_port() {
	port=$((port + 1))
	while ss -ltnua 2>/dev/null | grep -q ":$port "; do
		port=$((port + 1))
	done
	rp=$port
}

# redis-server on $rp keeping its data in $d (AOF, fsync before every
# answer), ready when it answers PING.
start_redis() {
	"$REDIS" --port "$rp" --bind 127.0.0.1 --save '' --appendonly yes \
	    --appendfsync always --dir "$d" >>"$d/redis.log" 2>&1 &
	redispid=$!
	pids="$pids $redispid"
	n=0
	while [ $n -lt 100 ] && ! "$REDISCLI" -p "$rp" ping 2>/dev/null |
	    grep -q PONG; do
		sleep 0.1; n=$((n + 1))
	done
}
rcli() { "$REDISCLI" -p "$rp" "$@"; }

# A redis output of each mode in $1 to key ww<mode>$2 with the options
# $3 ("" or "spool: ..." lines) and $4 (more of redis:), after the
# local file.
conf() {
	cat <<CONF
sensor-name: ward-redis-test
outputs:
  - eve-log:
      filename: eve.json
CONF
	for m in $1; do
		cat <<CONF
  - eve-log:
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: $m, key: ww$m$2$4 }
$3
CONF
	done
}

# The stream's records (field event) and their seqs.
stream_events() { rcli --raw xrange "$1" - + | awk 'prev == "event" { print } { prev = $0 }'; }
stream_seqs() { rcli --raw xrange "$1" - + | awk 'prev == "seq" { print } { prev = $0 }'; }
# Seqs seen more than once.
repeats() { jq -r .seq "$1" | sort | uniq -d | wc -l; }

# --- kill -9 during a run -------------------------------------------
# Redis killed and started again four times while records flow, a list
# and a stream each with a spool: every record exactly once, in order.
# A command Redis carried out (and wrote to its AOF) whose answer the
# kill cut off is sent again; the script keeps it from being stored
# twice.
d="$tmp/kill"; mkdir -p "$d"; free_port
start_redis
conf "list stream" "" "      spool: { max-size: 16mb }" >"$d/c.yaml"
python3 "$TRICKLE" "$PCAP" 60 6 | "$WW" -v -r - -l "$d" -c "$d/c.yaml" \
    >"$d/out" 2>"$d/err" &
wwpid=$!
for pause in 0.8 0.7 0.9 0.6; do
	sleep "$pause"
	kill -9 "$redispid"
	wait "$redispid" 2>/dev/null
	sleep 0.4
	start_redis
done
wait "$wwpid"
rc=$?
sleep 0.3
rcli --raw lrange wwlist 0 -1 >"$d/list.txt"
stream_events wwstream >"$d/stream.txt"
stream_seqs wwstream >"$d/stream.seq"
jq -r .seq "$d/eve.json" >"$d/eve.seq"
rl=$(repeats "$d/list.txt")
rs=$(sort "$d/stream.seq" | uniq -d | wc -l)
if [ "$rc" -eq 0 ] && [ -s "$d/eve.json" ] &&
    cmp -s "$d/eve.json" "$d/list.txt" &&
    grep -q ' [1-9][0-9]* reconnects' "$d/out"; then
	ok "list: redis killed (kill -9) and started 4 times during a run: all $(wc -l <"$d/eve.json") records exactly once, in order ($(grep -o '[0-9]* spooled' "$d/out" | head -1); $(grep -o '[0-9]* records sent again' "$d/err" | head -1 || echo 0) not stored twice)"
else
	notok "list after kill -9: exit $rc, $(wc -l <"$d/list.txt") stored of $(wc -l <"$d/eve.json"), $rl seqs repeated" \
	    "$(grep output "$d/out" "$d/err"; diff "$d/eve.json" "$d/list.txt" | head -3 | cut -c1-100)"
fi
if [ "$rc" -eq 0 ] && [ -s "$d/eve.json" ] &&
    cmp -s "$d/eve.json" "$d/stream.txt" && cmp -s "$d/eve.seq" "$d/stream.seq"; then
	ok "stream: the same run: every record once with its seq, in order"
else
	notok "stream after kill -9: exit $rc, $(wc -l <"$d/stream.txt") stored of $(wc -l <"$d/eve.json"), $rs seqs repeated" \
	    "$(diff "$d/eve.json" "$d/stream.txt" | head -3 | cut -c1-100)"
fi
kill -9 "$redispid" 2>/dev/null

# --- the spool sent again after a crash ------------------------------
# Run 1: Redis away, every record goes to the spools.  Run 2: Redis
# there, the spools are sent, then run 2's own records.  Then the spools
# are put back as they were after run 1, as when wardwatch is killed
# after Redis stored the records and before the spool forgot them.
# Run 3 sends them again: none is stored a second time, and run 3's own
# records (the same state, the same epoch, higher seqs) are stored.
d="$tmp/replay"; mkdir -p "$d"; free_port
conf "list channel stream" "" "      spool: { max-size: 16mb }" >"$d/c.yaml"
"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d" -c "$d/c.yaml" \
    >"$d/out1" 2>"$d/err1"
rc1=$?
cp "$d/eve.json" "$d/eve1.json"
mkdir -p "$d/saved"
cp "$d"/*.spool "$d"/*.spool.head "$d/saved/" 2>/dev/null
start_redis
rcli subscribe wwchannel >"$d/sub.txt" 2>&1 &
subpid=$!
pids="$pids $subpid"
sleep 0.3
"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" >"$d/out2" 2>"$d/err2"
rc2=$?
cp "$d/saved"/* "$d/"
"$WW" -v -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d" -c "$d/c.yaml" \
    >"$d/out3" 2>"$d/err3"
rc3=$?
sleep 0.3
kill "$subpid" 2>/dev/null
# eve.json is appended to by each run: run 1, 2 and 3 in seq order.
rcli --raw lrange wwlist 0 -1 >"$d/list.txt"
grep '^{' "$d/sub.txt" >"$d/chan.txt"
stream_events wwstream >"$d/stream.txt"
jq -c 'select(.seq > 0)' "$d/eve1.json" >/dev/null
n1=$(wc -l <"$d/eve1.json")
tail -n +$((n1 + 1)) "$d/eve.json" >"$d/eve23.json"
again=$(grep -o '[0-9]* records sent again' "$d/err3" | head -1)
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -eq 0 ] && [ "$n1" -gt 0 ] &&
    [ -s "$d/eve23.json" ] && cmp -s "$d/eve.json" "$d/list.txt" &&
    [ -n "$again" ]; then
	ok "list: the spool of $n1 records sent again after a crash: none stored twice ($again), and every record of the runs after stored once, in order"
else
	notok "list, spool sent again: exit $rc1 $rc2 $rc3, $(wc -l <"$d/list.txt") stored of $(wc -l <"$d/eve.json"), $(repeats "$d/list.txt") seqs repeated, '$again'" \
	    "$(cat "$d/err3"; diff "$d/eve.json" "$d/list.txt" | head -3 | cut -c1-100)"
fi
# The subscriber was there from run 2 on: it got everything once.
if cmp -s "$d/eve.json" "$d/chan.txt"; then
	ok "channel: the same: a subscriber got every record once, in order (nothing published twice)"
else
	notok "channel, spool sent again: $(wc -l <"$d/chan.txt") published of $(wc -l <"$d/eve.json"), $(repeats "$d/chan.txt") seqs repeated" \
	    "$(diff "$d/eve.json" "$d/chan.txt" | head -3 | cut -c1-100)"
fi
if cmp -s "$d/eve.json" "$d/stream.txt"; then
	ok "stream: the same: every record once, in order"
else
	notok "stream, spool sent again: $(wc -l <"$d/stream.txt") stored of $(wc -l <"$d/eve.json"), $(repeats "$d/stream.txt") seqs repeated" \
	    "$(diff "$d/eve.json" "$d/stream.txt" | head -3 | cut -c1-100)"
fi

# --- a new state, the same sensor ------------------------------------
# A new state counts seq from 1 again under a new epoch: its records
# are stored, not taken for repeats of the old state's.  (--fresh keeps
# the count: seq goes on.)
rm -f "$d/eve.json"
"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" --fresh >"$d/out4" 2>"$d/err4"
rc4=$?
mkdir -p "$d/new"
cp "$d/c.yaml" "$d/new/"
"$WW" -r "$PCAP" -l "$d/new" -c "$d/new/c.yaml" >"$d/new/out" 2>"$d/new/err"
rc5=$?
rcli --raw lrange wwlist 0 -1 >"$d/list2.txt"
cat "$d/eve23.json" >/dev/null
nb=$(wc -l <"$d/list.txt")
tail -n +$((nb + 1)) "$d/list2.txt" >"$d/list45.txt"
cat "$d/eve.json" "$d/new/eve.json" >"$d/eve45.json"
first=$(head -1 "$d/new/eve.json" | jq .seq)
if [ "$rc4" -eq 0 ] && [ "$rc5" -eq 0 ] && [ "$first" = 1 ] &&
    cmp -s "$d/eve45.json" "$d/list45.txt"; then
	ok "a run with --fresh, then a new state with the same sensor name (seq from 1 again): all $(wc -l <"$d/eve45.json") records stored"
else
	notok "new state: exit $rc4 $rc5, first seq '$first', $(wc -l <"$d/list45.txt") stored of $(wc -l <"$d/eve45.json")" \
	    "$(cat "$d/new/err"; rcli keys 'wardwatch:seq:*')"
fi

# --- the script cache flushed during a run ----------------------------
d2="$d/flush"; mkdir -p "$d2"
conf "list" "flush" "      spool: { max-size: 16mb }" >"$d2/c.yaml"
python3 "$TRICKLE" "$PCAP" 30 3 | "$WW" -r - -l "$d2" -c "$d2/c.yaml" \
    >"$d2/out" 2>"$d2/err" &
wwpid=$!
k=0
while kill -0 "$wwpid" 2>/dev/null && [ $k -lt 40 ]; do
	sleep 0.1
	rcli script flush >/dev/null 2>&1
	k=$((k + 1))
done
wait "$wwpid"
rc=$?
rcli --raw lrange wwlistflush 0 -1 >"$d2/list.txt"
if [ "$rc" -eq 0 ] && [ -s "$d2/eve.json" ] && cmp -s "$d2/eve.json" "$d2/list.txt"; then
	ok "SCRIPT FLUSH $k times during a run: the script is loaded again (NOSCRIPT), every record once, in order"
else
	notok "script flush: exit $rc, $(wc -l <"$d2/list.txt") stored of $(wc -l <"$d2/eve.json")" \
	    "$(grep output "$d2/out" "$d2/err")"
fi

# --- two outputs of one sensor to one key -----------------------------
# Each counts its own seqs: the records of one are not taken for
# repeats because the other's seqs went further.
d4="$d/shared"; mkdir -p "$d4"
cat >"$d4/c.yaml" <<CONF
sensor-name: ward-redis-test
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      name: alerts
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: list, key: wwshared }
      types: [alert, device]
  - eve-log:
      name: flows
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: list, key: wwshared }
      types: [flow, dns]
CONF
"$WW" -r "$PCAP" -l "$d4" -c "$d4/c.yaml" >"$d4/out" 2>"$d4/err"
rc=$?
rcli --raw lrange wwshared 0 -1 | sort >"$d4/got"
jq -c 'select(.event_type as $t | ["alert","device","flow","dns"] | index($t))' \
    "$d4/eve.json" | sort >"$d4/want"
if [ "$rc" -eq 0 ] && [ -s "$d4/want" ] && cmp -s "$d4/want" "$d4/got"; then
	ok "two outputs (other types) to one list: all $(wc -l <"$d4/want") records of both stored"
else
	notok "two outputs to one list: exit $rc, $(wc -l <"$d4/got") stored of $(wc -l <"$d4/want")" \
	    "$(cat "$d4/err")"
fi

# --- an ACL user that may not run scripts ----------------------------
d3="$d/acl"; mkdir -p "$d3"
rcli acl setuser default -@scripting >/dev/null
conf "list" "acl" "" >"$d3/c.yaml"
"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d3" -c "$d3/c.yaml" \
    >"$d3/out" 2>"$d3/err"
rc=$?
stored=$(rcli llen wwlistacl)
if [ "$rc" -eq 2 ] && [ "$stored" = 0 ] &&
    grep -q 'may not run the deduplication script.*redis.dedupe: no' "$d3/err"; then
	ok "ACL without scripts: a clear error naming redis.dedupe: no, nothing stored, exit 2"
else
	notok "ACL without scripts: exit $rc, $stored stored" "$(cat "$d3/err")"
fi
conf "list" "acl" "" ", dedupe: no" >"$d3/c.yaml"
rm -f "$d3/eve.json"
"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d3" -c "$d3/c.yaml" \
    >"$d3/out" 2>"$d3/err"
rc=$?
rcli --raw lrange wwlistacl 0 -1 >"$d3/list.txt"
if [ "$rc" -eq 0 ] && [ -s "$d3/eve.json" ] && cmp -s "$d3/eve.json" "$d3/list.txt"; then
	ok "ACL without scripts, redis.dedupe: no: every record stored plainly"
else
	notok "redis.dedupe: no: exit $rc, $(wc -l <"$d3/list.txt") of $(wc -l <"$d3/eve.json")" \
	    "$(cat "$d3/err")"
fi
kill -9 "$redispid" 2>/dev/null

# --- a spool older than the state -------------------------------------
# A run spools its records while Redis is away; then its state is
# removed and a new one (seq from 1 again) sends that spool first: the
# spooled records keep the epoch of the state that numbered them, so
# the new state's records 1, 2... are not taken for them.
d="$tmp/oldspool"; mkdir -p "$d"; free_port
conf "list" "" "      spool: { max-size: 16mb }" >"$d/c.yaml"
"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d" -c "$d/c.yaml" \
    >"$d/out1" 2>"$d/err1"
rc1=$?
n1=$(wc -l <"$d/eve.json")
rm -f "$d"/wardwatch.db*
start_redis
"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" >"$d/out2" 2>"$d/err2"
rc2=$?
rcli --raw lrange wwlist 0 -1 >"$d/list.txt"
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$n1" -gt 0 ] &&
    [ "$(sed -n "$((n1 + 1))p" "$d/eve.json" | jq .seq)" = 1 ] &&
    cmp -s "$d/eve.json" "$d/list.txt"; then
	ok "a spool of $n1 records left by a removed state, sent by a new one: all $(wc -l <"$d/eve.json") records stored (each under its own epoch)"
else
	notok "spool older than the state: exit $rc1 $rc2, $(wc -l <"$d/list.txt") stored of $(wc -l <"$d/eve.json")" \
	    "$(cat "$d/err2"; diff "$d/eve.json" "$d/list.txt" | head -3 | cut -c1-100)"
fi
kill -9 "$redispid" 2>/dev/null
exit 0
