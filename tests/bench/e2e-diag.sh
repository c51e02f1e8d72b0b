# tests/bench/e2e-diag.sh - sourced by scripts/bench-e2e.sh after its rounds,
# on the same testbed: where the time goes and what the worker executes, for
# xdp-fwd and for xdpsock's best mode of each kind (placement S, one run
# each, not part of the rates above).  Sets DIAG to a Markdown file.
#
# 1. BENCH_PROFILE=1 and perf: a cpu-clock profile of CPU 0 (the generator,
#    b0's NAPI and the XDP program) while the generator runs, and the
#    consumer's syscalls over its whole life (syscalls:sys_enter_* tracepoints,
#    perf stat -p), next to xdp-fwd's XSK statistics (tx_ring_empty_descs).
#    This machine has no PMU: `perf stat -e instructions` is not supported,
#    hence cpu-clock sampling and, for instructions,
#    BENCH_CASES (see bench-e2e.sh) also limits the subjects here.
# 2. BENCH_INSNS=1 and valgrind: callgrind over the consumer, instrumentation
#    switched on only while the generator keeps its RX ring full (so every
#    batch is full), for a fixed window; the worker thread's instructions
#    (userspace only: kernel work is not counted) divided by the frames it
#    took in that window (the same counters as the rates).  Callgrind slows
#    the consumer about 50 times; the count is of instructions, not time.
#
# Uses bench-e2e.sh's helpers (cons_start, cons_ready, cons_stop, gen_run,
# redirects_b0, drops_a0, best_of, LABEL, CMD, MED) and its TB_RUN.

DIAG=$TB_RUN/diag.md
: >"$DIAG"
DIAG_SYSCALLS="poll ppoll recvfrom sendto sched_yield"

# The four subjects: "key tool mode xdpsock-flags".
diag_subjects() {
	local kind mode b flags
	for kind in rx l2; do
		mode=$([ "$kind" = rx ] && echo rxdrop || echo l2fwd)
		wanted "S:xf-$kind" && echo "xf-$kind xdp-fwd $mode"
		b=$(best_of S "xs-$kind" || true)
		[ -n "$b" ] || continue
		# CMD is "case_xdpsock S MODE FLAGS...": keep the flags
		flags=$(echo "${CMD[${b#* }]}" | cut -d' ' -f4-)
		echo "xs-$kind xdpsock $mode ${flags:-}"
	done
}

# For the instruction counts: xdp-fwd and EVERY xdpsock mode that ran in S,
# so that xdp-fwd is judged against the mode that executes the least, not
# only the fastest one.  Keys xs-rx-MODE, xs-l2-MODE are case ids minus "S:".
insns_subjects() {
	local kind mode id
	for kind in rx l2; do
		mode=$([ "$kind" = rx ] && echo rxdrop || echo l2fwd)
		wanted "S:xf-$kind" && echo "xf-$kind xdp-fwd $mode"
		for id in "${CASES[@]}"; do
			case $id in "S:xs-$kind-"*) ;; *) continue ;; esac
			echo "${id#S:} xdpsock $mode $(echo "${CMD[$id]}" | cut -d' ' -f4-)"
		done
	done
}

diag_label() {	# key
	case $1 in
	xf-rx) echo "xdp-fwd rxdrop" ;;
	xf-l2) echo "xdp-fwd l2fwd" ;;
	xs-rx-*|xs-l2-*) echo "${LABEL[S:$1]}" ;;
	xs-*) echo "${LABEL[$(best_of S "$1" | cut -d' ' -f2)]}" ;;
	esac
}

# Start the subject's consumer (optionally under a wrapper command): after
# it, the caller measures; diag_stop undoes it.
diag_start() {	# tool mode flags wrapper...
	local tool=$1 mode=$2 flags=$3 m=-r
	shift 3
	[ "$mode" = l2fwd ] && m=-l
	[ "$mode" = l2fwd ] && tb_gen ip link set dev a0 xdp obj "$DROP_OBJ" sec xdp
	if [ "$tool" = xdp-fwd ]; then
		tb_dut "$XF" load b0 >/dev/null
		tb_dut "$XF" rule add b0 proto udp dport "$DPORT" action xsk >/dev/null
		cons_start "$@" "$XF" run b0 --mode "$mode" --cpus 1 --duration 60 --json --quiet
	else
		# shellcheck disable=SC2086  # flags are words
		cons_start "$@" "$XDPSOCK" -i b0 -q 0 -c -d 60 "$m" $flags
	fi
}

