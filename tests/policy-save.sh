#!/bin/sh
# policy-save.sh - one device's policy set over its size limit does not
# keep every other device's from the state (TAP).  The limit (256 KiB)
# is lowered for the test (WARDWATCH_TEST_POLICY_SET_MAX) to the median
# size of the ward capture's saved sets, with a save every second of
# packet time:
#  1. a save written in parts of a few bytes (each device's sets
#     written before the next, WARDWATCH_TEST_POLICY_SAVE_CHUNK=1)
#     stores the sets a save written at once does;
#  2. every set within the limit is in the state, as a run without the
#     limit saves it;
#  3. no set over it is, and each over it is said once, by its key;
#  4. a wider fan-out alone (no other news: the same allowed service
#     to one new peer after another) is saved: a device (class unknown,
#     allowed syslog to the local zone, max-fan-out 100) sends to 20
#     peers; the first 19 flows end before a save, the last only at
#     the end of the input, and the state must say max-fan-out 20.
# Skipped without sqlite3 (3: without python3).

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
echo "1..4"

printf 'devices:\n  save-interval: 1\n' >"$tmp/c.yaml"
# run NAME [LIMIT [CHUNK]]
run() {
	mkdir "$tmp/$1"
	WARDWATCH_TEST_POLICY_SET_MAX=$2 \
	    WARDWATCH_TEST_POLICY_SAVE_CHUNK=$3 "$WW" --test-mode -r "$PCAP" \
	    -l "$tmp/$1" -c "$tmp/c.yaml" --state "$tmp/$1.db" \
	    >"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
	sqlite3 "$tmp/$1.db" "SELECT key || ' ' || length(value) || ' ' ||
	    hex(value) FROM meta WHERE key LIKE 'policy.%' ORDER BY key" \
	    >"$tmp/$1.sets"
}
run ref
run parts "" 1
if [ "$(cat "$tmp/parts.rc")" = 0 ] && [ -s "$tmp/ref.sets" ] &&
    cmp -s "$tmp/ref.sets" "$tmp/parts.sets"; then
	ok "a save in parts stores the $(wc -l <"$tmp/ref.sets") sets of one at once"
else
	nok "a save in parts: exit $(cat "$tmp/parts.rc"), sets differ" \
	    "$(diff "$tmp/ref.sets" "$tmp/parts.sets")"
fi
# The limit: the median size of the sets a run without it saves.
MAX=$(cut -d' ' -f2 "$tmp/ref.sets" | sort -n |
    awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] + 0 }')
run max "$MAX"
if [ "$(cat "$tmp/ref.rc")" != 0 ] || [ "$(cat "$tmp/max.rc")" != 0 ]; then
	nok "runs exited $(cat "$tmp/ref.rc") and $(cat "$tmp/max.rc")" \
	    "$(cat "$tmp/max.err")"
	nok "no state to check"
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

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 4 # SKIP python3 not installed"
	exit 0
fi
# 20 one-packet UDP flows, 5 s of packet time apart, from a MAC with no
# vendor to a new peer each.
python3 - "$tmp/fan.pcap" <<'EOF'
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
src, smac = bytes([10, 1, 0, 10]), bytes([2, 0, 0, 0, 0, 1])
for i in range(20):
    dst, dmac = bytes([10, 1, 0, 100 + i]), bytes([2, 0, 0, 0, 0, 0x10 + i])
    data = b"<14>wardwatch fan-out"
    u = struct.pack("!HHHH", 40000 + i, 514, 8 + len(data), 0) + data
    c = csum(src + dst + struct.pack("!BBH", 0, 17, len(u)) + u) or 0xffff
    u = u[:6] + struct.pack("!H", c) + u[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 0, 0x4000, 64,
                     17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    f = dmac + smac + b"\x08\x00" + ip + u
    out.write(struct.pack("<IIII", 1793516400 + 5 * i, 0, len(f), len(f)))
    out.write(f)
EOF
cat >"$tmp/fan.yaml" <<'EOF'
flow:
  timeouts:
    udp:
      new: 1
devices:
  save-interval: 1
policy:
  overrides:
    - class: unknown
      mode: enforce
      initiate:
        - { zone: local, proto: udp, port: 514 }
      max-fan-out: 100
EOF
# The input stays open 2 s after its packets: a save (a second of the
# run) comes between the flows that the next packet ended and the last.
mkdir "$tmp/fan"
{ cat "$tmp/fan.pcap"; sleep 2; } | "$WW" --test-mode -r - -l "$tmp/fan" \
    -c "$tmp/fan.yaml" --state "$tmp/fan.db" >"$tmp/fan.out" 2>&1
rc=$?
fan=$(sqlite3 "$tmp/fan.db" "SELECT value FROM meta WHERE key LIKE
    'policy.seen.02:00:00:00:00:01/%'" 2>/dev/null |
    awk '/^ *max-fan-out: [0-9]+$/ { print $2 }
	# the compact form: "p TARGET NAME MODE INTERNET LOGINS FANOUT WINDOW"
	$1 == "p" && NF == 8 { print $7 }')
if [ "$rc" -eq 0 ] && [ "$fan" = 20 ]; then
	ok "a fan-out that grew after the last other news is saved (max-fan-out 20)"
else
	nok "fan-out: exit $rc, the state says max-fan-out '$fan', not 20" \
	    "$(tail -3 "$tmp/fan.out")"
fi
