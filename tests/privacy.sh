#!/bin/sh
# privacy.sh - no patient data in the output (TAP): for every capture
# in pcaps/ that carries HL7, no value of a PID, NK1 or PV1 segment
# appears in any record (tests/privacy.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set --
for f in "$top_srcdir"/pcaps/*.pcap "$top_srcdir"/pcaps/*.pcapng; do
	grep -q -a 'PID|' "$f" && set -- "$@" "$f"
done
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no capture with HL7 patient segments"
	exit 0
fi
echo "1..$#"
i=0
for f in "$@"; do
	i=$((i + 1))
	name=$(basename "$f")
	mkdir -p "$tmp/$i"
	"$WW" -r "$f" -l "$tmp/$i" --test-mode >/dev/null 2>&1
	if out=$(/usr/bin/python3 "$top_srcdir/tests/privacy.py" "$f" \
	    "$tmp/$i/eve.json"); then
		echo "ok $i - $name: $(echo "$out" | tail -1)"
	else
		echo "not ok $i - $name: $(echo "$out" | tail -1)"
		echo "$out" | head -10 | sed 's/^/# /'
	fi
done
