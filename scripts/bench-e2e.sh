#!/usr/bin/env bash
# scripts/bench-e2e.sh - end-to-end rates on the veth testbed, side by side in
# one run, written into BENCHMARKS.md (between the bench-e2e markers) and
# plotted to bench-e2e.png beside it.
#
# The generator (xdp-fwd gen, live-frames test_run) sends 60-byte UDP frames
# (64 on the wire) from a0 on CPU 0; veth runs b0's receive NAPI on the
# sending CPU unless b0's NAPI is threaded.  Each case is measured RUNS times
# and the median is reported; the rate is what the receiver counted divided
# by the generator's sending time.
set -euo pipefail
cd "$(dirname "$0")/.."
XF=$PWD/build/xdp-fwd
SINK=$PWD/build/tests/udp_sink
DROP_OBJ=$PWD/build/xdp_drop.bpf.o
SECS=${BENCH_SECONDS:-4}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-BENCHMARKS.md}
PNG=$(dirname "$OUT")/bench-e2e.png
TB_NAME=xft-bench-$$
. scripts/testbed.sh
trap 'tb_down' EXIT
trap 'exit 130' INT TERM

declare -A RESULT

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
xdp_drops() { tb_dut ethtool -S "$1" | awk '/rx_queue_.*_xdp_drops/ {s+=$2} END {print s+0}'; }
gen_run() {	# prints the generator's sending time in seconds
	tb_gen "$XF" gen a0 --dst-mac "$TB_B_MAC" --dport 9 --duration "$SECS" --cpus 0 \
		--json --quiet | sed -n 's/.*"duration":\([0-9.]*\).*/\1/p'
}
napi_pid() { pgrep -f "napi/b0" | head -n 1; }

case_xdp_drop() {
	local before after t
	tb_dut ip link set dev b0 xdp obj "$DROP_OBJ" sec xdp
	before=$(xdp_drops b0); t=$(gen_run); after=$(xdp_drops b0)
	tb_dut ip link set dev b0 xdp off
	echo "($after - $before) / $t / 1000000" | bc -l
}

case_kernel() {
	local t n
	tb_dut ethtool -K b0 gro on >/dev/null
	tb_dut taskset -c 1 "$SINK" 192.0.2.2 9 $((SECS + 2)) >"$TB_RUN/sink" &
	sleep 0.5; t=$(gen_run); wait
	n=$(cat "$TB_RUN/sink")
	echo "$n / $t / 1000000" | bc -l
}

# consumer rate: $1 = xdp-fwd run mode, $2 = threaded (1) or not (0)
case_xsk() {
	local mode=$1 threaded=$2 t n pid
	tb_dut "$XF" load b0 >/dev/null
	tb_dut "$XF" rule add b0 proto udp dport 9 action xsk >/dev/null
	if [ "$threaded" = 1 ]; then
		tb_dut sh -c 'echo 1 > /sys/class/net/b0/threaded'
		pid=$(napi_pid); [ -n "$pid" ] && taskset -p -c 1 "$pid" >/dev/null
	fi
	if [ "$mode" = l2fwd ]; then	# frames come back to a0: count them there
		tb_gen ip link set dev a0 xdp obj "$DROP_OBJ" sec xdp
		local before; before=$(tb_gen ethtool -S a0 | awk '/rx_queue_.*_xdp_drops/ {s+=$2} END {print s+0}')
	fi
	tb_dut "$XF" run b0 --mode "$mode" --cpus 1 --duration $((SECS + 2)) --json --quiet \
		>"$TB_RUN/run.json" &
	sleep 1; t=$(gen_run); wait
	if [ "$mode" = l2fwd ]; then
		n=$(( $(tb_gen ethtool -S a0 | awk '/rx_queue_.*_xdp_drops/ {s+=$2} END {print s+0}') - before ))
		tb_gen ip link set dev a0 xdp off
	else
		n=$(tail -n 1 "$TB_RUN/run.json" | sed -n 's/^{[^[]*"rx_packets":\([0-9]*\).*/\1/p')
	fi
	[ "$threaded" = 1 ] && tb_dut sh -c 'echo 0 > /sys/class/net/b0/threaded'
	tb_dut "$XF" unload b0 >/dev/null
	echo "$n / $t / 1000000" | bc -l
}

