#!/bin/sh
# iomt-rules.sh - every rule of rules/iomt.rules fires on its capture and
# stays silent on its near miss (TAP).  tests/iomt-rules.tsv names the
# pair of each sid (pcapgen scenarios of pcaps/gen/scen-iomt.c); a rule
# without a row, a row without a rule, a rule without the metadata the
# set promises, or a rule that does not load is a failure.
#
# The rule variables are set as a hospital would set them for the
# addresses the captures use (pcaps/gen/scen-iomt.c).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
RULES="$top_srcdir/rules/iomt.rules"
TABLE="$top_srcdir/tests/iomt-rules.tsv"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no generator at $GEN"
	exit 0
fi

cat >"$tmp/base.yaml" <<'EOF'
vars:
  address-groups:
    HOME_NET: "[10.0.0.0/8]"
    EXTERNAL_NET: "!$HOME_NET"
    MEDICAL_NET: "[10.20.0.0/16,10.30.0.0/16]"
    DICOM_CLIENTS: "[10.30.0.0/16]"
    PACS_SERVERS: "[10.30.0.40]"
    HL7_SERVERS: "[10.20.0.5]"
  port-groups:
    DICOM_PORTS: "[104,11112,4242]"
    HL7_PORTS: "[2575,6661]"
    TELNET_PORTS: "[23,2323]"
    MQTT_PORTS: "[1883]"
EOF
# The AE titles the site knows (sid 9200301), if this build reads them.
cp "$tmp/base.yaml" "$tmp/iomt.yaml"
cat >>"$tmp/iomt.yaml" <<'EOF'
dicom:
  known-ae-titles: [PACS_MAIN, WS_READ_01, CT_SCANNER_01]
EOF
if ! "$WW" -T -c "$tmp/iomt.yaml" >/dev/null 2>&1; then
	cp "$tmp/base.yaml" "$tmp/iomt.yaml"
fi

sids=$(sed -n 's/^alert .*[(; ]sid:\([0-9]*\);.*/\1/p' "$RULES")
rows=$(grep -v '^#' "$TABLE" | awk 'NF { print $1 }')
n_rules=$(echo "$sids" | wc -l)
n_rows=$(echo "$rows" | wc -l)
echo "1..$((2 * n_rows + 6))"
i=0

# --- the set itself -----------------------------------------------------

i=$((i + 1))
missing=
for s in $sids; do
	echo "$rows" | grep -qx "$s" || missing="$missing $s"
done
for s in $rows; do
	echo "$sids" | grep -qx "$s" || missing="$missing row:$s"
done
if [ -z "$missing" ] && [ "$n_rules" -ge 40 ]; then
	echo "ok $i - $n_rules rules, each with a capture pair"
else
	echo "not ok $i - rules and table differ ($n_rules rules):$missing"
fi

