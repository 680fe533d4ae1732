#!/bin/sh
# state-failures.sh - a save of the inventory that fails is a failure
# (TAP): with the disk full (a file size limit) or the database locked
# by another process, the run exits 2 and says how many devices were
# not saved, of them how many the database holds as an earlier save
# left them, and why (the device save's reason, which the saves of
# other tables after it do not clear); the database then holds
# exactly the others.  An upgrade of a version 4, 5, 6 or 7 file that
# fails on a full disk says so and leaves the file as it was, readable.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
lockpid=
trap '[ -n "$lockpid" ] && kill $lockpid 2>/dev/null; rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {	# check "what" test-expression...
	what=$1
	shift
	if "$@"; then ok "$what"; else nok "$what"; fi
}
rows() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "select count(*) from devices").fetchone()[0])' "$1"
}
# numbers OUT: "unsaved total stale missing" from the final message
numbers() {
	sed -n 's/.*: \([0-9]*\) of \([0-9]*\) devices not saved (\([0-9]*\) stored as an earlier save left them, \([0-9]*\) not stored at all)$/\1 \2 \3 \4/p' "$1"
}

# reason OUT: what the final message gives as the reason
reason() {
	sed -n 's/^wardwatch: \(.*\): [0-9]* of [0-9]* devices not saved .*/\1/p' "$1"
}

# dump DB: the database's content, as a checksum
dump() {
	python3 -c 'import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(hashlib.sha256("\n".join(c.iterdump()).encode()).hexdigest(),
    c.execute("pragma user_version").fetchone()[0])' "$1"
}
# The text rows' escapes undone (version 6 on), for the scripts below.
py_unesc='import sqlite3, sys
def unesc(f):
    out, i = [], 0
    while i < len(f):
        if f[i] == "\\" and i + 1 < len(f):
            out.append({"t": "\t", "n": "\n"}.get(f[i + 1], f[i + 1]))
            i += 2
        else:
            out.append(f[i])
            i += 1
    return "".join(out)
