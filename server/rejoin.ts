/**
 * Carrying an accepted call across a server restart. The restarted server
 * has forgotten every call, while the media still flows peer to peer; each
 * party names its call and its peer again. The call is restored only when
 * both name the same call and each other, so a stranger who learns a call id
 * cannot join it, and nobody can put a call on someone else's code.
 */
import { ErrorCode, fail, type RejoinRequest, type Result } from '../src/shared/protocol';
import { isParty, otherParty } from './call-registry';
import { deliver, type SignalingContext } from './context';

/** Both extensions reconnect with backoff capped at seconds; a minute also covers a worker woken late. */
export const REJOIN_WINDOW_MS = 60_000;

const claimTimer = (code: string) => `claim:${code}`;

export function rejoin(context: SignalingContext) {
  return (me: string, { callId, peer }: RejoinRequest): Result<{ peerOnline: boolean }> => {
    if (peer === me) return fail(ErrorCode.SelfCall, 'A call has two different parties.');
    const known = context.calls.byId(callId);
    if (known) {
      if (!isParty(known, me) || otherParty(known, me) !== peer) return fail(ErrorCode.NoSuchCall, 'That call does not exist or is already over.');
      if (known.phase !== 'accepted') return fail(ErrorCode.OutOfTurn, 'Only an accepted call can be rejoined.');
      return { ok: true, peerOnline: Boolean(context.presence.connectionOf(peer)) };
    }

    const theirs = context.claims.get(peer);
    if (theirs?.callId === callId && theirs.peer === me) {
      context.claims.delete(peer);
      context.timers.clear(claimTimer(peer));
      if (context.calls.of(me) || context.calls.of(peer)) return fail(ErrorCode.Busy, 'One of you is in another call now.');
      context.calls.restore(callId, peer, me);
      deliver(context, peer, 'peer-status', { callId, online: true });
      context.log.info({ event: 'rejoined', callId }, 'call restored after restart');
      return { ok: true, peerOnline: true };
    }

    // One pending claim per code: a newer one replaces it, so claims cannot pile up.
    context.claims.set(me, { callId, peer });
    context.timers.start(claimTimer(me), REJOIN_WINDOW_MS, () => context.claims.delete(me));
    return { ok: true, peerOnline: false };
  };
}
