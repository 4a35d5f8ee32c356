/**
 * The server's configuration, read only from the environment and checked at
 * start: a bad value stops the server with a sentence naming the variable,
 * rather than surfacing later as a confusing failure mid-call.
 */
import { resolve } from 'node:path';
import type { IceServer } from '../src/shared/protocol';

export interface TurnConfig {
  urls: string[];
  /** Shared with coturn's `static-auth-secret`; never leaves the server. */
  secret: string;
  /** How long a credential lets a browser allocate and refresh a relay, in seconds. */
  ttlSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** STUN servers handed to both parties of every call; empty means host candidates only (LAN, loopback). */
  iceServers: IceServer[];
  /** With a TURN server sharing our secret, each party also gets a relay credential made for it. */
  turn?: TurnConfig;
  /** A phone's ring: long enough to find the browser window, short enough not to nag. */
  ringTimeoutMs: number;
  /** A worker restart or a network blip reconnects within seconds; a party not back by then is gone. */
  reconnectGraceMs: number;
  /** A connection that has not proven a code by then is a stranger holding a socket open. */
  registerTimeoutMs: number;
  /** Browser origins allowed to open a connection (the extension's own, plus localhost in development). */
  allowedOrigins: string[];
  /** Open connections one address may hold: a household or an office behind one NAT, not a botnet on one host. */
  maxConnectionsPerAddress: number;
  /** Scales every rate limit (2 doubles them): for a deployment behind a large NAT, or a benchmark. */
  rateLimitFactor: number;
  /** Several processes share presence, calls and relay through this Redis. */
  redisUrl?: string;
  /** SIGTERM waits this long for a clean close before exiting anyway. */
  shutdownTimeoutMs: number;
  /** The guest page's build (`npm run build:guest`), served under /call/. */
  guestPageDir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** coturn's own example lifetime: long enough for a day's calls, since a relay is refreshed with the same credential. */
const DEFAULT_TURN_TTL_SECONDS = 86_400;
/** Shorter secrets can be brute-forced from one observed credential. */
const MIN_TURN_SECRET_LENGTH = 16;
/** Where `npm run build:guest` writes the page. */
const DEFAULT_GUEST_PAGE_DIR = resolve(import.meta.dirname, '../dist-guest');

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

function positive(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new ConfigError(`${name} must be a number above 0 and at most ${max}; it is "${raw}".`);
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

function turnServer(env: Env): TurnConfig | undefined {
  const urls = list(env, 'TURN_URLS');
  const secret = env.TURN_SECRET ?? '';
  if (!urls.length && !secret) return undefined;
  if (!urls.length) throw new ConfigError('TURN_URLS must be set when TURN_SECRET is: which TURN servers share the secret?');
  if (!secret) throw new ConfigError('TURN_SECRET must be set when TURN_URLS is: it is the static-auth-secret the TURN server was started with.');
  if (secret.length < MIN_TURN_SECRET_LENGTH) throw new ConfigError(`TURN_SECRET must be at least ${MIN_TURN_SECRET_LENGTH} characters long.`);
  for (const url of urls) {
    if (!/^turns?:[^\s]+$/.test(url)) throw new ConfigError(`TURN_URLS must list turn: or turns: addresses separated by commas; "${url}" is not one.`);
  }
  return { urls, secret, ttlSeconds: integer(env, 'TURN_TTL', DEFAULT_TURN_TTL_SECONDS, 60, 7 * 86_400) };
}

function origins(env: Env, extensionOrigin: string | undefined): string[] {
  const listed = list(env, 'ALLOWED_ORIGINS');
  for (const origin of listed) {
    if (!/^(chrome-extension:\/\/[a-p]{32}|https?:\/\/[^\s/]+(:\*)?)$/.test(origin)) {
      throw new ConfigError(`ALLOWED_ORIGINS must list origins such as chrome-extension://<32 letters a-p> or https://host, separated by commas; "${origin}" is not one.`);
    }
  }
  if (listed.length) return listed;
  const defaults = extensionOrigin ? [extensionOrigin] : [];
  // Development pages (the dev script's, a test page) are served from localhost on any port.
  if (env.NODE_ENV !== 'production') defaults.push('http://localhost:*', 'http://127.0.0.1:*');
  return defaults;
}

function redisUrl(env: Env): string | undefined {
  const url = env.REDIS_URL;
  if (!url) return undefined;
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// address; it is "${url}".`);
  return url;
}

/** `extensionOrigin` is the default allowed origin, derived by the caller from the manifest's key. */
export function readConfig(env: Env = process.env, extensionOrigin?: string): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${logLevel}".`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || 'localhost',
    logLevel: logLevel as Config['logLevel'],
    iceServers: stunServers(env),
    turn: turnServer(env),
    ringTimeoutMs: integer(env, 'RING_TIMEOUT_MS', 30_000, 1_000, 300_000),
    reconnectGraceMs: integer(env, 'RECONNECT_GRACE_MS', 10_000, 0, 300_000),
    registerTimeoutMs: integer(env, 'REGISTER_TIMEOUT_MS', 10_000, 1_000, 60_000),
    allowedOrigins: origins(env, extensionOrigin),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 64, 1, 1_000_000),
    rateLimitFactor: positive(env, 'RATE_LIMIT_FACTOR', 1, 10_000),
    redisUrl: redisUrl(env),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 5_000, 100, 120_000),
    guestPageDir: env.GUEST_PAGE_DIR ? resolve(env.GUEST_PAGE_DIR) : DEFAULT_GUEST_PAGE_DIR,
  };
}
