/**
 * A real coturn on loopback, checking time-limited credentials with the
 * shared secret (`--use-auth-secret`), as in production but allowed to relay
 * to loopback peers (PLATFORM-NOTES "TURN on loopback"). Stopped by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerPlace } from './server';
import { freeUdpPort, stunBinding } from './turn-client';

export interface RunningTurn {
  port: number;
  url: string;
  secret: string;
  realm: string;
  stop: () => Promise<void>;
}

/**
 * `port` brings a stopped relay back at the address the calls were given.
 * `place`: a lab's public segment instead of loopback, where coturn relays
 * between public addresses only (never into a home's private network).
 */
export async function startCoturn(secret: string, port?: number, place?: ServerPlace): Promise<RunningTurn> {
  port ??= await freeUdpPort();
  // Relay ports near the listening port: other coturns on this machine use other ranges.
  const minPort = 20_000 + (port % 20_000);
  const realm = 'peerdial.test';
  const dir = await mkdtemp(join(tmpdir(), 'peerdial-coturn-'));
  const host = place?.host ?? '127.0.0.1';
  const segment = host.replace(/\.\d+$/, '');
  const peers = place ? [`--denied-peer-ip=10.0.0.0-10.255.255.255`, `--allowed-peer-ip=${segment}.0-${segment}.255`] : ['--allow-loopback-peers'];
  const args = [
      '-n',
      `--listening-ip=${host}`,
      `--relay-ip=${host}`,
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${realm}`,
      ...peers,
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      `--min-port=${minPort}`,
      `--max-port=${minPort + 40}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
      '--log-file=stdout',
      '--simple-log',
  ];
  // coturn's own log (and its IPv6 probing complaints) would only clutter the test output.
  const child: ChildProcess = place ? place.spawn('turnserver', args, { env: process.env, cwd: dir, quiet: true }) : spawn('turnserver', args, { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await stunBinding(port, host).catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`coturn exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('coturn did not answer a STUN binding request within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `turn:${host}:${port}?transport=udp`,
    secret,
    realm,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
