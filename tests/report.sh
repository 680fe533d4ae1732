#!/bin/sh
# report.sh - the offline assessment end to end (TAP): the Markdown
# report of pcaps/ward.pcap is the golden tests/report/ward.md
# (UPDATE=1 rewrites it; review the diff), "-r --report" and "wardwatch
# report" agree, the bundled captures' findings (cleartext logins and
# the telnet and FTP services of services.pcap, SMBv1 in smb-win7.pcap)
# are in it (and, with the optional corpus, EternalBlue's SMBv1), the
# CSV has every column and a row per device, device snapshot records
# carry the same risk scores with their reasons, the HTML is
# self-contained with every section, no report holds a patient value,
# a 10,000-device inventory gives an HTML file with a zone map, and
# the command line's errors exit as documented, an empty inventory
# still has every section, and the HTML renders in headless Chromium
# (loads without a script error,
# not a blank page, every section in the DOM); that last part is
# skipped with a message when chromium is not installed.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GOLDEN="$top_srcdir/tests/report/ward.md"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() {	# check "what" command...
	what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$what"; else
		nok "$what"
		sed 's/^/# /' "$tmp/out" | head -20
	fi
}
SECTIONS="summary findings inventory map devices policy"

for p in ward services smb-win7; do
	mkdir -p "$tmp/$p"
	"$WW" -r "$top_srcdir/pcaps/$p.pcap" -l "$tmp/$p" --test-mode \
	    --report "$tmp/$p/report.md" >"$tmp/$p/run.out" 2>&1 || {
		echo "Bail out! wardwatch -r $p.pcap --report failed"
		sed 's/^/# /' "$tmp/$p/run.out"
		exit 1
	}
done

if [ -n "$UPDATE" ]; then
	cp "$tmp/ward/report.md" "$GOLDEN"
	echo "# rewrote $GOLDEN"
fi
check "ward.pcap: the Markdown report is the golden one" \
    diff -u "$GOLDEN" "$tmp/ward/report.md"
check "-r --report names the report in the summary" \
    grep -q "report     $tmp/ward/report.md" "$tmp/ward/run.out"
check "wardwatch report --format md gives what --report wrote" sh -c '
	"$1" report --state "$2/wardwatch.db" --format md -o "$2/again.md" &&
	cmp "$2/report.md" "$2/again.md"' sh "$WW" "$tmp/ward"
check "the format follows the file name (.md)" sh -c '
	"$1" report --state "$2/wardwatch.db" -o "$2/name.md" &&
	cmp "$2/report.md" "$2/name.md"' sh "$WW" "$tmp/ward"

s="$tmp/services/report.md"
check "services.pcap: cleartext logins (WW-F001) on the FTP and telnet servers" \
    sh -c 'grep -A6 "^### WW-F001" "$1" | grep -q "10.50.0.20 (" &&
	grep -A6 "^### WW-F001" "$1" | grep -q "10.50.0.22 ("' sh "$s"
check "services.pcap: the client's telnet and FTP logins on one line" \
    sh -c 'grep -A6 "^### WW-F001" "$1" | grep "10.50.0.10 (" |
	grep "telnet login" | grep -q "FTP login"' sh "$s"
check "services.pcap: telnet (WW-F003) and FTP (WW-F004) offered" \
    sh -c 'grep -A4 "^### WW-F003" "$1" | grep -q "tcp/23 telnet server" &&
	grep -A4 "^### WW-F004" "$1" | grep -q "tcp/21 ftp server"' sh "$s"
check "services.pcap: alerts grouped by signature and device" \
    sh -c 'grep -A5 "^### WW-A1-9200101 " "$1" |
	grep -q "0 as source, 4 as destination"' sh "$s"
check "services.pcap: the riskiest device is the one that logged in" \
    sh -c 'grep -A3 "^| Risk | Device" "$1" | sed -n 3p |
	grep -q "10.50.0.10 "' sh "$s"
