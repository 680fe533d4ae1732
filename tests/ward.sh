#!/bin/sh
# ward.sh - score the device inventory of pcaps/ward.pcap against its
# ground truth, pcaps/ward.truth (TAP).
#
# wardwatch reads the capture with a fresh state database; the final
# inventory is the "snapshot" device records of eve.json.  Each truth
# row (mac, vlan, ip, class, vendor, model, virtual_machine) is one
# test: it passes when the device with that MAC on that VLAN has the
# right class, vendor, address (after the last lease; for a router its
# own interface's) and hypervisor, and the right model where the truth
# names one ("-": none claimed; for the vendor and the hypervisor, none
# at all).  Two
# more tests: the inventory holds no device the truth does not name (a
# router's other interfaces, hosts behind a router, broadcast addresses
# are not devices), and the routers hold no evidence of the hosts they
# forward for.  The last line is "# accuracy: class N/M, vendor N/M,
# model N/M".  Skipped only when wardwatch has no device inventory (no
# --state in its usage).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
TRUTH="$top_srcdir/pcaps/ward.truth"

if ! "$WW" --help 2>&1 | grep -q -e '--state'; then
	echo "1..0 # SKIP wardwatch has no --state (no device inventory)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

"$WW" --test-mode -r "$PCAP" -l "$tmp" --state "$tmp/state.db" \
    >"$tmp/out" 2>&1
rc=$?
/usr/bin/python3 - "$TRUTH" "$tmp/eve.json" "$rc" "$tmp/out" <<'EOF'
import csv
import json
import sys

truth_path, eve_path, rc, out_path = sys.argv[1:5]

with open(truth_path, newline="", encoding="utf-8") as fp:
    rows = list(csv.DictReader(fp, delimiter="\t"))

# The last snapshot of each (mac, vlan) is the final inventory; devices
# known by address alone are kept apart.
got = {}
routed = []
try:
    with open(eve_path, encoding="utf-8") as fp:
        for line in fp:
            rec = json.loads(line)
            dev = rec.get("device")
            if rec.get("event_type") != "device" or not isinstance(dev, dict):
                continue
            if dev.get("event") != "snapshot":
                continue
            if not dev.get("mac"):
                routed.append(dev)
                continue
            got[(dev["mac"].lower(), dev.get("vlan"))] = dev
except OSError:
    pass

print(f"1..{len(rows) + 2}")
if rc != "0":
    print(f"# wardwatch exited with status {rc}")
    with open(out_path, encoding="utf-8", errors="replace") as fp:
        for line in fp.read().splitlines()[-10:]:
            print(f"# {line}")

n_class = n_vendor = n_model = want_model = 0
for i, row in enumerate(rows, 1):
    mac, vlan = row["mac"].lower(), int(row["vlan"])
    want = {"class": row["class"], "vendor": row["vendor"],
            "model": row["model"]}
    name = f"{mac} vlan {vlan} ({want['class']}, {want['vendor']}" + \
        (f", {want['model']})" if want["model"] != "-" else ")")
    dev = got.get((mac, vlan))
    if dev is None:
        print(f"not ok {i} - {name}: no device record")
        if want["model"] != "-":
            want_model += 1
        continue
    bad = []
    if want["vendor"] == "-":
        want["vendor"] = None
    for key in ("class", "vendor", "model"):
        if key == "model" and want["model"] == "-":
            continue
        have = dev.get(key)
        if key == "model":
            want_model += 1
        if have == want[key]:
            if key == "class":
                n_class += 1
            elif key == "vendor":
                n_vendor += 1
            else:
                n_model += 1
        else:
            bad.append(f"{key} expected {want[key]!r} got {have!r}")
    if dev.get("ip") != row["ip"]:
        bad.append(f"ip expected {row['ip']} got {dev.get('ip')}")
    vm = row.get("virtual_machine", "-")
    if dev.get("virtual_machine") != (None if vm == "-" else vm):
        bad.append(f"virtual_machine expected {vm!r} got "
                   f"{dev.get('virtual_machine')!r}")
    if bad:
        print(f"not ok {i} - {name}: " + "; ".join(bad))
    else:
        print(f"ok {i} - {name}")

known = {(r["mac"].lower(), int(r["vlan"])) for r in rows}
extra = [f"{m} vlan {v}" for (m, v) in got if (m, v) not in known]
extra += [f"(routed) {d.get('ip')} vlan {d.get('vlan', 0)}" for d in routed]
i = len(rows) + 1
if extra:
    print(f"not ok {i} - devices the truth does not name: "
          + ", ".join(sorted(extra)))
else:
    print(f"ok {i} - no device the truth does not name")

# What a router's interface may know of itself: its registry entry, its
# roles as a router and DHCP relay, what it announces to its switch.
own = ("oui.vendor", "behaviour", "lldp.")
roles = ("router", "dhcp_relay")
borrowed = []
for (m, v), dev in sorted(got.items()):
    if not dev.get("router"):
        continue
    for key, values in dev.get("evidence", {}).items():
        if not key.startswith(own):
            borrowed.append(f"{m} vlan {v}: {key}")
        elif key == "behaviour":
            borrowed += [f"{m} vlan {v}: {x}" for x in values
                         if x not in roles]
i += 1
if borrowed:
    print(f"not ok {i} - routers hold their hosts' evidence: "
          + ", ".join(borrowed))
else:
    print(f"ok {i} - routers hold no evidence of the hosts behind them")

print(f"# accuracy: class {n_class}/{len(rows)}, vendor {n_vendor}/"
      f"{len(rows)}, model {n_model}/{want_model}")
EOF
