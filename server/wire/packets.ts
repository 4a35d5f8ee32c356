/**
 * Socket.IO's wire format as this server speaks it: Socket.IO protocol 5
 * inside Engine.IO protocol 4, over WebSocket only, in the main namespace,
 * text only. Each WebSocket message is one Engine.IO packet, a digit for its
 * type and then its data; a "message" packet (4) carries one Socket.IO packet,
 * again a digit for its type, an optional namespace ("/admin,"), an optional
 * acknowledgement id, then JSON. Reference:
 * https://socket.io/docs/v4/socket-io-protocol/ and
 * https://socket.io/docs/v4/engine-io-protocol/.
 *
 * Anything else a client sends (binary attachments, an unknown type, broken
 * JSON, a reserved event name) is malformed: Socket.IO's own server closes the
 * connection for it, and so does this one. So is a no-op or an
 * acknowledgement, which socket.io-client sends only to a server that upgrades
 * from long-polling or asks for acknowledgements: this one does neither.
 */

/** What a client may say. */
export type ClientPacket =
  /** Engine.IO's answer to the server's ping. */
  | { type: 'pong' }
  /** Engine.IO's close: the client is leaving. */
  | { type: 'close' }
  /** Joins a namespace: the main one is the only one here. */
  | { type: 'connect'; namespace: string }
  /** Leaves the main namespace. */
  | { type: 'disconnect' }
  /**
   * An event and its payload (every event here takes one; further arguments are ignored), with an acknowledgement
   * id when the client waits for an answer.
   */
  | { type: 'event'; event: string; payload: unknown; ack: number | undefined };

/** Event names a Socket.IO client keeps for itself; one arriving as an event is malformed. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** Longer acknowledgement ids than this are not a client's counter: past 2^53 they would not even round-trip. */
const MAX_ACK_DIGITS = 15;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One WebSocket text message from a client, or undefined when it is malformed. */
const PONG: ClientPacket = Object.freeze({ type: 'pong' });
const CLOSE: ClientPacket = Object.freeze({ type: 'close' });
const LEAVE: ClientPacket = Object.freeze({ type: 'disconnect' });

export function decode(frame: string): ClientPacket | undefined {
  switch (frame) {
    case '3':
      return PONG;
    case '1':
      return CLOSE;
  }
  if (frame.charCodeAt(0) !== 0x34 /* '4', message */) return undefined;
  const kind = frame[1];
  let at = 2;
  let namespace = '/';
  if (frame[at] === '/') {
    const comma = frame.indexOf(',', at);
    if (comma === -1) {
      namespace = frame.slice(at);
      at = frame.length;
    } else {
      namespace = frame.slice(at, comma);
      at = comma + 1;
    }
  }
  const digitsFrom = at;
  while (at < frame.length && frame.charCodeAt(at) >= 0x30 && frame.charCodeAt(at) <= 0x39) at++;
  if (at - digitsFrom > MAX_ACK_DIGITS) return undefined;
  const ack = at > digitsFrom ? Number(frame.slice(digitsFrom, at)) : undefined;
  const json = frame.slice(at);
  switch (kind) {
    case '0': {
      // A CONNECT may carry an auth object; this server authenticates by signature after it, so only its shape counts.
      if (ack !== undefined || (json !== '' && !isObject(parseJson(json)))) return undefined;
      return { type: 'connect', namespace };
    }
    case '1':
      return ack === undefined && json === '' && namespace === '/' ? LEAVE : undefined;
    case '2': {
      if (namespace !== '/') return undefined;
      const args = parseJson(json);
      if (!Array.isArray(args) || typeof args[0] !== 'string' || RESERVED.has(args[0])) return undefined;
      return { type: 'event', event: args[0], payload: args[1], ack };
    }
    default:
      // 3 answers an event that asked for an acknowledgement, and this server asks none; 4 (connect error) is the
      // server's to send; 5 and 6 carry binary attachments, which this server does not take.
      return undefined;
  }
}

/** Engine.IO's handshake, the first thing the server sends on a new connection. */
export function openPacket(id: string, settings: { pingInterval: number; pingTimeout: number; maxPayload: number }): string {
  return `0${JSON.stringify({ sid: id, upgrades: [], pingInterval: settings.pingInterval, pingTimeout: settings.pingTimeout, maxPayload: settings.maxPayload })}`;
}

export const PING = '2';
/** The main namespace joined. */
export const connected = (id: string) => `40${JSON.stringify({ sid: id })}`;
/** The server ends the client's session: the client does not reconnect by itself. */
export const DISCONNECT = '41';
/** The answer to a CONNECT for a namespace this server does not have, worded as Socket.IO's. */
export const noSuchNamespace = (namespace: string) => `44${namespace},${JSON.stringify({ message: 'Invalid namespace' })}`;

/** An event for the client. */
export function eventPacket(event: string, args: readonly unknown[]): string {
  return `42${JSON.stringify([event, ...args])}`;
}

/** The answer to the client's event numbered `ack`. */
export function ackPacket(ack: number, args: readonly unknown[]): string {
  return `43${ack}${JSON.stringify(args)}`;
}
