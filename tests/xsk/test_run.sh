#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/xsk/test_run.sh - integration tests of `xdp-fwd run`, the AF_XDP
# consumer, on a veth pair (copy mode).
#
# Two network namespaces of our own, xft-xa-PID and xft-xb-PID, joined by a
# veth pair: a0 (192.0.2.1/24) in A, b0 (192.0.2.2/24) in B, static
# neighbours both ways.  xdp-fwd runs on b0; traffic goes only from A to B and
# back.  The pair is made afresh for every scenario (fresh counters; two
# queues for the queue scenario).  A trap kills every process left in the two
# namespaces and deletes them, on every way out.
#
# Each scenario runs in ONE `ip netns exec B` process (this script again,
# with --inner SCENARIO): `ip netns exec` gives every command a fresh mount
# namespace, and the bpffs holding xdp-fwd's pins must outlive the commands
# of a scenario.  Senders and listeners in A are started from there with a
# nested `ip netns exec A`.
#
# Helpers (stdlib Python, /usr/bin/python3): udp_send.py sends numbered
# datagrams, udp_recv.py counts them (UDP socket or AF_PACKET), and
# pcap_check.py checks the consumer's capture against what was sent.
#
# Prints "ok - NAME" or "FAIL - NAME" per check, "# ..." notes, and last
# exactly "xsk: N passed, M failed".  Exit 0 all passed, 1 some failed,
# 77 skipped (not root, or a needed tool missing).
#
#   XDP_FWD=path   the binary to test (default build/xdp-fwd)
#   XSK_ONLY="exact l2fwd ..."   run only these scenarios
#   XSK_KEEP=1   keep the scratch directory (captures, stderr, cores) for a look

# Functions run through check and traps look unreachable to shellcheck;
# only numbers are left unquoted.
# shellcheck disable=SC2317,SC2086

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
# check, check_eq, note, now, fcmp, alive, wait_for, wait_file, jget, and
# run_bg, run_ready, run_stop, rj on b0
RUN_IFACE=b0
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"

IP_A=192.0.2.1
IP_B=192.0.2.2
PORT=9999	# steered to the consumer
PORT_K=9998	# left to the kernel
SCENARIOS="exact l2fwd capture zerocopy queues starve sigkill linkdel stoploss bigpool tworuns"

###########################################################################
# inner half: one scenario, in namespace B, in a mount namespace of its own

BG=()

inner_cleanup() {
	bg_kill
	umount /sys/fs/bpf 2>/dev/null
}

# failed_rc RC: RC is a failure exit status, not 0 and not the timeout's 124
failed_rc() {
	[ "$1" != 0 ] && [ "$1" != 124 ]
}

# ina CMD...: run CMD in namespace A
ina() {
	ip netns exec "$NSA" "$@"
}

# send ARGS...: udp_send.py from namespace A, bounded in time; prints the
# number sent
send() {
	timeout -k 2 30 ip netns exec "$NSA" "$PY" "$HERE/udp_send.py" --dst "$IP_B" \
		--timeout 20 "$@" | jget - 'd["sent"]'
}

# send_on CPU ARGS...: the same, pinned to CPU
send_on() {
	local cpu=$1
	shift
	timeout -k 2 30 ip netns exec "$NSA" taskset -c "$cpu" "$PY" "$HERE/udp_send.py" \
		--dst "$IP_B" --timeout 20 "$@" | jget - 'd["sent"]'
}


