/**
 * The signaling server against real Socket.IO clients over real sockets:
 * each client holds a real key and registers the way the extension does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity, signRegistration, toBase64 } from '../src/shared/call-code';
import { ErrorCode, MAX_SIGNALS_WITH_ACCEPT, PROTOCOL_VERSION, type SignalData } from '../src/shared/protocol';
import { type App, createApp } from './app';
import { MAX_HELD_SIGNALS } from './call-registry';
import { readConfig } from './config';
import { createLogger } from './logger';
import { eventually } from '../test/e2e/support/probes';
import { expectOk } from './testing/harness';
import { connectPeer, type PeerClient, registeredPeer } from './testing/peer-client';

const RING_TIMEOUT_MS = 1_000;
const GRACE_MS = 300;

let app: App;
let url: string;
const clients: PeerClient[] = [];

async function startApp(): Promise<void> {
  const config = readConfig({ PORT: '0', HOST: '127.0.0.1', STUN_PORT: 'off', RING_TIMEOUT_MS: String(RING_TIMEOUT_MS), RECONNECT_GRACE_MS: String(GRACE_MS), REGISTER_TIMEOUT_MS: '1000' });
  app = createApp(config, createLogger('silent'));
  const { port } = await app.listen();
  url = `http://127.0.0.1:${port}`;
}

beforeEach(startApp);

/** Everything the server knew is gone; clients must connect again, as after a deploy. */
async function restartServer(): Promise<void> {
  for (const client of clients.splice(0)) client.close();
  await app.close();
  await startApp();
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await app.close();
});

async function peer(identity?: Awaited<ReturnType<typeof generateIdentity>>): Promise<PeerClient> {
  const client = await registeredPeer(url, identity);
  clients.push(client);
  return client;
}

async function unregistered(): Promise<PeerClient> {
  const client = await connectPeer(url);
  clients.push(client);
  return client;
}

/** Alice rings Bob and Bob accepts: an accepted call with its id. */
async function acceptedCall(alice: PeerClient, bob: PeerClient): Promise<string> {
  const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
  await bob.next('incoming');
  expectOk(await bob.socket.emitWithAck('accept', { callId }));
  await alice.next('accepted');
  return callId;
}

const OFFER: SignalData = { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };
/** An offer made after gathering began: it names the caller's address, so it must wait for the accept like a candidate. */
const OFFER_WITH_ADDRESS: SignalData = { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\nc=IN IP4 192.0.2.10\r\n' } };
const ANSWER: SignalData = { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n' } };
const CANDIDATE: SignalData = {
  kind: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};

describe('registering a code', () => {
  it('registers under the code derived from the key the client proved it holds', async () => {
    const client = await unregistered();
    const signature = await signRegistration(client.keyPair.privateKey, client.challenge);
    const reply = await client.socket.emitWithAck('register', {
      protocol: PROTOCOL_VERSION,
      publicKey: toBase64(client.publicKeyRaw),
      signature: toBase64(signature),
    });
    expect(reply).toEqual({ ok: true, code: client.code });
  });

  it("refuses a hijack: someone else's public key with a signature from another key", async () => {
    const victim = await peer();
    const attacker = await unregistered();
    const forged = await signRegistration(attacker.keyPair.privateKey, attacker.challenge);
    const reply = await attacker.socket.emitWithAck('register', {
      protocol: PROTOCOL_VERSION,
      publicKey: toBase64(victim.publicKeyRaw),
      signature: toBase64(forged),
    });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.BadProof });
    // The victim still holds the code: a call to it rings the victim.
    const caller = await peer();
    await caller.socket.emitWithAck('ring', { to: victim.code });
    await victim.next('incoming');
  });

  it('refuses a replayed proof: a signature over another connection’s challenge', async () => {
    const victim = await unregistered();
    const stolen = await signRegistration(victim.keyPair.privateKey, victim.challenge);
    const attacker = await unregistered();
    const reply = await attacker.socket.emitWithAck('register', {
      protocol: PROTOCOL_VERSION,
      publicKey: toBase64(victim.publicKeyRaw),
      signature: toBase64(stolen),
    });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.BadProof });
  });

  it('says in words when the protocol versions differ', async () => {
    const client = await unregistered();
    const signature = await signRegistration(client.keyPair.privateKey, client.challenge);
    const reply = await client.socket.emitWithAck('register', {
      protocol: PROTOCOL_VERSION + 1,
      publicKey: toBase64(client.publicKeyRaw),
      signature: toBase64(signature),
    });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.ProtocolMismatch, message: expect.stringMatching(/older than the extension/) });
  });

  it('a second registration with the same key replaces the first, which is told and closed', async () => {
    const identity = await generateIdentity();
    const first = await peer(identity);
    const closed = new Promise((resolve) => first.socket.once('disconnect', resolve));
    const second = await peer(identity);
    await first.next('replaced');
    expect(await closed).toBe('io server disconnect');
    const caller = await peer();
    await caller.socket.emitWithAck('ring', { to: identity.code });
    await second.next('incoming');
  });

  it('refuses every call request before registration', async () => {
    const client = await unregistered();
    const reply = await client.socket.emitWithAck('ring', { to: 'ZZZZZZZZZZZZ' });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.NotRegistered });
  });
});

