/**
 * The guest page under /call/: where anyone with an invite link calls a
 * PeerDial user from a plain browser (src/guest/, built into dist-guest/ by
 * `npm run build:guest`).
 *
 * `/call/` and `/call/<code>` are the page itself; it reads the code from its
 * own address and says when it is not one. `/call/assets/<name>` are its
 * files, hashed by the build, so cached for a year. Only a name of one plain
 * segment ever reaches the file system, and only a regular file inside the
 * directory (symbolic links resolved) is served. Files are read per request:
 * a rebuild is served without a restart, and a missing build is a 503 that
 * says how to make one.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { INVITE_PATH } from '../src/shared/invite-link';
import type { Logger } from './logger';
import { plainHost } from './own-origin';

const ASSETS = 'assets/';
/** What Vite names a file: letters, digits, '-', '_' and '.', not starting with a dot. No '/', '\', '%' or NUL can pass. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A new build names its assets anew, so the old names never change content. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** The page names the current assets: asked again every time. */
const PAGE_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.webm': 'video/webm',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may use the camera, microphone, screen and full screen for itself; no frame may, and nothing else
 * powerful is on. Only features Chromium knows are named: an unknown one (bluetooth) costs a console warning on
 * every load, which a guest reporting a problem would paste.
 */
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'fullscreen=(self)',
  ...['geolocation', 'payment', 'usb', 'serial', 'hid', 'midi', 'accelerometer', 'gyroscope', 'magnetometer', 'idle-detection', 'publickey-credentials-get', 'xr-spatial-tracking', 'browsing-topics'].map((feature) => `${feature}=()`),
].join(', ');

/**
 * No inline script or style, nothing from elsewhere; the page talks only to
 * this server. Its socket is named as well as 'self': Safari before 16
 * does not count ws: and wss: as 'self'. A server holding its certificate
 * itself knows the page came over TLS; behind a proxy that speaks TLS it
 * cannot tell, so both schemes (a browser refuses ws: from an https page anyway).
 */
function contentSecurityPolicy(host: string | undefined, overTls: boolean): string {
  const sockets = host === undefined ? [] : overTls ? [`wss://${host}`] : [`ws://${host}`, `wss://${host}`];
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' compiles WebAssembly (the SHA-256 a received file is verified with); it allows no eval() of strings.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    ["connect-src 'self'", ...sockets].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}

function securityHeaders(request: IncomingMessage): Record<string, string> {
  return {
    // The Host header goes into the policy only once it is known to be a plain host[:port].
    'content-security-policy': contentSecurityPolicy(plainHost(request.headers.host), 'encrypted' in request.socket),
    'permissions-policy': PERMISSIONS_POLICY,
    // The page's address carries a call code: no other site learns it from a link or a request.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

type Route = { kind: 'page' } | { kind: 'asset'; name: string } | { kind: 'none' };

/** What a path under /call/ names; only an asset's checked name is ever looked up on disk. */
function routeOf(path: string): Route {
  const rest = path.slice(INVITE_PATH.length);
  if (!rest.includes('/')) return { kind: 'page' };
  const name = rest.startsWith(ASSETS) ? rest.slice(ASSETS.length) : '';
  return ASSET_NAME.test(name) ? { kind: 'asset', name } : { kind: 'none' };
}

/** A regular file inside `root` (a real path), or undefined when there is none: missing, a directory, or a link leading out. */
async function fileInside(root: string, relative: string): Promise<Buffer | undefined> {
  const real = await realpath(join(root, relative)).catch(() => undefined);
  if (real === undefined || !real.startsWith(root + sep)) return undefined;
  // Non-blocking: a FIFO planted in the directory would otherwise hold the request until someone writes to it.
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return (await handle.stat()).isFile() ? await handle.readFile() : undefined;
  } finally {
    await handle.close();
  }
}

export type GuestPage = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Answers every request under /call/ (returns true) and leaves the rest to the caller (returns false). */
export function createGuestPage(dir: string, log: Logger): GuestPage {
  let reportedMissing = false;

  function send(request: IncomingMessage, response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    response.writeHead(status, { ...securityHeaders(request), ...headers, 'content-length': String(bytes.length) });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  }

  function text(request: IncomingMessage, response: ServerResponse, status: number, sentence: string, headers: Record<string, string> = {}): void {
    send(request, response, status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }, `${sentence}\n`);
  }

  async function serve(route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (route.kind === 'none') return text(request, response, 404, 'Not found.');
    const root = await realpath(dir).catch(() => undefined);
    if (route.kind === 'asset') {
      const file = root === undefined ? undefined : await fileInside(root, join('assets', route.name));
      if (!file) return text(request, response, 404, 'Not found.');
      const type = CONTENT_TYPES[extname(route.name).toLowerCase()] ?? 'application/octet-stream';
      return send(request, response, 200, { 'content-type': type, 'cache-control': ASSET_CACHE }, file);
    }
    const page = root === undefined ? undefined : await fileInside(root, 'index.html');
    if (!page) {
      if (!reportedMissing) log.warn({ event: 'guest-page-missing', dir }, 'the guest page is not built; /call/ answers 503');
      reportedMissing = true;
      return text(request, response, 503, 'The guest page has not been built on this server: run npm run build:guest, then reload.');
    }
    reportedMissing = false;
    send(request, response, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': PAGE_CACHE }, page);
  }

  return (request, response) => {
    const path = (request.url ?? '').split('?')[0]!;
    if (!path.startsWith(INVITE_PATH)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      text(request, response, 405, 'Only GET and HEAD are answered here.', { allow: 'GET, HEAD' });
      return true;
    }
    serve(routeOf(path), request, response).catch((error: unknown) => {
      log.error({ event: 'guest-page', err: error }, 'could not serve the guest page');
      if (!response.headersSent) text(request, response, 500, 'The server could not read the guest page.');
      else response.destroy();
    });
    return true;
  };
}
