/**
 * The server's own address, as the request names it. The guest page is
 * served by this server and connects back to it, so a page whose origin is
 * this very host is one of ours, wherever the server is reached: the address
 * is not known in advance (a public name, a LAN address, a proxy in front),
 * only what the browser put in the Host header.
 *
 * A browser sets Host to the name it connects to and Origin to the page's, so
 * a page on another site cannot pass as ours. A name its owner points at this
 * server's address (DNS rebinding) can, over plain HTTP: a certificate for our
 * name is what stops it, which is one more reason to serve a public address
 * over TLS.
 */

/** A DNS name, an IPv4 address or a bracketed IPv6 address, and an optional port: nothing that could carry syntax into a header. */
const PLAIN_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;
/** RFC 1035's limit on a name, plus a port. */
const MAX_HOST_LENGTH = 253 + 6;

/** The Host header lower-cased, when it is a plain host[:port]; undefined when absent or anything else. */
export function plainHost(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_HOST_LENGTH || !PLAIN_HOST.test(header)) return undefined;
  const port = /:(\d+)$/.exec(header)?.[1];
  if (port !== undefined && Number(port) > 65_535) return undefined;
  return header.toLowerCase();
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether an http(s) page's origin is this host, a default port written or not (`https://a.example` is `a.example:443`). */
export function isOwnOrigin(origin: string, hostHeader: string | undefined): boolean {
  const host = plainHost(hostHeader);
  const page = parse(origin);
  // A browser sends an origin as URL serializes it (lower case, no default port, no path); anything else is not a page's.
  if (host === undefined || !page || page.origin !== origin || (page.protocol !== 'http:' && page.protocol !== 'https:')) return false;
  // Read under the page's scheme, the Host header drops a default port just as the origin did.
  return parse(`${page.protocol}//${host}`)?.host === page.host;
}