# wait_rx N: until the live consumer on b0 has received N frames over its
# queues (it publishes its counters once a second; at most 10 s)
wait_rx() {
	local _
	for _ in $(seq 100); do
		[ "$("$XF" stats b0 --prometheus 2>/dev/null |
			awk '/^xdp_fwd_xsk_rx_packets_total\{/ { n += $NF } END { print n + 0 }')" = "$1" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# wait_settled: until the xsk action and xsk-no-socket counters hold still
# (two reads 0.1 s apart agree; at most 5 s)
wait_settled() {
	local a b _
	b="$(xsk_pkts) $(nosock_pkts)"
	for _ in $(seq 50); do
		a=$b
		sleep 0.1
		b="$(xsk_pkts) $(nosock_pkts)"
		[ "$a" = "$b" ] && return 0
	done
	return 1
}

# wait_xsk_over N: until the xsk action count is N or more (at most 10 s)
wait_xsk_over() {
	local _ v
	for _ in $(seq 200); do
		v=$(xsk_pkts)
		[ "$v" != "?" ] && [ "$v" != None ] && [ "$v" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}


# rule_pkts PORT: packets of the rule matching dport PORT
rule_pkts() {
	"$XF" rule list b0 --json 2>/dev/null |
		jget - "[r['packets'] for r in d if r['dport'] == $1][0]"
}

setup_prog() {
	"$XF" load b0 >/dev/null &&
		"$XF" rule add b0 proto udp dport $PORT action xsk >/dev/null
}

# listen NAME ARGS...: udp_recv.py in B in the background; LPID, LOUT
listen() {
	local name=$1
	shift
	LOUT=$WORK/$name.json
	rm -f "$WORK/$name.ready"
	"$PY" "$HERE/udp_recv.py" --ready "$WORK/$name.ready" "$@" >"$LOUT" &
	LPID=$!
	BG+=("$LPID")
	wait_file "$WORK/$name.ready"
}

# listen_a NAME ARGS...: the same in namespace A
listen_a() {
	local name=$1
	shift
	LOUT=$WORK/$name.json
	rm -f "$WORK/$name.ready"
	ip netns exec "$NSA" "$PY" "$HERE/udp_recv.py" --ready "$WORK/$name.ready" "$@" \
		>"$LOUT" &
	LPID=$!
	BG+=("$LPID")
	wait_file "$WORK/$name.ready"
}

###########################################################################
# the scenarios

# 1. Exact delivery: N datagrams to the steered port reach the consumer, M
# to another port reach a kernel socket; both exactly, in order.
scen_exact() {
	local n=2000 m=500 p1 p2 s1 s2

	check "exact: load and rule add" setup_prog || return
	listen exact-k --port $PORT_K --bind $IP_B --expect $m --timeout 20
	run_bg exact --mode capture --write "$WORK/exact.pcap" --duration 60
	check "exact: run starts" run_ready 1 || { run_stop; return; }
	send --dport $PORT --count $n --flow 1 --rate 20000 >"$WORK/s1" &
	p1=$!
	send --dport $PORT_K --count $m --flow 2 --rate 5000 >"$WORK/s2" &
	p2=$!
	wait "$p1"
	wait "$p2"
	s1=$(cat "$WORK/s1")
	s2=$(cat "$WORK/s2")
	check_eq "exact: all $n + $m sent" "$s1+$s2" "$n+$m"
	wait_xsk $n
	wait_rx $n
	run_stop
	wait_for "$LPID" 15
	check_eq "exact: run exits 0" "$RUN_RC" 0
	check_eq "exact: consumer rx_packets == $n" "$(rj 'd["rx_packets"]')" $n
	check_eq "exact: captured == $n, none missed" \
		"$(rj '(d["captured"], d["capture_missed"])')" "($n, 0)"
	check_eq "exact: frames_accounted" "$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True
	check_eq "exact: no rx_dropped, rx_ring_full" \
		"$(rj 'sum(q["rx_dropped"] + q["rx_ring_full"] for q in d["queues"])')" 0
	# capture never sends: its socket has no TX ring for poll() to find empty
	check_eq "exact: no TX ring, so tx_ring_empty_descs stays 0" \
		"$(rj 'sum(q["tx_ring_empty_descs"] for q in d["queues"])')" 0
	check "exact: pcap holds seq 0..$((n - 1)) once each, in order, payloads intact" \
		"$PY" "$HERE/pcap_check.py" "$WORK/exact.pcap" --port $PORT --flow 1 --count $n
	check_eq "exact: kernel socket got exactly $m" "$(jget "$LOUT" 'd["received"]')" $m
	check_eq "exact: kernel socket: all flow 2, no duplicate, in order" \
		"$(jget "$LOUT" '(d["flows"]["2"]["count"], d["duplicates"], d["out_of_order"], d["foreign"])')" \
		"($m, 0, 0, 0)"
	check_eq "exact: stats action xsk == $n" "$(xsk_pkts)" $n
	check_eq "exact: stats event xsk-no-socket == 0" "$(nosock_pkts)" 0
	check_eq "exact: rule dport $PORT counted $n" "$(rule_pkts $PORT)" $n
}

# 2. l2fwd: every frame comes back to a0 with the MACs swapped.
scen_l2fwd() {
	local n=1000

	check "l2fwd: load and rule add" setup_prog || return
	listen_a l2fwd-a --raw a0 --port $PORT --dmac "$MAC_A" --smac "$MAC_B" \
		--expect $n --linger 0.5 --timeout 20
	run_bg l2fwd --mode l2fwd --duration 60
	check "l2fwd: run starts" run_ready 1 || { run_stop; return; }
	check_eq "l2fwd: all $n sent" "$(send --dport $PORT --count $n --flow 3)" $n
	wait_xsk $n
	wait_for "$LPID" 15
	run_stop
	check_eq "l2fwd: run exits 0" "$RUN_RC" 0
	check_eq "l2fwd: a0 got exactly $n back" "$(jget "$LOUT" 'd["received"]')" $n
	check_eq "l2fwd: MACs swapped on every frame, no duplicate, in order" \
		"$(jget "$LOUT" '(d["mac_bad"], d["duplicates"], d["out_of_order"])')" "(0, 0, 0)"
	check_eq "l2fwd: rx_packets == tx_packets == $n" \
		"$(rj '(d["rx_packets"], d["tx_packets"])')" "($n, $n)"
	check_eq "l2fwd: no tx_dropped, tx_invalid_descs" \
		"$(rj 'sum(q["tx_dropped"] + q["tx_invalid_descs"] for q in d["queues"])')" 0
	check_eq "l2fwd: frames_accounted" \
		"$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True
}

# 3. capture: the pcap holds exactly the steered frames, byte for byte.
scen_capture() {
	local n=1000 size=12 vary=500 bytes

	check "capture: load and rule add" setup_prog || return
	run_bg capture --mode capture --write "$WORK/capture.pcap" --duration 60
	check "capture: run starts" run_ready 1 || { run_stop; return; }
	# frames built in full by the sender, so the capture can be compared
	# byte for byte; noise to the kernel's port in between
	check_eq "capture: all $n frames sent" "$(send --raw a0 --dmac "$MAC_B" --src $IP_A \
		--sport 40000-40003 --dport $PORT --count $n --flow 4 --size $size --vary $vary \
		--rate 10000)" $n
	check_eq "capture: noise sent" "$(send --dport $PORT_K --count 100 --flow 5)" 100
	wait_xsk $n
	wait_rx $n
	run_stop
	check_eq "capture: run exits 0" "$RUN_RC" 0
	check "capture: pcap == the $n frames sent, byte for byte, in order, nothing else" \
		"$PY" "$HERE/pcap_check.py" "$WORK/capture.pcap" --port $PORT --flow 4 --count $n \
		--size $size --vary $vary --frames --dmac "$MAC_B" --smac "$MAC_A" --src $IP_A \
		--dst $IP_B --sport 40000-40003
	bytes=$("$PY" -c "print(sum(42 + $size + s % $vary for s in range($n)))")
	check_eq "capture: rx_packets, rx_bytes, captured, missed" \
		"$(rj '(d["rx_packets"], d["rx_bytes"], d["captured"], d["capture_missed"])')" \
		"($n, $bytes, $n, 0)"
	check_eq "capture: frames_accounted" \
		"$(rj 'all(q["frames_accounted"] for q in d["queues"])')" True
}

# 4. --zero-copy on veth (copy mode only) fails cleanly and leaves nothing.
scen_zerocopy() {
	local k=300 id x0 e0

	# (a) nothing loaded: run loads the program itself, and must unload it
	run_bg zc-a --zero-copy --duration 30
	wait_for "$RUN_PID" 20
	check "zerocopy (no load): exits non-zero" failed_rc "$WRC"
	check "zerocopy (no load): message mentions zero-copy" grep -q "zero-copy" "$RUN_ERR"
	check "zerocopy (no load): no XDP program left on b0" \
		bash -c "! ip link show b0 | grep -q xdp"
	check "zerocopy (no load): no pins left" \
		[ ! -e "/sys/fs/bpf/xdp-fwd/net$(stat -L -c %i /proc/self/ns/net)/b0" ]

	# (b) loaded, with a rule: the program stays, no socket is left in the map
	check "zerocopy: load and rule add" setup_prog || return
	id=$(ip -j link show b0 | jget - 'd[0]["xdp"]["prog"]["id"]')
	run_bg zc-b --zero-copy --duration 30
	wait_for "$RUN_PID" 20
	check "zerocopy: exits non-zero" failed_rc "$WRC"
	check "zerocopy: message mentions zero-copy" grep -q "zero-copy" "$RUN_ERR"
	check "zerocopy: did not fall back to copy mode" bash -c "! grep -q 'copy mode' '$RUN_ERR'"
	check "zerocopy: no JSON summary (it never ran)" [ ! -s "$RUN_OUT" ]
	check_eq "zerocopy: the program stays attached" \
		"$(ip -j link show b0 | jget - 'd[0]["xdp"]["prog"]["id"]')" "$id"
	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	listen zc-k --port $PORT --bind $IP_B --expect $k --timeout 20
	check_eq "zerocopy: $k sent to the steered port" "$(send --dport $PORT --count $k --flow 6)" $k
	wait_for "$LPID" 15
	check_eq "zerocopy: the kernel socket gets all $k (no stale socket in the map)" \
		"$(jget "$LOUT" '(d["received"], d["duplicates"])')" "($k, 0)"
	check_eq "zerocopy: xsk action and xsk-no-socket event both grew by $k" \
		"$(($(xsk_pkts) - x0)),$(($(nosock_pkts) - e0))" "$k,$k"
}

# 5. Two RX queues: XPS on a0 sends CPU 0's frames to tx-0 (b0's rx-0) and
# CPU 1's to tx-1 (b0's rx-1); one socket per queue gets its queue's frames.
scen_queues() {
	local n=1000 xps=1 p1 p2 s1 s2

	ina sh -c 'echo 1 > /sys/class/net/a0/queues/tx-0/xps_cpus &&
		echo 2 > /sys/class/net/a0/queues/tx-1/xps_cpus' 2>/dev/null || xps=0
	[ $xps = 1 ] || note "XPS not available: the split over queues is up to the hash"
	check "queues: load and rule add" setup_prog || return
	run_bg queues --queues all --duration 60
	check "queues: run starts with 2 sockets" run_ready 2 || { run_stop; return; }
	send_on 0 --dport $PORT --count $n --flow 7 >"$WORK/s1" &
	p1=$!
	send_on 1 --dport $PORT --count $n --flow 8 >"$WORK/s2" &
	p2=$!
	wait "$p1"
	wait "$p2"
	s1=$(cat "$WORK/s1")
	s2=$(cat "$WORK/s2")
	check_eq "queues: all sent" "$s1+$s2" "$n+$n"
	wait_xsk $((2 * n))
	wait_rx $((2 * n))
	run_stop
	check_eq "queues: run exits 0" "$RUN_RC" 0
	note "per queue rx_packets: $(rj '[(q["queue"], q["rx_packets"]) for q in d["queues"]]')"
	check_eq "queues: two queues, 0 and 1" "$(rj '[q["queue"] for q in d["queues"]]')" "[0, 1]"
	check "queues: both queues received frames" \
		[ "$(rj 'all(q["rx_packets"] > 0 for q in d["queues"])')" = True ]
	check_eq "queues: sum over queues == rx_packets == $((2 * n))" \
		"$(rj '(sum(q["rx_packets"] for q in d["queues"]), d["rx_packets"])')" \
		"($((2 * n)), $((2 * n)))"
	if [ $xps = 1 ]; then
		check_eq "queues: CPU 0's frames on queue 0, CPU 1's on queue 1 (XPS)" \
			"$(rj '[q["rx_packets"] for q in d["queues"]]')" "[$n, $n]"
	fi
	check_eq "queues: stats action xsk == $((2 * n))" "$(xsk_pkts)" $((2 * n))
	check_eq "queues: frames_accounted on both" \
		"$(rj '[q["frames_accounted"] for q in d["queues"]]')" "[True, True]"
	# the program's count per queue against the consumer's, queue by queue
	"$XF" stats b0 --json >"$WORK/queues-stats.json"
	"$XF" stats b0 >"$WORK/queues-stats.txt"
	note "stats queues: $(jget "$WORK/queues-stats.json" 'd["queues"]')"
	check_eq "queues: stats queues[].xsk == run's queues[].rx_packets, queue by queue" \
		"$(jget "$WORK/queues-stats.json" '[(q["queue"], q["xsk"]["packets"], q["xsk"]["bytes"])
			for q in d["queues"]]')" \
		"$(rj '[(q["queue"], q["rx_packets"], q["rx_bytes"]) for q in d["queues"] if q["rx_packets"]]')"
	check_eq "queues: stats queues[].xsk sum == action xsk, no_socket 0" \
		"$(jget "$WORK/queues-stats.json" '(sum(q["xsk"]["packets"] for q in d["queues"]),
			sum(q["no_socket"]["packets"] for q in d["queues"]))')" "($(xsk_pkts), 0)"
	check "queues: the text lists queue 0 as 'queue 0: xsk N pkts B bytes, no socket 0 pkts'" \
		grep -q "^  queue 0: xsk $(jget "$WORK/queues-stats.json" \
			'd["queues"][0]["xsk"]["packets"]') pkts [0-9]* bytes, no socket 0 pkts$" \
		"$WORK/queues-stats.txt"
}

