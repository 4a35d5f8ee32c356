/**
 * Block lists shared by every server process (see server/block-lists.ts):
 * `peerdial:blocked:<code>` holds "<connection id> <code> <code>…". Each step
 * is one script, so a departing connection's forget cannot remove the list
 * its successor set a moment before, wherever either one is.
 */
import type { Redis } from 'ioredis';
import { type BlockLists, joinBlocked } from '../block-lists';

const key = (code: string) => `peerdial:blocked:${code}`;

const BLOCKS = `
local list = redis.call('GET', KEYS[1])
if not list then return 0 end
local codes = string.sub(list, string.find(list, ' ', 1, true) or string.len(list) + 1)
if string.find(codes, ARGV[1], 1, true) then return 1 end
return 0`;
const FORGET = `
local list = redis.call('GET', KEYS[1])
if list and string.sub(list, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisBlockLists(redis: Redis): BlockLists {
  return {
    async set(code, connectionId, blocked) {
      const codes = joinBlocked(blocked);
      if (codes) await redis.set(key(code), `${connectionId} ${codes}`);
      else await redis.del(key(code));
    },
    async blocks(callee, caller) {
      return (await redis.eval(BLOCKS, 1, key(callee), caller)) === 1;
    },
    async forget(code, connectionId) {
      await redis.eval(FORGET, 1, key(code), connectionId);
    },
  };
}
