/**
 * Floods of well-formed events, each refused: a signal to a call the sender
 * is not in, a ring to itself. Every one is cheap to send and costs the
 * server a log line, a refusal and, with Redis, a round trip. The flooding
 * connection is cut off after a bounded number, the log stops at its budget,
 * a connection cannot queue up more than a bounded backlog, and an honest
 * ring on the same server still goes through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MAX_SDP_LENGTH, type Result } from '../src/shared/protocol';
import { type Client, closeAll, connect, connectPeer, expectOk, next, type Peer, startTestServer, type TestServer } from './testing/harness';
import { type RunningRedis, startRedis } from './testing/redis';

const FLOODER = '127.0.0.2';
const DEFAULT_REFUSALS = 100;
const DEFAULT_LOG_LINES = 60;
/** The largest description the schema lets through: a malformed signal is refused as it arrives and never waits in the backlog. */
const BIG_SDP = 'a'.repeat(MAX_SDP_LENGTH);

let server: TestServer | undefined;
let redis: RunningRedis | undefined;
const open: Peer[] = [];

afterEach(async () => {
  closeAll(...open.splice(0));
  await server?.close();
  await redis?.stop();
  server = undefined;
  redis = undefined;
});

async function peer(url: string, localAddress: string): Promise<Peer> {
  const connected = await connectPeer(url, { localAddress });
  open.push(connected);
  return connected;
}

async function metric(metricsUrl: string | undefined, line: RegExp): Promise<number> {
  if (!metricsUrl) throw new Error('The test server serves no metrics.');
  const text = await (await fetch(metricsUrl)).text();
  const found = text.split('\n').find((row) => line.test(row));
  return found ? Number(found.split(' ').at(-1)) : 0;
}

type Loose = { emit: (event: string, ...args: unknown[]) => void };

/** A refused request: a signal to a call this connection is not in, or a ring to itself. */
function sendRefused(socket: Client, i: number, me: string, onAnswer: () => void, sdp = 'v=0\r\n'): void {
  const loose = socket as unknown as Loose;
  if (i % 10 === 9) loose.emit('ring', { to: me }, onAnswer);
  else loose.emit('signal', { callId: 'not-a-call-of-mine-123', data: { kind: 'description', description: { type: 'offer', sdp } } }, onAnswer);
}

function disconnected(socket: Client): Promise<string> {
  return new Promise((resolve) => {
    if (socket.disconnected) resolve('already');
    else socket.once('disconnect', (reason) => resolve(reason));
  });
}

const aboutFlooder = (line: Record<string, unknown>, socketIds: Set<string>) => line.address === FLOODER || socketIds.has(String(line.socket));

describe('a connection that keeps sending refused events', () => {
  it('is disconnected after a bounded number, and the log about its address stops at the budget', async () => {
    server = await startTestServer();
    const flooder = await peer(server.url, FLOODER);
    const socketIds = new Set([flooder.socket.id!]);
    const cut = disconnected(flooder.socket);
    let answered = 0;
    // Twenty at a time, each batch answered before the next: a client pacing itself, so the backlog bound is not what stops it.
    for (let i = 0; i < 40_000 && flooder.socket.connected; i += 20) {
      await Promise.race([
        Promise.all(Array.from({ length: 20 }, (_, j) => new Promise<void>((resolve) => sendRefused(flooder.socket, i + j, flooder.code, () => (answered++, resolve()))))),
        cut,
      ]);
    }
    expect(await cut).toBe('io server disconnect');
    const lines = server.logs.filter((line) => aboutFlooder(line, socketIds));
    const suppressed = await metric(server.metricsUrl, /^peerdial_log_lines_suppressed_total /);
    console.warn(`refused events answered before the cut-off: ${answered}; log lines about the flooder: ${lines.length}; suppressed: ${suppressed}`);
    expect(answered).toBeLessThanOrEqual(DEFAULT_REFUSALS + 20);
    expect(await metric(server.metricsUrl, /^peerdial_messages_rejected_total\{reason="too-many-refusals"\}/)).toBe(1);
    // The budget, the line saying lines are being dropped, and the registration and the cut-off around them.
    expect(lines.length).toBeLessThanOrEqual(DEFAULT_LOG_LINES + 3);
    expect(suppressed).toBeGreaterThan(0);
  });
});

