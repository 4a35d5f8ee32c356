/**
 * How often a connection, and an address, may do each thing. Counting per
 * address (and new connections, and missed rings) is rate-limiter-flexible's
 * (maintained, atomic, and with a Redis store, so several server processes
 * count one address together); a connection's own counts live on the
 * connection (server/connection-budget.ts), which only its process sees.
 *
 * Ringing is the strictest: it wakes a person up, and it is how someone would
 * try codes. An address whose rings keep missing (codes nobody holds) is
 * locked out of ringing for a while, so guessing codes slows to a crawl.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { IRateLimiterOptions } from 'rate-limiter-flexible';
import type { TurnConfig } from './config';
import { type ConnectionBudget, type Rate, spend } from './connection-budget';
import { consume, createLimiter, type Limiter, type Refusal } from './limiter';
import { type RingPairs, ringPairs } from './ring-pairs';

export const LIMITED_EVENTS = ['register', 'ring', 'accept', 'decline', 'hangup', 'signal', 'rejoin', 'renew-relay', 'set-blocked', 'unknown'] as const;
export type LimitedEvent = (typeof LIMITED_EVENTS)[number];

/**
 * Per connection: what one person's extension does at most. Per address: an
 * office or household behind one NAT, several people at once.
 */
const RATES: Record<LimitedEvent, { connection: Rate; address: Rate }> = {
  // A connection registers once; a worker restart is a new connection.
  register: { connection: { points: 3, seconds: 60 }, address: { points: 120, seconds: 60 } },
  // A person redials a busy friend a few times a minute, not dozens.
  ring: { connection: { points: 5, seconds: 60 }, address: { points: 60, seconds: 60 } },
  accept: { connection: { points: 20, seconds: 60 }, address: { points: 240, seconds: 60 } },
  decline: { connection: { points: 20, seconds: 60 }, address: { points: 240, seconds: 60 } },
  hangup: { connection: { points: 20, seconds: 60 }, address: { points: 240, seconds: 60 } },
  // Setting up a call is two descriptions and a few dozen candidates; renegotiation adds a few more.
  signal: { connection: { points: 200, seconds: 10 }, address: { points: 2_000, seconds: 10 } },
  // Once per reconnection during a call, like register.
  rejoin: { connection: { points: 3, seconds: 60 }, address: { points: 120, seconds: 60 } },
  // At 2/3 of a credential's life, 30 s at the least: every 20 s, and a retry.
  'renew-relay': { connection: { points: 6, seconds: 60 }, address: { points: 240, seconds: 60 } },
  // Once per Block or Unblock click; the list itself rides with register.
  'set-blocked': { connection: { points: 10, seconds: 60 }, address: { points: 120, seconds: 60 } },
  // Events this server does not speak: an old or a broken client, or a probe.
  unknown: { connection: { points: 10, seconds: 60 }, address: { points: 100, seconds: 60 } },
};

/** New connections from one address per minute: every extension reconnecting after a server restart, not a flood. */
const CONNECTIONS_PER_MINUTE = 120;
/** A person mistyping a code a few times; past this, an address is trying codes. */
const MISSES_ALLOWED = 10;
const MISS_WINDOW_SECONDS = 10 * 60;
/** How long an address that kept missing may not ring. */
const MISS_LOCKOUT_SECONDS = 15 * 60;
/** The window of the TURN ring budget (TurnConfig.ringBudget). */
export const RING_RELAY_WINDOW_SECONDS = 10 * 60;
/**
 * Fresh credentials one party of one call may have in one credential lifetime: it asks at 2/3 of it, so one and a
 * half, and a retry. Bounds what a call kept up only to collect credentials yields, whatever the per-event limits.
 */
const RENEWALS_PER_LIFETIME = 3;

