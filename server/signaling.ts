/**
 * Binds event names to handlers. Every event is counted against its rate
 * limits first, then its payload is parsed at this edge; a limited,
 * malformed or unregistered request is answered with an error and changes
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import {
  AcceptRequest,
  CallRef,
  type ClientToServerEvents,
  ErrorCode,
  fail,
  HangupRequest,
  PROTOCOL_VERSION,
  RegisterRequest,
  RejoinRequest,
  type Result,
  RingRequest,
  SetBlockedRequest,
} from '../src/shared/protocol';
import { setBlocked } from './blocking';
import * as calls from './call-handlers';
import type { SignalingContext } from './context';
import type { LimitedEvent } from './rate-limits';
import { describeIssues, rateLimited, refused } from './refusals';
import { approximateBytes } from './message-size';
import { leave, register } from './registration';
import { createRelay } from './relay';
import { rejoin } from './rejoin';
import type { PeerSocket } from './signaling-server';
import { createSerialQueue } from '../src/shared/serial-queue';

type Ack = (result: Result) => void;
/** A known event's payload parsed and handled, or the reason why not. */
type Route = (socket: PeerSocket, payload: unknown) => Result | Promise<Result>;

/** Parses a payload at this edge (types do not stop a stranger's socket), then lets only a registered connection past, except to register. */
function route<Request>(
  event: keyof ClientToServerEvents,
  schema: v.GenericSchema<unknown, Request>,
  handle: (socket: PeerSocket, request: Request) => Result | Promise<Result>,
): Route {
  return (socket, payload) => {
    const parsed = v.safeParse(schema, payload);
    if (!parsed.success) return fail(ErrorCode.BadRequest, `Malformed ${event}: ${describeIssues(parsed.issues)}.`);
    if (event !== 'register' && !socket.data.code) return fail(ErrorCode.NotRegistered, 'Register a code before anything else.');
    return handle(socket, parsed.output);
  };
}

/** The registered sender's code (and address), stamped by the server: a handler never trusts a code from the message. */
function asSender<Request, Reply extends object = object>(handle: (code: string, request: Request, address: string) => Promise<Result<Reply>>) {
  return (socket: PeerSocket, request: Request) => handle(socket.data.code!, request, socket.address);
}

/**
 * Ringing codes nobody holds, again and again, is how one would enumerate
 * them: such an address is locked out of ringing for a while. The answer to a
 * miss itself stays exactly the answer for an offline code.
 */
function countingMisses(context: SignalingContext, ring: (socket: PeerSocket, request: RingRequest) => Promise<Result<{ callId: string }>>) {
  return async (socket: PeerSocket, request: RingRequest): Promise<Result> => {
    // In order: an address that kept missing is locked out; a caller re-ringing one callee is held off (counted
    // whatever the callee's state, so the limit says nothing of it); and since each ringing call holds what its caller
    // sent until the answer, how many ring at once from one address is bounded, last, so a refused ring takes no place.
    const { address } = socket;
    const lockout =
      (await context.limits.missLockout(address)) ??
      (await context.limits.ringPair(socket.data.code!, address, request.to)) ??
      (await context.limits.ringing(address));
    if (lockout) {
      context.metrics.rateLimited.inc({ event: 'ring', scope: lockout.scope });
      if (context.logBudget.allows(socket.address)) context.log.warn({ event: 'ring', socket: socket.id, code: socket.data.code, address: socket.address, scope: lockout.scope }, 'rate limited');
      return rateLimited('ring', lockout);
    }
    const result = await ring(socket, request);
    if (result.ok) await context.limits.rang(result.callId, socket.data.code!, address, request.to);
    if (!result.ok) await context.limits.rangNobody(socket.address);
    if (!result.ok && result.error === ErrorCode.Unavailable) await context.limits.missed(socket.address);
    return result;
  };
}

/** A ring the callee took gives its count back to its caller (server/ring-pairs.ts): people who call each other often are not held off. */
function givingBackAnswered(context: SignalingContext, accept: (socket: PeerSocket, request: AcceptRequest) => Promise<Result>) {
  return async (socket: PeerSocket, request: AcceptRequest): Promise<Result> => {
    const result = await accept(socket, request);
    if (result.ok) await context.limits.answered(request.callId);
    return result;
  };
}

