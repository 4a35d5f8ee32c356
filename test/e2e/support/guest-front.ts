/**
 * Interim, until the signaling server serves the guest page itself (issue 19,
 * on another branch): one origin, as the server will give, that serves the
 * built page (dist-guest/) under /call/ and hands everything else, the
 * Socket.IO WebSocket included, to the real server. The page connects to its
 * own origin, so it needs both behind one address. Remove this file, and use
 * the server's own URL in guest-call-tests.ts, once the server serves /call/.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { extname, join, resolve } from 'node:path';
import type { RunningServer } from './server';

export const DIST_GUEST = resolve(import.meta.dirname, '../../../dist-guest');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export interface GuestFront {
  url: string;
  stop: () => Promise<void>;
}

export async function startGuestFront(server: RunningServer): Promise<GuestFront> {
  /** Upgraded sockets leave the HTTP server's keeping: stop() ends them itself. */
  const tunnels = new Set<Socket>();
  const front = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', 'http://front').pathname;
    if (path.startsWith('/call/')) {
      // Assets by name, any other path under /call/ is the page (its code is in the address).
      const file = path.startsWith('/call/assets/') ? path.slice('/call/'.length) : 'index.html';
      readFile(join(DIST_GUEST, file)).then(
        (body) => outgoing.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => outgoing.writeHead(404).end(),
      );
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: server.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  // The WebSocket handshake and its frames, byte for byte: the server sees the page's own Origin header.
  front.on('upgrade', (incoming, socket, head) => {
    const upstream = connect(server.port, '127.0.0.1', () => {
      const lines = [`${incoming.method} ${incoming.url} HTTP/1.1`];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) lines.push(`${incoming.rawHeaders[i]}: ${incoming.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).on('error', () => upstream.destroy());
      socket.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on('close', () => tunnels.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  const { port } = front.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      front.close();
      front.closeAllConnections();
      for (const tunnel of tunnels) tunnel.destroy();
      await once(front, 'close');
    },
  };
}
