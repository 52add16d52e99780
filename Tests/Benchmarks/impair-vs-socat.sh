#!/usr/bin/env bash
# Benchmarks `gamenet impair` over UDP against socat, in the same run, on 127.0.0.1 only.
#
#   1. Pass-through forwarding rate: `gamenet impair udp://… udp://…` with no impairment option, and socat's UDP
#      forwarding (`socat UDP-LISTEN:PORT,bind=127.0.0.1,reuseaddr UDP:127.0.0.1:SINK`, one peer), each fed by a C
#      sender that sends SIZE-byte datagrams in a tight sendmmsg loop (far more than either forwarder can take, so the
#      forwarder is the bottleneck), into a C sink that counts the datagrams it receives (recvmmsg) over DURATION
#      seconds after WARMUP seconds. RUNS runs of each, interleaved; the median of the received packets/s is reported,
#      with the range and the ratio of each run. A direct run (sender straight into the sink, no forwarder) shows what
#      the sender and the sink manage on their own: if it is well above both forwarders, neither the sender nor the
#      sink is the bottleneck. The sink also reads the forwarder's CPU time (user + system, all threads, from
#      /proc/PID/stat) as its window opens and closes, which gives the datagrams relayed per CPU-second: the cost of
#      forwarding, which depends much less than the rate on what else the machine is running.
#   2. Delay accuracy: `gamenet impair --delay D` for each D in DELAYS. The C program sends LATENCY_RATE datagrams/s
#      for LATENCY_SECONDS, paced on the monotonic clock (sleep until 100 us before each slot, then spin), each
#      stamped with its sequence number and send time, through impair to a socket of its own that a second thread
#      reads; one-way delay = receive time - send time, on the same clock. Reported: min / p50 / p99 / max of
#      (measured - configured), and how many datagrams came early (measured < configured). A row without a forwarder
#      (the sender straight into its receiver, configured 0) shows the harness's own share.
#
# On a machine with few CPUs the tight sender takes a whole CPU, and the forwarder and the sink share what is left;
# the ratios (both forwarders in the same conditions) and the cost per CPU-second are what to read, more than the
# absolute rates.
#
# Environment:
#   GAMENET          gamenet binary to use; default: a release build in .build-release/ (built here)
#   SIZES            datagram sizes in bytes for the forwarding rate (default "64 1200")
#   DURATION         seconds each forwarding-rate measurement counts (default 2)
#   WARMUP           seconds of traffic before counting starts (default 0.5)
#   RUNS             runs of each forwarding-rate measurement; the median is reported (default 5)
#   DELAYS           delays in ms for the accuracy test (default "1 20 200")
#   LATENCY_RATE     datagrams per second of the accuracy test (default 1000)
#   LATENCY_SECONDS  seconds of the accuracy test per delay (default 4)
#   CC               C compiler for the sender and the sink (default cc)
#
# Needs bash 5, socat, a C compiler, setsid and timeout. The default run takes a little over a minute after the build.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

SIZES=${SIZES:-64 1200}
DURATION=${DURATION:-2}
WARMUP=${WARMUP:-0.5}
RUNS=${RUNS:-5}
DELAYS=${DELAYS:-1 20 200}
LATENCY_RATE=${LATENCY_RATE:-1000}
LATENCY_SECONDS=${LATENCY_SECONDS:-4}
CC=${CC:-cc}
STARTUP_TIMEOUT=10      # seconds a forwarder or the C program may take to print its port

check_positive RUNS LATENCY_RATE
check_seconds DURATION WARMUP LATENCY_SECONDS
for size in $SIZES; do
    if ! [[ $size =~ ^[1-9][0-9]*$ ]] || ((size < 16 || size > 65507)); then
        echo "error: SIZES must hold sizes from 16 to 65507 bytes, not '$size'" >&2
        exit 64
    fi
done
for delay in $DELAYS; do
    [[ $delay =~ ^[0-9]+$ ]] || { echo "error: DELAYS must hold whole milliseconds, not '$delay'" >&2; exit 64; }
done
require_tools socat "$CC" setsid timeout

