#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Where RSS puts each datagram of udp_send.py, and whether a capture agrees.

  mq_check.py predict --rss FILE --src IP --dst IP --sport A-B --dport P --count N
  mq_check.py capture FILE --rss FILE --src IP --dst IP --sport A-B
              --stream DPORT:FLOW:COUNT [--stream ...]
  mq_check.py delta [--what packets|redirects] BEFORE AFTER

FILE of --rss is what `ethtool -x IFACE` printed: the RSS hash key and the
indirection table; a driver that does not report its key (igb) programs
the kernel's netdev_rss_key (net.core.netdev_rss_key), which then follows
as a line "netdev_rss_key:" and the key on the next.  The queue of a datagram is table[hash % len(table)],
where hash is the Toeplitz hash (Microsoft's RSS specification) of source
address, destination address, source port and destination port (the input
`ethtool -N IFACE rx-flow-hash udp4 sdfn` selects), or of the addresses
only when the file also holds `ethtool -n IFACE rx-flow-hash udp4` and that
leaves the ports out.  udp_send.py --sport A-B
sends datagram seq from port A + seq % (B - A + 1).  Nothing here comes from
xdp-fwd: the prediction is computed from the NIC's own configuration.

predict prints {"queues": {Q: N, ...}, "flows": {SPORT: Q, ...}} for one
stream.  capture checks a pcap written by `xdp-fwd run --mode capture` on
every queue: each datagram of each stream exactly once, payloads intact, in
order per flow (4-tuple; RSS keeps a flow on one queue, the capture keeps
each queue's order), nothing else; it prints the findings and the predicted
per-queue counts of all streams together ("queues"), exit 0 when all hold.

delta reads two `ethtool -S IFACE` outputs and prints how many packets (or
XDP redirects) each RX queue counted in between (rxq_counts() says which
counter): {"0": N, ...}, queues without any left out.
"""
import argparse
import ipaddress
import json
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../xsk")
from pcap_check import records  # noqa: E402
from udp_recv import udp_of_frame  # noqa: E402
from udp_send import parse_payload, payload, port_range  # noqa: E402


def read_rss(path):
    """(key bytes, indirection table) from `ethtool -x` output."""
    with open(path) as f:
        text = f.read()
    table = []
    for line in text.splitlines():
        m = re.match(r"\s*(\d+):((?:\s+\d+)+)\s*$", line)
        if m:
            table.extend(int(q) for q in m.group(2).split())
    # igb does not show its key; it is the kernel's netdev_rss_key, which
    # the caller then appends as "netdev_rss_key:" and the next line
    m = (re.search(r"RSS hash key:\s*\n\s*([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+)\s*\n", text) or
         re.search(r"netdev_rss_key:\s*\n\s*([0-9a-fA-F:]+)", text))
    if not m or not table:
        raise ValueError("%s: no RSS hash key or indirection table in it" % path)
    # the hash input `ethtool -n IFACE rx-flow-hash udp4` names, when the
    # caller appended it: without the L4 bytes, addresses only
    ports = "Hash flow key" not in text or "L4 bytes 0 & 1" in text
    return bytes.fromhex(m.group(1).replace(":", "")), table, ports


def toeplitz(key, data):
    """The 32-bit Toeplitz hash of data under key (len(key) >= len(data) + 4)."""
    kbits = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                shift = klen - 32 - (i * 8 + b)
                h ^= (kbits >> shift) & 0xFFFFFFFF
    return h


def queue_of(key, table, src, dst, sport, dport, ports=True):
    data = ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed
    if ports:
        data += sport.to_bytes(2, "big") + dport.to_bytes(2, "big")
    return table[toeplitz(key, data) % len(table)]


def sport_of(ports, seq):
    return ports[seq % len(ports)]


def predict(key, table, a, dport, count, l4=True):
    ports = list(a.sport)
    flows = {p: queue_of(key, table, a.src, a.dst, p, dport, l4) for p in ports}
    queues = {}
    for seq in range(count):
        q = flows[sport_of(ports, seq)]
        queues[q] = queues.get(q, 0) + 1
    return queues, flows


def stream(text):
    try:
        dport, flow, count = (int(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError("bad stream %r (DPORT:FLOW:COUNT)" % text)
    return dport, flow, count


def check_capture(key, table, l4, a):
    _, recs = records(a.file)
    ports = list(a.sport)
    streams = {dport: (flow, count) for dport, flow, count in a.stream}
    res = {"records": len(recs), "foreign": 0, "truncated": 0, "duplicates": 0,
           "out_of_order": 0, "missing": 0, "payload_bad": 0, "queues": {}}
    seen = {dport: set() for dport in streams}
    last = {}
    for caplen, wirelen, buf in recs:
        if caplen != wirelen:
            res["truncated"] += 1
        got = None
        for dport in streams:
            data = udp_of_frame(buf, dport)
            fs = parse_payload(data) if data is not None else None
            if fs is not None and fs[0] == streams[dport][0] and fs[1] < streams[dport][1]:
                got = dport, fs[1], data
                break
        if got is None:
            res["foreign"] += 1
            continue
        dport, seq, data = got
        flow = (dport, sport_of(ports, seq))
        if seq in seen[dport]:
            res["duplicates"] += 1
        seen[dport].add(seq)
        if flow in last and seq <= last[flow]:
            res["out_of_order"] += 1
        last[flow] = max(seq, last.get(flow, seq))
        if data != payload(streams[dport][0], seq, a.size):
            res["payload_bad"] += 1
    for dport, (flow, count) in streams.items():
        res["missing"] += count - len(seen[dport])
        queues, _ = predict(key, table, a, dport, count, l4)
        for q, n in queues.items():
            res["queues"][q] = res["queues"].get(q, 0) + n
    res["queues"] = {str(q): n for q, n in sorted(res["queues"].items())}
    print(json.dumps(res))
    bad = ("foreign", "truncated", "duplicates", "out_of_order", "missing", "payload_bad")
    return 0 if not any(res[k] for k in bad) else 1


def rxq_counts(path, what):
    """Per-queue RX counts of one kind from `ethtool -S`.  packets:
    rx_queue_N_packets (igb, virtio-net before 6.10), else rxN_xdp_packets
    (virtio-net since, which moved its plain counters to netlink): the
    frames the XDP program ran on, which are all of them while one is
    attached.  redirects: rx_queue_N_xdp_redirects or rxN_xdp_redirects
    (virtio-net only): the frames XDP redirected, here all to AF_XDP."""
    pats = {"packets": (r"rx_queue_(\d+)_packets", r"rx(\d+)_xdp_packets"),
            "redirects": (r"rx_queue_(\d+)_xdp_redirects", r"rx(\d+)_xdp_redirects")}[what]
    found = [{}, {}]
    with open(path) as f:
        for line in f:
            for i, pat in enumerate(pats):
                m = re.match(r"\s*" + pat + r":\s*(\d+)\s*$", line)
                if m:
                    found[i][int(m.group(1))] = int(m.group(2))
    return found[0] or found[1]


def delta(a):
    before, after = rxq_counts(a.before, a.what), rxq_counts(a.after, a.what)
    if not after:
        print("mq_check: no per-queue %s counter in %s" % (a.what, a.after), file=sys.stderr)
        return 1
    d = {q: n - before.get(q, 0) for q, n in sorted(after.items())}
    print(json.dumps({str(q): n for q, n in d.items() if n}))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("delta")
    d.add_argument("--what", choices=("packets", "redirects"), default="packets")
    d.add_argument("before")
    d.add_argument("after")
    p = sub.add_parser("predict")
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    c = sub.add_parser("capture")
    c.add_argument("file")
    c.add_argument("--stream", type=stream, action="append", required=True)
    c.add_argument("--size", type=int, default=64)
    for s in (p, c):
        s.add_argument("--rss", required=True)
        s.add_argument("--src", required=True)
        s.add_argument("--dst", required=True)
        s.add_argument("--sport", type=port_range, required=True)
    a = ap.parse_args()
    if a.cmd == "delta":
        return delta(a)
    key, table, l4 = read_rss(a.rss)
    if a.cmd == "predict":
        queues, flows = predict(key, table, a, a.dport, a.count, l4)
        print(json.dumps({"queues": {str(q): n for q, n in sorted(queues.items())},
                          "flows": {str(p): q for p, q in flows.items()}}))
        return 0
    return check_capture(key, table, l4, a)


if __name__ == "__main__":
    sys.exit(main())
