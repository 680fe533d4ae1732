#!/bin/sh
# inventory.sh - "wardwatch inventory" (TAP): the table, JSON lines and
# CSV read back by Python, the class filter, usage errors, and missing,
# damaged or newer databases (exit 1 or 2, the file left as it was).
# tests/unit/mkstate writes the sample inventory.  The read-only cases
# run as an unprivileged user (nobody through setpriv(1) or su(1) when
# the suite runs as root) on a copy in a directory that user cannot
# write.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
MKSTATE="${MKSTATE:-$top_builddir/tests/unit/mkstate}"
tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

# Until main() dispatches the command, "inventory --help" is the main
# usage (or an error): skip rather than fail.
if ! "$WW" inventory --help 2>/dev/null |
    grep -q '^usage: wardwatch inventory'; then
	echo "1..0 # SKIP $WW has no inventory command"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi
if ! "$MKSTATE" "$tmp/state.db"; then
	echo "Bail out! mkstate could not write the sample inventory"
	exit 1
fi
DB="$tmp/state.db"

echo "1..26"
i=0
ok() {
	i=$((i + 1))
	echo "ok $i - $1"
}
notok() {
	i=$((i + 1))
	echo "not ok $i - $1"
	sed 's/^/# /' "$tmp/err" | head -5
}
# check NAME WANT_STATUS PATTERN -- command...: PATTERN in stdout or stderr
check() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$name: exit $rc, want $want"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err" "$tmp/out"; then
		notok "$name: output lacks \"$pat\""
	else
		ok "$name"
	fi
}
# pycheck NAME FILE <<'PY' ... PY: the script reads FILE (argv[1]) and
# exits non-zero with a message on stderr when something is wrong.
pycheck() {
	name=$1
	if python3 - "$2" >"$tmp/pyout" 2>"$tmp/err"; then
		ok "$name"
	else
		notok "$name"
	fi
}

check "--help prints usage" 0 "^usage: wardwatch inventory" -- \
    "$WW" inventory --help

check "table" 0 "^5 devices$" -- "$WW" inventory --state "$DB"
cp "$tmp/out" "$tmp/table"
pycheck "table: columns aligned, rows by VLAN, IP, MAC" "$tmp/table" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
head = lines[0]
cols = ["MAC", "VLAN", "IP", "CLASS", "VENDOR", "MODEL", "SOFTWARE",
        "CONF", "RISK", "LAST SEEN"]
assert head.split("  ")[0] == "MAC", head
pos = [head.index(c) for c in cols]
assert pos == sorted(pos), head
rows = lines[1:6]
def cell(r, c):
    return r[pos[cols.index(c)]:].split()[0]
ips = [cell(r, "IP") for r in rows]
assert ips == ["192.0.2.10", "10.20.0.3", "10.20.0.5", "-", "fd00::10"], ips
assert cell(rows[0], "MAC") == "(routed)", rows[0]
assert cell(rows[0], "VLAN") == "-" and cell(rows[1], "VLAN") == "20"
assert cell(rows[1], "VENDOR") == "Dr\u00e4ger", rows[1]
assert cell(rows[2], "VENDOR") == "Baxter,", rows[2]
assert cell(rows[2], "CLASS") == "infusion-pump"
assert cell(rows[2], "CONF") == "80"
assert cell(rows[2], "LAST SEEN") == "2023-11-14T23:13:20Z", rows[2]
assert cell(rows[3], "MAC") == "00:09:fb:01:02:04"
assert cell(rows[4], "CLASS") == "unknown"
assert cell(rows[4], "VENDOR") == "\\xff\\xfeX", rows[4]
assert cell(rows[4], "MODEL") == "-"
assert lines[6] == "" and lines[7] == "5 devices", lines[6:8]
counts = [l.split() for l in lines[8:] if l]
assert counts == [["infusion-pump", "2"], ["pacs", "1"],
                  ["patient-monitor", "1"], ["unknown", "1"]], counts
PY

if grep -q "$(printf '\033')" "$tmp/table"; then
	notok "table: no terminal escape from the wire"
else
	ok "table: no terminal escape from the wire"
fi