# 6. Fill-ring starvation shows in the counters, and the run still stops.
scen_starve() {
	local burst=20000 x0 x

	check "starve: load and rule add" setup_prog || return
	# (a) a burst as fast as Python sends, on the worker's CPU, into a
	# 64-frame UMEM processed one frame per batch
	x0=$(xsk_pkts)
	run_bg starve-a --frames 64 --ring-size 64 --batch 1 --cpus 0 --duration 3
	check "starve: run starts" run_ready 1 || { run_stop; return; }
	check_eq "starve: burst of $burst sent" "$(send_on 0 --dport $PORT --count $burst \
		--flow 9 --rate 0)" $burst
	# how long it took is not asserted: it stops by itself (124: it did not)
	wait_for "$RUN_PID" 30
	check_eq "starve: stops on --duration, exit 0" "$WRC" 0
	wait_settled
	x=$(($(xsk_pkts) - x0))
	note "xsk action $x: $(rj '[(k, d["queues"][0][k]) for k in ("rx_packets", "rx_dropped",
		"rx_ring_full", "rx_fill_ring_empty_descs")]')"
	check_eq "starve: frames_accounted" "$(rj 'd["queues"][0]["frames_accounted"]')" True
	check "starve: starvation visible (rx_dropped or rx_ring_full > 0)" \
		[ "$(rj 'd["queues"][0]["rx_dropped"] + d["queues"][0]["rx_ring_full"] > 0')" = True ]
	check_eq "starve: xsk action == rx_packets + rx_dropped + rx_ring_full" \
		"$(rj 'd["rx_packets"] + d["queues"][0]["rx_dropped"] + d["queues"][0]["rx_ring_full"]')" \
		"$x"

	# (b) a consumer that stops (SIGSTOP) while frames arrive: the 64 frames
	# of the fill ring land in the RX ring, every later one is dropped for
	# want of a fill buffer; after SIGCONT the 64 are received.
	x0=$(xsk_pkts)
	run_bg starve-b --frames 64 --ring-size 64 --batch 1 --duration 3
	check "starve (stopped consumer): run starts" run_ready 1 || { run_stop; return; }
	kill -STOP "$RUN_PID"
	check_eq "starve (stopped consumer): 1000 sent" \
		"$(send --dport $PORT --count 1000 --flow 10 --rate 0)" 1000
	# every frame sent is counted by the program before the consumer resumes
	wait_xsk $((x0 + 1000))
	kill -CONT "$RUN_PID"
	wait_for "$RUN_PID" 30
	x=$(($(xsk_pkts) - x0))
	check_eq "starve (stopped consumer): exit 0" "$WRC" 0
	check_eq "starve (stopped consumer): rx_packets == 64, rx_dropped == fill_empty == xsk - 64" \
		"$(rj '(d["rx_packets"], d["queues"][0]["rx_dropped"],
			d["queues"][0]["rx_fill_ring_empty_descs"], d["queues"][0]["rx_ring_full"])')" \
		"(64, $((x - 64)), $((x - 64)), 0)"
	check_eq "starve (stopped consumer): frames_accounted" \
		"$(rj 'd["queues"][0]["frames_accounted"]')" True
}

