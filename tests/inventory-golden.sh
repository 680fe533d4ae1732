#!/bin/sh
# inventory-golden.sh - the inventory a run leaves in the state
# database, field by field, against golden files (TAP).
#
# The state's schema and its writer change for speed (issue 11: rows
# batched, evidence packed one row a device); what "wardwatch
# inventory" reads back must not.  Each case runs wardwatch in
# --test-mode and compares "inventory --json" and "inventory --peers
# --json" with tests/regress/inventory/<case>.jsonl:
#  - ward: pcaps/ward.pcap, one worker;
#  - ward-again: the same capture again on the same state (a sensor's
#    second run: an existing state loaded, updated and saved);
#  - hospital: a pcapgen hospital scenario (60 devices asked for, HL7,
#    DICOM, DHCP churn), two workers.
# UPDATE=1 rewrites the golden files instead (make inventory-update);
# review the diff: any change must be a fix, said in the commit.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
WARD="$top_srcdir/pcaps/ward.pcap"
EXP="$top_srcdir/tests/regress/inventory"
. "$top_srcdir/tests/golden.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no generator at $GEN"
	exit 0
fi
if [ ! -s "$WARD" ]; then
	echo "1..0 # SKIP no $WARD"
	exit 0
fi
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
echo "1..8"

# run STATE PCAP WORKERS LOGDIR
run() {
	mkdir -p "$4"
	"$WW" --test-mode -r "$2" -l "$4" --state "$1" --workers "$3" \
	    >"$4.out" 2>&1
}
# check NAME STATE: both listings against the golden files
check() {
	for kind in devices peers; do
		got="$tmp/$1-$kind.jsonl"
		exp="$EXP/$1-$kind.jsonl"
		if [ "$kind" = peers ]; then
			"$WW" inventory --peers --json --state "$2" >"$got"
		else
			"$WW" inventory --json --state "$2" >"$got"
		fi
		rc=$?
		if [ $rc -ne 0 ] || [ ! -s "$got" ]; then
			nok "$1: inventory $kind (exit $rc, $(wc -l <"$got") lines)"
		else
			n=$((n + 1))
			golden_check "$n" \
			    "$1: inventory $kind, $(wc -l <"$got") lines" \
			    "$got" "$exp" "make inventory-update"
		fi
	done
}

if run "$tmp/ward.db" "$WARD" 1 "$tmp/w1"; then
	check ward "$tmp/ward.db"
else
	nok "ward: exit $?"; nok "ward: not run"
fi
if run "$tmp/ward.db" "$WARD" 1 "$tmp/w2"; then
	check ward-again "$tmp/ward.db"
else
	nok "ward-again: exit $?"; nok "ward-again: not run"
fi
if ! "$GEN" hospital "$tmp/h.pcap" --size-mb 2 --flows 300 --devices 60 \
    >/dev/null 2>&1; then
	nok "pcapgen hospital"; nok "pcapgen hospital"
elif run "$tmp/h.db" "$tmp/h.pcap" 2 "$tmp/h"; then
	check hospital "$tmp/h.db"
else
	nok "hospital: exit $?"; nok "hospital: not run"
fi
# The hospital's inventory does not depend on the number of workers.
if run "$tmp/h1.db" "$tmp/h.pcap" 1 "$tmp/h1" &&
    "$WW" inventory --json --state "$tmp/h1.db" >"$tmp/h1.jsonl" &&
    cmp -s "$tmp/h1.jsonl" "$tmp/hospital-devices.jsonl"; then
	ok "hospital: one worker's inventory is two workers'"
else
	nok "hospital: one worker's inventory differs from two workers'"
fi
# The golden files hold devices (not an empty listing passing).
if [ "$(grep -c '"mac"' "$EXP/hospital-devices.jsonl" 2>/dev/null)" -ge 50 ]; then
	ok "hospital: the golden inventory holds $(wc -l <"$EXP/hospital-devices.jsonl") devices"
else
	nok "hospital: the golden inventory holds fewer than 50 devices"
fi
