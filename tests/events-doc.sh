#!/bin/sh
# events-doc.sh - every anomaly in src/util/events.def is documented in
# wardwatch-events(7), and the page names no anomaly that does not
# exist (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
def="$top_srcdir/src/util/events.def"
man="$top_srcdir/man/wardwatch-events.7"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk -F'"' '/^WW_EV\(/ && $0 !~ /,[ \t]*CTR\)/ { print $2 }' "$def" |
    sort >"$tmp/def"
sed -n '/^\.Sh ANOMALIES/,/^\.Sh /s/^\.It Li //p' "$man" | sort >"$tmp/man"
echo "1..2"
missing=$(comm -23 "$tmp/def" "$tmp/man" | tr '\n' ' ')
extra=$(comm -13 "$tmp/def" "$tmp/man" | tr '\n' ' ')
if [ -z "$missing" ] && [ -s "$tmp/def" ]; then
	echo "ok 1 - all $(wc -l <"$tmp/def") anomalies documented"
else
	echo "not ok 1 - undocumented anomalies: $missing"
fi
if [ -z "$extra" ]; then
	echo "ok 2 - no documented anomaly is unknown"
else
	echo "not ok 2 - documented but not in events.def: $extra"
fi
