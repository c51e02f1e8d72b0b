#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write every Ethernet frame of some captures to a directory, one file per frame.

    pcap_seeds.py OUTDIR CAPTURE...

The fuzz target's seed corpus (tests/fuzz/fuzz.mk).  Reads classic pcap
(either byte order, micro- or nanosecond) and pcapng (enhanced and simple
packet blocks), standard library only.  Each frame is written as it was
captured (caplen bytes) to OUTDIR/<capture name>-<frame number>.  Captures
that are not Ethernet are skipped with a note; a capture cut short
contributes the frames that were whole, with a note.  Exits non-zero only
when OUTDIR cannot be written or a file is neither pcap nor pcapng.
"""
import os
import struct
import sys

LINKTYPE_ETHERNET = 1


def pcap_frames(f, name, head):
    magic = head[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    else:
        e = ">"
    rest = f.read(20)
    if len(rest) < 20:
        raise EOFError("short file header")
    _vmaj, _vmin, _tz, _sig, _snap, link = struct.unpack(e + "HHiIII", rest)
    # the top bits carry the FCS length (e.g. 0x30000001)
    if link & 0x0FFFFFFF != LINKTYPE_ETHERNET:
        print(f"pcap_seeds: {name}: link type {link:#x} is not Ethernet, skipped",
              file=sys.stderr)
        return
    while True:
        rec = f.read(16)
        if not rec:
            return
        if len(rec) < 16:
            raise EOFError("record header cut short")
        _sec, _frac, caplen, _wirelen = struct.unpack(e + "IIII", rec)
        if caplen > 1 << 24:
            raise EOFError(f"implausible caplen {caplen}")
        data = f.read(caplen)
        if len(data) < caplen:
            raise EOFError("frame cut short")
        yield data


def pcapng_frames(f, name, head):
    links = []      # link type per interface, in IDB order
    block = head
    e = None
    while True:
        if len(block) < 8:
            if not block:
                return
            raise EOFError("block header cut short")
        btype_raw = block[:4]
        if btype_raw == b"\x0a\x0d\x0d\x0a":        # section header: byte order
            bom = f.read(4)
            if len(bom) < 4:
                raise EOFError("section header cut short")
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack(e + "I", block[4:8])[0]
            body = bom + f.read(blen - 12)
            links = []
        elif e is None:
            raise EOFError("no section header first")
        else:
            btype, blen = struct.unpack(e + "II", block[:8])
            body = f.read(blen - 8)
        if blen < 12 or len(body) != blen - 8:
            raise EOFError("block cut short")
        btype = struct.unpack(e + "I", block[:4])[0]
        if btype == 1:                                # interface description
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:                              # enhanced packet
            iface, _th, _tl, caplen, _olen = struct.unpack(e + "IIIII", body[:20])
            if iface < len(links) and links[iface] == LINKTYPE_ETHERNET:
                yield body[20:20 + caplen]
        elif btype == 3:                              # simple packet
            olen = struct.unpack(e + "I", body[:4])[0]
            if links and links[0] == LINKTYPE_ETHERNET:
                yield body[4:4 + min(olen, blen - 16)]
        block = f.read(8)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    total = 0
    for path in argv[2:]:
        name = os.path.splitext(os.path.basename(path))[0]
        n = 0
        with open(path, "rb") as f:
            head = f.read(4)
            if head in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                        b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
                frames = pcap_frames(f, name, head)
            elif head == b"\x0a\x0d\x0d\x0a":
                frames = pcapng_frames(f, name, head + f.read(4))
            else:
                print(f"pcap_seeds: {path}: not a pcap or pcapng file", file=sys.stderr)
                return 1
            try:
                for data in frames:
                    n += 1
                    with open(os.path.join(out, f"{name}-{n}"), "wb") as o:
                        o.write(data)
            except EOFError as ex:
                print(f"pcap_seeds: {path}: {ex} after {n} frames", file=sys.stderr)
            except struct.error as ex:
                print(f"pcap_seeds: {path}: malformed ({ex}) after {n} frames",
                      file=sys.stderr)
        total += n
    print(f"pcap_seeds: {total} frames from {len(argv) - 2} captures into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
