#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/kernels/guest.sh - the tests run inside a QEMU guest, in the host's
# root (read-only, over 9p) chrooted by tests/kernels/init.sh.  Started by
# init as root with XF_MODROOT (the kernel package's module tree) and
# XF_OUT (a writable directory shared with the host).
#
# The guest has two virtio-net NICs on one QEMU hub.  eth0 (192.0.2.2) stays
# in the root namespace and carries xdp-fwd in native mode; eth1
# (192.0.2.1) goes into the namespace xfk-gen, where the test traffic comes
# from, so every frame crosses the virtual wire.  IPv6 is off and the
# neighbours are static, so the only frames on the wire are the ones the
# tests send, and the counts can be exact.
#
# Parts (XF_KERNELS_ONLY="load bpf ..." runs a subset; names this script
# does not know are left to guest-mq.sh):
#   load      xdp-fwd load in native mode (the verifier log on a rejection),
#             status, unload
#   iproute2  ip link set dev eth0 xdpdrv obj ... sec xdp, and off again
#   bpf       the BPF_PROG_TEST_RUN suite (build/tests/test_prog), and the
#             clang-19 build's when it exists
#   e2e       UDP to one port steered to `xdp-fwd run` (capture mode), to
#             another passed to a kernel socket: both counts exact, the
#             capture checked byte for byte
#   l2fwd     `xdp-fwd run --mode l2fwd`: every frame comes back to eth1
#   tx        a rule with action tx bounces frames back (native XDP_TX)
#   zerocopy  what `run` is granted: with --zero-copy it starts in zero-copy
#             mode where the driver offers it (the e2e and l2fwd parts then
#             ran in zero-copy too) and refuses to start where it does not
#   meta      the per-frame metadata survives the path the driver grants
#             (zero-copy where the guest offers it): flowcount (examples/)
#             sees every steered frame with its rule id and offsets
#   zcplain   eth2, a virtio-net device without VIRTIO_F_ACCESS_PLATFORM:
#             zero-copy cannot bind there, whatever the driver reports; run
#             falls back to copy and says why, --zero-copy refuses
#   caps      tests/caps/caps.sh: each command with exactly the capabilities
#             of tests/caps/matrix, and with each one dropped (issue 15)
#   multiprog xdp-fwd and xdp-filter side by side in libxdp's dispatcher on
#             eth0: each sees and acts on its own port, the unclaimed port
#             reaches a kernel socket, status lists both, run receives
#             inside the dispatcher, and each unloads alone leaving the
#             other working (where the dispatcher cannot load: the refusal)
#   dmesg     the kernel logged no warning, bug or oops meanwhile
#
# Prints "ok - ..." / "FAIL - ..." lines and "# ..." notes to the console;
# exits 0 when every check passed.

# ZC_FLAG is empty or one word: it is left unquoted on purpose.
# shellcheck disable=SC2086
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${XF_BUILD:-$ROOT/build}
XF=$BUILD/xdp-fwd
XSKT=$ROOT/tests/xsk
WORK=$(mktemp -d /tmp/xfk.XXXXXX)
RESULTS=$WORK/results
: >"$RESULTS"
RUN_IFACE=eth0		# for harness.sh's run_bg, run_ready, run_stop, rj
RUN_READY_S=20		# TCG is slow
RUN_STOP_S=20
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
# shellcheck source=tests/kernels/guest-lib.sh
. "$HERE/guest-lib.sh"
cores_init	# every run of xdp-fwd below dumps core into $WORK/cores

NSG=xfk-gen
IP_G=192.0.2.1		# eth1, in $NSG
IP_D=192.0.2.2		# eth0, the device under test
PORT=9999		# steered to the consumer
PORT_K=9998		# left to the kernel
PORT_TX=9997		# bounced by the program
PORT_F=9996		# dropped by xdp-filter, in the multiprog part
ALL_PARTS="load iproute2 bpf e2e l2fwd tx zerocopy meta zcplain caps multiprog dmesg"
guest_parts $ALL_PARTS
KVER=$(uname -r)
BG=()