# 7. SIGKILL of the consumer: its socket leaves the map, frames go to the
# kernel; a new run takes over.
scen_sigkill() {
	local n=500 x0 e0

	check "sigkill: load and rule add" setup_prog || return
	listen sigkill-k --port $PORT --bind $IP_B --timeout 30
	run_bg sigkill-1 --duration 60
	check "sigkill: run starts" run_ready 1 || { run_stop; return; }
	x0=$(xsk_pkts)
	check_eq "sigkill: flow 11 sent (to the consumer)" "$(send --dport $PORT --count $n --flow 11)" $n
	wait_xsk $((x0 + n))
	wait_rx $n
	{
		run_signal KILL
		wait_for "$RUN_PID" 5
	} 2>/dev/null	# no "Killed" job report
	check_eq "sigkill: the consumer died of SIGKILL" "$WRC" 137

	x0=$(xsk_pkts)
	e0=$(nosock_pkts)
	check_eq "sigkill: flow 12 sent (after the kill)" "$(send --dport $PORT --count $n --flow 12)" $n
	wait_xsk $((x0 + n))
	wait_nosock $((e0 + n))
	check_eq "sigkill: xsk-no-socket grew by $n (the killed socket left the map)" \
		"$(($(nosock_pkts) - e0))" $n
	check_eq "sigkill: stats counts them on queue 0 as no_socket, all of xsk-no-socket" \
		"$("$XF" stats b0 --json | jget - '([q["queue"] for q in d["queues"]],
			d["queues"][0]["no_socket"]["packets"], d["events"]["xsk-no-socket"]["packets"])')" \
		"([0], $((e0 + n)), $((e0 + n)))"

	run_bg sigkill-2 --duration 60
	check "sigkill: a new run starts" run_ready 1 || { run_stop; return; }
	x0=$(xsk_pkts)
	check_eq "sigkill: flow 13 sent (to the new run)" "$(send --dport $PORT --count $n --flow 13)" $n
	wait_xsk $((x0 + n))
	wait_rx $n
	run_stop
	check_eq "sigkill: the new run exits 0" "$RUN_RC" 0
	check_eq "sigkill: the new run received all $n" "$(rj 'd["rx_packets"]')" $n
	kill -TERM "$LPID"
	wait_for "$LPID" 5
	note "kernel socket: $(jget "$LOUT" 'd["flows"]')"
	check_eq "sigkill: the kernel socket got flow 12 only, all of it, in order" \
		"$(jget "$LOUT" '(sorted(d["flows"]), d["flows"]["12"]["count"], d["duplicates"],
			d["out_of_order"])')" "(['12'], $n, 0, 0)"
}

