# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The frame builder and Internet checksum of the Python test helpers.

The Python twin of lib/xf_pkt.c: one checksum and one set of header
builders for tests/xsk/udp_send.py, tests/integration/xft_net.py,
tests/diff/randframes.py and tests/diff/clipped.py.  Standard library only;
a helper imports it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import pkt

Every builder returns bytes; lengths left as None are computed from what
follows, checksums left as None are computed (0 stays 0).  Addresses are raw
bytes (4 or 16) or text.
"""
import socket
import struct

ETH_P_IP, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD = 0x0800, 0x86DD, 0x8100, 0x88A8
IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 = 1, 6, 17, 58


def csum(data, start=0):
    """The Internet checksum (RFC 1071) of data: the ones' complement of the
    ones' complement sum of its big-endian 16-bit words; start is a partial
    sum to add (a pseudo-header's)."""
    if len(data) % 2:
        data += b"\0"
    s = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def addr(a, family=None):
    """Raw address bytes of a (bytes pass through; text by its family)."""
    if isinstance(a, (bytes, bytearray)):
        return bytes(a)
    if family is None:
        family = 6 if ":" in a else 4
    return socket.inet_pton(socket.AF_INET6 if family == 6 else socket.AF_INET, a)


def mac(text):
    """b'\\x02...' from '02:00:00:00:00:01'."""
    return bytes(int(x, 16) for x in text.split(":"))


def eth(dmac, smac, ethertype, tags=()):
    """An Ethernet header; tags is [(tpid, tci), ...], outer first."""
    out = bytes(dmac) + bytes(smac)
    for tpid, tci in tags:
        out += struct.pack("!HH", tpid, tci)
    return out + struct.pack("!H", ethertype)


def ipv4(src, dst, proto, payload, ident=0, frag=0, ttl=64, tos=0, opts=b"", tot=None,
         check=None):
    """An IPv4 header (IHL from opts) and payload; tot and check computed
    unless given."""
    ihl = 5 + len(opts) // 4
    if tot is None:
        tot = 4 * ihl + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, tot & 0xFFFF, ident & 0xFFFF, frag, ttl,
                      proto, 0, addr(src, 4), addr(dst, 4)) + opts
    if check is None:
        check = csum(hdr)
    return hdr[:10] + struct.pack("!H", check) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64, vtf=6 << 28, plen=None):
    """An IPv6 header (version, class and flow in vtf) and payload."""
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB", vtf, plen & 0xFFFF, nh, hlim) + addr(src, 6) + addr(dst, 6) + payload


def pseudo_sum(src, dst, proto, length):
    """The partial sum of the pseudo-header of an L4 checksum (RFC 768, 8200)."""
    s, d = addr(src), addr(dst)
    words = s + d
    return sum(struct.unpack("!%dH" % (len(words) // 2), words)) + proto + length


def udp(sport, dport, data, src=None, dst=None, length=None, check=None):
    """A UDP header and data; the checksum over the pseudo-header of src and
    dst when both are given (0 otherwise), lengths computed unless given."""
    ulen = 8 + len(data) if length is None else length
    hdr = struct.pack("!HHHH", sport, dport, ulen & 0xFFFF, 0) + data
    if check is None:
        check = 0
        if src is not None and dst is not None:
            check = csum(hdr, pseudo_sum(src, dst, IPPROTO_UDP, 8 + len(data))) or 0xFFFF
    return hdr[:6] + struct.pack("!H", check) + hdr[8:]


def icmp_echo(ident, seq, body, v6_src=None, v6_dst=None):
    """An ICMP echo request (ICMPv6 when v6_src and v6_dst are given)."""
    if v6_src is None:
        typ, start = 8, 0
    else:
        typ = 128
        start = pseudo_sum(v6_src, v6_dst, IPPROTO_ICMPV6, 8 + len(body))
    hdr = struct.pack("!BBHHH", typ, 0, 0, ident & 0xFFFF, seq & 0xFFFF) + body
    return hdr[:2] + struct.pack("!H", csum(hdr, start)) + hdr[4:]


def udp4_frame(dmac, smac, src, dst, sport, dport, data, ident=0, frag=0x4000, ttl=64):
    """A whole Ethernet/IPv4/UDP frame, checksums filled in."""
    return eth(dmac, smac, ETH_P_IP) + ipv4(src, dst, IPPROTO_UDP,
                                            udp(sport, dport, data, src, dst),
                                            ident=ident, frag=frag, ttl=ttl)
