#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send numbered UDP datagrams to an echo responder and check its answers.

  echo_client.py --dst ADDR --port P --count N [--size S] [--rate PPS]
                 [--timeout S] [--linger S]

One kernel UDP socket (IPv4 or IPv6, from ADDR's form): datagram seq carries
b"XFE1", seq (u32, big endian) and a filler that depends on seq only.  The
socket takes only answers from ADDR:P (connect()), and the kernel delivers
only those whose checksums are right.  Each answer must be byte for byte a
datagram that was sent, and none may come twice.  Sending is paced at --rate
and bounded by --count and --timeout; it then waits until every answer came
or --timeout, plus --linger to catch duplicates.  Prints one JSON line:

  {"sent": N, "received": R, "matched": M, "mismatched": X, "duplicates": D}

Exit 0 when every datagram sent was answered exactly once, unchanged.
"""
import argparse
import json
import select
import socket
import struct
import sys
import time

MAGIC = b"XFE1"


def payload(seq, size):
    body = bytes((seq * 13 + i) & 0xFF for i in range(max(size, 8) - 8))
    return MAGIC + struct.pack("!I", seq) + body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--rate", type=float, default=2000)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--linger", type=float, default=0.3)
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((a.dst, a.port))
    s.setblocking(False)
    got = {}
    mismatched = duplicates = sent = 0
    t0 = time.monotonic()
    end = t0 + a.timeout

    def drain(wait):
        nonlocal mismatched, duplicates
        while select.select([s], [], [], wait)[0]:
            wait = 0
            try:
                data = s.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                continue
            seq = struct.unpack_from("!I", data, 4)[0] if len(data) >= 8 else -1
            if data[:4] != MAGIC or seq >= sent or data != payload(seq, a.size):
                mismatched += 1
            elif seq in got:
                duplicates += 1
            else:
                got[seq] = True

    while sent < a.count and time.monotonic() < end:
        try:
            s.send(payload(sent, a.size))
            sent += 1
        except (BlockingIOError, ConnectionRefusedError):
            pass
        drain(0)
        if a.rate:
            pause = t0 + sent / a.rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
    while len(got) < sent and time.monotonic() < end:
        drain(0.05)
    linger_end = time.monotonic() + a.linger
    while time.monotonic() < linger_end:
        drain(0.05)
    print(json.dumps({"sent": sent, "received": len(got) + mismatched + duplicates,
                      "matched": len(got), "mismatched": mismatched,
                      "duplicates": duplicates}))
    return 0 if sent == a.count == len(got) and not mismatched and not duplicates else 1


if __name__ == "__main__":
    sys.exit(main())