describe('ringing', () => {
  it('rings the callee with the caller’s code and answers the caller with the call id', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const reply = await alice.socket.emitWithAck('ring', { to: bob.code });
    expect(reply).toMatchObject({ ok: true, callId: expect.any(String), iceServers: [] });
    expect(await bob.next('incoming')).toEqual({ callId: reply.ok && reply.callId, from: alice.code, iceServers: [] });
  });

  it('answers an offline code and a code nobody ever had exactly alike', async () => {
    const alice = await peer();
    const gone = await peer();
    gone.close();
    await eventually(() => app.context.presence.holderOf(gone.code), (holder) => !holder, 'the server to see the closed connection');
    const offline = await alice.socket.emitWithAck('ring', { to: gone.code });
    const never = await alice.socket.emitWithAck('ring', { to: (await generateIdentity()).code });
    expect(offline).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
    expect(never).toEqual(offline);
  });

  it('says busy when the callee is already in a call, and the call in progress is untouched', async () => {
    const [alice, bob, carol] = await Promise.all([peer(), peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const reply = await carol.socket.emitWithAck('ring', { to: bob.code });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.Busy });
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
    await bob.next('signal');
  });

  it('refuses a call to your own code', async () => {
    const alice = await peer();
    expect(await alice.socket.emitWithAck('ring', { to: alice.code })).toMatchObject({ ok: false, error: ErrorCode.SelfCall });
  });

  it('ends a ring nobody answers as no-answer, for both sides', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    const expected = { callId, reason: 'no-answer' };
    expect(await alice.next('ended', RING_TIMEOUT_MS + 2_000)).toEqual(expected);
    expect(await bob.next('ended', 1_000)).toEqual(expected);
    // The call is gone: accepting it now is refused.
    expect(await bob.socket.emitWithAck('accept', { callId })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
  });

  it('stops the callee ringing when the caller cancels', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    expect(await alice.socket.emitWithAck('hangup', { callId })).toEqual({ ok: true });
    expect(await bob.next('ended')).toEqual({ callId, reason: 'cancelled' });
  });

  it('tells the caller when the callee declines', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    expect(await bob.socket.emitWithAck('decline', { callId })).toEqual({ ok: true });
    expect(await alice.next('ended')).toEqual({ callId, reason: 'declined' });
  });

  it('when both dial each other at once, the first ring stands and the second caller is told busy', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    const second = await bob.socket.emitWithAck('ring', { to: alice.code });
    expect(second).toMatchObject({ ok: false, error: ErrorCode.Busy });
    const incoming = await bob.next('incoming');
    expect(incoming.callId).toBe(callId);
    expect(await bob.socket.emitWithAck('accept', { callId: incoming.callId })).toMatchObject({ ok: true });
  });

  it('rings again when the callee comes back before the caller gives up (a restarted worker)', async () => {
    const identity = await generateIdentity();
    const [alice, bob] = await Promise.all([peer(), peer(identity)]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    bob.close();
    const back = await peer(identity);
    expect(await back.next('incoming')).toEqual({ callId, from: alice.code, iceServers: [] });
  });

  it('ends a ring whose caller vanished and did not come back within the grace period', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    alice.close();
    expect(await bob.next('ended', GRACE_MS + 2_000)).toEqual({ callId, reason: 'gone' });
  });
});

