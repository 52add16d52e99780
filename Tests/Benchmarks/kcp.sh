#!/usr/bin/env bash
# Benchmarks gamenet's KCP in the same run as what it is measured against, on 127.0.0.1 only (part 3: see there).
#
#   1. Round-trip time: a C client on the reference KCP (ikcp.c, compiled here from the PyPI `kcp` package, which
#      bundles it) sends PING_SIZE-byte messages in a closed loop, PINGS times after WARMUP_PINGS, to
#      `gamenet serve --echo --kcp-mode fast3`, with kcptun's fast3 on its side too (nodelay 1, interval 10 ms, fast
#      resend 2, no congestion window, as `kcp://…?mode=fast3`), flushing each message at once (with the
#      acknowledgement of the previous echo in the same datagram). The same C program sends PING_SIZE-byte raw UDP
#      datagrams to the same serve port in the same closed loop, so both figures carry the same client overhead.
#      RUNS rounds, interleaved; the median of each round's p50 and p99 is reported. Target: KCP p50 <= 1.3x UDP p50.
#   2. Bulk transfer: BYTES bytes of zeros from a socat sender through `gamenet proxy tcp://… kcp://…` and
#      `gamenet proxy kcp://… tcp://…` into a socat sink, against kcptun-client + kcptun-server (`--crypt none
#      --nocomp --ds 0 --ps 0`, smux on top as kcptun always has it) between the same sender and sink, both with mode
#      MODE, MTU, and send and receive windows of WINDOW segments at all four ends. gamenet runs twice: in KCP's
#      message mode, its default (each read of up to 64 KiB is one message), which the target applies to, and with
#      `stream=1`, KCP's stream mode, which kcptun always uses. Wall time from the sender's start until the sink has
#      seen the end of the stream; CPU time (utime + stime from /proc/PID/stat, all threads) of the two relay
#      processes over the transfer; peak RSS (VmHWM) of each. RUNS runs of each, interleaved; medians reported.
#      Target: gamenet/kcptun throughput >= 1.0x. A 4 MiB random check through each goes first.
#   3. Request/response under loss, KCP's headline claim: a request of RR_SIZE bytes every RR_INTERVAL ms for
#      RR_SECONDS, each answered by `gamenet serve --echo`, over a link with RR_DELAY ms one-way delay and each loss
#      rate in LOSSES (both ways), over TCP (TCP_NODELAY) and over KCP fast3 (the C client above) at the same time;
#      each response's round trip is timed from its request's send. The link: `tc netem` is not available here (no
#      sch_netem), and `gamenet impair` cannot drop bytes of a TCP stream (it relays TCP, so TCP's loss recovery
#      would never run), so both TCP and KCP travel as IP packets through a TUN device in a network namespace of
#      their own, each IP packet carried as one UDP datagram on 127.0.0.1 through `gamenet impair udp://…
#      --delay RR_DELAY --loss L%`: the same per-packet delay and loss for both, end to end. The addresses inside the
#      tunnel (10.77.0.1 and .2) exist only in those two namespaces, which have no other interface than lo. This
#      needs root, `ip netns` and /dev/net/tun; without them TCP is reported as not measured and KCP runs through
#      `gamenet impair` on 127.0.0.1 directly.
#
# Environment:
#   GAMENET         gamenet binary to use; default: a release build in .build-release/ (built here)
#   GAMENET_PYTHON  the Python whose `kcp` package holds ikcp.c (default .build/venv/bin/python); or KCP_SOURCE=DIR
#   CC              C compiler (default cc)
#   RUNS            runs of parts 1 and 2; medians reported (default 3)
#   PINGS           timed round trips per run in part 1 (default 20000); WARMUP_PINGS before them (default 500)
#   PING_SIZE       bytes per message in part 1 (default 64)
#   BYTES           bytes per bulk transfer (default 536870912 = 512 MiB)
#   MODE, MTU, WINDOW  KCP settings of part 2 (default fast3, 1350, 1024)
#   TRANSFER_TIMEOUT  seconds one bulk transfer may take before the script fails (default 120)
#   RR_SECONDS      seconds of requests per loss rate in part 3 (default 20; KCP's own claim is for 60)
#   RR_INTERVAL     ms between requests (default 20); RR_DELAY one-way delay in ms (default 25); RR_SIZE (default 100)
#   LOSSES          loss rates in percent, each way (default "10 5 2")
#
# Needs bash 5, socat, kcptun (apt-get install -y kcptun), a C compiler, python3, setsid, timeout and ss; part 3's
# TCP also root, ip and /dev/net/tun. The default run takes about three minutes after the build.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
PINGS=${PINGS:-20000}
WARMUP_PINGS=${WARMUP_PINGS:-500}
PING_SIZE=${PING_SIZE:-64}
BYTES=${BYTES:-536870912}
MODE=${MODE:-fast3}
MTU=${MTU:-1350}
WINDOW=${WINDOW:-1024}
TRANSFER_TIMEOUT=${TRANSFER_TIMEOUT:-120}
RR_SECONDS=${RR_SECONDS:-20}
RR_INTERVAL=${RR_INTERVAL:-20}
RR_DELAY=${RR_DELAY:-25}
RR_SIZE=${RR_SIZE:-100}
LOSSES=${LOSSES:-10 5 2}
CC=${CC:-cc}
STARTUP_TIMEOUT=10      # seconds a server may take to start listening
IO_BUFFER=131072        # transfer buffer of the socat sender and sink, so that they are not the bottleneck

