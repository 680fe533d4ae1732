#!/bin/sh
# summary.sh - what a run prints for its user (TAP): the first line of
# a run that continues an inventory, --fresh, the device table (header,
# medical devices first, the inventory's VLAN notation, devices new in
# this run), the alerts line, warnings for a full device table and a
# missing MAC registry, and what -T says it checked.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
P="$top_srcdir/pcaps"

echo "1..18"
i=0
ok() {
	i=$((i + 1))
	if [ "$1" = 0 ]; then
		echo "ok $i - $2"
	else
		echo "not ok $i - $2"
		sed 's/^/# /' "$tmp/out" | head -20
	fi
}

"$WW" -r "$P/ward.pcap" -l "$tmp/a" >"$tmp/out" 2>&1
head -1 "$tmp/out" | grep -q '^wardwatch: [0-9]* packets'
ok $? "a new inventory: the first line is the packet count"
grep -q '^    MAC  *VLAN IP  *CLASS  *VENDOR  *MODEL  *CONF  POLICY$' "$tmp/out"
ok $? "the device table has a header row"
# The first device listed is a medical one (ward.pcap has routers and
# servers on lower addresses of the same VLANs).
sed -n '/^    MAC /{n;p;q}' "$tmp/out" | grep -q \
    'patient-monitor\|infusion-pump\|ventilator\|dialysis\|imaging\|ultrasound\|lab-analyzer\|nurse-call'
ok $? "medical devices are listed first"
grep -q '^  alerts     0$' "$tmp/out"
ok $? "an alerts line, also when there are none"

"$WW" -r "$P/medical-mix.pcap" -l "$tmp/a" >"$tmp/out" 2>&1
head -1 "$tmp/out" | grep -q \
    '^wardwatch: continuing the inventory in .*a/wardwatch.db (25 devices'
ok $? "a continued inventory says so on the first line"
grep -q ' first seen in this run' "$tmp/out" &&
    grep -q '  NEW$' "$tmp/out" && grep -q '%  [a-z]* [0-9]*  *new$' "$tmp/out"
ok $? "devices first seen in this run are marked"
grep -q '^  alerts     [1-9][0-9]* (severity 1: 0, 2: [1-9]' "$tmp/out" &&
    grep -q '\[2\] 9100:1 WARDWATCH new device on a medical VLAN' "$tmp/out"
ok $? "alerts by severity and by signature"

"$WW" -r "$P/medical-mix.pcap" -l "$tmp/a" --fresh >"$tmp/out" 2>&1
! grep -q 'continuing' "$tmp/out" && [ -f "$tmp/a/wardwatch.db.old" ] &&
    grep -q -- '--fresh: the earlier inventory is kept as' "$tmp/out"
ok $? "--fresh starts a new inventory and keeps the old one as .old"

# A full device table is a warning the user reads.
cat >"$tmp/small.yaml" <<CONF
devices:
  max-devices: 16
CONF
"$WW" -r "$P/ward.pcap" -l "$tmp/b" -c "$tmp/small.yaml" >"$tmp/out" 2>&1
grep -q '^  WARNING    the device table was full (devices.max-devices 16): [0-9]* devices were not recorded' "$tmp/out"
ok $? "a full device table is a warning in the summary"
cat >"$tmp/nooui.yaml" <<CONF
devices:
  oui-dir: $tmp/nonexistent
CONF
"$WW" -r "$P/ward.pcap" -l "$tmp/c" -c "$tmp/nooui.yaml" >"$tmp/out" 2>&1
grep -q '^  WARNING    no MAC vendor registry' "$tmp/out"
ok $? "a missing MAC registry is a warning in the summary"
"$WW" -r "$P/tcp-basic.pcap" -l "$tmp/d" >"$tmp/out" 2>&1
grep -q '^    [0-9a-f:]\{17\}    - ' "$tmp/out" &&
    ! grep -q '^    [0-9a-f:]\{17\}    0 ' "$tmp/out"
ok $? "no VLAN is written \"-\", as the inventory writes it"

"$WW" -T >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^wardwatch: configuration (built-in): OK' \
    "$tmp/out" && grep -q '^wardwatch: fingerprints: [0-9]* for' \
    "$tmp/out" && grep -q '^wardwatch: MAC vendor registry .*assignments' \
    "$tmp/out"
ok $? "-T says what it checked"
"$WW" -T -c "$tmp/nooui.yaml" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'warning: no MAC vendor registry' "$tmp/out"
ok $? "-T: a missing MAC registry is the run's warning, not an error"
grep -q 'threat rules: \|rules: [0-9]* loaded' "$tmp/out" && grep -q 'policy: [0-9]* profiles' "$tmp/out"
ok $? "-T names the rules and the policy"

# devices.snapshot-interval: a full snapshot every minute of packet time
# (ward.pcap spans a little over three minutes with a quiet minute:
# two periodic ones), then the final one.
cat >"$tmp/snap.yaml" <<CONF
devices:
  snapshot-interval: 60
CONF
"$WW" -r "$P/ward.pcap" -l "$tmp/e" -c "$tmp/snap.yaml" --test-mode \
    >"$tmp/out" 2>&1
n=$(grep '"event":"snapshot"' "$tmp/e/eve.json" |
    sed 's/^{"timestamp":"\([^"]*\)".*/\1/' | sort -u | wc -l)
[ "$n" -ge 3 ]
ok $? "periodic snapshots: $n distinct snapshot times (want 3 or more)"
"$WW" -r "$P/ward.pcap" -l "$tmp/f" --test-mode >"$tmp/out" 2>&1
n=$(grep '"event":"snapshot"' "$tmp/f/eve.json" |
    sed 's/^{"timestamp":"\([^"]*\)".*/\1/' | sort -u | wc -l)
[ "$n" -eq 1 ]
ok $? "the default (a day): one snapshot, at the end of a short capture"

# devices.record: slim writes the identity without its reasons; "mac"
# leads the device object either way.
cat >"$tmp/slim.yaml" <<CONF
devices:
  record: slim
CONF
"$WW" -r "$P/ward.pcap" -l "$tmp/g" -c "$tmp/slim.yaml" --test-mode \
    >"$tmp/out" 2>&1
grep '"event_type":"device"' "$tmp/g/eve.json" >"$tmp/dev"
[ -s "$tmp/dev" ] && ! grep -q '"attributes"\|"evidence"\|"alternatives"' \
    "$tmp/dev" && [ "$(grep -c '"class":' "$tmp/dev")" -eq \
    "$(wc -l <"$tmp/dev")" ]
ok $? "devices.record: slim: identity without attributes or evidence"
grep '"event_type":"device"' "$tmp/f/eve.json" | grep -v '"routed":true' |
    grep -vc '"device":{"mac":' >"$tmp/n"
[ "$(cat "$tmp/n")" -eq 0 ] && grep -q '"evidence"' "$tmp/f/eve.json"
ok $? "\"mac\" leads every device object; full records keep the evidence"
