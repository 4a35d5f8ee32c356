/**
 * Structured log lines (one JSON object per line) for whoever runs the
 * server. What goes in: event names, codes, call ids, error kinds. What never
 * does: SDP, ICE candidates (they carry IP addresses), keys or signatures.
 */
import { pino, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'peerdial-signaling' } });
}
