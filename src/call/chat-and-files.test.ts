import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatAndFiles } from '../shared/chat-and-files';
import { type ChatAndFilesSession, type ReceivedFiles, startChatAndFiles } from './chat-and-files';
import { FakeChannel, settleUntil } from './fake-channel.test-support';

const ID = '00000000-0000-4000-8000-000000000001';

/** A receiver with a peer connection that only hands over channels, and a store that keeps files in memory and notes the names they are saved under. */
function receiver() {
  const pc = new EventTarget();
  const states: ChatAndFiles[] = [];
  const savedAs: string[] = [];
  const store: ReceivedFiles = {
    async create() {
      const parts: Uint8Array<ArrayBuffer>[] = [];
      return { write: async (bytes) => void parts.push(new Uint8Array(bytes)), finish: async () => new File(parts, 'x'), discard: async () => undefined };
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
  return { session, states, savedAs, openFileChannel };
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
});
