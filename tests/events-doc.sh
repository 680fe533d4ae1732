#!/bin/sh
# events-doc.sh - every anomaly in src/util/events.def is documented in
# wardwatch-events(7), and the page names no anomaly that does not
# exist; every protocol in src/app/protocols.def has its record type
# in wardwatch-events(7) and its name in outputs.eve.types and
# app-layer.parsers of wardwatch.yaml(5) (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
def="$top_srcdir/src/util/events.def"
protos="$top_srcdir/src/app/protocols.def"
man="$top_srcdir/man/wardwatch-events.7"
yaml="$top_srcdir/man/wardwatch.yaml.5"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk -F'"' '/^WW_EV\(/ && $0 !~ /,[ \t]*CTR\)/ { print $2 }' "$def" |
    sort >"$tmp/def"
sed -n '/^\.Sh ANOMALIES/,/^\.Sh /s/^\.It Li //p' "$man" | sort >"$tmp/man"
awk -F'"' '/^APP_PROTO\(/ { print $2 }' "$protos" >"$tmp/protos"
echo "1..5"
missing=$(comm -23 "$tmp/def" "$tmp/man" | tr '\n' ' ')
extra=$(comm -13 "$tmp/def" "$tmp/man" | tr '\n' ' ')
if [ -z "$missing" ] && [ -s "$tmp/def" ]; then
	echo "ok 1 - all $(wc -l <"$tmp/def") anomalies documented"
else
	echo "not ok 1 - undocumented anomalies: $missing"
fi
if [ -z "$extra" ]; then
	echo "ok 2 - no documented anomaly is unknown"
else
	echo "not ok 2 - documented but not in events.def: $extra"
fi

# A protocol's record: named in a subsection title and described by an
# ".It Li name" (or ".It Li name , other") entry before ANOMALIES.
sed -n 's/^\.Ss //p' "$man" | tr ',' '\n' | tr -d ' ' >"$tmp/titles"
sed -n '1,/^\.Sh ANOMALIES/s/^\.It Li //p' "$man" | tr ',' '\n' |
    awk '{ print $1 }' >"$tmp/items"
# The ".Cm name" lines of one key's paragraph in wardwatch.yaml(5).
para() {
	sed -n "/^\\.It Cm $1 /,/^\\.It Cm \\|^\\.El/p" "$yaml" |
	    sed -n 's/^\.Cm \([a-z0-9]*\).*/\1/p'
}
para 'outputs\.eve\.types' >"$tmp/types"
para 'app-layer\.parsers' >"$tmp/parsers"
n=3
for what in records types parsers; do
	missing=
	while read -r p; do
		case $what in
		records)
			grep -qx "$p" "$tmp/titles" &&
			    grep -qx "$p" "$tmp/items" ;;
		*)	grep -qx "$p" "$tmp/$what" ;;
		esac || missing="$missing $p"
	done <"$tmp/protos"
	case $what in
	records) where="wardwatch-events(7) records" ;;
	types)	where="wardwatch.yaml(5) outputs.eve.types" ;;
	parsers) where="wardwatch.yaml(5) app-layer.parsers" ;;
	esac
	if [ ! -s "$tmp/protos" ]; then
		echo "not ok $n - no protocol found in protocols.def"
	elif [ -z "$missing" ]; then
		echo "ok $n - all $(wc -l <"$tmp/protos") protocols in $where"
	else
		echo "not ok $n - protocols missing from $where:$missing"
	fi
	n=$((n + 1))
done
