/**
 * SHA-256 fed piece by piece, in WebAssembly: hash-wasm's compiled module,
 * shipped as a file of its own (scripts/sha256-wasm.ts) and fetched the first
 * time a file is sent or received. WebCrypto's digest() is one-shot (it wants
 * the whole file in memory); hash-wasm's WebAssembly streams several times
 * faster than a JavaScript SHA-256 (bench/README.md, "File transfer").
 */
import { sha256WasmUrl } from 'virtual:sha256-wasm';

/** The module's interface, as hash-wasm's own loader (its lib/WASMInterface.ts) drives it. */
export interface Sha256Exports {
  memory: WebAssembly.Memory;
  /** Where input goes in, and the digest comes out. */
  Hash_GetBuffer: () => number;
  /** 256 for SHA-256 (the module also does SHA-224). */
  Hash_Init: (bits: number) => void;
  /** Hashes this many bytes from the buffer. */
  Hash_Update: (length: number) => void;
  Hash_Final: (padding: number) => void;
}

/** The input buffer the module reserves (hash-wasm's MAX_HEAP): longer input goes in pieces. */
const BUFFER_BYTES = 16 * 1024;
const DIGEST_BYTES = 32;

/** SHA-256 fed piece by piece; the same on both sides so their hex strings can be compared. */
export interface IncrementalHash {
  update: (bytes: Uint8Array) => void;
  /** Lowercase hex of the digest; the hash cannot be fed after this. */
  hex: () => string;
}

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
  const module = instance.exports as unknown as Sha256Exports;
  const buffer = () => new Uint8Array(module.memory.buffer, module.Hash_GetBuffer(), BUFFER_BYTES);
  module.Hash_Init(256);
  let digest: string | null = null;
  return {
    update(bytes) {
      if (digest !== null) throw new Error('A finished SHA-256 cannot be fed.');
      const input = buffer();
      for (let at = 0; at < bytes.length; at += BUFFER_BYTES) {
        const piece = bytes.subarray(at, at + BUFFER_BYTES);
        input.set(piece);
        module.Hash_Update(piece.length);
      }
    },
    hex() {
      if (digest === null) {
        module.Hash_Final(0);
        digest = Array.from(buffer().subarray(0, DIGEST_BYTES), (byte) => byte.toString(16).padStart(2, '0')).join('');
      }
      return digest;
    },
  };
}
