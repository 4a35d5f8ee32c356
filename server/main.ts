/** `npm run server`: the signaling server, configured from the environment. */
import { createApp } from './app';
import { ConfigError, readConfig } from './config';
import { createLogger } from './logger';

/** A shutdown that hangs (a stuck socket) must not keep a deploy waiting. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

let config;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`PeerDial server: ${error.message}`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
const app = createApp(config, log);
const { port } = await app.listen();
log.info({ event: 'listening', host: config.host, port }, `PeerDial signaling server on http://${config.host}:${port}`);

function shutdown(signal: string): void {
  log.info({ event: 'shutdown', signal }, 'shutting down');
  setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
  void app.close().then(() => process.exit(0));
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
