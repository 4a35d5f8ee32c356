/**
 * A storm of strangers: random event names, payload shapes, sizes and orders,
 * some as valid Socket.IO events from registered clients, some as raw packets
 * no client library would send. Afterwards the server answers, holds no
 * leftover state, its memory has not grown without bound, and a call two
 * honest users set up in the middle of it connected.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SDP_LENGTH, type Result } from '../src/shared/protocol';
import { eventually } from '../test/e2e/support/probes';
import { type Client, closeAll, connect, connectPeer, type Peer, setUpCall, startTestServer, type TestServer } from './testing/harness';

/** Event names a Socket.IO client refuses to emit itself (they are its own); raw packets still send them. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const KNOWN = ['register', 'ring', 'accept', 'decline', 'hangup', 'signal', 'renew-relay'];
const STORM_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${10 + i}`);
/** Enough runs to cover every kind of action many times over, few enough for a shared two-core machine. */
const RUNS = 60;
/** A reply that does not come in this long is not coming: the packet closed the connection, or had no ack. */
const ACK_WAIT_MS = 300;

let server: TestServer;
let storm: Peer[] = [];
const callIds: string[] = [];

beforeAll(async () => {
  // Limits ten times the default: the storm should reach the handlers, not stop at the limiter.
  server = await startTestServer({ RATE_LIMIT_FACTOR: '10', LOG_LEVEL: 'silent' });
  storm = await Promise.all(STORM_ADDRESSES.map((localAddress) => connectPeer(server.url, { localAddress })));
});

afterAll(async () => {
  closeAll(...storm);
  await server?.close();
});

const codeLike = fc.oneof(fc.constantFrom(...KNOWN.map(() => 'ZZZZZZZZZZZZ')), fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{12}$/), fc.string());
const eventName = fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'hello', 'incoming', 'error'));
/** Shapes near the real ones (so validation and handlers both run) and anything at all. */
const payload = fc.oneof(
  fc.record({ to: codeLike }),
  fc.record({ callId: fc.oneof(fc.constantFrom('AAAAAAAAAAAAAAAAAAAAAA'), fc.string()) }),
  fc.record({
    callId: fc.string(),
    data: fc.oneof(
      fc.record({ kind: fc.constant('description'), description: fc.record({ type: fc.constantFrom('offer', 'answer', 'rollback', 'bogus'), sdp: fc.string({ maxLength: 200 }) }) }),
      fc.record({ kind: fc.constant('candidate'), candidate: fc.record({ candidate: fc.string(), sdpMid: fc.option(fc.string()), sdpMLineIndex: fc.option(fc.integer()) }) }),
      fc.anything(),
    ),
  }),
  fc.record({ protocol: fc.integer(), publicKey: fc.base64String(), signature: fc.base64String() }),
  fc.anything({ maxDepth: 4 }),
  // Around the size cap: just under it (answered) and over it (the connection is closed).
  fc.integer({ min: MAX_SDP_LENGTH - 10, max: MAX_SDP_LENGTH + 40_000 }).map((size) => ({ callId: 'A'.repeat(22), data: { kind: 'description', description: { type: 'offer', sdp: 'a'.repeat(size) } } })),
);
/** Socket.IO packets as text: broken JSON, bad types, namespaces we do not have, binary placeholders never sent. */
const rawPacket = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '9'), fc.string({ maxLength: 100 })).map(([type, rest]) => type + rest),
  fc.tuple(eventName, fc.jsonValue({ maxDepth: 3 })).map(([name, value]) => `2${JSON.stringify([name, value])}`),
  fc.integer({ min: 1, max: 20 }).map((count) => `5${count}-["signal",{"_placeholder":true,"num":0}]`),
  fc.constant('2/admin,["ring",{"to":"ZZZZZZZZZZZZ"}]'),
);

type Action =
  | { kind: 'emit'; from: number; event: string; payload: unknown; withAck: boolean }
  | { kind: 'raw'; from: number; packet: string }
  | { kind: 'use-call'; from: number; event: 'accept' | 'decline' | 'hangup' | 'signal' | 'renew-relay'; callIndex: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('emit' as const), from: fc.nat(STORM_ADDRESSES.length - 1), event: eventName, payload, withAck: fc.boolean() }),
  fc.record({ kind: fc.constant('raw' as const), from: fc.nat(STORM_ADDRESSES.length - 1), packet: rawPacket }),
  fc.record({
    kind: fc.constant('use-call' as const),
    from: fc.nat(STORM_ADDRESSES.length - 1),
    event: fc.constantFrom('accept' as const, 'decline' as const, 'hangup' as const, 'signal' as const, 'renew-relay' as const),
    callIndex: fc.nat(),
  }),
);

