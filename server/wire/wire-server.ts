/**
 * A Socket.IO server for exactly what PeerDial's clients speak: WebSocket
 * only, the main namespace, text events with acknowledgements, and Engine.IO's
 * heartbeat (server/wire/packets.ts has the format).
 *
 * Not the `socket.io` package: a relayed signal went through Engine.IO's and
 * Socket.IO's layers of parsers, emitters and per-connection objects, and an
 * idle connection held about 10 KB of them (bench/README.md has the heap
 * breakdown); the signaling uses none of what they are for (polling and
 * upgrades, rooms, namespaces, binary attachments, middlewares). Here a
 * connection is `ws`'s WebSocket, the object below, and the handlers' data,
 * and a message costs one JSON parse and one socket write, as a PeerJS
 * server's does.
 *
 * One heartbeat timer serves every connection: it pings each every
 * `pingInterval`, as Engine.IO does, drops one whose pong does not come
 * within `pingTimeout`, and drops one that never joins the namespace. It
 * looks at every connection once per round, a tenth of them per tick, and a
 * connection's first ping comes after a random half to whole interval: pings
 * to ten thousand clients that connected together (after a restart, say)
 * would otherwise go out in one burst every interval, and the relayed
 * messages queued behind it waited tens of milliseconds (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ClientConnection, type CloseReason, type EventsOf } from './client-connection';
import { connected, decode, noSuchNamespace, openPacket, PING } from './packets';

export interface WireSettings {
  /** The longest message a client may send, in bytes; a longer one closes its connection. */
  maxPayload: number;
  /** Engine.IO's defaults. The client closes a link that hears no ping for pingInterval + pingTimeout. */
  pingInterval?: number;
  pingTimeout?: number;
  /** A connection that has not joined the namespace by then is not a Socket.IO client. */
  joinTimeout?: number;
}

/** What the signaling does with connections; each is one function for all of them. */
export interface WireHandlers<Emits extends EventsOf<Emits>, Data> {
  /** The client a request counts as for the per-address limits. */
  addressOf: (request: IncomingMessage) => string;
  /** Decides whether an upgrade request may become a connection, perhaps later (the rate limiter may wait for Redis). */
  allowRequest: (request: IncomingMessage, decide: (error: string | null | undefined, success: boolean) => void) => void;
  /** An upgrade became a connection. */
  opened: (address: string, request: IncomingMessage) => void;
  /** The client joined: its data is set here, and its events follow. */
  joined: (connection: ClientConnection<Emits, Data>) => void;
  /** An event of a joined client, with the function that answers it when the client waits for an answer. */
  event: (connection: ClientConnection<Emits, Data>, event: string, payload: unknown, ack: ((...args: unknown[]) => void) | undefined) => void;
  /** A joined client's session ended. */
  left: (connection: ClientConnection<Emits, Data>, reason: CloseReason) => void;
  /**
   * A connection's socket closed, joined or not, and why its session ended: its address's place is free. Later than
   * `left` when the server ended it politely (a client gets a few seconds to answer the close).
   */
  closed: (address: string, reason: CloseReason) => void;
}

export interface WireServer<Emits extends EventsOf<Emits>, Data> {
  /** Open connections by id, joined or not. */
  readonly connections: ReadonlyMap<string, ClientConnection<Emits, Data>>;
  /** Stops taking connections and closes every open one without a word: clients see a lost link and reconnect. */
  close: () => void;
}

const PATH = '/socket.io/';

/** The answer to an upgrade refused before it became a WebSocket, worded as Engine.IO's. */
function refuseUpgrade(socket: Duplex, status: 400 | 403, code: number, message: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ code, message });
  const reason = status === 400 ? 'Bad Request' : 'Forbidden';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Engine.IO 4 over WebSocket, at Socket.IO's path: the only transport this server speaks. */
function isSocketIoWebSocket(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  if ((query === -1 ? url : url.slice(0, query)) !== PATH) return false;
  const params = new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
  return params.get('EIO') === '4' && params.get('transport') === 'websocket';
}

const ignore = () => {};

