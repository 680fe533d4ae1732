#!/bin/sh
# verify.sh - the hash chain of output files and wardwatch verify
# (TAP): a clean file passes; an edited byte, a deleted line, an
# inserted line, two swapped lines and a truncated file are each found
# at the right line and seq; a chain across rotations verifies, and
# across a run that appends to the file and a SIGHUP-free logrotate
# move; the wrong key fails; usage errors exit 1.  An output of some
# record types only (seq has gaps) names the same lines: each record
# carries prev_seq, the seq of the record before it in the chain.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
i=0
ok() { i=$((i + 1)); echo "ok $i - $1"; }
notok() {
	i=$((i + 1)); echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -8 | sed 's/^/# /'
}
echo "1..20"

printf 'a key of thirty-two bytes, ok!!\n' >"$tmp/key"
printf 'another key of thirty-two bytes\n' >"$tmp/key2"
cat >"$tmp/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
      hash-chain:
        key-file: $tmp/key
CONF
"$WW" -r "$PCAP" -l "$tmp" -c "$tmp/c.yaml" >"$tmp/out" 2>&1
f=$tmp/eve.json
n=$(wc -l <"$f")

# vcheck NAME FILE STATUS PATTERN: verify exits STATUS saying PATTERN.
vcheck() {
	"$WW" verify --key-file "$tmp/key" "$2" >"$tmp/v.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$3" ] && grep -q "$4" "$tmp/v.out"; then
		ok "$1: $(head -1 "$tmp/v.out" | sed "s|$tmp/||")"
	else
		notok "$1: exit $rc, want $3 and \"$4\"" "$(cat "$tmp/v.out")"
	fi
}
seq_of() { sed -n "${1}p" "$f" | jq .seq; }

vcheck "a clean file" "$f" 0 "$n records in 1 file: chain intact"
if tail -1 "$f" | grep -q ',"prev":"[0-9a-f]\{64\}"}$' &&
    head -1 "$f" | grep -q '"prev":"0\{64\}"}$'; then
	ok "each record ends with prev; the chain starts from zeros"
else
	notok "no prev at the end of the records" "$(tail -c 120 "$f")"
fi

# An edited byte inside line 40 (not in its chain value).
sed '40s/"event_type":"\([a-z]\)/"event_type":"X/' "$f" >"$tmp/edit"
vcheck "an edited byte" "$tmp/edit" 2 "edit:40: seq $(seq_of 40): record changed"
# An edited chain value of line 41: its first digit, f to e, any other
# to f (the chain's key is new each run: a value starting "fa" was left
# as it was, 1 run in 17).
sed '41s/"prev":"f/"prev":"E/; 41s/"prev":"[0-9a-e]/"prev":"f/; 41s/"prev":"E/"prev":"e/' \
    "$f" >"$tmp/editprev"
vcheck "an edited chain value" "$tmp/editprev" 2 "editprev:41: seq $(seq_of 41): record changed"
# Line 50 deleted.
sed '50d' "$f" >"$tmp/del"
vcheck "a deleted line" "$tmp/del" 2 "del:50: seq $(seq_of 51): 1 record(s) removed before this one (seq $(seq_of 50) to $(seq_of 50))"
# Line 10 copied in after line 60.
awk -v l="$(sed -n 10p "$f")" '{ print } NR == 60 { print l }' "$f" >"$tmp/ins"
vcheck "an inserted line" "$tmp/ins" 2 "ins:61: seq $(seq_of 10): record inserted"
# Lines 70 and 71 swapped.
awk 'NR == 70 { h = $0; next } { print } NR == 71 { print h }' "$f" >"$tmp/swap"
vcheck "two swapped lines" "$tmp/swap" 2 "swap:70: seq $(seq_of 71): records reordered"
# Cut inside the last line.
head -c -40 "$f" >"$tmp/cut"
vcheck "a truncated file" "$tmp/cut" 2 "cut:$n: seq $(seq_of "$n"): truncated record"
# The wrong key breaks the first link already.
"$WW" verify --key-file "$tmp/key2" "$f" >"$tmp/v.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then
	ok "another key: the chain does not verify"