check_positive RUNS PINGS PING_SIZE BYTES MTU WINDOW TRANSFER_TIMEOUT RR_SECONDS RR_INTERVAL RR_SIZE
check_number WARMUP_PINGS RR_DELAY
for loss in $LOSSES; do
    [[ $loss =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "error: LOSSES must hold percentages, not '$loss'" >&2; exit 64; }
done
((PING_SIZE >= 12 && PING_SIZE <= 1300)) || { echo "error: PING_SIZE must be 12 to 1300 bytes" >&2; exit 64; }
((RR_SIZE >= 12 && RR_SIZE <= 1300)) || { echo "error: RR_SIZE must be 12 to 1300 bytes" >&2; exit 64; }
[[ $MODE =~ ^(normal|fast|fast2|fast3)$ ]] || { echo "error: MODE must be normal, fast, fast2 or fast3" >&2; exit 64; }
((MTU >= 541 && MTU <= 1500)) || { echo "error: MTU must be 541 to 1500" >&2; exit 64; }
for tool in socat python3 setsid timeout ss kcptun-client kcptun-server "$CC"; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is required (apt-get install -y ${tool%%-*})" >&2
        exit 69
    }
done

init_work gamenet-kcp-bench

# MARK: - Background processes and namespaces

# Network namespaces of part 3, which cleanup (lib.sh) deletes.
namespaces=()

# wait_bound NAME PID PROTO PORT: waits until something is bound to 127.0.0.1:PORT (PROTO t or u), for programs that
# print their address before they bind it (kcptun).
wait_bound() {
    local name=$1 pid=$2 proto=$3 bound=$4 i
    for ((i = 0; i < STARTUP_TIMEOUT * 50; i++)); do
        [[ -n $(ss -Hln"$proto" "sport = :$bound") ]] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: $name exited before listening:" >&2
            cat "$work/$name.err" >&2
            exit 1
        fi
        sleep 0.02
    done
    echo "error: $name did not bind 127.0.0.1:$bound within ${STARTUP_TIMEOUT}s" >&2
    exit 1
}

