#!/usr/bin/env bash
# Benchmarks gamenet's TCP tunnel against kcptun's, in the same run, on 127.0.0.1 only.
#
# Bulk throughput: BYTES bytes of zeros from a socat sender into the tunnel client, across the tunnel (UDP on
# loopback) to the tunnel server, into a socat sink that discards them; wall time from the sender's start until the
# sink has seen the end of the stream. Both tunnels get the same settings: --mode fast3 --sndwnd 2048
# --rcvwnd 2048 --crypt none --nocomp, FEC 10:3, smux v2, MTU 1350; gamenet speaks kcptun's wire format
# (--compat kcptun), so the two do the same work per datagram. Each run starts a fresh sink and a fresh pair of
# tunnel processes; CPU seconds (user + system) of the client and the server are read from /proc when the transfer
# ends. RUNS runs of each, interleaved; medians are reported, and the ratio gamenet/kcptun.
#
# Environment:
#   GAMENET           gamenet binary to use; default: a release build in .build-release/ (built here)
#   BYTES             bytes per transfer (default 268435456 = 256 MiB)
#   RUNS              runs of each (default 3)
#   CRYPT             --crypt of both tunnels (default none; aes compares gamenet's AES-CFB with kcptun's)
#   TRANSFER_TIMEOUT  seconds one transfer may take before the script fails (default 180)
#
# Needs bash 5, socat, kcptun (kcptun-client, kcptun-server), python3, setsid and timeout.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

BYTES=${BYTES:-268435456}
RUNS=${RUNS:-3}
CRYPT=${CRYPT:-none}
TRANSFER_TIMEOUT=${TRANSFER_TIMEOUT:-180}
STARTUP_TIMEOUT=10
IO_BUFFER=131072

check_positive BYTES RUNS TRANSFER_TIMEOUT
require_tools socat kcptun-client kcptun-server python3 setsid timeout
init_work gamenet-tunnel-bench
describe_ended_note='143, or 0 from gamenet, means it was sent SIGTERM'
resolve_gamenet

ticks=$(getconf CLK_TCK)
common_kcptun=(--mode fast3 --sndwnd 2048 --rcvwnd 2048 --crypt "$CRYPT" --nocomp --datashard 10 --parityshard 3
    --smuxver 2 --mtu 1350 --quiet)
common_gamenet=(--compat kcptun --mode fast3 --sndwnd 2048 --rcvwnd 2048 --crypt "$CRYPT" --nocomp --fec 10:3
    --smuxver 2 --mtu 1350)

# free_port tcp|udp: a port on 127.0.0.1 that nothing listens on now (bound, read back, closed).
free_port() {
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}

# cpu_seconds PID: user + system CPU seconds of a running process.
cpu_seconds() {
    awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / t }' "/proc/$1/stat"
}

# run_once gamenet|kcptun: one transfer; prints "MB/s client-cpu server-cpu".
run_once() {
    local kind=$1 sink sink_port client server listen_port udp_port sender i
    start sink socat -d -d -u -b "$IO_BUFFER" TCP-LISTEN:0,bind=127.0.0.1,reuseaddr OPEN:/dev/null
    sink=$started
    wait_port sink "$sink" 'listening on AF=2 127\.0\.0\.1:[0-9]+'
    sink_port=$port
    if [[ $kind == gamenet ]]; then
        start server "$GAMENET" tunnel server udp://127.0.0.1:0 "tcp://127.0.0.1:$sink_port" "${common_gamenet[@]}"
        server=$started
        wait_port server "$server" 'listening on udp://127\.0\.0\.1:[0-9]+'
        udp_port=$port
        start client "$GAMENET" tunnel client tcp://127.0.0.1:0 "udp://127.0.0.1:$udp_port" "${common_gamenet[@]}"
        client=$started
        wait_port client "$client" 'listening on tcp://127\.0\.0\.1:[0-9]+'
        listen_port=$port
    else
        udp_port=$(free_port udp)
        start server kcptun-server --listen "127.0.0.1:$udp_port" --target "127.0.0.1:$sink_port" "${common_kcptun[@]}"
        server=$started
        wait_port server "$server" 'key derivation done()'
        listen_port=$(free_port tcp)
        start client kcptun-client --localaddr "127.0.0.1:$listen_port" --remoteaddr "127.0.0.1:$udp_port" \
            "${common_kcptun[@]}"
        client=$started
        wait_port client "$client" 'key derivation done()'
        sleep 0.2
    fi
    local begin end
    begin=$(date +%s.%N)
    timeout "$TRANSFER_TIMEOUT" socat -u -b "$IO_BUFFER" "OPEN:/dev/zero,readbytes=$BYTES" "TCP:127.0.0.1:$listen_port" \
        || { echo "error: $kind: the sender failed or timed out" >&2; describe_processes; exit 1; }
    for ((i = 0; i < TRANSFER_TIMEOUT * 100; i++)); do
        kill -0 "$sink" 2>/dev/null || break
        sleep 0.01
    done
    kill -0 "$sink" 2>/dev/null && { echo "error: $kind: the sink never saw the end of the stream" >&2; exit 1; }
    end=$(date +%s.%N)
    local client_cpu server_cpu
    client_cpu=$(cpu_seconds "$client")
    server_cpu=$(cpu_seconds "$server")
    stop "$client"
    stop "$server"
    wait "$sink" 2>/dev/null || true
    forget "$sink"
    awk -v b="$BYTES" -v s="$begin" -v e="$end" -v c="$client_cpu" -v v="$server_cpu" \
        'BEGIN { printf "%.1f %.2f %.2f\n", b / (e - s) / 1e6, c, v }'
}

declare -A rate cpu_client cpu_server
for ((run = 1; run <= RUNS; run++)); do
    for kind in gamenet kcptun; do
        read -r r c s < <(run_once "$kind")
        echo "run $run $kind: $r MB/s, CPU client ${c}s server ${s}s" >&2
        rate[$kind]+="$r "
        cpu_client[$kind]+="$c "
        cpu_server[$kind]+="$s "
    done
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo "tunnel bulk throughput, $BYTES bytes, loopback, fast3 2048/2048, crypt $CRYPT, FEC 10:3, smux v2 (median of $RUNS)"
printf '%-8s %10s %14s %14s\n' "" "MB/s" "client CPU s" "server CPU s"
for kind in gamenet kcptun; do
    printf '%-8s %10s %14s %14s\n' "$kind" "$(med "${rate[$kind]}")" "$(med "${cpu_client[$kind]}")" "$(med "${cpu_server[$kind]}")"
done
g=$(med "${rate[gamenet]}")
k=$(med "${rate[kcptun]}")
echo "ratio gamenet/kcptun throughput: $(ratio "$g" "$k") (target >= 1.0: $(verdict "$g" "$k" '>=' 1.0))"
gc=$(awk -v a="$(med "${cpu_client[gamenet]}")" -v b="$(med "${cpu_server[gamenet]}")" 'BEGIN { print a + b }')
kc=$(awk -v a="$(med "${cpu_client[kcptun]}")" -v b="$(med "${cpu_server[kcptun]}")" 'BEGIN { print a + b }')
echo "ratio gamenet/kcptun CPU seconds (both ends): $(ratio "$gc" "$kc")"
