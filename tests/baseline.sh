#!/bin/sh
# baseline.sh - baselines and attack behaviour end to end (TAP), on the
# generated ward days of pcaps/gen/scen-baseline.c: a --learn run over
# the first day raises no baseline alert; the next day's incidents are
# each detected with an explanation (detections counted); a quiet day
# of benign change raises none (false alarms counted); learning
# survives a stop (learn the morning, stop, resume in the afternoon,
# enforce the next day); the behaviours fire in a learning run too and
# follow their thresholds in the config; "wardwatch baseline show" and
# "reset" work on the state database; no alert names the patient.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no pcaps/gen/pcapgen"
	exit 0
fi
for s in day1 day1-am day1-pm day2 quiet; do
	"$GEN" "baseline-$s" "$tmp/$s.pcap" || {
		echo "Bail out! pcapgen baseline-$s failed"
		exit 1
	}
done

WS=54:bf:64:20:01:01
MON=00:09:fb:20:00:31
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {	# check "what" command...
	what=$1
	shift
	if "$@"; then ok "$what"; else nok "$what"; fi
}
run() {		# run DIR ARGS...: wardwatch -r, quietly, test mode
	d=$1
	shift
	mkdir -p "$d"
	"$WW" --test-mode -l "$d" "$@" >"$d/stdout" 2>"$d/stderr"
}
# sids EVE: the gid 9300 signature ids, sorted, unique, one line
sids() {
	python3 - "$1" <<'EOF'
import json, sys
s = set()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event_type") == "alert" and r["alert"]["gid"] == 9300:
        s.add(r["alert"]["signature_id"])
print(" ".join(str(x) for x in sorted(s)))
EOF
}
# explained EVE: every gid 9300 alert explains itself (reason, state,
# what was expected or the threshold, what was seen, the device)
explained() {
	python3 - "$1" <<'EOF'
import json, sys
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event_type") != "alert" or r["alert"]["gid"] != 9300:
        continue
    b = r.get("baseline", {})
    ok = (b.get("reason") and b.get("state") in ("learning", "enforcing")
          and b.get("seen") and ("expected" in b or "threshold" in b)
          and r.get("wardwatch", {}).get("src_device", {}).get("class")
          and r["alert"]["category"] in ("Baseline Deviation",
                                          "Attack Behaviour"))
    if not ok:
        bad += 1
        print("# unexplained:", line.strip()[:300])
sys.exit(1 if bad else 0)
EOF
}
show() {	# show DB [DEVICE]: wardwatch baseline show
	if [ -n "$2" ]; then
		"$WW" baseline show --state "$1" --device "$2"
	else
		"$WW" baseline show --state "$1"
	fi
}

echo "1..26"

# Learn the first day.
run "$tmp/l1" -r "$tmp/day1.pcap" --learn --state "$tmp/a.db"
check "a --learn run over the first day exits 0" test $? -eq 0
check "the learning day raises no baseline alert" \
    test -z "$(sids "$tmp/l1/eve.json")"
grep -q "baselines  0 learning, 7 enforcing from the next run" \
    "$tmp/l1/stdout"
check "the summary says every device enforces from the next run" \
    test $? -eq 0
cp "$tmp/a.db" "$tmp/learned.db"
show "$tmp/a.db" "$WS" >"$tmp/show-ws" 2>&1
check "baseline show --device: the workstation enforces" \
    grep -q "state      enforcing" "$tmp/show-ws"
check "baseline show --device: it starts conversations 08-17" \
    grep -q "hours      08-17" "$tmp/show-ws"
check "baseline show --device: its AE pair and commands" \
    grep -q "RADWS1.*PACS01" "$tmp/show-ws"

# The day of incidents against it: each detected, with its explanation.
run "$tmp/d2" -r "$tmp/day2.pcap" --state "$tmp/a.db"
got=$(sids "$tmp/d2/eve.json")
want="1 2 3 8 10 11 20 22 23 25 26 27 28 29"
found=0
missed=
for s in $want; do
	case " $got " in
	*" $s "*) found=$((found + 1)) ;;
	*) missed="$missed $s" ;;
	esac
done
echo "# detections: $found of $(echo $want | wc -w) incidents" \
    "(sids seen: $got)"
check "every incident of the second day is detected (missed:$missed)" \
    test -z "$missed"
check "every baseline alert explains itself" explained "$tmp/d2/eve.json"
python3 - "$tmp/d2/eve.json" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event_type") == "alert" and r["alert"]["gid"] == 9300 \
       and r["alert"]["signature_id"] == 11:
        b = r["baseline"]
        sys.exit(0 if "08-17" in b["expected"] and "hour 03" in b["seen"]
                 else 1)
sys.exit(1)
EOF
check "off hours: expected 08-17, seen at 03" test $? -eq 0
python3 - "$tmp/d2/eve.json" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event_type") == "alert" and r["alert"]["gid"] == 9300 \
       and r["alert"]["signature_id"] == 8:
        b = r["baseline"]
        if b["observed"] > b["upper_bound"] >= b["median"]:
            sys.exit(0)
sys.exit(1)
EOF
check "volume: observed over the robust upper bound" test $? -eq 0
check "no baseline alert names the patient" \
    test "$(grep '"gid":9300' "$tmp/d2/eve.json" | grep -c 'DOE\|000000')" \
    -eq 0

