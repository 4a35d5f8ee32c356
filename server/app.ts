/**
 * The signaling server as a value: an HTTP server with Socket.IO attached,
 * ready to listen. Tests build it on port 0 with real clients; main.ts builds
 * it from the environment.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { MAX_SDP_LENGTH } from '../src/shared/protocol';
import { createCallRegistry } from './call-registry';
import type { Config } from './config';
import type { SignalingContext } from './context';
import type { Logger } from './logger';
import { createPresence } from './presence';
import { attachSignaling } from './signaling';
import type { SignalingServer } from './signaling-server';
import { createTimers } from './timers';

export interface App {
  http: HttpServer;
  io: SignalingServer;
  context: SignalingContext;
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export function createApp(config: Config, log: Logger): App {
  let closing = false;
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: closing ? 'closing' : 'ok' }));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  });

  const io: SignalingServer = new Server(http, {
    // The extension's service worker has no XMLHttpRequest: WebSocket is the only transport.
    transports: ['websocket'],
    // The largest message is an SDP; anything bigger is not ours.
    maxHttpBufferSize: MAX_SDP_LENGTH + 16 * 1024,
    serveClient: false,
  });

  const context: SignalingContext = {
    config,
    log,
    presence: createPresence(),
    calls: createCallRegistry(),
    timers: createTimers(),
    claims: new Map(),
  };
  attachSignaling(io, context);

  return {
    http,
    io,
    context,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => resolve());
      });
      const address = http.address();
      return { port: typeof address === 'object' && address ? address.port : config.port };
    },
    async close() {
      closing = true;
      context.timers.close();
      // Disconnecting every client tells each extension to reconnect (to this server's successor).
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
