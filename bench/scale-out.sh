#!/usr/bin/env bash
# Scaling out, on one machine: API replicas on loopback ports behind Debian's nginx as the load balancer (the proxy
# settings of deploy/nginx/api-proxy.conf, which the page's container uses), sharing one read-only index, under wrk
# (POST /search with a real ~400-px clothing JPEG, as bench/load-test.sh). Four runs:
#   1. throughput, 1 replica: req/s and latency percentiles through nginx;
#   2. throughput, 2 replicas: the same load;
#   3. failover: 2 replicas, one killed (SIGKILL) half-way; nginx retries its requests on the survivor;
#   4. rollout: a new index rolled out replica by replica while the load runs: SIGTERM (ASP.NET finishes the requests
#      it has), start on the new index, wait until ready. nginx needs no reload: requests that meet the stopped
#      replica go to the other (refused connection: retried) until it answers again. (Draining with
#      'server ... down' and 'nginx -s reload' works too, but a reload closes the clients' idle keep-alive
#      connections, and a client that sends on one at that moment sees a read error: wrk counts it.)
# Runs 3 and 4 fail on any non-2xx answer or socket error. Each replica is pinned to its own core (taskset) so that
# "one more replica" means "one more core"; nginx and wrk float. On 2 cores they share the cores with the replicas.
#   flock /tmp/imagesearch-bench.lock bench/scale-out.sh        (after ./setup.sh and 'build-index build')
# Environment: CLIENTS (4 connections), DURATION (20s per throughput run), FAILOVER_SECONDS (20), BASE_PORT (5180),
# MIRROR/IMAGESEARCH_MIRROR (the query photo's folder, ../shared). Installs nginx (nginx-light) and wrk when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
mirror=${IMAGESEARCH_MIRROR:-../shared}
clients=${CLIENTS:-4}
duration=${DURATION:-20s}
failover_seconds=${FAILOVER_SECONDS:-20}
base_port=${BASE_PORT:-5180}
lb_port=$((base_port + 9))
lb=http://127.0.0.1:$lb_port

for file in data/products.csv data/index.csv data/index.csv.meta.json models/mobilenetv2-12-int8.features.onnx; do
    [[ -f $file ]] || { echo "scale-out: $file is missing; run ./setup.sh and 'build-index build' first" >&2; exit 1; }
