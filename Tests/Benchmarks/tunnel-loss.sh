#!/usr/bin/env bash
# Measures gamenet's native tunnel end to end across a lossy link, against the same traffic without the tunnel, in
# the same run, on 127.0.0.1 and in network namespaces of this script's own.
#
# The link: `gamenet impair udp://…` with LATENCY_MS one-way delay and a random loss of L% (each L of LOSSES), both
# ways, between the tunnel client and the tunnel server (`gamenet tunnel client|server`, native wire format, the
# default crypto chacha20-poly1305 with a --key, FEC 10:3 unless FEC says otherwise, --mode MODE, other settings at
# their defaults). For each loss rate, RUNS rounds of:
#   1. TCP request/response: on one connection, a REQUEST-byte request answered by a RESPONSE-byte response, in a
#      closed loop for RR_SECONDS (an HTTP-like exchange); latency of each request from its send until the whole
#      response has arrived; p50, p90, p99.
#   2. TCP bulk transfer: BULK_BYTES bytes (at most BULK_SECONDS) from one connection into a sink; throughput is the
#      bytes the sink read over the time from its accept to its last byte.
#   3. UDP at UDP_RATE Hz: UDP_SIZE-byte datagrams for UDP_SECONDS to a peer that echoes each; delivered ratio one
#      way (at the peer) and round trip (echoes back); one-way delay (client to peer) and round-trip percentiles.
#      The tunnel's UDP mode carries them with FEC and AEAD only, so a game's low rate gets its parity after the FEC
#      flush timeout (--fec-timeout, 8 ms): one datagram and its parity shards per group at 60 Hz.
# The same traffic without the tunnel crosses the same model of link. UDP goes through `gamenet impair` directly.
# TCP cannot: impair relays TCP as a stream (it cannot drop bytes, so TCP's loss recovery would never run), and
# `tc netem` is not available here, so plain TCP runs between two network namespaces joined by TUN devices whose IP
# packets travel, one per UDP datagram, through `gamenet impair` on 127.0.0.1 with the same delay and loss: the
# kernel's own TCP (retransmission timers, SACK, congestion control) across the same lossy path. The TUN bridges
# are a Python program (tunnel-loss.py); LOSSES=0 shows what they cost.
#
# Then residual loss: DATAGRAMS datagrams one way at RESIDUAL_RATE per second (fast enough to fill every FEC group
# within the flush timeout) through the tunnel with RESIDUAL_LOSS% random loss, for each FEC setting in
# RESIDUAL_FECS; residual loss = datagrams that never arrived / datagrams sent, against the theory of this FEC
# (one datagram per shard: a lost datagram is lost for good when more than P of its group's other D+P-1 shards are
# lost too, p·P[Bin(D+P-1, p) ≥ P]) and UDPspeeder's published figure (10% → 0.0089% with -f20:10, in its default
# mode 0, whose formula is the whole group's loss, P[Bin(D+P, p) > P]). This part runs in a network namespace with
# only lo, so that the kernel's UDP drop counters of that namespace show that no datagram was lost in a socket
# buffer instead of on the link; a measurement where some were (the machine stalled a process) is repeated, up to
# three times, and the last one is reported with its kernel drops.
#
# Environment:
#   GAMENET          gamenet binary to use; default: a release build in .build-release/ (built here)
#   PYTHON           Python 3 for tunnel-loss.py (default .build/venv/bin/python, else python3)
#   LOSSES           loss rates in percent, each way (default "1 5 10 20")
#   LATENCY_MS       one-way delay of the link in ms (default 20)
#   RUNS             rounds per loss rate; medians of the rounds' figures reported (default 3)
#   MODE             KCP mode of the TCP tunnel (default fast3)
#   FEC              FEC of parts 1-3 (default 10:3)
#   RR_SECONDS       seconds of requests per round (default 6); REQUEST, RESPONSE bytes (default 1024, 16384)
#   BULK_BYTES       bytes per bulk transfer (default 8388608 = 8 MiB); BULK_SECONDS its time limit (default 8)
#   UDP_SECONDS      seconds of the UDP flow per round (default 6); UDP_RATE datagrams/s (60); UDP_SIZE bytes (100)
#   DATAGRAMS        datagrams per residual-loss measurement (default 100000)
#   RESIDUAL_RATE    their rate per second (default 4000); RESIDUAL_LOSS percent (default 10)
#   RESIDUAL_FECS    FEC settings compared (default "10:3 20:10")
#   SEED             seed of impair's random decisions (default 1; each round adds its number)
#   TCP_CC           congestion control of the plain TCP (default cubic, Linux's default; bbr is another choice)
#   TUNNEL_ARGS      more options for both tunnel ends, such as "--sndwnd 1024 --rcvwnd 1024" (default none)
#
# Needs bash 5, root, ip (iproute2), /dev/net/tun, Python 3, awk, setsid and timeout. The default run takes about
# eight minutes after the build.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

