/**
 * Keeping someone busy, and learning that they are (issue 20, finding 5): the
 * person being rung blocks a code, and its rings answer exactly as an offline
 * code's; one caller, by its code or by its address, cannot ring one person
 * more than RINGS_PER_PAIR times in a window; and a ring that finds the callee
 * in another call is told to the callee, within bounds, to write down as missed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/shared/call-code';
import { ErrorCode, MAX_BLOCKED_CODES, type MissedWhileBusy, type Result } from '../src/shared/protocol';
import { MISSED_WHILE_BUSY_PER_CALLEE } from './ring-pairs';
import { type RunningServer, startServer } from '../test/e2e/support/server';
import { type Client, closeAll, connectPeer, expectOk, type Identity, next, type Peer, setUpCall, startTestServer, type TestServer } from './testing/harness';
import { type RunningRedis, startRedis } from './testing/redis';

/** The default: what the README states. */
const RINGS_PER_PAIR = 5;
/** A ring connection may ring this often a minute (server/rate-limits.ts): more rings from one code need more connections. */
const RINGS_PER_CONNECTION = 5;

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
 * `count` rings from one install to one code, each answer as a word: on a fresh connection every few rings, so the
 * per-connection ring limit never answers in the pair limit's place, and from a fresh address each time unless the
 * options name one, so only the count by code can stop them.
 */
async function ringsFrom(url: string, identity: Identity, to: string, count: number, options?: Options): Promise<string[]> {
  const answers: string[] = [];
  let caller: Peer | undefined;
  for (let i = 0; i < count; i++) {
    if (i % (RINGS_PER_CONNECTION - 1) === 0) caller = await peerOn(url, options ?? household(), identity);
    answers.push(await ringOnce(caller!, to));
  }
  return answers;
}

/** `count` calls from one install, each rung, accepted and hung up; on a fresh connection every few, as in ringsFrom. */
async function answeredCalls(url: string, identity: Identity, callee: Peer, count: number, options?: Options): Promise<void> {
  let caller: Peer | undefined;
  for (let i = 0; i < count; i++) {
    if (i % (RINGS_PER_CONNECTION - 1) === 0) caller = await peerOn(url, options ?? household(), identity);
    const incoming = next(callee.socket, 'incoming');
    const { callId } = expectOk(await caller!.socket.emitWithAck('ring', { to: callee.code }));
    await incoming;
    expectOk(await callee.socket.emitWithAck('accept', { callId }));
    expectOk(await caller!.socket.emitWithAck('hangup', { callId }));
  }
}

