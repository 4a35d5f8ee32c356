/** A bad setting stops the server at start with a sentence naming the variable. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';
import { extensionIdFromKey, ownExtensionOrigin } from './extension-origin';

const EXTENSION = 'chrome-extension://jifjaicfdkjfbangpfepmellfingegob';

function refusal(env: Record<string, string>): string {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('The configuration was accepted');
}

describe('configuration from the environment', () => {
  it.each([
    [{ PORT: '70000' }, /^PORT must be a whole number from 0 to 65535; it is "70000"\.$/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ TURN_URLS: 'turn:relay.example:3478' }, /^TURN_SECRET must be set when TURN_URLS is/],
    [{ TURN_SECRET: 'a-long-enough-secret' }, /^TURN_URLS must be set when TURN_SECRET is/],
    [{ TURN_URLS: 'turn:relay.example', TURN_SECRET: 'short' }, /^TURN_SECRET must be at least 16 characters/],
    [{ TURN_URLS: 'http://relay.example', TURN_SECRET: 'a-long-enough-secret' }, /^TURN_URLS must list turn: or turns: addresses.*"http:\/\/relay\.example"/],
    [{ TURN_URLS: 'turn:relay.example', TURN_SECRET: 'a-long-enough-secret', TURN_TTL: '10' }, /^TURN_TTL must be a whole number from 30 to 86400/],
    // A week was the old ceiling: a credential that outlives its call by days is the free relay issue 20 found.
    [{ TURN_URLS: 'turn:relay.example', TURN_SECRET: 'a-long-enough-secret', TURN_TTL: '604800' }, /^TURN_TTL must be a whole number from 30 to 86400/],
    [{ TURN_URLS: 'turn:relay.example', TURN_SECRET: 'a-long-enough-secret', TURN_RING_BUDGET: '-1' }, /^TURN_RING_BUDGET must be a whole number from 0/],
    [{ ALLOWED_ORIGINS: 'chrome-extension://nope' }, /^ALLOWED_ORIGINS must list origins.*"chrome-extension:\/\/nope"/],
    [{ MAX_CONNECTIONS_PER_ADDRESS: '0' }, /^MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 1/],
    [{ RATE_LIMIT_FACTOR: '-1' }, /^RATE_LIMIT_FACTOR must be a number above 0/],
    [{ MAX_REFUSALS_PER_MINUTE: '0' }, /^MAX_REFUSALS_PER_MINUTE must be a whole number from 1/],
    [{ MAX_PENDING_REQUESTS: 'lots' }, /^MAX_PENDING_REQUESTS must be a whole number from 1/],
    // Less than one message would close every connection that sends a full-size offer.
    [{ MAX_PENDING_BYTES: '1000' }, /^MAX_PENDING_BYTES must be a whole number from 81920/],
    [{ LOG_LINES_PER_ADDRESS: '0.5' }, /^LOG_LINES_PER_ADDRESS must be a whole number from 1/],
    // Below a few KB an honest offer would not fit; above one message, it bounds nothing the size cap does not.
    [{ MAX_HELD_BYTES: '1024' }, /^MAX_HELD_BYTES must be a whole number from 4096 to 81920/],
    [{ MAX_HELD_BYTES: '100000' }, /^MAX_HELD_BYTES must be a whole number from 4096 to 81920/],
    [{ MAX_RINGING_PER_ADDRESS: '0' }, /^MAX_RINGING_PER_ADDRESS must be a whole number from 1/],
    [{ RINGS_PER_PAIR: '0' }, /^RINGS_PER_PAIR must be a whole number from 1/],
    [{ RINGS_PER_PAIR_WINDOW_MS: '10m' }, /^RINGS_PER_PAIR_WINDOW_MS must be a whole number from 1000/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ address; it is "localhost:6379"\.$/],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, /^SHUTDOWN_TIMEOUT_MS must be a whole number/],
    [{ STUN_URLS: 'http://example.org' }, /^STUN_URLS must list stun: addresses.*"http:\/\/example\.org" is not one/],
    [{ RING_TIMEOUT_MS: '5' }, /^RING_TIMEOUT_MS must be a whole number from 1000/],
    [{ REGISTER_TIMEOUT_MS: 'never' }, /^REGISTER_TIMEOUT_MS must be a whole number/],
    [{ TLS_CERT_FILE: '/etc/ssl/peerdial.pem' }, /^TLS_KEY_FILE must be set when TLS_CERT_FILE is/],
    [{ TLS_KEY_FILE: '/etc/ssl/peerdial.key' }, /^TLS_CERT_FILE must be set when TLS_KEY_FILE is/],
    [{ TRUST_PROXY: '11' }, /^TRUST_PROXY must be a whole number from 0 to 10; it is "11"\.$/],
    [{ TRUST_PROXY: '10.0.0.5, proxy.internal' }, /^TRUST_PROXY must be the number of proxies in front of the server or their addresses .*; "proxy\.internal" is neither\.$/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY must be .*"10\.0\.0\.0\/33" is neither\.$/],
    [{ TRUST_PROXY: 'true' }, /^TRUST_PROXY must be .*"true" is neither\.$/],
    [{ METRICS_PORT: '9464x' }, /^METRICS_PORT must be a whole number from 0 to 65535; it is "9464x"\.$/],
    [{ METRICS_HOST: '10.0.0.5' }, /^METRICS_PORT must be set when METRICS_HOST is/],
    [{ TLS_CERT_FILE: '/nonexistent/peerdial.pem', TLS_KEY_FILE: '/nonexistent/peerdial.key' }, /^TLS_CERT_FILE cannot be read: ENOENT: no such file or directory, open '\/nonexistent\/peerdial\.pem'\.$/],
  ])('refuses %o', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('cuts off floods by default: 100 refusals a minute, 128 requests or 512 KiB waiting, 60 log lines an address a minute', () => {
    expect(readConfig({})).toMatchObject({ maxRefusalsPerMinute: 100, maxPendingRequests: 128, maxPendingBytes: 524_288, logLinesPerAddress: 60 });
    expect(readConfig({ MAX_REFUSALS_PER_MINUTE: '500', MAX_PENDING_BYTES: '1048576' })).toMatchObject({ maxRefusalsPerMinute: 500, maxPendingBytes: 1_048_576 });
  });

  it('holds 32 KiB of signals per ringing call and lets 10 ring at once from an address, by default', () => {
    expect(readConfig({})).toMatchObject({ maxHeldBytes: 32_768, maxRingingPerAddress: 10 });
    expect(readConfig({ MAX_HELD_BYTES: '8192', MAX_RINGING_PER_ADDRESS: '50' })).toMatchObject({ maxHeldBytes: 8192, maxRingingPerAddress: 50 });
  });

  it('lets one caller ring one person 5 times in 10 minutes, by default', () => {
    expect(readConfig({})).toMatchObject({ ringsPerPair: 5, ringsPerPairWindowMs: 600_000 });
    expect(readConfig({ RINGS_PER_PAIR: '3', RINGS_PER_PAIR_WINDOW_MS: '60000' })).toMatchObject({ ringsPerPair: 3, ringsPerPairWindowMs: 60_000 });
  });

  it('defaults to port 3000 on localhost, no relays and a 30 s ring', () => {
    expect(readConfig({})).toMatchObject({ port: 3000, host: 'localhost', iceServers: [], ringTimeoutMs: 30_000, registerTimeoutMs: 10_000 });
  });

  it('serves the guest page from the build beside the server unless GUEST_PAGE_DIR says where', () => {
    expect(readConfig({}).guestPageDir).toBe(resolve(import.meta.dirname, '../dist-guest'));
    expect(readConfig({ GUEST_PAGE_DIR: '/srv/peerdial/guest' }).guestPageDir).toBe('/srv/peerdial/guest');
    expect(readConfig({ GUEST_PAGE_DIR: 'guest' }).guestPageDir).toBe(resolve('guest'));
  });

  it('serves plain HTTP unless given a certificate and key', () => {
    expect(readConfig({}).tls).toBeUndefined();
  });

  it('refuses a certificate file that holds no certificate, naming both variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerdial-config-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), 'not a certificate\n');
      writeFileSync(join(dir, 'key.pem'), 'not a key\n');
      expect(refusal({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') })).toMatch(
        /^TLS_CERT_FILE and TLS_KEY_FILE must hold a PEM certificate and its own private key: .*PEM/,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('trusts no proxy unless told: X-Forwarded-For is read only from the proxies named', () => {
    expect(readConfig({}).trustProxy).toBeUndefined();
    expect(readConfig({ TRUST_PROXY: '0' }).trustProxy).toBeUndefined();
    expect(readConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(readConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,2001:db8::/32' }).trustProxy).toEqual({
      proxies: [
        { network: '127.0.0.1', prefix: 32, family: 'ipv4' },
        { network: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { network: '2001:db8::', prefix: 32, family: 'ipv6' },
      ],
    });
  });

  it('serves no metrics unless METRICS_PORT is set, and then on loopback unless METRICS_HOST says otherwise', () => {
    expect(readConfig({}).metrics).toBeUndefined();
    expect(readConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(readConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 9464, host: '10.0.0.5' });
  });

  it('answers STUN itself on UDP 3478 by default, named by PUBLIC_HOST or else by HOST, unless STUN_URLS names others or STUN_PORT is off', () => {
    expect(readConfig({}).stun).toEqual({ host: 'localhost', port: 3478, advertisedHost: 'localhost' });
    expect(readConfig({ HOST: '203.0.113.10', STUN_PORT: '3479' }).stun).toEqual({ host: '203.0.113.10', port: 3479, advertisedHost: '203.0.113.10' });
    expect(readConfig({ HOST: '0.0.0.0', PUBLIC_HOST: 'call.example.org' }).stun).toEqual({ host: '0.0.0.0', port: 3478, advertisedHost: 'call.example.org' });
    expect(readConfig({ HOST: '::', PUBLIC_HOST: '[2001:db8::10]' }).stun).toEqual({ host: '::', port: 3478, advertisedHost: '2001:db8::10' });
    // Behind a proxy the server listens on loopback; STUN is reached directly.
    expect(readConfig({ HOST: '127.0.0.1', STUN_HOST: '0.0.0.0', PUBLIC_HOST: 'call.example.org' }).stun).toEqual({ host: '0.0.0.0', port: 3478, advertisedHost: 'call.example.org' });
    // A wildcard names nothing a client could reach: the responder runs, and hands out no URL.
    expect(readConfig({ HOST: '0.0.0.0' }).stun).toEqual({ host: '0.0.0.0', port: 3478 });
    expect(readConfig({ STUN_PORT: 'off' }).stun).toBeUndefined();
    expect(readConfig({ STUN_URLS: 'stun:stun.example.org:3478' }).stun).toBeUndefined();
  });

  it('refuses a PUBLIC_HOST that is not a bare host name or address, and a STUN_PORT that is not a port', () => {
    for (const bad of ['https://call.example.org', 'call.example.org:3478', 'a b', 'host/path', '-bad.example']) {
      expect(() => readConfig({ PUBLIC_HOST: bad }), bad).toThrow(/^PUBLIC_HOST must be a host name or an IP address/);
    }
    for (const bad of ['65536', '-1', 'on', '3478.5']) expect(() => readConfig({ STUN_PORT: bad }), bad).toThrow(/^STUN_PORT must be/);
  });

  it('hands the STUN servers it is given to every call', () => {
    expect(readConfig({ STUN_URLS: 'stun:stun.example.org:3478, stun:backup.example.org' }).iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478', 'stun:backup.example.org'] },
    ]);
  });

  it('allows the extension itself by default, and localhost only outside production', () => {
    expect(readConfig({}, EXTENSION).allowedOrigins).toEqual([EXTENSION, 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(readConfig({ NODE_ENV: 'production' }, EXTENSION).allowedOrigins).toEqual([EXTENSION]);
  });

  it('reads a TURN server with its secret, lifetime and ring budget', () => {
    const env = { TURN_URLS: 'turn:a.example:3478, turns:a.example:443', TURN_SECRET: 'a-long-enough-secret', TURN_TTL: '3600', TURN_RING_BUDGET: '0', TURN_RING_BUDGET_PER_ADDRESS: '50' };
    expect(readConfig(env).turn).toEqual({
      urls: ['turn:a.example:3478', 'turns:a.example:443'],
      secret: 'a-long-enough-secret',
      ttlSeconds: 3600,
      ringBudget: { perCode: 0, perAddress: 50 },
    });
  });

  it('gives credentials ten minutes by default, and a caller three with its rings (ten per address) per ten minutes', () => {
    expect(readConfig({ TURN_URLS: 'turn:a.example', TURN_SECRET: 'a-long-enough-secret' }).turn).toMatchObject({ ttlSeconds: 600, ringBudget: { perCode: 3, perAddress: 10 } });
  });
});

describe('the extension id from its manifest key', () => {
  it("is Chrome's: SHA-256 of the DER key, first 128 bits, digits written a-p", () => {
    const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../manifest.json'), 'utf8')) as { key: string };
    // The id Chromium gives the built extension (test/e2e/turn-relay.test.ts connects with the default origin list).
    expect(`chrome-extension://${extensionIdFromKey(manifest.key)}`).toBe(EXTENSION);
    expect(ownExtensionOrigin()).toBe(EXTENSION);
  });
});
