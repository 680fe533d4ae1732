#!/bin/sh
# relp-errors.sh - a record the RELP collector answers with an error
# ("500 error", not "200 OK") is counted dropped and named, never sent
# (TAP).  rsyslog cannot be made to refuse one record on demand, so the
# collector here is a small RELP server in Python that refuses the
# records of the given seqs, every time they come, and keeps the seq of
# each record it took.  librelp ends the session on an error answer;
# the records after the refused one go again in the next session.
#  1. three records refused: those three dropped and named, the others
#     counted sent, all of them delivered;
#  2. one record in 25 refused (16 sessions ended by an error, errors
#     among the answers read as a session closes): the same, exactly.
# Skipped when built without librelp, or without python3 or jq.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/ward.pcap"

if ! grep -q '^#define HAVE_LIBRELP 1' "$top_builddir/config.h" 2>/dev/null
then
	echo "1..0 # SKIP built without librelp"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1
then
	echo "1..0 # SKIP python3 or jq not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
i=0
ok() { i=$((i + 1)); echo "ok $i - $1"; }
nok() {
	i=$((i + 1)); echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -8 | cut -c1-200 | sed 's/^/# /'
}
echo "1..2"

# RELP (librelp's doc/relp.html): "TXNR SP COMMAND SP DATALEN [SP DATA]
# LF"; the answer is "TXNR rsp DATALEN SP CODE SP TEXT [LF DATA]".
cat >"$tmp/relpd.py" <<'EOF'
import os, re, socket, sys
d, refuse = sys.argv[1], set(int(x) for x in sys.argv[2].split(","))
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(4)
took = open(os.path.join(d, "took"), "a")
refused = open(os.path.join(d, "refused"), "a")
hdr = re.compile(rb"(\d+) (\w+) (\d+)")

def frames(c):
    buf = b""
    while True:
        m = hdr.match(buf)
        if m:
            n = int(m.group(3))
            end = m.end() + (n + 1 if n > 0 else 0) + 1
            if len(buf) >= end:
                yield int(m.group(1)), m.group(2), buf[m.end() + 1:end - 1]
                buf = buf[end:]
                continue
        r = c.recv(65536)
        if not r:
            return
        buf += r

def rsp(c, txnr, text):
    c.sendall(b"%d rsp %d %s\n" % (txnr, len(text), text))

def serve(c):
    for txnr, cmd, data in frames(c):
        if cmd == b"open":
            rsp(c, txnr, b"200 OK\nrelp_version=0\nrelp_software=relpd.py\n"
                b"commands=syslog")
        elif cmd == b"syslog":
            m = re.search(rb'"seq":(\d+)', data)
            seq = int(m.group(1)) if m else -1
            if seq in refuse:
                refused.write("%d\n" % seq)
                refused.flush()
                rsp(c, txnr, b"500 error")
            else:
                took.write("%d\n" % seq)
                took.flush()
                rsp(c, txnr, b"200 OK")
        elif cmd == b"close":
            rsp(c, txnr, b"")
            return

with open(os.path.join(d, "port.tmp"), "w") as f:
    f.write("%d\n" % ls.getsockname()[1])
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
while True:
    c, _ = ls.accept()
    try:
        serve(c)
    except OSError:
        pass
    c.close()
EOF

# run NAME SEQS: the capture sent to a collector refusing SEQS
run() {
	d="$tmp/$1"
	mkdir -p "$d"
	python3 "$tmp/relpd.py" "$d" "$2" &
	srv=$!
	n=0
	while [ ! -s "$d/port" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	cat >"$d/c.yaml" <<CONF
outputs:
  - eve-log:
      filename: eve.json
  - eve-log:
      filetype: syslog
      server: 127.0.0.1
      port: $(cat "$d/port")
      transport: relp
CONF
	"$WW" -r "$PCAP" -l "$d" -c "$d/c.yaml" >"$d/out" 2>"$d/err"
	rc=$?
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=
	line=$(grep "output *syslog-relp" "$d/out" | sed 's/^ *output *//')
	sent=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) sent.*/\1/p')
	dropped=$(printf '%s\n' "$line" |
	    sed -n 's/.* \([0-9]*\) DROPPED.*/\1/p')
	jq -r .seq "$d/eve.json" | sort -n >"$d/all"
	# The seqs asked for that the run has.
	printf '%s\n' "$2" | tr ',' '\n' | grep -xF -f "$d/all" |
	    sort -n >"$d/want-refused"
	# Every record of eve.json but the refused ones reached it.
	sort -un "$d/took" >"$d/took.u"
	grep -vxF -f "$d/want-refused" "$d/all" >"$d/want-took"
	grep -o 'refused the record of seq [0-9]*' "$d/err" |
	    awk '{ print $NF }' | sort -n >"$d/named"
	sort -un "$d/refused" >"$d/refused.u"
}
# check NAME WHAT
check() {
	d="$tmp/$1"
	nref=$(wc -l <"$d/want-refused")
	if [ "$rc" -eq 2 ] && cmp -s "$d/refused.u" "$d/want-refused" &&
	    cmp -s "$d/took.u" "$d/want-took" &&
	    [ "$dropped" = "$nref" ] &&
	    [ "$sent" = "$(wc -l <"$d/want-took")" ] &&
	    cmp -s "$d/named" "$d/want-refused"; then
		ok "$2: $nref refused records counted dropped and named, the other $sent counted sent and delivered (exit 2)"
	else
		nok "$2: exit $rc, '$sent' sent, '$dropped' dropped ($nref refused), named: $(tr '\n' ' ' <"$d/named")" \
		    "$(grep output "$d/out"; grep -v 'error response' "$d/err" | head -3)"
	fi
}

run sparse 100,200,300
check sparse "three records refused"
many=$(seq -s, 25 25 400)
run many "$many"
check many "one record in 25 refused"
