/**
 * Lean simulated clients for the benchmark: one raw WebSocket each (the `ws`
 * package), speaking just enough of each server's protocol, so one load
 * process can hold tens of thousands of them. PeerDial clients register with
 * a real key and signature, exactly as the extension does.
 */
import WebSocket from 'ws';
import { generateIdentity, signRegistration, toBase64 } from '../src/shared/call-code';
import { PROTOCOL_VERSION } from '../src/shared/protocol';

export type Receive = (event: string, payload: Record<string, unknown>) => void;

export interface SimClient {
  id: string;
  send: (event: string, payload: unknown) => void;
  request: (event: string, payload: unknown) => Promise<Record<string, unknown>>;
  /** A request whose answer nobody reads: the server does all the work of one (the answer included), the client skips reading it. */
  post: (event: string, payload: unknown) => void;
  onEvent: Receive;
  close: () => void;
}

/** Loopback source addresses, so the clients are not limited to one address's ephemeral ports. */
export const sourceAddress = (i: number) => `127.0.0.${1 + (i % 32)}`;

/** Listeners go on before the socket opens: the server's first message can arrive in the same read as the upgrade. */
function open(url: string, localAddress: string, onMessage: (text: string, ws: WebSocket) => void): Promise<WebSocket> {
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
  ws.on('message', (raw: Buffer) => onMessage(raw.toString(), ws));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A PeerDial client: Engine.IO v4 + Socket.IO v5 packets written by hand ("40", "42[...]", acks "43<id>[...]"). */
export async function peerdialClient(baseUrl: string, index: number): Promise<SimClient> {
  const acks = new Map<number, (value: Record<string, unknown>) => void>();
  let nextAck = 0;
  let hello: (challenge: string) => void = () => {};
  const challenge = new Promise<string>((resolve) => (hello = resolve));
  const client: SimClient = {
    id: '',
    send: (event, payload) => ws.send(`42${JSON.stringify([event, payload])}`),
    request(event, payload) {
      const id = nextAck++;
      ws.send(`42${id}${JSON.stringify([event, payload])}`);
      return new Promise((resolve) => acks.set(id, resolve));
    },
    post(event, payload) {
      ws.send(`42${nextAck++}${JSON.stringify([event, payload])}`);
    },
    onEvent: () => {},
    close: () => ws.terminate(),
  };
  const receive = (text: string, socket: WebSocket) => {
    if (text === '2') return socket.send('3');
    if (text.startsWith('0')) return socket.send('40');
    if (text.startsWith('43')) {
      const bracket = text.indexOf('[');
      const id = Number(text.slice(2, bracket));
      const waiting = acks.get(id);
      if (!waiting) return;
      acks.delete(id);
      waiting((JSON.parse(text.slice(bracket)) as [Record<string, unknown>])[0]);
      return;
    }
    if (text.startsWith('42')) {
      const [event, payload] = JSON.parse(text.slice(2)) as [string, Record<string, unknown>];
      if (event === 'hello') hello(payload.challenge as string);
      else client.onEvent(event, payload);
    }
  };
  const ws = await open(`${baseUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, sourceAddress(index), receive);
  const identity = await generateIdentity();
  const signature = await signRegistration(identity.keyPair.privateKey, await challenge);
  const reply = await client.request('register', { protocol: PROTOCOL_VERSION, publicKey: toBase64(identity.publicKeyRaw), signature: toBase64(signature) });
  if (!reply.ok) throw new Error(`register refused: ${String(reply.message)}`);
  client.id = reply.code as string;
  return client;
}

/** peerjs 1.5's default `pingInterval`: how often its client tells the server it is still there. */
const PEERJS_HEARTBEAT_MS = 5_000;

/** A PeerJS client: JSON messages {type, dst, payload}; the server stamps src. */
export async function peerjsClient(baseUrl: string, index: number): Promise<SimClient> {
  const id = `peer${index}x${Math.random().toString(36).slice(2, 8)}`;
  let opened: (ok: boolean) => void = () => {};
  const openMessage = new Promise<boolean>((resolve) => (opened = resolve));
  const ws = await open(`${baseUrl.replace('http', 'ws')}/peerjs?key=peerjs&id=${id}&token=t${index}`, sourceAddress(index), (text) => {
    const message = JSON.parse(text) as Record<string, unknown>;
    if (message.type === 'OPEN') opened(true);
    else if (message.type === 'ERROR' || message.type === 'ID-TAKEN') opened(false);
    else client.onEvent(message.type as string, message);
  });
  if (!(await openMessage)) throw new Error('PeerJS refused the connection');
  // As the PeerJS client library does: its server has no pings of its own (PeerDial's clients answer Engine.IO's).
  const heartbeat = setInterval(() => ws.send('{"type":"HEARTBEAT"}'), PEERJS_HEARTBEAT_MS);
  heartbeat.unref();
  const client: SimClient = {
    id,
    send: (type, payload) => ws.send(JSON.stringify({ type, ...(payload as object) })),
    request: () => Promise.reject(new Error('PeerJS has no requests')),
    post: () => {
      throw new Error('PeerJS has no requests');
    },
    onEvent: () => {},
    close: () => {
      clearInterval(heartbeat);
      ws.terminate();
    },
  };
  return client;
}
