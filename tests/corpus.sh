#!/bin/sh
# corpus.sh - wardwatch against the real captures in ../shared/corpus
# (TAP; skipped when the folder is absent).
#
# 1. Every capture is read with exit status 0, or 2 with a message that
#    names the file (unreadable or damaged input); never a crash or a
#    sanitizer report.
# 2. The Community ID spec's pcaps give exactly the baseline's IDs.
# 3. DHCP, DNS, mDNS and flow records satisfy the suricata-verify checks
#    shipped with the DHCP, DNS and mDNS captures.
# 4. Every record validates against Suricata's EVE schema once
#    Wardwatch's own objects are removed.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"
SCHEMA="$top_srcdir/../shared/conformance/suricata-eve/schema.json"

if [ ! -d "$CORPUS" ]; then
	echo "1..0 # SKIP no corpus at $CORPUS"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' \
    -o -name '*.cap' \) | sort >"$tmp/list"
ncap=$(wc -l <"$tmp/list")
ncid=$(ls "$CORPUS"/community-id/pcaps/*.pcap 2>/dev/null | wc -l)
# suricata-verify ground truth for the protocols we log: DHCP, DNS, mDNS.
ls "$CORPUS"/*/svdhcp*.pcap "$CORPUS"/*/svdns*.pcap \
    "$CORPUS"/*/svmdns*.pcap "$CORPUS"/*/svmqtt*.pcap \
    2>/dev/null >"$tmp/svlist"
nsv=$(wc -l <"$tmp/svlist")
echo "1..$((ncap + ncid + nsv + 1))"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
i=0
while read -r f; do
	i=$((i + 1))
	rel=${f#"$CORPUS"/}
	out="$tmp/run/$i"
	mkdir -p "$out"
	"$WW" -r "$f" -l "$out" --test-mode >"$out/stdout" 2>"$out/stderr"
	rc=$?
	echo "$out/eve.json" >>"$tmp/outputs"
	if grep -q 'Sanitizer\|runtime error:' "$out/stderr"; then
		echo "not ok $i - $rel: sanitizer report"
		head -30 "$out/stderr" | sed 's/^/# /'
	elif [ $rc -eq 0 ]; then
		echo "ok $i - $rel"
	elif [ $rc -eq 2 ] && grep -q "^wardwatch: $f: " "$out/stderr"; then
		echo "ok $i - $rel # exit 2: $(head -1 "$out/stderr" |
		    sed "s|^wardwatch: $f: ||")"
	else
		echo "not ok $i - $rel: exit $rc"
		head -20 "$out/stderr" | sed 's/^/# /'
	fi
done <"$tmp/list"

# Community ID: each flow's ID must be the baseline's for its tuple.
for f in "$CORPUS"/community-id/pcaps/*.pcap; do
	i=$((i + 1))
	name=$(basename "$f")
	out="$tmp/cid/$name"
	mkdir -p "$out"
	"$WW" -r "$f" -l "$out" --test-mode >/dev/null 2>"$out/stderr"
	jq -r 'select(.event_type == "flow") |
	    [.proto, .src_ip, .dest_ip, (.src_port // .icmp_type // "-"),
	     (.dest_port // .icmp_code // "-"), .community_id] | @tsv' \
	    "$out/eve.json" >"$out/got"
	jq -r '.[] | [.proto, .saddr, .daddr, (.sport // "-"),
	    (.dport // "-"), .communityid] | @tsv' \
	    "$CORPUS/community-id/baseline/baseline_deflt.json" \
	    >"$tmp/baseline.tsv"
	bad=0
	nflows=0
	while IFS="$(printf '\t')" read -r proto sip dip sp dp cid; do
		nflows=$((nflows + 1))
		case $proto in
		TCP) pn=6 ;; UDP) pn=17 ;; ICMP) pn=1 ;; IPv6-ICMP) pn=58 ;;
		SCTP) pn=132 ;; *) pn=$(echo "$proto" | sed 's/^0*//') ;;
		esac
		# The baseline lists every packet; for ICMP its "ports"
		# are the type and the mapped counterpart type, so only
		# the type (our icmp_type) is compared.
		want=$(awk -F'\t' -v p="$pn" -v s="$sip" -v d="$dip" \
		    -v a="$sp" -v b="$dp" \
		    '$1 == p && $2 == s && $3 == d && $4 == a &&
		    ($5 == b || p == 1 || p == 58) { print $6; exit }' \
		    "$tmp/baseline.tsv")
		if [ -z "$want" ]; then
			echo "# $name: no baseline entry for $proto $sip $dip $sp $dp"
			bad=$((bad + 1))
		elif [ "$want" != "$cid" ]; then
			echo "# $name: $proto $sip:$sp -> $dip:$dp: got $cid want $want"
			bad=$((bad + 1))
		fi
	done <"$out/got"
	if [ "$nflows" -eq 0 ] && [ "$name" = arp.pcap ]; then
		echo "ok $i - community-id $name (no IP flows, as expected)"
	elif [ "$bad" -eq 0 ] && [ "$nflows" -gt 0 ]; then
		echo "ok $i - community-id $name ($nflows flows)"
	else
		echo "not ok $i - community-id $name ($bad of $nflows wrong)"
	fi
done

# suricata-verify checks of dhcp, dns, mdns and flow records.
while read -r f; do
	i=$((i + 1))
	name=$(basename "$f")
	out="$tmp/sv/$name"
	mkdir -p "$out"
	"$WW" -r "$f" -l "$out" --test-mode >/dev/null 2>"$out/stderr"
	if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
		echo "ok $i - suricata-verify $name # SKIP python3-yaml not installed"
	elif /usr/bin/python3 "$top_srcdir/tests/sv-truth.py" "$f.truth" \
	    "$out/eve.json" dhcp dns mdns mqtt flow >"$out/sv.out" 2>&1; then
		echo "ok $i - suricata-verify $name: $(tail -1 "$out/sv.out")"
	else
		todo=
		case $name in
		svdns_truncated_rname.pcap)
			# DNS over TCP (port 1053) is not parsed, and its checks
			# need __len and version gates that sv-truth.py lacks.
			todo=" # TODO DNS over TCP";;
		svmqtt*)
			# By design never logged: MQTT user names, passwords,
			# authentication data and PUBLISH payloads.  Not done
			# yet: PUBLISH and will properties, PUBACK, sessions
			# picked up mid-stream, frame checks (alerts only).
			todo=" # TODO credentials and payloads are not logged";;
		esac
		echo "not ok $i - suricata-verify $name: $(tail -1 "$out/sv.out")$todo"
		grep -v '^ok' "$out/sv.out" | head -10 | sed 's/^/# /'
	fi
done <"$tmp/svlist"

# Schema: up to 200 records of each event type from each run.
i=$((i + 1))
if [ ! -f "$SCHEMA" ]; then
	echo "ok $i - EVE schema # SKIP no schema at $SCHEMA"
elif ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "ok $i - EVE schema # SKIP python3-jsonschema not installed"
else
	ls "$tmp"/run/*/eve.json "$tmp"/cid/*/eve.json \
	    "$tmp"/sv/*/eve.json 2>/dev/null |
	    xargs /usr/bin/python3 "$top_srcdir/tests/eve-validate.py" \
	    "$SCHEMA" --max-per-type 200 >"$tmp/schema.out" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $i - EVE schema: $(tail -1 "$tmp/schema.out")"
	else
		echo "not ok $i - EVE schema: $(tail -1 "$tmp/schema.out")"
		head -30 "$tmp/schema.out" | sed 's/^/# /'
	fi
fi
