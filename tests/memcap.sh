#!/bin/sh
# memcap.sh - flow.memcap bounds what traffic can make the sensor hold (TAP).
#
# Captures from tests/floodgen.py, read from a pipe (a file would be
# mapped, and its pages counted in the resident size).  Peak resident
# size is the child's ru_maxrss, compared with a run of the same
# configuration on a one-flow capture; the stats record's flow.memuse_peak
# (wardwatch.flow_memuse_peak) is compared with the cap.  Resident-size checks are skipped in a
# sanitizer build (shadow memory and quarantine).
#  1. 100 HL7 flows each holding an unterminated 840 KB MLLP frame, under
#     flow.memcap 4mb: emergency mode, evictions, memuse and peak
#     resident size bounded.
#  2. 3,000 answered DNS queries (3,000 UDP flows) among 10 idle HL7
#     sessions: at 8mb no emergency at all (a DNS flow holds no parser
#     state), at 2mb the DNS flows are evicted, never the HL7 sessions.
#  3. 100,000 SYNs: flow.memuse_peak is what the allocator really gave
#     (against the resident size at a cap no flood reaches), and a 16mb
#     cap bounds the resident size.  The device inventory is off here:
#     its own tables are bounded by devices.max-devices, not flow.memcap.
#     The packet and record queues have bounds of their own (5 MiB a
#     worker, 67 batches of 64 KiB), reported as queue_memuse_peak and
#     checked against them: they fill when their threads are starved (a
#     loaded machine), so the resident-size checks allow what they held.
#  4. 2,000 TCP flows one after the other, each sending 4 KB that nothing
#     names and closing: a closed flow waits for its timeout holding no
#     nDPI state (nDPI 4.2 would keep the 4 KB in its TLS reassembly),
#     so the peak is under 2 KB a flow above the table's own.
#  5. The same with HTTP requests and their answers: once both sides
#     have closed, the HTTP parser's state (2 KB) is freed too.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_srcdir/tests/floodgen.py"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

san=0
if command -v nm >/dev/null 2>&1 && nm "$WW" 2>/dev/null |
    grep -q __asan_init; then
	san=1
fi

