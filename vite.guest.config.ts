/**
 * The guest page's own build: a plain web page (no extension APIs), served by
 * the signaling server under /call/. Hashed asset names let the server cache
 * them for a year; index.html is served fresh.
 */
import preact from '@preact/preset-vite';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { sha256Wasm } from './scripts/sha256-wasm';
import { websocketOnlyEngine } from './scripts/websocket-only-engine';

const SRC = resolve(import.meta.dirname, 'src');
/** The folders the guest page may import from: the extension's own (worker, popup, offscreen, chrome/) are not among them. */
const GUEST_FOLDERS = ['guest', 'call-ui', 'call-control', 'media-host', 'call', 'shared', 'i18n'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.includes('.test.'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The English catalog, cut to the messages the page's code can say: every
 * message key is a string literal in the source (MessageKey is checked by the
 * compiler), so a key named in none of the guest's folders is never looked
 * up there. Most of the catalog is the extension's (settings, history,
 * devices, badges): a third of the page's gzip size, spared.
 */
function guestCatalog(): Plugin {
  return {
    name: 'peerdial-guest-catalog',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/_locales/en/messages.json')) return null;
      const named = new Set<string>();
      for (const file of GUEST_FOLDERS.flatMap((folder) => sourceFiles(join(SRC, folder)))) {
        for (const [, key] of readFileSync(file, 'utf8').matchAll(/['"`](\w+)['"`]/g)) named.add(key!);
      }
      const catalog = JSON.parse(code) as Record<string, { message: string }>;
      const kept = Object.fromEntries(Object.entries(catalog).filter(([key]) => named.has(key)).map(([key, { message }]) => [key, { message }]));
      return { code: JSON.stringify(kept), map: null };
    },
  };
}

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/guest'),
  base: '/call/',
  plugins: [websocketOnlyEngine(), sha256Wasm(), guestCatalog(), preact()],
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist-guest'),
    emptyOutDir: true,
    // Every browser the page supports has modulepreload or loads the one bundle without it.
    modulePreload: { polyfill: false },
  },
});
