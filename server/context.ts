/** What every handler works with: who is online and in which call, whether kept by this process or shared through Redis. */
import type { EndReason, ServerToClientEvents } from '../src/shared/protocol';
import type { BlockLists } from './block-lists';
import type { Call, CallRegistry } from './call-registry';
import type { Config } from './config';
import type { Connections } from './connections';
import type { Logger } from './logger';
import type { LogBudget } from './log-budget';
import type { Metrics } from './metrics';
import type { Presence } from './presence';
import type { RateLimits } from './rate-limits';
import type { Timers } from './timers';

export interface SignalingContext {
  config: Config;
  log: Logger;
  presence: Presence;
  /** Sends to a holder presence names, on this process or another. */
  connections: Connections;
  /** Whose rings each online code does not take. */
  blocks: BlockLists;
  calls: CallRegistry;
  timers: Timers;
  limits: RateLimits;
  metrics: Metrics;
  /** Whether another line about an address may be written this minute. */
  logBudget: LogBudget;
  /**
   * Calls a party named after a server restart, waiting for the other party
   * to name the same call (server/rejoin.ts). Kept by the process the party is
   * connected to: with Redis the calls themselves survive a restart anyway.
   */
  claims: Map<string, { callId: string; peer: string; until: number }>;
}

/** Sends to whoever holds a code right now, on whichever process; a code offline this instant simply misses it. */
export function deliver<E extends keyof ServerToClientEvents>(
  context: SignalingContext,
  code: string,
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): Promise<boolean> {
  return deliverEach(context, code, event, [args]);
}

/** Several messages to one code: one lookup of its holder, then all of them in order with nothing in between. */
export async function deliverEach<E extends keyof ServerToClientEvents>(
  context: SignalingContext,
  code: string,
  event: E,
  messages: Parameters<ServerToClientEvents[E]>[],
): Promise<boolean> {
  const holder = await context.presence.holderOf(code);
  if (!holder) return false;
  for (const args of messages) context.connections.emit(holder, event, ...args);
  return true;
}

/** The callee's phone rings: on the ring, and again if it comes back while the call still rings. */
export function announceRing(context: SignalingContext, call: Call): Promise<boolean> {
  const { id: callId, caller: from, callee, name } = call;
  // STUN only: the callee's relay comes with its accept (call-handlers.ts), a ring alone is worth none.
  return deliver(context, callee, 'incoming', { callId, from, iceServers: context.config.iceServers, ...(name !== undefined && { name }) });
}

export const ringTimer = (call: Call) => `ring:${call.id}`;
export const graceTimer = (code: string) => `grace:${code}`;

/** Ends a call for good and tells the parties, except the one who ended it (it already knows). Only the first ending counts. */
export async function endCall(context: SignalingContext, call: Call, reason: EndReason, by?: string): Promise<void> {
  if (!(await context.calls.close(call))) return;
  await context.timers.clear(ringTimer(call));
  for (const code of [call.caller, call.callee]) {
    if (code !== by) await deliver(context, code, 'ended', { callId: call.id, reason });
  }
  context.log.info({ event: 'call-ended', callId: call.id, reason }, 'call ended');
}
