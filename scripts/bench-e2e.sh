#!/usr/bin/env bash
# scripts/bench-e2e.sh - end-to-end rates on the veth testbed, xdp-fwd side by
# side with a peer (the bpf-examples sample xdpsock, given as XDPSOCK=PATH) in
# one run, written into BENCHMARKS.md (between the bench-e2e markers) and
# plotted to bench-e2e.png beside it.
#
#   scripts/bench-e2e.sh            (usually: make bench [XDPSOCK=/path/to/xdpsock])
#
# Environment: XDPSOCK (the peer; without it its rows are reported missing),
#   BENCH_SECONDS (generator time per run, default 3), BENCH_RUNS (rounds,
#   default 5), BENCH_PROFILE=0 (skip the CPU 0 profile and syscall counts),
#   BENCH_INSNS=0 (skip the callgrind pass; BENCH_CG_KEEP=DIR keeps its
#   files for callgrind_annotate), BENCH_OUT (default BENCHMARKS.md),
#   BENCH_CASES (only the cases whose ids match one of these shell patterns,
#   e.g. 'S:xf-* S:xs-rx-busy-poll'; ids are P:drop, P:kernel, P:xs-rx-MODE,
#   P:xf-rx, P:xs-l2-MODE, P:xf-l2 for placement P in S, T; for iterating:
#   a filtered run's tables and goals cover only what it ran).
#
# The generator (xdp-fwd gen, live-frames test_run) sends 60-byte UDP frames
# (64 on the wire) to dport 9 from a0 on CPU 0.  Two placements:
#   S  veth runs b0's NAPI (and so the XDP program) on the sending CPU 0; the
#      receiver is pinned to CPU 1.
#   T  b0's NAPI is threaded and its thread pinned to CPU 1, with the receiver.
# Every case is run once per round and the rounds are interleaved, so drift
# on the shared machine spreads over all cases; medians are reported.
#
# Counters, the same for every tool: rxdrop counts the frames the XSK took
# (veth's rx_queue_*_xdp_redirect on b0: a redirect into a full ring fails
# and is not counted), l2fwd the frames that came back to a0 (an XDP_DROP
# program there: rx_queue_*_xdp_drops), XDP_DROP b0's xdp_drops.  The rate
# is that count divided by the generator's sending time.
#
# xdpsock attaches its own XDP program (libxdp's xsk_def_prog), so xdp-fwd is
# unloaded for its cases and the other way round.
set -euo pipefail
cd "$(dirname "$0")/.."
XF=$PWD/build/xdp-fwd
SINK=$PWD/build/tests/udp_sink
NAPI_PID=$PWD/build/tests/napi_pid
DROP_OBJ=$PWD/build/xdp_drop.bpf.o
XDPSOCK=${XDPSOCK:-}
SECS=${BENCH_SECONDS:-3}
RUNS=${BENCH_RUNS:-5}
PROFILE=${BENCH_PROFILE:-1}
INSNS=${BENCH_INSNS:-1}
OUT=${BENCH_OUT:-BENCHMARKS.md}
PNG=$(dirname "$OUT")/bench-e2e.png
DPORT=9

die() { echo "bench-e2e: $*" >&2; exit 2; }
case $SECS in ''|*[!0-9]*|0) die "bad BENCH_SECONDS '$SECS' (whole seconds, >= 1)" ;; esac
case $RUNS in ''|*[!0-9]*|0) die "bad BENCH_RUNS '$RUNS' (>= 1)" ;; esac
if [ -n "$XDPSOCK" ]; then
	[ -x "$XDPSOCK" ] && [ -f "$XDPSOCK" ] || die "XDPSOCK '$XDPSOCK' is not an executable file"
	XDPSOCK=$(cd "$(dirname "$XDPSOCK")" && pwd)/$(basename "$XDPSOCK")
fi
for f in "$XF" "$SINK" "$NAPI_PID" "$DROP_OBJ"; do
	[ -e "$f" ] || die "$f is missing; run 'make bench'"
done
command -v bc >/dev/null || die "needs bc (apt-get install bc)"

