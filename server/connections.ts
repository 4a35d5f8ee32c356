/**
 * Reaching a connection by the name presence gives it, wherever it is. On one
 * process that name is the connection's id, and a message goes straight to the
 * socket; with Redis it also names the process holding the connection, and a
 * message for another process goes to that process alone
 * (server/redis/mailbox.ts).
 */
import type { ServerToClientEvents } from '../src/shared/protocol';
import type { PeerSocket, SignalingServer } from './signaling-server';

export interface Connections {
  /**
   * Sends one event to a connection. False when it is known to be gone (a connection of this process that has
   * closed); a message for another process is handed on, and true.
   */
  emit: <E extends keyof ServerToClientEvents>(holder: string, event: E, ...args: Parameters<ServerToClientEvents[E]>) => boolean;
  /** The same install registered again, perhaps elsewhere: its old connection hears 'replaced' and is closed. */
  replace: (holder: string) => void;
  /** Hands on what is still waiting to be sent, and stops listening for other processes' messages. */
  close: () => Promise<void>;
}

/** The old connection of a code registered again: it stops ringing and can no longer act for the code. */
export function replaceConnection(socket: PeerSocket): void {
  socket.emit('replaced');
  socket.disconnect();
}

/** One process: presence's holder is the connection's id. */
export function createLocalConnections(server: SignalingServer): Connections {
  return {
    emit(holder, event, ...args) {
      const socket = server.connections.get(holder);
      if (!socket) return false;
      socket.emit(event, ...args);
      return true;
    },
    replace(holder) {
      const socket = server.connections.get(holder);
      if (socket) replaceConnection(socket);
    },
    async close() {},
  };
}