'
# to_v7 DB: the file made version 7 (values and their claims a row
# each)
to_v7() {
	python3 -c "$py_unesc"'
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
rows = c.execute("SELECT device_id, attrs FROM device_values").fetchall()
c.execute("DROP TABLE device_values")
c.execute("CREATE TABLE device_values (id INTEGER PRIMARY KEY, device_id "
    "INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE, "
    "attribute TEXT NOT NULL, pos INTEGER NOT NULL, value TEXT NOT NULL, "
    "confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100), "
    "first_us INTEGER NOT NULL, last_us INTEGER NOT NULL, "
    "UNIQUE (device_id, attribute, pos))")
c.execute("CREATE TABLE device_claims (value_id INTEGER NOT NULL "
    "REFERENCES device_values (id) ON DELETE CASCADE, pos INTEGER NOT NULL, "
    "source TEXT NOT NULL, rule TEXT NOT NULL DEFAULT \"\", confidence "
    "INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100), "
    "PRIMARY KEY (value_id, pos)) WITHOUT ROWID")
n = 0
for dev, text in rows:
    pos = {}
    for line in text.split("\n")[:-1]:
        f = line.split("\t")
        a = unesc(f[0])
        pos[a] = pos.get(a, -1) + 1
        vid = c.execute("INSERT INTO device_values (device_id, attribute, "
            "pos, value, confidence, first_us, last_us) VALUES "
            "(?, ?, ?, ?, ?, ?, ?)", [dev, a, pos[a], unesc(f[1])] +
            [int(x) - (1 << 64) if int(x) >= 1 << 63 else int(x)
             for x in f[2:5]]).lastrowid
        for k in range(5, len(f), 3):
            c.execute("INSERT INTO device_claims VALUES (?, ?, ?, ?, ?)",
                (vid, (k - 5) // 3, unesc(f[k]), unesc(f[k + 1]),
                 int(f[k + 2])))
        n += 1
assert n > 0
c.execute("PRAGMA user_version = 7")
c.execute("COMMIT")
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$1"
}
# to_v6 DB: version 6 (baseline items a row an item too)
to_v6() {
	to_v7 "$1"
	python3 -c "$py_unesc"'
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
rows = c.execute("SELECT device_id, items FROM baseline_items").fetchall()
c.execute("DROP TABLE baseline_items")
c.execute("CREATE TABLE baseline_items (device_id INTEGER NOT NULL "
    "REFERENCES devices (id) ON DELETE CASCADE, kind TEXT NOT NULL, "
    "key TEXT NOT NULL, count INTEGER NOT NULL, first_us INTEGER NOT "
    "NULL, last_us INTEGER NOT NULL, hours INTEGER NOT NULL DEFAULT 0, "
    "asn INTEGER NOT NULL DEFAULT 0, country TEXT NOT NULL DEFAULT \"\", "
    "PRIMARY KEY (device_id, kind, key)) WITHOUT ROWID")
n = 0
for dev, text in rows:
    for line in text.split("\n")[:-1]:
        f = line.split("\t")
        c.execute("INSERT INTO baseline_items (device_id, kind, key, count, "
            "first_us, last_us, asn, country, hours) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)", (dev, unesc(f[0]), unesc(f[1]),
            int(f[2]), int(f[3]), int(f[4]), int(f[5]), unesc(f[6]),
            int(f[7])))
        n += 1
assert n > 0
c.execute("PRAGMA user_version = 6")
c.execute("COMMIT")
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$1"
}
# to_v5 DB: version 5 (peers a row an entry too)
to_v5() {
	to_v6 "$1"
	python3 -c "$py_unesc"'
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
rows = c.execute("SELECT device_id, peers FROM device_peers").fetchall()
c.execute("DROP TABLE device_peers")
c.execute("CREATE TABLE device_peers (device_id INTEGER NOT NULL "
    "REFERENCES devices (id) ON DELETE CASCADE, peer TEXT NOT NULL, "
    "direction TEXT NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT "
    "NULL, app TEXT NOT NULL DEFAULT \"\", peer_zone TEXT NOT NULL "
    "DEFAULT \"\", peer_vlan INTEGER NOT NULL DEFAULT -1, flows INTEGER "
    "NOT NULL DEFAULT 0, packets INTEGER NOT NULL DEFAULT 0, bytes "
    "INTEGER NOT NULL DEFAULT 0, first_us INTEGER NOT NULL, last_us "
    "INTEGER NOT NULL, PRIMARY KEY (device_id, peer, direction, proto, "
    "port, app)) WITHOUT ROWID")
n = 0
for dev, text in rows:
    for line in text.split("\n")[:-1]:
        f = line.split("\t")
        v = [dev, unesc(f[0]), f[1], int(f[2]), int(f[3]), unesc(f[4]),
             unesc(f[5])] + [int(x) for x in f[6:]]
        v[8:] = [x - (1 << 64) if x >= 1 << 63 else x for x in v[8:]]
        c.execute("INSERT INTO device_peers VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", v)
        n += 1
assert n > 0
c.execute("PRAGMA user_version = 5")
c.execute("COMMIT")
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$1"
}
# to_v4 DB: version 4 (evidence a row a piece too)
to_v4() {
	to_v5 "$1"
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
rows = c.execute("SELECT device_id, evidence FROM device_evidence").fetchall()
c.execute("DROP TABLE device_evidence")
c.execute("CREATE TABLE device_evidence (device_id INTEGER NOT NULL "
    "REFERENCES devices (id) ON DELETE CASCADE, pos INTEGER NOT NULL, "
    "key TEXT NOT NULL, value TEXT NOT NULL, first_us INTEGER NOT NULL, "
    "PRIMARY KEY (device_id, pos)) WITHOUT ROWID")
for dev, text in rows:
    for pos, line in enumerate(text.split("\n")[:-1]):
        k, v, t = line.split("\t")
        c.execute("INSERT INTO device_evidence VALUES (?, ?, ?, ?, ?)",
            (dev, pos, k, v, int(t)))
c.execute("PRAGMA user_version = 4")
c.execute("COMMIT")
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$1"
}

echo "1..38"
printf 'outputs:\n  eve:\n    enabled: no\n' >"$tmp/noeve.yaml"

# Disk full: SQLite's writes fail with EFBIG past the limit (SIGXFSZ
# is ignored by wardwatch), as they would with ENOSPC.
db="$tmp/full.db"
"$WW" -r "$top_srcdir/pcaps/icmp-echo.pcap" -l "$tmp/f0" --state "$db" \
    >/dev/null 2>&1
before=$(rows "$db")
(ulimit -f 40; exec "$WW" -r "$top_srcdir/pcaps/ward.pcap" -l "$tmp/f1" \
    -c "$tmp/noeve.yaml" --state "$db" >"$tmp/full.out" 2>&1)