# free_port t|u: a port on 127.0.0.1 that was free a moment ago, for kcptun, which takes no port 0.
free_port() {
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "t" else socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

tcp_regex='listening on tcp://[0-9.]+:[0-9]+'
udp_regex='listening on udp://127\.0\.0\.1:[0-9]+'
kcp_regex='listening on kcp://127\.0\.0\.1:[0-9]+'
socat_regex='listening on AF=2 127\.0\.0\.1:[0-9]+'

# MARK: - Arithmetic

# cpu_ticks PID: utime + stime of PID, all threads, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after
# the command name, which may hold spaces).
cpu_ticks() {
    local stat fields
    stat=$(<"/proc/$1/stat")
    read -ra fields <<<"${stat##*) }"
    echo $((fields[11] + fields[12]))
}

# peak_mib PID: VmHWM of PID in MiB.
peak_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

ticks_per_second=$(getconf CLK_TCK)

# MARK: - Programs

resolve_gamenet

if [[ -z ${KCP_SOURCE:-} ]]; then
    python=${GAMENET_PYTHON:-$root/.build/venv/bin/python}
    [[ -x $python ]] || { echo "error: no Python at $python: set GAMENET_PYTHON or KCP_SOURCE, or run .ci/run" >&2; exit 69; }
    KCP_SOURCE=$("$python" -c 'import kcp, os; print(os.path.dirname(kcp.__file__))') || {
        echo "error: $python has no kcp package: pip install kcp==0.1.6" >&2
        exit 69
    }
fi
[[ -f $KCP_SOURCE/ikcp.c && -f $KCP_SOURCE/ikcp.h ]] || { echo "error: no ikcp.c in $KCP_SOURCE" >&2; exit 66; }

echo "gamenet: $GAMENET" >&2
echo "kcptun:  $(command -v kcptun-client) $(dpkg-query -W -f '${Version}' kcptun 2>/dev/null || true)" >&2
echo "ikcp.c:  $KCP_SOURCE/ikcp.c" >&2

cat >"$work/kcpbench.c" <<'C'
/* Clients of Tests/Benchmarks/kcp.sh, on the reference KCP (ikcp.c) or plain sockets.
 *   udp-rtt   [HOST] PORT COUNT WARMUP SIZE       closed loop of UDP datagrams        -> "p50_us p99_us"
 *   kcp-rtt   [HOST] PORT COUNT WARMUP SIZE       closed loop of KCP messages (fast3) -> "p50_us p99_us"
 *   kcp-paced [HOST] PORT INTERVAL_MS SECONDS SIZE  a KCP request every INTERVAL_MS
 *   tcp-paced [HOST] PORT INTERVAL_MS SECONDS SIZE  a TCP request every INTERVAL_MS
 *             -> "responses avg_ms p50_ms p99_ms max_ms missing"
 *   tun-bridge NETNS IFNAME PEER_PORT             a TUN device in NETNS, its IP packets as UDP datagrams on 127.0.0.1
 * HOST defaults to 127.0.0.1. Every wait is bounded; a failure exits non-zero with a message on stderr. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ikcp.h"

static const char *host = "127.0.0.1";

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}
static uint32_t now_ms(void) { return (uint32_t)(now_ns() / 1000000); }

static void die(const char *what) {
    fprintf(stderr, "error: %s (errno %d: %s)\n", what, errno, strerror(errno));
    exit(1);
}

static int connect_to(int type, int port) {
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("bad address");
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    return fd;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile p (0...100) of sorted samples. */
static int64_t percentile(const int64_t *sorted, long n, double p) {
    long rank = (long)(p / 100.0 * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

static int udp_output(const char *buf, int len, ikcpcb *kcp, void *user) {
    (void)kcp;
    send(*(int *)user, buf, len, MSG_DONTWAIT); /* a full socket buffer drops, as a link would */
    return 0;
}

static ikcpcb *make_kcp(int *fd) {
    srand((unsigned)now_ns());
    ikcpcb *kcp = ikcp_create(1 + (uint32_t)rand() % 0x7ffffffe, fd);
    kcp->output = udp_output;
    ikcp_nodelay(kcp, 1, 10, 2, 1); /* kcptun's fast3 */
    ikcp_wndsize(kcp, 128, 128);
    ikcp_setmtu(kcp, 1400);
    ikcp_update(kcp, now_ms());
    return kcp;
}

/* Feeds every datagram waiting on the socket to KCP. */
static void input_all(int fd, ikcpcb *kcp) {
    static char buf[65536];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == ECONNREFUSED) continue;
            die("recv");
        }
        ikcp_input(kcp, buf, n);
    }
}

static void fill(char *msg, int size, uint32_t seq, int64_t sent) {
    memset(msg, 'a' + seq % 26, size);
    memcpy(msg, &seq, 4);
    memcpy(msg + 4, &sent, 8);
}

static int rtt(int kcp_mode, int port, long count, long warmup, int size) {
    int fd = connect_to(SOCK_DGRAM, port);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ikcpcb *kcp = kcp_mode ? make_kcp(&fd) : NULL;
    int64_t *samples = calloc(count, sizeof *samples);
    char *msg = malloc(size), *got = malloc(65536);
    for (long i = 0; i < warmup + count; i++) {
        fill(msg, size, (uint32_t)i, 0);
        int64_t t0 = now_ns(), deadline = t0 + 5000000000LL;
        if (!kcp_mode) {
            if (send(fd, msg, size, 0) != size) die("send");
            for (;;) {
                ssize_t n = recv(fd, got, 65536, 0);
                if (n < 0) die("no UDP echo within 2 s");
                if (n == size && memcmp(got, msg, size) == 0) break; /* a late echo of an earlier one is skipped */
            }
        } else {
            if (ikcp_send(kcp, msg, size) < 0) die("ikcp_send");
            ikcp_flush(kcp); /* at once, with the acknowledgement of the previous echo */
            for (;;) {
                int n = ikcp_recv(kcp, got, 65536);
                if (n >= 0) {
                    if (n != size || memcmp(got, msg, size) != 0) {
                        fprintf(stderr, "error: KCP echo mismatch\n");
                        exit(1);
                    }
                    break;
                }
                if (now_ns() > deadline) {
                    fprintf(stderr, "error: no KCP echo within 5 s\n");
                    exit(1);
                }
                struct pollfd p = {.fd = fd, .events = POLLIN};
                poll(&p, 1, 1);
                input_all(fd, kcp);
                ikcp_update(kcp, now_ms());
            }
        }
        if (i >= warmup) samples[i - warmup] = now_ns() - t0;
    }
    if (kcp_mode) ikcp_flush(kcp);
    qsort(samples, count, sizeof *samples, compare);
    printf("%.2f %.2f\n", percentile(samples, count, 50) / 1000.0, percentile(samples, count, 99) / 1000.0);
    return 0;
}

