#!/usr/bin/env bash
# The API under load: POST /search with a real ~400-px clothing JPEG, from wrk (Debian's package; installed when
# missing). Starts the API in Release on 127.0.0.1 over data/products.csv + data/index.csv (./setup.sh, then
# 'build-index build'), reports throughput and latency percentiles for 1 and 8 clients, fails on any non-2xx
# answer or socket error, and samples the server's RSS before, during and after a run of $REQUESTS requests.
#   IMAGESEARCH_MIRROR=../shared bench/load-test.sh
# Environment: PORT (5080), DURATION (20s per latency run), REQUESTS (20000, the memory run), CLIENTS (8),
# QUEUE (the embedding queue; default 2 x CLIENTS so that CLIENTS connections are never refused with 503),
# API_ENV (extra "Name=value" settings for the API, space-separated, e.g. "ImageSearch__Inference__IntraOpNumThreads=1").
# The per-client rate limit is turned off: every request comes from 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mirror=${IMAGESEARCH_MIRROR:-../shared}
port=${PORT:-5080}
duration=${DURATION:-20s}
requests=${REQUESTS:-20000}
clients=${CLIENTS:-8}
queue=${QUEUE:-$((2 * clients))}
url=http://127.0.0.1:$port

source bench/api-under-load.sh
require_sample_index load-test
ensure_wrk

queries=("$mirror"/datasets/clothing/queries/*.jpg)
query=${queries[0]}
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export QUERY_PHOTO="$query"   # read by bench/search.lua, the wrk script both load benchmarks share

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(dotnet --version); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "== query: $query ($(stat -c %s "$query") bytes)"
dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
start_api "$work/api.log" "$port" "$queue" "${API_ENV:-}"
server=$api_pid
{ curl -sf "$url/stats" | cut -c1-300; } || true

rss() { awk '/VmRSS/{printf "%.1f MiB", $2/1024}' "/proc/$server/status"; }
errors=0
run() {  # run NAME THREADS CONNECTIONS [wrk options...]
    local name=$1 threads=$2 connections=$3; shift 3
    echo "== $name: $connections client(s)"
    wrk -t"$threads" -c"$connections" --latency -s bench/search.lua "$@" "$url/search" | tee "$work/$name.txt" \
        | grep -E "Requests/sec|requests in|Latency  |^ +(50|75|90|99)%|Non-2xx|Socket errors"
    if grep -qE "Non-2xx|Socket errors" "$work/$name.txt"; then errors=1; fi
}

LOAD_LIMIT=0 wrk -t1 -c2 -d5s -s bench/search.lua "$url/search" >/dev/null   # warm up (JIT, ONNX Runtime, page cache)
run single 1 1 -d"$duration"
run concurrent 2 "$clients" -d"$duration"

echo "== memory: RSS before $requests requests: $(rss)"
( while sleep 5; do echo "   during: $(rss)"; done ) &
sampler=$!
# wrk's main thread sleeps for the whole -d even after every thread stopped at LOAD_LIMIT, so the run is given about
# the time the requests take at the rate just measured (with room to spare), not a fixed ten minutes.
rate=$(awk '/Requests\/sec/{print $2}' "$work/concurrent.txt")
memory_seconds=$(awk -v n="$requests" -v r="${rate:-0}" 'BEGIN { s = (r > 0) ? int(n / r * 1.5) + 10 : 600; print (s > 600) ? 600 : s }')
LOAD_LIMIT=$requests run memory 1 "$clients" -d"${memory_seconds}s"
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
echo "== memory: RSS after $requests requests: $(rss)"
if grep -qiE "fail|exception" "$work/api.log"; then echo "== the API logged problems:"; grep -iE "fail|exception" "$work/api.log" | head; errors=1; fi
if [[ $errors != 0 ]]; then echo "load-test: FAILED (non-2xx answers or socket errors above)"; exit 1; fi
echo "load-test: no errors"
