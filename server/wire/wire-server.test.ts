/**
 * The Socket.IO server under the signaling, on a real socket, against the
 * real socket.io-client (what the extension and the guest page run) and raw
 * WebSockets that misbehave: the heartbeat keeps a live client and drops a
 * silent one, a connection that never joins is dropped, and what this server
 * does not speak is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { eventually } from '../../test/e2e/support/probes';
import type { CloseReason } from './client-connection';
import { createWireServer, type WireServer, type WireSettings } from './wire-server';

interface Emits {
  hello: (greeting: string) => void;
}

interface Harness {
  url: string;
  wire: WireServer<Emits, { joinedAt: number }>;
  /** Why each joined session ended, in order. */
  left: CloseReason[];
  /** Why each connection closed, joined or not, in order. */
  closed: CloseReason[];
}

let http: Server | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  http = undefined;
});

async function start(settings: Partial<WireSettings> = {}): Promise<Harness> {
  http = createServer((_, response) => response.writeHead(404).end());
  const left: CloseReason[] = [];
  const closed: CloseReason[] = [];
  const wire = createWireServer<Emits, { joinedAt: number }>(
    http,
    { maxPayload: 10_000, ...settings },
    {
      addressOf: () => '127.0.0.1',
      allowRequest: (_, decide) => decide(null, true),
      opened: () => {},
      closed: (_, reason) => void closed.push(reason),
      joined: (connection) => {
        connection.data = { joinedAt: Date.now() };
        connection.emit('hello', 'welcome');
      },
      event: (connection, event, payload, ack) => {
        if (event === 'echo') ack?.(payload);
        if (event === 'leave me') connection.disconnect();
        // 20 MB for a client that may not be reading.
        if (event === 'flood me') for (let i = 0; i < 2_000 && !connection.disconnected; i++) connection.emit('hello', 'x'.repeat(10_000));
      },
      left: (_, reason) => void left.push(reason),
    },
  );
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, wire, left, closed };
}

const joined = (socket: Socket) => new Promise<void>((resolve) => socket.once('connect', () => resolve()));

function client(url: string, namespace = ''): Socket {
  const socket = io(url + namespace, { transports: ['websocket'], reconnection: false });
  clients.push(socket);
  return socket;
}

