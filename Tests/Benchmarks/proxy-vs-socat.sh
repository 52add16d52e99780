#!/usr/bin/env bash
# Benchmarks gamenet's TCP proxy against socat's, in the same run, on 127.0.0.1 only.
#
#   1. Throughput: BYTES bytes of zeros from a socat sender, through each proxy, into a socat sink that discards
#      them; wall time from the sender's start until the sink has seen the end of the stream. RUNS runs of each,
#      interleaved; the median is reported. A direct run (no proxy) is shown for reference.
#   2. Added round-trip time: a Python client on one connection with TCP_NODELAY sends 64 bytes and reads the 64
#      echoed bytes back, PINGS times in a closed loop, against one `gamenet serve --echo` server: (a) directly,
#      (b) through socat, (c) through gamenet. Added RTT = (b or c) - (a), for the median and the p99. RUNS rounds,
#      interleaved; the median of each figure over the rounds is reported.
#
# Both proxies set TCP_NODELAY on both of their sockets (gamenet always does; socat gets `nodelay`), and socat
# keeps its default 8 KiB transfer buffer unless SOCAT_PROXY_ARGS says otherwise (e.g. SOCAT_PROXY_ARGS="-b 65536").
#
# Environment:
#   GAMENET           gamenet binary to use; default: a release build in .build-release/ (built here)
#   BYTES             bytes per throughput transfer (default 1073741824 = 1 GiB)
#   RUNS              runs of each measurement; the median is reported (default 3)
#   PINGS             timed round trips per RTT measurement (default 20000)
#   WARMUP_PINGS      untimed round trips before those (default 500)
#   SOCAT_PROXY_ARGS  extra options for the socat proxy process (default none)
#   SOCAT_NODELAY     1 to give the socat proxy TCP_NODELAY like gamenet's, 0 not to (default 1)
#   TRANSFER_TIMEOUT  seconds one throughput transfer may take before the script fails (default 120)
#
# Needs bash 5, socat, python3, setsid and timeout.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

BYTES=${BYTES:-1073741824}
RUNS=${RUNS:-3}
PINGS=${PINGS:-20000}
WARMUP_PINGS=${WARMUP_PINGS:-500}
SOCAT_PROXY_ARGS=${SOCAT_PROXY_ARGS:-}
SOCAT_NODELAY=${SOCAT_NODELAY:-1}
TRANSFER_TIMEOUT=${TRANSFER_TIMEOUT:-120}
STARTUP_TIMEOUT=10      # seconds a server may take to start listening
IO_BUFFER=131072        # transfer buffer of the socat sender and sink, so that they are not the bottleneck

check_positive BYTES RUNS PINGS TRANSFER_TIMEOUT
check_number WARMUP_PINGS
require_tools socat python3 setsid timeout

init_work gamenet-bench

# MARK: - Background processes

# For describe_processes (lib.sh): what an ended process's status means, and which listeners to show.
describe_ended_note='143, or 0 from gamenet, means it was sent SIGTERM'
describe_listeners='gamenet|socat'

gamenet_regex='listening on tcp://127\.0\.0\.1:[0-9]+'
socat_regex='listening on AF=2 127\.0\.0\.1:[0-9]+'

# start_gamenet_proxy NAME TARGET_PORT: sets $proxy_pid and $proxy_port.
start_gamenet_proxy() {
    start "$1" "$GAMENET" proxy -v tcp://127.0.0.1:0 "tcp://127.0.0.1:$2"
    proxy_pid=$started
    wait_port "$1" "$proxy_pid" "$gamenet_regex"
    proxy_port=$port
}

# start_socat_proxy NAME TARGET_PORT: sets $proxy_pid and $proxy_port.
start_socat_proxy() {
    local nodelay=""
    [[ $SOCAT_NODELAY == 1 ]] && nodelay=",nodelay"
    # shellcheck disable=SC2086 # SOCAT_PROXY_ARGS is a list of options
    start "$1" socat -d -d $SOCAT_PROXY_ARGS \
        "TCP4-LISTEN:0,bind=127.0.0.1,fork,reuseaddr$nodelay" "TCP4:127.0.0.1:$2$nodelay"
    proxy_pid=$started
    wait_port "$1" "$proxy_pid" "$socat_regex"
    proxy_port=$port
}

