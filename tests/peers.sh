#!/bin/sh
# peers.sh - the communication map (TAP): wardwatch inventory --peers
# lists the peers of pcaps/ward.pcap's devices with service, application
# and volume; a second run on the same --state adds to the counts; a
# device record's "peers" is bounded; a device flooded with far more
# peers than devices.max-peers keeps that many and counts the rest;
# baseline reset and eviction leave no peer rows behind.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
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
# counter FILE NAME: the last stats record's counter
counter() {
	python3 -c 'import json, sys
v = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "stats":
        v = r["wardwatch"]["counters"].get(sys.argv[2], 0)
print(v)' "$1" "$2"
}
# sql DB QUERY: the first column of the first row
sql() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
	    "$1" "$2"
}

echo "1..15"

"$WW" --test-mode -r "$top_srcdir/pcaps/ward.pcap" -l "$tmp/1" \
    --state "$tmp/s.db" >/dev/null 2>&1
check "ward.pcap: run 1 exits 0" [ $? -eq 0 ]
"$WW" inventory --state "$tmp/s.db" --peers >"$tmp/p1.txt" 2>"$tmp/err"
check "inventory --peers exits 0" [ $? -eq 0 ]
# The patient monitor 10.20.0.21 sends HL7 to the interface engine.
check "an HL7 sender to the interface engine on tcp/2575 hl7" sh -c '
	sed -n "/^00:09:fb:4a:07:21 10.20.0.21 /,/^[^ ]/p" "$1" |
	grep -q "^  initiated tcp/2575 *hl7 *mac:00:50:56:9a:40:05 (10.40.0.5)"
	' sh "$tmp/p1.txt"
check "a modality to the PACS on tcp/104 dicom" sh -c '
	sed -n "/^88:4b:39:1c:70:11 10.30.0.11 /,/^[^ ]/p" "$1" |
	grep -q "^  initiated tcp/104 *dicom *mac:4c:ae:a3:1c:70:40 (10.30.0.40)"
	' sh "$tmp/p1.txt"
check "the PACS accepted that association" sh -c '
	sed -n "/^4c:ae:a3:1c:70:40 10.30.0.40 /,/^[^ ]/p" "$1" |
	grep -q "^  accepted  tcp/104 *dicom *mac:88:4b:39:1c:70:11 (10.30.0.11)"
	' sh "$tmp/p1.txt"
"$WW" inventory --state "$tmp/s.db" --peers --csv >"$tmp/p1.csv"
"$WW" inventory --state "$tmp/s.db" --peers --json >"$tmp/p1.json"
check "--csv and --json: the same entries" python3 -c '
import csv, json, sys
c = [(r["mac"], r["peer"], r["direction"], r["service"], r["app_proto"],
      int(r["flows"]), int(r["bytes"]))
     for r in csv.DictReader(open(sys.argv[1], newline=""))]
j = [(d.get("mac", ""), p["peer"], p["direction"], p["service"],
      p.get("app_proto", ""), p["flows"], p["bytes"])
     for d in map(json.loads, open(sys.argv[2])) for p in d["peers"]]
assert len(c) > 40 and c == j, (len(c), len(j))
assert ("00:09:fb:4a:07:21", "mac:00:50:56:9a:40:05", "initiated",
        "tcp/2575", "hl7") in [x[:5] for x in c]
' "$tmp/p1.csv" "$tmp/p1.json"

# Records: "peers" holds at most 8 entries, most bytes first.
check "device records: peers bounded (8), by bytes, with the total" \
    python3 -c '
import json, sys
most = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    p = r.get("device", {}).get("peers")
    if p is None:
        continue
    assert len(p) <= 8, len(p)
    assert [x["bytes"] for x in p] == sorted((x["bytes"] for x in p),
                                             reverse=True)
    if len(p) == 8:
        assert r["device"]["peers_total"]["kept"] > 8
    most = max(most, len(p))
assert most == 8, most
' "$tmp/1/eve.json"

# Run 2 on the same state: every entry again, counts doubled.
"$WW" --test-mode -r "$top_srcdir/pcaps/ward.pcap" -l "$tmp/2" \
    --state "$tmp/s.db" >/dev/null 2>&1
"$WW" inventory --state "$tmp/s.db" --peers --csv >"$tmp/p2.csv"
check "a second run on the same state adds to every count" python3 -c '
import csv, sys
def load(f):
    return {(r["mac"], r["vlan"], r["peer"], r["direction"], r["service"],
             r["app_proto"]): (int(r["flows"]), int(r["packets"]),
                               int(r["bytes"]))
            for r in csv.DictReader(open(f, newline=""))}
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys(), set(a) ^ set(b)
for k in a:
    assert b[k] == tuple(2 * x for x in a[k]), (k, a[k], b[k])
