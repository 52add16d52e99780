"""Traffic ends and a TUN bridge for Tests/Benchmarks/tunnel-loss.sh (see there for what is measured).

Subcommands (every server prints "listening on tcp://HOST:PORT" or "udp://HOST:PORT" on stderr; every wait is
bounded; times come from CLOCK_MONOTONIC, which all processes and network namespaces of the machine share):

  rr-server HOST RESPONSE             TCP: for each REQUEST-byte request (its length is its first 4 bytes), answer
                                      RESPONSE bytes; any number of connections, one after another
  rr-client HOST PORT SECONDS REQUEST RESPONSE
                                      closed loop of requests on one connection for SECONDS
                                      -> "requests p50_ms p90_ms p99_ms max_ms"
  bulk-sink HOST SECONDS              TCP: accepts one connection, reads for at most SECONDS after it opens
                                      -> "bytes seconds" (from accept to the last byte read, or to the end of the
                                      stream when it is earlier)
  bulk-send HOST PORT BYTES SECONDS   sends BYTES bytes (at most SECONDS), then resets the connection
  udp-peer HOST [--no-echo]           UDP: records each datagram's sequence number and one-way delay and echoes it
                                      with its arrival time; on SIGTERM
                                      -> "received distinct corrupt p50_ms p90_ms p99_ms"
  udp-flow HOST PORT RATE COUNT SIZE [--no-echo]
                                      COUNT datagrams of SIZE bytes at RATE per second (after a stall, at most
                                      CATCH_UP at once, then on at the rate), then waits 2 s for the last
                                      echoes -> "sent echoed corrupt rtt_p50 rtt_p90 rtt_p99 down_p50 down_p90 down_p99"
  bridge NETNS IFNAME PEER_PORT       a TUN device IFNAME in network namespace NETNS whose IP packets travel as UDP
                                      datagrams on 127.0.0.1 of this namespace: to PEER_PORT, or, with PEER_PORT 0,
                                      back to whoever sent the last datagram

Datagram and request payloads carry a sequence number, the send time and bytes derived from the sequence number,
so a datagram rebuilt wrongly (by FEC, say) is counted as corrupt rather than delivered. Every TCP socket gets the
congestion control named by the environment variable TCP_CC, if it is set.
"""

import ctypes
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import time

HEADER = struct.Struct("<IQ")  # sequence number, send time in ns
ECHO = struct.Struct("<IQQ")  # sequence number, send time, the peer's arrival time
CATCH_UP = 8  # most datagrams udp-flow sends at once when it is behind its schedule


def now_ns():
    return time.monotonic_ns()


def percentiles(samples, points=(50, 90, 99)):
    """Nearest-rank percentiles of samples (ns), in ms, as strings; "nan" when there are none."""
    if not samples:
        return ["nan" for _ in points]
    ordered = sorted(samples)
    result = []
    for p in points:
        rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
        result.append("%.2f" % (ordered[rank - 1] / 1e6))
    return result


def pattern(seq, size):
    """SIZE bytes that depend on seq, after the header."""
    unit = bytes([(seq + i) & 0xFF for i in range(16)])
    return (unit * (size // 16 + 1))[:size]


def announce(kind, sock):
    host, port = sock.getsockname()[:2]
    print("listening on %s://%s:%d" % (kind, host, port), file=sys.stderr, flush=True)


def set_congestion_control(sock):
    name = os.environ.get("TCP_CC")
    if name:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, name.encode())


def connect_tcp(host, port):
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    set_congestion_control(conn)
    conn.settimeout(30)
    conn.connect((host, port))
    return conn


def listen_tcp(host):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    set_congestion_control(server)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, 0))
    server.listen(16)
    announce("tcp", server)
    return server


