import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

describe('server configuration from the environment', () => {
  it('defaults to port 3000 on localhost with no relays', () => {
    expect(readConfig({})).toMatchObject({ port: 3000, host: 'localhost', iceServers: [], ringTimeoutMs: 30_000 });
  });

  it('hands the STUN servers it is given to every call', () => {
    expect(readConfig({ STUN_URLS: 'stun:stun.example.org:3478, stun:backup.example.org' }).iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478', 'stun:backup.example.org'] },
    ]);
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['STUN_URLS', 'http://example.org', /STUN_URLS .* "http:\/\/example.org" is not one/],
    ['RING_TIMEOUT_MS', '5', /RING_TIMEOUT_MS must be a whole number/],
  ])('refuses %s=%s with a sentence naming the variable', (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });
});
