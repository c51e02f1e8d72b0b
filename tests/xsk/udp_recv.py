#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Count the datagrams of udp_send.py (stdlib only).

  udp_recv.py --port P [--bind ADDR]         a UDP socket (the kernel stack)
  udp_recv.py --port P --raw IFACE           every IPv4/UDP frame to port P that
                                             arrives on IFACE (AF_PACKET; frames
                                             IFACE sends are ignored)

Counts per flow, and checks that no (flow, seq) comes twice and that each
flow's sequence numbers only go up.  With --raw, --dmac/--smac also check the
Ethernet addresses of every frame.

Stops at --timeout seconds, on SIGTERM/SIGINT, or --linger seconds after the
--expect'th datagram (the linger catches duplicates).  --ready FILE is
created once the socket is bound.  Prints one JSON line:

  {"received": N, "duplicates": D, "out_of_order": O, "foreign": F,
   "mac_bad": B, "flows": {"FLOW": {"count": C, "first": S0, "last": S1}}}

Exit 0 when received == --expect (when given) with no duplicate and no
reordering, else 1.
"""
import argparse
import json
import select
import signal
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from udp_send import mac_bytes, parse_payload  # noqa: E402

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


STOP = []


def on_signal(sig, frm):
    STOP.append(sig)


def udp_of_frame(buf, port):
    """The UDP payload of an Ethernet/IPv4/UDP frame to port, else None."""
    if len(buf) < 14 + 20 + 8 or buf[12:14] != b"\x08\x00":
        return None
    ihl = (buf[14] & 0x0F) * 4
    if buf[14] >> 4 != 4 or buf[23] != socket.IPPROTO_UDP:
        return None
    u = 14 + ihl
    if len(buf) < u + 8:
        return None
    _, dport, ulen = struct.unpack_from("!HHH", buf, u)
    if dport != port:
        return None
    return buf[u + 8:u + ulen]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bind", default="")
    ap.add_argument("--raw", metavar="IFACE")
    ap.add_argument("--dmac")
    ap.add_argument("--smac")
    ap.add_argument("--expect", type=int)
    ap.add_argument("--linger", type=float, default=0.3)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--ready")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if a.raw:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((a.raw, 0))
    else:
        fam = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((a.bind, a.port))
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setblocking(False)
    if a.ready:
        open(a.ready, "w").close()

    dmac = mac_bytes(a.dmac) if a.dmac else None
    smac = mac_bytes(a.smac) if a.smac else None
    st = {"received": 0, "duplicates": 0, "out_of_order": 0, "foreign": 0, "mac_bad": 0}
    flows, seen = {}, set()
    deadline = time.monotonic() + a.timeout
    stop_at = None
    while not STOP:
        now = time.monotonic()
        end = min(deadline, stop_at) if stop_at else deadline
        if now >= end:
            break
        r, _, _ = select.select([s], [], [], min(0.1, end - now))
        if not r:
            continue
        while True:
            try:
                if a.raw:
                    buf, addr = s.recvfrom(65535)
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    data = udp_of_frame(buf, a.port)
                    if data is None:
                        continue
                else:
                    data = s.recv(65535)
            except BlockingIOError:
                break
            fs = parse_payload(data)
            if fs is None:
                st["foreign"] += 1
                continue
            if a.raw and ((dmac and buf[0:6] != dmac) or (smac and buf[6:12] != smac)):
                st["mac_bad"] += 1
            if fs in seen:
                st["duplicates"] += 1
                continue
            seen.add(fs)
            st["received"] += 1
            flow, seq = fs
            f = flows.setdefault(str(flow), {"count": 0, "first": seq, "last": None})
            if f["last"] is not None and seq < f["last"]:
                st["out_of_order"] += 1
            f["count"] += 1
            f["last"] = seq if f["last"] is None else max(seq, f["last"])
            if a.expect is not None and st["received"] >= a.expect and stop_at is None:
                stop_at = time.monotonic() + a.linger
    st["flows"] = flows
    print(json.dumps(st))
    sys.stdout.flush()
    ok = not st["duplicates"] and not st["out_of_order"]
    if a.expect is not None:
        ok = ok and st["received"] == a.expect
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
