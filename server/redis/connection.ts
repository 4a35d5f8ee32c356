/**
 * This process's link to Redis: the clients, the Socket.IO adapter that
 * carries every emit to whichever process holds the connection, and the
 * liveness key other processes read to tell whether our connections still
 * exist.
 *
 * The pub/sub adapter (@socket.io/redis-adapter), not the Redis Streams one:
 * what the Streams adapter adds is connection-state recovery, and the
 * extension does not need it: it registers afresh on every connection
 * (a new challenge to sign), and everything worth recovering (presence,
 * calls, deadlines) is already in Redis, with a ringing call re-announced on
 * registration. Pub/sub delivers without a stream to trim, at lower latency.
 */
import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { aliveKey } from './presence';

/** Other processes treat our connections as gone this long after our last heartbeat. */
const ALIVE_TTL_MS = 5_000;
const HEARTBEAT_MS = 1_000;

export interface RedisLink {
  processId: string;
  client: Redis;
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export function connectRedis(url: string, onError: (error: unknown) => void): RedisLink {
  const processId = randomBytes(8).toString('hex');
  const client = new Redis(url, { lazyConnect: false });
  const subscriber = client.duplicate();
  client.on('error', onError);
  subscriber.on('error', onError);
  const beat = () => void client.set(aliveKey(processId), '1', 'PX', ALIVE_TTL_MS).catch(onError);
  beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    processId,
    client,
    adapter: createAdapter(client, subscriber),
    async close() {
      clearInterval(heartbeat);
      await client.del(aliveKey(processId)).catch(onError);
      await Promise.allSettled([client.quit(), subscriber.quit()]);
    },
  };
}
