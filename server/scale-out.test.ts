/**
 * Two server processes sharing one real Redis, as behind a load balancer:
 * people connected to different processes call each other, a code has one
 * owner across them, and a process killed mid-ring leaves nothing stuck.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EndReason, ErrorCode } from '../src/shared/protocol';
import { eventually } from '../test/e2e/support/probes';
import { type RunningServer, startServer } from '../test/e2e/support/server';
import { closeAll, connect, connectPeer, expectOk, next, type Peer, register, setUpCall } from './testing/harness';
import { channelOf } from './redis/mailbox';
import { type RunningRedis, startRedis } from './testing/redis';

/** Short, so a ring left by a killed process ends within the test; the server's minimum. */
const RING_TIMEOUT_MS = 1_000;

let redis: RunningRedis;
let a: RunningServer;
let b: RunningServer;
const peers: Peer[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) };
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

afterEach(() => {
  closeAll(...peers.splice(0));
});

async function peerOn(server: RunningServer, identity?: Parameters<typeof connectPeer>[2]) {
  const peer = await connectPeer(server.url, {}, identity);
  peers.push(peer);
  return peer;
}

/** Server processes whose heartbeat key is in Redis. */
async function liveProcesses(): Promise<number> {
  const client = new Redis(redis.url);
  try {
    return (await client.keys('peerdial:alive:*')).length;
  } finally {
    client.disconnect();
  }
}

/** The channel each live server process reads (server/redis/mailbox.ts), sorted. */
async function processChannels(client: Redis): Promise<string[]> {
  return (await client.keys('peerdial:alive:*')).map((key) => channelOf(key.slice('peerdial:alive:'.length))).sort();
}

