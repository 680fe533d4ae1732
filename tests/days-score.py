#!/usr/bin/python3
"""days-score.py - score the alerts of the two-day ward scenario.

    days-score.py [--tap] TRUTH DAY2_EVE QUIET_EVE [DAY1_EVE]
    days-score.py --kinds TRUTH
    days-score.py --selftest TRUTH

TRUTH is pcaps/ward-days.truth (written by pcaps/gen/scen-days.c),
DAY2_EVE and QUIET_EVE the eve.json of wardwatch on ward-day2.pcap and
ward-day2-quiet.pcap, each run on a copy of the state database that
--learn filled from ward-day1.pcap.

An incident (a truth row with a gid) is detected when ward-day2 has an
EVE alert record with
  - alert.gid equal to the row's gid (9200 policy, 9300 baseline and
    behaviour; DAYS_ANY_GID=1 accepts either),
  - the row's source (src_mac or src_ip) among the alert's addresses:
    src_ip, dest_ip, ether.src_mac, ether.dest_mac, src_mac, dest_mac,
    wardwatch.src_device and wardwatch.dest_device (a MAC or IP string,
    or an object whose mac/ip/addresses are read), device.mac/ip,
  - a timestamp from the row's start (less 2 s) to its end plus
    DAYS_SLACK seconds (default 3600: an alert may wait for the end of
    a window or of a flow),
  - its explanation: a non-empty object "policy" (gid 9200) or
    "baseline" (gid 9300), top-level or under "wardwatch".
An alert counts for one incident only: the latest one started before
it among those it matches.  The row's keyword should appear (any case)
in the explanation, signature or category; a missing keyword is
reported, and fails only with DAYS_STRICT_KEYWORDS=1.

A false alarm is, on the quiet day, any gid 9200 or 9300 alert, and any
gid 9100 (inventory) alert naming a device of a benign change other than
the new device: the renewed and the moved devices by MAC or by old or
new address, the router by its address.

With DAY1_EVE (the learning day's eve.json), its gid 9200 and 9300
alerts are listed too, for information: the first day has no incident,
and what the site does differently from the shipped profiles should be
findings at the end of learning, not alerts.

Prints "detected N/M incidents, K false alarms (quiet day)", a line per
missed incident and per false alarm; exits 0 only when all are
detected and there is no false alarm.  With --tap, TAP: one test per
incident and one for the quiet day.  --kinds checks that the truth has
every kind of incident the issue lists; --selftest scores made-up
alert records (a perfect detector, none, a wrong gid, an alert without
its explanation, a moved device called new) and checks the verdicts.
"""
import datetime
import json
import os
import sys

# Issue 12, item 5 (behaviour) and the policy incidents it names.
KINDS = {
    "scan": 9300,
    "cleartext-login": 9300,
    "ransomware": 9300,
    "dicom-find-sweep": 9300,
    "dicom-move-unknown-ae": 9300,
    "dicom-get-unknown-ae": 9300,
    "mass-retrieval": 9300,
    "hl7-internet": 9300,
    "dicom-internet": 9300,
    "volume-flood": 9300,
    "off-hours": 9300,
    "policy-internet": 9200,
    "policy-cleartext": 9200,
}
BENIGN = ("benign-dhcp-renew", "benign-moved", "benign-new-device",
          "benign-quiet-night", "benign-router-address")
EXPLANATION = {9200: "policy", 9300: "baseline"}


def read_truth(path):
    with open(path, encoding="utf-8") as fp:
        lines = [ln.rstrip("\n").split("\t") for ln in fp if ln.strip()]
    head, rows = lines[0], lines[1:]
    return [dict(zip(head, r)) for r in rows]


def parse_time(s):
    """EVE "2026-11-03T14:45:01.123456+0000" or truth "...Z", as UTC."""
    return datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def read_alerts(path):
    alerts = []
    try:
        with open(path, encoding="utf-8") as fp:
            for line in fp:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("event_type") == "alert" and \
                        isinstance(rec.get("alert"), dict):
                    alerts.append(rec)
    except OSError as e:
        print(f"# {path}: {e.strerror}")
    return alerts


def idents(v, out):
    """MACs and addresses of a string, an object or a list of them."""
    if isinstance(v, str):
        out.add(v.lower())
    elif isinstance(v, dict):
        for k in ("mac", "ip", "address", "addresses", "ips", "macs"):
            if k in v:
                idents(v[k], out)
    elif isinstance(v, list):
        for x in v:
            idents(x, out)


def endpoints(rec):
    ids = set()
    for k in ("src_ip", "dest_ip", "src_mac", "dest_mac"):
        idents(rec.get(k), ids)
    ether = rec.get("ether")
    if isinstance(ether, dict):
        idents(ether.get("src_mac"), ids)
        idents(ether.get("dest_mac"), ids)
    ww = rec.get("wardwatch")
    if isinstance(ww, dict):
        idents(ww.get("src_device"), ids)
        idents(ww.get("dest_device"), ids)
    idents(rec.get("device"), ids)
    return ids


