#!/usr/bin/env bash
# Benchmarks gamenet's WebSocket echo, in one run, on 127.0.0.1 only.
#
#   1. Round-trip time, WebSocket vs raw TCP, through one `gamenet serve --echo` server (it serves both on the same
#      port). A C client (compiled here with $CC) holds two connections with TCP_NODELAY, one WebSocket and one raw
#      TCP, each closed loop (one message in flight), the two taking turns in blocks of 100 round trips so that both
#      see the same conditions on a busy machine. For WebSocket it does the handshake itself (a fixed
#      Sec-WebSocket-Key; the 101 and Sec-WebSocket-Accept are checked), sends each message as one masked binary
#      frame (masked once; only an 8-byte counter is re-masked each time) and reads the unmasked echoed frame; for
#      TCP it sends the payload and reads exactly that many bytes back. Every echo is compared with what was sent,
#      outside the timed part. Timed on CLOCK_MONOTONIC from before the send to the last byte of the echo. For each
#      size in RTT_SIZES: PINGS timed round trips per connection (PINGS_LARGE for sizes above 4096) after
#      WARMUP_PINGS untimed ones; RUNS rounds, fresh connections each. The server runs with RTT_LOOPS event loops
#      (default 1, so that both connections are served by the same thread: with more, which loop shares a CPU with
#      the client sways the round trip more than the protocol does). Reported: the median over the rounds of each
#      p50 / p99 / mean; the ratio WS p50 / TCP p50 of each round and their median (target: at most 1.15x), taken
#      per round because the background load of a shared machine moves both figures together; and the median of
#      WS p50 - TCP p50, what WebSocket adds in microseconds.
#   2. Echo throughput and server CPU cost: LOAD_SIZE-byte binary messages over LOAD_CONNS WebSocket connections,
#      against three echo servers started in this run: `gamenet serve --echo` (its default event loops, one per CPU),
#      a Python `websockets` server (asyncio's default loop) and a Node `ws` server (both inline scripts below,
#      permessage-deflate off; the client offers no extension anyway). One load generator for all three: the same C program, one thread, epoll (edge-triggered), every
#      connection keeping LOAD_WINDOW messages in flight (pipelined: a new message goes out as each echo comes
#      back). It counts the echoes that arrive in LOAD_SECONDS after LOAD_WARMUP seconds, and reads the server's
#      utime+stime (/proc/PID/stat, all threads, in CLK_TCK ticks) at the start and end of that interval. Reported:
#      messages/s, server CPU seconds, messages per server CPU-second, and the ratios of messages per CPU-second
#      gamenet/node-ws (target: at least 3x) and gamenet/python. LOAD_RUNS rounds, the servers interleaved; medians,
#      and the ratio in each round.
#
# The load generator shares the machine with the server (and, on a shared machine, with everything else running), so
# the rates say as much about the CPU left over as about the server; messages per server CPU-second is the figure to
# compare. It depends on LOAD_WINDOW: a server that answers all the messages of one read with one write gains from
# pipelining, and with LOAD_WINDOW=1 every message costs a read and a write whatever the server.
#
# Environment:
#   GAMENET         gamenet binary to use; default: a release build in .build-release/ (built here)
#   GAMENET_PYTHON  Python with `websockets` (13 or later); default: .build/venv/bin/python, else python3
#   NODE            node binary (default node); the `ws` module is looked up in NODE_PATH, /usr/share/nodejs,
#                   /usr/lib/nodejs, /usr/local/lib/node_modules (Debian: apt-get install -y node-ws)
#   CC              C compiler for the client (default cc)
#   RTT_SIZES       message sizes for the round-trip time (default "32 1024 65536")
#   PINGS           timed round trips per RTT measurement, sizes up to 4096 (default 20000)
#   PINGS_LARGE     the same for larger sizes (default 5000)
#   WARMUP_PINGS    untimed round trips before those (default 500)
#   RUNS            RTT rounds; the median is reported (default 5)
#   RTT_LOOPS       event loops of the RTT server (NIO_SINGLETON_GROUP_LOOP_COUNT; default 1)
#   LOAD_LOOPS      event loops of the throughput test's gamenet server (default: NIO's, one per CPU)
#   LOAD_SIZE       message size of the throughput test (default 512)
#   LOAD_CONNS      concurrent connections (default 100)
#   LOAD_WINDOW     messages in flight per connection (default 4)
#   LOAD_SECONDS    seconds counted per throughput measurement (default 5)
#   LOAD_WARMUP     seconds of load before counting starts (default 1)
#   LOAD_RUNS       throughput rounds; the median is reported (default 3)
#
# Needs bash 5, a C compiler, setsid, timeout, node with `ws` and Python with `websockets`. The default run takes
# about a minute and a half after the build.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