# start_proxy KIND NAME TARGET_PORT, KIND being direct, socat or gamenet: sets $proxy_pid (empty for direct) and
# $proxy_port (the target's for direct).
start_proxy() {
    case $1 in
    direct) proxy_pid="" proxy_port=$3 ;;
    socat) start_socat_proxy "$2" "$3" ;;
    gamenet) start_gamenet_proxy "$2" "$3" ;;
    esac
}

stop_proxy() {
    [[ -z $proxy_pid ]] || stop "$proxy_pid"
}

# MARK: - gamenet binary

resolve_gamenet
echo "gamenet: $GAMENET" >&2
echo "socat:   $(socat -V | grep -m1 -oE 'socat version [^ ]+')" >&2

# MARK: - Correctness check

# A few MiB of random bytes through each proxy, compared on arrival, so that a fast but broken relay cannot pass.
head -c 4194304 /dev/urandom >"$work/check.in"
for kind in socat gamenet; do
    start check-sink timeout "$TRANSFER_TIMEOUT" \
        socat -d -d -u "TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr" "CREATE:$work/check.$kind"
    sink_pid=$started
    wait_port check-sink "$sink_pid" "$socat_regex"
    start_proxy "$kind" "check-$kind" "$port"
    timeout "$TRANSFER_TIMEOUT" socat -u "OPEN:$work/check.in" "TCP4:127.0.0.1:$proxy_port" || true
    wait "$sink_pid" || { echo "error: check transfer through $kind failed or timed out" >&2; exit 1; }
    forget "$sink_pid"
    stop_proxy
    cmp -s "$work/check.in" "$work/check.$kind" || { echo "error: $kind proxy corrupted the check transfer" >&2; exit 1; }
done
echo "check: 4 MiB relayed intact by both proxies" >&2

# MARK: - Throughput

