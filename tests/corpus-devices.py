#!/usr/bin/python3
"""corpus-devices.py - the device inventory of the real iot-devices captures
against the IEEE registry and the DHCP ground truth shipped with them (TAP).

usage: corpus-devices.py WARDWATCH CORPUS FINGERPRINTS REGISTRY

WARDWATCH is the binary, CORPUS the shared corpus folder (its
iot-devices/ captures are read), FINGERPRINTS the profiles/fingerprints
folder (its vendors: sections), REGISTRY the Debian ieee-data folder the
sensor reads (oui.csv, mam.csv, oui36.csv, iab.csv).

Every capture is read with --test-mode -l TMP --state TMP/s.db, and the
"snapshot" device records of its eve.json are checked:

  run   the run exits 0 (exit 2 naming the file for a link type the
        sensor does not decode is a SKIP: no device to check) and
        every record parses as JSON;
  oui   every device with a MAC whose OUI the registry names (the
        longest prefix: 36-bit MA-S/IAB, then 28-bit MA-M, then 24-bit
        MA-L) has evidence "oui.vendor" == [that name], and the name,
        or the canonical name a vendors: glob gives it, claimed with
        source "oui": as the vendor answer, or as an alternative that
        lost to an answer of at least its confidence (a stronger source
        named another vendor), except for a hypervisor's prefix, which
        makes the device a virtual_machine and claims no vendor.
        Locally administered and multicast
        addresses, the null address 00:00:00:00:00:00, unknown
        prefixes and "Private" have no oui.vendor;
  dhcp  (captures whose ground truth shows DHCPv4) every client the
        truth names with a host name (option 12) or a vendor class
        (option 60) is a device, found by its client MAC (chaddr) when
        the truth gives one, whose evidence "hostname" holds the name
        and "dhcp.vendor_class" the vendor class.

Nothing expected is written here: names come from the truth files and
the registry at run time.  Values are compared as the sensor stores
them (devfacts.c): leading and trailing blanks trimmed, the value ends
at a NUL, other control characters become '?', at most 63 bytes.
"""
import codecs
import csv
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

VALUE_MAX = 63          # DEV_VALUE_MAX - 1 bytes of a stored value

# Captures whose check fails because of the sensor, not the test:
# (capture, check) -> reason, printed as a TAP TODO.
KNOWN = {
}

# Bytes JSON-escaped by the sensor when they are not valid UTF-8
# (jsonw.c: "\u00XX" per byte) decode to U+00XX; do the same.
codecs.register_error(
    "wwbytes",
    lambda e: ("".join(chr(b) for b in e.object[e.start:e.end]), e.end))


def as_eve(b):
    return b.decode("utf-8", "wwbytes")


