import { describe, expect, it } from 'vitest';
import type { CallEvent, CallState } from '../shared/call-state';
import { MAX_SIGNALS_WITH_ACCEPT, type SignalData } from '../shared/protocol';
import { createSignalRelay } from './signal-relay';
import { ANSWER, candidate, fakeLink, memoryStorage, type MemoryStorage, peerOffline, settle } from './test-fakes';

const PEER = 'B7KQ-PEER';
const ringing = (callId: string): CallState => ({ phase: 'ringing', peer: PEER, callId, since: 0, iceServers: [] });
const connecting = (callId: string): CallState => ({ phase: 'connecting', peer: PEER, callId, since: 0, local: { mic: true, camera: true }, role: 'callee' });

/** A relay over a fake link, with the call as the test sets it. */
async function relayFor(call: CallState, storage: MemoryStorage = memoryStorage()) {
  const link = fakeLink();
  const state = { call };
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

describe('the signal relay', () => {
  it('sends signals in the order they were made, even when the server answers the first one last', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    let firstAnswered!: () => void;
    link.reply = (_event, payload) =>
      (payload as { data: SignalData }).data === ANSWER ? new Promise((resolve) => (firstAnswered = () => resolve({ ok: true }))) : { ok: true };
    relay.send(ANSWER);
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    // The candidates wait behind the answer the server has not taken yet.
    expect(signals().map((s) => s.data)).toEqual([ANSWER]);
    firstAnswered();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([ANSWER, candidate(1), candidate(2)]);
  });

  it('signals made during an outage go out, in order, once the link has registered again', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.reply = () => peerOffline;
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    link.sent.length = 0;
    link.reply = (event) => (event === 'rejoin' ? { ok: true, peerOnline: true } : { ok: true });
    relay.registered();
    await settle();
    expect(link.sent[0]).toEqual({ event: 'rejoin', payload: { callId: 'c1', peer: PEER } });
    expect(signals()).toEqual([
      { callId: 'c1', data: candidate(1) },
      { callId: 'c1', data: candidate(2) },
    ]);
  });

  it('signals waiting for a peer whose link dropped go out when the server says it is back', async () => {
    const { relay, link, signals, events } = await relayFor(connecting('c1'));
    link.reply = () => peerOffline;
    relay.send(candidate(1));
    await settle();
    link.sent.length = 0;
    link.reply = () => ({ ok: true });
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    expect(events).toMatchObject([{ type: 'peer-status', online: true }]);
    expect(signals()).toEqual([{ callId: 'c1', data: candidate(1) }]);
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
    link.reply = () => peerOffline;
    relay.send(candidate(1));
    await settle();
    link.sent.length = 0;
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
