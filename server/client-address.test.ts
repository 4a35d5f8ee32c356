/** Which client a connection counts as: the socket's peer, or the client a trusted proxy names; IPv6 by its /64. */
import { describe, expect, it } from 'vitest';
import { addressKey, createClientAddress, parseAddress, parseProxyRange } from './client-address';

describe('the address a client is counted under', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:db8::7', '2001:db8:0:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('puts two addresses of one /64 together and the next /64 apart', () => {
    expect(addressKey('2001:db8:1:2::a')).toBe(addressKey('2001:db8:1:2:8000::b'));
    expect(addressKey('2001:db8:1:2::a')).not.toBe(addressKey('2001:db8:1:3::a'));
  });

  it.each([
    ['203.0.113.7:4711', '203.0.113.7'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['unknown', undefined],
    ['', undefined],
    ['203.0.113.999', undefined],
    ['_hidden', undefined],
  ])('reads the X-Forwarded-For entry %j as %s', (entry, address) => {
    expect(parseAddress(entry)).toBe(address);
  });
});

describe('TRUST_PROXY entries', () => {
  it.each([
    ['127.0.0.1', { network: '127.0.0.1', prefix: 32, family: 'ipv4' }],
    ['10.0.0.0/8', { network: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['2001:db8::/32', { network: '2001:db8::', prefix: 32, family: 'ipv6' }],
    ['::ffff:10.0.0.0/104', { network: '10.0.0.0', prefix: 8, family: 'ipv4' }],
  ])('reads %s', (entry, range) => {
    expect(parseProxyRange(entry)).toEqual(range);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.0/8/8', '2001:db8::/129', '10.0.0.0/x', '[::1]'])('refuses %s', (entry) => {
    expect(parseProxyRange(entry)).toBeUndefined();
  });
});

describe('the client behind a proxy', () => {
  const proxies = { proxies: [parseProxyRange('127.0.0.1')!, parseProxyRange('10.0.0.0/8')!] };

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const address = createClientAddress(undefined);
    expect(address('::ffff:127.0.0.1', '198.51.100.9')).toBe('127.0.0.1');
    expect(address('2001:db8:1:2::5', '198.51.100.9')).toBe('2001:db8:1:2::/64');
  });

  it('is the right-most entry a trusted hop added, not one the client wrote to its left', () => {
    const oneHop = createClientAddress({ hops: 1 });
    expect(oneHop('127.0.0.1', '198.51.100.9')).toBe('198.51.100.9');
    expect(oneHop('127.0.0.1', '192.0.2.1, 198.51.100.9')).toBe('198.51.100.9');
    expect(oneHop('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(oneHop('127.0.0.1', '2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
  });

  it('walks past as many hops as there are proxies, and no further', () => {
    const twoHops = createClientAddress({ hops: 2 });
    expect(twoHops('127.0.0.1', '192.0.2.1, 198.51.100.9, 10.0.0.2')).toBe('198.51.100.9');
    // Fewer entries than hops: the left-most one is the furthest anyone vouches for.
    expect(twoHops('127.0.0.1', '198.51.100.9')).toBe('198.51.100.9');
  });

  it('walks past listed proxies only, and ignores the header from a peer that is not one', () => {
    const listed = createClientAddress(proxies);
    expect(listed('127.0.0.1', '192.0.2.1, 198.51.100.9, 10.1.2.3')).toBe('198.51.100.9');
    expect(listed('::ffff:127.0.0.1', '198.51.100.9')).toBe('198.51.100.9');
    expect(listed('203.0.113.7', '198.51.100.9')).toBe('203.0.113.7');
    // Every entry is a proxy: the left-most is the client as far as anyone can tell.
    expect(listed('127.0.0.1', '10.0.0.5, 10.0.0.6')).toBe('10.0.0.5');
  });

  it('stops at an entry that is not an address, on the last address a trusted proxy vouched for', () => {
    expect(createClientAddress(proxies)('127.0.0.1', '198.51.100.9, 10.0.0.5, garbage')).toBe('127.0.0.1');
    expect(createClientAddress({ hops: 2 })('127.0.0.1', 'garbage, 198.51.100.9')).toBe('198.51.100.9');
  });
});
