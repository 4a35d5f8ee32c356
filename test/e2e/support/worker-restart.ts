/** Chrome stopping the extension's service worker as its idle rule would (PLATFORM-NOTES.md), and the fresh one it starts next. */
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './browser';
import { eventually } from './probes';

/**
 * Stops the worker from a CDP session on `page`, then waits for a fresh one: the page's port breaking and
 * reconnecting is the next extension event. Playwright reports no close for the old worker, so a global set
 * before tells the two apart.
 */
export async function stopWorker(party: ExtensionBrowser, page: Page): Promise<void> {
  await party.worker.evaluate(() => Object.assign(globalThis, { peerdialBeforeStop: true }));
  const cdp = await party.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await eventually(() => party.worker.evaluate(() => !('peerdialBeforeStop' in globalThis)).catch(() => false), Boolean, 'a fresh service worker');
}
