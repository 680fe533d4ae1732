#!/bin/sh
# continued-state.sh - what a continued run writes (TAP): the policy
# sets are kept in the compact form; a run that meets none of the
# inventory's devices (a capture without packets) leaves every device
# row and child row as it was (the end of a run rewrote them all: a
# third of a continued run's CPU on a hospital's inventory), and the
# inventory reads the same.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {	# check "what" test-expression...
	what=$1
	shift
	if "$@"; then ok "$what"; else nok "$what"; fi
}

if [ ! -s "$PCAP" ]; then
	echo "1..0 # SKIP no $PCAP"
	exit 0
fi
if ! python3 -c 'import sqlite3' 2>/dev/null; then
	echo "1..0 # SKIP no python3 sqlite3 module"
	exit 0
fi
echo "1..5"

# rows DB: every row of the device tables with its rowid, and the
# policy rows' first line.
rows() {
	python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("devices", "device_values", "device_claims", "device_evidence",
          "device_ips", "baselines", "baseline_items"):
    try:
        for r in db.execute("SELECT rowid, * FROM %s ORDER BY rowid" % t):
            print(t, r)
    except sqlite3.OperationalError:
        pass
for k, v in db.execute("SELECT key, value FROM meta WHERE key LIKE "
                       "'policy.%' ORDER BY key"):
    print(k, v.split("\n")[0])
EOF
}

mkdir "$tmp/l1" "$tmp/l2"
"$WW" -r "$PCAP" -l "$tmp/l1" --state "$tmp/s.db" --test-mode \
    >"$tmp/out1" 2>&1
check "ward.pcap runs with a state" [ $? -eq 0 ]
rows "$tmp/s.db" >"$tmp/rows1"
"$WW" inventory --state "$tmp/s.db" --csv >"$tmp/inv1" 2>&1
check "the policy sets are in the compact form" sh -c \
    "grep -q '^policy\.seen\..* wwpol 1\$' '$tmp/rows1' &&
    ! grep '^policy\.' '$tmp/rows1' | grep -qv ' wwpol 1\$'"

printf '\324\303\262\241\002\000\004\000\000\000\000\000' >"$tmp/empty.pcap"
printf '\000\000\000\000\377\377\000\000\001\000\000\000' >>"$tmp/empty.pcap"
"$WW" -r "$tmp/empty.pcap" -l "$tmp/l2" --state "$tmp/s.db" --test-mode \
    >"$tmp/out2" 2>&1
check "a continued run on a capture without packets" [ $? -eq 0 ]
rows "$tmp/s.db" >"$tmp/rows2"
check "no device, child row or policy set rewritten" \
    cmp -s "$tmp/rows1" "$tmp/rows2"
"$WW" inventory --state "$tmp/s.db" --csv >"$tmp/inv2" 2>&1
check "the inventory reads as before" sh -c "[ \$(wc -l <'$tmp/inv1') -gt 5 ] &&
    cmp -s '$tmp/inv1' '$tmp/inv2'"
