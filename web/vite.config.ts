import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Writes `.br` and `.gz` copies beside the large built assets (the API serves them to browsers that accept them):
 * ONNX Runtime's 14 MB WebAssembly file becomes 2.8 MB of Brotli. Quality 5 keeps the build quick (about a second).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'imagesearch-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        const path = join(assets, name);
        if (!/\.(wasm|js|css)$/.test(name) || statSync(path).size < 10_000) continue;
        const bytes = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

// Relative asset URLs ('./assets/...') so that one build works at / or under any sub-path.
export default defineConfig({
  base: './',
  // WebAssembly files are assets: the page fetches them by URL (?url); unit tests read them inline (?inline).
  assetsInclude: ['**/*.wasm'],
  plugins: [precompress()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev`: the API on :8080 answers the page's requests (config.json's apiBase stays same-origin).
    proxy: Object.fromEntries(
      ['/search', '/products', '/images', '/stats', '/health', '/model'].map((path) => [path, 'http://127.0.0.1:8080']),
    ),
  },
  // ONNX Runtime Web finds its WebAssembly file beside its own module; pre-bundling for the dev server would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