def stored(raw):
    """A value as the sensor stores it (str or bytes in, str out)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = raw.lstrip(b" \t").split(b"\0", 1)[0]
    raw = bytes(0x3F if c < 0x20 or c == 0x7F else c for c in raw)
    return as_eve(raw[:VALUE_MAX].rstrip(b" \t"))


# --- registry -----------------------------------------------------------

def load_registry(folder):
    """{bits: {prefix int: [names in file order]}} or None."""
    reg = {36: {}, 28: {}, 24: {}}
    digits = {6: 24, 7: 28, 9: 36}
    found = False
    for name in ("oui.csv", "mam.csv", "oui36.csv", "iab.csv"):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        found = True
        with open(path, encoding="utf-8", errors="surrogateescape",
                  newline="") as fh:
            for row in csv.reader(fh):
                if len(row) < 3 or row[0] == "Registry":
                    continue
                hexa = row[1].strip()
                if len(hexa) not in digits or \
                        not re.fullmatch(r"[0-9A-Fa-f]+", hexa):
                    continue
                # Stray tabs in the 2022 files: control characters are
                # blanks, and a name is trimmed.
                org = re.sub(r"[\x00-\x1f\x7f]", " ", row[2]).strip(" ")
                names = reg[digits[len(hexa)]].setdefault(int(hexa, 16), [])
                if org not in names:
                    names.append(org)
    return reg if found else None


def registry_names(reg, mac):
    """Names of the longest prefix of mac; [] when it has none."""
    if mac[0] & 0x03:
        return []               # multicast or locally administered
    if not any(mac[:3]):
        # 00-00-00 is Xerox's in the registry, but only made-up
        # addresses carry it today (the null one among them): no one's
        return []
    v = int.from_bytes(mac, "big")
    for bits in (36, 28, 24):
        names = reg[bits].get(v >> (48 - bits))
        if names:
            # "Private" hides the owner (and the shorter prefixes).
            return [n for n in names if n != "Private"]
    return []


def glob_re(pattern):
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.ASCII | re.DOTALL)


def load_vendors(folder):
    vendors = []
    for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for v in doc.get("vendors") or []:
            m = v.get("match")
            globs = [m] if isinstance(m, str) else list(m or [])
            vendors.append((v["name"], [glob_re(g) for g in globs]))
    return vendors


def canonical(vendors, org):
    return {name for name, globs in vendors
            if any(g.fullmatch(org) for g in globs)}


# --- ground truth -------------------------------------------------------

def mac_bytes(s):
    try:
        b = bytes(int(x, 16) for x in re.split(r"[:-]", s.strip()))
    except ValueError:
        return None
    return b if len(b) == 6 else None


def truth_sv(cap):
    """suricata-verify test.yaml: DHCP records of client messages."""
    path = cap + ".truth"
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    has_dhcp, items = False, []
    for check in doc.get("checks") or []:
        match = (check.get("filter") or {}).get("match") or {}
        if match.get("event_type") != "dhcp" and \
                not any(k.startswith("dhcp.") for k in match):
            continue
        has_dhcp = True
        client = match.get("dhcp.type") == "request" or \
            match.get("src_port") == 68
        if not client:
            continue
        mac = match.get("dhcp.client_mac")
        for key, field in (("hostname", "dhcp.hostname"),
                           ("dhcp.vendor_class",
                            "dhcp.vendor_class_identifier")):
            if isinstance(match.get(field), str):
                items.append((mac, key, match[field], False))
    return items if has_dhcp else None


def zeek_unescape(s):
    return re.sub(rb"\\x([0-9a-fA-F]{2})",
                  lambda m: bytes([int(m.group(1), 16)]),
                  s.encode("utf-8", "surrogateescape"))


def truth_zeek(cap):
    """Zeek dhcp.log baselines: mac and host_name (option 12)."""
    logs = sorted(glob.glob(glob.escape(cap) + ".truth*dhcp.log"))
    if not logs:
        return None
    items = []
    for path in logs:
        fields = None
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if line.startswith("#fields\t"):
                    fields = line.split("\t")[1:]
                    continue
                if line.startswith("#") or fields is None or not line:
                    continue
                rec = dict(zip(fields, line.split("\t")))
                host = rec.get("host_name", "-")
                if host not in ("-", "(empty)"):
                    items.append((rec.get("mac"), "hostname",
                                  zeek_unescape(host), False))
    return items


def tcpdump_unescape(s):
    """tcpdump's fn_print_char: "M-" for bit 7, "^" for controls."""
    out = bytearray()
    i = 0
    while i < len(s):
        hi = 0
        if s.startswith("M-", i) and i + 2 < len(s):
            hi = 0x80
            i += 2
        if s[i] == "^" and i + 1 < len(s):
            out.append(hi | (ord(s[i + 1]) ^ 0x40))
            i += 2
        else:
            out += bytes([hi | ord(s[i])]) if ord(s[i]) < 0x80 else \
                s[i].encode("utf-8")
            i += 1
    return bytes(out)


def truth_tcpdump(cap):
    """tcpdump -v text: BOOTP/DHCP requests, their chaddr and options."""
    path = cap + ".truth"
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        text = fh.read()
    if "BOOTP/DHCP" not in text:
        return None
    items = []
    # A packet starts with its number and date at the left margin.
    for pkt in re.split(r"\n(?=\s{0,6}\d+\s+\d{4}-\d\d-\d\d )", text):
        if not re.search(r"BOOTP/DHCP, Request", pkt):
            continue
        m = re.search(r"Client-Ethernet-Address ([0-9a-f:]{17})", pkt)
        mac = m.group(1) if m else None
        for key, opt in (("hostname", r"Hostname \(12\)"),
                         ("dhcp.vendor_class", r"Vendor-Class \(60\)")):
            for m in re.finditer(opt + r', length \d+: "(.*)"\s*$', pkt,
                                 re.M):
                items.append((mac, key, tcpdump_unescape(m.group(1)),
                              False))
    return items


def truth_ndpi(cap):
    """ndpiReader flows: client DHCP flows (no MAC; host names are
    lower-cased by nDPI, so they compare without case)."""
    path = cap + ".truth"
    if not os.path.exists(path):
        return None
    has_dhcp, items = False, []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if "[proto: 18/DHCP]" not in line:
                continue
            has_dhcp = True
            if not re.search(r"UDP \S+:68 -> \S+:67 ", line):
                continue
            m = re.search(r"\[Hostname/SNI: ([^\]]*)\]", line)
            if m:
                items.append((None, "hostname", m.group(1), True))
            m = re.search(r"\[DHCP Class Ident: ([^\]]*)\]", line)
            if m:
                items.append((None, "dhcp.vendor_class", m.group(1), False))
    return items if has_dhcp else None


