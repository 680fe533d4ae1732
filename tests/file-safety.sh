#!/bin/sh
# file-safety.sh - files an attacker cannot turn (issue 14 item 7): a
# symbolic link or a FIFO planted as eve.json, the inventory database,
# its -wal, or a network output's spool or its head is refused with a
# message, nothing is written to the link's target and start-up does
# not block; files are created 0640; a second process on the same state
# file is refused (TAP).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/tcp-basic.pcap"

command -v mkfifo >/dev/null 2>&1 || { echo "1..0 # SKIP no mkfifo"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
umask 022
echo "1..10"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }

# refused NAME KIND WHAT [SAYS]: plant KIND (link|fifo) as WHAT in a fresh
# log directory, run, expect exit 2, the message, and an intact target.
refused() {
	d="$tmp/$1"
	mkdir -p "$d"
	echo "not to be touched" >"$tmp/$1.target"
	case $2 in
	link) ln -s "$tmp/$1.target" "$d/$3" ;;
	fifo) mkfifo "$d/$3" ;;
	esac
	timeout 20 "$WW" -r "$PCAP" -l "$d" >"$d/out" 2>"$d/err"
	rc=$?
	case $2 in
	link) want="${4:-$3}: a symbolic link: refused" ;;
	fifo) want="${4:-$3}: not a regular file: refused" ;;
	esac
	if [ $rc -eq 2 ] && grep -q "$want" "$d/err" &&
	    [ "$(cat "$tmp/$1.target")" = "not to be touched" ]; then
		ok "$2 planted as $3: refused, target untouched"
	else
		nok "$2 planted as $3: exit $rc"
		sed 's/^/# /' "$d/err" | head -5
	fi
}

refused eve-link link eve.json
refused eve-fifo fifo eve.json
refused db-link link wardwatch.db
refused db-fifo fifo wardwatch.db
refused wal-link link wardwatch.db-wal 'wardwatch.db: its -wal'

# A network output's spool (its collector away) and the spool's head,
# in the state directory: a link or a FIFO there is refused too.
cat >"$tmp/spool.yaml" <<'EOF'
outputs:
  - eve-log:
      filetype: regular
      filename: eve.json
  - eve-log:
      filetype: syslog
      name: away
      server: 127.0.0.1
      port: 9
      transport: tcp
      spool: { max-size: 1mb }
EOF
for kind in link fifo; do
	d="$tmp/spool-$kind"
	mkdir -p "$d"
	echo "not to be touched" >"$tmp/spool-$kind.target"
	case $kind in
	link) ln -s "$tmp/spool-$kind.target" "$d/away.spool"
	    want="away.spool: a symbolic link: refused" ;;
	fifo) mkfifo "$d/away.spool.head"
	    want="away.spool.head: not a regular file: refused" ;;
	esac
	timeout 20 "$WW" -r "$PCAP" -l "$d" -c "$tmp/spool.yaml" >"$d/out" \
	    2>"$d/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "$want" "$d/err" &&
	    [ "$(cat "$tmp/spool-$kind.target")" = "not to be touched" ]; then
		ok "$kind planted as a spool file: refused, target untouched"
	else
		nok "$kind planted as a spool file: exit $rc"
		sed 's/^/# /' "$d/err" | head -5
	fi
done

# Created 0640 whatever the umask allows beyond it.
d="$tmp/modes"
mkdir -p "$d"
"$WW" -r "$PCAP" -l "$d" >/dev/null 2>&1
m1=$(stat -c %a "$d/eve.json" 2>/dev/null)
m2=$(stat -c %a "$d/wardwatch.db" 2>/dev/null)
if [ "$m1" = 640 ] && [ "$m2" = 640 ]; then
	ok "eve.json and wardwatch.db are created 0640"
else
	nok "modes: eve.json $m1, wardwatch.db $m2"
fi

# A second process on one state file: the first waits on a capture
# from a pipe that stays silent, holding its inventory.
d="$tmp/twice"
mkdir -p "$d"
(sleep 5 | "$WW" -r - -l "$d" >"$d/first" 2>&1) &
first=$!
n=0
while [ ! -s "$d/wardwatch.db" ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
"$WW" -r "$PCAP" -l "$d" >"$d/out" 2>"$d/err"
rc=$?
if [ $rc -eq 2 ] &&
    grep -q "wardwatch.db: in use by another wardwatch process" "$d/err"
then
	ok "a second process on the same state file is refused"
else
	nok "second process: exit $rc"
	sed 's/^/# /' "$d/err" | head -5
fi
wait "$first"
# Once the first has gone, the file is free again.
if "$WW" -r "$PCAP" -l "$d" >/dev/null 2>&1; then
	ok "the state file is free again after the first process ends"
else
	nok "the state file is still refused after the first process"
fi
