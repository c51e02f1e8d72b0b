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
# `xdp-fwd run` in the background, on $RUN_IFACE with $XF (the caller sets
# both, and an array BG that collects background pids):
#   run_bg NAME ARGS...    start `xdp-fwd run $RUN_IFACE --json ARGS`; sets
#                          RUN_PID, RUN_OUT (stdout), RUN_ERR (stderr)
#   run_ready NQ           wait ($RUN_READY_S s, default 5) until it reports NQ
#                          bound queues
#   run_stop               SIGINT, wait ($RUN_STOP_S s, default 10); RUN_RC
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

run_bg() {
	RUN_OUT=$WORK/$1.json
	RUN_ERR=$WORK/$1.err
	shift
	"$XF" run "$RUN_IFACE" --json "$@" >"$RUN_OUT" 2>"$RUN_ERR" &
	RUN_PID=$!
	BG+=("$RUN_PID")
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
	kill -INT "$RUN_PID" 2>/dev/null
	wait_for "$RUN_PID" "${RUN_STOP_S:-10}"
	RUN_RC=$WRC
}

rj() {
	jget "$RUN_OUT" "$1"
}
