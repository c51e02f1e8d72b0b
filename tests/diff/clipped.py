#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write a pcap whose records claim more bytes than its snaplen.

    clipped.py OUT.pcap

The snaplen is 96.  Frames 1 and 4 fit; frame 2's record holds 200 bytes
and frame 3's 120 (each says so in its header, and its wire length agrees):
libpcap reads both cut to 96 bytes, tshark's reader reads them whole.  What
run.sh checks on it: `xdp-fwd parse` warns for frames 2 and 3 and no other,
and compare.py agrees with tshark once the capture went through pcap_norm.

Python 3 standard library only.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pkt  # noqa: E402

SNAPLEN = 96


def udp4(total, sport, dport):
    """An Ethernet/IPv4/UDP frame of TOTAL bytes, lengths consistent (checksums 0)."""
    hdr = pkt.eth(pkt.mac("02:00:00:00:00:02"), pkt.mac("02:00:00:00:00:01"), pkt.ETH_P_IP)
    ip_len = total - len(hdr)
    return hdr + pkt.ipv4("192.0.2.1", "192.0.2.2", pkt.IPPROTO_UDP,
                          pkt.udp(sport, dport, bytes(ip_len - 28)), ident=1, check=0)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    frames = [udp4(60, 1000, 53), udp4(200, 1001, 53), udp4(120, 1002, 80),
              udp4(90, 1003, 443)]
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, SNAPLEN, 1))
        for i, fr in enumerate(frames):
            # the header claims every byte that follows, past the snaplen
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)))
            f.write(fr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