measure() {	# name, command...
	local name=$1; shift
	local vals=() v
	for _ in $(seq "$RUNS"); do
		v=$("$@"); vals+=("$v")
		printf '  %-34s run %s: %.3f Mpps\n' "$name" "${#vals[@]}" "$v" >&2
	done
	RESULT[$name]=$(printf '%s\n' "${vals[@]}" | median)
}

command -v bc >/dev/null || { echo "bench-e2e: needs bc (apt-get install bc)" >&2; exit 1; }
tb_up 1
echo "bench-e2e: ${SECS}s per run, median of $RUNS" >&2
measure "XDP_DROP (upper bound)" case_xdp_drop
measure "kernel UDP socket, recvmmsg" case_kernel
measure "xdp-fwd run rxdrop, NAPI on CPU0" case_xsk rxdrop 0
measure "xdp-fwd run rxdrop, NAPI thread on CPU1" case_xsk rxdrop 1
measure "xdp-fwd run l2fwd (frames returned)" case_xsk l2fwd 0

order=("XDP_DROP (upper bound)" "kernel UDP socket, recvmmsg" \
       "xdp-fwd run rxdrop, NAPI on CPU0" "xdp-fwd run rxdrop, NAPI thread on CPU1" \
       "xdp-fwd run l2fwd (frames returned)")
drop=${RESULT["XDP_DROP (upper bound)"]}
kern=${RESULT["kernel UDP socket, recvmmsg"]}
table=$(
	echo "| path | Mpps (median of $RUNS) | ratio to XDP_DROP | ratio to kernel socket | ns per packet |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	for k in "${order[@]}"; do
		v=${RESULT[$k]}
		printf '| %s | %.2f | %.2f | %.2f | %.0f |\n' "$k" "$v" \
			"$(echo "$v / $drop" | bc -l)" "$(echo "$v / $kern" | bc -l)" \
			"$(echo "1000 / $v" | bc -l)"
	done
)
echo "$table"

if command -v gnuplot >/dev/null; then
	for k in "${order[@]}"; do printf '"%s" %s\n' "$k" "${RESULT[$k]}"; done >"$TB_RUN/plot.dat"
	gnuplot <<GP 2>/dev/null || true
set terminal png size 900,420
set output "$PNG"
set title "veth testbed, 64-byte frames, one run ($(date -u +%F))"
set ylabel "Mpps"
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -20 font ",8"
set yrange [0:*]
plot "$TB_RUN/plot.dat" using 0:2:xtic(1) with boxes notitle
GP
fi

{
	echo "<!-- bench-e2e:begin -->"
	echo "Measured $(date -u '+%F %H:%M UTC') on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, kernel $(uname -r)."
	echo "Command: \`make bench\` (scripts/bench-e2e.sh, ${SECS} s per run, median of ${RUNS})."
	echo
	echo "$table"
	[ -f "$PNG" ] && echo && echo "![rates](bench-e2e.png)"
	echo "<!-- bench-e2e:end -->"
} >"$TB_RUN/section"
if [ -f "$OUT" ] && grep -q 'bench-e2e:begin' "$OUT"; then
	awk -v f="$TB_RUN/section" '
		/bench-e2e:begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
		/bench-e2e:end/ { skip = 0; next }
		!skip { print }' "$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
else
	{ [ -f "$OUT" ] && cat "$OUT"; echo; echo "## End-to-end rates on the veth testbed"; echo; cat "$TB_RUN/section"; } >"$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
fi
echo "bench-e2e: wrote $OUT" >&2
