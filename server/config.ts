/**
 * The server's configuration, read only from the environment and checked at
 * start: a bad value stops the server with a sentence naming the variable,
 * rather than surfacing later as a confusing failure mid-call.
 */
import type { IceServer } from '../src/shared/protocol';

export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** STUN servers handed to both parties of every call; empty means host candidates only (LAN, loopback). */
  iceServers: IceServer[];
  /** A phone's ring: long enough to find the browser window, short enough not to nag. */
  ringTimeoutMs: number;
  /** A worker restart or a network blip reconnects within seconds; a party not back by then is gone. */
  reconnectGraceMs: number;
  /** A connection that has not proven a code by then is a stranger holding a socket open. */
  registerTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
  }
  return value;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function stunServers(env: Env): IceServer[] {
  const urls = list(env, 'STUN_URLS');
  for (const url of urls) {
    if (!/^stuns?:[^\s]+$/.test(url)) throw new ConfigError(`STUN_URLS must list stun: addresses separated by commas; "${url}" is not one.`);
  }
  return urls.length ? [{ urls }] : [];
}

export function readConfig(env: Env = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${logLevel}".`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || 'localhost',
    logLevel: logLevel as Config['logLevel'],
    iceServers: stunServers(env),
    ringTimeoutMs: integer(env, 'RING_TIMEOUT_MS', 30_000, 1_000, 300_000),
    reconnectGraceMs: integer(env, 'RECONNECT_GRACE_MS', 10_000, 0, 300_000),
    registerTimeoutMs: integer(env, 'REGISTER_TIMEOUT_MS', 10_000, 1_000, 60_000),
  };
}
