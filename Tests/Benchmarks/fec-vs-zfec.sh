#!/usr/bin/env bash
# Benchmarks gamenet's Reed-Solomon coding against zfec's (the C library of Tahoe-LAFS, from PyPI), in the same run,
# one core each, on the same geometries.
#
# For each geometry (DATA data shards of SHARD bytes, PARITY parity shards):
#   - encode: make the PARITY parity shards of a group;
#   - decode: rebuild the first PARITY data shards of a group from the other data shards and the parity.
# Throughput counts the data bytes of each group, in MB/s (10^6 bytes/s). zfec is driven from Python
# (zfec.Encoder.encode with only the parity block numbers asked for, zfec.Decoder.decode with PARITY secondary
# blocks in place of the first primary ones); gamenet runs `gamenet bench fec --json`. Each side runs for DURATION per
# measurement; RUNS rounds, interleaved; medians reported.
#
# Python's cost per call would dominate zfec's figure with small shards, so the small-shard case hands zfec
# BATCH groups at once: RS codes each byte position on its own, so coding DATA blocks of SHARD × BATCH bytes is the
# same arithmetic as BATCH groups of SHARD-byte shards, with one Python call instead of BATCH (this also gives zfec
# long, prefetch-friendly rows, which favours it). gamenet codes real SHARD-byte groups. zfec's figure for real
# SHARD-byte calls is printed for reference. A second case uses LARGE_SHARD-byte shards on both sides.
#
# Environment:
#   GAMENET        gamenet binary to use; default: a release build in .build-release/ (built here)
#   ZFEC_PYTHON    a Python with zfec installed; default: a virtual environment in .build/venv (zfec installed there)
#   DATA, PARITY   shards per group (default 10 and 3, kcptun's default)
#   SHARD          bytes per shard in the small-shard case (default 1300)
#   BATCH          groups per zfec call in the small-shard case (default 50)
#   LARGE_SHARD    bytes per shard in the large-shard case (default 65536)
#   DURATION       seconds per measurement (default 2)
#   RUNS           rounds; medians reported (default 3)
#
# Needs bash 5, python3 (with venv and pip reaching PyPI, unless ZFEC_PYTHON is given) and awk.
set -euo pipefail
export LC_ALL=C
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

DATA=${DATA:-10}
PARITY=${PARITY:-3}
SHARD=${SHARD:-1300}
BATCH=${BATCH:-50}
LARGE_SHARD=${LARGE_SHARD:-65536}
DURATION=${DURATION:-2}
RUNS=${RUNS:-3}

check_positive DATA PARITY SHARD BATCH LARGE_SHARD RUNS
check_seconds DURATION
((DATA + PARITY <= 256)) || { echo "error: DATA + PARITY must be at most 256" >&2; exit 64; }
require_tools python3 awk

init_work fec-vs-zfec
resolve_gamenet

if [[ -n ${ZFEC_PYTHON:-} ]]; then
    python=$ZFEC_PYTHON
else
    python=$root/.build/venv/bin/python
    if ! "$python" -c 'import zfec' 2>/dev/null; then
        echo "installing zfec into .build/venv..." >&2
        python3 -m venv "$root/.build/venv"
        "$root/.build/venv/bin/pip" install -q zfec >&2
    fi
fi
"$python" -c 'import zfec' || { echo "error: $python cannot import zfec" >&2; exit 69; }

# zfec's side: prints "encode MBps decode MBps" for DATA, PARITY, block size, groups per block, seconds.
cat >"$work/zfec_bench.py" <<'PY'
import os, sys, time
import zfec

k, parity, shard, batch, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
m = k + parity
block = shard * batch
data = [os.urandom(block) for _ in range(k)]
encoder = zfec.Encoder(k, m)
wanted = tuple(range(k, m))

def measure(work):
    work()  # warm up
    calls, start = 0, time.perf_counter()
    while True:
        for _ in range(8):
            work()
        calls += 8
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return calls * k * block / elapsed / 1e6

encode_rate = measure(lambda: encoder.encode(tuple(data), wanted))

parities = encoder.encode(tuple(data), wanted)
erased = min(parity, k)
blocks = tuple(parities[:erased]) + tuple(data[erased:])
numbers = tuple(range(k, k + erased)) + tuple(range(erased, k))
decoder = zfec.Decoder(k, m)
rebuilt = decoder.decode(blocks, numbers)
assert [bytes(b) for b in rebuilt] == data, "zfec did not rebuild the data"
decode_rate = measure(lambda: decoder.decode(blocks, numbers))
print(f"{encode_rate:.1f} {decode_rate:.1f}")
PY

# json_field NAME: the number after "NAME": in the JSON object on standard input.
json_field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }

declare -A results
# run_case LABEL SHARD BATCH: RUNS interleaved rounds of zfec and gamenet; records medians in results[LABEL.*].
run_case() {
    local label=$1 shard=$2 batch=$3 run z g ze=() zd=() ge=() gd=()
    for ((run = 1; run <= RUNS; run++)); do
        z=$("$python" "$work/zfec_bench.py" "$DATA" "$PARITY" "$shard" "$batch" "$DURATION")
        g=$("$GAMENET" bench fec --data "$DATA" --parity "$PARITY" --shard-size "$shard" --duration "${DURATION}s" --json)
        ze+=("${z% *}")
        zd+=("${z#* }")
        ge+=("$(json_field encodeMBps <<<"$g")")
        gd+=("$(json_field decodeMBps <<<"$g")")
        printf 'run %d/%d  %-22s zfec encode %8s decode %8s   gamenet encode %8s decode %8s MB/s\n' \
            "$run" "$RUNS" "$label" "${ze[-1]}" "${zd[-1]}" "${ge[-1]}" "${gd[-1]}" >&2
    done
    results[$label.zfec.encode]=$(printf '%s\n' "${ze[@]}" | median)
    results[$label.zfec.decode]=$(printf '%s\n' "${zd[@]}" | median)
    results[$label.gamenet.encode]=$(printf '%s\n' "${ge[@]}" | median)
    results[$label.gamenet.decode]=$(printf '%s\n' "${gd[@]}" | median)
}

small="${SHARD}B"
large="${LARGE_SHARD}B"
run_case "$small" "$SHARD" "$BATCH"
run_case "$large" "$LARGE_SHARD" 1
# zfec with one real SHARD-byte group per call, for reference: Python's per-call cost included.
unbatched=$("$python" "$work/zfec_bench.py" "$DATA" "$PARITY" "$SHARD" 1 "$DURATION")

printf '\n== gamenet bench fec vs zfec %s, Reed-Solomon %s+%s, one core each, %s CPUs (medians of %s runs, MB/s of data) ==\n' \
    "$("$python" -c 'import zfec; print(zfec.__version__)')" "$DATA" "$PARITY" "$(nproc)" "$RUNS"
for label in "$small" "$large"; do
    for op in encode decode; do
        g=${results[$label.gamenet.$op]}
        z=${results[$label.zfec.$op]}
        printf '%-8s %-7s gamenet %9s  zfec %9s  ratio %-6s (gamenet/zfec, target >= 1.0: %s)\n' \
            "$label" "$op" "$g" "$z" "$(ratio "$g" "$z")" "$(verdict "$g" "$z" ">=" 1.0)"
    done
done
printf 'zfec with one %s-byte group per Python call (not batched): encode %s, decode %s MB/s\n' \
    "$SHARD" "${unbatched% *}" "${unbatched#* }"
printf '(zfec in the %sB case codes %s groups per call, as blocks of %s bytes)\n' "$SHARD" "$BATCH" "$((SHARD * BATCH))"
