#!/usr/bin/env bash
# Times the same models through ONNX Runtime's official Node.js binding (same libonnxruntime.so.1 as ours), so the
# cost of our C# binding can be told apart from the cost of ONNX Runtime on this processor.
#   bench/compare-onnxruntime-node.sh            (after ./setup.sh; IMAGESEARCH_MIRROR for the reference graphs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mirror=${IMAGESEARCH_MIRROR:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=.cache/npm/onnxruntime-node-1.30.0.tgz
[[ -f $tarball ]] || { (cd "$work" && npm pack --silent onnxruntime-node@1.30.0 >/dev/null); tarball=$work/onnxruntime-node-1.30.0.tgz; }
tar -xzf "$tarball" -C "$work"
(cd "$work" && npm pack --silent onnxruntime-common@1.30.0 >/dev/null)
mkdir -p "$work/package/node_modules/onnxruntime-common"
tar -xzf "$work"/onnxruntime-common-1.30.0.tgz -C "$work/package/node_modules/onnxruntime-common" --strip-components=1
cat > "$work/package/time.js" <<'JS'
const ort = require('./dist/index.js');
(async () => {
  for (const model of process.argv.slice(2)) {
    for (const threads of [1, 2]) {
      const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
      const input = new ort.Tensor('float32', new Float32Array(3 * 224 * 224).map(() => Math.random()), [1, 3, 224, 224]);
      for (let i = 0; i < 20; i++) await session.run({ [session.inputNames[0]]: input });
      const start = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) await session.run({ [session.inputNames[0]]: input });
      const ms = Number(process.hrtime.bigint() - start) / 1e6 / 200;
      console.log(`${model.split('/').pop()}  threads=${threads}  ${ms.toFixed(2)} ms/image`);
    }
  }
})();
JS
node "$work/package/time.js" "$PWD/models/mobilenetv2-12-int8.features.onnx" "$PWD/models/mobilenetv2-12-int8.onnx" \
  "$mirror/models/reference/mobilenetv2-12_dequant_features_fp32.onnx"