def read_exactly(conn, count):
    chunks = []
    while count > 0:
        chunk = conn.recv(min(count, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


# MARK: - TCP request/response


def rr_server(host, response):
    server = listen_tcp(host)
    body = b"r" * response
    while True:
        conn, _ = server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(60)
        try:
            while True:
                head = read_exactly(conn, 4)
                if head is None:
                    break
                (length,) = struct.unpack("<I", head)
                if read_exactly(conn, length - 4) is None:
                    break
                conn.sendall(body)
        except OSError:
            pass
        conn.close()


def rr_client(host, port, seconds, request, response):
    conn = connect_tcp(host, port)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    message = struct.pack("<I", request) + b"q" * (request - 4)
    samples = []
    end = now_ns() + int(seconds * 1e9)
    while now_ns() < end:
        start = now_ns()
        conn.sendall(message)
        if read_exactly(conn, response) is None:
            sys.exit("error: the server closed the connection")
        samples.append(now_ns() - start)
    conn.close()
    if not samples:
        sys.exit("error: no response")
    print(len(samples), *percentiles(samples), "%.2f" % (max(samples) / 1e6))


# MARK: - TCP bulk transfer


def bulk_sink(host, seconds):
    server = listen_tcp(host)
    server.settimeout(60)
    conn, _ = server.accept()
    opened = now_ns()
    deadline = opened + int(seconds * 1e9)
    received = 0
    last = opened
    while True:
        left = (deadline - now_ns()) / 1e9
        if left <= 0:
            break
        conn.settimeout(left)
        try:
            chunk = conn.recv(1 << 20)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += len(chunk)
        last = now_ns()
    conn.close()
    print(received, "%.3f" % ((last - opened) / 1e9))


def bulk_send(host, port, total, seconds):
    conn = connect_tcp(host, port)
    conn.setblocking(False)
    block = b"\0" * 65536
    sent = 0
    deadline = now_ns() + int(seconds * 1e9)
    while sent < total:
        left = (deadline - now_ns()) / 1e9
        if left <= 0:
            break
        _, writable, _ = select.select([], [conn], [], min(left, 0.5))
        if writable:
            try:
                sent += conn.send(block[: min(len(block), total - sent)])
            except BlockingIOError:
                pass
    if sent >= total:
        # Let the last bytes drain before the end of the stream, within the time given.
        conn.setblocking(True)
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(max(0.1, (deadline - now_ns()) / 1e9))
        try:
            conn.recv(1)
        except OSError:
            pass
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


# MARK: - UDP


def udp_peer(host, echo):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((host, 0))
    announce("udp", sock)
    seen = set()
    corrupt = 0
    received = 0
    delays = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    sock.settimeout(0.2)
    while not stop:
        try:
            data, peer = sock.recvfrom(65536)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        arrived = now_ns()
        received += 1
        if len(data) < HEADER.size:
            corrupt += 1
            continue
        seq, sent = HEADER.unpack_from(data)
        if data[HEADER.size :] != pattern(seq, len(data) - HEADER.size):
            corrupt += 1
            continue
        if seq not in seen:
            seen.add(seq)
            delays.append(arrived - sent)
        if echo:
            sock.sendto(ECHO.pack(seq, sent, arrived) + data[ECHO.size :], peer)
    print(received, len(seen), corrupt, *percentiles(delays), flush=True)


def udp_flow(host, port, rate, count, size, echo):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.connect((host, port))
    sock.setblocking(False)
    rtts = {}
    downs = {}
    corrupt = 0

    def drain():
        nonlocal corrupt
        while True:
            try:
                data = sock.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                return
            arrived = now_ns()
            if len(data) < ECHO.size:
                corrupt += 1
                continue
            seq, sent, there = ECHO.unpack_from(data)
            if data[ECHO.size :] != pattern(seq, len(data) - HEADER.size)[ECHO.size - HEADER.size :]:
                corrupt += 1
                continue
            if seq not in rtts:
                rtts[seq] = arrived - sent
                downs[seq] = arrived - there

    start = now_ns()
    interval = 1e9 / rate
    sent = 0
    while sent < count:
        due = min(count, int((now_ns() - start) / interval) + 1)
        if due - sent > CATCH_UP:
            # Descheduled for a while: go on at the rate from now rather than send the backlog in one burst, which
            # a real sender would not do and which could overflow a socket buffer on the way.
            start += (due - sent - 1) * interval
            due = sent + 1
        while sent < due:
            body = pattern(sent, size - HEADER.size)
            try:
                sock.send(HEADER.pack(sent, now_ns()) + body)
            except (BlockingIOError, ConnectionRefusedError):
                pass
            sent += 1
        if echo:
            drain()
        wait = start + sent * interval - now_ns()
        if wait > 0:
            select.select([sock] if echo else [], [], [], min(wait / 1e9, 0.01))
    end = now_ns() + 2_000_000_000
    while echo and now_ns() < end:
        select.select([sock], [], [], 0.05)
        drain()
    print(sent, len(rtts), corrupt, *percentiles(list(rtts.values())), *percentiles(list(downs.values())))


# MARK: - TUN bridge

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def bridge(netns, ifname, peer_port):
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/var/run/netns/" + netns, os.O_RDONLY)
    if libc.setns(target, CLONE_NEWNET) != 0:
        sys.exit("error: setns: %s" % os.strerror(ctypes.get_errno()))
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", ifname.encode(), IFF_TUN | IFF_NO_PI))
    if libc.setns(own, CLONE_NEWNET) != 0:
        sys.exit("error: setns back: %s" % os.strerror(ctypes.get_errno()))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    udp.bind(("127.0.0.1", 0))
    print("bridge %s listening on udp://127.0.0.1:%d" % (ifname, udp.getsockname()[1]), file=sys.stderr, flush=True)
    peer = ("127.0.0.1", peer_port) if peer_port else None
    os.set_blocking(tun, False)
    udp.setblocking(False)
    poller = select.poll()
    poller.register(tun, select.POLLIN)
    poller.register(udp, select.POLLIN)
    while True:
        for fd, _ in poller.poll(1000):
            if fd == tun:
                while True:
                    try:
                        packet = os.read(tun, 65536)
                    except BlockingIOError:
                        break
                    if peer:
                        try:
                            udp.sendto(packet, peer)
                        except OSError:
                            pass
            else:
                while True:
                    try:
                        packet, source = udp.recvfrom(65536)
                    except BlockingIOError:
                        break
                    if not peer_port:
                        peer = source
                    try:
                        os.write(tun, packet)
                    except OSError:
                        pass


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    if command == "rr-server" and len(args) == 2:
        rr_server(args[0], int(args[1]))
    elif command == "rr-client" and len(args) == 5:
        rr_client(args[0], int(args[1]), float(args[2]), int(args[3]), int(args[4]))
    elif command == "bulk-sink" and len(args) == 2:
        bulk_sink(args[0], float(args[1]))
    elif command == "bulk-send" and len(args) == 4:
        bulk_send(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif command == "udp-peer" and len(args) == 1:
        udp_peer(args[0], "--no-echo" not in flags)
    elif command == "udp-flow" and len(args) == 5:
        udp_flow(args[0], int(args[1]), float(args[2]), int(args[3]), int(args[4]), "--no-echo" not in flags)
    elif command == "bridge" and len(args) == 3:
        bridge(args[0], args[1], int(args[2]))
    else:
        sys.exit("usage: see the top of %s" % argv[0])


if __name__ == "__main__":
    main(sys.argv)
