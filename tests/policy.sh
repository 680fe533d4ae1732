#!/bin/sh
# policy.sh - zero-trust policy on generated captures (TAP): the ward
# capture raises no policy alert under the shipped profiles; the policy
# scenario (pcapgen policy: the ward, then a pump's telnet login to a
# monitor, its HTTPS to an internet address, a CT's sweep) raises gid
# 9200 alerts that explain themselves (the rule's file:line, what it
# allowed, what was seen, the peer's zone and, with MaxMind's test
# databases, country); the summary shows each device's policy state;
# and "policy suggest" round-trips: its YAML passes -T, and reading the
# capture again under it (policy.mode strict) raises no policy alert.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
GEO="$top_srcdir/../shared/corpus/geoip"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..21"
i=0
ok() {
	i=$((i + 1))
	if [ "$1" = 0 ]; then
		echo "ok $i - $2"
	else
		echo "not ok $i - $2"
		[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" | head -20
	fi
}
skip() {
	i=$((i + 1))
	echo "ok $i # SKIP $1"
}
# Policy alerts of an eve.json: "sid device-mac" lines.
alerts() {
	python3 - "$1" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "alert" and r["alert"]["gid"] == 9200:
        w = r.get("wardwatch", {})
        d = w.get("src_device") if r["policy"]["seen"].startswith(
            ("initiated", "HL7", "DICOM", "telnet", "ftp")) or \
            "peers in" in r["policy"]["seen"] else w.get("dest_device")
        print(r["alert"]["signature_id"], (d or {}).get("mac", "-"))
EOF
}

cat >"$tmp/zones.yaml" <<'EOF'
zones:
  medical: { vlans: [20] }
  imaging: { vlans: [30] }
  servers: { vlans: [40] }
EOF
{ cat "$tmp/zones.yaml"; cat <<EOF
geoip:
  country-database: $GEO/GeoLite2-Country-Test.mmdb
  asn-database: $GEO/GeoLite2-ASN-Test.mmdb
EOF
} >"$tmp/geo.yaml"

# 1-2: the benign ward, learnt (--learn: its devices enforce from the
# next run on).
"$WW" -r "$top_srcdir/pcaps/ward.pcap" -c "$tmp/zones.yaml" -l "$tmp/w" \
    --learn --state "$tmp/ward.db" >"$tmp/out" 2>&1
ok $? "ward.pcap runs under the shipped profiles"
n=$(alerts "$tmp/w/eve.json" | wc -l)
[ "$n" -eq 0 ]
ok $? "ward.pcap: no policy alert ($n)"

# 3-11: the incidents (the ward again, then what its profiles forbid).
"$GEN" policy "$tmp/policy.pcap" >"$tmp/out" 2>&1
ok $? "pcapgen policy"
if [ -r "$GEO/GeoLite2-Country-Test.mmdb" ]; then
	cfg="$tmp/geo.yaml"
else
	cfg="$tmp/zones.yaml"
fi
cp "$tmp/ward.db" "$tmp/p.db"
"$WW" -r "$tmp/policy.pcap" -c "$cfg" -l "$tmp/p" --state "$tmp/p.db" \
    >"$tmp/out" 2>&1
ok $? "the policy scenario runs, the ward's devices enforcing"
e="$tmp/p/eve.json"
alerts "$e" | sort | uniq -c | sed 's/^/# /'
grep '"gid":9200' "$e" | grep '"dest_port":23' | grep -q \
    '"rule":"profiles/policy/infusion-pump.yaml:6".*"expected":"initiate: .*class interface-engine tcp/2575.*"seen":"initiated tcp/23 telnet to class patient-monitor in zone medical"'
ok $? "pump telnet to a monitor: the rule's file:line, what it allows, what was seen"
! grep '"gid":9200' "$e" | grep '"dest_port":23' | grep -q \
    '"profile":"patient-monitor"' &&
grep '"event":"snapshot"' "$e" | grep '00:09:fb:4a:07:21' | grep -q \
    '"policy":{"profile":"patient-monitor",.*"alerts":[0-9]*,"violations":[1-9]'
ok $? "the monitor accepting it: a violation of its profile, counted, no second alert"
grep '"gid":9200' "$e" | grep -q \
    '"signature_id":3,.*"severity":1.*"rule":"profiles/policy/infusion-pump.yaml:[0-9]*".*"expected":"cleartext-logins: forbid","seen":"telnet login to patient-monitor in zone medical"'
ok $? "the pump's telnet login: sid 3, severity 1"
grep '"gid":9200' "$e" | grep -q \
    '"signature_id":2,.*"severity":1.*"expected":"internet: deny".*"peer":{"ip":"81.2.69.142","zone":"internet"'
ok $? "pump to the internet: sid 2, severity 1, the peer's zone"
if [ "$cfg" = "$tmp/geo.yaml" ]; then
	grep '"gid":9200' "$e" | grep -q '"ip":"81.2.69.142","zone":"internet","country":"GB"'
	ok $? "the internet peer's country from the MaxMind test database"
else
	skip "no MaxMind test databases"
fi
grep '"gid":9200' "$e" | grep -q \
    '"signature_id":6,.*"expected":"max-fan-out: 8 peers in 600 s".*"seen":"9 peers in 600 s'
ok $? "the CT's sweep: fan-out over its profile's limit, once"
grep -q '^    00:12:21:39:00:31 .* enforce [1-9]' "$tmp/out"
ok $? "the summary shows the pump's policy state and alerts"

# 12-13: the window: the same violation again is held, not repeated.
n=$(grep '"gid":9200' "$e" | grep -c '"signature_id":6,')
[ "$n" -eq 1 ]
ok $? "one fan-out alert per window ($n)"
grep '"event":"snapshot"' "$e" | grep '00:12:21:39:00:31' | grep -q \
    '"zone":"medical","policy":{"profile":"infusion-pump","file":"profiles/policy/infusion-pump.yaml","mode":"enforce","state":"enforcing","alerts":[1-9]'
ok $? "device records carry zone and policy state"

# 14-17: policy suggest round trip.
"$WW" -r "$tmp/policy.pcap" -c "$tmp/zones.yaml" -l "$tmp/s1" \
    --state "$tmp/s.db" >"$tmp/out" 2>&1 &&
"$WW" policy suggest --state "$tmp/s.db" >"$tmp/suggested.yaml" \
    2>"$tmp/out"
ok $? "policy suggest writes profiles"
{ cat "$tmp/zones.yaml"; cat <<EOF
policy:
  files: [$tmp/suggested.yaml]
  mode: strict
EOF
} >"$tmp/strict.yaml"
"$WW" -T -c "$tmp/strict.yaml" >"$tmp/out" 2>&1
ok $? "the suggested policy passes -T"
"$WW" -r "$tmp/policy.pcap" -c "$tmp/strict.yaml" -l "$tmp/s2" \
    >"$tmp/out" 2>&1
n=$(alerts "$tmp/s2/eve.json" | wc -l)
[ "$n" -eq 0 ]
ok $? "the capture again under the suggested policy: no policy alert ($n)"
"$WW" policy suggest --state "$tmp/s.db" --device 00:12:21:39:00:31 \
    >"$tmp/dev.yaml" 2>"$tmp/out" &&
grep -q '^  - device: "00:12:21:39:00:31"$' "$tmp/dev.yaml" &&
grep -q 'proto: tcp, port: 23, app: telnet' "$tmp/dev.yaml" &&
"$WW" policy suggest --state "$tmp/s.db" --class toaster >"$tmp/out" 2>&1
[ $? -eq 1 ]
ok $? "suggest for one device; an unknown class is a usage error"

# 18-19: -T reports every error of a policy file at its line and column;
# a geoip database that is not there is a warning, never an error.
printf 'class: infusion-pump\ninitiate:\n  - { proto: tcp, port: 99999 }\nhl7: { send: [oru] }\n' \
    >"$tmp/bad.yaml"
printf 'policy:\n  files: [%s, %s]\n' "$tmp/bad.yaml" "$tmp/none.yaml" \
    >"$tmp/badc.yaml"
"$WW" -T -c "$tmp/badc.yaml" >"$tmp/out" 2>&1
[ $? -eq 1 ] &&
grep -q "^$tmp/bad.yaml:3:25: port: \"99999\" is not a port" "$tmp/out" &&
grep -q "^$tmp/bad.yaml:4:15: hl7.send: expected an HL7 message type" \
    "$tmp/out" &&
grep -q "^$tmp/none.yaml: No such file or directory" "$tmp/out"
ok $? "-T: every error of the policy files, file:line:col, exit 1"
printf 'fingerprint: bbraun-spacecom-pcd01\nmode: observe\n' \
    >"$tmp/fp.yaml"
printf 'policy:\n  files: [%s]\n  overrides:\n    - fingerprint: bbraun-spacecom-pcdO1\n      mode: observe\n' \
    "$tmp/fp.yaml" >"$tmp/fpc.yaml"
"$WW" -T -c "$tmp/fpc.yaml" >"$tmp/out" 2>&1
[ $? -eq 1 ] &&
grep -q "^$tmp/fpc.yaml:4:20: fingerprint: no fingerprint is named \"bbraun-spacecom-pcdO1\"" \
    "$tmp/out" &&
[ "$(grep -c 'no fingerprint is named' "$tmp/out")" -eq 1 ]
ok $? "-T: a profile for a fingerprint that does not exist is an error at its name"
printf 'geoip:\n  country-database: %s/none.mmdb\n' "$tmp" >"$tmp/g.yaml"
"$WW" -T -c "$tmp/g.yaml" >"$tmp/out" 2>&1 &&
grep -q "warning: $tmp/none.mmdb: .*no geo from it" "$tmp/out"
ok $? "-T: a missing geoip database is a warning"

# A learning device's internet destinations keep their country
# (baseline show), from the same databases.
if [ -r "$GEO/GeoLite2-Country-Test.mmdb" ]; then
	"$WW" -r "$tmp/policy.pcap" -c "$tmp/geo.yaml" -l "$tmp/bl" --learn \
	    --state "$tmp/bl.db" >"$tmp/out" 2>&1 &&
	"$WW" baseline show --state "$tmp/bl.db" --device 00:12:21:39:00:31 \
	    >"$tmp/out" 2>&1 &&
	grep -q '^    81\.2\.69\.142 .* country GB' "$tmp/out"
	ok $? "baseline: the pump's learned internet destination is in GB"
else
	skip "no MaxMind test databases"
fi
