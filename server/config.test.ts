/** A bad setting stops the server at start with a sentence naming the variable. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
    [{ TURN_URLS: 'turn:relay.example', TURN_SECRET: 'a-long-enough-secret', TURN_TTL: '10' }, /^TURN_TTL must be a whole number from 60/],
    [{ ALLOWED_ORIGINS: 'chrome-extension://nope' }, /^ALLOWED_ORIGINS must list origins.*"chrome-extension:\/\/nope"/],
    [{ MAX_CONNECTIONS_PER_ADDRESS: '0' }, /^MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 1/],
    [{ RATE_LIMIT_FACTOR: '-1' }, /^RATE_LIMIT_FACTOR must be a number above 0/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ address; it is "localhost:6379"\.$/],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, /^SHUTDOWN_TIMEOUT_MS must be a whole number/],
    [{ STUN_URLS: 'http://example.org' }, /^STUN_URLS must list stun: addresses.*"http:\/\/example\.org" is not one/],
    [{ RING_TIMEOUT_MS: '5' }, /^RING_TIMEOUT_MS must be a whole number from 1000/],
    [{ REGISTER_TIMEOUT_MS: 'never' }, /^REGISTER_TIMEOUT_MS must be a whole number/],
  ])('refuses %o', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('defaults to port 3000 on localhost, no relays and a 30 s ring', () => {
    expect(readConfig({})).toMatchObject({ port: 3000, host: 'localhost', iceServers: [], ringTimeoutMs: 30_000, registerTimeoutMs: 10_000 });
  });

  it('serves the guest page from the build beside the server unless GUEST_PAGE_DIR says where', () => {
    expect(readConfig({}).guestPageDir).toBe(resolve(import.meta.dirname, '../dist-guest'));
    expect(readConfig({ GUEST_PAGE_DIR: '/srv/peerdial/guest' }).guestPageDir).toBe('/srv/peerdial/guest');
    expect(readConfig({ GUEST_PAGE_DIR: 'guest' }).guestPageDir).toBe(resolve('guest'));
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

  it('reads a TURN server with its secret and lifetime', () => {
    expect(readConfig({ TURN_URLS: 'turn:a.example:3478, turns:a.example:443', TURN_SECRET: 'a-long-enough-secret', TURN_TTL: '3600' }).turn).toEqual({
      urls: ['turn:a.example:3478', 'turns:a.example:443'],
      secret: 'a-long-enough-secret',
      ttlSeconds: 3600,
    });
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