RTT_SIZES=${RTT_SIZES:-32 1024 65536}
PINGS=${PINGS:-20000}
PINGS_LARGE=${PINGS_LARGE:-5000}
WARMUP_PINGS=${WARMUP_PINGS:-500}
RUNS=${RUNS:-5}
RTT_LOOPS=${RTT_LOOPS:-1}
LOAD_LOOPS=${LOAD_LOOPS:-}
LOAD_SIZE=${LOAD_SIZE:-512}
LOAD_CONNS=${LOAD_CONNS:-100}
LOAD_WINDOW=${LOAD_WINDOW:-4}
LOAD_SECONDS=${LOAD_SECONDS:-5}
LOAD_WARMUP=${LOAD_WARMUP:-1}
LOAD_RUNS=${LOAD_RUNS:-3}
NODE=${NODE:-node}
CC=${CC:-cc}
STARTUP_TIMEOUT=10      # seconds a server may take to start listening
RTT_TIMEOUT=600         # seconds one RTT measurement may take (each read also gives up after 10 s on its own)

check_positive PINGS PINGS_LARGE RUNS RTT_LOOPS LOAD_SIZE LOAD_CONNS LOAD_WINDOW LOAD_RUNS
check_number WARMUP_PINGS
check_seconds LOAD_SECONDS LOAD_WARMUP
awk -v s="$LOAD_SECONDS" 'BEGIN { exit !(s > 0) }' || { echo "error: LOAD_SECONDS must be above 0" >&2; exit 64; }
for size in $RTT_SIZES; do
    if ! [[ $size =~ ^[1-9][0-9]*$ ]] || ((size < 9 || size > 16777216)); then
        echo "error: RTT_SIZES must hold sizes from 9 to 16777216 bytes, not '$size'" >&2
        exit 64
    fi
done
((LOAD_SIZE >= 9 && LOAD_SIZE <= 65535)) || { echo "error: LOAD_SIZE must be from 9 to 65535" >&2; exit 64; }
for tool in "$CC" "$NODE" setsid timeout; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 69; }
done

init_work gamenet-bench

gamenet_regex='listening on tcp://127\.0\.0\.1:[0-9]+'
script_regex='listening on ws://127\.0\.0\.1:[0-9]+'

# MARK: - Arithmetic

# median_as FORMAT: the median, printed with the awk FORMAT.
median_as() { median | awk -v f="$1" '{ printf f, $1 }'; }

# verdict_target A B OP LIMIT: verdict (lib.sh) followed by the target, as "meets target <=1.15x"; n/a when B is not
# positive.
verdict_target() {
    local word
    word=$(verdict "$@")
    if [[ $word == n/a ]]; then echo n/a; else printf '%s target %s%sx' "$word" "$3" "$4"; fi
}

# MARK: - Tools

resolve_gamenet

if [[ -z ${GAMENET_PYTHON:-} ]]; then
    GAMENET_PYTHON=python3
    [[ -x $root/.build/venv/bin/python ]] && GAMENET_PYTHON=$root/.build/venv/bin/python
fi
websockets_version=$("$GAMENET_PYTHON" -c 'import websockets.asyncio.server, websockets; print(websockets.__version__)') || {
    echo "error: $GAMENET_PYTHON has no websockets 13 or later (set GAMENET_PYTHON, or pip install websockets)" >&2
    exit 69
}

