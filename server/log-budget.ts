/**
 * How many log lines one address may cause in a minute. Every refused
 * request is worth a line, until someone sends forty thousand of them: then
 * the log (and the disk and the CPU writing it) is the target. Past the
 * budget, one line says lines are being dropped, and a counter in /metrics
 * carries the rest.
 */
import type { Counter } from 'prom-client';
import { type ConnectionBudget, spend } from './connection-budget';
import type { Logger } from './logger';

const WINDOW_SECONDS = 60;

export interface LogBudget {
  /** Counts one line about `address`; false when it is over the budget (then counted as suppressed instead). */
  allows: (address: string) => boolean;
}

export function createLogBudget(linesPerMinute: number, suppressed: Counter, log: Logger, now: () => number = Date.now): LogBudget {
  // One window per address that logged this minute; closed ones are swept once a minute, so an address that went quiet costs nothing.
  const windows: ConnectionBudget = Object.create(null) as ConnectionBudget;
  let nextSweep = now() + WINDOW_SECONDS * 1000;
  const rate = { points: linesPerMinute, seconds: WINDOW_SECONDS };
  return {
    allows(address) {
      const time = now();
      if (time >= nextSweep) {
        for (const key in windows) if (windows[key]!.closes <= time) delete windows[key];
        nextSweep = time + WINDOW_SECONDS * 1000;
      }
      const wait = spend(windows, address, rate, time);
      if (wait === undefined) return true;
      suppressed.inc();
      if (windows[address]!.used === linesPerMinute + 1) {
        log.warn({ event: 'log-suppressed', address, seconds: Math.ceil(wait / 1000) }, 'too many log lines about this address; the rest of this minute are only counted (peerdial_log_lines_suppressed_total)');
      }
      return false;
    },
  };
}