LOSSES=${LOSSES:-1 5 10 20}
LATENCY_MS=${LATENCY_MS:-20}
RUNS=${RUNS:-3}
MODE=${MODE:-fast3}
FEC=${FEC:-10:3}
RR_SECONDS=${RR_SECONDS:-6}
REQUEST=${REQUEST:-1024}
RESPONSE=${RESPONSE:-16384}
BULK_BYTES=${BULK_BYTES:-8388608}
BULK_SECONDS=${BULK_SECONDS:-8}
UDP_SECONDS=${UDP_SECONDS:-6}
UDP_RATE=${UDP_RATE:-60}
UDP_SIZE=${UDP_SIZE:-100}
DATAGRAMS=${DATAGRAMS:-100000}
RESIDUAL_RATE=${RESIDUAL_RATE:-4000}
RESIDUAL_LOSS=${RESIDUAL_LOSS:-10}
RESIDUAL_FECS=${RESIDUAL_FECS:-10:3 20:10}
SEED=${SEED:-1}
TCP_CC=${TCP_CC:-cubic}
TUNNEL_ARGS=${TUNNEL_ARGS:-}
STARTUP_TIMEOUT=10
KEY=tunnel-loss-benchmark

check_positive RUNS REQUEST RESPONSE BULK_BYTES UDP_RATE UDP_SIZE DATAGRAMS RESIDUAL_RATE
check_number LATENCY_MS SEED
check_seconds RR_SECONDS BULK_SECONDS UDP_SECONDS RESIDUAL_LOSS
for loss in $LOSSES; do
    [[ $loss =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "error: LOSSES must hold percentages, not '$loss'" >&2; exit 64; }
done
for fec in $FEC $RESIDUAL_FECS; do
    [[ $fec =~ ^[0-9]+:[0-9]+$ ]] || { echo "error: FEC settings are DATA:PARITY, not '$fec'" >&2; exit 64; }
done
((REQUEST >= 4)) || { echo "error: REQUEST must be at least 4 bytes" >&2; exit 64; }
((UDP_SIZE >= 20 && UDP_SIZE <= 1200)) || { echo "error: UDP_SIZE must be 20 to 1200 bytes" >&2; exit 64; }
[[ $MODE =~ ^(normal|fast|fast2|fast3)$ ]] || { echo "error: MODE must be normal, fast, fast2 or fast3" >&2; exit 64; }
require_tools ip awk setsid timeout
[[ $(id -u) == 0 ]] || { echo "error: needs root (network namespaces and TUN devices)" >&2; exit 77; }
[[ -c /dev/net/tun ]] || { echo "error: needs /dev/net/tun" >&2; exit 69; }

init_work gamenet-tunnel-loss
describe_ended_note='143, or 0 from gamenet, means it was sent SIGTERM'
resolve_gamenet

if [[ -n ${PYTHON:-} ]]; then
    python=$PYTHON
elif [[ -x $root/.build/venv/bin/python ]]; then
    python=$root/.build/venv/bin/python
else
    require_tools python3
    python=python3
fi
tools=("$python" "$root/Tests/Benchmarks/tunnel-loss.py")

tcp_regex='listening on tcp://[0-9.]+:[0-9]+'
udp_regex='listening on udp://[0-9.]+:[0-9]+'

# MARK: - Namespaces

# The plain-TCP path: namespace C (10.78.0.1) and S (10.78.0.2), each with lo and one TUN device. The residual-loss
# measurement: namespace R, lo only.
namespaces=()
ns_client="gamenet-tl-c-$$"
ns_server="gamenet-tl-s-$$"
ns_residual="gamenet-tl-r-$$"
for ns in "$ns_client" "$ns_server" "$ns_residual"; do
    ip netns add "$ns"
    namespaces+=("$ns")
    ip -n "$ns" link set lo up
done
# tunnel-loss.py sets TCP_CC on every TCP socket it makes (TCP_CONGESTION), plain and tunnelled alike.
[[ " $(sysctl -n net.ipv4.tcp_available_congestion_control) " == *" $TCP_CC "* ]] || {
    echo "error: TCP_CC=$TCP_CC is not available: $(sysctl -n net.ipv4.tcp_available_congestion_control)" >&2
    exit 64
}
export TCP_CC
in_client=(ip netns exec "$ns_client")
in_server=(ip netns exec "$ns_server")
in_residual=(ip netns exec "$ns_residual")

# MARK: - Links

# impair_up NAME TARGET_PORT LOSS [NS]: `gamenet impair` from 127.0.0.1:0 to 127.0.0.1:TARGET_PORT (in namespace NS
# if given) with the link's delay and LOSS% both ways; sets $port (where it listens) and $started.
impair_up() {
    local name=$1 target=$2 loss=$3 ns=${4:-}
    local prefix=()
    [[ -z $ns ]] || prefix=(ip netns exec "$ns")
    start "$name" "${prefix[@]+"${prefix[@]}"}" "$GAMENET" impair udp://127.0.0.1:0 "udp://127.0.0.1:$target" \
        --delay "${LATENCY_MS}ms" --loss "$loss%" --seed "$seed" --json
    wait_port "$name" "$started" "$udp_regex"
}

# tunnel_up LISTEN_SCHEME TARGET LOSS [NS]: tunnel server (to TARGET), impair in front of it, tunnel client
# (LISTEN_SCHEME://127.0.0.1:0, to impair); sets $tunnel_port (the client's LISTEN port) and $link_pids.
tunnel_up() {
    local scheme=$1 target=$2 loss=$3 ns=${4:-} fec=${tunnel_fec:-$FEC}
    local prefix=() common=(--key "$KEY" --fec "$fec" --mode "$MODE" --json)
    # shellcheck disable=SC2206
    common+=($TUNNEL_ARGS)
    [[ -z $ns ]] || prefix=(ip netns exec "$ns")
    link_pids=()
    start tserver "${prefix[@]+"${prefix[@]}"}" "$GAMENET" tunnel server udp://127.0.0.1:0 "$target" "${common[@]}"
    link_pids+=("$started")
    wait_port tserver "$started" "$udp_regex"
    impair_up impair-t "$port" "$loss" "$ns"
    link_pids+=("$started")
    start tclient "${prefix[@]+"${prefix[@]}"}" "$GAMENET" tunnel client "$scheme://127.0.0.1:0" \
        "udp://127.0.0.1:$port" "${common[@]}"
    link_pids+=("$started")
    wait_port tclient "$started" "$scheme_regex"
    tunnel_port=$port
}

# bare_tcp_up LOSS: the TUN path between namespaces C and S through impair; adds its processes to $link_pids.
bare_tcp_up() {
    local loss=$1
    start bridge-s "${tools[@]}" bridge "$ns_server" gtl0 0
    link_pids+=("$started")
    wait_port bridge-s "$started" "$udp_regex"
    impair_up impair-b "$port" "$loss"
    link_pids+=("$started")
    start bridge-c "${tools[@]}" bridge "$ns_client" gtl0 "$port"
    link_pids+=("$started")
    wait_port bridge-c "$started" "$udp_regex"
    ip -n "$ns_client" addr add 10.78.0.1/24 dev gtl0
    ip -n "$ns_client" link set gtl0 up
    ip -n "$ns_server" addr add 10.78.0.2/24 dev gtl0
    ip -n "$ns_server" link set gtl0 up
}

links_down() {
    local pid
    for pid in "${link_pids[@]}"; do stop "$pid"; done
    link_pids=()
}

# stop_peer NAME PID: stops a udp-peer with SIGTERM (it then prints its counts) and waits at most 5 s for it.
stop_peer() {
    local name=$1 pid=$2 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    stop "$pid"
    [[ -s $work/$name.out ]] || { echo "error: $name printed no counts: $(cat "$work/$name.err")" >&2; exit 1; }
}

# MARK: - The servers that stay up

start rr-t "${tools[@]}" rr-server 127.0.0.1 "$RESPONSE"
wait_port rr-t "$started" "$tcp_regex"
rr_port_t=$port
# 10.78.0.2 exists only while a TUN device is up, so this server binds to 0.0.0.0 of namespace S.
start rr-b "${in_server[@]}" "${tools[@]}" rr-server 0.0.0.0 "$RESPONSE"
wait_port rr-b "$started" "$tcp_regex"
rr_port_b=$port

# MARK: - Parts 1-3

declare -A results
for loss in $LOSSES; do
    for ((run = 1; run <= RUNS; run++)); do
        seed=$((SEED + run))

        # 1. Request/response, through the tunnel and plain, at the same time (the rate is small).
        scheme_regex=$tcp_regex
        tunnel_up tcp "tcp://127.0.0.1:$rr_port_t" "$loss"
        bare_tcp_up "$loss"
        start rrc-t timeout $((${RR_SECONDS%.*} + 60)) "${tools[@]}" rr-client 127.0.0.1 "$tunnel_port" \
            "$RR_SECONDS" "$REQUEST" "$RESPONSE"
        rrc_t=$started
        start rrc-b "${in_client[@]}" timeout $((${RR_SECONDS%.*} + 60)) "${tools[@]}" rr-client 10.78.0.2 \
            "$rr_port_b" "$RR_SECONDS" "$REQUEST" "$RESPONSE"
        rrc_b=$started
        finish rrc-t "$rrc_t" $((${RR_SECONDS%.*} + 70))
        finish rrc-b "$rrc_b" $((${RR_SECONDS%.*} + 70))
        results[rr-t,$loss,$run]=$(<"$work/rrc-t.out")
        results[rr-b,$loss,$run]=$(<"$work/rrc-b.out")
        links_down

        # 2. Bulk transfer, one after the other.
        start sink-t "${tools[@]}" bulk-sink 127.0.0.1 "$BULK_SECONDS"
        sink=$started
        wait_port sink-t "$sink" "$tcp_regex"
        tunnel_up tcp "tcp://127.0.0.1:$port" "$loss"
        start send-t timeout $((${BULK_SECONDS%.*} + 60)) "${tools[@]}" bulk-send 127.0.0.1 "$tunnel_port" \
            "$BULK_BYTES" "$BULK_SECONDS"
        finish send-t "$started" $((${BULK_SECONDS%.*} + 70))
        finish sink-t "$sink" $((${BULK_SECONDS%.*} + 70))
        results[bulk-t,$loss,$run]=$(<"$work/sink-t.out")
        links_down
        bare_tcp_up "$loss"
        start sink-b "${in_server[@]}" "${tools[@]}" bulk-sink 0.0.0.0 "$BULK_SECONDS"
        sink=$started
        wait_port sink-b "$sink" "$tcp_regex"
        start send-b "${in_client[@]}" timeout $((${BULK_SECONDS%.*} + 60)) "${tools[@]}" bulk-send 10.78.0.2 \
            "$port" "$BULK_BYTES" "$BULK_SECONDS"
        finish send-b "$started" $((${BULK_SECONDS%.*} + 70))
        finish sink-b "$sink" $((${BULK_SECONDS%.*} + 70))
        results[bulk-b,$loss,$run]=$(<"$work/sink-b.out")
        links_down

        # 3. The UDP flow, through the tunnel and plain, at the same time.
        count=$(awk -v s="$UDP_SECONDS" -v r="$UDP_RATE" 'BEGIN { printf "%d", s * r }')
        start peer-t "${tools[@]}" udp-peer 127.0.0.1
        peer_t=$started
        wait_port peer-t "$peer_t" "$udp_regex"
        scheme_regex=$udp_regex
        tunnel_up udp "udp://127.0.0.1:$port" "$loss"
        start peer-b "${tools[@]}" udp-peer 127.0.0.1
        peer_b=$started
        wait_port peer-b "$peer_b" "$udp_regex"
        impair_up impair-u "$port" "$loss"
        link_pids+=("$started")
        start flow-b timeout $((${UDP_SECONDS%.*} + 60)) "${tools[@]}" udp-flow 127.0.0.1 "$port" \
            "$UDP_RATE" "$count" "$UDP_SIZE"
        flow_b=$started
        start flow-t timeout $((${UDP_SECONDS%.*} + 60)) "${tools[@]}" udp-flow 127.0.0.1 "$tunnel_port" \
            "$UDP_RATE" "$count" "$UDP_SIZE"
        flow_t=$started
        finish flow-t "$flow_t" $((${UDP_SECONDS%.*} + 70))
        finish flow-b "$flow_b" $((${UDP_SECONDS%.*} + 70))
        stop_peer peer-t "$peer_t"
        stop_peer peer-b "$peer_b"
        results[udp-t,$loss,$run]="$(<"$work/flow-t.out") $(<"$work/peer-t.out")"
        results[udp-b,$loss,$run]="$(<"$work/flow-b.out") $(<"$work/peer-b.out")"
        links_down

        printf 'loss %s%% round %d/%d: rr tunnel [%s] plain [%s]; bulk tunnel [%s] plain [%s]; udp tunnel [%s] plain [%s]\n' \
            "$loss" "$run" "$RUNS" "${results[rr-t,$loss,$run]}" "${results[rr-b,$loss,$run]}" \
            "${results[bulk-t,$loss,$run]}" "${results[bulk-b,$loss,$run]}" "${results[udp-t,$loss,$run]}" \
            "${results[udp-b,$loss,$run]}" >&2
    done
done

# MARK: - Residual loss

# summary NAME FIELDS: FIELDS (a Python expression over the JSON summary s, leading "s" left out) of gamenet NAME's
# last summary line.
summary() {
    "$python" -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if "\"summary\"" in l][-1]
print(*(s'"$2"'))' "$work/$1.out"
}

