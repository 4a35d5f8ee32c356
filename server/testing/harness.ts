/**
 * Real servers and real Socket.IO clients for the server's tests: an app on
 * port 0 in this process (its context and log lines in reach), or clients
 * that register with a freshly generated key exactly as the extension does.
 */
import { Writable } from 'node:stream';
import { io, type Socket } from 'socket.io-client';
import { generateIdentity, signRegistration, toBase64 } from '../../src/shared/call-code';
import { type ClientToServerEvents, type Hello, PROTOCOL_VERSION, type Result, type ServerToClientEvents } from '../../src/shared/protocol';
import { type App, createApp } from '../app';
import { readConfig } from '../config';
import { createLogger } from '../logger';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  app: App;
  url: string;
  /** Where /metrics is served: a listener of its own on loopback (METRICS_PORT=0 unless the test says otherwise). */
  metricsUrl?: string;
  /** The UDP port of the server's own STUN responder, when it runs (a test that wants one sets STUN_PORT=0). */
  stunPort?: number;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  close: () => Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, extensionOrigin?: string): Promise<TestServer> {
  // No STUN responder unless a test asks (STUN_PORT=0 for a free port): the default 3478 would be shared by every test server running at once.
  const config = readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_PORT: '0', STUN_PORT: 'off', ...env }, extensionOrigin);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // The server's own logger, tags for codes and addresses included: what the tests read is what an operator reads.
  const app = createApp(config, createLogger(config.logLevel, sink));
  const { port, metricsPort, stunPort } = await app.listen();
  return {
    app,
    url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(metricsPort !== undefined && { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` }),
    ...(stunPort !== undefined && { stunPort }),
    logs,
    close: () => app.close(),
  };
}

export interface ClientOptions {
  origin?: string;
  /** A loopback source address (127.0.0.x), to stand for another household. */
  localAddress?: string;
  /** The certificate to trust, for a server serving TLS itself with a self-signed one. */
  ca?: string;
  /** Sent with the WebSocket handshake (a forged X-Forwarded-For, or which client a test proxy should say this is). */
  extraHeaders?: Record<string, string>;
}

/** A connection that has been greeted, not yet registered. */
export async function connect(url: string, options: ClientOptions = {}): Promise<{ socket: Client; hello: Hello }> {
  const socket: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, hello };
}

export interface Peer {
  socket: Client;
  code: string;
}

export type Identity = Awaited<ReturnType<typeof generateIdentity>>;

/** Signs the connection's challenge with the install's key and registers, as the extension does (with its block list, if any); returns the code. */
export async function register(socket: Client, challenge: string, identity: Identity, blocked?: string[]): Promise<string> {
  const signature = await signRegistration(identity.keyPair.privateKey, challenge);
  const reply = await socket.emitWithAck('register', {
    protocol: PROTOCOL_VERSION,
    publicKey: toBase64(identity.publicKeyRaw),
    signature: toBase64(signature),
    ...(blocked && { blocked }),
  });
  if (!reply.ok) throw new Error(`Registration failed: ${reply.message}`);
  return reply.code;
}

/** A connection registered under a fresh code (or the given install's code, with its block list), as the extension registers. */
export async function connectPeer(url: string, options: ClientOptions = {}, identity?: Identity, blocked?: string[]): Promise<Peer & { identity: Identity }> {
  const { socket, hello } = await connect(url, options);
  identity ??= await generateIdentity();
  return { socket, code: await register(socket, hello.challenge, identity, blocked), identity };
}

export function next<E extends keyof ServerToClientEvents>(socket: Client, event: E): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => socket.once(event, ((value: never) => resolve(value)) as never));
}

export function expectOk<T extends object>(result: Result<T>): { ok: true } & T {
  if (!result.ok) throw new Error(`Expected success, got ${result.error}: ${result.message}`);
  return result;
}

/** Rings, accepts and relays one description each way: a call set up as two extensions would. */
export async function setUpCall(caller: Peer, callee: Peer): Promise<string> {
  const incoming = next(callee.socket, 'incoming');
  const { callId } = expectOk(await caller.socket.emitWithAck('ring', { to: callee.code }));
  await incoming;
  const accepted = next(caller.socket, 'accepted');
  expectOk(await callee.socket.emitWithAck('accept', { callId }));
  await accepted;
  const offer = next(callee.socket, 'signal');
  expectOk(await caller.socket.emitWithAck('signal', { callId, data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } } }));
  if ((await offer).callId !== callId) throw new Error('The offer arrived for another call');
  const answer = next(caller.socket, 'signal');
  expectOk(await callee.socket.emitWithAck('signal', { callId, data: { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } } }));
  await answer;
  return callId;
}

export function closeAll(...peers: ({ socket: Client } | undefined)[]): void {
  for (const peer of peers) peer?.socket.disconnect();
}
