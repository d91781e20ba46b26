#!/usr/bin/env bash
# End-to-end tests: builds dist/, starts the real API on a free loopback port serving it (ImageSearch__WebRoot) over
# the sample catalog in data/, waits for /health/ready, runs Playwright in headless Debian Chromium, stops the API.
#   web/e2e/run.sh [playwright args]     exit 0 passed, 1 failed, 3 could not run (no catalog, no chromium)
# Needs ./setup.sh done (model, data/products.csv); builds data/index.csv when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WEB=$PWD
ROOT=$(cd .. && pwd)
say() { printf 'e2e: %s\n' "$*"; }

[[ -f $ROOT/data/products.csv ]] || { say "no data/products.csv (run IMAGESEARCH_MIRROR=../shared ./setup.sh); skipped"; exit 3; }
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || { say "no $CHROMIUM (apt-get install chromium, or ./setup.sh); skipped"; exit 3; }

# Real query photos: the mirror's held-out queries when present, else catalog photos. The mirror is found as the
# .NET tests find it (tests/TestData.cs): IMAGESEARCH_MIRROR names it or a folder holding it as shared/.
MIRROR=${IMAGESEARCH_MIRROR:-$ROOT/../shared}
[[ ! -d $MIRROR/models && -d $MIRROR/shared/models ]] && MIRROR=$MIRROR/shared
shopt -s nullglob
queries=("$MIRROR"/datasets/clothing/queries/*.jpg)
((${#queries[@]})) || queries=("$ROOT"/data/images/*.jpg)
((${#queries[@]})) || { say "no query photo (no $MIRROR/datasets/clothing/queries, no data/images); skipped"; exit 3; }
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
E2E_QUERY_IMAGE=$(absolute "${queries[0]}")
# Six photos spread over the (sorted) set, for the on-device against server comparison; one path a line.
E2E_QUERY_IMAGES=""
count=${#queries[@]}
for i in 0 1 2 3 4 5; do
  E2E_QUERY_IMAGES+="$(absolute "${queries[$((i * count / 6))]}")"$'\n'
done
# A catalog product's own photo (the first row's), which finds itself as the same product.
E2E_CATALOG_IMAGE=$(absolute "$ROOT/data/$(awk -F, 'NR == 2 { print $5; exit }' "$ROOT/data/products.csv")")
# Every query photo, for the upload downscaling measurement (e2e/downscale.spec.ts).
E2E_QUERIES_DIR=$(dirname "$E2E_QUERY_IMAGE")
export E2E_QUERY_IMAGE E2E_QUERY_IMAGES E2E_CATALOG_IMAGE E2E_QUERIES_DIR

mkdir -p test-results
say "building the page"
npm run --silent build >/dev/null

say "building the API"
(cd "$ROOT" && dotnet build api -c Release -nologo -v q -clp:ErrorsOnly >/dev/null)
if [[ ! -f $ROOT/data/index.csv ]]; then
  say "indexing data/products.csv"
  (cd "$ROOT" && dotnet run --project build-index -c Release -- build --catalog data/products.csv --out data/index.csv --incremental --skip-failed >/dev/null)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export E2E_BASE_URL=http://127.0.0.1:$port
log=$WEB/test-results/api.log
say "starting the API on $E2E_BASE_URL (log: web/test-results/api.log)"
# The whole suite is one client on loopback, and a photo's search with its thumbnails and the measurement's own
# requests can pass the default 100 requests a second per client; the limit itself is tested in tests/Api.
(cd "$ROOT" && exec env ImageSearch__WebRoot="$WEB/dist" ASPNETCORE_ENVIRONMENT=Production ImageSearch__RateLimit__PermitLimit=2000 \
  dotnet api/bin/Release/net10.0/ImageSearch.Api.dll --urls "$E2E_BASE_URL") >"$log" 2>&1 &
api=$!
trap 'kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true' EXIT

for _ in $(seq 1 240); do
  kill -0 "$api" 2>/dev/null || { say "the API stopped; its log:"; tail -n 30 "$log"; exit 1; }
  curl -fs "$E2E_BASE_URL/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$E2E_BASE_URL/health/ready" >/dev/null || { say "the API was not ready after 120 s"; tail -n 30 "$log"; exit 1; }

say "running Playwright (query photo: $E2E_QUERY_IMAGE)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CHROMIUM_PATH=$CHROMIUM npx playwright test -c e2e/playwright.config.ts "$@"
