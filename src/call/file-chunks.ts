/**
 * The sender's side of a file, pure: the file is read a chunk at a time (never
 * whole, so a file of several GB costs one chunk of memory) and hashed as it
 * goes (sha256.ts): both sides hash every byte on the thread that moves them.
 */

/** Anything sliceable like a Blob or File: tests hand in a Blob, the extension a File. */
export interface ChunkSource {
  size: number;
  slice: (start: number, end: number) => { arrayBuffer: () => Promise<ArrayBuffer> };
}

export interface Chunk {
  bytes: Uint8Array;
  /** Where the chunk starts in the file. */
  offset: number;
}

/** Reading a Blob is a round trip to the browser's blob store, so reads are larger than the
 * chunks sent, and the next read is already under way while this one is sent. */
export const READ_SIZE = 1024 * 1024;

/** Yields the file in order, `chunkSize` bytes at a time (the last may be shorter). Holds at
 * most two reads in memory: the one being sent and the next. */
export async function* readChunks(source: ChunkSource, chunkSize: number, readSize = Math.max(READ_SIZE, chunkSize)): AsyncGenerator<Chunk> {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`A chunk size must be a positive whole number, not ${chunkSize}.`);
  const read = async (offset: number) => {
    const end = Math.min(offset + readSize, source.size);
    const bytes = new Uint8Array(await source.slice(offset, end).arrayBuffer());
    // A file that shrank while we read it would otherwise loop or send a short file as whole.
    if (bytes.length !== end - offset) throw new Error('The file changed while it was being sent.');
    return { bytes, offset };
  };
  let next = source.size > 0 ? read(0) : null;
  while (next) {
    const { bytes, offset } = await next;
    const following = offset + bytes.length;
    next = following < source.size ? read(following) : null;
    // If the consumer stops early, the read already under way must not become an unhandled rejection.
    next?.catch(() => undefined);
    for (let start = 0; start < bytes.length; start += chunkSize) {
      yield { bytes: bytes.subarray(start, Math.min(start + chunkSize, bytes.length)), offset: offset + start };
    }
  }
}