/* A request every interval, whatever came back; each response is timed from its own request's send time. */
static int paced(int kcp_mode, int port, int interval_ms, int seconds, int size) {
    int fd = connect_to(kcp_mode ? SOCK_DGRAM : SOCK_STREAM, port);
    if (!kcp_mode) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
    }
    ikcpcb *kcp = kcp_mode ? make_kcp(&fd) : NULL;
    long total = (long)seconds * 1000 / interval_ms, sent = 0, received = 0;
    int64_t *samples = calloc(total, sizeof *samples);
    char *msg = malloc(size), *buf = malloc(1 << 20);
    size_t have = 0;
    int64_t start = now_ns(), next = start, interval = (int64_t)interval_ms * 1000000;
    int64_t deadline = start + (int64_t)seconds * 1000000000 + 10000000000LL; /* 10 s for the last responses */
    while (received < total && now_ns() < deadline) {
        int64_t now = now_ns();
        if (sent < total && now >= next) {
            fill(msg, size, (uint32_t)sent, now);
            if (kcp_mode) {
                if (ikcp_send(kcp, msg, size) < 0) die("ikcp_send");
                ikcp_flush(kcp);
            } else if (send(fd, msg, size, MSG_NOSIGNAL) != size) {
                die("TCP send (a request did not fit in the socket buffer at once)");
            }
            sent++;
            next += interval;
            continue;
        }
        int wait_ms = sent < total ? (int)((next - now) / 1000000) : 10;
        if (kcp_mode) {
            int until = (int)(ikcp_check(kcp, now_ms()) - now_ms());
            if (until < wait_ms) wait_ms = until;
        }
        if (wait_ms < 0) wait_ms = 0;
        if (wait_ms > 10) wait_ms = 10;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        poll(&p, 1, wait_ms);
        if (kcp_mode) {
            input_all(fd, kcp);
            ikcp_flush(kcp); /* acknowledge at once */
            ikcp_update(kcp, now_ms());
            for (;;) {
                int n = ikcp_recv(kcp, buf, 1 << 20);
                if (n < 0) break;
                if (n != size) {
                    fprintf(stderr, "error: a response of %d bytes\n", n);
                    exit(1);
                }
                int64_t t;
                memcpy(&t, buf + 4, 8);
                samples[received++] = now_ns() - t;
            }
        } else {
            ssize_t n = recv(fd, buf + have, (1 << 20) - have, 0);
            if (n == 0) {
                fprintf(stderr, "error: TCP connection closed\n");
                exit(1);
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) die("TCP recv");
            if (n > 0) have += n;
            int64_t arrived = now_ns();
            size_t offset = 0;
            while (have - offset >= (size_t)size) {
                int64_t t;
                memcpy(&t, buf + offset + 4, 8);
                samples[received++] = arrived - t;
                offset += size;
            }
            memmove(buf, buf + offset, have - offset);
            have -= offset;
        }
    }
    if (received == 0) {
        fprintf(stderr, "error: no response at all\n");
        exit(1);
    }
    double sum = 0;
    for (long i = 0; i < received; i++) sum += samples[i];
    qsort(samples, received, sizeof *samples, compare);
    printf("%ld %.1f %.1f %.1f %.1f %ld\n", received, sum / received / 1e6, percentile(samples, received, 50) / 1e6,
           percentile(samples, received, 99) / 1e6, samples[received - 1] / 1e6, total - received);
    return 0;
}

/* A TUN device in network namespace NETNS whose IP packets travel as UDP datagrams on 127.0.0.1 of this namespace: to
 * 127.0.0.1:PEER_PORT, or, with PEER_PORT 0, to whoever sent the last datagram to the port printed on stderr. */