i=$((i + 1))
bad=$(grep '^alert' "$RULES" | awk '
{
	sid = $0; sub(/.*[(; ]sid:/, "", sid); sub(/;.*/, "", sid)
	if (sid < 9200000 || sid > 9200999) print sid " out of range"
	if ($0 !~ /msg:"WARDWATCH IOMT /) print sid " msg"
	if ($0 !~ /; rev:[0-9]+;/) print sid " rev"
	if ($0 !~ /; classtype:[a-z-]+;/) print sid " classtype"
	if ($0 !~ /metadata:.*affected_class [a-z-]+/) print sid " affected_class"
	if ($0 !~ /metadata:.*mitre_technique_id T0[0-9][0-9][0-9]/) print sid " mitre_technique_id"
	if ($0 !~ /metadata:.*mitre_tactic [A-Z]/) print sid " mitre_tactic"
	if ($0 !~ /metadata:.*severity_reason [a-zA-Z]/) print sid " severity_reason"
	if ($0 !~ /\)$/) print sid " not closed"
}')
if [ -z "$bad" ]; then
	echo "ok $i - every rule has msg, rev, classtype and the promised metadata"
else
	echo "not ok $i - rules lacking what the set promises"
	echo "$bad" | sed 's/^/# /'
fi

i=$((i + 1))
dups=$(echo "$sids" | sort | uniq -d)
if [ -z "$dups" ]; then
	echo "ok $i - no sid twice"
else
	echo "not ok $i - duplicate sids:" $dups
fi

# Every class a rule names is one the inventory knows.
i=$((i + 1))
classes=$(sed -n 's/.*\[FP_CLASS_[A-Z_]*\] = "\([a-z-]*\)".*/\1/p' \
    "$top_srcdir/src/device/fpdb.c")
badc=
for c in $(grep -o 'affected_class [a-z-]*\|device\.[a-z]*_class:[a-z,-]*' \
    "$RULES" | sed 's/^affected_class //; s/^device\.[a-z]*_class://' |
    tr ',' '\n' | sort -u); do
	echo "$classes" | grep -qx "$c" || badc="$badc $c"
done
if [ -z "$badc" ]; then
	echo "ok $i - every device class named is an inventory class"
else
	echo "not ok $i - unknown device classes:$badc"
fi

# Every rule has its entry in wardwatch-rules(7), SHIPPED RULES.
i=$((i + 1))
doc="$top_srcdir/man/wardwatch-rules.7"
undoc=
for s in $sids; do
	grep -q "^\.It Sy $s No " "$doc" || undoc="$undoc $s"
done
if [ -z "$undoc" ]; then
	echo "ok $i - every rule documented in $(basename "$doc")"
else
	echo "not ok $i - rules missing from $(basename "$doc"):$undoc"
fi

# --- loading ------------------------------------------------------------

i=$((i + 1))
"$WW" -T -c "$tmp/iomt.yaml" -S "$RULES" >"$tmp/load.out" 2>"$tmp/load.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "rules: $n_rules loaded, 0 skipped" \
    "$tmp/load.out" "$tmp/load.err"; then
	echo "ok $i - all $n_rules rules load"
else
	echo "not ok $i - loading the rules (exit $rc)"
	cat "$tmp/load.out" "$tmp/load.err" | head -20 | sed 's/^/# /'
fi

# --- each rule on its captures -------------------------------------------

# alerts SCENARIO: the sids alerted on that capture, one a line (cached).
alerts() {
	if [ ! -f "$tmp/$1.sids" ]; then
		if ! "$GEN" "$1" "$tmp/$1.pcap" 2>"$tmp/$1.gen"; then
			echo "generator failed" >"$tmp/$1.err"
			: >"$tmp/$1.sids"
			return
		fi
		mkdir -p "$tmp/$1"
		"$WW" -r "$tmp/$1.pcap" -c "$tmp/iomt.yaml" -S "$RULES" \
		    -l "$tmp/$1" >/dev/null 2>"$tmp/$1.err"
		if [ -f "$tmp/$1/eve.json" ]; then
			grep '"event_type":"alert"' "$tmp/$1/eve.json" |
			    sed -n 's/.*"signature_id":\([0-9]*\).*/\1/p' |
			    sort -u >"$tmp/$1.sids"
		else
			: >"$tmp/$1.sids"
		fi
	fi
	cat "$tmp/$1.sids"
}

grep -v '^#' "$TABLE" | awk 'NF { print $1, $2, $3 }' >"$tmp/rows"
while read -r sid pos neg; do
	msg=$(sed -n "s/^alert .*msg:\"\([^\"]*\)\".*[(; ]sid:$sid;.*/\1/p" \
	    "$RULES")
	i=$((i + 1))
	if alerts "$pos" | grep -qx "$sid"; then
		echo "ok $i - $sid fires on $pos ($msg)"
	else
		echo "not ok $i - $sid does not fire on $pos ($msg)"
		grep -h "sid $sid\b" "$tmp/load.err" "$tmp/$pos.err" \
		    2>/dev/null | head -2 | sed 's/^/# /'
		head -3 "$tmp/$pos.err" 2>/dev/null | sed 's/^/# /'
	fi
	i=$((i + 1))
	alerts "$neg" >/dev/null
	if [ -s "$tmp/$neg.err" ] && [ ! -f "$tmp/$neg/eve.json" ]; then
		echo "not ok $i - $sid near miss $neg did not run"
		head -3 "$tmp/$neg.err" | sed 's/^/# /'
	elif alerts "$neg" | grep -qx "$sid"; then
		echo "not ok $i - $sid fires on its near miss $neg"
	else
		echo "ok $i - $sid silent on $neg"
	fi
done <"$tmp/rows"
