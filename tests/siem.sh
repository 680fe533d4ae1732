#!/bin/sh
# siem.sh - the SIEM outputs against real collectors started on loopback
# (TAP): rsyslog receiving RFC 5424 over TCP (octet counting), UDP and
# TLS (certificates made here with openssl), CEF; redis-server for
# lists, channels and streams.  What each collector stored is compared
# with eve.json record for record.  Then faults: a collector away for a
# whole run (spool on: the next run delivers everything once, in order;
# spool off: the drop counter equals the missing records), a full spool,
# a collector stopped and started again during a run, a SIGHUP storm.
# Parts whose package is missing are skipped with a message
# (build-aux/deps.sh installs rsyslog, rsyslog-openssl, redis-server).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
TRICKLE="$top_srcdir/tests/pcap-trickle.py"
tmp=$(mktemp -d) || exit 1
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
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
N=23
echo "1..$N"

RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd 2>/dev/null)
REDIS=$(command -v redis-server)
REDISCLI=$(command -v redis-cli)
have_hiredis=no
grep -q '^#define HAVE_HIREDIS 1' "$top_builddir/config.h" 2>/dev/null &&
    have_hiredis=yes
have_ossl=no
[ -f /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ] ||
    ls /usr/lib/*/rsyslog/lmnsd_ossl.so >/dev/null 2>&1 && have_ossl=yes
if ! command -v jq >/dev/null 2>&1; then
	while [ $i -lt $N ]; do skip "jq not installed"; done
	exit 0
fi

# A port no one listens on (from this process's id, then upwards).
# Each test its own: a collector of the last test may still be going.
port=$((20000 + $$ % 20000))
free_port() {
	port=$((port + 1))
	while ss -ltnua 2>/dev/null | grep -q ":$port "; do
		port=$((port + 1))
	done
	p=$port
}

# rsyslogd in the foreground, storing each message's MSG alone
# (msg.txt) and its header fields (meta.txt) in directory $1, with the
# input given in $2.
start_rsyslog() {
	d=$1
	mkdir -p "$d/work"
	cat >"$d/rs.conf" <<CONF
global(workDirectory="$d/work" maxMessageSize="1m" $3)
$2
template(name="msgonly" type="string" string="%msg%\\n")
template(name="meta" type="string" string="%pri% %hostname% %app-name% %msgid% %structured-data%\\n")
ruleset(name="r") {
  action(type="omfile" file="$d/msg.txt" template="msgonly")
  action(type="omfile" file="$d/meta.txt" template="meta")
}
CONF
	"$RSYSLOGD" -n -f "$d/rs.conf" -i "$d/pid" >"$d/rs.log" 2>&1 &
	rspid=$!
	pids="$pids $rspid"
	# Ready when it listens.
	n=0
	while [ $n -lt 50 ] && ! ss -ltnu 2>/dev/null | grep -q ":$4 "; do
		sleep 0.1
		n=$((n + 1))
	done
}
# Stop it once its file has stopped growing (it may still be working
# through a burst; at shutdown it would discard what it queued).
stop_rsyslog() {
	n=0
	[ "$1" = now ] && n=100
	last=-1
	while [ $n -lt 100 ]; do
		cur=$(cat "$d/msg.txt" 2>/dev/null | wc -l)
		[ "$cur" -eq "$last" ] && break
		last=$cur
		sleep 0.3
		n=$((n + 1))
	done
	kill "$rspid" 2>/dev/null
	wait "$rspid" 2>/dev/null
}

# Records of eve.json of the given event types, as written.
select_types() {
	jq -c "select(.event_type as \$t | $2 | index(\$t))" "$1"
}

# wardwatch -r PCAP into $1 with config $2; output in $1/out, status $rc.
run() {
	d=$1
	shift
	"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" "$@" >"$d/out" 2>"$d/err"
	rc=$?
}

# The seqs of a file of EVE records (one per line).
seqs() { jq -r .seq "$1"; }

# --- rsyslog ----------------------------------------------------------
if [ -z "$RSYSLOGD" ]; then
	for t in tcp udp cef types tls tls-bad tls-name; do
		skip "rsyslog not installed (apt-get install rsyslog): $t"
	done
else
	# TCP, RFC 5424, octet counting; every type.
	d="$tmp/tcp"; mkdir -p "$d"; free_port
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $p
      transport: tcp
      facility: local3
CONF
	run "$d"
	sleep 0.5
	stop_rsyslog
	if [ "$rc" -eq 0 ] && [ -s "$d/eve.json" ] &&
	    cmp -s "$d/eve.json" "$d/msg.txt"; then
		ok "syslog TCP RFC 5424: rsyslog stored all $(wc -l <"$d/eve.json") records as eve.json, in order"
	else
		notok "syslog TCP RFC 5424: rsyslog's messages differ from eve.json (exit $rc)" \
		    "$(cat "$d/err" "$d/rs.log"; diff "$d/eve.json" "$d/msg.txt" | head -4)"
	fi
	# Header: PRI = local3 (19) * 8 + severity, APP-NAME, MSGID =
	# event type, SD with the sensor and the record's seq.
	jq -r '[(if .event_type == "alert" then
	    (if .alert.severity == 1 then 2 elif .alert.severity == 2 then 3
	    elif .alert.severity == 3 then 4 else 5 end)
	    elif .event_type == "anomaly" then 4
	    elif .event_type == "device" then 5 else 6 end) + 152,
	    .host, "wardwatch", .event_type,
	    "[wardwatch@32473 sensor=\"" + .host + "\" seq=\"" +
	    (.seq | tostring) + "\"]"] | map(tostring) | join(" ")' \
	    "$d/eve.json" >"$d/meta.want"
	if cmp -s "$d/meta.want" "$d/meta.txt"; then
		ok "syslog RFC 5424 header: PRI from facility and severity, APP-NAME, MSGID, SD sensor and seq"
	else
		notok "syslog RFC 5424 header fields differ" \
		    "$(diff "$d/meta.want" "$d/meta.txt" | head -6)"
	fi

	# UDP: one datagram per record.
	d="$tmp/udp"; mkdir -p "$d"; free_port
	start_rsyslog "$d" "module(load=\"imudp\")
input(type=\"imudp\" port=\"$p\" ruleset=\"r\" rcvbufSize=\"8m\")" "" "$p"
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $p
      transport: udp
      types: [alert, device, flow]
CONF
	run "$d"
	sleep 0.5
	stop_rsyslog
	select_types "$d/eve.json" '["alert","device","flow"]' >"$d/want"
	if [ "$rc" -eq 0 ] && [ -s "$d/want" ] && sort "$d/want" |
	    cmp -s - "$(sort "$d/msg.txt" >"$d/got.s"; echo "$d/got.s")"; then
		ok "syslog UDP: rsyslog stored the $(wc -l <"$d/want") alert, device and flow records of eve.json"
	else
		notok "syslog UDP: records differ (exit $rc)" \
		    "$(cat "$d/err"; wc -l "$d/want" "$d/msg.txt")"
	fi

	# CEF over TCP: one message per record, seq and event type in it.
	d="$tmp/cef"; mkdir -p "$d"; free_port
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $p
      format: cef
      types: [alert, device]
CONF
	run "$d"
	sleep 0.5
	stop_rsyslog
	select_types "$d/eve.json" '["alert","device"]' | jq -r '
	    "CEF:0|Wardwatch|wardwatch|" +
	    (if .event_type == "alert" then (.alert.signature_id | tostring)
	    else .event_type end) + "|" +
	    (if .event_type == "alert" then .alert.signature else .event_type end) +
	    "| cs1=" + .event_type + " cn1=" + (.seq | tostring)' >"$d/want"
	sed -E 's/^(CEF:0\|Wardwatch\|wardwatch\|)[^|]*\|([^|]*)\|(.*)\|[0-9]+\|.* cs1=([a-z]+) .*cn1=([0-9]+).*/\1\2|\3| cs1=\4 cn1=\5/' \
	    "$d/msg.txt" >"$d/got"
	if [ "$rc" -eq 0 ] && [ -s "$d/want" ] && cmp -s "$d/want" "$d/got"; then
		ok "CEF: one message per alert and device record of eve.json ($(wc -l <"$d/want")), SID, name, event type and seq"
	else
		notok "CEF: messages differ from eve.json (exit $rc)" \
		    "$(diff "$d/want" "$d/got" | head -6)"
	fi
	n_alert=$(grep -c '^CEF:0|Wardwatch|wardwatch|[^|]*|[0-9]*|.*|1[0]\?|rt=' "$d/msg.txt")
	if grep -q ' src=10\.' "$d/msg.txt" && grep -q ' smac=' "$d/msg.txt"; then
		ok "CEF: standard extension keys (src, smac, rt, ...)"
	else
		notok "CEF: no src= or smac= in the messages" "$(head -3 "$d/msg.txt")"
	fi

	# TLS: a CA, a server certificate for 127.0.0.1, another CA.
	if [ "$have_ossl" = no ]; then
		skip "rsyslog-openssl not installed: TLS"
		skip "rsyslog-openssl not installed: TLS bad certificate"
		skip "rsyslog-openssl not installed: TLS wrong name"
	else
		d="$tmp/tls"; mkdir -p "$d"; free_port
		(cd "$d" &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key \
		    -out ca.pem -days 2 -subj "/CN=ward test CA" &&
		openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr \
		    -subj "/CN=collector" &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:collector.test\n' >ext &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -out srv.pem -days 2 -extfile ext &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key \
		    -out other.pem -days 2 -subj "/CN=other CA") \
		    >"$d/openssl.log" 2>&1
		start_rsyslog "$d" "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"anon\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" \
		    "DefaultNetstreamDriver=\"ossl\" DefaultNetstreamDriverCAFile=\"$d/ca.pem\" DefaultNetstreamDriverCertFile=\"$d/srv.pem\" DefaultNetstreamDriverKeyFile=\"$d/srv.key\"" "$p"
		for case in good bad name; do
			ca=$d/ca.pem
			name=
			[ $case = bad ] && ca=$d/other.pem
			[ $case = name ] && name="      tls-name: someone.else"
			cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve-$case.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $p
      transport: tls
      ca-file: $ca
$name
CONF
			run "$d"
			cp "$d/err" "$d/err-$case"
			cp "$d/out" "$d/out-$case"
			rc_case=$rc
			sleep 0.5
			eval "rc_$case=\$rc_case"
		done
		stop_rsyslog
		if [ "$rc_good" -eq 0 ] && cmp -s "$d/eve-good.json" "$d/msg.txt"; then
			ok "syslog TLS: rsyslog (ossl) stored all $(wc -l <"$d/eve-good.json") records as eve.json"
		else
			notok "syslog TLS: records differ (exit $rc_good)" \
			    "$(cat "$d/err-good" "$d/rs.log" | head -8)"
		fi
		if [ "$rc_bad" -eq 2 ] && grep -q 'certificate of 127.0.0.1 not accepted' "$d/err-bad" &&
		    [ "$(wc -l <"$d/msg.txt")" -eq "$(wc -l <"$d/eve-good.json")" ]; then
			ok "syslog TLS: a certificate from another CA: a clear error, nothing sent (no plaintext), records counted lost"
		else
			notok "syslog TLS: bad certificate (exit $rc_bad)" \
			    "$(cat "$d/err-bad" | head -4)"
		fi
		if [ "$rc_name" -eq 2 ] && grep -q 'certificate of someone.else not accepted' "$d/err-name" &&
		    [ "$(wc -l <"$d/msg.txt")" -eq "$(wc -l <"$d/eve-good.json")" ]; then
			ok "syslog TLS: a certificate for another name is refused"
		else
			notok "syslog TLS: wrong name (exit $rc_name)" \
			    "$(cat "$d/err-name" | head -4)"
		fi
	fi
fi

# --- unix sockets and the local syslog socket -------------------------
# A listener on a unix socket that stores what it gets: stream bytes as
# they come, one line per datagram.
listen_unix() {
	python3 -c '
import socket, sys
path, kind, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX,
                  socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
s.bind(path)
with open(out, "wb") as f:
    if kind == "stream":
        s.listen(1)
        c, _ = s.accept()
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            f.write(b)
            f.flush()
    else:
        while True:
            f.write(s.recv(1 << 20) + b"\n")
            f.flush()
' "$1" "$2" "$3" &
	lpid=$!
	pids="$pids $lpid"
	n=0
	while [ $n -lt 50 ] && [ ! -S "$1" ]; do sleep 0.1; n=$((n + 1)); done
}
d="$tmp/unix"; mkdir -p "$d"
listen_unix "$d/stream.sock" stream "$d/stream.txt"
spid=$lpid
listen_unix "$d/dgram.sock" dgram "$d/dgram.txt"
dpid=$lpid
cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: unix_stream
      filename: $d/stream.sock
  - eve-log:
      filetype: unix_dgram
      filename: $d/dgram.sock
      types: [alert, device]
CONF
run "$d"
sleep 0.5
kill "$dpid" 2>/dev/null
wait "$spid" 2>/dev/null
select_types "$d/eve.json" '["alert","device"]' >"$d/want"
if [ "$rc" -eq 0 ] && cmp -s "$d/eve.json" "$d/stream.txt" &&
    cmp -s "$d/want" "$d/dgram.txt"; then
	ok "unix_stream (all $(wc -l <"$d/eve.json") records as JSON lines) and unix_dgram (the $(wc -l <"$d/want") alert and device records, one per datagram)"
else
	notok "unix sockets: exit $rc" "$(cat "$d/err"; wc -l "$d/eve.json" "$d/stream.txt" "$d/want" "$d/dgram.txt")"
fi
if [ -z "$RSYSLOGD" ]; then
	skip "rsyslog not installed: local syslog socket"
else
	d="$tmp/local"; mkdir -p "$d"
	mkdir -p "$d/work"
	cat >"$d/rs.conf" <<CONF
global(workDirectory="$d/work" maxMessageSize="1m")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$d/log" ruleset="r" UseSpecialParser="off" ParseHostname="on")
template(name="msgonly" type="string" string="%msg%\\n")
ruleset(name="r") { action(type="omfile" file="$d/msg.txt" template="msgonly") }
CONF
	"$RSYSLOGD" -n -f "$d/rs.conf" -i "$d/pid" >"$d/rs.log" 2>&1 &
	rspid=$!
	pids="$pids $rspid"
	n=0
	while [ $n -lt 50 ] && [ ! -S "$d/log" ]; do sleep 0.1; n=$((n + 1)); done
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: syslog
      filename: $d/log
      format: rfc3164
      types: [alert, device]
CONF
	run "$d"
	stop_rsyslog
	select_types "$d/eve.json" '["alert","device"]' >"$d/want"
	sed 's/^ //' "$d/msg.txt" >"$d/got"
	if [ "$rc" -eq 0 ] && [ -s "$d/want" ] && cmp -s "$d/want" "$d/got"; then
		ok "local syslog socket (rsyslog imuxsock), RFC 3164: the $(wc -l <"$d/want") alert and device records"
	else
		notok "local syslog socket: exit $rc" \
		    "$(cat "$d/err" "$d/rs.log"; wc -l "$d/want" "$d/got"; diff "$d/want" "$d/got" | head -3 | cut -c1-100)"
	fi
fi

# --- redis ------------------------------------------------------------
if [ -z "$REDIS" ] || [ -z "$REDISCLI" ] || [ "$have_hiredis" = no ]; then
	for t in list channel stream; do
		skip "redis-server, redis-cli or hiredis missing (apt-get install redis-server libhiredis-dev): $t"
	done
else
	d="$tmp/redis"; mkdir -p "$d"; free_port; rp=$p
	"$REDIS" --port "$rp" --bind 127.0.0.1 --save '' --appendonly no \
	    --dir "$d" >"$d/redis.log" 2>&1 &
	redispid=$!
	pids="$pids $redispid"
	n=0
	while [ $n -lt 50 ] && ! "$REDISCLI" -p "$rp" ping >/dev/null 2>&1; do
		sleep 0.1; n=$((n + 1))
	done
	"$REDISCLI" -p "$rp" subscribe wwchan >"$d/sub.txt" 2>&1 &
	subpid=$!
	pids="$pids $subpid"
	sleep 0.3
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: list, key: wwlist }
  - eve-log:
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: channel, key: wwchan }
  - eve-log:
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: stream, key: wwstream, maxlen: 100000 }
      types: [alert, device]
