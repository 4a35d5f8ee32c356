import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeChannel, settle, settleUntil } from './fake-channel.test-support';
import { createWholeFileHash } from './file-resume';
import { BUFFER_HIGH_WATER, FILE_CHUNK_SIZE, FileChannelClosed, RECEIVE_WINDOW, sendFile } from './file-sender';

const MiB = 1024 * 1024;

async function start(bytes: Uint8Array<ArrayBuffer>, controller = new AbortController(), maxMessageSize?: number) {
  const channel = new FakeChannel();
  const pc = { createDataChannel: () => channel.asChannel(), sctp: maxMessageSize ? { maxMessageSize } : null } as unknown as RTCPeerConnection;
  const acks: number[] = [];
  const done = sendFile({ pc, id: 'file-0001', file: new Blob([bytes]), from: 0, hash: await createWholeFileHash(), signal: controller.signal, onAcked: (b) => acks.push(b), log: () => undefined });
  done.catch(() => undefined);
  return { channel, done, acks, controller };
}

const sentBytes = (channel: FakeChannel) => channel.binary().reduce((sum, chunk) => sum + chunk.length, 0);

describe('sending a file', () => {
  it('sends every byte in order, then the SHA-256, keeping the send buffer and the receiver window bounded', async () => {
    const bytes = randomBytes(40 * MiB);
    const { channel, done, acks } = await start(bytes);
    channel.open();
    let maxAhead = 0;
    while (channel.text().length === 0) {
      await settle();
      // The receiver writes and acks what has arrived; the link drains.
      maxAhead = Math.max(maxAhead, sentBytes(channel) - (acks.at(-1) ?? 0));
      channel.deliver(JSON.stringify({ type: 'ack', bytes: sentBytes(channel) }));
      channel.drain();
    }
    await done;
    expect(Buffer.compare(Buffer.concat(channel.binary()), bytes)).toBe(0);
    expect(channel.binary().every((chunk) => chunk.length === FILE_CHUNK_SIZE)).toBe(true);
    expect(JSON.parse(channel.text()[0]!)).toEqual({ type: 'end', sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(channel.peak).toBeLessThanOrEqual(BUFFER_HIGH_WATER + FILE_CHUNK_SIZE);
    expect(maxAhead).toBeLessThanOrEqual(RECEIVE_WINDOW + FILE_CHUNK_SIZE);
  });

  it('sends smaller chunks when the browsers agreed on a smaller message size', async () => {
    const bytes = randomBytes(100 * 1024);
    const { channel, done } = await start(bytes, new AbortController(), 16 * 1024);
    channel.open();
    while (channel.text().length === 0) {
      await settle();
      channel.deliver(JSON.stringify({ type: 'ack', bytes: sentBytes(channel) }));
      channel.drain();
    }
    await done;
    expect(Buffer.compare(Buffer.concat(channel.binary()), bytes)).toBe(0);
    expect(Math.max(...channel.binary().map((chunk) => chunk.length))).toBe(16 * 1024);
  });

  it('waits for the receiver once a window is unacknowledged, however fast the link drains', async () => {
    const { channel } = await start(randomBytes(RECEIVE_WINDOW * 2));
    channel.open();
    await settleUntil(() => sentBytes(channel) > 0);
    for (let i = 0; i < 50; i++) {
      await settle();
      channel.drain();
    }
    expect(sentBytes(channel)).toBeGreaterThan(RECEIVE_WINDOW);
    expect(sentBytes(channel)).toBeLessThanOrEqual(RECEIVE_WINDOW + FILE_CHUNK_SIZE);
    channel.deliver(JSON.stringify({ type: 'ack', bytes: RECEIVE_WINDOW }));
    await settle();
    channel.drain();
    await settle();
    expect(sentBytes(channel)).toBeGreaterThan(RECEIVE_WINDOW + FILE_CHUNK_SIZE);
  });

  it('cancelled before the channel opens, it sends nothing and closes the channel', async () => {
    const { channel, done, controller } = await start(randomBytes(MiB));
    controller.abort();
    await expect(done).rejects.toThrow('The transfer was cancelled.');
    expect(channel.sent).toEqual([]);
    expect(channel.readyState).toBe('closed');
  });

  it('cancelled mid-file, it stops sending, sends no hash and closes the channel', async () => {
    const { channel, done, controller } = await start(randomBytes(20 * MiB));
    channel.open();
    await settleUntil(() => sentBytes(channel) > 0);
    const before = sentBytes(channel);
    expect(before).toBeGreaterThan(0);
    controller.abort();
    channel.drain();
    await expect(done).rejects.toThrow('The transfer was cancelled.');
    expect(sentBytes(channel)).toBe(before);
    expect(channel.text()).toEqual([]);
    expect(channel.readyState).toBe('closed');
  });

  it('says so when the other side closes the channel mid-file', async () => {
    const { channel, done } = await start(randomBytes(20 * MiB));
    channel.open();
    await settleUntil(() => sentBytes(channel) > 0);
    channel.close();
    await expect(done).rejects.toThrow('The connection closed before the file was sent.');
  });

  it('ignores malformed frames from the receiver and keeps going', async () => {
    const { channel, done } = await start(randomBytes(MiB));
    channel.open();
    channel.deliver('{not json');
    channel.deliver(new ArrayBuffer(8));
    channel.deliver(JSON.stringify({ type: 'ack', bytes: -5 }));
    while (channel.text().length === 0) {
      await settle();
      channel.drain();
    }
    await done;
    expect(sentBytes(channel)).toBe(MiB);
  });

  it('carries on from an offset over a new channel: only the rest is sent, and the hash still covers the whole file', async () => {
    // Larger than the send buffer, so the first channel closes mid-file.
    const bytes = randomBytes(12 * MiB + 5);
    const hash = await createWholeFileHash();
    let counted = 0;
    const run = async (from: number, cutAfter?: number) => {
      counted = 0;
      const channel = new FakeChannel();
      const pc = { createDataChannel: () => channel.asChannel(), sctp: null } as unknown as RTCPeerConnection;
      const done = sendFile({ pc, id: 'file-0001', file: new Blob([bytes]), from, hash, signal: new AbortController().signal, onAcked: () => undefined, onSent: (n) => (counted += n), log: () => undefined });
      done.catch(() => undefined);
      channel.open();
      while (channel.text().length === 0 && channel.readyState === 'open') {
        await settle();
        if (cutAfter !== undefined && from + sentBytes(channel) >= cutAfter) channel.close();
        channel.deliver(JSON.stringify({ type: 'ack', bytes: from + sentBytes(channel) }));
        channel.drain();
      }
      return { channel, done };
    };
    const first = await run(0, MiB);
    await expect(first.done).rejects.toBeInstanceOf(FileChannelClosed);
    expect(first.channel.text()).toEqual([]);

    // The receiver wrote less than the first channel carried: the sender reads those bytes again from there.
    const from = MiB / 2 + 3;
    const second = await run(from);
    await second.done;
    expect(Buffer.compare(Buffer.concat(second.channel.binary()), bytes.subarray(from))).toBe(0);
    // What the host counts as sent is what went on the wire.
    expect(counted).toBe(bytes.length - from);
    expect(JSON.parse(second.channel.text()[0]!)).toEqual({ type: 'end', sha256: createHash('sha256').update(bytes).digest('hex') });
  });
});
