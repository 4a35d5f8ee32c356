/** The server's own origin, as a page it served would send it, and what is refused as one. */
import { describe, expect, it } from 'vitest';
import { isOwnOrigin, plainHost } from './own-origin';

describe('the Host header', () => {
  it.each(['peerdial.example.org', 'peerdial.example.org:8443', 'LOCALHOST:3000', '192.0.2.10', '192.0.2.10:3000', '[::1]:3000', '[2001:db8::1]'])(
    'is a plain host: %s',
    (header) => {
      expect(plainHost(header)).toBe(header.toLowerCase());
    },
  );

  it.each([undefined, '', 'a.example;x', "a.example 'unsafe-inline'", 'a.example/path', 'user@a.example', 'a.example:99999', 'a.example:', '-a.example', '[::1', 'a.example\r\nX: 1', `${'a'.repeat(64)}.example`])(
    'is refused when it is not one: %j',
    (header) => {
      expect(plainHost(header)).toBeUndefined();
    },
  );
});

describe("the server's own origin", () => {
  it.each([
    ['https://peerdial.example.org', 'peerdial.example.org'],
    ['https://peerdial.example.org', 'peerdial.example.org:443'],
    ['https://peerdial.example.org', 'PeerDial.Example.org'],
    ['http://192.0.2.10:3000', '192.0.2.10:3000'],
    ['http://127.0.0.1:3000', '127.0.0.1:3000'],
    ['http://[::1]:3000', '[::1]:3000'],
    ['https://peerdial.example.org:8443', 'peerdial.example.org:8443'],
  ])('%s is its own when it was reached as %s', (origin, host) => {
    expect(isOwnOrigin(origin, host)).toBe(true);
  });

  it.each([
    ['https://evil.example', 'peerdial.example.org'],
    ['https://peerdial.example.org.evil.example', 'peerdial.example.org'],
    ['http://peerdial.example.org:3001', 'peerdial.example.org:3000'],
    ['https://peerdial.example.org', 'peerdial.example.org:80'],
    ['http://localhost:3000', '127.0.0.1:3000'],
    ['null', 'peerdial.example.org'],
    ['chrome-extension://jifjaicfdkjfbangpfepmellfingegob', 'jifjaicfdkjfbangpfepmellfingegob'],
    ['ws://peerdial.example.org', 'peerdial.example.org'],
    ['https://peerdial.example.org/path', 'peerdial.example.org'],
    ['https://user@peerdial.example.org', 'peerdial.example.org'],
    ['https://peerdial.example.org', undefined],
    ['https://peerdial.example.org', 'peerdial.example.org;x'],
  ])('%s is not its own when it was reached as %s', (origin, host) => {
    expect(isOwnOrigin(origin, host)).toBe(false);
  });
});
