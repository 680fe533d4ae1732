#!/bin/sh
# privacy-pseudonyms.sh - patient identities never leave the sensor
# (TAP).  A generated capture (pcapgen baseline-phi) carries canary
# patient names, ids, addresses and study UIDs in HL7 admissions and
# DICOM queries and retrievals.  With privacy.pseudonyms off and on,
# no canary appears in any output: eve.json, the summary, the report,
# the state database, the inventory and baselines as the commands show
# them, and what rsyslog received.  Off, no record holds a pseudonym
# and the mass retrieval counts requests; on, it counts distinct
# studies of distinct patients, and the pseudonym in an alert is
# HMAC-SHA-256 of the patient id under the key (computed here),
# the same in a second run with that key, another with another key;
# without a key file one is made in the state directory, mode 0600,
# and kept.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
tmp=$(mktemp -d) || exit 1
rspid=
cleanup() {
	[ -n "$rspid" ] && kill "$rspid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "$KEEP" ] && trap - EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no pcaps/gen/pcapgen"
	exit 0
fi
"$GEN" baseline-phi "$tmp/phi.pcap" || {
	echo "Bail out! pcapgen baseline-phi failed"
	exit 1
}
echo "1..10"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1)); echo "not ok $n - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -10 | cut -c1-300 |
	    sed 's/^/# /'
}

# Every canary of scen_baseline_phi(), and first that the capture
# really carries each.
CANARIES="ZQCANARY XVCANARYALT CANARYSURNAME ZELDINA CANARYLANE QUIMBYTOWN
CANARYBED 3680043.9.7777 19480229"
missing=
for c in $CANARIES; do
	grep -q -a -F "$c" "$tmp/phi.pcap" || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "Bail out! the capture lacks canaries:$missing"
	exit 1
fi

# rsyslog on loopback TCP, if installed: what it stores is an output.
RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd 2>/dev/null)
port=$((30000 + $$ % 20000))
if [ -n "$RSYSLOGD" ]; then
	while ss -lntu 2>/dev/null | grep -q ":$port "; do
		port=$((port + 1))
	done
	mkdir -p "$tmp/rs/work"
	cat >"$tmp/rs/rs.conf" <<CONF
global(workDirectory="$tmp/rs/work" maxMessageSize="1m")
module(load="imtcp")
input(type="imtcp" port="$port" ruleset="r")
template(name="msgonly" type="string" string="%msg%\\n")
ruleset(name="r") {
  action(type="omfile" file="$tmp/rs/msg.txt" template="msgonly")
}
CONF
	"$RSYSLOGD" -n -f "$tmp/rs/rs.conf" -i "$tmp/rs/pid" \
	    >"$tmp/rs/log" 2>&1 &
	rspid=$!
	i=0
	while [ $i -lt 50 ] && ! ss -lnt 2>/dev/null | grep -q ":$port "; do
		sleep 0.1
		i=$((i + 1))
	done
fi