/** A storm client whose connection was closed (too big a packet, too many unknown events) comes back. */
async function live(index: number): Promise<Client> {
  if (!storm[index]!.socket.connected) {
    storm[index]!.socket.disconnect();
    storm[index] = await connectPeer(server.url, { localAddress: STORM_ADDRESSES[index] });
  }
  return storm[index]!.socket;
}

async function perform(step: Action): Promise<void> {
  const socket = await live(step.from);
  const loose = socket as unknown as { emit: (event: string, ...args: unknown[]) => void; timeout: (ms: number) => { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> } };
  if (step.kind === 'raw') {
    // An engine.io message whose body is a Socket.IO packet we wrote by hand.
    (socket.io.engine as unknown as { write: (data: string) => void }).write(step.packet);
    return;
  }
  if (step.kind === 'use-call') {
    const callId = callIds[step.callIndex % Math.max(1, callIds.length)] ?? 'AAAAAAAAAAAAAAAAAAAAAA';
    const data = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    await loose.timeout(ACK_WAIT_MS).emitWithAck(step.event, step.event === 'signal' ? { callId, data } : { callId }).catch(() => undefined);
    return;
  }
  if (RESERVED.has(step.event)) return;
  if (!step.withAck) {
    loose.emit(step.event, step.payload);
    return;
  }
  const reply = await loose.timeout(ACK_WAIT_MS).emitWithAck(step.event, step.payload).catch(() => undefined);
  // Keep real call ids for later steps, so accept, signal and hangup meet calls that exist.
  if (reply && typeof reply === 'object' && 'callId' in reply && typeof reply.callId === 'string') callIds.push(reply.callId);
}

async function ringEachOther(): Promise<void> {
  // Some calls between storm clients, so the random steps meet real ringing and accepted calls.
  for (let i = 0; i + 1 < storm.length; i += 2) {
    const reply = (await (await live(i)).timeout(ACK_WAIT_MS).emitWithAck('ring', { to: storm[i + 1]!.code }).catch(() => undefined)) as Result<{ callId: string }> | undefined;
    if (reply?.ok) callIds.push(reply.callId);
  }
}

describe('a storm of random events', () => {
  it('leaves the server up and bounded, and an honest call set up during it connects', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const stormDone = fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (steps) => {
        await ringEachOther();
        for (const step of steps) await perform(step);
        // After every run: still answering, and an unregistered stranger is still refused in words.
        const probe = await connect(server.url, { localAddress: '127.0.0.99' });
        const reply = await probe.socket.emitWithAck('ring', { to: 'ZZZZZZZZZZZZ' });
        probe.socket.disconnect();
        return reply.ok === false && reply.error === 'not-registered';
      }),
      { numRuns: RUNS },
    );

    // Two honest people on their own addresses, while the storm blows.
    const [alice, bob] = await Promise.all([connectPeer(server.url, { localAddress: '127.0.0.2' }), connectPeer(server.url, { localAddress: '127.0.0.3' })]);
    const honestCall = setUpCall(alice, bob);
    await Promise.all([stormDone, honestCall]);
    expect((await server.app.context.calls.of(alice.code))?.phase).toBe('accepted');
    expect((await alice.socket.emitWithAck('hangup', { callId: await honestCall })).ok).toBe(true);

    expect(await fetch(`${server.url}/healthz`).then((r) => r.status)).toBe(200);
    // The storm reached the edge's every refusal, not only the first: validation, unknown events, call checks.
    const refusals = await server.app.context.metrics.rejected.get();
    const reasons = new Set(refusals.values.filter((value) => value.value > 0).map((value) => value.labels.reason));
    expect([...reasons]).toEqual(expect.arrayContaining(['bad-request', 'unknown-event', 'no-such-call', 'no-ack']));
    closeAll(alice, bob, ...storm);
    const { context, server: signalingServer } = server.app;
    const online = async () => (await Promise.all([alice, bob, ...storm].map((peer) => context.presence.holderOf(peer.code)))).filter(Boolean).length;
    // Everyone gone: nobody online, and only grace timers (one per code that was in a call) left, which expire by themselves.
    await eventually(async () => ({ connections: signalingServer.connections.size, online: await online() }), (left) => left.connections === 0 && left.online === 0, 'every client to be gone', 5_000);
    expect(await context.calls.of(alice.code)).toBeUndefined();
    expect(context.timers.size()).toBeLessThanOrEqual(callIds.length * 2 + 2);
    // Bounded memory: tens of thousands of messages must not leave tens of megabytes behind.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  }, 180_000);
});
