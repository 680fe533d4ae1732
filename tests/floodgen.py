#!/usr/bin/env python3
# floodgen.py - captures for the memory-cap tests (memcap-*.sh): floods of
# flows with correct checksums, written as classic pcap.
#
#   floodgen.py hl7 OUT FLOWS KB      TCP flows each holding an unterminated
#                                     MLLP frame of KB kilobytes
#   floodgen.py syn OUT FLOWS         one SYN per flow, each from a new port
#   floodgen.py dns OUT FLOWS SESS    SESS HL7 sessions with one message each,
#                                     then FLOWS DNS queries from new ports,
#                                     each answered, then one more message
#                                     on each session
#   floodgen.py churn OUT FLOWS       FLOWS short flows (a DNS query and its
#                                     answer) from 50 hosts, each on a new
#                                     port: the churn bench (OUT may be
#                                     /dev/stdout)
#   floodgen.py closed OUT FLOWS KB [HTTP]
#                                     TCP flows one after the other, each
#                                     sending KB kilobytes no parser or
#                                     nDPI names (HTTP 1: an HTTP request
#                                     to port 80 with a KB-kilobyte body
#                                     and its answer), then closed by FINs
import struct
import sys

T0 = 1793516400


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Pcap:
    def __init__(self, path):
        self.out = open(path, "wb")
        self.out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0,
                                   65535, 1))
        self.us = 0

    def frame(self, src, dst, proto, l4):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000,
                         64, proto, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = (b"\x00\x1e\xc0" + dst[1:] + b"\x00\x1e\xc0" + src[1:] +
               b"\x08\x00")
        f = eth + ip + l4
        self.us += 100
        self.out.write(struct.pack("<IIII", T0 + self.us // 1000000,
                                   self.us % 1000000, len(f), len(f)))
        self.out.write(f)

    def tcp(self, src, dst, sp, dp, seq, ack, flags, data=b""):
        h = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xffffffff,
                        ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
        seg = h + data
        ph = src + dst + struct.pack("!BBH", 0, 6, len(seg))
        seg = seg[:16] + struct.pack("!H", csum(ph + seg)) + seg[18:]
        self.frame(src, dst, 6, seg)

    def udp(self, src, dst, sp, dp, data):
        d = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
        ph = src + dst + struct.pack("!BBH", 0, 17, len(d))
        c = csum(ph + d) or 0xffff
        self.frame(src, dst, 17, d[:6] + struct.pack("!H", c) + d[8:])


class Session:
    """A TCP session with its handshake done."""

    def __init__(self, pc, cli, srv, sp, dp):
        self.pc, self.cli, self.srv, self.sp, self.dp = pc, cli, srv, sp, dp
        self.cseq, self.sseq = 1000, 5000
        pc.tcp(cli, srv, sp, dp, self.cseq, 0, 0x02)
        pc.tcp(srv, cli, dp, sp, self.sseq, self.cseq + 1, 0x12)
        self.cseq += 1
        self.sseq += 1
        pc.tcp(cli, srv, sp, dp, self.cseq, self.sseq, 0x10)

    def send(self, data, ack=True):
        for i in range(0, len(data), 1400):
            chunk = data[i:i + 1400]
            self.pc.tcp(self.cli, self.srv, self.sp, self.dp, self.cseq,
                        self.sseq, 0x18, chunk)
            self.cseq += len(chunk)
            if ack:
                self.pc.tcp(self.srv, self.cli, self.dp, self.sp, self.sseq,
                            self.cseq, 0x10)


MSH = (b"MSH|^~\\&|MONITOR|ICU|EMR|HOSP|20261101070000||ORU^R01|%d|P|2.5\r"
       b"PID|1||12345^^^HOSP||DOE^JOHN\r"
       b"OBX|1|NM|8867-4^HR^LN||72|/min|||||F\r")


