import Foundation
import Testing

/// gamenet's WebSocket server and client against another implementation, Python's `websockets`, and the HTTP side of
/// the serve port (refusals, raw TCP on the same port).
@Suite(.timeLimit(.minutes(2)))
struct WebSocketInteropTests {}

// MARK: - Python clients against `gamenet serve --echo`

extension WebSocketInteropTests {
    @Suite(.enabled(if: Peers.hasPython, Peers.pythonMissing))
    struct PythonClientToServe {
        /// Runs `gamenet serve --echo` and one scenario of the client script against it; returns what it printed.
        private static func runAgainstServe(_ scenario: String) throws -> String {
            let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
            defer { server.process.terminate() }
            return try PythonScripts.runClient(scenario, "ws://127.0.0.1:\(server.port)/")
        }

        @Test func echoesTextAndBinaryOfEverySizeUpToTheLimit() throws {
            // The last size is the default --max-message-size, 16 MiB: a message of exactly that size passes.
            let output = try Self.runAgainstServe("sizes")
            let expected = [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20].map { "echoed \($0)" }
            #expect(output.split(separator: "\n").map(String.init) == expected)
        }

        @Test func reassemblesFragmentedMessages() throws {
            #expect(try Self.runAgainstServe("fragments") == "fragments ok\n")
        }

        @Test func answersPingsWithTheirPayload() throws {
            #expect(try Self.runAgainstServe("ping") == "pong ok\n")
        }

        @Test func echoesTheCloseCode() throws {
            #expect(try Self.runAgainstServe("close").hasPrefix("close 4001 "))
        }

        @Test func aMessageOverTheLimitIsClosedWith1009() throws {
            #expect(try Self.runAgainstServe("too-big") == "close 1009\n")
        }

        @Test func invalidUTF8IsClosedWith1007AtTheBadFragment() throws {
            #expect(try Self.runAgainstServe("invalid-utf8") == "close 1007\n")
        }

        @Test func anUnmaskedClientFrameIsClosedWith1002() throws {
            #expect(try Self.runAgainstServe("unmasked") == "close 1002\n")
        }

        @Test func aClientWhoseStreamEndsWithoutACloseFrameIsClosed() throws {
            // A WebSocket has no half-close; the serve port allows one for raw TCP, which must not keep this open.
            #expect(try Self.runAgainstServe("half-close") == "closed by the server\n")
        }

        @Test func framesSentWithTheUpgradeRequestAreNotLost() throws {
            #expect(try Self.runAgainstServe("pipelined") == "echo b'early bird'\n")
        }
    }
}

// MARK: - gamenet as the client of a Python server, and as a relay

extension WebSocketInteropTests {
    @Suite(.enabled(if: Peers.hasPython, Peers.pythonMissing))
    struct GamenetClientToPython {
        @Test func connectTextLinesComeBackAsLines() throws {
            let server = try PythonScripts.startEchoServer()
            defer { server.process.forceStop() }
            let client = try ChildProcess(
                Peers.gamenet,
                ["connect", "ws://127.0.0.1:\(server.port)/chat", "--text", "--framing", "lines"]
            )
            defer { client.terminate() }
            let input = "alpha\nβήτα\ngamma with spaces\n"
            try client.write(Data(input.utf8))
            // Input ends only once the echo is back: the relay is running by then.
            let output = client.waitForStandardOutput(count: input.utf8.count, timeout: 10)
            try client.closeInput()
            #expect(try client.waitForExit() == 0, "stderr: \(client.standardError)")
            #expect(String(decoding: output, as: UTF8.self) == input)
            // Each line went as one text message, without its newline, and the end of input closed cleanly.
            _ = try server.process.waitForStandardError(matching: #"closed 1000"#)
            let log = server.process.standardError
            #expect(
                log.contains("open /chat\nmessage text 5\nmessage text 8\nmessage text 17\nclosed 1000\n"),
                "\(log)"
            )
        }

