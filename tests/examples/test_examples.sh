#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/examples/test_examples.sh - the library as a user outside the tree
# sees it, and the XSKMAP contract.
#
#   build      make install DESTDIR=<scratch>; the installed examples build
#              with only `pkg-config --cflags --libs libxdpfwd` (PKG_CONFIG_PATH
#              and PKG_CONFIG_SYSROOT_DIR into the scratch root, nothing of the
#              tree), and refuse bad input
#   flowcount  exact counts per flow and per rule id, from the metadata
#   udpecho    every datagram answered, IPv4 and IPv6, checked by a kernel
#              UDP socket on the other side (payload and count exact)
#   libxdp     a consumer on libxdp's xsk API alone (xsk_libxdp.c) bound to
#              xdp-fwd's pinned XSKMAP gets exactly what the rules steer
#
#      namespace A                      namespace B
#   a0 192.0.2.1/24  <--- veth --->  b0 192.0.2.2/24   xdp-fwd, the examples
#      2001:db8:e::1/64                 2001:db8:e::2/64 (udpecho only)
#
# tests/lib/veth.sh makes the namespaces (names with our pid) and a fresh
# pair per scenario, and runs each scenario in ONE `ip netns exec B` (the
# bpffs holding the pins must outlive the scenario's commands); a trap
# deletes both namespaces on every way out.  Senders are bounded in count and
# time.  Prints "ok - NAME" / "FAIL - NAME" and last
# "examples: N passed, M failed"; exit 0, 1, or 77 (skipped: not root, a tool
# missing).
#
#   XDP_FWD=path     the tool (default build/xdp-fwd)
#   XSK_LIBXDP=path  the contract's consumer (default build/tests/xsk_libxdp)
#   EX_ONLY="flowcount udpecho libxdp"   run only these (build always runs)
#   EX_KEEP=1        keep the scratch directory

# Functions run through check and traps look unreachable to shellcheck.
# shellcheck disable=SC2317,SC2086,SC2016

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
XL=${XSK_LIBXDP:-$ROOT/build/tests/xsk_libxdp}
PY=/usr/bin/python3
SENDER=$ROOT/tests/xsk/udp_send.py
export PYTHONDONTWRITEBYTECODE=1
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"

IP_A=192.0.2.1
IP_B=192.0.2.2
IP6_A=2001:db8:e::1
IP6_B=2001:db8:e::2
SCENARIOS="build flowcount udpecho libxdp"
DEST_SUB=dest		# $WORK/dest: the scratch DESTDIR
EX_SUB="ex"		# $WORK/ex: the installed examples, copied and built

###########################################################################
# inner half: one scenario, in namespace B

BG=()

inner_cleanup() {
	local p
	for p in "${BG[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.1
	for p in "${BG[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	umount /sys/fs/bpf 2>/dev/null
}

ina() {
	ip netns exec "$NSA" "$@"
}

# example NAME ARGS...: an installed example, on the installed library
example() {
	local name=$1
	shift
	LD_LIBRARY_PATH=$WORK/$DEST_SUB/usr/lib "$WORK/$EX_SUB/$name" "$@"
}

# ex_bg NAME ARGS...: the example NAME on b0 in the background, --json;
# EX_PID, EX_OUT, EX_ERR
ex_bg() {
	local name=$1
	shift
	EX_OUT=$WORK/$name.json
	EX_ERR=$WORK/$name.err
	# exec: EX_PID is the example's own pid, which the signals must reach
	(LD_LIBRARY_PATH=$WORK/$DEST_SUB/usr/lib exec "$WORK/$EX_SUB/$name" b0 --json "$@") \
		>"$EX_OUT" 2>"$EX_ERR" &
	EX_PID=$!
	BG+=("$EX_PID")
}

# ex_ready: until the example says its sockets are bound (5 s)
ex_ready() {
	local _
	for _ in $(seq 250); do
		grep -q ': b0: [0-9]* queues\?, .* mode$' "$EX_ERR" 2>/dev/null && return 0
		alive "$EX_PID" || break
		sleep 0.02
	done
	echo "#   not ready; its stderr:"
	sed 's/^/#   /' "$EX_ERR"
	return 1
}

