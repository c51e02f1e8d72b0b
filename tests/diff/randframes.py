#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write a capture of random frames, valid and malformed, for the
differential test against tshark.

    randframes.py [--seed S] [--count N] [--list] OUT.pcap

Each frame is built from a random recipe: Ethernet with 0-3 VLAN tags
(802.1Q and 802.1ad mixed), then IPv4 (IHL 5-15 with options, fragment
offset / MF), IPv6 (a chain of 0-10 extension headers: hop-by-hop, routing,
destination options, fragment, AH; ESP and no-next-header as terminators)
or some other ethertype; then TCP (data offset of any value), UDP (length
field of any value), SCTP, ICMP / ICMPv6 (echo, or an error quoting a
packet), a tunnel (GRE, IPv4/IPv6 in IP, VXLAN over UDP: only the outer
headers count) or another protocol number, and a random payload.  Then,
with some probability, the frame is damaged: the outer IP version nibble,
IHL, tot_len, payload_len or UDP length replaced; cut past the fixed IP
header with the IP length made to agree; cut at a random byte.

The same seed always gives the same capture (random.Random(seed), nothing
else random is used), so a failure is reproduced by its seed and frame
number; --list prints each frame's recipe.  Frames are 14 to 3000 bytes.
IPv4 header checksums are computed (after any damage to the header).

