#!/bin/sh
# deb.sh - build the Debian package from the working tree (committed or
# not) in a scratch copy, so the tree itself stays clean, then run
# lintian on it.  Usage: build-aux/deb.sh [OUTDIR]  (default: .)
# The .deb and its .buildinfo/.changes land in OUTDIR.
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null 2>&1 || {
		echo "deb.sh: $t is missing (build-aux/deps.sh installs it)" >&2
		exit 1
	}
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/wardwatch"
# The files git knows, as they are now (no build products).
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$work/wardwatch"
(cd "$work/wardwatch" &&
    DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2}" \
    dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
	tail -40 "$work/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed" >&2
	exit 1
}
cp "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
deb=$(ls "$work"/*.deb | grep -v dbgsym | head -1)
echo "deb.sh: $out/$(basename "$deb")"
# Lintian: errors and warnings fail; each override is explained in
# debian/wardwatch.lintian-overrides.
lintian --fail-on error,warning "$deb"