TB_NAME=xft-bench-$$
. scripts/testbed.sh
CONS=
cleanup() {
	[ -n "$CONS" ] && kill -KILL "$CONS" 2>/dev/null
	tb_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- counters and the generator ------------------------------------------

sum_stat() {	# tb_gen|tb_dut DEV REGEX: sum of the ethtool -S counters matching
	"$1" ethtool -S "$2" | awk -v re="$3" '$1 ~ re {s += $2} END {print s + 0}'
}
redirects_b0() { sum_stat tb_dut b0 '^rx_queue_[0-9]+_xdp_redirect:'; }
drops_b0() { sum_stat tb_dut b0 '^rx_queue_[0-9]+_xdp_drops:'; }
drops_a0() { sum_stat tb_gen a0 '^rx_queue_[0-9]+_xdp_drops:'; }

gen_run() {	# prints the generator's sending time in seconds
	tb_gen "$XF" gen a0 --dst-mac "$TB_B_MAC" --dport "$DPORT" --duration "${1:-$SECS}" \
		--cpus 0 --json --quiet | sed -n 's/.*"duration":\([0-9.]*\).*/\1/p'
}
rate() { echo "$1 / $2 / 1000000" | bc -l; }	# frames, seconds -> Mpps

# ---- placement -----------------------------------------------------------

# veth has a NAPI only while an XDP program (or GRO) is on, and refuses
# 'threaded' without one: call this after attaching.
threaded() { tb_dut sh -c "echo $1 > /sys/class/net/b0/threaded" 2>/dev/null || [ "$1" = 0 ]; }

# Pin this testbed's b0 NAPI thread(s) to CPU 1.  napi_pid asks the kernel
# by ifindex inside the DUT namespace: every testbed's thread is called
# napi/b0-N, so a name match could pick another testbed's.
pin_napi() {
	local deadline=$((SECONDS + 5)) pids p
	until pids=$(tb_dut "$NAPI_PID" b0); do
		[ "$SECONDS" -lt "$deadline" ] || { echo "bench-e2e: b0 has no NAPI thread" >&2; return 1; }
		sleep 0.1
	done
	for p in $pids; do taskset -p -c 1 "$p" >/dev/null; done
}

place() {	# S|T: after attaching, make b0's NAPI what the placement wants
	[ "$1" = T ] || return 0
	threaded 1 && pin_napi
}

# ---- the consumer in the background -------------------------------------

cons_start() {	# CMD...: run CMD in the DUT namespace on CPU 1; pid in $CONS
	tb_exec "$TB_DUT" taskset -c 1 "$@" >"$TB_RUN/cons.out" 2>"$TB_RUN/cons.err" &
	CONS=$!
}

# Ready when b0 has an XDP program (xdpsock attaches its own at start) and
# the consumer had a moment to bind; fails if the consumer died.
cons_ready() {	# [seconds to wait, default 10]
	local deadline=$((SECONDS + ${1:-10}))
	until tb_dut ip link show dev b0 2>/dev/null | grep -q 'prog/xdp'; do
		kill -0 "$CONS" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] ||
			{ echo "bench-e2e: the consumer did not start:" >&2; cat "$TB_RUN/cons.err" >&2; return 1; }
		sleep 0.1
	done
	sleep 1
	kill -0 "$CONS" 2>/dev/null ||
		{ echo "bench-e2e: the consumer exited:" >&2; cat "$TB_RUN/cons.err" >&2; return 1; }
}

cons_stop() {
	local deadline=$((SECONDS + 10))
	kill -INT "$CONS" 2>/dev/null || true
	while kill -0 "$CONS" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
	kill -KILL "$CONS" 2>/dev/null || true
	wait "$CONS" 2>/dev/null || true
	CONS=
}

# ---- cases: each sets RATE (Mpps) ---------------------------------------
# Not printed and captured: the consumer's pid must stay in this shell for
# the exit trap.

case_drop() {	# placement
	local before after t
	tb_dut ip link set dev b0 xdp obj "$DROP_OBJ" sec xdp
	place "$1"
	before=$(drops_b0); t=$(gen_run); after=$(drops_b0)
	threaded 0
	tb_dut ip link set dev b0 xdp off
	RATE=$(rate $((after - before)) "$t")
}

