#!/bin/sh
# docrefs.sh - comments stand on their own: no source, test, man page,
# profile or generator file cites a design note the repository does not
# carry (RELIABILITY, LANDSCAPE, DESIGN, STYLE), so a reader of the tree
# or of a release tarball never meets a reference they cannot follow.
# The optional test corpus in ../shared/corpus is data, not a citation.
# README.md, the first page a newcomer reads, points at nothing outside
# the repository either (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
cd "$top_srcdir" || exit 1
echo "1..2"
hits=$(grep -rnIE \
    '(^|[^A-Za-z0-9_])(RELIABILITY|LANDSCAPE|DESIGN|STYLE)([^A-Za-z0-9_]|$)' \
    src tests man profiles pcaps/gen 2>/dev/null |
    grep -v '^tests/docrefs\.sh:')
if [ -z "$hits" ]; then
	echo "ok 1 - no citation of a document outside the repository"
else
	echo "not ok 1 - citations of documents outside the repository"
	printf '%s\n' "$hits" | cut -c1-200 | sed 's/^/# /'
fi
hits=$(grep -nE '\.\./shared|(^|[^A-Za-z0-9_])(RELIABILITY|LANDSCAPE|DESIGN|STYLE)\.md' \
    README.md)
if [ -z "$hits" ]; then
	echo "ok 2 - README.md points at nothing outside the repository"
else
	echo "not ok 2 - README.md points outside the repository"
	printf '%s\n' "$hits" | cut -c1-200 | sed 's/^/# /'
fi
