#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/netns/test_netns.sh - xdp-fwd's pins are per network namespace
# (/sys/fs/bpf/xdp-fwd/net<INODE>/IFACE, issue 15).
#
# Namespaces of our own: N1 and N2 each hold a veth end named xfeth0, their
# peers xfp1 and xfp2 sit in P, the traffic source.  One bpffs, mounted in the
# root namespace under $WORK/bpffs, is bound over /sys/fs/bpf in every command
# run in N1 or N2 (as scripts/testbed.sh does: `ip netns exec` remounts /sys),
# so the two namespaces share it, as containers sharing a host's bpffs would.
#   shared:    load in both, different rules in each; status, rule list and
#              stats in each show only their own; traffic to one counts only
#              there; unload in one leaves the other working; two distinct
#              net<INODE> directories; old-layout pins are named, not used;
#              stale pins are refused naming their cause.
#   container: NC (xfeth0 too, peer xfp3 in P) entered with `unshare --mount
#              --propagation private` and a fresh bpffs on /sys/fs/bpf, as a
#              pod gets: load, rule add, stats, run (a few steered frames) and
#              unload work there, and the host's /sys/fs/bpf has nothing of it
#              during or after.
# A trap deletes the namespaces (and with them the veths and their programs)
# and unmounts the bpffs on every way out.
#
# Prints one "ok - NAME" or "FAIL - NAME" line per check, then exactly
# "netns: N passed, M failed".  Exit 0 all passed, 1 some failed, 77 skipped.

set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
: "${BUILD_DIR:=$ROOT/build}"
XF=${XDP_FWD:-$BUILD_DIR/xdp-fwd}
SEND=$ROOT/tests/xsk/udp_send.py

# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
SUITE=netns
JGET_NULL=null JGET_ERR="?"

# xfr ARGS: run xdp-fwd here; RC = exit code, OUT = stdout, ERR = stderr.
xfr() {
	RC=0
	OUT=$(timeout 30 "$XF" "$@" 2>"$WORK/stderr") || RC=$?
	ERR=$(cat "$WORK/stderr")
}

# send NS DST DPORT N: N UDP datagrams from P to DST (bounded: count, 10 s)
send() {
	ip netns exec "$NSP" timeout 15 python3 "$SEND" --dst "$1" --dport "$2" --count "$3" \
		--rate 2000 --timeout 10 >/dev/null
}

###########################################################################
# container half: runs in NC, in a private mount namespace with its own bpffs

# what /sys/fs/bpf holds beyond a fresh bpffs's preloaded iterators
fresh_bpffs() { ls -A /sys/fs/bpf | grep -vx 'maps.debug\|progs.debug' || true; }

