import { defineConfig } from 'vitest/config';

// Relative asset URLs ('./assets/...') so that one build works at / or under any sub-path.
export default defineConfig({
  base: './',
  // WebAssembly files are assets: the page fetches them by URL (?url); unit tests read them inline (?inline).
  assetsInclude: ['**/*.wasm'],
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