CONF
	run "$d"
	sleep 0.5
	"$REDISCLI" -p "$rp" --raw lrange wwlist 0 -1 >"$d/list.txt"
	if [ "$rc" -eq 0 ] && [ -s "$d/eve.json" ] && cmp -s "$d/eve.json" "$d/list.txt"; then
		ok "redis list (RPUSH): all $(wc -l <"$d/eve.json") records as eve.json, in order"
	else
		notok "redis list differs from eve.json (exit $rc)" \
		    "$(cat "$d/err"; wc -l "$d/list.txt")"
	fi
	kill "$subpid" 2>/dev/null
	grep '^{' "$d/sub.txt" >"$d/chan.txt"
	if cmp -s "$d/eve.json" "$d/chan.txt"; then
		ok "redis channel (PUBLISH): a subscriber got all records, in order"
	else
		notok "redis channel: the subscriber's records differ" \
		    "$(wc -l "$d/chan.txt"; head -3 "$d/sub.txt")"
	fi
	select_types "$d/eve.json" '["alert","device"]' >"$d/want"
	"$REDISCLI" -p "$rp" --raw xrange wwstream - + |
	    awk 'prev == "event" { print } { prev = $0 }' >"$d/stream.txt"
	"$REDISCLI" -p "$rp" --raw xrange wwstream - + |
	    awk 'prev == "seq" { print } { prev = $0 }' >"$d/stream.seq"
	jq -r .seq "$d/want" >"$d/want.seq"
	if cmp -s "$d/want" "$d/stream.txt" && cmp -s "$d/want.seq" "$d/stream.seq"; then
		ok "redis stream (XADD): the $(wc -l <"$d/want") alert and device records, with their seq"
	else
		notok "redis stream differs" "$(wc -l "$d/want" "$d/stream.txt")"
	fi
	kill "$redispid" 2>/dev/null
	wait "$redispid" 2>/dev/null
