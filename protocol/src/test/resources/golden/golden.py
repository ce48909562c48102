#!/usr/bin/env python3
"""Helpers for the golden NetFlow/IPFIX captures (standard library only).

Sub-commands (all driven by make-golden.sh):

  pcaps OUTDIR
      Write the synthetic, fully deterministic input captures
      OUTDIR/mixed.pcap and OUTDIR/many.pcap.

  receive LISTEN_PORT FORWARD_PORT OUTFILE READYFILE
      Bind 127.0.0.1:LISTEN_PORT, append every datagram to OUTFILE
      (4-byte big-endian length, then the payload) and forward the
      identical payload to 127.0.0.1:FORWARD_PORT (the reference
      collector).  Create READYFILE once bound.  On SIGTERM, drain
      whatever is still queued on the socket, then exit.

  expected NFDUMP_JSON OUTCSV [--bi] [--swap-times]
      Convert "nfdump -o json" output (run with TZ=UTC) into the
      normalised <variant>.expected.csv.

  totals EXPECTED_CSV OUTCSV [--bi]
      Sum an expected CSV per (src, dst, sport, dport, proto, hour).

  dump DATAGRAMS
      Print the length of every datagram of a .datagrams file and a
      summary (handy for checking a file by eye).

  crosscheck DATAGRAMS EXPECTED_CSV [--bi]
      Decode DATAGRAMS with tshark (an independent decoder) and compare
      every record with EXPECTED_CSV, in order.

  topcap DATAGRAMS OUT.pcap
      Wrap the datagrams into UDP packets 127.0.0.1:40000 ->
      127.0.0.1:2055 so that a packet analyser can decode them.
"""

import datetime
import ipaddress
import json
import os
import random
import select
import signal
import socket
import struct
import sys

# ---------------------------------------------------------------------------
# pcap writing
# ---------------------------------------------------------------------------

LINKTYPE_ETHERNET = 1
ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD

# 2025-01-01T00:00:00Z: the captures straddle this hour (and day and year)
# boundary and the next ones.
H0 = 1735689600