cleanup() {
	bg_kill
	"$XF" unload eth0 >/dev/null 2>&1
	"$XF" unload eth2 >/dev/null 2>&1
	ip netns del "$NSG" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers

ing() {
	ip netns exec "$NSG" "$@"
}

# send ARGS...: udp_send.py from $NSG; prints the number sent.  Pinned to
# one CPU: once on 6.12, two datagrams of the XDP_TX part (no consumer
# involved) came back swapped, 1 of 1000, and the parts check order; a
# sender moving between the guest's CPUs is the suspect, not proven.
send() {
	timeout -k 2 60 ip netns exec "$NSG" taskset -c 0 "$PY" "$XSKT/udp_send.py" \
		--dst "$IP_D" --timeout 45 "$@" | jget - 'd["sent"]'
}

listen() {	# listen NAME [--ns] ARGS...: udp_recv.py in the background; LPID, LOUT
	local name=$1 pre=()
	shift
	if [ "${1:-}" = --ns ]; then
		pre=(ip netns exec "$NSG")
		shift
	fi
	LOUT=$WORK/$name.json
	"${pre[@]}" "$PY" "$XSKT/udp_recv.py" --ready "$WORK/$name.ready" "$@" >"$LOUT" &
	LPID=$!
	BG+=("$LPID")
	wait_file "$WORK/$name.ready"
}

stat_get() {
	"$XF" stats eth0 --json 2>/dev/null | jget - "$1"
}
act_pkts() { stat_get "d['actions']['$1']['packets']"; }

rule_pkts() {	# rule_pkts PORT: packets of the rule on dport PORT
	"$XF" rule list eth0 --json 2>/dev/null |
		jget - "[r['packets'] for r in d if r['dport'] == $1][0]"
}

wait_act() {	# wait_act ACTION N: until the program counted N frames to ACTION (20 s)
	local _
	for _ in $(seq 400); do
		[ "$(act_pkts "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

consumer_mode() {	# the mode status reports for the live consumer's queue (10 s)
	local _ m
	for _ in $(seq 20); do
		m=$("$XF" status eth0 --json | jget - 'd["consumer"]["queues"][0]["mode"]')
		[ "$m" != None ] && break
		sleep 0.5
	done
	echo "$m"
}

setup_prog() {	# load xdp-fwd on eth0 with the rules every traffic part uses
	"$XF" unload eth0 >/dev/null 2>&1
	"$XF" load eth0 --mode native >/dev/null &&
		"$XF" rule add eth0 proto udp dport $PORT action xsk >/dev/null &&
		"$XF" rule add eth0 proto udp dport $PORT_TX action tx >/dev/null
}

# ------------------------------------------------------------------ parts

disp_json() {	# disp_json EXPR: of status --json's "dispatcher" (d), None when absent
	"$XF" status eth0 --json 2>/dev/null | jget - "(lambda d: $1)(d['dispatcher'])"
}

# xdp-filter's own view: is it attached to eth0 (its status names the interface)?
filter_on() {
	xdp-filter status 2>/dev/null | grep -q "^ *eth0 (native mode)"
}

filter_hits() {	# filter_hits PORT: xdp-filter's hit counter of its port rule
	xdp-filter status 2>/dev/null | awk -v p="$1" '$1 == p { print $NF }'
}

part_multiprog() {
	local n=300 m=200 s1 s2 s3 ours

	"$XF" unload eth0 >/dev/null 2>&1
	xdp-filter unload -a >/dev/null 2>&1
	if [ "$MP_OK" != yes ]; then
		check "multiprog: load --multiprog is refused, naming libxdp's dispatcher" \
			sh -c "! '$XF' load eth0 --mode native --multiprog 2>&1 | grep -q dispatcher"
		check_eq "multiprog: nothing attached, no pins after the refusal" \
			"$(ip -d link show eth0 | grep -c prog/xdp) $("$XF" status eth0 >/dev/null 2>&1; echo $?)" "0 1"
		return
	fi
	if ! check "multiprog: xdp-fwd load --multiprog" \
		"$XF" load eth0 --mode native --multiprog; then
		# libbpf's and libxdp's own log says why
		"$XF" -v load eth0 --mode native --multiprog 2>&1 | grep -v 'relocat\|CO-RE' |
			tail -40 | sed 's/^/#   /'
		"$XF" unload eth0 >/dev/null 2>&1
		return
	fi
	check "multiprog: a rule steers UDP $PORT to xsk" \
		"$XF" rule add eth0 proto udp dport $PORT action xsk
	check "multiprog: xdp-filter loads beside it (through libxdp)" \
		xdp-filter load -m native eth0 || { "$XF" unload eth0; return; }
	check "multiprog: xdp-filter drops UDP $PORT_F" xdp-filter port -p udp $PORT_F
	ours=$("$XF" status eth0 --json | jget - 'd["prog_id"]')
	check_eq "multiprog: status lists two programs, xdp-fwd's at priority 40 chaining on pass" \
		"$(disp_json "(len(d['programs']), [(p['priority'], p['chain_on']) for p in d['programs'] if p['xdp_fwd']], [p['prog_id'] for p in d['programs'] if p['xdp_fwd']])")" \
		"(2, [(40, ['pass'])], [$ours])"
	check_eq "multiprog: the other one is xdp-filter's" \
		"$(disp_json "[p['name'][:8] for p in d['programs'] if not p['xdp_fwd']]")" "['xdpfilt_']"
	check_eq "multiprog: status says attached" "$("$XF" status eth0 --json | jget - 'd["state"]')" attached
	"$XF" status eth0 | sed 's/^/#   /'

	listen mp-k --port $PORT_K --bind $IP_D --expect $m --timeout 60
	local kpid=$LPID kout=$LOUT
	listen mp-f --port $PORT_F --bind $IP_D --expect 1 --timeout 5
	local fpid=$LPID fout=$LOUT
	run_bg mp --mode rxdrop --duration 120
	check "multiprog: run starts inside the dispatcher" run_ready 1 || { run_stop; return; }
	s1=$(send --dport $PORT --count $n --flow 1 --rate 3000)
	s2=$(send --dport $PORT_F --count $m --flow 2 --rate 3000)
	s3=$(send --dport $PORT_K --count $m --flow 3 --rate 3000)
	check_eq "multiprog: all sent" "$s1 $s2 $s3" "$n $m $m"
	wait_act xsk $n
	sleep 0.5
	run_stop
	wait_for "$kpid" 30
	wait_for "$fpid" 30
	check_eq "multiprog: xdp-fwd's consumer received its $n" "$(rj 'd["rx_packets"]')" $n
	check_eq "multiprog: the unclaimed port's $m reached the kernel socket" \
		"$(jget "$kout" 'd["received"]')" $m
	check_eq "multiprog: xdp-filter dropped every datagram to $PORT_F (its socket got none)" \
		"$(jget "$fout" 'd["received"]')" 0
	# xdp-filter (its priority 10) runs before xdp-fwd (40): the frames it
	# drops never reach xdp-fwd, the ones it passes do
	check_eq "multiprog: xdp-filter counted its $m hits on $PORT_F" "$(filter_hits $PORT_F)" $m
	check_eq "multiprog: xdp-fwd saw only what xdp-filter passed: pass == $m, xsk == $n" \
		"$(act_pkts pass) $(act_pkts xsk)" "$m $n"

	check "multiprog: xdp-fwd unloads alone" "$XF" unload eth0
	check "multiprog: xdp-filter stays attached" filter_on
	check_eq "multiprog: the dispatcher now runs only xdp-filter" \
		"$(xdp-loader status eth0 2>/dev/null | grep -c 'xdpfilt_\|xdp_fwd')" 1
	listen mp-f2 --port $PORT_F --bind $IP_D --expect 1 --timeout 5
	fpid=$LPID fout=$LOUT
	listen mp-k2 --port $PORT_K --bind $IP_D --expect $m --timeout 60
	kpid=$LPID kout=$LOUT
	s2=$(send --dport $PORT_F --count $m --flow 4 --rate 3000)
	s3=$(send --dport $PORT_K --count $m --flow 5 --rate 3000)
	wait_for "$kpid" 30
	wait_for "$fpid" 30
	check_eq "multiprog: xdp-filter still drops $PORT_F, $PORT_K still passes" \
		"$(jget "$fout" 'd["received"]') $(jget "$kout" 'd["received"]')" "0 $m"

	check "multiprog: xdp-fwd joins the dispatcher already there (no --multiprog), first" \
		"$XF" load eth0 --mode native --priority 5 --chain-on pass,drop
	check_eq "multiprog: it runs first now, chaining on pass and drop" \
		"$(disp_json "[(p['xdp_fwd'], p['priority'], p['chain_on']) for p in d['programs']]")" \
		"[(True, 5, ['drop', 'pass']), (False, 10, ['pass'])]"
	s2=$(send --dport $PORT_F --count $m --flow 7 --rate 3000)
	check "multiprog: xdp-fwd first sees the $m to $PORT_F and passes them on" wait_act pass $m
	check_eq "multiprog: which xdp-filter still drops (hits $m + $m)" \
		"$(filter_hits $PORT_F)" $((3 * m))
	"$XF" rule add eth0 proto udp dport $PORT_K action drop >/dev/null
	check "multiprog: xdp-filter unloads alone" xdp-filter unload eth0
	check_eq "multiprog: xdp-fwd stays attached, alone in the dispatcher" \
		"$("$XF" status eth0 --json | jget - '(d["state"], d["dispatcher"] and len(d["dispatcher"]["programs"]))')" \
		"('attached', 1)"
	s3=$(send --dport $PORT_K --count $m --flow 6 --rate 3000)
	check "multiprog: xdp-fwd still acts: its drop rule counted all $m" wait_act drop $m
	check "multiprog: unload" "$XF" unload eth0
	check_eq "multiprog: nothing left attached to eth0" "$(ip -d link show eth0 | grep -c prog/xdp)" 0
}

# The host suite's script, on this kernel: its own namespace and veth pair.
part_caps() {
	local out=$WORK/caps.out

	# the kernel's side only: the tool's check is the host suite's (time)
	env XDP_FWD="$XF" XF_CAPS_KERNEL_ONLY=1 bash "$ROOT/tests/caps/caps.sh" >"$out" 2>&1
	check "caps: tests/caps/caps.sh passes on $KVER" \
		grep -q '^caps: [0-9]* passed, 0 failed$' "$out"
	grep -v '^ok - ' "$out" | sed 's/^/#   /'
}

part_load() {
	local log=$WORK/load.log
	if "$XF" -v load eth0 --mode native >"$log" 2>&1; then
		echo "ok - load: native mode on virtio-net accepted by the verifier"
		echo ok >>"$RESULTS"
	else
		echo "FAIL - load: native mode on virtio-net"
		note "  the last 150 lines of 'xdp-fwd -v load' (the verifier log):"
		tail -n 150 "$log" | sed 's/^/#   /'
		echo fail >>"$RESULTS"
		return
	fi
	check_eq "load: status says attached, native" \
		"$("$XF" status eth0 --json | jget - '(d["state"], d["mode"])')" "('attached', 'native')"
	"$XF" status eth0 | sed 's/^/# /'
	# what status says about the kernel: the features where it reports them
	check_eq "load: status names the kernel, and its XDP features are $FEAT_WORD" \
		"$("$XF" status eth0 --json | jget - '(d["kernel"], d["xdp_features"] is not None,
			d["xsk_zerocopy"])')" "('$KVER', $FEAT_KNOWN, $ZC_KNOWN)"
	check "load: status says in words how 'run' will bind" \
		grep -q "$([ "$FEAT_KNOWN" = True ] && echo "driver XDP features basic" ||
			echo "XDP features unknown")" <("$XF" status eth0)
	check "load: unload" "$XF" unload eth0
	check_eq "load: nothing left attached" "$(ip -j link show eth0 | jget - 'd[0].get("xdp")')" None
	load_no_native
}

# load_no_native: native mode on lo, which has no native XDP, is refused
# with the way out named: up front from the XDP features where the kernel
# reports them, by the attach where it does not; nothing is left behind.
load_no_native() {
	local rc=0 err=$WORK/lo.err
	"$XF" load lo --mode native >/dev/null 2>"$err" || rc=$?
	check_eq "load: native mode on lo refused (exit 1)" "$rc" 1
	check "load: ... pointing to --mode skb" grep -q -- "--mode skb" "$err"
	if [ "$FEAT_KNOWN" = True ]; then
		check "load: ... before loading, from the kernel's XDP features" \
			grep -q "the kernel's XDP features say so" "$err"
	else
		check "load: ... when the attach fails (no XDP features here)" \
			grep -q "cannot attach to lo" "$err"
	fi
	sed 's/^/#   /' "$err"
	check_eq "load: ... nothing attached to lo, no pins" \
		"$(ip -j link show lo | jget - 'd[0].get("xdp")') $([ -e "/sys/fs/bpf/xdp-fwd/net$(stat -L -c %i /proc/self/ns/net)/lo" ] && echo pins)" \
		"None "
}

part_iproute2() {
	local obj
	for obj in xdp_fwd xdp_drop; do
		check "iproute2: ip link set eth0 xdpdrv obj $obj.bpf.o sec xdp" \
			ip link set dev eth0 xdpdrv obj "$BUILD/$obj.bpf.o" sec xdp &&
			check_eq "iproute2: $obj attached in driver mode" \
				"$(ip -j link show eth0 | jget - 'd[0]["xdp"]["mode"]')" 1
		check "iproute2: xdpdrv off" ip link set dev eth0 xdpdrv off
	done
}

# bpf_suite DIR: the test_run suite of the build in DIR
bpf_suite() {
	local dir=$1 log n
	log=$WORK/bpf-$(basename "$1").log
	if timeout -k 5 600 "$dir/tests/test_prog" >"$log" 2>&1; then
		n=$(awk '/^\[  PASSED  \]/ { n += $4 } END { print n + 0 }' "$log")
		echo "ok - bpf: $dir/tests/test_prog: $n tests passed"
		echo ok >>"$RESULTS"
	else
		echo "FAIL - bpf: $dir/tests/test_prog"
		grep -E '^\[  (FAILED|ERROR)|^\[  PASSED' "$log" | sed 's/^/#   /'
		grep -vE '^\[ +(RUN|OK) +\]' "$log" | tail -n 60 | sed 's/^/#   /'
		echo fail >>"$RESULTS"
	fi
}

part_bpf() {
	bpf_suite "$BUILD"
	if [ -x "$BUILD/clang19/tests/test_prog" ]; then
		bpf_suite "$BUILD/clang19"
	else
		note "no clang-19 build in $BUILD/clang19; its suite is not run"
	fi
}

part_e2e() {
	local n=2000 m=500 s1 s2 mode=$ZC_MODE

	check "e2e: load and rules" setup_prog || return
	listen e2e-k --port $PORT_K --bind $IP_D --expect $m --timeout 60
	run_bg e2e --mode capture --write "$WORK/e2e.pcap" --duration 120 $ZC_FLAG
	check "e2e: run starts" run_ready 1 || { run_stop; return; }
	check_eq "e2e: status shows the running consumer's queue in $mode mode" \
		"$(consumer_mode)" "$mode"
	s1=$(send --dport $PORT --count $n --flow 1 --rate 4000)
	s2=$(send --dport $PORT_K --count $m --flow 2 --rate 2000)
	check_eq "e2e: all $n + $m sent" "$s1+$s2" "$n+$m"
	wait_act xsk $n
	sleep 0.5
	run_stop
	wait_for "$LPID" 30
	check_eq "e2e: run exits 0" "$RUN_RC" 0
	check_eq "e2e: the queue ran in $mode mode ($ZC_WHY)" \
		"$(rj '(d["queues"][0]["mode"], d["queues"][0]["mode_reason"])')" "('$mode', '$ZC_WHY')"
	check_eq "e2e: consumer rx_packets == $n" "$(rj 'd["rx_packets"]')" $n
	check_eq "e2e: captured == $n, none missed" \
		"$(rj '(d["captured"], d["capture_missed"])')" "($n, 0)"
	check_eq "e2e: no rx_dropped, rx_ring_full" \
		"$(rj 'sum(q["rx_dropped"] + q["rx_ring_full"] for q in d["queues"])')" 0
	check "e2e: the capture holds seq 0..$((n - 1)) once each, in order, payloads intact" \
		"$PY" "$XSKT/pcap_check.py" "$WORK/e2e.pcap" --port $PORT --flow 1 --count $n
	check_eq "e2e: kernel socket got exactly $m, in order, no duplicate" \
		"$(jget "$LOUT" '(d["received"], d["duplicates"], d["out_of_order"], d["foreign"])')" \
		"($m, 0, 0, 0)"
	check_eq "e2e: stats: xsk == $n, pass == $m" "$(act_pkts xsk) $(act_pkts pass)" "$n $m"
	check_eq "e2e: rule dport $PORT counted $n" "$(rule_pkts $PORT)" $n
	"$XF" unload eth0 >/dev/null
}

# listen_back NAME PORT N: count, on eth1, the N frames to PORT that come
# back from eth0 with the MACs swapped
listen_back() {
	listen "$1" --ns --raw eth1 --port "$2" --dmac "$(ing cat /sys/class/net/eth1/address)" \
		--smac "$(cat /sys/class/net/eth0/address)" --expect "$3" --linger 0.5 --timeout 60
}

# send_back NAME PORT N FLOW: send N frames to PORT; all must come back
send_back() {
	check_eq "$1: all $3 sent" "$(send --dport "$2" --count "$3" --flow "$4" --rate 2000)" "$3"
	wait_for "$LPID" 60
	check_eq "$1: eth1 got all $3 back, MACs swapped, in order" \
		"$(jget "$LOUT" '(d["received"], d["duplicates"], d["out_of_order"], d["mac_bad"])')" \
		"($3, 0, 0, 0)"
}

part_l2fwd() {
	local n=1000

	check "l2fwd: load and rules" setup_prog || return
	listen_back l2fwd $PORT $n
	run_bg l2fwd --mode l2fwd --duration 120 $ZC_FLAG
	check "l2fwd: run starts" run_ready 1 || { run_stop; return; }
	send_back l2fwd $PORT $n 3
	run_stop
	check_eq "l2fwd: run exits 0" "$RUN_RC" 0
	check_eq "l2fwd: the queue ran in $ZC_MODE mode" "$(rj 'd["queues"][0]["mode"]')" "$ZC_MODE"
	check_eq "l2fwd: consumer rx == tx == $n" "$(rj '(d["rx_packets"], d["tx_packets"])')" "($n, $n)"
	"$XF" unload eth0 >/dev/null
}

part_tx() {
	local n=1000

	check "tx: load and rules" setup_prog || return
	listen_back tx $PORT_TX $n
	send_back tx $PORT_TX $n 4
	check_eq "tx: stats: tx == $n" "$(act_pkts tx)" $n
	"$XF" unload eth0 >/dev/null
}

part_zerocopy() {
	local out=$WORK/zc.out err=$WORK/zc.err rc=0

	check "zerocopy: load" setup_prog || return
	timeout -k 2 60 "$XF" run eth0 --zero-copy --duration 1 --quiet --json >"$out" 2>"$err" || rc=$?
	if [ "$ZC_MODE" = zero-copy ]; then
		[ "$rc" = 0 ] || sed 's/^/#   /' "$err"
		check_eq "zerocopy: run --zero-copy starts and exits 0" "$rc" 0
		check_eq "zerocopy: granted zero-copy" "$(jget "$out" 'd["queues"][0]["mode"]')" zero-copy
	else
		check_eq "zerocopy: run --zero-copy refuses to start (exit 1)" "$rc" 1
		check "zerocopy: and says the driver does not offer zero-copy" \
			grep -q "does not offer zero-copy" "$err"
		sed 's/^/#   /' "$err"
	fi
	rc=0
	timeout -k 2 60 "$XF" run eth0 --copy --duration 1 --quiet --json >"$out" 2>"$err" || rc=$?
	check_eq "zerocopy: run --copy runs in copy mode" \
		"$rc $(jget "$out" 'd["queues"][0]["mode"]')" "0 copy"
	"$XF" unload eth0 >/dev/null
}

# eth2 is QEMU's default virtio-net device (no VIRTIO_F_ACCESS_PLATFORM),
part_meta() {
	local n=500 out=$WORK/meta.json err=$WORK/meta.err id pid _
	local fc=$BUILD/tests/flowcount

	check "meta: load and rules" setup_prog || return
	id=$("$XF" rule list eth0 --json | jget - "[r['id'] for r in d if r['dport'] == $PORT][0]")
	"$fc" eth0 --json >"$out" 2>"$err" &
	pid=$!
	BG+=("$pid")
	for _ in $(seq 1000); do	# 20 s: its line says every socket is in the map
		grep -q " mode$" "$err" && break
		alive "$pid" || break
		sleep 0.02
	done
	check "meta: flowcount binds eth0 in $ZC_MODE mode" grep -q ", $ZC_MODE mode$" "$err"
	check_eq "meta: $n sent" "$(send --dport $PORT --count $n --flow 5 --rate 4000)" $n
	wait_act xsk $n
	kill -INT "$pid"
	wait_for "$pid" 30
	check_eq "meta: flowcount exits 0" "$WRC" 0
	check_eq "meta: all $n frames carried metadata naming rule $id, none without" \
		"$(jget "$out" '(d["frames"], d["no_metadata"], [(r["rule"], r["packets"]) for r in d["rules"]])')" \
		"($n, 0, [($id, $n)])"
	check_eq "meta: one flow, UDP to $PORT, read at the metadata's offsets" \
		"$(jget "$out" '[(f["proto"], f["dport"], f["packets"]) for f in d["flows"]]')" \
		"[('udp', $PORT, $n)]"
	"$XF" unload eth0 >/dev/null
}

# alone on its hub: whatever the driver reports, zero-copy cannot bind
# there, and run must say so and fall back.
part_zcplain() {
	local out=$WORK/zp.out err=$WORK/zp.err rc=0 why

	# tried and refused where the kernel reports zero-copy or nothing; not
	# tried where it reports none (ETH2_WHY, from expect_row)
	why=$ETH2_WHY
	check "zcplain: load on eth2" "$XF" load eth2 --mode native || return
	timeout -k 2 60 "$XF" run eth2 --duration 1 --quiet --json >"$out" 2>"$err" || rc=$?
	check_eq "zcplain: run on eth2 falls back to copy mode ($why)" \
		"$rc $(jget "$out" '(d["queues"][0]["mode"], d["queues"][0]["mode_reason"])')" \
		"0 ('copy', '$why')"
	sed 's/^/#   /' "$err"
	rc=0
	timeout -k 2 60 "$XF" run eth2 --zero-copy --duration 1 --quiet >"$out" 2>"$err" || rc=$?
	check_eq "zcplain: run --zero-copy on eth2 refuses to start (exit 1)" "$rc" 1
	check "zcplain: and names zero-copy as the reason" grep -q "zero-copy" "$err"
	sed 's/^/#   /' "$err"
	"$XF" unload eth2 >/dev/null
}

# expect_row: what this kernel must report and grant, stated here so that a
# broken feature reader fails instead of lowering the bar.  Sets FEAT_KNOWN
# (XDP features reported), ZC_KNOWN (eth0's xsk_zerocopy: True, False or None
# when not reported), ZC_MODE, ZC_FLAG and ZC_WHY (eth0's queue), ETH2_ZC and
# ETH2_WHY (eth2, the device without ACCESS_PLATFORM); fails for a release
# with no row.
expect_row() {
	case $KVER in
	6.1.*)	# no netdev genetlink family: features unknown, the bind is tried
		MP_OK=yes
		FEAT_KNOWN=False ZC_KNOWN=None ETH2_ZC=None
		ZC_MODE=copy ZC_FLAG='' ZC_WHY=zero-copy-bind-refused
		ETH2_WHY=zero-copy-bind-refused ;;
	6.12.*)	# features reported, virtio-net has no zero-copy yet
		MP_OK=yes
		FEAT_KNOWN=True ZC_KNOWN=False ETH2_ZC=False
		ZC_MODE=copy ZC_FLAG='' ZC_WHY=driver-reports-no-zero-copy
		ETH2_WHY=driver-reports-no-zero-copy ;;
	7.*)	# unstable: granted with ACCESS_PLATFORM, refused on eth2
		MP_OK=yes
		FEAT_KNOWN=True ZC_KNOWN=True ETH2_ZC=True
		ZC_MODE=zero-copy ZC_FLAG=--zero-copy ZC_WHY=granted
		ETH2_WHY=zero-copy-bind-refused ;;
	*)	return 1 ;;
	esac
}