# The Node `ws` module: NODE_PATH as given, else where Debian's node-ws (or npm -g) puts it.
for dir in ${NODE_PATH:+${NODE_PATH//:/ }} /usr/share/nodejs /usr/lib/nodejs /usr/local/lib/node_modules; do
    if [[ -f $dir/ws/package.json ]]; then
        export NODE_PATH=$dir${NODE_PATH:+:$NODE_PATH}
        break
    fi
done
ws_version=$("$NODE" -e 'console.log(require("ws/package.json").version)' 2>/dev/null) || {
    echo "error: node cannot find the ws module (apt-get install -y node-ws, or set NODE_PATH)" >&2
    exit 69
}

echo "gamenet:    $GAMENET" >&2
echo "python:     $GAMENET_PYTHON (websockets $websockets_version)" >&2
echo "node:       $("$NODE" --version) (ws $ws_version, NODE_PATH=$NODE_PATH)" >&2

# MARK: - Programs

# The client: round trips (rtt) and the load generator (load); its opening comment says what each does.
cat >"$work/wsbench.c" <<'C'
// wsbench: the client side of Tests/Benchmarks/websocket.sh.
//
//   wsbench rtt PORT SIZE COUNT WARMUP
//       Two connections to 127.0.0.1:PORT, TCP_NODELAY: a WebSocket one and a raw TCP one. Closed loop on each:
//       send one message of SIZE bytes, read its echo; WARMUP untimed then COUNT timed round trips on each, the two
//       connections taking turns in blocks of 100. ws: a masked binary frame out, the echoed unmasked binary frame
//       back; tcp: SIZE bytes out, exactly SIZE bytes back. Every echo is compared with what was sent (outside the
//       timed part). Prints "ws_p50 ws_p99 ws_mean tcp_p50 tcp_p99 tcp_mean" in microseconds.
//   wsbench load PORT SIZE CONNS WINDOW WARMUP_S SECONDS SERVER_PID
//       CONNS WebSocket connections driven from one thread with epoll; each keeps WINDOW binary messages of SIZE
//       bytes in flight (a new one is sent when an echo comes back). After WARMUP_S seconds, counts the echoes that
//       arrive in SECONDS seconds and reads utime+stime of SERVER_PID from /proc before and after. Prints
//       "messages elapsed_seconds server_cpu_seconds".
//
// Every blocking read or write gives up after 10 s (SO_RCVTIMEO/SO_SNDTIMEO), and the load loop fails after 10 s
// without progress, so the program cannot hang.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define IO_TIMEOUT_S 10

static void die(const char *what) {
    fprintf(stderr, "wsbench: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static void fail(const char *message) {
    fprintf(stderr, "wsbench: %s\n", message);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long parse(const char *text, const char *name) {
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || *end || value < 0) {
        fprintf(stderr, "wsbench: bad %s '%s'\n", name, text);
        exit(64);
    }
    return value;
}

static double parse_seconds(const char *text, const char *name) {
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || *end || !(value >= 0)) {
        fprintf(stderr, "wsbench: bad %s '%s'\n", name, text);
        exit(64);
    }
    return value;
}

static void write_all(int fd, const uint8_t *data, size_t length) {
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("send");
        }
        data += n;
        length -= (size_t)n;
    }
}

static void read_exact(int fd, uint8_t *data, size_t length) {
    while (length > 0) {
        ssize_t n = recv(fd, data, length, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("recv (an echo did not arrive within 10 s?)");
        }
        if (n == 0) fail("connection closed by the server");
        data += n;
        length -= (size_t)n;
    }
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY");
    struct timeval timeout = {IO_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
    return fd;
}

// The RFC 6455 §1.3 example key and its accept value.
#define WS_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define WS_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static void handshake(int fd, int port) {
    char request[512];
    int length = snprintf(request, sizeof request,
                          "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: " WS_KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                          port);
    write_all(fd, (const uint8_t *)request, (size_t)length);
    // Byte at a time up to the end of the headers, so that nothing after them is consumed here (the server sends
    // nothing more before the client does anyway).
    char response[4096];
    size_t have = 0;
    while (have < 4 || memcmp(response + have - 4, "\r\n\r\n", 4) != 0) {
        if (have == sizeof response - 1) fail("handshake response too long");
        read_exact(fd, (uint8_t *)response + have, 1);
        have++;
    }
    response[have] = 0;
    if (strncmp(response, "HTTP/1.1 101", 12) != 0) {
        fprintf(stderr, "wsbench: handshake refused:\n%s", response);
        exit(1);
    }
    const char *accept = strcasestr(response, "\r\nSec-WebSocket-Accept:");
    if (!accept) fail("no Sec-WebSocket-Accept in the 101 response");
    accept += strlen("\r\nSec-WebSocket-Accept:");
    while (*accept == ' ') accept++;
    if (strncmp(accept, WS_ACCEPT "\r\n", strlen(WS_ACCEPT) + 2) != 0) fail("wrong Sec-WebSocket-Accept");
}

static const uint8_t mask_key[4] = {0x37, 0xfa, 0x21, 0x3d};

