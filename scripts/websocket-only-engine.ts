/**
 * A Vite plugin that builds Engine.IO's client with its WebSocket transport
 * alone. The server takes WebSocket only (server/app.ts) and so does our
 * client (src/call-control/signaling-link.ts), but engine.io-client's
 * transport table imports HTTP long-polling and WebTransport as well, and
 * bundlers keep them: a fifth of the guest page's Socket.IO code, shipped to
 * every guest and never run.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const TABLE = '\0peerdial-engine-transports';

export function websocketOnlyEngine(): Plugin {
  const engine = dirname(createRequire(import.meta.url).resolve('engine.io-client/package.json'));
  const websocket = join(engine, 'build/esm/transports/websocket.js');
  return {
    name: 'peerdial-websocket-only-engine',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './transports/index.js' && importer?.startsWith(join(engine, 'build/esm/'))) return TABLE;
      return null;
    },
    load(id) {
      if (id !== TABLE) return null;
      return `import { WS } from ${JSON.stringify(websocket)};\nexport const transports = { websocket: WS };\n`;
    },
  };
}
