#!/bin/sh
# net-state.sh - what DHCP taught about the network outlives the run
# (TAP): gateways, subnets and broadcast addresses are kept in the
# state, so that a continued run that sees no DHCP still knows that a
# subnet's broadcast address, reached through a router, is no device.
# The ward capture teaches them; a second capture after it holds one
# NetBIOS datagram from the nurse-call server to VLAN 40's broadcast
# address through VLAN 20's router.  Read in one run or in two over one
# state, the inventory must be the same and no alert raised.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1)); echo "not ok $n - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -12 | sed 's/^/# /'
}
echo "1..5"

# after.pcap: the datagram, a minute after the ward capture's last
# packet; both.pcap: the ward capture and then it.
python3 - "$PCAP" "$tmp/after.pcap" "$tmp/both.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
o, last = 24, 0
while o + 16 <= len(d):
    ts, _, cl, _ = struct.unpack("<IIII", d[o:o + 16])
    last, o = ts, o + 16 + cl
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
mac = lambda s: bytes(int(x, 16) for x in s.split(":"))
ip = lambda s: bytes(int(x) for x in s.split("."))
u = struct.pack("!HHHH", 138, 138, 8 + 60, 0) + b"x" * 60
ih = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0,
    ip("10.20.0.240"), ip("10.40.0.255"))
ih = ih[:10] + struct.pack("!H", csum(ih)) + ih[12:]
f = (mac("00:1b:54:14:20:01") + mac("00:90:5e:20:00:f0") +
    struct.pack("!HHH", 0x8100, 20, 0x800) + ih + u)
rec = struct.pack("<IIII", last + 60, 0, len(f), len(f)) + f
open(sys.argv[2], "wb").write(d[:24] + rec)
open(sys.argv[3], "wb").write(d + rec)
EOF

meta() {	# meta DB KEY: the state's value
	python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "select value from meta where key = ?", (sys.argv[2],)).fetchone()
print(r[0] if r else "(none)")' "$1" "$2"
}
alerts() { grep -c '"event_type":"alert"' "$1"; }

mkdir "$tmp/one" "$tmp/two"
"$WW" -r "$tmp/both.pcap" -l "$tmp/one" --state "$tmp/one/s.db" \
    >/dev/null 2>&1
"$WW" inventory --state "$tmp/one/s.db" >"$tmp/one/inv"
"$WW" -r "$PCAP" -l "$tmp/two" --state "$tmp/two/s.db" >/dev/null 2>&1
"$WW" -r "$tmp/after.pcap" -l "$tmp/two" --state "$tmp/two/s.db" \
    >"$tmp/two/out" 2>&1
rc=$?
"$WW" inventory --state "$tmp/two/s.db" >"$tmp/two/inv"

gw=$(meta "$tmp/two/s.db" net.gateways)
sn=$(meta "$tmp/two/s.db" net.subnets)
case " $gw " in
*" 10.40.0.1@40 "*) ok "gateways kept with their VLAN: $gw" ;;
*) nok "gateways kept: '$gw'" ;;
esac
case " $sn " in
*" 10.20.0.0/24@20 "*" 10.40.0.0/24@40 "*)
	ok "subnets kept with their VLAN: $sn" ;;
*) nok "subnets kept: '$sn'" ;;
esac

if [ "$rc" -eq 0 ] && ! grep -q '10\.40\.0\.255' "$tmp/two/inv" &&
    cmp -s "$tmp/one/inv" "$tmp/two/inv" &&
    [ "$(alerts "$tmp/two/eve.json")" -eq 0 ]; then
	ok "continued run: VLAN 40's broadcast address through a router is no device, no alert, the inventory as in one run"
else
	nok "continued run: exit $rc, $(alerts "$tmp/two/eve.json") alerts" \
	    "$(diff "$tmp/one/inv" "$tmp/two/inv")"
fi

# A damaged value: said once, the good entries still used.
mkdir "$tmp/bad"
"$WW" -r "$PCAP" -l "$tmp/bad" --state "$tmp/bad/s.db" >/dev/null 2>&1
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("update meta set value = ? where key = ?",
    ("10.40.0.0/33@40 x/24@1 10.40.0.1/24@2 10.40.0.0/24@40 10.9.0.0/16@9999",
    "net.subnets"))
c.commit()' "$tmp/bad/s.db"
"$WW" -r "$tmp/after.pcap" -l "$tmp/bad" --state "$tmp/bad/s.db" \
    >"$tmp/bad/out" 2>"$tmp/bad/err"
rc=$?
if [ "$rc" -eq 0 ] &&
    [ "$(grep -c 'net.subnets: entries that do not parse' "$tmp/bad/err")" -eq 1 ] &&
    [ "$(alerts "$tmp/bad/eve.json")" -eq 0 ]; then
	ok "a damaged net.subnets value: said once, its good entries used"
else
	nok "damaged net.subnets: exit $rc, $(alerts "$tmp/bad/eve.json") alerts" \
	    "$(cat "$tmp/bad/err")"
fi

# --fresh starts without them.
"$WW" -r "$tmp/after.pcap" -l "$tmp/two" --state "$tmp/two/s.db" --fresh \
    >/dev/null 2>&1
if [ "$(meta "$tmp/two/s.db" net.subnets)" = "(none)" ] ||
    [ "$(meta "$tmp/two/s.db" net.subnets)" = "" ]; then
	ok "--fresh: a new state knows no subnet"
else
	nok "--fresh: net.subnets is '$(meta "$tmp/two/s.db" net.subnets)'"
fi
