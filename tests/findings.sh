#!/bin/sh
# findings.sh - each finding kind a parser or nDPI leaves evidence for,
# end to end (TAP): wardwatch -r on the capture that has it
# (pcapgen's findings-NAME-pos, pcaps/gen/scen-findings.c) reports the
# finding's id, and on its near miss (findings-NAME-neg) does not; no
# report, record or state holds the credentials or the community the
# captures carry.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
GEN="$top_builddir/pcaps/gen/pcapgen"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$GEN" ]; then
	echo "1..0 # SKIP no generator at $GEN"
	exit 0
fi

# case finding-id
CASES="http-basic WW-F012
snmp WW-F013
tls-self-signed WW-F014
tls-expired WW-F014
tls-cipher WW-F015
tls-version WW-F006
ndpi-numeric-host WW-R08"

echo "1..$(($(echo "$CASES" | wc -l) * 2 + 2))"
n=0
echo "$CASES" | {
	while read -r name id; do
		for pn in pos neg; do
			s="findings-$name-$pn"
			d="$tmp/$s"
			mkdir -p "$d"
			n=$((n + 1))
			if ! "$GEN" "$s" "$d/c.pcap" >"$d/gen.out" 2>&1 ||
			    ! "$WW" -r "$d/c.pcap" -l "$d" --test-mode \
			    --report "$d/r.md" >"$d/run.out" 2>&1; then
				echo "not ok $n - $s: run failed"
				sed 's/^/# /' "$d/gen.out" "$d/run.out"
				continue
			fi
			if grep -q "^### $id " "$d/r.md"; then
				got=yes
			else
				got=no
			fi
			case $pn$got in
			posyes|negno)
				echo "ok $n - $s: $id $([ $got = yes ] ||
				    echo "not ")reported" ;;
			*)
				echo "not ok $n - $s: $id $([ $got = yes ] ||
				    echo "not ")reported"
				grep "^### " "$d/r.md" | sed 's/^/# /' ;;
			esac
		done
	done
	n=$((n + 1))
	# The secrets of the captures, as sent (base64 too) and decoded.
	if grep -rlaE "YmlvbWVk|biomed:|Mon-Cfg-2026|hosp-ro-7f3|eyJhbGci" \
	    "$tmp"/findings-*/ --exclude=c.pcap >"$tmp/leaks"; then
		echo "not ok $n - a credential or community was written"
		sed 's/^/# /' "$tmp/leaks"
	else
		echo "ok $n - no credential or community in reports, records" \
		    "or the state"
	fi
	# Every nDPI risk of app/dpirisk.def in wardwatch(8) by its id.
	n=$((n + 1))
	missing=$(sed -n 's/^DPI_RISK(\([0-9]*\), "\([^"]*\)".*/\1 \2/p' \
	    "$top_srcdir/src/app/dpirisk.def" | while read -r nn name; do
		grep -q "^\.Li R$(printf %02d "$nn") $name\( ,\)\{0,1\}\$" \
		    "$top_srcdir/man/wardwatch.8" || printf ' %s' "$name"
	done)
	if [ -z "$missing" ]; then
		echo "ok $n - wardwatch(8) names every nDPI risk's id"
	else
		echo "not ok $n - not in wardwatch(8):$missing"
	fi
}
