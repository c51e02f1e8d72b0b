#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/lockout/test_lockout.sh - the lock-out guard (issue 15) and the
# timed apply, in a network namespace xft-lo-PID of our own:
#
#   lodut0 (10.99.0.1/24, xdp-fwd loaded, native mode) <-> lopeer0 (no address:
#   10.99.0.2 is a neighbour on lodut0's subnet, not a local address; gen
#   sends the session's frames from lopeer0, which needs native XDP on lodut0)
#   loaux0 (10.98.0.1/24) <-> loaux1: a route that is not the DUT's
#
# SSH_CONNECTION="10.99.0.2 40022 10.99.0.1 22" is a caller behind lodut0.
#   a. policy default drop: exit 1, the message, the policy stays pass; --force sets it
#   b. a pass rule for the session's tuple makes default drop acceptable
#   c. rule add ... drop matching the session refused, nothing added; another port accepted
#   d. rule load of a file that drops the session refused, nothing loaded
#   e. a caller routed via loaux0, one without a route, and no SSH_CONNECTION:
#      nothing refused;
#      a malformed SSH_CONNECTION refuses, naming the value
#   f. --confirm-within 2: live at once (gen's frames to the session's port
#      are dropped), then rolled back (policy pass, rules exactly as before);
#      a second one while pending is refused; confirm inside the window keeps it;
#      status shows the pending change and, once, the rollback
#
# The whole test is ONE `ip netns exec` of this script (--inner): the bpffs
# holding the pins and the rollback watcher live in that exec's mount
# namespace.  A trap unloads (which stops a watcher) and deletes the
# namespace on every way out.  Prints "ok - NAME" / "FAIL - NAME" and
# "lockout: N passed, M failed"; exit 0, 1, or 77 (skipped).

# shellcheck disable=SC2317
set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
ROOT=$(cd "$HERE/../.." && pwd)
XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
SUITE=lockout
DUT=lodut0 PEER=lopeer0 AUX=loaux0
SSH_AT="10.99.0.2 40022 10.99.0.1 22"

x() { "$XF" "$@"; }

# run CMD with stdout+stderr to $WORK/last.out; prints the exit status
rcof() {
	local rc=0
	"$@" >"$WORK/last.out" 2>&1 || rc=$?
	echo "$rc"
}

policy_of() { x policy "$DUT" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["default"])'; }
rules_of() { x rule list "$DUT" | awk 'NR > 1 { $3 = $4 = ""; print }'; }
drops_of() {
	x stats "$DUT" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["actions"]["drop"]["packets"])'
}
pending_none() { x -j status "$DUT" | grep -q '"pending":null'; }

inner_cleanup() {
	"$XF" unload "$DUT" >/dev/null 2>&1
}

