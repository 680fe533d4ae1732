#!/bin/sh
# deb-systemd.sh - the Debian package's unit under a real systemd as
# PID 1 (TAP): systemd boots in namespaces of its own (PID, mount,
# network) on an overlay of this machine's root, so that nothing it
# or the package writes reaches the machine: the overlay's upper layer
# is a scratch directory, removed at the end, and /tmp and /run are its
# own.  The .deb is installed inside with dpkg -i, the unit pointed at
# one end of a veth pair, and started with systemctl: Type=notify
# (start returns once the sensor said READY, with its status line),
# the watchdog pings, the hardening the unit asks for (the sensor runs
# as wardwatch without capabilities, no_new_privs, seccomp), traffic
# replayed onto the other end lands in the eve log, reload keeps the
# same process, a kill -9 is restarted, stop ends it with success and
# the state is saved.
# Run by "make deb-check" after deb-install.sh.  Needs root; skipped
# where namespaces, overlayfs or systemd are missing.
#
# Usage: DEB=path/to/wardwatch_*.deb PCAP=capture tests/deb-systemd.sh

: "${DEB:?set DEB to the .deb to install}"
: "${PCAP:?set PCAP to a capture to replay}"
N=10
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
SYSTEMD=/lib/systemd/systemd
for t in unshare nsenter ip tcpreplay; do
	command -v $t >/dev/null 2>&1 || skip "$t missing"
done
[ -x "$SYSTEMD" ] || skip "no systemd"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip "no overlayfs"

before=$(ls -l /usr/sbin/wardwatch /var/log/wardwatch/eve.json 2>&1)
base=$(mktemp -d /var/tmp/wwsd.XXXXXX) || exit 1
ns="wwsd$$"
sdpid=
cleanup() {
	[ -n "$sdpid" ] && kill -9 "$sdpid" 2>/dev/null
	sleep 0.3
	ip netns del "$ns" 2>/dev/null
	# The overlay went with the mount namespace.
	rm -rf "$base"
}
trap cleanup EXIT
mkdir -p "$base/layer" "$base/root"
cp "$DEB" "$base/wardwatch.deb"
cp "$PCAP" "$base/replay.pcap"

ip netns add "$ns" 2>/dev/null || skip "no network namespaces"
ip netns exec "$ns" ip link add wwa type veth peer name wwb || exit 1
for d in lo wwa wwb; do
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1" \
	    2>/dev/null
	ip netns exec "$ns" ip link set "$d" up
done

# Inside new mount and PID namespaces (and the network namespace):
# the overlay root, its own /tmp and /run, the API file systems, the
# package installed, then systemd as PID 1 on that root.
cat >"$base/boot.sh" <<'EOF'
set -e
b=$1
mount --make-rprivate /
# The upper layer on a file system of its own: overlayfs refuses one
# inside its lower layer.
mount -t tmpfs -o size=1g,mode=700 tmpfs "$b/layer"
mkdir "$b/layer/upper" "$b/layer/work"
mount -t overlay overlay \
    -o "lowerdir=/,upperdir=$b/layer/upper,workdir=$b/layer/work" "$b/root"
r=$b/root
mount -t proc proc "$r/proc"
mount --rbind /sys "$r/sys"
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
mount -t tmpfs -o mode=755 tmpfs "$r/run"
mkdir -p "$r/run/lock"
# /var/tmp holds this very directory: the overlay shows it, empty it.
mount -t tmpfs -o mode=1777 tmpfs "$r/var/tmp"
cp "$b/wardwatch.deb" "$b/replay.pcap" "$r/root/"
chroot "$r" sh -c 'dpkg -P wardwatch >/dev/null 2>&1; dpkg -i /root/wardwatch.deb' \
    >"$b/dpkg.log" 2>&1
