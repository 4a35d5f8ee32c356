/**
 * The server's configuration, read only from the environment and checked at
 * start: a bad value stops the server with a sentence naming the variable,
 * rather than surfacing later as a confusing failure mid-call.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { type IceServer, MAX_SDP_LENGTH } from '../src/shared/protocol';
import { parseProxyRange, type TrustProxy } from './client-address';

export interface TurnConfig {
  urls: string[];
  /** Shared with coturn's `static-auth-secret`; never leaves the server. */
  secret: string;
  /**
   * How long a credential lets a browser allocate a relay, in seconds. coturn checks it only when an allocation is
   * made (one made in time is refreshed for as long as it is used), so a party of a call asks for a fresh one before
   * then: this bounds how long a credential of a call that ended, or never was answered, is worth anything.
   */
  ttlSeconds: number;
  /**
   * Credentials a caller gets with its rings, in RING_RELAY_WINDOW_SECONDS, per caller code and per address: a ring
   * nobody answers must not be a free relay. Past either, the caller's relay comes when the call is accepted.
   */
  ringBudget: { perCode: number; perAddress: number };
}

/** A certificate (with its chain) and its private key, PEM, read at start. Never logged. */
export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
}

/** Where Prometheus scrapes /metrics: a listener of its own, never the public port. */
export interface MetricsConfig {
  port: number;
  host: string;
}

export interface StunConfig {
  /**
   * Address the UDP socket binds: STUN_HOST, else HOST. Apart from HOST because a server behind an HTTP proxy
   * listens on loopback, while STUN, which no HTTP proxy carries, must be reached directly.
   */
  host: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  /**
   * The name or address clients reach this host by, which the STUN URL handed to them names: PUBLIC_HOST, else the
   * bound address when it is one address or name. Absent when that is a wildcard (0.0.0.0, ::) and PUBLIC_HOST is
   * unset: the server then answers STUN but hands out no URL, since nothing it knows names it for the clients.
   */
  advertisedHost?: string;
}

export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * STUN servers handed to both parties of every call: STUN_URLS, or this server's own (see `stun`) once its port is
   * bound; empty means host candidates only (LAN, loopback).
   */
  iceServers: IceServer[];
  /** This server answering STUN itself on UDP, when STUN_URLS names no other; none with STUN_PORT=off. */
  stun?: StunConfig;
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
  /** The reverse proxies in front, whose X-Forwarded-For names the client the per-address limits count; none by default. */
  trustProxy?: TrustProxy;
  /** Scales every rate limit (2 doubles them): for a deployment behind a large NAT, or a benchmark. */
  rateLimitFactor: number;
  /**
   * Refused requests (well-formed, but not allowed: a signal to someone else's call, a ring over the limit) one
   * connection may make in a minute before it is disconnected. Our client is refused now and then (busy, offline);
   * a connection refused over and over is trying things.
   */
  maxRefusalsPerMinute: number;
  /** What one connection may have waiting for its turn (each connection's requests are handled in order): a bound on the memory a flood can pin. */
  maxPendingRequests: number;
  maxPendingBytes: number;
  /**
   * Bytes of a caller's signals held while the call rings (an offer and its candidates are a few KB): what each
   * ringing call may pin in memory, or in Redis.
   */
  maxHeldBytes: number;
  /** Rings one address may have started within one ring timeout, so at most this many ring at once: a household's, not a storm. */
  maxRingingPerAddress: number;
  /**
   * Rings one caller may make to one callee within ringsPerPairWindowMs, counted by the caller's code and again by
   * its address (throwaway codes share one): a person redials a few times, and someone re-ringing to keep a person
   * busy is stopped after as many.
   */
  ringsPerPair: number;
  ringsPerPairWindowMs: number;
  /** Log lines about one address in a minute; the rest are counted in peerdial_log_lines_suppressed_total, so a flood cannot fill the disk. */
  logLinesPerAddress: number;
  /** Several processes share presence, calls and relay through this Redis. */
  redisUrl?: string;
  /** SIGTERM waits this long for a clean close before exiting anyway. */
  shutdownTimeoutMs: number;
  /** The metrics listener; none unless METRICS_PORT is set. */
  metrics?: MetricsConfig;
  /** The guest page's build (`npm run build:guest`), served under /call/. */
  guestPageDir: string;
  /** HTTPS and WSS served by this process: a browser gives a page its camera only in a secure context, localhost aside. */
  tls?: TlsConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The largest message a connection may send: an SDP, at most 64 KB, and its envelope. Anything bigger is not ours. */
