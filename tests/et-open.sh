#!/bin/sh
# et-open.sh - the Emerging Threats Open sample of ../shared/corpus
# (rules/et-open-sample, Suricata 7 edition) over the corpus attack
# captures (TAP; skipped when the folder is absent).
#
# 1. The whole sample loads: "rules: N loaded, M skipped", N > 0, and
#    every skipped rule has its file:line message.
# 2. Every attacks/*.pcap is read with it, exit 0 (or 2 naming a damaged
#    file), no sanitizer report.
# 3. ET rules that belong to an attack fire on its capture (the table
#    below: capture, sid, ET's message), and none of ET's MS17-010
#    rules fires on a capture without SMB exploitation.
# 4. ET's scan rules are written from $EXTERNAL_NET, and every host of
#    the brute-force captures has a private address: run again with
#    EXTERNAL_NET "any" (a sensor inside the network), they fire.
# Checksums are not checked (Suricata's -k none): these captures were
# taken on the hosts themselves.  Compiled databases are cached next to
# the state files, so only the first run compiles.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"
ET="$CORPUS/rules/et-open-sample"

if [ ! -d "$ET" ] || [ ! -d "$CORPUS/attacks" ]; then
	echo "1..0 # SKIP no ET Open sample or attacks at $CORPUS"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# capture	sid	what ET calls it
cat >"$tmp/expect" <<'T'
es_doublepulsar_connect_win7	2024216	ET EXPLOIT Possible DOUBLEPULSAR Beacon Response
es_eternalblue_success_win7	2024216	ET EXPLOIT Possible DOUBLEPULSAR Beacon Response
es_eternalblue_success_win7	2024217	ET EXPLOIT Possible ETERNALBLUE MS17-010 Heap Spray
es_eternalblue_success_win7	2024218	ET EXPLOIT Possible ETERNALBLUE MS17-010 Echo Response
es_eternalromance_2008r2	2024219	ET EXPLOIT Possible ETERNALROMANCE MS17-010 Heap Spray
es_eternalromance_doublepulsar_meterpreter	2024216	ET EXPLOIT Possible DOUBLEPULSAR Beacon Response
es_eternalblue_success_win7	2024297	ET EXPLOIT ETERNALBLUE Exploit M2 MS17-010
es_metasploit_ms17_010_win7x64	2024297	ET EXPLOIT ETERNALBLUE Exploit M2 MS17-010
es_wannacry	2024297	ET EXPLOIT ETERNALBLUE Exploit M2 MS17-010
es_wannacry	2025649	ET EXPLOIT Possible ETERNALBLUE Probe MS17-010 (MSF style)
es_wannacry	2025650	ET EXPLOIT ETERNALBLUE Probe Vulnerable System Response MS17-010
es_wannacry	2025992	ET EXPLOIT Possible ETERNALBLUE Probe MS17-010 (Generic Flags)
ndpi__log4j-webapp-exploit	2034659	ET EXPLOIT Apache log4j RCE Attempt - lower/upper TCP Bypass M1 (CVE-2021-44228)
svsmb2_psexec_add_user	2010781	ET POLICY PsExec service created
T
# the same with EXTERNAL_NET any: capture, sid, message, alerts
cat >"$tmp/scan" <<'T'
zeek_ssh_password_guessing	2001219	ET SCAN Potential SSH Scan	1
zeek_ssh_password_guessing	2003068	ET SCAN Potential SSH Scan OUTBOUND	2
zeek_ftp_bruteforce	2002383	ET SCAN Potential FTP Brute-Force attempt response	6
T

set --
for r in "$ET"/*.rules; do
	set -- "$@" -S "$r"
done
printf 'decode:\n  checksum-checks: no\nclassification-file: %s\n' \
    "$ET/classification.config" >"$tmp/k.yaml"
ls "$CORPUS"/attacks/*.pcap >"$tmp/list"
ncap=$(wc -l <"$tmp/list")
nexp=$(wc -l <"$tmp/expect")
nscan=$(wc -l <"$tmp/scan")
echo "1..$((1 + ncap + nexp + 1 + nscan))"
mkdir -p "$tmp/cache"

i=1
"$WW" -T "$@" -c "$tmp/k.yaml" >"$tmp/t.out" 2>"$tmp/t.err"
rc=$?
summary=$(grep '^rules:' "$tmp/t.out")
loaded=$(echo "$summary" | sed -n 's/^rules: \([0-9]*\) loaded.*/\1/p')
skipped=$(echo "$summary" | sed -n 's/.* \([0-9]*\) skipped$/\1/p')
nmsg=$(grep -c '^/.*:[0-9]*: sid [0-9]*: \|^/.*:[0-9]*:[0-9]*: ' "$tmp/t.err")
if [ $rc -eq 0 ] && [ "${loaded:-0}" -gt 0 ] && [ "$nmsg" -ge "${skipped:-1}" ]; then
	echo "ok $i - $summary ($nmsg messages)"
