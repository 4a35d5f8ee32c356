/**
 * TURN credentials go to the parties of a call, not to whoever rings: a
 * caller gets one with its ring from a small budget, each party one once the
 * call is accepted, and a party of an accepted call a fresh one when it asks.
 * A real coturn started with the same secret is the judge of every credential:
 * a fresh one gets a relay, an expired or a forged one is refused by coturn
 * itself.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallIce, ErrorCode, type IceServer, type Result } from '../src/shared/protocol';
import { type RunningTurn, startCoturn } from '../test/e2e/support/coturn';
import { allocate } from '../test/e2e/support/turn-client';
import { readConfig } from './config';
import { type Client, closeAll, connectPeer, expectOk, next, type Peer, startTestServer, type TestServer } from './testing/harness';
import { type RunningRedis, startRedis } from './testing/redis';
import { turnCredential } from './turn-credentials';

const SECRET = 'test-secret-shared-with-coturn';
const STUN = { urls: ['stun:127.0.0.1:3478'] };
/** Another household: the per-address budgets count it apart. */
const OTHER_ADDRESS = '127.0.0.2';

let turn: RunningTurn;
const servers: TestServer[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  turn = await startCoturn(SECRET);
});
afterAll(async () => {
  await turn?.stop();
});
afterEach(async () => {
  closeAll(...peers.splice(0));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serverWith(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, STUN_URLS: STUN.urls[0]!, ...env });
  servers.push(server);
  return server;
}

async function peerOn(server: TestServer, localAddress?: string): Promise<Peer> {
  const peer = await connectPeer(server.url, localAddress ? { localAddress } : {});
  peers.push(peer);
  return peer;
}

function relayOf(iceServers: IceServer[]): IceServer | undefined {
  return iceServers.find((server) => server.urls.some((url) => url.startsWith('turn:')));
}

/** The TURN credential among these servers, checked to be made for this code with the shared secret. */
function credentialFor(code: string, iceServers: IceServer[]): { username: string; credential: string; expiry: number } {
  const relay = relayOf(iceServers);
  if (!relay?.username || !relay.credential) throw new Error(`No TURN credential in ${JSON.stringify(iceServers.map((s) => s.urls))}`);
  expect(relay.urls).toEqual([turn.url]);
  const [expiry, owner] = relay.username.split(':');
  expect(owner).toBe(code);
  expect(relay.credential).toBe(createHmac('sha1', SECRET).update(relay.username).digest('base64'));
  return { username: relay.username, credential: relay.credential, expiry: Number(expiry) };
}

async function expectGranted(code: string, iceServers: IceServer[]): Promise<number> {
  const { username, credential, expiry } = credentialFor(code, iceServers);
  expect(await allocate(turn.port, username, credential)).toEqual({ granted: true });
  return expiry;
}

const seconds = () => Math.floor(Date.now() / 1000);

/** Rings and hangs up before any answer: what a throwaway caller does to collect credentials. */
async function ringAndCancel(caller: Peer, callee: Peer): Promise<IceServer[]> {
  const incoming = next(callee.socket, 'incoming');
  const rang = expectOk(await caller.socket.emitWithAck('ring', { to: callee.code }));
  await incoming;
  const ended = next(callee.socket, 'ended');
  expectOk(await caller.socket.emitWithAck('hangup', { callId: rang.callId }));
  await ended;
  return rang.iceServers;
}

/** A request the server may not know (the old server drops it unanswered): a timeout reads as a failure, not a hang. */
function renew(socket: Client, callId: string): Promise<Result<CallIce>> {
  return socket
    .timeout(2_000)
    .emitWithAck('renew-relay', { callId })
    .catch(() => ({ ok: false, error: ErrorCode.Unreachable, message: 'no answer' }) as const);
}

