/**
 * Binds event names to handlers. Every event is counted against its rate
 * limits first, then its payload is parsed at this edge (types do not stop a
 * stranger's socket); a limited, malformed or unregistered request is
 * answered with an error and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import {
  CallRef,
  type ClientToServerEvents,
  ErrorCode,
  fail,
  PROTOCOL_VERSION,
  RegisterRequest,
  RejoinRequest,
  type Result,
  RingRequest,
  SignalMessage,
} from '../src/shared/protocol';
import * as calls from './call-handlers';
import type { SignalingContext } from './context';
import type { Refusal } from './rate-limits';
import { leave, register } from './registration';
import { rejoin } from './rejoin';
import type { PeerSocket, SignalingServer } from './signaling-server';

const KNOWN_EVENTS = new Set<string>(['register', 'ring', 'accept', 'decline', 'hangup', 'signal', 'rejoin']);

type Ack = (result: Result) => void;

function describeIssues(issues: v.GenericIssue[]): string {
  // The path and the kind of problem only: never echo the value, which may be an SDP.
  const [first] = issues;
  const path = first?.path?.map((item) => String(item.key)).join('.') || 'message';
  return `${path} is not valid (${first?.expected ? `expected ${first.expected}` : first?.kind ?? 'invalid'})`;
}

function rateLimited(event: string, refusal: Refusal): Result {
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  const what = refusal.scope === 'misses' ? 'Too many calls to codes that are not online' : `Too many ${event} requests`;
  return fail(ErrorCode.RateLimited, `${what}; try again in ${seconds} s.`);
}

type InOrder = (work: () => Promise<void>) => void;

/**
 * One connection's requests are handled one after another, in the order sent,
 * though each may await Redis: a callee's answer sent right behind its accept
 * is judged after that accept, never before it.
 */
function oneAtATime(onError: (error: unknown) => void): InOrder {
  let last: Promise<void> = Promise.resolve();
  return (work) => {
    last = last.then(work).catch(onError);
  };
}

function bind<E extends keyof ClientToServerEvents, Request>(
  context: SignalingContext,
  inOrder: InOrder,
  socket: PeerSocket,
  event: E,
  schema: v.GenericSchema<unknown, Request>,
  handle: (socket: PeerSocket, request: Request) => Result | Promise<Result>,
): void {
  const { log, metrics } = context;
  const listener = async (payload: unknown, ack: unknown) => {
    const refusal = await context.limits.take(event, socket.id, socket.data.address);
    if (refusal) {
      metrics.rateLimited.inc({ event, scope: refusal.scope });
      log.warn({ event, socket: socket.id, code: socket.data.code, address: socket.data.address, scope: refusal.scope }, 'rate limited');
    }
    if (typeof ack !== 'function') {
      metrics.rejected.inc({ reason: 'no-ack' });
      log.warn({ event, socket: socket.id, reason: 'no-ack' }, 'request without acknowledgement dropped');
      return;
    }
    const reply = ack as Ack;
    let result: Result;
    if (refusal) result = rateLimited(event, refusal);
    else {
      const parsed = v.safeParse(schema, payload);
      if (!parsed.success) result = fail(ErrorCode.BadRequest, `Malformed ${event}: ${describeIssues(parsed.issues)}.`);
      else if (event !== 'register' && !socket.data.code) result = fail(ErrorCode.NotRegistered, 'Register a code before anything else.');
      else {
        try {
          result = await handle(socket, parsed.output);
        } catch (error) {
          log.error({ event, socket: socket.id, err: error }, 'handler failed');
          result = fail(ErrorCode.BadRequest, 'The server could not handle that request.');
        }
      }
    }
    if (result.ok) {
      if (event === 'signal') metrics.relayed.inc();
    } else {
      if (!refusal) metrics.rejected.inc({ reason: result.error });
      log.info({ event, socket: socket.id, code: socket.data.code, error: result.error }, 'request refused');
    }
    reply(result);
  };
  socket.on(event, ((payload: unknown, ack: unknown) => inOrder(() => listener(payload, ack))) as never);
}