static int bridge(const char *netns, const char *ifname, int peer_port) {
    char path[512];
    snprintf(path, sizeof path, "/var/run/netns/%s", netns);
    int self = open("/proc/self/ns/net", O_RDONLY), target = open(path, O_RDONLY);
    if (self < 0 || target < 0) die("cannot open the network namespaces");
    if (setns(target, CLONE_NEWNET) != 0) die("setns");
    int tun = open("/dev/net/tun", O_RDWR);
    if (tun < 0) die("/dev/net/tun");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(tun, TUNSETIFF, &ifr) != 0) die("TUNSETIFF");
    if (setns(self, CLONE_NEWNET) != 0) die("setns back");
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in local = {.sin_family = AF_INET}, peer = {.sin_family = AF_INET};
    local.sin_addr.s_addr = peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    peer.sin_port = htons(peer_port);
    int size = 4 << 20, have_peer = peer_port != 0;
    setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    socklen_t length = sizeof local;
    if (bind(udp, (struct sockaddr *)&local, sizeof local) != 0 || getsockname(udp, (struct sockaddr *)&local, &length) != 0)
        die("bind");
    fprintf(stderr, "bridge %s listening on udp://127.0.0.1:%d\n", ifname, ntohs(local.sin_port));
    static char buf[65536];
    for (;;) {
        struct pollfd p[2] = {{.fd = tun, .events = POLLIN}, {.fd = udp, .events = POLLIN}};
        if (poll(p, 2, 1000) < 0 && errno != EINTR) die("poll");
        if (p[0].revents & POLLIN) {
            ssize_t n = read(tun, buf, sizeof buf);
            if (n > 0 && have_peer) sendto(udp, buf, n, MSG_DONTWAIT, (struct sockaddr *)&peer, sizeof peer);
        }
        if (p[1].revents & POLLIN) {
            struct sockaddr_in source;
            socklen_t from = sizeof source;
            ssize_t n = recvfrom(udp, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&source, &from);
            if (n > 0) {
                if (!peer_port) {
                    peer = source;
                    have_peer = 1;
                }
                if (write(tun, buf, n) < 0 && errno != EINVAL) die("write to the TUN device");
            }
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "tun-bridge")) return bridge(argv[2], argv[3], atoi(argv[4]));
    if (argc == 7) { /* MODE HOST PORT ...: take the host out */
        host = argv[2];
        argv[2] = argv[1];
        argv++;
        argc--;
    }
    if (argc != 6) {
        fprintf(stderr, "usage: %s udp-rtt|kcp-rtt [HOST] PORT COUNT WARMUP SIZE | kcp-paced|tcp-paced [HOST] PORT "
                        "INTERVAL_MS SECONDS SIZE | tun-bridge NETNS IFNAME PEER_PORT\n", argv[0]);
        return 64;
    }
    const char *mode = argv[1];
    int port = atoi(argv[2]);
    if (!strcmp(mode, "udp-rtt") || !strcmp(mode, "kcp-rtt"))
        return rtt(mode[0] == 'k', port, atol(argv[3]), atol(argv[4]), atoi(argv[5]));
    if (!strcmp(mode, "kcp-paced") || !strcmp(mode, "tcp-paced"))
        return paced(mode[0] == 'k', port, atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    fprintf(stderr, "error: unknown mode %s\n", mode);
    return 64;
}
C
"$CC" -O2 -Wall -o "$work/kcpbench" "$work/kcpbench.c" "$KCP_SOURCE/ikcp.c" -I"$KCP_SOURCE" 2>"$work/cc.err" || {
    cat "$work/cc.err" >&2
    echo "error: the C client does not compile" >&2
    exit 1
}
bench=$work/kcpbench

# MARK: - 1. Round-trip time

start echo "$GAMENET" serve --echo --listen 127.0.0.1:0 --kcp-mode fast3
echo_pid=$started
wait_port echo "$echo_pid" "$udp_regex"
echo_port=$port

declare -A p50s p99s
for ((run = 1; run <= RUNS; run++)); do
    for kind in udp kcp; do
        result=$(timeout 300 "$bench" "$kind-rtt" "$echo_port" "$PINGS" "$WARMUP_PINGS" "$PING_SIZE" 2>"$work/rtt.err") || {
            echo "error: $kind round trips failed: $(cat "$work/rtt.err")" >&2
            tail -n 20 "$work/echo.err" >&2
            describe_processes
            exit 1
        }
        read -r p50 p99 <<<"$result"
        p50s[$kind]+="$p50 "
        p99s[$kind]+="$p99 "
        printf 'rtt run %d/%d  %-4s p50 %8sus  p99 %8sus\n' "$run" "$RUNS" "$kind" "$p50" "$p99" >&2
    done
done
stop "$echo_pid"
declare -A rtt50 rtt99
for kind in udp kcp; do
    # shellcheck disable=SC2086
    rtt50[$kind]=$(printf '%s\n' ${p50s[$kind]} | median)
    # shellcheck disable=SC2086
    rtt99[$kind]=$(printf '%s\n' ${p99s[$kind]} | median)
done

# MARK: - 2. Bulk transfer

kcp_query="mode=$MODE&mtu=$MTU&sndwnd=$WINDOW&rcvwnd=$WINDOW"
kcptun_flags=(--crypt none --nocomp --ds 0 --ps 0 --mode "$MODE" --mtu "$MTU" --sndwnd "$WINDOW" --rcvwnd "$WINDOW" --quiet)

# start_sink OUTPUT: a socat sink on 127.0.0.1 writing to OUTPUT, bounded by TRANSFER_TIMEOUT; sets $sink_pid, $port.
start_sink() {
    start sink timeout "$TRANSFER_TIMEOUT" socat -d -d -u -b "$IO_BUFFER" "TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr" "$1"
    sink_pid=$started
    wait_port sink "$sink_pid" "$socat_regex"
}