def hl7(path, flows, kb):
    pc = Pcap(path)
    srv = bytes([10, 1, 0, 1])
    sess = []
    for i in range(flows):
        cli = bytes([10, 2, i // 250, 1 + i % 250])
        sess.append(Session(pc, cli, srv, 40000 + i, 2575))
    # Round robin, 14 KB a turn: every flow's frame grows together.
    body = b"\x0b" + MSH % 1 + b"NTE|1||" + b"x" * (kb * 1024)
    for off in range(0, len(body), 14000):
        for s in sess:
            s.send(body[off:off + 14000], ack=False)


def syn(path, flows):
    pc = Pcap(path)
    dst = bytes([10, 1, 0, 1])
    for i in range(flows):
        # Few hosts, many ports: the flows are what is measured.
        src = bytes([10, 3, 0, 1 + i // 60000])
        pc.tcp(src, dst, 1024 + i % 60000, 80, i, 0, 0x02)


def dns_query(i):
    name = b"".join(bytes([len(l)]) + l for l in
                    (b"host%d" % i, b"example", b"org")) + b"\0"
    return struct.pack("!HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + name + \
        struct.pack("!HH", 1, 1)


def dns(path, flows, nsess):
    pc = Pcap(path)
    srv = bytes([10, 1, 0, 1])
    sess = []
    for i in range(nsess):
        cli = bytes([10, 2, 0, 1 + i])
        s = Session(pc, cli, srv, 40000 + i, 2575)
        s.send(b"\x0b" + MSH % i + b"\x1c\r")
        sess.append(s)
    res = bytes([10, 1, 0, 53])
    for i in range(flows):
        cli = bytes([10, 4 + i // 60000, (i // 240) % 250, 1 + i % 240])
        q = dns_query(i)
        pc.udp(cli, res, 1024 + i % 60000, 53, q)
        # The answer: the question, one A record by a pointer to it.
        a = (q[:2] + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0) + q[12:] +
             struct.pack("!HHHIH4s", 0xc00c, 1, 1, 60, 4,
                         bytes([10, 9, i // 256 % 256, i % 256])))
        pc.udp(res, cli, 53, 1024 + i % 60000, a)
    for i, s in enumerate(sess):
        s.send(b"\x0b" + MSH % (1000 + i) + b"\x1c\r")


def churn(path, flows):
    pc = Pcap(path)
    res = bytes([10, 1, 0, 53])
    for i in range(flows):
        cli = bytes([10, 5, 0, 1 + i % 50])
        q = dns_query(i)
        pc.udp(cli, res, 1024 + (i // 50) % 60000, 53, q)
        pc.udp(res, cli, 53, 1024 + (i // 50) % 60000, q[:2] +
               struct.pack("!H", 0x8183) + q[4:])


def closed(path, flows, kb, http=0):
    pc = Pcap(path)
    srv = bytes([10, 1, 0, 1])
    body = bytes((i * 7 + 13) % 251 for i in range(kb * 1024))
    if http:
        body = (b"POST /obs HTTP/1.1\r\nHost: emr\r\nContent-Length: "
                b"%d\r\n\r\n" % len(body)) + body
    for i in range(flows):
        cli = bytes([10, 6, i // 250 % 250, 1 + i % 250])
        s = Session(pc, cli, srv, 1024 + i % 60000, 80 if http else 9999)
        s.send(body)
        if http:
            ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            pc.tcp(srv, cli, s.dp, s.sp, s.sseq, s.cseq, 0x18, ok)
            s.sseq += len(ok)
        pc.tcp(cli, srv, s.sp, s.dp, s.cseq, s.sseq, 0x11)
        pc.tcp(srv, cli, s.dp, s.sp, s.sseq, s.cseq + 1, 0x11)
        pc.tcp(cli, srv, s.sp, s.dp, s.cseq + 1, s.sseq + 1, 0x10)


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    args = [int(a) for a in sys.argv[3:]]
    {"hl7": hl7, "syn": syn, "dns": dns, "churn": churn,
     "closed": closed}[kind](out, *args)
