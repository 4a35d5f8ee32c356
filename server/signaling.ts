/**
 * Binds event names to handlers. Every payload is parsed at this edge (types
 * do not stop a stranger's socket); a malformed or unregistered request is
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
import { leave, register } from './registration';
import { rejoin } from './rejoin';
import type { PeerSocket, SignalingServer } from './signaling-server';

type Ack = (result: Result) => void;

function describeIssues(issues: v.GenericIssue[]): string {
  // The path and the kind of problem only: never echo the value, which may be an SDP.
  const [first] = issues;
  const path = first?.path?.map((item) => String(item.key)).join('.') || 'message';
  return `${path} is not valid (${first?.expected ? `expected ${first.expected}` : first?.kind ?? 'invalid'})`;
}

function bind<E extends keyof ClientToServerEvents, Request>(
  context: SignalingContext,
  socket: PeerSocket,
  event: E,
  schema: v.GenericSchema<unknown, Request>,
  handle: (socket: PeerSocket, request: Request) => Result | Promise<Result>,
): void {
  const listener = async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') {
      context.log.warn({ event, socket: socket.id, reason: 'no-ack' }, 'request without acknowledgement dropped');
      return;
    }
    const reply = ack as Ack;
    const parsed = v.safeParse(schema, payload);
    let result: Result;
    if (!parsed.success) result = fail(ErrorCode.BadRequest, `Malformed ${event}: ${describeIssues(parsed.issues)}.`);
    else if (event !== 'register' && !socket.data.code) result = fail(ErrorCode.NotRegistered, 'Register a code before anything else.');
    else {
      try {
        result = await handle(socket, parsed.output);
      } catch (error) {
        context.log.error({ event, socket: socket.id, err: error }, 'handler failed');
        result = fail(ErrorCode.BadRequest, 'The server could not handle that request.');
      }
    }
    if (!result.ok) context.log.info({ event, socket: socket.id, code: socket.data.code, error: result.error }, 'request refused');
    reply(result);
  };
  socket.on(event, listener as never);
}

/** The registered sender's code, stamped by the server: a handler never trusts a code from the message. */
function asSender<Request>(handle: (code: string, request: Request) => Result) {
  return (socket: PeerSocket, request: Request) => handle(socket.data.code!, request);
}

export function attachSignaling(io: SignalingServer, context: SignalingContext): void {
  io.on('connection', (socket) => {
    socket.data.challenge = randomBytes(32).toString('base64url');
    socket.emit('hello', { protocol: PROTOCOL_VERSION, challenge: socket.data.challenge });
    const registerDeadline = setTimeout(() => {
      if (!socket.data.code) socket.disconnect(true);
    }, context.config.registerTimeoutMs);

    bind(context, socket, 'register', RegisterRequest, register(context));
    bind(context, socket, 'ring', RingRequest, asSender(calls.ring(context)));
    bind(context, socket, 'accept', CallRef, asSender(calls.accept(context)));
    bind(context, socket, 'decline', CallRef, asSender(calls.decline(context)));
    bind(context, socket, 'hangup', CallRef, asSender(calls.hangup(context)));
    bind(context, socket, 'signal', SignalMessage, asSender(calls.signal(context)));
    bind(context, socket, 'rejoin', RejoinRequest, asSender(rejoin(context)));

    socket.on('disconnect', () => {
      clearTimeout(registerDeadline);
      leave(context)(socket);
    });
  });
}