# run NAME [privacy lines...]: wardwatch over the capture into
# $tmp/NAME with eve.json, a syslog output and a report, then the
# inventory and baselines as text.
run() {
	d="$tmp/$1"
	shift
	mkdir -p "$d"
	{
		echo "outputs:"
		echo "  - eve-log:"
		echo "      filename: eve.json"
		if [ -n "$rspid" ]; then
			echo "  - eve-log:"
			echo "      filetype: syslog"
			echo "      server: 127.0.0.1"
			echo "      port: $port"
			echo "      transport: tcp"
		fi
		[ $# -gt 0 ] && echo "privacy:"
		for l in "$@"; do echo "  $l"; done
	} >"$d/c.yaml"
	"$WW" --test-mode -c "$d/c.yaml" -r "$tmp/phi.pcap" -l "$d" \
	    --report "$d/report.html" >"$d/stdout" 2>"$d/stderr"
	rc=$?
	"$WW" inventory --state "$d/wardwatch.db" --json >"$d/inventory.json" \
	    2>&1
	"$WW" baseline show --state "$d/wardwatch.db" >"$d/baseline.txt" 2>&1
}
# leaks DIR: the canaries found in any file of DIR
leaks() {
	for c in $CANARIES; do
		grep -r -l -a -F "$c" "$1" | sed "s|^|$c in |"
	done
}
# pseudonyms EVE: the patient pseudonyms of its alerts, sorted
pseudonyms() {
	python3 - "$1" <<'PY'
import json, sys
s = set()
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("baseline") or {}
    if "patient_pseudonym" in b:
        s.add(b["reason"] + "=" + b["patient_pseudonym"])
print(" ".join(sorted(s)))
PY
}
# retrieval EVE: what the mass retrieval alert saw
retrieval() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("baseline") or {}
    if b.get("reason") == "dicom-retrieve":
        print(b["seen"], b.get("studies", "-"), b.get("patients", "-"))
PY
}
# rs_wait DIR: until rsyslog holds as many records as every run so far
# wrote to eve.json (it may lag), at most 10 s
rs_wait() {
	[ -n "$rspid" ] || return 0
	sent=$((${sent:-0} + $(wc -l <"$1/eve.json")))
	i=0
	while [ $i -lt 50 ] &&
	    [ "$(cat "$tmp/rs/msg.txt" 2>/dev/null | wc -l)" -lt "$sent" ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

printf '0123456789abcdef\n' >"$tmp/k1"
printf 'fedcba9876543210\n' >"$tmp/k2"
# HMAC-SHA-256 under k1 of patients 3 (sent to a new AE title by
# DICOM) and 5 (admitted over HL7 to the internet)
expect=$(python3 -c '
import hmac, hashlib
print(hmac.new(b"0123456789abcdef", b"patient:ZQCANARY03",
               hashlib.sha256).hexdigest()[:16])')
expect5=$(python3 -c '
import hmac, hashlib
print(hmac.new(b"0123456789abcdef", b"patient:ZQCANARY05",
               hashlib.sha256).hexdigest()[:16])')

# 1-2: off.
run off
rs_wait "$tmp/off"
l=$(leaks "$tmp/off"; [ -n "$rspid" ] && leaks "$tmp/rs")
if [ "$rc" -eq 0 ] && [ -s "$tmp/off/eve.json" ] && [ -z "$l" ]; then
	ok "pseudonyms off: no canary in eve.json, summary, report, state, inventory, baselines${rspid:+, rsyslog}"
else
	nok "pseudonyms off: canaries leaked (exit $rc)" "$l"
fi
r=$(retrieval "$tmp/off/eve.json")
if [ -z "$(pseudonyms "$tmp/off/eve.json")" ] &&
    ! grep -q '"patients"\|patient_pseudonym' "$tmp/off/eve.json" &&
    [ "$r" = "25 studies retrieved (C-MOVE/C-GET requests) in 600s (threshold 25) - -" ]; then
	ok "pseudonyms off: no pseudonym in any record; the retrieval counts requests"
else
	nok "pseudonyms off: pseudonyms or counts of patients written" "$r"
fi

# 3-6: on, with a key file.
run on1 "pseudonyms: true" "key-file: $tmp/k1"
rs_wait "$tmp/on1"
l=$(leaks "$tmp/on1"; [ -n "$rspid" ] && leaks "$tmp/rs")
if [ "$rc" -eq 0 ] && [ -s "$tmp/on1/eve.json" ] && [ -z "$l" ]; then
	ok "pseudonyms on: no canary in eve.json, summary, report, state, inventory, baselines${rspid:+, rsyslog}"
else
	nok "pseudonyms on: canaries leaked (exit $rc)" "$l$(cat "$tmp/on1/stderr")"
fi
r=$(retrieval "$tmp/on1/eve.json")
p1=$(pseudonyms "$tmp/on1/eve.json")
if [ "$r" = "25 studies of 12 patients retrieved in 10 min (C-MOVE/C-GET; threshold 25) 25 12" ] &&
    echo " $p1 " | grep -q " dicom-new-ae=$expect " &&
    echo " $p1 " | grep -q " phi-to-internet=$expect5 "; then
	ok "pseudonyms on: 25 studies of 12 patients; the study sent to a new AE and the admission sent to the internet name HMAC(key, patient id)"
else
	nok "pseudonyms on: retrieval or pseudonyms wrong" "$r
$p1 (want dicom-new-ae=$expect phi-to-internet=$expect5)"
fi
if [ -n "$rspid" ]; then
	if grep -q "$expect" "$tmp/rs/msg.txt"; then
		ok "pseudonyms on: rsyslog received the pseudonym"
	else
		nok "pseudonyms on: no pseudonym at rsyslog" "$(cat "$tmp/rs/log")"
	fi
else
	n=$((n + 1)); echo "ok $n # SKIP rsyslog not installed"
fi
run on1b "pseudonyms: true" "key-file: $tmp/k1"
run on2 "pseudonyms: true" "key-file: $tmp/k2"
p1b=$(pseudonyms "$tmp/on1b/eve.json")
p2=$(pseudonyms "$tmp/on2/eve.json")
if [ -n "$p1" ] && [ "$p1" = "$p1b" ] && [ -n "$p2" ] &&
    [ "$(echo "$p1" | tr ' ' '\n' | sed 's/.*=//' | sort)" != "" ] &&
    ! echo "$p2" | grep -q "$expect" && [ "$p1" != "$p2" ] &&
    [ -z "$(leaks "$tmp/on2")" ]; then
	ok "pseudonyms on: the same with the same key in another run, others with another key"
else
	nok "pseudonyms on: not stable per key" "k1: $p1
k1 again: $p1b
k2: $p2"
fi

# 7-8: on, no key file: one is made in the state directory.
run gen1 "pseudonyms: true"
key="$tmp/gen1/pseudonym.key"
mode=$(stat -c %a "$key" 2>/dev/null)
size=$(stat -c %s "$key" 2>/dev/null)
g1=$(pseudonyms "$tmp/gen1/eve.json")
if [ "$rc" -eq 0 ] && [ "$mode" = 600 ] && [ "$size" = 32 ] &&
    [ -n "$g1" ] && [ "$g1" != "$p1" ] && [ -z "$(leaks "$tmp/gen1" |
    grep -v pseudonym.key)" ]; then
	ok "no key file: pseudonym.key made in the state directory (mode $mode, $size bytes)"
else
	nok "no key file: no key made (exit $rc, mode $mode, size $size)" \
	    "$(cat "$tmp/gen1/stderr")"
fi
rm -f "$tmp/gen1/eve.json"
cp "$key" "$tmp/key.before"
run gen1 "pseudonyms: true"
if [ "$rc" -eq 0 ] && cmp -s "$key" "$tmp/key.before" &&
    [ "$(pseudonyms "$tmp/gen1/eve.json")" = "$g1" ]; then
	ok "no key file: the next run reads the same key, same pseudonyms"
else
	nok "no key file: the key or the pseudonyms changed (exit $rc)"
fi

# 9-10: a bad key file stops the start; a run and -T say so.
printf 'short\n' >"$tmp/k3"
run bad "pseudonyms: true" "key-file: $tmp/k3"
"$WW" -T -c "$tmp/bad/c.yaml" >"$tmp/bad/T.out" 2>&1
trc=$?
if [ "$rc" -ne 0 ] && grep -q "privacy.pseudonyms: .*k3: key shorter than 16 bytes" "$tmp/bad/stderr" &&
    [ ! -s "$tmp/bad/eve.json" ] && [ "$trc" -eq 1 ] &&
    grep -q "privacy.pseudonyms: .*k3: key shorter than 16 bytes" "$tmp/bad/T.out"; then
	ok "a key shorter than 16 bytes: no start (exit $rc), said so, and -T says so"
else
	nok "a key shorter than 16 bytes: accepted (exit $rc)" \
	    "$(cat "$tmp/bad/stderr")"
fi
run missing "pseudonyms: true" "key-file: $tmp/none"
if [ "$rc" -ne 0 ] && grep -q "privacy.pseudonyms: .*none: No such file" "$tmp/missing/stderr"; then
	ok "a missing key file: no start (exit $rc), said so"
else
	nok "a missing key file: accepted (exit $rc)" \
	    "$(cat "$tmp/missing/stderr")"
fi
