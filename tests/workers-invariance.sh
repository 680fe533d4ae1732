#!/bin/sh
# workers-invariance.sh - the output of a run is the same set of
# records whatever the number of workers (TAP).  Stats records are left
# out: they report the worker count and per-worker memory.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
set -- "$top_srcdir"/pcaps/*.pcap "$top_srcdir"/pcaps/*.pcapng
echo "1..$#"
i=0
for f in "$@"; do
	i=$((i + 1))
	name=$(basename "$f")
	for n in 1 2 3; do
		mkdir -p "$tmp/$n"
		rm -f "$tmp/$n/eve.json"
		"$WW" -r "$f" -l "$tmp/$n" --test-mode --workers $n \
		    >/dev/null 2>&1
		jq -c 'select(.event_type != "stats")' "$tmp/$n/eve.json" |
		    sort >"$tmp/$n.out"
	done
	if [ ! -s "$tmp/1.out" ]; then
		echo "not ok $i - $name: no records"
	elif cmp -s "$tmp/1.out" "$tmp/2.out" &&
	    cmp -s "$tmp/1.out" "$tmp/3.out"; then
		echo "ok $i - $name: $(wc -l <"$tmp/1.out") records with 1, 2 and 3 workers"
	else
		echo "not ok $i - $name: records differ between worker counts"
		diff "$tmp/1.out" "$tmp/3.out" | head -10 | sed 's/^/# /'
	fi
done
