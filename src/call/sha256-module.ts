/**
 * Drives one instance of hash-wasm's SHA-256 WebAssembly module, as
 * hash-wasm's own loader (its lib/WASMInterface.ts) does. Apart from the
 * loading (sha256.ts) so the build can check the module with this very code
 * (scripts/sha256-wasm.ts), where the loader's `virtual:sha256-wasm` does not
 * exist yet.
 */

/** The module's exports. */
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

/** A SHA-256 over a fresh instance's exports (one hash per instance: the state lives in its memory). */
export function incrementalHash(module: Sha256Exports): IncrementalHash {
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