# snmp_udp FIELD: the Udp counter FIELD of namespace R.
snmp_udp() {
    "${in_residual[@]}" awk -v f="$1" '$1 == "Udp:" { if (!n) { for (i = 2; i <= NF; i++) h[i] = $i; n = 1 } else for (i = 2; i <= NF; i++) if (h[i] == f) print $i }' /proc/net/snmp
}

# residual_once FEC: one measurement; sets $measured to "sent received corrupt kernel-drops shards link-dropped
# recovered failed".
residual_once() {
    local fec=$1 peer_r limit rcvbuf_before rcvbuf_after sent distinct corrupt shards dropped recovered failed
    tunnel_fec=$fec
    scheme_regex=$udp_regex
    start peer-r "${in_residual[@]}" "${tools[@]}" udp-peer 127.0.0.1 --no-echo
    peer_r=$started
    wait_port peer-r "$peer_r" "$udp_regex"
    tunnel_up udp "udp://127.0.0.1:$port" "$RESIDUAL_LOSS" "$ns_residual"
    rcvbuf_before=$(snmp_udp RcvbufErrors)
    limit=$((DATAGRAMS / RESIDUAL_RATE + 60))
    start flow-r "${in_residual[@]}" timeout "$limit" "${tools[@]}" udp-flow 127.0.0.1 "$tunnel_port" \
        "$RESIDUAL_RATE" "$DATAGRAMS" "$UDP_SIZE" --no-echo
    finish flow-r "$started" $((limit + 10))
    sleep 1
    stop_peer peer-r "$peer_r"
    rcvbuf_after=$(snmp_udp RcvbufErrors)
    # The summaries (printed on SIGTERM): what impair dropped on purpose client to server, and what FEC did there.
    links_down
    unset tunnel_fec
    read -r sent _ <<<"$(<"$work/flow-r.out")"
    read -r _ distinct corrupt _ <<<"$(<"$work/peer-r.out")"
    read -r shards dropped <<<"$(summary impair-t '["up"]["received"], s["up"]["dropped_loss"]')"
    read -r recovered failed <<<"$(summary tserver '["totals"]["fec_recovered"], s["totals"]["fec_failed"]')"
    measured="$sent $distinct $corrupt $((rcvbuf_after - rcvbuf_before)) $shards $dropped $recovered $failed"
}

