/**
 * The receiver's side of a file, pure: checks every chunk against what was
 * offered (a chunk too large, or bytes beyond the announced size, fail the
 * transfer instead of filling a disk), hashes them as they come, and at the
 * end compares the sender's SHA-256 with ours. Writing the bytes somewhere is
 * the caller's job; this only decides whether they may be written.
 */
import { MAX_CHUNK_SIZE } from './data-frames';
import { createIncrementalHash } from './file-chunks';

/** `mismatch`: every byte arrived but the hashes differ (the sender is told, to show the same verdict). */
export type Verdict = { ok: true; sha256: string } | { ok: false; error: string; mismatch?: true };

export interface Reassembly {
  /** Bytes taken so far. */
  readonly received: number;
  /** Takes the next chunk, or says in words why it must not be written (the transfer is then over). */
  take(chunk: Uint8Array): { ok: true } | { ok: false; error: string };
  /** The sender's `end` frame: all bytes there, and the same hash? */
  finish(senderSha256: string): Verdict;
}

export function createReassembly(size: number, maxChunk = MAX_CHUNK_SIZE): Reassembly {
  const hash = createIncrementalHash();
  let received = 0;
  let finished = false;

  return {
    get received() {
      return received;
    },
    take(chunk) {
      if (finished) return { ok: false, error: 'Data arrived after the end of the file.' };
      if (chunk.length > maxChunk) return { ok: false, error: `A chunk of ${chunk.length} bytes is over the limit of ${maxChunk}.` };
      if (received + chunk.length > size) return { ok: false, error: `The sender sent more than the ${size} bytes it announced.` };
      hash.update(chunk);
      received += chunk.length;
      return { ok: true };
    },
    finish(senderSha256) {
      if (finished) return { ok: false, error: 'The file was already finished.' };
      finished = true;
      if (received !== size) return { ok: false, error: `The file ended after ${received} of ${size} bytes.` };
      const ours = hash.hex();
      if (ours !== senderSha256) return { ok: false, error: 'The file arrived damaged: its SHA-256 does not match the sender\'s.', mismatch: true };
      return { ok: true, sha256: ours };
    },
  };
}
