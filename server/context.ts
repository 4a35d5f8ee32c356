/** What every handler works with: one server process's view of who is online and in which call. */
import type { EndReason, ServerToClientEvents } from '../src/shared/protocol';
import type { Call, CallRegistry } from './call-registry';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { Presence } from './presence';
import type { RateLimits } from './rate-limits';
import type { PeerSocket } from './signaling-server';
import type { Timers } from './timers';

export interface SignalingContext {
  config: Config;
  log: Logger;
  presence: Presence<PeerSocket>;
  calls: CallRegistry;
  timers: Timers;
  limits: RateLimits;
  metrics: Metrics;
}

/** Sends to whoever holds a code right now; a code offline this instant simply misses it. */
export function deliver<E extends keyof ServerToClientEvents>(
  context: SignalingContext,
  code: string,
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): boolean {
  const socket = context.presence.connectionOf(code);
  if (!socket) return false;
  socket.emit(event, ...args);
  return true;
}

export const ringTimer = (call: Call) => `ring:${call.id}`;
export const graceTimer = (code: string) => `grace:${code}`;

/** Ends a call for good and tells the parties, except the one who ended it (it already knows). */
export function endCall(context: SignalingContext, call: Call, reason: EndReason, by?: string): void {
  context.calls.close(call);
  context.timers.clear(ringTimer(call));
  for (const code of [call.caller, call.callee]) {
    if (code !== by) deliver(context, code, 'ended', { callId: call.id, reason });
  }
  context.log.info({ event: 'call-ended', callId: call.id, reason }, 'call ended');
}
