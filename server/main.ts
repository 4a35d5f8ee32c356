/** `npm run server`: the signaling server, configured from the environment. */
import { createApp } from './app';
import { type Config, ConfigError, readConfig } from './config';
import { ownExtensionOrigin } from './extension-origin';
import { createLogger } from './logger';

let config: Config;
try {
  config = readConfig(process.env, ownExtensionOrigin());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`PeerDial server: ${error.message}`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
const app = createApp(config, log);
const { port, metricsPort, stunPort } = await app.listen().catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`PeerDial server: ${error.message}`);
  process.exit(1);
});
log.info(
  { event: 'listening', host: config.host, port, origins: config.allowedOrigins, turn: Boolean(config.turn), redis: Boolean(config.redisUrl), tls: Boolean(config.tls), stun: app.context.config.iceServers.flatMap((server) => server.urls), stunPort, metrics: metricsPort && `http://${config.metrics?.host}:${metricsPort}/metrics` },
  `PeerDial signaling server on ${config.tls ? 'https' : 'http'}://${config.host}:${port}`,
);

/**
 * A deploy's SIGTERM: /healthz turns 503 (and stays so until exit) so a
 * balancer stops sending people here, every connection is dropped so its extension reconnects (to another
 * process), and the process exits. A stuck close must not keep the deploy
 * waiting, so it exits anyway after SHUTDOWN_TIMEOUT_MS, with a failure code.
 */
function shutdown(signal: string): void {
  log.info({ event: 'shutdown', signal, clients: app.server.connections.size }, 'shutting down');
  setTimeout(() => {
    log.error({ event: 'shutdown-timeout', timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting anyway');
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
  // The listener is left open: /healthz answers 503 until the process is gone.
  void app.drain().then(() => {
    log.info({ event: 'stopped' }, 'stopped');
    log.flush();
    process.exit(0);
  });
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