container() {
	local ino pins n=12 id rpid host_view
	echo "# container: NC with a bpffs of its own"
	mount -t bpf bpf /sys/fs/bpf || { fail_ "container: mount a fresh bpffs"; return; }
	# a fresh bpffs holds only what the kernel preloads (bpf_preload's iterators)
	check_eq "container: its bpffs is fresh before load" "$(fresh_bpffs)" ""
	check "container: /sys/fs/bpf is not the host's mount (device $(stat -c %d /sys/fs/bpf))" \
		[ "$(stat -c %d /sys/fs/bpf)" != "$(nsenter -t "$HOST_PID" -m -- stat -c %d /sys/fs/bpf)" ]
	ino=$(stat -L -c %i /proc/self/ns/net)
	pins=/sys/fs/bpf/xdp-fwd/net$ino/xfeth0
	xfr load xfeth0
	check_eq "container: load exits 0" "$RC" 0 "$ERR"
	check "container: load names $pins" grep -qF "maps pinned in $pins" <<<"$OUT"
	check "container: pins in its own bpffs" test -e "$pins/prog"
	xfr rule add xfeth0 proto udp dport 7301 action xsk
	check_eq "container: rule add exits 0" "$RC" 0 "$ERR"
	id=$OUT
	timeout 40 "$XF" run xfeth0 --copy --count $n --duration 30 --json --quiet \
		>"$WORK/run.json" 2>"$WORK/run.err" &
	rpid=$!
	check "container: run binds (status shows it running)" wait_until 15 bash -c \
		"'$XF' status xfeth0 --json 2>/dev/null | grep -q '\"state\":\"running\"'"
	# during: the host's mount namespace sees nothing of it
	host_view=$(nsenter -t "$HOST_PID" -m -- sh -c \
		"find /sys/fs/bpf/xdp-fwd -path '*net$ino*' 2>/dev/null; echo end")
	check_eq "container: while loaded, the host's /sys/fs/bpf has nothing of net$ino" \
		"$host_view" end
	send 10.251.3.2 7301 $n || true
	wait_for "$rpid" 30
	check_eq "container: run exits 0 after $n frames" "$WRC" 0 "$(cat "$WORK/run.err")"
	check_eq "container: run received $n" "$(jget "$WORK/run.json" 'd["rx_packets"]')" $n
	xfr stats xfeth0 --json
	check_eq "container: stats count $n to xsk" \
		"$(jget - 'd["actions"]["xsk"]["packets"]' <<<"$OUT")" $n
	xfr rule list xfeth0 --json
	check_eq "container: rule $id hit $n times" \
		"$(jget - "[r['packets'] for r in d if r['id'] == $id]" <<<"$OUT")" "[$n]"
	xfr unload xfeth0
	check_eq "container: unload exits 0" "$RC" 0 "$ERR"
	check_eq "container: its bpffs is as fresh again" "$(fresh_bpffs)" ""
	check "container: no XDP program left on xfeth0" \
		bash -c "! ip link show xfeth0 | grep -q xdp"
}

if [ "${1:-}" = "--container" ]; then
	trap 'exit 143' TERM
	container
	exit 0
fi

###########################################################################
# outer half

[ "$(id -u)" -eq 0 ] || skip "needs root"
need_tools ip bpftool python3 timeout unshare nsenter stat
need_files "$XF" "$BUILD_DIR/xdp_drop.bpf.o"

NS1=xfn1-$$
NS2=xfn2-$$
NSC=xfnc-$$
NSP=xfnp-$$
work_new netns
BPFFS=$WORK/bpffs
harness_on_exit() {
	mountpoint -q "$BPFFS" 2>/dev/null && umount -l "$BPFFS"
	return 0
}
harness_traps
ns_pair "$NS1" "$NSP"
ns_add "$NS2" || skip "cannot create network namespaces"
ns_add "$NSC" || skip "cannot create network namespaces"
mkdir "$BPFFS"
mount -t bpf bpf "$BPFFS" || skip "cannot mount a bpffs"

# in NS CMD...: CMD in NS with the shared bpffs at /sys/fs/bpf
BIND='mount --bind "$0" /sys/fs/bpf && exec "$@"'
inns() {
	local ns=$1
	shift
	ip netns exec "$ns" sh -c "$BIND" "$BPFFS" "$@"
}
# xn NS ARGS: xdp-fwd ARGS in NS; RC, OUT, ERR
xn() {
	local ns=$1
	shift
	RC=0
	OUT=$(inns "$ns" timeout 30 "$XF" "$@" 2>"$WORK/stderr") || RC=$?
	ERR=$(cat "$WORK/stderr")
}
# jn NS EXPR ARGS: EXPR over the JSON of xdp-fwd ARGS in NS
jn() {
	local ns=$1 expr=$2
	shift 2
	xn "$ns" "$@"
	jget - "$expr" <<<"$OUT"
}
drops() { jn "$1" 'd["actions"]["drop"]["packets"]' stats xfeth0 --json; }

i=1
for ns in "$NS1" "$NS2" "$NSC"; do
	ip link add xfeth0 netns "$ns" type veth peer name "xfp$i" netns "$NSP"
	ip -n "$ns" addr add "10.251.$i.2/24" dev xfeth0
	ip -n "$NSP" addr add "10.251.$i.1/24" dev "xfp$i"
	ip -n "$ns" link set xfeth0 up
	ip -n "$NSP" link set "xfp$i" up
	i=$((i + 1))