check "smb-win7.pcap: SMBv1 in use (WW-F002) on both ends" \
    sh -c 'grep -A6 "^### WW-F002" "$1" | grep -c "^- " | grep -qx 2' \
    sh "$tmp/smb-win7/report.md"
check "smb-win7.pcap: Windows 7 and Server 2003 are end-of-life (WW-F016)" \
    sh -c 'grep -A6 "^### WW-F016" "$1" | grep -- "^- " |
	grep -c "Windows 7\|Server 2003" | grep -qx 2' sh "$tmp/smb-win7/report.md"
check "ward.pcap: no finding kind a quiet ward does not have" \
    sh -c '! grep -Eq "^### WW-F(00[1-7]|01[2-6])" "$1"' sh "$tmp/ward/report.md"

"$WW" report --state "$tmp/ward/wardwatch.db" --format csv \
    -o "$tmp/ward/inv.csv" 2>"$tmp/err"
check "CSV: every column, one row per device, a risk each" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
want = ("mac vlan ip class vendor model software serial hostname "
        "confidence first_seen last_seen roles services previous_ips "
        "peers risk findings risk_reasons").split()
assert list(rows[0].keys()) == want, rows[0].keys()
assert len(rows) == 25, len(rows)
assert all(0 <= int(r["risk"]) <= 100 for r in rows)
assert any(r["roles"] for r in rows)
# The peers column: the top peers with service and volume.
pacs = [r for r in rows if r["ip"] == "10.30.0.40"][0]
assert "accepted tcp/104 dicom 88:4b:39:1c:70:11 10.30.0.11 (1 flows, " \
    in pacs["peers"], pacs["peers"]
' "$tmp/ward/inv.csv"

check "device snapshot records carry the report's risk and reasons" python3 -c '
import csv, json, sys
risk = {(r["mac"], r["vlan"]): int(r["risk"])
        for r in csv.DictReader(open(sys.argv[1], newline=""))}
snaps = [json.loads(l)["device"] for l in open(sys.argv[2])
         if "\"snapshot\"" in l]
snaps = [d for d in snaps if d.get("event") == "snapshot"]
assert len(snaps) == len(risk) == 25, (len(snaps), len(risk))
for d in snaps:
    r = d["risk"]
    assert r["score"] == risk[(d["mac"], str(d.get("vlan", 0)))], d["mac"]
    assert r["reasons"] and r["reasons"][0].startswith("clinical impact")
    assert len(r["reasons"]) <= 12
' "$tmp/ward/inv.csv" "$tmp/ward/eve.json"

"$WW" report --state "$tmp/ward/wardwatch.db" -o "$tmp/ward/r.html" \
    2>"$tmp/err"
check "HTML: every section, self-contained (no URL fetched)" python3 -c '
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
for s in sys.argv[2].split():
    assert "<section id=\"%s\">" % s in h, s
assert not re.search(r"(src|href)=\"(https?:)?//", h), "a fetch"
assert "<svg" in h and "</html>" in h
assert h.count("class=\"dev\"") == 25
' "$tmp/ward/r.html" "$SECTIONS"

check "no report holds a patient value (HL7 PID, NK1, PV1)" python3 -c '
import re, sys
sys.path.insert(0, sys.argv[1])
from privacy import patient_values, words
vals = patient_values(open(sys.argv[2], "rb").read())
assert vals, "no patient values in the capture"
# Times out, as privacy.py: "000000" is a fake MRN and microseconds.
t = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d{4}|Z)?")
out = set()
for f in sys.argv[3:]:
    out |= words(t.sub(" ", open(f, encoding="utf-8").read()))
leaked = sorted(v for v in vals if words(v) <= out)
assert not leaked, leaked
' "$top_srcdir/tests" "$top_srcdir/pcaps/ward.pcap" "$tmp/ward/report.md" \
    "$tmp/ward/r.html" "$tmp/ward/inv.csv"