describe('an accepted call', () => {
  it('relays descriptions and candidates both ways between its two parties only', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
    expect(await bob.next('signal')).toEqual({ callId, data: OFFER });
    expect(await bob.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toEqual({ ok: true });
    expect(await alice.next('signal')).toEqual({ callId, data: CANDIDATE });
  });

  it('relays a burst in order and answers only the signal that asks, for the whole burst', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const before = alice.received.length;
    const sent = [OFFER, CANDIDATE, { ...CANDIDATE, candidate: { ...CANDIDATE.candidate, sdpMid: '1' } }];
    for (const data of sent.slice(0, -1)) alice.socket.emit('signal', { callId, data });
    expect(await alice.socket.emitWithAck('signal', { callId, data: sent.at(-1)! })).toEqual({ ok: true });
    for (const data of sent) expect(await bob.next('signal')).toEqual({ callId, data });
    // Nothing else came back, and a signal sent again reaches the peer as any other: `again` is for the server.
    alice.socket.emit('signal', { callId, data: CANDIDATE, again: true });
    expect(await bob.next('signal')).toEqual({ callId, data: CANDIDATE });
    expect(alice.received.slice(before)).toEqual([]);
  });

  it('a signal that cannot reach the peer is refused, and so is every later one of the call until one comes marked again', async () => {
    const identity = await generateIdentity();
    const [alice, bob] = await Promise.all([peer(), peer(identity)]);
    const callId = await acceptedCall(alice, bob);
    // The route to Bob is learnt by this first one, and must not outlive his link.
    alice.socket.emit('signal', { callId, data: OFFER });
    await bob.next('signal');
    bob.close();
    await alice.next('peer-status');
    alice.socket.emit('signal', { callId, data: CANDIDATE });
    const back = await peer(identity);
    await alice.next('peer-status');
    // Bob is back, but the last of Alice's burst may not overtake the one refused before it: its answer tells her so.
    expect(await alice.socket.emitWithAck('signal', { callId, data: ANSWER })).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
    expect(await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE, again: true })).toEqual({ ok: true });
    expect(await alice.socket.emitWithAck('signal', { callId, data: ANSWER })).toEqual({ ok: true });
    await back.roundTrip();
    expect(back.received.filter((r) => r.event === 'signal').map((r) => r.payload)).toEqual([
      { callId, data: CANDIDATE },
      { callId, data: ANSWER },
    ]);
  });

  it('once either party hangs up, neither can signal into the call, however the signal is sent', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    // Both routes learnt first.
    alice.socket.emit('signal', { callId, data: OFFER });
    bob.socket.emit('signal', { callId, data: ANSWER });
    await Promise.all([bob.next('signal'), alice.next('signal')]);
    expect(await bob.socket.emitWithAck('hangup', { callId })).toEqual({ ok: true });
    await alice.next('ended');
    for (const party of [alice, bob]) {
      party.socket.emit('signal', { callId, data: CANDIDATE });
      expect(await party.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toMatchObject({ error: ErrorCode.NoSuchCall });
      expect(await party.socket.emitWithAck('signal', { callId, data: CANDIDATE, again: true })).toMatchObject({ error: ErrorCode.NoSuchCall });
    }
    await Promise.all([alice.roundTrip(), bob.roundTrip()]);
    expect([...alice.received, ...bob.received].filter((r) => r.event === 'signal')).toHaveLength(2);
  });

  it("while it rings, the callee gets the caller's address-free offer at once and nothing else; the rest waits for the accept", async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
    expect(await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toEqual({ ok: true });
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER_WITH_ADDRESS })).toEqual({ ok: true });
    await bob.roundTrip();
    // The offer lets the callee prepare its answer; nothing about the caller's network reaches a browser that has not said yes.
    expect(bob.received).toEqual([
      { event: 'incoming', payload: expect.objectContaining({ callId }) },
      { event: 'signal', payload: { callId, data: OFFER } },
    ]);
    // Nor can the callee send anything before accepting: its prepared answer stays with it.
    expect(await bob.socket.emitWithAck('signal', { callId, data: ANSWER })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    expect(await bob.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    await alice.roundTrip();
    expect(alice.received).toEqual([]);

    expect(await bob.socket.emitWithAck('accept', { callId })).toMatchObject({ ok: true });
    // Everything held, before the accept's answer, in the order sent (the offer again, for a callee that missed it).
    expect(bob.received.slice(2)).toEqual([
      { event: 'signal', payload: { callId, data: OFFER } },
      { event: 'signal', payload: { callId, data: CANDIDATE } },
      { event: 'signal', payload: { callId, data: OFFER_WITH_ADDRESS } },
    ]);
  });

  it("the callee's answer riding in its accept reaches the caller in the same message as the accepted", async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    // No STUN or TURN configured here: each party's ICE servers for the call are none.
    expect(await bob.socket.emitWithAck('accept', { callId, signals: [ANSWER, CANDIDATE] })).toEqual({ ok: true, iceServers: [] });
    expect(await alice.next('accepted')).toEqual({ callId, signals: [ANSWER, CANDIDATE], iceServers: [] });
    await alice.roundTrip();
    expect(alice.received.filter((r) => r.event === 'signal')).toEqual([]);
  });

  it('an accept carrying a malformed signal, or more than an answer needs, is refused whole: the call still rings', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    for (const signals of [
      [ANSWER, { kind: 'shell', command: 'rm -rf /' }],
      [{ kind: 'description', description: { type: 'answer', sdp: 'x'.repeat(70_000) } }],
      Array.from({ length: MAX_SIGNALS_WITH_ACCEPT + 1 }, () => CANDIDATE),
      ANSWER,
    ]) {
      const reply = await (bob.socket.emitWithAck as (e: string, p: unknown) => Promise<unknown>)('accept', { callId, signals });
      expect(reply).toMatchObject({ ok: false, error: ErrorCode.BadRequest, message: expect.stringMatching(/^Malformed accept: /) });
    }
    await alice.roundTrip();
    expect(alice.received).toEqual([]);
    expect(await bob.socket.emitWithAck('accept', { callId, signals: [ANSWER] })).toEqual({ ok: true, iceServers: [] });
    expect(await alice.next('accepted')).toEqual({ callId, signals: [ANSWER], iceServers: [] });
  });

  it("the callee's signal sent right behind its accept, without waiting for the accept's reply, is relayed", async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    const [accepted, answered] = await Promise.all([
      bob.socket.emitWithAck('accept', { callId }),
      bob.socket.emitWithAck('signal', { callId, data: ANSWER }),
    ]);
    expect([accepted, answered]).toEqual([{ ok: true, iceServers: [] }, { ok: true }]);
    await alice.next('accepted');
    expect(await alice.next('signal')).toEqual({ callId, data: ANSWER });
  });

  it('a stranger gets nothing of a ringing call and cannot put anything into it', async () => {
    const [alice, bob, mallory] = await Promise.all([peer(), peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
    for (const data of [OFFER, ANSWER, CANDIDATE]) {
      expect(await mallory.socket.emitWithAck('signal', { callId, data })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    }
    expect(await mallory.socket.emitWithAck('accept', { callId, signals: [ANSWER] })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    await Promise.all([mallory.roundTrip(), alice.roundTrip(), bob.roundTrip()]);
    expect(mallory.received).toEqual([]);
    expect(alice.received).toEqual([]);
    expect(bob.received.map((r) => r.event)).toEqual(['incoming', 'signal']);
    // Bob accepts: only what Alice sent reaches him.
    await bob.socket.emitWithAck('accept', { callId });
    await bob.roundTrip();
    expect(bob.received.slice(2)).toEqual([{ event: 'signal', payload: { callId, data: OFFER } }]);
  });

  it('after a declined or cancelled ring, nothing more passes either way', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    for (const ender of ['callee declines', 'caller cancels'] as const) {
      const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
      await alice.socket.emitWithAck('signal', { callId, data: OFFER });
      await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE });
      if (ender === 'callee declines') await bob.socket.emitWithAck('decline', { callId });
      else await alice.socket.emitWithAck('hangup', { callId });
      await Promise.all([alice.roundTrip(), bob.roundTrip()]);
      const seen = { alice: alice.received.length, bob: bob.received.length };
      expect(await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
      expect(await bob.socket.emitWithAck('signal', { callId, data: ANSWER })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
      expect(await bob.socket.emitWithAck('accept', { callId })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
      await Promise.all([alice.roundTrip(), bob.roundTrip()]);
      expect({ alice: alice.received.length, bob: bob.received.length }).toEqual(seen);
      // The held candidate never reached Bob, and nothing of Bob's reached Alice.
      expect(bob.received.filter((r) => r.event === 'signal' && (r.payload as { data: SignalData }).data.kind === 'candidate')).toEqual([]);
      expect(alice.received.filter((r) => r.event === 'signal')).toEqual([]);
    }
  });

  it('holds no more than an offer needs while ringing, and nothing for a declined call', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    for (let i = 0; i < MAX_HELD_SIGNALS; i++) await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE });
    expect(await alice.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    await bob.next('incoming');
    await bob.socket.emitWithAck('decline', { callId });
    await bob.roundTrip();
    expect(bob.received.filter((r) => r.event === 'signal')).toEqual([]);
  });

  it('a third client cannot inject a candidate, accept, or hang up a call it is not in', async () => {
    const [alice, bob, mallory] = await Promise.all([peer(), peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const before = { alice: alice.received.length, bob: bob.received.length };
    for (const attempt of [
      mallory.socket.emitWithAck('signal', { callId, data: CANDIDATE }),
      mallory.socket.emitWithAck('accept', { callId, signals: [ANSWER] }),
      mallory.socket.emitWithAck('hangup', { callId }),
      mallory.socket.emitWithAck('decline', { callId }),
    ]) {
      expect(await attempt).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    }
    await Promise.all([alice.roundTrip(), bob.roundTrip()]);
    expect({ alice: alice.received.length, bob: bob.received.length }).toEqual(before);
    // The call itself still works.
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
  });

  it('the caller cannot accept its own call, and the callee cannot accept twice', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const before = { alice: alice.received.length, bob: bob.received.length };
    // Nor does a refused accept carry anything with it.
    expect(await alice.socket.emitWithAck('accept', { callId, signals: [ANSWER] })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    expect(await bob.socket.emitWithAck('accept', { callId, signals: [ANSWER] })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    await Promise.all([alice.roundTrip(), bob.roundTrip()]);
    expect({ alice: alice.received.length, bob: bob.received.length }).toEqual(before);
  });

  it('a hang-up ends it for the other side, and both are free to take calls again', async () => {
    const [alice, bob, carol] = await Promise.all([peer(), peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    expect(await bob.socket.emitWithAck('hangup', { callId })).toEqual({ ok: true });
    expect(await alice.next('ended')).toEqual({ callId, reason: 'hung-up' });
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    expect(await carol.socket.emitWithAck('ring', { to: alice.code })).toMatchObject({ ok: true });
  });

  it("a hang-up saying the call never connected reaches the other side as 'connection-failed', not as hung up", async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    expect(await bob.socket.emitWithAck('hangup', { callId, reason: 'connection-failed' })).toEqual({ ok: true });
    expect(await alice.next('ended')).toEqual({ callId, reason: 'connection-failed' });
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
  });

  it('a hang-up with any other reason is refused in words and the call goes on for both', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const hangup = (payload: unknown) => (bob.socket.emitWithAck as (event: string, payload: unknown) => Promise<unknown>)('hangup', payload);
    for (const reason of ['declined', 'hung-up', 'gone', 'no-answer', 'Connection-Failed', '', null, 42, ['connection-failed'], { reason: 'connection-failed' }]) {
      expect(await hangup({ callId, reason }), JSON.stringify(reason)).toEqual({
        ok: false,
        error: ErrorCode.BadRequest,
        message: 'Malformed hangup: reason is not valid (expected "connection-failed").',
      });
    }
    await alice.roundTrip();
    expect(alice.received.filter((r) => r.event === 'ended')).toEqual([]);
    expect(await bob.socket.emitWithAck('signal', { callId, data: ANSWER })).toEqual({ ok: true });
    expect(await alice.next('signal')).toEqual({ callId, data: ANSWER });
  });

  it("a ring cannot be ended as 'connection-failed': nothing was accepted, so it is refused and the call still rings", async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await bob.next('incoming');
    for (const party of [alice, bob]) {
      expect(await party.socket.emitWithAck('hangup', { callId, reason: 'connection-failed' })).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
    }
    await Promise.all([alice.roundTrip(), bob.roundTrip()]);
    expect([...alice.received, ...bob.received].filter((r) => r.event === 'ended')).toEqual([]);
    expectOk(await bob.socket.emitWithAck('accept', { callId }));
    expect(await alice.next('accepted')).toMatchObject({ callId });
  });

  it('survives a party’s signaling link dropping: the media is peer to peer, so the server does not end it', async () => {
    const identity = await generateIdentity();
    const [alice, bob] = await Promise.all([peer(), peer(identity)]);
    const callId = await acceptedCall(alice, bob);
    bob.close();
    // Past the grace period on purpose: the server would end a call there, and must not end this one.
    await new Promise((r) => setTimeout(r, GRACE_MS + 200));
    await alice.roundTrip();
    expect(alice.received.some((r) => r.event === 'ended')).toBe(false);
    const back = await peer(identity);
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
    expect(await back.next('signal')).toEqual({ callId, data: OFFER });
  });
});

describe('bad input', () => {
  it('answers malformed requests with a clear error and changes nothing', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const bad: [string, unknown][] = [
      ['ring', { to: 'not a code' }],
      ['ring', { to: bob.code, extra: true }],
      ['ring', 'hello'],
      ['ring', null],
      ['accept', { callId: 'short' }],
      ['signal', { callId, data: { kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(70_000) } } }],
      ['signal', { callId, data: { kind: 'shell', command: 'rm -rf /' } }],
      ['signal', { callId, data: { kind: 'candidate', candidate: { candidate: 42 } } }],
    ];
    for (const [event, payload] of bad) {
      const reply = await (alice.socket.emitWithAck as (e: string, p: unknown) => Promise<unknown>)(event, payload);
      expect(reply, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({
        ok: false,
        error: ErrorCode.BadRequest,
        message: expect.stringMatching(/^Malformed \w+: .+ is not valid/),
      });
    }
    await bob.roundTrip();
    expect(bob.received.filter((r) => r.event === 'signal')).toEqual([]);
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toEqual({ ok: true });
  });

  it('never echoes an oversized SDP back in the error', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    const callId = await acceptedCall(alice, bob);
    const secret = 'a=fingerprint:sha-256 SECRET';
    const reply = await alice.socket.emitWithAck('signal', {
      callId,
      data: { kind: 'description', description: { type: 'offer', sdp: secret + 'x'.repeat(70_000) } },
    });
    expect(JSON.stringify(reply)).not.toContain('SECRET');
  });

  it('survives requests without an acknowledgement, and keeps serving', async () => {
    const alice = await peer();
    (alice.socket.emit as (e: string, p: unknown) => void)('ring', { to: alice.code });
    (alice.socket.emit as (e: string, p: unknown) => void)('no-such-event', { x: 1 });
    const bob = await peer();
    expect(await alice.socket.emitWithAck('ring', { to: bob.code })).toMatchObject({ ok: true });
  });

  it('closes a connection that does not register in time', async () => {
    const client = await unregistered();
    await new Promise((resolve) => client.socket.once('disconnect', resolve));
    expect(client.socket.connected).toBe(false);
  });
});