done
INO1=$(ip netns exec "$NS1" stat -L -c %i /proc/self/ns/net)
INO2=$(ip netns exec "$NS2" stat -L -c %i /proc/self/ns/net)
DIR1=/sys/fs/bpf/xdp-fwd/net$INO1/xfeth0
DIR2=/sys/fs/bpf/xdp-fwd/net$INO2/xfeth0

shared() {
	local legacy=$BPFFS/xdp-fwd/xfeth0 r1 r2
	echo "# shared: N1 and N2 each with xfeth0, one bpffs"
	# pins an older xdp-fwd would have left at the top level
	mkdir -m 0700 -p "$legacy"
	bpftool prog load "$BUILD_DIR/xdp_drop.bpf.o" "$legacy/prog"

	xn "$NS1" load xfeth0
	check_eq "load in N1 exits 0" "$RC" 0 "$ERR"
	check "  ... naming net$INO1/xfeth0" grep -qF "maps pinned in $DIR1" <<<"$OUT"
	check "  ... and warning about the old-layout pins in /sys/fs/bpf/xdp-fwd/xfeth0" \
		grep -q "/sys/fs/bpf/xdp-fwd/xfeth0 holds pins of an older xdp-fwd" <<<"$ERR"
	xn "$NS2" load xfeth0
	check_eq "load in N2 (the same interface name) exits 0" "$RC" 0 "$ERR"
	check "  ... naming net$INO2/xfeth0" grep -qF "maps pinned in $DIR2" <<<"$OUT"
	check "the two namespaces have distinct inodes ($INO1, $INO2)" [ "$INO1" != "$INO2" ]
	check "two pin directories in the shared bpffs" \
		test -e "$BPFFS/xdp-fwd/net$INO1/xfeth0/prog" -a -e "$BPFFS/xdp-fwd/net$INO2/xfeth0/prog"
	check_eq "N1's and N2's pinned programs differ, each attached at home" \
		"$(jn "$NS1" 'd["prog_id"] == d["attached_prog_id"]' status xfeth0 --json) $(
		   jn "$NS2" 'd["prog_id"] == d["attached_prog_id"]' status xfeth0 --json) $(
		   [ "$(jn "$NS1" 'd["prog_id"]' status xfeth0 --json)" != \
		     "$(jn "$NS2" 'd["prog_id"]' status xfeth0 --json)" ] && echo differ)" \
		"True True differ"
	check_eq "status --json pin_dir in N1" "$(jn "$NS1" 'd["pin_dir"]' status xfeth0 --json)" "$DIR1"
	check_eq "status --json pin_dir in N2" "$(jn "$NS2" 'd["pin_dir"]' status xfeth0 --json)" "$DIR2"
	check "old-layout pins left alone (not used, not removed)" test -e "$legacy/prog"

	xn "$NS1" rule add xfeth0 proto udp dport 7001 action drop
	check_eq "rule add in N1" "$RC" 0 "$ERR"
	r1=$OUT
	xn "$NS2" rule add xfeth0 proto udp dport 7002 action drop
	check_eq "rule add in N2" "$RC" 0 "$ERR"
	r2=$OUT
	xn "$NS2" rule add xfeth0 proto udp dport 7003 action pass
	check_eq "second rule add in N2" "$RC" 0 "$ERR"
	check_eq "rule list in N1: only its own" \
		"$(jn "$NS1" '[r["dport"] for r in d]' rule list xfeth0 --json)" "[7001]"
	check_eq "rule list in N2: only its own" \
		"$(jn "$NS2" '[r["dport"] for r in d]' rule list xfeth0 --json)" "[7002, 7003]"
	check_eq "status (all) in N1: one interface, its own" \
		"$(jn "$NS1" '(d["pin_dir"], d["rules"])' status --json)" "('$DIR1', 1)"
	check_eq "  ... one JSON line" "$(wc -l <<<"$OUT")" 1
	check_eq "status (all) in N2: one interface, its own" \
		"$(jn "$NS2" '(d["pin_dir"], d["rules"])' status --json)" "('$DIR2', 2)"
	check_eq "  ... one JSON line" "$(wc -l <<<"$OUT")" 1
	xn "$NS1" status
	check "status (all) in N1 warns about the old-layout pins" \
		grep -q "xdp-fwd/xfeth0 holds pins of an older xdp-fwd" <<<"$ERR"
	rm -r "$legacy"

	send 10.251.1.2 7001 20 || true
	check "20 datagrams to N1's dport 7001 dropped there" wait_until 10 \
		bash -c "[ \"\$(ip netns exec $NS1 sh -c '$BIND' $BPFFS $XF stats xfeth0 --json |
			python3 -c 'import json,sys; print(json.load(sys.stdin)[\"actions\"][\"drop\"][\"packets\"])')\" = 20 ]"
	check_eq "N1's rule $r1 counted exactly 20" \
		"$(jn "$NS1" "[r['packets'] for r in d]" rule list xfeth0 --json)" "[20]"
	check_eq "N2 counted none of it (no drops)" "$(drops "$NS2")" 0
	check_eq "N2's rules counted none of it" \
		"$(jn "$NS2" "[r['packets'] for r in d]" rule list xfeth0 --json)" "[0, 0]"

	xn "$NS1" unload xfeth0
	check_eq "unload in N1 exits 0" "$RC" 0 "$ERR"
	check "N1's directory and its net$INO1 level are gone" test ! -e "$BPFFS/xdp-fwd/net$INO1"
	check "N2's pins remain" test -e "$BPFFS/xdp-fwd/net$INO2/xfeth0/prog"
	xn "$NS1" status
	check_eq "status in N1: not loaded anywhere" "$OUT" "xdp-fwd is not loaded on any interface"
	check_eq "N2 still attached" "$(jn "$NS2" 'd["state"]' status xfeth0 --json)" attached
	send 10.251.2.2 7002 10 || true
	check "N2 still drops its dport 7002 (10 datagrams)" wait_until 10 \
		bash -c "[ \"\$(ip netns exec $NS2 sh -c '$BIND' $BPFFS $XF stats xfeth0 --json |
			python3 -c 'import json,sys; print(json.load(sys.stdin)[\"actions\"][\"drop\"][\"packets\"])')\" = 10 ]"
	check_eq "N2's rule $r2 counted exactly 10" \
		"$(jn "$NS2" "[r['packets'] for r in d]" rule list xfeth0 --json)" "[10, 0]"

	# stale pins: the program went (as when a namespace dies and a new one gets its inode)
	ip -n "$NS2" link set dev xfeth0 xdp off
	xn "$NS2" load xfeth0
	check_eq "load over stale pins in N2 is refused (exit 1)" "$RC" 1
	check "  ... naming them and the dead-namespace case" \
		grep -q "stale xdp-fwd pins in $DIR2.*network namespace that no longer exists" <<<"$ERR"
	xn "$NS2" load xfeth0 --force
	check_eq "load --force in N2 takes them over" "$RC" 0 "$ERR"
	xn "$NS2" unload xfeth0
	check_eq "unload in N2 exits 0" "$RC" 0 "$ERR"
	check "the shared bpffs has no xdp-fwd directory left" test ! -e "$BPFFS/xdp-fwd"
}

run_scenario shared
export XF SEND NSP RESULTS WORK SELF
export HOST_PID=$$
timeout 90 ip netns exec "$NSC" unshare --mount --propagation private \
	bash "$SELF" --container || fail_ "the container half ran to the end (exit $?)"
check "container: afterwards the host's /sys/fs/bpf has nothing of NC" bash -c \
	"! find /sys/fs/bpf/xdp-fwd -path '*net$(ip netns exec "$NSC" stat -L -c %i /proc/self/ns/net)*' 2>/dev/null | grep -q ."
summary
