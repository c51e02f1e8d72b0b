#!/usr/bin/env bash
# scripts/testbed.sh - the veth testbed: two network namespaces joined by a
# veth pair, the NIC's stand-in.
#
#   GEN namespace  a0  192.0.2.1/24 2001:db8::1/64  --veth--  b0  192.0.2.2/24 2001:db8::2/64  DUT namespace
#
# Use it as a library (source it, then tb_up / tb_gen CMD / tb_dut CMD / tb_down;
# tb_exec NS CMD & for a background command whose pid is $!)
# or as a command:  scripts/testbed.sh up [QUEUES] | down | gen CMD... | dut CMD...
# The namespace names come from TB_NAME (default xft-tb); addresses are
# documentation ranges only, and neighbours are static, so nothing ever
# leaves the two namespaces.
#
# `ip netns exec` remounts /sys, so a bpffs mounted inside one call is gone
# for the next.  The testbed mounts one bpffs in the root namespace under
# /run/xdp-fwd-testbed/NAME and binds it over /sys/fs/bpf in every DUT
# command, so xdp-fwd's pins survive from one command to the next.

TB_NAME=${TB_NAME:-xft-tb}
TB_GEN=$TB_NAME-gen
TB_DUT=$TB_NAME-dut
TB_RUN=/run/xdp-fwd-testbed/$TB_NAME
TB_A_IP=192.0.2.1 TB_B_IP=192.0.2.2
TB_A_IP6=2001:db8::1 TB_B_IP6=2001:db8::2

TB_BIND='mount --bind "$0" /sys/fs/bpf && exec "$@"'
tb_in() {	# NS CMD...: run CMD in NS with the testbed's bpffs at /sys/fs/bpf
	local ns=$1; shift
	ip netns exec "$ns" sh -c "$TB_BIND" "$TB_RUN/bpf" "$@"
}
# tb_exec NS CMD...: as tb_in, but CMD replaces the calling shell, so that
# after `tb_exec NS CMD &` the pid in $! is CMD's own, to signal and wait for.
tb_exec() {
	local ns=$1; shift
	exec ip netns exec "$ns" sh -c "$TB_BIND" "$TB_RUN/bpf" "$@"
}
tb_gen() { tb_in "$TB_GEN" "$@"; }
tb_dut() { tb_in "$TB_DUT" "$@"; }
tb_mac() { cat "/sys/class/net/$1/address" 2>/dev/null; }

# tb_up [QUEUES]: create everything; fails (and cleans up) if any step fails.
tb_up() {
	local q=${1:-1}
	tb_down 2>/dev/null
	mkdir -p "$TB_RUN/bpf" &&
	mount -t bpf bpf "$TB_RUN/bpf" &&
	ip netns add "$TB_GEN" && ip netns add "$TB_DUT" &&
	ip -n "$TB_GEN" link add a0 numtxqueues "$q" numrxqueues "$q" type veth \
		peer name b0 numtxqueues "$q" numrxqueues "$q" netns "$TB_DUT" &&
	ip -n "$TB_GEN" link set lo up && ip -n "$TB_DUT" link set lo up &&
	ip -n "$TB_GEN" addr add $TB_A_IP/24 dev a0 &&
	ip -n "$TB_DUT" addr add $TB_B_IP/24 dev b0 &&
	ip -n "$TB_GEN" addr add $TB_A_IP6/64 dev a0 nodad &&
	ip -n "$TB_DUT" addr add $TB_B_IP6/64 dev b0 nodad &&
	ip -n "$TB_GEN" link set a0 up && ip -n "$TB_DUT" link set b0 up &&
	TB_A_MAC=$(tb_gen cat /sys/class/net/a0/address) &&
	TB_B_MAC=$(tb_dut cat /sys/class/net/b0/address) &&
	ip -n "$TB_GEN" neigh replace $TB_B_IP lladdr "$TB_B_MAC" dev a0 nud permanent &&
	ip -n "$TB_GEN" neigh replace $TB_B_IP6 lladdr "$TB_B_MAC" dev a0 nud permanent &&
	ip -n "$TB_DUT" neigh replace $TB_A_IP lladdr "$TB_A_MAC" dev b0 nud permanent &&
	ip -n "$TB_DUT" neigh replace $TB_A_IP6 lladdr "$TB_A_MAC" dev b0 nud permanent ||
	{ echo "testbed: setup failed" >&2; tb_down; return 1; }
	export TB_A_MAC TB_B_MAC
}

# tb_down: remove everything tb_up made; safe to call twice or after a failure.
tb_down() {
	ip netns del "$TB_GEN" 2>/dev/null || true
	ip netns del "$TB_DUT" 2>/dev/null || true	# also detaches programs on b0
	if mountpoint -q "$TB_RUN/bpf" 2>/dev/null; then
		umount "$TB_RUN/bpf" || true
	fi
	rm -rf "$TB_RUN"
	rmdir /run/xdp-fwd-testbed 2>/dev/null || true
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	cmd=${1:-}
	shift || true
	case "$cmd" in
	up) tb_up "${1:-1}" && echo "testbed $TB_NAME up: $TB_GEN/a0 <-> $TB_DUT/b0" ;;
	down) tb_down ;;
	gen) tb_gen "$@" ;;
	dut) tb_dut "$@" ;;
	*) echo "usage: $0 up [QUEUES] | down | gen CMD... | dut CMD..." >&2; exit 2 ;;
	esac
fi
