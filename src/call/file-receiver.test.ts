import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Verdict } from './file-reassembly';
import { FakeChannel, settle, settleUntil } from './fake-channel.test-support';
import { type ReceivedFile, receiveFile, type Taken } from './file-receiver';
import { words } from '../shared/wording';

const CHUNK = 64 * 1024;

/** A received file in memory: what was written, and whether it was committed or thrown away. */
function memoryFile() {
  const writes: Uint8Array[] = [];
  const file: ReceivedFile = {
    write: async (bytes) => void writes.push(bytes.slice()),
    finish: async () => new File(writes as Uint8Array<ArrayBuffer>[], 'x'),
    discard: async () => void writes.splice(0),
  };
  return { file, writes, total: () => writes.reduce((sum, w) => sum + w.length, 0) };
}

function start(size: number) {
  const channel = new FakeChannel('file:file-0001');
  channel.open();
  const memory = memoryFile();
  const verdicts: Verdict[] = [];
  receiveFile({ channel: channel.asChannel(), size, file: memory.file, onWritten: () => undefined, onDone: (v) => verdicts.push(v) });
  const sendChunks = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; at += CHUNK) channel.deliver(new Uint8Array(bytes.subarray(at, at + CHUNK)).buffer);
  };
  return { channel, memory, verdicts, sendChunks };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('receiving a file', () => {
  it('writes every byte in order, acknowledges progress, and verifies the hash at the end', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const { channel, memory, verdicts, sendChunks } = start(bytes.length);
    sendChunks(bytes);
    channel.deliver(JSON.stringify({ type: 'end', sha256: sha256(bytes) }));
    await settleUntil(() => verdicts.length > 0);
    expect(verdicts).toEqual([{ ok: true, sha256: sha256(bytes) }]);
    expect(Buffer.compare(Buffer.concat(memory.writes), bytes)).toBe(0);
    const acks = channel.text().map((t) => JSON.parse(t) as { bytes: number });
    expect(acks.at(-1)).toEqual({ type: 'ack', bytes: bytes.length });
  });

  it('refuses a damaged file', async () => {
    const bytes = randomBytes(200_000);
    const { channel, verdicts, sendChunks } = start(bytes.length);
    sendChunks(bytes);
    channel.deliver(JSON.stringify({ type: 'end', sha256: sha256(randomBytes(10)) }));
    await settleUntil(() => verdicts.length > 0);
    expect(verdicts).toEqual([{ ok: false, error: words('fileDamaged'), mismatch: true }]);
  });

  it('drops an oversized chunk with an error, closes the channel and writes nothing more', async () => {
    const { channel, memory, verdicts } = start(10 * 1024 * 1024);
    channel.deliver(new ArrayBuffer(CHUNK));
    channel.deliver(new ArrayBuffer(300 * 1024));
    channel.deliver(new ArrayBuffer(CHUNK));
    await settle();
    expect(verdicts).toEqual([{ ok: false, error: words('fileChunkTooLarge', 300 * 1024, 256 * 1024) }]);
    expect(channel.readyState).toBe('closed');
    expect(memory.total()).toBe(0);
  });

  it('drops bytes beyond the offered size, and a malformed text frame, with an error', async () => {
    const more = start(100);
    more.channel.deliver(new ArrayBuffer(101));
    expect(more.verdicts).toEqual([{ ok: false, error: words('fileTooManyBytes', 100) }]);

    const garbled = start(100);
    garbled.channel.deliver('{"type":"end","sha256":"<script>"}');
    expect(garbled.verdicts).toMatchObject([{ ok: false, error: { key: 'fileMalformedFrame', values: [expect.stringMatching(/^A file frame is malformed/)] } }]);
  });

  it('counts a channel closed before the end as a failed transfer, and stops writing', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const { channel, memory, verdicts, sendChunks } = start(bytes.length * 2);
    sendChunks(bytes);
    channel.close();
    await settle();
    expect(verdicts).toEqual([{ ok: false, error: words('fileConnectionClosed') }]);
    // Writes queued before the close are skipped once the transfer is over.
    expect(memory.total()).toBeLessThan(bytes.length);
  });

  it('with a resuming sender, a channel closed early writes all it took, and a new channel carries on to a whole, verified file', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 77);
    const memory = memoryFile();
    const verdicts: Verdict[] = [];
    const broken: Taken[] = [];
    const attach = (channel: FakeChannel, from?: Taken) =>
      receiveFile({ channel: channel.asChannel(), size: bytes.length, file: memory.file, onWritten: () => undefined, onDone: (v) => verdicts.push(v), from, onBroken: (taken) => broken.push(taken) });

    const first = new FakeChannel('file:file-0001');
    first.open();
    attach(first);
    const cut = 40 * CHUNK + 1000;
    for (let at = 0; at < cut; at += CHUNK) first.deliver(new Uint8Array(bytes.subarray(at, Math.min(at + CHUNK, cut))).buffer);
    first.close();
    await settleUntil(() => broken.length > 0);
    expect(verdicts).toEqual([]);
    expect(broken.map((taken) => taken.reassembly.received)).toEqual([cut]);
    // Everything taken is on disk before the sender is asked to carry on: the offset is the last byte written.
    expect(memory.total()).toBe(cut);

    const second = new FakeChannel('file:file-0001');
    second.open();
    attach(second, broken[0]);
    for (let at = cut; at < bytes.length; at += CHUNK) second.deliver(new Uint8Array(bytes.subarray(at, at + CHUNK)).buffer);
    second.deliver(JSON.stringify({ type: 'end', sha256: sha256(bytes) }));
    for (let i = 0; i < 5 && verdicts.length === 0; i++) await settle();
    expect(verdicts).toEqual([{ ok: true, sha256: sha256(bytes) }]);
    expect(Buffer.compare(Buffer.concat(memory.writes), bytes)).toBe(0);
    // Acks count the whole file on disk, not this channel's share of it.
    expect(JSON.parse(second.text().at(-1)!)).toEqual({ type: 'ack', bytes: bytes.length });
  });
});