init_work gamenet-impair-bench

# MARK: - Background processes

gamenet_regex='listening on udp://127\.0\.0\.1:[0-9]+'
socat_regex='listening on UDP AF=2 127\.0\.0\.1:[0-9]+'

# start_forwarder KIND NAME TARGET_PORT [IMPAIR OPTIONS...], KIND being direct, socat or gamenet: sets $fwd_pid
# (empty for direct) and $fwd_port (the target's for direct).
start_forwarder() {
    local kind=$1 name=$2 target=$3
    shift 3
    case $kind in
    direct) fwd_pid="" fwd_port=$target ;;
    socat)
        start "$name" socat -d -d "UDP-LISTEN:0,bind=127.0.0.1,reuseaddr" "UDP:127.0.0.1:$target"
        fwd_pid=$started
        wait_port "$name" "$fwd_pid" "$socat_regex"
        fwd_port=$port
        ;;
    gamenet)
        start "$name" "$GAMENET" impair "udp://127.0.0.1:0" "udp://127.0.0.1:$target" "$@"
        fwd_pid=$started
        wait_port "$name" "$fwd_pid" "$gamenet_regex"
        fwd_port=$port
        ;;
    esac
}

stop_forwarder() {
    [[ -z $fwd_pid ]] || stop "$fwd_pid"
}

# MARK: - Arithmetic

# round [DIGITS]: its input number with DIGITS decimals (default 0).
round() { awk -v d="${1:-0}" '{ printf "%.*f\n", d, $1 }'; }

# field NAME FILE: the value after the word NAME in the last line of FILE.
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) value = $(i + 1) } END { print value }' "$2"; }

# MARK: - gamenet binary and the C sender and sink

resolve_gamenet
echo "gamenet: $GAMENET" >&2
echo "socat:   $(socat -V | grep -m1 -oE 'socat version [^ ]+')" >&2

cat >"$work/udpbench.c" <<'C'
// udpbench: the traffic source and sink of impair-vs-socat.sh, on 127.0.0.1 only.
//   udpbench sink SIZE SKIP SECONDS [PIDFILE]
//                                       binds a UDP socket, prints "port N", waits (at most 20 s) for the first
//                                       datagram, ignores SKIP seconds of warm-up, then counts datagrams for SECONDS;
//                                       prints "packets P seconds S rate R bad B cpu C" (R in packets/s of SIZE bytes;
//                                       B datagrams of another size, which a correct relay never delivers; C the CPU
//                                       seconds the process whose pid PIDFILE holds used in those SECONDS, or -1)
//   udpbench flood PORT SIZE SECONDS    sends SIZE-byte datagrams to PORT as fast as sendmmsg allows for SECONDS;
//                                       prints "sent N rate R"
//   udpbench latency RATE SECONDS DELAY_NS PORTFILE
//                                       binds a receiver, prints "port N", waits (at most 20 s) for PORTFILE to hold
//                                       the forwarder's port, then sends RATE datagrams/s for SECONDS (paced on the
//                                       monotonic clock: sleep to 100 us before each slot, then spin), each stamped
//                                       with its sequence number and send time, while a thread receives them; prints
//                                       "sent N received M early E min A p50 B p99 C max D" of (one-way delay -
//                                       DELAY_NS) in microseconds
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SIZE 65507

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    return a;
}

// A UDP socket on 127.0.0.1:port with a large receive buffer and a 100 ms receive timeout.
static int bound_socket(int port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    int size = 8 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    struct timeval timeout = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in a = loopback(port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) die("bind");
    return fd;
}

static int local_port(int fd) {
    struct sockaddr_in a;
    socklen_t length = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &length) != 0) die("getsockname");
    return ntohs(a.sin_port);
}

