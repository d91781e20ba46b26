#!/usr/bin/env bash
# Index-building throughput on the 1,331-photo clothing sample, and the time of an incremental rebuild after one
# row changes. Prints the tool's own summary lines; run after ./setup.sh.
#   IMAGESEARCH_MIRROR=../shared bench/build-index.sh [--threads N] [--batch N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mirror=${IMAGESEARCH_MIRROR:-../shared}
sample=$mirror/datasets/clothing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build build-index -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
tool=(dotnet build-index/bin/Release/net10.0/build-index.dll)

cp "$sample/products.csv" "$work/products.csv"
ln -s "$(cd "$sample" && pwd)/images" "$work/images"
cat "$sample"/images/*.jpg > /dev/null   # warm the page cache: measure decoding and inference, not the disk

echo "== full build, 1,331 photos ($*)"
"${tool[@]}" build --catalog "$work/products.csv" --out "$work/index.csv" "$@" 2>/dev/null | grep -E "│|wrote|calibration:"

echo "== incremental rebuild after changing one row's photo"
queries=("$sample"/queries/*.jpg)
cp "${queries[0]}" "$work/changed.jpg"
sed -i '2s|,images/[^,]*$|,changed.jpg|' "$work/products.csv"
start=$(date +%s%N)
"${tool[@]}" build --catalog "$work/products.csv" --out "$work/index.csv" --incremental "$@" 2>/dev/null | grep -E "│|wrote|calibration:"
end=$(date +%s%N)
echo "incremental rebuild, whole command: $(( (end - start) / 1000000 )) ms"
