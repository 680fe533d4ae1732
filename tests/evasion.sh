#!/bin/sh
# evasion.sh - the stream the sensor parses and matches is the one the
# receiving host takes (TAP), on the captures of pcaps/gen/scen-evasion.c:
#
# evasion-hl7-insertion.pcap  a forged HL7 message (ADT^A08 from
#	ROGUE_APP01, processing ID T: rules/iomt.rules sid 9200400) with a
#	bad TCP checksum, then one with a bad IPv4 header checksum, each
#	followed by the real ORU^R01 at the same sequence number.  The
#	forgeries are counted and go no further: no record, no alert, the
#	monitor's HL7 application stays PHILIPS_PIC.  With checksum-checks:
#	no the forgery is what is parsed, which shows the capture evades.
# evasion-overlap.pcap  the forgery with good checksums: (49620) sent
#	again over the delivered real message, (49621) overlapping its
#	queued out-of-order bytes.  Both raise stream.overlap_diff_data;
#	delivered bytes stand under every policy; queued ones are the
#	receiver's policy's (stream.policy, host-os-policy): the old copy
#	under first and windows, the forgery under last and linux.
# checksum-offload.pcap  the HL7 engine's own capture, its TCP and UDP
#	checksums left to its card: checksum-checks auto finds the offload
#	(checksums.offloaded 1) after the three syslog datagrams it judged,
#	and every other record is as with checksum-checks: no.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi

echo "1..19"
i=0
ok() {
	i=$((i + 1))
	echo "ok $i - $1"
}
notok() {
	i=$((i + 1))
	echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -20 | sed 's/^/# /'
}
# check NAME OUT JQ-PROGRAM: jq -e over all the records of OUT (slurped).
check() {
	if got=$(jq -se "$3" "$tmp/$2/eve.json" 2>&1); then
		ok "$1"
	else
		notok "$1" "$got"
	fi
}

# run OUT PCAP [yaml]: read pcaps/PCAP with the YAML given on stdin
# added to the base configuration (stats only at the end).
run() {
	out=$tmp/$1
	mkdir -p "$out"
	{
		printf 'stats:\n  interval: 0\n'
		[ -n "$3" ] && cat
	} >"$out/c.yaml"
	(cd "$top_srcdir" && "$WW" -r "pcaps/$2" -l "$out" --test-mode \
	    --workers 1 -c "$out/c.yaml" >"$out/stdout" 2>"$out/stderr")
	echo $? >"$out/rc"
}

