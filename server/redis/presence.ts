/**
 * Presence shared by every server process: `peerdial:presence:<code>` holds
 * "<process id> <connection id>", and that is the holder handed out: it says
 * which process to send to (server/redis/mailbox.ts). A process that died
 * without saying goodbye (killed, crashed) stops refreshing its liveness key,
 * and from then on its holders read as offline: nobody rings a connection
 * that no longer exists.
 */
import type { Redis } from 'ioredis';
import type { Presence } from '../presence';

const key = (code: string) => `peerdial:presence:${code}`;
export const aliveKey = (processId: string) => `peerdial:alive:${processId}`;

// Each script is one atomic step, so two processes registering one code at once leave exactly one owner.
const REGISTER = `
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
if previous and previous ~= ARGV[1] then return previous end
return false`;
const UNREGISTER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;
const HOLDER = `
local holder = redis.call('GET', KEYS[1])
if not holder then return false end
local process = string.match(holder, '^(%S+) ')
if redis.call('EXISTS', ARGV[1] .. process) == 1 then return holder end
return false`;

const asHolder = (entry: unknown) => (typeof entry === 'string' ? entry : undefined);

export function createRedisPresence(redis: Redis, processId: string): Presence {
  const entry = (connectionId: string) => `${processId} ${connectionId}`;
  return {
    async register(code, connectionId) {
      return asHolder(await redis.eval(REGISTER, 1, key(code), entry(connectionId)));
    },
    async unregister(code, connectionId) {
      return (await redis.eval(UNREGISTER, 1, key(code), entry(connectionId))) === 1;
    },
    async holderOf(code) {
      return asHolder(await redis.eval(HOLDER, 1, key(code), aliveKey('')));
    },
    async close() {},
  };
}
