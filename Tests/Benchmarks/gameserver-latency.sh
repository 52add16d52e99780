#!/usr/bin/env bash
# Benchmarks the game server's end-to-end latency per transport and its memory per idle session, on 127.0.0.1 only.
#
# Latency: two clients of one `gamenet serve` join one room; one broadcasts MESSAGES messages of PAYLOAD bytes, one
# at a time (closed loop), and the other times each from just before its send to its arrival (both clients in one
# Python process on one clock, so the figure is sender → server → receiver, one way). The transports: the binary codec
# on TCP, the JSON form and the binary codec on WebSocket, the binary codec on KCP (the reference C KCP from the `kcp`
# package, fast mode), and raw UDP datagrams for both clients (bound sessions, an unreliable broadcast). The same
# harness also times the same messages bounced through a plain TCP echo server (Python asyncio), so the Python
# client's own cost is printed beside the server's. Reported: p50, p90, p99 and max in microseconds.
#
# Memory: IDLE sessions log in over TCP (and then over WebSocket), join one of the rooms of 10 members each and go
# quiet; the server's resident memory (from its /status) before and after, divided by the sessions, is the memory per
# idle session.
#
# Environment:
#   GAMENET         gamenet binary to use; default: a release build in .build-release/ (built here)
#   GAMENET_PYTHON  Python with `websockets` and `kcp`; default: .build/venv/bin/python, else python3
#   MESSAGES        messages timed per transport (default 2000)
#   PAYLOAD         payload bytes per message (default 32)
#   IDLE            idle sessions for the memory figure, per transport (default 2000)
#
# Needs bash 5, setsid and Python with `websockets` and `kcp`.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-2000}
PAYLOAD=${PAYLOAD:-32}
IDLE=${IDLE:-2000}
STARTUP_TIMEOUT=10
check_positive MESSAGES PAYLOAD IDLE

init_work gamenet-latency
require_tools setsid
resolve_gamenet
if [[ -z ${GAMENET_PYTHON:-} ]]; then
    GAMENET_PYTHON=python3
    [[ -x $root/.build/venv/bin/python ]] && GAMENET_PYTHON=$root/.build/venv/bin/python
fi
"$GAMENET_PYTHON" -c 'import websockets.asyncio.client, kcp' 2>/dev/null || {
    echo "error: $GAMENET_PYTHON lacks websockets 13+ or kcp (set GAMENET_PYTHON, or pip install websockets kcp)" >&2
    exit 69
}
ulimit -n "$(ulimit -Hn)"

cat >"$work/latency.py" <<'PYTHON'
import asyncio, json, random, resource, socket, struct, sys, time, urllib.request
import websockets
from websockets.asyncio.client import connect as ws_connect

HOST = "127.0.0.1"
MODE, PORT, MESSAGES, PAYLOAD = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
clock = time.perf_counter_ns


def string(text):
    data = text.encode()
    return struct.pack(">H", len(data)) + data


HELLO = b"\x01GNET\x01\x00\x01\x00"


def join(room, name):
    return b"\x20" + string("/") + string(room) + struct.pack(">H", 0) + string(name)


def broadcast(room, data, unreliable=False):
    return b"\x30" + string("/") + string(room) + bytes([2 if unreliable else 0]) + struct.pack(">I", len(data)) + data


def message_type(frame):
    # A sequenced frame (0x7E) carries its sequence number before the message.
    return frame[9] if frame[0] == 0x7E else frame[0]


def payload_of(frame):
    # roomMessage: namespace, room, sender id, sender name, then the u32-prefixed payload.
    pos = 10 if frame[0] == 0x7E else 1
    for _ in range(2):
        pos += 2 + struct.unpack(">H", frame[pos:pos + 2])[0]
    pos += 8
    pos += 2 + struct.unpack(">H", frame[pos:pos + 2])[0]
    return frame[pos + 4:pos + 4 + struct.unpack(">I", frame[pos:pos + 4])[0]]