# start_relay KIND SINK_PORT: the two relay processes of KIND (gamenet, gamenet-stream or kcptun) in front of
# SINK_PORT; sets $near_pid, $far_pid and $relay_port (where the sender connects).
start_relay() {
    local query=$kcp_query
    case $1 in
    gamenet | gamenet-stream)
        [[ $1 == gamenet ]] || query+="&stream=1"
        start far "$GAMENET" proxy "kcp://127.0.0.1:0?$query" "tcp://127.0.0.1:$2"
        far_pid=$started
        wait_port far "$far_pid" "$kcp_regex"
        start near "$GAMENET" proxy tcp://127.0.0.1:0 "kcp://127.0.0.1:$port?$query"
        near_pid=$started
        wait_port near "$near_pid" "$tcp_regex"
        relay_port=$port
        ;;
    kcptun)
        local udp_port
        udp_port=$(free_port u)
        relay_port=$(free_port t)
        start far kcptun-server -l "127.0.0.1:$udp_port" -t "127.0.0.1:$2" "${kcptun_flags[@]}"
        far_pid=$started
        wait_bound far "$far_pid" u "$udp_port"
        start near kcptun-client -l "127.0.0.1:$relay_port" -r "127.0.0.1:$udp_port" "${kcptun_flags[@]}"
        near_pid=$started
        wait_bound near "$near_pid" t "$relay_port"
        ;;
    esac
}

stop_relay() {
    stop "$near_pid"
    stop "$far_pid"
}

# A few MiB of random bytes through each, compared on arrival, so that a fast but broken relay cannot pass.
head -c 4194304 /dev/urandom >"$work/check.in"
for kind in gamenet gamenet-stream kcptun; do
    start_sink "CREATE:$work/check.$kind"
    start_relay "$kind" "$port"
    timeout "$TRANSFER_TIMEOUT" socat -u "OPEN:$work/check.in" "TCP4:127.0.0.1:$relay_port" || true
    wait "$sink_pid" || { echo "error: check transfer through $kind failed or timed out" >&2; describe_processes; exit 1; }
    forget "$sink_pid"
    stop_relay
    cmp -s "$work/check.in" "$work/check.$kind" || { echo "error: $kind corrupted the check transfer" >&2; exit 1; }
done
echo "check: 4 MiB relayed intact by each" >&2

