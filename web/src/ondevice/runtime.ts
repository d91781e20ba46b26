/**
 * ONNX Runtime Web, loaded only when on-device mode is on (this module is its own chunk, imported dynamically).
 * The WebAssembly runtime is served from our own origin — Vite copies it into dist/assets with a content hash — and
 * never from a CDN. One thread: several need cross-origin isolation (COOP/COEP headers), which the page does not ask
 * for, and one embedding takes a fraction of a second anyway.
 */
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

export interface ModelSession {
  /** Runs the model on one NCHW tensor; returns its single output. */
  run: (input: Float32Array, shape: readonly number[]) => Promise<{ data: Float32Array; dims: readonly number[] }>;
}

export async function createSession(model: Uint8Array): Promise<ModelSession> {
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, document.baseURI).href };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    throw new Error(`The model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; a feature model has one of each.`);
  }
  const [inputName] = session.inputNames as [string];
  const [outputName] = session.outputNames as [string];
  return {
    run: async (input, shape) => {
      const feeds = { [inputName]: new ort.Tensor('float32', input, shape) };
      const results = await session.run(feeds);
      const output = results[outputName];
      if (!output || output.type !== 'float32') throw new Error(`The model's output '${outputName}' is not a float32 tensor.`);
      const data = output.data as Float32Array;
      return { data: data.slice(), dims: output.dims };
    },
  };
}