/** An event this server does not speak: counted, limited like the rest, and dropped unanswered. */
async function dropUnknown(context: SignalingContext, socket: PeerSocket): Promise<void> {
  context.metrics.rejected.inc({ reason: 'unknown-event' });
  const refusal = await context.limits.take('unknown', socket.data.budget, socket.address);
  if (!refusal) return;
  context.metrics.rateLimited.inc({ event: 'unknown', scope: refusal.scope });
  // Not our client: nothing it says is worth reading further.
  if (context.logBudget.allows(socket.address)) context.log.warn({ event: 'unknown', socket: socket.id, address: socket.address, scope: refusal.scope }, 'unknown events past the limit; disconnecting');
  socket.disconnect();
}

/** Counts a known event against its rate limits, then routes it; a limited or unacknowledged request changes nothing. */
async function answer(context: SignalingContext, socket: PeerSocket, event: LimitedEvent, handle: Route, payload: unknown, ack: unknown): Promise<void> {
  const { log, metrics } = context;
  const { address } = socket;
  // Cut off already (a flood, queued before the cut): what is left in its queue is not worth a Redis round trip.
  if (socket.disconnected) return;
  const refusal = await context.limits.take(event, socket.data.budget, address);
  if (refusal) {
    metrics.rateLimited.inc({ event, scope: refusal.scope });
    if (context.logBudget.allows(address)) log.warn({ event, socket: socket.id, code: socket.data.code, address, scope: refusal.scope }, 'rate limited');
  }
  if (typeof ack !== 'function') {
    metrics.rejected.inc({ reason: 'no-ack' });
    if (context.logBudget.allows(address)) log.warn({ event, socket: socket.id, reason: 'no-ack' }, 'request without acknowledgement dropped');
    refused(context, socket, event);
    return;
  }
  let result: Result;
  if (refusal) result = rateLimited(event, refusal);
  else {
    try {
      result = await handle(socket, payload);
    } catch (error) {
      if (context.logBudget.allows(address)) log.error({ event, socket: socket.id, err: error }, 'handler failed');
      result = fail(ErrorCode.BadRequest, 'The server could not handle that request.');
    }
  }
  if (!result.ok) {
    if (!refusal) metrics.rejected.inc({ reason: result.error });
    // The rate-limit line above already said why.
    if (!refusal && context.logBudget.allows(address)) log.info({ event, socket: socket.id, code: socket.data.code, error: result.error }, 'request refused');
  }
  (ack as Ack)(result);
  if (!result.ok) refused(context, socket, event);
}

/**
 * Whether a connection's queue has room for one more request of this size. Requests wait their turn (see
 * onEvent), and with Redis each turn is a round trip: a client that sends without waiting for answers would
 * otherwise pile up payloads here faster than they drain. Our client waits for its answers, bar a burst of
 * candidates.
 */
function queueHasRoom(context: SignalingContext, socket: PeerSocket, bytes: number): boolean {
  const { maxPendingRequests, maxPendingBytes } = context.config;
  const { data } = socket;
  if (data.pendingRequests < maxPendingRequests && data.pendingBytes + bytes <= maxPendingBytes) return true;
  context.metrics.rejected.inc({ reason: 'queue-full' });
  if (context.logBudget.allows(socket.address)) {
    context.log.warn({ event: 'queue-full', socket: socket.id, address: socket.address, pending: data.pendingRequests, bytes: data.pendingBytes }, 'too much sent without waiting for answers; disconnecting');
  }
  socket.disconnect();
  return false;
}

/** A connection that has not registered in time is not a client of ours. */
function registerDeadlinePassed(socket: PeerSocket): void {
  if (!socket.data.code) socket.disconnect();
}

/** What the signaling does with each connection (server/wire/wire-server.ts calls these). */
export interface Signaling {
  joined: (socket: PeerSocket) => void;
  event: (socket: PeerSocket, event: string, payload: unknown, ack: unknown) => void;
  left: (socket: PeerSocket) => void;
  /** Waits for the departures still being recorded (a shutdown waits for them before closing Redis). */
  departures: () => Promise<void>;
}

/**
 * Binds event names to handlers once for every connection: each connection
 * holds only its own data, not a set of closures of its own, since memory per
 * idle connection is what limits how many one process holds.
 */
