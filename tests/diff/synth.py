#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write synth.pcap: hand-built frames for the parser's policy edges that the
shared captures do not reach (3 VLAN tags, L4 headers cut short with
consistent IP lengths, IPv6 fragments and long extension chains, ICMP errors
and IP-in-IP tunnels whose inner ports must not be taken, ...).

    synth.py OUT.pcap [--list]

run.sh compares it against tshark like any other capture.  Python 3
standard library only.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

Q, AD = 0x8100, 0x88A8
SRC4, DST4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
SRC6 = bytes.fromhex("20010db8000000000000000000000001")
DST6 = bytes.fromhex("20010db8000000000000000000000002")


def eth(ethertype, tags=()):
    """Ethernet header followed by (tpid, vid) tags, outer first."""
    return pkt.eth(pkt.mac("02:00:00:00:00:01"), pkt.mac("02:00:00:00:00:02"), ethertype, tags)


def ip4(proto, payload, tot=None, ihl=5, frag=0, opts=b""):
    # the IHL is given apart from opts, so that it can lie; checksum 0
    hdr = pkt.ipv4(SRC4, DST4, proto, payload, ident=1, frag=frag, opts=opts, tot=tot, check=0)
    return bytes([0x40 | ihl]) + hdr[1:]


def ip6(nh, payload, plen=None):
    return pkt.ipv6(SRC6, DST6, nh, payload, plen=plen)


def udp(sport, dport, data=b"payload!", ulen=None):
    return pkt.udp(sport, dport, data, length=ulen)


def tcp(sport, dport, doff=5, data=b""):
    opts = b"\x01" * (doff * 4 - 20) if doff > 5 else b""
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 0, doff << 4, 0x18, 1000, 0, 0) + opts + data


def sctp(sport, dport):
    return struct.pack(">HHII", sport, dport, 0, 0) + bytes(16)


def opts6(nh, units=0):
    """Hop-by-hop / destination options header: PadN filling 8 + 8*units bytes."""
    return bytes([nh, units, 1, 4 + 8 * units]) + bytes(4 + 8 * units)


def frag6(nh, offset, more):
    return struct.pack(">BBHI", nh, 0, (offset << 3) | more, 0x1234)


def ah6(nh):
    return bytes([nh, 4, 0, 0]) + struct.pack(">II", 0x100, 1) + bytes(12)


def chain6(n, last_nh, payload, nh_type=60):
    """n destination-options headers in front of payload."""
    nh = last_nh
    for _ in range(n):
        payload = opts6(nh) + payload
        nh = nh_type
    return nh, payload