else
	notok "another key: exit $rc" "$(cat "$tmp/v.out")"
fi

# Rotation by size: files .1 .2 ... then eve.json, one chain; the second
# run appends and goes on with the same chain.
mkdir "$tmp/rot"
cat >"$tmp/rot/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
      mode: rotate
      max-size: 64kb
      hash-chain:
        key-file: $tmp/key
CONF
"$WW" -r "$PCAP" -l "$tmp/rot" -c "$tmp/rot/c.yaml" >/dev/null 2>&1
"$WW" -r "$PCAP" -l "$tmp/rot" -c "$tmp/rot/c.yaml" >/dev/null 2>&1
files=$(cd "$tmp/rot" && ls eve.json.* | sort -t. -k3 -n | sed "s|^|$tmp/rot/|")
nf=$(echo "$files" | wc -l)
# shellcheck disable=SC2086
"$WW" verify --key-file "$tmp/key" $files "$tmp/rot/eve.json" >"$tmp/v.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$nf" -ge 3 ] && grep -q 'chain intact' "$tmp/v.out"; then
	ok "rotation: $(cat "$tmp/v.out")"
else
	notok "rotation: exit $rc, $nf rotated files" "$(cat "$tmp/v.out")"
fi
# A rotated file alone: its chain starts from the file before it.
"$WW" verify --key-file "$tmp/key" "$tmp/rot/eve.json.2" >"$tmp/v.out" 2>&1
if [ $? -eq 0 ] && grep -q 'starts from an earlier file' "$tmp/v.out"; then
	ok "a rotated file alone verifies, noting where its chain starts"
else
	notok "a rotated file alone" "$(cat "$tmp/v.out")"
fi
# Files out of order break the chain.
# shellcheck disable=SC2086
"$WW" verify --key-file "$tmp/key" "$tmp/rot/eve.json.2" "$tmp/rot/eve.json.1" >"$tmp/v.out" 2>&1
if [ $? -eq 2 ]; then
	ok "rotated files given in the wrong order: broken"
else
	notok "rotated files out of order verified" "$(cat "$tmp/v.out")"
fi

# Two chained outputs with one name in two directories: each keeps its
# own chain across a logrotate move and the next run.
mkdir -p "$tmp/two/a" "$tmp/two/b"
cat >"$tmp/two/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: $tmp/two/a/eve.json
      hash-chain:
        key-file: $tmp/key
  - eve-log:
      filename: $tmp/two/b/eve.json
      types: [flow]
      hash-chain:
        key-file: $tmp/key
CONF
"$WW" -r "$PCAP" -l "$tmp/two" -c "$tmp/two/c.yaml" >/dev/null 2>&1
mv "$tmp/two/a/eve.json" "$tmp/two/a/eve.json.1"
mv "$tmp/two/b/eve.json" "$tmp/two/b/eve.json.1"
"$WW" -r "$PCAP" -l "$tmp/two" -c "$tmp/two/c.yaml" >/dev/null 2>&1
"$WW" verify --key-file "$tmp/key" "$tmp/two/a/eve.json.1" \
    "$tmp/two/a/eve.json" >"$tmp/v.out" 2>&1 && ra=0 || ra=$?
"$WW" verify --key-file "$tmp/key" "$tmp/two/b/eve.json.1" \
    "$tmp/two/b/eve.json" >>"$tmp/v.out" 2>&1 && rb=0 || rb=$?
if [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ]; then
	ok "two outputs named eve.json in two directories: two intact chains"
else
	notok "two outputs of one name: exit $ra, $rb" "$(cat "$tmp/v.out")"
fi

# An output of two record types: seq jumps between its lines, and
# prev_seq says which record came before each.
mkdir -p "$tmp/ty"
cat >"$tmp/ty/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filename: $tmp/ty/dev.json
      types: [device, alert]
      hash-chain:
        key-file: $tmp/key
