#!/bin/sh
# smb-corpus.sh - the SMB parser against the MS17-010 captures of
# ../shared/corpus/attacks (TAP; skipped when the folder is absent).
#
# For every es_*.pcap (EternalBlue, WannaCry, DoublePulsar,
# EternalRomance, EternalChampion):
#  - SMB1 negotiation is seen: smb records with an SMB1 command and
#    the "NT LM 0.12" dialect;
#  - every notice of its Zeek EternalSafety log (*.truth.notice.log) that
#    Wardwatch models is matched by the anomaly on the same connection:
#	DoublePulsar	 smb.doublepulsar
#	EternalBlue	 smb.transaction_secondary_mismatch and
#			 smb.transaction_too_large (the oversized NT_TRANSACT)
#	ViolationTx2Cmd	 smb.trans2_session_setup
#	ViolationNtRename smb.nt_transact_unimplemented
#	EternalSynergy	 smb.write_into_transaction
#    (EternalChampion's race has no anomaly of its own: its NT_RENAME
#    is ViolationNtRename's).  EternalSynergy is matched per capture:
#    Zeek also flags the exploit's later connections, whose WRITE_ANDX
#    to lsarpc is an ordinary pipe write without a transaction open;
#  - a capture without a notice log (the failed attempts, which carry
#    no SMB session over TCP) is read, and raises none of these.
# svsmb_eicar_file.pcap: the write of the test file is an smb record
# naming it.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"

if [ ! -d "$CORPUS/attacks" ]; then
	echo "1..0 # SKIP no corpus at $CORPUS"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ls "$CORPUS"/attacks/es_*.pcap 2>/dev/null >"$tmp/list"
n=$(wc -l <"$tmp/list")
echo "1..$((n + 1))"
# These captures were taken on the attacking or attacked host, whose
# outgoing checksums the network card fills in: what is checked here
# is SMB, so checksums are not (Suricata's -k none).
printf 'decode:\n  checksum-checks: no\n' >"$tmp/k.yaml"
i=0
while read -r f; do
	i=$((i + 1))
	name=$(basename "$f")
	rm -rf "$tmp/out"
	mkdir -p "$tmp/out"
	if ! "$WW" -r "$f" -l "$tmp/out" --test-mode -c "$tmp/k.yaml" \
	    --state "$tmp/out/ww.db" >/dev/null 2>"$tmp/out/stderr"; then
		echo "not ok $i - $name: wardwatch failed"
		sed 's/^/# /' "$tmp/out/stderr" | head -5
		continue
	fi
	truth="$f.truth.notice.log"
	[ -f "$truth" ] || truth=/dev/null
	if msg=$(/usr/bin/python3 - "$tmp/out/eve.json" "$truth" <<'PY'
import json, sys

want = {
    'EternalSafety::DoublePulsar': ['smb.doublepulsar'],
    'EternalSafety::EternalBlue': ['smb.transaction_secondary_mismatch',
                                   'smb.transaction_too_large'],
    'EternalSafety::ViolationTx2Cmd': ['smb.trans2_session_setup'],
    'EternalSafety::ViolationNtRename': ['smb.nt_transact_unimplemented'],
    'EternalSafety::EternalSynergy': ['smb.write_into_transaction'],
}
anoms = set()
anywhere = set()
smb1 = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r['event_type'] == 'anomaly':
        a = r['anomaly']['event']
        anywhere.add(a)
        for p in (r.get('src_port'), r.get('dest_port')):
            anoms.add((r.get('src_ip'), p, a))
            anoms.add((r.get('dest_ip'), p, a))
    elif r['event_type'] == 'smb':
        s = r['smb']
        if s['command'].startswith('SMB1_') and s['dialect'] == 'NT LM 0.12':
            smb1 += 1
missing = []
checked = 0
for line in open(sys.argv[2]):
    if line.startswith('#'):
        continue
    col = line.rstrip('\n').split('\t')
    if len(col) < 6 or col[5] not in want:
        continue
    orig, port = col[0], int(col[1])
    for a in want[col[5]]:
        checked += 1
        if col[5] == 'EternalSafety::EternalSynergy' and a in anywhere:
            continue
        if (orig, port, a) not in anoms:
            missing.append('%s:%d %s (%s)' % (orig, port, a, col[5]))
if sys.argv[2] == '/dev/null':
    tells = anywhere & set(a for v in want.values() for a in v)
    if tells:
        print('unexpected: ' + ', '.join(sorted(tells)))
        sys.exit(1)
    print('no notices, %d SMB1 records, no MS17-010 anomaly' % smb1)
    sys.exit(0)
if smb1 == 0:
    print('no SMB1 negotiation seen')
    sys.exit(1)
if missing:
    print('missing: ' + ', '.join(sorted(set(missing))[:5]))
    sys.exit(1)
print('%d SMB1 records, %d notices matched' % (smb1, checked))
PY
	); then
		echo "ok $i - $name: $msg"
	else
		echo "not ok $i - $name: $msg"
	fi
done <"$tmp/list"

i=$((i + 1))
f="$CORPUS/attacks/svsmb_eicar_file.pcap"
if [ ! -f "$f" ]; then
	echo "ok $i - eicar write # SKIP no $f"
	exit 0
fi
rm -rf "$tmp/out"
mkdir -p "$tmp/out"
"$WW" -r "$f" -l "$tmp/out" --test-mode -c "$tmp/k.yaml" \
    --state "$tmp/out/ww.db" >/dev/null 2>&1
if /usr/bin/python3 - "$tmp/out/eve.json" <<'PY'
import json, sys
ok = False
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r['event_type'] == 'smb':
        s = r['smb']
        if s['command'] == 'SMB1_COMMAND_WRITE_ANDX' and \
                'eicar' in s.get('filename', '') and s.get('size', 0) > 0:
            ok = True
sys.exit(0 if ok else 1)
PY
then
	echo "ok $i - eicar write: an SMB1 WRITE_ANDX naming the file"
else
	echo "not ok $i - eicar write: no smb record of the write"
fi