# The command line: usage errors exit 1, a file that cannot be written 2.
status() {	# status WANT PATTERN command...: exit status and message
	want=$1 pat=$2
	shift 2
	"$@" >"$tmp/st.out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] && grep -q -- "$pat" "$tmp/st.out"
}
check "report --help" status 0 "usage: wardwatch report" "$WW" report --help
check "report without --state is a usage error" \
    status 1 "--state is required" "$WW" report -o "$tmp/x.html"
check "report of a missing database is a usage error" \
    status 1 "no such inventory" "$WW" report --state "$tmp/none.db"
check "an unknown format is a usage error" \
    status 1 "unknown format \"pdf\"" "$WW" report --state \
    "$tmp/ward/wardwatch.db" --format pdf
check "a report that cannot be written is a runtime failure" \
    status 2 "$tmp/no/dir/r.html" "$WW" report --state \
    "$tmp/ward/wardwatch.db" -o "$tmp/no/dir/r.html"
cp "$tmp/ward/wardwatch.db" "$tmp/empty.db"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA foreign_keys = ON")
c.execute("DELETE FROM devices")
c.commit()' "$tmp/empty.db"
check "an empty inventory gives a report with every section" sh -c '
	"$1" report --state "$2" -o "$3" && for s in $4; do
	grep -q "<section id=\"$s\">" "$3" || exit 1; done &&
	grep -q "No findings" "$3"' sh "$WW" "$tmp/empty.db" "$tmp/empty.html" \
    "$SECTIONS"

# Values from the wire are the sender's: a hostile vendor and model.
cp "$tmp/ward/wardwatch.db" "$tmp/evil.db"
python3 - "$tmp/evil.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
def set_value(attr, value):
    # A device's values are one row (schema version 8), a line a value:
    # attribute TAB value TAB ..., a tab, newline or backslash escaped.
    esc = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    for dev, text in c.execute("SELECT device_id, attrs FROM device_values "
                               "ORDER BY device_id").fetchall():
        lines = text.split("\n")
        if not any(l.split("\t")[0] == attr for l in lines):
            continue
        for i, l in enumerate(lines):
            f = l.split("\t")
            if f[0] == attr:
                lines[i] = "\t".join([f[0], esc] + f[2:])
        c.execute("UPDATE device_values SET attrs = ? WHERE device_id = ?",
                  ("\n".join(lines), dev))
        return
set_value("vendor", "<script>alert(1)</script>\u202e|x")
set_value("model", "=HYPERLINK(\"http://x\")")
c.commit()
EOF
for f in html md csv; do
	"$WW" report --state "$tmp/evil.db" -o "$tmp/evil.$f" 2>/dev/null
done
check "hostile values are escaped (HTML, Markdown, CSV formula, bidi)" \
    python3 -c '
import sys
h, m, c = (open(f, encoding="utf-8").read() for f in sys.argv[1:4])
assert "<script>alert" not in h and "&lt;script&gt;alert(1)" in h
assert "\u202e" not in h + m + c and "\\xe2\\x80\\xae" in h
assert "\\<script\\>" in m and "\\|x" in m
assert "\x27=HYPERLINK" in c and "\"=HYPERLINK" not in c
' "$tmp/evil.html" "$tmp/evil.md" "$tmp/evil.csv"

# Every kind of printable byte of a value (one shorter than values are
# kept) as it is, but for the entities (HTML) and backslashes
# (Markdown) each format owes; a control byte and a bidi override as
# \x escapes (the report writes runs, not bytes).
cp "$tmp/ward/wardwatch.db" "$tmp/bytes.db"
python3 - "$tmp/bytes.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
v = " !\"#$%&\x27()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\x01\u202e\u00e9!"
# A line a value (schema version 8), a backslash written \\.
for dev, text in c.execute("SELECT device_id, attrs FROM device_values "
                           "ORDER BY device_id").fetchall():
    lines = text.split("\n")
    if any(l.startswith("vendor\t") for l in lines):
        lines = ["\t".join(["vendor", v.replace("\\", "\\\\")] +
                           l.split("\t")[2:]) if l.startswith("vendor\t")
                 else l for l in lines]
        c.execute("UPDATE device_values SET attrs = ? WHERE device_id = ?",
                  ("\n".join(lines), dev))
        break