case_kernel() {
	local t n
	tb_dut ethtool -K b0 gro on >/dev/null
	tb_exec "$TB_DUT" taskset -c 1 "$SINK" $TB_B_IP "$DPORT" $((SECS + 2)) >"$TB_RUN/sink" &
	sleep 0.5; t=$(gen_run); wait $!
	tb_dut ethtool -K b0 gro off >/dev/null
	n=$(cat "$TB_RUN/sink")
	RATE=$(rate "$n" "$t")
}

# One consumer run: $1 placement, $2 rxdrop|l2fwd, then the consumer's
# command.  CONS_PLACED=1: the caller already set the placement up (xdp-fwd
# run must see b0's NAPI threaded when it starts).
consume() {
	local p=$1 mode=$2 t b a n
	shift 2
	if [ "$mode" = l2fwd ]; then	# frames come back to a0: count them there
		tb_gen ip link set dev a0 xdp obj "$DROP_OBJ" sec xdp
	fi
	cons_start "$@"
	cons_ready
	[ "$CONS_PLACED" = 1 ] || place "$p"
	if [ "$mode" = l2fwd ]; then
		b=$(drops_a0); t=$(gen_run); a=$(drops_a0)
	else
		b=$(redirects_b0); t=$(gen_run); a=$(redirects_b0)
	fi
	cons_stop
	threaded 0
	[ "$mode" = l2fwd ] && tb_gen ip link set dev a0 xdp off
	RATE=$(rate $((a - b)) "$t")
}

case_xdpsock() {	# placement, rxdrop|l2fwd, xdpsock's mode flags...
	local p=$1 mode=$2 m=-r
	shift 2
	[ "$mode" = l2fwd ] && m=-l
	CONS_PLACED=0
	consume "$p" "$mode" "$XDPSOCK" -i b0 -q 0 -c -d $((SECS + 15)) "$m" "$@"
	tb_dut ip link set dev b0 xdp off 2>/dev/null || true
}

case_xdpfwd() {	# placement, rxdrop|l2fwd
	local p=$1 mode=$2
	tb_dut "$XF" load b0 >/dev/null
	tb_dut "$XF" rule add b0 proto udp dport "$DPORT" action xsk >/dev/null
	# run reads b0's 'threaded' at start (no idle yielding when threaded)
	place "$p"
	CONS_PLACED=1
	consume "$p" "$mode" "$XF" run b0 --mode "$mode" --cpus 1 \
		--duration $((SECS + 15)) --json --quiet
	tb_dut "$XF" unload b0 >/dev/null
}

# ---- the cases, their labels, the rounds ---------------------------------