# transfer KIND: one run of BYTES bytes through KIND (direct, socat or gamenet); sets $rate in MiB/s. Runs in this
# shell, not a subshell, so that the exit trap knows every process it starts.
transfer() {
    local kind=$1 t0 t1 status=0
    # The sink is this shell's child (setsid and timeout exec), so `wait` sees it end; timeout bounds it.
    start sink timeout "$TRANSFER_TIMEOUT" \
        socat -d -d -u -b "$IO_BUFFER" "TCP4-LISTEN:0,bind=127.0.0.1,reuseaddr" /dev/null
    sink_pid=$started
    wait_port sink "$sink_pid" "$socat_regex"
    start_proxy "$kind" "proxy-$kind" "$port"
    t0=$EPOCHREALTIME
    timeout "$TRANSFER_TIMEOUT" socat -u -b "$IO_BUFFER" "OPEN:/dev/zero,readbytes=$BYTES" "TCP4:127.0.0.1:$proxy_port" \
        || status=$?
    # The sink exits when the end of the stream reaches it: after the proxy has written the last byte.
    [[ $status != 0 ]] || wait "$sink_pid" || status=$?
    t1=$EPOCHREALTIME
    if [[ $status == 0 ]]; then forget "$sink_pid"; else stop "$sink_pid"; fi
    stop_proxy
    if [[ $status != 0 ]]; then
        echo "error: transfer through $kind failed or timed out (status $status); logs of the sink and the proxy:" >&2
        tail -n 20 "$work/sink.err" "$work/proxy-$kind.err" >&2 2>/dev/null || true
        describe_processes
        exit 1
    fi
    rate=$(awk -v b="$BYTES" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", b / 1048576 / (t1 - t0) }')
}

declare -A mibs
for ((run = 1; run <= RUNS; run++)); do
    for kind in direct socat gamenet; do
        transfer "$kind"
        mibs[$kind]+="$rate "
        printf 'throughput run %d/%d  %-8s %6s MiB/s\n' "$run" "$RUNS" "$kind" "$rate" >&2
    done
done
declare -A tput
for kind in direct socat gamenet; do
    # shellcheck disable=SC2086
    tput[$kind]=$(printf '%s\n' ${mibs[$kind]} | median)
done

# MARK: - Round-trip time

cat >"$work/pingpong.py" <<'PY'
import math, socket, sys, time

host, port, count, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
SIZE = 64
messages = [bytes([i]) * SIZE for i in range(256)]  # a different payload each time, so a stale echo shows
buffer = bytearray(SIZE)
view = memoryview(buffer)

sock = socket.create_connection((host, port), timeout=10)  # every recv gives up after 10 s
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

def ping(message):
    sock.sendall(message)
    received = 0
    while received < SIZE:  # bounded: each pass reads at least one byte, or raises
        n = sock.recv_into(view[received:], SIZE - received)
        if n == 0:
            sys.exit("error: connection closed after %d of %d echoed bytes" % (received, SIZE))
        received += n

for i in range(warmup):
    ping(messages[i & 255])
    if buffer != messages[i & 255]:
        sys.exit("error: echo mismatch")

clock = time.perf_counter_ns
samples = [0] * count
for i in range(count):
    message = messages[i & 255]
    start = clock()
    ping(message)
    samples[i] = clock() - start
    if buffer != message:
        sys.exit("error: echo mismatch")
sock.close()

samples.sort()
median = (samples[(count - 1) // 2] + samples[count // 2]) / 2
p99 = samples[min(count - 1, math.ceil(0.99 * count) - 1)]
print("%.2f %.2f" % (median / 1000, p99 / 1000))
PY

start echo "$GAMENET" serve --echo --listen 127.0.0.1:0
echo_pid=$started
wait_port echo "$echo_pid" "$gamenet_regex"
echo_port=$port

declare -A rtt_port
rtt_port[direct]=$echo_port
start_socat_proxy rtt-socat "$echo_port"
rtt_port[socat]=$proxy_port
start_gamenet_proxy rtt-gamenet "$echo_port"
rtt_port[gamenet]=$proxy_port

declare -A medians p99s
for ((run = 1; run <= RUNS; run++)); do
    for kind in direct socat gamenet; do
        read -r med p99 < <(timeout 600 python3 "$work/pingpong.py" 127.0.0.1 "${rtt_port[$kind]}" "$PINGS" "$WARMUP_PINGS") || true
        if [[ -z ${p99:-} ]]; then
            echo "error: round trips through $kind failed; logs of the echo server and the proxies:" >&2
            tail -n 20 "$work/echo.err" "$work/rtt-socat.err" "$work/rtt-gamenet.err" >&2
            describe_processes
            exit 1
        fi
        medians[$kind]+="$med "
        p99s[$kind]+="$p99 "
        printf 'rtt run %d/%d  %-8s median %8sus  p99 %8sus\n' "$run" "$RUNS" "$kind" "$med" "$p99" >&2
    done
done

declare -A rtt_med rtt_p99 added_med added_p99
for kind in direct socat gamenet; do
    # shellcheck disable=SC2086
    rtt_med[$kind]=$(printf '%s\n' ${medians[$kind]} | median)
    # shellcheck disable=SC2086
    rtt_p99[$kind]=$(printf '%s\n' ${p99s[$kind]} | median)
done
for kind in socat gamenet; do
    added_med[$kind]=$(awk -v a="${rtt_med[$kind]}" -v b="${rtt_med[direct]}" 'BEGIN { printf "%.1f", a - b }')
    added_p99[$kind]=$(awk -v a="${rtt_p99[$kind]}" -v b="${rtt_p99[direct]}" 'BEGIN { printf "%.1f", a - b }')
done

# MARK: - Summary

printf '\n== gamenet proxy vs socat, 127.0.0.1, %s CPUs: BYTES=%s RUNS=%s PINGS=%s (medians of %s runs) ==\n' \
    "$(nproc)" "$BYTES" "$RUNS" "$PINGS" "$RUNS"
printf '%-11s gamenet %-12s socat %-12s ratio %-6s (gamenet/socat, higher is better; direct, no proxy: %s MiB/s)\n' \
    throughput "${tput[gamenet]} MiB/s" "${tput[socat]} MiB/s" "$(ratio "${tput[gamenet]}" "${tput[socat]}")" "${tput[direct]}"
printf '%-11s gamenet %-12s socat %-12s ratio %-6s (median, gamenet/socat, lower is better)\n' \
    "added rtt" "${added_med[gamenet]}us" "${added_med[socat]}us" "$(ratio "${added_med[gamenet]}" "${added_med[socat]}")"
printf '%-11s gamenet %-12s socat %-12s ratio %-6s (p99)\n' \
    "" "${added_p99[gamenet]}us" "${added_p99[socat]}us" "$(ratio "${added_p99[gamenet]}" "${added_p99[socat]}")"
printf '%-11s gamenet %-12s socat %-12s direct %-10s (median round trip through each; p99: %sus, %sus, %sus)\n' \
    "total rtt" "${rtt_med[gamenet]}us" "${rtt_med[socat]}us" "${rtt_med[direct]}us" \
    "${rtt_p99[gamenet]}" "${rtt_p99[socat]}" "${rtt_p99[direct]}"
