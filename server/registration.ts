/**
 * Registering a code: the connection signs the challenge it was greeted with,
 * and the server derives the code from the key it has just seen proven. No
 * account store; nobody can register a code without its private key.
 */
import { fromBase64, verifyRegistration } from '../src/shared/call-code';
import { EndReason, ErrorCode, fail, PROTOCOL_VERSION, type RegisterRequest, type Result } from '../src/shared/protocol';
import { otherParty } from './call-registry';
import { announceRing, deliver, endCall, graceTimer, type SignalingContext } from './context';
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
    // Before the code is online: a blocked caller never finds it ringable, not even for a moment.
    await context.blocks.set(code, socket.id, request.blocked);
    const replaced = await context.presence.register(code, socket.id);
    if (replaced) {
      // The same install, reconnected (perhaps to another process): the old link stops ringing and is closed so it cannot act for the code.
      context.connections.replace(replaced);
    }
    await context.timers.clear(graceTimer(code));
    context.log.info({ event: 'registered', code, socket: socket.id, replaced: Boolean(replaced) }, 'registered');

    // Back before the caller gave up: ring again, so a restarted worker still shows the call.
    const call = await context.calls.of(code);
    if (call?.phase === 'ringing' && call.callee === code) {
      await announceRing(context, call);
    }
    if (call?.phase === 'accepted') await deliver(context, otherParty(call, code), 'peer-status', { callId: call.id, online: true });
    return { ok: true, code };
  };
}

/** A connection that went away. Its call survives a short absence (a worker restart, a blip). */
export function leave(context: SignalingContext) {
  return async (socket: PeerSocket): Promise<void> => {
    const code = socket.data.code;
    if (!code || !(await context.presence.unregister(code, socket.id))) return;
    context.log.info({ event: 'offline', code, socket: socket.id }, 'offline');
    // Nobody can ring an offline code; the install hands its list over again when it registers.
    await context.blocks.forget(code, socket.id);
    context.claims.delete(code);
    const call = await context.calls.of(code);
    if (!call) return;
    // The peer's media may well be fine; whether to give up is theirs to judge, with this to go on.
    if (call.phase === 'accepted') await deliver(context, otherParty(call, code), 'peer-status', { callId: call.id, online: false });
    await context.timers.start(graceTimer(code), context.config.reconnectGraceMs);
  };
}

/**
 * A deadline passed, on whichever process set it or, if that one died, on
 * another. A ring not answered in time ends. A party gone past the grace
 * period: a ringing call ends (no one is there to answer or be answered). An
 * accepted call's media flows peer to peer without us, so the server never
 * ends it on signaling alone: the peers notice a dead connection themselves.
 * It is only forgotten once neither party is here.
 */
export function timerFired(context: SignalingContext) {
  return async (name: string): Promise<void> => {
    const [kind, key] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
    if (kind === 'ring') {
      const call = await context.calls.byId(key);
      if (call?.phase === 'ringing') await endCall(context, call, EndReason.NoAnswer);
      return;
    }
    if (kind !== 'grace') return;
    const code = key;
    const call = await context.calls.of(code);
    if (!call || (await context.presence.holderOf(code))) return;
    if (call.phase === 'ringing') {
      await endCall(context, call, EndReason.Gone, code);
      return;
    }
    if (!(await context.presence.holderOf(otherParty(call, code))) && (await context.calls.close(call))) {
      context.log.info({ event: 'call-forgotten', callId: call.id }, 'both parties gone');
    }
  };
}