done
install() { # COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    echo "scale-out: installing $2 (apt)"
    local sudo=; [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 \
        || { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}
install wrk wrk
install nginx nginx-light
PATH=$PATH:/usr/sbin

queries=("$mirror"/datasets/clothing/queries/*.jpg)
query=${queries[0]}
work=$(mktemp -d)
chmod 755 "$work"
declare -A replica_pid=()
nginx_started=
wrk_pid=
cleanup() {
    [[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null
    for pid in "${replica_pid[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -n $nginx_started ]] && nginx -c "$work/nginx.conf" -s stop 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# --- The shared, read-only index: version 1 is the current one; version 2 the same catalog rebuilt (new build time).
mkdir -p "$work/index-v1" "$work/index-v2"
cp data/index.csv data/index.csv.meta.json "$work/index-v1/"
if [[ -f data/index.bin ]]; then cp data/index.bin "$work/index-v1/"; fi
dotnet build api -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build build-index -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
cp "$work"/index-v1/* "$work/index-v2/"
dotnet build-index/bin/Release/net10.0/build-index.dll build --catalog data/products.csv --out "$work/index-v2/index.csv" \
    --incremental > "$work/build-v2.log" 2>&1 || { cat "$work/build-v2.log"; exit 1; }
chmod -R a-w "$work/index-v1" "$work/index-v2"
built_at() { sed -n 's/.*"built_at": *"\([^"]*\)".*/\1/p' "$1/index.csv.meta.json" | head -1; }

# --- Replicas: one per core, each a plain API process; the rate limit is off (every request comes from nginx).
start_replica() { # NUMBER INDEX_FOLDER
    local number=$1 port=$((base_port + $1)) cpu=$(( ($1 - 1) % $(nproc) ))
    env ImageSearch__IndexPath="$2/index.csv" ImageSearch__RateLimit__Enabled=false \
        ImageSearch__Concurrency__QueueLength=$((4 * clients)) ImageSearch__Inference__IntraOpNumThreads=1 \
        Logging__LogLevel__Default=Warning \
        taskset -c "$cpu" dotnet api/bin/Release/net10.0/ImageSearch.Api.dll --urls "http://127.0.0.1:$port" \
        > "$work/replica-$number.log" 2>&1 &
    replica_pid[$number]=$!
    for _ in $(seq 1 240); do
        curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
        kill -0 "${replica_pid[$number]}" 2>/dev/null || { cat "$work/replica-$number.log"; exit 1; }
        sleep 0.25
    done
    echo "scale-out: replica $number did not become ready" >&2; exit 1
}
stop_replica() { # NUMBER SIGNAL
    local pid=${replica_pid[$1]}
    kill "-$2" "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "replica_pid[$1]"
}
replica_built_at() { curl -sf "http://127.0.0.1:$((base_port + $1))/stats" | sed -n 's/.*"index_built_at":"\([^"]*\)".*/\1/p'; }
rss() { awk '/VmRSS/{printf "%.0f MiB", $2/1024}' "/proc/${replica_pid[$1]}/status"; }
ticks=$(getconf CLK_TCK)
cpu_ticks() { # PID...: user + system CPU time so far, in clock ticks (nginx: its master's workers too)
    local total=0 pid
    for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}
machine_busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }   # all CPUs, not idle
nginx_cpu_ticks() { # of this script's nginx workers
    local workers; mapfile -t workers < <(pgrep -P "$(cat "$work/nginx.pid")")
    cpu_ticks "${workers[@]}"
}

# --- nginx in front: an upstream of the given replicas ("2:down" would drain replica 2), the shared proxy settings.
mkdir -p "$work/nginx-tmp"
write_nginx() { # REPLICA[:down]...
    local servers=
    for spec in "$@"; do
        local down=; [[ $spec == *:down ]] && down=" down"
        servers+="        server 127.0.0.1:$((base_port + ${spec%%:*}))$down max_fails=1 fail_timeout=2s;"$'\n'
    done
    cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    log_format balance '\$status \$upstream_status \$upstream_addr';
    access_log $work/nginx-access.log balance;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    upstream imagesearch_api {
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$lb_port;
        location / {
            include $root/deploy/nginx/api-proxy.conf;
        }
    }
}
NGINX
    nginx -t -q -c "$work/nginx.conf"
    if [[ -z $nginx_started ]]; then nginx -c "$work/nginx.conf"; nginx_started=1; else nginx -c "$work/nginx.conf" -s reload 2>/dev/null; fi
    sleep 0.5   # the new workers take over; the old ones finish what they have
}

export QUERY_PHOTO="$query"   # read by bench/search.lua, the wrk script both load benchmarks share

failures=0
report() { # NAME: the wrk summary lines that matter; counts errors
    grep -E "Requests/sec|requests in|Latency  |^ +(50|90|99)%|Non-2xx|Socket errors" "$work/$1.txt" | sed 's/^/   /'
    [[ -f $work/$1.cpu ]] && cat "$work/$1.cpu"
    if grep -qE "Non-2xx|Socket errors" "$work/$1.txt"; then echo "   -> errors in $1"; return 1; fi
    return 0
}
load() { # NAME wrk-options...: a timed run through nginx, with the CPU time the replicas and nginx spent on it
    local name=$1; shift
    local replicas_before nginx_before machine_before requests seconds
    replicas_before=$(cpu_ticks "${replica_pid[@]}"); nginx_before=$(nginx_cpu_ticks); machine_before=$(machine_busy_ticks)
    wrk -t2 -c"$clients" --latency -s bench/search.lua "$@" "$lb/search" > "$work/$name.txt"
    requests=$(awk '/requests in/{print $1}' "$work/$name.txt")
    seconds=$(awk '/requests in/{sub(/s,$/, "", $4); print $4}' "$work/$name.txt")
    awk -v r="$(( $(cpu_ticks "${replica_pid[@]}") - replicas_before ))" -v n="$(( $(nginx_cpu_ticks) - nginx_before ))" \
        -v m="$(( $(machine_busy_ticks) - machine_before ))" -v hz="$ticks" -v q="$requests" -v t="$seconds" 'BEGIN { if (q > 0) {
            printf "   CPU per search: API %.1f ms (%.0f searches/s per busy core), nginx %.2f ms\n", 1000 * r / hz / q, q * hz / r, 1000 * n / hz / q
            printf "   cores busy (of %d): API %.2f, nginx %.2f, everything else (wrk, other processes) %.2f\n", '"$(nproc)"', r / hz / t, n / hz / t, (m - r - n) / hz / t } }' \
        > "$work/$name.cpu"
}
load_start() { # NAME: a run that lasts until load_stop (wrk prints its summary on SIGINT)
    : > "$work/nginx-access.log"   # nginx appends (O_APPEND): the truncated log starts over
    wrk -t2 -c"$clients" --latency -s bench/search.lua -d600s "$lb/search" > "$work/$1.txt" &
    wrk_pid=$!
}
load_stop() { kill -INT "$wrk_pid"; wait "$wrk_pid" || true; wrk_pid=; }
retried() { grep -c ',' "$work/nginx-access.log" || true; }

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg); $(dotnet --version); $(nginx -v 2>&1 | cut -d: -f2 | xargs); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "== query: $query ($(stat -c %s "$query") bytes); $clients connections; index v1 built $(built_at "$work/index-v1"), v2 built $(built_at "$work/index-v2")"

