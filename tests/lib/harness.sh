# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/lib/harness.sh - the one harness of the shell test suites (sourced).
#
# The caller sets WORK (a scratch directory) and RESULTS (a file that gets
# one "ok" or "fail" line per check), or has work_new make both; SUITE names
# the suite in skip's and summary's lines; PY defaults to Debian's python3.
#
# Results:
#   pass_ NAME             "ok - NAME"
#   fail_ NAME [DETAIL...] "FAIL - NAME", then every line of each DETAIL as
#                          "#   LINE"
#   check NAME CMD...      "ok - NAME" when CMD succeeds, else "FAIL - NAME"
#                          and CMD's output (its first $CHECK_SHOW lines, 60);
#                          returns CMD's success (0 always inside run_scenario)
#   check_eq NAME GOT WANT [DETAIL]   string equality (returns 0 either way)
#   note TEXT              "# TEXT"
#   tally                  "PASSED FAILED" counted from RESULTS
#   summary                "SUITE: N passed, M failed"; succeeds when none
#                          failed and some passed
#   skip REASON            "SUITE: skipped (REASON)", REASON to $XF_SKIP_FILE
#                          (tests/lib/suite.sh reads it), exit 77
#   run_scenario FUNC      FUNC in a subshell under set -e: a setup step that
#                          fails stops FUNC there, named, and counts as a failure
#   run_scenarios FUNC...  run_scenario each FUNC in turn
#
# Time and waits (never a bare sleep before an exact count):
#   now                    seconds since the epoch, with microseconds
#   fcmp EXPR              a floating-point comparison, e.g. fcmp "1.5 <= 2"
#   wait_until SECS CMD... until CMD succeeds, every 0.05 s; fails after SECS
#   wait_file PATH [SECS]  until PATH exists (SECS, default 20)
#   alive PID              the process exists and is not a zombie
#   wait_for PID SECS      wait for PID's exit; WRC = its status (124: killed
#                          after SECS)
#
# JSON:
#   jget FILE EXPR         EXPR over d = the JSON in FILE ("-": stdin), or of
#                          its last line (a stream of JSON lines); prints
#                          $JGET_NULL for None and $JGET_ERR when there is no
#                          JSON or EXPR fails (both "None" unless set)
#
# Scratch directory, namespaces and the trap that removes them:
#   work_new TAG           WORK=/tmp/xft-TAG-PID.XXXXXX, RESULTS in it
#   ns_add NAME            create network namespace NAME for harness_cleanup
#   harness_traps          harness_cleanup on every way out (EXIT, INT, TERM)
#   harness_cleanup        TERM the pid in $INNER, run the suite's
#                          harness_on_exit when it has one, KILL what is left
#                          in every ns_add namespace and delete them, remove
#                          WORK unless KEEP_WORK is set
#   veth_ok NSA NSB        a veth pair can be made between the two (probed,
#                          then removed)
#   ns_pair NSA NSB        ns_add both and probe veth_ok; skip when either fails
#   run_inner SECS NS CMD...  CMD in `ip netns exec NS` (at most SECS, its pid
#                          in INNER for the trap); a failure if it did not end
#                          with status 0; then "# N s"
#   bg_kill                every pid in the array BG: TERM, 0.1 s, KILL
#
# Before anything runs:
#   need_tools TOOL...     a missing TOOL fails the suite (0 passed, 1 failed)
#   need_files FILE...     likewise a missing FILE ("run make first")
#
# Functions run through check look unreachable to shellcheck; WRC is for
# the caller.
# shellcheck disable=SC2317,SC2034

PY=${PY:-/usr/bin/python3}

pass_() {
	echo "ok - $1"
	echo ok >>"$RESULTS"
}

fail_() {
	local d line
	echo "FAIL - $1"
	shift
	for d in "$@"; do
		[ -n "$d" ] || continue
		while IFS= read -r line; do
			echo "#   $line"
		done <<<"$d"
	done
	echo fail >>"$RESULTS"
}