# ex_stop: SIGINT, wait for the exit (10 s); EX_RC
ex_stop() {
	kill -INT "$EX_PID" 2>/dev/null
	wait_for "$EX_PID" 10
	EX_RC=$WRC
}

ej() {
	jget "$EX_OUT" "$1"
}

# send DPORT COUNT FLOW [ARGS...]: udp_send.py from A, bounded; prints the number sent
send() {
	local dport=$1 count=$2 flow=$3
	shift 3
	timeout -k 2 30 ip netns exec "$NSA" "$PY" "$SENDER" --dst "$IP_B" --dport "$dport" \
		--count "$count" --flow "$flow" --rate 5000 --timeout 20 "$@" | jget - 'd["sent"]'
}

# rule_id PORT: the id of the rule matching dport PORT
rule_id() {
	"$XF" rule list b0 --json 2>/dev/null | jget - "[r['id'] for r in d if r['dport'] == $1][0]"
}

# rules PORT:ACTION...: load xdp-fwd on b0 with one UDP rule per port
rules() {
	local r
	"$XF" load b0 >/dev/null || return 1
	for r in "$@"; do
		"$XF" rule add b0 proto udp dport "${r%%:*}" action "${r#*:}" >/dev/null || return 1
	done
}

###########################################################################
# the scenarios

scen_build() {
	local dest=$WORK/$DEST_SUB ex=$WORK/$EX_SUB pc rc
	pc="PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest"

	check "build: make install DESTDIR=<scratch> PREFIX=/usr" \
		${MAKE:-make} -C "$ROOT" --no-print-directory install DESTDIR="$dest" PREFIX=/usr ||
		return
	check "build: the examples' sources are installed" \
		cp -r "$dest/usr/share/doc/xdp-fwd/examples" "$ex" || return
	check "build: pkg-config finds libxdpfwd in the scratch root" \
		env $pc pkg-config --exists libxdpfwd
	# a fresh environment: nothing of the tree on any search path
	env -i PATH=/usr/bin:/bin $pc make -C "$ex" >"$WORK/ex-build.log" 2>&1
	rc=$?
	check_eq "build: make in the copied examples exits 0 (pkg-config only)" "$rc" 0
	[ $rc = 0 ] || { sed 's/^/#   /' "$WORK/ex-build.log"; return; }
	check "build: its compiler lines point into the scratch root, never the tree" \
		bash -c "grep -q -- '-I$dest/usr/include/xdpfwd' '$WORK/ex-build.log' &&
			! grep -q -- '$ROOT' '$WORK/ex-build.log'"
	check "build: flowcount links the installed libxdpfwd.so.2" bash -c \
		"LD_LIBRARY_PATH='$dest/usr/lib' ldd '$ex/flowcount' | grep -q '$dest/usr/lib/libxdpfwd.so.2'"
	check "build: README quotes flowcount's processor as examples/flowcount.c has it" \
		"$PY" -c '
import sys
readme, src = open(sys.argv[1]).read(), open(sys.argv[2]).read()
quote = readme.split("This\nis flowcount\x27s whole processor")[1].split("```c\n")[1].split("```")[0]
sys.exit(not (quote.count("\n") >= 20 and quote in src))' "$ROOT/README.md" "$ROOT/examples/flowcount.c"
	for e in flowcount udpecho; do
		check "build: $e --help exits 0" example $e --help
		example $e b0 --count nine >/dev/null 2>"$WORK/bad.err"
		check_eq "build: $e --count nine exits 2" "$?" 2
		check "  ... naming it" grep -q "bad --count 'nine'" "$WORK/bad.err"
		example $e b0 --duration -1 >/dev/null 2>"$WORK/bad.err"
		check_eq "build: $e --duration -1 exits 2" "$?" 2
		example $e nosuch0 >/dev/null 2>"$WORK/bad.err"
		check_eq "build: $e on a missing interface exits 2" "$?" 2
		check "  ... naming it" grep -q "no interface 'nosuch0'" "$WORK/bad.err"
		example $e b0 --duration 5 >/dev/null 2>"$WORK/bad.err"
		check_eq "build: $e without xdp-fwd loaded exits 1" "$?" 1
		check "  ... saying xdp-fwd is not loaded" grep -q "not loaded" "$WORK/bad.err"
	done
}

