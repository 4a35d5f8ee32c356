import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatAndFiles } from '../shared/chat-and-files';
import { type ChatAndFilesSession, type ReceivedFiles, startChatAndFiles } from './chat-and-files';
import type { ControlFrame } from './data-frames';
import { FakeChannel, settle, settleUntil } from './fake-channel.test-support';

const ID = '00000000-0000-4000-8000-000000000001';

/** A receiver with a peer connection that only hands over channels, and a store that keeps files in memory and notes the names they are saved under. */
function receiver() {
  const pc = new EventTarget();
  const states: ChatAndFiles[] = [];
  const savedAs: string[] = [];
  /** How many written parts each discard threw away. */
  const discarded: number[] = [];
  const store: ReceivedFiles = {
    async create() {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      return { write: async (bytes) => void parts.push(new Uint8Array(bytes)), finish: async () => new File(parts, 'x'), discard: async () => void discarded.push(parts.splice(0).length) };
    },
    save(_id, _file, name) {
      savedAs.push(name);
      return () => undefined;
    },
  };
  const session = startChatAndFiles({ pc: pc as RTCPeerConnection, sendControl: () => true, onChange: (state) => states.push(state), store, log: () => undefined });
  const openFileChannel = () => {
    const channel = new FakeChannel(`file:${ID}`);
    channel.open();
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: channel.asChannel() }));
    return channel;
  };
  return { session, states, savedAs, discarded, openFileChannel };
}

let session: ChatAndFilesSession | undefined;
afterEach(() => session?.stop());

describe('a file the other person offers', () => {
  it('is shown and saved under the cleaned name: a right-to-left override never reaches the screen or the disk', async () => {
    const parts = receiver();
    session = parts.session;
    const bytes = new TextEncoder().encode('MZ');
    session.receive({ type: 'file-offer', id: ID, name: 'photo\u202Egpj.exe', size: bytes.length, mime: 'image/jpeg' });
    expect(parts.states.at(-1)?.transfers.map((t) => t.name)).toEqual(['photogpj.exe']);

    await session.answer(ID, true);
    const channel = parts.openFileChannel();
    channel.deliver(bytes.slice().buffer);
    channel.deliver(JSON.stringify({ type: 'end', sha256: createHash('sha256').update(bytes).digest('hex') }));
    await settleUntil(() => parts.savedAs.length > 0);
    expect(parts.savedAs).toEqual(['photogpj.exe']);
    expect(JSON.stringify(parts.states)).not.toContain('\u202E');
  });

  it('that fails its SHA-256 is never handed to be saved, and what was written of it is thrown away', async () => {
    const parts = receiver();
    session = parts.session;
    const bytes = new TextEncoder().encode('not what was sent');
    session.receive({ type: 'file-offer', id: ID, name: 'report.pdf', size: bytes.length, mime: 'application/pdf' });
    await session.answer(ID, true);
    const channel = parts.openFileChannel();
    channel.deliver(bytes.slice().buffer);
    channel.deliver(JSON.stringify({ type: 'end', sha256: '0'.repeat(64) }));
    for (let i = 0; i < 5 && parts.discarded.length === 0; i++) await settle();
    expect(parts.states.at(-1)?.transfers[0]).toMatchObject({ status: 'failed', detail: { key: 'transferDamaged' } });
    expect(parts.savedAs).toEqual([]);
    expect(parts.discarded).toEqual([1]);
  });
});

/**
 * Two sessions joined as two browsers are: control frames handed across, and
 * every file channel the sender opens given to the receiver as a pair of fake
 * channels whose bytes the test carries over, so a break can be made anywhere.
 */
