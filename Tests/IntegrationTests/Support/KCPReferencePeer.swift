import Foundation
import Testing

/// A peer on the reference KCP, skywind3000's ikcp.c, through PyPI's `kcp` package (0.1.6 bundles ikcp.c), run by the
/// Python of `$GAMENET_PYTHON` or `.build/venv/bin/python` (``Peers/python``): an echo server, a client that checks
/// every echo, and a source of bad input.
enum KCPReferencePeer {
    /// Whether the KCP interop tests run: always in CI (where a missing peer fails them), elsewhere if the Python
    /// exists and imports `kcp`.
    static let isAvailable: Bool = Peers.isCI || Self.pythonImportsKCP

    static let missing: Comment =
        "Python with the kcp package is missing: set GAMENET_PYTHON or run .ci/run (it creates .build/venv)"

    private static var pythonImportsKCP: Bool {
        guard let python = Peers.python, let check = try? ChildProcess(python, ["-c", "import kcp"]) else {
            return false
        }
        defer { check.forceStop() }
        return (try? check.waitForExit(timeout: 20)) == 0
    }

    /// Starts the echo server, which ends itself after `seconds`, and returns it with its UDP port; the caller stops
    /// it with `forceStop()`.
    static func startEchoServer(seconds: Int = 110) throws -> (process: ChildProcess, port: Int) {
        let (process, directory) = try Self.start(["echo", String(seconds)])
        // Python has read the script once it prints its listening line.
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let groups = try process.waitForStandardError(matching: #"listening on kcp://127\.0\.0\.1:([0-9]+)"#)
            return (process, Int(groups[1])!)
        } catch {
            process.forceStop()
            throw error
        }
    }

    /// Runs a client that sends `count` messages (1 to 3000 bytes, chosen by `seed`) to 127.0.0.1:`port` and checks
    /// that each comes back intact and in order, with a `seconds` deadline of its own; returns what it printed
    /// (`ok COUNT BYTES`), and fails unless it exits 0.
    ///
    /// - Parameter running: called once the client has started, while it runs.
    static func runClient(
        port: Int,
        count: Int,
        seed: Int,
        seconds: Int = 90,
        running: (ChildProcess) throws -> Void = { _ in }
    ) throws -> String {
        try Self.run(["client", String(port), String(count), String(seed), String(seconds)], timeout: seconds + 10) {
            try running($0)
        }
    }

    /// Sends bad input to the serve port 127.0.0.1:`port` and returns the report; fails unless every check passed.
    static func runHostile(port: Int) throws -> String {
        try Self.run(["hostile", String(port)], timeout: 90)
    }

    private static func run(
        _ arguments: [String],
        timeout: Int,
        running: (ChildProcess) throws -> Void = { _ in }
    ) throws -> String {
        let (process, directory) = try Self.start(arguments)
        defer {
            process.forceStop()
            try? FileManager.default.removeItem(at: directory)
        }
        try running(process)
        let status = try process.waitForExit(timeout: TimeInterval(timeout))
        let output = String(decoding: process.standardOutput, as: UTF8.self)
        guard status == 0 else {
            throw TestFailure("python KCP peer \(arguments) exited \(status); output: \(output); stderr: \(process.standardError)")
        }
        return output
    }

