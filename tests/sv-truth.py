#!/usr/bin/python3
"""sv-truth.py - check an eve.json against a suricata-verify test.yaml.

usage: sv-truth.py TRUTH EVE EVENT_TYPE...
       sv-truth.py --alerts RULES SKIPPED TRUTH EVE

Evaluates every "filter" check of the truth file whose match names one
of the given event types (other checks are Suricata features we do not
claim: rules, stats).  A check passes when the number of records
matching every key equals its "count".  Keys are dotted paths with [i]
list indices, as suricata-verify writes them.  Prints one line per
check and exits 1 if any failed.

--alerts evaluates the alert checks only.  RULES is the test's rule
file (to find the sid of a check that names its rule by
alert.signature) and SKIPPED a file of wardwatch's messages about
rules it did not load ("file:line: sid N: why"): a check on such a rule
is skipped with the reason, not failed.  Exit status 0 when every other
check passed, 1 when one failed, 77 when none was left to evaluate.
"""
import ipaddress
import json
import re
import sys

import yaml

MISSING = object()


def lookup(rec, path):
    cur = rec
    for part in path.split("."):
        m = re.fullmatch(r"([^\[]+)((?:\[\d+\])*)", part)
        if not m:
            return MISSING
        if not isinstance(cur, dict) or m.group(1) not in cur:
            return MISSING
        cur = cur[m.group(1)]
        for idx in re.findall(r"\[(\d+)\]", m.group(2)):
            if not isinstance(cur, list) or int(idx) >= len(cur):
                return MISSING
            cur = cur[int(idx)]
    return cur


def same_ip(got, want):
    """Suricata has written IPv6 addresses in full (fd01:0000:...);
    Wardwatch writes them as RFC 5952 says."""
    try:
        return ipaddress.ip_address(got) == ipaddress.ip_address(want)
    except ValueError:
        return False


def matches(rec, match):
    for key, want in match.items():
        got = lookup(rec, key)
        if got is MISSING:
            return False
        if got != want and not (key.endswith("_ip") and
                                isinstance(got, str) and
                                isinstance(want, str) and
                                same_ip(got, want)):
            return False
    return True


# Members of Suricata's alert record Wardwatch does not write, and why.
NOT_WRITTEN = {
    "files": "alert.files: no file tracking",
}


def rule_sids(path, count=None):
    """msg -> sid of each rule in a rule file (continuation lines
    joined); count (a dict) gets the number of rules per sid."""
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"\\\n", " ", text)
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        sid = re.search(r"[(;\s]sid\s*:\s*(\d+)", line)
        msg = re.search(r'msg\s*:\s*"((?:[^"\\]|\\.)*)"', line)
        if sid and count is not None:
            count[int(sid.group(1))] = count.get(int(sid.group(1)), 0) + 1
        if sid and msg:
            out.setdefault(msg.group(1), int(sid.group(1)))
    return out


def skipped_sids(path, count):
    """sid -> why, from "file:line: sid N: why" messages, for the sids
    none of whose rules (count: rules per sid) was loaded."""
    out, n = {}, {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.search(r": sid (\d+): (.*)$", line.rstrip("\n"))
        if m:
            sid = int(m.group(1))
            out.setdefault(sid, m.group(2))
            n[sid] = n.get(sid, 0) + 1
    return {k: v for k, v in out.items() if n[k] >= count.get(k, 1)}


def alerts(rules, skipped, truth, eve):
    with open(truth, encoding="utf-8") as fp:
        doc = yaml.safe_load(fp)
    with open(eve, encoding="utf-8") as fp:
        recs = [json.loads(line) for line in fp]
    count = {}
    msgs = rule_sids(rules, count)
    skip = skipped_sids(skipped, count)
    bad = n = nskip = 0
    for check in doc.get("checks", []):
        flt = check.get("filter") if isinstance(check, dict) else None
        if not flt or "match" not in flt:
            continue
        match = flt["match"]
        if match.get("event_type") != "alert":
            continue
        sid = match.get("alert.signature_id")
        if sid is None and "alert.signature" in match:
            sid = msgs.get(match["alert.signature"])
        want = flt.get("count", 1)
        if sid in skip:
            nskip += 1
            print(f"skip: sid {sid} x{want}: {skip[sid]}")
            continue
        why = [NOT_WRITTEN[k.split(".")[0].split("[")[0]] for k in match
               if k.split(".")[0].split("[")[0] in NOT_WRITTEN]
        if why:
            nskip += 1
            print(f"skip: sid {sid} x{want}: {why[0]}")
            continue
        n += 1
        got = sum(1 for r in recs if matches(r, match))
        if got == want:
            print(f"ok: sid {sid} x{want}")
        else:
            bad += 1
            print(f"FAIL: sid {sid}: {got} alerts match, want {want}: "
                  f"{match}")
    print(f"{n} alert checks, {bad} failed, {nskip} skipped")
    if bad:
        return 1
    return 77 if n == 0 else 0


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--alerts":
        return alerts(*sys.argv[2:])
    truth, eve, types = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    with open(truth, encoding="utf-8") as fp:
        doc = yaml.safe_load(fp)
    with open(eve, encoding="utf-8") as fp:
        recs = [json.loads(line) for line in fp]
    bad = n = 0
    for check in doc.get("checks", []):
        flt = check.get("filter") if isinstance(check, dict) else None
        if not flt or "match" not in flt:
            continue
        match = flt["match"]
        if match.get("event_type") not in types:
            continue
        n += 1
        want = flt.get("count", 1)
        got = sum(1 for r in recs if matches(r, match))
        if got == want:
            print(f"ok: {match.get('event_type')} x{want}")
        else:
            bad += 1
            print(f"FAIL: {got} records match, want {want}: {match}")
    print(f"{n} checks, {bad} failed")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
