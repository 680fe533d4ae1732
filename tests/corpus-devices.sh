#!/bin/sh
# corpus-devices.sh - the device inventory of the real captures in
# ../shared/corpus/iot-devices against the IEEE registry and the DHCP
# ground truth shipped with them (TAP; skipped when the corpus is
# absent).
#
# For every capture: the run exits 0 and its records are JSON; every
# device's oui.vendor and vendor agree with the registry (longest
# prefix) and the vendors: sections of profiles/fingerprints; and, for
# captures whose truth shows DHCP, every client the truth names with a
# host name (option 12) or a vendor class (option 60) is a device with
# that evidence.  The rules are in tests/corpus-devices.py.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
CORPUS="${WW_CORPUS:-$top_srcdir/../shared/corpus}"
REGISTRY=/usr/share/ieee-data		# the sensor's devices.oui-dir default

if [ ! -d "$CORPUS/iot-devices" ]; then
	echo "1..0 # SKIP no corpus at $CORPUS"
	exit 0
fi
if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "1..0 # SKIP python3-yaml not installed"
	exit 0
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
exec /usr/bin/python3 "$top_srcdir/tests/corpus-devices.py" "$WW" \
    "$CORPUS" "$top_srcdir/profiles/fingerprints" "$REGISTRY"
