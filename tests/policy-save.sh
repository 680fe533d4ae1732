#!/bin/sh
# policy-save.sh - one device's policy set over its size limit does not
# keep every other device's from the state (TAP).  The limit (256 KiB)
# is lowered for the test (WARDWATCH_TEST_POLICY_SET_MAX) between the
# sizes of the ward capture's seen sets, with a save every second of
# packet time:
#  1. every set within the limit is in the state, as a run without the
#     limit saves it;
#  2. no set over it is, and each over it is said once, by its key.
# Skipped without sqlite3.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP sqlite3 not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
i=0
ok() { i=$((i + 1)); echo "ok $i - $1"; }
nok() {
	i=$((i + 1)); echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -8 | cut -c1-200 | sed 's/^/# /'
}
echo "1..2"
MAX=600

printf 'devices:\n  save-interval: 1\n' >"$tmp/c.yaml"
# run NAME [LIMIT]
run() {
	mkdir "$tmp/$1"
	WARDWATCH_TEST_POLICY_SET_MAX=$2 "$WW" --test-mode -r "$PCAP" \
	    -l "$tmp/$1" -c "$tmp/c.yaml" --state "$tmp/$1.db" \
	    >"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
	sqlite3 "$tmp/$1.db" "SELECT key || ' ' || length(value) || ' ' ||
	    hex(value) FROM meta WHERE key LIKE 'policy.%' ORDER BY key" \
	    >"$tmp/$1.sets"
}
run ref
run max "$MAX"
if [ "$(cat "$tmp/ref.rc")" != 0 ] || [ "$(cat "$tmp/max.rc")" != 0 ]; then
	nok "runs exited $(cat "$tmp/ref.rc") and $(cat "$tmp/max.rc")" \
	    "$(cat "$tmp/max.err")"
	nok "no state to check"
	exit 0
fi
awk -v m=$MAX '$2 < m' "$tmp/ref.sets" >"$tmp/within"
awk -v m=$MAX '$2 >= m { print $1 }' "$tmp/ref.sets" >"$tmp/over"
nw=$(wc -l <"$tmp/within")
no=$(wc -l <"$tmp/over")
if [ "$no" -lt 2 ] || [ "$nw" -lt 2 ]; then
	nok "the limit $MAX does not split the sets ($nw within, $no over)"
	nok "nothing to check"
	exit 0
fi
if grep -vxF -f "$tmp/max.sets" "$tmp/within" >"$tmp/missing" &&
    [ -s "$tmp/missing" ]; then
	nok "sets within $MAX bytes missing or changed beside $no over it: $(wc -l <"$tmp/missing") of $nw" \
	    "$(cut -d' ' -f1,2 "$tmp/missing"; cat "$tmp/max.err")"
else
	ok "all $nw sets within $MAX bytes saved beside $no over it"
fi
cut -d' ' -f1 "$tmp/max.sets" | grep -xF -f "$tmp/over" >"$tmp/saved-over"
sed -n "s/^wardwatch: policy: what \(policy\.[^ ]*\) did is over $MAX bytes: saved no further$/\1/p" \
    "$tmp/max.err" | sort >"$tmp/said"
if [ ! -s "$tmp/saved-over" ] && sort "$tmp/over" | cmp -s - "$tmp/said"
then
	ok "the $no sets over $MAX bytes are not saved, each said once"
else
	nok "sets over $MAX bytes: $(wc -l <"$tmp/saved-over") saved, $(wc -l <"$tmp/said") messages for $no" \
	    "$(sort "$tmp/over" | diff - "$tmp/said")"
fi
