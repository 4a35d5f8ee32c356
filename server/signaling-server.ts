/** The typed connection and server: one protocol module gives both sides their event types. */
import type { ServerToClientEvents } from '../src/shared/protocol';
import type { SerialQueue } from '../src/shared/serial-queue';
import type { Failure } from '../src/shared/protocol';
import type { ConnectionBudget } from './connection-budget';
import type { ClientConnection } from './wire/client-connection';
import type { WireServer } from './wire/wire-server';

/** Where an accepted call's signals from one connection go (server/relay.ts). */
export interface Route {
  callId: string;
  /** The connection holding the other party, on this process or another; '' while it is being looked up. */
  peer: string;
}

export interface PeerData {
  /** The fresh random string this connection must sign to register. */
  challenge: string;
  /** Set once the connection has proven the key behind this code. */
  code?: string;
  /** This connection's own rate-limit counts. */
  budget: ConnectionBudget;
  /** Until the connection registers: when it is dropped for not doing so. */
  registerDeadline?: ReturnType<typeof setTimeout>;
  /** This connection's requests, handled one after another; none while nothing waits. */
  requests?: SerialQueue;
  /** Requests queued or being handled, and about how many bytes their payloads hold. */
  pendingRequests: number;
  pendingBytes: number;
  /** Where this connection's signals in an accepted call go, once its first one found out (server/relay.ts). */
  route?: Route;
  /** A call whose signals from this connection are refused, since one was for a reason that passes, until one comes `again`. */
  refusing?: { callId: string; refusal: Failure };
}

export type SignalingServer = WireServer<ServerToClientEvents, PeerData>;
export type PeerSocket = ClientConnection<ServerToClientEvents, PeerData>;