# flowcount: 3 flows to one rule, 1 to another, 1 to a pass rule; each counted exactly.
scen_flowcount() {
	local n=100 m=250 k=80 ra rb

	check "flowcount: load and rules" rules 7000:xsk 7001:xsk 7002:pass || return
	ra=$(rule_id 7000)
	rb=$(rule_id 7001)
	ex_bg flowcount --duration 40
	check "flowcount: starts" ex_ready || { ex_stop; return; }
	check_eq "flowcount: sent $((3 * n)) to 7000 from 3 ports" \
		"$(send 7000 $((3 * n)) 1 --sport 41000-41002)" $((3 * n))
	check_eq "flowcount: sent $m to 7001" "$(send 7001 $m 2 --sport 42000)" $m
	check_eq "flowcount: sent $k to 7002 (pass)" "$(send 7002 $k 3 --sport 43000)" $k
	wait_xsk $((3 * n + m))
	ex_stop
	check_eq "flowcount: exits 0 on SIGINT" "$EX_RC" 0
	check_eq "flowcount: frames $((3 * n + m)), all with metadata, all IP, none lost" \
		"$(ej '(d["frames"], d["no_metadata"], d["not_ip"], d["lost"])')" \
		"($((3 * n + m)), 0, 0, 0)"
	check_eq "flowcount: per rule: $ra -> $((3 * n)), $rb -> $m" \
		"$(ej '[(r["rule"], r["packets"]) for r in d["rules"]]')" \
		"[($ra, $((3 * n))), ($rb, $m)]"
	check_eq "flowcount: per flow: rule, ports and count exact" \
		"$(ej '[(f["rule"], f["proto"], f["sport"], f["dport"], f["packets"]) for f in d["flows"]]')" \
		"[($ra, 'udp', 41000, 7000, $n), ($ra, 'udp', 41001, 7000, $n), ($ra, 'udp', 41002, 7000, $n), ($rb, 'udp', 42000, 7001, $m)]"
	check_eq "flowcount: every flow $IP_A -> $IP_B, IPv4" \
		"$(ej 'sorted({(f["family"], f["src"], f["dst"]) for f in d["flows"]})')" \
		"[('ipv4', '$IP_A', '$IP_B')]"
	check_eq "flowcount: bytes per flow are its frames' (60 each: padded 56)" \
		"$(ej 'sum(f["bytes"] for f in d["flows"]) == sum(r["bytes"] for r in d["rules"])')" True
}

ipv6_up() {
	sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.b0.disable_ipv6=0 &&
		ina sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.a0.disable_ipv6=0 &&
		ip addr add "$IP6_B/64" dev b0 nodad &&
		ina ip addr add "$IP6_A/64" dev a0 nodad &&
		ip neigh replace "$IP6_A" lladdr "$MAC_A" dev b0 nud permanent &&
		ina ip neigh replace "$IP6_B" lladdr "$MAC_B" dev a0 nud permanent
}

# client ADDR COUNT: echo_client.py from A against udpecho; its JSON on stdout
client() {
	timeout -k 2 30 ip netns exec "$NSA" "$PY" "$HERE/echo_client.py" --dst "$1" --port 7007 \
		--count "$2" --size 100 --rate 2000 --timeout 20
}

