import Foundation
import Testing

/// A gamenet client in Python written from the GameProtocol DocC article alone (a conformance check of the article:
/// if it leaves something out, this client cannot be written), run by ``Peers/python`` with `websockets`.
///
/// It speaks the binary codec over TCP, KCP and UDP datagram frames, and the JSON form over WebSocket. Each scenario
/// exits 0 and prints `ok SCENARIO` when every check passed; otherwise it exits 1 with the failed check on standard
/// error.
enum GameProtocolPeer {
    /// Runs `scenario` against the game server on 127.0.0.1:`port` and returns what it printed; fails unless it exits
    /// 0 within `timeout`.
    ///
    /// - Parameter running: called once the client has started, while it runs.
    static func run(
        _ scenario: String,
        port: Int,
        timeout: TimeInterval = 70,
        running: (ChildProcess) throws -> Void = { _ in }
    ) throws -> String {
        let python = try Peers.requirePython()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gamenet-game-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("game_client.py")
        try Data(Self.script.utf8).write(to: path)
        let process = try ChildProcess(python, [path.path, scenario, String(port)])
        defer { process.forceStop() }
        try running(process)
        let status = try process.waitForExit(timeout: timeout)
        let output = String(decoding: process.standardOutput, as: UTF8.self)
        guard status == 0 else {
            throw TestFailure(
                "python game client \(scenario) exited \(status); output: \(output); stderr: \(process.standardError)"
            )
        }
        return output
    }

    /// The client: `SCENARIO PORT`, with the scenarios rooms, resume, hostile, shutdown, udp and kcp (which
    /// needs the `kcp` package, as ``KCPReferencePeer`` does).
    static let script = #"""
        # A gamenet client written from the GameProtocol article only: the binary codec over TCP, the JSON form over
        # WebSocket, and the scenarios the integration tests run. It exits 0 and prints "ok ..." when every check passed.
        import asyncio
        import json
        import socket
        import struct
        import sys
        import time
        import urllib.request

        import websockets

        HOST = "127.0.0.1"
        NS = "/"

        # Goodbye reasons, error and warning codes, from the article's code tables.
        PROTOCOL_ERROR = 8
        RATE_LIMIT = 3
        MESSAGE_TOO_LARGE = 11
        SERVER_SHUTDOWN = 1


        class Reader:
            def __init__(self, data):
                self.data = data
                self.pos = 0

            def take(self, n):
                if self.pos + n > len(self.data):
                    raise ValueError("truncated")
                chunk = self.data[self.pos:self.pos + n]
                self.pos += n
                return chunk

            def u8(self):
                return self.take(1)[0]

            def u16(self):
                return struct.unpack(">H", self.take(2))[0]

            def u32(self):
                return struct.unpack(">I", self.take(4))[0]

            def u64(self):
                return struct.unpack(">Q", self.take(8))[0]

            def string(self):
                return self.take(self.u16()).decode("utf-8")

            def payload(self):
                return self.take(self.u32())

            def members(self):
                return [{"sessionID": self.u64(), "name": self.string()} for _ in range(self.u16())]


        def string(text):
            data = text.encode("utf-8")
            return struct.pack(">H", len(data)) + data


        def payload(data):
            return struct.pack(">I", len(data)) + data


        def client_hello(resume=None):
            # Type, magic "GNET", a u8 count of u16 versions, then the resume flag and request.
            out = b"\x01GNET" + bytes([1]) + struct.pack(">H", 1)
            if resume is None:
                return out + b"\x00"
            session_id, key, last = resume
            return out + b"\x01" + struct.pack(">Q", session_id) + key + struct.pack(">Q", last)


        def join(room, name, maximum=0):
            return b"\x20" + string(NS) + string(room) + struct.pack(">H", maximum) + string(name)


        def broadcast(room, data, includes_sender=False, unreliable=False):
            flags = (1 if includes_sender else 0) | (2 if unreliable else 0)
            return b"\x30" + string(NS) + string(room) + bytes([flags]) + payload(data)


