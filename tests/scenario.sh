# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/scenario.sh - run_scenario, for the harnesses that run each scenario
# as a shell function under set -e (integration, robust); sourced.  The
# caller sets RESULTS (one "ok" or "fail" line per check).

# run_scenario NAME: the scenario function NAME in a subshell with set -e
# on: a setup step that fails stops the scenario there, named, and counts as
# a failure; the rest of the scenarios still run.  Commands expected to fail
# run where set -e ignores them (xfr, ipr, check, ... || ...).
run_scenario() {
	local scen=$1 rc=0
	set +e	# this shell only: the subshell turns it back on
	(
		set -e
		# the trap runs outside any function: it names the scenario by
		# the variable, not by $1
		# shellcheck disable=SC2154 # s is the trap's own
		trap 's=$?; [ "$s" -eq 0 ] ||
			echo "#   $scen stopped by a failed step (exit $s): $BASH_COMMAND"' EXIT
		"$scen"
	)
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "FAIL - $scen ran to its end (exit $rc)"
		echo fail >>"$RESULTS"
	fi
}
