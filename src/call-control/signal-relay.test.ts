import { describe, expect, it } from 'vitest';
import type { CallEvent, CallState } from '../shared/call-state';
import { ErrorCode, MAX_SIGNALS_WITH_ACCEPT, type SignalData, type SignalMessage } from '../shared/protocol';
import { createSignalRelay, type SignalRelay } from './signal-relay';
import { ANSWER, candidate, type FakeLink, fakeLink, memoryStorage, type MemoryStorage, noAnswer, peerOffline, settle } from './test-fakes';

const OFFER: SignalData = { kind: 'description', description: { type: 'offer', sdp: 'v=0 offer\r\n' } };

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
  const signals = () => link.sent.filter((item) => item.event === 'signal').map((item) => item.payload as SignalMessage);
  /** Which of them asked for an answer. */
  const asked = () => link.sent.filter((item) => item.event === 'signal').map((item) => item.asked === true);
  return { relay, link, state, events, signals, asked, storage };
}

/** Sends each in one task, as a burst, and lets the link answer. */
async function burst(relay: SignalRelay, ...sent: SignalData[]): Promise<void> {
  for (const data of sent) relay.send(data);
  await settle();
  await settle();
}

/** A burst the server refused (the peer away) and did not take when tried again at once; the test's record cleared. */
async function refusedWhilePeerAway(relay: SignalRelay, link: FakeLink, ...sent: SignalData[]): Promise<void> {
  link.answer = () => peerOffline;
  await burst(relay, ...sent);
  await settle();
  link.answer = () => ({ ok: true });
  link.sent.length = 0;
}

/** The link registers again, its server answering everything and finding the peer online; the test's record cleared. */
async function registerAgain(relay: SignalRelay, link: FakeLink): Promise<void> {
  link.registered = true;
  link.sent.length = 0;
  link.answer = () => ({ ok: true });
  link.reply = (event) => (event === 'rejoin' ? { ok: true, peerOnline: true } : { ok: true });
  relay.registered();
  await settle();
  await settle();
}

describe('the signal relay', () => {
  it('sends a burst at once, and asks for an answer only on its last signal', async () => {
    const { relay, link, signals, asked } = await relayFor(connecting('c1'));
    link.answer = () => new Promise(() => {});
    relay.send(ANSWER);
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    expect(signals().map((s) => s.data)).toEqual([ANSWER, candidate(1), candidate(2)]);
    expect(asked()).toEqual([false, false, true]);
    // A signal of a later task has none behind it either.
    relay.send(candidate(3));
    await settle();
    expect(asked()).toEqual([false, false, true, true]);
  });

  it('signals made during an outage go out, in order, once the link has registered again', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.registered = false;
    relay.send(candidate(1));
    relay.send(candidate(2));
    await settle();
    expect(signals()).toEqual([]);
    await registerAgain(relay, link);
    expect(link.sent[0]).toEqual({ event: 'rejoin', payload: { callId: 'c1', peer: PEER } });
    expect(signals()).toEqual([
      { callId: 'c1', data: candidate(1), again: true },
      { callId: 'c1', data: candidate(2) },
    ]);
  });

  it('a burst whose answer does not come goes again, whole and in order, once the link has registered again', async () => {
    const { relay, link, signals, asked } = await relayFor(connecting('c1'));
    await burst(relay, candidate(1));
    // Answered: candidate 1 is confirmed. The next burst goes into a link that has died unnoticed.
    link.answer = () => noAnswer;
    await burst(relay, candidate(2), candidate(3));
    relay.send(candidate(4));
    await settle();
    // Nothing more into that link: candidate 4 waits behind the two unconfirmed.
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2), candidate(3)]);
    await registerAgain(relay, link);
    expect(signals().map((s) => s.data)).toEqual([candidate(2), candidate(3), candidate(4)]);
    expect(signals()[0]?.again).toBe(true);
    expect(asked()).toEqual([true, false, true]);
  });

  it('a link registered again gives back what the one before it did not confirm, ahead of what waited', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    // The link drops with the burst's answer outstanding (Socket.IO fails it as it drops; here it just never comes).
    link.answer = () => new Promise(() => {});
    await burst(relay, candidate(1), candidate(2));
    link.registered = false;
    await burst(relay, candidate(3));
    await registerAgain(relay, link);
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2), candidate(3)]);
  });

  it('a caller whose link registers again while it rings sends at once what was not confirmed: the server holds the ring', async () => {
    const calling: CallState = { phase: 'calling', peer: PEER, callId: 'c1', since: 0, local: { mic: true, camera: true } };
    const { relay, link, signals } = await relayFor(calling);
    link.answer = () => noAnswer;
    await burst(relay, OFFER, candidate(1));
    await registerAgain(relay, link);
    expect(link.sent.some((item) => item.event === 'rejoin')).toBe(false);
    expect(signals().map((s) => s.data)).toEqual([OFFER, candidate(1)]);
  });

  it('a burst the server refused while the peer was away goes again, in order, when the server says it is back', async () => {
    const { relay, link, signals, events } = await relayFor(connecting('c1'));
    await refusedWhilePeerAway(relay, link, candidate(1), candidate(2));
    relay.send(candidate(3));
    await settle();
    // Behind the two that were refused, not ahead of them.
    expect(signals()).toEqual([]);
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    await settle();
    expect(events).toMatchObject([{ type: 'peer-status', online: true }]);
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2), candidate(3)]);
    // The first marked, which has the server relay the call's signals again from it.
    expect(signals().map((s) => s.again)).toEqual([true, undefined, undefined]);
  });

  it('a refused burst goes again at once, in case the peer is back already (its news can overtake the refusal)', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    let refuse = true;
    link.answer = () => (refuse ? ((refuse = false), peerOffline) : { ok: true });
    await burst(relay, candidate(1), candidate(2));
    await settle();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2), candidate(1), candidate(2)]);
  });

  it('an answer confirms the signals before it: they are not sent again when a later burst is refused', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    await burst(relay, candidate(1), candidate(2));
    await refusedWhilePeerAway(relay, link, candidate(3));
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(3)]);
  });

  it('keeps order while the first signal sent again waits for its answer', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    await refusedWhilePeerAway(relay, link, candidate(1));
    let answerFirst!: () => void;
    link.answer = () => new Promise((resolve) => (answerFirst = () => resolve({ ok: true })));
    relay.peerStatus({ callId: 'c1', online: true });
    await settle();
    relay.send(candidate(2));
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1)]);
    link.answer = () => ({ ok: true });
    answerFirst();
    await settle();
    expect(signals().map((s) => s.data)).toEqual([candidate(1), candidate(2)]);
  });

  it('a signal refused for good is not sent again', async () => {
    const { relay, link, signals } = await relayFor(connecting('c1'));
    link.answer = () => ({ ok: false, error: ErrorCode.RateLimited, message: 'Too many signal requests; try again in 3 s.' });
    await burst(relay, candidate(1));
    link.answer = () => ({ ok: true });
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
    await refusedWhilePeerAway(relay, link, candidate(1));
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
