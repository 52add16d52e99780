#!/usr/bin/env bash
# Benchmarks the game server's room fan-out, in one run, on 127.0.0.1 only.
#
# For each LAYOUT (ROOMSxMEMBERS: by default one room of 1,000 and 100 rooms of 10), every member is a WebSocket
# connection in a room of `gamenet serve` (the JSON form, as a browser speaks it), one more connection per room
# broadcasts PAYLOAD-byte messages to it, and a C load generator (c/fanout.c, compiled here with $CC; one thread,
# epoll) counts the messages delivered to the members per second over MEASURE_SECONDS after WARMUP. Each sender keeps
# at most WINDOW messages ahead of the slowest member of its room, so the servers' queues stay bounded, and sends
# BURST messages at a time (in one write: a game tick's worth; 1 sends each message as soon as the window allows).
# The same load runs against a Python `websockets` broadcast server (an inline script below: every message from one
# connection is relayed with `websockets.broadcast` to the others on the same path, a path being a room), which has
# no sessions or sequence numbers. RUNS rounds, the two servers interleaved; reported per layout: the median
# delivered messages per second of each, the server's CPU seconds per million deliveries, and the median of the
# rounds' ratios (target: gamenet at least 10x).
#
# gamenet's messages are larger than the Python server's (a roomMessage with its sequence number, sender and room,
# about 100 bytes more than the payload), so the comparison favours Python. The load generator shares the machine
# with the servers, so on a small machine it also measures the CPU left over.
#
# Environment:
#   GAMENET         gamenet binary to use; default: a release build in .build-release/ (built here)
#   GAMENET_PYTHON  Python with `websockets` (13 or later); default: .build/venv/bin/python, else python3
#   CC              C compiler for the load generator (default cc)
#   LAYOUTS         rooms x members per room, space-separated (default "1x1000 100x10")
#   PAYLOAD         payload bytes per message (default 32)
#   WINDOW          messages a sender may be ahead of full delivery in its room (default 64)
#   BURST           messages a sender sends at once (default 1)
#   MEASURE_SECONDS seconds counted per measurement (default 5)
#   WARMUP          seconds of load before counting starts (default 1)
#   RUNS            rounds; medians are reported (default 3)
#
# Needs bash 5, a C compiler, setsid and Python with `websockets`.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

