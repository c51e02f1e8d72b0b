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

import struct
import sys

SNAPLEN = 96


def udp4(total, sport, dport):
    """An Ethernet/IPv4/UDP frame of TOTAL bytes, lengths consistent."""
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    ip_len = total - len(eth)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
    udp = struct.pack("!HHHH", sport, dport, ip_len - 20, 0)
    return eth + ip + udp + bytes(ip_len - 28)


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
