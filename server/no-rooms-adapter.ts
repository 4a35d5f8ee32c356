/**
 * Socket.IO's in-memory adapter, without rooms. Socket.IO puts every
 * connection in a room named after its own id, for `io.to(id)`: two sets and
 * an entry in each of two maps, about 0.4 KB per connection by a heap
 * snapshot (bench/README.md), held for as long as the connection is open.
 * This server never addresses a room: it reaches a connection by its id in
 * the namespace's own map (server/connections.ts), and another process's
 * through Redis (server/redis/mailbox.ts). So no connection joins a room,
 * and a room or namespace broadcast (`io.to(…)`, `io.emit`) reaches no one.
 */
import { Adapter } from 'socket.io-adapter';

export class NoRoomsAdapter extends Adapter {
  override addAll(): void {}
}
