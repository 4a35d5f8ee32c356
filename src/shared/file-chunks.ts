/**
 * The sender's side of a file, pure: the file is read a chunk at a time (never
 * whole, so a file of several GB costs one chunk of memory) and hashed as it
 * goes. WebCrypto's digest() is one-shot (it wants the whole file in memory),
 * so the SHA-256 is @noble/hashes' incremental one: audited, no dependencies.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Anything sliceable like a Blob or File: tests hand in a Blob, the extension a File. */
export interface ChunkSource {
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface Chunk {
  bytes: Uint8Array;
  /** Where the chunk starts in the file. */
  offset: number;
}

/** Yields the file in order, `chunkSize` bytes at a time (the last may be shorter), from `from` on. */
export async function* readChunks(source: ChunkSource, chunkSize: number, from = 0): AsyncGenerator<Chunk> {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`A chunk size must be a positive whole number, not ${chunkSize}.`);
  for (let offset = from; offset < source.size; offset += chunkSize) {
    const end = Math.min(offset + chunkSize, source.size);
    const bytes = new Uint8Array(await source.slice(offset, end).arrayBuffer());
    // A file that shrank while we read it would otherwise loop or send a short file as whole.
    if (bytes.length !== end - offset) throw new Error('The file changed while it was being sent.');
    yield { bytes, offset };
  }
}

/** SHA-256 fed piece by piece; the same on both sides so their hex strings can be compared. */
export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** Lowercase hex of the digest; the hash cannot be fed after this. */
  hex(): string;
}

export function createIncrementalHash(): IncrementalHash {
  const hash = sha256.create();
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => bytesToHex(hash.digest()),
  };
}
