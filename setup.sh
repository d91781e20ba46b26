#!/usr/bin/env bash
# Installs what ImageSearch needs on a Debian/Ubuntu machine with the .NET 10 SDK and Node.js, and starts nothing.
# The service itself needs only the .NET SDK (ONNX Runtime and SkiaSharp come from NuGet); apt brings an optional
# JPEG accelerator and what the tests use (Chromium, docker-compose).
# Idempotent: every step checks first, so a second run does nothing and takes well under two seconds.
#
#   ./setup.sh                 everything
#   IMAGESEARCH_MIRROR=DIR     take the model and the sample catalog from DIR, laid out like ../shared,
#                              instead of downloading them; SHA-256 is verified either way.
#   IMAGESEARCH_CLOTHING_URL   without a mirror, where the clothing dataset's archive comes from (default: its
#                              pinned commit on GitHub; file:// URLs work too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

MODEL_FILE=mobilenetv2-12-int8.onnx
MODEL_SHA256=cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f
MODEL_URL=https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/$MODEL_FILE
LABELS_URL=https://github.com/onnx/models/raw/main/validated/vision/classification/synset.txt
LABELS_SHA256=acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355
PREPARED_MODEL=models/mobilenetv2-12-int8.features.onnx
# libjpeg-turbo's SIMD decoder: decodes JPEG 2-3x faster than SkiaSharp's bundled copy, with the same pixels; the
# service uses it when present and SkiaSharp otherwise. The tests need it (they compare the two).
APT_PACKAGES=(libturbojpeg0)

MIRROR=${IMAGESEARCH_MIRROR:-}
[[ -n $MIRROR ]] && MIRROR=$(cd "$MIRROR" && pwd)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
verify() { # FILE EXPECTED_SHA256
  local actual; actual=$(sha256_of "$1")
  [[ $actual == "$2" ]] || die "SHA-256 mismatch for $1: expected $2, got $actual. Remove the file and run ./setup.sh again; if it persists, the source is not the file we pinned."
}
has_sha() { [[ -f $1 ]] && [[ $(sha256_of "$1") == "$2" ]]; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# 1. The JPEG accelerator from Debian. Without root or apt the service still runs (SkiaSharp decodes JPEG); the
#    tests do need it.
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null 2>&1; }; then
    say "installing ${missing[*]} (apt: the optional SIMD JPEG decoder)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "no apt: JPEG is decoded by SkiaSharp alone (same pixels, 2-3x slower); the tests need ${missing[*]}"
  fi
fi

# 2. The released model and its labels: from the mirror when given, else from the ONNX Model Zoo.
fetch() { # RELATIVE_PATH_IN_MIRROR URL DEST SHA256
  local source=$1 url=$2 dest=$3 sha=$4
  has_sha "$dest" "$sha" && return 0
  mkdir -p "$(dirname "$dest")"
  if [[ -n $MIRROR && -f $MIRROR/$source ]]; then
    say "copying $source from $MIRROR"
    cp "$MIRROR/$source" "$dest.part"
  else
    [[ -n $MIRROR ]] && say "$MIRROR/$source not found; downloading"
    say "downloading $url"
    curl -fsSL --retry 3 -o "$dest.part" "$url" || die "could not download $url"
  fi
  verify "$dest.part" "$sha"
  mv "$dest.part" "$dest"
}
fetch "models/$MODEL_FILE" "$MODEL_URL" "models/$MODEL_FILE" "$MODEL_SHA256"
fetch models/synset.txt "$LABELS_URL" models/synset.txt "$LABELS_SHA256"