describe('TURN credentials for the parties of a call', () => {
  it('the callee hears of a ring with STUN only; its relay comes with its accept, the caller’s again with the accepted, each granted by coturn and good for ten minutes', async () => {
    const server = await serverWith();
    const [alice, bob] = [await peerOn(server), await peerOn(server)];
    const incoming = next(bob.socket, 'incoming');
    const before = seconds();
    const rang = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    const ringing = await incoming;

    // A ring nobody has answered gives the callee nothing to relay with.
    expect(ringing.iceServers).toEqual([STUN]);
    expect(rang.iceServers[0]).toEqual(STUN);
    const ringExpiry = await expectGranted(alice.code, rang.iceServers);
    // Minutes past the ring, not a day.
    expect(ringExpiry).toBeLessThanOrEqual(seconds() + 600);
    expect(ringExpiry).toBeGreaterThanOrEqual(before + 600);

    const accepted = next(alice.socket, 'accepted');
    const taken = expectOk(await bob.socket.emitWithAck('accept', { callId: rang.callId }));
    expect(taken.relayTtlMs).toBe(600_000);
    expect(taken.iceServers[0]).toEqual(STUN);
    await expectGranted(bob.code, taken.iceServers);
    const news = await accepted;
    expect(news.relayTtlMs).toBe(600_000);
    await expectGranted(alice.code, news.iceServers);
  });

  it('a caller past its ring budget (per code, then per address) rings with STUN only, and gets its relay when the call is accepted', async () => {
    const server = await serverWith({ TURN_RING_BUDGET: '2', TURN_RING_BUDGET_PER_ADDRESS: '3' });
    const [alice, carol, bob] = [await peerOn(server), await peerOn(server), await peerOn(server)];
    const neighbour = await peerOn(server, OTHER_ADDRESS);

    // Alice's code has two, then none, whichever callee she rings.
    await expectGranted(alice.code, await ringAndCancel(alice, bob));
    await expectGranted(alice.code, await ringAndCancel(alice, carol));
    expect(await ringAndCancel(alice, bob)).toEqual([STUN]);
    // Carol, a fresh code at the same address: the address has one left, then none.
    await expectGranted(carol.code, await ringAndCancel(carol, bob));
    expect(await ringAndCancel(carol, bob)).toEqual([STUN]);
    // Another address is another budget.
    await expectGranted(neighbour.code, await ringAndCancel(neighbour, bob));

    // Past the budget the call still works, and relays once accepted.
    const incoming = next(bob.socket, 'incoming');
    const rang = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(rang.iceServers).toEqual([STUN]);
    await incoming;
    const accepted = next(alice.socket, 'accepted');
    await expectGranted(bob.code, expectOk(await bob.socket.emitWithAck('accept', { callId: rang.callId })).iceServers);
    await expectGranted(alice.code, (await accepted).iceServers);
  });

  it('an unanswered ring’s credential is refused by coturn once its lifetime (30 s here) is over', { timeout: 45_000 }, async () => {
    const server = await serverWith({ TURN_TTL: '30' });
    const [alice, bob] = [await peerOn(server), await peerOn(server)];
    const iceServers = await ringAndCancel(alice, bob);
    // Granted while fresh, the ring over: what the throwaway caller of issue 20 held.
    const expiry = await expectGranted(alice.code, iceServers);
    expect(expiry).toBeLessThanOrEqual(seconds() + 30);
    const { username, credential } = credentialFor(alice.code, iceServers);
    // coturn allows a credential through its expiry second; the second after, it is past.
    await new Promise((r) => setTimeout(r, (expiry + 1) * 1000 - Date.now() + 100));
    expect(await allocate(turn.port, username, credential)).toMatchObject({ granted: false, code: 401 });
  });

  it('renew-relay gives a party of an accepted call a fresh credential coturn grants; a stranger, or a party of a call still ringing, gets a refusal and the call goes on', async () => {
    const server = await serverWith();
    const [alice, bob, carol, dave] = [await peerOn(server), await peerOn(server), await peerOn(server), await peerOn(server)];
    const mallory = await peerOn(server, OTHER_ADDRESS);

    const incoming = next(bob.socket, 'incoming');
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await incoming;
    expectOk(await bob.socket.emitWithAck('accept', { callId }));
    for (const party of [alice, bob]) {
      const fresh = expectOk(await renew(party.socket, callId));
      expect(fresh.relayTtlMs).toBe(600_000);
      await expectGranted(party.code, fresh.iceServers);
    }
    // Someone who learnt the call id is not in the call.
    expect(await renew(mallory.socket, callId)).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    expect(await renew(mallory.socket, callId)).not.toHaveProperty('iceServers');

    const ringing = next(dave.socket, 'incoming');
    const rang = expectOk(await carol.socket.emitWithAck('ring', { to: dave.code }));
    await ringing;
    for (const party of [carol, dave]) {
      const refused = await renew(party.socket, rang.callId);
      expect(refused).toMatchObject({ ok: false, error: ErrorCode.OutOfTurn });
      expect(refused).not.toHaveProperty('iceServers');
    }
    // Nothing changed: the call still rings, and is accepted as usual.
    const accepted = next(carol.socket, 'accepted');
    expectOk(await dave.socket.emitWithAck('accept', { callId: rang.callId }));
    expect((await accepted).callId).toBe(rang.callId);
    // The first call went on too.
    expectOk(await renew(bob.socket, callId));
  });

  it('a party gets at most three fresh credentials per credential lifetime, however often it asks', async () => {
    const server = await serverWith({ TURN_TTL: '30' });
    const [alice, bob] = [await peerOn(server), await peerOn(server)];
    const incoming = next(bob.socket, 'incoming');
    const { callId } = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    await incoming;
    expectOk(await bob.socket.emitWithAck('accept', { callId }));
    for (let i = 0; i < 3; i++) expectOk(await renew(bob.socket, callId));
    const refused = await renew(bob.socket, callId);
    expect(refused).toMatchObject({ ok: false, error: ErrorCode.RateLimited, message: expect.stringMatching(/renewed too often; try again in \d+ s/) });
    // Alice's are hers: Bob's asking spent none of them.
    expectOk(await renew(alice.socket, callId));
  });

  it('without TURN configured, hands out no relay at all', async () => {
    const server = await startTestServer();
    servers.push(server);
    const [alice, bob] = [await peerOn(server), await peerOn(server)];
    const incoming = next(bob.socket, 'incoming');
    const rang = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(rang.iceServers).toEqual([]);
    await incoming;
    expect(expectOk(await bob.socket.emitWithAck('accept', { callId: rang.callId }))).toEqual({ ok: true, iceServers: [] });
  });
});

