/**
 * A real client that records every event the server sends it, for tests that
 * assert what did and did not arrive, and in what order. Connects and
 * registers through the harness, exactly as the extension does.
 */
import { type CallCode, generateIdentity } from '../../src/shared/call-code';
import { ErrorCode, type Result, type ServerToClientEvents } from '../../src/shared/protocol';
import { type Client, connect, type Identity, register } from './harness';

export interface PeerClient {
  socket: Client;
  code: CallCode;
  keyPair: CryptoKeyPair;
  publicKeyRaw: Uint8Array;
  /** The challenge this connection was greeted with. */
  challenge: string;
  /** Every server event received after the greeting, in order. */
  received: { event: string; payload: unknown }[];
  /** Resolves with the next event of that name (or one already received and not yet taken). */
  next: <E extends keyof ServerToClientEvents>(event: E, timeoutMs?: number) => Promise<Parameters<ServerToClientEvents[E]>[0]>;
  /**
   * The barrier before asserting that something did NOT arrive: a request the
   * server answers on this connection and that changes nothing (a signal for a
   * call that does not exist). Socket.IO delivers in order per connection, so
   * once the answer is back, everything the server sent here before it is in
   * `received`.
   */
  roundTrip: () => Promise<void>;
  close: () => void;
}

/** Well-formed, and no call ever has it. */
const NO_SUCH_CALL = 'no-such-call-round-trip';

/** Connects and waits for the greeting; does not register. */
export async function connectPeer(url: string, identity?: Identity): Promise<PeerClient> {
  const { keyPair, publicKeyRaw, code } = identity ?? (await generateIdentity());
  const { socket, hello } = await connect(url);
  const received: PeerClient['received'] = [];
  const taken = new Set<number>();
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));

  return {
    socket,
    code,
    keyPair,
    publicKeyRaw,
    challenge: hello.challenge,
    received,
    async next(event, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((item, i) => item.event === event && !taken.has(i));
        if (index >= 0) {
          taken.add(index);
          return received[index]!.payload as never;
        }
        if (Date.now() > deadline) throw new Error(`No '${event}' within ${timeoutMs} ms; got ${received.map((r) => r.event).join(', ') || 'nothing'}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async roundTrip() {
      // A signal's acknowledgement is optional, which Socket.IO's types cannot follow to its reply.
      const reply = (await socket.emitWithAck('signal', { callId: NO_SUCH_CALL, data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } } })) as Result;
      // Any other answer (a rate limit, say) would mean the request did something.
      if (reply.ok || (reply.error !== ErrorCode.NoSuchCall && reply.error !== ErrorCode.NotRegistered)) throw new Error(`The round trip was answered ${JSON.stringify(reply)}`);
    },
    close: () => socket.disconnect(),
  };
}

/** Connects and registers with a valid proof, as the extension does. */
export async function registeredPeer(url: string, identity?: Identity): Promise<PeerClient> {
  const peer = await connectPeer(url, identity);
  await register(peer.socket, peer.challenge, { keyPair: peer.keyPair, publicKeyRaw: peer.publicKeyRaw, code: peer.code });
  return peer;
}
