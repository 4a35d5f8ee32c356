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
import { createConnectionGate, plainAddress } from './connection-gate';
import { type EngineConnection as IdleConnection, releaseUpgradeRequest } from './idle-connection';
import type { SignalingContext } from './context';
import { createGuestPage } from './guest-page';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { createPresence } from './presence';
import { createRedisCallRegistry } from './redis/call-registry';
import { connectRedis } from './redis/connection';
import { createRedisPresence } from './redis/presence';
import { createRedisTimers } from './redis/timers';
import { timerFired } from './registration';
import { createRateLimits } from './rate-limits';
import { attachSignaling } from './signaling';
import type { SignalingServer } from './signaling-server';
import { createTimers } from './timers';

export interface App {
  http: HttpServer;
  io: SignalingServer;
  context: SignalingContext;
  listen: () => Promise<{ port: number }>;
  /** Stops taking connections and drops the open ones, which then reconnect (to this server's successor). */
  close: () => Promise<void>;
}

/** What this file uses of an Engine.IO connection. */
interface EngineConnection extends IdleConnection {
  remoteAddress: string;
  on: (event: 'close', listener: (this: EngineConnection) => void) => void;
}

export function createApp(config: Config, log: Logger): App {
  let closing = false;
  const redisFailed = (error: unknown) => log.error({ event: 'redis', err: error }, 'Redis request failed');
  const redis = config.redisUrl ? connectRedis(config.redisUrl, redisFailed) : undefined;
  const presence = redis ? createRedisPresence(redis.client, redis.processId) : createPresence();
  const calls = redis ? createRedisCallRegistry(redis.client) : createCallRegistry();
  const metrics = createMetrics({
    connectedClients: () => io.engine.clientsCount,
    registeredCodes: () => {
      let registered = 0;
      for (const socket of io.of('/').sockets.values()) if (socket.data.code) registered++;
      return registered;
    },
    calls: () => calls.counts(),
  });
  const limits = createRateLimits(config.rateLimitFactor, redis?.client);
  const gate = createConnectionGate(config, limits, metrics, log);

  const guestPage = createGuestPage(config.guestPageDir, log);
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: closing ? 'closing' : 'ok' }));
      return;
    }
    if (request.method === 'GET' && request.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    if (guestPage(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  };
  const http = createServer(handle);

  const io: SignalingServer = new Server(http, {
    // The extension's service worker has no XMLHttpRequest: WebSocket is the only transport.
    transports: ['websocket'],
    // The largest message is an SDP; anything bigger is not ours.
    maxHttpBufferSize: MAX_SDP_LENGTH + 16 * 1024,
    // Engine.IO's default, said out loud: compression keeps zlib contexts (hundreds of KB) per connection, for
    // messages of a few hundred bytes.
    perMessageDeflate: false,
    serveClient: false,
    ...(redis && { adapter: redis.adapter }),
    allowRequest: (request, decide) => {
      if (closing) decide('The server is shutting down; connect to another.', false);
      else gate.allowRequest(request, decide);
    },
  });
  // One function for every connection's close, called with the connection as `this`: no closure per connection.
  function closed(this: EngineConnection): void {
    gate.closed(plainAddress(this.remoteAddress));
  }
  io.engine.on('connection', (raw: EngineConnection) => {
    gate.opened(plainAddress(raw.remoteAddress));
    raw.on('close', closed);
    releaseUpgradeRequest(raw);
  });

  const fire = (name: string) => void timerFired(context)(name).catch((error: unknown) => log.error({ event: 'timer', name, err: error }, 'deadline failed'));
  const context: SignalingContext = {
    config,
    log,
    io,
    presence,
    calls,
    timers: redis ? createRedisTimers(redis.client, fire, redisFailed) : createTimers(fire),
    limits,
    metrics,
    claims: new Map(),
  };
  const departures = attachSignaling(io, context);

  return {
    http,
    io,
    context,
    async listen() {
      await redis?.checkVersion();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => resolve());
      });
      const address = http.address();
      return { port: typeof address === 'object' && address ? address.port : config.port };
    },
    async close() {
      closing = true;
      // Socket.IO closes each connection's transport without a "disconnect" packet, so every client
      // sees a lost link (not a server kick) and its reconnection logic takes it elsewhere.
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      // Their departures are recorded (in Redis, for the other processes) before the link to it closes.
      await departures();
      context.timers.close();
      await presence.close();
      await redis?.close();
    },
  };
}
