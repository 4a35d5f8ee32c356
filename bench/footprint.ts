/**
 * What PeerDial costs the browser: JS the popup loads, how soon the popup is
 * useful, how soon a restarted worker is registered again, memory during a
 * call, and CPU while idle.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, type ExtensionBrowser, launchExtensionBrowser } from '../test/e2e/support/browser';
import { connectCall } from '../test/e2e/support/calls';
import { myCode } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { PAGE_PRELUDE } from './frame-timing';
import { cpuMs, extensionProcesses, residentBytes } from './processes';

export interface Footprint {
  popupJsGzipBytes: number;
  popupFirstRenderMs: number[];
  workerStartToRegisteredMs: number[];
  callJsHeapBytes: number;
  callExtensionRssBytes: number;
  idleCpuMsPer10s: number;
}

async function popupJsGzip(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.context.newPage();
  await page.goto(browser.url('src/popup/index.html'));
  await page.getByLabel('Your code').waitFor();
  const paths = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.js')),
  );
  await page.close();
  let total = 0;
  for (const path of new Set(paths)) total += gzipSync(await readFile(join(DIST, path))).length;
  return total;
}

async function popupFirstRender(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.context.newPage();
  await page.addInitScript(PAGE_PRELUDE);
  await page.addInitScript(() => {
    const done = () => {
      const code = document.querySelector<HTMLInputElement>('#own-code')?.value ?? '';
      if (/^\w{4}-\w{4}-\w{4}$/.test(code)) (window as unknown as { usefulAt?: number }).usefulAt ??= performance.now();
    };
    new MutationObserver(done).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(browser.url('src/popup/index.html'));
  const at = await page.waitForFunction(() => (window as unknown as { usefulAt?: number }).usefulAt);
  const ms = (await at.jsonValue()) as number;
  await page.close();
  return ms;
}

async function workerRestartToRegistered(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.context.newPage();
  await page.goto(browser.url('src/popup/index.html'));
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  const before = browser.worker;
  await cdp.send('ServiceWorker.stopAllWorkers');
  // The open popup reconnects its port, which starts a fresh worker.
  for (;;) {
    if (browser.worker !== before) {
      const mark = await browser.worker
        .evaluate(() => performance.getEntriesByName('peerdial:registered')[0]?.startTime ?? null)
        .catch(() => null);
      if (mark !== null) {
        await page.close();
        return mark;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function measureFootprint(samples: number): Promise<Footprint> {
  const server = await startServer();
  const [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser()]);
  try {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    const popupJsGzipBytes = await popupJsGzip(alice);
    const popupFirstRenderMs: number[] = [];
    for (let i = 0; i < samples; i++) popupFirstRenderMs.push(await popupFirstRender(alice));

    // Idle: no call, popup closed, only the server's pings on the link.
    await alicePopup.close();
    await new Promise((r) => setTimeout(r, 2_000));
    const idlePids = await extensionProcesses(alice);
    const idleBefore = await cpuMs(idlePids);
    await new Promise((r) => setTimeout(r, 10_000));
    const idleCpuMsPer10s = (await cpuMs(idlePids)) - idleBefore;

    const workerStartToRegisteredMs: number[] = [];
    for (let i = 0; i < samples; i++) workerStartToRegisteredMs.push(await workerRestartToRegistered(alice));

    const callerPopup = await alice.context.newPage();
    await callerPopup.goto(alice.url('src/popup/index.html'));
    await connectCall(callerPopup, bobPopup, await myCode(bobPopup));
    await new Promise((r) => setTimeout(r, 3_000));
    const callJsHeapBytes = await callerPopup.evaluate(
      () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
    );
    const callExtensionRssBytes = await residentBytes(await extensionProcesses(alice));
    await callerPopup.getByRole('button', { name: 'Hang up' }).click();

    return {
      popupJsGzipBytes,
      popupFirstRenderMs,
      workerStartToRegisteredMs,
      callJsHeapBytes,
      callExtensionRssBytes,
      idleCpuMsPer10s,
    };
  } finally {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  }
}