describe("a connection's backlog", () => {
  it('is bounded in count: a burst of thousands sent without waiting for answers closes the connection', async () => {
    server = await startTestServer();
    const flooder = await peer(server.url, FLOODER);
    const cut = disconnected(flooder.socket);
    let answered = 0;
    for (let i = 0; i < 3_000; i++) sendRefused(flooder.socket, i, flooder.code, () => answered++);
    expect(await cut).toBe('io server disconnect');
    console.warn(`burst of 3000 small events: ${answered} answered before the cut-off`);
    expect(await metric(server.metricsUrl, /^peerdial_messages_rejected_total\{reason="queue-full"\}/)).toBe(1);
  });

  it('is bounded in bytes with Redis, where every request waits for a round trip', async () => {
    redis = await startRedis();
    server = await startTestServer({ REDIS_URL: redis.url });
    const flooder = await peer(server.url, FLOODER);
    const cut = disconnected(flooder.socket);
    let answered = 0;
    // Fewer than the count bound: only their bytes can stop them.
    for (let i = 0; i < 100; i++) sendRefused(flooder.socket, i, flooder.code, () => answered++, BIG_SDP);
    expect(await cut).toBe('io server disconnect');
    console.warn(`100 events of 64 KB through Redis: ${answered} answered before the cut-off`);
    expect(await metric(server.metricsUrl, /^peerdial_messages_rejected_total\{reason="queue-full"\}/)).toBe(1);
  });
});

