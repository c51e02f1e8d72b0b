#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/robust/test_robust.sh - robustness of xdp-fwd: bad input, concurrent
# writers under traffic, faults, and the trust placed in the pin directory.
#
# Two network namespaces of our own, xft-rb-a-PID and xft-rb-b-PID, joined by
# a veth pair: a0 (192.0.2.1/24, in A) and b0 (192.0.2.2/24, in B); B also
# holds a second pair c0/c1.  IPv6 is off on every test device and
# neighbours are static, so the only frames b0 sees are the ones a test sends.
# Traffic goes only from A to B: `xdp-fwd gen` on a0 (always bounded by
# --count and --duration, under `timeout`).  A trap removes both namespaces
# on every way out (and so the veths, every program on them and the bpffs
# holding the pins).
#
# The scenarios run in ONE `ip netns exec B` process (this script again,
# with --inner) that mounts its own bpffs, because every `ip netns exec`
# gets a fresh mount namespace.
#
#   r1  bad input to every command; after each, the state read back
#       (rule list, policy, status, port list, the config map, the pins,
#       the attached program) is what it was
#   r2  two writers adding and deleting rules at once under traffic: the
#       table afterwards is exactly what their operations imply; and the
#       data path never sees a torn rule (default drop, every rule that can
#       match the flow drops: a single pass would be a torn read)
#   r3  faults: foreign program, interface deleted (loaded, and under `run`),
#       rule table full
#   r4  access: modes of the pins, non-root users, and the pin directory
#       swapped for a symlink, opened up, or holding a map of the wrong kind
#
# Prints "ok - NAME" / "FAIL - NAME" per check (checks for bugs this suite
# found say which bug if it comes back), then exactly
# "robust: N passed, M failed".
# Exit 0 all passed, 1 some failed, 77 skipped (not root, no netns/veth).
#
# Needs: ip, bpftool, python3, timeout, setpriv, unshare.

set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
: "${BUILD_DIR:=$ROOT/build}"
XF=${XDP_FWD:-$BUILD_DIR/xdp-fwd}
DROP_OBJ=$BUILD_DIR/xdp_drop.bpf.o
TOOLS=$HERE/rb_tools.py
PCAPS=${XFT_PCAPS:-$ROOT/../shared/pcaps}
PCAP=$PCAPS/tfo-5c1fa7f9ae91.pcap	# 14 Ethernet frames, classic pcap

IP_A=192.0.2.1
IP_B=192.0.2.2
PIN_ROOT=/sys/fs/bpf/xdp-fwd
# pins are per network namespace (net<INODE>); what matters is the inner half's, in B
NS_PINS=$PIN_ROOT/net$(stat -L -c %i /proc/self/ns/net)
PINS=$NS_PINS/b0
TORN_ROUNDS=20		# rounds each torn-rule writer does, however fast it is
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

###########################################################################
# result helpers: tests/lib/harness.sh, and known

# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
SUITE=robust
JGET_NULL=null JGET_ERR="?"	# what the checks below compare with

# known NAME BUG CMD...: a check for a bug this suite found (and that was
# fixed); BUG says what it was, shown when it comes back.
known() {
	local name=$1 bug=$2
	shift 2
	if "$@"; then
		pass_ "$name"
	else
		fail_ "$name" "regression of: $bug"
	fi
}

###########################################################################
# inner half: runs in namespace B, in a mount namespace of its own

ina() { ip netns exec "$NSA" "$@"; }

# xfr ARGS: run xdp-fwd (bounded); RC, OUT, ERR
xfr() {
	RC=0
	OUT=$(timeout 30 "$XF" "$@" 2>"$WORK/stderr" </dev/null) || RC=$?
	ERR=$(head -c 4000 "$WORK/stderr")
}

xjson() {	# xjson EXPR ARGS: EXPR over the JSON `xdp-fwd ARGS` prints
	local expr=$1 out
	shift
	out=$(timeout 30 "$XF" "$@" 2>/dev/null) || out=null
	jget - "$expr" <<<"$out"
}
status_field() { xjson "d['$1']" status "${2:-b0}" --json; }
rule_count() { xjson "len(d)" rule list b0 --json; }
counters() { python3 "$TOOLS" counters "$PINS" 2>/dev/null || echo null; }
# counters_settled: the counters once frames in flight have landed: two
# reads 0.1 s apart agree (at most 5 s of reads)
counters_settled() {
	local a b _
	b=$(counters)
	for _ in $(seq 50); do
		a=$b
		sleep 0.1
		b=$(counters)
		[ "$a" = "$b" ] && break
	done
	echo "$b"
}
# wait_passed C0 N: until the pass counter is N above C0's (at most 10 s)
wait_passed() {
	local _
	for _ in $(seq 100); do
		[ "$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(b["actions"][0]-a["actions"][0])' "$1" "$(counters)" 2>/dev/null)" = "$2" ] &&
			return 0
		sleep 0.1
	done
	return 1
}
has_xdp_prog() {	# has_xdp_prog DEV [NAME]
	local out
	out=$(ip -d link show dev "$1" 2>/dev/null) || return 1
	grep -q "prog/xdp" <<<"$out" || return 1
	[ -z "${2:-}" ] || grep -q "prog/xdp id [0-9]* name $2 " <<<"$out"
}
no_xdp_prog() { ! has_xdp_prog "$1"; }
pins_gone() { [ ! -e "${1:-$PINS}" ]; }
stderr_has() { grep -qF -- "$1" <<<"$ERR"; }
stderr_matches() { grep -qE -- "$1" <<<"$ERR"; }
rc_in() { [[ " $2 " == *" $1 "* ]]; }
failed_with_message() { [ "$RC" -ge 1 ] && [ "$RC" -lt 124 ] && [ -n "$ERR" ]; }

# Everything a command could have changed on b0, read back.
snapshot() {
	"$XF" rule list b0 --json 2>&1 || true
	"$XF" policy b0 --json 2>&1 || true
	"$XF" status b0 --json 2>&1 || true
	"$XF" port list b0 2>&1 || true
	ip -d link show dev b0 2>&1 | grep -o 'prog/xdp id [0-9]*' || echo "no xdp on b0"
	ls -lnA "$PINS" 2>&1 | awk 'NR > 1 { print $1, $3, $4, $NF }' || true
	bpftool map dump pinned "$PINS/config" -j 2>&1 || true	# active_set flips on any write
}

# bad NAME RCS PATTERN ARGS...: `xdp-fwd ARGS` (run by ${RUNAS[@]} when set)
# exits with one of RCS, in time, not by a signal, with PATTERN in stderr
# (fixed strings, one per line: any of them), and b0's state read back is
# $BASE.  KNOWN_BUG names a bug this case once found (shown if it returns).
RUNAS=()
KNOWN_BUG=
bad() {
	local name=$1 rcs=$2 pat=$3 why="" now
	shift 3
	RC=0
	"${RUNAS[@]}" timeout 20 "$XF" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || RC=$?
	ERR=$(head -c 2000 "$WORK/err")
	now=$(snapshot)
	if [ "$RC" -eq 124 ]; then
		why="hung: killed after 20 s"
	elif [ "$RC" -ge 125 ]; then
		why="crashed or could not run (exit $RC)"
	elif ! rc_in "$RC" "$rcs"; then
		why="exit $RC, want $rcs"
	elif [ "$now" != "$BASE" ]; then
		why="the state changed: $(diff <(echo "$BASE") <(echo "$now") | head -8)"
	elif ! grep -qF -- "$pat" "$WORK/err"; then
		why="stderr does not name '${pat//$'\n'/' or '}'"
		[ -z "$KNOWN_BUG" ] || why="$why (regression of: $KNOWN_BUG)"
	fi
	KNOWN_BUG=
	if [ -z "$why" ]; then
		pass_ "$name (exit $RC)"
	else
		fail_ "$name" "$why" "cmd: xdp-fwd $*" "stderr: $ERR"
	fi
}

