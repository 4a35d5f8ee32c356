/**
 * Just enough of STUN/TURN (RFC 8489, RFC 8656) to ask a TURN server for a
 * relay with a long-term credential and read its verdict: the first Allocate
 * draws a 401 with the realm and a nonce, the second carries USERNAME, REALM,
 * NONCE and MESSAGE-INTEGRITY and is either granted or refused.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const Attribute = { Username: 0x0006, MessageIntegrity: 0x0008, ErrorCode: 0x0009, Realm: 0x0014, Nonce: 0x0015, RequestedTransport: 0x0019 } as const;
const UDP = 17;
const REPLY_TIMEOUT_MS = 2_000;

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function message(type: number, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const transactionId = randomBytes(12);
  let body = Buffer.concat(attributes);
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC_COOKIE, 4);
    transactionId.copy(h, 8);
    return h;
  };
  if (integrityKey) {
    // The HMAC covers the message with its length already counting the MESSAGE-INTEGRITY attribute (24 bytes).
    const mac = createHmac('sha1', integrityKey).update(Buffer.concat([header(body.length + 24), body])).digest();
    body = Buffer.concat([body, attribute(Attribute.MessageIntegrity, mac)]);
  }
  return Buffer.concat([header(body.length), body]);
}

interface Reply {
  type: number;
  attributes: Map<number, Buffer>;
}

function parse(packet: Buffer): Reply {
  const attributes = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= packet.length; ) {
    const type = packet.readUInt16BE(at);
    const length = packet.readUInt16BE(at + 2);
    attributes.set(type, packet.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: packet.readUInt16BE(0), attributes };
}

/**
 * Client ports a conversation has used. coturn keeps a session per client
 * address and port, with the username first tried there, for minutes: a new
 * conversation from an old port, with another username, is refused with 437
 * (Allocation Mismatch) whatever its credential.
 */
const usedPorts = new Set<number>();

/** A socket on a port no conversation of this process has used; the OS may hand a closed one out again. */
/** Bound where `host` is reached from: loopback for loopback, any address for a lab's public segment. */
async function freshSocket(host: string): Promise<Socket> {
  const taken: Socket[] = [];
  try {
    for (;;) {
      const socket = createSocket('udp4');
      socket.bind(0, host === '127.0.0.1' ? host : '0.0.0.0');
      await once(socket, 'listening');
      const { port } = socket.address();
      if (!usedPorts.has(port)) {
        usedPorts.add(port);
        return socket;
      }
      // Held open until a fresh one is found, so the OS cannot offer it again meanwhile.
      taken.push(socket);
    }
  } finally {
    for (const socket of taken) socket.close();
  }
}

/** One UDP socket per conversation, on a port of its own: coturn ties its nonce and session to the client's address and port. */
async function conversation<T>(port: number, host: string, talk: (exchange: (request: Buffer) => Promise<Reply>) => Promise<T>): Promise<T> {
  const socket = await freshSocket(host);
  const exchange = async (request: Buffer) => {
    const reply = once(socket, 'message') as Promise<[Buffer]>;
    socket.send(request, port, host);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no STUN reply')), REPLY_TIMEOUT_MS).unref());
    const [packet] = await Promise.race([reply, timeout]);
    return parse(packet);
  };
  try {
    return await talk(exchange);
  } finally {
    socket.close();
  }
}

export async function stunBinding(port: number, host = '127.0.0.1'): Promise<boolean> {
  return conversation(port, host, async (exchange) => (await exchange(message(BINDING_REQUEST, []))).type === 0x0101);
}

export async function freeUdpPort(): Promise<number> {
  const probe = createSocket('udp4');
  probe.bind(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

export type AllocateVerdict = { granted: true } | { granted: false; code: number; reason: string };

/** Asks for a UDP relay with this username and password, as a browser does with an RTCIceServer. */
export async function allocate(port: number, username: string, password: string): Promise<AllocateVerdict> {
  const transport = attribute(Attribute.RequestedTransport, Buffer.from([UDP, 0, 0, 0]));
  return conversation(port, '127.0.0.1', async (exchange) => {
    const challenge = await exchange(message(ALLOCATE_REQUEST, [transport]));
    const realm = challenge.attributes.get(Attribute.Realm);
    const nonce = challenge.attributes.get(Attribute.Nonce);
    if (!realm || !nonce) throw new Error('The TURN server did not ask for credentials');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const reply = await exchange(
      message(ALLOCATE_REQUEST, [transport, attribute(Attribute.Username, Buffer.from(username)), attribute(Attribute.Realm, realm), attribute(Attribute.Nonce, nonce)], key),
    );
    if (reply.type === ALLOCATE_SUCCESS) return { granted: true };
    const error = reply.attributes.get(Attribute.ErrorCode);
    if (!error) throw new Error(`Unexpected TURN reply type 0x${reply.type.toString(16)}`);
    return { granted: false, code: (error[2]! & 0x7) * 100 + error[3]!, reason: error.subarray(4).toString() };
  });
}
