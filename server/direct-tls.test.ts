/**
 * A server on a public address serves HTTPS and WSS itself when given a
 * certificate (TLS_CERT_FILE, TLS_KEY_FILE): a browser lets a page use the
 * camera only in a secure context, localhost aside. A self-signed
 * certificate made here with the openssl command line stands in for a real
 * one; the clients trust it explicitly.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';
import { closeAll, connect, connectPeer, expectOk, next, type Peer, startTestServer, type TestServer } from './testing/harness';

const PAGE = '<!doctype html><title>PeerDial call</title>\n';

let work: string;
/** A guest page build of one file, away from the keys. */
let guestPage: string;
let tls: { TLS_CERT_FILE: string; TLS_KEY_FILE: string };
let ca: string;
let server: TestServer | undefined;
const peers: Peer[] = [];

/** A P-256 key and a one-day certificate for 127.0.0.1, as files. */
function selfSigned(name: string): { cert: string; key: string } {
  const [cert, key] = [join(work, `${name}.pem`), join(work, `${name}.key`)];
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.error) throw new Error(`These tests make their certificate with the openssl command line, which is not here (apt-get install openssl): ${made.error.message}`);
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  return { cert, key };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'peerdial-tls-'));
  const { cert, key } = selfSigned('server');
  tls = { TLS_CERT_FILE: cert, TLS_KEY_FILE: key };
  ca = readFileSync(cert, 'utf8');
  guestPage = join(work, 'dist-guest');
  mkdirSync(guestPage);
  writeFileSync(join(guestPage, 'index.html'), PAGE);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

afterEach(async () => {
  closeAll(...peers.splice(0));
  await server?.close();
  server = undefined;
});

function fetchTrusting(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

describe('direct TLS', () => {
  it('serves /healthz and the guest page over HTTPS, its policy naming only the wss: socket', async () => {
    server = await startTestServer({ ...tls, GUEST_PAGE_DIR: guestPage });
    expect(server.url).toMatch(/^https:\/\//);
    expect(await fetchTrusting(`${server.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    const page = await fetchTrusting(`${server.url}/call/B7KQ4M2XP9TR`);
    expect(page).toMatchObject({ status: 200, body: PAGE });
    const { host } = new URL(server.url);
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' wss://${host};`);
  });

  it('takes the guest page’s socket over WSS: it registers and rings like any client', async () => {
    server = await startTestServer({ ...tls, NODE_ENV: 'production' });
    const [guest, bob] = await Promise.all([connectPeer(server.url, { ca, origin: server.url }), connectPeer(server.url, { ca })]);
    peers.push(guest, bob);
    const incoming = next(bob.socket, 'incoming');
    const { callId } = expectOk(await guest.socket.emitWithAck('ring', { to: bob.code, name: 'Ada' }));
    expect(await incoming).toMatchObject({ callId, from: guest.code, name: 'Ada' });
  });

  it('refuses a client that does not trust the certificate, and plain HTTP on the same port', async () => {
    server = await startTestServer(tls);
    await expect(connect(server.url)).rejects.toThrow();
    const plain = await fetch(`${server.url.replace('https:', 'http:')}/healthz`).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(plain).toBe('refused');
  });

  it('stops at start when the key is not the certificate’s, naming both variables', () => {
    const other = selfSigned('other');
    expect(() => readConfig({ TLS_CERT_FILE: tls.TLS_CERT_FILE, TLS_KEY_FILE: other.key })).toThrow(ConfigError);
    expect(() => readConfig({ TLS_CERT_FILE: tls.TLS_CERT_FILE, TLS_KEY_FILE: other.key })).toThrow(/^TLS_CERT_FILE and TLS_KEY_FILE must hold a PEM certificate and its own private key: .*key values mismatch/);
  });
});
