/**
 * Who is in which call. A code is in at most one call at a time, so "busy" is
 * one lookup, and a call is found by its id or by either party's code. Pure
 * data: the handlers decide who may do what. Steps that read and then write
 * (open only if nobody is busy, accept only a ringing call, close once) are
 * single operations here, so two processes sharing the registry through
 * Redis (server/redis/call-registry.ts) cannot both win.
 */
import { randomBytes } from 'node:crypto';
import type { SignalData } from '../src/shared/protocol';

export type CallPhase = 'ringing' | 'accepted';

/** The caller's offer and its candidates, held while it rings: one description and a few candidates per network interface. */
export const MAX_HELD_SIGNALS = 64;

export interface Call {
  id: string;
  caller: string;
  callee: string;
  phase: CallPhase;
  /** The name the caller gave (validated by GuestName), announced with the ring; it proves nothing and is never logged. */
  name?: string;
}

export interface CallRegistry {
  /** Opens a ringing call, unless either code is in a call already. */
  open: (caller: string, callee: string, name?: string) => Promise<Call | undefined>;
  /** Recreates an accepted call both parties named after a restart, unless the id or either code is taken. */
  restore: (callId: string, caller: string, callee: string) => Promise<Call | undefined>;
  byId: (callId: string) => Promise<Call | undefined>;
  of: (code: string) => Promise<Call | undefined>;
  /** Keeps a caller's signal until the callee accepts; false once the call is not ringing or holds too much. */
  hold: (call: Call, data: SignalData) => Promise<boolean>;
  /** Ringing to accepted, handing over what the caller sent meanwhile; undefined if it was not ringing (any more). */
  accept: (call: Call) => Promise<SignalData[] | undefined>;
  /** Forgets the call; false if it was already gone, so only one closer tells the parties. */
  close: (call: Call) => Promise<boolean>;
  counts: () => Promise<Record<CallPhase, number>>;
}

/** 128 random bits: a call id cannot be guessed, though the server never relies on that alone. */
export function newCallId(): string {
  return randomBytes(16).toString('base64url');
}

export function otherParty(call: Call, code: string): string {
  return code === call.caller ? call.callee : call.caller;
}

export function isParty(call: Call, code: string): boolean {
  return code === call.caller || code === call.callee;
}

/** One process: two maps. */
export function createCallRegistry(): CallRegistry {
  const calls = new Map<string, Call>();
  const callOfCode = new Map<string, string>();
  const held = new Map<string, SignalData[]>();

  function add(call: Call): Call | undefined {
    if (calls.has(call.id) || callOfCode.has(call.caller) || callOfCode.has(call.callee)) return undefined;
    calls.set(call.id, call);
    callOfCode.set(call.caller, call.id);
    callOfCode.set(call.callee, call.id);
    return { ...call };
  }

  return {
    async open(caller, callee, name) {
      return add({ id: newCallId(), caller, callee, phase: 'ringing', ...(name !== undefined && { name }) });
    },
    async restore(callId, caller, callee) {
      return add({ id: callId, caller, callee, phase: 'accepted' });
    },
    byId: async (callId) => {
      const call = calls.get(callId);
      return call && { ...call };
    },
    async of(code) {
      const id = callOfCode.get(code);
      const call = id === undefined ? undefined : calls.get(id);
      return call && { ...call };
    },
    async hold(call, data) {
      const list = held.get(call.id) ?? [];
      if (calls.get(call.id)?.phase !== 'ringing' || list.length >= MAX_HELD_SIGNALS) return false;
      list.push(data);
      held.set(call.id, list);
      return true;
    },
    async accept(call) {
      const stored = calls.get(call.id);
      if (stored?.phase !== 'ringing') return undefined;
      stored.phase = 'accepted';
      call.phase = 'accepted';
      const signals = held.get(call.id) ?? [];
      held.delete(call.id);
      return signals;
    },
    async close(call) {
      held.delete(call.id);
      if (!calls.delete(call.id)) return false;
      for (const code of [call.caller, call.callee]) if (callOfCode.get(code) === call.id) callOfCode.delete(code);
      return true;
    },
    async counts() {
      const counts = { ringing: 0, accepted: 0 };
      for (const call of calls.values()) counts[call.phase]++;
      return counts;
    },
  };
}