        def pong(timestamp):
            return b"\x41" + struct.pack(">Q", timestamp)


        def datagram(session_id, key, message):
            return b"\x7f" + struct.pack(">Q", session_id) + key + message


        def decode(frame):
            r = Reader(frame)
            kind = r.u8()
            m = {}
            if kind == 0x7E:
                m["seq"] = r.u64()
                kind = r.u8()
            if kind == 0x02:
                m.update(type="hello", version=r.u16(), sessionID=r.u64(), key=r.take(16), heartbeat=r.u32(),
                         udpPort=r.u16(), keepalive=r.u32(), maximumMessageSize=r.u32(), maximumRooms=r.u16(),
                         rate=r.u32(), resumeWindow=r.u32())
            elif kind == 0x03:
                m.update(type="resumeAccepted", sessionID=r.u64(), lastSequence=r.u64())
                m["rooms"] = [(r.string(), r.string()) for _ in range(r.u16())]
            elif kind == 0x04:
                m.update(type="resumeRejected", reason=r.u8(), message=r.string())
            elif kind == 0x05:
                m.update(type="goodbye", reason=r.u8(), message=r.string())
            elif kind == 0x11:
                m.update(type="udpBound", sessionID=r.u64())
            elif kind == 0x21:
                m.update(type="joined", namespace=r.string(), room=r.string(), members=r.members())
            elif kind == 0x23:
                m.update(type="left", namespace=r.string(), room=r.string())
            elif kind == 0x24:
                m.update(type="memberEntered", namespace=r.string(), room=r.string(),
                         member={"sessionID": r.u64(), "name": r.string()})
            elif kind == 0x25:
                m.update(type="memberExited", namespace=r.string(), room=r.string(), sessionID=r.u64(), reason=r.u8())
            elif kind == 0x27:
                m.update(type="members", namespace=r.string(), room=r.string(), members=r.members())
            elif kind == 0x31:
                m.update(type="roomMessage", namespace=r.string(), room=r.string(), senderID=r.u64(),
                         senderName=r.string(), payload=r.payload())
            elif kind == 0x33:
                m.update(type="directMessage", senderID=r.u64(), payload=r.payload())
            elif kind == 0x40:
                m.update(type="ping", timestamp=r.u64())
            elif kind == 0x41:
                m.update(type="pong", timestamp=r.u64())
            elif kind == 0x50:
                m.update(type="error", code=r.u16(), message=r.string())
            elif kind == 0x51:
                m.update(type="warning", code=r.u16(), message=r.string())
            else:
                raise ValueError("unexpected type 0x%02x" % kind)
            if r.pos != len(frame):
                raise ValueError("trailing bytes after type 0x%02x" % kind)
            return m


        def check(condition, what):
            if not condition:
                raise AssertionError(what)


        class TCPClient:
            """The binary codec over TCP: each frame behind a u32 big-endian length."""

            def __init__(self, port):
                self.port = port
                self.last_sequence = 0
                self.hello = None

            async def open(self):
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

            async def login(self, resume=None, timeout=10):
                await self.open()
                self.send(client_hello(resume))
                return await self.recv(timeout)

            def send(self, body):
                self.writer.write(struct.pack(">I", len(body)) + body)

            async def recv(self, timeout=10):
                while True:
                    header = await asyncio.wait_for(self.reader.readexactly(4), timeout)
                    body = await asyncio.wait_for(self.reader.readexactly(struct.unpack(">I", header)[0]), timeout)
                    m = decode(body)
                    if "seq" in m:
                        check(m["seq"] == self.last_sequence + 1, "sequence %d after %d" % (m["seq"], self.last_sequence))
                        self.last_sequence = m["seq"]
                    if m["type"] == "hello":
                        self.hello = m
                    if m["type"] == "ping":
                        self.send(pong(m["timestamp"]))
                        continue
                    return m

            async def expect(self, kind, timeout=10):
                while True:
                    m = await self.recv(timeout)
                    if m["type"] == kind:
                        return m
                    check(m["type"] != "goodbye", "goodbye %r while waiting for %s" % (m, kind))