export function createWireServer<Emits extends EventsOf<Emits>, Data>(
  http: HttpServer | HttpsServer,
  settings: WireSettings,
  handlers: WireHandlers<Emits, Data>,
): WireServer<Emits, Data> {
  const pingInterval = settings.pingInterval ?? 25_000;
  const pingTimeout = settings.pingTimeout ?? 20_000;
  const joinTimeout = settings.joinTimeout ?? 10_000;
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayload, perMessageDeflate: false, clientTracking: false });
  const connections = new Map<string, ClientConnection<Emits, Data>>();
  /** The connection a WebSocket carries, for the listeners shared by all of them. */
  const CONNECTION = Symbol('connection');
  type Carrier = WebSocket & { [CONNECTION]: ClientConnection<Emits, Data> };
  let closing = false;

  function ended(connection: ClientConnection<Emits, Data>, reason: CloseReason): void {
    connections.delete(connection.id);
    if (connection.joined) handlers.left(connection, reason);
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = (this as Carrier)[CONNECTION];
    if (connection.disconnected) return;
    // Text frames arrive as one Buffer (binaryType 'nodebuffer', fragments joined).
    const packet = isBinary ? undefined : decode((data as Buffer).toString());
    if (!packet) return connection.drop('parse error');
    switch (packet.type) {
      case 'pong':
        // One pong per ping: any other is a frame the heartbeat would otherwise read for free, as often as it came.
        if (connection.pingSentAt === 0) return connection.drop('parse error');
        connection.pingSentAt = 0;
        connection.nextPingAt = Date.now() + pingInterval;
        return;
      case 'event': {
        if (!connection.joined) return connection.drop('parse error');
        const { ack } = packet;
        const answer = ack === undefined ? undefined : answerOnce(connection, ack);
        handlers.event(connection, packet.event, packet.payload, answer);
        return;
      }
      case 'connect':
        if (packet.namespace !== '/') {
          // Answered the first time, in Socket.IO's words; a client that asks again is not ours, and each answer is a write.
          if (connection.refusedNamespace) return connection.drop('parse error');
          connection.refusedNamespace = true;
          return connection.send(noSuchNamespace(packet.namespace));
        }
        // Joining twice is a client out of step with the protocol, as Socket.IO's own server judges it.
        if (connection.joined) return connection.drop('parse error');
        connection.joined = true;
        connection.send(connected(connection.id));
        handlers.joined(connection);
        return;
      case 'disconnect':
        return connection.close('client namespace disconnect');
      case 'close':
        return connection.close('transport close');
    }
  }

  /** The socket itself is closed: only now is the address's place free, so a client slow to close still counts. */
  function onClose(this: WebSocket): void {
    const connection = (this as Carrier)[CONNECTION];
    connection.end('transport close');
    handlers.closed(connection.address, connection.endedBy!);
  }

  /** A protocol error (a frame over maxPayload, bad UTF-8): `ws` closes the link itself. */
  function onError(this: WebSocket): void {
    (this as Carrier)[CONNECTION].end('transport error');
  }

  function connect(webSocket: WebSocket, request: IncomingMessage, address: string): void {
    const id = randomBytes(15).toString('base64url');
    const connection = new ClientConnection<Emits, Data>(id, address, Date.now(), webSocket, ended);
    (webSocket as Carrier)[CONNECTION] = connection;
    connections.set(id, connection);
    handlers.opened(address, request);
    webSocket.on('message', onMessage);
    webSocket.on('close', onClose);
    webSocket.on('error', onError);
    connection.nextPingAt = connection.openedAt + pingInterval * (0.5 + Math.random() / 2);
    webSocket.send(openPacket(id, { pingInterval, pingTimeout, maxPayload: settings.maxPayload }));
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until `ws` takes the socket over, an error on it (a reset mid-handshake) must not go unheard.
    socket.on('error', ignore);
    if (closing) return refuseUpgrade(socket, 403, 4, 'The server is shutting down; connect to another.');
    if (!isSocketIoWebSocket(request)) return refuseUpgrade(socket, 400, 0, 'Transport unknown');
    handlers.allowRequest(request, (error, success) => {
      if (!success) return refuseUpgrade(socket, 403, 4, error ?? 'Forbidden');
      if (closing) return refuseUpgrade(socket, 403, 4, 'The server is shutting down; connect to another.');
      const address = handlers.addressOf(request);
      socket.removeListener('error', ignore);
      webSockets.handleUpgrade(request, socket, head, (webSocket) => connect(webSocket, request, address));
    });
  }

  /** Pings whoever is due, drops whoever has not answered or joined in time. */
  function check(connection: ClientConnection<Emits, Data>, now: number): void {
    if (connection.pingSentAt !== 0) {
      if (now - connection.pingSentAt > pingTimeout) connection.drop('ping timeout');
    } else if (!connection.joined && now - connection.openedAt > joinTimeout) connection.drop('join timeout');
    else if (now >= connection.nextPingAt) {
      connection.pingSentAt = now;
      connection.send(PING);
    }
  }

  // A round visits every connection, so each ping goes out at most a round late and a silent client is noticed at
  // most a round late; the client gives the server pingInterval + pingTimeout.
  const round = Math.min(1000, pingTimeout / 4, joinTimeout / 4);
  const SLICES = 10;
  let sweep = connections.values();
  function tick(): void {
    const now = Date.now();
    // A Map's iterator survives changes: entries deleted before it gets to them are skipped, new ones visited.
    for (let left = Math.ceil(connections.size / SLICES); left > 0; left--) {
      const next = sweep.next();
      if (next.done) {
        sweep = connections.values();
        return;
      }
      check(next.value, now);
    }
  }
  const beat = setInterval(tick, round / SLICES);
  beat.unref();
  http.on('upgrade', onUpgrade);

  return {
    connections,
    close() {
      closing = true;
      clearInterval(beat);
      // Each close deletes its entry; a Map's iterator goes on past deletions.
      for (const connection of connections.values()) connection.close('server shutting down');
    },
  };
}

/** Socket.IO's acknowledgement: the first answer goes to the client, any later one nowhere. */
function answerOnce<Emits extends EventsOf<Emits>, Data>(connection: ClientConnection<Emits, Data>, ack: number): (...args: unknown[]) => void {
  let answered = false;
  return (...args) => {
    if (answered) return;
    answered = true;
    connection.answer(ack, args);
  };
}