eth2_feature() {	# eth2_feature KEY: features.KEY of features --json (None: unknown)
	"$XF" features eth2 --json | jget - "(d['features'] or {}).get('$1')"
}

# ------------------------------------------------------------------ setup

setup() {
	local mac0 mac1 ns
	check "modules: virtio_net, veth, 8021q" modprobe -d "$XF_MODROOT" -a virtio_net veth 8021q ||
		return 1
	for ns in "" "$NSG"; do
		[ -n "$ns" ] && { ip netns add "$ns" || return 1; }
		ip ${ns:+-n "$ns"} link set lo up
	done
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ing sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link set eth1 netns "$NSG" || return 1
	ing sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
	sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip link set eth2 up || return 1
	sysctl -qw net.ipv6.conf.eth2.disable_ipv6=1
	ip addr add $IP_D/24 dev eth0 && ip link set eth0 up &&
		ing ip addr add $IP_G/24 dev eth1 && ing ip link set eth1 up || return 1
	mac0=$(cat /sys/class/net/eth0/address)
	mac1=$(ing cat /sys/class/net/eth1/address)
	ip neigh replace $IP_G lladdr "$mac1" dev eth0 nud permanent &&
		ing ip neigh replace $IP_D lladdr "$mac0" dev eth1 nud permanent
}