check "disk full: exit 2" [ $? -eq 2 ]
set -- $(numbers "$tmp/full.out")
check "disk full: says how many devices were not saved ($*)" \
    [ $# -eq 4 -a "${1:-0}" -gt 0 ]
why=$(reason "$tmp/full.out")
check "disk full: the message gives the database's reason ($why)" \
    eval 'case $why in "$db: "?*) true ;; *) false ;; esac'
check "disk full: unsaved = stored as before + not stored" \
    [ "${1:-0}" -eq $((${3:-0} + ${4:-0})) ]
after=$(rows "$db")
check "disk full: the database holds every device but the ${4:-?} never stored ($after of ${2:-?}; $before before)" \
    [ "$after" -eq $((${2:-0} - ${4:-0})) ]

# Locked: another process holds the database for the whole run.
db="$tmp/locked.db"
"$WW" -r "$top_srcdir/pcaps/icmp-echo.pcap" -l "$tmp/l0" --state "$db" \
    >/dev/null 2>&1
before=$(rows "$db")
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(120)' "$db" >"$tmp/lock.out" &
lockpid=$!
i=0
while ! grep -q locked "$tmp/lock.out" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$WW" -r "$top_srcdir/pcaps/medical-mix.pcap" -l "$tmp/l1" --state "$db" \
    >"$tmp/locked.out" 2>&1
check "locked: exit 2" [ $? -eq 2 ]
check "locked: the message names the lock" \
    grep -q 'database is locked: [0-9]* of [0-9]* devices not saved' \
    "$tmp/locked.out"
why=$(reason "$tmp/locked.out")
check "locked: the message gives the database's reason ($why)" \
    eval 'case $why in "$db: "*locked*) true ;; *) false ;; esac'
set -- $(numbers "$tmp/locked.out")
kill $lockpid 2>/dev/null
wait $lockpid 2>/dev/null
lockpid=
after=$(rows "$db")
check "locked: nothing stored in this run ($after rows, $before before)" \
    [ "$after" -eq "$before" ]
check "locked: every device of this run counted as not stored (${4:-?} of ${2:-?}, $before loaded)" \
    [ "${4:-0}" -eq $((${2:-0} - before)) ]

# upgrade_full V LIMIT WHAT COMMAND...: a state of ward.pcap made version
# V (to_vV), then a run with the file size limited to LIMIT KiB: the
# limit leaves room for the -shm file (32 KiB) but not for the
# upgrade's pages in the -wal.  The upgrade fails, says so, and leaves
# the file as it was: "wardwatch COMMAND --state DB" (WHAT) reads as
# before.  With room again, it is upgraded, and what COMMAND printed
# is still there.
upgrade_full() {
	v=$1 lim=$2 what=$3
	shift 3
	db="$tmp/v$v.db"
	"$WW" -r "$top_srcdir/pcaps/ward.pcap" -l "$tmp/u$v-0" \
	    -c "$tmp/noeve.yaml" --state "$db" >/dev/null 2>&1
	to_v$v "$db"
	before=$(dump "$db")
	"$WW" "$@" --state "$db" >"$tmp/read$v-0.out" 2>&1
	(ulimit -f $lim; exec "$WW" -r "$top_srcdir/pcaps/icmp-echo.pcap" \
	    -l "$tmp/u$v-1" -c "$tmp/noeve.yaml" --state "$db" \
	    >"$tmp/upgrade$v.out" 2>&1)
	check "upgrade from $v, disk full: exit 2" [ $? -eq 2 ]
	check "upgrade from $v, disk full: says the upgrade failed" \
	    grep -q "^$db: cannot upgrade the schema: ." "$tmp/upgrade$v.out"
	after=$(dump "$db")
	check "upgrade from $v, disk full: the version $v file is as it was ($after)" \
	    [ "$after" = "$before" ]
	"$WW" "$@" --state "$db" >"$tmp/read$v-1.out" 2>&1
	check "upgrade from $v, disk full: $what reads as before" \
	    cmp -s "$tmp/read$v-0.out" "$tmp/read$v-1.out"
	"$WW" -r "$top_srcdir/pcaps/icmp-echo.pcap" -l "$tmp/u$v-2" \
	    -c "$tmp/noeve.yaml" --state "$db" >/dev/null 2>&1
	check "upgrade from $v, room again: exit 0" [ $? -eq 0 ]
	"$WW" "$@" --state "$db" >"$tmp/read$v-2.out" 2>&1
	set -- $(dump "$db")
	check "upgrade from $v, room again: version 8 (${2:-})" [ "${2:-}" = 8 ]
	check "upgrade from $v, room again: $what as before" \
	    python3 -c 'import sys
old = open(sys.argv[1]).read().splitlines()
new = set(open(sys.argv[2]).read().splitlines())
assert len(old) > 5 and all(l in new for l in old), len(old)
' "$tmp/read$v-0.out" "$tmp/read$v-2.out"
}

# From version 4 (evidence a row a piece): the inventory.  From 5
# (peers a row an entry): the map.  From 6 (baseline items a row an
# item): the baselines.  From 7 (values and claims a row each): the
# devices' values and claims.
upgrade_full 4 32 "the inventory" inventory --json
upgrade_full 5 32 "the map" inventory --peers --json
upgrade_full 6 32 "the baselines" baseline show
upgrade_full 7 32 "the values and claims" inventory --json
