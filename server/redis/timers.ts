/**
 * Deadlines shared by every server process, in one sorted set scored by due
 * time. Each process polls for due names and claims them in one script
 * (read and remove together), so each deadline fires exactly once, on
 * whichever process is alive: a ring set by a process that was then killed
 * still ends on time.
 */
import type { Redis } from 'ioredis';
import type { FireTimer, Timers } from '../timers';

const KEY = 'peerdial:timers';
/** A ring's end or a grace period may be this late: well under a person's patience, a few cheap queries a second. */
const POLL_MS = 100;
/** Claimed per poll, so one poll never blocks Redis for long after an outage leaves many due. */
const CLAIM_BATCH = 100;

const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return {due, redis.call('ZCARD', KEYS[1])}`;

export function createRedisTimers(redis: Redis, fire: FireTimer, onError: (error: unknown) => void): Timers {
  let pending = 0;
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    redis
      .eval(CLAIM, 1, KEY, Date.now(), CLAIM_BATCH)
      .then((reply) => {
        const [due, left] = reply as [string[], number];
        pending = left;
        for (const name of due) fire(name);
      }, onError)
      .finally(() => {
        polling = false;
      });
  }, POLL_MS);
  poll.unref();

  return {
    async start(name, ms) {
      await redis.zadd(KEY, Date.now() + ms, name);
    },
    async clear(name) {
      await redis.zrem(KEY, name);
    },
    close() {
      clearInterval(poll);
    },
    size: () => pending,
  };
}