main() {
	local t0

	t0=$(now)
	echo "# kernel $KVER, $(nproc) CPUs; eth0: $(ethtool -i eth0 2>/dev/null | sed -n 's/^driver: //p')"
	if ! setup; then
		check "setup: namespaces, addresses, neighbours" false
	else
		# The expected row is this file's, keyed on the kernel release;
		# `features` is checked against it, never the source of it.
		if ! expect_row; then
			check "setup: an expected row for kernel $KVER (6.1.x, 6.12.x or 7.x)" false
			PARTS=
		else
			check_eq "features: eth0's XDP features are $([ "$FEAT_KNOWN" = True ] &&
				echo reported || echo unknown), zero-copy $ZC_KNOWN (None: not reported)" \
				"$("$XF" features eth0 --json | jget - '(d["xdp_features"] is not None,
					(d["features"] or {}).get("xsk_zerocopy"))')" \
				"($FEAT_KNOWN, $ZC_KNOWN)"
			check_eq "features: eth2's driver reports zero-copy $ETH2_ZC (None: not reported)" \
				"$(eth2_feature xsk_zerocopy)" "$ETH2_ZC"
			FEAT_WORD=$([ "$FEAT_KNOWN" = True ] && echo reported || echo unknown)
			"$XF" features eth0 | sed 's/^/#   /'
		fi
		run_parts
	fi
	guest_end "$t0"
}

main