def explanation(rec, gid):
    key = EXPLANATION.get(gid)
    if key is None:
        return None
    obj = rec.get(key)
    if not isinstance(obj, dict) and isinstance(rec.get("wardwatch"), dict):
        obj = rec["wardwatch"].get(key)
    return obj if isinstance(obj, dict) and obj else None


def describe(rec):
    a = rec["alert"]
    src = rec.get("src_ip") or (rec.get("ether") or {}).get("src_mac") or "-"
    dst = rec.get("dest_ip") or (rec.get("ether") or {}).get("dest_mac") \
        or "-"
    return (f"{rec.get('timestamp', '?')} {a.get('gid')}:"
            f"{a.get('signature_id')} \"{a.get('signature', '')}\" "
            f"{src} -> {dst}")


def check_kinds(rows):
    have = {r["kind"] for r in rows}
    bad = 0
    for kind, gid in sorted(KINDS.items()):
        got = [r for r in rows if r["kind"] == kind]
        if not got:
            print(f"missing incident kind: {kind}")
            bad += 1
        elif any(r["gid"] != str(gid) for r in got):
            print(f"incident kind {kind}: gid is not {gid}")
            bad += 1
    for kind in BENIGN:
        if kind not in have:
            print(f"missing benign change: {kind}")
            bad += 1
    for r in rows:
        if r["kind"] not in KINDS and r["kind"] not in BENIGN:
            print(f"{r['id']}: unknown kind {r['kind']}")
            bad += 1
    n = len([r for r in rows if r["kind"] in KINDS])
    print(f"{n} incidents of {len(KINDS)} kinds, "
          f"{len(rows) - n} benign changes: "
          f"{'complete' if bad == 0 else f'{bad} problems'}")
    return bad == 0


def score(rows, day2, quiet, tap, day1=None):
    slack = float(os.environ.get("DAYS_SLACK", "3600"))
    any_gid = os.environ.get("DAYS_ANY_GID") == "1"
    strict_kw = os.environ.get("DAYS_STRICT_KEYWORDS") == "1"
    incidents = [r for r in rows if r["gid"] != "-"]
    for r in incidents:
        r["t0"] = parse_time(r["start"])
        r["t1"] = parse_time(r["end"])
        r["ids"] = {x.lower() for x in (r["src_mac"], r["src_ip"])
                    if x != "-"}
        r["hits"] = []
        r["near"] = []

    # Each alert goes to the latest-starting incident it matches.
    unmatched = []
    for rec in day2:
        a = rec["alert"]
        gid = a.get("gid")
        if gid not in (9200, 9300):
            continue
        try:
            t = parse_time(rec.get("timestamp", ""))
        except ValueError:
            continue
        ids = endpoints(rec)
        cands = [r for r in incidents if r["ids"] & ids and
                 r["t0"] - 2 <= t <= r["t1"] + slack]
        ok = [r for r in cands if any_gid or int(r["gid"]) == gid]
        if not ok:
            for r in cands:
                r["near"].append(rec)
            unmatched.append(rec)
            continue
        max(ok, key=lambda r: r["t0"])["hits"].append(rec)

    detected = 0
    lines = []
    for r in incidents:
        name = (f"{r['id']} {r['kind']}: {r['src_mac']} {r['src_ip']} -> "
                f"{r['dst']} {r['start'][11:16]}-{r['end'][11:16]}")
        explained = [h for h in r["hits"]
                     if explanation(h, h["alert"]["gid"]) is not None]
        if not explained:
            why = "no alert" if not r["hits"] else \
                f"{len(r['hits'])} alerts without a " \
                f"\"{EXPLANATION[int(r['gid'])]}\" object"
            if r["near"]:
                why += "; other gid: " + describe(r["near"][0])
            lines.append((False, f"missed {name} (gid {r['gid']}: {why})"))
            continue
        kw = r["keyword"].lower()
        said = [h for h in explained if kw in json.dumps(
            [h["alert"].get("signature"), h["alert"].get("category"),
             explanation(h, h["alert"]["gid"])]).lower()]
        if said:
            detected += 1
            lines.append((True, f"detected {name}: {describe(said[0])}"))
        elif strict_kw:
            lines.append((False, f"missed {name}: the explanation never "
                          f"says \"{r['keyword']}\": "
                          f"{describe(explained[0])}"))
        else:
            detected += 1
            lines.append((True, f"detected {name}: {describe(explained[0])}"
                          f" (the explanation never says "
                          f"\"{r['keyword']}\")"))

    # The quiet day.
    watch = set()
    for r in rows:
        if r["kind"] in ("benign-dhcp-renew", "benign-moved"):
            watch |= {x.lower() for x in (r["src_mac"], r["src_ip"],
                                          r["dst"]) if x != "-"}
        elif r["kind"] == "benign-router-address":
            watch.add(r["src_ip"])
    false_alarms = []
    for rec in quiet:
        gid = rec["alert"].get("gid")
        if gid in (9200, 9300):
            false_alarms.append(rec)
        elif gid == 9100 and endpoints(rec) & watch:
            false_alarms.append(rec)

    summary = (f"detected {detected}/{len(incidents)} incidents, "
               f"{len(false_alarms)} false alarms (quiet day)")
    if tap:
        print(f"1..{len(incidents) + 1}")
        for i, (ok, text) in enumerate(lines, 1):
            print(f"{'ok' if ok else 'not ok'} {i} - {text}")
        n = len(incidents) + 1
        if false_alarms:
            print(f"not ok {n} - quiet day: {len(false_alarms)} false "
                  f"alarms")
        else:
            print(f"ok {n} - quiet day: no policy, baseline or "
                  f"benign-change inventory alert")
        for rec in false_alarms[:50]:
            print(f"# false alarm: {describe(rec)}")
        for rec in unmatched[:20]:
            print(f"# day 2, matches no incident: {describe(rec)}")
        if day1 is not None:
            learn = [r for r in day1 if r["alert"].get("gid") in (9200, 9300)]
            print(f"# learning day: {len(learn)} policy and baseline alerts")
            for rec in learn[:20]:
                print(f"# learning day: {describe(rec)}")
        print(f"# {summary}")
    else:
        print(summary)
        for ok, text in lines:
            if not ok:
                print(text)
        for rec in false_alarms:
            print(f"false alarm: {describe(rec)}")
    return detected == len(incidents) and not false_alarms


