#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/faults/test_faults.sh - `xdp-fwd run` survives its NIC: faults under
# the consumer (link down, channel changes, the program unloaded or
# replaced, the interface deleted) and its re-binds, on a veth pair (copy
# mode).
#
# Two network namespaces of our own, xft-fa-PID and xft-fb-PID, joined by a
# veth pair: a0 (192.0.2.1/24) in A, b0 (192.0.2.2/24) in B, static
# neighbours both ways, two queues each way.  xdp-fwd runs on b0; traffic
# goes only from A to B.  The pair is made afresh for every scenario.  A
# trap kills every process left in the namespaces and deletes them, on
# every way out.  The peerdel scenario moves a0 into a third namespace,
# xft-fc-PID, which it creates and deletes itself (deleting it deletes the
# pair); it exists only in that scenario's mount namespace, and its trap
# deletes it too.
#
# Each scenario runs in ONE `ip netns exec B` process (this script again,
# with --inner SCENARIO), as in tests/xsk/test_run.sh: the bpffs holding the
# pins must outlive the commands of a scenario.  Datagrams are numbered
# (tests/xsk/udp_send.py) and counted exactly after each fault.  After each
# fault the checks are: the consumer receives again, every steered frame is
# in the consumer's rx_packets, its sockets' drops or the xsk-no-socket
# event counter, frames_accounted, the reconnect counts of the summary, and
# the consumer's fd count and UMEM mappings (/proc/PID) are what they were
# before the fault.  Every wait is on a condition with a deadline.
#
# Prints "ok - NAME" or "FAIL - NAME" per check, "# ..." notes, and last
# exactly "faults: N passed, M failed".  Exit 0 all passed, 1 some failed,
# 77 skipped (not root, or a needed tool missing).
#
#   XDP_FWD=path   the binary to test (default build/xdp-fwd)
#   FAULTS_ONLY="linkflap channels ..."   run only these scenarios
#   FAULTS_KEEP=1   keep the scratch directory for a look

# Functions run through check and traps look unreachable to shellcheck;
# only numbers are left unquoted.
# shellcheck disable=SC2317,SC2086

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
XSK=$ROOT/tests/xsk	# udp_send.py, udp_recv.py
XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
export RUN_IFACE=b0	# for harness.sh's run_bg
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"

IP_A=192.0.2.1
IP_B=192.0.2.2
PORT=9999	# steered to the consumer
FRAMES=1024	# UMEM frames per queue: the UMEM is FRAMES * 4096 bytes
UMEM=$((FRAMES * 4096))
SCENARIOS="linkflap channels reload replaced peerdel noreconnect"

###########################################################################
# inner half: one scenario, in namespace B, in a mount namespace of its own

BG=()
PEER=${NSA:-}	# the namespace holding a0 (peerdel moves it)

inner_cleanup() {
	bg_kill
	ip link set dev b0 xdp off 2>/dev/null
	[ -n "${NSC:-}" ] && ip netns del "$NSC" 2>/dev/null
	umount /sys/fs/bpf 2>/dev/null
}

# failed_rc RC: RC is a failure exit status, not 0 and not the timeout's 124
failed_rc() {
	[ "$1" != 0 ] && [ "$1" != 124 ]
}

# send_on CPU ARGS...: numbered datagrams from a0, pinned to CPU (XPS picks
# the queue), bounded in count and time; prints the number sent
send_on() {
	local cpu=$1
	shift
	timeout -k 2 30 ip netns exec "$PEER" taskset -c "$cpu" "$PY" "$XSK/udp_send.py" \
		--dst "$IP_B" --dport $PORT --timeout 20 "$@" | jget - 'd["sent"]'
}
send() { send_on 0 "$@"; }


setup_prog() {
	"$XF" load b0 >/dev/null &&
		"$XF" rule add b0 proto udp dport $PORT action xsk >/dev/null
}

# consumer EXPR: EXPR over c = status's consumer object ("None" when none)
consumer() {
	"$XF" status b0 --json 2>/dev/null | jget - "(lambda c: $1)(d['consumer'])"
}

# wait_state WANT: until consumer '(c["state"], c["reason"], len(c["queues"]),
# c["reconnects"])' prints WANT (15 s)
wait_state() {
	local _ got
	for _ in $(seq 150); do
		got=$(consumer '(c["state"], c["reason"], len(c["queues"]), c["reconnects"])')
		[ "$got" = "$1" ] && return 0
		alive "$RUN_PID" || break
		sleep 0.1
	done
	echo "#   consumer state $got, want $1; its stderr:"
	sed 's/^/#   /' "$RUN_ERR"
	return 1
}
running() { wait_state "('running', None, $1, $2)"; }

