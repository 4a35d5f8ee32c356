/**
 * A real Socket.IO client that holds a real key and registers the way the
 * extension does, for tests that talk to a real server.
 */
import { once } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import { type CallCode, generateIdentity, signRegistration, toBase64 } from '../../src/shared/call-code';
import { type ClientToServerEvents, type Hello, PROTOCOL_VERSION, type ServerToClientEvents } from '../../src/shared/protocol';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface PeerClient {
  socket: ClientSocket;
  code: CallCode;
  keyPair: CryptoKeyPair;
  publicKeyRaw: Uint8Array;
  /** The challenge this connection was greeted with. */
  challenge: string;
  /** Every server event received, in order, for asserting what did (and did not) arrive. */
  received: { event: string; payload: unknown }[];
  /** Resolves with the next event of that name (or one already received and not yet taken). */
  next<E extends keyof ServerToClientEvents>(event: E, timeoutMs?: number): Promise<Parameters<ServerToClientEvents[E]>[0]>;
  close(): void;
}

/** Connects and waits for the hello; does not register. */
export async function connectPeer(url: string, identity?: Awaited<ReturnType<typeof generateIdentity>>): Promise<PeerClient> {
  const { keyPair, publicKeyRaw, code } = identity ?? (await generateIdentity());
  const socket: ClientSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  const received: PeerClient['received'] = [];
  const taken = new Set<number>();
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  const [hello] = (await once(socket as never, 'hello')) as [Hello];

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
    close: () => socket.disconnect(),
  };
}

/** Connects and registers with a valid proof, as the extension does. */
export async function registeredPeer(url: string, identity?: Awaited<ReturnType<typeof generateIdentity>>): Promise<PeerClient> {
  const peer = await connectPeer(url, identity);
  const signature = await signRegistration(peer.keyPair.privateKey, peer.challenge);
  const reply = await peer.socket.emitWithAck('register', {
    protocol: PROTOCOL_VERSION,
    publicKey: toBase64(peer.publicKeyRaw),
    signature: toBase64(signature),
  });
  if (!reply.ok) throw new Error(`Registration refused: ${reply.message}`);
  return peer;
}

/** Lets in-flight events arrive, so a test can assert that something was NOT delivered. */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