# veth_up: b0 (here) <-> a0 (in A), addresses, static neighbours, no IPv6.
veth_up() {
	ip link add b0 type veth peer name a0 netns "$NSA"
	sysctl -qw net.ipv6.conf.b0.disable_ipv6=1
	ina sysctl -qw net.ipv6.conf.a0.disable_ipv6=1
	ip addr add "$IP_B/24" dev b0
	ip link set dev lo up
	ip link set dev b0 up
	ina ip addr add "$IP_A/24" dev a0
	ina ip link set dev lo up
	ina ip link set dev a0 up
	ina ip neigh replace "$IP_B" lladdr "$(mac_b)" dev a0 nud permanent
	ip neigh replace "$IP_A" lladdr "$(ina cat /sys/class/net/a0/address)" dev b0 nud permanent
}

# fresh [LOAD ARGS]: b0 loaded by xdp-fwd (ARGS), no rules, default policy.
fresh() {
	if [ -e "$PINS" ]; then "$XF" unload b0 >/dev/null 2>&1 || true; fi
	ip link set dev b0 xdp off 2>/dev/null || true
	"$XF" load b0 "$@" >/dev/null
}

mac_b() { cat /sys/class/net/b0/address; }	# b0 is re-created by some scenarios

# gen ARGS: xdp-fwd gen out of a0 towards b0, bounded by the caller's
# --count and --duration and by timeout; prints frames sent.
gen() {
	ina timeout 60 "$XF" gen a0 --dst-mac "$(mac_b)" --quiet --json "$@" 2>"$WORK/gen.err" |
		jget - "d['sent']"
}

###########################################################################
# r1: bad input

