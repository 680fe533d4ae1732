#!/usr/bin/python3
"""privacy.py - no value of a patient segment reaches the output.

usage: privacy.py CAPTURE EVE

Finds every HL7 PID, NK1 and PV1 segment in the raw bytes of CAPTURE,
splits it into fields, components and subcomponents, and fails if any
value of four or more characters is a word of a string in EVE (the
records wardwatch wrote for that capture; times are left out, every
string shaped as an EVE time whatever its key, since "000000" is both a
fake MRN and a microsecond count).  Prints what leaked.
"""
import json
import re
import sys


def patient_values(raw):
    values = set()
    for m in re.finditer(rb"(?:^|[\r\n\x0b])(PID|NK1|PV1)(.)([^\r\n\x1c]*)",
                         raw):
        sep = m.group(2)
        for field in m.group(3).split(sep):
            for part in re.split(rb"[\^~&\\]", field):
                part = part.strip()
                if len(part) >= 4:
                    values.add(part.decode("latin-1"))
    return values


TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d{4}")


def strings(obj, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, key)
    elif isinstance(obj, str) and not TIME.fullmatch(obj):
        yield obj


def words(s):
    return set(w for w in re.split(r"[^0-9A-Za-z]+", s) if w)


def main():
    cap, eve = sys.argv[1], sys.argv[2]
    with open(cap, "rb") as fp:
        values = patient_values(fp.read())
    out_words = set()
    out_strings = set()
    with open(eve, encoding="utf-8") as fp:
        for line in fp:
            for s in strings(json.loads(line)):
                out_strings.add(s)
                out_words |= words(s)
    leaked = sorted(v for v in values
                    if v in out_strings or words(v) <= out_words)
    for v in leaked:
        print(f"LEAK: {v!r}")
    print(f"{len(values)} patient values, {len(leaked)} in the output")
    return 1 if leaked else 0


if __name__ == "__main__":
    sys.exit(main())
