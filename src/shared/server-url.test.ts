import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseServerUrl } from './server-url';

const PLAIN_REMOTE = 'Use https:// for a server on another machine: over plain http anyone on the network can pretend to be the server, and the server vouches for who is calling.';
const refused = (message: string) => ({ ok: false, message });

describe('the server address a person types in Settings', () => {
  it('takes https:// and wss:// anywhere, as its origin', () => {
    expect(parseServerUrl(' https://signal.example.com/some/path?x#y ')).toEqual({ ok: true, url: 'https://signal.example.com' });
    expect(parseServerUrl('wss://signal.example.com:8443')).toEqual({ ok: true, url: 'wss://signal.example.com:8443' });
    expect(parseServerUrl('HTTPS://Signal.Example.COM')).toEqual({ ok: true, url: 'https://signal.example.com' });
  });

  it('refuses plain http:// and ws:// to another machine, and says why in words', () => {
    for (const input of ['http://example.com', 'HTTP://EXAMPLE.COM', 'ws://example.com:3000', 'http://192.168.1.20:3000', 'http://10.0.0.1', 'http://[2001:db8::1]:3000', 'http://[fe80::1]']) {
      expect(parseServerUrl(input), input).toEqual(refused(PLAIN_REMOTE));
    }
  });

  it('takes plain http:// and ws:// to this machine, however it is written', () => {
    const local = {
      'http://localhost:3000': 'http://localhost:3000',
      'HTTP://LOCALHOST:3000/': 'http://localhost:3000',
      'http://localhost.:3000': 'http://localhost.:3000',
      'http://peerdial.localhost:3000': 'http://peerdial.localhost:3000',
      'ws://127.0.0.1:3000': 'ws://127.0.0.1:3000',
      'http://127.1:3000': 'http://127.0.0.1:3000',
      'http://0x7f.0.0.1': 'http://127.0.0.1',
      'http://127.255.255.254': 'http://127.255.255.254',
      'http://[::1]:3000': 'http://[::1]:3000',
      'http://[0:0:0:0:0:0:0:1]': 'http://[::1]',
    };
    for (const [input, url] of Object.entries(local)) expect(parseServerUrl(input), input).toEqual({ ok: true, url });
  });

  it('goes by the host the URL really names, not by text that looks local', () => {
    for (const input of [
      'http://localhost@evil.example',
      'http://127.0.0.1:3000@evil.example',
      'http://evil.example\\@localhost',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
      'http://localhost%2eevil.example',
      'http://evil.example#@localhost',
      'http://evil.example/localhost',
      'http://localhost..',
      'http://.localhost',
      'http://0.0.0.0:3000',
      'http://[::ffff:127.0.0.1]',
    ]) {
      expect(parseServerUrl(input), input).toEqual(refused(PLAIN_REMOTE));
    }
  });

  it('refuses what is not a web address, or not one a server speaks', () => {
    expect(parseServerUrl('signal.example.com')).toEqual(refused('That is not a web address. Example: https://signal.example.com'));
    expect(parseServerUrl('ftp://signal.example.com')).toEqual(refused('The server address must start with https:// (or http:// for a local server).'));
    expect(parseServerUrl('javascript:alert(1)')).toEqual(refused('The server address must start with https:// (or http:// for a local server).'));
  });
});

describe('this machine', () => {
  it('is localhost and names under it, 127.0.0.0/8 and ::1, as the URL parser writes them', () => {
    for (const host of ['localhost', 'localhost.', 'a.localhost', 'a.b.localhost.', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['example.com', 'localhost.example', 'notlocalhost', '.localhost', '128.0.0.1', '0.0.0.0', '[::2]', '[::ffff:7f00:1]', '']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