# Common jq definitions: the final stats, the HL7 records the monitor
# sent as (port, type, processing id, sender), alerts as (port, sid).
defs='
def stats: map(select(.event_type == "stats")) | last;
def anom($n): (stats.wardwatch.anomalies[$n] // 0);
def msgs: map(select(.event_type == "hl7" and .src_ip == "10.20.0.21")
    | [.src_port, .hl7.message_type, .hl7.processing_id,
       .hl7.sending_application.namespace_id]);
def alerts: map(select(.event_type == "alert")
    | [.src_port, .alert.signature_id]);
def anomalies($n): map(select(.event_type == "anomaly" and
    .anomaly.event == $n) | .src_port);
'

# --- (a) insertion: bad checksums ------------------------------------

for mode in auto yes; do
	printf 'decode:\n  checksum-checks: %s\n' "$mode" |
	    run "ins-$mode" evasion-hl7-insertion.pcap -
done
printf 'decode:\n  checksum-checks: no\n' |
    run ins-no evasion-hl7-insertion.pcap -

if [ "$(cat "$tmp/ins-auto/rc")" = 0 ] && [ "$(cat "$tmp/ins-yes/rc")" = 0 ]
then
	ok "insertion capture read (auto, yes)"
else
	notok "insertion capture read" "$(cat "$tmp/ins-auto/stderr")"
fi
for mode in auto yes; do
	check "insertion ($mode): each forgery counted, one TCP and one IPv4 checksum, no overlap" "ins-$mode" "$defs"'
	    anom("decode.tcp.invalid_checksum") == 1 and
	    anom("decode.ipv4.invalid_checksum") == 1 and
	    stats.stats.tcp.overlap_diff_data == 0 and
	    stats.wardwatch.counters["checksums.offloaded"] == 0 and
	    (anomalies("decode.tcp.invalid_checksum") | length) == 1 and
	    (anomalies("decode.ipv4.invalid_checksum") | length) == 1'
	check "insertion ($mode): the hl7 records are the real messages, and no alert" "ins-$mode" "$defs"'
	    msgs == [[49610, "ORU", "P", "PHILIPS_PIC"],
	        [49610, "ORU", "P", "PHILIPS_PIC"]] and
	    alerts == []'
done
check "insertion: the monitor's HL7 application and message types are the real ones" ins-auto '
    map(select(.event_type == "device" and .device.ip == "10.20.0.21"))
    | last | .device
    | .hl7_applications == ["PHILIPS_PIC"] and
      .evidence["hl7.sending_app"] == ["PHILIPS_PIC"] and
      .evidence["hl7.message_type"] == ["ORU^R01"]'
# Without validation the sensor takes the forgery: the capture evades.
check "insertion, checksum-checks no: the forgery is parsed and alerts (control)" ins-no "$defs"'
    (msgs | map(.[1:]) | unique) == [["ADT", "T", "ROGUE_APP01"]] and
    (alerts | map(.[1]) | index(9200400)) != null and
    stats.stats.tcp.overlap_diff_data == 2'

# --- (b) overlapping data with good checksums ------------------------

run ov-default evasion-overlap.pcap
printf 'stream:\n  policy: last\n' | run ov-last evasion-overlap.pcap -
printf 'stream:\n  policy: last\nhost-os-policy:\n  windows: [10.20.0.5]\n' |
    run ov-last-win evasion-overlap.pcap -
printf 'host-os-policy:\n  linux: [10.20.0.0/24]\n' |
    run ov-linux evasion-overlap.pcap -
printf 'host-os-policy:\n  linux: [10.20.0.21]\n' |
    run ov-linux-sender evasion-overlap.pcap -

real='[49620, "ORU", "P", "PHILIPS_PIC"]'
fake21='[49621, "ADT", "T", "PHILIPS_PIC"]'
both_real="[$real, [49621, \"ORU\", \"P\", \"PHILIPS_PIC\"]]"
check "overlap: stream.overlap_diff_data on both connections (record and counter)" ov-default "$defs"'
    anomalies("stream.overlap_diff_data") == [49620, 49621] and
    anom("stream.overlap_diff_data") == 2 and
    stats.stats.tcp.overlap_diff_data == 2 and
    anom("decode.tcp.invalid_checksum") == 0'
check "overlap, default policy (first): the first copies stand, no alert" ov-default "$defs
    msgs == $both_real and alerts == []"
check "overlap, stream.policy last: delivered bytes stand, queued ones are the forgery's" ov-last "$defs
    msgs == [$real, $fake21] and
    anomalies(\"stream.overlap_diff_data\") == [49620, 49621]"
check "overlap, stream.policy last: rules see what the host took (9200400 on 49621 only)" ov-last "$defs"'
    (alerts | map(select(.[1] == 9200400))) == [[49621, 9200400]]'
check "overlap, last but host-os-policy windows for the engine: the first copies stand" ov-last-win "$defs
    msgs == $both_real and alerts == []"
check "overlap, host-os-policy linux for the engine's subnet: the forgery, which starts earlier, wins" ov-linux "$defs
    msgs == [$real, $fake21]"
check "overlap, host-os-policy naming the sender only: the receiver's policy (first) applies" ov-linux-sender "$defs
    msgs == $both_real"

# --- (c) a capture host that offloads checksums ----------------------

run off-auto checksum-offload.pcap
printf 'decode:\n  checksum-checks: no\n' | run off-no checksum-offload.pcap -
printf 'decode:\n  checksum-checks: yes\n' | run off-yes checksum-offload.pcap -

check "offload, auto: checksums.offloaded set after the 3 judged datagrams" off-auto "$defs"'
    stats.wardwatch.counters["checksums.offloaded"] == 1 and
    anom("decode.udp.invalid_checksum") == 3 and
    anom("decode.tcp.invalid_checksum") == 0'
if grep -q 'capture host offloads checksums' "$tmp/off-auto/stderr"; then
	ok "offload, auto: said once on stderr"
else
	notok "offload, auto: no message on stderr" "$(cat "$tmp/off-auto/stderr")"
fi
check "offload, auto: all 80 HL7 messages and answers parsed" off-auto "$defs"'
    (map(select(.event_type == "hl7")) | length) == 80 and
    (map(select(.event_type == "hl7" and .src_ip == "10.20.0.5")) | length)
    == 40'
# Every record but those of the flow whose packets were judged while
# sampling (its datagrams never reached nDPI) is as with no checks
# ("seq" aside: the runs number different sets of records).
jq -c 'select(.event_type == "anomaly") |
    [.src_ip, .src_port, .dest_ip, .dest_port, .proto]' \
    "$tmp/off-auto/eve.json" | sort -u >"$tmp/judged"
for m in auto no; do
	jq -c --slurpfile j "$tmp/judged" 'select(.event_type != "stats" and
	    .event_type != "anomaly" and
	    ([.src_ip, .src_port, .dest_ip, .dest_port, .proto] as $t |
	    [.dest_ip, .dest_port, .src_ip, .src_port, .proto] as $r |
	    $j | any(. == $t or . == $r) | not)) | del(.seq)' \
	    "$tmp/off-$m/eve.json" >"$tmp/off-$m.rec"
done
if [ "$(wc -l <"$tmp/judged")" -eq 1 ] && [ -s "$tmp/off-auto.rec" ] &&
    cmp -s "$tmp/off-auto.rec" "$tmp/off-no.rec"; then
	ok "offload, auto: records as with checksum-checks no (but the syslog flow judged while sampling)"
else
	notok "offload, auto: records differ from checksum-checks no" \
	    "$(cat "$tmp/judged"; diff "$tmp/off-no.rec" "$tmp/off-auto.rec" | cut -c1-200)"
fi
check "offload, checksum-checks yes: the engine's packets are lost (control)" off-yes "$defs"'
    anom("decode.tcp.invalid_checksum") > 80 and
    (map(select(.event_type == "hl7" and .src_ip == "10.20.0.5")) | length)
    == 0'
