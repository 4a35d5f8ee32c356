/**
 * This process's link to Redis: a client for commands, one for the sharded
 * channel other processes send to us on (server/redis/mailbox.ts), and the
 * liveness key other processes read to tell whether our connections still
 * exist.
 *
 * Pub/sub, not a stream: what a stream adds is replay, and the extension does
 * not need it: it registers afresh on every connection (a new challenge to
 * sign), and everything worth recovering (presence, calls, deadlines) is
 * already in Redis, with a ringing call re-announced on registration.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError } from '../config';
import { aliveKey } from './presence';

/** Other processes treat our connections as gone this long after our last heartbeat. */
const ALIVE_TTL_MS = 5_000;
const HEARTBEAT_MS = 1_000;

export interface RedisLink {
  processId: string;
  client: Redis;
  /** In subscriber mode: reads this process's own channel. */
  subscriber: Redis;
  /** Rejects, naming REDIS_URL, when the server there cannot carry sharded pub/sub. */
  checkVersion: () => Promise<void>;
  close: () => Promise<void>;
}

/** Sharded pub/sub (SSUBSCRIBE, SPUBLISH) came in Redis 7.0. `info` is what INFO server answers. */
export function redisVersionProblem(info: string): string | null {
  const version = /^redis_version:(\S+)/m.exec(info)?.[1];
  if (!version) return 'REDIS_URL: the server there did not say its version; PeerDial needs Redis 7.0 or later.';
  const major = Number(version.split('.')[0]);
  return major >= 7 ? null : `REDIS_URL: the server there runs Redis ${version}; PeerDial needs 7.0 or later (sharded pub/sub).`;
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
    subscriber,
    async checkVersion() {
      const problem = redisVersionProblem(await client.info('server'));
      if (problem) throw new ConfigError(problem);
    },
    async close() {
      clearInterval(heartbeat);
      await client.del(aliveKey(processId)).catch(onError);
      await Promise.allSettled([client.quit(), subscriber.quit()]);
    },
  };
}
