#!/bin/sh
# deb-install.sh - the Debian package on this machine (issue 14 item
# 6): dpkg -i installs the sensor, man pages, unit, logrotate and
# configuration, makes the wardwatch system user and its state and log
# directories and enables the unit (deb-systemd-helper); the installed
# unit passes systemd-analyze; the installed sensor started as root
# runs sandboxed as wardwatch; purge takes it all away.  Run by
# "make deb-check" (not by make check: it builds the package and
# changes the machine).  Needs root.  TAP.
#
# Usage: DEB=path/to/wardwatch_*.deb tests/deb-install.sh

: "${DEB:?set DEB to the .deb to install}"
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
command -v dpkg >/dev/null 2>&1 || skip "no dpkg"
echo "1..10"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() { i=$((i + 1)); echo "not ok $i - $*"; }
tmp=$(mktemp -d) || exit 1
ns=
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

dpkg -P wardwatch >/dev/null 2>&1
if dpkg -i "$DEB" >"$tmp/install" 2>&1; then
	ok "dpkg -i $(basename "$DEB")"
else
	nok "dpkg -i failed"
	sed 's/^/# /' "$tmp/install" | tail -10
fi
if /usr/sbin/wardwatch -V >/dev/null &&
    [ -f /usr/share/man/man8/wardwatch.8.gz ] &&
    [ -f /etc/wardwatch/wardwatch.yaml ] && [ -f /etc/logrotate.d/wardwatch ] &&
    [ -f /lib/systemd/system/wardwatch.service ]; then
	ok "binary, man pages, configuration, logrotate and unit installed"
else
	nok "installed files missing"
fi
uid=$(id -u wardwatch 2>/dev/null)
shell=$(getent passwd wardwatch | cut -d: -f7)
if [ -n "$uid" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ]
then
	ok "system user wardwatch (uid $uid, no login)"
else
	nok "user wardwatch: uid '$uid', shell '$shell'"
fi
dirs_ok=1
for d in /var/lib/wardwatch /var/log/wardwatch; do
	[ "$(stat -c '%U:%G %a' "$d" 2>/dev/null)" = "wardwatch:wardwatch 750" ] ||
	    dirs_ok=0
done
[ $dirs_ok -eq 1 ] && ok "state and log directories: wardwatch, 0750" ||
    nok "directories: $(stat -c '%n %U:%G %a' /var/lib/wardwatch /var/log/wardwatch 2>&1 | tr '\n' ' ')"
if [ -L /etc/systemd/system/multi-user.target.wants/wardwatch.service ]; then
	ok "the unit is enabled (deb-systemd-helper)"
else
	nok "the unit is not enabled"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# With man(1), verify also finds the unit's Documentation= pages.
	man=--man=no
	command -v man >/dev/null 2>&1 && man=--man=yes
	if systemd-analyze verify $man /lib/systemd/system/wardwatch.service \
	    >"$tmp/verify" 2>&1; then
		ok "systemd-analyze verify of the installed unit"
	else
		nok "systemd-analyze verify"
		sed 's/^/# /' "$tmp/verify"
	fi
	score=$(systemd-analyze security --offline=true \
	    /lib/systemd/system/wardwatch.service 2>/dev/null |
	    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] &&
	    awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
		ok "systemd-analyze security: $score"
	else
		nok "systemd-analyze security: '$score'"
	fi
else
	ok "# SKIP systemd-analyze not installed"
	ok "# SKIP systemd-analyze not installed"
fi

# The installed sensor, started as root, becomes wardwatch.
ns="wwdeb$$"
if command -v ip >/dev/null 2>&1 && ip netns add "$ns" 2>/dev/null; then
	ip netns exec "$ns" ip link add wwa type veth peer name wwb
	ip netns exec "$ns" ip link set wwb up
	ip netns exec "$ns" /usr/sbin/wardwatch -i wwb -l /var/log/wardwatch \
	    --state /var/lib/wardwatch/test.db --sandbox-test >"$tmp/sb" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q "does not exist" "$tmp/sb" &&
	    grep -q "sandbox: ok: not root" "$tmp/sb"; then
		ok "the installed sensor runs as wardwatch, sandbox checks pass"
	else
		nok "installed sensor --sandbox-test: exit $rc"
		sed 's/^/# /' "$tmp/sb" | head -12
	fi
	rm -f /var/lib/wardwatch/test.db* /var/log/wardwatch/eve.json
else
	ok "# SKIP no network namespace"
fi

dpkg -r wardwatch >/dev/null 2>&1
if [ ! -e /usr/sbin/wardwatch ] && [ -f /etc/wardwatch/wardwatch.yaml ]; then
	ok "dpkg -r: the binary goes, the configuration stays"
else
	nok "dpkg -r"
fi
dpkg -P wardwatch >/dev/null 2>&1
if [ ! -e /etc/wardwatch/wardwatch.yaml ] && [ ! -e /var/lib/wardwatch ] &&
    [ ! -e /etc/systemd/system/multi-user.target.wants/wardwatch.service ]
then
	ok "dpkg -P: configuration, state, logs and the unit's link gone"
else
	nok "dpkg -P left files behind"
fi
