# Helpers shared by the benchmark scripts in this folder; each sources it with `source "$(dirname "$0")/lib.sh"`.
#
# The scripts set STARTUP_TIMEOUT (seconds a server may take to start listening) before calling wait_port; init_work
# sets $root and $work. describe_processes reads two optional settings of the script: $describe_ended_note, added to
# the line of a process that has ended, and $describe_listeners, a regex of the programs whose listening TCP sockets
# (`ss -ltnp`) it also lists. cleanup deletes the network namespaces named in $namespaces, if the script has any.

# MARK: - Checks of the environment

# check_positive NAME...: exits 64 unless each variable NAME holds a positive integer.
check_positive() {
    local name
    for name; do
        [[ ${!name} =~ ^[1-9][0-9]*$ ]] || { echo "error: $name must be a positive integer, not '${!name}'" >&2; exit 64; }
    done
}

# check_number NAME...: exits 64 unless each variable NAME holds a whole number (0 allowed).
check_number() {
    local name
    for name; do
        [[ ${!name} =~ ^[0-9]+$ ]] || { echo "error: $name must be a number, not '${!name}'" >&2; exit 64; }
    done
}

# check_seconds NAME...: exits 64 unless each variable NAME holds a number of seconds (decimals allowed).
check_seconds() {
    local name
    for name; do
        [[ ${!name} =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "error: $name must be a number of seconds, not '${!name}'" >&2; exit 64; }
    done
}

# require_tools TOOL...: exits 69, naming the Debian package to install, unless each TOOL is on the PATH.
require_tools() {
    local tool
    for tool; do
        command -v "$tool" >/dev/null || { echo "error: $tool is required (apt-get install -y $tool)" >&2; exit 69; }
    done
}

# MARK: - Work directory and background processes

# Every background process runs as the leader of its own process group (setsid), so that stopping it also stops
# what it started (socat's per-connection children, for one).
pids=()

# init_work PREFIX: sets $root (the package) and $work (a new temporary directory named PREFIX.XXXXXX), and sets the
# traps that stop every background process and remove $work when the script ends.
init_work() {
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# cleanup: the exit trap: stops every background process, deletes $namespaces, removes $work, keeps the exit status.
cleanup() {
    local status=$? pid ns
    trap - EXIT INT TERM
    for pid in "${pids[@]+"${pids[@]}"}"; do stop_group "$pid"; done
    for ns in "${namespaces[@]+"${namespaces[@]}"}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$work"
    exit "$status"
}

# stop_group PID: stops the process group PID leads (TERM, then KILL after 2 s) and reaps PID.
stop_group() {
    local pid=$1 i
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
        kill -0 -- "-$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# forget PID: drops PID from the processes to stop, once this shell has reaped it (its number may be reused then).
forget() {
    local pid=$1 kept=() p
    for p in "${pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]+"${kept[@]}"}")
}

# stop PID: stops the process group PID leads and forgets PID.
stop() {
    stop_group "$1"
    forget "$1"
}

# start NAME COMMAND...: runs COMMAND in the background, stdout and stderr in $work/NAME.out and .err; sets $started.
# setsid (and env, timeout or `ip netns exec` after it) exec, so $started is the PID of COMMAND itself.
start() {
    local name=$1
    shift
    # Emptied here, not only by the child's redirection, so that wait_port cannot read a port from an earlier run.
    : >"$work/$name.out"
    : >"$work/$name.err"
    setsid "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started=$!
    pids+=("$started")
}

# describe_processes: for a failure report, whether each background process still runs (and what listens, if
# $describe_listeners is set).
describe_processes() {
    local pid status
    for pid in "${pids[@]+"${pids[@]}"}"; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "running: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
        else
            status=0
            wait "$pid" 2>/dev/null || status=$?
            forget "$pid"
            echo "ended: $pid (exit status $status${describe_ended_note:+; $describe_ended_note})" >&2
        fi
    done
    [[ -z ${describe_listeners:-} ]] || { command -v ss >/dev/null && ss -ltnp 2>/dev/null | grep -E "$describe_listeners" >&2 || true; }
}

# finish NAME PID SECONDS: waits at most SECONDS for a background process started with `start` to end by itself;
# exits with its logs if it does not, or if it fails.
finish() {
    local name=$1 pid=$2 limit=$3 status=0 i
    for ((i = 0; i < limit * 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "error: $name did not finish within ${limit}s" >&2
        describe_processes
        exit 1
    fi
    wait "$pid" || status=$?
    forget "$pid"
    if [[ $status != 0 ]]; then
        echo "error: $name failed (status $status):" >&2
        cat "$work/$name.err" >&2
        describe_processes
        exit 1
    fi
}

# wait_port NAME PID REGEX [STREAM]: waits at most STARTUP_TIMEOUT seconds until $work/NAME.STREAM (err by default)
# has a line matching REGEX, whose last number is the port; sets $port. Exits if NAME ends first or never matches.
wait_port() {
    local name=$1 pid=$2 regex=$3 stream=${4:-err} i line
    for ((i = 0; i < STARTUP_TIMEOUT * 50; i++)); do
        if line=$(grep -m1 -oE "$regex" "$work/$name.$stream"); then
            port=${line##*[!0-9]}
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: $name exited before listening:" >&2
            cat "$work/$name.err" >&2
            exit 1
        fi
        sleep 0.02
    done
    echo "error: $name did not start listening within ${STARTUP_TIMEOUT}s" >&2
    exit 1
}

# MARK: - Arithmetic

# median: the median of the numbers on its input, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ratio A B: A/B as "1.23x", or n/a when B is not positive.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# verdict A B OP LIMIT: "meets" or "MISSES" for the ratio A/B, rounded as `ratio` shows it, against LIMIT (OP is <=
# or >=); n/a when B is not positive.
verdict() {
    awk -v a="$1" -v b="$2" -v op="$3" -v limit="$4" 'BEGIN {
        if (b <= 0) { print "n/a"; exit }
        r = sprintf("%.2f", a / b) + 0
        ok = (op == "<=") ? r <= limit : r >= limit
        print ok ? "meets" : "MISSES"
    }'
}

# MARK: - gamenet binary

# resolve_gamenet: checks $GAMENET if set, else builds the release binary in $root/.build-release and sets $GAMENET.
resolve_gamenet() {
    if [[ -n ${GAMENET:-} ]]; then
        [[ -x $GAMENET ]] || { echo "error: GAMENET=$GAMENET is not an executable" >&2; exit 66; }
    else
        echo "building gamenet (release, scratch path .build-release)..." >&2
        (cd "$root" && swift build -c release --product gamenet --scratch-path .build-release >&2)
        GAMENET="$(cd "$root" && swift build -c release --product gamenet --scratch-path .build-release --show-bin-path)/gamenet"
    fi
}
