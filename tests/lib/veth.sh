# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/lib/veth.sh - the outer half shared by the consumer suites
# (tests/xsk/test_run.sh, tests/faults/test_faults.sh); sourced after
# tests/lib/harness.sh, whose namespaces, trap, skip and summary it uses.
#
# Two network namespaces of the suite's own, A and B, joined by a fresh veth
# pair for every scenario: a0 ($IP_A/24) in A, b0 ($IP_B/24) in B, static
# neighbours both ways.  Each scenario runs in one `ip netns exec B` process
# (the suite's script again, with --inner SCENARIO) so that the bpffs holding
# xdp-fwd's pins outlives the commands of a scenario.  A trap kills every
# process left in the two namespaces and deletes them on every way out.
#
# The caller sets SELF (its script), XF, PY, IP_A, IP_B, SCENARIOS, and:
#   VH_SUITE    the suite's name, for the messages and the last line
#   VH_TAG      two letters for the namespace and scratch names
#   VH_ONLY     the scenarios to run (its *_ONLY variable), default SCENARIOS
#   VH_TIMEOUT  seconds a scenario may take
#   VH_TOOLS    commands the suite needs (a missing one is a skip)
#   VH_KEEP     non-empty: keep the scratch directory
#   vh_queues SCENARIO   (a function) prints the queue count of its pair
# and gets NSA, NSB, WORK, RESULTS, MAC_A and MAC_B, exported.

# Also for the scenarios (inner half), on b0:
#   stat_get EXPR   EXPR over d = `xdp-fwd stats b0 --json`
#   xsk_pkts, nosock_pkts   the xsk action's and the xsk-no-socket event's packets
#   wait_xsk N      until the program has counted N frames to the xsk action (10 s)
#   wait_nosock N   until it has counted N xsk-no-socket events (10 s)
#   wait_count GETTER N   either of those for any counter GETTER prints

# Traps and callbacks look unreachable to shellcheck.
# shellcheck disable=SC2317

stat_get() {
	"$XF" stats b0 --json 2>/dev/null | jget - "$1"
}
xsk_pkts() { stat_get 'd["actions"]["xsk"]["packets"]'; }
nosock_pkts() { stat_get 'd["events"]["xsk-no-socket"]["packets"]'; }

# counter_is GETTER N: the counter GETTER prints is N
counter_is() { [ "$("$1")" = "$2" ]; }

# wait_count GETTER N: until the counter GETTER prints is N (10 s)
wait_count() {
	wait_until 10 counter_is "$1" "$2" && return 0
	echo "#   $1 at $("$1"), want $2"
	return 1
}
wait_xsk() { wait_count xsk_pkts "$1"; }
wait_nosock() { wait_count nosock_pkts "$1"; }

# vh_inner_begin: the inner half's traps (the suite's inner_cleanup on every
# way out) and the bpffs its pins live in
vh_inner_begin() {
	trap inner_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	mount -t bpf bpf /sys/fs/bpf || {
		check "mount bpffs in $NSB" false
		exit 1
	}
}

# vh_kill_ns_procs: whatever a scenario left running in our namespaces
vh_kill_ns_procs() {
	local p
	for p in $(ip netns pids "$NSA") $(ip netns pids "$NSB"); do
		kill -KILL "$p" 2>/dev/null
	done
}

# vh_mklink NQ: a fresh veth pair with NQ queues each way
vh_mklink() {
	local q=""
	[ "$1" -gt 1 ] && q="numrxqueues $1 numtxqueues $1"
	ip -n "$NSA" link del a0 2>/dev/null
	ip -n "$NSB" link del b0 2>/dev/null
	# shellcheck disable=SC2086
	ip link add a0 netns "$NSA" $q type veth peer name b0 netns "$NSB" $q || return 1
	ip -n "$NSA" addr add "$IP_A/24" dev a0 &&
		ip -n "$NSB" addr add "$IP_B/24" dev b0 &&
		ip -n "$NSA" link set a0 up &&
		ip -n "$NSB" link set b0 up || return 1
	MAC_A=$(ip -n "$NSA" -j link show a0 | jget - 'd[0]["address"]')
	MAC_B=$(ip -n "$NSB" -j link show b0 | jget - 'd[0]["address"]')
	ip -n "$NSA" neigh replace "$IP_B" lladdr "$MAC_B" dev a0 nud permanent &&
		ip -n "$NSB" neigh replace "$IP_A" lladdr "$MAC_A" dev b0 nud permanent
}

vh_outer() {
	local tool scen rc t0 ns

	# shellcheck disable=SC2034 # for the harness's skip, summary and cleanup
	SUITE=$VH_SUITE
	# shellcheck disable=SC2034
	KEEP_WORK=${VH_KEEP:-}
	[ "$(id -u)" = 0 ] || skip "needs root"
	for tool in $VH_TOOLS "$PY"; do
		command -v "$tool" >/dev/null || skip "$tool not found"
	done
	t0=$(now)
	NSA=xft-${VH_TAG}a-$$
	NSB=xft-${VH_TAG}b-$$
	work_new "$VH_SUITE"
	harness_traps
	export NSA NSB WORK RESULTS XF

	if [ ! -x "$XF" ]; then
		check "$XF is built" false
	elif ! ns_add "$NSA" || ! ns_add "$NSB"; then
		skip "cannot create network namespaces"
	else
		for ns in "$NSA" "$NSB"; do
			ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
				net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
			ip -n "$ns" link set lo up
		done
		for scen in ${VH_ONLY:-$SCENARIOS}; do
			echo "# scenario: $scen"
			if ! vh_mklink "$(vh_queues "$scen")"; then
				check "$scen: veth pair created" false
				continue
			fi
			export MAC_A MAC_B
			rc=0
			timeout -k 5 "$VH_TIMEOUT" ip netns exec "$NSB" bash "$SELF" --inner "$scen" &
			INNER=$!
			wait "$INNER" || rc=$?
			INNER=
			[ $rc = 0 ] || check_eq "$scen: scenario ran to its end" "$rc" 0
			vh_kill_ns_procs
			cores_check "$scen"
		done
	fi
	note "took $(awk "BEGIN { printf \"%.1f\", $(now) - $t0 }") s"
	summary || exit 1
	exit 0
}