    /// Writes the script to a directory of its own and starts it; the caller removes the directory.
    private static func start(_ arguments: [String]) throws -> (ChildProcess, URL) {
        guard let python = Peers.python else { throw TestFailure(Self.missing.rawValue) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-kcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("kcp_peer.py")
        do {
            try Data(Self.script.utf8).write(to: path)
            return (try ChildProcess(python, [path.path] + arguments), directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// The peer: `echo SECONDS`, `client PORT COUNT SEED SECONDS` or `hostile PORT`. Its sessions use kcptun's fast3
    /// (nodelay 1, interval 10 ms, fast resend 2, no congestion window) with windows of 128 segments.
    static let script = #"""
        # A peer on the reference KCP (ikcp.c, through PyPI's `kcp`), for gamenet's KCP interop tests.
        #   echo SECONDS                    serve KCP echo on 127.0.0.1:0 (prints "listening on kcp://127.0.0.1:PORT")
        #   client PORT COUNT SEED SECONDS  send COUNT messages, check every echo; prints "ok COUNT BYTES"
        #   hostile PORT                    bad input over UDP; prints what the server answered, exits 1 on a wrong answer
        import random, select, socket, struct, sys, time
        import kcp

        def log(*words):
            print(*words, file=sys.stderr, flush=True)

        def now():
            return int(time.monotonic() * 1000) & 0xFFFFFFFF

        def make_kcp(conv, send):
            # kcptun's fast3, with windows of 128 segments.
            k = kcp.KCP(conv, max_transmission=1400, no_delay=True, update_interval=10, resend_count=2,
                        no_congestion_control=True, send_window_size=128, receive_window_size=128)
            k.include_outbound_handler(lambda _k, data: send(data))
            k.update(now())
            return k

        def messages(count, seed):
            # Printable messages of 1 to 3000 bytes, each starting with its number: mostly small, some over one MSS.
            rng = random.Random(seed)
            result = []
            for i in range(count):
                r = rng.random()
                size = rng.randint(1, 200) if r < 0.7 else rng.randint(201, 1400) if r < 0.95 else rng.randint(1401, 3000)
                fill = bytes(rng.randint(33, 126) for _ in range(size))
                result.append((b"%d:" % i + fill)[:size])
            return result

        def echo(seconds):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            log("listening on kcp://127.0.0.1:%d" % sock.getsockname()[1])
            sessions = {}
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                select.select([sock], [], [], 0.002)
                touched = set()
                while True:
                    try:
                        data, addr = sock.recvfrom(65536)
                    except BlockingIOError:
                        break
                    if len(data) < 24:
                        continue
                    key = (addr, int.from_bytes(data[:4], "little"))
                    k = sessions.get(key)
                    if k is None:
                        k = make_kcp(key[1], lambda d, a=addr: sock.sendto(d, a))
                        sessions[key] = k
                        log("session", key[1])
                    try:
                        k.receive(data)
                    except Exception as error:
                        log("refused:", error)
                    touched.add(key)
                for key in touched:
                    k = sessions[key]
                    for m in k.get_all_received():
                        if len(m):  # gamenet's end-of-stream marker is an empty message
                            k.enqueue(bytes(m))
                    k.flush()
                t = now()
                for k in sessions.values():
                    k.update(t)

        def client(port, count, seed, seconds):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.connect(("127.0.0.1", port))
            sock.setblocking(False)
            def send(data):
                try:
                    sock.send(data)
                except (BlockingIOError, ConnectionRefusedError):
                    pass
            k = make_kcp(random.Random(seed).randint(1, 2**31 - 1), send)
            sent = messages(count, seed)
            queued = received = 0
            end = time.monotonic() + seconds
            while received < count:
                if time.monotonic() > end:
                    print("timeout: %d of %d echoed" % (received, count), flush=True)
                    return 2
                while queued < count and queued - received < 512:
                    k.enqueue(sent[queued])
                    queued += 1
                k.flush()
                select.select([sock], [], [], 0.002)
                while True:
                    try:
                        data = sock.recv(65536)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    try:
                        k.receive(data)
                    except Exception as error:
                        print("refused a datagram from the server:", error, flush=True)
                        return 1
                for m in k.get_all_received():
                    if bytes(m) != sent[received]:
                        print("mismatch at message %d: sent %d bytes, got %d" % (received, len(sent[received]), len(m)),
                              flush=True)
                        return 1
                    received += 1
                k.flush()
                k.update(now())
            print("ok %d %d" % (received, sum(map(len, sent))), flush=True)
            return 0

        PUSH, ACK, WASK, WINS = 81, 82, 83, 84

        def seg(conv, cmd, sn=0, payload=b"", frg=0, wnd=128, ts=0, una=0, length=None):
            return struct.pack("<IBBHIIII", conv, cmd, frg, wnd, ts, sn, una,
                               len(payload) if length is None else length) + payload

        def segments(datagram):
            # The (conv, cmd, frg, wnd, ts, sn, una, payload) of each segment of a KCP datagram.
            result = []
            while len(datagram) >= 24:
                conv, cmd, frg, wnd, ts, sn, una, length = struct.unpack("<IBBHIIII", datagram[:24])
                result.append((conv, cmd, frg, wnd, ts, sn, una, datagram[24:24 + length]))
                datagram = datagram[24 + length:]
            return result

        def hostile(port):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.connect(("127.0.0.1", port))
            failures = []

            def drain(wait, first=None):
                # Every datagram until none arrives for `wait` seconds; the first may take `first` seconds.
                got = []
                while select.select([sock], [], [], wait if got or first is None else first)[0]:
                    try:
                        got.append(sock.recv(65536))
                    except ConnectionRefusedError:
                        break
                return got

            def check(what, ok):
                print(("ok  " if ok else "BAD ") + what, flush=True)
                if not ok:
                    failures.append(what)

            def ack_pushes(datagrams, conv):
                for d in datagrams:
                    for s in segments(d):
                        if s[0] == conv and s[1] == PUSH:
                            sock.send(seg(conv, ACK, sn=s[5], ts=s[4], una=1))

            # Datagrams that are not whole KCP segments are raw UDP, echoed as they are.
            raw = {
                "23 bytes of a header": seg(1001, PUSH, payload=b"x")[:23],
                "a len field larger than the datagram": seg(1002, PUSH, payload=b"short", length=500),
                "a whole segment, then a truncated one": seg(1003, PUSH, payload=b"a") + seg(1003, PUSH, sn=1)[:10],
                "an unknown command": seg(1004, 99, payload=b"?"),
                "a len field of 2^32-1": seg(1005, PUSH, payload=b"z", length=0xFFFFFFFF),
                "random bytes": bytes(random.Random(7).randrange(256) for _ in range(1000)),
            }
            for what, datagram in raw.items():
                sock.send(datagram)
                check("raw echo of " + what, drain(0.2, first=3) == [datagram])

            # A conversation of our own, answered with its echo.
            conv_a = 2001
            sock.send(seg(conv_a, PUSH, payload=b"hello"))
            answer = drain(0.2, first=3)
            check("echo on a new conversation", any(s[0] == conv_a and s[1] == PUSH and s[7] == b"hello"
                                                   for d in answer for s in segments(d)))
            ack_pushes(answer, conv_a)
            drain(0.1)

            # Another conversation's segment inside a datagram of conversation A: not KCP, so raw.
            mixed = seg(conv_a, ACK, sn=0) + seg(3001, PUSH, payload=b"intruder")
            sock.send(mixed)
            check("raw echo of a datagram that mixes conversations", drain(0.2, first=3) == [mixed])
            # An acknowledgement or probe for a conversation that does not exist opens none.
            sock.send(seg(3002, ACK, sn=5))
            sock.send(seg(3003, WASK))
            check("no answer to an ACK or WASK of an unknown conversation",
                  not any(s[0] in (3002, 3003) for d in drain(0.3) for s in segments(d)))

            # An absurd frg: a message of 256 fragments can never complete in a 128-segment window.
            conv_c = 4001
            for sn in range(200):
                sock.send(seg(conv_c, PUSH, sn=sn, frg=max(0, 255 - sn), payload=b"f" * 100))
                if sn % 32 == 31:
                    time.sleep(0.01)
            answer = [s for d in drain(0.3, first=3) for s in segments(d) if s[0] == conv_c]
            check("nothing delivered of a 256-fragment message", not any(s[1] == PUSH for s in answer))
            check("its window closes at 128 segments", bool(answer) and max(s[6] for s in answer) == 128
                  and min(s[3] for s in answer) == 0)

            # A window of 0: the server may not send its echoes, so they must not pile up without bound.
            conv_d = 5001
            payload = b"w" * 1300
            next_sn = una = 0
            window = 128
            stalled_since = time.monotonic()
            while next_sn < 20000 and time.monotonic() - stalled_since < 1.0:
                while next_sn < una + min(window, 64):
                    sock.send(seg(conv_d, PUSH, sn=next_sn, wnd=0, payload=payload))
                    next_sn += 1
                for d in drain(0.05):
                    for s in segments(d):
                        if s[0] == conv_d and s[1] == ACK:
                            window = s[3]
                            if s[6] > una:
                                una = s[6]
                                stalled_since = time.monotonic()
                if next_sn >= una + min(window, 64) and window == 0:
                    # Resend from una, as a KCP sender would: the server may have dropped segments.
                    next_sn = una
            print("window 0: the server took %d messages of 1300 bytes it could not echo" % una, flush=True)

            # A flood of window probes on our conversation: at most one answer per probe datagram.
            probes = 5000
            answers = 0
            for i in range(probes):
                sock.send(b"".join(seg(conv_a, WASK, una=1) for _ in range(50)))
                if i % 100 == 99:
                    answers += sum(1 for d in drain(0.01) if any(s[1] == WINS for s in segments(d)))
            answers += sum(1 for d in drain(0.3) if any(s[1] == WINS for s in segments(d)))
            print("WASK flood: %d datagrams of 50 probes, %d answers" % (probes, answers), flush=True)
            check("no more answers than probe datagrams", answers <= probes)

            # Many conversations at once, each opened with one message.
            for conv in range(10000, 10500):
                sock.send(seg(conv, PUSH, payload=b"m" * 1000))
                if conv % 50 == 49:
                    time.sleep(0.005)
            drain(0.3)

            print("failures: %d" % len(failures), flush=True)
            return 1 if failures else 0

        if __name__ == "__main__":
            role = sys.argv[1]
            if role == "echo":
                echo(float(sys.argv[2]))
            elif role == "client":
                sys.exit(client(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))
            elif role == "hostile":
                sys.exit(hostile(int(sys.argv[2])))
        """#
}
