/** The TurboJPEG WebAssembly file, served from our own dist/assets (Vite copies it there) and compiled once. */
import wasmUrl from '@cwasm/jpeg-turbo/jpeg-turbo.wasm?url';

let compiled: Promise<WebAssembly.Module> | null = null;

export function jpegModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`The JPEG decoder could not be loaded (HTTP ${response.status}).`);
    return WebAssembly.compile(await response.arrayBuffer());
  })().catch((error: unknown) => {
    compiled = null;
    throw error;
  });
  return compiled;
}
