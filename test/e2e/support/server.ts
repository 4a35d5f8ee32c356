/** The real signaling server, started as its own process the way `npm run server` starts it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Where a server runs other than this machine's loopback: a lab's public segment (support/nat-lab.ts). */
export interface ServerPlace {
  host: string;
  /** The server speaks TLS with this self-signed certificate (PEM), which the health check trusts; its env names the files. */
  tls?: { ca: string; env: Record<string, string> };
  /** `quiet`: the program's own output is not wanted in the test's. */
  spawn: (command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; quiet?: boolean }) => ChildProcess;
}

const LOOPBACK: ServerPlace = {
  host: '127.0.0.1',
  spawn: (command, args, { quiet, ...options }) => spawn(command, args, { ...options, stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] }),
};

/** fetch() cannot be told to trust one certificate; https.get can. */
function answersHealthy(url: string, ca?: string): Promise<boolean> {
  if (!ca) return fetch(url).then((r) => r.ok, () => false);
  return new Promise((resolve) => {
    const request = httpsGet(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}

/** `healthyWithinMs`: a benchmark pinned to one core gives the server longer to come up. */
export async function startServer(env: Record<string, string> = {}, port?: number, healthyWithinMs = 15_000, place = LOOPBACK): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  const child = place.spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // No STUN responder unless a test asks for one (STUN_PORT): on loopback it finds nothing a host candidate does not, and the default port 3478 is shared by every server started at once.
    env: { ...process.env, PORT: String(chosen), HOST: place.host, LOG_LEVEL: 'warn', STUN_PORT: 'off', ...place.tls?.env, ...env },
  });
  const url = `${place.tls ? 'https' : 'http'}://${place.host}:${chosen}`;
  const deadline = Date.now() + healthyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}`);
    const healthy = await answersHealthy(`${url}/healthz`, place.tls?.ca);
    if (healthy) break;
    if (Date.now() > deadline) {
      // Nobody gets a handle on a server that never answered: stop it here, or it outlives the test run.
      child.kill('SIGKILL');
      throw new Error(`The server did not become healthy within ${healthyWithinMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port: chosen,
    process: child,
    async stop() {
      // Already gone (exited, or killed by a signal, which leaves exitCode null): there is no 'exit' left to wait for.
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