r1_bad_input() {
	echo "# r1: bad input to every command; the state must not change"
	fresh
	"$XF" rule add b0 proto udp dport 5001 action drop >/dev/null
	"$XF" rule add b0 proto udp dport 5002 priority 10 action pass >/dev/null
	"$XF" rule add b0 src 192.0.2.0/24 proto tcp action drop >/dev/null
	"$XF" policy b0 errors drop >/dev/null
	"$XF" port add b0 c0 >/dev/null
	BASE=$(snapshot)
	check "baseline: 3 rules" [ "$(rule_count)" = 3 ]

	local long=xxxxxxxxxxxxxxxxxxxxxxxxxx
	# the dispatcher
	bad "no command" 2 "usage" 
	bad "unknown global option" 2 "--bogus" --bogus status
	bad "unknown command" 2 "frobnicate" frobnicate b0
	# load / unload / status
	bad "load: no interface" 2 "needs an interface" load
	bad "load: extra argument" 2 "extra" load b0 extra
	bad "load: unknown mode" 2 "fast" load b0 --mode fast
	bad "load: --max-rules 0" 2 "'0'" load b0 --max-rules 0
	bad "load: --max-rules too large" 2 "99999999" load b0 --max-rules 99999999
	bad "load: --max-rules not a number" 2 "lots" load b0 --max-rules lots
	bad "load: --max-rules negative" 2 "-5" load b0 --max-rules -5
	bad "load: unknown option" 2 "--bogus" load b0 --bogus
	bad "load: missing option value" 2 "mode" load b0 --mode
	bad "load: unknown interface" 1 "xft-nosuch" load xft-nosuch
	bad "load: interface name with a slash" "1 2" "../b0" load ../b0
	bad "load: interface name too long" "1 2" "$long" load "$long"
	bad "load: double load" 1 "already loaded" load b0
	bad "load: double load --mode skb" 1 "already loaded" load b0 --mode skb
	bad "unload: no interface" 2 "unload IFACE" unload
	bad "unload: extra argument" 2 "unload IFACE" unload b0 extra
	bad "unload: nothing loaded on c0" 1 "not loaded on c0" unload c0
	bad "unload: unknown interface" 1 "xft-nosuch" unload xft-nosuch
	bad "unload: path in the name" "1 2" "../b0" unload ../b0
	bad "status: non-loaded interface" 1 "c0" status c0
	bad "status: unknown interface" 1 "xft-nosuch" status xft-nosuch
	bad "status: extra argument" 2 "extra" status b0 extra
	bad "status: unknown option" 2 "--bogus" status --bogus
	bad "status: path in the name" "1 2" "../b0" status ../b0
	# rule add
	bad "rule: no subcommand" 2 "usage" rule
	bad "rule: unknown subcommand" 2 "frob" rule frob b0
	bad "rule add: no interface" 2 "usage" rule add
	bad "rule add: no rule words" 2 "usage" rule add b0
	bad "rule add: no action" 2 "missing 'action'" rule add b0 proto udp
	bad "rule add: port 70000" 2 "70000" rule add b0 proto udp dport 70000 action drop
	bad "rule add: port -1" 2 "-1" rule add b0 proto udp sport -1 action drop
	bad "rule add: port abc" 2 "abc" rule add b0 proto udp dport abc action drop
	bad "rule add: port 1e3" 2 "1e3" rule add b0 proto udp dport 1e3 action drop
	bad "rule add: vlan 4096" 2 "4096" rule add b0 vlan 4096 action drop
	bad "rule add: vlan -1" 2 "-1" rule add b0 vlan -1 action drop
	bad "rule add: priority 2^31" 2 "2147483648" rule add b0 priority 2147483648 action drop
	bad "rule add: priority 2^64" 2 "18446744073709551616" \
		rule add b0 priority 18446744073709551616 action drop
	bad "rule add: priority x" 2 "priority 'x'" rule add b0 priority x action drop
	bad "rule add: prefix /33" 2 "33" rule add b0 src 192.0.2.0/33 action drop
	bad "rule add: prefix /-1" 2 "-1" rule add b0 src 192.0.2.0/-1 action drop
	bad "rule add: prefix /" 2 "192.0.2.0/" rule add b0 src 192.0.2.0/ action drop
	bad "rule add: IPv6 prefix /129" 2 "129" rule add b0 dst 2001:db8::/129 action drop
	bad "rule add: host bits set" 2 "192.0.2.1/24" rule add b0 src 192.0.2.1/24 action drop
	bad "rule add: bad address" 2 "300.1.2.3" rule add b0 src 300.1.2.3 action drop
	bad "rule add: very long address" 2 "bad prefix" rule add b0 dst "2001:db8:$long$long::/64" action drop
	bad "rule add: mixed families" 2 "different families" \
		rule add b0 src 192.0.2.0/24 dst 2001:db8::/64 action drop
	bad "rule add: unknown proto" 2 "bogus" rule add b0 proto bogus action drop
	bad "rule add: proto 256" 2 "256" rule add b0 proto 256 action drop
	bad "rule add: ports with proto icmp" 2 "ports need proto" \
		rule add b0 proto icmp dport 80 action drop
	bad "rule add: icmpv6 with an IPv4 prefix" 2 "icmpv6" \
		rule add b0 proto icmpv6 src 192.0.2.0/24 action drop
	bad "rule add: unknown action" 2 "bogus" rule add b0 proto udp action bogus
	bad "rule add: action without value" 2 "'action' needs a value" rule add b0 proto udp action
	bad "rule add: redirect without device" 2 "needs a device" rule add b0 action redirect
	bad "rule add: redirect to an unknown device" 1 "xft-nosuchdev" \
		rule add b0 dport 80 proto udp action redirect xft-nosuchdev
	bad "rule add: redirect to a bad device name" 2 "../x" rule add b0 action redirect ../x
	bad "rule add: unknown word" 2 "frob" rule add b0 frob 1 action drop
	bad "rule add: word without value" 2 "'dport' needs a value" rule add b0 dport
	bad "rule add: field twice" 2 "twice" rule add b0 proto udp dport 80 dport 81 action drop
	bad "rule add: priority twice" 2 "twice" rule add b0 priority 1 priority 2 action drop
	bad "rule add: words after the action" 2 "extra" rule add b0 proto udp action drop extra
	bad "rule add: unknown interface" 1 "xft-nosuch" rule add xft-nosuch proto udp action drop
	bad "rule add: duplicate of rule 1" 1 "rule 1 already matches" \
		rule add b0 proto udp dport 5001 action pass
	bad "rule add: duplicate with another priority" 1 "already matches" \
		rule add b0 proto udp dport 5002 priority 99 action drop
	# rule del / list / flush
	bad "rule del: no id" 2 "rule del IFACE ID" rule del b0
	bad "rule del: id that does not exist" 1 "9999" rule del b0 9999
	bad "rule del: id 0" 2 "'0'" rule del b0 0
	bad "rule del: id abc" 2 "abc" rule del b0 abc
	bad "rule del: id -1" 2 "-1" rule del b0 -1
	bad "rule del: id 2^32" 2 "4294967296" rule del b0 4294967296
	bad "rule del: two ids" 2 "unexpected '2'" rule del b0 1 2
	bad "rule del: unknown interface" 1 "xft-nosuch" rule del xft-nosuch 1
	bad "rule del: not loaded on c0" 1 "c0" rule del c0 1
	bad "rule list: no interface" 2 "rule list IFACE" rule list
	bad "rule list: extra argument" 2 "extra" rule list b0 extra
	bad "rule list: unknown interface" 1 "xft-nosuch" rule list xft-nosuch
	bad "rule flush: no interface" 2 "rule flush IFACE" rule flush
	bad "rule flush: extra argument" 2 "unexpected 'x'" rule flush b0 x
	bad "rule flush: unknown interface" 1 "xft-nosuch" rule flush xft-nosuch
	# rule load: all or nothing
	local f=$WORK/rules
	printf 'proto udp dport 6001 action drop\nproto udp dport 6002 action pass\nproto udp dport 99999 action drop\nproto tcp dport 80 action drop\n' >"$f-badport"
	printf 'proto udp dport 6001 action drop\nsrc 192.0.2.0/24 action drop\nvlan 7 action frob\n' >"$f-badaction"
	printf 'proto udp dport 6001 action drop\nproto udp dport 6002 action pass\nproto udp dport 6001 action pass\n' >"$f-dup"
	printf 'proto udp dport 6001 action drop\nproto udp dport 5001 action drop\n' >"$f-dupold"
	printf 'proto udp dport 6001 action drop\nproto udp dport 6003 action redirect xft-nosuchdev\n' >"$f-nodev"
	: >"$f-shapes"
	local i
	{	# 17 shapes: src /24../32 and dst /24../31
		for i in $(seq 24 32); do echo "src 192.0.2.0/$i action drop"; done
		for i in $(seq 24 31); do echo "dst 192.0.2.0/$i action drop"; done
	} >"$f-shapes"
	head -c 3000 /dev/urandom >"$f-binary"
	bad "rule load: no file" 2 "rule load IFACE FILE" rule load b0
	bad "rule load: two files" 2 "unexpected 'g'" rule load b0 f g
	bad "rule load: missing file" "1 2" "$WORK/nonexistent" rule load b0 "$WORK/nonexistent"
	bad "rule load: a directory" "1 2" "$WORK" rule load b0 "$WORK"
	bad "rule load: bad port on line 3" "1 2" "rules-badport:3:" rule load b0 "$f-badport"
	bad "rule load: bad action on line 3" "1 2" "rules-badaction:3:" rule load b0 "$f-badaction"
	bad "rule load: line 3 duplicates line 1" 1 "rules-dup:3:" rule load b0 "$f-dup"
	bad "rule load: line 2 duplicates rule 1" 1 "rules-dupold:2:" rule load b0 "$f-dupold"
	bad "rule load: redirect to a missing device" "1 2" "xft-nosuchdev" rule load b0 "$f-nodev"
	bad "rule load: 17 shapes" 1 "shapes" rule load b0 "$f-shapes"
	bad "rule load: random bytes" "1 2" "rules-binary" rule load b0 "$f-binary"
	bad "rule load: unknown interface" 1 "xft-nosuch" rule load xft-nosuch "$f-dup"
	# policy / port
	bad "policy: no interface" 2 "usage" policy
	bad "policy: unknown default action" 2 "bogus" policy b0 default bogus
	bad "policy: errors tx" 2 "tx" policy b0 errors tx
	bad "policy: default without action" 2 "default" policy b0 default
	bad "policy: default twice" 2 "default" policy b0 default drop default pass
	bad "policy: good and bad setting together" 2 "bogus" policy b0 default drop errors bogus
	bad "policy: redirect without device" 2 "needs a device" policy b0 default redirect
	bad "policy: redirect to an unknown device" 1 "xft-nosuchdev" \
		policy b0 default redirect xft-nosuchdev
	bad "policy: unknown word" 2 "frob" policy b0 frob
	bad "policy: unknown interface" 1 "xft-nosuch" policy xft-nosuch
	bad "policy: not loaded on c0" 1 "c0" policy c0 default drop
	bad "port: no arguments" 2 "usage" port
	KNOWN_BUG="cmd_policy.c do_port: an unknown subcommand gets only the usage line"
	bad "port: unknown subcommand" 2 "frob" port frob b0 c0
	bad "port add: no device" 2 "port add|del" port add b0
	bad "port add: unknown device" 1 "xft-nosuch" port add b0 xft-nosuch
	bad "port del: not in the list" 1 "not in the port list" port del b0 c1
	bad "port list: extra argument" 2 "port list IFACE" port list b0 c0
	bad "port list: unknown interface" 1 "xft-nosuch" port list xft-nosuch
	# stats
	bad "stats: no interface" 2 "stats IFACE" stats
	bad "stats: --interval 0" 2 "'0'" stats b0 --interval 0 --count 1
	bad "stats: --interval abc" 2 "abc" stats b0 --interval abc --count 1
	bad "stats: --interval nan" 2 "nan" stats b0 --interval nan --count 1
	bad "stats: --count without --interval" 2 "--count needs --interval" stats b0 --count 3
	bad "stats: --count 0" 2 "'0'" stats b0 --interval 1 --count 0
	bad "stats: unknown option" 2 "--bogus" stats b0 --bogus
	bad "stats: unknown interface" 1 "xft-nosuch" stats xft-nosuch
	# gen: every case carries --count and --duration bounds in case it is accepted
	local g=(gen b0 --count 10 --duration 1 --quiet)
	bad "gen: no interface" 2 "one interface" gen --count 10 --duration 1
	bad "gen: --size 5" 2 "'5'" "${g[@]}" --size 5
	bad "gen: --size 99999" 2 "99999" "${g[@]}" --size 99999
	bad "gen: --size too small for the headers" 2 "--size 20" "${g[@]}" --size 20
	bad "gen: --vlan 4095" 2 "4095" "${g[@]}" --vlan 4095
	bad "gen: --sport 70000" 2 "70000" "${g[@]}" --sport 70000
	bad "gen: --dport 9-3" 2 "9-3" "${g[@]}" --dport 9-3
	bad "gen: --rate 0" 2 "'0'" "${g[@]}" --rate 0
	bad "gen: --count 0" 2 "'0'" "${g[@]}" --count 0
	bad "gen: --duration -1" 2 "-1" "${g[@]}" --duration -1
	bad "gen: bad source address" 2 "300.1.2.3" "${g[@]}" --src 300.1.2.3
	bad "gen: IPv4 source with --ipv6" 2 "192.0.2.1" "${g[@]}" --ipv6 --src 192.0.2.1
	bad "gen: bad MAC" 2 "zz:00" "${g[@]}" --src-mac zz:00:00:00:00:00
	bad "gen: --cpus 99" 2 "99" "${g[@]}" --cpus 99
	bad "gen: unknown option" 2 "--bogus" "${g[@]}" --bogus
	bad "gen: unknown interface" 1 "xft-nosuch" gen xft-nosuch --count 10 --duration 1
	# run: every case carries --duration
	local r=(run b0 --duration 1 --quiet)
	bad "run: no interface" 2 "one interface" run --duration 1
	bad "run: unknown mode" 2 "frob" "${r[@]}" --mode frob
	bad "run: --batch 0" 2 "'0'" "${r[@]}" --batch 0
	bad "run: --ring-size 100" 2 "100" "${r[@]}" --ring-size 100
	bad "run: --frame-size 1000" 2 "1000" "${r[@]}" --frame-size 1000
	bad "run: --frames 10" 2 "'10'" "${r[@]}" --frames 10
	bad "run: --queues 5 (b0 has 1)" 2 "queue 5" "${r[@]}" --queues 5
	bad "run: --queues x" 2 "'x'" "${r[@]}" --queues x
	bad "run: --zero-copy with --copy" 2 "exclude" "${r[@]}" --zero-copy --copy
	bad "run: capture without --write" 2 "--write" "${r[@]}" --mode capture
	bad "run: --write without capture" 2 "--mode capture" "${r[@]}" --write "$WORK/x.pcap"
	bad "run: --cpus 99" 2 "99" "${r[@]}" --cpus 99
	bad "run: --duration 0" 2 "'0'" run b0 --duration 0
	bad "run: --count 0" 2 "'0'" "${r[@]}" --count 0
	bad "run: unknown interface" 1 "xft-nosuch" run xft-nosuch --duration 1
	# parse
	bad "parse: no capture" 2 "one capture" parse
	bad "parse: two captures" 2 "one capture" parse "$PCAP" "$PCAP"
	bad "parse: missing file" 1 "$WORK/nonexistent.pcap" parse "$WORK/nonexistent.pcap"
	bad "parse: not a capture" 1 "test_robust.sh" parse "$SELF"
	: >"$WORK/empty.pcap"
	bad "parse: empty file" 1 "$WORK/empty.pcap" parse "$WORK/empty.pcap"
	python3 "$TOOLS" rawip-pcap "$WORK/rawip.pcap"
	bad "parse: raw IP capture (link type 101)" 1 "not Ethernet" parse "$WORK/rawip.pcap"
	python3 "$TOOLS" bigcaplen-pcap "$WORK/big.pcap"
	bad "parse: record claiming 4 GB" 1 "big.pcap" parse "$WORK/big.pcap"
	bad "parse: --default bogus" 2 "bogus" parse --default bogus "$PCAP"
	bad "parse: --default redirect" 2 "redirect" parse --default redirect "$PCAP"
	bad "parse: --errors tx" 2 "tx" parse --errors tx "$PCAP"
	bad "parse: --rules missing" 2 "$WORK/nonexistent" parse --rules "$WORK/nonexistent" "$PCAP"
	bad "parse: --rules with a bad line 3" 2 "rules-badport:3:" parse --rules "$f-badport" "$PCAP"
	bad "parse: --rules with a duplicate" 1 "rules-dup:3:" parse --rules "$f-dup" "$PCAP"
	bad "parse: unknown option" 2 "--bogus" parse --bogus "$PCAP"

	r1_truncated
	r1_privileges
	r1_bpffs
	xfr unload b0
}

