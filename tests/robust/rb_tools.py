#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Helpers for tests/robust/test_robust.sh (python3 stdlib only).

  pcap-ends FILE                 byte offset where each record of a pcap ends
  rawip-pcap OUT                 write a capture of link type 101 (raw IP)
  bigcaplen-pcap OUT             a pcap whose only record claims 4 GB of data
  udpcount PORT SECONDS READY STOP
                                 count UDP datagrams (any payload) on PORT;
                                 create READY once bound, stop after SECONDS
                                 or once the file STOP exists; print the count
  counters PINDIR                summed per-CPU counters of a loaded xdp-fwd
                                 (via bpftool): {"actions": [...], "events": [...]}
  table-check RULES.json PRESET LOG...
                                 compare `rule list --json` with what the
                                 worker logs imply (see below); exit 1 on any
                                 difference, saying which
  shapes-check SHAPES.json CONFIG.json STATUS.json RULES.json
                                 the live shape set agrees with the rule table

Worker log lines (written by the concurrency workers):
  add KEY ID WORDS...            KEY was added with id ID
  del KEY                        KEY was deleted
  shared K ID | sharedfail K     a rule both workers try to add (words in PRESET)
PRESET lists rules present before the workers started, as "ID WORDS..." lines.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

PROTOS = {"icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58, "sctp": 132}


def pcap_ends(path):
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16 + caplen
        if off > len(data):
            break
        print(off)


def pcap_header(linktype, snaplen=65535):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def ipv4_udp(src, dst, sport, dport, payload):
    """A raw IPv4/UDP packet, both checksums 0."""
    return pkt.ipv4(src, dst, pkt.IPPROTO_UDP, pkt.udp(sport, dport, payload), ident=1,
                    frag=0x4000, check=0)


def rawip_pcap(out):
    with open(out, "wb") as f:
        f.write(pcap_header(101))
        for i in range(3):
            pkt = ipv4_udp("192.0.2.1", "192.0.2.2", 5000, 7000 + i, b"xft raw %d" % i)
            f.write(struct.pack("<IIII", 1, i, len(pkt), len(pkt)) + pkt)


def bigcaplen_pcap(out):
    with open(out, "wb") as f:
        f.write(pcap_header(1))
        f.write(struct.pack("<IIII", 1, 0, 0xFFFFFFF0, 0xFFFFFFF0) + b"\0" * 64)


def udpcount(port, seconds, ready, stop):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(0.1)
    open(ready, "w").close()
    end = time.monotonic() + min(float(seconds), 120.0)
    n = 0
    while time.monotonic() < end and not os.path.exists(stop):
        try:
            s.recvfrom(65535)
            n += 1
        except socket.timeout:
            pass
    s.settimeout(0)
    while True:  # what is already queued
        try:
            s.recvfrom(65535)
            n += 1
        except (BlockingIOError, socket.timeout):
            break
    print(n)


def percpu_sum(path):
    out = subprocess.run(["bpftool", "map", "dump", "pinned", path, "-j"], check=True,
                         capture_output=True, text=True).stdout
    res = []
    for e in json.loads(out):
        f = e["formatted"]
        res.append(sum(v["value"]["packets"] for v in f["values"]))
    return res


def counters(pindir):
    print(json.dumps({"actions": percpu_sum(pindir + "/action_stats"),
                      "events": percpu_sum(pindir + "/event_stats")}))


def words_tuple(words):
    """The fields `rule list --json` shows for the rule given as words."""
    w = words.split()
    d = {"vlan": None, "proto": None, "src": None, "dst": None, "sport": None,
         "dport": None, "priority": 1000, "action": None}
    i = 0
    while i < len(w):
        k, v = w[i], w[i + 1]
        if k in ("vlan", "sport", "dport", "priority"):
            d[k] = int(v)
        elif k == "proto":
            d[k] = PROTOS.get(v, None) if not v.isdigit() else int(v)
        elif k in ("src", "dst"):
            d[k] = v if "/" in v else v + ("/128" if ":" in v else "/32")
        elif k == "action":
            d[k] = v
        i += 2
    return tuple(sorted(d.items()))


def json_tuple(r):
    return tuple(sorted((k, r[k]) for k in ("vlan", "proto", "src", "dst", "sport", "dport",
                                          "priority", "action")))


def table_check(rules_json, preset, logs):
    table = json.load(open(rules_json))
    want = {}   # (id) -> tuple
    problems = []
    for line in open(preset):
        if line.strip():
            rid, words = line.split(None, 1)
            want[int(rid)] = words_tuple(words)
    shared_words = {}
    shared_ok = {}
    for log in logs:
        live = {}
        for line in open(log):
            p = line.split()
            if not p:
                continue
            if p[0] == "add":
                live[p[1]] = (int(p[2]), words_tuple(" ".join(p[3:])))
            elif p[0] == "del":
                live.pop(p[1], None)
            elif p[0] == "shared":
                shared_ok.setdefault(p[1], []).append(int(p[2]))
                shared_words[p[1]] = " ".join(p[3:])
            elif p[0] == "sharedfail":
                shared_ok.setdefault(p[1], [])
        for key, (rid, t) in live.items():
            if rid in want:
                problems.append("id %d handed out twice (%s)" % (rid, key))
            want[rid] = t
    for k, ids in sorted(shared_ok.items()):
        if len(ids) != 1:
            problems.append("shared rule %s: %d workers got an id (want exactly 1)" % (k, len(ids)))
            continue
        want[ids[0]] = words_tuple(shared_words[k])
    got = {}
    for r in table:
        if r["id"] in got:
            problems.append("id %d listed twice" % r["id"])
        got[r["id"]] = json_tuple(r)
    for rid in sorted(set(want) | set(got)):
        if rid not in got:
            problems.append("rule %d missing: %s" % (rid, dict(want[rid])))
        elif rid not in want:
            problems.append("rule %d not expected: %s" % (rid, dict(got[rid])))
        elif got[rid] != want[rid]:
            problems.append("rule %d differs: got %s want %s" % (rid, dict(got[rid]),
                                                                dict(want[rid])))
    print("%d rules in the table, %d expected, %d problems" % (len(got), len(want),
                                                            len(problems)))
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


def shape_of(r):
    plen = lambda p: None if p is None else int(p.split("/")[1])
    fam = None
    for a in (r["src"], r["dst"]):
        if a is not None:
            fam = 6 if ":" in a else 4
    return (r["vlan"] is not None, r["proto"] is not None, r["src"] is not None,
            r["dst"] is not None, r["sport"] is not None, r["dport"] is not None,
            fam, plen(r["src"]), plen(r["dst"]))


def shapes_check(shapes_json, config_json, status_json, rules_json):
    sets = json.load(open(shapes_json))
    cfg = json.load(open(config_json))[0]["formatted"]["value"]
    st = json.load(open(status_json))
    rules = json.load(open(rules_json))
    live = [e for e in sets if e["formatted"]["key"] == cfg["active_set"]][0]["formatted"]["value"]
    used = [s for s in live["shape"] if s["nrules"]]
    distinct = {shape_of(r) for r in rules}
    problems = []
    if live["count"] != len(used):
        problems.append("live set count %d, but %d slots hold rules" % (live["count"], len(used)))
    if sum(s["nrules"] for s in used) != len(rules):
        problems.append("slots hold %d rules, the table %d" % (sum(s["nrules"] for s in used),
                                                               len(rules)))
    if len(distinct) != len(used):
        problems.append("%d distinct shapes in the table, %d slots in use" % (len(distinct),
                                                                           len(used)))
    if st["shapes"] != len(used) or st["rules"] != len(rules):
        problems.append("status says %d rules %d shapes" % (st["rules"], st["shapes"]))
    print("%d rules, %d shapes; %s" % (len(rules), len(used),
                                       "; ".join(problems) if problems else "consistent"))
    return 1 if problems else 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "pcap-ends" and len(argv) == 3:
        return pcap_ends(argv[2])
    if cmd == "rawip-pcap" and len(argv) == 3:
        return rawip_pcap(argv[2])
    if cmd == "bigcaplen-pcap" and len(argv) == 3:
        return bigcaplen_pcap(argv[2])
    if cmd == "udpcount" and len(argv) == 6:
        return udpcount(*argv[2:])
    if cmd == "counters" and len(argv) == 3:
        return counters(argv[2])
    if cmd == "table-check" and len(argv) >= 4:
        return table_check(argv[2], argv[3], argv[4:])
    if cmd == "shapes-check" and len(argv) == 6:
        return shapes_check(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv) or 0)