# A datagram the kernel dropped from a full socket buffer (when the machine stalls a process) is lost outside the
# link model and in a burst, which FEC is not built for: such a measurement is repeated, up to three times.
declare -A residual attempts
for fec in $RESIDUAL_FECS; do
    for ((attempt = 1; attempt <= 3; attempt++)); do
        seed=$((SEED + attempt - 1))
        residual_once "$fec"
        echo "residual $fec, attempt $attempt: sent received corrupt kernel-drops shards link-dropped recovered" \
            "failed: $measured" >&2
        residual[$fec]=$measured
        attempts[$fec]=$attempt
        read -r _ _ _ kdrops _ <<<"$measured"
        if ((kdrops == 0)); then break; fi
    done
done

# MARK: - Summary

# med KEY LOSS FIELD: the median over the rounds of field FIELD (1-based) of results[KEY,LOSS,round].
med() {
    local run
    for ((run = 1; run <= RUNS; run++)); do
        awk -v f="$3" '{ print $f }' <<<"${results[$1,$2,$run]}"
    done | median
}
# total KEY LOSS FIELD: the sum over the rounds.
total() {
    local run
    for ((run = 1; run <= RUNS; run++)); do
        awk -v f="$3" '{ print $f }' <<<"${results[$1,$2,$run]}"
    done | awk '{ s += $1 } END { print s + 0 }'
}

