#!/bin/sh
# workers-invariance.sh - the output of a run is the same set of
# records whatever the number of workers (TAP).  Stats records are left
# out: they report the worker count and per-worker memory.
#
# Every capture is run twice: with the shipped rules (loaded by
# default; services.pcap's cleartext logins alert) and with -S a rule
# file that fires on every capture, through every kind of match (packet
# header, flowbits across packets, stream content, protocol buffers,
# decode events) and thresholds tracked by source and by destination,
# whose outcome depends on the order alerts are judged in.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
cat >"$tmp/inv.rules" <<'R'
alert ip any any -> any any (msg:"inv ip"; threshold:type limit, track by_src, count 3, seconds 60; sid:9100001;)
alert icmp any any -> any any (msg:"inv icmp echo"; itype:8; sid:9100002;)
alert tcp any any -> any any (msg:"inv syn"; flags:S; flowbits:set,inv.syn; flowbits:noalert; sid:9100003;)
alert tcp any any -> any any (msg:"inv line after syn"; flow:established; flowbits:isset,inv.syn; content:"|0d 0a|"; sid:9100004;)
alert http any any -> any any (msg:"inv http"; http.uri; content:"/"; sid:9100005;)
alert dns any any -> any any (msg:"inv dns"; dns.query; content:"."; sid:9100006;)
alert tls any any -> any any (msg:"inv tls"; tls.sni; content:"."; sid:9100007;)
alert hl7 any any -> any any (msg:"inv hl7"; hl7.message_type; content:"^"; sid:9100008;)
alert dicom any any -> any any (msg:"inv dicom"; dicom.called_ae; content:"A"; nocase; sid:9100009;)
alert dhcp any any -> any any (msg:"inv dhcp"; dhcp.vendor_class; content:"."; sid:9100010;)
alert tcp any any -> any any (msg:"inv decode"; decode-event:tcp.pkt_too_small; sid:9100011;)
alert udp any any -> any any (msg:"inv udp"; dsize:>0; threshold:type both, track by_dst, count 2, seconds 10; sid:9100012;)
R
set -- "$top_srcdir"/pcaps/*.pcap "$top_srcdir"/pcaps/*.pcapng
echo "1..$(($# * 2 + 1))"
i=0
shipped=0
for f in "$@"; do
	name=$(basename "$f")
	for rules in shipped inv; do
		i=$((i + 1))
		if [ $rules = inv ]; then
			set -- -S "$tmp/inv.rules"
		else
			set --
		fi
		for n in 1 2 3; do
			mkdir -p "$tmp/$n"
			rm -f "$tmp/$n/eve.json"
			"$WW" -r "$f" -l "$tmp/$n" --test-mode --workers $n \
			    "$@" >/dev/null 2>&1
			jq -c 'select(.event_type != "stats")' \
			    "$tmp/$n/eve.json" | sort >"$tmp/$n.out"
		done
		na=$(grep -c '"event_type":"alert"' "$tmp/1.out")
		if [ $rules = shipped ]; then
			shipped=$((shipped + na))
		fi
		if [ ! -s "$tmp/1.out" ]; then
			echo "not ok $i - $name ($rules rules): no records"
		elif [ $rules = inv ] && [ "$na" -eq 0 ]; then
			echo "not ok $i - $name ($rules rules): no alerts"
		elif cmp -s "$tmp/1.out" "$tmp/2.out" &&
		    cmp -s "$tmp/1.out" "$tmp/3.out"; then
			echo "ok $i - $name ($rules rules): $(wc -l <"$tmp/1.out") records, $na alerts, with 1, 2 and 3 workers"
		else
			echo "not ok $i - $name ($rules rules): records differ between worker counts"
			diff "$tmp/1.out" "$tmp/3.out" | head -10 | sed 's/^/# /'
		fi
	done
done
i=$((i + 1))
if [ "$shipped" -gt 0 ]; then
	echo "ok $i - the shipped rules alert ($shipped alerts in all)"
else
	echo "not ok $i - the shipped rules raised no alert"
fi
