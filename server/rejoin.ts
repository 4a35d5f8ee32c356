/**
 * Carrying an accepted call across a server restart. The restarted server
 * has forgotten every call (unless Redis kept them), while the media still
 * flows peer to peer; each party names its call and its peer again. The call
 * is restored only when both name the same call and each other, so a stranger
 * who learns a call id cannot join it, and nobody can put a call on someone
 * else's code.
 */
import { ErrorCode, fail, type RejoinRequest, type Result } from '../src/shared/protocol';
import { isParty, otherParty } from './call-registry';
import { deliver, type SignalingContext } from './context';

/** Both extensions reconnect with backoff capped at seconds; a minute also covers a worker woken late. */
export const REJOIN_WINDOW_MS = 60_000;

export function rejoin(context: SignalingContext) {
  return async (me: string, { callId, peer }: RejoinRequest): Promise<Result<{ peerOnline: boolean }>> => {
    if (peer === me) return fail(ErrorCode.SelfCall, 'A call has two different parties.');
    const known = await context.calls.byId(callId);
    if (known) {
      if (!isParty(known, me) || otherParty(known, me) !== peer) return fail(ErrorCode.NoSuchCall, 'That call does not exist or is already over.');
      if (known.phase !== 'accepted') return fail(ErrorCode.OutOfTurn, 'Only an accepted call can be rejoined.');
      return { ok: true, peerOnline: Boolean(await context.presence.holderOf(peer)) };
    }

    const theirs = context.claims.get(peer);
    if (theirs && theirs.until > Date.now() && theirs.callId === callId && theirs.peer === me) {
      context.claims.delete(peer);
      if (!(await context.calls.restore(callId, peer, me))) return fail(ErrorCode.Busy, 'One of you is in another call now.');
      await deliver(context, peer, 'peer-status', { callId, online: true });
      context.log.info({ event: 'rejoined', callId }, 'call restored after restart');
      return { ok: true, peerOnline: true };
    }

    // One pending claim per code, dropped when it leaves: claims cannot pile up.
    context.claims.set(me, { callId, peer, until: Date.now() + REJOIN_WINDOW_MS });
    return { ok: true, peerOnline: false };
  };
}