# 8. The interface disappears under the consumer.
scen_linkdel() {
	local n=100

	check "linkdel: load and rule add" setup_prog || return
	run_bg linkdel --duration 60
	check "linkdel: run starts" run_ready 1 || { run_stop; return; }
	check_eq "linkdel: $n sent" "$(send --dport $PORT --count $n --flow 14)" $n
	wait_xsk $n
	wait_rx $n
	ina ip link del a0
	# it ends by itself (--duration is 60; 124: it did not within 30 s)
	wait_for "$RUN_PID" 30
	check "linkdel: exit status non-zero ($WRC)" failed_rc "$WRC"
	check "linkdel: the message names b0" grep -q "b0" "$RUN_ERR"
	note "stderr: $(grep -v '^queue\|warning' "$RUN_ERR" | head -3 | tr '\n' ' ')"
	check_eq "linkdel: the summary still counts the $n frames" "$(rj 'd["rx_packets"]')" $n
	check_eq "linkdel: frames_accounted" "$(rj 'd["queues"][0]["frames_accounted"]')" True
}

# 9. A clean stop under traffic: every steered frame is received, dropped by
# the socket, or passed to the kernel once the socket has left the map; none
# may vanish.  (The consumer once stopped its workers before taking the
# sockets out of the XSKMAP, and frames arriving in between were lost.)
scen_stoploss() {
	local mode x0 e0 x e got sp xs live

	check "stoploss: load and rule add" setup_prog || return
	for mode in rxdrop capture; do
		x0=$(xsk_pkts)
		e0=$(nosock_pkts)
		if [ $mode = capture ]; then
			run_bg stoploss-$mode --mode capture --write "$WORK/stoploss.pcap" --duration 60
		else
			run_bg stoploss-$mode --duration 60
		fi
		check "stoploss ($mode): run starts" run_ready 1 || { run_stop; return; }
		send --dport $PORT --count 60000 --flow 15 --rate 30000 >/dev/null &
		sp=$!
		# SIGINT once frames flow; 60000 at 30000/s keeps the sender
		# going for 2 s at least, so frames must still be arriving
		wait_xsk_over $((x0 + 1000))
		xs=$(($(xsk_pkts) - x0))
		live=$(alive "$sp" && echo sending || echo finished)
		run_stop
		wait "$sp"
		wait_settled
		x=$(($(xsk_pkts) - x0))
		e=$(($(nosock_pkts) - e0))
		check "stoploss ($mode): frames were in flight at SIGINT (sender $live; xsk $xs at the signal, $x in the end)" \
			[ "$live $((x > xs))" = "sending 1" ]
		got=$(rj 'd["rx_packets"] + d["queues"][0]["rx_dropped"] + d["queues"][0]["rx_ring_full"]')
		check_eq "stoploss ($mode): exit 0" "$RUN_RC" 0
		check_eq "stoploss ($mode): xsk action ($x) == consumer's ($got) + xsk-no-socket ($e)" \
			"$((got + e))" "$x"
	done
}