function twoSessions({ receiverResumes = true } = {}) {
  const links: { sender: FakeChannel; receiver: FakeChannel; carried: number; acked: number }[] = [];
  const senderStates: ChatAndFiles[] = [];
  const receiverStates: ChatAndFiles[] = [];
  const saved: { name: string; bytes: Uint8Array }[] = [];
  const receiverPc = new EventTarget();
  const senderPc = Object.assign(new EventTarget(), {
    sctp: null,
    createDataChannel(label: string) {
      const link = { sender: new FakeChannel(label), receiver: new FakeChannel(label), carried: 0, acked: 0 };
      links.push(link);
      // Both ends open once the receiver has the channel, as a data channel's announcement does.
      queueMicrotask(() => {
        link.receiver.open();
        receiverPc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: link.receiver.asChannel() }));
        link.sender.open();
      });
      return link.sender.asChannel();
    },
  });
  const store: ReceivedFiles = {
    async create() {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      return { write: async (bytes) => void parts.push(new Uint8Array(bytes)), finish: async () => new File(parts, 'x'), discard: async () => void parts.splice(0) };
    },
    save(_id, file, name) {
      void file.arrayBuffer().then((buffer) => saved.push({ name, bytes: new Uint8Array(buffer) }));
      return () => undefined;
    },
  };
  // A peer from before resume drops the frames it does not know, as parseControlFrame does.
  const understood = (frame: ControlFrame) => receiverResumes || (frame.type !== 'features' && frame.type !== 'file-resume');
  const sessions: { receiver?: ChatAndFilesSession } = {};
  const senderSession = startChatAndFiles({
    pc: senderPc as unknown as RTCPeerConnection,
    sendControl: (frame) => (understood(frame) && queueMicrotask(() => sessions.receiver?.receive(frame)), true),
    onChange: (state) => senderStates.push(state),
    store,
    log: () => undefined,
  });
  const receiverSession = (sessions.receiver = startChatAndFiles({
    pc: receiverPc as RTCPeerConnection,
    sendControl: (frame) => (queueMicrotask(() => senderSession.receive(frame)), true),
    onChange: (state) => receiverStates.push(state),
    store,
    log: () => undefined,
  }));
  senderSession.announce();
  if (receiverResumes) receiverSession.announce();

  /** Carries what is on the wire both ways, once. */
  function carry(): void {
    for (const link of links) {
      if (link.sender.readyState !== 'open' || link.receiver.readyState !== 'open') continue;
      for (const item of link.sender.sent.slice(link.carried)) link.receiver.deliver(typeof item === 'string' ? item : item.slice().buffer);
      link.carried = link.sender.sent.length;
      for (const item of link.receiver.sent.slice(link.acked)) link.sender.deliver(item);
      link.acked = link.receiver.sent.length;
      link.sender.drain();
    }
  }
  async function until(done: () => boolean): Promise<void> {
    for (let i = 0; i < 2000 && !done(); i++) {
      carry();
      await settle();
    }
    expect(done()).toBe(true);
  }
  const last = (states: ChatAndFiles[]) => states.at(-1)?.transfers.at(-1);
  const statuses = (states: ChatAndFiles[]) => states.map((state) => state.transfers.at(-1)?.status).filter((status, i, all) => status && status !== all[i - 1]);
  return {
    senderSession,
    receiverSession,
    links,
    saved,
    until,
    sender: () => last(senderStates),
    /** Every status each side's transfer has shown, in order, each once. */
    senderStatuses: () => statuses(senderStates),
    receiverStatuses: () => statuses(receiverStates),
    receiver: () => last(receiverStates),
    stop() {
      senderSession.stop();
      receiverSession.stop();
    },
  };
}

describe('a transfer whose channel breaks', () => {
  let pair: ReturnType<typeof twoSessions> | undefined;
  afterEach(() => pair?.stop());

  it('pauses on both sides and carries on from the last byte the receiver wrote, to a file with the sender\'s SHA-256', async () => {
    pair = twoSessions();
    const bytes = randomBytes(24 * 1024 * 1024);
    expect(pair.senderSession.offerFiles([new File([bytes], 'big.bin')])).toEqual({ ok: true });
    await pair.until(() => pair!.receiver()?.status === 'offered');
    await pair.receiverSession.answer(pair.receiver()!.id, true);
    // A few acks in: several MB on the receiver's disk.
    await pair.until(() => (pair!.links[0]?.receiver.sent.length ?? 0) > 4);

    const [first] = pair.links;
    const carriedBeforeBreak = first!.sender.binary().reduce((sum, chunk) => sum + chunk.length, 0);
    first!.sender.close();
    first!.receiver.close();
    await pair.until(() => pair!.links.length === 2);
    expect(pair.senderStatuses()).toEqual(['offered', 'transferring', 'paused', 'transferring']);
    expect(pair.receiverStatuses()).toEqual(['offered', 'transferring', 'paused', 'transferring']);

    await pair.until(() => pair!.saved.length === 1);
    expect(pair.receiver()?.status).toBe('saving');
    expect(createHash('sha256').update(pair.saved[0]!.bytes).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    // The second channel carried only what the receiver had not written: not the whole file again.
    const resent = pair.links[1]!.sender.binary().reduce((sum, chunk) => sum + chunk.length, 0);
    expect(resent).toBeLessThan(bytes.length - carriedBeforeBreak + 16 * 1024 * 1024 + 1);
    expect(resent).toBeLessThan(bytes.length);
    await pair.until(() => pair!.sender()?.status === 'done');
  });

  it('with a peer from before resume, ends on both sides as it always did, keeps nothing, and the sender can Retry from the start', async () => {
    pair = twoSessions({ receiverResumes: false });
    const bytes = randomBytes(24 * 1024 * 1024);
    pair.senderSession.offerFiles([new File([bytes], 'big.bin')]);
    await pair.until(() => pair!.receiver()?.status === 'offered');
    await pair.receiverSession.answer(pair.receiver()!.id, true);
    await pair.until(() => (pair!.links[0]?.receiver.sent.length ?? 0) > 2);
    pair.links[0]!.sender.close();
    pair.links[0]!.receiver.close();
    await pair.until(() => pair!.sender()?.status !== 'transferring' && pair!.receiver()?.status !== 'transferring');
    expect(pair.receiver()).toMatchObject({ status: 'failed', detail: { key: 'fileConnectionClosed' } });
    // Which the sender hears first, its channel's close or the receiver's cancel, is a race; either way it can retry.
    expect(pair.sender()).toMatchObject({ status: expect.stringMatching(/^(failed|cancelled)$/), retryable: true });
    expect(pair.saved).toEqual([]);

    const failed = pair.sender()!.id;
    expect(pair.senderSession.retry(failed)).toEqual({ ok: true });
    expect(pair.senderSession.retry(failed)).toMatchObject({ ok: false });
    await pair.until(() => pair!.receiver()?.status === 'offered');
    expect(pair.receiver()!.id).not.toBe(failed);
    await pair.receiverSession.answer(pair.receiver()!.id, true);
    await pair.until(() => pair!.saved.length === 1);
    expect(Buffer.compare(pair.saved[0]!.bytes, bytes)).toBe(0);
  });
});