fi

# --- faults -------------------------------------------------------------
# Syslog over TCP to port $1 with a spool of $2 (0: none), types $3.
fault_conf() {
	{
		printf 'outputs:\n  - eve-log:\n      filename: eve.json\n'
		printf '  - eve-log:\n      filetype: syslog\n      server: 127.0.0.1\n'
		printf '      port: %s\n' "$1"
		[ -n "$3" ] && printf '      types: %s\n' "$3"
		[ "$2" != 0 ] && printf '      spool: { max-size: %s }\n' "$2"
	} >"$d/c.yaml"
}
# Check that file $1 holds records with seq strictly rising by one
# from $2 to $3; says what is wrong.
seq_run() {
	jq -r .seq "$1" | awk -v lo="$2" -v hi="$3" '
	    NR == 1 && $1 != lo { print "first seq " $1 ", want " lo; bad = 1; exit }
	    NR > 1 && $1 != prev + 1 { print "seq " $1 " after " prev; bad = 1; exit }
	    { prev = $1 }
	    END { if (!bad && prev != hi) print "last seq " prev ", want " hi }'
}
summary_field() {
	sed -n "s/.*output     syslog[^:]*: .*[^0-9]\([0-9][0-9]*\) $2.*/\1/p" "$1" | head -1
}

