/**
 * Which client a connection counts as, for the per-address limits (the
 * connection cap and the rate limits).
 *
 * Directly exposed, that is the socket's peer. Behind a reverse proxy every
 * socket's peer is the proxy, so one abuser would use up the limits of
 * everyone behind it: with TRUST_PROXY the server reads the client from
 * X-Forwarded-For, walking it from the right (the entry the nearest proxy
 * added) past the proxies it trusts, and takes the first address it does not
 * trust. Entries further left were written by the client itself and prove
 * nothing. Without TRUST_PROXY, or from a peer that is not a trusted proxy,
 * the header is never read: anyone can send one.
 *
 * An IPv6 client is counted by its /64: one subscriber line or host is given
 * a whole /64, so its 2^64 addresses are one household, as one IPv4 address is.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** How many proxies stand in front of the server, or which addresses they have. */
export type TrustProxy = { hops: number } | { proxies: readonly ProxyRange[] };

export interface ProxyRange {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** The eight 16-bit groups of an IPv6 address, compressed or full, with or without a dotted IPv4 tail. */
export function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const gap = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...gap, ...right].map((group) => parseInt(group, 16));
}

/** `::ffff:a.b.c.d` (in either notation) is an IPv4 client on a dual-stack socket: that IPv4 address. */
function unmapped(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const g = ipv6Groups(ip);
  if (!g.slice(0, 5).every((group) => group === 0) || g[5] !== 0xffff) return ip;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
}

/**
 * An address as a socket or an X-Forwarded-For entry gives it (IPv4-mapped, bracketed, with a port or a zone), in
 * plain form; undefined when it is not an address at all.
 */
export function parseAddress(entry: string): string | undefined {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = text.replace(/%[\w.-]+$/, '');
  return isIPv4(text) || isIPv6(text) ? unmapped(text) : undefined;
}

/** What the limits count under: an IPv4 address itself, an IPv6 address's /64 (`2001:db8:0:1::/64`). */
export function addressKey(ip: string): string {
  const plain = parseAddress(ip);
  if (!plain) return ip;
  if (isIPv4(plain)) return plain;
  return `${ipv6Groups(plain)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`: one proxy or a range of them, for TRUST_PROXY. */
export function parseProxyRange(entry: string): ProxyRange | undefined {
  const [address = '', bits, ...extra] = entry.trim().split('/');
  const network = parseAddress(address);
  if (!network || extra.length || /[[\]%]/.test(address)) return undefined;
  const family = isIPv4(network) ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  if (bits === undefined) return { network, prefix: max, family };
  let prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  // A mapped range (`::ffff:10.0.0.0/104`) reads as the IPv4 range it maps.
  if (family === 'ipv4' && isIPv6(address)) prefix -= 96;
  return prefix >= 0 && prefix <= max ? { network, prefix, family } : undefined;
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the right-most X-Forwarded-For
 * entry not written by a trusted proxy. `trusted(address, hop)` says whether the address at `hop` (0 is the socket's
 * peer, 1 the right-most entry, ...) is one of our proxies.
 */
export function forwardedClient(peer: string, forwardedFor: string | undefined, trusted: (address: string, hop: number) => boolean): string {
  const chain = forwardedFor ? forwardedFor.split(',').reverse() : [];
  let client = peer;
  for (let hop = 0; hop < chain.length && trusted(client, hop); hop++) {
    const next = parseAddress(chain[hop]!);
    // A trusted proxy passed on something that is not an address: the last address one of them vouched for stands.
    if (!next) break;
    client = next;
  }
  return client;
}

/** What a connection counts as, from its socket's peer and X-Forwarded-For header, under this server's TRUST_PROXY. */
export function createClientAddress(trust: TrustProxy | undefined): (peer: string | undefined, forwardedFor: string | undefined) => string {
  let trusted: ((address: string, hop: number) => boolean) | undefined;
  if (trust && 'hops' in trust) trusted = (_address, hop) => hop < trust.hops;
  else if (trust) {
    const proxies = new BlockList();
    for (const { network, prefix, family } of trust.proxies) proxies.addSubnet(network, prefix, family);
    trusted = (address) => proxies.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return (peer, forwardedFor) => {
    const socketPeer = parseAddress(peer ?? '');
    if (!socketPeer) return peer ?? 'unknown';
    return addressKey(trusted ? forwardedClient(socketPeer, forwardedFor, trusted) : socketPeer);
  };
}
