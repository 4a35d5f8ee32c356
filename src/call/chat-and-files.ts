/**
 * Chat and file transfer over the call's data channels. Chat, receipts and
 * the file handshake (offer, accept or decline, cancel, verdict) are frames on
 * the `control` channel; each accepted file gets a channel of its own. Why not
 * one framed channel for everything: a chat message sent during a transfer
 * would queue behind megabytes of chunks in the same send buffer, a cancel
 * could not discard what is already queued, and every chunk would carry a
 * header naming its transfer. With a channel per file, SCTP interleaves chat
 * with the bytes, closing the channel drops its queue, and a chunk is just bytes.
 *
 * It owns the chat and transfer state for this call (the reducer in
 * src/shared/chat-and-files.ts) and hands every change to its host.
 *
 * A broken path pauses every transfer under way (the host reports the path).
 * In Chrome a file's channel outlives an ICE restart, and its bytes carry on
 * by themselves once the path is back. Where a channel closes before its file
 * ended, and both sides announced FILE_RESUME, the receiver asks for the bytes
 * from its last written one (`file-resume`) and the sender opens a new channel
 * from there (file-resume.ts). A send that cannot carry on fails in words and
 * keeps its file, for a Retry from the start.
 */
import { type ChatAndFiles, type ChatAndFilesEvent, EMPTY_CHAT_AND_FILES, isFinal, MAX_CHAT_LENGTH, MAX_TRANSFERS, reduceChatAndFiles, type Transfer } from '../shared/chat-and-files';
import { type ControlFrame, FILE_RESUME, MAX_FILE_SIZE, transferIdOf } from './data-frames';
import { createWholeFileHash, decideResume, type WholeFileHash } from './file-resume';
import type { PathState } from './ice-recovery';
import type { HandoffReply } from '../shared/file-handoff';
import { type Wording, words } from '../shared/wording';
import { cleanReceivedFileName } from '../shared/received-file-name';
import { type ReceivedFile, receiveFile, type Taken } from './file-receiver';
import { FileChannelClosed, sendFile } from './file-sender';

/** Progress is sampled this often: a smooth bar and a steady speed without flooding the host. */
const PROGRESS_INTERVAL_MS = 250;

export interface ChatAndFilesDeps {
  pc: RTCPeerConnection;
  /** Sends a frame on the control channel; false when it is not open. */
  sendControl: (frame: ControlFrame) => boolean;
  /** The chat and the transfers changed: the host shows them. */
  onChange: (state: ChatAndFiles) => void;
  store: ReceivedFiles;
  /** File bytes went to a data channel: a count the host shows, resends included. */
  onFileBytesSent?: (bytes: number) => void;
  log: (message: string) => void;
}

/** Where received files go: what a host can offer differs (the extension has a private file system and the downloads API). */
export interface ReceivedFiles {
  /** A place for file `id`'s bytes, made ready before the sender may start. */
  create: (id: string) => Promise<ReceivedFile>;
  /** Hands a verified file to the user; what it returns frees what the handing over holds, once they have it or it failed. */
  save: (id: string, file: File, name: string) => () => void;
}

export type ChatReply = { ok: true } | { ok: false; message: string };

export interface ChatAndFilesSession {
  /** A control frame other than media state, already validated. */
  receive: (frame: ControlFrame) => void;
  /** The control channel opened: tells the other side what this engine can do. */
  announce: () => void;
  /** The call's path broke or came back: transfers under way pause and carry on. */
  pathChanged: (state: PathState) => void;
  sendChat: (text: string) => ChatReply;
  offerFiles: (files: readonly File[]) => HandoffReply;
  answer: (id: string, accept: boolean) => Promise<void>;
  cancel: (id: string) => void;
  /** Offers a failed send's file again, from the start, as a new transfer. */
  retry: (id: string) => HandoffReply;
  saved: (id: string, error: string | null) => void;
  stop: () => void;
}

interface Running {
  /** Bytes written on the receiver's disk, as last reported (our own for a receive). */
  bytes: number;
  abort: () => void;
  /** Sender: the hash over every channel the file goes on, and the send under way, settled or not. */
  hash?: WholeFileHash;
  sending?: Promise<void>;
  /** Receiver: where the file is written and, once verified, how to free what saving it holds. */
  received?: ReceivedFile;
  unsave?: () => void;
  /** A channel carries this file now: what a broken path pauses. */
  attached?: boolean;
  /** Receiver: what earlier channels delivered, all of it on disk; the next channel carries on from it. */
  taken?: Taken;
}

