/**
 * What one connection may still do in the current window, per event: a fixed
 * window counter kept on the connection itself (rate-limiter-flexible's
 * semantics: the window opens with the first event, and the event past its
 * points is refused until the window closes).
 *
 * Not the library's keyed store, because a connection never shares its
 * counts with another process, and that store keeps a record and a timer
 * per connection and event that outlive the connection by the whole window:
 * about half a kilobyte each, times every connected client. Here a counter
 * exists only for an event the connection has used, and goes when it does.
 */
export interface Rate {
  points: number;
  seconds: number;
}

interface Window {
  /** When the current window closes (ms since the epoch). */
  closes: number;
  used: number;
}

/** One per connection; created empty, filled as it uses events. */
export type ConnectionBudget = Record<string, Window | undefined>;

/** Counts one event (a rate allows at least one); returns how long until it may happen again if it is over the rate, else undefined. */
export function spend(budget: ConnectionBudget, event: string, rate: Rate, now: number): number | undefined {
  const window = budget[event];
  if (!window || window.closes <= now) {
    budget[event] = { closes: now + rate.seconds * 1000, used: 1 };
    return undefined;
  }
  window.used++;
  return window.used > rate.points ? window.closes - now : undefined;
}