            def drop(self):
                # An abrupt close, as a lost link: no goodbye.
                self.writer.transport.abort()


        class WSClient:
            """The JSON form in WebSocket text messages."""

            def __init__(self, port):
                self.port = port

            async def login(self):
                self.ws = await websockets.connect("ws://%s:%d/" % (HOST, self.port))
                await self.send({"type": "clientHello", "versions": [1]})
                return await self.recv()

            async def send(self, obj):
                await self.ws.send(json.dumps(obj))

            async def recv(self, timeout=10):
                while True:
                    m = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
                    if m["type"] == "ping":
                        await self.send({"type": "pong", "timestamp": m["timestamp"]})
                        continue
                    return m

            async def expect(self, kind, timeout=10):
                while True:
                    m = await self.recv(timeout)
                    if m["type"] == kind:
                        return m
                    check(m["type"] != "goodbye", "goodbye %r while waiting for %s" % (m, kind))


        class KCPClient:
            """The binary codec over KCP (message mode) on the server's UDP port: one frame per KCP message."""

            def __init__(self, port):
                import random
                import time
                import kcp
                self.clock = time.monotonic
                self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.sock.connect((HOST, port))
                self.sock.setblocking(False)
                conversation = random.randint(1, 0x7FFFFFFF)
                self.k = kcp.KCP(conversation, max_transmission=1400, no_delay=True, update_interval=10, resend_count=2,
                                 no_congestion_control=True, send_window_size=128, receive_window_size=128)
                self.k.include_outbound_handler(lambda _k, data: self.sock.send(data))
                self.k.update(self.now())
                self.inbox = []
                self.last_sequence = 0

            def now(self):
                return int(self.clock() * 1000) & 0xFFFFFFFF

            async def login(self):
                self.send(client_hello())
                return await self.recv()

            def send(self, body):
                self.k.enqueue(body)
                self.k.flush()

            async def recv(self, timeout=10):
                deadline = self.clock() + timeout
                while True:
                    while self.inbox:
                        m = decode(self.inbox.pop(0))
                        if "seq" in m:
                            check(m["seq"] == self.last_sequence + 1, "kcp sequence %d" % m["seq"])
                            self.last_sequence = m["seq"]
                        if m["type"] == "ping":
                            self.send(pong(m["timestamp"]))
                            continue
                        return m
                    check(self.clock() < deadline, "nothing over KCP within %ds" % timeout)
                    while True:
                        try:
                            self.k.receive(self.sock.recv(65536))
                        except BlockingIOError:
                            break
                    # An empty message is gamenet's end-of-stream marker.
                    self.inbox.extend(bytes(m) for m in self.k.get_all_received() if len(m) > 0)
                    self.k.update(self.now())
                    self.k.flush()
                    if not self.inbox:
                        await asyncio.sleep(0.005)

            async def expect(self, kind, timeout=10):
                while True:
                    m = await self.recv(timeout)
                    if m["type"] == kind:
                        return m
                    check(m["type"] != "goodbye", "goodbye %r while waiting for %s" % (m, kind))


        async def rooms(port):
            alice = TCPClient(port)
            hello = await alice.login()
            check(hello["type"] == "hello" and hello["version"] == 1, "hello: %r" % hello)
            check(hello["udpPort"] == port, "udpPort %d, port %d" % (hello["udpPort"], port))
            alice.send(join("lobby", "alice", 8))
            joined = await alice.expect("joined")
            check(joined["members"] == [{"sessionID": hello["sessionID"], "name": "alice"}], "joined: %r" % joined)

            bob = WSClient(port)
            bob_hello = await bob.login()
            check(bob_hello["type"] == "hello" and len(bob_hello["key"]) == 32, "ws hello: %r" % bob_hello)
            await bob.send({"type": "join", "namespace": NS, "room": "lobby", "name": "bob"})
            bob_joined = await bob.expect("joined")
            check([m.get("name") for m in bob_joined["members"]] == ["alice", "bob"], "bob joined: %r" % bob_joined)
            entered = await alice.expect("memberEntered")
            check(entered["member"] == {"sessionID": bob_hello["sessionID"], "name": "bob"}, "entered: %r" % entered)

