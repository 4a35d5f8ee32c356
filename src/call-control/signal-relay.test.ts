import { describe, expect, it } from 'vitest';
import type { CallEvent, CallState } from '../shared/call-state';
import { ErrorCode, MAX_SIGNALS_WITH_ACCEPT, type SignalData } from '../shared/protocol';
import { createSignalRelay, type SignalRelay } from './signal-relay';
import { ANSWER, candidate, type FakeLink, fakeLink, memoryStorage, type MemoryStorage, peerOffline, settle } from './test-fakes';

const PEER = 'B7KQ-PEER';
const ringing = (callId: string): CallState => ({ phase: 'ringing', peer: PEER, callId, since: 0, iceServers: [] });
const connecting = (callId: string): CallState => ({ phase: 'connecting', peer: PEER, callId, since: 0, local: { mic: true, camera: true }, role: 'callee' });

/** A relay over a fake link, with the call as the test sets it. */
async function relayFor(call: CallState, storage: MemoryStorage = memoryStorage()) {
  const link = fakeLink();
  const state = { call };
  // The server's refusals reach the relay as server-connection.ts wires them.
  link.onRefused = (refusal) => relay.refused(refusal);
  const events: CallEvent[] = [];
  const relay = await createSignalRelay({
    link: () => link,
    call: () => state.call,
    dispatch: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    log: () => undefined,
    storage,
  });
  /** The signals the server was asked to relay, in order, for which call. */
  const signals = () =>
    link.sent.filter((item) => item.event === 'signal').map((item) => item.payload as { callId: string; data: SignalData });
  return { relay, link, state, events, signals, storage };
}

/** Signals sent while the peer's link is down: the server sends each back, and the relay keeps them; the link is cleared. */
async function sentWhilePeerAway(relay: SignalRelay, link: FakeLink, ...sent: SignalData[]): Promise<void> {
  link.refusing = peerOffline;
  link.reply = () => peerOffline;
  for (const data of sent) relay.send(data);
  // One turn to send, one for the refusals to come back.
  await settle();
  await settle();
  link.refusing = null;
  link.sent.length = 0;
}

describe('the signal relay', () => {
  it('sends each signal at once, without waiting for an answer (the server answers only a refusal)', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.reply = () => new Promise(() => {});
    relay.send(ANSWER);
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    expect(signals().map((s) => s.data)).toEqual([ANSWER, candidate(1), candidate(2)]);
    // None was a request: nothing waits for an answer that never comes.
    expect(link.sent.every((item) => item.event === 'signal')).toBe(true);
  });

  it('signals made during an outage go out, in order, once the link has registered again', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.registered = false;
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    expect(signals()).toEqual([]);
    link.registered = true;
    link.reply = (event) => (event === 'rejoin' ? { ok: true, peerOnline: true } : { ok: true });
    relay.registered();
    await settle();
    expect(link.sent[0]).toEqual({ event: 'rejoin', payload: { callId: 'c1', peer: PEER } });
    expect(signals()).toEqual([
      { callId: 'c1', data: candidate(1) },
      { callId: 'c1', data: candidate(2) },
    ]);
  });

  it('signals the server sent back while the peer was away go out again, in order, when the server says it is back', async () => {
    const { relay, link, signals, events } = await relayFor(connecting('c1'));
    link.refusing = peerOffline;
    link.reply = () => peerOffline;
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    await settle();
    link.sent.length = 0;
    link.refusing = null;
    link.reply = () => ({ ok: true });
    relay.send(candidate(3));
    await settle();
    // Behind the two that came back, not ahead of them.
    expect(signals()).toEqual([]);
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    expect(events).toMatchObject([{ type: 'peer-status', online: true }]);
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2), candidate(3)]);
    // The first went with an acknowledgement, which has the server stop sending the call's signals back.
    expect(link.sent[0]?.event).toBe('signal');
  });

  it('a signal sent back when the peer is already back goes out again at once', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.refusing = peerOffline;
    relay.send(candidate(1));
    await settle();
    link.refusing = null;
    await settle();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(1)]);
  });

  it('keeps order while the first signal sent again waits for its acknowledgement', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    await sentWhilePeerAway(relay, link, candidate(1));
    let answerFirst!: () => void;
    link.reply = () => new Promise((resolve) => (answerFirst = () => resolve({ ok: true })));
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    relay.send(candidate(2));
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1)]);
    answerFirst();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2)]);
  });

  it('a signal refused for good is not sent again', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.refusing = { ok: false, error: ErrorCode.RateLimited, message: 'Too many signal requests; try again in 3 s.' };
    relay.send(candidate(1));
    await settle();
    await settle();
    link.refusing = null;
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1)]);
  });

  it('a ringing call’s signals are held, ride in the accept as far as they fit, and the rest follow it', async () => {
    const { relay, state, signals } = await relayFor(ringing('c1'));
    relay.hold('c1');
    const made = [ANSWER, ...Array.from({ length: MAX_SIGNALS_WITH_ACCEPT + 3 }, (_, n) => candidate(n))];
    for (const data of made) relay.send(data);
    await settle();
    expect(signals()).toEqual([]);
    state.call = connecting('c1');
    const riding = relay.release('c1');
    expect(riding).toEqual(made.slice(0, MAX_SIGNALS_WITH_ACCEPT));
    // Nothing follows before the accept carrying the rest is on its way.
    expect(signals()).toEqual([]);
    await settle();
    expect(signals().map((s) => s.data)).toEqual(made.slice(MAX_SIGNALS_WITH_ACCEPT));
  });

  it('drops what waited for an earlier call instead of sending it into the next one', async () => {
    const { relay, link, state, signals } = await relayFor(connecting('old'));
    await sentWhilePeerAway(relay, link, candidate(1));
    link.reply = () => ({ ok: true });
    state.call = connecting('new');
    relay.send(candidate(2));
    await settle();
    expect(signals()).toEqual([{ callId: 'new', data: candidate(2) }]);
    // Nor does a hold for an earlier ring ride in this call's accept.
    relay.hold('old');
    expect(relay.release('new')).toEqual([]);
  });

  it('a restarted worker still sends the held answer in the accept', async () => {
    const storage = memoryStorage();
    const before = await relayFor(ringing('c1'), storage);
    before.relay.hold('c1');
    before.relay.send(ANSWER);
    before.relay.send(candidate(1));
    await settle();
    // The old worker is gone; a new one starts over the same session storage, the call still ringing.
    const after = await relayFor(ringing('c1'), storage);
    after.state.call = connecting('c1');
    expect(after.relay.release('c1')).toEqual([ANSWER, candidate(1)]);
  });

  it('a restarted worker forgets what was held for a ring that is over', async () => {
    const storage = memoryStorage();
    const before = await relayFor(ringing('c1'), storage);
    before.relay.hold('c1');
    before.relay.send(ANSWER);
    await settle();
    const after = await relayFor(ringing('c2'), storage);
    expect(after.relay.release('c1')).toEqual([]);
  });

  it('the accept does not wait for storage: held signals ride even when every write fails', async () => {
    const storage = memoryStorage();
    storage.failWrites = true;
    const { relay } = await relayFor(ringing('c1'), storage);
    relay.hold('c1');
    relay.send(ANSWER);
    expect(relay.release('c1')).toEqual([ANSWER]);
  });
});
