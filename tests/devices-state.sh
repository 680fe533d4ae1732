#!/bin/sh
# devices-state.sh - the device inventory across runs (TAP): a second
# run over the same state database finds no device new, keeps every
# identity and prints it with "wardwatch inventory"; a new device on a
# medical VLAN raises an alert; a damaged database is moved aside,
# reported, and replaced, never reused.
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
# count FILE EVENT: device records of that kind
count() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if sys.argv[2] == "alert":
        n += r.get("event_type") == "alert"
    elif r.get("event_type") == "device":
        n += r["device"]["event"] == sys.argv[2]
print(n)
EOF
}
# identities FILE: "mac vlan class vendor model" of every snapshot
identities() {
	python3 - "$1" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event_type") == "device" and r["device"]["event"] == "snapshot":
        d = r["device"]
        print(d.get("mac", "-"), d.get("vlan", 0), d.get("ip", "-"),
              d["class"], d.get("vendor", "-"), d.get("model", "-"))
EOF
}

echo "1..12"
mkdir "$tmp/1" "$tmp/2" "$tmp/3"
db="$tmp/state.db"
printf 'devices:\n  medical-vlans: [20]\n' >"$tmp/med.yaml"

"$WW" --test-mode -r "$PCAP" -l "$tmp/1" --state "$db" -c "$tmp/med.yaml" \
    >"$tmp/out1" 2>&1
check "first run exits 0" [ $? -eq 0 ]
new1=$(count "$tmp/1/eve.json" new)
snap1=$(count "$tmp/1/eve.json" snapshot)
check "first run: every device is new ($new1 of $snap1)" \
    [ "$new1" -eq "$snap1" -a "$snap1" -gt 20 ]
vlan20=$(identities "$tmp/1/eve.json" | awk '$2 == 20' | wc -l)
alerts=$(count "$tmp/1/eve.json" alert)
check "an alert for each new device on medical VLAN 20 ($alerts of $vlan20)" \
    [ "$alerts" -eq "$vlan20" -a "$vlan20" -gt 0 ]

"$WW" --test-mode -r "$PCAP" -l "$tmp/2" --state "$db" -c "$tmp/med.yaml" \
    >"$tmp/out2" 2>&1
check "second run exits 0" [ $? -eq 0 ]
check "second run: no device is new, no alert" \
    [ "$(count "$tmp/2/eve.json" new)" -eq 0 -a \
      "$(count "$tmp/2/eve.json" alert)" -eq 0 ]
identities "$tmp/1/eve.json" | sort >"$tmp/id1"
identities "$tmp/2/eve.json" | sort >"$tmp/id2"
if cmp -s "$tmp/id1" "$tmp/id2"; then
	ok "second run: the same $(wc -l <"$tmp/id2") identities"
else
	nok "second run: identities differ"
	diff "$tmp/id1" "$tmp/id2" | sed 's/^/# /'
fi

"$WW" inventory --state "$db" --csv >"$tmp/csv" 2>"$tmp/err"
rows=$(($(wc -l <"$tmp/csv") - 1))
check "inventory --csv lists every device ($rows)" [ "$rows" -eq "$snap1" ]
"$WW" inventory --state "$db" >"$tmp/table" 2>&1
check "inventory table ends with the count" \
    grep -q "^$snap1 devices" "$tmp/table"

# Damage: overwrite the header; the next run must not use the file.
cp "$db" "$tmp/copy.db"
printf 'this is not an SQLite database, it was damaged on purpose......' |
    dd of="$db" bs=1 seek=0 conv=notrunc 2>/dev/null
rm -f "$db-wal" "$db-shm"
"$WW" --test-mode -r "$PCAP" -l "$tmp/3" --state "$db" >"$tmp/out3" 2>&1
check "damaged database: the run still exits 0" [ $? -eq 0 ]
check "damaged database: reported and moved aside" \
    grep -q "damaged.*moved aside" "$tmp/out3"
set -- "$db".damaged-*
check "damaged database: the old file is kept as $(basename "$1")" \
    [ -f "$1" ]
check "damaged database: a fresh inventory, every device new again" \
    [ "$(count "$tmp/3/eve.json" new)" -eq "$snap1" ]