describe('after a restart and across reconnects', () => {
  it("tells each party when the other's signaling link drops and comes back", async () => {
    const identity = await generateIdentity();
    const [alice, bob] = await Promise.all([peer(), peer(identity)]);
    const callId = await acceptedCall(alice, bob);
    bob.close();
    expect(await alice.next('peer-status')).toEqual({ callId, online: false });
    await peer(identity);
    expect(await alice.next('peer-status')).toEqual({ callId, online: true });
  });

  it('restores an accepted call a restarted server forgot, once both parties name it and each other', async () => {
    const [aliceKey, bobKey] = await Promise.all([generateIdentity(), generateIdentity()]);
    const callId = await acceptedCall(await peer(aliceKey), await peer(bobKey));
    await restartServer();

    const [alice, bob] = await Promise.all([peer(aliceKey), peer(bobKey)]);
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    expect(await alice.socket.emitWithAck('rejoin', { callId, peer: bob.code })).toEqual({ ok: true, peerOnline: false });
    expect(await bob.socket.emitWithAck('rejoin', { callId, peer: alice.code })).toEqual({ ok: true, peerOnline: true });
    expect(await alice.next('peer-status')).toEqual({ callId, online: true });
    // Sent again, as the signal relay does after a refusal that passes.
    expect(await alice.socket.emitWithAck('signal', { callId, data: OFFER, again: true })).toEqual({ ok: true });
    expect(await bob.next('signal')).toEqual({ callId, data: OFFER });
  });

  it('a stranger who names a call and a party cannot join it, nor make that party busy', async () => {
    const [aliceKey, bobKey] = await Promise.all([generateIdentity(), generateIdentity()]);
    const callId = await acceptedCall(await peer(aliceKey), await peer(bobKey));
    await restartServer();

    const [alice, bob, mallory] = await Promise.all([peer(aliceKey), peer(bobKey), peer()]);
    // Mallory claims Alice's call with Alice as her peer; Alice claims it with Bob.
    await mallory.socket.emitWithAck('rejoin', { callId, peer: alice.code });
    expect(await alice.socket.emitWithAck('rejoin', { callId, peer: bob.code })).toEqual({ ok: true, peerOnline: false });
    expect(await mallory.socket.emitWithAck('signal', { callId, data: CANDIDATE })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    expect(await bob.socket.emitWithAck('rejoin', { callId, peer: alice.code })).toEqual({ ok: true, peerOnline: true });
    await alice.roundTrip();
    expect(alice.received.filter((r) => r.event === 'signal')).toEqual([]);
    expect(await mallory.socket.emitWithAck('rejoin', { callId, peer: alice.code })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
  });
});