inner() {
	trap inner_cleanup EXIT
	mount -t bpf bpf /sys/fs/bpf || return 1
	ip link set dev lo up
	ip link add "$DUT" type veth peer name "$PEER" || return 1
	ip link add "$AUX" type veth peer name loaux1 || return 1
	ip addr add 10.99.0.1/24 dev "$DUT"
	ip addr add 10.98.0.1/24 dev "$AUX"
	ip link set "$DUT" up; ip link set "$PEER" up; ip link set "$AUX" up; ip link set loaux1 up
	x load "$DUT" --mode native >/dev/null || return 1

	echo "# a: policy default drop with the caller behind $DUT"
	export SSH_CONNECTION=$SSH_AT
	check_eq "policy default drop refused (exit 1)" "$(rcof x policy "$DUT" default drop)" 1
	check "  ... naming the interface, the client and the route, --force and --confirm-within" \
		grep -q "policy default drop on $DUT would cut your SSH session: SSH_CONNECTION's client 10.99.0.2 port 40022 is reached via $DUT (route to 10.99.0.2 dev $DUT).*--force.*--confirm-within S" "$WORK/last.out"
	check_eq "  ... and the policy stays pass" "$(policy_of)" pass
	check_eq "policy default tx refused too" "$(rcof x policy "$DUT" default tx)" 1
	check_eq "policy errors drop is no cut (exit 0)" "$(rcof x policy "$DUT" errors drop)" 0
	x policy "$DUT" errors pass >/dev/null
	check_eq "with --force: exit 0" "$(rcof x policy "$DUT" default drop --force)" 0
	check_eq "  ... the policy is drop" "$(policy_of)" drop
	x policy "$DUT" default pass >/dev/null

	echo "# b: a pass rule for the session makes default drop acceptable"
	x rule add "$DUT" proto tcp src 10.99.0.2 sport 40022 dport 22 priority 5 action pass >/dev/null
	check_eq "policy default drop with the pass rule: exit 0" \
		"$(rcof x policy "$DUT" default drop)" 0
	check_eq "  ... the policy is drop" "$(policy_of)" drop
	check_eq "rule flush now refused (the pass rule would go)" "$(rcof x rule flush "$DUT")" 1
	check_eq "  ... the rule stays" "$(rules_of | wc -l)" 1
	x policy "$DUT" default pass >/dev/null
	x rule flush "$DUT" >/dev/null

	echo "# c: rule add"
	check_eq "rule add ... dport 22 action drop refused (exit 1)" \
		"$(rcof x rule add "$DUT" proto tcp dport 22 action drop)" 1
	check "  ... naming the rule and the route" \
		grep -q "rule add proto tcp dport 22 priority 1000 action drop on $DUT would cut.*route to 10.99.0.2 dev $DUT.*rule 1 would drop" "$WORK/last.out"
	check_eq "  ... and nothing added" "$(rules_of | wc -l)" 0
	check_eq "rule add ... src 10.99.0.0/24 action tx refused" \
		"$(rcof x rule add "$DUT" src 10.99.0.0/24 action tx)" 1
	check_eq "a drop rule for another port accepted" \
		"$(rcof x rule add "$DUT" proto tcp dport 23 action drop)" 0
	check_eq "a drop rule for udp port 22 accepted" \
		"$(rcof x rule add "$DUT" proto udp dport 22 action drop)" 0
	check_eq "a pass rule for tcp port 22 (priority 10) accepted" \
		"$(rcof x rule add "$DUT" proto tcp dport 22 priority 10 action pass)" 0
	check_eq "  ... a drop rule behind it (priority 20) accepted" \
		"$(rcof x rule add "$DUT" proto tcp src 10.99.0.0/24 dport 22 priority 20 action drop)" 0
	check_eq "a drop rule winning over the pass rule (priority 1) refused" \
		"$(rcof x rule add "$DUT" proto tcp src 10.99.0.2 priority 1 action drop)" 1
	check_eq "rule add --force goes ahead" \
		"$(rcof x rule add "$DUT" proto tcp src 10.99.0.2 priority 1 action drop --force)" 0
	x rule flush "$DUT" --force >/dev/null

	echo "# d: rule load"
	printf '%s\n' "proto tcp dport 80 action drop" "dst 10.99.0.1 action drop" >"$WORK/cut.rules"
	printf '%s\n' "proto tcp dport 80 action drop" "proto udp action drop" >"$WORK/fine.rules"
	check_eq "rule load of a file that drops the session refused (exit 1)" \
		"$(rcof x rule load "$DUT" "$WORK/cut.rules")" 1
	check "  ... naming rule load and the route" \
		grep -q "rule load $WORK/cut.rules on $DUT would cut.*route to 10.99.0.2 dev $DUT" "$WORK/last.out"
	check_eq "  ... nothing loaded" "$(rules_of | wc -l)" 0
	check_eq "a file that spares it loads" "$(rcof x rule load "$DUT" "$WORK/fine.rules")" 0
	check_eq "  ... both rules" "$(rules_of | wc -l)" 2
	x rule flush "$DUT" >/dev/null

	echo "# e: a caller elsewhere, none, or one that cannot be told"
	export SSH_CONNECTION="10.98.0.7 40022 10.98.0.1 22"
	check_eq "caller routed via $AUX: policy default drop goes ahead" \
		"$(rcof x policy "$DUT" default drop)" 0
	x policy "$DUT" default pass >/dev/null
	check_eq "  ... and rule add ... dport 22 drop" \
		"$(rcof x rule add "$DUT" proto tcp dport 22 action drop)" 0
	x rule flush "$DUT" >/dev/null
	# no default route in the namespace: 192.0.2.9 is unreachable from here
	export SSH_CONNECTION="192.0.2.9 40022 10.99.0.1 22"
	check_eq "a caller without a route here: policy default drop goes ahead" \
		"$(rcof x policy "$DUT" default drop)" 0
	x policy "$DUT" default pass >/dev/null
	unset SSH_CONNECTION
	check_eq "no SSH_CONNECTION: policy default drop goes ahead" \
		"$(rcof x policy "$DUT" default drop)" 0
	x policy "$DUT" default pass >/dev/null
	export SSH_CONNECTION="10.99.0.2 notaport 10.99.0.1 22"
	check_eq "malformed SSH_CONNECTION: policy default drop refused" \
		"$(rcof x policy "$DUT" default drop)" 1
	check "  ... naming the value" grep -q "SSH_CONNECTION '10.99.0.2 notaport 10.99.0.1 22' is not" \
		"$WORK/last.out"
	check_eq "  ... but a pass rule is fine" \
		"$(rcof x rule add "$DUT" proto tcp dport 22 action pass)" 0
	x rule flush "$DUT" >/dev/null
	export SSH_CONNECTION=$SSH_AT

	echo "# f: --confirm-within"
	check_eq "--confirm-within 0 is a usage error" \
		"$(rcof x policy "$DUT" default drop --confirm-within 0)" 2
	check "  ... naming the value" grep -q "bad --confirm-within '0'" "$WORK/last.out"
	x rule add "$DUT" proto tcp dport 23 action drop >/dev/null
	x rule add "$DUT" proto udp dport 53 priority 7 action pass >/dev/null
	rules_of >"$WORK/rules.before"
	local d0 d1 t0
	d0=$(drops_of)
	t0=$(now)
	check_eq "policy default drop --confirm-within 2: exit 0" \
		"$(rcof x policy "$DUT" default drop --confirm-within 2)" 0
	check "  ... warns" grep -q "warning: policy default drop on $DUT would cut.*going ahead" \
		"$WORK/last.out"
	check "  ... and says how to confirm" grep -q \
		"confirm with 'xdp-fwd confirm $DUT' within 2 seconds, or it is rolled back" \
		"$WORK/last.out"
	check_eq "  ... live at once: the policy is drop" "$(policy_of)" drop
	x gen "$PEER" --tcp --src 10.99.0.2 --dst 10.99.0.1 --sport 40022 --dport 22 \
		--size 64 --count 50 --quiet >"$WORK/gen.out" 2>&1
	d1=$(drops_of)
	check "  ... the session's frames are dropped (drops $d0 -> $d1)" test "$((d1 - d0))" -ge 50
	check_eq "  ... a second --confirm-within is refused" \
		"$(rcof x rule flush "$DUT" --confirm-within 2)" 1
	check "  ... saying one is pending" grep -q "is pending" "$WORK/last.out"
	check "  ... status shows it pending" bash -c "'$XF' status $DUT | grep -q 'PENDING: a change of the policy'"
	check "  ... and status --json" bash -c "'$XF' -j status $DUT | grep -q '\"pending\":{\"what\":\"policy\"'"
	check "rolled back after the deadline (policy pass within 6 s)" \
		wait_until 6 bash -c "[ \"\$('$XF' policy $DUT)\" = 'default pass errors pass' ]"
	check "  ... not before 2 s" fcmp "$(now) - $t0 >= 1.9"
	check "  ... status says so once" bash -c "'$XF' status $DUT | grep -q 'not confirmed in time: the policy of $DUT were rolled back'"
	check "  ... then no more" bash -c "! '$XF' status $DUT | grep -q 'rolled back'"
	check "  ... nothing pending" pending_none

	check_eq "rule flush --confirm-within 2: exit 0" \
		"$(rcof x rule flush "$DUT" --confirm-within 2)" 0
	check_eq "  ... the rules are gone at once" "$(rules_of | wc -l)" 0
	check "rolled back: the rules back within 6 s" \
		wait_until 6 bash -c "[ \"\$('$XF' rule list $DUT | wc -l)\" = 3 ]"
	rules_of >"$WORK/rules.after"
	check "  ... exactly as before (ids, priorities, words)" diff "$WORK/rules.before" "$WORK/rules.after"
	check "  ... nothing pending" wait_until 3 pending_none

	check_eq "rule add ... drop --confirm-within 2 of a cutting rule: exit 0" \
		"$(rcof x rule add "$DUT" proto tcp dport 22 priority 3 action drop --confirm-within 2)" 0
	check_eq "confirm inside the window: exit 0" "$(rcof x confirm "$DUT")" 0
	sleep 3
	check_eq "  ... the rule stays after the deadline" "$(rules_of | wc -l)" 3
	check "  ... nothing pending" pending_none
	check_eq "confirm with nothing pending: exit 1" "$(rcof x confirm "$DUT")" 1
	check "  ... 'nothing to confirm'" grep -q "nothing to confirm on $DUT" "$WORK/last.out"
	return 0
}

if [ "${1:-}" = --inner ]; then
	WORK=$2
	RESULTS=$WORK/results
	inner || fail_ "the namespace's setup (veth pairs, addresses, load $DUT)"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || skip "needs root"
have_tool ip || skip "ip is missing"
need_files "$XF"
work_new lockout || exit 1
NS=xft-lo-$$
harness_traps
ns_add "$NS" || skip "cannot create network namespace $NS"
veth_ok "$NS" "$NS" || skip "no veth"
run_inner 120 "$NS" bash "$SELF" --inner "$WORK"
ip netns del "$NS" 2>/dev/null
check_eq "namespace $NS is gone" "$(ip netns list | grep -cw "$NS")" 0
summary
