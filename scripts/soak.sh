#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# scripts/soak.sh - one soak pass of xdp-fwd on the veth testbed.
#
#   GEN namespace  a0 (2 TX/RX queues) --veth-- b0 (2 RX queues)  DUT namespace
#     udp_send.py flow 1 -> :9001 on CPU 0 (XPS: queue 0)     xdp-fwd load b0, rules
#     udp_send.py flow 2 -> :9002 on CPU 1 (XPS: queue 1)       dport 9001/9002 -> xsk
#     noise -> :20001 (hit by churned rules)                  xdp-fwd run b0 --queues all
#                                                               --mode capture (the consumer)
#                                                             soak_recv.py on :9001, :9002
#                                                               (the XSKMAP's kernel fallback)
#
# While the measured flows run for --seconds, rules on other flows are added
# and deleted every few milliseconds (`xdp-fwd rule add/del`), `stats`,
# `stats --prometheus` and `status` are polled (each exit status checked),
# and b0 is set down and up at random moments when the consumer can survive
# it (its `run` has --no-reconnect, i.e. reconnects by default).  After the
# last flap a tail of numbered frames per flow must reach the consumer whole.
#
# It fails when a frame of a measured flow that reached the XDP hook (the
# rule's packet counter) was not received exactly once by the consumer or
# the kernel socket (tests/soak/soak_check.py), when the consumer's RSS grew
# by more than SOAK_RSS_MIB after the warm-up (not judged with --sanitizer:
# ASan's quarantine holds freed memory on purpose) or its fd count grew,
# when a sanitizer wrote a report, when the kernel logged a warning during
# the pass, or when any command failed.
#
# Live progress every few seconds on stdout, then "ok - " / "FAIL - " lines,
# a summary, and "soak: N passed, M failed" (with --json, one JSON object
# after it, the last line).  Exit 0 passed, 1 failed, 77 skipped (not root,
# a tool missing, no namespaces).  The scratch directory is removed after a
# pass and kept (its path printed) after a failure.
#
# Every background process of the pass lives in the two namespaces made
# here (or is this script's child); a trap stops them all and removes the
# testbed on every way out.

# Functions run through check and traps look unreachable to shellcheck.
# shellcheck disable=SC2317

set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$SELF")/.." && pwd)
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
XSKT=$ROOT/tests/xsk
SOAKT=$ROOT/tests/soak

PORT1=9001 PORT2=9002	# measured flows 1 and 2, steered to the consumer
NOISE_PORT=20001	# unmeasured, matched by some churned rules
TAIL_N=300		# frames per flow after the last flap
WARM_N=14000		# warm-up frames per flow: more than the consumer's UMEM
			# frames (4096) and capture slots (8192) of one queue

usage() {
	cat <<EOF
usage: scripts/soak.sh [--seconds S] [--rate PPS] [--xdp-fwd BIN] [--sanitizer]
                       [--flaps | --no-flaps] [--json]

One soak pass of xdp-fwd on a veth testbed of its own: two measured UDP flows
into a 2-queue consumer ('run --mode capture'), rule churn on other flows,
stats/status polling and link flaps; fails on any measured frame lost or
duplicated at the hook, RSS or fd growth of the consumer, a sanitizer report,
a kernel warning, or a failed command.

  -s, --seconds S    length of the traffic phase (default \$SOAK_SECONDS or 300)
  -r, --rate PPS     datagrams per second per measured flow (default 1000)
  -x, --xdp-fwd BIN  the xdp-fwd to soak, consumer and commands (default
                     \$XDP_FWD or build/xdp-fwd)
  -S, --sanitizer    BIN is an ASan/UBSan build: its reports fail the pass,
                     and RSS is reported but not judged
      --flaps        flap b0 even if 'run' does not reconnect (it will fail)
      --no-flaps     never flap b0 (default: flap when 'run' reconnects)
  -j, --json         one JSON object with the figures as the last line
  -h, --help         this text

Environment: SOAK_RSS_MIB (allowed RSS growth after warm-up, default 4),
SOAK_DIR (where the scratch directory goes, default /tmp), SOAK_CHECK_ARGS
(more words for tests/soak/soak_check.py: "--drop-every N" checks the checker).
Exit status: 0 passed, 1 failed, 77 skipped.
EOF
}

