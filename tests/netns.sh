# netns.sh - sourced by the live tests (sandbox.sh, reload.sh,
# daemon.sh, capture-health.sh): a network namespace of their own with
# veth pairs to replay onto and capture from.
#
#   netns_setup PREFIX [A:B ...]   make namespace PREFIX<pid> (in $ns)
#                                  and the pairs (default wwa:wwb), up,
#                                  IPv6 off (no router solicitations in
#                                  the captures); 1 when it cannot
#   nsx CMD ...                    run CMD in the namespace
#   netns_cleanup                  delete it (for the test's trap)
#
# A daemon started in the background must be started with
# "ip netns exec $ns ..." itself, not through nsx: $! would be the
# shell function's subshell, not the daemon.

ns=

netns_setup() {
	_prefix=$1
	shift
	[ $# -gt 0 ] || set -- wwa:wwb
	ns="$_prefix$$"
	if ! ip netns add "$ns" 2>/dev/null; then
		ns=
		return 1
	fi
	for _pair in "$@"; do
		_a=${_pair%%:*}
		_b=${_pair#*:}
		nsx ip link add "$_a" type veth peer name "$_b" || return 1
		for _dev in "$_a" "$_b"; do
			nsx sysctl -qw "net.ipv6.conf.$_dev.disable_ipv6=1"
			nsx ip link set "$_dev" up
		done
	done
	return 0
}

nsx() {
	ip netns exec "$ns" "$@"
}

netns_cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	ns=
}
