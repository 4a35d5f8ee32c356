/**
 * Relaying a signal, the server's hot path: every description and ICE
 * candidate of every call passes here.
 *
 * A signal is answered only when its sender asks (Socket.IO's
 * acknowledgement), which the extension does on the last signal of a burst:
 * the others cost one write each, to the other party, as a PeerJS server's
 * do. A connection's signals are handled in the order sent, so an answer
 * speaks for every signal since the last one answered: relayed, or refused
 * for good (refused as malformed, over a limit, out of turn: not worth
 * sending again). From a refusal that passes by itself (the peer's link is
 * back in a moment, a restarted server hears the call rejoined) on, every
 * later signal of that call from that connection is refused too, until one
 * comes marked `again`: the sender, told by the answer, sends again from the
 * first signal it did not see confirmed, and the peer never gets a later
 * signal before an earlier one.
 *
 * Inside an accepted call, the first signal looks up the call and the peer's
 * connection (in Redis when it is shared) and the connection remembers that
 * route; the next ones go straight along it, with no lookup and no wait,
 * whether the peer is on this process or another (then to that process
 * alone, server/redis/mailbox.ts). The route is forgotten the moment the
 * connection hears its call ended or its peer's link changed ('ended',
 * 'peer-status'), which every process tells the parties anyway, or makes any
 * other request.
 */
import * as v from 'valibot';
import { ErrorCode, fail, type Result, SignalMessage } from '../src/shared/protocol';
import { isParty, otherParty } from './call-registry';
import { deliver, type SignalingContext } from './context';
import { mayReachRingingCallee } from './early-offer';
import { describeIssues, rateLimited, refused } from './refusals';
import type { PeerSocket, Route } from './signaling-server';

/** Refusals that pass by themselves: the sender sends the signal again once the call is reachable. */
const PASSING: ReadonlySet<string> = new Set([ErrorCode.Unavailable, ErrorCode.NoSuchCall]);
const NO_SUCH_CALL = 'That call does not exist or is already over.';

type Ack = (result: Result) => void;

export interface Relay {
  /** Rate limits and the schema, checked as the signal arrives; undefined when refused (and answered). */
  admit: (socket: PeerSocket, payload: unknown, ack: unknown) => SignalMessage | undefined;
  /** Relays along the connection's remembered route, at once; false when it has none for this call. */
  viaRoute: (socket: PeerSocket, message: SignalMessage, ack: unknown) => boolean;
  /** Relays along the route, or after looking the call and the peer up, learning the route for the next signals. */
  relay: (socket: PeerSocket, message: SignalMessage, ack: unknown) => Promise<void>;
  /** The connection asked for something else: its call may have changed. */
  forget: (socket: PeerSocket) => void;
}

/** What makes a connection's route stale: heard by the connection, however it reached this process. */
function onNews(this: PeerSocket, event: string): void {
  if (event === 'ended' || event === 'peer-status' || event === 'replaced') forget(this);
}

function forget(socket: PeerSocket): void {
  if (!socket.data.route) return;
  socket.data.route = undefined;
  socket.onSent = undefined;
}

/** Starts learning a route: news arriving while the lookup waits (for Redis) leaves it unlearnt. */
function watch(socket: PeerSocket, callId: string): Route {
  socket.onSent = onNews;
  const route = { callId, peer: '' };
  socket.data.route = route;
  return route;
}

