/**
 * The sender's side of a file, pure: the file is read a chunk at a time (never
 * whole, so a file of several GB costs one chunk of memory) and hashed as it
 * goes (sha256.ts): both sides hash every byte on the thread that moves them.
 */

/** Anything streamable like a Blob or File: tests hand in a Blob, the extension a File. */
export interface ChunkSource {
  size: number;
  stream: () => ReadableStream<Uint8Array>;
}

export interface Chunk {
  bytes: Uint8Array;
  /** Where the chunk starts in the file. */
  offset: number;
}

const changed = () => new Error('The file changed while it was being sent.');

/**
 * Yields the file in order, `chunkSize` bytes at a time (the last may be shorter), each in a buffer of its own.
 * Read as one stream, not in slices: each slice read was a round trip to the browser's blob store, and a 200 MB
 * file read in 1 MiB slices took 5.8-6.9 ms of the browser process's CPU per MB and 6.5-8.7 of the page's, where
 * its stream took 1.0-1.3 and 3.8-4.4, in half the time (Chromium 156, a page reading a chosen file, three rounds;
 * bench/README.md, "File transfer"). Holds the chunk being filled and what the stream has queued.
 */
export async function* readChunks(source: ChunkSource, chunkSize: number): AsyncGenerator<Chunk> {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`A chunk size must be a positive whole number, not ${chunkSize}.`);
  const reader = source.stream().getReader();
  let offset = 0;
  let chunk = new Uint8Array(Math.min(chunkSize, source.size));
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length; ) {
        // A file that grew while we read it would otherwise send more than the size the receiver expects.
        if (chunk.length === 0) throw changed();
        const taken = Math.min(chunk.length - filled, value.length - at);
        chunk.set(value.subarray(at, at + taken), filled);
        filled += taken;
        at += taken;
        if (filled < chunk.length) continue;
        yield { bytes: chunk, offset };
        offset += filled;
        chunk = new Uint8Array(Math.min(chunkSize, source.size - offset));
        filled = 0;
      }
    }
  } finally {
    // Stopped early (the transfer ended) or failed: let the browser stop reading the file.
    reader.cancel().catch(() => undefined);
  }
  // One that shrank would otherwise end as a short file sent whole.
  if (offset !== source.size) throw changed();
}