            alice.send(broadcast("lobby", "hi bob".encode()))
            message = await bob.expect("roomMessage")
            check(message["payload"] == "hi bob" and message["senderName"] == "alice" and "seq" in message,
                  "bob got %r" % message)
            await bob.send({"type": "broadcast", "namespace": NS, "room": "lobby", "payload": "hi alice"})
            message = await alice.expect("roomMessage")
            check(message["payload"] == b"hi alice" and message["senderID"] == bob_hello["sessionID"]
                  and message["senderName"] == "bob", "alice got %r" % message)
            # Bytes that are not UTF-8 travel as base64 in JSON.
            alice.send(broadcast("lobby", b"\x00\xff"))
            message = await bob.expect("roomMessage")
            check(message["payload"] == {"base64": "AP8="}, "bob got %r" % message)

            await bob.send({"type": "leave", "namespace": NS, "room": "lobby"})
            await bob.expect("left")
            exited = await alice.expect("memberExited")
            check(exited["sessionID"] == bob_hello["sessionID"] and exited["reason"] == 0, "exited: %r" % exited)
            await bob.ws.close()
            alice.writer.close()
            print("ok rooms")


        async def resume(port, count=60):
            alice = TCPClient(port)
            hello = await alice.login()
            alice.send(join("game", "alice"))
            await alice.expect("joined")
            bob = WSClient(port)
            await bob.login()
            await bob.send({"type": "join", "namespace": NS, "room": "game", "name": "bob"})
            await bob.expect("joined")
            await alice.expect("memberEntered")

            async def talk():
                for n in range(1, count + 1):
                    await bob.send({"type": "broadcast", "namespace": NS, "room": "game", "payload": str(n)})
                    await asyncio.sleep(0.01)

