import { describe, expect, it } from 'vitest';
import { MAX_CHAT_LENGTH } from '../shared/chat-and-files';
import { fileChannelLabel, MAX_CONTROL_FRAME_LENGTH, parseControlFrame, parseFileChannelFrame, transferIdOf } from './data-frames';

const ID = '3f1c2b7a-9d2e-4c51-8b0a-4e1f6a7b8c9d';

describe('control frames', () => {
  it('accepts each frame the other side may send', () => {
    const frames = [
      { type: 'media', mic: true, camera: false },
      { type: 'chat', id: ID, text: 'see https://example.com' },
      { type: 'delivered', id: ID },
      { type: 'file-offer', id: ID, name: 'report.pdf', size: 52_428_800, mime: 'application/pdf' },
      { type: 'file-accept', id: ID },
      { type: 'file-decline', id: ID },
      { type: 'file-cancel', id: ID },
      { type: 'file-verified', id: ID, ok: true },
    ];
    for (const frame of frames) expect(parseControlFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it('refuses binary, non-JSON, unknown and extended frames with a sentence', () => {
    expect(parseControlFrame(new ArrayBuffer(4))).toEqual({ ok: false, error: 'A control frame must be text, not binary.' });
    expect(parseControlFrame('{nope')).toEqual({ ok: false, error: 'A control frame is not JSON.' });
    expect(parseControlFrame('{"type":"shell","cmd":"rm"}')).toMatchObject({ ok: false, error: expect.stringMatching(/^A control frame is malformed/) });
    expect(parseControlFrame(JSON.stringify({ type: 'delivered', id: ID, extra: 1 }))).toMatchObject({ ok: false });
    expect(parseControlFrame('null')).toMatchObject({ ok: false });
  });

  it('refuses an oversized frame before parsing it', () => {
    const huge = JSON.stringify({ type: 'chat', id: ID, text: 'x'.repeat(MAX_CONTROL_FRAME_LENGTH) });
    expect(parseControlFrame(huge)).toEqual({ ok: false, error: `A control frame of ${huge.length} characters is over the limit of ${MAX_CONTROL_FRAME_LENGTH}.` });
  });

  it('takes the longest chat message even when every character is escaped, and not one more', () => {
    const longest = JSON.stringify({ type: 'chat', id: ID, text: '\u0001'.repeat(MAX_CHAT_LENGTH) });
    expect(parseControlFrame(longest).ok).toBe(true);
    expect(parseControlFrame(JSON.stringify({ type: 'chat', id: ID, text: 'a'.repeat(MAX_CHAT_LENGTH + 1) })).ok).toBe(false);
    expect(parseControlFrame(JSON.stringify({ type: 'chat', id: ID, text: '' })).ok).toBe(false);
  });

  it('refuses impossible file offers and ids that could break out of a label', () => {
    const offer = { type: 'file-offer', id: ID, name: 'a', size: 1, mime: '' };
    expect(parseControlFrame(JSON.stringify({ ...offer, size: -1 })).ok).toBe(false);
    expect(parseControlFrame(JSON.stringify({ ...offer, size: 1.5 })).ok).toBe(false);
    expect(parseControlFrame(JSON.stringify({ ...offer, size: 2 ** 41 })).ok).toBe(false);
    expect(parseControlFrame(JSON.stringify({ ...offer, name: '' })).ok).toBe(false);
    expect(parseControlFrame(JSON.stringify({ ...offer, id: '../../etc' })).ok).toBe(false);
  });
});

describe('file channel frames', () => {
  it('reads the end and ack frames', () => {
    const end = { type: 'end', sha256: 'a'.repeat(64) };
    expect(parseFileChannelFrame(JSON.stringify(end))).toEqual({ ok: true, frame: end });
    expect(parseFileChannelFrame('{"type":"ack","bytes":1048576}')).toEqual({ ok: true, frame: { type: 'ack', bytes: 1_048_576 } });
  });

  it('refuses a hash that is not 64 lowercase hex digits', () => {
    expect(parseFileChannelFrame(JSON.stringify({ type: 'end', sha256: 'A'.repeat(64) })).ok).toBe(false);
    expect(parseFileChannelFrame(JSON.stringify({ type: 'end', sha256: 'a'.repeat(63) })).ok).toBe(false);
  });

  it('names a file channel by its transfer and reads the id back, ignoring other channels', () => {
    expect(transferIdOf(fileChannelLabel(ID))).toBe(ID);
    expect(transferIdOf('control')).toBeNull();
    expect(transferIdOf('file:<img>')).toBeNull();
  });
});
