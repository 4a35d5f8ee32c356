/**
 * Who may open a connection at all, decided at the handshake before any
 * connection state exists: a browser page from another origin (a web page
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
import { createClientAddress, type TrustProxy } from './client-address';
import type { LogBudget } from './log-budget';
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

export interface ConnectionGate {
  /** The client a request counts as for the per-address limits (server/client-address.ts). */
  addressOf: (request: IncomingMessage) => string;
  allowRequest: (request: IncomingMessage, decide: (error: string | null | undefined, success: boolean) => void) => void;
  /** The handshake of `request` became a connection: its place, taken when it was let in, is now an open connection's. */
  opened: (address: string, request: IncomingMessage | null) => void;
  closed: (address: string) => void;
}

/** A handshake let in holds its place this long at most; one that never becomes a connection gives it back then. */
const HANDSHAKE_MS = 10_000;

interface Reservation {
  address: string;
  settled: boolean;
}

export function createConnectionGate(
  settings: { allowedOrigins: string[]; maxConnectionsPerAddress: number; trustProxy?: TrustProxy },
  limits: RateLimits,
  metrics: Metrics,
  log: Logger,
  logBudget: LogBudget,
): ConnectionGate {
  // Open connections and handshakes let in but not yet connected, per address: counted together, and a place is
  // taken the moment a handshake is let in, before anything asynchronous (the rate limiter may wait for Redis). A
  // check now and a count later let parallel handshakes all pass the check.
  const open = new Map<string, number>();
  const clientAddress = createClientAddress(settings.trustProxy);
  const addressOf = (request: IncomingMessage) => {
    // Node joins repeated X-Forwarded-For headers with commas already; its type allows a list all the same.
    const forwarded = request.headers['x-forwarded-for'];
    return clientAddress(request.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(',') : forwarded);
  };
  const reservations = new WeakMap<IncomingMessage, Reservation>();
  const take = (address: string) => open.set(address, (open.get(address) ?? 0) + 1);
  function give(address: string): void {
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  }
  function release(reservation: Reservation): void {
    if (reservation.settled) return;
    reservation.settled = true;
    give(reservation.address);
  }

  function refuse(reason: string, address: string, decide: (error: string, success: boolean) => void, message: string): void {
    metrics.rejected.inc({ reason });
    if (logBudget.allows(address)) log.warn({ event: 'connection-refused', reason, address }, message);
    decide(message, false);
  }

  return {
    addressOf,
    allowRequest(request, decide) {
      const address = addressOf(request);
      const origin = request.headers.origin;
      if (origin !== undefined && !originAllowed(origin, settings.allowedOrigins) && !isOwnOrigin(origin, request.headers.host)) {
        // The origin is a page's public address, not a secret; cut it short so a huge header does not fill the log.
        if (logBudget.allows(address)) log.warn({ event: 'origin-refused', origin: origin.slice(0, 100), address }, 'origin not allowed');
        metrics.rejected.inc({ reason: 'origin' });
        decide('This origin may not use this server.', false);
        return;
      }
      if ((open.get(address) ?? 0) >= settings.maxConnectionsPerAddress) {
        refuse('connection-cap', address, decide, 'Too many connections from this address.');
        return;
      }
      take(address);
      const reservation: Reservation = { address, settled: false };
      reservations.set(request, reservation);
      setTimeout(release, HANDSHAKE_MS, reservation).unref();
      limits.connect(address).then(
        (refusal) => {
          if (refusal) {
            release(reservation);
            metrics.rateLimited.inc({ event: 'connect', scope: refusal.scope });
            refuse('rate-limited', address, decide, 'Too many new connections from this address; try again in a minute.');
          } else decide(null, true);
        },
        (error: unknown) => {
          release(reservation);
          log.error({ event: 'connection-gate', err: error }, 'rate limiter failed');
          decide('The server cannot take connections right now.', false);
        },
      );
    },
    opened(address, request) {
      const reservation = request ? reservations.get(request) : undefined;
      // Its place was taken at the handshake; a late one (past HANDSHAKE_MS) gave it back and takes it again.
      if (reservation && !reservation.settled) reservation.settled = true;
      else take(address);
    },
    closed: give,
  };
}
