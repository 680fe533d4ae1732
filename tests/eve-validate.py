#!/usr/bin/python3
"""eve-validate.py - check EVE records against Suricata's EVE schema.

usage: eve-validate.py SCHEMA [--max-per-type N] FILE...

Wardwatch's own top-level objects are removed first, and its two own
top-level members "seq" (the sensor's record number), "prev_seq" and
"prev" (the hash chain): wardwatch-events(7) promises that with those
removed every
record validates against Suricata's schema.
Prints one line per invalid record (file:line: reason) and a summary;
exits 1 if any record is invalid or not JSON.
"""
import json
import sys

import jsonschema

OWN = ("wardwatch", "device", "hl7", "dicom", "baseline", "policy", "ssdp", "telnet",
       "lldp", "cdp", "hygiene", "seq", "prev_seq", "prev")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path = args.pop(0)
    max_per_type = 0
    if args and args[0] == "--max-per-type":
        max_per_type = int(args[1])
        args = args[2:]
    with open(schema_path, encoding="utf-8") as fp:
        schema = json.load(fp)
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema)
    checked = bad = 0
    for path in args:
        seen = {}
        with open(path, "rb") as fp:
            for lineno, raw in enumerate(fp, 1):
                try:
                    rec = json.loads(raw)
                except ValueError as e:
                    print(f"{path}:{lineno}: not JSON: {e}")
                    bad += 1
                    continue
                et = rec.get("event_type", "?")
                seen[et] = seen.get(et, 0) + 1
                if max_per_type and seen[et] > max_per_type:
                    continue
                for k in OWN:
                    rec.pop(k, None)
                checked += 1
                errs = sorted(validator.iter_errors(rec), key=str)
                if errs:
                    bad += 1
                    e = errs[0]
                    where = "/".join(str(p) for p in e.absolute_path)
                    print(f"{path}:{lineno}: {et}: {where}: {e.message}")
    print(f"checked {checked} records, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
