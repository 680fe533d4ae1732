#!/bin/sh
# cli.sh - command line contract (TAP): exit statuses, error messages,
# and --help in step with the manual page.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
PCAP="$top_srcdir/pcaps/tcp-basic.pcap"

echo "1..31"
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
check "a missing log directory is made" 0 "" -- \
    "$WW" -r "$PCAP" -l "$tmp/nodir/sub"
i=$((i + 1))
if [ -f "$tmp/nodir/sub/eve.json" ]; then
	echo "ok $i - -l made with its parents"
else
	echo "not ok $i - -l made with its parents: no eve.json"
fi
: >"$tmp/plain"
check "-l naming a file" 1 "not a directory" -- \
    "$WW" -r "$PCAP" -l "$tmp/plain"
printf 'flow:\n  memcap: lots\nbogus-key: 1\n' >"$tmp/bad.yaml"
check "config errors as file:line:col" 1 "bad.yaml:2:" -- \
    "$WW" -T -c "$tmp/bad.yaml"
check "config reports every error" 1 "bad.yaml:3:1" -- \
    "$WW" -T -c "$tmp/bad.yaml"
check "-T with built-in defaults" 0 "OK" -- "$WW" -T
check "bad BPF expression is a usage error" 1 "filter \"not a filter" -- \
    "$WW" -r "$PCAP" -l "$tmp" "not a filter ((("
i=$((i + 1))
if grep -q "tcp-basic" "$tmp/err"; then
	echo "not ok $i - a bad filter blames the file"
else
	echo "ok $i - a bad filter does not blame the file"
fi
check "a misspelt command" 1 "unknown command \"inventroy\"" -- \
    "$WW" inventroy --state "$tmp/x.db"
check "-r - reads standard input" 0 "14 packets" -- \
    sh -c "\"\$0\" -r - -l \"\$1\" <\"\$2\"" "$WW" "$tmp/stdin" "$PCAP"
check "--workers out of range" 1 "workers" -- \
    "$WW" -r "$PCAP" -l "$tmp" --workers 0
mkdir -p "$tmp/dir"
cp "$PCAP" "$tmp/dir/b.pcap"
cp "$PCAP" "$tmp/dir/a.pcap"
check "a directory is read" 0 "from 2 files" -- \
    "$WW" -r "$tmp/dir" -l "$tmp"
echo "not a capture" >"$tmp/dir/notes.txt"
gzip -c "$PCAP" >"$tmp/dir/c.pcap.gz"
check "other files in a directory are skipped" 0 "notes.txt: skipped" -- \
    "$WW" -r "$tmp/dir" -l "$tmp"
i=$((i + 1))
if grep -q "c.pcap.gz: skipped: gzip" "$tmp/err" &&
    grep -q "from 2 files" "$tmp/out"; then
	echo "ok $i - a gzip file is named as such; the captures are read"
else
	echo "not ok $i - gzip file or captures: $(cat "$tmp/err")"
fi

# A run that cannot start leaves nothing behind.
mkdir -p "$tmp/fail"
: >"$tmp/fail/empty.pcap"
check "an unreadable capture fails the start" 2 "empty.pcap" -- \
    "$WW" -r "$tmp/fail/empty.pcap" -l "$tmp/fail/out"
i=$((i + 1))
if [ -z "$(ls -A "$tmp/fail/out" 2>/dev/null)" ]; then
	echo "ok $i - a failed start leaves no eve.json or database"
else
	echo "not ok $i - a failed start left: $(ls "$tmp/fail/out")"
fi

check "a live start that fails" 2 "nosuchif0" -- \
    "$WW" -i nosuchif0 -l "$tmp/live"
i=$((i + 1))
if [ -z "$(ls -A "$tmp/live" 2>/dev/null)" ] &&
    ! grep -q "packets" "$tmp/out"; then
	echo "ok $i - a failed live start leaves no files and no summary"
else
	echo "not ok $i - a failed live start left: $(ls "$tmp/live")"
fi
check "--test-mode is for -r" 1 "test-mode" -- \
    "$WW" -i lo --test-mode -l "$tmp/live"

# A run that reads no packet adds nothing to an existing output (no
# records dated 1970) and keeps the inventory's last packet time.
mkdir -p "$tmp/keep"
"$WW" -r "$PCAP" -l "$tmp/keep" >/dev/null 2>&1
n1=$(wc -l <"$tmp/keep/eve.json")
cp "$tmp/fail/empty.pcap" "$tmp/keep/empty.pcap"
"$WW" -r "$tmp/keep/empty.pcap" -l "$tmp/keep" >/dev/null 2>&1
i=$((i + 1))
if [ "$(wc -l <"$tmp/keep/eve.json")" -eq "$n1" ] &&
    ! grep -q '"1970-' "$tmp/keep/eve.json"; then
	echo "ok $i - a run that reads no packet adds no record"
else
	echo "not ok $i - a run that reads no packet wrote records"
fi
# --fresh, then a start that fails: the old inventory is given back.
rm -f "$tmp/keep/eve.json"
mkdir "$tmp/keep/eve.json"
"$WW" -r "$PCAP" -l "$tmp/keep" --fresh >/dev/null 2>&1
rc=$?
i=$((i + 1))
if [ $rc -eq 2 ] && [ -f "$tmp/keep/wardwatch.db" ] &&
    [ ! -e "$tmp/keep/wardwatch.db.old" ]; then
	echo "ok $i - --fresh and a failed start: the inventory is given back"
else
	echo "not ok $i - --fresh and a failed start: exit $rc, $(ls "$tmp/keep")"
fi

# Names from the file system never reach the terminal as escapes.
evil=$(printf 'evil\033[31m\nFORGED.pcap')
check "control characters in names are escaped" 2 'evil\\x1b\[31m\\x0aFORGED' -- \
    "$WW" -r "$tmp/$evil" -l "$tmp"
i=$((i + 1))
if grep -q "$(printf '\033')" "$tmp/err" || grep -q '^FORGED' "$tmp/err"; then
	echo "not ok $i - an escape sequence or a forged line reached stderr"
else
	echo "ok $i - no escape sequence or forged line on stderr"
fi

# SIGTERM during an offline run: exit 2, and it says how far it read.
mkfifo "$tmp/fifo"
(cat "$PCAP"; sleep 3) >"$tmp/fifo" &
feeder=$!
"$WW" -r "$tmp/fifo" -l "$tmp/sig" >"$tmp/out" 2>"$tmp/err" &
ww=$!
sleep 1
kill -TERM $ww
wait $ww
rc=$?
kill $feeder 2>/dev/null
i=$((i + 1))
if [ $rc -eq 2 ] && grep -q "interrupted after packet 14" "$tmp/err"; then
	echo "ok $i - SIGTERM: exit 2, and how far it read"
else
	echo "not ok $i - SIGTERM: exit $rc, $(cat "$tmp/err")"
fi

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
