# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/lib.sh - helpers shared by the shell test harnesses (sourced).
#
# The caller sets WORK (a scratch directory) and RESULTS (a file that gets
# one "ok" or "fail" line per check); PY defaults to Debian's python3.
#
#   check NAME CMD...      "ok - NAME" when CMD succeeds, else "FAIL - NAME"
#                          and CMD's output; returns CMD's success
#   check_eq NAME GOT WANT (returns 0 either way)
#   note TEXT              "# TEXT"
#   tally                  "PASSED FAILED" counted from RESULTS
#   now                    seconds since the epoch, with microseconds
#   fcmp EXPR              a floating-point comparison, e.g. fcmp "1.5 <= 2"
#   alive PID              the process exists and is not a zombie
#   wait_for PID SECS      wait for PID's exit; WRC = its status (124: killed
#                          after SECS)
#   wait_file PATH         wait (5 s at most) for PATH to appear
#   jget FILE EXPR         EXPR over d = the JSON object on FILE's last line
#                          ("-": stdin); "None" when there is none
#
# Core dumps (the caller sets WORK first):
#   cores_init             core dumps on, into $WORK/cores (the shell's working
#                          directory from here on; core_pattern is "core" on
#                          Debian without systemd-coredump, and in the guests)
#   cores_check [NAME]     any new core under $WORK/cores is a failure, with
#                          gdb's backtrace of every thread
#
# `xdp-fwd run` in the background, on $RUN_IFACE with $XF (the caller sets
# both, and an array BG that collects background pids):
#   run_bg NAME ARGS...    start `xdp-fwd run $RUN_IFACE --json ARGS` in
#                          $WORK/cores/NAME; sets RUN_PID, RUN_OUT (stdout),
#                          RUN_ERR (stderr)
#   run_ready NQ           wait ($RUN_READY_S s, default 5) until it reports NQ
#                          bound queues
#   run_stop               check that it is still alive, SIGINT, wait
#                          ($RUN_STOP_S s, default 10); RUN_RC; cores_check
#   run_signal SIG         check that it is still alive, then send SIG
#   rj EXPR                jget over its JSON summary

# Functions run through check look unreachable to shellcheck; WRC is for
# the caller.
# shellcheck disable=SC2317,SC2034

PY=${PY:-/usr/bin/python3}

check() {
	local name=$1
	shift
	if "$@" >"$WORK/check.out" 2>&1; then
		echo "ok - $name"
		echo ok >>"$RESULTS"
	else
		echo "FAIL - $name"
		echo "#   failed: $*"
		sed 's/^/#   /' "$WORK/check.out"
		echo fail >>"$RESULTS"
		return 1
	fi
}

check_eq() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
		echo ok >>"$RESULTS"
	else
		echo "FAIL - $1"
		echo "#   got '$2', want '$3'"
		echo fail >>"$RESULTS"
	fi
}

note() {
	echo "# $*"
}

tally() {
	echo "$(grep -c '^ok' "$RESULTS") $(grep -c '^fail' "$RESULTS")"
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

wait_file() {
	local _
	for _ in $(seq 250); do
		[ -e "$1" ] && return 0
		sleep 0.02
	done
	echo "#   $1 never appeared"
	return 1
}

jget() {
	"$PY" -c '
import json, sys
f = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
lines = [l for l in f.read().splitlines() if l.strip()]
try:
    d = json.loads(lines[-1])
    v = eval(sys.argv[2])
except Exception:
    v = None
print(v)
' "$@" 2>/dev/null
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