# 3. The feature model: the released classifier cut at its pooled 1280-d activation, by our own tool.
#    Redone when the released model or the preparation code changes.
prep_key="$MODEL_SHA256 $(cat core/Build/ModelPreparation/*.cs | sha256sum | cut -d' ' -f1)"
if [[ ! -f $PREPARED_MODEL || ! -f $PREPARED_MODEL.stamp || $(cat "$PREPARED_MODEL.stamp") != "$prep_key" ]]; then
  say "preparing $PREPARED_MODEL"
  dotnet run --project build-index -c Release -- prepare-model --in "models/$MODEL_FILE" --out "$PREPARED_MODEL"
  echo "$prep_key" > "$PREPARED_MODEL.stamp"
fi

# 4. The sample catalog (1,331 CC0 clothing photos) under data/, from the mirror or the upstream dataset, checked
#    file by file.
#    A catalog of your own in data/products.csv is left alone.
if [[ ! -f data/products.csv ]]; then
  if [[ -n $MIRROR && -f $MIRROR/datasets/clothing/products.csv ]]; then
    say "copying the sample catalog from $MIRROR/datasets/clothing to data/"
    mkdir -p data/images
    cp "$MIRROR/datasets/clothing/images/"*.jpg data/images/
    (cd data && grep ' images/' sample-catalog.sha256 | sha256sum --quiet --strict -c - >/dev/null 2>&1) \
      || die "the sample photos in $MIRROR/datasets/clothing do not match data/sample-catalog.sha256"
    cp "$MIRROR/datasets/clothing/products.csv" data/products.csv.part
    verify data/products.csv.part "$(awk '$2 == "products.csv" {print $1}' data/sample-catalog.sha256)"
    mv data/products.csv.part data/products.csv
    chmod -R u+w data/products.csv data/images   # the mirror may be read-only; the copy is the owner's to edit
  else
    # No mirror: the CC0 dataset at its pinned commit (its archive is kept in .cache/); the photos the manifest
    # pins are checked one by one and products.csv is derived from them (tools/sample-catalog, data/README.md).
    [[ -n $MIRROR ]] && say "$MIRROR/datasets/clothing/products.csv not found"
    say "making the sample catalog from the upstream clothing dataset (${IMAGESEARCH_CLOTHING_URL:-its pinned GitHub archive})"
    dotnet run --project tools/sample-catalog -c Release -- ${IMAGESEARCH_CLOTHING_URL:+--source "$IMAGESEARCH_CLOTHING_URL"} \
      || die "could not make the sample catalog (see above). Set IMAGESEARCH_MIRROR to a folder laid out like ../shared, or put your own catalog in data/products.csv"
  fi
fi

# 5. The web page (web/): its npm packages (npm ci, redone when package-lock.json changes) and Debian's Chromium
#    for its end-to-end tests; the deployment checks' linter (deploy/). Playwright never downloads a browser.
#    Skipped without npm.
if command -v npm >/dev/null 2>&1; then
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing chromium (apt, for the web page's end-to-end tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
  web_key=$(sha256_of web/package-lock.json)
  if [[ ! -f web/node_modules/.setup-stamp || $(cat web/node_modules/.setup-stamp) != "$web_key" ]]; then
    say "installing the web page's npm packages (npm ci in web/)"
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$web_key" > web/node_modules/.setup-stamp
  fi
  # The Dockerfile linter the deployment tests run (deploy/package.json).
  deploy_key=$(sha256_of deploy/package-lock.json)
  if [[ ! -f deploy/node_modules/.setup-stamp || $(cat deploy/node_modules/.setup-stamp) != "$deploy_key" ]]; then
    say "installing the deployment checks' npm packages (npm ci in deploy/)"
    (cd deploy && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$deploy_key" > deploy/node_modules/.setup-stamp
  fi
else
  say "no npm: the web page (web/) is not set up; the API works without it"
fi

# 6. For the tests of the deployment files (tests/Deployment): Debian's docker-compose, which validates
#    docker-compose.yml without a container engine and brings PyYAML for render.yaml. Nothing here runs containers.
if ! command -v docker-compose >/dev/null 2>&1; then
  say "installing docker-compose (apt, to check the deployment files in the tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi

say "ready"