export function createSignaling(context: SignalingContext): Signaling {
  const departing = new Set<Promise<void>>();
  const registerCode = register(context);
  const routes = new Map<string, Route>([
    [
      'register',
      route('register', RegisterRequest, async (socket, request) => {
        const result = await registerCode(socket, request);
        if (result.ok) {
          // The deadline and the challenge have nothing left to do, and each idle connection's bytes add up.
          clearTimeout(socket.data.registerDeadline);
          socket.data.registerDeadline = undefined;
          socket.data.challenge = '';
        }
        return result;
      }),
    ],
    ['ring', route('ring', RingRequest, countingMisses(context, asSender(calls.ring(context))))],
    ['accept', route('accept', AcceptRequest, givingBackAnswered(context, asSender(calls.accept(context))))],
    ['decline', route('decline', CallRef, asSender(calls.decline(context)))],
    ['hangup', route('hangup', HangupRequest, asSender(calls.hangup(context)))],
    ['rejoin', route('rejoin', RejoinRequest, asSender(rejoin(context)))],
    ['renew-relay', route('renew-relay', CallRef, asSender(calls.renewRelay(context)))],
    ['set-blocked', route('set-blocked', SetBlockedRequest, setBlocked(context))],
  ]);
  const relay = createRelay(context);
  const depart = leave(context);
  const failed = (error: unknown) => context.log.error({ event: 'request', err: error }, 'could not answer a request');

  /**
   * One connection's requests are handled in the order sent, though each may await Redis: a signal sent right
   * behind an accept is judged after that accept, never before it.
   */
  function inTurn(socket: PeerSocket, payload: unknown, handle: () => Promise<void>): void {
    const bytes = approximateBytes(payload);
    if (!queueHasRoom(context, socket, bytes)) return;
    const { data } = socket;
    data.pendingRequests++;
    data.pendingBytes += bytes;
    data.requests ??= createSerialQueue();
    void data.requests.run(async () => {
      await handle().catch(failed);
      data.pendingRequests--;
      data.pendingBytes -= bytes;
      // Nothing waits behind it: an idle connection holds no queue (tens of thousands of them add up).
      if (data.pendingRequests === 0) data.requests = undefined;
    });
  }

  /** A signal with nothing queued before it and a route to follow is relayed at once, without a turn in the queue. */
  function onSignal(socket: PeerSocket, payload: unknown, ack: unknown): void {
    const message = relay.admit(socket, payload, ack);
    if (!message || (socket.data.pendingRequests === 0 && relay.viaRoute(socket, message, ack))) return;
    inTurn(socket, payload, () => relay.relay(socket, message, ack));
  }

  function onEvent(socket: PeerSocket, event: string, payload: unknown, ack: unknown): void {
    if (event === 'signal') return onSignal(socket, payload, ack);
    const handle = routes.get(event);
    if (!handle) return void dropUnknown(context, socket).catch(failed);
    if (socket.disconnected) return;
    inTurn(socket, payload, async () => {
      await answer(context, socket, event as LimitedEvent, handle, payload, ack);
      // Any other request may change the call (a hang-up, a new ring): the next signal looks it up again.
      relay.forget(socket);
    });
  }

  function left(socket: PeerSocket): void {
    clearTimeout(socket.data.registerDeadline);
    const departure = depart(socket).catch((error: unknown) => context.log.error({ event: 'leave', socket: socket.id, err: error }, 'could not record a departure'));
    departing.add(departure);
    void departure.finally(() => departing.delete(departure));
  }

  function joined(socket: PeerSocket): void {
    // Every field at once, so V8 keeps them all inside the object rather than in a store beside it.
    socket.data = {
      challenge: randomBytes(32).toString('base64url'),
      code: undefined,
      budget: {},
      requests: undefined,
      pendingRequests: 0,
      pendingBytes: 0,
      registerDeadline: setTimeout(registerDeadlinePassed, context.config.registerTimeoutMs, socket),
      route: undefined,
      refusing: undefined,
    };
    socket.emit('hello', { protocol: PROTOCOL_VERSION, challenge: socket.data.challenge });
  }

  return {
    joined,
    event: onEvent,
    left,
    async departures() {
      await Promise.allSettled([...departing]);
    },
  };
}
