#!/bin/sh
# reader.sh - the mapped pcap reader (capture.c) and libpcap give the
# same run: the same records, the same messages, the same exit status
# (TAP).  Inputs: every capture in pcaps/, damaged and unusual files
# made here from them (cut in a record header and in packet data,
# byte-swapped, nanosecond, format 2.3, a record longer than the
# snaplen, one longer than libpcap's maximum, time stamps past 2038),
# a BPF filter, and, when ../shared/corpus is there, its malformed/
# captures.  Each runs with 1 and 2 workers (2: packets handed over by
# reference).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
corpus="$top_srcdir/../shared/corpus"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi

# Variants of tcp-basic.pcap (little-endian, microseconds, 2.4).
python3 - "$top_srcdir/pcaps/tcp-basic.pcap" "$tmp" <<'EOF' || exit 1
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = open(src, 'rb').read()
hdr, body = d[:24], d[24:]
recs, o = [], 0
while o < len(body):
    ts, us, cl, ln = struct.unpack('<IIII', body[o:o + 16])
    recs.append([ts, us, cl, ln, body[o + 16:o + 16 + cl]])
    o += 16 + cl

def write(name, recs, magic=0xa1b2c3d4, ver=(2, 4), snap=None, e='<',
          cut=None):
    m, vmaj, vmin, tz, sig, sn, lt = struct.unpack('<IHHiIII', hdr)
    b = struct.pack(e + 'IHHiIII', magic, ver[0], ver[1], tz, sig,
                    sn if snap is None else snap, lt)
    for ts, us, cl, ln, data in recs:
        b += struct.pack(e + 'IIII', ts, us, cl, ln) + data
    if cut is not None:
        b = b[:cut]
    open(out + '/' + name + '.pcap', 'wb').write(b)

write('swapped', recs, e='>')
write('nsec', [[r[0], r[1] * 1000 + 7] + r[2:] for r in recs],
      magic=0xa1b23c4d)
write('nsec-swapped', [[r[0], r[1] * 1000] + r[2:] for r in recs],
      magic=0xa1b23c4d, e='>')
write('v2-3', recs, ver=(2, 3))
first = 24 + 16 + recs[0][2]
write('cut-header', recs, cut=first + 16 + recs[1][2] + 9)
write('cut-data', recs, cut=first + 16 + 5)
write('snaplen-short', recs, snap=40)
big = [r[:] for r in recs]
big[2][2] = 300000
write('caplen-over-max', big)
y = [r[:] for r in recs]
y[3][0] = 0x80000010
y[4][1] = 0xfffffff0
write('time-2038', y)
write('time-2038-swapped', y, e='>')
write('time-2038-nsec-swapped', y, magic=0xa1b23c4d, e='>')
write('time-2038-nsec', y, magic=0xa1b23c4d)
EOF

printf 'app-layer:\n  enabled: false\ndevices:\n  enabled: false\n' \
    >"$tmp/noapp.yaml"