CLIENT_MAC = bytes.fromhex("020000000001")
ROUTER_MAC = bytes.fromhex("020000000002")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Pcap:
    """Collects packets, writes them sorted by time (stable)."""

    def __init__(self):
        self.packets = []  # (time_us, seq, frame)
        self.ip_id = 0x1000

    def add(self, t_us, frame):
        self.packets.append((t_us, len(self.packets), frame))

    def write(self, path):
        self.packets.sort()
        with open(path, "wb") as f:
            # little-endian classic pcap, microsecond resolution
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535,
                                LINKTYPE_ETHERNET))
            for t_us, _, frame in self.packets:
                f.write(struct.pack("<IIII", t_us // 1000000, t_us % 1000000,
                                    len(frame), len(frame)))
                f.write(frame)
        return len(self.packets)

    # -- frame builders -----------------------------------------------------

    def _l3(self, src, dst, proto, l4):
        """Ethernet + IP header for an already finished L4 segment."""
        s = ipaddress.ip_address(src)
        d = ipaddress.ip_address(dst)
        # frames leaving the (lower-numbered) client side vs. the router side;
        # only cosmetic, softflowd ignores MACs with the default tracking
        if s.version == 4:
            self.ip_id = (self.ip_id + 1) & 0xFFFF
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4),
                              self.ip_id, 0x4000, 64, proto, 0,
                              s.packed, d.packed)
            hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
            eth = ROUTER_MAC + CLIENT_MAC + struct.pack("!H", ETH_IPV4)
            return eth + hdr + l4
        hdr = struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto, 64,
                          s.packed, d.packed)
        eth = ROUTER_MAC + CLIENT_MAC + struct.pack("!H", ETH_IPV6)
        return eth + hdr + l4

    @staticmethod
    def _pseudo(src, dst, proto, length):
        s = ipaddress.ip_address(src)
        d = ipaddress.ip_address(dst)
        if s.version == 4:
            return s.packed + d.packed + struct.pack("!BBH", 0, proto, length)
        return s.packed + d.packed + struct.pack("!IxxxB", length, proto)

    def udp(self, t_us, src, sport, dst, dport, payload):
        length = 8 + len(payload)
        seg = struct.pack("!HHHH", sport, dport, length, 0) + payload
        c = checksum(self._pseudo(src, dst, 17, length) + seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
        self.add(t_us, self._l3(src, dst, 17, seg))

    def tcp(self, t_us, src, sport, dst, dport, seq, ack, flags, payload,
            options=b""):
        off = (20 + len(options)) // 4
        seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, off << 4, flags, 64240, 0, 0)
        seg += options + payload
        c = checksum(self._pseudo(src, dst, 6, len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        self.add(t_us, self._l3(src, dst, 6, seg))

    def icmp_echo(self, t_us, src, dst, reply, ident, seqno, payload):
        v6 = ipaddress.ip_address(src).version == 6
        if v6:
            typ, proto = (129 if reply else 128), 58
        else:
            typ, proto = (0 if reply else 8), 1
        msg = struct.pack("!BBHHH", typ, 0, 0, ident, seqno) + payload
        pre = self._pseudo(src, dst, proto, len(msg)) if v6 else b""
        c = checksum(pre + msg)
        msg = msg[:2] + struct.pack("!H", c) + msg[4:]
        self.add(t_us, self._l3(src, dst, proto, msg))


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MSS_OPT = struct.pack("!BBH", 2, 4, 1460)


def payload_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def tcp_session(p, rng, t0_us, cli, cport, srv, sport, exchanges,
                gap_us=40000, rtt_us=1500):
    """A complete TCP connection.

    exchanges: list of (request_len, response_len, think_time_us); responses
    are cut into 1448-byte segments, each acknowledged every other segment.
    """
    t = t0_us
    cseq = rng.getrandbits(32)
    sseq = rng.getrandbits(32)
    p.tcp(t, cli, cport, srv, sport, cseq, 0, SYN, b"", MSS_OPT)
    t += rtt_us
    p.tcp(t, srv, sport, cli, cport, sseq, cseq + 1, SYN | ACK, b"", MSS_OPT)
    t += rtt_us // 2 + 37
    cseq += 1
    sseq += 1
    p.tcp(t, cli, cport, srv, sport, cseq, sseq, ACK, b"")
    for req, resp, think in exchanges:
        t += gap_us + rng.randrange(0, 997)
        p.tcp(t, cli, cport, srv, sport, cseq, sseq, PSH | ACK,
              payload_bytes(rng, req))
        cseq += req
        t += rtt_us + rng.randrange(0, 503)
        left = resp
        nseg = 0
        while left > 0:
            n = min(1448, left)
            left -= n
            p.tcp(t, srv, sport, cli, cport, sseq, cseq,
                  (PSH | ACK) if left == 0 else ACK, payload_bytes(rng, n))
            sseq += n
            nseg += 1
            t += 120 + rng.randrange(0, 61)
            if nseg % 2 == 0 or left == 0:
                p.tcp(t + 80, cli, cport, srv, sport, cseq, sseq, ACK, b"")
        t += think
    # orderly close, client first
    t += gap_us
    p.tcp(t, cli, cport, srv, sport, cseq, sseq, FIN | ACK, b"")
    t += rtt_us
    p.tcp(t, srv, sport, cli, cport, sseq, cseq + 1, FIN | ACK, b"")
    t += rtt_us // 2 + 11
    p.tcp(t, cli, cport, srv, sport, cseq + 1, sseq + 1, ACK, b"")
    return t


def make_mixed(path):
    """~25 conversations, IPv4 and IPv6, 23:56 -> 01:05 UTC."""
    rng = random.Random(20250101)
    p = Pcap()
    s = 1000000  # one second in microseconds
    start = (H0 - 240) * s  # 2024-12-31T23:56:00Z, first packet, usec = 0

    # 1. HTTP fetch entirely in hour 482135 (before midnight)
    tcp_session(p, rng, start, "192.0.2.10", 49152, "198.51.100.80", 80,
                [(310, 5120, 200000), (295, 900, 0)])
    # 2. HTTPS download across the 00:00 boundary (long-lived keep-alive)
    tcp_session(p, rng, start + 150 * s + 123456, "192.0.2.11", 50001,
                "198.51.100.43", 443,
                [(517, 20000, 30 * s), (517, 64000, 45 * s),
                 (120, 1448, 50 * s), (600, 3000, 0)])
    # 3. PostgreSQL session: queries every ~30 s from 23:57 to 00:41
    ex = []
    for i in range(88):
        ex.append((60 + (i * 37) % 400, 90 + (i * 131) % 2900,
                   29 * s + rng.randrange(0, s)))
    tcp_session(p, rng, start + 60 * s + 777, "192.0.2.12", 40123,
                "203.0.113.54", 5432, ex)
    # 4. DNS: one query/response per conversation, both families
    for i in range(10):
        t = start + (20 + i * 457) * s + rng.randrange(0, s)
        cport = 33000 + i * 7
        q = 28 + rng.randrange(10, 40)
        r = q + rng.randrange(16, 400)
        if i % 2 == 0:
            p.udp(t, "192.0.2.10", cport, "198.51.100.53", 53,
                  payload_bytes(rng, q))
            p.udp(t + 12345, "198.51.100.53", 53, "192.0.2.10", cport,
                  payload_bytes(rng, r))
        else:
            p.udp(t, "2001:db8:1::10", cport, "2001:db8:ffff::53", 53,
                  payload_bytes(rng, q))
            p.udp(t + 23456, "2001:db8:ffff::53", 53, "2001:db8:1::10",
                  cport, payload_bytes(rng, r))
    # 5. NTP client every 64 s for the whole capture (one flow, 23:56->01:05)
    t = start + 5 * s + 4321
    while t < (H0 + 3600 + 290) * s:
        p.udp(t, "192.0.2.10", 123, "203.0.113.123", 123,
              payload_bytes(rng, 48))
        p.udp(t + 8765, "203.0.113.123", 123, "192.0.2.10", 123,
              payload_bytes(rng, 48))
        t += 64 * s + rng.randrange(0, 999)
    # 6. IPv6 HTTP and HTTPS sessions spread over the three hours
    v6s = [(start + 30 * s, "2001:db8:1::10", 51000, "2001:db8:ffff::80",
            80, [(400, 12000, 2 * s)]),
           (H0 * s + 600 * s + 5, "2001:db8:1::11", 51001,
            "2001:db8:ffff::443", 443, [(517, 30000, 10 * s),
                                        (517, 7000, 0)]),
           ((H0 + 3600 - 150) * s + 999, "2001:db8:1::11", 51002,
            "2001:db8:ffff::443", 443,
            [(700, 40000, 60 * s), (700, 2000, 60 * s), (300, 500, 0)])]
    for t0, c, cp, sv, sp, exs in v6s:
        tcp_session(p, rng, t0, c, cp, sv, sp, exs)
    # 7. client numerically above its server: softflowd's canonical order
    #    then puts the server first (forward direction of a biflow)
    tcp_session(p, rng, (H0 + 1200) * s + 31, "203.0.113.77", 61000,
                "192.0.2.80", 80, [(350, 4000, s), (350, 100000, 0)])
    # 8. IPv4 HTTP session crossing 01:00
    tcp_session(p, rng, (H0 + 3600 - 100) * s + 250000, "192.0.2.11", 50002,
                "198.51.100.80", 80,
                [(330, 2500, 55 * s), (330, 9000, 55 * s), (330, 70, 0)])
    # 9. syslog: one-way UDP, no reply
    for i in range(12):
        t = (H0 + 300 + i * 290) * s + rng.randrange(0, s)
        p.udp(t, "192.0.2.12", 514, "198.51.100.14", 514,
              payload_bytes(rng, 60 + rng.randrange(0, 300)))
    # 10. IPv4 ping (ICMP template; type*256+code travels as dst port).
    #     No ICMPv6: the reference collector drops its type/code (IE 139).
    for i in range(4):
        t = (H0 + 1800 + i) * s + 1000
        pl = payload_bytes(rng, 56)
        p.icmp_echo(t, "192.0.2.10", "198.51.100.1", False, 0x4242, i, pl)
        p.icmp_echo(t + 900, "198.51.100.1", "192.0.2.10", True, 0x4242, i,
                    pl)
    # last packet: exactly 01:05:00.000000, so the export "now" is round
    p.udp((H0 + 3900) * s, "192.0.2.12", 514, "198.51.100.14", 514,
          b"<14>last")
    return p.write(path)


def make_many(path):
    """Bursts of short flows plus a few long-lived 5-tuples.

    Replayed with a small flow table (softflowd -m), the bursts force the
    long-lived flows out early, so the same 5-tuple is exported several
    times, in the same and in different hours (01:55 -> 02:05 UTC).
    """
    rng = random.Random(7200)
    p = Pcap()
    s = 1000000
    start = (H0 + 7200 - 300) * s  # 2025-01-01T01:55:00Z
    end = start + 600 * s
    # first packet (the exporter's "system init time"): a short HTTPS
    # session, so that no exported flow lies entirely at that instant
    tcp_session(p, rng, start, "192.0.2.40", 45000, "203.0.113.43", 443,
                [(250, 3000, 0)], gap_us=3000)
    # long-lived: one packet every 20 s each (offset so that they differ)
    persistent = [
        ("192.0.2.20", 40514, "198.51.100.14", 514, 120),
        ("2001:db8:1::20", 40123, "2001:db8:ffff::123", 123, 48),
        ("192.0.2.21", 40161, "198.51.100.161", 161, 90),
        ("192.0.2.22", 48125, "203.0.113.81", 8125, 33),
    ]
    for k, (c, cp, sv, sp, n) in enumerate(persistent):
        t = start + k * 3 * s + 1111 * (k + 1)
        while t < end:
            p.udp(t, c, cp, sv, sp, payload_bytes(rng, n + rng.randrange(40)))
            t += 20 * s
    # a burst of 40 short flows every 60 s: DNS (v4/v6) and tiny HTTPS
    port = 20000
    for b in range(10):
        tb = start + (10 + b * 60) * s + 500
        for i in range(40):
            t = tb + i * 1000 * 7 + rng.randrange(0, 999)
            port += 1
            if i % 4 == 3:
                tcp_session(p, rng, t, "192.0.2.%d" % (30 + i % 5), port,
                            "203.0.113.43", 443, [(200, 600, 0)],
                            gap_us=2000)
            elif i % 2 == 0:
                p.udp(t, "192.0.2.%d" % (30 + i % 5), port, "198.51.100.53",
                      53, payload_bytes(rng, 30 + rng.randrange(30)))
                p.udp(t + 800, "198.51.100.53", 53,
                      "192.0.2.%d" % (30 + i % 5), port,
                      payload_bytes(rng, 60 + rng.randrange(300)))
            else:
                p.udp(t, "2001:db8:1::%x" % (0x30 + i % 5), port,
                      "2001:db8:ffff::53", 53,
                      payload_bytes(rng, 30 + rng.randrange(30)))
                p.udp(t + 900, "2001:db8:ffff::53", 53,
                      "2001:db8:1::%x" % (0x30 + i % 5), port,
                      payload_bytes(rng, 60 + rng.randrange(300)))
    p.udp(end, "192.0.2.20", 40514, "198.51.100.14", 514, b"<14>last")
    return p.write(path)


# ---------------------------------------------------------------------------
# receiver / forwarder
# ---------------------------------------------------------------------------

def receive(listen_port, forward_port, outfile, readyfile):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(("127.0.0.1", listen_port))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("127.0.0.1", 0))
    fwd = ("127.0.0.1", forward_port)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    count = 0
    with open(outfile, "wb") as out:
        open(readyfile, "w").close()
        while True:
            try:
                r, _, _ = select.select([rx], [], [], 0.2)
            except InterruptedError:
                r = []
            if r:
                data, peer = rx.recvfrom(65535)
                if peer[0] != "127.0.0.1":
                    continue
                out.write(struct.pack("!I", len(data)))
                out.write(data)
                out.flush()
                tx.sendto(data, fwd)
                count += 1
                # pace the forwarding a little so the collector keeps up
                select.select([], [], [], 0.002)
            elif stop:
                break
    sys.stderr.write("receiver: %d datagrams\n" % count)


# ---------------------------------------------------------------------------
# nfdump output -> expected / totals
# ---------------------------------------------------------------------------

def iso_ms(text):
    """nfdump JSON time (printed in UTC because TZ=UTC) -> epoch ms."""
    day, _, clock = text.partition("T")
    hms, _, frac = clock.partition(".")
    y, mo, d = (int(x) for x in day.split("-"))
    hh, mi, ss = (int(x) for x in hms.split(":"))
    days = (datetime.date(y, mo, d) - datetime.date(1970, 1, 1)).days
    return ((days * 86400 + hh * 3600 + mi * 60 + ss) * 1000
            + int((frac + "000")[:3]))


def read_nfdump_json(path):
    with open(path) as f:
        text = f.read().strip()
    recs = json.loads(text) if text else []
    rows = []
    for r in recs:
        if r.get("type") != "FLOW":
            continue
        proto = int(r["proto"])
        if proto in (1, 58):
            sport = 0
            dport = int(r.get("icmp_type", 0)) * 256 + int(r.get("icmp_code", 0))
        else:
            sport = int(r["src_port"])
            dport = int(r["dst_port"])
        rows.append({
            "first_ms": iso_ms(r["first"]),
            "last_ms": iso_ms(r["last"]),
            "proto": proto,
            "src": str(ipaddress.ip_address(r.get("src4_addr") or r["src6_addr"])),
            "dst": str(ipaddress.ip_address(r.get("dst4_addr") or r["dst6_addr"])),
            "sport": sport,
            "dport": dport,
            "packets": int(r["in_packets"]),
            "bytes": int(r["in_bytes"]),
            "rev_packets": int(r.get("out_packets", 0)),
            "rev_bytes": int(r.get("out_bytes", 0)),
        })
    return rows


EXPECTED_COLS = ["first_ms", "last_ms", "proto", "src", "dst", "sport",
                 "dport", "packets", "bytes"]
REVERSE_COLS = ["rev_packets", "rev_bytes"]


def expected(src, dst, bi, swap):
    """One line per flow record, in nfdump's order (= export order).

    swap: nfdump 1.7.1 maps IPFIX flowStartSysUpTime (22) to "last" and
    flowEndSysUpTime (21) to "first" (fixed upstream in 1.7.2, "Interchanged
    time stamps"); put them back where they belong.
    """
    rows = read_nfdump_json(src)
    for r in rows:
        if swap:
            r["first_ms"], r["last_ms"] = r["last_ms"], r["first_ms"]
        if r["first_ms"] <= 0 or r["first_ms"] > r["last_ms"]:
            raise SystemExit("implausible times %r in %s" % (r, src))
    cols = EXPECTED_COLS + (REVERSE_COLS if bi else [])
    if not bi and any(r["rev_packets"] or r["rev_bytes"] for r in rows):
        raise SystemExit("reverse counters in a non-biflow variant: " + src)
    with open(dst, "w") as f:
        f.write(",".join(cols) + "\n")
        for r in rows:
            f.write(",".join(str(r[c]) for c in cols) + "\n")


def read_expected(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
        for line in f:
            v = line.strip().split(",")
            yield dict(zip(header, v))


def totals(src, dst, bi):
    acc = {}
    for r in read_expected(src):
        hour = int(r["last_ms"]) // 1000 // 3600
        key = (r["src"], r["dst"], int(r["sport"]), int(r["dport"]),
               int(r["proto"]), hour)
        a = acc.setdefault(key, [0, 0, 0, 0])
        a[0] += int(r["bytes"])
        a[1] += int(r["packets"])
        if bi:
            a[2] += int(r["rev_bytes"])
            a[3] += int(r["rev_packets"])
    cols = ["src", "dst", "sport", "dport", "proto", "hour", "bytes",
            "packets"]
    if bi:
        cols += ["rev_bytes", "rev_packets"]

    def k(item):
        (s, d, sp, dp, pr, h), _ = item
        a, b = ipaddress.ip_address(s), ipaddress.ip_address(d)
        return (h, a.version, a, b, sp, dp, pr)

    with open(dst, "w") as f:
        f.write(",".join(cols) + "\n")
        for key, a in sorted(acc.items(), key=k):
            vals = list(key) + a[:2] + (a[2:] if bi else [])
            f.write(",".join(str(x) for x in vals) + "\n")


def dump(path):
    with open(path, "rb") as f:
        data = f.read()
    off = n = 0
    versions = {}
    while off < len(data):
        (ln,) = struct.unpack_from("!I", data, off)
        off += 4
        payload = data[off:off + ln]
        off += ln
        n += 1
        ver = struct.unpack_from("!H", payload)[0]
        versions[ver] = versions.get(ver, 0) + 1
        print("%4d len=%d version=%d" % (n, ln, ver))
    print("total %d datagrams, versions %s" % (n, versions))


def read_datagrams(path):
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off < len(data):
        (ln,) = struct.unpack_from("!I", data, off)
        yield data[off + 4:off + 4 + ln]
        off += 4 + ln


def topcap(path, out):
    """Wrap every datagram into 127.0.0.1:40000 -> 127.0.0.1:2055 UDP
    (IPv4, Ethernet) so that a packet analyser can decode them."""
    p = Pcap()
    for i, d in enumerate(read_datagrams(path)):
        p.udp(H0 * 1000000 + i * 1000, "127.0.0.1", 40000, "127.0.0.1",
              2055, d)
    p.write(out)


# ---------------------------------------------------------------------------
# independent cross-check: decode the datagrams with tshark
# ---------------------------------------------------------------------------

MONTHS = {m: i + 1 for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def abs_ms(text):
    """tshark absolute time "Jan  1, 2025 01:05:00.000000000 UTC" -> ms."""
    mon, day, year, clock, _ = text.replace(",", "").split()
    hms, _, frac = clock.partition(".")
    hh, mi, ss = (int(x) for x in hms.split(":"))
    days = (datetime.date(int(year), MONTHS[mon], int(day))
            - datetime.date(1970, 1, 1)).days
    return ((days * 86400 + hh * 3600 + mi * 60 + ss) * 1000
            + int((frac + "000")[:3]))


def rel_ms(text):
    sec, _, frac = text.partition(".")
    return int(sec) * 1000 + int((frac + "000")[:3])


def first(v):
    return v[0] if isinstance(v, list) else v


def second(v):
    return v[1] if isinstance(v, list) else "0"


def tshark_records(datagrams):
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "x.pcap")
        topcap(datagrams, pcap)
        out = subprocess.run(
            ["tshark", "-n", "-r", pcap, "-d", "udp.port==2055,cflow",
             "-T", "json", "--no-duplicate-keys"],
            check=True, capture_output=True, text=True).stdout
    rows = []
    sys_init = None
    for frame in json.loads(out):
        c = frame["_source"]["layers"]["cflow"]
        version = int(c["cflow.version"])
        hdr_ms = abs_ms(c["cflow.timestamp"])
        uptime = rel_ms(c.get("cflow.sysuptime", "0"))
        rate = 1
        if version == 5 and int(c.get("cflow.samplerate", "0")) > 1:
            rate = int(c["cflow.samplerate"])  # what nfdump applies
        flows = []
        for k, v in c.items():
            if k.startswith("pdu "):
                flows.append(v)
            elif isinstance(v, dict) and (k.startswith("Set ")
                                          or k.startswith("FlowSet ")):
                for fk, fv in v.items():
                    if fk.startswith("Flow ") and isinstance(fv, dict):
                        if "cflow.sys_init_time" in fv:
                            sys_init = abs_ms(fv["cflow.sys_init_time"])
                        elif "cflow.protocol" in fv:
                            flows.append(fv)
        for f in flows:
            t = f["cflow.timedelta_tree"]
            times = []
            for a, r in (("cflow.abstimestart", "cflow.timestart"),
                         ("cflow.abstimeend", "cflow.timeend")):
                if a in t and abs_ms(t[a]) != 0:
                    times.append(abs_ms(t[a]))
                    continue
                # tshark shows a relative time of 0 as 1970-01-01
                rel = rel_ms(t[r]) if r in t else 0
                if version == 5:
                    times.append(hdr_ms - uptime + rel)
                elif version == 9:
                    times.append(hdr_ms // 1000 * 1000 - uptime + rel)
                else:
                    times.append(sys_init + rel)
            proto = int(f["cflow.protocol"])
            if "cflow.icmp_type_code_ipv4" in f:
                sport, dport = 0, int(first(f["cflow.icmp_type_code_ipv4"]),
                                      16)
            else:
                sport = int(f["cflow.srcport"])
                dport = int(f["cflow.dstport"])
            rows.append({
                "first_ms": times[0], "last_ms": times[1], "proto": proto,
                "src": str(ipaddress.ip_address(
                    f.get("cflow.srcaddr") or f["cflow.srcaddrv6"])),
                "dst": str(ipaddress.ip_address(
                    f.get("cflow.dstaddr") or f["cflow.dstaddrv6"])),
                "sport": sport, "dport": dport,
                "packets": int(first(f["cflow.packets"])) * rate,
                "bytes": int(first(f["cflow.octets"])) * rate,
                "rev_packets": int(second(f["cflow.packets"])) * rate,
                "rev_bytes": int(second(f["cflow.octets"])) * rate,
            })
    return rows


def crosscheck(datagrams, expected_csv, bi):
    cols = EXPECTED_COLS + (REVERSE_COLS if bi else [])
    want = [tuple(str(r[c]) for c in cols) for r in read_expected(expected_csv)]
    got = [tuple(str(r[c]) for c in cols) for r in tshark_records(datagrams)]
    # tshark 4.0 silently stops decoding a few of softflowd's NetFlow v9
    # datagrams (odd set lengths after the unpadded options data); so
    # every record that tshark does decode must appear in the expected
    # file, in the same order
    name = os.path.basename(expected_csv)
    j = 0
    for g in got:
        while j < len(want) and want[j] != g:
            j += 1
        if j == len(want):
            near = [w for w in want if w[2:7] == g[2:7]]
            raise SystemExit("crosscheck %s: tshark record %s not in expected"
                             " (same key there: %s)" % (name, g, near))
        j += 1
    print("crosscheck %s: %d of %d records confirmed by tshark"
          % (name, len(got), len(want)))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    bi = "--bi" in args
    swap = "--swap-times" in args
    args = [a for a in args if a not in ("--bi", "--swap-times")]
    if cmd == "pcaps":
        out = args[0]
        os.makedirs(out, exist_ok=True)
        n1 = make_mixed(os.path.join(out, "mixed.pcap"))
        n2 = make_many(os.path.join(out, "many.pcap"))
        sys.stderr.write("mixed.pcap: %d packets, many.pcap: %d packets\n"
                         % (n1, n2))
    elif cmd == "receive":
        receive(int(args[0]), int(args[1]), args[2], args[3])
    elif cmd == "expected":
        expected(args[0], args[1], bi, swap)
    elif cmd == "totals":
        totals(args[0], args[1], bi)
    elif cmd == "dump":
        dump(args[0])
    elif cmd == "crosscheck":
        crosscheck(args[0], args[1], bi)
    elif cmd == "topcap":
        topcap(args[0], args[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