// Writes the header of a masked binary frame of LENGTH bytes to FRAME; returns its size.
static size_t frame_header(uint8_t *frame, size_t length) {
    size_t n = 0;
    frame[n++] = 0x82;  // FIN, binary
    if (length <= 125) {
        frame[n++] = 0x80 | (uint8_t)length;
    } else if (length <= 0xffff) {
        frame[n++] = 0x80 | 126;
        frame[n++] = (uint8_t)(length >> 8);
        frame[n++] = (uint8_t)length;
    } else {
        frame[n++] = 0x80 | 127;
        for (int shift = 56; shift >= 0; shift -= 8) frame[n++] = (uint8_t)(length >> shift);
    }
    memcpy(frame + n, mask_key, 4);
    return n + 4;
}

// The payload: 'x' first (so that the server's sniffing sees raw TCP at once, not a possible HTTP method), then
// an 8-byte counter (changed each round trip, so that a stale echo shows), then a pattern.
static void fill_payload(uint8_t *payload, size_t size) {
    for (size_t i = 0; i < size; i++) payload[i] = (uint8_t)(i * 7 + 3);
    payload[0] = 'x';
}

static void sendclose(int fd) {
    // A masked close frame with status 1000; the answer is not awaited.
    uint8_t frame[8] = {0x88, 0x82, mask_key[0], mask_key[1], mask_key[2], mask_key[3], 0x03 ^ mask_key[0],
                        0xe8 ^ mask_key[1]};
    send(fd, frame, sizeof frame, MSG_NOSIGNAL);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// One closed-loop connection of the rtt mode.
struct pinger {
    int ws, fd;
    size_t size, header, echo_header_size;
    uint8_t *out, *expected, *in, echo_header[10];
    uint64_t *samples;
    double total;
};

static void pinger_open(struct pinger *p, int ws, int port, size_t size, long count) {
    memset(p, 0, sizeof *p);
    p->ws = ws;
    p->size = size;
    p->fd = connect_to(port);
    if (ws) handshake(p->fd, port);
    // out: what is sent (the frame header, if any, then the payload, masked for ws); expected: the payload as it
    // must come back; in: what comes back (header and payload).
    p->out = malloc(14 + size);
    p->expected = malloc(size);
    p->in = malloc(14 + size);
    p->samples = malloc(sizeof(uint64_t) * (size_t)count);
    if (!p->out || !p->expected || !p->in || !p->samples) die("malloc");
    if (ws) p->header = frame_header(p->out, size);
    fill_payload(p->expected, size);
    for (size_t i = 0; i < size; i++) p->out[p->header + i] = p->expected[i] ^ (ws ? mask_key[i & 3] : 0);
    if (ws) {
        // The header the server's (unmasked) echo must have.
        p->echo_header_size = frame_header(p->echo_header, size) - 4;
        p->echo_header[1] &= 0x7f;
    }
}

// One round trip; sample INDEX (< 0: warm-up, not recorded). The 8-byte counter after the first byte changes every
// time, so that a stale echo shows.
static void pinger_ping(struct pinger *p, long index, uint64_t counter) {
    memcpy(p->expected + 1, &counter, 8);
    for (size_t j = 1; j < 9; j++) p->out[p->header + j] = p->expected[j] ^ (p->ws ? mask_key[j & 3] : 0);

    uint64_t start = now_ns();
    write_all(p->fd, p->out, p->header + p->size);
    read_exact(p->fd, p->in, p->echo_header_size + p->size);
    uint64_t elapsed = now_ns() - start;

    if (p->ws && memcmp(p->in, p->echo_header, p->echo_header_size) != 0) fail("unexpected frame header in the echo");
    if (memcmp(p->in + p->echo_header_size, p->expected, p->size) != 0) fail("echo mismatch");
    if (index >= 0) {
        p->samples[index] = elapsed;
        p->total += (double)elapsed;
    }
}

static void pinger_report(struct pinger *p, long count) {
    if (p->ws) sendclose(p->fd);
    close(p->fd);
    qsort(p->samples, (size_t)count, sizeof *p->samples, compare_u64);
    double p50 = (double)(p->samples[(count - 1) / 2] + p->samples[count / 2]) / 2.0;
    long p99_index = (99 * count + 99) / 100 - 1;  // ceil(0.99 * count) - 1
    if (p99_index >= count) p99_index = count - 1;
    printf(" %.2f %.2f %.2f", p50 / 1000, (double)p->samples[p99_index] / 1000.0, p->total / (double)count / 1000);
}

#define RTT_BLOCK 100  // round trips on one connection before switching to the other

static int rtt(int argc, char **argv) {
    if (argc != 6) fail("usage: wsbench rtt PORT SIZE COUNT WARMUP");
    int port = (int)parse(argv[2], "port");
    size_t size = (size_t)parse(argv[3], "size");
    long count = parse(argv[4], "count"), warmup = parse(argv[5], "warmup");
    if (size < 9) fail("size must be at least 9");
    if (count < 1) fail("count must be at least 1");

    // Both connections at once, taking turns in blocks, so that both see the same conditions on a busy machine.
    struct pinger pingers[2];
    pinger_open(&pingers[0], 1, port, size, count);
    pinger_open(&pingers[1], 0, port, size, count);
    uint64_t counter = 0;
    for (long block = -warmup; block < count; block += RTT_BLOCK) {
        long n = count - block < RTT_BLOCK ? count - block : RTT_BLOCK;
        if (block < 0 && -block < n) n = -block;  // the warm-up ends at 0
        for (int k = 0; k < 2; k++)
            for (long i = block; i < block + n; i++) pinger_ping(&pingers[k], i, counter++);
    }
    pinger_report(&pingers[0], count);
    pinger_report(&pingers[1], count);
    printf("\n");
    return 0;
}

// MARK: - Load

struct connection {
    int fd;
    size_t out_offset;   // bytes of the pending output already sent
    size_t out_pending;  // bytes still to send: whole frames, the same one repeated
    uint8_t *in;         // received, not yet parsed
    size_t in_have;
};

static double server_cpu_seconds(long pid) {
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *file = fopen(path, "r");
    if (!file) die("cannot read the server's /proc/PID/stat");
    size_t n = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[n] = 0;
    // Fields after the command name, which is in parentheses and may contain spaces: state is field 3, utime 14,
    // stime 15.
    char *p = strrchr(text, ')');
    if (!p) fail("unexpected /proc/PID/stat");
    unsigned long long utime, stime;
    if (sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &utime, &stime) != 2)
        fail("unexpected /proc/PID/stat");
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int load(int argc, char **argv) {
    if (argc != 9) fail("usage: wsbench load PORT SIZE CONNS WINDOW WARMUP_S SECONDS SERVER_PID");
    int port = (int)parse(argv[2], "port");
    size_t size = (size_t)parse(argv[3], "size");
    long conns = parse(argv[4], "conns"), window = parse(argv[5], "window");
    double warmup_s = parse_seconds(argv[6], "warmup"), seconds = parse_seconds(argv[7], "seconds");
    long server_pid = parse(argv[8], "server pid");
    if (size < 1 || size > 65535) fail("size must be 1...65535");
    if (conns < 1 || window < 1 || seconds <= 0) fail("conns and window must be at least 1, seconds above 0");

    // One frame, masked once with a fixed key, sent again and again; the echo must be its unmasked payload.
    uint8_t frame[14 + 65535], payload[65535], echo_header[4];
    size_t header = frame_header(frame, size);
    size_t frame_size = header + size;
    fill_payload(payload, size);
    for (size_t i = 0; i < size; i++) frame[header + i] = payload[i] ^ mask_key[i & 3];
    size_t echo_header_size = header - 4;
    memcpy(echo_header, frame, echo_header_size);
    echo_header[1] &= 0x7f;
    size_t echo_size = echo_header_size + size;
    size_t in_capacity = echo_size * (size_t)window + 65536;
    // The pending output of a connection is at most WINDOW frames, sent from a buffer of WINDOW copies.
    uint8_t *frames = malloc(frame_size * (size_t)window);
    if (!frames) die("malloc");
    for (long i = 0; i < window; i++) memcpy(frames + (size_t)i * frame_size, frame, frame_size);

    struct connection *c = calloc((size_t)conns, sizeof *c);
    if (!c) die("calloc");
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    for (long i = 0; i < conns; i++) {
        c[i].fd = connect_to(port);
        handshake(c[i].fd, port);
        c[i].in = malloc(in_capacity);
        if (!c[i].in) die("malloc");
        if (fcntl(c[i].fd, F_SETFL, O_NONBLOCK) < 0) die("O_NONBLOCK");
        struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u64 = (uint64_t)i};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, c[i].fd, &event) < 0) die("epoll_ctl");
        c[i].out_pending = frame_size * (size_t)window;
    }

    uint64_t start = now_ns();
    uint64_t warm_until = start + (uint64_t)(warmup_s * 1e9);
    uint64_t end = warm_until + (uint64_t)(seconds * 1e9);
    uint64_t measured_start = 0, last_progress = start, messages = 0;
    double cpu_before = 0;
    int measuring = 0;
    struct epoll_event events[256];
    for (;;) {
        uint64_t now = now_ns();
        if (!measuring && now >= warm_until) {
            measuring = 1;
            messages = 0;
            measured_start = now;
            cpu_before = server_cpu_seconds(server_pid);
        }
        if (measuring && now >= end) break;
        if (now - last_progress > (uint64_t)IO_TIMEOUT_S * 1000000000u) fail("no echo for 10 s");
        int ready = epoll_wait(epoll, events, 256, 100);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int e = 0; e < ready; e++) {
            struct connection *k = &c[events[e].data.u64];
            if (events[e].events & (EPOLLERR | EPOLLHUP)) fail("a connection failed or was closed by the server");
            // Read everything there is (edge-triggered), counting whole echoed frames.
            for (;;) {
                ssize_t n = recv(k->fd, k->in + k->in_have, in_capacity - k->in_have, 0);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == EINTR) continue;
                    die("recv");
                }
                if (n == 0) fail("connection closed by the server");
                k->in_have += (size_t)n;
                size_t parsed = 0, echoes = 0;
                while (k->in_have - parsed >= echo_size) {
                    uint8_t *echo = k->in + parsed;
                    if (memcmp(echo, echo_header, echo_header_size) != 0) fail("unexpected frame header in an echo");
                    if (memcmp(echo + echo_header_size, payload, size) != 0) fail("echo mismatch");
                    parsed += echo_size;
                    echoes++;
                }
                if (parsed) {
                    memmove(k->in, k->in + parsed, k->in_have - parsed);
                    k->in_have -= parsed;
                    messages += echoes;
                    last_progress = now;
                    // One new message for each echo; the output buffer holds WINDOW frames, and no more than that
                    // can be pending, since each pending frame is a message not yet echoed.
                    if (k->out_pending == 0) k->out_offset = 0;
                    k->out_pending += echoes * frame_size;
                }
                if (k->in_have == in_capacity) fail("receive buffer overflow");
            }
            // Send what is pending (also on EPOLLOUT, after a short write).
            while (k->out_pending > 0) {
                size_t room = frame_size * (size_t)window - k->out_offset;
                size_t chunk = k->out_pending < room ? k->out_pending : room;
                ssize_t n = send(k->fd, frames + k->out_offset, chunk, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == EINTR) continue;
                    die("send");
                }
                k->out_offset = (k->out_offset + (size_t)n) % (frame_size * (size_t)window);
                k->out_pending -= (size_t)n;
            }
        }
    }
    double cpu_after = server_cpu_seconds(server_pid);
    double elapsed = (double)(now_ns() - measured_start) / 1e9;
    for (long i = 0; i < conns; i++) {
        sendclose(c[i].fd);
        close(c[i].fd);
    }
    printf("%llu %.3f %.2f\n", (unsigned long long)messages, elapsed, cpu_after - cpu_before);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "rtt") == 0) return rtt(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "load") == 0) return load(argc, argv);
    fail("usage: wsbench rtt ... | wsbench load ...");
}
C