declare -A LABEL CMD VALS MED
CASES=()
CASE_PATS=()
# read, not an unquoted expansion: the patterns must not glob against files here
[ -n "${BENCH_CASES:-}" ] && read -r -a CASE_PATS <<<"$BENCH_CASES"
wanted() {	# id: does it match a pattern of BENCH_CASES (all do without it)?
	local pat
	[ ${#CASE_PATS[@]} -eq 0 ] && return 0
	for pat in "${CASE_PATS[@]}"; do
		# shellcheck disable=SC2254  # the patterns are meant to match
		case $1 in $pat) return 0 ;; esac
	done
	return 1
}
add_case() {	# id, label, command...
	local id=$1
	wanted "$id" || return 0
	LABEL[$id]=$2
	shift 2
	CMD[$id]="$*"
	CASES+=("$id")
}
# xdpsock's cases of one kind: add_xs_cases P KIND (rx|l2) MODE:FLAGS...
add_xs_cases() {
	local p=$1 kind=$2 m f mode
	mode=$([ "$kind" = rx ] && echo rxdrop || echo l2fwd)
	shift 2
	[ -n "$XDPSOCK" ] || return 0
	for m in "$@"; do
		f=${m#*:}
		add_case "$p:xs-$kind-${m%%:*}" "xdpsock $mode, ${m%%:*}${f:+ ($f)}" \
			case_xdpsock "$p" "$mode" $f
	done
}
for P in S T; do
	add_case "$P:drop" "XDP_DROP" case_drop "$P"
	[ "$P" = S ] && add_case "$P:kernel" "kernel UDP socket, recvmmsg" case_kernel
	add_xs_cases "$P" rx "poll:-p" "spin:" "busy-poll:-B"
	add_case "$P:xf-rx" "xdp-fwd run rxdrop (default), rule proto udp dport $DPORT action xsk" \
		case_xdpfwd "$P" rxdrop
	add_xs_cases "$P" l2 "spin:" "poll:-p" "busy-poll:-B"
	add_case "$P:xf-l2" "xdp-fwd run l2fwd (default)" case_xdpfwd "$P" l2fwd
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g |
	awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
minof() { tr ' ' '\n' | sed '/^$/d' | sort -g | head -n 1; }

tb_up 1
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench-e2e: ${#CASES[@]} cases, ${SECS}s per run, $RUNS interleaved rounds" \
	"(1-min load $load_before)" >&2
[ -n "$XDPSOCK" ] || echo "bench-e2e: XDPSOCK is not set: the xdpsock rows are missing" >&2
for r in $(seq "$RUNS"); do
	for id in "${CASES[@]}"; do
		# shellcheck disable=SC2086  # CMD holds a command and its words
		${CMD[$id]}
		v=$RATE
		VALS[$id]="${VALS[$id]:-} $(printf '%.3f' "$v")"
		printf '  round %s  %-3s %-66s %.3f Mpps\n' "$r" "${id%%:*}" "${LABEL[$id]}" "$v" >&2
	done
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
for id in "${CASES[@]}"; do MED[$id]=$(echo "${VALS[$id]}" | median); done

# ---- ratios and goals ----------------------------------------------------

best_of() {	# placement, xs-rx|xs-l2: "value id" of xdpsock's best mode, or nothing
	local best=0 bid='' id
	for id in "${CASES[@]}"; do
		case $id in "$1:$2-"*) ;; *) continue ;; esac
		if [ "$(echo "${MED[$id]} > $best" | bc -l)" = 1 ]; then best=${MED[$id]}; bid=$id; fi
	done
	[ -n "$bid" ] && echo "$best $bid"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
verdict() { [ "$(echo "$1 >= $2" | bc -l)" = 1 ] && echo "met" || echo "**NOT met**"; }

table_for() {	# placement
	local p=$1 drop=${MED[$1:drop]:-} brx bl2 id v vs vd
	brx=$(best_of "$p" xs-rx || true); bl2=$(best_of "$p" xs-l2 || true)
	echo "| path | Mpps (median) | runs | vs XDP_DROP | vs xdpsock's best |"
	echo "| --- | ---: | --- | ---: | ---: |"
	for id in "${CASES[@]}"; do
		case $id in "$p:"*) ;; *) continue ;; esac
		v=${MED[$id]}; vs=—
		case $id in
		*:xs-rx-*|*:xf-rx) [ -n "$brx" ] && vs=$(ratio "$v" "${brx%% *}") ;;
		*:xs-l2-*|*:xf-l2) [ -n "$bl2" ] && vs=$(ratio "$v" "${bl2%% *}") ;;
		esac
		vd=—
		[ -n "$drop" ] && vd=$(ratio "$v" "$drop")
		printf '| %s | %.2f | %s | %s | %s |\n' "${LABEL[$id]}" "$v" \
			"$(echo "${VALS[$id]}" | sed 's/^ //; s/ /, /g')" "$vd" "$vs"
	done
	if [ -z "$XDPSOCK" ]; then
		echo "| xdpsock rows | missing | | | set XDPSOCK=/path/to/xdpsock |"
	fi
}

