#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send numbered UDP datagrams for the xdp-fwd AF_XDP tests (stdlib only).

Every payload starts with a 12-byte header, then a filler that depends only
on (flow, seq), so a test can rebuild what was sent:

    b"XFT1"  flow (u32, big endian)  seq (u32, big endian)  filler...

Two ways to send:

  * through a UDP socket (default): the kernel builds the headers;
    --sport A-B spreads the datagrams round-robin over source ports A..B;
  * --raw IFACE: whole Ethernet/IPv4/UDP frames built here (checksums
    included, IP id = seq & 0xffff) and written to an AF_PACKET socket, so
    the receiving side can be compared with them byte for byte
    (frame() below is what gets sent).

Pacing: --rate datagrams per second (0: as fast as possible).  The run is
bounded by --count and by --timeout seconds; exit 0 when all were sent,
1 otherwise.  Prints one JSON line: {"sent": N, "seconds": S}.
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

MAGIC = b"XFT1"
HDR = struct.Struct("!4sII")


def payload(flow, seq, size):
    """The payload of datagram seq of flow: size bytes (at least 12)."""
    size = max(size, HDR.size)
    base = (flow * 31 + seq * 7) & 0xFF
    filler = bytes((base + i) & 0xFF for i in range(size - HDR.size))
    return HDR.pack(MAGIC, flow, seq) + filler


def size_of(seq, size, vary):
    """Payload size of datagram seq: size, plus seq % vary when vary > 0."""
    return size + (seq % vary if vary > 0 else 0)


def parse_payload(data):
    """(flow, seq) of a payload, or None when it is not one of ours."""
    if len(data) < HDR.size:
        return None
    magic, flow, seq = HDR.unpack_from(data)
    if magic != MAGIC:
        return None
    return flow, seq


mac_bytes = pkt.mac


def frame(dmac, smac, src, dst, sport, dport, seq, data):
    """An Ethernet/IPv4/UDP frame around data, checksums filled in."""
    return pkt.udp4_frame(dmac, smac, src, dst, sport, dport, data, ident=seq)


def port_range(text):
    """A, A-B or A-B/S (every S-th port from A to B): the list of ports."""
    span, _, step = text.partition("/")
    a, _, b = span.partition("-")
    try:
        lo, hi, st = int(a), int(b or a), int(step or 1)
    except ValueError:
        raise argparse.ArgumentTypeError("bad port range %r" % text)
    if not 1 <= lo <= hi <= 65535 or st < 1:
        raise argparse.ArgumentTypeError("bad port range %r" % text)
    return list(range(lo, hi + 1, st))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dst", required=True, help="destination IPv4/IPv6 address")
    ap.add_argument("--dport", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--flow", type=int, default=0)
    ap.add_argument("--first", type=int, default=0, help="first sequence number")
    ap.add_argument("--rate", type=float, default=20000, help="datagrams/s, 0: no pacing")
    ap.add_argument("--size", type=int, default=64, help="payload bytes (min 12)")
    ap.add_argument("--vary", type=int, default=0, help="add seq %% VARY to the size")
    ap.add_argument("--sport", type=port_range, help="source port, range A-B or every S-th of one, A-B/S")
    ap.add_argument("--src", help="source address (needed with --raw)")
    ap.add_argument("--raw", metavar="IFACE", help="send built frames on IFACE")
    ap.add_argument("--dmac", help="destination MAC (with --raw)")
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()

    deadline = time.monotonic() + a.timeout
    ports = a.sport if a.sport else [None]
    socks = []
    if a.raw:
        if not (a.src and a.dmac and a.sport):
            ap.error("--raw needs --src, --dmac and --sport")
        with open("/sys/class/net/%s/address" % a.raw) as f:
            smac = mac_bytes(f.read().strip())
        dmac = mac_bytes(a.dmac)
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        raw.bind((a.raw, 0))
    else:
        fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
        for p in ports:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if p is not None or a.src:
                s.bind((a.src or ("::" if fam == socket.AF_INET6 else "0.0.0.0"), p or 0))
            socks.append(s)

    sent = 0
    t0 = time.monotonic()
    for i in range(a.count):
        seq = a.first + i
        now = time.monotonic()
        if now > deadline:
            break
        if a.rate > 0:
            due = t0 + i / a.rate
            if due > now:
                time.sleep(due - now)
        data = payload(a.flow, seq, size_of(seq, a.size, a.vary))
        k = i % len(ports)
        while True:
            try:
                if a.raw:
                    raw.send(frame(dmac, smac, a.src, a.dst, ports[k], a.dport, seq, data))
                else:
                    socks[k].sendto(data, (a.dst, a.dport))
                sent += 1
                break
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:  # ENOBUFS: the device queue is full, retry
                if e.errno != 105 or time.monotonic() > deadline:
                    print("udp_send: %s" % e, file=sys.stderr)
                    break
            time.sleep(0.0005)
    print(json.dumps({"sent": sent, "seconds": round(time.monotonic() - t0, 3)}))
    sys.stdout.flush()
    return 0 if sent == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