printf 'WARDWATCH_IFACE=wwb\n' >"$r/etc/default/wardwatch"
# /sys and /dev are the machine's: units that would write to them, or
# to the kernel's settings, stay off.  "container" tells systemd it is
# in one (it then skips udev and the like itself).
for u in systemd-udevd.service systemd-udevd-control.socket \
    systemd-udevd-kernel.socket systemd-udev-trigger.service \
    systemd-udev-settle.service systemd-tmpfiles-setup-dev.service \
    kmod-static-nodes.service systemd-sysctl.service \
    systemd-modules-load.service systemd-remount-fs.service \
    systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    systemd-hwdb-update.service systemd-firstboot.service \
    systemd-machine-id-commit.service systemd-timesyncd.service; do
	ln -sf /dev/null "$r/etc/systemd/system/$u"
done
cd "$r"
exec env container=wardwatch-test chroot "$r" /lib/systemd/systemd \
    --system --unit=basic.target </dev/null >"$b/systemd.log" 2>&1
EOF
ip netns exec "$ns" unshare --mount --pid --fork \
    sh "$base/boot.sh" "$base" >"$base/unshare.log" 2>&1 &
upid=$!
# systemd's PID here: the child of unshare running systemd.
n=0
while [ $n -lt 100 ]; do
	sdpid=$(pgrep -f -P "$upid" "systemd --system" 2>/dev/null | head -1)
	[ -z "$sdpid" ] && for c in $(pgrep -P "$upid"); do
		case "$(cat /proc/$c/comm 2>/dev/null)" in
		systemd) sdpid=$c ;;
		esac
	done
	[ -n "$sdpid" ] && break
	kill -0 "$upid" 2>/dev/null || break
	sleep 0.1
	n=$((n + 1))
done
if [ -z "$sdpid" ]; then
	echo "1..0 # SKIP systemd did not start in namespaces: $(tail -3 "$base/unshare.log" "$base/dpkg.log" 2>/dev/null | tr '\n' ' ')"
	exit 0
fi
inside() { nsenter -t "$sdpid" -m -p -n -r -w "$@"; }
n=0
while [ $n -lt 300 ]; do
	st=$(inside systemctl is-system-running 2>/dev/null)
	case "$st" in
	running|degraded) break ;;
	esac
	sleep 0.1
	n=$((n + 1))
done
if ! inside systemctl --version >/dev/null 2>&1 ||
    ! inside test -x /usr/sbin/wardwatch; then
	echo "1..0 # SKIP systemd in namespaces not reachable (state '$st'): $(tail -3 "$base/dpkg.log" | tr '\n' ' ')"
	exit 0
fi
echo "1..$N"
i=0
ok() { i=$((i + 1)); echo "ok $i - $*"; }
nok() {
	i=$((i + 1)); echo "not ok $i - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | head -15 | cut -c1-240 | sed 's/^/# /'
}
show() { inside systemctl show wardwatch -p "$1" --value 2>/dev/null; }
journal() { inside journalctl -u wardwatch --no-pager -o cat 2>/dev/null | tail -12; }

# Type=notify: start returns once READY=1 came, with the status line.
if inside timeout 60 systemctl start wardwatch >"$base/start" 2>&1 &&
    [ "$(show ActiveState)/$(show SubState)" = active/running ]; then
	ok "systemctl start: active (running) under systemd $(inside systemctl --version | head -1 | cut -d' ' -f2) as PID 1"
else
	nok "systemctl start: $(show ActiveState)/$(show SubState)" \
	    "$(cat "$base/start"; journal)"
fi
pid=$(show MainPID)
status=$(show StatusText)
case "$status" in
*packets*) ok "sd_notify status line: $status" ;;
*) nok "status line: '$status'" "$(journal)" ;;
esac

# The sensor as the unit made it and as it confined itself.
st=$(inside cat "/proc/$pid/status" 2>/dev/null)
uid=$(inside id -u wardwatch)
if printf '%s\n' "$st" | grep -q "^Uid:[[:space:]]*$uid[[:space:]]" &&
    printf '%s\n' "$st" | grep -q '^CapEff:[[:space:]]*0*$' &&
    printf '%s\n' "$st" | grep -q '^NoNewPrivs:[[:space:]]*1' &&
    printf '%s\n' "$st" | grep -q '^Seccomp:[[:space:]]*2'; then
	ok "runs as wardwatch (uid $uid), CapEff 0, NoNewPrivs 1, Seccomp 2"