cat >"$work/echo.py" <<'PY'
import asyncio, sys
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

async def echo(ws):
    try:
        async for message in ws:  # str for text, bytes for binary: sent back as it came
            await ws.send(message)
    except ConnectionClosed:  # the load generator closes with messages still in flight
        pass

async def main():
    async with serve(echo, "127.0.0.1", 0, compression=None, max_size=16 * 1024 * 1024) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}", file=sys.stderr, flush=True)
        await server.serve_forever()

asyncio.run(main())
PY

cat >"$work/echo.js" <<'JS'
const { WebSocketServer } = require('ws');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
server.on('listening', () => console.error(`listening on ws://127.0.0.1:${server.address().port}`));
server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});  // the load generator closes with messages still in flight
});
JS

"$CC" -O2 -Wall -o "$work/wsbench" "$work/wsbench.c"

# MARK: - Round-trip time

# One event loop (NIO_SINGLETON_GROUP_LOOP_COUNT), so that the WebSocket and the TCP connection are served by the same
# thread: with two, each connection gets its own, and which of them shares a CPU with the client decides more of the
# round trip than the protocol does.
start rtt-echo env NIO_SINGLETON_GROUP_LOOP_COUNT="$RTT_LOOPS" "$GAMENET" serve --echo --listen 127.0.0.1:0
rtt_pid=$started
wait_port rtt-echo "$rtt_pid" "$gamenet_regex"
rtt_port=$port

