#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/lib/test_harness.sh - the shell harness tested on itself: each
# function of tests/lib/harness.sh run on cases whose outcome is known, in a
# scratch RESULTS of its own, and what it printed and counted compared with
# what it must.  A harness that passes everything (or nothing) fails here
# before it can hide a failure in a suite.  Needs nothing but bash, awk and
# python3; no root.
#
# Prints "ok - NAME" / "FAIL - NAME" per check, then "harness: N passed,
# M failed".  Its own checks (expect, expect_cmd) and count do not use the
# functions under test, which could otherwise pass themselves.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PYTHONDONTWRITEBYTECODE=1
# shellcheck source=tests/lib/harness.sh
. "$HERE/harness.sh"
SUITE=harness
work_new harness || exit 1
harness_traps
PASSED=0 FAILED=0

# expect NAME GOT WANT / expect_cmd NAME CMD...: this file's own checks
expect() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL - $1"
		echo "#   got '$2', want '$3'"
		FAILED=$((FAILED + 1))
	fi
}
expect_cmd() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then expect "$name" 0 0; else expect "$name" "failed: $*" 0; fi
}

# inner FUNC ARGS...: FUNC on a RESULTS of its own; OUT = what it printed,
# RC = its status, GOT = the "ok"/"fail" lines it counted, joined by spaces
inner() {
	local res=$WORK/inner.results
	: >"$res"
	RC=0
	OUT=$(RESULTS=$res "$@" 2>&1) || RC=$?
	GOT=$(tr '\n' ' ' <"$res")
	GOT=${GOT% }
}

# a scenario with a failed check, then a passing one, under set -e
# shellcheck disable=SC2317 # scen_ runs through run_scenario
run_scenario_soft() {
	scen_() { check "a" false; check "b" true; }
	run_scenario scen_
}
skip_in_subshell() {
	(XF_SKIP_FILE=$WORK/skipf skip "no reason") >/dev/null
}

inner check "true passes" true
expect "check: a command that succeeds counts ok, returns 0" "$GOT $RC" "ok 0"
expect "  ... and says so" "$OUT" "ok - true passes"
inner check "false fails" sh -c 'echo why; exit 3'
expect "check: a command that fails counts fail, returns 1" "$GOT $RC" "fail 1"
expect_cmd "  ... showing the command and its output" \
	grep -qx "#   why" <<<"$OUT"
inner run_scenario_soft
expect "check: returns 0 inside run_scenario (set -e goes on)" "$GOT" "fail ok"

inner check_eq "same" a a
expect "check_eq: equal strings count ok" "$GOT $RC" "ok 0"
inner check_eq "differ" a b "the detail"
expect "check_eq: different strings count fail (returns 0)" "$GOT $RC" "fail 0"
expect_cmd "  ... showing both and the detail" \
	grep -q "got 'a', want 'b'" <<<"$OUT"
expect_cmd "  ... and the detail" grep -qx "#   the detail" <<<"$OUT"

inner fail_ "x" $'line one\nline two'
expect "fail_: every line of a detail is a comment" \
	"$(grep -c '^#   line' <<<"$OUT")" 2

printf 'ok\nok\nfail\n' >"$WORK/t.results"
expect "tally: passed and failed from RESULTS" "$(RESULTS=$WORK/t.results tally)" "2 1"
RC=0
RESULTS=$WORK/t.results summary >/dev/null || RC=$?
expect "summary: fails when one failed" "$RC" 1
inner summary
expect "summary: fails when none passed" "$RC" 1
printf 'ok\n' >"$WORK/t.results"
expect "summary: names the suite and the counts" \
	"$(SUITE=s RESULTS=$WORK/t.results summary)" "s: 1 passed, 0 failed"

echo '{"a": {"b": 7}, "n": null}' >"$WORK/j"
expect "jget: EXPR over the JSON in FILE" "$(jget "$WORK/j" 'd["a"]["b"]')" 7
expect "jget: stdin, a stream's last line" \
	"$(printf '{"a": 1}\n{"a": 2}\n' | jget - 'd["a"]')" 2
expect "jget: None prints \$JGET_NULL" "$(JGET_NULL=null jget "$WORK/j" 'd["n"]')" null
expect "jget: a missing key prints \$JGET_ERR" "$(JGET_ERR='?' jget "$WORK/j" 'd["x"]')" "?"
expect "jget: no JSON prints None by default" "$(echo nope | jget - 'd')" None

# third_try: fails twice, then succeeds (counted in a file: no clock involved)
third_try() {
	echo x >>"$WORK/tries"
	[ "$(wc -l <"$WORK/tries")" -ge 3 ]
}

t0=$(now)
inner wait_until 1 test -e "$WORK/never"
expect "wait_until: fails when the condition never holds" "$RC" 1
expect_cmd "  ... once its deadline passed, not before" fcmp "$(now) - $t0 >= 0.95"
inner wait_until 60 third_try
expect "wait_until: tries again until the condition holds" "$RC $(wc -l <"$WORK/tries")" "0 3"

inner skip_in_subshell
expect "skip: exits 77 with the reason in \$XF_SKIP_FILE" "$RC $(cat "$WORK/skipf")" "77 no reason"

echo "harness: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