/** Every `missed-while-busy` this connection receives from now on. */
function collectMissed(socket: Client): MissedWhileBusy[] {
  const missed: MissedWhileBusy[] = [];
  socket.on('missed-while-busy', (event) => missed.push(event));
  return missed;
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

  describe('ringing one person again and again', () => {
    it(`stops the ${RINGS_PER_PAIR + 1}th ring from one caller to one person in words, while another caller and another callee are unaffected`, async () => {
      const alice = await peerOn(server.url);
      const [bob, carol] = await Promise.all([peerOn(server.url), peerOn(server.url)]);
      const answers = await ringsFrom(server.url, alice.identity, bob.code, RINGS_PER_PAIR + 1);
      expect(answers).toEqual([...Array<string>(RINGS_PER_PAIR).fill('rang'), ErrorCode.RateLimited]);
      const caller = await peerOn(server.url, household(), alice.identity);
      expect(await caller.socket.emitWithAck('ring', { to: bob.code })).toMatchObject({ message: /^Too many calls to this code; try again in \d+ s\.$/ });

      // Alice may still ring someone else, and someone from another household may still ring Bob.
      expect(await ringOnce(caller, carol.code)).toBe('rang');
      const dave = await peerOn(server.url, household());
      expect(await ringOnce(dave, bob.code)).toBe('rang');
    });

    it('lets people who answer each other call as often as they like: an accepted ring gives its count back', async () => {
      const bob = await peerOn(server.url);
      // One household, one code: neither count stops them.
      await answeredCalls(server.url, await generateIdentity(), bob, 2 * RINGS_PER_PAIR, household());
    });

    it('stops throwaway codes from one address just the same: the address is counted too', async () => {
      const bob = await peerOn(server.url);
      const answers: string[] = [];
      const shared = household();
      for (let i = 0; i <= RINGS_PER_PAIR; i++) answers.push(await ringOnce(await peerOn(server.url, shared), bob.code));
      expect(answers).toEqual([...Array<string>(RINGS_PER_PAIR).fill('rang'), ErrorCode.RateLimited]);
      // A caller on another address is not held up by them.
      expect(await ringOnce(await peerOn(server.url, household()), bob.code)).toBe('rang');
    });

    it('answers the same sequence whether the callee is offline or has blocked the caller: the limit tells nothing', async () => {
      const bob = await peerOn(server.url, household(), undefined, []);
      const [alice, eve] = await Promise.all([generateIdentity(), generateIdentity()]);
      expectOk(await bob.socket.emitWithAck('set-blocked', { codes: [alice.code] }));
      const toBlocker = await ringsFrom(server.url, alice, bob.code, RINGS_PER_PAIR + 1);
      const toOffline = await ringsFrom(server.url, eve, await offlineCode(), RINGS_PER_PAIR + 1);
      expect(toBlocker).toEqual(toOffline);
      expect(toBlocker).toEqual([...Array<string>(RINGS_PER_PAIR).fill(ErrorCode.Unavailable), ErrorCode.RateLimited]);
    });
  });

  describe('a ring while busy', () => {
    it('tells the callee who rang, with the name a guest gave, while the caller hears only "busy"', async () => {
      const [bob, carol] = await Promise.all([peerOn(server.url), peerOn(server.url)]);
      await setUpCall(carol, bob);
      const missed = collectMissed(bob.socket);
      const [alice, guest] = await Promise.all([peerOn(server.url, household()), peerOn(server.url, household())]);

      expect(await alice.socket.emitWithAck('ring', { to: bob.code })).toEqual({ ok: false, error: ErrorCode.Busy, message: 'They are in another call.' });
      expect(await guest.socket.emitWithAck('ring', { to: bob.code, name: 'Ann' })).toMatchObject({ ok: false, error: ErrorCode.Busy });
      await roundTrip(bob.socket);
      expect(missed).toEqual([{ from: alice.code }, { from: guest.code, name: 'Ann' }]);
      // Carol, in the call, heard nothing of it.
      await roundTrip(carol.socket);
    });

    it('tells nothing of a blocked caller, whose ring answers as offline even while the callee is busy', async () => {
      const [bob, carol, alice] = await Promise.all([peerOn(server.url), peerOn(server.url), peerOn(server.url, household())]);
      expectOk(await bob.socket.emitWithAck('set-blocked', { codes: [alice.code] }));
      await setUpCall(carol, bob);
      const missed = collectMissed(bob.socket);
      expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Unavailable);
      await roundTrip(bob.socket);
      expect(missed).toEqual([]);
    });

    it(`bounds what reaches the callee: ${RINGS_PER_PAIR} from one caller, ${MISSED_WHILE_BUSY_PER_CALLEE} from many together`, async () => {
      const [bob, carol] = await Promise.all([peerOn(server.url), peerOn(server.url)]);
      await setUpCall(carol, bob);
      const missed = collectMissed(bob.socket);

      const alice = await generateIdentity();
      const fromOne = await ringsFrom(server.url, alice, bob.code, RINGS_PER_PAIR + 3);
      expect(fromOne).toEqual([...Array<string>(RINGS_PER_PAIR).fill(ErrorCode.Busy), ...Array<string>(3).fill(ErrorCode.RateLimited)]);
      await roundTrip(bob.socket);
      expect(missed).toHaveLength(RINGS_PER_PAIR);

      // Fresh codes from fresh addresses, each within its own pair limit: the callee's bound stops them together.
      for (let i = 0; i < MISSED_WHILE_BUSY_PER_CALLEE; i++) {
        expect(await ringOnce(await peerOn(server.url, household()), bob.code)).toBe(ErrorCode.Busy);
      }
      await roundTrip(bob.socket);
      expect(missed).toHaveLength(MISSED_WHILE_BUSY_PER_CALLEE);
    });
  });
});

