/**
 * Receives one file from its data channel: every chunk is checked by the
 * reassembly (size, order, limit), written to disk in order, and acknowledged
 * so the sender keeps within its window. The sender's `end` frame brings its
 * SHA-256; ours must match before the file counts as received.
 */
import { parseFileChannelFrame } from './data-frames';
import { createIncrementalHash, type IncrementalHash } from './sha256';
import { createReassembly, type Reassembly, type Verdict } from './file-reassembly';
import { type Wording, words } from '../shared/wording';

/** Acknowledge after this much more is on disk: often enough to keep the sender's 16 MiB window
 * moving, rarely enough that acks cost nothing (one small message per MiB). */
export const ACK_EVERY = 1024 * 1024;
/** Chunks are gathered into writes of this size: each OPFS write is a round trip to the browser. */
const WRITE_SIZE = 1024 * 1024;

/** Where a file goes while it arrives: the host decides (the extension writes to its private file system). */
export interface ReceivedFile {
  /** May take `bytes` over (a worker's write moves its buffer): the caller does not read them after. */
  write: (bytes: Uint8Array) => Promise<void>;
  /** Commits what was written and returns it as a File. */
  finish: () => Promise<File>;
  /** Throws away what was written, committed or not. */
  discard: () => Promise<void>;
}

export interface ReceiveFileOptions {
  channel: RTCDataChannel;
  size: number;
  file: ReceivedFile;
  /** Bytes written to disk so far. */
  onWritten: (bytes: number) => void;
  /** Called once: the verdict on the whole file, or why it stopped. */
  onDone: (verdict: Verdict) => void;
  /** What an earlier channel for this file took, all of it on disk: this channel carries on from there. */
  from?: Taken;
  /**
   * The channel closed before the end frame: called, instead of onDone, once everything taken is on disk, so the
   * sender can carry on from `taken.reassembly.received` over a new channel. Without it such a close fails the transfer.
   */
  onBroken?: (taken: Taken) => void;
}

/** What the channels for a file took so far, all of it on disk and in the hash, which only ever appends. */
export interface Taken {
  reassembly: Reassembly;
  hash: Promise<IncrementalHash>;
}

export function receiveFile({ channel, size, file, onWritten, onDone, from, onBroken }: ReceiveFileOptions): void {
  const reassembly = from?.reassembly ?? createReassembly(size);
  // We hash what we write, a block at a time (fewer calls than a hash per chunk). The hash is made asynchronously
  // (WebAssembly): chunks that arrive meanwhile are checked and gathered as usual, and the first write waits for it.
  const hashing = from?.hash ?? createIncrementalHash();
  let writing: Promise<unknown> = hashing;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let written = reassembly.received;
  let ackedAt = written;
  let over = false;
  /** The end frame is in: what remains is writing and comparing. */
  let ended = false;

  const finish = (verdict: Verdict) => {
    if (over) return;
    over = true;
    onDone(verdict);
  };
  const fail = (error: Wording) => {
    finish({ ok: false, error });
    channel.close();
  };
  const failWriting = (error: unknown) => fail(words('fileWriteFailed', String(error)));

  /** Queues one write of everything gathered so far, after the writes before it. */
  function flush(): void {
    if (pendingBytes === 0) return;
    const block = new Uint8Array(pendingBytes);
    let at = 0;
    for (const part of pending) {
      block.set(part, at);
      at += part.length;
    }
    pending = [];
    pendingBytes = 0;
    writing = writing
      .then(async () => {
        if (over) return;
        (await hashing).update(block);
        const length = block.length;
        await file.write(block);
        written += length;
        onWritten(written);
        if ((written - ackedAt >= ACK_EVERY || written === size) && channel.readyState === 'open') {
          ackedAt = written;
          channel.send(JSON.stringify({ type: 'ack', bytes: written }));
        }
      })
      .catch(failWriting);
  }

  channel.binaryType = 'arraybuffer';
  channel.onclose = () => {
    // Writes still queued decide the outcome once the end frame is in; before it, a close is a loss, or a break to
    // carry on from once what was taken is written.
    if (over || ended) return;
    if (!onBroken) return finish({ ok: false, error: words('fileConnectionClosed') });
    ended = true;
    flush();
    writing = writing.then(() => {
      if (over) return;
      over = true;
      onBroken({ reassembly, hash: hashing });
    });
  };

  channel.onmessage = ({ data }) => {
    if (over || ended) return;
    if (typeof data === 'string') {
      const parsed = parseFileChannelFrame(data);
      if (!parsed.ok) return fail(words('fileMalformedFrame', parsed.error));
      if (parsed.frame.type !== 'end') return fail(words('fileMalformedFrame', 'ack'));
      ended = true;
      const { sha256 } = parsed.frame;
      flush();
      writing = writing.then(async () => finish(reassembly.finish(sha256, (await hashing).hex()))).catch(failWriting);
      return;
    }
    if (!(data instanceof ArrayBuffer)) return fail(words('fileMalformedFrame', typeof data));
    const bytes = new Uint8Array(data);
    const taken = reassembly.take(bytes);
    if (!taken.ok) return fail(taken.error);
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= WRITE_SIZE) flush();
  };
}
