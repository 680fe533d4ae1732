#!/bin/sh
# deps.sh - install the Debian 12 packages Wardwatch needs to build and
# test, and only those that are missing.  Sourced by quickstart and
# check; run directly to install without building.  Sourced, so it
# sets no shell options of its caller.

# libhiredis-dev builds the Redis output, librelp-dev the RELP syslog
# transport; rsyslog, rsyslog-openssl, rsyslog-relp and redis-server are
# the collectors tests/siem.sh and tests/siem-relp.sh start on loopback.
ww_deps() {
	case $(dpkg --print-architecture 2>/dev/null) in
	amd64) hs=libhyperscan-dev ;;
	*) hs=libvectorscan-dev ;;	# Hyperscan is x86-only
	esac
	pkgs="build-essential autoconf automake pkg-config libpcap-dev
	    libndpi-dev $hs libpcre2-dev libyaml-dev libmaxminddb-dev libsqlite3-dev
	    libssl-dev libcmocka-dev jq tcpreplay iproute2 mandoc python3
	    python3-jsonschema python3-yaml ieee-data libhiredis-dev
	    librelp-dev rsyslog rsyslog-openssl rsyslog-relp redis-server
	    libseccomp-dev libsystemd-dev systemd debhelper lintian fakeroot
	    chromium"
	missing=
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "deps.sh: missing packages:$missing (run as root)" >&2
		return 1
	fi
	echo "deps.sh: installing$missing"
	$sudo apt-get update -qq || return 1
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null || return 1
}

case $0 in
*deps.sh) ww_deps || exit 1 ;;
esac
