#!/bin/sh
# manlint.sh - every manual page passes mandoc -Tlint at warning level
# (TAP; skipped without mandoc).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
command -v mandoc >/dev/null 2>&1 || { echo "1..0 # SKIP no mandoc"; exit 0; }
set -- "$top_srcdir"/man/*.[1-9]
echo "1..$#"
i=0
for m in "$@"; do
	i=$((i + 1))
	if out=$(mandoc -Tlint -Wwarning "$m" 2>&1); then
		echo "ok $i - $(basename "$m")"
	else
		echo "not ok $i - $(basename "$m")"
		echo "$out" | sed 's/^/# /'
	fi
done