export function startChatAndFiles({ pc, sendControl, onChange, store, onFileBytesSent, log }: ChatAndFilesDeps): ChatAndFilesSession {
  let state: ChatAndFiles = EMPTY_CHAT_AND_FILES;
  const outgoing = new Map<string, File>();
  /** Files of failed sends, kept for a Retry while the call lasts. */
  const retryable = new Map<string, File>();
  const running = new Map<string, Running>();
  let stopped = false;
  /** The other side announced FILE_RESUME: a broken file channel is carried on, not failed. */
  let peerResumes = false;

  function apply(event: ChatAndFilesEvent, publish = true): void {
    state = reduceChatAndFiles(state, event);
    if (publish) onChange(state);
  }

  const find = (id: string): Transfer | undefined => state.transfers.find((t) => t.id === id);

  const ticker = setInterval(() => {
    if (running.size === 0) return;
    const at = Date.now();
    for (const [id, run] of running) apply({ type: 'progress', id, bytes: run.bytes, at }, false);
    onChange(state);
  }, PROGRESS_INTERVAL_MS);

  /** Ends whatever is running for a transfer and throws away a half-received file. */
  function release(id: string): void {
    const run = running.get(id);
    running.delete(id);
    outgoing.delete(id);
    if (!run) return;
    run.abort();
    run.unsave?.();
    void run.received?.discard();
  }

  function fail(id: string, error: Wording): void {
    log(`Transfer ${id} failed: ${error.key} ${error.values.join(' ')}`);
    apply({ type: 'failed', id, error, ...keepForRetry(id) });
    release(id);
  }

  /** A send that ended without the receiver's yes keeps its file, for the person to send again. */
  function keepForRetry(id: string): { retryable?: true } {
    const file = find(id)?.direction === 'send' ? outgoing.get(id) : undefined;
    if (!file) return {};
    retryable.set(id, file);
    return { retryable: true };
  }

  function startSending(id: string): void {
    if (!outgoing.has(id)) return;
    const run: Running = { bytes: 0, abort: () => undefined };
    running.set(id, run);
    apply({ type: 'accepted', id, at: Date.now() });
    // The hash is made asynchronously (WebAssembly); a cancel meanwhile leaves the run gone.
    void createWholeFileHash().then((hash) => {
      if (running.get(id) !== run) return;
      run.hash = hash;
      sendFrom(id, run, 0);
    });
  }

  /** Sends file `id` from byte `from` on a channel of its own. */
  function sendFrom(id: string, run: Running, from: number): void {
    const file = outgoing.get(id);
    if (!file || !run.hash) return;
    const controller = new AbortController();
    run.abort = () => controller.abort();
    run.bytes = from;
    run.attached = true;
    run.sending = sendFile({ pc, id, file, from, hash: run.hash, signal: controller.signal, onAcked: (bytes) => (run.bytes = bytes), onSent: onFileBytesSent, log })
      .then(() => apply({ type: 'sent-all', id }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // The receiver asks for what it lacks once its side of the channel has closed too.
        if (peerResumes && error instanceof FileChannelClosed) return void apply({ type: 'paused', id });
        // Before resume the receiver learned of a failure from the channel's close; now that close means "carry on".
        if (peerResumes) sendControl({ type: 'file-cancel', id });
        fail(id, words('transferSendFailed', error instanceof Error ? error.message : String(error)));
      })
      .finally(() => (run.attached = false));
  }

  /** The receiver asks for file `id` from `offset` on: the channel it came on closed before the end. */
  async function resumeSending(id: string, offset: number): Promise<void> {
    const transfer = find(id);
    const run = running.get(id);
    if (transfer?.direction !== 'send') return log(`Ignored a resume for ${id}: no such file was offered.`);
    if (!run?.hash || isFinal(transfer)) {
      // It failed or was cancelled here meanwhile: the receiver must not wait for bytes that will not come.
      sendControl({ type: 'file-cancel', id });
      return log(`Refused a resume for ${id}: it is no longer being sent.`);
    }
    // A send still under way (its channel's close not yet seen here) ends before the next starts.
    run.abort();
    await run.sending;
    if (running.get(id) !== run) return;
    const decision = decideResume(offset, transfer.size, run.hash.through);
    if (!decision.ok) {
      sendControl({ type: 'file-cancel', id });
      return fail(id, words('transferCannotResume', decision.reason));
    }
    log(`Resuming ${id} from byte ${decision.offset} of ${transfer.size}.`);
    apply({ type: 'resumed', id, at: Date.now() });
    sendFrom(id, run, decision.offset);
  }

  function offerFile(picked: File): boolean {
    // Re-made in this document: the popup's File would die with the popup, its bytes would not.
    const file = new File([picked], picked.name, { type: picked.type, lastModified: picked.lastModified });
    const id = crypto.randomUUID();
    const offer = { type: 'file-offer', id, name: file.name || 'file', size: file.size, mime: file.type.slice(0, 255) } as const;
    if (!sendControl(offer)) return false;
    outgoing.set(id, file);
    apply({ type: 'offer', direction: 'send', id, name: offer.name, size: file.size, at: Date.now() });
    return true;
  }

  pc.addEventListener('datachannel', ({ channel }) => {
    const id = transferIdOf(channel.label);
    if (id === null) return;
    const transfer = find(id);
    const run = running.get(id);
    const receiving = transfer?.direction === 'receive' && (transfer.status === 'transferring' || transfer.status === 'paused');
    if (!transfer || !receiving || !run?.received || run.unsave || run.attached) {
      // Only a file we accepted may send us bytes, on one channel at a time.
      log(`Refused a file channel for ${id}: nothing was accepted under that id.`);
      channel.close();
      return;
    }
    const received = run.received;
    run.abort = () => channel.close();
    run.attached = true;
    if (run.taken) apply({ type: 'resumed', id, at: Date.now() });
    receiveFile({
      channel,
      size: transfer.size,
      file: received,
      from: run.taken,
      onWritten: (bytes) => (run.bytes = bytes),
      onDone: (verdict) =>
        void finishReceiving(id, transfer.name, received, verdict.ok ? null : verdict.error, !verdict.ok && verdict.mismatch === true, channel),
      onBroken: peerResumes
        ? (taken) => {
            if (running.get(id) !== run) return;
            run.attached = false;
            run.taken = taken;
            apply({ type: 'paused', id });
            // Sent now even while the path is down: the control channel holds it until the path is back.
            sendControl({ type: 'file-resume', id, offset: taken.reassembly.received });
          }
        : undefined,
    });
  });

  async function finishReceiving(
    id: string,
    name: string,
    received: ReceivedFile,
    error: Wording | null,
    mismatch: boolean,
    channel: RTCDataChannel,
  ): Promise<void> {
    if (!running.has(id)) return;
    if (error !== null) {
      // A hash mismatch is a verdict the sender shows too; anything else the sender learns as a cancel.
      const damaged = mismatch;
      sendControl(damaged ? { type: 'file-verified', id, ok: false } : { type: 'file-cancel', id });
      if (damaged) {
        apply({ type: 'sent-all', id }, false);
        apply({ type: 'verified', id, ok: false, at: Date.now() });
        release(id);
      } else {
        fail(id, error);
      }
      return;
    }
    try {
      const file = await received.finish();
      const run = running.get(id);
      if (!run) return;
      apply({ type: 'sent-all', id }, false);
      apply({ type: 'verified', id, ok: true, at: Date.now() });
      sendControl({ type: 'file-verified', id, ok: true });
      channel.close();
      run.unsave = store.save(id, file, name);
    } catch (cause) {
      fail(id, words('fileWriteFailed', String(cause)));
    }
  }

  return {
    announce() {
      sendControl({ type: 'features', names: [FILE_RESUME] });
    },

    pathChanged(now) {
      const at = Date.now();
      // A transfer whose channel closed stays paused until the new channel comes; one not yet started waits for it.
      for (const [id, run] of running) if (run.attached) apply(now === 'lost' ? { type: 'paused', id } : { type: 'resumed', id, at }, false);
      onChange(state);
    },

    receive(frame) {
      switch (frame.type) {
        case 'media':
          return;
        case 'features':
          peerResumes = frame.names.includes(FILE_RESUME);
          return;
        case 'file-resume':
          return void resumeSending(frame.id, frame.offset);
        case 'chat':
          apply({ type: 'chat', from: 'peer', id: frame.id, text: frame.text, at: Date.now() });
          sendControl({ type: 'delivered', id: frame.id });
          return;
        case 'delivered':
          apply({ type: 'delivered', id: frame.id });
          return;
        case 'file-offer':
          if (find(frame.id)) return log(`Ignored a second offer under the id ${frame.id}.`);
          if (state.transfers.length >= MAX_TRANSFERS) return log(`Ignored an offer past the limit of ${MAX_TRANSFERS} files in one call.`);
          // Cleaned here, where it enters: what the receiver is shown is what the file is saved as.
          apply({ type: 'offer', direction: 'receive', id: frame.id, name: cleanReceivedFileName(frame.name), size: frame.size, at: Date.now() });
          return;
        case 'file-accept': {
          const transfer = find(frame.id);
          if (transfer?.direction === 'send' && transfer.status === 'offered') startSending(frame.id);
          return;
        }
        case 'file-decline':
          if (find(frame.id)?.direction !== 'send') return;
          apply({ type: 'declined', id: frame.id });
          outgoing.delete(frame.id);
          return;
        case 'file-cancel': {
          // A peer from before resume also answers a broken channel with a cancel: the sender may want to try again.
          const transfer = find(frame.id);
          if (!transfer || isFinal(transfer)) return;
          apply({ type: 'cancelled', id: frame.id, by: 'peer', ...keepForRetry(frame.id) });
          release(frame.id);
          return;
        }
        case 'file-verified': {
          if (find(frame.id)?.direction !== 'send') return;
          apply({ type: 'sent-all', id: frame.id }, false);
          apply({ type: 'verified', id: frame.id, ok: frame.ok, at: Date.now() });
          release(frame.id);
          return;
        }
      }
    },

    sendChat(text) {
      const trimmed = text.trim();
      if (trimmed === '') return { ok: false, message: 'Type a message first.' };
      if (trimmed.length > MAX_CHAT_LENGTH) return { ok: false, message: `A message can have up to ${MAX_CHAT_LENGTH} characters; send longer text as a file.` };
      const id = crypto.randomUUID();
      if (!sendControl({ type: 'chat', id, text: trimmed })) return { ok: false, message: 'The chat is not connected yet.' };
      apply({ type: 'chat', from: 'me', id, text: trimmed, at: Date.now() });
      return { ok: true };
    },

    offerFiles(files) {
      if (files.length === 0) return { ok: false, words: words('filesNonePicked') };
      const tooLarge = files.find((f) => f.size > MAX_FILE_SIZE);
      if (tooLarge) return { ok: false, words: words('filesTooLarge', tooLarge.name) };
      if (state.transfers.length + files.length > MAX_TRANSFERS) return { ok: false, words: words('filesTooMany', MAX_TRANSFERS) };
      for (const picked of files) if (!offerFile(picked)) return { ok: false, words: words('filesNotConnected') };
      return { ok: true };
    },

    retry(id) {
      const file = retryable.get(id);
      if (!file) return { ok: false, words: words('fileRetryGone') };
      if (state.transfers.length >= MAX_TRANSFERS) return { ok: false, words: words('filesTooMany', MAX_TRANSFERS) };
      if (!offerFile(file)) return { ok: false, words: words('filesNotConnected') };
      retryable.delete(id);
      apply({ type: 'retried', id });
      return { ok: true };
    },

    async answer(id, accept) {
      const transfer = find(id);
      if (transfer?.direction !== 'receive' || transfer.status !== 'offered') return;
      if (!accept) {
        sendControl({ type: 'file-decline', id });
        apply({ type: 'declined', id });
        return;
      }
      // The place on disk is ready before the sender may start.
      const received = await store.create(id).catch((error: unknown) => {
        fail(id, words('fileNoRoom', String(error)));
        return null;
      });
      if (!received) return;
      if (stopped || find(id)?.status !== 'offered') return void received.discard();
      running.set(id, { bytes: 0, abort: () => undefined, received });
      apply({ type: 'accepted', id, at: Date.now() });
      sendControl({ type: 'file-accept', id });
    },

    cancel(id) {
      const transfer = find(id);
      if (!transfer || isFinal(transfer)) return;
      sendControl({ type: 'file-cancel', id });
      apply({ type: 'cancelled', id, by: 'me' });
      release(id);
    },

    saved(id, error) {
      // The host's save has its copy (or gave up): the private one goes either way.
      if (error === null) apply({ type: 'saved', id });
      else apply({ type: 'failed', id, error: words('fileNotSaved', error) });
      release(id);
    },

    stop() {
      stopped = true;
      clearInterval(ticker);
      for (const id of [...running.keys()]) release(id);
      outgoing.clear();
      retryable.clear();
    },
  };
}