diag_stop() {	# tool mode
	cons_stop
	if [ "$1" = xdp-fwd ]; then
		tb_dut "$XF" unload b0 >/dev/null
	else
		tb_dut ip link set dev b0 xdp off 2>/dev/null || true
	fi
	[ "$2" = l2fwd ] && tb_gen ip link set dev a0 xdp off
	return 0
}

frames_now() {	# mode: the counter the rates use
	if [ "$1" = l2fwd ]; then drops_a0; else redirects_b0; fi
}

# ---- 1. CPU 0's profile and the consumer's syscalls ----------------------

diag_profile_one() {	# key tool mode flags
	local key=$1 tool=$2 mode=$3 flags=$4 b a t ev='' s stat
	for s in $DIAG_SYSCALLS; do ev+="${ev:+,}syscalls:sys_enter_$s"; done
	b=$(frames_now "$mode")
	diag_start "$tool" "$mode" "$flags"
	# the whole life of the consumer: perf stat ends when it exits
	stat=$TB_RUN/stat-$key.txt
	perf stat -x, -e "$ev" -p "$CONS" -o "$stat" >/dev/null 2>&1 &
	local statpid=$!
	cons_ready
	perf record -q -e cpu-clock -C 0 -o "$TB_RUN/prof-$key.data" -- sleep "$SECS" \
		>/dev/null 2>&1 &
	local recpid=$!
	t=$(gen_run)
	wait "$recpid" || true
	diag_stop "$tool" "$mode"
	wait "$statpid" || true
	a=$(frames_now "$mode")
	echo "$((a - b)) $t" >"$TB_RUN/frames-$key"
	[ "$tool" = xdp-fwd ] && tail -n 1 "$TB_RUN/cons.out" >"$TB_RUN/json-$key"
	return 0
}

per_k() { printf '%.1f' "$(echo "${1:-0} * 1000 / ($2 + 1)" | bc -l)"; }	# count, frames
json_num() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1" | head -n 1; }
stat_num() { awk -F, -v e="syscalls:sys_enter_$2" '$3 == e {print $1 + 0}' "$1"; }

# Top entries of CPU 0's profile, "pct comm sym" per line: the command is
# kept because CPU 0 is shared with whatever else runs on the machine.
top_syms() {	# key, count
	perf report -i "$TB_RUN/prof-$1.data" --stdio --no-children --sort comm,sym -q \
		2>/dev/null | awk -v n="$2" '$1 ~ /%$/ && NF >= 4 && c < n {
			c++; s = $1 " " $2; for (i = 4; i <= NF; i++) s = s " " $i; print s }'
}

# Share of CPU 0 per command: "pct comm, ..." on one line.
top_comms() {	# key
	perf report -i "$TB_RUN/prof-$1.data" --stdio --no-children --sort comm -q 2>/dev/null |
		awk '$1 ~ /%$/ && c < 6 { c++; printf "%s%s %s", (c > 1 ? ", " : ""), $1, $2 }'
}