c.commit()
EOF
for f in html md; do
	"$WW" report --state "$tmp/bytes.db" -o "$tmp/bytes.$f" 2>/dev/null
done
check "each byte of a value escaped as each format owes (HTML, Markdown)" \
    python3 -c '
import sys
h, m = (open(f, encoding="utf-8").read() for f in sys.argv[1:3])
v = " !\"#$%&\x27()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"
ent = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "\x27": "&#39;"}
html = "".join(ent.get(ch, ch) for ch in v)
md = "".join("\\" + ch if ch in "|\\`*_[]<>#" else ch for ch in v)
tail = "\\x01\\xe2\\x80\\xae\u00e9!"
assert html + tail in h, "html"
assert md + tail.replace("\\", "\\\\") in m, "md"
' "$tmp/bytes.html" "$tmp/bytes.md"

# 10,000 devices in three VLANs and zones, each with peers: the map
# aggregates by zone, the matrices sum flows and bytes.
# The schema of a real run, then the devices.
"$WW" -r "$top_srcdir/pcaps/tcp-basic.pcap" -l "$tmp/big" --test-mode \
    >/dev/null 2>&1
python3 - "$tmp/big/wardwatch.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("baseline_items", "baselines", "device_alerts", "device_evidence",
          "device_ips", "device_values", "device_peers",
          "device_comm", "devices"):
    c.execute("DELETE FROM " + t)
cls = ["infusion-pump", "patient-monitor", "printer", "server"]
for i in range(10000):
    mac = "02:00:00:%02x:%02x:%02x" % (i >> 16, (i >> 8) & 255, i & 255)
    vlan = 20 + (i % 3) * 10
    c.execute("INSERT INTO devices (id, mac, vlan, ip, first_us, last_us) "
              "VALUES (?, ?, ?, ?, 1, 2)",
              (i + 1, mac, vlan, "10.%d.%d.%d" % (vlan, i >> 8, i & 255)))
    # A line a value (schema version 8): attribute, value, confidence,
    # first, last.
    c.execute("INSERT INTO device_values (device_id, attrs) VALUES (?, ?)",
              (i + 1, "class\t%s\t80\t1\t2\n" % cls[i % 4]))
    c.execute("INSERT INTO baselines (device_id, mode, learn_start_us, "
              "learn_until_us, hours_active, hours_covered, fan_peers, "
              "fan_ports, volume) VALUES (?, 'learning', 1, 2, 0, 0, 0, 0, "
              "'')", (i + 1,))
    zone = {20: "icu", 30: "imaging", 40: "office"}
    c.execute("INSERT INTO device_comm (device_id, zone) VALUES (?, ?)",
              (i + 1, zone[vlan]))
    peers = ""
    items = ""
    for k in (1, 7):
        j = (i + k) % 10000
        # A line an item (schema version 7): kind, key, count, first,
        # last, asn, country, hours.
        items += ("peer\tmac:02:00:00:%02x:%02x:%02x\t1\t1\t2\t0\t\t0\n" %
                  (j >> 16, (j >> 8) & 255, j & 255))
        # A line an entry (schema version 6): peer, direction, proto,
        # port, app, zone, vlan, flows, packets, bytes, first, last.
        peers += ("mac:02:00:00:%02x:%02x:%02x\tinitiated\t6\t2575\thl7"
                  "\t%s\t%d\t2\t10\t1000\t1\t2\n" %
                  (j >> 16, (j >> 8) & 255, j & 255,
                   zone[20 + (j % 3) * 10], 20 + (j % 3) * 10))
    c.execute("INSERT INTO device_peers (device_id, peers) VALUES (?, ?)",
              (i + 1, peers))
    c.execute("INSERT INTO baseline_items (device_id, items) VALUES (?, ?)",
              (i + 1, items))
