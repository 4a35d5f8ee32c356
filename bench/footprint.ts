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
import { eventually, myCode } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { BENCH_SERVER_ENV, STEP_TIMEOUT_MS } from './stats';
import { PAGE_PRELUDE } from './frame-timing';
import { cpuMs, extensionProcesses, residentBytes } from './processes';

export interface Footprint {
  popupJsGzipBytes: number;
  popupFirstRenderMs: number[];
  /** The same open of a page of this extension with none of our code (its icon): the browser's and the harness's share. */
  noCodePageMs: number[];
  popupLiveViewMs: number[];
  workerStartToRegisteredMs: number[];
  callJsHeapBytes: number;
  callExtensionRssBytes: number;
  idleCpuMsPer10s: number;
}

/**
 * The popup's JS as it ships: the scripts its page names and every module they
 * import, gzipped. Read from dist/ because resource timing does not list
 * chrome-extension:// scripts.
 */
async function popupJsGzip(): Promise<number> {
  const html = await readFile(join(DIST, 'src/popup/index.html'), 'utf8');
  const pending = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  const seen = new Set<string>();
  let total = 0;
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const code = await readFile(join(DIST, path));
    total += gzipSync(code).length;
    // Static imports and dynamic ones (the minifier writes those with backticks): the popup loads both.
    for (const [, imported] of code.toString().matchAll(/(?:from|import)\s*\(?\s*["'`](\.{0,2}\/?[^"'`]+\.js)["'`]/g)) {
      pending.push(join('/assets', imported!.replace(/^\.\//, '').replace(/^\/assets\//, '')));
    }
  }
  return total;
}

/**
 * From opening the popup page to its first useful render (the own code shown,
 * which the popup may take from its cache) and to the worker's live view
 * rendered (the page no longer busy).
 */
async function popupFirstRender(browser: ExtensionBrowser): Promise<{ useful: number; live: number }> {
  const page = await browser.context.newPage();
  await page.addInitScript(PAGE_PRELUDE);
  await page.addInitScript(() => {
    const times = window as unknown as { usefulAt?: number; liveAt?: number };
    const done = () => {
      const code = document.querySelector<HTMLInputElement>('#own-code')?.value ?? '';
      if (/^\w{4}-\w{4}-\w{4}$/.test(code)) times.usefulAt ??= performance.now();
      if (document.querySelector('main:not([aria-busy])')) times.liveAt ??= performance.now();
    };
    new MutationObserver(done).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(browser.url('src/popup/index.html'));
  const at = await page.waitForFunction(() => {
    const { usefulAt, liveAt } = window as unknown as { usefulAt?: number; liveAt?: number };
    return usefulAt !== undefined && liveAt !== undefined && { useful: usefulAt, live: liveAt };
  });
  const times = (await at.jsonValue()) as { useful: number; live: number };
  await page.close();
  return times;
}

/**
 * Opening a page of this extension that runs none of our code, its icon, in
 * the same way, to its load: what the browser (a tab, the extension's
 * process) and the harness (Playwright attaches to every new page before it
 * runs) take before any of the popup's own work. Where CPU is short this
 * floor alone is hundreds of ms.
 */
async function noCodePageOpen(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.context.newPage();
  await page.goto(browser.url('icons/icon-16.png'));
  const loaded = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
  await page.close();
  return loaded;
}

/** Stops the worker as Chrome's idle rule would; the open popup's port starts a fresh one, which reports when it registered. */
async function workerRestartToRegistered(browser: ExtensionBrowser): Promise<number> {
  const page = await browser.context.newPage();
  await page.goto(browser.url('src/popup/index.html'));
  await browser.worker.evaluate(() => Object.assign(globalThis, { peerdialBeforeStop: true }));
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const mark = await eventually(
    () =>
      browser.worker
        .evaluate(() => ('peerdialBeforeStop' in globalThis ? null : (performance.getEntriesByName('peerdial:registered')[0]?.startTime ?? null)))
        .catch(() => null),
    (startTime) => startTime !== null,
    'a fresh worker to register',
  );
  await page.close();
  return mark!;
}

export async function measureFootprint(samples: number): Promise<Footprint> {
  // Twenty calls a minute from one connection is a benchmark, not abuse: lift the ring limit.
  const server = await startServer(BENCH_SERVER_ENV, undefined, STEP_TIMEOUT_MS);
  const [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser()]);
  try {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    const popupJsGzipBytes = await popupJsGzip();
    console.log('  footprint: popup size measured');

    // Idle, first: no call, popup closed, no pages of the measurements below being cleaned up; only the server's pings on the link.
    await alicePopup.close();
    await new Promise((r) => setTimeout(r, 2_000));
    const idlePids = await extensionProcesses(alice);
    const idleBefore = await cpuMs(idlePids);
    await new Promise((r) => setTimeout(r, 10_000));
    const idleCpuMsPer10s = (await cpuMs(idlePids)) - idleBefore;
    console.log('  footprint: idle CPU measured');

    // Before the popup opens and worker restarts below: the pages they leave behind are garbage the heap would count.
    const callerPopup = await alice.context.newPage();
    await callerPopup.goto(alice.url('src/popup/index.html'));
    await connectCall(callerPopup, bobPopup, await myCode(bobPopup));
    await new Promise((r) => setTimeout(r, 3_000));
    const callJsHeapBytes = await callerPopup.evaluate(
      () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
    );
    const callExtensionRssBytes = await residentBytes(await extensionProcesses(alice));
    await callerPopup.getByRole('button', { name: 'Hang up' }).click();
    await callerPopup.close();
    // The call's end (its offscreen document closing) is over before popup opens are timed.
    await new Promise((r) => setTimeout(r, 1_000));

    const popupFirstRenderMs: number[] = [];
    const noCodePageMs: number[] = [];
    const popupLiveViewMs: number[] = [];
    // Interleaved, so a busy moment weighs on the popup and the floor alike.
    for (let i = 0; i < samples; i++) {
      const { useful, live } = await popupFirstRender(alice);
      popupFirstRenderMs.push(useful);
      popupLiveViewMs.push(live);
      noCodePageMs.push(await noCodePageOpen(alice));
    }

    const workerStartToRegisteredMs: number[] = [];
    for (let i = 0; i < samples; i++) workerStartToRegisteredMs.push(await workerRestartToRegistered(alice));
    console.log('  footprint: worker restarts measured');

    return {
      popupJsGzipBytes,
      popupFirstRenderMs,
      noCodePageMs,
      popupLiveViewMs,
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
