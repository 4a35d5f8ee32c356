/**
 * SHA-256 fed piece by piece, in WebAssembly: hash-wasm's compiled module,
 * shipped as a file of its own (scripts/sha256-wasm.ts) and fetched the first
 * time a file is sent or received. WebCrypto's digest() is one-shot (it wants
 * the whole file in memory); hash-wasm's WebAssembly streams several times
 * faster than a JavaScript SHA-256 (bench/README.md, "File transfer").
 */
import { sha256WasmUrl } from 'virtual:sha256-wasm';
import { type IncrementalHash, incrementalHash, type Sha256Exports } from './sha256-module';

export type { IncrementalHash } from './sha256-module';

let compiled: Promise<WebAssembly.Module> | null = null;

function compile(): Promise<WebAssembly.Module> {
  compiled ??= fetch(sha256WasmUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`The SHA-256 module did not load (HTTP ${response.status}).`);
      return response.arrayBuffer();
    })
    .then((binary) => WebAssembly.compile(binary))
    // A failed load (offline for a moment) is tried again by the next file, not remembered.
    .catch((error: unknown) => {
      compiled = null;
      throw error;
    });
  return compiled;
}

/** Asynchronous: the module is fetched and compiled the first time, instantiated (its own memory) each time. */
export async function createIncrementalHash(): Promise<IncrementalHash> {
  const instance = await WebAssembly.instantiate(await compile(), {});
  return incrementalHash(instance.exports as unknown as Sha256Exports);
}