scen_udpecho() {
	local n4=300 n6=200

	check "udpecho: IPv6 on the pair" ipv6_up || return
	check "udpecho: load and rule" rules 7007:xsk || return
	ex_bg udpecho --duration 40
	check "udpecho: starts" ex_ready || { ex_stop; return; }
	client "$IP_B" $n4 >"$WORK/c4.json"
	check_eq "udpecho: IPv4: $n4 sent, each answered once, byte for byte" \
		"$(jget "$WORK/c4.json" '(d["sent"], d["matched"], d["mismatched"], d["duplicates"])')" \
		"($n4, $n4, 0, 0)"
	client "$IP6_B" $n6 >"$WORK/c6.json"
	check_eq "udpecho: IPv6: $n6 sent, each answered once, byte for byte" \
		"$(jget "$WORK/c6.json" '(d["sent"], d["matched"], d["mismatched"], d["duplicates"])')" \
		"($n6, $n6, 0, 0)"
	ex_stop
	check_eq "udpecho: exits 0 on SIGINT" "$EX_RC" 0
	check_eq "udpecho: answered $n4 IPv4 and $n6 IPv6, skipped none" \
		"$(ej '(d["echoed_ipv4"], d["echoed_ipv6"], d["skipped"])')" "($n4, $n6, 0)"
	check_eq "udpecho: rx == tx == $((n4 + n6)), nothing lost on TX" \
		"$(ej '(d["rx_packets"], d["tx_packets"], d["tx_dropped"])')" \
		"($((n4 + n6)), $((n4 + n6)), 0)"
}

# libxdp: the contract.  7100 is steered to queue 0's socket, which is the
# libxdp consumer's; 7101 passes to a kernel socket.
scen_libxdp() {
	local n=400 m=150 id out=$WORK/xl.json lpid pins

	check "libxdp: load and rules" rules 7100:xsk 7101:pass || return
	id=$(rule_id 7100)
	"$PY" "$ROOT/tests/xsk/udp_recv.py" --port 7101 --bind "$IP_B" --expect $m --timeout 20 \
		--ready "$WORK/k.ready" >"$WORK/k.json" &
	lpid=$!
	BG+=("$lpid")
	wait_file "$WORK/k.ready"
	# the contract: the XSKMAP is in the pin directory status names
	pins=$("$XF" status b0 --json | jget - 'd["pin_dir"]')
	"$XL" b0 0 "$pins/xsks" --expect $n --timeout 25 --ready "$WORK/xl.ready" \
		>"$out" 2>"$WORK/xl.err" &
	EX_PID=$!
	BG+=("$EX_PID")
	check "libxdp: the consumer binds and joins xdp-fwd's XSKMAP" wait_file "$WORK/xl.ready" ||
		sed 's/^/#   /' "$WORK/xl.err"
	check_eq "libxdp: sent $n to 7100" "$(send 7100 $n 5 --sport 44000-44003)" $n
	check_eq "libxdp: sent $m to 7101" "$(send 7101 $m 6)" $m
	wait_for "$EX_PID" 30
	check_eq "libxdp: the consumer got all it expected (exit 0)" "$WRC" 0
	check_eq "libxdp: received exactly $n, all to 7100, none twice" \
		"$(jget "$out" '(d["received"], d["dports"], d["duplicates"])')" "($n, {'7100': $n}, 0)"
	check_eq "libxdp: each carries xdp-fwd's metadata naming rule $id" \
		"$(jget "$out" '(d["rules"], d["no_meta"], d["bad_meta"])')" "({'$id': $n}, 0, 0)"
	wait_for "$lpid" 15
	check_eq "libxdp: the kernel socket got the $m passed, none twice" \
		"$(jget "$WORK/k.json" '(d["received"], d["duplicates"])')" "($m, 0)"
	check_eq "libxdp: xdp-fwd counted $n to xsk, none without a socket" \
		"$(xsk_pkts),$(nosock_pkts)" "$n,0"
}

inner() {
	vh_inner_begin
	cores_init || check "core dumps into $WORK/cores" false
	"scen_$1"
	exit 0
}

###########################################################################
# outer half: namespaces, links, one inner process per scenario

VH_SUITE=examples VH_TAG=e VH_TIMEOUT=60 VH_KEEP=${EX_KEEP:-}
VH_ONLY="build ${EX_ONLY:-${SCENARIOS#build }}"
VH_TOOLS="ip timeout make pkg-config cc ldd"
vh_queues() {
	echo 1
}
# shellcheck source=tests/lib/veth.sh
. "$ROOT/tests/lib/veth.sh"

if [ "${1:-}" = --inner ]; then
	inner "$2"
elif [ ! -x "$XL" ]; then
	echo "examples: $XL is not built (make $XL)" >&2
	exit 1
else
	vh_outer
fi
