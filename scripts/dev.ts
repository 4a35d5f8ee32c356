/**
 * `npm run dev`: rebuilds dist/ on every change, reloads the extension in a
 * Chromium window this script opens (its own profile, so your browser is left
 * alone), and runs the signaling server, restarting it when server code changes.
 *
 * crxjs's dev server does not serve pages the manifest does not name, such as
 * the offscreen document, so this is a `vite build --watch` loop. A reload ends
 * any call in progress: that is the price of reloading the worker.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Worker } from 'playwright-core';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const openBrowser = !process.argv.includes('--no-browser');

const server = spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/main.ts'], { cwd: ROOT, stdio: 'inherit' });

let worker: Worker | null = null;
const watcher = (await build({ root: ROOT, build: { watch: {} }, logLevel: 'warn' })) as import('rolldown').RolldownWatcher;
watcher.on('event', async (event) => {
  if (event.code === 'ERROR') console.error('Build failed:', event.error.message);
  if (event.code !== 'END') return;
  console.log(`Built dist/ at ${new Date().toLocaleTimeString()}`);
  if (!openBrowser) return;
  if (!worker) {
    worker = await launch();
    return;
  }
  await worker.evaluate(() => chrome.runtime.reload()).catch(() => undefined);
});

async function launch(): Promise<Worker> {
  const profile = await mkdtemp(join(tmpdir(), 'peerdial-dev-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: false,
    args: [`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`, '--no-first-run'],
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: null,
  });
  // The worker object changes on every reload; find the current one when needed.
  context.on('serviceworker', (next) => (worker = next));
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

function stop() {
  server.kill('SIGTERM');
  void watcher.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
