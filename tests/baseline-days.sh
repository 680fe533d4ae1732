#!/bin/sh
# baseline-days.sh - the two-day ward scenario of issue 12 (TAP): learn
# on pcaps/ward-day1.pcap, then read pcaps/ward-day2.pcap (benign
# changes and one incident of every kind) and ward-day2-quiet.pcap
# (the benign changes only) each on its own copy of the learnt state,
# and score the alerts against pcaps/ward-days.truth with
# tests/days-score.py: every incident must raise a gid 9200 (policy) or
# 9300 (baseline, behaviour) alert with its explanation object, and
# the quiet day no such alert and no new-device alert for the moved
# device, the renewed ones or the router's addresses.
#
# Two tests run always: the truth names every kind of incident (so the
# scenario cannot lose one) and the scorer's own self-test.  The runs
# are skipped while `wardwatch --help` lists no --learn.  With the
# MaxMind test databases in ../shared/corpus/geoip the configuration
# names them (geoip:), so external peers get a country and an ASN.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAPS="$top_srcdir/pcaps"
TRUTH="$PCAPS/ward-days.truth"
SCORE="$top_srcdir/tests/days-score.py"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$tmp/msg"
	fi
}

/usr/bin/python3 "$SCORE" --kinds "$TRUTH" >"$tmp/msg" 2>&1
check $? "ward-days.truth has every kind of incident and benign change"
/usr/bin/python3 "$SCORE" --selftest "$TRUTH" >"$tmp/msg" 2>&1
check $? "days-score.py scores made-up alerts as it should"

if ! "$WW" --help 2>&1 | grep -q -e '--learn'; then
	n=$((n + 1))
	echo "ok $n # SKIP wardwatch has no --learn (no baselines yet)"
	echo "1..$n"
	exit 0
fi

cfg="$tmp/days.yaml"
cp "$top_srcdir/tests/days.yaml" "$cfg"
geo="$CORPUS/geoip"
if [ -f "$geo/GeoLite2-Country-Test.mmdb" ] &&
    [ -f "$geo/GeoLite2-ASN-Test.mmdb" ]; then
	printf 'geoip:\n  country-database: %s\n  asn-database: %s\n' \
	    "$geo/GeoLite2-Country-Test.mmdb" \
	    "$geo/GeoLite2-ASN-Test.mmdb" >>"$cfg"
fi

# run NAME PCAP DB [ARGS]: wardwatch into $tmp/NAME.
run() {
	name=$1 pcap=$2 db=$3
	shift 3
	mkdir "$tmp/$name"
	"$WW" --test-mode -c "$cfg" -r "$PCAPS/$pcap" --state "$db" \
	    -l "$tmp/$name" "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	tail -n 20 "$tmp/$name.out" >"$tmp/msg"
	check $rc "wardwatch -r $pcap${*:+ $*} exits 0"
}

run day1 ward-day1.pcap "$tmp/learnt.db" --learn
for f in "$tmp"/learnt.db*; do
	[ -f "$f" ] || continue
	cp "$f" "$tmp/day2${f#"$tmp"/learnt}"
	cp "$f" "$tmp/quiet${f#"$tmp"/learnt}"
done
run day2 ward-day2.pcap "$tmp/day2.db"
run quiet ward-day2-quiet.pcap "$tmp/quiet.db"

# Devices seen again after days: the quiet day a week later (every
# timestamp moved on by 7 days) on what the first day learnt.
/usr/bin/python3 - "$PCAPS/ward-day2-quiet.pcap" "$tmp/week.pcap" \
    604800 <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert struct.unpack("<I", b[:4])[0] == 0xa1b2c3d4
out, i = bytearray(b[:24]), 24
while i + 16 <= len(b):
    ts, us, incl, orig = struct.unpack("<IIII", b[i:i + 16])
    out += struct.pack("<IIII", ts + int(sys.argv[3]), us, incl, orig)
    out += b[i + 16:i + 16 + incl]
    i += 16 + incl
