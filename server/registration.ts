/**
 * Registering a code: the connection signs the challenge it was greeted with,
 * and the server derives the code from the key it has just seen proven. No
 * account store; nobody can register a code without its private key.
 */
import { fromBase64, verifyRegistration } from '../src/shared/call-code';
import { EndReason, ErrorCode, fail, PROTOCOL_VERSION, type RegisterRequest, type Result } from '../src/shared/protocol';
import { type Call, otherParty } from './call-registry';
import { deliver, endCall, graceTimer, type SignalingContext } from './context';
import type { PeerSocket } from './signaling-server';

export function register(context: SignalingContext) {
  return async (socket: PeerSocket, request: RegisterRequest): Promise<Result<{ code: string }>> => {
    if (request.protocol !== PROTOCOL_VERSION) {
      const which = request.protocol < PROTOCOL_VERSION ? 'the extension is older than this server' : 'this server is older than the extension';
      return fail(ErrorCode.ProtocolMismatch, `Protocol ${request.protocol} is not spoken here (${which}; the server speaks ${PROTOCOL_VERSION}).`);
    }
    if (socket.data.code) return fail(ErrorCode.OutOfTurn, 'This connection is already registered.');
    const publicKey = fromBase64(request.publicKey);
    const signature = fromBase64(request.signature);
    const code = publicKey && signature ? await verifyRegistration(publicKey, socket.data.challenge, signature) : null;
    if (!code) return fail(ErrorCode.BadProof, 'The registration signature does not match the key.');
    // A disconnect during verification leaves nothing to register.
    if (socket.disconnected) return fail(ErrorCode.BadRequest, 'The connection closed during registration.');

    socket.data.code = code;
    const replaced = context.presence.register(code, socket);
    if (replaced) {
      // The same install, reconnected: the old link stops ringing and is closed so it cannot act for the code.
      replaced.data.code = undefined;
      replaced.emit('replaced');
      replaced.disconnect(true);
    }
    context.timers.clear(graceTimer(code));
    context.log.info({ event: 'registered', code, socket: socket.id, replaced: Boolean(replaced) }, 'registered');

    const call = context.calls.of(code);
    // Back before the caller gave up: ring again, so a restarted worker still shows the call.
    if (call?.phase === 'ringing' && call.callee === code) deliver(context, code, 'incoming', { callId: call.id, from: call.caller });
    if (call?.phase === 'accepted') deliver(context, otherParty(call, code), 'peer-status', { callId: call.id, online: true });
    return { ok: true, code };
  };
}

/** A connection that went away. Its call survives a short absence (a worker restart, a blip). */
export function leave(context: SignalingContext) {
  return (socket: PeerSocket): void => {
    const code = socket.data.code;
    if (!code || !context.presence.unregister(code, socket)) return;
    context.log.info({ event: 'offline', code, socket: socket.id }, 'offline');
    const call = context.calls.of(code);
    if (!call) return;
    // The peer's media may well be fine; whether to give up is theirs to judge, with this to go on.
    if (call.phase === 'accepted') deliver(context, otherParty(call, code), 'peer-status', { callId: call.id, online: false });
    context.timers.start(graceTimer(code), context.config.reconnectGraceMs, () => {
      const current = context.calls.of(code);
      if (!current || context.presence.connectionOf(code)) return;
      goneFor(context, current, code);
    });
  };
}

/**
 * A party gone past the grace period. A ringing call ends (no one is there to
 * answer or be answered). An accepted call's media flows peer to peer without
 * us, so the server never ends it on signaling alone: the peers notice a dead
 * connection themselves. It is only forgotten once neither party is here.
 */
function goneFor(context: SignalingContext, call: Call, code: string): void {
  if (call.phase === 'ringing') {
    endCall(context, call, EndReason.Gone, code);
    return;
  }
  if (!context.presence.connectionOf(otherParty(call, code))) {
    context.calls.close(call);
    context.log.info({ event: 'call-forgotten', callId: call.id }, 'both parties gone');
  }
}
