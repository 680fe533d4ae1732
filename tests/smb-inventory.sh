#!/bin/sh
# smb-inventory.sh - what SMB tells the device brain, end to end (TAP):
# pcaps/smb-win7.pcap (pcaps/gen/scen-smb.c), a CT console on Windows 7
# writing a study to a Windows Server 2003 file server over SMB1 with
# NTLMSSP.  The state database's inventory ("wardwatch inventory") and
# the EVE device records must show each end's Windows version as its
# software and its NetBIOS name as its host name, and never the user
# who logged on.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi

echo "1..6"
i=0
ok() {
	i=$((i + 1))
	echo "ok $i - $1"
}
notok() {
	i=$((i + 1))
	echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -10 | sed 's/^/# /'
}

if (cd "$top_srcdir" && "$WW" -r pcaps/smb-win7.pcap -l "$tmp" \
    --test-mode --workers 1 --state "$tmp/ww.db" \
    >"$tmp/stdout" 2>"$tmp/stderr") &&
    "$WW" inventory --state "$tmp/ww.db" --json >"$tmp/inv.json" \
    2>>"$tmp/stderr"; then
	ok "smb-win7.pcap read, inventory listed"
else
	notok "wardwatch failed" "$(cat "$tmp/stderr")"
fi

# inv IP JQ-CONDITION: the inventory entry of IP satisfies it.
inv() {
	jq -se --arg ip "$1" "map(select(.ip == \$ip)) | length == 1 and
	    (.[0] | $2)" "$tmp/inv.json" >/dev/null 2>&1
}

if inv 10.30.0.31 '.software == "Windows 7 or Server 2008 R2 (6.1 build 7601)" and
    .attributes.software.sources[0].source == "os.windows_version" and
    .hostname == "CT-CONSOLE-01" and .vendor == "GE HealthCare"'; then
	ok "inventory: the CT console runs Windows 7 (6.1 build 7601), named CT-CONSOLE-01"
else
	notok "inventory: the CT console's software or name" "$(cat "$tmp/inv.json")"
fi
if inv 10.30.0.40 '.software == "Windows XP x64 or Server 2003 (5.2 build 3790)" and
    .hostname == "PACS-FS01" and .services == ["tcp/445"]'; then
	ok "inventory: the file server runs Server 2003 (5.2 build 3790), named PACS-FS01, serves tcp/445"
else
	notok "inventory: the file server's software or name" "$(cat "$tmp/inv.json")"
fi
if "$WW" inventory --state "$tmp/ww.db" --csv 2>/dev/null |
    grep -q '^44:4b:5d:31:00:31,.*,Windows 7 or Server 2008 R2 (6.1 build 7601),'; then
	ok "inventory --csv: the software column"
else
	notok "inventory --csv: no Windows 7 software column for the console"
fi
if jq -se 'map(select(.event_type == "device" and
    .device.ip == "10.30.0.31")) | length > 0 and
    all(.device.software == "Windows 7 or Server 2008 R2 (6.1 build 7601)")' \
    "$tmp/eve.json" >/dev/null; then
	ok "EVE device records carry the console's Windows version"
else
	notok "EVE device records lack the console's Windows version"
fi
# A user name identifies a person: in the smb record, never the device.
if jq -se 'any(.[]; .event_type == "smb" and .smb.ntlmssp.user == "ctuser")' \
    "$tmp/eve.json" >/dev/null &&
    ! grep -q ctuser "$tmp/inv.json" &&
    ! jq -c 'select(.event_type == "device")' "$tmp/eve.json" |
    grep -q ctuser; then
	ok "the logged-on user is in the smb record, not in the inventory"
else
	notok "the user name leaks into the inventory (or no smb record)"
fi
