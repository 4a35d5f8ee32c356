/**
 * How often one caller may ring one person. Keeping someone busy is a matter
 * of ringing them again as soon as each ring ends, so each caller is held to
 * RINGS_PER_PAIR rings to one callee in a window, counted by its code and
 * again by its address (throwaway codes are free, an address is not). A ring
 * the callee accepts gives its count back: people who call each other often
 * are not held off, and only rings the callee did not take add up.
 *
 * Counted with rate-limiter-flexible, in Redis when there is one, like the
 * other per-address limits; a ring's caller, callee and address are kept
 * under its call id until it can no longer be accepted, for the callee's
 * process (maybe not the caller's) to give the count back.
 */
import type { Redis } from 'ioredis';
import { consume, createLimiter, type Limiter, type Refusal } from './limiter';

/**
 * Rings that came while the callee was in another call, written down as missed on the callee's side, per callee per
 * ring-pair window: each caller is held to its ring-pair limit already, and this bounds many callers together, so a
 * crowd of addresses cannot fill someone's recent calls either.
 */
export const MISSED_WHILE_BUSY_PER_CALLEE = 10;

/** An Accept may come a little after the ring's deadline fired on another process; after that nothing is left to give back. */
const ACCEPT_SLACK_MS = 60_000;

interface Settings {
  ringsPerPair: number;
  ringsPerPairWindowMs: number;
  ringTimeoutMs: number;
}

const codeKey = (caller: string, callee: string) => `code:${caller}>${callee}`;
const addressKey = (address: string, callee: string) => `address:${address}>${callee}`;

/** Gives one point back, unless the window it was counted in has passed already (a new one would start below zero). */
async function giveBack(limiter: Limiter, key: string): Promise<void> {
  const state = await limiter.get(key);
  if (state && state.consumedPoints > 0) await limiter.reward(key, 1);
}

/** The rings that rang, by call id, until they can no longer be accepted: what `answered` needs to find their counts. */
interface RingingStore {
  keep: (callId: string, entry: string) => Promise<void>;
  take: (callId: string) => Promise<string | undefined>;
}

function ringingStore(keepMs: number, redis?: Redis): RingingStore {
  if (redis) {
    const key = (callId: string) => `peerdial:rang:${callId}`;
    return {
      async keep(callId, entry) {
        await redis.set(key(callId), entry, 'PX', keepMs);
      },
      take: async (callId) => (await redis.getdel(key(callId))) ?? undefined,
    };
  }
  const entries = new Map<string, string>();
  return {
    async keep(callId, entry) {
      entries.set(callId, entry);
      setTimeout(() => entries.delete(callId), keepMs).unref();
    },
    async take(callId) {
      const entry = entries.get(callId);
      entries.delete(callId);
      return entry;
    },
  };
}

export interface RingPairs {
  /**
   * Counts one ring from a caller (by its code, and by its address, which throwaway codes share) to one callee,
   * whoever the callee is and whether it is online: the answer is the same for an offline code, a blocked caller and
   * a callee ringing or busy, so the limit tells nothing either.
   */
  ringPair: (caller: string, address: string, callee: string) => Promise<Refusal | undefined>;
  /** That ring rang, as this call: kept until it can no longer be accepted. */
  rang: (callId: string, caller: string, address: string, callee: string) => Promise<void>;
  /** The callee accepted the call: its ring gives its count back. */
  answered: (callId: string) => Promise<void>;
  /** Whether one more "missed while busy" may go to this callee now. */
  missedWhileBusy: (callee: string) => Promise<boolean>;
}

export function ringPairs(settings: Settings, redis?: Redis): RingPairs {
  const duration = Math.ceil(settings.ringsPerPairWindowMs / 1000);
  // Not scaled by RATE_LIMIT_FACTOR: these protect a person, not the server, and have settings of their own.
  const pairs = createLimiter('pair', { points: settings.ringsPerPair, duration }, redis);
  const busyMisses = createLimiter('missed-while-busy', { points: MISSED_WHILE_BUSY_PER_CALLEE, duration }, redis);
  const ringing = ringingStore(settings.ringTimeoutMs + ACCEPT_SLACK_MS, redis);

  return {
    async ringPair(caller, address, callee) {
      return (await consume(pairs, codeKey(caller, callee), 'pair')) ?? consume(pairs, addressKey(address, callee), 'pair');
    },
    // Spaces cannot occur in a code or an address.
    rang: (callId, caller, address, callee) => ringing.keep(callId, `${caller} ${callee} ${address}`),
    async answered(callId) {
      const [caller, callee, address] = (await ringing.take(callId))?.split(' ') ?? [];
      if (!caller || !callee || !address) return;
      await Promise.all([giveBack(pairs, codeKey(caller, callee)), giveBack(pairs, addressKey(address, callee))]);
    },
    async missedWhileBusy(callee) {
      return (await consume(busyMisses, callee, 'pair')) === undefined;
    },
  };
}
