import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { sha256Wasm } from './scripts/sha256-wasm';
import { websocketOnlyEngine } from './scripts/websocket-only-engine';

export default defineConfig({
  plugins: [websocketOnlyEngine(), sha256Wasm(), preact(), crx({ manifest })],
  define: {
    // The signaling server the extension talks to until the user picks another in the popup's settings.
    __DEFAULT_SERVER_URL__: JSON.stringify(process.env.PEERDIAL_SERVER_URL ?? 'http://localhost:3000'),
  },
  build: {
    emptyOutDir: true,
    // Chrome has had <link rel=modulepreload> since 66: the polyfill would only be one more module before the popup paints.
    modulePreload: { polyfill: false },
    // Extension pages the manifest does not name: crxjs builds them only when listed here.
    rollupOptions: {
      input: {
        offscreen: 'src/offscreen/index.html',
        permission: 'src/permission/index.html',
        shareScreen: 'src/share-screen/index.html',
        sidePanel: 'src/side-panel/index.html',
      },
    },
  },
});