# A capture cut at several byte offsets: the whole packets, then a clear error.
r1_truncated() {
	echo "# r1: parse a capture cut short"
	local size ends cut whole n rc err
	size=$(stat -c %s "$PCAP")
	ends=$(python3 "$TOOLS" pcap-ends "$PCAP")
	check_eq "the shared capture has 14 records ending at its end" \
		"$(wc -l <<<"$ends") $(tail -n 1 <<<"$ends")" "14 $size"
	# in the file header, in a record header, in a record, one byte short
	for cut in 10 30 $(( $(sed -n 2p <<<"$ends") + 5 )) 200 $(( $(sed -n 7p <<<"$ends") + 30 )) \
		   $((size - 1)); do
		head -c "$cut" "$PCAP" >"$WORK/cut.pcap"
		whole=$(awk -v c="$cut" '$1 <= c' <<<"$ends" | wc -l)
		rc=0
		timeout 20 "$XF" parse --json "$WORK/cut.pcap" >"$WORK/cut.out" 2>"$WORK/cut.err" || rc=$?
		n=$(wc -l <"$WORK/cut.out")
		err=$(cat "$WORK/cut.err")
		if [ "$rc" -eq 1 ] && [ "$n" -eq "$whole" ] &&
		   grep -qE "cut short|truncated" <<<"$err" && grep -qF "cut.pcap" <<<"$err" &&
		   python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' \
			"$WORK/cut.out" 2>/dev/null; then
			pass_ "parse cut at byte $cut: $whole whole packets, then an error (exit $rc)"
		else
			fail_ "parse cut at byte $cut" "exit $rc (want 1), $n packets printed (want $whole)" \
				"stderr: $err"
		fi
	done
	# the text output, too
	head -c 200 "$PCAP" >"$WORK/cut.pcap"
	rc=0
	timeout 20 "$XF" parse "$WORK/cut.pcap" >"$WORK/cut.out" 2>"$WORK/cut.err" || rc=$?
	check_eq "parse (text) cut at byte 200: exit 1 after 2 packet lines" \
		"$rc $(grep -c '^[0-9]* [0-9]*B ' "$WORK/cut.out")" "1 2" "$(cat "$WORK/cut.err")"
}

# Without the needed privileges every command fails, with a message.
r1_privileges() {
	echo "# r1: commands run as nobody, and as root without capabilities"
	RUNAS=("${NOBODY[@]}")
	bad "nobody: rule add" 1 "Permission denied" rule add b0 proto udp dport 6500 action drop
	bad "nobody: rule del" 1 "Permission denied" rule del b0 1
	bad "nobody: rule list" 1 "Permission denied" rule list b0
	bad "nobody: rule flush" 1 "Permission denied" rule flush b0
	bad "nobody: rule load" 1 "Permission denied" rule load b0 /dev/null
	bad "nobody: policy" 1 "Permission denied" policy b0
	bad "nobody: policy default drop" 1 "Permission denied" policy b0 default drop
	bad "nobody: port add" 1 "Permission denied" port add b0 c1
	bad "nobody: port list" 1 "Permission denied" port list b0
	bad "nobody: stats" 1 "Permission denied" stats b0
	bad "nobody: unload" 1 "missing capability CAP_NET_ADMIN" unload b0
	bad "nobody: load c0" 1 "missing capability CAP_BPF" load c0
	bad "nobody: parse" 1 "missing capability CAP_BPF" parse "$PCAP"
	# messages that do not say why (the commands still fail without harm)
	RC=0
	"${NOBODY[@]}" timeout 20 "$XF" status b0 >/dev/null 2>"$WORK/err" || RC=$?
	ERR=$(cat "$WORK/err")
	check "nobody: status b0 fails (exit $RC) with a message" \
		failed_with_message
	known "nobody: status b0 says permission denied ($ERR)" \
		"cmd_load.c do_status: access() failing with EACCES is reported as 'not loaded'" \
		stderr_has "Permission denied"
	RC=0
	"${NOBODY[@]}" timeout 20 "$XF" run b0 --duration 1 --quiet >/dev/null 2>"$WORK/err" || RC=$?
	ERR=$(cat "$WORK/err")
	check "nobody: run b0 fails (exit $RC) with a message" \
		failed_with_message
	# the capability check comes first (cli/caps.c): an AF_XDP socket needs CAP_NET_RAW
	check "nobody: run b0 names the missing capability ($ERR)" \
		stderr_has "missing capability CAP_NET_RAW"
	RC=0
	"${NOBODY[@]}" timeout 20 "$XF" gen b0 --count 10 --duration 1 >/dev/null 2>"$WORK/err" || RC=$?
	ERR=$(cat "$WORK/err")
	check "nobody: gen fails (exit $RC) with a message" \
		failed_with_message
	check "nobody: gen names the missing capability ($ERR)" \
		stderr_has "missing capability CAP_BPF"
	check_eq "nobody: nothing changed" "$(snapshot)" "$BASE"
	# root without any capability: DAC still lets uid 0 open its own pins
	# (BPF_OBJ_GET is not capability-checked), but loading needs CAP_BPF
	RUNAS=(setpriv --inh-caps=-all --bounding-set=-all)
	bad "no capabilities: load c0" 1 "missing capability CAP_BPF" load c0
	bad "no capabilities: parse" 1 "missing capability CAP_BPF" parse "$PCAP"
	check "no capabilities: c0 has no XDP program" no_xdp_prog c0
	RUNAS=()
}

