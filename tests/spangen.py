#!/usr/bin/env python3
# spangen.py DIR - captures of what a SPAN port delivers, for
# capture-health.sh: 30 TCP conversations (HL7 over MLLP-like payloads)
# two-way, one-way (client to server only), duplicated (every frame
# again from a second mirrored VLAN, TTL one less), and the two
# directions apart (to-server.pcap, to-client.pcap) as two ports of a
# tap deliver them.
import struct, sys
out = sys.argv[1]

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def frame(src, dst, sport, dport, seq, ack, flags, data=b"", ttl=64,
          vlan=None, ipid=1):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + data
    ph = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000,
                     ttl, 6, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    smac = bytes([2, 0, 0, 0, 1, src[3]])
    dmac = bytes([2, 0, 0, 0, 1, dst[3]])
    if vlan is None:
        return dmac + smac + b"\x08\x00" + ip + tcp
    return dmac + smac + struct.pack("!HH", 0x8100, vlan) + b"\x08\x00" + \
        ip + tcp

def conversations():
    pkts = []
    for i in range(30):
        c, s = [10, 9, 0, 10 + i], [10, 9, 1, 5]
        cp, sp = 40000 + i, 2575
        cs, ss = 1000 * i, 500000 + i
        ipid = 100 * i
        pkts.append((True, frame(c, s, cp, sp, cs, 0, 0x02, ipid=ipid)))
        pkts.append((False, frame(s, c, sp, cp, ss, cs + 1, 0x12, ipid=ipid + 1)))
        pkts.append((True, frame(c, s, cp, sp, cs + 1, ss + 1, 0x10, ipid=ipid + 2)))
        pkts.append((True, frame(c, s, cp, sp, cs + 1, ss + 1, 0x18,
                                 b"MSH|^~\\&|PUMP|WARD3|%d\r" % i, ipid=ipid + 3)))
        pkts.append((False, frame(s, c, sp, cp, ss + 1, cs + 26, 0x10, ipid=ipid + 4)))
    return pkts

def write(name, frames):
    with open("%s/%s" % (out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for n, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, n, len(fr), len(fr)))
            f.write(fr)

conv = conversations()
write("two-way.pcap", [f for _, f in conv])
write("one-way.pcap", [f for toserver, f in conv if toserver])
dup = []
for _, f in conv:
    # The copy from the other mirrored VLAN: tagged, TTL one less.
    ip = f[14:]
    ip2 = ip[:8] + bytes([ip[8] - 1]) + ip[9:]
    dup.append(f[:12] + struct.pack("!HH", 0x8100, 20) + f[12:])
    dup.append(f[:12] + struct.pack("!HH", 0x8100, 30) + f[12:14] + ip2)
write("dup.pcap", dup)
write("to-server.pcap", [f for toserver, f in conv if toserver])
write("to-client.pcap", [f for toserver, f in conv if not toserver])
