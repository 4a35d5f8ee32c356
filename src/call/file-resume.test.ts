import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWholeFileHash, decideResume, type WholeFileHash } from './file-resume';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Feeds `bytes[from, to)` in chunks of `size`, at their offsets in the file. */
function feedRange(hash: WholeFileHash, bytes: Uint8Array, from: number, to: number, size: number): void {
  for (let at = from; at < to; at += size) hash.feed({ bytes: bytes.subarray(at, Math.min(at + size, to)), offset: at });
}

describe("the sender's hash across channels", () => {
  it('covers every byte once when a stretch already hashed is read and sent again', async () => {
    const bytes = randomBytes(1_000_000);
    const hash = await createWholeFileHash();
    feedRange(hash, bytes, 0, 700_000, 65_536);
    // The receiver had written less than was sent: the sender reads again from there, on chunk boundaries of its own.
    feedRange(hash, bytes, 123_457, bytes.length, 50_000);
    expect(hash.through).toBe(bytes.length);
    expect(hash.hex()).toBe(sha256(bytes));
  });

  it('refuses a chunk that would leave bytes unhashed', async () => {
    const hash = await createWholeFileHash();
    hash.feed({ bytes: new Uint8Array(10), offset: 0 });
    expect(() => hash.feed({ bytes: new Uint8Array(10), offset: 11 })).toThrow(RangeError);
    expect(hash.through).toBe(10);
  });

  it('gives the same digest when asked again, as a resume that only resends the end frame does', async () => {
    const bytes = randomBytes(1000);
    const hash = await createWholeFileHash();
    hash.feed({ bytes, offset: 0 });
    const first = hash.hex();
    hash.feed({ bytes: bytes.subarray(500), offset: 500 });
    expect(hash.hex()).toBe(first);
    expect(first).toBe(sha256(bytes));
  });
});

describe('where the sender carries on', () => {
  it('from the byte the receiver asks for, anywhere up to what was sent', () => {
    expect(decideResume(0, 100, 50)).toEqual({ ok: true, offset: 0 });
    expect(decideResume(50, 100, 50)).toEqual({ ok: true, offset: 50 });
    // All sent, the end frame lost with the channel: carry on from the end, sending only the hash.
    expect(decideResume(100, 100, 100)).toEqual({ ok: true, offset: 100 });
  });

  it('never past what was sent or past the file, which only a broken peer would ask for', () => {
    expect(decideResume(51, 100, 50)).toMatchObject({ ok: false });
    expect(decideResume(101, 100, 100)).toMatchObject({ ok: false });
    expect(decideResume(-1, 100, 50)).toMatchObject({ ok: false });
    expect(decideResume(1.5, 100, 50)).toMatchObject({ ok: false });
  });
});