# transfer KIND: one run of BYTES bytes through KIND; sets $rate (MiB/s), $cpu (CPU seconds of both relay processes
# over the transfer) and $peaks (peak RSS in MiB of the near and far process). Runs in this shell, not a subshell, so
# that the exit trap knows every process it starts.
transfer() {
    local kind=$1 t0 t1 status=0 before after
    start_sink /dev/null
    start_relay "$kind" "$port"
    before=$(($(cpu_ticks "$near_pid") + $(cpu_ticks "$far_pid")))
    t0=$EPOCHREALTIME
    timeout "$TRANSFER_TIMEOUT" socat -u -b "$IO_BUFFER" "OPEN:/dev/zero,readbytes=$BYTES" "TCP4:127.0.0.1:$relay_port" \
        || status=$?
    # The sink exits when the end of the stream reaches it: after the far relay has written the last byte.
    [[ $status != 0 ]] || wait "$sink_pid" || status=$?
    t1=$EPOCHREALTIME
    if [[ $status == 0 ]]; then forget "$sink_pid"; else stop "$sink_pid"; fi
    if [[ $status != 0 ]]; then
        echo "error: transfer through $kind failed or timed out (status $status); logs of the relays:" >&2
        tail -n 20 "$work/near.err" "$work/far.err" >&2 2>/dev/null || true
        describe_processes
        exit 1
    fi
    after=$(($(cpu_ticks "$near_pid") + $(cpu_ticks "$far_pid")))
    peaks="$(peak_mib "$near_pid")/$(peak_mib "$far_pid")"
    stop_relay
    rate=$(awk -v b="$BYTES" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f", b / 1048576 / (t1 - t0) }')
    cpu=$(awk -v t="$((after - before))" -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
}

declare -A rates cpus peak
for ((run = 1; run <= RUNS; run++)); do
    for kind in gamenet gamenet-stream kcptun; do
        transfer "$kind"
        rates[$kind]+="$rate "
        cpus[$kind]+="$cpu "
        peak[$kind]=$peaks
        printf 'bulk run %d/%d  %-14s %7s MiB/s  %6s CPU s  peak RSS near/far %s MiB\n' \
            "$run" "$RUNS" "$kind" "$rate" "$cpu" "$peaks" >&2
    done
done
declare -A tput cpu_s per_gib
for kind in gamenet gamenet-stream kcptun; do
    # shellcheck disable=SC2086
    tput[$kind]=$(printf '%s\n' ${rates[$kind]} | median)
    # shellcheck disable=SC2086
    cpu_s[$kind]=$(printf '%s\n' ${cpus[$kind]} | median)
    per_gib[$kind]=$(awk -v c="${cpu_s[$kind]}" -v b="$BYTES" 'BEGIN { printf "%.2f", c / (b / 1073741824) }')
done

# MARK: - 3. Request/response under loss

netns_client="gamenet-kcp-c-$$"
netns_server="gamenet-kcp-s-$$"
tunnel=0
tunnel_reason=""
if [[ $(id -u) != 0 ]]; then
    tunnel_reason="not root"
elif ! command -v ip >/dev/null; then
    tunnel_reason="no ip command (apt-get install -y iproute2)"
elif [[ ! -c /dev/net/tun ]]; then
    tunnel_reason="no /dev/net/tun"
elif ! ip netns add "$netns_client" 2>"$work/netns.err"; then
    tunnel_reason="ip netns add failed: $(cat "$work/netns.err")"
else
    namespaces+=("$netns_client")
    if ip netns add "$netns_server" 2>"$work/netns.err"; then
        namespaces+=("$netns_server")
        ip -n "$netns_client" link set lo up
        ip -n "$netns_server" link set lo up
        tunnel=1
    else
        tunnel_reason="ip netns add failed: $(cat "$work/netns.err")"
    fi
fi

# link_up LOSS: the impaired link at LOSS percent and the echo server behind it; sets $rr_host, $rr_port (the echo
# server as the clients see it) and $link_pids. With the tunnel, the server runs in its own namespace at 10.77.0.2.
link_up() {
    local loss=$1 server_bridge_port impair_port
    link_pids=()
    if ((tunnel)); then
        start bridge-s "$bench" tun-bridge "$netns_server" gnk0 0
        link_pids+=("$started")
        wait_port bridge-s "$started" "$udp_regex"
        server_bridge_port=$port
        start impair "$GAMENET" impair "udp://127.0.0.1:0" "udp://127.0.0.1:$server_bridge_port" \
            --delay "${RR_DELAY}ms" --loss "$loss%" --seed 1
        link_pids+=("$started")
        wait_port impair "$started" "$udp_regex"
        impair_port=$port
        start bridge-c "$bench" tun-bridge "$netns_client" gnk0 "$impair_port"
        link_pids+=("$started")
        wait_port bridge-c "$started" "$udp_regex"
        ip -n "$netns_client" addr add 10.77.0.1/24 dev gnk0
        ip -n "$netns_client" link set gnk0 up
        ip -n "$netns_server" addr add 10.77.0.2/24 dev gnk0
        ip -n "$netns_server" link set gnk0 up
        start rr-echo ip netns exec "$netns_server" "$GAMENET" serve --echo --listen 10.77.0.2:0 --kcp-mode fast3
        link_pids+=("$started")
        wait_port rr-echo "$started" "$tcp_regex"
        rr_host=10.77.0.2
        rr_port=$port
    else
        start rr-echo "$GAMENET" serve --echo --listen 127.0.0.1:0 --kcp-mode fast3
        link_pids+=("$started")
        wait_port rr-echo "$started" "$udp_regex"
        start impair "$GAMENET" impair "udp://127.0.0.1:0" "udp://127.0.0.1:$port" \
            --delay "${RR_DELAY}ms" --loss "$loss%" --seed 1
        link_pids+=("$started")
        wait_port impair "$started" "$udp_regex"
        rr_host=127.0.0.1
        rr_port=$port
    fi
}

link_down() {
    local pid
    for pid in "${link_pids[@]}"; do stop "$pid"; done
}

# The clients run where the echo server is reached: in the client namespace with the tunnel.
in_client=()
((tunnel)) && in_client=(ip netns exec "$netns_client")

declare -A rr
rr_timeout=$((RR_SECONDS + 30))
for loss in $LOSSES; do
    link_up "$loss"
    kinds="kcp"
    ((tunnel)) && kinds="tcp kcp"
    rr_jobs=()
    for kind in $kinds; do
        # Both at once, over the same link: the request rate is small, and this halves the time.
        start "rr-$kind" "${in_client[@]+"${in_client[@]}"}" timeout "$rr_timeout" \
            "$bench" "$kind-paced" "$rr_host" "$rr_port" "$RR_INTERVAL" "$RR_SECONDS" "$RR_SIZE"
        rr_jobs+=("$started")
    done
    for job in "${rr_jobs[@]}"; do
        wait "$job" || {
            echo "error: request/response at $loss% loss failed:" >&2
            cat "$work"/rr-*.err >&2
            describe_processes
            exit 1
        }
        forget "$job"
    done
    for kind in $kinds; do
        rr[$kind,$loss]=$(<"$work/rr-$kind.out")
        printf 'request/response %5s%% loss  %-3s  responses, avg, p50, p99, max ms, missing: %s\n' \
            "$loss" "$kind" "${rr[$kind,$loss]}" >&2
    done
    link_down
done

# MARK: - Summary

printf '\n== gamenet KCP, %s CPUs, medians of %s runs ==\n' "$(nproc)" "$RUNS"
printf '1. round trip, %s-byte messages, closed loop, %s pings per run, to gamenet serve --echo --kcp-mode fast3;\n' \
    "$PING_SIZE" "$PINGS"
printf '   client in C (reference ikcp.c, fast3) and plain UDP from the same program, same serve port\n'
printf '%-13s kcp %-11s udp %-11s ratio %-6s target <= 1.30x: %s\n' "  p50" "${rtt50[kcp]}us" "${rtt50[udp]}us" \
    "$(ratio "${rtt50[kcp]}" "${rtt50[udp]}")" "$(verdict "${rtt50[kcp]}" "${rtt50[udp]}" '<=' 1.3)"
printf '%-13s kcp %-11s udp %-11s ratio %s\n' "  p99" "${rtt99[kcp]}us" "${rtt99[udp]}us" \
    "$(ratio "${rtt99[kcp]}" "${rtt99[udp]}")"
printf '2. bulk TCP over KCP, %s MiB, mode %s, mtu %s, windows %s, no FEC or encryption; gamenet in message mode\n' \
    "$((BYTES / 1048576))" "$MODE" "$MTU" "$WINDOW"
printf '%-13s gamenet %-12s kcptun %-12s ratio %-6s target >= 1.00x: %s\n' "  throughput" "${tput[gamenet]} MiB/s" \
    "${tput[kcptun]} MiB/s" "$(ratio "${tput[gamenet]}" "${tput[kcptun]}")" \
    "$(verdict "${tput[gamenet]}" "${tput[kcptun]}" '>=' 1.0)"
printf '%-13s gamenet %-12s kcptun %-12s ratio %-6s (both relay processes; per GiB: %s s, %s s)\n' "  CPU" \
    "${cpu_s[gamenet]} s" "${cpu_s[kcptun]} s" "$(ratio "${cpu_s[gamenet]}" "${cpu_s[kcptun]}")" \
    "${per_gib[gamenet]}" "${per_gib[kcptun]}"
printf '%-13s gamenet %-12s kcptun %-12s (peak RSS of the near/far relay, last run)\n' "  memory" \
    "${peak[gamenet]} MiB" "${peak[kcptun]} MiB"
printf '%-13s gamenet %-12s kcptun %-12s ratio %-6s (gamenet with stream=1, as kcptun; CPU %s s, peak RSS %s MiB)\n' \
    "  stream mode" "${tput[gamenet-stream]} MiB/s" "${tput[kcptun]} MiB/s" \
    "$(ratio "${tput[gamenet-stream]}" "${tput[kcptun]}")" "${cpu_s[gamenet-stream]}" "${peak[gamenet-stream]}"
if ((tunnel)); then
    printf '3. a request every %s ms for %s s, %s ms one-way delay, loss both ways; TCP and KCP fast3 as IP packets\n' \
        "$RR_INTERVAL" "$RR_SECONDS" "$RR_DELAY"
    printf '   through one TUN tunnel over gamenet impair (same per-packet delay and loss), at the same time\n'
else
    printf '3. a request every %s ms for %s s, %s ms one-way delay, loss both ways; KCP fast3 through gamenet impair\n' \
        "$RR_INTERVAL" "$RR_SECONDS" "$RR_DELAY"
    printf '   TCP NOT MEASURED: %s; impair relays TCP as a stream and cannot drop its packets\n' "$tunnel_reason"
fi
for loss in $LOSSES; do
    read -r _ kavg _ kp99 kmax kmissing <<<"${rr[kcp,$loss]}"
    if ((tunnel)); then
        read -r _ tavg _ tp99 tmax tmissing <<<"${rr[tcp,$loss]}"
        printf '  %5s%% loss  avg tcp %7s kcp %7s (%s)  p99 tcp %7s kcp %7s  max tcp %7s kcp %7s (%s)  missing %s/%s\n' \
            "$loss" "${tavg}ms" "${kavg}ms" "$(ratio "$kavg" "$tavg")" "${tp99}ms" "${kp99}ms" "${tmax}ms" "${kmax}ms" \
            "$(ratio "$kmax" "$tmax")" "$tmissing" "$kmissing"
    else
        printf '  %5s%% loss  avg kcp %7s  p99 kcp %7s  max kcp %7s  missing %s\n' \
            "$loss" "${kavg}ms" "${kp99}ms" "${kmax}ms" "$kmissing"
    fi
done
((tunnel)) && printf '  (ratios kcp/tcp, lower is better; KCP claims 0.6-0.7x average and 0.33x maximum)\n'
exit 0