        @Test func connectLen32CarriesBinaryMessagesOfEverySize() throws {
            let server = try PythonScripts.startEchoServer()
            defer { server.process.forceStop() }
            let client = try ChildProcess(
                Peers.gamenet,
                ["connect", "ws://127.0.0.1:\(server.port)/", "--framing", "len32"]
            )
            defer { client.terminate() }
            var random = SeededBytes(seed: 32)
            let sizes = [0, 1, 125, 126, 65535, 65536, 1 << 20]
            var input = Data()
            for size in sizes {
                withUnsafeBytes(of: UInt32(size).bigEndian) { input.append(contentsOf: $0) }
                input.append(contentsOf: random.bytes(size))
            }
            try client.write(input)
            let output = client.waitForStandardOutput(count: input.count, timeout: 20)
            try client.closeInput()
            #expect(try client.waitForExit() == 0, "stderr: \(client.standardError)")
            #expect(output.count == input.count)
            #expect(output == input)
            // One binary message per frame, boundaries kept.
            let expectedLog = sizes.map { "message binary \($0)\n" }.joined()
            #expect(server.process.standardError.contains(expectedLog), "server log: \(server.process.standardError)")
        }

        @Test func proxyCarriesATCPStreamOverWebSocket() throws {
            let server = try PythonScripts.startEchoServer()
            defer { server.process.forceStop() }
            let proxy = try Launch.gamenetListening(["proxy", "tcp://127.0.0.1:0", "ws://127.0.0.1:\(server.port)/"])
            defer { proxy.process.terminate() }
            let client = try TCPTestClient(port: proxy.port)
            var random = SeededBytes(seed: 6455)
            let stream = random.bytes(300_000)
            try client.send(stream)
            client.shutdownOutput()
            // Bounded: every read gives up after 10 s.
            let echoed = try client.receive()
            #expect(echoed.count == stream.count)
            #expect(echoed == stream)
            // The end of the TCP stream closed the WebSocket with a clean handshake.
            _ = try server.process.waitForStandardError(matching: #"closed 1000"#)
        }

        @Test func websockifyRelaysAWebSocketClientToATCPServer() throws {
            let target = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
            defer { target.process.terminate() }
            let proxy = try Launch.gamenetListening(["proxy", "ws://127.0.0.1:0", "tcp://127.0.0.1:\(target.port)"])
            defer { proxy.process.terminate() }
            let output = try PythonScripts.runClient("stream", "ws://127.0.0.1:\(proxy.port)/")
            #expect(output == "stream ok 200007\n")
        }

        @Test(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"))
        func websockifyClosesTheTargetConnectionWhenTheClientCloses() throws {
            // socat serves one connection and exits when it closes.
            let target = try Launch.socatListening(["TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "PIPE"])
            defer { target.process.forceStop() }
            let proxy = try Launch.gamenetListening(["proxy", "ws://127.0.0.1:0", "tcp://127.0.0.1:\(target.port)"])
            defer { proxy.process.terminate() }
            let output = try PythonScripts.runClient("hello-binary", "ws://127.0.0.1:\(proxy.port)/")
            #expect(output == "hello ok\nclose 1000\n")
            #expect(try target.process.waitForExit(timeout: 5) == 0, "socat: \(target.process.standardError)")
        }

        @Test(.enabled(if: Peers.available("socat"), "socat is not installed: apt-get install socat"))
        func websockifyClosesTheClientWhenTheTargetCloses() throws {
            // The target says "bye" and closes.
            let target = try Launch.socatListening(["TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "SYSTEM:printf bye"])
            defer { target.process.forceStop() }
            let proxy = try Launch.gamenetListening(["proxy", "ws://127.0.0.1:0", "tcp://127.0.0.1:\(target.port)"])
            defer { proxy.process.terminate() }
            let output = try PythonScripts.runClient("until-closed", "ws://127.0.0.1:\(proxy.port)/")
            #expect(output == "received b'bye'\nclose 1000\n")
        }
    }
}

// MARK: - The HTTP side of the serve port

extension WebSocketInteropTests {
    @Suite struct Handshake {
        @Test func aWrongPathIsRefusedWith404AndExit69() throws {
            let server = try Launch.gamenetListening([
                "serve", "--echo", "--listen", "127.0.0.1:0", "--ws-path", "/game",
            ])
            defer { server.process.terminate() }

            // The right path upgrades.
            let good = try ChildProcess(
                Peers.gamenet,
                ["connect", "ws://127.0.0.1:\(server.port)/game", "--text", "--framing", "lines"]
            )
            defer { good.terminate() }
            try good.write(Data("hi\n".utf8))
            #expect(good.waitForStandardOutput(count: 3, timeout: 10) == Data("hi\n".utf8))
            try good.closeInput()
            #expect(try good.waitForExit() == 0)

            let wrong = try ChildProcess(Peers.gamenet, ["connect", "ws://127.0.0.1:\(server.port)/wrongpath"])
            defer { wrong.terminate() }
            #expect(try wrong.waitForExit() == 69)
            let error = wrong.standardError.trimmingCharacters(in: .newlines)
            #expect(!error.contains("\n"), "one line: \(error)")
            #expect(error.contains("HTTP/1.1 404 Not Found"), "\(error)")
        }

        @Test func anOriginOutsideTheAllowListIsRefusedWith403() throws {
            let server = try Launch.gamenetListening([
                "serve", "--echo", "--listen", "127.0.0.1:0", "--ws-origin", "https://game.example",
            ])
            defer { server.process.terminate() }
            #expect(
                try Self.upgradeStatusLine(port: server.port, origin: "https://evil.example")
                    == "HTTP/1.1 403 Forbidden"
            )
            #expect(try Self.upgradeStatusLine(port: server.port, origin: nil) == "HTTP/1.1 403 Forbidden")
            #expect(
                try Self.upgradeStatusLine(port: server.port, origin: "https://game.example")
                    == "HTTP/1.1 101 Switching Protocols"
            )

            let client = try ChildProcess(
                Peers.gamenet,
                ["connect", "ws://127.0.0.1:\(server.port)/", "--origin", "https://evil.example"]
            )
            defer { client.terminate() }
            #expect(try client.waitForExit() == 69)
            #expect(client.standardError.contains("HTTP/1.1 403 Forbidden"), "\(client.standardError)")
        }

        @Test func plainHTTPGets426() throws {
            let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
            defer { server.process.terminate() }
            let reply = try HTTPTestClient.request(port: server.port, "GET", "/")
            #expect(reply.status == 426)
            #expect(reply.body.contains("WebSocket"))
        }

        @Test func rawTCPStillEchoesOnTheSamePort() throws {
            let server = try Launch.gamenetListening(["serve", "--echo", "--listen", "127.0.0.1:0"])
            defer { server.process.terminate() }
            // Bytes that cannot start an HTTP request, some that start like one, and a stream that ends while it
            // still might (the end of input decides: raw, and the half-close is echoed too).
            for payload in ["hello raw\n", "GETTING / not http", "GE"] {
                let client = try TCPTestClient(port: server.port)
                try client.send(Array(payload.utf8))
                client.shutdownOutput()
                #expect(try client.receive() == Array(payload.utf8), "\(payload)")
            }
            var random = SeededBytes(seed: 1)
            let stream = random.bytes(100_000)
            let client = try TCPTestClient(port: server.port)
            try client.send(stream)
            client.shutdownOutput()
            #expect(try client.receive() == stream)
        }

        /// Sends an upgrade request with `Origin: origin` and returns the status line of the answer.
        private static func upgradeStatusLine(port: Int, origin: String?) throws -> String {
            let client = try TCPTestClient(port: port, timeout: 5)
            var request =
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            if let origin {
                request += "Origin: \(origin)\r\n"
            }
            try client.send(Array((request + "\r\n").utf8))
            // Byte by byte up to the end of the head: a 101 leaves the connection open.
            var head: [UInt8] = []
            while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)), head.count < 4096 {
                let byte = try client.receive(upTo: 1)
                guard !byte.isEmpty else { break }
                head += byte
            }
            let text = String(decoding: head, as: UTF8.self)
            return String(text.split(separator: "\r\n").first ?? "")
        }
    }
}

// MARK: - Support

/// Deterministic bytes for payloads (SplitMix64; the integration tests do not link GamenetCore).
private struct SeededBytes {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            self.state &+= 0x9e37_79b9_7f4a_7c15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            withUnsafeBytes(of: (z ^ (z >> 31)).littleEndian) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }
}

/// The Python programs of these tests, written to a temporary directory and run with `Peers.python`.
private enum PythonScripts {
    /// Runs one scenario of ``client`` against `url`; fails unless it exits 0 within `timeout`.
    static func runClient(_ scenario: String, _ url: String, timeout: TimeInterval = 60) throws -> String {
        let python = try Peers.requirePython()
        let directory = try Self.write(Self.client, as: "client.py")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try ChildProcess(python, [directory.appendingPathComponent("client.py").path, scenario, url])
        defer { process.forceStop() }
        let status = try process.waitForExit(timeout: timeout)
        let output = String(decoding: process.standardOutput, as: UTF8.self)
        guard status == 0 else {
            throw TestFailure(
                "python client \(scenario) exited \(status); output: \(output); stderr: \(process.standardError)"
            )
        }
        return output
    }

