#!/bin/sh
# jsonw-keys.sh - every key written through JSONW_KEY(), a JSONW_KV_*
# shorthand or a parser's wrapper of them (HL7_KV) is a string literal
# that needs no JSON escaping: the writer copies it as it is, quotes and
# colon included, without looking (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
cd "$top_srcdir" || exit 1
echo "1..2"
# JSONW_KEY, JSONW_KV_* and HL7_KV*, which wrap them (add a parser's
# own here): their uses, not their definitions (which pass k on) nor
# comments.
uses=$(grep -rnE '(JSONW|HL7)_(RUN_)?(KEY|KV(_[A-Z]+)?)\(' src --include='*.c' \
    --include='*.h' | grep -vE '^[^:]+:[0-9]+:(#define| \*|/\*)' |
    grep -vE '_(KEY|KV(_[A-Z]+)?)\([a-z]+, k[,)]')
# The key, on the same line as the macro's name: "..." of [A-Za-z0-9_.-].
bad=$(printf '%s\n' "$uses" | grep -vE \
    '_(KEY|KV(_[A-Z]+)?)\([^,"]*, "[A-Za-z0-9_.-]+"[,)]')
if [ -n "$uses" ]; then
	echo "ok 1 - $(printf '%s\n' "$uses" | wc -l) uses found"
else
	echo "not ok 1 - no use of JSONW_KEY found in src"
fi
if [ -z "$bad" ]; then
	echo "ok 2 - every literal key needs no escaping"
else
	echo "not ok 2 - keys that are not plain literals"
	printf '%s\n' "$bad" | cut -c1-200 | sed 's/^/# /'
fi
