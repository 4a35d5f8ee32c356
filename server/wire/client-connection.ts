/**
 * One client's Socket.IO session over its WebSocket: what handlers see of a
 * connection (its id, its data, `emit`, `disconnect`), and the state the
 * server's heartbeat reads. Nothing here is a closure or a timer of its own:
 * at tens of thousands of idle connections per process, every field counts.
 */
import type { WebSocket } from 'ws';
import { ackPacket, DISCONNECT, eventPacket } from './packets';

/** Events and their arguments, written as Socket.IO's typed events are: `name: (args) => void`. */
export type EventsOf<Emits> = { [E in keyof Emits]: (...args: never[]) => void };

/** How a session ended: for the handlers, and counted by reason in the server's metrics. */
export type CloseReason = 'client namespace disconnect' | 'server namespace disconnect' | 'transport close' | 'transport error' | 'ping timeout' | 'join timeout' | 'server shutting down' | 'slow reader' | 'parse error';

/**
 * What a client may leave unread on its socket before it is dropped: a client that stops reading while its peer
 * keeps sending would otherwise make the server hold everything sent to it. Far above any burst of a call's set-up.
 */
const MAX_UNREAD_BYTES = 1024 * 1024;

/** Told when a session ends; the server that made the connection forgets it. */
export type OnEnd<Emits extends EventsOf<Emits>, Data> = (connection: ClientConnection<Emits, Data>, reason: CloseReason) => void;

export class ClientConnection<Emits extends EventsOf<Emits>, Data> {
  /** Set by the handlers when the client joins (its CONNECT); until then, undefined. */
  data!: Data;
  /** Whether the client has joined the main namespace: only then do its events reach the handlers. */
  joined = false;
  /** Closed, by either side; nothing more is sent or handled. */
  disconnected = false;
  /** Why the session ended, once it has. */
  endedBy: CloseReason | undefined = undefined;
  /** When the heartbeat sends the next ping (ms since the epoch). */
  nextPingAt = 0;
  /** When the ping awaiting its pong went out; 0 while none waits. */
  pingSentAt = 0;
  /** The client has asked for a namespace this server does not have, and been told. */
  refusedNamespace = false;
  /**
   * Called, with the connection as `this`, with each event sent to the client, before it goes: how the relay
   * hears news that makes a call's route stale, whichever way the news reached this process.
   */
  onSent: ((this: ClientConnection<Emits, Data>, event: string) => void) | undefined = undefined;

  constructor(
    readonly id: string,
    /** The client the per-address limits count, behind a trusted proxy or not. */
    readonly address: string,
    readonly openedAt: number,
    private readonly socket: WebSocket,
    private readonly ended: OnEnd<Emits, Data>,
  ) {}

  emit<E extends keyof Emits & string>(event: E, ...args: Parameters<Emits[E]>): void {
    if (this.disconnected) return;
    this.onSent?.(event);
    this.send(eventPacket(event, args));
  }

  /** Answers the client's event numbered `ack`. */
  answer(ack: number, args: readonly unknown[]): void {
    if (!this.disconnected) this.send(ackPacket(ack, args));
  }

  /** Sends one packet as it is. */
  send(packet: string): void {
    if (this.socket.bufferedAmount > MAX_UNREAD_BYTES) {
      this.drop('slow reader');
      return;
    }
    this.socket.send(packet);
  }

  /** Ends the session from this side, telling the client so: it does not reconnect by itself. */
  disconnect(): void {
    if (this.disconnected) return;
    if (this.joined) this.socket.send(DISCONNECT);
    this.end('server namespace disconnect');
    this.socket.close();
  }

  /** Closes the link without a word (a shutdown): the client sees its link lost and reconnects, elsewhere if it can. */
  close(reason: CloseReason): void {
    if (this.disconnected) return;
    this.end(reason);
    this.socket.close();
  }

  /** Drops a client that does not answer, read or follow the protocol: no closing handshake to wait for. */
  drop(reason: CloseReason): void {
    if (this.disconnected) return;
    this.end(reason);
    this.socket.terminate();
  }

  /** The session is over, whichever side ended it: handlers hear it once, at once. */
  end(reason: CloseReason): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.endedBy = reason;
    this.onSent = undefined;
    this.ended(this, reason);
  }
}