            talker = asyncio.create_task(talk())
            received = []
            while len(received) < count // 3:
                received.append(int((await alice.expect("roomMessage"))["payload"]))
            # Drop the link mid-stream: whatever the server wrote after this point and alice did not read is lost with it.
            alice.drop()
            await asyncio.sleep(0.3)
            credentials = (hello["sessionID"], hello["key"], alice.last_sequence)
            again = TCPClient(port)
            again.last_sequence = alice.last_sequence
            accepted = await again.login(resume=credentials)
            check(accepted["type"] == "resumeAccepted", "resume: %r" % accepted)
            check(accepted["sessionID"] == hello["sessionID"] and accepted["rooms"] == [(NS, "game")], "resume: %r" % accepted)
            check(accepted["lastSequence"] >= again.last_sequence, "lastSequence %r" % accepted)
            while len(received) < count:
                received.append(int((await again.expect("roomMessage"))["payload"]))
            await talker
            check(received == list(range(1, count + 1)), "received %r" % received)
            # Nothing arrives twice: the next message is live.
            await bob.send({"type": "broadcast", "namespace": NS, "room": "game", "payload": "end"})
            check((await again.expect("roomMessage"))["payload"] == b"end", "after the replay")
            # A wrong key is refused, and the server then opens a new session.
            wrong = TCPClient(port)
            rejected = await wrong.login(resume=(hello["sessionID"], bytes(16), 0))
            check(rejected["type"] == "resumeRejected" and rejected["reason"] == 2, "wrong key: %r" % rejected)
            fresh = await wrong.recv()
            check(fresh["type"] == "hello" and fresh["sessionID"] != hello["sessionID"], "after rejection: %r" % fresh)
            await bob.ws.close()
            print("ok resume %d messages, dropped after %d" % (count, count // 3))


        async def goodbye_of(reader, timeout=10):
            """Reads frames until a goodbye, and returns its reason; then the server closes."""
            while True:
                header = await asyncio.wait_for(reader.readexactly(4), timeout)
                m = decode(await asyncio.wait_for(reader.readexactly(struct.unpack(">I", header)[0]), timeout))
                if m["type"] == "goodbye":
                    rest = await asyncio.wait_for(reader.read(), timeout)
                    check(rest == b"", "bytes after goodbye")
                    return m["reason"]


        async def hostile(port):
            carol = WSClient(port)
            await carol.login()
            await carol.send({"type": "join", "namespace": NS, "room": "arena", "name": "carol"})
            await carol.expect("joined")
            dave = TCPClient(port)
            await dave.login()
            dave.send(join("arena", "dave"))
            await dave.expect("joined")

            # Garbage as a first message: a well-framed block that is no client hello.
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(struct.pack(">I", 5) + b"\xde\xad\xbe\xef\x00")
            check(await goodbye_of(reader) == PROTOCOL_ERROR, "garbage goodbye")
            # A 100 MB length prefix.
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(struct.pack(">I", 100_000_000) + b"\x01GNET")
            check(await goodbye_of(reader) == MESSAGE_TOO_LARGE, "100 MB goodbye")
            # A flood from a logged-in session in the room.
            flooder = TCPClient(port)
            await flooder.login()
            flooder.send(join("arena", "flood"))
            await flooder.expect("joined")
            for n in range(5000):
                flooder.send(broadcast("arena", b"flood %d" % n))
            await flooder.writer.drain()
            warned = False
            while True:
                m = await flooder.recv()
                if m["type"] == "warning":
                    warned = True
                if m["type"] == "goodbye":
                    check(m["reason"] == RATE_LIMIT, "flood goodbye %r" % m)
                    break
            check(warned, "no warning before the rate-limit goodbye")
            # Garbage from an established session is refused with an error, and the session goes on.
            dave.send(b"\x30\x00")
            error = await dave.expect("error")
            check(error["code"] == 1, "error %r" % error)

            # The others keep every message.
            for n in range(20):
                await carol.send({"type": "broadcast", "namespace": NS, "room": "arena", "payload": "carol %d" % n})
            got = []
            while len(got) < 20:
                m = await dave.expect("roomMessage")
                if m["senderName"] == "carol":
                    got.append(m["payload"])
            check(got == [b"carol %d" % n for n in range(20)], "dave got %r" % got)
            dave.send(broadcast("arena", b"still here"))
            while True:
                m = await carol.expect("roomMessage")
                if m["payload"] == "still here":
                    break

            metrics = urllib.request.urlopen("http://%s:%d/metrics" % (HOST, port), timeout=5).read().decode()
            values = {}
            for line in metrics.splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    values[name] = float(value)
            check(values['gamenet_connections{transport="websocket"}'] == 1, "websocket connections %r" % values)
            check(values['gamenet_connections{transport="tcp"}'] == 1, "tcp connections")
            check(values['gamenet_drops_total{cause="malformed"}'] >= 3, "malformed drops")
            check(values['gamenet_drops_total{cause="rateLimited"}'] >= 1, "rate drops")
            check(values['gamenet_sessions_ended_total{reason="rateLimit"}'] == 1, "rate-limit ends")
            check(values["gamenet_rooms"] == 1 and values["gamenet_messages_in_total"] > 100, "rooms and messages")
            check("gamenet_rtt_seconds_bucket{le=\"+Inf\"}" in values, "rtt histogram")
            status = json.loads(urllib.request.urlopen("http://%s:%d/status" % (HOST, port), timeout=5).read())
            check(status["status"] == "running" and status["connectedSessions"] == 2 and status["rooms"] == 1,
                  "status %r" % status)
            check(status["connections"] == {"kcp": 0, "tcp": 1, "websocket": 1}, "status connections %r" % status)
            await carol.ws.close()
            print("ok hostile")


        async def shutdown(port):
            alice = TCPClient(port)
            await alice.login()
            carol = WSClient(port)
            await carol.login()
            print("ready", flush=True)
            m = await alice.expect("goodbye", timeout=30)
            check(m["reason"] == SERVER_SHUTDOWN, "tcp goodbye %r" % m)
            m = await carol.expect("goodbye", timeout=30)
            check(m["reason"] == SERVER_SHUTDOWN, "ws goodbye %r" % m)
            print("ok shutdown")


        async def udp(port):
            alice = TCPClient(port)
            hello = await alice.login()
            alice.send(join("field", "alice"))
            await alice.expect("joined")
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.settimeout(1)
            sock.bind((HOST, 0))
            bound = None
            for _ in range(3):
                sock.sendto(datagram(hello["sessionID"], hello["key"], b"\x10"), (HOST, hello["udpPort"]))
                try:
                    bound = decode(sock.recvfrom(2048)[0])
                    break
                except socket.timeout:
                    pass
            check(bound == {"type": "udpBound", "sessionID": hello["sessionID"]}, "bind: %r" % bound)
            # A wrong key gets no answer at all.
            sock.sendto(datagram(hello["sessionID"], bytes(16), b"\x40" + struct.pack(">Q", 1)), (HOST, hello["udpPort"]))
            bob = WSClient(port)
            await bob.login()
            await bob.send({"type": "join", "namespace": NS, "room": "field", "name": "bob"})
            await bob.expect("joined")
            await bob.send({"type": "broadcast", "namespace": NS, "room": "field", "payload": "fast",
                            "channel": "unreliable"})
            m = decode(sock.recvfrom(2048)[0])
            check(m["type"] == "roomMessage" and m["payload"] == b"fast" and "seq" not in m, "udp got %r" % m)
            # A broadcast in a datagram frame reaches the WebSocket member.
            sock.sendto(datagram(hello["sessionID"], hello["key"], broadcast("field", b"from udp", unreliable=True)),
                        (HOST, hello["udpPort"]))
            m = await bob.expect("roomMessage")
            check(m["payload"] == "from udp" and "seq" not in m, "bob got %r" % m)
            await bob.ws.close()
            print("ok udp")


        async def over_kcp(port):
            erin = KCPClient(port)
            hello = await erin.login()
            check(hello["type"] == "hello" and hello["udpPort"] == port, "kcp hello: %r" % hello)
            erin.send(join("field", "erin"))
            await erin.expect("joined")
            bob = WSClient(port)
            await bob.login()
            await bob.send({"type": "join", "namespace": NS, "room": "field", "name": "bob"})
            await bob.expect("joined")
            await bob.send({"type": "broadcast", "namespace": NS, "room": "field", "payload": "to kcp"})
            m = await erin.expect("roomMessage")
            check(m["payload"] == b"to kcp" and m["senderName"] == "bob", "erin got %r" % m)
            erin.send(broadcast("field", b"from kcp"))
            m = await bob.expect("roomMessage")
            check(m["payload"] == "from kcp" and m["senderName"] == "erin", "bob got %r" % m)
            status = json.loads(urllib.request.urlopen("http://%s:%d/status" % (HOST, port), timeout=5).read())
            check(status["connections"]["kcp"] == 1, "status %r" % status)
            await bob.ws.close()
            print("ok kcp")


        def metrics(port):
            text = urllib.request.urlopen("http://%s:%d/metrics" % (HOST, port), timeout=5).read().decode()
            values = {}
            for line in text.splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    values[name] = float(value)
            return values


        async def wait_for_metric(port, name, at_least, timeout=20):
            deadline = time.monotonic() + timeout
            while True:
                value = metrics(port).get(name, 0)
                if value >= at_least:
                    return value
                check(time.monotonic() < deadline, "%s stayed at %r" % (name, value))
                await asyncio.sleep(0.1)


        async def flood_room(sender, receiver, count, size):
            """The TCP sender broadcasts `count` numbered messages of `size` bytes to room "hall"; the WebSocket
            receiver must get every one in order. Returns how many it got and the last memberExited it saw."""

            async def talk():
                for n in range(count):
                    sender.send(broadcast("hall", b"%06d" % n + b"x" * (size - 6)))
                    if n % 100 == 99:
                        await sender.writer.drain()
                        await asyncio.sleep(0.005)

            talker = asyncio.create_task(talk())
            got = 0
            exited = None
            while got < count:
                m = await receiver.recv(timeout=20)
                if m["type"] == "roomMessage":
                    check(m["payload"].startswith("%06d" % got), "got message %r, expected %d" % (m["payload"][:6], got))
                    got += 1
                elif m["type"] == "memberExited":
                    exited = m
            await talker
            return got, exited


        async def stalled(port, count=16000, size=1000):
            """A member that never reads (the server runs with --queue-bytes 256KiB): it is cut off as a slow consumer
            while another member gets every message, and the server's memory stays bounded."""
            carol = WSClient(port)
            await carol.login()
            await carol.send({"type": "join", "namespace": NS, "room": "hall", "name": "carol"})
            await carol.expect("joined")
            dave = TCPClient(port)
            await dave.login()
            dave.send(join("hall", "dave"))
            await dave.expect("joined")
            # The sloth: a small receive buffer, logged in and joined, then never read from again.
            sloth = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sloth.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sloth.settimeout(10)
            sloth.connect((HOST, port))
            for body in (client_hello(), join("hall", "sloth")):
                sloth.sendall(struct.pack(">I", len(body)) + body)
            hello = b""
            while b"sloth" not in hello:
                hello += sloth.recv(4096)
            sloth_id = struct.unpack(">Q", hello[4 + 3:4 + 11])[0]
            rss_before = server_rss(port)
            got, exited = await flood_room(dave, carol, count, size)
            check(exited is not None and exited["sessionID"] == sloth_id, "no memberExited for the sloth: %r" % exited)
            values = metrics(port)
            check(values['gamenet_sessions_ended_total{reason="slowConsumer"}'] == 1, "slow-consumer ends %r" % values)
            # The sloth's unread messages are not kept: resident memory grew by far less than the 16 MB sent to it (the
            # others' replay buffers hold up to 512 KiB each).
            grown = server_rss(port) - rss_before
            check(grown < count * size // 2, "server memory grew by %d bytes" % grown)
            sloth.close()
            await carol.ws.close()
            print("ok stalled: carol got %d messages, the sloth was cut off, server memory +%d KiB" % (got, grown // 1024))


        def server_rss(port):
            """The server's resident memory in bytes, from /status."""
            status = json.loads(urllib.request.urlopen("http://%s:%d/status" % (HOST, port), timeout=5).read())
            return status["residentBytes"]


        async def stalled_kcp(port, count=3000, size=1000):
            """A KCP member that stops acknowledging: the server's KCP queue for it passes --queue-bytes and the session
            is cut off while another member gets every message."""
            carol = WSClient(port)
            await carol.login()
            await carol.send({"type": "join", "namespace": NS, "room": "hall", "name": "carol"})
            await carol.expect("joined")
            erin = KCPClient(port)
            erin_hello = await erin.login()
            erin.send(join("hall", "erin"))
            await erin.expect("joined")
            # From here on erin neither reads nor acknowledges: its KCP stays silent.
            dave = TCPClient(port)
            await dave.login()
            dave.send(join("hall", "dave"))
            await dave.expect("joined")

            got, exited = await flood_room(dave, carol, count, size)
            check(exited is not None and exited["sessionID"] == erin_hello["sessionID"], "kcp member not cut off: %r" % exited)
            values = metrics(port)
            check(values['gamenet_sessions_ended_total{reason="slowConsumer"}'] == 1, "slow-consumer ends %r" % values)
            await carol.ws.close()
            print("ok stalled kcp: carol got %d messages, the silent KCP member was cut off" % got)


        async def churn(port, clients=1000, seconds=6):
            """1,000 clients log in and join, leave and drop at random while a room broadcasts: an observer in that room
            gets every broadcast once and in order, and the server ends with no session it should not have."""
            import random
            import resource
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
            rng = random.Random(7)
            observer = TCPClient(port)
            await observer.login()
            observer.send(join("main", "observer"))
            await observer.expect("joined")
            speaker = WSClient(port)
            await speaker.login()
            await speaker.send({"type": "join", "namespace": NS, "room": "main", "name": "speaker"})
            await speaker.expect("joined")

            async def drain(client):
                # Reads whatever the server sends, answering pings, until the connection ends.
                try:
                    while True:
                        await client.recv(timeout=60)
                except Exception:
                    pass

            async def churner(n):
                # Logins arrive over about two seconds, as a crowd does, not in one burst past the listen backlog.
                await asyncio.sleep(n * 0.002)
                client = TCPClient(port)
                # One Python process plays 1,000 clients: on a small machine its own loop can lag by seconds.
                hello = await client.login(timeout=40)
                check(hello["type"] == "hello", "churner %d: %r" % (n, hello))
                reader_task = asyncio.create_task(drain(client))
                end = time.monotonic() + seconds
                joined = set()
                while time.monotonic() < end:
                    # Mostly small side rooms, sometimes the broadcasting one: every join and leave is an event for
                    # each member of the room, which this one Python process has to read for all 1,000 clients.
                    room = "main" if rng.random() < 0.05 else "side-%d" % rng.randrange(100)
                    if room in joined and rng.random() < 0.5:
                        client.send(b"\x22" + string(NS) + string(room))
                        joined.discard(room)
                    elif room not in joined and len(joined) < 4:
                        client.send(join(room, "c%d" % n))
                        joined.add(room)
                    await asyncio.sleep(rng.uniform(0.2, 1.0))
                if rng.random() < 0.5:
                    client.drop()
                else:
                    client.writer.close()
                reader_task.cancel()

            sent = 0

            async def speak():
                nonlocal sent
                end = time.monotonic() + seconds + 1
                while time.monotonic() < end:
                    await speaker.send({"type": "broadcast", "namespace": NS, "room": "main", "payload": "m%d" % sent})
                    sent += 1
                    await asyncio.sleep(0.01)

            got = []

            async def observe():
                # Until the speaker's last word, "end".
                while True:
                    m = await observer.recv(timeout=40)
                    if m["type"] == "roomMessage" and m["senderName"] == "speaker":
                        if m["payload"] == b"end":
                            return
                        got.append(m["payload"].decode())

            speaking = asyncio.create_task(speak())
            observing = asyncio.create_task(observe())
            logins = [asyncio.create_task(churner(n)) for n in range(clients)]
            for task in logins:
                await task
            await speaking
            await speaker.send({"type": "broadcast", "namespace": NS, "room": "main", "payload": "end"})
            await asyncio.wait_for(observing, 40)
            check(got == ["m%d" % n for n in range(sent)], "observer got %d of %d in order" % (len(got), sent))
            # Every churner is gone: only the observer's and the speaker's sessions stay, the others end within the
            # resume window (dropped) or at once (closed); rooms without members are gone.
            status = json.loads(urllib.request.urlopen("http://%s:%d/status" % (HOST, port), timeout=5).read())
            check(status["status"] == "running", "status %r" % status)
            check(status["connections"]["tcp"] == 1 and status["connections"]["websocket"] == 1, "connections %r" % status)
            values = metrics(port)
            check(values["gamenet_sessions_started_total"] >= clients + 2, "sessions started %r" % values)
            await speaker.ws.close()
            print("ok churn: %d clients, observer got all %d broadcasts in order" % (clients, sent))


        SCENARIOS = {"kcp": over_kcp, "rooms": rooms, "resume": resume, "hostile": hostile, "shutdown": shutdown, "udp": udp,
                     "stalled": stalled, "stalled-kcp": stalled_kcp, "churn": churn}

        if __name__ == "__main__":
            asyncio.run(asyncio.wait_for(SCENARIOS[sys.argv[1]](int(sys.argv[2])), 90))
        """#
}
