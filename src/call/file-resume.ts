/**
 * The pure parts of carrying a transfer on after its channel broke. The
 * receiver only ever appends bytes in order, so its hash state and its file on
 * disk stay valid across channels, and it asks the sender for the bytes from
 * its last written one. The sender reads the file again from there; it has
 * hashed further than that already, and a SHA-256 cannot go back, so it hashes
 * only what lies beyond what it has hashed: the file is the same Blob, and the
 * final digest still covers every byte exactly once.
 */
import type { Chunk } from './file-chunks';
import { createIncrementalHash } from './sha256';

export interface WholeFileHash {
  /** The file's first `through` bytes are hashed. */
  readonly through: number;
  /** Hashes what of `chunk` lies beyond `through`; throws on a chunk that would leave a hole. */
  feed: (chunk: Chunk) => void;
  /** The digest; the same answer however often asked (a transfer that ended may be resumed to resend its end). */
  hex: () => string;
}

export async function createWholeFileHash(): Promise<WholeFileHash> {
  const hash = await createIncrementalHash();
  let through = 0;
  let digest: string | null = null;
  return {
    get through() {
      return through;
    },
    feed({ bytes, offset }) {
      if (offset > through) throw new RangeError(`A chunk at ${offset} would leave bytes ${through}–${offset} unhashed.`);
      const end = offset + bytes.length;
      if (end <= through) return;
      if (digest !== null) throw new Error('The file was already hashed to its end.');
      hash.update(bytes.subarray(through - offset));
      through = end;
    },
    hex() {
      digest ??= hash.hex();
      return digest;
    },
  };
}

export type ResumeDecision = { ok: true; offset: number } | { ok: false; reason: string };

/**
 * Whether the sender can carry on from where the receiver asks. The receiver
 * cannot have written bytes the sender never read, so an offset past them is a
 * broken peer, not a place to resume from.
 */
export function decideResume(requested: number, size: number, read: number): ResumeDecision {
  if (!Number.isInteger(requested) || requested < 0) return { ok: false, reason: `the receiver asked to resume from ${requested}` };
  if (requested > size) return { ok: false, reason: `the receiver asked to resume from ${requested}, past the file's ${size} bytes` };
  if (requested > read) return { ok: false, reason: `the receiver asked to resume from ${requested}, past the ${read} bytes sent` };
  return { ok: true, offset: requested };
}
