#!/usr/bin/env bash
# Sets up what is missing, then starts the API on http://localhost:8080.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./setup.sh
url=${IMAGESEARCH_URL:-http://localhost:8080}
echo "ImageSearch: starting on $url"
exec dotnet run --project api -c Release -- --urls "$url"
