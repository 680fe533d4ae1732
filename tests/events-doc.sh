#!/bin/sh
# events-doc.sh - every anomaly in src/util/events.def is documented in
# wardwatch-events(7), the page names no anomaly that does not exist,
# its event_type list names every record type wardwatch writes: each
# one in the regression outputs and each one outputs.eve.types accepts
# (wardwatch.yaml(5)), and no entry merely restates its name (such as
# "IPV4 header: trunc pkt." for decode.ipv4.trunc_pkt) (TAP).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
def="$top_srcdir/src/util/events.def"
man="$top_srcdir/man/wardwatch-events.7"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk -F'"' '/^WW_EV\(/ && $0 !~ /,[ \t]*CTR\)/ { print $2 }' "$def" |
    sort >"$tmp/def"
sed -n '/^\.Sh ANOMALIES/,/^\.Sh /s/^\.It Li //p' "$man" | sort >"$tmp/man"
echo "1..4"
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
	echo "ok 3 - all $(wc -l <"$tmp/written") record types listed"
else
	echo "not ok 3 - record types missing from event_type: $unlisted"
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
	echo "ok 4 - no anomaly entry restates its name"
else
	echo "not ok 4 - entries that restate their name: $(cat "$tmp/restated")"
fi
