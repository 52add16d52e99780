#!/usr/bin/env bash
# Benchmarks the game server's room fan-out, in one run, on 127.0.0.1 only.
#
# MEMBERS WebSocket connections join one room of `gamenet serve` (the JSON form, as a browser speaks it), one more
# connection broadcasts PAYLOAD-byte messages to the room, and a C load generator (c/fanout.c, compiled here with
# $CC; one thread, epoll) counts the messages delivered to the members per second over MEASURE_SECONDS after WARMUP. The
# sender keeps at most WINDOW messages ahead of the slowest member, so the server's queues stay bounded. The same
# load runs against a Python `websockets` broadcast server (an inline script below: every message from one
# connection is relayed to all the others with `websockets.broadcast`), which has no rooms, sessions or sequence
# numbers. RUNS rounds, the two servers interleaved; reported: the median delivered messages per second of each and
# their ratio in each round (target: gamenet at least 10x).
#
# gamenet's messages are larger than the Python server's (a roomMessage with its sequence number, sender and room,
# about 100 bytes more than the payload), so the comparison favours Python. The load generator shares the machine
# with the servers, so on a small machine it also measures the CPU left over.
#
# Environment:
#   GAMENET         gamenet binary to use; default: a release build in .build-release/ (built here)
#   GAMENET_PYTHON  Python with `websockets` (13 or later); default: .build/venv/bin/python, else python3
#   CC              C compiler for the load generator (default cc)
#   MEMBERS         members of the room (default 1000)
#   PAYLOAD         payload bytes per message (default 32)
#   WINDOW          messages the sender may be ahead of full delivery (default 64)
#   MEASURE_SECONDS seconds counted per measurement (default 5)
#   WARMUP          seconds of load before counting starts (default 1)
#   RUNS            rounds; medians are reported (default 3)
#
# Needs bash 5, a C compiler, setsid and Python with `websockets`.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MEMBERS=${MEMBERS:-1000}
PAYLOAD=${PAYLOAD:-32}
WINDOW=${WINDOW:-64}
SECONDS_COUNTED=${MEASURE_SECONDS:-5}
WARMUP=${WARMUP:-1}
RUNS=${RUNS:-3}
STARTUP_TIMEOUT=10
check_positive MEMBERS PAYLOAD WINDOW RUNS
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

clients = set()

async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            broadcast([c for c in clients if c is not ws], message)
    finally:
        clients.discard(ws)

async def main():
    async with serve(handler, "127.0.0.1", 0, compression=None, max_queue=None) as server:
        print("listening on ws://127.0.0.1:%d" % server.sockets[0].getsockname()[1], file=sys.stderr, flush=True)
        await asyncio.Future()

asyncio.run(main())
PYTHON

# measure NAME MODE COMMAND...: starts a server, runs the load against it, stops it; prints the delivered rate.
measure() {
    local name=$1 mode=$2 pid result
    shift 2
    start "$name" "$@"
    pid=$started
    wait_port "$name" "$pid" 'listening on [a-z]+://127\.0\.0\.1:[0-9]+'
    if ! result=$(timeout $((30 + MEMBERS / 50)) "$work/fanout" "$port" "$mode" "$MEMBERS" "$PAYLOAD" "$WINDOW" \
        "$WARMUP" "$SECONDS_COUNTED" 2>"$work/$name.load.err"); then
        echo "error: the load against $name failed:" >&2
        cat "$work/$name.load.err" "$work/$name.err" >&2
        describe_processes
        exit 1
    fi
    stop "$pid"
    awk '{ print $2 }' <<<"$result"
}

echo "room fan-out: $MEMBERS members, $PAYLOAD-byte payloads, window $WINDOW, ${SECONDS_COUNTED}s after ${WARMUP}s warm-up, $RUNS rounds"
gamenet_rates=() python_rates=() ratios=()
for ((run = 1; run <= RUNS; run++)); do
    g=$(measure gamenet gamenet "$GAMENET" serve --listen 127.0.0.1:0 --rate 1000000 --heartbeat 5m)
    p=$(measure python plain "$GAMENET_PYTHON" "$work/broadcast_server.py")
    gamenet_rates+=("$g")
    python_rates+=("$p")
    ratios+=("$(awk -v a="$g" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }')")
    printf '  round %d: gamenet %.0f msg/s, python websockets %.0f msg/s, ratio %s\n' "$run" "$g" "$p" "$(ratio "$g" "$p")"
done
g=$(printf '%s\n' "${gamenet_rates[@]}" | median)
p=$(printf '%s\n' "${python_rates[@]}" | median)
r=$(printf '%s\n' "${ratios[@]}" | median)
printf 'gamenet serve:            %.0f messages delivered/s (median)\n' "$g"
printf 'python websockets server: %.0f messages delivered/s (median)\n' "$p"
printf 'ratio (median of rounds): %.2fx, %s target >=10x\n' "$r" "$(awk -v r="$r" 'BEGIN { print (r >= 10) ? "meets" : "MISSES" }')"
