/**
 * A deploy stops the server with SIGTERM. Clients must hear a lost link (so
 * the extension reconnects, to the next process) rather than a kick (after
 * which Socket.IO clients stay away), and the process must be gone within its
 * bound even if a connection hangs.
 */
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../test/e2e/support/server';
import { connectPeer, type Peer } from './testing/harness';
import { type RunningRedis, startRedis } from './testing/redis';

let server: RunningServer | undefined;
let peer: Peer | undefined;
let redis: RunningRedis | undefined;

afterEach(async () => {
  peer?.socket.disconnect();
  await server?.stop();
  await redis?.stop();
  redis = undefined;
});

async function exitOf(server: RunningServer): Promise<number | null> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  const [code] = (await once(server.process, 'exit')) as [number | null];
  return code;
}

describe('SIGTERM', () => {
  it('drops every client as a lost link, so each reconnects elsewhere, and exits cleanly', async () => {
    server = await startServer();
    peer = await connectPeer(server.url);
    const disconnected = new Promise<string>((resolve) => peer!.socket.once('disconnect', resolve));
    server.process.kill('SIGTERM');
    expect(await disconnected).toBe('transport close');
    expect(await exitOf(server)).toBe(0);
    // Nobody can connect to the stopped process.
    expect(await fetch(`${server.url}/healthz`).then(() => 'answered', () => 'refused')).toBe('refused');
  });

  it('a connection that never finishes its request does not hold up the exit', async () => {
    server = await startServer({ SHUTDOWN_TIMEOUT_MS: '5000' });
    const stuck = tcpConnect(server.port, '127.0.0.1');
    await once(stuck, 'connect');
    // Half a request: an HTTP server waiting for its connections to end would wait for the rest forever.
    stuck.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 100));
    server.process.kill('SIGTERM');
    expect(await exitOf(server)).toBe(0);
    stuck.destroy();
  });

  it('answers /healthz with 503 until it exits, and exits within SHUTDOWN_TIMEOUT_MS when Redis stops answering', async () => {
    redis = await startRedis();
    server = await startServer({ REDIS_URL: redis.url, SHUTDOWN_TIMEOUT_MS: '1500' });
    peer = await connectPeer(server.url);
    // Its departure cannot be recorded: the drain hangs, and only the bound ends it.
    await redis.stop();
    const exited = exitOf(server);
    let gone = false;
    void exited.then(() => (gone = true));
    server.process.kill('SIGTERM');
    const answers: (number | 'refused')[] = [];
    while (!gone) {
      answers.push(await fetch(`${server.url}/healthz`).then((r) => r.status, () => 'refused' as const));
      await new Promise((r) => setTimeout(r, 50));
    }
    // Exit code 1 is the timeout's: the clean path could not finish, and the bound ended it.
    expect(await exited).toBe(1);
    // The signal takes a moment to arrive: a 200 or two first. From then on, 503 for the whole bound, and a refusal
    // only once the process is gone.
    const draining = answers.slice(answers.findIndex((answer) => answer !== 200));
    const before = draining.filter((answer) => answer !== 'refused');
    console.warn(`/healthz after SIGTERM: ${before.length} answers of 503 over the 1.5 s bound, then ${draining.length - before.length} refused`);
    expect(before.length).toBeGreaterThan(10);
    expect(new Set(before)).toEqual(new Set([503]));
    expect(draining.slice(0, before.length)).toEqual(before);
  });
});