diag_profile() {
	local key tool mode flags n t kind
	{
		echo "### Where CPU 0's time goes (perf, placement S, one run each)"
		echo
		echo "\`perf record -e cpu-clock -C 0\` while the generator ran ${SECS} s (no PMU here:"
		echo "cpu-clock sampling). CPU 0 runs the generator, b0's NAPI, the XDP program and"
		echo "the copy into the UMEM; the consumer is on CPU 1. Top symbols, share of CPU 0's samples:"
		echo
	} >>"$DIAG"
	while read -r key tool mode flags; do
		echo "bench-e2e: profiling $tool $mode ${flags:-}" >&2
		diag_profile_one "$key" "$tool" "$mode" "${flags:-}"
	done < <(diag_subjects)

	for kind in rx l2; do
		[ -f "$TB_RUN/prof-xf-$kind.data" ] || continue
		local h2="" have_xs=0
		[ -f "$TB_RUN/prof-xs-$kind.data" ] && have_xs=1 && h2=" $(diag_label "xs-$kind") |"
		{
			echo "| # | $(diag_label "xf-$kind") |$h2"
			echo "| ---: | --- |$([ $have_xs = 1 ] && echo ' --- |')"
			if [ $have_xs = 1 ]; then
				paste -d'|' <(top_syms "xf-$kind" 15) <(top_syms "xs-$kind" 15)
			else
				top_syms "xf-$kind" 15
			fi | awk -F'|' -v two="$have_xs" '{ printf "| %d | `%s` |", NR, $1;
				if (two == 1) printf " `%s` |", $2; printf "\n" }'
			echo
			echo "CPU 0 by command: $(diag_label "xf-$kind"): $(top_comms "xf-$kind")."
			[ $have_xs = 1 ] &&
				echo "$(diag_label "xs-$kind"): $(top_comms "xs-$kind")."
			echo
		} >>"$DIAG"
	done

	{
		echo "Syscalls of the consumer over its whole life (\`perf stat -e syscalls:sys_enter_*\`),"
		echo "per 1,000 frames taken (same counters as the rates), and xdp-fwd's XSK statistics:"
		echo
		echo "| consumer | frames | Mpps | poll | recvfrom | sendto | sched_yield | tx_ring_empty_descs | tx_ring_empty_descs per poll() |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	} >>"$DIAG"
	while read -r key tool mode flags; do
		local st=$TB_RUN/stat-$key.txt polls te="—" tep="—"
		[ -f "$st" ] || continue
		read -r n t <"$TB_RUN/frames-$key"
		polls=$(( $(stat_num "$st" poll || true) + $(stat_num "$st" ppoll || true) + 0 ))
		if [ -f "$TB_RUN/json-$key" ]; then
			te=$(json_num "$TB_RUN/json-$key" tx_ring_empty_descs)
			[ "$polls" -gt 0 ] && tep=$(printf '%.2f' "$(echo "$te / $polls" | bc -l)")
		fi
		printf '| %s | %s | %.2f | %s | %s | %s | %s | %s | %s |\n' "$(diag_label "$key")" "$n" \
			"$(rate "$n" "$t")" "$(per_k "$polls" "$n")" \
			"$(per_k "$(stat_num "$st" recvfrom)" "$n")" \
			"$(per_k "$(stat_num "$st" sendto)" "$n")" \
			"$(per_k "$(stat_num "$st" sched_yield)" "$n")" "$te" "$tep" >>"$DIAG"
	done < <(diag_subjects)
	echo >>"$DIAG"
}

# ---- 2. userspace instructions per frame (callgrind) ---------------------

INSNS_WINDOW=${BENCH_INSNS_WINDOW:-4}

# Instructions of the busiest thread (the worker) in the first dump.
cg_worker_ir() {	# pid
	local f best=0 v
	for f in "$TB_RUN"/cg.out."$1".1-*; do
		[ -f "$f" ] || continue
		v=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
		[ "${v:-0}" -gt "$best" ] && best=$v
	done
	echo "$best"
}

diag_insns_one() {	# key tool mode flags
	local key=$1 tool=$2 mode=$3 flags=$4 b a pid gen ir
	diag_start "$tool" "$mode" "$flags" valgrind --tool=callgrind --instr-atstart=no \
		--separate-threads=yes --callgrind-out-file="$TB_RUN/cg.out.%p"
	pid=$CONS
	cons_ready 60
	# keep the RX ring full for the whole window, bounded in time
	gen_run $((INSNS_WINDOW + 6)) >/dev/null &
	gen=$!
	sleep 1
	callgrind_control -i on "$pid" >/dev/null
	b=$(frames_now "$mode")
	sleep "$INSNS_WINDOW"
	a=$(frames_now "$mode")
	callgrind_control -d "$pid" >/dev/null
	wait "$gen" || true
	diag_stop "$tool" "$mode"
	ir=$(cg_worker_ir "$pid")
	# BENCH_CG_KEEP=DIR: keep callgrind's files for callgrind_annotate
	[ -n "${BENCH_CG_KEEP:-}" ] && mkdir -p "$BENCH_CG_KEEP" &&
		cp "$TB_RUN"/cg.out."$pid".* "$BENCH_CG_KEEP/"
	echo "$ir $((a - b))" >"$TB_RUN/insns-$key"
}