static int connected_socket(int port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in a = loopback(port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    return fd;
}

// The CPU time, user and system, that the process whose pid is in pid_file has used so far, in seconds; -1 if unknown.
static double process_cpu(const char *pid_file) {
    if (!pid_file) return -1;
    FILE *f = fopen(pid_file, "r");
    int pid = 0;
    if (!f) return -1;
    if (fscanf(f, "%d", &pid) != 1) pid = 0;
    fclose(f);
    if (pid <= 0) return -1;
    char path[64], stat[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f) return -1;
    size_t length = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[length] = 0;
    char *rest = strrchr(stat, ')');
    unsigned long utime, stime;
    if (!rest || sscanf(rest + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int sink(int size, double skip, double seconds, const char *pid_file) {
    int fd = bound_socket(0);
    printf("port %d\n", local_port(fd));
    fflush(stdout);
    static char buffers[BATCH][MAX_SIZE];
    struct iovec iov[BATCH];
    struct mmsghdr messages[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buffers[i];
        iov[i].iov_len = sizeof buffers[i];
        memset(&messages[i], 0, sizeof messages[i]);
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int64_t give_up = now_ns() + 20000000000LL, first = 0, start = 0, end = 0;
    long long counted = 0, bad = 0;
    double cpu_start = -1, cpu_end = -1;
    int sampled = 0;
    for (;;) {
        int64_t t = now_ns();
        if (first == 0 && t > give_up) {
            fprintf(stderr, "udpbench sink: no datagram within 20 s\n");
            return 1;
        }
        if (first != 0 && !sampled && t >= start) {
            cpu_start = process_cpu(pid_file);
            sampled = 1;
        }
        if (end != 0 && t >= end) break;
        int n = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0) continue;
        t = now_ns();
        if (first == 0) {
            first = t;
            start = first + (int64_t)(skip * 1e9);
            end = start + (int64_t)(seconds * 1e9);
        }
        if (t < start || t >= end) continue;
        for (int i = 0; i < n; i++) {
            if ((int)messages[i].msg_len == size) counted++;
            else bad++;
        }
    }
    if (cpu_start >= 0) cpu_end = process_cpu(pid_file);
    printf("packets %lld seconds %.3f rate %.0f bad %lld cpu %.2f\n", counted, seconds, counted / seconds, bad,
           cpu_start >= 0 && cpu_end >= 0 ? cpu_end - cpu_start : -1.0);
    return 0;
}

static int flood(int port, int size, double seconds) {
    if (size < 1 || size > MAX_SIZE) die("size");
    int fd = connected_socket(port);
    static char payload[MAX_SIZE];
    memset(payload, 0x5a, sizeof payload);
    struct iovec iov = {payload, (size_t)size};
    struct mmsghdr messages[BATCH];
    for (int i = 0; i < BATCH; i++) {
        memset(&messages[i], 0, sizeof messages[i]);
        messages[i].msg_hdr.msg_iov = &iov;
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9);
    long long sent = 0;
    while (now_ns() < end) {
        int n = sendmmsg(fd, messages, BATCH, 0);
        if (n > 0) sent += n;
        // ECONNREFUSED (nobody listens yet, reported by an earlier datagram's ICMP) and ENOBUFS are ignored: UDP.
    }
    double elapsed = (now_ns() - start) / 1e9;
    printf("sent %lld rate %.0f\n", sent, sent / elapsed);
    return 0;
}

struct record { int64_t sent, received; };
static struct record *records;
static long long expected;
static int receiver_fd;
static int stop_receiving;
static long long received_count, stray_count;

static void *receive_loop(void *unused) {
    (void)unused;
    char buffer[2048];
    while (!__atomic_load_n(&stop_receiving, __ATOMIC_ACQUIRE)) {
        ssize_t n = recv(receiver_fd, buffer, sizeof buffer, 0);
        int64_t t = now_ns();
        if (n < 16) continue;
        uint64_t sequence, sent;
        memcpy(&sequence, buffer, 8);
        memcpy(&sent, buffer + 8, 8);
        if (sequence >= (uint64_t)expected || records[sequence].received != 0) {
            stray_count++;
            continue;
        }
        records[sequence].sent = (int64_t)sent;
        records[sequence].received = t;
        __atomic_fetch_add(&received_count, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int latency(double rate, double seconds, int64_t delay_ns, const char *port_file) {
    receiver_fd = bound_socket(0);
    printf("port %d\n", local_port(receiver_fd));
    fflush(stdout);
    int port = 0;
    for (int i = 0; i < 2000 && port == 0; i++) {
        FILE *f = fopen(port_file, "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1) port = 0;
            fclose(f);
        }
        if (port == 0) usleep(10000);
    }
    if (port == 0) {
        fprintf(stderr, "udpbench latency: no port in %s within 20 s\n", port_file);
        return 1;
    }
    expected = (long long)(rate * seconds);
    records = calloc((size_t)expected, sizeof *records);
    if (!records) die("calloc");
    pthread_t thread;
    if (pthread_create(&thread, NULL, receive_loop, NULL) != 0) die("pthread_create");
    int fd = connected_socket(port);
    char payload[64] = {0};
    int64_t interval = (int64_t)(1e9 / rate), start = now_ns() + 10000000;
    for (long long i = 0; i < expected; i++) {
        int64_t slot = start + i * interval, wake = slot - 100000;
        struct timespec t = {wake / 1000000000, wake % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {}
        int64_t sent;
        while ((sent = now_ns()) < slot) {}
        uint64_t sequence = (uint64_t)i, stamp = (uint64_t)sent;
        memcpy(payload, &sequence, 8);
        memcpy(payload + 8, &stamp, 8);
        send(fd, payload, sizeof payload, 0);
    }
    // Wait for the last datagrams: until all arrived, or nothing came for 0.5 s after the delay has passed.
    int64_t quiet_since = now_ns();
    long long last_count = -1;
    long long count;
    while ((count = __atomic_load_n(&received_count, __ATOMIC_ACQUIRE)) < expected) {
        if (count != last_count) {
            last_count = count;
            quiet_since = now_ns();
        } else if (now_ns() - quiet_since > delay_ns * 2 + 500000000) {
            break;
        }
        usleep(10000);
    }
    __atomic_store_n(&stop_receiving, 1, __ATOMIC_RELEASE);
    pthread_join(thread, NULL);
    int64_t *errors = malloc((size_t)expected * sizeof *errors);
    long long n = 0, early = 0;
    for (long long i = 0; i < expected; i++) {
        if (records[i].received == 0) continue;
        errors[n] = records[i].received - records[i].sent - delay_ns;
        if (errors[n] < 0) early++;
        n++;
    }
    if (n == 0) {
        printf("sent %lld received 0\n", expected);
        return 1;
    }
    qsort(errors, (size_t)n, sizeof *errors, compare);
    long long p99 = (long long)((n * 99 + 99) / 100) - 1;
    printf("sent %lld received %lld early %lld min %.1f p50 %.1f p99 %.1f max %.1f\n", expected, n, early,
           errors[0] / 1e3, errors[(n - 1) / 2] / 1e3, errors[p99] / 1e3, errors[n - 1] / 1e3);
    return 0;
}

int main(int argc, char **argv) {
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "sink") == 0)
        return sink(atoi(argv[2]), atof(argv[3]), atof(argv[4]), argc == 6 ? argv[5] : NULL);
    if (argc == 5 && strcmp(argv[1], "flood") == 0) return flood(atoi(argv[2]), atoi(argv[3]), atof(argv[4]));
    if (argc == 6 && strcmp(argv[1], "latency") == 0)
        return latency(atof(argv[2]), atof(argv[3]), atoll(argv[4]), argv[5]);
    fprintf(stderr, "usage: udpbench sink SIZE SKIP SECONDS [PIDFILE] | flood PORT SIZE SECONDS | latency RATE SECONDS DELAY_NS PORTFILE\n");
    return 64;
}
C
"$CC" -O2 -pthread -o "$work/udpbench" "$work/udpbench.c"
bench=$work/udpbench

# MARK: - Forwarding rate

# forward KIND SIZE: one measurement through KIND (direct, socat or gamenet); sets $rate (received packets/s at the
# sink), $offered (packets/s the sender sent), $bad and $efficiency (datagrams relayed per CPU-second of the
# forwarder, over the same window as $rate; empty for direct). Runs in this shell, not a subshell, so that the exit
# trap knows every process it starts.
forward() {
    local kind=$1 size=$2 sink_pid flood_seconds cpu
    flood_seconds=$(awk -v w="$WARMUP" -v d="$DURATION" 'BEGIN { print w + d + 0.5 }')
    rm -f "$work/forwarder.pid"
    start sink "$bench" sink "$size" "$WARMUP" "$DURATION" "$work/forwarder.pid"
    sink_pid=$started
    wait_port sink "$sink_pid" '^port [0-9]+' out
    start_forwarder "$kind" "fwd-$kind" "$port"
    # The sink reads the forwarder's CPU time from /proc when its counting window opens and closes.
    [[ -z $fwd_pid ]] || echo "$fwd_pid" >"$work/forwarder.pid"
    timeout 60 "$bench" flood "$fwd_port" "$size" "$flood_seconds" >"$work/flood.out"
    finish sink "$sink_pid" 30
    stop_forwarder
    rate=$(field rate "$work/sink.out")
    bad=$(field bad "$work/sink.out")
    cpu=$(field cpu "$work/sink.out")
    offered=$(field rate "$work/flood.out")
    efficiency=$(awk -v p="$(field packets "$work/sink.out")" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", p / c }')
    if [[ -z $rate || $rate == 0 ]]; then
        echo "error: nothing reached the sink through $kind; its log:" >&2
        tail -n 20 "$work/fwd-$kind.err" >&2 2>/dev/null || true
        exit 1
    fi
}

# The forwarders take turns in every run, so that a slow spell of the machine hits both; the direct reference runs
# once per size, in the first run.
declare -A rates offers bads ratios run_rate efficiencies
for ((run = 1; run <= RUNS; run++)); do
    for size in $SIZES; do
        kinds="socat gamenet"
        ((run > 1)) || kinds="direct socat gamenet"
        for kind in $kinds; do
            forward "$kind" "$size"
            rates[$kind.$size]+="$rate "
            run_rate[$kind]=$rate
            efficiencies[$kind.$size]+="${efficiency:+$efficiency }"
            offers[$kind.$size]+="$offered "
            bads[$kind.$size]=$(( ${bads[$kind.$size]:-0} + bad ))
            printf 'forwarding run %d/%d  %5d B  %-8s %8s pkt/s at the sink (sender %s pkt/s; %s pkt per CPU-s)\n' \
                "$run" "$RUNS" "$size" "$kind" "$rate" "$offered" "${efficiency:-n/a}" >&2
        done
        ratios[$size]+="$(ratio "${run_rate[gamenet]}" "${run_rate[socat]}") "
    done
done
declare -A rate_median rate_range offer_median efficiency_median
for size in $SIZES; do
    for kind in socat gamenet; do
        # shellcheck disable=SC2086
        efficiency_median[$kind.$size]=$(printf '%s\n' ${efficiencies[$kind.$size]:-0} | median | round)
    done
    for kind in direct socat gamenet; do
        # shellcheck disable=SC2086
        rate_median[$kind.$size]=$(printf '%s\n' ${rates[$kind.$size]} | median | round)
        # shellcheck disable=SC2086
        rate_range[$kind.$size]=$(printf '%s\n' ${rates[$kind.$size]} | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')
        # shellcheck disable=SC2086
        offer_median[$kind.$size]=$(printf '%s\n' ${offers[$kind.$size]} | median | round)
        if [[ ${bads[$kind.$size]} != 0 ]]; then
            echo "error: $kind delivered ${bads[$kind.$size]} datagrams of the wrong size (sent $size bytes)" >&2
            exit 1
        fi
    done
done

# MARK: - Delay accuracy

# accuracy KIND DELAY_MS: one run of the accuracy test; sets $result to the C program's last line.
accuracy() {
    local kind=$1 delay=$2 pid limit
    rm -f "$work/latency.port"
    start latency "$bench" latency "$LATENCY_RATE" "$LATENCY_SECONDS" "$((delay * 1000000))" "$work/latency.port"
    pid=$started
    wait_port latency "$pid" '^port [0-9]+' out
    if [[ $kind == direct ]]; then
        start_forwarder direct "" "$port"
    else
        start_forwarder gamenet "impair-$delay" "$port" --delay "${delay}ms" --seed 1
    fi
    echo "$fwd_port" >"$work/latency.port.tmp"
    mv "$work/latency.port.tmp" "$work/latency.port"
    limit=$(awk -v s="$LATENCY_SECONDS" -v d="$delay" 'BEGIN { printf "%d", s + 2 * d / 1000 + 20 }')
    finish latency "$pid" "$limit"
    stop_forwarder
    result=$(tail -n 1 "$work/latency.out")
}

declare -A accuracy_result
accuracy direct 0
accuracy_result[direct]=$result
printf 'accuracy  no forwarder      %s\n' "$result" >&2
for delay in $DELAYS; do
    accuracy gamenet "$delay"
    accuracy_result[$delay]=$result
    printf 'accuracy  impair --delay %-4s %s\n' "${delay}ms" "$result" >&2
done

# MARK: - Summary

printf '\n== gamenet impair vs socat, UDP on 127.0.0.1, %s CPUs: DURATION=%ss RUNS=%s ==\n' "$(nproc)" "$DURATION" "$RUNS"
printf 'forwarding rate, received packets/s at the sink, median (min-max) of %s runs; gamenet impair has no impairment option:\n' "$RUNS"
printf '  %-7s %-24s %-24s %-7s %-10s %s\n' size gamenet socat ratio direct "per-run ratios, gamenet/socat (higher is better)"
declare -A ratio_median
for size in $SIZES; do
    # shellcheck disable=SC2086
    ratio_median[$size]=$(printf '%s\n' ${ratios[$size]//x/} | median | round 2)
    printf '  %-7s %-24s %-24s %-7s %-10s %s\n' "$size B" \
        "${rate_median[gamenet.$size]} (${rate_range[gamenet.$size]})" \
        "${rate_median[socat.$size]} (${rate_range[socat.$size]})" \
        "$(ratio "${rate_median[gamenet.$size]}" "${rate_median[socat.$size]}")" "${rate_median[direct.$size]}" \
        "${ratios[$size]}(median ${ratio_median[$size]}x)"
done
printf 'forwarding cost, datagrams relayed per CPU-second of the forwarder (all its threads), median of %s runs:\n' "$RUNS"
for size in $SIZES; do
    printf '  %-7s gamenet %-10s socat %-10s ratio %s\n' "$size B" "${efficiency_median[gamenet.$size]}" \
        "${efficiency_median[socat.$size]}" "$(ratio "${efficiency_median[gamenet.$size]}" "${efficiency_median[socat.$size]}")"
done
offered=""
for size in $SIZES; do
    offered+="${offered:+; }$size B: ${offer_median[gamenet.$size]} / ${offer_median[socat.$size]} / ${offer_median[direct.$size]}"
done
printf '  (direct: the sender straight into the sink, one run; the sender offered, median pkt/s with gamenet / socat /\n'
printf '  direct: %s)\n' "$offered"
printf 'delay accuracy, measured - configured one-way delay in us, %s pkt/s for %ss:\n' "$LATENCY_RATE" "$LATENCY_SECONDS"
printf '  %-10s %-11s %6s %9s %9s %9s %9s\n' delay received early min p50 p99 max
row() {
    local label=$1 line=$2
    printf '  %-10s %-11s %6s %9s %9s %9s %9s\n' "$label" \
        "$(awk '{ print $4 "/" $2 }' <<<"$line")" "$(awk '{ print $6 }' <<<"$line")" \
        "$(awk '{ print $8 }' <<<"$line")" "$(awk '{ print $10 }' <<<"$line")" \
        "$(awk '{ print $12 }' <<<"$line")" "$(awk '{ print $14 }' <<<"$line")"
}
row "(none)" "${accuracy_result[direct]}"
for delay in $DELAYS; do
    row "${delay}ms" "${accuracy_result[$delay]}"
done
printf '  ((none): the sender straight into its receiver, no forwarder: the harness'"'"'s own share)\n'