goals() {
	local brx bl2 x xmin
	for p in S T; do
		brx=$(best_of "$p" xs-rx || true); bl2=$(best_of "$p" xs-l2 || true)
		x=${MED[$p:xf-rx]:-}
		if [ -z "$x" ]; then
			echo "- rxdrop, placement $p: not run (BENCH_CASES)"
		elif [ -n "$brx" ]; then
			echo "- rxdrop with one steering rule, placement $p: $(ratio "$x" "${brx%% *}")x" \
				"xdpsock's best (${LABEL[${brx#* }]#xdpsock rxdrop, }, ${brx%% *} Mpps);" \
				"goal >= 1.0x: $(verdict "$(ratio "$x" "${brx%% *}")" 1.0)$([ "$p" = S ] &&
				echo "; stretch 1.15x: $(verdict "$(ratio "$x" "${brx%% *}")" 1.15)")"
		else
			echo "- rxdrop, placement $p: xdpsock rows missing, goal not measured"
		fi
		xmin=$(echo "${VALS[$p:xf-rx]:-}" | minof)
		if [ "$p" = T ] && [ -n "$x" ]; then
			echo "- xdp-fwd rxdrop, placement T: slowest of $RUNS runs $xmin Mpps =" \
				"$(ratio "$xmin" "$x")x its median; goal: no run below 0.9x:" \
				"$(verdict "$(ratio "$xmin" "$x")" 0.9)"
		fi
		if [ -z "${MED[$p:xf-l2]:-}" ]; then
			echo "- l2fwd, placement $p: not run (BENCH_CASES)"
		elif [ -n "$bl2" ]; then
			echo "- l2fwd, placement $p: $(ratio "${MED[$p:xf-l2]}" "${bl2%% *}")x xdpsock's" \
				"best l2fwd (${LABEL[${bl2#* }]#xdpsock l2fwd, }, ${bl2%% *} Mpps); goal >= 1.2x:" \
				"$(verdict "$(ratio "${MED[$p:xf-l2]}" "${bl2%% *}")" 1.2)"
		else
			echo "- l2fwd, placement $p: xdpsock rows missing, goal not measured"
		fi
	done
}

echo
echo "Placement S (NAPI on CPU 0):"; table_for S
echo; echo "Placement T (NAPI thread on CPU 1):"; table_for T
echo; goals

# ---- the plot ------------------------------------------------------------

if command -v gnuplot >/dev/null; then
	for id in "${CASES[@]}"; do
		printf '"%s %s" %s\n' "${id%%:*}" "${LABEL[$id]%%, rule*}" "${MED[$id]}"
	done >"$TB_RUN/plot.dat"
	gnuplot <<GP 2>/dev/null || true
set terminal png size 1100,500 noenhanced
set output "$PNG"
set rmargin 12
set title "veth testbed, 64-byte frames, median of $RUNS interleaved rounds ($(date -u +%F)); S: NAPI on CPU 0, T: NAPI thread on CPU 1"
set ylabel "Mpps"
set style fill solid 0.6
set boxwidth 0.6
set bmargin 12
set xtics rotate by -45 font ",8"
set yrange [0:*]
plot "$TB_RUN/plot.dat" using 0:2:xtic(1) with boxes notitle
GP
fi

# ---- diagnostics and instructions (sourced: they share this testbed) -----

DIAG=
if [ "$PROFILE" = 1 ] || [ "$INSNS" = 1 ]; then
	. tests/bench/e2e-diag.sh
fi

# ---- BENCHMARKS.md -------------------------------------------------------

peer=missing
if [ -n "$XDPSOCK" ]; then
	peer="\`$XDPSOCK\` (modes: rxdrop -p, spin, -B; l2fwd spin, -p, -B; all with -c -q 0)"
fi
{
	echo "<!-- bench-e2e:begin -->"
	echo "Measured $(date -u '+%F %H:%M UTC') on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, kernel $(uname -r);"
	echo "1-minute load $load_before at the start, $load_after at the end of the rounds."
	echo "Command: \`make bench${XDPSOCK:+ XDPSOCK=$XDPSOCK}\` (scripts/bench-e2e.sh, ${SECS} s per run, $RUNS interleaved rounds, medians)."
	echo "Peer: $peer."
	echo
	echo "Placement S: generator and b0's NAPI (with the XDP program) on CPU 0, receiver on CPU 1."
	echo
	table_for S
	echo
	echo "Placement T: b0's NAPI threaded, its thread pinned to CPU 1 with the receiver; generator on CPU 0."
	echo
	table_for T
	echo
	echo "Goals (issue 14), from the tables above:"
	echo
	goals
	[ -f "$PNG" ] && echo && echo "![rates](bench-e2e.png)"
	[ -n "$DIAG" ] && echo && cat "$DIAG"
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