check "--json" 0 "" -- "$WW" inventory --state "$DB" --json
cp "$tmp/out" "$tmp/json"
pycheck "--json: one device object per line" "$tmp/json" <<'PY'
import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").split("\n")
assert lines[-1] == "", "no final newline"
objs = [json.loads(l) for l in lines[:-1]]
assert len(objs) == 5, len(objs)
byip = {o.get("ip"): o for o in objs}
pump = byip["10.20.0.5"]
assert list(pump)[:3] == ["mac", "ip", "vlan"], list(pump)
assert pump["vendor"] == "Baxter, Inc." and pump["vlan"] == 20
assert pump["model"] == 'Sigma "Spectrum"'
assert pump["previous_ips"] == ["10.20.0.4"]
assert pump["roles"] == ["hl7_sender"]
assert pump["attributes"]["class"]["sources"][0]["rule"] == "baxter-sigma"
assert byip["10.20.0.3"]["hostname"] == "mon\x1b[31mred"
assert byip["10.20.0.3"]["vendor"] == "Dr\u00e4ger"
routed = byip["192.0.2.10"]
assert routed["routed"] is True and "mac" not in routed, routed
assert byip["fd00::10"]["class"] == "unknown"
assert byip["fd00::10"]["random_mac"] is True
assert byip[None]["mac"] == "00:09:fb:01:02:04"
PY

check "--csv" 0 "" -- "$WW" inventory --state "$DB" --csv
cp "$tmp/out" "$tmp/csv"
pycheck "--csv: RFC 4180, read back by Python" "$tmp/csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\r\n") == 6 and raw.count(b"\n") == 6, raw
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == ["mac", "vlan", "ip", "class", "vendor", "model",
                   "software", "serial", "hostname", "confidence",
                   "first_seen", "last_seen", "risk"], rows[0]
assert len(rows) == 6 and all(len(r) == 13 for r in rows)
assert all(0 <= int(r[12]) <= 100 for r in rows[1:]), rows
d = {r[2]: dict(zip(rows[0], r)) for r in rows[1:]}
pump = d["10.20.0.5"]
assert pump["mac"] == "00:09:fb:01:02:03" and pump["vlan"] == "20"
assert pump["vendor"] == "Baxter, Inc.", pump
assert pump["model"] == 'Sigma "Spectrum"', pump
assert pump["software"] == "8.00.01" and pump["serial"] == ""
assert pump["confidence"] == "80" and pump["class"] == "infusion-pump"
assert pump["last_seen"] == "2023-11-14T23:13:20.000000+0000", pump
# A formula from the wire must not run in a spreadsheet.
assert pump["hostname"] == "'=cmd|' /C calc'!A0", pump["hostname"]
assert d["10.20.0.3"]["hostname"] == "mon\\x1b[31mred"
assert d["192.0.2.10"]["mac"] == "" and d["192.0.2.10"]["vlan"] == "0"
assert d[""]["mac"] == "00:09:fb:01:02:04"
assert d["fd00::10"]["class"] == "unknown"
assert d["fd00::10"]["confidence"] == "0"
PY

check "--class filters" 0 "^2 devices$" -- \
    "$WW" inventory --state "$DB" --class INFUSION-PUMP
