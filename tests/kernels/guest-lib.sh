# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/kernels/guest-lib.sh - what guest.sh and guest-mq.sh share, sourced
# after tests/lib/harness.sh: choosing the parts, running them, the final
# tally, and the dmesg part.

# guest_parts ALL...: PARTS = the parts of XF_KERNELS_ONLY this script has
# (the others belong to the other guest script), or ALL
guest_parts() {
	local p
	PARTS=
	for p in ${XF_KERNELS_ONLY:-$*}; do
		case " $* " in *" $p "*) PARTS+=" $p" ;; esac
	done
}

# run_parts: each part of PARTS, a core dump failing it, its time noted
run_parts() {
	local part t
	for part in $PARTS; do
		t=$(now)
		echo "# part: $part"
		"part_$part"
		cores_check "$part"
		note "$part took $(awk "BEGIN { printf \"%.1f\", $(now) - $t }") s"
	done
}

# guest_end T0: the tally line run.sh reads; 0 when all passed
guest_end() {
	local passed failed
	read -r passed failed <<<"$(tally)"
	note "guest took $(awk "BEGIN { printf \"%.1f\", $(now) - $1 }") s"
	echo "kernel $KVER: $passed passed, $failed failed"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}

# The log is read first and on its own: an unreadable log is a failure, not
# a log without warnings.
# shellcheck disable=SC2016 # $1 is the inner shell's
part_dmesg() {
	local log=$WORK/dmesg
	check "dmesg: the kernel log can be read" bash -c 'dmesg >"$1"' _ "$log" || return
	check "dmesg: no kernel warning, bug or oops" \
		bash -c '! grep -E -A 20 "WARNING:|BUG:|Oops|general protection|Call Trace" "$1"' _ "$log"
}