' "$tmp/p1.csv" "$tmp/p2.csv"

# baseline reset forgets a device's peers with its baseline.
"$WW" baseline reset --state "$tmp/s.db" --device 88:4b:39:1c:70:11 \
    >/dev/null 2>&1
# A device's entries are the lines of its row (schema version 6).
lines="coalesce(sum(length(p.peers) - length(replace(p.peers, char(10), ''))), 0)"
left=$(sql "$tmp/s.db" "SELECT $lines FROM device_peers p JOIN devices d
    ON d.id = p.device_id WHERE d.mac = '88:4b:39:1c:70:11'")
others=$(sql "$tmp/s.db" "SELECT $lines FROM device_peers p")
check "baseline reset: no peer rows left for the device ($left; $others others)" \
    [ "$left" -eq 0 -a "$others" -gt 40 ]

# The flood: 2000 spoofed addresses behind one router MAC on VLAN 20,
# a SYN each to 10.20.0.250:80 (2026-11-01 07:00 on, correct checksums).
python3 - "$tmp/flood.pcap" 2000 <<'PY'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
rtr = bytes.fromhex("001122334455")
dst_mac = bytes.fromhex("001ec00000fa")
dst = bytes([10, 20, 0, 250])
t0 = 1793516400
for i in range(int(sys.argv[2])):
    src = bytes([10, 20, 99 + i // 250, 1 + i % 250])
    tcp = struct.pack("!HHIIBBHHH", 40000 + i % 20000, 80, i, 0, 5 << 4,
                      0x02, 8192, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff,
                     0, 63, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = dst_mac + rtr + struct.pack("!HHH", 0x8100, 20, 0x0800) + ip + tcp
    out.write(struct.pack("<IIII", t0 + i, 0, len(frame), len(frame)))
    out.write(frame)
PY
printf 'devices:\n  max-peers: 16\n' >"$tmp/cap.yaml"
"$WW" --test-mode -r "$tmp/flood.pcap" -c "$tmp/cap.yaml" -l "$tmp/f" \
    --state "$tmp/f.db" >/dev/null 2>&1
check "flood run exits 0" [ $? -eq 0 ]
kept=$(sql "$tmp/f.db" "SELECT $lines FROM device_peers p JOIN devices d
    ON d.id = p.device_id WHERE d.ip = '10.20.0.250'")
dropped=$(sql "$tmp/f.db" "SELECT peers_dropped FROM device_comm c JOIN
    devices d ON d.id = c.device_id WHERE d.ip = '10.20.0.250'")
check "flood: the flooded device keeps max-peers entries ($kept)" \
    [ "$kept" -eq 16 ]
# Nearly 2000 distinct peers: the router's first few sources are its
# own until it is known as a router (BRAIN_ROUTER_IPS).
check "flood: the rest are counted in the state ($dropped)" \
    [ "$dropped" -ge 1980 -a "$dropped" -le 1984 ]
ctr=$(counter "$tmp/f/eve.json" devices.peers_dropped)
check "flood: and in devices.peers_dropped ($ctr)" [ "$ctr" -eq "$dropped" ]
check "flood: its record shows 8 and the counts kept and dropped" \
    python3 -c '
import json, sys
last = None
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "device" and r.get("src_ip") == "10.20.0.250":
        last = r["device"]
assert last is not None
assert len(last["peers"]) == 8, len(last["peers"])
assert last["peers_total"] == {"kept": 16, "dropped": int(sys.argv[2])}, \
    last["peers_total"]
' "$tmp/f/eve.json" "$dropped"

# Eviction: the spoofed entries fill a 40-device table, then the ward's
# devices take their places; no peer row outlives its device.
printf 'devices:\n  max-devices: 40\n' >"$tmp/small.yaml"
"$WW" --test-mode -r "$tmp/flood.pcap" -c "$tmp/small.yaml" -l "$tmp/e1" \
    --state "$tmp/e.db" >/dev/null 2>&1
before=$(sql "$tmp/e.db" "SELECT count(DISTINCT device_id) FROM device_peers")
"$WW" --test-mode -r "$top_srcdir/pcaps/ward.pcap" -c "$tmp/small.yaml" \
    -l "$tmp/e2" --state "$tmp/e.db" >/dev/null 2>&1
ev=$(counter "$tmp/e2/eve.json" devices.evicted)
orphans=$(sql "$tmp/e.db" "SELECT (SELECT count(*) FROM device_peers WHERE
    device_id NOT IN (SELECT id FROM devices)) + (SELECT count(*) FROM
    device_comm WHERE device_id NOT IN (SELECT id FROM devices))")
check "eviction: no peer row outlives its device ($ev evicted, $before with peers before, $orphans orphans)" \
    [ "$ev" -gt 0 -a "$before" -gt 30 -a "$orphans" -eq 0 ]
