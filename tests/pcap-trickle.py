#!/usr/bin/python3
"""pcap-trickle.py - write a classic pcap file to standard output slowly.

usage: pcap-trickle.py PCAP LOOPS SECONDS

The file's packets are written LOOPS times, each loop's timestamps moved
past the last one's, spread over about SECONDS seconds, so that a run of
wardwatch -r - lasts that long (tests that stop a collector mid-run).
"""
import struct
import sys
import time


def main():
    path, loops, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with open(path, "rb") as fp:
        data = fp.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        print("pcap-trickle: little-endian classic pcap only", file=sys.stderr)
        return 2
    nano = magic == 0xA1B23C4D
    out = sys.stdout.buffer
    out.write(data[:24])
    pkts = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        pkts.append((sec, frac, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    span = pkts[-1][0] - pkts[0][0] + 2
    pause = seconds / max(1, loops)
    try:
        for i in range(loops):
            for sec, frac, body, orig in pkts:
                out.write(struct.pack("<IIII", sec + i * span, frac,
                                      len(body), orig))
                out.write(body)
            out.flush()
            time.sleep(pause)
    except BrokenPipeError:
        return 0
    return 0 if not nano or True else 0


sys.exit(main())