if [ -z "$RSYSLOGD" ]; then
	while [ $i -lt 20 ]; do skip "rsyslog not installed: faults"; done
else
	# A collector away for a whole run, spool on: exit 0, all spooled.
	d="$tmp/spool"; mkdir -p "$d"; free_port
	fault_conf "$p" 1mb '[alert, device, flow, dns]'
	run "$d"
	n1=$(select_types "$d/eve.json" '["alert","device","flow","dns"]' | wc -l)
	sp=$(summary_field "$d/out" 'spooled')
	if [ "$rc" -eq 0 ] && [ "$sp" = "$n1" ] && [ -s "$d"/syslog-*.spool ]; then
		ok "collector away, spool on: exit 0, all $n1 records in the spool"
	else
		notok "collector away, spool on: exit $rc, spooled '$sp' of $n1" \
		    "$(cat "$d/out" "$d/err" | grep -v '^    ')"
	fi
	# The next run, collector back: the spool first, then the new
	# records; every record once and in order of seq.
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	run "$d"
	sleep 0.5
	stop_rsyslog
	select_types "$d/eve.json" '["alert","device","flow","dns"]' >"$d/want"
	n=$(wc -l <"$d/want")
	if [ "$rc" -eq 0 ] && cmp -s "$d/want" "$d/msg.txt" &&
	    [ -z "$(seq_run "$d/msg.txt" 1 "$(tail -1 "$d/want" | jq .seq)" | grep -v 'seq .* after')" ] &&
	    grep -q "$n1 replayed" "$d/out"; then
		ok "collector back at the next start: the $n1 spooled records first, then the rest: all $n once, in order"
	else
		notok "spool replay at the next start (exit $rc)" \
		    "$(grep output "$d/out"; wc -l "$d/want" "$d/msg.txt"; diff "$d/want" "$d/msg.txt" | head -4)"
	fi
	# seq went on from the first run (the sensor's numbers never
	# restart); the records of the types not sent leave gaps only.
	first2=$(sed -n "$((n1 + 1))p" "$d/msg.txt" | jq .seq)
	last1=$(sed -n "${n1}p" "$d/msg.txt" | jq .seq)
	if [ -n "$first2" ] && [ "$first2" -gt "$last1" ] &&
	    [ "$(jq -r .seq "$d/eve.json" | sort -n | uniq -d | wc -l)" -eq 0 ]; then
		ok "seq goes on across runs: no number used twice in eve.json"
	else
		notok "seq across runs: $last1 then $first2" ""
	fi

	# Spool off, collector away: the drop counter is the missing records.
	d="$tmp/nospool"; mkdir -p "$d"; free_port
	fault_conf "$p" 0 '[alert, device]'
	run "$d"
	n=$(select_types "$d/eve.json" '["alert","device"]' | wc -l)
	dr=$(summary_field "$d/out" 'DROPPED')
	st=$(jq -r 'select(.event_type == "stats") | .wardwatch.outputs[] |
	    select(.filetype == "syslog") | .dropped' "$d/eve.json" | tail -1)
	if [ "$rc" -eq 2 ] && [ "$dr" = "$n" ] && grep -q "$n LOST" "$d/out"; then
		ok "collector away, no spool: exit 2, $n dropped = the alert and device records missing (summary)"
	else
		notok "no spool: exit $rc, dropped '$dr', want $n" \
		    "$(grep output "$d/out")"
	fi
	if [ -n "$st" ]; then
		ok "per-output counters in the stats record (dropped $st before the last records)"
	else
		notok "no wardwatch.outputs in the stats records" ""
	fi

	# A full spool drops the oldest and counts them; the newest arrive.
	d="$tmp/fullspool"; mkdir -p "$d"; free_port
	fault_conf "$p" 64kb '[flow, dns, device, alert]'
	run "$d"
	dr1=$(summary_field "$d/out" 'DROPPED')
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	rm -f "$d/eve.json"
	"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$d" -c "$d/c.yaml" \
	    >"$d/out2" 2>"$d/err2"
	sleep 0.5
	stop_rsyslog
	all=$(($(wc -l <"$d/msg.txt") + ${dr1:-0}))
	want=$(( $(select_types "$d/want1" '["flow","dns","device","alert"]' 2>/dev/null | wc -l) ))
	last=$(tail -1 "$d/msg.txt" | jq .seq)
	first=$(head -1 "$d/msg.txt" | jq .seq)
	if [ "$rc" -eq 2 ] && [ -n "$dr1" ] && [ "$dr1" -gt 0 ] &&
	    [ "$last" -eq $((first + $(wc -l <"$d/msg.txt") - 1)) ] &&
	    [ "$((first - 1))" -eq "$dr1" ] || [ "$((first - 1))" -ge "$dr1" ]; then
		ok "full spool: the oldest $dr1 dropped and counted, the rest delivered in order"
	else
		notok "full spool: exit $rc, dropped '$dr1', delivered $first..$last" \
		    "$(grep output "$d/out" "$d/out2")"
	fi

	# The collector stopped and started again during a run, twice:
	# with the spool, every record once, in order.
	d="$tmp/restart"; mkdir -p "$d"; free_port
	fault_conf "$p" 16mb '[flow, dns, device, alert, anomaly, hl7, dicom]'
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	python3 "$TRICKLE" "$PCAP" 40 4 | "$WW" -r - -l "$d" -c "$d/c.yaml" \
	    >"$d/out" 2>"$d/err" &
	wwpid=$!
	sleep 1
	stop_rsyslog now
	sleep 0.7
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	sleep 0.8
	stop_rsyslog now
	sleep 0.5
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	wait "$wwpid"
	rc=$?
	sleep 0.5
	stop_rsyslog
	select_types "$d/eve.json" '["flow","dns","device","alert","anomaly","hl7","dicom"]' >"$d/want"
	# Plain syslog over TCP has no acknowledgements: what rsyslog had
	# taken into its socket but not read when it stopped is lost
	# without anyone knowing (wardwatch.yaml(5)).  What arrives must be
	# in order, never twice, and every record from the last start on.
	bad=$(jq -r .seq "$d/msg.txt" | awk 'NR > 1 && $1 <= prev { print "seq " $1 " after " prev; exit } { prev = $1 }')
	missing=$(($(wc -l <"$d/want") - $(wc -l <"$d/msg.txt")))
	jq -c . "$d/msg.txt" | sort >"$d/got.s"
	sort "$d/want" | comm -13 - "$d/got.s" >"$d/extra"
	if [ "$rc" -eq 0 ] && [ -z "$bad" ] && [ ! -s "$d/extra" ] &&
	    [ "$(tail -1 "$d/want")" = "$(tail -1 "$d/msg.txt")" ] &&
	    grep -q ' [1-9][0-9]* reconnects' "$d/out"; then
		ok "collector stopped and started twice during a run: $(grep -o '[0-9]* reconnects' "$d/out") (fewer when a restart fell in a retry's back-off), records in order, none twice, none made up; $missing of $(wc -l <"$d/want") were in flight at the stops (no acknowledgements in plain syslog)"
	else
		notok "collector restarts: exit $rc, $bad, $(wc -l <"$d/extra") unknown records" \
		    "$(grep output "$d/out"; cat "$d/err" | head -3)"
	fi

	# The same with Redis, which acknowledges every command: every
	# record once, in order, across two restarts.
	if [ -z "$REDIS" ] || [ "$have_hiredis" = no ]; then
		skip "redis-server or hiredis missing: redis restarts"
	else
		d="$tmp/redis-restart"; mkdir -p "$d"; free_port; rp=$p
		start_redis() {
			"$REDIS" --port "$rp" --bind 127.0.0.1 --save '' \
			    --appendonly yes --appendfsync always --dir "$d" \
			    >>"$d/redis.log" 2>&1 &
			redispid=$!
			pids="$pids $redispid"
			n=0
			while [ $n -lt 50 ] && ! "$REDISCLI" -p "$rp" ping \
			    >/dev/null 2>&1; do
				sleep 0.1; n=$((n + 1))
			done
		}
		start_redis
		cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: redis
      server: 127.0.0.1
      port: $rp
      redis: { mode: list, key: ww }
      spool: { max-size: 16mb }
CONF
		python3 "$TRICKLE" "$PCAP" 40 4 | "$WW" -r - -l "$d" \
		    -c "$d/c.yaml" >"$d/out" 2>"$d/err" &
		wwpid=$!
		for pause in 1 0.8; do
			sleep "$pause"
			"$REDISCLI" -p "$rp" shutdown >/dev/null 2>&1
			wait "$redispid" 2>/dev/null
			sleep 0.6
			start_redis
		done
		wait "$wwpid"
		rc=$?
		sleep 0.3
		"$REDISCLI" -p "$rp" --raw lrange ww 0 -1 >"$d/list.txt"
		"$REDISCLI" -p "$rp" shutdown >/dev/null 2>&1
		# Redis answers every command, so nothing is lost; a command
		# it carried out whose answer a shutdown cut off is sent
		# again, and the output's script does not store it twice
		# (wardwatch.yaml(5); tests/siem-redis.sh kills it too): the
		# list is eve.json, with no repeats.
		awk '!seen[$0]++' "$d/list.txt" >"$d/dedup.txt"
		dups=$(($(wc -l <"$d/list.txt") - $(wc -l <"$d/dedup.txt")))
		if [ "$rc" -eq 0 ] && [ -s "$d/eve.json" ] &&
		    cmp -s "$d/eve.json" "$d/list.txt" &&
		    grep -q ' [1-9][0-9]* reconnects' "$d/out"; then
			ok "redis stopped and started twice during a run: all $(wc -l <"$d/eve.json") records exactly once, in order ($(grep -o '[0-9]* spooled' "$d/out"))"
		else
			notok "redis restarts: exit $rc, $(wc -l <"$d/list.txt") stored of $(wc -l <"$d/eve.json"), $dups repeats" \
			    "$(grep output "$d/out"; diff "$d/eve.json" "$d/dedup.txt" | head -3 | cut -c1-100)"
		fi
	fi

	# A SIGHUP storm while logrotate moves the file: every record is in
	# the files and at the collector.
	d="$tmp/hup"; mkdir -p "$d"; free_port
	fault_conf "$p" 0 ""
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	python3 "$TRICKLE" "$PCAP" 30 3 | "$WW" -r - -l "$d" -c "$d/c.yaml" \
	    >"$d/out" 2>"$d/err" &
	wwpid=$!
	sleep 0.3
	k=0
	while kill -0 "$wwpid" 2>/dev/null && [ $k -lt 200 ]; do
		[ $((k % 20)) -eq 0 ] && mv "$d/eve.json" "$d/eve.json.$k" 2>/dev/null
		pkill -HUP -P $$ -x wardwatch 2>/dev/null || kill -HUP "$wwpid" 2>/dev/null
		sleep 0.01
		k=$((k + 1))
	done
	wait "$wwpid"
	rc=$?
	sleep 0.5
	stop_rsyslog
	(cd "$d" && cat $(ls eve.json.* | sort -t. -k3 -n) $(ls eve.json 2>/dev/null)) \
	    >"$d/all.json"
	recs=$(sed -n 's/.*output .*: \([0-9]*\) records.*/\1/p' "$d/out")
	if [ "$rc" -eq 0 ] && [ "$(wc -l <"$d/all.json")" -eq "$recs" ] &&
	    cmp -s "$d/all.json" "$d/msg.txt"; then
		ok "SIGHUP storm ($k signals, $(ls "$d"/eve.json.* | wc -l) moves): all $recs records in the files and at the collector"
	else
		notok "SIGHUP storm: exit $rc, $(wc -l <"$d/all.json") lines, $recs records, $(wc -l <"$d/msg.txt") at the collector" \
		    "$(cat "$d/err" | head -5)"
	fi
fi

# A full disk under the local file (a 64 KiB tmpfs): the file loses
# records, counted; the collector still gets every one.
d="$tmp/enospc"; mkdir -p "$d/small"
if [ -z "$RSYSLOGD" ]; then
	skip "rsyslog not installed: full disk"
elif ! mount -t tmpfs -o size=64k tmpfs "$d/small" 2>/dev/null; then
	skip "cannot mount a tmpfs (not root, or no mount in this container): full disk"
else
	free_port
	start_rsyslog "$d" "module(load=\"imtcp\")
input(type=\"imtcp\" port=\"$p\" ruleset=\"r\")" "" "$p"
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: $d/small/eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $p
CONF
	"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" >"$d/out" 2>"$d/err"
	rc=$?
	stop_rsyslog
	recs=$(sed -n 's/.*output .*: \([0-9]*\) records.*/\1/p' "$d/out")
	lines=$(wc -l <"$d/small/eve.json")
	whole=$(grep -c '^{"timestamp":.*}$' "$d/small/eve.json")
	lost=$(sed -n "s|.*output     $d/small/eve.json: .* \([0-9]*\) DROPPED.*|\1|p" "$d/out")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq "$whole" ] &&
	    [ "$((lines + ${lost:-0}))" -eq "$recs" ] && [ "${lost:-0}" -gt 0 ] &&
	    [ "$(wc -l <"$d/msg.txt")" -eq "$recs" ]; then
		ok "full disk under the file: $lines whole lines + $lost dropped = $recs records; the collector got all $recs"
	else
		notok "full disk: exit $rc, $lines lines ($whole whole), '$lost' dropped, $recs records, $(wc -l <"$d/msg.txt") at the collector" \
		    "$(grep output "$d/out")"
	fi
	umount "$d/small"
fi