def fake_alert(row, gid, when, explained=True):
    rec = {"timestamp": when, "event_type": "alert",
           "src_ip": row["src_ip"], "ether": {"src_mac": row["src_mac"]},
           "alert": {"gid": gid, "signature_id": 1,
                     "signature": "made up", "category": "made up"}}
    if row["dst"][:1].isdigit():
        rec["dest_ip"] = row["dst"]
    if explained and gid in EXPLANATION:
        rec[EXPLANATION[gid]] = {"seen": row["keyword"],
                                 "expected": "nothing of the kind"}
    return rec


def selftest(rows):
    """The scorer's own verdicts on made-up alert records."""
    import contextlib
    import io

    inc = [r for r in rows if r["gid"] != "-"]
    moved = [r for r in rows if r["kind"] == "benign-moved"][0]
    newdev = [r for r in rows if r["kind"] == "benign-new-device"][0]
    late = {r["id"]: datetime.datetime.fromtimestamp(
        parse_time(r["start"]) + 1800, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S") for r in inc}
    perfect = [fake_alert(r, int(r["gid"]), r["start"][:19] + ".5+0000")
               for r in inc]
    other = {9200: 9300, 9300: 9200}
    cases = [
        ("a perfect detector", perfect, [], True, len(inc)),
        ("no alerts", [], [], False, 0),
        ("alerts half an hour late (within the slack)",
         [fake_alert(r, int(r["gid"]), late[r["id"]] + "+0000")
          for r in inc], [], True, len(inc)),
        ("the other gid", [fake_alert(r, other[int(r["gid"])],
                                      r["start"][:19] + "+0000")
                           for r in inc], [], False, 0),
        ("no explanation object",
         [fake_alert(r, int(r["gid"]), r["start"][:19] + "+0000", False)
          for r in inc], [], False, 0),
        ("a policy alert on the quiet day", perfect,
         [fake_alert(inc[0], 9200, inc[0]["start"][:19] + "+0000")],
         False, len(inc)),
        ("the moved device called new", perfect,
         [fake_alert(moved, 9100, moved["start"][:19] + "+0000")],
         False, len(inc)),
        ("the new device called new", perfect,
         [fake_alert(newdev, 9100, newdev["start"][:19] + "+0000")],
         True, len(inc)),
    ]
    bad = 0
    for name, day2, quiet, want_ok, want_n in cases:
        out = io.StringIO()
        fresh = [dict(r) for r in rows]
        with contextlib.redirect_stdout(out):
            ok = score(fresh, day2, quiet, False)
        first = out.getvalue().splitlines()[0]
        n = int(first.split()[1].split("/")[0])
        if ok != want_ok or n != want_n:
            print(f"selftest: {name}: got {first!r}")
            bad += 1
    print(f"selftest: {len(cases) - bad}/{len(cases)} cases as expected")
    return bad == 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--kinds":
        return 0 if check_kinds(read_truth(argv[2])) else 1
    if len(argv) == 3 and argv[1] == "--selftest":
        return 0 if selftest(read_truth(argv[2])) else 1
    tap = len(argv) > 1 and argv[1] == "--tap"
    args = argv[2:] if tap else argv[1:]
    if len(args) not in (3, 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    rows = read_truth(args[0])
    day1 = read_alerts(args[3]) if len(args) == 4 else None
    ok = score(rows, read_alerts(args[1]), read_alerts(args[2]), tap, day1)
    return 0 if ok or tap else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
