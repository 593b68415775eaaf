#!/usr/bin/env bash
# Runs the test command (scripts/test.sh) several times in a row while busy loops keep the CPU
# cores occupied, as a build or a render beside it would on a shared CI machine. The suite must
# pass every time: a test that depends on how fast the machine is today is a broken test.
#
#   scripts/test-under-load.sh            # 3 runs beside 2 busy loops (`yes > /dev/null`)
#   scripts/test-under-load.sh 5          # 5 runs
#   scripts/test-under-load.sh --quiet    # 3 runs without load, for comparison
#   scripts/test-under-load.sh --loops 4  # 4 busy loops instead of 2
#
# Prints each run's duration and result, keeps each run's output in $LOG_DIR (default
# .build/test-under-load/), and exits non-zero if any run failed. The busy loops are killed on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
loops=2
while [ $# -gt 0 ]; do
    case "$1" in
        --quiet) loops=0 ;;
        --loops) shift; loops="${1:?--loops needs a number}" ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *[!0-9]*|'') echo "test-under-load.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
        *) runs="$1" ;;
    esac
    shift
done
case "$loops" in *[!0-9]*|'') echo "test-under-load.sh: --loops needs a number, got '$loops'" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] || { echo "test-under-load.sh: the number of runs must be at least 1" >&2; exit 2; }

log_dir="${LOG_DIR:-.build/test-under-load}"
mkdir -p "$log_dir"

busy_pids=()
stop_load() {
    for pid in "${busy_pids[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${busy_pids[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    busy_pids=()
}
trap stop_load EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 "$loops"); do
    yes > /dev/null &
    busy_pids+=("$!")
done
if [ "$loops" -gt 0 ]; then
    echo "load: $loops busy loops (pids ${busy_pids[*]}) on $(nproc) cores"
else
    echo "load: none (--quiet)"
fi

failed=0
summary=()
for run in $(seq 1 "$runs"); do
    log="$log_dir/run-$run.log"
    echo "run $run/$runs: ./scripts/test.sh > $log"
    started=$(date +%s)
    if ./scripts/test.sh > "$log" 2>&1; then result="passed"; else result="FAILED (exit $?)"; failed=$((failed + 1)); fi
    seconds=$(( $(date +%s) - started ))
    line="run $run/$runs: $result in ${seconds} s"
    summary+=("$line")
    echo "$line"
    if [ "$result" != "passed" ]; then
        grep -E '✘|error:' "$log" | head -20 || true
    fi
done

stop_load
echo "---"
printf '%s\n' "${summary[@]}"
if [ "$failed" -gt 0 ]; then
    echo "$failed of $runs runs failed (load: $loops busy loops); logs in $log_dir" >&2
    exit 1
fi
echo "all $runs runs passed (load: $loops busy loops)"