def truth_arkime(cap):
    """Arkime session JSON: dhcp.mac (DHCPv4 only) and dhcp.host."""
    path = cap + ".truth"
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    has_dhcp, items = False, []
    for s in doc.get("sessions3") or []:
        d = (s.get("body") or {}).get("dhcp")
        if not isinstance(d, dict) or "mac" not in d:
            continue            # DHCPv6 sessions have no hardware address
        has_dhcp = True
        macs = d.get("mac") or []
        mac = macs[0] if len(macs) == 1 else None
        for h in d.get("host") or []:
            items.append((mac, "hostname", h, True))
    return items if has_dhcp else None


# Ground truth format by the source prefix of the capture name.
FORMATS = (
    ("sv", truth_sv),
    ("zeek_", truth_zeek),
    ("tcpdump__", truth_tcpdump),
    ("ndpi__", truth_ndpi),
    ("arkime__", truth_arkime),
)


def dhcp_truth(cap):
    name = os.path.basename(cap)
    for prefix, fn in FORMATS:
        if name.startswith(prefix):
            return fn(cap)
    return None


# --- the checks -----------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0

    def line(self, ok, desc, lines=(), todo=None):
        self.n += 1
        suffix = " # TODO " + todo if todo else ""
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, desc,
                                suffix))
        for ln in lines[:20]:
            print("# " + ln)
        if len(lines) > 20:
            print("# ... %d more" % (len(lines) - 20))

    def skip(self, desc, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, why))