printf '\n== gamenet tunnel across a lossy link: %s ms one-way delay, random loss both ways; %s CPUs, %s rounds ==\n' \
    "$LATENCY_MS" "$(nproc)" "$RUNS"
printf 'tunnel: native, chacha20-poly1305, FEC %s (flush 8 ms), TCP in KCP --mode %s%s\n' "$FEC" "$MODE" \
    "${TUNNEL_ARGS:+ $TUNNEL_ARGS}"
printf 'plain: the same link without the tunnel; plain TCP with %s congestion control\n' "$TCP_CC"
printf 'figures: medians of the rounds (delivered ratios: totals of the rounds)\n'

printf '\n1. TCP request/response, %s B request -> %s B response, closed loop, %s s per round; latency in ms\n' \
    "$REQUEST" "$RESPONSE" "$RR_SECONDS"
printf '%7s  %-7s %8s %8s %8s %8s %8s\n' loss path requests p50 p90 p99 max
for loss in $LOSSES; do
    for kind in t b; do
        name=$([[ $kind == t ]] && echo tunnel || echo plain)
        printf '%6s%%  %-7s %8s %8s %8s %8s %8s\n' "$loss" "$name" "$(med rr-$kind "$loss" 1)" \
            "$(med rr-$kind "$loss" 2)" "$(med rr-$kind "$loss" 3)" "$(med rr-$kind "$loss" 4)" "$(med rr-$kind "$loss" 5)"
    done
    printf '%7s  %-7s %8s %8s %8s %8s\n' "" "t/p" "" "$(ratio "$(med rr-t "$loss" 2)" "$(med rr-b "$loss" 2)")" \
        "$(ratio "$(med rr-t "$loss" 3)" "$(med rr-b "$loss" 3)")" "$(ratio "$(med rr-t "$loss" 4)" "$(med rr-b "$loss" 4)")"