# 10. A UMEM a little larger than the fill ring (4160 frames, fill ring
# 4096): the pool is small whenever the ring is full, the shape in which
# the consumer once popped more frames than its pool held (the kernel freed
# fill slots between two reads) and read far outside it.  Steady traffic
# from CPU 0 while the worker runs on CPU 1; every frame is accounted for,
# each received exactly once, and the consumer neither dies nor dumps core.
scen_bigpool() {
	local n=40000 rate=20000 s

	check "bigpool: load and rule add" setup_prog || return
	run_bg bigpool --mode capture --write "$WORK/bigpool.pcap" --frames 4160 \
		--ring-size 2048 --cpus 1 --duration 120
	check "bigpool: run starts" run_ready 1 || { run_stop; return; }
	s=$(send_on 0 --dport $PORT --count $n --flow 16 --rate $rate)
	check_eq "bigpool: all $n sent" "$s" $n
	wait_xsk $n
	run_stop
	check_eq "bigpool: run exits 0" "$RUN_RC" 0
	check_eq "bigpool: frames_accounted" "$(rj 'd["queues"][0]["frames_accounted"]')" True
	note "bigpool: $(rj '[(k, d["queues"][0][k]) for k in ("rx_packets", "rx_dropped",
		"rx_ring_full", "rx_fill_ring_empty_descs")]')"
	check_eq "bigpool: xsk action == rx_packets + socket drops == $n" \
		"$(xsk_pkts),$(rj 'd["rx_packets"] + d["queues"][0]["rx_dropped"] + d["queues"][0]["rx_ring_full"]')" \
		"$n,$n"
	check_eq "bigpool: rx_packets, captured, missed" \
		"$(rj '(d["rx_packets"], d["captured"], d["capture_missed"])')" "($n, $n, 0)"
	check "bigpool: pcap holds seq 0..$((n - 1)) once each, in order, payloads intact" \
		"$PY" "$HERE/pcap_check.py" "$WORK/bigpool.pcap" --port $PORT --flow 16 --count $n
}