start_replica 1 "$work/index-v1"
write_nginx 1
wrk -t1 -c2 -d5s -s bench/search.lua "$lb/search" >/dev/null   # warm up: JIT, ONNX Runtime, page cache
echo "== 1 replica (core 0), RSS $(rss 1)"
load one -d"$duration"; report one || failures=$((failures + 1))

start_replica 2 "$work/index-v1"
write_nginx 1 2
wrk -t1 -c2 -d5s -s bench/search.lua "$lb/search" >/dev/null
echo "== 2 replicas (cores 0 and 1), RSS $(rss 1) + $(rss 2)"
load two -d"$duration"; report two || failures=$((failures + 1))

echo "== failover: 2 replicas; replica 2 killed (SIGKILL) after $((failover_seconds / 2)) s of $failover_seconds s"
load_start failover
sleep $((failover_seconds / 2))
stop_replica 2 KILL
sleep $((failover_seconds - failover_seconds / 2))
load_stop
report failover || failures=$((failures + 1))
echo "   requests nginx sent to a second replica after the first failed: $(retried)"

echo "== rollout: index v2 replica by replica under load (graceful stop, start on v2, ready; nginx routes around it)"
start_replica 2 "$work/index-v1"
sleep 3   # nginx tries replica 2 again once its fail_timeout is over
load_start rollout
sleep 3
for number in 1 2; do
    stop_replica "$number" TERM
    start_replica "$number" "$work/index-v2"
    echo "   replica $number serves the index built $(replica_built_at "$number")"
    sleep 3
done
load_stop
report rollout || failures=$((failures + 1))
echo "   requests nginx sent to a second replica after the first failed: $(retried)"
[[ $(replica_built_at 1) == "$(built_at "$work/index-v2")" && $(replica_built_at 2) == "$(built_at "$work/index-v2")" ]] \
    || { echo "scale-out: a replica does not serve index v2"; failures=$((failures + 1)); }

if grep -qiE "fail|exception" "$work"/replica-*.log; then echo "== the replicas logged problems:"; grep -ihE "fail|exception" "$work"/replica-*.log | head; fi
if ((failures > 0)); then echo "scale-out: FAILED ($failures run(s) with errors)"; exit 1; fi
echo "scale-out: no errors"
