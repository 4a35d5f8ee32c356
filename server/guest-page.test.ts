/**
 * The guest page under /call/, served from a small build made for each test
 * (the real one is checked last, when it has been built): the page for any
 * code, its hashed files cached for good, the headers that keep it to
 * itself, nothing outside the build reachable, and a clear 503 with no build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/harness';

const PAGE = '<!doctype html><title>PeerDial call</title><script type="module" src="/call/assets/app-3f2a1b.js"></script>\n';
const SCRIPT = 'console.log("guest");\n';
/** Lies beside the build, where no request may reach it. */
const SECRET = 'not for the guest page';

let work: string;
let build: string;
let server: TestServer | undefined;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'peerdial-guest-page-'));
  build = join(work, 'dist-guest');
  mkdirSync(join(build, 'assets', 'nested'), { recursive: true });
  writeFileSync(join(build, 'index.html'), PAGE);
  writeFileSync(join(build, 'assets', 'app-3f2a1b.js'), SCRIPT);
  writeFileSync(join(build, 'assets', 'app-77aa01.css'), 'main{}\n');
  writeFileSync(join(build, 'assets', 'ring-0c1d2e.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(build, 'assets', 'inter-5e6f70.woff2'), 'wOF2');
  writeFileSync(join(build, 'assets', '.env'), SECRET);
  writeFileSync(join(work, 'secret.txt'), SECRET);
  symlinkSync(join(work, 'secret.txt'), join(build, 'assets', 'escape-000001.js'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(work, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request with its path exactly as written: fetch would resolve `..` and re-encode before sending. */
function raw(path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { port } = new URL(server!.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function serving(dir = build): Promise<TestServer> {
  server = await startTestServer({ GUEST_PAGE_DIR: dir });
  return server;
}

describe('the guest page', () => {
  it.each(['/call/', '/call/B7KQ4M2XP9TR', '/call/b7kq-4m2x-p9tr', '/call/not-a-code!', '/call/B7KQ4M2XP9TR?from=mail'])('%s is the page, asked for afresh each time', async (path) => {
    await serving();
    const answer = await raw(path);
    expect(answer).toMatchObject({ status: 200, body: PAGE });
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD with the headers and no body', async () => {
    await serving();
    const answer = await raw('/call/B7KQ4M2XP9TR', { method: 'HEAD' });
    expect(answer).toMatchObject({ status: 200, body: '' });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(PAGE)));
  });

  it('serves its hashed files with their types, cached for a year', async () => {
    await serving();
    const script = await raw('/call/assets/app-3f2a1b.js');
    expect(script).toMatchObject({ status: 200, body: SCRIPT });
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const types = await Promise.all(['app-3f2a1b.js', 'app-77aa01.css', 'ring-0c1d2e.svg', 'inter-5e6f70.woff2'].map(async (name) => (await raw(`/call/assets/${name}`)).headers['content-type']));
    expect(types).toEqual(['text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'image/svg+xml', 'font/woff2']);
  });

  it('keeps the page and its files to themselves: strict policy, no referrer, no framing, no other powers', async () => {
    await serving();
    const { port } = new URL(server!.url);
    for (const path of ['/call/B7KQ4M2XP9TR', '/call/assets/app-3f2a1b.js']) {
      const { headers } = await raw(path);
      expect(headers['content-security-policy']).toBe(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; font-src 'self'; media-src 'self' blob: mediastream:; " +
          `connect-src 'self' ws://127.0.0.1:${port} wss://127.0.0.1:${port}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'; worker-src 'self' blob:`,
      );
      expect(headers['permissions-policy']).toMatch(/^camera=\(self\), microphone=\(self\), display-capture=\(self\), fullscreen=\(self\), geolocation=\(\), /);
      expect(headers).toMatchObject({
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
    }
  });

  it('does not let a forged Host header write into the policy', async () => {
    await serving();
    const { headers } = await raw('/call/', { headers: { host: "evil.example; script-src 'unsafe-inline'" } });
    expect(headers['content-security-policy']).toContain("connect-src 'self'; ");
    expect(headers['content-security-policy']).not.toContain('evil.example');
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  });

  it.each([
    '/call/assets/../../secret.txt',
    '/call/assets/%2e%2e/%2e%2e/secret.txt',
    '/call/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/call/assets/..%5c..%5csecret.txt',
    '/call/assets/..\\..\\secret.txt',
    '/call/assets/app-3f2a1b.js%00.png',
    '/call/../secret.txt',
    '/call/%2e%2e/secret.txt',
    '/call/assets/.env',
    '/call/assets/escape-000001.js',
  ])('reaches nothing outside its files: %s', async (path) => {
    await serving();
    const answer = await raw(path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(SECRET);
  });

  it('serves only plain files: not a directory, not a pipe that would never end', async () => {
    const fifo = spawnSync('mkfifo', [join(build, 'assets', 'pipe-000002.js')]);
    if (fifo.error) throw new Error(`This test needs mkfifo (coreutils): ${fifo.error.message}`);
    await serving();
    expect((await raw('/call/assets/nested')).status).toBe(404);
    expect((await raw('/call/assets/pipe-000002.js')).status).toBe(404);
  });

  it('answers anything else under /call/ with 404, and other methods with 405', async () => {
    await serving();
    for (const path of ['/call/assets/', '/call/assets/missing-000000.js', '/call/B7KQ4M2XP9TR/extra', '/call/assets/nested/x.js']) {
      expect((await raw(path)).status).toBe(404);
    }
    const posted = await raw('/call/', { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.allow).toBe('GET, HEAD');
  });

  it('without a build, answers 503 saying how to make one, stays up, and serves a build made later', async () => {
    await serving(join(work, 'not-built'));
    const answer = await raw('/call/B7KQ4M2XP9TR');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm run build:guest');
    expect((await raw('/healthz')).status).toBe(200);
    expect(server!.logs.filter((line) => line.event === 'guest-page-missing')).toHaveLength(1);

    mkdirSync(join(work, 'not-built'));
    writeFileSync(join(work, 'not-built', 'index.html'), PAGE);
    expect(await raw('/call/B7KQ4M2XP9TR')).toMatchObject({ status: 200, body: PAGE });
  });

  const REAL_BUILD = resolve(import.meta.dirname, '../dist-guest');
  it.skipIf(!existsSync(join(REAL_BUILD, 'index.html')))('serves the real build (npm run build:guest): every file it names loads, and nothing inline needs the policy relaxed', async () => {
    await serving(REAL_BUILD);
    const page = await raw('/call/B7KQ4M2XP9TR');
    expect(page.status).toBe(200);
    const named = [...page.body.matchAll(/(?:src|href)="(\/call\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(named.some((path) => path.endsWith('.js'))).toBe(true);
    for (const path of named) {
      const file = await raw(path);
      expect(file.status, path).toBe(200);
      expect(file.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(file.headers['content-type'], path).not.toBe('application/octet-stream');
    }
    // An inline script or style would be blocked by script-src 'self' and style-src 'self'.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle="/);
  });
});
