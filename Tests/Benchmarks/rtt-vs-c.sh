#!/usr/bin/env bash
# Round-trip time of gamenet against a minimal blocking C echo pair, in one run, on 127.0.0.1 only.
#
# Three pairs, each closed loop (one message in flight) on one connection with TCP_NODELAY:
#   - the C pair: c/pingpong.c, compiled here with $CC -O2: a blocking echo server (a thread per TCP connection, one
#     for UDP) and a blocking ping-pong client, timing each round trip on CLOCK_MONOTONIC;
#   - gamenet's pair: `gamenet serve --echo` and `gamenet bench rtt` (tcp://, ws:// and udp:// on the server's one
#     port), each message timed the same way;
#   - sockperf's (`sockperf sr` and `sockperf ping-pong --full-rtt`), the floor a tuned tool reaches on this machine.
# Also, to tell the two sides apart, the C client against gamenet's server and gamenet's client against the C server.
# RUNS rounds, the pairs interleaved in each; medians of the p50s (and p99s). Targets: gamenet TCP p50 at most 1.3x
# the C pair's, WebSocket p50 at most 1.15x gamenet's TCP p50, UDP p50 at most 1.3x the C pair's.
#
# Environment:
#   GAMENET   gamenet binary; default: a release build in .build-release/ (built here)
#   CC        C compiler (default cc)
#   RUNS      rounds (default 3)
#   SIZE      bytes per message (default 32)
#   SECONDS_PER_CASE   measured seconds per case (default 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
SIZE=${SIZE:-32}
SECONDS_PER_CASE=${SECONDS_PER_CASE:-3}
STARTUP_TIMEOUT=10
check_positive RUNS SIZE SECONDS_PER_CASE
require_tools sockperf python3 "${CC:-cc}"
init_work gamenet-rtt
resolve_gamenet

"${CC:-cc}" -O2 -pthread -o "$work/pingpong" "$(dirname "$0")/c/pingpong.c"
pings=$((SECONDS_PER_CASE * 40000))

start cserver "$work/pingpong" server 0
wait_port cserver "$started" 'listening on [0-9]+' out
cport=$port
start gserver "$GAMENET" serve --echo --listen 127.0.0.1:0
wait_port gserver "$started" 'listening on tcp://127\.0\.0\.1:[0-9]+'
gport=$port
start sockperf-tcp sockperf server --tcp -i 127.0.0.1 -p "$((cport + 1))"
start sockperf-udp sockperf server -i 127.0.0.1 -p "$((cport + 2))"
sleep 0.5

# c_client TRANSPORT PORT: p50 and p99 in microseconds.
c_client() { "$work/pingpong" client "$1" "$2" "$SIZE" 2000 "$pings" | awk '{ print $1, $3 }'; }
# gamenet_client URL...: "transport p50 p99" lines.
gamenet_client() {
    "$GAMENET" bench rtt "$@" --size "$SIZE" --duration "${SECONDS_PER_CASE}s" --warmup 100ms --json |
        python3 -c 'import json,sys; [print(r["transport"], r["p50_us"], r["p99_us"]) for r in json.load(sys.stdin)["results"]]'
}
# sockperf_client [--tcp] PORT: p50 and p99 in microseconds.
sockperf_client() {
    local args=("$@")
    sockperf ping-pong "${args[@]:0:$((${#args[@]} - 1))}" -i 127.0.0.1 -p "${args[-1]}" -t "$SECONDS_PER_CASE" -m "$SIZE" --full-rtt 2>&1 |
        awk '/percentile 50.000/ { p50 = $NF } /percentile 99.000/ { p99 = $NF } END { print p50, p99 }'
}

declare -A p50 p99
record() { # record NAME "P50 P99"
    local name=$1 a b
    read -r a b <<<"$2"
    p50[$name]+="$a "
    p99[$name]+="$b "
}

for ((run = 1; run <= RUNS; run++)); do
    echo "round $run of $RUNS..." >&2
    record "C pair tcp" "$(c_client tcp "$cport")"
    record "C pair udp" "$(c_client udp "$cport")"
    while read -r transport a b; do record "gamenet pair $transport" "$a $b"; done \
        < <(gamenet_client "tcp://127.0.0.1:$gport" "ws://127.0.0.1:$gport/" "udp://127.0.0.1:$gport")
    record "C client, gamenet server tcp" "$(c_client tcp "$gport")"
    record "C client, gamenet server udp" "$(c_client udp "$gport")"
    while read -r transport a b; do record "gamenet client, C server $transport" "$a $b"; done \
        < <(gamenet_client "tcp://127.0.0.1:$cport" "udp://127.0.0.1:$cport")
    record "sockperf tcp" "$(sockperf_client --tcp "$((cport + 1))")"
    record "sockperf udp" "$(sockperf_client "$((cport + 2))")"
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "Round-trip time, $SIZE-byte messages, closed loop, $RUNS rounds of ${SECONDS_PER_CASE}s per case (median of each round's figure):"
printf '  %-38s %9s %9s\n' "pair" "p50 µs" "p99 µs"
for name in "sockperf tcp" "sockperf udp" "C pair tcp" "C pair udp" "gamenet pair tcp" "gamenet pair ws" "gamenet pair udp" \
    "C client, gamenet server tcp" "C client, gamenet server udp" "gamenet client, C server tcp" "gamenet client, C server udp"; do
    printf '  %-38s %9s %9s\n' "$name" "$(med "${p50[$name]}")" "$(med "${p99[$name]}")"
done
tcp_c=$(med "${p50[C pair tcp]}")
udp_c=$(med "${p50[C pair udp]}")
tcp_g=$(med "${p50[gamenet pair tcp]}")
ws_g=$(med "${p50[gamenet pair ws]}")
udp_g=$(med "${p50[gamenet pair udp]}")
echo
echo "gamenet TCP p50 / C pair TCP p50:      $(ratio "$tcp_g" "$tcp_c")  (target <= 1.3x: $(verdict "$tcp_g" "$tcp_c" '<=' 1.3))"
echo "gamenet WebSocket p50 / gamenet TCP:   $(ratio "$ws_g" "$tcp_g")  (target <= 1.15x: $(verdict "$ws_g" "$tcp_g" '<=' 1.15))"
echo "gamenet UDP p50 / C pair UDP p50:      $(ratio "$udp_g" "$udp_c")  (target <= 1.3x: $(verdict "$udp_g" "$udp_c" '<=' 1.3))"
echo "C pair TCP p50 / sockperf TCP p50:     $(ratio "$tcp_c" "$(med "${p50[sockperf tcp]}")")"