/** The registered sender's code, stamped by the server: a handler never trusts a code from the message. */
function asSender<Request>(handle: (code: string, request: Request) => Promise<Result>) {
  return (socket: PeerSocket, request: Request) => handle(socket.data.code!, request);
}

/**
 * Ringing codes nobody holds, again and again, is how one would enumerate
 * them: such an address is locked out of ringing for a while. The answer to a
 * miss itself stays exactly the answer for an offline code.
 */
function countingMisses(context: SignalingContext, ring: (socket: PeerSocket, request: RingRequest) => Promise<Result>) {
  return async (socket: PeerSocket, request: RingRequest): Promise<Result> => {
    const lockout = await context.limits.missLockout(socket.data.address);
    if (lockout) {
      context.metrics.rateLimited.inc({ event: 'ring', scope: lockout.scope });
      context.log.warn({ event: 'ring', socket: socket.id, code: socket.data.code, address: socket.data.address, scope: 'misses' }, 'rate limited');
      return rateLimited('ring', lockout);
    }
    const result = await ring(socket, request);
    if (!result.ok && result.error === ErrorCode.Unavailable) await context.limits.missed(socket.data.address);
    return result;
  };
}

/** Events this server does not speak are counted, limited like the rest, and dropped unanswered. */
function dropUnknown(context: SignalingContext, socket: PeerSocket): void {
  socket.onAny(async (event: unknown) => {
    if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
    context.metrics.rejected.inc({ reason: 'unknown-event' });
    const refusal = await context.limits.take('unknown', socket.id, socket.data.address);
    if (!refusal) return;
    context.metrics.rateLimited.inc({ event: 'unknown', scope: refusal.scope });
    // Not our client: nothing it says is worth reading further.
    context.log.warn({ event: 'unknown', socket: socket.id, address: socket.data.address, scope: refusal.scope }, 'unknown events past the limit; disconnecting');
    socket.disconnect(true);
  });
}

/** Returns a function that waits for the departures still being recorded (a shutdown waits for them before closing Redis). */
export function attachSignaling(io: SignalingServer, context: SignalingContext): () => Promise<void> {
  const departing = new Set<Promise<void>>();
  io.on('connection', (socket) => {
    socket.data.address = socket.handshake.address.replace(/^::ffff:/, '');
    socket.data.challenge = randomBytes(32).toString('base64url');
    socket.emit('hello', { protocol: PROTOCOL_VERSION, challenge: socket.data.challenge });
    const registerDeadline = setTimeout(() => {
      if (!socket.data.code) socket.disconnect(true);
    }, context.config.registerTimeoutMs);

    dropUnknown(context, socket);
    const inOrder = oneAtATime((error) => context.log.error({ socket: socket.id, err: error }, 'request failed'));
    const registerCode = register(context);
    bind(context, inOrder, socket, 'register', RegisterRequest, async (socket, request) => {
      const result = await registerCode(socket, request);
      // Registered: the deadline has nothing left to do, and a timer per idle connection is memory.
      if (result.ok) clearTimeout(registerDeadline);
      return result;
    });
    bind(context, inOrder, socket, 'ring', RingRequest, countingMisses(context, asSender(calls.ring(context))));
    bind(context, inOrder, socket, 'accept', CallRef, asSender(calls.accept(context)));
    bind(context, inOrder, socket, 'decline', CallRef, asSender(calls.decline(context)));
    bind(context, inOrder, socket, 'hangup', CallRef, asSender(calls.hangup(context)));
    bind(context, inOrder, socket, 'signal', SignalMessage, asSender(calls.signal(context)));
    bind(context, inOrder, socket, 'rejoin', RejoinRequest, asSender(rejoin(context)));

    socket.on('disconnect', () => {
      clearTimeout(registerDeadline);
      const departure = leave(context)(socket).catch((error: unknown) => context.log.error({ event: 'leave', socket: socket.id, err: error }, 'could not record a departure'));
      departing.add(departure);
      void departure.finally(() => departing.delete(departure));
    });
  });
  return async () => {
    await Promise.allSettled([...departing]);
  };
}