LAYOUTS=${LAYOUTS:-1x1000 100x10}
PAYLOAD=${PAYLOAD:-32}
WINDOW=${WINDOW:-64}
BURST=${BURST:-1}
SECONDS_COUNTED=${MEASURE_SECONDS:-5}
WARMUP=${WARMUP:-1}
RUNS=${RUNS:-3}
STARTUP_TIMEOUT=10
check_positive PAYLOAD WINDOW BURST RUNS
for layout in $LAYOUTS; do
    [[ $layout =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || {
        echo "error: LAYOUTS: '$layout' is not ROOMSxMEMBERS, such as 100x10" >&2
        exit 64
    }
done
check_seconds SECONDS_COUNTED WARMUP

init_work gamenet-fanout
require_tools "${CC:-cc}" setsid
resolve_gamenet
if [[ -z ${GAMENET_PYTHON:-} ]]; then
    GAMENET_PYTHON=python3
    [[ -x $root/.build/venv/bin/python ]] && GAMENET_PYTHON=$root/.build/venv/bin/python
fi
"$GAMENET_PYTHON" -c 'import websockets.asyncio.server' 2>/dev/null || {
    echo "error: $GAMENET_PYTHON has no websockets 13 or later (set GAMENET_PYTHON, or pip install websockets)" >&2
    exit 69
}
# Every member is a socket in the load generator and in each server.
ulimit -n "$(ulimit -Hn)"
"${CC:-cc}" -O2 -Wall -o "$work/fanout" "$root/Tests/Benchmarks/c/fanout.c"

cat >"$work/broadcast_server.py" <<'PYTHON'
import asyncio, sys
from websockets.asyncio.server import serve, broadcast

rooms = {}

async def handler(ws):
    room = rooms.setdefault(ws.request.path, set())
    room.add(ws)
    try:
        async for message in ws:
            broadcast([c for c in room if c is not ws], message)
    finally:
        room.discard(ws)

async def main():
    async with serve(handler, "127.0.0.1", 0, compression=None, max_queue=None) as server:
        print("listening on ws://127.0.0.1:%d" % server.sockets[0].getsockname()[1], file=sys.stderr, flush=True)
        await asyncio.Future()

asyncio.run(main())
PYTHON

# cpu_ticks PID: the user and system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure NAME MODE ROOMS MEMBERS COMMAND...: starts a server, runs the load against it, stops it; prints the delivered
# rate and the server's CPU seconds per million deliveries over the counted seconds.
measure() {
    local name=$1 mode=$2 rooms=$3 members=$4 pid result before after rate
    shift 4
    start "$name" "$@"
    pid=$started
    wait_port "$name" "$pid" 'listening on [a-z]+://127\.0\.0\.1:[0-9]+'
    "$work/fanout" "$port" "$mode" "$rooms" "$members" "$PAYLOAD" "$WINDOW" "$WARMUP" "$SECONDS_COUNTED" "$BURST" \
        >"$work/$name.load.out" 2>"$work/$name.load.err" &
    local load=$!
    # The server's CPU time over the counted seconds: the generator starts counting WARMUP seconds after its members
    # are in, which it reports on stderr.
    local deadline=$((SECONDS + 30 + rooms * members / 50))
    until grep -q '^measuring' "$work/$name.load.err" 2>/dev/null || ((SECONDS > deadline)) || ! kill -0 "$load" 2>/dev/null; do
        sleep 0.05
    done
    before=$(cpu_ticks "$pid")
    if ! timeout $((30 + SECONDS_COUNTED)) tail --pid="$load" -f /dev/null; then
        kill "$load" 2>/dev/null || true
    fi
    after=$(cpu_ticks "$pid")
    if ! wait "$load" || ! result=$(cat "$work/$name.load.out") || [[ -z $result ]]; then
        echo "error: the load against $name failed:" >&2
        cat "$work/$name.load.err" "$work/$name.err" >&2
        describe_processes
        exit 1
    fi
    stop "$pid"
    rate=$(awk '{ print $2 }' <<<"$result")
    awk -v rate="$rate" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%s %.2f\n", rate, (rate > 0) ? ticks / hz / (rate * '"$SECONDS_COUNTED"') * 1e6 : 0 }'
}

echo "room fan-out: layouts $LAYOUTS (rooms x members), $PAYLOAD-byte payloads, window $WINDOW, burst $BURST," \
    "${SECONDS_COUNTED}s after ${WARMUP}s warm-up, $RUNS rounds"
for layout in $LAYOUTS; do
    rooms=${layout%x*} members=${layout#*x}
    echo "$rooms room(s) of $members members:"
    gamenet_rates=() python_rates=() gamenet_cpu=() python_cpu=() ratios=()
    for ((run = 1; run <= RUNS; run++)); do
        read -r g gc < <(measure gamenet gamenet "$rooms" "$members" \
            "$GAMENET" serve --listen 127.0.0.1:0 --rate 1000000 --heartbeat 5m --drain 100ms)
        read -r p pc < <(measure python plain "$rooms" "$members" "$GAMENET_PYTHON" "$work/broadcast_server.py")
        gamenet_rates+=("$g") python_rates+=("$p") gamenet_cpu+=("$gc") python_cpu+=("$pc")
        ratios+=("$(awk -v a="$g" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }')")
        printf '  round %d: gamenet %.0f msg/s (%s CPU s per million), python websockets %.0f msg/s (%s), ratio %s\n' \
            "$run" "$g" "$gc" "$p" "$pc" "$(ratio "$g" "$p")"
    done
    g=$(printf '%s\n' "${gamenet_rates[@]}" | median)
    p=$(printf '%s\n' "${python_rates[@]}" | median)
    gc=$(printf '%s\n' "${gamenet_cpu[@]}" | median)
    pc=$(printf '%s\n' "${python_cpu[@]}" | median)
    r=$(printf '%s\n' "${ratios[@]}" | median)
    printf '  gamenet serve:            %.0f messages delivered/s, %s server CPU s per million (medians)\n' "$g" "$gc"
    printf '  python websockets server: %.0f messages delivered/s, %s server CPU s per million (medians)\n' "$p" "$pc"
    printf '  ratio (median of rounds): %.2fx, %s target >=10x; CPU per delivery: %s\n' "$r" \
        "$(awk -v r="$r" 'BEGIN { print (r >= 10) ? "meets" : "MISSES" }')" "$(ratio "$pc" "$gc")"
done
