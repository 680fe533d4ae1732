#!/bin/sh
# events-doc.sh - every anomaly in src/util/events.def is documented in
# wardwatch-events(7), the page names no anomaly that does not exist,
# its event_type list names every record type wardwatch writes (each
# one in the regression outputs and each one outputs.eve.types accepts),
# no entry merely restates its name (such as "IPV4 header: trunc pkt."
# for decode.ipv4.trunc_pkt); every protocol in src/app/protocols.def
# has its record type in wardwatch-events(7) and its name in
# outputs.eve.types and app-layer.parsers of wardwatch.yaml(5) (TAP).
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
echo "1..7"
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

# The names of a tag item, one ".Cm name" or ".Cm name ," line each, up
# to the next item.
item_names() {
	sed -n -E "/^\.It $1\$/,/^\.It /s/^\.Cm ([a-z0-9_]+)( [,.])?\$/\1/p" \
	    "$2"
}
item_names 'Li event_type' "$man" | sort -u >"$tmp/listed"
{
	cat "$top_srcdir"/tests/regress/expected/*.jsonl |
	    grep -o '"event_type":"[a-z0-9_]*"' | cut -d'"' -f4
	item_names 'Cm outputs\.eve\.types Ar list' \
	    "$top_srcdir/man/wardwatch.yaml.5"
} | sort -u >"$tmp/written"
unlisted=$(comm -23 "$tmp/written" "$tmp/listed" | tr '\n' ' ')
if [ -z "$unlisted" ] && [ -s "$tmp/written" ]; then
	echo "ok 6 - all $(wc -l <"$tmp/written") record types listed"
else
	echo "not ok 6 - record types missing from event_type: $unlisted"
fi

# An entry that contains its own name's last part with spaces for the
# underscores says nothing the name does not (names with one word, such
# as stream.memcap, are left alone: the word may be a setting's).
awk '
/^\.Sh ANOMALIES/ { in_a = 1; next }
/^\.Sh / { in_a = 0 }
!in_a { next }
/^\.It Li / {
	name = $3
	n = split(name, part, ".")
	words = part[n]
	multi = gsub(/_/, " ", words) > 0
	next
}
/^\.El/ { name = "" }
name != "" && multi && index(tolower($0), words) > 0 { print name }
' "$man" | sort -u | tr '\n' ' ' >"$tmp/restated"
if [ ! -s "$tmp/restated" ]; then
	echo "ok 7 - no anomaly entry restates its name"
else
	echo "not ok 7 - entries that restate their name: $(cat "$tmp/restated")"
fi