# waiting_unloaded REASON: until status (xdp-fwd not loaded) names the
# consumer waiting for REASON (15 s)
waiting_unloaded() {
	local _ out
	for _ in $(seq 150); do
		out=$("$XF" status b0 2>&1)	# exits 1: xdp-fwd is not loaded
		case $out in
		*"an 'xdp-fwd run' (pid $RUN_PID) waits there for it ($1)"*) return 0 ;;
		esac
		sleep 0.1
	done
	echo "#   $out"
	return 1
}
waiting() { wait_state "('waiting', '$1', 0, $2)"; }

# wait_rx N: until the consumer's published rx_packets (all queues) is N
wait_rx() {
	local _ got
	for _ in $(seq 100); do
		got=$("$XF" stats b0 --prometheus 2>/dev/null |
			awk '/^xdp_fwd_xsk_rx_packets_total/ { s += $2 } END { print s + 0 }')
		[ "$got" = "$1" ] && return 0
		sleep 0.1
	done
	echo "#   consumer rx_packets $got, want $1"
	return 1
}

# res PID: "fds N, vm K": open fds, and the bytes of all the mappings of
# /proc/PID/maps in KiB.  Mapping counts are no measure: the kernel merges
# adjacent UMEMs into one mapping or not, depending on where they land; a
# leaked UMEM adds its $((UMEM / 1024)) KiB to the sum.
#
# Each is the least of 5 looks 20 ms apart: the consumer's main thread holds
# a short-lived socket (link state, queue count, the attached program) or
# its state file open for microseconds several times a second, and a look
# that lands there sees one more; a leak is in every look.
res() {
	local n vm range _ i fds="" kib=""
	for i in 1 2 3 4 5; do
		n=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		vm=0
		while read -r range _; do
			vm=$((vm + 16#${range#*-} - 16#${range%-*}))
		done <"/proc/$1/maps"
		vm=$((vm / 1024))
		[ -z "$fds" ] || [ "$n" -lt "$fds" ] && fds=$n
		[ -z "$kib" ] || [ "$vm" -lt "$kib" ] && kib=$vm
		[ $i = 5 ] || sleep 0.02
	done
	echo "fds $fds, vm $kib"
}

# start NAME NQ ARGS...: the consumer on b0 with a small UMEM, ready with NQ sockets
start() {
	local name=$1 nq=$2
	shift 2
	run_bg "$name" --quiet --frames $FRAMES --ring-size 512 --duration 60 "$@"
	check "$name: run starts with $nq sockets" running $nq 0
}

# accounted NAME X0 E0 [RX0]: every steered frame since X0/E0 (the program's
# xsk action and xsk-no-socket counters then) is in the summary's rx_packets
# (minus RX0), its sockets' drops, or xsk-no-socket
accounted() {
	local x e got
	x=$(($(xsk_pkts) - $2))
	e=$(($(nosock_pkts) - $3))
	got=$(rj "d['rx_packets'] - ${4:-0} + sum(q['rx_dropped'] + q['rx_ring_full'] for q in d['queues'])")
	check_eq "$1: xsk action ($x) == consumer's ($got) + xsk-no-socket ($e)" "$((got + e))" "$x"
	check_eq "$1: frames_accounted on every queue" \
		"$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True
}

# faults_are NAME EXPECTED: the summary's non-zero fault counts and reconnects
faults_are() {
	check_eq "$1: faults and reconnects" \
		"$(rj '(sorted((k, v) for k, v in d["faults"].items() if v), d["reconnects"])')" "$2"
}

# 1. The link goes down and comes back mid-stream.
scen_linkflap() {
	local n=500 r0 r1 x0 e0

	check "linkflap: load and rule add" setup_prog || return
	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	start linkflap 2 || { run_stop; return; }
	check_eq "linkflap: flow 1 sent" "$(send --count $n --flow 1)" $n
	check "linkflap: the consumer got flow 1" wait_rx $n
	r0=$(res "$RUN_PID")
	ip link set dev b0 down
	check "linkflap: waiting, link-down, no socket" waiting link-down 0
	check "linkflap: the fault names b0 and the cause" \
		grep -q "b0: the link went down" "$RUN_ERR"
	ip link set dev b0 up
	check "linkflap: re-bound both queues" running 2 1
	r1=$(res "$RUN_PID")
	check_eq "linkflap: fds and mapped bytes after the re-bind as before" "$r1" "$r0"
	check_eq "linkflap: flow 2 sent" "$(send --count $n --flow 2)" $n
	check "linkflap: the consumer got flow 2" wait_rx $((2 * n))
	run_stop
	check_eq "linkflap: run exits 0" "$RUN_RC" 0
	check_eq "linkflap: rx_packets == $((2 * n)), exactly" "$(rj 'd["rx_packets"]')" $((2 * n))
	faults_are linkflap "([('link-down', 1)], 1)"
	check_eq "linkflap: each queue bound twice, no socket error, bound at the end" \
		"$(rj '[(q["binds"], q["socket_errors"], q["bound"]) for q in d["queues"]]')" \
		"[(2, 0, True), (2, 0, True)]"
	accounted linkflap "$x0" "$e0"
}

# 2. ethtool -L: the queue list is read again.  The kernel refuses to take
# away a queue that has a socket ("too low for existing zerocopy AF_XDP
# sockets", copy mode too), so shrinking happens while the link is down.
scen_channels() {
	local n=400 x0 e0 r0 r1

	ip netns exec "$PEER" sh -c 'echo 1 > /sys/class/net/a0/queues/tx-0/xps_cpus &&
		echo 2 > /sys/class/net/a0/queues/tx-1/xps_cpus' 2>/dev/null || note "no XPS on a0"
	check "channels: load and rule add" setup_prog || return
	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	start channels 2 || { run_stop; return; }
	check "channels: the kernel refuses to shrink below a bound queue" \
		bash -c "! ethtool -L b0 rx 1 tx 1 2>/dev/null"
	ip link set dev b0 down
	check "channels: waiting, link-down" waiting link-down 0
	check "channels: 2 -> 1 queues while no socket is bound" \
		bash -c "ip netns exec '$PEER' ethtool -L a0 rx 1 tx 1 && ethtool -L b0 rx 1 tx 1"
	ip link set dev b0 up
	check "channels: --queues all re-bound 1 queue" running 1 1
	check_eq "channels: flow 3 sent" "$(send --count $n --flow 3)" $n
	check "channels: the consumer got flow 3" wait_rx $n
	r0=$(res "$RUN_PID")
	check "channels: 1 -> 2 queues under the consumer" \
		bash -c "ethtool -L b0 rx 2 tx 2 && ip netns exec '$PEER' ethtool -L a0 rx 2 tx 2"
	ip netns exec "$PEER" sh -c 'echo 1 > /sys/class/net/a0/queues/tx-0/xps_cpus &&
		echo 2 > /sys/class/net/a0/queues/tx-1/xps_cpus' 2>/dev/null || note "no XPS on a0"
	check "channels: re-bound 2 queues (a new socket on queue 1)" running 2 2
	check "channels: the fault names b0 and the cause" \
		grep -q "b0: the channel count changed" "$RUN_ERR"
	r1=$(res "$RUN_PID")
	note "before: $r0; after: $r1 (one queue more)"
	# the new queue's socket: one fd; its UMEM and rings: the UMEM's size
	# and a little more for the rings' mappings
	check "channels: one fd and one UMEM (+$((UMEM / 1024)) KiB and its rings) more" \
		awk -v a="$r0" -v b="$r1" -v u=$((UMEM / 1024)) 'BEGIN { split(a, x, "[ ,]+");
			split(b, y, "[ ,]+"); d = y[4] - x[4]; exit !(y[2] == x[2] + 1 && d >= u && d < 2 * u) }'
	check_eq "channels: flow 4 sent on CPU 0" "$(send_on 0 --count $n --flow 4)" $n
	check "channels: the consumer got flow 4" wait_rx $((2 * n))
	# a0's tx-1 after its channel change does not always deliver to b0 on
	# this kernel (b0's RX counter does not move): queue 1 gets what arrives
	local x1
	x1=$(xsk_pkts)
	check_eq "channels: flow 5 sent on CPU 1" "$(send_on 1 --count $n --flow 5)" $n
	sleep 0.5
	x1=$(($(xsk_pkts) - x1))
	check "channels: the consumer got what of flow 5 reached b0 ($x1)" wait_rx $((2 * n + x1))
	run_stop
	check_eq "channels: run exits 0" "$RUN_RC" 0
	check_eq "channels: rx_packets == $((2 * n + x1))" "$(rj 'd["rx_packets"]')" $((2 * n + x1))
	note "per queue (queue, rx_packets, binds): $(rj '[(q["queue"], q["rx_packets"], q["binds"]) for q in d["queues"]]')"
	check_eq "channels: queue 0 got flows 3 and 4; binds" \
		"$(rj '[(q["queue"], q["rx_packets"] if q["queue"] == 0 else None, q["binds"]) for q in d["queues"]]')" \
		"[(0, $((2 * n)), 3), (1, None, 2)]"
	faults_are channels "([('channels-changed', 1), ('link-down', 1)], 2)"
	accounted channels "$x0" "$e0"

	# an explicit list: the queues of it that exist are bound, the others named
	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	start channels-list 2 --queues 0,1 || { run_stop; return; }
	ip link set dev b0 down
	check "channels (list): waiting, link-down" waiting link-down 0
	ip netns exec "$PEER" ethtool -L a0 rx 1 tx 1 && ethtool -L b0 rx 1 tx 1
	ip link set dev b0 up
	check "channels (list): queue 0 re-bound" running 1 1
	check "channels (list): says queue 1 is missing" \
		grep -q "b0: queues 1 of --queues do not exist (it has 1)" "$RUN_ERR"
	check_eq "channels (list): flow 6 sent" "$(send --count $n --flow 6)" $n
	check "channels (list): the consumer got flow 6" wait_rx $n
	ethtool -L b0 rx 2 tx 2 && ip netns exec "$PEER" ethtool -L a0 rx 2 tx 2
	check "channels (list): both queues bound again" running 2 2
	run_stop
	check_eq "channels (list): run exits 0, rx_packets == $n" \
		"$RUN_RC $(rj 'd["rx_packets"]')" "0 $n"
	check_eq "channels (list): queues in --queues order, binds" \
		"$(rj '[(q["queue"], q["binds"]) for q in d["queues"]]')" "[(0, 3), (1, 2)]"
	accounted "channels (list)" "$x0" "$e0"
}

# 3. The program is unloaded and loaded again under the consumer: the new
# program's XSKMAP is found through the pins.  Frames sent while no
# program is attached go to the kernel.
scen_reload() {
	local n=500 k=200 x0 e0 r0 r1 rx1

	check "reload: load and rule add" setup_prog || return
	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	start reload 2 || { run_stop; return; }
	check_eq "reload: flow 7 sent" "$(send --count $n --flow 7)" $n
	check "reload: the consumer got flow 7" wait_rx $n
	r0=$(res "$RUN_PID")
	check "reload: the consumer is shown running in status' text" \
		bash -c "'$XF' status b0 | grep -q 'consumer: xdp-fwd run, pid $RUN_PID, running: queue 0 copy, queue 1 copy; 0 reconnects'"
	# the old program's counters end with it: account for them now
	x0=$(($(xsk_pkts) - x0))
	e0=$(($(nosock_pkts) - e0))
	"$XF" unload b0 >/dev/null
	# no pins: status has no interface to report, and names the waiter
	check "reload: status says the consumer waits, program-detached" \
		waiting_unloaded program-detached
	check_eq "reload: flow 8 sent (no program: to the kernel)" "$(send --count $k --flow 8)" $k
	check "reload: load and rule add again" setup_prog
	check "reload: re-bound both queues on the new program" running 2 1
	r1=$(res "$RUN_PID")
	check_eq "reload: fds and mapped bytes after the re-bind as before" "$r1" "$r0"
	rx1=$n
	local x1 e1
	x1=$(xsk_pkts)
	e1=$(nosock_pkts)
	check_eq "reload: flow 9 sent" "$(send --count $n --flow 9)" $n
	check "reload: the consumer got flow 9" wait_rx $((2 * n))
	run_stop
	check_eq "reload: run exits 0" "$RUN_RC" 0
	check_eq "reload: rx_packets == $((2 * n)) (flows 7 and 9, not 8)" \
		"$(rj 'd["rx_packets"]')" $((2 * n))
	faults_are reload "([('program-detached', 1)], 1)"
	check_eq "reload: old program: all $n steered frames went to the consumer" "$x0,$e0" "$n,0"
	accounted reload "$x1" "$e1" $rx1
	check_eq "reload: the program stays attached after the run" \
		"$("$XF" status b0 --json | jget - 'd["state"]')" attached
}

# 4. Another program replaces xdp-fwd's: the consumer waits (and says so)
# while steered frames reach the kernel, then binds to xdp-fwd's new one.
scen_replaced() {
	local n=300 k=200

	check "replaced: load and rule add" setup_prog || return
	start replaced 2 || { run_stop; return; }
	check_eq "replaced: flow 10 sent" "$(send --count $n --flow 10)" $n
	check "replaced: the consumer got flow 10" wait_rx $n
	check "replaced: another loader attaches its program" \
		ip -force link set dev b0 xdp obj "$ROOT/build/xdp_fwd.bpf.o" sec xdp
	check "replaced: waiting, program-replaced" waiting program-replaced 0
	check "replaced: the fault says so" \
		grep -q "b0: another XDP program replaced xdp-fwd's" "$RUN_ERR"
	"$PY" "$XSK/udp_recv.py" --ready "$WORK/rk.ready" --port $PORT --bind $IP_B \
		--expect $k --timeout 20 >"$WORK/rk.json" &
	local lpid=$!
	BG+=("$lpid")
	wait_file "$WORK/rk.ready"
	check_eq "replaced: flow 11 sent" "$(send --count $k --flow 11)" $k
	wait_for "$lpid" 15
	check_eq "replaced: the kernel socket got all of flow 11 meanwhile" \
		"$(jget "$WORK/rk.json" '(d["received"], d["duplicates"])')" "($k, 0)"
	ip link set dev b0 xdp off
	check "replaced: xdp-fwd loaded again (--force over its stale pins)" \
		bash -c "'$XF' load b0 --force >/dev/null && '$XF' rule add b0 proto udp dport $PORT action xsk >/dev/null"
	check "replaced: re-bound on xdp-fwd's new program" running 2 1
	local x1 e1
	x1=$(xsk_pkts)
	e1=$(nosock_pkts)
	check_eq "replaced: flow 12 sent" "$(send --count $n --flow 12)" $n
	check "replaced: the consumer got flow 12" wait_rx $((2 * n))
	run_stop
	check_eq "replaced: run exits 0, rx_packets == $((2 * n))" \
		"$RUN_RC $(rj 'd["rx_packets"]')" "0 $((2 * n))"
	# waiting may first have been seen as detached: ip replaces atomically,
	# so it is exactly one replaced
	faults_are replaced "([('program-replaced', 1)], 1)"
	accounted replaced "$x1" "$e1" $n
}

# mkpair: b0 here, a0 in namespace $PEER, addressed, up, neighbours
mkpair() {
	ip link add b0 numrxqueues 2 numtxqueues 2 type veth peer name a0 netns "$PEER" \
		numrxqueues 2 numtxqueues 2 || return 1
	ip -n "$PEER" addr add $IP_A/24 dev a0 &&
		ip addr add $IP_B/24 dev b0 &&
		ip -n "$PEER" link set a0 up &&
		ip -n "$PEER" link set lo up &&
		ip link set b0 up || return 1
	ip -n "$PEER" neigh replace $IP_B lladdr "$(cat /sys/class/net/b0/address)" dev a0 \
		nud permanent &&
		ip neigh replace $IP_A lladdr \
			"$(ip netns exec "$PEER" cat /sys/class/net/a0/address)" dev b0 nud permanent
}

# 5. The peer namespace is deleted, and with it the pair: without
# --wait-for-interface the run ends (exit 1, naming b0); with it, it waits,
# and binds again once b0 exists and xdp-fwd is loaded on it.
scen_peerdel() {
	local n=300

	NSC=xft-fc-$$
	ip netns add "$NSC" || { check "peerdel: namespace $NSC" false; return; }
	ip netns exec "$NSC" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$NSA" link set a0 netns "$NSC" && PEER=$NSC
	ip -n "$NSC" addr add $IP_A/24 dev a0 && ip -n "$NSC" link set a0 up
	ip -n "$NSC" neigh replace $IP_B lladdr "$MAC_B" dev a0 nud permanent
	check "peerdel: load and rule add" setup_prog || return

	# (a) default: the run ends
	start peerdel-a 2 || { run_stop; return; }
	check_eq "peerdel: flow 13 sent" "$(send --count $n --flow 13)" $n
	check "peerdel: the consumer got flow 13" wait_rx $n
	ip netns del "$NSC"
	wait_for "$RUN_PID" 15
	check "peerdel: run exits non-zero ($WRC)" failed_rc "$WRC"
	check "peerdel: the message names b0 and the cause" \
		grep -q "b0: the interface is gone" "$RUN_ERR"
	check_eq "peerdel: the summary counts flow 13, faults" \
		"$(rj '(d["rx_packets"], d["faults"]["interface-gone"], d["reconnects"], d["state"])')" \
		"($n, 1, 0, 'waiting')"
	check_eq "peerdel: frames_accounted" \
		"$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True

	# (b) --wait-for-interface: b0 comes back with a new ifindex
	"$XF" unload b0 >/dev/null 2>&1
	if ! ip netns add "$NSC" || ! mkpair; then
		check "peerdel: pair made again" false
		return
	fi
	check "peerdel: load and rule add" setup_prog || return
	start peerdel-b 2 --wait-for-interface || { run_stop; return; }
	check_eq "peerdel (wait): flow 14 sent" "$(send --count $n --flow 14)" $n
	check "peerdel (wait): the consumer got flow 14" wait_rx $n
	ip netns del "$NSC"
	check "peerdel (wait): waiting, interface-gone" waiting interface-gone 0
	if ! ip netns add "$NSC" || ! mkpair; then
		check "peerdel (wait): pair made again" false
		return
	fi
	check "peerdel (wait): load (over the stale pins) and rule add" \
		bash -c "'$XF' load b0 --force >/dev/null && '$XF' rule add b0 proto udp dport $PORT action xsk >/dev/null"
	check "peerdel (wait): re-bound on the new b0" running 2 1
	check "peerdel (wait): says b0 is back" grep -q "b0 is back, ifindex" "$RUN_ERR"
	local x1 e1
	x1=$(xsk_pkts)
	e1=$(nosock_pkts)
	check_eq "peerdel (wait): flow 15 sent" "$(send --count $n --flow 15)" $n
	check "peerdel (wait): the consumer got flow 15" wait_rx $((2 * n))
	run_stop
	check_eq "peerdel (wait): run exits 0, rx_packets == $((2 * n))" \
		"$RUN_RC $(rj 'd["rx_packets"]')" "0 $((2 * n))"
	faults_are "peerdel (wait)" "([('interface-gone', 1)], 1)"
	accounted "peerdel (wait)" "$x1" "$e1" $n
}

# 6. --no-reconnect: today's behaviour, the run ends on a fault.
scen_noreconnect() {
	local n=200

	check "noreconnect: load and rule add" setup_prog || return
	start noreconnect 2 --no-reconnect || { run_stop; return; }
	check_eq "noreconnect: flow 16 sent" "$(send --count $n --flow 16)" $n
	check "noreconnect: the consumer got flow 16" wait_rx $n
	ip link set dev b0 down
	wait_for "$RUN_PID" 15
	check "noreconnect: run exits non-zero ($WRC)" failed_rc "$WRC"
	check "noreconnect: says b0 went down, and why it stops" \
		bash -c "grep -q 'b0: the link went down' '$RUN_ERR' &&
			grep -q 'b0: stopping (--no-reconnect)' '$RUN_ERR'"
	check_eq "noreconnect: summary: rx_packets, link-down, no reconnect" \
		"$(rj '(d["rx_packets"], d["faults"]["link-down"], d["reconnects"])')" "($n, 1, 0)"
	check_eq "noreconnect: frames_accounted" \
		"$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True
	ip link set dev b0 up
	check "noreconnect: --no-reconnect with --wait-for-interface is a usage error" \
		bash -c "'$XF' run b0 --no-reconnect --wait-for-interface 2>&1; [ \$? = 2 ]"
}

inner() {
	vh_inner_begin
	"scen_$1"
	exit 0
}

###########################################################################
# outer half: namespaces, links, one inner process per scenario

VH_SUITE=faults VH_TAG=f VH_ONLY=${FAULTS_ONLY:-} VH_TIMEOUT=120 VH_KEEP=${FAULTS_KEEP:-}
VH_TOOLS="ip ethtool timeout taskset awk find"
vh_queues() {	# every scenario gets two queues each way
	echo 2
}
# shellcheck source=tests/lib/veth.sh
. "$ROOT/tests/lib/veth.sh"

if [ "${1:-}" = --inner ]; then
	inner "$2"
else
	vh_outer
fi
