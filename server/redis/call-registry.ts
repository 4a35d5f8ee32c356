/**
 * Calls shared by every server process, so a call rung on one process can be
 * accepted, relayed and ended on another. A call is a hash, each party's code
 * points at it, and two sets count calls by phase. Every read-then-write step
 * is one Lua script: Redis runs it alone, so two processes cannot both open
 * a call to one callee, or both accept, or both end one call.
 */
import type { Redis } from 'ioredis';
import type { SignalData } from '../../src/shared/protocol';
import { type Call, type CallPhase, type CallRegistry, MAX_HELD_SIGNALS, newCallId } from '../call-registry';

const callKey = (id: string) => `peerdial:call:${id}`;
const codeKey = (code: string) => `peerdial:code-call:${code}`;
const phaseKey = (phase: CallPhase) => `peerdial:calls:${phase}`;
const heldKey = (id: string) => `peerdial:held:${id}`;

/** Held signals outlive nothing: a ring ends within minutes, so the list expires even if no process closes the call. */
const HELD_TTL_MS = 10 * 60_000;

const HOLD = `
if redis.call('HGET', KEYS[1], 'phase') ~= 'ringing' then return 0 end
if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/** Opens (ringing) or restores (accepted) a call, unless its id or either party is taken. */
const OPEN = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'caller', ARGV[2], 'callee', ARGV[3], 'phase', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'name', ARGV[5]) end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return 1`;
const ACCEPT = `
if redis.call('HGET', KEYS[1], 'phase') ~= 'ringing' then return false end
redis.call('HSET', KEYS[1], 'phase', 'accepted')
redis.call('SMOVE', KEYS[2], KEYS[3], ARGV[1])
local held = redis.call('LRANGE', KEYS[4], 0, -1)
redis.call('DEL', KEYS[4])
return held`;
const CLOSE = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
for i = 2, 3 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('DEL', KEYS[6])
return 1`;

function asCall(id: string, fields: Record<string, string>): Call | undefined {
  const { caller, callee, phase, name } = fields;
  if (!caller || !callee || (phase !== 'ringing' && phase !== 'accepted')) return undefined;
  return { id, caller, callee, phase, ...(name && { name }) };
}

export function createRedisCallRegistry(redis: Redis): CallRegistry {
  const byId = async (id: string) => asCall(id, await redis.hgetall(callKey(id)));
  async function add(id: string, caller: string, callee: string, phase: CallPhase, name?: string): Promise<Call | undefined> {
    // A name is never blank (GuestName), so '' stands for none.
    const added = await redis.eval(OPEN, 4, callKey(id), codeKey(caller), codeKey(callee), phaseKey(phase), id, caller, callee, phase, name ?? '');
    return added === 1 ? { id, caller, callee, phase, ...(name !== undefined && { name }) } : undefined;
  }
  return {
    open: (caller, callee, name) => add(newCallId(), caller, callee, 'ringing', name),
    restore: (callId, caller, callee) => add(callId, caller, callee, 'accepted'),
    byId,
    async of(code) {
      const id = await redis.get(codeKey(code));
      return id ? byId(id) : undefined;
    },
    async hold(call, data) {
      return (await redis.eval(HOLD, 2, callKey(call.id), heldKey(call.id), JSON.stringify(data), MAX_HELD_SIGNALS, HELD_TTL_MS)) === 1;
    },
    async accept(call) {
      const held = (await redis.eval(ACCEPT, 4, callKey(call.id), phaseKey('ringing'), phaseKey('accepted'), heldKey(call.id), call.id)) as string[] | null;
      if (!held) return undefined;
      call.phase = 'accepted';
      // Written by hold() from validated messages only.
      return held.map((item) => JSON.parse(item) as SignalData);
    },
    async close(call) {
      const keys = [callKey(call.id), codeKey(call.caller), codeKey(call.callee), phaseKey('ringing'), phaseKey('accepted'), heldKey(call.id)];
      return (await redis.eval(CLOSE, keys.length, ...keys, call.id)) === 1;
    },
    async counts() {
      const [ringing, accepted] = await Promise.all([redis.scard(phaseKey('ringing')), redis.scard(phaseKey('accepted'))]);
      return { ringing, accepted };
    },
  };
}
