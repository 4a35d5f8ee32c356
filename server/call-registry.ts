/**
 * Who is in which call. A code is in at most one call at a time, so "busy" is
 * one lookup, and a call is found by its id or by either party's code. Pure
 * data: the handlers decide who may do what, and own the timers.
 */
import { randomBytes } from 'node:crypto';

export type CallPhase = 'ringing' | 'accepted';

export interface Call {
  id: string;
  caller: string;
  callee: string;
  phase: CallPhase;
}

export interface CallRegistry {
  open(caller: string, callee: string): Call;
  /** Recreates an accepted call both parties named after a server restart. */
  restore(callId: string, caller: string, callee: string): Call;
  byId(callId: string): Call | undefined;
  of(code: string): Call | undefined;
  accept(call: Call): void;
  close(call: Call): void;
  counts(): Record<CallPhase, number>;
}

/** 128 random bits: a call id cannot be guessed, though the server never relies on that alone. */
function newCallId(): string {
  return randomBytes(16).toString('base64url');
}

export function otherParty(call: Call, code: string): string {
  return code === call.caller ? call.callee : call.caller;
}

export function isParty(call: Call, code: string): boolean {
  return code === call.caller || code === call.callee;
}

export function createCallRegistry(): CallRegistry {
  const calls = new Map<string, Call>();
  const callOfCode = new Map<string, string>();

  function add(call: Call): Call {
    calls.set(call.id, call);
    callOfCode.set(call.caller, call.id);
    callOfCode.set(call.callee, call.id);
    return call;
  }

  return {
    open(caller, callee) {
      return add({ id: newCallId(), caller, callee, phase: 'ringing' });
    },
    restore(callId, caller, callee) {
      return add({ id: callId, caller, callee, phase: 'accepted' });
    },
    byId: (callId) => calls.get(callId),
    of(code) {
      const id = callOfCode.get(code);
      return id === undefined ? undefined : calls.get(id);
    },
    accept(call) {
      call.phase = 'accepted';
    },
    close(call) {
      calls.delete(call.id);
      for (const code of [call.caller, call.callee]) if (callOfCode.get(code) === call.id) callOfCode.delete(code);
    },
    counts() {
      const counts = { ringing: 0, accepted: 0 };
      for (const call of calls.values()) counts[call.phase]++;
      return counts;
    },
  };
}
