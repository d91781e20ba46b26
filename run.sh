#!/usr/bin/env bash
# Sets up what is missing, brings the index of data/products.csv up to date, and starts the API on
# http://localhost:8080 (IMAGESEARCH_URL to change it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./setup.sh

if [[ -f data/products.csv ]]; then
  # Incremental: only rows whose image changed are embedded again. Rows that fail are listed and left out, so the
  # service starts with everything that could be indexed.
  status=0
  dotnet run --project build-index -c Release -- build --catalog data/products.csv --out data/index.csv \
    --incremental --skip-failed || status=$?
  if ((status == 1)); then
    echo "run: some catalog rows failed (listed above) and are not searchable" >&2
  elif ((status != 0)); then
    exit "$status"
  fi
else
  echo "run: no data/products.csv; see data/README.md" >&2
fi

# The web page, served by the API at / (ImageSearch:WebRoot, default web/dist): built when missing.
if [[ ! -f web/dist/index.html && -d web/node_modules ]]; then
  echo "run: building the web page (web/dist)"
  (cd web && npm run --silent build >/dev/null) || echo "run: the web page could not be built; the API starts without it" >&2
fi

url=${IMAGESEARCH_URL:-http://localhost:8080}
echo "ImageSearch: starting on $url"
exec dotnet run --project api -c Release -- --urls "$url"