class TCP:
    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(HOST, PORT)
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, body):
        self.writer.write(struct.pack(">I", len(body)) + body)

    async def recv(self):
        header = await self.reader.readexactly(4)
        return await self.reader.readexactly(struct.unpack(">I", header)[0])


class WS:
    def __init__(self, json_form):
        self.json_form = json_form

    async def open(self):
        self.ws = await ws_connect("ws://%s:%d/" % (HOST, PORT), compression=None, max_size=None)

    def send(self, body):
        return self.ws.send(body)

    async def recv(self):
        return await self.ws.recv()


class KCP:
    async def open(self):
        import kcp
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect((HOST, PORT))
        self.sock.setblocking(False)
        self.k = kcp.KCP(random.randint(1, 0x7FFFFFFF), max_transmission=1400, no_delay=True, update_interval=10,
                         resend_count=2, no_congestion_control=True, send_window_size=128, receive_window_size=128)
        self.k.include_outbound_handler(lambda _k, data: self.sock.send(data))
        self.inbox = []
        self.loop = asyncio.get_running_loop()
        self.ready = asyncio.Event()
        self.loop.add_reader(self.sock.fileno(), self.readable)

    def now(self):
        return (clock() // 1_000_000) & 0xFFFFFFFF

    def readable(self):
        while True:
            try:
                self.k.receive(self.sock.recv(65536))
            except BlockingIOError:
                break
        self.k.update(self.now())
        self.inbox.extend(bytes(m) for m in self.k.get_all_received() if len(m) > 0)
        if self.inbox:
            self.ready.set()

    def send(self, body):
        self.k.enqueue(body)
        self.k.flush()

    async def recv(self):
        while not self.inbox:
            self.ready.clear()
            try:
                await asyncio.wait_for(self.ready.wait(), 0.01)
            except asyncio.TimeoutError:
                self.k.update(self.now())
        return self.inbox.pop(0)


async def game_client(kind, name):
    client = {"tcp": TCP, "kcp": KCP}.get(kind, lambda: WS(kind == "ws-json"))()
    await client.open()
    if kind == "ws-json":
        await client.send(json.dumps({"type": "clientHello", "versions": [1]}))
        hello = json.loads(await client.recv())
        await client.send(json.dumps({"type": "join", "namespace": "/", "room": "bench", "name": name}))
        while json.loads(await client.recv())["type"] != "joined":
            pass
        return client, hello["sessionID"], bytes.fromhex(hello["key"])
    result = client.send(HELLO)
    if result is not None:
        await result
    hello = await client.recv()
    session, key = struct.unpack(">Q", hello[3:11])[0], hello[11:27]
    result = client.send(join("bench", name))
    if result is not None:
        await result
    while message_type(await client.recv()) != 0x21:
        pass
    return client, session, key


async def latency(kind):
    transport = "tcp" if kind == "udp" else kind
    sender, s_id, s_key = await game_client(transport, "sender")
    receiver, r_id, r_key = await game_client(transport, "receiver")
    data = b"x" * PAYLOAD
    samples = []
    if kind == "udp":
        socks = []
        for session, key in ((s_id, s_key), (r_id, r_key)):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.connect((HOST, PORT))
            sock.settimeout(2)
            sock.send(b"\x7f" + struct.pack(">Q", session) + key + b"\x10")
            sock.recv(2048)  # udpBound
            socks.append(sock)
        prefix = b"\x7f" + struct.pack(">Q", s_id) + s_key
        body = prefix + broadcast("bench", data, unreliable=True)
        lost = 0
        for _ in range(MESSAGES + 100):
            start = clock()
            socks[0].send(body)
            try:
                socks[1].recv(2048)
                samples.append(clock() - start)
            except socket.timeout:
                lost += 1
        samples = samples[100:]
    else:
        body = (json.dumps({"type": "broadcast", "namespace": "/", "room": "bench", "payload": data.decode()})
                if kind == "ws-json" else broadcast("bench", data))
        for n in range(MESSAGES + 100):
            start = clock()
            result = sender.send(body)
            if result is not None:
                await result
            while True:
                frame = await receiver.recv()
                if kind == "ws-json":
                    if json.loads(frame)["type"] == "roomMessage":
                        break
                elif message_type(frame) == 0x31:
                    break
            if n >= 100:
                samples.append(clock() - start)
    return samples


async def echo_baseline():
    async def handle(reader, writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                header = await reader.readexactly(4)
                writer.write(header + await reader.readexactly(struct.unpack(">I", header)[0]))
        except asyncio.IncompleteReadError:
            writer.close()

    server = await asyncio.start_server(handle, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = broadcast("bench", b"x" * PAYLOAD)
    samples = []
    for n in range(MESSAGES + 100):
        start = clock()
        writer.write(struct.pack(">I", len(body)) + body)
        header = await reader.readexactly(4)
        await reader.readexactly(struct.unpack(">I", header)[0])
        if n >= 100:
            samples.append(clock() - start)
    writer.close()
    server.close()
    return samples


def report(name, samples):
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] / 1000
    print("%-28s %8.1f %8.1f %8.1f %9.1f %7d" % (name, pick(0.5), pick(0.9), pick(0.99), samples[-1] / 1000,
                                                  len(samples)))


def resident():
    return json.loads(urllib.request.urlopen("http://%s:%d/status" % (HOST, PORT), timeout=10).read())["residentBytes"]


async def idle(kind, count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = resident()
    clients = []
    for n in range(count):
        client = {"tcp": TCP}.get(kind, lambda: WS(True))()
        await client.open()
        if kind == "tcp":
            client.send(HELLO)
            await client.recv()
            client.send(join("idle-%d" % (n // 10), "i%d" % n))
            while message_type(await client.recv()) != 0x21:
                pass
        else:
            await client.send(json.dumps({"type": "clientHello", "versions": [1]}))
            await client.recv()
            await client.send(json.dumps({"type": "join", "namespace": "/", "room": "idle-%d" % (n // 10)}))
            while json.loads(await client.recv())["type"] != "joined":
                pass
        clients.append(client)
    await asyncio.sleep(2)
    after = resident()
    print("%-10s %6d sessions: resident %6.1f MiB -> %6.1f MiB, %6.2f KiB per idle session" % (
        kind, count, before / 2**20, after / 2**20, (after - before) / count / 1024))
    return clients


async def main():
    if MODE == "latency":
        print("%-28s %8s %8s %8s %9s %7s" % ("path (one way, µs)", "p50", "p90", "p99", "max", "count"))
        report("python TCP echo (round trip)", await echo_baseline())
        for kind in ("tcp", "ws-binary", "ws-json", "kcp", "udp"):
            report("gamenet serve " + kind, await latency(kind))
    else:
        held = []
        for kind in ("tcp", "ws"):
            held += await idle(kind, MESSAGES)


asyncio.run(main())
PYTHON

serve() {
    start "gamenet-$1" "$GAMENET" serve --listen 127.0.0.1:0 --rate 100000 --heartbeat 5m --drain 100ms
    server_pid=$started
    wait_port "gamenet-$1" "$server_pid" 'listening on tcp://127\.0\.0\.1:[0-9]+'
}

echo "game server latency: $MESSAGES messages of $PAYLOAD bytes per transport, closed loop, after 100 not counted"
serve latency
"$GAMENET_PYTHON" "$work/latency.py" latency "$port" "$MESSAGES" "$PAYLOAD"
stop "$server_pid"
echo
echo "memory per idle session: $IDLE sessions per transport, each in a room of 10"
serve memory
"$GAMENET_PYTHON" "$work/latency.py" memory "$port" "$IDLE" "$PAYLOAD"
stop "$server_pid"