describe('the ring budget with Redis', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('is one budget for an address across processes', async () => {
    const env = { REDIS_URL: redis.url, TURN_RING_BUDGET: '5', TURN_RING_BUDGET_PER_ADDRESS: '2' };
    const [a, b] = [await serverWith(env), await serverWith(env)];
    const [alice, bob, carol, dave] = [await peerOn(a), await peerOn(a), await peerOn(b), await peerOn(b)];
    await expectGranted(alice.code, await ringAndCancel(alice, bob));
    await expectGranted(carol.code, await ringAndCancel(carol, dave));
    expect(await ringAndCancel(alice, dave)).toEqual([STUN]);
    expect(await ringAndCancel(carol, bob)).toEqual([STUN]);
  });
});

describe('coturn itself', () => {
  it('refuses an expired credential', async () => {
    const config = readConfig({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: '60' });
    const expired = turnCredential(config.turn!, 'ALICE0000000', Date.now() - 120_000);
    expect(await allocate(turn.port, expired.username!, expired.credential!)).toMatchObject({ granted: false, code: 401 });
  });

  it('refuses a credential made with another secret, or an edited username', async () => {
    const config = readConfig({ TURN_URLS: turn.url, TURN_SECRET: 'not-the-secret-coturn-knows' });
    const forged = turnCredential(config.turn!, 'MALLORY00000', Date.now());
    expect(await allocate(turn.port, forged.username!, forged.credential!)).toMatchObject({ granted: false, code: 401 });

    const genuine = turnCredential({ ...config.turn!, secret: SECRET }, 'ALICE0000000', Date.now());
    const stretched = genuine.username!.replace(/^\d+/, (expiry) => String(Number(expiry) + 86_400));
    expect(await allocate(turn.port, stretched, genuine.credential!)).toMatchObject({ granted: false, code: 401 });
    expect(await allocate(turn.port, genuine.username!, genuine.credential!)).toEqual({ granted: true });
  });
});
