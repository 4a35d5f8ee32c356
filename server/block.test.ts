/**
 * Keeping someone busy, and learning that they are (issue 20, finding 5): the
 * person being rung blocks a code, and its rings answer exactly as an offline
 * code's, on one server process or several.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/shared/call-code';
import { ErrorCode, MAX_BLOCKED_CODES, type Result } from '../src/shared/protocol';
import { type RunningServer, startServer } from '../test/e2e/support/server';
import { type Client, closeAll, connectPeer, expectOk, type Identity, next, type Peer, startTestServer, type TestServer } from './testing/harness';
import { type RunningRedis, startRedis } from './testing/redis';

let server: TestServer;
const open: { socket: Client }[] = [];

afterEach(() => {
  closeAll(...open.splice(0));
});

type Options = Parameters<typeof connectPeer>[1];

let households = 0;
/**
 * A loopback address of its own (127.0.x.y), for a connection that stands for a household of its own: the
 * per-address limits (misses, rings at once) are shared by the tests of a file, and must not answer for one another.
 */
function household(): Options {
  households++;
  return { localAddress: `127.0.${1 + Math.floor(households / 250)}.${1 + (households % 250)}` };
}

/** A registered connection, from a household of its own unless the options name one. */
async function peerOn(url: string, options: Options = household(), identity?: Identity, blocked?: string[]): Promise<Peer & { identity: Identity }> {
  const peer = await connectPeer(url, options, identity, blocked);
  open.push(peer);
  return peer;
}

/** Whatever a ring answers, as a word: its error code, or "rang" (after which the caller cancels, freeing both). */
async function ringOnce(caller: Peer, to: string): Promise<string> {
  const reply = await caller.socket.emitWithAck('ring', { to });
  if (!reply.ok) return reply.error;
  expectOk(await caller.socket.emitWithAck('hangup', { callId: reply.callId }));
  return 'rang';
}

/**
 * Everything the server sent this connection before its answer has arrived (Socket.IO keeps order per connection):
 * a request that changes nothing, a signal for a call that does not exist.
 */
async function roundTrip(socket: Client): Promise<void> {
  const reply = await socket.emitWithAck('signal', { callId: 'no-such-call-round-trip', data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } } });
  expect(reply).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
}

/** A well-formed code nobody holds. */
async function offlineCode(): Promise<string> {
  return (await generateIdentity()).code;
}

describe('one process', () => {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  describe('blocking a code', () => {
    it("answers a blocked caller's ring exactly as it answers a ring to an offline code, and the callee hears nothing", async () => {
      const alice = await peerOn(server.url);
      const offline: Result = await alice.socket.emitWithAck('ring', { to: await offlineCode() });
      const bob = await peerOn(server.url, household(), undefined, [alice.code]);
      let rang = false;
      bob.socket.on('incoming', () => (rang = true));

      const blocked: Result = await alice.socket.emitWithAck('ring', { to: bob.code });
      expect(offline).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
      expect(blocked).toEqual(offline);
      await roundTrip(bob.socket);
      expect(rang).toBe(false);
    });

    it('blocks and unblocks while online, and the unblocked caller rings through again', async () => {
      const [alice, bob] = await Promise.all([peerOn(server.url), peerOn(server.url)]);
      expectOk(await bob.socket.emitWithAck('set-blocked', { codes: [alice.code] }));
      expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Unavailable);

      expectOk(await bob.socket.emitWithAck('set-blocked', { codes: [] }));
      const incoming = next(bob.socket, 'incoming');
      expect(await ringOnce(alice, bob.code)).toBe('rang');
      expect((await incoming).from).toBe(alice.code);
    });

    it('blocks only the codes listed: someone else still rings through', async () => {
      const [alice, carol] = await Promise.all([peerOn(server.url), peerOn(server.url, household())]);
      const bob = await peerOn(server.url, household(), undefined, [alice.code]);
      const incoming = next(bob.socket, 'incoming');
      expect(await ringOnce(carol, bob.code)).toBe('rang');
      expect((await incoming).from).toBe(carol.code);
    });

    it('keeps the list in force across a reconnection, since the extension hands it over again with each registration', async () => {
      const alice = await peerOn(server.url);
      const bob = await peerOn(server.url, household(), undefined, [alice.code]);
      bob.socket.disconnect();
      const back = await peerOn(server.url, household(), bob.identity, [alice.code]);
      expect(back.code).toBe(bob.code);
      expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Unavailable);
    });

    it("keeps the successor's list when the connection it replaced goes away after it registered", async () => {
      const alice = await peerOn(server.url);
      const first = await peerOn(server.url, household(), undefined, [alice.code]);
      const dropped = next(first.socket, 'disconnect' as never);
      // The same install on a new connection: the server drops the old one, whose departure must not take the new list.
      await peerOn(server.url, household(), first.identity, [alice.code]);
      await dropped;
      expect(await ringOnce(alice, first.code)).toBe(ErrorCode.Unavailable);
    });

    it(`refuses a list of more than ${MAX_BLOCKED_CODES} codes in words and keeps the one it had; a malformed code likewise`, async () => {
      const alice = await peerOn(server.url);
      const bob = await peerOn(server.url, household(), undefined, [alice.code]);
      const codes = await Promise.all(Array.from({ length: MAX_BLOCKED_CODES }, offlineCode));

      const tooMany = await bob.socket.emitWithAck('set-blocked', { codes: [...codes, alice.code] });
      expect(tooMany).toEqual({ ok: false, error: ErrorCode.BadRequest, message: `Malformed set-blocked: codes is not valid (at most ${MAX_BLOCKED_CODES} entries).` });
      const notACode = await bob.socket.emitWithAck('set-blocked', { codes: ['not a code'] });
      expect(notACode).toMatchObject({ ok: false, error: ErrorCode.BadRequest, message: /^Malformed set-blocked: codes\.0 is not valid/ });
      // Neither changed anything: Alice is still blocked.
      expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Unavailable);

      // At the bound exactly, and once more with the registration, where a list too long is refused the same way.
      expectOk(await bob.socket.emitWithAck('set-blocked', { codes: [...codes.slice(1), alice.code] }));
      expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Unavailable);
      await expect(peerOn(server.url, household(), undefined, [...codes, alice.code])).rejects.toThrow(
        `Malformed register: blocked is not valid (at most ${MAX_BLOCKED_CODES} entries).`,
      );
    });
  });
});

describe('two processes sharing Redis', () => {
  let redis: RunningRedis;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startServer({ REDIS_URL: redis.url }), startServer({ REDIS_URL: redis.url })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('a list handed to one process turns away a caller on the other, through a reconnection to the other, until unblocked', async () => {
    const alice = await peerOn(b.url);
    const offline: Result = await alice.socket.emitWithAck('ring', { to: await offlineCode() });
    const bob = await peerOn(a.url, household(), undefined, [alice.code]);
    expect(await alice.socket.emitWithAck('ring', { to: bob.code })).toEqual(offline);

    // Bob's extension reconnects, to the other process this time, and hands its list over again.
    const dropped = next(bob.socket, 'disconnect' as never);
    const back = await peerOn(b.url, household(), bob.identity, [alice.code]);
    await dropped;
    expect(await alice.socket.emitWithAck('ring', { to: bob.code })).toEqual(offline);

    expectOk(await back.socket.emitWithAck('set-blocked', { codes: [] }));
    const incoming = next(back.socket, 'incoming');
    expect(await ringOnce(alice, bob.code)).toBe('rang');
    expect((await incoming).from).toBe(alice.code);
  });
});
