/**
 * A public address gets strangers: pages from other origins, floods, code
 * guessing, events we never defined. Each is refused in words (or at the
 * handshake), logged, counted, and leaves honest users unaffected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/shared/protocol';
import { eventually } from '../test/e2e/support/probes';
import { type Client, closeAll, connect, connectPeer, next, type Peer, setUpCall, startTestServer, type TestServer } from './testing/harness';

const EXTENSION = 'chrome-extension://jifjaicfdkjfbangpfepmellfingegob';
const OTHER_HOUSEHOLD = '127.0.0.2';
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let server: TestServer | undefined;
const open: { socket: Client }[] = [];

afterEach(async () => {
  closeAll(...open.splice(0));
  await server?.close();
  server = undefined;
});

async function peer(url: string, options?: Parameters<typeof connectPeer>[1]): Promise<Peer> {
  const connected = await connectPeer(url, options);
  open.push(connected);
  return connected;
}

function randomCode(): string {
  return Array.from({ length: 12 }, () => CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)]).join('');
}

async function refusedAtHandshake(url: string, options: Parameters<typeof connect>[1]): Promise<boolean> {
  return connect(url, options).then(
    ({ socket }) => {
      open.push({ socket });
      return false;
    },
    () => true,
  );
}

async function metric(from: TestServer, line: RegExp): Promise<number> {
  const text = await (await fetch(from.metricsUrl!)).text();
  const found = text.split('\n').find((row) => line.test(row));
  return found ? Number(found.split(' ').at(-1)) : 0;
}

describe('origins', () => {
  it('refuses a web page from another origin at the handshake, and logs it', async () => {
    server = await startTestServer({}, EXTENSION);
    expect(await refusedAtHandshake(server.url, { origin: 'https://evil.example' })).toBe(true);
    expect(server.logs.some((line) => line.event === 'origin-refused' && line.origin === 'https://evil.example')).toBe(true);
    expect(await metric(server, /^peerdial_messages_rejected_total\{reason="origin"\}/)).toBe(1);
    expect(server.app.server.connections.size).toBe(0);
  });

  it('lets the extension itself in, and localhost pages while developing', async () => {
    server = await startTestServer({}, EXTENSION);
    expect(await refusedAtHandshake(server.url, { origin: EXTENSION })).toBe(false);
    expect(await refusedAtHandshake(server.url, { origin: 'http://localhost:5173' })).toBe(false);
  });

  it('in production allows only the listed origins', async () => {
    server = await startTestServer({ NODE_ENV: 'production' }, EXTENSION);
    expect(await refusedAtHandshake(server.url, { origin: 'http://localhost:5173' })).toBe(true);
    expect(await refusedAtHandshake(server.url, { origin: 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).toBe(true);
    expect(await refusedAtHandshake(server.url, { origin: EXTENSION })).toBe(false);
  });

  it("lets in the guest page from the server's own address, in production and beside ALLOWED_ORIGINS, and still no other site", async () => {
    server = await startTestServer({ NODE_ENV: 'production', ALLOWED_ORIGINS: 'https://app.example' }, EXTENSION);
    const own = new URL(server.url);
    expect(await refusedAtHandshake(server.url, { origin: own.origin })).toBe(false);
    expect(await refusedAtHandshake(server.url, { origin: 'https://evil.example' })).toBe(true);
    // Another port on the same machine is another site.
    expect(await refusedAtHandshake(server.url, { origin: `http://${own.hostname}:${Number(own.port) + 1}` })).toBe(true);
    expect(await refusedAtHandshake(server.url, { origin: `https://${own.host}.evil.example` })).toBe(true);
  });

  it("holds a guest from the server's own origin to every limit: it registers, rings with its name, and is rate-limited like anyone", async () => {
    server = await startTestServer({ NODE_ENV: 'production' }, EXTENSION);
    const guest = await peer(server.url, { origin: server.url });
    const bob = await peer(server.url, { origin: EXTENSION });
    const replies = [];
    for (let i = 0; i < 6; i++) {
      const ringing = i === 0 ? next(bob.socket, 'incoming') : undefined;
      const reply = await guest.socket.emitWithAck('ring', { to: bob.code, name: 'Guest' });
      replies.push(reply.ok ? 'rang' : reply.error);
      if (ringing) expect(await ringing).toMatchObject({ from: guest.code, name: 'Guest' });
      if (reply.ok) await guest.socket.emitWithAck('hangup', { callId: reply.callId });
    }
    expect(replies).toEqual(['rang', 'rang', 'rang', 'rang', 'rang', ErrorCode.RateLimited]);
  });

  it("drops a connection from the server's own origin that does not register in time, like any other", async () => {
    server = await startTestServer({ NODE_ENV: 'production', REGISTER_TIMEOUT_MS: '1000' }, EXTENSION);
    const { socket } = await connect(server.url, { origin: server.url });
    open.push({ socket });
    expect(await new Promise((resolve) => socket.once('disconnect', resolve))).toBe('io server disconnect');
  });

  it('ALLOWED_ORIGINS replaces the default list', async () => {
    server = await startTestServer({ ALLOWED_ORIGINS: 'https://app.example' }, EXTENSION);
    expect(await refusedAtHandshake(server.url, { origin: EXTENSION })).toBe(true);
    expect(await refusedAtHandshake(server.url, { origin: 'https://app.example' })).toBe(false);
  });
});

describe('rate limits', () => {
  it('stops a connection that keeps ringing, in words, with a log line', async () => {
    server = await startTestServer();
    const [alice, bob] = await Promise.all([peer(server.url), peer(server.url)]);
    const replies = [];
    for (let i = 0; i < 6; i++) {
      const reply = await alice.socket.emitWithAck('ring', { to: bob.code });
      replies.push(reply);
      if (reply.ok) expect((await alice.socket.emitWithAck('hangup', { callId: reply.callId })).ok).toBe(true);
    }
    expect(replies.slice(0, 5).every((reply) => reply.ok)).toBe(true);
    expect(replies[5]).toMatchObject({ ok: false, error: ErrorCode.RateLimited, message: expect.stringMatching(/^Too many ring requests; try again in \d+ s\.$/) });
    expect(server.logs.some((line) => line.msg === 'rate limited' && line.event === 'ring' && line.scope === 'connection')).toBe(true);
    expect(await metric(server, /^peerdial_rate_limit_hits_total\{event="ring",scope="connection"\}/)).toBe(1);
    // Bob was not called a sixth time.
    expect(await server.app.context.calls.of(bob.code)).toBeUndefined();
  });

  it('counts an address as a whole, and another address not at all', async () => {
    // A tenth of the limits: one ring per connection, six per address. Every ring goes to Bob: the ring-pair limit
    // (server/block.test.ts), which would stop the sixth, is lifted out of the way.
    server = await startTestServer({ RATE_LIMIT_FACTOR: '0.1', RINGS_PER_PAIR: '100' });
    const bob = await peer(server.url, { localAddress: OTHER_HOUSEHOLD });
    const results = [];
    for (let i = 0; i < 7; i++) {
      const caller = await peer(server.url);
      const reply = await caller.socket.emitWithAck('ring', { to: bob.code });
      results.push(reply.ok ? 'rang' : reply.error);
      if (reply.ok) await caller.socket.emitWithAck('hangup', { callId: reply.callId });
    }
    expect(results).toEqual(['rang', 'rang', 'rang', 'rang', 'rang', 'rang', ErrorCode.RateLimited]);
    const neighbour = await peer(server.url, { localAddress: '127.0.0.3' });
    expect((await neighbour.socket.emitWithAck('ring', { to: bob.code })).ok).toBe(true);
  });

  it('caps the connections one address holds, and frees a place when one closes', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '3' });
    const three = await Promise.all([0, 1, 2].map(() => connect(server!.url)));
    open.push(...three);
    expect(await refusedAtHandshake(server.url, {})).toBe(true);
    expect(await refusedAtHandshake(server.url, { localAddress: OTHER_HOUSEHOLD })).toBe(false);
    three[0]!.socket.disconnect();
    await eventually(async () => server!.app.server.connections.size, (count) => count === 3, 'the server to see one of the three leave');
    expect(await refusedAtHandshake(server.url, {})).toBe(false);
    expect(await metric(server, /^peerdial_messages_rejected_total\{reason="connection-cap"\}/)).toBe(1);
  });
});

describe('call codes cannot be enumerated', () => {
  it('answers a code that never existed exactly as an offline one', async () => {
    server = await startTestServer();
    const alice = await peer(server.url);
    const gone = await peer(server.url);
    gone.socket.disconnect();
    await eventually(() => server!.app.context.presence.holderOf(gone.code), (holder) => !holder, 'the server to see the closed connection');
    const offline = await alice.socket.emitWithAck('ring', { to: gone.code });
    const never = await alice.socket.emitWithAck('ring', { to: randomCode() });
    expect(never).toEqual(offline);
    expect(never).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
  });

  it('locks an address out of ringing after many misses, while others still ring', async () => {
    server = await startTestServer();
    const bob = await peer(server.url, { localAddress: OTHER_HOUSEHOLD });
    const guesses = [];
    // Several connections, so the per-connection ring limit is not what stops the guessing.
    for (let i = 0; i < 11; i++) {
      if (i % 5 === 0) open.push(await peer(server.url));
      const guesser = open.at(-1) as Peer;
      guesses.push((await guesser.socket.emitWithAck('ring', { to: randomCode() })).ok ? 'rang' : 'missed');
    }
    expect(guesses.every((g) => g === 'missed')).toBe(true);
    const guesser = await peer(server.url);
    const ringing = next(bob.socket, 'incoming');
    const refused = await guesser.socket.emitWithAck('ring', { to: bob.code });
    expect(refused).toMatchObject({ ok: false, error: ErrorCode.RateLimited, message: expect.stringMatching(/^Too many calls to codes that are not online; try again in \d+ s\.$/) });
    expect(await server.app.context.calls.of(bob.code)).toBeUndefined();

    const friend = await peer(server.url, { localAddress: '127.0.0.3' });
    expect((await friend.socket.emitWithAck('ring', { to: bob.code })).ok).toBe(true);
    expect((await ringing).from).toBe(friend.code);
    expect(await metric(server, /^peerdial_rate_limit_hits_total\{event="ring",scope="misses"\}/)).toBe(1);
  });
});

describe('events the server does not speak', () => {
  it('are counted and dropped, and a client that keeps sending them is disconnected', async () => {
    server = await startTestServer();
    const [alice, bob] = await Promise.all([peer(server.url), peer(server.url)]);
    const raw = alice.socket as unknown as { emit: (event: string, ...args: unknown[]) => void };
    for (let i = 0; i < 5; i++) raw.emit('list-online', {});
    await eventually(async () => server!.logs.length, (count) => count > 0, 'the server to have read the unknown events');
    // Still a working client after a few.
    const callId = await setUpCall(alice, bob);
    expect(callId).toBeTruthy();
    const dropped = next(alice.socket, 'disconnect' as never);
    for (let i = 0; i < 10; i++) raw.emit(`whois-${i}`, { code: bob.code });
    expect(await dropped).toBe('io server disconnect');
    expect(await metric(server, /^peerdial_messages_rejected_total\{reason="unknown-event"\}/)).toBe(15);
    expect(bob.socket.connected).toBe(true);
  });

  it('a payload past the size cap closes only that connection', async () => {
    server = await startTestServer();
    const [alice, bob] = await Promise.all([peer(server.url), peer(server.url)]);
    const dropped = next(alice.socket, 'disconnect' as never);
    alice.socket.emit('signal', { callId: 'x'.repeat(20), data: { kind: 'description', description: { type: 'offer', sdp: 'a'.repeat(200_000) } } }, () => {});
    expect(await dropped).toBe('transport close');
    expect((await bob.socket.emitWithAck('ring', { to: randomCode() })).ok).toBe(false);
    expect(await fetch(`${server.url}/healthz`).then((r) => r.status)).toBe(200);
    // An operator sees why: a frame over the cap is a protocol error at the WebSocket.
    await eventually(() => metric(server!, /^peerdial_connections_closed_total\{reason="transport error"\}/), (count) => count === 1, 'the close to be counted');
  });
});

describe('metrics', () => {
  it('shows connected clients, calls by phase, messages relayed and refusals', async () => {
    server = await startTestServer();
    const [alice, bob, carol] = await Promise.all([peer(server.url), peer(server.url), peer(server.url)]);
    await setUpCall(alice, bob);
    expect((await carol.socket.emitWithAck('ring', { to: bob.code })).ok).toBe(false);
    const dave = await peer(server.url);
    const incoming = next(carol.socket, 'incoming');
    expect((await dave.socket.emitWithAck('ring', { to: carol.code })).ok).toBe(true);
    await incoming;
    const response = await fetch(server.metricsUrl!);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metric(server, /^peerdial_connected_clients /)).toBe(4);
    expect(await metric(server, /^peerdial_calls\{phase="active"\}/)).toBe(1);
    expect(await metric(server, /^peerdial_calls\{phase="ringing"\}/)).toBe(1);
    expect(await metric(server, /^peerdial_messages_relayed_total /)).toBe(2);
    expect(await metric(server, /^peerdial_messages_rejected_total\{reason="busy"\}/)).toBe(1);
  });
});

describe('metrics are not public', () => {
  it('answers 404 for /metrics on the public port, and serves them on their own loopback listener', async () => {
    server = await startTestServer({ METRICS_PORT: '0' });
    const onPublicPort = await fetch(`${server.url}/metrics`);
    expect(onPublicPort.status).toBe(404);
    expect(await onPublicPort.text()).not.toContain('peerdial_');
    const metricsUrl = new URL(server.metricsUrl!);
    expect(metricsUrl.hostname).toBe('127.0.0.1');
    expect(metricsUrl.port).not.toBe(new URL(server.url).port);
    expect(await (await fetch(metricsUrl)).text()).toMatch(/^peerdial_connected_clients 0$/m);
    // That listener serves nothing else: not the guest page, not a way in.
    expect((await fetch(new URL('/healthz', metricsUrl))).status).toBe(404);
  });

  it('has no metrics listener at all unless METRICS_PORT is set', async () => {
    server = await startTestServer({ METRICS_PORT: '' });
    expect(server.metricsUrl).toBeUndefined();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});

describe('logs', () => {
  it('name codes and addresses only by keyed tags: a ring, a rate-limit warning and a refused connection carry neither', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '2' });
    const alice = await peer(server.url, { localAddress: OTHER_HOUSEHOLD });
    const bob = await peer(server.url);
    let last;
    for (let i = 0; i < 6; i++) {
      last = await alice.socket.emitWithAck('ring', { to: bob.code });
      if (last.ok) await alice.socket.emitWithAck('hangup', { callId: last.callId });
    }
    expect(last).toMatchObject({ ok: false, error: ErrorCode.RateLimited });
    expect(await refusedAtHandshake(server.url, { localAddress: OTHER_HOUSEHOLD })).toBe(false);
    expect(await refusedAtHandshake(server.url, { localAddress: OTHER_HOUSEHOLD })).toBe(true);

    const ring = server.logs.find((line) => line.event === 'ring' && line.msg === 'ringing');
    const limited = server.logs.find((line) => line.event === 'ring' && line.msg === 'rate limited');
    const refused = server.logs.find((line) => line.event === 'connection-refused');
    const leaks = [alice.code, bob.code, alice.code.replaceAll('-', ''), bob.code.replaceAll('-', ''), OTHER_HOUSEHOLD];
    for (const line of [ring, limited, refused]) {
      expect(line).toBeDefined();
      for (const leak of leaks) expect(JSON.stringify(line)).not.toContain(leak);
    }
    for (const leak of leaks) expect(JSON.stringify(server.logs)).not.toContain(leak);
    // The tags still tie one person's lines together, and tell two people apart.
    expect(limited!.code).toBe(ring!.caller);
    expect(ring!.caller).not.toBe(ring!.callee);
    expect(limited!.address).toBe(refused!.address);
    expect(limited!.address).toMatch(/^[\w-]{12}$/);
  });

  it('never carry SDP, candidate addresses or the TURN secret, even at trace level and for refused requests', async () => {
    const secret = 'log-hygiene-secret-0123456789';
    server = await startTestServer({ LOG_LEVEL: 'trace', TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: secret });
    const [alice, bob] = await Promise.all([peer(server.url), peer(server.url)]);
    const callId = await setUpCall(alice, bob);
    const sdp = 'v=0\r\no=- 4611 2 IN IP4 198.51.100.23\r\ns=SECRET-SDP-MARKER\r\n';
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 203.0.113.77 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    await alice.socket.emitWithAck('signal', { callId, data: { kind: 'description', description: { type: 'offer', sdp } } });
    await alice.socket.emitWithAck('signal', { callId, data: { kind: 'candidate', candidate } });
    // Refused ones too: malformed, and from a stranger.
    await alice.socket.emitWithAck('signal', { callId, data: { kind: 'description', description: { type: 'bogus' as 'offer', sdp } } });
    const stranger = await peer(server.url);
    await stranger.socket.emitWithAck('signal', { callId, data: { kind: 'candidate', candidate } });

    const written = JSON.stringify(server.logs);
    expect(server.logs.length).toBeGreaterThan(5);
    for (const leak of ['SECRET-SDP-MARKER', '198.51.100.23', '203.0.113.77', secret]) expect(written).not.toContain(leak);
  });
});
