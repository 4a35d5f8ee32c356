/** How a refused request is put into words, and counted: a connection refused over and over is cut off. */
import type * as v from 'valibot';
import { ErrorCode, fail, type Result } from '../src/shared/protocol';
import { spend } from './connection-budget';
import type { SignalingContext } from './context';
import type { Refusal } from './limiter';
import type { PeerSocket } from './signaling-server';

export function describeIssues(issues: v.GenericIssue[]): string {
  // The path and the kind of problem only: never echo the value, which may be an SDP.
  const [first] = issues;
  const path = first?.path?.map((item) => String(item.key)).join('.') || 'message';
  // A list past its bound (a block list, say) is said in words a person reads.
  if (first?.type === 'max_length' && Array.isArray(first.input)) return `${path} is not valid (at most ${String(first.requirement)} entries)`;
  return `${path} is not valid (${first?.expected ? `expected ${first.expected}` : first?.kind ?? 'invalid'})`;
}

export function rateLimited(event: string, refusal: Refusal): Result {
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  const what =
    refusal.scope === 'misses'
      ? 'Too many calls to codes that are not online'
      : refusal.scope === 'ringing'
        ? 'Too many calls ringing from this address'
        : refusal.scope === 'pair'
          ? 'Too many calls to this code'
          : `Too many ${event} requests`;
  return fail(ErrorCode.RateLimited, `${what}; try again in ${seconds} s.`);
}

/**
 * Counts a refused request; past the budget the connection is dropped. Our client is refused now and then (busy,
 * offline, a ring over the limit); one refused over and over is probing, or flooding, and each refusal costs CPU.
 */
export function refused(context: SignalingContext, socket: PeerSocket, event: string): void {
  const { maxRefusalsPerMinute } = context.config;
  if (spend(socket.data.budget, 'refused', { points: maxRefusalsPerMinute, seconds: 60 }, Date.now()) === undefined) return;
  if (socket.disconnected) return;
  context.metrics.rejected.inc({ reason: 'too-many-refusals' });
  if (context.logBudget.allows(socket.address)) {
    context.log.warn({ event, socket: socket.id, address: socket.address, refusals: maxRefusalsPerMinute }, 'too many refused requests; disconnecting');
  }
  socket.disconnect();
}