export const MAX_MESSAGE_BYTES = MAX_SDP_LENGTH + 16 * 1024;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Minutes, not a day: nothing handed out with a ring outlives it by more; a call's parties renew theirs at 2/3 of it. */
const DEFAULT_TURN_TTL_SECONDS = 600;
/**
 * Below this the renewals (at 2/3 of it) come every few seconds, and a clock between this server and the TURN server
 * a few seconds apart eats much of each credential.
 */
const MIN_TURN_TTL_SECONDS = 30;
/** A day: longer hands out what issue 20 called a free relay. */
const MAX_TURN_TTL_SECONDS = 86_400;
/** A person redialling an unanswered call a few times; after that its relay waits for the accept. */
const DEFAULT_TURN_RING_BUDGET = 3;
/** A household or a small office calling out from one address. */
const DEFAULT_TURN_RING_BUDGET_PER_ADDRESS = 10;
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

/** The default port of STUN (RFC 5389 §18.4), which networks that let STUN out expect. */
const DEFAULT_STUN_PORT = 3478;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
/** A DNS name, an IPv4 address or an IPv6 address (bare or in brackets): what may follow `stun:`. */
const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/;

function stunResponder(env: Env, host: string): StunConfig | undefined {
  // A STUN server named by the operator is the one clients use; ours would only be a second port open for nothing.
  if (list(env, 'STUN_URLS').length) return undefined;
  if (env.STUN_PORT === 'off') return undefined;
  const raw = env.STUN_PORT;
  if (raw && !(/^\d{1,5}$/.test(raw) && Number(raw) <= 65535)) throw new ConfigError(`STUN_PORT must be a UDP port (0 picks a free one) or off; it is "${raw}".`);
  const port = raw ? Number(raw) : DEFAULT_STUN_PORT;
  const publicHost = env.PUBLIC_HOST;
  if (publicHost !== undefined && publicHost !== '' && !HOST_NAME.test(publicHost)) {
    throw new ConfigError(`PUBLIC_HOST must be a host name or an IP address (no scheme, no port); "${publicHost}" is not one.`);
  }
  const bound = env.STUN_HOST || host;
  const advertisedHost = publicHost || (WILDCARD_HOSTS.has(bound) ? undefined : bound);
  return { host: bound, port, ...(advertisedHost !== undefined && { advertisedHost: advertisedHost.replace(/^\[|\]$/g, '') }) };
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
  return {
    urls,
    secret,
    ttlSeconds: integer(env, 'TURN_TTL', DEFAULT_TURN_TTL_SECONDS, MIN_TURN_TTL_SECONDS, MAX_TURN_TTL_SECONDS),
    ringBudget: {
      perCode: integer(env, 'TURN_RING_BUDGET', DEFAULT_TURN_RING_BUDGET, 0, 1_000_000),
      perAddress: integer(env, 'TURN_RING_BUDGET_PER_ADDRESS', DEFAULT_TURN_RING_BUDGET_PER_ADDRESS, 0, 1_000_000),
    },
  };
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

/** More proxies in a row than any deployment stacks: a larger number is a typo, or a list meant as one. */
const MAX_PROXY_HOPS = 10;

function trustProxy(env: Env): TrustProxy | undefined {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) {
    const hops = integer(env, 'TRUST_PROXY', 0, 0, MAX_PROXY_HOPS);
    return hops ? { hops } : undefined;
  }
  const proxies = list(env, 'TRUST_PROXY').map((entry) => {
    const range = parseProxyRange(entry);
    if (!range) {
      throw new ConfigError(
        `TRUST_PROXY must be the number of proxies in front of the server or their addresses (10.0.0.5, 10.0.0.0/8, 2001:db8::/32) separated by commas; "${entry}" is neither.`,
      );
    }
    return range;
  });
  return { proxies };
}

/**
 * Metrics tell anyone who can read them how many people are online and calling, and the rate-limit counters show
 * an attacker how close a probe is to a limit: so they have a listener of their own, off unless asked for, and on
 * loopback unless told otherwise (a scraper on the same host, or one reached through a private interface).
 */