/** Every limit the server keeps, in memory or in Redis; the limits on one caller ringing one person are in ring-pairs.ts. */
export interface RateLimits extends RingPairs {
  /** Counts one event against the connection's budget, then its address's; resolves to a refusal when it is over a limit. */
  take: (event: LimitedEvent, connection: ConnectionBudget, address: string) => Promise<Refusal | undefined>;
  /**
   * The same for a signal, at once: its address is counted by this process alone (with Redis, an address's
   * connections on two processes may each send the address's signals). A signal is relayed only inside an accepted
   * call, which was rung and accepted within the shared limits, and a relay must not wait for Redis.
   */
  takeSignal: (connection: ConnectionBudget, address: string) => Refusal | undefined;
  /** Counts one new connection from an address. */
  connect: (address: string) => Promise<Refusal | undefined>;
  /** A ring to a code nobody holds. */
  missed: (address: string) => Promise<void>;
  /** Whether this address is locked out of ringing for missing too often. */
  missLockout: (address: string) => Promise<Refusal | undefined>;
  /** Counts one ring from an address, refused when as many as it may have ringing at once began within one ring timeout. */
  ringing: (address: string) => Promise<Refusal | undefined>;
  /** Gives back the count of a ring that rang nobody (offline, busy): only calls that ring take a place. */
  rangNobody: (address: string) => Promise<void>;
  /** Counts a TURN credential handed to a caller with its ring, against its code's and its address's ring budget; a refusal when either is spent. */
  ringRelay: (code: string, address: string) => Promise<Refusal | undefined>;
  /** Counts a fresh credential for one party of one call, refused past RENEWALS_PER_LIFETIME in one credential lifetime. */
  renewRelay: (callId: string, code: string) => Promise<Refusal | undefined>;
}

/**
 * A sliding window, not rate-limiter-flexible's fixed one: a fixed window lets twice its points through around a
 * window's edge, and this count is a bound on rings at once. A ring counts for the whole ring timeout even if it
 * ends sooner: a bound on the calls ringing at once, never below it. Members are a random tag each, scored by when
 * they stop counting.
 */
