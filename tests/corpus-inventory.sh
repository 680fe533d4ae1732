#!/bin/sh
# corpus-inventory.sh - what must never be a device, on real captures
# of ../shared/corpus (TAP; skipped when the corpus is absent).
#
# For each capture below, read with a fresh state database, the final
# inventory ("snapshot" device records of eve.json) holds:
#   - no device whose address is the destination of a frame sent to
#     ff:ff:ff:ff:ff:ff (the flow records' ether.dest_mac), unless a
#     DHCP server leased it, nor one of the subnet broadcasts named
#     with the capture (NetBIOS datagrams of WannaCry to
#     192.168.116.255; 10.0.0.255 and 192.168.1.255 of nDPI's tests);
#   - no vendor, and so no class from the vendor, for the null MAC
#     00:00:00:00:00:00 (the registry's 00-00-00 made it a "Xerox
#     printer");
#   - a virtual_machine mark on every device with a hypervisor's MAC
#     prefix, and no vendor from that prefix (VMware, "PCS Systemtechnik"
#     or Microsoft was the maker of every virtual interface engine).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"

# capture (under the corpus)		broadcasts that are no device
set -- \
    attacks/es_wannacry.pcap		"192.168.116.255" \
    general/ndpi_testsuite_ethernet_merged.pcap "10.0.0.255 192.168.1.255"

if [ ! -d "$CORPUS" ]; then
	echo "1..0 # SKIP no corpus at $CORPUS"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

echo "1..$(($# / 2 * 3))"
i=0
n=0
while [ $# -ge 2 ]; do
	pcap=$1
	named=$2
	shift 2
	n=$((n + 1))
	out="$tmp/$n"
	mkdir -p "$out"
	if [ ! -f "$CORPUS/$pcap" ]; then
		for _ in 1 2 3; do
			i=$((i + 1))
			echo "ok $i - $pcap # SKIP not in the corpus"
		done
		continue
	fi
	"$WW" --test-mode -r "$CORPUS/$pcap" -l "$out" --state "$out/s.db" \
	    >"$out/log" 2>&1
	rc=$?
	/usr/bin/python3 - "$out/eve.json" "$rc" "$pcap" "$named" "$i" <<'EOF'
import json
import sys

eve, rc, pcap, named, i = sys.argv[1:6]
i = int(i)
devs, bcast, leased = [], set(named.split()), set()
try:
    with open(eve, encoding="utf-8") as fp:
        for line in fp:
            r = json.loads(line)
            t = r.get("event_type")
            if t == "device" and r["device"].get("event") == "snapshot":
                devs.append(r["device"])
            elif t == "flow" and r.get("ether", {}).get(
                    "dest_mac") == "ff:ff:ff:ff:ff:ff":
                bcast.add(r.get("dest_ip"))
            elif t == "dhcp" and r.get("dhcp", {}).get("assigned_ip"):
                leased.add(r["dhcp"]["assigned_ip"])
except (OSError, ValueError) as e:
    print(f"# {e}")
bcast -= leased
bcast.discard("255.255.255.255")
if rc != "0":
    for k in (1, 2, 3):
        print(f"not ok {i + k} - {pcap}: wardwatch exited {rc}")
    sys.exit(0)
bad = sorted({d["ip"] for d in devs if d.get("ip") in bcast})
print(("not ok" if bad else "ok") + f" {i + 1} - {pcap}: no broadcast "
      f"address is a device ({len(bcast)} seen)" +
      (": " + ", ".join(bad) if bad else ""))
null = [d for d in devs if d.get("mac") == "00:00:00:00:00:00"]
bad = [f"vlan {d.get('vlan', 0)} ({d.get('vendor')} {d.get('class')})"
       for d in null if "oui.vendor" in d.get("evidence", {}) or
       d.get("class") == "printer"]
print(("not ok" if bad else "ok") + f" {i + 2} - {pcap}: the null MAC "
      f"has no vendor ({len(null)} such devices)" +
      (": " + ", ".join(bad[:10]) if bad else ""))
hv = {"00:50:56": "VMware", "00:0c:29": "VMware", "00:05:69": "VMware",
      "00:1c:14": "VMware", "08:00:27": "VirtualBox", "00:15:5d": "Hyper-V",
      "52:54:00": "QEMU/KVM", "00:16:3e": "Xen", "00:1c:42": "Parallels"}
vms = [d for d in devs if d.get("mac", "")[:8] in hv]
makers = ("VMware", "PCS Systemtechnik", "Microsoft", "XenSource",
          "Parallels")
bad = [f"{d['mac']} ({d.get('virtual_machine')}, {d.get('vendor')})"
       for d in vms if d.get("virtual_machine") != hv[d["mac"][:8]] or
       (d.get("vendor") or "").startswith(makers)]
print(("not ok" if bad else "ok") + f" {i + 3} - {pcap}: {len(vms)} "
      "virtual machines are marked and their vendor is no hypervisor's" +
      (": " + ", ".join(bad[:10]) if bad else ""))
EOF
	i=$((i + 3))
done
