#!/usr/bin/env bash
# A throwaway PostgreSQL 17 + pgvector server for tests and benchmarks, on 127.0.0.1 only.
#
#   tests/postgres/server.sh rootfs   build (or reuse) the root filesystem and print its path
#   tests/postgres/server.sh start    start a server; prints its connection string on stdout
#   tests/postgres/server.sh stop     stop the server started by "start" (by its PID) and delete its data
#   tests/postgres/server.sh halt     stop the server but keep its data (an outage, for tests)
#   tests/postgres/server.sh resume   start the halted server again on the same data and port
#   tests/postgres/server.sh status   exit 0 when it is running
#
# Debian 12 has no pgvector, so the server runs from a Debian 13 (trixie) root filesystem made with mmdebstrap from
# the host's own apt mirror and entered with chroot; trixie is never added to the host's apt sources. The root
# filesystem is cached under .cache/postgres/<hash of its recipe>; the data directory lives in a temporary folder.
# Settings: PG_PORT (default 55432), PG_STATE (where the PID, port and data live; default .cache/postgres/run),
# PG_MIRROR (the apt mirror; default: the host's Debian mirror), PG_MAX_SECONDS (the server stops itself after this long).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache="$root/.cache/postgres"
state="${PG_STATE:-$cache/run}"
port="${PG_PORT:-55432}"
packages="postgresql-17,postgresql-17-pgvector"

mirror() {
  if [[ -n ${PG_MIRROR:-} ]]; then echo "$PG_MIRROR"; return; fi
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -E '/debian/?( |$)' | grep -v security | head -1 | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//')
  echo "${uri:-http://deb.debian.org/debian}"
}

rootfs() { # prints the cached root filesystem's path, building it first when missing
  local m key dir
  m=$(mirror)
  key=$(printf '%s\n' "trixie" "$packages" "minbase" "$m" "$(uname -m)" | sha256sum | cut -c1-16)
  dir="$cache/rootfs-$key"
  if [[ ! -x $dir/usr/lib/postgresql/17/bin/postgres ]]; then
    command -v mmdebstrap >/dev/null || { apt-get install -y -qq mmdebstrap >&2 || { apt-get update -qq && apt-get install -y -qq mmdebstrap; } >&2; }
    rm -rf "$dir" "$dir.tmp"; mkdir -p "$cache"
    echo "server.sh: building the PostgreSQL 17 + pgvector root filesystem from $m (a few minutes, once)" >&2
    mmdebstrap --quiet --variant=minbase --include="$packages" trixie "$dir.tmp" "$m" >&2
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

pid_of() { [[ -f $state/pid ]] && cat "$state/pid"; }
running() { local p; p=$(pid_of) && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

start() {
  local dir bin data
  dir=$(rootfs)
  bin=/usr/lib/postgresql/17/bin
  if running; then echo "server.sh: already running (PID $(pid_of))" >&2; connection; return; fi
  mkdir -p "$state"
  # The data directory is a temporary folder inside the root filesystem (the server only sees the chroot).
  data=$(chroot "$dir" mktemp -d /tmp/pgdata.XXXXXX)
  echo "$dir" >"$state/rootfs"; echo "$data" >"$state/data"; echo "$port" >"$state/port"
  chroot "$dir" chown postgres:postgres "$data"
  chroot "$dir" mkdir -p /run/postgresql; chroot "$dir" chown postgres:postgres /run/postgresql
  chroot --userspec=postgres:postgres "$dir" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 \
    || { cat "$state/initdb.log" >&2; exit 1; }
  launch
  chroot "$dir" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE imagesearch" >/dev/null
  connection
}

launch() { # starts the server on the recorded root filesystem, data directory and port; waits until it answers
  local dir data bin=/usr/lib/postgresql/17/bin
  dir=$(cat "$state/rootfs"); data=$(cat "$state/data"); port=$(cat "$state/port")
  # Loopback only; no Unix socket outside the chroot; settings sized for tests and benchmarks on a small machine.
  chroot --userspec=postgres:postgres "$dir" "$bin/postgres" -D "$data" -h 127.0.0.1 -p "$port" -k /run/postgresql \
    -c shared_buffers=256MB -c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=1 -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c logging_collector=off \
    >"$state/server.log" 2>&1 &
  echo $! >"$state/pid"
  # Bounded in time: a watchdog stops the server after PG_MAX_SECONDS (default 2 h) if nobody has by then.
  local pid; pid=$(cat "$state/pid")
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    sleep "${PG_MAX_SECONDS:-7200}" & nap=$!
    wait "$nap"
    kill -0 "$pid" 2>/dev/null && kill -INT "$pid"
  ) >/dev/null 2>&1 &
  echo $! >"$state/watchdog"
  for _ in $(seq 1 100); do
    if chroot "$dir" "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then return; fi
    running || { cat "$state/server.log" >&2; echo "server.sh: the server exited" >&2; exit 1; }
    sleep 0.2
  done
  cat "$state/server.log" >&2; echo "server.sh: the server did not become ready in 20 s" >&2; stop; exit 1
}

connection() { echo "Host=127.0.0.1;Port=$(cat "$state/port");Username=postgres;Database=imagesearch"; }

halt() { # stops the server process (fast shutdown), keeping its data
  local p
  if running; then
    p=$(pid_of)
    kill -INT "$p" # fast shutdown: roll back open transactions, then exit
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p"; fi
  fi
  if [[ -f $state/watchdog ]]; then kill "$(cat "$state/watchdog")" 2>/dev/null || true; fi
  rm -f "$state/pid" "$state/watchdog"
}

stop() {
  local dir data
  halt
  if [[ -f $state/rootfs && -f $state/data ]]; then
    dir=$(cat "$state/rootfs"); data=$(cat "$state/data")
    [[ $data == /tmp/pgdata.* ]] && rm -rf "${dir:?}$data"
  fi
  rm -f "$state/data"
}

case "${1:-}" in
  rootfs) rootfs ;;
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  resume) if running; then connection; else [[ -f $state/data ]] || { echo "server.sh: nothing to resume" >&2; exit 1; }; launch; connection; fi ;;
  status) running ;;
  *) echo "usage: $0 rootfs|start|stop|status" >&2; exit 2 ;;
esac