describe('the finding, replayed', () => {
  /** The server's shortest ring, so unanswered rings end within the test. */
  const RING_TIMEOUT_MS = 1_000;
  let short: TestServer;
  beforeAll(async () => {
    short = await startTestServer({ RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
  });
  afterAll(() => short.close());

  it('four throwaway codes on one address re-ringing a person as each ring ends keep them busy for five rings, then not at all', async () => {
    const [bob, carol] = await Promise.all([peerOn(short.url), peerOn(short.url)]);
    const attacker = household();
    const codes = await Promise.all([0, 1, 2, 3].map(() => peerOn(short.url, attacker)));
    const missed = collectMissed(bob.socket);
    const firstRing = next(bob.socket, 'incoming');

    // Each code in turn rings Bob, who does not answer, and rings again the moment the ring ends, until refused.
    const attack = (async () => {
      const answers: string[] = [];
      for (let turn = 0; ; turn++) {
        const caller = codes[turn % codes.length]!;
        const reply = await caller.socket.emitWithAck('ring', { to: bob.code });
        answers.push(reply.ok ? 'rang' : reply.error);
        if (!reply.ok) return answers;
        await next(caller.socket, 'ended');
      }
    })();

    // Carol, Bob's real contact, rings while the attack is on: busy, and Bob is told she tried.
    await firstRing;
    expect(await ringOnce(carol, bob.code)).toBe(ErrorCode.Busy);
    expect(await attack).toEqual([...Array<string>(RINGS_PER_PAIR).fill('rang'), ErrorCode.RateLimited]);
    // The attacker's address is done with Bob for the window, whichever code it uses; Carol rings through.
    expect(await ringOnce(codes[0]!, bob.code)).toBe(ErrorCode.RateLimited);
    expect(await ringOnce(carol, bob.code)).toBe('rang');
    await roundTrip(bob.socket);
    expect(missed).toEqual([{ from: carol.code }]);
  });
});

describe('two processes sharing Redis', () => {
  let redis: RunningRedis;
  let a: RunningServer;
  let b: RunningServer;

  // Kept, so servers still starting when the hook gives up are stopped all the same.
  let starting: Promise<RunningServer>[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const both = [startServer({ REDIS_URL: redis.url }), startServer({ REDIS_URL: redis.url })] as const;
    starting = [...both];
    [a, b] = await Promise.all(both);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(starting.map((started) => started.then((running) => running.stop(), () => undefined)));
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

  it('counts one caller ringing one person on both processes together', async () => {
    const bob = await peerOn(a.url);
    const alice = await generateIdentity();
    const answers: string[] = [];
    for (let i = 0; i <= RINGS_PER_PAIR; i++) answers.push(await ringOnce(await peerOn(i % 2 ? a.url : b.url, household(), alice), bob.code));
    expect(answers).toEqual([...Array<string>(RINGS_PER_PAIR).fill('rang'), ErrorCode.RateLimited]);
  });

  it('gives back the count of a ring rung on one process and accepted on the other', async () => {
    const bob = await peerOn(a.url);
    await answeredCalls(b.url, await generateIdentity(), bob, RINGS_PER_PAIR + 1);
  });

  it('tells a busy callee on one process of a ring from the other', async () => {
    const [bob, carol] = await Promise.all([peerOn(a.url), peerOn(a.url)]);
    await setUpCall(carol, bob);
    const missed = next(bob.socket, 'missed-while-busy');
    const alice = await peerOn(b.url);
    expect(await ringOnce(alice, bob.code)).toBe(ErrorCode.Busy);
    expect(await missed).toEqual({ from: alice.code });
  });
});