# 11. One consumer per interface: a second run is refused with a message
# naming the first, touches nothing of it (its socket stays in the map, its
# state stays visible to status), and once the first is gone, a new run
# takes the interface, even after the first died of SIGKILL.
scen_tworuns() {
	local n=300 pid1 err2=$WORK/tworuns-2.err rc=0

	check "tworuns: load and rule add" setup_prog || return
	run_bg tworuns-1 --duration 60
	check "tworuns: the first run starts" run_ready 1 || { run_stop; return; }
	pid1=$RUN_PID
	timeout -k 2 30 "$XF" run b0 --duration 5 --json >/dev/null 2>"$err2" || rc=$?
	check_eq "tworuns: the second run exits 1" "$rc" 1
	check "tworuns: its message names the first run's pid" \
		grep -q "already has a consumer.*pid $pid1" "$err2"
	check_eq "tworuns: status still shows the first run" \
		"$("$XF" status b0 --json | jget - 'd["consumer"]["pid"]')" "$pid1"
	check_eq "tworuns: $n sent" "$(send --dport $PORT --count $n --flow 17)" $n
	wait_xsk $n
	run_stop
	check_eq "tworuns: the first run exits 0" "$RUN_RC" 0
	check_eq "tworuns: and received all $n (its socket stayed in the map)" \
		"$(rj 'd["rx_packets"]')" $n
	run_bg tworuns-3 --duration 60
	check "tworuns: a run after the first stopped starts" run_ready 1 || { run_stop; return; }
	{
		run_signal KILL
		wait_for "$RUN_PID" 5
	} 2>/dev/null
	run_bg tworuns-4 --duration 60
	check "tworuns: a run after one killed by SIGKILL starts" run_ready 1 || { run_stop; return; }
	run_stop
	check_eq "tworuns: and exits 0" "$RUN_RC" 0
	# /run is the host's: other suites' b0 in other namespaces share the
	# directory, so only this namespace's files (its inode) count
	check "tworuns: no state left once the last run ended" \
		bash -c "! ls /run/xdp-fwd/$(stat -L -c %i /proc/self/ns/net)-b0.* 2>/dev/null | grep -q ."
}

inner() {
	vh_inner_begin
	cores_init || check "core dumps into $WORK/cores" false
	"scen_$1"
	exit 0
}

###########################################################################
# outer half: namespaces, links, one inner process per scenario

VH_SUITE=xsk VH_TAG=x VH_ONLY=${XSK_ONLY:-} VH_TIMEOUT=45 VH_KEEP=${XSK_KEEP:-}
VH_TOOLS="ip timeout taskset awk"
vh_queues() {	# the queues scenario needs two; the others one
	[ "$1" = queues ] && echo 2 || echo 1
}
# shellcheck source=tests/lib/veth.sh
. "$ROOT/tests/lib/veth.sh"

if [ "${1:-}" = --inner ]; then
	inner "$2"
else
	vh_outer
fi