"$WW" inventory --state "$DB" --class unknown --json >"$tmp/out" 2>"$tmp/err"
if [ "$?" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    grep -q '"ip":"fd00::10"' "$tmp/out"; then
	ok "--class unknown: devices without a class"
else
	notok "--class unknown: devices without a class"
fi
# A class the fingerprints never give is a typo, not an empty answer:
# exit 1, naming the classes there are.
check "--class unknown to wardwatch" 1 \
    'unknown class "infusion_pumps"' -- \
    "$WW" inventory --state "$DB" --class infusion_pumps
if grep -q "infusion-pump" "$tmp/err" &&
    grep -q "network-infrastructure" "$tmp/err" &&
    grep -q "^usage:" "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "--class unknown to wardwatch: the valid classes listed"
else
	notok "--class unknown to wardwatch: the valid classes listed"
fi
check "--class with an empty name" 1 'unknown class ""' -- \
    "$WW" inventory --state "$DB" --class ""
check "--json and --csv together" 1 "usage:" -- \
    "$WW" inventory --state "$DB" --json --csv
check "unknown option" 1 "usage:" -- "$WW" inventory --state "$DB" --bogus
check "--state is required" 1 "usage:" -- "$WW" inventory --json
check "no operands" 1 "usage:" -- "$WW" inventory --state "$DB" extra
check "missing database" 1 "nothere.db: no such inventory" -- \
    "$WW" inventory --state "$tmp/nothere.db"

# A damaged file: exit 2, the reason, and the file exactly as it was.
mkdir "$tmp/bad"
head -c 8192 /dev/urandom >"$tmp/bad/state.db"
sum=$(cksum <"$tmp/bad/state.db")
check "damaged database" 2 "state.db: damaged (" -- \
    "$WW" inventory --state "$tmp/bad/state.db"
if [ "$(cksum <"$tmp/bad/state.db")" = "$sum" ] &&
    [ "$(ls "$tmp/bad")" = "state.db" ]; then
	ok "damaged database left alone"
else
	notok "damaged database left alone"
fi

cp "$DB" "$tmp/newer.db"
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 9")
c.commit(); c.close()' "$tmp/newer.db"
check "newer schema" 2 "newer than this build" -- \
    "$WW" inventory --state "$tmp/newer.db"

: >"$tmp/empty.db"
check "empty file: empty inventory" 0 "^0 devices$" -- \
    "$WW" inventory --state "$tmp/empty.db"

# A user who may read the database but not write its directory: SQLite
# cannot create the -shm index a WAL database is read through.  Root
# runs the command as nobody; anyone else is already such a user once
# the directory is 0555.  The copy is checkpointed (mkstate closed it):
# the command must read it, and write nothing beside it.
rodir="$tmp/ro"
mkdir "$rodir"
cp "$DB" "$rodir/state.db"
chmod 0755 "$tmp"
chmod 0644 "$rodir/state.db"
if [ "$(id -u)" -ne 0 ]; then
	chmod 0555 "$rodir"
	as_user() { "$@"; }
	rowhy="$rodir is still writable"
else
	chmod 0755 "$rodir"
	if command -v setpriv >/dev/null 2>&1; then
		as_user() {
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
			    "$@"
		}
	elif command -v su >/dev/null 2>&1; then
		as_user() {
			su -s /bin/sh -c 'exec "$0" "$@"' -- nobody "$@"
		}
	else
		as_user() { return 1; }
	fi
	rowhy="neither setpriv nor su"
	if command -v setpriv >/dev/null 2>&1 ||
	    command -v su >/dev/null 2>&1; then
		rowhy="nobody cannot run $WW or read $rodir"
	fi
fi
if as_user "$WW" inventory --help >/dev/null 2>&1 &&
    as_user /bin/sh -c 'test -r "$0" && ! test -w "$1"' \
    "$rodir/state.db" "$rodir" 2>/dev/null; then
	rowhy=""
fi
roskip() {
	i=$((i + 1))
	echo "ok $i - $1 # SKIP $rowhy"
}
sum=$(cksum <"$rodir/state.db")
if [ -n "$rowhy" ]; then
	roskip "read-only directory: inventory"
	roskip "read-only directory: nothing written"
else
	check "read-only directory: inventory" 0 "^5 devices$" -- \
	    as_user "$WW" inventory --state "$rodir/state.db"
	if [ "$(cksum <"$rodir/state.db")" = "$sum" ] &&
	    [ "$(ls -A "$rodir")" = "state.db" ]; then
		ok "read-only directory: nothing written"
	else
		ls -A "$rodir" >"$tmp/err"
		notok "read-only directory: nothing written"
	fi
fi

# The same, but a sensor stopped without a checkpoint left committed
# changes in state.db-wal (and no -shm).  Reading the file alone would
# show an older inventory: refuse (exit 2) and say why.
mkdir "$tmp/walsrc"
cp "$DB" "$tmp/walsrc/state.db"
python3 - "$tmp/walsrc/state.db" "$tmp/walcopy" <<'PY' 2>"$tmp/err"
import shutil, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE devices SET vlan = 99 WHERE ip = '10.20.0.5'")
c.commit()
shutil.copy(db, out + ".db")
shutil.copy(db + "-wal", out + ".db-wal")
c.close()
PY
if [ -n "$rowhy" ]; then
	roskip "read-only directory, pending log: refused"
	roskip "read-only directory, pending log: nothing written"
else
	[ "$(id -u)" -eq 0 ] || chmod 0755 "$rodir"
	rm -f "$rodir/state.db"
	cp "$tmp/walcopy.db" "$rodir/state.db"
	cp "$tmp/walcopy.db-wal" "$rodir/state.db-wal"
	chmod 0644 "$rodir/state.db" "$rodir/state.db-wal"
	[ "$(id -u)" -eq 0 ] || chmod 0555 "$rodir"
	sum=$(cat "$rodir/state.db" "$rodir/state.db-wal" | cksum)
	check "read-only directory, pending log: refused" 2 "state.db-wal" -- \
	    as_user "$WW" inventory --state "$rodir/state.db"
	if [ "$(cat "$rodir/state.db" "$rodir/state.db-wal" | cksum)" = \
	    "$sum" ] &&
	    [ "$(ls -A "$rodir" | tr '\n' ' ')" = "state.db state.db-wal " ]
	then
		ok "read-only directory, pending log: nothing written"
	else
		ls -A "$rodir" >"$tmp/err"
		notok "read-only directory, pending log: nothing written"
	fi
	chmod 0755 "$rodir"
fi