/** A WebSocket at Socket.IO's path that speaks only what a test tells it to. */
async function raw(url: string): Promise<{ socket: WebSocket; received: string[]; closed: Promise<void> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const received: string[] = [];
  socket.on('message', (data: Buffer) => received.push(data.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, received, closed };
}

describe('the Socket.IO server under the signaling', () => {
  it('lets socket.io-client join, hear events and have its requests answered', async () => {
    const { url } = await start();
    const socket = client(url);
    const greeting = new Promise((resolve) => socket.once('hello', resolve));
    await joined(socket);
    expect(await greeting).toBe('welcome');
    expect(await socket.timeout(2_000).emitWithAck('echo', { n: 1, text: 'é"\\' })).toEqual({ n: 1, text: 'é"\\' });
  });

  it('keeps a client that answers its pings, past many intervals', async () => {
    // Short, so many intervals pass in a test; the client still allows 600 ms for a ping, room for a stall of a busy CI worker.
    const { url, left } = await start({ pingInterval: 200, pingTimeout: 400 });
    const socket = client(url);
    await joined(socket);
    let pings = 0;
    socket.io.engine.on('ping', () => pings++);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(pings).toBeGreaterThanOrEqual(5);
    expect(socket.connected).toBe(true);
    expect(left).toEqual([]);
  });

  it('drops a connection that stops answering pings', async () => {
    const { url, left, closed } = await start({ pingInterval: 100, pingTimeout: 200 });
    const silent = await raw(url);
    silent.socket.send('40');
    await silent.closed;
    expect(silent.received.filter((frame) => frame === '2').length).toBeGreaterThanOrEqual(1);
    expect(left).toEqual(['ping timeout']);
    await eventually(async () => closed, (reasons) => reasons.length === 1, 'its place to be freed');
    expect(closed).toEqual(['ping timeout']);
  });

  it('drops a connection that never joins', async () => {
    const { url, left, closed } = await start({ joinTimeout: 300 });
    const started = Date.now();
    const stranger = await raw(url);
    await stranger.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // Never joined: no session to end, but its place is freed.
    expect(left).toEqual([]);
    await eventually(async () => closed, (reasons) => reasons.length === 1, 'its place to be freed');
    expect(closed).toEqual(['join timeout']);
  });

  it('closes a connection that sends what it does not speak: binary frames, events before joining, broken packets', async () => {
    const { url, wire, closed } = await start();
    for (const send of [(socket: WebSocket) => socket.send(Buffer.from([1, 2, 3])), (socket: WebSocket) => socket.send('42["echo",1]'), (socket: WebSocket) => socket.send('4{')]) {
      const stranger = await raw(url);
      send(stranger.socket);
      await stranger.closed;
    }
    await eventually(async () => wire.connections.size, (size) => size === 0, 'the server to forget them');
    await eventually(async () => closed, (reasons) => reasons.length === 3, 'their places to be freed');
    expect(closed).toEqual(['parse error', 'parse error', 'parse error']);
  });

  it('closes a joined connection that sends frames the server would otherwise read for free, again and again', async () => {
    // Each is a frame socket.io-client sends at most once where it sends it at all: none reaches the signaling's limits.
    const { url, left } = await start();
    const frames = {
      'a pong no ping asked for': ['3'],
      'a no-op': ['6'],
      'an acknowledgement the server never asked for': ['431[{}]'],
      'another namespace, asked for twice': ['40/admin,', '40/admin,'],
    };
    for (const [what, sent] of Object.entries(frames)) {
      const stranger = await raw(url);
      stranger.socket.send('40');
      await eventually(async () => stranger.received.length, (count) => count >= 3, `the welcome before ${what}`);
      for (const frame of sent) stranger.socket.send(frame);
      await stranger.closed;
      if (what.startsWith('another namespace')) expect(stranger.received.filter((frame) => frame.startsWith('44/admin,'))).toHaveLength(1);
    }
    expect(left).toEqual(['parse error', 'parse error', 'parse error', 'parse error']);
  });

  it('closes a connection whose message is over the size cap', async () => {
    const { url, left } = await start({ maxPayload: 1_000 });
    const socket = client(url);
    await joined(socket);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('echo', 'x'.repeat(2_000));
    expect(await gone).toBe('transport close');
    expect(left).toEqual(['transport error']);
  });

  it('drops a client that stops reading rather than hold what is sent to it', async () => {
    const { url, left } = await start({ maxPayload: 1_000 });
    const reader = await raw(url);
    reader.socket.send('40');
    await eventually(async () => reader.received.length, (count) => count >= 2, 'the welcome');
    reader.socket.pause();
    reader.socket.send('42["flood me"]');
    await eventually(async () => left, (reasons) => reasons.length === 1, 'the server to give up on it');
    expect(left).toEqual(['slow reader']);
  });

  it('answers a namespace it does not have as Socket.IO does', async () => {
    const { url } = await start();
    const socket = client(url, '/admin');
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('Invalid namespace');
  });

  it('ends a session with a word the client takes as final: it does not reconnect', async () => {
    const { url, left, closed } = await start();
    const socket = io(url, { transports: ['websocket'] });
    clients.push(socket);
    await joined(socket);
    const reason = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('leave me');
    expect(await reason).toBe('io server disconnect');
    expect(left).toEqual(['server namespace disconnect']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(socket.connected).toBe(false);
    // Its place is freed once the client has closed the socket too, moments later.
    expect(closed).toEqual(['server namespace disconnect']);
  });

  it('closes every connection without a word at shutdown, so clients reconnect, and takes no new ones', async () => {
    const { url, wire, left } = await start();
    const socket = client(url);
    await joined(socket);
    const reason = new Promise((resolve) => socket.once('disconnect', resolve));
    wire.close();
    expect(left).toEqual(['server shutting down']);
    expect(await reason).toBe('transport close');
    await expect(raw(url)).rejects.toThrow(/403/);
  });

  it('refuses any other path or transport at the upgrade', async () => {
    const { url } = await start();
    const ws = url.replace('http', 'ws');
    for (const address of [`${ws}/other/?EIO=4&transport=websocket`, `${ws}/socket.io/?EIO=3&transport=websocket`, `${ws}/socket.io/?EIO=4&transport=polling`]) {
      await expect(new Promise((resolve, reject) => new WebSocket(address).once('open', resolve).once('error', reject))).rejects.toThrow(/400/);
    }
  });
});
