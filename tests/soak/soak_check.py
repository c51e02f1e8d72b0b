#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The soak's verdict on the measured flows: nothing lost, nothing twice.

  soak_check.py --pcap CAP --kernel K.json --run RUN.json --rules RULES.json
                --stats STATS.json --flow FLOW:PORT:SENT [--flow ...]
                [--tail FLOW:PORT:SENT ...] [--flaps N] [--udp-errors N]
                [--drop-every N]

Ground truth is the program's per-rule packet counter (RULES.json, from
`xdp-fwd rule list --json`): every frame the rule steering PORT matched
reached the XDP hook.  Each such frame must be received exactly once,
either by the consumer (a record of its capture CAP) or by the kernel
socket on the same port (K.json, from soak_recv.py: the XSKMAP's fallback
while no socket is bound), and never by both: the consumer got exactly
the hook's count less xsk-no-socket.  The kernel socket may get a frame
more than xsk-no-socket counted, one per flap at most: veth hands the
stack the odd frame without running XDP while the device goes down or up
(seen with no consumer and no rule churn), and such a frame is at no hook.  Frames the sockets dropped
(XDP_STATISTICS in RUN.json), that the capture writer missed, or that the
kernel socket dropped (--udp-errors: UDP InErrors in the DUT namespace)
are failures too: at the soak's rate they must be 0.

A --flow is one numbered flow of udp_send.py (seq 0..SENT-1); a --tail
flow was sent after the last link flap and must reach the consumer whole.
With no flaps (--flaps 0) nothing may be lost before the hook either:
SENT == the hook's count.

--drop-every N discards every Nth measured capture record before checking:
a check of this checker, which must then fail.

