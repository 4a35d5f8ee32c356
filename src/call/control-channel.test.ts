import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ControlFrame } from './data-frames';
import { FakeChannel } from './fake-channel.test-support';
import { openControlChannel } from './control-channel';
import { HEARTBEAT_MS } from './ice-recovery';

function setUp() {
  const channel = new FakeChannel('control');
  const made: RTCDataChannelInit[] = [];
  const pc = {
    createDataChannel(_label: string, init: RTCDataChannelInit) {
      made.push(init);
      return channel.asChannel();
    },
  } as unknown as RTCPeerConnection;
  const seen = { opened: 0, heard: 0, frames: [] as ControlFrame[], logged: [] as unknown[] };
  const control = openControlChannel(pc, {
    onOpen: () => seen.opened++,
    heard: () => seen.heard++,
    onFrame: (frame) => seen.frames.push(frame),
    log: (_what, detail) => seen.logged.push(detail),
  });
  return { channel, made, seen, control };
}

describe('the control channel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is negotiated with id 0 on both sides, so it needs no offer of its own', () => {
    expect(setUp().made).toEqual([{ negotiated: true, id: 0 }]);
  });

  it('says nothing before it opens, then says it is alive every heartbeat until closed', () => {
    const { channel, seen, control } = setUp();
    expect(control.send({ type: 'media', mic: true, camera: true })).toBe(false);
    channel.open();
    expect(seen.opened).toBe(1);
    vi.advanceTimersByTime(HEARTBEAT_MS * 3);
    expect(channel.text()).toEqual(Array(3).fill('{"type":"alive"}'));
    control.close();
    vi.advanceTimersByTime(HEARTBEAT_MS * 3);
    expect(channel.text()).toHaveLength(3);
  });

  it('counts every arrival as heard, hands on valid frames but not the heartbeat, and drops a malformed frame without throwing', () => {
    const { channel, seen } = setUp();
    channel.open();
    channel.deliver('{"type":"alive"}');
    channel.deliver('{"type":"media","mic":false,"camera":true}');
    channel.deliver('not json');
    expect(seen.frames).toEqual([{ type: 'media', mic: false, camera: true }]);
    expect(seen.heard).toBe(4);
    expect(seen.logged).toHaveLength(1);
  });
});
