/**
 * Messages between server processes, addressed directly: each process reads
 * one sharded channel of its own, `peerdial:to:<process id>`, and a message
 * for a connection is published on the channel of the process holding it
 * (presence names it, server/redis/presence.ts), which alone receives it.
 *
 * Not the Socket.IO Redis adapter: with a channel per connection it made every
 * connection an SSUBSCRIBE (Redis's memory and a command per connect and
 * disconnect) and every relayed message a publish of its own, encoded for a
 * room broadcast. Here a process subscribes once, and what it sends to one
 * process within one turn of the event loop (a burst of candidates, the
 * signals of many calls at once) goes in one publish: Redis's work, and both
 * processes' Redis client work, is per turn rather than per message.
 *
 * Order holds: one client publishes, in the order sent, and Redis delivers a
 * channel's messages in the order published.
 */
import type { Redis } from 'ioredis';
import { type Connections, replaceConnection } from '../connections';
import type { SignalingServer } from '../signaling-server';

export const channelOf = (processId: string) => `peerdial:to:${processId}`;

/** One message for one connection of the receiving process: an event and its arguments, or the word REPLACED. */
type Letter = [connection: string, event: string, args: unknown[]];
/** Not an event name: the connection has been replaced and is to be closed (connections.ts). */
const REPLACED = '';

/** "<process id> <connection id>", as presence records a holder. */
function split(holder: string): [process: string, connection: string] {
  const space = holder.indexOf(' ');
  return [holder.slice(0, space), holder.slice(space + 1)];
}

export function createRedisConnections(server: SignalingServer, client: Redis, subscriber: Redis, processId: string, onError: (error: unknown) => void): Connections {
  const own = channelOf(processId);
  /** Letters per process, waiting for the end of this turn. */
  const outbox = new Map<string, Letter[]>();
  let flushScheduled = false;

  function flush(): void {
    flushScheduled = false;
    for (const [process, letters] of outbox) client.spublish(channelOf(process), JSON.stringify(letters)).catch(onError);
    outbox.clear();
  }

  /** Delivers here at once, or queues for the holder's process; false for a connection of ours that is gone. */
  function post(holder: string, event: string, args: unknown[]): boolean {
    const [process, connection] = split(holder);
    if (process === processId) return deliverHere(connection, event, args);
    const letters = outbox.get(process);
    if (letters) letters.push([connection, event, args]);
    else outbox.set(process, [[connection, event, args]]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return true;
  }

  /** To a connection of this process, posted here or by another process; false when it is gone. */
  function deliverHere(connection: string, event: string, args: unknown[]): boolean {
    const socket = server.connections.get(connection);
    if (!socket) return false;
    if (event === REPLACED) replaceConnection(socket);
    // Events named by this server's own code on another process, so of the protocol's types.
    else (socket.emit as (event: string, ...args: unknown[]) => void)(event, ...args);
    return true;
  }

  function received(channel: string, text: string): void {
    if (channel !== own) return;
    let letters: unknown;
    try {
      letters = JSON.parse(text);
    } catch (error) {
      onError(error);
      return;
    }
    if (!Array.isArray(letters)) return;
    // One gone since the sender looked it up is skipped: its departure reaches the sender by its own path.
    for (const [connection, event, args] of letters as Letter[]) deliverHere(connection, event, args);
  }

  subscriber.on('smessage', received);
  subscriber.ssubscribe(own).catch(onError);

  return {
    emit: (holder, event, ...args) => post(holder, event, args),
    replace: (holder) => void post(holder, REPLACED, []),
    async close() {
      if (flushScheduled) flush();
      subscriber.off('smessage', received);
      await subscriber.sunsubscribe(own).catch(onError);
    },
  };
}
