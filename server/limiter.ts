/**
 * One count against a rate-limiter-flexible limiter, as every limit of the
 * server takes it: nothing when there is room, a refusal saying which limit
 * and for how long when there is not. Its own module so the limits kept in
 * files of their own (ring-pairs.ts) and the table of them (rate-limits.ts)
 * both use it without importing each other.
 */
import type { Redis } from 'ioredis';
import { type IRateLimiterOptions, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type Scope = 'connection' | 'address';

export type Limiter = RateLimiterMemory | RateLimiterRedis;

/** A limiter counted in Redis when there is one, so every process shares it; in this process's memory otherwise. */
export function createLimiter(name: string, options: IRateLimiterOptions, redis?: Redis): Limiter {
  return redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, keyPrefix: `peerdial:limit:${name}` })
    : new RateLimiterMemory({ ...options, keyPrefix: name });
}

export interface Refusal {
  scope: Scope | 'misses' | 'ringing' | 'code' | 'call' | 'pair';
  retryAfterMs: number;
}

export async function consume(limiter: Limiter, key: string, scope: Refusal['scope']): Promise<Refusal | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { scope, retryAfterMs: rejection.msBeforeNext };
    throw rejection;
  }
}
