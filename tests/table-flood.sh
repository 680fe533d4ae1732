#!/bin/sh
# table-flood.sh - a full device table does not blind the sensor (TAP).
# Run 1: SYNs from 300 spoofed addresses behind one router MAC on a
# medical VLAN fill a 40-device table: the first device turned away
# raises one "device table full" alert.  Run 2, same database: the
# ward's real devices (seen with a MAC and an address) take the places
# of the spoofed entries, and every one of them is recorded and
# alerted exactly as on a fresh inventory.
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

echo "1..10"
# The flood: Ethernet, 802.1Q VLAN 20, IPv4, TCP SYN to 10.20.0.250:80,
# correct checksums, one second apart from 2026-11-01 07:00 (a host
# that is not in the ward capture).
# Run 3: 3040 hosts with MACs and addresses of their own in 1.5 s on a
# 40-device table, all of whose devices have addresses (none may give
# its place): the table is walked for victims at most once a second,
# not once per newcomer (devices.evict_walks).
python3 - "$tmp/flood.pcap" <<'PY'
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
for i in range(300):
    src = bytes([10, 20, 99 + i // 250, 1 + i % 250])
    tcp = struct.pack("!HHIIBBHHH", 40000 + i, 80, i, 0, 5 << 4, 0x02,
                      8192, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    # TTL 63: forwarded by the router (64 would be the router's own)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i, 0, 63, 6,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = dst_mac + rtr + struct.pack("!HHH", 0x8100, 20, 0x0800) + ip + tcp
    out.write(struct.pack("<IIII", t0 + i, 0, len(frame), len(frame)))
    out.write(frame)
PY
printf 'devices:\n  medical-vlans: [20, 30]\n  max-devices: 40\n' >"$tmp/c.yaml"

# alerts FILE SID: alert records of that wardwatch signature
alerts() {
	python3 -c 'import json, sys
print(sum(1 for l in open(sys.argv[1])
          if json.loads(l).get("alert", {}).get("signature_id") == int(sys.argv[2])
          and json.loads(l)["alert"]["gid"] == 9100))' "$1" "$2"
}
# news FILE: "mac vlan" of every new-device record, sorted
news() {
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    d = r.get("device", {})
    if r.get("event_type") == "device" and d.get("event") == "new" and "mac" in d:
        print(d["mac"], r.get("vlan", [0])[0] if r.get("vlan") else 0)' "$1" | sort
}
counter() {
	python3 -c 'import json, sys
v = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "stats":
        v = r["wardwatch"]["counters"].get(sys.argv[2], 0)
print(v)' "$1" "$2"
}

"$WW" --test-mode -r "$tmp/flood.pcap" -c "$tmp/c.yaml" -l "$tmp/1" \
    --state "$tmp/s.db" >"$tmp/out1" 2>&1
check "flood run exits 0" [ $? -eq 0 ]
full=$(alerts "$tmp/1/eve.json" 3)
check "the full table raised one alert ($full)" [ "$full" -eq 1 ]
check "the summary warns of the full table" \
    grep -q 'WARNING .*device table was full' "$tmp/out1"

"$WW" --test-mode -r "$top_srcdir/pcaps/ward.pcap" -c "$tmp/c.yaml" \
    -l "$tmp/fresh" --state "$tmp/fresh.db" >/dev/null 2>&1
"$WW" --test-mode -r "$top_srcdir/pcaps/ward.pcap" -c "$tmp/c.yaml" \
    -l "$tmp/2" --state "$tmp/s.db" >"$tmp/out2" 2>&1
check "ward run after the flood exits 0" [ $? -eq 0 ]
news "$tmp/fresh/eve.json" >"$tmp/want"
news "$tmp/2/eve.json" >"$tmp/got"
check "every ward device is recorded as new ($(wc -l <"$tmp/got") of $(wc -l <"$tmp/want"))" \
    cmp -s "$tmp/want" "$tmp/got"
a1=$(alerts "$tmp/fresh/eve.json" 1)
a2=$(alerts "$tmp/2/eve.json" 1)
check "every ward device is alerted as on a fresh inventory ($a2 of $a1)" \
    [ "$a1" -gt 0 -a "$a1" -eq "$a2" ]
ev=$(counter "$tmp/2/eve.json" devices.evicted)
check "spoofed entries were evicted to make room ($ev)" [ "$ev" -gt 0 ]
# What the policy kept of an evicted entry (keyed by its address) goes
# with it: no key in the state names a device the state does not have.
orphans=$(python3 - "$tmp/s.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
have = set()
for mac, vlan, ip in db.execute("SELECT mac, vlan, ip FROM devices"):
    have.add("%s/%s" % (mac, vlan))
    if ip:
        have.add("ip/" + ip)
keys = [k for (k,) in db.execute(
    "SELECT key FROM meta WHERE key LIKE 'policy.%'")]
print(len([k for k in keys if k.split(".", 2)[2] not in have]),
      "of", len(keys))
PY
)
check "no policy key outlives its device ($orphans)" \
    [ "${orphans%% *}" = 0 ]

# Run 3: the MAC flood on a full table with nothing to evict.
python3 - "$tmp/macs.pcap" <<'PY'
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
dst_mac = bytes.fromhex("001ec00000fa")
dst = bytes([10, 20, 0, 250])
t0 = 1793516400
for i in range(3040):
    mac = bytes([0x00, 0x1e, 0xc0, 0x10, i >> 8, i & 0xff])
    src = bytes([10, 20, 100 + i // 250, 1 + i % 250])
    data = b"<14>flood"
    u = struct.pack("!HHHH", 40000, 514, 8 + len(data), 0) + data
    c = csum(src + dst + struct.pack("!BBH", 0, 17, len(u)) + u) or 0xffff
    u = u[:6] + struct.pack("!H", c) + u[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), i, 0, 64, 17,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = dst_mac + mac + struct.pack("!HHH", 0x8100, 20, 0x0800) + ip + u
    us = i * 500
    out.write(struct.pack("<IIII", t0 + us // 1000000, us % 1000000,
                          len(frame), len(frame)))
    out.write(frame)
PY
"$WW" --test-mode -r "$tmp/macs.pcap" -c "$tmp/c.yaml" -l "$tmp/3" \
    --state "$tmp/macs.db" >"$tmp/out3" 2>&1
rc=$?
walks=$(counter "$tmp/3/eve.json" devices.evict_walks)
tf=$(counter "$tmp/3/eve.json" devices.table_full)
check "3040 new MACs with addresses on a full table: $tf turned away" \
    [ "$rc" -eq 0 -a "$tf" -ge 3000 ]
check "... with $walks walks of the table for a victim (at most one a second, not one per newcomer)" \
    [ "$walks" -ge 1 -a "$walks" -le 3 ]
