#!/bin/sh
# cli.sh - command line contract (TAP): exit statuses, error messages,
# and --help in step with the manual page.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
PCAP="$top_srcdir/pcaps/tcp-basic.pcap"

echo "1..14"
i=0
# check NAME WANT_STATUS STDERR_PATTERN -- command...
check() {
	name=$1 want=$2 pat=$3
	shift 4
	i=$((i + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "not ok $i - $name: exit $rc, want $want"
		sed 's/^/# /' "$tmp/err" | head -5
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err" "$tmp/out"; then
		echo "not ok $i - $name: output lacks \"$pat\""
		sed 's/^/# /' "$tmp/err" | head -5
	else
		echo "ok $i - $name"
	fi
}

check "-V prints the version" 0 "wardwatch" -- "$WW" -V
check "--help exits 0" 0 "usage:" -- "$WW" --help
check "unknown option is a usage error" 1 "usage:" -- "$WW" --bogus
check "neither -r nor -i" 1 "give either" -- "$WW"
check "missing input file" 2 "nonexistent.pcap" -- \
    "$WW" -r "$tmp/nonexistent.pcap" -l "$tmp"
: >"$tmp/empty.pcap"
check "empty capture file names the file" 2 "empty.pcap: " -- \
    "$WW" -r "$tmp/empty.pcap" -l "$tmp"
check "missing log directory" 1 "nodir" -- \
    "$WW" -r "$PCAP" -l "$tmp/nodir"
printf 'flow:\n  memcap: lots\nbogus-key: 1\n' >"$tmp/bad.yaml"
check "config errors as file:line:col" 1 "bad.yaml:2:" -- \
    "$WW" -T -c "$tmp/bad.yaml"
check "config reports every error" 1 "bad.yaml:3:1" -- \
    "$WW" -T -c "$tmp/bad.yaml"
check "-T with built-in defaults" 0 "OK" -- "$WW" -T
check "bad BPF expression" 2 "filter" -- \
    "$WW" -r "$PCAP" -l "$tmp" "not a filter ((("
check "--workers out of range" 1 "workers" -- \
    "$WW" -r "$PCAP" -l "$tmp" --workers 0
mkdir -p "$tmp/dir"
cp "$PCAP" "$tmp/dir/b.pcap"
cp "$PCAP" "$tmp/dir/a.pcap"
check "a directory is read" 0 "from 2 files" -- \
    "$WW" -r "$tmp/dir" -l "$tmp"

# Every option in --help is in the manual's SYNOPSIS and vice versa.
i=$((i + 1))
"$WW" --help | sed -n '/^usage:/,/^$/p' |
    grep -o -- '--\?[a-zA-Z-]\+' | grep '^-' |
    sed 's/^-\([A-Za-z]*\)$/\1/' | sort -u >"$tmp/help"
sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' \
    "$top_srcdir/man/wardwatch.8" | grep '^\.\(Op \)\?Fl\|Fl ' |
    grep -o 'Fl [-A-Za-z]\+' | sed 's/^Fl //; s/^-/--/' | sort -u \
    >"$tmp/man"
python3 - "$tmp/help" "$tmp/man" <<'PY' >"$tmp/cmp"
import sys
def norm(path):
    out = set()
    for w in open(path).read().split():
        if w.startswith("--"):
            out.add(w)
        else:
            out.update("-" + c for c in w.lstrip("-"))
    return out
h, m = norm(sys.argv[1]), norm(sys.argv[2])
print(" ".join(sorted(h ^ m)))
PY
if [ -z "$(cat "$tmp/cmp")" ]; then
	echo "ok $i - --help and wardwatch(8) SYNOPSIS list the same options"
else
	echo "not ok $i - options differ between --help and wardwatch(8): $(cat "$tmp/cmp")"
fi