# The quiet day: benign change only.
cp "$tmp/learned.db" "$tmp/q.db"
run "$tmp/q" -r "$tmp/quiet.pcap" --state "$tmp/q.db"
fa=$(grep -c '"gid":9300' "$tmp/q/eve.json")
echo "# false alarms on the quiet day: $fa"
check "the quiet day raises no baseline alert" test "$fa" -eq 0
show "$tmp/q.db" 00:09:fb:20:00:32 >"$tmp/show-new" 2>&1
check "a new monitor on the quiet day is learning" \
    grep -q "state      learning" "$tmp/show-new"
show "$tmp/q.db" 00:12:21:20:00:41 >"$tmp/show-moved" 2>&1
check "the pump moved to VLAN 21 kept its baseline" \
    test "$(grep -c 'vlan 2[01] .*\|state      enforcing' \
    "$tmp/show-moved")" -eq 4

# Learn, stop, resume, enforce: a one-day learning period over two
# runs, then the next day.
printf 'baseline:\n  learning-period: 1d\n' >"$tmp/p.yaml"
run "$tmp/p1" -c "$tmp/p.yaml" -r "$tmp/day1-am.pcap" --state "$tmp/p.db"
show "$tmp/p.db" "$MON" >"$tmp/p1-show" 2>&1
check "the morning: the monitor is learning, until the next day" \
    grep -q "state      learning, learning since 2026-11-02T00:0.* until 2026-11-03T00:0" \
    "$tmp/p1-show"
am=$(sed -n 's/^    ORU^R01 *\([0-9]*\) .*/\1/p' "$tmp/p1-show")
run "$tmp/p2" -c "$tmp/p.yaml" -r "$tmp/day1-pm.pcap" --state "$tmp/p.db"
show "$tmp/p.db" "$MON" >"$tmp/p2-show" 2>&1
pm=$(sed -n 's/^    ORU^R01 *\([0-9]*\) .*/\1/p' "$tmp/p2-show")
check "the afternoon resumes what the morning learned ($am, then $pm messages)" \
    test -n "$am" -a -n "$pm" -a "$pm" -gt "$am"
check "the afternoon still learns" grep -q "state      learning" \
    "$tmp/p2-show"
run "$tmp/p3" -c "$tmp/p.yaml" -r "$tmp/day2.pcap" --state "$tmp/p.db"
got=$(sids "$tmp/p3/eve.json")
case " $got " in
*" 10 "*" 28 "*) r=0 ;;
*) r=1 ;;
esac
check "the next day the monitor enforces: HL7 to the internet is a new destination ($got)" \
    test $r -eq 0

# The behaviours apply while learning; deviations wait.
run "$tmp/b1" -r "$tmp/day2.pcap" --learn --state "$tmp/b.db"
got=$(sids "$tmp/b1/eve.json")
check "a learning run detects the behaviours, not deviations ($got)" \
    test "$got" = "20 22 23 25 26 27 28 29"
printf 'baseline:\n  detections:\n    scan:\n      peers: 0\n    smb:\n      files: 100\n' \
    >"$tmp/t.yaml"
run "$tmp/b2" -c "$tmp/t.yaml" -r "$tmp/day2.pcap" --learn \
    --state "$tmp/b2.db"
got=$(sids "$tmp/b2/eve.json")
check "thresholds come from the config (no scan, no ransomware: $got)" \
    test "$got" = "22 25 26 27 28 29"
printf 'baseline:\n  learning-period: 7x\n' >"$tmp/bad.yaml"
"$WW" -T -c "$tmp/bad.yaml" >/dev/null 2>"$tmp/bad.err"
check "a bad duration is a file:line:col error" \
    grep -q "bad.yaml:2:20: baseline.learning-period: expected a duration" \
    "$tmp/bad.err"

# reset
"$WW" policy suggest --state "$tmp/a.db" --device "$WS" >"$tmp/sug-before" \
    2>&1
"$WW" baseline reset --state "$tmp/a.db" --device "$WS" >/dev/null 2>&1
check "baseline reset --device exits 0" test $? -eq 0
show "$tmp/a.db" "$WS" >"$tmp/show-reset" 2>&1
check "after a reset the device has no baseline" \
    grep -q "no baseline" "$tmp/show-reset"
"$WW" policy suggest --state "$tmp/a.db" --device "$WS" >"$tmp/sug-after" \
    2>&1
check "what the policy saw of it goes with the reset ($(grep -c port: "$tmp/sug-before") ports before, $(grep -c port: "$tmp/sug-after") after)" \
    test "$(grep -c port: "$tmp/sug-before")" -gt 0 -a \
    "$(grep -c port: "$tmp/sug-after")" -eq 0
"$WW" baseline reset --state "$tmp/a.db" >/dev/null 2>&1
nk=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM meta WHERE key LIKE \x27policy.%\x27").fetchone()[0])' \
    "$tmp/a.db")
check "baseline reset of every device leaves no policy key ($nk)" \
    test "$nk" -eq 0
"$WW" baseline reset --state "$tmp/a.db" --device 02:00:00:00:00:99 \
    >/dev/null 2>&1
check "reset of an unknown device is a usage error" test $? -eq 1
