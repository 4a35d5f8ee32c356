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

let server: RunningServer | undefined;
let peer: Peer | undefined;

afterEach(async () => {
  peer?.socket.disconnect();
  await server?.stop();
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

  it('exits within SHUTDOWN_TIMEOUT_MS even when a connection never finishes its request', async () => {
    server = await startServer({ SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = tcpConnect(server.port, '127.0.0.1');
    await once(stuck, 'connect');
    // Half a request: the HTTP server waits for the rest and will not close on its own.
    stuck.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    // Time for the half request to reach the server's parser: half a request gets no reply that could say it arrived,
    // and a connection that has sent nothing yet is idle, which a clean shutdown closes without waiting.
    await new Promise((r) => setTimeout(r, 100));
    server.process.kill('SIGTERM');
    // Exit code 1 is the timeout's: the clean path could not finish, and the bound ended it.
    expect(await exitOf(server)).toBe(1);
    stuck.destroy();
  });
});
