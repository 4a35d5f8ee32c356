/**
 * Two homes behind real NATs, built from Linux network namespaces for one
 * test file: a public segment on 198.18.N.0/24 (the benchmarking range,
 * never anyone's real address) where the signaling server and coturn run;
 * per home a router namespace that NATs the home onto the public segment and
 * drops unsolicited inbound packets; and the home, where a browser runs
 * (PLATFORM-NOTES, "NAT in network namespaces"). The test process reaches
 * the public segment through one veth of its own at .254, for health checks.
 *
 * Every namespace's name carries this process's id, so two runs never share
 * one, and a run killed before it could clean up is swept by the next. All
 * rules live inside the router namespaces, and every veth has an end inside
 * a namespace of ours: deleting the namespaces removes everything.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerPlace } from './server';

/** Port-preserving: a home keeps its source port (hole punching works). Symmetric: a new port per destination. */
export type NatKind = 'port-preserving' | 'symmetric';

export interface NatLabOptions {
  homes: Record<HomeName, NatKind>;
  /** A second router for home a, with another public address, to move to mid-call (a laptop leaving Wi-Fi for a hotspot). */
  secondRouterForA?: boolean;
}

export type HomeName = 'a' | 'b';

export interface NatLab {
  /** The public segment's own address: the server and coturn listen here. */
  publicAddress: string;
  /** This process's own address on the public segment: a server it runs itself listens here. */
  testerAddress: string;
  /** Where the server and coturn run: the public segment. They are stopped by their owners, or with the lab. */
  publicPlace: ServerPlace;
  /**
   * How a Chromium in this home is started: an executable that runs it inside the home (Playwright's
   * `executablePath`), and the switch that trusts the lab server's self-signed certificate, and it alone. The
   * extension speaks plain http only to its own machine (src/shared/server-url.ts), so the lab's server speaks
   * TLS, as a public one must.
   */
  browserIn: (home: HomeName) => { executablePath: string; extraArgs: string[] };
  /** Home a leaves its router for the second one: its address and public address change, as on a new network. */
  moveHomeA: () => void;
  /** Home a's public address once it has moved: its second router's. */
  movedAddressA: string;
  destroy: () => void;
}

const PREFIX = 'pdnat';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function inNamespace(namespace: string, command: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', namespace, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ourNamespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

/** Kills what still runs inside and deletes the namespace, with its veths and rules. */
function removeNamespace(namespace: string): void {
  try {
    for (const pid of ip('netns', 'pids', namespace).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    ip('netns', 'del', namespace);
  } catch {
    // Already deleted (a sweep by another run, or a failed creation).
  }
}

/** Namespaces left by a run that was killed before it could clean up: their owner's process is gone. */
function sweepAbandoned(): void {
  for (const namespace of ourNamespaces()) {
    const owner = Number(namespace.split('-')[1]);
    let alive = true;
    try {
      process.kill(owner, 0);
    } catch {
      alive = false;
    }
    if (!alive) removeNamespace(namespace);
  }
}

/** Why a lab cannot be built here (not root, namespaces or iptables missing), or null if it can. */
export function natLabUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('iptables', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'iptables is not installed (apt-get install iptables)';
  }
  const probe = `${PREFIX}-${process.pid}-probe`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
  } catch (error) {
    return `ip netns add is not allowed here (${String(error).split('\n')[0]})`;
  }
  return null;
}

/** A /24 in 198.18.0.0/15 that no route on this machine uses yet: two labs at once must not share one. */
function freePublicSegment(): number {
  const used = new Set(ip('route', 'show').match(/198\.18\.\d+\.0\/24/g));
  for (let n = 0; n < 254; n++) {
    const candidate = ((process.pid + n) % 254) + 1;
    if (!used.has(`198.18.${candidate}.0/24`)) return candidate;
  }
  throw new Error('No free 198.18.x.0/24 segment');
}

