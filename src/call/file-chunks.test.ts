import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readChunks } from './file-chunks';
import { createIncrementalHash } from './sha256';
import { createReassembly } from './file-reassembly';
import { words } from '../shared/wording';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function collect(source: Blob, chunkSize: number, readSize?: number): Promise<{ sizes: number[]; offsets: number[]; joined: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  for await (const chunk of readChunks(source, chunkSize, readSize)) {
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

  it('gives the same chunks whatever the read size, even one that is not a multiple of the chunk size', async () => {
    const bytes = randomBytes(100_000);
    for (const readSize of [4096, 10_000, 65_536, 1024 * 1024]) {
      const { sizes, joined } = await collect(new Blob([bytes]), 4096, readSize);
      expect(Buffer.compare(joined, bytes)).toBe(0);
      expect(sizes.every((size) => size <= 4096)).toBe(true);
    }
  });

  it('reads an exact multiple without an empty last chunk, and an empty file as nothing', async () => {
    expect((await collect(new Blob([randomBytes(8192)]), 4096)).sizes).toEqual([4096, 4096]);
    expect((await collect(new Blob([]), 4096)).sizes).toEqual([]);
  });

  it('refuses a chunk size that would never finish', async () => {
    await expect(collect(new Blob([randomBytes(10)]), 0)).rejects.toThrow('A chunk size must be a positive whole number, not 0.');
  });

  it('stops with a sentence when the file shrinks under it', async () => {
    const lying = { size: 100, slice: () => new Blob([randomBytes(10)]) };
    await expect(collect(lying as unknown as Blob, 64)).rejects.toThrow('The file changed while it was being sent.');
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
