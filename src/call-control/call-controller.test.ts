import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELAY_RENEW_FRACTION, UNANSWERED_RING_MS } from '../shared/call-state';
import type { SignalData } from '../shared/protocol';
import type { OffscreenMessage } from '../shared/runtime-messages';
import { createCallController } from './call-controller';
import { createSignalRelay } from './signal-relay';
import { ANSWER, candidate, fakeLink, memoryStorage, type MemoryStorage, settle } from './test-fakes';

const PEER = 'B7KQ-PEER';
const CALL_ID = 'call-1';
const ICE = [{ urls: ['stun:stun.example.org'] }];
const OFFER: SignalData = { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } };

/** The controller with the worker's real signal relay, over a fake link, a fake offscreen document and memory storage. */
async function worker(storage: MemoryStorage = memoryStorage()) {
  const link = fakeLink();
  link.reply = (event) => (event === 'ring' ? { ok: true, callId: CALL_ID, iceServers: ICE } : { ok: true });
  const offscreen: OffscreenMessage['type'][] = [];
  const media: OffscreenMessage[] = [];
  const logged: string[] = [];
  const log = (message: string) => void logged.push(message);
  const toOffscreen = (message: OffscreenMessage) => {
    offscreen.push(message.type);
    media.push(message);
    return Promise.resolve();
  };
  const calls = await createCallController({
    storage,
    signaling: () => link,
    startMedia: toOffscreen,
    tellMedia: toOffscreen,
    closeMedia: () => {
      offscreen.push('closed' as OffscreenMessage['type']);
      return Promise.resolve();
    },
    deviceChoice: () => ({ mic: null, camera: null, speaker: null }),
    holdSignals: (callId) => relay.hold(callId),
    releaseSignals: (callId) => relay.release(callId),
    runShare: () => Promise.resolve(),
    onChange: () => undefined,
    log,
  });
  const relay = await createSignalRelay({ link: () => link, call: () => calls.record().call, dispatch: calls.dispatch, log, storage });
  return { calls, relay, link, offscreen, media, logged, storage };
}