export function createRelay(context: SignalingContext): Relay {
  const { connections, metrics, log, logBudget } = context;

  /** False when the peer's connection was on this process and is gone: its departure is on its way to the sender. */
  const send = (peer: string, message: SignalMessage): boolean => connections.emit(peer, 'signal', message);

  function answer(socket: PeerSocket, ack: unknown, result: Result, callId?: string): void {
    if (typeof ack === 'function') (ack as Ack)(result);
    if (result.ok) {
      metrics.relayed.inc();
      return;
    }
    if (result.error !== ErrorCode.RateLimited) {
      metrics.rejected.inc({ reason: result.error });
      if (logBudget.allows(socket.address)) log.info({ event: 'signal', socket: socket.id, code: socket.data.code, error: result.error }, 'request refused');
    }
    if (callId !== undefined && PASSING.has(result.error)) socket.data.refusing = { callId, refusal: result };
    refused(context, socket, 'signal');
  }

  /** What must be judged in the connection's order: registered, and not a call whose signals are being refused. */
  function inOrder(socket: PeerSocket, message: SignalMessage, ack: unknown): boolean {
    if (!socket.data.code) {
      answer(socket, ack, fail(ErrorCode.NotRegistered, 'Register a code before anything else.'));
      return false;
    }
    const { refusing } = socket.data;
    if (refusing?.callId !== message.callId) return true;
    if (message.again) {
      socket.data.refusing = undefined;
      return true;
    }
    // Counted like any refusal: an honest sender stops at the answer, so only what it had sent before it heard is.
    answer(socket, ack, refusing.refusal);
    return false;
  }

  /** The call, the sender's part in it and the peer's connection, looked up; the route learnt on the way. */
  async function lookUp(socket: PeerSocket, { callId, data }: SignalMessage): Promise<Result> {
    const me = socket.data.code!;
    const route = watch(socket, callId);
    try {
      const call = await context.calls.byId(callId);
      if (!call || !isParty(call, me)) return fail(ErrorCode.NoSuchCall, NO_SUCH_CALL);
      // Nothing about a browser's network reaches the callee before they say yes: the caller's signals wait here until
      // then, and the callee may send nothing at all. Only an offer naming no address goes ahead, so the callee can
      // prepare its answer while it rings.
      if (call.phase !== 'accepted') {
        if (call.caller !== me) return fail(ErrorCode.OutOfTurn, 'The call has not been accepted yet.');
        if (await context.calls.hold(call, data)) {
          if (mayReachRingingCallee(data)) await deliver(context, call.callee, 'signal', { callId, data });
          return { ok: true };
        }
        // Accepted in the meantime: relay it like any other; otherwise the caller sent far more than an offer.
        if ((await context.calls.byId(callId))?.phase !== 'accepted') return fail(ErrorCode.OutOfTurn, 'Too much sent before the call was accepted.');
      }
      const holder = await context.presence.holderOf(otherParty(call, me));
      if (!holder || !send(holder, { callId, data })) return fail(ErrorCode.Unavailable, 'The other side is reconnecting to the server.');
      if (socket.data.route === route) route.peer = holder;
      return { ok: true };
    } finally {
      if (socket.data.route === route && route.peer === '') forget(socket);
    }
  }

  function viaRoute(socket: PeerSocket, message: SignalMessage, ack: unknown): boolean {
    const { route } = socket.data;
    if (route?.callId !== message.callId || route.peer === '') return false;
    if (!inOrder(socket, message, ack)) return true;
    if (send(route.peer, { callId: message.callId, data: message.data })) answer(socket, ack, { ok: true });
    else {
      forget(socket);
      answer(socket, ack, fail(ErrorCode.Unavailable, 'The other side is reconnecting to the server.'), message.callId);
    }
    return true;
  }

  return {
    admit(socket, payload, ack) {
      if (socket.disconnected) return undefined;
      const refusal = context.limits.takeSignal(socket.data.budget, socket.address);
      if (refusal) {
        metrics.rateLimited.inc({ event: 'signal', scope: refusal.scope });
        if (logBudget.allows(socket.address)) log.warn({ event: 'signal', socket: socket.id, code: socket.data.code, address: socket.address, scope: refusal.scope }, 'rate limited');
        answer(socket, ack, rateLimited('signal', refusal));
        return undefined;
      }
      const parsed = v.safeParse(SignalMessage, payload);
      if (parsed.success) return parsed.output;
      answer(socket, ack, fail(ErrorCode.BadRequest, `Malformed signal: ${describeIssues(parsed.issues)}.`));
      return undefined;
    },

    viaRoute,

    async relay(socket, message, ack) {
      if (socket.disconnected || viaRoute(socket, message, ack) || !inOrder(socket, message, ack)) return;
      let result: Result;
      try {
        result = await lookUp(socket, message);
      } catch (error) {
        if (logBudget.allows(socket.address)) log.error({ event: 'signal', socket: socket.id, err: error }, 'handler failed');
        result = fail(ErrorCode.BadRequest, 'The server could not handle that request.');
      }
      answer(socket, ack, result, message.callId);
    },

    forget,
  };
}
