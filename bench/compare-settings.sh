#!/usr/bin/env bash
# Two API settings, or two builds, compared fairly on a busy machine: both servers run at once (on two loopback ports)
# and wrk alternates between them in short rounds, so background load falls on both alike; prints each round's
# searches/s at CLIENTS clients, the medians, and each server's CPU time per search. Run after ./setup.sh and
# 'build-index build'.
#   A="ImageSearch__Inference__IntraOpNumThreads=1" B="ImageSearch__Inference__IntraOpNumThreads=0" IMAGESEARCH_MIRROR=../shared bench/compare-settings.sh
#   git worktree add /tmp/base HEAD~1 && dotnet build /tmp/base/api -c Release
#   A_API=/tmp/base/api/bin/Release/net10.0/ImageSearch.Api.dll IMAGESEARCH_MIRROR=../shared bench/compare-settings.sh   # a change against its parent
# Environment: A, B ("Name=value" settings, space-separated; empty: defaults), A_API, B_API (another build's
# ImageSearch.Api.dll; empty: this checkout's, built here), ROUNDS (8), ROUND (5s), CLIENTS (8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mirror=${IMAGESEARCH_MIRROR:-../shared}
rounds=${ROUNDS:-8}
round=${ROUND:-5s}
clients=${CLIENTS:-8}
queries=("$mirror"/datasets/clothing/queries/*.jpg)
export QUERY_PHOTO=${queries[0]}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for dll in "${A_API:-}" "${B_API:-}"; do
    [[ -z $dll || -f $dll ]] || { echo "compare-settings: $dll does not exist; build that checkout's api (dotnet build DIR/api -c Release) first" >&2; exit 1; }
done
dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
source bench/api-under-load.sh
start() {  # start NAME PORT SETTINGS DLL
    start_api "$work/$1.log" "$2" $((2 * clients)) "$3" "$4"
    pids+=("$api_pid")
}
this_build=api/bin/Release/net10.0/ImageSearch.Api.dll
start A 5091 "${A:-}" "${A_API:-$this_build}"; pid_a=${pids[-1]}
start B 5092 "${B:-}" "${B_API:-$this_build}"; pid_b=${pids[-1]}
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
declare -A rate ticks served
for name in A B; do ticks[$name]=0; served[$name]=0; rate[$name]=""; done
for port in 5091 5092; do wrk -t1 -c2 -d3s -s bench/search.lua "http://127.0.0.1:$port/search" >/dev/null; done   # warm up
echo "== A: '${A:-}' ${A_API:-$this_build}  B: '${B:-}' ${B_API:-$this_build}  ($rounds rounds of $round, $clients clients; load average $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "$rounds"); do
    line="round $r:"
    for name in A B; do
        if [[ $name == A ]]; then port=5091; pid=$pid_a; else port=5092; pid=$pid_b; fi
        before=$(cpu "$pid")
        wrk -t2 -c"$clients" -d"$round" -s bench/search.lua "http://127.0.0.1:$port/search" > "$work/wrk.txt"
        after=$(cpu "$pid")
        grep -qE "Non-2xx|Socket errors" "$work/wrk.txt" && { cat "$work/wrk.txt"; echo "compare-settings: errors"; exit 1; }
        rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
        rate[$name]="${rate[$name]} $rps"
        ticks[$name]=$((ticks[$name] + after - before))
        served[$name]=$((served[$name] + $(awk '/requests in/ { print $1 }' "$work/wrk.txt")))
        line="$line  $name $rps/s"
    done
    echo "$line"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for name in A B; do
    awk -v n="$name" -v m="$(median <<<"${rate[$name]}")" -v t="${ticks[$name]}" -v hz="$(getconf CLK_TCK)" -v s="${served[$name]}" \
        'BEGIN { printf "%s: median %.1f searches/s, %.2f ms server CPU a search\n", n, m, t * 1000 / hz / s }'
done