/** A connected call, as the caller. */
async function inCall(storage?: MemoryStorage) {
  const w = await worker(storage);
  await w.calls.dispatch({ type: 'dial', peer: PEER, now: Date.now() });
  await settle();
  await w.calls.dispatch({ type: 'accepted', callId: CALL_ID, now: Date.now() });
  await w.calls.dispatch({ type: 'media-connected', now: Date.now() });
  expect(w.calls.record().call.phase).toBe('active');
  w.link.sent.length = 0;
  w.offscreen.length = 0;
  return w;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the call controller', () => {
  it('dialing asks the server to ring the peer and starts the camera and microphone', async () => {
    const { calls, link, offscreen } = await worker();
    await calls.dispatch({ type: 'dial', peer: PEER, now: Date.now() });
    await settle();
    expect(link.sent).toEqual([{ event: 'ring', payload: { to: PEER } }]);
    // The server's answer names the call, and the caller's peer connection is built for it.
    expect(calls.record().call).toMatchObject({ phase: 'calling', callId: CALL_ID });
    expect(offscreen).toEqual(['start', 'connect']);
  });

  it("the guest page's dial rings with the name it was given; the extension's, which has none, sends no name field", async () => {
    const guest = await worker();
    await guest.calls.dispatch({ type: 'dial', peer: PEER, now: Date.now(), name: 'Ann' });
    await settle();
    expect(guest.link.sent).toEqual([{ event: 'ring', payload: { to: PEER, name: 'Ann' } }]);
    const extension = await worker();
    await extension.calls.dispatch({ type: 'dial', peer: PEER, now: Date.now() });
    await settle();
    expect(extension.link.sent[0]?.payload).not.toHaveProperty('name');
  });

  it('a ring nobody answers ends at its deadline: the server is told and the media stops', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { calls, link, offscreen } = await worker();
    await calls.dispatch({ type: 'dial', peer: PEER, now: Date.now() });
    await settle();
    link.sent.length = 0;
    await vi.advanceTimersByTimeAsync(UNANSWERED_RING_MS);
    await settle();
    expect(calls.record().call.phase).toBe('idle');
    expect(link.sent).toEqual([{ event: 'hangup', payload: { callId: CALL_ID } }]);
    expect(offscreen.slice(-2)).toEqual(['stop', 'closed']);
  });

  it("a callee's relay comes with the accept's answer, and is renewed before it runs out: asked of the server, handed to the media host as a renewal", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const ttl = 60_000;
    const relays = (n: number) => [...ICE, { urls: ['turn:turn.example.org'], username: `${n}:${PEER}`, credential: `c${n}` }];
    const { calls, link, media } = await worker();
    let issued = 0;
    link.reply = (event) => (event === 'accept' || event === 'renew-relay' ? { ok: true, iceServers: relays(++issued), relayTtlMs: ttl } : { ok: true });
    await calls.dispatch({ type: 'incoming', callId: CALL_ID, from: PEER, iceServers: ICE, now: Date.now() });
    await calls.dispatch({ type: 'accept', now: Date.now() });
    await settle();
    const relayMessages = () => media.filter((message) => message.type === 'use-relay');
    expect(relayMessages()).toEqual([{ target: 'offscreen', type: 'use-relay', iceServers: relays(1), renewal: false }]);
    await calls.dispatch({ type: 'media-connected', now: Date.now() });

    link.sent.length = 0;
    await vi.advanceTimersByTimeAsync(ttl * RELAY_RENEW_FRACTION);
    await settle();
    expect(link.sent).toEqual([{ event: 'renew-relay', payload: { callId: CALL_ID } }]);
    expect(relayMessages().at(-1)).toEqual({ target: 'offscreen', type: 'use-relay', iceServers: relays(2), renewal: true });
    // And again, two thirds of the fresh one's life later.
    await vi.advanceTimersByTimeAsync(ttl * RELAY_RENEW_FRACTION);
    await settle();
    expect(relayMessages().at(-1)).toMatchObject({ iceServers: relays(3), renewal: true });
    expect(calls.record().call.phase).toBe('active');
  });

  it('accepting sends the answer prepared while it rang inside the accept', async () => {
    const { calls, relay, link } = await worker();
    await calls.dispatch({ type: 'incoming', callId: CALL_ID, from: PEER, iceServers: ICE, now: Date.now() });
    // The prepared peer connection's answer and candidates, made while it rings: kept, not sent.
    relay.send(ANSWER);
    relay.send(candidate(1));
    await settle();
    expect(link.sent).toEqual([]);
    await calls.dispatch({ type: 'accept', now: Date.now() });
    expect(link.sent).toEqual([{ event: 'accept', payload: { callId: CALL_ID, signals: [ANSWER, candidate(1)] } }]);
  });

  it("a caller's offer that overtakes its ring while the ring is being written down reaches the peer connection prepared for it", async () => {
    const storage = memoryStorage();
    const { calls, media } = await worker(storage);
    // storage.session takes its time: the ring's write is still under way when the offer arrives.
    let finishWrites!: () => void;
    const writesDone = new Promise<void>((resolve) => (finishWrites = resolve));
    const write = storage.set;
    storage.set = async (items) => {
      await writesDone;
      return write(items);
    };
    const ringing = calls.dispatch({ type: 'incoming', callId: CALL_ID, from: PEER, iceServers: ICE, now: Date.now() });
    const offered = calls.receiveSignal(CALL_ID, OFFER);
    const stray = calls.receiveSignal('call-of-someone-else', OFFER);
    await settle();
    expect(media).toEqual([]);
    finishWrites();
    await Promise.all([ringing, offered, stray]);
    expect(media.map((message) => message.type)).toEqual(['prepare', 'signal-in']);
    expect(media[1]).toMatchObject({ type: 'signal-in', data: OFFER });
  });

  it("in a call, the other side's signals go to the media host in the same turn, without waiting for storage", async () => {
    const { calls, media } = await inCall();
    media.length = 0;
    void calls.receiveSignal(CALL_ID, candidate(1));
    expect(media).toEqual([{ target: 'offscreen', type: 'signal-in', data: candidate(1) }]);
  });

  it('a storage write that rejects still hangs up: the server is told and the offscreen document is told to stop', async () => {
    const { calls, link, offscreen, logged, storage } = await inCall();
    storage.failWrites = true;
    await calls.dispatch({ type: 'hangup', now: Date.now() });
    expect(calls.record().call.phase).toBe('idle');
    expect(link.sent).toEqual([{ event: 'hangup', payload: { callId: CALL_ID } }]);
    expect(offscreen).toEqual(['stop', 'closed']);
    expect(logged.some((line) => line.includes('Could not store the call'))).toBe(true);
  });

  it('a rejected write does not stop later events from being applied', async () => {
    const { calls, link, offscreen, storage } = await inCall();
    storage.failWrites = true;
    await calls.setQuality('poor').catch(() => undefined);
    await calls.setMediaNotice('No camera found.').catch(() => undefined);
    storage.failWrites = false;
    await calls.setQuality('good');
    expect(calls.record().quality).toBe('good');
    await calls.dispatch({ type: 'hangup', now: Date.now() });
    expect(calls.record().call.phase).toBe('idle');
    expect(link.sent).toEqual([{ event: 'hangup', payload: { callId: CALL_ID } }]);
    expect(offscreen).toEqual(['stop', 'closed']);
  });
});