###########################################################################
# inner loops, run inside the DUT namespace (with the testbed's bpffs)

# rule churn: add and delete rules that never match a measured flow, every
# few milliseconds, until $W/stop appears; each failure goes to churn.err
inner_churn() {
	local -a live_id=() live_txt=()
	local ops=0 k txt id i shapes
	shapes=("proto udp dport 2000%d action drop"
		"proto udp sport 3000%d action pass"
		"src 198.51.100.%d action drop"
		"vlan 10%d action drop"
		"proto tcp dport 8%d priority 10 action drop"
		"dst 203.0.113.%d proto udp dport 53 priority 5 action drop")
	while [ ! -e "$W/stop" ]; do
		if [ ${#live_id[@]} -lt 8 ] && [ $((RANDOM % 3)) != 0 ]; then
			# shellcheck disable=SC2059
			txt=$(printf "${shapes[RANDOM % ${#shapes[@]}]}" $((RANDOM % 10)))
			for i in "${live_txt[@]}"; do
				[ "$i" = "$txt" ] && continue 2
			done
			# shellcheck disable=SC2086
			if id=$("$XF" rule add b0 $txt 2>>"$W/churn.err") && [ -n "$id" ]; then
				live_id+=("$id")
				live_txt+=("$txt")
			else
				echo "rule add b0 $txt failed" >>"$W/churn.err"
			fi
		elif [ ${#live_id[@]} -gt 0 ]; then
			k=$((RANDOM % ${#live_id[@]}))
			"$XF" rule del b0 "${live_id[k]}" >/dev/null 2>>"$W/churn.err" ||
				echo "rule del b0 ${live_id[k]} (${live_txt[k]}) failed" >>"$W/churn.err"
			live_id=("${live_id[@]:0:k}" "${live_id[@]:k+1}")
			live_txt=("${live_txt[@]:0:k}" "${live_txt[@]:k+1}")
		fi
		ops=$((ops + 1))
		# renamed into place, so the progress line never reads half a number
		if [ $((ops % 10)) = 0 ]; then
			echo "$ops" >"$W/churn.n.tmp" && mv -f "$W/churn.n.tmp" "$W/churn.n"
		fi
		sleep 0.003
	done
	for id in "${live_id[@]}"; do
		"$XF" rule del b0 "$id" >/dev/null 2>>"$W/churn.err" ||
			echo "rule del b0 $id failed" >>"$W/churn.err"
		ops=$((ops + 1))
	done
	echo "$ops" >"$W/churn.n"
}

# poll_one NAME CMD...: CMD must exit 0 and print something
poll_one() {
	local name=$1 rc=0
	shift
	"$@" >"$W/poll.out" 2>"$W/poll.err" || rc=$?
	if [ $rc != 0 ] || [ ! -s "$W/poll.out" ]; then
		echo "$name: exit $rc, $(wc -c <"$W/poll.out") bytes; $(head -c 300 "$W/poll.err")" \
			>>"$W/poll.errors"
	fi
}

# the pollers: stats, stats --prometheus and status, four times a second
inner_poll() {
	local n=0
	while [ ! -e "$W/stop" ]; do
		poll_one "stats b0 --json" "$XF" stats b0 --json
		poll_one "stats b0 --prometheus" "$XF" stats b0 --prometheus
		poll_one "status b0 --json" "$XF" status b0 --json
		n=$((n + 3))
		echo "$n" >"$W/poll.n.tmp" && mv -f "$W/poll.n.tmp" "$W/poll.n"
		sleep 0.25
	done
}

###########################################################################
# the outer half

# dut CMD...: CMD in the DUT namespace with the testbed's bpffs
# shellcheck disable=SC2016
dut() {
	ip netns exec "$TB_DUT" sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$TB_RUN/bpf" "$@"
}
# dut_bg CMD... &: the same in the background; exec'd all the way down, so
# $! is CMD's own pid (signals and /proc/PID reach CMD, not a subshell)
# shellcheck disable=SC2016
dut_bg() {
	exec ip netns exec "$TB_DUT" sh -c 'mount --bind "$0" /sys/fs/bpf && exec "$@"' \
		"$TB_RUN/bpf" "$@"
}
gen() {
	ip netns exec "$TB_GEN" "$@"
}

cleanup() {
	local p ns
	touch "$W/stop" "$W/flap.stop" 2>/dev/null
	# only jobs not yet reaped: a pid already waited for may be someone
	# else's by now
	for p in $(jobs -p); do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null
	done
	for ns in "$TB_GEN" "$TB_DUT"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	tb_down
	if [ "${KEEP:-1}" = 0 ]; then
		rm -rf "$W"
	else
		echo "# scratch directory kept: $W"
	fi
}

# counter FILE: the number in FILE, 0 when there is none yet
counter() {
	local v
	v=$(cat "$1" 2>/dev/null)
	echo "${v:-0}"
}

# proc_sample PID: "RSS_KIB FDS" of PID, or nothing when it is gone.  FDS
# is the least of 5 looks 20 ms apart: the consumer's main thread opens a
# socket or a netlink socket for a few microseconds several times a second
# (link state, queue count, the attached program) and writes its state file
# once a second; a look that lands there sees one fd more.  A leaked fd is
# in every look.
proc_sample() {
	local rss fds n i
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	for i in 1 2 3 4 5; do
		n=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		[ -z "${fds:-}" ] || [ "$n" -lt "$fds" ] && fds=$n
		[ $i = 5 ] || sleep 0.02
	done
	[ -n "$rss" ] && echo "$rss $fds"
}

# hook_pkts: frames the measured rules matched so far (both ports)
hook_pkts() {
	dut "$XF" rule list b0 --json 2>/dev/null |
		jget - "sum(r['packets'] for r in d if r['dport'] in ($PORT1, $PORT2))"
}

# rand_ms LO HI: a random duration in seconds, LO..HI milliseconds
rand_ms() {
	local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# the flapper: b0 down for 0.1-1 s, first 1-3 s after FROM, then every
# 4-12 s (some gaps longer than run's 10 s backoff memory, some shorter),
# until UNTIL (seconds since the epoch) or $W/flap.stop; it leaves b0 up
flapper() {
	local from=$1 until=$2 n=0 gap="1000 3000"
	while fcmp "$(now) < $from" && [ ! -e "$W/flap.stop" ]; do
		sleep 0.2
	done
	while [ ! -e "$W/flap.stop" ]; do
		# shellcheck disable=SC2086
		sleep "$(rand_ms $gap)"
		gap="4000 12000"
		if ! fcmp "$(now) < $until" || [ -e "$W/flap.stop" ]; then
			break
		fi
		ip -n "$TB_DUT" link set b0 down || echo "link set b0 down failed" >>"$W/flap.err"
		sleep "$(rand_ms 100 1000)"
		ip -n "$TB_DUT" link set b0 up || echo "link set b0 up failed" >>"$W/flap.err"
		n=$((n + 1))
		echo "$n" >"$W/flaps.n"
	done
}

# send_flow CPU FLOW PORT COUNT RATE TIMEOUT: numbered datagrams from GEN,
# pinned to CPU (and so, by XPS, to a0's TX queue CPU); the JSON to stdout
send_flow() {
	timeout -k 2 $(($6 + 10)) ip netns exec "$TB_GEN" taskset -c "$1" "$PY" \
		"$XSKT/udp_send.py" --dst "$TB_B_IP" --dport "$3" --flow "$2" --count "$4" \
		--rate "$5" --size 18 --timeout "$6"
}

# kernel_warnings SINCE: kernel log lines after timestamp SINCE that are
# warnings or worse, or name a kernel bug; fails when dmesg cannot be read
kernel_warnings() {
	local log
	log=$(dmesg -r) || return 2
	awk -v since="$1" '
		match($0, /^<[0-9]+>\[ *[0-9]+\.[0-9]+\]/) {
			hdr = substr($0, 1, RLENGTH)
			prio = substr(hdr, 2, index(hdr, ">") - 2) % 8
			ts = substr(hdr, index(hdr, "[") + 1) + 0
			if (ts <= since)
				next
			if (prio <= 4 || $0 ~ /WARNING|BUG|Oops|Call Trace|UBSAN|KASAN|refcount_t|list_(add|del) corruption|soft lockup|hung_task|stall/)
				print
		}' <<<"$log"
}

dmesg_last_ts() {
	dmesg -r | awk 'match($0, /^<[0-9]+>\[ *[0-9]+\.[0-9]+\]/) {
		s = substr($0, index($0, "[") + 1); t = s + 0 } END { printf "%.6f\n", t + 0 }'
}

# wait_until SECS CMD...: tests/lib/harness.sh

# consumer_bound: status shows our consumer running with both queues bound
consumer_bound() {
	[ "$(dut "$XF" status b0 --json 2>/dev/null | jget - "(lambda c: c['pid'] == $CPID and
		c.get('state', 'running') == 'running' and len(c['queues']))(d['consumer'])")" = 2 ]
}

# consumer_state: "running/waiting, N reconnects" from status
consumer_state() {
	dut "$XF" status b0 --json 2>/dev/null | jget - "(lambda c: '%s, %s reconnects' %
		(c.get('state', 'running'), c.get('reconnects', '-')) if c else 'none')(d['consumer'])"
}

# drained: every frame the program sent to the xsk action is accounted for
# by the consumer's published counters or the kernel fallback
drained() {
	local xsk prom
	xsk=$(dut "$XF" stats b0 --json 2>/dev/null |
		jget - "d['actions']['xsk']['packets'] - d['events']['xsk-no-socket']['packets']")
	prom=$(dut "$XF" stats b0 --prometheus 2>/dev/null | awk '
		/^xdp_fwd_xsk_(rx_packets|rx_dropped|rx_ring_full)_total/ { s += $NF } END { print s + 0 }')
	[ -n "$xsk" ] && [ "$xsk" = "$prom" ]
}

setup_prog() {
	dut "$XF" load b0 >/dev/null &&
		dut "$XF" rule add b0 proto udp dport $PORT1 action xsk >/dev/null &&
		dut "$XF" rule add b0 proto udp dport $PORT2 action xsk >/dev/null
}

progress() {
	local t=$1 hook=$2 pps=$3 s
	s=$(proc_sample "$CPID") || s="gone -"
	printf '# t=%4ds  hook %6s pps  flaps %3s  consumer %s  rule ops %6s  polls %5s  rss %s  fds %s\n' \
		"$t" "$pps" "$(counter "$W/flaps.n")" "$(consumer_state)" "$(counter "$W/churn.n")" \
		"$(counter "$W/poll.n")" \
		"$(awk -v k="${s% *}" 'BEGIN { if (k + 0 > 0) printf "%.1f MiB", k / 1024; else print k }')" \
		"${s#* }"
	[ "$hook" = None ] || echo "$t $hook $s" >>"$W/samples"
}

outer() {
	local secs=${SOAK_SECONDS:-300} rate=1000 flaps=auto json=0 san=0 t
	XF=${XDP_FWD:-$ROOT/build/xdp-fwd}
	while [ $# -gt 0 ]; do
		case "$1" in
		-s | --seconds) secs=${2:-}; shift ;;
		-r | --rate) rate=${2:-}; shift ;;
		-x | --xdp-fwd) XF=${2:-}; shift ;;
		-S | --sanitizer) san=1 ;;
		--flaps) flaps=1 ;;
		--no-flaps) flaps=0 ;;
		-j | --json) json=1 ;;
		-h | --help) usage; exit 0 ;;
		*) echo "soak: unknown argument '$1' (see --help)" >&2; exit 2 ;;
		esac
		shift
	done
	if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 10 ] || [ "$secs" -gt 86400 ]; then
		echo "soak: bad --seconds '$secs' (10..86400)" >&2
		exit 2
	fi
	if ! [[ "$rate" =~ ^[0-9]+$ ]] || [ "$rate" -lt 10 ] || [ "$rate" -gt 100000 ]; then
		echo "soak: bad --rate '$rate' (10..100000 per flow)" >&2
		exit 2
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "soak: skipped (needs root)"
		exit 77
	fi
	for t in ip taskset timeout dmesg awk find "$PY"; do
		if ! command -v "$t" >/dev/null; then
			echo "soak: skipped ($t not found)"
			exit 77
		fi
	done
	if [ ! -x "$XF" ]; then
		echo "soak: $XF is not built" >&2
		exit 1
	fi
	XF=$(readlink -f "$XF")
	local flap_why
	case "$flaps" in
	auto)
		flaps=0 flap_why="off (this 'run' has no reconnect)"
		if "$XF" run --help 2>&1 | grep -q -- '--no-reconnect'; then
			flaps=1 flap_why=on
		fi ;;
	1) flap_why="on (--flaps)" ;;
	0) flap_why="off (--no-flaps)" ;;
	esac
	local rss_mib=${SOAK_RSS_MIB:-4}

	W=$(mktemp -d "${SOAK_DIR:-/tmp}/xft-soak-$$.XXXXXX") || exit 1
	WORK=$W RESULTS=$W/results
	: >"$RESULTS"
	# shellcheck source=tests/lib/harness.sh
	. "$ROOT/tests/lib/harness.sh"
	TB_NAME=xft-soak-$$
	# shellcheck source=scripts/testbed.sh
	. "$ROOT/scripts/testbed.sh"
	KEEP=1
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# every sanitizer report goes to a file of its own under san/
	mkdir -p "$W/san"
	export ASAN_OPTIONS="log_path=$W/san/asan:detect_leaks=1:halt_on_error=1:exitcode=98"
	export UBSAN_OPTIONS="log_path=$W/san/ubsan:halt_on_error=1:print_stacktrace=1"
	export LSAN_OPTIONS="exitcode=98"
	export W XF

	local dmesg0
	if ! dmesg0=$(dmesg_last_ts); then
		check "dmesg can be read" false
		exit 1
	fi
	if ! tb_up 2; then
		echo "soak: skipped (cannot set up the testbed's namespaces)"
		KEEP=0
		exit 77
	fi
	# the flows' CPUs pick the queues: CPU 0 -> tx-0 -> b0's rx-0, CPU 1 -> rx-1
	gen sh -c 'echo 1 >/sys/class/net/a0/queues/tx-0/xps_cpus &&
		echo 2 >/sys/class/net/a0/queues/tx-1/xps_cpus' ||
		note "XPS not settable: the split over queues is up to the hash"
	note "xdp-fwd $XF; $secs s at $rate pps per flow; flaps $flap_why"

	check "load b0 and the measured rules" setup_prog || exit 1

	dut_bg "$PY" "$SOAKT/soak_recv.py" --bind "$TB_B_IP" --port $PORT1 --port $PORT2 \
		--ready "$W/recv.ready" >"$W/kernel.json" 2>"$W/recv.err" &
	LPID=$!
	check "kernel socket listens on $PORT1, $PORT2" wait_file "$W/recv.ready" || exit 1

	RUN_OUT=$W/run.json RUN_ERR=$W/run.err
	dut_bg "$XF" run b0 --queues all --mode capture --write "$W/capture.pcap" --json \
		>"$RUN_OUT" 2>"$RUN_ERR" &
	CPID=$!
	RUN_PID=$CPID
	check "the consumer binds both queues" run_ready 2 || exit 1

	# warm-up: the consumer touches its memory lazily, a UMEM frame or a
	# capture slot at a time, so RSS climbs until each has been used once.
	# A numbered burst (measured like the rest) cycles them all before the
	# RSS baseline is taken.
	local w1 base=""
	send_flow 0 21 $PORT1 $WARM_N 5000 20 >"$W/warm1.json" 2>&1 &
	w1=$!
	send_flow 1 22 $PORT2 $WARM_N 5000 20 >"$W/warm2.json" 2>&1
	wait_for "$w1" 25
	check "warm-up: $WARM_N frames per flow taken by the consumer" wait_until 15 drained
	base=$(proc_sample "$CPID")
	progress 0 "$(hook_pkts)" -

	# the pass: senders, noise, churn, pollers, flapper
	local t0 until_flap sp1 sp2 np
	t0=$(now)
	send_flow 0 1 $PORT1 $((rate * secs)) "$rate" $((secs + 5)) >"$W/sent1.json" 2>"$W/sent1.err" &
	sp1=$!
	send_flow 1 2 $PORT2 $((rate * secs)) "$rate" $((secs + 5)) >"$W/sent2.json" 2>"$W/sent2.err" &
	sp2=$!
	send_flow 0 3 $NOISE_PORT $((100 * secs)) 100 "$secs" >/dev/null 2>&1 &
	np=$!
	dut_bg bash "$SELF" --inner churn &
	CHURN=$!
	dut_bg bash "$SELF" --inner poll &
	POLL=$!
	FLAP=
	if [ $flaps = 1 ]; then
		until_flap=$(awk "BEGIN { printf \"%.6f\", $t0 + $secs - 5 }")
		flapper "$(awk "BEGIN { printf \"%.6f\", $t0 + 2 }")" "$until_flap" &
		FLAP=$!
	fi

	# live progress until the senders are done (bounded: they time out)
	local tick=5 next hook hook0 tprev=$t0 tn pps
	[ "$secs" -lt 60 ] && tick=3
	next=$(awk "BEGIN { printf \"%.6f\", $t0 + $tick }")
	hook0=$(hook_pkts)
	while alive "$sp1" || alive "$sp2"; do
		sleep 0.2
		fcmp "$(now) >= $next" || continue
		tn=$(now)
		hook=$(hook_pkts)
		pps=$(awk -v h="${hook/None/0}" -v p="$hook0" -v d="$(awk "BEGIN { printf \"%.6f\", $tn - $tprev }")" \
			'BEGIN { printf "%.0f", (h - p) / d }')
		t=$(awk "BEGIN { printf \"%d\", $tn - $t0 }")
		progress "$t" "$hook" "$pps"
		hook0=${hook/None/0} tprev=$tn
		next=$(awk "BEGIN { printf \"%.6f\", $tn + $tick }")
	done
	wait_for "$sp1" 5
	wait_for "$sp2" 5
	wait_for "$np" 5
	[ -n "$FLAP" ] && touch "$W/flap.stop"
	[ -n "$FLAP" ] && { wait_for "$FLAP" 10; }
	local sent1 sent2
	sent1=$(jget "$W/sent1.json" 'd["sent"]')
	sent2=$(jget "$W/sent2.json" 'd["sent"]')
	note "sent flow 1: $sent1, flow 2: $sent2 (asked $((rate * secs)) each)"

	# after the last flap: b0 up, the consumer bound again, a tail received whole
	check "b0 is up at the end" bash -c "ip -n '$TB_DUT' link show b0 | grep -q ',UP'"
	check "the consumer is bound on both queues again (status)" wait_until 15 consumer_bound
	local st1
	send_flow 0 11 $PORT1 $TAIL_N 1000 20 >"$W/tail1.json" 2>&1 &
	st1=$!
	send_flow 1 12 $PORT2 $TAIL_N 1000 20 >"$W/tail2.json" 2>&1
	wait_for "$st1" 25
	check "the consumer has taken every steered frame (hook == received + fallback)" \
		wait_until 15 drained
	touch "$W/stop"
	wait_for "$CHURN" 30
	wait_for "$POLL" 30
	local last
	last=$(proc_sample "$CPID")
	progress "$(awk "BEGIN { printf \"%d\", $(now) - $t0 }")" "$(hook_pkts)" -

	# stop everything, collect
	run_stop
	kill -TERM "$LPID" 2>/dev/null
	wait_for "$LPID" 10
	dut "$XF" rule list b0 --json >"$W/rules.json" 2>&1
	dut "$XF" stats b0 --json >"$W/stats.json" 2>&1
	local udperr
	# shellcheck disable=SC2016
	udperr=$(ip netns exec "$TB_DUT" awk '/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++)
		k[i] = $i; h = 1 } else for (i = 2; i <= NF; i++) if (k[i] == "InErrors") print $i }' \
		/proc/net/snmp)

	# verdicts
	check_eq "the consumer exits 0 after SIGINT" "$RUN_RC" 0
	[ "$RUN_RC" = 0 ] || sed 's/^/#   run: /' "$RUN_ERR" | grep -v 'queue [0-9]*:' | tail -5
	check_eq "frames_accounted on both queues" \
		"$(rj '[q["frames_accounted"] for q in d["queues"]]')" "[True, True]"
	local vrc=0
	# SOAK_CHECK_ARGS: extra words for the checker (--drop-every N checks it)
	# shellcheck disable=SC2086
	"$PY" "$SOAKT/soak_check.py" --pcap "$W/capture.pcap" --kernel "$W/kernel.json" \
		--run "$RUN_OUT" --rules "$W/rules.json" --stats "$W/stats.json" \
		--flow "1:$PORT1:${sent1/None/0}" --flow "2:$PORT2:${sent2/None/0}" \
		--flow "21:$PORT1:$(jget "$W/warm1.json" 'd["sent"]')" \
		--flow "22:$PORT2:$(jget "$W/warm2.json" 'd["sent"]')" \
		--tail "11:$PORT1:$(jget "$W/tail1.json" 'd["sent"]')" \
		--tail "12:$PORT2:$(jget "$W/tail2.json" 'd["sent"]')" \
		--flaps "$(counter "$W/flaps.n")" --udp-errors "${udperr:-0}" \
		${SOAK_CHECK_ARGS:-} >"$W/verdict.out" 2>&1 || vrc=$?
	grep -v '^{' "$W/verdict.out" | sed 's/^/#   /'
	check_eq "measured flows: each frame at the hook received exactly once (soak_check.py)" \
		"$vrc" 0
	check_eq "churned rules all deleted: only the 2 measured rules left" \
		"$(jget "$W/rules.json" 'sorted(r["dport"] for r in d)')" "[$PORT1, $PORT2]"
	check_eq "rule add/del: no failure ($(counter "$W/churn.n") ops)" \
		"$(head -3 "$W/churn.err" 2>/dev/null)" ""
	check_eq "stats/status polls: no failure ($(counter "$W/poll.n") polls)" \
		"$(head -3 "$W/poll.errors" 2>/dev/null)" ""
	note "consumer: $(rj '"%s at the end, %d reconnects, faults %s, binds per queue %s" % (d["state"],
		d["reconnects"], {k: v for k, v in d["faults"].items() if v},
		[q["binds"] for q in d["queues"]])')"
	check_eq "the consumer ended running, both queues bound" \
		"$(rj '(d.get("state", "running"), [q.get("bound", True) for q in d["queues"]])')" \
		"('running', [True, True])"
	if [ $flaps = 1 ]; then
		check "it re-bound after the flaps (reconnects > 0)" \
			[ "$(rj 'd["reconnects"] > 0 and d["faults"]["link-down"] > 0')" = True ]
		check_eq "link flaps: no failure ($(counter "$W/flaps.n") flaps)" \
			"$(head -3 "$W/flap.err" 2>/dev/null)" ""
		check "at least one flap happened" [ "$(counter "$W/flaps.n")" -gt 0 ]
	fi

	local rss0=${base% *} fd0=${base#* } rss1=${last% *} fd1=${last#* } grow
	if [ -z "$base" ] || [ -z "$last" ]; then
		check "RSS and fds sampled after the warm-up and at the end" false
	else
		grow=$((rss1 - rss0))
		note "consumer RSS after warm-up $rss0 KiB, at the end $rss1 KiB ($grow KiB); fds $fd0 -> $fd1"
		if [ $san = 1 ]; then
			note "RSS not judged in the sanitizer pass (ASan's quarantine keeps freed memory)"
		else
			check "consumer RSS grew by at most $rss_mib MiB after the warm-up ($grow KiB)" \
				[ "$grow" -le $((rss_mib * 1024)) ]
		fi
		check "consumer fd count did not grow ($fd0 -> $fd1)" [ "$fd1" -le "$fd0" ]
	fi
	local san_files
	san_files=$(find "$W/san" -type f | wc -l)
	check_eq "no sanitizer report" "$san_files" 0
	[ "$san_files" = 0 ] || find "$W/san" -type f -exec head -20 {} + | sed 's/^/#   /' | head -40
	local kw krc=0
	kw=$(kernel_warnings "$dmesg0") || krc=$?
	check_eq "dmesg can be read" "$krc" 0
	check_eq "no kernel warning in dmesg during the pass" "$(echo "$kw" | head -5)" ""

	# summary
	local passed failed
	read -r passed failed < <(tally)
	note "summary: $secs s, $((${sent1/None/0} + ${sent2/None/0})) frames of flows 1, 2 sent," \
		"$(counter "$W/flaps.n") flaps, $(counter "$W/churn.n") rule ops," \
		"$(counter "$W/poll.n") polls; flow checks: $(jget "$W/verdict.out" \
			'"%d passed, %d failed" % (d["passed"], d["failed"])')"
	jget "$W/verdict.out" '"\n".join("# port %d: %d frames at the hook = %d to the consumer + %d to the kernel "
		"(no socket bound); %d sent, %d lost before the hook (link down)" % (p, f[0]["hook_port"],
		sum(x["consumer"] for x in f), sum(x["kernel"] for x in f), sum(x["sent"] for x in f),
		sum(x["sent"] for x in f) - f[0]["hook_port"]) for p, f in sorted(
		{p: [x for x in d["flows"].values() if x["port"] == p and "hook_port" in x]
		 for p in set(x["port"] for x in d["flows"].values())}.items()) if f)' |
		grep -v '^None$'
	echo "soak: $passed passed, $failed failed"
	if [ $json = 1 ]; then
		"$PY" -c '
