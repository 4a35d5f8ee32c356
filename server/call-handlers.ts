/**
 * Ringing, answering and ending (relaying is server/relay.ts). Every request names a call by id,
 * and the server checks the sender (stamped by the server at registration,
 * never taken from the message) is the party allowed that step now. A stranger
 * asking about someone else's call hears the same as for a call that never
 * existed.
 */
import {
  type AcceptRequest,
  type CallIce,
  type CallRef,
  EndReason,
  ErrorCode,
  fail,
  type HangupRequest,
  type IceServer,
  type Result,
  type RingRequest,
} from '../src/shared/protocol';
import { type Call, isParty } from './call-registry';
import { announceRing, deliver, deliverEach, endCall, ringTimer, type SignalingContext } from './context';
import { tellMissedWhileBusy } from './missed-while-busy';
import { callIceFor, iceServersFor } from './turn-credentials';

/** Offline and nonexistent read the same, so codes cannot be enumerated by ringing them. */
const UNAVAILABLE = 'Nobody is online with that code.';
const NO_SUCH_CALL = 'That call does not exist or is already over.';

/** `address`: the sender's, as the per-address limits count it. */
type Handler<Request, Reply extends object = object> = (code: string, request: Request, address: string) => Promise<Result<Reply>>;

async function partyCall(context: SignalingContext, code: string, callId: string): Promise<Call | undefined> {
  const call = await context.calls.byId(callId);
  return call && isParty(call, code) ? call : undefined;
}

/**
 * The caller's ICE servers for a ring: a relay credential too while its code's and its address's ring budget last, so
 * its offer can list a relay candidate; past either, STUN alone, and its relay comes with the accept.
 */
async function ringIce(context: SignalingContext, me: string, address: string): Promise<IceServer[]> {
  const { config } = context;
  if (!config.turn) return config.iceServers;
  const refusal = await context.limits.ringRelay(me, address);
  if (refusal) {
    context.metrics.rateLimited.inc({ event: 'ring-relay', scope: refusal.scope });
    return config.iceServers;
  }
  context.metrics.turnCredentials.inc({ at: 'ring' });
  return iceServersFor(config, me);
}

/** A party's relay for its accepted call. */
function callIce(context: SignalingContext, code: string, at: 'accept' | 'renewal'): CallIce {
  if (context.config.turn) context.metrics.turnCredentials.inc({ at });
  return callIceFor(context.config, code);
}

export function ring(context: SignalingContext): Handler<RingRequest, { callId: string; iceServers: IceServer[] }> {
  return async (me, { to, name }, address) => {
    if (to === me) return fail(ErrorCode.SelfCall, 'That is your own code.');
    const current = await context.calls.of(me);
    if (current) {
      // Both dialled each other at once: the first ring stands, and the second caller joins it as callee.
      if (current.phase === 'ringing' && current.callee === me && current.caller === to) {
        return fail(ErrorCode.Busy, 'They are calling you already.');
      }
      // Dialling again means leaving whatever call this code was in (a client that lost track of it).
      await endCall(context, current, current.phase === 'ringing' && current.caller === me ? EndReason.Cancelled : EndReason.HungUp, me);
    }
    // A callee who blocked this caller reads as offline, and both are looked up either way: the same answer, in the same time.
    const [holder, blocked] = await Promise.all([context.presence.holderOf(to), context.blocks.blocks(to, me)]);
    if (!holder || blocked) return fail(ErrorCode.Unavailable, UNAVAILABLE);
    const call = await context.calls.open(me, to, name);
    if (!call) {
      await tellMissedWhileBusy(context, me, to, name);
      return fail(ErrorCode.Busy, 'They are in another call.');
    }

    await context.timers.start(ringTimer(call), context.config.ringTimeoutMs);
    await announceRing(context, call);
    // Not the name: a log line carries no words a person typed.
    context.log.info({ event: 'ring', callId: call.id, caller: me, callee: to }, 'ringing');
    return { ok: true, callId: call.id, iceServers: await ringIce(context, me, address) };
  };
}

export function accept(context: SignalingContext): Handler<AcceptRequest, CallIce> {
  return async (me, { callId, signals }) => {
    const call = await partyCall(context, me, callId);
    if (!call) return fail(ErrorCode.NoSuchCall, NO_SUCH_CALL);
    const held = call.callee === me ? await context.calls.accept(call) : undefined;
    if (!held) return fail(ErrorCode.OutOfTurn, 'Only the person being called can accept, once.');
    await context.timers.clear(ringTimer(call));
    // What the caller sent waited for this yes; it goes now. The offer among it may have reached the callee already
    // (see early-offer.ts); it comes again here in case that copy was missed, and the callee ignores a repeat.
    await deliverEach(context, me, 'signal', held.map((data) => [{ callId, data }]));
    // The callee's prepared answer rode in the accept: judged like any signal of an accepted call, and sent with the
    // news, and with the caller's relay for the call (a fresh one, or its first if its ring budget was spent).
    await deliver(context, call.caller, 'accepted', { callId, signals, ...callIce(context, call.caller, 'accept') });
    context.log.info({ event: 'accept', callId, signals: signals.length }, 'accepted');
    return { ok: true, ...callIce(context, me, 'accept') };
  };
}

/** A fresh relay credential, for a party of an accepted call only, a few per credential lifetime. */
export function renewRelay(context: SignalingContext): Handler<CallRef, CallIce> {
  return async (me, { callId }) => {
    const call = await partyCall(context, me, callId);
    if (!call) return fail(ErrorCode.NoSuchCall, NO_SUCH_CALL);
    if (call.phase !== 'accepted') return fail(ErrorCode.OutOfTurn, 'A relay comes with a call once it is accepted.');
    const refusal = await context.limits.renewRelay(callId, me);
    if (refusal) {
      context.metrics.rateLimited.inc({ event: 'renew-relay', scope: refusal.scope });
      return fail(ErrorCode.RateLimited, `This call's relay was renewed too often; try again in ${Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))} s.`);
    }
    return { ok: true, ...callIce(context, me, 'renewal') };
  };
}

export function decline(context: SignalingContext): Handler<CallRef> {
  return async (me, { callId }) => {
    const call = await partyCall(context, me, callId);
    if (!call) return fail(ErrorCode.NoSuchCall, NO_SUCH_CALL);
    if (call.callee !== me || call.phase !== 'ringing') return fail(ErrorCode.OutOfTurn, 'Only a ringing call can be declined.');
    await endCall(context, call, EndReason.Declined, me);
    return { ok: true };
  };
}

/**
 * A hang-up ends a ringing call as a cancel or a decline and an accepted one as hung up, or, when the party says its
 * connection never came up, as failed to connect. Only an accepted call has a connection to fail: that reason on a
 * ringing one is refused and the call goes on, so no party can make a ring's end read as anything but what it was.
 */
export function hangup(context: SignalingContext): Handler<HangupRequest> {
  return async (me, { callId, reason: given }) => {
    const call = await partyCall(context, me, callId);
    if (!call) return fail(ErrorCode.NoSuchCall, NO_SUCH_CALL);
    if (given === EndReason.ConnectionFailed && call.phase !== 'accepted') {
      return fail(ErrorCode.OutOfTurn, 'Only an accepted call can fail to connect; a ringing one is cancelled or declined.');
    }
    const reason = call.phase === 'accepted' ? (given ?? EndReason.HungUp) : call.caller === me ? EndReason.Cancelled : EndReason.Declined;
    await endCall(context, call, reason, me);
    return { ok: true };
  };
}
