#!/bin/sh
# jsonw-keys.sh - every key written through JSONW_KEY(), a JSONW_KV_*
# shorthand or a parser's wrapper of them (HL7_KV) is a string literal
# that needs no JSON escaping: the writer copies it as it is, quotes and
# colon included, without looking; and so is every protocol name in
# src/app/protocols.def, which app_emit() writes the same way as the key
# of its records' object (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
cd "$top_srcdir" || exit 1
echo "1..3"
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
# Protocol names: the APP_PROTO rows' second column, "..." of the same
# characters.
protos=$(grep -E '^[[:space:]]*APP_PROTO\(' src/app/protocols.def)
badp=$(printf '%s\n' "$protos" | grep -vE \
    '^[[:space:]]*APP_PROTO\([A-Z0-9_]+,[[:space:]]*"[A-Za-z0-9_.-]+",')
if [ -z "$protos" ]; then
	echo "not ok 3 - no APP_PROTO row found in src/app/protocols.def"
elif [ -z "$badp" ]; then
	echo "ok 3 - $(printf '%s\n' "$protos" | wc -l) protocol names" \
	    "need no escaping"
else
	echo "not ok 3 - protocol names that are not plain literals"
	printf '%s\n' "$badp" | cut -c1-200 | sed 's/^/# /'
fi