import json, sys
a = sys.argv
v = json.loads(a[12]) if a[12].startswith("{") else None
print(json.dumps({"seconds": int(a[1]), "rate_per_flow": int(a[2]), "sanitizer": a[3] == "1",
    "flaps": int(a[4]), "rule_ops": int(a[5]), "polls": int(a[6]),
    "rss_kib": [int(x) if x.isdigit() else None for x in a[7:9]],
    "fds": [int(x) if x.isdigit() else None for x in a[9:11]],
    "kernel_warnings": int(a[11]), "verdict": v,
    "passed": int(a[13]), "failed": int(a[14])}))' \
			"$secs" "$rate" "$san" "$(counter "$W/flaps.n")" "$(counter "$W/churn.n")" \
			"$(counter "$W/poll.n")" "${rss0:-}" "${rss1:-}" "${fd0:-}" "${fd1:-}" \
			"$(echo -n "$kw" | grep -c .)" "$(tail -n 1 "$W/verdict.out")" "$passed" "$failed"
	fi
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ] || exit 1
	KEEP=0
	exit 0
}

if [ "${1:-}" = --inner ]; then
	case "${2:-}" in
	churn) inner_churn ;;
	poll) inner_poll ;;
	*) echo "soak: unknown inner role '${2:-}'" >&2; exit 2 ;;
	esac
else
	outer "$@"
fi