run.sh compares the capture against tshark like any other
(XF_DIFF_SEED, XF_DIFF_COUNT).  Python 3 standard library only.
"""

import argparse
import random
import struct
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

MIN_FRAME = 14
MAX_FRAME = 3000

Q, AD = 0x8100, 0x88A8
ETH_P_IP, ETH_P_IPV6, ETH_P_TEB = 0x0800, 0x86DD, 0x6558
VXLAN_PORT = 4789

HOP, TCP, UDP, ROUTING, FRAG, ESP, AH = 0, 6, 17, 43, 44, 50, 51
ICMP, IPIP, GRE, IPV6IN, ICMPV6, NONXT, DSTOPTS, SCTP = 1, 4, 47, 41, 58, 59, 60, 132
# Protocol numbers the parser neither walks as extension headers nor reads
# an L4 header of (a number only).
OTHER_PROTOS = [2, 8, 9, 33, 88, 89, 103, 112, 115, 136, 253, 254, 255]
OTHER_ETHERTYPES = [0x0806, 0x88CC, 0x8847, 0x8863, 0x8864, 0x22F0, 0x88E5, 0x9000]


csum = pkt.csum


def ipv4_fix_csum(frame, off):
    """Recompute the checksum of the IPv4 header at off, over the bytes its
    IHL claims, if they are all in the frame."""
    if off + 20 > len(frame):
        return frame
    hlen = max(20, (frame[off] & 0x0F) * 4)
    if off + hlen > len(frame):
        hlen = 20
    hdr = bytearray(frame[off:off + hlen])
    hdr[10:12] = b"\0\0"
    c = csum(bytes(hdr))
    return frame[:off + 10] + struct.pack(">H", c) + frame[off + 12:]


class Gen:
    """Random frames from one seed."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    # -- small helpers ------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def bytes(self, n):
        return self.r.getrandbits(8 * n).to_bytes(n, "big") if n > 0 else b""

    def u16(self):
        return self.r.getrandbits(16)

    def u32(self):
        return self.r.getrandbits(32)

    def mac(self):
        b = bytearray(self.bytes(6))
        b[0] = (b[0] & 0xFC) | 0x02     # unicast, locally administered
        return bytes(b)

    def payload(self, maxlen=64):
        r = self.r.random()
        if r < 0.2:
            return b""
        if r < 0.88:
            return self.bytes(self.r.randint(1, maxlen))
        if r < 0.98:
            return self.bytes(self.r.randint(maxlen, 4 * maxlen))
        return self.bytes(self.r.randint(1000, 2900))   # up to the 3000-byte cap

    def port(self):
        if self.chance(0.3):
            return self.r.choice([22, 53, 80, 123, 443, 1234, 5000, 8080])
        return self.r.randint(1024, 65535)

    # -- L2 -----------------------------------------------------------------
    def eth(self, ethertype, tags):
        types = [t for t, _ in tags] + [ethertype]
        out = self.mac() + self.mac() + struct.pack(">H", types[0])
        for (_tpid, tci), nxt in zip(tags, types[1:]):
            out += struct.pack(">HH", tci, nxt)
        return out

    def tags(self):
        n = self.r.choice([0] * 8 + [1] * 5 + [2] * 5 + [3])
        return [(self.r.choice([Q, AD]), self.u16()) for _ in range(n)]

    # -- IPv4 ---------------------------------------------------------------
    def ipv4_options(self, size):
        """size bytes of well-formed IPv4 options (tshark throws on a
        malformed known option and dissects nothing after it, while the
        parser skips options by IHL: no difference worth comparing)."""
        out = b""
        while len(out) < size:
            left = size - len(out)
            k = self.r.randrange(7)
            if k == 0 or left < 4:
                if self.chance(0.2):                    # EOL, then padding
                    out += b"\0" * left
                    break
                out += b"\x01"                          # NOP
            elif k == 1:                                # Router Alert
                out += b"\x94\x04\x00\x00"
            elif k == 2 and left >= 7:                  # Record Route
                n = self.r.randint(1, (left - 3) // 4)
                out += bytes([7, 3 + 4 * n, 4]) + bytes(4 * n)
            elif k == 3 and left >= 8:                  # Timestamp (ts only)
                n = self.r.randint(1, (left - 4) // 4)
                out += bytes([68, 4 + 4 * n, 5, 0]) + bytes(4 * n)
            elif k == 4 and left >= 7:                  # loose/strict source route
                n = self.r.randint(1, (left - 3) // 4)
                ptr = self.r.choice([4, 4 + 4 * self.r.randint(0, n)])
                out += bytes([self.r.choice([131, 137]), 3 + 4 * n, ptr]) + self.bytes(4 * n)
            elif k == 5:                                # Stream ID
                out += bytes([136, 4]) + self.bytes(2)
            else:                                       # unassigned, any length
                ln = self.r.randint(2, left)
                out += bytes([self.r.choice([28, 29, 31, 94, 158, 222]), ln]) + self.bytes(ln - 2)
        return out

    def ipv4(self, proto, payload, ihl=5, frag=0, opts=b""):
        tot = 4 * ihl + len(payload)
        hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, self.r.choice([0, 0, 0x10, 0xB8]),
                          tot & 0xFFFF, self.u16(), frag, self.r.randint(1, 255), proto, 0,
                          self.bytes(4), self.bytes(4)) + opts
        return hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:] + payload

    # -- IPv6 ---------------------------------------------------------------
    def ipv6(self, nh, payload, plen=None):
        if plen is None:
            plen = len(payload)
        vtf = (6 << 28) | (self.r.getrandbits(8) << 20) | self.r.getrandbits(20)
        return struct.pack(">IHBB", vtf, plen & 0xFFFF, nh,
                           self.r.randint(1, 255)) + self.bytes(16) + self.bytes(16) + payload

    def tlv_options(self, size, hop):
        """size bytes of hop-by-hop / destination options."""
        out = b""
        while len(out) < size:
            left = size - len(out)
            k = self.r.randrange(5)
            if k == 0 or left == 1:
                out += b"\0"                            # Pad1
            elif k == 1:                                # PadN
                ln = self.r.randint(0, min(left - 2, 7))
                out += bytes([1, ln]) + bytes(ln)
            elif k == 2 and hop and left >= 4:          # Router Alert
                out += bytes([5, 2]) + struct.pack(">H", self.r.choice([0, 1, 2]))
            elif k == 3 and left >= 3:                  # unknown, skippable
                ln = self.r.randint(1, min(left - 2, 20))
                out += bytes([self.r.choice([0x1E, 0x3E, 0x11]), ln]) + self.bytes(ln)
            else:
                ln = left - 2
                out += bytes([1, ln]) + bytes(ln)
        return out

    def ext_opts(self, nh, hop):
        units = self.r.choice([0, 0, 0, 1, 1, 2, 3, 5, 8])
        return bytes([nh, units]) + self.tlv_options(6 + 8 * units, hop)

    def ext_routing(self, nh):
        t = self.r.choice([0, 2, 3, 4, 4, 253])
        if t == 2:
            n = 1
        else:
            n = self.r.randint(0 if t == 0 else 1, 4)
        segleft = self.r.randint(0, n)
        if t == 4:                                      # segment routing
            body = struct.pack(">BBH", max(n - 1, 0), 0, 0) + self.bytes(16 * n)
        elif t == 3:                                    # RPL, no compression
            body = struct.pack(">BBH", 0, 0, 0) + self.bytes(16 * n)
        else:
            body = bytes(4) + self.bytes(16 * n)
        return bytes([nh, 2 * n, t, segleft]) + body

    def ext_frag(self, nh, kind):
        if kind == "first":
            off, more = 0, 1
        elif kind == "atomic":
            off, more = 0, 0
        else:
            off, more = self.r.randint(1, 8191), self.r.randint(0, 1)
        return struct.pack(">BBHI", nh, 0, (off << 3) | more, self.u32())

    def ext_ah(self, nh):
        al = self.r.choice([1, 2, 4, 4, 4, 6, 8])
        return struct.pack(">BBHII", nh, al, 0, self.u32(), self.u32()) + \
            self.bytes((al + 2) * 4 - 12)

    def ipv6_chain(self):
        """The extension headers' kinds, outermost first."""
        n = self.r.choice([0, 0, 0, 1, 1, 2, 2, 3, 4]) if self.chance(0.85) \
            else self.r.randint(5, 10)
        kinds = []
        for i in range(n):
            k = self.r.choice(["hop", "routing", "dstopts", "dstopts", "frag", "ah"])
            if i == 0 and self.chance(0.3):
                k = "hop"
            if k == "frag":
                k = self.r.choice(["frag-first", "frag-first", "frag-later", "frag-atomic"])
            kinds.append(k)
        return kinds

    def ipv6_build_chain(self, kinds, nh, payload, jumbo=False):
        """Extension headers kinds in front of payload whose protocol is nh;
        returns the first next header and the bytes.  jumbo: the first
        header (hop-by-hop) carries a Jumbo Payload option."""
        for i in reversed(range(len(kinds))):
            k = kinds[i]
            if k == "hop" and i == 0 and jumbo:
                # RFC 2675 wants a length over 65535; the frame holds less,
                # as if captured with a snap length
                jl = self.r.randint(65536, 1 << 20)
                payload, nh = bytes([nh, 0, 0xC2, 4]) + struct.pack(">I", jl) + payload, HOP
            elif k == "hop":
                payload, nh = self.ext_opts(nh, True) + payload, HOP
            elif k == "dstopts":
                payload, nh = self.ext_opts(nh, False) + payload, DSTOPTS
            elif k == "routing":
                payload, nh = self.ext_routing(nh) + payload, ROUTING
            elif k == "ah":
                payload, nh = self.ext_ah(nh) + payload, AH
            else:
                payload, nh = self.ext_frag(nh, k[5:]) + payload, FRAG
        return nh, payload

    # -- L4 -----------------------------------------------------------------
    def tcp(self, sport, dport, desc):
        doff = self.r.randint(5, 15) if self.chance(0.85) else self.r.randint(0, 15)
        nopt = (doff - 5) * 4 if doff > 5 else 0
        opts = b""
        while len(opts) < nopt:
            left = nopt - len(opts)
            k = self.r.randrange(5)
            if k == 0 and left >= 4:
                opts += struct.pack(">BBH", 2, 4, self.r.choice([536, 1220, 1460, 8960]))
            elif k == 1 and left >= 3:
                opts += bytes([3, 3, self.r.randint(0, 14)])
            elif k == 2 and left >= 2:
                opts += bytes([4, 2])
            elif k == 3 and left >= 10:
                opts += bytes([8, 10]) + self.bytes(8)
            else:
                opts += b"\x01"
        data = self.payload()
        if nopt and self.chance(0.1):
            # the data offset points past the segment
            cut = self.r.randint(0, nopt - 1)
            opts, data = opts[:cut], b""
            desc.append("tcp doff=%d options cut to %d" % (doff, cut))
        else:
            desc.append("tcp doff=%d" % doff)
        flags = self.r.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04])
        return struct.pack(">HHIIBBHHH", sport, dport, self.u32(), self.u32(),
                           doff << 4, flags, self.u16(), self.u16(), 0) + opts + data

    def udp_len(self, real, desc):
        if self.chance(0.85):
            return real
        ulen = self.r.choice([self.r.randint(0, 7), real + self.r.randint(1, 16),
                              max(real - self.r.randint(1, 8), 0), self.u16()])
        desc.append("udp len %d (real %d)" % (ulen, real))
        return ulen

    def udp(self, sport, dport, data, desc, note="udp"):
        desc.append(note)
        ulen = self.udp_len(8 + len(data), desc)
        return struct.pack(">HHHH", sport, dport, ulen & 0xFFFF, self.u16()) + data

    def sctp(self, desc):
        desc.append("sctp")
        chunks = b""
        for _ in range(self.r.randint(0, 2)):
            if self.chance(0.5):                        # DATA
                data = self.bytes(self.r.randint(1, 32))
                c = struct.pack(">BBHIHHI", 0, 3, 16 + len(data), self.u32(), 1, 0, 0) + data
            else:                                       # INIT
                c = struct.pack(">BBHIIHHI", 1, 0, 20, self.u32(), 65535, 10, 10, self.u32())
            chunks += c + bytes(-len(c) % 4)
        return struct.pack(">HHII", self.port(), self.port(), self.u32(), self.u32()) + chunks

    def icmp4(self, desc):
        if self.chance(0.6):
            desc.append("icmp echo")
            return struct.pack(">BBHHH", self.r.choice([0, 8]), 0, 0, self.u16(),
                               self.u16()) + self.payload()
        desc.append("icmp error")
        inner, _ = self.inner_ipv4(desc)
        return struct.pack(">BBHI", self.r.choice([3, 11, 12, 5]), self.r.randint(0, 3), 0,
                           0) + inner[:self.r.choice([28, 48, len(inner)])]

    def icmp6(self, desc):
        k = self.r.random()
        if k < 0.4:
            desc.append("icmpv6 echo")
            return struct.pack(">BBHHH", self.r.choice([128, 129]), 0, 0, self.u16(),
                               self.u16()) + self.payload()
        if k < 0.6:
            desc.append("icmpv6 nd")
            return struct.pack(">BBHI", self.r.choice([135, 136]), 0, 0, 0) + self.bytes(16)
        desc.append("icmpv6 error")
        inner, _ = self.inner_ipv6(desc)
        return struct.pack(">BBHI", self.r.choice([1, 2, 3, 4]), 0, 0, 0) + \
            inner[:self.r.choice([48, 64, len(inner)])]

    # -- tunnels: only inner headers, never damaged -------------------------
    def inner_l4(self, desc):
        k = self.r.randrange(3)
        sport, dport = self.port(), self.port()
        if k == 0:
            return TCP, struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x18, 512, 0,
                                    0) + self.payload(32)
        if k == 1:
            data = self.payload(32)
            return UDP, struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data
        return 132, struct.pack(">HHII", sport, dport, 0, 0)

    def inner_ipv4(self, desc):
        proto, l4 = self.inner_l4(desc)
        desc.append("inner ipv4 %d" % proto)
        return self.ipv4(proto, l4), ETH_P_IP

    def inner_ipv6(self, desc):
        proto, l4 = self.inner_l4(desc)
        desc.append("inner ipv6 %d" % proto)
        return self.ipv6(proto, l4), ETH_P_IPV6

    def inner_eth(self, desc):
        ip, et = (self.inner_ipv4 if self.chance(0.5) else self.inner_ipv6)(desc)
        tags = [(Q, self.u16())] if self.chance(0.3) else []
        return self.eth(et, tags) + ip

    def gre(self, desc):
        k = self.r.randrange(3)
        if k == 0:
            inner, et = self.inner_ipv4(desc)
        elif k == 1:
            inner, et = self.inner_ipv6(desc)
        else:
            desc.append("inner eth")
            inner, et = self.inner_eth(desc), ETH_P_TEB
        flags, opt = 0, b""
        if self.chance(0.3):
            flags |= 0x8000
            opt += struct.pack(">HH", 0, 0)
        if self.chance(0.4):
            flags |= 0x2000
            opt += struct.pack(">I", self.u32())
        if self.chance(0.2):
            flags |= 0x1000
            opt += struct.pack(">I", self.u32())
        return struct.pack(">HH", flags, et) + opt + inner

    def vxlan(self, desc):
        desc.append("vxlan")
        inner = self.inner_eth(desc)
        return struct.pack(">II", 0x08000000, self.r.getrandbits(24) << 8) + inner

    # -- the upper layer of the outer IP ------------------------------------
    def upper(self, family, desc):
        """(protocol number, bytes, offset of the UDP header in them or None)"""
        k = self.r.random()
        if k < 0.22:
            return TCP, self.tcp(self.port(), self.port(), desc), None
        if k < 0.44:
            data = self.payload()
            return UDP, self.udp(self.port(), self.port(), data, desc), 0
        if k < 0.50:
            return SCTP, self.sctp(desc), None
        if k < 0.60:
            if family == 4:
                return ICMP, self.icmp4(desc), None
            return ICMPV6, self.icmp6(desc), None
        if k < 0.65:
            desc.append("gre")
            return GRE, self.gre(desc), None
        if k < 0.72:
            if self.chance(0.5):
                desc.append("ip-in-ip")
                inner, _ = self.inner_ipv4(desc)
                return IPIP, inner, None
            desc.append("ipv6-in-ip")
            inner, _ = self.inner_ipv6(desc)
            return IPV6IN, inner, None
        if k < 0.78:
            data = self.vxlan(desc)
            return UDP, self.udp(self.port(), VXLAN_PORT, data, desc, "udp"), 0
        if k < 0.83:
            # the other family's ICMP: a number only to the parser
            p = ICMPV6 if family == 4 else ICMP
            desc.append("proto %d" % p)
            return p, self.bytes(self.r.randint(0, 12)), None
        if family == 6 and k < 0.89:
            desc.append("esp")
            return ESP, struct.pack(">II", self.u32(), self.u32()) + self.payload(), None
        if family == 6 and k < 0.93:
            desc.append("no next header")
            return NONXT, self.payload(16), None
        p = self.r.choice(OTHER_PROTOS)
        desc.append("proto %d" % p)
        return p, self.payload(), None

    # -- a whole frame --------------------------------------------------------
    def frame(self):
        """(frame bytes, recipe description)"""
        desc = []
        tags = self.tags()
        if tags:
            desc.append("tags " + ",".join("%04x:%d" % (t, tci & 0xFFF) for t, tci in tags))
        k = self.r.random()
        meta = {"l3_off": 14 + 4 * len(tags), "family": None, "udp_off": None,
                "no_cut": self.ad_pairs(tags)}
        if k < 0.45:
            ihl = 5 if self.chance(0.5) else self.r.randint(5, 15)
            opts = self.ipv4_options(4 * (ihl - 5))
            frag = self.r.choice([0, 0, 0x4000]) if self.chance(0.7) else self.r.choice([
                0x2000, 0x2000 | self.r.randint(1, 8191), self.r.randint(1, 8191)])
            desc.append("ipv4 ihl=%d frag=%#06x" % (ihl, frag))
            proto, up, uoff = self.upper(4, desc)
            l3 = self.ipv4(proto, up, ihl, frag, opts)
            meta["family"] = 4
            if uoff is not None:
                meta["udp_off"] = meta["l3_off"] + 4 * ihl + uoff
            et = ETH_P_IP
        elif k < 0.90:
            kinds = self.ipv6_chain()
            desc.append("ipv6 ext=[%s]" % ",".join(kinds))
            proto, up, uoff = self.upper(6, desc)
            jumbo = kinds[:1] == ["hop"] and self.chance(0.1)
            option = jumbo and self.chance(0.7)
            nh, pl = self.ipv6_build_chain(kinds, proto, up, option)
            if uoff is not None:
                meta["udp_off"] = meta["l3_off"] + 40 + len(pl) - len(up) + uoff
            if jumbo:
                desc.append("payload_len 0, jumbogram %s Jumbo Payload option"
                            % ("with" if option else "without"))
            l3 = self.ipv6(nh, pl, 0 if jumbo else None)
            meta["family"] = 6
            et = ETH_P_IPV6
        else:
            et = self.r.choice(OTHER_ETHERTYPES) if self.chance(0.8) else \
                self.r.randint(0, 1500)
            desc.append("ethertype %#06x" % et)
            l3 = self.payload(80)
        frame = self.eth(et, tags) + l3
        frame = self.damage(frame, meta, desc)
        if len(frame) > MAX_FRAME:
            frame = frame[:MAX_FRAME]
            desc.append("cut to %d" % MAX_FRAME)
        return frame, "; ".join(desc)

    @staticmethod
    def ad_pairs(tags):
        """Cut positions to avoid: tshark decodes an 802.1ad tag followed by
        another 802.1ad tag as one layer, and a cut inside the second tag's
        TCI loses both ids (a tshark display limit, nothing to compare)."""
        bad, i = set(), 0
        while i < len(tags):
            if tags[i][0] == AD and i + 1 < len(tags) and tags[i + 1][0] == AD:
                inner = 14 + 4 * (i + 1)
                bad |= {inner, inner + 1}
                i += 2
            else:
                i += 1
        return bad

    def bad16(self, real):
        return self.r.choice([0, self.r.randint(1, 40), real + self.r.randint(1, 8),
                              max(real - self.r.randint(1, 8), 0), self.u16()]) & 0xFFFF

    def damage(self, frame, meta, desc):
        """Maybe damage the outer headers, then maybe cut the frame."""
        fam, off = meta["family"], meta["l3_off"]
        b = bytearray(frame)
        if fam and self.chance(0.3) and off + 40 <= len(b):
            what = self.r.choice(["version", "ihl", "len", "len", "udp"] if fam == 4 else
                                 ["version", "len", "len", "udp"])
            if what == "udp" and meta["udp_off"] is not None and \
                    meta["udp_off"] + 6 <= len(b):
                u = meta["udp_off"]
                v = self.bad16(struct.unpack(">H", b[u + 4:u + 6])[0])
                b[u + 4:u + 6] = struct.pack(">H", v)
                desc.append("DAMAGE udp len=%d" % v)
            elif what == "version":
                v = self.r.choice([x for x in range(16) if x != fam])
                b[off] = (v << 4) | (b[off] & 0x0F)
                desc.append("DAMAGE version=%d" % v)
            elif what == "ihl":
                v = self.r.randrange(16)
                b[off] = (b[off] & 0xF0) | v
                desc.append("DAMAGE ihl=%d" % v)
            elif what == "len":
                p = off + 2 if fam == 4 else off + 4
                v = self.bad16(struct.unpack(">H", b[p:p + 2])[0])
                b[p:p + 2] = struct.pack(">H", v)
                desc.append("DAMAGE %s=%d" % ("tot_len" if fam == 4 else "payload_len", v))
        if fam and self.chance(0.08) and len(b) > off + 40:
            # cut past the fixed IP header with the IP length made to agree:
            # L4 or extension headers cut short, lengths consistent
            cut = self.r.randint(off + (20 if fam == 4 else 40), min(len(b) - 1, off + 120))
            p = off + 2 if fam == 4 else off + 4
            if fam == 6 and b[p:p + 2] == b"\0\0":
                pass                                    # a jumbogram stays one
            else:
                b[p:p + 2] = struct.pack(">H", cut - off - (0 if fam == 4 else 40))
            b = b[:cut]
            desc.append("SHORTEN to %d, IP length agreeing" % cut)
        frame = bytes(b)
        if fam == 4:
            frame = ipv4_fix_csum(frame, off)
        if self.chance(0.2) and len(frame) > MIN_FRAME:
            if self.chance(0.6):
                # mostly inside the headers, where the parser decides
                cut = self.r.randint(MIN_FRAME, min(len(frame) - 1, off + 100))
            else:
                cut = self.r.randint(MIN_FRAME, len(frame) - 1)
            if cut in meta["no_cut"]:
                cut -= 2
            frame = frame[:cut]
            desc.append("CUT at %d" % cut)
        return frame


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", metavar="OUT.pcap")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--count", type=int, default=2000, help="frames (default 2000)")
    ap.add_argument("--list", action="store_true", help="print each frame's recipe")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must not be negative")
    g = Gen(args.seed)
    with open(args.out, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for i in range(args.count):
            b, desc = g.frame()
            assert MIN_FRAME <= len(b) <= MAX_FRAME, (i + 1, len(b))
            fh.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)) + b)
            if args.list:
                print("%d %d %s" % (i + 1, len(b), desc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
