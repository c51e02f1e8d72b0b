#!/usr/bin/env bash
# scripts/demo.sh - `make demo`: xdp-fwd doing its job on the veth testbed.
#
# One flow (UDP port 7000) is steered to the AF_XDP consumer, one (7001) is
# dropped in XDP, and the rest (7002) is passed to the kernel stack, where a
# UDP socket counts it.  About 10 seconds of traffic with live rates, then
# the summary and the counters.  Everything is torn down on exit or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
XF=$PWD/build/xdp-fwd
TB_NAME=xft-demo-$$
. scripts/testbed.sh

SECS=${DEMO_SECONDS:-10}
RATE=${DEMO_RATE:-300000}
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	tb_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "testbed: namespaces $TB_GEN (a0) and $TB_DUT (b0), joined by a veth pair"
tb_up 1

say "xdp-fwd load b0, and three rules"
tb_dut "$XF" load b0
tb_dut "$XF" rule add b0 proto udp dport 7000 action xsk >/dev/null
tb_dut "$XF" rule add b0 proto udp dport 7001 action drop >/dev/null
tb_dut "$XF" rule add b0 proto udp dport 7002 priority 2000 action pass >/dev/null
tb_dut "$XF" rule list b0

say "consumer on b0 (rxdrop) and a kernel UDP socket on port 7002; ${SECS}s of traffic at ${RATE} pps over ports 7000-7002"
tb_dut "$XF" run b0 --duration $((SECS + 2)) --json --cpus 1 >"$TB_RUN/run.json" &
pids+=($!)
tb_dut timeout $((SECS + 3)) /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
s.bind(("192.0.2.2", 7002)); s.settimeout(1.0); n = 0
while True:
    try: s.recv(2048); n += 1
    except socket.timeout:
        if n: break
    except KeyboardInterrupt: break
open(sys.argv[1], "w").write(str(n))
' "$TB_RUN/kernel.count" &
pids+=($!)
sleep 1
tb_gen "$XF" gen a0 --dst-mac "$TB_B_MAC" --dport 7000-7002 --rate "$RATE" \
	--duration "$SECS" --cpus 0
wait "${pids[@]}" || true
pids=()

say "consumer summary (xdp-fwd run --json)"
tail -n 1 "$TB_RUN/run.json"
say "kernel UDP socket on port 7002 received: $(cat "$TB_RUN/kernel.count" 2>/dev/null || echo 0)"
say "rule hit counters (xdp-fwd rule list b0)"
tb_dut "$XF" rule list b0
say "program counters (xdp-fwd stats b0)"
tb_dut "$XF" stats b0
# it worked if each of the three paths saw traffic
got_xsk=$(tail -n 1 "$TB_RUN/run.json" | sed -n 's/^{[^[]*"rx_packets":\([0-9]*\).*/\1/p')
got_drop=$(tb_dut "$XF" rule list b0 --json | /usr/bin/python3 -c \
	'import json,sys; print(sum(r["packets"] for r in json.load(sys.stdin) if r["action"] == "drop"))')
got_kernel=$(cat "$TB_RUN/kernel.count" 2>/dev/null || echo 0)
tb_dut "$XF" unload b0
if [ "${got_xsk:-0}" -gt 0 ] && [ "${got_drop:-0}" -gt 0 ] && [ "$got_kernel" -gt 0 ]; then
	say "done: ${got_xsk} frames to the consumer, ${got_drop} dropped in XDP, ${got_kernel} to the kernel socket"
else
	say "FAILED: consumer ${got_xsk:-0}, dropped ${got_drop:-0}, kernel socket ${got_kernel}: one path saw nothing"
	exit 1
fi