def run(ww, cap, tmp):
    """(problem or None, skip reason or None, device records)."""
    p = subprocess.run([ww, "-r", cap, "--test-mode", "-l", tmp,
                        "--state", os.path.join(tmp, "s.db")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if "Sanitizer" in err or "runtime error:" in err:
        return "sanitizer report: " + err.splitlines()[0], None, []
    if p.returncode == 2 and \
            re.match(r"wardwatch: %s: unsupported link type" %
                     re.escape(cap), err):
        return None, err.split(": ", 2)[2].strip(), []
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, err.strip()[:200]), None, []
    devs = []
    path = os.path.join(tmp, "eve.json")
    if not os.path.exists(path):
        return "no eve.json", None, []
    with open(path, "rb") as fh:
        for i, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
            except ValueError as e:
                return "eve.json:%d: not JSON: %s" % (i, e), None, []
            if rec.get("event_type") == "device" and \
                    (rec.get("device") or {}).get("event") == "snapshot":
                devs.append(rec["device"])
    return None, None, devs


def sources(attr):
    return {s.get("source") for s in (attr or {}).get("sources") or []}


def dev_name(d):
    return d["mac"] + ("" if d.get("vlan") in (None, 0)
                       else " vlan %s" % d["vlan"])


# The prefixes of hypervisors' virtual NICs (wardwatch-devices(7)).
HYPERVISORS = {
    b"\x00\x50\x56": "VMware", b"\x00\x0c\x29": "VMware",
    b"\x00\x05\x69": "VMware", b"\x00\x1c\x14": "VMware",
    b"\x08\x00\x27": "VirtualBox", b"\x00\x15\x5d": "Hyper-V",
    b"\x52\x54\x00": "QEMU/KVM", b"\x00\x16\x3e": "Xen",
    b"\x00\x1c\x42": "Parallels",
}


def check_oui(devs, reg, vendors, stats):
    """Problems found, devices with a registry vendor."""
    bad, nven = [], 0
    for d in devs:
        mac = mac_bytes(d.get("mac") or "")
        if mac is None:
            continue            # known by its address alone
        stats["devices"] += 1
        names = registry_names(reg, mac)
        got = ((d.get("evidence") or {}).get("oui.vendor"))
        if not names:
            if got:
                bad.append("%s: oui.vendor expected none, got %s" %
                           (dev_name(d), json.dumps(got)))
            continue
        nven += 1
        want = [stored(n) for n in names]
        if got is None or len(got) != 1 or got[0] not in want:
            bad.append("%s: oui.vendor expected %s, got %s" %
                       (dev_name(d), json.dumps(want[0] if len(want) == 1
                                                else want),
                        json.dumps(got)))
            continue
        accept = set(want)
        for n in names:
            accept |= canonical(vendors, n)
        attrs = d.get("attributes") or {}
        if mac[:3] in HYPERVISORS:
            # The registry names the virtual NIC's maker: a fact, no
            # vendor claim.
            claims = [v for v in [attrs.get("vendor") or {}] +
                      ((d.get("alternatives") or {}).get("vendor") or [])
                      if "oui" in sources(v)]
            if d.get("virtual_machine") != HYPERVISORS[mac[:3]] or claims:
                bad.append("%s: virtual_machine expected %s and no oui "
                           "vendor, got %s and %s" % (
                               dev_name(d), HYPERVISORS[mac[:3]],
                               json.dumps(d.get("virtual_machine")),
                               json.dumps([v.get("value") for v in claims])))
            continue
        answer = attrs.get("vendor") or {}
        if answer.get("value") in accept and "oui" in sources(answer):
            continue
        lost = [a for a in (d.get("alternatives") or {}).get("vendor") or []
                if a.get("value") in accept and "oui" in sources(a) and
                answer.get("confidence", 0) >= a.get("confidence", 0)]
        if not lost:
            bad.append("%s: vendor expected one of %s (source oui), got %s"
                       " from %s" % (dev_name(d), json.dumps(sorted(accept)),
                                     json.dumps(answer.get("value")),
                                     sorted(sources(answer))))
    return bad, nven


def check_dhcp(devs, items, stats):
    bad, seen = [], set()
    for mac, key, raw, nocase in items:
        want = stored(raw)
        if not want or (mac, key, want) in seen:
            continue            # the sensor keeps no empty value
        seen.add((mac, key, want))
        stats["hostname" if key == "hostname" else "vendor_class"] += 1
        if mac is not None:
            mb = mac_bytes(mac)
            cand = [d for d in devs if mac_bytes(d.get("mac") or "") == mb]
            where = "device %s" % mac
            if not cand:
                bad.append("%s %s: expected %s, got no such device" %
                           (where, key, json.dumps(want)))
                continue
        else:
            cand = devs
            where = "any device"

        def has(d):
            vals = (d.get("evidence") or {}).get(key) or []
            if nocase:
                return want.lower() in (v.lower() for v in vals)
            return want in vals
        if not any(has(d) for d in cand):
            got = [v for d in cand
                   for v in (d.get("evidence") or {}).get(key) or []]
            bad.append("%s %s: expected %s, got %s" %
                       (where, key, json.dumps(want), json.dumps(got)))
    return bad, len(seen)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    ww, corpus, fpdir, regdir = sys.argv[1:]
    caps = sorted(glob.glob(os.path.join(corpus, "iot-devices", "*.pcap")) +
                  glob.glob(os.path.join(corpus, "iot-devices", "*.pcapng")) +
                  glob.glob(os.path.join(corpus, "iot-devices", "*.cap")))
    truths = {c: dhcp_truth(c) for c in caps}
    reg = load_registry(regdir)
    vendors = load_vendors(fpdir)
    ndhcp = sum(1 for t in truths.values() if t is not None)
    print("1..%d" % (2 * len(caps) + ndhcp))
    print("# %d captures, %d with DHCP ground truth" % (len(caps), ndhcp))
    tap = Tap()
    stats = {"devices": 0, "hostname": 0, "vendor_class": 0, "oui": 0}
    for cap in caps:
        name = os.path.basename(cap)
        with tempfile.TemporaryDirectory() as tmp:
            problem, skip, devs = run(ww, cap, tmp)
        if skip:
            tap.skip("run %s" % name, skip)
            tap.skip("oui %s" % name, skip)
            if truths[cap] is not None:
                tap.skip("dhcp %s" % name, skip)
            continue
        tap.line(problem is None, "run %s: %d devices" % (name, len(devs)),
                 [problem] if problem else [], KNOWN.get((name, "run")))
        if reg is None:
            tap.skip("oui %s" % name, "no registry at " + regdir)
        else:
            bad, nven = check_oui(devs, reg, vendors, stats)
            stats["oui"] += nven
            tap.line(not bad, "oui %s: %d registry vendors" % (name, nven),
                     bad, KNOWN.get((name, "oui")))
        if truths[cap] is not None:
            bad, n = check_dhcp(devs, truths[cap], stats)
            tap.line(not bad, "dhcp %s: %d names" % (name, n), bad,
                     KNOWN.get((name, "dhcp")))
    print("# devices: %d checked, %d hostnames, %d vendor classes, "
          "%d OUI vendors" % (stats["devices"], stats["hostname"],
                              stats["vendor_class"], stats["oui"]))


if __name__ == "__main__":
    main()
