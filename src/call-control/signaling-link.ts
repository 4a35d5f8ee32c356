/**
 * The one Socket.IO link to the signaling server. It registers this install's
 * code on every (re)connection by signing the server's fresh challenge, and
 * hands server events to the caller as they come. Reconnection, with backoff
 * and jitter so a restarted server is not stampeded, is Socket.IO's own.
 */
import { io, type Socket } from 'socket.io-client';
import { type Identity, signRegistration, toBase64 } from '../shared/call-code';
import {
  type ClientToServerEvents,
  type Failure,
  PROTOCOL_VERSION,
  type Result,
  type ServerToClientEvents,
  type SignalMessage,
  ErrorCode,
} from '../shared/protocol';
import type { ServerLink } from '../shared/runtime-messages';
import { t } from '../shared/wording';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Long enough for a server on another continent; short enough that a dead link is said soon. */
const ACK_TIMEOUT_MS = 10_000;
/**
 * A signal's answer, shorter: signals go in a call, where a link that died unnoticed (the laptop moved to another
 * network, and its socket with it) holds the ICE restart that would bring the call back. The server answers a signal
 * at once, and dropping a live link by mistake costs a reconnect and a resend that negotiation ignores, so a few
 * seconds is ample. 10 s made a network change cost 18 s (test/e2e/nat.test.ts).
 */
const SIGNAL_ACK_TIMEOUT_MS = 3_000;

export interface SignalingHandlers {
  onStatus: (status: ServerLink) => void;
  /** A client that keeps no recent calls (the guest page) leaves out `missed-while-busy`. */
  onEvent: Pick<ServerToClientEvents, 'incoming' | 'accepted' | 'ended' | 'signal' | 'peer-status'> & Partial<Pick<ServerToClientEvents, 'missed-while-busy'>>;
  /** The codes whose rings find this one offline, handed over with each registration; none if left out. */
  blocked?: () => readonly string[];
}

/** Requests answered through `request`; a signal goes through `post`, answered only when it asks. */
export type RequestEvent = Exclude<keyof ClientToServerEvents, 'register' | 'signal'>;
export type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ReplyTo<E extends RequestEvent> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

export interface SignalingLink {
  request: <E extends RequestEvent>(event: E, payload: RequestPayload<E>) => Promise<ReplyTo<E>>;
  /**
   * Sends a signal; false, and nothing sent, while the link is not registered. With `answered`, the server
   * acknowledges it (and with it every signal sent before it on this link: relayed, or why not), or, when no answer
   * comes in time, it is answered unreachable and the link is dropped to connect afresh. Without, nothing answers.
   */
  post: (payload: SignalMessage, answered?: (result: Result) => void) => boolean;
  close: () => void;
}

export function unreachable(message: string): Failure {
  return { ok: false, error: ErrorCode.Unreachable, message };
}

export function connectSignaling(url: string, identity: Identity, handlers: SignalingHandlers, ackTimeoutMs = ACK_TIMEOUT_MS): SignalingLink {
  const socket: ClientSocket = io(url, {
    // A service worker has no XMLHttpRequest: WebSocket only.
    transports: ['websocket'],
    // Back within seconds of a restarted server, while the ±50% jitter spreads thousands of clients out.
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
  });

  // Requests wait for registration: until then the server would answer "not registered".
  let registered = false;
  handlers.onStatus({ status: 'connecting' });

  socket.on('hello', async ({ protocol, challenge }) => {
    if (protocol !== PROTOCOL_VERSION) {
      handlers.onStatus({ status: 'offline', message: protocol > PROTOCOL_VERSION ? t('serverProtocolNewer') : t('serverProtocolOlder') });
      return;
    }
    const signature = await signRegistration(identity.privateKey, challenge);
    // Socket.IO types a timed emitWithAck's answer as any: the protocol says what register answers.
    const reply = (await socket
      .timeout(ackTimeoutMs)
      .emitWithAck('register', {
        protocol: PROTOCOL_VERSION,
        publicKey: toBase64(identity.publicKeyRaw),
        signature: toBase64(signature),
        blocked: [...(handlers.blocked?.() ?? [])],
      })
      .catch((): Result => unreachable(t('serverNoRegistration')))) as Result;
    registered = reply.ok;
    // A User Timing mark costs nothing and lets the benchmark read worker start → registered.
    if (reply.ok) performance.mark('peerdial:registered');
    handlers.onStatus(reply.ok ? { status: 'online' } : { status: 'offline', message: reply.message });
  });

  socket.on('disconnect', (reason) => {
    registered = false;
    if (reason !== 'io client disconnect') handlers.onStatus({ status: 'connecting' });
  });
  socket.on('connect_error', () => {
    handlers.onStatus({ status: 'offline', message: t('serverUnreachable', url) });
  });
  socket.on('replaced', () => {
    registered = false;
    handlers.onStatus({ status: 'offline', message: t('serverReplaced') });
  });

  socket.on('incoming', handlers.onEvent.incoming);
  socket.on('accepted', handlers.onEvent.accepted);
  socket.on('ended', handlers.onEvent.ended);
  socket.on('signal', handlers.onEvent.signal);
  socket.on('peer-status', handlers.onEvent['peer-status']);
  if (handlers.onEvent['missed-while-busy']) socket.on('missed-while-busy', handlers.onEvent['missed-while-busy']);

  return {
    request(event, payload) {
      if (!registered) return Promise.resolve(unreachable(t('serverNotConnected')));
      // Socket.IO's typed emitWithAck cannot see through the generic event name; the cast keeps it a method call.
      const timed = socket.timeout(ackTimeoutMs) as unknown as { emitWithAck: (e: typeof event, p: typeof payload) => Promise<never> };
      return timed.emitWithAck(event, payload).catch(() => unreachable(t('serverNoAnswer')));
    },
    post(payload, answered) {
      if (!registered) return false;
      if (!answered) {
        socket.emit('signal', payload);
        return true;
      }
      // Socket.IO's types give an optional acknowledgement no timeout error; the cast says how it is called.
      const timed = socket.timeout(Math.min(ackTimeoutMs, SIGNAL_ACK_TIMEOUT_MS)) as unknown as {
        emit: (e: 'signal', p: SignalMessage, ack: (error: Error | null, result: Result) => void) => void;
      };
      timed.emit('signal', payload, (error, result) => {
        if (!error) return answered(result);
        // No answer in time on a link that still looks open: it died without either end noticing yet (Engine.IO's
        // pings take up to 45 s to tell). Dropped, it connects afresh within a second, and the signal relay sends
        // again, once registered, what it did not see confirmed.
        if (socket.connected) socket.io.engine.close();
        answered(unreachable(t('serverNoAnswer')));
      });
      return true;
    },
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