describe('an honest ring during a flood from another address', () => {
  /** From a fresh caller on its own address (so ring limits stay out of it): ring until the callee hears it, then hang up. */
  async function timedRing(url: string, callee: Peer, address: string): Promise<number> {
    const caller = await peer(url, address);
    const started = performance.now();
    const incoming = next(callee.socket, 'incoming');
    const reply = (await caller.socket.emitWithAck('ring', { to: callee.code })) as Result<{ callId: string }>;
    await incoming;
    const took = performance.now() - started;
    const { callId } = expectOk(reply);
    const ended = next(callee.socket, 'ended');
    expectOk(await caller.socket.emitWithAck('hangup', { callId }));
    await ended;
    caller.socket.disconnect();
    return took;
  }

  it('still completes promptly', async () => {
    server = await startTestServer();
    const callee = await peer(server.url, '127.0.0.4');
    const quiet: number[] = [];
    for (let i = 0; i < 5; i++) quiet.push(await timedRing(server.url, callee, `127.0.1.${i + 1}`));

    const logsBefore = server.logs.length;
    const flooderIds = new Set<string>();
    let sent = 0;
    let cuts = 0;
    let flooding = true;
    // Eight connections from one address, each sending refused events as fast as it can and coming back when cut off.
    const floods = Array.from({ length: 8 }, async () => {
      while (flooding) {
        const flooder = await connectPeer(server!.url, { localAddress: FLOODER }).catch(() => undefined);
        if (!flooder) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        flooderIds.add(flooder.socket.id ?? '');
        const cut = disconnected(flooder.socket);
        while (flooding && flooder.socket.connected) {
          for (let j = 0; j < 50; j++) sendRefused(flooder.socket, sent++, flooder.code, () => {});
          await Promise.race([cut, new Promise((r) => setTimeout(r, 5))]);
        }
        if (!flooder.socket.connected) cuts++;
        flooder.socket.disconnect();
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const during: number[] = [];
    for (let i = 0; i < 10; i++) during.push(await timedRing(server.url, callee, `127.0.2.${i + 1}`));
    flooding = false;
    await Promise.all(floods);

    const lines = server.logs.slice(logsBefore);
    const max = (times: number[]) => Math.max(...times).toFixed(1);
    console.warn(
      `ring time quiet: max ${max(quiet)} ms; during the flood: max ${max(during)} ms (${during.map((t) => t.toFixed(0)).join(', ')}); ` +
        `flood: ${sent} events sent, ${cuts} cut-offs, ${lines.length} log lines (${lines.filter((line) => aboutFlooder(line, flooderIds)).length} about the flooder)`,
    );
    // Generous: a shared machine has slow moments; before the bound, rings under a flood took seconds.
    expect(Math.max(...during)).toBeLessThan(2_000);
    expect(cuts).toBeGreaterThan(0);
  }, 60_000);
});

describe.each([
  ['one process', false],
  ['Redis', true],
])('a ring storm from several addresses (%s)', (_mode, withRedis) => {
  const ADDRESSES = ['127.0.4.1', '127.0.4.2', '127.0.4.3', '127.0.4.4'];
  const RINGS_PER_ADDRESS = 14;
  const DEFAULT_HELD_BYTES = 32 * 1024;
  const DEFAULT_RINGING = 10;
  /** About 4 KB: a generous offer, sent again and again while it rings. */
  const offer = { kind: 'description', description: { type: 'offer', sdp: `v=0\r\n${'a=x'.repeat(1_300)}` } };

  it('holds a bounded number of bytes per ringing call, and a bounded number of rings per address', async () => {
    if (withRedis) redis = await startRedis();
    server = await startTestServer(withRedis ? { REDIS_URL: redis!.url } : {});
    const heapBefore = process.memoryUsage().heapUsed;
    const callees = await Promise.all(Array.from({ length: ADDRESSES.length * RINGS_PER_ADDRESS }, () => peer(server!.url, '127.0.0.4')));
    const outcomes = await Promise.all(
      ADDRESSES.flatMap((address, a) =>
        Array.from({ length: RINGS_PER_ADDRESS }, async (_, r) => {
          const caller = await peer(server!.url, address);
          const reply = (await caller.socket.emitWithAck('ring', { to: callees[a * RINGS_PER_ADDRESS + r]!.code })) as Result<{ callId: string }>;
          if (!reply.ok) return { rang: false, refusedAs: reply.error, held: 0 };
          // What an attacker would do: keep sending while it rings, until the server stops holding it.
          let held = 0;
          for (let i = 0; i < 64; i++) {
            const sent = (await caller.socket.emitWithAck('signal', { callId: reply.callId, data: offer as never })) as Result;
            if (!sent.ok) break;
            held += JSON.stringify(offer).length;
          }
          return { rang: true, refusedAs: undefined, held };
        }),
      ),
    );
    const rang = outcomes.filter((outcome) => outcome.rang);
    const heldTotal = rang.reduce((sum, outcome) => sum + outcome.held, 0);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.warn(
      `ring storm (${_mode}): ${outcomes.length} rings tried from ${ADDRESSES.length} addresses, ${rang.length} rang, ` +
        `${(heldTotal / 1024).toFixed(0)} KB held in all (at most ${(Math.max(...rang.map((o) => o.held)) / 1024).toFixed(1)} KB a call); ` +
        `heap of the test process (server and clients) grew ${(heapGrowth / 1024 / 1024).toFixed(1)} MB`,
    );
    expect(rang.length).toBe(ADDRESSES.length * DEFAULT_RINGING);
    expect(outcomes.filter((outcome) => !outcome.rang).every((outcome) => outcome.refusedAs === ErrorCode.RateLimited)).toBe(true);
    for (const outcome of rang) expect(outcome.held).toBeLessThanOrEqual(DEFAULT_HELD_BYTES);
    expect(heldTotal).toBeLessThanOrEqual(ADDRESSES.length * DEFAULT_RINGING * DEFAULT_HELD_BYTES);
  }, 60_000);
});

describe('parallel handshakes from one address, with Redis', () => {
  it('cannot get more connections past the cap than it allows', async () => {
    redis = await startRedis();
    server = await startTestServer({ REDIS_URL: redis.url, MAX_CONNECTIONS_PER_ADDRESS: '64' });
    // All at once, so each handshake's check happens while the others still wait for the rate limiter in Redis.
    const attempts = await Promise.allSettled(Array.from({ length: 110 }, () => connect(server!.url, { localAddress: FLOODER })));
    const connected = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value.socket] : []));
    const held = server.app.server.connections.size;
    console.warn(`110 parallel handshakes against a cap of 64: ${connected.length} connected, ${held} held by the server`);
    for (const socket of connected) socket.disconnect();
    expect(connected.length).toBe(64);
    expect(held).toBe(64);
  });
});
