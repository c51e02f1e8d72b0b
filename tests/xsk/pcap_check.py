#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check a pcap written by `xdp-fwd run --mode capture` against udp_send.py.

  pcap_check.py FILE --port P --flow F --count N [--first S] [--size B --vary V]
                [--frames --dmac MAC --smac MAC --src IP --dst IP --sport A-B]

Reads the classic pcap format (stdlib only).  Every record must be an
Ethernet/IPv4/UDP frame to port P carrying datagram (F, seq) of udp_send.py,
captured whole (caplen == len); the sequence numbers must be exactly
S..S+N-1, each once, in order; each payload must be the one udp_send.py
built for that seq.  With --frames, each record must equal, byte for byte,
the frame `udp_send.py --raw` sent (udp_send.frame()).

Prints one JSON line with the findings; exit 0 when all hold, else 1.
"""
import argparse
import json
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from udp_recv import udp_of_frame  # noqa: E402
from udp_send import frame, mac_bytes, parse_payload, payload, port_range, size_of  # noqa: E402


def records(path):
    """(header fields, [(caplen, len, bytes)]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: %d bytes, no pcap header" % (path, len(data)))
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("%s: not a pcap file (magic %s)" % (path, magic.hex()))
    _, _, _, _, snaplen, linktype = struct.unpack(e + "HHiIII", data[4:24])
    out, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError("%s: truncated record header at %d" % (path, off))
        _, _, caplen, wirelen = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise ValueError("%s: truncated record at %d" % (path, off))
        out.append((caplen, wirelen, data[off:off + caplen]))
        off += caplen
    return {"snaplen": snaplen, "linktype": linktype}, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--flow", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--vary", type=int, default=0)
    ap.add_argument("--frames", action="store_true")
    ap.add_argument("--dmac")
    ap.add_argument("--smac")
    ap.add_argument("--src")
    ap.add_argument("--dst")
    ap.add_argument("--sport", type=port_range)
    a = ap.parse_args()

    hdr, recs = records(a.file)
    res = {"records": len(recs), "linktype": hdr["linktype"], "ours": 0, "foreign": 0,
           "truncated": 0, "duplicates": 0, "out_of_order": 0, "missing": 0,
           "unexpected": 0, "payload_bad": 0, "frame_bad": 0, "first_bad": None}
    ports = list(a.sport) if a.sport else None
    want = set(range(a.first, a.first + a.count))
    seen, last = set(), None
    for i, (caplen, wirelen, buf) in enumerate(recs):
        if caplen != wirelen:
            res["truncated"] += 1
        data = udp_of_frame(buf, a.port)
        fs = parse_payload(data) if data is not None else None
        if fs is None or fs[0] != a.flow:
            res["foreign"] += 1
            continue
        res["ours"] += 1
        seq = fs[1]
        if seq in seen:
            res["duplicates"] += 1
        if seq not in want:
            res["unexpected"] += 1
        if last is not None and seq <= last:
            res["out_of_order"] += 1
        seen.add(seq)
        last = seq if last is None else max(last, seq)
        if data != payload(a.flow, seq, size_of(seq, a.size, a.vary)):
            res["payload_bad"] += 1
            if res["first_bad"] is None:
                res["first_bad"] = i
        if a.frames:
            sport = ports[(seq - a.first) % len(ports)]
            exp = frame(mac_bytes(a.dmac), mac_bytes(a.smac), a.src, a.dst, sport, a.port,
                        seq, payload(a.flow, seq, size_of(seq, a.size, a.vary)))
            if buf != exp:
                res["frame_bad"] += 1
                if res["first_bad"] is None:
                    res["first_bad"] = i
    res["missing"] = len(want - seen)
    print(json.dumps(res))
    bad = ("foreign", "truncated", "duplicates", "out_of_order", "missing", "unexpected",
           "payload_bad", "frame_bad")
    return 0 if hdr["linktype"] == 1 and not any(res[k] for k in bad) else 1


if __name__ == "__main__":
    sys.exit(main())