diag_insns() {
	local key tool mode flags ir n kind fk fast
	declare -A IPF
	while read -r key tool mode flags; do
		echo "bench-e2e: callgrind over $tool $mode ${flags:-}" >&2
		diag_insns_one "$key" "$tool" "$mode" "${flags:-}"
	done < <(insns_subjects)
	while read -r key tool mode flags; do
		read -r ir n <"$TB_RUN/insns-$key"
		[ "$n" -gt 0 ] && IPF[$key]=$(echo "$ir / $n" | bc -l) || IPF[$key]=0
	done < <(insns_subjects)
	{
		echo "### Userspace instructions per frame in the worker (callgrind)"
		echo
		echo "Callgrind on the consumer, counting only during a ${INSNS_WINDOW} s window while"
		echo "the generator kept sending (kernel work is not counted); instructions of"
		echo "the worker thread divided by the frames taken in that window (placement S),"
		echo "for xdp-fwd and every xdpsock mode.  Goal (issue 14): xdp-fwd at most 0.8x"
		echo "xdpsock's, judged against the xdpsock mode that executes the fewest"
		echo "instructions per frame (its fastest mode is shown too)."
		echo
		echo "| consumer | instructions | frames | instructions per frame |"
		echo "| --- | ---: | ---: | ---: |"
		while read -r key tool mode flags; do
			read -r ir n <"$TB_RUN/insns-$key"
			printf '| %s | %s | %s | %.0f |\n' "$(diag_label "$key")" "$ir" "$n" "${IPF[$key]}"
		done < <(insns_subjects)
		echo
		for kind in rx l2; do
			[ -n "${IPF[xf-$kind]:-}" ] || continue
			fk=''
			for key in "${!IPF[@]}"; do
				case $key in "xs-$kind-"*) ;; *) continue ;; esac
				[ "$(echo "${IPF[$key]} > 0" | bc -l)" = 1 ] || continue
				if [ -z "$fk" ] || [ "$(echo "${IPF[$key]} < ${IPF[$fk]}" | bc -l)" = 1 ]; then
					fk=$key
				fi
			done
			[ -n "$fk" ] || continue
			fast=$(best_of S "xs-$kind" | cut -d' ' -f2)
			printf -- '- %s: %.0f instructions per frame = %sx %s (%.0f, the fewest)' \
				"$(diag_label "xf-$kind")" "${IPF[xf-$kind]}" \
				"$(ratio "${IPF[xf-$kind]}" "${IPF[$fk]}")" "$(diag_label "$fk")" "${IPF[$fk]}"
			if [ -n "$fast" ] && [ -n "${IPF[${fast#S:}]:-}" ]; then
				printf '; %sx %s (%.0f, the fastest)' \
					"$(ratio "${IPF[xf-$kind]}" "${IPF[${fast#S:}]}")" \
					"$(diag_label "${fast#S:}")" "${IPF[${fast#S:}]}"
			fi
			printf '; goal <= 0.8x the fewest: %s\n' \
				"$([ "$(echo "${IPF[xf-$kind]} <= 0.8 * ${IPF[$fk]}" | bc -l)" = 1 ] &&
					echo met || echo "**NOT met**")"
		done
		echo
	} >>"$DIAG"
}

if [ "$PROFILE" = 1 ]; then
	if command -v perf >/dev/null; then
		diag_profile
	else
		echo "_No perf here (linux-perf): CPU 0's profile is missing._" >>"$DIAG"
	fi
fi
if [ "$INSNS" = 1 ]; then
	if command -v valgrind >/dev/null && command -v callgrind_control >/dev/null; then
		diag_insns
	else
		echo "_No valgrind here: the instructions per frame are missing._" >>"$DIAG"
	fi
fi