const RINGING = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) - tonumber(ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return -1`;

function ringingWindow(max: number, windowMs: number, redis?: Redis): Pick<RateLimits, 'ringing' | 'rangNobody'> {
  const refusal = (wait: number): Refusal | undefined => (wait < 0 ? undefined : { scope: 'ringing', retryAfterMs: Math.max(1, wait) });
  const key = (address: string) => `peerdial:ringing:${address}`;
  if (redis) {
    return {
      async ringing(address) {
        const now = Date.now();
        return refusal((await redis.eval(RINGING, 1, key(address), now, now + windowMs, max, randomBytes(8).toString('hex'))) as number);
      },
      async rangNobody(address) {
        // The latest ring's place: any one of the address's will do.
        await redis.zpopmax(key(address));
      },
    };
  }
  // Each address's rings, by when they stop counting; an address whose rings all stopped counting is forgotten.
  const ends = new Map<string, number[]>();
  const ringing = async (address: string) => {
    const now = Date.now();
    const live = (ends.get(address) ?? []).filter((end) => end > now);
    if (live.length >= max) {
      ends.set(address, live);
      return refusal(live[0]! - now);
    }
    live.push(now + windowMs);
    ends.set(address, live);
    const sweep = setTimeout(() => {
      if (ends.get(address)?.every((end) => end <= Date.now())) ends.delete(address);
    }, windowMs + 1);
    sweep.unref();
    return undefined;
  };
  return {
    ringing,
    async rangNobody(address) {
      ends.get(address)?.pop();
    },
  };
}

/** A budget of zero gives nothing; rate-limiter-flexible wants at least one point. */
function budget(points: number, duration: number, create: (options: IRateLimiterOptions) => Limiter) {
  const limiter = points > 0 ? create({ points, duration }) : undefined;
  return (key: string, scope: Refusal['scope']): Promise<Refusal | undefined> =>
    limiter ? consume(limiter, key, scope) : Promise.resolve({ scope, retryAfterMs: duration * 1000 });
}

export function createRateLimits(
  settings: { rateLimitFactor: number; maxRingingPerAddress: number; ringTimeoutMs: number; ringsPerPair: number; ringsPerPairWindowMs: number; turn?: TurnConfig },
  redis?: Redis,
): RateLimits {
  const factor = settings.rateLimitFactor;
  // Per address is shared between processes when there are several; a connection lives on one process.
  const shared = (name: string, options: IRateLimiterOptions) => createLimiter(name, options, redis);
  const scaled = (rate: Rate) => ({ points: Math.max(1, Math.round(rate.points * factor)), duration: rate.seconds });

  const perConnection = new Map<LimitedEvent, Rate>();
  const perAddress = new Map<LimitedEvent, Limiter>();
  for (const event of LIMITED_EVENTS) {
    const { points, duration } = scaled(RATES[event].connection);
    perConnection.set(event, { points, seconds: duration });
    perAddress.set(event, shared(event, scaled(RATES[event].address)));
  }
  const signalsPerConnection = perConnection.get('signal')!;
  const signalsPerAddress = { ...signalsPerConnection, points: scaled(RATES.signal.address).points };
  // Per address, this process's count: a window per address that signalled lately, swept once a window has passed.
  const signalWindows: ConnectionBudget = Object.create(null) as ConnectionBudget;
  let nextSweep = 0;
  function sweepSignalWindows(now: number): void {
    nextSweep = now + signalsPerAddress.seconds * 1000;
    for (const address in signalWindows) if (signalWindows[address]!.closes <= now) delete signalWindows[address];
  }
  const connections = shared('connect', scaled({ points: CONNECTIONS_PER_MINUTE, seconds: 60 }));
  const misses = shared('misses', { ...scaled({ points: MISSES_ALLOWED, seconds: MISS_WINDOW_SECONDS }), blockDuration: MISS_LOCKOUT_SECONDS });
  // Not scaled by rateLimitFactor: the TURN budget has settings of its own.
  const ringBudget = settings.turn?.ringBudget ?? { perCode: 0, perAddress: 0 };
  const ringRelayPerCode = budget(ringBudget.perCode, RING_RELAY_WINDOW_SECONDS, (options) => shared('ring-relay-code', options));
  const ringRelayPerAddress = budget(ringBudget.perAddress, RING_RELAY_WINDOW_SECONDS, (options) => shared('ring-relay-address', options));
  const renewals = budget(RENEWALS_PER_LIFETIME, settings.turn?.ttlSeconds ?? 1, (options) => shared('renew-relay-call', options));

  return {
    ...ringingWindow(settings.maxRingingPerAddress, settings.ringTimeoutMs, redis),
    ...ringPairs(settings, redis),
    async take(event, connection, address) {
      const wait = spend(connection, event, perConnection.get(event)!, Date.now());
      if (wait !== undefined) return { scope: 'connection', retryAfterMs: wait };
      return consume(perAddress.get(event)!, address, 'address');
    },
    takeSignal(connection, address) {
      const now = Date.now();
      const wait = spend(connection, 'signal', signalsPerConnection, now);
      if (wait !== undefined) return { scope: 'connection', retryAfterMs: wait };
      if (now >= nextSweep) sweepSignalWindows(now);
      const addressWait = spend(signalWindows, address, signalsPerAddress, now);
      return addressWait === undefined ? undefined : { scope: 'address', retryAfterMs: addressWait };
    },
    connect: (address) => consume(connections, address, 'address'),
    async missed(address) {
      await consume(misses, address, 'misses');
    },
    async missLockout(address) {
      const state = await misses.get(address);
      if (!state || state.consumedPoints <= misses.points) return undefined;
      return { scope: 'misses', retryAfterMs: state.msBeforeNext };
    },
    // The code's first: a code past its own budget does not spend its household's.
    ringRelay: async (code, address) => (await ringRelayPerCode(code, 'code')) ?? ringRelayPerAddress(address, 'address'),
    renewRelay: (callId, code) => renewals(`${callId}:${code}`, 'call'),
  };
}
