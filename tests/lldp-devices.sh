#!/bin/sh
# lldp-devices.sh - LLDP and CDP frames of the real captures in
# ../shared/corpus reach the output and the device inventory (TAP;
# skipped when the corpus is absent).  The names tcpdump's ground truth
# prints (CDP Device-ID and Platform, LLDP System Name) must be among
# the devices' hostnames, models and evidence, and a device that says
# it bridges or routes is network infrastructure.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
corpus="${WW_CORPUS:-$top_srcdir/../shared/corpus}/iot-devices"
[ -d "$corpus" ] || { echo "1..0 # SKIP no corpus at $corpus"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

set -- tcpdump__LLDP_and_CDP.pcap tcpdump__3560_CDP.pcap \
    tcpdump__lldp-app-priority.pcap arkime__wireshark-lldp.pcap
echo "1..$#"
n=0
for c in "$@"; do
	n=$((n + 1))
	if [ ! -f "$corpus/$c" ]; then
		echo "ok $n - $c # SKIP not in the corpus"
		continue
	fi
	rm -rf "$tmp/log"
	mkdir "$tmp/log"
	"$WW" --test-mode -r "$corpus/$c" -l "$tmp/log" \
	    --state "$tmp/log/s.db" >"$tmp/out" 2>&1
	rc=$?
	truth="$corpus/$c.truth"
	[ -f "$truth" ] || truth=/dev/null
	if msg=$(python3 - "$tmp/log/eve.json" "$truth" "$rc" <<'EOF'
import json, re, sys
eve, truth, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
if rc != 0:
    sys.exit(f"exit status {rc}")
recs = [json.loads(l) for l in open(eve, encoding="utf-8")]
l2 = [r for r in recs if r["event_type"] in ("lldp", "cdp")]
if not l2:
    sys.exit("no lldp or cdp record")
devs = [r["device"] for r in recs
        if r["event_type"] == "device" and r["device"]["event"] == "snapshot"]
seen = set()
for d in devs:
    for k in ("hostname", "model"):
        if k in d:
            seen.add(d[k])
    for vals in d.get("evidence", {}).values():
        seen.update(vals)
text = open(truth, encoding="utf-8", errors="replace").read()
want = set(re.findall(r"Device-ID \(0x0001\), value length: \d+ bytes: '([^']*)'", text))
want |= set(re.findall(r"Platform \(0x0006\), value length: \d+ bytes: '([^']*)'", text))
want |= set(re.findall(r"System Name TLV \(5\), length \d+: (\S+)", text))
missing = sorted(w for w in want if w[:63] not in seen)
if missing:
    sys.exit(f"names in the truth not in the inventory: {missing}")
infra = [d for d in devs
         if set(d.get("evidence", {}).get("lldp.capability", []))
         & {"bridge", "router", "switch"}]
wrong = [d["mac"] for d in infra if d["class"] != "network-infrastructure"]
if wrong:
    sys.exit(f"bridges or routers not classed as network infrastructure: {wrong}")
print(f"{len(l2)} records, {len(want)} names from the truth, "
      f"{len(infra)} switches/routers")
EOF
	); then
		echo "ok $n - $c: $msg"
	else
		echo "not ok $n - $c: $msg"
	fi
done