function metrics(env: Env): MetricsConfig | undefined {
  if (!env.METRICS_PORT) {
    if (env.METRICS_HOST) throw new ConfigError('METRICS_PORT must be set when METRICS_HOST is: on which port should /metrics be served?');
    return undefined;
  }
  return { port: integer(env, 'METRICS_PORT', 0, 0, 65535), host: env.METRICS_HOST || '127.0.0.1' };
}

function redisUrl(env: Env): string | undefined {
  const url = env.REDIS_URL;
  if (!url) return undefined;
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// address; it is "${url}".`);
  return url;
}

function fileContents(env: Env, name: string): Buffer {
  try {
    return readFileSync(env[name]!);
  } catch (error) {
    throw new ConfigError(`${name} cannot be read: ${(error as Error).message}.`);
  }
}

function tls(env: Env): TlsConfig | undefined {
  const [certFile, keyFile] = [env.TLS_CERT_FILE, env.TLS_KEY_FILE];
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new ConfigError('TLS_CERT_FILE must be set when TLS_KEY_FILE is: the certificate (with its chain) that goes with the key.');
  if (!keyFile) throw new ConfigError('TLS_KEY_FILE must be set when TLS_CERT_FILE is: the private key of that certificate.');
  const files = { cert: fileContents(env, 'TLS_CERT_FILE'), key: fileContents(env, 'TLS_KEY_FILE') };
  // Checked now, not at the first handshake: a key that does not fit the certificate would fail every connection.
  try {
    createSecureContext(files);
  } catch (error) {
    throw new ConfigError(`TLS_CERT_FILE and TLS_KEY_FILE must hold a PEM certificate and its own private key: ${(error as Error).message}.`);
  }
  return files;
}

/** `extensionOrigin` is the default allowed origin, derived by the caller from the manifest's key. */
export function readConfig(env: Env = process.env, extensionOrigin?: string): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${logLevel}".`);
  }
  const host = env.HOST || 'localhost';
  const stun = stunResponder(env, host);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    logLevel: logLevel as Config['logLevel'],
    iceServers: stunServers(env),
    ...(stun && { stun }),
    turn: turnServer(env),
    ringTimeoutMs: integer(env, 'RING_TIMEOUT_MS', 30_000, 1_000, 300_000),
    reconnectGraceMs: integer(env, 'RECONNECT_GRACE_MS', 10_000, 0, 300_000),
    registerTimeoutMs: integer(env, 'REGISTER_TIMEOUT_MS', 10_000, 1_000, 60_000),
    allowedOrigins: origins(env, extensionOrigin),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 64, 1, 1_000_000),
    trustProxy: trustProxy(env),
    rateLimitFactor: positive(env, 'RATE_LIMIT_FACTOR', 1, 10_000),
    maxRefusalsPerMinute: integer(env, 'MAX_REFUSALS_PER_MINUTE', 100, 1, 1_000_000),
    maxPendingRequests: integer(env, 'MAX_PENDING_REQUESTS', 128, 1, 1_000_000),
    maxPendingBytes: integer(env, 'MAX_PENDING_BYTES', 512 * 1024, MAX_MESSAGE_BYTES, 1024 * 1024 * 1024),
    maxHeldBytes: integer(env, 'MAX_HELD_BYTES', 32 * 1024, 4 * 1024, MAX_MESSAGE_BYTES),
    maxRingingPerAddress: integer(env, 'MAX_RINGING_PER_ADDRESS', 10, 1, 1_000_000),
    ringsPerPair: integer(env, 'RINGS_PER_PAIR', 5, 1, 1_000_000),
    ringsPerPairWindowMs: integer(env, 'RINGS_PER_PAIR_WINDOW_MS', 10 * 60_000, 1_000, 24 * 3_600_000),
    logLinesPerAddress: integer(env, 'LOG_LINES_PER_ADDRESS', 60, 1, 1_000_000),
    redisUrl: redisUrl(env),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 5_000, 100, 120_000),
    metrics: metrics(env),
    guestPageDir: env.GUEST_PAGE_DIR ? resolve(env.GUEST_PAGE_DIR) : DEFAULT_GUEST_PAGE_DIR,
    tls: tls(env),
  };
}
