#!/usr/bin/env bash
# Replay the regression inputs, then fuzz the parser for a while.
#   run.sh FUZZ_BIN SECONDS WORKDIR SEEDS REGRESSIONS
# WORKDIR keeps the growing corpus (corpus/) and crash inputs (artifacts/);
# each run logs into a fresh WORKDIR/run.XXXXXX (several runs may share a
# tree), removed when all is well.  Prints one summary line when all is well
# and the end of the log plus what to do with the crash input otherwise.
# Called by tests/fuzz/fuzz.mk (make fuzz-smoke, make fuzz).
set -euo pipefail

bin=$(realpath "$1") secs=$2 work=$3 seeds=$(realpath "$4") regs=$5
name=$(basename "$bin")
mkdir -p "$work/corpus" "$work/artifacts"
work=$(realpath "$work")
run=$(mktemp -d "$work/run.XXXXXX")
# the shared harness tallies the two checks; $run stays when one failed
# shellcheck source=tests/lib/harness.sh
. "$(dirname "$(realpath "$0")")/../lib/harness.sh"
SUITE=fuzz WORK=$run RESULTS=$run/results
: >"$RESULTS"

# 1. Every input that once broke the parser (or a deliberately broken one)
#    must pass: libFuzzer runs files given as arguments once each.
files=()
for f in "$regs"/*; do
	case "$f" in *.md) continue ;; esac
	[ -f "$f" ] && files+=("$f")
done
if [ ${#files[@]} -gt 0 ]; then
	if ! "$bin" "${files[@]}" >"$run/regressions.log" 2>&1; then
		fail_ "every regression input of $regs passes" "$(tail -n 40 "$run/regressions.log")"
		echo "fuzz: a regression input of $regs fails again (log: $run/regressions.log)" >&2
		summary || exit 1
	fi
	pass_ "every regression input of $regs passes (${#files[@]})"
fi

# 2. Fuzz.  -jobs=1 runs one worker whose output goes to fuzz-0.log.
start=$(date +%s)
rc=0
(cd "$run" && "$bin" -max_total_time="$secs" -jobs=1 -max_len=20000 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$seeds" >"$run/fuzz.out" 2>&1) || rc=$?
log=$run/fuzz-0.log
[ -f "$log" ] || log=$run/fuzz.out
if [ $rc -ne 0 ] || grep -qE '^==[0-9]+==ERROR|deadly signal|invariant broken' "$log"; then
	fail_ "$name: no crash in ${secs}s of fuzzing" "$(tail -n 60 "$log")"
	summary || true
	echo "fuzz: $name failed after $(( $(date +%s) - start ))s (exit $rc); the input is in" \
	     "$work/artifacts/. Reproduce with: $bin FILE; once the parser is fixed, add FILE" \
	     "to $regs/ so every run replays it (logs: $run)" >&2
	exit 1
fi
pass_ "$name: no crash in ${secs}s of fuzzing"
summary
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*\(cov: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2/p')
echo "  fuzz     $name: ${#files[@]} regression inputs pass; ${runs:-?} runs in" \
     "$(( $(date +%s) - start ))s, ${cov:-?}, no crash"
rm -rf "$run"