describe('several processes behind Redis', () => {
  it('a caller on one process reaches a callee on another: ring, accept, relay both ways, hang up', async () => {
    const [alice, bob] = await Promise.all([peerOn(a), peerOn(b)]);
    const callId = await setUpCall(alice, bob);
    const candidate = next(alice.socket, 'signal');
    const data = { kind: 'candidate' as const, candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    expectOk(await bob.socket.emitWithAck('signal', { callId, data }));
    expect(await candidate).toEqual({ callId, data });

    const ended = next(bob.socket, 'ended');
    expectOk(await alice.socket.emitWithAck('hangup', { callId }));
    expect(await ended).toEqual({ callId, reason: EndReason.HungUp });
    // Both free again, on both processes.
    const again = next(alice.socket, 'incoming');
    expectOk(await bob.socket.emitWithAck('ring', { to: alice.code }));
    expect((await again).from).toBe(bob.code);
  });

  it('once a call has been looked up, its signals need no Redis on one process, and across two go to the peer’s process alone, a burst in few publishes and in order', async () => {
    const candidate = (n: number) => ({ kind: 'candidate' as const, candidate: { candidate: `candidate:${n} 1 udp 2122260223 192.0.2.7 ${50_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 } });
    const client = new Redis(redis.url);
    /** How often Redis has run each command so far. */
    const commands = async () => {
      const stats = await client.info('commandstats');
      const calls = (name: string) => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
      return { hgetall: calls('hgetall'), spublish: calls('spublish') };
    };
    /** `from` sends `count` signals without acknowledgement; resolves once `to` has them all, and checks their order. */
    async function relay(from: Peer, to: Peer, callId: string, count: number): Promise<void> {
      const arrived = new Promise<unknown[]>((resolve) => {
        const seen: unknown[] = [];
        const onSignal = (message: { data: unknown }) => {
          if (seen.push(message.data) < count) return;
          to.socket.off('signal', onSignal);
          resolve(seen);
        };
        to.socket.on('signal', onSignal);
      });
      for (let n = 0; n < count; n++) from.socket.emit('signal', { callId, data: candidate(n) });
      expect(await arrived).toEqual(Array.from({ length: count }, (_, n) => candidate(n)));
    }
    try {
      const [alice, bob] = await Promise.all([peerOn(a), peerOn(a)]);
      const sameProcess = await setUpCall(alice, bob);
      let before = await commands();
      await relay(alice, bob, sameProcess, 20);
      await relay(bob, alice, sameProcess, 20);
      expect(await commands()).toEqual(before);

      const [carol, dave] = await Promise.all([peerOn(a), peerOn(b)]);
      const across = await setUpCall(carol, dave);
      before = await commands();
      await relay(carol, dave, across, 20);
      const after = await commands();
      expect(after.hgetall).toBe(before.hgetall);
      // Whatever arrived in one read of Carol's link went in one publish: at least one, never one per signal here.
      expect(after.spublish - before.spublish).toBeGreaterThanOrEqual(1);
      expect(after.spublish - before.spublish).toBeLessThan(20);
      // On the channel of the process holding Dave, which that process alone reads: one channel per process, none per connection.
      const channels = await processChannels(client);
      expect(((await client.call('PUBSUB', 'SHARDCHANNELS')) as string[]).sort()).toEqual(channels);
      expect(await client.call('PUBSUB', 'SHARDNUMSUB', ...channels)).toEqual(channels.flatMap((channel) => [channel, 1]));
      await relay(dave, carol, across, 20);
    } finally {
      client.disconnect();
    }
  });

  it('a process whose link to Redis dropped reads its channel again once it reconnects, and calls across carry on', async () => {
    const [alice, bob] = await Promise.all([peerOn(a), peerOn(b)]);
    const callId = await setUpCall(alice, bob);
    const client = new Redis(redis.url);
    try {
      const channels = await processChannels(client);
      const subscribed = async () => (await client.call('PUBSUB', 'SHARDNUMSUB', ...channels)) as (string | number)[];
      // Both processes' subscriber links, cut as a Redis failover or a network blip would.
      await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await eventually(subscribed, (counts) => counts.filter((_, i) => i % 2 === 1).every((count) => count === 1), 'both processes to subscribe again');
    } finally {
      client.disconnect();
    }
    const data = { kind: 'candidate' as const, candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const arrived = next(to.socket, 'signal');
      expectOk(await from.socket.emitWithAck('signal', { callId, data }));
      expect(await arrived).toEqual({ callId, data });
    }
  });

  it("the caller's offer, held while it rings on one process, reaches a callee accepting on another", async () => {
    const [alice, bob] = await Promise.all([peerOn(a), peerOn(b)]);
    const incoming = next(bob.socket, 'incoming');
    const ring = await alice.socket.emitWithAck('ring', { to: bob.code });
    if (!ring.ok) throw new Error(ring.message);
    const offer = { kind: 'description' as const, description: { type: 'offer' as const, sdp: 'v=0\r\n' } };
    expectOk(await alice.socket.emitWithAck('signal', { callId: ring.callId, data: offer }));
    await incoming;
    const held = next(bob.socket, 'signal');
    expectOk(await bob.socket.emitWithAck('accept', { callId: ring.callId }));
    expect(await held).toEqual({ callId: ring.callId, data: offer });
  });

  it("the caller's name reaches a callee on another process, and is read back from Redis when the callee returns on the caller's", async () => {
    const [guest, bob] = await Promise.all([peerOn(a), peerOn(b)]);
    const incoming = next(bob.socket, 'incoming');
    const { callId } = expectOk(await guest.socket.emitWithAck('ring', { to: bob.code, name: ' Ada ' }));
    expect(await incoming).toMatchObject({ callId, from: guest.code, name: 'Ada' });
    bob.socket.disconnect();
    // Listening before registering: the ring is announced again before the registration is answered.
    const { socket, hello } = await connect(a.url);
    peers.push({ socket, code: bob.code });
    const again = next(socket, 'incoming');
    await register(socket, hello.challenge, bob.identity);
    expect(await again).toMatchObject({ callId, name: 'Ada' });
  });

  it('a third party on either process cannot join or ring into a call between processes', async () => {
    const [alice, bob, mallory] = await Promise.all([peerOn(a), peerOn(b), peerOn(b)]);
    const callId = await setUpCall(alice, bob);
    expect(await mallory.socket.emitWithAck('signal', { callId, data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } } })).toMatchObject({ ok: false, error: ErrorCode.NoSuchCall });
    expect(await mallory.socket.emitWithAck('ring', { to: alice.code })).toMatchObject({ ok: false, error: ErrorCode.Busy });
  });

  it('a code registered on one process and again on another has one owner: the newer connection', async () => {
    const first = await peerOn(a);
    const replaced = next(first.socket, 'replaced');
    const dropped = next(first.socket, 'disconnect' as never);
    const second = await peerOn(b, first.identity);
    expect(second.code).toBe(first.code);
    await replaced;
    expect(await dropped).toBe('io server disconnect');

    const caller = await peerOn(a);
    const incoming = next(second.socket, 'incoming');
    expectOk(await caller.socket.emitWithAck('ring', { to: second.code }));
    expect((await incoming).from).toBe(caller.code);
  });

  it('a process killed mid-ring leaves no stuck state', { timeout: 60_000 }, async () => {
    const doomed = await startServer({ REDIS_URL: redis.url, RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
    try {
      const caller = await peerOn(doomed);
      const callee = await peerOn(b);
      const incoming = next(callee.socket, 'incoming');
      const { callId } = expectOk(await caller.socket.emitWithAck('ring', { to: callee.code }));
      await incoming;
      const ended = next(callee.socket, 'ended');
      doomed.process.kill('SIGKILL');

      // The surviving process ends the ring the dead one started.
      expect(await ended).toEqual({ callId, reason: EndReason.NoAnswer });
      // The callee is free: someone else can ring them.
      const friend = await peerOn(b);
      const ringing = next(callee.socket, 'incoming');
      expectOk(await friend.socket.emitWithAck('ring', { to: callee.code }));
      expect((await ringing).from).toBe(friend.code);
      // The dead process's connections read as offline once its heartbeat lapses.
      await eventually(liveProcesses, (live) => live === 2, "the killed process's heartbeat to lapse", 30_000);
      expect(await friend.socket.emitWithAck('ring', { to: caller.code })).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
      // And the caller, reconnected to a live process, calls as before.
      const back = await peerOn(a, caller.identity);
      const other = await peerOn(a);
      const rung = next(other.socket, 'incoming');
      expectOk(await back.socket.emitWithAck('ring', { to: other.code }));
      expect((await rung).from).toBe(caller.code);
    } finally {
      await doomed.stop();
    }
  });
});
