#!/bin/sh
# eve-schema.sh - every record of the pcap regressions' golden files
# (tests/regress/expected/*.jsonl) validates against Suricata's EVE
# schema once Wardwatch's own objects are removed, as wardwatch-events(7)
# promises (TAP; one test per file).  The golden files hold every record
# shape the regressions make (alerts, device records, each protocol),
# which the corpus captures alone do not.  Skipped when the schema
# (../shared/conformance) or python3-jsonschema is absent.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
SCHEMA="$top_srcdir/../shared/conformance/suricata-eve/schema.json"
EXP="$top_srcdir/tests/regress/expected"

if [ ! -f "$SCHEMA" ]; then
	echo "1..0 # SKIP no schema at $SCHEMA"
	exit 0
fi
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "1..0 # SKIP python3-jsonschema not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ls "$EXP"/*.jsonl >"$tmp/list"
echo "1..$(wc -l <"$tmp/list")"
i=0
while read -r f; do
	i=$((i + 1))
	name=$(basename "$f" .jsonl)
	if /usr/bin/python3 "$top_srcdir/tests/eve-validate.py" "$SCHEMA" \
	    "$f" >"$tmp/out" 2>&1; then
		echo "ok $i - $name: $(tail -1 "$tmp/out")"
	else
		echo "not ok $i - $name: $(tail -1 "$tmp/out")"
		head -10 "$tmp/out" | sed 's/^/# /'
	fi
done <"$tmp/list"