CONF
"$WW" -r "$PCAP" -l "$tmp/ty" -c "$tmp/ty/c.yaml" >/dev/null 2>&1
g=$tmp/ty/dev.json
gseq() { sed -n "${1}p" "$g" | jq .seq; }
gaps=$(jq -r .seq "$g" | awk 'NR > 1 && $1 != p + 1 { n++ } { p = $1 }
    END { print n + 0 }')
if [ "$(sed -n 2p "$g" | jq .prev_seq)" = "$(gseq 1)" ] &&
    [ "$(sed -n 30p "$g" | jq .prev_seq)" = "$(gseq 29)" ] &&
    ! head -1 "$g" | grep -q prev_seq && [ "$gaps" -gt 0 ]; then
	ok "types filter: $gaps gaps in seq; each record but the first names the seq before it"
else
	notok "types filter: no prev_seq ($gaps gaps)" "$(sed -n 2p "$g" | tail -c 150)"
fi
# gcheck NAME FILE STATUS PATTERN, as vcheck
gcheck() {
	"$WW" verify --key-file "$tmp/key" "$2" >"$tmp/v.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$3" ] && grep -q "$4" "$tmp/v.out"; then
		ok "types filter, $1: $(head -1 "$tmp/v.out" | sed "s|$tmp/||")"
	else
		notok "types filter, $1: exit $rc, want $3 and \"$4\"" "$(cat "$tmp/v.out")"
	fi
}
# At a gap in seq (line k follows a record the file does not have), as
# a verifier that took seq for consecutive would misname them: line k-1
# edited, line k+1 deleted.
k=$(jq -r .seq "$g" | awk 'NR > 2 && $1 != p + 1 { print NR; exit }
    { p = $1 }')
sed "$((k - 1))"'s/"event_type":"\([a-z]\)/"event_type":"X/' "$g" >"$tmp/ty/edit"
gcheck "an edited byte before a gap" "$tmp/ty/edit" 2 "edit:$((k - 1)): seq $(gseq $((k - 1))): record changed"
sed "$((k + 1))d" "$g" >"$tmp/ty/del"
gcheck "a deleted line after a gap" "$tmp/ty/del" 2 "del:$((k + 1)): seq $(gseq $((k + 2))): .*record(s) removed before this one (.* $(gseq $((k + 1))))"
awk -v l="$(sed -n 5p "$g")" '{ print } NR == 30 { print l }' "$g" >"$tmp/ty/ins"
gcheck "an inserted line" "$tmp/ty/ins" 2 "ins:31: seq $(gseq 5): record inserted"
awk 'NR == 35 { h = $0; next } { print } NR == 36 { print h }' "$g" >"$tmp/ty/swap"
gcheck "two swapped lines" "$tmp/ty/swap" 2 "swap:35: seq $(gseq 36): records reordered"

# The key from the configuration.
"$WW" verify -c "$tmp/c.yaml" "$f" >"$tmp/v.out" 2>&1
if [ $? -eq 0 ]; then
	ok "verify -c takes the key from the output's hash-chain"
else
	notok "verify -c" "$(cat "$tmp/v.out")"
fi
# Usage errors and an unreadable key: exit 1.
r1=0
"$WW" verify "$f" >/dev/null 2>&1 || r1=$?
r2=0
"$WW" verify --key-file "$tmp/nokey" "$f" >/dev/null 2>&1 || r2=$?
r3=0
printf 'short\n' >"$tmp/short"
"$WW" verify --key-file "$tmp/short" "$f" >/dev/null 2>&1 || r3=$?
if [ "$r1" -eq 1 ] && [ "$r2" -eq 1 ] && [ "$r3" -eq 1 ]; then
	ok "no key, an unreadable key, a key under 16 bytes: exit 1"
else
	notok "usage errors: exit $r1, $r2, $r3, want 1" ""
fi
