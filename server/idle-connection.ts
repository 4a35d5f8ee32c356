/**
 * What an open connection no longer needs, let go: the HTTP request that
 * opened it and the copies Socket.IO keeps of it. Nothing here reads them
 * after the handshake (the client's address is copied out first), and at tens
 * of thousands of idle connections per process each kilobyte is tens of MB.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import type { Socket } from 'socket.io';

/** What this file uses of an Engine.IO connection over WebSocket (`ws` keeps its TCP socket as `_socket`). */
export interface EngineConnection {
  request: IncomingMessage | null;
  transport?: { socket?: { _socket?: TcpSocket } };
}

type OnceListener = ((...args: unknown[]) => void) & { listener?: (...args: unknown[]) => void };

/**
 * Engine.IO (6.6) holds the upgrade request in two places: on the connection,
 * and through a relay it puts on the TCP socket for HTTP middlewares, which
 * re-emits the socket's close on a response object that references the
 * request (`WebSocketResponse` in engine.io/build/server.js). This server uses
 * no such middleware, so the relay goes, and the request, its headers and its
 * parser state with it: about 1.8 KB per connection, measured with a heap
 * snapshot. Should a later Engine.IO write the relay differently, it is left
 * in place and only that memory is kept (server/idle-connection.test.ts
 * notices).
 */
export function releaseUpgradeRequest(connection: EngineConnection): void {
  connection.request = null;
  const tcp = connection.transport?.socket?._socket;
  if (!tcp) return;
  for (const wrapper of tcp.rawListeners('close') as OnceListener[]) {
    if (wrapper.listener && String(wrapper.listener) === '() => this.emit("close")') tcp.removeListener('close', wrapper.listener);
  }
}

const NOTHING = Object.freeze({});

/** Socket.IO's copy of the handshake (headers, query, a date string), kept per connection and never read again here. */
export function trimHandshake(socket: Socket): void {
  const { handshake } = socket;
  handshake.headers = NOTHING;
  handshake.query = NOTHING;
  handshake.auth = NOTHING;
  handshake.time = '';
}
