/**
 * One count against a rate-limiter-flexible limiter, as every limit of the
 * server takes it: nothing when there is room, a refusal saying which limit
 * and for how long when there is not. Its own module so the limits kept in
 * files of their own (ring-pairs.ts) and the table of them (rate-limits.ts)
 * both use it without importing each other.
 */
import { type RateLimiterMemory, type RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type Scope = 'connection' | 'address';

export interface Refusal {
  scope: Scope | 'misses' | 'ringing' | 'code' | 'call' | 'pair';
  retryAfterMs: number;
}

export async function consume(limiter: RateLimiterMemory | RateLimiterRedis, key: string, scope: Refusal['scope']): Promise<Refusal | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { scope, retryAfterMs: rejection.msBeforeNext };
    throw rejection;
  }
}
