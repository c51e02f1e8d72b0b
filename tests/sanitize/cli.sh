#!/usr/bin/env bash
# Run the CLI paths of xdp-fwd that need no interface under a checker:
#   cli.sh asan     BINARY OUTDIR PCAPDIR   binary built with -fsanitize=address,undefined
#   cli.sh valgrind BINARY OUTDIR PCAPDIR   any binary, under valgrind memcheck
# Each case states the exit code it must end with (0 done, 1 failed, 2 bad
# usage); a case passes when it does and the checker reported nothing: no
# ASan/UBSan/LSan report, or no valgrind error and no definite leak.
# The paths: --help of the tool and of every command it lists, the usage
# errors, bad rule words for 'rule add' (and rule files), 'parse' over every
# capture in PCAPDIR with and without a rules file, and 'parse' over a cut
# capture, a capture that is not Ethernet, an empty file and a text file.
# Cases run two at a time in a fresh directory under OUTDIR (several runs
# may share a tree), which keeps each case's output (N.out, N.err, N.vg)
# when something failed and is removed otherwise.  Valgrind reads the
# suppressions in valgrind.supp next to this script.
# Called by tests/sanitize/sanitize.mk (make sanitize).
set -euo pipefail

mode=$1 bin=$(realpath "$2") out=$3 pcaps=$4
JOBS=${SANITIZE_JOBS:-2}
supp=$(dirname "$(realpath "$0")")/valgrind.supp
case "$mode" in asan|valgrind) ;; *) echo "cli.sh: mode asan or valgrind" >&2; exit 2 ;; esac

mkdir -p "$out"
work=$(mktemp -d "$(realpath "$out")/$mode.XXXXXX")
in=$work/in
mkdir "$in"
# The shared harness counts the cases (WORK and RESULTS as it wants them;
# the directory stays when a case failed: no harness_traps here).
# shellcheck source=tests/lib/harness.sh
. "$(dirname "$(realpath "$0")")/../lib/harness.sh"
SUITE="sanitize ($mode)"
WORK=$work RESULTS=$work/results
: >"$RESULTS"

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=98
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=exitcode=98

