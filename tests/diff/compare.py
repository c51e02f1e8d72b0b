#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Differential test of xdp-fwd's packet parser against tshark, one capture.

    compare.py [options] FILE.pcap

Runs `xdp-fwd parse --json FILE.pcap` (the real BPF program under
BPF_PROG_TEST_RUN) and tshark over the same capture and compares, frame by
frame, what each says about the OUTERMOST headers: VLAN ids, L3 family and
addresses, final L4 protocol (after IPv6 extension headers), ports and
fragment state.  It also checks the parser's error, if any, against the
lengths tshark decodes (see README.md, "The error check").

Every disagreement is either explained by one of the named rules in RULES
below (each is listed, with its reason, in README.md) or is a failure,
printed as
    FAIL <file> frame <n> <field>: ours=<value> tshark=<value>
Frames the test runner cannot take (verdict "skipped": under 14 bytes, or
over its limit, see TEST_RUN_MAX) are listed, not failed; a frame skipped
inside those limits is a failure.

With --pcap-norm PROG (default $XF_PCAP_NORM), every reader is given the
capture as PROG rewrites it: the records libpcap returns, so that tshark sees
the bytes `xdp-fwd parse` sees (libpcap cuts a record longer than the snaplen
to it; tshark's reader does not).

The last line is a summary:
    <file>: <p> packets, <a> agreed, <s> skipped, <i> intentional differences, <f> failures
Exit status: 0 no failure, 1 failures, 2 the comparison could not run.

Python 3 standard library only.
"""

import argparse
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import sys

# ---------------------------------------------------------------------------
# What the parser and the test runner are known to do (common/xf_parse.h,
# common/xf_abi.h, the pcaps README).

MAX_VLAN = 2            # XF_MAX_VLAN
MAX_IPV6_EXT = 8        # XF_MAX_IPV6_EXT
LINEAR_MAX = 3520       # BPF_PROG_TEST_RUN puts at most this much in the linear area
ETH_HLEN = 14
VLAN_HLEN = 4

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_AH = 51
IPPROTO_FRAGMENT = 44
IPPROTO_ICMPV6 = 58
IPPROTO_SCTP = 132
# What the parser walks as IPv6 extension headers (xf_is_ipv6_ext).
IPV6_EXT = {0, 43, 60, 44, 51, 135, 139, 140}

# tshark's protocol name of each IPv6 extension header, with its next-header
# and length fields.  Length is in bytes (len_oct) except for AH (4-byte
# units minus 2), fragment (fixed 8), MH and HIP (8-byte units minus 1).
# tshark dissects MH, HIP and Shim6 as upper-layer protocols; the parser,
# like RFC 7045, counts them as extension headers, so the walk below goes
# through them with their next-header fields too.
TS_IPV6_EXT = {
    0: ("ipv6.hopopts", "ipv6.hopopts.nxt", "ipv6.hopopts.len_oct"),
    43: ("ipv6.routing", "ipv6.routing.nxt", "ipv6.routing.len_oct"),
    60: ("ipv6.dstopts", "ipv6.dstopts.nxt", "ipv6.dstopts.len_oct"),
    44: ("ipv6.fraghdr", "ipv6.fraghdr.nxt", None),
    51: ("ah", "ah.next_header", "ah.length"),
    135: ("mipv6", "mip6.proto", "mip6.hlen"),
    139: ("hip", "hip.proto", "hip.hdr_len"),
    140: ("shim6", "shim6.nxt", "shim6.len_oct"),
}
# Length fields counted in 8-octet units, minus 1.
TS_LEN_UNITS8 = {"mip6.hlen", "hip.hdr_len"}
TS_L4_PORTS = {"tcp": IPPROTO_TCP, "udp": IPPROTO_UDP, "sctp": IPPROTO_SCTP}

ERRORS = ("truncated-eth", "truncated-vlan", "vlan-too-deep", "bad-ip-version",
          "truncated-ipv4", "bad-ihl", "bad-ipv4-len", "truncated-ipv6",
          "bad-ipv6-len", "truncated-ipv6-ext", "ipv6-ext-too-deep",
          "truncated-l4", "bad-tcp-hlen", "bad-udp-len")
VERDICTS = ("pass", "drop", "tx", "xsk", "redirect", "fwd", "aborted", "skipped")
JSON_KEYS = ("frame", "len", "verdict", "rule", "error", "vlan", "l3", "src", "dst",
             "proto", "sport", "dport", "frag")
COMPARED = ("len", "vlan", "l3", "src", "dst", "proto", "sport", "dport", "frag")

# ---------------------------------------------------------------------------
# tshark

TSHARK_PREFS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                "-o", "tcp.desegment_tcp_streams:FALSE"]
TSHARK_FIELDS = [
    "frame.number", "frame.cap_len", "frame.protocols",
    "eth.type", "vlan.id", "vlan.etype", "ieee8021ad.id",
    "ip.version", "ip.hdr_len", "ip.len", "ip.src", "ip.dst", "ip.proto",
    "ip.flags.mf", "ip.frag_offset",
    "ipv6.version", "ipv6.plen", "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.hopopts.len_oct",
    "ipv6.routing.nxt", "ipv6.routing.len_oct",
    "ipv6.dstopts.nxt", "ipv6.dstopts.len_oct",
    "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
    "tcp.srcport", "tcp.dstport", "tcp.hdr_len",
    "udp.srcport", "udp.dstport", "udp.length",
    "sctp.srcport", "sctp.dstport",
]
# Only needed for headers none of the captures hold; tolerated if missing.
TSHARK_OPTIONAL = ["ah.next_header", "ah.length", "mip6.proto", "mip6.hlen",
                   "hip.proto", "hip.hdr_len", "shim6.nxt", "shim6.len_oct",
                   # 802.1ad: the type after the tag(s), and the two ids of
                   # tshark's one layer for an 802.1ad tag inside another
                   "ieee8021ah.etype", "ieee8021ad.svid", "ieee8021ad.cvid",
                   # IPv4 source route: the header's destination address
                   "ip.cur_rt"]


class CompareError(Exception):
    """The comparison itself could not run (exit 2)."""


def run_tshark(tshark, pcap):
    """One dict per frame: field name -> list of all occurrences (strings)."""
    fields = TSHARK_FIELDS + TSHARK_OPTIONAL
    for _attempt in range(2):
        cmd = [tshark, "-n", "-r", pcap] + TSHARK_PREFS + [
            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
            "-E", "separator=/t", "-E", "header=n"]
        for f in fields:
            cmd += ["-e", f]
        try:
            res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 universal_newlines=True)
        except OSError as e:
            raise CompareError("cannot run %s: %s" % (tshark, e))
        if "Some fields aren't valid" not in res.stderr:
            break
        # Another tshark version may lack a field only needed for rare
        # headers (AH, MIPv6, HIP, Shim6); drop it rather than give up.
        bad = set(re.findall(r"^\s+(\S+)$", res.stderr.split("aren't valid", 1)[1], re.M))
        needed = bad - set(TSHARK_OPTIONAL)
        if needed or not bad:
            raise CompareError("tshark lacks the fields %s" % ", ".join(sorted(needed or bad)))
        fields = [f for f in fields if f not in bad]
    frames = []
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        if len(cols) != len(fields):
            raise CompareError("tshark printed %d columns, expected %d: %r"
                               % (len(cols), len(fields), line[:200]))
        frames.append({f: (c.split(",") if c != "" else [])
                       for f, c in zip(fields, cols)})
    if res.returncode != 0 and not frames:
        raise CompareError("tshark failed (exit %d): %s"
                           % (res.returncode, res.stderr.strip()[-500:]))
    return frames


def read_pcap_frames(path):
    """Captured bytes of each frame of a classic pcap file, or None for other
    formats.  Used only to see header bytes tshark replaces by a computed
    value (IPv4 tot_len 0, see rule tso-zero-total-length)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if len(data) < 24:
        return None
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return None
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def _int(v):
    if v is None:
        return None
    v = v.strip()
    if v in ("True", "true"):
        return 1
    if v in ("False", "false"):
        return 0
    try:
        return int(v, 0)
    except ValueError:
        return None


class Occ:
    """Occurrence-aware access to one frame's tshark fields.

    tshark lists a field once per protocol layer that carries it, in
    dissection order; protocol layers are listed in frame.protocols.  The
    n-th instance of protocol P in frame.protocols is matched with the n-th
    occurrence of P's fields.  Only the outer layers (the first instance of
    each protocol, found by walking frame.protocols from the start) are read,
    so a tunnel's or an ICMP error's inner headers are never taken.
    """

    def __init__(self, fields):
        self.f = fields

    def get(self, name, idx=0):
        vals = self.f.get(name, [])
        return vals[idx] if idx < len(vals) else None

    def int(self, name, idx=0):
        return _int(self.get(name, idx))


UNKNOWN = object()  # tshark's fields are not enough to say


class TsView:
    """What tshark says about the outermost headers of one frame, in the
    parser's terms, plus the parser error tshark's fields imply."""

    def __init__(self, fields, raw=None):
        o = Occ(fields)
        self.o = o
        self.raw = raw          # the frame's bytes, when the capture could be read
        self.number = o.int("frame.number")
        self.cap = o.int("frame.cap_len")
        self.chain = [p for p in (o.get("frame.protocols") or "").split(":")
                      if p and not p.startswith("_ws.")]
        self.vlan = []
        self.l3 = self.src = self.dst = self.proto = None
        self.sport = self.dport = None
        self.frag = "none"
        self.l4_name = None     # tshark's protocol right after the outer L3
        self.ip_hlen = self.ip_len = self.raw_ip_len = None
        self.ip_version = None
        self.ethertype = self.l3_name = None
        self.tag_names = []
        self.ext = []           # IPv6: (nexthdr value, header length or None)
        self.ext_walk_ok = True
        self._walk()
        self.error = self._derive_error()

    # -- the outer headers -------------------------------------------------
    def _walk(self):
        o, chain = self.o, self.chain
        if not chain or chain[0] != "eth":
            return
        i = 1
        ntag = {"vlan": 0, "ieee8021ad": 0}
        n_ad_one = n_ad_two = 0
        ethertype = o.int("eth.type")
        while i < len(chain):
            p = chain[i]
            if p == "ethertype":
                i += 1
                continue
            if p == "vlan":
                self.vlan.append(o.int("vlan.id", ntag[p]))
                self.tag_names.append(p)
                ethertype = o.int("vlan.etype", ntag[p])
                ntag[p] += 1
                i += 1
                continue
            if p == "ieee8021ad":
                # tshark decodes an 802.1ad tag whose next type is 802.1ad
                # again as one layer with two ids (S-VID, C-VID); any other
                # 802.1ad layer is one tag with ieee8021ad.id.  Which kind a
                # layer is follows from the TPID after its first tag, the
                # one byte pair tshark itself decides it by.
                off = ETH_HLEN + VLAN_HLEN * len(self.vlan)
                if self._ad_two_tags(off):
                    self.vlan.append(o.int("ieee8021ad.svid", n_ad_two))
                    self.vlan.append(o.int("ieee8021ad.cvid", n_ad_two))
                    self.tag_names += [p, p]
                    n_ad_two += 1
                else:
                    self.vlan.append(o.int("ieee8021ad.id", n_ad_one))
                    self.tag_names.append(p)
                    n_ad_one += 1
                # the type after the layer's tag(s), when tshark has it
                ethertype = o.int("ieee8021ah.etype", ntag[p])
                ntag[p] += 1
                i += 1
                continue
            break
        self.l3_name = chain[i] if i < len(chain) else None
        if ethertype is None and self.tag_names and self.tag_names[-1] == "ieee8021ad":
            ethertype = {"ip": ETH_P_IP, "ipv6": ETH_P_IPV6}.get(self.l3_name)
        self.ethertype = ethertype
        if self.l3_name == "ip":
            self.ip_version = o.int("ip.version")
            if self.ip_version == 6 and i + 1 < len(chain) and chain[i + 1] == "ipv6":
                # tshark's IPv4 dissector hands a version-6 header to IPv6
                self.l3 = "ipv6"
                self.src = _addr(o.get("ipv6.src"))
                self.dst = _addr(o.get("ipv6.dst"))
                return
            self._ipv4(i)
        elif self.l3_name == "ipv6":
            self.ip_version = o.int("ipv6.version")
            self._ipv6(i)
        elif ethertype == ETH_P_IPV6 and "ipv6" not in chain:
            # tshark's IPv6 dissector read the version nibble, then gave
            # the frame up as data: the field is the outer header's
            self.ip_version = o.int("ipv6.version")
        elif ethertype == ETH_P_IP and "ip" not in chain:
            self.ip_version = o.int("ip.version")

    def _ad_two_tags(self, off):
        """Is the 802.1ad layer at off one tag or, because the next TPID is
        802.1ad too, tshark's S-VID + C-VID layer?  From the frame's bytes
        when the capture could be read, else from which fields tshark gave
        (exact unless one frame mixes both kinds of layer)."""
        if self.raw is not None:
            return self.raw[off + 2:off + 4] == b"\x88\xa8"
        return bool(self.o.f.get("ieee8021ad.svid")) and not self.o.f.get("ieee8021ad.id")

    def _ipv4(self, i):
        o = self.o
        self.l3 = "ipv4"
        self.src = _addr(o.get("ip.src"))
        self.dst = _addr(o.get("ip.dst"))
        self.proto = o.int("ip.proto")
        self.ip_hlen = o.int("ip.hdr_len")
        self.ip_len = o.int("ip.len")
        off = ETH_HLEN + VLAN_HLEN * len(self.vlan)
        if self.raw is not None and len(self.raw) >= off + 4:
            self.raw_ip_len = struct.unpack(">H", self.raw[off + 2:off + 4])[0]
        fo, mf = o.int("ip.frag_offset"), o.int("ip.flags.mf")
        if fo:
            self.frag = "later"
        elif mf:
            self.frag = "first"
        self._l4(i + 1)

    def _ipv6(self, i):
        o = self.o
        self.l3 = "ipv6"
        self.src = _addr(o.get("ipv6.src"))
        self.dst = _addr(o.get("ipv6.dst"))
        nh = o.int("ipv6.nxt")
        self.proto = nh
        seen = {}
        j = i + 1
        while nh in IPV6_EXT and nh in TS_IPV6_EXT:
            name, nxt_f, len_f = TS_IPV6_EXT[nh]
            if j >= len(self.chain) or self.chain[j] != name:
                self.ext_walk_ok = False
                break
            k = seen.get(name, 0)
            seen[name] = k + 1
            hlen = None
            if nh == IPPROTO_FRAGMENT:
                hlen = 8
                fo = o.int("ipv6.fraghdr.offset", k)
                more = o.int("ipv6.fraghdr.more", k)
                # A header with an offset makes the rest fragment data
                # (tshark dissects no further, the walk stops below); M
                # on one at offset 0 makes a first fragment.
                if fo:
                    self.frag = "later"
                elif fo is not None and more and self.frag == "none":
                    self.frag = "first"
            elif nh == IPPROTO_AH:
                al = o.int(len_f, k)
                hlen = None if al is None else (al + 2) * 4
            elif len_f:
                hlen = o.int(len_f, k)
                if hlen is not None and len_f in TS_LEN_UNITS8:
                    hlen = (hlen + 1) * 8
            self.ext.append((nh, hlen))
            nh = o.int(nxt_f, k)
            self.proto = nh
            j += 1
            if self.frag == "later":
                break
            if nh is None:
                self.ext_walk_ok = False
                break
        self._l4(j)

    def _l4(self, j):
        o = self.o
        self.l4_name = self.chain[j] if j < len(self.chain) else None
        if self.frag == "later":
            return              # no L4 header in a non-first fragment
        if self.l4_name in TS_L4_PORTS and TS_L4_PORTS[self.l4_name] == self.proto:
            # The outer L4 header is the first instance of its protocol, so
            # its ports are the first occurrences.  Inner ports (ICMP errors,
            # tunnels) sit behind some other protocol and are not read.
            self.sport = o.int(self.l4_name + ".srcport")
            self.dport = o.int(self.l4_name + ".dstport")

    # -- the parser's error policy, applied to tshark's decode ---------------
    def _derive_error(self):
        """The error xf_parse should report given tshark's decode: a name,
        None, or UNKNOWN when tshark's fields do not tell."""
        cap = self.cap
        if cap is None:
            return UNKNOWN
        end = min(cap, LINEAR_MAX)      # reads are bounded by the linear area
        if cap < ETH_HLEN:
            return "truncated-eth"
        if not self.chain or self.chain[0] != "eth":
            return UNKNOWN
        ntags = len(self.vlan)
        if ntags > MAX_VLAN:
            return "vlan-too-deep"
        l3_off = ETH_HLEN + VLAN_HLEN * ntags
        if l3_off > end:
            return "truncated-vlan"
        if self.ethertype == ETH_P_IP:
            return self._derive_ipv4(l3_off, end, cap)
        if self.ethertype == ETH_P_IPV6:
            return self._derive_ipv6(l3_off, end, cap)
        if self.ethertype is None and self.l3_name in ("ip", "ipv6"):
            return UNKNOWN
        return None

    def _derive_ipv4(self, l3_off, end, cap):
        if l3_off + 20 > end:
            return "truncated-ipv4"
        if self.ip_version is not None and self.ip_version != 4:
            return "bad-ip-version"
        if self.l3_name != "ip":
            return UNKNOWN
        hlen, tot = self.ip_hlen, self.ip_len
        if hlen is None or self.ip_version is None:
            return UNKNOWN
        if hlen < 20:
            return "bad-ihl"
        if l3_off + hlen > end:
            return "truncated-ipv4"
        if tot is None:
            return UNKNOWN
        if tot < hlen or tot > cap - l3_off:
            return "bad-ipv4-len"
        if self.frag == "later":
            return None
        return self._derive_l4(l3_off + hlen, end, tot - hlen)

    def _derive_ipv6(self, l3_off, end, cap):
        o = self.o
        if l3_off + 40 > end:
            return "truncated-ipv6"
        if self.ip_version is not None and self.ip_version != 6:
            return "bad-ip-version"
        if self.l3_name != "ipv6" or self.ip_version is None:
            return UNKNOWN
        plen, nh = o.int("ipv6.plen"), o.int("ipv6.nxt")
        if plen is None or nh is None:
            return UNKNOWN
        avail = cap - l3_off - 40
        if plen > avail:
            return "bad-ipv6-len"
        if plen == 0 and nh == 0:
            plen = avail        # jumbogram (RFC 2675): the rest of the frame
        pos, used = l3_off + 40, 0
        for n, (enh, hlen) in enumerate(self.ext):
            if n >= MAX_IPV6_EXT:
                return "ipv6-ext-too-deep"
            if enh == IPPROTO_FRAGMENT:
                if pos + 8 > end:
                    return "truncated-ipv6-ext"
                pos += 8
                used += 8
                if used > plen:
                    return "bad-ipv6-len"
                if self.frag == "later" and n == len(self.ext) - 1:
                    return None
                continue
            if pos + 2 > end:
                return "truncated-ipv6-ext"
            if hlen is None:
                return UNKNOWN
            if pos + hlen > end:
                return "truncated-ipv6-ext"
            pos += hlen
            used += hlen
        if len(self.ext) > MAX_IPV6_EXT or (
                len(self.ext) == MAX_IPV6_EXT and self.proto in IPV6_EXT):
            return "ipv6-ext-too-deep"
        if not self.ext_walk_ok or self.proto is None:
            # tshark stopped inside the extension headers: only the bounds
            # it did not reach can still be judged
            if pos + 2 > end:
                return "truncated-ipv6-ext"
            return UNKNOWN
        if used > plen:
            return "bad-ipv6-len"
        return self._derive_l4(pos, end, plen - used)

    def _derive_l4(self, pos, end, l4_len):
        o, proto = self.o, self.proto
        name = self.l4_name
        if proto == IPPROTO_TCP:
            if pos + 20 > end or l4_len < 20:
                return "truncated-l4"
            if name != "tcp":
                return UNKNOWN
            hlen = o.int("tcp.hdr_len")
            if hlen is None:
                return UNKNOWN
            if hlen < 20:
                return "bad-tcp-hlen"
            if pos + hlen > end or hlen > l4_len:
                return "truncated-l4"
            return None
        if proto == IPPROTO_UDP:
            if pos + 8 > end or l4_len < 8:
                return "truncated-l4"
            if name != "udp":
                return UNKNOWN
            ulen = o.int("udp.length")
            if ulen is None:
                return UNKNOWN
            if ulen < 8 or (ulen > l4_len and self.frag == "none"):
                return "bad-udp-len"
            return None
        if proto == IPPROTO_SCTP:
            return "truncated-l4" if pos + 12 > end or l4_len < 12 else None
        if (proto, self.l3) in ((IPPROTO_ICMP, "ipv4"), (IPPROTO_ICMPV6, "ipv6")):
            return "truncated-l4" if pos + 4 > end or l4_len < 4 else None
        return None


def _addr(s):
    if s is None:
        return None
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


# ---------------------------------------------------------------------------
# Intentional differences.  Each rule names the parser errors it applies to,
# the fields it excuses, a predicate on (ours, tshark's view, field), and the
# reason (repeated in README.md).  A difference is excused only by a rule
# whose error matches the one the parser reported; the error itself is
# compared too (field "error", against the one tshark's lengths imply).

class Rule:
    def __init__(self, name, errors, fields, reason, pred=None):
        self.name, self.errors, self.fields = name, errors, fields
        self.reason, self.pred = reason, pred

    def explains(self, ours, ts, field):
        if ours.get("error") not in self.errors or field not in self.fields:
            return False
        return self.pred is None or self.pred(ours, ts, field)


def _ours_unset(ours, ts, field):
    """The parser did not fill the field (it stopped before it)."""
    v = ours.get(field)
    return v is None or (field == "frag" and v == "none")


def _vlan_prefix(ours, ts, field):
    """The tags the parser did read agree with tshark's first ones."""
    n = len(ours["vlan"])
    return n < len(ts.vlan) and ts.vlan[:n] == ours["vlan"]


def _tshark_skips_ipv4(ours, ts, field):
    """tshark adds no addresses when IHL or tot_len is below 20."""
    return (ts.l3 == "ipv4" and getattr(ts, field) is None and
            ((ts.ip_hlen is not None and ts.ip_hlen < 20) or
             (ts.ip_len is not None and ts.ip_len < 20)))


RULES = [
    Rule("vlan-depth", {"vlan-too-deep"}, {"vlan"},
         "The parser reads at most 2 VLAN tags (XF_MAX_VLAN) and reports "
         "vlan-too-deep for a third; tshark decodes every tag.  The first 2 "
         "tags must still agree.",
         lambda o, t, f: len(o["vlan"]) == MAX_VLAN and _vlan_prefix(o, t, f)),
    Rule("partial-vlan-tag", {"truncated-vlan"}, {"vlan"},
         "The capture ends inside a VLAN tag: the parser reports "
         "truncated-vlan and only the complete tags before it; tshark shows "
         "the id of the cut tag when its TCI was captured.", _vlan_prefix),
    Rule("stop-at-vlan", {"truncated-eth", "truncated-vlan", "vlan-too-deep"},
         {"l3", "src", "dst", "proto", "sport", "dport", "frag"},
         "A frame whose VLAN tags cannot be parsed is not parsed further; "
         "tshark decodes what follows.", _ours_unset),
    Rule("ip-version-mismatch", {"bad-ip-version"},
         {"l3", "src", "dst", "proto", "sport", "dport", "frag"},
         "The ethertype says IPv4/IPv6 but the version nibble disagrees: the "
         "parser reports bad-ip-version and no L3; tshark dissects by the "
         "nibble (e.g. IPv4 ethertype carrying an IPv6 header) or as data.",
         _ours_unset),
    Rule("partial-ip-header", {"truncated-ipv4", "truncated-ipv6"},
         {"l3", "src", "dst", "proto", "sport", "dport", "frag"},
         "The capture ends inside the IP header (fixed part or IPv4 options). "
         "The parser reports no L3 when the fixed header is incomplete, and "
         "nothing past the header (frag, ports) when options are cut; tshark "
         "shows the fields that were captured (e.g. source but no "
         "destination) and decodes the fragment offset.", _ours_unset),
    Rule("ip-length-inconsistent", {"bad-ihl", "bad-ipv4-len", "bad-ipv6-len"},
         {"proto", "sport", "dport", "frag"},
         "IHL < 5, or tot_len / payload_len disagreeing with the frame, stop "
         "the parser at L3 (addresses and, for IPv4, the protocol byte are "
         "kept); tshark still dissects the payload as far as it was captured. "
         "For IPv6 the final protocol behind extension headers is not known.",
         lambda o, t, f: _ours_unset(o, t, f) or (f == "proto" and o["l3"] == "ipv6")),
    Rule("tshark-drops-short-ipv4-header", {"bad-ihl", "bad-ipv4-len"},
         {"src", "dst", "proto"},
         "With IHL or tot_len below 20 tshark stops before adding the "
         "addresses; the parser keeps the fixed header's addresses (fields "
         "parsed before an error stay filled).", _tshark_skips_ipv4),
    Rule("ipv6-ext-stop", {"truncated-ipv6-ext", "ipv6-ext-too-deep"},
         {"proto", "sport", "dport", "frag"},
         "An extension header cut short, or more than 8 of them, stop the "
         "parser inside the chain: the final protocol is not known, ports "
         "and fragment state are not read.",
         lambda o, t, f: _ours_unset(o, t, f) or f == "proto"),
    Rule("partial-l4-header", {"truncated-l4"}, {"sport", "dport"},
         "Fewer than the L4 fixed header's bytes (TCP 20, UDP 8, SCTP 12) are "
         "captured or claimed by the IP length: the parser reports "
         "truncated-l4 without ports; tshark prints ports from the first 4 "
         "bytes.", _ours_unset),
]
RULES += [
    Rule("tshark-drops-ipv4-len-below-ihl", {"bad-ipv4-len", "truncated-ipv4"},
         {"src", "dst", "proto"},
         "With tot_len below IHL*4 (but not below 20) tshark calls the length "
         "bogus and adds no addresses or protocol; the parser keeps the fixed "
         "header's (fields parsed before an error stay filled).",
         lambda o, t, f: (t.l3 == "ipv4" and getattr(t, f) is None and
                          t.ip_hlen is not None and t.ip_len is not None and
                          t.ip_len < t.ip_hlen)),
    Rule("tshark-drops-dst-options-cut", {"truncated-ipv4"}, {"dst"},
         "The capture ends inside the IPv4 options: tshark scans the options "
         "for a source route before it adds the destination, the scan runs "
         "out of bytes and no destination is shown (the source is); the "
         "parser keeps the fixed header's fields, all of which were captured.",
         lambda o, t, f: (t.l3 == "ipv4" and t.dst is None and t.src is not None and
                          t.ip_hlen is not None and t.cap is not None and
                          ETH_HLEN + VLAN_HLEN * len(t.vlan) + 20 <= t.cap <
                          ETH_HLEN + VLAN_HLEN * len(t.vlan) + t.ip_hlen)),
    Rule("ipv6-ext-stop-fragment", {"truncated-ipv6-ext", "ipv6-ext-too-deep"}, {"frag"},
         "The parser stopped inside the extension headers (cut short, or more "
         "than 8) after a first-fragment header and before a fragment header "
         "with an offset that tshark reaches: the parser's fragment state is "
         "that of the headers it walked (fields parsed before an error stay "
         "filled), tshark's that of the later header.",
         lambda o, t, f: o["frag"] == "first" and t.frag == "later"),
    Rule("ipv4-source-route",
         {None, "bad-ipv4-len", "truncated-l4", "bad-tcp-hlen", "bad-udp-len"}, {"dst"},
         "An IPv4 loose or strict source route option with hops left: tshark "
         "shows the route's last hop as ip.dst and the header's destination "
         "address as ip.cur_rt; the parser skips options by IHL and reports "
         "the header's destination address, which must equal ip.cur_rt.",
         lambda o, t, f: (t.l3 == "ipv4" and o["dst"] is not None and
                          o["dst"] == _addr(t.o.get("ip.cur_rt")))),
    Rule("jumbogram-without-option",
         {None, "bad-ipv6-len", "truncated-ipv6-ext", "ipv6-ext-too-deep",
          "truncated-l4", "bad-tcp-hlen", "bad-udp-len"},
         {"proto", "sport", "dport", "frag"},
         "IPv6 payload_len 0 behind a hop-by-hop header: the parser takes it "
         "as a jumbogram (RFC 2675) whose payload is the rest of the frame and "
         "reads on without looking for the Jumbo Payload option; tshark wants "
         "that option with a length over 65535 and, without it, stops at the "
         "hop-by-hop header (so has no protocol, ports or fragment state).",
         lambda o, t, f: (t.l3 == "ipv6" and t.o.int("ipv6.plen") == 0 and
                          t.o.int("ipv6.nxt") == 0 and t.proto is None)),
]
RULES.append(
    Rule("tso-zero-total-length", {"bad-ipv4-len"}, {"error"},
         "IPv4 tot_len 0: tshark presumes a TSO capture and uses the frame "
         "length instead (its ip.tso_support preference, on by default), so "
         "its lengths imply no error; the parser has no TSO exception (a frame "
         "on the wire never has tot_len 0) and reports bad-ipv4-len.",
         lambda o, t, f: t.raw_ip_len == 0 and t.ip_len not in (None, 0)))

# ---------------------------------------------------------------------------
# Our side


# What `xdp-fwd parse` may skip (cli/cmd_parse.c): frames under 14 bytes and
# frames over test_run's limit for an xdp.frags program, the linear part of
# a page (less 256 bytes of headroom and 320 of skb_shared_info) plus 17
# fragment pages.
TEST_RUN_MIN = 14
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TEST_RUN_MAX = _PAGE - 256 - 320 + 17 * _PAGE


def normalize(prog, pcap, tmpdir):
    """The capture as libpcap reads it, rewritten by pcap_norm."""
    out = os.path.join(tmpdir, "norm.pcap")
    try:
        res = subprocess.run([prog, pcap, out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
    except OSError as e:
        raise CompareError("cannot run %s: %s" % (prog, e))
    if res.returncode != 0:
        raise CompareError("%s failed (exit %d): %s"
                           % (prog, res.returncode, res.stderr.strip()[-500:]))
    return out


def default_xdp_fwd():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("XDP_FWD") or os.path.join(here, "..", "..", "build", "xdp-fwd")


def load_ours(args, pcap):
    if args.json:
        with open(args.json) as fh:
            text = fh.read()
    else:
        try:
            res = subprocess.run([args.xdp_fwd, "parse", "--json", pcap],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 universal_newlines=True)
        except OSError as e:
            raise CompareError("cannot run %s: %s" % (args.xdp_fwd, e))
        if res.returncode != 0:
            raise CompareError("%s parse --json failed (exit %d): %s"
                               % (args.xdp_fwd, res.returncode, res.stderr.strip()[-500:]))
        text = res.stdout
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise CompareError("line %d of xdp-fwd's output is not JSON (%s): %r"
                               % (n, e, line[:200]))
        missing = [k for k in JSON_KEYS if k not in obj]
        if missing:
            raise CompareError("line %d of xdp-fwd's output lacks %s" % (n, ", ".join(missing)))
        for k in ("src", "dst"):
            obj[k] = _addr(obj[k])
        out.append(obj)
    return out


# ---------------------------------------------------------------------------
# Comparison


def fmt(v):
    if v is None:
        return "null"
    if isinstance(v, list):
        return "[" + ",".join(fmt(x) for x in v) + "]"
    return str(v)


class Result:
    def __init__(self, name):
        self.name = name
        self.packets = self.agreed = 0
        self.skipped = []           # (frame, reason)
        self.intentional = []       # (frame, field, ours, tshark, rule)
        self.failures = []          # (frame, field, ours, tshark, note)
        self.error_unverified = []  # frames whose error tshark cannot judge

    def intentional_frames(self):
        return len({x[0] for x in self.intentional})

    def failed_frames(self):
        return len({x[0] for x in self.failures})


def compare_frame(res, ours, ts):
    frame = ours["frame"]
    diffs = []          # (field, ours, tshark)
    fails = []

    if ours["verdict"] not in VERDICTS:
        fails.append(("verdict", ours["verdict"], "pass", "unknown verdict"))
    elif ours["verdict"] != "pass":
        # no rules are loaded, the default and the error action are "pass"
        fails.append(("verdict", ours["verdict"], "pass", "no rules loaded: expected pass"))
    if ours["error"] is not None and ours["error"] not in ERRORS:
        fails.append(("error", ours["error"], None, "unknown error name"))

    ts_vals = {"len": ts.cap, "vlan": ts.vlan, "l3": ts.l3, "src": ts.src, "dst": ts.dst,
               "proto": ts.proto, "sport": ts.sport, "dport": ts.dport, "frag": ts.frag}
    for field in COMPARED:
        if ours[field] != ts_vals[field]:
            diffs.append((field, ours[field], ts_vals[field]))

    if ts.error is UNKNOWN:
        res.error_unverified.append(frame)
    elif ts.error != ours["error"]:
        diffs.append(("error", ours["error"], ts.error))

    for field, o, t in diffs:
        for rule in RULES:
            if rule.explains(ours, ts, field):
                res.intentional.append((frame, field, o, t, rule.name))
                break
        else:
            fails.append((field, o, t, ""))

    for f in fails:
        res.failures.append((frame,) + f)
    if not diffs and not fails:
        res.agreed += 1


def compare(pcap, ours_frames, ts_frames):
    res = Result(os.path.basename(pcap))
    raw = read_pcap_frames(pcap) or []
    ts_by_num = {}
    for fields in ts_frames:
        num = _int((fields.get("frame.number") or [None])[0])
        v = TsView(fields, raw[num - 1] if num and num <= len(raw) else None)
        ts_by_num[v.number] = v
    seen = set()
    for ours in ours_frames:
        frame = ours["frame"]
        res.packets += 1
        if frame in seen:
            res.failures.append((frame, "frame", frame, None, "frame reported twice"))
            continue
        seen.add(frame)
        ts = ts_by_num.get(frame)
        if ours["verdict"] == "skipped":
            res.skipped.append((frame, ours.get("reason") or "(no reason given)"))
            if ts is not None and ours["len"] != ts.cap:
                res.failures.append((frame, "len", ours["len"], ts.cap, "skipped frame"))
            if TEST_RUN_MIN <= ours["len"] <= TEST_RUN_MAX:
                res.failures.append((frame, "verdict", "skipped", None,
                                     "skipped inside test_run's limits %d..%d: %s"
                                     % (TEST_RUN_MIN, TEST_RUN_MAX, ours.get("reason"))))
            continue
        if ts is None:
            res.failures.append((frame, "frame", frame, None, "tshark has no such frame"))
            continue
        compare_frame(res, ours, ts)
    for num in sorted(set(ts_by_num) - seen):
        res.packets += 1
        res.failures.append((num, "frame", None, num, "xdp-fwd did not report this frame"))
    return res


def report(res, args):
    out = sys.stdout
    for frame, field, o, t, note in res.failures:
        out.write("FAIL %s frame %s %s: ours=%s tshark=%s%s\n"
                  % (res.name, frame, field, fmt(o), fmt(t), (" (%s)" % note) if note else ""))
    for frame, reason in res.skipped:
        out.write("SKIP %s frame %s: %s\n" % (res.name, frame, reason))
    if args.verbose:
        for frame, field, o, t, rule in res.intentional:
            out.write("RULE %s frame %s %s: ours=%s tshark=%s [%s]\n"
                      % (res.name, frame, field, fmt(o), fmt(t), rule))
        if res.error_unverified:
            out.write("NOTE %s: error not judged from tshark's fields for frames %s\n"
                      % (res.name, ",".join(str(f) for f in res.error_unverified)))
    by_rule = {}
    for frame, _f, _o, _t, rule in res.intentional:
        by_rule.setdefault(rule, set()).add(frame)
    rules = ", ".join("%s %d" % (r, len(fr)) for r, fr in sorted(by_rule.items()))
    out.write("%s: %d packets, %d agreed, %d skipped, %d intentional differences%s, "
              "%d failures\n"
              % (res.name, res.packets, res.agreed, len(res.skipped),
                 res.intentional_frames(), (" (%s)" % rules) if rules else "",
                 res.failed_frames()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pcap", nargs="?")
    ap.add_argument("--xdp-fwd", default=default_xdp_fwd(),
                    help="the xdp-fwd binary (default: $XDP_FWD or build/xdp-fwd)")
    ap.add_argument("--json", help="read xdp-fwd's --json output from this file "
                    "instead of running xdp-fwd")
    ap.add_argument("--tshark", default=os.environ.get("TSHARK", "tshark"))
    ap.add_argument("--pcap-norm", default=os.environ.get("XF_PCAP_NORM"),
                    help="rewrite the capture with this program (tests/diff/pcap_norm.c) "
                    "and read the rewrite (default: $XF_PCAP_NORM)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also list every intentional difference and the rule that excuses it")
    ap.add_argument("--rules", action="store_true", help="list the rules and exit")
    args = ap.parse_args(argv)
    if args.rules:
        for r in RULES:
            print("%s [%s] (%s): %s" % (r.name, ", ".join(sorted(e or "no error"
                                                                 for e in r.errors)),
                                        ", ".join(sorted(r.fields)), r.reason))
        return 0
    if not args.pcap:
        ap.error("a capture file is needed")
    tmpdir = tempfile.mkdtemp(prefix="xft-compare.")
    try:
        try:
            pcap = normalize(args.pcap_norm, args.pcap, tmpdir) if args.pcap_norm else args.pcap
            ts_frames = run_tshark(args.tshark, pcap)
            ours = load_ours(args, pcap)
        except CompareError as e:
            sys.stderr.write("compare.py: %s: %s\n" % (args.pcap, e))
            return 2
        res = compare(pcap, ours, ts_frames)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    res.name = os.path.basename(args.pcap)
    report(res, args)
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())