declare -A p50s p99s means ratios added
for ((run = 1; run <= RUNS; run++)); do
    for size in $RTT_SIZES; do
        count=$PINGS
        ((size <= 4096)) || count=$PINGS_LARGE
        read -r ws_p50 ws_p99 ws_mean tcp_p50 tcp_p99 tcp_mean < <(timeout "$RTT_TIMEOUT" "$work/wsbench" rtt \
            "$rtt_port" "$size" "$count" "$WARMUP_PINGS" 2>"$work/wsbench.err") || true
        if [[ -z ${tcp_mean:-} ]]; then
            echo "error: round trips of $size bytes failed:" >&2
            cat "$work/wsbench.err" >&2
            tail -n 20 "$work/rtt-echo.err" >&2
            describe_processes
            exit 1
        fi
        p50s[ws,$size]+="$ws_p50 "
        p99s[ws,$size]+="$ws_p99 "
        means[ws,$size]+="$ws_mean "
        p50s[tcp,$size]+="$tcp_p50 "
        p99s[tcp,$size]+="$tcp_p99 "
        means[tcp,$size]+="$tcp_mean "
        ratios[$size]+="$(awk -v a="$ws_p50" -v b="$tcp_p50" 'BEGIN { printf "%.2f", a / b }') "
        added[$size]+="$(awk -v a="$ws_p50" -v b="$tcp_p50" 'BEGIN { printf "%.2f", a - b }') "
        printf 'rtt run %d/%d  %6s B  ws p50 %8sus p99 %8sus mean %8sus  tcp p50 %8sus p99 %8sus mean %8sus\n' \
            "$run" "$RUNS" "$size" "$ws_p50" "$ws_p99" "$ws_mean" "$tcp_p50" "$tcp_p99" "$tcp_mean" >&2
        unset ws_p50 ws_p99 ws_mean tcp_p50 tcp_p99 tcp_mean
    done