done

printf '\n2. TCP bulk transfer, %s MiB at most, at most %s s; goodput in MB/s (10^6 B/s)\n' \
    "$(awk -v b="$BULK_BYTES" 'BEGIN { printf "%g", b / 1048576 }')" "$BULK_SECONDS"
printf '%7s  %10s %10s %8s\n' loss tunnel plain t/p
for loss in $LOSSES; do
    rates=()
    for kind in t b; do
        rates+=("$(for ((run = 1; run <= RUNS; run++)); do
            awk '{ printf "%.3f\n", ($2 > 0 ? $1 / $2 / 1e6 : 0) }' <<<"${results[bulk-$kind,$loss,$run]}"
        done | median)")
    done
    printf '%6s%%  %10s %10s %8s\n' "$loss" "${rates[0]}" "${rates[1]}" "$(ratio "${rates[0]}" "${rates[1]}")"
done

printf '\n3. UDP, %s B datagrams at %s Hz, %s s per round; delivered ratio one way and round trip; latency in ms\n' \
    "$UDP_SIZE" "$UDP_RATE" "$UDP_SECONDS"
printf '%7s  %-7s %9s %9s %7s %7s %7s %7s %7s %7s %7s\n' loss path one-way rtrip corrupt \
    1w-p50 1w-p90 1w-p99 rt-p50 rt-p90 rt-p99
