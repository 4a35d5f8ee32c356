/**
 * The guest page's own build: a plain web page (no extension APIs), served by
 * the signaling server under /call/. Hashed asset names let the server cache
 * them for a year; index.html is served fresh.
 */
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/guest'),
  base: '/call/',
  plugins: [preact()],
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist-guest'),
    emptyOutDir: true,
    // Every browser the page supports has modulepreload or loads the one bundle without it.
    modulePreload: { polyfill: false },
  },
});
