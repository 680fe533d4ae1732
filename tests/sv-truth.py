#!/usr/bin/python3
"""sv-truth.py - check an eve.json against a suricata-verify test.yaml.

usage: sv-truth.py TRUTH EVE EVENT_TYPE...

Evaluates every "filter" check of the truth file whose match names one
of the given event types (other checks are Suricata features we do not
claim: alerts, rules, stats).  A check passes when the number of
records matching every key equals its "count".  Keys are dotted paths
with [i] list indices, as suricata-verify writes them.  Prints one line
per check and exits 1 if any failed.
"""
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


def matches(rec, match):
    for key, want in match.items():
        got = lookup(rec, key)
        if got is MISSING or got != want:
            return False
    return True


def main():
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