# Fields of a UDP result: the client's "sent echoed corrupt rtt50 rtt90 rtt99 down50 down90 down99", then the peer's
# "received distinct corrupt up50 up90 up99".
for loss in $LOSSES; do
    for kind in t b; do
        name=$([[ $kind == t ]] && echo tunnel || echo plain)
        sent=$(total udp-$kind "$loss" 1)
        printf '%6s%%  %-7s %9s %9s %7s %7s %7s %7s %7s %7s %7s\n' "$loss" "$name" \
            "$(awk -v a="$(total udp-$kind "$loss" 11)" -v s="$sent" 'BEGIN { printf "%.4f", a / s }')" \
            "$(awk -v a="$(total udp-$kind "$loss" 2)" -v s="$sent" 'BEGIN { printf "%.4f", a / s }')" \
            "$(($(total udp-$kind "$loss" 3) + $(total udp-$kind "$loss" 12)))" \
            "$(med udp-$kind "$loss" 13)" "$(med udp-$kind "$loss" 14)" "$(med udp-$kind "$loss" 15)" \
            "$(med udp-$kind "$loss" 4)" "$(med udp-$kind "$loss" 5)" "$(med udp-$kind "$loss" 6)"
    done
done

printf '\n4. UDP residual loss at %s%% random loss each way, one way, %s datagrams of %s B at %s/s\n' \
    "$RESIDUAL_LOSS" "$DATAGRAMS" "$UDP_SIZE" "$RESIDUAL_RATE"
printf '%6s %8s %6s %7s %6s %9s %9s %7s %10s %10s %10s %5s\n' FEC sent lost corrupt kdrops "link loss" recovered \
    failed residual theory UDPspeeder tries
for fec in $RESIDUAL_FECS; do
    read -r sent distinct corrupt kdrops shards dropped recovered failed <<<"${residual[$fec]}"
    data=${fec%%:*}
    parity=${fec##*:}
    # A datagram stays lost when it is lost and at least P of the other D+P-1 shards of its group are lost too.
    theory=$(awk -v p="$(awk -v l="$RESIDUAL_LOSS" 'BEGIN { print l / 100 }')" -v d="$data" -v q="$parity" 'BEGIN {
        n = d + q - 1; tail = 0
        for (k = q; k <= n; k++) { c = 1; for (i = 1; i <= k; i++) c = c * (n - k + i) / i; tail += c * p ^ k * (1 - p) ^ (n - k) }
        printf "%.4f%%", 100 * p * tail }')
    published="-"
    [[ $fec == 20:10 && $RESIDUAL_LOSS == 10 ]] && published="0.0089%"
    printf '%6s %8s %6s %7s %6s %9s %9s %7s %10s %10s %10s %5s\n' "$fec" "$sent" "$((sent - distinct))" "$corrupt" \
        "$kdrops" "$(awk -v d="$dropped" -v n="$shards" 'BEGIN { printf "%.2f%%", (n > 0 ? 100 * d / n : 0) }')" \
        "$recovered" "$failed" "$(awk -v l="$((sent - distinct))" -v s="$sent" 'BEGIN { printf "%.4f%%", 100 * l / s }')" \
        "$theory" "$published" "${attempts[$fec]}"
done
printf '  theory: one datagram per shard, full groups, independent loss: p * P[Bin(D+P-1, p) >= P]\n'
printf '  UDPspeeder: README/wiki, -f20:10 at 10%% loss, its default mode 0 (whole group: P[Bin(30, 0.1) > 10]); its\n'
printf '  wiki formula gives 0.0033%% for mode 1, which is how gamenet codes (one datagram per shard)\n'
printf '  link loss: what impair dropped of the shards it carried client to server; recovered, failed: the tunnel\n'
printf '  server'"'"'s FEC counters; kdrops: UDP datagrams the kernel dropped in namespace R (full socket buffers);\n'
printf '  tries: measurements made, the last shown (repeated while kdrops > 0)\n'
exit 0
