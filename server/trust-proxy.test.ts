/**
 * Behind a reverse proxy every socket's peer is the proxy. With TRUST_PROXY
 * the per-address limits count the client the proxy names in
 * X-Forwarded-For, so one abuser behind the proxy no longer locks out everyone
 * else behind it; without it, or from a peer that is not a trusted proxy, the
 * header changes nothing. Through a real proxy process on loopback, which
 * forwards WebSocket upgrades as nginx does with `$proxy_add_x_forwarded_for`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/shared/protocol';
import { type Client, closeAll, connect, connectPeer, type Peer, startTestServer, type TestServer } from './testing/harness';

/** Which client the test proxy should say a connection comes from: what a real proxy reads off the TCP connection. */
const CLIENT_HEADER = 'x-test-client-address';
const ABUSER = '203.0.113.66';
const NEIGHBOUR = '198.51.100.7';
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

interface Proxy {
  url: string;
  close: () => Promise<void>;
}

/**
 * A reverse proxy for WebSocket upgrades: appends the client's address to X-Forwarded-For (keeping what the client
 * sent, as nginx's `$proxy_add_x_forwarded_for` does) and then pipes bytes both ways.
 */
async function startProxy(target: string): Promise<Proxy> {
  const { port } = new URL(target);
  const open = new Set<Duplex | Socket>();
  const server: Server = createServer((_request, response) => response.writeHead(502).end());
  server.on('upgrade', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    const clientAddress = String(request.headers[CLIENT_HEADER] ?? request.socket.remoteAddress);
    const forwarded = [request.headers['x-forwarded-for'], clientAddress].filter(Boolean).join(', ');
    const lines = [`${request.method} ${request.url} HTTP/1.1`];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i]!;
      if (!['x-forwarded-for', CLIENT_HEADER].includes(name.toLowerCase())) lines.push(`${name}: ${request.rawHeaders[i + 1]}`);
    }
    lines.push(`X-Forwarded-For: ${forwarded}`);
    const upstream = tcpConnect(Number(port), '127.0.0.1', () => {
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => (socket === client ? upstream : client).destroy());
      socket.on('close', () => {
        open.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let server: TestServer | undefined;
let proxy: Proxy | undefined;
const open: { socket: Client }[] = [];

afterEach(async () => {
  closeAll(...open.splice(0));
  await proxy?.close();
  await server?.close();
  [server, proxy] = [undefined, undefined];
});

async function start(env: Record<string, string>): Promise<{ server: TestServer; proxy: Proxy }> {
  server = await startTestServer(env);
  proxy = await startProxy(server.url);
  return { server, proxy };
}

/** Through the proxy, as the client at `address` (and with any X-Forwarded-For it forges itself). */
function as(address: string, forged?: string) {
  return { extraHeaders: { [CLIENT_HEADER]: address, ...(forged && { 'x-forwarded-for': forged }) } };
}

async function connects(url: string, options: Parameters<typeof connect>[1]): Promise<boolean> {
  return connect(url, options).then(
    ({ socket }) => {
      open.push({ socket });
      return true;
    },
    () => false,
  );
}

async function peer(url: string, options: Parameters<typeof connectPeer>[1]): Promise<Peer> {
  const connected = await connectPeer(url, options);
  open.push(connected);
  return connected;
}

function randomCode(): string {
  return Array.from({ length: 12 }, () => CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)]).join('');
}

/** Fills one client's share of connections; true if one more of its own is then refused. */
async function fillCap(url: string, options: Parameters<typeof connect>[1], cap: number): Promise<boolean> {
  for (let i = 0; i < cap; i++) expect(await connects(url, options)).toBe(true);
  return !(await connects(url, options));
}

describe('without TRUST_PROXY', () => {
  it('counts everyone behind the proxy as the proxy: one client filling the cap locks out the next', async () => {
    const { proxy } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '3' });
    expect(await fillCap(proxy.url, as(ABUSER), 3)).toBe(true);
    expect(await connects(proxy.url, as(NEIGHBOUR))).toBe(false);
  });

  it('ignores a forged X-Forwarded-For: a client cannot pose as many to get past the cap', async () => {
    const { server } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '3' });
    for (const forged of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) expect(await connects(server.url, { extraHeaders: { 'x-forwarded-for': forged } })).toBe(true);
    expect(await connects(server.url, { extraHeaders: { 'x-forwarded-for': '192.0.2.4' } })).toBe(false);
    expect(server.logs.some((line) => line.event === 'connection-refused' && line.reason === 'connection-cap')).toBe(true);
  });
});