done
stop "$rtt_pid"

declare -A rtt_p50 rtt_p99 rtt_mean rtt_ratio rtt_added
for size in $RTT_SIZES; do
    # shellcheck disable=SC2086
    rtt_ratio[$size]=$(printf '%s\n' ${ratios[$size]} | median_as %.2f)
    # shellcheck disable=SC2086
    rtt_added[$size]=$(printf '%s\n' ${added[$size]} | median_as %.2f)
    for mode in ws tcp; do
        # shellcheck disable=SC2086
        rtt_p50[$mode,$size]=$(printf '%s\n' ${p50s[$mode,$size]} | median_as %.2f)
        # shellcheck disable=SC2086
        rtt_p99[$mode,$size]=$(printf '%s\n' ${p99s[$mode,$size]} | median_as %.2f)
        # shellcheck disable=SC2086
        rtt_mean[$mode,$size]=$(printf '%s\n' ${means[$mode,$size]} | median_as %.2f)
    done
done

# MARK: - Throughput

servers=(gamenet node-ws python)
declare -A server_pid server_port
if [[ -n $LOAD_LOOPS ]]; then
    start load-gamenet env NIO_SINGLETON_GROUP_LOOP_COUNT="$LOAD_LOOPS" "$GAMENET" serve --echo --listen 127.0.0.1:0
else
    start load-gamenet "$GAMENET" serve --echo --listen 127.0.0.1:0
fi
server_pid[gamenet]=$started
wait_port load-gamenet "$started" "$gamenet_regex"
server_port[gamenet]=$port
start load-node-ws env NODE_PATH="$NODE_PATH" "$NODE" "$work/echo.js"
server_pid[node-ws]=$started
wait_port load-node-ws "$started" "$script_regex"
server_port[node-ws]=$port
start load-python "$GAMENET_PYTHON" "$work/echo.py"
server_pid[python]=$started
wait_port load-python "$started" "$script_regex"
server_port[python]=$port

