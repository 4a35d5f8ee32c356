/**
 * The signaling server as a value: an HTTP server (HTTPS when given a
 * certificate) speaking Socket.IO's protocol (server/wire/), ready to
 * listen. Tests build it on port 0 with real clients; main.ts builds it from
 * the environment.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createBlockLists } from './block-lists';
import { createCallRegistry } from './call-registry';
import { type Config, ConfigError, MAX_MESSAGE_BYTES, type StunConfig } from './config';
import { createConnectionGate } from './connection-gate';
import { createLocalConnections } from './connections';
import type { SignalingContext } from './context';
import { createGuestPage } from './guest-page';
import type { Logger } from './logger';
import { createLogBudget } from './log-budget';
import { createMetrics } from './metrics';
import { createPresence } from './presence';
import { createRedisBlockLists } from './redis/block-lists';
import { createRedisCallRegistry } from './redis/call-registry';
import { connectRedis } from './redis/connection';
import { createRedisConnections } from './redis/mailbox';
import { createRedisPresence } from './redis/presence';
import { createRedisTimers } from './redis/timers';
import { timerFired } from './registration';
import { createRateLimits } from './rate-limits';
import { createSignaling } from './signaling';
import { type StunServer, startStunServer, stunUrl } from './stun-server';
import type { SignalingServer } from './signaling-server';
import { createWireServer } from './wire/wire-server';
import { createTimers } from './timers';

export interface App {
  http: HttpServer | HttpsServer;
  server: SignalingServer;
  context: SignalingContext;
  /** The public port, the metrics listener's when there is one, and the STUN responder's UDP port when it runs. */
  listen: () => Promise<{ port: number; metricsPort?: number; stunPort?: number }>;
  /**
   * Stops taking connections and drops the open ones, which then reconnect (to this server's successor), and
   * records their departures; the listener stays, answering /healthz with 503, for as long as the process lives.
   */
  drain: () => Promise<void>;
  /** Drains, then stops listening. */
  close: () => Promise<void>;
}

/** Listens, and answers the port actually bound (port 0 picks a free one). */
async function listening(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

export function createApp(config: Config, log: Logger): App {
  let closing = false;
  const redisFailed = (error: unknown) => log.error({ event: 'redis', err: error }, 'Redis request failed');
  const redis = config.redisUrl ? connectRedis(config.redisUrl, redisFailed) : undefined;
  const presence = redis ? createRedisPresence(redis.client, redis.processId) : createPresence();
  const calls = redis ? createRedisCallRegistry(redis.client, config.maxHeldBytes) : createCallRegistry(config.maxHeldBytes);
  const metrics = createMetrics({
    connectedClients: () => server.connections.size,
    registeredCodes: () => {
      let registered = 0;
      for (const socket of server.connections.values()) if (socket.data?.code) registered++;
      return registered;
    },
    calls: () => calls.counts(),
  });
  const limits = createRateLimits(config, redis?.client);
  const logBudget = createLogBudget(config.logLinesPerAddress, metrics.logLinesSuppressed, log);
  const gate = createConnectionGate(config, limits, metrics, log, logBudget);

  const guestPage = createGuestPage(config.guestPageDir, log);
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: closing ? 'closing' : 'ok' }));
      return;
    }
    if (guestPage(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  };
  // Never on the public port (config.ts says why); its own plain-HTTP listener, for a scraper on a private network.
  const metricsHttp = config.metrics
    ? createServer((request, response) => {
        if (request.method !== 'GET' || request.url !== '/metrics') return void response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        metrics.registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      })
    : undefined;
  const http = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, handle) : createServer(handle);

  // The handlers reach the signaling, made below: it needs the context, which needs this server's connections.
  const server: SignalingServer = createWireServer(
    http,
    { maxPayload: MAX_MESSAGE_BYTES },
    {
      addressOf: gate.addressOf,
      allowRequest: (request, decide) => {
        if (closing) decide('The server is shutting down; connect to another.', false);
        else gate.allowRequest(request, decide);
      },
      opened: gate.opened,
      closed: (address, reason) => {
        gate.closed(address);
        metrics.connectionsClosed.inc({ reason });
      },
      joined: (socket) => signaling.joined(socket),
      event: (socket, event, payload, ack) => signaling.event(socket, event, payload, ack),
      left: (socket) => signaling.left(socket),
    },
  );

  const fire = (name: string) =>
    void timerFired(context)(name).catch((error: unknown) => {
      // A grace deadline is named after a code, which a log line carries only in a field the logger tags.
      const [kind, key] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
      log.error({ event: 'timer', kind, ...(kind === 'grace' ? { code: key } : { callId: key }), err: error }, 'deadline failed');
    });
  const connections = redis ? createRedisConnections(server, redis.client, redis.subscriber, redis.processId, redisFailed) : createLocalConnections(server);
  const context: SignalingContext = {
    config,
    log,
    presence,
    connections,
    blocks: redis ? createRedisBlockLists(redis.client) : createBlockLists(),
    calls,
    timers: redis ? createRedisTimers(redis.client, fire, redisFailed) : createTimers(fire),
    limits,
    metrics,
    logBudget,
    claims: new Map(),
  };
  const signaling = createSignaling(context);

  let stun: StunServer | undefined;
  async function startStun({ host, port }: StunConfig): Promise<StunServer> {
    try {
      return await startStunServer({ host, port, rateLimitFactor: config.rateLimitFactor, log, logBudget });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new ConfigError(`STUN_PORT ${port} is taken on ${host} (a coturn on this host answers STUN itself: name it in STUN_URLS, or set STUN_PORT=off).`);
    }
  }

  async function drain(): Promise<void> {
    closing = true;
    // Each connection closes without a "disconnect" packet, so every client sees a lost link (not a server kick)
    // and its reconnection logic takes it elsewhere. The listener stays: a balancer probing /healthz sees the 503
    // that says "draining", not a refused connection.
    server.close();
    await connections.close();
    // Their departures are recorded (in Redis, for the other processes) before the link to it closes.
    await signaling.departures();
    context.timers.close();
    await presence.close();
    await redis?.close();
  }

  return {
    http,
    server,
    context,
    async listen() {
      await redis?.checkVersion();
      if (config.stun) {
        stun = await startStun(config.stun);
        // The URL names the port bound (STUN_PORT=0 picks one), so the ICE servers handed out are settled only now, before any client connects.
        if (config.stun.advertisedHost !== undefined) context.config = { ...config, iceServers: [{ urls: [stunUrl(config.stun.advertisedHost, stun.port)] }] };
        else log.warn({ event: 'stun-unnamed', host: config.stun.host }, 'answering STUN, but on a wildcard address and PUBLIC_HOST is unset: clients are handed no STUN URL');
      }
      const port = await listening(http, config.port, config.host);
      const metricsPort = metricsHttp && config.metrics ? await listening(metricsHttp, config.metrics.port, config.metrics.host) : undefined;
      return { port, ...(metricsPort !== undefined && { metricsPort }), ...(stun && { stunPort: stun.port }) };
    },
    drain,
    async close() {
      await drain();
      await stun?.close();
      await new Promise<void>((resolve) => void http.close(() => resolve()));
      // Last, so a scraper sees the drain to the end.
      if (metricsHttp?.listening) await new Promise((resolve) => metricsHttp.close(resolve));
    },
  };
}
