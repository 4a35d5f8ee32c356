/**
 * The receiver's side of a file, pure: checks every chunk against what was
 * offered (a chunk too large, or bytes beyond the announced size, fail the
 * transfer instead of filling a disk), and at the end compares the sender's
 * SHA-256 with ours. Writing and hashing the bytes is the caller's job (it
 * hashes what it writes, in large blocks); this only decides whether they may
 * be written, and whether the file counts as received.
 */
import { MAX_CHUNK_SIZE } from './data-frames';
import { type Wording, words } from '../shared/wording';

/** `mismatch`: every byte arrived but the hashes differ (the sender is told, to show the same verdict). */
export type Verdict = { ok: true; sha256: string } | { ok: false; error: Wording; mismatch?: true };

export interface Reassembly {
  /** Bytes taken so far. */
  readonly received: number;
  /** Takes the next chunk, or says in words why it must not be written (the transfer is then over). */
  take: (chunk: Uint8Array) => { ok: true } | { ok: false; error: Wording };
  /** The sender's `end` frame: all bytes there, and the same hash as ours over what we wrote? */
  finish: (senderSha256: string, ourSha256: string) => Verdict;
}

export function createReassembly(size: number, maxChunk = MAX_CHUNK_SIZE): Reassembly {
  let received = 0;
  let finished = false;

  return {
    get received() {
      return received;
    },
    take(chunk) {
      if (finished) return { ok: false, error: words('fileDataAfterEnd') };
      if (chunk.length > maxChunk) return { ok: false, error: words('fileChunkTooLarge', chunk.length, maxChunk) };
      if (received + chunk.length > size) return { ok: false, error: words('fileTooManyBytes', size) };
      received += chunk.length;
      return { ok: true };
    },
    finish(senderSha256, ours) {
      if (finished) return { ok: false, error: words('fileAlreadyFinished') };
      finished = true;
      if (received !== size) return { ok: false, error: words('fileEndedEarly', received, size) };
      if (ours !== senderSha256) return { ok: false, error: words('fileDamaged'), mismatch: true };
      return { ok: true, sha256: ours };
    },
  };
}
