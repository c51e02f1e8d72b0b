#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The soak's kernel-side receiver: which numbered datagrams reached the stack.

  soak_recv.py --bind ADDR --port P [--port Q ...] --ready FILE

One UDP socket per port, bound in the DUT namespace.  While the consumer
has no socket in the XSKMAP (before it binds, while it re-binds after a
flap), the program passes steered frames to the kernel, and they land here;
the soak checks that none of them also reached the consumer.

Runs until SIGTERM or SIGINT, then drains what is still queued and prints
one JSON line:

  {"received": N, "foreign": F, "ports": {"P": {"FLOW": [SEQ, ...]}}}

Sequence numbers are listed as they came (duplicates kept), so the checker
sees everything.  Exit 0.
"""
import argparse
import json
import select
import signal
import socket
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../xsk")
from udp_send import parse_payload  # noqa: E402

SO_RCVBUFFORCE = 33
STOP = []


def on_signal(sig, frm):
    STOP.append(sig)


def open_socket(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    # room for every fallback burst: a drop here would look like a loss
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setblocking(False)
    return s


def drain(s, port, st):
    """Read everything queued on s into st."""
    while True:
        try:
            data = s.recv(65535)
        except (BlockingIOError, InterruptedError):
            return
        fs = parse_payload(data)
        if fs is None:
            st["foreign"] += 1
            continue
        st["received"] += 1
        st["ports"][str(port)].setdefault(str(fs[0]), []).append(fs[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bind", required=True)
    ap.add_argument("--port", type=int, action="append", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    socks = {open_socket(a.bind, p): p for p in a.port}
    st = {"received": 0, "foreign": 0, "ports": {str(p): {} for p in a.port}}
    open(a.ready, "w").close()
    while not STOP:
        try:
            ready, _, _ = select.select(list(socks), [], [], 0.2)
        except InterruptedError:
            continue
        for s in ready:
            drain(s, socks[s], st)
    for s, p in socks.items():
        drain(s, p, st)
    print(json.dumps(st))
    return 0


if __name__ == "__main__":
    sys.exit(main())