check() {
	# a file per shell: checks may run in background subshells at once
	local name=$1 out=$WORK/check.$BASHPID.out rc=0
	shift
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass_ "$name"
	else
		fail_ "$name" "failed: $*" "$(head -n "${CHECK_SHOW:-60}" "$out")"
	fi
	rm -f "$out"
	# under set -e (run_scenario) a failed check must not end the scenario
	[ "$rc" -eq 0 ] || [ -n "${HARNESS_SOFT:-}" ]
}

check_eq() {
	if [ "$2" = "$3" ]; then
		pass_ "$1"
	else
		fail_ "$1" "got '$2', want '$3'" "${4:-}"
	fi
	return 0
}

note() {
	echo "# $*"
}

tally() {
	echo "$(grep -c '^ok' "$RESULTS") $(grep -c '^fail' "$RESULTS")"
}

summary() {
	local passed failed
	# grep -c fails on a count of 0: no stop under set -e
	passed=$(grep -c '^ok$' "$RESULTS") || true
	failed=$(grep -c '^fail$' "$RESULTS") || true
	echo "${SUITE:-${0##*/}}: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

skip() {
	echo "${SUITE:-${0##*/}}: skipped ($*)"
	[ -n "${XF_SKIP_FILE:-}" ] && echo "$*" >"$XF_SKIP_FILE"
	exit 77
}

run_scenario() {
	local scen=$1 rc=0
	set +e	# this shell only: the subshell turns it back on
	(
		set -e
		HARNESS_SOFT=1
		# the trap runs outside any function: it names the scenario by
		# the variable, not by $1
		# shellcheck disable=SC2154 # s is the trap's own
		trap 's=$?; [ "$s" -eq 0 ] ||
			echo "#   $scen stopped by a failed step (exit $s): $BASH_COMMAND"' EXIT
		"$scen"
	)
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail_ "$scen ran to its end (exit $rc)"
}

now() {
	echo "${EPOCHREALTIME/,/.}"
}

fcmp() {
	awk "BEGIN { exit !($*) }"
}

alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

wait_for() {
	local pid=$1 end
	end=$(awk "BEGIN { printf \"%.6f\", $(now) + $2 }")
	while alive "$pid" && fcmp "$(now) < $end"; do
		sleep 0.02
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		WRC=124
		return
	fi
	WRC=0
	wait "$pid" 2>/dev/null || WRC=$?
}

wait_until() {
	local end
	end=$(awk "BEGIN { printf \"%.6f\", $(now) + $1 }")
	shift
	until "$@"; do
		fcmp "$(now) < $end" || return 1
		sleep 0.05
	done
}

wait_file() {
	# a barrier before traffic, not a time limit: generous, for slow guests
	wait_until "${2:-20}" test -e "$1" && return 0
	echo "#   $1 never appeared"
	return 1
}

jget() {
	"$PY" -c '
import json, sys
null, err = sys.argv[3], sys.argv[4]
try:
    f = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
    text = f.read()
    try:
        d = json.loads(text)
    except ValueError:
        d = json.loads([l for l in text.splitlines() if l.strip()][-1])
    v = eval(sys.argv[2])
except Exception:
    print(err)
    sys.exit(0)
print(null if v is None else v)
' "$1" "$2" "${JGET_NULL:-None}" "${JGET_ERR:-None}" 2>/dev/null || echo "${JGET_ERR:-None}"
}

run_scenarios() {
	local t
	for t in "$@"; do
		run_scenario "$t"
	done
}

work_new() {
	WORK=$(mktemp -d "/tmp/xft-$1-$$.XXXXXX") || return 1
	RESULTS=$WORK/results
	: >"$RESULTS"
}

HARNESS_NS=()
ns_add() {
	ip netns add "$1" 2>/dev/null || return 1
	HARNESS_NS+=("$1")
}

harness_cleanup() {
	local ns p
	[ -n "${INNER:-}" ] && kill -TERM "$INNER" 2>/dev/null
	declare -F harness_on_exit >/dev/null && harness_on_exit
	for ns in "${HARNESS_NS[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${WORK:-}" ] && [ -z "${KEEP_WORK:-}" ] && rm -rf "$WORK"
	return 0
}

veth_ok() {
	ip -n "$2" link add xft-probe0 type veth peer name xft-probe1 netns "$1" 2>/dev/null ||
		return 1
	ip -n "$2" link del xft-probe0
}