c.commit()
EOF
start=$(date +%s)
"$WW" report --state "$tmp/big/wardwatch.db" -o "$tmp/big/r.html" \
    2>"$tmp/err"
rc=$?
end=$(date +%s)
echo "# 10,000 devices: report in $((end - start)) s, $(wc -c <"$tmp/big/r.html") bytes"
check "10,000 devices: a report, the map by zone only, the matrices summed" \
    python3 -c '
import sys
h = open(sys.argv[1], encoding="utf-8").read()
assert sys.argv[2] == "0", "exit status " + sys.argv[2]
svg = h[h.index("<svg"):h.index("</svg>")]
assert svg.count("<circle") == 0 and svg.count("<rect") == 3, svg[:300]
assert "zone office (3333 devices)" in svg
# Zone icu (i % 3 == 0) reaches imaging at i + 1 and i + 7 (but for
# the last few, whose peers wrap around to device 0, in icu).
assert "<tr><td>icu</td><td>imaging</td><td class=\"n\">6664</td><td " \
    "class=\"n\">13328</td><td class=\"n\">6664000</td></tr>" in h
assert "<tr><td>icu</td><td>icu</td><td class=\"n\">4</td>" in h
assert "<tr><td>20</td><td>30</td><td class=\"n\">6664</td>" in h
assert h.count("class=\"dev\"") == 10000
' "$tmp/big/r.html" "$rc"

# A real capture (the optional corpus): EternalBlue over SMBv1.
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"
eb="$CORPUS/attacks/es_eternalblue_success_win7.pcap"
if [ -f "$eb" ]; then
	mkdir -p "$tmp/eb"
	"$WW" -r "$eb" -l "$tmp/eb" --test-mode --report "$tmp/eb/r.md" \
	    >/dev/null 2>&1
	check "corpus EternalBlue: SMBv1 (WW-F002) on both ends, the exploit grouped" \
	    sh -c 'grep -A6 "^### WW-F002" "$1" | grep -c "^- " | grep -qx 2 &&
	    grep -q "^### WW-A1-9200202 .*EternalBlue" "$1"' sh "$tmp/eb/r.md"
else
	n=$((n + 1))
	echo "ok $n # SKIP no corpus at $CORPUS"
fi

if ! command -v chromium >/dev/null 2>&1; then
	echo "# chromium not installed: the HTML is not rendered (apt-get install chromium)"
	for s in 1 2 3; do
		n=$((n + 1))
		echo "ok $n # SKIP chromium not installed"
	done
else
	prof=$(mktemp -d)
	set -- --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$prof" \
	    --enable-logging=stderr --v=0
	timeout 120 chromium "$@" --window-size=1280,1600 \
	    --screenshot="$tmp/shot.png" "file://$tmp/ward/r.html" \
	    >"$tmp/shot.out" 2>&1
	check "chromium: the page loads without a script error" sh -c '
	    test -s "$1/shot.png" &&
	    ! grep -Eiq "Uncaught|CONSOLE.*error" "$1/shot.out"' sh "$tmp"
	check "chromium: the screenshot is not blank" python3 -c '
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
p, idat = 8, b""
while p < len(b):
    ln, typ = struct.unpack(">I4s", b[p:p + 8])
    if typ == b"IDAT":
        idat += b[p + 8:p + 8 + ln]
    p += 12 + ln
raw = zlib.decompress(idat)
assert len(set(raw[1:4096 * 50])) > 8, "one colour"
' "$tmp/shot.png"
	timeout 120 chromium "$@" --dump-dom "file://$tmp/ward/r.html" \
	    >"$tmp/dom.html" 2>"$tmp/dom.err"
	check "chromium: every section in the rendered DOM" python3 -c '
import sys
h = open(sys.argv[1], encoding="utf-8").read()
for s in sys.argv[2].split():
    assert "id=\"%s\"" % s in h, s
assert "<svg" in h and "<circle" in h
' "$tmp/dom.html" "$SECTIONS"
	rm -rf "$prof"
fi

echo "1..$n"