else
	nok "confinement of PID $pid" \
	    "$(printf '%s\n' "$st" | grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):')"
fi

# Traffic on the interface reaches the eve log.
ip netns exec "$ns" tcpreplay -q -i wwa --pps 2000 "$base/replay.pcap" \
    >/dev/null 2>&1
sleep 1.5
inside systemctl kill -s USR1 wardwatch
sleep 0.5
# The decoder's packet count in the last stats record.
pk=$(inside sh -c 'grep "\"event_type\":\"stats\"" /var/log/wardwatch/eve.json' 2>/dev/null |
    tail -1 | sed -n 's/.*"decoder":{"pkts":\([0-9]*\).*/\1/p')
if [ "${pk:-0}" -gt 0 ]; then
	ok "replayed traffic read: SIGUSR1 (systemctl kill) wrote a stats record of $pk packets"
else
	nok "replayed traffic: stats record's packets '$pk'" "$(journal)"
fi

# The watchdog: systemd saw pings (WatchdogSec=30 in the unit).
wd=$(show WatchdogTimestampMonotonic)
if [ "$(show WatchdogUSec)" != 0 ] && [ "${wd:-0}" -gt 0 ]; then
	ok "watchdog pings received (WatchdogUSec $(show WatchdogUSec))"
else
	nok "watchdog: WatchdogUSec '$(show WatchdogUSec)', last ping '$wd'"
fi

# Reload: the same process, still running, the reload said.
inside systemctl reload wardwatch
sleep 1
if [ "$(show MainPID)" = "$pid" ] &&
    [ "$(show ActiveState)/$(show SubState)" = active/running ] &&
    journal | grep -qi reload; then
	ok "systemctl reload: the same process ($pid) goes on"
else
	nok "reload: PID $(show MainPID) (was $pid), $(show ActiveState)" \
	    "$(journal)"
fi

# A crash (kill -9): Restart=on-failure starts it again.
inside systemctl kill -s KILL wardwatch
n=0
while [ $n -lt 100 ]; do
	[ "$(show NRestarts)" = 1 ] && [ "$(show SubState)" = running ] && break
	sleep 0.1
	n=$((n + 1))
done
if [ "$(show NRestarts)" = 1 ] && [ "$(show SubState)" = running ] &&
    [ "$(show MainPID)" != "$pid" ]; then
	ok "killed with SIGKILL: systemd started it again (PID $(show MainPID)), running"
else
	nok "after SIGKILL: $(show NRestarts) restarts, $(show ActiveState)/$(show SubState)" "$(journal)"
fi

# The new process reads traffic too; stop must flush its flows.
ip netns exec "$ns" tcpreplay -q -i wwa --pps 2000 "$base/replay.pcap" \
    >/dev/null 2>&1
sleep 1

# Stop: exit 0, the state saved.
inside timeout 60 systemctl stop wardwatch
if [ "$(show Result)" = success ] && [ "$(show ExecMainStatus)" = 0 ] &&
    [ "$(show ActiveState)" = inactive ]; then
	ok "systemctl stop: exit 0, result success"
else
	nok "stop: result $(show Result), status $(show ExecMainStatus)" \
	    "$(journal)"
fi
fl=$(inside sh -c 'grep -c "\"event_type\":\"flow\"" /var/log/wardwatch/eve.json' 2>/dev/null)
if inside wardwatch inventory --state /var/lib/wardwatch/wardwatch.db \
    >"$base/inv" 2>&1 && grep -q '^[1-9][0-9]* devices' "$base/inv" &&
    [ "${fl:-0}" -gt 0 ]; then
	ok "flushed and saved at stop: $fl flow records, the state holds $(grep 'devices' "$base/inv" | head -1)"
else
	nok "after stop: $fl flow records; inventory:" "$(cat "$base/inv")"
fi

# Nothing of this reached the machine.
if [ "$(ls -l /usr/sbin/wardwatch /var/log/wardwatch/eve.json 2>&1)" = "$before" ] &&
    [ -z "$(ls -A "$base/layer")" ]; then
	ok "nothing written outside the overlay"
else
	nok "the machine's /usr/sbin/wardwatch or eve log changed, or the layer is visible"
fi