# /sys/fs/bpf not a bpffs: load mounts one, or fails saying so.
r1_bpffs() {
	echo "# r1: /sys/fs/bpf is a plain tmpfs"
	local out rc=0
	out=$(unshare -m --propagation private sh -c '
		mount -t tmpfs xft-rb-tmpfs /sys/fs/bpf || exit 9
		echo "before $(stat -f -c %T /sys/fs/bpf)"
		timeout 20 "$0" load c0 >/dev/null 2>&1; echo "load $?"
		echo "after $(stat -f -c %T /sys/fs/bpf)"
		timeout 20 "$0" status c0 --json 2>&1
		timeout 20 "$0" unload c0 >/dev/null 2>&1; echo "unload $?"
		' "$XF" 2>&1) || rc=$?
	check_eq "tmpfs: the scenario ran" "$rc" 0 "$out"
	check "tmpfs: was tmpfs before load" grep -qx "before tmpfs" <<<"$out"
	check "tmpfs: load c0 exits 0" grep -qx "load 0" <<<"$out"
	check "tmpfs: load mounted a bpffs" grep -qx "after bpf_fs" <<<"$out"
	check "tmpfs: status c0 attached" grep -q '"state":"attached"' <<<"$out"
	check "tmpfs: unload c0 exits 0" grep -qx "unload 0" <<<"$out"
	check "tmpfs: c0 has no XDP program left" no_xdp_prog c0
	rc=0
	out=$(unshare -m --propagation private sh -c '
		mount -t tmpfs xft-rb-tmpfs /sys/fs/bpf || exit 9
		setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin timeout 20 "$0" load c0
		' "$XF" 2>&1) || rc=$?
	check_eq "tmpfs without CAP_SYS_ADMIN: load fails with exit 1" "$rc" 1 "$out"
	check "  ... saying mounting the missing bpffs needs CAP_SYS_ADMIN ($out)" \
		grep -q "missing capability CAP_SYS_ADMIN" <<<"$out"
	check "  ... leaving c0 without a program" no_xdp_prog c0
	check_eq "tmpfs: b0 untouched" "$(snapshot)" "$BASE"
}

###########################################################################
# r2: concurrency

# worker_a LOG: 200 adds of two shapes, every other rule deleted again;
# and the shared rules (both workers add them; one must win).
worker_a() {
	local log=$1 i id prev="" words
	for i in $(seq 0 199); do
		if [ $((i % 4)) -eq 3 ]; then
			words="proto 17 sport 1234 dport $((10000 + i)) priority 500 action drop"
		else
			words="proto 17 dport $((10000 + i)) action drop"
		fi
		# shellcheck disable=SC2086
		if id=$("$XF" rule add b0 $words 2>>"$log.err"); then
			echo "add a$i $id $words" >>"$log"
		else
			echo "addfail a$i" >>"$log"
		fi
		if [ $((i % 2)) -eq 1 ] && [ -n "$prev" ]; then
			if "$XF" rule del b0 "$prev" 2>>"$log.err"; then
				echo "del a$((i - 1))" >>"$log"
			else
				echo "delfail a$((i - 1)) $prev" >>"$log"
			fi
		fi
		prev=$id
		shared "$log" "$i"
	done
}

# worker_b LOG: 200 adds of two other shapes (IPv6 and IPv4 prefixes),
# the rules i % 3 == 0 deleted again right after the next add.
worker_b() {
	local log=$1 i id prev="" words
	for i in $(seq 0 199); do
		if [ $((i % 2)) -eq 0 ]; then
			words="src 2001:db8::$(printf %x $((i + 1)))/128 proto 6 dport $((20000 + i)) priority $((100 + i % 5)) action pass"
		else
			words="dst 192.0.2.$((i % 250 + 1))/32 proto 6 sport $((20000 + i)) priority 300 action drop"
		fi
		# shellcheck disable=SC2086
		if id=$("$XF" rule add b0 $words 2>>"$log.err"); then
			echo "add b$i $id $words" >>"$log"
		else
			echo "addfail b$i" >>"$log"
		fi
		if [ $((i % 3)) -eq 1 ] && [ -n "$prev" ]; then
			if "$XF" rule del b0 "$prev" 2>>"$log.err"; then
				echo "del b$((i - 1))" >>"$log"
			else
				echo "delfail b$((i - 1)) $prev" >>"$log"
			fi
		fi
		prev=$id
		shared "$log" "$i"
	done
}

# worker_c LOG: a third writer, on the config map the rule writers flip
# active_set in: 100 policy changes, ending with errors drop.  A lost
# active_set flip would leave a stale shape set live (shapes-check sees it).
worker_c() {
	local log=$1 i
	for i in $(seq 1 100); do
		"$XF" policy b0 errors "$([ $((i % 2)) -eq 0 ] && echo drop || echo pass)" \
			>/dev/null 2>>"$log" || echo "policyfail $i" >>"$log"
	done
}

# lister STOP OUT: a reader: `rule list b0 --json` until STOP exists (at
# most 3000 times).  Every rule the writers add matches a protocol, so a
# listed rule with no field at all ("priority N action X") is a half-added or
# half-deleted rule shown with the wrong match.  OUT gets "LISTS BAD DUPS
# FAILED" and OUT.example one such listing.
lister() {
	local stop=$1 out=$2 n=0 badn=0 dups=0 failed=0 l
	while [ ! -e "$stop" ] && [ "$n" -lt 3000 ]; do
		n=$((n + 1))
		l=$("$XF" rule list b0 --json 2>/dev/null) || { failed=$((failed + 1)); continue; }
		if grep -q '"rule":"priority [0-9]* action' <<<"$l"; then
			badn=$((badn + 1))
			[ -s "$out.example" ] ||
				grep -o '{[^{}]*"rule":"priority [0-9]* action [a-z]*"}' <<<"$l" |
				head -n 1 >"$out.example"
		fi
		if [ -n "$(grep -o '"id":[0-9]*' <<<"$l" | sort | uniq -d)" ]; then
			dups=$((dups + 1))
		fi
	done
	echo "$n $badn $dups $failed" >"$out"
}

shared() {	# shared LOG I: every 10th step, try the rule both workers add
	local log=$1 i=$2 k id words
	[ $((i % 10)) -eq 0 ] || return 0
	k=$((i / 10))
	words="proto 132 dport $((30000 + k)) action pass"
	# shellcheck disable=SC2086
	if id=$("$XF" rule add b0 $words 2>"$log.shared"); then
		echo "shared s$k $id $words" >>"$log"
	elif grep -q "already matches\|added meanwhile" "$log.shared"; then
		echo "sharedfail s$k" >>"$log"
	else
		echo "sharederr s$k $(cat "$log.shared")" >>"$log"
	fi
}

r2_concurrent_writers() {
	echo "# r2: two rule writers and a policy writer at once, under traffic"
	local la=$WORK/worker-a.log lb=$WORK/worker-b.log pa pb pc pl gpid c0 c1 sent perm
	fresh
	rm -f "$la"* "$lb"*
	: >"$la"; : >"$lb"
	# a rule every generated frame hits (best priority): the data path keeps
	# counting it while the table churns
	perm=$("$XF" rule add b0 proto udp dport 9 priority 1 action drop)
	echo "$perm proto udp dport 9 priority 1 action drop" >"$WORK/preset"
	c0=$(counters)
	ip netns exec "$NSA" timeout 60 "$XF" gen a0 --dst-mac "$(mac_b)" --quiet --json \
		--rate 20000 --count 400000 --duration 30 >"$WORK/gen.json" 2>"$WORK/gen.err" &
	gpid=$!	# timeout's pid: it passes SIGINT on to gen, which stops cleanly
	worker_a "$la" &
	pa=$!
	worker_b "$lb" &
	pb=$!
	: >"$WORK/worker-c.log"
	worker_c "$WORK/worker-c.log" &
	pc=$!
	rm -f "$WORK/lister"*
	lister "$WORK/lister.stop" "$WORK/lister" &
	pl=$!
	local t0=$SECONDS rca=0 rcb=0 rcc=0
	wait "$pa" || rca=$?
	wait "$pb" || rcb=$?
	wait "$pc" || rcc=$?
	touch "$WORK/lister.stop"
	wait "$pl" || true
	note_time=$((SECONDS - t0))
	kill -INT "$gpid" 2>/dev/null || true
	wait "$gpid" || true
	sent=$(jget - "d['sent']" <"$WORK/gen.json")
	c1=$(counters_settled)
	echo "# workers took ${note_time} s; gen sent $sent frames meanwhile"
	check_eq "worker a ran to its end" "$rca" 0
	check_eq "worker b ran to its end" "$rcb" 0
	check_eq "the policy writer ran to its end, every change applied" \
		"$rcc $(wc -c <"$WORK/worker-c.log")" "0 0" "$(head -3 "$WORK/worker-c.log")"
	check_eq "  ... the policy is its last change" \
		"$(xjson "d['default'] + ' ' + d['errors']" policy b0 --json)" "pass drop"
	local lists bad_lists dup_lists failed_lists
	read -r lists bad_lists dup_lists failed_lists <"$WORK/lister"
	echo "# a reader listed the rules $lists times meanwhile"
	check_eq "rule list during the churn: never failed" "$failed_lists" 0
	known "rule list during the churn: never the same id twice ($dup_lists of $lists)" \
		"rule list walks the rules hash without the writers' lock: when the key it stands on is deleted, bpf_map_get_next_key starts over from the first key, so rules are listed twice (or missed)" \
		[ "$dup_lists" = 0 ]
	known "rule list during the churn: never a rule with the wrong match ($bad_lists of $lists)" \
		"rule list reads the rules and the live shape set without the writers' lock: a rule whose shape is not (or no longer) published is shown matching nothing but everything: $(cat "$WORK/lister.example" 2>/dev/null)" \
		[ "$bad_lists" = 0 ]
	local failed_ops='^addfail\|^delfail\|^sharederr'
	check_eq "every add and del of worker a succeeded" \
		"$(grep -c "$failed_ops" "$la" || true)" 0 \
		"$(grep "$failed_ops" "$la" | head -3; head -3 "$la.err")"
	check_eq "every add and del of worker b succeeded" \
		"$(grep -c "$failed_ops" "$lb" || true)" 0 \
		"$(grep "$failed_ops" "$lb" | head -3; head -3 "$lb.err")"
	check_eq "worker a: 200 adds, 100 deletes" \
		"$(grep -c '^add ' "$la") $(grep -c '^del ' "$la")" "200 100"
	check_eq "worker b: 200 adds, 67 deletes" \
		"$(grep -c '^add ' "$lb") $(grep -c '^del ' "$lb")" "200 67"
	check_eq "shared rules: no unexpected error" "$(cat "$la" "$lb" | grep -c '^sharederr' || true)" 0 \
		"$(cat "$la" "$lb" | grep '^sharederr' | head -3)"
	"$XF" rule list b0 --json >"$WORK/rules.json"
	local out rc=0
	out=$(python3 "$TOOLS" table-check "$WORK/rules.json" "$WORK/preset" "$la" "$lb") || rc=$?
	check_eq "the table is exactly what the operations imply (${out%%$'\n'*})" "$rc" 0 "$out"
	check_eq "  ... 1 + 100 + 133 + 20 rules" "$(rule_count)" 254
	bpftool map dump pinned "$PINS/shape_sets" -j >"$WORK/shapes.json"
	bpftool map dump pinned "$PINS/config" -j >"$WORK/config.json"
	"$XF" status b0 --json >"$WORK/status.json"
	rc=0
	out=$(python3 "$TOOLS" shapes-check "$WORK/shapes.json" "$WORK/config.json" \
		"$WORK/status.json" "$WORK/rules.json") || rc=$?
	check_eq "shape set consistent with the table ($out)" "$rc" 0
	check_eq "  ... 4 shapes in use" "$(status_field shapes)" 4
	check_eq "bpftool sees as many rules as rule list" \
		"$(bpftool map dump pinned "$PINS/rules" -j | jget - 'len(d)')" 254
	local hits drop pass
	hits=$(jget - "[r['packets'] for r in d if r['id'] == $perm][0]" <"$WORK/rules.json")
	drop=$(jget - "d['actions'][1] - $(jget - "d['actions'][1]" <<<"$c0")" <<<"$c1")
	pass=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(sum(b["actions"])-b["actions"][1]-(sum(a["actions"])-a["actions"][1]))' "$c0" "$c1" 2>/dev/null || echo "?")
	# how many frames a loaded machine gets through is not asserted
	check "traffic flowed during the churn (sent $sent, $hits hit the permanent rule)" \
		fcmp "${sent:-0} > 0 && ${hits:-0} > 0"
	check_eq "every frame b0 saw hit the permanent rule (hits = drops)" "$hits" "$drop"
	check_eq "  ... and no frame took another action" "$pass" 0
}

# worker_torn STOP LOG SET: add then delete rule set SET until STOP exists,
# and at least TORN_ROUNDS times (at most 3000 rounds); LOG.started appears
# after the first round.  Every rule that can match flow F (udp
# 192.0.2.1:5000 -> 192.0.2.2:7000) drops; the pass rules are of other
# shapes and can never match F, whatever shape's mask is applied to it
# (their ports or addresses are ones F never has).
worker_torn() {
	local stop=$1 log=$2 set=$3 n=0 ids id w
	local -a rules
	if [ "$set" = 1 ]; then
		rules=("proto 17 dport 7000 priority 300 action drop"
		       "src 192.0.2.1/32 proto 17 dport 7000 priority 200 action drop"
		       "proto 17 sport 6000 dport 7001 priority 1 action pass"
		       "dst 192.0.2.0/24 priority 900 action drop")
	else
		rules=("dst 192.0.2.0/28 sport 5000 proto 17 priority 100 action drop"
		       "dst 192.0.2.99/32 priority 2 action pass"
		       "sport 5000 dport 7000 proto 17 priority 50 action drop"
		       "src 192.0.2.0/25 dst 192.0.2.2/32 priority 400 action drop")
	fi
	while { [ ! -e "$stop" ] || [ "$n" -lt "$TORN_ROUNDS" ]; } && [ "$n" -lt 3000 ]; do
		ids=()
		for w in "${rules[@]}"; do
			# shellcheck disable=SC2086
			id=$("$XF" rule add b0 $w 2>>"$log") || { echo "add failed: $w" >>"$log"; continue; }
			ids+=("$id")
		done
		for id in "${ids[@]}"; do
			"$XF" rule del b0 "$id" 2>>"$log" || echo "del failed: $id" >>"$log"
		done
		n=$((n + 1))
		[ "$n" -ne 1 ] || : >"$log.started"
	done
	echo "rounds $n" >>"$log"
}

# torn_phase NAME DEFAULT [PERMANENT RULE WORDS...]: churn both rule sets
# while a few hundred thousand frames of F flow; no frame of F may take
# any action but drop.  With the default drop, a pass can only come from a
# torn rule.  With a permanent rule for F and another default (tx), a
# frame that matched no rule (a torn or stale shape set) shows as tx.
torn_phase() {
	local name=$1 def=$2
	shift 2
	local stop=$WORK/torn.stop ready=$WORK/torn.ready l1=$WORK/torn1.log l2=$WORK/torn2.log
	local c0 c1 sent rpid p1 p2 got r1 r2 v
	"$XF" policy b0 default "$def" errors drop >/dev/null
	# shellcheck disable=SC2086
	[ $# -eq 0 ] || "$XF" rule add b0 "$@" >/dev/null
	rm -f "$stop" "$ready" "$l1.started" "$l2.started"
	: >"$l1"; : >"$l2"
	timeout 60 python3 "$TOOLS" udpcount 7000 40 "$ready" "$stop" >"$WORK/torn.recv" &
	rpid=$!
	wait_file "$ready"
	c0=$(counters)
	worker_torn "$stop" "$l1" 1 &
	p1=$!
	worker_torn "$stop" "$l2" 2 &
	p2=$!
	# the traffic starts once both writers are churning
	wait_file "$l1.started" && wait_file "$l2.started"
	sent=$(gen --sport 5000 --dport 7000 --rate 80000 --count 300000 --duration 12)
	touch "$stop"
	wait "$p1" || true
	wait "$p2" || true
	wait "$rpid" || true
	c1=$(counters_settled)
	got=$(cat "$WORK/torn.recv")
	r1=$(sed -n 's/^rounds //p' "$l1")
	r2=$(sed -n 's/^rounds //p' "$l2")
	v=$(python3 -c 'import json,sys
a = json.loads(sys.argv[1]); b = json.loads(sys.argv[2])
d = [y - x for x, y in zip(a["actions"], b["actions"])]
e = [y - x for x, y in zip(a["events"], b["events"])]
print(d[0], d[1], sum(d[2:]), e[6])' "$c0" "$c1" 2>/dev/null || echo "? ? ? ?")
	echo "# $name: writers did $r1 and $r2 rounds of 4 adds + 4 deletes; gen sent $sent"
	echo "# $name: pass drop other aborted: $v; the socket got $got"
	check "$name: the writers churned (${r1:-0} and ${r2:-0} rounds, $TORN_ROUNDS or more)" \
		fcmp "${r1:-0} >= $TORN_ROUNDS && ${r2:-0} >= $TORN_ROUNDS"
	check_eq "$name: the writers' adds and deletes all succeeded" \
		"$(grep -vc '^rounds' "$l1" "$l2" | awk -F: '{ s += $2 } END { print s }')" 0 \
		"$(grep -hv '^rounds' "$l1" "$l2" | head -5)"
	check "$name: frames of F were sent and dropped ($(cut -d' ' -f2 <<<"$v") of $sent)" \
		fcmp "${sent:-0} > 0 && 0$(cut -d' ' -f2 <<<"$v" | tr -cd '0-9') > 0"
	check_eq "$name: no frame of F passed, took another action or aborted" \
		"$(cut -d' ' -f1,3,4 <<<"$v")" "0 0 0"
	check_eq "$name:   ... and the socket in B received none" "$got" 0
	"$XF" rule flush b0 >/dev/null
}

r2_torn() {
	echo "# r2: the data path never sees a torn rule"
	local stop=$WORK/torn.stop ready=$WORK/torn.ready c0 c1 sent rpid id
	fresh
	rm -f "$stop" "$ready"
	# control: a pass for F does show, in the counters and in a socket
	timeout 30 python3 "$TOOLS" udpcount 7000 20 "$ready" "$stop" >"$WORK/torn.recv" &
	rpid=$!
	wait_file "$ready"
	"$XF" policy b0 default drop errors drop >/dev/null
	id=$("$XF" rule add b0 proto udp dport 7000 priority 1 action pass)
	c0=$(counters)
	sent=$(gen --sport 5000 --dport 7000 --count 1000 --duration 5 --rate 2000)
	wait_passed "$c0" 1000 || true	# the check below says how many
	c1=$(counters)
	check_eq "control: F with a pass rule: 1000 sent, 1000 passed" \
		"$sent $(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(b["actions"][0]-a["actions"][0])' "$c0" "$c1")" "1000 1000"
	"$XF" rule del b0 "$id"
	touch "$stop"
	wait "$rpid" || true
	check "control: the socket in B received them ($(cat "$WORK/torn.recv"))" \
		fcmp "$(cat "$WORK/torn.recv") >= 900"

	torn_phase "default drop" drop
	torn_phase "permanent rule, default tx" tx \
		src 192.0.2.1 dst 192.0.2.2 proto udp sport 5000 dport 7000 priority 5000 action drop
	check_eq "the table is empty again" "$(rule_count) $(status_field shapes)" "0 0"
}


###########################################################################
# r3: faults

r3_foreign() {
	echo "# r3: the program replaced by another loader"
	local before
	fresh
	"$XF" rule add b0 proto udp dport 5001 action drop >/dev/null
	ip -force link set dev b0 xdpdrv obj "$DROP_OBJ" sec xdp
	check "b0 runs xdp_drop" has_xdp_prog b0 xdp_drop
	check_eq "status: replaced" "$(status_field state)" replaced
	xfr status b0
	check "status text says REPLACED and names xdp_drop" grep -q "REPLACED.*xdp_drop" <<<"$OUT"
	before=$(snapshot)
	xfr load b0
	check_eq "load without --force refuses (exit 1)" "$RC" 1 "$ERR"
	check "  ... with a message ($ERR)" stderr_matches "b0|xdp_drop"
	check "  ... leaving xdp_drop attached" has_xdp_prog b0 xdp_drop
	check_eq "  ... and the pins and rules as they were" "$(snapshot)" "$before"
	xfr unload b0
	check_eq "unload exits 0" "$RC" 0 "$ERR"
	check "  ... warning that the program is not xdp-fwd's" stderr_has "not xdp-fwd's"
	check "  ... leaving the foreign program attached" has_xdp_prog b0 xdp_drop
	check "  ... and removing the pins" pins_gone
	xfr load b0 --force
	check_eq "load --force replaces it" "$RC 0" "0 0" "$ERR"
	check "  ... b0 runs xdp_fwd" has_xdp_prog b0 xdp_fwd
	xfr unload b0
	check "b0 clean again" no_xdp_prog b0
}

r3_gone() {
	echo "# r3: the interface deleted while loaded"
	fresh
	ip link del dev b0
	check_eq "status: gone" "$(status_field state)" gone
	xfr rule list b0
	check_eq "rule list still reads the pins" "$RC" 0 "$ERR"
	xfr unload b0
	check_eq "unload exits 0" "$RC" 0 "$ERR"
	check "  ... and removes the pins" pins_gone
	xfr status b0
	check_eq "status afterwards: not loaded (exit 1)" "$RC" 1
	veth_up
}

r3_gone_under_run() {
	echo "# r3: the interface deleted under run"
	local pid rc=0
	fresh
	timeout 30 "$XF" run b0 --duration 20 >"$WORK/run.out" 2>"$WORK/run.err" &
	pid=$!
	# wait until it has set up its queue (at most 5 s)
	local _
	for _ in $(seq 50); do
		grep -q "^queue 0:" "$WORK/run.err" && break
		sleep 0.1
	done
	check "run started (${_}/50)" grep -q "^queue 0:" "$WORK/run.err"
	ip link del dev b0
	# it stops: timeout 30 would end it with 124, --duration 20 with 0
	wait "$pid" || rc=$?
	check_eq "run exits 1" "$rc" 1 "$(cat "$WORK/run.err")"
	check "  ... naming b0 and that it is gone" grep -q "b0.*gone" "$WORK/run.err"
	xfr unload b0
	check_eq "unload afterwards exits 0" "$RC" 0 "$ERR"
	check "  ... and removes the pins" pins_gone
	veth_up
}

r3_full() {
	echo "# r3: rule table full"
	local before
	fresh --max-rules 4
	check_eq "status max_rules 4" "$(status_field max_rules)" 4
	local i
	for i in 1 2 3 4; do
		xfr rule add b0 proto udp dport $((8000 + i)) action drop
		check_eq "rule add $i of 4" "$RC $OUT" "0 $i" "$ERR"
	done
	BASE=$(snapshot)
	bad "the 5th rule is refused" 1 "full" rule add b0 proto udp dport 8005 action drop
	check "  ... naming the limit ($ERR)" stderr_has "4"
	printf 'proto udp dport 8006 action drop\n' >"$WORK/one-rule"
	bad "rule load of one more is refused" 1 "full" rule load b0 "$WORK/one-rule"
	xfr rule del b0 2
	check_eq "after a delete" "$RC" 0
	xfr rule add b0 proto udp dport 8005 action drop
	check_eq "  ... the next add fits, reusing id 2" "$RC $OUT" "0 2" "$ERR"
	xfr rule add b0 proto udp dport 8007 action drop
	check_eq "  ... and the one after is refused again" "$RC" 1 "$ERR"
	check_eq "  ... 4 rules" "$(rule_count)" 4
	xfr unload b0
}

###########################################################################
# r4: access

r4_modes() {
	echo "# r4: who may touch the pins"
	local f bad_modes=""
	fresh
	"$XF" rule add b0 proto udp dport 5001 action drop >/dev/null
	check_eq "$PIN_ROOT: mode 700, owner root" "$(stat -c '%a %u %F' "$PIN_ROOT")" "700 0 directory"
	check_eq "$NS_PINS: mode 700, owner root" "$(stat -c '%a %u %F' "$NS_PINS")" "700 0 directory"
	check_eq "$PINS: mode 700, owner root" "$(stat -c '%a %u %F' "$PINS")" "700 0 directory"
	for f in "$PINS"/*; do
		# no permission bit for group or others, owner root
		if [ "$(stat -c '%u' "$f")" != 0 ] || [ $(( 0$(stat -c '%a' "$f") & 077 )) -ne 0 ]; then
			bad_modes+=" $(basename "$f"):$(stat -c '%a/%u' "$f")"
		fi
	done
	check_eq "every pin is root's, with no access for group or others" "$bad_modes" ""
	# the 12 maps (xf_map_names) and the program
	check_eq "13 pins" "$(find "$PINS" -mindepth 1 | wc -l)" 13
	BASE=$(snapshot)
	RUNAS=("${NOBODY[@]}")
	bad "nobody cannot add a rule" 1 "Permission denied" rule add b0 proto udp dport 5002 action drop
	bad "nobody cannot change the policy" 1 "Permission denied" policy b0 default drop
	RUNAS=()
	local rc=0
	"${NOBODY[@]}" bpftool map update pinned "$PINS/config" key 0 0 0 0 \
		value 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 >/dev/null 2>&1 || rc=$?
	check "nobody cannot write the config map with bpftool (exit $rc)" [ "$rc" -ne 0 ]
	check_eq "  ... nothing changed" "$(snapshot)" "$BASE"
}

# refused NAME PATH: every command refuses, naming PATH; the state read
# back afterwards (once restored) is $BASE.
refused() {
	local what=$1 path=$2 args
	local -a cmds=(
		"rule list b0"
		"rule add b0 proto udp dport 5099 action drop"
		"rule del b0 1"
		"rule flush b0"
		"policy b0"
		"policy b0 default drop"
		"port list b0"
		"stats b0"
	)
	[ "${3:-}" = dir ] && cmds+=("unload b0" "load b0" "load b0 --force" "run b0 --duration 1 --quiet")
	for args in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		xfr $args
		if [ "$RC" -ge 1 ] && [ "$RC" -lt 124 ] && stderr_has "$path" && stderr_has "refusing"; then
			pass_ "$what: '$args' refuses (exit $RC)"
		else
			fail_ "$what: '$args' refuses, naming $path" "exit $RC" "stderr: $ERR" "stdout: $OUT"
		fi
	done
	xfr status b0
	check "$what: 'status b0' complains, naming $path" stderr_has "refusing"
	known "$what: 'status b0' fails (exit $RC)" \
		"cmd_load.c do_status prints a state and exits 0 when the maps cannot be opened" \
		[ "$RC" -ne 0 ]
}

r4_untrusted_pins() {
	echo "# r4: a pin directory xdp-fwd did not create"
	local real=$PIN_ROOT/xft-rb-real other=/sys/fs/bpf/xft-rb-other id pid
	fresh
	"$XF" rule add b0 proto udp dport 5001 action drop >/dev/null
	"$XF" rule add b0 src 192.0.2.0/24 action pass >/dev/null
	BASE=$(snapshot)

	# b0 -> a symlink to the real directory
	mv "$PINS" "$real"
	ln -s "$real" "$PINS"
	refused "symlink" "$PINS" dir
	check "symlink: the real pins are all still there" [ "$(find "$real" -mindepth 1 | wc -l)" -eq 13 ]
	check "symlink: b0 still runs xdp_fwd" has_xdp_prog b0 xdp_fwd
	rm "$PINS"
	mv "$real" "$PINS"
	check_eq "symlink: restored, nothing changed" "$(snapshot)" "$BASE"

	# b0 -> a symlink to a directory elsewhere in the bpffs (names there
	# may not contain dots)
	mkdir "$other"
	mv "$PINS" "$real"
	ln -s "$other" "$PINS"
	xfr load b0 --force
	check_eq "symlink elsewhere: load --force refuses (exit 1)" "$RC" 1 "$ERR"
	check "  ... naming the symlink" stderr_has "refusing $PINS"
	check_eq "  ... and pins nothing there" "$(find "$other" -mindepth 1 | wc -l)" 0
	check "  ... leaving xdp-fwd's program attached" has_xdp_prog b0 xdp_fwd
	rm "$PINS"
	rmdir "$other"
	mv "$real" "$PINS"
	check_eq "symlink elsewhere: restored, nothing changed" "$(snapshot)" "$BASE"

	chmod 0777 "$PINS"
	refused "mode 0777" "$PINS" dir
	chmod 0700 "$PINS"
	chown nobody "$PINS"
	refused "owned by nobody" "$PINS" dir
	chown root "$PINS"
	chmod 0777 "$PIN_ROOT"
	refused "$PIN_ROOT mode 0777" "$PIN_ROOT" dir
	chmod 0700 "$PIN_ROOT"
	# the namespace's level too: a foreign one would redirect every interface below it
	chmod 0777 "$NS_PINS"
	refused "$NS_PINS mode 0777" "$NS_PINS" dir
	chmod 0700 "$NS_PINS"
	chown nobody "$NS_PINS"
	refused "$NS_PINS owned by nobody" "$NS_PINS" dir
	chown root "$NS_PINS"
	check_eq "modes restored, nothing changed" "$(snapshot)" "$BASE"

	# a map of the wrong type, key or value size, or a program, under a map's name
	id=$(bpftool map show pinned "$PINS/config" -j | jget - "d['id']")
	bpftool map pin id "$id" /sys/fs/bpf/xft-rb-config
	rm "$PINS/config"
	bpftool map create "$PINS/config" type hash key 4 value 16 entries 1 name config
	refused "config a hash map" "$PINS/config"
	rm "$PINS/config"
	bpftool map create "$PINS/config" type array key 4 value 8 entries 1 name config
	refused "config with 8-byte values" "$PINS/config"
	rm "$PINS/config"
	pid=$(bpftool prog show pinned "$PINS/prog" -j | jget - "d['id']")
	bpftool prog pin id "$pid" "$PINS/config"
	refused "config a program" "$PINS/config"
	rm "$PINS/config"
	ln -s /sys/fs/bpf/xft-rb-config "$PINS/config"
	refused "config a symlink to the real map" "$PINS/config"
	rm "$PINS/config"
	bpftool map pin id "$id" "$PINS/config"
	rm /sys/fs/bpf/xft-rb-config
	id=$(bpftool map show pinned "$PINS/rules" -j | jget - "d['id']")
	bpftool map pin id "$id" /sys/fs/bpf/xft-rb-rules
	rm "$PINS/rules"
	bpftool map create "$PINS/rules" type hash key 8 value 16 entries 16 name rules
	refused "rules with 8-byte keys" "$PINS/rules"
	rm "$PINS/rules"
	bpftool map pin id "$id" "$PINS/rules"
	rm /sys/fs/bpf/xft-rb-rules
	bpftool prog pin id "$pid" /sys/fs/bpf/xft-rb-prog
	rm "$PINS/prog"
	bpftool map create "$PINS/prog" type array key 4 value 4 entries 1 name prog
	refused "prog a map" "$PINS/prog"
	rm "$PINS/prog"
	bpftool prog pin id "$pid" "$PINS/prog"
	rm /sys/fs/bpf/xft-rb-prog
	check_eq "pins restored, nothing changed" "$(snapshot)" "$BASE"
	xfr unload b0
	check_eq "unload exits 0" "$RC" 0 "$ERR"
	check "  ... and removes the pins" pins_gone
}

###########################################################################

inner() {
	mount -t bpf bpf /sys/fs/bpf
	veth_up
	ip link add c0 type veth peer name c1
	sysctl -qw net.ipv6.conf.c0.disable_ipv6=1 net.ipv6.conf.c1.disable_ipv6=1
	ip link set dev c0 up
	ip link set dev c1 up
	# shellcheck disable=SC2086 # a list of names
	run_scenarios ${XFT_ROBUST_ONLY:-r1_bad_input r2_concurrent_writers r2_torn r3_foreign \
		r3_gone r3_gone_under_run r3_full r4_modes r4_untrusted_pins}
}

if [ "${1:-}" = "--inner" ]; then
	inner
	exit 0
fi

###########################################################################
# outer half: set up, run the inner half in B, count, clean up

[ "$(id -u)" -eq 0 ] || skip "needs root"
need_tools ip bpftool python3 timeout setpriv unshare awk
need_files "$XF" "$DROP_OBJ" "$PCAP"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"

NSA=xft-rb-a-$$
NSB=xft-rb-b-$$
work_new rb
chmod 0755 "$WORK"	# nobody reads the rule files it is given
harness_traps
ns_pair "$NSA" "$NSB"

export NSA NSB WORK RESULTS XF DROP_OBJ TOOLS PCAP
run_inner 170 "$NSB" bash "$SELF" --inner
summary
