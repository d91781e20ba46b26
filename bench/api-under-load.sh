# Sourced by the load benchmarks (load-test.sh, ratios.sh, compare-settings.sh), from the repository root: what they
# need before they start, and the API they drive, started in Release on loopback with the rate limit off.

# require_sample_index NAME: the catalog, its index and the model exist, or NAME says what to run and exits.
require_sample_index() {
    local file
    for file in data/products.csv data/index.csv data/index.csv.meta.json models/mobilenetv2-12-int8.features.onnx; do
        [[ -f $file ]] || { echo "$1: $file is missing; run ./setup.sh and 'build-index build' first" >&2; exit 1; }
    done
}

# ensure_wrk: installs Debian's wrk when it is missing.
ensure_wrk() {
    command -v wrk >/dev/null && return
    local sudo=; [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get install -y wrk >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
}

# start_api LOG PORT QUEUE [SETTINGS] [DLL]: starts the built API on 127.0.0.1:PORT in the background (its output in
# LOG, QUEUE searches allowed to wait for an embedding slot, SETTINGS extra "Name=value" pairs; DLL another build's
# ImageSearch.Api.dll, run from here, so on this checkout's catalog, index and model), sets api_pid and returns once
# /health/ready answers; prints LOG and exits when the API stops first or is not ready within a minute.
start_api() {
    # shellcheck disable=SC2086
    env ImageSearch__RateLimit__Enabled=false ImageSearch__Concurrency__QueueLength="$3" Logging__LogLevel__Default=Warning ${4:-} \
        dotnet "${5:-api/bin/Release/net10.0/ImageSearch.Api.dll}" --urls "http://127.0.0.1:$2" > "$1" 2>&1 &
    api_pid=$!
    local _
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1 && return
        kill -0 "$api_pid" 2>/dev/null || break
        sleep 0.5
    done
    kill "$api_pid" 2>/dev/null; cat "$1"; exit 1
}
