/**
 * Who may open a connection at all, decided at the handshake before any
 * Socket.IO state exists: a browser page from another origin (a web page
 * trying to use our server from its visitors' browsers), an address already
 * holding too many connections, or one opening them too fast.
 *
 * The server's own origin is always let in, whatever the list says: the
 * guest page it serves under /call/ connects back to it (own-origin.ts).
 *
 * A request without an Origin header is not from a browser page: a
 * non-browser client can claim any origin it likes, so refusing it would only
 * stop honest tools. The per-address limits are what hold those back.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { isOwnOrigin } from './own-origin';
import type { RateLimits } from './rate-limits';

/** `http://localhost:*` allows that host on any port; anything else must match exactly. */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    if (!pattern.endsWith(':*')) return origin === pattern;
    const base = pattern.slice(0, -2);
    return origin === base || (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1)));
  });
}

/** IPv4 clients reach a dual-stack socket as ::ffff:a.b.c.d; count them under their plain address. */
export function clientAddress(request: IncomingMessage): string {
  return plainAddress(request.socket.remoteAddress);
}

export function plainAddress(address = 'unknown'): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export interface ConnectionGate {
  allowRequest: (request: IncomingMessage, decide: (error: string | null | undefined, success: boolean) => void) => void;
  opened: (address: string) => void;
  closed: (address: string) => void;
}

export function createConnectionGate(
  settings: { allowedOrigins: string[]; maxConnectionsPerAddress: number },
  limits: RateLimits,
  metrics: Metrics,
  log: Logger,
): ConnectionGate {
  const open = new Map<string, number>();

  function refuse(reason: string, address: string, decide: (error: string, success: boolean) => void, message: string): void {
    metrics.rejected.inc({ reason });
    log.warn({ event: 'connection-refused', reason, address }, message);
    decide(message, false);
  }

  return {
    allowRequest(request, decide) {
      const address = clientAddress(request);
      const origin = request.headers.origin;
      if (origin !== undefined && !originAllowed(origin, settings.allowedOrigins) && !isOwnOrigin(origin, request.headers.host)) {
        // The origin is a page's public address, not a secret; cut it short so a huge header does not fill the log.
        log.warn({ event: 'origin-refused', origin: origin.slice(0, 100), address }, 'origin not allowed');
        metrics.rejected.inc({ reason: 'origin' });
        decide('This origin may not use this server.', false);
        return;
      }
      if ((open.get(address) ?? 0) >= settings.maxConnectionsPerAddress) {
        refuse('connection-cap', address, decide, 'Too many connections from this address.');
        return;
      }
      limits.connect(address).then(
        (refusal) => {
          if (refusal) {
            metrics.rateLimited.inc({ event: 'connect', scope: refusal.scope });
            refuse('rate-limited', address, decide, 'Too many new connections from this address; try again in a minute.');
          } else decide(null, true);
        },
        (error: unknown) => {
          log.error({ event: 'connection-gate', err: error }, 'rate limiter failed');
          decide('The server cannot take connections right now.', false);
        },
      );
    },
    opened(address) {
      open.set(address, (open.get(address) ?? 0) + 1);
    },
    closed(address) {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    },
  };
}
