#!/bin/sh
# The API image's entry point (/usr/local/bin/imagesearch), run from /app:
#   imagesearch api [ARGS]     start the API (the default); with IMAGESEARCH_INDEX_ON_START=true it first brings the
#                              index up to date, as ./run.sh does (a single instance that owns its data, e.g. Render)
#   imagesearch index [ARGS]   build or update the index of the catalog incrementally, then exit (compose's indexer)
#   imagesearch build-index .. the index builder itself, e.g. 'imagesearch build-index evaluate ...'
#   imagesearch COMMAND...     anything else
# Before indexing, a missing catalog is made from the upstream sample dataset when IMAGESEARCH_SAMPLE_CATALOG=true
# (the sample-catalog tool: the 1,331 pinned CC0 photos, each SHA-256 checked; IMAGESEARCH_CLOTHING_URL to
# take the archive from elsewhere). Paths follow the API's settings (ImageSearch__CatalogPath, __IndexPath,
# __ModelPath), with the defaults of ./run.sh.
set -eu
bin=${IMAGESEARCH_BIN:-/app/bin}
catalog=${ImageSearch__CatalogPath:-data/products.csv}
index=${ImageSearch__IndexPath:-data/index.csv}
model=${ImageSearch__ModelPath:-models/mobilenetv2-12-int8.features.onnx}

ensure_catalog() {
  [ -f "$catalog" ] && return 0
  if [ "${IMAGESEARCH_SAMPLE_CATALOG:-false}" != true ]; then
    echo "imagesearch: no catalog at $catalog: mount data/ with products.csv and its images, or set IMAGESEARCH_SAMPLE_CATALOG=true" >&2
    return 2
  fi
  echo "imagesearch: no catalog at $catalog; making the sample catalog in $(dirname "$catalog")"
  archive=${TMPDIR:-/tmp}/clothing-dataset.zip
  status=0
  dotnet "$bin"/sample-catalog/sample-catalog.dll --manifest "${IMAGESEARCH_SAMPLE_MANIFEST:-/app/share/sample-catalog.sha256}" \
    --out "$(dirname "$catalog")" --archive "$archive" ${IMAGESEARCH_CLOTHING_URL:+--source "$IMAGESEARCH_CLOTHING_URL"} || status=$?
  rm -f "$archive"
  return "$status"
}

build_index() {
  ensure_catalog
  status=0
  dotnet "$bin"/build-index/build-index.dll build --catalog "$catalog" --out "$index" --model "$model" \
    --incremental --skip-failed "$@" || status=$?
  # 1: some rows failed (listed above) and are left out; the rest is indexed.
  if [ "$status" -eq 1 ]; then echo "imagesearch: some catalog rows failed and are not searchable" >&2; status=0; fi
  return "$status"
}

command=${1:-api}
[ $# -gt 0 ] && shift
case $command in
  api)
    if [ "${IMAGESEARCH_INDEX_ON_START:-false}" = true ]; then build_index; fi
    exec dotnet "$bin"/api/ImageSearch.Api.dll "$@"
    ;;
  index)
    build_index "$@"
    ;;
  build-index)
    exec dotnet "$bin"/build-index/build-index.dll "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