Prints "ok - ..." / "FAIL - ..." lines and last one JSON line with the
figures; exit 0 when every check holds, else 1.
"""
import argparse
import json
import struct
import sys
from collections import Counter

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../xsk")
from pcap_check import records  # noqa: E402
from udp_send import parse_payload  # noqa: E402


def flow_arg(text):
    f, p, n = (int(x) for x in text.split(":"))
    return f, p, n


def last_json(path):
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    return json.loads(lines[-1])


def udp_dport_payload(buf):
    """(dport, payload) of an Ethernet/IPv4/UDP frame, else None."""
    if len(buf) < 42 or buf[12:14] != b"\x08\x00" or buf[14] >> 4 != 4 or buf[23] != 17:
        return None
    u = 14 + (buf[14] & 0x0F) * 4
    if len(buf) < u + 8:
        return None
    _, dport, ulen = struct.unpack_from("!HHH", buf, u)
    return dport, buf[u + 8:u + ulen]


def capture_seqs(path, drop_every):
    """{port: {flow: Counter(seq)}} of the capture, and its foreign records."""
    got, foreign, n = {}, 0, 0
    for caplen, wirelen, buf in records(path)[1]:
        r = udp_dport_payload(buf) if caplen == wirelen else None
        fs = parse_payload(r[1]) if r else None
        if fs is None:
            foreign += 1
            continue
        n += 1
        if drop_every and n % drop_every == 0:
            continue
        got.setdefault(r[0], {}).setdefault(fs[0], Counter())[fs[1]] += 1
    return got, foreign


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok - %s" % name)
        else:
            self.failed += 1
            print("FAIL - %s%s" % (name, ": " + detail if detail else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for k in ("pcap", "kernel", "run", "rules", "stats"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--flow", type=flow_arg, action="append", required=True)
    ap.add_argument("--tail", type=flow_arg, action="append", default=[])
    ap.add_argument("--flaps", type=int, default=0)
    ap.add_argument("--udp-errors", type=int, default=0)
    ap.add_argument("--drop-every", type=int, default=0)
    a = ap.parse_args()

    check = Checks()
    cap, foreign = capture_seqs(a.pcap, a.drop_every)
    kern = last_json(a.kernel)
    run = last_json(a.run)
    rules = last_json(a.rules)
    stats = last_json(a.stats)
    hook = {r["dport"]: r["packets"] for r in rules if r["action"] == "xsk"}
    drops = sum(q["rx_dropped"] + q["rx_ring_full"] + q["rx_invalid_descs"]
                for q in run["queues"])
    missed = run.get("capture_missed", 0)
    out = {"flows": {}, "socket_drops": drops, "capture_missed": missed,
           "capture_foreign": foreign, "udp_errors": a.udp_errors}

    per_port = Counter()	# frames received once, by port
    kernel_total = 0
    for tail, (flow, port, sent) in [(False, f) for f in a.flow] + [(True, f) for f in a.tail]:
        c = cap.get(port, {}).get(flow, Counter())
        k = Counter(kern["ports"].get(str(port), {}).get(str(flow), []))
        both = set(c) & set(k)
        dup = sum(v - 1 for v in c.values()) + sum(v - 1 for v in k.values()) + len(both)
        bad = [s for s in list(c) + list(k) if not 0 <= s < sent]
        per_port[port] += len(set(c) | set(k))
        kernel_total += sum(k.values())
        name = "flow %d (port %d%s)" % (flow, port, ", after the flaps" if tail else "")
        out["flows"][str(flow)] = {"port": port, "sent": sent, "consumer": len(c),
                                   "kernel": len(k), "duplicates": dup, "tail": tail}
        check("%s: no frame received twice (consumer %d, kernel %d)" % (name, len(c), len(k)),
              dup == 0, "%d duplicates, %d of them across consumer and kernel" % (dup, len(both)))
        check("%s: only sequence numbers that were sent" % name, not bad,
              "e.g. %s" % sorted(bad)[:5])
        if tail:
            check("%s: the consumer got all %d, the kernel none" % (name, sent),
                  len(c) == sent and not k, "consumer %d, kernel %d" % (len(c), len(k)))

    for port, n in sorted(hook.items()):
        flows = [f for f in a.flow + a.tail if f[1] == port]
        sent = sum(f[2] for f in flows)
        out["flows"].update({str(f[0]): dict(out["flows"][str(f[0])], hook_port=n)
                             for f in flows})
        # a frame veth hands the stack without running XDP at a flap is
        # received but not at the hook: at most one per flap (see below)
        check("port %d: each of the %d frames at the hook received exactly once "
              "(consumer or kernel: %d)" % (port, n, per_port[port]),
              n <= per_port[port] <= n + a.flaps,
              "%d unaccounted for" % (n - per_port[port]))
        if a.flaps == 0:
            check("port %d: no flaps, so all %d sent reached the hook" % (port, sent), n == sent,
                  "%d lost before the hook" % (sent - n))
        else:
            out.setdefault("lost_before_hook", {})[str(port)] = sent - n
            check("port %d: the hook saw no more than was sent (%d <= %d)" % (port, n, sent),
                  n <= sent)
    check("every measured port has its rule", all(f[1] in hook for f in a.flow + a.tail))
    check("sockets dropped nothing (rx_dropped + rx_ring_full + rx_invalid_descs)",
          drops == 0, str(drops))
    check("the capture missed nothing", missed == 0, str(missed))
    check("the capture holds only measured frames", foreign == 0, "%d foreign" % foreign)
    check("the kernel socket dropped nothing (UDP InErrors)", a.udp_errors == 0,
          str(a.udp_errors))
    nosock = stats["events"]["xsk-no-socket"]["packets"]
    consumer_total = sum(f["consumer"] for f in out["flows"].values())
    hook_total = sum(hook.get(p, 0) for p in {f[1] for f in a.flow + a.tail})
    bypass = kernel_total - nosock
    out["xsk_no_socket"] = nosock
    out["kernel_received"] = kernel_total
    out["bypassed_xdp"] = bypass
    check("the consumer got every frame redirected while its sockets were bound "
          "(hook %d - xsk-no-socket %d == consumer %d)" % (hook_total, nosock, consumer_total),
          consumer_total == hook_total - nosock)
    # veth, on this host's kernel, hands the stack the odd frame without
    # running XDP while the device goes down or up (seen with no consumer and
    # no rule churn at all: 1 frame in 40 flaps); such a frame reaches the
    # kernel socket but neither the rule counter nor xsk-no-socket.
    check("the kernel socket got every fallback frame (xsk-no-socket %d <= %d), and more "
          "only with flaps, one a flap at most (%d that bypassed XDP, %d flaps)"
          % (nosock, kernel_total, bypass, a.flaps),
          0 <= bypass <= a.flaps and kern["foreign"] == 0)
    out["passed"], out["failed"] = check.passed, check.failed
    print(json.dumps(out))
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