load_timeout=$(awk -v w="$LOAD_WARMUP" -v s="$LOAD_SECONDS" 'BEGIN { printf "%d", w + s + 60 }')
declare -A rates cpus effs run_eff eff_ratios
for ((run = 1; run <= LOAD_RUNS; run++)); do
    for server in "${servers[@]}"; do
        read -r messages elapsed cpu < <(timeout "$load_timeout" "$work/wsbench" load "${server_port[$server]}" \
            "$LOAD_SIZE" "$LOAD_CONNS" "$LOAD_WINDOW" "$LOAD_WARMUP" "$LOAD_SECONDS" "${server_pid[$server]}" \
            2>"$work/wsbench.err") || true
        if [[ -z ${cpu:-} ]]; then
            echo "error: the load on $server failed:" >&2
            cat "$work/wsbench.err" >&2
            tail -n 20 "$work/load-$server.err" >&2
            describe_processes
            exit 1
        fi
        rate=$(awk -v m="$messages" -v t="$elapsed" 'BEGIN { printf "%.0f", m / t }')
        eff=$(awk -v m="$messages" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", m / c; else print 0 }')
        rates[$server]+="$rate "
        run_eff[$server]=$eff
        cpus[$server]+="$cpu "
        effs[$server]+="$eff "
        printf 'load run %d/%d  %-8s %9s msg/s  server cpu %6ss in %ss  %9s msg/cpu-s\n' \
            "$run" "$LOAD_RUNS" "$server" "$rate" "$cpu" "$elapsed" "$eff" >&2
        unset messages elapsed cpu
    done
    eff_ratios[node-ws]+="$(ratio "${run_eff[gamenet]}" "${run_eff[node-ws]}") "
    eff_ratios[python]+="$(ratio "${run_eff[gamenet]}" "${run_eff[python]}") "
done
for server in "${servers[@]}"; do stop "${server_pid[$server]}"; done

declare -A load_rate load_cpu load_eff
for server in "${servers[@]}"; do
    # shellcheck disable=SC2086
    load_rate[$server]=$(printf '%s\n' ${rates[$server]} | median_as %.0f)
    # shellcheck disable=SC2086
    load_cpu[$server]=$(printf '%s\n' ${cpus[$server]} | median_as %.2f)
    # shellcheck disable=SC2086
    load_eff[$server]=$(printf '%s\n' ${effs[$server]} | median_as %.0f)
done

# MARK: - Summary

printf '\n== gamenet WebSocket echo, 127.0.0.1, %s CPUs: RUNS=%s PINGS=%s PINGS_LARGE=%s LOAD_RUNS=%s (medians) ==\n' \
    "$(nproc)" "$RUNS" "$PINGS" "$PINGS_LARGE" "$LOAD_RUNS"
printf 'round trip, one message in flight, gamenet serve --echo, WebSocket vs raw TCP on the same port:\n'
printf '  %8s  %10s %10s %10s  %10s %10s %10s  %s\n' \
    size "ws p50" "ws p99" "ws mean" "tcp p50" "tcp p99" "tcp mean" "p50 ws/tcp (median of the per-run ratios)"
for size in $RTT_SIZES; do
    printf '  %8s  %8sus %8sus %8sus  %8sus %8sus %8sus  %-6s %s (per run: %s; ws adds %sus)\n' "$size B" \
        "${rtt_p50[ws,$size]}" "${rtt_p99[ws,$size]}" "${rtt_mean[ws,$size]}" \
        "${rtt_p50[tcp,$size]}" "${rtt_p99[tcp,$size]}" "${rtt_mean[tcp,$size]}" \
        "$(ratio "${rtt_ratio[$size]}" 1)" "$(verdict_target "${rtt_ratio[$size]}" 1 "<=" 1.15)" \
        "${ratios[$size]% }" "${rtt_added[$size]}"
done
printf 'echo throughput, %s-byte binary messages, %s connections x %s in flight, %ss counted per run:\n' \
    "$LOAD_SIZE" "$LOAD_CONNS" "$LOAD_WINDOW" "$LOAD_SECONDS"
printf '  %-9s %12s %14s %16s\n' server "messages/s" "server cpu-s" "messages/cpu-s"
for server in "${servers[@]}"; do
    printf '  %-9s %12s %14s %16s\n' "$server" "${load_rate[$server]}" "${load_cpu[$server]}" "${load_eff[$server]}"
done
printf '  gamenet/node-ws  messages/cpu-s %-6s %s (per run: %s)  messages/s %s\n' \
    "$(ratio "${load_eff[gamenet]}" "${load_eff[node-ws]}")" \
    "$(verdict_target "${load_eff[gamenet]}" "${load_eff[node-ws]}" ">=" 3)" "${eff_ratios[node-ws]% }" \
    "$(ratio "${load_rate[gamenet]}" "${load_rate[node-ws]}")"
printf '  gamenet/python   messages/cpu-s %-6s (per run: %s)  messages/s %s\n' \
    "$(ratio "${load_eff[gamenet]}" "${load_eff[python]}")" "${eff_ratios[python]% }" \
    "$(ratio "${load_rate[gamenet]}" "${load_rate[python]}")"
printf 'versions: python websockets %s, node %s ws %s\n' "$websockets_version" "$("$NODE" --version)" "$ws_version"
