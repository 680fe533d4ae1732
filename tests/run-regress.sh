#!/bin/sh
# run-regress.sh - pcap regression tests (TAP).
#
# Each line of regress/TESTLIST is "name pcap [options...]": wardwatch
# reads pcaps/<pcap> in --test-mode with one worker and the output
# (stats memory figures removed, as they depend on the platform) must
# equal regress/expected/<name>.jsonl.  With UPDATE=1 (make
# regress-update [NAME=name]) the expected files are rewritten instead;
# review the diff.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
LIST="$top_srcdir/tests/regress/TESTLIST"
EXP="$top_srcdir/tests/regress/expected"
. "$top_srcdir/tests/golden.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi

normalise() {
	jq -c 'del(.stats.flow.memuse, .wardwatch.flow_memuse_peak,
	    .wardwatch.queue_memuse_peak,
	    .stats.defrag.memuse)' "$1"
}

n=$(grep -cv '^\s*\(#\|$\)' "$LIST")
[ -n "$NAME" ] && n=1
echo "1..$n"
i=0
grep -v '^\s*\(#\|$\)' "$LIST" | while read -r name pcap opts; do
	[ -n "$NAME" ] && [ "$NAME" != "$name" ] && continue
	i=$((i + 1))
	out="$tmp/$name"
	mkdir -p "$out"
	# From the source directory, so pcap_filename does not depend on
	# where the tree is.
	# shellcheck disable=SC2086
	(cd "$top_srcdir" && "$WW" -r "pcaps/$pcap" -l "$out" --test-mode \
	    --workers 1 -c tests/regress/conf/base.yaml \
	    $opts >"$out/stdout" 2>"$out/stderr")
	rc=$?
	if [ $rc -gt 2 ] || [ ! -f "$out/eve.json" ]; then
		echo "not ok $i - $name: exit $rc"
		sed 's/^/# /' "$out/stderr" | head -20
		continue
	fi
	normalise "$out/eve.json" >"$out/got.jsonl"
	golden_check "$i" "$name" "$out/got.jsonl" "$EXP/$name.jsonl" \
	    "make regress-update NAME=$name"
done
