#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# How a test suite's result is told, and how `make test` counts them.
#
#   tests/suite.sh run NAME DEFAULT-REASON -- CMD [ARGS...]
#	Runs one suite (the recipe of its make target).  CMD's exit status 0
#	is a pass, 77 a skip, anything else a failure.  A skip's reason is what
#	CMD wrote to the file named by $XF_SKIP_FILE, else DEFAULT-REASON.
#	Under CI=true a skip is a failure unless its reason is on ALLOW_SKIP
#	below.  Exits 0 for a pass or an allowed skip, 1 otherwise.
#
#   tests/suite.sh all NAME...
#	`make test`: runs `$MAKE NAME` for every suite, each even when an
#	earlier one failed, then prints which failed and which were skipped
#	(and why) and, last, alone on its line:
#	    suites: N passed, N failed, N skipped
#	Exits 1 when any suite failed.  A suite whose make target does not go
#	through `run` is counted by its exit status only (0: passed).
set -u

# The skips CI accepts, the only place they are listed: "SUITE:GLOB", where
# GLOB matches the skip's reason.  Each is a property of the machine that
# scripts/install-deps.sh cannot change; a missing package or a missing
# privilege is not on it (CI installs the first and runs as root).
ALLOW_SKIP=(
	# the kernel CI runs on has no veth driver (the ops suite probes for it)
	"ops:no veth"
)

allowed() {	# allowed SUITE REASON: is the skip on ALLOW_SKIP?
	local a
	for a in "${ALLOW_SKIP[@]}"; do
		# shellcheck disable=SC2053 # the right side is a glob on purpose
		[ "$1" = "${a%%:*}" ] && [[ $2 == ${a#*:} ]] && return 0
	done
	return 1
}

status() {	# status WORD [REASON]: tell `all` how the suite ended
	[ -n "${XF_SUITE_STATUS:-}" ] && printf '%s\n' "$*" >"$XF_SUITE_STATUS"
	return 0
}

cmd_run() {
	local name=$1 why=$2 rc=0 skipf
	shift 2
	[ "${1:-}" = -- ] && shift
	skipf=$(mktemp /tmp/xft-skip.XXXXXX) || exit 1
	XF_SKIP_FILE=$skipf "$@" || rc=$?
	[ -s "$skipf" ] && why=$(head -n 1 "$skipf")
	rm -f "$skipf"
	case $rc in
	0)	status pass
		exit 0 ;;
	77)	if [ "${CI:-}" = true ] && ! allowed "$name" "$why"; then
			echo "  $name: FAIL: skipped under CI=true ($why), not on tests/suite.sh's ALLOW_SKIP"
			status fail "skipped under CI=true: $why"
			exit 1
		fi
		echo "  $name: skipped ($why)"
		status skip "$why$([ "${CI:-}" = true ] && echo ' [allowed in CI]')"
		exit 0 ;;
	*)	status fail "exit status $rc"
		exit 1 ;;
	esac
}

cmd_all() {
	local name rc st passed=0 failed=0 skipped=0 fails=() skips=()

	dir=$(mktemp -d /tmp/xft-suites.XXXXXX) || exit 1	# global: the EXIT trap needs it
	trap 'rm -rf "$dir"' EXIT
	for name in "$@"; do
		rc=0
		XF_SUITE_STATUS=$dir/$name ${MAKE:-make} --no-print-directory "$name" || rc=$?
		st=$(cat "$dir/$name" 2>/dev/null)
		if [ "$rc" -ne 0 ]; then
			failed=$((failed + 1))
			case $st in
			"fail "*) fails+=("$name (${st#fail })") ;;
			*) fails+=("$name (make exit status $rc)") ;;
			esac
		elif [ "${st%% *}" = skip ]; then
			skipped=$((skipped + 1))
			skips+=("$name (${st#skip })")
		else
			passed=$((passed + 1))
		fi
	done
	[ ${#fails[@]} -gt 0 ] && printf 'failed:  %s\n' "${fails[@]}"
	[ ${#skips[@]} -gt 0 ] && printf 'skipped: %s\n' "${skips[@]}"
	echo "suites: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
run)	shift
	[ $# -ge 3 ] || { echo "usage: $0 run NAME DEFAULT-REASON -- CMD..." >&2; exit 2; }
	cmd_run "$@" ;;
all)	shift
	cmd_all "$@" ;;
-h|--help)
	sed -n '3,18s/^# \{0,1\}//p' "$0" ;;
*)	echo "usage: $0 run NAME DEFAULT-REASON -- CMD... | all NAME... (--help)" >&2
	exit 2 ;;
esac