ns_pair() {
	if ! ns_add "$1" || ! ns_add "$2"; then
		skip "cannot create network namespaces"
	fi
	veth_ok "$1" "$2" || skip "no veth support"
}

run_inner() {
	local secs=$1 ns=$2 rc=0 start=$SECONDS
	shift 2
	timeout "$secs" ip netns exec "$ns" "$@" &
	INNER=$!
	wait "$INNER" || rc=$?
	INNER=
	[ "$rc" -eq 0 ] || fail_ "the scenarios ran to the end (exit $rc; 124 means the time limit)"
	echo "# $((SECONDS - start)) s"
}

bg_kill() {
	local p
	for p in "${BG[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.1	# a moment to exit cleanly, not a wait for a result
	for p in "${BG[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
}

# need_ WHY CHECK ITEM...: CHECK each ITEM; the first that fails ends the suite
need_() {
	local why=$1 test=$2 x
	shift 2
	for x in "$@"; do
		"$test" "$x" && continue
		echo "${SUITE:-${0##*/}}: $x $why" >&2
		echo "${SUITE:-${0##*/}}: 0 passed, 1 failed"
		exit 1
	done
}
have_tool() { command -v "$1" >/dev/null; }
have_file() { [ -e "$1" ]; }
need_tools() { need_ "is missing (see scripts/install-deps.sh)" have_tool "$@"; }
need_files() { need_ "is missing: run make first" have_file "$@"; }

harness_traps() {
	trap harness_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

cores_init() {
	local pat
	ulimit -c unlimited 2>/dev/null || note "cannot enable core dumps (ulimit -c)"
	pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
	case $pat in
	/* | \|*) note "core_pattern is '$pat': cores go there, not to \$WORK/cores" ;;
	esac
	mkdir -p "$WORK/cores" && cd "$WORK/cores" || return 1
}

cores_check() {
	local c found=0
	while IFS= read -r c; do
		found=1
		echo "FAIL - ${1:+$1: }a process dumped core: ${c#"$WORK"/}"
		echo fail >>"$RESULTS"
		if command -v gdb >/dev/null; then
			gdb -batch -nx -ex "info threads" -ex "thread apply all bt" \
				"$XF" "$c" 2>&1 | sed 's/^/#   /' | head -200
		else
			echo "#   (no gdb to print the backtrace)"
		fi
		mv "$c" "$c.seen"
	done < <(find "$WORK/cores" -type f -name 'core*' ! -name '*.seen' 2>/dev/null)
	return $found
}

run_bg() {
	local cores=$WORK/cores/$1
	RUN_NAME=$1
	RUN_OUT=$WORK/$1.json
	RUN_ERR=$WORK/$1.err
	shift
	mkdir -p "$cores"
	(cd "$cores" && ulimit -c unlimited 2>/dev/null
	exec "$XF" run "$RUN_IFACE" --json "$@") >"$RUN_OUT" 2>"$RUN_ERR" &
	RUN_PID=$!
	BG+=("$RUN_PID")
}

run_signal() {
	if ! alive "$RUN_PID"; then
		echo "FAIL - ${RUN_NAME:-run}: the consumer is alive before SIG$1"
		wait "$RUN_PID" 2>/dev/null
		echo "#   it had already exited with status $?; its stderr:"
		sed 's/^/#   /' "$RUN_ERR" | tail -20
		echo fail >>"$RESULTS"
		return 1
	fi
	kill -"$1" "$RUN_PID"
}

run_ready() {
	local _
	for _ in $(seq $((${RUN_READY_S:-5} * 50))); do
		[ "$(grep -c '^queue [0-9]*: .* mode' "$RUN_ERR" 2>/dev/null)" -ge "$1" ] && return 0
		alive "$RUN_PID" || break
		sleep 0.02
	done
	echo "#   run not ready; its stderr:"
	sed 's/^/#   /' "$RUN_ERR"
	return 1
}

run_stop() {
	run_signal INT
	wait_for "$RUN_PID" "${RUN_STOP_S:-10}"
	RUN_RC=$WRC
	cores_check "${RUN_NAME:-run}"
}

rj() {
	jget "$RUN_OUT" "$1"
}
