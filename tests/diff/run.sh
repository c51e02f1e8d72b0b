#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Differential test of xdp-fwd's parser against tshark: compare.py over every
# capture in shared/pcaps.  See tests/diff/README.md.
#
#   tests/diff/run.sh [-v] [CAPTURE...]
#
# The captures live beside the repository, in ../shared/pcaps from its top
# level (a fresh CI clone has shared/ next to it); if that directory does not
# exist, $XF_PCAPS names it.  synth.py's hand-built capture is compared too,
# and randframes.py's random one: XF_DIFF_SEED (default 1) and XF_DIFF_COUNT
# (default 2000) choose it, and the seed is in its name on its summary line.
# Given CAPTUREs, only those are compared.  Without captures, or without tshark, the test is
# skipped with exit status 77.  Otherwise the status is 1 if any capture
# failed, else 0.  XDP_FWD, TSHARK, PYTHON and XF_PCAP_NORM (the capture
# rewriter, build/tests/pcap_norm) override the programs used.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) || top=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
export XDP_FWD=${XDP_FWD:-$top/build/xdp-fwd}
# every capture is compared as libpcap reads it (tests/diff/pcap_norm.c)
export XF_PCAP_NORM=${XF_PCAP_NORM:-$top/build/tests/pcap_norm}

# shellcheck source=tests/lib/harness.sh
. "$here/../lib/harness.sh"
SUITE="diff"

verbose=()
if [ "${1:-}" = "-v" ]; then
	verbose=(-v)
	shift
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	dir=$top/../shared/pcaps
	if [ ! -d "$dir" ] && [ -n "${XF_PCAPS:-}" ]; then
		dir=$XF_PCAPS
	fi
	if [ ! -d "$dir" ]; then
		skip "no captures: neither $top/../shared/pcaps nor \$XF_PCAPS (${XF_PCAPS:-unset}) is a directory"
	fi
	shopt -s nullglob
	files=("$dir"/*.pcap)
	shopt -u nullglob
	if [ ${#files[@]} -eq 0 ]; then
		skip "no *.pcap in $dir"
	fi
	# plus the hand-built frames for policy edges no capture reaches
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if "$python" "$here/synth.py" "$tmp/synth.pcap"; then
		files+=("$tmp/synth.pcap")
	else
		echo "diff: FAIL: synth.py could not write $tmp/synth.pcap"
		exit 1
	fi
	# plus random frames, valid and malformed; a failure is reproduced by
	# XF_DIFF_SEED=<seed> and the frame number (randframes.py --list)
	seed=${XF_DIFF_SEED:-1}
	count=${XF_DIFF_COUNT:-2000}
	rand=$tmp/randframes-seed$seed.pcap
	if "$python" "$here/randframes.py" --seed "$seed" --count "$count" "$rand"; then
		files+=("$rand")
	else
		echo "diff: FAIL: randframes.py --seed $seed --count $count could not write $rand"
		exit 1
	fi
	# plus records longer than the snaplen: compared as libpcap clips them
	clip=$tmp/clipped.pcap
	if "$python" "$here/clipped.py" "$clip"; then
		files+=("$clip")
	else
		echo "diff: FAIL: clipped.py could not write $clip"
		exit 1
	fi
fi

if ! command -v "${TSHARK:-tshark}" >/dev/null 2>&1; then
	skip "${TSHARK:-tshark} not found (scripts/install-deps.sh installs it)"
fi
if [ ! -x "$XDP_FWD" ]; then
	echo "diff: FAIL: $XDP_FWD is missing; build it first (make)"
	exit 1
fi
if [ ! -x "$XF_PCAP_NORM" ]; then
	echo "diff: FAIL: $XF_PCAP_NORM is missing; build it first (make build/tests/pcap_norm)"
	exit 1
fi

passed=0
failed=0
# parse warns for exactly the records libpcap clipped (clipped.py: 2 and 3)
if [ -n "${clip:-}" ]; then
	warned=$("$XDP_FWD" parse "$clip" 2>&1 >/dev/null |
		sed -n 's/^.*warning: frame \([0-9]*\): the record holds .*snaplen.*$/\1/p' | tr '\n' ' ')
	if [ "$warned" = "2 3 " ]; then
		echo "diff: parse warns for the clipped records 2 and 3 of clipped.pcap"
		passed=$((passed + 1))
	else
		echo "diff: FAIL: parse should warn for records 2 and 3 of clipped.pcap, warned for: ${warned:-none}"
		failed=$((failed + 1))
	fi
fi
for f in "${files[@]}"; do
	if "$python" "$here/compare.py" "${verbose[@]}" "$f"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