/** A one-day P-256 certificate for `address`, its files, and its key's SHA-256 (base64), which Chromium can be told to trust. */
function selfSignedCertificate(dir: string, address: string): { certFile: string; keyFile: string; pem: string; spki: string } {
  const [certFile, keyFile] = [join(dir, 'server.pem'), join(dir, 'server.key')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${address}`, '-addext', `subjectAltName=IP:${address}`], { stdio: 'ignore' });
  const publicKey = execFileSync('openssl', ['x509', '-in', certFile, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: publicKey });
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8'), spki: createHash('sha256').update(der).digest('base64') };
}

export function createNatLab(options: NatLabOptions): NatLab {
  sweepAbandoned();
  const id = `${PREFIX}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const names = { pub: `${id}-pub`, ra: `${id}-ra`, rb: `${id}-rb`, ra2: `${id}-ra2`, ha: `${id}-ha`, hb: `${id}-hb` };
  const created: string[] = [];
  const segment = freePublicSegment();
  const publicAddress = `198.18.${segment}.1`;
  const scripts = mkdtempSync(join(tmpdir(), 'peerdial-nat-'));
  // The test process's own way onto the public segment: a veth whose name must be unique on the whole machine.
  const hostLink = `pdn${process.pid % 100_000}${segment}`.slice(0, 15);

  const destroy = () => {
    for (const namespace of created.reverse()) removeNamespace(namespace);
    created.length = 0;
    rmSync(scripts, { recursive: true, force: true });
    process.off('exit', destroy);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
  // Interrupted (Ctrl-C, a CI timeout): clean up, then end as the signal would have.
  const interrupted = (signal: NodeJS.Signals) => {
    destroy();
    process.kill(process.pid, signal);
  };
  process.on('exit', destroy);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const add = (namespace: string) => {
    ip('netns', 'add', namespace);
    created.push(namespace);
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  };

  try {
    add(names.pub);
    ip('-n', names.pub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', names.pub, 'addr', 'add', `${publicAddress}/24`, 'dev', 'br0');
    ip('-n', names.pub, 'link', 'set', 'br0', 'up');
    ip('-n', names.pub, 'link', 'add', 'host', 'type', 'veth', 'peer', 'name', hostLink, 'netns', String(process.pid));
    ip('-n', names.pub, 'link', 'set', 'host', 'master', 'br0');
    ip('-n', names.pub, 'link', 'set', 'host', 'up');
    ip('addr', 'add', `198.18.${segment}.254/24`, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');

    /** A router on the public segment at `wan`, NATting the home's `lanNet` (10.x.y.0/24, the router at .1). */
    const router = (namespace: string, wan: string, lanNet: string, home: string, homeLink: string, kind: NatKind) => {
      add(namespace);
      const port = `to-${namespace.split('-').pop()}`;
      ip('-n', namespace, 'link', 'add', 'wan', 'type', 'veth', 'peer', 'name', port, 'netns', names.pub);
      ip('-n', names.pub, 'link', 'set', port, 'master', 'br0');
      ip('-n', names.pub, 'link', 'set', port, 'up');
      ip('-n', namespace, 'addr', 'add', `${wan}/24`, 'dev', 'wan');
      ip('-n', namespace, 'link', 'set', 'wan', 'up');
      ip('-n', namespace, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', homeLink, 'netns', home);
      ip('-n', namespace, 'addr', 'add', `${lanNet}.1/24`, 'dev', 'lan');
      ip('-n', namespace, 'link', 'set', 'lan', 'up');
      inNamespace(namespace, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      inNamespace(namespace, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ...(kind === 'symmetric' ? ['--random-fully'] : []));
      // Unsolicited packets are dropped, whether addressed through the router or to it. Dropped in INPUT too, a
      // peer's check that arrives before we sent to that peer leaves no connection behind: one would take our mapped
      // port, and our own packets to that peer would then leave from another (Linux NAT avoids the clash).
      for (const chain of ['FORWARD', 'INPUT']) {
        inNamespace(namespace, 'iptables', '-A', chain, '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
        inNamespace(namespace, 'iptables', '-A', chain, '-i', 'wan', '-j', 'DROP');
      }
    };
    const home = (namespace: string, link: string, lanNet: string, up: boolean) => {
      ip('-n', namespace, 'addr', 'add', `${lanNet}.2/24`, 'dev', link);
      if (!up) return;
      ip('-n', namespace, 'link', 'set', link, 'up');
      ip('-n', namespace, 'route', 'add', 'default', 'via', `${lanNet}.1`);
    };

    add(names.ha);
    add(names.hb);
    router(names.ra, `198.18.${segment}.2`, '10.0.1', names.ha, 'eth0', options.homes.a);
    router(names.rb, `198.18.${segment}.3`, '10.0.2', names.hb, 'eth0', options.homes.b);
    home(names.ha, 'eth0', '10.0.1', true);
    home(names.hb, 'eth0', '10.0.2', true);
    if (options.secondRouterForA) {
      router(names.ra2, `198.18.${segment}.4`, '10.0.3', names.ha, 'eth1', options.homes.a);
      home(names.ha, 'eth1', '10.0.3', false);
    }
  } catch (error) {
    destroy();
    throw error;
  }

  const certificate = selfSignedCertificate(scripts, publicAddress);

  const chromiumIn = (home: string): string => {
    const path = join(scripts, `chromium-in-${home}`);
    writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${home} ${CHROMIUM} "$@"\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const wrappers: Record<HomeName, string> = { a: chromiumIn(names.ha), b: chromiumIn(names.hb) };
  const trustServerCertificate = `--ignore-certificate-errors-spki-list=${certificate.spki}`;

  return {
    publicAddress,
    testerAddress: `198.18.${segment}.254`,
    publicPlace: {
      host: publicAddress,
      tls: { ca: certificate.pem, env: { TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile } },
      spawn: (command, args, { quiet, ...spawnOptions }) =>
        spawn('ip', ['netns', 'exec', names.pub, command, ...args], { ...spawnOptions, stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] }),
    },
    browserIn: (home) => ({ executablePath: wrappers[home], extraArgs: [trustServerCertificate] }),
    movedAddressA: `198.18.${segment}.4`,
    moveHomeA() {
      if (!options.secondRouterForA) throw new Error('This lab has no second router for home a');
      ip('-n', names.ha, 'link', 'set', 'eth0', 'down');
      ip('-n', names.ha, 'link', 'set', 'eth1', 'up');
      ip('-n', names.ha, 'route', 'replace', 'default', 'via', '10.0.3.1');
    },
    destroy,
  };
}