open(sys.argv[2], "wb").write(out)
PY
for f in "$tmp"/learnt.db*; do
	[ -f "$f" ] || continue
	cp "$f" "$tmp/week${f#"$tmp"/learnt}"
done
mkdir "$tmp/week"
"$WW" --test-mode -c "$cfg" -r "$tmp/week.pcap" --state "$tmp/week.db" \
    -l "$tmp/week" >"$tmp/week.out" 2>&1
rc=$?
/usr/bin/python3 - "$tmp/week/eve.json" >"$tmp/msg" 2>&1 <<'PY'
import json, sys
bad = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    a = r.get("alert")
    if a is None:
        continue
    # The quiet day's new monitor (B4) is new: the only one allowed.
    if a["gid"] in (9200, 9300) or (a["gid"] == 9100 and
            r.get("src_ip") != "10.10.0.29"):
        bad.append("%s %s:%s %s" % (r["timestamp"], a["gid"],
                                    a["signature_id"], a["signature"]))
print("\n".join(bad) or "none")
sys.exit(1 if bad else 0)
PY
py=$?
[ $rc -eq 0 ] && [ $py -eq 0 ]
check $? "a week later, devices seen again: no policy, baseline or new-device alert"

# A retrieval's destination, told apart: the C-GET by a title the site
# never saw is the behaviour (sid 26), the known viewer's C-GETs of
# every day are nothing.
/usr/bin/python3 - "$tmp/day2/eve.json" "$tmp/quiet/eve.json" \
    >"$tmp/msg" 2>&1 <<'PY'
import json, sys

def b26(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        a = r.get("alert") or {}
        if a.get("gid") == 9300 and a.get("signature_id") == 26:
            out.append(r.get("baseline", {}).get("seen", ""))
    return out

day2, quiet = b26(sys.argv[1]), b26(sys.argv[2])
ok = 'C-GET to AE title "GETSCU"' in day2 and \
    not any("RAD_RS" in s for s in day2) and not quiet
print("day2:", day2, "quiet:", quiet)
sys.exit(0 if ok else 1)
PY
check $? "C-GET as an unknown AE title is sid 26, the known viewer's are not"

# The same with privacy.pseudonyms on (the parser then reads every
# C-GET's identifier): the destination is still there.
cp "$cfg" "$tmp/days-ps.yaml"
printf 'privacy:\n  pseudonyms: true\n' >>"$tmp/days-ps.yaml"
for f in "$tmp"/learnt.db*; do
	[ -f "$f" ] || continue
	cp "$f" "$tmp/day2ps${f#"$tmp"/learnt}"
done
mkdir "$tmp/day2ps"
"$WW" --test-mode -c "$tmp/days-ps.yaml" -r "$PCAPS/ward-day2.pcap" \
    --state "$tmp/day2ps.db" -l "$tmp/day2ps" >"$tmp/msg" 2>&1 &&
grep '"signature_id":26,' "$tmp/day2ps/eve.json" | grep -q 'C-GET to AE title \\"GETSCU\\"'
check $? "with pseudonyms on, the C-GET by GETSCU is still sid 26"

# The scorer's TAP, numbered after ours; the plan comes last.
/usr/bin/python3 "$SCORE" --tap "$TRUTH" "$tmp/day2/eve.json" \
    "$tmp/quiet/eve.json" "$tmp/day1/eve.json" >"$tmp/score" 2>&1
awk -v n="$n" '
/^1\.\./ { next }
/^(not )?ok [0-9]+/ {
	neg = ($1 == "not")
	k = neg ? $3 : $2
	sub(/^(not )?ok [0-9]+/, "")
	printf "%sok %d%s\n", neg ? "not " : "", n + k, $0
	next
}
{ print }
' "$tmp/score"
m=$(grep -c -E '^(not )?ok [0-9]+' "$tmp/score")
if [ "$m" -eq 0 ]; then
	m=1
	echo "not ok $((n + 1)) - days-score.py gave no verdict"
	sed 's/^/# /' "$tmp/score"
fi
echo "1..$((n + m))"