def frames():
    F = []
    a = F.append
    a(("3 tags: vlan-too-deep", eth(0x0800, [(AD, 100), (Q, 200), (Q, 300)]) + ip4(17, udp(1000, 2000))))
    a(("802.1ad + 802.1Q, IPv4 UDP", eth(0x0800, [(AD, 100), (Q, 200)]) + ip4(17, udp(1000, 2000))))
    a(("802.1ad + 802.1Q, IPv6 TCP", eth(0x86DD, [(AD, 100), (Q, 200)]) + ip6(6, tcp(1000, 80))))
    a(("priority tag, VLAN id 0", eth(0x0800, [(Q, 0)]) + ip4(17, udp(1, 2))))
    a(("802.1Q ARP: no L3", eth(0x0806, [(Q, 7)]) + bytes(28)))
    a(("VLAN tag cut after its TCI", eth(0x0800, [(Q, 5)])[:16]))
    a(("ethertype IPv4, no header", eth(0x0800)))
    a(("IPv4 with Router Alert option", eth(0x0800) + ip4(17, udp(1, 2), ihl=6, opts=b"\x94\x04\x00\x00")))
    a(("TCP 10 bytes, tot_len agrees: truncated-l4", eth(0x0800) + ip4(6, tcp(1234, 80)[:10])))
    a(("UDP 6 bytes, tot_len agrees: truncated-l4", eth(0x0800) + ip4(17, udp(1234, 53)[:6])))
    a(("TCP data offset 4: bad-tcp-hlen", eth(0x0800) + ip4(6, tcp(1234, 80, doff=4))))
    a(("TCP options cut: truncated-l4 with ports", eth(0x0800) + ip4(6, tcp(1234, 80, doff=8)[:30])))
    a(("UDP length 4: bad-udp-len", eth(0x0800) + ip4(17, udp(1234, 53, ulen=4))))
    a(("UDP length past the IP payload: bad-udp-len", eth(0x0800) + ip4(17, udp(1234, 53, ulen=100))))
    a(("IPv4 first fragment, UDP length of the datagram",
       eth(0x0800) + ip4(17, udp(1234, 53, data=b"x" * 40, ulen=1000), frag=0x2000)))
    a(("IPv4 later fragment", eth(0x0800) + ip4(17, b"y" * 48, frag=0x2000 | 100)))
    a(("SCTP", eth(0x0800) + ip4(132, sctp(5000, 6000))))
    a(("SCTP 8 bytes: truncated-l4", eth(0x0800) + ip4(132, sctp(5000, 6000)[:8])))
    a(("ICMP error quoting IPv4/UDP: no ports",
       eth(0x0800) + ip4(1, struct.pack(">BBHI", 3, 3, 0, 0) + ip4(17, udp(7, 9)))))
    a(("ICMP 2 bytes: truncated-l4", eth(0x0800) + ip4(1, b"\x08\x00")))
    a(("protocol 58 in IPv4, 2 bytes: a number only", eth(0x0800) + ip4(58, b"\x80\x00")))
    a(("protocol 1 in IPv6, 2 bytes: a number only", eth(0x86DD) + ip6(1, b"\x08\x00")))
    a(("ICMPv6 error quoting IPv6/TCP: no ports",
       eth(0x86DD) + ip6(58, struct.pack(">BBHI", 1, 4, 0, 0) + ip6(6, tcp(11, 22)))))
    a(("IPv4 in IPv4: outer only", eth(0x0800) + ip4(4, ip4(6, tcp(3333, 4444)))))
    a(("IPv6 in IPv4: outer only", eth(0x0800) + ip4(41, ip6(17, udp(5555, 6666)))))
    a(("IPv4 in IPv6: outer only", eth(0x86DD) + ip6(4, ip4(17, udp(7777, 8888)))))
    a(("GRE in IPv4: outer only", eth(0x0800) + ip4(47, b"\x00\x00\x08\x00" + ip4(17, udp(1, 2)))))
    nh, p = chain6(8, 17, udp(1, 2))
    a(("8 destination-options headers, UDP", eth(0x86DD) + ip6(nh, p)))
    nh, p = chain6(9, 17, udp(1, 2))
    a(("9 destination-options headers: ipv6-ext-too-deep", eth(0x86DD) + ip6(nh, p)))
    a(("hop-by-hop cut short, payload_len agrees: truncated-ipv6-ext",
       eth(0x86DD) + ip6(0, opts6(17, 10)[:16])))
    a(("hop-by-hop + routing + destination options, TCP",
       eth(0x86DD) + ip6(0, opts6(43) + bytes([60, 2, 0, 1]) + bytes(20) + opts6(6) + tcp(5, 6))))
    a(("IPv6 first fragment, UDP",
       eth(0x86DD) + ip6(44, frag6(17, 0, 1) + udp(1000, 2000, data=b"z" * 40, ulen=500))))
    a(("IPv6 later fragment", eth(0x86DD) + ip6(44, frag6(17, 10, 0) + b"q" * 40)))
    a(("routing header, then a later fragment",
       eth(0x86DD) + ip6(43, bytes([44, 2, 0, 1]) + bytes(20) + frag6(6, 5, 1) + b"q" * 40)))
    a(("IPv6 AH, TCP", eth(0x86DD) + ip6(51, ah6(6) + tcp(1000, 443))))
    a(("IPv6 payload_len 0, next header 59", eth(0x86DD) + ip6(59, b"", plen=0)))
    a(("IPv6 payload_len 0, next header TCP: truncated-l4",
       eth(0x86DD) + ip6(6, tcp(1, 2), plen=0)))
    a(("IPv6 Mobility header (an extension header to the parser)",
       eth(0x86DD) + ip6(135, bytes([59, 1, 5, 0]) + bytes(12))))
    a(("IPv6 UDP length 7: bad-udp-len", eth(0x86DD) + ip6(17, udp(1, 2, ulen=7))))
    a(("IPv6 SCTP", eth(0x86DD) + ip6(132, sctp(9, 10))))
    return F


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: synth.py OUT.pcap [--list]\n")
        return 2
    fr = frames()
    with open(argv[1], "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for i, (_name, b) in enumerate(fr):
            fh.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)) + b)
    if "--list" in argv[2:]:
        for i, (name, _b) in enumerate(fr, 1):
            print("%d %s" % (i, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
