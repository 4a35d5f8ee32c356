import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChunkSource, readChunks } from './file-chunks';
import { createIncrementalHash } from './sha256';
import { createReassembly } from './file-reassembly';
import { words } from '../shared/wording';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A source whose stream hands its bytes over in pieces of the given sizes, in turn, as a browser's may. */
function inPieces(bytes: Uint8Array, pieces: number[], size = bytes.length, onCancel?: () => void): ChunkSource {
  return {
    size,
    stream: () => {
      let at = 0;
      let turn = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          const end = Math.min(at + pieces[turn++ % pieces.length]!, bytes.length);
          controller.enqueue(bytes.slice(at, end));
          at = end;
        },
        cancel: onCancel,
      });
    },
  };
}

async function collect(source: ChunkSource, chunkSize: number): Promise<{ sizes: number[]; offsets: number[]; joined: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  for await (const chunk of readChunks(source, chunkSize)) {
    parts.push(chunk.bytes);
    offsets.push(chunk.offset);
  }
  return { sizes: parts.map((p) => p.length), offsets, joined: new Uint8Array(Buffer.concat(parts)) };
}

describe('chunking a file', () => {
  it('reads a file in order in chunks of the chosen size, the last one shorter', async () => {
    const bytes = randomBytes(10 * 1024 + 5);
    const { sizes, offsets, joined } = await collect(new Blob([bytes]), 4096);
    expect(sizes).toEqual([4096, 4096, 2053]);
    expect(offsets).toEqual([0, 4096, 8192]);
    expect(Buffer.compare(joined, bytes)).toBe(0);
  });

  it('gives the same chunks whatever pieces the stream hands over, smaller, larger or across chunk boundaries', async () => {
    const bytes = randomBytes(100_000);
    for (const pieces of [[1], [4096], [10_000], [65_536, 7], [3, 9_000, 1_000_000]]) {
      const { sizes, offsets, joined } = await collect(inPieces(bytes, pieces), 4096);
      expect(Buffer.compare(joined, bytes)).toBe(0);
      expect(sizes).toEqual([...Array(24).fill(4096), 100_000 - 24 * 4096]);
      expect(offsets).toEqual(sizes.map((_, i) => i * 4096));
    }
  });

  it('hands each chunk its own buffer: one kept by the sender is not overwritten by the next', async () => {
    const bytes = randomBytes(20_000);
    const chunks = [];
    for await (const { bytes: chunk } of readChunks(inPieces(bytes, [20_000]), 4096)) chunks.push(chunk);
    expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0);
  });

  it('reads an exact multiple without an empty last chunk, and an empty file as nothing', async () => {
    expect((await collect(new Blob([randomBytes(8192)]), 4096)).sizes).toEqual([4096, 4096]);
    expect((await collect(new Blob([]), 4096)).sizes).toEqual([]);
  });

  it('refuses a chunk size that would never finish', async () => {
    await expect(collect(new Blob([randomBytes(10)]), 0)).rejects.toThrow('A chunk size must be a positive whole number, not 0.');
  });

  it('stops with a sentence when the file shrinks or grows under it', async () => {
    await expect(collect(inPieces(randomBytes(10), [10], 100), 64)).rejects.toThrow('The file changed while it was being sent.');
    await expect(collect(inPieces(randomBytes(100), [30], 64), 64)).rejects.toThrow('The file changed while it was being sent.');
  });

  it('stops reading the file when the sender stops early', async () => {
    let cancelled = false;
    const bytes = randomBytes(100_000);
    for await (const chunk of readChunks(inPieces(bytes, [4096], bytes.length, () => (cancelled = true)), 4096)) if (chunk.offset >= 8192) break;
    expect(cancelled).toBe(true);
  });
});

describe('incremental SHA-256', () => {
  it('gives the same digest as hashing the whole file at once, however it is cut', async () => {
    const bytes = randomBytes(300_001);
    for (const chunkSize of [1, 1000, 65_536, 300_001]) {
      const hash = await createIncrementalHash();
      for await (const { bytes: chunk } of readChunks(new Blob([bytes]), chunkSize === 1 ? 7 : chunkSize)) hash.update(chunk);
      expect(hash.hex()).toBe(sha256(bytes));
    }
    expect((await createIncrementalHash()).hex()).toBe(sha256(new Uint8Array()));
  });
});

describe('reassembling a file', () => {
  async function sendThrough(bytes: Uint8Array<ArrayBuffer>, chunkSize: number) {
    const receiver = createReassembly(bytes.length);
    for await (const { bytes: chunk } of readChunks(new Blob([bytes]), chunkSize)) expect(receiver.take(chunk)).toEqual({ ok: true });
    return receiver;
  }

  it('verifies a file that arrived whole against the sender\'s hash', async () => {
    const bytes = randomBytes(200_000);
    const receiver = await sendThrough(bytes, 65_536);
    expect(receiver.received).toBe(200_000);
    expect(receiver.finish(sha256(bytes), sha256(bytes))).toEqual({ ok: true, sha256: sha256(bytes) });
  });

  it('reports a damaged file when the hashes differ', async () => {
    const bytes = randomBytes(100_000);
    const receiver = createReassembly(bytes.length);
    const damaged = Buffer.from(bytes);
    damaged[50_000] = (damaged[50_000]! + 1) % 256;
    receiver.take(damaged);
    expect(receiver.finish(sha256(bytes), sha256(damaged))).toEqual({ ok: false, error: words('fileDamaged'), mismatch: true });
  });

  it('reports a short file, even with the right hash', async () => {
    const bytes = randomBytes(1000);
    const receiver = createReassembly(2000);
    receiver.take(bytes);
    expect(receiver.finish(sha256(bytes), sha256(bytes))).toEqual({ ok: false, error: words('fileEndedEarly', 1000, 2000) });
  });

  it('refuses bytes beyond the announced size and chunks over the limit, without counting them', () => {
    const receiver = createReassembly(100, 64);
    expect(receiver.take(new Uint8Array(65))).toEqual({ ok: false, error: words('fileChunkTooLarge', 65, 64) });
    expect(receiver.take(new Uint8Array(64))).toEqual({ ok: true });
    expect(receiver.take(new Uint8Array(40))).toEqual({ ok: false, error: words('fileTooManyBytes', 100) });
    expect(receiver.received).toBe(64);
  });

  it('refuses data after the end', () => {
    const receiver = createReassembly(0);
    const empty = sha256(new Uint8Array());
    expect(receiver.finish(empty, empty)).toMatchObject({ ok: true });
    expect(receiver.take(new Uint8Array(1))).toEqual({ ok: false, error: words('fileDataAfterEnd') });
    expect(receiver.finish(empty, empty)).toMatchObject({ ok: false });
  });
});