describe('TRUST_PROXY with a peer that is not a trusted proxy', () => {
  it('ignores X-Forwarded-For from it', async () => {
    const { server } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: '10.0.0.0/8' });
    expect(await connects(server.url, { extraHeaders: { 'x-forwarded-for': '192.0.2.1' } })).toBe(true);
    expect(await connects(server.url, { extraHeaders: { 'x-forwarded-for': '192.0.2.2' } })).toBe(true);
    expect(await connects(server.url, { extraHeaders: { 'x-forwarded-for': '192.0.2.3' } })).toBe(false);
  });
});

describe.each([
  ['a hop count', '1'],
  ['the proxy listed by address', '127.0.0.1'],
])('TRUST_PROXY as %s', (_how, trustProxy) => {
  it("keeps one client's connections from filling another's share of the cap", async () => {
    const { proxy } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '3', TRUST_PROXY: trustProxy });
    expect(await fillCap(proxy.url, as(ABUSER), 3)).toBe(true);
    expect(await connects(proxy.url, as(NEIGHBOUR))).toBe(true);
  });

  it('counts the address the proxy saw, not one the client wrote into X-Forwarded-For itself', async () => {
    const { proxy } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '3', TRUST_PROXY: trustProxy });
    // Posing as the neighbour, and as a fresh address each time: both land on the abuser's own count.
    expect(await connects(proxy.url, as(ABUSER, NEIGHBOUR))).toBe(true);
    expect(await connects(proxy.url, as(ABUSER, '192.0.2.1'))).toBe(true);
    expect(await connects(proxy.url, as(ABUSER, '192.0.2.2'))).toBe(true);
    expect(await connects(proxy.url, as(ABUSER, '192.0.2.3'))).toBe(false);
    expect(await connects(proxy.url, as(NEIGHBOUR))).toBe(true);
  });
});

describe('TRUST_PROXY and ringing', () => {
  it("an abuser's missed rings lock out the abuser, not the neighbour behind the same proxy", async () => {
    const { proxy } = await start({ TRUST_PROXY: '1' });
    const bob = await peer(proxy.url, as('192.0.2.50'));
    for (let i = 0; i < 11; i++) {
      // A fresh connection every few rings, so the per-connection ring limit is not what stops the guessing.
      const guesser = i % 5 === 0 ? await peer(proxy.url, as(ABUSER)) : (open.at(-1) as Peer);
      expect(await guesser.socket.emitWithAck('ring', { to: randomCode() })).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
    }
    const locked = await peer(proxy.url, as(ABUSER));
    expect(await locked.socket.emitWithAck('ring', { to: bob.code })).toMatchObject({ ok: false, error: ErrorCode.RateLimited });

    const neighbour = await peer(proxy.url, as(NEIGHBOUR));
    expect((await neighbour.socket.emitWithAck('ring', { to: bob.code })).ok).toBe(true);
  });

  it('without it, the same abuser locks the neighbour out of ringing too', async () => {
    const { proxy } = await start({});
    const bob = await peer(proxy.url, as('192.0.2.50'));
    for (let i = 0; i < 11; i++) {
      const guesser = i % 5 === 0 ? await peer(proxy.url, as(ABUSER)) : (open.at(-1) as Peer);
      await guesser.socket.emitWithAck('ring', { to: randomCode() });
    }
    const neighbour = await peer(proxy.url, as(NEIGHBOUR));
    expect(await neighbour.socket.emitWithAck('ring', { to: bob.code })).toMatchObject({ ok: false, error: ErrorCode.RateLimited });
  });
});

describe('IPv6 clients behind the proxy', () => {
  it('share one count per /64, and the next /64 has its own', async () => {
    const { proxy } = await start({ MAX_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: '1' });
    expect(await connects(proxy.url, as('2001:db8:1:2::a'))).toBe(true);
    expect(await connects(proxy.url, as('2001:db8:1:2:ffff::b'))).toBe(true);
    expect(await connects(proxy.url, as('2001:db8:1:2::c'))).toBe(false);
    expect(await connects(proxy.url, as('2001:db8:1:3::a'))).toBe(true);
  });
});