set -- "$top_srcdir"/pcaps/*.pcap "$top_srcdir"/pcaps/*.pcapng "$tmp"/*.pcap
if [ -d "$corpus/malformed" ]; then
	for f in "$corpus"/malformed/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
fi
echo "1..$(($# + 3))"

# run NAME FILE WORKERS [BPF...]: records and messages, path-free.
run() {
	out="$tmp/out.$1"
	rm -rf "$out"
	mkdir -p "$out"
	f=$2
	n=$3
	shift 3
	"$WW" -r "$f" -l "$out" --test-mode --workers "$n" "$@" \
	    >"$out/stdout" 2>"$out/stderr"
	echo "exit $?" >>"$out/stderr"
	sed "s|$f|FILE|g" "$out/stderr" >"$out/msgs"
	if [ -f "$out/eve.json" ]; then
		grep -v '"event_type":"stats"' "$out/eve.json" >"$out/recs"
	else
		: >"$out/recs"
	fi
}

# same NAME: the mapped and the libpcap run agree.
same() {
	cmp -s "$tmp/out.m$1/recs" "$tmp/out.l$1/recs" &&
	    cmp -s "$tmp/out.m$1/msgs" "$tmp/out.l$1/msgs"
}

i=0
for f in "$@"; do
	i=$((i + 1))
	name=$(basename "$f")
	ok=1
	# Hundreds of corpus files: one run each, packets and flows only.
	case $f in
	"$corpus"/*)	counts=2 conf="-c $tmp/noapp.yaml" ;;
	*)		counts="1 2" conf= ;;
	esac
	for n in $counts; do
		# shellcheck disable=SC2086
		run "m$n" "$f" $n $conf
		# shellcheck disable=SC2086
		WARDWATCH_NO_MMAP=1 run "l$n" "$f" $n $conf
		same $n || ok=0
	done
	if [ $ok = 1 ]; then
		echo "ok $i - $name: $(wc -l <"$tmp/out.m2/recs") records," \
		    "$(tail -n 1 "$tmp/out.m2/msgs")"
	else
		echo "not ok $i - $name: the readers differ"
		diff "$tmp/out.l2/msgs" "$tmp/out.m2/msgs" | head -5 |
		    sed 's/^/# /'
		diff "$tmp/out.l2/recs" "$tmp/out.m2/recs" | head -5 |
		    cut -c1-200 | sed 's/^/# /'
	fi
done

# A filter is applied by the mapped reader too.
i=$((i + 1))
run m2 "$top_srcdir/pcaps/medical-mix.pcap" 2 vlan 20 and tcp port 2575
WARDWATCH_NO_MMAP=1 run l2 "$top_srcdir/pcaps/medical-mix.pcap" 2 \
    vlan 20 and tcp port 2575
if same 2 && grep -q '"event_type":"hl7"' "$tmp/out.m2/recs" &&
    ! grep -q '"event_type":"dicom"' "$tmp/out.m2/recs"; then
	echo "ok $i - BPF filter: the same $(wc -l <"$tmp/out.m2/recs") records"
else
	echo "not ok $i - BPF filter: the readers differ or the filter failed"
fi

# Which reader each ran (-v -v says): mapped for pcap 2.4, libpcap else.
i=$((i + 1))
bad=
mkdir -p "$tmp/out.v"
for f in "$top_srcdir"/pcaps/*.pcap "$top_srcdir"/pcaps/*.pcapng \
    "$tmp"/swapped.pcap "$tmp"/nsec.pcap "$tmp"/v2-3.pcap; do
	case $f in
	*.pcapng|*/v2-3.pcap)	want="read through libpcap" ;;
	*)			want="mapped" ;;
	esac
	"$WW" -r "$f" -l "$tmp/out.v" --test-mode -v -v 2>&1 >/dev/null |
	    grep -q ": $want, link type" || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then
	echo "ok $i - classic pcap is mapped, pcapng and 2.3 go to libpcap"
else
	echo "not ok $i - wrong reader for:$bad"
fi

# The pages of a mapped file are given back as the workers pass them
# (every 4 MiB): a 48 MB file adds little to a 4 MB one's resident
# size (it added the whole 32 MiB step before).
i=$((i + 1))
GEN="$top_builddir/pcaps/gen/pcapgen"
if [ ! -x "$GEN" ]; then
	echo "ok $i # SKIP no generator at $GEN"
	exit 0
fi
# A sanitizer's shadow memory and quarantine are most of its resident size.
if command -v nm >/dev/null 2>&1 && nm "$WW" 2>/dev/null |
    grep -q __asan_init; then
	echo "ok $i # SKIP resident size: sanitizer build"
	exit 0
fi
# maxrss FILE: the peak resident KiB of a run, app layer and devices off
maxrss() {
	rm -rf "$tmp/out.rss"
	mkdir -p "$tmp/out.rss"
	python3 - "$WW" "$1" "$tmp/noapp.yaml" "$tmp/out.rss" <<'PY'
import resource, subprocess, sys
ww, pcap, conf, out = sys.argv[1:5]
r = subprocess.run([ww, "-r", pcap, "-c", conf, "-l", out, "--workers",
                    "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(1)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
if "$GEN" bench "$tmp/small.pcap" --size-mb 4 --flows 2000 >/dev/null &&
    "$GEN" bench "$tmp/big.pcap" --size-mb 48 --flows 2000 >/dev/null &&
    small=$(maxrss "$tmp/small.pcap") && big=$(maxrss "$tmp/big.pcap") &&
    [ $((big - small)) -le 12288 ]; then
	echo "ok $i - a mapped 48 MB file: peak resident $big KiB, $((big - small)) KiB over a 4 MB one's"
else
	echo "not ok $i - a mapped 48 MB file: peak resident '$big' KiB against '$small' KiB for 4 MB"
fi
rm -f "$tmp/small.pcap" "$tmp/big.pcap"
