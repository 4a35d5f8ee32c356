/**
 * A signaling server some distance away: a TCP proxy on loopback that holds
 * every chunk, each way, for half the round trip asked for, in order. The
 * media between the two browsers stays on loopback; only the way to the
 * signaling server (ours or PeerJS's) is long, as with a server on the
 * internet and two people near each other.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  /** The address to give clients instead of the server's. */
  url: string;
  close: () => Promise<void>;
}

function forward(from: Socket, to: Socket, delayMs: number): void {
  // Timers of one duration fire in the order they were set: the bytes keep their order.
  from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), delayMs));
}

export async function startDelayProxy(target: string, roundTripMs: number): Promise<DelayProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = createConnection({ host: hostname, port: Number(port), noDelay: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    forward(client, upstream, roundTripMs / 2);
    forward(upstream, client, roundTripMs / 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