else
	echo "not ok $i - -T exit $rc: '$summary', $nmsg messages"
	head -5 "$tmp/t.err" | sed 's/^/# /'
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
while read -r f; do
	i=$((i + 1))
	name=$(basename "$f" .pcap)
	out="$tmp/run/$name"
	mkdir -p "$out"
	"$WW" -r "$f" "$@" -c "$tmp/k.yaml" -l "$out" --test-mode \
	    --state "$tmp/cache/$name.db" >"$out/stdout" 2>"$out/stderr"
	rc=$?
	if grep -q 'Sanitizer\|runtime error:' "$out/stderr"; then
		echo "not ok $i - $name: sanitizer report"
		head -20 "$out/stderr" | sed 's/^/# /'
	elif [ $rc -eq 0 ] || { [ $rc -eq 2 ] &&
	    grep -q "^wardwatch: $f: " "$out/stderr"; }; then
		n=$(jq -r 'select(.event_type=="alert") | .alert.signature_id' \
		    "$out/eve.json" 2>/dev/null | sort -u | paste -sd ' ' -)
		echo "ok $i - $name: sids ${n:-none}"
	else
		echo "not ok $i - $name: exit $rc"
		head -5 "$out/stderr" | sed 's/^/# /'
	fi
done <"$tmp/list"

tab=$(printf '\t')
while IFS="$tab" read -r name sid msg; do
	i=$((i + 1))
	ev="$tmp/run/$name/eve.json"
	n=$(jq --argjson s "$sid" 'select(.event_type=="alert" and
	    .alert.signature_id==$s) | .alert.signature' "$ev" 2>/dev/null |
	    grep -cF "$msg")
	if [ "$n" -gt 0 ]; then
		echo "ok $i - $name: $sid $msg ($n)"
	else
		echo "not ok $i - $name: no alert $sid $msg"
	fi
done <"$tmp/expect"

# ET's MS17-010 rules stay silent where there is no SMB exploit.
i=$((i + 1))
bad=
for d in "$tmp"/run/*; do
	case $(basename "$d") in
	es_*|svsmb*|ndpi__smb*|arkime__smb*|zeek_smbghost*) continue;;
	esac
	if jq -r 'select(.event_type=="alert") | .alert.signature' \
	    "$d/eve.json" 2>/dev/null | grep -q 'MS17-010'; then
		bad="$bad $(basename "$d")"
	fi
done
if [ -z "$bad" ]; then
	echo "ok $i - no MS17-010 alert on captures without SMB exploitation"
else
	echo "not ok $i - MS17-010 alerts on:$bad"
fi

cp "$tmp/k.yaml" "$tmp/any.yaml"
printf 'vars:\n  address-groups:\n    EXTERNAL_NET: "any"\n' >>"$tmp/any.yaml"
while IFS="$tab" read -r name sid msg want; do
	i=$((i + 1))
	out="$tmp/scan-run/$name"
	if [ ! -d "$out" ]; then
		mkdir -p "$out"
		"$WW" -r "$CORPUS/attacks/$name.pcap" "$@" -c "$tmp/any.yaml" \
		    -l "$out" --test-mode --state "$tmp/cache/any-$name.db" \
		    >/dev/null 2>"$out/stderr"
	fi
	n=$(jq --argjson s "$sid" 'select(.event_type=="alert" and
	    .alert.signature_id==$s) | .alert.signature' "$out/eve.json" \
	    2>/dev/null | grep -cF "$msg")
	if [ "$n" -eq "$want" ]; then
		echo "ok $i - $name, EXTERNAL_NET any: $sid $msg ($n)"
	else
		echo "not ok $i - $name, EXTERNAL_NET any: $sid: $n alerts, want $want"
	fi
done <"$tmp/scan"