# run PCAP CONF OUTDIR: run wardwatch on PCAP from a pipe; prints the
# peak resident size in KiB.
run() {
	mkdir -p "$3"
	python3 - "$WW" "$1" "$2" "$3" <<'PY'
import resource, subprocess, sys
ww, pcap, conf, out = sys.argv[1:]
cat = subprocess.Popen(["cat", pcap], stdout=subprocess.PIPE)
r = subprocess.run([ww, "-r", "/dev/stdin", "-c", conf, "-l", out,
                    "--workers", "1"], stdin=cat.stdout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
cat.stdout.close()
cat.wait()
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(1)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

# stat DIR KEY: a member of the last stats record's "flow" object
# (memuse_peak, queue_peak: its "wardwatch" object's flow_memuse_peak,
# queue_memuse_peak)
stat() {
	python3 -c 'import json, sys
s = None
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "stats":
        s = dict(r["stats"]["flow"])
        s["memuse_peak"] = r["wardwatch"]["flow_memuse_peak"]
        s["queue_peak"] = r["wardwatch"]["queue_memuse_peak"]
print(s.get(sys.argv[2], -1) if s else -1)' "$1/eve.json" "$2"
}

# ends DIR PORT REASON: flow records to PORT that ended with REASON
ends() {
	python3 -c 'import json, sys
print(sum(1 for l in open(sys.argv[1])
          if json.loads(l).get("event_type") == "flow"
          and json.loads(l).get("dest_port") == int(sys.argv[2])
          and json.loads(l)["flow"].get("reason") == sys.argv[3]))' \
	    "$1/eve.json" "$2" "$3"
}

check() {	# check "what" test-expression...
	what=$1
	shift
	if "$@"; then ok "$what"; else nok "$what"; fi
}

echo "1..17"
MIB=1048576

# 1. Unterminated HL7 frames.
python3 "$GEN" hl7 "$tmp/hl7.pcap" 100 840 || exit 1
python3 "$GEN" hl7 "$tmp/one.pcap" 1 1 || exit 1
printf 'flow:\n  memcap: 4mb\n' >"$tmp/c4.yaml"
base=$(run "$tmp/one.pcap" "$tmp/c4.yaml" "$tmp/one4") || exit 1
rss=$(run "$tmp/hl7.pcap" "$tmp/c4.yaml" "$tmp/hl7") || exit 1
peak=$(stat "$tmp/hl7" memuse_peak)
qkib=$(($(stat "$tmp/hl7" queue_peak) / 1024))
echo "# hl7 flood: peak rss $rss KiB (one flow: $base KiB)," \
    "memuse_peak $peak at a 4 MiB cap"
check "hl7 flood: emergency mode entered" \
    test "$(stat "$tmp/hl7" emerg_mode_entered)" -ge 1
check "hl7 flood: flows evicted" test "$(ends "$tmp/hl7" 2575 forced)" -ge 100
# A packet may grow a buffer past the cap before it is checked.
check "hl7 flood: memuse_peak within the cap and one buffer" \
    test "$peak" -gt 0 -a "$peak" -le $((4 * MIB + MIB))
if [ $san = 1 ]; then
	skip "hl7 flood: resident size (sanitizer build)"
else
	check "hl7 flood: resident size at most 3 caps over one flow's (and the queues' $qkib KiB)" \
	    test $((rss - base)) -le $((3 * 4 * 1024 + qkib))
fi

# 2. DNS flood among HL7 sessions.
python3 "$GEN" dns "$tmp/dns.pcap" 3000 10 || exit 1
printf 'flow:\n  memcap: 8mb\n' >"$tmp/c8.yaml"
printf 'flow:\n  memcap: 2mb\n' >"$tmp/c2.yaml"
run "$tmp/dns.pcap" "$tmp/c8.yaml" "$tmp/dns8" >/dev/null || exit 1
run "$tmp/dns.pcap" "$tmp/c2.yaml" "$tmp/dns2" >/dev/null || exit 1
peak=$(stat "$tmp/dns8" memuse_peak)
total=$(stat "$tmp/dns8" total)
echo "# dns flood: memuse_peak $peak for $total flows"
check "dns flood at 8mb: no emergency" \
    test "$(stat "$tmp/dns8" emerg_mode_entered)" -eq 0
check "dns flood at 8mb: HL7 sessions end at shutdown" \
    test "$(ends "$tmp/dns8" 2575 shutdown)" -eq 10 -a \
    "$(ends "$tmp/dns8" 2575 forced)" -eq 0
# An answered DNS flow: the flow, its app-layer struct, nDPI's answer.
check "dns flood: at most 1.5 KiB a flow" \
    test "$peak" -gt 0 -a "$peak" -le $((total * 1536 + MIB))
check "dns flood at 2mb: emergency mode entered" \
    test "$(stat "$tmp/dns2" emerg_mode_entered)" -ge 1
check "dns flood at 2mb: DNS flows evicted, HL7 sessions kept" \
    test "$(ends "$tmp/dns2" 53 forced)" -ge 1 -a \
    "$(ends "$tmp/dns2" 2575 forced)" -eq 0 -a \
    "$(ends "$tmp/dns2" 2575 shutdown)" -eq 10

# 3. SYN flood.
python3 "$GEN" syn "$tmp/syn.pcap" 100000 || exit 1
printf 'flow:\n  memcap: 1gb\ndevices:\n  enabled: false\n' >"$tmp/c1g.yaml"
printf 'flow:\n  memcap: 16mb\ndevices:\n  enabled: false\n' >"$tmp/c16.yaml"
base=$(run "$tmp/one.pcap" "$tmp/c1g.yaml" "$tmp/one1g") || exit 1
rss=$(run "$tmp/syn.pcap" "$tmp/c1g.yaml" "$tmp/syn1g") || exit 1
peak=$(stat "$tmp/syn1g" memuse_peak)
echo "# syn flood, no cap reached: peak rss $rss KiB (one flow: $base" \
    "KiB), memuse_peak $peak"
check "syn flood: every flow kept below a 1gb cap" \
    test "$(stat "$tmp/syn1g" emerg_mode_entered)" -eq 0 -a "$peak" -gt 0
if [ $san = 1 ]; then
	skip "syn flood: memuse_peak against the resident size (sanitizer)"
else
	# The flows are nearly all of what grew, besides the queues:
	# within 15% of it.
	grow=$(((rss - base) * 1024 - $(stat "$tmp/syn1g" queue_peak)))
	check "syn flood: memuse_peak within 15% of what the flows took" \
	    test "$peak" -ge $((grow * 85 / 100)) -a \
	    "$peak" -le $((grow * 115 / 100))
fi
base=$(run "$tmp/one.pcap" "$tmp/c16.yaml" "$tmp/one16") || exit 1
rss=$(run "$tmp/syn.pcap" "$tmp/c16.yaml" "$tmp/syn16") || exit 1
peak=$(stat "$tmp/syn16" memuse_peak)
qpeak=$(stat "$tmp/syn16" queue_peak)
qkib=$((qpeak / 1024))
echo "# syn flood at 16mb: peak rss $rss KiB (one flow: $base KiB)," \
    "memuse_peak $peak, queues $qpeak"
check "syn flood at 16mb: flows evicted" \
    test "$(stat "$tmp/syn16" emerg_mode_entered)" -ge 1
check "syn flood at 16mb: memuse_peak within the cap and a flow" \
    test "$peak" -gt 0 -a "$peak" -le $((16 * MIB + 4096))
if [ $san = 1 ]; then
	skip "syn flood at 16mb: resident size (sanitizer build)"
else
	check "syn flood at 16mb: resident size at most 1.5 caps over (and the queues' $qkib KiB)" \
	    test $((rss - base)) -le $((16 * 1024 * 3 / 2 + qkib))
fi
# One worker: 10 packet batches of 512 KiB; records (reading a file):
# 64 queued, being written or spare, one per producer (worker, brain,
# monitor) of 64 KiB.
check "syn flood: the queues within their bounds ($qpeak bytes)" \
    test "$qpeak" -gt 0 -a "$qpeak" -le $((10 * 524352 + 67 * 65600))

# 4 and 5. Closed flows give nDPI's state back, and their parser's.
# closed NAME WHAT GENARGS...: 2000 flows that close, at most 2 KB a
# flow held above the empty table.
closed() {
	name=$1 what=$2
	shift 2
	python3 "$GEN" closed "$tmp/$name.pcap" 2000 "$@" || exit 1
	run "$tmp/$name.pcap" "$tmp/c1g.yaml" "$tmp/$name" >/dev/null || exit 1
	peak=$(stat "$tmp/$name" memuse_peak)
	table=$(stat "$tmp/$name" memuse)
	echo "# 2000 $what: memuse_peak $peak, the empty table $table"
	check "$what: memuse_peak under 2 KB a flow above the table" \
	    test "$peak" -gt "$table" -a $((peak - table)) -le $((2000 * 2048))
}
closed closed "closed flows" 4
closed closedh "closed HTTP flows" 1 1
