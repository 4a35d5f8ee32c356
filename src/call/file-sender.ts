/**
 * Sends one file over its own data channel: read a chunk, hash it, send it,
 * and wait whenever the channel's send buffer or the receiver's unwritten
 * backlog is full, so memory stays bounded by a few MB whatever the file's
 * size. Ends with the SHA-256 so the receiver can verify what it wrote.
 */
import { fileChannelLabel, parseFileChannelFrame } from './data-frames';
import { readChunks } from './file-chunks';
import type { WholeFileHash } from './file-resume';

/** Chrome's largest message (its a=max-message-size, 256 KiB). `npm run bench:transfer` (bench/README.md): in
 * four runs the bare data channel spent 10-25% less CPU per MB at 255 KiB than at 64 KiB (93 against 107, 116
 * against 154 ms); fewer messages also mean fewer events and calls on both sides. Where the browsers agreed on
 * less, chunkSizeFor() sends less. */
export const FILE_CHUNK_SIZE = 256 * 1024;
/** Keep the SCTP send queue this full: enough that the link never idles between our sends,
 * far below Chrome's 16 MiB limit (past which send() closes the channel). */
export const BUFFER_HIGH_WATER = 4 * 1024 * 1024;
/** Refill when the queue drains to here (bufferedAmountLowThreshold). */
export const BUFFER_LOW_WATER = 1024 * 1024;
/** The receiver cannot slow a data channel down; it acks what it has written, and we never run
 * further ahead than this, so a slow disk on its side does not pile chunks up in its memory. */
export const RECEIVE_WINDOW = 16 * 1024 * 1024;

/**
 * Our chunk, or less where the two browsers agreed on smaller messages: SDP's
 * max-message-size differs between browsers (Chrome 256 KiB, Firefox 1 GiB,
 * others may say less), and a message above it closes the channel.
 */
export function chunkSizeFor(pc: RTCPeerConnection): number {
  const agreed = pc.sctp?.maxMessageSize;
  return agreed && agreed > 0 ? Math.min(FILE_CHUNK_SIZE, agreed) : FILE_CHUNK_SIZE;
}

/** The channel closed under the send: what a receiver that resumes will ask to carry on from. */
export class FileChannelClosed extends Error {
  constructor() {
    super('The connection closed before the file was sent.');
  }
}

export interface SendFileOptions {
  pc: RTCPeerConnection;
  id: string;
  file: Blob;
  /** Where to start: 0, or the receiver's last written byte when carrying on over a new channel. */
  from: number;
  /** The file's hash, kept across every channel the file is sent on. */
  hash: WholeFileHash;
  signal: AbortSignal;
  /** Bytes the receiver has written to disk so far. */
  onAcked: (bytes: number) => void;
  /** A chunk of this many bytes went to the channel. */
  onSent?: (bytes: number) => void;
  log: (message: string) => void;
}

/** Resolves once the last byte and the hash are queued; rejects when cancelled or the channel closes first. */
export async function sendFile({ pc, id, file, from, hash, signal, onAcked, onSent, log }: SendFileOptions): Promise<void> {
  const channel = pc.createDataChannel(fileChannelLabel(id), { ordered: true });
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = BUFFER_LOW_WATER;
  const stop = () => channel.close();
  signal.addEventListener('abort', stop, { once: true });

  let acked = from;
  let closed = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  channel.onopen = poke;
  channel.onbufferedamountlow = poke;
  channel.onclose = () => {
    closed = true;
    poke();
  };
  channel.onmessage = ({ data }) => {
    const parsed = typeof data === 'string' ? parseFileChannelFrame(data) : { ok: false as const, error: 'The receiver sent binary data back.' };
    if (!parsed.ok || parsed.frame.type !== 'ack') {
      log(parsed.ok ? 'The receiver sent an end frame.' : parsed.error);
      return;
    }
    acked = Math.max(acked, Math.min(parsed.frame.bytes, file.size));
    onAcked(acked);
    poke();
  };
  signal.addEventListener('abort', poke, { once: true });

  const waitUntil = async (ready: () => boolean) => {
    while (!ready() && !closed && !signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    if (signal.aborted) throw new DOMException('The transfer was cancelled.', 'AbortError');
    if (closed) throw new FileChannelClosed();
  };

  try {
    await waitUntil(() => channel.readyState === 'open');
    let sent = from;
    for await (const { bytes, offset } of readChunks(file.slice(from), chunkSizeFor(pc))) {
      hash.feed({ bytes, offset: from + offset });
      await waitUntil(() => channel.bufferedAmount <= BUFFER_HIGH_WATER && sent - acked <= RECEIVE_WINDOW);
      channel.send(bytes as Uint8Array<ArrayBuffer>);
      sent += bytes.length;
      onSent?.(bytes.length);
    }
    channel.send(JSON.stringify({ type: 'end', sha256: hash.hex() }));
  } catch (error) {
    channel.close();
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
