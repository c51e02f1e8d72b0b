#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Tiny traffic tools for tests/integration/test_veth.sh (stdlib only).

Every mode is bounded in count and in time; run it inside a test namespace.

  send HOST PORT COUNT TAG           COUNT UDP datagrams "xft TAG SEQ", paced
  recv PORT SECONDS EXPECT READY     count datagrams "xft ..." on UDP PORT
  sniff IFACE PORT SECONDS EXPECT READY
                                     count frames *arriving* on IFACE (AF_PACKET)
                                     that are IPv4/UDP to PORT carrying "xft ..."
  ping HOST COUNT WAIT               ICMP echo over a raw socket (when the
                                     system has no ping); exit 0 on any reply

recv and sniff create READY once listening, stop at SECONDS or shortly after
EXPECT (>0) matching packets, and print "TOTAL DISTINCT" (DISTINCT counts
different sequence numbers).
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

GRACE = 0.3  # seconds to keep listening after EXPECT arrived, to catch extras


def payload_seq(data):
    """Sequence number of an "xft TAG SEQ" payload, or None."""
    if not data.startswith(b"xft "):
        return None
    try:
        return int(data.split()[-1])
    except ValueError:
        return None


def send(host, port, count, tag):
    count = min(int(count), 10000)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(b"xft %s %d" % (tag.encode(), i), (host, int(port)))
        time.sleep(0.002)
    print(count)


def listen_loop(sock, seconds, expect, ready, match):
    open(ready, "w").close()
    end = time.monotonic() + min(float(seconds), 30.0)
    expect = int(expect)
    total, seqs = 0, set()
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        seq = match(data, addr)
        if seq is None:
            continue
        total += 1
        seqs.add(seq)
        if expect and total == expect:
            end = min(end, time.monotonic() + GRACE)
    print(total, len(seqs))


def recv(port, seconds, expect, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", int(port)))
    listen_loop(s, seconds, expect, ready, lambda data, addr: payload_seq(data))


def sniff(iface, port, seconds, expect, ready):
    eth_p_all = 0x0003
    packet_outgoing = 4
    port = int(port)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eth_p_all))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((iface, 0))

    def match(frame, addr):
        if addr[2] == packet_outgoing or len(frame) < 14 + 20 + 8:
            return None
        if frame[12:14] != b"\x08\x00":
            return None
        ihl = (frame[14] & 0x0F) * 4
        if frame[14 + 9] != 17:
            return None
        l4 = 14 + ihl
        dport = struct.unpack("!H", frame[l4 + 2:l4 + 4])[0]
        if dport != port:
            return None
        return payload_seq(frame[l4 + 8:])

    listen_loop(s, seconds, expect, ready, match)


def ping(host, count, wait):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(min(int(count), 100)):
        body = b"xft-ping" * 4
        s.sendto(pkt.icmp_echo(ident, seq, body), (host, 0))
        end = time.monotonic() + float(wait)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, _ = s.recvfrom(2048)
            except socket.timeout:
                break
            ihl = (data[0] & 0x0F) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident and rseq == seq:
                got += 1
                break
    print("%d packets transmitted, %d received" % (int(count), got))
    return 0 if got else 1


def main(argv):
    modes = {"send": (send, 4), "recv": (recv, 4), "sniff": (sniff, 5), "ping": (ping, 3)}
    if len(argv) < 2 or argv[1] not in modes or len(argv) - 2 != modes[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    ret = modes[argv[1]][0](*argv[2:])
    return ret or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
