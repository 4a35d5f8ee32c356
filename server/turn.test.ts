/**
 * TURN credentials handed out with ring and accept, checked by a real coturn
 * started with the same secret: a fresh one gets a relay, an expired or a
 * forged one is refused by coturn itself.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IceServer } from '../src/shared/protocol';
import { type RunningTurn, startCoturn } from '../test/e2e/support/coturn';
import { allocate } from '../test/e2e/support/turn-client';
import { readConfig } from './config';
import { closeAll, connectPeer, expectOk, next, type Peer, startTestServer, type TestServer } from './testing/harness';
import { turnCredential } from './turn-credentials';

const SECRET = 'test-secret-shared-with-coturn';
const TTL_SECONDS = 600;

let turn: RunningTurn;
let server: TestServer;
let alice: Peer;
let bob: Peer;

beforeAll(async () => {
  turn = await startCoturn(SECRET);
});
afterAll(async () => {
  await turn?.stop();
});
afterEach(async () => {
  closeAll(alice, bob);
  await server?.close();
});

function relayOf(iceServers: IceServer[]): IceServer {
  const relay = iceServers.find((server) => server.urls.some((url) => url.startsWith('turn:')));
  if (!relay?.username || !relay.credential) throw new Error(`No TURN credential in ${JSON.stringify(iceServers.map((s) => s.urls))}`);
  return relay;
}

describe('TURN credentials', () => {
  it('the ring hands each party its own credential (the caller in the answer, the callee with the call) that coturn grants a relay for', async () => {
    server = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: String(TTL_SECONDS), STUN_URLS: 'stun:127.0.0.1:3478' });
    [alice, bob] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    const incoming = next(bob.socket, 'incoming');
    const before = Math.floor(Date.now() / 1000);
    const rang = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    const ringing = await incoming;
    const after = Math.floor(Date.now() / 1000);

    for (const [who, iceServers] of [[alice, rang.iceServers], [bob, ringing.iceServers]] as const) {
      expect(iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
      const relay = relayOf(iceServers);
      expect(relay.urls).toEqual([turn.url]);
      const [expiry, code] = relay.username!.split(':');
      expect(code).toBe(who.code);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + TTL_SECONDS);
      expect(Number(expiry)).toBeLessThanOrEqual(after + TTL_SECONDS);
      expect(relay.credential).toBe(createHmac('sha1', SECRET).update(relay.username!).digest('base64'));
      expect(await allocate(turn.port, relay.username!, relay.credential!)).toEqual({ granted: true });
    }
  });

  it('without TURN configured, hands out no relay at all', async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    const rang = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(rang.iceServers).toEqual([]);
  });

  it('coturn refuses an expired credential', async () => {
    const config = readConfig({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: '60' });
    const expired = turnCredential(config.turn!, 'ALICE0000000', Date.now() - 120_000);
    expect(await allocate(turn.port, expired.username!, expired.credential!)).toMatchObject({ granted: false, code: 401 });
  });

  it('coturn refuses a credential made with another secret, or an edited username', async () => {
    const config = readConfig({ TURN_URLS: turn.url, TURN_SECRET: 'not-the-secret-coturn-knows' });
    const forged = turnCredential(config.turn!, 'MALLORY00000', Date.now());
    expect(await allocate(turn.port, forged.username!, forged.credential!)).toMatchObject({ granted: false, code: 401 });

    const genuine = turnCredential({ ...config.turn!, secret: SECRET }, 'ALICE0000000', Date.now());
    const stretched = genuine.username!.replace(/^\d+/, (expiry) => String(Number(expiry) + 86_400));
    expect(await allocate(turn.port, stretched, genuine.credential!)).toMatchObject({ granted: false, code: 401 });
    expect(await allocate(turn.port, genuine.username!, genuine.credential!)).toEqual({ granted: true });
  });
});