    /// Starts ``echoServer`` and returns it with its port; the caller stops it with `forceStop()`.
    static func startEchoServer() throws -> (process: ChildProcess, port: Int) {
        let python = try Peers.requirePython()
        let directory = try Self.write(Self.echoServer, as: "echo_server.py")
        // Python has read the script once it prints its listening line; the directory can go then.
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try ChildProcess(python, [directory.appendingPathComponent("echo_server.py").path])
        do {
            let groups = try process.waitForStandardError(matching: #"listening on ws://127\.0\.0\.1:([0-9]+)"#)
            return (process, Int(groups[1])!)
        } catch {
            process.forceStop()
            throw error
        }
    }

    private static func write(_ source: String, as name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(source.utf8).write(to: directory.appendingPathComponent(name))
        return directory
    }

    /// A `websockets` server that echoes every message, text as text and binary as binary, and logs on standard
    /// error each connection's path, each message's kind and size in bytes, and the close code.
    static let echoServer = #"""
        import asyncio, sys
        from websockets.asyncio.server import serve

        def log(*words):
            print(*words, file=sys.stderr, flush=True)

        async def echo(ws):
            log("open", ws.request.path)
            try:
                async for message in ws:
                    if isinstance(message, str):
                        log("message text", len(message.encode()))
                    else:
                        log("message binary", len(message))
                    await ws.send(message)
            finally:
                log("closed", ws.close_code)

        async def main():
            async with serve(echo, "127.0.0.1", 0, max_size=None) as server:
                log(f"listening on ws://127.0.0.1:{server.sockets[0].getsockname()[1]}")
                await server.serve_forever()

        asyncio.run(main())
        """#

    /// Scenarios of a client, named by the first argument, against the URL in the second; each prints what it saw
    /// and fails (exit 1, with a traceback) on anything unexpected. Every wait is bounded.
    static let client = #"""
        import asyncio, base64, hashlib, os, random, socket, struct, sys, urllib.parse
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        SCENARIO, URL = sys.argv[1], sys.argv[2]
        MAX = 16 * 1024 * 1024

        def text_of(n):
            # n bytes of UTF-8: "ábc" is four bytes in three characters.
            return "ábc" * (n // 4) + "x" * (n % 4)

        def opened(**options):
            return connect(URL, open_timeout=10, close_timeout=10, **options)

        async def sizes():
            rnd = random.Random(6455)
            async with opened(max_size=None) as ws:
                for n in [0, 1, 125, 126, 65535, 65536, 1 << 20, MAX]:
                    text = text_of(n)
                    assert len(text.encode()) == n
                    await ws.send(text)
                    echo = await asyncio.wait_for(ws.recv(), 60)
                    assert isinstance(echo, str), f"text of {n} bytes came back as {type(echo).__name__}"
                    assert echo == text, f"text of {n} bytes came back different ({len(echo)} characters)"
                    data = rnd.randbytes(n)
                    await ws.send(data)
                    echo = await asyncio.wait_for(ws.recv(), 60)
                    assert isinstance(echo, bytes), f"binary of {n} bytes came back as {type(echo).__name__}"
                    assert echo == data, f"binary of {n} bytes came back different ({len(echo)} bytes)"
                    print("echoed", n, flush=True)

        async def fragments():
            async with opened() as ws:
                await ws.send(["frag", "ment", "", "ed ", "κόσμε"])
                echo = await asyncio.wait_for(ws.recv(), 10)
                assert echo == "fragmented κόσμε", repr(echo)
                await ws.send([b"\x00\x01", b"", b"\xff"])
                echo = await asyncio.wait_for(ws.recv(), 10)
                assert echo == b"\x00\x01\xff", repr(echo)
                # A text message whose fragments split code points.
                encoded = "κόσμε".encode()
                await ws.send([encoded[:1], encoded[1:4], encoded[4:]], text=True)
                echo = await asyncio.wait_for(ws.recv(), 10)
                assert echo == "κόσμε", repr(echo)
                print("fragments ok", flush=True)

        async def ping():
            async with opened() as ws:
                for payload in [b"", b"ping payload", bytes(range(125))]:
                    # The waiter completes only on a pong with the same payload.
                    waiter = await ws.ping(payload)
                    await asyncio.wait_for(waiter, 10)
                print("pong ok", flush=True)

        async def close():
            async with opened() as ws:
                await ws.send("before closing")
                assert await asyncio.wait_for(ws.recv(), 10) == "before closing"
                await ws.close(code=4001, reason="game over")
                received = ws.protocol.close_rcvd
                assert received is not None, "no close frame from the server"
                print("close", received.code, repr(received.reason), flush=True)

        async def too_big():
            async with opened(max_size=None) as ws:
                try:
                    await ws.send(b"\x00" * (MAX + 1))
                    await asyncio.wait_for(ws.recv(), 30)
                    raise AssertionError("a message of 16 MiB + 1 bytes came back")
                except ConnectionClosed as closed:
                    assert closed.rcvd is not None, f"no close frame from the server: {closed!r}"
                    print("close", closed.rcvd.code, flush=True)

        async def stream():
            # Through websockify to a TCP echo: the bytes come back, in messages cut anywhere.
            rnd = random.Random(7)
            sent = [b"abc", rnd.randbytes(100_000), b"\x00" * 4, rnd.randbytes(100_000)]
            async with opened() as ws:
                for message in sent:
                    await ws.send(message)
                expected = b"".join(sent)
                received = b""
                while len(received) < len(expected):
                    message = await asyncio.wait_for(ws.recv(), 10)
                    assert isinstance(message, bytes), f"text from a TCP target: {message!r}"
                    received += message
                assert received == expected, f"{len(received)} bytes differ from the {len(expected)} sent"
                print("stream ok", len(received), flush=True)

        async def hello_binary():
            async with opened() as ws:
                await ws.send(b"hello")
                echo = await asyncio.wait_for(ws.recv(), 10)
                assert echo == b"hello", repr(echo)
                print("hello ok", flush=True)
                await ws.close()
                print("close", ws.protocol.close_rcvd.code, flush=True)

        async def until_closed():
            async with opened() as ws:
                try:
                    while True:
                        print("received", repr(await asyncio.wait_for(ws.recv(), 10)), flush=True)
                except ConnectionClosed as closed:
                    assert closed.rcvd is not None, f"no close frame from the server: {closed!r}"
                    print("close", closed.rcvd.code, flush=True)

        GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

        def raw_connect():
            url = urllib.parse.urlsplit(URL)
            s = socket.create_connection((url.hostname, url.port), timeout=10)
            key = base64.b64encode(os.urandom(16)).decode()
            s.sendall((f"GET {url.path or '/'} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                       f"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                       f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = s.recv(4096)
                assert chunk, f"closed during the handshake: {received!r}"
                received += chunk
            head, rest = received.split(b"\r\n\r\n", 1)
            assert head.startswith(b"HTTP/1.1 101 "), head
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest())
            assert b"sec-websocket-accept: " + accept.lower() in head.lower(), head
            return s, bytearray(rest)

        def frame(opcode, payload, fin=True, masked=True):
            first = (0x80 if fin else 0) | opcode
            mask_bit = 0x80 if masked else 0
            n = len(payload)
            if n < 126:
                header = bytes([first, mask_bit | n])
            elif n < 65536:
                header = bytes([first, mask_bit | 126]) + struct.pack(">H", n)
            else:
                header = bytes([first, mask_bit | 127]) + struct.pack(">Q", n)
            if not masked:
                return header + payload
            key = os.urandom(4)
            return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

        def read_exactly(s, buffer, n):
            while len(buffer) < n:
                chunk = s.recv(65536)
                assert chunk, "the server closed without a close frame"
                buffer += chunk
            data = bytes(buffer[:n])
            del buffer[:n]
            return data

        def expect_close(s, buffer):
            while True:
                first, second = read_exactly(s, buffer, 2)
                assert second & 0x80 == 0, "the server masked a frame"
                n = second & 0x7F
                if n == 126:
                    n = struct.unpack(">H", read_exactly(s, buffer, 2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", read_exactly(s, buffer, 8))[0]
                payload = read_exactly(s, buffer, n)
                if first & 0x0F == 0x8:
                    break
            code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
            # The server closes TCP after its close frame (bounded by the socket's timeout).
            while s.recv(65536):
                pass
            print("close", code, flush=True)

        def invalid_utf8():
            s, buffer = raw_connect()
            # "κ" and the start of "ὅ", valid so far; then a surrogate, which cannot continue it. The message never
            # ends: the server must fail it at the bad fragment.
            s.sendall(frame(0x1, b"\xce\xba\xe1\xbd", fin=False) + frame(0x0, b"\xed\xa0\x80", fin=False))
            expect_close(s, buffer)

        def unmasked():
            s, buffer = raw_connect()
            s.sendall(frame(0x1, b"not masked", masked=False))
            expect_close(s, buffer)

        def half_close():
            s, buffer = raw_connect()
            s.shutdown(socket.SHUT_WR)
            # Bounded by the socket's timeout: a server that never closes fails the scenario.
            while s.recv(65536):
                pass
            print("closed by the server", flush=True)

        def pipelined():
            # A client that does not wait for the 101 before its first frame.
            url = urllib.parse.urlsplit(URL)
            s = socket.create_connection((url.hostname, url.port), timeout=10)
            key = base64.b64encode(os.urandom(16)).decode()
            s.sendall((f"GET / HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
                      + frame(0x2, b"early bird"))
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = s.recv(4096)
                assert chunk, f"closed during the handshake: {received!r}"
                received += chunk
            head, rest = received.split(b"\r\n\r\n", 1)
            assert head.startswith(b"HTTP/1.1 101 "), head
            buffer = bytearray(rest)
            first, second = read_exactly(s, buffer, 2)
            assert first == 0x82, hex(first)
            print("echo", read_exactly(s, buffer, second & 0x7F), flush=True)

        SCENARIOS = {
            "half-close": half_close, "pipelined": pipelined,
            "sizes": sizes, "fragments": fragments, "ping": ping, "close": close, "too-big": too_big,
            "stream": stream, "hello-binary": hello_binary, "until-closed": until_closed,
            "invalid-utf8": invalid_utf8, "unmasked": unmasked,
        }
        result = SCENARIOS[SCENARIO]()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        """#
}