# ---------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------
cat >"$in/rules" <<'EOF'
# every word of 'rule add', every action, both families
proto tcp dport 22 action drop                         # ssh.pcap's server
proto tcp sport 179 priority 10 action tx              # BGP
proto udp dport 53 action xsk
vlan 100 action pass
src 10.0.0.0/8 dst 192.168.0.0/16 priority 7 action fwd
src 2001:db8::/32 proto udp sport 5353 dport 5353 action drop
dst fe80::/10 proto icmpv6 action drop
dst ff02::1 action pass
proto icmp priority 0 action redirect lo
proto 47 action drop                                  # GRE
proto sctp action pass
EOF
printf 'proto tcp action drop\nproto bogus action drop\n' >"$in/bad-rules"
printf 'this is not a capture\n' >"$in/text.pcap"
: >"$in/empty.pcap"
# a capture cut in the middle of a packet, and one cut inside its file header
all=("$pcaps"/*.pcap)
first=${all[0]}
[ -f "$first" ] || { echo "cli.sh: no captures in $pcaps" >&2; exit 1; }
head -c 1000 "$pcaps/ssh.pcap" >"$in/cut-packet.pcap" 2>/dev/null ||
	head -c 1000 "$first" >"$in/cut-packet.pcap"
head -c 10 "$first" >"$in/cut-header.pcap"
# a valid pcap of link type 101 (raw IP): one 20-byte IPv4 header
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x65\x00\x00\x00' \
	>"$in/raw-ip.pcap"
printf '\x00\x00\x00\x00\x00\x00\x00\x00\x14\x00\x00\x00\x14\x00\x00\x00' >>"$in/raw-ip.pcap"
printf '\x45\x00\x00\x14\x00\x00\x40\x00\x40\x06\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02' \
	>>"$in/raw-ip.pcap"

# ---------------------------------------------------------------------
# Cases: "WANT ARGS..." one per line (no argument holds a space)
# ---------------------------------------------------------------------
cases=$work/cases
{
	echo "0 --help"
	echo "0 -h"
	echo "2"
	echo "2 no-such-command"
	echo "2 --no-such-option"
	# every command the tool lists, from its own --help
	cmds=$("$bin" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' || true)
	[ -n "$cmds" ] || cmds="load unload status rule policy port stats parse gen run"
	for c in $cmds; do
		echo "0 $c --help"
	done
	echo "0 rule add --help"
	echo "0 rule load --help"

	# rule: bad words are refused before any interface is looked at
	echo "2 rule"
	echo "2 rule bogus"
	echo "2 rule add"
	echo "2 rule add eth0"
	echo "2 rule add eth0 action"
	echo "2 rule add eth0 action bogus"
	echo "2 rule add eth0 bogus 1 action drop"
	echo "2 rule add eth0 vlan 4096 action drop"
	echo "2 rule add eth0 vlan -1 action drop"
	echo "2 rule add eth0 vlan 0x10 action drop"
	echo "2 rule add eth0 vlan 1 vlan 2 action drop"
	echo "2 rule add eth0 proto bogus action drop"
	echo "2 rule add eth0 proto 256 action drop"
	echo "2 rule add eth0 src 10.0.0.1/8 action drop"
	echo "2 rule add eth0 src 10.0.0.0/33 action drop"
	echo "2 rule add eth0 src 10.0.0.0/ action drop"
	echo "2 rule add eth0 src 10.0.0 action drop"
	echo "2 rule add eth0 src 2001:db8::1/64 action drop"
	echo "2 rule add eth0 dst 2001:db8::/129 action drop"
	echo "2 rule add eth0 dst ::ffff:10.0.0.0/200 action drop"
	echo "2 rule add eth0 src $(printf 'a%.0s' $(seq 200))/8 action drop"
	echo "2 rule add eth0 src 10.0.0.0/8 dst 2001:db8::/32 action drop"
	echo "2 rule add eth0 sport 65536 action drop"
	echo "2 rule add eth0 dport -1 action drop"
	echo "2 rule add eth0 dport 99999999999999999999 action drop"
	echo "2 rule add eth0 proto icmp dport 80 action drop"
	echo "2 rule add eth0 proto icmpv6 src 10.0.0.0/8 action drop"
	echo "2 rule add eth0 proto icmp dst 2001:db8::/32 action drop"
	echo "2 rule add eth0 priority 1 priority 2 action drop"
	echo "2 rule add eth0 priority 2147483648 action drop"
	echo "2 rule add eth0 priority x action drop"
	echo "2 rule add eth0 action redirect"
	echo "2 rule add eth0 action redirect bad/name"
	echo "2 rule add eth0 action redirect $(printf 'd%.0s' $(seq 40))"
	echo "2 rule add eth0 action drop vlan 1"
	echo "2 rule add eth0 action drop drop"
	# queue N: its value, and rules a NIC flow rule cannot be
	echo "2 rule add eth0 proto udp action xsk queue"
	echo "2 rule add eth0 proto udp action xsk queue x"
	echo "2 rule add eth0 proto udp action xsk queue 65536"
	echo "2 rule add eth0 queue 1 proto udp queue 2 action xsk"
	echo "2 rule add eth0 dport 9 action xsk queue 1"
	echo "2 rule add eth0 vlan 1 proto udp action xsk queue 1"
	echo "2 rule add eth0 proto udp action drop queue 1"
	echo "1 rule add xfnosuchif0 proto udp dst 2001:db8::/32 action xsk queue 1"
	echo "1 rule add eth0 action redirect xfnosuchdev0"
	echo "1 rule add xfnosuchif0 action drop"
	echo "2 rule del"
	echo "2 rule del eth0 0"
	echo "2 rule del eth0 x"
	echo "2 rule list"
	echo "1 rule list xfnosuchif0"
	echo "2 rule load eth0"
	echo "2 rule load eth0 $in/nonexistent"
	echo "2 rule load eth0 $in/bad-rules"

	# parse: usage errors
	echo "2 parse"
	echo "2 parse $first $first"
	echo "2 parse --no-such-option $first"
	echo "2 parse --default bogus $first"
	echo "2 parse --default redirect $first"
	echo "2 parse --errors tx $first"
	echo "2 parse --rules $in/bad-rules $first"
	echo "2 parse --rules $in/nonexistent $first"
	# parse: files that are not (whole) Ethernet captures
	echo "1 parse $in/nonexistent.pcap"
	echo "1 parse $in/text.pcap"
	echo "1 parse $in/empty.pcap"
	echo "1 parse $in/cut-header.pcap"
	echo "1 parse $in/cut-packet.pcap"
	echo "1 parse --json $in/cut-packet.pcap"
	echo "1 parse $in/raw-ip.pcap"
	# parse: every capture, without and with rules
	for p in "$pcaps"/*.pcap; do
		echo "0 parse $p"
		echo "0 parse --json --rules $in/rules --default drop --errors drop $p"
	done
} >"$cases"

# ---------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------
run_case() {	# N WANT ARGS...
	local n=$1 want=$2 rc=0
	shift 2
	if [ "$mode" = valgrind ]; then
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
			--error-exitcode=99 --suppressions="$supp" --log-file="$work/$n.vg" \
			"$bin" "$@" >"$work/$n.out" 2>"$work/$n.err" </dev/null || rc=$?
	else
		"$bin" "$@" >"$work/$n.out" 2>"$work/$n.err" </dev/null || rc=$?
	fi
	local why=
	if [ $rc -ne "$want" ]; then
		why="exit $rc, want $want"
	fi
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)' \
		"$work/$n.err"; then
		why="${why:+$why; }sanitizer report"
	fi
	# -q leaves only errors ("==PID== ..."); "--PID-- WARNING" lines are
	# valgrind's own notes (e.g. bpf commands it does not know)
	if [ "$mode" = valgrind ] && grep -q '^==[0-9]*==' "$work/$n.vg"; then
		why="${why:+$why; }valgrind report"
	fi
	if [ -n "$why" ]; then
		echo "FAIL $why: xdp-fwd $*" >"$work/$n.res"
	else
		echo ok >"$work/$n.res"
	fi
}

n=0 running=0
while read -r line; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # the words of a case are split on purpose
	run_case $n $line &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done <"$cases"
wait

# one result per case, into the harness's tally; only failures are shown
for i in $(seq 1 $n); do
	res=$(cat "$work/$i.res" 2>/dev/null || echo "FAIL no result")
	if [ "$res" = ok ]; then
		echo ok >>"$RESULTS"
		continue
	fi
	fail_ "$mode case $i: ${res#FAIL }" \
		"$(sed -n '1,60p' "$work/$i.err" 2>/dev/null)" "$(sed -n '1,60p' "$work/$i.vg" 2>/dev/null)"
done
if ! summary; then
	echo "sanitize ($mode): outputs of the $n CLI cases in $work" >&2
	exit 1
fi
rm -rf "$work"
